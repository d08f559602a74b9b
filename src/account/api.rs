//! Server functions of a resident's own account.

use leptos::prelude::*;

use super::model::OwnProfile;
use crate::audit::model::AccessPage;
use crate::error::AppError;

/// The signed-in resident's own record and family.
#[server(endpoint = "account/profile")]
#[lazy]
pub async fn my_profile(slug: String) -> Result<OwnProfile, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require_resident(&state.db, &village, false).await?;
    super::service::profile(&state.db, &village, me.id).await
}

/// Who accessed the signed-in resident's data, newest first.
#[server(endpoint = "account/access")]
#[lazy]
pub async fn my_access(slug: String, at: crate::ui::PageAt) -> Result<AccessPage, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require_resident(&state.db, &village, false).await?;
    crate::audit::service::about_resident(&state.db, &village, me.id, &at).await
}

/// This slice's server functions that only read: calling one leaves the page cache's kept
/// answers alone (`cache`; registered in `slices.rs`).
#[cfg(feature = "ssr")]
pub const READS: &[&str] =
    &[<MyProfile as leptos::server_fn::ServerFn>::PATH, <MyAccess as leptos::server_fn::ServerFn>::PATH];
