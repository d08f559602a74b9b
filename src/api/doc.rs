//! The OpenAPI 3.1 document of `/api/v1/`, generated from the handlers' and types' annotations.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::handlers;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Digdaya API",
        version = "1",
        description = "Data of the villages served by this Digdaya deployment, for other systems. \
            Public data needs no key. A village's residents and letter requests need a partner \
            token made for that village (Authorization: Bearer dgd_…; ask the deployment's \
            operator) or the session of one of its officials. Lists are paged by cursor: pass a \
            page's next_cursor as cursor. Requests are rate limited per token or address (see \
            the RateLimit-* headers; 429 with Retry-After when over). Messages are in Bahasa \
            Indonesia.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        handlers::list_villages,
        handlers::get_village,
        handlers::village_areas,
        handlers::village_statistics,
        handlers::list_articles,
        handlers::get_article,
        handlers::list_products,
        handlers::map_layers,
        handlers::map_layer,
        handlers::list_residents,
        handlers::list_letter_requests,
        handlers::create_letter_request,
    ),
    modifiers(&Security),
    tags(
        (name = "public", description = "Open data: no key needed."),
        (name = "village data", description = "Personal data and services: a partner token or an official's session."),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A partner token, dgd_…, made with `digdaya create-token`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("digdaya_session"))),
        );
    }
}

/// The document, made once.
pub static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serialises"));

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        DOCUMENT.as_str(),
    )
        .into_response()
}
