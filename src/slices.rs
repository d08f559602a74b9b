//! The slices of the house, registered (server only; part of the assembly). A slice lives in its
//! own folder and takes part in the server through one entry here: its plain HTTP routes, the
//! kinds of item it takes through the outbox, and its server functions that only read. Nothing
//! else outside the slice's folder names it (its pages are in `app.rs`'s route list).

use axum::Router;

use crate::outbox::http::Taker;
use crate::state::AppState;

/// What one slice adds to the server.
pub struct Slice {
    /// Its plain HTTP handlers (uploads, downloads, feeds), each with its own body limit.
    pub routes: fn() -> Router<AppState>,
    /// The kinds of item a phone may keep for it until there is a signal.
    pub outbox: &'static [Taker],
    /// Its server functions that only read: calling one leaves the page cache alone.
    pub reads: &'static [&'static str],
}

/// A slice without plain HTTP handlers.
fn no_routes() -> Router<AppState> {
    Router::new()
}

/// Every slice of the server.
pub const SLICES: &[Slice] = &[
    Slice { routes: no_routes, outbox: &[], reads: crate::village::api::READS },
    Slice { routes: no_routes, outbox: &[], reads: crate::account::api::READS },
    Slice { routes: crate::population::http::routes, outbox: &[], reads: crate::population::api::READS },
    Slice {
        routes: crate::letters::http::routes,
        outbox: &[crate::letters::http::OUTBOX],
        reads: crate::letters::api::READS,
    },
    Slice {
        routes: crate::complaints::http::routes,
        outbox: &[crate::complaints::http::OUTBOX],
        reads: crate::complaints::api::READS,
    },
    Slice { routes: crate::map::http::routes, outbox: &[], reads: crate::map::api::READS },
    Slice {
        routes: crate::market::http::routes,
        outbox: &[crate::market::http::OUTBOX],
        reads: crate::market::api::READS,
    },
    Slice { routes: crate::portal::http::routes, outbox: &[], reads: crate::portal::api::READS },
    Slice { routes: crate::pwa::http::routes, outbox: &[], reads: &[] },
];

/// The slices' routes, the outbox's among them (taking every slice's kinds).
pub fn routes() -> Router<AppState> {
    static TAKERS: std::sync::LazyLock<Vec<Taker>> =
        std::sync::LazyLock::new(|| SLICES.iter().flat_map(|s| s.outbox.iter().copied()).collect());
    SLICES.iter().fold(crate::outbox::http::routes(TAKERS.as_slice()), |app, slice| app.merge((slice.routes)()))
}

/// The addresses of every slice's server functions that only read.
pub fn reads() -> impl Iterator<Item = &'static str> {
    SLICES.iter().flat_map(|s| s.reads.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reads_are_server_function_addresses() {
        let reads: Vec<&str> = reads().collect();
        assert!(
            !reads.is_empty() && reads.iter().all(|r| r.starts_with("/api/") && !r.starts_with("/api/v1/")),
            "{reads:?}"
        );
    }

    #[test]
    fn each_outbox_kind_has_one_taker() {
        let kinds: Vec<&str> = SLICES.iter().flat_map(|s| s.outbox.iter().map(|t| t.kind.as_str())).collect();
        let mut unique = kinds.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), kinds.len(), "two slices take one kind: {kinds:?}");
        assert!(["pengaduan", "produk", "surat"].iter().all(|k| kinds.contains(k)), "{kinds:?}");
    }
}
