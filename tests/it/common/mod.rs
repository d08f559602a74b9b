//! Test harness: the real app on a free port with a fresh database and the real migrations.
//!
//! Every database test runs twice: on SQLite (always) and on PostgreSQL when `DATABASE_URL_PG`
//! names a server (CI sets it; there a missing variable fails the run instead of skipping).
//! Each test gets its own database, dropped when the test ends.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use digdaya::config::Config;
use digdaya::population::seed::{SeedOptions, SeedReport, seed_demo};
use digdaya::server::{AppState, router};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL backend, or `None` (with a note) when no server is configured.
    pub fn postgres() -> Option<Backend> {
        match std::env::var("DATABASE_URL_PG") {
            Ok(url) if !url.is_empty() => Some(Backend::Postgres(url)),
            _ if std::env::var("CI").is_ok() => panic!("DATABASE_URL_PG must be set in CI"),
            _ => {
                eprintln!("note: DATABASE_URL_PG not set, PostgreSQL variant skipped");
                None
            }
        }
    }
}

/// A file of the workspace's shared data (`shared/data/…`, beside the project, see its README):
/// found from `DIGDAYA_SHARED_DATA`, from a `shared/data` folder beside any folder above the
/// project, or at `/work/shared/data` (CI runs on the same machine, from a clone elsewhere).
pub fn shared_data(path: &str) -> std::path::PathBuf {
    let mut roots: Vec<std::path::PathBuf> = Vec::new();
    if let Ok(dir) = std::env::var("DIGDAYA_SHARED_DATA") {
        roots.push(dir.into());
    }
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    roots.extend(manifest.ancestors().map(|a| a.join("shared/data")));
    roots.push("/work/shared/data".into());
    roots
        .iter()
        .map(|root| root.join(path))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("shared data {path} not found (set DIGDAYA_SHARED_DATA to the shared/data folder)"))
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn create(backend: &Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
                TestDb { url, _dir: Some(dir), pg_drop: None }
            }
            Backend::Postgres(admin_url) => {
                let name = format!(
                    "digdaya_t_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_nanos())
                        .unwrap_or(0)
                );
                let admin = Database::connect(admin_url.as_str()).await.expect("connect to PostgreSQL");
                admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
                admin.close().await.ok();
                let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
                TestDb { url: format!("{base}/{name}"), _dir: None, pg_drop: Some((admin_url.clone(), name)) }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_drop.take() {
            // Drop runs inside the test's runtime; use a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                        let _ =
                            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                        admin.close().await.ok();
                    }
                });
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    pub client: reqwest::Client,
    pub database: TestDb,
    pub url: String,
    /// Where the app keeps uploaded files (inside the test's site folder).
    pub files: digdaya::media::Storage,
    /// The app's routes, for a request made in the test's own task (`net::admit` it first).
    pub router: axum::Router,
    _site: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn(backend: &Backend) -> TestApp {
        Self::spawn_with(backend, digdaya::cache::PageCache::off()).await
    }

    /// An app with this page cache (the others have none: their tests change data behind the
    /// app's back).
    pub async fn spawn_with(backend: &Backend, pages: digdaya::cache::PageCache) -> TestApp {
        Self::spawn_configured(backend, pages, digdaya::config::current()).await
    }

    /// An app with these settings (their database and site folders are the test's own).
    pub async fn spawn_configured(
        backend: &Backend,
        pages: digdaya::cache::PageCache,
        settings: &'static Config,
    ) -> TestApp {
        let database = TestDb::create(backend).await;
        let db = digdaya::db::connect(&database.url).await.expect("connect");
        digdaya::db::migrate(&db).await.expect("migrate");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        // A site root like the one cargo-leptos builds: public/ files at the top, pkg/ below.
        let site = tempfile::tempdir().expect("site dir");
        std::fs::create_dir_all(site.path().join("pkg")).expect("pkg dir");
        std::fs::copy("public/favicon.svg", site.path().join("favicon.svg")).expect("favicon");
        std::fs::copy("public/pwa.js", site.path().join("pwa.js")).expect("page script");
        std::fs::write(site.path().join("pkg/digdaya.css"), "body{}").expect("css");
        let files = site.path().join("files").display().to_string();
        let config = Config {
            database_url: database.url.clone(),
            addr,
            site_root: site.path().display().to_string(),
            files_dir: files.clone(),
            s3: None,
            ..digdaya::config::current().clone()
        };
        let storage = digdaya::media::Storage::new(files);
        let state = AppState {
            db: db.clone(),
            leptos_options: config.leptos_options(),
            files: storage.clone(),
            outage: Default::default(),
            config: settings,
        };
        let routes = router(state, pages);
        let served = routes.clone();
        tokio::spawn(async move {
            digdaya::server::serve(listener, served).await.expect("serve");
        });
        // A fresh connection per request and a deadline: a stuck request fails its test instead
        // of hanging the run.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .timeout(std::time::Duration::from_secs(40))
            .build()
            .expect("client");
        TestApp {
            base: format!("http://{addr}"),
            db,
            client,
            url: database.url.clone(),
            database,
            files: storage,
            router: routes,
            _site: site,
        }
    }

    pub async fn seed(&self, code: &str, residents: u32, seed: u64, host: Option<&str>) -> SeedReport {
        let opts = SeedOptions { code: code.into(), residents, seed, slug: None, host: host.map(str::to_string) };
        seed_demo(&self.db, &opts).await.expect("seed")
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(format!("{}{path}", self.base)).send().await.expect("request");
        let status = res.status().as_u16();
        (status, strip_markers(&res.text().await.expect("body")))
    }

    pub async fn get_on_host(&self, host: &str, path: &str) -> (u16, String) {
        let res = self.client.get(format!("{}{path}", self.base)).header("host", host).send().await.expect("request");
        let status = res.status().as_u16();
        (status, strip_markers(&res.text().await.expect("body")))
    }

    /// Calls a server function the way the browser does (URL-encoded POST).
    pub async fn call(&self, host: Option<&str>, endpoint: &str, form: &[(&str, &str)]) -> (u16, String) {
        let origin = match host {
            Some(host) => format!("http://{host}"),
            None => self.base.clone(),
        };
        let mut req = self.client.post(format!("{}/api/{endpoint}", self.base)).header("origin", origin).form(form);
        if let Some(host) = host {
            req = req.header("host", host);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }
}

/// Calls a server function as the signed-in holder of `cookie`, from a page of this site.
pub async fn post_as(
    app: &TestApp,
    endpoint: &str,
    cookie: &str,
    accept: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    app.client
        .post(format!("{}/api/{endpoint}", app.base))
        .header("origin", &app.base)
        .header("accept", accept)
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// `name=value` of a `Set-Cookie` header.
pub fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

/// The session cookie a response sets, if any (whole `Set-Cookie` value).
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("digdaya_session=") && !v.contains("Max-Age=0"))
        .map(str::to_string)
}

/// A page as the holder of `cookie` sees it.
pub async fn get_with(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
}

/// The HTML without Leptos' hydration markers (`<!>`, `<!--…-->`), so tests can match markup.
pub fn strip_markers(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = if tail.starts_with("<!--") {
            tail.find("-->").map(|e| e + 3)
        } else if tail.starts_with("<!>") {
            Some(3)
        } else {
            // <!DOCTYPE html>
            out.push_str("<!");
            Some(2)
        };
        match end {
            Some(end) => rest = &tail[end..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Declares each listed async test fn as a `sqlite::name` and a `postgres::name` test.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::common::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(backend) = super::common::Backend::postgres() {
                        super::$name(backend).await;
                    }
                }
            )*
        }
    };
}

/// The `n`-th living resident of the village (by id), given a PIN they have already changed, and
/// a session cookie for them.
pub async fn resident_with_pin(
    app: &TestApp,
    v: &digdaya::db::entities::village::Model,
    n: usize,
) -> (digdaya::db::entities::resident::Model, String) {
    use digdaya::db::entities::{resident, resident_pin};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
    let r = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Status.eq("hidup"))
        .order_by_asc(resident::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .swap_remove(n);
    resident_pin::ActiveModel {
        resident_id: Set(r.id),
        village_id: Set(v.id),
        pin_hash: Set("$argon2id$v=19$m=19456,t=8,p=1$x$y".into()),
        must_change: Set(false),
        issued_by: Set(None),
        issued_at: Set(chrono::Utc::now()),
        changed_at: Set(None),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let token =
        digdaya::access::session::start_resident(&app.db, &r, &Default::default(), chrono::Utc::now()).await.unwrap();
    (r, format!("digdaya_session={token}"))
}

/// A PNG photo of `w` × `h` pixels.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

/// A form's refusal, read from a service's answer: its problems (anything else fails the test).
pub trait Refusal {
    fn refused(self) -> Vec<digdaya::kit::form::Problem>;
}

impl<T: std::fmt::Debug> Refusal for Result<T, digdaya::error::AppError> {
    fn refused(self) -> Vec<digdaya::kit::form::Problem> {
        match self {
            Err(digdaya::error::AppError::Refused(problems)) => problems,
            other => panic!("not a refused form: {other:?}"),
        }
    }
}
