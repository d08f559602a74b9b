//! Server functions of the village slice: short, they find the scope and call the service.

use leptos::prelude::*;

use super::model::VillageInfo;
use crate::error::AppError;

/// Public facts about the village `slug`.
#[server(endpoint = "village/info")]
pub async fn get_village(slug: String) -> Result<VillageInfo, AppError> {
    let state = crate::state::app()?;
    let village = super::service::scope(&state.db, &slug).await?;
    Ok(super::service::to_info(&village))
}

/// This slice's server functions that only read: calling one leaves the page cache's kept
/// answers alone (`cache`; registered in `slices.rs`).
#[cfg(feature = "ssr")]
pub const READS: &[&str] = &[<GetVillage as leptos::server_fn::ServerFn>::PATH];
