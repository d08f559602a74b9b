//! The embedded official code list and boundary file (server only).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::RegionCode;

const WILAYAH_CSV: &str = include_str!("data/wilayah.csv");
const SERANG_BOUNDARIES: &str = include_str!("data/desa_kab_serang_36.04.geojson");

/// One entry of the official list.
#[derive(Debug, Clone)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
}

/// A desa/kelurahan with its whole hierarchy, as needed to create a village.
#[derive(Debug, Clone)]
pub struct VillageRegion {
    pub village: Region,
    /// "desa", "kelurahan" or "desa adat" (from the first digit of the village part).
    pub kind: &'static str,
    pub kecamatan: Region,
    pub kabupaten: Region,
    pub province: Region,
}

fn table() -> &'static HashMap<String, String> {
    static TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::with_capacity(92_000);
        for line in WILAYAH_CSV.lines().skip(1) {
            // code,name,level — a name may be quoted and contain commas.
            let Some((code, rest)) = line.split_once(',') else {
                continue;
            };
            let Some((name, _level)) = rest.rsplit_once(',') else {
                continue;
            };
            map.insert(code.to_string(), name.trim_matches('"').to_string());
        }
        map
    })
}

/// The official name of a code at any level, if the code exists.
pub fn region_name(code: &RegionCode) -> Option<&'static str> {
    table().get(code.as_str()).map(String::as_str)
}

fn region(code: RegionCode) -> Option<Region> {
    let name = region_name(&code)?.to_string();
    Some(Region { code, name })
}

/// Looks up a desa/kelurahan and its kecamatan, kabupaten and province.
pub fn lookup_village(code: &RegionCode) -> Option<VillageRegion> {
    if code.level() != 4 {
        return None;
    }
    let village = region(code.clone())?;
    let kecamatan = region(code.parent()?)?;
    let kabupaten = region(kecamatan.code.parent()?)?;
    let province = region(kabupaten.code.parent()?)?;
    let kind = match code.as_str().rsplit('.').next().and_then(|p| p.chars().next()) {
        Some('1') => "kelurahan",
        Some('3') => "desa adat",
        _ => "desa",
    };
    Some(VillageRegion { village, kind, kecamatan, kabupaten, province })
}

/// Desa/kelurahan whose name contains `query` (case-insensitive) or whose code starts with it,
/// at most `limit`, by code. A name query shorter than 3 letters finds nothing.
pub fn search_villages(query: &str, limit: usize) -> Vec<VillageRegion> {
    let query = query.trim().to_lowercase();
    let by_code = query.chars().all(|c| c.is_ascii_digit() || c == '.');
    if query.len() < 3 && !by_code || query.is_empty() {
        return Vec::new();
    }
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    let mut codes: Vec<&String> = table()
        .iter()
        .filter(|(code, name)| {
            code.len() == 13
                && if by_code {
                    code.replace('.', "").starts_with(&digits)
                } else {
                    name.to_lowercase().contains(&query)
                }
        })
        .map(|(code, _)| code)
        .collect();
    codes.sort();
    codes.into_iter().filter_map(|c| RegionCode::parse(c).ok()).filter_map(|c| lookup_village(&c)).take(limit).collect()
}

/// The kecamatan codes under a kabupaten/kota code (`36.04` → `36.04.01`, ...), sorted.
pub fn kecamatan_under(kabupaten: &RegionCode) -> Vec<RegionCode> {
    let prefix = format!("{}.", kabupaten.as_str());
    let mut out: Vec<RegionCode> = table()
        .keys()
        .filter(|k| k.starts_with(&prefix) && k.len() == prefix.len() + 2)
        .map(|k| RegionCode(k.clone()))
        .collect();
    out.sort();
    out
}

/// A village boundary from the embedded file: GeoJSON geometry and its centroid (lat, lng).
#[derive(Debug, Clone)]
pub struct Boundary {
    pub geometry: String,
    pub lat: f64,
    pub lng: f64,
}

/// The real boundary of a village, where the embedded file has one (Kabupaten Serang).
pub fn boundary_for(code: &RegionCode) -> Option<Boundary> {
    static INDEX: OnceLock<HashMap<String, Boundary>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(SERANG_BOUNDARIES) else {
            return map;
        };
        for feature in doc["features"].as_array().into_iter().flatten() {
            let props = &feature["properties"];
            let (Some(code), Some(lat), Some(lng)) =
                (props["kode"].as_str(), props["lat"].as_f64(), props["lng"].as_f64())
            else {
                continue;
            };
            map.insert(code.to_string(), Boundary { geometry: feature["geometry"].to_string(), lat, lng });
        }
        map
    });
    index.get(code.as_str()).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_kramatwatu_with_its_hierarchy() {
        let v = lookup_village(&RegionCode::parse("3604052001").unwrap()).unwrap();
        assert_eq!(v.village.name, "Kramatwatu");
        assert_eq!(v.kind, "desa");
        assert_eq!(v.kecamatan.name, "Kramatwatu");
        assert_eq!(v.kabupaten.name, "Kabupaten Serang");
        assert_eq!(v.province.name, "Banten");
    }

    #[test]
    fn unknown_or_non_village_codes_are_not_villages() {
        assert!(lookup_village(&RegionCode::parse("36.04.05.2999").unwrap()).is_none());
        assert!(lookup_village(&RegionCode::parse("36.04.05").unwrap()).is_none());
    }

    #[test]
    fn quoted_names_keep_their_commas() {
        let c = RegionCode::parse("12.07.28.1007").unwrap();
        assert_eq!(region_name(&c), Some("Lubuk Pakam I,II"));
        assert_eq!(lookup_village(&c).unwrap().kind, "kelurahan");
    }

    #[test]
    fn boundary_of_a_serang_village() {
        let b = boundary_for(&RegionCode::parse("36.04.05.2001").unwrap()).unwrap();
        assert!(b.geometry.contains("Polygon"));
        assert!((-7.0..-5.0).contains(&b.lat) && (105.0..107.0).contains(&b.lng));
    }

    #[test]
    fn kecamatan_of_kabupaten_serang() {
        let list = kecamatan_under(&RegionCode::parse("36.04").unwrap());
        assert!(list.len() > 20);
        assert!(list.contains(&RegionCode::parse("36.04.05").unwrap()));
    }
}
