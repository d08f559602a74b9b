//! Letter number formats: `[kode]/[nomor:3]/[kode desa]/[bulan romawi]/[tahun]` and the like.
//! The format is checked when a letter type is saved; the number itself (the sequence) is taken
//! at signing, in the same transaction (see `service::sign`).

/// What a number is made of, besides the sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberParts<'a> {
    /// The letter type's code (`470`, `474.1`, …).
    pub code: &'a str,
    /// The village's own code, the last four digits of its kode wilayah (`2001`).
    pub village_code: &'a str,
    pub month: u32,
    pub year: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Text(String),
    Code,
    /// The sequence, zero-padded to this many digits (1 = no padding).
    Seq(usize),
    VillageCode,
    RomanMonth,
    Month,
    Year,
}

/// A checked number format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat(Vec<Token>);

/// The format of a new letter type.
pub const DEFAULT_FORMAT: &str = "[kode]/[nomor:3]/[kode desa]/[bulan romawi]/[tahun]";

impl NumberFormat {
    /// # Errors
    /// A message naming the unknown `[…]`, or saying the sequence is missing (without it two
    /// letters could get the same number).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 100 {
            return Err("Format nomor wajib diisi, paling panjang 100 huruf.".into());
        }
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('[') {
            if start > 0 {
                out.push(Token::Text(rest[..start].to_string()));
            }
            let Some(end) = rest[start..].find(']') else {
                return Err("Tanda [ tanpa pasangan ] di format nomor.".into());
            };
            let name = rest[start + 1..start + end].trim().to_ascii_lowercase();
            out.push(match name.as_str() {
                "kode" => Token::Code,
                "nomor" => Token::Seq(1),
                "kode desa" => Token::VillageCode,
                "bulan romawi" => Token::RomanMonth,
                "bulan" => Token::Month,
                "tahun" => Token::Year,
                other => match other.strip_prefix("nomor:").and_then(|d| d.trim().parse::<usize>().ok()) {
                    Some(d) if (1..=6).contains(&d) => Token::Seq(d),
                    _ => return Err(format!("Bagian [{name}] di format nomor tidak dikenal.")),
                },
            });
            rest = &rest[start + end + 1..];
        }
        if !rest.is_empty() {
            out.push(Token::Text(rest.to_string()));
        }
        if out.iter().filter(|t| matches!(t, Token::Seq(_))).count() != 1 {
            return Err("Format nomor harus memuat [nomor] (atau [nomor:3]) tepat satu kali.".into());
        }
        if out.iter().any(|t| matches!(t, Token::Text(s) if s.contains(']'))) {
            return Err("Tanda ] tanpa pasangan [ di format nomor.".into());
        }
        Ok(Self(out))
    }

    /// The number of letter `seq` (1, 2, …) of the year.
    pub fn render(&self, seq: u64, parts: &NumberParts<'_>) -> String {
        let mut out = String::new();
        for t in &self.0 {
            match t {
                Token::Text(s) => out.push_str(s),
                Token::Code => out.push_str(parts.code),
                Token::Seq(width) => out.push_str(&format!("{seq:0width$}")),
                Token::VillageCode => out.push_str(parts.village_code),
                Token::RomanMonth => out.push_str(roman_month(parts.month)),
                Token::Month => out.push_str(&format!("{:02}", parts.month)),
                Token::Year => out.push_str(&parts.year.to_string()),
            }
        }
        out
    }
}

/// `11` → `XI`.
pub fn roman_month(month: u32) -> &'static str {
    const ROMAN: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    month.checked_sub(1).and_then(|m| ROMAN.get(m as usize)).copied().unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTS: NumberParts<'static> = NumberParts { code: "470", village_code: "2001", month: 11, year: 2026 };

    #[test]
    fn the_common_format_renders() {
        let f = NumberFormat::parse(DEFAULT_FORMAT).unwrap();
        assert_eq!(f.render(12, &PARTS), "470/012/2001/XI/2026");
        assert_eq!(f.render(1234, &PARTS), "470/1234/2001/XI/2026");
        let g = NumberFormat::parse("[nomor]/[KODE]-[bulan].[tahun]").unwrap();
        assert_eq!(g.render(7, &PARTS), "7/470-11.2026");
    }

    #[test]
    fn bad_formats_are_refused_with_the_reason() {
        assert_eq!(
            NumberFormat::parse("[kode]/[tahun]").unwrap_err(),
            "Format nomor harus memuat [nomor] (atau [nomor:3]) tepat satu kali."
        );
        assert!(NumberFormat::parse("[nomor]/[nomor:2]").is_err());
        assert_eq!(
            NumberFormat::parse("[nomor]/[kode surat]").unwrap_err(),
            "Bagian [kode surat] di format nomor tidak dikenal."
        );
        assert!(NumberFormat::parse("[nomor:9]").is_err());
        assert!(NumberFormat::parse("[nomor]/[tahun").is_err());
        assert!(NumberFormat::parse("[nomor]]").is_err());
        assert!(NumberFormat::parse("  ").is_err());
    }

    #[test]
    fn months_in_roman() {
        assert_eq!((1..=12).map(roman_month).collect::<Vec<_>>().join(" "), "I II III IV V VI VII VIII IX X XI XII");
        assert_eq!(roman_month(0), "?");
    }
}
