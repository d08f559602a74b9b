//! Residents' sign-in with NIK and PIN, the PIN an official issues, and the PIN the resident
//! then chooses (server only).
//!
//! A guesser must not learn whether a NIK exists: an unknown NIK, a NIK without a PIN and a
//! wrong PIN get the same answer after the same work (one Argon2 verification), and failures
//! are counted and locked per NIK whether it exists or not.

use chrono::{Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait, sea_query::OnConflict,
};

use super::model::{PinCandidate, PinCandidatePage, PinStatus};
use super::service::SignedIn;
use super::{password, pin, throttle};
use crate::access::guard::{Official, Resident};
use crate::access::session::{self, Client, Kind};
use crate::audit;
use crate::db::entities::{resident, resident_pin, village};
use crate::error::{AppError, AppResult};
use crate::kit::resident::Status;
use crate::population::nik::Nik;

/// The one answer to every failed resident sign-in.
pub const WRONG_PIN: &str = "NIK atau PIN salah. Periksa kembali, atau minta PIN baru ke kantor desa.";

/// A PIN slip: what the official prints and hands over. The PIN exists only here.
#[derive(Debug, Clone)]
pub struct Slip {
    pub resident: resident::Model,
    pub pin: String,
}

fn throttle_key(nik: &str) -> String {
    format!("nik:{nik}")
}

/// The NIK as typed, without spaces and dots; `None` when it is not 16 digits.
pub fn normalise_nik(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '-').collect();
    (digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Signs a resident of `village` in; returns the session and device tokens and whether the PIN
/// must be changed first.
///
/// An unknown NIK, a NIK without a PIN and a wrong PIN take the same path: the same queries,
/// exactly one Argon2 verification (`password::verify_once`), the same answer.
///
/// # Errors
/// `Invalid` for a malformed NIK or PIN and [`WRONG_PIN`] for any wrong combination; `TooMany`
/// for a locked NIK (for this browser) or address; `Busy` when too many sign-ins wait; database
/// failures.
pub async fn sign_in(
    db: &DatabaseConnection,
    village: &village::Model,
    nik: &str,
    pin_text: &str,
    client: &Client,
) -> AppResult<(SignedIn, bool)> {
    let Some(nik) = normalise_nik(nik) else {
        return Err(AppError::Invalid("NIK harus 16 angka, seperti yang tertulis di KTP atau KK.".into()));
    };
    if pin_text.len() != 6 || !pin_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::Invalid("PIN harus 6 angka.".into()));
    }
    let now = Utc::now();
    let account = throttle_key(&nik);
    let device = throttle::known_device(db, &account, client.device.as_deref(), now).await?;
    let attempt =
        throttle::begin(db, throttle::keys_for(&account, client.address.as_deref(), device.as_deref()), now).await?;

    // One query whatever the NIK: the PIN of a living resident of this village with this NIK.
    let found = resident_pin::Entity::find()
        .filter(
            resident_pin::Column::ResidentId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(resident::Column::Id)
                    .from(resident::Entity)
                    .and_where(resident::Column::VillageId.eq(village.id))
                    .and_where(resident::Column::Nik.eq(&nik))
                    .and_where(resident::Column::Status.eq(Status::Hidup))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?;
    let matched = match password::verify_once(pin_text, found.as_ref().map(|f| f.pin_hash.clone())).await {
        Ok(m) => m,
        Err(e) => {
            attempt.abandoned(db).await?;
            return Err(e);
        }
    };
    let person = match found.as_ref().filter(|_| matched) {
        Some(pin_row) => resident::Entity::find_by_id(pin_row.resident_id).one(db).await?,
        None => None,
    };
    let (Some(pin_row), Some(person)) = (found.clone().filter(|_| matched), person) else {
        audit::record(
            db,
            audit::Entry {
                village_id: Some(village.id),
                actor: audit::Actor::Anonymous,
                action: audit::Action::SignInFailed,
                subject: found.map(|f| ("resident", f.resident_id)),
                // The NIK typed, masked: enough to see a pattern, not to learn a number.
                detail: Some(format!("NIK {}••••••••{}", &nik[..4], &nik[12..])),
                ip: client.ip.clone(),
            },
        )
        .await?;
        let delay = attempt.failed(db).await?;
        tokio::time::sleep(delay).await;
        return Err(AppError::Invalid(WRONG_PIN.into()));
    };
    attempt.succeeded(db).await?;
    let device = throttle::remember_device(db, &account, client.device.as_deref(), now).await?;
    audit::record(
        db,
        audit::Entry {
            village_id: Some(village.id),
            actor: audit::Actor::Resident { id: person.id, name: person.name.clone() },
            action: audit::Action::SignIn,
            subject: Some(("resident", person.id)),
            detail: None,
            ip: client.ip.clone(),
        },
    )
    .await?;
    let session = session::start_resident(db, &person, client, now).await?;
    Ok((SignedIn { session, device }, pin_row.must_change))
}

/// The throttle's key for re-entering one's current PIN or password in a session: failures
/// there are counted (and locked) apart from sign-ins.
pub fn reentry_key(kind: Kind, id: i64) -> String {
    format!("reentry:{}:{id}", if kind == Kind::Resident { "resident" } else { "official" })
}

/// Issues a new PIN to a living resident of `village` (a first PIN or a reset): the old PIN and
/// every session of the resident end, and the resident must change the new one at sign-in.
///
/// # Errors
/// `NotFound` for a resident of another village (or not living); database failures.
pub async fn issue_pin(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &Official,
    resident_id: i64,
    client: &Client,
) -> AppResult<Slip> {
    let person = resident::Entity::find_by_id(resident_id)
        .filter(resident::Column::VillageId.eq(village.id))
        .filter(resident::Column::Status.eq(Status::Hidup))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let pin_text = pin::generate();
    let hash = password::hash_blocking(&pin_text).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let existed = resident_pin::Entity::find_by_id(person.id).one(&txn).await?.is_some();
    let row = resident_pin::ActiveModel {
        resident_id: Set(person.id),
        village_id: Set(village.id),
        pin_hash: Set(hash),
        must_change: Set(true),
        issued_by: Set(Some(by.id)),
        issued_at: Set(now),
        changed_at: Set(None),
    };
    // An upsert: two officials issuing at the same moment leave one PIN, not an error. On the
    // primary key: (village_id, resident_id) on PostgreSQL, resident_id (the row id, which
    // SQLite's upsert cannot name inside a composite index) on SQLite.
    let key = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => vec![resident_pin::Column::VillageId, resident_pin::Column::ResidentId],
        _ => vec![resident_pin::Column::ResidentId],
    };
    resident_pin::Entity::insert(row)
        .on_conflict(
            OnConflict::columns(key)
                .update_columns([
                    resident_pin::Column::PinHash,
                    resident_pin::Column::MustChange,
                    resident_pin::Column::IssuedBy,
                    resident_pin::Column::IssuedAt,
                    resident_pin::Column::ChangedAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
    session::end_all(&txn, (Kind::Resident, person.id), None).await?;
    let account = throttle_key(&person.nik);
    throttle::forget_devices(&txn, &account).await?;
    throttle::clear(&txn, &[account]).await?;
    audit::record(
        &txn,
        audit::Entry {
            village_id: Some(village.id),
            actor: audit::Actor::Official { id: by.id, name: by.name.clone() },
            action: audit::Action::PinIssued,
            subject: Some(("resident", person.id)),
            detail: Some(if existed { "PIN diatur ulang" } else { "PIN pertama" }.into()),
            ip: client.ip.clone(),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Slip { resident: person, pin: pin_text })
}

/// The resident replaces their PIN (the issued one, or their own): the current PIN must be
/// right, the new one acceptable and typed twice alike. Their other sessions end.
///
/// # Errors
/// `Invalid` with the reason; database failures.
pub async fn change_pin(
    db: &DatabaseConnection,
    me: &Resident,
    current: &str,
    new: &str,
    repeat: &str,
    client: &Client,
) -> AppResult<()> {
    let row = resident_pin::Entity::find_by_id(me.id).one(db).await?.ok_or(AppError::Unauthenticated)?;
    let person = resident::Entity::find_by_id(me.id).one(db).await?.ok_or(AppError::Unauthenticated)?;
    let birth = person.birth_date;
    let birth = (birth.day(), birth.month(), u32::try_from(birth.year().rem_euclid(100)).unwrap_or(0));
    if let Some(reason) = pin::weakness(new, Some(birth)) {
        return Err(AppError::Invalid(reason.into()));
    }
    if new != repeat {
        return Err(AppError::Invalid("PIN baru dan ulangannya tidak sama.".into()));
    }
    if !throttle::recheck(db, reentry_key(Kind::Resident, me.id), current, row.pin_hash.clone()).await? {
        return Err(AppError::Invalid("PIN saat ini salah.".into()));
    }
    if new == current {
        return Err(AppError::Invalid("PIN baru harus berbeda dari PIN yang diberikan/sebelumnya.".into()));
    }
    let hash = password::hash_blocking(new).await?;
    let txn = db.begin().await?;
    let mut active: resident_pin::ActiveModel = row.into();
    active.pin_hash = Set(hash);
    active.must_change = Set(false);
    active.changed_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    session::end_all(&txn, (Kind::Resident, me.id), Some(&me.session_id)).await?;
    audit::record(
        &txn,
        audit::Entry {
            village_id: Some(me.village_id),
            actor: audit::Actor::Resident { id: me.id, name: me.name.clone() },
            action: audit::Action::PinChanged,
            subject: Some(("resident", me.id)),
            detail: None,
            ip: client.ip.clone(),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The PIN states of `ids` (residents of one village).
///
/// # Errors
/// Database failures.
pub async fn pin_states<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, PinStatus>, sea_orm::DbErr> {
    let rows =
        resident_pin::Entity::find().filter(resident_pin::Column::ResidentId.is_in(ids.to_vec())).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.resident_id, if r.must_change { PinStatus::Issued } else { PinStatus::Own }))
        .collect())
}

/// The PIN of the demo village's demo resident (printed by `make run`; demo data only). It
/// must be changed at the first sign-in, like every issued PIN.
pub const DEMO_PIN: &str = "246810";

/// Gives the first head of a family of `village` the demo PIN; returns that resident.
///
/// # Errors
/// Database failures; `NotFound` for a village without residents.
pub async fn create_demo_pin<C: ConnectionTrait>(db: &C, village: &village::Model) -> AppResult<resident::Model> {
    use sea_orm::QueryOrder;
    let head = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(village.id))
        .filter(resident::Column::Relationship.eq("KEPALA KELUARGA"))
        .filter(resident::Column::Status.eq(Status::Hidup))
        .order_by_asc(resident::Column::Id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let hash = password::hash_blocking(DEMO_PIN).await?;
    resident_pin::ActiveModel {
        resident_id: Set(head.id),
        village_id: Set(village.id),
        pin_hash: Set(hash),
        must_change: Set(true),
        issued_by: Set(None),
        issued_at: Set(Utc::now()),
        changed_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(head)
}

/// Residents shown per page on the PIN page.
pub const PER_PAGE: u64 = 20;

/// Living residents of `village` whose name contains `query` or whose NIK starts with it, by
/// name, with their PIN status. NIKs leave masked.
///
/// # Errors
/// Database failures.
pub async fn search(
    db: &DatabaseConnection,
    village: &village::Model,
    query: &str,
    at: &crate::ui::PageAt,
) -> AppResult<PinCandidatePage> {
    use sea_orm::{Order, PaginatorTrait};
    let query = query.trim();
    let mut find = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(village.id))
        .filter(resident::Column::Status.eq(Status::Hidup));
    let digits: String = query.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        find = find.filter(resident::Column::Nik.starts_with(digits.as_str()));
    } else if !query.is_empty() {
        find = find.filter(crate::db::contains_lower(resident::Column::Name, query));
    }
    let total = find.clone().count(db).await?;
    let order = [(resident::Column::Name, Order::Asc), (resident::Column::Id, Order::Asc)];
    let (rows, links) = crate::db::keyset::page(db, find, &order, at, PER_PAGE, total).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let states = pin_states(db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| PinCandidate {
            pin: states.get(&r.id).copied().unwrap_or(PinStatus::None),
            nik_masked: Nik::parse(&r.nik).map(|n| n.masked()).unwrap_or_else(|_| "••••••••••••••••".into()),
            birth: format!("{}, {}", r.birth_place, r.birth_date.format("%d-%m-%Y")),
            id: r.id,
            name: r.name,
        })
        .collect();
    Ok(PinCandidatePage { items, total, links })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_is_read_as_typed() {
        assert_eq!(normalise_nik(" 3604 0512 0885 0001 "), Some("3604051208850001".into()));
        assert_eq!(normalise_nik("36.04.05.120885.0001"), Some("3604051208850001".into()));
        assert_eq!(normalise_nik("360405120885000"), None);
        assert_eq!(normalise_nik("360405120885000x"), None);
    }
}
