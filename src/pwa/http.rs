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
use crate::site::SiteMode;
use crate::state::AppState;
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
pub async fn village_manifest(State(state): State<AppState>, Path(slug): Path<String>, mode: SiteMode) -> Response {
    match crate::village::service::scope_for(&state.db, &slug, &mode).await {
        Ok(v) => manifest_response(&manifest(Some(&v), &mode)),
        Err(e) => error_response(&e),
    }
}

/// `GET /manifest.webmanifest`
pub async fn root_manifest(State(state): State<AppState>, mode: SiteMode) -> Response {
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

/// Pages that show personal data (NIK, KK, family, addresses, phone numbers, the audit log):
/// answered `no-store`, so neither the browser nor the service worker keeps them. `rest` is the
/// path inside a village (`akun/profil`) or of the deployment (`kelola`).
pub fn personal(rest: &str) -> bool {
    const PERSONAL: [&str; 7] =
        ["akun", "admin", "layanan/permohonan", "pasar/kelola", "pengaduan/saya", "kelola", "wilayah"];
    let rest = rest.trim_start_matches('/');
    PERSONAL.iter().any(|p| rest == *p || rest.strip_prefix(p).is_some_and(|tail| tail.starts_with('/')))
}

/// What the edges of a request (`edges::edges`) note of a page before it is made, to mark its
/// answer after: personal pages are never kept (`Cache-Control: no-store`), and every page made
/// for a request that looked its user up says whose it is (`X-Digdaya-Pemilik`, the outbox's
/// owner tag, empty for a visitor), so the service worker drops what it kept for a user once a
/// page shows that user's session has ended.
pub struct PageFacts {
    personal: bool,
    scope: Option<crate::state::RequestScope>,
}

impl PageFacts {
    pub fn of(req: &axum::extract::Request) -> PageFacts {
        let path = req.uri().path();
        let bound = req.extensions().get::<SiteMode>().is_some_and(|m| m.bound_slug().is_some());
        let inside = if bound { path } else { path.trim_start_matches('/').split_once('/').map_or("", |(_, r)| r) };
        PageFacts {
            personal: personal(inside) || personal(path),
            scope: req.extensions().get::<crate::state::RequestScope>().cloned(),
        }
    }

    pub fn mark(&self, res: &mut Response) {
        if self.personal {
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, private"));
        }
        let html = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if html && let Some(looked_up) = self.scope.as_ref().and_then(crate::state::RequestScope::looked_up_user) {
            let owner = looked_up.as_ref().map(crate::auth::owner::owner_tag).unwrap_or_default();
            if let Ok(value) = HeaderValue::from_str(&owner) {
                res.headers_mut().insert("x-digdaya-pemilik", value);
            }
        }
    }
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

    #[test]
    fn personal_pages_are_named_by_their_path() {
        for p in
            ["akun", "/akun/profil", "admin/penduduk/3", "layanan/permohonan/7", "pasar/kelola", "kelola", "wilayah"]
        {
            assert!(personal(p), "{p}");
        }
        for p in ["", "layanan", "layanan/surat/4", "pengaduan/baru", "pasar", "akunting", "berita/admin"] {
            assert!(!personal(p), "{p}");
        }
    }
}

/// The installable app: manifests, icons, the service worker.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/manifest.webmanifest", get(root_manifest))
        .route("/{slug}/manifest.webmanifest", get(village_manifest))
        .route("/ikon/{file}", get(icon))
        .route("/sw.js", get(service_worker))
}
