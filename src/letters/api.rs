//! Server functions of the letters slice: short, they find the village and the caller and call
//! the service. Files (attachments, the PDF) go through `http.rs`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::model::{
    LetterTypeForm, LetterTypeRow, LetterTypeView, QueuePage, RequestDetail, RequestRow, Settings, SettingsView,
    Values, Verdict,
};
use super::status::{Status, Step};
use crate::error::AppError;

#[cfg(feature = "ssr")]
async fn village(slug: &str) -> Result<(crate::state::AppState, crate::db::entities::village::Model), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, slug).await?;
    Ok((state, village))
}

/// The caller: the village's resident (own PIN chosen) or one of its officials.
#[cfg(feature = "ssr")]
async fn caller(
    slug: &str,
) -> Result<(crate::state::AppState, crate::db::entities::village::Model, super::service::By), AppError> {
    use crate::access::guard::{self, Allow, User};
    let (state, village) = village(slug).await?;
    let who = guard::require_user(&state.db, &village, Allow::AnySignedIn).await?;
    let by = match who {
        User::Official(o) => super::service::By::Official(o),
        User::Resident(r) if r.must_change_pin => return Err(AppError::PinChangeRequired),
        User::Resident(r) => super::service::By::Resident { id: r.id, name: r.name },
    };
    Ok((state, village, by))
}

#[cfg(feature = "ssr")]
async fn official(
    slug: &str,
    roles: &[crate::auth::model::Role],
) -> Result<(crate::state::AppState, crate::db::entities::village::Model, crate::access::guard::Official), AppError> {
    let (state, village) = village(slug).await?;
    let o = crate::access::guard::require(&state.db, &village, roles).await?;
    Ok((state, village, o))
}

/// The letters residents of the village may request online (public: no personal data).
#[server(endpoint = "letters/types")]
pub async fn letter_types(slug: String) -> Result<Vec<LetterTypeRow>, AppError> {
    let (state, village) = village(&slug).await?;
    super::service::types(&state.db, village.id, true).await
}

/// One letter type's fields and attachments, for the request form (public).
#[server(endpoint = "letters/type")]
pub async fn letter_type(slug: String, id: i64) -> Result<LetterTypeView, AppError> {
    let (state, village) = village(&slug).await?;
    super::service::type_view(&state.db, village.id, id).await
}

/// Every letter type of the village, for its officials.
#[server(endpoint = "letters/admin-types")]
pub async fn admin_letter_types(slug: String) -> Result<Vec<LetterTypeRow>, AppError> {
    let (state, village, _) = official(&slug, crate::auth::model::Role::VILLAGE).await?;
    super::service::types(&state.db, village.id, false).await
}

/// A letter type for its editor.
#[server(endpoint = "letters/type-form")]
pub async fn get_letter_type_form(slug: String, id: i64) -> Result<LetterTypeForm, AppError> {
    let (state, village, _) = official(&slug, crate::auth::model::Role::VILLAGE).await?;
    super::service::type_form(&state.db, village.id, id).await
}

/// Creates or changes a letter type (the kades and sekdes).
#[server(endpoint = "letters/save-type", input = Json)]
pub async fn save_letter_type(slug: String, id: Option<i64>, form: LetterTypeForm) -> Result<i64, AppError> {
    use crate::auth::model::Role;
    let (state, village, o) = official(&slug, &[Role::Kades, Role::Sekdes]).await?;
    super::service::save_type(&state.db, village.id, &o, id, &form).await
}

/// A resident asks for a letter about themselves (saved as Belum Lengkap until sent).
#[server(endpoint = "letters/request", input = Json)]
pub async fn request_letter(slug: String, type_id: i64, values: Values) -> Result<i64, AppError> {
    let (state, village) = village(&slug).await?;
    let me = crate::access::guard::require_resident(&state.db, &village, false).await?;
    let by = super::service::By::Resident { id: me.id, name: me.name };
    super::service::create_request(&state.db, &village, &by, me.id, type_id, &values).await
}

/// An official makes a letter for a resident at the counter (straight to the signer).
#[server(endpoint = "letters/walk-in", input = Json)]
pub async fn walk_in_letter(slug: String, resident_id: i64, type_id: i64, values: Values) -> Result<i64, AppError> {
    let (state, village, o) = official(&slug, crate::auth::model::Role::VILLAGE).await?;
    let by = super::service::By::Official(o);
    super::service::create_request(&state.db, &village, &by, resident_id, type_id, &values).await
}

/// The signed-in resident's requests.
#[server(endpoint = "letters/mine")]
pub async fn my_letters(slug: String) -> Result<Vec<RequestRow>, AppError> {
    let (state, village) = village(&slug).await?;
    let me = crate::access::guard::require_resident(&state.db, &village, false).await?;
    super::service::mine(&state.db, village.id, me.id).await
}

/// The members of the signed-in resident's family: the choices of a "resident" field.
#[server(endpoint = "letters/family")]
pub async fn my_family(slug: String) -> Result<Vec<(i64, String)>, AppError> {
    let (state, village) = village(&slug).await?;
    let me = crate::access::guard::require_resident(&state.db, &village, false).await?;
    super::service::family_choices(&state.db, village.id, me.id).await
}

/// One request, for its resident or the village's officials.
#[server(endpoint = "letters/detail")]
pub async fn letter_detail(slug: String, id: i64) -> Result<RequestDetail, AppError> {
    let (state, village, by) = caller(&slug).await?;
    super::service::detail(&state.db, &village, &by, id).await
}

/// A step on a request (send, send back, forward, refuse, cancel, complete).
#[server(endpoint = "letters/step")]
pub async fn letter_step(slug: String, id: i64, step: Step, reason: String) -> Result<(), AppError> {
    let (state, village, by) = caller(&slug).await?;
    super::service::step(&state.db, &village, &by, id, step, &reason).await
}

/// Signs a request: the number, the PDF, the QR (the kades, or the sekdes where allowed).
#[server(endpoint = "letters/sign")]
pub async fn sign_letter(slug: String, id: i64) -> Result<String, AppError> {
    let (state, village, o) = official(&slug, crate::auth::model::Role::VILLAGE).await?;
    let base = crate::site::public_base(&village);
    super::service::sign(&state.db, &village, &o, id, &base).await
}

/// The officials' queue: counts of every status and a page of one.
#[server(endpoint = "letters/queue")]
pub async fn letter_queue(slug: String, status: Option<Status>, at: crate::ui::PageAt) -> Result<QueuePage, AppError> {
    let (state, village, _) = official(&slug, crate::auth::model::Role::VILLAGE).await?;
    super::service::queue(&state.db, village.id, status, &at).await
}

/// Whether a letter is genuine (public: only what the letter's QR may show).
#[server(endpoint = "letters/verify")]
pub async fn verify_letter(slug: String, code: String, d: String, s: String) -> Result<Verdict, AppError> {
    let (state, village) = village(&slug).await?;
    super::service::verify(&state.db, &village, &code, &d, &s).await
}

/// How the village runs its letters, and whether it has a logo (its officials).
#[server(endpoint = "letters/settings")]
pub async fn letter_settings(slug: String) -> Result<SettingsView, AppError> {
    let (_, village, _) = official(&slug, crate::auth::model::Role::VILLAGE).await?;
    Ok(SettingsView { settings: super::service::settings(&village), has_logo: village.logo_path.is_some() })
}

/// Changes how the village runs its letters (kades or sekdes).
#[server(endpoint = "letters/save-settings", input = Json)]
pub async fn save_letter_settings(slug: String, settings: Settings) -> Result<(), AppError> {
    use crate::auth::model::Role;
    let (state, village, _) = official(&slug, &[Role::Kades, Role::Sekdes]).await?;
    let paper = settings.paper.trim().to_uppercase();
    if paper != "A4" && paper != "F4" {
        return Err(AppError::Invalid("Ukuran kertas harus A4 atau F4.".into()));
    }
    let settings = Settings { paper, ..settings };
    crate::village::service::save_setting(&state.db, village.id, "letters", &settings).await
}

/// This slice's server functions that only read: calling one leaves the page cache's kept
/// answers alone (`cache`; registered in `slices.rs`).
#[cfg(feature = "ssr")]
pub const READS: &[&str] = &[
    <LetterTypes as leptos::server_fn::ServerFn>::PATH,
    <GetLetterTypeForm as leptos::server_fn::ServerFn>::PATH,
    <MyLetters as leptos::server_fn::ServerFn>::PATH,
    <MyFamily as leptos::server_fn::ServerFn>::PATH,
];
