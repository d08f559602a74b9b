//! Population registry: areas inside a village (dusun → RW → RT), families (KK) and residents.

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;
use crate::m20261128_000001_villages::Villages;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Areas::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Areas::Id))
                    .col(big_integer(Areas::VillageId))
                    .col(big_integer_null(Areas::ParentId))
                    // 1 = dusun, 2 = RW, 3 = RT
                    .col(small_integer(Areas::Level))
                    .col(string_len(Areas::Name, 100))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Areas::Table, Areas::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Areas::Table, Areas::ParentId)
                            .to(Areas::Table, Areas::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_areas_village_level", Areas::Table, &[Areas::VillageId, Areas::Level]).await?;
        index(manager, "idx_areas_parent", Areas::Table, &[Areas::ParentId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Families::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Families::Id))
                    .col(big_integer(Families::VillageId))
                    .col(string_len(Families::KkNumber, 16))
                    .col(text_null(Families::Address))
                    .col(big_integer_null(Families::RtId))
                    .col(timestamp_with_time_zone(Families::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Families::Table, Families::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Families::Table, Families::RtId)
                            .to(Areas::Table, Areas::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_families_village_kk")
                    .table(Families::Table)
                    .col(Families::VillageId)
                    .col(Families::KkNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Residents::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Residents::Id))
                    .col(big_integer(Residents::VillageId))
                    .col(big_integer_null(Residents::FamilyId))
                    .col(string_len(Residents::Nik, 16))
                    .col(string_len(Residents::Name, 100))
                    // 'L' (laki-laki) or 'P' (perempuan)
                    .col(string_len(Residents::Sex, 1))
                    .col(string_len(Residents::BirthPlace, 100))
                    .col(date(Residents::BirthDate))
                    .col(string_len(Residents::Religion, 50))
                    .col(string_len(Residents::Education, 50))
                    .col(string_len(Residents::Occupation, 60))
                    .col(string_len(Residents::MaritalStatus, 20))
                    // SHDK: relationship to the head of family
                    .col(string_len(Residents::Relationship, 20))
                    // hidup, mati, pindah, hilang
                    .col(string_len(Residents::Status, 10).default("hidup"))
                    .col(big_integer_null(Residents::RtId))
                    .col(timestamp_with_time_zone(Residents::CreatedAt))
                    .col(timestamp_with_time_zone(Residents::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Residents::Table, Residents::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Residents::Table, Residents::FamilyId)
                            .to(Families::Table, Families::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Residents::Table, Residents::RtId)
                            .to(Areas::Table, Areas::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_residents_village_nik")
                    .table(Residents::Table)
                    .col(Residents::VillageId)
                    .col(Residents::Nik)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_residents_village_status", Residents::Table, &[Residents::VillageId, Residents::Status])
            .await?;
        index(manager, "idx_residents_village_name", Residents::Table, &[Residents::VillageId, Residents::Name])
            .await?;
        index(manager, "idx_residents_family", Residents::Table, &[Residents::FamilyId]).await?;
        index(manager, "idx_residents_rt", Residents::Table, &[Residents::RtId]).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Residents::Table.into_iden(), Families::Table.into_iden(), Areas::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Areas {
    Table,
    Id,
    VillageId,
    ParentId,
    Level,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
enum Families {
    Table,
    Id,
    VillageId,
    KkNumber,
    Address,
    RtId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Residents {
    Table,
    Id,
    VillageId,
    FamilyId,
    Nik,
    Name,
    Sex,
    BirthPlace,
    BirthDate,
    Religion,
    Education,
    Occupation,
    MaritalStatus,
    Relationship,
    Status,
    RtId,
    CreatedAt,
    UpdatedAt,
}
