//! Running at scale: keys a sharded PostgreSQL can distribute by village, cascades that still
//! hold with those keys.

use crate::common;

use common::{Backend, TestApp};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};

db_tests!(village_id_leads_every_key_of_village_owned_tables, deleting_through_composite_keys_still_cascades);

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

/// Deleting a family leaves its members (family cleared, SET NULL on one column only), and
/// deleting a village removes everything it owns, through the composite keys.
async fn deleting_through_composite_keys_still_cascades(backend: Backend) {
    use digdaya::db::entities::{family, resident, village};
    use sea_orm::{ColumnTrait, ModelTrait, PaginatorTrait, QueryFilter};
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2003", 60, 7, None).await.village;
    let db = &app.db;
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
}
