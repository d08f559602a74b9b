//! The running app over HTTP: pages, health, village isolation and host binding.

use crate::common;

use common::{Backend, TestApp};
use digdaya::db::entities::{area, resident};
use digdaya::error::AppError;
use digdaya::population::service as population;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

db_tests!(
    home_page_is_server_rendered_with_the_village_name,
    root_lists_villages_or_goes_to_the_only_one,
    healthz_checks_the_database,
    static_files_are_served_beside_village_paths,
    unknown_pages_and_villages_are_404,
    villages_cannot_read_each_others_rows,
    a_village_bound_to_a_host_is_served_at_the_root,
    migrations_are_idempotent,
    security_headers_on_every_response,
    small_counts_are_never_published,
    the_same_address_gives_the_same_page,
);

async fn home_page_is_server_rendered_with_the_village_name(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let report = app.seed("36.04.05.2001", 240, 1, None).await;
    let (status, body) = app.get(&format!("/{}", report.village.slug)).await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Desa Kramatwatu</h1>"), "{body}");
    assert!(body.contains("Kecamatan Kramatwatu, Kabupaten Serang, Provinsi Banten"));
    assert!(body.contains("<strong>240</strong><span>Penduduk</span>"), "summary is rendered on the server");
    // The public portal pages are complete as HTML, sent without the WASM; the rest hydrate.
    assert!(!body.contains("/pkg/digdaya.js") && body.contains("<body class=\"static\""), "no hydration script");
    for page in ["profil", "statistik", "pengumuman", "agenda", "apbdes", "layanan"] {
        let (_, body) = app.get(&format!("/kramatwatu/{page}")).await;
        assert!(!body.contains("/pkg/digdaya.js"), "/{page} is sent without the WASM");
        // The services page: links to the request forms, which hydrate.
        assert!(page != "layanan" || body.contains("/layanan/surat/"), "{body}");
    }
    let (_, complaints) = app.get("/kramatwatu/pengaduan").await;
    assert!(complaints.contains("/pkg/digdaya.js"), "the hydration script is referenced");
    for page in [
        "profil",
        "statistik",
        "berita",
        "pengumuman",
        "agenda",
        "apbdes",
        "layanan",
        "pasar",
        "peta",
        "masuk",
        "admin",
    ] {
        let (status, body) = app.get(&format!("/{}/{page}", report.village.slug)).await;
        assert_eq!(status, 200, "/{page}");
        assert!(body.contains("Desa Kramatwatu"), "/{page} has the village header");
    }
    let (_, profile) = app.get("/kramatwatu/profil").await;
    assert!(profile.contains("36.04.05.2001") && profile.contains("Kramat"));
    let (_, news) = app.get("/kramatwatu/berita").await;
    assert!(news.contains("Belum ada berita"), "an empty list says so");
    assert!(!news.contains("/pkg/digdaya.js"), "no hydration script on the news list");
    // The market's catalogue is complete as HTML and sent without the WASM; the rest hydrate.
    let (_, market) = app.get("/kramatwatu/pasar").await;
    assert!(market.contains("id=\"result-count\"") && market.contains("<body class=\"static\""));
    assert!(!market.contains("/pkg/digdaya.js"), "no hydration script on the catalogue");
    let (_, admin) = app.get("/kramatwatu/admin/pasar").await;
    assert!(admin.contains("/pkg/digdaya.js"), "officials' market page hydrates");
}

async fn root_lists_villages_or_goes_to_the_only_one(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("Belum ada desa"), "empty state: {body}");

    app.seed("36.04.05.2001", 50, 1, None).await;
    let res = app.client.get(format!("{}/", app.base)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 302, "one village: straight to it");
    assert_eq!(res.headers()["location"], "/kramatwatu");

    app.seed("36.04.05.2002", 50, 2, None).await;
    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("Desa Kramatwatu") && body.contains("Desa Margasana"), "{body}");
    let (_, body) = app.get("/?q=marga").await;
    assert!(body.contains("Desa Margasana") && !body.contains("Desa Kramatwatu"), "search filters");
    let (_, body) = app.get("/?q=MARGA").await;
    assert!(body.contains("Desa Margasana") && !body.contains("Desa Kramatwatu"), "search ignores case");
    let (_, body) = app.get("/?q=kramatwatu").await;
    assert!(body.contains("Desa Kramatwatu") && body.contains("Desa Margasana"), "kecamatan matches: {body}");
    let (_, body) = app.get("/?q=zzzz").await;
    assert!(body.contains("Tidak ada desa yang cocok"));
}

async fn static_files_are_served_beside_village_paths(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let res = app.client.get(format!("{}/favicon.svg", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "public/ files are not taken for village slugs");
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let res =
        app.client.get(format!("{}/pkg/digdaya.css", app.base)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("max-age"));
    let (status, _) = app.get("/pkg/nothing.js").await;
    assert_eq!(status, 404);
}

async fn healthz_checks_the_database(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["database"], "ok");
    app.db.clone().close().await.unwrap();
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, 503, "a closed database is reported");
}

async fn unknown_pages_and_villages_are_404(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 30, 1, None).await;
    for path in ["/tidak-ada", "/tidak-ada/profil", "/kramatwatu/tidak-ada", "/kramatwatu/statistik?dusun=abc"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("Halaman tidak ditemukan"), "{path}");
    }
}

async fn villages_cannot_read_each_others_rows(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 150, 1, None).await.village;
    let b = app.seed("36.04.05.2002", 120, 2, None).await.village;
    let b_dusun = area::Entity::find()
        .filter(area::Column::VillageId.eq(b.id))
        .filter(area::Column::Level.eq(area::DUSUN))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();

    // Pages show each village its own figures only.
    let (_, a_stats) = app.get("/kramatwatu/statistik").await;
    let (_, b_stats) = app.get("/margasana/statistik").await;
    assert!(a_stats.contains("<strong>150</strong>") && !a_stats.contains("<strong>120</strong>"));
    assert!(b_stats.contains("<strong>120</strong>") && !b_stats.contains("<strong>150</strong>"));
    let (status, _) = app.get(&format!("/margasana/statistik?dusun={}", b_dusun.id)).await;
    assert_eq!(status, 200, "B's dusun under B");

    // B's dusun id through A's page, A's server function and A's service: not found.
    let (status, _) = app.get(&format!("/kramatwatu/statistik?dusun={}", b_dusun.id)).await;
    assert_eq!(status, 404);
    let id = b_dusun.id.to_string();
    let (status, body) = app.call(None, "population/stats", &[("slug", "kramatwatu"), ("dusun", &id)]).await;
    assert_ne!(status, 200);
    assert!(body.contains("NotFound"), "{body}");
    assert_eq!(population::stats(&app.db, a.id, Some(b_dusun.id)).await.unwrap_err(), AppError::NotFound);
    let (status, body) = app.call(None, "population/stats", &[("slug", "margasana"), ("dusun", &id)]).await;
    assert_eq!(status, 200, "{body}");

    // Every aggregate of A counts A's rows only.
    let summary = population::summary(&app.db, a.id, None).await.unwrap();
    let a_rows = resident::Entity::find().filter(resident::Column::VillageId.eq(a.id)).count(&app.db).await.unwrap();
    assert_eq!(summary.residents, a_rows);
    assert_eq!(summary.residents, 150);
    let dusun = population::dusun_list(&app.db, a.id).await.unwrap();
    assert!(dusun.iter().all(|d| d.id != b_dusun.id));
    let per_dusun: u64 = population::stats(&app.db, a.id, None)
        .await
        .unwrap()
        .per_dusun
        .iter()
        .map(|d| match d.total {
            digdaya::population::model::Count::Exact(n) => n,
            other => panic!("a dusun of 150 residents has a small total: {other:?}"),
        })
        .sum();
    assert_eq!(per_dusun, 150);
}

async fn a_village_bound_to_a_host_is_served_at_the_root(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 40, 1, None).await;
    app.seed("36.04.05.2002", 60, 2, Some("margasana.desa.id")).await;
    let host = "margasana.desa.id:8080";

    let (status, body) = app.get_on_host(host, "/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Desa Margasana</h1>"), "{body}");
    assert!(body.contains(r#"<meta name="digdaya-village" content="margasana">"#));
    assert!(body.contains(r#"href="/profil""#), "links are relative to the host root");
    let (status, body) = app.get_on_host(host, "/statistik").await;
    assert_eq!(status, 200);
    assert!(body.contains("<strong>60</strong>"));

    // The bound host serves its own village only, whatever the path or the argument says.
    let (status, _) = app.get_on_host(host, "/kramatwatu").await;
    assert_eq!(status, 404);
    let (status, body) = app.call(Some(host), "village/info", &[("slug", "kramatwatu")]).await;
    assert_ne!(status, 200);
    assert!(body.contains("NotFound"), "{body}");
    let (status, _) = app.call(Some(host), "village/info", &[("slug", "margasana")]).await;
    assert_eq!(status, 200);

    // Other hosts still see the deployment.
    let (status, body) = app.get("/margasana").await;
    assert_eq!(status, 200);
    assert!(body.contains("Desa Margasana"));
}

async fn migrations_are_idempotent(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    digdaya::db::migrate(&app.db).await.expect("second run is a no-op");
}

async fn small_counts_are_never_published(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 40, 3, None).await;
    let (status, body) = app.call(None, "population/stats", &[("slug", "kramatwatu")]).await;
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut cells = Vec::new();
    for g in json["age_groups"].as_array().unwrap() {
        cells.extend([g["male"].clone(), g["female"].clone()]);
    }
    for d in json["per_dusun"].as_array().unwrap() {
        cells.extend([d["male"].clone(), d["female"].clone(), d["total"].clone()]);
    }
    assert!(cells.iter().any(|c| c == "FewerThanFive"), "40 residents in 16 age groups make small cells");
    // Religion, education, occupation, marital status: totals only, and they add up to the
    // village (counting a small cell as at most 4).
    let categories = json["categories"].as_array().unwrap();
    let titles: Vec<&str> = categories.iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Agama", "Pendidikan (dalam KK)", "Pekerjaan", "Status perkawinan"]);
    let residents = json["summary"]["residents"]["Exact"].as_u64().unwrap();
    for c in categories {
        let rows = c["rows"].as_array().unwrap();
        let (mut exact, mut small) = (0, 0);
        for row in rows {
            match row[1].get("Exact").and_then(|n| n.as_u64()) {
                Some(n) => exact += n,
                None => small += 1,
            }
            cells.push(row[1].clone());
        }
        assert!(exact <= residents && residents <= exact + 4 * small, "{c}");
    }
    assert!(categories[2]["rows"].as_array().unwrap().iter().any(|r| r[1] == "FewerThanFive"), "40 people, many jobs");
    for cell in &cells {
        if let Some(n) = cell.get("Exact").and_then(|n| n.as_u64()) {
            assert!(n >= 5, "exact small count {n} published");
        }
    }
    let (_, page) = app.get("/kramatwatu/statistik").await;
    assert!(page.contains("&lt; 5") || page.contains("< 5"));
    assert!(page.contains("Status perkawinan") && page.contains("Pekerjaan"), "the tables are in the server's HTML");
    // The pyramid and every breakdown are SVG drawn by the server, each with its table; small
    // cells are "< 5" in both.
    let at = page.find("id=\"pyramid\"").expect("the pyramid's box");
    assert!(
        page[at..].split_once('>').unwrap().1.starts_with("<svg class=\"chart\""),
        "the pyramid is drawn by the server"
    );
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 6, "pyramid, dusun and four categories");
    assert!(page.contains("id=\"age-table\"") && page.matches("<table").count() >= 6);
    let pyramid = &page[page.find("id=\"pyramid\"").unwrap()..page.find("id=\"age-table\"").unwrap()];
    assert!(pyramid.contains(">&lt; 5</text>"), "small cells in the chart too");
    // A dusun's page has no category tables (they are for the whole village).
    let id = json["per_dusun"][0]["id"].to_string();
    let (_, body) = app.call(None, "population/stats", &[("slug", "kramatwatu"), ("dusun", &id)]).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["categories"], serde_json::json!([]));
}

async fn security_headers_on_every_response(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    app.seed("36.04.05.2001", 20, 1, None).await;
    for path in ["/kramatwatu", "/tidak-ada", "/favicon.svg", "/healthz"] {
        let res = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP: {path}");
    }
    let res = app.client.get(format!("{}/kramatwatu", app.base)).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    let body = res.text().await.unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a nonce in script-src");
    assert!(nonce.len() >= 16);
    assert!(!csp.contains("'unsafe-inline' 'wasm") && !csp.contains("script-src 'self' 'unsafe-inline'"));
    // Every inline script carries the nonce of this very response.
    for script in body.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        if !tag.contains("src=") {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "inline script without the nonce: {tag}");
        }
    }
    let other = app.client.get(format!("{}/kramatwatu", app.base)).send().await.unwrap();
    assert_ne!(other.headers()["content-security-policy"].to_str().unwrap(), csp, "a fresh nonce per response");

    let res =
        app.client.get(format!("{}/kramatwatu", app.base)).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}

/// The values the page's script hands to hydration (`__RESOLVED_RESOURCES[n] = "…";`), as
/// written (escaped).
fn resolved_resources(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("__RESOLVED_RESOURCES[") {
        rest = &rest[at + 21..];
        let Some(start) = rest.find("] = \"") else { break };
        let body = &rest[start + 5..];
        let (mut end, mut escaped) = (0, false);
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = i;
                    break;
                }
                _ => escaped = false,
            }
        }
        out.push(body[..end].to_string());
        rest = &body[end..];
    }
    out
}

/// The page without what must differ between two answers: the CSP nonce (leptos also writes it
/// as the `crossorigin` value of the main module's preloads).
fn without_nonce(html: &str) -> String {
    let mut out = html.to_string();
    for attribute in ["nonce=\"", "crossorigin=\""] {
        let mut kept = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(attribute) {
            kept.push_str(&rest[..at + attribute.len()]);
            rest = &rest[at + attribute.len()..];
            let end = rest.find('"').unwrap_or(0);
            if &rest[..end] == "anonymous" {
                kept.push_str("anonymous");
            }
            rest = &rest[end..];
        }
        kept.push_str(rest);
        out = kept;
    }
    out
}

/// Issue 29: the registry list came out differently from one request to the next (its data
/// embedded one to three times, the list query run again, preload links or none). Every page a
/// visitor, a resident and an official open gives the same HTML twice (but for the nonce), and
/// a page's data is embedded once.
async fn the_same_address_gives_the_same_page(backend: Backend) {
    use digdaya::access::session;
    use digdaya::auth::model::Role;
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 120, 1, None).await.village;
    let official = digdaya::auth::service::create_official(
        &app.db,
        Some(&v),
        "kades.x",
        "Pejabat",
        Role::Kades,
        "kopi-tubruk-di-sawah",
    )
    .await
    .unwrap();
    let token = session::start_official(&app.db, &official, &Default::default(), chrono::Utc::now()).await.unwrap();
    let kades = format!("digdaya_session={token}");
    let (_, warga) = common::resident_with_pin(&app, &v, 0).await;
    let pages: [(&str, Option<&str>); 23] = [
        ("/kramatwatu", None),
        ("/kramatwatu/statistik", None),
        ("/kramatwatu/layanan", None),
        ("/kramatwatu/pengaduan", None),
        ("/kramatwatu/pasar", None),
        ("/kramatwatu/peta", None),
        ("/kramatwatu/masuk", None),
        ("/kramatwatu/layanan", Some(&warga)),
        ("/kramatwatu/layanan/permohonan", Some(&warga)),
        // After the services page, which gave the village its letter types.
        ("/kramatwatu/layanan/surat/1", Some(&warga)),
        ("/kramatwatu/akun", Some(&warga)),
        ("/kramatwatu/pasar/kelola", Some(&warga)),
        ("/kramatwatu/pengaduan/baru", Some(&warga)),
        ("/kramatwatu/admin", Some(&kades)),
        ("/kramatwatu/admin/penduduk", Some(&kades)),
        ("/kramatwatu/admin/penduduk?q=a", Some(&kades)),
        ("/kramatwatu/admin/penduduk/statistik", Some(&kades)),
        ("/kramatwatu/admin/surat", Some(&kades)),
        ("/kramatwatu/admin/pengaduan", Some(&kades)),
        ("/kramatwatu/admin/peta", Some(&kades)),
        ("/kramatwatu/admin/pasar", Some(&kades)),
        ("/kramatwatu/admin/profil", Some(&kades)),
        ("/kramatwatu/admin/perangkat", Some(&kades)),
    ];
    for (path, cookie) in pages {
        let mut seen = Vec::new();
        for _ in 0..3 {
            let res = match cookie {
                Some(cookie) => common::get_with(&app, path, cookie).await,
                None => app.client.get(format!("{}{path}", app.base)).send().await.unwrap(),
            };
            assert_eq!(res.status().as_u16(), 200, "{path}");
            seen.push(without_nonce(&res.text().await.unwrap()));
        }
        assert!(
            seen[0] == seen[1] && seen[1] == seen[2],
            "{path} differs between requests:\n{}\n---\n{}",
            seen[0],
            seen[1]
        );
        // Each resource's data once: no two resources carry the same (sizeable) data.
        let data = resolved_resources(&seen[0]);
        let mut large: Vec<&String> = data.iter().filter(|d| d.len() > 200).collect();
        let all = large.len();
        large.sort();
        large.dedup();
        assert_eq!(large.len(), all, "{path}: a resource's data is embedded more than once");
    }
    // A search box shows what was searched before the WASM arrives (it was a property, absent
    // from the server's HTML).
    let res = common::get_with(&app, "/kramatwatu/admin/penduduk?q=Siti&umur_dari=17", &kades).await;
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"name="q" type="search" value="Siti""#), "the search box keeps its words");
    assert!(html.contains(r#"value="17""#), "the age filter keeps its number");
}
