//! The outbox's idempotency keys: each item a phone sends (a letter request, a report, a product
//! edit) carries a key made when the user pressed send; the server applies a key once and answers
//! a repeat with the first result. Kept 30 days.

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxKeys::Table)
                    .if_not_exists()
                    .col(big_integer(OutboxKeys::VillageId))
                    .col(string_len(OutboxKeys::Key, 36))
                    .col(string_len(OutboxKeys::Kind, 20))
                    // NULL while the item is being applied; then the first result (JSON).
                    .col(text_null(OutboxKeys::Result))
                    .col(timestamp_with_time_zone(OutboxKeys::CreatedAt))
                    .primary_key(Index::create().col(OutboxKeys::VillageId).col(OutboxKeys::Key))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutboxKeys::Table, OutboxKeys::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_outbox_keys_created", OutboxKeys::Table, &[OutboxKeys::CreatedAt]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OutboxKeys::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Villages {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutboxKeys {
    Table,
    VillageId,
    Key,
    Kind,
    Result,
    CreatedAt,
}
