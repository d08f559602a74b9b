//! Every importer against hostile input (issue 27, finding 2): spreadsheets (Excel, CSV), map
//! files (GeoJSON, KML, GPX), photos and backups. First the attacks that were seen or are known
//! — a sparse giant range, a ZIP bomb, deep nesting, billion laughs, a huge cell, a truncated
//! file — each refused with a clear message while holding little memory (counted by the test
//! allocator, `test_alloc`); then property tests (proptest) that throw arbitrary and mutated
//! files at each parser: none may panic or hold more than its budget. `make fuzz` runs the
//! property tests with many more cases for a bounded time (`PROPTEST_CASES`, see the Makefile).

use std::io::Write as _;

use proptest::prelude::*;

use crate::bounded::Deadline;
use crate::population::sheet::{self, SheetError};
use crate::test_alloc::peak_during;

const MB: usize = 1024 * 1024;

/// A workbook with one sheet of XML `sheet` (and shared strings `shared`, if any).
fn xlsx(sheet: &str, shared: Option<&[u8]>) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut put = |name: &str, body: &[u8]| {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body).unwrap();
        };
        put(
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        );
        put(
            "_rels/.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        );
        put(
            "xl/workbook.xml",
            br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data Penduduk" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        );
        put(
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        );
        put("xl/worksheets/sheet1.xml", sheet.as_bytes());
        if let Some(shared) = shared {
            put("xl/sharedStrings.xml", shared);
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

fn sheet_xml(dimension: &str, cells: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
    )
}

fn read(name: &str, bytes: &[u8]) -> (Result<Vec<Vec<sheet::Cell>>, SheetError>, usize) {
    peak_during(|| sheet::read_within(name, bytes, &Deadline::none()))
}

#[test]
fn a_small_workbook_reads() {
    let cells = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>nik</t></is></c><c r="B1" t="inlineStr"><is><t>nama</t></is></c></row><row r="3"><c r="B3"><v>7</v></c></row>"#;
    let (rows, _) = read("a.xlsx", &xlsx(&sheet_xml("A1:B3", cells), None));
    let rows = rows.unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][1].text(), "nama");
    assert!(rows[1].is_empty());
    assert_eq!(rows[2][1].text(), "7");
}

/// The 1.5 KB workbook with cells at A1 and XFD1048576 made calamine's dense range allocate
/// 512 GiB (the server was OOM-killed). Refused by its declared dimension, and by its real
/// cells when the dimension lies.
#[test]
fn a_sparse_giant_range_is_refused_holding_little() {
    let cells = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>"#;
    for dimension in ["A1:XFD1048576", "A1:B2"] {
        let file = xlsx(&sheet_xml(dimension, cells), None);
        assert!(file.len() < 2_000, "a tiny file: {}", file.len());
        let (result, peak) = read("penduduk.xlsx", &file);
        assert!(matches!(result, Err(SheetError::TooBig(_))), "{dimension}: {result:?}");
        assert!(peak < 16 * MB, "{dimension}: held {peak} bytes");
    }
    // Written by a real library too (rust_xlsxwriter declares the range it wrote).
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "nik").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let (result, peak) = read("penduduk.xlsx", &book.save_to_buffer().unwrap());
    assert!(matches!(result, Err(SheetError::TooBig(_))), "{result:?}");
    assert!(peak < 16 * MB, "held {peak} bytes");
    assert!(SheetError::TooBig("x".into()).to_string().starts_with("Lembar kerja terlalu besar"));
}

/// A shared-strings part that unpacks to far more than the file weighs.
#[test]
fn a_zip_bomb_is_refused_before_it_is_parsed() {
    let bomb = vec![b' '; 100 * MB];
    let file = xlsx(&sheet_xml("A1", ""), Some(&bomb));
    assert!(file.len() < 2 * MB, "{}", file.len());
    let (result, peak) = read("penduduk.xlsx", &file);
    assert!(matches!(result, Err(SheetError::Bomb(_))), "{result:?}");
    assert!(peak < 8 * MB, "held {peak} bytes");
    assert!(result.unwrap_err().to_string().contains("berbahaya"));
}

#[test]
fn deep_nesting_and_entities_in_a_sheet_do_no_harm() {
    let deep = format!("{}{}", "<x>".repeat(100_000), "</x>".repeat(100_000));
    let (result, peak) = read("a.xlsx", &xlsx(&sheet_xml("A1", &deep), None));
    assert!(peak < 32 * MB, "held {peak} bytes ({result:?})");
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&d;&d;&d;&d;</t></is></c></row></sheetData></worksheet>"#;
    let (result, peak) = read("a.xlsx", &xlsx(laughs, None));
    assert!(peak < 8 * MB, "held {peak} bytes ({result:?})");
}

#[test]
fn a_truncated_workbook_is_refused() {
    let file = xlsx(&sheet_xml("A1", r#"<row r="1"><c r="A1"><v>1</v></c></row>"#), None);
    for cut in [file.len() / 2, file.len() - 30, 40] {
        let (result, _) = read("a.xlsx", &file[..cut]);
        assert!(result.is_err(), "cut at {cut}");
    }
}

#[test]
fn csv_floods_are_refused() {
    let rows = "\n".repeat(sheet::MAX_ROWS as usize + 10);
    let (result, peak) = read("a.csv", rows.as_bytes());
    assert!(matches!(result, Err(SheetError::TooBig(_))), "{result:?}");
    assert!(peak < 64 * MB, "rows: held {peak} bytes");
    let columns = ",".repeat(2_000_000);
    let (result, peak) = read("a.csv", columns.as_bytes());
    assert!(matches!(result, Err(SheetError::TooBig(_))), "{result:?}");
    assert!(peak < 8 * MB, "columns: held {peak} bytes");
    let cell = format!("nik,nama\n1,{}\n", "A".repeat(20 * MB));
    let (result, peak) = read("a.csv", cell.as_bytes());
    assert!(matches!(result, Err(SheetError::LongCell { row: 2, column: 2, .. })), "{result:?}");
    assert!(peak < 8 * MB, "cell: held {peak} bytes");
    let quoted = format!("nik,nama\n1,\"{}", "A".repeat(20 * MB));
    let (result, peak) = read("a.csv", quoted.as_bytes());
    assert!(matches!(result, Err(SheetError::LongCell { .. })), "{result:?}");
    assert!(peak < 8 * MB, "quoted cell: held {peak} bytes");
}

#[test]
fn a_parse_stops_at_its_deadline() {
    let many = "a,b\n".repeat(100_000);
    let late = Deadline::after(std::time::Duration::ZERO);
    assert!(matches!(sheet::read_within("a.csv", many.as_bytes(), &late), Err(SheetError::TimedOut(_))));
}

/// GeoJSON nested far beyond any geometry: serde_json's recursion limit refuses it.
#[test]
fn deep_geojson_is_refused() {
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let file = format!(r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":{deep}}}}}"#);
    let (result, peak) = peak_during(|| crate::map::service::read_import(file.as_bytes(), None, &Deadline::none()));
    assert!(result.is_err());
    assert!(peak < 16 * MB, "held {peak} bytes");
}

/// A photo whose header claims billions of pixels is refused before any pixel is decoded.
#[test]
fn an_image_bomb_is_refused_by_its_header() {
    let mut png = Vec::new();
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&ihdr);
    let crc = crc32(&chunk);
    png.extend_from_slice(&chunk);
    png.extend_from_slice(&crc.to_be_bytes());
    png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    let (result, peak) = peak_during(|| crate::media::accept(&png, false));
    assert!(result.is_err(), "refused");
    assert!(peak < 8 * MB, "held {peak} bytes");
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A backup whose database entry unpacks to a thousand times its weight.
#[test]
fn a_backup_bomb_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("backup.json", opts).unwrap();
        zip.write_all(br#"{"format":1,"created_at":"x","app_version":"x","migration":"x","villages":1,"residents":1,"files":0,"database_sha256":"x"}"#).unwrap();
        zip.start_file("digdaya.db", opts).unwrap();
        let zeros = vec![0u8; MB];
        for _ in 0..300 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let db = dir.path().join("data/digdaya.db");
    let files = dir.path().join("data/files");
    let result = rt.block_on(crate::backup::restore(&path, &db, &files, None));
    let message = result.unwrap_err().to_string();
    assert!(message.contains("zip bomb"), "{message}");
    assert!(!db.exists(), "nothing was written");
}

fn config() -> ProptestConfig {
    // `make fuzz` raises PROPTEST_CASES; the test run keeps a few dozen per parser.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Past `FUZZ_UNTIL` (unix seconds, set by `make fuzz`): the remaining cases pass at once, so a
/// long run ends on time.
fn out_of_time() -> bool {
    std::env::var("FUZZ_UNTIL")
        .ok()
        .and_then(|u| u.parse::<i64>().ok())
        .is_some_and(|until| chrono::Utc::now().timestamp() > until)
}

/// A valid workbook with its bytes changed at `flips` (position, value).
fn mutated(base: &[u8], flips: &[(usize, u8)]) -> Vec<u8> {
    let mut out = base.to_vec();
    for (at, value) in flips {
        let i = at % out.len();
        out[i] = *value;
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_spreadsheets_never_panic_nor_balloon(bytes in proptest::collection::vec(any::<u8>(), 0..4096),
                                                 flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..24)) {
        if out_of_time() {
            return Ok(());
        }
        for name in ["a.csv", "a.xlsx"] {
            let (_, peak) = read(name, &bytes);
            prop_assert!(peak < 64 * MB);
        }
        let base = xlsx(&sheet_xml("A1:C3", r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C3"><v>3</v></c></row>"#),
            Some(br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>nik</t></si></sst>"#));
        let (_, peak) = read("a.xlsx", &mutated(&base, &flips));
        prop_assert!(peak < 64 * MB);
    }

    #[test]
    fn fuzz_csv_text_never_panics(text in "[a-z0-9,;\"\\n\\r=+@ ']{0,2000}") {
        if out_of_time() {
            return Ok(());
        }
        let (result, peak) = read("a.csv", text.as_bytes());
        prop_assert!(peak < 16 * MB);
        if let Ok(rows) = result {
            prop_assert!(rows.len() <= sheet::MAX_ROWS as usize);
        }
    }

    #[test]
    fn fuzz_map_files_never_panic_nor_balloon(text in "[<>/a-zA-Z0-9 =\"\\[\\]{}:,.\\-]{0,3000}",
                                              bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if out_of_time() {
            return Ok(());
        }
        for input in [text.as_bytes(), &bytes[..]] {
            let (_, peak) = peak_during(|| crate::map::service::read_import(input, None, &Deadline::none()));
            prop_assert!(peak < 32 * MB);
        }
        for kml in [format!("<kml>{text}</kml>"), format!("<gpx>{text}</gpx>")] {
            let format = crate::map::formats::sniff(&kml);
            let (_, peak) = peak_during(|| crate::map::formats::to_geojson(&kml, format));
            prop_assert!(peak < 32 * MB);
        }
    }

    #[test]
    fn fuzz_photos_never_panic_nor_balloon(bytes in proptest::collection::vec(any::<u8>(), 0..4096),
                                           flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16)) {
        if out_of_time() {
            return Ok(());
        }
        let (_, peak) = peak_during(|| crate::media::accept(&bytes, true));
        prop_assert!(peak < 64 * MB);
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(32, 24)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        // Headers and sizes changed at random, the signature kept (so the decoder runs).
        let broken = mutated(&png, &flips.iter().map(|(a, v)| (8 + a % (png.len() - 8), *v)).collect::<Vec<_>>());
        let (_, peak) = peak_during(|| crate::media::accept(&broken, false));
        prop_assert!(peak < 300 * MB);
    }

    #[test]
    fn fuzz_backups_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if out_of_time() {
            return Ok(());
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.zip");
        std::fs::write(&path, &bytes).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let db = dir.path().join("data/digdaya.db");
        let result = rt.block_on(crate::backup::restore(&path, &db, &dir.path().join("data/files"), None));
        prop_assert!(result.is_err());
        prop_assert!(!db.exists());
    }
}
