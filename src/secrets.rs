//! The deployment's secret (server only): seals what neither a copy of the database nor a
//! backup may reveal on its own — the villages' letter-signing keys.
//!
//! The secret is 32 random bytes from `DIGDAYA_SECRET_KEY` (base64 or hex; make one with
//! `openssl rand -base64 32`). Without it, the server keeps one in `DIGDAYA_DATA_DIR/secret.key`
//! (mode 0600, made on first use) and says so in its log: fine for one machine, but a
//! production deployment sets the variable and keeps the key apart from the database and its
//! backups (several app servers must share it). Sealed values are
//! `enc1:` + base64url(nonce ‖ XChaCha20-Poly1305 ciphertext); a value without the prefix is
//! an older plain one, read as it is and sealed by `digdaya migrate`/`serve`.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const PREFIX: &str = "enc1:";
const NONCE: usize = 24;

static KEY: OnceLock<Result<[u8; 32], String>> = OnceLock::new();

/// The key kept in `dir/secret.key`, made (0600) when missing. Two processes starting at once
/// agree on one: the file appears whole or not at all.
fn key_file(dir: &std::path::Path) -> Result<[u8; 32], String> {
    let path = dir.join("secret.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return crate::config::parse_secret_key(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut fresh = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut fresh);
    let tmp = dir.join(format!(".secret.key.{}", std::process::id()));
    write_private(&tmp, format!("{}\n", STANDARD.encode(fresh)).as_bytes())
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    // A hard link never replaces an existing file: whoever comes second reads the first's key.
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    if linked.is_ok() {
        tracing::warn!(
            path = %path.display(),
            "DIGDAYA_SECRET_KEY is not set: the letter-signing keys are sealed with a key kept in this file. \
             In production set DIGDAYA_SECRET_KEY and keep it apart from the database and its backups."
        );
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    crate::config::parse_secret_key(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `bytes` to a new file only its owner can read (0600 on Unix).
///
/// # Errors
/// The file exists or cannot be written.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn key() -> Result<&'static [u8; 32], String> {
    let config = crate::config::current();
    KEY.get_or_init(|| match config.secret_key {
        Some(key) => Ok(key),
        None => key_file(std::path::Path::new(&config.data_dir)),
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Loads the secret now, so a bad setting stops the server at start instead of at the first
/// signing.
///
/// # Errors
/// The message names the variable or file to fix.
pub fn check() -> Result<(), String> {
    key().map(|_| ())
}

/// `plain`, sealed with the deployment's secret.
///
/// # Panics
/// Never for a loaded secret; `check` at start-up refuses to serve without one.
pub fn seal(plain: &[u8]) -> String {
    let key = match key() {
        Ok(k) => k,
        Err(e) => panic!("the deployment secret is unusable: {e}"),
    };
    let mut nonce = [0u8; NONCE];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
    let cipher = XChaCha20Poly1305::new(key.into());
    let sealed = cipher.encrypt(&XNonce::from(nonce), plain).unwrap_or_default();
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
}

/// A tag of `message` that only this deployment can make (SHA-256 over the secret and the
/// message): names something without revealing it (whose queued items these are).
pub fn tag(message: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(key().map(|k| k.as_slice()).unwrap_or(&[0u8; 32]));
    hasher.update(b"\ndigdaya-tag\n");
    hasher.update(message.as_bytes());
    hasher.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// `a == b` in a time that does not depend on where they differ (for secrets and tags).
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `stored` is sealed (else it is an older plain value).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// What `stored` holds: opened when sealed, as it is when plain (older rows); `None` when it was
/// sealed with another secret or altered.
pub fn open(stored: &str) -> Option<Vec<u8>> {
    let Some(body) = stored.strip_prefix(PREFIX) else { return Some(stored.as_bytes().to_vec()) };
    let bytes = URL_SAFE_NO_PAD.decode(body).ok()?;
    if bytes.len() < NONCE {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(NONCE);
    let nonce: [u8; NONCE] = nonce.try_into().ok()?;
    XChaCha20Poly1305::new(key().ok()?.into()).decrypt(&XNonce::from(nonce), sealed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_secret_key as parse_key;

    #[test]
    fn sealed_values_open_and_say_nothing() {
        let sealed = seal(b"seed of a village key");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("seed"));
        assert_ne!(sealed, seal(b"seed of a village key"), "a fresh nonce each time");
        assert_eq!(open(&sealed).unwrap(), b"seed of a village key");
        let mut altered = sealed.clone();
        altered.pop();
        altered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(open(&altered), None);
        assert_eq!(open("plain-old-value").unwrap(), b"plain-old-value", "older rows read as they are");
    }

    #[test]
    fn keys_are_32_bytes_in_base64_or_hex() {
        assert!(parse_key(&STANDARD.encode([7u8; 32])).is_ok());
        assert!(parse_key(&URL_SAFE_NO_PAD.encode([7u8; 32])).is_ok());
        assert!(parse_key(&"ab".repeat(32)).is_ok());
        assert!(parse_key("kopi").is_err());
        assert!(parse_key(&STANDARD.encode([7u8; 16])).is_err());
    }

    #[test]
    fn the_key_file_is_private_and_shared() {
        let dir = tempfile::tempdir().unwrap();
        let first = key_file(dir.path()).unwrap();
        assert_eq!(key_file(dir.path()).unwrap(), first, "the second start reads the first's key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join("secret.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
