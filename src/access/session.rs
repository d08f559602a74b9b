//! Server-side sessions: a random 128-bit token in an `HttpOnly` cookie, its SHA-256 in the
//! database. Sessions survive restarts, can be revoked, and end after an idle time and an
//! absolute lifetime.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::db::entities::{official, resident, resident_pin, session};

/// Officials are signed out after 30 minutes without a request…
pub const OFFICIAL_IDLE: Duration = Duration::minutes(30);
/// …and after 12 hours in any case.
pub const OFFICIAL_LIFETIME: Duration = Duration::hours(12);
/// Residents use their own phones: a week without a request…
pub const RESIDENT_IDLE: Duration = Duration::days(7);
/// …and 30 days in any case.
pub const RESIDENT_LIFETIME: Duration = Duration::days(30);
/// `last_seen_at` is written at most this often, so that reading pages does not write on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// Whose a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Official,
    Resident,
}

impl Kind {
    pub fn idle(self) -> Duration {
        match self {
            Kind::Official => OFFICIAL_IDLE,
            Kind::Resident => RESIDENT_IDLE,
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            Kind::Official => OFFICIAL_LIFETIME,
            Kind::Resident => RESIDENT_LIFETIME,
        }
    }

    fn of(s: &session::Model) -> Kind {
        if s.resident_id.is_some() { Kind::Resident } else { Kind::Official }
    }

    fn column(self) -> session::Column {
        match self {
            Kind::Official => session::Column::OfficialId,
            Kind::Resident => session::Column::ResidentId,
        }
    }
}

/// The account behind a live session.
#[derive(Debug, Clone)]
pub enum Holder {
    Official(official::Model),
    /// A living resident with a PIN; `must_change` while the PIN is the one an official issued.
    Resident {
        resident: resident::Model,
        must_change: bool,
    },
}

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
    /// The client's address (behind a trusted proxy, the one it forwarded for).
    pub ip: Option<String>,
    /// What the throttle counts the address by (an IPv6 client by its /64).
    pub address: Option<String>,
    pub user_agent: Option<String>,
    /// Served over HTTPS (behind a trusted proxy that says so).
    pub https: bool,
    /// The known-device cookie's token, if the browser has one.
    pub device: Option<String>,
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
    start(db, (Kind::Official, official.id), official.village_id, client, now).await
}

/// Starts a session for a resident; returns the token for the cookie.
///
/// # Errors
/// Database failures.
pub async fn start_resident<C: ConnectionTrait>(
    db: &C,
    resident: &resident::Model,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<String, sea_orm::DbErr> {
    start(db, (Kind::Resident, resident.id), Some(resident.village_id), client, now).await
}

async fn start<C: ConnectionTrait>(
    db: &C,
    (kind, id): (Kind, i64),
    village_id: Option<i64>,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<String, sea_orm::DbErr> {
    let token = new_token();
    session::ActiveModel {
        id: Set(token_id(&token)),
        official_id: Set((kind == Kind::Official).then_some(id)),
        resident_id: Set((kind == Kind::Resident).then_some(id)),
        village_id: Set(village_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + kind.lifetime()),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.as_ref().map(|u| u.chars().take(300).collect())),
    }
    .insert(db)
    .await?;
    Ok(token)
}

fn live(s: &session::Model, now: DateTime<Utc>) -> bool {
    now < s.expires_at && now - s.last_seen_at < Kind::of(s).idle()
}

/// The live session of `token` with its account (an active official, or a living resident who
/// has a PIN), touching `last_seen_at`. Expired sessions are deleted on sight.
///
/// # Errors
/// Database failures.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, Holder)>, sea_orm::DbErr> {
    // The session with, for a resident's, the resident and their PIN: one query, as this runs
    // on every signed-in request.
    let Some((found, resident, pin)) = session::Entity::find_by_id(token_id(token))
        .find_also_related(resident::Entity)
        .and_also_related(resident_pin::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if !live(&found, now) {
        session::Entity::delete_by_id(found.id.clone()).exec(db).await?;
        return Ok(None);
    }
    let holder = match (found.official_id, found.resident_id) {
        (Some(id), None) => official::Entity::find_by_id(id)
            .filter(official::Column::Active.eq(true))
            .one(db)
            .await?
            .map(Holder::Official),
        (None, Some(_)) => match (resident, pin) {
            (Some(resident), Some(pin)) if resident.status == crate::kit::resident::Status::Hidup => {
                Some(Holder::Resident { resident, must_change: pin.must_change })
            }
            _ => None,
        },
        _ => None,
    };
    let Some(holder) = holder else { return Ok(None) };
    if now - found.last_seen_at >= TOUCH_EVERY {
        let mut active: session::ActiveModel = found.clone().into();
        active.last_seen_at = Set(now);
        active.update(db).await?;
    }
    Ok(Some((found, holder)))
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

/// The `Set-Cookie` value that stores `token` for a session of `kind`.
pub fn cookie(token: &str, kind: Kind, https: bool) -> String {
    let (name, secure) = if https { (SECURE_COOKIE, "; Secure") } else { (COOKIE, "") };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", kind.lifetime().num_seconds())
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

/// The live sessions of an official or a resident, newest first.
///
/// # Errors
/// Database failures.
pub async fn of_holder<C: ConnectionTrait>(
    db: &C,
    (kind, id): (Kind, i64),
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    let all =
        session::Entity::find().filter(kind.column().eq(id)).order_by_desc(session::Column::LastSeenAt).all(db).await?;
    Ok(all.into_iter().filter(|s| live(s, now)).collect())
}

/// Ends the session `id` if it belongs to the holder; another's session is left alone.
///
/// # Errors
/// Database failures.
pub async fn end_own<C: ConnectionTrait>(
    db: &C,
    (kind, holder): (Kind, i64),
    id: &str,
) -> Result<bool, sea_orm::DbErr> {
    let result = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(kind.column().eq(holder))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Ends every session of the holder except `keep` (after a PIN or password change, a reset, or
/// a deactivation).
///
/// # Errors
/// Database failures.
pub async fn end_all<C: ConnectionTrait>(
    db: &C,
    (kind, holder): (Kind, i64),
    keep: Option<&str>,
) -> Result<u64, sea_orm::DbErr> {
    let mut delete = session::Entity::delete_many().filter(kind.column().eq(holder));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::Id.ne(keep));
    }
    Ok(delete.exec(db).await?.rows_affected)
}

/// Ends the PINs and sessions of residents who are no longer living residents of their
/// village (died, moved, missing): were a record ever alive again, nothing of before works.
///
/// # Errors
/// Database failures.
pub async fn forget_credentials<C: ConnectionTrait>(db: &C, resident_ids: &[i64]) -> Result<(), sea_orm::DbErr> {
    if resident_ids.is_empty() {
        return Ok(());
    }
    crate::db::entities::resident_pin::Entity::delete_many()
        .filter(crate::db::entities::resident_pin::Column::ResidentId.is_in(resident_ids.to_vec()))
        .exec(db)
        .await?;
    crate::db::entities::session::Entity::delete_many()
        .filter(crate::db::entities::session::Column::ResidentId.is_in(resident_ids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

/// The cookie of a known device (`auth::throttle`: a browser that signed in before is not
/// locked out with everybody else), plain and over HTTPS.
pub const DEVICE_COOKIE: &str = "digdaya_perangkat";
pub const SECURE_DEVICE_COOKIE: &str = "__Host-digdaya_perangkat";

/// The device cookie's token in a `Cookie` header, if any (well-formed only).
pub fn device_from_cookies(header: &str) -> Option<String> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        let valid = value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit());
        ((name == DEVICE_COOKIE || name == SECURE_DEVICE_COOKIE) && valid).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_cookies_are_the_ones_https_drops() {
        let ours = [COOKIE, DEVICE_COOKIE];
        assert_eq!(crate::net::HOST_ONLY_COOKIES, ours);
        for (plain, secure) in ours.iter().zip([SECURE_COOKIE, SECURE_DEVICE_COOKIE]) {
            assert_eq!(format!("__Host-{plain}"), secure);
        }
    }

    #[test]
    fn cookies_are_http_only_and_secure_over_https() {
        let c = cookie("ab", Kind::Official, false);
        assert!(c.starts_with("digdaya_session=ab; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!c.contains("Secure"));
        let s = cookie("ab", Kind::Resident, true);
        assert!(s.contains("Max-Age=2592000"));
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
