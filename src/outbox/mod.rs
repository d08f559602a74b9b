//! The outbox: what a resident sends from a phone (a letter request with photos, a report with
//! photos and its place, a product edit) is kept on the phone first and sent when there is a
//! signal, exactly once.
//!
//! - `public/pwa.js` keeps the items in IndexedDB, each with an idempotency key (UUID v4) made
//!   when the user pressed send, and sends them in batches: at once when online, on `online`,
//!   when a page opens, and again with backoff. It lists them ("menunggu sinyal", progress,
//!   refusals that need the user) at the bottom of every page.
//! - `model.rs`: the kinds of item, what each carries, the outcome of an item.
//! - `client.rs`: the page's side in Rust: hands a form to `pwa.js` and reads the outcome.
//! - `service.rs` [ssr]: the keys: claimed before an item is applied, the first result kept
//!   30 days and returned for every repeat.
//! - `http.rs` [ssr]: `POST /api/outbox/{slug}`, a batch of items, each applied through its
//!   slice's service with the sender's session.

pub mod client;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
