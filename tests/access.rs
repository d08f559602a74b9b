//! The access table: every server function with who may call it, checked for every kind of
//! caller. A server function that is not in the table fails `every_server_function_is_listed`.

mod common;

use chrono::Utc;
use common::{Backend, TestApp};
use digdaya::auth::{model::Role, service::create_official, session};

/// Who may call a server function.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// Anyone, signed in or not (public pages, sign-in itself).
    Anyone,
    /// Officials of the village in the URL with one of these roles.
    Officials(&'static [Role]),
}

const VILLAGE_ROLES: &[Role] = &[Role::Operator, Role::Sekdes, Role::Kades];

/// A server function's endpoint under /api, who may call it, and arguments naming village A.
type Entry = (&'static str, Access, &'static [(&'static str, &'static str)]);

const TABLE: &[Entry] = &[
    ("village/info", Access::Anyone, &[("slug", "kramatwatu")]),
    ("village/list", Access::Anyone, &[("query", ""), ("page", "1")]),
    ("population/summary", Access::Anyone, &[("slug", "kramatwatu")]),
    ("population/stats", Access::Anyone, &[("slug", "kramatwatu")]),
    ("population/areas", Access::Anyone, &[("slug", "kramatwatu")]),
    ("auth/sign-in", Access::Anyone, &[("slug", "kramatwatu"), ("username", "x"), ("password", "y")]),
    ("auth/sign-out", Access::Anyone, &[("slug", "kramatwatu")]),
    ("auth/admin-overview", Access::Officials(VILLAGE_ROLES), &[("slug", "kramatwatu")]),
    ("auth/sessions", Access::Officials(VILLAGE_ROLES), &[("slug", "kramatwatu")]),
    ("auth/end-session", Access::Officials(VILLAGE_ROLES), &[("slug", "kramatwatu"), ("id", "none")]),
];

#[test]
fn every_server_function_is_listed() {
    let mut registered: Vec<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    registered.sort();
    let mut listed: Vec<String> = TABLE.iter().map(|(e, _, _)| format!("/api/{e}")).collect();
    listed.sort();
    assert_eq!(registered, listed, "add the new server function to TABLE with the roles it allows");
}

db_tests!(each_caller_gets_what_the_table_says);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Anonymous,
    Own(Role),
    OtherVillage,
}

async fn each_caller_gets_what_the_table_says(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 20, 1, None).await.village;
    let b = app.seed("36.04.05.2002", 20, 2, None).await.village;
    let password = "kopi-tubruk-di-sawah";
    let mut officials = Vec::new();
    for role in VILLAGE_ROLES {
        let o =
            create_official(&app.db, Some(&a), &format!("{}.a", role.as_str()), "A", *role, password).await.unwrap();
        officials.push((Caller::Own(*role), o));
    }
    let other = create_official(&app.db, Some(&b), "kades.b", "B", Role::Kades, password).await.unwrap();
    officials.push((Caller::OtherVillage, other));

    let mut callers = vec![(Caller::Anonymous, None)];
    callers.extend(officials.into_iter().map(|(c, o)| (c, Some(o))));
    for (endpoint, access, args) in TABLE {
        for (caller, official) in &callers {
            // A fresh session per call: sign-out ends the one it is given.
            let cookie = match official {
                Some(o) => {
                    let token = session::start_official(&app.db, o, &Default::default(), Utc::now()).await.unwrap();
                    format!("digdaya_session={token}")
                }
                None => String::new(),
            };
            let res = app
                .client
                .post(format!("{}/api/{endpoint}", app.base))
                .header("origin", &app.base)
                .header("cookie", cookie)
                .form(args)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            let refused = ["\"Unauthenticated\"", "\"Forbidden\"", "\"NotFound\""];
            let what = format!("{endpoint} as {caller:?}: {status} {body}");
            match (access, caller) {
                (Access::Anyone, _) => assert!(!refused.iter().any(|r| body.contains(r)), "{what}"),
                (Access::Officials(_), Caller::Anonymous) => assert!(body.contains("Unauthenticated"), "{what}"),
                (Access::Officials(_), Caller::OtherVillage) => assert!(body.contains("NotFound"), "{what}"),
                (Access::Officials(roles), Caller::Own(role)) if roles.contains(role) => {
                    assert_eq!(status, 200, "{what}")
                }
                (Access::Officials(_), Caller::Own(_)) => assert!(body.contains("Forbidden"), "{what}"),
            }
        }
    }
}
