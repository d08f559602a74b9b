//! The deployment's settings: every variable the server reads, parsed once at start-up into one
//! typed [`Config`]. A bad value stops the program with one line that names the variable; no
//! other module reads the environment (the command line's own inputs — `DIGDAYA_PASSWORD`,
//! `DIGDAYA_BACKUP_*` — are read by the command that takes them, in `main.rs`).
//!
//! | variable            | default                               |
//! |---------------------|---------------------------------------|
//! | `DATABASE_URL`      | `sqlite://data/digdaya.db?mode=rwc`   |
//! | `DATABASE_MAX_CONNECTIONS` | 8 on SQLite, 16 on PostgreSQL (1–200) |
//! | `DATABASE_STATEMENT_TIMEOUT` | seconds: 5 on SQLite (the wait for the write lock), 15 on PostgreSQL (1–3600) |
//! | `LEPTOS_SITE_ADDR`  | `127.0.0.1:3000`                      |
//! | `LEPTOS_SITE_ROOT`  | `target/site` (built by cargo-leptos) |
//! | `DIGDAYA_DATA_DIR`  | `data` (uploaded files in `files/`, the secret key file) |
//! | `DIGDAYA_S3_BUCKET` | unset: files on disk (see below)      |
//! | `DIGDAYA_PUBLIC_URL`| the request's host (for QR codes and absolute links) |
//! | `DIGDAYA_SECRET_KEY`| unset: kept in `DIGDAYA_DATA_DIR/secret.key` (see `secrets`) |
//! | `DIGDAYA_TRUSTED_PROXIES` | `127.0.0.1, ::1` (see `net`)    |
//! | `DIGDAYA_TILE_URL`, `DIGDAYA_TILE_ATTRIBUTION` | OpenStreetMap (`none`: no base map) |
//! | `DIGDAYA_API_RATE_LIMIT` | `300` requests a minute per address (ten times that per token) |
//! | `RUST_LOG`          | `info`                                |
//! | `DIGDAYA_PAGE_CACHE_SECONDS` | `30` (0: no page cache, see `cache`) |
//! | `DIGDAYA_PAGE_CACHE_MB`      | `64`                         |
//! | `DIGDAYA_REQUEST_SECONDS`    | `30`: the server's work on one request, after its body arrived (1–600) |
//! | `DIGDAYA_UPLOAD_IDLE_SECONDS`| `20`: the longest pause while a request's body arrives (1–600) |
//!
//! With `DIGDAYA_S3_BUCKET` set, uploaded files go to that bucket of an S3-compatible store
//! instead of the disk: `DIGDAYA_S3_ENDPOINT` (e.g. `https://s3.example.id`),
//! `DIGDAYA_S3_ACCESS_KEY` and `DIGDAYA_S3_SECRET_KEY` are then required, `DIGDAYA_S3_REGION`
//! defaults to `us-east-1`.
//!
//! `main` parses the settings first and [`install`]s them; the running code reads them from
//! `AppState::config` in a request and from [`current`] elsewhere (the same value).

use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use leptos::config::LeptosOptions;

use crate::media::{Storage, s3::S3Config};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/digdaya.db?mode=rwc";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub database: DatabaseSettings,
    pub addr: SocketAddr,
    pub site_root: String,
    /// `DIGDAYA_DATA_DIR`: the folder of uploaded files (below) and of the secret key file.
    pub data_dir: String,
    /// Where uploaded files are kept (outside the site root) when no bucket is set, and where
    /// `restore` puts a backup's files.
    pub files_dir: String,
    /// The bucket for uploaded files, when set.
    pub s3: Option<S3Config>,
    /// The deployment's public address (`https://desa.example`, no trailing slash), when set.
    pub public_url: Option<String>,
    /// The 32 bytes of `DIGDAYA_SECRET_KEY`, when set (else `secrets` keeps a key file).
    pub secret_key: Option<[u8; 32]>,
    pub trusted_proxies: Proxies,
    pub tiles: Tiles,
    /// Partner API requests a minute for each address without a token.
    pub api_rate_limit: u32,
    /// How long the page cache keeps a public answer (zero: no page cache).
    pub page_cache_ttl: Duration,
    pub page_cache_bytes: usize,
    pub deadlines: Deadlines,
}

/// How long a request may take (`edges::deadline`). An upload on a slow link takes as long as
/// it keeps moving: what is limited is a pause in its body and the work after it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// The server's work on a request, counted from when its body has arrived.
    pub work: Duration,
    /// The longest pause while a request's body arrives.
    pub idle: Duration,
    /// A request in all, whatever it does (a 30 MB outbox batch at 250 kbit/s takes 16 min).
    pub longest: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self { work: Duration::from_secs(30), idle: Duration::from_secs(20), longest: Duration::from_secs(30 * 60) }
    }
}

/// The database pool, when set; `db::connect` picks each backend's default otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub struct DatabaseSettings {
    pub max_connections: Option<u32>,
    pub statement_timeout: Option<Duration>,
}

/// The base map of every village: a tile URL template (empty: no base map) and its attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tiles {
    pub url: String,
    pub attribution: String,
}

impl Tiles {
    fn parse(url: Option<String>, attribution: Option<String>) -> Self {
        match url {
            Some(v) if v == "none" => Self { url: String::new(), attribution: String::new() },
            Some(url) => Self { url, attribution: attribution.unwrap_or_default() },
            None => Self {
                url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
                attribution: "© <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>".into(),
            },
        }
    }

    /// The origin (scheme and host) of the tile server, for the pages' Content-Security-Policy.
    pub fn origin(&self) -> Option<String> {
        let url = &self.url;
        let rest = url
            .strip_prefix("https://")
            .map(|r| ("https", r))
            .or_else(|| url.strip_prefix("http://").map(|r| ("http", r)))?;
        let host = rest.1.split('/').next()?;
        // A `{s}` subdomain placeholder becomes a wildcard.
        let host = host.replace("{s}", "*");
        host.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*'))
            .then(|| format!("{}://{host}", rest.0))
    }
}

/// Addresses of trusted proxies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxies(Vec<(IpAddr, u8)>);

impl Proxies {
    /// `10.0.0.1, 10.1.0.0/16, ::1` (empty or `none`: no proxy is trusted).
    ///
    /// # Errors
    /// The entry that is not an address or a range.
    pub fn parse(text: &str) -> Result<Proxies, String> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty() && *p != "none") {
            let (addr, bits) = match part.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (part, None),
            };
            let bad = || format!("DIGDAYA_TRUSTED_PROXIES: {part:?} is not an address or a range like 10.0.0.0/8");
            let ip: IpAddr = addr.parse().map_err(|_| bad())?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(bad)?,
                None => max,
            };
            out.push((ip, bits));
        }
        Ok(Proxies(out))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|(net, bits)| in_range(ip, *net, *bits))
    }
}

fn in_range(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip.to_canonical(), net.to_canonical()) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - u32::from(bits)) };
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - u32::from(bits)) };
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

/// The 32 bytes of a `DIGDAYA_SECRET_KEY` value (base64 with or without padding, or hex).
///
/// # Errors
/// Anything that is not 32 bytes in one of those forms.
pub fn parse_secret_key(text: &str) -> Result<[u8; 32], String> {
    let text = text.trim();
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..32).map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or(0)).collect()
    } else {
        STANDARD
            .decode(text)
            .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
            .map_err(|_| "DIGDAYA_SECRET_KEY must be 32 random bytes in base64 or hex (openssl rand -base64 32)")?
    };
    bytes.try_into().map_err(|_| "DIGDAYA_SECRET_KEY must be exactly 32 bytes (openssl rand -base64 32)".to_string())
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("LEPTOS_SITE_ADDR={0:?} is not an address like 127.0.0.1:3000")]
    Addr(String),
    #[error("DIGDAYA_S3_BUCKET is set, so {0} must be set too")]
    S3Missing(&'static str),
    #[error("{0}")]
    S3(String),
    /// A variable with a value it cannot take: the variable, the value, what it must be.
    #[error("{0} {1:?} is not {2}")]
    Bad(&'static str, String, &'static str),
    #[error("{0}")]
    Invalid(String),
}

static CURRENT: OnceLock<Config> = OnceLock::new();

/// Makes `config` the settings of this process (`main` does, before anything runs). A second
/// call keeps the first.
pub fn install(config: Config) -> &'static Config {
    CURRENT.get_or_init(|| config)
}

/// The settings of this process: those `install`ed, or (in tests and tools that never install
/// any) the environment's.
///
/// # Panics
/// When nothing was installed and the environment has a bad value (`main` reports that as one
/// line before anything calls this).
pub fn current() -> &'static Config {
    CURRENT.get_or_init(|| Config::from_env().unwrap_or_else(|e| panic!("{e}")))
}

impl Config {
    /// Reads the settings from the environment.
    ///
    /// # Errors
    /// When a variable is set to something unusable; the message names the variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the settings from `get` (a variable's value, if set).
    ///
    /// # Errors
    /// When a variable is set to something unusable; the message names the variable.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let number = |name: &'static str, range: std::ops::RangeInclusive<u64>, must: &'static str| {
            var(name)
                .map(|v| v.parse::<u64>().ok().filter(|n| range.contains(n)).ok_or(ConfigError::Bad(name, v, must)))
                .transpose()
        };
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
        let database = DatabaseSettings {
            max_connections: number("DATABASE_MAX_CONNECTIONS", 1..=200, "a number of connections from 1 to 200")?
                .and_then(|n| u32::try_from(n).ok()),
            statement_timeout: number("DATABASE_STATEMENT_TIMEOUT", 1..=3600, "a number of seconds from 1 to 3600")?
                .map(Duration::from_secs),
        };
        let data_dir = var("DIGDAYA_DATA_DIR").unwrap_or_else(|| "data".into()).trim_end_matches('/').to_string();
        let secret_key =
            var("DIGDAYA_SECRET_KEY").map(|k| parse_secret_key(&k)).transpose().map_err(ConfigError::Invalid)?;
        let trusted_proxies = match get("DIGDAYA_TRUSTED_PROXIES") {
            Some(text) => Proxies::parse(&text),
            None => Proxies::parse("127.0.0.1, ::1"),
        }
        .map_err(ConfigError::Invalid)?;
        let api_rate_limit = number(
            "DIGDAYA_API_RATE_LIMIT",
            1..=u64::from(u32::MAX),
            "a whole number of requests a minute (1 or more)",
        )?
        .map_or(300, |n| u32::try_from(n).unwrap_or(u32::MAX));
        let page_cache_seconds =
            number("DIGDAYA_PAGE_CACHE_SECONDS", 0..=86_400, "a whole number of seconds (0 turns the page cache off)")?;
        let page_cache_mb = number("DIGDAYA_PAGE_CACHE_MB", 0..=1 << 20, "a whole number of megabytes")?;
        let seconds = "a whole number of seconds from 1 to 600";
        let defaults = Deadlines::default();
        let deadlines = Deadlines {
            work: number("DIGDAYA_REQUEST_SECONDS", 1..=600, seconds)?.map_or(defaults.work, Duration::from_secs),
            idle: number("DIGDAYA_UPLOAD_IDLE_SECONDS", 1..=600, seconds)?.map_or(defaults.idle, Duration::from_secs),
            ..defaults
        };
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            database,
            addr,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            files_dir: format!("{data_dir}/files"),
            data_dir,
            s3,
            public_url: var("DIGDAYA_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string()),
            secret_key,
            trusted_proxies,
            tiles: Tiles::parse(var("DIGDAYA_TILE_URL"), get("DIGDAYA_TILE_ATTRIBUTION")),
            api_rate_limit,
            page_cache_ttl: Duration::from_secs(page_cache_seconds.unwrap_or(30)),
            page_cache_bytes: usize::try_from(page_cache_mb.unwrap_or(64)).unwrap_or(usize::MAX >> 21) << 20,
            deadlines,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_vars(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_string()))
    }

    #[test]
    fn defaults_run_out_of_the_box() {
        let c = with(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.files_dir, "data/files");
        assert_eq!(c.api_rate_limit, 300);
        assert_eq!(c.page_cache_ttl, Duration::from_secs(30));
        assert_eq!(c.page_cache_bytes, 64 << 20);
        assert_eq!(c.tiles.origin().as_deref(), Some("https://tile.openstreetmap.org"));
        assert!(c.public_url.is_none() && c.secret_key.is_none());
        assert!(c.trusted_proxies.contains("127.0.0.1".parse().unwrap()));
        assert_eq!(c.deadlines, Deadlines::default());
        assert_eq!(c.deadlines.work, Duration::from_secs(30));
    }

    #[test]
    fn values_are_read_and_trimmed() {
        let c = with(&[
            ("DIGDAYA_PUBLIC_URL", " https://desa.example/ "),
            ("DIGDAYA_API_RATE_LIMIT", "50"),
            ("DIGDAYA_TILE_URL", "none"),
            ("DIGDAYA_DATA_DIR", "/srv/digdaya/"),
            ("DATABASE_STATEMENT_TIMEOUT", "20"),
            ("DIGDAYA_REQUEST_SECONDS", "45"),
            ("DIGDAYA_UPLOAD_IDLE_SECONDS", "10"),
        ])
        .unwrap();
        assert_eq!(c.deadlines.work, Duration::from_secs(45));
        assert_eq!(c.deadlines.idle, Duration::from_secs(10));
        assert_eq!(c.public_url.as_deref(), Some("https://desa.example"));
        assert_eq!(c.api_rate_limit, 50);
        assert_eq!(c.tiles.url, "");
        assert_eq!(c.tiles.origin(), None);
        assert_eq!(c.files_dir, "/srv/digdaya/files");
        assert_eq!(c.database.statement_timeout, Some(Duration::from_secs(20)));
    }

    #[test]
    fn a_bad_value_is_one_line_naming_the_variable() {
        for (name, value) in [
            ("DIGDAYA_API_RATE_LIMIT", "banyak"),
            ("DIGDAYA_API_RATE_LIMIT", "0"),
            ("DIGDAYA_PAGE_CACHE_SECONDS", "-1"),
            ("DIGDAYA_PAGE_CACHE_MB", "1.5"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("DATABASE_STATEMENT_TIMEOUT", "lama"),
            ("DIGDAYA_SECRET_KEY", "pendek"),
            ("DIGDAYA_TRUSTED_PROXIES", "10.0.0.0/99"),
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("DIGDAYA_REQUEST_SECONDS", "0"),
            ("DIGDAYA_UPLOAD_IDLE_SECONDS", "setengah"),
        ] {
            let message = with(&[(name, value)]).unwrap_err().to_string();
            assert!(message.contains(name) && !message.contains('\n'), "{name}={value}: {message}");
        }
    }
}
