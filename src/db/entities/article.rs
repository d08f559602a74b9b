use sea_orm::entity::prelude::*;

/// An article (berita) of a village's portal: Markdown and its sanitised HTML.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub slug: String,
    pub title: String,
    pub category: String,
    pub body: String,
    pub body_html: String,
    pub excerpt: String,
    pub status: crate::kit::article::Publication,
    pub publish_at: DateTimeUtc,
    pub cover_key: Option<String>,
    pub cover_thumb_key: Option<String>,
    pub author_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
