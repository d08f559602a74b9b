//! The partner API (`/api/v1/`): tokens for other systems, each scoped to villages and to
//! reading or also writing (only a SHA-256 of the token is kept), and the rate limiter's
//! counters, shared by every app server (fixed windows per client).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PartnerTokens::Table)
                    .if_not_exists()
                    .col(big_pk_auto(PartnerTokens::Id))
                    .col(string_len(PartnerTokens::Name, 100))
                    .col(string_len_uniq(PartnerTokens::TokenHash, 64))
                    .col(boolean(PartnerTokens::CanWrite))
                    .col(timestamp_with_time_zone(PartnerTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(PartnerTokens::RevokedAt))
                    .col(timestamp_with_time_zone_null(PartnerTokens::LastUsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerTokenVillages::Table)
                    .if_not_exists()
                    .col(big_integer(PartnerTokenVillages::VillageId))
                    .col(big_integer(PartnerTokenVillages::TokenId))
                    .primary_key(
                        Index::create().col(PartnerTokenVillages::VillageId).col(PartnerTokenVillages::TokenId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnerTokenVillages::Table, PartnerTokenVillages::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnerTokenVillages::Table, PartnerTokenVillages::TokenId)
                            .to(PartnerTokens::Table, PartnerTokens::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        crate::index(
            manager,
            "idx_partner_token_villages_token",
            PartnerTokenVillages::Table,
            &[PartnerTokenVillages::TokenId],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(RateWindows::Table)
                    .if_not_exists()
                    // `api:ip:203.0.113.9`, `api:token:12`, …
                    .col(string_len(RateWindows::Key, 120))
                    // Unix seconds at the window's start.
                    .col(big_integer(RateWindows::WindowStart))
                    .col(integer(RateWindows::Hits))
                    .primary_key(Index::create().col(RateWindows::Key).col(RateWindows::WindowStart))
                    .to_owned(),
            )
            .await?;
        crate::index(manager, "idx_rate_windows_start", RateWindows::Table, &[RateWindows::WindowStart]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RateWindows::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PartnerTokenVillages::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PartnerTokens::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Villages {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerTokens {
    Table,
    Id,
    Name,
    TokenHash,
    CanWrite,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerTokenVillages {
    Table,
    VillageId,
    TokenId,
}

#[derive(DeriveIden, Clone, Copy)]
enum RateWindows {
    Table,
    Key,
    WindowStart,
    Hits,
}
