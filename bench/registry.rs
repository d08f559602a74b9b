//! The population registry's budgets (issue 4), measured in the server's own code on a real
//! database: search by name and by NIK prefix, a filtered list page, all statistics of a
//! village, and the import of 10,000 rows (time and peak memory of the `import-residents`
//! command). Two datasets: 100,000 residents in one village, and 1,000,000 in 100 villages.
//!
//! `cargo run --release --no-default-features --features ssr --example registry -- [sqlite|postgres]`
//! (`make bench` runs both; PostgreSQL from `DATABASE_URL_PG`, default the local `test` database).
//! `BENCH_SMALL=1` divides the sizes by 10 for a quick look.

use std::time::{Duration, Instant};

use chrono::Utc;
use digdaya::db::entities::{resident, village};
use digdaya::population::model::ResidentFilter;
use digdaya::population::seed::{SeedOptions, seed_demo};
use digdaya::population::{export, registry, service};
use digdaya::ui::PageAt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

const RUNS: usize = 200;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
    samples[i].as_secs_f64() * 1000.0
}

fn report(name: &str, budget: &str, mut samples: Vec<Duration>) {
    let (p50, p95) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.95));
    println!("| {name} | {budget} | p50 {p50:.1} ms, p95 {p95:.1} ms | {} runs |", samples.len());
}

/// A fresh database: a SQLite file in `dir`, or a new PostgreSQL database.
async fn fresh(backend: &str, dir: &std::path::Path, name: &str) -> (DatabaseConnection, String) {
    let url = if backend == "postgres" {
        let admin_url =
            std::env::var("DATABASE_URL_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let admin = Database::connect(admin_url.as_str()).await.expect("PostgreSQL");
        let db = format!("digdaya_bench_{name}");
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).await.expect("drop");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{db}\"")).await.expect("create");
        format!("{}/{db}", admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b))
    } else {
        format!("sqlite://{}/{name}.db?mode=rwc", dir.display())
    };
    let db = digdaya::db::connect(&url).await.expect("connect");
    digdaya::db::migrate(&db).await.expect("migrate");
    (db, url)
}

async fn seed(db: &DatabaseConnection, code: &str, residents: u32, n: u64) -> village::Model {
    let opts = SeedOptions { code: code.into(), residents, seed: n, slug: Some(format!("desa-{n}")), host: None };
    seed_demo(db, &opts).await.expect("seed").village
}

/// Name parts and NIK prefixes of real residents of the village, to search for.
async fn probes(db: &DatabaseConnection, village_id: i64) -> (Vec<String>, Vec<String>) {
    let rows: Vec<(String, String)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Name)
        .column(resident::Column::Nik)
        .filter(resident::Column::VillageId.eq(village_id))
        .limit(5_000)
        .into_tuple()
        .all(db)
        .await
        .expect("probes");
    let step = (rows.len() / RUNS).max(1);
    let names = rows.iter().step_by(step).map(|(n, _)| n.split(' ').next_back().unwrap_or(n).to_string()).collect();
    let niks = rows.iter().step_by(step).map(|(_, nik)| nik[..10].to_string()).collect();
    (names, niks)
}

async fn measure_village(db: &DatabaseConnection, v: &village::Model, label: &str) {
    let (names, niks) = probes(db, v.id).await;
    let list = |f: ResidentFilter| async move {
        let start = Instant::now();
        let page = registry::list(db, v.id, &f, &PageAt::default()).await.expect("list");
        assert!(page.total > 0 || f.q.is_empty());
        start.elapsed()
    };
    let mut by_name = Vec::new();
    for q in names.iter().take(RUNS) {
        by_name.push(list(ResidentFilter { q: q.clone(), ..Default::default() }).await);
    }
    report(&format!("{label}: search by name"), "p95 <= 30 ms", by_name);
    let mut by_nik = Vec::new();
    for q in niks.iter().take(RUNS) {
        by_nik.push(list(ResidentFilter { q: q.clone(), ..Default::default() }).await);
    }
    report(&format!("{label}: search by NIK prefix (10 digits)"), "p95 <= 30 ms", by_nik);
    let dusun = registry::area_names(db, v.id).await.expect("areas").dusun;
    let mut filtered = Vec::new();
    for i in 0..RUNS {
        let start = Instant::now();
        let f = ResidentFilter {
            dusun: Some(dusun[i % dusun.len()].id),
            sex: if i % 2 == 0 { "P".into() } else { "L".into() },
            age_min: Some(20),
            age_max: Some(45),
            religion: "ISLAM".into(),
            ..Default::default()
        };
        let page = registry::list(db, v.id, &f, &PageAt::default()).await.expect("filtered");
        let mut took = start.elapsed();
        // Every other run times the next page instead, reached through its link as a reader would.
        if let (1, Some(next)) = (i % 2, page.links.next) {
            let start = Instant::now();
            registry::list(db, v.id, &f, &next).await.expect("next page");
            took = start.elapsed();
        }
        filtered.push(took);
    }
    report(&format!("{label}: filtered list page (dusun, sex, age, religion; by name)"), "<= 80 ms", filtered);
    let mut stats = Vec::new();
    let today = Utc::now().date_naive();
    let mut public = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        service::registry_stats(db, v.id, today).await.expect("stats");
        stats.push(start.elapsed());
        let start = Instant::now();
        service::stats(db, v.id, None).await.expect("public stats");
        public.push(start.elapsed());
    }
    report(&format!("{label}: all statistics of the village (officials' page)"), "<= 150 ms", stats);
    report(&format!("{label}: public statistics page data"), "<= 150 ms", public);
}

/// Peak memory (KiB) and time of `digdaya import-residents` on a 10,000-row file.
fn import_child(bin: &str, url: &str, village: &str, file: &std::path::Path) -> (Duration, u64, String) {
    let start = Instant::now();
    let mut child = std::process::Command::new(bin)
        .args(["import-residents", "--village", village])
        .arg(file)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run the digdaya binary (DIGDAYA_BIN)");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            for line in text.lines().filter(|l| l.starts_with("VmHWM:")) {
                let kib = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
                peak = peak.max(kib);
            }
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed();
    let out = child.wait_with_output().expect("output");
    let text = String::from_utf8_lossy(&out.stdout);
    let first_rejected = text.lines().find(|l| l.ends_with("[rejected]")).map(|l| format!(" First refusal: {l}"));
    let summary = format!("{}{}", text.lines().last().unwrap_or(""), first_rejected.unwrap_or_default());
    (elapsed, peak, summary)
}

#[tokio::main]
async fn main() {
    let backend = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    let small = std::env::var("BENCH_SMALL").is_ok();
    let scale = if small { 10 } else { 1 };
    let dir = tempfile::tempdir().expect("temp dir");
    println!("### Registry on {backend} ({})", Utc::now().format("%Y-%m-%d %H:%M UTC"));
    println!();
    println!("| measure | budget | result | |");
    println!("| --- | --- | --- | --- |");

    // 1. 100,000 residents in one village.
    let (db, _) = fresh(&backend, dir.path(), "one").await;
    let started = Instant::now();
    let big = seed(&db, "36.04.05.2001", 100_000 / scale, 1).await;
    let seeded = started.elapsed();
    measure_village(&db, &big, &format!("{} residents, 1 village", 100_000 / scale)).await;
    println!("| seeding {} residents | | {:.1} s | |", 100_000 / scale, seeded.as_secs_f64());
    drop(db);

    // 2. 1,000,000 residents in 100 villages of Kabupaten Serang.
    let (db, url) = fresh(&backend, dir.path(), "many").await;
    let codes: Vec<String> = digdaya::region::search_villages("3604", 101)
        .into_iter()
        .map(|v| v.village.code.as_str().to_string())
        .collect();
    assert_eq!(codes.len(), 101, "Kabupaten Serang has more than 100 desa");
    let started = Instant::now();
    let mut villages = Vec::new();
    for (i, code) in codes.iter().take(100).enumerate() {
        villages.push(seed(&db, code, 10_000 / scale, i as u64 + 10).await);
    }
    let seeded = started.elapsed();
    let total = resident::Entity::find().count(&db).await.expect("count");
    measure_village(&db, &villages[50], &format!("{total} residents in 100 villages")).await;
    println!("| seeding {total} residents in 100 villages | | {:.1} s | |", seeded.as_secs_f64());

    // 3. Import of 10,000 rows (one village's export) into an empty village, by the CLI.
    let rows = export::rows(&db, villages[7].id).await.expect("export");
    let mut rows = rows;
    rows.truncate(10_001);
    let file = dir.path().join("penduduk-10000.xlsx");
    std::fs::write(&file, export::encode(&rows, export::Format::Xlsx, "Data Penduduk").expect("xlsx")).expect("write");
    // The residents of the file still live in village 7: move them out on paper first (the
    // same NIK cannot live in two villages), as a village joining from the incumbent would.
    db.execute_unprepared(&format!("UPDATE residents SET status = 'pindah' WHERE village_id = {}", villages[7].id))
        .await
        .expect("free the NIKs");
    let target = digdaya::village::service::create_from_code(&db, &codes[100], None, None).await.expect("village");
    let bin = std::env::var("DIGDAYA_BIN").unwrap_or_else(|_| "target/release/digdaya".into());
    let (elapsed, peak, summary) = import_child(&bin, &url, &target.slug, &file);
    println!(
        "| import of {} rows (.xlsx, {} KB) by `import-residents` | <= 10 s, < 300 MB | {:.1} s, peak RSS {} MB | {summary} |",
        rows.len() - 1,
        std::fs::metadata(&file).map(|m| m.len() / 1024).unwrap_or(0),
        elapsed.as_secs_f64(),
        peak / 1024
    );
    println!();
}
