//! The one authorisation check. Deny by default: every server function that touches anything
//! not public names the roles it allows and the village it acts in; the village comes from the
//! URL (`slug`) and the host binding, and must be the official's own.

use chrono::Utc;
use leptos::prelude::use_context;
use sea_orm::DatabaseConnection;

use super::model::Role;
use super::session::{self, Client};
use crate::db::entities::{official, village};
use crate::error::{AppError, AppResult};

/// A signed-in official, as the server knows them.
#[derive(Debug, Clone)]
pub struct Official {
    pub id: i64,
    pub village_id: Option<i64>,
    pub name: String,
    pub role: Role,
    pub session_id: String,
}

/// The request's client facts (address, user agent, HTTPS).
pub fn client() -> Client {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Client::default();
    };
    let ip = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    Client {
        ip,
        user_agent: header("user-agent"),
        https: header("x-forwarded-proto").is_some_and(|p| p.eq_ignore_ascii_case("https")),
    }
}

/// The session token of the current request, if it carries one.
pub fn request_token() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let cookies = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    session::token_from_cookies(cookies)
}

/// The official signed in on this request, if any.
///
/// # Errors
/// Database failures.
pub async fn signed_in(db: &DatabaseConnection) -> AppResult<Option<Official>> {
    let Some(token) = request_token() else { return Ok(None) };
    let Some((s, o)) = session::find_official(db, &token, Utc::now()).await? else {
        return Ok(None);
    };
    Ok(to_official(&o, s.id))
}

fn to_official(o: &official::Model, session_id: String) -> Option<Official> {
    Some(Official { id: o.id, village_id: o.village_id, name: o.name.clone(), role: Role::parse(&o.role)?, session_id })
}

/// The decision, apart from the database: who may act in `village` with one of `allowed`.
///
/// # Errors
/// `Unauthenticated` for nobody, `NotFound` for an official of another village (the village's
/// data does not exist for them), `Forbidden` for a role that is not allowed.
pub fn decide(who: Option<&Official>, village_id: i64, allowed: &[Role]) -> AppResult<()> {
    let Some(who) = who else { return Err(AppError::Unauthenticated) };
    match who.village_id {
        Some(own) if own != village_id => Err(AppError::NotFound),
        _ if allowed.contains(&who.role) => Ok(()),
        None => Err(AppError::NotFound),
        Some(_) => Err(AppError::Forbidden),
    }
}

/// The signed-in official, allowed to act in `village` with one of `allowed` roles.
///
/// # Errors
/// As [`decide`], plus database failures.
pub async fn require(db: &DatabaseConnection, village: &village::Model, allowed: &[Role]) -> AppResult<Official> {
    let who = signed_in(db).await?;
    decide(who.as_ref(), village.id, allowed)?;
    who.ok_or(AppError::Unauthenticated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official(village_id: Option<i64>, role: Role) -> Official {
        Official { id: 1, village_id, name: "x".into(), role, session_id: String::new() }
    }

    #[test]
    fn deny_by_default() {
        assert_eq!(decide(None, 1, Role::VILLAGE), Err(AppError::Unauthenticated));
        assert_eq!(decide(Some(&official(Some(1), Role::Operator)), 1, Role::VILLAGE), Ok(()));
        assert_eq!(decide(Some(&official(Some(1), Role::Operator)), 1, &[Role::Kades]), Err(AppError::Forbidden));
        assert_eq!(decide(Some(&official(Some(2), Role::Kades)), 1, Role::VILLAGE), Err(AppError::NotFound));
        assert_eq!(decide(Some(&official(None, Role::Superadmin)), 1, Role::VILLAGE), Err(AppError::NotFound));
        assert_eq!(decide(Some(&official(None, Role::Superadmin)), 1, &[Role::Superadmin]), Ok(()));
    }
}
