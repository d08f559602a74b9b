//! Geometry the village needs on the server: GeoJSON polygons of the village and its dusun/RW/RT,
//! "which area is this point in" (complaints, later shops and houses), and the map component
//! (`map.rs`) that shows them in the browser.
//!
//! Coordinates are WGS84 `[lng, lat]` as GeoJSON writes them.

pub mod map;

#[cfg(feature = "ssr")]
pub mod feature;
#[cfg(feature = "ssr")]
pub mod shape;
#[cfg(feature = "ssr")]
pub mod village;
