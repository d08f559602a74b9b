//! Letter signatures: each village has an Ed25519 key; a signed letter's QR code carries its
//! canonical data and the signature over it, so anyone with the village's public key (published
//! on its site) can check a letter without the network, and the verification page can tell a
//! genuine letter from a tampered QR.
//!
//! Two forms of canonical data exist:
//! - `DIGDAYA-SURAT-2` (every letter signed since December 2026): what a checker compares with
//!   the paper — number, type, date, validity, signer, the resident's name and the last four
//!   digits of the NIK, the type's own fields as printed — and `dokumen`, the SHA-256 of the
//!   whole frozen letter (letterhead, body as rendered, place and date, signer). A letter whose
//!   name, NIK, purpose or any word of its body was changed no longer matches.
//! - `DIGDAYA-SURAT-1` (older letters): only village, code, number, type, date, signer and a
//!   masked name. Such letters still verify, marked as the older, weaker form.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// The first line of the older, weaker form.
pub const HEADER_V1: &str = "DIGDAYA-SURAT-1";
/// The first line of every canonical text signed now.
pub const HEADER: &str = "DIGDAYA-SURAT-2";

/// What a signature vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// 1 (older form: no validity, NIK, fields or digest) or 2.
    pub version: u8,
    /// The village's kode wilayah without dots (`3604052001`).
    pub village: String,
    /// The letter's verification code (in its address).
    pub code: String,
    pub number: String,
    pub kind: String,
    /// `yyyy-mm-dd`.
    pub date: String,
    /// `yyyy-mm-dd`, or `-` for a letter without an end date (empty in the older form).
    pub valid_until: String,
    pub signer: String,
    pub signer_title: String,
    /// The resident's name (masked, `Si** Am****`, in the older form).
    pub resident: String,
    /// The NIK with all but its last four digits hidden (`************0012`; empty in the
    /// older form).
    pub nik: String,
    /// The letter type's own fields as printed: `(label, value)`.
    pub fields: Vec<(String, String)>,
    /// `sha256:<hex>` of the frozen letter (empty in the older form).
    pub digest: String,
}

/// A value on one line: line breaks become spaces.
fn clean(v: &str) -> String {
    v.replace(['\n', '\r'], " ")
}

impl Canonical {
    /// `key=value` lines in a fixed order after the header; values never hold a line break, a
    /// field's label never holds `|` (its separator from the value).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut line = |k: &str, v: &str| {
            out.push('\n');
            out.push_str(k);
            out.push('=');
            out.push_str(&clean(v));
        };
        if self.version == 1 {
            line("desa", &self.village);
            line("kode", &self.code);
            line("nomor", &self.number);
            line("jenis", &self.kind);
            line("tanggal", &self.date);
            line("penanda_tangan", &self.signer);
            line("jabatan", &self.signer_title);
            line("warga", &self.resident);
            return format!("{HEADER_V1}{out}");
        }
        line("desa", &self.village);
        line("kode", &self.code);
        line("nomor", &self.number);
        line("jenis", &self.kind);
        line("tanggal", &self.date);
        line("berlaku_sampai", &self.valid_until);
        line("penanda_tangan", &self.signer);
        line("jabatan", &self.signer_title);
        line("warga", &self.resident);
        line("nik", &self.nik);
        for (label, value) in &self.fields {
            line("isian", &format!("{}|{}", label.replace('|', "/"), value));
        }
        line("dokumen", &self.digest);
        format!("{HEADER}{out}")
    }

    /// The canonical text read back (either form); None unless it has exactly the fields of
    /// its form in the right order.
    pub fn parse(text: &str) -> Option<Canonical> {
        let mut lines = text.split('\n').peekable();
        let version = match lines.next()? {
            HEADER_V1 => 1,
            HEADER => 2,
            _ => return None,
        };
        let mut field = |name: &str| -> Option<String> {
            let line = lines.next()?;
            line.strip_prefix(name)?.strip_prefix('=').map(str::to_string)
        };
        let mut c = Canonical {
            version,
            village: field("desa")?,
            code: field("kode")?,
            number: field("nomor")?,
            kind: field("jenis")?,
            date: field("tanggal")?,
            valid_until: String::new(),
            signer: String::new(),
            signer_title: String::new(),
            resident: String::new(),
            nik: String::new(),
            fields: Vec::new(),
            digest: String::new(),
        };
        if version == 2 {
            c.valid_until = field("berlaku_sampai")?;
        }
        c.signer = field("penanda_tangan")?;
        c.signer_title = field("jabatan")?;
        c.resident = field("warga")?;
        if version == 1 {
            return lines.next().is_none().then_some(c);
        }
        c.nik = field("nik")?;
        while let Some(line) = lines.next() {
            if let Some(pair) = line.strip_prefix("isian=") {
                let (label, value) = pair.split_once('|')?;
                c.fields.push((label.to_string(), value.to_string()));
            } else {
                c.digest = line.strip_prefix("dokumen=")?.to_string();
                return lines.next().is_none().then_some(c);
            }
        }
        None
    }
}

/// `sha256:<hex>` of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// `3604052503900012` → `************0012`: the last four digits, for comparing with the paper.
pub fn mask_nik(nik: &str) -> String {
    let chars: Vec<char> = nik.chars().collect();
    let keep = chars.len().min(4);
    let hidden = chars.len() - keep;
    "*".repeat(hidden) + &chars[hidden..].iter().collect::<String>()
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

/// The signed facts in words, in the order a checker reads the paper.
pub fn facts(c: &Canonical) -> Vec<(String, String)> {
    let mut out = vec![
        ("Nomor".to_string(), c.number.clone()),
        ("Jenis surat".to_string(), c.kind.clone()),
        ("Tanggal".to_string(), c.date.clone()),
    ];
    if c.version >= 2 {
        out.push(("Berlaku sampai".into(), c.valid_until.clone()));
    }
    out.push(("Atas nama".into(), c.resident.clone()));
    if c.version >= 2 {
        out.push(("NIK (4 angka terakhir)".into(), c.nik.clone()));
    }
    out.extend(c.fields.iter().cloned());
    out.push(("Penanda tangan".into(), format!("{} ({})", c.signer, c.signer_title)));
    if c.version >= 2 {
        out.push(("Sidik dokumen".into(), c.digest.clone()));
    } else {
        out.push((
            "Catatan".into(),
            "bentuk lama: hanya nomor, jenis, tanggal, penanda tangan dan nama tersamar yang dijamin".into(),
        ));
    }
    out
}

/// What a QR code's address says, checked against the village's published key without the
/// network: the signed facts, or why the letter is not genuine.
///
/// # Errors
/// The address has no data or signature, the data is not a canonical text, or the signature
/// does not match the key.
pub fn check_offline(public_key: &str, qr: &str) -> Result<Canonical, &'static str> {
    let query = qr.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| {
        query.split('&').find_map(|pair| pair.strip_prefix(name).and_then(|v| v.strip_prefix('='))).unwrap_or("")
    };
    let (data, signature) = (param("d"), param("s"));
    if data.is_empty() || signature.is_empty() {
        return Err("alamat QR tidak berisi data (d=) dan tanda tangan (s=)");
    }
    let text = unb64(data).and_then(|b| String::from_utf8(b).ok()).ok_or("data QR tidak terbaca")?;
    let canonical = Canonical::parse(&text).ok_or("data QR bukan data surat Digdaya")?;
    if !verify(public_key, &text, signature) {
        return Err("tanda tangan tidak cocok dengan kunci desa: surat ini TIDAK ASLI atau datanya diubah");
    }
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Canonical {
        Canonical {
            version: 2,
            village: "3604052001".into(),
            code: "K7Q2M9XA".into(),
            number: "470/012/2001/XI/2026".into(),
            kind: "Surat Keterangan Domisili".into(),
            date: "2026-11-28".into(),
            valid_until: "2027-02-26".into(),
            signer: "H. Ahmad Fauzi".into(),
            signer_title: "Kepala Desa".into(),
            resident: "Siti Aminah".into(),
            nik: mask_nik("3604054503900012"),
            fields: vec![("Keperluan".into(), "Melamar kerja".into()), ("Nama | usaha".into(), "Warung".into())],
            digest: digest(b"the letter"),
        }
    }

    fn older() -> Canonical {
        Canonical {
            version: 1,
            valid_until: String::new(),
            resident: "Si** Am****".into(),
            nik: String::new(),
            fields: Vec::new(),
            digest: String::new(),
            ..sample()
        }
    }

    #[test]
    fn canonical_text_round_trips() {
        let text = sample().to_text();
        assert!(text.starts_with("DIGDAYA-SURAT-2\n"));
        assert!(text.contains("\nnik=************0012\n"), "{text}");
        let back = Canonical::parse(&text).unwrap();
        let mut want = sample();
        want.fields[1].0 = "Nama / usaha".into();
        assert_eq!(back, want, "everything comes back; a label loses its |");
        assert_eq!(Canonical::parse(&text.replace("DIGDAYA-SURAT-2", "X")), None);
        assert_eq!(Canonical::parse(&format!("{text}\nextra=1")), None);
        assert_eq!(Canonical::parse(&text.replace("\ndokumen=", "\nx=")), None, "no digest, no letter");
        let sneaky = Canonical { resident: "A\nnomor=1".into(), ..sample() };
        assert_eq!(Canonical::parse(&sneaky.to_text()).unwrap().resident, "A nomor=1");
        let no_fields = Canonical { fields: Vec::new(), ..sample() };
        assert_eq!(Canonical::parse(&no_fields.to_text()), Some(no_fields));
    }

    #[test]
    fn the_older_form_still_reads() {
        let text = older().to_text();
        assert!(text.starts_with("DIGDAYA-SURAT-1\ndesa="));
        assert_eq!(
            text,
            "DIGDAYA-SURAT-1\ndesa=3604052001\nkode=K7Q2M9XA\nnomor=470/012/2001/XI/2026\njenis=Surat Keterangan \
             Domisili\ntanggal=2026-11-28\npenanda_tangan=H. Ahmad Fauzi\njabatan=Kepala Desa\nwarga=Si** Am****"
        );
        assert_eq!(Canonical::parse(&text), Some(older()));
        assert_eq!(Canonical::parse(&format!("{text}\nnik=1")), None);
    }

    #[test]
    fn niks_keep_their_last_four_digits() {
        assert_eq!(mask_nik("3604054503900012"), "************0012");
        assert_eq!(mask_nik("12"), "12");
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let (public, secret) = new_key();
        let text = sample().to_text();
        let sig = sign(&secret, &text).unwrap();
        assert!(verify(&public, &text, &sig));
        for changed in [
            Canonical { number: "470/013/2001/XI/2026".into(), ..sample() },
            Canonical { resident: "Siti Aminah Z".into(), ..sample() },
            Canonical { nik: mask_nik("3604054503900013"), ..sample() },
            Canonical { fields: vec![("Keperluan".into(), "Pinjaman bank".into())], ..sample() },
            Canonical { valid_until: "2030-01-01".into(), ..sample() },
            Canonical { digest: digest(b"another letter"), ..sample() },
        ] {
            assert!(!verify(&public, &changed.to_text(), &sig), "{changed:?}");
        }
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

    #[test]
    fn a_qr_is_checked_offline_with_the_published_key() {
        let (public, secret) = new_key();
        let sig = sign(&secret, &sample().to_text()).unwrap();
        let url = qr_url("https://desa.example", "/kramatwatu", &sample(), &sig);
        let mut want = sample();
        want.fields[1].0 = "Nama / usaha".into();
        assert_eq!(check_offline(&public, &url), Ok(want));
        let (other, _) = new_key();
        assert!(check_offline(&other, &url).is_err());
        let forged =
            qr_url("https://desa.example", "/kramatwatu", &Canonical { nik: mask_nik("1111"), ..sample() }, &sig);
        assert!(check_offline(&public, &forged).unwrap_err().contains("TIDAK ASLI"));
        assert!(check_offline(&public, "https://desa.example/kramatwatu/surat/cek/K7Q2M9XA").is_err());
    }
}
