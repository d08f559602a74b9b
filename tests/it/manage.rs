//! Managing access: the kades manages officials, officials change their passwords, the audit
//! log is browsed and filtered, and the superadmin adds villages and their first accounts.

use crate::common;

use chrono::{Duration, Utc};
use common::{Backend, TestApp, get_with, pair, post_as, session_cookie};
use digdaya::access::session::{self, Client};
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{audit_entry, official, village};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::Value;

db_tests!(
    the_kades_manages_the_villages_officials,
    an_official_changes_their_own_password,
    the_audit_log_is_filtered_and_paged,
    the_superadmin_adds_a_village_and_its_kades,
);

const PASSWORD: &str = "kopi-tubruk-di-sawah";

async fn cookie_of(app: &TestApp, o: &official::Model) -> String {
    let token = session::start_official(&app.db, o, &Client::default(), Utc::now()).await.unwrap();
    format!("digdaya_session={token}")
}

async fn json(res: reqwest::Response) -> Value {
    let text = res.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// Signs in through the server function; returns the session cookie if it worked.
async fn sign_in(app: &TestApp, slug: &str, username: &str, password: &str) -> Option<String> {
    let form = [("slug", slug), ("username", username), ("password", password)];
    session_cookie(&post_as(app, "auth/sign-in", "", "*/*", &form).await).map(|c| pair(&c))
}

async fn actions(app: &TestApp) -> Vec<String> {
    audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .filter(|a| a != "sign_in" && a != "sign_in_failed")
        .collect()
}

async fn the_kades_manages_the_villages_officials(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 20, 1, None).await.village;
    let kades = create_official(&app.db, Some(&a), "kades.a", "Kades A", Role::Kades, PASSWORD).await.unwrap();
    let k = cookie_of(&app, &kades).await;
    let slug = ("slug", "kramatwatu");

    let form = [slug, ("username", "Operator2.A"), ("name", "Siti Operator"), ("role", "operator")];
    let created = json(post_as(&app, "auth/create-official", &k, "*/*", &form).await).await;
    assert_eq!(created["username"], "operator2.a");
    let temporary = created["password"].as_str().unwrap().to_string();
    assert!(temporary.len() >= 20);
    let body = post_as(&app, "auth/create-official", &k, "*/*", &form).await.text().await.unwrap();
    assert!(body.contains("sudah dipakai"), "{body}");
    let bad = [slug, ("username", "a b"), ("name", "X"), ("role", "operator")];
    let body = post_as(&app, "auth/create-official", &k, "*/*", &bad).await.text().await.unwrap();
    assert!(body.contains("Nama pengguna 3"), "{body}");
    let session = sign_in(&app, "kramatwatu", "operator2.a", &temporary).await.expect("the new account signs in");

    let list = json(post_as(&app, "auth/officials", &k, "*/*", &[slug]).await).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!((list[0]["username"].as_str(), list[0]["me"].as_bool()), (Some("kades.a"), Some(true)));
    let id = list[1]["id"].to_string();

    post_as(&app, "auth/set-official-role", &k, "*/*", &[slug, ("id", &id), ("role", "sekdes")]).await;
    let row = official::Entity::find_by_id(list[1]["id"].as_i64().unwrap()).one(&app.db).await.unwrap().unwrap();
    assert_eq!(row.role, digdaya::kit::caller::Role::Sekdes);

    // Deactivation ends the official's sessions and refuses sign-in; reactivation allows it again.
    post_as(&app, "auth/set-official-active", &k, "*/*", &[slug, ("id", &id), ("active", "false")]).await;
    let res = post_as(&app, "auth/admin-overview", &session, "*/*", &[slug]).await;
    assert!(res.text().await.unwrap().contains("Unauthenticated"), "signed out at once");
    assert!(sign_in(&app, "kramatwatu", "operator2.a", &temporary).await.is_none());
    post_as(&app, "auth/set-official-active", &k, "*/*", &[slug, ("id", &id), ("active", "true")]).await;
    assert!(sign_in(&app, "kramatwatu", "operator2.a", &temporary).await.is_some());

    // A reset gives a new password; the old one stops working.
    let reset = json(post_as(&app, "auth/reset-password", &k, "*/*", &[slug, ("id", &id)]).await).await;
    let fresh = reset["password"].as_str().unwrap();
    assert!(sign_in(&app, "kramatwatu", "operator2.a", &temporary).await.is_none());
    assert!(sign_in(&app, "kramatwatu", "operator2.a", fresh).await.is_some());

    // Nobody changes or locks out their own account from the list.
    let own = kades.id.to_string();
    let body = post_as(&app, "auth/set-official-active", &k, "*/*", &[slug, ("id", &own), ("active", "false")])
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("akun Anda sendiri"), "{body}");
    // An account of another village does not exist for this kades.
    let b = app.seed("36.04.05.2002", 10, 2, None).await.village;
    let other = create_official(&app.db, Some(&b), "operator.b", "B", Role::Operator, PASSWORD).await.unwrap();
    let other_id = other.id.to_string();
    let body = post_as(&app, "auth/reset-password", &k, "*/*", &[slug, ("id", &other_id)]).await.text().await.unwrap();
    assert!(body.contains("NotFound"), "{body}");

    assert_eq!(
        actions(&app).await,
        ["official_created", "official_changed", "official_changed", "official_changed", "password_reset",]
    );
    let page = common::strip_markers(&get_with(&app, "/kramatwatu/admin/perangkat", &k).await.text().await.unwrap());
    assert!(page.contains("Siti Operator") && page.contains("Akun Anda"), "{page}");
}

async fn an_official_changes_their_own_password(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 10, 1, None).await.village;
    create_official(&app.db, Some(&a), "sekdes.a", "Sekdes A", Role::Sekdes, PASSWORD).await.unwrap();
    let here = sign_in(&app, "kramatwatu", "sekdes.a", PASSWORD).await.unwrap();
    let there = sign_in(&app, "kramatwatu", "sekdes.a", PASSWORD).await.unwrap();
    let change = |current: &'static str, new: &'static str, repeat: &'static str| {
        let (app, here) = (&app, here.clone());
        async move {
            let form = [("slug", "kramatwatu"), ("current", current), ("new", new), ("repeat", repeat)];
            let res = post_as(app, "auth/change-password", &here, "*/*", &form).await;
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    assert!(
        change("salah-salah-salah", "sawah-hijau-di-pagi-hari", "sawah-hijau-di-pagi-hari")
            .await
            .1
            .contains("saat ini salah")
    );
    assert!(change(PASSWORD, "pendek", "pendek").await.1.contains("minimal 12"));
    assert!(change(PASSWORD, "sawah-hijau-di-pagi-hari", "sawah-hijau-di-pagi").await.1.contains("tidak sama"));
    assert_eq!(change(PASSWORD, "sawah-hijau-di-pagi-hari", "sawah-hijau-di-pagi-hari").await.0, 200);

    let overview = |cookie: String| {
        let app = &app;
        async move { post_as(app, "auth/admin-overview", &cookie, "*/*", &[("slug", "kramatwatu")]).await.status().as_u16() }
    };
    assert_eq!(overview(here.clone()).await, 200, "this session stays");
    assert_ne!(overview(there).await, 200, "the other session ended");
    assert!(sign_in(&app, "kramatwatu", "sekdes.a", PASSWORD).await.is_none());
    assert!(sign_in(&app, "kramatwatu", "sekdes.a", "sawah-hijau-di-pagi-hari").await.is_some());
    assert_eq!(actions(&app).await, ["password_changed"]);
}

async fn the_audit_log_is_filtered_and_paged(backend: Backend) {
    use digdaya::audit::{Action, Actor, Entry, record};
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 10, 1, None).await.village;
    let b = app.seed("36.04.05.2002", 10, 2, None).await.village;
    let sekdes = create_official(&app.db, Some(&a), "sekdes.a", "Euis Sekdes", Role::Sekdes, PASSWORD).await.unwrap();
    for i in 0..70 {
        let (action, actor) = if i % 7 == 0 {
            (Action::SignInFailed, Actor::Anonymous)
        } else {
            (Action::SignIn, Actor::Official { id: sekdes.id, name: "Euis Sekdes".into() })
        };
        let entry =
            Entry { village_id: Some(a.id), actor, action, subject: None, detail: None, ip: Some("10.0.0.9".into()) };
        record(&app.db, entry).await.unwrap();
    }
    let other = Entry {
        village_id: Some(b.id),
        actor: Actor::Anonymous,
        action: Action::SignInFailed,
        subject: None,
        detail: None,
        ip: None,
    };
    record(&app.db, other).await.unwrap();
    // One line from two days ago.
    let mut old: audit_entry::ActiveModel =
        audit_entry::Entity::find().order_by_asc(audit_entry::Column::Id).one(&app.db).await.unwrap().unwrap().into();
    old.created_at = Set(Utc::now() - Duration::days(2));
    old.update(&app.db).await.unwrap();

    let k = cookie_of(&app, &sekdes).await;
    let list = |action: &'static str, who: &'static str, from: String, after: String| {
        let (app, k) = (&app, k.clone());
        async move {
            let form = [
                ("slug", "kramatwatu"),
                ("action", action),
                ("who", who),
                ("from", from.as_str()),
                ("to", ""),
                ("at[page]", if after.is_empty() { "1" } else { "2" }),
                ("at[after]", after.as_str()),
            ];
            json(post_as(app, "audit/list", &k, "*/*", &form).await).await
        }
    };
    let all = list("", "", String::new(), String::new()).await;
    assert_eq!((all["total"].as_u64(), all["links"]["pages"].as_u64()), (Some(70), Some(2)), "A's lines only");
    assert_eq!(all["items"].as_array().unwrap().len(), 50);
    let next = all["links"]["next"]["after"].as_str().unwrap().to_string();
    let second = list("", "", String::new(), next).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 20);
    assert_eq!((second["links"]["page"].as_u64(), second["links"]["next"].is_null()), (Some(2), true));
    assert_eq!(list("sign_in_failed", "", String::new(), String::new()).await["total"], 10);
    assert_eq!(list("", "euis", String::new(), String::new()).await["total"], 60);
    let today = (Utc::now() + Duration::hours(7)).format("%Y-%m-%d").to_string();
    assert_eq!(list("", "", today, String::new()).await["total"], 69, "the line from two days ago is before today");
    let bad = list("", "", "kemarin".into(), String::new()).await;
    assert!(bad.to_string().contains("tidak valid"), "{bad}");

    let page = common::strip_markers(
        &get_with(&app, "/kramatwatu/admin/audit?aksi=sign_in_failed", &k).await.text().await.unwrap(),
    );
    assert!(page.contains("10 catatan") && page.contains("Gagal masuk"), "{page}");
}

async fn the_superadmin_adds_a_village_and_its_kades(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 10, 1, None).await.village;
    create_official(&app.db, None, "admin", "Pengelola Kabupaten", Role::Superadmin, PASSWORD).await.unwrap();
    create_official(&app.db, Some(&a), "kades.a", "Kades A", Role::Kades, PASSWORD).await.unwrap();

    // The superadmin signs in at the deployment, not at a village; village officials the other way round.
    assert!(sign_in(&app, "kramatwatu", "admin", PASSWORD).await.is_none());
    assert!(sign_in(&app, "", "kades.a", PASSWORD).await.is_none());
    let res =
        post_as(&app, "auth/sign-in", "", "text/html", &[("slug", ""), ("username", "admin"), ("password", PASSWORD)])
            .await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (302, "/kelola"));
    let s = pair(&session_cookie(&res).unwrap());
    let anonymous = get_with(&app, "/kelola", "").await;
    assert_eq!(
        (anonymous.status().as_u16(), anonymous.headers()["location"].to_str().unwrap()),
        (302, "/kelola/masuk")
    );

    let hits = json(post_as(&app, "village/regions", &s, "*/*", &[("query", "kramatwatu")]).await).await;
    let hits = hits.as_array().unwrap();
    let existing = hits.iter().find(|h| h["code"] == "36.04.05.2001").expect("Kramatwatu found");
    assert_eq!(existing["existing"], "kramatwatu");
    let hits = json(post_as(&app, "village/regions", &s, "*/*", &[("query", "36.04.05.2002")]).await).await;
    assert_eq!(hits[0]["title"], "Desa Margasana");

    let slug = json(post_as(&app, "village/create", &s, "*/*", &[("code", "36.04.05.2002")]).await).await;
    assert_eq!(slug, "margasana");
    let again = post_as(&app, "village/create", &s, "*/*", &[("code", "36.04.05.2002")]).await.text().await.unwrap();
    assert!(again.contains("sudah ada"), "{again}");
    let bad = post_as(&app, "village/create", &s, "*/*", &[("code", "36.04.05.9999")]).await.text().await.unwrap();
    assert!(bad.contains("tidak ada dalam daftar"), "{bad}");

    let form = [("slug", "margasana"), ("username", "kades.margasana"), ("name", "H. Rahmat"), ("role", "kades")];
    let credential = json(post_as(&app, "auth/create-official", &s, "*/*", &form).await).await;
    let password = credential["password"].as_str().unwrap();
    assert!(sign_in(&app, "margasana", "kades.margasana", password).await.is_some());

    let managed = json(post_as(&app, "village/managed", &s, "*/*", &[]).await).await;
    let counts: Vec<(String, u64)> = managed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["slug"].as_str().unwrap().to_string(), v["officials"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("kramatwatu".to_string(), 1), ("margasana".to_string(), 1)]);
    let margasana = village::Entity::find().filter(village::Column::Slug.eq("margasana")).one(&app.db).await.unwrap();
    let rows = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.is_in(["village_created", "official_created"]))
        .order_by_asc(audit_entry::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter().all(|r| r.village_id == margasana.as_ref().map(|v| v.id)
            && r.actor_name.as_deref() == Some("Pengelola Kabupaten"))
    );
    let page = common::strip_markers(&get_with(&app, "/kelola", &s).await.text().await.unwrap());
    assert!(page.contains("Desa Margasana") && page.contains("1 akun perangkat"), "{page}");
}
