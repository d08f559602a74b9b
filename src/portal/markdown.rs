//! Articles' Markdown to HTML that is safe to put in a public page (server only).
//!
//! Deny by default: HTML written into the Markdown is never passed through (it is shown as
//! text), so no `<script>`, no event handler and no `style` can come from an article. Links
//! and images keep their address only when it is a web address (`http`, `https`), `mailto:`,
//! `tel:` or a path on this site; anything else (`javascript:`, `data:`, `vbscript:`, …) loses
//! its link and keeps its text. Every text and attribute is escaped by the HTML writer.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// Whether a link or image address may appear in a page: decided on the address as a browser
/// would read it (control characters and spaces removed, case ignored).
fn safe_url(url: &str) -> bool {
    let cleaned: String = url.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    let lower = cleaned.to_ascii_lowercase();
    match lower.split_once(':') {
        // A scheme before any `/`, `?` or `#`: only these.
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        // No scheme: a path on this site or a fragment, but not `//other.site` (which would
        // keep the page's scheme and leave the site) nor a backslash variant of it.
        _ => !(lower.starts_with("//") || lower.starts_with("\\") || lower.starts_with("/\\")),
    }
}

/// `markdown` as safe HTML (paragraphs, headings, emphasis, lists, quotes, code, tables, links
/// and images with safe addresses).
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // Links and images whose address is not safe are dropped, with their text kept; the depth
    // of dropped links is tracked so that their closing tags are dropped too.
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        // Titles are left out: an attribute less to get wrong.
        Event::Start(Tag::Link { link_type, dest_url, id, .. }) => {
            let keep = safe_url(&dest_url);
            dropped.push(!keep);
            keep.then_some(Event::Start(Tag::Link { link_type, dest_url, title: "".into(), id }))
        }
        Event::End(TagEnd::Link) => (!dropped.pop().unwrap_or(false)).then_some(Event::End(TagEnd::Link)),
        Event::Start(Tag::Image { link_type, dest_url, id, .. }) => {
            let keep = safe_url(&dest_url);
            dropped.push(!keep);
            keep.then_some(Event::Start(Tag::Image { link_type, dest_url, title: "".into(), id }))
        }
        Event::End(TagEnd::Image) => (!dropped.pop().unwrap_or(false)).then_some(Event::End(TagEnd::Image)),
        // Footnotes, math and metadata are not enabled; everything else is plain structure.
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// The first `max` characters of the article's text (no markup), for descriptions and lists.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => text.push(' '),
            _ => {}
        }
        if text.chars().count() > max * 2 {
            break;
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known ways to smuggle a script through Markdown and HTML (after the OWASP XSS filter
    /// evasion list and the Markdown-specific ones).
    const PAYLOADS: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<svg onload=alert(1)>",
        "<body onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\">klik</a>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<details open ontoggle=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](javascript&#58;alert(1))",
        "[klik](java\tscript:alert(1))",
        "[klik](  javascript:alert(1))",
        "[klik](<javascript:alert(1)>)",
        "[klik](vbscript:msgbox(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![gambar](javascript:alert(1))",
        "![gambar](data:image/svg+xml,<svg onload=alert(1)>)",
        "[klik][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[a](https://ok.example \"\\\" onmouseover=alert(1) x=\\\"\")",
        "[a](https://ok.example/\"onmouseover=\"alert(1))",
        "`<script>alert(1)</script>`",
        "```\n<script>alert(1)</script>\n```",
        "<!-- <script>alert(1)</script> -->",
        "<style>body{display:none}</style>",
        "<object data=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><input type=submit>",
        "[klik](//evil.example/phish)",
        "[klik](/\\evil.example/phish)",
    ];

    fn is_safe(html: &str) -> Result<(), String> {
        let lower = html.to_ascii_lowercase();
        // No element can start: every `<` that is not one of the writer's own tags is escaped.
        let allowed = [
            "p",
            "/p",
            "a",
            "/a",
            "img",
            "em",
            "/em",
            "strong",
            "/strong",
            "code",
            "/code",
            "pre",
            "/pre",
            "h1",
            "/h1",
            "h2",
            "/h2",
            "h3",
            "/h3",
            "ul",
            "/ul",
            "ol",
            "/ol",
            "li",
            "/li",
            "blockquote",
            "/blockquote",
            "br",
            "hr",
            "del",
            "/del",
            "table",
            "/table",
            "thead",
            "/thead",
            "tbody",
            "/tbody",
            "tr",
            "/tr",
            "th",
            "/th",
            "td",
            "/td",
        ];
        for tag in lower.split('<').skip(1) {
            let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/').collect();
            if !allowed.contains(&name.as_str()) {
                return Err(format!("element <{name}> in {html}"));
            }
            let head = tag.split('>').next().unwrap_or_default();
            // Attributes: only the writer's href/src/alt/title, quoted, on a tag.
            for bad in [" on", "style=", "javascript:", "vbscript:", "data:", "href=\"//", "href=\"/\\"] {
                if head.contains(bad) {
                    return Err(format!("{bad:?} in <{head}> of {html}"));
                }
            }
        }
        Ok(())
    }

    #[test]
    fn no_script_no_handler_no_dangerous_link() {
        for payload in PAYLOADS {
            let html = render(payload);
            if let Err(e) = is_safe(&html) {
                panic!("{payload:?}: {e}");
            }
        }
    }

    #[test]
    fn html_in_markdown_is_shown_as_text() {
        assert_eq!(render("<b>tebal</b>"), "<p>&lt;b&gt;tebal&lt;/b&gt;</p>\n");
        assert!(render("<script>alert(1)</script>").contains("&lt;script&gt;"));
    }

    #[test]
    fn unsafe_links_keep_their_text_only() {
        assert_eq!(render("[klik di sini](javascript:alert(1))"), "<p>klik di sini</p>\n");
        assert_eq!(render("![foto](javascript:alert(1))"), "<p>foto</p>\n");
        // Nested: a safe link inside nothing, after a dropped one, still closes properly.
        let html = render("[a](javascript:x) dan [b](https://desa.id)");
        assert_eq!(html, "<p>a dan <a href=\"https://desa.id\">b</a></p>\n");
    }

    #[test]
    fn ordinary_articles_render() {
        let html = render(
            "## Kerja bakti\n\nWarga **Dusun Kramat** diundang:\n\n- Sabtu, 07.00\n- bawa *cangkul*\n\n\
             [Foto](/kramatwatu/galeri) · [Dinas](https://serangkab.go.id) · [Surat](mailto:desa@example.id)\n\n\
             | Hari | Tempat |\n|---|---|\n| Sabtu | Balai desa |\n",
        );
        for part in [
            "<h2>Kerja bakti</h2>",
            "<strong>Dusun Kramat</strong>",
            "<li>bawa <em>cangkul</em></li>",
            "<a href=\"/kramatwatu/galeri\">Foto</a>",
            "<a href=\"https://serangkab.go.id\">Dinas</a>",
            "<a href=\"mailto:desa@example.id\">Surat</a>",
            "<td>Balai desa</td>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        assert!(is_safe(&html).is_ok());
    }

    #[test]
    fn excerpts_are_plain_text_cut_at_a_word() {
        let md = "# Judul\n\nWarga **desa** diundang ke <b>balai</b> untuk musyawarah rencana pembangunan.";
        assert_eq!(excerpt(md, 200), "Judul Warga desa diundang ke balai untuk musyawarah rencana pembangunan.");
        assert_eq!(excerpt(md, 30), "Judul Warga desa diundang ke…");
    }
}
