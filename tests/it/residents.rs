//! Residents sign in with NIK and PIN: the PIN an official issues, the forced change, their own
//! page, lockout, indistinguishable unknown NIKs, sessions, and "who accessed my data".

use crate::common;

use chrono::{Duration, Utc};
use common::{Backend, TestApp, get_with, pair, post_as, session_cookie};
use digdaya::access::session::{self, Client};
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{area, audit_entry, family, resident, resident_pin, session as session_row, village};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::Value;

db_tests!(
    a_resident_changes_the_issued_pin_and_sees_their_family,
    unknown_nik_and_wrong_pin_look_the_same,
    a_guessed_nik_is_locked_after_five_failures,
    resident_sessions_idle_out_after_a_week_and_end_on_a_pin_reset,
    a_resident_sees_who_accessed_their_data,
    a_failed_sign_in_without_javascript_shows_its_error,
    residents_of_two_villages_at_once_each_stay_themselves,
);

const PASSWORD: &str = "kopi-tubruk-di-sawah";

struct Setup {
    app: TestApp,
    a: village::Model,
    b: village::Model,
    /// A session cookie of A's operator.
    operator: String,
}

async fn setup(backend: &Backend) -> Setup {
    let app = TestApp::spawn(backend).await;
    let a = app.seed("36.04.05.2001", 60, 1, None).await.village;
    let b = app.seed("36.04.05.2002", 30, 2, None).await.village;
    let o = create_official(&app.db, Some(&a), "operator.a", "Asep Operator", Role::Operator, PASSWORD).await.unwrap();
    let token = session::start_official(&app.db, &o, &Client::default(), Utc::now()).await.unwrap();
    Setup { app, a, b, operator: format!("digdaya_session={token}") }
}

/// A head of a family with other living members, in `village`.
async fn head_of_family(app: &TestApp, village: &village::Model) -> resident::Model {
    let heads = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(village.id))
        .filter(resident::Column::Relationship.eq("KEPALA KELUARGA"))
        .order_by_asc(resident::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    for head in heads {
        let members =
            resident::Entity::find().filter(resident::Column::FamilyId.eq(head.family_id)).all(&app.db).await.unwrap();
        if members.len() >= 3 {
            return head;
        }
    }
    panic!("no family of three");
}

/// Issues a PIN as A's operator; returns the slip.
async fn issue(s: &Setup, resident_id: i64) -> Value {
    let id = resident_id.to_string();
    let res =
        post_as(&s.app, "auth/issue-pin", &s.operator, "*/*", &[("slug", "kramatwatu"), ("resident_id", &id)]).await;
    assert_eq!(res.status().as_u16(), 200);
    serde_json::from_str(&res.text().await.unwrap()).unwrap()
}

/// The resident sign-in as a plain form posts it: (status, location, cookie).
async fn resident_sign_in(app: &TestApp, slug: &str, nik: &str, pin: &str) -> (u16, String, Option<String>) {
    let res =
        post_as(app, "auth/resident-sign-in", "", "text/html", &[("slug", slug), ("nik", nik), ("pin", pin)]).await;
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (res.status().as_u16(), location, session_cookie(&res))
}

/// The same as the hydrated page calls it: the error body.
async fn resident_sign_in_error(app: &TestApp, nik: &str, pin: &str) -> (u16, String) {
    let res =
        post_as(app, "auth/resident-sign-in", "", "*/*", &[("slug", "kramatwatu"), ("nik", nik), ("pin", pin)]).await;
    assert!(session_cookie(&res).is_none());
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn change_pin(app: &TestApp, cookie: &str, current: &str, new: &str, repeat: &str) -> reqwest::Response {
    let form = [("slug", "kramatwatu"), ("current", current), ("new", new), ("repeat", repeat)];
    post_as(app, "auth/change-pin", cookie, "text/html", &form).await
}

async fn a_resident_changes_the_issued_pin_and_sees_their_family(backend: Backend) {
    let s = setup(&backend).await;
    let app = &s.app;
    let head = head_of_family(app, &s.a).await;
    let slip = issue(&s, head.id).await;
    let pin = slip["pin"].as_str().unwrap().to_string();
    assert_eq!(pin.len(), 6);
    assert_eq!(slip["name"], head.name.as_str());
    assert!(!slip.to_string().contains(&head.nik), "the slip shows the NIK masked: {slip}");
    let stored = resident_pin::Entity::find_by_id(head.id).one(&app.db).await.unwrap().unwrap();
    assert!(stored.pin_hash.starts_with("$argon2id$") && !stored.pin_hash.contains(&pin), "only a hash is stored");
    assert!(stored.must_change);

    // The NIK as people type it, with spaces; the issued PIN leads to the PIN change first.
    let typed = format!("{} {} {}", &head.nik[..6], &head.nik[6..12], &head.nik[12..]);
    let (status, location, cookie) = resident_sign_in(app, "kramatwatu", &typed, &pin).await;
    assert_eq!((status, location.as_str()), (302, "/kramatwatu/akun/ganti-pin"));
    let cookie = cookie.expect("session");
    assert!(cookie.contains("HttpOnly") && cookie.contains("Max-Age=2592000"), "{cookie}");
    let me = pair(&cookie);

    let res = post_as(app, "account/profile", &me, "*/*", &[("slug", "kramatwatu")]).await;
    assert!(res.text().await.unwrap().contains("PinChangeRequired"), "nothing else before the change");
    let res = get_with(app, "/kramatwatu/akun", &me).await;
    assert_eq!(
        (res.status().as_u16(), res.headers()["location"].to_str().unwrap()),
        (302, "/kramatwatu/akun/ganti-pin")
    );

    let refused = [
        ("123456", "123456", "urutan angka"),
        ("777777", "777777", "angka yang sama"),
        ("480213", "480214", "tidak sama"),
    ];
    for (new, repeat, says) in refused {
        let res = change_pin(app, &me, &pin, new, repeat).await;
        let body = res.text().await.unwrap();
        assert!(body.contains(says), "{new}/{repeat}: {body}");
    }
    let birth = head.birth_date.format("%d%m%y").to_string();
    let body = change_pin(app, &me, &pin, &birth, &birth).await.text().await.unwrap();
    assert!(body.contains("tanggal lahir"), "{body}");
    let body = change_pin(app, &me, "000001", "480213", "480213").await.text().await.unwrap();
    assert!(body.contains("PIN saat ini salah"), "{body}");
    let res = change_pin(app, &me, &pin, "480213", "480213").await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (302, "/kramatwatu/akun"));
    assert!(!resident_pin::Entity::find_by_id(head.id).one(&app.db).await.unwrap().unwrap().must_change);

    // Their own data and family.
    let res = post_as(app, "account/profile", &me, "*/*", &[("slug", "kramatwatu")]).await;
    let profile: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(profile["nik"], head.nik.as_str());
    assert_eq!(profile["relationship"], "Kepala Keluarga");
    let family = profile["family"].as_array().unwrap();
    assert!(family.len() >= 2, "{profile}");
    assert!(family.iter().all(|m| m.get("nik").is_none()), "family members' NIKs are not sent");
    // The address names the resident's RT and the areas above it, as the registry holds them.
    let fam = family::Entity::find_by_id(head.family_id.unwrap()).one(&app.db).await.unwrap().unwrap();
    assert_eq!(profile["kk"], fam.kk_number.as_str());
    let mut next = head.rt_id.or(fam.rt_id);
    let mut names = Vec::new();
    while let Some(id) = next {
        let a = area::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        let label = match a.level {
            area::DUSUN => s.a.dusun_label.clone(),
            area::RW => "RW".into(),
            _ => "RT".into(),
        };
        names.insert(0, format!("{label} {}", a.name));
        next = a.parent_id;
    }
    assert_eq!(names.len(), 3, "the demo village has dusun, RW and RT");
    assert_eq!(profile["area"], names.join(", ").as_str());
    let page = common::strip_markers(&get_with(app, "/kramatwatu/akun", &me).await.text().await.unwrap());
    assert!(page.contains(&head.name) && page.contains(family[0]["name"].as_str().unwrap()), "{page}");

    // A resident is a stranger to the admin side and to other villages.
    let body = post_as(app, "auth/admin-overview", &me, "*/*", &[("slug", "kramatwatu")]).await.text().await.unwrap();
    assert!(body.contains("Forbidden"), "{body}");
    let body = post_as(app, "account/profile", &me, "*/*", &[("slug", "margasana")]).await.text().await.unwrap();
    assert!(body.contains("NotFound"), "{body}");

    // Sign-out ends it; the new PIN works without another change; the issued one no longer does.
    post_as(app, "auth/sign-out", &me, "*/*", &[("slug", "kramatwatu")]).await;
    let body = post_as(app, "account/profile", &me, "*/*", &[("slug", "kramatwatu")]).await.text().await.unwrap();
    assert!(body.contains("Unauthenticated"), "{body}");
    let (status, location, _) = resident_sign_in(app, "kramatwatu", &head.nik, "480213").await;
    assert_eq!((status, location.as_str()), (302, "/kramatwatu/akun"));
    let (status, _, cookie) = resident_sign_in(app, "kramatwatu", &head.nik, &pin).await;
    assert!(cookie.is_none(), "the issued PIN no longer works ({status})");
    // …and at another village the right NIK and PIN open nothing.
    let (_, _, cookie) = resident_sign_in(app, "margasana", &head.nik, "480213").await;
    assert!(cookie.is_none());
    let _ = s.b;
}

async fn unknown_nik_and_wrong_pin_look_the_same(backend: Backend) {
    let s = setup(&backend).await;
    let app = &s.app;
    let residents = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(s.a.id))
        .order_by_asc(resident::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    for r in &residents[..9] {
        issue(&s, r.id).await;
    }
    // Through HTTP: the same status and body for a known NIK with a wrong PIN, an unknown NIK,
    // a NIK without a PIN and a NIK of another village.
    let foreign = resident::Entity::find().filter(resident::Column::VillageId.eq(s.b.id)).one(&app.db).await.unwrap();
    let cases =
        [residents[0].nik.clone(), "3604050101900999".to_string(), residents[10].nik.clone(), foreign.unwrap().nik];
    let mut answers = Vec::new();
    for nik in &cases {
        answers.push(resident_sign_in_error(app, nik, "480213").await);
    }
    assert!(answers[0].1.contains("NIK atau PIN salah"), "{:?}", answers[0]);
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");

    // And the same work, shown by what the code does rather than by timing it (a busy machine
    // made the timing flaky): the same SQL statements in the same order, exactly one Argon2
    // verification, the same answer. Each attempt is a first failure of its NIK (the same delay).
    let statements = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut db = digdaya::db::connect(&app.url).await.unwrap();
    let log = statements.clone();
    db.set_metric_callback(move |info| log.lock().unwrap().push(info.statement.sql.clone()));
    let village = &s.a;
    let mut traces = Vec::new();
    for nik in [residents[1].nik.clone(), "3604050101900998".to_string(), residents[10].nik.clone()] {
        statements.lock().unwrap().clear();
        let (answer, verifications) = digdaya::auth::password::counting_verifications(
            digdaya::auth::residents::sign_in(&db, village, &nik, "480213", &Client::default()),
        )
        .await;
        let answer = answer.map(|_| ()).unwrap_err();
        traces.push((answer, verifications, statements.lock().unwrap().clone()));
    }
    for (answer, verifications, sql) in &traces {
        assert_eq!(answer, &digdaya::error::AppError::Invalid(digdaya::auth::residents::WRONG_PIN.into()));
        assert_eq!(*verifications, 1, "exactly one Argon2 verification: {sql:?}");
        assert_eq!(sql, &traces[0].2, "the same statements for a known NIK, an unknown one, one without a PIN");
    }
    assert!(traces[0].2.len() >= 3, "{:?}", traces[0].2);
}

async fn a_guessed_nik_is_locked_after_five_failures(backend: Backend) {
    let s = setup(&backend).await;
    let app = &s.app;
    let head = head_of_family(app, &s.a).await;
    let pin = issue(&s, head.id).await["pin"].as_str().unwrap().to_string();
    let wrong = if pin == "480213" { "480214" } else { "480213" };
    for _ in 0..5 {
        let (_, body) = resident_sign_in_error(app, &head.nik, wrong).await;
        assert!(body.contains("NIK atau PIN salah"), "{body}");
    }
    let (_, body) = resident_sign_in_error(app, &head.nik, &pin).await;
    assert!(body.contains("Terlalu banyak percobaan masuk yang gagal") && body.contains("15 menit"), "{body}");
    // An unknown NIK is locked the same way.
    for _ in 0..5 {
        resident_sign_in_error(app, "3604050101900999", wrong).await;
    }
    let (_, unknown) = resident_sign_in_error(app, "3604050101900999", wrong).await;
    assert_eq!(unknown, body, "the lock reveals nothing");
    // Malformed input is refused with its reason, not counted as a guess.
    let (_, body) = resident_sign_in_error(app, "12345", "1234").await;
    assert!(body.contains("NIK harus 16 angka"), "{body}");
}

async fn resident_sessions_idle_out_after_a_week_and_end_on_a_pin_reset(backend: Backend) {
    let s = setup(&backend).await;
    let app = &s.app;
    let head = head_of_family(app, &s.a).await;
    let pin = issue(&s, head.id).await["pin"].as_str().unwrap().to_string();
    let (_, _, cookie) = resident_sign_in(app, "kramatwatu", &head.nik, &pin).await;
    let me = pair(&cookie.unwrap());
    change_pin(app, &me, &pin, "480213", "480213").await;
    let profile = |cookie: String| async move {
        post_as(app, "account/profile", &cookie, "*/*", &[("slug", "kramatwatu")]).await.status().as_u16()
    };
    assert_eq!(profile(me.clone()).await, 200);

    let set_idle = |days: i64| async move {
        let row = session_row::Entity::find()
            .filter(session_row::Column::ResidentId.eq(head.id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let mut active: session_row::ActiveModel = row.into();
        active.last_seen_at = Set(Utc::now() - Duration::days(days));
        active.update(&app.db).await.unwrap();
    };
    set_idle(6).await;
    assert_eq!(profile(me.clone()).await, 200, "six days idle is fine for a resident");
    set_idle(8).await;
    assert_ne!(profile(me.clone()).await, 200, "a week idle ends it");

    // A PIN reset by an official ends every session of the resident at once.
    let (_, _, cookie) = resident_sign_in(app, "kramatwatu", &head.nik, "480213").await;
    let me = pair(&cookie.unwrap());
    assert_eq!(profile(me.clone()).await, 200);
    issue(&s, head.id).await;
    assert_ne!(profile(me).await, 200, "the reset signed the resident out");
    let rows = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("pin_issued"))
        .order_by_asc(audit_entry::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let details: Vec<_> = rows.iter().map(|r| r.detail.clone().unwrap_or_default()).collect();
    assert_eq!(details, ["PIN pertama", "PIN diatur ulang"]);
    assert!(rows.iter().all(|r| r.subject_id == Some(head.id) && r.actor_name.as_deref() == Some("Asep Operator")));

    // A resident recorded as dead (or moved away) holds no session any more.
    let pin = issue(&s, head.id).await["pin"].as_str().unwrap().to_string();
    let (_, _, cookie) = resident_sign_in(app, "kramatwatu", &head.nik, &pin).await;
    let me = pair(&cookie.unwrap());
    change_pin(app, &me, &pin, "592614", "592614").await;
    assert_eq!(profile(me.clone()).await, 200);
    assert_eq!(get_with(app, "/kramatwatu/akun", &me).await.status().as_u16(), 200);
    let mut dead: resident::ActiveModel =
        resident::Entity::find_by_id(head.id).one(&app.db).await.unwrap().unwrap().into();
    dead.status = Set(digdaya::kit::resident::Status::Mati);
    dead.update(&app.db).await.unwrap();
    assert_ne!(profile(me).await, 200, "the dead hold no session");
}

async fn a_resident_sees_who_accessed_their_data(backend: Backend) {
    let s = setup(&backend).await;
    let app = &s.app;
    let head = head_of_family(app, &s.a).await;
    let pin = issue(&s, head.id).await["pin"].as_str().unwrap().to_string();
    resident_sign_in_error(app, &head.nik, if pin == "480213" { "480214" } else { "480213" }).await;
    let (_, _, cookie) = resident_sign_in(app, "kramatwatu", &head.nik, &pin).await;
    let me = pair(&cookie.unwrap());
    change_pin(app, &me, &pin, "480213", "480213").await;

    let res = post_as(app, "account/access", &me, "*/*", &[("slug", "kramatwatu"), ("at[page]", "1")]).await;
    let page: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    let lines: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|e| format!("{} | {}", e["who"], e["what"])).collect();
    assert_eq!(
        lines,
        [
            r#""Anda" | "Warga mengganti PIN""#,
            r#""Anda" | "Masuk""#,
            r#""Tidak dikenal" | "Gagal masuk""#,
            r#""Asep Operator (Operator Desa)" | "PIN warga diberikan/diatur ulang (PIN pertama)""#,
        ],
        "newest first"
    );
    assert!(!res_has_ip(&page), "officials' addresses are not shown to residents");
    let html = common::strip_markers(&get_with(app, "/kramatwatu/akun/akses", &me).await.text().await.unwrap());
    assert!(html.contains("Asep Operator (Operator Desa)"), "{html}");
}

fn res_has_ip(page: &Value) -> bool {
    page.to_string().contains("127.0.0.1")
}

async fn a_failed_sign_in_without_javascript_shows_its_error(backend: Backend) {
    let s = setup(&backend).await;
    let app = &s.app;
    // The browser posts the plain form (no WASM yet) and follows the redirect back.
    let res = app
        .client
        .post(format!("{}/api/auth/resident-sign-in", app.base))
        .header("origin", &app.base)
        .header("referer", format!("{}/kramatwatu/masuk", app.base))
        .header("accept", "text/html")
        .form(&[("slug", "kramatwatu"), ("nik", "3604050101900999"), ("pin", "480213")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 302);
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert!(back.starts_with(&format!("{}/kramatwatu/masuk?", app.base)) && back.contains("__err="), "{back}");
    let path = back.trim_start_matches(&app.base).to_string();
    let page = common::strip_markers(&get_with(app, &path, "").await.text().await.unwrap());
    assert!(page.contains("NIK atau PIN salah"), "the page shows the error: {page}");
    // Shown once, at the resident form; the officials' form stays clean.
    assert_eq!(page.matches("role=\"alert\"").count(), 1, "{page}");
}

/// Many requests of two residents of two villages at once: one's pages (a render shares one
/// session lookup among its server functions) and the other's reports. Each request must act as
/// its own resident; a server function that found a page render's shared lookup acted as the
/// other resident and was refused ("not found").
async fn residents_of_two_villages_at_once_each_stay_themselves(backend: Backend) {
    let s = setup(&backend).await;
    let app = &s.app;
    let (_, reader) = common::resident_with_pin(app, &s.a, 1).await;
    let (_, writer) = common::resident_with_pin(app, &s.b, 1).await;
    let dusun = area::Entity::find()
        .filter(area::Column::VillageId.eq(s.b.id))
        .filter(area::Column::Level.eq(area::DUSUN))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let report = serde_json::json!({"slug": s.b.slug, "input": {
        "category": "Lampu jalan", "body": "Lampu jalan di depan mushola padam sejak tiga hari.",
        "lat": null, "lng": null, "area_id": dusun.id, "name": "", "phone": ""}});
    let page = format!("{}/{}/akun", app.base, s.a.slug);
    let tasks: Vec<_> = (0..160)
        .map(|i| {
            let (client, base, page, report) = (app.client.clone(), app.base.clone(), page.clone(), report.clone());
            let (reader, writer) = (reader.clone(), writer.clone());
            tokio::spawn(async move {
                let res = if i % 2 == 0 {
                    client.get(&page).header("cookie", reader).header("accept", "text/html").send().await.unwrap()
                } else {
                    let url = format!("{base}/api/complaints/report");
                    client
                        .post(url)
                        .header("origin", &base)
                        .header("cookie", writer)
                        .json(&report)
                        .send()
                        .await
                        .unwrap()
                };
                (i, res.status().as_u16(), res.text().await.unwrap())
            })
        })
        .collect();
    for task in tasks {
        let (i, status, body) = task.await.unwrap();
        assert_eq!(status, 200, "request {i}: {}", &body[..body.len().min(200)]);
        if i % 2 == 1 {
            // Filed: where to follow it (a signed-in resident needs no secret link).
            let filed: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(filed["id"].as_i64().is_some_and(|id| id > 0) && filed["token"].is_null(), "request {i}: {body}");
        }
    }
}
