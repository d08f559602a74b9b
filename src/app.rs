//! `<App/>`: the HTML shell, the router and the routes of both site modes.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use crate::site::{META_NAME, SiteMode};
use crate::ui::NotFound;
use crate::village::pages::VillageLayout;
use crate::{
    account::pages::{ChangePinRoute, MyAccess, MyAccount},
    audit::pages::AuditLog,
    auth::manage::{Officials, Pins},
    auth::pages::{Admin, ChangePasswordRoute, Sessions, SignInRoute, SuperadminSignIn},
    auth::villages::Manage,
    complaints::pages::{Complaints, ReportFormRoute},
    letters::admin::AdminLetters,
    letters::pages::{Letters, RequestFormRoute, Services},
    map::pages::{MapEditor, Overview, VillageMap},
    market::pages::{Market, MyShops, Seller},
    population::admin::{Books, Corrections, Import, RecordRoute, Registry, ResidentRoute, Stats},
    population::pages::Statistics,
    portal::admin::PortalAdmin,
    portal::directory::DirectoryRoute,
    portal::pages::News,
    portal::site::Site,
    regency::pages::Region,
};

/// The HTML document around the app (server only renders it; the browser hydrates `<body>`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let bound = SiteMode::detect().bound_slug().map(str::to_string);
    #[cfg(feature = "ssr")]
    content_security_policy();
    // Pages complete as HTML are sent without the WASM: nothing to download but the page.
    #[cfg(feature = "ssr")]
    // …and so is a form's page shown again after its plain post was refused: it has what was
    // typed in it, which the browser's render would not have.
    let hydrate = use_context::<http::request::Parts>()
        .is_none_or(|parts| !complete_as_html(parts.uri.path(), &SiteMode::detect()))
        && use_context::<crate::kit::form::Submitted>().is_none();
    #[cfg(not(feature = "ssr"))]
    let hydrate = true;
    // The build's files under their versioned address, and the app manifest of this page's village.
    #[cfg(feature = "ssr")]
    let (build, manifest) = (
        crate::pwa::build::id(&options.site_root, &options.site_pkg_dir).to_string(),
        manifest_href(
            use_context::<http::request::Parts>().as_ref().map_or("/", |p| p.uri.path()),
            &SiteMode::detect(),
        ),
    );
    #[cfg(not(feature = "ssr"))]
    let (build, manifest) = (String::new(), String::new());
    let css = format!("/v/{build}/{}/digdaya.css", options.site_pkg_dir);
    let root = format!("/v/{build}");
    if hydrate {
        provide_context(crate::ui::PkgPrefix(format!("{root}/{}", options.site_pkg_dir)));
    }
    view! {
        <!DOCTYPE html>
        <html lang="id">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content=crate::pwa::THEME/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href=manifest/>
                <link rel="apple-touch-icon" href="/ikon/192.png"/>
                <link rel="stylesheet" id="leptos" href=css/>
                {bound.map(|slug| view! { <meta name=META_NAME content=slug/> })}
                {hydrate.then(|| view! { <HydrationScripts options root/> })}
                <script src="/pwa.js" defer></script>
                <MetaTags/>
            </head>
            <body class=(!hydrate).then_some("static")>
                <App/>
            </body>
        </html>
    }
}

/// The manifest of the village a page belongs to (`/{slug}/manifest.webmanifest`), or the
/// host's own (a bound village's, or the deployment's for its own pages).
#[cfg(feature = "ssr")]
fn manifest_href(path: &str, mode: &SiteMode) -> String {
    match (mode, mode.village_path(path)) {
        (SiteMode::Deployment, Some(_)) => {
            let slug = path.trim_start_matches('/').split('/').next().unwrap_or_default();
            format!("/{slug}/manifest.webmanifest")
        }
        _ => "/manifest.webmanifest".to_string(),
    }
}

/// Pages complete as server-rendered HTML (a GET form, links), which need no WASM at all. The
/// services page, where residents come for a letter, is a list of links to the request forms:
/// sent as HTML alone, it is usable as soon as it arrives on a slow link (issue 29).
#[cfg(feature = "ssr")]
fn complete_as_html(path: &str, mode: &SiteMode) -> bool {
    crate::market::pages::Page::is_static(path)
        || crate::portal::pages::Page::is_static(path)
        || crate::portal::site::Page::is_static(path, mode)
        || matches!(mode.village_path(path), Some("/statistik" | "/layanan"))
        || (*mode == SiteMode::Deployment && path == "/")
}

/// The page's Content-Security-Policy: scripts only from this site or with this response's nonce
/// (the hydration script), WASM allowed to compile, no framing, no plugins, forms post here only.
/// Inline style attributes stay allowed: server-rendered bars and maps position with them.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    // The map's base tiles come from the deployment's tile server.
    let tiles = crate::config::current().tiles.origin().map(|o| format!(" {o}")).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:{tiles}; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let mode = SiteMode::detect();
    provide_context(mode.clone());

    view! {
        <Title formatter=|text: String| if text.is_empty() { "Digdaya".to_string() } else { format!("{text} · Digdaya") }/>
        <Router>
            <AppRoutes mode/>
        </Router>
    }
}

/// The routes with the pages of one village under `$path` (`/{slug}` in a deployment, `/` on a
/// bound host), after the routes given as `$before`.
macro_rules! routes_with_village {
    ($path:expr; $($before:tt)*) => {
        view! {
            <Routes fallback=|| view! { <NotFound/> }>
                $($before)*
                <ParentRoute path=$path view=VillageLayout ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<Site>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("profil") view={Lazy::<Site>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pengumuman") view={Lazy::<Site>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("agenda") view={Lazy::<Site>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("apbdes") view={Lazy::<Site>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("galeri") view={Lazy::<Site>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("galeri/:album") view={Lazy::<Site>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/galeri") view={Lazy::<PortalAdmin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/profil") view={Lazy::<PortalAdmin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pengumuman") view={Lazy::<PortalAdmin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/apbdes") view={Lazy::<PortalAdmin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("statistik") view={Lazy::<Statistics>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("berita") view={Lazy::<News>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("berita/:article") view={Lazy::<News>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/berita") view={Lazy::<News>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/berita/:id") view={Lazy::<News>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("layanan") view={Lazy::<Services>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("layanan/surat/:id") view={Lazy::<RequestFormRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("layanan/*rest") view={Lazy::<Letters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("surat/cek/*code") view={Lazy::<Letters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pengaduan") view={Lazy::<Complaints>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pengaduan/baru") view={Lazy::<ReportFormRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pengaduan/*rest") view={Lazy::<Complaints>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pasar") view={Lazy::<Market>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pasar/kelola") view={Lazy::<MyShops>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pasar/kelola/:id") view={Lazy::<Seller>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pasar/*rest") view={Lazy::<Market>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pasar") view={Lazy::<Market>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("peta") view={Lazy::<VillageMap>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("masuk") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin") view={Lazy::<Admin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/sesi") view={Lazy::<Sessions>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/kata-sandi") view={Lazy::<ChangePasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/perangkat") view={Lazy::<Officials>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pin") view={Lazy::<Pins>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/peta") view={Lazy::<MapEditor>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/audit") view={Lazy::<AuditLog>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk") view={Lazy::<Registry>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/baru") view={Lazy::<RecordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/impor") view={Lazy::<Import>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/buku") view={Lazy::<Books>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/perbaikan") view={Lazy::<Corrections>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/statistik") view={Lazy::<Stats>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/:id") view={Lazy::<ResidentRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/:id/ubah") view={Lazy::<RecordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/surat") view={Lazy::<AdminLetters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/surat/*rest") view={Lazy::<AdminLetters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pengaduan") view={Lazy::<Complaints>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pengaduan/*rest") view={Lazy::<Complaints>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("akun") view={Lazy::<MyAccount>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("akun/ganti-pin") view={Lazy::<ChangePinRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("akun/akses") view={Lazy::<MyAccess>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("akun/sesi") view={Lazy::<Sessions>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        }
    };
}

/// The routes of the site mode: many villages under `/{slug}`, or one village at `/`.
#[component]
fn AppRoutes(mode: SiteMode) -> impl IntoView {
    match mode {
        SiteMode::Deployment => routes_with_village!(
            path!(":slug");
            <Route path=path!("") view={Lazy::<DirectoryRoute>::new()} ssr=SsrMode::Async/>
            <Route path=path!("kelola") view={Lazy::<Manage>::new()} ssr=SsrMode::Async/>
            <Route path=path!("peta") view={Lazy::<Overview>::new()} ssr=SsrMode::Async/>
            <Route path=path!("pasar") view={Lazy::<Market>::new()} ssr=SsrMode::Async/>
            <Route path=path!("kelola/masuk") view={Lazy::<SuperadminSignIn>::new()} ssr=SsrMode::Async/>
            <Route path=path!("wilayah") view={Lazy::<Region>::new()} ssr=SsrMode::Async/>
        )
        .into_any(),
        SiteMode::Bound { .. } => routes_with_village!(path!("");).into_any(),
    }
}
