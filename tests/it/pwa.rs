//! The installable app over HTTP: each village's manifest and icons, the service worker with the
//! build's version, the build's files under their versioned address (cached for a year, another
//! build's address refused), and pages that link all of it.

use crate::common;

use common::{Backend, TestApp};

db_tests!(each_village_has_its_manifest, icons_are_pngs_of_their_sizes, the_worker_and_the_files_carry_the_build,);

async fn manifest(app: &TestApp, host: Option<&str>, path: &str) -> (u16, serde_json::Value) {
    let mut req = app.client.get(format!("{}{path}", app.base));
    if let Some(host) = host {
        req = req.header("host", host);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    if status != 200 {
        return (status, serde_json::Value::Null);
    }
    assert_eq!(res.headers()["content-type"], "application/manifest+json");
    (status, serde_json::from_str(&res.text().await.unwrap()).unwrap())
}

async fn each_village_has_its_manifest(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 30, 1, None).await;
    app.seed("36.04.05.2002", 30, 2, Some("margasana.desa.id")).await;

    let (status, m) = manifest(&app, None, "/kramatwatu/manifest.webmanifest").await;
    assert_eq!(status, 200);
    assert_eq!(m["name"], "Desa Kramatwatu");
    assert_eq!(m["short_name"], "Kramatwatu");
    assert_eq!(m["start_url"], "/kramatwatu");
    assert_eq!(m["scope"], "/kramatwatu");
    assert_eq!(m["id"], "/kramatwatu");
    assert_eq!(m["display"], "standalone");
    assert_eq!(m["lang"], "id");
    let icons = m["icons"].as_array().unwrap();
    for (size, purpose) in [("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")] {
        assert!(icons.iter().any(|i| i["sizes"] == size && i["purpose"] == purpose), "{size} {purpose}");
    }

    // A host-bound village: its manifest at the root, the app at "/"; no other village there.
    let (status, m) = manifest(&app, Some("margasana.desa.id"), "/manifest.webmanifest").await;
    assert_eq!(status, 200);
    assert_eq!(m["name"], "Desa Margasana");
    assert_eq!(m["start_url"], "/");
    let (status, _) = manifest(&app, Some("margasana.desa.id"), "/kramatwatu/manifest.webmanifest").await;
    assert_eq!(status, 404);
    // The deployment's own pages have the deployment's app; an unknown village has none.
    let (_, m) = manifest(&app, None, "/manifest.webmanifest").await;
    assert_eq!(m["start_url"], "/");
    assert_eq!(m["short_name"], "Digdaya");
    assert_eq!(manifest(&app, None, "/tidak-ada/manifest.webmanifest").await.0, 404);

    // Pages link their village's manifest, the icon and the page script.
    let (_, home) = app.get("/kramatwatu/profil").await;
    assert!(home.contains("href=\"/kramatwatu/manifest.webmanifest\""), "{home}");
    assert!(home.contains("<script src=\"/pwa.js\" defer"));
    let (_, bound) = app.get_on_host("margasana.desa.id", "/").await;
    assert!(bound.contains("href=\"/manifest.webmanifest\""));
    let (_, directory) = app.get("/").await;
    assert!(directory.contains("href=\"/manifest.webmanifest\""));
}

async fn icons_are_pngs_of_their_sizes(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    for (file, size) in [("192.png", 192), ("512.png", 512), ("192-maskable.png", 192), ("512-maskable.png", 512)] {
        let res = app.client.get(format!("{}/ikon/{file}", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{file}");
        assert_eq!(res.headers()["content-type"], "image/png");
        let bytes = res.bytes().await.unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        // The IHDR chunk: width and height, big-endian.
        assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), size, "{file}");
        assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), size, "{file}");
    }
    for file in ["100.png", "512.jpg", "x.png"] {
        assert_eq!(app.get(&format!("/ikon/{file}")).await.0, 404, "{file}");
    }
}

async fn the_worker_and_the_files_carry_the_build(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 30, 1, None).await;
    let (_, page) = app.get("/kramatwatu/masuk").await;
    let start = page.find("/v/").expect("a versioned address") + 3;
    let build = &page[start..start + 12];
    assert!(build.bytes().all(|b| b.is_ascii_hexdigit()), "{build}");
    assert!(page.contains(&format!("/v/{build}/pkg/digdaya.css")));
    assert!(page.contains(&format!("/v/{build}/pkg/digdaya.js")), "the WASM's script from the same build");

    let res = app.client.get(format!("{}/sw.js", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(res.headers()["cache-control"], "no-cache", "a new deployment's worker is found at once");
    let worker = res.text().await.unwrap();
    assert!(worker.contains(&format!("const BUILD = \"{build}\"")));

    let res = app
        .client
        .get(format!("{}/v/{build}/pkg/digdaya.css", app.base))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    // Another build's address is never answered with this build's file.
    assert_eq!(app.get("/v/000000000000/pkg/digdaya.css").await.0, 404);
    let res = app.client.get(format!("{}/pwa.js", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
}
