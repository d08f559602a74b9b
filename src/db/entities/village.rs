use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "villages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub kind: String,
    pub kecamatan_code: String,
    pub kecamatan: String,
    pub kabupaten_code: String,
    pub kabupaten: String,
    pub province_code: String,
    pub province: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub host: Option<String>,
    pub address: Option<String>,
    pub logo_path: Option<String>,
    pub dusun_label: String,
    pub settings: String,
    pub boundary: Option<String>,
    pub center_lat: Option<f64>,
    pub center_lng: Option<f64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
