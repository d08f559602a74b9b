//! The portal shared by both builds: article categories, an article's fields and their rules
//! (checked in the browser before sending and again on the server), slugs, and the DTOs.

use serde::{Deserialize, Serialize};

pub use crate::kit::form::Problem;

/// What an article is about.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("berita", "Berita desa"),
    ("pemerintahan", "Pemerintahan"),
    ("pembangunan", "Pembangunan"),
    ("kesehatan", "Kesehatan"),
    ("pendidikan", "Pendidikan"),
    ("ekonomi", "Ekonomi dan UMKM"),
    ("budaya", "Sosial dan budaya"),
    ("bencana", "Kebencanaan"),
];

/// The label of a category code (the code itself when unknown).
pub fn category_label(code: &str) -> &str {
    CATEGORIES.iter().find(|(c, _)| *c == code).map_or(code, |(_, label)| label)
}

/// Where an article stands. A published article whose time has not come is scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArticleStatus {
    Draf,
    Terjadwal,
    Terbit,
}

impl ArticleStatus {
    pub fn label(self) -> &'static str {
        match self {
            ArticleStatus::Draf => "Draf",
            ArticleStatus::Terjadwal => "Terjadwal",
            ArticleStatus::Terbit => "Terbit",
        }
    }
}

/// An article's fields as the editor sends them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleInput {
    pub title: String,
    pub category: String,
    /// Markdown.
    pub body: String,
    /// Published (now or at `publish_at`) rather than kept as a draft.
    pub publish: bool,
    /// `YYYY-MM-DDTHH:MM` in the village's time (WIB), empty for "now".
    pub publish_at: String,
}

pub const TITLE_MAX: usize = 150;
pub const BODY_MAX: usize = 50_000;

impl ArticleInput {
    /// Every rule an article keeps, on both sides.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        match title.chars().count() {
            0 => problems.push(Problem::new("title", "Judul wajib diisi.")),
            n if n < 5 => problems.push(Problem::new("title", "Judul paling sedikit 5 huruf.")),
            n if n > TITLE_MAX => {
                problems.push(Problem::new("title", format!("Judul paling panjang {TITLE_MAX} huruf.")))
            }
            _ => {}
        }
        if !CATEGORIES.iter().any(|(c, _)| *c == self.category.trim()) {
            problems.push(Problem::new("category", "Pilih kategori berita."));
        }
        match self.body.trim().chars().count() {
            0 => problems.push(Problem::new("body", "Isi berita wajib diisi.")),
            n if n > BODY_MAX => {
                problems.push(Problem::new("body", format!("Isi berita paling panjang {BODY_MAX} huruf.")))
            }
            _ => {}
        }
        if !self.publish_at.trim().is_empty() && parse_local(&self.publish_at).is_none() {
            problems.push(Problem::new("publish_at", "Waktu terbit tidak sah; pilih tanggal dan jam."));
        }
        problems
    }
}

/// `YYYY-MM-DDTHH:MM` (as a `datetime-local` field sends it) read as WIB (UTC+7).
pub fn parse_local(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some((local - crate::kit::time::WIB_OFFSET).and_utc())
}

/// An address-friendly form of a title: lowercase ASCII letters and digits joined by `-`, at
/// most 80 characters, cut at a word.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.len() <= 80 {
        return if slug.is_empty() { "berita".into() } else { slug.to_string() };
    }
    let cut = &slug[..80];
    cut.rsplit_once('-').map_or(cut, |(head, _)| head).to_string()
}

/// An article in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleCard {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub category: String,
    pub excerpt: String,
    /// "29 November 2026".
    pub date: String,
    pub status: ArticleStatus,
    pub cover: Option<String>,
}

/// An article's public page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticlePage {
    pub slug: String,
    pub title: String,
    pub category: String,
    pub date: String,
    /// Sanitised HTML (made from the Markdown when the article was saved).
    pub html: String,
    pub excerpt: String,
    pub cover: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_ascii_words() {
        assert_eq!(slugify("Kerja Bakti Dusun Kramat, Sabtu 7/12!"), "kerja-bakti-dusun-kramat-sabtu-7-12");
        assert_eq!(slugify("  Café & Résumé  "), "cafe-resume");
        assert_eq!(slugify("!!!"), "berita");
        let long = slugify(&"musyawarah desa ".repeat(12));
        assert!(long.len() <= 80 && !long.ends_with('-') && long.starts_with("musyawarah-desa"), "{long}");
    }

    #[test]
    fn article_rules() {
        let ok = ArticleInput {
            title: "Kerja bakti".into(),
            category: "berita".into(),
            body: "Isi.".into(),
            publish: true,
            publish_at: "2026-12-01T08:00".into(),
        };
        assert!(ok.problems().is_empty());
        let bad = ArticleInput {
            title: "Ab".into(),
            category: "x".into(),
            body: " ".into(),
            publish_at: "besok".into(),
            ..ok
        };
        let fields: Vec<String> = bad.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["title", "category", "body", "publish_at"]);
        assert_eq!(parse_local("2026-12-01T08:00").unwrap().to_rfc3339(), "2026-12-01T01:00:00+00:00");
    }
}
