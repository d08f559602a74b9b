//! The installable app over plain HTTP (server only).
//!
//! `GET /{slug}/manifest.webmanifest`  the web app manifest of a village (deployment mode)
//! `GET /manifest.webmanifest`         a bound host's village, or the deployment's own app
//! `GET /ikon/{192|512}[-maskable].png` the icons
//! `GET /sw.js`                        the service worker, with the build's version written in

use axum::{
    extract::{Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::db::entities::village;
use crate::server::AppState;
use crate::site::SiteMode;
use crate::web::error_response;

/// The manifest of a village (its name, its pages as the app's scope) or, for `None`, of the
/// deployment's directory of villages.
pub fn manifest(v: Option<&village::Model>, mode: &SiteMode) -> serde_json::Value {
    let (name, short, start, description) = match v {
        Some(v) => {
            let name = format!("{} {}", crate::village::model::capitalise(&v.kind), v.name);
            // Launchers show about 12 characters.
            let short: String = v.name.chars().take(12).collect();
            let description = format!(
                "Layanan, berita, peta dan pasar {name}, Kec. {}, {}; tetap bisa dibuka tanpa sinyal.",
                v.kecamatan, v.kabupaten
            );
            (name, short, mode.path(&v.slug, ""), description)
        }
        None => (
            "Digdaya: desa daring".to_string(),
            "Digdaya".to_string(),
            "/".to_string(),
            "Desa-desa yang melayani warganya lewat Digdaya.".to_string(),
        ),
    };
    let icons: Vec<_> = super::icons::SIZES
        .iter()
        .flat_map(|s| {
            [
                json!({"src": format!("/ikon/{s}.png"), "sizes": format!("{s}x{s}"), "type": "image/png", "purpose": "any"}),
                json!({"src": format!("/ikon/{s}-maskable.png"), "sizes": format!("{s}x{s}"), "type": "image/png", "purpose": "maskable"}),
            ]
        })
        .collect();
    json!({
        "id": start,
        "name": name,
        "short_name": short,
        "description": description,
        "lang": "id",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": super::THEME,
        "background_color": "#ffffff",
        "icons": icons,
    })
}

fn manifest_response(body: &serde_json::Value) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/manifest+json")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `GET /{slug}/manifest.webmanifest`
pub async fn village_manifest(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    mode: Option<axum::Extension<SiteMode>>,
) -> Response {
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    match crate::village::service::scope_for(&state.db, &slug, &mode).await {
        Ok(v) => manifest_response(&manifest(Some(&v), &mode)),
        Err(e) => error_response(&e),
    }
}

/// `GET /manifest.webmanifest`
pub async fn root_manifest(State(state): State<AppState>, mode: Option<axum::Extension<SiteMode>>) -> Response {
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    match mode.bound_slug() {
        Some(slug) => match crate::village::service::scope_for(&state.db, slug, &mode).await {
            Ok(v) => manifest_response(&manifest(Some(&v), &mode)),
            Err(e) => error_response(&e),
        },
        None => manifest_response(&manifest(None, &mode)),
    }
}

/// `GET /ikon/{file}`: `192.png`, `512.png`, `192-maskable.png`, `512-maskable.png`.
pub async fn icon(Path(file): Path<String>) -> Response {
    let Some(stem) = file.strip_suffix(".png") else {
        return error_response(&crate::error::AppError::NotFound);
    };
    let (size, maskable) = stem.strip_suffix("-maskable").map_or((stem, false), |s| (s, true));
    match size.parse().ok().and_then(|s| super::icons::png(s, maskable)) {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=604800")),
            ],
            bytes,
        )
            .into_response(),
        None => error_response(&crate::error::AppError::NotFound),
    }
}

/// The service worker's source with this build's version in it.
pub fn service_worker_source(build: &str, pkg_dir: &str) -> String {
    include_str!("sw.js").replace("__BUILD__", build).replace("__PKG__", pkg_dir)
}

/// `GET /sw.js`: never cached by HTTP, so that a deployment's new worker is found at once.
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let options = &state.leptos_options;
    let build = super::build::id(&options.site_root, &options.site_pkg_dir);
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        service_worker_source(build, &options.site_pkg_dir),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_carries_its_build() {
        let source = service_worker_source("abc123def456", "pkg");
        assert!(source.contains("\"abc123def456\""));
        assert!(!source.contains("__BUILD__") && !source.contains("__PKG__"));
    }
}
