//! Server functions of the regency view.

use leptos::prelude::*;

use super::model::RegionOverview;
use crate::error::AppError;

/// The signed-in regional officer's region: figures of every village in it.
#[server(endpoint = "regency/overview")]
#[lazy]
pub async fn get_region_overview() -> Result<RegionOverview, AppError> {
    let state = crate::state::app()?;
    let officer = super::service::require_officer(&state.db).await?;
    super::service::overview(&state.db, &officer, chrono::Utc::now()).await
}
