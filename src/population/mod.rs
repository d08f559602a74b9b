//! Population registry: areas (dusun → RW → RT), families (KK), residents, and the public
//! aggregate statistics. The NIK/KK rules live in `nik.rs`; the demo generator in `seed.rs`.

pub mod api;
pub mod model;
pub mod nik;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod service;
