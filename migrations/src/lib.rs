//! Database schema of Digdaya, as sea-orm migrations.
//!
//! The same migrations run on SQLite (the default, embedded) and PostgreSQL (large
//! deployments). Every village-owned table carries a non-null `village_id`.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_villages;
mod m20261128_000002_population;
mod m20261128_000003_identity;
mod m20261128_000004_login_throttle;
mod m20261128_000005_audit_log;
mod m20261128_000006_resident_identity;
mod m20261128_000007_registry;
mod m20261128_000008_letters;
mod m20261128_000009_complaints;
mod m20261129_000010_map;
mod m20261129_000011_market;
mod m20261129_000012_articles;
mod m20261129_000013_portal_content;
mod m20261129_000014_gallery;
mod m20261129_000015_outbox_keys;
mod m20261129_000016_village_keys;
mod m20261129_000017_import_uploads;
mod m20261129_000018_partner_api;
mod m20261129_000019_region_officers;
mod m20261130_000020_village_name_search;
mod m20261206_000021_trust;
mod m20261206_000022_village_references;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_villages::Migration),
            Box::new(m20261128_000002_population::Migration),
            Box::new(m20261128_000003_identity::Migration),
            Box::new(m20261128_000004_login_throttle::Migration),
            Box::new(m20261128_000005_audit_log::Migration),
            Box::new(m20261128_000006_resident_identity::Migration),
            Box::new(m20261128_000007_registry::Migration),
            Box::new(m20261128_000008_letters::Migration),
            Box::new(m20261128_000009_complaints::Migration),
            Box::new(m20261129_000010_map::Migration),
            Box::new(m20261129_000011_market::Migration),
            Box::new(m20261129_000012_articles::Migration),
            Box::new(m20261129_000013_portal_content::Migration),
            Box::new(m20261129_000014_gallery::Migration),
            Box::new(m20261129_000015_outbox_keys::Migration),
            Box::new(m20261129_000016_village_keys::Migration),
            Box::new(m20261129_000017_import_uploads::Migration),
            Box::new(m20261129_000018_partner_api::Migration),
            Box::new(m20261129_000019_region_officers::Migration),
            Box::new(m20261130_000020_village_name_search::Migration),
            Box::new(m20261206_000021_trust::Migration),
            Box::new(m20261206_000022_village_references::Migration),
        ]
    }
}

/// Creates the index `name` on `cols` of `table` (not unique).
pub(crate) async fn index<T: IntoIden + Copy + 'static, C: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(*col);
    }
    manager.create_index(stmt.to_owned()).await
}
