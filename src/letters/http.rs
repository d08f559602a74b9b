//! Letter files as plain HTTP (server only): attachments are uploaded with an ordinary
//! multipart form (works on any phone browser, before or without the WASM), and the signed PDF
//! and attachments are downloads that check who is asking.
//!
//! `POST /api/letters/{slug}/{id}/lampiran` (fields `lampiran`, `berkas`) → 303 back.
//! `GET  /api/letters/{slug}/{id}/pdf`
//! `GET  /api/letters/{slug}/berkas/{file}[?kecil=1]`
//! `GET  /api/letters/{slug}/kunci` (the village's public key, text)
//! `POST /api/letters/{slug}/logo` (field `logo`; kades or sekdes) → 303 to the settings page.
//! `GET  /api/letters/{slug}/logo` (public: the letterhead's logo)

use axum::{
    extract::{Multipart, Path, Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::service::{self, By};
use crate::auth::guard;
use crate::db::entities::village;
use crate::error::AppError;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::web::{back_to, error_response, jpeg};

/// The village and whoever is signed in to it (its resident with their own PIN, or an official).
async fn caller(state: &AppState, headers: &HeaderMap, slug: &str) -> Result<(village::Model, By), AppError> {
    let village = crate::village::service::scope(&state.db, slug).await?;
    let token = guard::token_in(headers);
    let who = guard::signed_in_with(&state.db, token).await?;
    guard::decide(who.as_ref(), village.id, guard::Allow::AnySignedIn)?;
    match who {
        Some(guard::User::Official(o)) => Ok((village, By::Official(o))),
        Some(guard::User::Resident(r)) if r.must_change_pin => Err(AppError::PinChangeRequired),
        Some(guard::User::Resident(r)) => Ok((village, By::Resident { id: r.id, name: r.name })),
        None => Err(AppError::Unauthenticated),
    }
}

/// Receives one attachment and returns to the request's page (with `?galat=` on a refusal).
pub async fn upload(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    mode: Option<axum::Extension<SiteMode>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (village, by) = match caller(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let mut upload = crate::media::Upload::read(&mut form, "berkas").await;
    let result = match upload.file("Pilih foto atau berkas PDF yang akan dilampirkan.") {
        Err(m) => Err(AppError::Invalid(m)),
        Ok(bytes) => {
            service::attach(&state.db, &state.files, village.id, &by, id, upload.text("lampiran"), &bytes).await
        }
    };
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    let page = match by {
        By::Resident { .. } => format!("/layanan/permohonan/{id}"),
        By::Official(_) | By::Partner { .. } => format!("/admin/surat/{id}"),
    };
    back_to(&mode.path(&village.slug, &page), result.map(|_| String::new()), "lampiran")
}

/// The signed letter as a PDF.
pub async fn pdf(State(state): State<AppState>, Path((slug, id)): Path<(String, i64)>, headers: HeaderMap) -> Response {
    let (village, by) = match caller(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    match service::pdf(&state.db, &state.files, village.id, &by, id).await {
        Ok((name, bytes)) => {
            let disposition = format!("attachment; filename=\"{name}\"");
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => error_response(&e),
    }
}

#[derive(Debug, Deserialize)]
pub struct FileQuery {
    kecil: Option<u8>,
}

/// An attachment (or its thumbnail), never shown inline as anything but itself.
pub async fn file(
    State(state): State<AppState>,
    Path((slug, file_id)): Path<(String, i64)>,
    Query(q): Query<FileQuery>,
    headers: HeaderMap,
) -> Response {
    let (village, by) = match caller(&state, &headers, &slug).await {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    match service::file(&state.db, &state.files, village.id, &by, file_id, q.kecil == Some(1)).await {
        Ok((content_type, bytes)) => {
            let disposition = if content_type == "application/pdf" { "attachment" } else { "inline" };
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_str(&content_type)
                            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                    ),
                    (header::CONTENT_DISPOSITION, HeaderValue::from_static(disposition)),
                    (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400")),
                    (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => error_response(&e),
    }
}

/// The village's public key for checking letters offline: base64 (URL-safe, no padding) of the
/// raw 32-byte Ed25519 key, and how to use it.
pub async fn public_key(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let village = match crate::village::service::scope(&state.db, &slug).await {
        Ok(v) => v,
        Err(e) => return error_response(&e),
    };
    match service::public_key(&state.db, village.id).await {
        Ok(key) => {
            let title = crate::village::service::to_info(&village).title();
            let text = format!(
                "Kunci publik tanda tangan surat {title} (Ed25519, base64url tanpa padding):\n{key}\n\n\
                 Kode QR surat berisi alamat .../surat/cek/KODE?d=DATA&s=TANDA_TANGAN. DATA adalah teks surat \
                 (base64url, UTF-8): baris pertama DIGDAYA-SURAT-2, lalu baris kunci=nilai — desa, kode, nomor, \
                 jenis, tanggal, berlaku_sampai, penanda_tangan, jabatan, warga (nama), nik (4 angka terakhir), \
                 isian (label|nilai, boleh beberapa) dan dokumen (SHA-256 seluruh isi surat). TANDA_TANGAN adalah \
                 tanda tangan Ed25519 atas teks itu. Surat asli bila tanda tangan cocok dengan kunci ini dan \
                 data itu sama dengan yang tertulis di kertas. Surat lama (DIGDAYA-SURAT-1) hanya menjamin nomor, \
                 jenis, tanggal, penanda tangan dan nama tersamar. Tanpa internet: \
                 digdaya verify-letter --key KUNCI 'ALAMAT_QR'. Pencabutan surat hanya terlihat di halaman \
                 verifikasi (daring).\n"
            );
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
        }
        Err(e) => error_response(&e),
    }
}

/// Receives the village's logo for the letterhead (kades or sekdes) and returns to the settings.
pub async fn upload_logo(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    mode: Option<axum::Extension<SiteMode>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    use crate::auth::model::Role;
    let village = match crate::village::service::scope(&state.db, &slug).await {
        Ok(v) => v,
        Err(e) => return error_response(&e),
    };
    let token = guard::token_in(&headers);
    let allowed = match guard::signed_in_with(&state.db, token).await {
        Ok(who) => guard::decide(who.as_ref(), village.id, guard::Allow::Officials(&[Role::Kades, Role::Sekdes])),
        Err(e) => Err(e),
    };
    if let Err(e) = allowed {
        return error_response(&e);
    }
    let result = match crate::media::Upload::read(&mut form, "logo").await.file("Pilih berkas gambar logo desa.") {
        Err(m) => Err(AppError::Invalid(m)),
        Ok(bytes) => service::set_logo(&state.db, &state.files, &village, &bytes).await,
    };
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    back_to(&mode.path(&village.slug, "/admin/surat/pengaturan"), result.map(|()| String::new()), "logo")
}

/// The village's logo (public, as on its letters).
pub async fn logo(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let village = match crate::village::service::scope(&state.db, &slug).await {
        Ok(v) => v,
        Err(e) => return error_response(&e),
    };
    jpeg(service::logo(&state.files, &village).await, "public, max-age=300")
}
