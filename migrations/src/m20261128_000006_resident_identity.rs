//! Residents' sign-in: a PIN per resident (hashed, issued by an official, changed at first
//! sign-in), and sessions that belong to a resident instead of an official.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ResidentPins::Table)
                    .if_not_exists()
                    .col(big_integer(ResidentPins::ResidentId).primary_key())
                    .col(big_integer(ResidentPins::VillageId))
                    .col(string_len(ResidentPins::PinHash, 200))
                    // Set when an official issues or resets the PIN: the resident must choose
                    // their own before doing anything else.
                    .col(boolean(ResidentPins::MustChange).default(true))
                    .col(big_integer_null(ResidentPins::IssuedBy))
                    .col(timestamp_with_time_zone(ResidentPins::IssuedAt))
                    .col(timestamp_with_time_zone_null(ResidentPins::ChangedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResidentPins::Table, ResidentPins::ResidentId)
                            .to(Residents::Table, Residents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(Sessions::Table).add_column(big_integer_null(Sessions::ResidentId)).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_resident")
                    .table(Sessions::Table)
                    .col(Sessions::ResidentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_sessions_resident").table(Sessions::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Sessions::Table).drop_column(Sessions::ResidentId).to_owned()).await?;
        manager.drop_table(Table::drop().table(ResidentPins::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ResidentPins {
    Table,
    ResidentId,
    VillageId,
    PinHash,
    MustChange,
    IssuedBy,
    IssuedAt,
    ChangedAt,
}

#[derive(DeriveIden)]
enum Residents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ResidentId,
}
