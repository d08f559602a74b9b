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
    let token = crate::auth::session::new_token();
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

/// The counter this process's import of `token` advances; [`finish`] forgets it.
pub fn track(token: &str) -> Arc<AtomicU32> {
    running_here().entry(token.to_string()).or_default().clone()
}

/// Where the upload `token` of this village and official stands.
///
/// # Errors
/// Database failures.
pub async fn state(
    db: &DatabaseConnection,
    token: &str,
    village_id: i64,
    official_id: i64,
) -> AppResult<Option<ImportState>> {
    Ok(find(db, token, village_id, official_id).await?.map(|u| match u.stage.as_str() {
        RUNNING => ImportState::Running {
            done: running_here()
                .get(token)
                .map_or_else(|| u32::try_from(u.progress).unwrap_or(0), |here| here.load(Ordering::Relaxed)),
            total: u32::try_from(u.rows).unwrap_or(0),
        },
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
        .filter(import_upload::Column::VillageId.eq(village_id))
        .filter(import_upload::Column::Token.eq(token))
        .filter(import_upload::Column::Stage.eq(CHECKED))
        .exec(db)
        .await?;
    Ok((moved.rows_affected == 1).then_some(u))
}

/// Writes the running import's row count to the table every half second, for the other app
/// servers, until aborted. PostgreSQL only (see the module's note on SQLite).
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
        let mut last = 0;
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let now = progress.load(Ordering::Relaxed);
            if now == last {
                continue;
            }
            last = now;
            let _ = import_upload::Entity::update_many()
                .col_expr(import_upload::Column::Progress, Expr::value(i32::try_from(now).unwrap_or(i32::MAX)))
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
