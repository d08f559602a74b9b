//! Where the village scope of a page comes from.
//!
//! A deployment serves villages under `/{slug}/…`. A village may also be bound to its own host
//! name (`sukamaju.desa.id`), which then serves only that village, at `/`. The server decides the
//! mode from the `Host` header (`server::resolve_site_mode`) and the page carries it to the browser
//! in `<meta name="digdaya-village">`, so both sides build the same routes.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteMode {
    /// Many villages, each under `/{slug}`.
    Deployment,
    /// This host serves one village, at `/`.
    Bound { slug: String },
}

pub const META_NAME: &str = "digdaya-village";

/// A plain HTTP handler's site mode: what `server::resolve_site_mode` found for the request's
/// host (path-based villages when it found nothing).
#[cfg(feature = "ssr")]
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SiteMode {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<SiteMode>().cloned().unwrap_or(SiteMode::Deployment))
    }
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    static REQUEST_MODE: SiteMode;
}

impl SiteMode {
    /// The mode of the current request (server) or page (browser).
    pub fn detect() -> Self {
        if let Some(mode) = use_context::<SiteMode>() {
            return mode;
        }
        #[cfg(feature = "ssr")]
        {
            Self::of_request()
        }
        #[cfg(not(feature = "ssr"))]
        {
            let slug = document()
                .query_selector(&format!("meta[name={META_NAME}]"))
                .ok()
                .flatten()
                .and_then(|el| el.get_attribute("content"));
            match slug {
                Some(slug) => SiteMode::Bound { slug },
                None => SiteMode::Deployment,
            }
        }
    }

    /// The mode the server decided for the current request: from the request's parts (pages,
    /// server functions), or for plain HTTP handlers from the request's task
    /// ([`SiteMode::within`]), so a host bound to one village serves that village only, on
    /// every route.
    #[cfg(feature = "ssr")]
    pub fn of_request() -> Self {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<SiteMode>().cloned())
            .or_else(|| REQUEST_MODE.try_with(Clone::clone).ok())
            .unwrap_or(SiteMode::Deployment)
    }

    /// Runs `work` (a request's handling) with this mode as the request's.
    #[cfg(feature = "ssr")]
    pub async fn within<F: std::future::Future>(self, work: F) -> F::Output {
        REQUEST_MODE.scope(self, work).await
    }

    /// The URL path of `path` (`""`, `"/profil"`…) inside the village `slug`, in this mode.
    pub fn path(&self, slug: &str, path: &str) -> String {
        match self {
            SiteMode::Bound { .. } if path.is_empty() => "/".to_string(),
            SiteMode::Bound { .. } => path.to_string(),
            SiteMode::Deployment => format!("/{slug}{path}"),
        }
    }

    pub fn bound_slug(&self) -> Option<&str> {
        match self {
            SiteMode::Bound { slug } => Some(slug),
            SiteMode::Deployment => None,
        }
    }
}

/// The slug of the village the current page is about.
pub fn use_village_slug() -> Signal<String> {
    match use_context::<SiteMode>().unwrap_or(SiteMode::Deployment) {
        SiteMode::Bound { slug } => Signal::stored(slug),
        SiteMode::Deployment => {
            let params = use_params_map();
            Signal::derive(move || params.read().get("slug").unwrap_or_default())
        }
    }
}

/// A link to `path` (`""`, `"/profil"`…) inside the village `slug`, for the current mode.
pub fn village_href(slug: &str, path: &str) -> String {
    use_context::<SiteMode>().unwrap_or(SiteMode::Deployment).path(slug, path)
}

/// The deployment's public address (`https://desa.example`), for absolute links (canonical
/// addresses, OpenGraph images, sitemaps): `DIGDAYA_PUBLIC_URL` when set, else the host the
/// request came to (`X-Forwarded-Proto: https` from a proxy makes it `https`).
#[cfg(feature = "ssr")]
pub fn public_root(headers: &http::HeaderMap) -> String {
    if let Some(url) = &crate::config::current().public_url {
        return url.clone();
    }
    let https =
        headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let host = headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("{}://{host}", if https { "https" } else { "http" })
}

#[cfg(feature = "ssr")]
/// The deployment's public address for QR codes: `DIGDAYA_PUBLIC_URL` when set, else the
/// village's own host (over HTTPS), else the address the server listens on. Never the `Host`
/// of the request that signs: a letter's QR must not point wherever that request said.
pub fn public_base(village: &crate::db::entities::village::Model) -> String {
    let config = crate::config::current();
    if let Some(url) = &config.public_url {
        return url.clone();
    }
    if let Some(host) = &village.host {
        return format!("https://{host}");
    }
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        tracing::warn!("DIGDAYA_PUBLIC_URL is not set: letters' QR codes point to the address the server listens on");
    });
    format!("http://{}", config.addr)
}

/// `path` (from the site's root) as an absolute address.
pub fn absolute(path: &str) -> String {
    #[cfg(feature = "ssr")]
    let root = use_context::<http::request::Parts>().map(|p| public_root(&p.headers)).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let root = window().location().origin().unwrap_or_default();
    format!("{root}{path}")
}

/// The routes of a deployment's own (not a village's) pages: `/kelola`, `/peta`, `/pasar`
/// (see `app::AppRoutes`).
const DEPLOYMENT_PAGES: &[&str] = &["kelola", "peta", "pasar"];

impl SiteMode {
    /// The part of a URL path inside its village (`""`, `"/profil"`…), or `None` for a path
    /// that is not a village's (the deployment's list and own pages).
    pub fn village_path<'a>(&self, path: &'a str) -> Option<&'a str> {
        let path = path.trim_end_matches('/');
        match self {
            SiteMode::Bound { .. } => Some(path),
            SiteMode::Deployment => {
                let rest = path.strip_prefix('/')?;
                let (slug, inner) = rest.split_once('/').map_or((rest, ""), |(s, _)| (s, &rest[s.len()..]));
                (!slug.is_empty() && !DEPLOYMENT_PAGES.contains(&slug)).then_some(inner)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SiteMode;

    #[test]
    fn paths_inside_a_village() {
        let d = SiteMode::Deployment;
        assert_eq!(d.village_path("/kramatwatu"), Some(""));
        assert_eq!(d.village_path("/kramatwatu/"), Some(""));
        assert_eq!(d.village_path("/kramatwatu/profil"), Some("/profil"));
        assert_eq!(d.village_path("/kramatwatu/berita/x"), Some("/berita/x"));
        assert_eq!(d.village_path("/"), None);
        assert_eq!(d.village_path("/peta"), None);
        assert_eq!(d.village_path("/pasar"), None);
        let b = SiteMode::Bound { slug: "kramatwatu".into() };
        assert_eq!(b.village_path("/"), Some(""));
        assert_eq!(b.village_path("/apbdes"), Some("/apbdes"));
    }
}
