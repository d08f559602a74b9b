//! NIK (Nomor Induk Kependudukan) and No. KK: `PP KK CC DDMMYY SSSS`.
//!
//! PPKKCC is the kecamatan of first registration, DDMMYY the birth date (women add 40 to the day)
//! for a NIK or the issue date for a KK, SSSS a serial from 0001. Parsing checks the structure
//! (digits, a real day and month, a non-zero serial); whether the region exists is checked on
//! the server against the official list.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("harus 16 angka")]
    Length,
    #[error("berisi tanggal yang tidak ada")]
    Date,
    #[error("tidak boleh berakhir dengan 0000")]
    Serial,
}

/// A structurally valid NIK.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Nik(String);

/// A structurally valid family card number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KkNumber(String);

fn check(text: &str, allow_female_day: bool) -> Result<(u32, u32), NikError> {
    if text.len() != 16 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NikError::Length);
    }
    let num = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let mut day = num(6..8);
    let month = num(8..10);
    if allow_female_day && day > 40 {
        day -= 40;
    }
    // The two-digit year is 19yy or 20yy: the date must exist in one of them (29 Feb only in
    // a leap year).
    let yy = num(10..12) as i32;
    if NaiveDate::from_ymd_opt(1900 + yy, month, day).is_none()
        && NaiveDate::from_ymd_opt(2000 + yy, month, day).is_none()
    {
        return Err(NikError::Date);
    }
    if &text[12..16] == "0000" {
        return Err(NikError::Serial);
    }
    Ok((day, month))
}

impl Nik {
    /// # Errors
    /// When the text is not 16 digits, holds no real date, or has serial 0000.
    pub fn parse(text: &str) -> Result<Self, NikError> {
        let text = text.trim();
        check(text, true)?;
        Ok(Self(text.to_string()))
    }

    /// Builds a NIK from its parts. `region` is the 6-digit kecamatan code.
    pub fn compose(region: &str, birth: NaiveDate, female: bool, serial: u32) -> Self {
        let day = birth.day() + if female { 40 } else { 0 };
        Self(format!("{region}{day:02}{:02}{:02}{serial:04}", birth.month(), birth.year().rem_euclid(100)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    pub fn is_female(&self) -> bool {
        self.0[6..8].parse::<u32>().unwrap_or(0) > 40
    }

    /// Whether the date and sex in the number agree with the recorded ones.
    pub fn matches(&self, birth: NaiveDate, female: bool) -> bool {
        *self == Self::compose(self.region(), birth, female, self.0[12..].parse().unwrap_or(0))
    }

    /// `3604••••••••0012`: what lists show by default.
    pub fn masked(&self) -> String {
        format!("{}••••••••{}", &self.0[..4], &self.0[12..])
    }
}

impl KkNumber {
    /// # Errors
    /// When the text is not 16 digits, holds no real date, or has serial 0000.
    pub fn parse(text: &str) -> Result<Self, NikError> {
        let text = text.trim();
        check(text, false)?;
        Ok(Self(text.to_string()))
    }

    pub fn compose(region: &str, issued: NaiveDate, serial: u32) -> Self {
        Self(format!("{region}{:02}{:02}{:02}{serial:04}", issued.day(), issued.month(), issued.year().rem_euclid(100)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn women_add_forty_to_the_day() {
        let n = Nik::compose("360405", d(1990, 3, 5), true, 12);
        assert_eq!(n.as_str(), "3604054503900012");
        assert!(n.is_female());
        assert!(n.matches(d(1990, 3, 5), true));
        assert!(!n.matches(d(1990, 3, 5), false));
        assert_eq!(n.masked(), "3604••••••••0012");
        let m = Nik::compose("360405", d(2001, 12, 31), false, 1);
        assert_eq!(m.as_str(), "3604053112010001");
        assert!(!m.is_female());
    }

    #[test]
    fn parse_checks_structure() {
        assert!(Nik::parse("3604054503900012").is_ok());
        assert_eq!(Nik::parse("360405450390001"), Err(NikError::Length));
        assert_eq!(Nik::parse("36040545039000a2"), Err(NikError::Length));
        assert_eq!(Nik::parse("3604053213900012"), Err(NikError::Date)); // month 13
        assert_eq!(Nik::parse("3604057203900012"), Err(NikError::Date)); // day 72-40=32
        assert_eq!(Nik::parse("3604054503900000"), Err(NikError::Serial));
        assert!(Nik::parse("3604056902000001").is_ok()); // 29 Feb, woman
    }

    #[test]
    fn kk_has_no_female_offset() {
        let kk = KkNumber::compose("360405", d(2015, 6, 20), 3);
        assert_eq!(kk.as_str(), "3604052006150003");
        assert!(KkNumber::parse(kk.as_str()).is_ok());
        assert_eq!(KkNumber::parse("3604054506150003"), Err(NikError::Date));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_date() -> impl Strategy<Value = NaiveDate> {
            (0i64..73_000).prop_map(|days| NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days))
        }

        proptest! {
            /// Any composed NIK parses, says its sex, and matches exactly its own date and sex.
            #[test]
            fn composed_niks_round_trip(region in 110_000u32..950_000, birth in any_date(), female: bool, serial in 1u32..10_000) {
                let nik = Nik::compose(&region.to_string(), birth, female, serial);
                prop_assert_eq!(Nik::parse(nik.as_str()), Ok(nik.clone()));
                prop_assert_eq!(nik.is_female(), female);
                prop_assert!(nik.matches(birth, female));
                prop_assert!(!nik.matches(birth, !female));
                let other = birth + chrono::Duration::days(1);
                prop_assert!(!nik.matches(other, female));
                prop_assert_eq!(nik.masked().chars().count(), 16);
            }

            /// Anything but 16 digits is refused for its length, whatever else it holds.
            #[test]
            fn wrong_lengths_and_letters_are_refused(text in "[0-9a-zA-Z ]{0,20}") {
                let digits16 = text.len() == 16 && text.bytes().all(|b| b.is_ascii_digit());
                if !digits16 && !text.trim().is_empty() && text.trim() == text {
                    prop_assert_eq!(Nik::parse(&text), Err(NikError::Length));
                    prop_assert_eq!(KkNumber::parse(&text), Err(NikError::Length));
                }
            }

            /// A day part that is no real day (also after taking 40 off) is refused.
            #[test]
            fn impossible_days_are_refused(day in 0u32..100, month in 0u32..100, year in 0u32..100, serial in 1u32..10_000) {
                let text = format!("360405{day:02}{month:02}{year:02}{serial:04}");
                let real_day = if day > 40 { day - 40 } else { day };
                let real = |d: u32| {
                    let y = year as i32;
                    NaiveDate::from_ymd_opt(1900 + y, month, d).is_some() || NaiveDate::from_ymd_opt(2000 + y, month, d).is_some()
                };
                let exists = real(real_day);
                prop_assert_eq!(Nik::parse(&text).is_ok(), exists);
                let kk_exists = real(day);
                prop_assert_eq!(KkNumber::parse(&text).is_ok(), kk_exists);
            }
        }
    }

    #[test]
    fn thirty_first_of_february_and_leap_days() {
        assert_eq!(Nik::parse("3604053102900001"), Err(NikError::Date));
        assert_eq!(Nik::parse("3604057102900001"), Err(NikError::Date)); // woman, 31 Feb
        assert!(Nik::parse("3604052902000001").is_ok()); // 2000 was a leap year
        assert!(Nik::parse("3604056902040001").is_ok()); // a woman born 29 Feb 2004
        assert_eq!(Nik::parse("3604052902010001"), Err(NikError::Date)); // 2001 was not
        assert_eq!(KkNumber::parse("3604053102150001"), Err(NikError::Date));
    }
}
