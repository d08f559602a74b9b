//! Residents' 6-digit PINs: how they look, which are too easy to guess, and new random ones.
//! Shared by browser and server (the change form checks before sending).

/// The reason a PIN is refused, in words a resident understands; `None` when it is acceptable.
/// `birth` (day, month, two-digit year) refuses the resident's own birth date, the first thing
/// a neighbour would try.
pub fn weakness(pin: &str, birth: Option<(u32, u32, u32)>) -> Option<&'static str> {
    if pin.len() != 6 || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Some("PIN harus 6 angka.");
    }
    let digits: Vec<i32> = pin.bytes().map(|b| i32::from(b - b'0')).collect();
    if digits.iter().all(|d| *d == digits[0]) {
        return Some("PIN tidak boleh berisi angka yang sama semua (misalnya 111111).");
    }
    let steps: Vec<i32> = digits.windows(2).map(|w| (w[1] - w[0]).rem_euclid(10)).collect();
    if steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == 9) {
        return Some("PIN tidak boleh berupa urutan angka (misalnya 123456 atau 654321).");
    }
    if pin[..2] == pin[2..4] && pin[2..4] == pin[4..] || pin[..3] == pin[3..] {
        return Some("PIN tidak boleh berupa pola berulang (misalnya 121212 atau 123123).");
    }
    if let Some((d, m, y)) = birth {
        let dates = [format!("{d:02}{m:02}{y:02}"), format!("{y:02}{m:02}{d:02}")];
        if dates.iter().any(|date| date == pin) {
            return Some("PIN tidak boleh sama dengan tanggal lahir Anda.");
        }
    }
    None
}

/// A new random PIN for a slip: 6 digits from the OS's generator, never a weak one.
#[cfg(feature = "ssr")]
pub fn generate() -> String {
    use rand_core::{OsRng, RngCore};
    loop {
        let pin = format!("{:06}", OsRng.next_u32() % 1_000_000);
        if weakness(&pin, None).is_none() {
            return pin;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_pins_are_refused_with_a_reason() {
        for pin in ["12345", "1234567", "12a456", "", "111111", "123456", "654321", "890123", "121212", "123123"] {
            assert!(weakness(pin, None).is_some(), "{pin}");
        }
        assert_eq!(weakness("170845", Some((17, 8, 45))), Some("PIN tidak boleh sama dengan tanggal lahir Anda."));
        assert_eq!(weakness("450817", Some((17, 8, 45))), Some("PIN tidak boleh sama dengan tanggal lahir Anda."));
        assert_eq!(weakness("170845", None), None);
        assert_eq!(weakness("480213", Some((17, 8, 45))), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_pins_are_six_digits_and_differ() {
        let pins: Vec<String> = (0..50).map(|_| generate()).collect();
        assert!(pins.iter().all(|p| weakness(p, None).is_none()));
        let mut unique = pins.clone();
        unique.sort();
        unique.dedup();
        assert!(unique.len() > 45);
    }
}
