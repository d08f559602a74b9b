//! Password and PIN hashing with Argon2id, and the password policy.
//!
//! Parameters: 19 MiB memory, 8 passes, 1 lane — one hash takes about 50–150 ms on the
//! deployment machine (measured in BENCHMARKS.md), slow for a guesser, fine for a sign-in.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::OsRng;

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const PASSES: u32 = 8;
pub const MIN_PASSWORD_CHARS: usize = 12;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string (`$argon2id$v=19$m=…`) with a random salt.
///
/// # Errors
/// Only if the hasher fails, which it does not for any input length we accept.
pub fn hash(secret: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2().hash_password(secret.as_bytes(), &salt)?.to_string())
}

/// [`hash`] on the bounded hashing pool (`bounded::HASHING`): a hash takes tens of
/// milliseconds of CPU and 19 MiB, so only a few run at once.
///
/// # Errors
/// `Busy` when too many wait; `Internal` when the hasher or the task fails (logged).
pub async fn hash_blocking(secret: &str) -> crate::error::AppResult<String> {
    let secret = secret.to_string();
    match crate::bounded::hash(move || hash(&secret)).await? {
        Ok(phc) => Ok(phc),
        Err(e) => {
            tracing::error!(error = %e, "password hash failed");
            Err(crate::error::AppError::Internal)
        }
    }
}

/// Whether `secret` matches `phc`. A malformed stored hash never matches.
pub fn verify(secret: &str, phc: &str) -> bool {
    VERIFIED_HERE.with(|c| {
        if let Some(counter) = c.borrow().as_ref() {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2().verify_password(secret.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("digdaya-dummy-password").unwrap_or_default())
}

/// Exactly one Argon2 verification whatever is known: against `phc` when there is one, else
/// against a dummy hash (false), so an unknown account costs what a wrong password costs. Runs
/// on the bounded hashing pool.
///
/// # Errors
/// `Busy` when too many sign-ins wait; `Internal` when the task fails.
pub async fn verify_once(secret: &str, phc: Option<String>) -> crate::error::AppResult<bool> {
    let secret = secret.to_string();
    let counter = VERIFIED.try_with(Arc::clone).ok();
    crate::bounded::hash(move || {
        VERIFIED_HERE.with(|c| *c.borrow_mut() = counter);
        let known = phc.is_some();
        let matched = verify(&secret, phc.as_deref().unwrap_or_else(|| dummy()));
        VERIFIED_HERE.with(|c| *c.borrow_mut() = None);
        known && matched
    })
    .await
}

tokio::task_local! {
    static VERIFIED: Arc<AtomicUsize>;
}

thread_local! {
    static VERIFIED_HERE: RefCell<Option<Arc<AtomicUsize>>> = const { RefCell::new(None) };
}

/// Runs `work` and counts the Argon2 verifications it made (through [`verify_once`]): what a
/// test uses to show that two paths do the same work, without timing them.
pub async fn counting_verifications<F: std::future::Future>(work: F) -> (F::Output, usize) {
    let counter = Arc::new(AtomicUsize::new(0));
    let out = VERIFIED.scope(counter.clone(), work).await;
    (out, counter.load(Ordering::Relaxed))
}

/// Passwords everybody tries first; a password containing one of these whole is refused.
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "123456789012",
    "qwertyuiop",
    "1q2w3e4r5t",
    "iloveyou",
    "admin123",
    "administrator",
    "welcome",
    "indonesia",
    "bismillah",
    "merdeka",
    "sayang",
    "rahasia",
    "katasandi",
    "desa12345",
    "kepaladesa",
    "sekdes",
    "operator",
    "12345678",
    "87654321",
    "11111111",
    "00000000",
    "abcdefgh",
    "qwerty",
    "asdfghjk",
    "superman",
    "garuda",
    "pancasila",
    "jakarta",
];

/// Checks a new password against the policy; the error says what to change, in Indonesian.
///
/// # Errors
/// When the password is too short, too simple or a common one.
pub fn check_policy(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("Kata sandi minimal {MIN_PASSWORD_CHARS} karakter."));
    }
    let lower = password.to_ascii_lowercase();
    if COMMON.iter().any(|c| lower.contains(c)) {
        return Err("Kata sandi terlalu mudah ditebak. Gunakan gabungan kata yang tidak umum.".into());
    }
    let distinct: std::collections::HashSet<char> = lower.chars().collect();
    if distinct.len() < 5 {
        return Err("Kata sandi terlalu sederhana. Gunakan lebih banyak huruf, angka atau tanda yang berbeda.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash("sawah-hijau-2026").unwrap();
        let b = hash("sawah-hijau-2026").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=8,p=1$"));
        assert_ne!(a, b);
        assert!(verify("sawah-hijau-2026", &a));
        assert!(!verify("sawah-hijau-2027", &a));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn policy_refuses_short_common_and_simple() {
        assert!(check_policy("pendek").unwrap_err().contains("minimal 12"));
        assert!(check_policy("Password2026!").unwrap_err().contains("mudah ditebak"));
        assert!(check_policy("BismillahDesa1").is_err());
        assert!(check_policy("aaaaaaaaaaaaaa").unwrap_err().contains("sederhana"));
        assert!(check_policy("kopi-tubruk-di-sawah").is_ok());
    }
}
