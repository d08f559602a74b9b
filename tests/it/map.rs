//! The village map: features are checked (geometry, inside the village, fields) and scoped to
//! their village, layers are served as GeoJSON filtered by bounding box with trimmed
//! coordinates, the complaints layer is for officials only, GeoJSON import is all or nothing,
//! export keeps full precision, and the deployment's overview shows every village.

use crate::common;

use chrono::Utc;
use common::{Backend, TestApp, png};
use digdaya::access::guard::Official;
use digdaya::access::session::{self, Client};
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{audit_entry, map_feature, village};
use digdaya::error::AppError;
use digdaya::geo::shape::Shape;
use digdaya::map::model::FeatureFields;
use digdaya::map::service;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

db_tests!(
    features_are_checked_and_kept_in_their_village,
    layers_are_served_by_bounding_box_with_trimmed_coordinates,
    import_is_all_or_nothing_and_export_keeps_everything,
    the_demo_map_and_the_overview_of_all_villages,
    every_public_layer_comes_in_one_answer,
);

async fn official(app: &TestApp, v: &village::Model, username: &str) -> (Official, String) {
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
    let token = session::start_official(&app.db, &o, &Client::default(), Utc::now()).await.unwrap();
    let who = Official {
        id: o.id,
        village_id: o.village_id,
        name: o.name.clone(),
        role: Role::Operator,
        session_id: String::new(),
    };
    (who, format!("digdaya_session={token}"))
}

fn fields(category: &str, name: &str) -> FeatureFields {
    FeatureFields { category: category.into(), name: name.into(), description: "Keterangan.".into() }
}

fn shape(v: &village::Model) -> Shape {
    Shape::parse(v.boundary.as_deref().unwrap()).unwrap()
}

/// A point well inside the village (its centre of the office area).
fn centre(v: &village::Model) -> [f64; 2] {
    [v.center_lng.unwrap(), v.center_lat.unwrap()]
}

fn problems(saved: Result<i64, AppError>) -> Vec<(String, String)> {
    match saved {
        Err(AppError::Refused(p)) => p.into_iter().map(|p| (p.field, p.message)).collect(),
        other => panic!("not refused: {other:?}"),
    }
}

async fn get_json(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, Value) {
    let mut req = app.client.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn names(layer: &Value) -> Vec<String> {
    layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect()
}

async fn features_are_checked_and_kept_in_their_village(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 30, 3, None).await.village;
    let other = app.seed("36.04.05.2002", 10, 4, None).await.village;
    let (o, _) = official(&app, &v, "operator.peta").await;
    let (o2, _) = official(&app, &other, "operator.lain").await;
    let [x, y] = centre(&v);
    let point = json!({ "type": "Point", "coordinates": [x, y] }).to_string();

    let school = service::save(&app.db, &v, &o, None, &fields("sekolah", "SD Negeri 1"), Some(&point)).await.unwrap();
    let d = 0.001;
    let square =
        json!({ "type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });
    let field = service::save(&app.db, &v, &o, None, &fields("sawah", "Sawah Blok A"), Some(&square.to_string()))
        .await
        .unwrap();
    let row = map_feature::Entity::find_by_id(field).one(&app.db).await.unwrap().unwrap();
    assert_eq!((row.kind.as_str(), row.min_lng, row.max_lat), ("area", x, y + d));

    // Refused with a reason for each field, and nothing stored.
    let far = json!({ "type": "Point", "coordinates": [110.4, -7.8] }).to_string();
    let refused = problems(service::save(&app.db, &v, &o, None, &fields("sekolah", "SD"), Some(&far)).await);
    assert!(refused.iter().any(|(f, m)| f == "geometry" && m.contains("di luar wilayah desa")), "{refused:?}");
    let bow_tie =
        json!({ "type": "Polygon", "coordinates": [[[x, y], [x + d, y + d], [x + d, y], [x, y + d], [x, y]]] });
    let refused =
        problems(service::save(&app.db, &v, &o, None, &fields("kasino", "x"), Some(&bow_tie.to_string())).await);
    let fields_refused: Vec<&str> = refused.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields_refused, ["category", "name", "geometry"], "{refused:?}");
    assert!(refused[2].1.contains("berpotongan"));
    let missing = problems(service::save(&app.db, &v, &o, None, &fields("sekolah", "SD Negeri 2"), None).await);
    assert_eq!(missing[0].0, "geometry");
    let broken = problems(service::save(&app.db, &v, &o, None, &fields("sekolah", "SD Negeri 2"), Some("{nope")).await);
    assert_eq!(broken[0].1, "Geometri bukan GeoJSON yang sah.");
    assert_eq!(map_feature::Entity::find().count(&app.db).await.unwrap(), 2);

    // Changing the fields keeps the geometry; another village's official cannot touch it.
    service::save(&app.db, &v, &o, Some(school), &fields("sekolah", "SD Negeri Kramatwatu 1"), None).await.unwrap();
    let row = map_feature::Entity::find_by_id(school).one(&app.db).await.unwrap().unwrap();
    assert_eq!((row.name.as_str(), row.kind.as_str()), ("SD Negeri Kramatwatu 1", "point"));
    let theirs = service::save(&app.db, &other, &o2, Some(school), &fields("sekolah", "Diambil"), None).await;
    assert_eq!(theirs, Err(digdaya::error::AppError::NotFound));
    assert_eq!(
        service::delete(&app.db, &app.files, &other, &o2, school).await,
        Err(digdaya::error::AppError::NotFound)
    );

    // A photo is checked by content; deleting removes the feature. Every change is audited.
    let lying = service::attach_photo(&app.db, &app.files, &v, &o, school, b"<?php echo 1; ?>").await;
    assert!(matches!(lying, Err(digdaya::error::AppError::Invalid(_))), "{lying:?}");
    service::attach_photo(&app.db, &app.files, &v, &o, school, &png(800, 600)).await.unwrap();
    let (status, _) = get_json(&app, &format!("/api/map/{}/foto/{school}?kecil=1", v.slug), None).await;
    assert_eq!(status, 200);
    assert_eq!(get_json(&app, &format!("/api/map/{}/foto/{school}", other.slug), None).await.0, 404);
    service::delete(&app.db, &app.files, &v, &o, field).await.unwrap();
    assert_eq!(map_feature::Entity::find().count(&app.db).await.unwrap(), 1);
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("map_changed"))
        .filter(audit_entry::Column::VillageId.eq(v.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 5, "two added, one changed, a photo, one deleted");
}

async fn layers_are_served_by_bounding_box_with_trimmed_coordinates(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 60, 5, None).await.village;
    let (o, cookie) = official(&app, &v, "operator.peta").await;
    let [x0, y0, x1, y1] = shape(&v).bbox();
    // Two schools: one at the west edge, one at the east edge, at full precision.
    let west = [x0 + (x1 - x0) * 0.1 + 0.000_001_234, (y0 + y1) / 2.0];
    let east = [x0 + (x1 - x0) * 0.9, (y0 + y1) / 2.0];
    for (name, at) in [("SD Barat", west), ("SD Timur", east)] {
        let point = json!({ "type": "Point", "coordinates": at }).to_string();
        service::save(&app.db, &v, &o, None, &fields("sekolah", name), Some(&point)).await.unwrap();
    }
    let base = format!("/api/map/{}/lapisan", v.slug);

    let (status, all) = get_json(&app, &format!("{base}/sekolah"), None).await;
    assert_eq!((status, names(&all)), (200, vec!["SD Barat".to_string(), "SD Timur".to_string()]));
    let lng = all["features"][0]["geometry"]["coordinates"][0].as_f64().unwrap();
    assert_eq!(lng, (west[0] * 1e5).round() / 1e5, "five decimals");
    let mid = (x0 + x1) / 2.0;
    let (_, half) = get_json(&app, &format!("{base}/sekolah?bbox={x0},{y0},{mid},{y1}"), None).await;
    assert_eq!(names(&half), ["SD Barat"]);
    let (_, none) = get_json(&app, &format!("{base}/sekolah?bbox=100,-1,100.1,-0.9"), None).await;
    assert!(names(&none).is_empty());
    let (status, message) = get_json(&app, &format!("{base}/sekolah?bbox=1,2,3"), None).await;
    assert_eq!(status, 400);
    assert!(message.as_str().unwrap().contains("bbox"));
    assert_eq!(get_json(&app, &format!("{base}/rahasia"), None).await.0, 404);
    assert_eq!(get_json(&app, "/api/map/tidak-ada/lapisan/sekolah", None).await.0, 404);

    // The village's own layers: boundary, dusun, population per dusun (no person in it).
    let (_, boundary) = get_json(&app, &format!("{base}/batas"), None).await;
    assert_eq!(boundary["features"].as_array().unwrap().len(), 1);
    let (_, areas) = get_json(&app, &format!("{base}/wilayah"), None).await;
    let dusun = areas["features"].as_array().unwrap().len();
    assert!(dusun >= 2, "{dusun} dusun");
    let (_, population) = get_json(&app, &format!("{base}/penduduk"), None).await;
    let people = population["features"].as_array().unwrap();
    assert_eq!(people.len(), dusun);
    for f in people {
        let text = f["properties"]["residents"].as_str().unwrap();
        assert!(text.ends_with(" jiwa") && f["properties"]["color"].as_str().unwrap().starts_with('#'), "{text}");
    }
    let (_, east_only) = get_json(&app, &format!("{base}/wilayah?bbox={},{y0},{x1},{y1}", x1 - 0.0001), None).await;
    assert_eq!(east_only["features"].as_array().unwrap().len(), 1, "only the easternmost dusun");

    // Complaints: for the village's officials only.
    assert_eq!(get_json(&app, &format!("{base}/pengaduan"), None).await.0, 401);
    digdaya::complaints::service::seed_demo_complaints(&app.db, &v).await.unwrap();
    let (status, complaints) = get_json(&app, &format!("{base}/pengaduan"), Some(&cookie)).await;
    assert_eq!(status, 200);
    let text = complaints.to_string();
    assert!(!complaints["features"].as_array().unwrap().is_empty());
    assert!(!text.contains("reporter") && !text.contains("phone"), "{text}");
}

async fn import(app: &TestApp, v: &village::Model, cookie: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .part("berkas", reqwest::multipart::Part::bytes(bytes).file_name("peta.geojson"));
    let res = app
        .client
        .post(format!("{}/api/map/{}/impor", app.base, v.slug))
        .header("origin", &app.base)
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    if status != 303 {
        return format!("{status} {}", res.text().await.unwrap());
    }
    res.headers()["location"].to_str().unwrap().to_string()
}

fn decoded(location: &str) -> String {
    let mut out = Vec::new();
    let bytes = location.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&location[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

async fn import_is_all_or_nothing_and_export_keeps_everything(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 20, 6, None).await.village;
    let (_, cookie) = official(&app, &v, "operator.peta").await;
    let [x, y] = centre(&v);
    let good = json!({
        "type": "FeatureCollection",
        "features": [
            { "type": "Feature", "properties": { "nama": "Masjid Al-Falah", "kategori": "masjid" },
              "geometry": { "type": "Point", "coordinates": [x + 0.000_123_456_7, y] } },
            { "type": "Feature", "properties": { "name": "Jalan Kampung", "category": "Jalan" },
              "geometry": { "type": "LineString", "coordinates": [[x, y], [x + 0.002, y + 0.001]] } },
            { "type": "Feature", "properties": {},
              "geometry": { "type": "Polygon", "coordinates": [[[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y]]] } }
        ]
    });
    let back = import(&app, &v, &cookie, good.to_string().into_bytes()).await;
    assert!(back.ends_with("/kramatwatu/admin/peta?impor=3"), "{back}");

    // One broken feature among good ones: nothing kept, and the message says which and why.
    let mut bad = good.clone();
    bad["features"][1]["geometry"] = json!({ "type": "LineString", "coordinates": [[x, y]] });
    bad["features"][2]["geometry"]["coordinates"] =
        json!([[[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]]);
    let back = decoded(&import(&app, &v, &cookie, bad.to_string().into_bytes()).await);
    assert!(back.contains("galat=Impor dibatalkan"), "{back}");
    assert!(back.contains("Fitur ke-2: Garis harus memiliki paling sedikit dua titik."), "{back}");
    assert!(back.contains("Fitur ke-3: Tepi area berpotongan"), "{back}");
    let far = json!({ "type": "Point", "coordinates": [95.3, 5.5] });
    assert!(decoded(&import(&app, &v, &cookie, far.to_string().into_bytes()).await).contains("di luar wilayah desa"));
    for junk in [b"bukan json".to_vec(), b"{}".to_vec(), Vec::new(), vec![0xff, 0xfe, 0x00]] {
        assert!(import(&app, &v, &cookie, junk).await.contains("galat="));
    }
    assert_eq!(map_feature::Entity::find().count(&app.db).await.unwrap(), 3);

    // KML (as Google Earth writes it) and GPX (as a GPS app writes it) go through the same checks.
    let kml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
        <Placemark><name>Posyandu Melati</name><description>Setiap tanggal 5</description>
          <ExtendedData><Data name="kategori"><value>posyandu</value></Data></ExtendedData>
          <Point><coordinates>{x},{y},0</coordinates></Point></Placemark></Document></kml>"#
    );
    assert!(import(&app, &v, &cookie, kml.clone().into_bytes()).await.ends_with("?impor=1"));
    let gpx = format!(
        r#"<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">
        <trk><name>Saluran Tersier</name><type>irigasi</type><trkseg>
          <trkpt lat="{y}" lon="{x}"/><trkpt lat="{}" lon="{}"/></trkseg></trk></gpx>"#,
        y + 0.001,
        x + 0.001
    );
    assert!(import(&app, &v, &cookie, gpx.into_bytes()).await.ends_with("?impor=1"));
    let (_, posyandu) = get_json(&app, &format!("/api/map/{}/lapisan/posyandu", v.slug), None).await;
    assert!(names(&posyandu).contains(&"Posyandu Melati".to_string()));
    let (_, canals) = get_json(&app, &format!("/api/map/{}/lapisan/irigasi", v.slug), None).await;
    assert_eq!(names(&canals), ["Saluran Tersier"]);
    let far_kml = kml.replace(&format!("{x},{y},0"), "95.3,5.5,0");
    assert!(decoded(&import(&app, &v, &cookie, far_kml.into_bytes()).await).contains("Fitur ke-1: "));
    let broken_kml = kml.replace(&format!("{x},{y},0"), "bukan,angka");
    let back = decoded(&import(&app, &v, &cookie, broken_kml.into_bytes()).await);
    assert!(back.contains("Placemark ke-1: titik tanpa koordinat yang terbaca."), "{back}");
    let kmz = b"PK\x03\x04 zipped".to_vec();
    assert!(decoded(&import(&app, &v, &cookie, kmz).await).contains("KMZ"));
    assert_eq!(map_feature::Entity::find().count(&app.db).await.unwrap(), 5);

    // Only the village's officials import.
    assert!(import(&app, &v, "digdaya_session=palsu", good.to_string().into_bytes()).await.starts_with("401"));

    // Export: every feature with its properties, at stored precision; officials only.
    let (status, all) = get_json(&app, &format!("/api/map/{}/ekspor", v.slug), Some(&cookie)).await;
    assert_eq!(status, 200);
    let mut got = names(&all);
    got.sort();
    assert_eq!(got, ["Area lain 3", "Jalan Kampung", "Masjid Al-Falah", "Posyandu Melati", "Saluran Tersier"]);
    let mosque = all["features"].as_array().unwrap().iter().find(|f| f["properties"]["category"] == "masjid").unwrap();
    assert_eq!(mosque["geometry"]["coordinates"][0].as_f64().unwrap(), ((x + 0.000_123_456_7) * 1e7).round() / 1e7);
    let (_, roads) = get_json(&app, &format!("/api/map/{}/ekspor?lapisan=jalan", v.slug), Some(&cookie)).await;
    assert_eq!(names(&roads), ["Jalan Kampung"]);
    assert_eq!(get_json(&app, &format!("/api/map/{}/ekspor", v.slug), None).await.0, 401);
}

async fn the_demo_map_and_the_overview_of_all_villages(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 7, None).await.village;
    app.seed("36.04.05.2002", 10, 8, None).await;
    let added = service::seed_demo_features(&app.db, &v).await.unwrap();
    assert!(added >= 14, "{added}");
    let outline = shape(&v);
    for f in map_feature::Entity::find().all(&app.db).await.unwrap() {
        let g: Value = serde_json::from_str(&f.geometry).unwrap();
        let first = match f.kind.as_str() {
            "point" => g["coordinates"].clone(),
            "line" => g["coordinates"][0].clone(),
            _ => g["coordinates"][0][0][0].clone(),
        };
        let (lng, lat) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
        assert!(outline.contains(lng, lat), "{} at {lng},{lat} is outside the village", f.name);
    }

    // The public page lists the layers with their counts, and nothing personal.
    let (status, html) = app.get("/kramatwatu/peta").await;
    assert_eq!(status, 200);
    for text in ["Lapisan peta", "Sekolah", "Jumlah penduduk", "/vendor/leaflet/leaflet.js", "layer-masjid"] {
        assert!(html.contains(text), "{text} missing");
    }
    assert!(
        !html.contains("Pengaduan warga") && !html.contains("leaflet-geoman"),
        "officials' things on a public page"
    );
    // The editor is for officials.
    let (status, _) = app.get("/kramatwatu/admin/peta").await;
    assert!(status == 200 || status == 302 || status == 303, "{status}");

    // The overview: both villages, simplified, each with its address.
    let (status, overview) = get_json(&app, "/api/map/desa", None).await;
    assert_eq!(status, 200);
    let features = overview["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    assert!(features.iter().any(|f| f["properties"]["href"] == "/kramatwatu"));
    let (status, html) = app.get("/peta").await;
    assert_eq!(status, 200);
    assert!(html.contains("overview-map") && html.contains("2 desa"), "{html}");
}

/// Issue 29: the public map asks for its layers once (`lapisan/semua`): the answer holds every
/// public layer, each the same as its own address gives; the officials' complaints layer is
/// not among them.
async fn every_public_layer_comes_in_one_answer(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 40, 7, None).await.village;
    service::seed_demo_features(&app.db, &v).await.unwrap();
    let (status, text) = app.get("/api/map/kramatwatu/lapisan/semua").await;
    assert_eq!(status, 200, "{text}");
    let all: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert!(!keys.iter().any(|k| k.as_str() == "pengaduan"), "{keys:?}");
    assert!(keys.len() >= 16, "{keys:?}");
    for key in keys {
        let (status, one) = app.get(&format!("/api/map/kramatwatu/lapisan/{key}")).await;
        assert_eq!(status, 200, "{key}");
        assert_eq!(all[key.as_str()], serde_json::from_str::<Value>(&one).unwrap(), "{key}");
    }
    assert!(all["sekolah"]["features"].as_array().is_some_and(|f| !f.is_empty()));
}
