//! Server functions of the population slice (public aggregates only, for now).

use leptos::prelude::*;

use super::model::{DusunInfo, PopulationStats, PopulationSummary};
use crate::error::AppError;

/// Head counts of the village `slug`.
#[server(endpoint = "population/summary")]
pub async fn get_population_summary(slug: String) -> Result<PopulationSummary, AppError> {
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    Ok(super::service::summary(&state.db, village.id, None).await?.public())
}

/// The statistics of the village `slug`, or of one of its dusun.
#[server(endpoint = "population/stats")]
pub async fn get_population_stats(slug: String, dusun: Option<i64>) -> Result<PopulationStats, AppError> {
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::service::stats(&state.db, village.id, dusun).await
}

/// The dusun of the village `slug` with their RW and RT counts.
#[server(endpoint = "population/areas")]
pub async fn get_dusun_list(slug: String) -> Result<Vec<DusunInfo>, AppError> {
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::service::dusun_list(&state.db, village.id).await
}
