//! Server functions of a resident's own account.

use leptos::prelude::*;

use super::model::{AccessPage, OwnProfile};
use crate::error::AppError;

/// The signed-in resident's own record and family.
#[server(endpoint = "account/profile")]
#[lazy]
pub async fn my_profile(slug: String) -> Result<OwnProfile, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::auth::guard::require_resident(&state.db, &village, false).await?;
    super::service::profile(&state.db, &village, me.id).await
}

/// Who accessed the signed-in resident's data, newest first.
#[server(endpoint = "account/access")]
#[lazy]
pub async fn my_access(slug: String, at: crate::ui::PageAt) -> Result<AccessPage, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::auth::guard::require_resident(&state.db, &village, false).await?;
    crate::audit::service::about_resident(&state.db, &village, me.id, &at).await
}
