use sea_orm::entity::prelude::*;

/// A kind of letter a village issues, with its fields, attachments, numbering and body.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "letter_types")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub slug: String,
    pub code: String,
    pub title: String,
    /// JSON: `Vec<FieldDef>`.
    pub fields: String,
    /// JSON: `Vec<AttachmentDef>`.
    pub attachments: String,
    pub online: bool,
    pub active: bool,
    pub validity_days: Option<i32>,
    pub number_format: String,
    pub body: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
