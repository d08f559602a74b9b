//! The tenant table: one row per village served by this deployment.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Villages::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Villages::Id))
                    // Official kode wilayah, dotted: 36.04.05.2001
                    .col(string_len_uniq(Villages::Code, 13))
                    .col(string(Villages::Name))
                    // "desa" or "kelurahan"
                    .col(string_len(Villages::Kind, 16))
                    .col(string_len(Villages::KecamatanCode, 8))
                    .col(string(Villages::Kecamatan))
                    .col(string_len(Villages::KabupatenCode, 5))
                    .col(string(Villages::Kabupaten))
                    .col(string_len(Villages::ProvinceCode, 2))
                    .col(string(Villages::Province))
                    .col(string_len_uniq(Villages::Slug, 64))
                    // Own host name (sukamaju.desa.id), lower case, without port.
                    .col(string_len_null(Villages::Host, 253).unique_key())
                    .col(text_null(Villages::Address))
                    .col(string_null(Villages::LogoPath))
                    // The local word for "dusun": dusun, kampung, lingkungan, banjar...
                    .col(string_len(Villages::DusunLabel, 32).default("Dusun"))
                    // JSON object with per-village settings.
                    .col(text(Villages::Settings).default("{}"))
                    // GeoJSON geometry (Polygon / MultiPolygon), WGS84.
                    .col(text_null(Villages::Boundary))
                    .col(double_null(Villages::CenterLat))
                    .col(double_null(Villages::CenterLng))
                    .col(timestamp_with_time_zone(Villages::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Villages::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum Villages {
    Table,
    Id,
    Code,
    Name,
    Kind,
    KecamatanCode,
    Kecamatan,
    KabupatenCode,
    Kabupaten,
    ProvinceCode,
    Province,
    Slug,
    Host,
    Address,
    LogoPath,
    DusunLabel,
    Settings,
    Boundary,
    CenterLat,
    CenterLng,
    CreatedAt,
}
