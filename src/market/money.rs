//! Rupiah: whole rupiah in an integer, read as people write prices and shown as `Rp 15.000`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A price in whole rupiah, greater than zero and at most [`Rupiah::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rupiah(i64);

impl Rupiah {
    /// Rp 1.000.000.000: more than any village product; a typo beyond it is caught.
    pub const MAX: i64 = 1_000_000_000;

    /// Reads `15000`, `15.000`, `Rp 15.000` or `Rp15.000,00`. Dots group thousands (as
    /// Indonesian writes them); a decimal part must be zero (`,00`).
    ///
    /// # Errors
    /// Why the text is not a price, in words for the seller.
    pub fn parse(text: &str) -> Result<Rupiah, String> {
        Self::new(parse_whole(text, "Harga", Self::MAX)?)
    }

    /// # Errors
    /// Zero, negative or above [`Rupiah::MAX`].
    pub fn new(value: i64) -> Result<Rupiah, String> {
        if value <= 0 {
            return Err("Harga harus lebih dari Rp 0.".into());
        }
        if value > Self::MAX {
            return Err(format!("Harga paling tinggi {}.", Rupiah(Self::MAX)));
        }
        Ok(Rupiah(value))
    }

    pub fn value(self) -> i64 {
        self.0
    }

    /// `15.000`, without the `Rp`.
    pub fn digits(self) -> String {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for Rupiah {
    /// `Rp 15.000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rp {}", self.digits())
    }
}

/// Whole rupiah as people write them: `15000`, `15.000`, `Rp 15.000`, `Rp15.000,00` (dots group
/// thousands; a decimal part must be zero), at most `max`. `what` names the amount in the
/// messages ("Harga").
///
/// # Errors
/// Why the text is not an amount, in words for the person who typed it.
pub fn parse_whole(text: &str, what: &str, max: i64) -> Result<i64, String> {
    let t = text.trim();
    let t = t.strip_prefix("Rp").or_else(|| t.strip_prefix("rp")).or_else(|| t.strip_prefix("RP")).unwrap_or(t);
    let t = t.trim_start_matches('.').trim();
    if t.is_empty() {
        return Err(format!("{what} wajib diisi."));
    }
    if t.starts_with('-') {
        return Err(format!("{what} tidak boleh negatif."));
    }
    let whole = match t.split_once(',') {
        Some((whole, cents)) if cents.chars().all(|c| c == '0') && !cents.is_empty() => whole,
        Some(_) => return Err(format!("{what} ditulis dalam rupiah bulat, tanpa sen (misalnya 15.000).")),
        None => t,
    };
    let groups: Vec<&str> = whole.split('.').collect();
    let grouped = groups.len() > 1;
    let well_formed = groups.iter().enumerate().all(|(i, g)| {
        !g.is_empty()
            && g.bytes().all(|b| b.is_ascii_digit())
            && (!grouped || (i == 0 && g.len() <= 3) || (i > 0 && g.len() == 3))
    });
    if !well_formed {
        return Err(format!("{what} hanya berisi angka, misalnya 15000 atau 15.000."));
    }
    match groups.concat().parse::<i64>() {
        Ok(value) if value <= max => Ok(value),
        _ => Err(format!("{what} paling tinggi {}.", rupiah(max))),
    }
}

/// `Rp 15.000` for any stored amount (`Rp −2.500` below zero).
pub fn rupiah(value: i64) -> String {
    let sign = if value < 0 { "−" } else { "" };
    format!("Rp {sign}{}", Rupiah(value.saturating_abs()).digits())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_as_people_write_them() {
        for (text, value) in [
            ("15000", 15_000),
            ("15.000", 15_000),
            ("Rp 15.000", 15_000),
            ("Rp15.000,00", 15_000),
            ("rp 2.500", 2_500),
            (" 1.250.000 ", 1_250_000),
            ("500", 500),
            ("1", 1),
            ("1.000.000.000", 1_000_000_000),
        ] {
            assert_eq!(Rupiah::parse(text).map(Rupiah::value), Ok(value), "{text}");
        }
        for (text, why) in [
            ("", "wajib"),
            ("Rp ", "wajib"),
            ("0", "lebih dari"),
            ("-5000", "negatif"),
            ("15.00", "angka"),
            ("1.5000", "angka"),
            ("15,5", "sen"),
            ("15rb", "angka"),
            ("lima ribu", "angka"),
            ("1.000.000.001", "paling tinggi"),
            ("99999999999999999999", "paling tinggi"),
            ("12..000", "angka"),
        ] {
            let e = Rupiah::parse(text).expect_err(text);
            assert!(e.contains(why), "{text}: {e}");
        }
    }

    #[test]
    fn prices_are_shown_with_dots() {
        assert_eq!(Rupiah::new(15_000).unwrap().to_string(), "Rp 15.000");
        assert_eq!(Rupiah::new(500).unwrap().to_string(), "Rp 500");
        assert_eq!(Rupiah::new(1_250_000).unwrap().to_string(), "Rp 1.250.000");
        assert_eq!(rupiah(100_000), "Rp 100.000");
        assert_eq!(Rupiah::parse(&Rupiah::new(987_654).unwrap().to_string()).unwrap().value(), 987_654);
    }
}
