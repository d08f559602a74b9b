//! The full population registry: the resident fields officials keep (as in the incumbent's import
//! format), a search key for names, edit history, events (mutasi) and residents' correction
//! requests. Nothing in these tables is ever deleted by the application.

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            // pendidikan sedang ditempuh (the `education` column is the one in the KK)
            string_len(Residents::EducationCurrent, 60).default("").to_owned(),
            string_len(Residents::Citizenship, 25).default("WNI").to_owned(),
            string_len(Residents::BloodType, 12).default("TIDAK TAHU").to_owned(),
            string_len_null(Residents::FatherNik, 16).to_owned(),
            string_len_null(Residents::FatherName, 100).to_owned(),
            string_len_null(Residents::MotherNik, 16).to_owned(),
            string_len_null(Residents::MotherName, 100).to_owned(),
            string_len_null(Residents::Disability, 40).to_owned(),
            string_len_null(Residents::Phone, 20).to_owned(),
            // The other columns of the import format (documents, KB, e-KTP, insurance, …) as a
            // JSON object, so that an import → export round trip keeps them.
            text_null(Residents::Documents).to_owned(),
            // Lower-case name, for index-assisted search.
            string_len(Residents::NameKey, 100).default("").to_owned(),
        ];
        for column in columns {
            manager.alter_table(Table::alter().table(Residents::Table).add_column(column).to_owned()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE residents SET name_key = LOWER(name)").await?;
        // Name search and the list's order: a scan of this index alone (status included, as
        // lists show the living by default).
        let cols = [Residents::VillageId, Residents::Status, Residents::NameKey];
        index(manager, "idx_residents_village_name_key", Residents::Table, &cols).await?;
        // PostgreSQL: names are searched anywhere in the name (`LIKE '%…%'`), which a trigram
        // index answers; pg_trgm ships with PostgreSQL and is a trusted extension (any user who
        // may create objects in the database can install it). Without it, search still works,
        // by scanning the index above.
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            let available = db
                .query_one_raw(sea_orm_migration::sea_orm::Statement::from_string(
                    sea_orm_migration::sea_orm::DbBackend::Postgres,
                    "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'",
                ))
                .await?
                .is_some();
            if available {
                db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
                db.execute_unprepared(
                    "CREATE INDEX IF NOT EXISTS idx_residents_name_trgm ON residents USING gin (name_key gin_trgm_ops)",
                )
                .await?;
            }
        }
        // A living NIK is unique in the whole deployment: found through this index.
        index(manager, "idx_residents_nik", Residents::Table, &[Residents::Nik]).await?;
        // Statistics read each of these in order (village, status, column, sex): one pass, no
        // sorting, no table lookups. The birth date one also serves the list's age filter.
        // The RT one ends with the birth date: a list filtered by dusun/RT, sex and age reads
        // only the index entries it needs.
        let cols = [Residents::VillageId, Residents::Status, Residents::RtId, Residents::Sex, Residents::BirthDate];
        index(manager, "idx_residents_stats_rt", Residents::Table, &cols).await?;
        for (name, column) in [
            ("idx_residents_stats_birth", Residents::BirthDate),
            ("idx_residents_stats_religion", Residents::Religion),
            ("idx_residents_stats_education", Residents::Education),
            ("idx_residents_stats_occupation", Residents::Occupation),
            ("idx_residents_stats_marital", Residents::MaritalStatus),
        ] {
            let cols = [Residents::VillageId, Residents::Status, column, Residents::Sex];
            index(manager, name, Residents::Table, &cols).await?;
        }
        let cols = [Residents::VillageId, Residents::Status, Residents::FamilyId];
        index(manager, "idx_residents_stats_family", Residents::Table, &cols).await?;

        manager
            .create_table(
                Table::create()
                    .table(PopulationEvents::Table)
                    .if_not_exists()
                    .col(big_pk_auto(PopulationEvents::Id))
                    .col(big_integer(PopulationEvents::VillageId))
                    .col(big_integer(PopulationEvents::ResidentId))
                    .col(big_integer_null(PopulationEvents::FamilyId))
                    // lahir, mati, pindah_keluar, pindah_masuk, hilang
                    .col(string_len(PopulationEvents::Kind, 20))
                    .col(date(PopulationEvents::EventDate))
                    .col(string_len_null(PopulationEvents::DocumentNumber, 100))
                    .col(string_len_null(PopulationEvents::Place, 200))
                    .col(text_null(PopulationEvents::Reason))
                    // the other village of the deployment a resident moved to or came from
                    .col(big_integer_null(PopulationEvents::OtherVillageId))
                    .col(big_integer_null(PopulationEvents::RecordedBy))
                    .col(string_len(PopulationEvents::RecordedByName, 100))
                    .col(timestamp_with_time_zone(PopulationEvents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PopulationEvents::Table, PopulationEvents::VillageId)
                            .to(Villages::Table, Villages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PopulationEvents::Table, PopulationEvents::ResidentId)
                            .to(Residents::Table, Residents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_population_events_village_date",
            PopulationEvents::Table,
            &[PopulationEvents::VillageId, PopulationEvents::EventDate],
        )
        .await?;
        index(manager, "idx_population_events_resident", PopulationEvents::Table, &[PopulationEvents::ResidentId])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResidentHistory::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ResidentHistory::Id))
                    .col(big_integer(ResidentHistory::VillageId))
                    .col(big_integer(ResidentHistory::ResidentId))
                    // JSON list of {field, before, after}
                    .col(text(ResidentHistory::Changes))
                    // why (e.g. the reason for accepting a NIK that disagrees with the birth date)
                    .col(text_null(ResidentHistory::Reason))
                    .col(big_integer_null(ResidentHistory::ChangedBy))
                    .col(string_len(ResidentHistory::ChangedByName, 100))
                    .col(timestamp_with_time_zone(ResidentHistory::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResidentHistory::Table, ResidentHistory::ResidentId)
                            .to(Residents::Table, Residents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_resident_history_resident", ResidentHistory::Table, &[ResidentHistory::ResidentId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(CorrectionRequests::Table)
                    .if_not_exists()
                    .col(big_pk_auto(CorrectionRequests::Id))
                    .col(big_integer(CorrectionRequests::VillageId))
                    .col(big_integer(CorrectionRequests::ResidentId))
                    .col(text(CorrectionRequests::Message))
                    // baru, selesai, ditolak
                    .col(string_len(CorrectionRequests::Status, 10).default("baru"))
                    .col(text_null(CorrectionRequests::Response))
                    .col(big_integer_null(CorrectionRequests::ResolvedBy))
                    .col(string_len_null(CorrectionRequests::ResolvedByName, 100))
                    .col(timestamp_with_time_zone(CorrectionRequests::CreatedAt))
                    .col(timestamp_with_time_zone_null(CorrectionRequests::ResolvedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CorrectionRequests::Table, CorrectionRequests::ResidentId)
                            .to(Residents::Table, Residents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_correction_requests_village_status",
            CorrectionRequests::Table,
            &[CorrectionRequests::VillageId, CorrectionRequests::Status],
        )
        .await?;
        index(manager, "idx_correction_requests_resident", CorrectionRequests::Table, &[CorrectionRequests::ResidentId])
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CorrectionRequests::Table.into_iden(),
            ResidentHistory::Table.into_iden(),
            PopulationEvents::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for name in [
            "idx_residents_name_trgm",
            "idx_residents_village_name_key",
            "idx_residents_nik",
            "idx_residents_stats_birth",
            "idx_residents_stats_rt",
            "idx_residents_stats_religion",
            "idx_residents_stats_education",
            "idx_residents_stats_occupation",
            "idx_residents_stats_marital",
            "idx_residents_stats_family",
        ] {
            manager.drop_index(Index::drop().name(name).table(Residents::Table).to_owned()).await?;
        }
        for column in [
            Residents::EducationCurrent,
            Residents::Citizenship,
            Residents::BloodType,
            Residents::FatherNik,
            Residents::FatherName,
            Residents::MotherNik,
            Residents::MotherName,
            Residents::Disability,
            Residents::Phone,
            Residents::Documents,
            Residents::NameKey,
        ] {
            manager.alter_table(Table::alter().table(Residents::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
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
    VillageId,
    Nik,
    BirthDate,
    Status,
    Sex,
    RtId,
    FamilyId,
    Religion,
    Education,
    Occupation,
    MaritalStatus,
    EducationCurrent,
    Citizenship,
    BloodType,
    FatherNik,
    FatherName,
    MotherNik,
    MotherName,
    Disability,
    Phone,
    Documents,
    NameKey,
}

#[derive(DeriveIden, Clone, Copy)]
enum PopulationEvents {
    Table,
    Id,
    VillageId,
    ResidentId,
    FamilyId,
    Kind,
    EventDate,
    DocumentNumber,
    Place,
    Reason,
    OtherVillageId,
    RecordedBy,
    RecordedByName,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResidentHistory {
    Table,
    Id,
    VillageId,
    ResidentId,
    Changes,
    Reason,
    ChangedBy,
    ChangedByName,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CorrectionRequests {
    Table,
    Id,
    VillageId,
    ResidentId,
    Message,
    Status,
    Response,
    ResolvedBy,
    ResolvedByName,
    CreatedAt,
    ResolvedAt,
}
