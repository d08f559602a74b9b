//! A village's map as the pages get it: the boundary and the dusun, and the deployment's base
//! map (its tiles: `config::Tiles`).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::map::VillageMap;
use super::shape::Shape;
use crate::db::entities::{area, village};
use crate::error::AppResult;

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
    let crate::config::Tiles { url: tiles, attribution } = crate::config::current().tiles.clone();
    Ok(VillageMap { center: v.center_lat.zip(v.center_lng), boundary, areas, tiles, attribution })
}
