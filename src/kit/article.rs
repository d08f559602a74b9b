//! The words of an article that its rows store (the portal owns the rest: a published article
//! whose time has not come is shown as scheduled).

#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;

/// Whether an article is meant to be public, stored as its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))"))]
pub enum Publication {
    /// Kept for its authors only.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "draf"))]
    Draf,
    /// Public from its `publish_at` on.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "terbit"))]
    Terbit,
}
