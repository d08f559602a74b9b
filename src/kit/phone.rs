//! Phone numbers as WhatsApp links want them (a letter ready to collect, a report's reporter).

/// `0812…` / `+62812…` / `62812…` → `62812…`; None for something that is not an Indonesian
/// mobile number.
pub fn wa_number(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("62") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_string()
    } else {
        return None;
    };
    (national.starts_with('8') && (9..=12).contains(&national.len())).then(|| format!("62{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_numbers() {
        assert_eq!(wa_number("0812-3456-7890").as_deref(), Some("6281234567890"));
        assert_eq!(wa_number("+62 812 3456 789").as_deref(), Some("62812345678 9".replace(' ', "").as_str()));
        assert_eq!(wa_number("021 555 1234"), None, "a landline");
        assert_eq!(wa_number("12345"), None);
    }
}
