//! Partner tokens: how another system (a regency dashboard, a mobile app, the civil registry's
//! tools) signs its API requests. A token reaches the villages it was made for, to read or
//! also to write; only its SHA-256 is stored, so a leaked database leaks no token. Tokens are
//! made and revoked on the command line (`digdaya create-token`, `revoke-token`, `list-tokens`).

use crate::db::entities::{partner_token, partner_token_village};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

/// Every token starts with this, so a secret scanner can recognise one.
pub const PREFIX: &str = "dgd_";

/// A partner system, as a valid token identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub can_write: bool,
    /// The villages (ids) the token reaches.
    pub villages: Vec<i64>,
}

impl Partner {
    pub fn reaches(&self, village_id: i64) -> bool {
        self.villages.contains(&village_id)
    }
}

/// A token as `list-tokens` shows it (never the token itself).
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub can_write: bool,
    pub villages: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What the database keeps of a token: its SHA-256, as for session tokens.
fn hash(token: &str) -> String {
    crate::access::session::token_id(token)
}

/// Makes a token named `name` for `villages`; returns its id and the token, which is shown
/// once and never again.
///
/// # Errors
/// `Invalid` for a name that is too short or long, or no village; database failures.
pub async fn create(
    db: &DatabaseConnection,
    name: &str,
    villages: &[i64],
    can_write: bool,
    now: DateTime<Utc>,
) -> AppResult<(i64, String)> {
    let name = name.trim();
    if !(3..=100).contains(&name.chars().count()) {
        return Err(AppError::Invalid("Nama token 3 sampai 100 huruf (mis. nama sistem mitra).".into()));
    }
    if villages.is_empty() {
        return Err(AppError::Invalid("Pilih paling sedikit satu desa untuk token ini.".into()));
    }
    let token = format!("{PREFIX}{}{}", crate::media::random_name(), crate::media::random_name());
    let txn = db.begin().await?;
    let row = partner_token::ActiveModel {
        name: Set(name.to_string()),
        token_hash: Set(hash(&token)),
        can_write: Set(can_write),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut ids = villages.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for village_id in ids {
        partner_token_village::ActiveModel { village_id: Set(village_id), token_id: Set(row.id) }.insert(&txn).await?;
    }
    txn.commit().await?;
    Ok((row.id, token))
}

/// Revokes token `id` from `now` on; false when there is no such token or it was revoked.
///
/// # Errors
/// Database failures.
pub async fn revoke(db: &DatabaseConnection, id: i64, now: DateTime<Utc>) -> AppResult<bool> {
    let done = partner_token::Entity::update_many()
        .col_expr(partner_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
        .filter(partner_token::Column::Id.eq(id))
        .filter(partner_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Every token, oldest first.
///
/// # Errors
/// Database failures.
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<TokenInfo>> {
    let tokens = partner_token::Entity::find().order_by_asc(partner_token::Column::Id).all(db).await?;
    let links = partner_token_village::Entity::find().all(db).await?;
    Ok(tokens
        .into_iter()
        .map(|t| TokenInfo {
            villages: links.iter().filter(|l| l.token_id == t.id).map(|l| l.village_id).collect(),
            id: t.id,
            name: t.name,
            can_write: t.can_write,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
        })
        .collect())
}

/// The partner holding `token`, if it is a token that was made here and not revoked. Notes
/// when it was last used (at most once a minute, not a write per request).
///
/// # Errors
/// Database failures.
pub async fn authenticate<C: ConnectionTrait>(db: &C, token: &str, now: DateTime<Utc>) -> AppResult<Option<Partner>> {
    if !token.starts_with(PREFIX) || token.len() > 100 {
        return Ok(None);
    }
    let Some(row) = partner_token::Entity::find()
        .filter(partner_token::Column::TokenHash.eq(hash(token)))
        .filter(partner_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.last_used_at.is_none_or(|t| now - t > chrono::Duration::minutes(1)) {
        partner_token::Entity::update_many()
            .col_expr(partner_token::Column::LastUsedAt, sea_orm::sea_query::Expr::value(now))
            .filter(partner_token::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    let villages = partner_token_village::Entity::find()
        .filter(partner_token_village::Column::TokenId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.village_id)
        .collect();
    Ok(Some(Partner { id: row.id, name: row.name, can_write: row.can_write, villages }))
}

/// The key the rate limiter counts a token under: a prefix of its hash (the token itself is
/// never stored, not even there).
pub fn limit_key(token: &str) -> String {
    format!("api:token:{}", &hash(token)[..24])
}
