//! Server functions of the population slice (public aggregates only, for now).

use leptos::prelude::*;

use super::model::PopulationStats;
use crate::error::AppError;

/// The statistics of the village `slug`, or of one of its dusun.
#[server(endpoint = "population/stats")]
pub async fn get_population_stats(slug: String, dusun: Option<i64>) -> Result<PopulationStats, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::service::stats(&state.db, village.id, dusun).await
}

// The registry, for the village's officials.

use super::model::{
    Arrival, ArrivalRow, CorrectionRow, EventInput, ImportState, MutationBook, RegistryOptions, ResidentDetail,
    ResidentFilter, ResidentForm, ResidentPage, SaveOutcome,
};
use crate::ui::PageAt;
use leptos::server_fn::codec::Json;

/// Every official of the village keeps the registry.
#[cfg(feature = "ssr")]
use crate::access::guard::village_official as official;

/// The choices of the registry's forms and filters.
#[server(endpoint = "population/options")]
pub async fn get_registry_options(slug: String) -> Result<RegistryOptions, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::registry::options(&state.db, &village).await
}

/// A page of the resident list.
#[server(endpoint = "population/residents", input = Json)]
pub async fn list_residents(slug: String, filter: ResidentFilter, at: PageAt) -> Result<ResidentPage, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::registry::list(&state.db, village.id, &filter, &at).await
}

/// One resident with family, events, history; `full` shows whole NIK/KK numbers (audited).
#[server(endpoint = "population/resident")]
pub async fn get_resident(slug: String, id: i64, full: bool) -> Result<ResidentDetail, AppError> {
    let (state, village, o) = official(&slug).await?;
    super::registry::detail(&state.db, village.id, &o, id, full).await
}

/// Creates (`id` None) or edits a resident.
#[server(endpoint = "population/save", input = Json)]
pub async fn save_resident(slug: String, id: Option<i64>, data: ResidentForm) -> Result<SaveOutcome, AppError> {
    let (state, village, o) = official(&slug).await?;
    super::registry::save(&state.db, village.id, &o, id, &data, None).await
}

/// A birth or a move in: a new resident with the event (`lahir` or `pindah_masuk`).
#[server(endpoint = "population/arrival", input = Json)]
pub async fn record_arrival(slug: String, data: ResidentForm, event: EventInput) -> Result<SaveOutcome, AppError> {
    let (state, village, o) = official(&slug).await?;
    let kind = match event.kind.as_str() {
        "lahir" => "lahir",
        "pindah_masuk" => "pindah_masuk",
        _ => return Err(AppError::Invalid("Jenis peristiwa tidak dikenal.".into())),
    };
    if kind == "lahir" && data.family_id.is_none() {
        return Err(AppError::Invalid("Pilih keluarga tempat anak ini dicatat.".into()));
    }
    super::registry::save(&state.db, village.id, &o, None, &data, Some((kind, &event))).await
}

/// Moves from other villages of the deployment waiting for this village's decision.
#[server(endpoint = "population/arrivals")]
pub async fn waiting_arrivals(slug: String) -> Result<Vec<ArrivalRow>, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::moves::waiting(&state.db, village.id).await
}

/// One waiting move, with the record to fill the new one in from (audited).
#[server(endpoint = "population/arrival-data")]
pub async fn get_arrival(slug: String, id: i64) -> Result<Arrival, AppError> {
    let (state, village, o) = official(&slug).await?;
    super::moves::arrival(&state.db, village.id, &o, id).await
}

/// Accepts a waiting move: the new record, with its move-in event.
#[server(endpoint = "population/accept-arrival", input = Json)]
pub async fn accept_arrival(
    slug: String,
    id: i64,
    data: ResidentForm,
    event: EventInput,
) -> Result<SaveOutcome, AppError> {
    let (state, village, o) = official(&slug).await?;
    super::moves::accept(&state.db, village.id, &o, id, &data, &event).await
}

/// Refuses a waiting move, with the reason.
#[server(endpoint = "population/refuse-arrival")]
pub async fn refuse_arrival(slug: String, id: i64, reason: String) -> Result<(), AppError> {
    let (state, village, o) = official(&slug).await?;
    super::moves::refuse(&state.db, village.id, &o, id, &reason).await
}

/// A death, a move out or a disappearance.
#[server(endpoint = "population/event", input = Json)]
pub async fn record_departure(slug: String, event: EventInput) -> Result<(), AppError> {
    let (state, village, o) = official(&slug).await?;
    super::registry::record_event(&state.db, village.id, &o, &event).await
}

/// Changes a family's address and RT (its members in the old RT move with it).
#[server(endpoint = "population/family")]
pub async fn update_family(slug: String, id: i64, address: String, rt_id: Option<i64>) -> Result<(), AppError> {
    let (state, village, o) = official(&slug).await?;
    super::registry::update_family(&state.db, village.id, &o, id, &address, rt_id).await
}

/// The events of a year (Buku Mutasi Penduduk); the current year when `year` is None.
#[server(endpoint = "population/events")]
pub async fn list_events(slug: String, year: Option<i32>) -> Result<MutationBook, AppError> {
    use chrono::Datelike;
    let (state, village, _) = official(&slug).await?;
    let year = year.unwrap_or_else(|| chrono::Utc::now().year());
    let events = super::registry::events_of(&state.db, village.id, None, Some(year)).await?;
    Ok(MutationBook { year, events })
}

/// Residents' correction requests, open ones (`baru`) or all.
#[server(endpoint = "population/corrections")]
pub async fn list_corrections(slug: String, open_only: bool) -> Result<Vec<CorrectionRow>, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::registry::corrections_of(
        &state.db,
        village.id,
        None,
        open_only.then_some(crate::kit::resident::CorrectionStatus::Baru),
    )
    .await
}

#[server(endpoint = "population/resolve-correction")]
pub async fn close_correction(slug: String, id: i64, accept: bool, response: String) -> Result<(), AppError> {
    let (state, village, o) = official(&slug).await?;
    super::registry::resolve_correction(&state.db, village.id, &o, id, accept, &response).await
}

/// The state of an uploaded import file.
#[server(endpoint = "population/import-state")]
pub async fn get_import_state(slug: String, token: String) -> Result<ImportState, AppError> {
    let (state, village, o) = official(&slug).await?;
    super::uploads::state(&state.db, &token, village.id, o.id)
        .await?
        .ok_or_else(|| AppError::Invalid("Berkas unggahan tidak ditemukan atau sudah kedaluwarsa; unggah lagi.".into()))
}

/// Runs the checked import in the background (one transaction); the page follows its progress.
#[server(endpoint = "population/import-run")]
pub async fn run_import(slug: String, token: String) -> Result<(), AppError> {
    use super::uploads;
    let (state, village, o) = official(&slug).await?;
    // Tracked before it is marked running: a look at its state never finds it running nowhere.
    let busy = || AppError::Conflict("Impor ini sudah berjalan, sudah selesai, atau berkasnya ditolak.".into());
    let progress = uploads::track(&token).ok_or_else(busy)?;
    let Some(u) = uploads::start(&state.db, &token, village.id, o.id).await? else {
        uploads::untrack(&token);
        return Err(busy());
    };
    let by = super::import::Importer { official_id: Some(o.id), name: o.name.clone() };
    tokio::spawn(async move {
        let reporter = uploads::report_progress(state.db.clone(), u.village_id, token.clone(), progress.clone());
        let result = super::import::apply(&state.db, u.village_id, &u.file_name, &u.bytes, &by, Some(progress))
            .await
            .map_err(|e| e.to_string());
        reporter.abort();
        if let Err(e) = uploads::finish(&state.db, u.village_id, &token, &result).await {
            tracing::error!("import {token}: its outcome could not be recorded: {e}");
        }
    });
    Ok(())
}

// The resident's own record.

/// A signed-in resident asks the officials to correct their record.
#[server(endpoint = "population/request-correction")]
pub async fn ask_correction(slug: String, message: String) -> Result<(), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require_resident(&state.db, &village, false).await?;
    super::registry::request_correction(&state.db, village.id, me.id, &me.name, &message).await
}

/// The signed-in resident's correction requests.
#[server(endpoint = "population/my-corrections")]
pub async fn my_corrections(slug: String) -> Result<Vec<CorrectionRow>, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require_resident(&state.db, &village, false).await?;
    super::registry::corrections_of(&state.db, village.id, Some(me.id), None).await
}

/// Every statistic of the registry, exact (officials only; the public gets masked aggregates).
#[server(endpoint = "population/registry-stats")]
pub async fn get_registry_stats(slug: String) -> Result<super::model::RegistryStats, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::service::registry_stats(&state.db, village.id, chrono::Utc::now().date_naive()).await
}

/// This slice's server functions that only read: calling one leaves the page cache's kept
/// answers alone (`cache`; registered in `slices.rs`).
#[cfg(feature = "ssr")]
pub const READS: &[&str] = &[<GetPopulationStats as leptos::server_fn::ServerFn>::PATH];
