//! A village's map as the pages get it: the boundary and the dusun, and the deployment's base
//! map (its tiles, and their origin for the pages' Content-Security-Policy).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::map::VillageMap;
use super::shape::Shape;
use crate::db::entities::{area, village};
use crate::error::AppResult;

/// The base map for every village of the deployment: `DIGDAYA_TILE_URL` (`none` for no base
/// map), OpenStreetMap by default.
pub fn tiles() -> (String, String) {
    match std::env::var("DIGDAYA_TILE_URL").ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
        Some(v) if v == "none" => (String::new(), String::new()),
        Some(v) => (v, std::env::var("DIGDAYA_TILE_ATTRIBUTION").unwrap_or_default()),
        None => (
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            "© <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>".into(),
        ),
    }
}

/// The origin (scheme and host) of the tile server, for the pages' Content-Security-Policy.
pub fn tile_origin() -> Option<String> {
    let (url, _) = tiles();
    let rest = url
        .strip_prefix("https://")
        .map(|r| ("https", r))
        .or_else(|| url.strip_prefix("http://").map(|r| ("http", r)))?;
    let host = rest.1.split('/').next()?;
    // A `{s}` subdomain placeholder becomes a wildcard.
    let host = host.replace("{s}", "*");
    host.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*'))
        .then(|| format!("{}://{host}", rest.0))
}

/// The village's boundary and dusun for a map, coordinates trimmed to about a metre.
pub async fn village_map<C: ConnectionTrait>(db: &C, v: &village::Model) -> AppResult<VillageMap> {
    let boundary = v.boundary.as_deref().and_then(|b| Shape::parse(b).ok()).map(|s| s.to_geojson(5).to_string());
    let mut dusun = area::Entity::find()
        .filter(area::Column::VillageId.eq(v.id))
        .filter(area::Column::Level.eq(area::DUSUN))
        .filter(area::Column::Boundary.is_not_null())
        .all(db)
        .await?;
    dusun.sort_by(|a, b| a.name.cmp(&b.name));
    let features: Vec<serde_json::Value> = dusun
        .iter()
        .filter_map(|a| {
            let shape = Shape::parse(a.boundary.as_deref()?).ok()?;
            Some(serde_json::json!({
                "type": "Feature",
                "properties": { "name": format!("{} {}", v.dusun_label, a.name) },
                "geometry": shape.to_geojson(5),
            }))
        })
        .collect();
    let areas = (!features.is_empty())
        .then(|| serde_json::json!({ "type": "FeatureCollection", "features": features }).to_string());
    let (tiles, attribution) = tiles();
    Ok(VillageMap { center: v.center_lat.zip(v.center_lng), boundary, areas, tiles, attribution })
}
