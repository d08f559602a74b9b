//! The words of a letter request's life that its rows store (the letters slice owns the rules:
//! `letters::status::next`).

#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};

/// Where a letter request stands, stored as its word (`belum_lengkap`, `diperiksa`, ...). Which
/// status may follow which is `letters::status::next`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))"))]
pub enum Status {
    /// Sent back to the resident (or saved without everything required).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "belum_lengkap"))]
    BelumLengkap,
    /// Waiting for an official to check it.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "diperiksa"))]
    Diperiksa,
    /// Waiting for the RT/RW's approval (villages that ask for it).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "menunggu_rt"))]
    MenungguRt,
    /// Checked, waiting for the kades (or the sekdes) to sign.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "menunggu_ttd"))]
    MenungguTtd,
    /// Signed: numbered, the PDF can be downloaded.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "siap"))]
    Siap,
    /// Handed over or received.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "selesai"))]
    Selesai,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "ditolak"))]
    Ditolak,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "dibatalkan"))]
    Dibatalkan,
    /// Signed, then withdrawn by the kades (with the reason): verification answers "dicabut".
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "dicabut"))]
    Dicabut,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::BelumLengkap,
        Status::MenungguRt,
        Status::Diperiksa,
        Status::MenungguTtd,
        Status::Siap,
        Status::Selesai,
        Status::Ditolak,
        Status::Dibatalkan,
        Status::Dicabut,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::BelumLengkap => "belum_lengkap",
            Status::Diperiksa => "diperiksa",
            Status::MenungguRt => "menunggu_rt",
            Status::MenungguTtd => "menunggu_ttd",
            Status::Siap => "siap",
            Status::Selesai => "selesai",
            Status::Ditolak => "ditolak",
            Status::Dibatalkan => "dibatalkan",
            Status::Dicabut => "dicabut",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::BelumLengkap => "Belum Lengkap",
            Status::Diperiksa => "Sedang Diperiksa",
            Status::MenungguRt => "Menunggu Persetujuan RT/RW",
            Status::MenungguTtd => "Menunggu Tanda Tangan",
            Status::Siap => "Siap Diunduh",
            Status::Selesai => "Selesai",
            Status::Ditolak => "Ditolak",
            Status::Dibatalkan => "Dibatalkan",
            Status::Dicabut => "Dicabut",
        }
    }

    /// Nothing follows a refused, cancelled or revoked request (a finished one may still be
    /// revoked).
    pub fn is_final(self) -> bool {
        matches!(self, Status::Selesai | Status::Ditolak | Status::Dibatalkan | Status::Dicabut)
    }

    /// Signed and not revoked: the letter is in force.
    pub fn signed(self) -> bool {
        matches!(self, Status::Siap | Status::Selesai)
    }

    /// Still open, before the signature: the steps that may still send back, refuse or cancel.
    pub fn before_signing(self) -> bool {
        matches!(self, Status::BelumLengkap | Status::Diperiksa | Status::MenungguRt | Status::MenungguTtd)
    }
}
