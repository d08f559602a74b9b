use sea_orm::entity::prelude::*;

/// A move between two villages of the deployment, waiting for the destination (`village_id`)
/// to accept or refuse it (`population::moves`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resident_moves")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub from_village_id: i64,
    pub from_resident_id: i64,
    pub nik: String,
    pub name: String,
    /// JSON of the record as the village of origin kept it (`population::record::ResidentInput`).
    pub data: String,
    pub event_date: Date,
    pub document_number: Option<String>,
    pub reason: Option<String>,
    /// `menunggu`, `diterima` or `ditolak`.
    pub status: crate::kit::resident::MoveStatus,
    pub sent_by_name: String,
    pub created_at: DateTimeUtc,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub note: Option<String>,
    pub resident_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
