//! Citizen services, complaints (pengaduan): a resident (or a visitor, where the village allows)
//! reports a problem with a category, text, photos and a place; the place is matched to the
//! dusun/RW/RT it falls in; officials answer in a thread and move the report Baru → Diproses →
//! Selesai; resolved reports can be listed publicly without the reporter.

pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
