//! Server functions of identity: sign-in and sign-out (officials, residents, the superadmin),
//! sessions, passwords and PINs, and managing officials' accounts. Each one finds the village
//! scope, asks `guard` who may act, and calls the service.

use leptos::prelude::*;

use super::model::{AdminOverview, NewCredential, OfficialRow, PinCandidatePage, PinSlip, SessionInfo};
use crate::error::AppError;

/// Sets a cookie on the response.
#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value))
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// Sends a form post without JavaScript to `path` of the village `slug` (the deployment's
/// pages when `slug` is empty).
#[cfg(feature = "ssr")]
fn go(slug: &str, path: &str) {
    // A slug is lower-case letters, digits and dashes: anything else (`/evil.example`) would make
    // the address another site's, so it goes home instead.
    let is_slug = slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let to = match slug {
        "" => path.to_string(),
        _ if !is_slug => "/".to_string(),
        _ => crate::site::SiteMode::of_request().path(slug, path),
    };
    leptos_axum::redirect(&to);
}

/// Ends the browser's previous session after a successful sign-in (a mistyped password does
/// not sign anybody out) and stores the new one.
#[cfg(feature = "ssr")]
async fn replace_session(
    db: &sea_orm::DatabaseConnection,
    signed_in: &super::service::SignedIn,
    kind: crate::access::session::Kind,
    https: bool,
) -> Result<(), AppError> {
    if let Some(old) = crate::access::guard::request_token() {
        crate::access::session::end(db, &old).await?;
    }
    set_cookie(&crate::access::session::cookie(&signed_in.session, kind, https));
    set_cookie(&super::throttle::device_cookie(&signed_in.device, https));
    // Whose the phone's queued items are (not a secret, not personal data: a keyed hash).
    if let Some(user) = crate::access::guard::signed_in_with(db, Some(signed_in.session.clone())).await? {
        set_cookie(&super::owner::owner_cookie(&user, https));
    }
    Ok(())
}

/// Signs an official in at the village `slug` and goes to its admin dashboard; with an empty
/// `slug`, signs the deployment's superadmin in and goes to `/kelola` (a regional officer to
/// `/wilayah`).
#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(slug: String, username: String, password: String) -> Result<(), AppError> {
    let state = crate::state::app()?;
    let village = match slug.as_str() {
        "" => None,
        slug => Some(crate::village::service::scope(&state.db, slug).await?),
    };
    if username.trim().is_empty() || password.is_empty() {
        return Err(AppError::Invalid("Isi nama pengguna dan kata sandi.".into()));
    }
    let client = crate::access::guard::client();
    let signed_in =
        super::service::sign_in_official(&state.db, village.as_ref(), &username, &password, &client).await?;
    replace_session(&state.db, &signed_in, crate::access::session::Kind::Official, client.https).await?;
    let to = match slug.as_str() {
        "" => match crate::access::guard::signed_in_with(&state.db, Some(signed_in.session)).await? {
            Some(crate::access::guard::User::Official(o)) if o.role == super::model::Role::Wilayah => "/wilayah",
            _ => "/kelola",
        },
        _ => "/admin",
    };
    go(&slug, to);
    Ok(())
}

/// Signs a resident of the village `slug` in with NIK and PIN: to their page, or first to
/// changing the PIN they were issued.
#[server(endpoint = "auth/resident-sign-in")]
pub async fn resident_sign_in(slug: String, nik: String, pin: String) -> Result<(), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let client = crate::access::guard::client();
    let (signed_in, must_change) = super::residents::sign_in(&state.db, &village, &nik, &pin, &client).await?;
    replace_session(&state.db, &signed_in, crate::access::session::Kind::Resident, client.https).await?;
    go(&slug, if must_change { "/akun/ganti-pin" } else { "/akun" });
    Ok(())
}

/// Ends the current session (whoever holds it) and goes back to the sign-in page.
#[server(endpoint = "auth/sign-out")]
pub async fn sign_out(slug: String) -> Result<(), AppError> {
    use crate::audit::{self, Action, Actor, Entry};
    use crate::db::entities::{official, resident};
    use sea_orm::EntityTrait;
    let state = crate::state::app()?;
    let client = crate::access::guard::client();
    if let Some(token) = crate::access::guard::request_token()
        && let Some(ended) = crate::access::session::end(&state.db, &token).await?
    {
        let (actor, subject) = match (ended.official_id, ended.resident_id) {
            (Some(id), _) => {
                let name = official::Entity::find_by_id(id).one(&state.db).await?.map(|o| o.name).unwrap_or_default();
                (Actor::Official { id, name }, ("official", id))
            }
            (None, Some(id)) => {
                let name = resident::Entity::find_by_id(id).one(&state.db).await?.map(|r| r.name).unwrap_or_default();
                (Actor::Resident { id, name }, ("resident", id))
            }
            (None, None) => (Actor::Anonymous, ("session", 0)),
        };
        let entry = Entry {
            village_id: ended.village_id,
            actor,
            action: Action::SignOut,
            subject: Some(subject),
            detail: None,
            ip: client.ip.clone(),
        };
        audit::record(&state.db, entry).await?;
    }
    set_cookie(&crate::access::session::clear_cookie(client.https));
    set_cookie(&super::owner::clear_owner_cookie(client.https));
    go(&slug, if slug.is_empty() { "/kelola/masuk" } else { "/masuk" });
    Ok(())
}

/// The admin dashboard of the village `slug`: for its operator, sekdes and kades.
#[server(endpoint = "auth/admin-overview")]
#[lazy]
pub async fn get_admin_overview(slug: String) -> Result<AdminOverview, AppError> {
    use super::model::Role;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let official = crate::access::guard::require(&state.db, &village, Role::VILLAGE).await?;
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

/// The signed-in user's sessions (this one marked), to see where they are signed in.
#[server(endpoint = "auth/sessions")]
#[lazy]
pub async fn list_sessions(slug: String) -> Result<Vec<SessionInfo>, AppError> {
    use super::model::device_of;
    use crate::access::guard::Allow;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require_user(&state.db, &village, Allow::AnySignedIn).await?;
    Ok(crate::access::session::of_holder(&state.db, me.holder(), chrono::Utc::now())
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            current: s.id == me.session_id(),
            started: crate::kit::time::wib_with_zone(s.created_at),
            last_seen: crate::kit::time::wib_with_zone(s.last_seen_at),
            ip: s.ip,
            device: device_of(s.user_agent.as_deref()),
            id: s.id,
        })
        .collect())
}

/// Ends one of the signed-in user's other sessions (e.g. a phone left signed in).
#[server(endpoint = "auth/end-session")]
pub async fn end_session(slug: String, id: String) -> Result<(), AppError> {
    use crate::access::guard::Allow;
    use crate::access::session::Kind;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require_user(&state.db, &village, Allow::AnySignedIn).await?;
    if id == me.session_id() {
        return Err(AppError::Invalid("Sesi ini sedang Anda pakai. Gunakan tombol Keluar.".into()));
    }
    crate::access::session::end_own(&state.db, me.holder(), &id).await?;
    go(&slug, if me.holder().0 == Kind::Resident { "/akun/sesi" } else { "/admin/sesi" });
    Ok(())
}

/// The signed-in official changes their own password.
#[server(endpoint = "auth/change-password")]
pub async fn change_password(slug: String, current: String, new: String, repeat: String) -> Result<(), AppError> {
    use super::model::Role;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require(&state.db, &village, Role::VILLAGE).await?;
    let client = crate::access::guard::client();
    super::officials::change_own_password(&state.db, &me, &current, &new, &repeat, &client).await
}

/// The signed-in resident replaces their PIN (required after an official issued it).
#[server(endpoint = "auth/change-pin")]
pub async fn change_pin(slug: String, current: String, new: String, repeat: String) -> Result<(), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require_resident(&state.db, &village, true).await?;
    let client = crate::access::guard::client();
    super::residents::change_pin(&state.db, &me, &current, &new, &repeat, &client).await?;
    go(&slug, "/akun");
    Ok(())
}

/// Who may manage a village's officials: its kades, and the deployment's superadmin.
#[cfg(feature = "ssr")]
const MANAGERS: &[super::model::Role] = &[super::model::Role::Kades, super::model::Role::Superadmin];

/// The officials of the village `slug`.
#[server(endpoint = "auth/officials")]
#[lazy]
pub async fn list_officials(slug: String) -> Result<Vec<OfficialRow>, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require(&state.db, &village, MANAGERS).await?;
    Ok(super::officials::list(&state.db, &village)
        .await?
        .into_iter()
        .map(|o| OfficialRow {
            role: o.role,
            me: o.id == me.id,
            id: o.id,
            username: o.username,
            name: o.name,
            active: o.active,
        })
        .collect())
}

/// Creates an official's account in the village `slug`; the generated password is returned once.
#[server(endpoint = "auth/create-official")]
pub async fn create_official(
    slug: String,
    username: String,
    name: String,
    role: String,
) -> Result<NewCredential, AppError> {
    use super::model::Role;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require(&state.db, &village, MANAGERS).await?;
    let role = Role::parse(&role).ok_or_else(|| AppError::Invalid("Pilih peran.".into()))?;
    let client = crate::access::guard::client();
    let (created, password) =
        super::officials::create(&state.db, &village, &me, &username, &name, role, &client).await?;
    Ok(NewCredential { username: created.username, name: created.name, password })
}

/// Changes the role of an official of the village `slug`.
#[server(endpoint = "auth/set-official-role")]
pub async fn set_official_role(slug: String, id: i64, role: String) -> Result<(), AppError> {
    use super::model::Role;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require(&state.db, &village, MANAGERS).await?;
    let role = Role::parse(&role).ok_or_else(|| AppError::Invalid("Pilih peran.".into()))?;
    super::officials::change_role(&state.db, &village, &me, id, role, &crate::access::guard::client()).await
}

/// Deactivates (ending their sessions) or reactivates an official of the village `slug`.
#[server(endpoint = "auth/set-official-active")]
pub async fn set_official_active(slug: String, id: i64, active: bool) -> Result<(), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require(&state.db, &village, MANAGERS).await?;
    super::officials::set_active(&state.db, &village, &me, id, active, &crate::access::guard::client()).await
}

/// Gives an official of the village `slug` a new password, returned once.
#[server(endpoint = "auth/reset-password")]
pub async fn reset_password(slug: String, id: i64) -> Result<NewCredential, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require(&state.db, &village, MANAGERS).await?;
    let (o, password) =
        super::officials::reset_password(&state.db, &village, &me, id, &crate::access::guard::client()).await?;
    Ok(NewCredential { username: o.username, name: o.name, password })
}

/// Living residents of the village `slug` by name or NIK prefix, with their PIN status.
#[server(endpoint = "auth/pin-residents")]
#[lazy]
pub async fn pin_residents(slug: String, query: String, at: crate::ui::PageAt) -> Result<PinCandidatePage, AppError> {
    use super::model::Role;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    crate::access::guard::require(&state.db, &village, Role::VILLAGE).await?;
    super::residents::search(&state.db, &village, &query, &at).await
}

/// Issues (or resets) the PIN of a resident of the village `slug`: the slip to print.
#[server(endpoint = "auth/issue-pin")]
pub async fn issue_pin(slug: String, resident_id: i64) -> Result<PinSlip, AppError> {
    use super::model::Role;
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let me = crate::access::guard::require(&state.db, &village, Role::VILLAGE).await?;
    let slip =
        super::residents::issue_pin(&state.db, &village, &me, resident_id, &crate::access::guard::client()).await?;
    let nik = crate::population::nik::Nik::parse(&slip.resident.nik)
        .map(|n| n.masked())
        .unwrap_or_else(|_| "••••••••••••••••".into());
    Ok(PinSlip {
        village_title: crate::village::service::to_info(&village).title(),
        name: slip.resident.name,
        nik_masked: nik,
        pin: slip.pin,
        issued: crate::kit::time::wib_with_zone(chrono::Utc::now()),
        issued_by: format!("{} ({})", me.name, me.role.label()),
        sign_in_path: crate::site::SiteMode::of_request().path(&village.slug, "/masuk"),
    })
}

/// The deployment's villages with how many officials each has: for the superadmin.
#[server(endpoint = "village/managed")]
#[lazy]
pub async fn managed_villages() -> Result<Vec<crate::village::model::ManagedVillage>, AppError> {
    let state = crate::state::app()?;
    crate::access::guard::require_superadmin(&state.db).await?;
    crate::village::service::managed(&state.db).await
}

/// Desa/kelurahan of the official code list by name or code: for the superadmin adding one.
#[server(endpoint = "village/regions")]
#[lazy]
pub async fn search_regions(query: String) -> Result<Vec<crate::village::model::RegionHit>, AppError> {
    let state = crate::state::app()?;
    crate::access::guard::require_superadmin(&state.db).await?;
    crate::village::service::search_regions(&state.db, &query).await
}

/// Adds the village of the official code `code` to the deployment; returns its slug.
#[server(endpoint = "village/create")]
pub async fn create_village(code: String) -> Result<String, AppError> {
    let state = crate::state::app()?;
    let me = crate::access::guard::require_superadmin(&state.db).await?;
    let created = crate::village::service::create_from_code(&state.db, &code, None, None).await.map_err(|e| {
        use crate::village::service::CreateVillageError as E;
        match e {
            E::Format(_) => AppError::Invalid("Kode wilayah harus 10 angka, misalnya 36.04.05.2001.".into()),
            E::UnknownCode(c) => AppError::Invalid(format!("Kode {c} tidak ada dalam daftar resmi desa/kelurahan.")),
            E::Exists(c, s) => AppError::Invalid(format!("Desa dengan kode {c} sudah ada (alamat /{s}).")),
            E::Db(e) => e.into(),
            _ => AppError::Internal,
        }
    })?;
    crate::audit::record(
        &state.db,
        crate::audit::Entry {
            village_id: Some(created.id),
            actor: crate::audit::Actor::Official { id: me.id, name: me.name },
            action: crate::audit::Action::VillageCreated,
            subject: Some(("village", created.id)),
            detail: Some(format!("{} {}", created.code, created.name)),
            ip: crate::access::guard::client().ip,
        },
    )
    .await?;
    Ok(created.slug)
}
