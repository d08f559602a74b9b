//! `AppError`: the one error type that crosses the server-function boundary.
//!
//! Its messages are safe to show a villager (Bahasa Indonesia); details of internal failures are
//! logged on the server and never sent to the browser.

use serde::{Deserialize, Serialize};
use server_fn_error::*;

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
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::Invalid(format!("Permintaan tidak valid: {msg}"))
            }
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::Response(msg) => AppError::Transport(msg),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

pub type AppResult<T> = Result<T, AppError>;
