//! Letter body templates: text with `{{placeholder}}` slots, checked against the names a letter
//! type knows before it is saved, and filled in when a letter is previewed or signed. The same
//! code runs in the browser (the live preview) and on the server (the PDF).
//!
//! A body is paragraphs separated by blank lines. A line `Label | value` is a row of a data
//! block (the label column lines up, then `: value`), the usual shape of "Nama : …, NIK : …".

use std::collections::BTreeMap;

/// One piece of a body line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Slot(String),
}

/// A checked template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// What is wrong with a template, in words for the official editing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Unknown(String),
    Unclosed { line: usize },
    Empty { line: usize },
    TooLong,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::Unknown(name) => write!(f, "Isian {{{{{name}}}}} tidak dikenal."),
            TemplateError::Unclosed { line } => write!(f, "Baris {line}: tanda {{{{ tanpa pasangan }}}}."),
            TemplateError::Empty { line } => write!(f, "Baris {line}: isian {{{{}}}} tanpa nama."),
            TemplateError::TooLong => write!(f, "Isi surat paling panjang {MAX_LEN} huruf."),
        }
    }
}

/// Longest body accepted (a letter is one or two pages).
pub const MAX_LEN: usize = 10_000;

impl Template {
    /// Parses `text`; every slot must be a name `known` accepts.
    ///
    /// # Errors
    /// The first unknown slot, an unclosed `{{`, an empty `{{}}`, or a body over [`MAX_LEN`].
    pub fn parse(text: &str, known: impl Fn(&str) -> bool) -> Result<Self, TemplateError> {
        if text.chars().count() > MAX_LEN {
            return Err(TemplateError::TooLong);
        }
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut line = 1;
        while let Some(start) = rest.find("{{") {
            let (before, after) = rest.split_at(start);
            line += before.matches('\n').count();
            if !before.is_empty() {
                pieces.push(Piece::Text(before.to_string()));
            }
            let after = &after[2..];
            let Some(end) = after.find("}}") else { return Err(TemplateError::Unclosed { line }) };
            let raw = &after[..end];
            if raw.contains('\n') || raw.contains("{{") {
                return Err(TemplateError::Unclosed { line });
            }
            let name = raw.trim();
            if name.is_empty() {
                return Err(TemplateError::Empty { line });
            }
            let name = name.to_lowercase();
            if !known(&name) {
                return Err(TemplateError::Unknown(name));
            }
            pieces.push(Piece::Slot(name));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(Self { pieces })
    }

    /// The slot names used, each once, in order of first use.
    pub fn slots(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.pieces {
            if let Piece::Slot(name) = p
                && !out.contains(&name.as_str())
            {
                out.push(name);
            }
        }
        out
    }

    /// The text with every slot filled; a slot without a value becomes `…` so a missing value
    /// shows in the preview instead of vanishing.
    pub fn fill(&self, values: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Slot(name) => match values.get(name).filter(|v| !v.trim().is_empty()) {
                    Some(v) => out.push_str(v.trim()),
                    None => out.push('…'),
                },
            }
        }
        out
    }
}

/// A filled body, laid out as paragraphs and data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    /// `(label, value)` rows of a data block.
    Rows(Vec<(String, String)>),
}

/// Splits a filled body into blocks: blank lines end a paragraph; `Label | value` lines make rows.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !para.is_empty() {
            out.push(Block::Paragraph(para.join(" ")));
            para.clear();
        }
    };
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut para, &mut out);
            continue;
        }
        if let Some((label, value)) = line.split_once('|') {
            flush(&mut para, &mut out);
            let row = (label.trim().to_string(), value.trim().to_string());
            match out.last_mut() {
                Some(Block::Rows(rows)) => rows.push(row),
                _ => out.push(Block::Rows(vec![row])),
            }
            continue;
        }
        para.push(line);
    }
    flush(&mut para, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        ["nama", "nik", "keperluan"].contains(&name)
    }

    #[test]
    fn slots_are_checked_and_filled() {
        let t =
            Template::parse("Yang bertanda tangan…\n\nNama | {{ Nama }}\nNIK | {{nik}}\n\nUntuk {{keperluan}}.", known)
                .unwrap();
        assert_eq!(t.slots(), ["nama", "nik", "keperluan"]);
        let values: BTreeMap<String, String> =
            [("nama".to_string(), "Siti Aminah".to_string()), ("nik".into(), "3604…".into())].into();
        let text = t.fill(&values);
        assert!(text.contains("Nama | Siti Aminah"));
        assert!(text.ends_with("Untuk ….")); // missing value shows
    }

    #[test]
    fn unknown_and_broken_slots_are_refused_by_name() {
        assert_eq!(Template::parse("{{nama}} {{nama_ayahx}}", known), Err(TemplateError::Unknown("nama_ayahx".into())));
        assert_eq!(
            Template::parse("{{nama_ayahx}}", known).unwrap_err().to_string(),
            "Isian {{nama_ayahx}} tidak dikenal."
        );
        assert_eq!(Template::parse("a\nb {{nama", known), Err(TemplateError::Unclosed { line: 2 }));
        assert_eq!(Template::parse("a {{ }} b", known), Err(TemplateError::Empty { line: 1 }));
        assert_eq!(Template::parse("{{nama\n}}", known), Err(TemplateError::Unclosed { line: 1 }));
        assert_eq!(Template::parse(&"x".repeat(MAX_LEN + 1), known), Err(TemplateError::TooLong));
        assert!(Template::parse("no slots at all", known).is_ok());
    }

    #[test]
    fn bodies_split_into_paragraphs_and_rows() {
        let b = blocks("Menerangkan bahwa:\n\nNama | Siti\nNIK | 3604\n\nadalah warga\nkami.\n");
        assert_eq!(
            b,
            [
                Block::Paragraph("Menerangkan bahwa:".into()),
                Block::Rows(vec![("Nama".into(), "Siti".into()), ("NIK".into(), "3604".into())]),
                Block::Paragraph("adalah warga kami.".into()),
            ]
        );
    }
}
