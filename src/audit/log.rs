//! The audit log required by UU PDP: sign-ins, failed sign-ins and sign-outs, changes of
//! credentials and accounts now; every change to personal data and every view of a full NIK or
//! KK as those features arrive (population registry).
//! Append-only: this module only inserts.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::db::entities::audit_entry;

/// What happened. The names are stable: reports and filters use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignInFailed,
    SignOut,
    /// An official issued or reset a resident's PIN (subject: the resident).
    PinIssued,
    /// A resident chose their own PIN.
    PinChanged,
    /// An official's account was created (subject: the account).
    OfficialCreated,
    /// An official's role or active state changed (detail says what).
    OfficialChanged,
    /// An official's password was reset by another official.
    PasswordReset,
    /// An official changed their own password.
    PasswordChanged,
    /// The superadmin created a village.
    VillageCreated,
    /// An official saw a resident's full NIK and KK (subject: the resident).
    ResidentViewed,
    /// An official added a resident (subject: the resident).
    ResidentCreated,
    /// An official changed a resident's record (detail: the fields).
    ResidentUpdated,
    /// A population event (birth, death, moving, missing) was recorded.
    EventRecorded,
    /// An official changed a family's address or RT (subject: the family).
    FamilyUpdated,
    /// A letter type was created or changed (subject: the type).
    LetterTypeSaved,
    /// A letter was requested by a resident or made for one (subject: the request).
    LetterRequested,
    /// A letter was signed (detail: its number).
    LetterSigned,
    /// A signed letter was revoked by the kades (detail: its number and the reason).
    LetterRevoked,
    /// Residents were imported from a file (detail: the counts).
    RegistryImported,
    /// The registry was exported to a file (detail: the format).
    RegistryExported,
    /// A resident asked for a correction of their record.
    CorrectionRequested,
    /// An official resolved a correction request.
    CorrectionResolved,
    /// An official drew, changed, deleted or imported map features (detail says what).
    MapChanged,
    /// A shop was opened, changed or moderated, or a product hidden (detail says what).
    MarketChanged,
    /// An article of the portal was written, changed, published or deleted.
    ArticleSaved,
    /// The portal's profile, people, announcements, agenda or budget changed (detail says what).
    PortalChanged,
    /// A partner system or an official read residents through the API (detail: the area and
    /// how many).
    ApiResidentsRead,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignOut => "sign_out",
            Action::PinIssued => "pin_issued",
            Action::PinChanged => "pin_changed",
            Action::OfficialCreated => "official_created",
            Action::OfficialChanged => "official_changed",
            Action::PasswordReset => "password_reset",
            Action::PasswordChanged => "password_changed",
            Action::VillageCreated => "village_created",
            Action::ResidentViewed => "resident_viewed",
            Action::ResidentCreated => "resident_created",
            Action::ResidentUpdated => "resident_updated",
            Action::EventRecorded => "event_recorded",
            Action::FamilyUpdated => "family_updated",
            Action::LetterTypeSaved => "letter_type_saved",
            Action::LetterRequested => "letter_requested",
            Action::LetterSigned => "letter_signed",
            Action::LetterRevoked => "letter_revoked",
            Action::RegistryImported => "registry_imported",
            Action::RegistryExported => "registry_exported",
            Action::CorrectionRequested => "correction_requested",
            Action::CorrectionResolved => "correction_resolved",
            Action::MapChanged => "map_changed",
            Action::MarketChanged => "market_changed",
            Action::ArticleSaved => "article_saved",
            Action::PortalChanged => "portal_changed",
            Action::ApiResidentsRead => "api_residents_read",
        }
    }

    pub const ALL: &'static [Action] = &[
        Action::SignIn,
        Action::SignInFailed,
        Action::SignOut,
        Action::PinIssued,
        Action::PinChanged,
        Action::OfficialCreated,
        Action::OfficialChanged,
        Action::PasswordReset,
        Action::PasswordChanged,
        Action::VillageCreated,
        Action::ResidentViewed,
        Action::ResidentCreated,
        Action::ResidentUpdated,
        Action::EventRecorded,
        Action::FamilyUpdated,
        Action::LetterTypeSaved,
        Action::LetterRequested,
        Action::LetterSigned,
        Action::LetterRevoked,
        Action::RegistryImported,
        Action::RegistryExported,
        Action::CorrectionRequested,
        Action::CorrectionResolved,
        Action::MapChanged,
        Action::MarketChanged,
        Action::ArticleSaved,
        Action::PortalChanged,
        Action::ApiResidentsRead,
    ];

    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.as_str() == text)
    }
}

/// Who acted.
#[derive(Debug, Clone)]
pub enum Actor {
    Official {
        id: i64,
        name: String,
    },
    Resident {
        id: i64,
        name: String,
    },
    /// A partner system, by its API token.
    Partner {
        id: i64,
        name: String,
    },
    Anonymous,
}

/// One audit record to write.
#[derive(Debug, Clone)]
pub struct Entry {
    pub village_id: Option<i64>,
    pub actor: Actor,
    pub action: Action,
    pub subject: Option<(&'static str, i64)>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// Appends `entry` to the log.
///
/// # Errors
/// Database failures: the caller fails too, so nothing audited happens unrecorded.
pub async fn record<C: ConnectionTrait>(db: &C, entry: Entry) -> Result<(), sea_orm::DbErr> {
    let (actor_kind, actor_id, actor_name) = match entry.actor {
        Actor::Official { id, name } => ("official", Some(id), Some(name)),
        Actor::Resident { id, name } => ("resident", Some(id), Some(name)),
        Actor::Partner { id, name } => ("partner", Some(id), Some(name)),
        Actor::Anonymous => ("anonymous", None, None),
    };
    audit_entry::ActiveModel {
        village_id: Set(entry.village_id),
        actor_kind: Set(actor_kind.to_string()),
        actor_id: Set(actor_id),
        actor_name: Set(actor_name),
        action: Set(entry.action.as_str().to_string()),
        subject_kind: Set(entry.subject.map(|(k, _)| k.to_string())),
        subject_id: Set(entry.subject.map(|(_, id)| id)),
        detail: Set(entry.detail.map(|d| d.chars().take(500).collect())),
        ip: Set(entry.ip),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
