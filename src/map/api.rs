//! Server functions of the map slice. The layers themselves are plain GET requests (`http.rs`),
//! which the browser (and later the service worker) can cache.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::model::{EditorPage, FeatureFields, MapPage, OverviewPage};
use crate::error::AppError;

/// Every official of the village edits the map.
#[cfg(feature = "ssr")]
use crate::access::guard::village_official as official;

/// The public map page: base map, layers and legend (officials also get the complaints layer).
#[server(endpoint = "map/page")]
pub async fn get_map_page(slug: String) -> Result<MapPage, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let user = crate::access::guard::signed_in(&state.db).await?;
    let official = crate::access::guard::decide(
        user.as_ref(),
        village.id,
        crate::access::guard::Allow::Officials(crate::auth::model::Role::VILLAGE),
    )
    .is_ok();
    super::service::page(&state.db, &village, official, &format!("/api/map/{}", village.slug)).await
}

/// The officials' editing page: every feature of the village.
#[server(endpoint = "map/editor")]
pub async fn get_editor(slug: String) -> Result<EditorPage, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::service::editor(&state.db, &village).await
}

/// Adds (`id` `None`) or changes a feature; `geometry` is GeoJSON, `None` to keep the old one.
#[server(endpoint = "map/save", input = Json)]
pub async fn save_feature(
    slug: String,
    id: Option<i64>,
    fields: FeatureFields,
    geometry: Option<String>,
) -> Result<i64, AppError> {
    let (state, village, official) = official(&slug).await?;
    super::service::save(&state.db, &village, &official, id, &fields, geometry.as_deref()).await
}

/// Removes a feature.
#[server(endpoint = "map/delete")]
pub async fn delete_feature(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, official) = official(&slug).await?;
    super::service::delete(&state.db, &state.files, &village, &official, id).await
}

/// The deployment's overview map: the base map and how many villages it shows.
#[server(endpoint = "map/overview")]
pub async fn get_overview() -> Result<OverviewPage, AppError> {
    let state = crate::state::app()?;
    super::service::overview_page(&state.db).await
}

/// This slice's server functions that only read: calling one leaves the page cache's kept
/// answers alone (`cache`; registered in `slices.rs`).
#[cfg(feature = "ssr")]
pub const READS: &[&str] =
    &[<GetMapPage as leptos::server_fn::ServerFn>::PATH, <GetOverview as leptos::server_fn::ServerFn>::PATH];
