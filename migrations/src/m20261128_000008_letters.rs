//! Citizen services, letters: letter types per village, requests with their timeline and
//! attachments, the yearly number counters, and each village's Ed25519 signing key.

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
                    .table(LetterTypes::Table)
                    .if_not_exists()
                    .col(big_pk_auto(LetterTypes::Id))
                    .col(big_integer(LetterTypes::VillageId))
                    .col(string_len(LetterTypes::Slug, 40))
                    .col(string_len(LetterTypes::Code, 20))
                    .col(string_len(LetterTypes::Title, 120))
                    // JSON lists of the type's own fields and required attachments.
                    .col(text(LetterTypes::Fields))
                    .col(text(LetterTypes::Attachments))
                    .col(boolean(LetterTypes::Online).default(true))
                    .col(boolean(LetterTypes::Active).default(true))
                    .col(integer_null(LetterTypes::ValidityDays))
                    .col(string_len(LetterTypes::NumberFormat, 100))
                    .col(text(LetterTypes::Body))
                    .col(timestamp_with_time_zone(LetterTypes::CreatedAt))
                    .col(timestamp_with_time_zone(LetterTypes::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_letter_types_slug")
                    .table(LetterTypes::Table)
                    .col(LetterTypes::VillageId)
                    .col(LetterTypes::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LetterRequests::Table)
                    .if_not_exists()
                    .col(big_pk_auto(LetterRequests::Id))
                    .col(big_integer(LetterRequests::VillageId))
                    .col(big_integer(LetterRequests::TypeId))
                    // Whom the letter is about (and, when requested online, who asked).
                    .col(big_integer(LetterRequests::ResidentId))
                    .col(string_len(LetterRequests::Status, 16))
                    // JSON object of the type's field values.
                    .col(text(LetterRequests::FieldValues))
                    // Requested by the resident online (true) or made by an official.
                    .col(boolean(LetterRequests::Online))
                    .col(big_integer_null(LetterRequests::CreatedBy))
                    // The last reason given (sent back, refused, cancelled).
                    .col(text_null(LetterRequests::Reason))
                    // Set at signing, never changed afterwards.
                    .col(string_len_null(LetterRequests::Number, 100))
                    .col(integer_null(LetterRequests::Year))
                    .col(big_integer_null(LetterRequests::Seq))
                    .col(timestamp_with_time_zone_null(LetterRequests::SignedAt))
                    .col(big_integer_null(LetterRequests::SignedBy))
                    // Everything the PDF prints, frozen at signing (JSON), so it renders the
                    // same bytes forever, whatever changes in the registry later.
                    .col(text_null(LetterRequests::Document))
                    .col(string_len_null(LetterRequests::VerifyCode, 16))
                    .col(text_null(LetterRequests::Canonical))
                    .col(string_len_null(LetterRequests::Signature, 100))
                    .col(timestamp_with_time_zone(LetterRequests::CreatedAt))
                    .col(timestamp_with_time_zone(LetterRequests::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        let queue = [LetterRequests::VillageId, LetterRequests::Status, LetterRequests::UpdatedAt];
        index(manager, "idx_letter_requests_queue", LetterRequests::Table, &queue).await?;
        let mine = [LetterRequests::VillageId, LetterRequests::ResidentId, LetterRequests::CreatedAt];
        index(manager, "idx_letter_requests_resident", LetterRequests::Table, &mine).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_letter_requests_verify")
                    .table(LetterRequests::Table)
                    .col(LetterRequests::VerifyCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The last guard against a duplicate number: one sequence number per type and year.
        manager
            .create_index(
                Index::create()
                    .name("idx_letter_requests_number")
                    .table(LetterRequests::Table)
                    .col(LetterRequests::VillageId)
                    .col(LetterRequests::TypeId)
                    .col(LetterRequests::Year)
                    .col(LetterRequests::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LetterEvents::Table)
                    .if_not_exists()
                    .col(big_pk_auto(LetterEvents::Id))
                    .col(big_integer(LetterEvents::VillageId))
                    .col(big_integer(LetterEvents::RequestId))
                    .col(string_len(LetterEvents::Status, 16))
                    .col(text_null(LetterEvents::Note))
                    .col(string_len(LetterEvents::ActorName, 100))
                    .col(timestamp_with_time_zone(LetterEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_letter_events_request", LetterEvents::Table, &[LetterEvents::RequestId, LetterEvents::Id])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LetterCounters::Table)
                    .if_not_exists()
                    .col(big_integer(LetterCounters::VillageId))
                    .col(big_integer(LetterCounters::TypeId))
                    .col(integer(LetterCounters::Year))
                    .col(big_integer(LetterCounters::Last))
                    .primary_key(
                        Index::create()
                            .col(LetterCounters::VillageId)
                            .col(LetterCounters::TypeId)
                            .col(LetterCounters::Year),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LetterFiles::Table)
                    .if_not_exists()
                    .col(big_pk_auto(LetterFiles::Id))
                    .col(big_integer(LetterFiles::VillageId))
                    .col(big_integer(LetterFiles::RequestId))
                    // Which of the type's attachments this is.
                    .col(string_len(LetterFiles::Attachment, 40))
                    .col(string_len(LetterFiles::ContentType, 40))
                    .col(big_integer(LetterFiles::Size))
                    // Where the storage keeps it (never a name the user gave).
                    .col(string_len(LetterFiles::StorageKey, 200))
                    .col(string_len_null(LetterFiles::ThumbKey, 200))
                    .col(timestamp_with_time_zone(LetterFiles::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_letter_files_request", LetterFiles::Table, &[LetterFiles::RequestId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(VillageKeys::Table)
                    .if_not_exists()
                    .col(big_integer(VillageKeys::VillageId).primary_key())
                    // Ed25519, base64: the public key is published on the village site.
                    .col(string_len(VillageKeys::PublicKey, 64))
                    .col(string_len(VillageKeys::SecretKey, 64))
                    .col(timestamp_with_time_zone(VillageKeys::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            VillageKeys::Table.into_iden(),
            LetterFiles::Table.into_iden(),
            LetterCounters::Table.into_iden(),
            LetterEvents::Table.into_iden(),
            LetterRequests::Table.into_iden(),
            LetterTypes::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum LetterTypes {
    Table,
    Id,
    VillageId,
    Slug,
    Code,
    Title,
    Fields,
    Attachments,
    Online,
    Active,
    ValidityDays,
    NumberFormat,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LetterRequests {
    Table,
    Id,
    VillageId,
    TypeId,
    ResidentId,
    Status,
    FieldValues,
    Online,
    CreatedBy,
    Reason,
    Number,
    Year,
    Seq,
    SignedAt,
    SignedBy,
    Document,
    VerifyCode,
    Canonical,
    Signature,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LetterEvents {
    Table,
    Id,
    VillageId,
    RequestId,
    Status,
    Note,
    ActorName,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LetterCounters {
    Table,
    VillageId,
    TypeId,
    Year,
    Last,
}

#[derive(DeriveIden, Clone, Copy)]
enum LetterFiles {
    Table,
    Id,
    VillageId,
    RequestId,
    Attachment,
    ContentType,
    Size,
    StorageKey,
    ThumbKey,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum VillageKeys {
    Table,
    VillageId,
    PublicKey,
    SecretKey,
    CreatedAt,
}
