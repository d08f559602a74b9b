//! Charts drawn as SVG text on the server (no script, no library): horizontal bars and the
//! population pyramid. A chart is an image with a label; the page puts a table with the same
//! numbers beside it, which is what a screen reader reads. Sizes are in a 360-unit wide
//! `viewBox`, so a chart fills a phone's width and grows with a wider screen (CSS `.chart`).

use crate::ui::escape;

const WIDTH: f64 = 360.0;
const BAR: f64 = 11.0;
const GAP: f64 = 3.0;
const LABEL: f64 = 15.0;
/// Room after the longest bar for its value.
const VALUE_ROOM: f64 = 96.0;

/// One kind of bar in a chart (its legend name and CSS class: `a`, `b`, `male`, `female`).
#[derive(Debug, Clone, Copy)]
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
}

/// A row of a bar chart: its label and one `(length, text)` per series. The length is the
/// value the bar is drawn for; the text is what is written after it ("< 5", "Rp 1,2 M").
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub values: Vec<(f64, String)>,
}

fn open(height: f64, label: &str) -> String {
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        escape(label),
        escape(label)
    )
}

fn legend(series: &[Series]) -> (String, f64) {
    if series.len() < 2 {
        return (String::new(), 0.0);
    }
    let mut out = String::new();
    let mut x = 0.0;
    for s in series {
        out.push_str(&format!(
            "<rect class=\"{}\" x=\"{x:.0}\" y=\"2\" width=\"10\" height=\"10\" rx=\"2\"/><text x=\"{:.0}\" y=\"11\">{}</text>",
            s.class,
            x + 14.0,
            escape(s.name)
        ));
        x += 24.0 + 7.0 * s.name.chars().count() as f64;
    }
    (out, 20.0)
}

/// Horizontal bars: each row's label above its bars (one per series), all bars on one scale.
pub fn bars(label: &str, series: &[Series], rows: &[Row]) -> String {
    let max = rows.iter().flat_map(|r| r.values.iter().map(|v| v.0)).fold(0.0, f64::max).max(1.0);
    let scale = (WIDTH - VALUE_ROOM) / max;
    let per_row = LABEL + series.len() as f64 * (BAR + GAP) + 6.0;
    let (legend, top) = legend(series);
    let mut out = open(top + per_row * rows.len() as f64, label);
    out.push_str(&legend);
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f64 * per_row;
        out.push_str(&format!("<text x=\"0\" y=\"{:.0}\">{}</text>", y + 11.0, escape(&row.label)));
        for (j, (value, text)) in row.values.iter().enumerate() {
            let class = series.get(j).map_or("a", |s| s.class);
            let by = y + LABEL + j as f64 * (BAR + GAP);
            let w = (value.max(0.0) * scale).max(if *value > 0.0 { 1.5 } else { 0.0 });
            out.push_str(&format!(
                "<rect class=\"{class}\" x=\"0\" y=\"{by:.0}\" width=\"{w:.1}\" height=\"{BAR}\" rx=\"2\"/>\
                 <text class=\"value\" x=\"{:.1}\" y=\"{:.0}\">{}</text>",
                w + 4.0,
                by + 9.5,
                escape(text)
            ));
        }
    }
    out.push_str("</svg>");
    out
}

/// One age group of a pyramid: its label and the men's and women's `(length, text)`.
#[derive(Debug, Clone)]
pub struct PyramidRow {
    pub label: String,
    pub male: (f64, String),
    pub female: (f64, String),
}

/// The population pyramid: men to the left, women to the right, the oldest group on top
/// (`rows` from youngest to oldest).
pub fn pyramid(label: &str, rows: &[PyramidRow]) -> String {
    const MIDDLE: f64 = 48.0;
    const ROW: f64 = 16.0;
    const TOP: f64 = 18.0;
    let max = rows.iter().map(|r| r.male.0.max(r.female.0)).fold(0.0, f64::max).max(1.0);
    let half = (WIDTH - MIDDLE) / 2.0;
    let scale = (half - 40.0) / max;
    let mut out = open(TOP + ROW * rows.len() as f64, label);
    out.push_str(&format!(
        "<text x=\"{:.0}\" y=\"12\" text-anchor=\"end\">Laki-laki</text><text x=\"{:.0}\" y=\"12\">Perempuan</text>",
        half - 4.0,
        half + MIDDLE + 4.0
    ));
    for (i, row) in rows.iter().rev().enumerate() {
        let y = TOP + i as f64 * ROW;
        let (m, f) = (row.male.0.max(0.0) * scale, row.female.0.max(0.0) * scale);
        out.push_str(&format!(
            "<rect class=\"male\" x=\"{:.1}\" y=\"{y:.0}\" width=\"{m:.1}\" height=\"12\" rx=\"2\"/>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>\
             <text class=\"age\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>\
             <rect class=\"female\" x=\"{:.0}\" y=\"{y:.0}\" width=\"{f:.1}\" height=\"12\" rx=\"2\"/>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.0}\">{}</text>",
            half - m,
            half - m - 3.0,
            y + 10.0,
            escape(&row.male.1),
            half + MIDDLE / 2.0,
            y + 10.0,
            escape(&row.label),
            half + MIDDLE,
            half + MIDDLE + f + 3.0,
            y + 10.0,
            escape(&row.female.1),
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_to_one_scale_and_labels_are_escaped() {
        let rows = vec![
            Row { label: "Islam".into(), values: vec![(100.0, "100".into())] },
            Row { label: "<b>Kristen</b>".into(), values: vec![(50.0, "50".into())] },
            Row { label: "Hindu".into(), values: vec![(0.0, "0".into())] },
        ];
        let svg = bars("Agama", &[Series { name: "Jumlah", class: "a" }], &rows);
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("aria-label=\"Agama\""));
        let full = WIDTH - VALUE_ROOM;
        assert!(svg.contains(&format!("width=\"{full:.1}\"")), "{svg}");
        assert!(svg.contains(&format!("width=\"{:.1}\"", full / 2.0)));
        assert!(svg.contains("width=\"0.0\""), "an empty row has no bar");
        assert!(svg.contains("&lt;b&gt;Kristen&lt;/b&gt;") && !svg.contains("<b>"));
    }

    #[test]
    fn pyramids_put_the_oldest_on_top() {
        let rows = vec![
            PyramidRow { label: "0–4".into(), male: (10.0, "10".into()), female: (8.0, "8".into()) },
            PyramidRow { label: "75+".into(), male: (2.0, "< 5".into()), female: (0.0, "0".into()) },
        ];
        let svg = pyramid("Piramida", &rows);
        assert!(svg.find("75+").unwrap() < svg.find("0–4").unwrap());
        assert!(svg.contains("&lt; 5"));
    }
}
