//! Tables in files: the incumbent's Excel workbooks (`.xlsx`, `.xlsm`: cells only, macros are
//! never run) and CSV, read into rows of cells; and the same written back (server only).
//!
//! A file must be what its name says: an Excel name needs a ZIP workbook inside, a `.csv` name
//! UTF-8 text. Anything else (a renamed program, an image) is refused before it is parsed.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;

/// Files larger than this are refused (a 100,000-row export is about 8 MB).
pub const MAX_BYTES: usize = 25 * 1024 * 1024;

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
/// unreadable workbook.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<Vec<Cell>>, SheetError> {
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
            read_excel(bytes)
        }
        Kind::Csv => {
            let text = std::str::from_utf8(bytes).map_err(|_| SheetError::NotCsv)?;
            if text.contains('\0') {
                return Err(SheetError::NotCsv);
            }
            Ok(read_csv(text.strip_prefix('\u{feff}').unwrap_or(text)))
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn read_excel(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, SheetError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let sheet =
        names.iter().find(|n| n.trim().eq_ignore_ascii_case(SHEET)).or(names.first()).ok_or(SheetError::NoSheet)?;
    let range = book.worksheet_range(sheet).map_err(|e| SheetError::Unreadable(e.to_string()))?;
    // Rows and columns before the used range are empty in the sheet: keep them so that row
    // numbers in messages match what Excel shows.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top as usize];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; left as usize];
        cells.extend(row.iter().map(cell_of));
        rows.push(cells);
    }
    Ok(rows)
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "1" } else { "0" }.into()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) if dt.is_datetime() => Cell::Date(d.date()),
            _ => Cell::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

/// RFC 4180 CSV, with `,` or `;` (Excel in Indonesian saves with `;`) as the separator, as the
/// header line shows.
fn read_csv(text: &str) -> Vec<Vec<Cell>> {
    let first_line = text.lines().next().unwrap_or("");
    let sep = if first_line.matches(';').count() > first_line.matches(',').count() { ';' } else { ',' };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == sep => row.push(text_cell(std::mem::take(&mut field))),
            '\r' => {}
            '\n' => {
                row.push(text_cell(std::mem::take(&mut field)));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            _ => field.push(c),
        }
    }
    if any {
        row.push(text_cell(field));
        rows.push(row);
    }
    rows
}

fn text_cell(text: String) -> Cell {
    if text.trim().is_empty() { Cell::Empty } else { Cell::Text(text) }
}

/// Writes `rows` (the header first) as CSV with `,`, quoting where needed, with a UTF-8 BOM so
/// that Excel opens it with the right characters.
pub fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from('\u{feff}');
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .map(|f| {
                if f.contains([',', '"', '\n', '\r', ';']) {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.clone()
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
