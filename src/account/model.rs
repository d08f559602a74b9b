//! What a resident sees of their own data.

use serde::{Deserialize, Serialize};

/// The signed-in resident's own record. Their own NIK and No. KK are shown whole: it is their data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnProfile {
    pub village_title: String,
    pub name: String,
    pub nik: String,
    pub kk: Option<String>,
    pub sex: String,
    pub birth: String,
    pub religion: String,
    pub education: String,
    pub occupation: String,
    pub marital_status: String,
    pub relationship: String,
    pub address: Option<String>,
    /// "Dusun Krajan, RW 02, RT 003".
    pub area: Option<String>,
    pub family: Vec<FamilyMember>,
    /// Their requests to correct the record, newest first.
    pub corrections: Vec<crate::population::model::CorrectionRow>,
}

/// Another member of the resident's family (no NIK).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyMember {
    pub name: String,
    pub relationship: String,
    pub sex: String,
    pub age: u32,
}

/// "KEPALA KELUARGA" → "Kepala Keluarga", as the registry's upper-case code values read best.
/// ASCII only, like the code values (runs in the browser, see `village::model::capitalise`).
pub fn title_case(text: &str) -> String {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn title_case_of_code_values() {
        assert_eq!(super::title_case("KEPALA KELUARGA"), "Kepala Keluarga");
        assert_eq!(super::title_case("SLTA/SEDERAJAT"), "Slta/sederajat");
        assert_eq!(super::title_case(""), "");
    }
}
