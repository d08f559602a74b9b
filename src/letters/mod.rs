//! Citizen services, letters: letter types per village (fields, attachments, numbering, body
//! template), requests from a phone or at the counter, their steps (`status.rs`), numbering at
//! signing, the PDF (`pdf.rs`), the Ed25519 signature and QR verification (`sign.rs`).

pub mod admin;
pub mod api;
pub mod catalog;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
pub mod numbering;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sign;
pub mod status;
pub mod template;
