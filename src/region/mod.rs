//! Official region codes (kode wilayah, Kemendagri) and village boundaries.
//!
//! `RegionCode` is the validated newtype used by both builds. The full code list and the boundary
//! file are embedded in the server binary only and parsed on first use.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A kode wilayah at any level: `36` (province), `36.04` (kabupaten/kota), `36.04.05`
/// (kecamatan) or `36.04.05.2001` (desa/kelurahan). Always stored dotted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RegionCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("Kode wilayah harus berisi angka, misalnya 36.04.05.2001 atau 3604052001.")]
    Format,
}

impl RegionCode {
    /// Parses a dotted (`36.04.05.2001`) or plain (`3604052001`) code of 2, 4, 6 or 10 digits.
    ///
    /// # Errors
    /// `RegionCodeError::Format` when the text is not such a code.
    pub fn parse(input: &str) -> Result<Self, RegionCodeError> {
        let input = input.trim();
        let digits: String = input.chars().filter(|c| *c != '.').collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(RegionCodeError::Format);
        }
        if input.contains('.') {
            // Dotted input must have the official part widths 2.2.2.4.
            let parts: Vec<&str> = input.split('.').collect();
            let widths = [2, 2, 2, 4];
            if parts.len() > 4 || parts.iter().zip(widths).any(|(p, w)| p.len() != w) {
                return Err(RegionCodeError::Format);
            }
        }
        let dotted = match digits.len() {
            2 => digits.clone(),
            4 => format!("{}.{}", &digits[..2], &digits[2..4]),
            6 => format!("{}.{}.{}", &digits[..2], &digits[2..4], &digits[4..6]),
            10 => format!("{}.{}.{}.{}", &digits[..2], &digits[2..4], &digits[4..6], &digits[6..]),
            _ => return Err(RegionCodeError::Format),
        };
        Ok(Self(dotted))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code without dots, as used inside NIK and KK numbers (`360405`).
    pub fn digits(&self) -> String {
        self.0.replace('.', "")
    }

    /// 1 province, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan.
    pub fn level(&self) -> u8 {
        self.0.split('.').count() as u8
    }

    /// The code one level up (`36.04.05.2001` → `36.04.05`), if any.
    pub fn parent(&self) -> Option<RegionCode> {
        self.0.rsplit_once('.').map(|(p, _)| RegionCode(p.to_string()))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "ssr")]
mod list;
#[cfg(feature = "ssr")]
pub use list::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dotted_and_plain_codes() {
        assert_eq!(RegionCode::parse("36.04.05.2001").unwrap().as_str(), "36.04.05.2001");
        assert_eq!(RegionCode::parse(" 3604052001 ").unwrap().as_str(), "36.04.05.2001");
        assert_eq!(RegionCode::parse("360405").unwrap().as_str(), "36.04.05");
        assert_eq!(RegionCode::parse("36").unwrap().level(), 1);
        assert_eq!(RegionCode::parse("36.04.05.2001").unwrap().level(), 4);
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in ["", "abc", "36.4.05.2001", "36040520", "36.04.05.2001.1", "36-04", "3604052001x"] {
            assert_eq!(RegionCode::parse(bad), Err(RegionCodeError::Format), "{bad}");
        }
    }

    #[test]
    fn parent_and_digits() {
        let c = RegionCode::parse("36.04.05.2001").unwrap();
        assert_eq!(c.parent().unwrap().as_str(), "36.04.05");
        assert_eq!(c.digits(), "3604052001");
        assert_eq!(RegionCode::parse("36").unwrap().parent(), None);
    }
}
