//! Complaints on the database (server only): reports with their place matched to a dusun/RW/RT,
//! the thread, status moves, photos and the public list of resolved reports. Every function
//! takes the village it acts in and finds rows only within it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::model::{
    ComplaintDetail, ComplaintQueue, ComplaintRow, MAX_PHOTOS, Message, Problem, PublicList, PublicReport, ReportForm,
    ReportInput, Reported, Settings, Status, VillageMap, reply_problem,
};
use crate::access::guard::Official;
use crate::db::entities::{area, complaint, complaint_file, complaint_message, resident, village};
use crate::db::{keyset, sql};
use crate::error::{AppError, AppResult, refuse_any};
use crate::geo::shape::Shape;
use crate::kit::time::wib;
use crate::ui::PageAt;

/// Reports per page (officials' queue, the public list).
pub const PER_PAGE: u64 = 20;
/// How far (degrees, about 550 m) outside the village's box a pin may fall: a phone's location
/// at the edge of the village is often a little off.
const MARGIN: f64 = 0.005;

/// Who is asking.
#[derive(Debug, Clone)]
pub enum Who {
    Official(Official),
    Resident {
        id: i64,
        name: String,
    },
    /// Not signed in to this village: a visitor, who may hold a report's secret link.
    Visitor,
}

impl Who {
    /// What a signed-in user (or nobody) is to this village. A resident who must still change
    /// the issued PIN is sent to do that first.
    ///
    /// # Errors
    /// `PinChangeRequired`; `NotFound` for users of another village.
    pub fn of(user: Option<crate::access::guard::User>, v: &village::Model) -> AppResult<Who> {
        use crate::access::guard::User;
        match user {
            Some(User::Official(o)) if o.village_id == Some(v.id) => Ok(Who::Official(o)),
            Some(User::Resident(r)) if r.village_id == v.id && r.must_change_pin => Err(AppError::PinChangeRequired),
            Some(User::Resident(r)) if r.village_id == v.id => Ok(Who::Resident { id: r.id, name: r.name }),
            // Users of another village (and the superadmin): the village's reports do not exist
            // for them, as everywhere else.
            Some(_) => Err(AppError::NotFound),
            None => Ok(Who::Visitor),
        }
    }
}

pub fn settings(v: &village::Model) -> Settings {
    crate::village::service::setting(v, "complaints")
}

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(140).collect();
    if text.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// A secret for a visitor's link (about 160 random bits).
fn token() -> String {
    format!("{}{}", crate::media::random_name(), crate::media::random_name())
}

/// The village's areas, by id.
async fn areas<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<HashMap<i64, area::Model>> {
    Ok(area::Entity::find()
        .filter(area::Column::VillageId.eq(village_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// "Dusun Krajan, RW 002, RT 003" for an area (walking up to its dusun).
fn area_label(all: &HashMap<i64, area::Model>, id: i64, dusun_label: &str) -> String {
    let up = std::iter::successors(all.get(&id), |a| a.parent_id.and_then(|p| all.get(&p)));
    area::label(up.map(|a| (a.level, a.name.as_str())), dusun_label)
}

fn dusun_of(all: &HashMap<i64, area::Model>, id: i64) -> Option<&area::Model> {
    let mut a = all.get(&id)?;
    while let Some(parent) = a.parent_id.and_then(|p| all.get(&p)) {
        a = parent;
    }
    Some(a)
}

/// The deepest area of the village (RT before RW before dusun) whose boundary holds the point.
pub fn locate(all: &HashMap<i64, area::Model>, lng: f64, lat: f64) -> Option<i64> {
    all.values()
        .filter_map(|a| Some((a, Shape::parse(a.boundary.as_deref()?).ok()?)))
        .filter(|(_, shape)| shape.contains(lng, lat))
        .max_by_key(|(a, _)| (a.level, a.id))
        .map(|(a, _)| a.id)
}

/// What the report form needs: who reports, whether visitors may, the dusun and the map.
pub async fn form(db: &DatabaseConnection, v: &village::Model, who: &Who) -> AppResult<ReportForm> {
    let s = settings(v);
    let reporter = match who {
        Who::Resident { name, .. } => Some(name.clone()),
        Who::Official(o) => Some(o.name.clone()),
        Who::Visitor if s.visitors => None,
        Who::Visitor => return Err(AppError::Unauthenticated),
    };
    let mut dusun: Vec<(i64, String)> = areas(db, v.id)
        .await?
        .into_values()
        .filter(|a| a.level == area::DUSUN)
        .map(|a| (a.id, format!("{} {}", v.dusun_label, a.name)))
        .collect();
    dusun.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(ReportForm { reporter, visitors: s.visitors, dusun, map: crate::geo::village::village_map(db, v).await? })
}

/// Files a new report.
///
/// # Errors
/// `Unauthenticated` for a visitor where the village does not take visitors' reports;
/// `Refused` with what to fix in the report; database failures.
pub async fn report(
    db: &DatabaseConnection,
    v: &village::Model,
    who: &Who,
    input: &ReportInput,
) -> AppResult<Reported> {
    report_from(db, v, who, input, None).await
}

/// The report an outbox item made (its key is kept on the row) with its photos so far and its
/// link's secret, if it made one.
///
/// # Errors
/// Database failures.
pub async fn made_by_outbox<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    key: &str,
) -> AppResult<Option<(i64, usize, String)>> {
    let Some(c) = complaint::Entity::find()
        .filter(complaint::Column::VillageId.eq(village_id))
        .filter(complaint::Column::OutboxKey.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let photos = complaint_file::Entity::find().filter(complaint_file::Column::ComplaintId.eq(c.id)).count(db).await?;
    Ok(Some((c.id, usize::try_from(photos).unwrap_or(usize::MAX), c.access_token)))
}

/// [`report`], remembering the outbox item that sent it (unique per village).
///
/// # Errors
/// As [`report`].
pub async fn report_from<C: ConnectionTrait>(
    db: &C,
    v: &village::Model,
    who: &Who,
    input: &ReportInput,
    outbox_key: Option<&str>,
) -> AppResult<Reported> {
    let s = settings(v);
    let visitor = matches!(who, Who::Visitor);
    if visitor && !s.visitors {
        return Err(AppError::Unauthenticated);
    }
    let mut problems = input.problems(visitor);
    let all = areas(db, v.id).await?;
    let mut area_id = None;
    if let (Some(lat), Some(lng)) = (input.lat, input.lng)
        && problems.iter().all(|p| p.field != "place")
    {
        let shape = v.boundary.as_deref().and_then(|b| Shape::parse(b).ok());
        if shape.is_some_and(|s| !s.contains(lng, lat) && !s.near(lng, lat, MARGIN)) {
            problems.push(Problem::new("place", format!("Titik itu berada di luar wilayah {} {}.", v.kind, v.name)));
        }
        area_id = locate(&all, lng, lat);
    } else if let Some(id) = input.area_id {
        match all.get(&id) {
            Some(a) if a.level == area::DUSUN => area_id = Some(id),
            _ => problems.push(Problem::new("place", "Pilih dusun dari daftar.")),
        }
    }
    refuse_any(problems)?;
    let place = match area_id {
        Some(id) => area_label(&all, id, &v.dusun_label),
        None => format!("{} {} (dusun belum diketahui)", crate::village::model::capitalise(&v.kind), v.name),
    };
    let (resident_id, name, phone) = match who {
        Who::Resident { id, name } => {
            let phone = resident::Entity::find_by_id(*id)
                .filter(resident::Column::VillageId.eq(v.id))
                .one(db)
                .await?
                .and_then(|r| r.phone);
            (Some(*id), name.clone(), phone)
        }
        Who::Official(o) => (None, o.name.clone(), None),
        Who::Visitor => {
            (None, input.name.trim().to_string(), crate::population::record::parse_phone(&input.phone).ok())
        }
    };
    let now = Utc::now();
    let secret = token();
    let saved = complaint::ActiveModel {
        village_id: Set(v.id),
        category: Set(input.category.clone()),
        body: Set(input.body.trim().to_string()),
        lat: Set(input.lat.filter(|_| input.lng.is_some())),
        lng: Set(input.lng.filter(|_| input.lat.is_some())),
        area_id: Set(area_id),
        place: Set(place.chars().take(120).collect()),
        status: Set(Status::Baru),
        resident_id: Set(resident_id),
        reporter_name: Set(name),
        reporter_phone: Set(phone),
        access_token: Set(secret.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        outbox_key: Set(outbox_key.map(str::to_string)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Reported { id: saved.id, token: visitor.then_some(secret) })
}

async fn find<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<complaint::Model> {
    crate::db::owned::find_in::<complaint::Entity, _>(db, village_id, id).await
}

/// May `who` (with the link's `token`, if any) see this report? Officials of the village, the
/// resident who reported it, anyone holding its secret link.
fn may_view(who: &Who, c: &complaint::Model, token: Option<&str>) -> bool {
    let by_token =
        token.is_some_and(|t| !t.is_empty() && crate::secrets::same(t.as_bytes(), c.access_token.as_bytes()));
    match who {
        Who::Official(_) => true,
        Who::Resident { id, .. } => c.resident_id == Some(*id) || by_token,
        Who::Visitor => by_token,
    }
}

/// [`may_view`] as an answer: nobody without a link is asked to sign in, anyone else who may
/// not see the report is told it does not exist.
fn check_view(who: &Who, c: &complaint::Model, token: Option<&str>) -> AppResult<()> {
    if may_view(who, c, token) {
        Ok(())
    } else if matches!(who, Who::Visitor) && token.is_none() {
        Err(AppError::Unauthenticated)
    } else {
        Err(AppError::NotFound)
    }
}

/// One report with its thread, for whoever may see it (else `NotFound`).
pub async fn detail(
    db: &DatabaseConnection,
    v: &village::Model,
    who: &Who,
    id: i64,
    token: Option<&str>,
) -> AppResult<ComplaintDetail> {
    let c = find(db, v.id, id).await?;
    check_view(who, &c, token)?;
    let status = c.status;
    let messages = complaint_message::Entity::find()
        .filter(complaint_message::Column::ComplaintId.eq(c.id))
        .order_by_asc(complaint_message::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Message {
            from_official: m.from_official,
            author: m.author_name,
            body: m.body,
            status: m.status,
            when: wib(m.created_at),
        })
        .collect();
    let photos = complaint_file::Entity::find()
        .filter(complaint_file::Column::ComplaintId.eq(c.id))
        .order_by_asc(complaint_file::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect();
    let official = matches!(who, Who::Official(_));
    let whatsapp =
        official.then(|| c.reporter_phone.as_deref().and_then(crate::kit::phone::wa_number)).flatten().map(|n| {
            let text = format!(
                "Yth. {}, laporan Anda ({}) di {} {} berstatus: {}. Terima kasih.",
                c.reporter_name,
                c.category,
                v.kind,
                v.name,
                status.label()
            );
            format!("https://wa.me/{n}?text={}", crate::ui::urlencode(&text))
        });
    Ok(ComplaintDetail {
        id: c.id,
        category: c.category,
        body: c.body,
        place: c.place,
        lat: c.lat,
        lng: c.lng,
        status,
        reporter: c.reporter_name,
        phone: if official { c.reporter_phone } else { None },
        whatsapp,
        created: wib(c.created_at),
        photos,
        messages,
        official,
        moves: if official { status.moves().to_vec() } else { Vec::new() },
        can_write: official || status != Status::Selesai,
        map: if c.lat.is_some() { crate::geo::village::village_map(db, v).await? } else { VillageMap::default() },
    })
}

/// A message in the thread; an official may move the status with it.
///
/// # Errors
/// `NotFound` for a report the caller may not see; `Invalid` for an empty or too long message,
/// a move that is not allowed (or by a reporter), a closed report, or a report changed by
/// someone else in the meantime; database failures.
pub async fn reply(
    db: &DatabaseConnection,
    v: &village::Model,
    who: &Who,
    id: i64,
    token: Option<&str>,
    body: &str,
    to: Option<Status>,
) -> AppResult<()> {
    let c = find(db, v.id, id).await?;
    check_view(who, &c, token)?;
    if let Some(m) = reply_problem(body) {
        return Err(AppError::Invalid(m));
    }
    let status = c.status;
    let author = match (who, to) {
        (Who::Official(o), Some(next)) if status.moves().contains(&next) => o.name.clone(),
        (Who::Official(_), Some(next)) => {
            return Err(AppError::Invalid(format!(
                "Laporan berstatus {} tidak dapat langsung menjadi {}.",
                status.label(),
                next.label()
            )));
        }
        (Who::Official(o), None) => o.name.clone(),
        (_, Some(_)) => return Err(AppError::Forbidden),
        (_, None) if status == Status::Selesai => {
            return Err(AppError::Invalid(
                "Laporan ini sudah selesai. Bila masalahnya muncul lagi, kirim laporan baru.".into(),
            ));
        }
        (_, None) => c.reporter_name.clone(),
    };
    let now = Utc::now();
    let txn = crate::db::Write::begin(db).await?;
    let new_status = to.unwrap_or(status);
    let closed: Option<DateTime<Utc>> = (new_status == Status::Selesai).then_some(now);
    // Only if nobody moved it meanwhile (two officials on their phones at once).
    let moved = txn
        .execute_raw(sql(
            txn.get_database_backend(),
            "UPDATE complaints SET status = ?, updated_at = ?, closed_at = ? WHERE id = ? AND village_id = ? AND status = ?",
            vec![
                new_status.as_str().into(),
                now.into(),
                closed.into(),
                c.id.into(),
                v.id.into(),
                status.as_str().into(),
            ],
        ))
        .await?;
    if moved.rows_affected() != 1 {
        return Err(AppError::Invalid("Laporan ini baru saja diubah orang lain; muat ulang halaman.".into()));
    }
    complaint_message::ActiveModel {
        village_id: Set(v.id),
        complaint_id: Set(c.id),
        from_official: Set(matches!(who, Who::Official(_))),
        author_name: Set(author),
        body: Set(body.trim().to_string()),
        status: Set(to),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

fn rows(list: Vec<complaint::Model>, official: bool) -> Vec<ComplaintRow> {
    list.into_iter()
        .map(|c| ComplaintRow {
            id: c.id,
            status: c.status,
            excerpt: excerpt(&c.body),
            reporter: official.then_some(c.reporter_name),
            created: wib(c.created_at),
            updated: wib(c.updated_at),
            category: c.category,
            place: c.place,
        })
        .collect()
}

/// The officials' queue: counts per status, filtered by status, category and dusun, oldest
/// waiting first (newest first for closed ones).
pub async fn queue(
    db: &DatabaseConnection,
    village_id: i64,
    status: Option<Status>,
    category: Option<&str>,
    dusun: Option<i64>,
    at: &PageAt,
) -> AppResult<ComplaintQueue> {
    let all = areas(db, village_id).await?;
    let counted = db
        .query_all_raw(sql(
            db.get_database_backend(),
            "SELECT status, COUNT(*) FROM complaints WHERE village_id = ? GROUP BY status",
            vec![village_id.into()],
        ))
        .await?;
    let mut counts: Vec<(Status, u64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for r in counted {
        let s: String = r.try_get_by_index(0)?;
        let n: i64 = r.try_get_by_index(1)?;
        if let Some(c) = Status::parse(&s).and_then(|s| counts.iter_mut().find(|(x, _)| *x == s)) {
            c.1 = u64::try_from(n).unwrap_or(0);
        }
    }
    let mut q = complaint::Entity::find().filter(complaint::Column::VillageId.eq(village_id));
    if let Some(s) = status {
        q = q.filter(complaint::Column::Status.eq(s));
    }
    if let Some(c) = category.filter(|c| !c.is_empty()) {
        q = q.filter(complaint::Column::Category.eq(c));
    }
    if let Some(d) = dusun {
        let ids: Vec<i64> = all.keys().copied().filter(|id| dusun_of(&all, *id).is_some_and(|a| a.id == d)).collect();
        q = q.filter(complaint::Column::AreaId.is_in(ids));
    }
    // Resolved: the latest first; otherwise the longest waiting first.
    let when = if status == Some(Status::Selesai) { Order::Desc } else { Order::Asc };
    let order = [(complaint::Column::UpdatedAt, when), (complaint::Column::Id, Order::Asc)];
    let total = q.clone().count(db).await?;
    let (list, links) = keyset::page(db, q, &order, at, PER_PAGE, total).await?;
    let mut dusun: Vec<(i64, String)> =
        all.values().filter(|a| a.level == area::DUSUN).map(|a| (a.id, a.name.clone())).collect();
    dusun.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(ComplaintQueue { rows: rows(list, true), total, links, counts, dusun })
}

/// A resident's own reports, newest first.
pub async fn mine(db: &DatabaseConnection, village_id: i64, resident_id: i64) -> AppResult<Vec<ComplaintRow>> {
    let list = complaint::Entity::find()
        .filter(complaint::Column::VillageId.eq(village_id))
        .filter(complaint::Column::ResidentId.eq(resident_id))
        .order_by_desc(complaint::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows(list, false))
}

/// Resolved reports, if the village publishes them: category, dusun, text and the answer.
pub async fn public_list(db: &DatabaseConnection, v: &village::Model, at: &PageAt) -> AppResult<PublicList> {
    if !settings(v).public_list {
        return Ok(PublicList { enabled: false, rows: Vec::new(), total: 0, links: Default::default() });
    }
    // Resolved reports always have their closing time; the filter keeps the sort key non-null.
    let q = complaint::Entity::find()
        .filter(complaint::Column::VillageId.eq(v.id))
        .filter(complaint::Column::Status.eq(Status::Selesai))
        .filter(complaint::Column::ClosedAt.is_not_null());
    let total = q.clone().count(db).await?;
    let order = [(complaint::Column::ClosedAt, Order::Desc), (complaint::Column::Id, Order::Desc)];
    let (list, links) = keyset::page(db, q, &order, at, PER_PAGE, total).await?;
    let all = areas(db, v.id).await?;
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    let mut answers: HashMap<i64, String> = HashMap::new();
    for m in complaint_message::Entity::find()
        .filter(complaint_message::Column::ComplaintId.is_in(ids))
        .filter(complaint_message::Column::FromOfficial.eq(true))
        .order_by_asc(complaint_message::Column::Id)
        .all(db)
        .await?
    {
        answers.insert(m.complaint_id, m.body);
    }
    let rows = list
        .into_iter()
        .map(|c| PublicReport {
            dusun: c
                .area_id
                .and_then(|id| dusun_of(&all, id))
                .map(|d| format!("{} {}", v.dusun_label, d.name))
                .unwrap_or_else(|| "—".into()),
            answer: answers.remove(&c.id).unwrap_or_default(),
            reported: wib(c.created_at),
            resolved: c.closed_at.map(wib).unwrap_or_default(),
            category: c.category,
            body: c.body,
        })
        .collect();
    Ok(PublicList { enabled: true, rows, total, links })
}

/// Keeps a photo for a report (re-encoded, EXIF and GPS dropped).
///
/// # Errors
/// `NotFound` for a report the caller may not see; `Invalid` for a file refused by content, a
/// closed report or too many photos; storage and database failures.
pub async fn attach(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    who: &Who,
    id: i64,
    token: Option<&str>,
    bytes: &[u8],
) -> AppResult<i64> {
    let c = find(db, v.id, id).await?;
    check_view(who, &c, token)?;
    if c.status == Status::Selesai {
        return Err(AppError::Invalid("Laporan ini sudah selesai; foto tidak dapat ditambah lagi.".into()));
    }
    let count = complaint_file::Entity::find().filter(complaint_file::Column::ComplaintId.eq(c.id)).count(db).await?;
    if count >= MAX_PHOTOS as u64 {
        return Err(AppError::Invalid(format!("Paling banyak {MAX_PHOTOS} foto per laporan.")));
    }
    let stored = store_photo(files, v, bytes).await?;
    let added = add_photo(db, v.id, c.id, &stored).await;
    if added.is_err() {
        stored.remove(files).await;
    }
    added
}

/// A report's photo checked by its content, re-encoded and in the file store, not yet on a
/// report ([`add_photo`]).
pub struct StoredPhoto {
    key: String,
    thumb: String,
    size: usize,
}

impl StoredPhoto {
    /// Deletes its files (the report it was for was not kept).
    pub async fn remove(&self, files: &crate::media::Storage) {
        files.remove(&self.key).await;
        files.remove(&self.thumb).await;
    }
}

/// Checks a photo by its content, re-encodes it and stores it with its thumbnail.
///
/// # Errors
/// `Invalid` for a file that is not a photo; storage failures.
pub async fn store_photo(files: &crate::media::Storage, v: &village::Model, bytes: &[u8]) -> AppResult<StoredPhoto> {
    let crate::media::Accepted::Photo(photo) = crate::media::checked(bytes, |b| crate::media::accept(b, false)).await?
    else {
        return Err(AppError::Invalid("Lampirkan foto (JPEG, PNG atau WebP).".into()));
    };
    let base = format!("complaints/{}/{}", v.id, crate::media::random_name());
    let (key, thumb) = (format!("{base}.jpg"), format!("{base}-kecil.jpg"));
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "storing a complaint photo");
        AppError::Internal
    };
    files.put(&key, &photo.display).await.map_err(io)?;
    files.put(&thumb, &photo.thumb).await.map_err(io)?;
    Ok(StoredPhoto { key, thumb, size: photo.display.len() })
}

/// Puts a stored photo on report `complaint_id` of the village.
///
/// # Errors
/// Database failures.
pub async fn add_photo<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    complaint_id: i64,
    photo: &StoredPhoto,
) -> AppResult<i64> {
    let saved = complaint_file::ActiveModel {
        village_id: Set(village_id),
        complaint_id: Set(complaint_id),
        content_type: Set("image/jpeg".into()),
        size: Set(i64::try_from(photo.size).unwrap_or(i64::MAX)),
        storage_key: Set(photo.key.clone()),
        thumb_key: Set(Some(photo.thumb.clone())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(saved.id)
}

/// A report's photo (or its thumbnail) for whoever may see the report.
///
/// # Errors
/// `NotFound` outside the village, for someone who may not see the report, or a missing file.
pub async fn photo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    village_id: i64,
    who: &Who,
    file_id: i64,
    token: Option<&str>,
    thumb: bool,
) -> AppResult<Vec<u8>> {
    let f = crate::db::owned::find_in::<complaint_file::Entity, _>(db, village_id, file_id).await?;
    let c = find(db, village_id, f.complaint_id).await?;
    check_view(who, &c, token)?;
    let key = if thumb { f.thumb_key.as_deref().unwrap_or(&f.storage_key) } else { &f.storage_key };
    files.get(key).await.map_err(|_| AppError::NotFound)
}

/// Demo data: reports in several dusun at every status, one with a thread.
///
/// # Errors
/// Database failures.
pub async fn seed_demo_complaints(db: &DatabaseConnection, v: &village::Model) -> AppResult<()> {
    let all = areas(db, v.id).await?;
    let mut dusun: Vec<&area::Model> = all.values().filter(|a| a.level == area::DUSUN).collect();
    dusun.sort_by_key(|a| a.id);
    let samples: [(&str, &str, Status, Option<&str>); 5] = [
        (
            "Jalan dan jembatan",
            "Jalan di dekat mushola berlubang besar dan tergenang saat hujan; motor sering tergelincir.",
            Status::Baru,
            None,
        ),
        (
            "Lampu jalan",
            "Lampu jalan di pertigaan sudah tiga minggu mati, gelap sekali pada malam hari.",
            Status::Diproses,
            Some("Sudah kami laporkan ke petugas; lampu pengganti dipesan minggu ini."),
        ),
        (
            "Saluran dan banjir",
            "Saluran air tersumbat sampah sehingga air meluap ke jalan setiap hujan deras.",
            Status::Selesai,
            Some("Saluran sudah dibersihkan bersama warga pada kerja bakti hari Minggu."),
        ),
        ("Sampah dan kebersihan", "Tumpukan sampah di lahan kosong dekat sekolah menimbulkan bau.", Status::Baru, None),
        (
            "Air bersih",
            "Air sumur bor umum keruh sejak seminggu terakhir.",
            Status::Selesai,
            Some("Pompa dan saringan sumur bor sudah diganti; air kembali jernih."),
        ),
    ];
    let residents = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Status.eq(crate::kit::resident::Status::Hidup))
        .order_by_asc(resident::Column::Id)
        .paginate(db, 5)
        .fetch_page(0)
        .await?;
    let kades = crate::db::entities::official::Entity::find()
        .filter(crate::db::entities::official::Column::VillageId.eq(v.id))
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_else(|| "Petugas desa".into());
    for (i, (category, body, status, answer)) in samples.into_iter().enumerate() {
        let Some(d) = dusun.get(i % dusun.len().max(1)) else { break };
        let Some(point) = d.boundary.as_deref().and_then(|b| Shape::parse(b).ok()).and_then(|s| inner_point(&s)) else {
            continue;
        };
        let who = residents.get(i % residents.len().max(1));
        let input = ReportInput {
            category: category.into(),
            body: body.into(),
            lat: Some(point[1]),
            lng: Some(point[0]),
            ..Default::default()
        };
        let reporter = match who {
            Some(r) => Who::Resident { id: r.id, name: r.name.clone() },
            None => continue,
        };
        let id = match report(db, v, &reporter, &input).await {
            Err(AppError::Refused(_)) => continue,
            made => made?.id,
        };
        if let Some(answer) = answer {
            let official = Who::Official(Official {
                id: 0,
                village_id: Some(v.id),
                name: kades.clone(),
                role: crate::auth::model::Role::Kades,
                session_id: String::new(),
            });
            reply(
                db,
                v,
                &official,
                id,
                None,
                "Terima kasih, laporan sedang kami tindak lanjuti.",
                Some(Status::Diproses),
            )
            .await?;
            if status == Status::Selesai {
                reply(db, v, &official, id, None, answer, Some(Status::Selesai)).await?;
            } else {
                reply(db, v, &official, id, None, answer, None).await?;
            }
        }
    }
    Ok(())
}

/// A point well inside a shape: the middle of the longest inside run on the middle parallel.
pub fn inner_point(shape: &Shape) -> Option<[f64; 2]> {
    let [x0, y0, x1, y1] = shape.bbox();
    for k in [0.5, 0.4, 0.6, 0.3, 0.7] {
        let lat = y0 + (y1 - y0) * k;
        let steps = 200;
        let (mut best, mut run_start, mut best_len) = (None, None, 0);
        for i in 0..=steps {
            let lng = x0 + (x1 - x0) * f64::from(i) / f64::from(steps);
            match (shape.contains(lng, lat), run_start) {
                (true, None) => run_start = Some(i),
                (false, Some(s)) => {
                    if i - s > best_len {
                        best_len = i - s;
                        best = Some((s, i));
                    }
                    run_start = None;
                }
                _ => {}
            }
        }
        if let Some((s, e)) = best {
            let lng = x0 + (x1 - x0) * (f64::from(s + e) / 2.0) / f64::from(steps);
            return Some([lng, lat]);
        }
    }
    None
}
