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

/// The deployment's villages with how many officials each has: for the superadmin.
#[server(endpoint = "village/managed")]
#[lazy]
pub async fn managed_villages() -> Result<Vec<super::model::ManagedVillage>, AppError> {
    let state = crate::state::app()?;
    crate::auth::guard::require_superadmin(&state.db).await?;
    super::service::managed(&state.db).await
}

/// Desa/kelurahan of the official code list by name or code: for the superadmin adding one.
#[server(endpoint = "village/regions")]
#[lazy]
pub async fn search_regions(query: String) -> Result<Vec<super::model::RegionHit>, AppError> {
    let state = crate::state::app()?;
    crate::auth::guard::require_superadmin(&state.db).await?;
    super::service::search_regions(&state.db, &query).await
}

/// Adds the village of the official code `code` to the deployment; returns its slug.
#[server(endpoint = "village/create")]
pub async fn create_village(code: String) -> Result<String, AppError> {
    let state = crate::state::app()?;
    let me = crate::auth::guard::require_superadmin(&state.db).await?;
    let created = super::service::create_from_code(&state.db, &code, None, None).await.map_err(|e| {
        use super::service::CreateVillageError as E;
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
            ip: crate::auth::guard::client().ip,
        },
    )
    .await?;
    Ok(created.slug)
}
