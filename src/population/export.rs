//! Export of a village's registry in the import format (the same 43 columns, codes as numbers
//! written as text), as `.xlsx` or `.csv`: an import → export → import round trip changes
//! nothing (server only).

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::codes::{self, CodeList};
use super::import::{COLUMNS, DOCUMENT_COLUMNS};
use super::sheet;
use crate::db::entities::{area, resident};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "xlsx" | "excel" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

fn code(list: CodeList, label: &str) -> String {
    if label.is_empty() { String::new() } else { list.code(label).map(|c| c.to_string()).unwrap_or_default() }
}

/// The rows of the village's registry in the import format, the header first.
///
/// # Errors
/// Database failures.
pub async fn rows<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<Vec<Vec<String>>> {
    let areas: HashMap<i64, area::Model> = area::Entity::find()
        .filter(area::Column::VillageId.eq(village_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let families = super::registry::families_of(db, village_id).await?;
    let residents = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(village_id))
        .order_by_asc(resident::Column::FamilyId)
        .order_by_asc(resident::Column::Id)
        .all(db)
        .await?;
    let name = |id: Option<i64>| id.and_then(|id| areas.get(&id));
    let mut out = Vec::with_capacity(residents.len() + 1);
    out.push(COLUMNS.iter().map(|c| (*c).to_string()).collect());
    for r in residents {
        let fam = r.family_id.and_then(|id| families.get(&id));
        let rt = name(r.rt_id);
        let rw = rt.and_then(|rt| name(rt.parent_id));
        let dusun = rw.and_then(|rw| name(rw.parent_id));
        let documents: BTreeMap<String, String> =
            r.documents.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default();
        let mut row: HashMap<&str, String> = HashMap::new();
        row.insert("alamat", fam.and_then(|f| f.address.clone()).unwrap_or_default());
        row.insert("dusun", dusun.map(|a| a.name.clone()).unwrap_or_default());
        row.insert("rw", rw.map(|a| a.name.clone()).unwrap_or_default());
        row.insert("rt", rt.map(|a| a.name.clone()).unwrap_or_default());
        row.insert("nama", r.name.clone());
        row.insert("no_kk", fam.map(|f| f.kk_number.clone()).unwrap_or_default());
        row.insert("nik", r.nik.clone());
        row.insert("sex", codes::code_of_sex(&r.sex).to_string());
        row.insert("tempatlahir", r.birth_place.clone());
        row.insert("tanggallahir", r.birth_date.format("%Y-%m-%d").to_string());
        row.insert("agama_id", code(codes::RELIGION, &r.religion));
        row.insert("pendidikan_kk_id", code(codes::EDUCATION, &r.education));
        row.insert("pendidikan_sedang_id", code(codes::EDUCATION_CURRENT, &r.education_current));
        row.insert("pekerjaan_id", code(codes::OCCUPATION, &r.occupation));
        row.insert("status_kawin", code(codes::MARITAL, &r.marital_status));
        row.insert("kk_level", code(codes::RELATIONSHIP, &r.relationship));
        row.insert("warganegara_id", code(codes::CITIZENSHIP, &r.citizenship));
        row.insert("ayah_nik", r.father_nik.clone().unwrap_or_default());
        row.insert("nama_ayah", r.father_name.clone().unwrap_or_default());
        row.insert("ibu_nik", r.mother_nik.clone().unwrap_or_default());
        row.insert("nama_ibu", r.mother_name.clone().unwrap_or_default());
        row.insert("golongan_darah_id", code(codes::BLOOD_TYPE, &r.blood_type));
        row.insert("cacat_id", code(codes::DISABILITY, r.disability.as_deref().unwrap_or("")));
        row.insert("status_dasar", codes::code_of_status(r.status.as_str()).to_string());
        for column in DOCUMENT_COLUMNS {
            row.insert(column, documents.get(column).cloned().unwrap_or_default());
        }
        out.push(COLUMNS.iter().map(|c| row.remove(c).unwrap_or_default()).collect());
    }
    Ok(out)
}

/// The file bytes of `rows` in `format`.
///
/// # Errors
/// `AppError::Internal` when the workbook cannot be written (logged).
pub fn encode(rows: &[Vec<String>], format: Format, sheet_name: &str) -> AppResult<Vec<u8>> {
    match format {
        Format::Csv => Ok(sheet::write_csv(rows)),
        Format::Xlsx => sheet::write_xlsx(sheet_name, rows).map_err(|e| {
            tracing::error!(error = %e, "xlsx export failed");
            AppError::Internal
        }),
    }
}
