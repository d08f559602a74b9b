//! The outbox's endpoint (server only).
//!
//! `POST /api/outbox/{slug}`: a multipart batch of up to `MAX_ITEMS` items. Item `i` is the
//! fields `{i}/kunci` (its key, UUID v4), `{i}/jenis` (`surat`, `pengaduan`, `produk`),
//! `{i}/data` (JSON: `LetterItem`, `ReportInput`, `ProductItem`) and its files `{i}/foto`
//! (a report's photos) or `{i}/berkas:{attachment}` (a letter's). The answer is JSON `Answer`:
//! one `Outcome` per item, in order. Each item is applied with the sender's session (the
//! cookie), through its slice's service, once per key.

use axum::{
    Json,
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use super::model::{Answer, Kind, LetterItem, Outcome, ProductItem, valid_key};
use super::service::{self, Claim};
use crate::auth::guard::{self, User};
use crate::db::entities::village;
use crate::error::AppError;
use crate::site::SiteMode;
use crate::state::AppState;

/// Items in one batch (a phone sends more in several).
pub const MAX_ITEMS: usize = 100;
/// Files in one item.
pub const MAX_FILES: usize = 6;
/// The whole request's body (the phone shrinks photos before keeping them).
pub const MAX_BODY: usize = 30 * 1024 * 1024;
/// …and from a visitor who is not signed in (declared before anything is read).
pub const MAX_VISITOR_BODY: usize = 8 * 1024 * 1024;

/// One item as it arrived.
#[derive(Default)]
struct Item {
    key: String,
    kind: String,
    /// Whose the phone says it is: the owner tag of whoever made it, empty for a visitor.
    owner: Option<String>,
    data: String,
    files: Vec<(String, Vec<u8>)>,
    /// Why it cannot be applied as it came (a file too large, too many files).
    problem: Option<String>,
}

fn refusal(status: StatusCode, pesan: String) -> Response {
    (status, Json(Answer { hasil: vec![Outcome::refused(pesan)] })).into_response()
}

/// `POST /api/outbox/{slug}`
pub async fn send(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    mode: Option<axum::Extension<SiteMode>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let mode = mode.map(|m| m.0).unwrap_or(SiteMode::Deployment);
    let village = match crate::village::service::scope_for(&state.db, &slug, &mode).await {
        Ok(v) => v,
        Err(e) => return refusal(StatusCode::NOT_FOUND, e.to_string()),
    };
    // Who sends it is known before the body is read: a visitor's batch (a report or two with
    // their photos) is far smaller than a signed-in user's, and larger ones are refused unread.
    let user = match guard::signed_in_with(&state.db, guard::token_in(&headers)).await {
        Ok(user) => user,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let declared =
        headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if user.is_none() && declared.is_none_or(|n| n > MAX_VISITOR_BODY) {
        return refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Kiriman tanpa masuk paling besar 8 MB; masuk dulu, atau kirim lebih sedikit foto.".into(),
        );
    }
    let items = match read(&mut form).await {
        Ok(items) => items,
        Err(message) => return refusal(StatusCode::BAD_REQUEST, message),
    };
    service::forget_old_now_and_then(&state.db).await;
    let mut hasil = Vec::with_capacity(items.len());
    for item in items {
        hasil.push(apply(&state, &village, user.clone(), &mode, item).await);
    }
    Json(Answer { hasil }).into_response()
}

/// Reads the batch, item by item.
async fn read(form: &mut Multipart) -> Result<Vec<Item>, String> {
    let mut items: Vec<Item> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err("Kiriman terputus atau terlalu besar; akan dicoba lagi.".into()),
        };
        let name = field.name().unwrap_or_default().to_string();
        let Some((index, part)) =
            name.split_once('/').and_then(|(i, p)| Some((i.parse::<usize>().ok()?, p.to_string())))
        else {
            continue;
        };
        if index >= MAX_ITEMS || index > items.len() {
            return Err(format!("Paling banyak {MAX_ITEMS} kiriman sekaligus, berurutan."));
        }
        if index == items.len() {
            items.push(Item::default());
        }
        let bytes = field.bytes().await.map_err(|_| "Kiriman terputus; akan dicoba lagi.".to_string())?;
        let item = &mut items[index];
        match part.as_str() {
            "kunci" => item.key = String::from_utf8_lossy(&bytes).trim().to_string(),
            "jenis" => item.kind = String::from_utf8_lossy(&bytes).trim().to_string(),
            "pemilik" => item.owner = Some(String::from_utf8_lossy(&bytes).trim().chars().take(40).collect()),
            "data" => item.data = String::from_utf8_lossy(&bytes).into_owned(),
            _ if bytes.is_empty() => {}
            _ if item.files.len() >= MAX_FILES => {
                item.problem = Some(format!("Paling banyak {MAX_FILES} foto dalam satu kiriman."));
            }
            _ if bytes.len() > crate::media::MAX_BYTES => {
                item.problem = Some("Sebuah foto lebih besar dari 5 MB; pilih foto yang lebih kecil.".into());
            }
            _ => item.files.push((part, bytes.to_vec())),
        }
    }
    Ok(items)
}

/// Applies one item once: a repeat of its key gets the first result.
async fn apply(state: &AppState, village: &village::Model, user: Option<User>, mode: &SiteMode, item: Item) -> Outcome {
    if !valid_key(&item.key) {
        return Outcome::refused("Kiriman ini rusak (tanpa kunci yang sah). Hapus, lalu buat lagi.");
    }
    let Some(kind) = Kind::parse(&item.kind) else {
        return Outcome::refused("Jenis kiriman ini tidak dikenal. Hapus, lalu buat lagi.");
    };
    if let Some(problem) = item.problem {
        return Outcome::refused(problem);
    }
    // Whose it is decides whose session applies it: a visitor's item goes out as a visitor's
    // even if somebody is signed in now; a user's only under that user's session.
    let current = user.as_ref().map(crate::auth::owner::owner_tag);
    let user = match item.owner.as_deref() {
        Some("") => None,
        Some(owner) if current.as_deref() != Some(owner) => {
            return Outcome::Menunggu {
                pesan: "Kiriman ini dibuat oleh akun lain di ponsel ini; terkirim setelah pemiliknya masuk lagi."
                    .into(),
            };
        }
        // Named by its owner, or from a phone whose script does not name owners yet.
        _ => user,
    };
    let owner = user.as_ref().map(crate::auth::owner::owner_tag);
    match service::claim(&state.db, village.id, &item.key, kind, owner.as_deref()).await {
        Ok(Claim::New) => {}
        Ok(Claim::Done(Outcome::Terkirim { alamat, catatan, .. })) => {
            return Outcome::Terkirim { alamat, ulang: true, catatan };
        }
        Ok(Claim::Done(other)) => return other,
        Ok(Claim::Busy) => return Outcome::Menunggu { pesan: "Sedang diproses server; dicek lagi sebentar.".into() },
        Ok(Claim::Foreign) => return Outcome::refused("Kunci kiriman ini milik pengguna lain. Hapus, lalu buat lagi."),
        Err(_) => return Outcome::Menunggu { pesan: AppError::Internal.to_string() },
    }
    let applied = match kind {
        Kind::Letter => letter(state, village, user, mode, &item).await,
        Kind::Report => report(state, village, user, mode, &item).await,
        Kind::Product => product(state, village, user, mode, &item).await,
    };
    let kept = match &applied {
        Ok(outcome @ Outcome::Terkirim { .. }) => service::finish(&state.db, village.id, &item.key, outcome).await,
        _ => service::release(&state.db, village.id, &item.key).await,
    };
    if let Err(e) = kept {
        tracing::error!(error = %e, key = %item.key, "outbox: key not updated");
    }
    match applied {
        Ok(outcome) => outcome,
        // The server's own trouble: the phone keeps the item and sends it again later.
        Err(AppError::Internal | AppError::Transport(_)) => Outcome::Menunggu { pesan: AppError::Internal.to_string() },
        Err(e @ (AppError::Busy | AppError::TooMany(_))) => Outcome::Menunggu { pesan: e.to_string() },
        Err(AppError::Unauthenticated) => Outcome::refused(
            "Anda belum masuk (atau sesi sudah berakhir). Masuk lagi sebagai warga desa ini, lalu ketuk \"Kirim lagi\".",
        ),
        Err(e) => Outcome::refused(e.to_string()),
    }
}

fn data<T: serde::de::DeserializeOwned>(item: &Item) -> Result<T, AppError> {
    serde_json::from_str(&item.data)
        .map_err(|_| AppError::Invalid("Isi kiriman ini tidak terbaca. Hapus, lalu buat lagi.".into()))
}

/// A letter request: created, its photos attached, and handed in when every required
/// attachment is there.
async fn letter(
    state: &AppState,
    village: &village::Model,
    user: Option<User>,
    mode: &SiteMode,
    item: &Item,
) -> Result<Outcome, AppError> {
    use crate::letters::{
        service as letters,
        status::{Status, Step},
    };
    let input: LetterItem = data(item)?;
    guard::decide(user.as_ref(), village.id, guard::Allow::Residents)?;
    let Some(User::Resident(me)) = user else { return Err(AppError::Forbidden) };
    if me.must_change_pin {
        return Err(AppError::PinChangeRequired);
    }
    let by = letters::By::Resident { id: me.id, name: me.name.clone() };
    // Made before the server stopped midway (the key is on the request): carry on with it.
    let (id, status) = match letters::made_by_outbox(&state.db, village.id, &item.key).await? {
        Some(made) => made,
        None => match letters::create_request_from(
            &state.db,
            village,
            &by,
            me.id,
            input.type_id,
            &input.values,
            Some(&item.key),
        )
        .await?
        {
            Ok(id) => (id, Status::BelumLengkap),
            Err(problems) => return Ok(Outcome::problems(problems)),
        },
    };
    let done = letters::attached(&state.db, id).await?;
    let mut catatan = Vec::new();
    for (field, bytes) in &item.files {
        let Some(attachment) = field.strip_prefix("berkas:") else { continue };
        if done.iter().any(|a| a == attachment) {
            continue;
        }
        if let Err(e) = letters::attach(&state.db, &state.files, village.id, &by, id, attachment, bytes).await {
            catatan.push(format!("Satu lampiran tidak diterima: {e} Lampirkan lagi di halaman permohonan."));
        }
    }
    if status != Status::BelumLengkap {
        return Ok(Outcome::Terkirim {
            alamat: mode.path(&village.slug, &format!("/layanan/permohonan/{id}")),
            ulang: false,
            catatan,
        });
    }
    // Handed in when complete; otherwise it waits as "Belum lengkap" for what is missing (the
    // resident adds it on the request's page), which is worth a note only if photos came along
    // (and none was refused: that note already says to attach it again).
    // The request exists from here on, so no failure may give the key back (a retry would make
    // a second request): what did not happen is a note.
    match letters::step(&state.db, village, &by, id, Step::Submit, "").await {
        Ok(()) => {}
        Err(AppError::Invalid(m)) if !item.files.is_empty() && catatan.is_empty() => {
            catatan.push(format!("{m} Lengkapi di halaman permohonan, lalu kirim."));
        }
        Err(AppError::Invalid(_)) => {}
        Err(e) => catatan.push(format!(
            "Permohonan tersimpan, tetapi belum terkirim ke petugas ({e}) Kirim dari halaman permohonan."
        )),
    }
    Ok(Outcome::Terkirim {
        alamat: mode.path(&village.slug, &format!("/layanan/permohonan/{id}")),
        ulang: false,
        catatan,
    })
}

/// A report, then its photos.
async fn report(
    state: &AppState,
    village: &village::Model,
    user: Option<User>,
    mode: &SiteMode,
    item: &Item,
) -> Result<Outcome, AppError> {
    use crate::complaints::{model::Reported, service as complaints};
    let input: crate::complaints::model::ReportInput = data(item)?;
    let who = complaints::Who::of(user, village)?;
    let visitor = matches!(who, complaints::Who::Visitor);
    // Made before the server stopped midway (the key is on the report): its photos so far.
    let (id, token, mut skip) = match complaints::made_by_outbox(&state.db, village.id, &item.key).await? {
        Some((id, photos, secret)) => (id, visitor.then_some(secret), photos),
        None => match complaints::report_from(&state.db, village, &who, &input, Some(&item.key)).await? {
            Reported::Done { id, token } => (id, token, 0),
            Reported::Problems(problems) => return Ok(Outcome::problems(problems)),
        },
    };
    let mut catatan = Vec::new();
    for (field, bytes) in &item.files {
        if field != "foto" {
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if let Err(e) = complaints::attach(&state.db, &state.files, village, &who, id, token.as_deref(), bytes).await {
            catatan.push(format!("Satu foto tidak diterima: {e}"));
        }
    }
    let query = token.map(|t| format!("?t={t}")).unwrap_or_default();
    Ok(Outcome::Terkirim {
        alamat: mode.path(&village.slug, &format!("/pengaduan/{id}{query}")),
        ulang: false,
        catatan,
    })
}

/// A product added or changed in one of the seller's shops.
async fn product(
    state: &AppState,
    village: &village::Model,
    user: Option<User>,
    mode: &SiteMode,
    item: &Item,
) -> Result<Outcome, AppError> {
    let input: ProductItem = data(item)?;
    use crate::market::service as market;
    let seller = market::Seller::of(user, village)?;
    // A product this item added before the server stopped midway is changed, not added again.
    let id = match input.id {
        Some(id) => Some(id),
        None => market::made_by_outbox(&state.db, village.id, &item.key).await?,
    };
    match market::save_product_from(&state.db, village, &seller, input.shop, id, &input.input, Some(&item.key)).await? {
        Ok(id) => Ok(Outcome::Terkirim {
            alamat: mode.path(&village.slug, &format!("/pasar/kelola/{}?produk={id}#produk-{id}", input.shop)),
            ulang: false,
            catatan: Vec::new(),
        }),
        Err(problems) => Ok(Outcome::problems(problems)),
    }
}
