//! Village logic on the database (server only).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::model::{
    ManagedVillage, RegionHit, VILLAGES_PER_PAGE, VillageInfo, VillagePage, VillageSummary, capitalise,
};
use crate::db::entities::village;
use crate::error::{AppError, AppResult};
use crate::region::{self, RegionCode};
use crate::site::SiteMode;

/// The village a request acts in: the slug from the URL, which must agree with the host binding
/// of the request. Anything else is "not found", never "forbidden", so that probing reveals nothing.
///
/// # Errors
/// `AppError::NotFound` when the village does not exist or the host is bound to another village.
/// A page render looks the village up once and shares it between its server functions
/// (`server::RequestScope`).
pub async fn scope(db: &DatabaseConnection, slug: &str) -> AppResult<village::Model> {
    scope_for(db, slug, &SiteMode::of_request()).await
}

/// `scope` with an explicit site mode.
///
/// # Errors
/// See [`scope`].
pub async fn scope_for(db: &DatabaseConnection, slug: &str, mode: &SiteMode) -> AppResult<village::Model> {
    if let SiteMode::Bound { slug: bound } = mode
        && bound != slug
    {
        return Err(AppError::NotFound);
    }
    let found = match crate::state::RequestScope::current() {
        Some(request) => request.village(slug, || find_by_slug(db, slug)).await?,
        None => find_by_slug(db, slug).await?,
    };
    let village = found.ok_or(AppError::NotFound)?;
    // The page cache files this request's answer (or forgets answers after this write) by village.
    crate::state::touched(&village.slug);
    Ok(village)
}

/// One section of a village's settings (`villages.settings`, a JSON object by slice), or its
/// defaults when absent or unreadable.
pub fn setting<T: serde::de::DeserializeOwned + Default>(v: &village::Model, key: &str) -> T {
    serde_json::from_str::<serde_json::Value>(&v.settings)
        .ok()
        .and_then(|s| serde_json::from_value(s.get(key)?.clone()).ok())
        .unwrap_or_default()
}

/// Replaces one section of a village's settings, keeping the others.
///
/// # Errors
/// Database failures; `NotFound` for a missing village.
pub async fn save_setting<T: serde::Serialize>(
    db: &DatabaseConnection,
    village_id: i64,
    key: &str,
    value: &T,
) -> AppResult<()> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let v = village::Entity::find_by_id(village_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let mut all = serde_json::from_str::<serde_json::Value>(&v.settings)
        .ok()
        .filter(serde_json::Value::is_object)
        .unwrap_or_else(|| serde_json::json!({}));
    all[key] = serde_json::to_value(value).map_err(|_| AppError::Internal)?;
    let mut m: village::ActiveModel = v.into();
    m.settings = Set(all.to_string());
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn find_by_slug(db: &DatabaseConnection, slug: &str) -> AppResult<Option<village::Model>> {
    // Only what a slug can be reaches the database (PostgreSQL refuses a NUL in text outright).
    if slug.len() > 64 || !slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Ok(None);
    }
    Ok(village::Entity::find().filter(village::Column::Slug.eq(slug)).one(db).await?)
}

/// The slug of the village bound to `host` (lower case, without port), if any.
pub async fn slug_for_host(db: &DatabaseConnection, host: &str) -> AppResult<Option<String>> {
    Ok(village::Entity::find().filter(village::Column::Host.eq(host)).one(db).await?.map(|v| v.slug))
}

pub fn to_info(v: &village::Model) -> VillageInfo {
    VillageInfo {
        slug: v.slug.clone(),
        code: v.code.clone(),
        name: v.name.clone(),
        kind: v.kind.clone(),
        kecamatan: v.kecamatan.clone(),
        kabupaten: v.kabupaten.clone(),
        province: v.province.clone(),
        address: v.address.clone(),
        dusun_label: v.dusun_label.clone(),
        has_boundary: v.boundary.is_some(),
    }
}

/// One page of villages, by name, filtered by a case-insensitive name fragment.
///
/// # Errors
/// Database failures only.
pub async fn list(db: &DatabaseConnection, query: &str, at: &crate::ui::PageAt) -> AppResult<VillagePage> {
    let query = query.trim().chars().take(80).collect::<String>();
    let mut select = village::Entity::find();
    if !query.is_empty() {
        let lower = |col: village::Column| crate::db::contains_lower(col, &query);
        select = select.filter(
            Condition::any()
                .add(lower(village::Column::Name))
                .add(lower(village::Column::Kecamatan))
                .add(lower(village::Column::Slug)),
        );
    }
    let total = select.clone().count(db).await?;
    let order = [(village::Column::Name, sea_orm::Order::Asc), (village::Column::Id, sea_orm::Order::Asc)];
    let (rows, links) = crate::db::keyset::page(db, select, &order, at, VILLAGES_PER_PAGE, total).await?;
    let items = rows
        .into_iter()
        .map(|v| VillageSummary {
            slug: v.slug,
            name: v.name,
            kind: v.kind,
            kecamatan: v.kecamatan,
            kabupaten: v.kabupaten,
        })
        .collect();
    Ok(VillagePage { items, total, links, query })
}

/// Every village of the deployment with its number of officials, by name.
///
/// # Errors
/// Database failures.
pub async fn managed(db: &DatabaseConnection) -> AppResult<Vec<ManagedVillage>> {
    use crate::db::entities::official;
    let villages = village::Entity::find().order_by_asc(village::Column::Name).all(db).await?;
    let mut counts = std::collections::HashMap::<i64, u64>::new();
    for o in official::Entity::find().filter(official::Column::VillageId.is_not_null()).all(db).await? {
        if let Some(v) = o.village_id {
            *counts.entry(v).or_default() += 1;
        }
    }
    Ok(villages
        .iter()
        .map(|v| ManagedVillage {
            slug: v.slug.clone(),
            code: v.code.clone(),
            title: to_info(v).title(),
            kecamatan: v.kecamatan.clone(),
            officials: counts.get(&v.id).copied().unwrap_or(0),
        })
        .collect())
}

/// Desa/kelurahan of the code list matching `query` (at most 20), marking those already here.
///
/// # Errors
/// Database failures.
pub async fn search_regions(db: &DatabaseConnection, query: &str) -> AppResult<Vec<RegionHit>> {
    let found = region::search_villages(query, 20);
    let codes: Vec<String> = found.iter().map(|r| r.village.code.to_string()).collect();
    let existing: std::collections::HashMap<String, String> = village::Entity::find()
        .filter(village::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.code, v.slug))
        .collect();
    Ok(found
        .into_iter()
        .map(|r| RegionHit {
            existing: existing.get(r.village.code.as_str()).cloned(),
            code: r.village.code.to_string(),
            title: format!("{} {}", capitalise(r.kind), r.village.name),
            place: format!("Kec. {}, {}, {}", r.kecamatan.name, r.kabupaten.name, r.province.name),
        })
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum CreateVillageError {
    #[error("{0:?} is not a village code: use the 10-digit kode wilayah, e.g. 36.04.05.2001")]
    Format(String),
    #[error("{0} is not in the official list of desa/kelurahan (Kepmendagri 2025)")]
    UnknownCode(String),
    #[error("village {0} already exists (slug {1})")]
    Exists(String, String),
    #[error("slug {0:?} is invalid: use 3-64 lower-case letters, digits and dashes")]
    BadSlug(String),
    #[error("slug {0:?} is already used by another village")]
    SlugTaken(String),
    #[error("host {0:?} is invalid: use a host name like sukamaju.desa.id")]
    BadHost(String),
    #[error("host {0:?} is already bound to another village")]
    HostTaken(String),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// Creates a village from its official code: name, kind and hierarchy come from the code list,
/// the boundary from the embedded boundary file where it has one.
///
/// # Errors
/// A malformed or unknown code, an existing village, or a slug/host that is invalid or taken.
pub async fn create_from_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
    slug: Option<&str>,
    host: Option<&str>,
) -> Result<village::Model, CreateVillageError> {
    let parsed = RegionCode::parse(code).map_err(|_| CreateVillageError::Format(code.to_string()))?;
    let found = region::lookup_village(&parsed).ok_or_else(|| CreateVillageError::UnknownCode(parsed.to_string()))?;
    if let Some(existing) = village::Entity::find().filter(village::Column::Code.eq(parsed.as_str())).one(db).await? {
        return Err(CreateVillageError::Exists(existing.code, existing.slug));
    }

    let slug = match slug {
        Some(s) => {
            if !valid_slug(s) {
                return Err(CreateVillageError::BadSlug(s.to_string()));
            }
            if find_slug(db, s).await? {
                return Err(CreateVillageError::SlugTaken(s.to_string()));
            }
            s.to_string()
        }
        None => free_slug(db, &found).await?,
    };
    let host = match host {
        Some(h) => {
            let h = h.trim().to_ascii_lowercase();
            if !valid_host(&h) {
                return Err(CreateVillageError::BadHost(h));
            }
            if village::Entity::find().filter(village::Column::Host.eq(&h)).one(db).await?.is_some() {
                return Err(CreateVillageError::HostTaken(h));
            }
            Some(h)
        }
        None => None,
    };
    let boundary = region::boundary_for(&parsed);
    let model = village::ActiveModel {
        code: Set(parsed.to_string()),
        name: Set(found.village.name.clone()),
        kind: Set(found.kind.to_string()),
        kecamatan_code: Set(found.kecamatan.code.to_string()),
        kecamatan: Set(found.kecamatan.name.clone()),
        kabupaten_code: Set(found.kabupaten.code.to_string()),
        kabupaten: Set(found.kabupaten.name.clone()),
        province_code: Set(found.province.code.to_string()),
        province: Set(found.province.name.clone()),
        slug: Set(slug),
        host: Set(host),
        address: Set(None),
        logo_path: Set(None),
        dusun_label: Set("Dusun".into()),
        settings: Set("{}".into()),
        boundary: Set(boundary.as_ref().map(|b| b.geometry.clone())),
        center_lat: Set(boundary.as_ref().map(|b| b.lat)),
        center_lng: Set(boundary.as_ref().map(|b| b.lng)),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    Ok(model.insert(db).await?)
}

async fn find_slug<C: ConnectionTrait>(db: &C, slug: &str) -> Result<bool, sea_orm::DbErr> {
    Ok(village::Entity::find().filter(village::Column::Slug.eq(slug)).count(db).await? > 0)
}

/// `kramatwatu`, else `kramatwatu-kramatwatu` (with the kecamatan), else with the code digits.
async fn free_slug<C: ConnectionTrait>(db: &C, found: &region::VillageRegion) -> Result<String, sea_orm::DbErr> {
    let candidates = [
        slugify(&found.village.name),
        slugify(&format!("{} {}", found.village.name, found.kecamatan.name)),
        slugify(&format!("{} {}", found.village.name, found.village.code.digits())),
    ];
    for candidate in &candidates {
        if valid_slug(candidate) && !find_slug(db, candidate).await? {
            return Ok(candidate.clone());
        }
    }
    Ok(format!("desa-{}", found.village.code.digits()))
}

/// Lower-case ASCII letters and digits, words joined by single dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(64).collect()
}

/// Path segments the app itself uses can never be village slugs.
const RESERVED: &[&str] =
    &["api", "pkg", "healthz", "admin", "masuk", "kelola", "peta", "pasar", "wilayah", "static", "assets", "vendor"];

pub fn valid_slug(slug: &str) -> bool {
    (3..=64).contains(&slug.len())
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !RESERVED.contains(&slug)
}

pub fn valid_host(host: &str) -> bool {
    host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("Teluk Terate"), "teluk-terate");
        assert_eq!(slugify("Lubuk Pakam I,II"), "lubuk-pakam-i-ii");
        assert!(valid_slug("kramatwatu"));
        assert!(!valid_slug("api"));
        assert!(!valid_slug("Kramat"));
        assert!(!valid_slug("-a-b"));
    }

    #[test]
    fn hosts_must_be_names() {
        assert!(valid_host("sukamaju.desa.id"));
        assert!(!valid_host("localhost"));
        assert!(!valid_host("bad_host.id"));
        assert!(!valid_host("a..id"));
    }
}
