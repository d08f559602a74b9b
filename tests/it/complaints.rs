//! Complaints: a report with a pin lands in the right dusun/RT, goes Baru → Diproses → Selesai
//! with a thread (refused moves included), photos are checked by content and shown only to
//! those allowed, visitors report only where the village allows and follow their report by its
//! secret link, and the public list carries no reporter.

use crate::common;

use common::{Backend, TestApp, png};
use digdaya::access::guard::Official;
use digdaya::auth::{model::Role, service::create_official};
use digdaya::complaints::model::{ReportInput, Reported, Settings, Status};
use digdaya::complaints::service::{self, Who, inner_point};
use digdaya::db::entities::{area, village};
use digdaya::error::AppError;
use digdaya::geo::shape::Shape;
use digdaya::ui::PageAt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

db_tests!(
    a_report_with_a_pin_is_answered_and_closed,
    every_dusun_gets_the_reports_inside_it,
    visitors_report_only_where_allowed_and_follow_their_link,
    photos_are_checked_and_shown_only_to_those_allowed,
);

async fn official(app: &TestApp, v: &village::Model, username: &str, role: Role) -> Official {
    let o = create_official(&app.db, Some(v), username, &format!("Pejabat {username}"), role, "kopi-tubruk-di-sawah")
        .await
        .unwrap();
    Official { id: o.id, village_id: o.village_id, name: o.name.clone(), role, session_id: String::new() }
}

/// The `n`-th living resident with their own PIN, as a caller and with a session cookie.
async fn resident_of(app: &TestApp, v: &village::Model, n: usize) -> (Who, String) {
    let (r, cookie) = common::resident_with_pin(app, v, n).await;
    (Who::Resident { id: r.id, name: r.name }, cookie)
}

async fn areas(app: &TestApp, v: &village::Model, level: i16) -> Vec<(area::Model, Shape)> {
    area::Entity::find()
        .filter(area::Column::VillageId.eq(v.id))
        .filter(area::Column::Level.eq(level))
        .order_by_asc(area::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            let shape = Shape::parse(a.boundary.as_deref().expect("the demo draws every area")).unwrap();
            (a, shape)
        })
        .collect()
}

fn report_at(point: [f64; 2], category: &str) -> ReportInput {
    ReportInput {
        category: category.into(),
        body: "Jalan berlubang besar di depan madrasah, tergenang saat hujan.".into(),
        lat: Some(point[1]),
        lng: Some(point[0]),
        ..Default::default()
    }
}

async fn file(app: &TestApp, v: &village::Model, who: &Who, input: &ReportInput) -> (i64, Option<String>) {
    let Reported { id, token } = service::report(&app.db, v, who, input).await.unwrap();
    (id, token)
}

async fn set(app: &TestApp, v: &village::Model, settings: Settings) -> village::Model {
    digdaya::village::service::save_setting(&app.db, v.id, "complaints", &settings).await.unwrap();
    village::Entity::find_by_id(v.id).one(&app.db).await.unwrap().unwrap()
}

async fn a_report_with_a_pin_is_answered_and_closed(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 5, None).await.village;
    let kades = Who::Official(official(&app, &v, "kades.p", Role::Kades).await);
    let operator = Who::Official(official(&app, &v, "operator.p", Role::Operator).await);
    let (me, _) = resident_of(&app, &v, 2).await;
    let (neighbour, _) = resident_of(&app, &v, 7).await;

    // A pin inside an RT: the report names the RT with its RW and dusun.
    let rts = areas(&app, &v, area::RT).await;
    let (rt, rt_shape) = &rts[rts.len() / 2];
    let point = inner_point(rt_shape).unwrap();
    let (id, token) = file(&app, &v, &me, &report_at(point, "Jalan dan jembatan")).await;
    assert_eq!(token, None, "a signed-in resident needs no link");
    let d = service::detail(&app.db, &v, &me, id, None).await.unwrap();
    assert_eq!(d.status, Status::Baru);
    assert!(d.place.starts_with("Dusun ") && d.place.ends_with(&format!("RT {}", rt.name)), "{}", d.place);
    assert!(!d.official && d.moves.is_empty() && d.can_write && d.phone.is_none());

    // A pin far outside the village, and a report without any place, are refused whole.
    let far = service::report(&app.db, &v, &me, &report_at([106.9, -6.2], "Lampu jalan")).await;
    assert!(
        matches!(&far, Err(AppError::Refused(p)) if p[0].field == "place" && p[0].message.contains("di luar wilayah")),
        "{far:?}"
    );
    let nowhere = ReportInput { lat: None, lng: None, ..report_at(point, "Lampu jalan") };
    assert!(matches!(service::report(&app.db, &v, &me, &nowhere).await, Err(AppError::Refused(_))));

    // Another resident does not see it.
    assert_eq!(service::detail(&app.db, &v, &neighbour, id, None).await.unwrap_err(), AppError::NotFound);

    // Officials: Baru cannot jump to Selesai; a reporter cannot move the status.
    let text = "Petugas sudah meninjau lokasi dan mencatat kerusakannya.";
    let jump = service::reply(&app.db, &v, &kades, id, None, text, Some(Status::Selesai)).await.unwrap_err();
    assert_eq!(jump, AppError::Invalid("Laporan berstatus Baru tidak dapat langsung menjadi Selesai.".into()));
    assert_eq!(
        service::reply(&app.db, &v, &me, id, None, text, Some(Status::Diproses)).await.unwrap_err(),
        AppError::Forbidden
    );
    assert!(matches!(service::reply(&app.db, &v, &kades, id, None, "ok", None).await, Err(AppError::Invalid(_))));

    // Two officials move it at the same moment: one wins, the other is told to reload.
    let (a, b) = tokio::join!(
        service::reply(&app.db, &v, &kades, id, None, text, Some(Status::Diproses)),
        service::reply(&app.db, &v, &operator, id, None, text, Some(Status::Diproses)),
    );
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");

    service::reply(&app.db, &v, &me, id, None, "Terima kasih, lubangnya makin lebar kemarin.", None).await.unwrap();
    let d = service::detail(&app.db, &v, &kades, id, None).await.unwrap();
    assert_eq!(d.moves, [Status::Selesai]);
    service::reply(&app.db, &v, &operator, id, None, "Jalan sudah ditambal oleh tim desa.", Some(Status::Selesai))
        .await
        .unwrap();

    // The reporter sees the whole thread; a closed report takes no more messages from them.
    let d = service::detail(&app.db, &v, &me, id, None).await.unwrap();
    assert_eq!(d.status, Status::Selesai);
    let thread: Vec<(bool, Option<Status>)> = d.messages.iter().map(|m| (m.from_official, m.status)).collect();
    assert_eq!(thread, [(true, Some(Status::Diproses)), (false, None), (true, Some(Status::Selesai))]);
    assert!(!d.can_write);
    assert!(matches!(
        service::reply(&app.db, &v, &me, id, None, "Masih ada lubang kecil di tepi.", None).await,
        Err(AppError::Invalid(m)) if m.contains("sudah selesai")
    ));
    // Officials may reopen it.
    service::reply(&app.db, &v, &kades, id, None, "Dibuka kembali: tepi jalan perlu ditambal.", Some(Status::Diproses))
        .await
        .unwrap();
    service::reply(&app.db, &v, &kades, id, None, "Tepi jalan sudah ditambal juga.", Some(Status::Selesai))
        .await
        .unwrap();

    // The queue counts and filters.
    let q = service::queue(&app.db, v.id, None, None, None, &PageAt::default()).await.unwrap();
    assert!(q.counts.iter().any(|(s, n)| *s == Status::Selesai && *n >= 1));
    let lamps =
        service::queue(&app.db, v.id, None, Some("Jalan dan jembatan"), None, &PageAt::default()).await.unwrap();
    assert!(lamps.rows.iter().all(|r| r.category == "Jalan dan jembatan") && lamps.rows.iter().any(|r| r.id == id));
    let dusun_of_rt = {
        let rw = area::Entity::find_by_id(rt.parent_id.unwrap()).one(&app.db).await.unwrap().unwrap();
        rw.parent_id.unwrap()
    };
    let here = service::queue(&app.db, v.id, Some(Status::Selesai), None, Some(dusun_of_rt), &PageAt::default())
        .await
        .unwrap();
    assert!(here.rows.iter().any(|r| r.id == id));
    let other_dusun = areas(&app, &v, area::DUSUN).await.into_iter().find(|(d, _)| d.id != dusun_of_rt).unwrap().0;
    let there = service::queue(&app.db, v.id, None, None, Some(other_dusun.id), &PageAt::default()).await.unwrap();
    assert!(there.rows.iter().all(|r| r.id != id));

    // The public list: off by default; once on, no reporter anywhere in it.
    assert!(!service::public_list(&app.db, &v, &PageAt::default()).await.unwrap().enabled);
    let v = set(&app, &v, Settings { visitors: false, public_list: true }).await;
    let list = service::public_list(&app.db, &v, &PageAt::default()).await.unwrap();
    assert!(list.enabled && list.rows.len() == 1, "{list:?}");
    assert_eq!(list.rows[0].answer, "Tepi jalan sudah ditambal juga.");
    let Who::Resident { name, .. } = &me else { unreachable!() };
    let json = serde_json::to_string(&list).unwrap();
    assert!(!json.contains(name.as_str()), "{json}");
    let (status, body) = app.call(None, "complaints/public", &[("slug", "kramatwatu"), ("at[page]", "1")]).await;
    assert_eq!(status, 200);
    assert!(body.contains("Tepi jalan sudah ditambal juga.") && !body.contains(name.as_str()), "{body}");
}

async fn every_dusun_gets_the_reports_inside_it(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 6, None).await.village;
    let (me, _) = resident_of(&app, &v, 1).await;
    let dusun = areas(&app, &v, area::DUSUN).await;
    assert!(dusun.len() >= 3);
    for (d, shape) in &dusun {
        let (id, _) = file(&app, &v, &me, &report_at(inner_point(shape).unwrap(), "Air bersih")).await;
        let place = service::detail(&app.db, &v, &me, id, None).await.unwrap().place;
        assert!(place.starts_with(&format!("Dusun {},", d.name)), "{place} in {}", d.name);
        let here = service::queue(&app.db, v.id, None, None, Some(d.id), &PageAt::default()).await.unwrap();
        assert!(here.rows.iter().any(|r| r.id == id));
    }
    // Without a pin, a dusun chosen by hand; a dusun of another village is refused.
    let (first, _) = &dusun[0];
    let by_hand = ReportInput { lat: None, lng: None, area_id: Some(first.id), ..report_at([0.0, 0.0], "Lampu jalan") };
    let (id, _) = file(&app, &v, &me, &by_hand).await;
    assert_eq!(service::detail(&app.db, &v, &me, id, None).await.unwrap().place, format!("Dusun {}", first.name));
    let other = app.seed("36.04.05.2002", 20, 7, None).await.village;
    let foreign =
        area::Entity::find().filter(area::Column::VillageId.eq(other.id)).one(&app.db).await.unwrap().unwrap();
    let wrong = ReportInput { area_id: Some(foreign.id), ..by_hand };
    assert!(matches!(service::report(&app.db, &v, &me, &wrong).await, Err(AppError::Refused(_))));
}

async fn visitors_report_only_where_allowed_and_follow_their_link(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 8, None).await.village;
    let point = inner_point(&areas(&app, &v, area::DUSUN).await[1].1).unwrap();
    let visitor =
        ReportInput { name: "Siti Aminah".into(), phone: "0812-3456-7890".into(), ..report_at(point, "Lampu jalan") };

    // Not allowed by default: the visitor is asked to sign in.
    assert_eq!(service::report(&app.db, &v, &Who::Visitor, &visitor).await.unwrap_err(), AppError::Unauthenticated);
    assert_eq!(service::form(&app.db, &v, &Who::Visitor).await.unwrap_err(), AppError::Unauthenticated);

    let v = set(&app, &v, Settings { visitors: true, public_list: false }).await;
    let nameless = ReportInput { name: String::new(), phone: "12345".into(), ..visitor.clone() };
    let Err(AppError::Refused(p)) = service::report(&app.db, &v, &Who::Visitor, &nameless).await else {
        panic!("a visitor without name and phone is refused")
    };
    assert_eq!(p.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["name", "phone"]);
    let (id, token) = file(&app, &v, &Who::Visitor, &visitor).await;
    let token = token.expect("a visitor gets a secret link");
    assert!(token.len() >= 32);

    // With the link the visitor sees and answers the thread; without it they are asked to sign
    // in, with a wrong one the report does not exist.
    let d = service::detail(&app.db, &v, &Who::Visitor, id, Some(&token)).await.unwrap();
    assert_eq!(d.reporter, "Siti Aminah");
    assert_eq!(d.phone, None, "the phone is for officials");
    service::reply(&app.db, &v, &Who::Visitor, id, Some(&token), "Lampunya berkedip lalu mati total.", None)
        .await
        .unwrap();
    assert_eq!(service::detail(&app.db, &v, &Who::Visitor, id, None).await.unwrap_err(), AppError::Unauthenticated);
    assert_eq!(
        service::detail(&app.db, &v, &Who::Visitor, id, Some("bukan-tautan-yang-benar")).await.unwrap_err(),
        AppError::NotFound
    );
    // Officials see the phone and get a WhatsApp link to answer.
    let kades = Who::Official(official(&app, &v, "kades.v", Role::Kades).await);
    let d = service::detail(&app.db, &v, &kades, id, None).await.unwrap();
    assert_eq!(d.phone.as_deref(), Some("081234567890"));
    assert!(d.whatsapp.unwrap().starts_with("https://wa.me/6281234567890?text="));

    // Over HTTP: the server function refuses a wrong link the same way.
    let id_text = id.to_string();
    let (_, body) =
        app.call(None, "complaints/detail", &[("slug", "kramatwatu"), ("id", &id_text), ("token", "salah")]).await;
    assert!(body.contains("NotFound"), "{body}");
    let (status, body) =
        app.call(None, "complaints/detail", &[("slug", "kramatwatu"), ("id", &id_text), ("token", &token)]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Lampunya berkedip") && !body.contains("081234567890"), "{body}");
}

/// Posts a photo to report `id`; the `Location` the browser is sent back to.
async fn upload(app: &TestApp, cookie: &str, id: i64, token: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .text("t", token.to_string())
        .part("foto", reqwest::multipart::Part::bytes(bytes).file_name("foto.jpg"));
    let res = app
        .client
        .post(format!("{}/api/complaints/kramatwatu/{id}/foto", app.base))
        .header("origin", &app.base)
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{:?}", res.text().await);
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn photos_are_checked_and_shown_only_to_those_allowed(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 9, None).await.village;
    let (me, cookie) = resident_of(&app, &v, 4).await;
    let (_, other_cookie) = resident_of(&app, &v, 9).await;
    let point = inner_point(&areas(&app, &v, area::DUSUN).await[0].1).unwrap();
    let (id, _) = file(&app, &v, &me, &report_at(point, "Saluran dan banjir")).await;

    // A photo is re-encoded; a text file named .jpg is refused with a message.
    let back = upload(&app, &cookie, id, "", png(2000, 1500)).await;
    assert!(back.ends_with(&format!("/kramatwatu/pengaduan/{id}#foto")), "{back}");
    let lying = upload(&app, &cookie, id, "", b"<?php system($_GET['c']); ?>".to_vec()).await;
    assert!(lying.contains("galat="), "{lying}");
    let d = service::detail(&app.db, &v, &me, id, None).await.unwrap();
    assert_eq!(d.photos.len(), 1);
    let url = format!("{}/api/complaints/kramatwatu/foto/{}", app.base, d.photos[0]);
    let mine = app.client.get(&url).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(mine.status().as_u16(), 200);
    assert_eq!(mine.headers()["content-type"], "image/jpeg");
    let stored = image::load_from_memory(&mine.bytes().await.unwrap()).unwrap();
    assert_eq!((stored.width(), stored.height()), (1600, 1200));
    // Nobody else: not signed in (asked to sign in), another resident (not found).
    assert_eq!(app.client.get(&url).send().await.unwrap().status().as_u16(), 401);
    assert_eq!(app.client.get(&url).header("cookie", &other_cookie).send().await.unwrap().status().as_u16(), 404);
    // Another resident cannot add photos to it either.
    let res = app
        .client
        .post(format!("{}/api/complaints/kramatwatu/{id}/foto", app.base))
        .header("origin", &app.base)
        .header("cookie", &other_cookie)
        .multipart(reqwest::multipart::Form::new().part("foto", reqwest::multipart::Part::bytes(png(10, 10))))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(service::detail(&app.db, &v, &me, id, None).await.unwrap().photos.len(), 1);
}
