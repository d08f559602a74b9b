use sea_orm::entity::prelude::*;

/// A village's Ed25519 key for signing letters (base64). The secret never leaves the server.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "village_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub village_id: i64,
    pub public_key: String,
    pub secret_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
