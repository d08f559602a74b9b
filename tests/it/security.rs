//! Issue 27 (trust), the findings about the server as a whole: health that is never kept and a
//! database outage answered at once, the error box of a page showing the server's own words
//! only, honest statuses and bounded refusals, sign-out that stays on the site, cookies over
//! HTTPS, letters' QR addresses, made-up API tokens, large photos off the async runtime,
//! personal pages never kept, slow clients, a visitor's oversized batch, an import whose server
//! died, and host bindings on plain routes. Each test fails on the code before the issue.

use crate::common;

use std::time::Duration;

use base64::Engine as _;
use common::{Backend, TestApp, get_with};
use digdaya::access::session;
use digdaya::auth::model::Role;
use digdaya::auth::service::create_official;
use digdaya::cache::{HEADER, PageCache};
use sea_orm::EntityTrait;

db_tests!(
    health_is_never_kept_and_an_outage_answers_at_once,
    a_crafted_error_link_shows_nothing,
    refusals_have_their_real_status_and_stay_short,
    signing_out_never_leaves_the_site,
    plain_session_cookies_do_nothing_over_https,
    a_letters_qr_never_follows_the_host_header,
    made_up_api_tokens_are_counted_and_refused,
    large_photos_are_decoded_off_the_async_runtime,
    personal_pages_are_never_kept,
    a_visitors_oversized_batch_is_refused_unread,
    an_import_whose_server_died_shows_as_stopped,
    a_bound_host_serves_its_village_only_on_every_route,
    a_slow_client_is_cut_off,
    bulk_reads_show_in_who_accessed_my_data,
    kept_pages_never_reuse_a_nonce,
);

const PASSWORD: &str = "kopi-tubruk-di-sawah";

async fn official_cookie(app: &TestApp, v: &digdaya::db::entities::village::Model, role: Role) -> String {
    let o =
        create_official(&app.db, Some(v), &format!("{}.x", role.as_str()), "Pejabat", role, PASSWORD).await.unwrap();
    let token = session::start_official(&app.db, &o, &Default::default(), chrono::Utc::now()).await.unwrap();
    format!("digdaya_session={token}")
}

/// Finding 12: `/healthz` was served from the page cache (40 of 40 "ok" with PostgreSQL
/// stopped) and other requests hung during the outage.
async fn health_is_never_kept_and_an_outage_answers_at_once(backend: Backend) {
    let app = TestApp::spawn_with(&backend, PageCache::new(Duration::from_secs(600), 8 << 20)).await;
    app.seed("36.04.05.2001", 10, 1, None).await;
    for _ in 0..3 {
        let res = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert_ne!(res.headers().get(HEADER).map(|v| v.to_str().unwrap()), Some("hit"), "never kept");
        assert_eq!(res.headers()["cache-control"], "no-store");
    }
    // A page is kept meanwhile (it may still be served while the database is away).
    let (status, _) = app.get("/kramatwatu/pengumuman").await;
    assert_eq!(status, 200);
    // The database goes away (its pool closes: every query fails as in an outage).
    app.db.clone().close().await.unwrap();
    let res = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 503);
    // The first request that needs the database learns it; those after it are answered at once
    // without asking the database (they carry Retry-After).
    let first = app.client.get(format!("{}/api/v1/villages/kramatwatu", app.base)).send().await.unwrap();
    assert_eq!(first.status().as_u16(), 503, "{:?}", first.text().await);
    for path in ["/kramatwatu/berita", "/kramatwatu/agenda", "/api/v1/villages"] {
        let res = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 503, "{path}");
        assert_eq!(res.headers().get("retry-after").map(|v| v.to_str().unwrap()), Some("5"), "{path}");
    }
    let kept = app.client.get(format!("{}/kramatwatu/pengumuman", app.base)).send().await.unwrap();
    assert_eq!(kept.status().as_u16(), 200, "a kept public page is still served");
}

/// Finding 13: a crafted `?__err=` link showed an attacker's text ("kirim PIN Anda via WA") in
/// the official alert box of the real sign-in page.
async fn a_crafted_error_link_shows_nothing(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 10, 1, None).await;
    let lie = base64::engine::general_purpose::URL_SAFE
        .encode(r#"{"Invalid":"Akun diblokir. Kirim PIN Anda via WA ke 0812-0000-0000."}"#);
    let crafted = format!("/kramatwatu/masuk?__path=%2Fapi%2Fauth%2Fsign-in&__err={lie}");
    let res = app.client.get(format!("{}{crafted}", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/kramatwatu/masuk");
    // Even with a tag that is not the server's.
    let res = app.client.get(format!("{}{crafted}&__t=1&__sig=00", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    // The server's own error still shows: a failed sign-in posted without JavaScript.
    create_official(
        &app.db,
        Some(&digdaya::village::service::find_by_slug(&app.db, "kramatwatu").await.unwrap().unwrap()),
        "kades.x",
        "Kades",
        Role::Kades,
        PASSWORD,
    )
    .await
    .unwrap();
    let res = app
        .client
        .post(format!("{}/api/auth/sign-in", app.base))
        .header("origin", &app.base)
        .header("referer", format!("{}/kramatwatu/masuk", app.base))
        .header("accept", "text/html")
        .form(&[("slug", "kramatwatu"), ("username", "kades.x"), ("password", "salah-salah-salah")])
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("__err=") && location.contains("__sig="), "{location}");
    let page = app.client.get(&location).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = common::strip_markers(&page.text().await.unwrap());
    assert!(html.contains("Nama pengguna atau kata sandi salah."), "the server's own message shows");
}

/// Low findings: bad arguments answered 500 and were logged whole; NUL bytes and over-long
/// strings reached PostgreSQL and answered 500; refused POSTs emptied the page cache.
async fn refusals_have_their_real_status_and_stay_short(backend: Backend) {
    let app = TestApp::spawn_with(&backend, PageCache::new(Duration::from_secs(600), 8 << 20)).await;
    let v = app.seed("36.04.05.2001", 10, 1, None).await.village;
    let kades = official_cookie(&app, &v, Role::Kades).await;
    let post = |endpoint: &'static str, body: String, cookie: String| {
        let app = &app;
        async move {
            let res = app
                .client
                .post(format!("{}/api/{endpoint}", app.base))
                .header("origin", &app.base)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", cookie)
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    // A page kept for visitors.
    let (_, kept) = app.get("/kramatwatu/pengumuman").await;
    let hit = || async {
        let res = app.client.get(format!("{}/kramatwatu/pengumuman", app.base)).send().await.unwrap();
        res.headers().get(HEADER).map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(hit().await.as_deref(), Some("hit"));
    let _ = kept;

    // An argument that cannot be read: 400, and the message does not quote it whole.
    let junk = format!("slug=kramatwatu&id={}", "9".repeat(100_000));
    let (status, body) = post("letters/detail", junk, kades.clone()).await;
    assert_eq!(status, 400, "{}", &body[..body.len().min(200)]);
    assert!(body.len() < 1_000, "a short refusal: {} bytes", body.len());
    // A body over the limit: 413, unread (only its headers are sent).
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /api/letters/detail HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nCookie: {kades}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n",
            app.base
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut answer)).await.unwrap().unwrap();
        assert!(
            String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 413"),
            "{}",
            String::from_utf8_lossy(&answer[..n])
        );
    }
    // NUL: refused before it reaches the database.
    let (status, body) = post("portal/preview", "slug=kramatwatu&body=a%00b".into(), kades.clone()).await;
    assert_eq!(status, 400, "{body}");
    // None of these refused writes made the cache forget the kept page.
    assert_eq!(hit().await.as_deref(), Some("hit"), "refused POSTs leave kept pages alone");
    // Over-long text for a column: a refusal of the request, not a server failure.
    let long = "x".repeat(300);
    let (status, body) = post(
        "auth/create-official",
        format!("slug=kramatwatu&username=ok.name&name={long}&role=operator"),
        kades.clone(),
    )
    .await;
    assert!(status == 400 || status == 200, "{status} {body}");
    // Not signed in: 401; not found: 404.
    let (status, _) = post("letters/detail", "slug=kramatwatu&id=1".into(), String::new()).await;
    assert_eq!(status, 401);
    let (status, _) = post("letters/detail", "slug=kramatwatu&id=999999".into(), kades.clone()).await;
    assert_eq!(status, 404);
}

/// Low finding: sign-out with `slug=/evil.example` sent the browser to another site.
async fn signing_out_never_leaves_the_site(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 10, 1, None).await;
    for slug in ["/evil.example", "/\\evil.example", "x/../../evil"] {
        let res = app
            .client
            .post(format!("{}/api/auth/sign-out", app.base))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .form(&[("slug", slug)])
            .send()
            .await
            .unwrap();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
        assert_eq!(location, "/", "{slug}");
    }
    let res = app
        .client
        .post(format!("{}/api/auth/sign-out", app.base))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .form(&[("slug", "kramatwatu")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/kramatwatu/masuk");
}

/// Low finding: over HTTPS, the plain-named session cookie (which an insecure page or a
/// neighbouring host can set) was accepted.
async fn plain_session_cookies_do_nothing_over_https(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 10, 1, None).await.village;
    let cookie = official_cookie(&app, &v, Role::Kades).await;
    let token = cookie.trim_start_matches("digdaya_session=");
    let admin = |cookie: String, https: bool| {
        let app = &app;
        async move {
            let mut req = app
                .client
                .get(format!("{}/kramatwatu/admin", app.base))
                .header("accept", "text/html")
                .header("cookie", cookie);
            if https {
                req = req.header("x-forwarded-proto", "https");
            }
            req.send().await.unwrap().status().as_u16()
        }
    };
    assert_eq!(admin(cookie.clone(), false).await, 200, "plain HTTP: the plain cookie");
    assert_eq!(admin(cookie.clone(), true).await, 302, "HTTPS: the plain cookie is not read");
    assert_eq!(admin(format!("__Host-digdaya_session={token}"), true).await, 200, "HTTPS: the __Host- cookie");
}

/// Low finding: without DIGDAYA_PUBLIC_URL the QR address came from the signing request's Host.
async fn a_letters_qr_never_follows_the_host_header(backend: Backend) {
    use digdaya::db::entities::{letter_request, letter_type};
    use sea_orm::{ColumnTrait, QueryFilter};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 1, None).await.village;
    let kades = official_cookie(&app, &v, Role::Kades).await;
    digdaya::letters::service::ensure_types(&app.db, v.id).await.unwrap();
    let t = letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(v.id))
        .filter(letter_type::Column::Slug.eq("domisili"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let someone = digdaya::db::entities::resident::Entity::find()
        .filter(digdaya::db::entities::resident::Column::VillageId.eq(v.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let body = serde_json::json!({"slug": "kramatwatu", "resident_id": someone.id, "type_id": t.id, "values": {"keperluan": "bank"}});
    let res = app
        .client
        .post(format!("{}/api/letters/walk-in", app.base))
        .header("origin", &app.base)
        .header("cookie", &kades)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{:?}", res.text().await);
    let id = letter_request::Entity::find().one(&app.db).await.unwrap().unwrap().id;
    // The signing request names another host (a phishing mirror in front of the server).
    let res = app
        .client
        .post(format!("{}/api/letters/sign", app.base))
        .header("host", "desa-palsu.example")
        .header("origin", "http://desa-palsu.example")
        .header("cookie", &kades)
        .form(&[("slug", "kramatwatu"), ("id", &id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{:?}", res.text().await);
    let doc = letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().document.unwrap();
    let frozen: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let qr = frozen["qr_url"].as_str().unwrap();
    assert!(!qr.contains("desa-palsu"), "{qr}");
}

/// Finding 10: any made-up bearer token had its own rate-limit bucket and skipped the cache.
async fn made_up_api_tokens_are_counted_and_refused(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 10, 1, None).await;
    let mut remaining = Vec::new();
    for i in 0..3 {
        let res = app
            .client
            .get(format!("{}/api/v1/villages", app.base))
            .header("authorization", format!("Bearer dgd_madeup{i:04}abcdefabcdefabcdef"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 401);
        let h = |n: &str| res.headers()[n].to_str().unwrap().parse::<u32>().unwrap();
        assert_eq!(
            h("ratelimit-limit"),
            digdaya::api::Limits::of(digdaya::config::current()).per_address,
            "the address's budget"
        );
        remaining.push(h("ratelimit-remaining"));
    }
    assert!(remaining.windows(2).all(|w| w[1] + 1 == w[0]), "each counted on the address: {remaining:?}");
    // A request without a token from the same address shares the count.
    let res = app.client.get(format!("{}/api/v1/villages", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let left: u32 = res.headers()["ratelimit-remaining"].to_str().unwrap().parse().unwrap();
    assert_eq!(left + 1, remaining[2]);
}

/// Finding 6: decoding a 39-megapixel photo ran on the async runtime; four of them at once made
/// `/healthz` wait seconds. Now they are decoded on the parsing pool while pages keep answering.
async fn large_photos_are_decoded_off_the_async_runtime(backend: Backend) {
    use digdaya::db::entities::{letter_request, letter_type};
    use sea_orm::{ColumnTrait, QueryFilter};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 1, None).await.village;
    let (me, cookie) = common::resident_with_pin(&app, &v, 0).await;
    digdaya::letters::service::ensure_types(&app.db, v.id).await.unwrap();
    let t = letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(v.id))
        .filter(letter_type::Column::Slug.eq("domisili"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let by = digdaya::letters::service::By::Resident { id: me.id, name: me.name.clone() };
    let values = [("keperluan".to_string(), "bank".to_string())].into();
    let id = digdaya::letters::service::create_request(&app.db, &v, &by, me.id, t.id, &values).await.unwrap();
    let _ = letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    // A 39-megapixel PNG of one colour: a small file, a large picture.
    let mut big = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(7_200, 5_400))
        .write_to(&mut std::io::Cursor::new(&mut big), image::ImageFormat::Png)
        .unwrap();
    assert!(big.len() < 1_000_000, "{}", big.len());
    let mut uploads = Vec::new();
    for _ in 0..4 {
        let (client, base, cookie, big) = (app.client.clone(), app.base.clone(), cookie.clone(), big.clone());
        uploads.push(tokio::spawn(async move {
            let form = reqwest::multipart::Form::new()
                .text("lampiran", "ktp")
                .part("berkas", reqwest::multipart::Part::bytes(big).file_name("ktp.png"));
            client
                .post(format!("{base}/api/letters/kramatwatu/{id}/lampiran"))
                .header("origin", &base)
                .header("cookie", &cookie)
                .multipart(form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    // Once a decode has started on the parsing pool…
    let mut started = false;
    for _ in 0..600 {
        if digdaya::bounded::PARSING.peak() > 0 && uploads.iter().all(|u| !u.is_finished()) {
            started = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(started, "the photos are decoded on the parsing pool");
    // …the server answers its health check before the first upload is done.
    let res = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(uploads.iter().any(|u| !u.is_finished()), "health answered while photos were still being decoded");
    for u in uploads {
        let status = u.await.unwrap();
        assert!(status == 303 || status == 503, "{status}");
    }
}

/// Finding 7: the service worker kept `/akun` pages (full NIK, KK, family). Personal pages are
/// `no-store`; every page made for a user says whose it is, for the worker to drop what it kept
/// when the user changes or signs out.
async fn personal_pages_are_never_kept(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 1, None).await.village;
    let (_, cookie) = common::resident_with_pin(&app, &v, 0).await;
    for path in ["/kramatwatu/akun", "/kramatwatu/akun/sesi", "/kramatwatu/layanan/permohonan"] {
        let res = get_with(&app, path, &cookie).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let cache = res.headers()["cache-control"].to_str().unwrap();
        assert!(cache.contains("no-store"), "{path}: {cache}");
        let owner = res.headers().get("x-digdaya-pemilik").map(|v| v.to_str().unwrap().to_string());
        assert!(owner.is_some_and(|o| o.len() == 32), "{path}");
    }
    let official = official_cookie(&app, &v, Role::Operator).await;
    let res = get_with(&app, "/kramatwatu/admin/penduduk", &official).await;
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    // A public page stays cacheable, and says it was made for nobody.
    let res = app.client.get(format!("{}/kramatwatu", app.base)).send().await.unwrap();
    assert!(!res.headers().get("cache-control").is_some_and(|c| c.to_str().unwrap().contains("no-store")));
    // The worker drops what it kept for a user who is gone.
    let worker = app.client.get(format!("{}/sw.js", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(worker.contains("X-Digdaya-Pemilik") && worker.contains("caches.delete(PAGES)"));
}

/// Low finding: the outbox read up to 30 MB before it knew who sent it.
async fn a_visitors_oversized_batch_is_refused_unread(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 10, 1, None).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/outbox/kramatwatu HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 20000000\r\n\r\n",
        app.base
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // Not a byte of the body is sent: the answer comes anyway.
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut answer))
        .await
        .expect("answered unread")
        .unwrap();
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
}

/// Low finding: an import whose server was killed midway showed "running" forever.
async fn an_import_whose_server_died_shows_as_stopped(backend: Backend) {
    use digdaya::population::{model::ImportState, uploads};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 10, 1, None).await.village;
    let o = create_official(&app.db, Some(&v), "operator.x", "Operator", Role::Operator, PASSWORD).await.unwrap();
    let report = digdaya::population::model::ImportReport::default();
    let token = uploads::put(&app.db, v.id, o.id, "penduduk.csv".into(), b"x".to_vec(), Ok(report)).await.unwrap();
    // Marked running by a server that died before it could say anything more.
    assert!(uploads::start(&app.db, &token, v.id, o.id).await.unwrap().is_some());
    let stale = chrono::Utc::now() - chrono::Duration::minutes(5);
    digdaya::db::entities::import_upload::Entity::update_many()
        .col_expr(digdaya::db::entities::import_upload::Column::HeartbeatAt, sea_orm::sea_query::Expr::value(stale))
        .exec(&app.db)
        .await
        .unwrap();
    match uploads::state(&app.db, &token, v.id, o.id).await.unwrap() {
        Some(ImportState::Finished(Err(m))) => assert!(m.contains("terhenti"), "{m}"),
        other => panic!("{other:?}"),
    }
    // And it stays so.
    assert!(matches!(uploads::state(&app.db, &token, v.id, o.id).await.unwrap(), Some(ImportState::Finished(Err(_)))));
}

/// Low finding: a host bound to one village served another's files and data on the plain HTTP
/// routes (only the pages and server functions checked the binding).
async fn a_bound_host_serves_its_village_only_on_every_route(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 10, 1, Some("kramatwatu.desa.id")).await;
    let other = app.seed("36.04.05.2002", 10, 2, None).await.village;
    let (status, _) = app.get_on_host("kramatwatu.desa.id", "/api/letters/kramatwatu/kunci").await;
    assert_eq!(status, 200, "its own village");
    let (status, _) = app.get_on_host("kramatwatu.desa.id", &format!("/api/letters/{}/kunci", other.slug)).await;
    assert_eq!(status, 404, "another village, through the bound host");
    let (status, _) = app.get_on_host("kramatwatu.desa.id", &format!("/api/map/{}/lapisan/wilayah", other.slug)).await;
    assert_eq!(status, 404);
    let (status, _) = app.get(&format!("/api/letters/{}/kunci", other.slug)).await;
    assert_eq!(status, 200, "the deployment's own address still serves every village");
}

/// Low finding: no header-read timeout: a client trickling its headers held a connection open.
async fn a_slow_client_is_cut_off(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn(&backend).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
    // Never finishes its headers: the server closes the connection after its timeout.
    let mut buf = [0u8; 512];
    let closed =
        tokio::time::timeout(digdaya::server::HEADER_READ_TIMEOUT + Duration::from_secs(20), stream.read(&mut buf))
            .await
            .expect("the server closed the connection");
    assert!(
        matches!(closed, Ok(0) | Err(_)) || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"),
        "{closed:?}"
    );
}

/// Low finding: partner systems' reads of residents and registry exports were missing from
/// "who accessed my data".
async fn bulk_reads_show_in_who_accessed_my_data(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 1, None).await.village;
    let (_, me) = common::resident_with_pin(&app, &v, 0).await;
    let official = official_cookie(&app, &v, Role::Operator).await;
    let res = get_with(&app, "/api/v1/villages/kramatwatu/residents", &official).await;
    assert_eq!(res.status().as_u16(), 200);
    let res = get_with(&app, "/api/population/export/kramatwatu?format=csv", &official).await;
    assert_eq!(res.status().as_u16(), 200);
    let page =
        common::post_as(&app, "account/access", &me, "application/json", &[("slug", "kramatwatu"), ("at[page]", "1")])
            .await
            .text()
            .await
            .unwrap();
    assert!(page.contains("lewat API"), "{page}");
    assert!(page.contains("Ekspor data penduduk"), "{page}");
}

/// Low finding: a page kept by the page cache was served with the CSP nonce of the visit that
/// made it, which every later visitor could read.
async fn kept_pages_never_reuse_a_nonce(backend: Backend) {
    let app = TestApp::spawn_with(&backend, PageCache::new(Duration::from_secs(600), 8 << 20)).await;
    app.seed("36.04.05.2001", 10, 1, None).await;
    let get = || async {
        let res = app.client.get(format!("{}/kramatwatu/pengumuman", app.base)).send().await.unwrap();
        let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
        (res.headers().get(HEADER).map(|v| v.to_str().unwrap().to_string()), csp, res.text().await.unwrap())
    };
    let (first, csp, _) = get().await;
    assert_eq!(first.as_deref(), Some("miss"));
    assert!(csp.contains("'nonce-"), "{csp}");
    let (second, csp, html) = get().await;
    assert_eq!(second.as_deref(), Some("hit"));
    assert!(!csp.contains("nonce"), "a kept page allows its scripts by hash: {csp}");
    assert!(csp.contains("'sha256-") || !html.contains("<script>"), "{csp}");
}
