//! Complaint photos as plain HTTP (server only): an ordinary multipart form (works on any phone
//! browser, before or without the WASM) and downloads that check who is asking.
//!
//! `POST /api/complaints/{slug}/{id}/foto` (fields `t`: a visitor's link secret, `foto`) → 303 back.
//! `GET  /api/complaints/{slug}/foto/{file}[?kecil=1][&t=…]`

use axum::{
    extract::{Multipart, Path, Query, State},
    http::HeaderMap,
    response::Response,
};
use serde::Deserialize;

use super::service::{self, Who};
use crate::auth::guard;
use crate::db::entities::village;
use crate::error::AppError;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::web::{back_to, error_response, jpeg};

async fn caller(state: &AppState, headers: &HeaderMap, slug: &str) -> Result<(village::Model, Who), AppError> {
    let village = crate::village::service::scope(&state.db, slug).await?;
    let token = guard::token_in(headers);
    let user = guard::signed_in_with(&state.db, token).await?;
    let who = Who::of(user, &village)?;
    Ok((village, who))
}

/// Receives one photo and returns to the report's page (with `?galat=` on a refusal).
pub async fn upload(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    mode: Option<axum::Extension<SiteMode>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (village, who) = match caller(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let mut upload = crate::media::Upload::read(&mut form, "foto").await;
    let secret = upload.text("t").to_string();
    let token = Some(secret.as_str()).filter(|t| !t.is_empty());
    let result = match upload.file("Pilih foto yang akan dilampirkan.") {
        Err(m) => Err(AppError::Invalid(m)),
        Ok(bytes) => service::attach(&state.db, &state.files, &village, &who, id, token, &bytes).await,
    };
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    let page = match (&who, token) {
        (Who::Official(_), _) => format!("/admin/pengaduan/{id}"),
        (_, Some(t)) => format!("/pengaduan/{id}?t={}", crate::ui::urlencode(t)),
        _ => format!("/pengaduan/{id}"),
    };
    back_to(&mode.path(&village.slug, &page), result.map(|_| String::new()), "foto")
}

#[derive(Debug, Deserialize)]
pub struct PhotoQuery {
    kecil: Option<u8>,
    t: Option<String>,
}

/// A report's photo (or its thumbnail), for whoever may see the report.
pub async fn photo(
    State(state): State<AppState>,
    Path((slug, file_id)): Path<(String, i64)>,
    Query(q): Query<PhotoQuery>,
    headers: HeaderMap,
) -> Response {
    let (village, who) = match caller(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let token = q.t.as_deref().filter(|t| !t.is_empty());
    jpeg(
        service::photo(&state.db, &state.files, village.id, &who, file_id, token, q.kecil == Some(1)).await,
        "private, max-age=86400",
    )
}
