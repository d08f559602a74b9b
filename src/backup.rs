//! `digdaya backup` and `digdaya restore` for the SQLite default (server only).
//!
//! A backup is one zip file: `digdaya.db` (a consistent snapshot taken with `VACUUM INTO` while
//! the server keeps running, deflated), every uploaded file under `files/` (stored as they are:
//! photos are JPEG already), and `backup.json` (when, which migration, how many villages and
//! residents, the snapshot's SHA-256). Restoring checks all of that before it touches anything,
//! then moves the current database and files aside (`*.before-restore-{time}`) instead of
//! deleting them.
//!
//! PostgreSQL deployments back up with PostgreSQL's own tools (see the README): these commands
//! refuse a PostgreSQL `DATABASE_URL` with a message that says so.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What `backup.json` says of the backup.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: String,
    pub app_version: String,
    pub migration: String,
    pub villages: i64,
    pub residents: i64,
    pub files: u64,
    pub database_sha256: String,
}

const FORMAT: u32 = 1;
const DB_ENTRY: &str = "digdaya.db";
const MANIFEST_ENTRY: &str = "backup.json";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backup and restore are for SQLite; back up PostgreSQL with pg_dump -Fc (see the README, \"Backups\")")]
    Postgres,
    #[error("DATABASE_URL does not name a SQLite file")]
    NoFile,
    #[error("{0}")]
    Io(String),
    #[error("the database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("{0} is not a Digdaya backup: {1}")]
    NotABackup(String, String),
    #[error("{0} is damaged: {1}; nothing was restored")]
    Damaged(String, String),
}

fn io(what: impl std::fmt::Display, e: impl std::fmt::Display) -> BackupError {
    BackupError::Io(format!("{what}: {e}"))
}

/// The file a `sqlite:` URL names.
///
/// # Errors
/// A PostgreSQL URL, or a SQLite URL without a file (in memory).
pub fn sqlite_path(url: &str) -> Result<PathBuf, BackupError> {
    if url.starts_with("postgres") {
        return Err(BackupError::Postgres);
    }
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(BackupError::NoFile);
    }
    Ok(PathBuf::from(path))
}

/// What `backup` did.
#[derive(Debug)]
pub struct Summary {
    pub path: PathBuf,
    pub bytes: u64,
    pub manifest: Manifest,
}

/// Writes a backup of the running database and the uploaded files to `output`.
///
/// The snapshot is written beside `output` first and the zip is built as `output.part`, renamed
/// when complete: a backup that stopped halfway never looks like a backup.
///
/// # Errors
/// PostgreSQL, disk and database failures.
pub async fn backup(db: &DatabaseConnection, files_dir: &Path, output: &Path) -> Result<Summary, BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::Postgres);
    }
    if let Some(dir) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(format!("cannot create {}", dir.display()), e))?;
    }
    let snapshot = output.with_extension("snapshot.db");
    let _ = std::fs::remove_file(&snapshot);
    let target = snapshot.to_str().ok_or_else(|| BackupError::Io("the output path is not UTF-8".into()))?;
    // VACUUM INTO reads in one transaction: a consistent copy while writers go on.
    db.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [target.into()])).await?;
    let result = write_zip(db, &snapshot, files_dir, output).await;
    let _ = std::fs::remove_file(&snapshot);
    result
}

async fn write_zip(
    db: &DatabaseConnection,
    snapshot: &Path,
    files_dir: &Path,
    output: &Path,
) -> Result<Summary, BackupError> {
    let count = |sql: &'static str| async move {
        let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?;
        Ok::<i64, sea_orm::DbErr>(row.and_then(|r| r.try_get_by_index::<i64>(0).ok()).unwrap_or(0))
    };
    let villages = count("SELECT COUNT(*) FROM villages").await?;
    let residents = count("SELECT COUNT(*) FROM residents").await?;
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
        ))
        .await?;
    let migration = row.and_then(|r| r.try_get_by_index::<String>(0).ok()).unwrap_or_default();

    let output = output.to_path_buf();
    let snapshot = snapshot.to_path_buf();
    let files_dir = files_dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let part = output.with_extension("part");
        let file = File::create(&part).map_err(|e| io(format!("cannot write {}", part.display()), e))?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(6))
            .large_file(true);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);

        zip.start_file(DB_ENTRY, deflated).map_err(|e| io("zip", e))?;
        let mut hasher = Sha256::new();
        let mut src = File::open(&snapshot).map_err(|e| io("the snapshot", e))?;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = src.read(&mut buf).map_err(|e| io("the snapshot", e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            zip.write_all(&buf[..n]).map_err(|e| io("zip", e))?;
        }
        let mut files = 0u64;
        for path in walk(&files_dir)? {
            let Ok(rel) = path.strip_prefix(&files_dir) else { continue };
            let Some(rel) = rel.to_str() else { continue };
            // Files half written by an upload at this moment are not kept.
            if rel.ends_with(".part") {
                continue;
            }
            let Ok(mut f) = File::open(&path) else { continue };
            zip.start_file(format!("files/{rel}"), stored).map_err(|e| io("zip", e))?;
            std::io::copy(&mut f, &mut zip).map_err(|e| io(format!("cannot read {}", path.display()), e))?;
            files += 1;
        }
        let manifest = Manifest {
            format: FORMAT,
            created_at: chrono::Utc::now().to_rfc3339(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            migration,
            villages,
            residents,
            files,
            database_sha256: hex(&hasher.finalize()),
        };
        zip.start_file(MANIFEST_ENTRY, deflated).map_err(|e| io("zip", e))?;
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| io("backup.json", e))?;
        zip.write_all(&json).map_err(|e| io("zip", e))?;
        let mut writer = zip.finish().map_err(|e| io("zip", e))?;
        writer.flush().map_err(|e| io("zip", e))?;
        let file = writer.into_inner().map_err(|e| io("zip", e.error()))?;
        file.sync_all().map_err(|e| io("zip", e))?;
        std::fs::rename(&part, &output).map_err(|e| io(format!("cannot write {}", output.display()), e))?;
        let bytes = std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
        Ok(Summary { path: output, bytes, manifest })
    })
    .await
    .map_err(|e| io("backup", e))?
}

/// Every file below `dir` (none when it does not exist), in a stable order.
fn walk(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(format!("cannot read {}", d.display()), e)),
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What `restore` did.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// Where the database and files that were there before now are.
    pub kept: Vec<PathBuf>,
}

/// Restores `backup` into the SQLite file `db_path` and the folder `files_dir`. Run it with the
/// server stopped. Everything is checked (the zip, the manifest, the snapshot's hash and SQLite's
/// integrity check) in a folder beside the database before anything is moved; the database and
/// files that were there are renamed, never deleted.
///
/// # Errors
/// A file that is not a backup or is damaged (nothing changed), disk failures.
pub async fn restore(backup: &Path, db_path: &Path, files_dir: &Path) -> Result<Restored, BackupError> {
    let name = backup.display().to_string();
    let file = File::open(backup).map_err(|e| io(format!("cannot open {name}"), e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| BackupError::NotABackup(name.clone(), e.to_string()))?;
    let manifest: Manifest = {
        let mut entry = zip
            .by_name(MANIFEST_ENTRY)
            .map_err(|_| BackupError::NotABackup(name.clone(), "it has no backup.json".into()))?;
        let mut text = String::new();
        entry.read_to_string(&mut text).map_err(|e| BackupError::Damaged(name.clone(), e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| BackupError::NotABackup(name.clone(), e.to_string()))?
    };
    if manifest.format != FORMAT {
        return Err(BackupError::NotABackup(name, format!("format {} is not known", manifest.format)));
    }

    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string();
    let parent = db_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io(format!("cannot create {}", parent.display()), e))?;
    let work = parent.join(format!(".restore-{stamp}"));
    std::fs::create_dir_all(&work).map_err(|e| io(format!("cannot create {}", work.display()), e))?;
    let staged = match stage(&mut zip, &manifest, &name, &work) {
        Ok((db, files)) => {
            integrity_check(&db).await.map(|()| (db, files)).map_err(|e| BackupError::Damaged(name.clone(), e))
        }
        Err(e) => Err(e),
    };
    let (new_db, new_files) = match staged {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            return Err(e);
        }
    };

    // Checked: now swap, keeping what was there.
    let mut kept = Vec::new();
    let aside = |p: &Path| PathBuf::from(format!("{}.before-restore-{stamp}", p.display()));
    if db_path.exists() {
        let to = aside(db_path);
        std::fs::rename(db_path, &to).map_err(|e| io(format!("cannot move {}", db_path.display()), e))?;
        kept.push(to);
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if side.exists() {
            let _ = std::fs::rename(&side, aside(&side));
        }
    }
    std::fs::rename(&new_db, db_path).map_err(|e| io(format!("cannot write {}", db_path.display()), e))?;
    if files_dir.exists() {
        let to = aside(files_dir);
        std::fs::rename(files_dir, &to).map_err(|e| io(format!("cannot move {}", files_dir.display()), e))?;
        kept.push(to);
    }
    if let Some(dir) = files_dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(format!("cannot create {}", dir.display()), e))?;
    }
    if std::fs::rename(&new_files, files_dir).is_err() {
        // Another file system: copy.
        copy_dir(&new_files, files_dir)?;
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(Restored { manifest, kept })
}

/// Extracts and checks the backup into `work`: (database, files folder).
fn stage<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    manifest: &Manifest,
    name: &str,
    work: &Path,
) -> Result<(PathBuf, PathBuf), BackupError> {
    let damaged = |e: &dyn std::fmt::Display| BackupError::Damaged(name.to_string(), e.to_string());
    let new_db = work.join(DB_ENTRY);
    let new_files = work.join("files");
    std::fs::create_dir_all(&new_files).map_err(|e| io("restore", e))?;
    {
        let mut entry = zip
            .by_name(DB_ENTRY)
            .map_err(|_| BackupError::NotABackup(name.to_string(), "it has no database".into()))?;
        let mut out = File::create(&new_db).map_err(|e| io("restore", e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = entry.read(&mut buf).map_err(|e| damaged(&e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(|e| io("restore", e))?;
        }
        out.sync_all().map_err(|e| io("restore", e))?;
        if hex(&hasher.finalize()) != manifest.database_sha256 {
            return Err(damaged(&"the database does not match its checksum"));
        }
    }
    let mut files = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| damaged(&e))?;
        let Some(rel) = entry.enclosed_name() else {
            return Err(damaged(&format!("the entry {:?} points outside its folder", entry.name())));
        };
        let Ok(rel) = rel.strip_prefix("files") else { continue };
        if entry.is_dir() || rel.as_os_str().is_empty() {
            continue;
        }
        let path = new_files.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io("restore", e))?;
        }
        let mut out = File::create(&path).map_err(|e| io("restore", e))?;
        std::io::copy(&mut entry, &mut out).map_err(|e| damaged(&e))?;
        files += 1;
    }
    if files != manifest.files {
        return Err(damaged(&format!("it holds {files} files, its manifest says {}", manifest.files)));
    }
    Ok((new_db, new_files))
}

/// SQLite's own check of every page of the file, on a connection of its own.
async fn integrity_check(path: &Path) -> Result<(), String> {
    let url = format!("sqlite://{}?mode=ro", path.display());
    let db = sea_orm::Database::connect(url.as_str()).await.map_err(|e| e.to_string())?;
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check"))
        .await
        .map_err(|e| e.to_string());
    db.close().await.ok();
    match row?.and_then(|r| r.try_get_by_index::<String>(0).ok()) {
        Some(ok) if ok == "ok" => Ok(()),
        Some(problem) => Err(format!("SQLite's integrity check says: {problem}")),
        None => Err("SQLite's integrity check said nothing".into()),
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), BackupError> {
    for path in walk(from)? {
        let Ok(rel) = path.strip_prefix(from) else { continue };
        let dest = to.join(rel);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io("restore", e))?;
        }
        std::fs::copy(&path, &dest).map_err(|e| io(format!("cannot write {}", dest.display()), e))?;
    }
    Ok(())
}
