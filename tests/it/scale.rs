//! Running at scale: keys a sharded PostgreSQL can distribute by village, cascades that still
//! hold with those keys.

use crate::common;

use common::{Backend, TestApp};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};

db_tests!(
    village_id_leads_every_key_of_village_owned_tables,
    every_village_owned_table_references_villages,
    deleting_through_composite_keys_still_cascades,
    migration_22_keeps_what_a_village_already_has
);

/// Tables with a non-null `village_id`.
async fn village_owned(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid WHERE n.nspname = current_schema() AND c.relkind = 'r' \
             AND a.attname = 'village_id' AND a.attnotnull ORDER BY 1"
        }
        _ => {
            "SELECT m.name AS t FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'village_id' AND p.\"notnull\" = 1 ORDER BY 1"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "t").unwrap()).collect()
}

async fn strings(db: &sea_orm::DatabaseConnection, sql: String) -> Vec<String> {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "v").unwrap()).collect()
}

async fn village_id_leads_every_key_of_village_owned_tables(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let db = &app.db;
    let owned = village_owned(db).await;
    for t in ["residents", "families", "letter_requests", "complaints", "products", "outbox_keys", "audit_entries"] {
        assert_eq!(owned.contains(&t.to_string()), t != "audit_entries", "{t} in {owned:?}");
    }
    assert!(owned.len() >= 25, "{owned:?}");
    let mut wrong = Vec::new();
    for t in &owned {
        // Unique indexes and primary keys: their first column.
        let firsts = match db.get_database_backend() {
            DbBackend::Postgres => {
                strings(
                    db,
                    format!(
                        "SELECT i.relname || ':' || a.attname AS v FROM pg_index x \
                         JOIN pg_class i ON i.oid = x.indexrelid \
                         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0] \
                         WHERE x.indrelid = '{t}'::regclass AND x.indisunique"
                    ),
                )
                .await
            }
            _ => strings(
                db,
                format!(
                    "SELECT l.name || ':' || (SELECT i.name FROM pragma_index_info(l.name) i WHERE i.seqno = 0) AS v \
                         FROM pragma_index_list('{t}') l WHERE l.\"unique\" = 1 AND l.origin <> 'pk'"
                ),
            )
            .await,
        };
        wrong.extend(firsts.into_iter().filter(|f| !f.ends_with(":village_id")).map(|f| format!("{t} {f}")));
    }
    assert!(wrong.is_empty(), "unique keys not led by village_id: {wrong:?}");

    if db.get_database_backend() == DbBackend::Postgres {
        // Foreign keys between two village-owned tables carry village_id on both sides.
        let list = owned.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(",");
        let fks = strings(
            db,
            format!(
                "SELECT con.conname || ':' || array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) k(n) \
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n), ',') AS v \
                 FROM pg_constraint con JOIN pg_class s ON s.oid = con.conrelid JOIN pg_class d ON d.oid = con.confrelid \
                 WHERE con.contype = 'f' AND s.relname IN ({list}) AND d.relname IN ({list})"
            ),
        )
        .await;
        assert!(fks.len() >= 10, "{fks:?}");
        let carries =
            |f: &String| f.split_once(':').is_some_and(|(_, cols)| cols.split(',').any(|c| c == "village_id"));
        let bad: Vec<_> = fks.iter().filter(|f| !carries(f) || !f.contains(',')).collect();
        assert!(bad.is_empty(), "foreign keys without village_id: {bad:?}");
    }
}

/// Every village-owned table has a foreign key to `villages`, or to a village-owned table that
/// reaches it: no row can name a village that does not exist.
async fn every_village_owned_table_references_villages(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let db = &app.db;
    let owned = village_owned(db).await;
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT s.relname || ' ' || d.relname AS v FROM pg_constraint con \
             JOIN pg_class s ON s.oid = con.conrelid JOIN pg_class d ON d.oid = con.confrelid \
             JOIN pg_namespace n ON n.oid = s.relnamespace \
             WHERE con.contype = 'f' AND n.nspname = current_schema()"
        }
        _ => {
            "SELECT m.name || ' ' || f.\"table\" AS v FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
        }
    };
    let edges: Vec<(String, String)> = strings(db, sql.to_string())
        .await
        .into_iter()
        .filter_map(|v| v.split_once(' ').map(|(a, b)| (a.to_string(), b.to_string())))
        .collect();
    let mut reaching = vec!["villages".to_string()];
    loop {
        let more: Vec<String> = edges
            .iter()
            .filter(|(from, to)| reaching.contains(to) && !reaching.contains(from))
            .map(|(from, _)| from.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        reaching.extend(more);
    }
    let lacking: Vec<_> = owned.iter().filter(|t| !reaching.contains(t)).collect();
    assert!(lacking.is_empty(), "village-owned tables with no reference to villages: {lacking:?}");
    for t in ["letter_requests", "letter_types", "complaints", "complaint_messages", "map_features"] {
        assert!(edges.contains(&(t.to_string(), "villages".to_string())), "{t}: {edges:?}");
    }
}

/// How many rows each village-owned table holds for the village `id`.
async fn rows_of(db: &sea_orm::DatabaseConnection, id: i64) -> Vec<(String, u64)> {
    let mut counts = Vec::new();
    for t in village_owned(db).await {
        let n = strings(db, format!("SELECT CAST(COUNT(*) AS TEXT) AS v FROM {t} WHERE village_id = {id}")).await;
        counts.push((t, n[0].parse::<u64>().unwrap()));
    }
    counts
}

/// The demo letters, reports and map features of `village`, made by its demo officials.
async fn letters_reports_and_map(db: &sea_orm::DatabaseConnection, village: &digdaya::db::entities::village::Model) {
    use digdaya::kit::caller::Role;
    let officials = digdaya::auth::service::create_demo_officials(db, village).await.unwrap();
    let as_official = |role: Role| {
        let o = officials.iter().find(|o| o.role == role).unwrap();
        digdaya::kit::caller::Official {
            id: o.id,
            village_id: o.village_id,
            name: o.name.clone(),
            role,
            session_id: String::new(),
        }
    };
    let (operator, kades) = (as_official(Role::Operator), as_official(Role::Kades));
    digdaya::letters::service::seed_demo_letters(db, village, &operator, &kades, "http://localhost").await.unwrap();
    digdaya::complaints::service::seed_demo_complaints(db, village).await.unwrap();
    digdaya::map::service::seed_demo_features(db, village).await.unwrap();
}

/// Migration 22 on a deployment that already has letters, reports and a map: every row kept,
/// the references added, and an id a table gave before (then deleted) not given again.
async fn migration_22_keeps_what_a_village_already_has(backend: Backend) {
    use digdaya::db::entities::map_feature;
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ActiveModelTrait, QueryOrder, Set};
    let database = common::TestDb::create(&backend).await;
    let db = digdaya::db::connect(&database.url).await.unwrap();
    let before_22 = u32::try_from(Migrator::migrations().len() - 1).unwrap();
    Migrator::up(&db, Some(before_22)).await.unwrap();
    let opts = |code: &str, seed| digdaya::population::seed::SeedOptions {
        code: code.into(),
        residents: 30,
        seed,
        slug: None,
        host: None,
    };
    let v = digdaya::population::seed::seed_demo(&db, &opts("36.04.05.2003", 3)).await.unwrap().village;
    let other = digdaya::population::seed::seed_demo(&db, &opts("36.04.05.2004", 4)).await.unwrap().village;
    letters_reports_and_map(&db, &v).await;
    letters_reports_and_map(&db, &other).await;
    let newest = map_feature::Entity::find().order_by_desc(map_feature::Column::Id).one(&db).await.unwrap().unwrap();
    map_feature::Entity::delete_by_id(newest.id).exec(&db).await.unwrap();
    let before = (rows_of(&db, v.id).await, rows_of(&db, other.id).await);
    assert!(before.0.iter().any(|(t, n)| t == "letter_requests" && *n > 0), "{before:?}");

    Migrator::up(&db, None).await.unwrap();
    assert_eq!((rows_of(&db, v.id).await, rows_of(&db, other.id).await), before, "every row kept");
    let added = map_feature::ActiveModel {
        village_id: Set(v.id),
        kind: Set("point".into()),
        category: Set("sekolah".into()),
        name: Set("SD baru".into()),
        description: Set(String::new()),
        geometry: Set(newest.geometry.clone()),
        min_lng: Set(newest.min_lng),
        min_lat: Set(newest.min_lat),
        max_lng: Set(newest.max_lng),
        max_lat: Set(newest.max_lat),
        created_at: Set(chrono::Utc::now()),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    assert!(added.id > newest.id, "id {} given again", newest.id);
    // The reference holds: a village that does not exist cannot own a feature.
    let orphan =
        map_feature::ActiveModel { id: sea_orm::NotSet, village_id: Set(v.id + other.id + 1000), ..added.into() };
    assert!(orphan.insert(&db).await.is_err(), "a feature of no village");
    digdaya::db::entities::village::Entity::delete_by_id(v.id).exec(&db).await.unwrap();
    assert!(rows_of(&db, v.id).await.iter().all(|(_, n)| *n == 0));
    assert_eq!(rows_of(&db, other.id).await, before.1);
}

/// Deleting a family leaves its members (family cleared, SET NULL on one column only), and
/// deleting a village removes everything it owns, through the composite keys and its letters',
/// complaints' and map's references.
async fn deleting_through_composite_keys_still_cascades(backend: Backend) {
    use digdaya::db::entities::{family, resident, village};
    use sea_orm::{ColumnTrait, ModelTrait, PaginatorTrait, QueryFilter};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2003", 60, 7, None).await.village;
    let db = &app.db;
    let other = app.seed("36.04.05.2004", 20, 8, None).await.village;
    for village in [&v, &other] {
        letters_reports_and_map(db, village).await;
    }
    let before = rows_of(db, v.id).await;
    for t in ["letter_requests", "letter_types", "letter_events", "village_keys", "complaints", "map_features"] {
        assert!(before.iter().any(|(name, n)| name == t && *n > 0), "{t} seeded: {before:?}");
    }
    let others_before = rows_of(db, other.id).await;
    let fam = family::Entity::find().filter(family::Column::VillageId.eq(v.id)).one(db).await.unwrap().unwrap();
    let members = resident::Entity::find().filter(resident::Column::FamilyId.eq(fam.id)).count(db).await.unwrap();
    assert!(members > 0);
    fam.delete(db).await.unwrap();
    let orphaned = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::FamilyId.is_null())
        .count(db)
        .await
        .unwrap();
    assert!(orphaned >= members, "members kept, family cleared");

    village::Entity::delete_by_id(v.id).exec(db).await.unwrap();
    assert_eq!(resident::Entity::find().filter(resident::Column::VillageId.eq(v.id)).count(db).await.unwrap(), 0);
    let left: Vec<_> = rows_of(db, v.id).await.into_iter().filter(|(_, n)| *n > 0).collect();
    assert!(left.is_empty(), "rows of the deleted village left: {left:?}");
    assert_eq!(rows_of(db, other.id).await, others_before, "the other village keeps everything");
}
