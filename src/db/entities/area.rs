use sea_orm::entity::prelude::*;

/// Level of an area inside a village.
pub const DUSUN: i16 = 1;
pub const RW: i16 = 2;
pub const RT: i16 = 3;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub parent_id: Option<i64>,
    pub level: i16,
    pub name: String,
    /// GeoJSON geometry (Polygon or MultiPolygon, WGS84), where the village has drawn it.
    pub boundary: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
