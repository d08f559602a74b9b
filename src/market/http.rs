//! Product photos as plain HTTP (server only): the upload is an ordinary multipart form that
//! works before or without the WASM; photos are served only for products the public may see.
//!
//! `POST /api/market/{slug}/produk/{id}/foto` (field `foto`) → 303 back to the shop's page
//! `GET  /api/market/{slug}/foto/{id}[?kecil=1]`
//! `POST /api/market/{slug}/toko/{id}/foto` (field `foto`) → 303 back to the shop's page
//! `GET  /api/market/{slug}/toko/{id}/foto[?kecil=1]`

use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::service::{self, Seller};
use crate::access::guard;
use crate::access::guard::InVillage;
use crate::error::AppError;
use crate::media::Upload;
use crate::outbox::http::{Delivery, Kept, Taker};
use crate::outbox::model::Outcome;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::web::{self, back_to};

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
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<UploadQuery>,
    mode: SiteMode,
    InVillage { village, user }: InVillage,
    mut upload: Upload,
) -> Result<Response, AppError> {
    let who = Seller::of(user, &village)?;
    let result = match upload.file("foto", "Pilih foto produk (JPEG, PNG atau WebP).") {
        Ok(bytes) => service::add_photo(&state.db, &state.files, &village, &who, id, &bytes).await,
        Err(e) => Err(e),
    };
    let back = format!("{}?produk={id}", mode.path(&village.slug, &format!("/pasar/kelola/{}", q.toko)));
    Ok(back_to(&back, result.map(|_| String::new()), &format!("produk-{id}")))
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
    Path((_, id)): Path<(String, i64)>,
    mode: SiteMode,
    InVillage { village, user }: InVillage,
    mut upload: Upload,
) -> Result<Response, AppError> {
    let who = Seller::of(user, &village)?;
    let result = match upload.file("foto", "Pilih foto lapak (JPEG, PNG atau WebP).") {
        Ok(bytes) => service::set_shop_photo(&state.db, &state.files, &village, &who, id, &bytes).await,
        Err(e) => Err(e),
    };
    let back = mode.path(&village.slug, &format!("/pasar/kelola/{id}"));
    Ok(back_to(&back, result.map(|()| String::new()), "foto-lapak"))
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

/// The product edits phones kept until there was a signal (`outbox`; registered in `slices.rs`).
pub const OUTBOX: Taker = Taker { kind: super::model::OUTBOX_KIND, apply: |d| Box::pin(from_outbox(d)), form };

/// A product form posted without the WASM: `shop`, `id` (empty for a new product) and the
/// product's fields.
fn form(fields: &crate::outbox::http::FormFields) -> Result<String, AppError> {
    let text = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let shop = fields.get("shop").and_then(|v| v.parse().ok()).ok_or(AppError::NotFound)?;
    let id = fields.get("id").and_then(|v| v.parse().ok());
    let input = super::model::ProductInput {
        name: text("name"),
        description: text("description"),
        category: text("category"),
        price: text("price"),
        discount_price: text("discount_price"),
        unit: text("unit"),
        availability: text("availability"),
    };
    serde_json::to_string(&super::model::ProductItem { shop, id, input }).map_err(|_| AppError::Internal)
}

/// A product added or changed in one of the seller's shops, in one transaction with the
/// item's key.
async fn from_outbox(d: Delivery<'_>) -> Result<Kept, AppError> {
    use crate::market::service as market;
    let input: super::model::ProductItem = d.data()?;
    let seller = market::Seller::of(d.user.clone(), d.village)?;
    let txn = d.begin().await?;
    // A product an earlier version of the server added before it stopped midway is changed,
    // not added again.
    let id = match input.id {
        Some(id) => Some(id),
        None => market::made_by_outbox(&*txn, d.village.id, d.key).await?,
    };
    let id = market::save_product_from(&*txn, d.village, &seller, input.shop, id, &input.input, Some(d.key)).await?;
    let alamat = d.mode.path(&d.village.slug, &format!("/pasar/kelola/{}?produk={id}#produk-{id}", input.shop));
    d.commit(txn, Outcome::Terkirim { alamat, ulang: false, catatan: Vec::new() }).await
}

/// The market's photos.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        // Product and shop photos (up to 5 MB each), public while their product or shop is.
        .route(
            "/api/market/{slug}/produk/{id}/foto",
            post(upload).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        .route("/api/market/{slug}/foto/{id}", get(photo))
        .route(
            "/api/market/{slug}/toko/{id}/foto",
            get(shop_photo).post(upload_shop_photo).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        // The shop form posted without the WASM (a few short fields).
        .route("/api/market/{slug}/lapak", post(shop_form).layer(DefaultBodyLimit::max(16 * 1024)))
}

/// The shop form posted without the WASM (or before it arrived): opens a shop (`id` empty; an
/// official opens one for the resident whose NIK is in `nik`) or changes one, then to its page.
/// Refused, the form's page (`kembali`, inside the village) again with what was typed and what
/// is wrong, field by field (422).
pub async fn shop_form(
    State(state): State<AppState>,
    mode: SiteMode,
    InVillage { village, user }: InVillage,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    axum::Form(fields): axum::Form<crate::outbox::http::FormFields>,
) -> Response {
    let who = match Seller::of(user, &village) {
        Ok(who) => who,
        Err(e) => return web::error_response(&e),
    };
    let text = |k: &str| fields.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let input = super::model::ShopInput {
        name: text("name"),
        description: text("description"),
        category: text("category"),
        whatsapp: text("whatsapp"),
        address: text("address"),
        lat: None,
        lng: None,
        hours: text("hours"),
    };
    let nik = fields.get("nik").map(|n| n.trim().to_string());
    let saved = match fields.get("id").and_then(|v| v.parse::<i64>().ok()) {
        Some(id) => service::update_shop(&state.db, &village, &who, id, &input).await,
        None => service::open_shop(&state.db, &village, &who, &input, nik.as_deref()).await,
    };
    let (problems, message) = match saved {
        Ok(id) if nik.is_some() => {
            return axum::response::Redirect::to(&mode.path(&village.slug, &format!("/admin/pasar?baru={id}")))
                .into_response();
        }
        Ok(id) => {
            return axum::response::Redirect::to(&mode.path(&village.slug, &format!("/pasar/kelola/{id}")))
                .into_response();
        }
        Err(AppError::Refused(problems)) => (problems, None),
        Err(AppError::Invalid(m)) => (Vec::new(), Some(m)),
        Err(e) => return web::error_response(&e),
    };
    let page = match web::form_page(&fields, &mode.path(&village.slug, "")) {
        Ok(page) => page,
        Err(e) => return web::error_response(&e),
    };
    let submitted = crate::kit::form::Submitted { values: fields.clone(), problems, message };
    web::form_again(&state, &headers, &extensions, &page, submitted).await
}
