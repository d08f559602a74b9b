//! Managing officials' accounts (server only): the kades of a village (or the deployment's
//! superadmin) creates accounts, changes roles, deactivates and resets passwords; every official
//! changes their own password. Every change is audited; a deactivated or reset account's
//! sessions end at once.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use super::model::Role;
use super::password;
use super::service::{CreateOfficialError, create_official, generate_password};
use crate::access::guard::Official;
use crate::access::session::{self, Client, Kind};
use crate::audit;
use crate::db::entities::{official, village};
use crate::error::{AppError, AppResult};

/// The officials of `village`, by role (kades first) and name.
///
/// # Errors
/// Database failures.
pub async fn list(db: &DatabaseConnection, village: &village::Model) -> AppResult<Vec<official::Model>> {
    let mut all = official::Entity::find()
        .filter(official::Column::VillageId.eq(village.id))
        .order_by_asc(official::Column::Name)
        .all(db)
        .await?;
    let rank = |role: Role| match role {
        Role::Kades => 0,
        Role::Sekdes => 1,
        _ => 2,
    };
    all.sort_by_key(|o| (rank(o.role), !o.active));
    Ok(all)
}

fn audit_entry(
    by: &Official,
    village_id: i64,
    action: audit::Action,
    target: i64,
    detail: String,
    client: &Client,
) -> audit::Entry {
    audit::Entry {
        village_id: Some(village_id),
        actor: audit::Actor::Official { id: by.id, name: by.name.clone() },
        action,
        subject: Some(("official", target)),
        detail: Some(detail),
        ip: client.ip.clone(),
    }
}

/// Creates an account in `village` with a generated password, returned once to be handed over.
///
/// # Errors
/// `Invalid` with the reason (username taken or malformed, no name, a role that is not a
/// village role); database failures.
pub async fn create(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &Official,
    username: &str,
    name: &str,
    role: Role,
    client: &Client,
) -> AppResult<(official::Model, String)> {
    if !Role::VILLAGE.contains(&role) {
        return Err(AppError::Invalid("Peran harus operator, sekdes atau kades.".into()));
    }
    let temporary = generate_password();
    let created = create_official(db, Some(village), username, name, role, &temporary).await.map_err(|e| match e {
        CreateOfficialError::Username(_) => AppError::Invalid(
            "Nama pengguna 3–64 karakter: huruf kecil, angka, titik, tanda hubung atau garis bawah.".into(),
        ),
        CreateOfficialError::Taken(u) => AppError::Invalid(format!("Nama pengguna {u} sudah dipakai.")),
        CreateOfficialError::Name => AppError::Invalid("Isi nama lengkap.".into()),
        CreateOfficialError::RoleVillage | CreateOfficialError::Region(_) => {
            AppError::Invalid("Peran harus operator, sekdes atau kades.".into())
        }
        CreateOfficialError::Password(_) => AppError::Internal,
        CreateOfficialError::Db(e) => e.into(),
    })?;
    let detail = format!("{} ({})", created.username, role.as_str());
    audit::record(db, audit_entry(by, village.id, audit::Action::OfficialCreated, created.id, detail, client)).await?;
    Ok((created, temporary))
}

/// An official of `village` other than `by` (nobody changes their own role or locks themselves out).
async fn other_of_village(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &Official,
    id: i64,
) -> AppResult<official::Model> {
    let target = crate::db::owned::find_in::<official::Entity, _>(db, village.id, id).await?;
    if target.id == by.id {
        return Err(AppError::Invalid(
            "Anda tidak dapat mengubah peran, menonaktifkan atau mengatur ulang akun Anda sendiri.".into(),
        ));
    }
    Ok(target)
}

/// Changes the role of an official of `village`.
///
/// # Errors
/// `NotFound` for an account of another village, `Invalid` for one's own account or a role
/// that is not a village role; database failures.
pub async fn change_role(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &Official,
    id: i64,
    role: Role,
    client: &Client,
) -> AppResult<()> {
    if !Role::VILLAGE.contains(&role) {
        return Err(AppError::Invalid("Peran harus operator, sekdes atau kades.".into()));
    }
    let target = other_of_village(db, village, by, id).await?;
    if target.role == role {
        return Ok(());
    }
    let detail = format!("{}: peran {} → {}", target.username, target.role.as_str(), role.as_str());
    let mut active: official::ActiveModel = target.into();
    active.role = Set(role);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    audit::record(db, audit_entry(by, village.id, audit::Action::OfficialChanged, id, detail, client)).await?;
    Ok(())
}

/// Deactivates (every session ends) or reactivates an official of `village`.
///
/// # Errors
/// As [`change_role`].
pub async fn set_active(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &Official,
    id: i64,
    active_now: bool,
    client: &Client,
) -> AppResult<()> {
    let target = other_of_village(db, village, by, id).await?;
    if target.active == active_now {
        return Ok(());
    }
    let detail = format!("{}: {}", target.username, if active_now { "diaktifkan" } else { "dinonaktifkan" });
    let mut active: official::ActiveModel = target.into();
    active.active = Set(active_now);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    if !active_now {
        session::end_all(db, (Kind::Official, id), None).await?;
    }
    audit::record(db, audit_entry(by, village.id, audit::Action::OfficialChanged, id, detail, client)).await?;
    Ok(())
}

/// Gives an official of `village` a new generated password (returned once); their sessions end.
///
/// # Errors
/// As [`change_role`].
pub async fn reset_password(
    db: &DatabaseConnection,
    village: &village::Model,
    by: &Official,
    id: i64,
    client: &Client,
) -> AppResult<(official::Model, String)> {
    let target = other_of_village(db, village, by, id).await?;
    let temporary = generate_password();
    let hash = password::hash_blocking(&temporary).await?;
    let detail = target.username.clone();
    let mut active: official::ActiveModel = target.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(Utc::now());
    let updated = active.update(db).await?;
    session::end_all(db, (Kind::Official, id), None).await?;
    // A new password: no browser keeps a head start, and the owner is no longer locked out.
    let account = super::throttle::account_key(&updated.username);
    super::throttle::forget_devices(db, &account).await?;
    super::throttle::clear(db, &[account]).await?;
    audit::record(db, audit_entry(by, village.id, audit::Action::PasswordReset, id, detail, client)).await?;
    Ok((updated, temporary))
}

/// The signed-in official replaces their own password; their other sessions end.
///
/// # Errors
/// `Invalid` with the reason; database failures.
pub async fn change_own_password(
    db: &DatabaseConnection,
    me: &Official,
    current: &str,
    new: &str,
    repeat: &str,
    client: &Client,
) -> AppResult<()> {
    let row = official::Entity::find_by_id(me.id).one(db).await?.ok_or(AppError::Unauthenticated)?;
    password::check_policy(new).map_err(AppError::Invalid)?;
    if new != repeat {
        return Err(AppError::Invalid("Kata sandi baru dan ulangannya tidak sama.".into()));
    }
    let key = super::residents::reentry_key(Kind::Official, me.id);
    if !super::throttle::recheck(db, key, current, row.password_hash.clone()).await? {
        return Err(AppError::Invalid("Kata sandi saat ini salah.".into()));
    }
    let hash = password::hash_blocking(new).await?;
    let village_id = row.village_id;
    let mut active: official::ActiveModel = row.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    session::end_all(db, (Kind::Official, me.id), Some(&me.session_id)).await?;
    audit::record(
        db,
        audit::Entry {
            village_id,
            actor: audit::Actor::Official { id: me.id, name: me.name.clone() },
            action: audit::Action::PasswordChanged,
            subject: Some(("official", me.id)),
            detail: None,
            ip: client.ip.clone(),
        },
    )
    .await?;
    Ok(())
}
