//! What the letter pages and the server exchange (no entity crosses the wire), and the rules
//! both sides apply: field kinds, the placeholders a body may use, name masking.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::kit::form::Problem;

/// The kind of a letter type's own field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Choice(Vec<String>),
    /// Another resident of the village (the deceased, the mother, …): their name fills
    /// `{{key}}`, their NIK `{{key_nik}}`.
    Resident,
}

impl FieldKind {
    /// `text`, `number`, `date`, `resident`, or `choice:A;B;C`.
    pub fn parse(text: &str) -> Option<FieldKind> {
        Some(match text.trim() {
            "text" => FieldKind::Text,
            "number" => FieldKind::Number,
            "date" => FieldKind::Date,
            "resident" => FieldKind::Resident,
            other => {
                let options: Vec<String> = other
                    .strip_prefix("choice:")?
                    .split(';')
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect();
                if options.is_empty() {
                    return None;
                }
                FieldKind::Choice(options)
            }
        })
    }

    pub fn as_text(&self) -> String {
        match self {
            FieldKind::Text => "text".into(),
            FieldKind::Number => "number".into(),
            FieldKind::Date => "date".into(),
            FieldKind::Resident => "resident".into(),
            FieldKind::Choice(options) => format!("choice:{}", options.join(";")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Lower case letters, digits and `_`; the placeholder `{{key}}`.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentDef {
    pub key: String,
    pub label: String,
    pub required: bool,
}

/// The placeholders every letter has: the resident's record, the village, the letter itself.
pub const STANDARD_SLOTS: &[(&str, &str)] = &[
    ("nama", "Nama pemohon"),
    ("nik", "NIK"),
    ("no_kk", "Nomor KK"),
    ("jenis_kelamin", "Jenis kelamin"),
    ("tempat_lahir", "Tempat lahir"),
    ("tanggal_lahir", "Tanggal lahir"),
    ("tempat_tanggal_lahir", "Tempat, tanggal lahir"),
    ("umur", "Umur"),
    ("agama", "Agama"),
    ("pendidikan", "Pendidikan"),
    ("pekerjaan", "Pekerjaan"),
    ("status_perkawinan", "Status perkawinan"),
    ("kewarganegaraan", "Kewarganegaraan"),
    ("nama_ayah", "Nama ayah"),
    ("nama_ibu", "Nama ibu"),
    ("alamat", "Alamat (KK)"),
    ("rt", "RT"),
    ("rw", "RW"),
    ("dusun", "Dusun"),
    ("alamat_lengkap", "Alamat, RT/RW, dusun"),
    ("nama_desa", "Nama desa"),
    ("kecamatan", "Kecamatan"),
    ("kabupaten", "Kabupaten/kota"),
    ("provinsi", "Provinsi"),
    ("nomor_surat", "Nomor surat"),
    ("tanggal_surat", "Tanggal surat"),
    ("berlaku_sampai", "Berlaku sampai"),
    ("jabatan_penanda_tangan", "Jabatan penanda tangan"),
    ("nama_penanda_tangan", "Nama penanda tangan"),
];

/// Whether `{{name}}` may be used in a body with these fields.
pub fn slot_known(name: &str, fields: &[FieldDef]) -> bool {
    STANDARD_SLOTS.iter().any(|(k, _)| *k == name)
        || fields.iter().any(|f| {
            f.key == name || (f.kind == FieldKind::Resident && name.strip_suffix("_nik") == Some(f.key.as_str()))
        })
}

/// A letter type as its editor shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LetterTypeForm {
    /// Lower case, digits and `-`; part of addresses (`/layanan/surat/domisili`).
    pub slug: String,
    pub code: String,
    pub title: String,
    pub fields: Vec<FieldDef>,
    pub attachments: Vec<AttachmentDef>,
    pub online: bool,
    pub active: bool,
    pub validity_days: Option<i32>,
    pub number_format: String,
    pub body: String,
}

/// How a village runs its letters (in `villages.settings`, key `letters`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Requests wait for the RT/RW's approval before the office checks them.
    pub rt_step: bool,
    /// The sekdes may sign (a.n. Kepala Desa), not only the kades.
    pub sekdes_signs: bool,
    /// `A4` or `F4`.
    pub paper: String,
}

/// The letters' settings page: the settings and whether the village has a logo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub settings: Settings,
    pub has_logo: bool,
}

fn is_key(text: &str, extra: char) -> bool {
    !text.is_empty()
        && text.len() <= 40
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == extra)
        && text.starts_with(|c: char| c.is_ascii_lowercase())
}

impl LetterTypeForm {
    /// Every rule a letter type must keep, on both sides; the body's placeholders included.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if !is_key(&self.slug, '-') {
            out.push(Problem::new(
                "slug",
                "Kode alamat hanya huruf kecil, angka dan tanda -, diawali huruf (paling panjang 40).",
            ));
        }
        let code = self.code.trim();
        if code.is_empty() || code.len() > 20 {
            out.push(Problem::new("code", "Kode surat wajib diisi (paling panjang 20 huruf), mis. 470."));
        }
        let title = self.title.trim();
        if title.len() < 5 || title.len() > 120 {
            out.push(Problem::new("title", "Judul surat 5 sampai 120 huruf."));
        }
        let mut seen: Vec<&str> = Vec::new();
        for f in &self.fields {
            if !is_key(&f.key, '_') {
                out.push(Problem::new("fields", format!("Kode isian \"{}\" hanya huruf kecil, angka dan _.", f.key)));
            } else if STANDARD_SLOTS.iter().any(|(k, _)| *k == f.key) {
                out.push(Problem::new("fields", format!("Kode isian \"{}\" sudah dipakai data penduduk/desa.", f.key)));
            } else if seen.contains(&f.key.as_str()) {
                out.push(Problem::new("fields", format!("Kode isian \"{}\" dipakai dua kali.", f.key)));
            }
            seen.push(&f.key);
            if f.label.trim().is_empty() {
                out.push(Problem::new("fields", format!("Isian \"{}\" belum diberi label.", f.key)));
            }
        }
        if self.fields.len() > 20 {
            out.push(Problem::new("fields", "Paling banyak 20 isian."));
        }
        let mut seen: Vec<&str> = Vec::new();
        for a in &self.attachments {
            if !is_key(&a.key, '_') || seen.contains(&a.key.as_str()) {
                out.push(Problem::new(
                    "attachments",
                    format!("Kode lampiran \"{}\" tidak sah atau dipakai dua kali.", a.key),
                ));
            }
            seen.push(&a.key);
            if a.label.trim().is_empty() {
                out.push(Problem::new("attachments", format!("Lampiran \"{}\" belum diberi label.", a.key)));
            }
        }
        if self.attachments.len() > 6 {
            out.push(Problem::new("attachments", "Paling banyak 6 lampiran."));
        }
        if let Some(d) = self.validity_days
            && !(1..=3650).contains(&d)
        {
            out.push(Problem::new("validity_days", "Masa berlaku 1 sampai 3650 hari, atau kosong."));
        }
        if let Err(e) = super::numbering::NumberFormat::parse(&self.number_format) {
            out.push(Problem::new("number_format", e));
        }
        if let Err(e) = super::template::Template::parse(&self.body, |n| slot_known(n, &self.fields)) {
            out.push(Problem::new("body", e.to_string()));
        }
        out
    }
}

/// A letter type in lists and on the resident's menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterTypeRow {
    pub id: i64,
    pub slug: String,
    pub code: String,
    pub title: String,
    pub online: bool,
    pub active: bool,
}

/// A letter type as the request form needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterTypeView {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub fields: Vec<FieldDef>,
    pub attachments: Vec<AttachmentDef>,
    pub online: bool,
}

/// A request in a queue or in the resident's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub id: i64,
    pub kind: String,
    pub resident: String,
    pub status: super::status::Status,
    pub number: Option<String>,
    /// `dd-mm-yyyy hh:mm`, WIB.
    pub updated: String,
}

/// A page of the officials' queue, with the count of every status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub counts: Vec<(super::status::Status, u64)>,
    pub items: Vec<RequestRow>,
    pub total: u64,
    pub links: crate::ui::PageLinks,
}

/// A step in a request's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub status: super::status::Status,
    pub note: String,
    pub who: String,
    pub when: String,
}

/// A file attached to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub id: i64,
    pub is_pdf: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub key: String,
    pub label: String,
    pub required: bool,
    pub files: Vec<FileView>,
}

/// One request as its resident or an official sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub id: i64,
    pub kind: String,
    pub status: super::status::Status,
    pub resident_id: i64,
    pub resident: String,
    /// `(label, value)` of the type's fields.
    pub values: Vec<(String, String)>,
    pub attachments: Vec<AttachmentView>,
    pub timeline: Vec<TimelineEntry>,
    pub number: Option<String>,
    pub reason: Option<String>,
    /// The steps the viewer may take now.
    pub steps: Vec<super::status::Step>,
    /// The letter's text as it will be (or was) printed.
    pub preview: String,
    /// The public verification address, once signed.
    pub verify_url: Option<String>,
    /// For officials, once signed: a WhatsApp link with a message telling the resident.
    pub whatsapp: Option<String>,
}

/// What the verification page says about a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Signed by this village; the facts below are the ones signed (and whether the letter was
    /// revoked since, or has expired).
    Genuine(VerifiedFacts),
    /// The code exists but the data in the QR (or the letter kept by the village) is not what
    /// was signed.
    Tampered,
    /// No letter of this village has this code.
    Unknown,
}

/// What a checker compares with the paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedFacts {
    pub number: String,
    pub kind: String,
    pub date: String,
    pub signer: String,
    pub signer_title: String,
    /// The resident's name (masked in the older form).
    pub resident: String,
    /// The NIK's last four digits (`************0012`; empty in the older form).
    pub nik: String,
    /// The type's own fields as printed (the purpose among them).
    pub fields: Vec<(String, String)>,
    /// The last day the letter is valid, written out (`None`: no end date, or the older form).
    pub valid_until: Option<String>,
    /// The validity has ended.
    pub expired: bool,
    /// The village revoked the letter: when (written out) and why.
    pub revoked: Option<(String, String)>,
    /// Signed in the older form, which covers only number, type, date, signer and a masked
    /// name (letters signed before December 2026).
    pub older_form: bool,
    /// The QR's own signature was checked too (false when the page was opened without it).
    pub signature_checked: bool,
}

/// `Siti Aminah` → `Si** Am****`: enough for the holder to recognise, not for a stranger to learn.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|word| {
            let chars: Vec<char> = word.chars().collect();
            let keep = if chars.len() <= 2 { 1 } else { 2 };
            chars.iter().enumerate().map(|(i, c)| if i < keep { *c } else { '*' }).collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The values a request was made with: the type's fields by key.
pub type Values = BTreeMap<String, String>;

/// A letter request kept on a phone until there is a signal (`outbox`), with photos of its
/// attachments (files `berkas:{attachment}`).
pub const OUTBOX_KIND: crate::outbox::model::Kind = crate::outbox::model::Kind::new("surat");

/// A letter request as the outbox carries it: the type and the values of its fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterItem {
    pub type_id: i64,
    pub values: Values,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> LetterTypeForm {
        LetterTypeForm {
            slug: "domisili".into(),
            code: "470".into(),
            title: "Surat Keterangan Domisili".into(),
            fields: vec![
                FieldDef { key: "keperluan".into(), label: "Keperluan".into(), kind: FieldKind::Text, required: true },
                FieldDef { key: "ibu".into(), label: "Ibu".into(), kind: FieldKind::Resident, required: false },
            ],
            attachments: vec![AttachmentDef { key: "ktp".into(), label: "Foto KTP".into(), required: true }],
            online: true,
            active: true,
            validity_days: Some(90),
            number_format: super::super::numbering::DEFAULT_FORMAT.into(),
            body: "Nama | {{nama}}\nIbu | {{ibu}} ({{ibu_nik}})\n\nUntuk {{keperluan}}.".into(),
        }
    }

    #[test]
    fn a_good_type_has_no_problems() {
        assert_eq!(sample().problems(), []);
    }

    #[test]
    fn an_unknown_placeholder_is_named() {
        let t = LetterTypeForm { body: "Untuk {{keperluan}} dan {{tujuan}}.".into(), ..sample() };
        assert_eq!(t.problems(), [Problem::new("body", "Isian {{tujuan}} tidak dikenal.")]);
    }

    #[test]
    fn keys_labels_and_formats_are_checked() {
        let mut t = sample();
        t.slug = "Domisili!".into();
        t.fields.push(FieldDef { key: "nama".into(), label: "Nama".into(), kind: FieldKind::Text, required: false });
        t.fields.push(FieldDef { key: "keperluan".into(), label: "".into(), kind: FieldKind::Text, required: false });
        t.number_format = "[kode]/[tahun]".into();
        t.validity_days = Some(0);
        let fields: Vec<String> = t.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["slug", "fields", "fields", "fields", "validity_days", "number_format"]);
    }

    #[test]
    fn field_kinds_round_trip() {
        for text in ["text", "number", "date", "resident", "choice:Laki-laki;Perempuan"] {
            assert_eq!(FieldKind::parse(text).unwrap().as_text(), text);
        }
        assert_eq!(FieldKind::parse("choice:"), None);
        assert_eq!(FieldKind::parse("photo"), None);
    }

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("Siti Aminah"), "Si** Am****");
        assert_eq!(mask_name("  Ujang  "), "Uj***");
        assert_eq!(mask_name("H. Ahmad"), "H* Ah***");
        assert_eq!(mask_name("Jo"), "J*");
    }
}
