//! The portal's articles on the database: drafts stay private, a scheduled article appears by
//! itself when its time comes, addresses are unique within a village and stable across edits,
//! the stored HTML is sanitised, and another village sees nothing.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::{Backend, TestApp, png};
use digdaya::auth::guard::Official;
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{audit_entry, village};
use digdaya::error::AppError;
use digdaya::portal::model::{ArticleInput, ArticleStatus};
use digdaya::portal::service;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

db_tests!(
    articles_are_drafted_scheduled_and_published,
    addresses_are_unique_and_the_html_is_safe,
    search_engines_find_the_public_pages_and_articles_only,
    a_cover_goes_up_as_a_form_and_comes_down_only_while_public,
);

async fn official(app: &TestApp, v: &village::Model, username: &str) -> Official {
    let o = create_official(&app.db, Some(v), username, "Sekretaris Desa", Role::Sekdes, "kopi-tubruk-di-sawah")
        .await
        .unwrap();
    Official { id: o.id, village_id: o.village_id, name: o.name, role: Role::Sekdes, session_id: String::new() }
}

fn input(title: &str, publish: bool, at: &str) -> ArticleInput {
    ArticleInput {
        title: title.into(),
        category: "pembangunan".into(),
        body: "Warga **Dusun Kramat** bergotong royong memperbaiki saluran air.".into(),
        publish,
        publish_at: at.into(),
    }
}

async fn articles_are_drafted_scheduled_and_published(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 3, None).await.village;
    let o = official(&app, &v, "sekdes.berita").await;
    // 1 December 2026, 08:00 WIB.
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap();

    let draft = service::save_article(&app.db, &v, &o, None, &input("Rencana musyawarah", false, ""), now)
        .await
        .unwrap()
        .unwrap();
    let scheduled =
        service::save_article(&app.db, &v, &o, None, &input("Jadwal posyandu Desember", true, "2026-12-02T07:00"), now)
            .await
            .unwrap()
            .unwrap();
    let published = service::save_article(&app.db, &v, &o, None, &input("Kerja bakti saluran air", true, ""), now)
        .await
        .unwrap()
        .unwrap();

    // Now: only the published one is public; the officials see all three, each with its state.
    let (list, pages) = service::published(&app.db, &v, 1, now).await.unwrap();
    assert_eq!(list.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(), ["Kerja bakti saluran air"]);
    assert_eq!((pages, list[0].date.as_str(), list[0].category.as_str()), (1, "1 Desember 2026", "Pembangunan"));
    assert!(matches!(
        service::article_page(&app.db, &v, "jadwal-posyandu-desember", now).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(service::article_page(&app.db, &v, "rencana-musyawarah", now).await, Err(AppError::NotFound)));
    let states: Vec<(i64, ArticleStatus)> =
        service::all_articles(&app.db, &v, now).await.unwrap().into_iter().map(|a| (a.id, a.status)).collect();
    assert!(states.contains(&(draft, ArticleStatus::Draf)));
    assert!(states.contains(&(scheduled, ArticleStatus::Terjadwal)));
    assert!(states.contains(&(published, ArticleStatus::Terbit)));
    assert_eq!(service::sitemap_articles(&app.db, v.id, now).await.unwrap().len(), 1);

    // The scheduled time comes (07:00 WIB on 2 December): it is public, newest first, with no
    // job having run; the draft still is not.
    let later = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap();
    let (list, _) = service::published(&app.db, &v, 1, later).await.unwrap();
    assert_eq!(
        list.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(),
        ["Jadwal posyandu Desember", "Kerja bakti saluran air"]
    );
    let page = service::article_page(&app.db, &v, "jadwal-posyandu-desember", later).await.unwrap();
    assert!(page.html.contains("<strong>Dusun Kramat</strong>"), "{}", page.html);
    assert_eq!(service::sitemap_articles(&app.db, v.id, later).await.unwrap().len(), 2);
    let just_before = later - Duration::seconds(1);
    assert_eq!(service::published(&app.db, &v, 1, just_before).await.unwrap().0.len(), 1);

    // Publishing the draft; another village sees none of it.
    let (mut now_public, _) = service::article_input(&app.db, &v, draft).await.unwrap();
    now_public.publish = true;
    service::save_article(&app.db, &v, &o, Some(draft), &now_public, later).await.unwrap().unwrap();
    assert!(service::article_page(&app.db, &v, "rencana-musyawarah", later).await.is_ok());
    let other = app.seed("36.04.05.2002", 5, 4, None).await.village;
    assert!(service::published(&app.db, &other, 1, later).await.unwrap().0.is_empty());
    assert!(matches!(
        service::article_page(&app.db, &other, "rencana-musyawarah", later).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        service::save_article(&app.db, &other, &o, Some(draft), &now_public, later).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(service::delete_article(&app.db, &other, &o, draft).await, Err(AppError::NotFound)));

    // Every write is in the audit log.
    let logged = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("article_saved"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(logged, 4);
    service::delete_article(&app.db, &v, &o, draft).await.unwrap();
    assert!(matches!(service::article_page(&app.db, &v, "rencana-musyawarah", later).await, Err(AppError::NotFound)));
}

async fn addresses_are_unique_and_the_html_is_safe(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 5, None).await.village;
    let o = official(&app, &v, "sekdes.alamat").await;
    let now = Utc::now();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            service::save_article(&app.db, &v, &o, None, &input("Kerja Bakti!", true, ""), now).await.unwrap().unwrap(),
        );
    }
    let slugs: Vec<String> =
        service::all_articles(&app.db, &v, now).await.unwrap().into_iter().map(|a| a.slug).collect();
    let mut sorted = slugs.clone();
    sorted.sort();
    assert_eq!(sorted, ["kerja-bakti", "kerja-bakti-2", "kerja-bakti-3"]);

    // A changed title keeps the address; the same title in another village is free.
    let mut changed = input("Kerja bakti diundur sepekan", true, "");
    changed.body = "<script>alert(1)</script>\n\n[klik](javascript:alert(1)) <img src=x onerror=alert(1)>".into();
    service::save_article(&app.db, &v, &o, Some(ids[0]), &changed, now).await.unwrap().unwrap();
    let page = service::article_page(&app.db, &v, "kerja-bakti", now).await.unwrap();
    assert_eq!(page.title, "Kerja bakti diundur sepekan");
    assert!(!page.html.contains("<script") && !page.html.contains("<img") && !page.html.contains("javascript:"));
    assert!(page.html.contains("&lt;script&gt;"), "{}", page.html);
    let other = app.seed("36.04.05.2002", 5, 6, None).await.village;
    let o2 = official(&app, &other, "sekdes.tetangga").await;
    let theirs = service::save_article(&app.db, &other, &o2, None, &input("Kerja Bakti!", true, ""), now)
        .await
        .unwrap()
        .unwrap();
    assert!(service::article_page(&app.db, &other, "kerja-bakti", now).await.is_ok(), "{theirs}");

    // What the official must fix comes back by field; nothing is saved.
    let problems =
        service::save_article(&app.db, &v, &o, None, &input("", true, "besok pagi"), now).await.unwrap().unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["title", "publish_at"]);
    assert_eq!(service::all_articles(&app.db, &v, now).await.unwrap().len(), 3);
}

async fn search_engines_find_the_public_pages_and_articles_only(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 7, None).await.village;
    let o = official(&app, &v, "sekdes.peta-situs").await;
    let now = Utc::now();
    service::save_article(&app.db, &v, &o, None, &input("Panen raya padi", true, ""), now).await.unwrap().unwrap();
    service::save_article(&app.db, &v, &o, None, &input("Catatan rapat internal", false, ""), now)
        .await
        .unwrap()
        .unwrap();
    service::save_article(&app.db, &v, &o, None, &input("Lomba tujuh belasan", true, "2099-08-17T08:00"), now)
        .await
        .unwrap()
        .unwrap();

    let (status, map) = app.get(&format!("/{}/sitemap.xml", v.slug)).await;
    assert_eq!(status, 200, "{map}");
    assert!(map.starts_with("<?xml") && map.contains("<urlset"), "{map}");
    for page in [
        "/kramatwatu</loc>",
        "/kramatwatu/profil</loc>",
        "/kramatwatu/pasar</loc>",
        "/kramatwatu/berita/panen-raya-padi</loc>",
    ] {
        assert!(map.contains(page), "{page} in {map}");
    }
    assert!(!map.contains("catatan-rapat") && !map.contains("lomba-tujuh"), "drafts and scheduled articles stay out");
    assert!(!map.contains("/admin") && !map.contains("/akun"));
    assert!(map.contains("<lastmod>"));

    let (status, index) = app.get("/sitemap.xml").await;
    assert_eq!(status, 200);
    assert!(index.contains("<sitemapindex") && index.contains("/kramatwatu/sitemap.xml"), "{index}");
    let (status, robots) = app.get("/robots.txt").await;
    assert_eq!(status, 200);
    assert!(
        robots.contains("Disallow: /api/") && robots.contains("Sitemap: http://") && robots.contains("/sitemap.xml")
    );
    assert_eq!(app.get("/tidak-ada/sitemap.xml").await.0, 404);
}

async fn upload(app: &TestApp, path: &str, cookie: &str, bytes: Vec<u8>) -> (u16, String) {
    let form = reqwest::multipart::Form::new().part("foto", reqwest::multipart::Part::bytes(bytes).file_name("f.png"));
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .header("origin", &app.base)
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (status, location.unwrap_or(res.text().await.unwrap()))
}

async fn a_cover_goes_up_as_a_form_and_comes_down_only_while_public(backend: Backend) {
    use digdaya::auth::session::{self, Client};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 8, None).await.village;
    let o = official(&app, &v, "sekdes.sampul").await;
    let row = digdaya::db::entities::official::Entity::find_by_id(o.id).one(&app.db).await.unwrap().unwrap();
    let cookie = format!(
        "digdaya_session={}",
        session::start_official(&app.db, &row, &Client::default(), Utc::now()).await.unwrap()
    );
    let now = Utc::now();
    let id =
        service::save_article(&app.db, &v, &o, None, &input("Jembatan baru", false, ""), now).await.unwrap().unwrap();
    let path = format!("/api/portal/{}/sampul/{id}", v.slug);

    // Officials upload; a lying file is refused with the reason; nobody else may.
    let (status, back) = upload(&app, &path, &cookie, png(1600, 900)).await;
    assert!(status == 303 && back.ends_with(&format!("/kramatwatu/admin/berita/{id}#sampul")), "{status} {back}");
    let (status, back) = upload(&app, &path, &cookie, b"GIF89a bukan gambar".to_vec()).await;
    assert!(status == 303 && back.contains("galat="), "{status} {back}");
    assert_eq!(upload(&app, &path, "", png(10, 10)).await.0, 401);

    // A draft's cover: its officials only, not cached by others.
    let url = format!("{}{path}?kecil=1", app.base);
    assert_eq!(app.client.get(&url).send().await.unwrap().status().as_u16(), 404);
    let res = app.client.get(&url).header("cookie", &cookie).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["cache-control"].to_str().unwrap()), (200, "private, no-store"));

    // Published: everybody, with a thumbnail within the market's budget, and the lists show it.
    let (mut published, cover) = service::article_input(&app.db, &v, id).await.unwrap();
    assert_eq!(cover.as_deref(), Some(&*format!("{path}?kecil=1")));
    published.publish = true;
    service::save_article(&app.db, &v, &o, Some(id), &published, Utc::now()).await.unwrap().unwrap();
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), res.headers()["cache-control"].to_str().unwrap()),
        (200, "public, max-age=3600")
    );
    assert!(res.bytes().await.unwrap().len() <= digdaya::media::MARKET_THUMB_BYTES);
    let (list, _) = service::published(&app.db, &v, 1, Utc::now()).await.unwrap();
    assert_eq!(list[0].cover.as_deref(), Some(&*format!("{path}?kecil=1")));
    let page = service::article_page(&app.db, &v, "jembatan-baru", Utc::now()).await.unwrap();
    assert_eq!(page.cover.as_deref(), Some(path.as_str()));
}
