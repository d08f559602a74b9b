//! Population aggregates on the database (server only). Every query is scoped by `village_id`.

use chrono::{Months, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, Value,
};

use super::model::{
    AGE_GROUP_YEARS, AGE_GROUPS, AgeGroup, Breakdown, Count, DusunInfo, DusunStat, PopulationStats, PopulationSummary,
    RegistryStats, age_group_label,
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
    Ok(PopulationStats { summary, age_groups, per_dusun, dusun: dusun_info })
}

async fn age_groups(
    db: &DatabaseConnection,
    village_id: i64,
    dusun: Option<i64>,
    today: NaiveDate,
) -> AppResult<Vec<AgeGroup>> {
    // Group index by birth date: born after the date (today − 5·(i+1) years) → group i.
    let mut case = String::from("CASE");
    let mut values: Vec<Value> = Vec::new();
    for i in 0..AGE_GROUPS - 1 {
        let limit = today.checked_sub_months(Months::new((i + 1) * AGE_GROUP_YEARS * 12)).unwrap_or(NaiveDate::MIN);
        case.push_str(&format!(" WHEN x.birth_date > ? THEN {i}"));
        values.push(limit.into());
    }
    case.push_str(&format!(" ELSE {} END", AGE_GROUPS - 1));
    let (join, filter) = match dusun {
        Some(_) => (UP_TO_DUSUN, "AND d.id = ?"),
        None => ("", ""),
    };
    values.push(village_id.into());
    if let Some(id) = dusun {
        values.push(id.into());
    }
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            &format!(
                "SELECT g, sex, COUNT(*) FROM (SELECT {case} AS g, x.sex AS sex FROM residents x {join} \
                 WHERE x.village_id = ? AND x.status = 'hidup' {filter}) t GROUP BY g, sex"
            ),
            values,
        ))
        .await?;
    let mut groups: Vec<(u64, u64)> = vec![(0, 0); AGE_GROUPS as usize];
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
    Ok(groups
        .into_iter()
        .zip(0..)
        .map(|((male, female), i)| AgeGroup {
            label: age_group_label(i),
            male: Count::public(male),
            female: Count::public(female),
        })
        .collect())
}

async fn per_dusun(db: &DatabaseConnection, village_id: i64) -> AppResult<Vec<DusunStat>> {
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            &format!(
                "SELECT d.id, d.name, x.sex, COUNT(*) FROM residents x {UP_TO_DUSUN} \
                 WHERE x.village_id = ? AND x.status = 'hidup' GROUP BY d.id, d.name, x.sex ORDER BY d.name, d.id"
            ),
            vec![village_id.into()],
        ))
        .await?;
    let mut out: Vec<(i64, String, u64, u64)> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get_by_index(0)?;
        let name: String = row.try_get_by_index(1)?;
        let sex: String = row.try_get_by_index(2)?;
        let n = count(row.try_get_by_index(3)?);
        if out.last().map(|d| d.0) != Some(id) {
            out.push((id, name, 0, 0));
        }
        if let Some(last) = out.last_mut() {
            if sex == "P" {
                last.3 += n;
            } else {
                last.2 += n;
            }
        }
    }
    Ok(out
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

/// Living residents by `expr` and sex (`expr` is a column of `x` or of the joined areas).
async fn by_sex<C: ConnectionTrait>(db: &C, village_id: i64, expr: &str, join: &str) -> AppResult<Vec<Breakdown>> {
    let rows = db
        .query_all_raw(sql(
            db.get_database_backend(),
            &format!(
                "SELECT {expr}, x.sex, COUNT(*) FROM residents x {join} \
                 WHERE x.village_id = ? AND x.status = 'hidup' GROUP BY {expr}, x.sex ORDER BY {expr}"
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
///
/// # Errors
/// Database failures.
pub async fn registry_stats<C: ConnectionTrait>(db: &C, village_id: i64, today: NaiveDate) -> AppResult<RegistryStats> {
    let mut case = String::from("CASE");
    for i in 0..AGE_GROUPS - 1 {
        let limit = today.checked_sub_months(Months::new((i + 1) * AGE_GROUP_YEARS * 12)).unwrap_or(NaiveDate::MIN);
        // Dates are written as literals: this expression is generated, never from user input.
        case.push_str(&format!(" WHEN x.birth_date > '{}' THEN '{:02}'", limit.format("%Y-%m-%d"), i));
    }
    case.push_str(&format!(" ELSE '{:02}' END", AGE_GROUPS - 1));
    let mut age_groups = by_sex(db, village_id, &case, "").await?;
    age_groups.sort_by(|a, b| a.label.cmp(&b.label));
    for g in &mut age_groups {
        g.label = age_group_label(g.label.parse().unwrap_or(0));
    }
    let rw_join =
        "JOIN areas rt ON rt.id = x.rt_id JOIN areas rw ON rw.id = rt.parent_id JOIN areas d ON d.id = rw.parent_id";
    let per_rw = by_sex(db, village_id, "d.name || ' / RW ' || rw.name", rw_join).await?;
    let families = db
        .query_one_raw(sql(
            db.get_database_backend(),
            "SELECT COUNT(DISTINCT x.family_id) FROM residents x WHERE x.village_id = ? AND x.status = 'hidup'",
            vec![village_id.into()],
        ))
        .await?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .map_or(0, count);
    let stats = RegistryStats {
        families,
        religion: by_sex(db, village_id, "x.religion", "").await?,
        education: by_sex(db, village_id, "x.education", "").await?,
        occupation: by_sex(db, village_id, "x.occupation", "").await?,
        marital_status: by_sex(db, village_id, "x.marital_status", "").await?,
        per_dusun: by_sex(db, village_id, "d.name", UP_TO_DUSUN).await?,
        residents: age_groups.iter().map(|g| g.male + g.female).sum(),
        age_groups,
        per_rw,
    };
    Ok(stats)
}
