//! Time as the village reads it: Western Indonesian Time (WIB, UTC+7, no daylight saving) and
//! dates in Indonesian words. Stored times are UTC; these are the only conversions.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

/// WIB's distance from UTC.
pub const WIB_OFFSET: Duration = Duration::hours(7);

/// `t` on a clock in WIB.
pub fn in_wib(t: DateTime<Utc>) -> NaiveDateTime {
    (t + WIB_OFFSET).naive_utc()
}

/// A moment as officials read it: day, month, year, hours and minutes in WIB (`28-11-2026 14:05`).
pub fn wib(t: DateTime<Utc>) -> String {
    in_wib(t).format("%d-%m-%Y %H:%M").to_string()
}

/// The same, saying its zone (`28-11-2026 14:05 WIB`), where a reader may be elsewhere.
pub fn wib_with_zone(t: DateTime<Utc>) -> String {
    in_wib(t).format("%d-%m-%Y %H:%M WIB").to_string()
}

/// The date of `t` in WIB.
pub fn wib_date(t: DateTime<Utc>) -> NaiveDate {
    in_wib(t).date()
}

/// `2026-11-28` → `28 November 2026`.
pub fn long_date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wib_is_seven_hours_ahead_and_dates_read_in_indonesian() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T17:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(wib(t), "29-11-2026 00:30");
        assert_eq!(wib_with_zone(t), "29-11-2026 00:30 WIB");
        assert_eq!(wib_date(t), NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()), "1 Agustus 2026");
    }
}
