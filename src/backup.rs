//! `digdaya backup` and `digdaya restore` for the SQLite default (server only).
//!
//! A backup is one zip: `digdaya.db` (a consistent snapshot taken with `VACUUM INTO` while the
//! server keeps running, deflated), every uploaded file under `files/` (stored as they are:
//! photos are JPEG already), and `backup.json` (when, which migration, how many villages and
//! residents, the snapshot's SHA-256) — encrypted with age (`age-encryption.org/v1`) to the
//! operator's public key (`DIGDAYA_BACKUP_RECIPIENT` or `--recipient`, an `age1…` key made by
//! `digdaya backup-key`), written only its owner can read (0600). It holds every NIK and KK of
//! the deployment, so it is never written in the clear. The letter-signing keys inside are
//! sealed with the deployment secret (`secrets`), which a backup does not hold.
//!
//! Restoring needs the matching identity (`--identity FILE` or `DIGDAYA_BACKUP_IDENTITY`),
//! refuses while a server serves the database (a server holds a lock on `{db}.serving`), checks
//! everything before it touches anything, then moves the current database and files aside
//! (`*.before-restore-{time}`) instead of deleting them. Plain zips of earlier versions restore
//! too.
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
    #[error(
        "a backup is encrypted to the operator's age key: set DIGDAYA_BACKUP_RECIPIENT (or --recipient) to the age1… key `digdaya backup-key` printed"
    )]
    NoRecipient,
    #[error("{0} is not an age public key (age1…)")]
    BadRecipient(String),
    #[error(
        "this backup is encrypted: give the identity file made by `digdaya backup-key` (--identity FILE or DIGDAYA_BACKUP_IDENTITY)"
    )]
    NoIdentity,
    #[error("{0}")]
    Identity(String),
    #[error("a server is using {0}: stop it first (restore replaces the database under it)")]
    Serving(String),
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
pub async fn backup(
    db: &DatabaseConnection,
    files_dir: &Path,
    output: &Path,
    recipient: Option<&str>,
) -> Result<Summary, BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::Postgres);
    }
    let recipient = recipient.map(str::trim).filter(|r| !r.is_empty()).ok_or(BackupError::NoRecipient)?;
    let recipient: age::x25519::Recipient =
        recipient.parse().map_err(|_| BackupError::BadRecipient(recipient.to_string()))?;
    if let Some(dir) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(format!("cannot create {}", dir.display()), e))?;
    }
    let snapshot = output.with_extension("snapshot.db");
    let _ = std::fs::remove_file(&snapshot);
    let target = snapshot.to_str().ok_or_else(|| BackupError::Io("the output path is not UTF-8".into()))?;
    // The snapshot is readable by its owner only from its first byte (VACUUM INTO fills an
    // empty file), and it lives only while the backup is written.
    crate::secrets::write_private(&snapshot, b"").map_err(|e| io(format!("cannot write {}", snapshot.display()), e))?;
    // VACUUM INTO reads in one transaction: a consistent copy while writers go on.
    db.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [target.into()])).await?;
    let result = write_zip(db, &snapshot, files_dir, output, recipient).await;
    let _ = std::fs::remove_file(&snapshot);
    result
}

async fn write_zip(
    db: &DatabaseConnection,
    snapshot: &Path,
    files_dir: &Path,
    output: &Path,
    recipient: age::x25519::Recipient,
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
        let _ = std::fs::remove_file(&part);
        crate::secrets::write_private(&part, b"").map_err(|e| io(format!("cannot write {}", part.display()), e))?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&part)
            .map_err(|e| io(format!("cannot write {}", part.display()), e))?;
        let encrypted = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| io("age", e))?
            .wrap_output(std::io::BufWriter::new(file))
            .map_err(|e| io("age", e))?;
        let mut zip = zip::ZipWriter::new_stream(encrypted);
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
        let encrypted = zip.finish().map_err(|e| io("zip", e))?.into_inner();
        let mut writer = encrypted.finish().map_err(|e| io("age", e))?;
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
pub async fn restore(
    backup: &Path,
    db_path: &Path,
    files_dir: &Path,
    identity: Option<&Path>,
) -> Result<Restored, BackupError> {
    let name = backup.display().to_string();
    let mut file = File::open(backup).map_err(|e| io(format!("cannot open {name}"), e))?;
    // Nobody serves this database while it is replaced (the lock goes when this returns).
    let _lock = lock_exclusive(db_path)?;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string();
    let parent = db_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io(format!("cannot create {}", parent.display()), e))?;
    let work = parent.join(format!(".restore-{stamp}"));
    private_dir(&work)?;
    let result = restore_in(&mut file, &name, db_path, files_dir, identity, &work, &stamp).await;
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// A folder only its owner can enter (0700).
fn private_dir(dir: &Path) -> Result<(), BackupError> {
    std::fs::create_dir_all(dir).map_err(|e| io(format!("cannot create {}", dir.display()), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| io(format!("cannot protect {}", dir.display()), e))?;
    }
    Ok(())
}

/// Makes an age key pair for backups: the identity into `output` (0600, must not exist);
/// returns the public key (`age1…`).
///
/// # Errors
/// The file exists or cannot be written.
pub fn new_key(output: &Path) -> Result<String, BackupError> {
    use age::secrecy::ExposeSecret as _;
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let text = format!(
        "# Digdaya backup identity, made {}\n# public key: {recipient}\n{}\n",
        chrono::Utc::now().to_rfc3339(),
        identity.to_string().expose_secret()
    );
    crate::secrets::write_private(output, text.as_bytes())
        .map_err(|e| io(format!("cannot write {}", output.display()), e))?;
    Ok(recipient)
}

/// The file a serving server keeps locked (shared) beside its SQLite database.
fn serving_lock_path(db_path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.serving", db_path.display()))
}

/// Held while a server serves the SQLite database at `db_path`: `restore` refuses meanwhile.
///
/// # Errors
/// The lock file cannot be opened or locked.
pub fn lock_serving(db_path: &Path) -> Result<File, BackupError> {
    let path = serving_lock_path(db_path);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io(format!("cannot open {}", path.display()), e))?;
    file.lock_shared().map_err(|e| io(format!("cannot lock {}", path.display()), e))?;
    Ok(file)
}

fn lock_exclusive(db_path: &Path) -> Result<File, BackupError> {
    let path = serving_lock_path(db_path);
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(format!("cannot create {}", dir.display()), e))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io(format!("cannot open {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(BackupError::Serving(db_path.display().to_string())),
        Err(std::fs::TryLockError::Error(e)) => Err(io(format!("cannot lock {}", path.display()), e)),
    }
}

/// The backup's zip: decrypted into `work` (readable by its owner only) when it is an age
/// file, else the file itself (an older, plain backup).
fn open_zip(file: &mut File, name: &str, identity: Option<&Path>, work: &Path) -> Result<File, BackupError> {
    let mut head = [0u8; 21];
    let n = file.read(&mut head).map_err(|e| io(format!("cannot read {name}"), e))?;
    std::io::Seek::rewind(file).map_err(|e| io(format!("cannot read {name}"), e))?;
    if !head[..n].starts_with(b"age-encryption.org/v1") {
        return file.try_clone().map_err(|e| io(format!("cannot read {name}"), e));
    }
    let identity_path = identity.ok_or(BackupError::NoIdentity)?;
    let text = std::fs::read_to_string(identity_path)
        .map_err(|e| BackupError::Identity(format!("cannot read {}: {e}", identity_path.display())))?;
    let identity: age::x25519::Identity = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| BackupError::Identity(format!("{} holds no age identity", identity_path.display())))?;
    let decryptor = age::Decryptor::new(std::io::BufReader::new(file.try_clone().map_err(|e| io(name, e))?))
        .map_err(|e| BackupError::NotABackup(name.to_string(), e.to_string()))?;
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| BackupError::Identity(format!("{name} cannot be opened with this identity: {e}")))?;
    let plain = work.join("backup.zip");
    crate::secrets::write_private(&plain, b"").map_err(|e| io("restore", e))?;
    let mut out = std::fs::OpenOptions::new().write(true).open(&plain).map_err(|e| io("restore", e))?;
    std::io::copy(&mut reader, &mut out).map_err(|e| BackupError::Damaged(name.to_string(), e.to_string()))?;
    File::open(&plain).map_err(|e| io("restore", e))
}

async fn restore_in(
    file: &mut File,
    name: &str,
    db_path: &Path,
    files_dir: &Path,
    identity: Option<&Path>,
    work: &Path,
    stamp: &str,
) -> Result<Restored, BackupError> {
    let name = name.to_string();
    let zip_file = open_zip(file, &name, identity, work)?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(zip_file))
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
    let (new_db, new_files) = stage(&mut zip, &manifest, &name, work)?;
    integrity_check(&new_db).await.map_err(|e| BackupError::Damaged(name.clone(), e))?;

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
    // A bomb claims far more than it holds: what the entries say they unpack to, against what
    // the archive weighs, before anything is written.
    let mut claimed: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| damaged(&e))?;
        claimed = claimed.saturating_add(entry.size());
    }
    let weight = archive_weight(zip);
    if claimed > MAX_RATIO.saturating_mul(weight).max(MIN_ALLOWANCE) {
        return Err(damaged(&format!(
            "it claims {:.1} GB unpacked from {:.1} MB (a zip bomb?)",
            claimed as f64 / 1e9,
            weight as f64 / 1e6
        )));
    }
    let new_db = work.join(DB_ENTRY);
    let new_files = work.join("files");
    std::fs::create_dir_all(&new_files).map_err(|e| io("restore", e))?;
    {
        let entry = zip
            .by_name(DB_ENTRY)
            .map_err(|_| BackupError::NotABackup(name.to_string(), "it has no database".into()))?;
        // Never more than the entry says it holds.
        let declared = entry.size();
        let mut entry = entry.take(declared.saturating_add(1));
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
        let declared = entry.size();
        let copied =
            std::io::copy(&mut (&mut entry).take(declared.saturating_add(1)), &mut out).map_err(|e| damaged(&e))?;
        if copied != declared {
            return Err(damaged(&format!("{} holds more or less than it says", rel.display())));
        }
        files += 1;
    }
    if files != manifest.files {
        return Err(damaged(&format!("it holds {files} files, its manifest says {}", manifest.files)));
    }
    Ok((new_db, new_files))
}

/// A backup may unpack to at most this many times its size (a database compresses about
/// five to ten times, photos not at all)…
const MAX_RATIO: u64 = 50;
/// …and small backups to at least this much.
const MIN_ALLOWANCE: u64 = 256 * 1024 * 1024;

/// What the archive's entries weigh compressed.
fn archive_weight<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> u64 {
    (0..zip.len()).filter_map(|i| zip.by_index_raw(i).ok().map(|e| e.compressed_size())).sum()
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
