//! `AppError`: the one error type that crosses the server-function boundary.
//!
//! Its messages are safe to show a villager (Bahasa Indonesia); details of internal failures are
//! logged on the server and never sent to the browser.

use serde::{Deserialize, Serialize};
use server_fn_error::*;

use crate::kit::form::Problem;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or exists in another village (both look the same on purpose).
    #[error("Data tidak ditemukan.")]
    NotFound,
    /// The action needs a signed-in user.
    #[error("Silakan masuk terlebih dahulu.")]
    Unauthenticated,
    /// The signed-in user's role does not allow the action.
    #[error("Anda tidak memiliki akses untuk tindakan ini.")]
    Forbidden,
    /// A resident signed in with the PIN an official issued and must choose their own first.
    #[error("Silakan ganti PIN Anda terlebih dahulu.")]
    PinChangeRequired,
    /// The request was wrong; the message says how, in words a user understands.
    #[error("{0}")]
    Invalid(String),
    /// A form refused: what to fix, field by field (nothing was saved). Every slice's forms
    /// answer this way; the page shows each problem beside its field.
    #[error("Periksa kembali isian yang ditandai.")]
    Refused(Vec<Problem>),
    /// The request conflicts with the thing's state now (changed meanwhile, revoked, taken).
    #[error("{0}")]
    Conflict(String),
    /// The upload or the request is larger than the server accepts.
    #[error("{0}")]
    TooLarge(String),
    /// Too many attempts or requests; the message says when to try again.
    #[error("{0}")]
    TooMany(String),
    /// The server is at its limit for this kind of work (sign-ins, file checks): try again soon.
    #[error("Server sedang sibuk. Silakan coba lagi sebentar lagi.")]
    Busy,
    /// Something failed on the server; the details are in the server log.
    #[error("Terjadi gangguan di server. Silakan coba lagi sebentar lagi.")]
    Internal,
    /// The request did not reach the server or could not be read (e.g. no signal).
    #[error("Tidak dapat menghubungi server: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The framework's message may quote the whole argument: a few words are enough.
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::Invalid(format!("Permintaan tidak valid: {}", short(&msg)))
            }
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::Response(msg) => AppError::Transport(short(&msg)),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %short(&other.to_string()), "server function failure");
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        // Data the database cannot store (SQLSTATE class 22: too long for its column, a NUL):
        // the request's fault, said as such.
        if let sea_orm::DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
        | sea_orm::DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) = &err
            && let Some(db) = e.as_database_error()
            && db.code().is_some_and(|c| c.starts_with("22"))
        {
            tracing::warn!(error = %short(&err.to_string()), "data refused by the database");
            return AppError::Invalid("Isian terlalu panjang atau berisi karakter yang tidak sah.".into());
        }
        tracing::error!(error = %short(&err.to_string()), "database error");
        if is_outage(&err) { AppError::Busy } else { AppError::Internal }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Nothing to fix, or the form's refusal with `problems`.
///
/// # Errors
/// [`AppError::Refused`] when there is a problem.
pub fn refuse_any(problems: Vec<Problem>) -> AppResult<()> {
    if problems.is_empty() { Ok(()) } else { Err(AppError::Refused(problems)) }
}

/// Whether `err` says the database itself is unreachable (not a bad query): answered 503,
/// and it opens `db::outage`'s circuit.
#[cfg(feature = "ssr")]
pub fn is_outage(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            e.as_ref(),
            sea_orm::sqlx::Error::Io(_)
                | sea_orm::sqlx::Error::PoolTimedOut
                | sea_orm::sqlx::Error::PoolClosed
                | sea_orm::sqlx::Error::WorkerCrashed
        ),
        _ => false,
    }
}

/// At most 200 characters of `text` (messages and logs stay bounded whatever was sent).
fn short(text: &str) -> String {
    let mut out: String = text.chars().take(200).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// A plain HTTP handler's refusal: its status and its message as text.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, [(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], self.to_string()).into_response()
    }
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::PinChangeRequired => 403,
            AppError::Invalid(_) => 400,
            AppError::Refused(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooLarge(_) => 413,
            AppError::TooMany(_) => 429,
            AppError::Busy => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}
