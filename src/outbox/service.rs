//! The outbox's keys on the database (server only).
//!
//! Applying an item: `claim` its key (a row without a result), apply it, then `finish` with the
//! result or `release` the key when nothing was applied (a refusal, a failure). A second request
//! with the same key, at the same time or weeks later, finds the row: the first result, or
//! "busy" while the first is still being applied. A claim left without a result for
//! `ABANDONED_AFTER` (the server stopped midway) may be taken over.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TryInsertResult};

use super::model::{Kind, Outcome};
use crate::db::entities::outbox_key;
use crate::error::{AppError, AppResult};

/// How long a key and its first result are kept.
pub const KEEP_DAYS: i64 = 30;
/// A claim older than this without a result was abandoned.
const ABANDONED_AFTER: Duration = Duration::minutes(10);

/// What the key says about an item.
#[derive(Debug, PartialEq)]
pub enum Claim {
    /// First time: apply it now.
    New,
    /// Applied before: its first result.
    Done(Outcome),
    /// Being applied by another request right now.
    Busy,
    /// Another user's key: nothing of it is told or done.
    Foreign,
}

/// Claims `key` in the village for one application.
///
/// # Errors
/// Database failures.
pub async fn claim(
    db: &DatabaseConnection,
    village_id: i64,
    key: &str,
    kind: Kind,
    owner: Option<&str>,
) -> AppResult<Claim> {
    for _ in 0..2 {
        let row = outbox_key::ActiveModel {
            village_id: Set(village_id),
            key: Set(key.to_string()),
            kind: Set(kind.as_str().to_string()),
            result: Set(None),
            created_at: Set(Utc::now()),
            owner: Set(owner.map(str::to_string)),
        };
        let inserted = outbox_key::Entity::insert(row)
            .on_conflict_do_nothing_on([outbox_key::Column::VillageId, outbox_key::Column::Key])
            .exec_without_returning(db)
            .await?;
        if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            return Ok(Claim::New);
        }
        let Some(found) = outbox_key::Entity::find_by_id((village_id, key.to_string())).one(db).await? else {
            continue; // released meanwhile: try again
        };
        if found.owner.as_deref() != owner {
            return Ok(Claim::Foreign);
        }
        match found.result {
            Some(json) => {
                let first = serde_json::from_str(&json).map_err(|_| AppError::Internal)?;
                return Ok(Claim::Done(first));
            }
            None if Utc::now() - found.created_at > ABANDONED_AFTER => {
                // Take the abandoned claim over only if nobody else did.
                let taken = outbox_key::Entity::update_many()
                    .col_expr(outbox_key::Column::CreatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
                    .filter(outbox_key::Column::VillageId.eq(village_id))
                    .filter(outbox_key::Column::Key.eq(key))
                    .filter(outbox_key::Column::CreatedAt.eq(found.created_at))
                    .filter(outbox_key::Column::Result.is_null())
                    .exec(db)
                    .await?;
                return Ok(if taken.rows_affected == 1 { Claim::New } else { Claim::Busy });
            }
            None => return Ok(Claim::Busy),
        }
    }
    Ok(Claim::Busy)
}

/// Keeps the first result of a claimed key.
///
/// # Errors
/// Database failures.
pub async fn finish(db: &DatabaseConnection, village_id: i64, key: &str, outcome: &Outcome) -> AppResult<()> {
    let json = serde_json::to_string(outcome).map_err(|_| AppError::Internal)?;
    outbox_key::Entity::update_many()
        .col_expr(outbox_key::Column::Result, sea_orm::sea_query::Expr::value(json))
        .filter(outbox_key::Column::VillageId.eq(village_id))
        .filter(outbox_key::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives a claimed key back when nothing was applied: the item may come again (corrected).
///
/// # Errors
/// Database failures.
pub async fn release(db: &DatabaseConnection, village_id: i64, key: &str) -> AppResult<()> {
    outbox_key::Entity::delete_many()
        .filter(outbox_key::Column::VillageId.eq(village_id))
        .filter(outbox_key::Column::Key.eq(key))
        .filter(outbox_key::Column::Result.is_null())
        .exec(db)
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
