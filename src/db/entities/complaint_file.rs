use sea_orm::entity::prelude::*;

/// A photo sent with a complaint (re-encoded, EXIF dropped).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub complaint_id: i64,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub thumb_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
