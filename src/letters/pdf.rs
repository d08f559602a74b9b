//! The letter as a PDF: a small writer of our own (one page or more, the standard Helvetica
//! fonts, a JPEG logo, the QR code drawn as squares). Nothing in it depends on the clock or on
//! chance, so the same letter always gives the same bytes; the text is real text, so it can be
//! searched, copied and read back.

use std::fmt::Write as _;

use super::template::Block;

/// Paper sizes in points (1/72 inch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    /// Folio, 215 × 330 mm, common in Indonesian offices.
    F4,
}

impl Paper {
    fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::F4 => (609.45, 935.43),
        }
    }

    pub fn parse(text: &str) -> Paper {
        if text.eq_ignore_ascii_case("f4") { Paper::F4 } else { Paper::A4 }
    }
}

/// Everything printed on a letter, already filled in.
#[derive(Debug, Clone)]
pub struct LetterDoc {
    pub paper: Paper,
    /// The letterhead lines: "PEMERINTAH KABUPATEN SERANG", "KECAMATAN …", "DESA …".
    pub head: Vec<String>,
    /// The office address under the letterhead.
    pub address: String,
    /// The village logo as a baseline JPEG (`width`, `height`, bytes), if it has one.
    pub logo: Option<(u32, u32, Vec<u8>)>,
    pub title: String,
    pub number: String,
    pub body: Vec<Block>,
    /// "Kramatwatu, 28 November 2026".
    pub place_date: String,
    /// "a.n. Kepala Desa" when the sekdes signs for the kades, else empty.
    pub on_behalf: String,
    pub signer_title: String,
    pub signer_name: String,
    /// The QR's modules, row by row (`true` = dark), and the text under it.
    pub qr: Vec<Vec<bool>>,
    pub qr_note: String,
    /// The address in the QR, also a clickable link over it.
    pub qr_link: String,
    /// Document title in the PDF's properties.
    pub doc_title: String,
}

const MARGIN: f32 = 56.7; // 2 cm
const BODY_SIZE: f32 = 11.0;
const LEADING: f32 = 15.0;

/// Renders `doc`.
pub fn render(doc: &LetterDoc) -> Vec<u8> {
    let (w, h) = doc.paper.size();
    let mut pages: Vec<Page> = vec![Page::default()];
    let mut y = h - MARGIN;

    // Letterhead: logo left, lines centred, a double rule.
    let text_left = MARGIN + if doc.logo.is_some() { 70.0 } else { 0.0 };
    let centre = (text_left + w - MARGIN) / 2.0;
    if let Some((lw, lh, _)) = &doc.logo {
        let size = 62.0_f32;
        let (dw, dh) = if lw >= lh {
            (size, size * *lh as f32 / (*lw).max(1) as f32)
        } else {
            (size * *lw as f32 / (*lh).max(1) as f32, size)
        };
        last(&mut pages).image(MARGIN, y - dh, dw, dh);
    }
    let head_sizes = [12.0, 12.0, 15.0, 15.0];
    for (i, line) in doc.head.iter().enumerate() {
        let size = head_sizes.get(i).copied().unwrap_or(12.0);
        y -= size + 3.0;
        last(&mut pages).text_centered(Font::Bold, size, centre, y, line);
    }
    if !doc.address.is_empty() {
        y -= 13.0;
        last(&mut pages).text_centered(Font::Regular, 9.5, centre, y, &doc.address);
    }
    y = y.min(h - MARGIN - 66.0) - 8.0;
    last(&mut pages).rule(MARGIN, w - MARGIN, y, 1.6);
    last(&mut pages).rule(MARGIN, w - MARGIN, y - 3.0, 0.5);
    y -= 30.0;

    // Title and number.
    last(&mut pages).text_centered(Font::Bold, 13.0, w / 2.0, y, &doc.title);
    let title_w = width(Font::Bold, 13.0, &doc.title);
    last(&mut pages).rule(w / 2.0 - title_w / 2.0, w / 2.0 + title_w / 2.0, y - 2.0, 0.7);
    y -= 16.0;
    last(&mut pages).text_centered(Font::Regular, BODY_SIZE, w / 2.0, y, &format!("Nomor: {}", doc.number));
    y -= 28.0;

    // Body.
    let text_w = w - 2.0 * MARGIN;
    let need = |pages: &mut Vec<Page>, y: &mut f32, space: f32| {
        if *y - space < MARGIN + 20.0 {
            pages.push(Page::default());
            *y = h - MARGIN;
        }
    };
    for block in &doc.body {
        match block {
            Block::Paragraph(text) => {
                for line in wrap(Font::Regular, BODY_SIZE, text, text_w) {
                    need(&mut pages, &mut y, LEADING);
                    last(&mut pages).text(Font::Regular, BODY_SIZE, MARGIN, y, &line);
                    y -= LEADING;
                }
            }
            Block::Rows(rows) => {
                let label_w =
                    rows.iter().map(|(l, _)| width(Font::Regular, BODY_SIZE, l)).fold(0.0, f32::max).min(160.0);
                let left = MARGIN + 24.0;
                let colon = left + label_w + 8.0;
                for (label, value) in rows {
                    let lines = wrap(Font::Regular, BODY_SIZE, value, w - MARGIN - colon - 10.0);
                    for (i, line) in lines.iter().enumerate() {
                        need(&mut pages, &mut y, LEADING);
                        if i == 0 {
                            last(&mut pages).text(Font::Regular, BODY_SIZE, left, y, label);
                            last(&mut pages).text(Font::Regular, BODY_SIZE, colon, y, ":");
                        }
                        last(&mut pages).text(Font::Regular, BODY_SIZE, colon + 10.0, y, line);
                        y -= LEADING;
                    }
                }
            }
        }
        y -= LEADING * 0.6;
    }

    // Place and date, signer; the QR at the left of the signature block.
    let block_h = 150.0;
    need(&mut pages, &mut y, block_h);
    let sign_x = w - MARGIN - 200.0;
    let mut sy = y - 6.0;
    last(&mut pages).text(Font::Regular, BODY_SIZE, sign_x, sy, &doc.place_date);
    if !doc.on_behalf.is_empty() {
        sy -= LEADING;
        last(&mut pages).text(Font::Regular, BODY_SIZE, sign_x, sy, &doc.on_behalf);
    }
    sy -= LEADING;
    last(&mut pages).text(Font::Regular, BODY_SIZE, sign_x, sy, &doc.signer_title);
    sy -= 62.0;
    last(&mut pages).text(Font::Bold, BODY_SIZE, sign_x, sy, &doc.signer_name);
    last(&mut pages).rule(sign_x, sign_x + width(Font::Bold, BODY_SIZE, &doc.signer_name), sy - 2.0, 0.6);
    if !doc.qr.is_empty() {
        let size = 92.0;
        let top = y - 4.0;
        last(&mut pages).qr(&doc.qr, MARGIN, top - size, size);
        if !doc.qr_link.is_empty() {
            last(&mut pages).link = Some(([MARGIN, top - size, MARGIN + size, top], doc.qr_link.clone()));
        }
        let mut ny = top - size - 10.0;
        for line in wrap(Font::Regular, 7.5, &doc.qr_note, 200.0) {
            last(&mut pages).text(Font::Regular, 7.5, MARGIN, ny, &line);
            ny -= 9.0;
        }
    }
    let logo = doc.logo.as_ref().map(|(lw, lh, bytes)| (*lw, *lh, bytes.as_slice()));
    assemble(&pages, (w, h), logo, &doc.doc_title)
}

/// The page being written.
fn last(pages: &mut [Page]) -> &mut Page {
    let i = pages.len() - 1;
    &mut pages[i]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }
}

/// One page's content stream.
#[derive(Default)]
struct Page {
    ops: String,
    has_image: bool,
    /// A link area `[x1, y1, x2, y2]` and its address.
    link: Option<([f32; 4], String)>,
}

impl Page {
    fn text(&mut self, font: Font, size: f32, x: f32, y: f32, text: &str) {
        let _ = writeln!(
            self.ops,
            "BT /{} {} Tf {} {} Td {} Tj ET",
            font.name(),
            num(size),
            num(x),
            num(y),
            pdf_string(text)
        );
    }

    fn text_centered(&mut self, font: Font, size: f32, centre: f32, y: f32, text: &str) {
        self.text(font, size, centre - width(font, size, text) / 2.0, y, text);
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32) {
        let _ = writeln!(self.ops, "{} w {} {} m {} {} l S", num(thickness), num(x1), num(y), num(x2), num(y));
    }

    fn image(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.has_image = true;
        let _ = writeln!(self.ops, "q {} 0 0 {} {} {} cm /Im1 Do Q", num(w), num(h), num(x), num(y));
    }

    /// The QR code as filled squares: each row's dark runs as one rectangle.
    fn qr(&mut self, modules: &[Vec<bool>], x: f32, y: f32, size: f32) {
        let n = modules.len().max(1) as f32 + 8.0; // 4 modules of quiet zone each side
        let m = size / n;
        let _ = writeln!(self.ops, "q 0 g");
        for (row, line) in modules.iter().enumerate() {
            let top = y + size - (row as f32 + 4.0) * m;
            let mut col = 0;
            while col < line.len() {
                if line[col] {
                    let start = col;
                    while col < line.len() && line[col] {
                        col += 1;
                    }
                    let _ = writeln!(
                        self.ops,
                        "{} {} {} {} re",
                        num(x + (start as f32 + 4.0) * m),
                        num(top - m),
                        num((col - start) as f32 * m),
                        num(m)
                    );
                } else {
                    col += 1;
                }
            }
        }
        let _ = writeln!(self.ops, "f Q");
    }
}

/// A number as PDF writes it: at most two decimals, no trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// `text` in WinAnsi (the standard fonts' encoding) as a PDF literal string.
fn pdf_string(text: &str) -> String {
    let mut out = String::from("(");
    for b in win_ansi(text) {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            other => {
                let _ = write!(out, "\\{other:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// Unicode to WinAnsi (cp1252); what it lacks becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '…' => 0x85,
            '–' => 0x96,
            '—' => 0x97,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '€' => 0x80,
            _ => b'?',
        })
        .collect()
}

/// Helvetica and Helvetica-Bold advance widths of ASCII 32–126, in 1/1000 em (Adobe's AFM).
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611,
    556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389,
    280, 389, 584,
];

fn width(font: Font, size: f32, text: &str) -> f32 {
    let table = match font {
        Font::Regular => &REGULAR,
        Font::Bold => &BOLD,
    };
    let units: u32 = win_ansi(text)
        .into_iter()
        .map(|b| if (32..=126).contains(&b) { u32::from(table[usize::from(b - 32)]) } else { 556 })
        .sum();
    units as f32 * size / 1000.0
}

/// Breaks `text` into lines no wider than `max` (a word longer than a line is cut).
fn wrap(font: Font, size: f32, text: &str, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if width(font, size, &candidate) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_string();
        while width(font, size, &rest) > max {
            let mut cut = rest.len();
            while cut > 1 && width(font, size, &rest[..cut]) > max {
                cut = rest[..cut].char_indices().last().map_or(1, |(i, _)| i.max(1));
            }
            lines.push(rest[..cut].to_string());
            rest = rest[cut..].to_string();
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The file: catalog, page tree, fonts, the logo, the pages and their contents, the info
/// dictionary, the cross-reference table.
fn assemble(pages: &[Page], (w, h): (f32, f32), logo: Option<(u32, u32, &[u8])>, title: &str) -> Vec<u8> {
    // Object numbers: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, 6 logo, then two per page.
    let first_page = 7;
    let uri = |text: &str| -> String {
        // Addresses are ASCII; anything else is left out rather than mis-encoded.
        let ascii: String = text.chars().filter(|c| c.is_ascii() && !c.is_ascii_control()).collect();
        pdf_string(&ascii)
    };
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes());
    for name in ["Helvetica", "Helvetica-Bold"] {
        objects.push(
            format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>").into_bytes(),
        );
    }
    objects.push(format!("<< /Title {} /Producer (Digdaya) >>", pdf_string(title)).into_bytes());
    match logo {
        Some((lw, lh, bytes)) => {
            let mut o = format!(
                "<< /Type /XObject /Subtype /Image /Width {lw} /Height {lh} /ColorSpace /DeviceRGB \
                 /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
                bytes.len()
            )
            .into_bytes();
            o.extend_from_slice(bytes);
            o.extend_from_slice(b"\nendstream");
            objects.push(o);
        }
        None => objects.push(b"null".to_vec()),
    }
    for (i, p) in pages.iter().enumerate() {
        let contents = first_page + 2 * i + 1;
        let xobject = if p.has_image && logo.is_some() { " /XObject << /Im1 6 0 R >>" } else { "" };
        let annots = match &p.link {
            Some((r, url)) => format!(
                " /Annots [<< /Type /Annot /Subtype /Link /Rect [{} {} {} {}] /Border [0 0 0] /A << /S /URI /URI {} >> >>]",
                num(r[0]),
                num(r[1]),
                num(r[2]),
                num(r[3]),
                uri(url)
            ),
            None => String::new(),
        };
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >>{xobject} >>{annots} /Contents {contents} 0 R >>",
                num(w),
                num(h)
            )
            .into_bytes(),
        );
        let mut o = format!("<< /Length {} >>\nstream\n", p.ops.len()).into_bytes();
        o.extend_from_slice(p.ops.as_bytes());
        o.extend_from_slice(b"endstream");
        objects.push(o);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(table, "{o:010} 00000 n ");
    }
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_encoded() {
        assert_eq!(pdf_string("a (b) \\ c"), "(a \\(b\\) \\\\ c)");
        assert_eq!(pdf_string("Café…"), "(Caf\\351\\205)");
        assert_eq!(pdf_string("中"), "(?)");
    }

    #[test]
    fn lines_wrap_within_the_width() {
        let text = "Yang bertanda tangan di bawah ini Kepala Desa Kramatwatu Kecamatan Kramatwatu Kabupaten Serang menerangkan dengan sebenarnya bahwa";
        let lines = wrap(Font::Regular, 11.0, text, 200.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| width(Font::Regular, 11.0, l) <= 200.0));
        assert_eq!(lines.join(" "), text);
        let long = "x".repeat(300);
        let cut = wrap(Font::Regular, 11.0, &long, 100.0);
        assert!(cut.len() > 1 && cut.concat() == long);
        assert_eq!(wrap(Font::Regular, 11.0, "", 100.0), [""]);
    }

    #[test]
    fn widths_follow_helvetica() {
        // "Hello" in Helvetica at 1000 units: H 722 e 556 l 222 l 222 o 556.
        assert!((width(Font::Regular, 1000.0, "Hello") - 2278.0).abs() < 0.01);
        assert!(width(Font::Bold, 12.0, "Desa") > width(Font::Regular, 12.0, "Desa"));
    }
}
