//! The registers Permendagri 47/2016 requires of a village administration (server only):
//! Buku Induk Penduduk (every resident, model A.4.1) and Buku Mutasi Penduduk (arrivals and
//! departures of a year, model A.4.2), as table rows for the page and the export.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::codes;
use super::registry::{area_names, events_of};
use crate::db::entities::resident;
use crate::error::AppResult;

pub const INDUK_HEADER: [&str; 16] = [
    "No",
    "Nama Lengkap",
    "Jenis Kelamin",
    "Status Perkawinan",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Agama",
    "Pendidikan Terakhir",
    "Pekerjaan",
    "Dapat Membaca Huruf",
    "Kewarganegaraan",
    "Alamat Lengkap",
    "Kedudukan dalam Keluarga",
    "NIK",
    "Nomor KK",
    "Keterangan",
];

pub const MUTASI_HEADER: [&str; 11] = [
    "No",
    "Nama Lengkap",
    "Tempat & Tanggal Lahir",
    "Jenis Kelamin",
    "Kewarganegaraan",
    "Datang Dari",
    "Tanggal Datang/Lahir",
    "Pindah Ke",
    "Tanggal Pindah",
    "Tanggal Meninggal",
    "Keterangan",
];

fn sex(s: &str) -> &'static str {
    if s == "P" { "Perempuan" } else { "Laki-laki" }
}

/// Reading Latin letters: the incumbent's proxy is the education level.
fn literate(education: &str) -> &'static str {
    if education == "TIDAK / BELUM SEKOLAH" { "Belum/Tidak" } else { "Latin" }
}

/// Buku Induk Penduduk: every resident ever registered, the header first.
///
/// # Errors
/// Database failures.
pub async fn induk_rows<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<Vec<Vec<String>>> {
    let names = area_names(db, village_id).await?;
    let families = super::registry::families_of(db, village_id).await?;
    let residents = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(village_id))
        .order_by_asc(resident::Column::FamilyId)
        .order_by_asc(resident::Column::BirthDate)
        .all(db)
        .await?;
    let mut rows = vec![INDUK_HEADER.iter().map(|h| (*h).to_string()).collect::<Vec<_>>()];
    for (i, r) in residents.into_iter().enumerate() {
        let fam = r.family_id.and_then(|id| families.get(&id));
        let area = r.rt_id.and_then(|id| names.rt.get(&id)).map(|(_, l)| l.clone()).unwrap_or_default();
        let address = match fam.and_then(|f| f.address.clone()) {
            Some(a) if !area.is_empty() => format!("{a}, {area}"),
            Some(a) => a,
            None => area,
        };
        rows.push(vec![
            (i + 1).to_string(),
            r.name,
            sex(&r.sex).into(),
            r.marital_status,
            r.birth_place,
            r.birth_date.format("%d-%m-%Y").to_string(),
            r.religion,
            r.education.clone(),
            r.occupation,
            literate(&r.education).into(),
            r.citizenship,
            address,
            r.relationship,
            r.nik,
            fam.map(|f| f.kk_number.clone()).unwrap_or_default(),
            if r.status == crate::kit::resident::Status::Hidup {
                String::new()
            } else {
                codes::status_label(r.status.as_str()).to_string()
            },
        ]);
    }
    Ok(rows)
}

/// Buku Mutasi Penduduk of `year`: births, arrivals, departures, deaths, the header first.
///
/// # Errors
/// Database failures.
pub async fn mutasi_rows<C: ConnectionTrait>(db: &C, village_id: i64, year: i32) -> AppResult<Vec<Vec<String>>> {
    let events = events_of(db, village_id, None, Some(year)).await?;
    let ids: Vec<i64> = events.iter().map(|e| e.resident_id).collect();
    let mut people: HashMap<i64, resident::Model> = HashMap::new();
    for chunk in ids.chunks(500) {
        let found = resident::Entity::find().filter(resident::Column::Id.is_in(chunk.to_vec())).all(db).await?;
        people.extend(found.into_iter().map(|r| (r.id, r)));
    }
    let mut rows = vec![MUTASI_HEADER.iter().map(|h| (*h).to_string()).collect::<Vec<_>>()];
    for (i, e) in events.into_iter().enumerate() {
        let Some(r) = people.get(&e.resident_id) else { continue };
        let (mut from, mut arrived, mut to, mut left, mut died) =
            (String::new(), String::new(), String::new(), String::new(), String::new());
        match e.kind.as_str() {
            "lahir" => {
                from = "Lahir".into();
                arrived = e.date.clone();
            }
            "pindah_masuk" => {
                from = e.place.clone();
                arrived = e.date.clone();
            }
            "pindah_keluar" => {
                to = e.place.clone();
                left = e.date.clone();
            }
            "mati" => died = e.date.clone(),
            _ => {}
        }
        let mut note = vec![e.kind_label.clone()];
        if !e.document_number.is_empty() {
            note.push(format!("No. dokumen {}", e.document_number));
        }
        if !e.reason.is_empty() {
            note.push(e.reason.clone());
        }
        rows.push(vec![
            (i + 1).to_string(),
            r.name.clone(),
            format!("{}, {}", r.birth_place, r.birth_date.format("%d-%m-%Y")),
            sex(&r.sex).into(),
            r.citizenship.clone(),
            from,
            arrived,
            to,
            left,
            died,
            note.join("; "),
        ]);
    }
    Ok(rows)
}
