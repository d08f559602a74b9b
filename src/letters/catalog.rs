//! The letter types every new village starts with (the ones residents ask for most, see
//! `shared/guide/domain.md`). Officials change them afterwards; this is only the first draft.

/// A field in the catalogue: `(key, label, kind, required)`; kinds as in `model::FieldKind::parse`.
pub type FieldSeed = (&'static str, &'static str, &'static str, bool);
/// `(key, label, required)`.
pub type AttachmentSeed = (&'static str, &'static str, bool);

pub struct TypeSeed {
    pub key: &'static str,
    pub code: &'static str,
    pub title: &'static str,
    pub online: bool,
    pub validity_days: Option<i32>,
    pub fields: &'static [FieldSeed],
    pub attachments: &'static [AttachmentSeed],
    /// The paragraph(s) after the resident's data.
    pub body: &'static str,
}

const KTP: AttachmentSeed = ("ktp", "Foto KTP", true);
const KK: AttachmentSeed = ("kk", "Foto Kartu Keluarga", true);

/// The opening and the resident's data block, before each type's own text.
pub const OPENING: &str = "Yang bertanda tangan di bawah ini {{jabatan_penanda_tangan}} {{nama_desa}}, Kecamatan {{kecamatan}}, {{kabupaten}}, menerangkan dengan sebenarnya bahwa:

Nama | {{nama}}
NIK | {{nik}}
Tempat, tanggal lahir | {{tempat_tanggal_lahir}}
Jenis kelamin | {{jenis_kelamin}}
Agama | {{agama}}
Pekerjaan | {{pekerjaan}}
Status perkawinan | {{status_perkawinan}}
Alamat | {{alamat_lengkap}}
";

pub const CLOSING: &str =
    "\nDemikian surat keterangan ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya.";

pub const TYPES: &[TypeSeed] = &[
    TypeSeed {
        key: "domisili",
        code: "470",
        title: "Surat Keterangan Domisili",
        online: true,
        validity_days: Some(90),
        fields: &[("keperluan", "Keperluan", "text", true)],
        attachments: &[KTP, KK],
        body: "Orang tersebut benar berdomisili di {{alamat_lengkap}}, Desa {{nama_desa}}.\n\nSurat keterangan ini dibuat untuk keperluan {{keperluan}}.",
    },
    TypeSeed {
        key: "sktm",
        code: "401",
        title: "Surat Keterangan Tidak Mampu",
        online: true,
        validity_days: Some(90),
        fields: &[
            ("keperluan", "Keperluan", "text", true),
            ("penghasilan", "Penghasilan keluarga per bulan (Rp)", "number", true),
            ("tanggungan", "Jumlah tanggungan", "number", true),
        ],
        attachments: &[KTP, KK, ("rumah", "Foto rumah", false)],
        body: "Orang tersebut benar warga Desa {{nama_desa}} dari keluarga kurang mampu, dengan penghasilan keluarga sekitar Rp {{penghasilan}} per bulan dan {{tanggungan}} orang tanggungan.\n\nSurat keterangan ini dibuat untuk keperluan {{keperluan}}.",
    },
    TypeSeed {
        key: "skck",
        code: "331",
        title: "Surat Pengantar SKCK",
        online: true,
        validity_days: Some(30),
        fields: &[("keperluan", "Keperluan SKCK", "text", true)],
        attachments: &[KTP, KK],
        body: "Sepanjang pengetahuan kami, orang tersebut berkelakuan baik dan tidak pernah tersangkut perkara pidana di Desa {{nama_desa}}. Surat pengantar ini diberikan untuk mengurus Surat Keterangan Catatan Kepolisian (SKCK) di Kepolisian Sektor {{kecamatan}} untuk keperluan {{keperluan}}.",
    },
    TypeSeed {
        key: "usaha",
        code: "503",
        title: "Surat Keterangan Usaha",
        online: true,
        validity_days: Some(180),
        fields: &[
            ("nama_usaha", "Nama usaha", "text", true),
            ("jenis_usaha", "Jenis usaha", "text", true),
            ("alamat_usaha", "Alamat usaha", "text", true),
            ("mulai_usaha", "Mulai usaha", "date", false),
            ("keperluan", "Keperluan", "text", true),
        ],
        attachments: &[KTP, ("tempat_usaha", "Foto tempat usaha", false)],
        body: "Orang tersebut benar mempunyai usaha:\n\nNama usaha | {{nama_usaha}}\nJenis usaha | {{jenis_usaha}}\nAlamat usaha | {{alamat_usaha}}\nMulai usaha | {{mulai_usaha}}\n\nSurat keterangan ini dibuat untuk keperluan {{keperluan}}.",
    },
    TypeSeed {
        key: "kelahiran",
        code: "474.1",
        title: "Surat Keterangan Kelahiran",
        online: true,
        validity_days: None,
        fields: &[
            ("nama_anak", "Nama anak", "text", true),
            ("jenis_kelamin_anak", "Jenis kelamin anak", "choice:Laki-laki;Perempuan", true),
            ("tempat_kelahiran", "Tempat kelahiran", "text", true),
            ("tanggal_kelahiran", "Tanggal kelahiran", "date", true),
            ("anak_ke", "Anak ke", "number", true),
            ("ibu", "Ibu", "resident", true),
        ],
        attachments: &[KTP, KK, ("keterangan_lahir", "Surat keterangan lahir dari bidan/rumah sakit", true)],
        body: "Telah lahir seorang anak:\n\nNama | {{nama_anak}}\nJenis kelamin | {{jenis_kelamin_anak}}\nTempat, tanggal lahir | {{tempat_kelahiran}}, {{tanggal_kelahiran}}\nAnak ke | {{anak_ke}}\nIbu | {{ibu}}\n\ndari orang tua tersebut di atas.",
    },
    TypeSeed {
        key: "kematian",
        code: "474.3",
        title: "Surat Keterangan Kematian",
        online: true,
        validity_days: None,
        fields: &[
            ("almarhum", "Yang meninggal", "resident", true),
            ("tanggal_kematian", "Tanggal meninggal", "date", true),
            ("tempat_kematian", "Tempat meninggal", "text", true),
            ("sebab_kematian", "Sebab meninggal", "text", true),
        ],
        attachments: &[KTP, ("keterangan_kematian", "Surat keterangan kematian dari dokter/rumah sakit", false)],
        body: "Orang tersebut di atas melaporkan bahwa {{almarhum}} (NIK {{almarhum_nik}}) telah meninggal dunia pada tanggal {{tanggal_kematian}} di {{tempat_kematian}}, karena {{sebab_kematian}}.",
    },
    TypeSeed {
        key: "pindah",
        code: "475",
        title: "Surat Keterangan Pindah",
        online: true,
        validity_days: Some(30),
        fields: &[
            ("alamat_tujuan", "Alamat tujuan", "text", true),
            ("alasan_pindah", "Alasan pindah", "text", true),
            ("jumlah_pengikut", "Jumlah anggota keluarga yang ikut", "number", true),
        ],
        attachments: &[KTP, KK],
        body: "Orang tersebut akan pindah ke {{alamat_tujuan}} karena {{alasan_pindah}}, dengan {{jumlah_pengikut}} anggota keluarga yang ikut pindah.",
    },
    TypeSeed {
        key: "pengantar",
        code: "470",
        title: "Surat Pengantar",
        online: true,
        validity_days: Some(30),
        fields: &[("keperluan", "Keperluan", "text", true), ("keterangan", "Keterangan lain", "text", false)],
        attachments: &[KTP],
        body: "Orang tersebut benar warga Desa {{nama_desa}}. Surat pengantar ini diberikan untuk keperluan {{keperluan}}. {{keterangan}}",
    },
    TypeSeed {
        key: "penduduk",
        code: "470",
        title: "Surat Keterangan Penduduk",
        online: true,
        validity_days: Some(90),
        fields: &[("keperluan", "Keperluan", "text", true)],
        attachments: &[KTP, KK],
        body: "Orang tersebut benar penduduk Desa {{nama_desa}} yang tercatat dalam Kartu Keluarga nomor {{no_kk}}.\n\nSurat keterangan ini dibuat untuk keperluan {{keperluan}}.",
    },
    TypeSeed {
        key: "kehilangan",
        code: "331",
        title: "Surat Keterangan Kehilangan",
        online: true,
        validity_days: Some(30),
        fields: &[
            ("barang_hilang", "Barang/dokumen yang hilang", "text", true),
            ("tempat_kehilangan", "Tempat kehilangan", "text", true),
            ("tanggal_kehilangan", "Tanggal kehilangan", "date", true),
        ],
        attachments: &[KTP],
        body: "Orang tersebut telah kehilangan {{barang_hilang}} di {{tempat_kehilangan}} pada tanggal {{tanggal_kehilangan}}. Surat keterangan ini dibuat untuk melapor kepada pihak yang berwenang.",
    },
    TypeSeed {
        key: "keramaian",
        code: "331",
        title: "Surat Keterangan Izin Keramaian",
        online: true,
        validity_days: None,
        fields: &[
            ("acara", "Acara", "text", true),
            ("tanggal_acara", "Tanggal acara", "date", true),
            ("tempat_acara", "Tempat acara", "text", true),
            ("hiburan", "Hiburan", "text", false),
        ],
        attachments: &[KTP],
        body: "Orang tersebut akan mengadakan {{acara}} pada tanggal {{tanggal_acara}} bertempat di {{tempat_acara}}, dengan hiburan {{hiburan}}. Pada prinsipnya kami tidak berkeberatan, dengan ketentuan menjaga ketertiban dan keamanan lingkungan.",
    },
    TypeSeed {
        key: "nikah",
        code: "474.2",
        title: "Surat Pengantar Nikah",
        online: true,
        validity_days: Some(90),
        fields: &[
            ("calon_pasangan", "Nama calon pasangan", "text", true),
            ("tanggal_nikah", "Rencana tanggal nikah", "date", true),
            ("tempat_nikah", "Tempat nikah", "text", true),
        ],
        attachments: &[KTP, KK, ("akta_lahir", "Foto akta kelahiran", true)],
        body: "Orang tersebut akan melangsungkan pernikahan dengan {{calon_pasangan}} pada tanggal {{tanggal_nikah}} di {{tempat_nikah}}. Surat pengantar ini diberikan untuk mengurus pernikahan di Kantor Urusan Agama Kecamatan {{kecamatan}}.",
    },
    TypeSeed {
        key: "beda-identitas",
        code: "470",
        title: "Surat Keterangan Beda Identitas",
        online: true,
        validity_days: None,
        fields: &[
            ("data_berbeda", "Data yang berbeda (mis. nama, tanggal lahir)", "text", true),
            ("dokumen", "Dokumen yang berbeda", "text", true),
            ("tertulis", "Tertulis di dokumen itu", "text", true),
            ("keperluan", "Keperluan", "text", true),
        ],
        attachments: &[KTP, KK, ("dokumen_berbeda", "Foto dokumen yang berbeda", true)],
        body: "Data {{data_berbeda}} orang tersebut pada {{dokumen}} tertulis {{tertulis}}; data yang benar adalah sebagaimana tercantum di atas sesuai Kartu Keluarga. Keduanya adalah orang yang sama.\n\nSurat keterangan ini dibuat untuk keperluan {{keperluan}}.",
    },
];
