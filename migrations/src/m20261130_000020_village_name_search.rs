//! Name search reads one village's rows only (PostgreSQL).
//!
//! Migration 7 gave PostgreSQL a trigram index over every resident's `name_key` of the whole
//! deployment. A search is always inside one village, so that index answers the wrong question:
//! at province scale (millions of rows) the planner may AND its bitmap — every resident of the
//! province whose name holds the trigrams, e.g. 5 % of them for a common family name — with the
//! village's, which costs more than reading the village's few thousand entries of
//! `idx_residents_village_name_key` (led by `village_id`, `status`), and grows with the province.
//! Dropped, so search costs what the village's size says, and writes skip a large GIN index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP INDEX IF EXISTS idx_residents_name_trgm").await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        let installed = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'",
            ))
            .await?
            .is_some();
        if installed {
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_residents_name_trgm ON residents USING gin (name_key gin_trgm_ops)",
            )
            .await?;
        }
        Ok(())
    }
}
