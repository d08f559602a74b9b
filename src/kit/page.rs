//! Where a keyset-paged list is and the links around it: what the address carries, the server
//! (`db::keyset`) reads and writes, and the pages show (`ui::PageNav`).

/// Where a keyset-paged list is (see `db::keyset`): the page number, only shown, and the row to
/// continue after or before, as the server's opaque cursor. In the address: `hal`, `setelah`,
/// `sebelum`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PageAt {
    pub page: u64,
    pub after: String,
    pub before: String,
}

impl PageAt {
    /// Read from the page's address.
    pub fn from_query(q: &leptos_router::params::ParamsMap) -> Self {
        Self::of(|name| q.get(name))
    }

    /// Read from address parameters as [`PageAt::query`] writes them.
    pub fn parse(query: &str) -> Self {
        Self::of(|name| {
            query
                .split('&')
                .find_map(|pair| pair.split_once('=').filter(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
        })
    }

    fn of(get: impl Fn(&str) -> Option<String>) -> Self {
        let cursor = |name: &str| {
            get(name)
                .filter(|c| c.len() <= 2048 && c.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or_default()
        };
        Self {
            page: get("hal").and_then(|p| p.parse().ok()).unwrap_or(1).max(1),
            after: cursor("setelah"),
            before: cursor("sebelum"),
        }
    }

    /// As address parameters (`hal=2&setelah=…`), empty for the first page.
    pub fn query(&self) -> String {
        let mut out = String::new();
        if self.page > 1 {
            out.push_str(&format!("hal={}", self.page));
        }
        for (name, value) in [("setelah", &self.after), ("sebelum", &self.before)] {
            if !value.is_empty() {
                if !out.is_empty() {
                    out.push('&');
                }
                out.push_str(&format!("{name}={value}"));
            }
        }
        out
    }
}

/// The links of a keyset-paged list around the page shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageLinks {
    pub page: u64,
    pub pages: u64,
    pub prev: Option<PageAt>,
    pub next: Option<PageAt>,
}
