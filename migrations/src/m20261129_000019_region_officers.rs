//! Regional officers (role `wilayah`): the kecamatan, kabupaten or province whose villages'
//! figures they see.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Officials::Table)
                    .add_column(ColumnDef::new(Officials::RegionCode).string_len(8).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Officials::Table).drop_column(Officials::RegionCode).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Officials {
    Table,
    RegionCode,
}
