//! Issue 27 (trust):
//! - `known_devices`: browsers where an account signed in before (a cookie holds the token,
//!   the table its SHA-256); their sign-in attempts are counted apart from strangers', so a
//!   stranger cannot lock the owner out.
//! - `resident_moves`: a move between two villages of the deployment, waiting for the
//!   destination's officials to accept (making their own record) or refuse it. The village of
//!   origin never writes the destination's registry.
//! - `outbox_keys.owner`: whose session sent an item (a replay by anybody else gets nothing);
//!   `outbox_key` on the rows an outbox item creates (letter requests, complaints, products),
//!   unique per village, so an item applied again after a crash finds what it made before.
//! - `import_uploads.heartbeat_at`: a running import says it is alive; one whose server died
//!   is shown as stopped, not "running" forever.
//! - `village_keys.secret_key` wider (PostgreSQL): the key is now sealed with the deployment
//!   secret (`secrets.rs`).

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose rows an outbox item creates.
const CREATED_BY_OUTBOX: [(&str, &str); 3] = [
    ("letter_requests", "idx_letter_requests_outbox_key"),
    ("complaints", "idx_complaints_outbox_key"),
    ("products", "idx_products_outbox_key"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KnownDevices::Table)
                    .if_not_exists()
                    .col(string_len(KnownDevices::Id, 64).primary_key())
                    // The throttle's account key: "account:<username>" or "nik:<nik>".
                    .col(string_len(KnownDevices::Account, 200))
                    .col(timestamp_with_time_zone(KnownDevices::CreatedAt))
                    .col(timestamp_with_time_zone(KnownDevices::LastUsedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_known_devices_account", KnownDevices::Table, &[KnownDevices::Account]).await?;

        manager
            .create_table(
                Table::create()
                    .table(ResidentMoves::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ResidentMoves::Id))
                    // The destination: the village whose officials decide.
                    .col(big_integer(ResidentMoves::VillageId))
                    .col(big_integer(ResidentMoves::FromVillageId))
                    .col(big_integer(ResidentMoves::FromResidentId))
                    .col(string_len(ResidentMoves::Nik, 16))
                    .col(string_len(ResidentMoves::Name, 100))
                    // The record as the village of origin kept it (JSON), to fill the new one in.
                    .col(text(ResidentMoves::Data))
                    .col(date(ResidentMoves::EventDate))
                    .col(string_len_null(ResidentMoves::DocumentNumber, 100))
                    .col(string_len_null(ResidentMoves::Reason, 500))
                    // menunggu, diterima, ditolak
                    .col(string_len(ResidentMoves::Status, 10))
                    .col(string_len(ResidentMoves::SentByName, 100))
                    .col(timestamp_with_time_zone(ResidentMoves::CreatedAt))
                    .col(big_integer_null(ResidentMoves::DecidedBy))
                    .col(string_len_null(ResidentMoves::DecidedByName, 100))
                    .col(timestamp_with_time_zone_null(ResidentMoves::DecidedAt))
                    .col(string_len_null(ResidentMoves::Note, 500))
                    // The destination's record made on acceptance.
                    .col(big_integer_null(ResidentMoves::ResidentId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResidentMoves::Table, ResidentMoves::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResidentMoves::Table, ResidentMoves::FromVillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            // As every village-owned table (migration 16): the destination village leads the key.
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE resident_moves DROP CONSTRAINT resident_moves_pkey, ADD PRIMARY KEY (village_id, id)",
                )
                .await?;
        }
        index(
            manager,
            "idx_resident_moves_village_status",
            ResidentMoves::Table,
            &[ResidentMoves::VillageId, ResidentMoves::Status, ResidentMoves::Id],
        )
        .await?;
        index(
            manager,
            "idx_resident_moves_from",
            ResidentMoves::Table,
            &[ResidentMoves::FromVillageId, ResidentMoves::FromResidentId],
        )
        .await?;

        manager
            .alter_table(
                Table::alter().table(OutboxKeys::Table).add_column(string_len_null(OutboxKeys::Owner, 40)).to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // A signing key sealed with the deployment secret is longer than the plain one was
        // (SQLite does not enforce a VARCHAR's length).
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE village_keys ALTER COLUMN secret_key TYPE VARCHAR(200)").await?;
        }
        for (table, unique) in CREATED_BY_OUTBOX {
            db.execute_unprepared(&format!("ALTER TABLE {table} ADD COLUMN outbox_key VARCHAR(36) NULL")).await?;
            db.execute_unprepared(&format!("CREATE UNIQUE INDEX {unique} ON {table} (village_id, outbox_key)")).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ImportUploads::Table)
                    .add_column(timestamp_with_time_zone_null(ImportUploads::HeartbeatAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, unique) in CREATED_BY_OUTBOX {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {unique}")).await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN outbox_key")).await?;
        }
        manager
            .alter_table(Table::alter().table(ImportUploads::Table).drop_column(ImportUploads::HeartbeatAt).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(OutboxKeys::Table).drop_column(OutboxKeys::Owner).to_owned()).await?;
        manager.drop_table(Table::drop().table(ResidentMoves::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(KnownDevices::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Villages {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum KnownDevices {
    Table,
    Id,
    Account,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResidentMoves {
    Table,
    Id,
    VillageId,
    FromVillageId,
    FromResidentId,
    Nik,
    Name,
    Data,
    EventDate,
    DocumentNumber,
    Reason,
    Status,
    SentByName,
    CreatedAt,
    DecidedBy,
    DecidedByName,
    DecidedAt,
    Note,
    ResidentId,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutboxKeys {
    Table,
    Owner,
}

#[derive(DeriveIden, Clone, Copy)]
enum ImportUploads {
    Table,
    HeartbeatAt,
}
