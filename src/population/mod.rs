//! Population registry: areas (dusun → RW → RT), families (KK), residents, events (mutasi),
//! import/export in the incumbent's format, and statistics. The NIK/KK rules live in `nik.rs`,
//! the record rules in `record.rs`, the code lists in `codes.rs`; the demo generator in `seed.rs`.

pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod books;
pub mod codes;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod import;
pub mod model;
#[cfg(feature = "ssr")]
pub mod moves;
pub mod nik;
pub mod pages;
pub mod record;
#[cfg(feature = "ssr")]
pub mod registry;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sheet;
#[cfg(feature = "ssr")]
pub mod uploads;
