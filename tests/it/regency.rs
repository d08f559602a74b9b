//! The regency view: a regional officer signs in at the deployment, sees figures of the villages
//! in their region only, and never a person's record.

use crate::common;

use chrono::{Duration, Utc};
use common::{Backend, TestApp, get_with, pair, post_as, session_cookie};
use digdaya::auth::service::create_region_official;
use digdaya::db::entities::{complaint, letter_request, letter_type, product, resident, shop};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

db_tests!(a_regional_officer_sees_figures_of_the_region_only);

const PASSWORD: &str = "kopi-tubruk-di-sawah";

async fn a_regional_officer_sees_figures_of_the_region_only(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 60, 1, None).await.village;
    let b = app.seed("36.04.05.2002", 30, 2, None).await.village;
    let elsewhere = app.seed("36.01.01.2001", 25, 3, None).await.village;
    create_region_official(&app.db, "36.04", "pemantau.serang", "Dinas PMD Kab. Serang", PASSWORD).await.unwrap();
    create_region_official(&app.db, "36.04.05", "camat.kramatwatu", "Camat Kramatwatu", PASSWORD).await.unwrap();
    for bad in ["36.04.05.2001", "99", "36.99"] {
        assert!(create_region_official(&app.db, bad, "salah", "Salah", PASSWORD).await.is_err(), "{bad}");
    }

    // Two letters signed in A this month, one in the other kabupaten; a complaint of A closed
    // after two days and one still open; a shop of B with a product.
    digdaya::letters::service::ensure_types(&app.db, a.id).await.unwrap();
    digdaya::letters::service::ensure_types(&app.db, elsewhere.id).await.unwrap();
    let now = Utc::now();
    for (v, n) in [(&a, 2), (&elsewhere, 1)] {
        let kind = letter_type::Entity::find()
            .filter(letter_type::Column::VillageId.eq(v.id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let person =
            resident::Entity::find().filter(resident::Column::VillageId.eq(v.id)).one(&app.db).await.unwrap().unwrap();
        for i in 0..n {
            letter_request::ActiveModel {
                village_id: Set(v.id),
                type_id: Set(kind.id),
                resident_id: Set(person.id),
                status: Set(digdaya::kit::letter::Status::Siap),
                field_values: Set("{}".into()),
                online: Set(true),
                seq: Set(Some(i + 1)),
                year: Set(Some(2026)),
                signed_at: Set(Some(now - Duration::minutes(5))),
                created_at: Set(now - Duration::days(1)),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
    }
    for (token, closed) in
        [("uji-wilayah-selesai-000000000001", Some(now - Duration::days(1))), ("uji-wilayah-terbuka-00000000001", None)]
    {
        complaint::ActiveModel {
            village_id: Set(a.id),
            category: Set("Jalan rusak".into()),
            body: Set("Jalan berlubang di dekat sekolah.".into()),
            place: Set("Desa Kramatwatu".into()),
            status: Set(if closed.is_some() {
                digdaya::kit::complaint::Status::Selesai
            } else {
                digdaya::kit::complaint::Status::Baru
            }),
            reporter_name: Set("Pelapor Rahasia".into()),
            access_token: Set(token.into()),
            created_at: Set(now - Duration::days(3)),
            updated_at: Set(now),
            closed_at: Set(closed),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let seller =
        resident::Entity::find().filter(resident::Column::VillageId.eq(b.id)).one(&app.db).await.unwrap().unwrap();
    let s = shop::ActiveModel {
        village_id: Set(b.id),
        resident_id: Set(seller.id),
        name: Set("Warung Wilayah".into()),
        description: Set(String::new()),
        category: Set("makanan".into()),
        whatsapp: Set("6281234567890".into()),
        address: Set("Kp. Uji".into()),
        hours: Set(String::new()),
        status: Set(digdaya::kit::shop::ShopStatus::Aktif),
        moderation_note: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    for hidden in [false, true] {
        product::ActiveModel {
            village_id: Set(b.id),
            shop_id: Set(s.id),
            name: Set("Emping".into()),
            description: Set(String::new()),
            category: Set("makanan".into()),
            price: Set(15_000),
            unit: Set("bungkus".into()),
            availability: Set(digdaya::kit::shop::Availability::Tersedia),
            hidden: Set(hidden),
            hidden_reason: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }

    // Signing in at the deployment leads to /wilayah.
    let res = post_as(
        &app,
        "auth/sign-in",
        "",
        "text/html",
        &[("slug", ""), ("username", "pemantau.serang"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (302, "/wilayah"));
    let cookie = pair(&session_cookie(&res).unwrap());
    let anonymous = get_with(&app, "/wilayah", "").await;
    assert_eq!(anonymous.headers().get("location").map(|l| l.to_str().unwrap()), Some("/kelola/masuk"));

    let overview: serde_json::Value =
        serde_json::from_str(&post_as(&app, "regency/overview", &cookie, "*/*", &[]).await.text().await.unwrap())
            .unwrap();
    assert_eq!(overview["region_title"], "Kabupaten Serang");
    let villages = overview["villages"].as_array().unwrap();
    let slugs: Vec<&str> = villages.iter().map(|v| v["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, [a.slug.as_str(), b.slug.as_str()], "only the region's villages, by code");
    let living = |id: i64| {
        let db = app.db.clone();
        async move {
            resident::Entity::find()
                .filter(resident::Column::VillageId.eq(id))
                .filter(resident::Column::Status.eq("hidup"))
                .all(&db)
                .await
                .unwrap()
        }
    };
    let (in_a, in_b) = (living(a.id).await, living(b.id).await);
    assert_eq!(villages[0]["residents"].as_u64(), Some(in_a.len() as u64));
    let t = &overview["totals"];
    assert_eq!(t["residents"].as_u64(), Some((in_a.len() + in_b.len()) as u64));
    assert_eq!(t["male"].as_u64().unwrap() + t["female"].as_u64().unwrap(), t["residents"].as_u64().unwrap());
    assert!(t["families"].as_u64().unwrap() > 0);
    assert_eq!(
        (villages[0]["letters"].as_u64(), t["letters"].as_u64()),
        (Some(2), Some(2)),
        "the other kabupaten's letter is not counted"
    );
    let months = overview["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[11][1].as_u64(), Some(2), "this month's letters: {months:?}");
    assert_eq!(
        (villages[0]["complaints_closed"].as_u64(), villages[0]["complaints_open"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(villages[0]["median_days"].as_f64(), Some(2.0));
    assert_eq!(
        (villages[1]["shops"].as_u64(), villages[1]["products"].as_u64()),
        (Some(1), Some(1)),
        "hidden products are not counted"
    );

    // Figures only: no resident's NIK or name, no reporter.
    let text = overview.to_string();
    for r in in_a.iter().chain(&in_b) {
        assert!(!text.contains(&r.nik) && !text.contains(&format!("\"{}\"", r.name)), "{} is in the overview", r.name);
    }
    assert!(!text.contains("Pelapor Rahasia"));

    // The page itself, complete from the server.
    let page = common::strip_markers(&get_with(&app, "/wilayah", &cookie).await.text().await.unwrap());
    assert!(
        page.contains("Ringkasan Kabupaten Serang") && page.contains(&a.name) && page.contains("2,0 hari"),
        "{page}"
    );

    // The camat sees the kecamatan; a village's pages and data stay closed to both.
    let res = post_as(
        &app,
        "auth/sign-in",
        "",
        "text/html",
        &[("slug", ""), ("username", "camat.kramatwatu"), ("password", PASSWORD)],
    )
    .await;
    let camat = pair(&session_cookie(&res).unwrap());
    let overview: serde_json::Value =
        serde_json::from_str(&post_as(&app, "regency/overview", &camat, "*/*", &[]).await.text().await.unwrap())
            .unwrap();
    assert_eq!(overview["region_title"], "Kecamatan Kramatwatu");
    assert_eq!(overview["villages"].as_array().unwrap().len(), 2);
    for c in [&cookie, &camat] {
        let res = get_with(&app, &format!("/{}/admin/penduduk", a.slug), c).await;
        assert_ne!(res.status().as_u16(), 200, "the registry is not theirs");
        let res = post_as(&app, "population/options", c, "*/*", &[("slug", a.slug.as_str())]).await;
        assert_ne!(res.status().as_u16(), 200, "nor its server functions");
        let res = app
            .client
            .get(format!("{}/api/v1/villages/{}/residents", app.base, a.slug))
            .header("cookie", c.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 403);
    }
}
