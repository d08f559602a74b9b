//! Server functions of the audit log.

use leptos::prelude::*;

use super::model::AuditPage;
use crate::error::AppError;

/// One page of the village's audit log, filtered (see [`super::model::AuditFilter`]): for its
/// kades and sekdes.
#[server(endpoint = "audit/list")]
#[lazy]
pub async fn list_audit(
    slug: String,
    action: String,
    who: String,
    from: String,
    to: String,
    at: crate::ui::PageAt,
) -> Result<AuditPage, AppError> {
    use crate::kit::caller::Role;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    crate::access::guard::require(&state.db, &village, &[Role::Kades, Role::Sekdes]).await?;
    let filter = super::model::AuditFilter { action, who, from, to };
    super::service::list(&state.db, &village, &filter, &at).await
}
