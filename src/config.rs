//! Settings from the environment, with defaults that run out of the box.
//!
//! | variable            | default                               |
//! |---------------------|---------------------------------------|
//! | `DATABASE_URL`      | `sqlite://data/digdaya.db?mode=rwc`   |
//! | `LEPTOS_SITE_ADDR`  | `127.0.0.1:3000`                      |
//! | `LEPTOS_SITE_ROOT`  | `target/site` (built by cargo-leptos) |
//! | `DIGDAYA_DATA_DIR`  | `data` (uploaded files in `files/`)   |
//! | `DIGDAYA_S3_BUCKET` | unset: files on disk (see below)      |
//! | `DIGDAYA_PUBLIC_URL`| the request's host (for QR codes)     |
//! | `RUST_LOG`          | `info`                                |
//! | `DIGDAYA_PAGE_CACHE_SECONDS` | `30` (0: no page cache, see `cache`) |
//! | `DIGDAYA_PAGE_CACHE_MB`      | `64`                         |
//!
//! The database connection reads `DATABASE_MAX_CONNECTIONS` (pool size, default 8 on SQLite,
//! 16 on PostgreSQL) and `DATABASE_STATEMENT_TIMEOUT` (seconds, default 15 on PostgreSQL; on
//! SQLite the wait for the write lock, default 5) itself, see `db::connect`.
//!
//! With `DIGDAYA_S3_BUCKET` set, uploaded files go to that bucket of an S3-compatible store
//! instead of the disk: `DIGDAYA_S3_ENDPOINT` (e.g. `https://s3.example.id`),
//! `DIGDAYA_S3_ACCESS_KEY` and `DIGDAYA_S3_SECRET_KEY` are then required, `DIGDAYA_S3_REGION`
//! defaults to `us-east-1`.

use std::net::SocketAddr;

use leptos::config::LeptosOptions;

use crate::media::{Storage, s3::S3Config};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/digdaya.db?mode=rwc";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub site_root: String,
    /// Where uploaded files are kept (outside the site root) when no bucket is set, and where
    /// `restore` puts a backup's files.
    pub files_dir: String,
    /// The bucket for uploaded files, when set.
    pub s3: Option<S3Config>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("LEPTOS_SITE_ADDR={0:?} is not an address like 127.0.0.1:3000")]
    Addr(String),
    #[error("DIGDAYA_S3_BUCKET is set, so {0} must be set too")]
    S3Missing(&'static str),
    #[error("{0}")]
    S3(String),
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
        let s3 = match var("DIGDAYA_S3_BUCKET") {
            None => None,
            Some(bucket) => {
                let need = |name: &'static str| var(name).ok_or(ConfigError::S3Missing(name));
                let config = S3Config {
                    endpoint: need("DIGDAYA_S3_ENDPOINT")?,
                    bucket,
                    region: var("DIGDAYA_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                    access_key: need("DIGDAYA_S3_ACCESS_KEY")?,
                    secret_key: need("DIGDAYA_S3_SECRET_KEY")?,
                };
                // The endpoint is checked now, not at the first upload.
                Storage::s3(config.clone()).map_err(ConfigError::S3)?;
                Some(config)
            }
        };
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            addr,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            files_dir: format!(
                "{}/files",
                var("DIGDAYA_DATA_DIR").unwrap_or_else(|| "data".into()).trim_end_matches('/')
            ),
            s3,
        })
    }

    /// Where uploaded files are kept: the bucket when one is set, else `files_dir`.
    ///
    /// # Errors
    /// An unusable bucket endpoint (already refused by `from_env`).
    pub fn storage(&self) -> Result<Storage, String> {
        match &self.s3 {
            Some(c) => Storage::s3(c.clone()),
            None => Ok(Storage::new(&self.files_dir)),
        }
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
