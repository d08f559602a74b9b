//! The rest of a village's portal, shared by both builds: the profile (texts, contact, office
//! hours, the people of the village government), announcements with an end date, the agenda,
//! and the home page's data. Each input has its rules here, checked in the browser before
//! sending and again on the server.

use serde::{Deserialize, Serialize};

use super::model::{ArticleCard, Problem};
use crate::population::model::Count;
use crate::village::model::VillageInfo;

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn required(problems: &mut Vec<Problem>, field: &str, text: &str, what: &str, min: usize, max: usize) {
    match words(text).chars().count() {
        0 => problems.push(Problem::new(field, format!("{what} wajib diisi."))),
        n if n < min => problems.push(Problem::new(field, format!("{what} paling sedikit {min} huruf."))),
        n if n > max => problems.push(Problem::new(field, format!("{what} paling panjang {max} huruf."))),
        _ => {}
    }
}

fn optional(problems: &mut Vec<Problem>, field: &str, text: &str, what: &str, max: usize) {
    if text.trim().chars().count() > max {
        problems.push(Problem::new(field, format!("{what} paling panjang {max} huruf.")));
    }
}

/// The profile's texts (kept in the village's settings, section `profil`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Plain text; blank lines separate paragraphs.
    pub history: String,
    pub vision: String,
    /// Plain text; one point per line.
    pub mission: String,
    pub address: String,
    /// "Senin–Jumat 08.00–15.00", one line per row.
    pub hours: String,
    pub phone: String,
    pub email: String,
    /// Storage key of the home page's photo (server only; never sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero_key: Option<String>,
}

pub const LONG_TEXT_MAX: usize = 10_000;

impl Profile {
    /// Every rule the profile keeps.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        optional(&mut problems, "history", &self.history, "Sejarah desa", LONG_TEXT_MAX);
        optional(&mut problems, "vision", &self.vision, "Visi", 1_000);
        optional(&mut problems, "mission", &self.mission, "Misi", 3_000);
        optional(&mut problems, "address", &self.address, "Alamat kantor", 200);
        optional(&mut problems, "hours", &self.hours, "Jam pelayanan", 300);
        let phone = self.phone.trim();
        let phone_ok = phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
            && (8..=15).contains(&phone.chars().filter(char::is_ascii_digit).count());
        if !(phone.is_empty() || phone_ok) {
            problems.push(Problem::new("phone", "Nomor telepon berisi 8–15 angka, misalnya 0254 123456."));
        }
        let email = self.email.trim();
        if !email.is_empty() {
            let good = email.len() <= 100
                && !email.contains(char::is_whitespace)
                && email.split_once('@').is_some_and(|(who, host)| {
                    !who.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
                });
            if !good {
                problems.push(Problem::new("email", "Alamat email tidak sah, misalnya desa@contoh.id."));
            }
        }
        problems
    }

    /// The texts trimmed, as they are kept.
    pub fn tidy(&self) -> Profile {
        Profile {
            history: self.history.trim().to_string(),
            vision: self.vision.trim().to_string(),
            mission: self.mission.trim().to_string(),
            address: words(&self.address),
            hours: self.hours.trim().to_string(),
            phone: words(&self.phone),
            email: self.email.trim().to_string(),
            hero_key: self.hero_key.clone(),
        }
    }
}

/// Paragraphs of a plain text (blank lines between them).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(words).filter(|p| !p.is_empty()).collect()
}

/// Non-empty lines of a plain text.
pub fn lines(text: &str) -> Vec<String> {
    text.lines().map(words).filter(|l| !l.is_empty()).collect()
}

/// A person of the village government on the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub title: String,
    /// The photo's address, if it has one.
    pub photo: Option<String>,
}

/// A person's fields as the form sends them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub name: String,
    pub title: String,
}

impl PersonInput {
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        required(&mut problems, "name", &self.name, "Nama", 3, 100);
        required(&mut problems, "title", &self.title, "Jabatan", 3, 100);
        problems
    }

    pub fn tidy(&self) -> PersonInput {
        PersonInput { name: words(&self.name), title: words(&self.title) }
    }
}

/// Most people a profile lists.
pub const PEOPLE_MAX: u64 = 40;

/// An announcement as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// `YYYY-MM-DD`.
    pub ends_on: String,
    /// "Berlaku sampai 5 Desember 2026".
    pub until: String,
    /// Still shown to the public today.
    pub current: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnnouncementInput {
    pub title: String,
    pub body: String,
    /// `YYYY-MM-DD` (a `date` field).
    pub ends_on: String,
}

fn day(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl AnnouncementInput {
    /// The rules; `today` is the village's date (an announcement cannot end before it).
    pub fn problems(&self, today: chrono::NaiveDate) -> Vec<Problem> {
        let mut problems = Vec::new();
        required(&mut problems, "title", &self.title, "Judul", 5, 150);
        required(&mut problems, "body", &self.body, "Isi pengumuman", 1, 3_000);
        match day(&self.ends_on) {
            None => problems.push(Problem::new("ends_on", "Pilih tanggal berakhirnya pengumuman.")),
            Some(d) if d < today => {
                problems.push(Problem::new("ends_on", "Tanggal berakhir tidak boleh sebelum hari ini."))
            }
            Some(d) if d > today + chrono::Duration::days(366) => {
                problems.push(Problem::new("ends_on", "Pengumuman paling lama berlaku satu tahun."))
            }
            Some(_) => {}
        }
        problems
    }

    pub fn ends(&self) -> Option<chrono::NaiveDate> {
        day(&self.ends_on)
    }
}

/// An event on the agenda as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// "Sabtu, 5 Desember 2026".
    pub when: String,
    /// "08.00" or empty.
    pub time: String,
    pub place: String,
    pub note: String,
    pub past: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventInput {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `HH:MM` or empty.
    pub time: String,
    pub place: String,
    pub note: String,
}

impl EventInput {
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        required(&mut problems, "title", &self.title, "Nama kegiatan", 5, 150);
        if day(&self.day).is_none() {
            problems.push(Problem::new("day", "Pilih tanggal kegiatan."));
        }
        if !self.time.trim().is_empty() && self.clock().is_none() {
            problems.push(Problem::new("time", "Jam ditulis JJ:MM, misalnya 08:00."));
        }
        required(&mut problems, "place", &self.place, "Tempat", 3, 150);
        optional(&mut problems, "note", &self.note, "Keterangan", 1_000);
        problems
    }

    pub fn day(&self) -> Option<chrono::NaiveDate> {
        day(&self.day)
    }

    /// `HH:MM` when the time is one.
    pub fn clock(&self) -> Option<String> {
        chrono::NaiveTime::parse_from_str(self.time.trim(), "%H:%M").ok().map(|t| t.format("%H:%M").to_string())
    }
}

/// The village at a glance on the home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Glance {
    pub residents: Count,
    pub families: Count,
    /// Hectares, from the boundary on the map.
    pub area_ha: Option<f64>,
    pub dusun: u64,
}

/// The village's outline for the home page's small map, drawn by the server (see
/// `geo::shape::Sketch`): SVG path data in a `width`×`height` frame.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    pub width: u32,
    pub height: u32,
    pub boundary: Vec<String>,
    pub areas: Vec<String>,
}

/// Everything the home page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Home {
    pub village: VillageInfo,
    pub profile: Profile,
    /// The hero photo's address, if the village has one.
    pub hero: Option<String>,
    pub logo: Option<String>,
    pub announcements: Vec<Announcement>,
    pub news: Vec<ArticleCard>,
    pub events: Vec<Event>,
    pub glance: Glance,
    pub outline: Option<Outline>,
}

/// The profile page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfilePage {
    pub village: VillageInfo,
    pub profile: Profile,
    pub people: Vec<Person>,
    /// The dusun with their numbers of RW and RT.
    pub dusun: Vec<(String, u64, u64)>,
}

/// An album of the gallery, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlbumCard {
    pub id: i64,
    pub title: String,
    pub photos: u64,
    /// The first photo's thumbnail.
    pub cover: Option<String>,
    pub date: String,
}

/// A photo of the gallery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GalleryPhoto {
    pub id: i64,
    pub url: String,
    pub thumb: String,
    pub width: i32,
    pub height: i32,
    pub caption: String,
}

/// An album with its photos.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlbumPage {
    pub id: i64,
    pub title: String,
    pub date: String,
    pub photos: Vec<GalleryPhoto>,
}

/// Most photos in one album.
pub const ALBUM_PHOTOS_MAX: u64 = 60;

/// An album's title: what is wrong with it.
pub fn album_problems(title: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    required(&mut problems, "title", title, "Judul album", 3, 150);
    problems
}

/// A village on the deployment's map: where it lands in the drawing, and (for the villages of
/// the list's current page) its name and address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dot {
    pub x: f32,
    pub y: f32,
    pub link: Option<(String, String)>,
}

/// A news item from one of the deployment's villages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VillageNews {
    pub village: String,
    pub href: String,
    pub card: ArticleCard,
}

/// The deployment's home page: its villages (searched and paged), where they are, and the
/// latest news across them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    pub villages: crate::village::model::VillagePage,
    /// The drawing's frame and a dot per village with a known place.
    pub map: Option<(u32, u32, Vec<Dot>)>,
    pub news: Vec<VillageNews>,
}

/// The announcements and agenda pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notices {
    pub announcements: Vec<Announcement>,
    pub upcoming: Vec<Event>,
    pub past: Vec<Event>,
}

/// What the officials' profile page edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileEdit {
    pub profile: Profile,
    pub has_hero: bool,
    pub people: Vec<Person>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn fields(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn profiles_check_contacts() {
        let mut p =
            Profile { phone: "0254 123456".into(), email: "pemdes@kramatwatu.desa.id".into(), ..Profile::default() };
        assert!(p.problems().is_empty());
        p.phone = "telp kantor".into();
        p.email = "pemdes@desa".into();
        p.history = "x".repeat(LONG_TEXT_MAX + 1);
        assert_eq!(fields(&p.problems()), ["history", "phone", "email"]);
    }

    #[test]
    fn announcements_end_from_today_within_a_year() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let a = |ends: &str| AnnouncementInput {
            title: "Pemadaman listrik".into(),
            body: "Besok.".into(),
            ends_on: ends.into(),
        };
        assert!(a("2026-11-29").problems(today).is_empty());
        assert_eq!(fields(&a("2026-11-28").problems(today)), ["ends_on"]);
        assert_eq!(fields(&a("2027-12-31").problems(today)), ["ends_on"]);
        assert_eq!(fields(&a("").problems(today)), ["ends_on"]);
        assert_eq!(fields(&AnnouncementInput::default().problems(today)), ["title", "body", "ends_on"]);
    }

    #[test]
    fn events_need_a_day_a_place_and_a_real_time() {
        let e = EventInput {
            title: "Posyandu balita".into(),
            day: "2026-12-05".into(),
            time: "8:30".into(),
            place: "Balai desa".into(),
            note: String::new(),
        };
        assert!(e.problems().is_empty());
        assert_eq!(e.clock().as_deref(), Some("08:30"));
        let bad = EventInput { time: "25:00".into(), day: "5 Des".into(), place: "".into(), ..e };
        assert_eq!(fields(&bad.problems()), ["day", "time", "place"]);
    }

    #[test]
    fn texts_become_paragraphs_and_lines() {
        assert_eq!(
            paragraphs("Desa berdiri\n tahun 1901.\n\n\nLalu  berkembang."),
            ["Desa berdiri tahun 1901.", "Lalu berkembang."]
        );
        assert_eq!(lines("1. Maju\n\n 2.  Sejahtera "), ["1. Maju", "2. Sejahtera"]);
    }
}
