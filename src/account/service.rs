//! Reading the signed-in resident's own data (server only).

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::model::{FamilyMember, OwnProfile, title_case};
use crate::db::entities::{area, family, resident, village};
use crate::db::sql;
use crate::error::{AppError, AppResult};
use crate::kit::resident::Status;

fn age(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

fn sex(code: &str) -> String {
    if code == "P" { "Perempuan" } else { "Laki-laki" }.to_string()
}

/// "Dusun Krajan, RW 02, RT 003" for the RT `rt_id` of `village_id`: the RT and the areas above
/// it in one query, names only (an area's row also holds its drawn boundary).
async fn area_of(db: &DatabaseConnection, village_id: i64, dusun_label: &str, rt_id: i64) -> AppResult<Option<String>> {
    let row = db
        .query_one_raw(sql(
            db.get_database_backend(),
            "SELECT a.level, a.name, b.level, b.name, c.level, c.name FROM areas a \
             LEFT JOIN areas b ON b.id = a.parent_id AND b.village_id = a.village_id \
             LEFT JOIN areas c ON c.id = b.parent_id AND c.village_id = b.village_id \
             WHERE a.id = ? AND a.village_id = ?",
            vec![rt_id.into(), village_id.into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut up = Vec::new();
    for i in 0..3 {
        let level: Option<i16> = row.try_get_by_index(2 * i)?;
        let name: Option<String> = row.try_get_by_index(2 * i + 1)?;
        let (Some(level), Some(name)) = (level, name) else { break };
        up.push((level, name));
    }
    let label = area::label(up.iter().map(|(level, name)| (*level, name.as_str())), dusun_label);
    Ok((!label.is_empty()).then_some(label))
}

/// The resident `resident_id` of `village` with their family's living members.
///
/// # Errors
/// `NotFound` when the resident is not of this village; database failures.
pub async fn profile(db: &DatabaseConnection, village: &village::Model, resident_id: i64) -> AppResult<OwnProfile> {
    // The resident and their family card in one query.
    let (me, fam) = resident::Entity::find_by_id(resident_id)
        .filter(resident::Column::VillageId.eq(village.id))
        .find_also_related(family::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let fam = fam.filter(|f| f.village_id == village.id);
    let today = Utc::now().date_naive();
    let members = match &fam {
        Some(f) => {
            resident::Entity::find()
                .filter(resident::Column::FamilyId.eq(f.id))
                .filter(resident::Column::VillageId.eq(village.id))
                .filter(resident::Column::Status.eq(Status::Hidup))
                .filter(resident::Column::Id.ne(me.id))
                .order_by_asc(resident::Column::BirthDate)
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let rt = me.rt_id.or(fam.as_ref().and_then(|f| f.rt_id));
    let area = match rt {
        Some(rt) => area_of(db, village.id, &village.dusun_label, rt).await?,
        None => None,
    };
    let corrections = crate::population::registry::corrections_of(db, village.id, Some(me.id), None).await?;
    Ok(OwnProfile {
        corrections,
        village_title: crate::village::service::to_info(village).title(),
        nik: me.nik,
        kk: fam.as_ref().map(|f| f.kk_number.clone()),
        sex: sex(&me.sex),
        birth: format!("{}, {}", me.birth_place, me.birth_date.format("%d-%m-%Y")),
        religion: title_case(&me.religion),
        education: title_case(&me.education),
        occupation: title_case(&me.occupation),
        marital_status: title_case(&me.marital_status),
        relationship: title_case(&me.relationship),
        address: fam.and_then(|f| f.address),
        area,
        family: members
            .into_iter()
            .map(|m| FamilyMember {
                relationship: title_case(&m.relationship),
                sex: sex(&m.sex),
                age: age(m.birth_date, today),
                name: m.name,
            })
            .collect(),
        name: me.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_birthdays() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(age(d(2000, 11, 28), d(2026, 11, 28)), 26);
        assert_eq!(age(d(2000, 11, 29), d(2026, 11, 28)), 25);
        assert_eq!(age(d(2026, 1, 1), d(2026, 11, 28)), 0);
    }
}
