use sea_orm::entity::prelude::*;

/// An official's account. Never serialised: the hash stays on the server.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "officials")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: Option<i64>,
    #[sea_orm(unique)]
    pub username: String,
    pub name: String,
    pub role: crate::kit::caller::Role,
    pub password_hash: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// For `wilayah` officers: the kode wilayah of their kecamatan, kabupaten or province.
    pub region_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
