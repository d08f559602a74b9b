use sea_orm::entity::prelude::*;

/// A letter asked for by a resident (or made by an official for a walk-in), through to signing.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "letter_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub type_id: i64,
    pub resident_id: i64,
    pub status: crate::kit::letter::Status,
    /// JSON object of the type's field values.
    pub field_values: String,
    pub online: bool,
    pub created_by: Option<i64>,
    pub reason: Option<String>,
    pub number: Option<String>,
    pub year: Option<i32>,
    pub seq: Option<i64>,
    pub signed_at: Option<DateTimeUtc>,
    pub signed_by: Option<i64>,
    /// JSON of the printed letter, frozen at signing.
    pub document: Option<String>,
    pub verify_code: Option<String>,
    pub canonical: Option<String>,
    pub signature: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The outbox item that made this row, if one did (unique in the village).
    pub outbox_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
