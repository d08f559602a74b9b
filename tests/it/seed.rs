//! The demo population: valid identity numbers, plausible structure, deterministic.

use crate::common;

use std::collections::HashSet;

use common::{Backend, TestApp};
use digdaya::db::entities::{family, resident};
use digdaya::population::nik::{KkNumber, Nik};
use digdaya::region::{RegionCode, region_name};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

db_tests!(demo_residents_have_valid_nik_and_kk, the_same_seed_gives_the_same_people);

async fn demo_residents_have_valid_nik_and_kk(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let report = app.seed("36.04.05.2001", 600, 7, None).await;
    assert_eq!(report.residents, 600);
    let people =
        resident::Entity::find().filter(resident::Column::VillageId.eq(report.village.id)).all(&app.db).await.unwrap();
    assert_eq!(people.len(), 600);
    let families =
        family::Entity::find().filter(family::Column::VillageId.eq(report.village.id)).all(&app.db).await.unwrap();
    assert_eq!(families.len(), report.families);
    let per_family = 600.0 / families.len() as f64;
    assert!((2.8..4.0).contains(&per_family), "about 3.3 people per family, got {per_family}");

    let mut niks = HashSet::new();
    let mut home = 0;
    for p in &people {
        let nik = Nik::parse(&p.nik).unwrap_or_else(|e| panic!("{} invalid: {e}", p.nik));
        assert!(nik.matches(p.birth_date, p.sex == "P"), "{} vs {} {}", p.nik, p.birth_date, p.sex);
        let region = RegionCode::parse(nik.region()).unwrap();
        assert!(region_name(&region).is_some(), "{} has a real kecamatan code", p.nik);
        if nik.region() == "360405" {
            home += 1;
        }
        assert!(niks.insert(p.nik.clone()), "NIK {} is unique", p.nik);
        assert!(p.family_id.is_some() && p.rt_id.is_some());
    }
    assert!(home > 400, "most are registered in their own kecamatan ({home})");
    let mut kks = HashSet::new();
    for f in &families {
        KkNumber::parse(&f.kk_number).unwrap_or_else(|e| panic!("{} invalid: {e}", f.kk_number));
        assert!(f.kk_number.starts_with("360405"));
        assert!(kks.insert(f.kk_number.clone()));
    }

    // Every family has exactly one head; women and men are both present at all ages.
    let heads = people.iter().filter(|p| p.relationship == "KEPALA KELUARGA").count();
    assert_eq!(heads, families.len());
    let women = people.iter().filter(|p| p.sex == "P").count();
    assert!((240..360).contains(&women), "{women} women of 600");
    let children = people.iter().filter(|p| p.birth_date.format("%Y").to_string().as_str() >= "2012").count();
    assert!(children > 60, "{children} children under 15");
}

async fn the_same_seed_gives_the_same_people(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    // Two villages in the same kecamatan with the same seed get the same people, with NIKs
    // that differ only in the serial (a NIK lives in one village of a deployment).
    let a = app.seed("36.04.05.2001", 200, 42, None).await.village;
    let b = app.seed("36.04.05.2002", 200, 42, None).await.village;
    let c = app.seed("36.04.05.2003", 200, 43, None).await.village;
    let people = |village_id: i64| {
        let db = app.db.clone();
        async move {
            resident::Entity::find()
                .filter(resident::Column::VillageId.eq(village_id))
                .order_by_asc(resident::Column::Nik)
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|p| (p.nik[..12].to_string(), p.name, p.birth_date, p.nik))
                .collect::<Vec<_>>()
        }
    };
    let (pa, pb, pc) = (people(a.id).await, people(b.id).await, people(c.id).await);
    let same = |p: &[(String, String, chrono::NaiveDate, String)]| {
        p.iter().map(|(prefix, name, birth, _)| (prefix.clone(), name.clone(), *birth)).collect::<Vec<_>>()
    };
    assert_eq!(same(&pa), same(&pb));
    assert_ne!(same(&pa), same(&pc));
    let niks: std::collections::HashSet<&String> = pa.iter().chain(&pb).chain(&pc).map(|p| &p.3).collect();
    assert_eq!(niks.len(), 600, "no NIK is shared between the villages");
}
