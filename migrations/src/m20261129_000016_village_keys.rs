//! `village_id` leads every key of a village-owned table, so that PostgreSQL can be sharded by
//! village (Citus requires the distribution column in every primary key, unique index and
//! foreign key between distributed tables) without changing the schema again.
//!
//! A village-owned table is one with a non-null `village_id`. After this migration:
//! - unique indexes start with `village_id` (both backends): the letters' verification code and
//!   the complaints' access token were unique across the deployment, they are now unique within
//!   their village (every lookup already names the village);
//! - on PostgreSQL, primary keys are `(village_id, id)` (a plain index on `id` keeps lookups by
//!   `id` alone fast), and every foreign key between two village-owned tables is
//!   `(village_id, x_id) → (village_id, id)` with the same `ON DELETE` action (`SET NULL` clears
//!   only `x_id`, PostgreSQL 15+).
//!
//! SQLite is never sharded: its tables keep `id INTEGER PRIMARY KEY` (the row id, which is what
//! makes ids automatic there), and a foreign key cannot change without rebuilding the table.
//!
//! Tables without a non-null `village_id` (villages, officials, sessions, login failures, the
//! audit log) are, on a sharded cluster, reference tables or distributed by their own key; see
//! the README's "PostgreSQL at scale".

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Unique indexes that did not start with `village_id`: (old index, new unique index, plain index
/// on the value alone, table, column). New names throughout: on SQLite another connection of the
/// pool may still hold the old schema, where a name dropped a moment ago "already exists".
const UNIQUES: [(&str, &str, &str, &str, &str); 2] = [
    (
        "idx_letter_requests_verify",
        "uq_letter_requests_village_verify",
        "idx_letter_requests_verify_code",
        "letter_requests",
        "verify_code",
    ),
    (
        "idx_complaints_token",
        "uq_complaints_village_token",
        "idx_complaints_access_token",
        "complaints",
        "access_token",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (old, unique, plain, table, col) in UNIQUES {
            db.execute_unprepared(&format!("CREATE UNIQUE INDEX {unique} ON {table} (village_id, {col})")).await?;
            db.execute_unprepared(&format!("DROP INDEX {old}")).await?;
            // Lookups by the value alone (none today) stay quick.
            db.execute_unprepared(&format!("CREATE INDEX {plain} ON {table} ({col})")).await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            postgres_keys(db).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The composite keys stay on PostgreSQL (they are a superset of the old ones); the
        // unique indexes go back to the deployment-wide ones.
        let db = manager.get_connection();

        for (old, unique, plain, table, col) in UNIQUES {
            db.execute_unprepared(&format!("CREATE UNIQUE INDEX {old} ON {table} ({col})")).await?;
            db.execute_unprepared(&format!("DROP INDEX {plain}")).await?;
            db.execute_unprepared(&format!("DROP INDEX {unique}")).await?;
        }
        Ok(())
    }
}

/// A foreign key as PostgreSQL's catalogue describes it.
struct Fk {
    name: String,
    table: String,
    cols: Vec<String>,
    target: String,
    target_cols: Vec<String>,
    on_delete: String,
}

/// Rebuilds primary keys and foreign keys of the village-owned tables, read from the catalogue.
async fn postgres_keys(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.relname AS t FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid \
             WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attname = 'village_id' \
               AND a.attnotnull AND NOT a.attisdropped ORDER BY 1",
        ))
        .await?;
    let owned: Vec<String> = rows.iter().map(|r| r.try_get::<String>("", "t")).collect::<Result<_, _>>()?;

    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT con.conname AS name, src.relname AS t, dst.relname AS target, \
               con.confdeltype::text AS del, \
               array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), ',') AS cols, \
               array_to_string(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o), ',') AS target_cols \
             FROM pg_constraint con \
             JOIN pg_class src ON src.oid = con.conrelid \
             JOIN pg_class dst ON dst.oid = con.confrelid \
             JOIN pg_namespace n ON n.oid = src.relnamespace \
             WHERE con.contype = 'f' AND n.nspname = current_schema() ORDER BY 1",
        ))
        .await?;
    let split = |s: String| s.split(',').map(str::to_string).collect::<Vec<_>>();
    let mut fks = Vec::new();
    for r in &rows {
        let target: String = r.try_get("", "target")?;
        let cols: String = r.try_get("", "cols")?;
        if !owned.contains(&target) || cols.split(',').any(|c| c == "village_id") {
            continue;
        }
        let fk = Fk {
            name: r.try_get("", "name")?,
            table: r.try_get("", "t")?,
            cols: split(cols),
            target,
            target_cols: split(r.try_get("", "target_cols")?),
            on_delete: r.try_get("", "del")?,
        };
        if !owned.contains(&fk.table) {
            return Err(DbErr::Migration(format!(
                "{} references the village-owned {} but has no village_id of its own",
                fk.table, fk.target
            )));
        }
        fks.push(fk);
    }

    for fk in &fks {
        db.execute_unprepared(&format!("ALTER TABLE {} DROP CONSTRAINT {}", fk.table, fk.name)).await?;
    }
    for table in &owned {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT con.conname AS name, array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) \
                       WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n \
                       ORDER BY k.o), ',') AS cols \
                     FROM pg_constraint con WHERE con.conrelid = '{table}'::regclass AND con.contype = 'p'"
                ),
            ))
            .await?
            .ok_or_else(|| DbErr::Migration(format!("{table} has no primary key")))?;
        let name: String = row.try_get("", "name")?;
        let cols: String = row.try_get("", "cols")?;
        if cols.split(',').next() == Some("village_id") {
            continue;
        }
        db.execute_unprepared(&format!(
            "ALTER TABLE {table} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} PRIMARY KEY (village_id, {cols})"
        ))
        .await?;
        db.execute_unprepared(&format!("CREATE INDEX idx_{table}_{} ON {table} ({cols})", cols.replace(',', "_")))
            .await?;
    }
    for fk in &fks {
        let action = match fk.on_delete.as_str() {
            "c" => "CASCADE".to_string(),
            "n" => format!("SET NULL ({})", fk.cols.join(", ")),
            "r" => "RESTRICT".to_string(),
            "d" => format!("SET DEFAULT ({})", fk.cols.join(", ")),
            _ => "NO ACTION".to_string(),
        };
        db.execute_unprepared(&format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY (village_id, {}) REFERENCES {} (village_id, {}) ON DELETE {action}",
            fk.table,
            fk.name,
            fk.cols.join(", "),
            fk.target,
            fk.target_cols.join(", ")
        ))
        .await?;
    }
    Ok(())
}
