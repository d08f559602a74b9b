use sea_orm::entity::prelude::*;

/// A photo or PDF attached to a letter request.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "letter_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub request_id: i64,
    /// Which of the type's attachments.
    pub attachment: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub thumb_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
