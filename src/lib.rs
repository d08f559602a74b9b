//! Digdaya: a village information system, public portal, population registry, citizen services,
//! UMKM market and village map, for many Indonesian villages in one deployment.
//!
//! One crate, two builds: `ssr` (the axum server binary, see `main.rs`) and `hydrate` (the WASM
//! library that hydrates the server-rendered pages). Code is sliced by domain; each slice keeps
//! its shared model, its server functions, its server-only service and its pages together.

pub mod account;
pub mod app;
pub mod audit;
pub mod auth;
pub mod complaints;
pub mod error;
pub mod geo;
pub mod letters;
pub mod population;
pub mod region;
pub mod site;
pub mod ui;
pub mod village;

#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod media;
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WASM build: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // hydrate_lazy: a page loaded directly on a lazy route loads its chunk before hydrating.
    leptos::mount::hydrate_lazy(app::App);
}
