//! Issue 28: the letters', complaints' and map's tables reference `villages`, as every other
//! village-owned table does (directly, or through the resident they belong to). Deleting a
//! village now removes its letters, complaints and map features with it; a row can no longer
//! name a village that does not exist.
//!
//! Rows that already name a missing village are deleted first: nothing could reach them (every
//! read names its village), and on SQLite a later village could even be given the same id.
//!
//! PostgreSQL adds the constraint in place. SQLite cannot add a foreign key to a table, so each
//! table is rebuilt from its own stored definition with the clause appended: the same columns,
//! types and indexes, the rows copied over. The whole migration is one transaction on both.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The village-owned tables that had no foreign key on `village_id`.
const TABLES: [&str; 10] = [
    "letter_types",
    "letter_requests",
    "letter_events",
    "letter_counters",
    "letter_files",
    "village_keys",
    "complaints",
    "complaint_messages",
    "complaint_files",
    "map_features",
];

/// What SQLite's rebuilt tables end with (and what `down` takes away again).
const SQLITE_CLAUSE: &str = ", FOREIGN KEY (\"village_id\") REFERENCES \"villages\" (\"id\") ON DELETE CASCADE";

fn constraint(table: &str) -> String {
    format!("fk_{table}_village")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!("DELETE FROM {table} WHERE village_id NOT IN (SELECT id FROM villages)"))
                .await?;
            match manager.get_database_backend() {
                DbBackend::Postgres => {
                    let name = constraint(table);
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY (village_id) \
                         REFERENCES villages (id) ON DELETE CASCADE"
                    ))
                    .await?;
                    // PostgreSQL does not index the referencing side by itself; a village's
                    // delete would scan the table. Every table here has an index led by
                    // village_id already (its primary key since migration 16).
                }
                _ => sqlite_rebuild(db, table, |body| format!("{body}{SQLITE_CLAUSE}")).await?,
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            match manager.get_database_backend() {
                DbBackend::Postgres => {
                    let name = constraint(table);
                    db.execute_unprepared(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}")).await?;
                }
                _ => sqlite_rebuild(db, table, |body| body.replace(SQLITE_CLAUSE, "")).await?,
            }
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// Rebuilds `table` on SQLite with its column list changed by `change` (the text between the
/// outer parentheses of its `CREATE TABLE`), keeping its rows and its indexes.
async fn sqlite_rebuild(
    db: &SchemaManagerConnection<'_>,
    table: &str,
    change: impl Fn(&str) -> String,
) -> Result<(), DbErr> {
    let stored = |sql: String| Statement::from_sql_and_values(DbBackend::Sqlite, sql, [table.into()]);
    let row = db
        .query_one_raw(stored("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?".into()))
        .await?
        .ok_or_else(|| DbErr::Migration(format!("{table}: no such table")))?;
    let create: String = row.try_get("", "sql")?;
    let (open, close) = match (create.find('('), create.rfind(')')) {
        (Some(open), Some(close)) if open < close => (open, close),
        _ => return Err(DbErr::Migration(format!("{table}: unexpected definition {create}"))),
    };
    let indexes: Vec<String> = db
        .query_all_raw(stored(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL".into(),
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<String>("", "sql"))
        .collect::<Result<_, _>>()?;

    // AUTOINCREMENT's counter goes with the dropped table; an id given before must not come back.
    let seq = db
        .query_one_raw(stored("SELECT seq FROM sqlite_sequence WHERE name = ?".into()))
        .await?
        .map(|r| r.try_get::<i64>("", "seq"))
        .transpose()?;

    let rebuilt = format!("{table}_rebuilt");
    let body = change(&create[open + 1..close]);
    db.execute_unprepared(&format!("CREATE TABLE \"{rebuilt}\" ({body})")).await?;
    db.execute_unprepared(&format!("INSERT INTO \"{rebuilt}\" SELECT * FROM \"{table}\"")).await?;
    db.execute_unprepared(&format!("DROP TABLE \"{table}\"")).await?;
    db.execute_unprepared(&format!("ALTER TABLE \"{rebuilt}\" RENAME TO \"{table}\"")).await?;
    for index in indexes {
        db.execute_unprepared(&index).await?;
    }
    if let Some(seq) = seq {
        db.execute_unprepared(&format!("DELETE FROM sqlite_sequence WHERE name IN ('{table}', '{rebuilt}')")).await?;
        db.execute_unprepared(&format!("INSERT INTO sqlite_sequence (name, seq) VALUES ('{table}', {seq})")).await?;
    }
    Ok(())
}
