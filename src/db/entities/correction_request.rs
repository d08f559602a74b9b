use sea_orm::entity::prelude::*;

/// A resident asks the officials to correct their record.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "correction_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub resident_id: i64,
    pub message: String,
    /// baru, selesai, ditolak
    pub status: crate::kit::resident::CorrectionStatus,
    pub response: Option<String>,
    pub resolved_by: Option<i64>,
    pub resolved_by_name: Option<String>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
