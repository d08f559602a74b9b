use sea_orm::entity::prelude::*;

/// A resident's (or visitor's) report of a problem in the village.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "complaints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub category: String,
    pub body: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// The deepest dusun/RW/RT the place falls in.
    pub area_id: Option<i64>,
    /// The place as people say it ("Dusun Krajan, RW 002, RT 003").
    pub place: String,
    pub status: crate::kit::complaint::Status,
    pub resident_id: Option<i64>,
    pub reporter_name: String,
    pub reporter_phone: Option<String>,
    /// The secret a visitor's link carries.
    pub access_token: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The outbox item that made this row, if one did (unique in the village).
    pub outbox_key: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
