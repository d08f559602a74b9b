//! Password and PIN hashing with Argon2id, and the password policy.
//!
//! Parameters: 19 MiB memory, 8 passes, 1 lane — one hash takes about 50–150 ms on the
//! deployment machine (measured in BENCHMARKS.md), slow for a guesser, fine for a sign-in.

use std::sync::OnceLock;

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

/// [`hash`] on Tokio's blocking pool: a hash takes tens of milliseconds of CPU.
///
/// # Errors
/// `Internal` when the hasher or the task fails (logged).
pub async fn hash_blocking(secret: &str) -> crate::error::AppResult<String> {
    let secret = secret.to_string();
    match tokio::task::spawn_blocking(move || hash(&secret)).await {
        Ok(Ok(phc)) => Ok(phc),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "password hash failed");
            Err(crate::error::AppError::Internal)
        }
        Err(e) => {
            tracing::error!(error = %e, "password task failed");
            Err(crate::error::AppError::Internal)
        }
    }
}

/// Whether `secret` matches `phc`. A malformed stored hash never matches.
pub fn verify(secret: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2().verify_password(secret.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification, for sign-ins of unknown accounts: the answer then takes
/// as long as for a known account with a wrong password.
pub fn verify_dummy(secret: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("digdaya-dummy-password").unwrap_or_default());
    let _ = verify(secret, phc);
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
