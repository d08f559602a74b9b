//! Import files between the dry run and the real run, and the progress of a running import
//! (server only). Kept in this process's memory for an hour: an import is short, and a restart
//! only asks the official to upload the file again. (With several app servers, the upload and
//! its progress page must reach the same one: sticky sessions, see ARCHITECTURE.md.)

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use super::model::ImportReport;

const KEEP: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub enum Stage {
    /// The dry run's report (or why the file was refused), waiting for the official.
    Checked(Result<ImportReport, String>),
    Running,
    Finished(Result<ImportReport, String>),
}

#[derive(Debug, Clone)]
pub struct Upload {
    pub village_id: i64,
    pub official_id: i64,
    pub file_name: String,
    pub bytes: Arc<Vec<u8>>,
    pub stage: Stage,
    pub rows: u32,
    pub progress: Arc<AtomicU32>,
    created: Instant,
}

static UPLOADS: LazyLock<Mutex<HashMap<String, Upload>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn lock() -> std::sync::MutexGuard<'static, HashMap<String, Upload>> {
    UPLOADS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Keeps a checked upload; returns its token. An official's older uploads are dropped.
pub fn put(
    village_id: i64,
    official_id: i64,
    file_name: String,
    bytes: Vec<u8>,
    checked: Result<ImportReport, String>,
) -> String {
    let token = crate::auth::session::new_token();
    let rows = checked.as_ref().map(|r| r.rows).unwrap_or(0);
    let mut all = lock();
    all.retain(|_, u| {
        u.created.elapsed() < KEEP && (u.official_id != official_id || matches!(u.stage, Stage::Running))
    });
    all.insert(
        token.clone(),
        Upload {
            village_id,
            official_id,
            file_name,
            bytes: Arc::new(bytes),
            stage: Stage::Checked(checked),
            rows,
            progress: Arc::new(AtomicU32::new(0)),
            created: Instant::now(),
        },
    );
    token
}

/// The upload `token` of this village and official.
pub fn get(token: &str, village_id: i64, official_id: i64) -> Option<Upload> {
    lock().get(token).filter(|u| u.village_id == village_id && u.official_id == official_id).cloned()
}

/// Marks the upload running, unless it already runs or ran. Returns it when it may start.
pub fn start(token: &str, village_id: i64, official_id: i64) -> Option<Upload> {
    let mut all = lock();
    let u = all.get_mut(token).filter(|u| u.village_id == village_id && u.official_id == official_id)?;
    if !matches!(u.stage, Stage::Checked(Ok(_))) {
        return None;
    }
    u.stage = Stage::Running;
    u.progress.store(0, Ordering::Relaxed);
    Some(u.clone())
}

pub fn finish(token: &str, result: Result<ImportReport, String>) {
    if let Some(u) = lock().get_mut(token) {
        u.stage = Stage::Finished(result);
    }
}
