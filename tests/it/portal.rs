//! The portal's articles on the database: drafts stay private, a scheduled article appears by
//! itself when its time comes, addresses are unique within a village and stable across edits,
//! the stored HTML is sanitised, and another village sees nothing. The home page, profile,
//! announcements, agenda and APBDes: what is current, what adds up, what stays in its village.

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use common::{Backend, Refusal, TestApp, png};
use digdaya::access::guard::Official;
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
    the_home_page_gathers_the_village_and_shows_only_what_is_current,
    the_profile_keeps_its_rules_and_its_people_in_order_within_the_village,
    the_budget_adds_up_by_year_and_bad_amounts_save_nothing,
    home_and_people_photos_go_up_as_forms_and_are_public,
    the_demo_village_has_a_full_portal,
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

    let draft =
        service::save_article(&app.db, &v, &o, None, &input("Rencana musyawarah", false, ""), now).await.unwrap();
    let scheduled =
        service::save_article(&app.db, &v, &o, None, &input("Jadwal posyandu Desember", true, "2026-12-02T07:00"), now)
            .await
            .unwrap();
    let published =
        service::save_article(&app.db, &v, &o, None, &input("Kerja bakti saluran air", true, ""), now).await.unwrap();

    // Now: only the published one is public; the officials see all three, each with its state.
    let (list, pages) = service::published(&app.db, &v, &Default::default(), now).await.unwrap();
    assert_eq!(list.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(), ["Kerja bakti saluran air"]);
    assert_eq!((pages.pages, list[0].date.as_str(), list[0].category.as_str()), (1, "1 Desember 2026", "Pembangunan"));
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
    let (list, _) = service::published(&app.db, &v, &Default::default(), later).await.unwrap();
    assert_eq!(
        list.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(),
        ["Jadwal posyandu Desember", "Kerja bakti saluran air"]
    );
    let page = service::article_page(&app.db, &v, "jadwal-posyandu-desember", later).await.unwrap();
    assert!(page.html.contains("<strong>Dusun Kramat</strong>"), "{}", page.html);
    assert_eq!(service::sitemap_articles(&app.db, v.id, later).await.unwrap().len(), 2);
    let just_before = later - Duration::seconds(1);
    assert_eq!(service::published(&app.db, &v, &Default::default(), just_before).await.unwrap().0.len(), 1);

    // Publishing the draft; another village sees none of it.
    let (mut now_public, _) = service::article_input(&app.db, &v, draft).await.unwrap();
    now_public.publish = true;
    service::save_article(&app.db, &v, &o, Some(draft), &now_public, later).await.unwrap();
    assert!(service::article_page(&app.db, &v, "rencana-musyawarah", later).await.is_ok());
    let other = app.seed("36.04.05.2002", 5, 4, None).await.village;
    assert!(service::published(&app.db, &other, &Default::default(), later).await.unwrap().0.is_empty());
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
        ids.push(service::save_article(&app.db, &v, &o, None, &input("Kerja Bakti!", true, ""), now).await.unwrap());
    }
    let slugs: Vec<String> =
        service::all_articles(&app.db, &v, now).await.unwrap().into_iter().map(|a| a.slug).collect();
    let mut sorted = slugs.clone();
    sorted.sort();
    assert_eq!(sorted, ["kerja-bakti", "kerja-bakti-2", "kerja-bakti-3"]);

    // A changed title keeps the address; the same title in another village is free.
    let mut changed = input("Kerja bakti diundur sepekan", true, "");
    changed.body = "<script>alert(1)</script>\n\n[klik](javascript:alert(1)) <img src=x onerror=alert(1)>".into();
    service::save_article(&app.db, &v, &o, Some(ids[0]), &changed, now).await.unwrap();
    let page = service::article_page(&app.db, &v, "kerja-bakti", now).await.unwrap();
    assert_eq!(page.title, "Kerja bakti diundur sepekan");
    assert!(!page.html.contains("<script") && !page.html.contains("<img") && !page.html.contains("javascript:"));
    assert!(page.html.contains("&lt;script&gt;"), "{}", page.html);
    let other = app.seed("36.04.05.2002", 5, 6, None).await.village;
    let o2 = official(&app, &other, "sekdes.tetangga").await;
    let theirs =
        service::save_article(&app.db, &other, &o2, None, &input("Kerja Bakti!", true, ""), now).await.unwrap();
    assert!(service::article_page(&app.db, &other, "kerja-bakti", now).await.is_ok(), "{theirs}");

    // What the official must fix comes back by field; nothing is saved.
    let problems = service::save_article(&app.db, &v, &o, None, &input("", true, "besok pagi"), now).await.refused();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["title", "publish_at"]);
    assert_eq!(service::all_articles(&app.db, &v, now).await.unwrap().len(), 3);
}

async fn search_engines_find_the_public_pages_and_articles_only(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 7, None).await.village;
    let o = official(&app, &v, "sekdes.peta-situs").await;
    let now = Utc::now();
    service::save_article(&app.db, &v, &o, None, &input("Panen raya padi", true, ""), now).await.unwrap();
    service::save_article(&app.db, &v, &o, None, &input("Catatan rapat internal", false, ""), now).await.unwrap();
    service::save_article(&app.db, &v, &o, None, &input("Lomba tujuh belasan", true, "2099-08-17T08:00"), now)
        .await
        .unwrap();

    digdaya::market::service::seed_demo_market(&app.db, &v).await.unwrap();
    let (status, map) = app.get(&format!("/{}/sitemap.xml", v.slug)).await;
    assert_eq!(status, 200, "{map}");
    assert!(map.starts_with("<?xml") && map.contains("<urlset"), "{map}");
    for page in [
        "/kramatwatu</loc>",
        "/kramatwatu/profil</loc>",
        "/kramatwatu/pasar</loc>",
        "/kramatwatu/berita/panen-raya-padi</loc>",
        "/kramatwatu/apbdes</loc>",
        "/kramatwatu/pasar/toko/",
        "/kramatwatu/pasar/produk/",
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
    use digdaya::access::session::{self, Client};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 8, None).await.village;
    let o = official(&app, &v, "sekdes.sampul").await;
    let row = digdaya::db::entities::official::Entity::find_by_id(o.id).one(&app.db).await.unwrap().unwrap();
    let cookie = format!(
        "digdaya_session={}",
        session::start_official(&app.db, &row, &Client::default(), Utc::now()).await.unwrap()
    );
    let now = Utc::now();
    let id = service::save_article(&app.db, &v, &o, None, &input("Jembatan baru", false, ""), now).await.unwrap();
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
    service::save_article(&app.db, &v, &o, Some(id), &published, Utc::now()).await.unwrap();
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), res.headers()["cache-control"].to_str().unwrap()),
        (200, "public, max-age=3600")
    );
    assert!(res.bytes().await.unwrap().len() <= digdaya::media::MARKET_THUMB_BYTES);
    let (list, _) = service::published(&app.db, &v, &Default::default(), Utc::now()).await.unwrap();
    assert_eq!(list[0].cover.as_deref(), Some(&*format!("{path}?kecil=1")));
    let page = service::article_page(&app.db, &v, "jembatan-baru", Utc::now()).await.unwrap();
    assert_eq!(page.cover.as_deref(), Some(path.as_str()));
}

async fn the_home_page_gathers_the_village_and_shows_only_what_is_current(backend: Backend) {
    use digdaya::kit::time::long_date;
    use digdaya::portal::content::{AnnouncementInput, EventInput};
    use digdaya::portal::content_service as content;
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 60, 9, None).await.village;
    let other = app.seed("36.04.05.2002", 10, 10, None).await.village;
    let o = official(&app, &v, "sekdes.beranda").await;
    // Dates around today (the pages below are read at the real time).
    let now = Utc::now();
    let today = content::today(now);
    let day = |days: i64| (today + Duration::days(days)).format("%Y-%m-%d").to_string();
    let notice = |title: &str, ends: &str| AnnouncementInput {
        title: title.into(),
        body: "Harap diperhatikan.".into(),
        ends_on: ends.into(),
    };
    content::save_announcement(&app.db, &v, &o, None, &notice("Pemadaman listrik hari ini", &day(0)), now)
        .await
        .unwrap();
    content::save_announcement(&app.db, &v, &o, None, &notice("Vaksinasi hewan ternak", &day(19)), now).await.unwrap();
    let event = |title: &str, day: &str| EventInput {
        title: title.into(),
        day: day.into(),
        time: "08:00".into(),
        place: "Balai desa".into(),
        note: String::new(),
    };
    content::save_event(&app.db, &v, &o, None, &event("Posyandu balita Desember", &day(4)), now).await.unwrap();
    content::save_event(&app.db, &v, &o, None, &event("Musyawarah desa November", &day(-11)), now).await.unwrap();
    service::save_article(&app.db, &v, &o, None, &input("Panen raya padi", true, ""), now - Duration::minutes(1))
        .await
        .unwrap();

    let home = content::home(&app.db, &v, now).await.unwrap();
    let titles: Vec<&str> = home.announcements.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["Pemadaman listrik hari ini", "Vaksinasi hewan ternak"], "ending soonest first");
    assert_eq!(home.announcements[0].until, format!("Berlaku sampai {}", long_date(today)));
    assert_eq!(home.events.iter().map(|e| e.title.as_str()).collect::<Vec<_>>(), ["Posyandu balita Desember"]);
    assert!(home.events[0].when.ends_with(&format!(", {}", long_date(today + Duration::days(4)))));
    assert_eq!(home.events[0].time, "08.00");
    assert_eq!(home.news[0].title, "Panen raya padi");
    assert_eq!(home.glance.residents.to_string(), "60");
    let ha = home.glance.area_ha.expect("the demo village has its real boundary");
    assert!((50.0..5_000.0).contains(&ha), "{ha} ha");
    assert!(home.glance.dusun > 0 && home.outline.as_ref().is_some_and(|o| !o.boundary.is_empty()));

    // The next day, today's announcement has ended; the officials still see it, marked.
    let tomorrow = now + Duration::days(1);
    let later = content::home(&app.db, &v, tomorrow).await.unwrap();
    assert_eq!(later.announcements.len(), 1);
    let all = content::all_announcements(&app.db, &v, content::today(tomorrow)).await.unwrap();
    assert_eq!(all.iter().filter(|a| !a.current).count(), 1);
    // An announcement cannot end in the past; an event needs a place.
    let problems =
        content::save_announcement(&app.db, &v, &o, None, &notice("Sudah lewat sekali", &day(-1)), now).await.refused();
    assert_eq!(problems[0].field, "ends_on");
    let problems = content::save_event(
        &app.db,
        &v,
        &o,
        None,
        &EventInput { place: String::new(), ..event("Rapat RT", &day(3)) },
        now,
    )
    .await
    .refused();
    assert_eq!(problems[0].field, "place");

    // Another village sees none of it, and cannot delete it.
    let theirs = content::home(&app.db, &other, now).await.unwrap();
    assert!(theirs.announcements.is_empty() && theirs.events.is_empty() && theirs.news.is_empty());
    let theirs_official = official(&app, &other, "sekdes.tetangga").await;
    let id = home.announcements[0].id;
    assert!(matches!(
        content::delete_announcement(&app.db, &other, &theirs_official, id).await,
        Err(AppError::NotFound)
    ));

    // The page itself, as a visitor gets it (today's real date: the items far ahead are shown).
    content::save_announcement(
        &app.db,
        &v,
        &o,
        None,
        &notice("Pendaftaran PKH dibuka", &(Utc::now() + Duration::days(30)).format("%Y-%m-%d").to_string()),
        Utc::now(),
    )
    .await
    .unwrap();
    let (status, page) = app.get("/kramatwatu").await;
    assert_eq!(status, 200);
    for text in [
        "Pendaftaran PKH dibuka",
        "Panen raya padi",
        "Sekilas desa",
        "Luas wilayah",
        "aria-label=\"Peta wilayah desa\"",
        "<link href=\"http://",
        "rel=\"canonical\"",
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(!page.contains("/pkg/digdaya.js"));
    // An announcement that ended yesterday is gone from the public list.
    use sea_orm::{ActiveModelTrait, Set};
    digdaya::db::entities::announcement::ActiveModel {
        village_id: Set(v.id),
        title: Set("Kerja bakti yang sudah lewat".into()),
        body: Set("Selesai.".into()),
        ends_on: Set(content::today(Utc::now()) - Duration::days(1)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let (_, notices) = app.get("/kramatwatu/pengumuman").await;
    assert!(notices.contains("Pendaftaran PKH dibuka") && !notices.contains("Kerja bakti yang sudah lewat"));
    let (_, agenda) = app.get("/kramatwatu/agenda").await;
    assert!(agenda.contains("Posyandu balita Desember"), "coming or just past, it is listed");
}

async fn the_profile_keeps_its_rules_and_its_people_in_order_within_the_village(backend: Backend) {
    use digdaya::portal::content::{PersonInput, Profile};
    use digdaya::portal::content_service as content;
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 10, 11, None).await.village;
    let other = app.seed("36.04.05.2002", 10, 12, None).await.village;
    let o = official(&app, &v, "sekdes.profil").await;

    let bad = Profile { email: "kantor desa".into(), phone: "123".into(), ..Profile::default() };
    let problems = content::save_profile(&app.db, &v, &o, &bad).await.refused();
    assert_eq!(problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["phone", "email"]);
    let good = Profile {
        history: "Desa ini berdiri pada 1901.\n\nNamanya dari keramat di tepi sungai.".into(),
        vision: "Kramatwatu yang maju, sejahtera dan berbudaya".into(),
        mission: "Pelayanan cepat\nJalan desa yang baik".into(),
        address: "Jl. Raya Serang  Km 10".into(),
        hours: "Senin–Kamis 08.00–15.00\nJumat 08.00–11.00".into(),
        phone: "0254 123456".into(),
        email: "pemdes@kramatwatu.desa.id".into(),
        hero_key: Some("tidak/boleh/dipakai.jpg".into()),
    };
    content::save_profile(&app.db, &v, &o, &good).await.unwrap();
    let v = digdaya::village::service::find_by_slug(&app.db, "kramatwatu").await.unwrap().unwrap();
    let page = content::profile_page(&app.db, &v).await.unwrap();
    assert_eq!(page.profile.address, "Jl. Raya Serang Km 10");
    assert_eq!(page.profile.hero_key, None, "a storage key never leaves the server");
    assert!(!v.settings.contains("tidak/boleh"), "the form cannot set the photo's key");

    let person = |name: &str, title: &str| PersonInput { name: name.into(), title: title.into() };
    let kades = content::save_person(&app.db, &v, &o, None, &person("H. Ahmad Fauzi", "Kepala Desa")).await.unwrap();
    let sekdes = content::save_person(&app.db, &v, &o, None, &person("Siti Aminah", "Sekretaris Desa")).await.unwrap();
    let kaur = content::save_person(&app.db, &v, &o, None, &person("Budi Santoso", "Kaur Keuangan")).await.unwrap();
    content::move_person(&app.db, &v, &o, kaur, true).await.unwrap();
    content::move_person(&app.db, &v, &o, kades, true).await.unwrap(); // already first: stays
    let order: Vec<i64> = content::people(&app.db, &v).await.unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(order, [kades, kaur, sekdes]);
    let problems = content::save_person(&app.db, &v, &o, Some(sekdes), &person("", "Sekdes")).await.refused();
    assert_eq!(problems[0].field, "name");

    // Another village's official reaches none of these people.
    let theirs = official(&app, &other, "sekdes.profil-lain").await;
    assert!(matches!(content::move_person(&app.db, &other, &theirs, kaur, true).await, Err(AppError::NotFound)));
    assert!(matches!(
        content::save_person(&app.db, &other, &theirs, Some(kaur), &person("Orang Lain", "Kaur")).await,
        Err(AppError::NotFound)
    ));
    assert!(content::people(&app.db, &other).await.unwrap().is_empty());

    let (_, html) = app.get("/kramatwatu/profil").await;
    for text in [
        "Namanya dari keramat di tepi sungai.",
        "<li>Jalan desa yang baik</li>",
        "H. Ahmad Fauzi",
        "href=\"tel:0254123456\"",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let changes = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("portal_changed"))
        .filter(audit_entry::Column::VillageId.eq(v.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(changes, 5, "the profile, three people, one move (the move that moved nothing is not logged)");
}

async fn the_budget_adds_up_by_year_and_bad_amounts_save_nothing(backend: Backend) {
    use digdaya::portal::budget::{BudgetInput, LineInput};
    use digdaya::portal::content_service as content;
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 10, 13, None).await.village;
    let other = app.seed("36.04.05.2002", 10, 14, None).await.village;
    let o = official(&app, &v, "sekdes.apbdes").await;
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap();
    let budget = |year: i32, lines: &[(&str, &str, &str)]| BudgetInput {
        year,
        lines: lines
            .iter()
            .map(|(c, p, r)| LineInput { code: (*c).into(), planned: (*p).into(), realised: (*r).into() })
            .collect(),
    };
    assert!(content::budget_page(&app.db, &v, None).await.unwrap().budget.is_none(), "nothing entered yet");

    let y2025 = budget(
        2025,
        &[
            ("pendapatan.dana_desa", "900.000.000", "900.000.000"),
            ("belanja.pembangunan", "850.000.000", "800.000.000"),
        ],
    );
    let y2026 = budget(
        2026,
        &[
            ("pendapatan.dana_desa", "1.000.000.000", "750.000.000"),
            ("pendapatan.add", "400.000.000", "300.000.000"),
            ("belanja.pemerintahan", "500.000.000", "400.000.000"),
            ("belanja.pembangunan", "950.000.000", "600.000.000"),
            ("penerimaan.silpa", "100.000.000", "100.000.000"),
            ("pengeluaran.penyertaan_modal", "25.000.000", "0"),
        ],
    );
    content::save_budget(&app.db, &v, &o, &y2025, now).await.unwrap();
    content::save_budget(&app.db, &v, &o, &y2026, now).await.unwrap();

    let page = content::budget_page(&app.db, &v, None).await.unwrap();
    assert_eq!(page.years, [2026, 2025], "the latest year first");
    let b = page.budget.unwrap();
    assert_eq!((b.year, b.planned.pendapatan, b.planned.belanja), (2026, 1_400_000_000, 1_450_000_000));
    assert_eq!(
        (b.planned.surplus(), b.planned.financing(), b.planned.remainder()),
        (-50_000_000, 75_000_000, 25_000_000)
    );
    assert_eq!(
        (b.realised.pendapatan, b.realised.belanja, b.realised.remainder()),
        (1_050_000_000, 1_000_000_000, 150_000_000)
    );
    assert_eq!(
        page.history.iter().map(|(y, p, _)| (*y, p.belanja)).collect::<Vec<_>>(),
        [(2026, 1_450_000_000), (2025, 850_000_000)]
    );

    // Saving a year again replaces it; a bad amount saves nothing and names the line.
    let bad = budget(2026, &[("pendapatan.dana_desa", "1,5 miliar", ""), ("belanja.pembangunan", "-3", "")]);
    let problems = content::save_budget(&app.db, &v, &o, &bad, now).await.refused();
    assert_eq!(
        problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(),
        ["pendapatan.dana_desa.rencana", "belanja.pembangunan.rencana"]
    );
    assert_eq!(content::budget_of(&app.db, &v, 2026).await.unwrap().planned.pendapatan, 1_400_000_000);
    let too_late = content::save_budget(&app.db, &v, &o, &budget(2028, &[]), now).await.refused();
    assert_eq!(too_late[0].field, "year");
    content::save_budget(&app.db, &v, &o, &budget(2025, &[("pendapatan.dana_desa", "950.000.000", "")]), now)
        .await
        .unwrap();
    let b2025 = content::budget_page(&app.db, &v, Some(2025)).await.unwrap().budget.unwrap();
    assert_eq!((b2025.planned.pendapatan, b2025.planned.belanja), (950_000_000, 0), "replaced, not added to");
    assert!(matches!(content::budget_page(&app.db, &v, Some(2019)).await, Err(AppError::NotFound)));
    assert!(
        content::budget_page(&app.db, &other, None).await.unwrap().years.is_empty(),
        "another village's budget is its own"
    );

    let (status, html) = app.get("/kramatwatu/apbdes?tahun=2026").await;
    assert_eq!(status, 200);
    for text in [
        "APBDes tahun 2026",
        "Rp 1.400.000.000",
        "Rp 1.450.000.000",
        "Rp −50.000.000",
        "id=\"budget-years\"",
        "<svg class=\"chart\"",
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert_eq!(app.get("/kramatwatu/apbdes?tahun=2019").await.0, 404);
}

async fn home_and_people_photos_go_up_as_forms_and_are_public(backend: Backend) {
    use digdaya::access::session::{self, Client};
    use digdaya::portal::content::PersonInput;
    use digdaya::portal::content_service as content;
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 10, 15, None).await.village;
    let o = official(&app, &v, "sekdes.foto").await;
    let row = digdaya::db::entities::official::Entity::find_by_id(o.id).one(&app.db).await.unwrap().unwrap();
    let cookie = format!(
        "digdaya_session={}",
        session::start_official(&app.db, &row, &Client::default(), Utc::now()).await.unwrap()
    );
    let (status, back) = upload(&app, "/api/portal/kramatwatu/beranda", &cookie, png(2400, 1200)).await;
    assert!(status == 303 && back.ends_with("/kramatwatu/admin/profil#foto-beranda"), "{status} {back}");
    let (status, back) =
        upload(&app, "/api/portal/kramatwatu/beranda", &cookie, b"<svg onload=alert(1)>".to_vec()).await;
    assert!(status == 303 && back.contains("galat="), "{status} {back}");
    assert_eq!(upload(&app, "/api/portal/kramatwatu/beranda", "", png(10, 10)).await.0, 401);

    let v = digdaya::village::service::find_by_slug(&app.db, "kramatwatu").await.unwrap().unwrap();
    let home = content::home(&app.db, &v, Utc::now()).await.unwrap();
    let hero = home.hero.expect("the home page shows the photo");
    let res = app.client.get(format!("{}{hero}", app.base)).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["content-type"].to_str().unwrap()), (200, "image/jpeg"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.len() <= 50 * 1024, "{} bytes", bytes.len());
    let (_, page) = app.get("/kramatwatu").await;
    assert!(
        page.contains(&format!("property=\"og:image\" content=\"http://")) && page.contains("fetchpriority=\"high\"")
    );

    let id = content::save_person(
        &app.db,
        &v,
        &o,
        None,
        &PersonInput { name: "Siti Aminah".into(), title: "Sekretaris Desa".into() },
    )
    .await
    .unwrap();
    let path = format!("/api/portal/kramatwatu/perangkat/{id}");
    let (status, back) = upload(&app, &path, &cookie, png(600, 800)).await;
    assert!(status == 303 && back.ends_with(&format!("#orang-{id}")), "{status} {back}");
    let photo = content::people(&app.db, &v).await.unwrap()[0].photo.clone().unwrap();
    let res = app.client.get(format!("{}{photo}", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.bytes().await.unwrap().len() <= digdaya::media::MARKET_THUMB_BYTES);
    assert_eq!(app.get("/api/portal/kramatwatu/perangkat/999999").await.0, 404);

    // The gallery: an album, a photo with its caption through the market's pipeline, public.
    let album = content::save_album(&app.db, &v, &o, None, "Peringatan HUT RI", Utc::now()).await.unwrap();
    assert_eq!(content::save_album(&app.db, &v, &o, None, "  ", Utc::now()).await.refused()[0].field, "title");
    let form = reqwest::multipart::Form::new()
        .text("keterangan", "Lomba  balap karung")
        .part("foto", reqwest::multipart::Part::bytes(png(1600, 1200)).file_name("lomba.png"));
    let res = app
        .client
        .post(format!("{}/api/portal/kramatwatu/galeri/{album}", app.base))
        .header("origin", &app.base)
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert!(res.headers()["location"].to_str().unwrap().ends_with(&format!("/kramatwatu/admin/galeri#album-{album}")));
    let (status, back) =
        upload(&app, &format!("/api/portal/kramatwatu/galeri/{album}"), &cookie, b"MZ\x90\x00".to_vec()).await;
    assert!(status == 303 && back.contains("galat="), "{status} {back}");
    let page = content::album(&app.db, &v, album).await.unwrap();
    assert_eq!(page.photos.len(), 1);
    assert_eq!(page.photos[0].caption, "Lomba balap karung");
    let res = app.client.get(format!("{}{}", app.base, page.photos[0].thumb)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let (_, html) = app.get(&format!("/kramatwatu/galeri/{album}")).await;
    assert!(html.contains("alt=\"Lomba balap karung\"") && !html.contains("/pkg/digdaya.js"));
    let (_, map) = app.get("/kramatwatu/sitemap.xml").await;
    assert!(map.contains(&format!("/kramatwatu/galeri/{album}</loc>")), "{map}");
    let (_, list) = app.get("/kramatwatu/galeri").await;
    assert!(list.contains("Peringatan HUT RI") && list.contains("1 foto"));
    // Another village cannot reach the album; deleting it takes its photos along.
    let other = app.seed("36.04.05.2002", 10, 16, None).await.village;
    assert!(matches!(content::album(&app.db, &other, album).await, Err(AppError::NotFound)));
    content::delete_album(&app.db, &app.files, &v, &o, album).await.unwrap();
    assert_eq!(
        app.client.get(format!("{}{}", app.base, page.photos[0].url)).send().await.unwrap().status().as_u16(),
        404
    );
}

async fn the_demo_village_has_a_full_portal(backend: Backend) {
    use digdaya::portal::content_service as content;
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 17, None).await.village;
    let o = official(&app, &v, "kades.demo").await;
    digdaya::portal::demo::seed_demo_portal(&app.db, &app.files, &v, &o).await.unwrap();
    let v = digdaya::village::service::find_by_slug(&app.db, "kramatwatu").await.unwrap().unwrap();
    let home = content::home(&app.db, &v, Utc::now()).await.unwrap();
    assert!(home.hero.is_some() && home.profile.phone == "0254 232011");
    assert_eq!(home.news.len(), 3);
    assert!(home.news.iter().all(|a| a.cover.is_some()));
    assert_eq!((home.announcements.len(), home.events.len()), (2, 3));
    assert_eq!(content::people(&app.db, &v).await.unwrap().len(), 7);
    let budget = content::budget_page(&app.db, &v, None).await.unwrap();
    assert_eq!(budget.years.len(), 2);
    let b = budget.budget.unwrap();
    assert!(b.planned.pendapatan > b.realised.pendapatan && b.planned.remainder() != 0);
    let albums = content::albums(&app.db, &v).await.unwrap();
    assert_eq!((albums.len(), albums[0].photos), (1, 3));
}
