//! The code lists of the registry (Dukcapil's lists, as the incumbent's import format numbers
//! them). The registry stores the label; imports map a code to it and exports map it back, so
//! the numbers round-trip one to one.

/// One code list: the import column it belongs to and its `(code, label)` entries.
#[derive(Debug, Clone, Copy)]
pub struct CodeList {
    pub column: &'static str,
    /// What a form or an error message calls it.
    pub title: &'static str,
    pub entries: &'static [(u16, &'static str)],
}

impl CodeList {
    pub fn label(&self, code: u16) -> Option<&'static str> {
        self.entries.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
    }

    pub fn code(&self, label: &str) -> Option<u16> {
        let wanted = normalise(label);
        self.entries.iter().find(|(_, l)| normalise(l) == wanted).map(|(c, _)| *c)
    }

    /// The stored label for a cell that holds a code (`"3"`, `3.0`) or a label, in any case.
    pub fn parse(&self, cell: &str) -> Option<&'static str> {
        let cell = cell.trim();
        let number = cell.strip_suffix(".0").unwrap_or(cell);
        match number.parse::<u16>() {
            Ok(code) => self.label(code),
            Err(_) => self.code(cell).and_then(|c| self.label(c)),
        }
    }

    pub fn labels(&self) -> Vec<String> {
        self.entries.iter().map(|(_, l)| (*l).to_string()).collect()
    }
}

/// Upper case with single spaces: `" Tamat  SD / sederajat"` → `"TAMAT SD / SEDERAJAT"`. ASCII
/// case only: the code labels are ASCII, and the browser build stays without the Unicode tables.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase()
}

pub const RELIGION: CodeList = CodeList {
    column: "agama_id",
    title: "agama",
    entries: &[
        (1, "ISLAM"),
        (2, "KRISTEN"),
        (3, "KATHOLIK"),
        (4, "HINDU"),
        (5, "BUDHA"),
        (6, "KHONGHUCU"),
        (7, "KEPERCAYAAN TERHADAP TUHAN YME / LAINNYA"),
    ],
};

pub const EDUCATION: CodeList = CodeList {
    column: "pendidikan_kk_id",
    title: "pendidikan dalam KK",
    entries: &[
        (1, "TIDAK / BELUM SEKOLAH"),
        (2, "BELUM TAMAT SD/SEDERAJAT"),
        (3, "TAMAT SD / SEDERAJAT"),
        (4, "SLTP/SEDERAJAT"),
        (5, "SLTA / SEDERAJAT"),
        (6, "DIPLOMA I / II"),
        (7, "AKADEMI/ DIPLOMA III/S. MUDA"),
        (8, "DIPLOMA IV/ STRATA I"),
        (9, "STRATA II"),
        (10, "STRATA III"),
    ],
};

pub const EDUCATION_CURRENT: CodeList = CodeList {
    column: "pendidikan_sedang_id",
    title: "pendidikan sedang ditempuh",
    entries: &[
        (1, "BELUM MASUK TK/KELOMPOK BERMAIN"),
        (2, "SEDANG TK/KELOMPOK BERMAIN"),
        (3, "TIDAK PERNAH SEKOLAH"),
        (4, "SEDANG SD/SEDERAJAT"),
        (5, "TIDAK TAMAT SD/SEDERAJAT"),
        (6, "SEDANG SLTP/SEDERAJAT"),
        (7, "SEDANG SLTA/SEDERAJAT"),
        (8, "SEDANG D-1/SEDERAJAT"),
        (9, "SEDANG D-2/SEDERAJAT"),
        (10, "SEDANG D-3/SEDERAJAT"),
        (11, "SEDANG S-1/SEDERAJAT"),
        (12, "SEDANG S-2/SEDERAJAT"),
        (13, "SEDANG S-3/SEDERAJAT"),
        (14, "SEDANG SLB A/SEDERAJAT"),
        (15, "SEDANG SLB B/SEDERAJAT"),
        (16, "SEDANG SLB C/SEDERAJAT"),
        (17, "TIDAK DAPAT MEMBACA DAN MENULIS HURUF LATIN/ARAB"),
        (18, "TIDAK SEDANG SEKOLAH"),
    ],
};

pub const OCCUPATION: CodeList = CodeList {
    column: "pekerjaan_id",
    title: "pekerjaan",
    entries: &[
        (1, "BELUM/TIDAK BEKERJA"),
        (2, "MENGURUS RUMAH TANGGA"),
        (3, "PELAJAR/MAHASISWA"),
        (4, "PENSIUNAN"),
        (5, "PEGAWAI NEGERI SIPIL (PNS)"),
        (6, "TENTARA NASIONAL INDONESIA (TNI)"),
        (7, "KEPOLISIAN RI (POLRI)"),
        (8, "PERDAGANGAN"),
        (9, "PETANI/PEKEBUN"),
        (10, "PETERNAK"),
        (11, "NELAYAN/PERIKANAN"),
        (12, "INDUSTRI"),
        (13, "KONSTRUKSI"),
        (14, "TRANSPORTASI"),
        (15, "KARYAWAN SWASTA"),
        (16, "KARYAWAN BUMN"),
        (17, "KARYAWAN BUMD"),
        (18, "KARYAWAN HONORER"),
        (19, "BURUH HARIAN LEPAS"),
        (20, "BURUH TANI/PERKEBUNAN"),
        (21, "BURUH NELAYAN/PERIKANAN"),
        (22, "BURUH PETERNAKAN"),
        (23, "PEMBANTU RUMAH TANGGA"),
        (24, "TUKANG CUKUR"),
        (25, "TUKANG LISTRIK"),
        (26, "TUKANG BATU"),
        (27, "TUKANG KAYU"),
        (28, "TUKANG SOL SEPATU"),
        (29, "TUKANG LAS/PANDAI BESI"),
        (30, "TUKANG JAHIT"),
        (31, "TUKANG GIGI"),
        (32, "PENATA RIAS"),
        (33, "PENATA BUSANA"),
        (34, "PENATA RAMBUT"),
        (35, "MEKANIK"),
        (36, "SENIMAN"),
        (37, "TABIB"),
        (38, "PARAJI"),
        (39, "PERANCANG BUSANA"),
        (40, "PENTERJEMAH"),
        (41, "IMAM MASJID"),
        (42, "PENDETA"),
        (43, "PASTOR"),
        (44, "WARTAWAN"),
        (45, "USTADZ/MUBALIGH"),
        (46, "JURU MASAK"),
        (47, "PROMOTOR ACARA"),
        (48, "ANGGOTA DPR-RI"),
        (49, "ANGGOTA DPD"),
        (50, "ANGGOTA BPK"),
        (51, "PRESIDEN"),
        (52, "WAKIL PRESIDEN"),
        (53, "ANGGOTA MAHKAMAH KONSTITUSI"),
        (54, "ANGGOTA KABINET KEMENTERIAN"),
        (55, "DUTA BESAR"),
        (56, "GUBERNUR"),
        (57, "WAKIL GUBERNUR"),
        (58, "BUPATI"),
        (59, "WAKIL BUPATI"),
        (60, "WALIKOTA"),
        (61, "WAKIL WALIKOTA"),
        (62, "ANGGOTA DPRD PROVINSI"),
        (63, "ANGGOTA DPRD KABUPATEN/KOTA"),
        (64, "DOSEN"),
        (65, "GURU"),
        (66, "PILOT"),
        (67, "PENGACARA"),
        (68, "NOTARIS"),
        (69, "ARSITEK"),
        (70, "AKUNTAN"),
        (71, "KONSULTAN"),
        (72, "DOKTER"),
        (73, "BIDAN"),
        (74, "PERAWAT"),
        (75, "APOTEKER"),
        (76, "PSIKIATER/PSIKOLOG"),
        (77, "PENYIAR TELEVISI"),
        (78, "PENYIAR RADIO"),
        (79, "PELAUT"),
        (80, "PENELITI"),
        (81, "SOPIR"),
        (82, "PIALANG"),
        (83, "PARANORMAL"),
        (84, "PEDAGANG"),
        (85, "PERANGKAT DESA"),
        (86, "KEPALA DESA"),
        (87, "BIARAWATI"),
        (88, "WIRASWASTA"),
        (89, "LAINNYA"),
    ],
};

pub const MARITAL: CodeList = CodeList {
    column: "status_kawin",
    title: "status perkawinan",
    entries: &[(1, "BELUM KAWIN"), (2, "KAWIN"), (3, "CERAI HIDUP"), (4, "CERAI MATI")],
};

pub const RELATIONSHIP: CodeList = CodeList {
    column: "kk_level",
    title: "hubungan dalam keluarga",
    entries: &[
        (1, "KEPALA KELUARGA"),
        (2, "SUAMI"),
        (3, "ISTRI"),
        (4, "ANAK"),
        (5, "MENANTU"),
        (6, "CUCU"),
        (7, "ORANGTUA"),
        (8, "MERTUA"),
        (9, "FAMILI LAIN"),
        (10, "PEMBANTU"),
        (11, "LAINNYA"),
    ],
};

pub const CITIZENSHIP: CodeList = CodeList {
    column: "warganegara_id",
    title: "kewarganegaraan",
    entries: &[(1, "WNI"), (2, "WNA"), (3, "DUA KEWARGANEGARAAN")],
};

pub const BLOOD_TYPE: CodeList = CodeList {
    column: "golongan_darah_id",
    title: "golongan darah",
    entries: &[
        (1, "A"),
        (2, "B"),
        (3, "AB"),
        (4, "O"),
        (5, "A+"),
        (6, "A-"),
        (7, "B+"),
        (8, "B-"),
        (9, "AB+"),
        (10, "AB-"),
        (11, "O+"),
        (12, "O-"),
        (13, "TIDAK TAHU"),
    ],
};

pub const DISABILITY: CodeList = CodeList {
    column: "cacat_id",
    title: "disabilitas",
    entries: &[
        (1, "CACAT FISIK"),
        (2, "CACAT NETRA/BUTA"),
        (3, "CACAT RUNGU/WICARA"),
        (4, "CACAT MENTAL/JIWA"),
        (5, "CACAT FISIK DAN MENTAL"),
        (6, "CACAT LAINNYA"),
        (7, "TIDAK CACAT"),
    ],
};

/// The head of a family, in [`RELATIONSHIP`].
pub const HEAD: &str = "KEPALA KELUARGA";

/// Sex: code 1 `L` (laki-laki), 2 `P` (perempuan).
pub fn sex_of_code(cell: &str) -> Option<&'static str> {
    match normalise(cell).as_str() {
        "1" | "1.0" | "L" | "LAKI-LAKI" | "LAKI LAKI" => Some("L"),
        "2" | "2.0" | "P" | "PEREMPUAN" => Some("P"),
        _ => None,
    }
}

pub fn code_of_sex(sex: &str) -> u16 {
    if sex == "P" { 2 } else { 1 }
}

/// `status_dasar`: 1 hidup, 2 mati, 3 pindah, 4 hilang (the incumbent's 6 "pergi" and 9 "tidak
/// valid" have no place in the registry: such rows are refused with the reason).
pub const STATUSES: &[(u16, &str, &str)] =
    &[(1, "hidup", "Hidup"), (2, "mati", "Meninggal"), (3, "pindah", "Pindah"), (4, "hilang", "Hilang")];

pub fn status_of_code(cell: &str) -> Option<&'static str> {
    let cell = cell.trim();
    let number = cell.strip_suffix(".0").unwrap_or(cell);
    STATUSES
        .iter()
        .find(|(code, key, _)| number.parse::<u16>().ok() == Some(*code) || number.eq_ignore_ascii_case(key))
        .map(|(_, key, _)| *key)
}

pub fn code_of_status(status: &str) -> u16 {
    STATUSES.iter().find(|(_, key, _)| *key == status).map_or(1, |(code, _, _)| *code)
}

pub fn status_label(status: &str) -> &'static str {
    STATUSES.iter().find(|(_, key, _)| *key == status).map_or("Tidak diketahui", |(_, _, label)| *label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip() {
        for list in [
            RELIGION,
            EDUCATION,
            EDUCATION_CURRENT,
            OCCUPATION,
            MARITAL,
            RELATIONSHIP,
            CITIZENSHIP,
            BLOOD_TYPE,
            DISABILITY,
        ] {
            for (code, label) in list.entries {
                assert_eq!(list.label(*code), Some(*label));
                assert_eq!(list.code(label), Some(*code), "{label}");
            }
        }
        assert_eq!(RELATIONSHIP.entries.len(), 11);
        assert_eq!(OCCUPATION.entries.len(), 89);
    }

    #[test]
    fn cells_hold_codes_or_labels() {
        assert_eq!(RELIGION.parse("1"), Some("ISLAM"));
        assert_eq!(RELIGION.parse("1.0"), Some("ISLAM"));
        assert_eq!(RELIGION.parse(" islam "), Some("ISLAM"));
        assert_eq!(EDUCATION.parse("tamat sd  / sederajat"), Some("TAMAT SD / SEDERAJAT"));
        assert_eq!(RELIGION.parse("99"), None);
        assert_eq!(RELIGION.parse(""), None);
        assert_eq!(sex_of_code("2"), Some("P"));
        assert_eq!(sex_of_code("Laki-laki"), Some("L"));
        assert_eq!(sex_of_code("3"), None);
        assert_eq!(status_of_code("1"), Some("hidup"));
        assert_eq!(status_of_code("6"), None);
        assert_eq!(code_of_status("pindah"), 3);
    }
}
