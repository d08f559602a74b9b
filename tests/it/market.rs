//! The UMKM market on the database: shops wait for an official's approval, only approved shops'
//! products that are not hidden are public (catalogue, product, photos), a seller changes only
//! their own shop and products, photos are checked and kept within budget, and the catalogue
//! searches, filters, sorts and pages within a village or a region.

use crate::common;

use chrono::Utc;
use common::{Backend, Refusal, TestApp, png};
use digdaya::access::guard::Official;
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{audit_entry, product_photo, resident, village};
use digdaya::error::AppError;
use digdaya::market::model::{CatalogueQuery, Moderation, ProductInput, ShopInput, ShopStatus, Sort};
use digdaya::market::service::{self, Region, Seller};
use digdaya::media::Storage;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

db_tests!(
    photos_go_up_as_forms_and_come_down_only_while_public,
    shops_are_moderated_and_only_approved_products_are_public,
    a_seller_changes_only_their_own_shop_and_products,
    the_catalogue_searches_filters_sorts_and_pages,
);

async fn official(app: &TestApp, v: &village::Model, username: &str) -> Official {
    let o = create_official(
        &app.db,
        Some(v),
        username,
        &format!("Pejabat {username}"),
        Role::Operator,
        "kopi-tubruk-di-sawah",
    )
    .await
    .unwrap();
    Official { id: o.id, village_id: o.village_id, name: o.name, role: Role::Operator, session_id: String::new() }
}

/// Living residents of the village, as sellers.
async fn sellers(app: &TestApp, v: &village::Model, n: u64) -> Vec<(Seller, resident::Model)> {
    resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Status.eq("hidup"))
        .order_by_asc(resident::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .take(usize::try_from(n).unwrap())
        .map(|r| (Seller::Resident { id: r.id, name: r.name.clone() }, r))
        .collect()
}

fn shop_input(name: &str) -> ShopInput {
    ShopInput {
        name: name.into(),
        description: "Usaha rumahan sejak 2015.".into(),
        category: "makanan".into(),
        whatsapp: "0812-3456-7890".into(),
        address: "Kp. Kramat RT 002/001".into(),
        lat: None,
        lng: None,
        hours: "Setiap hari 07.00–17.00".into(),
    }
}

fn product_input(name: &str, price: &str) -> ProductInput {
    ProductInput {
        name: name.into(),
        description: "Dibuat setiap pagi.".into(),
        category: "makanan".into(),
        price: price.into(),
        discount_price: String::new(),
        unit: "bungkus".into(),
        availability: "tersedia".into(),
    }
}

fn names(c: &digdaya::market::model::Catalogue) -> Vec<String> {
    c.items.iter().map(|p| p.name.clone()).collect()
}

fn query(q: &str) -> CatalogueQuery {
    CatalogueQuery { q: q.into(), ..CatalogueQuery::default() }
}

async fn shops_are_moderated_and_only_approved_products_are_public(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 11, None).await.village;
    let o = official(&app, &v, "operator.pasar").await;
    let files = Storage::new(tempfile_dir());
    let (siti, _) = sellers(&app, &v, 1).await.remove(0);

    let shop = service::open_shop(&app.db, &v, &siti, &shop_input("Warung Bu Siti"), None).await.unwrap();
    let keripik = service::save_product(&app.db, &v, &siti, shop, None, &product_input("Keripik singkong", "15.000"))
        .await
        .unwrap();
    let photo = service::add_photo(&app.db, &files, &v, &siti, keripik, &png(900, 600)).await.unwrap();
    let here = Region::Village(v.id);
    let public = |q: CatalogueQuery| {
        let (db, here) = (&app.db, &here);
        async move { service::catalogue(db, here, &q).await.unwrap() }
    };

    // Waiting for approval: nowhere public.
    assert!(public(query("")).await.items.is_empty());
    assert!(matches!(service::visible_product(&app.db, v.id, keripik).await, Err(AppError::NotFound)));
    assert!(matches!(service::photo(&app.db, &files, &v, None, photo, true).await, Err(AppError::NotFound)));
    // Its seller and the officials see the photo (not for caching by others); another resident does not.
    let (bytes, open) = service::photo(&app.db, &files, &v, Some(&siti), photo, true).await.unwrap();
    assert!(!bytes.is_empty() && !open);
    assert!(service::photo(&app.db, &files, &v, Some(&Seller::Official(o.clone())), photo, false).await.is_ok());
    let (neighbour, _) = sellers(&app, &v, 2).await.remove(1);
    let seen = service::photo(&app.db, &files, &v, Some(&neighbour), photo, true).await;
    assert!(matches!(seen, Err(AppError::NotFound)));

    // Refusing needs a reason; the seller's change asks again.
    let refuse = service::moderate(&app.db, &v, &o, shop, Moderation::Refuse, "singkat").await;
    assert!(matches!(refuse, Err(AppError::Invalid(_))));
    let to = service::moderate(&app.db, &v, &o, shop, Moderation::Refuse, "Foto produk belum ada harganya.").await;
    assert_eq!(to.unwrap(), ShopStatus::Ditolak);
    service::update_shop(&app.db, &v, &siti, shop, &shop_input("Warung Bu Siti")).await.unwrap();
    assert!(matches!(
        service::moderate(&app.db, &v, &o, shop, Moderation::Hide, "Tidak berlaku di sini.").await,
        Err(AppError::Invalid(_))
    ));
    assert_eq!(service::moderate(&app.db, &v, &o, shop, Moderation::Approve, "").await.unwrap(), ShopStatus::Aktif);

    // Approved: in the catalogue, on its page, its photo served.
    let all = public(query("")).await;
    assert_eq!(names(&all), ["Keripik singkong"]);
    assert_eq!(all.items[0].price, "Rp 15.000");
    assert!(all.items[0].thumb.as_deref().unwrap().ends_with(&format!("/foto/{photo}?kecil=1")));
    assert!(service::visible_product(&app.db, v.id, keripik).await.is_ok());
    let (bytes, open) = service::photo(&app.db, &files, &v, None, photo, true).await.unwrap();
    assert!(!bytes.is_empty() && open);

    // An official hides the product: gone from list, search, page and photo; shown again after.
    assert!(matches!(service::hide_product(&app.db, &v, &o, keripik, Some("x")).await, Err(AppError::Invalid(_))));
    service::hide_product(&app.db, &v, &o, keripik, Some("Produk ini dilarang dijual.")).await.unwrap();
    assert!(public(query("")).await.items.is_empty());
    assert!(public(query("keripik")).await.items.is_empty());
    assert!(matches!(service::visible_product(&app.db, v.id, keripik).await, Err(AppError::NotFound)));
    assert!(matches!(service::photo(&app.db, &files, &v, None, photo, false).await, Err(AppError::NotFound)));
    service::hide_product(&app.db, &v, &o, keripik, None).await.unwrap();
    assert_eq!(names(&public(query("keripik")).await), ["Keripik singkong"]);

    // On the village map once it has a place (name, category and its page; no owner, no number).
    let (lat, lng) = (v.center_lat.unwrap_or(-6.05), v.center_lng.unwrap_or(106.1));
    let placed = ShopInput { lat: Some(lat), lng: Some(lng), ..shop_input("Warung Bu Siti") };
    service::update_shop(&app.db, &v, &siti, shop, &placed).await.unwrap();
    let layer = |v: village::Model| {
        let db = &app.db;
        async move { service::sellers_layer(db, &v, None, |id| format!("/desa/pasar/toko/{id}")).await.unwrap() }
    };
    let on_map = layer(v.clone()).await;
    assert_eq!(on_map["features"].as_array().unwrap().len(), 1);
    let props = &on_map["features"][0]["properties"];
    assert_eq!(
        (props["name"].as_str(), props["href"].as_str()),
        (Some("Warung Bu Siti"), Some(&*format!("/desa/pasar/toko/{shop}")))
    );
    assert!(!on_map.to_string().contains("62812"), "no phone number on the map");
    assert_eq!(service::mapped_shops(&app.db, v.id).await.unwrap(), 1);
    // The catalogue's results on a map: the village drawn, a dot for the shop, linked.
    let drawn = service::results_map(&app.db, &v, &query("keripik"), |id| format!("/toko/{id}")).await.unwrap();
    assert_eq!(drawn.dots.len(), 1);
    assert_eq!((drawn.dots[0].href.as_str(), drawn.dots[0].products), (&*format!("/toko/{shop}"), 1));
    assert!(!drawn.boundary.is_empty() && drawn.width.max(drawn.height) >= 320, "{}×{}", drawn.width, drawn.height);
    let (x, y) = (drawn.dots[0].x, drawn.dots[0].y);
    assert!((0.0..=drawn.width as f32).contains(&x) && (0.0..=drawn.height as f32).contains(&y), "{x} {y}");
    assert!(service::results_map(&app.db, &v, &query("tidak ada"), |id| id.to_string()).await.unwrap().dots.is_empty());
    // A hidden product is no result on the map either.
    service::hide_product(&app.db, &v, &o, keripik, Some("Foto produk tidak sesuai.")).await.unwrap();
    assert!(service::results_map(&app.db, &v, &query(""), |id| id.to_string()).await.unwrap().dots.is_empty());
    service::hide_product(&app.db, &v, &o, keripik, None).await.unwrap();

    // Hiding the shop hides all of it, on the map too.
    service::moderate(&app.db, &v, &o, shop, Moderation::Hide, "Nomor WhatsApp tidak aktif.").await.unwrap();
    assert!(public(query("")).await.items.is_empty());
    assert!(layer(v.clone()).await["features"].as_array().unwrap().is_empty());
    assert!(service::results_map(&app.db, &v, &query(""), |id| id.to_string()).await.unwrap().dots.is_empty());
    assert_eq!(service::mapped_shops(&app.db, v.id).await.unwrap(), 0);
    assert!(matches!(service::visible_product(&app.db, v.id, keripik).await, Err(AppError::NotFound)));

    // Another village does not see it, even approved.
    service::moderate(&app.db, &v, &o, shop, Moderation::Approve, "").await.unwrap();
    let other = app.seed("36.04.05.2002", 5, 12, None).await.village;
    assert!(matches!(service::visible_product(&app.db, other.id, keripik).await, Err(AppError::NotFound)));
    assert!(service::catalogue(&app.db, &Region::Village(other.id), &query("")).await.unwrap().items.is_empty());

    // An official opens a shop for a resident by NIK: approved at once. An unknown NIK is refused.
    let (_, budi) = sellers(&app, &v, 2).await.remove(1);
    let by_official = Seller::Official(o.clone());
    let unknown = service::open_shop(&app.db, &v, &by_official, &shop_input("Toko Tani"), Some("3604051234567890"))
        .await
        .refused();
    assert_eq!(unknown[0].field, "nik");
    let tani = service::open_shop(&app.db, &v, &by_official, &shop_input("Toko Tani"), Some(&budi.nik)).await.unwrap();
    service::save_product(&app.db, &v, &by_official, tani, None, &product_input("Beras pandan wangi", "Rp 14.000"))
        .await
        .unwrap();
    assert!(names(&public(query("beras")).await).contains(&"Beras pandan wangi".to_string()));
    // The officials' list: a shop waiting for approval comes first; products counted per shop.
    let (cara, _) = sellers(&app, &v, 3).await.remove(2);
    let waiting = service::open_shop(&app.db, &v, &cara, &shop_input("Zaitun Cake"), None).await.unwrap();
    let (rows, links) = service::shop_rows(&app.db, &v, None, &Default::default()).await.unwrap();
    assert_eq!((rows[0].id, rows[0].status, links.pages), (waiting, ShopStatus::Menunggu, 1));
    let tani_row = rows.iter().find(|r| r.id == tani).unwrap();
    assert_eq!((tani_row.products, tani_row.owner.as_str()), (1, budi.name.as_str()));
    let moderated = audit_entry::Entity::find()
        .filter(audit_entry::Column::VillageId.eq(v.id))
        .filter(audit_entry::Column::Action.eq("market_changed"))
        .count(&app.db)
        .await
        .unwrap();
    assert!(moderated >= 8, "{moderated}");
}

fn not_found<T>(r: Result<T, AppError>) -> bool {
    matches!(r, Err(AppError::NotFound))
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("digdaya-market-{}", digdaya::media::random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn a_seller_changes_only_their_own_shop_and_products(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 13, None).await.village;
    let files = Storage::new(tempfile_dir());
    let mut people = sellers(&app, &v, 2).await;
    let (ani, _) = people.remove(0);
    let (budi, _) = people.remove(0);
    let shop = service::open_shop(&app.db, &v, &ani, &shop_input("Kue Ani"), None).await.unwrap();
    let bolu =
        service::save_product(&app.db, &v, &ani, shop, None, &product_input("Bolu pandan", "25000")).await.unwrap();

    // Budi cannot touch Ani's shop or products: to him they do not exist.
    assert!(not_found(service::update_shop(&app.db, &v, &budi, shop, &shop_input("Punya Budi")).await));
    assert!(not_found(
        service::save_product(&app.db, &v, &budi, shop, Some(bolu), &product_input("Bolu", "1000")).await
    ));
    assert!(not_found(
        service::save_product(&app.db, &v, &budi, shop, None, &product_input("Bolu palsu", "1000")).await
    ));
    assert!(not_found(service::delete_product(&app.db, &files, &v, &budi, bolu).await));
    assert!(not_found(service::add_photo(&app.db, &files, &v, &budi, bolu, &png(100, 100)).await));
    // A product id of his own shop does not reach into hers either.
    let own = service::open_shop(&app.db, &v, &budi, &shop_input("Bengkel Budi"), None).await.unwrap();
    assert!(not_found(
        service::save_product(&app.db, &v, &budi, own, Some(bolu), &product_input("Bolu", "1000")).await
    ));
    // An official of another village cannot moderate here.
    let other = app.seed("36.04.05.2002", 5, 14, None).await.village;
    let stranger = official(&app, &other, "operator.lain").await;
    assert!(not_found(service::moderate(&app.db, &v, &stranger, shop, Moderation::Approve, "").await));
    assert!(not_found(
        service::save_product(
            &app.db,
            &v,
            &Seller::Official(stranger),
            shop,
            Some(bolu),
            &product_input("Bolu", "1000")
        )
        .await
    ));

    // Ani changes her product: the price is read as she writes it; bad input says why.
    let saved =
        service::save_product(&app.db, &v, &ani, shop, Some(bolu), &product_input("Bolu pandan", "Rp 27.500,00")).await;
    assert_eq!(saved, Ok(bolu));
    let refused = service::save_product(&app.db, &v, &ani, shop, Some(bolu), &product_input("B", "dua puluh")).await;
    let fields: Vec<String> = refused.refused().into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["name", "price"]);

    // Photos: five at most, checked by content.
    for _ in 0..5 {
        service::add_photo(&app.db, &files, &v, &ani, bolu, &png(640, 480)).await.unwrap();
    }
    let sixth = service::add_photo(&app.db, &files, &v, &ani, bolu, &png(640, 480)).await;
    assert!(matches!(sixth, Err(AppError::Invalid(m)) if m.contains("5 foto")));
    let lying = service::add_photo(&app.db, &files, &v, &ani, bolu, b"<?php system($_GET['c']); ?>").await;
    assert!(matches!(lying, Err(AppError::Invalid(_))));

    // Deleting the product takes its photos with it.
    service::delete_product(&app.db, &files, &v, &ani, bolu).await.unwrap();
    assert_eq!(product_photo::Entity::find().count(&app.db).await.unwrap(), 0);
    let _ = Utc::now();
}

async fn the_catalogue_searches_filters_sorts_and_pages(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 15, None).await.village;
    let o = Seller::Official(official(&app, &v, "operator.katalog").await);
    let (_, owner) = sellers(&app, &v, 1).await.remove(0);
    let shop = service::open_shop(&app.db, &v, &o, &shop_input("Dapur Mak Ijah"), Some(&owner.nik)).await.unwrap();
    let mut craft = shop_input("Anyaman Bambu Sejahtera");
    craft.category = "kerajinan".into();
    let crafts = service::open_shop(&app.db, &v, &o, &craft, Some(&owner.nik)).await.unwrap();
    let add = |shop: i64, input: ProductInput| {
        let (db, v, o) = (&app.db, &v, &o);
        async move { service::save_product(db, v, o, shop, None, &input).await.unwrap() }
    };
    add(shop, product_input("Nasi uduk", "10.000")).await;
    add(shop, ProductInput { discount_price: "9.000".into(), ..product_input("Lontong sayur", "12.000") }).await;
    add(shop, ProductInput { availability: "habis".into(), ..product_input("Rendang", "45.000") }).await;
    add(
        crafts,
        ProductInput { category: "kerajinan".into(), unit: "pcs".into(), ..product_input("Tampah bambu", "35.000") },
    )
    .await;
    for i in 0..30 {
        add(shop, product_input(&format!("Kue basah {i:02}"), &format!("{}", 2_000 + i * 100))).await;
    }
    let here = Region::Village(v.id);
    let run = |q: CatalogueQuery| {
        let (db, here) = (&app.db, &here);
        async move { service::catalogue(db, here, &q).await.unwrap() }
    };

    // Words match the name, the description or the shop's name, in any case.
    assert_eq!(names(&run(query("NASI")).await), ["Nasi uduk"]);
    assert_eq!(names(&run(query("bambu")).await), ["Tampah bambu"]);
    assert_eq!(run(query("mak ijah")).await.total, 33);
    assert!(run(query("100%_")).await.items.is_empty());
    // Category, price range (the discounted price counts), available only, sorted cheapest.
    let q = CatalogueQuery { category: "kerajinan".into(), ..query("") };
    assert_eq!(names(&run(q).await), ["Tampah bambu"]);
    let q = CatalogueQuery { min: "9.000".into(), max: "Rp 40.000".into(), sort: Sort::Cheapest, ..query("") };
    assert_eq!(names(&run(q).await), ["Lontong sayur", "Nasi uduk", "Tampah bambu"]);
    let q = CatalogueQuery { q: "rendang".into(), available: true, ..query("") };
    assert!(run(q).await.items.is_empty());
    let cheapest = run(CatalogueQuery { sort: Sort::Cheapest, ..query("") }).await;
    assert_eq!(cheapest.items[0].name, "Kue basah 00");
    assert_eq!(cheapest.items[0].price, "Rp 2.000");
    // Pages of 24, by key: the second has the rest, and leads back to the first; in both sorts.
    for sort in [Sort::Newest, Sort::Cheapest] {
        let first = run(CatalogueQuery { sort, ..query("") }).await;
        assert_eq!((first.total, first.links.pages, first.items.len()), (34, 2, 24));
        let next = first.links.next.clone().unwrap();
        let last = run(CatalogueQuery { sort, at: next, ..query("") }).await;
        assert_eq!((last.links.page, last.items.len(), last.links.next.is_none()), (2, 10, true));
        let mut ids: Vec<i64> = first.items.iter().chain(&last.items).map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 34, "every product once");
        let back = run(CatalogueQuery { sort, at: last.links.prev.clone().unwrap(), ..query("") }).await;
        assert_eq!(
            back.items.iter().map(|p| p.id).collect::<Vec<_>>(),
            first.items.iter().map(|p| p.id).collect::<Vec<_>>()
        );
        assert!(back.links.prev.is_none());
    }
    // A price bound that is not a price is reported, and ignored.
    let q = CatalogueQuery { min: "murah".into(), ..query("") };
    let c = run(q).await;
    assert_eq!((c.problems.len(), c.total), (1, 34));
    assert!(c.problems[0].message.starts_with("Harga terendah: "), "{:?}", c.problems);

    // A region: the kecamatan's catalogue holds both villages' products.
    let other = app.seed("36.04.05.2002", 10, 16, None).await.village;
    let o2 = Seller::Official(official(&app, &other, "operator.tetangga").await);
    let (_, neighbour) = sellers(&app, &other, 1).await.remove(0);
    let s2 =
        service::open_shop(&app.db, &other, &o2, &shop_input("Warung Tetangga"), Some(&neighbour.nik)).await.unwrap();
    service::save_product(&app.db, &other, &o2, s2, None, &product_input("Nasi kuning", "8.000")).await.unwrap();
    let kecamatan = Region::Code("36.04.05".into());
    let both = service::catalogue(&app.db, &kecamatan, &query("nasi")).await.unwrap();
    let mut got: Vec<(String, String)> = both.items.iter().map(|p| (p.name.clone(), p.village_slug.clone())).collect();
    got.sort();
    assert_eq!(got, [("Nasi kuning".to_string(), other.slug.clone()), ("Nasi uduk".to_string(), v.slug.clone())]);
    assert_eq!(names(&run(query("nasi")).await), ["Nasi uduk"]);
    let elsewhere = service::catalogue(&app.db, &Region::Code("36.04.06".into()), &query("")).await.unwrap();
    assert_eq!(elsewhere.total, 0);
    // The regions a buyer can choose: the kabupaten and kecamatan of the deployment's villages.
    let choices = service::region_choices(&app.db).await.unwrap();
    let codes: Vec<&str> = choices.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(codes, ["36.04", "36.04.05"]);
    assert!(choices[1].1.starts_with("Kec. ") && choices[1].1.contains("Kramatwatu"), "{choices:?}");
    // The dusun filter lists the village's dusun by name.
    let dusun = service::dusun_options(&app.db, &v).await.unwrap();
    assert!(!dusun.is_empty() && dusun.windows(2).all(|w| w[0].1 <= w[1].1), "{dusun:?}");
}

async fn upload(app: &TestApp, path: &str, cookie: &str, bytes: Vec<u8>) -> (u16, String) {
    let form = reqwest::multipart::Form::new().part("foto", reqwest::multipart::Part::bytes(bytes).file_name("f.jpg"));
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

async fn photos_go_up_as_forms_and_come_down_only_while_public(backend: Backend) {
    use digdaya::access::session::{self, Client};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 17, None).await.village;
    let o = official(&app, &v, "operator.foto").await;
    let mut people = sellers(&app, &v, 2).await;
    let (seller, owner) = people.remove(0);
    let (_, other) = people.remove(0);
    let shop = service::open_shop(&app.db, &v, &seller, &shop_input("Warung Foto"), None).await.unwrap();
    let item = service::save_product(&app.db, &v, &seller, shop, None, &product_input("Kopi robusta", "25.000"))
        .await
        .unwrap();
    let sign_in = |r: resident::Model| {
        let db = app.db.clone();
        async move {
            digdaya::db::entities::resident_pin::ActiveModel {
                resident_id: sea_orm::Set(r.id),
                village_id: sea_orm::Set(r.village_id),
                pin_hash: sea_orm::Set("$argon2id$v=19$m=19456,t=8,p=1$x$y".into()),
                must_change: sea_orm::Set(false),
                issued_by: sea_orm::Set(None),
                issued_at: sea_orm::Set(Utc::now()),
                changed_at: sea_orm::Set(None),
            }
            .insert(&db)
            .await
            .unwrap();
            format!(
                "digdaya_session={}",
                session::start_resident(&db, &r, &Client::default(), Utc::now()).await.unwrap()
            )
        }
    };
    let (mine, theirs) = (sign_in(owner).await, sign_in(other).await);
    let path = format!("/api/market/{}/produk/{item}/foto?toko={shop}", v.slug);

    // The owner's photo goes up and the form returns to the shop's page; a lying file is refused
    // with the reason; another resident's upload finds nothing.
    let (status, back) = upload(&app, &path, &mine, png(800, 600)).await;
    assert_eq!(status, 303, "{back}");
    assert!(back.ends_with(&format!("/kramatwatu/pasar/kelola/{shop}?produk={item}#produk-{item}")), "{back}");
    let (status, back) = upload(&app, &path, &mine, b"GIF89a bukan foto".to_vec()).await;
    assert!(status == 303 && back.contains("galat="), "{status} {back}");
    let (status, _) = upload(&app, &path, &theirs, png(50, 50)).await;
    assert_eq!(status, 404);
    assert_eq!(upload(&app, &path, "", png(50, 50)).await.0, 401);
    let photo = product_photo::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(product_photo::Entity::find().count(&app.db).await.unwrap(), 1);

    // The shop's own photo goes up the same way; only its seller manages it.
    let shop_path = format!("/api/market/{}/toko/{shop}/foto", v.slug);
    let (status, back) = upload(&app, &shop_path, &mine, png(640, 480)).await;
    assert!(status == 303 && back.ends_with(&format!("/pasar/kelola/{shop}#foto-lapak")), "{status} {back}");
    assert_eq!(upload(&app, &shop_path, &theirs, png(50, 50)).await.0, 404);
    let shop_url = format!("{}{shop_path}?kecil=1", app.base);

    // Served only once the shop is approved, as a JPEG that may run nothing; before that to
    // the seller alone, never kept by a shared cache.
    let url = format!("{}/api/market/{}/foto/{}?kecil=1", app.base, v.slug, photo.id);
    for (address, cookie, status) in [(&url, "", 404), (&url, theirs.as_str(), 404), (&shop_url, "", 404)] {
        let res = app.client.get(address).header("cookie", cookie).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{address} {cookie}");
    }
    for address in [&url, &shop_url] {
        let res = app.client.get(address).header("cookie", &mine).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{address}");
        assert_eq!(res.headers()["cache-control"], "private, no-store");
    }
    service::moderate(&app.db, &v, &o, shop, Moderation::Approve, "").await.unwrap();
    let res = app.client.get(&shop_url).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), res.headers()["cache-control"].to_str().unwrap()),
        (200, "public, max-age=3600")
    );
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    let thumb = res.bytes().await.unwrap();
    assert!(thumb.len() <= digdaya::media::MARKET_THUMB_BYTES);
}
