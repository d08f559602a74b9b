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
    extract::{Path, Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::model::LetterItem;
use super::service::{self, By};
use crate::access::guard;
use crate::access::guard::InVillage;
use crate::db::entities::village;
use crate::error::AppError;
use crate::media::Upload;
use crate::outbox::http::{Delivery, Kept, Taker};
use crate::outbox::model::Outcome;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::web::{back_to, error_response, jpeg};

/// The village and whoever is signed in to it (its resident with their own PIN, or an official).
fn caller(here: InVillage) -> Result<(village::Model, By), AppError> {
    let InVillage { village, user } = here;
    guard::decide(user.as_ref(), village.id, guard::Allow::AnySignedIn)?;
    match user {
        Some(guard::User::Official(o)) => Ok((village, By::Official(o))),
        Some(guard::User::Resident(r)) if r.must_change_pin => Err(AppError::PinChangeRequired),
        Some(guard::User::Resident(r)) => Ok((village, By::Resident { id: r.id, name: r.name })),
        None => Err(AppError::Unauthenticated),
    }
}

/// Receives one attachment and returns to the request's page (with `?galat=` on a refusal).
pub async fn upload(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, i64)>,
    mode: SiteMode,
    here: InVillage,
    mut upload: Upload,
) -> Result<Response, AppError> {
    let (village, by) = caller(here)?;
    let result = match upload.file("berkas", "Pilih foto atau berkas PDF yang akan dilampirkan.") {
        Ok(bytes) => {
            service::attach(&state.db, &state.files, village.id, &by, id, &upload.text("lampiran"), &bytes).await
        }
        Err(e) => Err(e),
    };
    let page = match by {
        By::Resident { .. } => format!("/layanan/permohonan/{id}"),
        By::Official(_) | By::Partner { .. } => format!("/admin/surat/{id}"),
    };
    Ok(back_to(&mode.path(&village.slug, &page), result.map(|_| String::new()), "lampiran"))
}

/// The signed letter as a PDF.
pub async fn pdf(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, i64)>,
    here: InVillage,
) -> Result<Response, AppError> {
    let (village, by) = caller(here)?;
    match service::pdf(&state.db, &state.files, village.id, &by, id).await {
        Ok((name, bytes)) => Ok({
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
        }),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct FileQuery {
    kecil: Option<u8>,
}

/// An attachment (or its thumbnail), never shown inline as anything but itself.
pub async fn file(
    State(state): State<AppState>,
    Path((_, file_id)): Path<(String, i64)>,
    Query(q): Query<FileQuery>,
    here: InVillage,
) -> Result<Response, AppError> {
    let (village, by) = caller(here)?;
    match service::file(&state.db, &state.files, village.id, &by, file_id, q.kecil == Some(1)).await {
        Ok((content_type, bytes)) => Ok({
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
        }),
        Err(e) => Err(e),
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
    mode: SiteMode,
    InVillage { village, user }: InVillage,
    mut upload: Upload,
) -> Result<Response, AppError> {
    use crate::kit::caller::Role;
    guard::decide(user.as_ref(), village.id, guard::Allow::Officials(&[Role::Kades, Role::Sekdes]))?;
    let result = match upload.file("logo", "Pilih berkas gambar logo desa.") {
        Ok(bytes) => service::set_logo(&state.db, &state.files, &village, &bytes).await,
        Err(e) => Err(e),
    };
    Ok(back_to(&mode.path(&village.slug, "/admin/surat/pengaturan"), result.map(|()| String::new()), "logo"))
}

/// The village's logo (public, as on its letters).
pub async fn logo(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let village = match crate::village::service::scope(&state.db, &slug).await {
        Ok(v) => v,
        Err(e) => return error_response(&e),
    };
    jpeg(service::logo(&state.files, &village).await, "public, max-age=300")
}

/// The letter requests phones kept until there was a signal (`outbox`; registered in `slices.rs`).
pub const OUTBOX: Taker = Taker { kind: super::model::OUTBOX_KIND, apply: |d| Box::pin(from_outbox(d)), form };

/// The request form posted without the WASM: `type_id` and the letter type's fields by key.
fn form(fields: &crate::outbox::http::FormFields) -> Result<String, AppError> {
    let type_id = fields.get("type_id").and_then(|v| v.parse().ok()).ok_or(AppError::NotFound)?;
    let values = fields
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "jenis" | "kembali" | "type_id"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_json::to_string(&LetterItem { type_id, values }).map_err(|_| AppError::Internal)
}

/// A letter request: created, its files attached, and handed in when every required
/// attachment is there, in one transaction with the item's key (the files are checked and
/// stored before it).
async fn from_outbox(d: Delivery<'_>) -> Result<Kept, AppError> {
    use crate::letters::{
        service as letters,
        status::{Status, Step},
    };
    let input: LetterItem = d.data()?;
    let me = guard::resident_in(d.user.clone(), d.village.id, false)?;
    let by = letters::By::Resident { id: me.id, name: me.name.clone() };
    let (mut stored, mut catatan) = (Vec::new(), Vec::new());
    for (field, bytes) in d.files {
        let Some(attachment) = field.strip_prefix("berkas:") else { continue };
        match letters::store_attachment(&d.state.files, d.village.id, bytes).await {
            Ok(file) => stored.push((attachment, file)),
            Err(e) => catatan.push(format!("Satu lampiran tidak diterima: {e} Lampirkan lagi di halaman permohonan.")),
        }
    }
    let kept = async {
        let txn = d.begin().await?;
        // Made by an earlier version of the server that stopped midway (the key is on the
        // request): carried on with.
        let (id, status) = match letters::made_by_outbox(&*txn, d.village.id, d.key).await? {
            Some(made) => made,
            None => {
                let made =
                    letters::create_request_in(&*txn, d.village, &by, me.id, input.type_id, &input.values, Some(d.key));
                (made.await?, Status::BelumLengkap)
            }
        };
        let done = letters::attached(&*txn, id).await?;
        for (attachment, file) in &stored {
            if done.iter().any(|a| a == attachment) {
                continue;
            }
            match letters::add_attachment(&*txn, d.village.id, &by, id, attachment, file).await {
                Ok(_) => {}
                Err(e @ AppError::Invalid(_)) => {
                    catatan.push(format!("Satu lampiran tidak diterima: {e} Lampirkan lagi di halaman permohonan."));
                }
                Err(e) => return Err(e),
            }
        }
        // Handed in when complete; otherwise it waits as "Belum lengkap" for what is missing
        // (the resident adds it on the request's page), which is worth a note only if files
        // came along (and none was refused: that note already says to attach it again).
        if status == Status::BelumLengkap {
            match letters::step_in(&*txn, d.village, &by, id, Step::Submit, "").await {
                Ok(()) => {}
                Err(AppError::Invalid(m)) if !d.files.is_empty() && catatan.is_empty() => {
                    catatan.push(format!("{m} Lengkapi di halaman permohonan, lalu kirim."));
                }
                Err(AppError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let alamat = d.mode.path(&d.village.slug, &format!("/layanan/permohonan/{id}"));
        d.commit(txn, Outcome::Terkirim { alamat, ulang: false, catatan }).await
    }
    .await;
    if kept.is_err() {
        for (_, file) in &stored {
            file.remove(&d.state.files).await;
        }
    }
    kept
}

/// The letters' files.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        // Attachments (a photo or PDF, up to 5 MB), the signed PDF, attached files, the key. The
        // body may be twice the file limit, so a file a little too large is read whole and
        // refused with a message instead of a cut connection.
        .route(
            "/api/letters/{slug}/{id}/lampiran",
            post(upload).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        .route("/api/letters/{slug}/{id}/pdf", get(pdf))
        .route("/api/letters/{slug}/berkas/{file}", get(file))
        .route("/api/letters/{slug}/kunci", get(public_key))
        .route(
            "/api/letters/{slug}/logo",
            get(logo).post(upload_logo).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
}
