//! Import files between the dry run and the real run, and a running import's progress, in the
//! database (they were in one server's memory): any app server can show the check, start the
//! import and report its progress. Kept an hour.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImportUploads::Table)
                    .if_not_exists()
                    .col(big_integer(ImportUploads::VillageId))
                    .col(string_len(ImportUploads::Token, 64))
                    .col(big_integer(ImportUploads::OfficialId))
                    .col(string_len(ImportUploads::FileName, 255))
                    // Emptied when the import has finished.
                    .col(blob(ImportUploads::Bytes))
                    // checked, running, finished
                    .col(string_len(ImportUploads::Stage, 10))
                    // The dry run's or the import's outcome: JSON of Result<ImportReport, String>.
                    .col(text_null(ImportUploads::Outcome))
                    .col(integer(ImportUploads::Rows))
                    .col(integer(ImportUploads::Progress).default(0))
                    .col(timestamp_with_time_zone(ImportUploads::CreatedAt))
                    .primary_key(Index::create().col(ImportUploads::VillageId).col(ImportUploads::Token))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ImportUploads::Table, ImportUploads::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ImportUploads::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Villages {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ImportUploads {
    Table,
    VillageId,
    Token,
    OfficialId,
    FileName,
    Bytes,
    Stage,
    Outcome,
    Rows,
    Progress,
    CreatedAt,
}
