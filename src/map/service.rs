//! The village map on the database (server only): features officials draw or import, the layers
//! the map pages fetch as GeoJSON (filtered by bounding box, coordinates trimmed to about a metre),
//! the population choropleth, export, and the deployment's overview of all villages.
//! Every function takes the village it acts in and finds rows only within it.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::{Value, json};

use super::formats::{self, Format};
use super::model::{
    CATEGORIES, EditorPage, FeatureFields, FeatureRow, LayerInfo, MapPage, OverviewPage, Problem, SHADES, Shade,
    VillageMap, category,
};
use crate::access::guard::Official;
use crate::audit::{Action, Actor, Entry, record};
use crate::db::entities::{area, complaint, map_feature, village};
use crate::error::{AppError, AppResult, refuse_any};
use crate::geo::feature::{Geometry, bbox_intersects};
use crate::geo::shape::Shape;
use crate::population::model::Count;

/// Decimals of a stored geometry (about a centimetre) and of a served one (about a metre, what
/// a phone's screen and GPS can tell apart).
pub const STORED_DECIMALS: i32 = 7;
pub const SERVED_DECIMALS: i32 = 5;
/// How far (degrees, about 550 m) outside the village's box a feature may reach: a road or river
/// runs on past the boundary, a market may sit just across it.
pub const MARGIN: f64 = 0.005;
/// The largest file an import accepts, and the most features in one.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_IMPORT_FEATURES: usize = 2_000;
/// Errors an import refusal lists (the rest are counted).
const MAX_LISTED: usize = 10;

pub use super::model::{LAYER_AREAS, LAYER_BOUNDARY, LAYER_COMPLAINTS, LAYER_POPULATION};

/// The market's approved shops (`market::service::sellers_layer`).
pub const LAYER_MARKET: &str = "umkm";

/// The box a village's features must lie in: its boundary's, or ~5 km around its centre, or
/// anywhere when the village has no place yet.
fn village_box(v: &village::Model) -> Option<[f64; 4]> {
    if let Some(shape) = v.boundary.as_deref().and_then(|b| Shape::parse(b).ok()) {
        let [x0, y0, x1, y1] = shape.bbox();
        return Some([x0 - MARGIN, y0 - MARGIN, x1 + MARGIN, y1 + MARGIN]);
    }
    let (lat, lng) = v.center_lat.zip(v.center_lng)?;
    Some([lng - 0.05, lat - 0.05, lng + 0.05, lat + 0.05])
}

/// A geometry checked, and checked to lie in or near the village.
///
/// # Errors
/// Why it is refused, in words for the official.
pub fn check_geometry(value: &Value, area: Option<[f64; 4]>) -> Result<Geometry, String> {
    let geometry = Geometry::from_value(value).map_err(|e| e.to_string())?;
    if let Some([x0, y0, x1, y1]) = area {
        let b = geometry.bbox();
        if b[0] < x0 || b[1] < y0 || b[2] > x1 || b[3] > y1 {
            return Err("Letaknya di luar wilayah desa (lebih dari ±500 m dari batas desa).".into());
        }
    }
    Ok(geometry)
}

async fn audit<C: ConnectionTrait>(
    db: &C,
    v: &village::Model,
    o: &Official,
    id: Option<i64>,
    detail: String,
) -> AppResult<()> {
    record(
        db,
        Entry {
            village_id: Some(v.id),
            actor: Actor::Official { id: o.id, name: o.name.clone() },
            action: Action::MapChanged,
            subject: id.map(|id| ("map_feature", id)),
            detail: Some(detail),
            ip: None,
        },
    )
    .await?;
    Ok(())
}

/// Sets a row's geometry, its kind and its box.
fn set_geometry(row: &mut map_feature::ActiveModel, g: &Geometry) {
    let [x0, y0, x1, y1] = g.bbox();
    row.kind = Set(g.kind().to_string());
    row.geometry = Set(g.to_geojson(STORED_DECIMALS).to_string());
    (row.min_lng, row.min_lat, row.max_lng, row.max_lat) = (Set(x0), Set(y0), Set(x1), Set(y1));
}

/// A new feature of the village, not yet inserted.
fn new_row(village_id: i64, g: &Geometry, fields: &FeatureFields, created_by: Option<i64>) -> map_feature::ActiveModel {
    let now = Utc::now();
    let mut row = map_feature::ActiveModel {
        village_id: Set(village_id),
        category: Set(fields.category.clone()),
        name: Set(fields.name.trim().to_string()),
        description: Set(fields.description.trim().to_string()),
        photo_key: Set(None),
        thumb_key: Set(None),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_geometry(&mut row, g);
    row
}

/// Adds a feature (`id` `None`) or changes one: its fields and, when given, its geometry.
///
/// # Errors
/// `NotFound` for a feature of another village; database failures. Wrong input is `Refused`.
pub async fn save(
    db: &DatabaseConnection,
    v: &village::Model,
    o: &Official,
    id: Option<i64>,
    fields: &FeatureFields,
    geometry: Option<&str>,
) -> AppResult<i64> {
    let mut problems = fields.problems();
    let checked = match geometry.map(serde_json::from_str::<Value>) {
        None if id.is_none() => {
            problems.push(Problem::new("geometry", "Gambar titik, garis atau area di peta."));
            None
        }
        None => None,
        Some(Err(_)) => {
            problems.push(Problem::new("geometry", "Geometri bukan GeoJSON yang sah."));
            None
        }
        Some(Ok(value)) => match check_geometry(&value, village_box(v)) {
            Ok(g) => Some(g),
            Err(m) => {
                problems.push(Problem::new("geometry", m));
                None
            }
        },
    };
    refuse_any(problems)?;
    let row = match (id, &checked) {
        (None, Some(g)) => new_row(v.id, g, fields, Some(o.id)),
        (None, None) => return Err(AppError::Internal),
        (Some(id), g) => {
            let mut row: map_feature::ActiveModel = find(db, v.id, id).await?.into();
            row.category = Set(fields.category.clone());
            row.name = Set(fields.name.trim().to_string());
            row.description = Set(fields.description.trim().to_string());
            row.updated_at = Set(Utc::now());
            if let Some(g) = g {
                set_geometry(&mut row, g);
            }
            row
        }
    };
    let txn = db.begin().await?;
    let saved = if id.is_some() { row.update(&txn).await? } else { row.insert(&txn).await? };
    let verb = if id.is_some() { "diubah" } else { "ditambahkan" };
    audit(&txn, v, o, Some(saved.id), format!("{} \"{}\" {verb}", label(&saved.category), saved.name)).await?;
    txn.commit().await?;
    Ok(saved.id)
}

fn label(code: &str) -> &'static str {
    category(code).map_or("Objek", |c| c.label)
}

async fn find<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<map_feature::Model> {
    crate::db::owned::find_in::<map_feature::Entity, _>(db, village_id, id).await
}

/// Removes a feature and its photo.
///
/// # Errors
/// `NotFound` for a feature of another village; database failures.
pub async fn delete(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    o: &Official,
    id: i64,
) -> AppResult<()> {
    let f = find(db, v.id, id).await?;
    let txn = db.begin().await?;
    map_feature::Entity::delete_by_id(f.id).exec(&txn).await?;
    audit(&txn, v, o, Some(f.id), format!("{} \"{}\" dihapus", label(&f.category), f.name)).await?;
    txn.commit().await?;
    for key in [f.photo_key, f.thumb_key].into_iter().flatten() {
        files.remove(&key).await;
    }
    Ok(())
}

/// Puts a photo on a feature (replacing the one it had).
///
/// # Errors
/// `Invalid` for a file that is not a photo; `NotFound`; storage and database failures.
pub async fn attach_photo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    o: &Official,
    id: i64,
    bytes: &[u8],
) -> AppResult<()> {
    let f = find(db, v.id, id).await?;
    let crate::media::Accepted::Photo(photo) = crate::media::checked(bytes, |b| crate::media::accept(b, false)).await?
    else {
        return Err(AppError::Invalid("Lampirkan foto (JPEG, PNG atau WebP).".into()));
    };
    let base = format!("map/{}/{}", v.id, crate::media::random_name());
    let (key, thumb) = (format!("{base}.jpg"), format!("{base}-kecil.jpg"));
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "storing a map photo");
        AppError::Internal
    };
    files.put(&key, &photo.display).await.map_err(io)?;
    files.put(&thumb, &photo.thumb).await.map_err(io)?;
    let old = [f.photo_key.clone(), f.thumb_key.clone()];
    let mut row: map_feature::ActiveModel = f.into();
    row.photo_key = Set(Some(key));
    row.thumb_key = Set(Some(thumb));
    row.updated_at = Set(Utc::now());
    let saved = row.update(db).await?;
    audit(db, v, o, Some(saved.id), format!("Foto \"{}\" diganti", saved.name)).await?;
    for key in old.into_iter().flatten() {
        files.remove(&key).await;
    }
    Ok(())
}

/// A feature's photo (`small`: the thumbnail). Public, as the feature is.
///
/// # Errors
/// `NotFound` for no such feature or photo.
pub async fn photo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    village_id: i64,
    id: i64,
    small: bool,
) -> AppResult<Vec<u8>> {
    let f = find(db, village_id, id).await?;
    let key = if small { f.thumb_key } else { f.photo_key }.ok_or(AppError::NotFound)?;
    files.get(&key).await.map_err(|_| AppError::NotFound)
}

/// The village's features in one category (all when `None`), overlapping `bbox` when given,
/// in a stable order.
///
/// # Errors
/// Database failures.
pub async fn features<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    category: Option<&str>,
    bbox: Option<[f64; 4]>,
) -> AppResult<Vec<map_feature::Model>> {
    let mut q = map_feature::Entity::find().filter(map_feature::Column::VillageId.eq(village_id));
    if let Some(c) = category {
        q = q.filter(map_feature::Column::Category.eq(c));
    }
    if let Some([x0, y0, x1, y1]) = bbox {
        q = q
            .filter(map_feature::Column::MinLng.lte(x1))
            .filter(map_feature::Column::MaxLng.gte(x0))
            .filter(map_feature::Column::MinLat.lte(y1))
            .filter(map_feature::Column::MaxLat.gte(y0));
    }
    Ok(q.order_by_asc(map_feature::Column::Id).all(db).await?)
}

/// `geometry` (GeoJSON text as stored) with every number rounded to `decimals` places, written
/// without trailing zeros. Works on the text: parsing it into a tree costs more than the rest of
/// a layer request.
pub fn rounded_text(geometry: &str, decimals: i32) -> String {
    let scale = 10f64.powi(decimals);
    let mut out = String::with_capacity(geometry.len());
    let mut rest = geometry;
    while let Some(start) = rest.find(|c: char| c == '-' || c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .char_indices()
            .skip(1)
            .find(|&(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')))
            .map_or(tail.len(), |(i, _)| i);
        let token = &tail[..end];
        match token.parse::<f64>() {
            Ok(f) => {
                let r = (f * scale).round() / scale;
                let text = format!("{:.*}", usize::try_from(decimals).unwrap_or(0), if r == 0.0 { 0.0 } else { r });
                let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
                out.push_str(text);
            }
            Err(_) => out.push_str(token),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[derive(serde::Serialize)]
struct FeatureProperties<'a> {
    id: i64,
    category: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    photo: Option<String>,
}

/// A FeatureCollection of `rows` as GeoJSON text, written directly (a layer of a thousand
/// places stays a few milliseconds). `photo` gives a photo's address for a feature id;
/// `decimals` trims the coordinates (served layers) or keeps them (export).
pub fn collection(rows: &[map_feature::Model], decimals: i32, photo: impl Fn(i64) -> String) -> String {
    let mut out = String::from(r#"{"type":"FeatureCollection","features":["#);
    for (i, f) in rows.iter().enumerate() {
        let properties = FeatureProperties {
            id: f.id,
            category: &f.category,
            name: &f.name,
            description: &f.description,
            photo: f.thumb_key.is_some().then(|| photo(f.id)),
        };
        let Ok(properties) = serde_json::to_string(&properties) else { continue };
        if i > 0 {
            out.push(',');
        }
        out.push_str(r#"{"type":"Feature","properties":"#);
        out.push_str(&properties);
        out.push_str(r#","geometry":"#);
        if decimals < STORED_DECIMALS {
            out.push_str(&rounded_text(&f.geometry, decimals));
        } else {
            out.push_str(&f.geometry);
        }
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// The boundary of the village as a FeatureCollection of one feature (empty when it has none).
pub fn boundary_layer(v: &village::Model, bbox: Option<[f64; 4]>) -> Value {
    let features: Vec<Value> = v
        .boundary
        .as_deref()
        .and_then(|b| Shape::parse(b).ok())
        .filter(|s| bbox.is_none_or(|b| bbox_intersects(s.bbox(), b)))
        .map(|s| json!({ "type": "Feature", "properties": { "name": v.name }, "geometry": s.to_geojson(SERVED_DECIMALS) }))
        .into_iter()
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// The dusun with a boundary, as (id, name, shape), by name.
async fn dusun_shapes<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<Vec<(i64, String, Shape)>> {
    let rows = area::Entity::find()
        .filter(area::Column::VillageId.eq(village_id))
        .filter(area::Column::Level.eq(area::DUSUN))
        .filter(area::Column::Boundary.is_not_null())
        .order_by_asc(area::Column::Name)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let shape = Shape::parse(a.boundary.as_deref()?).ok()?;
            Some((a.id, a.name, shape))
        })
        .collect())
}

/// The dusun areas with their names.
///
/// # Errors
/// Database failures.
pub async fn areas_layer<C: ConnectionTrait>(db: &C, v: &village::Model, bbox: Option<[f64; 4]>) -> AppResult<Value> {
    let features: Vec<Value> = dusun_shapes(db, v.id)
        .await?
        .into_iter()
        .filter(|(_, _, s)| bbox.is_none_or(|b| bbox_intersects(s.bbox(), b)))
        .map(|(id, name, s)| {
            json!({
                "type": "Feature",
                "properties": { "id": id, "name": format!("{} {name}", v.dusun_label) },
                "geometry": s.to_geojson(SERVED_DECIMALS),
            })
        })
        .collect();
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}

/// The step of the choropleth for `n` residents when the most populous dusun has `max`.
pub fn shade_of(n: u64, max: u64) -> usize {
    if max == 0 {
        return 0;
    }
    let step = (n * SHADES.len() as u64).div_ceil(max.max(1));
    usize::try_from(step.saturating_sub(1)).unwrap_or(0).min(SHADES.len() - 1)
}

/// The legend of the choropleth for the most populous dusun's `max` residents.
pub fn shades(max: u64) -> Vec<Shade> {
    let n = SHADES.len() as u64;
    SHADES
        .iter()
        .enumerate()
        .filter_map(|(i, color)| {
            let i = i as u64;
            let (lo, hi) = (max * i / n + 1, max * (i + 1) / n);
            let label = match lo.cmp(&hi) {
                std::cmp::Ordering::Greater => return None,
                std::cmp::Ordering::Equal => dotted(lo),
                std::cmp::Ordering::Less => format!("{}–{}", dotted(lo), dotted(hi)),
            };
            Some(Shade { color: (*color).into(), label })
        })
        .collect()
}

/// `12.345`: thousands separated as Indonesian writes them.
pub fn dotted(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn count_text(c: Count) -> (u64, String) {
    match c {
        Count::Zero => (0, "0".into()),
        Count::FewerThanFive => (1, "< 5".into()),
        Count::Exact(n) => (n, dotted(n)),
    }
}

/// Living residents per dusun (by id, as the public statistics show them) and the largest count
/// among the dusun `ids` (the mapped ones), which sets the choropleth's steps.
async fn dusun_counts(
    db: &DatabaseConnection,
    village_id: i64,
    ids: impl Iterator<Item = i64>,
) -> AppResult<(BTreeMap<i64, Count>, u64)> {
    let counts: BTreeMap<i64, Count> =
        crate::population::service::per_dusun(db, village_id).await?.into_iter().map(|d| (d.id, d.total)).collect();
    let max = ids.map(|id| count_text(counts.get(&id).copied().unwrap_or_default()).0).max().unwrap_or(0);
    Ok((counts, max))
}

/// Living residents per dusun on the dusun areas: `residents` (as the public statistics show it,
/// small counts as "< 5"), `color` (the step of the choropleth).
///
/// # Errors
/// Database failures.
pub async fn population_layer(db: &DatabaseConnection, v: &village::Model) -> AppResult<Value> {
    let shapes = dusun_shapes(db, v.id).await?;
    let (counts, max) = dusun_counts(db, v.id, shapes.iter().map(|(id, _, _)| *id)).await?;
    let features: Vec<Value> = shapes
        .into_iter()
        .map(|(id, name, s)| {
            let (n, text) = count_text(counts.get(&id).copied().unwrap_or_default());
            json!({
                "type": "Feature",
                "properties": {
                    "id": id,
                    "name": format!("{} {name}", v.dusun_label),
                    "residents": format!("{text} jiwa"),
                    "color": SHADES[shade_of(n, max)],
                },
                "geometry": s.to_geojson(SERVED_DECIMALS),
            })
        })
        .collect();
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}

/// Open and recent complaints with a place (officials only: the caller checks), without who
/// reported them.
///
/// # Errors
/// Database failures.
pub async fn complaints_layer<C: ConnectionTrait>(
    db: &C,
    v: &village::Model,
    bbox: Option<[f64; 4]>,
) -> AppResult<Value> {
    let mut q = complaint::Entity::find()
        .filter(complaint::Column::VillageId.eq(v.id))
        .filter(complaint::Column::Lat.is_not_null())
        .filter(complaint::Column::Lng.is_not_null());
    if let Some([x0, y0, x1, y1]) = bbox {
        q = q.filter(complaint::Column::Lng.between(x0, x1)).filter(complaint::Column::Lat.between(y0, y1));
    }
    let rows = q.order_by_desc(complaint::Column::UpdatedAt).limit(500).all(db).await?;
    let features: Vec<Value> = rows
        .into_iter()
        .filter_map(|c| {
            let (lat, lng) = (c.lat?, c.lng?);
            let round = |x: f64| (x * 1e5).round() / 1e5;
            Some(json!({
                "type": "Feature",
                "properties": {
                    "id": c.id,
                    "name": c.category,
                    "description": format!(
                        "{} · {}",
                        c.status.label(),
                        c.place
                    ),
                    "status": c.status.as_str(),
                },
                "geometry": { "type": "Point", "coordinates": [round(lng), round(lat)] },
            }))
        })
        .collect();
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}

/// What the public map page needs: the base map, the layers with their counts, the legend.
///
/// # Errors
/// Database failures.
pub async fn page(db: &DatabaseConnection, v: &village::Model, official: bool, prefix: &str) -> AppResult<MapPage> {
    let crate::config::Tiles { url: tiles, attribution } = crate::config::current().tiles.clone();
    let map = VillageMap { center: v.center_lat.zip(v.center_lng), tiles, attribution, ..Default::default() };
    let bounds = v.boundary.as_deref().and_then(|b| Shape::parse(b).ok()).map(|s| s.bbox());
    let has_boundary = bounds.is_some();
    let mapped_dusun: Vec<i64> = area::Entity::find()
        .select_only()
        .column(area::Column::Id)
        .filter(area::Column::VillageId.eq(v.id))
        .filter(area::Column::Level.eq(area::DUSUN))
        .filter(area::Column::Boundary.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let has_areas = !mapped_dusun.is_empty();
    let counts: Vec<(String, i64)> = map_feature::Entity::find()
        .select_only()
        .column(map_feature::Column::Category)
        .column_as(map_feature::Column::Id.count(), "n")
        .filter(map_feature::Column::VillageId.eq(v.id))
        .group_by(map_feature::Column::Category)
        .into_tuple()
        .all(db)
        .await?;
    let url = |key: &str| format!("{prefix}/lapisan/{key}");
    let mut layers = Vec::new();
    let (_, max) = dusun_counts(db, v.id, mapped_dusun.into_iter()).await?;
    let fixed = [
        (LAYER_BOUNDARY, "Batas desa", "▭", "#0b6e4f", u64::from(has_boundary), true),
        (LAYER_AREAS, &*format!("{} (wilayah)", v.dusun_label), "⬚", "#3d6b8f", u64::from(has_areas), true),
        (LAYER_POPULATION, "Jumlah penduduk", "▦", SHADES[3], u64::from(has_areas && max > 0), false),
    ];
    for (key, label, icon, color, count, on) in fixed {
        layers.push(LayerInfo {
            key: key.into(),
            label: label.into(),
            icon: icon.into(),
            color: color.into(),
            count,
            url: url(key),
            on,
        });
    }
    for c in CATEGORIES {
        let count = counts.iter().find(|(code, _)| code == c.code).map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0));
        layers.push(LayerInfo {
            key: c.code.into(),
            label: c.label.into(),
            icon: c.icon.into(),
            color: c.color.into(),
            count,
            url: url(c.code),
            on: true,
        });
    }
    let shops = crate::market::service::mapped_shops(db, v.id).await?;
    layers.push(LayerInfo {
        key: LAYER_MARKET.into(),
        label: "Lapak UMKM".into(),
        icon: "🛒".into(),
        color: "#128c4a".into(),
        count: shops,
        url: url(LAYER_MARKET),
        on: true,
    });
    if official {
        let n = complaint::Entity::find()
            .filter(complaint::Column::VillageId.eq(v.id))
            .filter(complaint::Column::Lat.is_not_null())
            .count(db)
            .await?;
        layers.push(LayerInfo {
            key: LAYER_COMPLAINTS.into(),
            label: "Pengaduan warga".into(),
            icon: "⚠".into(),
            color: "#c0392b".into(),
            count: n,
            url: url(LAYER_COMPLAINTS),
            on: false,
        });
    }
    Ok(MapPage { village: v.name.clone(), map, bounds, layers, shades: shades(max), can_edit: official })
}

/// A public layer of the village map as GeoJSON text (`NotFound` for an unknown key and for
/// the officials' complaints layer). `shop` gives the page of a seller on the market layer.
///
/// # Errors
/// `NotFound`; database failures.
pub async fn public_layer(
    db: &DatabaseConnection,
    v: &village::Model,
    key: &str,
    bbox: Option<[f64; 4]>,
    shop: impl Fn(i64) -> String,
) -> AppResult<String> {
    Ok(match key {
        LAYER_BOUNDARY => boundary_layer(v, bbox).to_string(),
        LAYER_AREAS => areas_layer(db, v, bbox).await?.to_string(),
        LAYER_POPULATION => population_layer(db, v).await?.to_string(),
        LAYER_MARKET => crate::market::service::sellers_layer(db, v, bbox, shop).await?.to_string(),
        code if category(code).is_some() => {
            let rows = features(db, v.id, Some(code), bbox).await?;
            let prefix = format!("/api/map/{}/foto", v.slug);
            collection(&rows, SERVED_DECIMALS, |id| format!("{prefix}/{id}?kecil=1"))
        }
        _ => return Err(AppError::NotFound),
    })
}

/// Every public layer of the village map in one JSON object, by key (`model::LAYER_ALL`).
///
/// # Errors
/// Database failures.
pub async fn public_layers(
    db: &DatabaseConnection,
    v: &village::Model,
    bbox: Option<[f64; 4]>,
    shop: impl Fn(i64) -> String,
) -> AppResult<String> {
    use super::model::{LAYER_AREAS, LAYER_BOUNDARY, LAYER_POPULATION};
    let mut out = String::from("{");
    let mut add = |key: &str, layer: String| -> AppResult<()> {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key).map_err(|_| AppError::Internal)?);
        out.push(':');
        out.push_str(&layer);
        Ok(())
    };
    for key in [LAYER_BOUNDARY, LAYER_AREAS, LAYER_POPULATION, LAYER_MARKET] {
        add(key, public_layer(db, v, key, bbox, &shop).await?)?;
    }
    // Every category's features in one query, not one each.
    let all = features(db, v.id, None, bbox).await?;
    let prefix = format!("/api/map/{}/foto", v.slug);
    for c in CATEGORIES {
        let rows: Vec<map_feature::Model> = all.iter().filter(|f| f.category == c.code).cloned().collect();
        add(c.code, collection(&rows, SERVED_DECIMALS, |id| format!("{prefix}/{id}?kecil=1")))?;
    }
    out.push('}');
    Ok(out)
}

/// What the editing page needs: the base map and every feature.
///
/// # Errors
/// Database failures.
pub async fn editor(db: &DatabaseConnection, v: &village::Model) -> AppResult<EditorPage> {
    let map = crate::geo::village::village_map(db, v).await?;
    let features = features(db, v.id, None, None)
        .await?
        .into_iter()
        .map(|f| FeatureRow {
            id: f.id,
            kind: f.kind,
            category: f.category,
            name: f.name,
            description: f.description,
            has_photo: f.photo_key.is_some(),
            geometry: f.geometry,
        })
        .collect();
    Ok(EditorPage { village: v.name.clone(), map, features })
}

/// The message when no file was chosen.
pub const NO_FILE: &str = "Pilih berkas GeoJSON, KML atau GPX yang akan diimpor.";

/// An import refused whole, with its first reasons.
fn refused(errors: &[String]) -> AppError {
    let more = errors.len().saturating_sub(MAX_LISTED);
    let mut message = format!(
        "Impor dibatalkan, tidak ada yang disimpan. {}",
        errors.iter().take(MAX_LISTED).cloned().collect::<Vec<_>>().join(" ")
    );
    if more > 0 {
        message.push_str(&format!(" (dan {more} kesalahan lain)"));
    }
    AppError::Invalid(message)
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub added: usize,
}

fn property<'a>(f: &'a Value, names: &[&str]) -> Option<&'a str> {
    let p = f.get("properties")?;
    names.iter().find_map(|n| p.get(*n).and_then(Value::as_str)).map(str::trim).filter(|s| !s.is_empty())
}

/// The category an imported feature names (its code or label, any case), else the "other"
/// category of its kind.
fn import_category(named: Option<&str>, kind: &str) -> &'static str {
    let named = named.map(str::to_lowercase);
    if let Some(c) = named.as_deref().and_then(|n| {
        CATEGORIES.iter().find(|c| c.code == n || c.label.to_lowercase() == n || c.label.to_lowercase().starts_with(n))
    }) {
        return c.code;
    }
    match kind {
        "line" => "jalan",
        "area" => "area_lain",
        _ => "tempat_lain",
    }
}

/// The import's reading and checking, on the parsing pool (no database): every feature, or
/// the reasons the file is refused.
pub(crate) fn read_import(
    bytes: &[u8],
    area: Option<[f64; 4]>,
    deadline: &crate::bounded::Deadline,
) -> AppResult<(Format, Vec<(Geometry, FeatureFields)>)> {
    if bytes.is_empty() {
        return Err(AppError::Invalid(NO_FILE.into()));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(AppError::Invalid("Berkas terlalu besar (paling besar 5 MB).".into()));
    }
    if bytes.starts_with(b"PK") {
        return Err(AppError::Invalid("Berkas KMZ (terkompresi) belum didukung: ekstrak dulu menjadi KML.".into()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::Invalid("Berkas bukan teks GeoJSON, KML atau GPX (UTF-8).".into()))?;
    let format = formats::sniff(text);
    let root: Value = match format {
        Format::GeoJson => serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            AppError::Invalid(format!("Berkas bukan JSON yang sah (baris {}, kolom {}).", e.line(), e.column()))
        })?,
        Format::Kml | Format::Gpx => formats::to_geojson(text, format).map_err(|errors| refused(&errors))?,
    };
    let items: Vec<&Value> = match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => root
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| AppError::Invalid("FeatureCollection tanpa daftar \"features\".".into()))?
            .iter()
            .collect(),
        Some(_) => vec![&root],
        None => return Err(AppError::Invalid("Berkas bukan GeoJSON: tidak ada \"type\".".into())),
    };
    if items.is_empty() {
        return Err(AppError::Invalid("Berkas tidak berisi satu fitur pun.".into()));
    }
    if items.len() > MAX_IMPORT_FEATURES {
        return Err(AppError::Invalid(format!(
            "Terlalu banyak fitur ({}; paling banyak {MAX_IMPORT_FEATURES} per berkas).",
            items.len()
        )));
    }
    let mut rows = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        deadline.check().map_err(|e| AppError::Invalid(e.to_string()))?;
        let geometry = match check_geometry(item, area) {
            Ok(g) => g,
            Err(m) => {
                errors.push(format!("Fitur ke-{}: {m}", i + 1));
                continue;
            }
        };
        let category = import_category(property(item, &["kategori", "category", "jenis", "type"]), geometry.kind());
        let fields = FeatureFields {
            category: category.into(),
            name: property(item, &["nama", "name", "Name", "NAMA", "NAMOBJ"])
                .map_or_else(|| format!("{} {}", label(category), i + 1), str::to_string),
            description: property(item, &["keterangan", "description", "deskripsi", "ket"]).unwrap_or("").to_string(),
        };
        if let Some(p) = fields.problems().first() {
            errors.push(format!("Fitur ke-{}: {}", i + 1, p.message));
            continue;
        }
        rows.push((geometry, fields));
    }
    if !errors.is_empty() {
        return Err(refused(&errors));
    }
    Ok((format, rows))
}

/// Reads a GeoJSON file (a FeatureCollection, a Feature or a bare geometry), a KML or a GPX
/// file (read into GeoJSON by `formats`) and adds every feature, or none: one broken feature refuses the whole file with a list of what is wrong.
///
/// # Errors
/// `Invalid` with the reasons (at most ten listed, the rest counted); database failures.
pub async fn import(db: &DatabaseConnection, v: &village::Model, o: &Official, bytes: &[u8]) -> AppResult<Imported> {
    let area = village_box(v);
    let bytes = std::sync::Arc::<[u8]>::from(bytes);
    let (format, rows) = crate::bounded::parse(move |deadline| read_import(&bytes, area, deadline)).await??;
    let txn = db.begin().await?;
    for (g, fields) in &rows {
        new_row(v.id, g, fields, Some(o.id)).insert(&txn).await?;
    }
    audit(&txn, v, o, None, format!("Impor {}: {} fitur", format.label(), rows.len())).await?;
    txn.commit().await?;
    Ok(Imported { added: rows.len() })
}

/// What the overview page needs: the base map and how many villages have a boundary.
///
/// # Errors
/// Database failures.
pub async fn overview_page(db: &DatabaseConnection) -> AppResult<OverviewPage> {
    let villages = village::Entity::find().filter(village::Column::Boundary.is_not_null()).count(db).await?;
    let crate::config::Tiles { url: tiles, attribution } = crate::config::current().tiles.clone();
    Ok(OverviewPage { map: VillageMap { tiles, attribution, ..Default::default() }, villages })
}

/// How far (degrees, about 35 m) the overview's village outlines may stray from the real ones:
/// invisible at a kabupaten's zoom on a phone, with far fewer points to draw than at 20 m.
const OVERVIEW_TOLERANCE: f64 = 0.0003;

/// The deployment's villages that have a boundary, simplified for an overview of many (see
/// [`OVERVIEW_TOLERANCE`]), with each village's name and address.
///
/// # Errors
/// Database failures.
pub async fn overview(db: &DatabaseConnection, href: impl Fn(&str) -> String) -> AppResult<Value> {
    let rows: Vec<(String, String, Option<String>)> = village::Entity::find()
        .select_only()
        .column(village::Column::Slug)
        .column(village::Column::Name)
        .column(village::Column::Boundary)
        .filter(village::Column::Boundary.is_not_null())
        .order_by_asc(village::Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    let features: Vec<Value> = rows
        .into_iter()
        .filter_map(|(slug, name, boundary)| {
            let shape = Shape::parse(boundary.as_deref()?).ok()?;
            let simple = Shape(
                shape
                    .0
                    .iter()
                    .map(|p| p.iter().map(|r| crate::geo::feature::simplify_ring(r, OVERVIEW_TOLERANCE)).collect())
                    .collect(),
            );
            Some(json!({
                "type": "Feature",
                "properties": { "name": name, "href": href(&slug) },
                "geometry": simple.to_geojson(4),
            }))
        })
        .collect();
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}

/// The demo village's places, roads, a river and fields, laid inside its real boundary. Returns
/// how many were added (none for a village without a boundary).
///
/// # Errors
/// Database failures.
pub async fn seed_demo_features<C: ConnectionTrait>(db: &C, v: &village::Model) -> AppResult<usize> {
    let Some(shape) = v.boundary.as_deref().and_then(|b| Shape::parse(b).ok()) else { return Ok(0) };
    let name = &v.name;
    let places: [(&str, String, &str, f64, f64); 11] = [
        ("kantor_desa", format!("Kantor Desa {name}"), "Pelayanan Senin–Jumat 08.00–15.00.", 0.50, 0.50),
        ("sekolah", format!("SD Negeri {name} 1"), "Sekolah dasar negeri, 12 rombongan belajar.", 0.42, 0.58),
        ("sekolah", "MTs Al-Hidayah".into(), "Madrasah tsanawiyah swasta.", 0.62, 0.40),
        ("masjid", "Masjid Jami Al-Ikhlas".into(), "Salat Jumat dan pengajian rutin.", 0.55, 0.55),
        ("masjid", "Musala Nurul Huda".into(), "", 0.30, 0.35),
        ("posyandu", "Posyandu Melati".into(), "Buka setiap tanggal 10: penimbangan balita dan imunisasi.", 0.36, 0.62),
        ("puskesmas", format!("Puskesmas Pembantu {name}"), "Pelayanan kesehatan dasar, Senin–Sabtu.", 0.58, 0.47),
        ("pasar", format!("Pasar Desa {name}"), "Ramai setiap pagi, terutama Senin dan Kamis.", 0.47, 0.40),
        ("makam", "TPU Sirnarasa".into(), "Tempat pemakaman umum desa.", 0.70, 0.66),
        ("lapangan", "Lapangan Sepak Bola Desa".into(), "Dipakai untuk upacara dan turnamen antar-RW.", 0.40, 0.48),
        ("tempat_lain", "Balai Pertemuan Warga".into(), "", 0.52, 0.63),
    ];
    let mut features: Vec<(String, String, String, Value)> = Vec::new();
    for (code, label, description, fx, fy) in places {
        if let Some(p) = shape.inside_near(fx, fy) {
            features.push((code.into(), label, description.into(), json!({ "type": "Point", "coordinates": p })));
        }
    }
    let line = |points: &[(f64, f64)]| -> Option<Value> {
        let coordinates: Vec<[f64; 2]> = points.iter().filter_map(|(fx, fy)| shape.inside_near(*fx, *fy)).collect();
        (coordinates.len() >= 2).then(|| json!({ "type": "LineString", "coordinates": coordinates }))
    };
    let lines = [
        (
            "jalan",
            "Jalan Desa Utama",
            "Jalan aspal, lebar 5 m.",
            vec![(0.15, 0.50), (0.35, 0.52), (0.50, 0.50), (0.70, 0.47), (0.85, 0.45)],
        ),
        ("jalan", "Jalan Lingkungan RW 002", "Jalan beton.", vec![(0.50, 0.50), (0.52, 0.65), (0.55, 0.80)]),
        ("sungai", "Kali Cibanten", "", vec![(0.25, 0.90), (0.30, 0.70), (0.27, 0.50), (0.32, 0.30), (0.28, 0.10)]),
        (
            "irigasi",
            "Saluran Irigasi Sekunder",
            "Mengairi sawah di bagian timur desa.",
            vec![(0.60, 0.20), (0.70, 0.30), (0.78, 0.38)],
        ),
    ];
    for (code, label, description, points) in lines {
        if let Some(g) = line(&points) {
            features.push((code.into(), label.into(), description.into(), g));
        }
    }
    if let Some([x, y]) = shape.inside_near(0.72, 0.25) {
        let d = 0.0015;
        let ring = [[x, y], [x + d, y], [x + d, y + d * 0.8], [x, y + d * 0.8], [x, y]];
        if ring.iter().all(|[px, py]| shape.contains(*px, *py)) {
            features.push((
                "sawah".into(),
                "Sawah Blok Timur".into(),
                "Padi dua kali setahun.".into(),
                json!({ "type": "Polygon", "coordinates": [ring] }),
            ));
        }
    }
    let mut added = 0;
    for (category, name, description, geometry) in features {
        let Ok(g) = Geometry::from_value(&geometry) else { continue };
        new_row(v.id, &g, &FeatureFields { category, name, description }, None).insert(db).await?;
        added += 1;
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choropleth_steps_match_their_legend() {
        for max in [1u64, 3, 7, 100, 2_345] {
            let legend = shades(max);
            for n in 1..=max {
                let step = shade_of(n, max);
                let shade =
                    legend.iter().find(|s| s.color == SHADES[step]).expect("a legend entry for every colour used");
                let (lo, hi) = match shade.label.split_once('–') {
                    Some((a, b)) => {
                        (a.replace('.', "").parse::<u64>().unwrap(), b.replace('.', "").parse::<u64>().unwrap())
                    }
                    None => {
                        let v = shade.label.replace('.', "").parse::<u64>().unwrap();
                        (v, v)
                    }
                };
                assert!((lo..=hi).contains(&n), "{n} of {max} in {:?}", shade.label);
            }
        }
        assert_eq!(shade_of(0, 0), 0);
        assert_eq!(dotted(1_234_567), "1.234.567");
    }

    #[test]
    fn coordinates_are_trimmed_and_categories_matched() {
        let g = r#"{"type":"LineString","coordinates":[[106.123456789,-6.000004999],[1,2],[-1e-7,0.000004]]}"#;
        assert_eq!(rounded_text(g, 5), r#"{"type":"LineString","coordinates":[[106.12346,-6],[1,2],[0,0]]}"#);
        let served: Value = serde_json::from_str(&rounded_text(g, 5)).expect("still GeoJSON");
        assert_eq!(served["coordinates"][0], json!([106.12346, -6]));
        assert_eq!(import_category(Some("Masjid"), "point"), "masjid");
        assert_eq!(import_category(Some("SEKOLAH"), "area"), "sekolah");
        assert_eq!(import_category(Some("kantor_desa"), "point"), "kantor_desa");
        assert_eq!(import_category(Some("tidak dikenal"), "line"), "jalan");
        assert_eq!(import_category(None, "area"), "area_lain");
    }
}
