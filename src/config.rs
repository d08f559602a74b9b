//! Settings from the environment, with defaults that run out of the box.
//!
//! | variable            | default                               |
//! |---------------------|---------------------------------------|
//! | `DATABASE_URL`      | `sqlite://data/digdaya.db?mode=rwc`   |
//! | `LEPTOS_SITE_ADDR`  | `127.0.0.1:3000`                      |
//! | `LEPTOS_SITE_ROOT`  | `target/site` (built by cargo-leptos) |
//! | `DIGDAYA_DATA_DIR`  | `data` (uploaded files in `files/`)   |
//! | `DIGDAYA_PUBLIC_URL`| the request's host (for QR codes)     |
//! | `RUST_LOG`          | `info`                                |
//!
//! The database connection reads `DATABASE_MAX_CONNECTIONS` (pool size, default 8 on SQLite,
//! 16 on PostgreSQL) and `DATABASE_STATEMENT_TIMEOUT` (seconds, default 15 on PostgreSQL; on
//! SQLite the wait for the write lock, default 5) itself, see `db::connect`.

use std::net::SocketAddr;

use leptos::config::LeptosOptions;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/digdaya.db?mode=rwc";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub site_root: String,
    /// Where uploaded files are kept (outside the site root).
    pub files_dir: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("LEPTOS_SITE_ADDR={0:?} is not an address like 127.0.0.1:3000")]
    Addr(String),
}

impl Config {
    /// Reads the settings from the environment.
    ///
    /// # Errors
    /// When a variable is set to something unusable; the message names the variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let addr_text = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text.parse().map_err(|_| ConfigError::Addr(addr_text.clone()))?;
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            addr,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            files_dir: format!(
                "{}/files",
                var("DIGDAYA_DATA_DIR").unwrap_or_else(|| "data".into()).trim_end_matches('/')
            ),
        })
    }

    /// The Leptos options the server renders with. The output name matches
    /// `[package.metadata.leptos]` in `Cargo.toml`.
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("digdaya")
            .site_root(self.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }
}
