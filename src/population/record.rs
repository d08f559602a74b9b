//! A resident's record as officials type it (form) or as an import row gives it, and the rules
//! it must follow. Shared by the browser (inline validation) and the server (the authority):
//! the server also checks the code lists and that the NIK's region exists.

use crate::kit::form::Problem;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes;
use super::nik::{KkNumber, Nik};

/// The editable fields of a resident, as text. Code-list fields hold the label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResidentInput {
    pub nik: String,
    pub name: String,
    /// `L` or `P`.
    pub sex: String,
    pub birth_place: String,
    /// `yyyy-mm-dd`.
    pub birth_date: String,
    pub religion: String,
    pub education: String,
    pub education_current: String,
    pub occupation: String,
    pub marital_status: String,
    pub relationship: String,
    pub citizenship: String,
    pub blood_type: String,
    pub father_nik: String,
    pub father_name: String,
    pub mother_nik: String,
    pub mother_name: String,
    pub disability: String,
    pub phone: String,
}

/// A record that follows the rules (the code lists are checked by [`check_codes`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidResident {
    pub nik: Nik,
    pub name: String,
    pub sex: &'static str,
    pub birth_place: String,
    pub birth_date: NaiveDate,
    pub religion: String,
    pub education: String,
    pub education_current: String,
    pub occupation: String,
    pub marital_status: String,
    pub relationship: String,
    pub citizenship: String,
    pub blood_type: String,
    pub father_nik: Option<String>,
    pub father_name: Option<String>,
    pub mother_nik: Option<String>,
    pub mother_name: Option<String>,
    pub disability: Option<String>,
    pub phone: Option<String>,
}

impl ValidResident {
    /// The fields that differ in `after`, as `(field, before, after)`, in the words of the history.
    pub fn changes_to(&self, after: &ValidResident) -> Vec<(String, String, String)> {
        let (a, b) = (self, after);
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let pairs = [
            ("NIK", a.nik.as_str().to_string(), b.nik.as_str().to_string()),
            ("nama", a.name.clone(), b.name.clone()),
            ("jenis kelamin", a.sex.into(), b.sex.into()),
            ("tempat lahir", a.birth_place.clone(), b.birth_place.clone()),
            ("tanggal lahir", a.birth_date.to_string(), b.birth_date.to_string()),
            ("agama", a.religion.clone(), b.religion.clone()),
            ("pendidikan", a.education.clone(), b.education.clone()),
            ("pendidikan sedang", a.education_current.clone(), b.education_current.clone()),
            ("pekerjaan", a.occupation.clone(), b.occupation.clone()),
            ("status perkawinan", a.marital_status.clone(), b.marital_status.clone()),
            ("hubungan keluarga", a.relationship.clone(), b.relationship.clone()),
            ("kewarganegaraan", a.citizenship.clone(), b.citizenship.clone()),
            ("golongan darah", a.blood_type.clone(), b.blood_type.clone()),
            ("NIK ayah", o(&a.father_nik), o(&b.father_nik)),
            ("nama ayah", o(&a.father_name), o(&b.father_name)),
            ("NIK ibu", o(&a.mother_nik), o(&b.mother_nik)),
            ("nama ibu", o(&a.mother_name), o(&b.mother_name)),
            ("disabilitas", o(&a.disability), o(&b.disability)),
            ("nomor HP", o(&a.phone), o(&b.phone)),
        ];
        pairs.into_iter().filter(|(_, x, y)| x != y).map(|(f, x, y)| (f.to_string(), x, y)).collect()
    }
}

/// The outcome of checking a record: the errors (it cannot be saved) and the warnings (it can,
/// once an official accepts them with a reason).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub valid: Option<ValidResident>,
}

/// `" budi   santoso "` → `"budi santoso"`.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A NIK's structure, with the reason in Indonesian.
pub fn nik_problem(text: &str) -> Option<String> {
    Nik::parse(text).err().map(|e| format!("NIK {e}."))
}

/// A No. KK's structure, with the reason in Indonesian.
pub fn kk_problem(text: &str) -> Option<String> {
    KkNumber::parse(text).err().map(|e| format!("No. KK {e}."))
}

/// What the NIK says that the record does not: the birth date, the sex (women add 40 to the day).
pub fn nik_mismatch(nik: &Nik, birth: NaiveDate, female: bool) -> Option<String> {
    if nik.matches(birth, female) {
        return None;
    }
    let sex_differs = nik.is_female() != female;
    let date_differs = !nik.matches(birth, nik.is_female());
    Some(match (sex_differs, date_differs) {
        (true, true) => "Tanggal lahir dan jenis kelamin di dalam NIK berbeda dengan data yang diisi.".into(),
        (true, false) => "Jenis kelamin di dalam NIK berbeda (NIK perempuan: tanggal lahir ditambah 40).".into(),
        _ => "Tanggal lahir di dalam NIK berbeda dengan tanggal lahir yang diisi.".into(),
    })
}

/// A birth date: `yyyy-mm-dd`, `dd-mm-yyyy` or `dd/mm/yyyy`, not in the future, not before 1900.
pub fn parse_date(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let text = text.trim();
    let date = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .ok_or_else(|| format!("Tanggal \"{text}\" tidak valid; tulis seperti 1990-03-25 atau 25-03-1990."))?;
    if date > today {
        return Err("Tanggal tidak boleh di masa depan.".into());
    }
    if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
        return Err("Tanggal terlalu lama (sebelum 1900).".into());
    }
    Ok(date)
}

/// A phone number: `08…`, `628…` or `+628…`, 10 to 15 digits; kept as `08…`.
pub fn parse_phone(text: &str) -> Result<String, String> {
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let local = if let Some(rest) = digits.strip_prefix("+62").or_else(|| digits.strip_prefix("62")) {
        format!("0{rest}")
    } else {
        digits
    };
    if local.starts_with("08") && (10..=14).contains(&local.len()) && local.bytes().all(|b| b.is_ascii_digit()) {
        Ok(local)
    } else {
        Err("Nomor HP tidak valid; tulis seperti 081234567890.".into())
    }
}

pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("Nama wajib diisi.");
    }
    if name.chars().count() > 100 {
        return Some("Nama paling panjang 100 huruf.");
    }
    if !name.chars().any(char::is_alphabetic)
        || !name.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | ',' | '\'' | '-' | '`'))
    {
        return Some("Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik dan tanda hubung.");
    }
    None
}

fn optional(text: &str) -> Option<String> {
    let text = squash(text);
    (!text.is_empty() && text != "-").then_some(text)
}

impl ResidentInput {
    /// Checks everything that needs no database: structure of the NIK and the parents' NIKs, the
    /// name, the dates, the phone; a NIK that disagrees with the birth date or sex is a warning.
    pub fn check(&self, today: NaiveDate) -> Checked {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let nik = Nik::parse(&self.nik);
        if let Some(p) = nik_problem(&self.nik) {
            errors.push(Problem::new("nik", p));
        }
        let name = squash(&self.name);
        if let Some(p) = name_problem(&name) {
            errors.push(Problem::new("name", p));
        }
        let sex = match self.sex.trim() {
            "L" => Some("L"),
            "P" => Some("P"),
            _ => {
                errors.push(Problem::new("sex", "Pilih jenis kelamin."));
                None
            }
        };
        let birth_place = squash(&self.birth_place);
        if birth_place.is_empty() {
            errors.push(Problem::new("birth_place", "Tempat lahir wajib diisi."));
        } else if birth_place.chars().count() > 100 {
            errors.push(Problem::new("birth_place", "Tempat lahir paling panjang 100 huruf."));
        }
        let birth = match parse_date(&self.birth_date, today) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(Problem::new("birth_date", e));
                None
            }
        };
        if let (Ok(nik), Some(birth), Some(sex)) = (&nik, birth, sex) {
            if let Some(w) = nik_mismatch(nik, birth, sex == "P") {
                warnings.push(Problem::new("nik", w));
            }
        }
        for (field, value) in [("father_nik", &self.father_nik), ("mother_nik", &self.mother_nik)] {
            if optional(value).is_some() {
                if let Some(p) = nik_problem(value) {
                    errors.push(Problem::new(field, p));
                }
            }
        }
        for (field, value) in [("father_name", &self.father_name), ("mother_name", &self.mother_name)] {
            if let Some(v) = optional(value) {
                if let Some(p) = name_problem(&v) {
                    errors.push(Problem::new(field, p));
                }
            }
        }
        let phone = match optional(&self.phone).map(|p| parse_phone(&p)) {
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => {
                errors.push(Problem::new("phone", e));
                None
            }
            None => None,
        };
        let required = [
            ("religion", &self.religion, "Pilih agama."),
            ("education", &self.education, "Pilih pendidikan dalam KK."),
            ("occupation", &self.occupation, "Pilih pekerjaan."),
            ("marital_status", &self.marital_status, "Pilih status perkawinan."),
            ("relationship", &self.relationship, "Pilih hubungan dalam keluarga."),
        ];
        for (field, value, message) in required {
            if value.trim().is_empty() {
                errors.push(Problem::new(field, message));
            }
        }
        let valid = match (errors.is_empty(), nik, sex, birth) {
            (true, Ok(nik), Some(sex), Some(birth_date)) => Some(ValidResident {
                nik,
                name,
                sex,
                birth_place,
                birth_date,
                religion: squash(&self.religion),
                education: squash(&self.education),
                education_current: squash(&self.education_current),
                occupation: squash(&self.occupation),
                marital_status: squash(&self.marital_status),
                relationship: squash(&self.relationship),
                citizenship: optional(&self.citizenship).unwrap_or_else(|| "WNI".into()),
                blood_type: optional(&self.blood_type).unwrap_or_else(|| "TIDAK TAHU".into()),
                father_nik: optional(&self.father_nik),
                father_name: optional(&self.father_name),
                mother_nik: optional(&self.mother_nik),
                mother_name: optional(&self.mother_name),
                disability: optional(&self.disability),
                phone,
            }),
            _ => None,
        };
        Checked { errors, warnings, valid }
    }
}

/// The code-list fields must hold a label of their list (server side: the lists are not sent to
/// the browser bundle).
pub fn check_codes(input: &ResidentInput) -> Vec<Problem> {
    let lists = [
        ("religion", &input.religion, codes::RELIGION),
        ("education", &input.education, codes::EDUCATION),
        ("occupation", &input.occupation, codes::OCCUPATION),
        ("marital_status", &input.marital_status, codes::MARITAL),
        ("relationship", &input.relationship, codes::RELATIONSHIP),
    ];
    let optional_lists = [
        ("education_current", &input.education_current, codes::EDUCATION_CURRENT),
        ("citizenship", &input.citizenship, codes::CITIZENSHIP),
        ("blood_type", &input.blood_type, codes::BLOOD_TYPE),
        ("disability", &input.disability, codes::DISABILITY),
    ];
    let mut errors = Vec::new();
    for (field, value, list) in lists {
        if !value.trim().is_empty() && list.code(value).is_none() {
            errors.push(Problem::new(field, format!("\"{}\" tidak ada dalam daftar {}.", value.trim(), list.title)));
        }
    }
    for (field, value, list) in optional_lists {
        if optional(value).is_some() && list.code(value).is_none() {
            errors.push(Problem::new(field, format!("\"{}\" tidak ada dalam daftar {}.", value.trim(), list.title)));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn input() -> ResidentInput {
        ResidentInput {
            nik: "3604054503900012".into(),
            name: "  Siti   Aminah ".into(),
            sex: "P".into(),
            birth_place: "Serang".into(),
            birth_date: "1990-03-05".into(),
            religion: "ISLAM".into(),
            education: "SLTA / SEDERAJAT".into(),
            occupation: "PEDAGANG".into(),
            marital_status: "KAWIN".into(),
            relationship: "ISTRI".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_record_passes() {
        let c = input().check(today());
        assert!(c.errors.is_empty() && c.warnings.is_empty(), "{c:?}");
        let v = c.valid.unwrap();
        assert_eq!(v.name, "Siti Aminah");
        assert_eq!(v.citizenship, "WNI");
        assert!(check_codes(&input()).is_empty());
    }

    #[test]
    fn a_nik_that_disagrees_is_a_warning() {
        let c = ResidentInput { birth_date: "05-03-1991".into(), ..input() }.check(today());
        assert!(c.errors.is_empty());
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].message.contains("Tanggal lahir"));
        let c = ResidentInput { sex: "L".into(), ..input() }.check(today());
        assert!(c.warnings[0].message.contains("Jenis kelamin"), "{c:?}");
        assert!(c.valid.is_some());
    }

    #[test]
    fn bad_fields_are_named() {
        let c = ResidentInput {
            nik: "36040545039".into(),
            name: "R2D2".into(),
            birth_date: "2030-01-01".into(),
            phone: "12345".into(),
            mother_nik: "3604053213900012".into(),
            religion: String::new(),
            ..input()
        }
        .check(today());
        let fields: Vec<&str> = c.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["nik", "name", "birth_date", "mother_nik", "phone", "religion"]);
        assert!(c.valid.is_none());
        let bad = ResidentInput { religion: "JEDI".into(), ..input() };
        assert_eq!(check_codes(&bad)[0].message, "\"JEDI\" tidak ada dalam daftar agama.");
    }

    #[test]
    fn dates_and_phones() {
        let d = NaiveDate::from_ymd_opt(1990, 3, 25).unwrap();
        assert_eq!(parse_date("1990-03-25", today()), Ok(d));
        assert_eq!(parse_date("25-03-1990", today()), Ok(d));
        assert_eq!(parse_date(" 25/03/1990 ", today()), Ok(d));
        assert!(parse_date("31-02-1990", today()).is_err());
        assert_eq!(parse_phone("+62 812-3456-7890"), Ok("081234567890".into()));
        assert_eq!(parse_phone("6281234567890"), Ok("081234567890".into()));
        assert!(parse_phone("0212345678").is_err());
        assert!(parse_phone("08123").is_err());
    }
}
