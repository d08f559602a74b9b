//! The page cache: anonymous visitors get kept public answers; anyone signed in, any private
//! page and any partner token never do; a change made through the app shows at once, and a
//! change of one village leaves the other villages' kept pages alone.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use common::{Backend, TestApp, get_with};
use digdaya::access::session;
use digdaya::auth::model::Role;
use digdaya::auth::service::create_official;
use digdaya::cache::{HEADER, PageCache};
use digdaya::db::entities::{announcement, official};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

db_tests!(public_answers_are_kept_for_visitors_only_and_a_change_clears_them);

async fn anonymous(app: &TestApp, path: &str) -> (u16, Option<String>, String) {
    let res = app.client.get(format!("{}{path}", app.base)).header("accept", "text/html").send().await.unwrap();
    let status = res.status().as_u16();
    let cache = res.headers().get(HEADER).map(|v| v.to_str().unwrap().to_string());
    (status, cache, res.text().await.unwrap())
}

/// An anonymous GET that takes a gzip body: (cache header, content encoding, raw body).
async fn gzipped(app: &TestApp, path: &str) -> (Option<String>, Option<String>, Vec<u8>) {
    let res = app
        .client
        .get(format!("{}{path}", app.base))
        .header("accept", "text/html")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = |name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_string());
    let (cache, encoding) = (text(HEADER), text("content-encoding"));
    (cache, encoding, res.bytes().await.unwrap().to_vec())
}

async fn public_answers_are_kept_for_visitors_only_and_a_change_clears_them(backend: Backend) {
    let app = TestApp::spawn_with(&backend, PageCache::new(Duration::from_secs(600), 8 << 20)).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    let notices = format!("/{}/pengumuman", v.slug);

    let (status, first, before) = anonymous(&app, &notices).await;
    assert_eq!((status, first.as_deref()), (200, Some("miss")));
    let (_, second, again) = anonymous(&app, &notices).await;
    assert_eq!(second.as_deref(), Some("hit"));
    assert_eq!(before, again);

    // Kept as sent: compressed for a client that takes gzip, plain for one that does not.
    let (cache, encoding, zipped) = gzipped(&app, &notices).await;
    assert_eq!((cache.as_deref(), encoding.as_deref()), (Some("miss"), Some("gzip")));
    assert_eq!(zipped[..2], [0x1f, 0x8b], "a gzip stream");
    let (cache, encoding, again) = gzipped(&app, &notices).await;
    assert_eq!((cache.as_deref(), encoding.as_deref()), (Some("hit"), Some("gzip")));
    assert_eq!(zipped, again);
    let (_, cache, plain) = anonymous(&app, &notices).await;
    assert_eq!(cache.as_deref(), Some("hit"));
    assert_eq!(plain, before, "the plain answer is kept apart from the compressed one");

    // Written behind the app's back (as another app server would): visitors still get the kept
    // page until it expires; the signed-in official gets a fresh one, never from the cache.
    let today = Utc::now().date_naive();
    announcement::ActiveModel {
        village_id: Set(v.id),
        title: Set("Kerja bakti hari Minggu".into()),
        body: Set("Bersama membersihkan saluran air.".into()),
        ends_on: Set(today + chrono::Duration::days(7)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let (_, cache, kept) = anonymous(&app, &notices).await;
    assert_eq!(cache.as_deref(), Some("hit"));
    assert!(!kept.contains("Kerja bakti"));
    let o = create_official(&app.db, Some(&v), "sekdes.uji", "Sekdes", Role::Operator, "kopi-tubruk-di-sawah")
        .await
        .unwrap();
    let row = official::Entity::find_by_id(o.id).one(&app.db).await.unwrap().unwrap();
    let token = session::start_official(&app.db, &row, &session::Client::default(), Utc::now()).await.unwrap();
    let cookie = format!("digdaya_session={token}");
    let res = get_with(&app, &notices, &cookie).await;
    assert!(res.headers().get(HEADER).is_none());
    assert!(res.text().await.unwrap().contains("Kerja bakti"));

    // A server function that only reads leaves the cache as it is.
    let res = app
        .client
        .post(format!("{}/api/village/info", app.base))
        .header("origin", &app.base)
        .form(&[("slug", v.slug.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(anonymous(&app, &notices).await.1.as_deref(), Some("hit"));

    // Another village's page and the deployment's front page, kept before the change below.
    let w = app.seed("36.04.05.2002", 20, 2, None).await.village;
    let elsewhere = format!("/{}/pengumuman", w.slug);
    for path in [elsewhere.as_str(), "/"] {
        anonymous(&app, path).await;
        assert_eq!(anonymous(&app, path).await.1.as_deref(), Some("hit"), "{path}");
    }

    // A change made through this server: the next visitor gets the new page at once.
    let body = serde_json::json!({
        "slug": v.slug,
        "id": null,
        "input": {"title": "Posyandu balita", "body": "Penimbangan di balai desa.", "ends_on": (today + chrono::Duration::days(3)).to_string()}
    });
    let res = app
        .client
        .post(format!("{}/api/portal/save-announcement", app.base))
        .header("origin", &app.base)
        .header("cookie", &cookie)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (_, cache, fresh) = anonymous(&app, &notices).await;
    assert_eq!(cache.as_deref(), Some("miss"));
    assert!(fresh.contains("Kerja bakti") && fresh.contains("Posyandu balita"));
    // The change was of one village: the deployment's page is made again, the other village's
    // page is still kept.
    assert_eq!(anonymous(&app, "/").await.1.as_deref(), Some("miss"));
    assert_eq!(anonymous(&app, &elsewhere).await.1.as_deref(), Some("hit"));

    // Private pages are never kept, even for a visitor (who is sent to sign in).
    for path in [format!("/{}/admin", v.slug), format!("/{}/akun", v.slug), format!("/{}/masuk", v.slug)] {
        assert_eq!(anonymous(&app, &path).await.1, None, "{path}");
        assert_eq!(anonymous(&app, &path).await.1, None, "{path}");
    }

    // The partner API: a visitor's public read is kept and still counted by the rate limit; a
    // partner's token is never answered from the cache.
    let stats = format!("/api/v1/villages/{}/statistics", v.slug);
    let url = format!("{}{stats}", app.base);
    let first = app.client.get(&url).send().await.unwrap();
    assert_eq!(first.headers().get(HEADER).unwrap(), "miss");
    let second = app.client.get(&url).send().await.unwrap();
    assert_eq!(second.headers().get(HEADER).unwrap(), "hit");
    let remaining = |r: &reqwest::Response| -> u64 {
        r.headers().get("ratelimit-remaining").unwrap().to_str().unwrap().parse().unwrap()
    };
    assert_eq!(remaining(&first), remaining(&second) + 1);
    assert_eq!(first.text().await.unwrap(), second.text().await.unwrap());
    let (_, t) = digdaya::api::tokens::create(&app.db, "Mitra", &[v.id], false, Utc::now()).await.unwrap();
    let partner = app.client.get(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(partner.status(), 200);
    assert!(partner.headers().get(HEADER).is_none());
}
