use sea_orm::entity::prelude::*;

/// A population event (mutasi): birth, death, moving out or in, missing.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "population_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub resident_id: i64,
    pub family_id: Option<i64>,
    pub kind: String,
    pub event_date: Date,
    pub document_number: Option<String>,
    pub place: Option<String>,
    pub reason: Option<String>,
    pub other_village_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
