//! The village budget (APBDes) as the public reads it and officials enter it: a fixed list of
//! lines (Permendagri 20/2018: pendapatan by source, belanja by bidang, pembiayaan in and out),
//! each with a planned and a realised amount in whole rupiah, and the totals computed from them.
//! Shared by both builds: the form checks amounts before sending, the server checks again.

use serde::{Deserialize, Serialize};

use super::model::Problem;
use crate::market::money::{parse_whole, rupiah};

/// The four parts of an APBDes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    Pendapatan,
    Belanja,
    /// Pembiayaan: what comes in (SiLPA of last year, reserves drawn).
    Penerimaan,
    /// Pembiayaan: what goes out (reserves set aside, capital for the BUMDes).
    Pengeluaran,
}

impl Part {
    pub const ALL: [Part; 4] = [Part::Pendapatan, Part::Belanja, Part::Penerimaan, Part::Pengeluaran];

    pub fn title(self) -> &'static str {
        match self {
            Part::Pendapatan => "Pendapatan",
            Part::Belanja => "Belanja",
            Part::Penerimaan => "Penerimaan pembiayaan",
            Part::Pengeluaran => "Pengeluaran pembiayaan",
        }
    }
}

/// The lines of the budget: `(code, part, label)`.
pub const LINES: &[(&str, Part, &str)] = &[
    ("pendapatan.asli", Part::Pendapatan, "Pendapatan Asli Desa"),
    ("pendapatan.dana_desa", Part::Pendapatan, "Dana Desa"),
    ("pendapatan.bagi_hasil", Part::Pendapatan, "Bagi hasil pajak dan retribusi"),
    ("pendapatan.add", Part::Pendapatan, "Alokasi Dana Desa"),
    ("pendapatan.bantuan_provinsi", Part::Pendapatan, "Bantuan keuangan provinsi"),
    ("pendapatan.bantuan_kabupaten", Part::Pendapatan, "Bantuan keuangan kabupaten/kota"),
    ("pendapatan.lain", Part::Pendapatan, "Pendapatan lain-lain"),
    ("belanja.pemerintahan", Part::Belanja, "Penyelenggaraan pemerintahan desa"),
    ("belanja.pembangunan", Part::Belanja, "Pelaksanaan pembangunan desa"),
    ("belanja.kemasyarakatan", Part::Belanja, "Pembinaan kemasyarakatan"),
    ("belanja.pemberdayaan", Part::Belanja, "Pemberdayaan masyarakat"),
    ("belanja.bencana", Part::Belanja, "Penanggulangan bencana, darurat dan mendesak"),
    ("penerimaan.silpa", Part::Penerimaan, "SiLPA tahun sebelumnya"),
    ("penerimaan.dana_cadangan", Part::Penerimaan, "Pencairan dana cadangan"),
    ("penerimaan.kekayaan", Part::Penerimaan, "Hasil penjualan kekayaan desa yang dipisahkan"),
    ("pengeluaran.dana_cadangan", Part::Pengeluaran, "Pembentukan dana cadangan"),
    ("pengeluaran.penyertaan_modal", Part::Pengeluaran, "Penyertaan modal desa (BUMDes)"),
];

pub fn line(code: &str) -> Option<(Part, &'static str)> {
    LINES.iter().find(|(c, _, _)| *c == code).map(|(_, part, label)| (*part, *label))
}

/// Rp 10 triliun: far beyond any village's budget line; a slip of the keyboard beyond it is caught.
pub const AMOUNT_MAX: i64 = 10_000_000_000_000;

/// The first year a budget can be entered for (Dana Desa began in 2015).
pub const FIRST_YEAR: i32 = 2015;

/// A line's two amounts as typed (empty is zero).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineInput {
    pub code: String,
    pub planned: String,
    pub realised: String,
}

/// A year's budget as the officials' form sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BudgetInput {
    pub year: i32,
    pub lines: Vec<LineInput>,
}

fn amount(text: &str) -> Result<i64, String> {
    if text.trim().is_empty() { Ok(0) } else { parse_whole(text, "Jumlah", AMOUNT_MAX) }
}

impl BudgetInput {
    /// The amounts read, `(code, planned, realised)` for every known line, or what to fix (the
    /// field of a problem is `{code}.rencana` or `{code}.realisasi`). `last_year` is the latest
    /// year a budget may be for (next year's is drafted in this one).
    ///
    /// # Errors
    /// Every problem found, none left out.
    pub fn read(&self, last_year: i32) -> Result<Vec<(&'static str, i64, i64)>, Vec<Problem>> {
        let mut problems = Vec::new();
        if !(FIRST_YEAR..=last_year).contains(&self.year) {
            problems.push(Problem::new("year", format!("Tahun anggaran antara {FIRST_YEAR} dan {last_year}.")));
        }
        for l in &self.lines {
            if line(&l.code).is_none() {
                problems.push(Problem::new("lines", format!("Baris anggaran \"{}\" tidak dikenal.", l.code)));
            }
        }
        let mut out = Vec::with_capacity(LINES.len());
        for (code, _, label) in LINES {
            let typed = self.lines.iter().find(|l| l.code == *code);
            let (planned, realised) = typed.map_or(("", ""), |l| (l.planned.as_str(), l.realised.as_str()));
            let planned =
                amount(planned).map_err(|m| Problem::new(&format!("{code}.rencana"), format!("{label}: {m}")));
            let realised =
                amount(realised).map_err(|m| Problem::new(&format!("{code}.realisasi"), format!("{label}: {m}")));
            match (planned, realised) {
                (Ok(p), Ok(r)) => out.push((*code, p, r)),
                (p, r) => problems.extend([p.err(), r.err()].into_iter().flatten()),
            }
        }
        if problems.is_empty() { Ok(out) } else { Err(problems) }
    }
}

/// The sums of a budget, for one column (planned or realised).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sums {
    pub pendapatan: i64,
    pub belanja: i64,
    pub penerimaan: i64,
    pub pengeluaran: i64,
}

impl Sums {
    /// Adds a line's amount to its part.
    pub fn add(&mut self, part: Part, amount: i64) {
        let sum = match part {
            Part::Pendapatan => &mut self.pendapatan,
            Part::Belanja => &mut self.belanja,
            Part::Penerimaan => &mut self.penerimaan,
            Part::Pengeluaran => &mut self.pengeluaran,
        };
        *sum = sum.saturating_add(amount);
    }

    pub fn of(&self, part: Part) -> i64 {
        match part {
            Part::Pendapatan => self.pendapatan,
            Part::Belanja => self.belanja,
            Part::Penerimaan => self.penerimaan,
            Part::Pengeluaran => self.pengeluaran,
        }
    }

    /// Surplus (positive) or deficit (negative): pendapatan − belanja.
    pub fn surplus(&self) -> i64 {
        self.pendapatan - self.belanja
    }

    /// Pembiayaan neto: penerimaan − pengeluaran.
    pub fn financing(&self) -> i64 {
        self.penerimaan - self.pengeluaran
    }

    /// SiLPA of the year: surplus/deficit plus pembiayaan neto.
    pub fn remainder(&self) -> i64 {
        self.surplus() + self.financing()
    }
}

/// One line with its amounts, as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetRow {
    pub code: String,
    pub part: Part,
    pub label: String,
    pub planned: i64,
    pub realised: i64,
}

/// One year's budget: every line (zero where nothing was entered) and its sums.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub year: i32,
    pub rows: Vec<BudgetRow>,
    pub planned: Sums,
    pub realised: Sums,
}

impl Budget {
    /// The budget from stored `(code, planned, realised)`; unknown codes are left out.
    pub fn from_lines(year: i32, stored: &[(String, i64, i64)]) -> Budget {
        let mut planned = Sums::default();
        let mut realised = Sums::default();
        let rows = LINES
            .iter()
            .map(|(code, part, label)| {
                let (p, r) = stored.iter().find(|(c, _, _)| c == code).map_or((0, 0), |(_, p, r)| (*p, *r));
                planned.add(*part, p);
                realised.add(*part, r);
                BudgetRow {
                    code: (*code).to_string(),
                    part: *part,
                    label: (*label).to_string(),
                    planned: p,
                    realised: r,
                }
            })
            .collect();
        Budget { year, rows, planned, realised }
    }
}

/// The public APBDes page: the years with a budget (newest first), the chosen year's budget,
/// and every year's sums for the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetPage {
    pub years: Vec<i32>,
    pub budget: Option<Budget>,
    pub history: Vec<(i32, Sums, Sums)>,
}

/// Realised as a share of planned: "87%" (or "–" when nothing was planned).
pub fn share(realised: i64, planned: i64) -> String {
    if planned <= 0 { "–".to_string() } else { format!("{}%", (realised as f64 * 100.0 / planned as f64).round()) }
}

/// "Rp 1,25 M" / "Rp 850 jt" / "Rp 12.500": amounts short enough for a chart's label.
pub fn short(value: i64) -> String {
    let (sign, v) = (if value < 0 { "−" } else { "" }, value.unsigned_abs() as f64);
    let (n, unit) = if v >= 1e9 {
        (v / 1e9, " M")
    } else if v >= 1e6 {
        (v / 1e6, " jt")
    } else {
        return rupiah(value);
    };
    let text = format!("{n:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.').replace('.', ",");
    format!("Rp {sign}{text}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(year: i32, lines: &[(&str, &str, &str)]) -> BudgetInput {
        BudgetInput {
            year,
            lines: lines
                .iter()
                .map(|(c, p, r)| LineInput { code: (*c).into(), planned: (*p).into(), realised: (*r).into() })
                .collect(),
        }
    }

    #[test]
    fn totals_follow_the_apbdes_arithmetic() {
        let read = input(
            2026,
            &[
                ("pendapatan.dana_desa", "1.000.000.000", "950.000.000"),
                ("pendapatan.add", "Rp 400.000.000", "400000000"),
                ("belanja.pembangunan", "900.000.000", "800.000.000"),
                ("belanja.pemerintahan", "550.000.000", "500.000.000"),
                ("penerimaan.silpa", "100.000.000", "100.000.000"),
                ("pengeluaran.penyertaan_modal", "30.000.000", ""),
            ],
        )
        .read(2027)
        .unwrap();
        assert_eq!(read.len(), LINES.len(), "every line, zero where empty");
        let stored: Vec<(String, i64, i64)> = read.into_iter().map(|(c, p, r)| (c.to_string(), p, r)).collect();
        let b = Budget::from_lines(2026, &stored);
        assert_eq!(b.planned.pendapatan, 1_400_000_000);
        assert_eq!(b.planned.belanja, 1_450_000_000);
        assert_eq!(b.planned.surplus(), -50_000_000);
        assert_eq!(b.planned.financing(), 70_000_000);
        assert_eq!(b.planned.remainder(), 20_000_000);
        assert_eq!(b.realised.pendapatan, 1_350_000_000);
        assert_eq!(b.realised.belanja, 1_300_000_000);
        assert_eq!(b.realised.remainder(), 150_000_000);
        assert_eq!(share(b.realised.belanja, b.planned.belanja), "90%");
    }

    #[test]
    fn bad_amounts_and_years_are_all_named() {
        let problems = input(
            2014,
            &[("pendapatan.dana_desa", "satu miliar", "-5"), ("belanja.x", "1", "1"), ("belanja.bencana", "1,5", "")],
        )
        .read(2027)
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "year",
                "lines",
                "pendapatan.dana_desa.rencana",
                "pendapatan.dana_desa.realisasi",
                "belanja.bencana.rencana"
            ]
        );
        assert!(problems[2].message.starts_with("Dana Desa: Jumlah hanya berisi angka"));
        assert!(problems[3].message.contains("tidak boleh negatif"));
        let too_much = input(2026, &[("pendapatan.asli", "10.000.000.000.001", "")]).read(2027).unwrap_err();
        assert!(too_much[0].message.contains("paling tinggi Rp 10.000.000.000.000"), "{too_much:?}");
    }

    #[test]
    fn short_amounts_for_charts() {
        assert_eq!(short(1_250_000_000), "Rp 1,25 M");
        assert_eq!(short(850_000_000), "Rp 850 jt");
        assert_eq!(short(2_000_000_000), "Rp 2 M");
        assert_eq!(short(12_500), "Rp 12.500");
        assert_eq!(short(-50_000_000), "Rp −50 jt");
        assert_eq!(share(5, 0), "–");
    }
}
