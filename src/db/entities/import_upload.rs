use sea_orm::entity::prelude::*;

/// An import file between its dry run and its run, with the run's progress (see
/// `population::uploads`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "import_uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub village_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub token: String,
    pub official_id: i64,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub stage: String,
    pub outcome: Option<String>,
    pub rows: i32,
    pub progress: i32,
    pub created_at: DateTimeUtc,
    /// Written every few seconds while the import runs: a silent one has stopped.
    pub heartbeat_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
