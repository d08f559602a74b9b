//! What the regency page shows: figures per village and for the region, no personal data.

use serde::{Deserialize, Serialize};

/// The figures of one village (or, as `totals`, of the whole region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VillageFigures {
    pub slug: String,
    pub name: String,
    pub kecamatan: String,
    /// Living residents.
    pub residents: u64,
    pub male: u64,
    pub female: u64,
    pub families: u64,
    /// Letters signed in the twelve months shown.
    pub letters: u64,
    /// Complaints closed in those months, and the median days from report to closing.
    pub complaints_closed: u64,
    pub median_days: Option<f64>,
    /// Complaints still open now.
    pub complaints_open: u64,
    /// Shops open on the market and the products the public sees.
    pub shops: u64,
    pub products: u64,
}

/// `/wilayah`: the officer's region and its villages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionOverview {
    pub officer: String,
    pub region_code: String,
    /// "Kecamatan Kramatwatu", "Kabupaten Serang".
    pub region_title: String,
    pub villages: Vec<VillageFigures>,
    pub totals: VillageFigures,
    /// The twelve months shown, oldest first ("Des 2025"), with the letters signed in each
    /// across the region.
    pub months: Vec<(String, u64)>,
}

/// The median of `values` (None when empty), rounded to a tenth.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let m = if values.len() % 2 == 0 { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] };
    Some((m * 10.0).round() / 10.0)
}

/// `3.5` → `3,5 hari`.
pub fn days(value: Option<f64>) -> String {
    match value {
        None => "–".into(),
        Some(d) => format!("{} hari", format!("{d:.1}").replace('.', ",")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_days() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 10.0]), Some(3.0));
        assert_eq!(median(&mut [0.25, 0.5]), Some(0.4));
        assert_eq!(days(Some(3.5)), "3,5 hari");
        assert_eq!(days(None), "–");
    }
}
