//! Rate limits that hold across app servers: a counter per client and fixed window in the
//! database (`rate_windows`), bumped with one upsert that returns the new count. A window's row
//! is removed an hour after it ends.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

/// What one request's hit says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Within the limit.
    pub allowed: bool,
    pub limit: u32,
    /// Hits left in this window (0 once over).
    pub remaining: u32,
    /// Seconds until the window ends.
    pub reset_in: i64,
}

/// Counts one hit of `key` (at most 120 characters) in the window of `window` seconds that
/// holds `now`, allowing `limit` hits per window.
///
/// # Errors
/// Database failures.
pub async fn hit(
    db: &DatabaseConnection,
    key: &str,
    limit: u32,
    window: i64,
    now: DateTime<Utc>,
) -> Result<Verdict, DbErr> {
    let window = window.max(1);
    let start = now.timestamp().div_euclid(window) * window;
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(super::sql(
            backend,
            "INSERT INTO rate_windows (\"key\", window_start, hits) VALUES (?, ?, 1) \
             ON CONFLICT (\"key\", window_start) DO UPDATE SET hits = rate_windows.hits + 1 RETURNING hits",
            vec![key.into(), start.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("rate window".into()))?;
    let hits: i32 = row.try_get_by_index(0)?;
    let hits = u32::try_from(hits).unwrap_or(u32::MAX);
    if hits == 1 {
        // The first hit of a window: a good moment to drop windows long over.
        db.execute_raw(super::sql(
            backend,
            "DELETE FROM rate_windows WHERE window_start < ?",
            vec![(start - 3600 - window).into()],
        ))
        .await?;
    }
    Ok(Verdict {
        allowed: hits <= limit,
        limit,
        remaining: limit.saturating_sub(hits),
        reset_in: start + window - now.timestamp(),
    })
}
