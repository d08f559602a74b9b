//! Aggregates about a village's population, safe for a public page (no personal data).

use serde::{Deserialize, Serialize};

/// A head count as a public page may show it: counts from 1 to 4 are only "< 5", so that
/// nobody is singled out by a small cell. The server masks them; the exact value never leaves it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Count {
    #[default]
    Zero,
    FewerThanFive,
    Exact(u64),
}

/// Below this, a public count is shown as "< 5".
pub const SMALL_CELL: u64 = 5;

impl Count {
    pub fn public(n: u64) -> Self {
        match n {
            0 => Count::Zero,
            n if n < SMALL_CELL => Count::FewerThanFive,
            n => Count::Exact(n),
        }
    }

    /// A value for drawing bars: small cells are drawn as 2.
    pub fn approx(self) -> u64 {
        match self {
            Count::Zero => 0,
            Count::FewerThanFive => 2,
            Count::Exact(n) => n,
        }
    }

    pub fn is_zero(self) -> bool {
        self == Count::Zero
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Count::Zero => f.write_str("0"),
            Count::FewerThanFive => f.write_str("< 5"),
            Count::Exact(n) => f.write_str(&format_count(*n)),
        }
    }
}

/// Head counts of living residents, as a public page shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PopulationSummary {
    pub residents: Count,
    pub families: Count,
    pub male: Count,
    pub female: Count,
    pub dusun: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgeGroup {
    /// "0–4", "5–9", …, "75+".
    pub label: String,
    pub male: Count,
    pub female: Count,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DusunStat {
    pub id: i64,
    pub name: String,
    pub male: Count,
    pub female: Count,
    pub total: Count,
}

/// A dusun with the number of RW and RT in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DusunInfo {
    pub id: i64,
    pub name: String,
    pub rw: u64,
    pub rt: u64,
}

/// Living residents by one attribute (religion, education, …), as a public page shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryStat {
    /// "Agama", "Pendidikan", "Pekerjaan", "Status perkawinan".
    pub title: String,
    /// `(label, head count)`, largest first. Only totals: a split by sex beside a total would
    /// let a small cell be worked out by subtraction.
    pub rows: Vec<(String, Count)>,
}

/// The public statistics page of a village, for the whole village or one dusun.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationStats {
    pub summary: PopulationSummary,
    pub age_groups: Vec<AgeGroup>,
    pub per_dusun: Vec<DusunStat>,
    /// Religion, education, occupation and marital status, for the whole village only (empty
    /// when the page is about one dusun).
    pub categories: Vec<CategoryStat>,
    /// The dusun the figures are limited to, if any.
    pub dusun: Option<DusunInfo>,
}

/// Five-year age groups up to 75+, as in the usual population pyramid.
pub const AGE_GROUP_YEARS: u32 = 5;
pub const AGE_GROUPS: u32 = 16;

pub fn age_group_label(index: u32) -> String {
    if index + 1 >= AGE_GROUPS {
        format!("{}+", index * AGE_GROUP_YEARS)
    } else {
        format!("{}–{}", index * AGE_GROUP_YEARS, index * AGE_GROUP_YEARS + AGE_GROUP_YEARS - 1)
    }
}

/// `1234567` → `1.234.567`, the Indonesian way.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// One problem found in an import file, where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportIssue {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: u32,
    /// The column's name in the header (`nik`, `tanggallahir`, …), empty for the whole row.
    pub column: String,
    pub message: String,
}

/// What an import will do (dry run) or did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub file_name: String,
    /// Data rows read (up to the `###` marker, empty rows not counted).
    pub rows: u32,
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Rows refused; each has at least one entry in `errors`.
    pub rejected: u32,
    pub new_families: u32,
    pub new_areas: u32,
    pub errors: Vec<ImportIssue>,
    pub warnings: Vec<ImportIssue>,
    /// Set once the import has been written to the database.
    pub applied: bool,
}

/// How an official filters and sorts the resident list. Empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResidentFilter {
    /// A name (or part of it), or the first digits of a NIK or No. KK.
    pub q: String,
    pub dusun: Option<i64>,
    pub rt: Option<i64>,
    /// `L` or `P`.
    pub sex: String,
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    /// `hidup` (the default when empty), `mati`, `pindah`, `hilang`, or `semua`.
    pub status: String,
    pub religion: String,
    pub education: String,
    pub occupation: String,
    pub marital_status: String,
    /// `nama` (default), `umur-tua`, `umur-muda`, `terbaru`.
    pub sort: String,
}

/// One resident in a list: the NIK masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentRow {
    pub id: i64,
    pub name: String,
    pub nik_masked: String,
    pub sex: String,
    pub age: u32,
    pub area: String,
    pub relationship: String,
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentPage {
    pub items: Vec<ResidentRow>,
    pub total: u64,
    pub links: crate::ui::PageLinks,
}

/// An area to choose in a form or a filter: `Dusun Kramat / RW 001 / RT 002`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaOption {
    pub id: i64,
    pub label: String,
}

/// The choices of the registry's forms and filters (sent by the server, so the code lists stay
/// out of the browser bundle).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryOptions {
    /// The server's date (`yyyy-mm-dd`), for the form's own checks of dates.
    pub today: String,
    pub dusun_word: String,
    pub dusun: Vec<AreaOption>,
    pub rt: Vec<AreaOption>,
    pub religion: Vec<String>,
    pub education: Vec<String>,
    pub education_current: Vec<String>,
    pub occupation: Vec<String>,
    pub marital_status: Vec<String>,
    pub relationship: Vec<String>,
    pub citizenship: Vec<String>,
    pub blood_type: Vec<String>,
    pub disability: Vec<String>,
}

/// A member of a family as the family card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyMemberRow {
    pub id: i64,
    pub name: String,
    /// Masked unless the card was opened in full (audited).
    pub nik: String,
    pub sex: String,
    pub birth: String,
    pub relationship: String,
    pub status: String,
}

/// The family card (Kartu Keluarga) view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCard {
    pub id: i64,
    /// Masked unless opened in full (audited).
    pub kk: String,
    pub head: String,
    pub address: String,
    pub area: String,
    pub rt_id: Option<i64>,
    pub members: Vec<FamilyMemberRow>,
    pub full: bool,
}

/// A population event as registers and the resident's page list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub id: i64,
    pub resident_id: i64,
    pub resident: String,
    pub kind: String,
    pub kind_label: String,
    pub date: String,
    pub document_number: String,
    pub place: String,
    pub reason: String,
    pub recorded_by: String,
}

/// The Buku Mutasi Penduduk of one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationBook {
    pub year: i32,
    pub events: Vec<EventRow>,
}

/// An edit of a record, for the resident's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub changes: Vec<(String, String, String)>,
    pub reason: String,
}

/// A correction request, for the officials' queue and the resident's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRow {
    pub id: i64,
    pub resident_id: i64,
    pub resident: String,
    pub message: String,
    pub status: String,
    pub response: String,
    pub created: String,
    pub resolved_by: String,
}

/// Everything about one resident for the officials' detail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentDetail {
    pub id: i64,
    /// The record as the edit form takes it; `nik`, `father_nik` and `mother_nik` masked unless
    /// `full` (opened in full, audited).
    pub input: super::record::ResidentInput,
    pub full: bool,
    pub status: String,
    pub age: u32,
    pub area: String,
    pub rt_id: Option<i64>,
    pub family: Option<FamilyCard>,
    pub events: Vec<EventRow>,
    pub history: Vec<HistoryRow>,
    pub corrections: Vec<CorrectionRow>,
    /// For a resident who moved to another village of the deployment: whether it took them in.
    #[serde(default)]
    pub move_outcome: Option<String>,
}

/// A move from another village of the deployment, waiting for this village's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrivalRow {
    pub id: i64,
    pub name: String,
    pub nik_masked: String,
    /// The village of origin.
    pub from: String,
    /// The day of the move (`dd-mm-yyyy`).
    pub date: String,
    /// When it was sent.
    pub sent: String,
}

/// One waiting move, to fill the new record in from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrival {
    pub id: i64,
    /// The record as the village of origin kept it (whole NIKs).
    pub input: super::record::ResidentInput,
    pub from: String,
    /// `yyyy-mm-dd`.
    pub date: String,
    pub document_number: String,
    pub reason: String,
    pub sent_by: String,
}

/// A new resident or an edit, from the officials' form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResidentForm {
    pub input: super::record::ResidentInput,
    /// An existing family, or `new_kk` for a new one.
    pub family_id: Option<i64>,
    pub new_kk: String,
    pub address: String,
    pub rt_id: Option<i64>,
    /// Given when the official accepts the warnings (e.g. a NIK that disagrees with the birth date).
    pub warning_reason: String,
}

/// The answer to a save: done (the id), or warnings to accept first (what must be fixed comes
/// back as `AppError::Refused`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved(i64),
    /// Warnings the official may accept by giving a reason.
    NeedsReason(Vec<crate::kit::form::Problem>),
}

/// Kinds of population event (mutasi).
pub const EVENT_KINDS: &[(&str, &str)] = &[
    ("lahir", "Kelahiran"),
    ("mati", "Kematian"),
    ("pindah_keluar", "Pindah keluar"),
    ("pindah_masuk", "Pindah masuk"),
    ("hilang", "Hilang"),
];

pub fn event_label(kind: &str) -> &'static str {
    EVENT_KINDS.iter().find(|(k, _)| *k == kind).map_or("Peristiwa", |(_, l)| *l)
}

/// A death, a move out or a disappearance of an existing resident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventInput {
    pub resident_id: i64,
    /// `mati`, `pindah_keluar` or `hilang`.
    pub kind: String,
    /// `yyyy-mm-dd`.
    pub date: String,
    pub document_number: String,
    /// Place of death, destination, or where last seen.
    pub place: String,
    /// Cause of death, reason for moving, circumstances.
    pub reason: String,
    /// For a move to another village of this deployment: its slug.
    pub to_village: String,
}

/// An import as its page shows it: checked, running (with progress) or finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    /// The dry run: what will happen, or why the file is refused as a whole.
    Checked(Result<ImportReport, String>),
    Running {
        done: u32,
        total: u32,
    },
    Finished(Result<ImportReport, String>),
}

/// Living residents of one group, by sex (exact: for officials only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub label: String,
    pub male: u64,
    pub female: u64,
}

/// The registry's statistics as officials see them: exact counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryStats {
    pub residents: u64,
    pub families: u64,
    pub age_groups: Vec<Breakdown>,
    pub religion: Vec<Breakdown>,
    pub education: Vec<Breakdown>,
    pub occupation: Vec<Breakdown>,
    pub marital_status: Vec<Breakdown>,
    pub per_dusun: Vec<Breakdown>,
    pub per_rw: Vec<Breakdown>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_use_dots() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(8000), "8.000");
        assert_eq!(format_count(1234567), "1.234.567");
    }

    #[test]
    fn small_counts_are_masked() {
        assert_eq!(Count::public(0).to_string(), "0");
        assert_eq!(Count::public(1).to_string(), "< 5");
        assert_eq!(Count::public(4).to_string(), "< 5");
        assert_eq!(Count::public(5).to_string(), "5");
        assert_eq!(Count::public(8000).to_string(), "8.000");
        assert_eq!(Count::public(3).approx(), 2);
    }

    #[test]
    fn age_labels() {
        assert_eq!(age_group_label(0), "0–4");
        assert_eq!(age_group_label(14), "70–74");
        assert_eq!(age_group_label(15), "75+");
    }
}
