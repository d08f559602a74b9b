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
    a_slow_upload_that_keeps_moving_arrives_whole,
    a_plain_form_is_taken_or_shown_again_with_what_was_typed,
    a_request_cut_off_anywhere_leaves_all_or_nothing,
    a_form_queued_before_the_wasm_is_read_as_its_plain_post,
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

/// The village's first dusun (a report's place when there is no pin).
async fn first_dusun(app: &TestApp, v: &village::Model) -> digdaya::db::entities::area::Model {
    digdaya::db::entities::area::Entity::find()
        .filter(digdaya::db::entities::area::Column::VillageId.eq(v.id))
        .filter(digdaya::db::entities::area::Column::Level.eq(1))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
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
    let dusun = first_dusun(&app, &v).await;
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
    // One applied it; the other waited for it to end and got its result.
    assert!(outcomes.iter().any(|o| matches!(o, Outcome::Terkirim { ulang: false, .. })), "{outcomes:?}");
    assert!(outcomes.iter().any(|o| matches!(o, Outcome::Terkirim { ulang: true, .. })), "{outcomes:?}");
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
    let earlier = service::earlier(&app.db, v.id, KEY_B, None).await.unwrap();
    assert!(matches!(earlier, service::Earlier::Done(Outcome::Terkirim { .. })));
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
    let dusun = first_dusun(&app, &v).await;
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

/// A batch as multipart bytes (boundary `digdaya-test`), for sending by hand.
fn multipart(items: &[Item<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut part = |name: String, file: bool, bytes: &[u8]| {
        let file_name = if file { "; filename=\"foto.png\"\r\nContent-Type: image/png" } else { "" };
        body.extend_from_slice(
            format!("--digdaya-test\r\nContent-Disposition: form-data; name=\"{name}\"{file_name}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    };
    for (i, item) in items.iter().enumerate() {
        part(format!("{i}/kunci"), false, item.key.as_bytes());
        part(format!("{i}/jenis"), false, item.kind.as_bytes());
        part(format!("{i}/pemilik"), false, b"");
        part(format!("{i}/data"), false, item.data.to_string().as_bytes());
        for (field, bytes) in &item.files {
            part(format!("{i}/{field}"), true, bytes);
        }
    }
    body.extend_from_slice(b"--digdaya-test--\r\n");
    body
}

/// Sends `body` to the outbox in `pieces`, `pause` apart (a slow link), and reads the answer
/// (an empty string when the server closed the connection without one).
async fn send_slowly(app: &TestApp, body: &[u8], pieces: usize, pause: std::time::Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/outbox/kramatwatu HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nContent-Type: multipart/form-data; boundary=digdaya-test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        app.base,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for piece in body.chunks(body.len().div_ceil(pieces)) {
        tokio::time::sleep(pause).await;
        if stream.write_all(piece).await.is_err() {
            break; // the server gave up on the body
        }
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// Issue 29: on a 250 kbit/s link six photos take half a minute to arrive, and a limit on the
/// whole request cut them off every time. A body may take as long as it keeps moving; a pause
/// longer than the idle limit ends it, and then nothing of it is kept.
async fn a_slow_upload_that_keeps_moving_arrives_whole(backend: Backend) {
    let limits = digdaya::config::Deadlines {
        work: std::time::Duration::from_secs(2),
        idle: std::time::Duration::from_millis(1500),
        longest: std::time::Duration::from_secs(120),
    };
    let settings =
        Box::leak(Box::new(digdaya::config::Config { deadlines: limits, ..digdaya::config::current().clone() }));
    let app = TestApp::spawn_configured(&backend, digdaya::cache::PageCache::off(), settings).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    open_to_visitors(&app, &v).await;
    let dusun = first_dusun(&app, &v).await;
    let report = |key| Item {
        key,
        kind: "pengaduan",
        data: serde_json::json!({
            "category": "Jalan dan jembatan", "body": "Jalan berlubang di depan madrasah, tergenang air.",
            "lat": null, "lng": null, "area_id": dusun.id, "name": "Siti Aminah", "phone": "0812 3456 7890"
        }),
        files: (0..6).map(|i| ("foto", png(120 + i, 90))).collect(),
    };
    // Six seconds in all (three times the work limit), never still for longer than 0.3 s.
    let body = multipart(&[report(KEY_A)]);
    let answer = send_slowly(&app, &body, 20, std::time::Duration::from_millis(300)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let json = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let outcome: Answer = serde_json::from_str(json).expect(json);
    assert!(
        matches!(&outcome.hasil[0], Outcome::Terkirim { ulang: false, catatan, .. } if catatan.is_empty()),
        "{json}"
    );
    assert_eq!(complaint::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(complaint_file::Entity::find().count(&app.db).await.unwrap(), 6, "every photo arrived");

    // A body that stops for longer than the idle limit: refused, nothing kept, the key free.
    let body = multipart(&[report(KEY_B)]);
    let answer = send_slowly(&app, &body, 2, std::time::Duration::from_millis(2500)).await;
    assert!(!answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(complaint::Entity::find().count(&app.db).await.unwrap(), 1, "nothing of the cut batch");
    assert!(
        outbox_key::Entity::find_by_id((v.id, KEY_B.to_string())).one(&app.db).await.unwrap().is_none(),
        "the key is free for the next try"
    );
}

/// Issue 29: a form posted without the WASM goes to the outbox's plain endpoint. Taken, it
/// leads to the item's page; refused, the form's page comes back (422, complete as HTML) with
/// what was typed and the server's problems in place; nothing of it is kept.
async fn a_plain_form_is_taken_or_shown_again_with_what_was_typed(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    open_to_visitors(&app, &v).await;
    let dusun = first_dusun(&app, &v).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name, value);
        }
        form = form.part("foto", reqwest::multipart::Part::bytes(png(50, 40)).file_name("foto.png"));
        app.client
            .post(format!("{}/api/outbox/kramatwatu/formulir", app.base))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .multipart(form)
            .send()
    };
    let report = |body: &str, page: &str| {
        vec![
            ("jenis", "pengaduan".to_string()),
            ("kembali", page.to_string()),
            ("category", "Jalan dan jembatan".to_string()),
            ("body", body.to_string()),
            ("area", dusun.id.to_string()),
            ("name", "Siti Aminah".to_string()),
            ("phone", "0812 3456 7890".to_string()),
        ]
    };
    // Too short: the page again, with the text kept and the problem under its field.
    let res = post(report("Rusak", "/kramatwatu/pengaduan/baru")).await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = common::strip_markers(&res.text().await.unwrap());
    assert!(page.contains(">Rusak</textarea>"), "the text is kept");
    assert!(page.contains("value=\"Siti Aminah\""), "the name is kept");
    assert!(page.contains("class=\"field-error\""), "the problem is shown");
    assert!(page.contains("<body class=\"static\""), "complete as HTML, without the WASM");
    assert_eq!(complaint::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(outbox_key::Entity::find().count(&app.db).await.unwrap(), 0);
    // A page outside the village is never rendered.
    let res = post(report("Rusak", "/lain/pengaduan/baru")).await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    // Right: to the report's page, with its photo.
    let res =
        post(report("Jalan berlubang di depan madrasah, tergenang air.", "/kramatwatu/pengaduan/baru")).await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/kramatwatu/pengaduan/") && to.contains("?t="), "{to}");
    assert_eq!(complaint::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(complaint_file::Entity::find().count(&app.db).await.unwrap(), 1);

    // The shop form without the WASM: refused with what was typed, then opened.
    let (_, cookie) = common::resident_with_pin(&app, &v, 1).await;
    let shop = |whatsapp: &str| {
        app.client
            .post(format!("{}/api/market/kramatwatu/lapak", app.base))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .header("cookie", &cookie)
            .form(&[
                ("jenis", "lapak"),
                ("kembali", "/kramatwatu/pasar/kelola"),
                ("id", ""),
                ("name", "Warung Kopi Pak Darto"),
                ("category", "makanan"),
                ("whatsapp", whatsapp),
                ("address", "Kp. Kramat RT 001/002"),
                ("hours", ""),
                ("description", ""),
            ])
            .send()
    };
    let res = shop("").await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let page = common::strip_markers(&res.text().await.unwrap());
    assert!(page.contains("value=\"Warung Kopi Pak Darto\""), "the name is kept");
    assert!(page.contains("Nomor WhatsApp tidak valid"), "the problem is shown");
    let res = shop("0812-4455-6677").await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/kramatwatu/pasar/kelola/"));
    // Nobody signed in opens no shop.
    let res = app
        .client
        .post(format!("{}/api/market/kramatwatu/lapak", app.base))
        .header("origin", &app.base)
        .form(&[("kembali", "/kramatwatu/pasar/kelola"), ("name", "X")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
}

/// A future dropped after `polls` polls, as a request is when its client goes or its deadline
/// passes (`None` then).
struct CutAfter<F: std::future::Future> {
    inner: std::pin::Pin<Box<F>>,
    polls: usize,
}

impl<F: std::future::Future> std::future::Future for CutAfter<F> {
    type Output = Option<F::Output>;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        if self.polls == 0 {
            return std::task::Poll::Ready(None);
        }
        self.polls -= 1;
        self.inner.as_mut().poll(cx).map(Some)
    }
}

/// Issue 29, item 7: a report whose request was cut off (the phone lost its signal, the
/// deadline passed) was kept without its photos, its key left unfinished. The request is cut
/// at every point where it waits, in turn, from the first to the last: each time either the
/// report, all six photos and its key's result are there, or none of them; and sent again, the
/// report is there once, whole.
async fn a_request_cut_off_anywhere_leaves_all_or_nothing(backend: Backend) {
    use tower::ServiceExt as _;
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    open_to_visitors(&app, &v).await;
    let dusun = first_dusun(&app, &v).await;
    fn report(key: &str, dusun: i64) -> Item<'_> {
        Item {
            key,
            kind: "pengaduan",
            data: serde_json::json!({
                "category": "Jalan dan jembatan", "body": "Jalan berlubang di depan madrasah, tergenang air.",
                "lat": null, "lng": null, "area_id": dusun, "name": "Siti Aminah", "phone": "0812 3456 7890"
            }),
            files: (0..6).map(|i| ("foto", png(60 + i, 40))).collect(),
        }
    }
    let request = |key: &str| {
        let body = multipart(&[report(key, dusun.id)]);
        let mut req = http::Request::post("/api/outbox/kramatwatu")
            .header("host", app.base.trim_start_matches("http://"))
            .header("origin", &app.base)
            .header("content-type", "multipart/form-data; boundary=digdaya-test")
            .header("content-length", body.len())
            .body(axum::body::Body::from(body))
            .unwrap();
        digdaya::net::admit(&mut req, "127.0.0.1:40000".parse().unwrap());
        req
    };
    let made = |key: String| {
        let db = app.db.clone();
        async move {
            let reports =
                complaint::Entity::find().filter(complaint::Column::OutboxKey.eq(&key)).all(&db).await.unwrap();
            let photos = match reports.first() {
                Some(c) => complaint_file::Entity::find()
                    .filter(complaint_file::Column::ComplaintId.eq(c.id))
                    .count(&db)
                    .await
                    .unwrap(),
                None => 0,
            };
            let result = outbox_key::Entity::find_by_id((v.id, key)).one(&db).await.unwrap().and_then(|k| k.result);
            (reports.len(), photos, result.is_some())
        }
    };
    let mut cuts = 0;
    for polls in 1..5000 {
        let key = digdaya::outbox::model::new_key();
        let answer = CutAfter { inner: Box::pin(app.router.clone().oneshot(request(&key))), polls }.await;
        if let Some(answer) = answer {
            let answer = answer.unwrap();
            let status = answer.status();
            let body = axum::body::to_bytes(answer.into_body(), 1 << 20).await.unwrap();
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            assert!(cuts > 10, "the request waits at more points than {cuts}");
            assert_eq!(made(key).await, (1, 6, true), "uncut");
            break;
        }
        cuts += 1;
        let left = made(key.clone()).await;
        assert!(left == (0, 0, false) || left == (1, 6, true), "cut after {polls} polls left {left:?}");
        // The phone sends it again: there once, whole.
        let (status, outcomes) = send(&app, None, &[report(&key, dusun.id)]).await;
        assert_eq!(status, 200);
        assert!(matches!(&outcomes[0], Outcome::Terkirim { catatan, .. } if catatan.is_empty()), "{outcomes:?}");
        assert_eq!(made(key).await, (1, 6, true), "sent again after a cut at {polls}");
    }
    assert!(cuts > 0);
}

/// Issue 29: a form the page queued offline before its WASM arrived travels as its fields
/// (`{i}/formulir`, pwa.js) and is read as the same form posted plainly: refused with the form's
/// problems and nothing kept; taken once, with its photo; sent again, the first result.
async fn a_form_queued_before_the_wasm_is_read_as_its_plain_post(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 1, None).await.village;
    open_to_visitors(&app, &v).await;
    let dusun = first_dusun(&app, &v).await;
    let post = |body: &'static str| {
        let fields = serde_json::json!({
            "jenis": "pengaduan", "kembali": "/kramatwatu/pengaduan/baru", "category": "Jalan dan jembatan",
            "body": body, "area": dusun.id.to_string(), "name": "Siti Aminah", "phone": "0812 3456 7890"
        });
        let form = reqwest::multipart::Form::new()
            .percent_encode_noop()
            .text("0/kunci", KEY_A)
            .text("0/jenis", "pengaduan")
            .text("0/formulir", fields.to_string())
            .part("0/foto", reqwest::multipart::Part::bytes(png(40, 30)).file_name("foto.png"));
        let req = app.client.post(format!("{}/api/outbox/kramatwatu", app.base)).header("origin", &app.base);
        async move { req.multipart(form).send().await.unwrap().json::<Answer>().await.unwrap().hasil }
    };
    let refused = post("").await;
    assert!(
        matches!(&refused[0], Outcome::Gagal { masalah, .. } if masalah.iter().any(|p| p.field == "body")),
        "{refused:?}"
    );
    assert_eq!(complaint::Entity::find().count(&app.db).await.unwrap(), 0);
    for again in [false, true] {
        let taken = post("Jalan berlubang di depan madrasah, tergenang air.").await;
        assert!(matches!(&taken[0], Outcome::Terkirim { ulang, .. } if *ulang == again), "{taken:?}");
    }
    assert_eq!(complaint::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(complaint_file::Entity::find().count(&app.db).await.unwrap(), 1);
}
