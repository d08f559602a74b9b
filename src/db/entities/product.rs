use sea_orm::entity::prelude::*;

/// A product of a shop; price in whole rupiah.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub shop_id: i64,
    pub name: String,
    pub description: String,
    pub category: String,
    pub price: i64,
    pub discount_price: Option<i64>,
    pub unit: String,
    pub availability: crate::kit::shop::Availability,
    pub hidden: bool,
    pub hidden_reason: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The outbox item that made this row, if one did (unique in the village).
    pub outbox_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
