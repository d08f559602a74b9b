//! The words of the market that its rows store (the market slice owns the rules: which status
//! follows which, what is public).

#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};

/// Whether a product can be bought now, stored as its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))"))]
pub enum Availability {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "tersedia"))]
    Tersedia,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "habis"))]
    Habis,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "pre_order"))]
    PreOrder,
}

impl Availability {
    pub const ALL: [Availability; 3] = [Availability::Tersedia, Availability::Habis, Availability::PreOrder];

    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Tersedia => "tersedia",
            Availability::Habis => "habis",
            Availability::PreOrder => "pre_order",
        }
    }

    pub fn parse(text: &str) -> Option<Availability> {
        Availability::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Availability::Tersedia => "Tersedia",
            Availability::Habis => "Habis",
            Availability::PreOrder => "Pre-order",
        }
    }
}

/// Where a shop stands with the village's officials. Only an `Aktif` shop and its products
/// that are not hidden are public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))"))]
pub enum ShopStatus {
    /// New (or changed after a refusal), waiting for an official.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "menunggu"))]
    Menunggu,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "aktif"))]
    Aktif,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "ditolak"))]
    Ditolak,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "disembunyikan"))]
    Disembunyikan,
}

impl ShopStatus {
    pub const ALL: [ShopStatus; 4] =
        [ShopStatus::Menunggu, ShopStatus::Aktif, ShopStatus::Ditolak, ShopStatus::Disembunyikan];

    pub fn as_str(self) -> &'static str {
        match self {
            ShopStatus::Menunggu => "menunggu",
            ShopStatus::Aktif => "aktif",
            ShopStatus::Ditolak => "ditolak",
            ShopStatus::Disembunyikan => "disembunyikan",
        }
    }

    pub fn parse(text: &str) -> Option<ShopStatus> {
        ShopStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ShopStatus::Menunggu => "Menunggu persetujuan",
            ShopStatus::Aktif => "Aktif",
            ShopStatus::Ditolak => "Ditolak",
            ShopStatus::Disembunyikan => "Disembunyikan",
        }
    }
}
