//! Tables in files: the incumbent's Excel workbooks (`.xlsx`, `.xlsm`: cells only, macros are
//! never run) and CSV, read into rows of cells; and the same written back (server only).
//!
//! A file must be what its name says: an Excel name needs a ZIP workbook inside, a `.csv` name
//! UTF-8 text. Anything else (a renamed program, an image) is refused before it is parsed.
//!
//! Reading stays within limits whatever the file claims: a workbook's parts are measured by
//! really unpacking them (a ZIP bomb is refused before the parser sees it), its cells are read
//! one at a time (never as a dense range: a cell at XFD1048576 would make one of 17 billion
//! cells), and rows, columns, cells and the length of a cell are capped — by the sheet's
//! declared dimension and by the cells really there. Long loops check a [`Deadline`].

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;

use crate::bounded::Deadline;

/// Files larger than this are refused (a 100,000-row export is about 8 MB).
pub const MAX_BYTES: usize = 25 * 1024 * 1024;
/// Rows of a sheet (a town of 100,000 people, with room for the header and blank rows).
pub const MAX_ROWS: u32 = 120_000;
/// Columns (the incumbent's template has 43, its export with documents 62).
pub const MAX_COLUMNS: u32 = 256;
/// Cells that hold something, in all.
pub const MAX_CELLS: usize = 8_000_000;
/// Characters in one cell (an address, a name: a few hundred at most).
pub const MAX_CELL_CHARS: usize = 2_000;
/// What a workbook's parts may unpack to, each and together; the shared strings (read whole by
/// the parser) less.
const MAX_PART: u64 = 512 * 1024 * 1024;
const MAX_UNPACKED: u64 = 768 * 1024 * 1024;
const MAX_SHARED_STRINGS: u64 = 96 * 1024 * 1024;
/// Parts of a workbook (a real one has a few dozen).
const MAX_PARTS: usize = 2_000;

/// The sheet the incumbent's template keeps residents in; other workbooks use their first sheet.
pub const SHEET: &str = "Data Penduduk";

/// One cell, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text: numbers without a needless `.0`, dates as `yyyy-mm-dd`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e17 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("Berkas kosong.")]
    Empty,
    #[error("Berkas terlalu besar (paling besar 25 MB).")]
    TooLarge,
    #[error("Jenis berkas tidak didukung: pilih berkas .xlsx, .xlsm atau .csv.")]
    Extension,
    #[error("Isi berkas tidak sesuai dengan namanya: berkas {0} harus berisi buku kerja Excel.")]
    NotExcel(String),
    #[error("Isi berkas tidak sesuai dengan namanya: berkas .csv harus berisi teks (UTF-8).")]
    NotCsv,
    #[error("Buku kerja Excel tidak dapat dibaca: {0}")]
    Unreadable(String),
    #[error("Buku kerja tidak berisi lembar kerja.")]
    NoSheet,
    #[error(
        "Berkas terlalu besar setelah dibuka (isinya {0} MB); kemungkinan berkas rusak atau sengaja dibuat berbahaya."
    )]
    Bomb(u64),
    #[error(
        "Lembar kerja terlalu besar: {0}. Paling banyak {MAX_ROWS} baris dan {MAX_COLUMNS} kolom; pecah menjadi beberapa berkas."
    )]
    TooBig(String),
    #[error("Sel di baris {row}, kolom {column} terlalu panjang ({chars} huruf; paling banyak {MAX_CELL_CHARS}).")]
    LongCell { row: u32, column: u32, chars: usize },
    #[error("{0}")]
    TimedOut(#[from] crate::bounded::TimedOut),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Excel,
    Csv,
}

fn kind_of(file_name: &str) -> Option<Kind> {
    let lower = file_name.to_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        Some(Kind::Excel)
    } else if lower.ends_with(".csv") {
        Some(Kind::Csv)
    } else {
        None
    }
}

/// The rows of the file `file_name` with content `bytes`, the header first.
///
/// # Errors
/// A name that is not `.xlsx`/`.xlsm`/`.csv`, content that does not match the name, an
/// unreadable workbook, a file beyond the limits.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<Vec<Cell>>, SheetError> {
    read_within(file_name, bytes, &Deadline::none())
}

/// [`read`], stopping at `deadline`.
///
/// # Errors
/// As [`read`], and [`SheetError::TimedOut`].
pub fn read_within(file_name: &str, bytes: &[u8], deadline: &Deadline) -> Result<Vec<Vec<Cell>>, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooLarge);
    }
    match kind_of(file_name).ok_or(SheetError::Extension)? {
        Kind::Excel => {
            // An OOXML workbook is a ZIP archive with a workbook part; check before parsing.
            let ext = file_name.rsplit('.').next().unwrap_or("").to_lowercase();
            if !bytes.starts_with(b"PK\x03\x04") || !contains(bytes, b"xl/workbook.xml") {
                return Err(SheetError::NotExcel(format!(".{ext}")));
            }
            measure_zip(bytes, deadline)?;
            read_excel(bytes, deadline)
        }
        Kind::Csv => {
            let text = std::str::from_utf8(bytes).map_err(|_| SheetError::NotCsv)?;
            if text.contains('\0') {
                return Err(SheetError::NotCsv);
            }
            read_csv(text.strip_prefix('\u{feff}').unwrap_or(text), deadline)
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Unpacks every part of the workbook without keeping it, counting what it really holds (a
/// part's declared size can lie): a ZIP bomb is refused here, before the parser allocates.
fn measure_zip(bytes: &[u8], deadline: &Deadline) -> Result<(), SheetError> {
    let unreadable = |e: &dyn std::fmt::Display| SheetError::Unreadable(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if zip.len() > MAX_PARTS {
        return Err(SheetError::Unreadable(format!("berisi {} bagian", zip.len())));
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let shared_strings = part.name().is_ok_and(|n| n.ends_with("sharedStrings.xml"));
        let limit = if shared_strings { MAX_SHARED_STRINGS } else { MAX_PART };
        if part.size() > limit {
            return Err(SheetError::Bomb(part.size() / 1_000_000));
        }
        let mut unpacked: u64 = 0;
        loop {
            let n = part.read(&mut buf).map_err(|e| unreadable(&e))?;
            if n == 0 {
                break;
            }
            unpacked += n as u64;
            total += n as u64;
            if unpacked > limit || total > MAX_UNPACKED {
                return Err(SheetError::Bomb(total / 1_000_000));
            }
            deadline.check()?;
        }
    }
    Ok(())
}

fn read_excel(bytes: &[u8], deadline: &Deadline) -> Result<Vec<Vec<Cell>>, SheetError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.trim().eq_ignore_ascii_case(SHEET))
        .or(names.first())
        .ok_or(SheetError::NoSheet)?
        .clone();
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let declared = cells.dimensions();
    if declared.end.0 >= MAX_ROWS || declared.end.1 >= MAX_COLUMNS {
        return Err(SheetError::TooBig(format!("menurut lembar kerjanya sampai sel {}", cell_name(declared.end))));
    }
    // Rows and columns before the used range are empty in the sheet: kept, so that row numbers
    // in messages match what Excel shows.
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut filled = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|e| SheetError::Unreadable(e.to_string()))? {
        let (r, c) = cell.get_position();
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            return Err(SheetError::TooBig(format!("ada isi di sel {}", cell_name((r, c)))));
        }
        let value = cell_of(cell.get_value());
        if value == Cell::Empty {
            continue;
        }
        if let Cell::Text(t) = &value {
            let chars = t.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(SheetError::LongCell { row: r + 1, column: c + 1, chars });
            }
        }
        filled += 1;
        if filled > MAX_CELLS {
            return Err(SheetError::TooBig(format!("lebih dari {MAX_CELLS} sel berisi")));
        }
        if filled % 4096 == 0 {
            deadline.check()?;
        }
        let (r, c) = (r as usize, c as usize);
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, Cell::Empty);
        }
        row[c] = value;
    }
    Ok(rows)
}

/// `(0, 0)` → `A1`.
fn cell_name((row, col): (u32, u32)) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

fn cell_of(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty | DataRef::Error(_) => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Text(if *b { "1" } else { "0" }.into()),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) if dt.is_datetime() => Cell::Date(d.date()),
            _ => Cell::Number(dt.as_f64()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
    }
}

/// RFC 4180 CSV, with `,` or `;` (Excel in Indonesian saves with `;`) as the separator, as the
/// header line shows; within the same limits as a workbook.
fn read_csv(text: &str, deadline: &Deadline) -> Result<Vec<Vec<Cell>>, SheetError> {
    let first_line = text.lines().next().unwrap_or("");
    let sep = if first_line.matches(';').count() > first_line.matches(',').count() { ';' } else { ',' };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    let mut seen = 0usize;
    let end_field = |row: &mut Vec<Cell>, field: &mut String, rows_so_far: usize| -> Result<(), SheetError> {
        let r = u32::try_from(rows_so_far).unwrap_or(u32::MAX);
        let c = u32::try_from(row.len()).unwrap_or(u32::MAX);
        if c >= MAX_COLUMNS {
            return Err(SheetError::TooBig(format!("baris {} punya lebih dari {MAX_COLUMNS} kolom", r + 1)));
        }
        let chars = field.chars().count();
        if chars > MAX_CELL_CHARS {
            return Err(SheetError::LongCell { row: r + 1, column: c + 1, chars });
        }
        row.push(text_cell(std::mem::take(field)));
        Ok(())
    };
    while let Some(c) = chars.next() {
        any = true;
        seen += 1;
        if seen % 65_536 == 0 {
            deadline.check()?;
        }
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            if field.len() > 4 * MAX_CELL_CHARS {
                end_field(&mut row, &mut field, rows.len())?;
            }
            continue;
        }
        // A cell longer than any allowed one is refused as soon as it is, not when it ends.
        if field.len() > 4 * MAX_CELL_CHARS {
            end_field(&mut row, &mut field, rows.len())?;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == sep => end_field(&mut row, &mut field, rows.len())?,
            '\r' => {}
            '\n' => {
                end_field(&mut row, &mut field, rows.len())?;
                rows.push(std::mem::take(&mut row));
                any = false;
                if rows.len() > MAX_ROWS as usize {
                    return Err(SheetError::TooBig(format!("lebih dari {MAX_ROWS} baris")));
                }
            }
            _ => field.push(c),
        }
    }
    if any {
        end_field(&mut row, &mut field, rows.len())?;
        rows.push(row);
    }
    Ok(rows)
}

fn text_cell(text: String) -> Cell {
    if text.trim().is_empty() {
        return Cell::Empty;
    }
    // A value this program wrote with a leading `'` (see `neutral`) reads as it was.
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => Cell::Text(rest.to_string()),
        _ => Cell::Text(text),
    }
}

/// What makes a spreadsheet read a cell of a CSV as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `value` as a CSV cell that no spreadsheet runs: a value that would start a formula
/// (`=HYPERLINK(…)`, `@SUM(…)`, `+…`, `-…`) gets a leading `'`, which spreadsheets show as text.
/// Numbers (`-5`) stay as they are.
fn neutral(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) && value.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// Writes `rows` (the header first) as CSV with `,`, quoting where needed, with a UTF-8 BOM so
/// that Excel opens it with the right characters.
pub fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from('\u{feff}');
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .map(|f| {
                let f = neutral(f);
                if f.contains([',', '"', '\n', '\r', ';']) {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.into_owned()
                }
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Writes `rows` (the header first) as an `.xlsx` workbook with one sheet named `sheet`. Every
/// cell is text, so that NIKs keep their 16 digits and codes read back as they were written.
///
/// # Errors
/// The writer's own failures (bad sheet name).
pub fn write_xlsx(sheet: &str, rows: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for (c, value) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            if value.is_empty() {
                continue;
            }
            if r == 0 {
                ws.write_string_with_format(r, c, value, &bold)?;
            } else {
                ws.write_string(r, c, value)?;
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_and_semicolons() {
        let rows = read("a.csv", "nik;nama\n\"3604\";\"SITI \"\"ENENG\"\"\"\r\n;x\n".as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][1], Cell::Text("SITI \"ENENG\"".into()));
        assert_eq!(rows[2][0], Cell::Empty);
        let rows = read("a.csv", "\u{feff}a,b\n1,\"x,y\"".as_bytes()).unwrap();
        assert_eq!(rows[0][0], Cell::Text("a".into()));
        assert_eq!(rows[1][1].text(), "x,y");
    }

    #[test]
    fn content_must_match_the_name() {
        assert_eq!(read("data.xlsx", b"MZ\x90\x00\x03"), Err(SheetError::NotExcel(".xlsx".into())));
        assert_eq!(read("data.xlsx", b"nik,nama\n"), Err(SheetError::NotExcel(".xlsx".into())));
        assert_eq!(read("data.csv", b"PK\x03\x04\xff\xfe\x00"), Err(SheetError::NotCsv));
        assert_eq!(read("setup.exe", b"MZ"), Err(SheetError::Extension));
        assert_eq!(read("data.csv", b""), Err(SheetError::Empty));
    }

    /// Issue 27 (low): an export carried `=HYPERLINK(…)` into the official's spreadsheet as a
    /// formula.
    #[test]
    fn exported_formulas_stay_text_and_read_back() {
        let rows = vec![
            vec!["nama".to_string(), "angka".to_string()],
            vec!["=HYPERLINK(\"http://evil\",\"klik\")".to_string(), "-5".to_string()],
            vec!["@SUM(A1)".to_string(), "+CMD|' /C calc'!A0".to_string()],
        ];
        let csv = String::from_utf8(write_csv(&rows)).unwrap();
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"klik\"\")\""), "{csv}");
        assert!(csv.contains("'@SUM(A1)") && csv.contains(",-5\r\n") && csv.contains(",'+CMD|"), "{csv}");
        let back = read("x.csv", csv.as_bytes()).unwrap();
        assert_eq!(back[1][0].text(), rows[1][0]);
        assert_eq!(back[2][0].text(), "@SUM(A1)");
        assert_eq!(back[2][1].text(), "+CMD|' /C calc'!A0");
    }

    #[test]
    fn numbers_read_as_plain_digits() {
        assert_eq!(Cell::Number(3_604_054_503_900_010.0).text(), "3604054503900010");
        assert_eq!(Cell::Number(2.0).text(), "2");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
    }

    #[test]
    fn written_files_read_back() {
        let rows = vec![
            vec!["nik".to_string(), "nama".to_string()],
            vec!["3604054503900012".to_string(), "SITI, \"ENENG\"".to_string()],
        ];
        let back = read("x.csv", &write_csv(&rows)).unwrap();
        assert_eq!(back[1][1].text(), "SITI, \"ENENG\"");
        let back = read("x.xlsx", &write_xlsx(SHEET, &rows).unwrap()).unwrap();
        assert_eq!(back[1][0].text(), "3604054503900012");
        assert_eq!(back[1][1].text(), "SITI, \"ENENG\"");
    }
}
