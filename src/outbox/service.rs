//! The outbox's keys on the database (server only).
//!
//! An item is applied in one transaction that also holds its key: the slice `begin`s it through
//! its `Delivery` (which [`hold`]s the key in it), makes what the item makes, and `commit`s with
//! the result [`keep`]: what it made and the key's first result are kept together or not at all.
//! A request cut off midway leaves nothing, and the item may simply come again; a second request
//! with the same key, at the same time or weeks later, gets the first result ([`earlier`]).

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TryInsertResult,
};

use super::model::{Kind, Outcome};
use crate::db::entities::outbox_key;
use crate::error::{AppError, AppResult};

/// How long a key and its first result are kept.
pub const KEEP_DAYS: i64 = 30;

/// What earlier requests left under a key.
#[derive(Debug, PartialEq)]
pub enum Earlier {
    /// Nothing: apply the item.
    Nothing,
    /// Applied before: its first result.
    Done(Outcome),
    /// Another user's key: nothing of it is told or done.
    Foreign,
}

/// What earlier requests left under `key` in the village, as `owner` may know it.
///
/// # Errors
/// Database failures.
pub async fn earlier<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    key: &str,
    owner: Option<&str>,
) -> AppResult<Earlier> {
    let Some(found) = outbox_key::Entity::find_by_id((village_id, key.to_string())).one(db).await? else {
        return Ok(Earlier::Nothing);
    };
    if found.owner.as_deref() != owner {
        return Ok(Earlier::Foreign);
    }
    match found.result {
        Some(json) => Ok(Earlier::Done(serde_json::from_str(&json).map_err(|_| AppError::Internal)?)),
        // A claim an earlier version of the server left when it stopped midway.
        None => Ok(Earlier::Nothing),
    }
}

/// Takes `key` inside the item's transaction `txn`: `false` when another request has it (its
/// result is then there for [`earlier`] once its transaction ends).
///
/// # Errors
/// Database failures.
pub async fn hold<C: ConnectionTrait>(
    txn: &C,
    village_id: i64,
    key: &str,
    kind: Kind,
    owner: Option<&str>,
) -> AppResult<bool> {
    let row = outbox_key::ActiveModel {
        village_id: Set(village_id),
        key: Set(key.to_string()),
        kind: Set(kind.as_str().to_string()),
        result: Set(None),
        created_at: Set(Utc::now()),
        owner: Set(owner.map(str::to_string)),
    };
    // Another transaction inserting the same key makes this one wait for its end (PostgreSQL;
    // SQLite has one writer at a time), so a committed result is seen here.
    let inserted = outbox_key::Entity::insert(row)
        .on_conflict_do_nothing_on([outbox_key::Column::VillageId, outbox_key::Column::Key])
        .exec_without_returning(txn)
        .await?;
    if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Ok(true);
    }
    let Some(found) = outbox_key::Entity::find_by_id((village_id, key.to_string())).one(txn).await? else {
        return Ok(false);
    };
    if found.result.is_some() || found.owner.as_deref() != owner {
        return Ok(false);
    }
    // An earlier version's claim without a result: taken over by one transaction only.
    let taken = outbox_key::Entity::update_many()
        .col_expr(outbox_key::Column::CreatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(outbox_key::Column::VillageId.eq(village_id))
        .filter(outbox_key::Column::Key.eq(key))
        .filter(outbox_key::Column::CreatedAt.eq(found.created_at))
        .filter(outbox_key::Column::Result.is_null())
        .exec(txn)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Keeps the first result of a key held in `txn`.
///
/// # Errors
/// Database failures.
pub async fn keep<C: ConnectionTrait>(txn: &C, village_id: i64, key: &str, outcome: &Outcome) -> AppResult<()> {
    let json = serde_json::to_string(outcome).map_err(|_| AppError::Internal)?;
    outbox_key::Entity::update_many()
        .col_expr(outbox_key::Column::Result, sea_orm::sea_query::Expr::value(json))
        .filter(outbox_key::Column::VillageId.eq(village_id))
        .filter(outbox_key::Column::Key.eq(key))
        .exec(txn)
        .await?;
    Ok(())
}

/// Deletes keys older than `KEEP_DAYS`; returns how many.
///
/// # Errors
/// Database failures.
pub async fn forget_old(db: &DatabaseConnection) -> AppResult<u64> {
    let cutoff = Utc::now() - Duration::days(KEEP_DAYS);
    Ok(outbox_key::Entity::delete_many().filter(outbox_key::Column::CreatedAt.lt(cutoff)).exec(db).await?.rows_affected)
}

/// `forget_old` at most once an hour per process (called as items arrive).
pub async fn forget_old_now_and_then(db: &DatabaseConnection) {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = Utc::now().timestamp();
    let last = LAST.load(Ordering::Relaxed);
    if now - last < 3600 || LAST.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
        return;
    }
    if let Err(e) = forget_old(db).await {
        tracing::warn!(error = %e, "outbox: old keys not deleted");
    }
}
