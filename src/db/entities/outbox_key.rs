use sea_orm::entity::prelude::*;

/// An outbox item's idempotency key within a village, and the first result of applying it
/// (`None` while it is being applied).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub village_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub kind: String,
    pub result: Option<String>,
    pub created_at: DateTimeUtc,
    /// Whose session sent it (`outbox::service::owner_tag`); `None` for an anonymous visitor.
    pub owner: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
