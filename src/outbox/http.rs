//! The outbox's endpoint (server only).
//!
//! `POST /api/outbox/{slug}`: a multipart batch of up to `MAX_ITEMS` items. Item `i` is the
//! fields `{i}/kunci` (its key, UUID v4), `{i}/jenis` (`surat`, `pengaduan`, `produk`),
//! `{i}/data` (JSON: what the kind's slice reads, e.g. `LetterItem`, `ReportInput`,
//! `ProductItem`) — or `{i}/formulir` (JSON: a form's fields by name, queued by the page before
//! the WASM arrived, read as that form posted plainly would be) — and its files `{i}/foto` (a
//! report's photos) or `{i}/berkas:{attachment}` (a letter's). The answer is JSON `Answer`:
//! one `Outcome` per item, in order. Each item is applied with the sender's session (the
//! cookie), once per key, by the [`Taker`] its slice registered for its kind (`slices.rs` lists
//! them); the outbox knows no slice.
use std::future::Future;
use std::pin::Pin;

use axum::{
    Json,
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use super::model::{Answer, Kind, Outcome, valid_key};
use super::service::{self, Earlier};
use crate::access::guard::{self, User};
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
    /// A form the page queued before the WASM arrived: its fields, which the kind's
    /// `Taker::form` turns into `data`.
    form: Option<FormFields>,
    files: Vec<(String, Vec<u8>)>,
    /// Why it cannot be applied as it came (a file too large, too many files).
    problem: Option<String>,
}

fn refusal(status: StatusCode, pesan: String) -> Response {
    (status, Json(Answer { hasil: vec![Outcome::refused(pesan)] })).into_response()
}

/// One item handed to its slice: where, by whom, and what it carries.
pub struct Delivery<'a> {
    pub state: &'a AppState,
    pub village: &'a village::Model,
    /// The session the item is applied under (`None`: a visitor's item).
    pub user: Option<User>,
    pub mode: &'a SiteMode,
    /// The item's idempotency key, for the slice to keep on what it makes (`made_by_outbox`).
    pub key: &'a str,
    /// Its files: (field name after `{i}/`, bytes), each within `media::MAX_BYTES`.
    pub files: &'a [(String, Vec<u8>)],
    data: &'a str,
    kind: Kind,
    /// The owner tag the key is kept under (`None`: a visitor's item).
    owner: Option<String>,
}

/// An item applied and its key's result kept with it, in one transaction (only
/// [`Delivery::commit`] makes one).
pub struct Kept(Outcome);

impl Delivery<'_> {
    /// What the item carries, as the slice's type.
    ///
    /// # Errors
    /// `Invalid` (the phone deletes the item) when it is not that type's JSON.
    pub fn data<T: serde::de::DeserializeOwned>(&self) -> Result<T, AppError> {
        serde_json::from_str(self.data)
            .map_err(|_| AppError::Invalid("Isi kiriman ini tidak terbaca. Hapus, lalu buat lagi.".into()))
    }

    /// Begins the item's one transaction, holding its key: everything the item makes goes in
    /// it, then [`Delivery::commit`]. Slow work (photos) comes before, so that other writers do
    /// not wait for it.
    ///
    /// # Errors
    /// `Busy` when another request holds the key (its result is then answered); database
    /// failures.
    pub async fn begin(&self) -> Result<crate::db::Write, AppError> {
        let txn = crate::db::Write::begin(&self.state.db).await?;
        if service::hold(&*txn, self.village.id, self.key, self.kind, self.owner.as_deref()).await? {
            Ok(txn)
        } else {
            Err(AppError::Busy)
        }
    }

    /// Keeps `outcome` as the key's first result and commits the item's transaction.
    ///
    /// # Errors
    /// Database failures (nothing of the item is kept).
    pub async fn commit(&self, txn: crate::db::Write, outcome: Outcome) -> Result<Kept, AppError> {
        service::keep(&*txn, self.village.id, self.key, &outcome).await?;
        txn.commit().await?;
        Ok(Kept(outcome))
    }
}

/// What applying an item comes to: its outcome kept with what it made, or an error (the
/// server's own trouble keeps the item on the phone; anything else refuses it; nothing of it
/// is kept either way).
pub type Applied<'a> = Pin<Box<dyn Future<Output = Result<Kept, AppError>> + Send + 'a>>;

/// The text fields of a form posted without the WASM, by name (the last of a name counts).
pub type FormFields = std::collections::BTreeMap<String, String>;

/// How a slice takes the items of its kind.
#[derive(Clone, Copy)]
pub struct Taker {
    pub kind: Kind,
    pub apply: for<'a> fn(Delivery<'a>) -> Applied<'a>,
    /// The item's data (the JSON `apply` reads) from the fields of the slice's form posted
    /// without the WASM.
    pub form: fn(&FormFields) -> Result<String, AppError>,
}

/// The outbox's routes, taking the items of the kinds in `takers`: a phone's batch, and one
/// item posted as a plain form (before or without the WASM).
pub fn routes(takers: &'static [Taker]) -> axum::Router<AppState> {
    use axum::{extract::DefaultBodyLimit, routing::post};
    axum::Router::new()
        .route("/api/outbox/{slug}", post(send).layer(DefaultBodyLimit::max(MAX_BODY)))
        .route("/api/outbox/{slug}/formulir", post(plain).layer(DefaultBodyLimit::max(MAX_VISITOR_BODY)))
        .layer(axum::Extension(takers))
}

/// The field of a plain form that says what it is, not what it carries.
const FORM_KIND: &str = "jenis";

/// `POST /api/outbox/{slug}/formulir`: a form the page posted by itself (a tap before the WASM
/// arrived, or a phone without it): fields `jenis` (the kind), `kembali` (the form's page), the
/// form's own fields and its files. Applied as one item with a key of the server's own, under
/// the sender's session; then to the item's page (303), or the form's page again with what was
/// sent and what is wrong (422) — nothing typed is lost.
async fn plain(
    State(state): State<AppState>,
    axum::Extension(takers): axum::Extension<&'static [Taker]>,
    Path(slug): Path<String>,
    mode: SiteMode,
    req: axum::extract::Request,
) -> Response {
    use axum::extract::FromRequest;
    let village = match crate::village::service::scope_for(&state.db, &slug, &mode).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let (headers, extensions) = (req.headers().clone(), req.extensions().clone());
    let user = match guard::signed_in_with(&state.db, guard::token_in(&headers)).await {
        Ok(user) => user,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let mut form = match Multipart::from_request(req, &state).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let (fields, files, problem) = read_form(&mut form).await;
    let page = match crate::web::form_page(&fields, &mode.path(&village.slug, "")) {
        Ok(page) => page,
        Err(e) => return e.into_response(),
    };
    let again = |problems: Vec<crate::kit::form::Problem>, message: Option<String>| {
        let submitted = crate::kit::form::Submitted { values: fields.clone(), problems, message };
        let (state, headers, extensions, page) = (&state, &headers, &extensions, page.clone());
        async move { crate::web::form_again(state, headers, extensions, &page, submitted).await }
    };
    let kind = fields.get(FORM_KIND).map(String::as_str).unwrap_or_default();
    let Some(taker) = takers.iter().find(|t| t.kind.as_str() == kind) else {
        return again(Vec::new(), Some("Jenis formulir ini tidak dikenal.".into())).await;
    };
    if let Some(problem) = problem {
        return again(Vec::new(), Some(problem)).await;
    }
    let data = match (taker.form)(&fields) {
        Ok(data) => data,
        Err(AppError::Refused(problems)) => return again(problems, None).await,
        Err(e) => return again(Vec::new(), Some(e.to_string())).await,
    };
    let owner = user.as_ref().map(crate::auth::owner::owner_tag);
    let item =
        Item { key: super::model::new_key(), kind: kind.to_string(), owner, data, form: None, files, problem: None };
    match apply(&state, takers, &village, user, &mode, item).await {
        Outcome::Terkirim { alamat, .. } => axum::response::Redirect::to(&alamat).into_response(),
        Outcome::Gagal { pesan, masalah } => again(masalah, Some(pesan).filter(|p| !p.is_empty())).await,
        Outcome::Menunggu { pesan } => again(Vec::new(), Some(pesan)).await,
    }
}

/// A plain form's text fields and files (each within `media::MAX_BYTES`, at most `MAX_FILES`),
/// and why it cannot be taken whole, if so.
async fn read_form(form: &mut Multipart) -> (FormFields, Vec<(String, Vec<u8>)>, Option<String>) {
    let (mut fields, mut files, mut problem) = (FormFields::new(), Vec::new(), None);
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                problem = Some("Kiriman terputus atau terlalu besar (paling besar 8 MB); kirim lagi.".into());
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let Ok(bytes) = field.bytes().await else {
            problem = Some("Kiriman terputus; kirim lagi.".into());
            break;
        };
        if !is_file {
            fields.insert(name, String::from_utf8_lossy(&bytes).trim().to_string());
        } else if bytes.is_empty() {
            // A file input left empty.
        } else if files.len() >= MAX_FILES {
            problem = Some(format!("Paling banyak {MAX_FILES} foto dalam satu kiriman."));
        } else if bytes.len() > crate::media::MAX_BYTES {
            problem = Some("Sebuah foto lebih besar dari 5 MB; pilih foto yang lebih kecil.".into());
        } else {
            files.push((name, bytes.to_vec()));
        }
    }
    (fields, files, problem)
}

/// `POST /api/outbox/{slug}`
async fn send(
    State(state): State<AppState>,
    axum::Extension(takers): axum::Extension<&'static [Taker]>,
    Path(slug): Path<String>,
    mode: SiteMode,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
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
        hasil.push(apply(&state, takers, &village, user.clone(), &mode, item).await);
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
            "formulir" => match serde_json::from_slice::<FormFields>(&bytes) {
                Ok(fields) => item.form = Some(fields),
                Err(_) => item.problem = Some("Isian formulir ini tidak terbaca. Hapus, lalu isi lagi.".into()),
            },
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
async fn apply(
    state: &AppState,
    takers: &[Taker],
    village: &village::Model,
    user: Option<User>,
    mode: &SiteMode,
    mut item: Item,
) -> Outcome {
    if !valid_key(&item.key) {
        return Outcome::refused("Kiriman ini rusak (tanpa kunci yang sah). Hapus, lalu buat lagi.");
    }
    let Some(taker) = takers.iter().find(|t| t.kind.as_str() == item.kind) else {
        return Outcome::refused("Jenis kiriman ini tidak dikenal. Hapus, lalu buat lagi.");
    };
    if let Some(problem) = item.problem {
        return Outcome::refused(problem);
    }
    if let Some(fields) = item.form.take() {
        match (taker.form)(&fields) {
            Ok(data) => item.data = data,
            Err(AppError::Refused(problems)) => return Outcome::problems(problems),
            Err(e) => return Outcome::refused(e.to_string()),
        }
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
    let answered = |first: Outcome| match first {
        Outcome::Terkirim { alamat, catatan, .. } => Outcome::Terkirim { alamat, ulang: true, catatan },
        other => other,
    };
    match service::earlier(&state.db, village.id, &item.key, owner.as_deref()).await {
        Ok(Earlier::Nothing) => {}
        Ok(Earlier::Done(first)) => return answered(first),
        Ok(Earlier::Foreign) => {
            return Outcome::refused("Kunci kiriman ini milik pengguna lain. Hapus, lalu buat lagi.");
        }
        Err(_) => return Outcome::Menunggu { pesan: AppError::Internal.to_string() },
    }
    let delivery = Delivery {
        state,
        village,
        user,
        mode,
        key: &item.key,
        files: &item.files,
        data: &item.data,
        kind: taker.kind,
        owner: owner.clone(),
    };
    let applied = (taker.apply)(delivery).await;
    if applied.is_err()
        && let Ok(Earlier::Done(first)) = service::earlier(&state.db, village.id, &item.key, owner.as_deref()).await
    {
        // Another request with the same key was applied meanwhile: its result.
        return answered(first);
    }
    match applied {
        Ok(Kept(outcome)) => outcome,
        // The server's own trouble: the phone keeps the item and sends it again later.
        Err(AppError::Internal | AppError::Transport(_)) => Outcome::Menunggu { pesan: AppError::Internal.to_string() },
        Err(e @ (AppError::Busy | AppError::TooMany(_))) => Outcome::Menunggu { pesan: e.to_string() },
        Err(AppError::Refused(problems)) => Outcome::problems(problems),
        Err(AppError::Unauthenticated) => Outcome::refused(
            "Anda belum masuk (atau sesi sudah berakhir). Masuk lagi sebagai warga desa ini, lalu ketuk \"Kirim lagi\".",
        ),
        Err(e) => Outcome::refused(e.to_string()),
    }
}
