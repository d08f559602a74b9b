use sea_orm::entity::prelude::*;

/// A photo in an album of a village's gallery (display size and square thumbnail).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "album_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub album_id: i64,
    pub photo_key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub caption: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
