//! The installable app (a PWA) that keeps working in blank spots.
//!
//! - `build.rs` [ssr]: the build's version, a hash of the WASM/JS/CSS it serves. Pages load
//!   those files from `/v/{build}/pkg/…`, addresses that never change content (cached for a
//!   year), so a page never runs one build's JS with another build's WASM.
//! - `icons.rs` [ssr]: the app's icons (192/512 px, "any" and "maskable"), drawn in code.
//! - `http.rs` [ssr]: the web app manifest of each village, the icons and the service worker
//!   (`sw.js` with the build's version written in, so that a deployment replaces it).
//! - `sw.js`: the service worker: versioned caches, pages network-first with the cached copy
//!   when there is no signal, immutable files cache-first, map layers and tiles kept.
//! - `public/pwa.js`: what every page runs: registers the worker, the offline/online banner, the
//!   install button, and full-page navigation while offline (served from the cache).

#[cfg(feature = "ssr")]
pub mod build;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod icons;

/// The colour of the app's bar and icons (also the theme colour of the pages).
pub const THEME: &str = "#0b6e4f";
