//! File transfers of the registry as plain HTTP (server only): the import upload is an ordinary
//! multipart form post, so it works before (or without) the WASM; exports are downloads.
//!
//! `POST /api/population/import/{slug}` (field `berkas`) → dry run → 303 to the import page.
//! `GET /api/population/export/{slug}?format=xlsx|csv&book=penduduk|induk|mutasi[&tahun=YYYY]`.

use axum::{
    body::Body,
    extract::{Multipart, Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
};
use chrono::{Datelike, Utc};
use serde::Deserialize;

use super::export::{self, Format};
use super::{books, sheet, uploads};
use crate::access::guard::OfficialOf;
use crate::audit::{self, Action, Actor};
use crate::error::AppError;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::web::error_response;

/// Receives an import file, checks it (dry run) and sends the official to the report.
pub async fn upload(
    State(state): State<AppState>,
    mode: SiteMode,
    OfficialOf { village, official }: OfficialOf,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("berkas") => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field.bytes().await.map_err(|_| {
                    AppError::Invalid("Berkas terlalu besar (paling besar 25 MB) atau unggahan terputus.".into())
                })?;
                file = Some((name, bytes.to_vec()));
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(AppError::Invalid("Unggahan tidak dapat dibaca; coba lagi.".into())),
        }
    }
    let Some((name, bytes)) = file.filter(|(n, _)| !n.is_empty()) else {
        return Err(AppError::Invalid("Pilih berkas yang akan diimpor.".into()));
    };
    let checked = match super::import::plan(&state.db, village.id, &name, &bytes).await {
        Ok(plan) => Ok(plan.report),
        Err(AppError::Invalid(m)) => Err(m),
        Err(e) => return Err(e),
    };
    let token = uploads::put(&state.db, village.id, official.id, name, bytes, checked).await?;
    Ok(Redirect::to(&format!("{}?unggahan={token}", mode.path(&village.slug, "/admin/penduduk/impor"))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    book: Option<String>,
    tahun: Option<i32>,
}

/// The registry (import format), the Buku Induk or the Buku Mutasi as a file. Audited.
pub async fn download(
    State(state): State<AppState>,
    OfficialOf { village, official }: OfficialOf,
    Query(q): Query<ExportQuery>,
    peer: Option<axum::Extension<crate::net::Peer>>,
) -> Response {
    let Some(format) = Format::parse(q.format.as_deref().unwrap_or("xlsx")) else {
        return error_response(&AppError::Invalid("Format harus xlsx atau csv.".into()));
    };
    let year = q.tahun.unwrap_or_else(|| Utc::now().year());
    let book = q.book.unwrap_or_else(|| "penduduk".into());
    let (rows, sheet_name, file) = match book.as_str() {
        "penduduk" => {
            (export::rows(&state.db, village.id).await, sheet::SHEET.to_string(), format!("penduduk-{}", village.slug))
        }
        "induk" => (
            books::induk_rows(&state.db, village.id).await,
            "Buku Induk".into(),
            format!("buku-induk-{}", village.slug),
        ),
        "mutasi" => (
            books::mutasi_rows(&state.db, village.id, year).await,
            "Buku Mutasi".into(),
            format!("buku-mutasi-{}-{year}", village.slug),
        ),
        _ => return error_response(&AppError::Invalid("Buku tidak dikenal.".into())),
    };
    let bytes = match rows.and_then(|rows| export::encode(&rows, format, &sheet_name)) {
        Ok(b) => b,
        Err(e) => return error_response(&e),
    };
    let ip = peer.and_then(|p| p.0.ip).map(|ip| ip.to_canonical().to_string());
    let entry = audit::Entry {
        village_id: Some(village.id),
        actor: Actor::Official { id: official.id, name: official.name.clone() },
        action: Action::RegistryExported,
        subject: None,
        detail: Some(format!("{file}.{}", format.extension())),
        ip,
    };
    if let Err(e) = audit::record(&state.db, entry).await {
        return error_response(&AppError::from(e));
    }
    let disposition = format!("attachment; filename=\"{file}.{}\"", format.extension());
    let mut res = Response::new(Body::from(bytes));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The registry's files: an import upload (multipart form, up to 25 MB) and exports.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/api/population/import/{slug}",
            post(upload).layer(DefaultBodyLimit::max(super::sheet::MAX_BYTES + 64 * 1024)),
        )
        .route("/api/population/export/{slug}", get(download))
}
