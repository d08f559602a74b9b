use sea_orm::entity::prelude::*;

/// One edit of a resident's record: what changed, by whom, and why.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resident_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub resident_id: i64,
    /// JSON list of `{field, before, after}`.
    pub changes: String,
    pub reason: Option<String>,
    pub changed_by: Option<i64>,
    pub changed_by_name: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
