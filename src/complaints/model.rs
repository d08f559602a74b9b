//! Complaints shared by both builds: categories, the three statuses and their moves, the
//! report's rules (checked in the browser before sending and again on the server), and the DTOs
//! the pages receive.

use serde::{Deserialize, Serialize};

pub use crate::geo::map::VillageMap;
pub use crate::kit::form::Problem;
use crate::population::record::{name_problem, parse_phone};

/// What a report is about.
pub const CATEGORIES: &[&str] = &[
    "Jalan dan jembatan",
    "Lampu jalan",
    "Air bersih",
    "Saluran dan banjir",
    "Sampah dan kebersihan",
    "Keamanan dan ketertiban",
    "Kesehatan",
    "Pelayanan kantor desa",
    "Bantuan sosial",
    "Lainnya",
];

/// The text of a report or a reply: at least this many characters …
pub const MIN_TEXT: usize = 10;
/// … and at most this many.
pub const MAX_TEXT: usize = 2000;
/// Photos on one report (the reporter's and the officials').
pub const MAX_PHOTOS: usize = 6;

/// The stored words live in the kernel, beside the entities that store them.
pub use crate::kit::complaint::Status;

/// A report with its place and photos (files `foto`), kept on a phone until there is a signal
/// (`outbox`); it travels as a `ReportInput`.
pub const OUTBOX_KIND: crate::outbox::model::Kind = crate::outbox::model::Kind::new("pengaduan");

/// A new report, as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    pub category: String,
    pub body: String,
    /// The pin (or the phone's location).
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// A dusun chosen by hand when there is no pin.
    pub area_id: Option<i64>,
    /// Visitors only (a signed-in resident is known).
    pub name: String,
    pub phone: String,
}

fn text_problem(text: &str) -> Option<String> {
    let n = text.trim().chars().count();
    if n < MIN_TEXT {
        Some(format!("Tulis paling sedikit {MIN_TEXT} huruf."))
    } else if n > MAX_TEXT {
        Some(format!("Paling panjang {MAX_TEXT} huruf (sekarang {n})."))
    } else {
        None
    }
}

impl ReportInput {
    /// The rules that need no database. `visitor`: the reporter is not signed in.
    pub fn problems(&self, visitor: bool) -> Vec<Problem> {
        let mut out = Vec::new();
        if !CATEGORIES.contains(&self.category.as_str()) {
            out.push(Problem::new("category", "Pilih kategori laporan."));
        }
        if let Some(m) = text_problem(&self.body) {
            out.push(Problem::new("body", m));
        }
        match (self.lat, self.lng) {
            (Some(lat), Some(lng))
                if !(lat.is_finite() && lng.is_finite() && lat.abs() <= 90.0 && lng.abs() <= 180.0) =>
            {
                out.push(Problem::new("place", "Lokasi tidak sah; pilih lagi titik di peta."));
            }
            (Some(_), Some(_)) => {}
            _ if self.area_id.is_some() => {}
            _ => out.push(Problem::new("place", "Tandai lokasi di peta, pakai lokasi ponsel, atau pilih dusunnya.")),
        }
        if visitor {
            if let Some(m) = name_problem(self.name.trim()) {
                out.push(Problem::new("name", m));
            }
            if let Err(m) = parse_phone(&self.phone) {
                out.push(Problem::new("phone", m));
            }
        }
        out
    }
}

/// A reply (or the reporter's follow-up).
pub fn reply_problem(text: &str) -> Option<String> {
    text_problem(text)
}

/// What the report form needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportForm {
    /// The signed-in resident's name; `None` for a visitor.
    pub reporter: Option<String>,
    /// Whether a visitor may report (if not, they are asked to sign in).
    pub visitors: bool,
    pub dusun: Vec<(i64, String)>,
    pub map: VillageMap,
}

/// A filed report: where to follow it (a visitor's link carries the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    pub id: i64,
    pub token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintRow {
    pub id: i64,
    pub category: String,
    pub place: String,
    pub status: Status,
    pub excerpt: String,
    /// Officials only.
    pub reporter: Option<String>,
    pub created: String,
    pub updated: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintQueue {
    pub rows: Vec<ComplaintRow>,
    pub total: u64,
    pub links: crate::ui::PageLinks,
    /// Reports per status (all categories and places).
    pub counts: Vec<(Status, u64)>,
    /// The village's dusun, for the filter.
    pub dusun: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub from_official: bool,
    pub author: String,
    pub body: String,
    pub status: Option<Status>,
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintDetail {
    pub id: i64,
    pub category: String,
    pub body: String,
    pub place: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub status: Status,
    pub reporter: String,
    /// Officials only; with a prepared WhatsApp link.
    pub phone: Option<String>,
    pub whatsapp: Option<String>,
    pub created: String,
    pub photos: Vec<i64>,
    pub messages: Vec<Message>,
    /// The caller is one of the village's officials (may move the status).
    pub official: bool,
    pub moves: Vec<Status>,
    /// The caller may write in the thread and add photos.
    pub can_write: bool,
    pub map: VillageMap,
}

/// A resolved report on the public list: no reporter, the dusun only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicReport {
    pub category: String,
    pub dusun: String,
    pub body: String,
    pub answer: String,
    pub reported: String,
    pub resolved: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicList {
    /// The village publishes resolved reports.
    pub enabled: bool,
    pub rows: Vec<PublicReport>,
    pub total: u64,
    pub links: crate::ui::PageLinks,
}

/// How a village runs its complaints (in `villages.settings`, key `complaints`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Visitors with a phone number may report, not only signed-in residents.
    pub visitors: bool,
    /// Resolved reports are listed publicly (without the reporter).
    pub public_list: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ReportInput {
        ReportInput {
            category: "Jalan dan jembatan".into(),
            body: "Jalan berlubang besar di depan masjid".into(),
            lat: Some(-6.05),
            lng: Some(106.1),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_report_passes() {
        assert!(good().problems(false).is_empty());
        let visitor = ReportInput { name: "Siti Aminah".into(), phone: "0812 3456 7890".into(), ..good() };
        assert!(visitor.problems(true).is_empty());
    }

    #[test]
    fn each_rule_names_its_field() {
        let fields = |r: ReportInput, v: bool| r.problems(v).into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(fields(ReportInput { category: "Gosip".into(), ..good() }, false), ["category"]);
        assert_eq!(fields(ReportInput { body: "rusak".into(), ..good() }, false), ["body"]);
        assert_eq!(fields(ReportInput { body: "x".repeat(MAX_TEXT + 1), ..good() }, false), ["body"]);
        assert_eq!(fields(ReportInput { lat: None, ..good() }, false), ["place"]);
        assert_eq!(fields(ReportInput { lat: Some(91.0), ..good() }, false), ["place"]);
        assert!(fields(ReportInput { lat: None, lng: None, area_id: Some(3), ..good() }, false).is_empty());
        assert_eq!(fields(good(), true), ["name", "phone"]);
    }

    #[test]
    fn statuses_move_forward_and_reopen() {
        assert_eq!(Status::Baru.moves(), [Status::Diproses]);
        assert_eq!(Status::Diproses.moves(), [Status::Selesai]);
        assert_eq!(Status::Selesai.moves(), [Status::Diproses]);
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
