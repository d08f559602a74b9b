//! Import files between the dry run and the real run, and the progress of a running import
//! (server only), in the table `import_uploads`: whichever app server an official's next
//! request reaches sees the same upload, and two servers can never start the same import twice.
//! Kept for an hour; the file's bytes are dropped when its import has finished.
//!
//! The row count of a running import is also kept by the process that runs it ([`track`]), and
//! read from there first: on SQLite the import's one transaction holds the only write lock, so
//! the table's count could not move before it commits (and only one server uses a SQLite file).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::model::{ImportReport, ImportState};
use crate::db::entities::import_upload;
use crate::error::AppResult;

const KEEP_MINUTES: i64 = 60;
const CHECKED: &str = "checked";
const RUNNING: &str = "running";
const FINISHED: &str = "finished";

fn outcome_json(result: &Result<ImportReport, String>) -> Option<String> {
    serde_json::to_string(result).ok()
}

fn outcome_of(json: Option<&str>) -> Result<ImportReport, String> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_else(|| Err("Hasil pemeriksaan berkas tidak terbaca; unggah lagi.".into()))
}

/// Keeps a checked upload; returns its token. The official's older uploads that are not running
/// are dropped, and every upload older than an hour.
///
/// # Errors
/// Database failures.
pub async fn put(
    db: &DatabaseConnection,
    village_id: i64,
    official_id: i64,
    file_name: String,
    bytes: Vec<u8>,
    checked: Result<ImportReport, String>,
) -> AppResult<String> {
    let old = Utc::now() - chrono::Duration::minutes(KEEP_MINUTES);
    import_upload::Entity::delete_many()
        .filter(
            Condition::any().add(import_upload::Column::CreatedAt.lt(old)).add(
                Condition::all()
                    .add(import_upload::Column::VillageId.eq(village_id))
                    .add(import_upload::Column::OfficialId.eq(official_id))
                    .add(import_upload::Column::Stage.ne(RUNNING)),
            ),
        )
        .exec(db)
        .await?;
    let token = crate::access::session::new_token();
    let rows = checked.as_ref().map(|r| r.rows).unwrap_or(0);
    import_upload::ActiveModel {
        village_id: Set(village_id),
        token: Set(token.clone()),
        official_id: Set(official_id),
        file_name: Set(file_name.chars().take(255).collect()),
        bytes: Set(bytes),
        stage: Set(CHECKED.into()),
        outcome: Set(outcome_json(&checked)),
        rows: Set(i32::try_from(rows).unwrap_or(i32::MAX)),
        progress: Set(0),
        created_at: Set(Utc::now()),
        heartbeat_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The upload `token` of this village and official, if it is there and not expired.
async fn find(
    db: &DatabaseConnection,
    token: &str,
    village_id: i64,
    official_id: i64,
) -> AppResult<Option<import_upload::Model>> {
    let old = Utc::now() - chrono::Duration::minutes(KEEP_MINUTES);
    Ok(import_upload::Entity::find_by_id((village_id, token.to_string()))
        .filter(import_upload::Column::OfficialId.eq(official_id))
        .filter(import_upload::Column::CreatedAt.gte(old))
        .one(db)
        .await?)
}

/// Row counts of the imports this process runs, by token.
static RUNNING_HERE: LazyLock<Mutex<HashMap<String, Arc<AtomicU32>>>> = LazyLock::new(Default::default);

fn running_here() -> std::sync::MutexGuard<'static, HashMap<String, Arc<AtomicU32>>> {
    RUNNING_HERE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The counter this process's import of `token` advances ([`finish`] forgets it); `None` when
/// this process runs it already.
pub fn track(token: &str) -> Option<Arc<AtomicU32>> {
    let mut here = running_here();
    if here.contains_key(token) {
        return None;
    }
    let counter = Arc::new(AtomicU32::new(0));
    here.insert(token.to_string(), counter.clone());
    Some(counter)
}

/// A running import on another server is alive while it writes its heartbeat this often…
const HEARTBEAT: Duration = Duration::from_secs(2);
/// …and stopped (its server died) after this long without one.
const SILENT_AFTER: chrono::Duration = chrono::Duration::seconds(30);

/// What an import whose server stopped midway says: its one transaction was never committed.
pub const STOPPED: &str = "Impor terhenti karena server berhenti di tengah jalan. Tidak ada data yang tersimpan \
                           (impor ditulis semua atau tidak sama sekali); unggah berkasnya lagi.";

/// Forgets the counter of an import that did not start.
pub fn untrack(token: &str) {
    running_here().remove(token);
}

/// Where the upload `token` of this village and official stands. A "running" import that no
/// live server runs — this process does not, and (PostgreSQL) no heartbeat came for
/// [`SILENT_AFTER`]; SQLite is served by one process only — is recorded as stopped.
///
/// # Errors
/// Database failures.
pub async fn state(
    db: &DatabaseConnection,
    token: &str,
    village_id: i64,
    official_id: i64,
) -> AppResult<Option<ImportState>> {
    let Some(u) = find(db, token, village_id, official_id).await? else { return Ok(None) };
    Ok(Some(match u.stage.as_str() {
        RUNNING => {
            let here = running_here().get(token).map(|n| n.load(Ordering::Relaxed));
            let alive_elsewhere = db.get_database_backend() == sea_orm::DbBackend::Postgres
                && u.heartbeat_at.is_some_and(|t| Utc::now() - t < SILENT_AFTER);
            match here {
                Some(done) => ImportState::Running { done, total: u32::try_from(u.rows).unwrap_or(0) },
                None if alive_elsewhere => ImportState::Running {
                    done: u32::try_from(u.progress).unwrap_or(0),
                    total: u32::try_from(u.rows).unwrap_or(0),
                },
                None => {
                    let stopped = Err(STOPPED.to_string());
                    // Only if it is still the same run (nobody finished it meanwhile).
                    import_upload::Entity::update_many()
                        .col_expr(import_upload::Column::Stage, Expr::value(FINISHED))
                        .col_expr(import_upload::Column::Outcome, Expr::value(outcome_json(&stopped)))
                        .col_expr(import_upload::Column::Bytes, Expr::value(Vec::<u8>::new()))
                        .filter(import_upload::Column::VillageId.eq(village_id))
                        .filter(import_upload::Column::Token.eq(token))
                        .filter(import_upload::Column::Stage.eq(RUNNING))
                        .exec(db)
                        .await?;
                    ImportState::Finished(stopped)
                }
            }
        }
        FINISHED => ImportState::Finished(outcome_of(u.outcome.as_deref())),
        _ => ImportState::Checked(outcome_of(u.outcome.as_deref())),
    }))
}

/// Marks the upload running, if its check passed and it has not started: one atomic update,
/// so of two servers (or two clicks) only one starts it. Returns the file to import.
///
/// # Errors
/// Database failures.
pub async fn start(
    db: &DatabaseConnection,
    token: &str,
    village_id: i64,
    official_id: i64,
) -> AppResult<Option<import_upload::Model>> {
    let Some(u) = find(db, token, village_id, official_id).await? else { return Ok(None) };
    if u.stage != CHECKED || outcome_of(u.outcome.as_deref()).is_err() {
        return Ok(None);
    }
    let moved = import_upload::Entity::update_many()
        .col_expr(import_upload::Column::Stage, Expr::value(RUNNING))
        .col_expr(import_upload::Column::Progress, Expr::value(0))
        .col_expr(import_upload::Column::HeartbeatAt, Expr::value(Utc::now()))
        .filter(import_upload::Column::VillageId.eq(village_id))
        .filter(import_upload::Column::Token.eq(token))
        .filter(import_upload::Column::Stage.eq(CHECKED))
        .exec(db)
        .await?;
    Ok((moved.rows_affected == 1).then_some(u))
}

/// Writes the running import's row count and a heartbeat to the table every two seconds, for
/// the other app servers, until aborted. PostgreSQL only (see the module's note on SQLite).
pub fn report_progress(
    db: DatabaseConnection,
    village_id: i64,
    token: String,
    progress: Arc<AtomicU32>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if db.get_database_backend() != sea_orm::DbBackend::Postgres {
            return;
        }
        loop {
            tokio::time::sleep(HEARTBEAT).await;
            let now = progress.load(Ordering::Relaxed);
            let _ = import_upload::Entity::update_many()
                .col_expr(import_upload::Column::Progress, Expr::value(i32::try_from(now).unwrap_or(i32::MAX)))
                .col_expr(import_upload::Column::HeartbeatAt, Expr::value(Utc::now()))
                .filter(import_upload::Column::VillageId.eq(village_id))
                .filter(import_upload::Column::Token.eq(token.as_str()))
                .filter(import_upload::Column::Stage.eq(RUNNING))
                .exec(&db)
                .await;
        }
    })
}

/// Records the import's outcome and drops the file.
///
/// # Errors
/// Database failures.
pub async fn finish(
    db: &DatabaseConnection,
    village_id: i64,
    token: &str,
    result: &Result<ImportReport, String>,
) -> AppResult<()> {
    running_here().remove(token);
    import_upload::Entity::update_many()
        .col_expr(import_upload::Column::Stage, Expr::value(FINISHED))
        .col_expr(import_upload::Column::Outcome, Expr::value(outcome_json(result)))
        .col_expr(import_upload::Column::Bytes, Expr::value(Vec::<u8>::new()))
        .filter(import_upload::Column::VillageId.eq(village_id))
        .filter(import_upload::Column::Token.eq(token))
        .exec(db)
        .await?;
    Ok(())
}
