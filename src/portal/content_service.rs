//! The portal's profile, people, announcements, agenda, budget and home page on the database
//! (server only). Every function takes the village it acts in and touches rows of it only;
//! every change by an official is written to the audit log (`portal_changed`).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::budget::{Budget, BudgetInput, BudgetPage, Sums, line};
use super::content::{
    ALBUM_PHOTOS_MAX, AlbumCard, AlbumPage, Announcement, AnnouncementInput, Directory, Dot, Event, EventInput,
    GalleryPhoto, Glance, Home, Outline, PEOPLE_MAX, Person, PersonInput, Profile, ProfileEdit, ProfilePage,
    VillageNews, album_problems,
};
use crate::access::guard::Official;
use crate::audit::{Action, Actor, Entry, record};
use crate::db::entities::{album, album_photo, announcement, area, budget_line, event, village, village_person};
use crate::db::owned::find_in;
use crate::error::{AppError, AppResult, refuse_any};
use crate::geo::shape::{Shape, Sketch};
use crate::kit::time::long_date;
use crate::media::Storage;

const PROFILE: &str = "profil";

/// Today in the village (WIB).
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    (now + crate::kit::time::WIB_OFFSET).date_naive()
}

async fn audit<C: ConnectionTrait>(db: &C, v: &village::Model, by: &Official, detail: String) -> AppResult<()> {
    let entry = Entry {
        village_id: Some(v.id),
        actor: Actor::Official { id: by.id, name: by.name.clone() },
        action: Action::PortalChanged,
        subject: None,
        detail: Some(detail),
        ip: None,
    };
    Ok(record(db, entry).await?)
}

fn io(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "storing a portal photo");
    AppError::Internal
}

// ---- Profile -------------------------------------------------------------------------------

/// The village's profile texts (the office address falls back to the one it was created with).
/// The hero photo's storage key stays on the server: `hero_key` is always `None` here.
pub fn profile(v: &village::Model) -> Profile {
    let mut p: Profile = crate::village::service::setting(v, PROFILE);
    if p.address.is_empty() {
        p.address = v.address.clone().unwrap_or_default();
    }
    p.hero_key = None;
    p
}

fn hero_key(v: &village::Model) -> Option<String> {
    crate::village::service::setting::<Profile>(v, PROFILE).hero_key
}

/// The profile as stored now (the village row read afresh: the caller's copy may be older than
/// the last change).
async fn stored_profile(db: &DatabaseConnection, village_id: i64) -> AppResult<Profile> {
    let v = village::Entity::find_by_id(village_id).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(crate::village::service::setting(&v, PROFILE))
}

/// Saves the profile's texts (the hero photo stays as it is).
///
/// # Errors
/// Database failures; `Refused` with what to fix.
pub async fn save_profile(
    db: &DatabaseConnection,
    v: &village::Model,
    by: &Official,
    input: &Profile,
) -> AppResult<()> {
    refuse_any(input.problems())?;
    let mut p = input.tidy();
    p.hero_key = stored_profile(db, v.id).await?.hero_key;
    crate::village::service::save_setting(db, v.id, PROFILE, &p).await?;
    audit(db, v, by, "profil desa diubah".into()).await?;
    Ok(())
}

/// Sets the home page's photo (checked by content, re-encoded at most 800 px and 50 KB).
///
/// # Errors
/// `Invalid` for a file that is not a photo; storage and database failures.
pub async fn set_hero(
    db: &DatabaseConnection,
    files: &Storage,
    v: &village::Model,
    by: &Official,
    bytes: &[u8],
) -> AppResult<()> {
    let jpeg = crate::media::checked(bytes, crate::media::banner).await?;
    let key = format!("portal/{}/beranda-{}.jpg", v.id, crate::media::random_name());
    files.put(&key, &jpeg).await.map_err(io)?;
    let mut p = stored_profile(db, v.id).await?;
    let old = p.hero_key.replace(key);
    crate::village::service::save_setting(db, v.id, PROFILE, &p).await?;
    if let Some(old) = old {
        files.remove(&old).await;
    }
    audit(db, v, by, "foto beranda diganti".into()).await
}

/// The home page's photo (public).
///
/// # Errors
/// `NotFound` when the village has none.
pub async fn hero(files: &Storage, v: &village::Model) -> AppResult<Vec<u8>> {
    let key = hero_key(v).ok_or(AppError::NotFound)?;
    files.get(&key).await.map_err(|_| AppError::NotFound)
}

fn hero_url(v: &village::Model) -> Option<String> {
    // The key changes with every new photo, so the address does too: caches never show an old one.
    hero_key(v).map(|k| {
        let name = k.rsplit('/').next().unwrap_or_default().trim_end_matches(".jpg").to_string();
        format!("/api/portal/{}/beranda?v={name}", v.slug)
    })
}

// ---- People --------------------------------------------------------------------------------

fn person(p: village_person::Model, slug: &str) -> Person {
    Person {
        photo: p.photo_key.as_ref().map(|k| {
            let name = k.rsplit('/').next().unwrap_or_default().trim_end_matches(".jpg").to_string();
            format!("/api/portal/{slug}/perangkat/{}?v={name}", p.id)
        }),
        id: p.id,
        name: p.name,
        title: p.title,
    }
}

/// The people of the village government, in their order.
///
/// # Errors
/// Database failures.
pub async fn people(db: &DatabaseConnection, v: &village::Model) -> AppResult<Vec<Person>> {
    Ok(village_person::Entity::find()
        .filter(village_person::Column::VillageId.eq(v.id))
        .order_by_asc(village_person::Column::Position)
        .order_by_asc(village_person::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| person(p, &v.slug))
        .collect())
}

/// Adds a person at the end of the list (`id` `None`) or changes one.
///
/// # Errors
/// `NotFound` for another village's person; `Invalid` past [`PEOPLE_MAX`]; database failures.
pub async fn save_person(
    db: &DatabaseConnection,
    v: &village::Model,
    by: &Official,
    id: Option<i64>,
    input: &PersonInput,
) -> AppResult<i64> {
    refuse_any(input.problems())?;
    let input = input.tidy();
    let txn = db.begin().await?;
    let id = match id {
        Some(id) => {
            let mut row: village_person::ActiveModel =
                find_in::<village_person::Entity, _>(&txn, v.id, id).await?.into();
            row.name = Set(input.name.clone());
            row.title = Set(input.title.clone());
            row.update(&txn).await?.id
        }
        None => {
            let all = village_person::Entity::find().filter(village_person::Column::VillageId.eq(v.id));
            if all.clone().count(&txn).await? >= PEOPLE_MAX {
                return Err(AppError::Invalid(format!("Profil memuat paling banyak {PEOPLE_MAX} orang.")));
            }
            let last: Option<i32> = all
                .select_only()
                .column_as(village_person::Column::Position.max(), "m")
                .into_tuple::<Option<i32>>()
                .one(&txn)
                .await?
                .flatten();
            village_person::ActiveModel {
                village_id: Set(v.id),
                name: Set(input.name.clone()),
                title: Set(input.title.clone()),
                position: Set(last.unwrap_or(0) + 1),
                photo_key: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    audit(&txn, v, by, format!("perangkat \"{}\" ({}) disimpan", input.name, input.title)).await?;
    txn.commit().await?;
    Ok(id)
}

/// Moves a person one place up (towards the top of the list) or down.
///
/// # Errors
/// `NotFound`; database failures.
pub async fn move_person(
    db: &DatabaseConnection,
    v: &village::Model,
    by: &Official,
    id: i64,
    up: bool,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let me = find_in::<village_person::Entity, _>(&txn, v.id, id).await?;
    let all = village_person::Entity::find()
        .filter(village_person::Column::VillageId.eq(v.id))
        .order_by_asc(village_person::Column::Position)
        .order_by_asc(village_person::Column::Id)
        .all(&txn)
        .await?;
    let i = all.iter().position(|p| p.id == me.id).ok_or(AppError::NotFound)?;
    let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < all.len()) };
    if let Some(j) = j {
        // Number everybody afresh with the two swapped: positions stay distinct whatever they were.
        let mut order: Vec<i64> = all.iter().map(|p| p.id).collect();
        order.swap(i, j);
        for (n, pid) in order.into_iter().enumerate() {
            village_person::Entity::update_many()
                .col_expr(village_person::Column::Position, sea_orm::sea_query::Expr::value(n as i32 + 1))
                .filter(village_person::Column::Id.eq(pid))
                .exec(&txn)
                .await?;
        }
        audit(&txn, v, by, format!("urutan perangkat \"{}\" diubah", me.name)).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Removes a person from the profile (with their photo).
///
/// # Errors
/// `NotFound`; database failures.
pub async fn delete_person(
    db: &DatabaseConnection,
    files: &Storage,
    v: &village::Model,
    by: &Official,
    id: i64,
) -> AppResult<()> {
    let p = find_in::<village_person::Entity, _>(db, v.id, id).await?;
    village_person::Entity::delete_by_id(p.id).exec(db).await?;
    if let Some(key) = &p.photo_key {
        files.remove(key).await;
    }
    audit(db, v, by, format!("perangkat \"{}\" dihapus dari profil", p.name)).await
}

/// Sets a person's photo: checked by content, a 240 px square without metadata.
///
/// # Errors
/// `NotFound`; `Invalid` for a file that is not a photo; storage and database failures.
pub async fn set_person_photo(
    db: &DatabaseConnection,
    files: &Storage,
    v: &village::Model,
    by: &Official,
    id: i64,
    bytes: &[u8],
) -> AppResult<()> {
    let p = find_in::<village_person::Entity, _>(db, v.id, id).await?;
    let photo = crate::media::checked(bytes, crate::media::market_photo).await?;
    let key = format!("portal/{}/perangkat-{}.jpg", v.id, crate::media::random_name());
    files.put(&key, &photo.thumb).await.map_err(io)?;
    let (old, name) = (p.photo_key.clone(), p.name.clone());
    let mut row: village_person::ActiveModel = p.into();
    row.photo_key = Set(Some(key));
    row.update(db).await?;
    if let Some(old) = old {
        files.remove(&old).await;
    }
    audit(db, v, by, format!("foto perangkat \"{name}\" diganti")).await
}

/// A person's photo (public, like the profile).
///
/// # Errors
/// `NotFound`.
pub async fn person_photo(db: &DatabaseConnection, files: &Storage, v: &village::Model, id: i64) -> AppResult<Vec<u8>> {
    let key = find_in::<village_person::Entity, _>(db, v.id, id).await?.photo_key.ok_or(AppError::NotFound)?;
    files.get(&key).await.map_err(|_| AppError::NotFound)
}

// ---- Announcements -------------------------------------------------------------------------

fn announcement_of(a: announcement::Model, today: NaiveDate) -> Announcement {
    Announcement {
        id: a.id,
        until: format!("Berlaku sampai {}", long_date(a.ends_on)),
        ends_on: a.ends_on.format("%Y-%m-%d").to_string(),
        current: a.ends_on >= today,
        title: a.title,
        body: a.body,
    }
}

/// The announcements still shown on `today` (at most `limit`), the one ending soonest first.
///
/// # Errors
/// Database failures.
pub async fn current_announcements(
    db: &DatabaseConnection,
    v: &village::Model,
    today: NaiveDate,
    limit: u64,
) -> AppResult<Vec<Announcement>> {
    Ok(announcement::Entity::find()
        .filter(announcement::Column::VillageId.eq(v.id))
        .filter(announcement::Column::EndsOn.gte(today))
        .order_by_asc(announcement::Column::EndsOn)
        .order_by_desc(announcement::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|a| announcement_of(a, today))
        .collect())
}

/// Every announcement of the village for its officials, the newest first (the last 100).
///
/// # Errors
/// Database failures.
pub async fn all_announcements(
    db: &DatabaseConnection,
    v: &village::Model,
    today: NaiveDate,
) -> AppResult<Vec<Announcement>> {
    Ok(announcement::Entity::find()
        .filter(announcement::Column::VillageId.eq(v.id))
        .order_by_desc(announcement::Column::Id)
        .limit(100)
        .all(db)
        .await?
        .into_iter()
        .map(|a| announcement_of(a, today))
        .collect())
}

/// Writes a new announcement or changes one.
///
/// # Errors
/// `NotFound`; database failures; `Refused` with what to fix.
pub async fn save_announcement(
    db: &DatabaseConnection,
    v: &village::Model,
    by: &Official,
    id: Option<i64>,
    input: &AnnouncementInput,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let problems = input.problems(today(now));
    let Some(ends) = input.ends().filter(|_| problems.is_empty()) else {
        return Err(AppError::Refused(problems));
    };
    let title = input.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = input.body.trim().to_string();
    let id = match id {
        Some(id) => {
            let found = find_in::<announcement::Entity, _>(db, v.id, id).await?;
            let mut row: announcement::ActiveModel = found.into();
            row.title = Set(title.clone());
            row.body = Set(body);
            row.ends_on = Set(ends);
            row.update(db).await?.id
        }
        None => {
            announcement::ActiveModel {
                village_id: Set(v.id),
                title: Set(title.clone()),
                body: Set(body),
                ends_on: Set(ends),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
            .id
        }
    };
    audit(db, v, by, format!("pengumuman \"{title}\" disimpan")).await?;
    Ok(id)
}

/// Deletes an announcement.
///
/// # Errors
/// `NotFound`; database failures.
pub async fn delete_announcement(db: &DatabaseConnection, v: &village::Model, by: &Official, id: i64) -> AppResult<()> {
    let a = find_in::<announcement::Entity, _>(db, v.id, id).await?;
    announcement::Entity::delete_by_id(a.id).exec(db).await?;
    audit(db, v, by, format!("pengumuman \"{}\" dihapus", a.title)).await
}

// ---- Agenda --------------------------------------------------------------------------------

const DAYS: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];

fn event_of(e: event::Model, today: NaiveDate) -> Event {
    Event {
        id: e.id,
        when: format!("{}, {}", DAYS[e.day.weekday().num_days_from_monday() as usize], long_date(e.day)),
        day: e.day.format("%Y-%m-%d").to_string(),
        time: e.time.map(|t| t.replace(':', ".")).unwrap_or_default(),
        past: e.day < today,
        title: e.title,
        place: e.place,
        note: e.note,
    }
}

/// Events from `today` on, the soonest first (`coming`), or the last ones before `today`, the
/// latest first.
///
/// # Errors
/// Database failures.
pub async fn events(
    db: &DatabaseConnection,
    v: &village::Model,
    today: NaiveDate,
    coming: bool,
    limit: u64,
) -> AppResult<Vec<Event>> {
    let q = event::Entity::find().filter(event::Column::VillageId.eq(v.id));
    let q = if coming {
        q.filter(event::Column::Day.gte(today))
            .order_by_asc(event::Column::Day)
            .order_by_asc(event::Column::Time)
            .order_by_asc(event::Column::Id)
    } else {
        q.filter(event::Column::Day.lt(today)).order_by_desc(event::Column::Day).order_by_desc(event::Column::Id)
    };
    Ok(q.limit(limit).all(db).await?.into_iter().map(|e| event_of(e, today)).collect())
}

/// Adds or changes an event.
///
/// # Errors
/// `NotFound`; database failures; `Refused` with what to fix.
pub async fn save_event(
    db: &DatabaseConnection,
    v: &village::Model,
    by: &Official,
    id: Option<i64>,
    input: &EventInput,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let problems = input.problems();
    let Some(day) = input.day().filter(|_| problems.is_empty()) else {
        return Err(AppError::Refused(problems));
    };
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let (title, place, note, time) =
        (words(&input.title), words(&input.place), input.note.trim().to_string(), input.clock());
    let id = match id {
        Some(id) => {
            let found = find_in::<event::Entity, _>(db, v.id, id).await?;
            let mut row: event::ActiveModel = found.into();
            row.title = Set(title.clone());
            row.day = Set(day);
            row.time = Set(time);
            row.place = Set(place);
            row.note = Set(note);
            row.update(db).await?.id
        }
        None => {
            event::ActiveModel {
                village_id: Set(v.id),
                title: Set(title.clone()),
                day: Set(day),
                time: Set(time),
                place: Set(place),
                note: Set(note),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
            .id
        }
    };
    audit(db, v, by, format!("agenda \"{title}\" disimpan")).await?;
    Ok(id)
}

/// Deletes an event.
///
/// # Errors
/// `NotFound`; database failures.
pub async fn delete_event(db: &DatabaseConnection, v: &village::Model, by: &Official, id: i64) -> AppResult<()> {
    let e = find_in::<event::Entity, _>(db, v.id, id).await?;
    event::Entity::delete_by_id(e.id).exec(db).await?;
    audit(db, v, by, format!("agenda \"{}\" dihapus", e.title)).await
}

// ---- APBDes --------------------------------------------------------------------------------

/// The latest year a budget can be entered for: next year's is drafted in this one.
pub fn last_budget_year(now: DateTime<Utc>) -> i32 {
    today(now).year() + 1
}

async fn stored(db: &impl ConnectionTrait, village_id: i64, year: Option<i32>) -> AppResult<Vec<budget_line::Model>> {
    let mut q = budget_line::Entity::find().filter(budget_line::Column::VillageId.eq(village_id));
    if let Some(year) = year {
        q = q.filter(budget_line::Column::Year.eq(year));
    }
    Ok(q.order_by_desc(budget_line::Column::Year).all(db).await?)
}

fn lines_of(rows: &[budget_line::Model], year: i32) -> Vec<(String, i64, i64)> {
    rows.iter().filter(|r| r.year == year).map(|r| (r.line.clone(), r.planned, r.realised)).collect()
}

/// The public budget page: the years entered, `year`'s budget (the latest when `None`), and
/// every year's sums for the comparison.
///
/// # Errors
/// `NotFound` for a year without a budget; database failures.
pub async fn budget_page(db: &DatabaseConnection, v: &village::Model, year: Option<i32>) -> AppResult<BudgetPage> {
    let rows = stored(db, v.id, None).await?;
    let mut years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    years.dedup();
    let history = years
        .iter()
        .map(|y| {
            let b = Budget::from_lines(*y, &lines_of(&rows, *y));
            (*y, b.planned, b.realised)
        })
        .collect::<Vec<(i32, Sums, Sums)>>();
    let budget = match year.or_else(|| years.first().copied()) {
        Some(y) if years.contains(&y) => Some(Budget::from_lines(y, &lines_of(&rows, y))),
        Some(_) => return Err(AppError::NotFound),
        None => None,
    };
    Ok(BudgetPage { years, budget, history })
}

/// One year's budget as the officials' form shows it (zeros for a year not entered yet).
///
/// # Errors
/// Database failures.
pub async fn budget_of(db: &DatabaseConnection, v: &village::Model, year: i32) -> AppResult<Budget> {
    let rows = stored(db, v.id, Some(year)).await?;
    Ok(Budget::from_lines(year, &lines_of(&rows, year)))
}

/// Replaces a year's budget with the amounts entered (every line; an empty field is zero).
///
/// # Errors
/// Database failures; `Refused` with what to fix, with nothing saved.
pub async fn save_budget(
    db: &DatabaseConnection,
    v: &village::Model,
    by: &Official,
    input: &BudgetInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let lines = match input.read(last_budget_year(now)) {
        Ok(lines) => lines,
        Err(problems) => return Err(AppError::Refused(problems)),
    };
    let txn = db.begin().await?;
    budget_line::Entity::delete_many()
        .filter(budget_line::Column::VillageId.eq(v.id))
        .filter(budget_line::Column::Year.eq(input.year))
        .exec(&txn)
        .await?;
    let rows: Vec<budget_line::ActiveModel> = lines
        .iter()
        .filter(|(code, _, _)| line(code).is_some())
        .map(|(code, planned, realised)| budget_line::ActiveModel {
            village_id: Set(v.id),
            year: Set(input.year),
            line: Set((*code).to_string()),
            planned: Set(*planned),
            realised: Set(*realised),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    budget_line::Entity::insert_many(rows).exec(&txn).await?;
    audit(&txn, v, by, format!("APBDes tahun {} disimpan", input.year)).await?;
    txn.commit().await?;
    Ok(())
}

// ---- Pages ---------------------------------------------------------------------------------

/// The village's outline for the home page (boundary and dusun), at most 320×200.
fn outline(boundary: &Shape, dusun: &[area::Model]) -> Outline {
    let sketch = Sketch::new(boundary.bbox(), 320.0, 200.0);
    let areas =
        dusun.iter().filter_map(|a| Shape::parse(a.boundary.as_deref()?).ok()).flat_map(|s| sketch.paths(&s)).collect();
    Outline { width: sketch.width, height: sketch.height, boundary: sketch.paths(boundary), areas }
}

/// Everything the home page shows.
///
/// # Errors
/// Database failures.
pub async fn home(db: &DatabaseConnection, v: &village::Model, now: DateTime<Utc>) -> AppResult<Home> {
    let today = today(now);
    let counts = crate::population::service::summary(db, v.id, None).await?.public();
    let dusun = area::Entity::find()
        .filter(area::Column::VillageId.eq(v.id))
        .filter(area::Column::Level.eq(area::DUSUN))
        .all(db)
        .await?;
    let boundary = v.boundary.as_deref().and_then(|b| Shape::parse(b).ok());
    let (news, _) = super::service::published(db, v, &Default::default(), now).await?;
    Ok(Home {
        village: crate::village::service::to_info(v),
        profile: profile(v),
        hero: hero_url(v),
        logo: v.logo_path.as_ref().map(|_| format!("/api/letters/{}/logo", v.slug)),
        announcements: current_announcements(db, v, today, 3).await?,
        news: news.into_iter().take(3).collect(),
        events: events(db, v, today, true, 3).await?,
        glance: Glance {
            residents: counts.residents,
            families: counts.families,
            area_ha: boundary.as_ref().map(|s| s.area_m2() / 10_000.0),
            dusun: dusun.len() as u64,
        },
        outline: boundary.as_ref().map(|b| outline(b, &dusun)),
    })
}

/// The profile page.
///
/// # Errors
/// Database failures.
pub async fn profile_page(db: &DatabaseConnection, v: &village::Model) -> AppResult<ProfilePage> {
    let dusun = crate::population::service::dusun_list(db, v.id).await?;
    Ok(ProfilePage {
        village: crate::village::service::to_info(v),
        profile: profile(v),
        people: people(db, v).await?,
        dusun: dusun.into_iter().map(|d| (d.name, d.rw, d.rt)).collect(),
    })
}

/// What the officials' profile page edits.
///
/// # Errors
/// Database failures.
pub async fn profile_edit(db: &DatabaseConnection, v: &village::Model) -> AppResult<ProfileEdit> {
    Ok(ProfileEdit { profile: profile(v), has_hero: hero_key(v).is_some(), people: people(db, v).await? })
}

/// The deployment's home page: a page of its villages, a dot per village with a known centre
/// (named and linked for the villages on this page), and the six latest articles across them.
///
/// # Errors
/// Database failures.
pub async fn directory(
    db: &DatabaseConnection,
    query: &str,
    at: &crate::ui::PageAt,
    now: DateTime<Utc>,
) -> AppResult<Directory> {
    use crate::db::entities::article;
    let villages = crate::village::service::list(db, query, at).await?;
    let centres: Vec<(String, f64, f64)> = village::Entity::find()
        .select_only()
        .column(village::Column::Slug)
        .column(village::Column::CenterLng)
        .column(village::Column::CenterLat)
        .filter(village::Column::CenterLat.is_not_null())
        .filter(village::Column::CenterLng.is_not_null())
        .into_tuple::<(String, Option<f64>, Option<f64>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(slug, lng, lat)| Some((slug, lng?, lat?)))
        .collect();
    let map = (!centres.is_empty()).then(|| {
        let frame = centres.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, (_, x, y)| {
            [b[0].min(*x), b[1].min(*y), b[2].max(*x), b[3].max(*y)]
        });
        let pad = 0.01;
        let sketch = Sketch::new([frame[0] - pad, frame[1] - pad, frame[2] + pad, frame[3] + pad], 320.0, 240.0);
        let dots = centres
            .iter()
            .map(|(slug, lng, lat)| {
                let (x, y) = sketch.at(*lng, *lat);
                let link = villages.items.iter().find(|v| &v.slug == slug).map(|v| (v.title(), format!("/{slug}")));
                Dot { x, y, link }
            })
            .collect();
        (sketch.width, sketch.height, dots)
    });
    let rows = article::Entity::find()
        .filter(article::Column::Status.eq(crate::kit::article::Publication::Terbit))
        .filter(article::Column::PublishAt.lte(now))
        .order_by_desc(article::Column::PublishAt)
        .order_by_desc(article::Column::Id)
        .limit(6)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|a| a.village_id).collect();
    let owners = village::Entity::find().filter(village::Column::Id.is_in(ids)).all(db).await?;
    let news = rows
        .into_iter()
        .filter_map(|a| {
            let v = owners.iter().find(|v| v.id == a.village_id)?;
            let href = format!("/{}/berita/{}", v.slug, a.slug);
            Some(VillageNews {
                village: crate::village::service::to_info(v).title(),
                href,
                card: super::service::card(a, &v.slug, now),
            })
        })
        .collect();
    Ok(Directory { villages, map, news })
}

// ---- Gallery -------------------------------------------------------------------------------

fn gallery_photo(p: album_photo::Model, slug: &str) -> GalleryPhoto {
    let url = format!("/api/portal/{slug}/galeri-foto/{}", p.id);
    GalleryPhoto {
        id: p.id,
        thumb: format!("{url}?kecil=1"),
        url,
        width: p.width,
        height: p.height,
        caption: p.caption,
    }
}

async fn photos_of(db: &impl ConnectionTrait, album_id: i64) -> AppResult<Vec<album_photo::Model>> {
    Ok(album_photo::Entity::find()
        .filter(album_photo::Column::AlbumId.eq(album_id))
        .order_by_asc(album_photo::Column::Id)
        .all(db)
        .await?)
}

/// The village's albums, newest first, each with its number of photos and the first as cover.
///
/// # Errors
/// Database failures.
pub async fn albums(db: &DatabaseConnection, v: &village::Model) -> AppResult<Vec<AlbumCard>> {
    Ok(gallery(db, v)
        .await?
        .into_iter()
        .map(|a| AlbumCard {
            id: a.id,
            cover: a.photos.first().map(|p| p.thumb.clone()),
            photos: a.photos.len() as u64,
            title: a.title,
            date: a.date,
        })
        .collect())
}

/// Every album of the village with its photos, newest album first: two queries in all.
async fn gallery(db: &DatabaseConnection, v: &village::Model) -> AppResult<Vec<AlbumPage>> {
    let rows = album::Entity::find()
        .filter(album::Column::VillageId.eq(v.id))
        .order_by_desc(album::Column::Id)
        .all(db)
        .await?;
    let mut by_album: std::collections::HashMap<i64, Vec<GalleryPhoto>> = std::collections::HashMap::new();
    for p in album_photo::Entity::find()
        .filter(album_photo::Column::VillageId.eq(v.id))
        .order_by_asc(album_photo::Column::Id)
        .all(db)
        .await?
    {
        by_album.entry(p.album_id).or_default().push(gallery_photo(p, &v.slug));
    }
    Ok(rows
        .into_iter()
        .map(|a| AlbumPage {
            id: a.id,
            title: a.title,
            date: long_date(today(a.created_at)),
            photos: by_album.remove(&a.id).unwrap_or_default(),
        })
        .collect())
}

/// One album with its photos.
///
/// # Errors
/// `NotFound`; database failures.
pub async fn album(db: &DatabaseConnection, v: &village::Model, id: i64) -> AppResult<AlbumPage> {
    let a = find_in::<album::Entity, _>(db, v.id, id).await?;
    let photos = photos_of(db, a.id).await?.into_iter().map(|p| gallery_photo(p, &v.slug)).collect();
    Ok(AlbumPage { id: a.id, title: a.title, date: long_date(today(a.created_at)), photos })
}

/// Every album with its photos, for the officials' page.
///
/// # Errors
/// Database failures.
pub async fn gallery_edit(db: &DatabaseConnection, v: &village::Model) -> AppResult<Vec<AlbumPage>> {
    gallery(db, v).await
}

/// Makes an album (`id` `None`) or renames one.
///
/// # Errors
/// `NotFound`; database failures; `Refused` with what to fix.
pub async fn save_album(
    db: &DatabaseConnection,
    v: &village::Model,
    by: &Official,
    id: Option<i64>,
    title: &str,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    refuse_any(album_problems(title))?;
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let id = match id {
        Some(id) => {
            let mut row: album::ActiveModel = find_in::<album::Entity, _>(db, v.id, id).await?.into();
            row.title = Set(title.clone());
            row.update(db).await?.id
        }
        None => {
            album::ActiveModel {
                village_id: Set(v.id),
                title: Set(title.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
            .id
        }
    };
    audit(db, v, by, format!("album \"{title}\" disimpan")).await?;
    Ok(id)
}

/// Deletes an album with its photos (and their files).
///
/// # Errors
/// `NotFound`; database failures.
pub async fn delete_album(
    db: &DatabaseConnection,
    files: &Storage,
    v: &village::Model,
    by: &Official,
    id: i64,
) -> AppResult<()> {
    let a = find_in::<album::Entity, _>(db, v.id, id).await?;
    let photos = photos_of(db, a.id).await?;
    album_photo::Entity::delete_many().filter(album_photo::Column::AlbumId.eq(a.id)).exec(db).await?;
    album::Entity::delete_by_id(a.id).exec(db).await?;
    for p in photos {
        files.remove(&p.photo_key).await;
        files.remove(&p.thumb_key).await;
    }
    audit(db, v, by, format!("album \"{}\" dihapus", a.title)).await
}

/// Adds a photo to an album: checked by content, re-encoded without metadata (display size
/// ≤ 150 KB and a 240 px thumbnail, as the market's photos).
///
/// # Errors
/// `NotFound`; `Invalid` for a file that is not a photo, a caption too long or a full album;
/// storage and database failures.
pub async fn add_photo(
    db: &DatabaseConnection,
    files: &Storage,
    v: &village::Model,
    by: &Official,
    album_id: i64,
    bytes: &[u8],
    caption: &str,
) -> AppResult<()> {
    let a = find_in::<album::Entity, _>(db, v.id, album_id).await?;
    let caption = caption.split_whitespace().collect::<Vec<_>>().join(" ");
    if caption.chars().count() > 200 {
        return Err(AppError::Invalid("Keterangan foto paling panjang 200 huruf.".into()));
    }
    if album_photo::Entity::find().filter(album_photo::Column::AlbumId.eq(a.id)).count(db).await? >= ALBUM_PHOTOS_MAX {
        return Err(AppError::Invalid(format!(
            "Satu album memuat paling banyak {ALBUM_PHOTOS_MAX} foto; buat album baru."
        )));
    }
    let photo = crate::media::checked(bytes, crate::media::market_photo).await?;
    let base = format!("portal/{}/galeri-{}", v.id, crate::media::random_name());
    let (key, thumb) = (format!("{base}.jpg"), format!("{base}-kecil.jpg"));
    files.put(&key, &photo.display).await.map_err(io)?;
    files.put(&thumb, &photo.thumb).await.map_err(io)?;
    album_photo::ActiveModel {
        village_id: Set(v.id),
        album_id: Set(a.id),
        photo_key: Set(key),
        thumb_key: Set(thumb),
        width: Set(photo.width as i32),
        height: Set(photo.height as i32),
        caption: Set(caption),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit(db, v, by, format!("foto ditambahkan ke album \"{}\"", a.title)).await
}

/// Deletes a photo of the gallery (and its files).
///
/// # Errors
/// `NotFound`; database failures.
pub async fn delete_photo(
    db: &DatabaseConnection,
    files: &Storage,
    v: &village::Model,
    by: &Official,
    id: i64,
) -> AppResult<()> {
    let p = find_in::<album_photo::Entity, _>(db, v.id, id).await?;
    album_photo::Entity::delete_by_id(p.id).exec(db).await?;
    files.remove(&p.photo_key).await;
    files.remove(&p.thumb_key).await;
    audit(db, v, by, "foto galeri dihapus".into()).await
}

/// A photo of the gallery (public), at display size or as its thumbnail.
///
/// # Errors
/// `NotFound`.
pub async fn gallery_file(
    db: &DatabaseConnection,
    files: &Storage,
    v: &village::Model,
    id: i64,
    thumb: bool,
) -> AppResult<Vec<u8>> {
    let p = find_in::<album_photo::Entity, _>(db, v.id, id).await?;
    files.get(if thumb { &p.thumb_key } else { &p.photo_key }).await.map_err(|_| AppError::NotFound)
}

/// The gallery's albums with photos for a village's sitemap: `(path, when made)`.
///
/// # Errors
/// Database failures.
pub async fn sitemap_albums(db: &DatabaseConnection, village_id: i64) -> AppResult<Vec<(String, DateTime<Utc>)>> {
    let with_photos: Vec<i64> = album_photo::Entity::find()
        .select_only()
        .column(album_photo::Column::AlbumId)
        .filter(album_photo::Column::VillageId.eq(village_id))
        .distinct()
        .into_tuple::<i64>()
        .all(db)
        .await?;
    Ok(album::Entity::find()
        .filter(album::Column::VillageId.eq(village_id))
        .filter(album::Column::Id.is_in(with_photos))
        .order_by_asc(album::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (format!("/galeri/{}", a.id), a.created_at))
        .collect())
}
