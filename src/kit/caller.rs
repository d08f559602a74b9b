//! Who calls: the roles of officials and the signed-in user as the server knows them. Every
//! slice speaks of its caller in these words (`access::session` finds them; `access::guard`
//! decides what they may do).

#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};

/// An official's role, stored as its word (`operator`, `sekdes`, ...). Village roles act in
/// their own village only; the superadmin acts for the deployment (villages and their first
/// accounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))"))]
pub enum Role {
    /// Data entry (operator / staf).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "operator"))]
    Operator,
    /// Sekretaris desa: verifies.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sekdes"))]
    Sekdes,
    /// Kepala desa: signs.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "kades"))]
    Kades,
    /// Deployment-wide administrator.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "superadmin"))]
    Superadmin,
    /// A kecamatan's or kabupaten's (or province's) officer: sees figures of the villages in
    /// that region, never a record of a person (`regency`).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "wilayah"))]
    Wilayah,
}

impl Role {
    pub const VILLAGE: &'static [Role] = &[Role::Operator, Role::Sekdes, Role::Kades];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Sekdes => "sekdes",
            Role::Kades => "kades",
            Role::Superadmin => "superadmin",
            Role::Wilayah => "wilayah",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "operator" => Some(Role::Operator),
            "sekdes" => Some(Role::Sekdes),
            "kades" => Some(Role::Kades),
            "superadmin" => Some(Role::Superadmin),
            "wilayah" => Some(Role::Wilayah),
            _ => None,
        }
    }

    /// The title as villagers say it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Operator => "Operator Desa",
            Role::Sekdes => "Sekretaris Desa",
            Role::Kades => "Kepala Desa",
            Role::Superadmin => "Superadmin",
            Role::Wilayah => "Pemantau Wilayah",
        }
    }
}

/// A signed-in official, as the server knows them.
#[derive(Debug, Clone)]
pub struct Official {
    pub id: i64,
    pub village_id: Option<i64>,
    pub name: String,
    pub role: Role,
    pub session_id: String,
}

/// A signed-in resident, as the server knows them.
#[derive(Debug, Clone)]
pub struct Resident {
    pub id: i64,
    pub village_id: i64,
    pub name: String,
    /// The PIN is still the one an official issued: only changing it is allowed.
    pub must_change_pin: bool,
    pub session_id: String,
}

/// Whoever is signed in on a request.
#[derive(Debug, Clone)]
pub enum User {
    Official(Official),
    Resident(Resident),
}

impl User {
    pub fn session_id(&self) -> &str {
        match self {
            User::Official(o) => &o.session_id,
            User::Resident(r) => &r.session_id,
        }
    }

    pub fn village_id(&self) -> Option<i64> {
        match self {
            User::Official(o) => o.village_id,
            User::Resident(r) => Some(r.village_id),
        }
    }
}
