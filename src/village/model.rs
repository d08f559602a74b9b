//! Village data as the browser sees it.

use serde::{Deserialize, Serialize};

/// Public facts about one village (no personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VillageInfo {
    pub slug: String,
    pub code: String,
    pub name: String,
    /// "desa", "kelurahan" or "desa adat".
    pub kind: String,
    pub kecamatan: String,
    pub kabupaten: String,
    pub province: String,
    pub address: Option<String>,
    /// The local word for "dusun" (dusun, kampung, lingkungan, banjar…).
    pub dusun_label: String,
    pub has_boundary: bool,
}

impl VillageInfo {
    /// "Desa Kramatwatu", "Kelurahan Cipare".
    pub fn title(&self) -> String {
        format!("{} {}", capitalise(&self.kind), self.name)
    }
}

/// One row of the deployment's village list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VillageSummary {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub kecamatan: String,
    pub kabupaten: String,
}

impl VillageSummary {
    pub fn title(&self) -> String {
        format!("{} {}", capitalise(&self.kind), self.name)
    }
}

/// A page of the village list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VillagePage {
    pub items: Vec<VillageSummary>,
    pub total: u64,
    pub links: crate::ui::PageLinks,
    pub query: String,
}

pub const VILLAGES_PER_PAGE: u64 = 30;

/// "desa adat" → "Desa adat" → used in titles as "Desa Adat". ASCII only (region names are): the
/// Unicode case tables would add 12 KB to the WASM every page loads.
pub fn capitalise(words: &str) -> String {
    words
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_the_kind() {
        assert_eq!(capitalise("desa adat"), "Desa Adat");
        assert_eq!(capitalise("kelurahan"), "Kelurahan");
    }
}

/// A desa/kelurahan of the official code list, for the superadmin choosing one to add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionHit {
    pub code: String,
    /// "Desa Kramatwatu".
    pub title: String,
    /// "Kec. Kramatwatu, Kab. Serang, Banten".
    pub place: String,
    /// The slug when the village is already in this deployment.
    pub existing: Option<String>,
}

/// A village of the deployment, as the superadmin manages it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedVillage {
    pub slug: String,
    pub code: String,
    pub title: String,
    pub kecamatan: String,
    pub officials: u64,
}
