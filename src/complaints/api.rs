//! Server functions of the complaints slice: they find the village and the caller and call the
//! service. Photos go through `http.rs`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::model::{
    ComplaintDetail, ComplaintQueue, ComplaintRow, PublicList, ReportForm, ReportInput, Reported, Settings, Status,
};
use crate::error::AppError;

/// The village and what the caller is to it.
#[cfg(feature = "ssr")]
async fn caller(
    slug: &str,
) -> Result<(crate::state::AppState, crate::db::entities::village::Model, super::service::Who), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, slug).await?;
    let user = crate::access::guard::signed_in(&state.db).await?;
    let who = super::service::Who::of(user, &village)?;
    Ok((state, village, who))
}

#[cfg(feature = "ssr")]
async fn official(
    slug: &str,
    roles: &[crate::auth::model::Role],
) -> Result<(crate::state::AppState, crate::db::entities::village::Model), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, slug).await?;
    crate::access::guard::require(&state.db, &village, roles).await?;
    Ok((state, village))
}

/// What the report form needs (a visitor gets it only where the village takes visitors' reports).
#[server(endpoint = "complaints/form")]
pub async fn get_report_form(slug: String) -> Result<ReportForm, AppError> {
    let (state, village, who) = caller(&slug).await?;
    super::service::form(&state.db, &village, &who).await
}

/// Files a report.
#[server(endpoint = "complaints/report", input = Json)]
pub async fn send_report(slug: String, input: ReportInput) -> Result<Reported, AppError> {
    let (state, village, who) = caller(&slug).await?;
    super::service::report(&state.db, &village, &who, &input).await
}

/// The signed-in resident's own reports.
#[server(endpoint = "complaints/mine")]
pub async fn my_reports(slug: String) -> Result<Vec<ComplaintRow>, AppError> {
    let (state, village, who) = caller(&slug).await?;
    match who {
        super::service::Who::Resident { id, .. } => super::service::mine(&state.db, village.id, id).await,
        super::service::Who::Official(_) => Err(AppError::Forbidden),
        super::service::Who::Visitor => Err(AppError::Unauthenticated),
    }
}

/// One report with its thread (`token`: a visitor's secret link, empty otherwise).
#[server(endpoint = "complaints/detail")]
pub async fn report_detail(slug: String, id: i64, token: String) -> Result<ComplaintDetail, AppError> {
    let (state, village, who) = caller(&slug).await?;
    super::service::detail(&state.db, &village, &who, id, Some(token.as_str()).filter(|t| !t.is_empty())).await
}

/// A message in the thread; officials may move the status with it (`to`: a status's word, empty
/// to keep it). Plain form arguments: the reply form posts here before (or without) the WASM.
#[server(endpoint = "complaints/reply")]
pub async fn reply_report(slug: String, id: i64, token: String, body: String, to: String) -> Result<(), AppError> {
    let (state, village, who) = caller(&slug).await?;
    let token = Some(token.as_str()).filter(|t| !t.is_empty());
    let to = match to.trim() {
        "" => None,
        word => Some(Status::parse(word).ok_or_else(|| AppError::Invalid("Status itu tidak dikenal.".into()))?),
    };
    super::service::reply(&state.db, &village, &who, id, token, &body, to).await
}

/// The officials' queue.
#[server(endpoint = "complaints/queue", input = Json)]
pub async fn complaints_queue(
    slug: String,
    status: Option<Status>,
    category: String,
    dusun: Option<i64>,
    at: crate::ui::PageAt,
) -> Result<ComplaintQueue, AppError> {
    let (state, village) = official(&slug, crate::auth::model::Role::VILLAGE).await?;
    super::service::queue(&state.db, village.id, status, Some(category.as_str()), dusun, &at).await
}

/// Resolved reports, where the village publishes them (public, without reporters).
#[server(endpoint = "complaints/public")]
pub async fn public_reports(slug: String, at: crate::ui::PageAt) -> Result<PublicList, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::service::public_list(&state.db, &village, &at).await
}

/// How the village runs its complaints (its officials).
#[server(endpoint = "complaints/settings")]
pub async fn complaint_settings(slug: String) -> Result<Settings, AppError> {
    let (_, village) = official(&slug, crate::auth::model::Role::VILLAGE).await?;
    Ok(super::service::settings(&village))
}

/// Changes how the village runs its complaints (kades or sekdes).
#[server(endpoint = "complaints/save-settings", input = Json)]
pub async fn save_complaint_settings(slug: String, settings: Settings) -> Result<(), AppError> {
    use crate::auth::model::Role;
    let (state, village) = official(&slug, &[Role::Kades, Role::Sekdes]).await?;
    crate::village::service::save_setting(&state.db, village.id, "complaints", &settings).await
}

/// This slice's server functions that only read: calling one leaves the page cache's kept
/// answers alone (`cache`; registered in `slices.rs`).
#[cfg(feature = "ssr")]
pub const READS: &[&str] = &[
    <PublicReports as leptos::server_fn::ServerFn>::PATH,
    <MyReports as leptos::server_fn::ServerFn>::PATH,
    <GetReportForm as leptos::server_fn::ServerFn>::PATH,
];
