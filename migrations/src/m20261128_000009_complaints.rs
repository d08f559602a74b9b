//! Citizen services, complaints (pengaduan): reports with a place, their thread of messages and
//! photos; and a boundary (GeoJSON) on each dusun/RW/RT so that a place can be matched to the
//! area it falls in.

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Areas::Table).add_column(text_null(Areas::Boundary)).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Complaints::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Complaints::Id))
                    .col(big_integer(Complaints::VillageId))
                    .col(string_len(Complaints::Category, 40))
                    .col(text(Complaints::Body))
                    // Where: a pin (WGS84) and the deepest area it falls in, or an area chosen
                    // by hand when the phone could not give a place.
                    .col(double_null(Complaints::Lat))
                    .col(double_null(Complaints::Lng))
                    .col(big_integer_null(Complaints::AreaId))
                    .col(string_len(Complaints::Place, 120))
                    .col(string_len(Complaints::Status, 12))
                    // Who: a signed-in resident, or a visitor with a phone number who follows
                    // the report through a secret link.
                    .col(big_integer_null(Complaints::ResidentId))
                    .col(string_len(Complaints::ReporterName, 100))
                    .col(string_len_null(Complaints::ReporterPhone, 20))
                    .col(string_len(Complaints::AccessToken, 32))
                    .col(timestamp_with_time_zone(Complaints::CreatedAt))
                    .col(timestamp_with_time_zone(Complaints::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Complaints::ClosedAt))
                    .to_owned(),
            )
            .await?;
        let queue = [Complaints::VillageId, Complaints::Status, Complaints::UpdatedAt];
        index(manager, "idx_complaints_queue", Complaints::Table, &queue).await?;
        let mine = [Complaints::VillageId, Complaints::ResidentId, Complaints::CreatedAt];
        index(manager, "idx_complaints_resident", Complaints::Table, &mine).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_complaints_token")
                    .table(Complaints::Table)
                    .col(Complaints::AccessToken)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ComplaintMessages::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ComplaintMessages::Id))
                    .col(big_integer(ComplaintMessages::VillageId))
                    .col(big_integer(ComplaintMessages::ComplaintId))
                    // true: written by an official; false: by the reporter.
                    .col(boolean(ComplaintMessages::FromOfficial))
                    .col(string_len(ComplaintMessages::AuthorName, 100))
                    .col(text(ComplaintMessages::Body))
                    // The status the report moved to with this message, if it moved.
                    .col(string_len_null(ComplaintMessages::Status, 12))
                    .col(timestamp_with_time_zone(ComplaintMessages::CreatedAt))
                    .to_owned(),
            )
            .await?;
        let thread = [ComplaintMessages::ComplaintId, ComplaintMessages::Id];
        index(manager, "idx_complaint_messages_thread", ComplaintMessages::Table, &thread).await?;

        manager
            .create_table(
                Table::create()
                    .table(ComplaintFiles::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ComplaintFiles::Id))
                    .col(big_integer(ComplaintFiles::VillageId))
                    .col(big_integer(ComplaintFiles::ComplaintId))
                    .col(string_len(ComplaintFiles::ContentType, 40))
                    .col(big_integer(ComplaintFiles::Size))
                    .col(string_len(ComplaintFiles::StorageKey, 200))
                    .col(string_len_null(ComplaintFiles::ThumbKey, 200))
                    .col(timestamp_with_time_zone(ComplaintFiles::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_complaint_files_complaint", ComplaintFiles::Table, &[ComplaintFiles::ComplaintId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in
            [ComplaintFiles::Table.into_iden(), ComplaintMessages::Table.into_iden(), Complaints::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(Areas::Table).drop_column(Areas::Boundary).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Areas {
    Table,
    Boundary,
}

#[derive(DeriveIden, Clone, Copy)]
enum Complaints {
    Table,
    Id,
    VillageId,
    Category,
    Body,
    Lat,
    Lng,
    AreaId,
    Place,
    Status,
    ResidentId,
    ReporterName,
    ReporterPhone,
    AccessToken,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ComplaintMessages {
    Table,
    Id,
    VillageId,
    ComplaintId,
    FromOfficial,
    AuthorName,
    Body,
    Status,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ComplaintFiles {
    Table,
    Id,
    VillageId,
    ComplaintId,
    ContentType,
    Size,
    StorageKey,
    ThumbKey,
    CreatedAt,
}
