//! The outbox over HTTP: a phone's batch of items (a letter request with photos, a visitor's
//! report with a photo, a product edit) is applied once per key, a repeat gets the first result
//! (also when both arrive at the same moment), a refusal applies nothing and frees the key for
//! the corrected item, and keys are forgotten after 30 days.

use crate::common;

use chrono::{Duration, Utc};
use common::{Backend, TestApp, png};
use digdaya::db::entities::{complaint, complaint_file, letter_file, letter_request, letter_type, outbox_key, village};
use digdaya::outbox::model::{Answer, Outcome};
use digdaya::outbox::service;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

db_tests!(
    a_letter_request_with_photos_arrives_once,
    a_visitors_report_arrives_once_even_sent_twice_at_once,
    refusals_apply_nothing_and_free_the_key,
    product_edits_go_through_the_sellers_session,
    keys_are_forgotten_after_thirty_days,
    items_go_out_only_under_their_owners_session,
    an_item_cut_off_by_a_crash_is_finished_not_repeated,
);

const KEY_A: &str = "0b5c7d2e-1f3a-4b6c-8d9e-a0b1c2d3e4f5";
const KEY_B: &str = "1c6d8e3f-2a4b-4c7d-9e0f-b1c2d3e4f5a6";

/// One item of a batch: its key, kind, JSON data and files.
struct Item<'a> {
    key: &'a str,
    kind: &'a str,
    data: serde_json::Value,
    files: Vec<(&'a str, Vec<u8>)>,
}

/// A batch whose items say whose they are (`owner`: the tag the phone keeps with each).
async fn send_owned(app: &TestApp, cookie: Option<&str>, owner: &str, items: &[Item<'_>]) -> Vec<Outcome> {
    let mut form = reqwest::multipart::Form::new().percent_encode_noop();
    for (i, item) in items.iter().enumerate() {
        form = form
            .text(format!("{i}/kunci"), item.key.to_string())
            .text(format!("{i}/jenis"), item.kind.to_string())
            .text(format!("{i}/pemilik"), owner.to_string())
            .text(format!("{i}/data"), item.data.to_string());
        for (field, bytes) in &item.files {
            form =
                form.part(format!("{i}/{field}"), reqwest::multipart::Part::bytes(bytes.clone()).file_name("foto.png"));
        }
    }
    let mut req = app.client.post(format!("{}/api/outbox/kramatwatu", app.base)).header("origin", &app.base);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.multipart(form).send().await.unwrap();
    serde_json::from_str::<Answer>(&res.text().await.unwrap()).unwrap().hasil
}

/// The owner tag of the resident holding `cookie`.
async fn owner_of(app: &TestApp, cookie: &str) -> String {
    let token = cookie.trim_start_matches("digdaya_session=").to_string();
    let user = digdaya::access::guard::signed_in_with(&app.db, Some(token)).await.unwrap().unwrap();
    digdaya::auth::owner::owner_tag(&user)
}

async fn send(app: &TestApp, cookie: Option<&str>, items: &[Item<'_>]) -> (u16, Vec<Outcome>) {
    // Field names as browsers send them (reqwest would percent-encode the slash).
    let mut form = reqwest::multipart::Form::new().percent_encode_noop();
    for (i, item) in items.iter().enumerate() {
        form = form
            .text(format!("{i}/kunci"), item.key.to_string())
            .text(format!("{i}/jenis"), item.kind.to_string())
            .text(format!("{i}/data"), item.data.to_string());
        for (field, bytes) in &item.files {
            form =
                form.part(format!("{i}/{field}"), reqwest::multipart::Part::bytes(bytes.clone()).file_name("foto.png"));
        }
    }
    let mut req = app.client.post(format!("{}/api/outbox/kramatwatu", app.base)).header("origin", &app.base);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.multipart(form).send().await.unwrap();
    let status = res.status().as_u16();
    let answer: Answer = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    (status, answer.hasil)
}

async fn domisili(app: &TestApp, v: &village::Model) -> i64 {
    digdaya::letters::service::ensure_types(&app.db, v.id).await.unwrap();
    letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(v.id))
        .filter(letter_type::Column::Slug.eq("domisili"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn address(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Terkirim { alamat, .. } => alamat,
        other => panic!("not delivered: {other:?}"),
    }
}

async fn a_letter_request_with_photos_arrives_once(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    let (me, cookie) = common::resident_with_pin(&app, &v, 0).await;
    let type_id = domisili(&app, &v).await;
    let item = || Item {
        key: KEY_A,
        kind: "surat",
        data: serde_json::json!({"type_id": type_id, "values": {"keperluan": "melamar pekerjaan"}}),
        files: vec![("berkas:ktp", png(40, 30)), ("berkas:kk", png(40, 30))],
    };
    let (status, first) = send(&app, Some(&cookie), &[item()]).await;
    assert_eq!(status, 200);
    let Outcome::Terkirim { alamat, ulang, catatan } = &first[0] else { panic!("{first:?}") };
    assert!(!ulang && catatan.is_empty(), "{first:?}");
    let id: i64 = alamat.strip_prefix("/kramatwatu/layanan/permohonan/").unwrap().parse().unwrap();
    let request = letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!((request.resident_id, request.status.as_str()), (me.id, "diperiksa"), "complete, so handed in");
    let files = letter_file::Entity::find().filter(letter_file::Column::RequestId.eq(id)).count(&app.db).await.unwrap();
    assert_eq!(files, 2);

    // The same item again (the answer was lost on the way): the first result, nothing new.
    let (_, again) = send(&app, Some(&cookie), &[item()]).await;
    assert_eq!(again[0], Outcome::Terkirim { alamat: alamat.clone(), ulang: true, catatan: vec![] });
    let requests = letter_request::Entity::find().filter(letter_request::Column::VillageId.eq(v.id)).count(&app.db);
    assert_eq!(requests.await.unwrap(), 1);
    assert_eq!(letter_file::Entity::find().count(&app.db).await.unwrap(), 2);

    // Without its photos a request waits as "belum lengkap" (the photos may follow online);
    // a photo that is not a photo is left out and said so.
    let (_, partial) = send(
        &app,
        Some(&cookie),
        &[Item { key: KEY_B, kind: "surat", data: item().data, files: vec![("berkas:ktp", b"not an image".to_vec())] }],
    )
    .await;
    let Outcome::Terkirim { alamat, catatan, .. } = &partial[0] else { panic!("{partial:?}") };
    assert_eq!(catatan.len(), 1, "{catatan:?}");
    assert!(catatan[0].contains("tidak diterima"), "{catatan:?}");
    let id: i64 = alamat.rsplit('/').next().unwrap().parse().unwrap();
    let request = letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(request.status, digdaya::kit::letter::Status::BelumLengkap);

    // Letters need the resident's session.
    let (_, anonymous) = send(&app, None, &[Item { key: "2d7e9f40-3b5c-4d8e-8f10-c2d3e4f5a6b7", ..item() }]).await;
    assert!(matches!(&anonymous[0], Outcome::Gagal { pesan, .. } if pesan.contains("belum masuk")), "{anonymous:?}");
}

/// Visitors may report in this village (a setting of its officials).
async fn open_to_visitors(app: &TestApp, v: &village::Model) {
    let settings = digdaya::complaints::model::Settings { visitors: true, public_list: false };
    digdaya::village::service::save_setting(&app.db, v.id, "complaints", &settings).await.unwrap();
}

async fn a_visitors_report_arrives_once_even_sent_twice_at_once(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    open_to_visitors(&app, &v).await;
    let dusun = digdaya::db::entities::area::Entity::find()
        .filter(digdaya::db::entities::area::Column::VillageId.eq(v.id))
        .filter(digdaya::db::entities::area::Column::Level.eq(1))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let item = || Item {
        key: KEY_A,
        kind: "pengaduan",
        data: serde_json::json!({
            "category": "Jalan dan jembatan", "body": "Jalan berlubang di depan madrasah, tergenang air.",
            "lat": null, "lng": null, "area_id": dusun.id, "name": "Siti Aminah", "phone": "0812 3456 7890"
        }),
        files: vec![("foto", png(60, 40))],
    };
    let (first, second) = ([item()], [item()]);
    let (a, b) = tokio::join!(send(&app, None, &first), send(&app, None, &second));
    let outcomes = [&a.1[0], &b.1[0]];
    // One applied it; the other got its result or was told to come back (it was being applied).
    assert!(outcomes.iter().any(|o| matches!(o, Outcome::Terkirim { ulang: false, .. })), "{outcomes:?}");
    let (_, later) = send(&app, None, &[item()]).await;
    let alamat = address(&later[0]).to_string();
    assert!(matches!(&later[0], Outcome::Terkirim { ulang: true, .. }));
    assert!(
        alamat.starts_with("/kramatwatu/pengaduan/") && alamat.contains("?t="),
        "a visitor's secret link: {alamat}"
    );
    assert_eq!(complaint::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(complaint_file::Entity::find().count(&app.db).await.unwrap(), 1);
}

async fn refusals_apply_nothing_and_free_the_key(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    open_to_visitors(&app, &v).await;
    let bad = Item {
        key: KEY_A,
        kind: "pengaduan",
        data: serde_json::json!({"category": "", "body": "", "lat": null, "lng": null, "area_id": null, "name": "", "phone": ""}),
        files: vec![],
    };
    let (status, refused) = send(&app, None, &[bad]).await;
    assert_eq!(status, 200);
    let Outcome::Gagal { masalah, .. } = &refused[0] else { panic!("{refused:?}") };
    assert!(masalah.iter().any(|p| p.field == "category") && masalah.iter().any(|p| p.field == "body"), "{masalah:?}");
    assert_eq!(complaint::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(outbox_key::Entity::find().count(&app.db).await.unwrap(), 0, "the key is free again");

    // A batch: a broken item, an unknown kind and a good one; each gets its own outcome.
    let good = serde_json::json!({
        "category": "Lampu jalan", "body": "Lampu jalan di pertigaan mati sejak seminggu.",
        "lat": null, "lng": null, "area_id": null, "name": "Budi", "phone": "081234567890"
    });
    let (_, outcomes) = send(
        &app,
        None,
        &[
            Item { key: "bukan-kunci", kind: "pengaduan", data: good.clone(), files: vec![] },
            Item { key: KEY_B, kind: "lain", data: good.clone(), files: vec![] },
            Item { key: KEY_A, kind: "pengaduan", data: good.clone(), files: vec![] },
        ],
    )
    .await;
    assert!(matches!(&outcomes[0], Outcome::Gagal { pesan, .. } if pesan.contains("kunci")), "{outcomes:?}");
    assert!(matches!(&outcomes[1], Outcome::Gagal { pesan, .. } if pesan.contains("Jenis")), "{outcomes:?}");
    // Without a place the report is refused by the server's rule, with the field named.
    let Outcome::Gagal { masalah, .. } = &outcomes[2] else { panic!("{outcomes:?}") };
    assert!(masalah.iter().any(|p| p.field == "place"), "{masalah:?}");
    // Unknown village: refused whole.
    let res = app
        .client
        .post(format!("{}/api/outbox/tidak-ada", app.base))
        .header("origin", &app.base)
        .multipart(reqwest::multipart::Form::new().percent_encode_noop().text("0/kunci", KEY_A))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

async fn product_edits_go_through_the_sellers_session(backend: Backend) {
    use digdaya::market::{model::ShopInput, service as market};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    let (me, cookie) = common::resident_with_pin(&app, &v, 0).await;
    let seller = market::Seller::Resident { id: me.id, name: me.name.clone() };
    let shop = ShopInput {
        name: "Warung Bu Siti".into(),
        description: "Usaha rumahan sejak 2015.".into(),
        category: "makanan".into(),
        whatsapp: "0812-3456-7890".into(),
        address: "Kp. Kramat RT 002/001".into(),
        lat: None,
        lng: None,
        hours: "Setiap hari 07.00–17.00".into(),
    };
    let shop = market::open_shop(&app.db, &v, &seller, &shop, None).await.unwrap();
    let product = serde_json::json!({"shop": shop, "id": null, "input": {
        "name": "Keripik singkong", "description": "", "category": "makanan", "price": "15.000",
        "discount_price": "", "unit": "bungkus", "availability": "tersedia"
    }});
    let (_, outcomes) =
        send(&app, Some(&cookie), &[Item { key: KEY_A, kind: "produk", data: product.clone(), files: vec![] }]).await;
    assert!(address(&outcomes[0]).starts_with(&format!("/kramatwatu/pasar/kelola/{shop}?produk=")), "{outcomes:?}");
    let count = digdaya::db::entities::product::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(count, 1);
    // Someone else's session cannot add to this shop.
    let (_, other) = common::resident_with_pin(&app, &v, 1).await;
    let (_, outcomes) =
        send(&app, Some(&other), &[Item { key: KEY_B, kind: "produk", data: product, files: vec![] }]).await;
    assert!(matches!(outcomes[0], Outcome::Gagal { .. }), "{outcomes:?}");
    assert_eq!(digdaya::db::entities::product::Entity::find().count(&app.db).await.unwrap(), 1);
}

async fn keys_are_forgotten_after_thirty_days(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 10, 1, None).await.village;
    for (key, age) in [(KEY_A, 31), (KEY_B, 29)] {
        outbox_key::Entity::insert(outbox_key::ActiveModel {
            village_id: Set(v.id),
            key: Set(key.into()),
            kind: Set("pengaduan".into()),
            result: Set(Some(r#"{"state":"terkirim","alamat":"/x","ulang":false}"#.into())),
            created_at: Set(Utc::now() - Duration::days(age)),
            owner: Set(None),
        })
        .exec_without_returning(&app.db)
        .await
        .unwrap();
    }
    assert_eq!(service::forget_old(&app.db).await.unwrap(), 1);
    let left: Vec<String> = outbox_key::Entity::find().all(&app.db).await.unwrap().into_iter().map(|k| k.key).collect();
    assert_eq!(left, vec![KEY_B.to_string()]);
    // A key still kept answers with its first result.
    let claim = service::claim(&app.db, v.id, KEY_B, digdaya::complaints::model::OUTBOX_KIND, None).await.unwrap();
    assert!(matches!(claim, service::Claim::Done(Outcome::Terkirim { .. })));
}

/// Issue 27, findings 8 and the replay in the low list (fail on the code before: resident A's
/// queued request went out as B's after B signed in on the same phone, and a replay of A's key
/// by B got A's result).
async fn items_go_out_only_under_their_owners_session(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    open_to_visitors(&app, &v).await;
    let (a, a_cookie) = common::resident_with_pin(&app, &v, 0).await;
    let (_, b_cookie) = common::resident_with_pin(&app, &v, 1).await;
    let (a_owner, b_owner) = (owner_of(&app, &a_cookie).await, owner_of(&app, &b_cookie).await);
    assert_ne!(a_owner, b_owner);
    let type_id = domisili(&app, &v).await;
    let item = || Item {
        key: KEY_A,
        kind: "surat",
        data: serde_json::json!({"type_id": type_id, "values": {"keperluan": "melamar pekerjaan"}}),
        files: vec![("berkas:ktp", png(40, 30)), ("berkas:kk", png(40, 30))],
    };
    // A made it and signed out; B signed in on the phone: it is not filed as B's, it waits.
    let outcomes = send_owned(&app, Some(&b_cookie), &a_owner, &[item()]).await;
    assert!(matches!(&outcomes[0], Outcome::Menunggu { pesan } if pesan.contains("akun lain")), "{outcomes:?}");
    assert_eq!(letter_request::Entity::find().count(&app.db).await.unwrap(), 0);
    // Nor without a session.
    let outcomes = send_owned(&app, None, &a_owner, &[item()]).await;
    assert!(matches!(&outcomes[0], Outcome::Menunggu { .. }), "{outcomes:?}");
    // A signs in again: it goes out as A's.
    let outcomes = send_owned(&app, Some(&a_cookie), &a_owner, &[item()]).await;
    let id: i64 = address(&outcomes[0]).rsplit('/').next().unwrap().parse().unwrap();
    let request = letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(request.resident_id, a.id);
    // B replaying A's key, as B's or as nobody's, learns nothing.
    for (cookie, owner) in [(Some(b_cookie.as_str()), b_owner.as_str()), (None, "")] {
        let outcomes = send_owned(&app, cookie, owner, &[item()]).await;
        match &outcomes[0] {
            Outcome::Gagal { pesan, .. } => assert!(pesan.contains("milik pengguna lain"), "{pesan}"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(letter_request::Entity::find().count(&app.db).await.unwrap(), 1);
    // A visitor's item goes out as a visitor's, even with somebody signed in.
    let dusun = digdaya::db::entities::area::Entity::find()
        .filter(digdaya::db::entities::area::Column::VillageId.eq(v.id))
        .filter(digdaya::db::entities::area::Column::Level.eq(1))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let report = Item {
        key: KEY_B,
        kind: "pengaduan",
        data: serde_json::json!({
            "category": "Lampu jalan", "body": "Lampu jalan di pertigaan mati sejak seminggu.",
            "lat": null, "lng": null, "area_id": dusun.id, "name": "Pak Budi", "phone": "081234567890"
        }),
        files: vec![],
    };
    let outcomes = send_owned(&app, Some(&b_cookie), "", &[report]).await;
    assert!(address(&outcomes[0]).contains("?t="), "a visitor's link: {outcomes:?}");
    let c = complaint::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!((c.resident_id, c.reporter_name.as_str()), (None, "Pak Budi"));
}

/// Issue 27, finding 9 (fails on the code before: an item taken over after a crash was applied
/// again from the start: a second request, the first left without its attachment). Each point
/// where a crash can cut an item off is set up in the database as the crash leaves it.
async fn an_item_cut_off_by_a_crash_is_finished_not_repeated(backend: Backend) {
    use digdaya::letters::service::{By, attach, create_request_from};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    let (me, cookie) = common::resident_with_pin(&app, &v, 0).await;
    let owner = owner_of(&app, &cookie).await;
    let type_id = domisili(&app, &v).await;
    let by = By::Resident { id: me.id, name: me.name.clone() };
    let keys = [
        "3e8fa051-4c6d-4e9f-8a21-d3e4f5a6b7c8",
        "4f9ab162-5d7e-4fa0-9b32-e4f5a6b7c8d9",
        "5a0bc273-6e8f-4ab1-8c43-f5a6b7c8d9ea",
    ];
    let values: digdaya::letters::model::Values = [("keperluan".to_string(), "melamar pekerjaan".to_string())].into();
    for (stage, key) in keys.iter().enumerate() {
        // The claim the crashed server left, older than the takeover time.
        outbox_key::Entity::insert(outbox_key::ActiveModel {
            village_id: Set(v.id),
            key: Set((*key).into()),
            kind: Set("surat".into()),
            result: Set(None),
            created_at: Set(Utc::now() - Duration::minutes(11)),
            owner: Set(Some(owner.clone())),
        })
        .exec_without_returning(&app.db)
        .await
        .unwrap();
        // Stage 0: it crashed before making anything; 1: after the request; 2: after one photo.
        if stage >= 1 {
            let id = create_request_from(&app.db, &v, &by, me.id, type_id, &values, Some(key)).await.unwrap();
            if stage == 2 {
                attach(&app.db, &app.files, v.id, &by, id, "ktp", &png(40, 30)).await.unwrap();
            }
        }
    }
    let items: Vec<Item> = keys
        .iter()
        .map(|key| Item {
            key,
            kind: "surat",
            data: serde_json::json!({"type_id": type_id, "values": {"keperluan": "melamar pekerjaan"}}),
            files: vec![("berkas:ktp", png(40, 30)), ("berkas:kk", png(40, 30))],
        })
        .collect();
    let outcomes = send_owned(&app, Some(&cookie), &owner, &items).await;
    for o in &outcomes {
        assert!(matches!(o, Outcome::Terkirim { .. }), "{outcomes:?}");
    }
    // Exactly one request per key, each with both photos, each handed in.
    let requests = letter_request::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(requests.len(), 3, "{requests:?}");
    for r in &requests {
        let files = letter_file::Entity::find().filter(letter_file::Column::RequestId.eq(r.id)).count(&app.db).await;
        assert_eq!(files.unwrap(), 2, "request {} has both photos", r.id);
        assert_eq!(r.status, digdaya::kit::letter::Status::Diperiksa);
    }
    // And again (the answer lost): nothing new.
    let again = send_owned(&app, Some(&cookie), &owner, &items).await;
    assert!(again.iter().all(|o| matches!(o, Outcome::Terkirim { ulang: true, .. })), "{again:?}");
    assert_eq!(letter_request::Entity::find().count(&app.db).await.unwrap(), 3);
    assert_eq!(letter_file::Entity::find().count(&app.db).await.unwrap(), 6);
}
