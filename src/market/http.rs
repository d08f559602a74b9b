//! Product photos as plain HTTP (server only): the upload is an ordinary multipart form that
//! works before or without the WASM; photos are served only for products the public may see.
//!
//! `POST /api/market/{slug}/produk/{id}/foto` (field `foto`) → 303 back to the shop's page
//! `GET  /api/market/{slug}/foto/{id}[?kecil=1]`
//! `POST /api/market/{slug}/toko/{id}/foto` (field `foto`) → 303 back to the shop's page
//! `GET  /api/market/{slug}/toko/{id}/foto[?kecil=1]`

use axum::{
    extract::{Multipart, Path, Query, State},
    http::HeaderMap,
    response::Response,
};
use serde::Deserialize;

use super::service::{self, Seller};
use crate::auth::guard;
use crate::error::AppError;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::web::{self, back_to, error_response};

/// The village and who acts on its market, for plain HTTP handlers.
async fn seller_of(
    state: &AppState,
    headers: &HeaderMap,
    slug: &str,
) -> Result<(crate::db::entities::village::Model, Seller), AppError> {
    let village = crate::village::service::scope(&state.db, slug).await?;
    let seller = Seller::of(guard::signed_in_with(&state.db, guard::token_in(headers)).await?, &village)?;
    Ok((village, seller))
}

/// Who asks for a photo that is not public: a seller or official of the village, or "not
/// found" for anyone else (the photo's existence is not told).
async fn viewer(
    state: &AppState,
    headers: &HeaderMap,
    village: &crate::db::entities::village::Model,
) -> Result<Seller, AppError> {
    let user = guard::signed_in_with(&state.db, guard::token_in(headers)).await?;
    Seller::of(user, village).map_err(|_| AppError::NotFound)
}

#[derive(Deserialize)]
pub struct UploadQuery {
    /// The shop whose page the form is on (where to return).
    toko: i64,
}

/// Receives one product photo and returns to the shop's management page.
pub async fn upload(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<UploadQuery>,
    mode: Option<axum::Extension<SiteMode>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (village, who) = match seller_of(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let mut upload = crate::media::Upload::read(&mut form, "foto").await;
    let result = match upload.file("Pilih foto produk (JPEG, PNG atau WebP).") {
        Err(m) => Err(AppError::Invalid(m)),
        Ok(bytes) => service::add_photo(&state.db, &state.files, &village, &who, id, &bytes).await,
    };
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    let back = format!("{}?produk={id}", mode.path(&village.slug, &format!("/pasar/kelola/{}", q.toko)));
    back_to(&back, result.map(|_| String::new()), &format!("produk-{id}"))
}

#[derive(Deserialize)]
pub struct PhotoQuery {
    kecil: Option<u8>,
}

/// A product photo (or its thumbnail): for everybody while the product is public; before that
/// (a shop waiting for approval, a hidden product) only for its seller and the officials, and
/// then not kept in shared caches.
pub async fn photo(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<PhotoQuery>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let village = crate::village::service::scope(&state.db, &slug).await?;
        let thumb = q.kecil == Some(1);
        match service::photo(&state.db, &state.files, &village, None, id, thumb).await {
            // Not public: perhaps the seller's own (the session is looked up only then).
            Err(AppError::NotFound) if guard::token_in(&headers).is_some() => {
                let who = viewer(&state, &headers, &village).await?;
                service::photo(&state.db, &state.files, &village, Some(&who), id, thumb).await
            }
            other => other,
        }
    }
    .await;
    web::photo(result)
}

/// Receives a shop's photo and returns to the shop's management page.
pub async fn upload_shop_photo(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    mode: Option<axum::Extension<SiteMode>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (village, who) = match seller_of(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let mut upload = crate::media::Upload::read(&mut form, "foto").await;
    let result = match upload.file("Pilih foto lapak (JPEG, PNG atau WebP).") {
        Err(m) => Err(AppError::Invalid(m)),
        Ok(bytes) => service::set_shop_photo(&state.db, &state.files, &village, &who, id, &bytes).await,
    };
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    let back = mode.path(&village.slug, &format!("/pasar/kelola/{id}"));
    back_to(&back, result.map(|()| String::new()), "foto-lapak")
}

/// A shop's photo: for everybody while the shop is approved, before that for its seller and
/// the officials only.
pub async fn shop_photo(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<PhotoQuery>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let village = crate::village::service::scope(&state.db, &slug).await?;
        let thumb = q.kecil == Some(1);
        match service::shop_photo(&state.db, &state.files, &village, None, id, thumb).await {
            Err(AppError::NotFound) if guard::token_in(&headers).is_some() => {
                let who = viewer(&state, &headers, &village).await?;
                service::shop_photo(&state.db, &state.files, &village, Some(&who), id, thumb).await
            }
            other => other,
        }
    }
    .await;
    web::photo(result)
}
