use sea_orm::entity::prelude::*;

/// A resident's sign-in PIN: only its Argon2id hash. Nobody can read a PIN back.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resident_pins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resident_id: i64,
    pub village_id: i64,
    pub pin_hash: String,
    pub must_change: bool,
    pub issued_by: Option<i64>,
    pub issued_at: DateTimeUtc,
    pub changed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
