//! The partner API (`/api/v1/`): public data without a key and without personal data, village
//! data only for the village's officials and the tokens made for it (scopes checked for every
//! kind of caller, like the roles in tests/access.rs), paging by cursor, JSON refusals, the
//! OpenAPI document, the shared rate limiter.

use crate::common;

use chrono::Utc;
use common::{Backend, TestApp, resident_with_pin};
use digdaya::access::session;
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{audit_entry, letter_event, letter_request, official, resident};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

db_tests!(
    public_data_needs_no_key_and_carries_no_personal_data,
    village_data_is_for_its_officials_and_its_tokens,
    partners_pass_on_letter_requests_with_the_write_scope,
    lists_are_paged_by_cursor,
    the_rate_limiter_counts_per_key_and_window,
);

const A: &str = "36.04.05.2001";
const B: &str = "36.04.05.2002";

async fn get(app: &TestApp, path: &str, auth: &Auth) -> (u16, Value) {
    let mut req = app.client.get(format!("{}{path}", app.base));
    req = auth.apply(req);
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let kind = res.headers().get("content-type").map(|h| h.to_str().unwrap().to_string()).unwrap_or_default();
    let text = res.text().await.unwrap();
    assert!(kind.starts_with("application/json") || kind.starts_with("application/geo+json"), "{path}: {kind} {text}");
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}")))
}

async fn post(app: &TestApp, path: &str, auth: &Auth, body: &Value) -> (u16, Value) {
    let res = auth.apply(app.client.post(format!("{}{path}", app.base))).json(body).send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// How a request says who it is.
#[derive(Debug, Clone)]
enum Auth {
    None,
    Token(String),
    Cookie(String),
}

impl Auth {
    fn apply(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::None => req,
            Auth::Token(t) => req.bearer_auth(t),
            Auth::Cookie(c) => req.header("cookie", c),
        }
    }
}

async fn official_cookie(
    app: &TestApp,
    v: Option<&digdaya::db::entities::village::Model>,
    user: &str,
    role: Role,
) -> Auth {
    let o = create_official(&app.db, v, user, "Perangkat", role, "kopi-tubruk-di-sawah").await.unwrap();
    let row = official::Entity::find_by_id(o.id).one(&app.db).await.unwrap().unwrap();
    let token = session::start_official(&app.db, &row, &session::Client::default(), Utc::now()).await.unwrap();
    Auth::Cookie(format!("digdaya_session={token}"))
}

async fn token(app: &TestApp, villages: &[i64], write: bool) -> Auth {
    let (_, t) = digdaya::api::tokens::create(&app.db, "Sistem Mitra Uji", villages, write, Utc::now()).await.unwrap();
    assert!(t.starts_with("dgd_") && t.len() > 30);
    Auth::Token(t)
}

async fn public_data_needs_no_key_and_carries_no_personal_data(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed(A, 120, 3, None).await.village;
    app.seed(B, 30, 4, None).await;
    let none = Auth::None;

    let (status, list) = get(&app, "/api/v1/villages", &none).await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["code"], A);
    assert_eq!(list["items"][0]["portal"], format!("/{}", a.slug));
    assert_eq!(get(&app, "/api/v1/villages?region=36.04", &none).await.1["total"], 2);
    assert_eq!(get(&app, "/api/v1/villages?region=31", &none).await.1["total"], 0);
    assert_eq!(get(&app, &format!("/api/v1/villages?q={}", &a.name[..4]), &none).await.1["items"][0]["code"], A);
    for bad in ["region=36.4", "region=abc", "limit=0", "limit=101", "limit=x", "cursor=%3Cscript%3E"] {
        let (status, body) = get(&app, &format!("/api/v1/villages?{bad}"), &none).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid")), "{bad}: {body}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }

    let (status, v) = get(&app, &format!("/api/v1/villages/{}", a.slug), &none).await;
    assert_eq!((status, v["code"].as_str()), (200, Some(A)));
    let (status, body) = get(&app, "/api/v1/villages/tidak-ada", &none).await;
    assert_eq!(
        (status, body["error"].as_str(), body["message"].as_str()),
        (404, Some("not_found"), Some("Data tidak ditemukan."))
    );
    assert_eq!(get(&app, "/api/v1/tidak-ada", &none).await.0, 404);
    // A NUL never reaches the database (PostgreSQL would refuse it with an error).
    assert_eq!(get(&app, "/api/v1/villages/kramat%00watu", &none).await.0, 404);
    assert_eq!(get(&app, "/api/v1/villages?q=a%00b", &none).await.0, 400);
    assert_eq!(get(&app, &format!("/api/v1/villages/{}/articles/abc", a.slug), &none).await.0, 400);

    let (status, stats) = get(&app, &format!("/api/v1/villages/{}/statistics", a.slug), &none).await;
    assert_eq!(status, 200);
    let living = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(a.id))
        .filter(resident::Column::Status.eq("hidup"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(stats["residents"].as_u64(), Some(living.len() as u64));
    assert_eq!(stats["age_groups"].as_array().unwrap().len(), 16);
    // Small cells are null, never their number.
    let cells: Vec<&Value> = stats["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["rows"].as_array().unwrap())
        .map(|r| &r["count"])
        .collect();
    assert!(cells.iter().all(|c| c.is_null() || c.as_u64().is_some_and(|n| n == 0 || n >= 5)), "{cells:?}");
    assert!(cells.iter().any(|c| c.is_null()), "120 residents have some small cell");

    let (status, areas) = get(&app, &format!("/api/v1/villages/{}/areas", a.slug), &none).await;
    assert_eq!(status, 200);
    assert!(!areas[0]["rw"][0]["rt"].as_array().unwrap().is_empty(), "{areas}");

    let (status, layers) = get(&app, &format!("/api/v1/villages/{}/map/layers", a.slug), &none).await;
    assert_eq!(status, 200);
    for layer in layers.as_array().unwrap() {
        let (status, geo) = get(&app, layer["url"].as_str().unwrap(), &none).await;
        assert_eq!((status, geo["type"].as_str()), (200, Some("FeatureCollection")), "{layer}");
    }
    let path = format!("/api/v1/villages/{}/map/layers/pengaduan", a.slug);
    assert_eq!(get(&app, &path, &none).await.0, 404, "the complaints layer is not public");
    assert_eq!(get(&app, &format!("/api/v1/villages/{}/map/layers/batas?bbox=1,2", a.slug), &none).await.0, 400);

    assert_eq!(get(&app, &format!("/api/v1/villages/{}/products", a.slug), &none).await.0, 200);
    assert_eq!(get(&app, &format!("/api/v1/villages/{}/articles", a.slug), &none).await.0, 200);

    // Nothing public names a resident's NIK or No. KK.
    let mut public = String::new();
    for path in ["", "/statistics", "/areas", "/map/layers", "/products", "/articles"] {
        public.push_str(&get(&app, &format!("/api/v1/villages/{}{path}", a.slug), &none).await.1.to_string());
    }
    for r in &living {
        assert!(!public.contains(&r.nik), "NIK of {} is public", r.name);
    }

    let (status, doc) = get(&app, "/api/v1/openapi.json", &none).await;
    assert_eq!((status, doc["openapi"].as_str()), (200, Some("3.1.0")));
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 11, "{:?}", paths.keys());
    assert!(doc["paths"]["/api/v1/villages/{slug}/letter-requests"]["post"]["security"].is_array());
}

async fn village_data_is_for_its_officials_and_its_tokens(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed(A, 60, 3, None).await.village;
    let b = app.seed(B, 20, 4, None).await.village;
    let revoked = token(&app, &[a.id], true).await;
    let revoked_id = digdaya::api::tokens::list(&app.db).await.unwrap()[0].id;
    assert!(digdaya::api::tokens::revoke(&app.db, revoked_id, Utc::now()).await.unwrap());
    let (_, resident) = resident_with_pin(&app, &a, 0).await;
    let callers = [
        ("nobody", Auth::None, 401),
        ("unknown token", Auth::Token("dgd_bukan-token-yang-dibuat".into()), 401),
        ("revoked token", revoked, 401),
        ("token of A (read)", token(&app, &[a.id], false).await, 200),
        ("token of A (write)", token(&app, &[a.id], true).await, 200),
        ("token of A and B", token(&app, &[b.id, a.id], false).await, 200),
        ("token of B", token(&app, &[b.id], true).await, 403),
        ("operator of A", official_cookie(&app, Some(&a), "operator.api", Role::Operator).await, 200),
        ("kades of A", official_cookie(&app, Some(&a), "kades.api", Role::Kades).await, 200),
        ("kades of B", official_cookie(&app, Some(&b), "kades.b.api", Role::Kades).await, 403),
        ("superadmin", official_cookie(&app, None, "admin.api", Role::Superadmin).await, 403),
        ("resident of A", Auth::Cookie(resident), 401),
    ];
    for path in ["residents", "letter-requests", "residents?status=semua", "letter-requests?status=siap"] {
        for (who, auth, want) in &callers {
            let (status, body) = get(&app, &format!("/api/v1/villages/{}/{path}", a.slug), auth).await;
            assert_eq!(status, *want, "{who} on {path}: {body}");
            if *want != 200 {
                assert!(body["error"].is_string() && body.get("items").is_none(), "{who}: {body}");
            }
        }
    }
    // A partner's reading is in the village's audit log, by its name.
    let reads = audit_entry::Entity::find()
        .filter(audit_entry::Column::VillageId.eq(a.id))
        .filter(audit_entry::Column::Action.eq("api_residents_read"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(reads.len(), 2 * 5, "two reads by each of five allowed callers");
    assert!(reads.iter().any(|r| r.actor_kind == "partner" && r.actor_name.as_deref() == Some("Sistem Mitra Uji")));

    // What an allowed caller gets: full NIK and No. KK, by area.
    let reader = &callers[3].1;
    let (_, page) = get(&app, &format!("/api/v1/villages/{}/residents?limit=100", a.slug), reader).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, page["total"].as_u64().unwrap());
    assert!(items.iter().all(|r| r["nik"].as_str().unwrap().len() == 16 && r["kk"].as_str().unwrap().len() == 16));
    let (_, areas) = get(&app, &format!("/api/v1/villages/{}/areas", a.slug), &Auth::None).await;
    let dusun = areas[0]["id"].as_i64().unwrap();
    let rt = areas[0]["rw"][0]["rt"][0]["id"].as_i64().unwrap();
    let (_, in_dusun) =
        get(&app, &format!("/api/v1/villages/{}/residents?dusun={dusun}&limit=100", a.slug), reader).await;
    let n = in_dusun["items"].as_array().unwrap().len();
    assert!(n > 0 && n < items.len());
    assert!(in_dusun["items"].as_array().unwrap().iter().all(|r| r["dusun_id"].as_i64() == Some(dusun)));
    let (_, in_rt) = get(&app, &format!("/api/v1/villages/{}/residents?rt={rt}", a.slug), reader).await;
    assert!(in_rt["items"].as_array().unwrap().iter().all(|r| r["rt_id"].as_i64() == Some(rt)));
    // An area of another village is not a filter here.
    let (_, areas_b) = get(&app, &format!("/api/v1/villages/{}/areas", b.slug), &Auth::None).await;
    let dusun_b = areas_b[0]["id"].as_i64().unwrap();
    let (status, _) = get(&app, &format!("/api/v1/villages/{}/residents?dusun={dusun_b}", a.slug), reader).await;
    assert_eq!(status, 400);
    assert_eq!(get(&app, &format!("/api/v1/villages/{}/residents?status=x", a.slug), reader).await.0, 400);
}

async fn partners_pass_on_letter_requests_with_the_write_scope(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed(A, 40, 3, None).await.village;
    let b = app.seed(B, 20, 4, None).await.village;
    let person = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(a.id))
        .filter(resident::Column::Status.eq("hidup"))
        .order_by_asc(resident::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let path = format!("/api/v1/villages/{}/letter-requests", a.slug);
    let good =
        serde_json::json!({"nik": person.nik, "kind": "pengantar", "values": {"keperluan": "administrasi bank"}});
    let writer = token(&app, &[a.id], true).await;
    for (who, auth, want) in [
        ("nobody", Auth::None, 401),
        ("reader of A", token(&app, &[a.id], false).await, 403),
        ("writer of B", token(&app, &[b.id], true).await, 403),
        ("kades of A (session)", official_cookie(&app, Some(&a), "kades.api", Role::Kades).await, 403),
    ] {
        let (status, body) = post(&app, &path, &auth, &good).await;
        assert_eq!(status, want, "{who}: {body}");
    }
    assert_eq!(
        letter_request::Entity::find()
            .filter(letter_request::Column::VillageId.eq(a.id))
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        0
    );

    let (status, made) = post(&app, &path, &writer, &good).await;
    assert_eq!((status, made["status"].as_str()), (201, Some("diperiksa")), "{made}");
    let id = made["id"].as_i64().unwrap();
    let row = letter_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!((row.village_id, row.resident_id, row.status.as_str()), (a.id, person.id, "diperiksa"));
    let history =
        letter_event::Entity::find().filter(letter_event::Column::RequestId.eq(id)).all(&app.db).await.unwrap();
    assert!(history.iter().any(|e| e.note.as_deref() == Some("Diajukan melalui Sistem Mitra Uji")), "{history:?}");
    let (_, listed) = get(&app, &format!("{path}?status=diperiksa"), &writer).await;
    assert!(listed["items"].as_array().unwrap().iter().any(|r| r["id"].as_i64() == Some(id)));

    // Bad input: refused whole, with what is wrong.
    let cases = [
        (serde_json::json!({"nik": "123", "kind": "pengantar"}), 400, "nik"),
        (serde_json::json!({"nik": person.nik, "kind": "tidak-ada"}), 400, "kind"),
        (serde_json::json!({"kind": "pengantar"}), 400, "nik"),
        (serde_json::json!({"nik": person.nik, "kind": "pengantar", "lain": 1}), 400, "lain"),
        (serde_json::json!({"nik": person.nik, "kind": "pengantar", "values": {}}), 422, "keperluan"),
        (serde_json::json!({"nik": person.nik, "kind": "penga\0ntar"}), 400, "kind"),
        (
            serde_json::json!({"nik": person.nik, "kind": "pengantar", "values": {"keperluan": "a\0b"}}),
            400,
            "keperluan",
        ),
    ];
    for (body, want, mentions) in cases {
        let (status, answer) = post(&app, &path, &writer, &body).await;
        assert_eq!(status, want, "{body}: {answer}");
        assert!(answer.to_string().contains(mentions), "{body}: {answer}");
    }
    // A resident of another village is not found here.
    let stranger =
        resident::Entity::find().filter(resident::Column::VillageId.eq(b.id)).one(&app.db).await.unwrap().unwrap();
    let (status, _) = post(&app, &path, &writer, &serde_json::json!({"nik": stranger.nik, "kind": "pengantar"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        letter_request::Entity::find()
            .filter(letter_request::Column::VillageId.eq(a.id))
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn lists_are_paged_by_cursor(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed(A, 130, 3, None).await.village;
    let reader = token(&app, &[a.id], false).await;
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/villages/{}/residents?status=semua&limit=40", a.slug);
    let mut pages = 0;
    let total = loop {
        let (status, page) = get(&app, &path, &reader).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        seen.extend(page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/villages/{}/residents?status=semua&limit=40&cursor={c}", a.slug),
            None => break page["total"].as_u64().unwrap(),
        }
    };
    let all = resident::Entity::find().filter(resident::Column::VillageId.eq(a.id)).all(&app.db).await.unwrap();
    assert_eq!((seen.len() as u64, total), (all.len() as u64, all.len() as u64));
    assert_eq!(pages, all.len().div_ceil(40));
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, seen, "ascending ids, none twice");
}

async fn the_rate_limiter_counts_per_key_and_window(backend: Backend) {
    use digdaya::db::rate::hit;
    let app = TestApp::spawn(&backend).await;
    let t = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:10Z").unwrap().with_timezone(&Utc);
    for n in 1..=3 {
        let v = hit(&app.db, "uji:a", 3, 60, t).await.unwrap();
        assert!(v.allowed && v.remaining == 3 - n && v.reset_in == 50, "{n}: {v:?}");
    }
    let over = hit(&app.db, "uji:a", 3, 60, t + chrono::Duration::seconds(5)).await.unwrap();
    assert!(!over.allowed && over.remaining == 0 && over.reset_in == 45);
    assert!(hit(&app.db, "uji:b", 3, 60, t).await.unwrap().allowed, "another key has its own count");
    let next = hit(&app.db, "uji:a", 3, 60, t + chrono::Duration::seconds(50)).await.unwrap();
    assert!(next.allowed && next.remaining == 2, "a new window starts afresh: {next:?}");
    // Windows long over are removed when a new one starts.
    hit(&app.db, "uji:c", 3, 60, t + chrono::Duration::hours(3)).await.unwrap();
    let left = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(app.db.get_database_backend(), "SELECT hits FROM rate_windows"))
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
}
