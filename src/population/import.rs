//! Import of residents from the incumbent's format: the 43-column sheet "Data Penduduk" (or a
//! `.xlsx`/`.csv` with the same header), code columns, rows up to the `###` marker (server only).
//!
//! [`plan`] is the dry run: every row is checked and matched against the registry, nothing is
//! written. [`apply`] plans again inside one transaction and writes it all, or nothing. Residents
//! are matched by NIK within the village: a known NIK updates its record, a new one is added.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

use super::codes::{self, CodeList};
use super::model::{ImportIssue, ImportReport};
use super::nik::Nik;
use super::record::{self, ResidentInput, ValidResident};
use super::service::insert_area;
use super::sheet::{self, Cell};
use crate::audit::{self, Action, Actor};
use crate::db::entities::{area, family, resident, resident_history};
use crate::error::{AppError, AppResult};
use crate::kit::form::Problem;
use crate::kit::resident::Status;
use crate::region::{self, RegionCode};

/// The header of the import format, in its order (the export writes the same).
pub const COLUMNS: [&str; 43] = [
    "alamat",
    "dusun",
    "rw",
    "rt",
    "nama",
    "no_kk",
    "nik",
    "sex",
    "tempatlahir",
    "tanggallahir",
    "agama_id",
    "pendidikan_kk_id",
    "pendidikan_sedang_id",
    "pekerjaan_id",
    "status_kawin",
    "kk_level",
    "warganegara_id",
    "ayah_nik",
    "nama_ayah",
    "ibu_nik",
    "nama_ibu",
    "golongan_darah_id",
    "akta_lahir",
    "dokumen_pasport",
    "tanggal_akhir_paspor",
    "dokumen_kitas",
    "akta_perkawinan",
    "tanggalperkawinan",
    "akta_perceraian",
    "tanggalperceraian",
    "cacat_id",
    "cara_kb_id",
    "hamil",
    "ktp_el",
    "status_rekam",
    "alamat_sekarang",
    "status_dasar",
    "suku",
    "tag_id_card",
    "id_asuransi",
    "no_asuransi",
    "lat",
    "lng",
];

/// Columns kept as they are, in the resident's `documents` (dates normalised to `yyyy-mm-dd`).
pub const DOCUMENT_COLUMNS: [&str; 19] = [
    "akta_lahir",
    "dokumen_pasport",
    "tanggal_akhir_paspor",
    "dokumen_kitas",
    "akta_perkawinan",
    "tanggalperkawinan",
    "akta_perceraian",
    "tanggalperceraian",
    "cara_kb_id",
    "hamil",
    "ktp_el",
    "status_rekam",
    "alamat_sekarang",
    "suku",
    "tag_id_card",
    "id_asuransi",
    "no_asuransi",
    "lat",
    "lng",
];
const DATE_DOCUMENTS: [&str; 3] = ["tanggal_akhir_paspor", "tanggalperkawinan", "tanggalperceraian"];

/// The import column of a [`ResidentInput`] field, for messages.
fn column_of(field: &str) -> &'static str {
    match field {
        "nik" => "nik",
        "name" => "nama",
        "sex" => "sex",
        "birth_place" => "tempatlahir",
        "birth_date" => "tanggallahir",
        "religion" => "agama_id",
        "education" => "pendidikan_kk_id",
        "education_current" => "pendidikan_sedang_id",
        "occupation" => "pekerjaan_id",
        "marital_status" => "status_kawin",
        "relationship" => "kk_level",
        "citizenship" => "warganegara_id",
        "blood_type" => "golongan_darah_id",
        "father_nik" => "ayah_nik",
        "father_name" => "nama_ayah",
        "mother_nik" => "ibu_nik",
        "mother_name" => "nama_ibu",
        "disability" => "cacat_id",
        _ => "",
    }
}

/// Where a resident lives: dusun, RW and RT names as the registry keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaKey {
    pub dusun: String,
    pub rw: String,
    pub rt: String,
}

/// RW/RT numbers as three digits (`4` → `004`), `-` for none; names upper-cased.
fn area_part(text: &str) -> String {
    let text = record::squash(text);
    if text.is_empty() || text == "-" {
        return "-".into();
    }
    match text.parse::<u32>() {
        Ok(n) if text.bytes().all(|b| b.is_ascii_digit()) => format!("{n:03}"),
        _ => text.to_uppercase(),
    }
}

fn area_match(name: &str) -> String {
    area_part(name).to_uppercase()
}

/// The values of one resident as the import format carries them, comparable with the registry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Values {
    pub(crate) v: ValidResident,
    status: Status,
    documents: Option<String>,
}

/// One change of a field: `(field, before, after)`.
type Change = (String, String, String);

#[derive(Debug)]
enum RowAction {
    Insert,
    Update { id: i64, changes: Vec<Change> },
    Unchanged,
}

#[derive(Debug)]
struct PlannedRow {
    values: Values,
    kk: Option<String>,
    address: Option<String>,
    area: AreaKey,
    action: RowAction,
}

/// The dry run's result with what `apply` needs to write it.
pub struct Plan {
    pub report: ImportReport,
    rows: Vec<PlannedRow>,
    areas: Vec<AreaKey>,
}

/// Who runs the import, for the audit log and the edit history.
#[derive(Debug, Clone)]
pub struct Importer {
    pub official_id: Option<i64>,
    pub name: String,
}

fn issue(row: u32, column: &str, message: impl Into<String>) -> ImportIssue {
    ImportIssue { row, column: column.to_string(), message: message.into() }
}

/// One row's cells in the order of [`COLUMNS`] (a row of a 100,000-row file costs its cells,
/// not a map of them).
type RowCells = Vec<Cell>;

/// The cell of column `name` in a row.
fn column(cells: &RowCells, name: &str) -> Cell {
    COLUMNS.iter().position(|c| *c == name).and_then(|i| cells.get(i)).cloned().unwrap_or(Cell::Empty)
}

/// Reads the file off the async runtime, within the parsing pool's limits (`bounded`).
///
/// # Errors
/// The file refused as a whole, in words; `Busy` when too many files wait.
pub async fn read_table(file_name: &str, bytes: &[u8]) -> AppResult<Vec<Vec<Cell>>> {
    let (name, bytes) = (file_name.to_string(), std::sync::Arc::<[u8]>::from(bytes));
    crate::bounded::parse(move |deadline| sheet::read_within(&name, &bytes, deadline))
        .await?
        .map_err(|e| AppError::Invalid(e.to_string()))
}

/// Rows of the file as `(row number, cells by column)`, or the reason the whole file is refused.
fn rows_of(table: &[Vec<Cell>]) -> AppResult<Vec<(u32, RowCells)>> {
    let Some(header_at) = table.iter().position(|r| r.iter().any(|c| !c.is_empty())) else {
        return Err(AppError::Invalid("Berkas tidak berisi data.".into()));
    };
    let header: Vec<String> = table[header_at].iter().map(|c| c.text().to_lowercase()).collect();
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut unknown = Vec::new();
    for (i, name) in header.iter().enumerate() {
        match COLUMNS.iter().find(|c| **c == name.as_str()) {
            Some(c) if index.contains_key(c) => {
                return Err(AppError::Invalid(format!("Kolom \"{c}\" muncul dua kali di baris judul.")));
            }
            Some(c) => {
                index.insert(c, i);
            }
            None if name.is_empty() => {}
            None => unknown.push(name.clone()),
        }
    }
    let missing: Vec<&str> = COLUMNS.iter().copied().filter(|c| !index.contains_key(c)).collect();
    if !missing.is_empty() || !unknown.is_empty() {
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("kolom yang tidak ada: {}", missing.join(", ")));
        }
        if !unknown.is_empty() {
            parts.push(format!("kolom yang tidak dikenal: {}", unknown.join(", ")));
        }
        return Err(AppError::Invalid(format!(
            "Baris judul tidak sesuai format impor penduduk (43 kolom, mulai dari alamat, dusun, rw, rt, nama): {}.",
            parts.join("; ")
        )));
    }
    let mut out = Vec::new();
    for (i, cells) in table.iter().enumerate().skip(header_at + 1) {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let cell = |name: &str| index.get(name).and_then(|&i| cells.get(i)).cloned().unwrap_or(Cell::Empty);
        if cell("dusun").text() == "###" {
            break;
        }
        if COLUMNS.iter().all(|c| cell(c).is_empty()) {
            continue;
        }
        out.push((row, COLUMNS.iter().map(|c| cell(c)).collect()));
    }
    Ok(out)
}

/// A date cell: an Excel date, an Excel serial number, or `yyyy-mm-dd` / `dd-mm-yyyy` text.
fn date_text(cell: &Cell) -> String {
    match cell {
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Number(n) if *n > 0.0 && *n < 100_000.0 && n.fract() == 0.0 => {
            // Excel's day 1 is 1900-01-01, with its phantom 29 Feb 1900: count from 1899-12-30.
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN);
            (base + Duration::days(*n as i64)).format("%Y-%m-%d").to_string()
        }
        other => other.text(),
    }
}

/// A code column: the label of the code, or an error naming the column.
fn code_cell(list: CodeList, cell: &Cell, errors: &mut Vec<ImportIssue>, row: u32) -> String {
    let text = cell.text();
    if text.is_empty() || text == "-" {
        return String::new();
    }
    match list.parse(&text) {
        Some(label) => label.to_string(),
        None => {
            errors.push(issue(row, list.column, format!("Kode {} \"{text}\" tidak dikenal.", list.title)));
            String::new()
        }
    }
}

/// Checks one row. Errors go to `errors`; warnings to `warnings`.
fn check_row(
    row: u32,
    cells: &RowCells,
    today: NaiveDate,
    errors: &mut Vec<ImportIssue>,
    warnings: &mut Vec<ImportIssue>,
) -> Option<(Values, Option<String>, Option<String>, AreaKey)> {
    let cell = |name: &str| column(cells, name);
    let before = errors.len();
    let sex = match codes::sex_of_code(&cell("sex").text()) {
        Some(s) => s.to_string(),
        None => {
            errors.push(issue(
                row,
                "sex",
                format!("Jenis kelamin \"{}\" tidak dikenal (1 laki-laki, 2 perempuan).", cell("sex").text()),
            ));
            String::new()
        }
    };
    let input = ResidentInput {
        nik: cell("nik").text(),
        name: cell("nama").text(),
        sex,
        birth_place: cell("tempatlahir").text(),
        birth_date: date_text(&cell("tanggallahir")),
        religion: code_cell(codes::RELIGION, &cell("agama_id"), errors, row),
        education: code_cell(codes::EDUCATION, &cell("pendidikan_kk_id"), errors, row),
        education_current: code_cell(codes::EDUCATION_CURRENT, &cell("pendidikan_sedang_id"), errors, row),
        occupation: code_cell(codes::OCCUPATION, &cell("pekerjaan_id"), errors, row),
        marital_status: code_cell(codes::MARITAL, &cell("status_kawin"), errors, row),
        relationship: code_cell(codes::RELATIONSHIP, &cell("kk_level"), errors, row),
        citizenship: code_cell(codes::CITIZENSHIP, &cell("warganegara_id"), errors, row),
        blood_type: code_cell(codes::BLOOD_TYPE, &cell("golongan_darah_id"), errors, row),
        father_nik: cell("ayah_nik").text(),
        father_name: cell("nama_ayah").text(),
        mother_nik: cell("ibu_nik").text(),
        mother_name: cell("nama_ibu").text(),
        disability: code_cell(codes::DISABILITY, &cell("cacat_id"), errors, row),
        phone: String::new(),
    };
    let coded = errors.len() > before;
    let checked = input.check(today);
    for Problem { field, message } in checked.errors {
        // A code column already reported as unknown is not reported again as empty.
        let column = column_of(&field);
        if !(coded && errors[before..].iter().any(|e| e.column == column)) {
            errors.push(issue(row, column, message));
        }
    }
    for Problem { field, message } in checked.warnings {
        warnings.push(issue(row, column_of(&field), message));
    }
    if let Ok(nik) = Nik::parse(&input.nik) {
        if !region_exists(nik.region()) {
            errors.push(issue(
                row,
                "nik",
                format!("Kode wilayah {} di dalam NIK tidak ada dalam daftar resmi.", nik.region()),
            ));
        }
        if matches!(cell("nik"), Cell::Number(_)) && input.nik.ends_with('0') {
            warnings.push(issue(
                row,
                "nik",
                "NIK tersimpan sebagai angka di Excel, yang hanya menyimpan 15 digit: periksa digit terakhirnya.",
            ));
        }
    }
    let kk_text = cell("no_kk").text();
    let kk = if kk_text.is_empty() || kk_text == "-" {
        warnings.push(issue(row, "no_kk", "Tanpa No. KK: penduduk dicatat tanpa keluarga."));
        None
    } else if let Some(p) = record::kk_problem(&kk_text) {
        errors.push(issue(row, "no_kk", p));
        None
    } else {
        if !region_exists(&kk_text[..6]) {
            errors.push(issue(
                row,
                "no_kk",
                format!("Kode wilayah {} di dalam No. KK tidak ada dalam daftar resmi.", &kk_text[..6]),
            ));
        }
        Some(kk_text)
    };
    let status = match codes::status_of_code(&cell("status_dasar").text()).and_then(Status::parse) {
        Some(s) => s,
        None if cell("status_dasar").is_empty() => Status::Hidup,
        None => {
            errors.push(issue(
                row,
                "status_dasar",
                format!(
                    "Status \"{}\" tidak dipakai; gunakan 1 hidup, 2 mati, 3 pindah atau 4 hilang.",
                    cell("status_dasar").text()
                ),
            ));
            Status::Hidup
        }
    };
    let dusun = record::squash(&cell("dusun").text());
    if dusun.is_empty() || dusun == "-" {
        errors.push(issue(row, "dusun", "Dusun wajib diisi."));
    }
    let rt = area_part(&cell("rt").text());
    if rt == "-" {
        errors.push(issue(row, "rt", "RT wajib diisi."));
    }
    let area = AreaKey { dusun: dusun.to_uppercase(), rw: area_part(&cell("rw").text()), rt };
    let mut documents = BTreeMap::new();
    for column in DOCUMENT_COLUMNS {
        let c = cell(column);
        let text = if DATE_DOCUMENTS.contains(&column) { date_text(&c) } else { c.text() };
        if !text.is_empty() {
            documents.insert(column, text);
        }
    }
    let documents = (!documents.is_empty()).then(|| serde_json::to_string(&documents).unwrap_or_default());
    let address = Some(record::squash(&cell("alamat").text())).filter(|a| !a.is_empty() && a != "-");
    if errors.len() > before {
        return None;
    }
    checked.valid.map(|v| (Values { v, status, documents }, kk, address, area))
}

/// Whether a kecamatan code (6 digits) is in the official list.
pub fn region_exists(digits: &str) -> bool {
    RegionCode::parse(digits).ok().and_then(|c| region::region_name(&c)).is_some()
}

/// The values of a resident of the registry, as an import row would carry them.
pub(crate) fn values_of(m: &resident::Model) -> Option<Values> {
    Some(Values {
        v: ValidResident {
            nik: Nik::parse(&m.nik).ok()?,
            name: m.name.clone(),
            sex: if m.sex == "P" { "P" } else { "L" },
            birth_place: m.birth_place.clone(),
            birth_date: m.birth_date,
            religion: m.religion.clone(),
            education: m.education.clone(),
            education_current: m.education_current.clone(),
            occupation: m.occupation.clone(),
            marital_status: m.marital_status.clone(),
            relationship: m.relationship.clone(),
            citizenship: m.citizenship.clone(),
            blood_type: m.blood_type.clone(),
            father_nik: m.father_nik.clone(),
            father_name: m.father_name.clone(),
            mother_nik: m.mother_nik.clone(),
            mother_name: m.mother_name.clone(),
            disability: m.disability.clone(),
            phone: m.phone.clone(),
        },
        status: m.status,
        documents: m.documents.clone(),
    })
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// The fields that differ between the registry (`old`) and the file (`new`). The file has no
/// phone numbers: the registry's stays.
fn diff(old: &Values, old_kk: &str, old_area: Option<&AreaKey>, new: &Values, kk: &str, area: &AreaKey) -> Vec<Change> {
    let mut after = new.v.clone();
    after.phone = old.v.phone.clone();
    let mut changes = old.v.changes_to(&after);
    let place = |k: &AreaKey| format!("{}/{}/{}", k.dusun, k.rw, k.rt);
    let more = [
        ("status", old.status.as_str().to_string(), new.status.as_str().to_string()),
        ("dokumen", opt(&old.documents), opt(&new.documents)),
        ("No. KK", old_kk.to_string(), kk.to_string()),
        ("wilayah", old_area.map(place).unwrap_or_default(), place(area)),
    ];
    changes.extend(more.into_iter().filter(|(_, x, y)| x != y).map(|(f, x, y)| (f.to_string(), x, y)));
    changes
}

/// The village's areas: names by RT id and ids by name.
struct Areas {
    by_rt: HashMap<i64, AreaKey>,
    rt_of: HashMap<AreaKey, i64>,
    dusun_of: HashMap<String, i64>,
    rw_of: HashMap<(i64, String), i64>,
}

async fn load_areas<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<Areas> {
    let all = area::Entity::find().filter(area::Column::VillageId.eq(village_id)).all(db).await?;
    let by_id: HashMap<i64, &area::Model> = all.iter().map(|a| (a.id, a)).collect();
    let mut areas =
        Areas { by_rt: HashMap::new(), rt_of: HashMap::new(), dusun_of: HashMap::new(), rw_of: HashMap::new() };
    for a in &all {
        match a.level {
            area::DUSUN => {
                areas.dusun_of.insert(area_match(&a.name), a.id);
            }
            area::RW => {
                if let Some(parent) = a.parent_id {
                    areas.rw_of.insert((parent, area_part(&a.name)), a.id);
                }
            }
            _ => {
                let rw = a.parent_id.and_then(|id| by_id.get(&id));
                let dusun = rw.and_then(|rw| rw.parent_id).and_then(|id| by_id.get(&id));
                if let (Some(rw), Some(dusun)) = (rw, dusun) {
                    let key =
                        AreaKey { dusun: area_match(&dusun.name), rw: area_part(&rw.name), rt: area_part(&a.name) };
                    areas.by_rt.insert(a.id, key.clone());
                    areas.rt_of.insert(key, a.id);
                }
            }
        }
    }
    Ok(areas)
}

/// Residents of the village with these NIKs.
async fn residents_by_nik<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    niks: &[String],
) -> AppResult<HashMap<String, resident::Model>> {
    let mut out = HashMap::new();
    for chunk in niks.chunks(500) {
        let found = resident::Entity::find()
            .filter(resident::Column::VillageId.eq(village_id))
            .filter(resident::Column::Nik.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        out.extend(found.into_iter().map(|m| (m.nik.clone(), m)));
    }
    Ok(out)
}

/// NIKs among `niks` held by living residents of other villages of the deployment.
async fn alive_elsewhere<C: ConnectionTrait>(db: &C, village_id: i64, niks: &[String]) -> AppResult<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in niks.chunks(500) {
        let found: Vec<String> = resident::Entity::find()
            .select_only()
            .column(resident::Column::Nik)
            .filter(resident::Column::VillageId.ne(village_id))
            .filter(resident::Column::Status.eq(Status::Hidup))
            .filter(resident::Column::Nik.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(found);
    }
    Ok(out)
}

/// The dry run: reads `bytes`, checks every row and matches it against the village's registry.
///
/// # Errors
/// `AppError::Invalid` for a file refused as a whole (its type, its header), database failures.
pub async fn plan<C: ConnectionTrait>(db: &C, village_id: i64, file_name: &str, bytes: &[u8]) -> AppResult<Plan> {
    let table = read_table(file_name, bytes).await?;
    let rows = rows_of(&table)?;
    drop(table);
    let today = Utc::now().date_naive();
    let mut report = ImportReport { file_name: file_name.to_string(), ..Default::default() };
    report.rows = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let mut checked = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (row, cells) in &rows {
        let mut errors = Vec::new();
        let found = check_row(*row, cells, today, &mut errors, &mut report.warnings);
        if let Some(values) = &found {
            let nik = values.0.v.nik.as_str().to_string();
            if let Some(first) = seen.get(&nik) {
                errors.push(issue(*row, "nik", format!("NIK sama dengan baris {first} di berkas ini.")));
            } else {
                seen.insert(nik, *row);
            }
        }
        match found {
            Some(values) if errors.is_empty() => checked.push((*row, values)),
            _ => {
                report.rejected += 1;
                report.errors.extend(errors);
            }
        }
    }

    let niks: Vec<String> = checked.iter().map(|(_, (v, ..))| v.v.nik.as_str().to_string()).collect();
    let existing = residents_by_nik(db, village_id, &niks).await?;
    let elsewhere = alive_elsewhere(db, village_id, &niks).await?;
    let areas = load_areas(db, village_id).await?;
    let families: HashMap<i64, String> = family::Entity::find()
        .select_only()
        .column(family::Column::Id)
        .column(family::Column::KkNumber)
        .filter(family::Column::VillageId.eq(village_id))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let known_kk: HashSet<&String> = families.values().collect();

    let mut planned = Vec::new();
    let mut new_areas: Vec<AreaKey> = Vec::new();
    let mut new_families: HashSet<String> = HashSet::new();
    for (row, (values, kk, address, area)) in checked {
        let nik = values.v.nik.as_str();
        let old = existing.get(nik);
        if old.is_none_or(|o| o.status != Status::Hidup) && values.status == Status::Hidup && elsewhere.contains(nik) {
            report.rejected += 1;
            report.errors.push(issue(row, "nik", "NIK sudah terdaftar sebagai penduduk hidup di desa lain."));
            continue;
        }
        let action = match old {
            None => RowAction::Insert,
            Some(old) => {
                let old_kk = old.family_id.and_then(|id| families.get(&id)).cloned().unwrap_or_default();
                let old_area = old.rt_id.and_then(|id| areas.by_rt.get(&id));
                let changes = match values_of(old) {
                    Some(before) => diff(&before, &old_kk, old_area, &values, kk.as_deref().unwrap_or(""), &area),
                    None => vec![("NIK".into(), old.nik.clone(), nik.into())],
                };
                if changes.is_empty() { RowAction::Unchanged } else { RowAction::Update { id: old.id, changes } }
            }
        };
        match action {
            RowAction::Insert => report.new += 1,
            RowAction::Update { .. } => report.updated += 1,
            RowAction::Unchanged => report.unchanged += 1,
        }
        if !matches!(action, RowAction::Unchanged) {
            if !areas.rt_of.contains_key(&area) && !new_areas.contains(&area) {
                new_areas.push(area.clone());
            }
            if let Some(kk) = &kk {
                if !known_kk.contains(kk) {
                    new_families.insert(kk.clone());
                }
            }
        }
        planned.push(PlannedRow { values, kk, address, area, action });
    }
    // Dusun, RW and RT that do not exist yet, each counted once.
    let mut created: HashSet<String> = HashSet::new();
    for a in &new_areas {
        let dusun_known = areas.dusun_of.contains_key(&a.dusun);
        if !dusun_known {
            created.insert(format!("d:{}", a.dusun));
        }
        let rw_known = areas.dusun_of.get(&a.dusun).is_some_and(|d| areas.rw_of.contains_key(&(*d, a.rw.clone())));
        if !rw_known {
            created.insert(format!("w:{}/{}", a.dusun, a.rw));
        }
        created.insert(format!("t:{}/{}/{}", a.dusun, a.rw, a.rt));
    }
    report.new_areas = u32::try_from(created.len()).unwrap_or(u32::MAX);
    report.new_families = u32::try_from(new_families.len()).unwrap_or(u32::MAX);
    report.errors.sort_by_key(|e| e.row);
    report.warnings.sort_by_key(|e| e.row);
    Ok(Plan { report, rows: planned, areas: new_areas })
}

/// Imports the file in one transaction: everything is written, or nothing. `progress` counts
/// the rows written so far (for a progress bar).
///
/// # Errors
/// As [`plan`]; a file with rejected rows is written without them (the report lists them).
pub async fn apply(
    db: &DatabaseConnection,
    village_id: i64,
    file_name: &str,
    bytes: &[u8],
    by: &Importer,
    progress: Option<Arc<AtomicU32>>,
) -> AppResult<ImportReport> {
    let txn = db.begin().await?;
    let plan = plan(&txn, village_id, file_name, bytes).await?;
    let mut report = plan.report;
    let now = Utc::now();

    // Areas: dusun → RW → RT, created where missing.
    let mut areas = load_areas(&txn, village_id).await?;
    for key in &plan.areas {
        let dusun = match areas.dusun_of.get(&key.dusun) {
            Some(id) => *id,
            None => {
                let id = insert_area(&txn, village_id, None, area::DUSUN, key.dusun.clone()).await?;
                areas.dusun_of.insert(key.dusun.clone(), id);
                id
            }
        };
        let rw = match areas.rw_of.get(&(dusun, key.rw.clone())) {
            Some(id) => *id,
            None => {
                let id = insert_area(&txn, village_id, Some(dusun), area::RW, key.rw.clone()).await?;
                areas.rw_of.insert((dusun, key.rw.clone()), id);
                id
            }
        };
        let rt = insert_area(&txn, village_id, Some(rw), area::RT, key.rt.clone()).await?;
        areas.rt_of.insert(key.clone(), rt);
    }

    // Families: the first row of a new KK gives its address and RT.
    let mut family_ids: HashMap<String, i64> = family::Entity::find()
        .select_only()
        .column(family::Column::KkNumber)
        .column(family::Column::Id)
        .filter(family::Column::VillageId.eq(village_id))
        .into_tuple::<(String, i64)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let mut new_families = Vec::new();
    let mut queued: HashSet<&str> = HashSet::new();
    for r in plan.rows.iter().filter(|r| !matches!(r.action, RowAction::Unchanged)) {
        if let Some(kk) = &r.kk {
            if !family_ids.contains_key(kk) && queued.insert(kk.as_str()) {
                new_families.push(family::ActiveModel {
                    village_id: Set(village_id),
                    kk_number: Set(kk.clone()),
                    address: Set(r.address.clone()),
                    rt_id: Set(areas.rt_of.get(&r.area).copied()),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    for chunk in new_families.chunks(500) {
        family::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    if !new_families.is_empty() {
        let kks: Vec<String> = queued.iter().map(|k| (*k).to_string()).collect();
        for chunk in kks.chunks(500) {
            let found: Vec<(String, i64)> = family::Entity::find()
                .select_only()
                .column(family::Column::KkNumber)
                .column(family::Column::Id)
                .filter(family::Column::VillageId.eq(village_id))
                .filter(family::Column::KkNumber.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&txn)
                .await?;
            family_ids.extend(found);
        }
    }

    // Residents: new ones in batches, changed ones one by one with their history.
    let mut inserts = Vec::new();
    let mut history = Vec::new();
    // Residents the file says are no longer alive here: their PINs and sessions end.
    let mut departed = Vec::new();
    let done = |n: usize| {
        if let Some(p) = &progress {
            p.fetch_add(u32::try_from(n).unwrap_or(u32::MAX), Ordering::Relaxed);
        }
    };
    for r in &plan.rows {
        let family_id = r.kk.as_ref().and_then(|kk| family_ids.get(kk)).copied();
        let rt_id = areas.rt_of.get(&r.area).copied();
        match &r.action {
            RowAction::Insert => inserts.push(active_model(village_id, &r.values, family_id, rt_id, now)),
            RowAction::Update { id, changes } => {
                if r.values.status != Status::Hidup {
                    departed.push(*id);
                }
                let mut m = active_model(village_id, &r.values, family_id, rt_id, now);
                m.id = Set(*id);
                m.created_at = sea_orm::ActiveValue::NotSet;
                m.phone = sea_orm::ActiveValue::NotSet;
                m.update(&txn).await?;
                history.push(resident_history::ActiveModel {
                    village_id: Set(village_id),
                    resident_id: Set(*id),
                    changes: Set(changes_json(changes)),
                    reason: Set(Some(format!("Impor berkas {file_name}"))),
                    changed_by: Set(by.official_id),
                    changed_by_name: Set(by.name.clone()),
                    created_at: Set(now),
                    ..Default::default()
                });
                done(1);
            }
            RowAction::Unchanged => done(1),
        }
        if inserts.len() >= 500 {
            let n = inserts.len();
            resident::Entity::insert_many(std::mem::take(&mut inserts)).exec(&txn).await?;
            done(n);
        }
    }
    if !inserts.is_empty() {
        let n = inserts.len();
        resident::Entity::insert_many(inserts).exec(&txn).await?;
        done(n);
    }
    for chunk in history.chunks(500) {
        resident_history::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    for chunk in departed.chunks(500) {
        crate::access::session::forget_credentials(&txn, chunk).await?;
    }
    audit::record(
        &txn,
        audit::Entry {
            village_id: Some(village_id),
            actor: match by.official_id {
                Some(id) => Actor::Official { id, name: by.name.clone() },
                None => Actor::Anonymous,
            },
            action: Action::RegistryImported,
            subject: None,
            detail: Some(format!(
                "{file_name}: {} baru, {} diubah, {} tetap, {} ditolak{}",
                report.new,
                report.updated,
                report.unchanged,
                report.rejected,
                if by.official_id.is_none() { format!(" (baris perintah: {})", by.name) } else { String::new() }
            )),
            ip: None,
        },
    )
    .await?;
    txn.commit().await?;
    if report.new + report.updated >= 1_000 {
        crate::db::refresh_statistics(db).await?;
    }
    report.applied = true;
    Ok(report)
}

/// The JSON of the history's change list.
pub fn changes_json(changes: &[Change]) -> String {
    let list: Vec<serde_json::Value> =
        changes.iter().map(|(f, b, a)| serde_json::json!({ "field": f, "before": b, "after": a })).collect();
    serde_json::Value::Array(list).to_string()
}

fn active_model(
    village_id: i64,
    values: &Values,
    family_id: Option<i64>,
    rt_id: Option<i64>,
    now: chrono::DateTime<Utc>,
) -> resident::ActiveModel {
    let v = &values.v;
    resident::ActiveModel {
        village_id: Set(village_id),
        family_id: Set(family_id),
        nik: Set(v.nik.as_str().to_string()),
        name: Set(v.name.clone()),
        name_key: Set(v.name.to_lowercase()),
        sex: Set(v.sex.to_string()),
        birth_place: Set(v.birth_place.clone()),
        birth_date: Set(v.birth_date),
        religion: Set(v.religion.clone()),
        education: Set(v.education.clone()),
        education_current: Set(v.education_current.clone()),
        occupation: Set(v.occupation.clone()),
        marital_status: Set(v.marital_status.clone()),
        relationship: Set(v.relationship.clone()),
        citizenship: Set(v.citizenship.clone()),
        blood_type: Set(v.blood_type.clone()),
        father_nik: Set(v.father_nik.clone()),
        father_name: Set(v.father_name.clone()),
        mother_nik: Set(v.mother_nik.clone()),
        mother_name: Set(v.mother_name.clone()),
        disability: Set(v.disability.clone()),
        phone: Set(v.phone.clone()),
        documents: Set(values.documents.clone()),
        status: Set(values.status),
        rt_id: Set(rt_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_parts_are_normalised() {
        assert_eq!(area_part("4"), "004");
        assert_eq!(area_part(" 004 "), "004");
        assert_eq!(area_part("-"), "-");
        assert_eq!(area_part(""), "-");
        assert_eq!(area_part("Kebon  Jeruk"), "KEBON JERUK");
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(date_text(&Cell::Number(28_942.0)), "1979-03-28");
        assert_eq!(date_text(&Cell::Text("28-03-1979".into())), "28-03-1979");
    }
}
