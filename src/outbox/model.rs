//! What travels through the outbox (shared by the page and the server).

use serde::{Deserialize, Serialize};

pub use crate::kit::form::Problem;

/// A kind of item a phone may keep until there is a signal, by the name it travels and is
/// kept under (`surat`, `pengaduan`, `produk`). The slice that takes the items names its kind
/// beside what an item carries, and registers how it applies them (`outbox::http::Taker`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind(&'static str);

impl Kind {
    pub const fn new(name: &'static str) -> Kind {
        Kind(name)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// What became of one item. Written as JSON with a `state` tag; read through the flat
/// `OutcomeWire` (an internally tagged enum would bring serde's buffering code into the WASM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase", from = "OutcomeWire")]
pub enum Outcome {
    /// Applied, now or (`ulang`) the first time this key came: the page that shows it, and
    /// what was left out (e.g. a photo that was not a photo), so nothing is lost silently.
    Terkirim { alamat: String, ulang: bool, catatan: Vec<String> },
    /// Not applied yet: no signal, or the server could not finish it now; sent again later.
    Menunggu { pesan: String },
    /// Refused: the user must act (correct it, sign in again, or delete it).
    Gagal { pesan: String, masalah: Vec<Problem> },
}

/// An outcome as it is read: every field of every state, defaults for the missing ones.
#[derive(Deserialize, Default)]
#[serde(default)]
struct OutcomeWire {
    state: String,
    alamat: String,
    ulang: bool,
    catatan: Vec<String>,
    pesan: String,
    masalah: Vec<Problem>,
}

impl From<OutcomeWire> for Outcome {
    fn from(w: OutcomeWire) -> Outcome {
        match w.state.as_str() {
            "terkirim" => Outcome::Terkirim { alamat: w.alamat, ulang: w.ulang, catatan: w.catatan },
            "gagal" => Outcome::Gagal { pesan: w.pesan, masalah: w.masalah },
            // "menunggu", and anything unknown: kept and tried again.
            _ => Outcome::Menunggu { pesan: w.pesan },
        }
    }
}

impl Outcome {
    pub fn refused(pesan: impl Into<String>) -> Outcome {
        Outcome::Gagal { pesan: pesan.into(), masalah: Vec::new() }
    }

    /// The field problems of a refusal, with the message that sums them up.
    pub fn problems(masalah: Vec<Problem>) -> Outcome {
        let pesan = match masalah.as_slice() {
            [one] => one.message.clone(),
            _ => "Beberapa isian perlu diperbaiki.".to_string(),
        };
        Outcome::Gagal { pesan, masalah }
    }
}

/// The server's answer to a batch: one outcome per item, in the order sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub hasil: Vec<Outcome>,
}

/// A key as the phone makes it: a UUID version 4 in lower-case hex with hyphens.
/// A fresh key (UUID v4) for an item the server takes itself (a plain form's).
#[cfg(feature = "ssr")]
pub fn new_key() -> String {
    use rand_core::RngCore;
    let mut b = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

pub fn valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_uuid_v4() {
        assert!(valid_key("3f2b8c1e-9a4d-4c2b-8e1f-0a1b2c3d4e5f"));
        assert!(!valid_key("3f2b8c1e-9a4d-1c2b-8e1f-0a1b2c3d4e5f"), "version 1");
        assert!(!valid_key("3f2b8c1e-9a4d-4c2b-7e1f-0a1b2c3d4e5f"), "variant");
        assert!(!valid_key("3F2B8C1E-9A4D-4C2B-8E1F-0A1B2C3D4E5F"), "upper case");
        assert!(!valid_key("3f2b8c1e9a4d4c2b8e1f0a1b2c3d4e5f"), "no hyphens");
        assert!(!valid_key(""));
        for _ in 0..100 {
            let key = new_key();
            assert!(valid_key(&key), "{key}");
        }
    }

    #[test]
    fn outcomes_travel_as_tagged_json() {
        let done = Outcome::Terkirim { alamat: "/desa/layanan/permohonan/3".into(), ulang: false, catatan: vec![] };
        let json = serde_json::to_string(&done).unwrap();
        assert!(json.contains("\"state\":\"terkirim\""), "{json}");
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), done);
        let refused: Outcome = serde_json::from_str(r#"{"state":"gagal","pesan":"Masuk dulu."}"#).unwrap();
        assert_eq!(refused, Outcome::refused("Masuk dulu."));
    }
}
