//! Brute-force defence for sign-ins: failures are counted per account name (known or not, so a
//! lock reveals nothing) and per client address. Each failure is answered a little later than
//! the one before, and enough of them lock the key for a while.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::db::entities::login_failure;
use crate::error::{AppError, AppResult};

/// Failures of one account before it is locked…
pub const ACCOUNT_LIMIT: i32 = 5;
/// …and of one address (a village office shares one address, so it gets more).
pub const ADDRESS_LIMIT: i32 = 20;
pub const LOCK: Duration = Duration::minutes(15);
/// Failures older than this are forgotten.
const WINDOW: Duration = Duration::hours(1);

pub fn account_key(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

pub fn address_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// The wait before answering the n-th failure in a row: 0.2 s, 0.4 s, 0.8 s… at most 2 s.
pub fn delay_after(failures: i32) -> std::time::Duration {
    let exp = u32::try_from(failures.clamp(1, 5) - 1).unwrap_or(0);
    std::time::Duration::from_millis((200u64 << exp).min(2_000))
}

/// The message for a locked key, in plain words.
pub fn locked_message(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (until - now).num_minutes().max(0) + 1;
    format!(
        "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam {minutes} menit \
         atau minta bantuan perangkat desa."
    )
}

/// Refuses when any of `keys` is locked now.
///
/// # Errors
/// `Invalid` with the lock message; database failures.
pub async fn check<C: ConnectionTrait>(db: &C, keys: &[String], now: DateTime<Utc>) -> AppResult<()> {
    for key in keys {
        if let Some(row) = login_failure::Entity::find_by_id(key.clone()).one(db).await?
            && let Some(until) = row.locked_until
            && until > now
        {
            return Err(AppError::Invalid(locked_message(until, now)));
        }
    }
    Ok(())
}

/// Counts a failure for each key; returns the highest count in a row (for the delay).
///
/// # Errors
/// Database failures.
pub async fn record_failure<C: ConnectionTrait>(db: &C, keys: &[(String, i32)], now: DateTime<Utc>) -> AppResult<i32> {
    let mut highest = 0;
    for (key, limit) in keys {
        let existing = login_failure::Entity::find_by_id(key.clone()).one(db).await?;
        let failures = match &existing {
            Some(row) if now - row.updated_at < WINDOW && row.locked_until.is_none_or(|u| u > now) => row.failures + 1,
            _ => 1,
        };
        let locked_until = (failures >= *limit).then(|| now + LOCK);
        let model = login_failure::ActiveModel {
            key: Set(key.clone()),
            failures: Set(failures),
            locked_until: Set(locked_until),
            updated_at: Set(now),
        };
        if existing.is_some() {
            model.update(db).await?;
        } else {
            model.insert(db).await?;
        }
        highest = highest.max(failures);
    }
    Ok(highest)
}

/// Forgets the failures of `keys` after a successful sign-in.
///
/// # Errors
/// Database failures.
pub async fn clear<C: ConnectionTrait>(db: &C, keys: &[String]) -> AppResult<()> {
    for key in keys {
        login_failure::Entity::delete_by_id(key.clone()).exec(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop_growing() {
        assert_eq!(delay_after(1).as_millis(), 200);
        assert_eq!(delay_after(2).as_millis(), 400);
        assert_eq!(delay_after(4).as_millis(), 1_600);
        assert_eq!(delay_after(9).as_millis(), 2_000);
    }

    #[test]
    fn lock_message_says_how_long() {
        let now = Utc::now();
        let text = locked_message(now + Duration::minutes(14) + Duration::seconds(30), now);
        assert!(text.contains("15 menit"), "{text}");
    }
}
