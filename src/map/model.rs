//! The village map's vocabulary, shared by server and browser: the categories of places, lines
//! and areas with their icon and colour, a feature's editable fields and their rules, and what
//! the map pages receive.

use serde::{Deserialize, Serialize};

pub use crate::geo::map::VillageMap;
pub use crate::kit::form::Problem;

/// A kind of thing on the map. `kind` is what it is usually drawn as; any category may be drawn
/// as any geometry (a school as a point or as its yard).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub code: &'static str,
    pub label: &'static str,
    /// A symbol every phone has a glyph for.
    pub icon: &'static str,
    pub color: &'static str,
    pub kind: &'static str,
}

const fn c(
    code: &'static str,
    label: &'static str,
    icon: &'static str,
    color: &'static str,
    kind: &'static str,
) -> Category {
    Category { code, label, icon, color, kind }
}

pub const CATEGORIES: &[Category] = &[
    c("kantor_desa", "Kantor desa", "🏛", "#0b6e4f", "point"),
    c("sekolah", "Sekolah", "🏫", "#1f5fbf", "point"),
    c("masjid", "Masjid / musala", "🕌", "#12805c", "point"),
    c("gereja", "Gereja", "⛪", "#6b4fa3", "point"),
    c("ibadah_lain", "Pura / vihara / klenteng", "🛕", "#a35f1f", "point"),
    c("posyandu", "Posyandu", "👶", "#d0487a", "point"),
    c("puskesmas", "Puskesmas / klinik", "🏥", "#c0392b", "point"),
    c("pasar", "Pasar / warung", "🛒", "#b8860b", "point"),
    c("makam", "Makam", "🪦", "#5f6b73", "point"),
    c("lapangan", "Lapangan", "⚽", "#3c8d2f", "point"),
    c("tempat_lain", "Tempat lain", "📍", "#34495e", "point"),
    c("jalan", "Jalan", "🛣", "#7f5539", "line"),
    c("sungai", "Sungai", "🌊", "#2e86c1", "line"),
    c("irigasi", "Saluran irigasi", "💧", "#48a9c5", "line"),
    c("sawah", "Sawah / kebun", "🌾", "#9bbf3a", "area"),
    c("permukiman", "Permukiman", "🏘", "#c98c5a", "area"),
    c("area_lain", "Area lain", "⬚", "#7d8c99", "area"),
];

/// The category with this code.
pub fn category(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.code == code)
}

pub const MAX_NAME: usize = 100;
pub const MAX_DESCRIPTION: usize = 1_000;

/// What an official types about a feature (the geometry comes from the map).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureFields {
    pub category: String,
    pub name: String,
    pub description: String,
}

impl FeatureFields {
    /// What is wrong, by field (`category`, `name`, `description`); empty when all is well.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if category(&self.category).is_none() {
            out.push(Problem::new("category", "Pilih kategori."));
        }
        let name = self.name.trim().chars().count();
        if name < 2 {
            out.push(Problem::new("name", "Tulis nama, paling sedikit 2 huruf."));
        } else if name > MAX_NAME {
            out.push(Problem::new("name", format!("Nama paling panjang {MAX_NAME} huruf (sekarang {name}).")));
        }
        let description = self.description.trim().chars().count();
        if description > MAX_DESCRIPTION {
            out.push(Problem::new(
                "description",
                format!("Keterangan paling panjang {MAX_DESCRIPTION} huruf (sekarang {description})."),
            ));
        }
        if self.name.chars().chain(self.description.chars()).any(|c| c.is_control() && c != '\n' && c != '\r') {
            out.push(Problem::new("description", "Teks berisi karakter yang tidak sah."));
        }
        out
    }
}

/// The deployment's overview layer: every village with a boundary.
pub const OVERVIEW_URL: &str = "/api/map/desa";

/// The layers that are not categories of features.
pub const LAYER_BOUNDARY: &str = "batas";
pub const LAYER_AREAS: &str = "wilayah";
pub const LAYER_POPULATION: &str = "penduduk";
pub const LAYER_COMPLAINTS: &str = "pengaduan";
/// Every public layer in one answer (`{"batas": {…}, "wilayah": {…}, …}`): the public map asks
/// once instead of once per layer (issue 29: 16 requests of a phone's 26).
pub const LAYER_ALL: &str = "semua";

/// A layer of the village map, as the page lists it in the switcher and legend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerInfo {
    /// `batas`, `wilayah`, `penduduk`, `pengaduan`, or a category code.
    pub key: String,
    pub label: String,
    pub icon: String,
    pub color: String,
    /// How many features it has (0 hides it from the switcher).
    pub count: u64,
    /// Where its GeoJSON comes from.
    pub url: String,
    /// Shown when the page opens.
    pub on: bool,
}

/// A step of the population choropleth's legend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shade {
    pub color: String,
    pub label: String,
}

/// What the map page receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPage {
    pub village: String,
    /// The base map (its boundary and areas come as layers, not in the page).
    pub map: VillageMap,
    /// `[min_lng, min_lat, max_lng, max_lat]` of the village, where the map opens.
    pub bounds: Option<[f64; 4]>,
    pub layers: Vec<LayerInfo>,
    pub shades: Vec<Shade>,
    /// The signed-in user is an official of this village (editing, complaints layer).
    pub can_edit: bool,
}

/// The deployment's overview of all its villages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewPage {
    /// The base map only (the villages come as one layer).
    pub map: VillageMap,
    /// Villages with a boundary to show.
    pub villages: u64,
}

/// The colours of the population choropleth, light to dark.
pub const SHADES: [&str; 5] = ["#fde8d4", "#f8c294", "#f09a5b", "#dd6a2c", "#a8430f"];

/// Who drew what, for the officials' list under the editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureRow {
    pub id: i64,
    pub kind: String,
    pub category: String,
    pub name: String,
    pub description: String,
    pub has_photo: bool,
    /// The GeoJSON geometry.
    pub geometry: String,
}

/// The officials' editing page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorPage {
    pub village: String,
    pub map: VillageMap,
    pub features: Vec<FeatureRow>,
}

/// `text` for a place where Leaflet reads markup (popups, tooltips): names and descriptions are
/// whatever an official typed or a file held, so they arrive as text, never as markup.
pub fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_have_unique_codes_and_a_known_kind() {
        for (i, a) in CATEGORIES.iter().enumerate() {
            assert!(CATEGORIES[i + 1..].iter().all(|b| b.code != a.code), "{}", a.code);
            assert!(["point", "line", "area"].contains(&a.kind));
            assert!(a.color.starts_with('#') && a.color.len() == 7);
        }
    }

    #[test]
    fn fields_are_checked() {
        let ok =
            FeatureFields { category: "sekolah".into(), name: "SDN Kramatwatu 1".into(), description: String::new() };
        assert!(ok.problems().is_empty());
        let bad = FeatureFields { category: "kasino".into(), name: " x ".into(), description: "a".repeat(1001) };
        let fields: Vec<String> = bad.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["category", "name", "description"]);
    }

    /// Issue 27 (low): an area named with markup reached Leaflet's tooltip as HTML.
    #[test]
    fn names_reach_leaflet_as_text() {
        assert_eq!(html_text("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(html_text("RT 01 & \"02\""), "RT 01 &amp; &quot;02&quot;");
    }
}
