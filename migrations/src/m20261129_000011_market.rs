//! The UMKM market: shops (a resident's small business, approved by the village's officials),
//! their products (price in whole rupiah) and the products' photos. A product is public only
//! while it is not hidden and its shop is approved; that rule lives in the queries, and the
//! indexes below serve the catalogue's filters (category, price, newest) within a village.

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
                    .table(Shops::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Shops::Id))
                    .col(big_integer(Shops::VillageId))
                    // The resident who sells (a shop an official opened on their behalf too).
                    .col(big_integer(Shops::ResidentId))
                    .col(string_len(Shops::Name, 80))
                    .col(text(Shops::Description))
                    .col(string_len(Shops::Category, 30))
                    // `628…`, ready for a wa.me link.
                    .col(string_len(Shops::Whatsapp, 16))
                    .col(string_len(Shops::Address, 200))
                    // The dusun of the shop's place (point-in-polygon) or as chosen.
                    .col(big_integer_null(Shops::DusunId))
                    .col(double_null(Shops::Lat))
                    .col(double_null(Shops::Lng))
                    .col(string_len(Shops::Hours, 100))
                    .col(string_len_null(Shops::PhotoKey, 200))
                    .col(string_len_null(Shops::ThumbKey, 200))
                    // "menunggu" (waiting for approval), "aktif", "ditolak", "disembunyikan".
                    .col(string_len(Shops::Status, 16))
                    // Why it was refused or hidden, for the seller.
                    .col(text(Shops::ModerationNote))
                    .col(big_integer_null(Shops::CreatedBy))
                    .col(timestamp_with_time_zone(Shops::CreatedAt))
                    .col(timestamp_with_time_zone(Shops::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Shops::Table, Shops::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Shops::Table, Shops::ResidentId)
                            .to(Residents::Table, Residents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Shops::Table, Shops::DusunId)
                            .to(Areas::Table, Areas::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_shops_village_status", Shops::Table, &[Shops::VillageId, Shops::Status]).await?;
        index(manager, "idx_shops_resident", Shops::Table, &[Shops::ResidentId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Products::Id))
                    .col(big_integer(Products::VillageId))
                    .col(big_integer(Products::ShopId))
                    .col(string_len(Products::Name, 100))
                    .col(text(Products::Description))
                    .col(string_len(Products::Category, 30))
                    // Whole rupiah.
                    .col(big_integer(Products::Price))
                    .col(big_integer_null(Products::DiscountPrice))
                    .col(string_len(Products::Unit, 20))
                    // "tersedia", "habis", "pre_order".
                    .col(string_len(Products::Availability, 12))
                    .col(boolean(Products::Hidden))
                    .col(text(Products::HiddenReason))
                    .col(timestamp_with_time_zone(Products::CreatedAt))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Products::Table, Products::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Products::Table, Products::ShopId)
                            .to(Shops::Table, Shops::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_products_shop", Products::Table, &[Products::ShopId]).await?;
        let newest = [Products::VillageId, Products::CreatedAt];
        index(manager, "idx_products_village_newest", Products::Table, &newest).await?;
        let cheapest = [Products::VillageId, Products::Price];
        index(manager, "idx_products_village_price", Products::Table, &cheapest).await?;
        let category = [Products::VillageId, Products::Category];
        index(manager, "idx_products_village_category", Products::Table, &category).await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductPhotos::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ProductPhotos::Id))
                    .col(big_integer(ProductPhotos::VillageId))
                    .col(big_integer(ProductPhotos::ProductId))
                    .col(small_integer(ProductPhotos::Position))
                    .col(string_len(ProductPhotos::PhotoKey, 200))
                    .col(string_len(ProductPhotos::ThumbKey, 200))
                    .col(integer(ProductPhotos::Width))
                    .col(integer(ProductPhotos::Height))
                    .col(timestamp_with_time_zone(ProductPhotos::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductPhotos::Table, ProductPhotos::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductPhotos::Table, ProductPhotos::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_product_photos_product", ProductPhotos::Table, &[ProductPhotos::ProductId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ProductPhotos::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Products::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Shops::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Villages {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Residents {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Areas {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Shops {
    Table,
    Id,
    VillageId,
    ResidentId,
    Name,
    Description,
    Category,
    Whatsapp,
    Address,
    DusunId,
    Lat,
    Lng,
    Hours,
    PhotoKey,
    ThumbKey,
    Status,
    ModerationNote,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Products {
    Table,
    Id,
    VillageId,
    ShopId,
    Name,
    Description,
    Category,
    Price,
    DiscountPrice,
    Unit,
    Availability,
    Hidden,
    HiddenReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProductPhotos {
    Table,
    Id,
    VillageId,
    ProductId,
    Position,
    PhotoKey,
    ThumbKey,
    Width,
    Height,
    CreatedAt,
}
