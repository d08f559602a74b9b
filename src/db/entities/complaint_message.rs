use sea_orm::entity::prelude::*;

/// One message of a complaint's thread (the report's text is the complaint itself).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub complaint_id: i64,
    pub from_official: bool,
    pub author_name: String,
    pub body: String,
    /// The status the report moved to with this message.
    pub status: Option<crate::kit::complaint::Status>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
