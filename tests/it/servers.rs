//! Several app servers on one PostgreSQL database, as a large deployment runs them behind a
//! load balancer: two real `digdaya serve` processes, and what one knows the other knows —
//! rate limits and uploaded files included, the files kept in an S3-compatible store (s3rver
//! from npm).

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Backend, TestDb, pair, session_cookie};

/// A `digdaya serve` process, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// s3rver's fixed credentials: it refuses any other key id.
const S3_KEY: &str = "S3RVER";
const BUCKET: &str = "digdaya";

/// An S3-compatible store on a free port with the bucket `digdaya`, stopped when dropped.
struct ObjectStore {
    child: Child,
    endpoint: String,
    _dir: tempfile::TempDir,
}

impl Drop for ObjectStore {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ObjectStore {
    async fn start() -> Self {
        let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("end2end/node_modules/.bin/s3rver");
        assert!(bin.exists(), "{} is missing: run .ci/setup.sh --test", bin.display());
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(bin)
            .args(["-d", &dir.path().display().to_string(), "-a", "127.0.0.1", "-p", &port.to_string()])
            .args(["--silent", "--configure-bucket", BUCKET])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3rver");
        let store = Self { child, endpoint: format!("http://127.0.0.1:{port}"), _dir: dir };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return store;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("s3rver did not start on {port}");
    }

    fn config(&self, bucket: &str, secret: &str) -> digdaya::media::s3::S3Config {
        digdaya::media::s3::S3Config {
            endpoint: self.endpoint.clone(),
            bucket: bucket.into(),
            region: "us-east-1".into(),
            access_key: S3_KEY.into(),
            secret_key: secret.into(),
        }
    }

    /// The settings that send a server's files here.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DIGDAYA_S3_ENDPOINT", self.endpoint.clone()),
            ("DIGDAYA_S3_BUCKET", BUCKET.into()),
            ("DIGDAYA_S3_ACCESS_KEY", S3_KEY.into()),
            ("DIGDAYA_S3_SECRET_KEY", S3_KEY.into()),
        ]
    }
}

/// Put, get and remove in a bucket; an unknown key id, a missing bucket and an unsafe key are
/// refused, a missing object is `NotFound`. (s3rver checks the key id but not SigV4 signatures;
/// the signatures are checked against AWS's worked example and botocore in `media::s3`.)
#[tokio::test]
async fn files_go_to_an_s3_compatible_store() {
    use digdaya::media::Storage;
    use std::io::ErrorKind;
    let store = ObjectStore::start().await;
    let files = Storage::s3(store.config(BUCKET, S3_KEY)).unwrap();
    let photo = (0..=255u8).cycle().take(300_000).collect::<Vec<_>>();
    files.put("letters/7/abc123.jpg", &photo).await.unwrap();
    assert_eq!(files.get("letters/7/abc123.jpg").await.unwrap(), photo);
    files.put("letters/7/abc123.jpg", b"kedua").await.unwrap();
    assert_eq!(files.get("letters/7/abc123.jpg").await.unwrap(), b"kedua", "a second put replaces");
    files.remove("letters/7/abc123.jpg").await;
    assert_eq!(files.get("letters/7/abc123.jpg").await.unwrap_err().kind(), ErrorKind::NotFound);
    files.remove("letters/7/abc123.jpg").await; // a missing object is no error
    assert!(files.put("../luar.jpg", b"x").await.is_err(), "unsafe keys never reach the store");

    let stranger =
        Storage::s3(digdaya::media::s3::S3Config { access_key: "ORANG-LAIN".into(), ..store.config(BUCKET, S3_KEY) })
            .unwrap();
    let e = stranger.put("letters/7/palsu.jpg", b"x").await.unwrap_err();
    assert!(e.to_string().contains("InvalidAccessKeyId"), "{e}");
    let e = Storage::s3(store.config("tidak-ada", S3_KEY)).unwrap().get("a.jpg").await.unwrap_err();
    assert!(e.kind() != ErrorKind::NotFound && e.to_string().contains("NoSuchBucket"), "{e}");
    let gone = Storage::s3(digdaya::media::s3::S3Config {
        endpoint: "http://127.0.0.1:9".into(),
        ..store.config(BUCKET, S3_KEY)
    })
    .unwrap();
    assert!(gone.get("a.jpg").await.unwrap_err().to_string().contains("unreachable"));
}

async fn start(url: &str, site: &std::path::Path, data: &std::path::Path, env: &[(&str, String)]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .arg("serve")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", site)
        .env("DIGDAYA_DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start digdaya serve");
    let server = Server { child, base: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(res) = client.get(format!("{}/healthz", server.base)).send().await {
            if res.status().is_success() {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} did not start", server.base);
}

/// Signs in at `server` as the hydrated page does: (answer, session cookie).
async fn sign_in(client: &reqwest::Client, server: &Server, user: &str, password: &str) -> (String, Option<String>) {
    let res = client
        .post(format!("{}/api/auth/sign-in", server.base))
        .header("origin", &server.base)
        .header("accept", "*/*")
        .form(&[("slug", "kramatwatu"), ("username", user), ("password", password)])
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&res).map(|c| pair(&c));
    (res.text().await.unwrap(), cookie)
}

async fn admin_status(client: &reqwest::Client, server: &Server, cookie: &str) -> u16 {
    let res = client
        .get(format!("{}/kramatwatu/admin", server.base))
        .header("accept", "text/html")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

/// `n` letter requests of the demo village made at the counter, ready to sign, and the last
/// sequence number their type has this year.
async fn letters_to_sign(db: &sea_orm::DatabaseConnection, n: usize) -> (Vec<i64>, i64) {
    use digdaya::access::guard::Official;
    use digdaya::auth::model::Role;
    use digdaya::db::entities::{letter_request, letter_type, official, resident, village};
    use digdaya::letters::service::{self, By};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let v = village::Entity::find().filter(village::Column::Slug.eq("kramatwatu")).one(db).await.unwrap().unwrap();
    let o = official::Entity::find()
        .filter(official::Column::Username.eq("operator.kramatwatu"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let by = By::Official(Official {
        id: o.id,
        village_id: o.village_id,
        name: o.name,
        role: Role::Operator,
        session_id: String::new(),
    });
    let kind = letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(v.id))
        .filter(letter_type::Column::Slug.eq("pengantar"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let before = letter_request::Entity::find()
        .filter(letter_request::Column::VillageId.eq(v.id))
        .filter(letter_request::Column::TypeId.eq(kind.id))
        .filter(letter_request::Column::Seq.is_not_null())
        .order_by_desc(letter_request::Column::Seq)
        .one(db)
        .await
        .unwrap()
        .and_then(|r| r.seq)
        .map_or(0, i64::from);
    let people = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Status.eq("hidup"))
        .all(db)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for p in people.iter().take(n) {
        let values = [("keperluan".to_string(), "administrasi bank".to_string())].into_iter().collect();
        ids.push(service::create_request(db, &v, &by, p.id, kind.id, &values).await.unwrap());
    }
    (ids, before)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_sessions_files_letter_numbers_and_limits() {
    let Some(backend) = Backend::postgres() else { return };
    let db = TestDb::create(&backend).await;
    let store = ObjectStore::start().await;
    // Each server has its own data folder: files can only be shared through the bucket.
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    // Several app servers share the deployment secret (it opens the villages' signing keys).
    let secret = ("DIGDAYA_SECRET_KEY", "qJ7rE4i0n0n3w2x9mJpT8sV5yZ1aB3cD6eF8gH0iK2M=".to_string());
    let seeded = Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .args(["seed-demo", "--residents", "100"])
        .envs(store.env())
        .env(secret.0, &secret.1)
        .env("DATABASE_URL", &db.url)
        .env("DIGDAYA_DATA_DIR", data_a.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    let mut env = store.env();
    env.push(("DIGDAYA_API_RATE_LIMIT", "6".into()));
    env.push(secret);
    let a = start(&db.url, site.path(), data_a.path(), &env).await;
    let b = start(&db.url, site.path(), data_b.path(), &env).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let password = digdaya::auth::service::DEMO_PASSWORD;

    // A session made on one server is good on the other, and ends on both when signed out.
    let (_, cookie) = sign_in(&client, &a, "kades.kramatwatu", password).await;
    let cookie = cookie.expect("signed in on A");
    assert_eq!(admin_status(&client, &b, &cookie).await, 200, "B knows A's session");
    assert_eq!(admin_status(&client, &a, &cookie).await, 200);
    let out = client
        .post(format!("{}/api/auth/sign-out", b.base))
        .header("origin", &b.base)
        .header("cookie", &cookie)
        .form(&[("slug", "kramatwatu")])
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success() || out.status().is_redirection(), "{}", out.status());
    assert_eq!(admin_status(&client, &a, &cookie).await, 302, "signed out on B is signed out on A");

    // A photo uploaded through A is served by B: the home page's photo.
    let (_, kades) = sign_in(&client, &a, "kades.kramatwatu", password).await;
    let kades = kades.expect("kades signed in");
    let hero = |server: &Server| {
        let (client, url) = (client.clone(), format!("{}/api/portal/kramatwatu/beranda", server.base));
        async move {
            let res = client.get(url).send().await.unwrap();
            (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
        }
    };
    let (_, before) = hero(&b).await;
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    }))
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    let form = reqwest::multipart::Form::new().part("foto", reqwest::multipart::Part::bytes(png).file_name("desa.png"));
    let res = client
        .post(format!("{}/api/portal/kramatwatu/beranda", a.base))
        .header("origin", &a.base)
        .header("cookie", &kades)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let back = res.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(res.status().as_u16() == 303 && !back.contains("galat="), "{} {back}", res.status());
    let (status, on_b) = hero(&b).await;
    assert_eq!(status, 200);
    assert!(on_b != before && on_b.starts_with(&[0xFF, 0xD8, 0xFF]), "B serves the new photo");
    assert_eq!(hero(&a).await.1, on_b);
    for data in [&data_a, &data_b] {
        assert!(!data.path().join("files").exists(), "no file on a server's disk");
    }

    // Letter numbers: twenty letters signed at the same moment, half on A and half on B, get
    // twenty consecutive numbers after the ones the demo village already has.
    let conn = digdaya::db::connect(&db.url).await.unwrap();
    let (ids, before) = letters_to_sign(&conn, 20).await;
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let base = if i % 2 == 0 { a.base.clone() } else { b.base.clone() };
        let (client, kades, id) = (client.clone(), kades.clone(), id.to_string());
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{base}/api/letters/sign"))
                .header("origin", &base)
                .header("accept", "*/*")
                .header("cookie", &kades)
                .form(&[("slug", "kramatwatu"), ("id", id.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200);
            serde_json::from_str::<String>(&res.text().await.unwrap()).unwrap()
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        let number = t.await.unwrap();
        seqs.push(number.split('/').nth(1).unwrap().parse::<i64>().unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (before + 1..=before + 20).collect::<Vec<_>>(), "no duplicate, no gap across servers");
    conn.close().await.ok();

    // The API's rate limit counts across servers: six requests a minute from this address,
    // spread over A and B, then both refuse. (Away from a minute's end, so that all of them
    // fall in one window.)
    let second = chrono::Utc::now().timestamp().rem_euclid(60);
    if second > 50 {
        tokio::time::sleep(Duration::from_secs(u64::try_from(61 - second).unwrap())).await;
    }
    for i in 0..6 {
        let server = if i % 2 == 0 { &a } else { &b };
        let res = client.get(format!("{}/api/v1/villages", server.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "request {i}");
        assert_eq!(res.headers()["ratelimit-remaining"].to_str().unwrap(), (5 - i).to_string());
    }
    for server in [&a, &b] {
        let res = client.get(format!("{}/api/v1/villages", server.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 429, "over the limit on {}", server.base);
        let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
    }

    // Failed sign-ins count across servers: five wrong passwords spread over A and B lock the
    // account on both, even for the right password.
    for attempt in 0..5 {
        let server = if attempt % 2 == 0 { &a } else { &b };
        let (body, cookie) = sign_in(&client, server, "sekdes.kramatwatu", "salah-salah-salah").await;
        assert!(cookie.is_none() && body.contains("Nama pengguna atau kata sandi salah."), "{attempt}: {body}");
    }
    for server in [&a, &b] {
        let (body, cookie) = sign_in(&client, server, "sekdes.kramatwatu", password).await;
        assert!(cookie.is_none(), "locked on {}", server.base);
        assert!(body.contains("Terlalu banyak percobaan masuk yang gagal"), "{body}");
    }
}
