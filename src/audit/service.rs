//! Reading the audit log (server only): filtered pages for officials, and the lines about one
//! resident for that resident.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait, QueryFilter};

use super::model::{AccessEntry, AccessPage};
use super::model::{AuditFilter, AuditPage, AuditRow, PER_PAGE, action_label};
use crate::db::entities::{audit_entry, official, resident, village};
use crate::db::keyset;
use crate::error::{AppError, AppResult};
use crate::ui::PageAt;

/// The log's order: newest first (the index `(village_id, created_at)` serves it).
const NEWEST_FIRST: [(audit_entry::Column, Order); 2] =
    [(audit_entry::Column::CreatedAt, Order::Desc), (audit_entry::Column::Id, Order::Desc)];

/// Start of the WIB day `text` (`YYYY-MM-DD`), plus `days`.
fn wib_day(text: &str, days: i64) -> AppResult<Option<chrono::DateTime<Utc>>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::Invalid(format!("Tanggal {text} tidak valid; gunakan format tahun-bulan-tanggal.")))?;
    let start = Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)) - crate::kit::time::WIB_OFFSET;
    Ok(Some(start + chrono::Duration::days(days)))
}

/// Names of officials and residents named as subjects, by kind and id.
async fn subject_names(
    db: &DatabaseConnection,
    rows: &[audit_entry::Model],
) -> AppResult<HashMap<(String, i64), String>> {
    let ids = |kind: &str| -> Vec<i64> {
        rows.iter().filter(|r| r.subject_kind.as_deref() == Some(kind)).filter_map(|r| r.subject_id).collect()
    };
    let mut names = HashMap::new();
    for o in official::Entity::find().filter(official::Column::Id.is_in(ids("official"))).all(db).await? {
        names.insert(("official".to_string(), o.id), format!("{} ({})", o.name, o.username));
    }
    for r in resident::Entity::find().filter(resident::Column::Id.is_in(ids("resident"))).all(db).await? {
        names.insert(("resident".to_string(), r.id), format!("Warga: {}", r.name));
    }
    Ok(names)
}

fn actor_label(row: &audit_entry::Model) -> String {
    match (row.actor_kind.as_str(), &row.actor_name) {
        ("official", Some(name)) => format!("{name} (perangkat)"),
        ("resident", Some(name)) => format!("{name} (warga)"),
        ("partner", Some(name)) => format!("{name} (sistem mitra)"),
        _ => "Tidak dikenal".to_string(),
    }
}

/// A page of `village`'s log, newest first.
///
/// # Errors
/// `Invalid` for a malformed date; database failures.
pub async fn list(
    db: &DatabaseConnection,
    village: &village::Model,
    filter: &AuditFilter,
    at: &PageAt,
) -> AppResult<AuditPage> {
    let mut find = audit_entry::Entity::find().filter(audit_entry::Column::VillageId.eq(village.id));
    if !filter.action.is_empty() {
        find = find.filter(audit_entry::Column::Action.eq(filter.action.as_str()));
    }
    if !filter.who.trim().is_empty() {
        find = find.filter(crate::db::contains_lower(audit_entry::Column::ActorName, filter.who.trim()));
    }
    if let Some(from) = wib_day(&filter.from, 0)? {
        find = find.filter(audit_entry::Column::CreatedAt.gte(from));
    }
    if let Some(until) = wib_day(&filter.to, 1)? {
        find = find.filter(audit_entry::Column::CreatedAt.lt(until));
    }
    let total = find.clone().count(db).await?;
    let (rows, links) = keyset::page(db, find, &NEWEST_FIRST, at, PER_PAGE, total).await?;
    let names = subject_names(db, &rows).await?;
    let items = rows
        .iter()
        .map(|r| AuditRow {
            time: crate::kit::time::wib_with_zone(r.created_at),
            actor: actor_label(r),
            action: action_label(&r.action),
            subject: match (&r.subject_kind, r.subject_id) {
                (Some(kind), Some(id)) => names.get(&(kind.clone(), id)).cloned(),
                _ => None,
            },
            detail: r.detail.clone(),
            ip: r.ip.clone(),
        })
        .collect();
    Ok(AuditPage { items, total, links })
}

/// What happened to the data of resident `resident_id` of `village`, for that resident: who
/// (officials by name and title), what and when. Addresses are not shown.
///
/// # Errors
/// Database failures.
pub async fn about_resident(
    db: &DatabaseConnection,
    village: &village::Model,
    resident_id: i64,
    at: &PageAt,
) -> AppResult<AccessPage> {
    // Their own record, and every reading of the village's registry in bulk (an export, a
    // partner system's read through the API), which holds their record too.
    let find = audit_entry::Entity::find().filter(audit_entry::Column::VillageId.eq(village.id)).filter(
        sea_orm::Condition::any()
            .add(
                sea_orm::Condition::all()
                    .add(audit_entry::Column::SubjectKind.eq("resident"))
                    .add(audit_entry::Column::SubjectId.eq(resident_id)),
            )
            .add(audit_entry::Column::Action.is_in([
                crate::audit::Action::ApiResidentsRead.as_str(),
                crate::audit::Action::RegistryExported.as_str(),
            ])),
    );
    let total = find.clone().count(db).await?;
    let (rows, links) = keyset::page(db, find, &NEWEST_FIRST, at, PER_PAGE, total).await?;
    let official_ids: Vec<i64> =
        rows.iter().filter(|r| r.actor_kind == "official").filter_map(|r| r.actor_id).collect();
    let titles: HashMap<i64, &'static str> = if official_ids.is_empty() {
        HashMap::new()
    } else {
        official::Entity::find()
            .filter(official::Column::Id.is_in(official_ids))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|o| Some((o.id, o.role.label())))
            .collect()
    };
    let items = rows
        .into_iter()
        .map(|r| {
            let who = match (r.actor_kind.as_str(), r.actor_id) {
                ("resident", Some(id)) if id == resident_id => "Anda".to_string(),
                ("official", Some(id)) => {
                    let name = r.actor_name.clone().unwrap_or_default();
                    titles.get(&id).map_or(name.clone(), |t| format!("{name} ({t})"))
                }
                ("partner", _) => format!("{} (sistem mitra)", r.actor_name.clone().unwrap_or_default()),
                _ => "Tidak dikenal".to_string(),
            };
            let what = match &r.detail {
                Some(d) if r.action == "pin_issued" => format!("{} ({d})", action_label(&r.action)),
                Some(d) if r.action == "api_residents_read" || r.action == "registry_exported" => {
                    format!("{} — data penduduk desa sekaligus: {d}", action_label(&r.action))
                }
                _ => action_label(&r.action),
            };
            AccessEntry { time: crate::kit::time::wib_with_zone(r.created_at), who, what }
        })
        .collect();
    Ok(AccessPage { items, links })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_in_wib() {
        let start = wib_day("2026-11-28", 0).unwrap().unwrap();
        assert_eq!(start.to_rfc3339(), "2026-11-27T17:00:00+00:00");
        assert!(wib_day("", 0).unwrap().is_none());
        assert!(matches!(wib_day("28-11-2026", 0), Err(AppError::Invalid(_))));
    }
}
