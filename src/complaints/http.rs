//! Complaint photos as plain HTTP (server only): an ordinary multipart form (works on any phone
//! browser, before or without the WASM) and downloads that check who is asking.
//!
//! `POST /api/complaints/{slug}/{id}/foto` (fields `t`: a visitor's link secret, `foto`) → 303 back.
//! `GET  /api/complaints/{slug}/foto/{file}[?kecil=1][&t=…]`

use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use serde::Deserialize;

use super::service::{self, Who};
use crate::access::guard::InVillage;
use crate::error::AppError;
use crate::media::Upload;
use crate::outbox::http::{Delivery, Kept, Taker};
use crate::outbox::model::Outcome;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::web::{back_to, jpeg};

/// Receives one photo and returns to the report's page (with `?galat=` on a refusal).
pub async fn upload(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, i64)>,
    mode: SiteMode,
    InVillage { village, user }: InVillage,
    mut upload: Upload,
) -> Result<Response, AppError> {
    let who = Who::of(user, &village)?;
    let secret = upload.text("t");
    let token = Some(secret.as_str()).filter(|t| !t.is_empty());
    let result = match upload.file("foto", "Pilih foto yang akan dilampirkan.") {
        Ok(bytes) => service::attach(&state.db, &state.files, &village, &who, id, token, &bytes).await,
        Err(e) => Err(e),
    };
    let page = match (&who, token) {
        (Who::Official(_), _) => format!("/admin/pengaduan/{id}"),
        (_, Some(t)) => format!("/pengaduan/{id}?t={}", crate::ui::urlencode(t)),
        _ => format!("/pengaduan/{id}"),
    };
    Ok(back_to(&mode.path(&village.slug, &page), result.map(|_| String::new()), "foto"))
}

#[derive(Debug, Deserialize)]
pub struct PhotoQuery {
    kecil: Option<u8>,
    t: Option<String>,
}

/// A report's photo (or its thumbnail), for whoever may see the report.
pub async fn photo(
    State(state): State<AppState>,
    Path((_, file_id)): Path<(String, i64)>,
    Query(q): Query<PhotoQuery>,
    InVillage { village, user }: InVillage,
) -> Result<Response, AppError> {
    let who = Who::of(user, &village)?;
    let token = q.t.as_deref().filter(|t| !t.is_empty());
    Ok(jpeg(
        service::photo(&state.db, &state.files, village.id, &who, file_id, token, q.kecil == Some(1)).await,
        "private, max-age=86400",
    ))
}

/// The reports phones kept until there was a signal (`outbox`; registered in `slices.rs`).
pub const OUTBOX: Taker = Taker { kind: super::model::OUTBOX_KIND, apply: |d| Box::pin(from_outbox(d)), form };

/// The report form posted without the WASM (no map pin then: the dusun chosen by hand).
fn form(fields: &crate::outbox::http::FormFields) -> Result<String, AppError> {
    let text = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let number = |k: &str| fields.get(k).and_then(|v| v.parse::<f64>().ok());
    let input = super::model::ReportInput {
        category: text("category"),
        body: text("body"),
        lat: number("lat"),
        lng: number("lng"),
        area_id: fields.get("area").and_then(|v| v.parse().ok()),
        name: text("name"),
        phone: text("phone"),
    };
    serde_json::to_string(&input).map_err(|_| AppError::Internal)
}

/// A report and its photos, kept in one transaction with the item's key: the photos are
/// checked and stored first, then the report and every photo accepted are written together.
async fn from_outbox(d: Delivery<'_>) -> Result<Kept, AppError> {
    use crate::complaints::{model::Reported, service as complaints};
    let input: super::model::ReportInput = d.data()?;
    let who = complaints::Who::of(d.user.clone(), d.village)?;
    let visitor = matches!(who, complaints::Who::Visitor);
    let (mut photos, mut catatan) = (Vec::new(), Vec::new());
    for (_, bytes) in d.files.iter().filter(|(field, _)| field == "foto") {
        match complaints::store_photo(&d.state.files, d.village, bytes).await {
            Ok(photo) => photos.push(photo),
            Err(e) => catatan.push(format!("Satu foto tidak diterima: {e}")),
        }
    }
    let kept = async {
        let txn = d.begin().await?;
        // Made by an earlier version of the server that stopped midway (the key is on the
        // report): the photos it has are kept, the rest added.
        let (id, token, skip) = match complaints::made_by_outbox(&*txn, d.village.id, d.key).await? {
            Some((id, photos, secret)) => (id, visitor.then_some(secret), photos),
            None => {
                let Reported { id, token } =
                    complaints::report_from(&*txn, d.village, &who, &input, Some(d.key)).await?;
                (id, token, 0)
            }
        };
        for photo in photos.iter().skip(skip) {
            complaints::add_photo(&*txn, d.village.id, id, photo).await?;
        }
        let query = token.map(|t| format!("?t={t}")).unwrap_or_default();
        let alamat = d.mode.path(&d.village.slug, &format!("/pengaduan/{id}{query}"));
        d.commit(txn, Outcome::Terkirim { alamat, ulang: false, catatan }).await
    }
    .await;
    if kept.is_err() {
        for photo in &photos {
            photo.remove(&d.state.files).await;
        }
    }
    kept
}

/// The complaints' photos.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        // A photo (up to 5 MB; the body may be twice that, see `letters::http::routes`) and the
        // photos of a report.
        .route(
            "/api/complaints/{slug}/{id}/foto",
            post(upload).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        .route("/api/complaints/{slug}/foto/{file}", get(photo))
}
