//! Letter signatures: each village has an Ed25519 key; a signed letter's QR code carries its
//! canonical data and the signature over it, so anyone with the village's public key (published
//! on its site) can check a letter without the network, and the verification page can tell a
//! genuine letter from a tampered QR.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// The first line of every canonical text (the format's version).
pub const HEADER: &str = "DIGDAYA-SURAT-1";

/// What a signature vouches for: the facts the verification page shows, nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// The village's kode wilayah without dots (`3604052001`).
    pub village: String,
    /// The letter's verification code (in its address).
    pub code: String,
    pub number: String,
    pub kind: String,
    /// `yyyy-mm-dd`.
    pub date: String,
    pub signer: String,
    pub signer_title: String,
    /// The resident's name, masked (`Si** Am****`).
    pub resident: String,
}

impl Canonical {
    /// `key=value` lines in a fixed order after the header; values never hold a line break.
    pub fn to_text(&self) -> String {
        let clean = |v: &str| v.replace(['\n', '\r'], " ");
        format!(
            "{HEADER}\ndesa={}\nkode={}\nnomor={}\njenis={}\ntanggal={}\npenanda_tangan={}\njabatan={}\nwarga={}",
            clean(&self.village),
            clean(&self.code),
            clean(&self.number),
            clean(&self.kind),
            clean(&self.date),
            clean(&self.signer),
            clean(&self.signer_title),
            clean(&self.resident)
        )
    }

    /// The canonical text read back; None unless it has exactly the fields in the right order.
    pub fn parse(text: &str) -> Option<Canonical> {
        let mut lines = text.split('\n');
        if lines.next()? != HEADER {
            return None;
        }
        let mut field = |name: &str| -> Option<String> {
            let line = lines.next()?;
            line.strip_prefix(name)?.strip_prefix('=').map(str::to_string)
        };
        let c = Canonical {
            village: field("desa")?,
            code: field("kode")?,
            number: field("nomor")?,
            kind: field("jenis")?,
            date: field("tanggal")?,
            signer: field("penanda_tangan")?,
            signer_title: field("jabatan")?,
            resident: field("warga")?,
        };
        lines.next().is_none().then_some(c)
    }
}

/// A new key pair: `(public, secret)`, base64.
pub fn new_key() -> (String, String) {
    let mut seed = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut seed);
    let key = SigningKey::from_bytes(&seed);
    (b64(key.verifying_key().as_bytes()), b64(&seed))
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim()).ok()
}

/// The signature of `text` with the secret key (base64), base64.
pub fn sign(secret: &str, text: &str) -> Option<String> {
    let seed: [u8; 32] = unb64(secret)?.try_into().ok()?;
    Some(b64(&SigningKey::from_bytes(&seed).sign(text.as_bytes()).to_bytes()))
}

/// Whether `signature` is the village key's signature of `text` (all base64).
pub fn verify(public: &str, text: &str, signature: &str) -> bool {
    let (Some(key), Some(sig)) = (unb64(public), unb64(signature)) else { return false };
    let (Ok(key), Ok(sig)): (Result<[u8; 32], _>, Result<[u8; 64], _>) = (key.try_into(), sig.try_into()) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
    key.verify(text.as_bytes(), &Signature::from_bytes(&sig)).is_ok()
}

/// The address in the QR code: the verification page, with the canonical data and signature.
pub fn qr_url(base: &str, village_path: &str, c: &Canonical, signature: &str) -> String {
    format!(
        "{}{}/surat/cek/{}?d={}&s={}",
        base.trim_end_matches('/'),
        village_path,
        c.code,
        b64(c.to_text().as_bytes()),
        signature
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Canonical {
        Canonical {
            village: "3604052001".into(),
            code: "K7Q2M9XA".into(),
            number: "470/012/2001/XI/2026".into(),
            kind: "Surat Keterangan Domisili".into(),
            date: "2026-11-28".into(),
            signer: "H. Ahmad Fauzi".into(),
            signer_title: "Kepala Desa".into(),
            resident: "Si** Am****".into(),
        }
    }

    #[test]
    fn canonical_text_round_trips() {
        let text = sample().to_text();
        assert_eq!(Canonical::parse(&text), Some(sample()));
        assert_eq!(Canonical::parse(&text.replace("DIGDAYA-SURAT-1", "X")), None);
        assert_eq!(Canonical::parse(&format!("{text}\nextra=1")), None);
        let sneaky = Canonical { resident: "A\nnomor=1".into(), ..sample() };
        assert_eq!(Canonical::parse(&sneaky.to_text()).unwrap().resident, "A nomor=1");
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let (public, secret) = new_key();
        let text = sample().to_text();
        let sig = sign(&secret, &text).unwrap();
        assert!(verify(&public, &text, &sig));
        let changed = Canonical { number: "470/013/2001/XI/2026".into(), ..sample() }.to_text();
        assert!(!verify(&public, &changed, &sig), "another number");
        let (other, _) = new_key();
        assert!(!verify(&other, &text, &sig), "another village's key");
        assert!(!verify(&public, &text, "not-base64!"));
        assert!(!verify(&public, &text, &b64(&[0u8; 64])));
        assert!(sign("short", &text).is_none());
    }

    #[test]
    fn the_qr_address_carries_data_and_signature() {
        let url = qr_url("https://desa.example/", "/kramatwatu", &sample(), "SIG");
        assert!(url.starts_with("https://desa.example/kramatwatu/surat/cek/K7Q2M9XA?d="));
        let d = url.split("?d=").nth(1).unwrap().split('&').next().unwrap();
        assert_eq!(String::from_utf8(unb64(d).unwrap()).unwrap(), sample().to_text());
        assert!(url.ends_with("&s=SIG"));
    }
}
