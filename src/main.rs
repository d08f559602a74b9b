//! Server start-up only: read the command line and the configuration, connect, act.

use std::process::ExitCode;

use clap::Parser;
use digdaya::auth::{self, model::Role};
use digdaya::cli::{Cli, Command};
use digdaya::config::Config;
use digdaya::population::seed::{SeedOptions, seed_demo};
use digdaya::server::{AppState, router, serve};
use digdaya::{db, population, village};
use sea_orm::{EntityTrait, PaginatorTrait};

/// mimalloc: a server that renders pages allocates many small strings from several threads
/// (measured in BENCHMARKS.md, issue 10).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Every failure becomes one line that says what to fix.
async fn run(cli: Cli) -> Result<(), String> {
    let config = digdaya::config::install(Config::from_env().map_err(|e| e.to_string())?);
    if let Command::BackupKey { output } = &cli.command {
        let recipient = digdaya::backup::new_key(output).map_err(|e| e.to_string())?;
        println!("Identity written to {} (keep it safe, away from the server).", output.display());
        println!("Public key, for DIGDAYA_BACKUP_RECIPIENT:\n{recipient}");
        return Ok(());
    }
    if let Command::Restore { file, identity } = &cli.command {
        // Before any connection: the file is replaced.
        let db_path = digdaya::backup::sqlite_path(&config.database_url).map_err(|e| e.to_string())?;
        let identity = identity
            .clone()
            .or_else(|| std::env::var("DIGDAYA_BACKUP_IDENTITY").ok().filter(|v| !v.trim().is_empty()).map(Into::into));
        let done =
            digdaya::backup::restore(file, &db_path, std::path::Path::new(&config.files_dir), identity.as_deref())
                .await
                .map_err(|e| e.to_string())?;
        let m = &done.manifest;
        println!(
            "Restored the backup of {} ({} villages, {} residents, {} files) into {}.",
            m.created_at,
            m.villages,
            m.residents,
            m.files,
            db_path.display()
        );
        for path in &done.kept {
            println!("What was there before is kept at {}.", path.display());
        }
    }
    if let Command::VerifyLetter { key, qr } = &cli.command {
        // Offline: the key and the QR, nothing else.
        let key = match std::fs::read_to_string(key) {
            Ok(page) => page.lines().find(|l| l.len() == 43 && !l.contains(' ')).unwrap_or_default().to_string(),
            Err(_) => key.trim().to_string(),
        };
        let c = digdaya::letters::sign::check_offline(&key, qr).map_err(|why| format!("TIDAK SAH: {why}."))?;
        println!("ASLI: tanda tangan cocok dengan kunci desa {}.", c.village);
        for (label, value) in digdaya::letters::sign::facts(&c) {
            println!("{label}: {value}");
        }
        return Ok(());
    }
    // Only the commands that set a deployment up make its SQLite file: any other, run from
    // another folder or with a mistyped DATABASE_URL, would act on a new empty database.
    let creates =
        matches!(cli.command, Command::Serve | Command::Migrate | Command::SeedDemo { .. } | Command::Restore { .. });
    if !creates
        && let Ok(path) = digdaya::backup::sqlite_path(&config.database_url)
        && !path.exists()
    {
        return Err(format!(
            "there is no database at {} (DATABASE_URL {}): run the command from the deployment's folder or set DATABASE_URL to its database (`digdaya migrate` creates a new one)",
            path.display(),
            db::redact(&config.database_url)
        ));
    }
    let conn = db::connect(&config.database_url).await.map_err(|e| e.to_string())?;
    db::migrate(&conn).await.map_err(|e| e.to_string())?;
    if matches!(cli.command, Command::Serve | Command::Migrate) {
        digdaya::secrets::check()?;
        let sealed = digdaya::letters::service::seal_plain_keys(&conn).await.map_err(|e| e.to_string())?;
        if sealed > 0 {
            tracing::info!(sealed, "letter-signing keys sealed with the deployment secret");
        }
    }
    match cli.command {
        Command::Restore { .. } => {
            println!("Database is up to date.");
            Ok(())
        }
        Command::VerifyLetter { .. } | Command::BackupKey { .. } => Ok(()),
        Command::Backup { output, recipient } => {
            let output = output.unwrap_or_else(|| {
                format!("digdaya-backup-{}.zip.age", chrono::Utc::now().format("%Y%m%d-%H%M%S")).into()
            });
            let recipient = recipient.or_else(|| std::env::var("DIGDAYA_BACKUP_RECIPIENT").ok());
            let done =
                digdaya::backup::backup(&conn, std::path::Path::new(&config.files_dir), &output, recipient.as_deref())
                    .await
                    .map_err(|e| e.to_string())?;
            let m = &done.manifest;
            println!(
                "Backed up {} villages, {} residents and {} files to {} ({:.1} MB).",
                m.villages,
                m.residents,
                m.files,
                done.path.display(),
                done.bytes as f64 / 1e6
            );
            if let Some(s3) = &config.s3 {
                println!(
                    "Uploaded files are in the bucket {} at {}, not in this backup: keep them with the store's own versioning or replication.",
                    s3.bucket, s3.endpoint
                );
            }
            Ok(())
        }
        Command::Migrate => {
            println!("Database is up to date.");
            Ok(())
        }
        Command::Serve => {
            // A SQLite database is locked (shared) while served: `restore` waits for the stop.
            let _serving = match digdaya::backup::sqlite_path(&config.database_url) {
                Ok(path) => Some(digdaya::backup::lock_serving(&path).map_err(|e| e.to_string())?),
                Err(_) => None,
            };
            let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|e| {
                format!("cannot listen on {}: {e}. Set LEPTOS_SITE_ADDR to a free address", config.addr)
            })?;
            let state = AppState {
                db: conn,
                leptos_options: config.leptos_options(),
                files: config.storage()?,
                outage: Default::default(),
                config,
            };
            let pages = digdaya::cache::PageCache::of(config);
            tracing::info!("Digdaya listening on http://{}", config.addr);
            serve(listener, router(state, pages)).await.map_err(|e| format!("server stopped: {e}"))
        }
        Command::CreateToken { name, villages, write } => {
            let mut ids = Vec::new();
            let mut names = Vec::new();
            for text in &villages {
                let v = find_village(&conn, text).await?;
                ids.push(v.id);
                names.push(v.slug);
            }
            let (id, token) = digdaya::api::tokens::create(&conn, &name, &ids, write, chrono::Utc::now())
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Token {id} for {name:?} ({}; {}):\n\n  {token}\n\nGive it to the partner over a safe channel: it is not shown again. Revoke it with `digdaya revoke-token {id}`.",
                if write { "read and write" } else { "read only" },
                names.join(", ")
            );
            Ok(())
        }
        Command::RevokeToken { id } => {
            if digdaya::api::tokens::revoke(&conn, id, chrono::Utc::now()).await.map_err(|e| e.to_string())? {
                println!("Token {id} is revoked.");
                Ok(())
            } else {
                Err(format!("no active token {id}: see list-tokens"))
            }
        }
        Command::ListTokens => {
            use sea_orm::{ColumnTrait, QueryFilter};
            let tokens = digdaya::api::tokens::list(&conn).await.map_err(|e| e.to_string())?;
            let ids: Vec<i64> = tokens.iter().flat_map(|t| t.villages.iter().copied()).collect();
            use digdaya::db::entities::village as row;
            let slugs: std::collections::HashMap<i64, String> = row::Entity::find()
                .filter(row::Column::Id.is_in(ids))
                .all(&conn)
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|v| (v.id, v.slug))
                .collect();
            if tokens.is_empty() {
                println!("No partner tokens yet: make one with create-token.");
            }
            for t in tokens {
                let state = match (t.revoked_at, t.last_used_at) {
                    (Some(at), _) => format!("revoked {}", at.format("%Y-%m-%d %H:%M")),
                    (None, Some(at)) => format!("last used {}", at.format("%Y-%m-%d %H:%M")),
                    (None, None) => "never used".to_string(),
                };
                let villages: Vec<&str> =
                    t.villages.iter().map(|id| slugs.get(id).map_or("?", String::as_str)).collect();
                println!(
                    "{:>4}  {}  [{}]  villages {}  made {}  {state}",
                    t.id,
                    t.name,
                    if t.can_write { "read+write" } else { "read" },
                    villages.join(", "),
                    t.created_at.format("%Y-%m-%d"),
                );
            }
            Ok(())
        }
        Command::CreateVillage { code, slug, host } => {
            let v = village::service::create_from_code(&conn, &code, slug.as_deref(), host.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Created {} {} (Kec. {}, {}, {}) at /{}{}",
                village::model::capitalise(&v.kind),
                v.name,
                v.kecamatan,
                v.kabupaten,
                v.province,
                v.slug,
                v.host.as_deref().map(|h| format!(" and http://{h}/")).unwrap_or_default()
            );
            Ok(())
        }
        Command::CreateOfficial { village: village_ref, region, username, name, role } => {
            let role = Role::parse(&role).ok_or_else(|| {
                format!("role {role:?} is unknown: use operator, sekdes, kades, superadmin or wilayah")
            })?;
            let village = match village_ref {
                Some(text) => Some(find_village(&conn, &text).await?),
                None => None,
            };
            let (password, generated) = match std::env::var("DIGDAYA_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (auth::service::generate_password(), true),
            };
            let official = match (role, region.as_deref()) {
                (Role::Wilayah, Some(region)) if village.is_none() => {
                    auth::service::create_region_official(&conn, region, &username, &name, &password).await
                }
                (Role::Wilayah, _) => {
                    return Err("a wilayah officer needs --region (e.g. 36.04 or 36.04.05) and no --village".into());
                }
                (_, Some(_)) => return Err("--region is only for --role wilayah".into()),
                _ => auth::service::create_official(&conn, village.as_ref(), &username, &name, role, &password).await,
            }
            .map_err(|e| e.to_string())?;
            println!(
                "Created {} {} ({}){}{}",
                role.label(),
                official.name,
                official.username,
                village.map(|v| format!(" for {} {}", village::model::capitalise(&v.kind), v.name)).unwrap_or_default(),
                official.region_code.map(|r| format!(" for region {r}; signs in at /kelola/masuk")).unwrap_or_default()
            );
            if generated {
                println!("Password (shown once, give it in person): {password}");
            }
            Ok(())
        }
        Command::ImportResidents { village: village_ref, dry_run, file } => {
            let village = find_village(&conn, &village_ref).await?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let report = if dry_run {
                population::import::plan(&conn, village.id, &name, &bytes).await.map(|p| p.report)
            } else {
                let who = std::env::var("USER").unwrap_or_else(|_| "operator".into());
                let by = population::import::Importer { official_id: None, name: who };
                population::import::apply(&conn, village.id, &name, &bytes, &by, None).await
            }
            .map_err(|e| e.to_string())?;
            for e in &report.errors {
                println!("row {} {}: {} [rejected]", e.row, e.column, e.message);
            }
            for w in &report.warnings {
                println!("row {} {}: {} [warning]", w.row, w.column, w.message);
            }
            println!(
                "{}{} rows: {} new, {} updated, {} unchanged, {} rejected; {} new families, {} new areas.",
                if dry_run { "Dry run (nothing written). " } else { "Imported. " },
                report.rows,
                report.new,
                report.updated,
                report.unchanged,
                report.rejected,
                report.new_families,
                report.new_areas
            );
            Ok(())
        }
        Command::ExportResidents { village: village_ref, format, output } => {
            use population::export::{self, Format};
            let village = find_village(&conn, &village_ref).await?;
            let format =
                Format::parse(&format).ok_or_else(|| format!("format {format:?} is unknown: use xlsx or csv"))?;
            let rows = export::rows(&conn, village.id).await.map_err(|e| e.to_string())?;
            let bytes = export::encode(&rows, format, population::sheet::SHEET).map_err(|e| e.to_string())?;
            let path = output.unwrap_or_else(|| format!("penduduk-{}.{}", village.slug, format.extension()).into());
            std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("Exported {} residents to {}.", rows.len() - 1, path.display());
            Ok(())
        }
        Command::SeedDemo { code, residents, seed, if_empty } => {
            if if_empty {
                let existing = village_count(&conn).await?;
                if existing > 0 {
                    println!("The database already has {existing} village(s); demo data not loaded.");
                    print_demo_logins(&conn).await;
                    return Ok(());
                }
            }
            let opts = SeedOptions { code, residents, seed, ..SeedOptions::default() };
            let report = seed_demo(&conn, &opts).await.map_err(|e| e.to_string())?;
            let officials =
                auth::service::create_demo_officials(&conn, &report.village).await.map_err(|e| e.to_string())?;
            let as_official = |role: Role| {
                officials.iter().find(|o| o.role == role).map(|o| digdaya::kit::caller::Official {
                    id: o.id,
                    village_id: o.village_id,
                    name: o.name.clone(),
                    role,
                    session_id: String::new(),
                })
            };
            if let (Some(operator), Some(kades)) = (as_official(Role::Operator), as_official(Role::Kades)) {
                let base = std::env::var("DIGDAYA_PUBLIC_URL")
                    .unwrap_or_else(|_| format!("http://{}", config.addr))
                    .trim_end_matches('/')
                    .to_string();
                digdaya::letters::service::seed_demo_letters(&conn, &report.village, &operator, &kades, &base)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            let demo_settings = digdaya::complaints::model::Settings { visitors: true, public_list: true };
            digdaya::village::service::save_setting(&conn, report.village.id, "complaints", &demo_settings)
                .await
                .map_err(|e| e.to_string())?;
            digdaya::complaints::service::seed_demo_complaints(&conn, &report.village)
                .await
                .map_err(|e| e.to_string())?;
            digdaya::map::service::seed_demo_features(&conn, &report.village).await.map_err(|e| e.to_string())?;
            digdaya::market::service::seed_demo_market(&conn, &report.village).await.map_err(|e| e.to_string())?;
            if let Some(kades) = as_official(Role::Kades) {
                let files = config.storage()?;
                digdaya::portal::demo::seed_demo_portal(&conn, &files, &report.village, &kades)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            auth::residents::create_demo_pin(&conn, &report.village).await.map_err(|e| e.to_string())?;
            println!(
                "Demo village {} {} at /{}: {} residents in {} families, {} dusun, {} RW, {} RT ({:.1} s).",
                village::model::capitalise(&report.village.kind),
                report.village.name,
                report.village.slug,
                report.residents,
                report.families,
                report.dusun,
                report.rw,
                report.rt,
                report.elapsed.as_secs_f64()
            );
            print_demo_logins(&conn).await;
            Ok(())
        }
    }
}

/// A village by kode wilayah or slug, for operator commands.
async fn find_village(
    conn: &sea_orm::DatabaseConnection,
    text: &str,
) -> Result<digdaya::db::entities::village::Model, String> {
    use digdaya::db::entities::village as v;
    use sea_orm::{ColumnTrait, QueryFilter};
    let code = digdaya::region::RegionCode::parse(text).map(|c| c.to_string()).unwrap_or_default();
    v::Entity::find()
        .filter(sea_orm::Condition::any().add(v::Column::Slug.eq(text.trim())).add(v::Column::Code.eq(code)))
        .one(conn)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no village {text:?} in this database: create it first with create-village"))
}

/// The demo accounts that still exist, with the demo password.
async fn print_demo_logins(conn: &sea_orm::DatabaseConnection) {
    use digdaya::db::entities::{official, village as v};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let Ok(accounts) = official::Entity::find()
        .filter(official::Column::Username.like("%.kramatwatu"))
        .order_by_asc(official::Column::Id)
        .all(conn)
        .await
    else {
        return;
    };
    if accounts.is_empty() {
        return;
    }
    let slug = match v::Entity::find().filter(v::Column::Slug.eq("kramatwatu")).one(conn).await {
        Ok(Some(found)) => found.slug,
        _ => return,
    };
    println!("Demo logins at /{slug}/masuk (password {}):", auth::service::DEMO_PASSWORD);
    for a in accounts {
        let role = a.role.label();
        println!("  {:<24} {role}", a.username);
    }
    // The demo resident, while the demo PIN has not been changed yet.
    use digdaya::db::entities::{resident, resident_pin};
    let Ok(pins) = resident_pin::Entity::find()
        .filter(resident_pin::Column::IssuedBy.is_null())
        .filter(resident_pin::Column::MustChange.eq(true))
        .all(conn)
        .await
    else {
        return;
    };
    for pin in pins {
        if let Ok(Some(r)) = resident::Entity::find_by_id(pin.resident_id).one(conn).await {
            println!(
                "Demo resident {} at /{slug}/masuk: NIK {} PIN {} (a new PIN is asked at the first sign-in)",
                r.name,
                r.nik,
                auth::residents::DEMO_PIN
            );
        }
    }
}

async fn village_count(conn: &sea_orm::DatabaseConnection) -> Result<u64, String> {
    digdaya::db::entities::village::Entity::find().count(conn).await.map_err(|e| e.to_string())
}
