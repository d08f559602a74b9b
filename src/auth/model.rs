//! Roles and what the browser sees of a signed-in official.

use serde::{Deserialize, Serialize};

/// An official's role. Village roles act in their own village only; the superadmin acts for the
/// deployment (villages and their first accounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Data entry (operator / staf).
    Operator,
    /// Sekretaris desa: verifies.
    Sekdes,
    /// Kepala desa: signs.
    Kades,
    /// Deployment-wide administrator.
    Superadmin,
}

impl Role {
    pub const VILLAGE: &'static [Role] = &[Role::Operator, Role::Sekdes, Role::Kades];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Sekdes => "sekdes",
            Role::Kades => "kades",
            Role::Superadmin => "superadmin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "operator" => Some(Role::Operator),
            "sekdes" => Some(Role::Sekdes),
            "kades" => Some(Role::Kades),
            "superadmin" => Some(Role::Superadmin),
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
        }
    }
}

/// The admin dashboard of a village, for a signed-in official.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub official_name: String,
    pub role: Role,
    pub village_title: String,
    pub residents: u64,
    pub families: u64,
    pub dusun: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for role in [Role::Operator, Role::Sekdes, Role::Kades, Role::Superadmin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" KADES "), Some(Role::Kades));
        assert_eq!(Role::parse("lurah"), None);
    }
}
