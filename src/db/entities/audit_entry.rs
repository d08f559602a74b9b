use sea_orm::entity::prelude::*;

/// One line of the audit log. Written once, never updated or deleted by the application.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: Option<i64>,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<i64>,
    pub detail: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
