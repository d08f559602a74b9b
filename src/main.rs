//! Server start-up only: read the command line and the configuration, connect, act.

use std::process::ExitCode;

use clap::Parser;
use digdaya::cli::{Cli, Command};
use digdaya::config::Config;
use digdaya::population::seed::{SeedOptions, seed_demo};
use digdaya::server::{AppState, router, serve};
use digdaya::{db, village};
use sea_orm::{EntityTrait, PaginatorTrait};

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
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let conn = db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    db::migrate(&conn).await.map_err(|e| e.to_string())?;
    match cli.command {
        Command::Migrate => {
            println!("Database is up to date.");
            Ok(())
        }
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(config.addr)
                .await
                .map_err(|e| {
                    format!(
                        "cannot listen on {}: {e}. Set LEPTOS_SITE_ADDR to a free address",
                        config.addr
                    )
                })?;
            let state = AppState {
                db: conn,
                leptos_options: config.leptos_options(),
            };
            tracing::info!("Digdaya listening on http://{}", config.addr);
            serve(listener, router(state))
                .await
                .map_err(|e| format!("server stopped: {e}"))
        }
        Command::CreateVillage { code, slug, host } => {
            let v =
                village::service::create_from_code(&conn, &code, slug.as_deref(), host.as_deref())
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
                v.host
                    .as_deref()
                    .map(|h| format!(" and http://{h}/"))
                    .unwrap_or_default()
            );
            Ok(())
        }
        Command::SeedDemo {
            code,
            residents,
            seed,
            if_empty,
        } => {
            if if_empty {
                let existing = village_count(&conn).await?;
                if existing > 0 {
                    println!(
                        "The database already has {existing} village(s); demo data not loaded."
                    );
                    return Ok(());
                }
            }
            let opts = SeedOptions {
                code,
                residents,
                seed,
                ..SeedOptions::default()
            };
            let report = seed_demo(&conn, &opts).await.map_err(|e| e.to_string())?;
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
            Ok(())
        }
    }
}

async fn village_count(conn: &sea_orm::DatabaseConnection) -> Result<u64, String> {
    digdaya::db::entities::village::Entity::find()
        .count(conn)
        .await
        .map_err(|e| e.to_string())
}
