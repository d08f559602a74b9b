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
pub mod chart;
pub mod complaints;
pub mod error;
pub mod geo;
pub mod kit;
pub mod letters;
pub mod map;
pub mod market;
pub mod outbox;
pub mod population;
pub mod portal;
pub mod pwa;
pub mod regency;
pub mod region;
pub mod site;
pub mod ui;
pub mod village;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod backup;
#[cfg(feature = "ssr")]
pub mod bounded;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod edges;
#[cfg(feature = "ssr")]
pub mod media;
#[cfg(feature = "ssr")]
pub mod net;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod slices;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod web;

#[cfg(all(test, feature = "ssr"))]
mod fuzz;
#[cfg(test)]
mod test_alloc;

/// Unit tests count what each thread allocates (`test_alloc`): parsers are held to memory bounds.
#[cfg(test)]
#[global_allocator]
static TEST_ALLOCATOR: test_alloc::Counting = test_alloc::Counting;

/// Room for wasm-split (see BENCHMARKS.md, "WASM: why the main module grew"). When it moves each
/// lazily loaded page's constants into that page's chunk, every chunk's share is aligned again,
/// which makes the read-only data a few hundred bytes longer than the linker laid it out. If the
/// result does not fit in the original segment, wasm-split keeps *all* constants in the main
/// module (+24 KB brotli). This block is kept by the linker but referenced by no code, so it
/// lands in no output module: it only lengthens the input segment. Non-zero, so that it stays in
/// `.rodata` rather than `.bss`.
#[cfg(feature = "hydrate")]
#[used]
static SPLIT_SLACK: [u8; 4096] = [0x5a; 4096];

/// Entry point of the WASM build: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Like `hydrate_lazy` (a page loaded directly on a lazy route loads its chunk before
    // hydrating), then marks the body once every part of the page answers to input: tests wait
    // for `data-hydrated`, and an effect set earlier would fire while the chunk is still loading.
    wasm_bindgen_futures::spawn_local(async {
        let handle =
            leptos::mount::hydrate_from_async(leptos::prelude::document().body().expect("body"), app::App).await;
        handle.forget();
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
