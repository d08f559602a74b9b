//! The access table: every server function with who may call it, checked for every kind of
//! caller. A server function that is not in the table fails `every_server_function_is_listed`.

use crate::common;

use chrono::Utc;
use common::{Backend, TestApp};
use digdaya::access::session;
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{complaint, correction_request, letter_request, letter_type, resident, resident_pin};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

/// Who may call a server function.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// Anyone, signed in or not (public pages, sign-in itself).
    Anyone,
    /// Officials of the village in the URL with one of these roles (and the superadmin when
    /// `Superadmin` is listed).
    Officials(&'static [Role]),
    /// Residents of the village in the URL who have chosen their own PIN.
    Residents,
    /// Residents of the village, also while they must change the issued PIN.
    ResidentsChangingPin,
    /// Anybody signed in to the village in the URL.
    AnySignedIn,
    /// Officials of the village (any role) and its residents who have chosen their own PIN.
    ResidentsOrOfficials,
    /// The deployment's superadmin only.
    Superadmin,
    /// Regional officers (role `wilayah`) only.
    Regional,
}

const VILLAGE_ROLES: &[Role] = &[Role::Operator, Role::Sekdes, Role::Kades];
const MANAGERS: &[Role] = &[Role::Kades, Role::Superadmin];

/// A server function's endpoint under /api, who may call it, and arguments naming village A.
/// `TARGET`, `RESIDENT`, `FAMILY` and `CORRECTION` are replaced by the ids of an official, a
/// resident of A who are not callers, that resident's family and a correction request of theirs;
/// `TYPE`, `LETTER` and `COMPLAINT` by a letter type of A, a letter request and a complaint of the
/// `Resident` caller; `FEATURE` by a map feature of A made afresh for each call; `SHOP` by an
/// approved shop of the `Resident` caller, `PRODUCT` and `PHOTO` by a product of it and a photo
/// of that, made afresh for each call; `ARTICLE` by a published article of A, `PERSON`,
/// `ANNOUNCEMENT`, `EVENT`, `ALBUM` and `GALLERY_PHOTO` by a person on A's profile, an announcement,
/// an event, an album and a photo in it, likewise. The endpoints in `JSON` take
/// a JSON body (their arguments are structs); the others a form.
type Entry = (&'static str, Access, &'static [(&'static str, &'static str)]);

const A: (&str, &str) = ("slug", "kramatwatu");

const JSON: &[&str] = &[
    "population/residents",
    "population/save",
    "population/arrival",
    "population/event",
    "population/accept-arrival",
    "letters/save-type",
    "letters/request",
    "letters/walk-in",
    "letters/save-settings",
    "complaints/report",
    "complaints/queue",
    "complaints/save-settings",
    "map/save",
    "market/catalogue",
    "market/region",
    "market/open",
    "market/update",
    "market/product/save",
    "portal/save-article",
    "portal/preview",
    "portal/save-profile",
    "portal/save-person",
    "portal/save-announcement",
    "portal/save-event",
    "portal/save-budget",
];

const TABLE: &[Entry] = &[
    ("village/info", Access::Anyone, &[A]),
    ("portal/directory", Access::Anyone, &[("query", ""), ("at[page]", "1")]),
    ("portal/gallery", Access::Anyone, &[A]),
    ("portal/album", Access::Anyone, &[A, ("id", "ALBUM")]),
    ("portal/gallery-edit", Access::Officials(VILLAGE_ROLES), &[A]),
    ("portal/save-album", Access::Officials(VILLAGE_ROLES), &[A, ("title", "Album uji")]),
    ("portal/delete-album", Access::Officials(VILLAGE_ROLES), &[A, ("id", "ALBUM")]),
    ("portal/delete-photo", Access::Officials(VILLAGE_ROLES), &[A, ("id", "GALLERY_PHOTO")]),
    ("village/managed", Access::Superadmin, &[]),
    ("village/regions", Access::Superadmin, &[("query", "margasana")]),
    ("village/create", Access::Superadmin, &[("code", "36.04.05.2003")]),
    ("regency/overview", Access::Regional, &[]),
    ("population/stats", Access::Anyone, &[A]),
    ("auth/sign-in", Access::Anyone, &[A, ("username", "x"), ("password", "y")]),
    ("auth/resident-sign-in", Access::Anyone, &[A, ("nik", "3604050101900999"), ("pin", "480213")]),
    ("auth/sign-out", Access::Anyone, &[A]),
    ("auth/admin-overview", Access::Officials(VILLAGE_ROLES), &[A]),
    ("auth/sessions", Access::AnySignedIn, &[A]),
    ("auth/end-session", Access::AnySignedIn, &[A, ("id", "none")]),
    ("auth/change-password", Access::Officials(VILLAGE_ROLES), &[A, ("current", "x"), ("new", "y"), ("repeat", "y")]),
    (
        "auth/change-pin",
        Access::ResidentsChangingPin,
        &[A, ("current", "000000"), ("new", "480213"), ("repeat", "480213")],
    ),
    ("auth/officials", Access::Officials(MANAGERS), &[A]),
    (
        "auth/create-official",
        Access::Officials(MANAGERS),
        &[A, ("username", "baru.a"), ("name", "Baru"), ("role", "operator")],
    ),
    ("auth/set-official-role", Access::Officials(MANAGERS), &[A, ("id", "TARGET"), ("role", "operator")]),
    ("auth/set-official-active", Access::Officials(MANAGERS), &[A, ("id", "TARGET"), ("active", "true")]),
    ("auth/reset-password", Access::Officials(MANAGERS), &[A, ("id", "TARGET")]),
    ("auth/pin-residents", Access::Officials(VILLAGE_ROLES), &[A, ("query", ""), ("at[page]", "1")]),
    ("auth/issue-pin", Access::Officials(VILLAGE_ROLES), &[A, ("resident_id", "RESIDENT")]),
    ("account/profile", Access::Residents, &[A]),
    ("account/access", Access::Residents, &[A, ("at[page]", "1")]),
    ("population/options", Access::Officials(VILLAGE_ROLES), &[A]),
    ("population/residents", Access::Officials(VILLAGE_ROLES), &[A, ("filter", "{}"), ("at", "{}")]),
    ("population/resident", Access::Officials(VILLAGE_ROLES), &[A, ("id", "RESIDENT"), ("full", "true")]),
    ("population/save", Access::Officials(VILLAGE_ROLES), &[A, ("id", "null"), ("data", "{}")]),
    ("population/arrival", Access::Officials(VILLAGE_ROLES), &[A, ("data", "{}"), ("event", r#"{"kind":"lahir"}"#)]),
    ("population/event", Access::Officials(VILLAGE_ROLES), &[A, ("event", r#"{"kind":"mati"}"#)]),
    ("population/events", Access::Officials(VILLAGE_ROLES), &[A, ("year", "2026")]),
    ("population/family", Access::Officials(VILLAGE_ROLES), &[A, ("id", "FAMILY"), ("address", "Jl. Kenanga 3")]),
    ("population/registry-stats", Access::Officials(VILLAGE_ROLES), &[A]),
    ("population/corrections", Access::Officials(VILLAGE_ROLES), &[A, ("open_only", "true")]),
    (
        "population/resolve-correction",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("id", "CORRECTION"), ("accept", "true"), ("response", "")],
    ),
    ("population/arrivals", Access::Officials(VILLAGE_ROLES), &[A]),
    ("population/arrival-data", Access::Officials(VILLAGE_ROLES), &[A, ("id", "ARRIVAL")]),
    (
        "population/accept-arrival",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("id", "ARRIVAL"), ("data", "{}"), ("event", "{}")],
    ),
    (
        "population/refuse-arrival",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("id", "ARRIVAL"), ("reason", "Belum ada surat pindah.")],
    ),
    ("population/import-state", Access::Officials(VILLAGE_ROLES), &[A, ("token", "none")]),
    ("population/import-run", Access::Officials(VILLAGE_ROLES), &[A, ("token", "none")]),
    ("population/request-correction", Access::Residents, &[A, ("message", "Nama ibu saya salah tulis.")]),
    ("population/my-corrections", Access::Residents, &[A]),
    ("letters/types", Access::Anyone, &[A]),
    ("letters/type", Access::Anyone, &[A, ("id", "TYPE")]),
    ("letters/verify", Access::Anyone, &[A, ("code", "TIDAKADA"), ("d", ""), ("s", "")]),
    ("letters/admin-types", Access::Officials(VILLAGE_ROLES), &[A]),
    ("letters/type-form", Access::Officials(VILLAGE_ROLES), &[A, ("id", "TYPE")]),
    ("letters/save-type", Access::Officials(&[Role::Kades, Role::Sekdes]), &[A, ("id", "null"), ("form", "{}")]),
    ("letters/request", Access::Residents, &[A, ("type_id", "TYPE"), ("values", "{}")]),
    (
        "letters/walk-in",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("resident_id", "RESIDENT"), ("type_id", "TYPE"), ("values", "{}")],
    ),
    ("letters/mine", Access::Residents, &[A]),
    ("letters/family", Access::Residents, &[A]),
    ("letters/detail", Access::ResidentsOrOfficials, &[A, ("id", "LETTER")]),
    ("letters/step", Access::ResidentsOrOfficials, &[A, ("id", "LETTER"), ("step", "Complete"), ("reason", "")]),
    ("letters/sign", Access::Officials(&[Role::Kades]), &[A, ("id", "LETTER")]),
    ("letters/queue", Access::Officials(VILLAGE_ROLES), &[A, ("at[page]", "1")]),
    ("letters/settings", Access::Officials(VILLAGE_ROLES), &[A]),
    ("letters/save-settings", Access::Officials(&[Role::Kades, Role::Sekdes]), &[A, ("settings", "{}")]),
    // Visitors may report only where the village allows it (not by default).
    ("complaints/form", Access::ResidentsOrOfficials, &[A]),
    ("complaints/report", Access::ResidentsOrOfficials, &[A, ("input", "{}")]),
    ("complaints/mine", Access::Residents, &[A]),
    ("complaints/detail", Access::ResidentsOrOfficials, &[A, ("id", "COMPLAINT"), ("token", "")]),
    (
        "complaints/reply",
        Access::ResidentsOrOfficials,
        &[A, ("id", "COMPLAINT"), ("token", ""), ("body", "Mohon segera ditindaklanjuti."), ("to", "")],
    ),
    (
        "complaints/queue",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("status", "null"), ("category", ""), ("dusun", "null"), ("at", "{}")],
    ),
    ("complaints/public", Access::Anyone, &[A, ("at[page]", "1")]),
    ("map/page", Access::Anyone, &[A]),
    ("map/overview", Access::Anyone, &[]),
    ("map/editor", Access::Officials(VILLAGE_ROLES), &[A]),
    (
        "map/save",
        Access::Officials(VILLAGE_ROLES),
        &[
            A,
            ("id", "null"),
            ("fields", r#"{"category":"sekolah","name":"SD Uji","description":""}"#),
            ("geometry", "null"),
        ],
    ),
    ("map/delete", Access::Officials(VILLAGE_ROLES), &[A, ("id", "FEATURE")]),
    ("market/catalogue", Access::Anyone, &[A, ("query", "{}")]),
    ("market/region", Access::Anyone, &[("code", "36.04.05"), ("query", "{}")]),
    ("market/product", Access::Anyone, &[A, ("id", "PRODUCT")]),
    ("market/shop", Access::Anyone, &[A, ("id", "SHOP")]),
    ("market/mine", Access::Residents, &[A]),
    ("market/managed", Access::ResidentsOrOfficials, &[A, ("id", "SHOP")]),
    (
        "market/open",
        Access::ResidentsOrOfficials,
        &[
            A,
            (
                "input",
                r#"{"name":"Warung Uji","description":"","category":"makanan","whatsapp":"081234567890","address":"Kp. Uji RT 001/001","hours":""}"#,
            ),
            ("nik", "null"),
        ],
    ),
    (
        "market/update",
        Access::ResidentsOrOfficials,
        &[
            A,
            ("id", "SHOP"),
            (
                "input",
                r#"{"name":"Warung Uji","description":"","category":"makanan","whatsapp":"081234567890","address":"Kp. Uji RT 001/001","hours":""}"#,
            ),
        ],
    ),
    (
        "market/product/save",
        Access::ResidentsOrOfficials,
        &[
            A,
            ("shop", "SHOP"),
            ("id", "null"),
            (
                "input",
                r#"{"name":"Keripik uji","description":"","category":"makanan","price":"10.000","discount_price":"","unit":"bungkus","availability":"tersedia"}"#,
            ),
        ],
    ),
    ("market/product/delete", Access::ResidentsOrOfficials, &[A, ("id", "PRODUCT")]),
    ("market/photo/delete", Access::ResidentsOrOfficials, &[A, ("id", "PHOTO")]),
    (
        "market/product/hide",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("id", "PRODUCT"), ("reason", "Melanggar aturan pasar desa.")],
    ),
    ("market/moderate", Access::Officials(VILLAGE_ROLES), &[A, ("id", "SHOP"), ("action", "Approve"), ("reason", "")]),
    ("portal/articles", Access::Anyone, &[A, ("at[page]", "1")]),
    ("portal/article", Access::Anyone, &[A, ("article", "berita-uji")]),
    ("portal/all-articles", Access::Officials(VILLAGE_ROLES), &[A]),
    ("portal/article-input", Access::Officials(VILLAGE_ROLES), &[A, ("id", "ARTICLE")]),
    (
        "portal/save-article",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("id", "null"), ("input", r#"{"title":"Berita uji","category":"berita","body":"Isi.","publish":false}"#)],
    ),
    ("portal/delete-article", Access::Officials(VILLAGE_ROLES), &[A, ("id", "ARTICLE")]),
    ("portal/preview", Access::Officials(VILLAGE_ROLES), &[A, ("body", "**tebal**")]),
    ("portal/home", Access::Anyone, &[A]),
    ("portal/profile", Access::Anyone, &[A]),
    ("portal/notices", Access::Anyone, &[A]),
    ("portal/budget", Access::Anyone, &[A]),
    ("portal/profile-edit", Access::Officials(VILLAGE_ROLES), &[A]),
    ("portal/save-profile", Access::Officials(VILLAGE_ROLES), &[A, ("profile", r#"{"vision":"Desa maju"}"#)]),
    (
        "portal/save-person",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("id", "null"), ("input", r#"{"name":"Ahmad Fauzi","title":"Kepala Desa"}"#)],
    ),
    ("portal/move-person", Access::Officials(VILLAGE_ROLES), &[A, ("id", "PERSON"), ("up", "true")]),
    ("portal/delete-person", Access::Officials(VILLAGE_ROLES), &[A, ("id", "PERSON")]),
    ("portal/all-notices", Access::Officials(VILLAGE_ROLES), &[A]),
    (
        "portal/save-announcement",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("id", "null"), ("input", r#"{"title":"Pengumuman uji","body":"Isi.","ends_on":"2099-01-01"}"#)],
    ),
    ("portal/delete-announcement", Access::Officials(VILLAGE_ROLES), &[A, ("id", "ANNOUNCEMENT")]),
    (
        "portal/save-event",
        Access::Officials(VILLAGE_ROLES),
        &[A, ("id", "null"), ("input", r#"{"title":"Kegiatan uji","day":"2099-01-01","place":"Balai desa"}"#)],
    ),
    ("portal/delete-event", Access::Officials(VILLAGE_ROLES), &[A, ("id", "EVENT")]),
    ("portal/budget-edit", Access::Officials(VILLAGE_ROLES), &[A, ("year", "2026")]),
    ("portal/save-budget", Access::Officials(VILLAGE_ROLES), &[A, ("input", r#"{"year":2026,"lines":[]}"#)]),
    ("market/shops", Access::Officials(VILLAGE_ROLES), &[A, ("at[page]", "1")]),
    ("complaints/settings", Access::Officials(VILLAGE_ROLES), &[A]),
    ("complaints/save-settings", Access::Officials(&[Role::Kades, Role::Sekdes]), &[A, ("settings", "{}")]),
    (
        "audit/list",
        Access::Officials(&[Role::Kades, Role::Sekdes]),
        &[A, ("action", ""), ("who", ""), ("from", ""), ("to", ""), ("at[page]", "1")],
    ),
];

#[test]
fn every_server_function_is_listed() {
    let mut registered: Vec<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    registered.sort();
    let mut listed: Vec<String> = TABLE.iter().map(|(e, _, _)| format!("/api/{e}")).collect();
    listed.sort();
    assert_eq!(registered, listed, "add the new server function to TABLE with who may call it");
}

db_tests!(each_caller_gets_what_the_table_says);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Anonymous,
    Own(Role),
    OtherVillage,
    Resident,
    ResidentChangingPin,
    OtherResident,
    Superadmin,
    /// A regional officer of Kabupaten Serang (both villages are in it).
    Regional,
}

/// What a caller should get: `None` for "allowed", else the refusal in the body.
fn expected(access: Access, caller: Caller) -> Option<&'static str> {
    use Caller::*;
    const UNAUTH: Option<&str> = Some("Unauthenticated");
    const FORBIDDEN: Option<&str> = Some("Forbidden");
    const NOT_FOUND: Option<&str> = Some("NotFound");
    match (access, caller) {
        (Access::Anyone, _) => None,
        (_, Anonymous) => UNAUTH,
        (Access::Superadmin, Superadmin) | (Access::Regional, Regional) => None,
        (Access::Superadmin | Access::Regional, _) => FORBIDDEN,
        // A regional officer belongs to no village: every village's data is "not found".
        (_, Regional) => NOT_FOUND,
        (_, OtherVillage | OtherResident) => NOT_FOUND,
        (Access::Officials(roles), Superadmin) if roles.contains(&Role::Superadmin) => None,
        (_, Superadmin) => NOT_FOUND,
        (Access::Officials(roles), Own(role)) if roles.contains(&role) => None,
        (Access::Officials(_), _) => FORBIDDEN,
        (Access::AnySignedIn, _) => None,
        (Access::ResidentsOrOfficials, Own(_) | Resident) => None,
        (Access::ResidentsOrOfficials, ResidentChangingPin) => Some("PinChangeRequired"),
        (Access::Residents, Resident) | (Access::ResidentsChangingPin, Resident | ResidentChangingPin) => None,
        (Access::Residents, ResidentChangingPin) => Some("PinChangeRequired"),
        (Access::Residents | Access::ResidentsChangingPin, Own(_)) => FORBIDDEN,
    }
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
    let superadmin = create_official(&app.db, None, "admin", "Admin", Role::Superadmin, password).await.unwrap();
    officials.push((Caller::Superadmin, superadmin));
    let regional =
        digdaya::auth::service::create_region_official(&app.db, "36.04", "camat.serang", "R", password).await.unwrap();
    officials.push((Caller::Regional, regional));
    let target = create_official(&app.db, Some(&a), "target.a", "T", Role::Operator, password).await.unwrap();

    let residents_of = |village_id: i64| {
        let app = &app;
        async move {
            resident::Entity::find()
                .filter(resident::Column::VillageId.eq(village_id))
                .order_by_asc(resident::Column::Id)
                .all(&app.db)
                .await
                .unwrap()
        }
    };
    let (in_a, in_b) = (residents_of(a.id).await, residents_of(b.id).await);
    let mut residents = Vec::new();
    for (caller, r, must_change) in [
        (Caller::Resident, &in_a[0], false),
        (Caller::ResidentChangingPin, &in_a[1], true),
        (Caller::OtherResident, &in_b[0], false),
    ] {
        resident_pin::ActiveModel {
            resident_id: Set(r.id),
            village_id: Set(r.village_id),
            pin_hash: Set("$argon2id$v=19$m=19456,t=8,p=1$x$y".into()),
            must_change: Set(must_change),
            issued_by: Set(None),
            issued_at: Set(Utc::now()),
            changed_at: Set(None),
        }
        .insert(&app.db)
        .await
        .unwrap();
        residents.push((caller, r.clone()));
    }
    let (target_id, resident_id) = (target.id.to_string(), in_a[5].id.to_string());
    let family_id = in_a[5].family_id.expect("seeded residents have a family").to_string();
    let correction = correction_request::ActiveModel {
        village_id: Set(a.id),
        resident_id: Set(in_a[5].id),
        message: Set("Tanggal lahir saya salah.".into()),
        status: Set(digdaya::kit::resident::CorrectionStatus::Baru),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let correction_id = correction.id.to_string();
    // A letter type of A, and a request of the resident who calls as `Resident`.
    digdaya::letters::service::ensure_types(&app.db, a.id).await.unwrap();
    let letter_type = letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(a.id))
        .order_by_asc(letter_type::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let type_id = letter_type.id.to_string();
    let letter = letter_request::ActiveModel {
        village_id: Set(a.id),
        type_id: Set(letter_type.id),
        resident_id: Set(in_a[0].id),
        status: Set(digdaya::kit::letter::Status::BelumLengkap),
        field_values: Set("{}".into()),
        online: Set(true),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let letter_id = letter.id.to_string();
    // A complaint of the same resident.
    let complaint = complaint::ActiveModel {
        village_id: Set(a.id),
        category: Set("Lampu jalan".into()),
        body: Set("Lampu jalan di pertigaan mati.".into()),
        place: Set("Desa Kramatwatu".into()),
        status: Set(digdaya::kit::complaint::Status::Baru),
        resident_id: Set(Some(in_a[0].id)),
        reporter_name: Set(in_a[0].name.clone()),
        access_token: Set("rahasia-untuk-uji-akses-saja-001".into()),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let complaint_id = complaint.id.to_string();
    // An approved shop of the same resident (products and photos are made per call below).
    let shop = digdaya::db::entities::shop::ActiveModel {
        village_id: Set(a.id),
        resident_id: Set(in_a[0].id),
        name: Set("Warung Uji".into()),
        description: Set(String::new()),
        category: Set("makanan".into()),
        whatsapp: Set("6281234567890".into()),
        address: Set("Kp. Uji".into()),
        hours: Set(String::new()),
        status: Set(digdaya::kit::shop::ShopStatus::Aktif),
        moderation_note: Set(String::new()),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let shop_id = shop.id.to_string();
    // A published article with a known address, for the public article page.
    published_article(&app.db, a.id, "berita-uji").await;

    let mut callers: Vec<Caller> = vec![Caller::Anonymous];
    callers.extend(officials.iter().map(|(c, _)| *c));
    callers.extend(residents.iter().map(|(c, _)| *c));
    let mut calls = 0u32;
    for (endpoint, access, args) in TABLE {
        let args: Vec<(&str, &str)> = args
            .iter()
            .map(|(k, v)| match *v {
                "TARGET" => (*k, target_id.as_str()),
                "RESIDENT" => (*k, resident_id.as_str()),
                "CORRECTION" => (*k, correction_id.as_str()),
                "FAMILY" => (*k, family_id.as_str()),
                "TYPE" => (*k, type_id.as_str()),
                "LETTER" => (*k, letter_id.as_str()),
                "COMPLAINT" => (*k, complaint_id.as_str()),
                "SHOP" => (*k, shop_id.as_str()),
                _ => (*k, *v),
            })
            .collect();
        for caller in &callers {
            calls += 1;
            // A fresh session per call: sign-out ends the one it is given.
            let token = if let Some((_, o)) = officials.iter().find(|(c, _)| c == caller) {
                Some(session::start_official(&app.db, o, &Default::default(), Utc::now()).await.unwrap())
            } else if let Some((_, r)) = residents.iter().find(|(c, _)| c == caller) {
                Some(session::start_resident(&app.db, r, &Default::default(), Utc::now()).await.unwrap())
            } else {
                None
            };
            let cookie = token.map(|t| format!("digdaya_session={t}")).unwrap_or_default();
            // Deleting takes what it deletes: a new map feature for every call.
            let feature = digdaya::db::entities::map_feature::ActiveModel {
                village_id: Set(a.id),
                kind: Set("point".into()),
                category: Set("sekolah".into()),
                name: Set("SD Uji".into()),
                description: Set(String::new()),
                geometry: Set(r#"{"type":"Point","coordinates":[106.1,-6.0]}"#.into()),
                min_lng: Set(106.1),
                min_lat: Set(-6.0),
                max_lng: Set(106.1),
                max_lat: Set(-6.0),
                created_at: Set(Utc::now()),
                updated_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap()
            .id
            .to_string();
            // Likewise a product of the shop, and a photo of it.
            let product = digdaya::db::entities::product::ActiveModel {
                village_id: Set(a.id),
                shop_id: Set(shop.id),
                name: Set("Keripik uji".into()),
                description: Set(String::new()),
                category: Set("makanan".into()),
                price: Set(10_000),
                unit: Set("bungkus".into()),
                availability: Set(digdaya::kit::shop::Availability::Tersedia),
                hidden: Set(false),
                hidden_reason: Set(String::new()),
                created_at: Set(Utc::now()),
                updated_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
            let photo = digdaya::db::entities::product_photo::ActiveModel {
                village_id: Set(a.id),
                product_id: Set(product.id),
                position: Set(0),
                photo_key: Set("market/uji/tidak-ada.jpg".into()),
                thumb_key: Set("market/uji/tidak-ada-kecil.jpg".into()),
                width: Set(10),
                height: Set(10),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap()
            .id
            .to_string();
            let product = product.id.to_string();
            // A move from B waiting for A's decision (deciding takes it).
            let arrival = digdaya::db::entities::resident_move::ActiveModel {
                village_id: Set(a.id),
                from_village_id: Set(b.id),
                from_resident_id: Set(in_b[1].id),
                nik: Set(in_b[1].nik.clone()),
                name: Set(in_b[1].name.clone()),
                data: Set("{}".into()),
                event_date: Set(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
                status: Set(digdaya::kit::resident::MoveStatus::Menunggu),
                sent_by_name: Set("Operator B".into()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap()
            .id
            .to_string();
            // And an article, published; a person on the profile, an announcement and an event.
            let article = published_article(&app.db, a.id, &format!("akses-{calls}")).await.to_string();
            let (person, announcement, event, album, gallery_photo) = portal_rows(&app.db, a.id).await;
            let args: Vec<(&str, &str)> = args
                .iter()
                .map(|(k, v)| match *v {
                    "ARTICLE" => (*k, article.as_str()),
                    "PERSON" => (*k, person.as_str()),
                    "ANNOUNCEMENT" => (*k, announcement.as_str()),
                    "EVENT" => (*k, event.as_str()),
                    "ALBUM" => (*k, album.as_str()),
                    "GALLERY_PHOTO" => (*k, gallery_photo.as_str()),
                    "FEATURE" => (*k, feature.as_str()),
                    "PRODUCT" => (*k, product.as_str()),
                    "PHOTO" => (*k, photo.as_str()),
                    "ARRIVAL" => (*k, arrival.as_str()),
                    _ => (*k, *v),
                })
                .collect();
            let req = app
                .client
                .post(format!("{}/api/{endpoint}", app.base))
                .header("origin", &app.base)
                .header("cookie", cookie);
            let req = if JSON.contains(endpoint) {
                // Values that read as JSON (numbers, objects, null) go as such, the rest as strings.
                let body: serde_json::Map<String, serde_json::Value> = args
                    .iter()
                    .map(|(k, v)| {
                        let value = serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String((*v).into()));
                        ((*k).to_string(), value)
                    })
                    .collect();
                req.json(&body)
            } else {
                req.form(&args)
            };
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            let what = format!("{endpoint} as {caller:?}: {status} {body}");
            let refusals = ["\"Unauthenticated\"", "\"Forbidden\"", "\"NotFound\"", "\"PinChangeRequired\""];
            match expected(*access, *caller) {
                None => assert!(!refusals.iter().any(|r| body.contains(r)), "{what}"),
                Some(refusal) => {
                    assert!(body.contains(&format!("\"{refusal}\"")), "{what}");
                    // Each refusal with its honest status (issue 27: they were all 500).
                    let honest = match refusal {
                        "Unauthenticated" => 401,
                        "NotFound" => 404,
                        _ => 403,
                    };
                    assert_eq!(status, honest, "{what}");
                }
            }
        }
    }
}

/// A person on the profile, an announcement, an event, an album and a photo in it, as ids.
async fn portal_rows(db: &sea_orm::DatabaseConnection, village_id: i64) -> (String, String, String, String, String) {
    use digdaya::db::entities::{album, album_photo, announcement, event, village_person};
    let day = chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap();
    let person = village_person::ActiveModel {
        village_id: Set(village_id),
        name: Set("Siti Aminah".into()),
        title: Set("Sekretaris Desa".into()),
        position: Set(1),
        photo_key: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let notice = announcement::ActiveModel {
        village_id: Set(village_id),
        title: Set("Pengumuman uji".into()),
        body: Set("Isi.".into()),
        ends_on: Set(day),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let happening = event::ActiveModel {
        village_id: Set(village_id),
        title: Set("Kegiatan uji".into()),
        day: Set(day),
        time: Set(None),
        place: Set("Balai desa".into()),
        note: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let album = album::ActiveModel {
        village_id: Set(village_id),
        title: Set("Album uji".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let photo = album_photo::ActiveModel {
        village_id: Set(village_id),
        album_id: Set(album),
        photo_key: Set("portal/uji/tidak-ada.jpg".into()),
        thumb_key: Set("portal/uji/tidak-ada-kecil.jpg".into()),
        width: Set(10),
        height: Set(10),
        caption: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    (person.to_string(), notice.to_string(), happening.to_string(), album.to_string(), photo.to_string())
}

/// A published article of the village at `slug` (written directly, as the editor would).
async fn published_article(db: &sea_orm::DatabaseConnection, village_id: i64, slug: &str) -> i64 {
    digdaya::db::entities::article::ActiveModel {
        village_id: Set(village_id),
        slug: Set(slug.into()),
        title: Set("Berita uji".into()),
        category: Set("berita".into()),
        body: Set("Isi.".into()),
        body_html: Set("<p>Isi.</p>".into()),
        excerpt: Set("Isi.".into()),
        status: Set(digdaya::kit::article::Publication::Terbit),
        publish_at: Set(Utc::now()),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}
