//! The regency view: a kecamatan's, kabupaten's or province's officer (role `wilayah`) sees the
//! figures of the villages in the region — population, letters signed per month, how fast
//! complaints are resolved, the market's size — and never a record of a person.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
