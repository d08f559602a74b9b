//! Identity: officials' accounts and server-side sessions.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_villages::Villages;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Officials::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Officials::Id))
                    // NULL only for the deployment-wide superadmin.
                    .col(big_integer_null(Officials::VillageId))
                    .col(string_len_uniq(Officials::Username, 64))
                    .col(string_len(Officials::Name, 100))
                    // operator, sekdes, kades, superadmin
                    .col(string_len(Officials::Role, 16))
                    .col(string_len(Officials::PasswordHash, 200))
                    .col(boolean(Officials::Active).default(true))
                    .col(timestamp_with_time_zone(Officials::CreatedAt))
                    .col(timestamp_with_time_zone(Officials::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Officials::Table, Officials::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .if_not_exists()
                    // SHA-256 of the token in the cookie: a copy of the table opens no session.
                    .col(string_len(Sessions::Id, 64).primary_key())
                    .col(big_integer_null(Sessions::OfficialId))
                    .col(big_integer_null(Sessions::VillageId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(string_len_null(Sessions::Ip, 64))
                    .col(string_len_null(Sessions::UserAgent, 300))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::OfficialId)
                            .to(Officials::Table, Officials::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_official")
                    .table(Sessions::Table)
                    .col(Sessions::OfficialId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Sessions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Officials::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Officials {
    Table,
    Id,
    VillageId,
    Username,
    Name,
    Role,
    PasswordHash,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    OfficialId,
    VillageId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}
