//! The population registry: imports of the incumbent's files (and broken ones), export round
//! trips, search and filters, events with history, duplicate NIKs across villages, audited full
//! views, correction requests, and the upload/download over HTTP.

use crate::common;

use chrono::Utc;
use common::{Backend, TestApp};
use digdaya::access::guard::Official;
use digdaya::access::session;
use digdaya::auth::{model::Role, service::create_official};
use digdaya::db::entities::{audit_entry, import_upload, population_event, resident, village};
use digdaya::error::AppError;
use digdaya::population::export::{self, Format};
use digdaya::population::import::{self, Importer};
use digdaya::population::model::{EventInput, ResidentFilter, ResidentForm, SaveOutcome};
use digdaya::population::record::ResidentInput;
use digdaya::population::registry;
use digdaya::ui::PageAt;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

db_tests!(
    the_incumbents_sample_imports_and_round_trips,
    the_incumbents_template_imports_with_its_example_row_refused,
    broken_files_are_refused_with_their_reasons,
    officials_search_filter_and_page_the_registry,
    events_change_status_and_keep_history,
    a_living_nik_is_unique_in_the_deployment,
    full_numbers_are_shown_on_request_and_audited,
    import_and_export_over_http,
    statistics_count_every_living_resident,
    a_family_moves_with_its_members,
    a_village_never_writes_anothers_registry,
);

/// B's officials accept the one move waiting for them, filling in a new KK and an RT of theirs.
async fn accept_move(app: &TestApp, b: &village::Model, ob: &Official) -> i64 {
    use digdaya::population::moves;
    let waiting = moves::waiting(&app.db, b.id).await.unwrap();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let arrival = moves::arrival(&app.db, b.id, ob, waiting[0].id).await.unwrap();
    let rt = digdaya::db::entities::area::Entity::find()
        .filter(digdaya::db::entities::area::Column::VillageId.eq(b.id))
        .filter(digdaya::db::entities::area::Column::Level.eq(3))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let form = ResidentForm {
        input: arrival.input.clone(),
        new_kk: "3604052011260001".into(),
        address: "Kp. Baru".into(),
        rt_id: Some(rt.id),
        warning_reason: "Sesuai data desa asal".into(),
        ..Default::default()
    };
    let event = EventInput { date: arrival.date.clone(), ..Default::default() };
    match moves::accept(&app.db, b.id, ob, arrival.id, &form, &event).await.unwrap() {
        SaveOutcome::Saved(id) => id,
        other => panic!("{other:?}"),
    }
}

const SAMPLE: &str = "opensid/contoh_penduduk.xlsx";
const TEMPLATE: &str = "opensid/FormatImporExcel.xlsm";
const PASSWORD: &str = "kopi-tubruk-di-sawah";

fn by() -> Importer {
    Importer { official_id: None, name: "test".into() }
}

/// An empty village (no residents) to import into.
async fn empty_village(app: &TestApp, code: &str) -> village::Model {
    digdaya::village::service::create_from_code(&app.db, code, None, None).await.unwrap()
}

async fn official(app: &TestApp, v: &village::Model, username: &str) -> (Official, String) {
    let o = create_official(&app.db, Some(v), username, "Operator Uji", Role::Operator, PASSWORD).await.unwrap();
    let token = session::start_official(&app.db, &o, &Default::default(), Utc::now()).await.unwrap();
    let official = Official {
        id: o.id,
        village_id: o.village_id,
        name: o.name.clone(),
        role: Role::Operator,
        session_id: String::new(),
    };
    (official, format!("digdaya_session={token}"))
}

async fn count(app: &TestApp, v: &village::Model) -> u64 {
    resident::Entity::find().filter(resident::Column::VillageId.eq(v.id)).count(&app.db).await.unwrap()
}

async fn the_incumbents_sample_imports_and_round_trips(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = empty_village(&app, "36.04.05.2002").await;
    let bytes = std::fs::read(common::shared_data(SAMPLE)).unwrap();

    let dry = import::plan(&app.db, v.id, "contoh_penduduk.xlsx", &bytes).await.unwrap().report;
    assert_eq!((dry.rows, dry.new, dry.updated, dry.unchanged, dry.rejected), (97, 97, 0, 0, 0), "{:?}", dry.errors);
    assert_eq!(dry.new_families, 37);
    // 4 dusun, RW "-" in each, and their RTs.
    assert_eq!(dry.new_areas, 4 + 4 + 19);
    // Every NIK of the sample disagrees with its recorded birth date: imported with a warning.
    let nik_warnings: Vec<u32> = dry.warnings.iter().filter(|w| w.column == "nik").map(|w| w.row).collect();
    assert_eq!(nik_warnings, (2..=98).collect::<Vec<u32>>());
    assert_eq!(count(&app, &v).await, 0, "a dry run writes nothing");

    let done = import::apply(&app.db, v.id, "contoh_penduduk.xlsx", &bytes, &by(), None).await.unwrap();
    assert!(done.applied);
    assert_eq!((done.new, done.rejected), (97, 0));
    assert_eq!(count(&app, &v).await, 97);
    let ahlul = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Nik.eq("5201142005716996"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ahlul.name.as_str(), ahlul.sex.as_str(), ahlul.relationship.as_str(), ahlul.occupation.as_str()),
        ("AHLUL", "L", "KEPALA KELUARGA", "TUKANG BATU")
    );
    assert_eq!(ahlul.birth_date.to_string(), "1970-05-20");
    assert_eq!(ahlul.mother_name.as_deref(), Some("RAISAH"));

    // Export → import changes nothing, in both formats; the same registry exports the same bytes.
    let rows = export::rows(&app.db, v.id).await.unwrap();
    assert_eq!(rows.len(), 98);
    assert_eq!(rows[0].len(), 43);
    for format in [Format::Xlsx, Format::Csv] {
        let file = export::encode(&rows, format, "Data Penduduk").unwrap();
        let name = format!("ekspor.{}", format.extension());
        let again = import::apply(&app.db, v.id, &name, &file, &by(), None).await.unwrap();
        assert_eq!((again.new, again.updated, again.unchanged, again.rejected), (0, 0, 97, 0), "{format:?}");
        assert_eq!(again.new_families + again.new_areas, 0);
    }
    assert_eq!(export::rows(&app.db, v.id).await.unwrap(), rows);

    // Importing the sample again is a no-op too, and the import is in the audit log.
    let third = import::plan(&app.db, v.id, "contoh_penduduk.xlsx", &bytes).await.unwrap().report;
    assert_eq!((third.new, third.updated, third.unchanged), (0, 0, 97));
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("registry_imported"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 3);
}

async fn the_incumbents_template_imports_with_its_example_row_refused(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = empty_village(&app, "36.04.05.2002").await;
    let bytes = std::fs::read(common::shared_data(TEMPLATE)).unwrap();
    let report = import::plan(&app.db, v.id, "FormatImporExcel.xlsm", &bytes).await.unwrap().report;
    // One example row above the `###` marker; the instructions below it are not data.
    assert_eq!((report.rows, report.new, report.rejected), (1, 0, 1));
    let errors: Vec<(u32, &str, &str)> =
        report.errors.iter().map(|e| (e.row, e.column.as_str(), e.message.as_str())).collect();
    assert_eq!(
        errors,
        [
            (2, "nik", "NIK berisi tanggal yang tidak ada."),
            (2, "ibu_nik", "NIK berisi tanggal yang tidak ada."),
            (2, "no_kk", "No. KK berisi tanggal yang tidak ada."),
        ]
    );
    let done = import::apply(&app.db, v.id, "FormatImporExcel.xlsm", &bytes, &by(), None).await.unwrap();
    assert_eq!((done.new, done.rejected), (0, 1));
    assert_eq!(count(&app, &v).await, 0);
}

/// A CSV in the import format with the given data rows (`;`-separated cells in column order).
fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = import::COLUMNS.join(",");
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.into_bytes()
}

/// A data row: address, dusun, rw, rt, name, kk, nik, sex, birth place, birth date, then codes.
fn row(name: &str, kk: &str, nik: &str, sex: &str, birth: &str) -> String {
    let mut cells = vec![
        "Jl. Mawar 1",
        "Kramat",
        "001",
        "002",
        name,
        kk,
        nik,
        sex,
        "Serang",
        birth,
        "1",
        "5",
        "18",
        "88",
        "2",
        "1",
        "1",
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    cells.resize(43, String::new());
    cells[36] = "1".into();
    cells.join(",")
}

async fn broken_files_are_refused_with_their_reasons(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = empty_village(&app, "36.04.05.2002").await;
    let other = app.seed("36.04.05.2001", 30, 5, None).await.village;
    let taken = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(other.id))
        .order_by_asc(resident::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();

    // A renamed program, text posing as Excel, a wrong header: the whole file is refused.
    let refused = |r: Result<import::Plan, digdaya::error::AppError>| match r {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    assert_eq!(
        refused(import::plan(&app.db, v.id, "penduduk.xlsx", &exe).await),
        "Isi berkas tidak sesuai dengan namanya: berkas .xlsx harus berisi buku kerja Excel."
    );
    assert_eq!(
        refused(import::plan(&app.db, v.id, "penduduk.csv", &exe).await),
        "Isi berkas tidak sesuai dengan namanya: berkas .csv harus berisi teks (UTF-8)."
    );
    assert_eq!(
        refused(import::plan(&app.db, v.id, "penduduk.exe", &exe).await),
        "Jenis berkas tidak didukung: pilih berkas .xlsx, .xlsm atau .csv."
    );
    let header = b"nama,nik,tanggal_lahir\nSITI,3604054503900012,1990-03-05\n".to_vec();
    let message = refused(import::plan(&app.db, v.id, "penduduk.csv", &header).await);
    assert!(message.starts_with("Baris judul tidak sesuai format impor penduduk"), "{message}");
    assert!(message.contains("kolom yang tidak ada: alamat, dusun, rw, rt, no_kk,"), "{message}");
    assert!(message.contains("kolom yang tidak dikenal: tanggal_lahir"), "{message}");

    // Row by row: good rows (dates in three spellings, a NIK typed as a number), a 31 Feb, an
    // unknown code, a NIK twice in the file, a NIK living in another village, an unknown region.
    let kk = "3604052006150003";
    let file = csv(&[
        &row("SITI AMINAH", kk, "3604054503900012", "2", "1990-03-05"),
        &row("BUDI SANTOSO", kk, "3604050101880001", "1", "01-01-1988"),
        &row("DEDE", kk, "3604051502100002", "1", "15/02/2010"),
        &row("SALAH TANGGAL", kk, "3604050102900003", "1", "31-02-1990"),
        &row("SALAH KODE", kk, "3604050202900004", "7", "1990-02-02"),
        &row("KEMBAR", kk, "3604054503900012", "2", "1990-03-05"),
        &row("SUDAH ADA", kk, &taken.nik, if taken.sex == "P" { "2" } else { "1" }, &taken.birth_date.to_string()),
        &row("ANTAH BERANTAH", kk, "9999990101900001", "1", "1990-01-01"),
        ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
    ]);
    let report = import::plan(&app.db, v.id, "penduduk.csv", &file).await.unwrap().report;
    assert_eq!((report.rows, report.new, report.rejected), (8, 3, 5), "{:?}", report.errors);
    let errors: Vec<(u32, &str, &str)> =
        report.errors.iter().map(|e| (e.row, e.column.as_str(), e.message.as_str())).collect();
    assert_eq!(
        errors,
        [
            (5, "tanggallahir", "Tanggal \"31-02-1990\" tidak valid; tulis seperti 1990-03-25 atau 25-03-1990."),
            (6, "sex", "Jenis kelamin \"7\" tidak dikenal (1 laki-laki, 2 perempuan)."),
            (7, "nik", "NIK sama dengan baris 2 di berkas ini."),
            (8, "nik", "NIK sudah terdaftar sebagai penduduk hidup di desa lain."),
            (9, "nik", "Kode wilayah 999999 di dalam NIK tidak ada dalam daftar resmi."),
        ]
    );
    // Nothing else is refused and nothing is lost: the good rows import, the others are listed.
    let done = import::apply(&app.db, v.id, "penduduk.csv", &file, &by(), None).await.unwrap();
    assert_eq!((done.new, done.rejected), (3, 5));
    assert_eq!(count(&app, &v).await, 3);
    let dede =
        resident::Entity::find().filter(resident::Column::Nik.eq("3604051502100002")).one(&app.db).await.unwrap();
    assert_eq!(dede.unwrap().birth_date.to_string(), "2010-02-15");
}

async fn officials_search_filter_and_page_the_registry(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 600, 3, None).await.village;
    let all = resident::Entity::find().filter(resident::Column::VillageId.eq(v.id)).all(&app.db).await.unwrap();
    let at = |page: u64| PageAt { page, ..Default::default() };
    let list = |f: ResidentFilter, at: PageAt| {
        let db = app.db.clone();
        async move { registry::list(&db, v.id, &f, &at).await.unwrap() }
    };

    let first = list(ResidentFilter::default(), at(1)).await;
    assert_eq!(first.total, 600);
    assert_eq!((first.items.len(), first.links.pages, first.links.prev.is_some()), (25, 24, false));
    let mut names: Vec<String> = all.iter().map(|r| r.name.to_lowercase()).collect();
    names.sort();
    assert_eq!(first.items[0].name.to_lowercase(), names[0]);
    assert!(first.items.iter().all(|r| r.nik_masked.contains('•')), "lists show masked NIKs");

    // Name part, NIK prefix, KK prefix.
    let part = all[7].name.split(' ').next().unwrap().to_lowercase();
    let by_name = list(ResidentFilter { q: part.to_uppercase(), ..Default::default() }, at(1)).await;
    assert_eq!(by_name.total as usize, all.iter().filter(|r| r.name.to_lowercase().contains(&part)).count());
    let prefix = &all[7].nik[..10];
    let by_nik = list(ResidentFilter { q: prefix.into(), ..Default::default() }, at(1)).await;
    assert!(by_nik.items.iter().any(|r| r.id == all[7].id));
    let by_kk = digdaya::db::entities::family::Entity::find_by_id(all[7].family_id.unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let kk_hits = list(ResidentFilter { q: by_kk.kk_number.clone(), ..Default::default() }, at(1)).await;
    assert!(kk_hits.items.iter().any(|r| r.id == all[7].id));
    assert!(kk_hits.total >= 1);

    // Filters: sex and age, religion, status.
    let women_20_40 =
        list(ResidentFilter { sex: "P".into(), age_min: Some(20), age_max: Some(40), ..Default::default() }, at(1))
            .await;
    let today = Utc::now().date_naive();
    let age = |b: chrono::NaiveDate| {
        use chrono::Datelike;
        let mut y = today.year() - b.year();
        if (today.month(), today.day()) < (b.month(), b.day()) {
            y -= 1;
        }
        y
    };
    let expected = all.iter().filter(|r| r.sex == "P" && (20..=40).contains(&age(r.birth_date))).count();
    assert_eq!(women_20_40.total as usize, expected);
    assert!(women_20_40.items.iter().all(|r| r.sex == "P" && (20..=40).contains(&(r.age as i32))));
    let oldest = list(ResidentFilter { sort: "umur-tua".into(), ..Default::default() }, at(1)).await;
    assert_eq!(oldest.items[0].age as i32, all.iter().map(|r| age(r.birth_date)).max().unwrap());
    let islam = list(ResidentFilter { religion: "ISLAM".into(), ..Default::default() }, at(1)).await;
    assert_eq!(islam.total as usize, all.iter().filter(|r| r.religion == "ISLAM").count());
    let dead = list(ResidentFilter { status: "mati".into(), ..Default::default() }, at(1)).await;
    assert_eq!(dead.total, 0);
    // A dusun: only residents of its RTs.
    let names = registry::area_names(&app.db, v.id).await.unwrap();
    let dusun = names.dusun[0].id;
    let in_dusun = list(ResidentFilter { dusun: Some(dusun), ..Default::default() }, at(1)).await;
    let expected =
        all.iter().filter(|r| r.rt_id.and_then(|rt| names.rt.get(&rt)).is_some_and(|(d, _)| *d == dusun)).count();
    assert_eq!(in_dusun.total as usize, expected);
    assert!(expected > 0);
    // Walking the pages by their links visits everyone once, in order, in each sort; and back.
    for sort in ["", "umur-tua", "umur-muda", "terbaru"] {
        let f = ResidentFilter { sort: sort.into(), ..Default::default() };
        let first_page = list(f.clone(), at(1)).await;
        let mut page = first_page.clone();
        let mut seen = Vec::new();
        let mut pages = vec![page.items.iter().map(|r| r.id).collect::<Vec<_>>()];
        loop {
            assert_eq!(page.links.page as usize, pages.len(), "{sort}");
            seen.extend(page.items.iter().map(|r| r.id));
            let Some(next) = page.links.next.clone() else { break };
            page = list(f.clone(), next).await;
            pages.push(page.items.iter().map(|r| r.id).collect());
        }
        assert_eq!(pages.len(), 24, "{sort}");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (600, 600), "{sort}");
        let back = list(f.clone(), page.links.prev.clone().unwrap()).await;
        assert_eq!(back.items.iter().map(|r| r.id).collect::<Vec<_>>(), pages[22], "{sort}");
        assert_eq!(back.links.page, 23);
        let second = list(f.clone(), first_page.links.next.clone().unwrap()).await;
        let to_first = list(f.clone(), second.links.prev.clone().unwrap()).await;
        assert_eq!(to_first.items.iter().map(|r| r.id).collect::<Vec<_>>(), pages[0], "{sort}");
        assert_eq!((to_first.links.page, to_first.links.prev.is_none()), (1, true));
    }
    let older = list(ResidentFilter { sort: "umur-tua".into(), ..Default::default() }, at(1)).await;
    assert!(older.items.windows(2).all(|w| w[0].age >= w[1].age));
    // A cursor that is not ours starts from the top.
    let junk = list(ResidentFilter::default(), PageAt { page: 9, after: "bm9wZQ".into(), before: String::new() }).await;
    assert_eq!((junk.links.page, junk.items[0].id), (1, first.items[0].id));
    // Nonsense is refused in words.
    let bad = registry::list(&app.db, v.id, &ResidentFilter { q: "36".into(), ..Default::default() }, &at(1)).await;
    assert_eq!(bad.unwrap_err().to_string(), "Tulis paling sedikit 4 angka awal NIK atau No. KK.");
}

fn form_for(nik: &str, name: &str, sex: &str, birth: &str) -> ResidentInput {
    ResidentInput {
        nik: nik.into(),
        name: name.into(),
        sex: sex.into(),
        birth_place: "Serang".into(),
        birth_date: birth.into(),
        religion: "ISLAM".into(),
        education: "TIDAK / BELUM SEKOLAH".into(),
        occupation: "BELUM/TIDAK BEKERJA".into(),
        marital_status: "BELUM KAWIN".into(),
        relationship: "ANAK".into(),
        ..Default::default()
    }
}

async fn events_change_status_and_keep_history(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 60, 4, None).await.village;
    let b = app.seed("36.04.05.2002", 30, 6, None).await.village;
    let (o, _) = official(&app, &a, "operator.a").await;
    let people = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(a.id))
        .order_by_asc(resident::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let head = people.iter().find(|r| r.relationship == "KEPALA KELUARGA").unwrap();

    // A birth into the head's family.
    let birth = "2026-10-01";
    let child = ResidentForm {
        input: form_for("3604054110260001", "Neng Aulia", "P", birth),
        family_id: head.family_id,
        rt_id: head.rt_id,
        ..Default::default()
    };
    let event = EventInput {
        kind: "lahir".into(),
        date: birth.into(),
        document_number: "3604-LT-01102026-0001".into(),
        ..Default::default()
    };
    let saved = registry::save(&app.db, a.id, &o, None, &child, Some(("lahir", &event))).await.unwrap();
    let SaveOutcome::Saved(child_id) = saved else { panic!("{saved:?}") };
    let card = registry::family_card(
        &app.db,
        a.id,
        head.family_id.unwrap(),
        false,
        &registry::area_names(&app.db, a.id).await.unwrap(),
    )
    .await
    .unwrap();
    assert!(card.members.iter().any(|m| m.id == child_id && m.name == "Neng Aulia"));
    assert_eq!(card.members[0].relationship, "KEPALA KELUARGA");

    // A death: the record stays, with its status and the event.
    let dies = &people[3];
    let death = EventInput {
        resident_id: dies.id,
        kind: "mati".into(),
        date: "2026-11-02".into(),
        place: "RSUD Serang".into(),
        reason: "Sakit".into(),
        ..Default::default()
    };
    registry::record_event(&app.db, a.id, &o, &death).await.unwrap();
    let after = resident::Entity::find_by_id(dies.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(after.status, digdaya::kit::resident::Status::Mati);
    let again = registry::record_event(&app.db, a.id, &o, &death).await.unwrap_err();
    assert!(again.to_string().contains("tidak lagi tercatat hidup"), "{again}");

    // A move to another village of the deployment: B's officials take the person in (their own
    // record, filled in from A's), history on both sides.
    let mover = &people[5];
    let moving = EventInput {
        resident_id: mover.id,
        kind: "pindah_keluar".into(),
        date: "2026-11-10".into(),
        document_number: "SKPWNI/2026/11/001".into(),
        reason: "Pekerjaan".into(),
        to_village: b.slug.clone(),
        ..Default::default()
    };
    registry::record_event(&app.db, a.id, &o, &moving).await.unwrap();
    let old = resident::Entity::find_by_id(mover.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(old.status, digdaya::kit::resident::Status::Pindah);
    let (ob, _) = official(&app, &b, "operator.b").await;
    accept_move(&app, &b, &ob).await;
    let there = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(b.id))
        .filter(resident::Column::Nik.eq(mover.nik.as_str()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((there.status.as_str(), there.name.as_str()), ("hidup", mover.name.as_str()));
    let there_events = population_event::Entity::find()
        .filter(population_event::Column::ResidentId.eq(there.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(there_events.len(), 1);
    assert_eq!((there_events[0].kind.as_str(), there_events[0].other_village_id), ("pindah_masuk", Some(a.id)));

    // The Buku Mutasi of the year lists all three, oldest first.
    let book = digdaya::population::books::mutasi_rows(&app.db, a.id, 2026).await.unwrap();
    assert_eq!(book.len(), 4);
    assert_eq!(book[1][1], "Neng Aulia");
    assert_eq!(book[1][5], "Lahir");
    assert_eq!(book[2][9], "02-11-2026");
    assert_eq!(book[3][8], "10-11-2026");
    // Nothing was deleted: the village still has every record.
    assert_eq!(count(&app, &a).await, 61);

    // An edit keeps the old values in the history.
    let mut edit = ResidentForm {
        input: digdaya::population::registry::detail(&app.db, a.id, &o, head.id, true).await.unwrap().input,
        family_id: head.family_id,
        rt_id: head.rt_id,
        ..Default::default()
    };
    edit.input.occupation = "PEDAGANG".into();
    edit.input.phone = "0812 3456 7890".into();
    assert_eq!(
        registry::save(&app.db, a.id, &o, Some(head.id), &edit, None).await.unwrap(),
        SaveOutcome::Saved(head.id)
    );
    let d = registry::detail(&app.db, a.id, &o, head.id, false).await.unwrap();
    assert_eq!(d.input.phone, "081234567890");
    let changes = &d.history[0].changes;
    assert!(changes.iter().any(|(f, _, after)| f == "pekerjaan" && after == "PEDAGANG"), "{changes:?}");
}

async fn a_living_nik_is_unique_in_the_deployment(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 30, 7, None).await.village;
    let b = app.seed("36.04.05.2002", 30, 8, None).await.village;
    let (oa, _) = official(&app, &a, "operator.a").await;
    let (ob, _) = official(&app, &b, "operator.b").await;
    let someone =
        resident::Entity::find().filter(resident::Column::VillageId.eq(a.id)).one(&app.db).await.unwrap().unwrap();
    let sex = someone.sex.clone();
    let form = ResidentForm {
        input: form_for(&someone.nik, "Orang Lain", &sex, &someone.birth_date.to_string()),
        ..Default::default()
    };
    // A's officials learn who holds it; B's only that it is taken.
    let in_a = registry::save(&app.db, a.id, &oa, None, &form, None).await;
    let Err(AppError::Refused(errors)) = in_a else { panic!("{in_a:?}") };
    assert_eq!(errors[0].message, format!("NIK ini sudah terdaftar atas nama {} di desa ini.", someone.name));
    let in_b = registry::save(&app.db, b.id, &ob, None, &form, None).await;
    let Err(AppError::Refused(errors)) = in_b else { panic!("{in_b:?}") };
    assert!(errors[0].message.starts_with("NIK ini sudah terdaftar sebagai penduduk hidup di desa lain."));

    // A NIK that disagrees with the birth date needs a reason, which the history keeps.
    let odd = ResidentForm { input: form_for("3604050101900009", "Ujang", "L", "1990-01-02"), ..Default::default() };
    let asked = registry::save(&app.db, b.id, &ob, None, &odd, None).await.unwrap();
    let SaveOutcome::NeedsReason(w) = asked else { panic!("{asked:?}") };
    assert!(w[0].message.starts_with("Tanggal lahir di dalam NIK berbeda"));
    let with_reason = ResidentForm { warning_reason: "Sesuai akta kelahiran".into(), ..odd };
    let SaveOutcome::Saved(id) = registry::save(&app.db, b.id, &ob, None, &with_reason, None).await.unwrap() else {
        panic!()
    };
    let d = registry::detail(&app.db, b.id, &ob, id, false).await.unwrap();
    assert_eq!(d.history[0].reason, "Sesuai akta kelahiran");
    // And a resident of A is not found from B.
    let err = registry::detail(&app.db, b.id, &ob, someone.id, false).await.unwrap_err();
    assert_eq!(err, digdaya::error::AppError::NotFound);
}

async fn full_numbers_are_shown_on_request_and_audited(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 30, 9, None).await.village;
    let (_, cookie) = official(&app, &a, "operator.a").await;
    let r = resident::Entity::find().filter(resident::Column::VillageId.eq(a.id)).one(&app.db).await.unwrap().unwrap();
    let get = |full: &'static str| {
        let (app, cookie, id) = (&app, cookie.clone(), r.id.to_string());
        async move {
            common::post_as(
                app,
                "population/resident",
                &cookie,
                "application/json",
                &[("slug", "kramatwatu"), ("id", &id), ("full", full)],
            )
            .await
            .text()
            .await
            .unwrap()
        }
    };
    let masked = get("false").await;
    assert!(!masked.contains(&r.nik), "masked by default");
    assert!(masked.contains(&format!("{}••••••••{}", &r.nik[..4], &r.nik[12..])));
    let viewed = || async {
        audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("resident_viewed"))
            .filter(audit_entry::Column::SubjectId.eq(r.id))
            .count(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(viewed().await, 0);
    let full = get("true").await;
    assert!(full.contains(&r.nik));
    assert_eq!(viewed().await, 1);
}

async fn import_and_export_over_http(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = empty_village(&app, "36.04.05.2002").await;
    let (_, cookie) = official(&app, &v, "operator.b").await;
    let bytes = std::fs::read(common::shared_data(SAMPLE)).unwrap();
    let upload = |cookie: String| {
        let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name("contoh_penduduk.xlsx");
        app.client
            .post(format!("{}/api/population/import/{}", app.base, v.slug))
            .header("origin", &app.base)
            .header("cookie", cookie)
            .multipart(reqwest::multipart::Form::new().part("berkas", part))
            .send()
    };
    // Without a session: refused, nothing kept.
    assert_eq!(upload(String::new()).await.unwrap().status().as_u16(), 401);
    let res = upload(cookie.clone()).await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let token = location.split("unggahan=").nth(1).unwrap().to_string();
    assert!(location.starts_with(&format!("/{}/admin/penduduk/impor?", v.slug)));

    let state = || async {
        let body = common::post_as(
            &app,
            "population/import-state",
            &cookie,
            "application/json",
            &[("slug", &v.slug), ("token", &token)],
        )
        .await
        .text()
        .await
        .unwrap();
        serde_json::from_str::<digdaya::population::model::ImportState>(&body).unwrap()
    };
    let digdaya::population::model::ImportState::Checked(Ok(report)) = state().await else { panic!("not checked") };
    assert_eq!(report.new, 97);
    // The upload is in the database, where every app server finds it.
    let kept = import_upload::Entity::find_by_id((v.id, token.clone())).one(&app.db).await.unwrap().unwrap();
    assert_eq!((kept.stage.as_str(), kept.bytes.len()), ("checked", bytes.len()));
    let form = [("slug", v.slug.as_str()), ("token", token.as_str())];
    let run = || common::post_as(&app, "population/import-run", &cookie, "application/json", &form);
    let (first, second) = tokio::join!(run(), run());
    let mut codes = [first.status().as_u16(), second.status().as_u16()];
    codes.sort_unstable();
    assert_eq!(codes[0], 200, "one of two clicks at once starts the import, once");
    assert_ne!(codes[1], 200, "the other is refused");
    let finished = loop {
        match state().await {
            digdaya::population::model::ImportState::Finished(r) => break r.unwrap(),
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    };
    assert_eq!((finished.new, finished.applied), (97, true));
    assert_eq!(count(&app, &v).await, 97);
    let done = import_upload::Entity::find_by_id((v.id, token.clone())).one(&app.db).await.unwrap().unwrap();
    assert_eq!((done.stage.as_str(), done.bytes.len()), ("finished", 0), "the file is dropped when done");
    let again = run().await;
    assert_ne!(again.status().as_u16(), 200, "a finished import does not run again");

    // Exports: the registry as Excel and CSV, the Buku Induk; only for officials.
    for (query, kind) in
        [("format=xlsx", "spreadsheetml"), ("format=csv", "text/csv"), ("book=induk&format=csv", "text/csv")]
    {
        let res = app
            .client
            .get(format!("{}/api/population/export/{}?{query}", app.base, v.slug))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{query}");
        assert!(res.headers()["content-type"].to_str().unwrap().contains(kind));
        assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let body = res.bytes().await.unwrap();
        if query == "format=csv" {
            let text = String::from_utf8(body.to_vec()).unwrap();
            assert_eq!(text.lines().count(), 98);
            assert!(text.contains("5201142005716996"));
        }
    }
    let anonymous = app.client.get(format!("{}/api/population/export/{}", app.base, v.slug)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
}

async fn statistics_count_every_living_resident(backend: Backend) {
    let app = TestApp::spawn(&backend).await;
    let v = app.seed("36.04.05.2001", 800, 11, None).await.village;
    let (o, _) = official(&app, &v, "operator.a").await;
    let first =
        resident::Entity::find().filter(resident::Column::VillageId.eq(v.id)).one(&app.db).await.unwrap().unwrap();
    let death =
        EventInput { resident_id: first.id, kind: "mati".into(), date: "2026-11-01".into(), ..Default::default() };
    registry::record_event(&app.db, v.id, &o, &death).await.unwrap();
    let alive: Vec<resident::Model> = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Status.eq("hidup"))
        .all(&app.db)
        .await
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let s = digdaya::population::service::registry_stats(&app.db, v.id, today).await.unwrap();
    assert_eq!(s.residents, 799);
    let total = |rows: &[digdaya::population::model::Breakdown]| rows.iter().map(|r| r.male + r.female).sum::<u64>();
    for (name, rows) in [
        ("age", &s.age_groups),
        ("religion", &s.religion),
        ("education", &s.education),
        ("occupation", &s.occupation),
        ("marital", &s.marital_status),
        ("dusun", &s.per_dusun),
        ("rw", &s.per_rw),
    ] {
        assert_eq!(total(rows), 799, "{name}");
    }
    let islam = s.religion.iter().find(|r| r.label == "ISLAM").unwrap();
    let women_islam = alive.iter().filter(|r| r.religion == "ISLAM" && r.sex == "P").count() as u64;
    assert_eq!(islam.female, women_islam);
    assert_eq!(s.age_groups[0].label, "0–4");
    let babies =
        alive.iter().filter(|r| r.birth_date > chrono::NaiveDate::from_ymd_opt(2021, 11, 28).unwrap()).count() as u64;
    assert_eq!(s.age_groups[0].male + s.age_groups[0].female, babies);
    assert!(s.per_rw.len() > s.per_dusun.len());
}

async fn a_family_moves_with_its_members(backend: Backend) {
    use digdaya::db::entities::{area, family};
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 60, 12, None).await.village;
    let b = app.seed("36.04.05.2002", 10, 13, None).await.village;
    let (o, _) = official(&app, &a, "operator.a").await;
    let (ob, _) = official(&app, &b, "operator.b").await;
    let rts = |v: i64| {
        let app = &app;
        async move {
            area::Entity::find()
                .filter(area::Column::VillageId.eq(v))
                .filter(area::Column::Level.eq(area::RT))
                .order_by_asc(area::Column::Id)
                .all(&app.db)
                .await
                .unwrap()
        }
    };
    let fam = family::Entity::find().filter(family::Column::VillageId.eq(a.id)).one(&app.db).await.unwrap().unwrap();
    let members = || {
        let app = &app;
        async move {
            resident::Entity::find()
                .filter(resident::Column::FamilyId.eq(fam.id))
                .order_by_asc(resident::Column::Id)
                .all(&app.db)
                .await
                .unwrap()
        }
    };
    let before = members().await;
    assert!(before.len() >= 2, "a seeded family has members");
    let new_rt = rts(a.id).await.into_iter().find(|r| Some(r.id) != fam.rt_id).unwrap();

    // Another village's RT, or the family from another village: refused.
    let foreign_rt = rts(b.id).await[0].id;
    let err = registry::update_family(&app.db, a.id, &o, fam.id, "Jl. Mawar 1", Some(foreign_rt)).await.unwrap_err();
    assert_eq!(err, digdaya::error::AppError::Invalid("RT tidak ditemukan.".into()));
    let err = registry::update_family(&app.db, b.id, &ob, fam.id, "Jl. Mawar 1", None).await.unwrap_err();
    assert_eq!(err, digdaya::error::AppError::NotFound);
    let long = "x".repeat(201);
    assert!(matches!(
        registry::update_family(&app.db, a.id, &o, fam.id, &long, None).await,
        Err(digdaya::error::AppError::Invalid(_))
    ));

    registry::update_family(&app.db, a.id, &o, fam.id, "  Jl. Mawar   No. 1 ", Some(new_rt.id)).await.unwrap();
    let fam_after = family::Entity::find_by_id(fam.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!((fam_after.address.as_deref(), fam_after.rt_id), (Some("Jl. Mawar No. 1"), Some(new_rt.id)));
    for m in members().await {
        assert_eq!(m.rt_id, Some(new_rt.id), "{} moved with the family", m.name);
        let d = registry::detail(&app.db, a.id, &o, m.id, false).await.unwrap();
        assert_eq!(d.history[0].reason, "Alamat kartu keluarga diubah");
        assert!(d.history[0].changes.iter().any(|(f, _, after)| f == "RT" && after.ends_with(&new_rt.name)));
    }
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("family_updated"))
        .filter(audit_entry::Column::SubjectId.eq(fam.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    // Saving the same again changes nothing and records nothing.
    registry::update_family(&app.db, a.id, &o, fam.id, "Jl. Mawar No. 1", Some(new_rt.id)).await.unwrap();
    let d = registry::detail(&app.db, a.id, &o, before[0].id, false).await.unwrap();
    assert_eq!(d.history.len(), 1);
}

/// Issue 27, finding 3 (fails on the code before: a move out of A inserted a living resident
/// into B, or set B's dead record back to living with its old PIN and session working).
async fn a_village_never_writes_anothers_registry(backend: Backend) {
    use digdaya::db::entities::{resident_pin, session as session_entity};
    use digdaya::population::moves;
    let app = TestApp::spawn(&backend).await;
    let a = app.seed("36.04.05.2001", 30, 41, None).await.village;
    let b = app.seed("36.04.05.2002", 30, 42, None).await.village;
    let (oa, _) = official(&app, &a, "operator.a").await;
    let (ob, _) = official(&app, &b, "operator.b").await;
    // A resident of B who died there, with the PIN and session they once had.
    let (dead, cookie) = common::resident_with_pin(&app, &b, 2).await;
    let death =
        EventInput { resident_id: dead.id, kind: "mati".into(), date: "2026-11-02".into(), ..Default::default() };
    registry::record_event(&app.db, b.id, &ob, &death).await.unwrap();
    assert_eq!(resident_pin::Entity::find_by_id(dead.id).one(&app.db).await.unwrap(), None, "their PIN ended");
    let res = common::get_with(&app, &format!("/{}/akun", b.slug), &cookie).await;
    assert_ne!(res.status().as_u16(), 200, "their session ended");
    // The same NIK living in A (an old double registration, say) moves "to B".
    let in_a = resident::Entity::find().filter(resident::Column::VillageId.eq(a.id)).one(&app.db).await.unwrap();
    let in_a = in_a.unwrap();
    let mut m: resident::ActiveModel = in_a.clone().into();
    m.nik = sea_orm::Set(dead.nik.clone());
    sea_orm::ActiveModelTrait::update(m, &app.db).await.unwrap();
    let b_before: Vec<resident::Model> =
        resident::Entity::find().filter(resident::Column::VillageId.eq(b.id)).all(&app.db).await.unwrap();
    let moving = EventInput {
        resident_id: in_a.id,
        kind: "pindah_keluar".into(),
        date: "2026-11-20".into(),
        to_village: b.slug.clone(),
        ..Default::default()
    };
    registry::record_event(&app.db, a.id, &oa, &moving).await.unwrap();
    // Nothing of B changed: the dead stay dead, no record was added; B has a decision to make.
    let b_after: Vec<resident::Model> =
        resident::Entity::find().filter(resident::Column::VillageId.eq(b.id)).all(&app.db).await.unwrap();
    assert_eq!(b_after, b_before, "B's registry as it was");
    let events_b = population_event::Entity::find()
        .filter(population_event::Column::VillageId.eq(b.id))
        .filter(population_event::Column::Kind.eq("pindah_masuk"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(events_b, 0);
    let waiting = moves::waiting(&app.db, b.id).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(moves::waiting(&app.db, a.id).await.unwrap().is_empty(), "A does not decide for B");
    // A's officials cannot decide it either (it is B's), nor see its data.
    assert_eq!(
        moves::arrival(&app.db, a.id, &oa, waiting[0].id).await.unwrap_err(),
        digdaya::error::AppError::NotFound
    );
    assert!(moves::refuse(&app.db, a.id, &oa, waiting[0].id, "bukan urusan desa ini").await.is_err());
    // B refuses it: A's record says so.
    moves::refuse(&app.db, b.id, &ob, waiting[0].id, "Belum ada surat pindah dari Dukcapil").await.unwrap();
    let d = registry::detail(&app.db, a.id, &oa, in_a.id, false).await.unwrap();
    assert!(d.move_outcome.as_deref().is_some_and(|o| o.contains("Ditolak")), "{:?}", d.move_outcome);
    assert_eq!(
        resident::Entity::find().filter(resident::Column::VillageId.eq(b.id)).all(&app.db).await.unwrap(),
        b_before
    );
    // The dead resident's old session and PIN never come back.
    assert_eq!(resident_pin::Entity::find_by_id(dead.id).one(&app.db).await.unwrap(), None);
    let sessions = session_entity::Entity::find()
        .filter(session_entity::Column::ResidentId.eq(dead.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0);

    // Another move, accepted by B: a new record of B's own, living, with its move-in event.
    let mover = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(a.id))
        .filter(resident::Column::Status.eq("hidup"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let moving = EventInput { resident_id: mover.id, ..moving };
    registry::record_event(&app.db, a.id, &oa, &moving).await.unwrap();
    let new_id = accept_move(&app, &b, &ob).await;
    let there = resident::Entity::find_by_id(new_id).one(&app.db).await.unwrap().unwrap();
    assert_eq!((there.village_id, there.status.as_str(), there.nik.as_str()), (b.id, "hidup", mover.nik.as_str()));
    assert_ne!(there.id, mover.id);
    assert!(moves::waiting(&app.db, b.id).await.unwrap().is_empty());
}
