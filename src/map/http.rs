//! The map's layers and files as plain HTTP (server only). Layers are GET requests with a stable
//! address, so the browser (and the service worker) can cache them; import and photos are
//! ordinary multipart forms that work before or without the WASM.
//!
//! `GET  /api/map/{slug}/lapisan/{layer}[?bbox=min_lng,min_lat,max_lng,max_lat]` → GeoJSON
//! `GET  /api/map/{slug}/ekspor?lapisan={layer}` → GeoJSON download (officials)
//! `POST /api/map/{slug}/impor` (field `berkas`) → 303 to the editor
//! `POST /api/map/{slug}/{id}/foto` (field `foto`) → 303 to the editor
//! `GET  /api/map/{slug}/foto/{id}[?kecil=1]`
//! `GET  /api/map/desa` → every village of the deployment with a boundary, simplified

use axum::{
    extract::{Multipart, Path, Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::Value;

use super::{model::category, service};
use crate::error::AppError;
use crate::geo::feature::parse_bbox;
use crate::population::http::{error_response, official_of};
use crate::server::AppState;
use crate::site::SiteMode;

fn geojson(value: &Value, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        value.to_string(),
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
    headers: HeaderMap,
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
        if key == service::LAYER_COMPLAINTS {
            let (village, _) = official_of(&state, &headers, &slug).await?;
            return Ok((service::complaints_layer(&state.db, &village, bbox).await?, "private, no-store"));
        }
        let village = crate::village::service::scope(&state.db, &slug).await?;
        let public = "public, max-age=60";
        let value = match key.as_str() {
            service::LAYER_BOUNDARY => service::boundary_layer(&village, bbox),
            service::LAYER_AREAS => service::areas_layer(&state.db, &village, bbox).await?,
            service::LAYER_POPULATION => service::population_layer(&state.db, &village).await?.0,
            code if category(code).is_some() => {
                let rows = service::features(&state.db, village.id, Some(code), bbox).await?;
                let prefix = format!("/api/map/{}/foto", village.slug);
                service::collection(&rows, service::SERVED_DECIMALS, |id| format!("{prefix}/{id}?kecil=1"))
            }
            _ => return Err(AppError::NotFound),
        };
        Ok((value, public))
    }
    .await;
    match result {
        Ok((value, cache)) => geojson(&value, cache),
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
    Path(slug): Path<String>,
    Query(q): Query<ExportQuery>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let (village, _) = official_of(&state, &headers, &slug).await?;
        let key = q.lapisan.unwrap_or_default();
        let value = match key.as_str() {
            "" => {
                service::collection(&service::features(&state.db, village.id, None, None).await?, 7, |_| String::new())
            }
            service::LAYER_BOUNDARY => service::boundary_layer(&village, None),
            service::LAYER_AREAS => service::areas_layer(&state.db, &village, None).await?,
            service::LAYER_POPULATION => service::population_layer(&state.db, &village).await?.0,
            service::LAYER_COMPLAINTS => service::complaints_layer(&state.db, &village, None).await?,
            code if category(code).is_some() => {
                service::collection(&service::features(&state.db, village.id, Some(code), None).await?, 7, |_| {
                    String::new()
                })
            }
            _ => return Err(AppError::NotFound),
        };
        let name = if key.is_empty() { "semua".to_string() } else { key };
        Ok((value, format!("attachment; filename=\"peta-{}-{name}.geojson\"", village.slug)))
    }
    .await;
    match result {
        Ok((value, disposition)) => {
            let mut response = geojson(&value, "private, no-store");
            let disposition = HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"));
            response.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
            response
        }
        Err(e) => error_response(&e),
    }
}

fn editor_address(mode: Option<axum::Extension<SiteMode>>, slug: &str, query: &str) -> String {
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    format!("{}?{query}", mode.path(slug, "/admin/peta"))
}

/// Receives a GeoJSON file and returns to the editor with the count, or with the reason it was
/// refused (nothing of a refused file is kept).
pub async fn import(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    mode: Option<axum::Extension<SiteMode>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (village, official) = match official_of(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let mut upload = crate::media::Upload::read(&mut form, "berkas").await;
    let result = match upload.file("Pilih berkas GeoJSON yang akan diimpor.") {
        Err(m) => Err(AppError::Invalid(m)),
        Ok(bytes) => service::import(&state.db, &village, &official, &bytes).await,
    };
    let query = match result {
        Ok(done) => format!("impor={}", done.added),
        Err(AppError::Invalid(m)) => format!("galat={}", crate::ui::urlencode(&m)),
        Err(e) => return error_response(&e),
    };
    Redirect::to(&editor_address(mode, &village.slug, &query)).into_response()
}

/// Receives a feature's photo and returns to the editor.
pub async fn upload_photo(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    mode: Option<axum::Extension<SiteMode>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (village, official) = match official_of(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let mut upload = crate::media::Upload::read(&mut form, "foto").await;
    let result = match upload.file("Pilih foto yang akan dipasang.") {
        Err(m) => Err(AppError::Invalid(m)),
        Ok(bytes) => service::attach_photo(&state.db, &state.files, &village, &official, id, &bytes).await,
    };
    let query = match result {
        Ok(()) => format!("fitur={id}"),
        Err(AppError::Invalid(m)) => format!("fitur={id}&galat={}", crate::ui::urlencode(&m)),
        Err(e) => return error_response(&e),
    };
    Redirect::to(&editor_address(mode, &village.slug, &query)).into_response()
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
    match result {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
                (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_response(&e),
    }
}

/// Every village of the deployment that has a boundary, for the overview map on the root page.
pub async fn overview(State(state): State<AppState>) -> Response {
    match service::overview(&state.db, |slug| format!("/{slug}")).await {
        Ok(value) => geojson(&value, "public, max-age=300"),
        Err(e) => error_response(&e),
    }
}
