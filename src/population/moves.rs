//! Moves between two villages of the deployment (server only). The village of origin records
//! its resident's move out and sends the record over; the destination's officials decide: they
//! accept it, filling in their own data (family card, RT — the form comes filled with what the
//! origin kept), which makes a new living record of theirs with its move-in event, or refuse it
//! with a reason. The origin never writes the destination's registry, and the destination's
//! old records of the same person (a return, a death recorded there) stay as they are.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use super::model::{Arrival, ArrivalRow, EventInput, ResidentForm, SaveOutcome};
use crate::access::guard::Official;
use crate::audit::{self, Action, Actor};
use crate::db::entities::{resident, resident_move, village};
use crate::error::{AppError, AppResult};
use crate::kit::time::wib;

use crate::kit::resident::MoveStatus;

/// Sends `r` (a resident of `from`, just recorded as moved out) to `to`'s officials.
///
/// # Errors
/// Database failures.
pub async fn send<C: ConnectionTrait>(
    db: &C,
    from: i64,
    r: &resident::Model,
    to: &village::Model,
    date: chrono::NaiveDate,
    e: &EventInput,
    by: &Official,
) -> AppResult<()> {
    let text = |s: &str| Some(super::record::squash(s)).filter(|s| !s.is_empty());
    let data = serde_json::to_string(&super::registry::input_of(r, true)).map_err(|_| AppError::Internal)?;
    resident_move::ActiveModel {
        village_id: Set(to.id),
        from_village_id: Set(from),
        from_resident_id: Set(r.id),
        nik: Set(r.nik.clone()),
        name: Set(r.name.clone()),
        data: Set(data),
        event_date: Set(date),
        document_number: Set(text(&e.document_number)),
        reason: Set(text(&e.reason)),
        status: Set(MoveStatus::Menunggu),
        sent_by_name: Set(by.name.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn village_title<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<String> {
    Ok(village::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|v| crate::village::service::to_info(&v).title())
        .unwrap_or_default())
}

/// The moves waiting for `village_id`'s decision, oldest first.
///
/// # Errors
/// Database failures.
pub async fn waiting(db: &DatabaseConnection, village_id: i64) -> AppResult<Vec<ArrivalRow>> {
    let rows = resident_move::Entity::find()
        .filter(resident_move::Column::VillageId.eq(village_id))
        .filter(resident_move::Column::Status.eq(MoveStatus::Menunggu))
        .order_by_asc(resident_move::Column::Id)
        .all(db)
        .await?;
    // The villages of origin in one query, not one per row.
    let mut from: Vec<i64> = rows.iter().map(|m| m.from_village_id).collect();
    from.sort_unstable();
    from.dedup();
    let titles: std::collections::HashMap<i64, String> = village::Entity::find()
        .filter(village::Column::Id.is_in(from))
        .all(db)
        .await?
        .iter()
        .map(|v| (v.id, crate::village::service::to_info(v).title()))
        .collect();
    Ok(rows
        .into_iter()
        .map(|m| ArrivalRow {
            id: m.id,
            nik_masked: super::registry::masked(&m.nik),
            from: titles.get(&m.from_village_id).cloned().unwrap_or_default(),
            date: m.event_date.format("%d-%m-%Y").to_string(),
            sent: wib(m.created_at),
            name: m.name,
        })
        .collect())
}

async fn find_waiting<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<resident_move::Model> {
    let m = crate::db::owned::find_in::<resident_move::Entity, _>(db, village_id, id).await?;
    if m.status != MoveStatus::Menunggu {
        return Err(AppError::Conflict("Kedatangan ini sudah diputuskan.".into()));
    }
    Ok(m)
}

/// One waiting move, with the record as the village of origin kept it (whole NIKs: the
/// destination's officials fill their own record in from it; the view is audited).
///
/// # Errors
/// `NotFound` for another village's move; `Conflict` once decided; database failures.
pub async fn arrival(db: &DatabaseConnection, village_id: i64, by: &Official, id: i64) -> AppResult<Arrival> {
    let m = find_waiting(db, village_id, id).await?;
    audit::record(
        db,
        audit::Entry {
            village_id: Some(village_id),
            actor: Actor::Official { id: by.id, name: by.name.clone() },
            action: Action::ResidentViewed,
            subject: Some(("resident_move", m.id)),
            detail: Some(format!("Kedatangan {}", m.name)),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    Ok(Arrival {
        id: m.id,
        input: serde_json::from_str(&m.data).unwrap_or_default(),
        from: village_title(db, m.from_village_id).await?,
        date: m.event_date.format("%Y-%m-%d").to_string(),
        document_number: m.document_number.unwrap_or_default(),
        reason: m.reason.unwrap_or_default(),
        sent_by: m.sent_by_name,
    })
}

/// Accepts a waiting move: the official's record (`form`, filled in from [`arrival`]) becomes a
/// living resident of `village_id` with its move-in event, in one transaction with the decision.
///
/// # Errors
/// `NotFound` for another village's move; `Conflict` once decided; database failures. The
/// record's own problems come back as the outcome.
pub async fn accept(
    db: &DatabaseConnection,
    village_id: i64,
    by: &Official,
    id: i64,
    form: &ResidentForm,
    event: &EventInput,
) -> AppResult<SaveOutcome> {
    let txn = db.begin().await?;
    let m = find_waiting(&txn, village_id, id).await?;
    let mut event = event.clone();
    event.kind = "pindah_masuk".into();
    if event.date.trim().is_empty() {
        event.date = m.event_date.format("%Y-%m-%d").to_string();
    }
    if event.place.trim().is_empty() {
        event.place = village_title(&txn, m.from_village_id).await?;
    }
    if event.document_number.trim().is_empty() {
        event.document_number = m.document_number.clone().unwrap_or_default();
    }
    let outcome = super::registry::save_in(
        &txn,
        village_id,
        by,
        None,
        form,
        Some(("pindah_masuk", &event)),
        Some(m.from_village_id),
    )
    .await?;
    let SaveOutcome::Saved(resident_id) = outcome else { return Ok(outcome) };
    let decided = resident_move::Entity::update_many()
        .col_expr(resident_move::Column::Status, sea_orm::sea_query::Expr::value(MoveStatus::Diterima))
        .col_expr(resident_move::Column::DecidedBy, sea_orm::sea_query::Expr::value(by.id))
        .col_expr(resident_move::Column::DecidedByName, sea_orm::sea_query::Expr::value(by.name.clone()))
        .col_expr(resident_move::Column::DecidedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .col_expr(resident_move::Column::ResidentId, sea_orm::sea_query::Expr::value(resident_id))
        .filter(resident_move::Column::Id.eq(m.id))
        .filter(resident_move::Column::Status.eq(MoveStatus::Menunggu))
        .exec(&txn)
        .await?;
    if decided.rows_affected != 1 {
        return Err(AppError::Conflict("Kedatangan ini baru saja diputuskan perangkat lain.".into()));
    }
    txn.commit().await?;
    Ok(SaveOutcome::Saved(resident_id))
}

/// Refuses a waiting move with the reason (the village of origin sees it on the record of the
/// person who left).
///
/// # Errors
/// `Invalid` without a reason; `NotFound` for another village's move; `Conflict` once decided;
/// database failures.
pub async fn refuse(db: &DatabaseConnection, village_id: i64, by: &Official, id: i64, reason: &str) -> AppResult<()> {
    let reason = super::record::squash(reason);
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return Err(AppError::Invalid("Tuliskan alasan penolakan (5–500 huruf).".into()));
    }
    let txn = db.begin().await?;
    let m = find_waiting(&txn, village_id, id).await?;
    resident_move::Entity::update_many()
        .col_expr(resident_move::Column::Status, sea_orm::sea_query::Expr::value(MoveStatus::Ditolak))
        .col_expr(resident_move::Column::DecidedBy, sea_orm::sea_query::Expr::value(by.id))
        .col_expr(resident_move::Column::DecidedByName, sea_orm::sea_query::Expr::value(by.name.clone()))
        .col_expr(resident_move::Column::DecidedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .col_expr(resident_move::Column::Note, sea_orm::sea_query::Expr::value(reason.clone()))
        .filter(resident_move::Column::Id.eq(m.id))
        .filter(resident_move::Column::Status.eq(MoveStatus::Menunggu))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        audit::Entry {
            village_id: Some(village_id),
            actor: Actor::Official { id: by.id, name: by.name.clone() },
            action: Action::EventRecorded,
            subject: Some(("resident_move", m.id)),
            detail: Some(format!("Kedatangan {} ditolak: {reason}", m.name)),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What became of the move of a resident who left `village_id` (for their record there).
///
/// # Errors
/// Database failures.
pub async fn outcome_of(db: &DatabaseConnection, village_id: i64, resident_id: i64) -> AppResult<Option<String>> {
    let Some(m) = resident_move::Entity::find()
        .filter(resident_move::Column::FromVillageId.eq(village_id))
        .filter(resident_move::Column::FromResidentId.eq(resident_id))
        .order_by_desc(resident_move::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let to = village_title(db, m.village_id).await?;
    Ok(Some(match m.status {
        MoveStatus::Diterima => format!("Diterima {to} ({}).", m.decided_at.map(wib).unwrap_or_default()),
        MoveStatus::Ditolak => format!("Ditolak {to}: {}", m.note.unwrap_or_default()),
        MoveStatus::Menunggu => format!("Menunggu diterima {to}."),
    }))
}
