//! Roles and what the browser sees of a signed-in official.

use serde::{Deserialize, Serialize};

pub use crate::kit::caller::Role;

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

/// One of the signed-in user's sessions, for the page where they see and end them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The stored id (a hash of the token, not the token): enough to end it, not to use it.
    pub id: String,
    pub started: String,
    pub last_seen: String,
    pub ip: Option<String>,
    pub device: String,
    pub current: bool,
}

/// An official's account, as the kades sees it on the officials page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficialRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// The signed-in official's own account (it cannot be changed from the list).
    pub me: bool,
}

/// A new or reset password, shown once to be handed to the official.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCredential {
    pub username: String,
    pub name: String,
    pub password: String,
}

/// Whether a resident can sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PinStatus {
    /// No PIN yet.
    None,
    /// A PIN was issued; the resident has not changed it yet.
    Issued,
    /// The resident chose their own PIN.
    Own,
}

impl PinStatus {
    pub fn label(self) -> &'static str {
        match self {
            PinStatus::None => "Belum punya PIN",
            PinStatus::Issued => "PIN sudah diberikan, belum diganti warga",
            PinStatus::Own => "PIN aktif",
        }
    }
}

/// A resident in the PIN page's search (masked NIK only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinCandidate {
    pub id: i64,
    pub name: String,
    pub nik_masked: String,
    pub birth: String,
    pub pin: PinStatus,
}

/// A page of the PIN page's search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinCandidatePage {
    pub items: Vec<PinCandidate>,
    pub total: u64,
    pub links: crate::ui::PageLinks,
}

/// A printable PIN slip. The PIN is in this one response and nowhere else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinSlip {
    pub village_title: String,
    pub name: String,
    pub nik_masked: String,
    pub pin: String,
    pub issued: String,
    pub issued_by: String,
    /// Where to sign in, as the resident types it.
    pub sign_in_path: String,
}

/// A short description of a browser from its user agent, in words people know.
pub fn device_of(user_agent: Option<&str>) -> String {
    let ua = user_agent.unwrap_or_default();
    let os = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iPhone/iPad"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS") {
        "Mac"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "Perangkat lain"
    };
    let browser = if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "peramban lain"
    };
    format!("{browser} di {os}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_in_plain_words() {
        let android = "Mozilla/5.0 (Linux; Android 13; SM-A045F) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36";
        assert_eq!(device_of(Some(android)), "Chrome di Android");
        assert_eq!(device_of(None), "peramban lain di Perangkat lain");
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Operator, Role::Sekdes, Role::Kades, Role::Superadmin, Role::Wilayah] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" KADES "), Some(Role::Kades));
        assert_eq!(Role::parse("lurah"), None);
    }
}
