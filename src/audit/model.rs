//! The audit log as officials browse it.

use serde::{Deserialize, Serialize};

/// The actions a filter can choose, with their names in Bahasa Indonesia.
pub const ACTIONS: &[(&str, &str)] = &[
    ("sign_in", "Masuk"),
    ("sign_in_failed", "Gagal masuk"),
    ("sign_out", "Keluar"),
    ("pin_issued", "PIN warga diberikan/diatur ulang"),
    ("pin_changed", "Warga mengganti PIN"),
    ("official_created", "Akun perangkat dibuat"),
    ("official_changed", "Akun perangkat diubah"),
    ("password_reset", "Kata sandi perangkat diatur ulang"),
    ("password_changed", "Kata sandi diganti sendiri"),
    ("village_created", "Desa ditambahkan"),
    ("resident_viewed", "Data lengkap penduduk dilihat"),
    ("resident_created", "Penduduk ditambahkan"),
    ("resident_updated", "Data penduduk diubah"),
    ("event_recorded", "Peristiwa kependudukan dicatat"),
    ("family_updated", "Alamat/RT keluarga diubah"),
    ("letter_type_saved", "Jenis surat diubah"),
    ("letter_requested", "Surat diminta/dibuat"),
    ("letter_signed", "Surat ditandatangani"),
    ("letter_revoked", "Surat dicabut"),
    ("registry_imported", "Impor data penduduk"),
    ("registry_exported", "Ekspor data penduduk"),
    ("correction_requested", "Warga meminta perbaikan data"),
    ("correction_resolved", "Permintaan perbaikan diselesaikan"),
    ("map_changed", "Peta desa diubah"),
    ("market_changed", "Pasar desa: lapak atau produk diubah"),
    ("article_saved", "Berita desa ditulis, diubah, diterbitkan atau dihapus"),
    ("portal_changed", "Profil, perangkat, pengumuman, agenda atau APBDes desa diubah"),
    ("api_residents_read", "Data penduduk dibaca lewat API"),
];

/// The words for a stored action name (the name itself when unknown).
pub fn action_label(action: &str) -> String {
    ACTIONS.iter().find(|(a, _)| *a == action).map_or_else(|| action.to_string(), |(_, l)| (*l).to_string())
}

/// What to show: all of it by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// A stored action name, or empty for all.
    pub action: String,
    /// Part of the actor's name.
    pub who: String,
    /// `YYYY-MM-DD`, inclusive, in WIB; empty for no bound.
    pub from: String,
    pub to: String,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub time: String,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// A page of the log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub items: Vec<AuditRow>,
    pub total: u64,
    pub links: crate::ui::PageLinks,
}

pub const PER_PAGE: u64 = 50;

/// One line of "who accessed my data".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub time: String,
    /// "Anda", "Asep Saepudin (Operator Desa)", "Tidak dikenal".
    pub who: String,
    pub what: String,
}

/// A page of "who accessed my data".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessPage {
    pub items: Vec<AccessEntry>,
    pub links: crate::ui::PageLinks,
}
