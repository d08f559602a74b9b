use sea_orm::entity::prelude::*;

/// A resident's small business in the village market.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shops")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub resident_id: i64,
    pub name: String,
    pub description: String,
    pub category: String,
    pub whatsapp: String,
    pub address: String,
    pub dusun_id: Option<i64>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub hours: String,
    pub photo_key: Option<String>,
    pub thumb_key: Option<String>,
    pub status: crate::kit::shop::ShopStatus,
    pub moderation_note: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
