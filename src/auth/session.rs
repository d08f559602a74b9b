//! Server-side sessions: a random 128-bit token in an `HttpOnly` cookie, its SHA-256 in the
//! database. Sessions survive restarts, can be revoked, and end after an idle time and an
//! absolute lifetime.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::db::entities::{official, session};

/// Officials are signed out after 30 minutes without a request…
pub const OFFICIAL_IDLE: Duration = Duration::minutes(30);
/// …and after 12 hours in any case.
pub const OFFICIAL_LIFETIME: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, so that reading pages does not write on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

pub const COOKIE: &str = "digdaya_session";
/// Over HTTPS the cookie takes the `__Host-` prefix: Secure, Path=/, and no Domain, enforced by the browser.
pub const SECURE_COOKIE: &str = "__Host-digdaya_session";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random token (32 hex characters, 128 bits from the OS).
pub fn new_token() -> String {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What the database stores for a token.
pub fn token_id(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Where the request came from, for the session list and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Served over HTTPS (directly or behind a proxy that says so).
    pub https: bool,
}

/// Starts a session for an official; returns the token for the cookie.
///
/// # Errors
/// Database failures.
pub async fn start_official<C: ConnectionTrait>(
    db: &C,
    official: &official::Model,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<String, sea_orm::DbErr> {
    let token = new_token();
    session::ActiveModel {
        id: Set(token_id(&token)),
        official_id: Set(Some(official.id)),
        village_id: Set(official.village_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + OFFICIAL_LIFETIME),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.as_ref().map(|u| u.chars().take(300).collect())),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The live session of `token` with its (active) official, touching `last_seen_at`.
/// Expired sessions are deleted on sight.
///
/// # Errors
/// Database failures.
pub async fn find_official<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, official::Model)>, sea_orm::DbErr> {
    let Some(found) = session::Entity::find_by_id(token_id(token)).one(db).await? else {
        return Ok(None);
    };
    if now >= found.expires_at || now - found.last_seen_at >= OFFICIAL_IDLE {
        session::Entity::delete_by_id(found.id.clone()).exec(db).await?;
        return Ok(None);
    }
    let Some(official_id) = found.official_id else { return Ok(None) };
    let Some(official) =
        official::Entity::find_by_id(official_id).filter(official::Column::Active.eq(true)).one(db).await?
    else {
        return Ok(None);
    };
    if now - found.last_seen_at >= TOUCH_EVERY {
        let mut active: session::ActiveModel = found.clone().into();
        active.last_seen_at = Set(now);
        active.update(db).await?;
    }
    Ok(Some((found, official)))
}

/// Ends the session of `token`, if any; returns what it was.
///
/// # Errors
/// Database failures.
pub async fn end<C: ConnectionTrait>(db: &C, token: &str) -> Result<Option<session::Model>, sea_orm::DbErr> {
    let found = session::Entity::find_by_id(token_id(token)).one(db).await?;
    if let Some(s) = &found {
        session::Entity::delete_by_id(s.id.clone()).exec(db).await?;
    }
    Ok(found)
}

/// The `Set-Cookie` value that stores `token`.
pub fn cookie(token: &str, https: bool) -> String {
    let (name, secure) = if https { (SECURE_COOKIE, "; Secure") } else { (COOKIE, "") };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", OFFICIAL_LIFETIME.num_seconds())
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear_cookie(https: bool) -> String {
    let (name, secure) = if https { (SECURE_COOKIE, "; Secure") } else { (COOKIE, "") };
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The session token in a `Cookie` header, if any.
pub fn token_from_cookies(header: &str) -> Option<String> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        let valid = value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit());
        ((name == COOKIE || name == SECURE_COOKIE) && valid).then(|| value.to_string())
    })
}

/// The live sessions of an official, newest first.
///
/// # Errors
/// Database failures.
pub async fn of_official<C: ConnectionTrait>(
    db: &C,
    official_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    let all = session::Entity::find()
        .filter(session::Column::OfficialId.eq(official_id))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?;
    Ok(all.into_iter().filter(|s| now < s.expires_at && now - s.last_seen_at < OFFICIAL_IDLE).collect())
}

/// Ends the session `id` if it belongs to `official_id`; another's session is left alone.
///
/// # Errors
/// Database failures.
pub async fn end_own<C: ConnectionTrait>(db: &C, official_id: i64, id: &str) -> Result<bool, sea_orm::DbErr> {
    let result = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::OfficialId.eq(official_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert_eq!(token_id(&a).len(), 64);
        assert_ne!(token_id(&a), a);
    }

    #[test]
    fn cookies_are_http_only_and_secure_over_https() {
        let c = cookie("ab", false);
        assert!(c.starts_with("digdaya_session=ab; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!c.contains("Secure"));
        let s = cookie("ab", true);
        assert!(s.starts_with("__Host-digdaya_session=ab;") && s.ends_with("; Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn reads_only_well_formed_tokens() {
        let t = "0123456789abcdef0123456789abcdef";
        assert_eq!(token_from_cookies(&format!("a=b; digdaya_session={t}")), Some(t.to_string()));
        assert_eq!(token_from_cookies(&format!("__Host-digdaya_session={t}")), Some(t.to_string()));
        assert_eq!(token_from_cookies("digdaya_session=../../etc"), None);
        assert_eq!(token_from_cookies("other=x"), None);
    }
}
