//! The village portal's articles (berita): written in Markdown by officials, kept with their
//! sanitised HTML, public once published and their publication time has come (a later time is
//! a scheduled article). The address of an article is its slug, unique within its village.

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
                    .table(Articles::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Articles::Id))
                    .col(big_integer(Articles::VillageId))
                    .col(string_len(Articles::Slug, 120))
                    .col(string_len(Articles::Title, 150))
                    .col(string_len(Articles::Category, 30))
                    // What the official wrote, and what the public page shows (made from it
                    // on save, sanitised).
                    .col(text(Articles::Body))
                    .col(text(Articles::BodyHtml))
                    .col(string_len(Articles::Excerpt, 300))
                    // "draf" or "terbit".
                    .col(string_len(Articles::Status, 10))
                    // From when a published article is public.
                    .col(timestamp_with_time_zone(Articles::PublishAt))
                    .col(string_len_null(Articles::CoverKey, 200))
                    .col(string_len_null(Articles::CoverThumbKey, 200))
                    .col(big_integer_null(Articles::AuthorId))
                    .col(timestamp_with_time_zone(Articles::CreatedAt))
                    .col(timestamp_with_time_zone(Articles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::AuthorId)
                            .to(Officials::Table, Officials::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_articles_village_slug")
                    .table(Articles::Table)
                    .col(Articles::VillageId)
                    .col(Articles::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let public = [Articles::VillageId, Articles::Status, Articles::PublishAt];
        index(manager, "idx_articles_village_public", Articles::Table, &public).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Articles::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Villages {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Officials {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Articles {
    Table,
    Id,
    VillageId,
    Slug,
    Title,
    Category,
    Body,
    BodyHtml,
    Excerpt,
    Status,
    PublishAt,
    CoverKey,
    CoverThumbKey,
    AuthorId,
    CreatedAt,
    UpdatedAt,
}
