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

    /// The mode the server decided for the current request (server functions included).
    #[cfg(feature = "ssr")]
    pub fn of_request() -> Self {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<SiteMode>().cloned())
            .unwrap_or(SiteMode::Deployment)
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
