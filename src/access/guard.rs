//! The one authorisation check. Deny by default: every server function that touches anything
//! not public names who may call it and the village it acts in; the village comes from the URL
//! (`slug`) and the host binding, and must be the caller's own.

use axum::extract::FromRequestParts;
use chrono::Utc;
use leptos::prelude::use_context;
use sea_orm::DatabaseConnection;

use super::session::{self, Client, Holder, Kind};
use crate::db::entities::village;
use crate::error::{AppError, AppResult};
use crate::kit::caller::Role;
use crate::state::AppState;

pub use crate::kit::caller::{Official, Resident, User};

impl User {
    /// The session's holder, for the session list and revocation.
    pub fn holder(&self) -> (Kind, i64) {
        match self {
            User::Official(o) => (Kind::Official, o.id),
            User::Resident(r) => (Kind::Resident, r.id),
        }
    }
}

/// The request's client facts (address, user agent, HTTPS).
pub fn client() -> Client {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Client::default();
    };
    client_of(&parts)
}

/// The client facts of a request's parts (for plain HTTP handlers too): the real address and
/// scheme (`net`), the user agent, the known-device cookie.
pub fn client_of(parts: &http::request::Parts) -> Client {
    let peer = crate::net::of(parts);
    let header = |name: http::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    Client {
        ip: peer.ip.map(|ip| ip.to_canonical().to_string()),
        address: peer.address_key(),
        user_agent: header(http::header::USER_AGENT),
        https: peer.https,
        device: header(http::header::COOKIE).and_then(|c| session::device_from_cookies(&c)),
    }
}

/// The session token of the current request, if it carries one.
pub fn request_token() -> Option<String> {
    token_in(&use_context::<http::request::Parts>()?.headers)
}

/// The session token in a request's `headers` (for plain HTTP handlers), if any.
pub fn token_in(headers: &http::HeaderMap) -> Option<String> {
    session::token_from_cookies(headers.get(http::header::COOKIE)?.to_str().ok()?)
}

/// Whoever is signed in on this request, if anybody (looked up once per page render:
/// `state::RequestScope`).
///
/// # Errors
/// Database failures.
pub async fn signed_in(db: &DatabaseConnection) -> AppResult<Option<User>> {
    match crate::state::RequestScope::current() {
        Some(request) => request.user(|| signed_in_with(db, request_token())).await,
        None => signed_in_with(db, request_token()).await,
    }
}

/// Whoever holds the session `token` (for plain HTTP handlers, which read the cookie themselves).
///
/// # Errors
/// Database failures.
pub async fn signed_in_with(db: &DatabaseConnection, token: Option<String>) -> AppResult<Option<User>> {
    let Some(token) = token else { return Ok(None) };
    let Some((s, holder)) = session::find(db, &token, Utc::now()).await? else {
        return Ok(None);
    };
    Ok(match holder {
        Holder::Official(o) => Some(User::Official(Official {
            id: o.id,
            village_id: o.village_id,
            name: o.name,
            role: o.role,
            session_id: s.id,
        })),
        Holder::Resident { resident, must_change } => Some(User::Resident(Resident {
            id: resident.id,
            village_id: resident.village_id,
            name: resident.name,
            must_change_pin: must_change,
            session_id: s.id,
        })),
    })
}

/// Who may call a server function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow<'a> {
    /// Officials of the village with one of these roles (`Superadmin` in the list: the
    /// deployment's superadmin too, in any village).
    Officials(&'a [Role]),
    /// Residents of the village who have chosen their own PIN.
    Residents,
    /// Residents of the village, also while they must still change the PIN they were issued.
    ResidentsChangingPin,
    /// Anybody signed in to this village (their own sessions, signing out).
    AnySignedIn,
}

/// The decision, apart from the database: may `who` act in `village_id` as `allow` says?
///
/// # Errors
/// `Unauthenticated` for nobody, `NotFound` for a user of another village (the village's
/// data does not exist for them), `PinChangeRequired` for a resident who must first change the
/// issued PIN, `Forbidden` for a user of the village who is not allowed.
pub fn decide(who: Option<&User>, village_id: i64, allow: Allow) -> AppResult<()> {
    let Some(who) = who else { return Err(AppError::Unauthenticated) };
    let superadmin = matches!(who, User::Official(o) if o.role == Role::Superadmin);
    let superadmin_allowed = matches!(allow, Allow::Officials(roles) if roles.contains(&Role::Superadmin));
    if superadmin {
        return if superadmin_allowed { Ok(()) } else { Err(AppError::NotFound) };
    }
    if who.village_id() != Some(village_id) {
        return Err(AppError::NotFound);
    }
    match (allow, who) {
        (Allow::AnySignedIn, _) => Ok(()),
        (Allow::Officials(roles), User::Official(o)) if roles.contains(&o.role) => Ok(()),
        (Allow::Residents, User::Resident(r)) if r.must_change_pin => Err(AppError::PinChangeRequired),
        (Allow::Residents | Allow::ResidentsChangingPin, User::Resident(_)) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// `user`, when they are an official (any village role) of `village_id`.
///
/// # Errors
/// The refusal [`decide`] gives anybody else.
pub fn official_in(user: Option<User>, village_id: i64) -> AppResult<Official> {
    decide(user.as_ref(), village_id, Allow::Officials(Role::VILLAGE))?;
    match user {
        Some(User::Official(o)) => Ok(o),
        _ => Err(AppError::Forbidden),
    }
}

/// `user`, when they are a resident of `village_id` who may act there (who has chosen their own
/// PIN, unless `changing_pin`).
///
/// # Errors
/// The refusal [`decide`] gives anybody else.
pub fn resident_in(user: Option<User>, village_id: i64, changing_pin: bool) -> AppResult<Resident> {
    let allow = if changing_pin { Allow::ResidentsChangingPin } else { Allow::Residents };
    decide(user.as_ref(), village_id, allow)?;
    match user {
        Some(User::Resident(r)) => Ok(r),
        _ => Err(AppError::Forbidden),
    }
}

/// The signed-in user, allowed to act in `village` as `allow` says.
///
/// # Errors
/// As [`decide`], plus database failures.
pub async fn require_user(db: &DatabaseConnection, village: &village::Model, allow: Allow<'_>) -> AppResult<User> {
    let who = signed_in(db).await?;
    decide(who.as_ref(), village.id, allow)?;
    who.ok_or(AppError::Unauthenticated)
}

/// The signed-in official, allowed to act in `village` with one of `allowed` roles.
///
/// # Errors
/// As [`decide`], plus database failures.
pub async fn require(db: &DatabaseConnection, village: &village::Model, allowed: &[Role]) -> AppResult<Official> {
    match require_user(db, village, Allow::Officials(allowed)).await? {
        User::Official(o) => Ok(o),
        User::Resident(_) => Err(AppError::Forbidden),
    }
}

/// For a server function of the village's officials (any role): the app state, the village of
/// `slug`, and the signed-in official of it.
///
/// # Errors
/// As [`require`], plus a missing app state.
pub async fn village_official(slug: &str) -> AppResult<(AppState, village::Model, Official)> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, slug).await?;
    let official = require(&state.db, &village, Role::VILLAGE).await?;
    Ok((state, village, official))
}

/// The signed-in resident of `village` (who has chosen their own PIN, unless `changing_pin`).
///
/// # Errors
/// As [`decide`], plus database failures.
pub async fn require_resident(
    db: &DatabaseConnection,
    village: &village::Model,
    changing_pin: bool,
) -> AppResult<Resident> {
    resident_in(signed_in(db).await?, village.id, changing_pin)
}

/// The deployment's signed-in superadmin (villages and their first accounts).
///
/// # Errors
/// `Unauthenticated` for nobody, `Forbidden` for anybody else; database failures.
pub async fn require_superadmin(db: &DatabaseConnection) -> AppResult<Official> {
    match signed_in(db).await? {
        Some(User::Official(o)) if o.role == Role::Superadmin => Ok(o),
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthenticated),
    }
}

/// The village of a plain HTTP route's `{slug}` (the host binding included, as
/// `village::service::scope` finds it).
async fn route_village(parts: &mut http::request::Parts, state: &AppState) -> AppResult<village::Model> {
    use axum::extract::RawPathParams;
    let params = RawPathParams::from_request_parts(parts, state).await.map_err(|_| AppError::NotFound)?;
    let Some((_, slug)) = params.iter().find(|(name, _)| *name == "slug") else {
        tracing::error!(path = %parts.uri.path(), "a village route without {{slug}}");
        return Err(AppError::Internal);
    };
    crate::village::service::scope(&state.db, slug).await
}

/// A plain HTTP handler's village (the route's `{slug}`) and whoever is signed in, if anybody:
/// what the handler may do is its slice's to decide (through [`decide`]).
pub struct InVillage {
    pub village: village::Model,
    pub user: Option<User>,
}

impl axum::extract::FromRequestParts<AppState> for InVillage {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut http::request::Parts, state: &AppState) -> AppResult<Self> {
        let village = route_village(parts, state).await?;
        let user = signed_in_with(&state.db, token_in(&parts.headers)).await?;
        Ok(InVillage { village, user })
    }
}

/// A plain HTTP handler's village (the route's `{slug}`) and its signed-in official (any
/// village role), or the refusal [`decide`] gives anybody else.
pub struct OfficialOf {
    pub village: village::Model,
    pub official: Official,
}

impl axum::extract::FromRequestParts<AppState> for OfficialOf {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut http::request::Parts, state: &AppState) -> AppResult<Self> {
        let InVillage { village, user } = InVillage::from_request_parts(parts, state).await?;
        let official = official_in(user, village.id)?;
        Ok(OfficialOf { village, official })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official(village_id: Option<i64>, role: Role) -> User {
        User::Official(Official { id: 1, village_id, name: "x".into(), role, session_id: String::new() })
    }

    fn resident(village_id: i64, must_change_pin: bool) -> User {
        User::Resident(Resident { id: 1, village_id, name: "x".into(), must_change_pin, session_id: String::new() })
    }

    #[test]
    fn deny_by_default() {
        let village = Allow::Officials(Role::VILLAGE);
        assert_eq!(decide(None, 1, village), Err(AppError::Unauthenticated));
        assert_eq!(decide(Some(&official(Some(1), Role::Operator)), 1, village), Ok(()));
        assert_eq!(
            decide(Some(&official(Some(1), Role::Operator)), 1, Allow::Officials(&[Role::Kades])),
            Err(AppError::Forbidden)
        );
        assert_eq!(decide(Some(&official(Some(2), Role::Kades)), 1, village), Err(AppError::NotFound));
        assert_eq!(decide(Some(&official(None, Role::Superadmin)), 1, village), Err(AppError::NotFound));
        assert_eq!(decide(Some(&official(None, Role::Superadmin)), 1, Allow::Officials(&[Role::Superadmin])), Ok(()));
        assert_eq!(decide(Some(&official(None, Role::Superadmin)), 1, Allow::Residents), Err(AppError::NotFound));
    }

    #[test]
    fn residents_are_strangers_to_the_admin_and_to_other_villages() {
        assert_eq!(decide(Some(&resident(1, false)), 1, Allow::Officials(Role::VILLAGE)), Err(AppError::Forbidden));
        assert_eq!(decide(Some(&resident(2, false)), 1, Allow::Residents), Err(AppError::NotFound));
        assert_eq!(decide(Some(&resident(1, false)), 1, Allow::Residents), Ok(()));
        assert_eq!(decide(Some(&official(Some(1), Role::Kades)), 1, Allow::Residents), Err(AppError::Forbidden));
        assert_eq!(decide(Some(&resident(1, true)), 1, Allow::Residents), Err(AppError::PinChangeRequired));
        assert_eq!(decide(Some(&resident(1, true)), 1, Allow::ResidentsChangingPin), Ok(()));
        assert_eq!(decide(Some(&resident(1, true)), 1, Allow::AnySignedIn), Ok(()));
        assert_eq!(decide(Some(&resident(2, true)), 1, Allow::AnySignedIn), Err(AppError::NotFound));
    }
}
