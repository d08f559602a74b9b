//! The versioned REST API for other systems (server only): `/api/v1/`.
//!
//! Public data — villages, their areas, public statistics, articles, the market catalogue and
//! the map's layers as GeoJSON — needs no key. A village's residents and letter requests need
//! either a signed-in official of that village (the session cookie) or a partner token
//! (`Authorization: Bearer dgd_…`, see `tokens`) made for that village. Every answer is JSON
//! (GeoJSON for layers); a refusal is `{"error": code, "message": …}` with its status. Every
//! request counts against a rate limit kept in the database (`db::rate`), per token or per
//! address. The OpenAPI 3.1 document at `/api/v1/openapi.json` is generated from this code
//! (`doc`), so it cannot drift from it.

pub mod doc;
pub mod handlers;
pub mod model;
pub mod tokens;

use axum::{
    Router,
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::Utc;
use serde::de::DeserializeOwned;

use crate::access::guard::{self, Official, User};
use crate::error::AppError;
use crate::state::AppState;
use model::ApiError;
use tokens::Partner;

/// A refusal as the API answers it.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Failure {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid", message)
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        let code = match &e {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden | AppError::PinChangeRequired => "forbidden",
            AppError::Invalid(_) | AppError::Refused(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge(_) => "too_large",
            AppError::TooMany(_) => "rate_limited",
            AppError::Busy => "busy",
            AppError::Internal | AppError::Transport(_) => "internal",
        };
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::new(status, code, e.to_string())
    }
}

impl From<sea_orm::DbErr> for Failure {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = ApiError { error: self.code.to_string(), message: self.message };
        let mut res = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, Failure>;

/// Query parameters, refused as an API refusal (JSON) when they cannot be read.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Failure> {
        axum::extract::Query::try_from_uri(&parts.uri)
            .map(|q| ApiQuery(q.0))
            .map_err(|e| Failure::invalid(format!("Parameter tidak sah: {}", e.body_text())))
    }
}

/// Path parameters, refused as an API refusal (JSON) when they cannot be read.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| Failure::invalid(format!("Alamat tidak sah: {}", e.body_text())))
    }
}

/// Who is asking: nobody in particular, a partner system by its token, or a signed-in official.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    Partner(Partner),
    Official(Official),
}

/// The bearer token of a request, if it has one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        // The rate limit looked the token up already (and refused an unknown one).
        if let Some(p) = parts.extensions.get::<Partner>() {
            return Ok(Caller::Partner(p.clone()));
        }
        if let Some(token) = bearer(&parts.headers) {
            // A token that is wrong is refused, even where none is needed: the caller meant
            // to be someone.
            return match tokens::authenticate(&state.db, token, Utc::now()).await? {
                Some(p) => Ok(Caller::Partner(p)),
                None => Err(Failure::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "Token API tidak dikenal atau sudah dicabut.",
                )),
            };
        }
        match guard::signed_in_with(&state.db, guard::token_in(&parts.headers)).await? {
            Some(User::Official(o)) => Ok(Caller::Official(o)),
            _ => Ok(Caller::Anonymous),
        }
    }
}

/// What a caller wants to do with a village's personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
}

impl Caller {
    /// May this caller reach the personal data of `village_id` for `scope`? Officials of the
    /// village (operator, sekdes, kades) may, as `access::guard::decide` says for every server
    /// function; a partner token may when it was made for the village, and for writing only
    /// when it was made to write.
    ///
    /// # Errors
    /// `Unauthenticated` for nobody; `Forbidden` otherwise.
    pub fn may(&self, village_id: i64, scope: Scope) -> Result<(), Failure> {
        match self {
            Caller::Anonymous => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Data ini memerlukan token API mitra atau sesi perangkat desa.",
            )),
            Caller::Official(o) => {
                use crate::access::guard::{Allow, decide};
                let who = User::Official(o.clone());
                decide(Some(&who), village_id, Allow::Officials(crate::kit::caller::Role::VILLAGE))
                    .map_err(|_| Failure::new(StatusCode::FORBIDDEN, "forbidden", "Anda bukan perangkat desa ini."))
            }
            Caller::Partner(p) if !p.reaches(village_id) => {
                Err(Failure::new(StatusCode::FORBIDDEN, "forbidden", "Token ini tidak berlaku untuk desa ini."))
            }
            Caller::Partner(p) if scope == Scope::Write && !p.can_write => Err(Failure::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Token ini hanya untuk membaca; minta token dengan izin menulis.",
            )),
            Caller::Partner(_) => Ok(()),
        }
    }

    /// Who to write in the audit log.
    pub fn actor(&self) -> crate::audit::Actor {
        match self {
            Caller::Anonymous => crate::audit::Actor::Anonymous,
            Caller::Partner(p) => crate::audit::Actor::Partner { id: p.id, name: p.name.clone() },
            Caller::Official(o) => crate::audit::Actor::Official { id: o.id, name: o.name.clone() },
        }
    }
}

/// Requests per minute: `DIGDAYA_API_RATE_LIMIT` for each address without a token (default
/// 300), ten times that for each partner token.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_address: u32,
    pub per_token: u32,
}

impl Limits {
    pub fn of(config: &crate::config::Config) -> Self {
        let per_address = config.api_rate_limit;
        Self { per_address, per_token: per_address.saturating_mul(10) }
    }
}

/// Counts the request against its client's limit; over it, 429 with `Retry-After`. Every answer
/// carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.
async fn limit(State((state, limits)): State<(AppState, Limits)>, mut req: Request, next: Next) -> Response {
    let address = req.extensions().get::<crate::net::Peer>().and_then(crate::net::Peer::address_key);
    let by_address = (format!("api:ip:{}", address.unwrap_or_default()), limits.per_address);
    // A token is looked up before anything else: a known one has its own (larger) budget, an
    // unknown one counts against its address and is refused, so made-up tokens neither escape
    // the limit nor reach any handler.
    let mut unknown_token = false;
    let (key, allowed) = match bearer(req.headers()).map(str::to_string) {
        Some(token) => match tokens::authenticate(&state.db, &token, Utc::now()).await {
            Ok(Some(p)) => {
                req.extensions_mut().insert(p);
                (tokens::limit_key(&token), limits.per_token)
            }
            Ok(None) => {
                unknown_token = true;
                by_address
            }
            Err(e) => return Failure::from(e).into_response(),
        },
        None => by_address,
    };
    let verdict = match crate::db::rate::hit(&state.db, &key, allowed, 60, Utc::now()).await {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, "rate limit");
            return Failure::from(e).into_response();
        }
    };
    let mut res = if verdict.allowed && unknown_token {
        Failure::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Token API tidak dikenal atau sudah dicabut.")
            .into_response()
    } else if verdict.allowed {
        next.run(req).await
    } else {
        let mut res = Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("Terlalu banyak permintaan. Coba lagi dalam {} detik.", verdict.reset_in),
        )
        .into_response();
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(verdict.reset_in));
        res
    };
    let h = res.headers_mut();
    h.insert("ratelimit-limit", HeaderValue::from(verdict.limit));
    h.insert("ratelimit-remaining", HeaderValue::from(verdict.remaining));
    h.insert("ratelimit-reset", HeaderValue::from(verdict.reset_in));
    res
}

/// Any other address under `/api/v1/`.
async fn unknown() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, "not_found", "Alamat API ini tidak ada. Lihat /api/v1/openapi.json.")
}

/// The API's routes, rate limited, to nest at `/api/v1`. `within` is what the assembly wraps
/// round the endpoints inside the rate limit (the page cache's public reads: a kept answer is
/// counted all the same).
pub fn routes(
    state: AppState,
    limits: Limits,
    within: impl FnOnce(Router<AppState>) -> Router<AppState>,
) -> Router<AppState> {
    use handlers as h;
    let endpoints = Router::new()
        .route("/openapi.json", get(doc::openapi))
        .route("/villages", get(h::list_villages))
        .route("/villages/{slug}", get(h::get_village))
        .route("/villages/{slug}/areas", get(h::village_areas))
        .route("/villages/{slug}/statistics", get(h::village_statistics))
        .route("/villages/{slug}/articles", get(h::list_articles))
        .route("/villages/{slug}/articles/{id}", get(h::get_article))
        .route("/villages/{slug}/products", get(h::list_products))
        .route("/villages/{slug}/map/layers", get(h::map_layers))
        .route("/villages/{slug}/map/layers/{layer}", get(h::map_layer))
        .route("/villages/{slug}/residents", get(h::list_residents))
        .route("/villages/{slug}/letter-requests", get(h::list_letter_requests).post(h::create_letter_request))
        .fallback(unknown);
    within(endpoints).layer(axum::middleware::from_fn_with_state((state, limits), limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer dgd_abc"));
        assert_eq!(bearer(&h), Some("dgd_abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer  dgd_abc "));
        assert_eq!(bearer(&h), Some("dgd_abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic dXNlcg=="));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn partner_scopes_decide_like_roles() {
        let p = |villages: Vec<i64>, can_write: bool| {
            Caller::Partner(Partner { id: 1, name: "Dinas".into(), can_write, villages })
        };
        assert!(p(vec![7], false).may(7, Scope::Read).is_ok());
        assert_eq!(p(vec![7], false).may(7, Scope::Write).unwrap_err().status, StatusCode::FORBIDDEN);
        assert!(p(vec![7], true).may(7, Scope::Write).is_ok());
        assert_eq!(p(vec![7], true).may(8, Scope::Read).unwrap_err().status, StatusCode::FORBIDDEN);
        assert_eq!(Caller::Anonymous.may(7, Scope::Read).unwrap_err().status, StatusCode::UNAUTHORIZED);
    }
}
