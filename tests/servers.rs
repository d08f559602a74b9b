//! Several app servers on one PostgreSQL database, as a large deployment runs them behind a
//! load balancer: two real `digdaya serve` processes, and what one knows the other knows.

mod common;

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

async fn start(url: &str, site: &std::path::Path, data: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .arg("serve")
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
    use digdaya::auth::guard::Official;
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
        ids.push(service::create_request(db, &v, &by, p.id, kind.id, &values).await.unwrap().unwrap());
    }
    (ids, before)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_sessions_letter_numbers_and_sign_in_limits() {
    let Some(backend) = Backend::postgres() else { return };
    let db = TestDb::create(&backend).await;
    let data = tempfile::tempdir().unwrap();
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    let seeded = Command::new(env!("CARGO_BIN_EXE_digdaya"))
        .args(["seed-demo", "--residents", "100"])
        .env("DATABASE_URL", &db.url)
        .env("DIGDAYA_DATA_DIR", data.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    let (a, b) = (start(&db.url, site.path(), data.path()).await, start(&db.url, site.path(), data.path()).await);
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

    // Letter numbers: twenty letters signed at the same moment, half on A and half on B, get
    // twenty consecutive numbers after the ones the demo village already has.
    let conn = digdaya::db::connect(&db.url).await.unwrap();
    let (ids, before) = letters_to_sign(&conn, 20).await;
    let (_, kades) = sign_in(&client, &a, "kades.kramatwatu", password).await;
    let kades = kades.expect("kades signed in");
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
