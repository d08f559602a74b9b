//! Server functions of the village slice: short, they find the scope and call the service.

use leptos::prelude::*;

use super::model::{VillageInfo, VillagePage};
use crate::error::AppError;

/// Public facts about the village `slug`.
#[server(endpoint = "village/info")]
pub async fn get_village(slug: String) -> Result<VillageInfo, AppError> {
    let state = crate::server::state()?;
    let village = super::service::scope(&state.db, &slug).await?;
    Ok(super::service::to_info(&village))
}

/// One page of the deployment's village list, optionally filtered by name.
#[server(endpoint = "village/list")]
pub async fn list_villages(query: String, page: u64) -> Result<VillagePage, AppError> {
    let state = crate::server::state()?;
    super::service::list(&state.db, &query, page).await
}
