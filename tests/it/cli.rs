//! The operator's command line, run as a real process against a fresh database.

use crate::common;

use std::process::{Command, Output};

use common::{Backend, TestDb};

db_tests!(
    create_village_from_a_real_code,
    unknown_or_malformed_codes_fail_with_one_line,
    backup_and_restore_bring_back_the_database_and_files
);

fn digdaya(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run digdaya")
}

fn stderr_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr).lines().map(str::to_string).collect()
}

/// A fresh deployment's database, set up as the README says (`digdaya migrate` first).
async fn migrated(backend: &Backend) -> TestDb {
    let db = TestDb::create(backend).await;
    let out = digdaya(&db.url, &["migrate"]);
    assert!(out.status.success(), "{out:?}");
    db
}

async fn create_village_from_a_real_code(backend: Backend) {
    let db = migrated(&backend).await;
    let out = digdaya(&db.url, &["create-village", "--code", "3604052003"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Created Desa Pejaten (Kec. Kramatwatu, Kabupaten Serang, Banten) at /pejaten"),
        "{stdout}"
    );

    let conn = digdaya::db::connect(&db.url).await.unwrap();
    let v = digdaya::village::service::find_by_slug(&conn, "pejaten").await.unwrap().expect("stored");
    assert_eq!(v.code, "36.04.05.2003");
    assert_eq!(v.kecamatan_code, "36.04.05");
    assert_eq!(v.province, "Banten");
    assert!(v.boundary.as_deref().is_some_and(|b| b.contains("Polygon")), "real boundary attached");
    conn.close().await.ok();

    let again = digdaya(&db.url, &["create-village", "--code", "36.04.05.2003"]);
    assert!(!again.status.success());
    assert_eq!(stderr_lines(&again), vec!["error: village 36.04.05.2003 already exists (slug pejaten)"]);

    let hosted = digdaya(&db.url, &["create-village", "--code", "36.04.05.2004", "--host", "Toyomerto.Desa.ID"]);
    assert!(hosted.status.success(), "{hosted:?}");
    assert!(String::from_utf8_lossy(&hosted.stdout).contains("http://toyomerto.desa.id/"));
}

async fn unknown_or_malformed_codes_fail_with_one_line(backend: Backend) {
    let db = migrated(&backend).await;
    let out = digdaya(&db.url, &["create-village", "--code", "36.04.05.2999"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_lines(&out),
        vec!["error: 36.04.05.2999 is not in the official list of desa/kelurahan (Kepmendagri 2025)"]
    );
    let out = digdaya(&db.url, &["create-village", "--code", "kramatwatu"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("error: \"kramatwatu\" is not a village code"), "{lines:?}");
    let out = digdaya(&db.url, &["create-village", "--code", "36.04.05"]);
    assert_eq!(out.status.code(), Some(1), "a kecamatan is not a village");
}

#[test]
fn bad_database_urls_fail_with_one_line() {
    let out = digdaya("mysql://localhost/x", &["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("error: DATABASE_URL \"mysql://localhost/x\" is not supported"), "{lines:?}");

    let out = digdaya("postgres://nobody:secret@127.0.0.1:9/none", &["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("error: cannot connect to the database at postgres://nobody:***@127.0.0.1:9/none"),
        "{lines:?}"
    );
    assert!(!lines[0].contains("secret"), "the password is never printed");

    let blocked = tempfile::NamedTempFile::new().unwrap();
    let url = format!("sqlite://{}/sub/x.db?mode=rwc", blocked.path().display());
    let out = digdaya(&url, &["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("error: cannot create the folder"), "{lines:?}");

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/x.db?mode=rwc", dir.path().display());
    let out = Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .args(["migrate"])
        .env("DATABASE_URL", &url)
        .env("DATABASE_MAX_CONNECTIONS", "banyak")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run digdaya");
    assert_eq!(out.status.code(), Some(1));
    let lines = stderr_lines(&out);
    assert_eq!(lines, ["error: DATABASE_MAX_CONNECTIONS \"banyak\" is not a number of connections from 1 to 200"]);

    let out = Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .args(["migrate"])
        .env("DATABASE_URL", &url)
        .env("DATABASE_STATEMENT_TIMEOUT", "0")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run digdaya");
    assert_eq!(
        stderr_lines(&out),
        ["error: DATABASE_STATEMENT_TIMEOUT \"0\" is not a number of seconds from 1 to 3600"]
    );

    // Every setting is parsed at start-up: a bad one stops the program (it used to become 300
    // silently) before anything is served.
    for (name, value, must) in [
        ("DIGDAYA_API_RATE_LIMIT", "banyak", "a whole number of requests a minute (1 or more)"),
        ("DIGDAYA_PAGE_CACHE_SECONDS", "-1", "a whole number of seconds (0 turns the page cache off)"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_digdaya"))
            .args(["serve"])
            .env("DATABASE_URL", &url)
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env(name, value)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run digdaya");
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stderr_lines(&out), [format!("error: {name} {value:?} is not {must}")]);
    }
}

/// The operator's tool with a data folder of its own.
fn digdaya_in(url: &str, data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("DIGDAYA_DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run digdaya")
}

async fn backup_and_restore_bring_back_the_database_and_files(backend: Backend) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = TestDb::create(&backend).await;
    let data = tempfile::tempdir().unwrap();
    let zip = data.path().join("saved/backup.zip.age");
    let zip_arg = zip.to_str().unwrap();
    let seeded = digdaya_in(&db.url, data.path(), &["seed-demo", "--residents", "300"]);
    assert!(seeded.status.success(), "{seeded:?}");
    // The operator's key: the identity stays with the operator, the public key on the server.
    let keys = tempfile::tempdir().unwrap();
    let identity = keys.path().join("backup.key");
    let made = digdaya_in(&db.url, data.path(), &["backup-key", "--output", identity.to_str().unwrap()]);
    assert!(made.status.success(), "{made:?}");
    let recipient = String::from_utf8_lossy(&made.stdout).lines().last().unwrap().trim().to_string();
    assert!(recipient.starts_with("age1"), "{recipient}");
    let out = digdaya_in(&db.url, data.path(), &["backup", "--output", zip_arg]);
    if matches!(backend, Backend::Postgres(_)) {
        assert_eq!(out.status.code(), Some(1));
        let lines = stderr_lines(&out);
        assert!(lines[0].contains("pg_dump"), "{lines:?}");
        return;
    }
    // Issue 27, finding 11 (fails on the code before: backups were plain zips, world-readable).
    assert_eq!(out.status.code(), Some(1), "no backup without the operator's key: {out:?}");
    assert!(stderr_lines(&out)[0].contains("DIGDAYA_BACKUP_RECIPIENT"), "{out:?}");
    let out = digdaya_in(&db.url, data.path(), &["backup", "--output", zip_arg, "--recipient", &recipient]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("Backed up 1 villages, 300 residents and "), "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&zip).unwrap().permissions().mode() & 0o777, 0o600, "owner only");
    }
    let bytes = std::fs::read(&zip).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"), "encrypted with age");
    let conn = digdaya::db::connect(&db.url).await.unwrap();
    let nik: String = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), "SELECT nik FROM residents LIMIT 1"))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "nik")
        .unwrap();
    conn.close().await.ok();
    assert!(!bytes.windows(16).any(|w| w == nik.as_bytes()), "no NIK in the clear");
    assert!(!bytes.windows(10).any(|w| w == b"digdaya.db"), "not even the names of what it holds");
    let files = all_files(&data.path().join("files"));
    assert!(!files.is_empty(), "the demo has photos");

    // Lose data after the backup: residents and a photo folder.
    let conn = digdaya::db::connect(&db.url).await.unwrap();
    conn.execute_unprepared("DELETE FROM residents WHERE id % 2 = 0").await.unwrap();
    conn.close().await.ok();
    std::fs::remove_file(&files[0]).unwrap();

    // A damaged backup is refused and changes nothing.
    let broken = data.path().join("broken.zip");
    let mut bytes = std::fs::read(&zip).unwrap();
    let middle = bytes.len() / 3;
    for b in &mut bytes[middle..middle + 64] {
        *b ^= 0x5a;
    }
    std::fs::write(&broken, bytes).unwrap();
    let id_arg = identity.to_str().unwrap();
    let out = digdaya_in(&db.url, data.path(), &["restore", broken.to_str().unwrap(), "--identity", id_arg]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = stderr_lines(&out);
    assert!(
        lines[0].contains("nothing was restored")
            || lines[0].contains("is not a Digdaya backup")
            || lines[0].contains("cannot be opened"),
        "{lines:?}"
    );
    let out = digdaya_in(&db.url, data.path(), &["restore", "/nonexistent/backup.zip"]);
    assert_eq!(out.status.code(), Some(1));
    // Without the identity, or with another one: refused.
    let out = digdaya_in(&db.url, data.path(), &["restore", zip_arg]);
    assert!(stderr_lines(&out)[0].contains("--identity"), "{out:?}");
    let other = keys.path().join("other.key");
    digdaya_in(&db.url, data.path(), &["backup-key", "--output", other.to_str().unwrap()]);
    let out = digdaya_in(&db.url, data.path(), &["restore", zip_arg, "--identity", other.to_str().unwrap()]);
    assert!(stderr_lines(&out)[0].contains("cannot be opened with this identity"), "{out:?}");

    // While a server serves the database, restore refuses (a later write would be lost).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("DIGDAYA_DATA_DIR", data.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(up, "the server started");
    let out = digdaya_in(&db.url, data.path(), &["restore", zip_arg, "--identity", id_arg]);
    server.kill().ok();
    server.wait().ok();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stderr_lines(&out)[0].contains("a server is using"), "{out:?}");

    let out = digdaya_in(&db.url, data.path(), &["restore", zip_arg, "--identity", id_arg]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("(1 villages, 300 residents, "), "{said}");
    assert!(said.contains(".before-restore-"), "the damaged database is kept aside: {said}");
    let conn = digdaya::db::connect(&db.url).await.unwrap();
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), "SELECT COUNT(*) AS n FROM residents"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 300);
    conn.close().await.ok();
    assert_eq!(all_files(&data.path().join("files")), files, "every photo is back");
    let kept = std::fs::read_dir(data.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("files.before-restore-"));
    assert_eq!(kept.count(), 1, "the files folder that was there is kept beside");
}

fn all_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            out.extend(all_files(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out.sort();
    out
}

#[test]
fn help_lists_the_operator_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_digdaya")).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["serve", "migrate", "create-village", "seed-demo", "backup", "restore"] {
        assert!(text.contains(cmd), "{cmd} in --help");
    }
}

/// Issue 30, item 10: a command run from another folder (or with a mistyped DATABASE_URL)
/// used to create an empty database there and act on it (`list-tokens` listed nothing). Only
/// the commands that set a deployment up may create its file.
#[test]
fn a_missing_database_is_an_error_not_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data/digdaya.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    for args in [&["list-tokens"][..], &["create-village", "--code", "3604052003"], &["backup"]] {
        let out = digdaya(&url, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let lines = stderr_lines(&out);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with(&format!("error: there is no database at {}", file.display())), "{lines:?}");
        assert!(!file.exists() && !file.parent().unwrap().exists(), "{args:?} left nothing behind");
    }
    // `migrate` sets it up; then the same command works on it.
    assert!(digdaya(&url, &["migrate"]).status.success());
    assert!(file.exists());
    let out = digdaya(&url, &["create-village", "--code", "3604052003"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
