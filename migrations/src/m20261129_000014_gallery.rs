//! The portal's gallery: albums of photos, each photo kept at display size with a square
//! thumbnail (the market's image pipeline).

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
                    .table(Albums::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Albums::Id))
                    .col(big_integer(Albums::VillageId))
                    .col(string_len(Albums::Title, 150))
                    .col(timestamp_with_time_zone(Albums::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Albums::Table, Albums::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_albums_village", Albums::Table, &[Albums::VillageId]).await?;
        manager
            .create_table(
                Table::create()
                    .table(AlbumPhotos::Table)
                    .if_not_exists()
                    .col(big_pk_auto(AlbumPhotos::Id))
                    .col(big_integer(AlbumPhotos::VillageId))
                    .col(big_integer(AlbumPhotos::AlbumId))
                    .col(string_len(AlbumPhotos::PhotoKey, 200))
                    .col(string_len(AlbumPhotos::ThumbKey, 200))
                    .col(integer(AlbumPhotos::Width))
                    .col(integer(AlbumPhotos::Height))
                    .col(string_len(AlbumPhotos::Caption, 200))
                    .col(timestamp_with_time_zone(AlbumPhotos::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AlbumPhotos::Table, AlbumPhotos::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AlbumPhotos::Table, AlbumPhotos::AlbumId)
                            .to(Albums::Table, Albums::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_album_photos_album", AlbumPhotos::Table, &[AlbumPhotos::AlbumId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AlbumPhotos::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Albums::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Villages {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Albums {
    Table,
    Id,
    VillageId,
    Title,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AlbumPhotos {
    Table,
    Id,
    VillageId,
    AlbumId,
    PhotoKey,
    ThumbKey,
    Width,
    Height,
    Caption,
    CreatedAt,
}
