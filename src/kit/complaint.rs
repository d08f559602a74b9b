//! The words of a report's life that its rows store (the complaints slice owns the rest).

#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};

/// Where a report stands, stored as its word (`baru`, `diproses`, `selesai`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))"))]
pub enum Status {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "baru"))]
    Baru,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "diproses"))]
    Diproses,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "selesai"))]
    Selesai,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Baru, Status::Diproses, Status::Selesai];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Baru => "baru",
            Status::Diproses => "diproses",
            Status::Selesai => "selesai",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Baru => "Baru",
            Status::Diproses => "Diproses",
            Status::Selesai => "Selesai",
        }
    }

    /// Where officials may move a report from here: on to the next status, or a closed report
    /// back to work (reopened).
    pub fn moves(self) -> &'static [Status] {
        match self {
            Status::Baru => &[Status::Diproses],
            Status::Diproses => &[Status::Selesai],
            Status::Selesai => &[Status::Diproses],
        }
    }
}
