//! Accounts and sign-in on the database (server only).

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::model::Role;
use super::password;
use super::throttle;
use crate::access::session::{self, Client};
use crate::audit;
use crate::db::entities::{official, village};
use crate::error::{AppError, AppResult};

/// The one answer to every failed sign-in: it does not say whether the account exists.
pub const WRONG_LOGIN: &str = "Nama pengguna atau kata sandi salah.";

/// A successful sign-in: the session's token and the device cookie's token (the same device's
/// again when it was known).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session: String,
    pub device: String,
}

/// Signs an official in at `village` (`None`: the deployment, for its superadmin); returns the
/// session token for the cookie. Accounts of other villages fail exactly like unknown ones (the
/// same work: one Argon2 verification).
///
/// # Errors
/// `TooMany` when the account (for this browser) or the address is locked; `Invalid(WRONG_LOGIN)`
/// for any wrong combination; `Busy` when too many sign-ins wait; database failures.
pub async fn sign_in_official(
    db: &DatabaseConnection,
    village: Option<&village::Model>,
    username: &str,
    password: &str,
    client: &Client,
) -> AppResult<SignedIn> {
    let village_id = village.map(|v| v.id);
    let username = username.trim().to_lowercase();
    let now = Utc::now();
    let account = throttle::account_key(&username);
    let device = throttle::known_device(db, &account, client.device.as_deref(), now).await?;
    let attempt =
        throttle::begin(db, throttle::keys_for(&account, client.address.as_deref(), device.as_deref()), now).await?;

    let found = official::Entity::find()
        .filter(official::Column::Username.eq(&username))
        .filter(official::Column::Active.eq(true))
        .one(db)
        .await?;
    let matches = match password::verify_once(password, found.as_ref().map(|f| f.password_hash.clone())).await {
        Ok(m) => m,
        Err(e) => {
            attempt.abandoned(db).await?;
            return Err(e);
        }
    };
    let Some(found) = found.filter(|f| matches && f.village_id == village_id) else {
        audit::record(
            db,
            audit::Entry {
                village_id,
                actor: audit::Actor::Anonymous,
                action: audit::Action::SignInFailed,
                subject: None,
                detail: Some(format!("username: {username}")),
                ip: client.ip.clone(),
            },
        )
        .await?;
        let delay = attempt.failed(db).await?;
        tokio::time::sleep(delay).await;
        return Err(AppError::Invalid(WRONG_LOGIN.into()));
    };
    attempt.succeeded(db).await?;
    let device = throttle::remember_device(db, &account, client.device.as_deref(), now).await?;
    audit::record(
        db,
        audit::Entry {
            village_id,
            actor: audit::Actor::Official { id: found.id, name: found.name.clone() },
            action: audit::Action::SignIn,
            subject: Some(("official", found.id)),
            detail: None,
            ip: client.ip.clone(),
        },
    )
    .await?;
    Ok(SignedIn { session: session::start_official(db, &found, client, now).await?, device })
}

#[derive(Debug, thiserror::Error)]
pub enum CreateOfficialError {
    #[error("username {0:?} is invalid: use 3-64 lower-case letters, digits, dots, dashes or underscores")]
    Username(String),
    #[error("username {0:?} is already taken")]
    Taken(String),
    #[error("the name must not be empty")]
    Name,
    #[error("operator, sekdes and kades belong to exactly one village; superadmin and wilayah to none")]
    RoleVillage,
    #[error("{0}")]
    Region(String),
    #[error("password refused: {0}")]
    Password(String),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

pub fn valid_username(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Creates an official's account with a password that passes the policy.
///
/// # Errors
/// An invalid or taken username, a role that does not fit the village, a weak password.
pub async fn create_official<C: ConnectionTrait>(
    db: &C,
    village: Option<&village::Model>,
    username: &str,
    name: &str,
    role: Role,
    password_text: &str,
) -> Result<official::Model, CreateOfficialError> {
    let username = username.trim().to_lowercase();
    if !valid_username(&username) {
        return Err(CreateOfficialError::Username(username));
    }
    if name.trim().is_empty() {
        return Err(CreateOfficialError::Name);
    }
    // Village roles belong to a village; the superadmin and regional officers to none.
    if Role::VILLAGE.contains(&role) == village.is_none() {
        return Err(CreateOfficialError::RoleVillage);
    }
    password::check_policy(password_text).map_err(CreateOfficialError::Password)?;
    if official::Entity::find().filter(official::Column::Username.eq(&username)).one(db).await?.is_some() {
        return Err(CreateOfficialError::Taken(username));
    }
    let secret = password_text.to_string();
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(|e| CreateOfficialError::Password(e.to_string()))?
        .map_err(|e| CreateOfficialError::Password(e.to_string()))?;
    let now = Utc::now();
    Ok(official::ActiveModel {
        village_id: Set(village.map(|v| v.id)),
        username: Set(username),
        name: Set(name.trim().to_string()),
        role: Set(role),
        password_hash: Set(hash),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Creates the account of a regional officer (`Role::Wilayah`) for the kecamatan, kabupaten or
/// province `region` (a code of the official list): they see the figures of its villages.
///
/// # Errors
/// As [`create_official`], or a region that is not a kecamatan, kabupaten or province.
pub async fn create_region_official(
    db: &DatabaseConnection,
    region: &str,
    username: &str,
    name: &str,
    password_text: &str,
) -> Result<official::Model, CreateOfficialError> {
    use sea_orm::TransactionTrait;
    let code = crate::region::RegionCode::parse(region).map_err(|e| CreateOfficialError::Region(e.to_string()))?;
    if code.level() > 3 || crate::region::region_name(&code).is_none() {
        return Err(CreateOfficialError::Region(format!(
            "{region:?} is not a province, kabupaten/kota or kecamatan of the official list (e.g. 36.04 or 36.04.05)"
        )));
    }
    let txn = db.begin().await?;
    let created = create_official(&txn, None, username, name, Role::Wilayah, password_text).await?;
    let mut row: official::ActiveModel = created.into();
    row.region_code = Set(Some(code.as_str().to_string()));
    let saved = row.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The password of the demo village's accounts (printed by `make run`; demo data only).
pub const DEMO_PASSWORD: &str = "kopi-tubruk-kramatwatu";

/// The demo village's officials: `kades.<slug>`, `sekdes.<slug>`, `operator.<slug>`.
///
/// # Errors
/// As [`create_official`].
pub async fn create_demo_officials<C: ConnectionTrait>(
    db: &C,
    village: &village::Model,
) -> Result<Vec<official::Model>, CreateOfficialError> {
    let people = [
        (Role::Kades, "H. Ahmad Syarifudin"),
        (Role::Sekdes, "Euis Nurhayati, S.Sos."),
        (Role::Operator, "Asep Saepudin"),
    ];
    let mut out = Vec::new();
    for (role, name) in people {
        let username = format!("{}.{}", role.as_str(), village.slug);
        out.push(create_official(db, Some(village), &username, name, role, DEMO_PASSWORD).await?);
    }
    Ok(out)
}

/// A random password for a new account (20 characters, about 100 bits).
pub fn generate_password() -> String {
    use rand_core::{OsRng, RngCore};
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}
