//! A province-size dataset and the budgets of issue 10 measured on it.
//!
//! `cargo run --release --no-default-features --features ssr --example province -- <command>`,
//! with `DATABASE_URL` naming the database (PostgreSQL for the province; SQLite works too):
//!
//! - `seed [--villages N] [--per-village N] [--region 36]`: every desa/kelurahan of the region
//!   (Banten: 1,552) from the official code list, in code order, each with a generated
//!   population (`seed-demo`'s generator) of a size spread from half to one and a half times
//!   `--per-village` (default 8,312: Banten's 12.9 million people over its 1,552 villages), so
//!   the average holds. Villages already there are skipped: a stopped run resumes.
//! - `search`: resident search (the registry's, by a name part and by a 10-digit NIK prefix) in
//!   200 villages drawn across the dataset; p50 and p95.
//! - `sessions N`: N residents of villages across the dataset get a PIN and a session; prints
//!   `slug<TAB>cookie` lines for the load test (`bench/load.sh`).
//! - `villages N`: the slugs of N villages spread over the dataset, for the load test.

use std::time::{Duration, Instant};

use chrono::Utc;
use digdaya::db::entities::{resident, resident_pin, village};
use digdaya::population::model::ResidentFilter;
use digdaya::population::registry;
use digdaya::population::seed::{SeedOptions, seed_demo};
use digdaya::ui::PageAt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

const AVERAGE: u32 = 8_312;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// A number in [0, 1) from a village code, the same every run.
fn spread(code: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in code.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 10_000) as f64 / 10_000.0
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
    samples[i].as_secs_f64() * 1000.0
}

/// The desa/kelurahan codes under `region` in the embedded official list, in code order.
fn village_codes(region: &str) -> Vec<String> {
    let list = include_str!("../src/region/data/wilayah.csv");
    list.lines()
        .filter_map(|l| {
            let mut parts = l.split(',');
            let (code, _, level) = (parts.next()?, parts.next()?, parts.next()?);
            (level == "4" && code.starts_with(&format!("{region}."))).then(|| code.to_string())
        })
        .collect()
}

async fn seed(db: &DatabaseConnection, args: &[String]) {
    let region = arg(args, "--region").unwrap_or_else(|| "36".into());
    let per_village: u32 = arg(args, "--per-village").map_or(AVERAGE, |v| v.parse().expect("--per-village N"));
    let mut codes = village_codes(&region);
    if let Some(n) = arg(args, "--villages") {
        codes.truncate(n.parse().expect("--villages N"));
    }
    let have: std::collections::HashSet<String> = village::Entity::find()
        .select_only()
        .column(village::Column::Code)
        .into_tuple()
        .all(db)
        .await
        .expect("villages")
        .into_iter()
        .collect();
    let todo: Vec<&String> = codes.iter().filter(|c| !have.contains(*c)).collect();
    println!("{} villages under {region}: {} there, {} to seed", codes.len(), codes.len() - todo.len(), todo.len());
    let started = Instant::now();
    let mut residents: u64 = 0;
    for (i, code) in todo.iter().enumerate() {
        let size = (f64::from(per_village) * (0.5 + spread(code))).round() as u32;
        let opts =
            SeedOptions { code: (*code).clone(), residents: size.max(100), seed: i as u64 + 1, slug: None, host: None };
        let report = seed_demo(db, &opts).await.unwrap_or_else(|e| panic!("{code}: {e}"));
        residents += report.residents as u64;
        if (i + 1) % 25 == 0 || i + 1 == todo.len() {
            let rate = residents as f64 / started.elapsed().as_secs_f64();
            let left: u64 = todo[i + 1..].iter().map(|c| (f64::from(per_village) * (0.5 + spread(c))) as u64).sum();
            println!(
                "{}/{} villages, {residents} residents, {rate:.0}/s, about {:.0} min left",
                i + 1,
                todo.len(),
                left as f64 / rate / 60.0
            );
        }
    }
    println!("refreshing the planner's statistics…");
    digdaya::db::refresh_statistics(db).await.expect("analyse");
    let total = resident::Entity::find().count(db).await.expect("count");
    let villages = village::Entity::find().count(db).await.expect("count");
    println!("done: {villages} villages, {total} residents ({:.0} s)", started.elapsed().as_secs_f64());
}

/// Every `step`-th village by id: a spread over the dataset.
async fn sample_villages(db: &DatabaseConnection, n: usize) -> Vec<village::Model> {
    let all = village::Entity::find().order_by_asc(village::Column::Id).all(db).await.expect("villages");
    let step = (all.len() / n).max(1);
    all.into_iter().step_by(step).take(n).collect()
}

async fn search(db: &DatabaseConnection) {
    let total = resident::Entity::find().count(db).await.expect("count");
    let villages = sample_villages(db, 200).await;
    let (mut by_name, mut by_nik) = (Vec::new(), Vec::new());
    for v in &villages {
        let probe: Option<(String, String)> = resident::Entity::find()
            .select_only()
            .column(resident::Column::Name)
            .column(resident::Column::Nik)
            .filter(resident::Column::VillageId.eq(v.id))
            .into_tuple()
            .one(db)
            .await
            .expect("probe");
        let Some((name, nik)) = probe else { continue };
        let part = name.split(' ').next_back().unwrap_or(&name).to_string();
        for (q, into) in [(part, &mut by_name), (nik[..10].to_string(), &mut by_nik)] {
            let start = Instant::now();
            let page = registry::list(db, v.id, &ResidentFilter { q, ..Default::default() }, &PageAt::default())
                .await
                .expect("search");
            into.push(start.elapsed());
            assert!(page.total > 0);
        }
    }
    println!("dataset: {} villages, {total} residents", village::Entity::find().count(db).await.expect("count"));
    for (label, mut samples) in [("by name", by_name), ("by NIK prefix", by_nik)] {
        println!(
            "| resident search {label}, {} villages across the dataset | p95 <= 50 ms | p50 {:.1} ms, p95 {:.1} ms |",
            samples.len(),
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.95)
        );
    }
}

async fn sessions(db: &DatabaseConnection, n: usize) {
    let villages = sample_villages(db, n.min(500)).await;
    let mut made = 0;
    'outer: for round in 0.. {
        for v in &villages {
            if made == n {
                break 'outer;
            }
            let r = resident::Entity::find()
                .filter(resident::Column::VillageId.eq(v.id))
                .filter(resident::Column::Status.eq("hidup"))
                .order_by_asc(resident::Column::Id)
                .offset(round)
                .one(db)
                .await
                .expect("resident");
            let Some(r) = r else { continue };
            let pin = resident_pin::Entity::find()
                .filter(resident_pin::Column::VillageId.eq(v.id))
                .filter(resident_pin::Column::ResidentId.eq(r.id))
                .one(db)
                .await
                .expect("pin");
            // A resident who must still change an issued PIN (the demo's) is sent to do that
            // first: not the pages this load is about.
            if pin.as_ref().is_some_and(|p| p.must_change) {
                continue;
            }
            if pin.is_none() {
                resident_pin::ActiveModel {
                    resident_id: Set(r.id),
                    village_id: Set(v.id),
                    pin_hash: Set("$argon2id$v=19$m=19456,t=2,p=1$bG9hZHRlc3Q$bG9hZHRlc3Q".into()),
                    must_change: Set(false),
                    issued_by: Set(None),
                    issued_at: Set(Utc::now()),
                    changed_at: Set(None),
                }
                .insert(db)
                .await
                .expect("pin");
            }
            let token = digdaya::access::session::start_resident(db, &r, &Default::default(), Utc::now())
                .await
                .expect("session");
            println!("{}\tdigdaya_session={token}", v.slug);
            made += 1;
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = std::env::var("DATABASE_URL").expect("set DATABASE_URL to the dataset's database");
    let db = digdaya::db::connect(&url).await.expect("connect");
    digdaya::db::migrate(&db).await.expect("migrate");
    match args.first().map(String::as_str) {
        Some("seed") => seed(&db, &args).await,
        Some("search") => search(&db).await,
        Some("sessions") => sessions(&db, args.get(1).and_then(|n| n.parse().ok()).unwrap_or(200)).await,
        Some("villages") => {
            for v in sample_villages(&db, args.get(1).and_then(|n| n.parse().ok()).unwrap_or(500)).await {
                println!("{}", v.slug);
            }
        }
        _ => eprintln!(
            "usage: province seed [--villages N] [--per-village N] [--region 36] | search | sessions N | villages N"
        ),
    }
}
