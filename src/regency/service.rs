//! The regency view's figures, each a grouped count over the region's villages (no query
//! returns a person's record).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::{RegionOverview, VillageFigures, median};
use crate::access::guard::{self, User};
use crate::auth::model::Role;
use crate::db::entities::{complaint, family, letter_request, official, product, resident, shop, village};
use crate::error::{AppError, AppResult};
use crate::region::RegionCode;

/// A signed-in regional officer and their region.
pub struct Officer {
    pub name: String,
    pub region: RegionCode,
}

/// The signed-in regional officer.
///
/// # Errors
/// `Unauthenticated` for nobody; `Forbidden` for anyone but a regional officer (or one whose
/// region is missing); database failures.
pub async fn require_officer(db: &DatabaseConnection) -> AppResult<Officer> {
    match guard::signed_in(db).await? {
        Some(User::Official(o)) if o.role == Role::Wilayah => {
            let row = official::Entity::find_by_id(o.id).one(db).await?.ok_or(AppError::Unauthenticated)?;
            let region =
                row.region_code.as_deref().and_then(|c| RegionCode::parse(c).ok()).ok_or(AppError::Forbidden)?;
            Ok(Officer { name: row.name, region })
        }
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthenticated),
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];

/// The twelve months up to `now`'s (in WIB) as (year, month), oldest first.
fn last_twelve_months(now: DateTime<Utc>) -> Vec<(i32, u32)> {
    let local = now + crate::kit::time::WIB_OFFSET;
    let (mut y, mut m) = (local.year(), local.month());
    let mut out = Vec::with_capacity(12);
    for _ in 0..12 {
        out.push((y, m));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

fn month_of(t: DateTime<Utc>) -> (i32, u32) {
    let local = t + crate::kit::time::WIB_OFFSET;
    (local.year(), local.month())
}

/// "Kecamatan Kramatwatu", "Kabupaten Serang" (the list names kabupaten and kota in full),
/// "Provinsi Banten".
fn title(region: &RegionCode) -> String {
    let name = crate::region::region_name(region).unwrap_or("");
    match region.level() {
        1 => format!("Provinsi {name}"),
        2 => name.to_string(),
        _ => format!("Kecamatan {name}"),
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The region's villages (by kode wilayah) with their figures, and the totals.
///
/// # Errors
/// Database failures.
pub async fn overview(db: &DatabaseConnection, officer: &Officer, now: DateTime<Utc>) -> AppResult<RegionOverview> {
    let villages = village::Entity::find()
        .filter(village::Column::Code.starts_with(format!("{}.", officer.region.as_str())))
        .order_by_asc(village::Column::Code)
        .all(db)
        .await?;
    let ids: Vec<i64> = villages.iter().map(|v| v.id).collect();
    let mut figures: HashMap<i64, VillageFigures> = villages
        .iter()
        .map(|v| {
            let f = VillageFigures {
                slug: v.slug.clone(),
                name: v.name.clone(),
                kecamatan: v.kecamatan.clone(),
                ..Default::default()
            };
            (v.id, f)
        })
        .collect();

    let by_sex: Vec<(i64, String, i64)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::VillageId)
        .column(resident::Column::Sex)
        .column_as(resident::Column::Id.count(), "n")
        .filter(resident::Column::VillageId.is_in(ids.clone()))
        .filter(resident::Column::Status.eq(crate::kit::resident::Status::Hidup))
        .group_by(resident::Column::VillageId)
        .group_by(resident::Column::Sex)
        .into_tuple()
        .all(db)
        .await?;
    for (id, sex, n) in by_sex {
        if let Some(f) = figures.get_mut(&id) {
            f.residents += count(n);
            if sex == "L" {
                f.male += count(n);
            } else {
                f.female += count(n);
            }
        }
    }
    // Families with at least one living member.
    let living = Query::select()
        .column(resident::Column::FamilyId)
        .from(resident::Entity)
        .and_where(resident::Column::VillageId.is_in(ids.clone()))
        .and_where(resident::Column::Status.eq(crate::kit::resident::Status::Hidup))
        .to_owned();
    let families: Vec<(i64, i64)> = family::Entity::find()
        .select_only()
        .column(family::Column::VillageId)
        .column_as(family::Column::Id.count(), "n")
        .filter(family::Column::VillageId.is_in(ids.clone()))
        .filter(Expr::col((family::Entity, family::Column::Id)).in_subquery(living))
        .group_by(family::Column::VillageId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in families {
        if let Some(f) = figures.get_mut(&id) {
            f.families = count(n);
        }
    }

    let months = last_twelve_months(now);
    let (first_year, first_month) = months[0];
    // The first moment of the first month shown, in WIB.
    let since = chrono::NaiveDate::from_ymd_opt(first_year, first_month, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc() - crate::kit::time::WIB_OFFSET)
        .unwrap_or(now);
    let signed: Vec<(i64, Option<DateTime<Utc>>)> = letter_request::Entity::find()
        .select_only()
        .column(letter_request::Column::VillageId)
        .column(letter_request::Column::SignedAt)
        .filter(letter_request::Column::VillageId.is_in(ids.clone()))
        .filter(letter_request::Column::SignedAt.gte(since))
        .into_tuple()
        .all(db)
        .await?;
    let mut per_month: Vec<u64> = vec![0; months.len()];
    for (id, at) in signed {
        let Some(at) = at else { continue };
        if let Some(i) = months.iter().position(|m| *m == month_of(at)) {
            per_month[i] += 1;
        }
        if let Some(f) = figures.get_mut(&id) {
            f.letters += 1;
        }
    }

    let closed: Vec<(i64, DateTime<Utc>, Option<DateTime<Utc>>)> = complaint::Entity::find()
        .select_only()
        .column(complaint::Column::VillageId)
        .column(complaint::Column::CreatedAt)
        .column(complaint::Column::ClosedAt)
        .filter(complaint::Column::VillageId.is_in(ids.clone()))
        .filter(complaint::Column::ClosedAt.gte(since))
        .into_tuple()
        .all(db)
        .await?;
    let mut durations: HashMap<i64, Vec<f64>> = HashMap::new();
    for (id, created, closed_at) in closed {
        let Some(closed_at) = closed_at else { continue };
        let days = Ord::max((closed_at - created).num_minutes(), 0) as f64 / (24.0 * 60.0);
        durations.entry(id).or_default().push(days);
    }
    let mut all_durations = Vec::new();
    for (id, mut list) in durations {
        all_durations.extend_from_slice(&list);
        if let Some(f) = figures.get_mut(&id) {
            f.complaints_closed = list.len() as u64;
            f.median_days = median(&mut list);
        }
    }
    let open: Vec<(i64, i64)> = complaint::Entity::find()
        .select_only()
        .column(complaint::Column::VillageId)
        .column_as(complaint::Column::Id.count(), "n")
        .filter(complaint::Column::VillageId.is_in(ids.clone()))
        .filter(complaint::Column::ClosedAt.is_null())
        .group_by(complaint::Column::VillageId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in open {
        if let Some(f) = figures.get_mut(&id) {
            f.complaints_open = count(n);
        }
    }

    let active = crate::market::model::ShopStatus::Aktif.as_str();
    let shops: Vec<(i64, i64)> = shop::Entity::find()
        .select_only()
        .column(shop::Column::VillageId)
        .column_as(shop::Column::Id.count(), "n")
        .filter(shop::Column::VillageId.is_in(ids.clone()))
        .filter(shop::Column::Status.eq(active))
        .group_by(shop::Column::VillageId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in shops {
        if let Some(f) = figures.get_mut(&id) {
            f.shops = count(n);
        }
    }
    let open_shops = Query::select()
        .column(shop::Column::Id)
        .from(shop::Entity)
        .and_where(shop::Column::VillageId.is_in(ids.clone()))
        .and_where(shop::Column::Status.eq(active))
        .to_owned();
    let products: Vec<(i64, i64)> = product::Entity::find()
        .select_only()
        .column(product::Column::VillageId)
        .column_as(product::Column::Id.count(), "n")
        .filter(product::Column::VillageId.is_in(ids.clone()))
        .filter(product::Column::Hidden.eq(false))
        .filter(Expr::col((product::Entity, product::Column::ShopId)).in_subquery(open_shops))
        .group_by(product::Column::VillageId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in products {
        if let Some(f) = figures.get_mut(&id) {
            f.products = count(n);
        }
    }

    let list: Vec<VillageFigures> = villages.iter().filter_map(|v| figures.remove(&v.id)).collect();
    let mut totals = VillageFigures { name: "Jumlah".into(), ..Default::default() };
    for f in &list {
        totals.residents += f.residents;
        totals.male += f.male;
        totals.female += f.female;
        totals.families += f.families;
        totals.letters += f.letters;
        totals.complaints_closed += f.complaints_closed;
        totals.complaints_open += f.complaints_open;
        totals.shops += f.shops;
        totals.products += f.products;
    }
    totals.median_days = median(&mut all_durations);
    Ok(RegionOverview {
        officer: officer.name.clone(),
        region_code: officer.region.as_str().to_string(),
        region_title: title(&officer.region),
        villages: list,
        totals,
        months: months
            .iter()
            .zip(per_month)
            .map(|((y, m), n)| (format!("{} {y}", MONTHS[(*m as usize) - 1]), n))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_have_their_titles() {
        let t = |c: &str| title(&RegionCode::parse(c).unwrap());
        assert_eq!(
            (t("36"), t("36.04"), t("36.04.05")),
            ("Provinsi Banten".into(), "Kabupaten Serang".into(), "Kecamatan Kramatwatu".into())
        );
    }

    #[test]
    fn twelve_months_in_wib() {
        // 30 November 2026, 20:00 UTC is already 1 December in WIB.
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T20:00:00Z").unwrap().with_timezone(&Utc);
        let m = last_twelve_months(now);
        assert_eq!((m[0], m[11], m.len()), ((2026, 1), (2026, 12), 12));
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-10T00:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(last_twelve_months(now)[0], (2025, 4));
    }
}
