//! Brute-force defence for sign-ins and for re-entering a password or PIN: attempts are counted
//! per account name (known or not, so a lock reveals nothing), per client address (the real one,
//! `net`), and per known device. Each failure is answered a little later than the one before,
//! and enough of them lock the key for a while.
//!
//! An attempt is counted *before* any password is checked, in one statement (an upsert that
//! returns the new count): forty guesses sent at once get exactly `limit` verifications, the rest
//! are refused without hashing. A success gives its count back (the address of a village office
//! where many sign in is not locked by its own residents) and clears the account.
//!
//! A lock would otherwise be a weapon: anyone could keep a kades out by failing five times every
//! fifteen minutes. A browser where the account signed in before carries a device cookie; its
//! attempts are counted on the device alone, so the owner signs in from their own phone while a
//! stranger's guesses lock only the account for strangers and their own address.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Value};

use crate::access::session::{DEVICE_COOKIE, SECURE_DEVICE_COOKIE};
use crate::db::entities::{known_device, login_failure};
use crate::db::sql;
use crate::error::{AppError, AppResult};

/// Failures of one account (or one device) before it is locked…
pub const ACCOUNT_LIMIT: i32 = 5;
/// …and of one address (a village office shares one address, so it gets more).
pub const ADDRESS_LIMIT: i32 = 20;
pub const LOCK: Duration = Duration::minutes(15);
/// Failures older than this are forgotten.
const WINDOW: Duration = Duration::hours(1);
/// How long a device is remembered after its last sign-in, and how many per account.
pub const DEVICE_DAYS: i64 = 180;
const DEVICES_PER_ACCOUNT: usize = 10;

pub fn account_key(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

pub fn address_key(ip: &str) -> String {
    format!("ip:{ip}")
}

fn device_key(token_id: &str) -> String {
    format!("device:{token_id}")
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

/// One attempt, counted on its keys.
#[derive(Debug, Clone)]
pub struct Attempt {
    keys: Vec<(String, i32)>,
    now: DateTime<Utc>,
    /// The highest count among the keys, this attempt included.
    pub count: i32,
}

/// The keys an attempt is counted on: the account and the address, or — from a browser where
/// this account signed in before — the device alone.
pub fn keys_for(account: &str, ip: Option<&str>, device: Option<&str>) -> Vec<(String, i32)> {
    match device {
        Some(token_id) => vec![(device_key(token_id), ACCOUNT_LIMIT)],
        None => {
            let mut keys = vec![(account.to_string(), ACCOUNT_LIMIT)];
            if let Some(ip) = ip {
                keys.push((address_key(ip), ADDRESS_LIMIT));
            }
            keys
        }
    }
}

/// Counts an attempt on every key before the password is checked.
///
/// # Errors
/// `TooMany` with the lock message when a key is locked or has no attempts left (the attempt
/// is not checked at all); database failures.
pub async fn begin<C: ConnectionTrait>(db: &C, keys: Vec<(String, i32)>, now: DateTime<Utc>) -> AppResult<Attempt> {
    let backend = db.get_database_backend();
    let fresh_after = now - WINDOW;
    let mut count = 0;
    let mut refused: Option<DateTime<Utc>> = None;
    for (key, limit) in &keys {
        // A row older than the window, or whose lock has ended, starts again at 1.
        let row = db
            .query_one_raw(sql(
                backend,
                "INSERT INTO login_failures (\"key\", failures, locked_until, updated_at) VALUES (?, 1, NULL, ?) \
                 ON CONFLICT (\"key\") DO UPDATE SET \
                   failures = CASE WHEN login_failures.updated_at < ? OR login_failures.locked_until <= ? \
                              THEN 1 ELSE login_failures.failures + 1 END, \
                   locked_until = CASE WHEN login_failures.locked_until <= ? THEN NULL \
                              ELSE login_failures.locked_until END, \
                   updated_at = ? \
                 RETURNING failures, locked_until",
                vec![Value::from(key.clone()), now.into(), fresh_after.into(), now.into(), now.into(), now.into()],
            ))
            .await?
            .ok_or(AppError::Internal)?;
        let failures: i32 = row.try_get_by_index(0)?;
        let locked_until: Option<DateTime<Utc>> = row.try_get_by_index(1)?;
        count = count.max(failures);
        match locked_until {
            Some(until) if until > now => refused = Some(refused.map_or(until, |r| r.max(until))),
            // Over the limit but not locked yet: the last allowed attempt is still being checked.
            _ if failures > *limit => refused = Some(refused.unwrap_or(now + LOCK)),
            _ => {}
        }
    }
    if let Some(until) = refused {
        return Err(AppError::TooMany(locked_message(until, now)));
    }
    Ok(Attempt { keys, now, count })
}

impl Attempt {
    /// The check failed: keys that reached their limit are locked. Returns the delay to wait
    /// before answering.
    ///
    /// # Errors
    /// Database failures.
    pub async fn failed<C: ConnectionTrait>(self, db: &C) -> AppResult<std::time::Duration> {
        let backend = db.get_database_backend();
        for (key, limit) in &self.keys {
            db.execute_raw(sql(
                backend,
                "UPDATE login_failures SET locked_until = ? WHERE \"key\" = ? AND failures >= ? \
                 AND (locked_until IS NULL OR locked_until <= ?)",
                vec![(self.now + LOCK).into(), Value::from(key.clone()), (*limit).into(), self.now.into()],
            ))
            .await?;
        }
        Ok(delay_after(self.count))
    }

    /// The check could not be made (the server was busy): the attempt is given back on every
    /// key, so a user who tries again later is not counted twice.
    ///
    /// # Errors
    /// Database failures.
    pub async fn abandoned<C: ConnectionTrait>(self, db: &C) -> AppResult<()> {
        let backend = db.get_database_backend();
        for (key, _) in &self.keys {
            db.execute_raw(sql(
                backend,
                "UPDATE login_failures SET failures = failures - 1 WHERE \"key\" = ? AND failures > 0",
                vec![Value::from(key.clone())],
            ))
            .await?;
        }
        Ok(())
    }

    /// The check succeeded: the account (or device) starts again, the address gets this
    /// attempt back.
    ///
    /// # Errors
    /// Database failures.
    pub async fn succeeded<C: ConnectionTrait>(self, db: &C) -> AppResult<()> {
        let backend = db.get_database_backend();
        for (key, _) in &self.keys {
            if key.starts_with("ip:") {
                db.execute_raw(sql(
                    backend,
                    "UPDATE login_failures SET failures = failures - 1 WHERE \"key\" = ? AND failures > 0",
                    vec![Value::from(key.clone())],
                ))
                .await?;
            } else {
                login_failure::Entity::delete_by_id(key.clone()).exec(db).await?;
            }
        }
        Ok(())
    }
}

/// A signed-in user proving their current PIN or password again (to change it): counted on
/// `key` like a sign-in, answered later after each failure. True when `secret` matches `hash`.
///
/// # Errors
/// [`AppError::TooMany`] while `key` is locked, hashing and database failures.
pub async fn recheck<C: ConnectionTrait>(db: &C, key: String, secret: &str, hash: String) -> AppResult<bool> {
    let attempt = begin(db, vec![(key, ACCOUNT_LIMIT)], Utc::now()).await?;
    let matches = match super::password::verify_once(secret, Some(hash)).await {
        Ok(m) => m,
        Err(e) => {
            attempt.abandoned(db).await?;
            return Err(e);
        }
    };
    if matches {
        attempt.succeeded(db).await?;
    } else {
        let delay = attempt.failed(db).await?;
        tokio::time::sleep(delay).await;
    }
    Ok(matches)
}

/// Forgets the failures of `keys` (an official reset the PIN or password).
///
/// # Errors
/// Database failures.
pub async fn clear<C: ConnectionTrait>(db: &C, keys: &[String]) -> AppResult<()> {
    for key in keys {
        login_failure::Entity::delete_by_id(key.clone()).exec(db).await?;
    }
    Ok(())
}

/// The stored id of a device token if this browser is a known device of `account`.
///
/// # Errors
/// Database failures.
pub async fn known_device<C: ConnectionTrait>(
    db: &C,
    account: &str,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    let Some(token) = token else { return Ok(None) };
    let id = crate::access::session::token_id(token);
    let found = known_device::Entity::find_by_id(id.clone())
        .filter(known_device::Column::Account.eq(account))
        .filter(known_device::Column::LastUsedAt.gt(now - Duration::days(DEVICE_DAYS)))
        .one(db)
        .await?;
    Ok(found.map(|_| id))
}

/// Remembers this browser as a device of `account` after a successful sign-in: the same token
/// again when it was known, else a new one. Returns the token for the cookie. An account keeps
/// its latest devices only.
///
/// # Errors
/// Database failures.
pub async fn remember_device<C: ConnectionTrait>(
    db: &C,
    account: &str,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<String> {
    use sea_orm::{ActiveModelTrait, QueryOrder, Set};
    if let Some(id) = known_device(db, account, token, now).await?
        && let Some(token) = token
    {
        known_device::Entity::update_many()
            .col_expr(known_device::Column::LastUsedAt, sea_orm::sea_query::Expr::value(now))
            .filter(known_device::Column::Id.eq(id))
            .exec(db)
            .await?;
        return Ok(token.to_string());
    }
    let token = crate::access::session::new_token();
    known_device::ActiveModel {
        id: Set(crate::access::session::token_id(&token)),
        account: Set(account.to_string()),
        created_at: Set(now),
        last_used_at: Set(now),
    }
    .insert(db)
    .await?;
    let all = known_device::Entity::find()
        .filter(known_device::Column::Account.eq(account))
        .order_by_desc(known_device::Column::LastUsedAt)
        .all(db)
        .await?;
    let old: Vec<String> = all.into_iter().skip(DEVICES_PER_ACCOUNT).map(|d| d.id).collect();
    if !old.is_empty() {
        known_device::Entity::delete_many().filter(known_device::Column::Id.is_in(old)).exec(db).await?;
    }
    Ok(token)
}

/// Forgets every device of `account` (its password or PIN was reset: whoever knew the old one
/// has no head start).
///
/// # Errors
/// Database failures.
pub async fn forget_devices<C: ConnectionTrait>(db: &C, account: &str) -> AppResult<()> {
    known_device::Entity::delete_many().filter(known_device::Column::Account.eq(account)).exec(db).await?;
    Ok(())
}

/// The `Set-Cookie` value of the device cookie.
pub fn device_cookie(token: &str, https: bool) -> String {
    let (name, secure) = if https { (SECURE_DEVICE_COOKIE, "; Secure") } else { (DEVICE_COOKIE, "") };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", DEVICE_DAYS * 24 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::session::device_from_cookies;

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

    #[test]
    fn a_known_device_is_counted_alone() {
        let keys = keys_for("account:kades", Some("10.0.0.1"), None);
        assert_eq!(keys, [("account:kades".to_string(), 5), ("ip:10.0.0.1".to_string(), 20)]);
        assert_eq!(keys_for("account:kades", Some("10.0.0.1"), Some("ab")), [("device:ab".to_string(), 5)]);
    }

    #[test]
    fn device_cookies_are_read_well_formed_only() {
        let t = "0123456789abcdef0123456789abcdef";
        assert_eq!(device_from_cookies(&format!("x=1; digdaya_perangkat={t}")), Some(t.to_string()));
        assert_eq!(device_from_cookies("digdaya_perangkat=../x"), None);
        assert!(device_cookie(t, true).starts_with("__Host-digdaya_perangkat="));
    }
}
