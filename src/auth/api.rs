//! Server functions of sign-in and the admin dashboard.

use leptos::prelude::*;

use super::model::{AdminOverview, SessionInfo};
use crate::error::AppError;

/// Signs an official in at the village `slug` and goes to its admin dashboard.
#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(slug: String, username: String, password: String) -> Result<(), AppError> {
    use http::{HeaderValue, header::SET_COOKIE};
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    if username.trim().is_empty() || password.is_empty() {
        return Err(AppError::Invalid("Isi nama pengguna dan kata sandi.".into()));
    }
    let client = super::guard::client();
    let token = super::service::sign_in_official(&state.db, &village, &username, &password, &client).await?;
    // A new session id at every sign-in; the session the browser had is ended only now, so a
    // mistyped password does not sign anybody out.
    if let Some(old) = super::guard::request_token() {
        super::session::end(&state.db, &old).await?;
    }
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&super::session::cookie(&token, client.https)),
    ) {
        response.append_header(SET_COOKIE, value);
    }
    leptos_axum::redirect(&crate::site::SiteMode::of_request().path(&slug, "/admin"));
    Ok(())
}

/// Ends the current session and goes back to the sign-in page.
#[server(endpoint = "auth/sign-out")]
pub async fn sign_out(slug: String) -> Result<(), AppError> {
    use http::{HeaderValue, header::SET_COOKIE};
    use sea_orm::EntityTrait;
    let state = crate::server::state()?;
    let client = super::guard::client();
    if let Some(token) = super::guard::request_token()
        && let Some(ended) = super::session::end(&state.db, &token).await?
        && let Some(official_id) = ended.official_id
    {
        let name = crate::db::entities::official::Entity::find_by_id(official_id)
            .one(&state.db)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        crate::audit::record(
            &state.db,
            crate::audit::Entry {
                village_id: ended.village_id,
                actor: crate::audit::Actor::Official { id: official_id, name },
                action: crate::audit::Action::SignOut,
                subject: Some(("official", official_id)),
                detail: None,
                ip: client.ip.clone(),
            },
        )
        .await?;
    }
    let https = client.https;
    if let (Some(response), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&super::session::clear_cookie(https)))
    {
        response.append_header(SET_COOKIE, value);
    }
    leptos_axum::redirect(&crate::site::SiteMode::of_request().path(&slug, "/masuk"));
    Ok(())
}

/// The admin dashboard of the village `slug`: for its operator, sekdes and kades.
#[server(endpoint = "auth/admin-overview")]
pub async fn get_admin_overview(slug: String) -> Result<AdminOverview, AppError> {
    use super::model::Role;
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let official = super::guard::require(&state.db, &village, Role::VILLAGE).await?;
    let counts = crate::population::service::summary(&state.db, village.id, None).await?;
    Ok(AdminOverview {
        official_name: official.name,
        role: official.role,
        village_title: crate::village::service::to_info(&village).title(),
        residents: counts.residents,
        families: counts.families,
        dusun: counts.dusun,
    })
}

/// The signed-in official's sessions (this one marked), to see where they are signed in.
#[server(endpoint = "auth/sessions")]
pub async fn list_sessions(slug: String) -> Result<Vec<SessionInfo>, AppError> {
    use super::model::{Role, device_of};
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = super::guard::require(&state.db, &village, Role::VILLAGE).await?;
    let now = chrono::Utc::now();
    let format = |t: chrono::DateTime<chrono::Utc>| {
        // Western Indonesian Time, as officials read it.
        (t + chrono::Duration::hours(7)).format("%d-%m-%Y %H:%M WIB").to_string()
    };
    Ok(super::session::of_official(&state.db, me.id, now)
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            current: s.id == me.session_id,
            started: format(s.created_at),
            last_seen: format(s.last_seen_at),
            ip: s.ip,
            device: device_of(s.user_agent.as_deref()),
            id: s.id,
        })
        .collect())
}

/// Ends one of the signed-in official's other sessions (e.g. a phone left signed in).
#[server(endpoint = "auth/end-session")]
pub async fn end_session(slug: String, id: String) -> Result<(), AppError> {
    use super::model::Role;
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = super::guard::require(&state.db, &village, Role::VILLAGE).await?;
    if id == me.session_id {
        return Err(AppError::Invalid("Sesi ini sedang Anda pakai. Gunakan tombol Keluar.".into()));
    }
    super::session::end_own(&state.db, me.id, &id).await?;
    leptos_axum::redirect(&crate::site::SiteMode::of_request().path(&slug, "/admin/sesi"));
    Ok(())
}
