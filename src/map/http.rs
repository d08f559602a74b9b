//! The map's layers and files as plain HTTP (server only). Layers are GET requests with a stable
//! address, so the browser (and the service worker) can cache them; import and photos are
//! ordinary multipart forms that work before or without the WASM.
//!
//! `GET  /api/map/{slug}/lapisan/{layer}[?bbox=min_lng,min_lat,max_lng,max_lat]` → GeoJSON
//!   (`semua`: every public layer, `{"batas": GeoJSON, …}`)
//! `GET  /api/map/{slug}/ekspor?lapisan={layer}` → GeoJSON download (officials)
//! `POST /api/map/{slug}/impor` (field `berkas`) → 303 to the editor
//! `POST /api/map/{slug}/{id}/foto` (field `foto`) → 303 to the editor
//! `GET  /api/map/{slug}/foto/{id}[?kecil=1]`
//! `GET  /api/map/desa` → every village of the deployment with a boundary, simplified

use axum::{
    extract::{Path, Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{model::category, service};
use crate::access::guard::{self, OfficialOf};
use crate::error::AppError;
use crate::geo::feature::parse_bbox;
use crate::media::Upload;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::web::{back_to, error_response, jpeg};

fn geojson(text: String, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        text,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LayerQuery {
    bbox: Option<String>,
}

/// One layer of the village map. Public layers may be cached for a minute; the complaints layer
/// is for the village's officials and never cached by a shared cache.
pub async fn layer(
    State(state): State<AppState>,
    Path((slug, key)): Path<(String, String)>,
    Query(q): Query<LayerQuery>,
    mode: SiteMode,
    headers: axum::http::HeaderMap,
) -> Response {
    let bbox = match q.bbox.as_deref().map(parse_bbox) {
        None => None,
        Some(Some(b)) => Some(b),
        Some(None) => {
            return error_response(&AppError::Invalid(
                "Parameter bbox tidak sah: tulis bujur_min,lintang_min,bujur_maks,lintang_maks.".into(),
            ));
        }
    };
    let result = async {
        let village = crate::village::service::scope(&state.db, &slug).await?;
        if key == service::LAYER_COMPLAINTS {
            // Only this layer asks who is signed in (a session lookup): the public ones are
            // fetched several at a time by every map page.
            let user = guard::signed_in_with(&state.db, guard::token_in(&headers)).await?;
            guard::official_in(user, village.id)?;
            return Ok((service::complaints_layer(&state.db, &village, bbox).await?.to_string(), "private, no-store"));
        }
        let shop = |id: i64| mode.path(&village.slug, &format!("/pasar/toko/{id}"));
        let text = if key == super::model::LAYER_ALL {
            service::public_layers(&state.db, &village, bbox, shop).await?
        } else {
            service::public_layer(&state.db, &village, &key, bbox, shop).await?
        };
        Ok((text, "public, max-age=60"))
    }
    .await;
    match result {
        Ok((text, cache)) => geojson(text, cache),
        Err(e) => error_response(&e),
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    lapisan: Option<String>,
}

/// A layer (or all drawn features, without `lapisan`) as a GeoJSON file, at full precision.
pub async fn export(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
    here: Result<OfficialOf, AppError>,
) -> Response {
    let result = async {
        let OfficialOf { village, .. } = here?;
        let key = q.lapisan.unwrap_or_default();
        let text = match key.as_str() {
            "" => {
                service::collection(&service::features(&state.db, village.id, None, None).await?, 7, |_| String::new())
            }
            service::LAYER_BOUNDARY => service::boundary_layer(&village, None).to_string(),
            service::LAYER_AREAS => service::areas_layer(&state.db, &village, None).await?.to_string(),
            service::LAYER_POPULATION => service::population_layer(&state.db, &village).await?.to_string(),
            service::LAYER_COMPLAINTS => service::complaints_layer(&state.db, &village, None).await?.to_string(),
            code if category(code).is_some() => {
                service::collection(&service::features(&state.db, village.id, Some(code), None).await?, 7, |_| {
                    String::new()
                })
            }
            _ => return Err(AppError::NotFound),
        };
        let name = if key.is_empty() { "semua".to_string() } else { key };
        Ok((text, format!("attachment; filename=\"peta-{}-{name}.geojson\"", village.slug)))
    }
    .await;
    match result {
        Ok((text, disposition)) => {
            let mut response = geojson(text, "private, no-store");
            let disposition = HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"));
            response.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
            response
        }
        Err(e) => error_response(&e),
    }
}

fn editor_address(mode: &SiteMode, slug: &str, query: &str) -> String {
    let page = mode.path(slug, "/admin/peta");
    if query.is_empty() { page } else { format!("{page}?{query}") }
}

/// Receives a GeoJSON file and returns to the editor with the count, or with the reason it was
/// refused (nothing of a refused file is kept).
pub async fn import(
    State(state): State<AppState>,
    mode: SiteMode,
    OfficialOf { village, official }: OfficialOf,
    mut upload: Upload,
) -> Response {
    let result = match upload.file("berkas", service::NO_FILE) {
        Ok(bytes) => service::import(&state.db, &village, &official, &bytes).await,
        Err(e) => Err(e),
    };
    back_to(&editor_address(&mode, &village.slug, ""), result.map(|done| format!("impor={}", done.added)), "")
}

/// Receives a feature's photo and returns to the editor.
pub async fn upload_photo(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, i64)>,
    mode: SiteMode,
    OfficialOf { village, official }: OfficialOf,
    mut upload: Upload,
) -> Response {
    let result = match upload.file("foto", "Pilih foto yang akan dipasang.") {
        Ok(bytes) => service::attach_photo(&state.db, &state.files, &village, &official, id, &bytes).await,
        Err(e) => Err(e),
    };
    back_to(&editor_address(&mode, &village.slug, &format!("fitur={id}")), result.map(|()| String::new()), "")
}

#[derive(Deserialize)]
pub struct PhotoQuery {
    kecil: Option<u8>,
}

/// A feature's photo: public, like the feature.
pub async fn photo(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<PhotoQuery>,
) -> Response {
    let result = async {
        let village = crate::village::service::scope(&state.db, &slug).await?;
        service::photo(&state.db, &state.files, village.id, id, q.kecil == Some(1)).await
    }
    .await;
    jpeg(result, "public, max-age=3600")
}

/// Every village of the deployment that has a boundary, for the overview map on the root page.
pub async fn overview(State(state): State<AppState>) -> Response {
    match service::overview(&state.db, |slug| format!("/{slug}")).await {
        Ok(value) => geojson(value.to_string(), "public, max-age=300"),
        Err(e) => error_response(&e),
    }
}

/// The map's data and photos.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        // Layers as GeoJSON, export, import (up to 5 MB), feature photos, the overview.
        .route("/api/map/desa", get(overview))
        .route("/api/map/{slug}/lapisan/{layer}", get(layer))
        .route("/api/map/{slug}/ekspor", get(export))
        .route("/api/map/{slug}/impor", post(import).layer(DefaultBodyLimit::max(2 * super::service::MAX_IMPORT_BYTES)))
        .route(
            "/api/map/{slug}/{id}/foto",
            post(upload_photo).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        .route("/api/map/{slug}/foto/{id}", get(photo))
}
