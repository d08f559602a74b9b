//! Letters on the database (server only): letter types, requests and their steps, numbering at
//! signing, the frozen printed letter, and verification. Every function takes the village it
//! acts in and finds rows only within it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Utc};

use crate::kit::time::{long_date, wib, wib_date};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use super::catalog;
use super::model::{
    AttachmentDef, AttachmentView, FieldDef, FieldKind, FileView, LetterTypeForm, LetterTypeRow, LetterTypeView,
    Problem, QueuePage, RequestDetail, RequestRow, TimelineEntry, Values, Verdict, VerifiedFacts,
};
use super::numbering::{NumberFormat, NumberParts};
use super::sign::{self, Canonical};
use super::status::{Status, Step, next};
use super::template::{Template, blocks};
use crate::access::guard::Official;
use crate::audit::{self, Action, Actor};
use crate::auth::model::Role;
use crate::db::entities::{
    area, family, letter_event, letter_file, letter_request, letter_type, resident, village, village_key,
};
use crate::db::{keyset, sql};
use crate::error::{AppError, AppResult, refuse_any};
use crate::ui::PageAt;

pub use super::model::Settings;

pub fn settings(v: &village::Model) -> Settings {
    crate::village::service::setting(v, "letters")
}

/// Who takes a step.
#[derive(Debug, Clone)]
pub enum By {
    Resident {
        id: i64,
        name: String,
    },
    Official(Official),
    /// A partner system through the API (`api`), passing on a resident's request.
    Partner {
        id: i64,
        name: String,
    },
}

impl By {
    fn name(&self) -> String {
        match self {
            By::Resident { name, .. } | By::Partner { name, .. } => name.clone(),
            By::Official(o) => o.name.clone(),
        }
    }

    fn audit(&self) -> Actor {
        match self {
            By::Resident { id, name } => Actor::Resident { id: *id, name: name.clone() },
            By::Official(o) => Actor::Official { id: o.id, name: o.name.clone() },
            By::Partner { id, name } => Actor::Partner { id: *id, name: name.clone() },
        }
    }
}

// Letter types.

fn parse_type(t: &letter_type::Model) -> (Vec<FieldDef>, Vec<AttachmentDef>) {
    (serde_json::from_str(&t.fields).unwrap_or_default(), serde_json::from_str(&t.attachments).unwrap_or_default())
}

/// Gives a village the catalogue's letter types, if it has none yet. One statement that skips
/// a type already there, so two first visits at once neither fail nor double a type.
///
/// # Errors
/// Database failures.
pub async fn ensure_types<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<()> {
    let has = letter_type::Entity::find().filter(letter_type::Column::VillageId.eq(village_id)).count(db).await?;
    if has > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let mut rows = Vec::with_capacity(catalog::TYPES.len());
    for t in catalog::TYPES {
        let fields: Vec<FieldDef> = t
            .fields
            .iter()
            .map(|(key, label, kind, required)| FieldDef {
                key: (*key).into(),
                label: (*label).into(),
                kind: FieldKind::parse(kind).unwrap_or(FieldKind::Text),
                required: *required,
            })
            .collect();
        let attachments: Vec<AttachmentDef> = t
            .attachments
            .iter()
            .map(|(key, label, required)| AttachmentDef {
                key: (*key).into(),
                label: (*label).into(),
                required: *required,
            })
            .collect();
        rows.push(letter_type::ActiveModel {
            village_id: Set(village_id),
            slug: Set(t.key.into()),
            code: Set(t.code.into()),
            title: Set(t.title.into()),
            fields: Set(serde_json::to_string(&fields).map_err(|_| AppError::Internal)?),
            attachments: Set(serde_json::to_string(&attachments).map_err(|_| AppError::Internal)?),
            online: Set(t.online),
            active: Set(true),
            validity_days: Set(t.validity_days),
            number_format: Set(super::numbering::DEFAULT_FORMAT.into()),
            body: Set(format!("{}\n{}\n{}", catalog::OPENING, t.body, catalog::CLOSING)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    letter_type::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([letter_type::Column::VillageId, letter_type::Column::Slug])
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The village's letter types by title; only those residents may request online when `online_only`.
///
/// # Errors
/// Database failures.
pub async fn types(db: &DatabaseConnection, village_id: i64, online_only: bool) -> AppResult<Vec<LetterTypeRow>> {
    let list = || {
        letter_type::Entity::find()
            .filter(letter_type::Column::VillageId.eq(village_id))
            .order_by_asc(letter_type::Column::Title)
            .all(db)
    };
    // A village has its types from its first visit on: one query, not a count and a query.
    let mut all = list().await?;
    if all.is_empty() {
        ensure_types(db, village_id).await?;
        all = list().await?;
    }
    Ok(all
        .into_iter()
        .filter(|t| !online_only || (t.online && t.active))
        .map(|t| LetterTypeRow {
            id: t.id,
            slug: t.slug,
            code: t.code,
            title: t.title,
            online: t.online,
            active: t.active,
        })
        .collect())
}

async fn find_type<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<letter_type::Model> {
    crate::db::owned::find_in::<letter_type::Entity, _>(db, village_id, id).await
}

/// A letter type for its editor.
///
/// # Errors
/// `NotFound` outside the village; database failures.
pub async fn type_form(db: &DatabaseConnection, village_id: i64, id: i64) -> AppResult<LetterTypeForm> {
    let t = find_type(db, village_id, id).await?;
    let (fields, attachments) = parse_type(&t);
    Ok(LetterTypeForm {
        slug: t.slug,
        code: t.code,
        title: t.title,
        fields,
        attachments,
        online: t.online,
        active: t.active,
        validity_days: t.validity_days,
        number_format: t.number_format,
        body: t.body,
    })
}

/// A letter type for the request form (active ones only).
///
/// # Errors
/// `NotFound` outside the village or for an inactive type; database failures.
pub async fn type_view(db: &DatabaseConnection, village_id: i64, id: i64) -> AppResult<LetterTypeView> {
    let t = find_type(db, village_id, id).await?;
    if !t.active {
        return Err(AppError::NotFound);
    }
    let (fields, attachments) = parse_type(&t);
    Ok(LetterTypeView { id: t.id, slug: t.slug, title: t.title, fields, attachments, online: t.online })
}

/// Creates (`id` None) or changes a letter type.
///
/// # Errors
/// `NotFound` outside the village; `Refused` with the rules the form breaks; database failures.
pub async fn save_type(
    db: &DatabaseConnection,
    village_id: i64,
    by: &Official,
    id: Option<i64>,
    form: &LetterTypeForm,
) -> AppResult<i64> {
    let mut problems = form.problems();
    let taken = letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(village_id))
        .filter(letter_type::Column::Slug.eq(form.slug.trim()))
        .one(db)
        .await?;
    if taken.is_some_and(|t| Some(t.id) != id) {
        problems.push(Problem::new("slug", "Kode alamat ini sudah dipakai jenis surat lain."));
    }
    refuse_any(problems)?;
    let now = Utc::now();
    let mut m = match id {
        Some(id) => find_type(db, village_id, id).await?.into(),
        None => letter_type::ActiveModel { village_id: Set(village_id), created_at: Set(now), ..Default::default() },
    };
    m.slug = Set(form.slug.trim().into());
    m.code = Set(form.code.trim().into());
    m.title = Set(form.title.trim().into());
    m.fields = Set(serde_json::to_string(&form.fields).map_err(|_| AppError::Internal)?);
    m.attachments = Set(serde_json::to_string(&form.attachments).map_err(|_| AppError::Internal)?);
    m.online = Set(form.online);
    m.active = Set(form.active);
    m.validity_days = Set(form.validity_days);
    m.number_format = Set(form.number_format.trim().into());
    m.body = Set(form.body.clone());
    m.updated_at = Set(now);
    let saved = m.save(db).await?;
    let saved_id = saved.id.unwrap();
    audit::record(
        db,
        audit::Entry {
            village_id: Some(village_id),
            actor: Actor::Official { id: by.id, name: by.name.clone() },
            action: Action::LetterTypeSaved,
            subject: Some(("letter_type", saved_id)),
            detail: Some(form.title.trim().to_string()),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    Ok(saved_id)
}

// Requests.

async fn find_request<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<letter_request::Model> {
    crate::db::owned::find_in::<letter_request::Entity, _>(db, village_id, id).await
}

/// A resident of the village, whatever their status.
async fn village_resident<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<resident::Model> {
    crate::db::owned::find_in::<resident::Entity, _>(db, village_id, id).await
}

/// Checks the values of a request against the type's fields: the kept values (trimmed, known
/// keys only), or `Refused` with the problems.
async fn check_values<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    fields: &[FieldDef],
    values: &Values,
) -> AppResult<Values> {
    let mut kept = Values::new();
    let mut problems = Vec::new();
    for f in fields {
        let v = values.get(&f.key).map(|v| crate::population::record::squash(v)).unwrap_or_default();
        if v.is_empty() {
            if f.required {
                problems.push(Problem::new(&f.key, format!("{} wajib diisi.", f.label)));
            }
            continue;
        }
        if v.chars().count() > 300 {
            problems.push(Problem::new(&f.key, format!("{} paling panjang 300 huruf.", f.label)));
            continue;
        }
        let ok = match &f.kind {
            FieldKind::Text => Ok(()),
            FieldKind::Number => {
                if v.len() <= 15
                    && v.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && v.chars().any(|c| c.is_ascii_digit())
                {
                    Ok(())
                } else {
                    Err(format!("{} harus berupa angka.", f.label))
                }
            }
            FieldKind::Date => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .map(|_| ())
                .map_err(|_| format!("{} bukan tanggal yang benar.", f.label)),
            FieldKind::Choice(options) => {
                if options.contains(&v) {
                    Ok(())
                } else {
                    Err(format!("Pilih {} dari daftar.", f.label.to_lowercase()))
                }
            }
            FieldKind::Resident => match v.parse::<i64>() {
                Ok(id) => match resident::Entity::find_by_id(id)
                    .filter(resident::Column::VillageId.eq(village_id))
                    .one(db)
                    .await?
                {
                    Some(_) => Ok(()),
                    None => Err(format!("{}: penduduk tidak ditemukan di desa ini.", f.label)),
                },
                Err(_) => Err(format!("Pilih {} dari daftar penduduk.", f.label.to_lowercase())),
            },
        };
        match ok {
            Ok(()) => {
                kept.insert(f.key.clone(), v);
            }
            Err(m) => problems.push(Problem::new(&f.key, m)),
        }
    }
    refuse_any(problems)?;
    Ok(kept)
}

async fn add_event<C: ConnectionTrait>(
    db: &C,
    r: &letter_request::Model,
    status: Status,
    note: Option<String>,
    who: &str,
) -> AppResult<()> {
    letter_event::ActiveModel {
        village_id: Set(r.village_id),
        request_id: Set(r.id),
        status: Set(status),
        note: Set(note),
        actor_name: Set(who.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A new request of `type_id` about `resident_id`: by the resident online (saved as Belum
/// Lengkap until they send it with its attachments) or by an official for a walk-in (straight
/// to the signer).
///
/// # Errors
/// `NotFound` for a type or resident outside the village; `Invalid` for a type residents may
/// not request online; `Refused` with the fields to fix; database failures.
pub async fn create_request(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &By,
    resident_id: i64,
    type_id: i64,
    values: &Values,
) -> AppResult<i64> {
    create_request_from(db, village, by, resident_id, type_id, values, None).await
}

/// The request an outbox item made (its key is kept on the row), if it made one: an item
/// applied again after the server stopped midway carries on with it instead of making another.
///
/// # Errors
/// Database failures.
pub async fn made_by_outbox<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    key: &str,
) -> AppResult<Option<(i64, Status)>> {
    Ok(letter_request::Entity::find()
        .filter(letter_request::Column::VillageId.eq(village_id))
        .filter(letter_request::Column::OutboxKey.eq(key))
        .one(db)
        .await?
        .map(|r| (r.id, r.status)))
}

/// The attachment keys a request already has a file for.
///
/// # Errors
/// Database failures.
pub async fn attached<C: ConnectionTrait>(db: &C, request_id: i64) -> AppResult<Vec<String>> {
    Ok(files_of(db, request_id).await?.into_iter().map(|f| f.attachment).collect())
}

/// [`create_request`], remembering the outbox item (`outbox_key`) that asked for it, in the
/// same row: unique per village, so the item can never make two.
///
/// # Errors
/// As [`create_request`].
pub async fn create_request_from(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &By,
    resident_id: i64,
    type_id: i64,
    values: &Values,
    outbox_key: Option<&str>,
) -> AppResult<i64> {
    let txn = crate::db::Write::begin(db).await?;
    let id = create_request_in(&*txn, village, by, resident_id, type_id, values, outbox_key).await?;
    txn.commit().await?;
    Ok(id)
}

/// [`create_request_from`] inside the caller's transaction `db`.
///
/// # Errors
/// As [`create_request`].
pub async fn create_request_in<C: ConnectionTrait>(
    db: &C,
    village: &village::Model,
    by: &By,
    resident_id: i64,
    type_id: i64,
    values: &Values,
    outbox_key: Option<&str>,
) -> AppResult<i64> {
    let t = find_type(db, village.id, type_id).await?;
    if !t.active {
        return Err(AppError::NotFound);
    }
    if !matches!(by, By::Official(_)) && !t.online {
        return Err(AppError::Invalid(
            "Surat ini tidak dapat diminta secara daring; silakan datang ke kantor desa.".into(),
        ));
    }
    let person = village_resident(db, village.id, resident_id).await?;
    if person.status != crate::kit::resident::Status::Hidup {
        return Err(AppError::Invalid(format!("{} tidak tercatat sebagai penduduk hidup di desa ini.", person.name)));
    }
    let (fields, _) = parse_type(&t);
    let kept = check_values(db, village.id, &fields, values).await?;
    // A resident may name only the people of their own family card: a letter's preview shows
    // the named person's NIK, which is nobody else's business.
    let names_someone = fields.iter().any(|f| f.kind == FieldKind::Resident && kept.contains_key(&f.key));
    if let (By::Resident { id, .. }, true) = (by, names_someone) {
        let family: Vec<String> =
            family_choices(db, village.id, *id).await?.into_iter().map(|(i, _)| i.to_string()).collect();
        let strangers: Vec<Problem> = fields
            .iter()
            .filter(|f| f.kind == FieldKind::Resident)
            .filter(|f| kept.get(&f.key).is_some_and(|v| !family.contains(v)))
            .map(|f| Problem::new(&f.key, format!("{}: pilih anggota keluarga Anda sendiri.", f.label)))
            .collect();
        refuse_any(strangers)?;
    }
    let (online, created_by, status) = match by {
        By::Resident { .. } => (true, None, Status::BelumLengkap),
        By::Official(o) => (false, Some(o.id), Status::MenungguTtd),
        // Passed on by another system: the officials check it, as a submitted request.
        By::Partner { .. } => (true, None, Status::Diperiksa),
    };
    let now = Utc::now();
    let r = letter_request::ActiveModel {
        village_id: Set(village.id),
        type_id: Set(t.id),
        resident_id: Set(person.id),
        status: Set(status),
        field_values: Set(serde_json::to_string(&kept).map_err(|_| AppError::Internal)?),
        online: Set(online),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        outbox_key: Set(outbox_key.map(str::to_string)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let note = match by {
        By::Resident { .. } => Some("Permohonan dibuat".to_string()),
        By::Official(_) => Some("Dibuat di kantor desa".to_string()),
        By::Partner { name, .. } => Some(format!("Diajukan melalui {name}")),
    };
    add_event(db, &r, status, note, &by.name()).await?;
    audit::record(
        db,
        audit::Entry {
            village_id: Some(village.id),
            actor: by.audit(),
            action: Action::LetterRequested,
            subject: Some(("letter_request", r.id)),
            detail: Some(t.title.clone()),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    Ok(r.id)
}

/// Whether `by` may look at the request (its resident, or an official of the village).
fn may_view(by: &By, r: &letter_request::Model) -> bool {
    match by {
        By::Resident { id, .. } => *id == r.resident_id,
        By::Official(_) => true,
        By::Partner { .. } => false,
    }
}

/// The steps `by` may take on a request in `status`.
fn steps_for(by: &By, status: Status, s: &Settings) -> Vec<Step> {
    let candidates: &[Step] = match by {
        By::Resident { .. } => &[Step::Submit, Step::Cancel, Step::Complete],
        By::Partner { .. } => &[],
        By::Official(o) => {
            let signs = o.role == Role::Kades || (o.role == Role::Sekdes && s.sekdes_signs);
            if o.role == Role::Kades {
                &[
                    Step::ApproveRt,
                    Step::SendBack,
                    Step::Forward,
                    Step::Sign,
                    Step::Complete,
                    Step::Reject,
                    Step::Revoke,
                ]
            } else if signs {
                &[Step::ApproveRt, Step::SendBack, Step::Forward, Step::Sign, Step::Complete, Step::Reject]
            } else {
                &[Step::ApproveRt, Step::SendBack, Step::Forward, Step::Complete, Step::Reject]
            }
        }
    };
    candidates.iter().copied().filter(|step| next(status, *step, s.rt_step).is_ok()).collect()
}

/// Takes a step other than signing (see [`sign`]).
///
/// # Errors
/// `NotFound` for a request outside the village or another resident's; `Forbidden` for a step
/// the caller may not take; `Invalid` with the reason a step cannot be taken now, a missing
/// reason, or missing attachments; database failures.
pub async fn step(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &By,
    id: i64,
    step: Step,
    reason: &str,
) -> AppResult<()> {
    let txn = crate::db::Write::begin(db).await?;
    step_in(&*txn, village, by, id, step, reason).await?;
    txn.commit().await?;
    Ok(())
}

/// [`step`] inside the caller's transaction `db`.
///
/// # Errors
/// As [`step`].
pub async fn step_in<C: ConnectionTrait>(
    db: &C,
    village: &village::Model,
    by: &By,
    id: i64,
    step: Step,
    reason: &str,
) -> AppResult<()> {
    if step == Step::Sign {
        return Err(AppError::Invalid("Gunakan tombol tanda tangan.".into()));
    }
    let reason = crate::population::record::squash(reason);
    if step.needs_reason() && reason.chars().count() < 5 {
        return Err(AppError::Invalid("Tuliskan alasannya (paling sedikit 5 huruf).".into()));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::Invalid("Alasan paling panjang 500 huruf.".into()));
    }
    let s = settings(village);
    let r = find_request(db, village.id, id).await?;
    if !may_view(by, &r) {
        return Err(AppError::NotFound);
    }
    let now_status = r.status;
    let after = next(now_status, step, s.rt_step).map_err(|m| AppError::Invalid(m.into()))?;
    if !steps_for(by, now_status, &s).contains(&step) {
        return Err(AppError::Forbidden);
    }
    if step == Step::Submit {
        let t = find_type(db, village.id, r.type_id).await?;
        let (fields, attachments) = parse_type(&t);
        let values: Values = serde_json::from_str(&r.field_values).unwrap_or_default();
        match check_values(db, village.id, &fields, &values).await {
            Err(AppError::Refused(p)) => {
                return Err(AppError::Invalid(p.into_iter().map(|p| p.message).collect::<Vec<_>>().join(" ")));
            }
            checked => checked.map(drop)?,
        }
        let files = letter_file::Entity::find().filter(letter_file::Column::RequestId.eq(r.id)).all(db).await?;
        let missing: Vec<&str> = attachments
            .iter()
            .filter(|a| a.required && !files.iter().any(|f| f.attachment == a.key))
            .map(|a| a.label.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(AppError::Invalid(format!("Lampiran belum lengkap: {}.", missing.join(", "))));
        }
    }
    // Only if nobody moved it meanwhile (another official, another tab).
    let moved = letter_request::Entity::update_many()
        .col_expr(letter_request::Column::Status, sea_orm::sea_query::Expr::value(after))
        .col_expr(
            letter_request::Column::Reason,
            sea_orm::sea_query::Expr::value((!reason.is_empty()).then(|| reason.clone())),
        )
        .col_expr(letter_request::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(letter_request::Column::Id.eq(r.id))
        .filter(letter_request::Column::Status.eq(r.status))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::Invalid("Permohonan ini baru saja diubah orang lain; muat ulang halaman.".into()));
    }
    if step == Step::Revoke {
        let By::Official(o) = by else { return Err(AppError::Forbidden) };
        audit::record(
            db,
            audit::Entry {
                village_id: Some(village.id),
                actor: Actor::Official { id: o.id, name: o.name.clone() },
                action: Action::LetterRevoked,
                subject: Some(("letter_request", r.id)),
                detail: Some(format!("{}: {reason}", r.number.clone().unwrap_or_default())),
                ip: crate::access::guard::client().ip,
            },
        )
        .await?;
    }
    let note = match step {
        // What the resident reads in the request's history.
        Step::Revoke => format!("Surat dicabut oleh {}: {reason}", by.name()),
        _ => reason,
    };
    add_event(db, &r, after, (!note.is_empty()).then_some(note), &by.name()).await?;
    Ok(())
}

/// The values every body can use, for a resident of a village.
async fn standard_values<C: ConnectionTrait>(
    db: &C,
    village: &village::Model,
    person: &resident::Model,
    today: NaiveDate,
) -> AppResult<Values> {
    let fam = match person.family_id {
        Some(id) => family::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let rt_id = person.rt_id.or_else(|| fam.as_ref().and_then(|f| f.rt_id));
    let (mut rt, mut rw, mut dusun) = (String::new(), String::new(), String::new());
    if let Some(rt_area) = match rt_id {
        Some(id) => area::Entity::find_by_id(id).filter(area::Column::VillageId.eq(village.id)).one(db).await?,
        None => None,
    } {
        rt = rt_area.name.clone();
        if let Some(rw_area) = match rt_area.parent_id {
            Some(id) => area::Entity::find_by_id(id).one(db).await?,
            None => None,
        } {
            rw = rw_area.name.clone();
            if let Some(d) = match rw_area.parent_id {
                Some(id) => area::Entity::find_by_id(id).one(db).await?,
                None => None,
            } {
                dusun = d.name;
            }
        }
    }
    let address = fam.as_ref().and_then(|f| f.address.clone()).unwrap_or_default();
    let mut full = address.clone();
    if !rt.is_empty() {
        if !full.is_empty() {
            full.push_str(", ");
        }
        full.push_str(&format!("RT {rt} RW {rw}, {} {dusun}", crate::village::model::capitalise(&village.dusun_label)));
    }
    let age = today.years_since(person.birth_date).unwrap_or(0);
    let place = crate::village::model::capitalise(&village.kind);
    let v: Vec<(&str, String)> = vec![
        ("nama", person.name.clone()),
        ("nik", person.nik.clone()),
        ("no_kk", fam.as_ref().map(|f| f.kk_number.clone()).unwrap_or_default()),
        ("jenis_kelamin", if person.sex == "P" { "Perempuan" } else { "Laki-laki" }.into()),
        ("tempat_lahir", person.birth_place.clone()),
        ("tanggal_lahir", long_date(person.birth_date)),
        ("tempat_tanggal_lahir", format!("{}, {}", person.birth_place, long_date(person.birth_date))),
        ("umur", format!("{age} tahun")),
        ("agama", person.religion.clone()),
        ("pendidikan", person.education.clone()),
        ("pekerjaan", person.occupation.clone()),
        ("status_perkawinan", person.marital_status.clone()),
        ("kewarganegaraan", person.citizenship.clone()),
        ("nama_ayah", person.father_name.clone().unwrap_or_default()),
        ("nama_ibu", person.mother_name.clone().unwrap_or_default()),
        ("alamat", address),
        ("rt", rt),
        ("rw", rw),
        ("dusun", dusun),
        ("alamat_lengkap", full),
        ("nama_desa", village.name.clone()),
        ("kecamatan", village.kecamatan.clone()),
        ("kabupaten", village.kabupaten.clone()),
        ("provinsi", village.province.clone()),
        ("jabatan_penanda_tangan", format!("Kepala {place}")),
    ];
    Ok(v.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The type's own values as printed: dates written out, residents by name (and `_nik`).
async fn printed_values<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    fields: &[FieldDef],
    values: &Values,
) -> AppResult<Values> {
    let mut out = Values::new();
    for f in fields {
        let Some(v) = values.get(&f.key) else { continue };
        match f.kind {
            FieldKind::Date => {
                let text = NaiveDate::parse_from_str(v, "%Y-%m-%d").map(long_date).unwrap_or_else(|_| v.clone());
                out.insert(f.key.clone(), text);
            }
            FieldKind::Resident => {
                if let Ok(id) = v.parse::<i64>()
                    && let Some(p) = resident::Entity::find_by_id(id)
                        .filter(resident::Column::VillageId.eq(village_id))
                        .one(db)
                        .await?
                {
                    out.insert(f.key.clone(), p.name);
                    out.insert(format!("{}_nik", f.key), p.nik);
                }
            }
            _ => {
                out.insert(f.key.clone(), v.clone());
            }
        }
    }
    Ok(out)
}

/// The body of a request filled in with what is known now.
async fn preview_text<C: ConnectionTrait>(
    db: &C,
    village: &village::Model,
    t: &letter_type::Model,
    r: &letter_request::Model,
) -> AppResult<String> {
    let (fields, _) = parse_type(t);
    let person = village_resident(db, village.id, r.resident_id).await?;
    let mut values = standard_values(db, village, &person, wib_date(Utc::now())).await?;
    let own: Values = serde_json::from_str(&r.field_values).unwrap_or_default();
    values.extend(printed_values(db, village.id, &fields, &own).await?);
    if let Some(n) = &r.number {
        values.insert("nomor_surat".into(), n.clone());
    }
    let template = Template::parse(&t.body, |n| super::model::slot_known(n, &fields))
        .map_err(|e| AppError::Invalid(format!("Isi surat jenis ini rusak: {e}")))?;
    Ok(template.fill(&values))
}

/// The printed letter, frozen at signing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frozen {
    pub paper: String,
    pub head: Vec<String>,
    pub address: String,
    pub title: String,
    pub number: String,
    pub body: String,
    pub place_date: String,
    pub on_behalf: String,
    pub signer_title: String,
    pub signer_name: String,
    pub qr_url: String,
    /// Where the village's logo of the day of signing is stored (logos are never overwritten:
    /// a new logo gets a new key), if it had one.
    #[serde(default)]
    pub logo: Option<String>,
}

/// The modules of a QR code for `url` (dark = true), at error correction M where it fits, else
/// L; `None` when even L cannot hold it.
fn qr_modules(url: &str) -> Option<Vec<Vec<bool>>> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .or_else(|_| qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::L))
        .ok()?;
    let w = code.width();
    Some(code.to_colors().chunks(w).map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect())
}

impl Frozen {
    /// `sha256:<hex>` of everything printed but the QR code (which carries this digest): the
    /// letterhead, title, number, the body as rendered, place and date, the signer and the
    /// logo's key. The signature of a `DIGDAYA-SURAT-2` letter covers it.
    pub fn digest(&self) -> String {
        let printed = (
            &self.paper,
            &self.head,
            &self.address,
            &self.title,
            &self.number,
            &self.body,
            &self.place_date,
            &self.on_behalf,
            &self.signer_title,
            &self.signer_name,
            &self.logo,
        );
        sign::digest(serde_json::to_string(&printed).unwrap_or_default().as_bytes())
    }

    /// The PDF of this letter (always the same bytes), with the logo's JPEG bytes if it has one.
    pub fn pdf(&self, logo: Option<&[u8]>) -> Vec<u8> {
        let logo = logo.and_then(|bytes| {
            let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg).ok()?;
            Some((img.width(), img.height(), bytes.to_vec()))
        });
        let qr = qr_modules(&self.qr_url).unwrap_or_default();
        super::pdf::render(&super::pdf::LetterDoc {
            paper: super::pdf::Paper::parse(&self.paper),
            head: self.head.clone(),
            address: self.address.clone(),
            logo,
            title: self.title.to_uppercase(),
            number: self.number.clone(),
            body: blocks(&self.body),
            place_date: self.place_date.clone(),
            on_behalf: self.on_behalf.clone(),
            signer_title: self.signer_title.clone(),
            signer_name: self.signer_name.clone(),
            qr,
            qr_note: "Pindai kode QR untuk memeriksa keaslian surat ini.".into(),
            qr_link: self.qr_url.clone(),
            doc_title: format!("{} {}", self.title, self.number),
        })
    }
}

/// The village's signing key, made on first use.
async fn village_key<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<village_key::Model> {
    if let Some(k) = village_key::Entity::find_by_id(village_id).one(db).await? {
        return Ok(k);
    }
    let (public, secret) = sign::new_key();
    let key = village_key::ActiveModel {
        village_id: Set(village_id),
        public_key: Set(public),
        secret_key: Set(crate::secrets::seal(secret.as_bytes())),
        created_at: Set(Utc::now()),
    };
    // Two first signings at once: one insert wins, both use the stored key.
    village_key::Entity::insert(key).on_conflict_do_nothing().exec(db).await?;
    village_key::Entity::find_by_id(village_id).one(db).await?.ok_or(AppError::Internal)
}

/// Seals the signing keys still kept plain (made before keys were sealed); returns how many.
///
/// # Errors
/// Database failures.
pub async fn seal_plain_keys(db: &DatabaseConnection) -> AppResult<u64> {
    let mut sealed = 0;
    for key in village_key::Entity::find().all(db).await? {
        if crate::secrets::is_sealed(&key.secret_key) {
            continue;
        }
        let plain = key.secret_key.clone();
        village_key::Entity::update_many()
            .col_expr(
                village_key::Column::SecretKey,
                sea_orm::sea_query::Expr::value(crate::secrets::seal(plain.as_bytes())),
            )
            .filter(village_key::Column::VillageId.eq(key.village_id))
            .filter(village_key::Column::SecretKey.eq(plain))
            .exec(db)
            .await?;
        sealed += 1;
    }
    Ok(sealed)
}

/// The secret half of a village's key (base64), opened with the deployment's secret.
fn signing_secret(key: &village_key::Model) -> AppResult<String> {
    crate::secrets::open(&key.secret_key).and_then(|bytes| String::from_utf8(bytes).ok()).ok_or_else(|| {
        tracing::error!(village = key.village_id, "the village's signing key cannot be opened with DIGDAYA_SECRET_KEY");
        AppError::Internal
    })
}

/// The village's public key (base64), published on its site.
///
/// # Errors
/// Database failures.
pub async fn public_key(db: &DatabaseConnection, village_id: i64) -> AppResult<String> {
    Ok(village_key(db, village_id).await?.public_key)
}

/// The living members of a resident's family (themselves included): whom a resident may name
/// in a letter's "resident" field.
///
/// # Errors
/// Database failures.
pub async fn family_choices<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    resident_id: i64,
) -> AppResult<Vec<(i64, String)>> {
    let me = village_resident(db, village_id, resident_id).await?;
    let Some(family_id) = me.family_id else { return Ok(vec![(me.id, me.name)]) };
    Ok(resident::Entity::find()
        .filter(resident::Column::VillageId.eq(village_id))
        .filter(resident::Column::FamilyId.eq(family_id))
        .order_by_asc(resident::Column::BirthDate)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// A verification code: 10 characters without look-alikes (0/O, 1/I/L).
fn verify_code() -> String {
    use rand_core::RngCore;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 10];
    rand_core::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// Signs a request: takes the next number of its type and year, freezes the printed letter
/// and signs its canonical data, all in one transaction, so a number is never given twice and
/// never skipped (a failed signing gives its number back).
///
/// `base_url` is the deployment's public address (for the QR code).
///
/// # Errors
/// `Forbidden` unless the signer is the kades (or the sekdes where the village allows);
/// `Invalid` when the request is not waiting for a signature; database failures.
pub async fn sign(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &Official,
    id: i64,
    base_url: &str,
) -> AppResult<String> {
    let s = settings(village);
    let by_sekdes = match by.role {
        Role::Kades => false,
        Role::Sekdes if s.sekdes_signs => true,
        _ => return Err(AppError::Forbidden),
    };
    // Read outside the transaction: what the numbering needs never changes after creation.
    let r = find_request(db, village.id, id).await?;
    let t = find_type(db, village.id, r.type_id).await?;
    let secret_key = signing_secret(&village_key(db, village.id).await?)?;
    let format = NumberFormat::parse(&t.number_format).map_err(AppError::Invalid)?;
    let now = Utc::now();
    let today = wib_date(now);
    let year = today.year();
    let backend = db.get_database_backend();

    let txn = crate::db::Write::begin(db).await?;
    // The first statement writes, so on SQLite the transaction holds the write lock from here
    // (waiting its turn) instead of failing to upgrade a read later.
    txn.execute_raw(sql(
        backend,
        "INSERT INTO letter_counters (village_id, type_id, year, last) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING",
        vec![village.id.into(), t.id.into(), year.into()],
    ))
    .await?;
    let seq: i64 = txn
        .query_one_raw(sql(
            backend,
            "UPDATE letter_counters SET last = last + 1 WHERE village_id = ? AND type_id = ? AND year = ? RETURNING last",
            vec![village.id.into(), t.id.into(), year.into()],
        ))
        .await?
        .ok_or(AppError::Internal)?
        .try_get_by_index(0)?;
    let current = find_request(&*txn, village.id, id).await?;
    let status = current.status;
    next(status, Step::Sign, s.rt_step).map_err(|m| AppError::Invalid(m.into()))?;
    let village_code = village.code.replace('.', "");
    let number = format.render(
        u64::try_from(seq).unwrap_or(0),
        &NumberParts {
            code: &t.code,
            village_code: &village_code[village_code.len().saturating_sub(4)..],
            month: today.month(),
            year,
        },
    );
    let person = village_resident(&*txn, village.id, current.resident_id).await?;
    let place = crate::village::model::capitalise(&village.kind);
    let (on_behalf, signer_title) = if by_sekdes {
        (format!("a.n. Kepala {place} {}", village.name), format!("Sekretaris {place}"))
    } else {
        (String::new(), format!("Kepala {place} {}", village.name))
    };
    let (fields, _) = parse_type(&t);
    let mut values = standard_values(&*txn, village, &person, today).await?;
    let own: Values = serde_json::from_str(&current.field_values).unwrap_or_default();
    values.extend(printed_values(&*txn, village.id, &fields, &own).await?);
    values.insert("nomor_surat".into(), number.clone());
    values.insert("tanggal_surat".into(), long_date(today));
    values.insert(
        "berlaku_sampai".into(),
        t.validity_days.map(|d| long_date(today + chrono::Duration::days(i64::from(d)))).unwrap_or_else(|| "-".into()),
    );
    values.insert(
        "jabatan_penanda_tangan".into(),
        if by_sekdes { format!("Sekretaris {place}") } else { format!("Kepala {place}") },
    );
    values.insert("nama_penanda_tangan".into(), by.name.clone());
    let body = Template::parse(&t.body, |n| super::model::slot_known(n, &fields))
        .map_err(|e| AppError::Invalid(format!("Isi surat jenis ini rusak: {e}")))?
        .fill(&values);
    let valid_until = t.validity_days.map(|d| today + chrono::Duration::days(i64::from(d)));
    let village_path = match &village.host {
        Some(_) => String::new(),
        None => format!("/{}", village.slug),
    };
    let mut frozen = Frozen {
        paper: if s.paper.eq_ignore_ascii_case("f4") { "F4".into() } else { "A4".into() },
        head: vec![
            format!("PEMERINTAH {}", village.kabupaten.to_uppercase()),
            format!("KECAMATAN {}", village.kecamatan.to_uppercase()),
            format!("{} {}", village.kind.to_uppercase(), village.name.to_uppercase()),
        ],
        address: village.address.clone().unwrap_or_default(),
        title: t.title.clone(),
        number: number.clone(),
        body,
        place_date: format!("{}, {}", village.name, long_date(today)),
        on_behalf,
        signer_title: signer_title.clone(),
        signer_name: by.name.clone(),
        qr_url: String::new(),
        logo: village.logo_path.clone(),
    };
    // The type's own fields as printed, for the checker to compare with the paper: a named
    // resident by name and the last four digits of their NIK.
    let printed = printed_values(&*txn, village.id, &fields, &own).await?;
    let shown: Vec<(String, String)> = fields
        .iter()
        .filter_map(|f| {
            let value = printed.get(&f.key)?;
            Some(match (&f.kind, printed.get(&format!("{}_nik", f.key))) {
                (FieldKind::Resident, Some(nik)) => (f.label.clone(), format!("{value} (NIK {})", sign::mask_nik(nik))),
                _ => (f.label.clone(), value.clone()),
            })
        })
        .collect();
    let code = verify_code();
    let canonical = Canonical {
        version: 2,
        village: village_code.clone(),
        code: code.clone(),
        number: number.clone(),
        kind: t.title.clone(),
        date: today.to_string(),
        valid_until: valid_until.map_or_else(|| "-".to_string(), |d| d.to_string()),
        signer: by.name.clone(),
        signer_title: signer_title.clone(),
        resident: person.name.clone(),
        nik: sign::mask_nik(&person.nik),
        fields: shown,
        digest: frozen.digest(),
    };
    let text = canonical.to_text();
    let signature = sign::sign(&secret_key, &text).ok_or(AppError::Internal)?;
    frozen.qr_url = sign::qr_url(base_url, &village_path, &canonical, &signature);
    if qr_modules(&frozen.qr_url).is_none() {
        return Err(AppError::Invalid(
            "Isian surat ini terlalu panjang untuk kode QR; persingkat isiannya lalu tanda tangani lagi.".into(),
        ));
    }
    let moved = letter_request::Entity::update_many()
        .col_expr(letter_request::Column::Status, sea_orm::sea_query::Expr::value(Status::Siap))
        .col_expr(letter_request::Column::Number, sea_orm::sea_query::Expr::value(number.clone()))
        .col_expr(letter_request::Column::Year, sea_orm::sea_query::Expr::value(year))
        .col_expr(letter_request::Column::Seq, sea_orm::sea_query::Expr::value(seq))
        .col_expr(letter_request::Column::SignedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(letter_request::Column::SignedBy, sea_orm::sea_query::Expr::value(by.id))
        .col_expr(
            letter_request::Column::Document,
            sea_orm::sea_query::Expr::value(serde_json::to_string(&frozen).map_err(|_| AppError::Internal)?),
        )
        .col_expr(letter_request::Column::VerifyCode, sea_orm::sea_query::Expr::value(code))
        .col_expr(letter_request::Column::Canonical, sea_orm::sea_query::Expr::value(text))
        .col_expr(letter_request::Column::Signature, sea_orm::sea_query::Expr::value(signature))
        .col_expr(letter_request::Column::Reason, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .col_expr(letter_request::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(letter_request::Column::Id.eq(id))
        .filter(letter_request::Column::Status.eq(Status::MenungguTtd))
        .exec(&*txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::Invalid("Permohonan ini baru saja diubah orang lain; muat ulang halaman.".into()));
    }
    add_event(&*txn, &current, Status::Siap, Some(format!("Ditandatangani, nomor {number}")), &by.name).await?;
    audit::record(
        &*txn,
        audit::Entry {
            village_id: Some(village.id),
            actor: Actor::Official { id: by.id, name: by.name.clone() },
            action: Action::LetterSigned,
            subject: Some(("letter_request", id)),
            detail: Some(number.clone()),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(number)
}

/// The PDF of a signed letter, for its resident or the village's officials.
///
/// # Errors
/// `NotFound` outside the village, for another resident, or before signing; database failures.
pub async fn pdf(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    village_id: i64,
    by: &By,
    id: i64,
) -> AppResult<(String, Vec<u8>)> {
    let r = find_request(db, village_id, id).await?;
    if !may_view(by, &r) {
        return Err(AppError::NotFound);
    }
    if r.status == Status::Dicabut && !matches!(by, By::Official(_)) {
        return Err(AppError::Conflict(
            "Surat ini telah dicabut oleh kepala desa dan tidak dapat diunduh lagi.".into(),
        ));
    }
    let frozen: Frozen = r.document.as_deref().and_then(|d| serde_json::from_str(d).ok()).ok_or(AppError::NotFound)?;
    let name = format!("{}.pdf", frozen.number.replace(['/', '\\', ' ', '.'], "-"));
    let logo = match &frozen.logo {
        Some(key) => Some(files.get(key).await.map_err(|e| {
            tracing::error!(error = %e, key, "the logo of a signed letter is missing");
            AppError::Internal
        })?),
        None => None,
    };
    Ok((name, frozen.pdf(logo.as_deref())))
}

/// What the verification page says about `code` (and the QR's data `d` and signature `s`,
/// when the page was opened from a QR code).
///
/// # Errors
/// Database failures.
pub async fn verify(
    db: &DatabaseConnection,
    village: &village::Model,
    code: &str,
    d: &str,
    s: &str,
) -> AppResult<Verdict> {
    let found = letter_request::Entity::find()
        .filter(letter_request::Column::VillageId.eq(village.id))
        .filter(letter_request::Column::VerifyCode.eq(code.trim()))
        .one(db)
        .await?;
    let Some(r) = found else { return Ok(Verdict::Unknown) };
    let (Some(text), Some(signature)) = (r.canonical.as_deref(), r.signature.as_deref()) else {
        return Ok(Verdict::Unknown);
    };
    let key = village_key(db, village.id).await?;
    if !sign::verify(&key.public_key, text, signature) {
        return Ok(Verdict::Tampered);
    }
    let mut checked = false;
    if !d.is_empty() || !s.is_empty() {
        let qr_text = sign::unb64(d).and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
        if qr_text != text || !sign::verify(&key.public_key, &qr_text, s) {
            return Ok(Verdict::Tampered);
        }
        checked = true;
    }
    let c = Canonical::parse(text).ok_or(AppError::Internal)?;
    // The letter the village keeps must still be the one whose digest was signed.
    if c.version >= 2 {
        let frozen: Option<Frozen> = r.document.as_deref().and_then(|d| serde_json::from_str(d).ok());
        if frozen.is_none_or(|f| f.digest() != c.digest) {
            return Ok(Verdict::Tampered);
        }
    }
    let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    let until = day(&c.valid_until);
    let revoked = (r.status == Status::Dicabut)
        .then(|| (long_date(wib_date(r.updated_at)), r.reason.clone().unwrap_or_default()));
    Ok(Verdict::Genuine(VerifiedFacts {
        number: c.number,
        kind: c.kind,
        date: day(&c.date).map(long_date).unwrap_or(c.date),
        signer: c.signer,
        signer_title: c.signer_title,
        resident: c.resident,
        nik: c.nik,
        fields: c.fields,
        valid_until: until.map(long_date),
        expired: until.is_some_and(|u| u < wib_date(Utc::now())),
        revoked,
        older_form: c.version < 2,
        signature_checked: checked,
    }))
}

/// The files attached to a request, by attachment key.
async fn files_of<C: ConnectionTrait>(db: &C, request_id: i64) -> AppResult<Vec<letter_file::Model>> {
    Ok(letter_file::Entity::find()
        .filter(letter_file::Column::RequestId.eq(request_id))
        .order_by_asc(letter_file::Column::Id)
        .all(db)
        .await?)
}

/// One request for its resident or an official.
///
/// # Errors
/// `NotFound` outside the village or for another resident; database failures.
pub async fn detail(db: &DatabaseConnection, village: &village::Model, by: &By, id: i64) -> AppResult<RequestDetail> {
    let r = find_request(db, village.id, id).await?;
    if !may_view(by, &r) {
        return Err(AppError::NotFound);
    }
    let t = find_type(db, village.id, r.type_id).await?;
    let (fields, attachments) = parse_type(&t);
    let person = village_resident(db, village.id, r.resident_id).await?;
    let own: Values = serde_json::from_str(&r.field_values).unwrap_or_default();
    let printed = printed_values(db, village.id, &fields, &own).await?;
    let values =
        fields.iter().map(|f| (f.label.clone(), printed.get(&f.key).cloned().unwrap_or_else(|| "-".into()))).collect();
    let files = files_of(db, r.id).await?;
    let attachments = attachments
        .into_iter()
        .map(|a| AttachmentView {
            files: files
                .iter()
                .filter(|f| f.attachment == a.key)
                .map(|f| FileView { id: f.id, is_pdf: f.content_type == "application/pdf" })
                .collect(),
            key: a.key,
            label: a.label,
            required: a.required,
        })
        .collect();
    let timeline = letter_event::Entity::find()
        .filter(letter_event::Column::RequestId.eq(r.id))
        .order_by_asc(letter_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| TimelineEntry {
            status: e.status,
            note: e.note.unwrap_or_default(),
            who: e.actor_name,
            when: wib(e.created_at),
        })
        .collect();
    let status = r.status;
    let frozen: Option<Frozen> = r.document.as_deref().and_then(|d| serde_json::from_str(d).ok());
    let preview = match &frozen {
        Some(f) => f.body.clone(),
        None => preview_text(db, village, &t, &r).await?,
    };
    let whatsapp = match (by, &frozen, person.phone.as_deref()) {
        (By::Official(_), Some(f), Some(phone)) if status == Status::Siap => crate::kit::phone::wa_number(phone).map(|n| {
            let text = format!(
                "Yth. {}, surat {} Anda nomor {} sudah ditandatangani dan dapat diunduh di aplikasi desa. Terima kasih. — {}",
                person.name,
                t.title,
                f.number,
                crate::village::service::to_info(village).title()
            );
            format!("https://wa.me/{n}?text={}", crate::ui::urlencode(&text))
        }),
        _ => None,
    };
    Ok(RequestDetail {
        id: r.id,
        kind: t.title,
        status,
        resident_id: person.id,
        resident: person.name,
        values,
        attachments,
        timeline,
        number: r.number,
        reason: r.reason,
        steps: steps_for(by, status, &settings(village)),
        preview,
        verify_url: frozen.map(|f| f.qr_url.split('?').next().unwrap_or_default().to_string()),
        whatsapp,
    })
}

fn row(r: letter_request::Model, kind: String, resident: String) -> RequestRow {
    RequestRow { id: r.id, kind, resident, status: r.status, number: r.number, updated: wib(r.updated_at) }
}

async fn type_titles<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<BTreeMap<i64, String>> {
    Ok(letter_type::Entity::find()
        .select_only()
        .column(letter_type::Column::Id)
        .column(letter_type::Column::Title)
        .filter(letter_type::Column::VillageId.eq(village_id))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// A resident's own requests, newest first.
///
/// # Errors
/// Database failures.
pub async fn mine(db: &DatabaseConnection, village_id: i64, resident_id: i64) -> AppResult<Vec<RequestRow>> {
    let titles = type_titles(db, village_id).await?;
    let list = letter_request::Entity::find()
        .filter(letter_request::Column::VillageId.eq(village_id))
        .filter(letter_request::Column::ResidentId.eq(resident_id))
        .order_by_desc(letter_request::Column::CreatedAt)
        .order_by_desc(letter_request::Column::Id)
        .all(db)
        .await?;
    Ok(list
        .into_iter()
        .map(|r| {
            let kind = titles.get(&r.type_id).cloned().unwrap_or_default();
            row(r, kind, String::new())
        })
        .collect())
}

pub const QUEUE_PAGE: u64 = 20;

/// The officials' queue: the counts of every status and a page of one status (oldest first,
/// as they wait), or of all open ones when `status` is None.
///
/// # Errors
/// Database failures.
pub async fn queue(
    db: &DatabaseConnection,
    village_id: i64,
    status: Option<Status>,
    at: &PageAt,
) -> AppResult<QueuePage> {
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            "SELECT status, COUNT(*) FROM letter_requests WHERE village_id = ? GROUP BY status",
            vec![village_id.into()],
        ))
        .await?;
    let mut counts: Vec<(Status, u64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for r in rows {
        let s: String = r.try_get_by_index(0)?;
        let n: i64 = r.try_get_by_index(1)?;
        if let Some(c) = Status::parse(&s).and_then(|s| counts.iter_mut().find(|(x, _)| *x == s)) {
            c.1 = u64::try_from(n).unwrap_or(0);
        }
    }
    let mut q = letter_request::Entity::find().filter(letter_request::Column::VillageId.eq(village_id));
    q = match status {
        Some(s) => q.filter(letter_request::Column::Status.eq(s)),
        None => {
            q.filter(letter_request::Column::Status.is_in([Status::Diperiksa, Status::MenungguRt, Status::MenungguTtd]))
        }
    };
    let total = q.clone().count(db).await?;
    let order = [(letter_request::Column::UpdatedAt, Order::Asc), (letter_request::Column::Id, Order::Asc)];
    let (list, links) = keyset::page(db, q, &order, at, QUEUE_PAGE, total).await?;
    let titles = type_titles(db, village_id).await?;
    let ids: Vec<i64> = list.iter().map(|r| r.resident_id).collect();
    let names: BTreeMap<i64, String> = resident::Entity::find()
        .filter(resident::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let items = list
        .into_iter()
        .map(|r| {
            let kind = titles.get(&r.type_id).cloned().unwrap_or_default();
            let who = names.get(&r.resident_id).cloned().unwrap_or_default();
            row(r, kind, who)
        })
        .collect();
    Ok(QueuePage { counts, items, total, links })
}

/// Keeps an uploaded file for one of the request's attachments (photos re-encoded).
///
/// # Errors
/// `NotFound` outside the village or for another resident's request; `Invalid` for a file
/// refused by content, an unknown attachment, a request no longer open, or too many files;
/// storage and database failures.
pub async fn attach(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    village_id: i64,
    by: &By,
    id: i64,
    attachment: &str,
    bytes: &[u8],
) -> AppResult<i64> {
    may_attach(db, village_id, by, id, attachment).await?;
    let stored = store_attachment(files, village_id, bytes).await?;
    let added = add_attachment(db, village_id, by, id, attachment, &stored).await;
    if added.is_err() {
        stored.remove(files).await;
    }
    added
}

/// The request, if `by` may attach a file for `attachment` to it now.
async fn may_attach<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    by: &By,
    id: i64,
    attachment: &str,
) -> AppResult<letter_request::Model> {
    let r = find_request(db, village_id, id).await?;
    if !may_view(by, &r) {
        return Err(AppError::NotFound);
    }
    let status = r.status;
    let open = match by {
        By::Resident { .. } => status == Status::BelumLengkap,
        By::Official(_) => status.before_signing(),
        By::Partner { .. } => false,
    };
    if !open {
        return Err(AppError::Invalid("Lampiran tidak dapat diubah lagi pada tahap ini.".into()));
    }
    let t = find_type(db, village_id, r.type_id).await?;
    let (_, attachments) = parse_type(&t);
    if !attachments.iter().any(|a| a.key == attachment) {
        return Err(AppError::Invalid("Jenis lampiran tidak dikenal.".into()));
    }
    if files_of(db, r.id).await?.len() >= 10 {
        return Err(AppError::Invalid("Paling banyak 10 berkas per permohonan.".into()));
    }
    Ok(r)
}

/// An attachment checked by its content (photos re-encoded) and in the file store, not yet on
/// a request ([`add_attachment`]).
pub struct StoredFile {
    content_type: &'static str,
    key: String,
    thumb: Option<String>,
    size: usize,
}

impl StoredFile {
    /// Deletes its files (the request it was for was not kept).
    pub async fn remove(&self, files: &crate::media::Storage) {
        files.remove(&self.key).await;
        if let Some(thumb) = &self.thumb {
            files.remove(thumb).await;
        }
    }
}

/// Checks an attachment by its content (a photo or a PDF) and stores it.
///
/// # Errors
/// `Invalid` for a file refused by content; storage failures.
pub async fn store_attachment(files: &crate::media::Storage, village_id: i64, bytes: &[u8]) -> AppResult<StoredFile> {
    let accepted = crate::media::checked(bytes, |b| crate::media::accept(b, true)).await?;
    let base = format!("letters/{village_id}/{}", crate::media::random_name());
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "storing an attachment");
        AppError::Internal
    };
    Ok(match accepted {
        crate::media::Accepted::Photo(p) => {
            let (key, thumb) = (format!("{base}.jpg"), format!("{base}-kecil.jpg"));
            files.put(&key, &p.display).await.map_err(io)?;
            files.put(&thumb, &p.thumb).await.map_err(io)?;
            StoredFile { content_type: "image/jpeg", key, thumb: Some(thumb), size: p.display.len() }
        }
        crate::media::Accepted::Pdf(bytes) => {
            let key = format!("{base}.pdf");
            files.put(&key, &bytes).await.map_err(io)?;
            StoredFile { content_type: "application/pdf", key, thumb: None, size: bytes.len() }
        }
    })
}

/// Puts a stored file on the request as `attachment`, if `by` may attach it now.
///
/// # Errors
/// As [`attach`], without the file's own.
pub async fn add_attachment<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    by: &By,
    id: i64,
    attachment: &str,
    file: &StoredFile,
) -> AppResult<i64> {
    let r = may_attach(db, village_id, by, id, attachment).await?;
    let saved = letter_file::ActiveModel {
        village_id: Set(village_id),
        request_id: Set(r.id),
        attachment: Set(attachment.to_string()),
        content_type: Set(file.content_type.into()),
        size: Set(i64::try_from(file.size).unwrap_or(i64::MAX)),
        storage_key: Set(file.key.clone()),
        thumb_key: Set(file.thumb.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(saved.id)
}

/// An attached file (or its thumbnail) for the request's resident or an official.
///
/// # Errors
/// `NotFound` outside the village, for another resident, or a missing file.
pub async fn file(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    village_id: i64,
    by: &By,
    file_id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    let f = crate::db::owned::find_in::<letter_file::Entity, _>(db, village_id, file_id).await?;
    let r = find_request(db, village_id, f.request_id).await?;
    if !may_view(by, &r) {
        return Err(AppError::NotFound);
    }
    let key = if thumb { f.thumb_key.as_deref().unwrap_or(&f.storage_key) } else { &f.storage_key };
    let bytes = files.get(key).await.map_err(|_| AppError::NotFound)?;
    Ok((f.content_type, bytes))
}

/// The widest a letterhead logo is kept (pixels); it prints about 2 cm wide.
const LOGO_PX: u32 = 240;

/// Replaces the village's logo (for the letterhead): a photo checked by content, re-encoded as a
/// small JPEG under a new key (letters signed before keep printing the logo they were signed with).
///
/// # Errors
/// `Invalid` for a file that is not a usable image; storage and database failures.
pub async fn set_logo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    village: &village::Model,
    bytes: &[u8],
) -> AppResult<()> {
    let small = crate::media::checked(bytes, |b| crate::media::logo(b, LOGO_PX)).await?;
    let key = format!("villages/{}/logo-{}.jpg", village.id, crate::media::random_name());
    files.put(&key, &small).await.map_err(|e| {
        tracing::error!(error = %e, "storing a logo");
        AppError::Internal
    })?;
    let mut m: village::ActiveModel = village.clone().into();
    m.logo_path = Set(Some(key));
    m.update(db).await?;
    Ok(())
}

/// The village's current logo (JPEG), if it has one.
///
/// # Errors
/// `NotFound` without a logo.
pub async fn logo(files: &crate::media::Storage, village: &village::Model) -> AppResult<Vec<u8>> {
    let key = village.logo_path.as_deref().ok_or(AppError::NotFound)?;
    files.get(key).await.map_err(|_| AppError::NotFound)
}

/// Demo data: a queue with letters at every stage (made at the counter by the operator, some
/// signed by the kades), so a new deployment shows the service working.
///
/// # Errors
/// Database failures.
pub async fn seed_demo_letters(
    db: &DatabaseConnection,
    village: &village::Model,
    operator: &Official,
    kades: &Official,
    base_url: &str,
) -> AppResult<usize> {
    ensure_types(db, village.id).await?;
    let people = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(village.id))
        .filter(resident::Column::Status.eq(crate::kit::resident::Status::Hidup))
        .order_by_asc(resident::Column::Id)
        .paginate(db, 12)
        .fetch_page(1)
        .await?;
    let plan: [(&str, &[(&str, &str)], u8); 6] = [
        ("domisili", &[("keperluan", "melamar pekerjaan")], 2),
        ("skck", &[("keperluan", "melamar pekerjaan")], 2),
        ("sktm", &[("keperluan", "keringanan biaya sekolah"), ("penghasilan", "1.200.000"), ("tanggungan", "4")], 1),
        (
            "usaha",
            &[
                ("nama_usaha", "Warung Sembako Berkah"),
                ("jenis_usaha", "Warung sembako"),
                ("alamat_usaha", "Depan masjid"),
                ("keperluan", "pengajuan KUR"),
            ],
            1,
        ),
        ("pengantar", &[("keperluan", "pembukaan rekening bank")], 0),
        (
            "kehilangan",
            &[
                ("barang_hilang", "KTP elektronik"),
                ("tempat_kehilangan", "Pasar Kramatwatu"),
                ("tanggal_kehilangan", "2026-11-20"),
            ],
            0,
        ),
    ];
    let by = By::Official(operator.clone());
    let mut made = 0;
    for ((slug, fields, stage), person) in plan.iter().zip(people.iter()) {
        let Some(t) = letter_type::Entity::find()
            .filter(letter_type::Column::VillageId.eq(village.id))
            .filter(letter_type::Column::Slug.eq(*slug))
            .one(db)
            .await?
        else {
            continue;
        };
        let values: Values = fields.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        let id = match create_request(db, village, &by, person.id, t.id, &values).await {
            Err(AppError::Refused(_)) => continue,
            made => made?,
        };
        if *stage >= 1 {
            sign(db, village, kades, id, base_url).await?;
        }
        if *stage >= 2 {
            step(db, village, &by, id, Step::Complete, "").await?;
        }
        made += 1;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_words() {
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()), "28 November 2026");
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()), "1 Januari 2027");
    }
}
