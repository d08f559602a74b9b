//! The UMKM market: residents open shops (approved by the village's officials) and list their
//! products; buyers browse the catalogue of a village or a whole kecamatan/kabupaten and reach
//! the seller on WhatsApp. Photos go through `media` (checked by content, re-encoded, within the
//! market's size budgets).

pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
pub mod money;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
