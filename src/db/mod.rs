//! Database connection, entities and small SQL helpers (server only).
//!
//! SQLite is the default (one file under `data/`), PostgreSQL serves large deployments; both run
//! the same migrations (`migrations/`) and the same tests. Entities never leave the server: the
//! slices map them to DTOs.

pub mod entities;
pub mod keyset;
pub mod outage;
pub mod owned;
pub mod rate;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, Value};

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error(
        "DATABASE_URL {0:?} is not supported: use sqlite://path/to/file.db?mode=rwc or postgres://user@host:5432/database"
    )]
    Scheme(String),
    #[error("cannot create the folder {path} for the SQLite database: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error(
        "cannot connect to the database at {url}: {cause}. Check DATABASE_URL and that the database server is running"
    )]
    Connect { url: String, cause: String },
    #[error("database migration failed: {0}")]
    Migrate(String),
}

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Connects to the database named by `url`, tuned for a server.
///
/// SQLite gets WAL journaling, `synchronous=NORMAL`, enforced foreign keys and a busy timeout,
/// so readers never block the writer and concurrent writers wait instead of failing.
/// PostgreSQL gets a `statement_timeout`, so a runaway query is cancelled by the server instead
/// of holding a connection. Both from [`statement_timeout`]; the pool from [`pool_size`].
///
/// # Errors
/// An unsupported scheme, a folder that cannot be created, or a server that does not answer.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    let is_sqlite = url.starts_with("sqlite:");
    let is_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !is_sqlite && !is_postgres {
        return Err(DbSetupError::Scheme(redact(url)));
    }
    if is_sqlite {
        ensure_sqlite_folder(url)?;
    }
    let mut opts = ConnectOptions::new(url.to_string());
    // Short waits: when the database is down, a request learns it in seconds (and `outage`
    // answers the next ones at once).
    opts.connect_timeout(Duration::from_secs(3)).acquire_timeout(Duration::from_secs(3)).sqlx_logging(false);
    let pool = pool_size(is_sqlite);
    let timeout = statement_timeout(is_sqlite);
    if is_sqlite {
        opts.max_connections(pool).min_connections(1).map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(timeout)
        });
    } else {
        opts.max_connections(pool).min_connections(1).statement_timeout(timeout);
    }
    Database::connect(opts).await.map_err(|e| DbSetupError::Connect { url: redact(url), cause: root_cause(&e) })
}

/// Connections in the pool: `DATABASE_MAX_CONNECTIONS`, or 8 for SQLite (readers in parallel,
/// writers one at a time through [`Write`]) and 16 for PostgreSQL.
fn pool_size(is_sqlite: bool) -> u32 {
    crate::config::current().database.max_connections.unwrap_or(if is_sqlite { 8 } else { 16 })
}

/// How long one statement may take: `DATABASE_STATEMENT_TIMEOUT`, or 15 s on PostgreSQL (the
/// server cancels the statement) and 5 s on SQLite (where a statement cannot be cancelled from
/// outside, this bounds the wait for the write lock).
fn statement_timeout(is_sqlite: bool) -> Duration {
    crate::config::current().database.statement_timeout.unwrap_or(Duration::from_secs(if is_sqlite { 5 } else { 15 }))
}

/// A write transaction that waits its turn in the process before it starts on SQLite.
///
/// SQLite lets one connection write at a time; a second writer is told "busy" and SQLite's busy
/// handler polls with sleeps of 1 to 100 ms, which under a burst (200 residents submitting at
/// once) left the lock idle while writers slept. Writers queue here instead and start the
/// moment the previous one commits. PostgreSQL locks rows itself: no queue.
///
/// Only for short transactions that start no other transaction inside (the queue is not
/// reentrant).
pub struct Write {
    txn: sea_orm::DatabaseTransaction,
    _turn: Option<tokio::sync::MutexGuard<'static, ()>>,
}

static SQLITE_WRITERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Write {
    /// Waits for the turn (SQLite) and begins the transaction.
    ///
    /// # Errors
    /// Database failures.
    pub async fn begin(db: &DatabaseConnection) -> Result<Self, sea_orm::DbErr> {
        use sea_orm::TransactionTrait;
        let turn = match db.get_database_backend() {
            DbBackend::Sqlite => Some(SQLITE_WRITERS.lock().await),
            _ => None,
        };
        Ok(Self { txn: db.begin().await?, _turn: turn })
    }

    /// Commits, then lets the next writer go.
    ///
    /// # Errors
    /// Database failures (the transaction is rolled back).
    pub async fn commit(self) -> Result<(), sea_orm::DbErr> {
        self.txn.commit().await
    }
}

impl std::ops::Deref for Write {
    type Target = sea_orm::DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

/// Applies all pending migrations.
///
/// # Errors
/// When a migration fails; the database is left at the last migration that succeeded.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    Migrator::up(db, None).await.map_err(|e| DbSetupError::Migrate(e.to_string()))
}

fn ensure_sqlite_folder(url: &str) -> Result<(), DbSetupError> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|source| DbSetupError::Folder { path: parent.display().to_string(), source })?;
    }
    Ok(())
}

fn root_cause(err: &sea_orm::DbErr) -> String {
    let mut source: &dyn std::error::Error = err;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// Refreshes the query planner's statistics after a bulk load (seed, large import), so the
/// next queries pick the right indexes at once instead of after the database's own schedule.
/// SQLite samples at most 1,000 rows per index, which keeps this well under a second;
/// PostgreSQL vacuums and analyses the registry's two big tables.
///
/// # Errors
/// Database failures.
pub async fn refresh_statistics<C: ConnectionTrait>(db: &C) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA analysis_limit = 1000").await?;
        db.execute_unprepared("ANALYZE").await?;
    } else {
        // Also marks the new rows visible, so that index-only scans need no table lookups.
        db.execute_unprepared("VACUUM (ANALYZE) residents, families").await?;
    }
    Ok(())
}

/// A raw statement written with `?` placeholders, numbered `$1, $2…` for PostgreSQL.
pub fn sql(backend: DbBackend, text: &str, values: Vec<Value>) -> Statement {
    let text = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(text.len() + 8);
        let mut n = 0;
        for ch in text.chars() {
            if ch == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(ch);
            }
        }
        out
    } else {
        text.to_string()
    };
    Statement::from_sql_and_values(backend, text, values)
}

/// `LOWER(col) LIKE '%text%'`, case-insensitive on both backends (SQLite's LIKE ignores ASCII
/// case, PostgreSQL's does not). `%`, `_` and `\` in `text` are dropped, not interpreted.
pub fn contains_lower<C: sea_orm::sea_query::IntoColumnRef>(col: C, text: &str) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let text: String = text.to_lowercase().chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
    Expr::expr(Func::lower(Expr::col(col))).like(format!("%{text}%"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact("postgres://u:secret@h:5432/d"), "postgres://u:***@h:5432/d");
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn numbers_placeholders_for_postgres() {
        let s = sql(DbBackend::Postgres, "a = ? AND b = ?", vec![1.into(), 2.into()]);
        assert_eq!(s.sql, "a = $1 AND b = $2");
        let s = sql(DbBackend::Sqlite, "a = ?", vec![1.into()]);
        assert_eq!(s.sql, "a = ?");
    }
}
