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

/// The `status` of a living resident (the others: `mati`, `pindah`, `hilang`).
pub const STATUS_ALIVE: &str = "hidup";

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

/// The public statistics page of a village, for the whole village or one dusun.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationStats {
    pub summary: PopulationSummary,
    pub age_groups: Vec<AgeGroup>,
    pub per_dusun: Vec<DusunStat>,
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
