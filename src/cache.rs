//! A short-lived cache of public answers (server only): the portal's pages, map layers and the
//! partner API's public data, as an anonymous visitor gets them.
//!
//! Rendering a village page takes several queries and the page's HTML; a province's visitors ask
//! for the same few pages of the same villages over and over. An answer is kept when the request
//! carried no credentials (no session cookie, no `Authorization`), was a `GET` of a public
//! address, and came back `200` without a cookie or a `private`/`no-store` cache rule — so
//! nothing personal can be kept, whatever a page does. The pages layer sits outside the
//! compression layer: an answer is kept as sent (gzip or plain, by `Accept-Encoding`), so a
//! hit costs neither a render nor a compression.
//!
//! Freshness: every request that may change something (any method but GET/HEAD/OPTIONS, apart
//! from the server functions the slices declare as reads, `slices.rs`) makes this server forget answers when it ends,
//! so a change made here shows at once. A province has writes every second, so a write forgets
//! only what it can have changed: an answer is filed under its village when its handlers looked
//! up exactly one village ([`touched`], called by `village::service::scope`), and a write that
//! looked up exactly one village forgets that village's answers and every answer filed under no
//! village (the deployment's pages); any other write forgets everything. A change made through
//! another app server on the same database, or one that reaches into another village, shows
//! within the time-to-live (`DIGDAYA_PAGE_CACHE_SECONDS`, default 30; 0 turns the cache off).
//! The cache holds at most `DIGDAYA_PAGE_CACHE_MB` (default 64) of bodies.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::Touched;

/// An answer larger than this is served but not kept (a large village's map layer may be).
const MAX_BODY: usize = 1024 * 1024;

/// Host names remembered at most (a flood of made-up names empties the list, nothing worse).
const MAX_HOSTS: usize = 10_000;

/// Villages changed since the last full forgetting that are remembered at most (then all is forgotten).
const MAX_VILLAGES: usize = 100_000;

/// The header that says whether an answer came from the cache (`hit`) or was made (`miss`).
pub const HEADER: &str = "x-digdaya-cache";

/// Path segments of pages that are never kept, whoever asks: sign-in, officials' and residents'
/// own pages.
const PRIVATE_SEGMENTS: &[&str] = &["admin", "akun", "masuk", "kelola", "wilayah", "api", "surat", "healthz"];

#[derive(Clone)]
pub struct PageCache(Arc<Inner>);

struct Inner {
    ttl: Duration,
    max_bytes: usize,
    /// Moves on every change (under the store's lock); an answer made while it moved is not
    /// kept unless it is filed under a village that did not change.
    generation: AtomicU64,
    store: Mutex<Store>,
    /// Host name → the slug of the village bound to it (or none), looked up on every request
    /// that names a host; kept like answers, at most [`MAX_HOSTS`] (a client picks the name).
    hosts: Mutex<HashMap<String, (Instant, Option<String>)>>,
    /// The addresses of server functions that only read (the slices declare them): a POST to
    /// one leaves the kept answers alone; any other POST forgets (an unlisted read costs only
    /// a refill).
    reads: std::sync::OnceLock<std::collections::HashSet<&'static str>>,
}

#[derive(Default)]
struct Store {
    entries: HashMap<String, Arc<Entry>>,
    bytes: usize,
    /// The generation of the last change that forgot everything…
    all_at: u64,
    /// …and of the last change of each village since then.
    village_at: HashMap<String, u64>,
}

struct Entry {
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
    /// The village the answer is of; `None`: of the deployment, or of several villages.
    village: Option<String>,
}

/// The village of the addresses whose handlers serve one village by its slug in the path (the
/// map's public layers and the partner API's village data, plain HTTP handlers that do not run
/// in a page's context).
fn village_in_path(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["api", "map", slug, "lapisan", ..] | ["api", "v1", "villages", slug, _, ..] => Some((*slug).to_string()),
        _ => None,
    }
}

impl PageCache {
    pub fn new(ttl: Duration, max_bytes: usize) -> Self {
        PageCache(Arc::new(Inner {
            ttl,
            max_bytes,
            generation: AtomicU64::new(0),
            store: Mutex::new(Store::default()),
            hosts: Mutex::new(HashMap::new()),
            reads: std::sync::OnceLock::new(),
        }))
    }

    /// No cache: every answer is made (the integration tests, which change data behind the app's back).
    pub fn off() -> Self {
        Self::new(Duration::ZERO, 0)
    }

    /// As the deployment's settings say (`DIGDAYA_PAGE_CACHE_SECONDS`, `DIGDAYA_PAGE_CACHE_MB`).
    pub fn of(config: &crate::config::Config) -> Self {
        Self::new(config.page_cache_ttl, config.page_cache_bytes)
    }

    /// Names the server functions that only read (the assembly does, once, from the slices).
    pub fn reads(&self, reads: impl IntoIterator<Item = &'static str>) {
        let _ = self.0.reads.set(reads.into_iter().collect());
    }

    fn enabled(&self) -> bool {
        !self.0.ttl.is_zero() && self.0.max_bytes > 0
    }

    /// Forgets every kept answer (something changed).
    pub fn clear(&self) {
        let mut store = self.0.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        store.all_at = self.0.generation.fetch_add(1, Ordering::SeqCst) + 1;
        store.village_at.clear();
        store.entries.clear();
        store.bytes = 0;
        drop(store);
        self.0.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    /// Forgets the answers of the village `slug` and those of no one village (something of
    /// that village changed).
    pub fn forget_village(&self, slug: &str) {
        let mut store = self.0.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if store.village_at.len() >= MAX_VILLAGES && !store.village_at.contains_key(slug) {
            drop(store);
            return self.clear();
        }
        let generation = self.0.generation.fetch_add(1, Ordering::SeqCst) + 1;
        store.village_at.insert(slug.to_string(), generation);
        store.entries.retain(|_, e| e.village.as_deref().is_some_and(|v| v != slug));
        store.bytes = store.entries.iter().map(|(k, e)| k.len() + e.body.len()).sum();
        drop(store);
        self.0.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    /// The village bound to `host`, as `load` finds it, remembered for the time-to-live (a
    /// binding changed through this server shows at once, like a page).
    ///
    /// # Errors
    /// What `load` returns (a failure is not kept).
    pub async fn host<F, Fut, E>(&self, host: &str, load: F) -> Result<Option<String>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<String>, E>>,
    {
        if !self.enabled() {
            return load().await;
        }
        let now = Instant::now();
        {
            let hosts = self.0.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((at, slug)) = hosts.get(host)
                && now.duration_since(*at) < self.0.ttl
            {
                return Ok(slug.clone());
            }
        }
        let generation = self.0.generation.load(Ordering::SeqCst);
        let slug = load().await?;
        let mut hosts = self.0.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // As for answers: a binding read before a change is not kept after it.
        if self.0.generation.load(Ordering::SeqCst) == generation {
            if hosts.len() >= MAX_HOSTS {
                hosts.clear();
            }
            hosts.insert(host.to_string(), (now, slug.clone()));
        }
        Ok(slug)
    }

    fn get(&self, key: &str, now: Instant) -> Option<Arc<Entry>> {
        let store = self.0.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        store.entries.get(key).filter(|e| now.duration_since(e.at) < self.0.ttl).cloned()
    }

    fn put(&self, key: String, entry: Entry, generation: u64) {
        let size = entry.body.len() + key.len();
        if size > self.0.max_bytes {
            return;
        }
        let mut store = self.0.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Checked under the lock that changes take: nothing made before a change that may have
        // touched it is kept after it.
        let changed = match &entry.village {
            None => self.0.generation.load(Ordering::SeqCst) != generation,
            Some(v) => store.all_at > generation || store.village_at.get(v).is_some_and(|at| *at > generation),
        };
        if changed {
            return;
        }
        if store.bytes + size > self.0.max_bytes {
            // Full: drop what has expired, and if that is not enough, everything.
            let (now, ttl) = (entry.at, self.0.ttl);
            store.entries.retain(|_, e| now.duration_since(e.at) < ttl);
            store.bytes = store.entries.iter().map(|(k, e)| k.len() + e.body.len()).sum();
            if store.bytes + size > self.0.max_bytes {
                store.entries.clear();
                store.bytes = 0;
            }
        }
        if let Some(old) = store.entries.insert(key.clone(), Arc::new(entry)) {
            store.bytes -= old.body.len() + key.len();
        }
        store.bytes += size;
    }
}

/// Which kind of addresses a layer of this cache serves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Pages and the map's public layers (`/api/map/{slug}/lapisan/…`).
    Pages,
    /// Inside `/api/v1/`, under the rate limit: every anonymous `200` there is public data.
    Api,
}

/// The cache for the app's pages (the outer router).
pub async fn pages(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    through(&cache, Kind::Pages, req, next).await
}

/// The cache for the partner API's public reads (inside its rate limit).
pub async fn api(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    through(&cache, Kind::Api, req, next).await
}

async fn through(cache: &PageCache, kind: Kind, mut req: Request, next: Next) -> Response {
    if !cache.enabled() {
        return next.run(req).await;
    }
    let path = req.extensions().get::<OriginalUri>().map_or_else(|| req.uri().clone(), |u| u.0.clone());
    let touched = Touched::default();
    req.extensions_mut().insert(touched.clone());
    // Writes are seen by the outer (pages) layer, which wraps the API's routes too.
    if kind == Kind::Pages && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let changes = !cache.0.reads.get().is_some_and(|reads| reads.contains(path.path()));
        let res = next.run(req).await;
        // Only a write that was done changes anything: a refused or broken POST (a flood of them)
        // leaves the kept answers alone.
        if changes && (res.status().is_success() || res.status().is_redirection()) {
            match touched.single() {
                Some(slug) => cache.forget_village(&slug),
                None => cache.clear(),
            }
        }
        return res;
    }
    if req.method() != Method::GET || !anonymous(req.headers()) || !public(kind, path.path()) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    // Everything the answer may depend on: the host (its village binding), the scheme, what the
    // client accepts and, for the pages layer, how it takes the body compressed.
    let key = format!(
        "{}|{}|{}|{}|{}",
        text(header::HOST),
        req.extensions().get::<crate::net::Peer>().is_some_and(|p| p.https),
        text(header::ACCEPT),
        text(header::ACCEPT_ENCODING),
        path
    );
    let now = Instant::now();
    if let Some(entry) = cache.get(&key, now) {
        let mut res = Response::new(Body::from(entry.body.clone()));
        *res.headers_mut() = entry.headers.clone();
        res.headers_mut().insert(HEADER, HeaderValue::from_static("hit"));
        return res;
    }
    let generation = cache.0.generation.load(Ordering::SeqCst);
    let res = next.run(req).await;
    if !keepable(&res) {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Read whole (the handlers made it in memory anyway); only a body that broke off fails here.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::builder().status(StatusCode::INTERNAL_SERVER_ERROR).body(Body::empty()).unwrap_or_default();
    };
    // A kept page is served to many: its scripts are allowed by their hashes, not by the nonce
    // of the visit that made it (which every later visitor could read).
    let kept_headers = match parts.headers.get(header::CONTENT_SECURITY_POLICY) {
        Some(policy) => policy.to_str().ok().and_then(|p| hashed_policy(p, &parts.headers, &bytes)).map(|p| {
            let mut h = parts.headers.clone();
            h.insert(header::CONTENT_SECURITY_POLICY, p);
            h
        }),
        None => Some(parts.headers.clone()),
    };
    if let Some(headers) = kept_headers
        && bytes.len() <= MAX_BODY
    {
        let village = touched.single().or_else(|| village_in_path(path.path()));
        cache.put(key, Entry { at: now, headers, body: bytes.clone(), village }, generation);
    }
    let mut res = Response::from_parts(parts, Body::from(bytes));
    res.headers_mut().insert(HEADER, HeaderValue::from_static("miss"));
    res
}

/// `policy` with its `'nonce-…'` source replaced by the SHA-256 of each inline script of the
/// page (`body`, gzip or plain as `headers` say); `None` when the page cannot be read.
fn hashed_policy(policy: &str, headers: &HeaderMap, body: &[u8]) -> Option<HeaderValue> {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let gzip = headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()) == Some("gzip");
    let plain = if gzip {
        let mut out = Vec::new();
        let mut decoder = std::io::Read::take(flate2::read::GzDecoder::new(body), 8 * MAX_BODY as u64);
        std::io::Read::read_to_end(&mut decoder, &mut out).ok()?;
        out
    } else {
        body.to_vec()
    };
    let html = std::str::from_utf8(&plain).ok()?;
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let tag_end = start + rest[start..].find('>')?;
        let close = tag_end + rest[tag_end..].find("</script>")?;
        if !rest[start..tag_end].contains(" src=") {
            let digest = Sha256::digest(rest[tag_end + 1..close].as_bytes());
            hashes.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &rest[close..];
    }
    let nonce_start = policy.find("'nonce-")?;
    let nonce_end = nonce_start + 1 + policy[nonce_start + 1..].find('\'')? + 1;
    HeaderValue::from_str(&format!("{}{}{}", &policy[..nonce_start], hashes.join(" "), &policy[nonce_end..])).ok()
}

/// No credentials of any kind: the answer cannot depend on who asks.
fn anonymous(headers: &HeaderMap) -> bool {
    let session = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok())
        .any(|c| crate::access::session::token_from_cookies(c).is_some());
    !session && !headers.contains_key(header::AUTHORIZATION)
}

fn public(kind: Kind, path: &str) -> bool {
    match kind {
        Kind::Api => path.starts_with("/api/v1/villages"),
        Kind::Pages => {
            let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
            match segments.as_slice() {
                ["api", "map", _, "lapisan", _] => true,
                _ => !segments.iter().any(|s| PRIVATE_SEGMENTS.contains(s)) && !path.contains('.'),
            }
        }
    }
}

/// A `200` that sets no cookie and allows shared caching.
fn keepable(res: &Response) -> bool {
    let h = res.headers();
    let private = h
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("private") || v.contains("no-store"));
    res.status() == StatusCode::OK && !h.contains_key(header::SET_COOKIE) && !private
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_pages_allow_their_scripts_by_hash_not_by_nonce() {
        let policy = "default-src 'self'; script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'; object-src 'none'";
        let html = b"<html><script src=\"/pwa.js\" nonce=\"abc123\"></script><script type=\"module\" nonce=\"abc123\">import('/x.js')</script></html>";
        let value = hashed_policy(policy, &HeaderMap::new(), html).unwrap();
        let text = value.to_str().unwrap();
        assert!(!text.contains("nonce"), "{text}");
        assert!(text.contains("script-src 'self' 'sha256-") && text.contains("' 'wasm-unsafe-eval'"), "{text}");
        assert_eq!(text.matches("'sha256-").count(), 1, "only the inline script: {text}");
        let mut gz = Vec::new();
        {
            let mut e = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
            std::io::Write::write_all(&mut e, html).unwrap();
        }
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        assert_eq!(hashed_policy(policy, &headers, &gz).unwrap(), value, "a gzip body reads the same");
    }

    #[test]
    fn health_is_never_kept() {
        assert!(!public(Kind::Pages, "/healthz"));
    }

    #[test]
    fn only_public_addresses_are_kept() {
        for path in
            ["/", "/kramatwatu", "/kramatwatu/statistik", "/kramatwatu/pasar", "/pasar", "/kramatwatu/berita/a-b"]
        {
            assert!(public(Kind::Pages, path), "{path}");
        }
        assert!(public(Kind::Pages, "/api/map/kramatwatu/lapisan/wilayah"));
        for path in [
            "/kramatwatu/admin",
            "/kramatwatu/admin/penduduk",
            "/kramatwatu/akun",
            "/kramatwatu/masuk",
            "/kelola",
            "/wilayah",
            "/api/portal/home",
            "/api/letters/kramatwatu/1/pdf",
            "/kramatwatu/surat/cek/abc",
            "/kramatwatu/manifest.webmanifest",
            "/sw.js",
        ] {
            assert!(!public(Kind::Pages, path), "{path}");
        }
        assert!(public(Kind::Api, "/api/v1/villages/kramatwatu/statistics"));
        assert!(!public(Kind::Api, "/api/v1/openapi.json"));
    }

    #[test]
    fn credentials_of_any_kind_skip_the_cache() {
        let mut h = HeaderMap::new();
        assert!(anonymous(&h));
        h.insert(header::COOKIE, HeaderValue::from_static("theme=dark"));
        assert!(anonymous(&h));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; digdaya_session=0123456789abcdef0123456789abcdef"),
        );
        assert!(!anonymous(&h));
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer dgd_x"));
        assert!(!anonymous(&h));
    }

    fn entry(body: &'static str) -> Entry {
        of(None, body)
    }

    fn of(village: Option<&str>, body: &'static str) -> Entry {
        Entry {
            at: Instant::now(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
            village: village.map(str::to_string),
        }
    }

    #[test]
    fn a_change_in_one_village_forgets_that_village_and_the_deployment_pages_only() {
        let cache = PageCache::new(Duration::from_secs(30), 1 << 20);
        let g = cache.0.generation.load(Ordering::SeqCst);
        cache.put("a".into(), of(Some("a"), "a"), g);
        cache.put("b".into(), of(Some("b"), "b"), g);
        cache.put("home".into(), of(None, "the villages"), g);
        cache.forget_village("a");
        let kept = |key: &str| cache.get(key, Instant::now()).is_some();
        assert!(!kept("a") && !kept("home"), "the village's pages and the deployment's go");
        assert!(kept("b"), "another village's page stays");
        // Made while "a" changed: kept for "b", not for "a" nor for the deployment.
        cache.put("b2".into(), of(Some("b"), "b"), g);
        cache.put("a2".into(), of(Some("a"), "a"), g);
        cache.put("home".into(), of(None, "the villages"), g);
        assert!(kept("b2") && !kept("a2") && !kept("home"));
        // Made after it: kept.
        let now = cache.0.generation.load(Ordering::SeqCst);
        cache.put("a3".into(), of(Some("a"), "a"), now);
        assert!(kept("a3"));
        // A change of everything forgets every village, and what was made before it.
        cache.clear();
        cache.put("b3".into(), of(Some("b"), "b"), now);
        assert!(!kept("b") && !kept("b2") && !kept("a3") && !kept("b3"));
    }

    #[test]
    fn answers_are_filed_under_the_village_in_their_path() {
        assert_eq!(village_in_path("/api/map/kramatwatu/lapisan/wilayah").as_deref(), Some("kramatwatu"));
        assert_eq!(village_in_path("/api/v1/villages/kramatwatu/statistics").as_deref(), Some("kramatwatu"));
        assert_eq!(village_in_path("/api/v1/villages"), None);
        assert_eq!(village_in_path("/kramatwatu/statistik"), None, "pages say their village themselves");
    }

    #[test]
    fn a_change_forgets_and_what_was_made_before_it_is_not_kept() {
        let cache = PageCache::new(Duration::from_secs(30), 1 << 20);
        let g = cache.0.generation.load(Ordering::SeqCst);
        cache.put("a".into(), entry("one"), g);
        assert!(cache.get("a", Instant::now()).is_some());
        cache.clear();
        assert!(cache.get("a", Instant::now()).is_none());
        // Made before the change, finished after it: not kept.
        cache.put("a".into(), entry("stale"), g);
        assert!(cache.get("a", Instant::now()).is_none());
    }

    #[tokio::test]
    async fn host_bindings_are_remembered_until_a_change() {
        use std::sync::atomic::AtomicUsize;
        let cache = PageCache::new(Duration::from_secs(30), 1 << 20);
        let loads = AtomicUsize::new(0);
        let load = || async {
            loads.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(Some("kramatwatu".to_string()))
        };
        assert_eq!(cache.host("desa.example", load).await, Ok(Some("kramatwatu".into())));
        assert_eq!(cache.host("desa.example", load).await, Ok(Some("kramatwatu".into())));
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        cache.clear();
        cache.host("desa.example", load).await.unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 2, "a change forgets the binding");
        assert_eq!(cache.host("x.example", || async { Err(()) }).await, Err(()));
        cache.host("x.example", load).await.unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 3, "a failure is not kept");
        let off = PageCache::off();
        off.host("desa.example", load).await.unwrap();
        off.host("desa.example", load).await.unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 5, "no cache, no memory");
    }

    #[test]
    fn answers_expire_and_the_size_stays_bounded() {
        let cache = PageCache::new(Duration::from_millis(50), 16);
        cache.put("a".into(), entry("0123456789"), 0);
        assert!(cache.get("a", Instant::now()).is_some());
        assert!(cache.get("a", Instant::now() + Duration::from_millis(60)).is_none());
        // Two would pass 16 bytes: the older goes.
        cache.put("b".into(), entry("0123456789"), 0);
        assert!(cache.get("a", Instant::now()).is_none());
        assert!(cache.get("b", Instant::now()).is_some());
        assert!(cache.0.store.lock().unwrap().bytes <= 16);
        // Larger than the whole cache: never kept.
        cache.put("c".into(), entry("0123456789abcdefghij"), 0);
        assert!(cache.get("c", Instant::now()).is_none());
    }
}
