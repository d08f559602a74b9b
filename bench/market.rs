//! The market's server-side budget (issue 7): with 10,000 products in 500 approved shops, one
//! catalogue page with a search word and two filters (category and a price range), p95 ≤ 50 ms;
//! also the plain first page, the cheapest-first sort and a kecamatan-wide search.
//!
//! `cargo run --release --no-default-features --features ssr --example market -- [sqlite|postgres]`
//! (`make bench` runs both; PostgreSQL from `DATABASE_URL_PG`, default the local `test` database).
//!
//! `… --example market -- photos DIR` only makes the same market in `DIR/market.db` (SQLite), with
//! photos (`DIR/files`) on the newest products, for `bench/market-wire.sh` to serve and weigh.

use digdaya::kit::shop::Availability;
use std::time::{Duration, Instant};

use chrono::Utc;
use digdaya::db::entities::{product, resident, shop, village};
use digdaya::market::model::{CATEGORIES, CatalogueQuery, Sort, UNITS};
use digdaya::market::service::{Region, catalogue};
use digdaya::population::seed::{SeedOptions, seed_demo};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter, Set};

const SHOPS: usize = 500;
const PER_SHOP: usize = 20;
const RUNS: usize = 300;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
    samples[i].as_secs_f64() * 1000.0
}

async fn fresh(backend: &str, dir: &std::path::Path) -> DatabaseConnection {
    let url = if backend == "postgres" {
        let admin_url =
            std::env::var("DATABASE_URL_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let admin = Database::connect(admin_url.as_str()).await.expect("PostgreSQL");
        let db = "digdaya_bench_market";
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).await.expect("drop");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{db}\"")).await.expect("create");
        format!("{}/{db}", admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b))
    } else {
        format!("sqlite://{}/market.db?mode=rwc", dir.display())
    };
    let db = digdaya::db::connect(&url).await.expect("connect");
    digdaya::db::migrate(&db).await.expect("migrate");
    db
}

/// Words products are made of, so that a search word matches a realistic share of them.
const FOODS: &[&str] = &[
    "keripik",
    "emping",
    "rengginang",
    "kue",
    "sambal",
    "kopi",
    "gula aren",
    "beras",
    "telur",
    "madu",
    "dodol",
    "abon",
    "terasi",
    "kerupuk",
    "tempe",
    "tahu",
    "bolu",
    "lapis",
    "sale pisang",
    "rempeyek",
];
const KINDS: &[&str] = &["pedas", "manis", "original", "balado", "asin", "premium", "super", "spesial"];

#[tokio::main]
async fn main() {
    let backend = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    let keep = (backend == "photos").then(|| std::path::PathBuf::from(std::env::args().nth(2).expect("photos DIR")));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = fresh(&backend, keep.as_deref().unwrap_or(dir.path())).await;
    let opts = SeedOptions { code: "36.04.05.2001".into(), residents: 1_500, seed: 7, slug: None, host: None };
    let v: village::Model = seed_demo(&db, &opts).await.expect("seed").village;
    let owners = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Status.eq("hidup"))
        .all(&db)
        .await
        .unwrap();

    let started = Instant::now();
    let now = Utc::now();
    let mut n = 0usize;
    for s in 0..SHOPS {
        let category = CATEGORIES[s % CATEGORIES.len()].code;
        let row = shop::ActiveModel {
            village_id: Set(v.id),
            resident_id: Set(owners[s % owners.len()].id),
            name: Set(format!("Usaha {} {}", FOODS[s % FOODS.len()], s + 1)),
            description: Set("Usaha rumahan warga desa.".into()),
            category: Set(category.into()),
            whatsapp: Set(format!("62812{:08}", s)),
            address: Set("Kampung Kramat".into()),
            hours: Set("Setiap hari".into()),
            status: Set(digdaya::kit::shop::ShopStatus::Aktif),
            moderation_note: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let shop_id = shop::Entity::insert(row).exec(&db).await.unwrap().last_insert_id;
        let products: Vec<product::ActiveModel> = (0..PER_SHOP)
            .map(|p| {
                n += 1;
                let name = format!("{} {} {}", FOODS[(s + p) % FOODS.len()], KINDS[(s * 7 + p) % KINDS.len()], n);
                let price = 1_000 + i64::try_from((n * 7_919) % 200).unwrap() * 500;
                product::ActiveModel {
                    village_id: Set(v.id),
                    shop_id: Set(shop_id),
                    name: Set(name),
                    description: Set(format!("Produk olahan warga, kemasan {} gram.", 100 + (n % 9) * 50)),
                    category: Set(CATEGORIES[(s + p / 5) % CATEGORIES.len()].code.into()),
                    price: Set(price),
                    discount_price: Set((n % 6 == 0).then_some(price - 500)),
                    unit: Set(UNITS[n % UNITS.len()].into()),
                    availability: Set(if n % 10 == 0 { Availability::Habis } else { Availability::Tersedia }),
                    hidden: Set(n % 97 == 0),
                    hidden_reason: Set(String::new()),
                    created_at: Set(now - chrono::Duration::seconds(i64::try_from(n).unwrap())),
                    updated_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        product::Entity::insert_many(products).exec(&db).await.unwrap();
    }
    let seeded = started.elapsed();
    if let Some(dir) = keep {
        add_photos(&db, &v, &dir).await;
        return;
    }
    // A bulk load leaves PostgreSQL without statistics until autovacuum's next pass (about a
    // minute); a running deployment has them, so the benchmark measures with them.
    if backend == "postgres" {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }

    println!("### Market catalogue on {backend} ({} UTC)\n", Utc::now().format("%Y-%m-%d %H:%M"));
    println!(
        "{SHOPS} approved shops, {n} products, made in {:.1} s; {RUNS} runs each after 20 warm-up.\n",
        seeded.as_secs_f64()
    );
    println!("| query | budget | median | p95 | results |\n| --- | --- | --- | --- | --- |");
    let here = Region::Village(v.id);
    let queries: [(&str, Region, CatalogueQuery); 4] = [
        (
            "search \"keripik\" + category + price 5.000–50.000",
            here.clone(),
            CatalogueQuery {
                q: "keripik".into(),
                category: "makanan".into(),
                min: "5.000".into(),
                max: "50.000".into(),
                ..CatalogueQuery::default()
            },
        ),
        ("first page, newest", here.clone(), CatalogueQuery::default()),
        (
            "available only, cheapest first, page 10",
            here.clone(),
            page_ten(&db, &here, CatalogueQuery { available: true, sort: Sort::Cheapest, ..CatalogueQuery::default() })
                .await,
        ),
        (
            "kecamatan 36.04.05, search \"kopi\"",
            Region::Code("36.04.05".into()),
            CatalogueQuery { q: "kopi".into(), ..CatalogueQuery::default() },
        ),
    ];
    for (i, (label, region, q)) in queries.iter().enumerate() {
        let mut samples = Vec::with_capacity(RUNS);
        let mut total = 0;
        for run in 0..RUNS + 20 {
            let started = Instant::now();
            let page = catalogue(&db, region, q).await.expect("catalogue");
            if run >= 20 {
                samples.push(started.elapsed());
            }
            total = page.total;
        }
        let budget = if i == 0 { "p95 <= 50 ms" } else { "" };
        println!(
            "| {label} | {budget} | {:.2} ms | {:.2} ms | {total} |",
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.95)
        );
    }
}

/// `q` at its tenth page, reached through the pages' links as a reader would.
async fn page_ten(db: &DatabaseConnection, region: &Region, mut q: CatalogueQuery) -> CatalogueQuery {
    for _ in 1..10 {
        let page = catalogue(db, region, &q).await.expect("catalogue");
        q.at = page.links.next.expect("ten pages");
    }
    q
}

/// Photos on the 48 newest products (the first two catalogue pages): photo-like pictures made
/// here (a lit table top, a shaded round product, grain like a phone camera's), put through the
/// same upload path as a seller's (`service::add_photo`).
async fn add_photos(db: &DatabaseConnection, v: &village::Model, dir: &std::path::Path) {
    use digdaya::market::service::{Seller, add_photo};
    use sea_orm::QueryOrder;
    let files = digdaya::media::Storage::new(dir.join("files"));
    use digdaya::auth::model::Role;
    let o = digdaya::auth::service::create_official(
        db,
        Some(v),
        "bench.foto",
        "Operator Foto",
        Role::Operator,
        "kopi-tubruk-di-sawah",
    )
    .await
    .expect("official");
    let official = digdaya::access::guard::Official {
        id: o.id,
        village_id: o.village_id,
        name: o.name,
        role: Role::Operator,
        session_id: String::new(),
    };
    let who = Seller::Official(official);
    let newest = product::Entity::find()
        .filter(product::Column::VillageId.eq(v.id))
        .order_by_desc(product::Column::CreatedAt)
        .order_by_desc(product::Column::Id)
        .all(db)
        .await
        .unwrap();
    let mut thumbs = Vec::new();
    for (i, p) in newest.iter().take(48).enumerate() {
        let jpeg = photo_like(i as u32);
        add_photo(db, &files, v, &who, p.id, &jpeg).await.expect("photo");
        thumbs.push(digdaya::media::market_photo(&jpeg).unwrap().thumb.len());
    }
    thumbs.sort_unstable();
    println!(
        "48 photos added; thumbnails {}-{} bytes, median {}",
        thumbs[0],
        thumbs[thumbs.len() - 1],
        thumbs[thumbs.len() / 2]
    );
}

/// A 1600x1200 picture that compresses like a phone photo of a product on a table.
fn photo_like(seed: u32) -> Vec<u8> {
    let (w, h) = (1600u32, 1200u32);
    let hue = [[200.0, 120.0, 50.0], [180.0, 40.0, 40.0], [90.0, 140.0, 60.0], [220.0, 190.0, 90.0]][seed as usize % 4];
    let mut state = 0x9e37_79b9u32.wrapping_mul(seed + 1);
    let mut grain = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 41) as f32 - 20.0
    };
    let (cx, cy, r) = (w as f32 * (0.45 + 0.02 * (seed % 5) as f32), h as f32 * 0.55, h as f32 * 0.33);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        // The table: wood-like bands, lit from the top left.
        let light = 1.0 - 0.35 * (xf / w as f32 + yf / h as f32) / 2.0;
        let band = 12.0 * ((yf * 0.02 + (xf * 0.003).sin() * 3.0).sin())
            + 6.0 * (xf * 0.35 + yf * 0.05).sin()
            + 8.0 * (xf * 0.09 + (yf * 0.031).sin() * 4.0).sin();
        let mut px = [(150.0 + band) * light, (110.0 + band) * light, (80.0 + band * 0.5) * light];
        let d = ((xf - cx).powi(2) + (yf - cy).powi(2)).sqrt() / r;
        if d < 1.0 {
            // The product: a rounded thing, shaded, with a highlight and a printed label.
            // A crumbly, speckled surface (crackers, chips, woven bamboo), as real products have.
            let speckle = 0.12 * ((xf * 0.7).sin() * (yf * 0.6).cos()) + 0.14 * ((xf * 0.19).sin() * (yf * 0.23).cos());
            let shade = 0.55 + 0.45 * (1.0 - d * d).sqrt() + speckle;
            let spot = (-(((xf - cx + r * 0.35).powi(2) + (yf - cy + r * 0.35).powi(2)) / (r * r * 0.02))).exp();
            let label = ((yf - cy).abs() < r * 0.18 && (xf - cx).abs() < r * 0.6) as u8 as f32;
            for (c, base) in px.iter_mut().zip(hue) {
                *c = base * shade * (1.0 - 0.4 * label) + 230.0 * label * 0.4 + 255.0 * spot * 0.6;
            }
        } else if d < 1.12 {
            // Its shadow on the table.
            for c in &mut px {
                *c *= 0.6 + 0.4 * (d - 1.0) / 0.12;
            }
        }
        let n = grain();
        image::Rgb(px.map(|c| (c + n).clamp(0.0, 255.0) as u8))
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .expect("jpeg");
    out
}
