//! The registry on the database for officials (server only): the resident list with search and
//! filters, a resident's detail and family card, creating and editing records with history,
//! population events (mutasi) and residents' correction requests. Every query is scoped by the
//! village; a full NIK or No. KK leaves the server only on request, and that is audited.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, UnionType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::codes;
use super::import::{changes_json, region_exists, values_of};
use super::model::{
    AreaOption, CorrectionRow, EventInput, EventRow, FamilyCard, FamilyMemberRow, HistoryRow, RegistryOptions,
    ResidentDetail, ResidentFilter, ResidentForm, ResidentPage, ResidentRow, SaveOutcome, event_label,
};
use super::nik::{KkNumber, Nik};
use super::record::{self, ResidentInput, ValidResident, check_codes};
use crate::access::guard::Official;
use crate::audit::{self, Action, Actor};
use crate::db::entities::{area, correction_request, family, population_event, resident, resident_history, village};
use crate::db::keyset;
use crate::error::{AppError, AppResult};
use crate::kit::form::Problem;
use crate::kit::resident::CorrectionStatus;
use crate::kit::time::wib_with_zone as wib;
use crate::ui::PageAt;

pub const PER_PAGE: u64 = 25;

fn age(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

pub(crate) fn masked(nik: &str) -> String {
    Nik::parse(nik).map(|n| n.masked()).unwrap_or_else(|_| "•".repeat(nik.len().min(16)))
}

fn actor(o: &Official) -> Actor {
    Actor::Official { id: o.id, name: o.name.clone() }
}

/// The names of the village's areas: `Kramat / RW 001 / RT 002` by RT id, dusun by id.
pub struct AreaNames {
    pub rt: HashMap<i64, (i64, String)>,
    pub dusun: Vec<AreaOption>,
}

/// # Errors
/// Database failures.
pub async fn area_names<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<AreaNames> {
    let all = area::Entity::find().filter(area::Column::VillageId.eq(village_id)).all(db).await?;
    let by_id: HashMap<i64, &area::Model> = all.iter().map(|a| (a.id, a)).collect();
    let mut rt = HashMap::new();
    let mut dusun: Vec<AreaOption> =
        all.iter().filter(|a| a.level == area::DUSUN).map(|a| AreaOption { id: a.id, label: a.name.clone() }).collect();
    dusun.sort_by(|a, b| a.label.cmp(&b.label));
    for a in all.iter().filter(|a| a.level == area::RT) {
        let rw = a.parent_id.and_then(|id| by_id.get(&id));
        let d = rw.and_then(|rw| rw.parent_id).and_then(|id| by_id.get(&id));
        if let (Some(rw), Some(d)) = (rw, d) {
            rt.insert(a.id, (d.id, format!("{} / RW {} / RT {}", d.name, rw.name, a.name)));
        }
    }
    Ok(AreaNames { rt, dusun })
}

/// The village's families by id.
///
/// # Errors
/// Database failures.
pub async fn families_of<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<HashMap<i64, family::Model>> {
    let all = family::Entity::find().filter(family::Column::VillageId.eq(village_id)).all(db).await?;
    Ok(all.into_iter().map(|f| (f.id, f)).collect())
}

/// The form and filter choices of the village.
///
/// # Errors
/// Database failures.
pub async fn options(db: &DatabaseConnection, village: &village::Model) -> AppResult<RegistryOptions> {
    let names = area_names(db, village.id).await?;
    let mut rt: Vec<AreaOption> =
        names.rt.iter().map(|(id, (_, label))| AreaOption { id: *id, label: label.clone() }).collect();
    rt.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(RegistryOptions {
        today: Utc::now().date_naive().format("%Y-%m-%d").to_string(),
        dusun_word: village.dusun_label.clone(),
        dusun: names.dusun,
        rt,
        religion: codes::RELIGION.labels(),
        education: codes::EDUCATION.labels(),
        education_current: codes::EDUCATION_CURRENT.labels(),
        occupation: codes::OCCUPATION.labels(),
        marital_status: codes::MARITAL.labels(),
        relationship: codes::RELATIONSHIP.labels(),
        citizenship: codes::CITIZENSHIP.labels(),
        blood_type: codes::BLOOD_TYPE.labels(),
        disability: codes::DISABILITY.labels(),
    })
}

/// The digits that come after all strings starting with `prefix` (for an index range).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}:")
}

/// The conditions of a filter, for the list and its count.
fn conditions(village_id: i64, f: &ResidentFilter, names: &AreaNames, today: NaiveDate) -> AppResult<Condition> {
    let mut c = Condition::all().add(resident::Column::VillageId.eq(village_id));
    match f.status.as_str() {
        "" | "hidup" => c = c.add(resident::Column::Status.eq(crate::kit::resident::Status::Hidup)),
        "semua" => {}
        s if codes::STATUSES.iter().any(|(_, k, _)| *k == s) => c = c.add(resident::Column::Status.eq(s)),
        _ => return Err(AppError::Invalid("Status tidak dikenal.".into())),
    }
    let q = record::squash(&f.q);
    if !q.is_empty() {
        if q.bytes().all(|b| b.is_ascii_digit()) {
            if q.len() < 4 {
                return Err(AppError::Invalid("Tulis paling sedikit 4 angka awal NIK atau No. KK.".into()));
            }
            // Two index ranges, joined: NIKs with the prefix, and the members of families whose
            // No. KK has it. (An OR of the two would scan the village.)
            let by_kk = Query::select()
                .column(family::Column::Id)
                .from(family::Entity)
                .and_where(family::Column::VillageId.eq(village_id))
                .and_where(family::Column::KkNumber.gte(q.as_str()))
                .and_where(family::Column::KkNumber.lt(prefix_end(&q)))
                .to_owned();
            let members = Query::select()
                .column(resident::Column::Id)
                .from(resident::Entity)
                .and_where(Expr::col(resident::Column::FamilyId).in_subquery(by_kk))
                .to_owned();
            let ids = Query::select()
                .column(resident::Column::Id)
                .from(resident::Entity)
                .and_where(resident::Column::VillageId.eq(village_id))
                .and_where(resident::Column::Nik.gte(q.as_str()))
                .and_where(resident::Column::Nik.lt(prefix_end(&q)))
                .union(UnionType::All, members)
                .to_owned();
            c = c.add(Expr::col(resident::Column::Id).in_subquery(ids));
        } else {
            let needle: String = q.to_lowercase().chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
            c = c.add(resident::Column::NameKey.like(format!("%{needle}%")));
        }
    }
    if let Some(rt) = f.rt {
        c = c.add(resident::Column::RtId.eq(rt));
    } else if let Some(d) = f.dusun {
        let rts: Vec<i64> = names.rt.iter().filter(|(_, (dusun, _))| *dusun == d).map(|(id, _)| *id).collect();
        c = c.add(resident::Column::RtId.is_in(rts));
    }
    match f.sex.as_str() {
        "" => {}
        "L" | "P" => c = c.add(resident::Column::Sex.eq(f.sex.as_str())),
        _ => return Err(AppError::Invalid("Jenis kelamin tidak dikenal.".into())),
    }
    if let (Some(lo), Some(hi)) = (f.age_min, f.age_max) {
        if lo > hi {
            return Err(AppError::Invalid("Umur terendah lebih besar dari umur tertinggi.".into()));
        }
    }
    // Age ≥ n: born on or before today − n years; age ≤ n: born after today − (n+1) years.
    if let Some(lo) = f.age_min {
        let limit = today.checked_sub_months(Months::new(Ord::min(lo, 150) * 12)).unwrap_or(NaiveDate::MIN);
        c = c.add(resident::Column::BirthDate.lte(limit));
    }
    if let Some(hi) = f.age_max {
        let limit = today.checked_sub_months(Months::new((Ord::min(hi, 150) + 1) * 12)).unwrap_or(NaiveDate::MIN);
        c = c.add(resident::Column::BirthDate.gt(limit));
    }
    for (value, column) in [
        (&f.religion, resident::Column::Religion),
        (&f.education, resident::Column::Education),
        (&f.occupation, resident::Column::Occupation),
        (&f.marital_status, resident::Column::MaritalStatus),
    ] {
        if !value.is_empty() {
            c = c.add(column.eq(value.as_str()));
        }
    }
    Ok(c)
}

/// A page of the resident list.
///
/// # Errors
/// `AppError::Invalid` for a filter that makes no sense; database failures.
pub async fn list(
    db: &DatabaseConnection,
    village_id: i64,
    f: &ResidentFilter,
    at: &PageAt,
) -> AppResult<ResidentPage> {
    let today = Utc::now().date_naive();
    let names = area_names(db, village_id).await?;
    let cond = conditions(village_id, f, &names, today)?;
    let total = resident::Entity::find().filter(cond.clone()).count(db).await?;
    let order = match f.sort.as_str() {
        "umur-tua" => vec![(resident::Column::BirthDate, Order::Asc), (resident::Column::Id, Order::Asc)],
        "umur-muda" => vec![(resident::Column::BirthDate, Order::Desc), (resident::Column::Id, Order::Asc)],
        "terbaru" => vec![(resident::Column::Id, Order::Desc)],
        _ => vec![(resident::Column::NameKey, Order::Asc), (resident::Column::Id, Order::Asc)],
    };
    let select = resident::Entity::find().filter(cond);
    let (rows, links) = keyset::page(db, select, &order, at, PER_PAGE, total).await?;
    let items = rows
        .into_iter()
        .map(|r| ResidentRow {
            id: r.id,
            nik_masked: masked(&r.nik),
            sex: r.sex.clone(),
            age: age(r.birth_date, today),
            area: r.rt_id.and_then(|id| names.rt.get(&id)).map(|(_, l)| l.clone()).unwrap_or_default(),
            relationship: r.relationship.clone(),
            status: codes::status_label(r.status.as_str()).to_string(),
            name: r.name,
        })
        .collect();
    Ok(ResidentPage { items, total, links })
}

async fn find_resident<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<resident::Model> {
    crate::db::owned::find_in::<resident::Entity, _>(db, village_id, id).await
}

pub(crate) fn input_of(r: &resident::Model, full: bool) -> ResidentInput {
    let show = |nik: &str| if full { nik.to_string() } else { masked(nik) };
    ResidentInput {
        nik: show(&r.nik),
        name: r.name.clone(),
        sex: r.sex.clone(),
        birth_place: r.birth_place.clone(),
        birth_date: r.birth_date.format("%Y-%m-%d").to_string(),
        religion: r.religion.clone(),
        education: r.education.clone(),
        education_current: r.education_current.clone(),
        occupation: r.occupation.clone(),
        marital_status: r.marital_status.clone(),
        relationship: r.relationship.clone(),
        citizenship: r.citizenship.clone(),
        blood_type: r.blood_type.clone(),
        father_nik: r.father_nik.as_deref().map(show).unwrap_or_default(),
        father_name: r.father_name.clone().unwrap_or_default(),
        mother_nik: r.mother_nik.as_deref().map(show).unwrap_or_default(),
        mother_name: r.mother_name.clone().unwrap_or_default(),
        disability: r.disability.clone().unwrap_or_default(),
        phone: r.phone.clone().unwrap_or_default(),
    }
}

/// The family card of `family_id`, NIKs and KK masked unless `full`.
///
/// # Errors
/// `NotFound` outside the village; database failures.
pub async fn family_card<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    family_id: i64,
    full: bool,
    names: &AreaNames,
) -> AppResult<FamilyCard> {
    let fam = crate::db::owned::find_in::<family::Entity, _>(db, village_id, family_id).await?;
    let mut members = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(village_id))
        .filter(resident::Column::FamilyId.eq(family_id))
        .order_by_asc(resident::Column::BirthDate)
        .all(db)
        .await?;
    // The card's order: head, spouse, children by age, then the others.
    let rank = |rel: &str| codes::RELATIONSHIP.code(rel).unwrap_or(99);
    members.sort_by_key(|m| (m.status != crate::kit::resident::Status::Hidup, rank(&m.relationship), m.birth_date));
    let head = members
        .iter()
        .find(|m| m.relationship == codes::HEAD && m.status == crate::kit::resident::Status::Hidup)
        .map(|m| m.name.clone());
    Ok(FamilyCard {
        id: fam.id,
        kk: if full { fam.kk_number.clone() } else { masked(&fam.kk_number) },
        head: head.unwrap_or_else(|| "(belum ada kepala keluarga)".into()),
        address: fam.address.clone().unwrap_or_default(),
        area: fam.rt_id.and_then(|id| names.rt.get(&id)).map(|(_, l)| l.clone()).unwrap_or_default(),
        rt_id: fam.rt_id,
        members: members
            .into_iter()
            .map(|m| FamilyMemberRow {
                id: m.id,
                nik: if full { m.nik.clone() } else { masked(&m.nik) },
                sex: m.sex,
                birth: format!("{}, {}", m.birth_place, m.birth_date.format("%d-%m-%Y")),
                relationship: m.relationship,
                status: codes::status_label(m.status.as_str()).to_string(),
                name: m.name,
            })
            .collect(),
        full,
    })
}

/// One resident's page for officials; `full` shows the whole NIK and KK, and is audited.
///
/// # Errors
/// `NotFound` outside the village; database failures.
pub async fn detail(
    db: &DatabaseConnection,
    village_id: i64,
    by: &Official,
    id: i64,
    full: bool,
) -> AppResult<ResidentDetail> {
    let r = find_resident(db, village_id, id).await?;
    let names = area_names(db, village_id).await?;
    if full {
        audit::record(
            db,
            audit::Entry {
                village_id: Some(village_id),
                actor: actor(by),
                action: Action::ResidentViewed,
                subject: Some(("resident", r.id)),
                detail: Some(format!("NIK dan No. KK lengkap {}", r.name)),
                ip: crate::access::guard::client().ip,
            },
        )
        .await?;
    }
    let family = match r.family_id {
        Some(fid) => Some(family_card(db, village_id, fid, full, &names).await?),
        None => None,
    };
    let events = events_of(db, village_id, Some(r.id), None).await?;
    let history = resident_history::Entity::find()
        .filter(resident_history::Column::VillageId.eq(village_id))
        .filter(resident_history::Column::ResidentId.eq(r.id))
        .order_by_desc(resident_history::Column::Id)
        .limit(50)
        .all(db)
        .await?
        .into_iter()
        .map(|h| HistoryRow {
            when: wib(h.created_at),
            who: h.changed_by_name,
            changes: serde_json::from_str::<Vec<serde_json::Value>>(&h.changes)
                .unwrap_or_default()
                .iter()
                .map(|c| {
                    let s = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                    let (before, after) = if s("field").starts_with("NIK") && !full {
                        (masked(&s("before")), masked(&s("after")))
                    } else {
                        (s("before"), s("after"))
                    };
                    (s("field"), before, after)
                })
                .collect(),
            reason: h.reason.unwrap_or_default(),
        })
        .collect();
    let corrections = corrections_of(db, village_id, Some(r.id), None).await?;
    Ok(ResidentDetail {
        id: r.id,
        input: input_of(&r, full),
        full,
        status: codes::status_label(r.status.as_str()).to_string(),
        age: age(r.birth_date, Utc::now().date_naive()),
        area: r.rt_id.and_then(|id| names.rt.get(&id)).map(|(_, l)| l.clone()).unwrap_or_default(),
        rt_id: r.rt_id,
        family,
        events,
        history,
        corrections,
        move_outcome: if r.status == crate::kit::resident::Status::Pindah {
            super::moves::outcome_of(db, village_id, r.id).await?
        } else {
            None
        },
    })
}

/// Events of the village (newest first), of one resident, or of one year.
///
/// # Errors
/// Database failures.
pub async fn events_of<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    resident_id: Option<i64>,
    year: Option<i32>,
) -> AppResult<Vec<EventRow>> {
    let mut q = population_event::Entity::find().filter(population_event::Column::VillageId.eq(village_id));
    if let Some(id) = resident_id {
        q = q.filter(population_event::Column::ResidentId.eq(id));
    }
    if let Some(y) = year {
        let (from, to) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y + 1, 1, 1));
        if let (Some(from), Some(to)) = (from, to) {
            q = q
                .filter(population_event::Column::EventDate.gte(from))
                .filter(population_event::Column::EventDate.lt(to));
        }
    }
    let events =
        q.order_by_asc(population_event::Column::EventDate).order_by_asc(population_event::Column::Id).all(db).await?;
    let ids: Vec<i64> = events.iter().map(|e| e.resident_id).collect();
    let mut names: HashMap<i64, String> = HashMap::new();
    for chunk in ids.chunks(500) {
        let found: Vec<(i64, String)> = resident::Entity::find()
            .select_only()
            .column(resident::Column::Id)
            .column(resident::Column::Name)
            .filter(resident::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(found);
    }
    Ok(events
        .into_iter()
        .map(|e| EventRow {
            id: e.id,
            resident_id: e.resident_id,
            resident: names.get(&e.resident_id).cloned().unwrap_or_default(),
            kind_label: event_label(&e.kind).to_string(),
            kind: e.kind,
            date: e.event_date.format("%d-%m-%Y").to_string(),
            document_number: e.document_number.unwrap_or_default(),
            place: e.place.unwrap_or_default(),
            reason: e.reason.unwrap_or_default(),
            recorded_by: e.recorded_by_name,
        })
        .collect())
}

/// Correction requests of the village (open ones first) or of one resident.
///
/// # Errors
/// Database failures.
pub async fn corrections_of<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    resident_id: Option<i64>,
    status: Option<CorrectionStatus>,
) -> AppResult<Vec<CorrectionRow>> {
    let mut q = correction_request::Entity::find().filter(correction_request::Column::VillageId.eq(village_id));
    if let Some(id) = resident_id {
        q = q.filter(correction_request::Column::ResidentId.eq(id));
    }
    if let Some(s) = status {
        q = q.filter(correction_request::Column::Status.eq(s));
    }
    let rows = q.order_by_desc(correction_request::Column::Id).limit(200).all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.resident_id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let names: HashMap<i64, String> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::Name)
        .filter(resident::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|c| CorrectionRow {
            id: c.id,
            resident_id: c.resident_id,
            resident: names.get(&c.resident_id).cloned().unwrap_or_default(),
            message: c.message,
            status: c.status.as_str().to_string(),
            response: c.response.unwrap_or_default(),
            created: wib(c.created_at),
            resolved_by: c.resolved_by_name.unwrap_or_default(),
        })
        .collect())
}

/// Where a living NIK is registered in the deployment, other than `except` (a resident id).
async fn living_holder<C: ConnectionTrait>(
    db: &C,
    nik: &str,
    except: Option<i64>,
) -> AppResult<Option<resident::Model>> {
    let mut q = resident::Entity::find()
        .filter(resident::Column::Nik.eq(nik))
        .filter(resident::Column::Status.eq(crate::kit::resident::Status::Hidup));
    if let Some(id) = except {
        q = q.filter(resident::Column::Id.ne(id));
    }
    Ok(q.one(db).await?)
}

/// The message for a NIK held by another living resident: where, only for that village.
fn duplicate_message(village_id: i64, holder: &resident::Model) -> String {
    if holder.village_id == village_id {
        format!("NIK ini sudah terdaftar atas nama {} di desa ini.", holder.name)
    } else {
        "NIK ini sudah terdaftar sebagai penduduk hidup di desa lain. Bila orangnya pindah ke sini, \
         desa asal mencatat pindah keluar ke desa ini; datanya lalu pindah bersama riwayatnya."
            .into()
    }
}

/// Checks a record fully (structure, code lists, regions, duplicates).
async fn check_full<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    input: &ResidentInput,
    except: Option<i64>,
) -> AppResult<(Option<ValidResident>, Vec<Problem>, Vec<Problem>)> {
    let checked = input.check(Utc::now().date_naive());
    let mut errors = checked.errors;
    errors.extend(check_codes(input));
    if let Some(v) = &checked.valid {
        if !region_exists(v.nik.region()) {
            errors.push(Problem::new(
                "nik",
                format!("Kode wilayah {} di dalam NIK tidak ada dalam daftar resmi.", v.nik.region()),
            ));
        }
        if let Some(holder) = living_holder(db, v.nik.as_str(), except).await? {
            errors.push(Problem::new("nik", duplicate_message(village_id, &holder)));
        }
    }
    let valid = if errors.is_empty() { checked.valid } else { None };
    Ok((valid, errors, checked.warnings))
}

fn apply_values(m: &mut resident::ActiveModel, v: &ValidResident) {
    m.nik = Set(v.nik.as_str().to_string());
    m.name = Set(v.name.clone());
    m.name_key = Set(v.name.to_lowercase());
    m.sex = Set(v.sex.to_string());
    m.birth_place = Set(v.birth_place.clone());
    m.birth_date = Set(v.birth_date);
    m.religion = Set(v.religion.clone());
    m.education = Set(v.education.clone());
    m.education_current = Set(v.education_current.clone());
    m.occupation = Set(v.occupation.clone());
    m.marital_status = Set(v.marital_status.clone());
    m.relationship = Set(v.relationship.clone());
    m.citizenship = Set(v.citizenship.clone());
    m.blood_type = Set(v.blood_type.clone());
    m.father_nik = Set(v.father_nik.clone());
    m.father_name = Set(v.father_name.clone());
    m.mother_nik = Set(v.mother_nik.clone());
    m.mother_name = Set(v.mother_name.clone());
    m.disability = Set(v.disability.clone());
    m.phone = Set(v.phone.clone());
}

/// The family a save puts the resident in: an existing one of the village, a new KK, or none.
///
/// # Errors
/// `Refused` for a family or KK number that cannot be; database failures.
async fn family_for<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    save: &ResidentForm,
    rt_id: Option<i64>,
) -> AppResult<Option<i64>> {
    let refuse = |field: &str, message: String| Err(AppError::Refused(vec![Problem::new(field, message)]));
    if let Some(id) = save.family_id {
        let found = family::Entity::find_by_id(id).filter(family::Column::VillageId.eq(village_id)).one(db).await?;
        return match found {
            Some(f) => Ok(Some(f.id)),
            None => refuse("family", "Keluarga tidak ditemukan.".into()),
        };
    }
    let kk = save.new_kk.trim();
    if kk.is_empty() {
        return Ok(None);
    }
    if let Some(p) = record::kk_problem(kk) {
        return refuse("new_kk", p.into());
    }
    if !region_exists(&kk[..6]) {
        return refuse("new_kk", format!("Kode wilayah {} di dalam No. KK tidak ada dalam daftar resmi.", &kk[..6]));
    }
    let kk = KkNumber::parse(kk).map_err(|_| AppError::Internal)?;
    if let Some(f) = family::Entity::find()
        .filter(family::Column::VillageId.eq(village_id))
        .filter(family::Column::KkNumber.eq(kk.as_str()))
        .one(db)
        .await?
    {
        return Ok(Some(f.id));
    }
    let address = record::squash(&save.address);
    let created = family::ActiveModel {
        village_id: Set(village_id),
        kk_number: Set(kk.as_str().to_string()),
        address: Set((!address.is_empty()).then_some(address)),
        rt_id: Set(rt_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Some(created.id))
}

/// The RT chosen, if it is one of the village's (otherwise the problem joins `problems`).
async fn rt_of<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    rt_id: Option<i64>,
    problems: &mut Vec<Problem>,
) -> AppResult<Option<i64>> {
    let Some(id) = rt_id else { return Ok(None) };
    let found = area::Entity::find_by_id(id)
        .filter(area::Column::VillageId.eq(village_id))
        .filter(area::Column::Level.eq(area::RT))
        .one(db)
        .await?;
    if found.is_none() {
        problems.push(Problem::new("rt", "RT tidak ditemukan."));
    }
    Ok(found.map(|a| a.id))
}

/// Creates (`id` None) or edits a resident. Warnings need `warning_reason`; the edit's changes
/// and the reason go to the record's history.
///
/// # Errors
/// `NotFound` for a resident outside the village; database failures.
pub async fn save(
    db: &DatabaseConnection,
    village_id: i64,
    by: &Official,
    id: Option<i64>,
    save: &ResidentForm,
    event: Option<(&str, &EventInput)>,
) -> AppResult<SaveOutcome> {
    let txn = db.begin().await?;
    let outcome = save_in(&txn, village_id, by, id, save, event, None).await?;
    if matches!(outcome, SaveOutcome::Saved(_)) {
        txn.commit().await?;
    }
    Ok(outcome)
}

/// [`save`] inside the caller's transaction (which commits it when the outcome is `Saved`);
/// `other_village` goes with the event (a move in from another village of the deployment).
///
/// # Errors
/// As [`save`].
pub(crate) async fn save_in(
    txn: &sea_orm::DatabaseTransaction,
    village_id: i64,
    by: &Official,
    id: Option<i64>,
    save: &ResidentForm,
    event: Option<(&str, &EventInput)>,
    other_village: Option<i64>,
) -> AppResult<SaveOutcome> {
    let old = match id {
        Some(id) => Some(find_resident(txn, village_id, id).await?),
        None => None,
    };
    let mut input = save.input.clone();
    if let Some(old) = &old {
        // The form shows masked NIKs unless opened in full: a masked value means "unchanged".
        for (field, before) in [
            (&mut input.nik, Some(&old.nik)),
            (&mut input.father_nik, old.father_nik.as_ref()),
            (&mut input.mother_nik, old.mother_nik.as_ref()),
        ] {
            if field.contains('•') {
                *field = before.cloned().unwrap_or_default();
            }
        }
    }
    let (valid, mut errors, warnings) = check_full(txn, village_id, &input, id).await?;
    let rt_id = rt_of(txn, village_id, save.rt_id, &mut errors).await?;
    let reason = record::squash(&save.warning_reason);
    let Some(v) = valid.filter(|_| errors.is_empty()) else { return Err(AppError::Refused(errors)) };
    // Warnings that the old record already had (and someone accepted) are not asked again.
    let old_warning = old.as_ref().is_some_and(|o| {
        Nik::parse(&o.nik).is_ok_and(|n| n.as_str() == v.nik.as_str() && !n.matches(o.birth_date, o.sex == "P"))
            && o.birth_date == v.birth_date
            && o.sex == v.sex
    });
    if !warnings.is_empty() && reason.is_empty() && !old_warning {
        return Ok(SaveOutcome::NeedsReason(warnings));
    }
    let family_id = family_for(txn, village_id, save, rt_id).await?;
    let now = Utc::now();
    let saved_id = match old {
        Some(old) => {
            let before = old.clone();
            let mut m: resident::ActiveModel = old.into();
            apply_values(&mut m, &v);
            m.family_id = Set(family_id);
            m.rt_id = Set(rt_id);
            m.updated_at = Set(now);
            let after = m.update(txn).await?;
            let changes = changed_fields(&before, &after);
            if !changes.is_empty() {
                add_history(txn, village_id, after.id, &changes, Some(reason.clone()).filter(|r| !r.is_empty()), by)
                    .await?;
                let fields: Vec<&str> = changes.iter().map(|(f, _, _)| f.as_str()).collect();
                audit::record(
                    txn,
                    audit::Entry {
                        village_id: Some(village_id),
                        actor: actor(by),
                        action: Action::ResidentUpdated,
                        subject: Some(("resident", after.id)),
                        detail: Some(format!("{}: {}", after.name, fields.join(", "))),
                        ip: crate::access::guard::client().ip,
                    },
                )
                .await?;
            }
            after.id
        }
        None => {
            let mut m = resident::ActiveModel {
                village_id: Set(village_id),
                status: Set(crate::kit::resident::Status::Hidup),
                created_at: Set(now),
                updated_at: Set(now),
                documents: Set(None),
                ..Default::default()
            };
            apply_values(&mut m, &v);
            m.family_id = Set(family_id);
            m.rt_id = Set(rt_id);
            let created = m.insert(txn).await?;
            if !reason.is_empty() {
                let note = warnings.iter().map(|w| w.message.clone()).collect::<Vec<_>>().join(" ");
                let accepted = [("peringatan diterima".to_string(), note, String::new())];
                add_history(txn, village_id, created.id, &accepted, Some(reason.clone()), by).await?;
            }
            audit::record(
                txn,
                audit::Entry {
                    village_id: Some(village_id),
                    actor: actor(by),
                    action: Action::ResidentCreated,
                    subject: Some(("resident", created.id)),
                    detail: Some(created.name.clone()),
                    ip: crate::access::guard::client().ip,
                },
            )
            .await?;
            created.id
        }
    };
    if let Some((kind, e)) = event {
        let date = match record::parse_date(&e.date, Utc::now().date_naive()) {
            Ok(d) => d,
            Err(m) => return Err(AppError::Refused(vec![Problem::new("date", m)])),
        };
        insert_event(txn, village_id, saved_id, family_id, kind, date, e, other_village, by).await?;
    }
    Ok(SaveOutcome::Saved(saved_id))
}

/// One line of a resident's history: what changed, why, and who changed it.
async fn add_history<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    resident_id: i64,
    changes: &[(String, String, String)],
    reason: Option<String>,
    by: &Official,
) -> AppResult<()> {
    resident_history::ActiveModel {
        village_id: Set(village_id),
        resident_id: Set(resident_id),
        changes: Set(changes_json(changes)),
        reason: Set(reason),
        changed_by: Set(Some(by.id)),
        changed_by_name: Set(by.name.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn changed_fields(a: &resident::Model, b: &resident::Model) -> Vec<(String, String, String)> {
    let mut changes = match (values_of(a), values_of(b)) {
        (Some(a), Some(b)) => a.v.changes_to(&b.v),
        _ => vec![("NIK".into(), a.nik.clone(), b.nik.clone())],
    };
    let id = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    for (field, x, y) in [("keluarga", id(a.family_id), id(b.family_id)), ("RT", id(a.rt_id), id(b.rt_id))] {
        if x != y {
            changes.push((field.to_string(), x, y));
        }
    }
    changes
}

#[allow(clippy::too_many_arguments)]
async fn insert_event<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    resident_id: i64,
    family_id: Option<i64>,
    kind: &str,
    date: NaiveDate,
    e: &EventInput,
    other_village: Option<i64>,
    by: &Official,
) -> AppResult<()> {
    let text = |s: &str| Some(record::squash(s)).filter(|s| !s.is_empty());
    population_event::ActiveModel {
        village_id: Set(village_id),
        resident_id: Set(resident_id),
        family_id: Set(family_id),
        kind: Set(kind.to_string()),
        event_date: Set(date),
        document_number: Set(text(&e.document_number)),
        place: Set(text(&e.place)),
        reason: Set(text(&e.reason)),
        other_village_id: Set(other_village),
        recorded_by: Set(Some(by.id)),
        recorded_by_name: Set(by.name.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        audit::Entry {
            village_id: Some(village_id),
            actor: actor(by),
            action: Action::EventRecorded,
            subject: Some(("resident", resident_id)),
            detail: Some(format!("{} {}", event_label(kind), date.format("%d-%m-%Y"))),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    Ok(())
}

/// A death, a move out (to anywhere, or to another village of the deployment) or a
/// disappearance. The record stays, with its new status; the person's PIN and sessions end
/// (they only ever work for a living resident). A move to another village of the deployment
/// only asks that village: a pending arrival its officials accept (making their own record) or
/// refuse (`moves`). Nothing of the other village's registry is written here.
///
/// # Errors
/// `Invalid` with the reason; `NotFound` outside the village; database failures.
pub async fn record_event(db: &DatabaseConnection, village_id: i64, by: &Official, e: &EventInput) -> AppResult<()> {
    use crate::kit::resident::Status;
    let status = match e.kind.as_str() {
        "mati" => Status::Mati,
        "pindah_keluar" => Status::Pindah,
        "hilang" => Status::Hilang,
        _ => return Err(AppError::Invalid("Jenis peristiwa tidak dikenal.".into())),
    };
    let date = record::parse_date(&e.date, Utc::now().date_naive()).map_err(AppError::Invalid)?;
    let txn = db.begin().await?;
    let r = find_resident(&txn, village_id, e.resident_id).await?;
    if r.status != crate::kit::resident::Status::Hidup {
        return Err(AppError::Invalid(format!(
            "{} tidak lagi tercatat hidup di desa ini (status: {}).",
            r.name,
            codes::status_label(r.status.as_str())
        )));
    }
    if date < r.birth_date {
        return Err(AppError::Invalid("Tanggal peristiwa sebelum tanggal lahir.".into()));
    }
    let to = match (e.kind.as_str(), e.to_village.trim()) {
        ("pindah_keluar", slug) if !slug.is_empty() => {
            let target = village::Entity::find()
                .filter(village::Column::Slug.eq(slug.to_lowercase()))
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::Invalid("Desa tujuan tidak ditemukan di Digdaya.".into()))?;
            if target.id == village_id {
                return Err(AppError::Invalid("Desa tujuan sama dengan desa ini.".into()));
            }
            Some(target)
        }
        _ => None,
    };
    let family_id = r.family_id;
    let mut m: resident::ActiveModel = r.clone().into();
    m.status = Set(status);
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    crate::access::session::forget_credentials(&txn, &[r.id]).await?;
    let mut event = e.clone();
    if let Some(target) = &to
        && event.place.trim().is_empty()
    {
        event.place = crate::village::service::to_info(target).title();
    }
    insert_event(&txn, village_id, r.id, family_id, &e.kind, date, &event, to.as_ref().map(|t| t.id), by).await?;
    if let Some(target) = to {
        super::moves::send(&txn, village_id, &r, &target, date, &event, by).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Changes a family's address and RT. The living members who lived in the family's old RT (or
/// had none) move with it, each with a line in their history.
///
/// # Errors
/// `Invalid` for a too long address or an RT outside the village; `NotFound` for a family
/// outside the village; database failures.
pub async fn update_family(
    db: &DatabaseConnection,
    village_id: i64,
    by: &Official,
    family_id: i64,
    address: &str,
    rt_id: Option<i64>,
) -> AppResult<()> {
    let address = record::squash(address);
    if address.chars().count() > 200 {
        return Err(AppError::Invalid("Alamat paling panjang 200 huruf.".into()));
    }
    let txn = db.begin().await?;
    let fam = family::Entity::find_by_id(family_id)
        .filter(family::Column::VillageId.eq(village_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut problems = Vec::new();
    let rt_id = rt_of(&txn, village_id, rt_id, &mut problems).await?;
    if let Some(p) = problems.pop() {
        return Err(AppError::Invalid(p.message));
    }
    let old_rt = fam.rt_id;
    let old_address = fam.address.clone().unwrap_or_default();
    if old_rt == rt_id && old_address == address {
        return Ok(());
    }
    let mut m: family::ActiveModel = fam.clone().into();
    m.address = Set((!address.is_empty()).then(|| address.clone()));
    m.rt_id = Set(rt_id);
    m.update(&txn).await?;
    let now = Utc::now();
    if old_rt != rt_id {
        let names = area_names(&txn, village_id).await?;
        let label = |id: Option<i64>| id.and_then(|i| names.rt.get(&i)).map(|(_, l)| l.clone()).unwrap_or_default();
        let mut members = resident::Entity::find()
            .filter(resident::Column::VillageId.eq(village_id))
            .filter(resident::Column::FamilyId.eq(family_id))
            .filter(resident::Column::Status.eq(crate::kit::resident::Status::Hidup));
        members = match old_rt {
            Some(rt) => members.filter(resident::Column::RtId.eq(rt).or(resident::Column::RtId.is_null())),
            None => members.filter(resident::Column::RtId.is_null()),
        };
        for r in members.all(&txn).await? {
            let before = label(r.rt_id);
            let mut rm: resident::ActiveModel = r.into();
            rm.rt_id = Set(rt_id);
            rm.updated_at = Set(now);
            let after = rm.update(&txn).await?;
            let change = [("RT".to_string(), before, label(rt_id))];
            add_history(&txn, village_id, after.id, &change, Some("Alamat kartu keluarga diubah".into()), by).await?;
        }
    }
    audit::record(
        &txn,
        audit::Entry {
            village_id: Some(village_id),
            actor: actor(by),
            action: Action::FamilyUpdated,
            subject: Some(("family", family_id)),
            detail: Some(format!("KK {}", masked(&fam.kk_number))),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A resident asks for a correction of their record.
///
/// # Errors
/// `Invalid` for an empty or too long message, too many open requests; database failures.
pub async fn request_correction(
    db: &DatabaseConnection,
    village_id: i64,
    resident_id: i64,
    name: &str,
    message: &str,
) -> AppResult<()> {
    let message = message.trim();
    if message.chars().count() < 10 {
        return Err(AppError::Invalid(
            "Jelaskan data mana yang salah dan seharusnya bagaimana (paling sedikit 10 huruf).".into(),
        ));
    }
    if message.chars().count() > 1000 {
        return Err(AppError::Invalid("Permintaan paling panjang 1.000 huruf.".into()));
    }
    let open = correction_request::Entity::find()
        .filter(correction_request::Column::VillageId.eq(village_id))
        .filter(correction_request::Column::ResidentId.eq(resident_id))
        .filter(correction_request::Column::Status.eq(CorrectionStatus::Baru))
        .count(db)
        .await?;
    if open >= 3 {
        return Err(AppError::Invalid(
            "Anda masih punya 3 permintaan yang belum diselesaikan. Tunggu jawaban perangkat desa.".into(),
        ));
    }
    let txn = db.begin().await?;
    let created = correction_request::ActiveModel {
        village_id: Set(village_id),
        resident_id: Set(resident_id),
        message: Set(message.to_string()),
        status: Set(CorrectionStatus::Baru),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Entry {
            village_id: Some(village_id),
            actor: Actor::Resident { id: resident_id, name: name.to_string() },
            action: Action::CorrectionRequested,
            subject: Some(("resident", resident_id)),
            detail: Some(format!("permintaan #{}", created.id)),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An official closes a correction request: done (`selesai`) or refused (`ditolak`), with words
/// for the resident.
///
/// # Errors
/// `NotFound` outside the village; `Invalid` for a closed request or missing answer.
pub async fn resolve_correction(
    db: &DatabaseConnection,
    village_id: i64,
    by: &Official,
    id: i64,
    accept: bool,
    response: &str,
) -> AppResult<()> {
    let response = response.trim();
    if !accept && response.is_empty() {
        return Err(AppError::Invalid("Tulis alasan penolakan untuk warga.".into()));
    }
    let txn = db.begin().await?;
    let c = correction_request::Entity::find_by_id(id)
        .filter(correction_request::Column::VillageId.eq(village_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.status != CorrectionStatus::Baru {
        return Err(AppError::Invalid("Permintaan ini sudah diselesaikan.".into()));
    }
    let resident_id = c.resident_id;
    let mut m: correction_request::ActiveModel = c.into();
    let outcome = if accept { CorrectionStatus::Selesai } else { CorrectionStatus::Ditolak };
    m.status = Set(outcome);
    m.response = Set((!response.is_empty()).then(|| response.to_string()));
    m.resolved_by = Set(Some(by.id));
    m.resolved_by_name = Set(Some(by.name.clone()));
    m.resolved_at = Set(Some(Utc::now()));
    m.update(&txn).await?;
    audit::record(
        &txn,
        audit::Entry {
            village_id: Some(village_id),
            actor: actor(by),
            action: Action::CorrectionResolved,
            subject: Some(("resident", resident_id)),
            detail: Some(format!("permintaan #{id} {}", outcome.as_str())),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
