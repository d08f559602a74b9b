//! Population aggregates on the database (server only). Every query is scoped by `village_id`.

use std::collections::HashMap;

use chrono::{Months, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, Value,
};

use super::model::{
    AGE_GROUP_YEARS, AGE_GROUPS, AgeGroup, Breakdown, CategoryStat, Count, DusunInfo, DusunStat, PopulationStats,
    PopulationSummary, RegistryStats, age_group_label,
};
use crate::db::{entities::area, sql};
use crate::error::{AppError, AppResult};

/// Joins from a row's `rt_id` up to its dusun (`d`).
const UP_TO_DUSUN: &str =
    "JOIN areas rt ON rt.id = x.rt_id JOIN areas rw ON rw.id = rt.parent_id JOIN areas d ON d.id = rw.parent_id";

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Exact head counts (server side only; public pages get [`PopulationSummary`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub residents: u64,
    pub families: u64,
    pub male: u64,
    pub female: u64,
    pub dusun: u64,
}

impl Counts {
    /// What a public page may show: small counts masked.
    pub fn public(self) -> PopulationSummary {
        PopulationSummary {
            residents: Count::public(self.residents),
            families: Count::public(self.families),
            male: Count::public(self.male),
            female: Count::public(self.female),
            dusun: self.dusun,
        }
    }
}

/// Exact head counts for the village, or for one of its dusun.
///
/// # Errors
/// Database failures.
pub async fn summary(db: &DatabaseConnection, village_id: i64, dusun: Option<i64>) -> AppResult<Counts> {
    let backend = db.get_database_backend();
    let (join, filter, mut values): (&str, &str, Vec<Value>) = match dusun {
        Some(id) => (UP_TO_DUSUN, "AND d.id = ?", vec![village_id.into(), id.into()]),
        None => ("", "", vec![village_id.into()]),
    };
    let rows = db
        .query_all_raw(sql(
            backend,
            &format!(
                "SELECT x.sex, COUNT(*) FROM residents x {join} \
                 WHERE x.village_id = ? AND x.status = 'hidup' {filter} GROUP BY x.sex"
            ),
            values.clone(),
        ))
        .await?;
    let mut out = Counts::default();
    for row in rows {
        let sex: String = row.try_get_by_index(0)?;
        let n = count(row.try_get_by_index(1)?);
        if sex == "P" {
            out.female += n;
        } else {
            out.male += n;
        }
    }
    out.residents = out.male + out.female;
    let families = db
        .query_one_raw(sql(
            backend,
            &format!("SELECT COUNT(*) FROM families x {join} WHERE x.village_id = ? {filter}"),
            std::mem::take(&mut values),
        ))
        .await?;
    out.families = match families {
        Some(row) => count(row.try_get_by_index(0)?),
        None => 0,
    };
    out.dusun = match dusun {
        Some(_) => 1,
        None => {
            let row = db
                .query_one_raw(sql(
                    backend,
                    "SELECT COUNT(*) FROM areas WHERE village_id = ? AND level = ?",
                    vec![village_id.into(), area::DUSUN.into()],
                ))
                .await?;
            match row {
                Some(row) => count(row.try_get_by_index(0)?),
                None => 0,
            }
        }
    };
    Ok(out)
}

/// The public statistics page: summary, age pyramid and head counts per dusun, small cells masked.
///
/// # Errors
/// `AppError::NotFound` when `dusun` is not a dusun of this village.
pub async fn stats(db: &DatabaseConnection, village_id: i64, dusun: Option<i64>) -> AppResult<PopulationStats> {
    let dusun_info = match dusun {
        Some(id) => {
            let found = area::Entity::find_by_id(id)
                .filter(area::Column::VillageId.eq(village_id))
                .filter(area::Column::Level.eq(area::DUSUN))
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            let list = dusun_list(db, village_id).await?;
            list.into_iter().find(|d| d.id == found.id)
        }
        None => None,
    };
    let summary = summary(db, village_id, dusun).await?.public();
    let age_groups = age_groups(db, village_id, dusun, Utc::now().date_naive()).await?;
    let per_dusun = per_dusun(db, village_id).await?;
    let categories = match dusun {
        Some(_) => Vec::new(),
        None => public_categories(db, village_id).await?,
    };
    Ok(PopulationStats { summary, age_groups, per_dusun, categories, dusun: dusun_info })
}

/// The attributes a public page breaks the population down by: `(column, title)`.
const PUBLIC_CATEGORIES: [(&str, &str); 4] = [
    ("religion", "Agama"),
    ("education", "Pendidikan (dalam KK)"),
    ("occupation", "Pekerjaan"),
    ("marital_status", "Status perkawinan"),
];

/// Head counts by religion, education, occupation and marital status, largest first, small
/// cells masked.
async fn public_categories<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<Vec<CategoryStat>> {
    let mut out = Vec::with_capacity(PUBLIC_CATEGORIES.len());
    for (column, title) in PUBLIC_CATEGORIES {
        let mut rows: Vec<(String, u64)> =
            by_sex(db, village_id, column).await?.into_iter().map(|b| (b.label, b.male + b.female)).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.push(CategoryStat {
            title: title.to_string(),
            rows: rows.into_iter().map(|(label, n)| (label, Count::public(n))).collect(),
        });
    }
    Ok(out)
}

/// Living residents per age group and sex: one index range per group
/// (`idx_residents_stats_birth`), optionally only in the given RTs.
async fn age_counts<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    rts: Option<&[i64]>,
    today: NaiveDate,
) -> AppResult<Vec<(u64, u64)>> {
    let limit = |years: u32| today.checked_sub_months(Months::new(years * 12)).unwrap_or(NaiveDate::MIN);
    let rt_filter = match rts {
        Some(ids) if ids.is_empty() => " AND 1 = 0".to_string(),
        Some(ids) => format!(" AND rt_id IN ({})", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
        None => String::new(),
    };
    let mut parts = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    for i in 0..AGE_GROUPS {
        // Group i: born after today − 5·(i+1) years and on or before today − 5·i years.
        let mut range = String::new();
        if i + 1 < AGE_GROUPS {
            range.push_str(" AND birth_date > ?");
            values.push(limit((i + 1) * AGE_GROUP_YEARS).into());
        }
        if i > 0 {
            range.push_str(" AND birth_date <= ?");
            values.push(limit(i * AGE_GROUP_YEARS).into());
        }
        parts.push(format!(
            "SELECT {i}, sex, COUNT(*) FROM residents WHERE village_id = {village_id} AND status = 'hidup'{range}{rt_filter} GROUP BY sex"
        ));
    }
    let rows = db.query_all_raw(sql(db.get_database_backend(), &parts.join(" UNION ALL "), values)).await?;
    let mut groups = vec![(0u64, 0u64); AGE_GROUPS as usize];
    for row in rows {
        let g: i32 = row.try_get_by_index(0)?;
        let sex: String = row.try_get_by_index(1)?;
        let n = count(row.try_get_by_index(2)?);
        if let Some(group) = usize::try_from(g).ok().and_then(|g| groups.get_mut(g)) {
            if sex == "P" {
                group.1 += n;
            } else {
                group.0 += n;
            }
        }
    }
    Ok(groups)
}

async fn age_groups(
    db: &DatabaseConnection,
    village_id: i64,
    dusun: Option<i64>,
    today: NaiveDate,
) -> AppResult<Vec<AgeGroup>> {
    let rts = match dusun {
        Some(d) => Some(rts_of_dusun(db, village_id, d).await?),
        None => None,
    };
    Ok(age_counts(db, village_id, rts.as_deref(), today)
        .await?
        .into_iter()
        .zip(0..)
        .map(|((male, female), i)| AgeGroup {
            label: age_group_label(i),
            male: Count::public(male),
            female: Count::public(female),
        })
        .collect())
}

async fn rts_of_dusun<C: ConnectionTrait>(db: &C, village_id: i64, dusun: i64) -> AppResult<Vec<i64>> {
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            "SELECT rt.id FROM areas rt JOIN areas rw ON rw.id = rt.parent_id WHERE rt.village_id = ? AND rw.parent_id = ?",
            vec![village_id.into(), dusun.into()],
        ))
        .await?;
    rows.into_iter().map(|r| r.try_get_by_index::<i64>(0).map_err(AppError::from)).collect()
}

/// Where each RT is: `(dusun id, dusun name, RW name)` by RT id.
async fn rt_places<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<HashMap<i64, (i64, String, String)>> {
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            "SELECT rt.id, d.id, d.name, rw.name FROM areas rt JOIN areas rw ON rw.id = rt.parent_id \
             JOIN areas d ON d.id = rw.parent_id WHERE rt.village_id = ? AND rt.level = ?",
            vec![village_id.into(), area::RT.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.try_get_by_index(0)?, (r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?))))
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(AppError::from)
}

/// Living residents per RT and sex, streamed from `idx_residents_stats_rt`.
async fn rt_counts<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<Vec<(i64, String, i64)>> {
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            "SELECT rt_id, sex, COUNT(*) FROM residents WHERE village_id = ? AND status = 'hidup' \
             AND rt_id IS NOT NULL GROUP BY rt_id, sex",
            vec![village_id.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?)))
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(AppError::from)
}

/// Exact counts per dusun `(id, name, male, female)` and per RW (`dusun / RW 001`), by name.
async fn dusun_and_rw_counts<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
) -> AppResult<(Vec<(i64, String, u64, u64)>, Vec<Breakdown>)> {
    let places = rt_places(db, village_id).await?;
    let mut dusun: Vec<(i64, String, u64, u64)> = Vec::new();
    let mut rw: Vec<Breakdown> = Vec::new();
    for (rt, sex, n) in rt_counts(db, village_id).await? {
        let Some((dusun_id, dusun_name, rw_name)) = places.get(&rt) else { continue };
        let n = count(n);
        let female = sex == "P";
        let d = match dusun.iter().position(|d| d.0 == *dusun_id) {
            Some(i) => i,
            None => {
                dusun.push((*dusun_id, dusun_name.clone(), 0, 0));
                dusun.len() - 1
            }
        };
        if female {
            dusun[d].3 += n;
        } else {
            dusun[d].2 += n;
        }
        let label = format!("{dusun_name} / RW {rw_name}");
        let w = match rw.iter().position(|b| b.label == label) {
            Some(i) => i,
            None => {
                rw.push(Breakdown { label, male: 0, female: 0 });
                rw.len() - 1
            }
        };
        if female {
            rw[w].female += n;
        } else {
            rw[w].male += n;
        }
    }
    dusun.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    rw.sort_by(|a, b| a.label.cmp(&b.label));
    Ok((dusun, rw))
}

pub async fn per_dusun(db: &DatabaseConnection, village_id: i64) -> AppResult<Vec<DusunStat>> {
    Ok(dusun_and_rw_counts(db, village_id)
        .await?
        .0
        .into_iter()
        .map(|(id, name, male, female)| DusunStat {
            id,
            name,
            male: Count::public(male),
            female: Count::public(female),
            total: Count::public(male + female),
        })
        .collect())
}

/// The dusun of a village with their RW and RT counts, by name.
///
/// # Errors
/// Database failures.
pub async fn dusun_list(db: &DatabaseConnection, village_id: i64) -> AppResult<Vec<DusunInfo>> {
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            "SELECT d.id, d.name, COUNT(DISTINCT rw.id), COUNT(rt.id) FROM areas d \
             LEFT JOIN areas rw ON rw.parent_id = d.id LEFT JOIN areas rt ON rt.parent_id = rw.id \
             WHERE d.village_id = ? AND d.level = ? GROUP BY d.id, d.name ORDER BY d.name, d.id",
            vec![village_id.into(), area::DUSUN.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(DusunInfo {
                id: row.try_get_by_index(0)?,
                name: row.try_get_by_index(1)?,
                rw: count(row.try_get_by_index(2)?),
                rt: count(row.try_get_by_index(3)?),
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(AppError::from)
}

/// Adds an area (dusun, RW or RT) to the village; its id.
///
/// # Errors
/// Database failures.
pub async fn insert_area<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    parent_id: Option<i64>,
    level: i16,
    name: String,
) -> Result<i64, sea_orm::DbErr> {
    let model = area::ActiveModel {
        village_id: Set(village_id),
        parent_id: Set(parent_id),
        level: Set(level),
        name: Set(name),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.id)
}

/// Rows of `(label, sex, count)` folded into breakdowns, in the order the labels first appear.
fn fold(rows: Vec<(String, String, i64)>) -> Vec<Breakdown> {
    let mut out: Vec<Breakdown> = Vec::new();
    for (label, sex, n) in rows {
        let i = match out.iter().position(|b| b.label == label) {
            Some(i) => i,
            None => {
                out.push(Breakdown { label, male: 0, female: 0 });
                out.len() - 1
            }
        };
        if sex == "P" {
            out[i].female += count(n);
        } else {
            out[i].male += count(n);
        }
    }
    out
}

/// Living residents by a column and sex, streamed in the order of its statistics index
/// (`idx_residents_stats_*`: village, status, column, sex), so no sorting is needed.
async fn by_sex<C: ConnectionTrait>(db: &C, village_id: i64, column: &str) -> AppResult<Vec<Breakdown>> {
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            &format!(
                "SELECT {column}, sex, COUNT(*) FROM residents WHERE village_id = ? AND status = 'hidup' \
                 GROUP BY {column}, sex ORDER BY {column}, sex"
            ),
            vec![village_id.into()],
        ))
        .await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok((r.try_get_by_index::<String>(0)?, r.try_get_by_index::<String>(1)?, r.try_get_by_index::<i64>(2)?))
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    Ok(fold(rows))
}

/// Every statistic of the registry for the village's officials: exact counts of living
/// residents by age group, religion, education, occupation, marital status, dusun and RW.
/// Each comes from one pass over a small index (see the `idx_residents_stats_*` indexes).
///
/// # Errors
/// Database failures.
pub async fn registry_stats<C: ConnectionTrait>(db: &C, village_id: i64, today: NaiveDate) -> AppResult<RegistryStats> {
    let age_groups: Vec<Breakdown> = age_counts(db, village_id, None, today)
        .await?
        .into_iter()
        .zip(0..)
        .map(|((male, female), i)| Breakdown { label: age_group_label(i), male, female })
        .collect();
    let (dusun, per_rw) = dusun_and_rw_counts(db, village_id).await?;
    let families = db
        .query_one_raw(sql(
            db.get_database_backend(),
            "SELECT COUNT(DISTINCT family_id) FROM residents WHERE village_id = ? AND status = 'hidup'",
            vec![village_id.into()],
        ))
        .await?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .map_or(0, count);
    let religion = by_sex(db, village_id, "religion").await?;
    let education = by_sex(db, village_id, "education").await?;
    let occupation = by_sex(db, village_id, "occupation").await?;
    let marital_status = by_sex(db, village_id, "marital_status").await?;
    Ok(RegistryStats {
        residents: age_groups.iter().map(|g| g.male + g.female).sum(),
        families,
        religion,
        education,
        occupation,
        marital_status,
        per_dusun: dusun.into_iter().map(|(_, label, male, female)| Breakdown { label, male, female }).collect(),
        per_rw,
        age_groups,
    })
}
