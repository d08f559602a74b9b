//! The village map: features officials draw or import (places by category, roads, rivers,
//! irrigation, fields), served with the village's boundary, its dusun and the population per
//! dusun as GeoJSON layers; the public map page, the officials' editor, and the deployment's
//! overview of all villages. Geometry itself (checks, point-in-polygon, simplification) is in
//! `geo/`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod formats;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "hydrate")]
mod view;
