//! The village map's own features: the points, lines and areas officials draw or import
//! (places by category, roads, rivers, irrigation, fields). The geometry is GeoJSON text, which
//! both databases store alike; its bounding box sits beside it in four columns so that a
//! `?bbox=` request is an index range, not a parse of every feature.

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
                    .table(MapFeatures::Table)
                    .if_not_exists()
                    .col(big_pk_auto(MapFeatures::Id))
                    .col(big_integer(MapFeatures::VillageId))
                    // "point", "line" or "area".
                    .col(string_len(MapFeatures::Kind, 8))
                    .col(string_len(MapFeatures::Category, 30))
                    .col(string_len(MapFeatures::Name, 100))
                    .col(text(MapFeatures::Description))
                    // A GeoJSON geometry, checked and rounded to 7 decimals (about a centimetre).
                    .col(text(MapFeatures::Geometry))
                    .col(double(MapFeatures::MinLng))
                    .col(double(MapFeatures::MinLat))
                    .col(double(MapFeatures::MaxLng))
                    .col(double(MapFeatures::MaxLat))
                    .col(string_len_null(MapFeatures::PhotoKey, 200))
                    .col(string_len_null(MapFeatures::ThumbKey, 200))
                    .col(big_integer_null(MapFeatures::CreatedBy))
                    .col(timestamp_with_time_zone(MapFeatures::CreatedAt))
                    .col(timestamp_with_time_zone(MapFeatures::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        let layer = [MapFeatures::VillageId, MapFeatures::Category, MapFeatures::MinLng];
        index(manager, "idx_map_features_layer", MapFeatures::Table, &layer).await?;
        let place = [MapFeatures::VillageId, MapFeatures::MinLng, MapFeatures::MaxLng];
        index(manager, "idx_map_features_bbox", MapFeatures::Table, &place).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MapFeatures::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum MapFeatures {
    Table,
    Id,
    VillageId,
    Kind,
    Category,
    Name,
    Description,
    Geometry,
    MinLng,
    MinLat,
    MaxLng,
    MaxLat,
    PhotoKey,
    ThumbKey,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}
