//! `<App/>`: the HTML shell, the router and the routes of both site modes.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    lazy_route, path,
};

use crate::auth::pages::SignInPage;
use crate::site::{META_NAME, SiteMode};
use crate::ui::NotFound;
use crate::village::pages::VillageLayout;

/// The HTML document around the app (server only renders it; the browser hydrates `<body>`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let bound = SiteMode::detect().bound_slug().map(str::to_string);
    #[cfg(feature = "ssr")]
    content_security_policy();
    // Pages complete as HTML are sent without the WASM: nothing to download but the page.
    #[cfg(feature = "ssr")]
    let hydrate = use_context::<http::request::Parts>()
        .is_none_or(|parts| !complete_as_html(parts.uri.path(), &SiteMode::detect()));
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

/// Pages complete as server-rendered HTML (a GET form, links), which need no WASM at all.
#[cfg(feature = "ssr")]
fn complete_as_html(path: &str, mode: &SiteMode) -> bool {
    crate::market::pages::Page::is_static(path)
        || crate::portal::pages::Page::is_static(path)
        || crate::portal::site::Page::is_static(path, mode)
        || mode.village_path(path) == Some("/statistik")
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
                    <Route path=path!("layanan") view={Lazy::<Letters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("layanan/*rest") view={Lazy::<Letters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("surat/cek/*code") view={Lazy::<Letters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pengaduan") view={Lazy::<Complaints>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pengaduan/*rest") view={Lazy::<Complaints>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pasar") view={Lazy::<Market>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("pasar/*rest") view={Lazy::<Market>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pasar") view={Lazy::<Market>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("peta") view={Lazy::<VillageMap>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("masuk") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("admin") view={Lazy::<Admin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/sesi") view={Lazy::<Sessions>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/kata-sandi") view={Lazy::<ChangePassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/perangkat") view={Lazy::<Officials>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pin") view={Lazy::<Pins>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/peta") view={Lazy::<MapEditor>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/audit") view={Lazy::<AuditLog>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk") view={Lazy::<Registry>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/baru") view={Lazy::<RecordForm>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/impor") view={Lazy::<Import>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/buku") view={Lazy::<Books>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/perbaikan") view={Lazy::<Corrections>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/statistik") view={Lazy::<Stats>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/:id") view={Lazy::<ResidentPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/penduduk/:id/ubah") view={Lazy::<RecordForm>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/surat") view={Lazy::<AdminLetters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/surat/*rest") view={Lazy::<AdminLetters>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pengaduan") view={Lazy::<Complaints>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("admin/pengaduan/*rest") view={Lazy::<Complaints>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("akun") view={Lazy::<MyAccount>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("akun/ganti-pin") view={Lazy::<ChangePin>::new()} ssr=SsrMode::Async/>
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
            <Route path=path!("") view={Lazy::<Directory>::new()} ssr=SsrMode::Async/>
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

/// A page whose code is split off the main WASM bundle and loaded when the route is first
/// visited: the admin side and a resident's own pages, which most visitors never open.
macro_rules! lazy_page {
    // A page without data of its own.
    ($name:ident => $($page:ident)::+) => {
        struct $name;

        #[lazy_route]
        impl LazyRoute for $name {
            fn data() -> Self {
                $name
            }

            fn view(_this: Self) -> AnyView {
                $($page)::+().into_any()
            }
        }
    };
    // A page whose resources are created by `$data` when the route matches, before its code has
    // arrived: the browser then creates them in the same order as the server did, which keeps
    // hydration of a page loaded directly on this route in step with the server's HTML.
    ($name:ident($ty:ty) = $data:path => $page:path) => {
        struct $name($ty);

        #[lazy_route]
        impl LazyRoute for $name {
            fn data() -> Self {
                $name($data())
            }

            fn view(this: Self) -> AnyView {
                $page(this.0).into_any()
            }
        }
    };
}

use crate::{
    account::pages as account, audit::pages as audit, auth::manage, auth::pages as auth, auth::villages,
    complaints::pages as complaints, letters::admin as letters_admin, letters::pages as letters, map::pages as map,
    market::pages as market, population::admin as registry, population::pages as statistics, portal::admin as portal,
    portal::directory, portal::pages as news, portal::site, regency::pages as regency,
};

lazy_page!(Admin(auth::AdminData) = auth::admin_data => auth::admin_page);
lazy_page!(Sessions(auth::SessionsData) = auth::sessions_data => auth::sessions_page);
lazy_page!(ChangePassword => crate::auth::pages::ChangePasswordPage);
lazy_page!(Officials(manage::OfficialsData) = manage::officials_data => manage::officials_page);
lazy_page!(Pins(manage::PinData) = manage::pin_data => manage::pin_page);
lazy_page!(AuditLog(audit::AuditLogData) = audit::audit_log_data => audit::audit_log_page);
lazy_page!(MyAccount(account::MyAccountData) = account::my_account_data => account::my_account_page);
lazy_page!(ChangePin => crate::account::pages::ChangePinPage);
lazy_page!(MyAccess(account::MyAccessData) = account::my_access_data => account::my_access_page);
lazy_page!(Manage(villages::ManageData) = villages::manage_data => villages::manage_page);
lazy_page!(SuperadminSignIn => crate::auth::pages::SuperadminSignInPage);
lazy_page!(Region(regency::RegionData) = regency::region_data => regency::region_page);
lazy_page!(Statistics(statistics::StatisticsData) = statistics::statistics_data => statistics::statistics_page);
lazy_page!(Registry(registry::RegistryData) = registry::registry_data => registry::registry_page);
lazy_page!(ResidentPage(registry::ResidentData) = registry::resident_data => registry::resident_page);
lazy_page!(RecordForm(registry::RecordFormData) = registry::record_form_data => registry::record_form_page);
lazy_page!(Import(registry::ImportData) = registry::import_data => registry::import_page);
lazy_page!(Books(registry::BooksData) = registry::books_data => registry::books_page);
lazy_page!(Corrections(registry::CorrectionsData) = registry::corrections_data => registry::corrections_page);
lazy_page!(Stats(registry::StatsData) = registry::stats_data => registry::stats_page);
lazy_page!(Letters(letters::LettersData) = letters::letters_data => letters::letters_page);
lazy_page!(AdminLetters(letters_admin::AdminLettersData) = letters_admin::admin_letters_data => letters_admin::admin_letters_page);
lazy_page!(Complaints(complaints::ComplaintsData) = complaints::complaints_data => complaints::complaints_page);
lazy_page!(VillageMap(map::PublicMapData) = map::public_map_data => map::public_map_page);
lazy_page!(MapEditor(map::EditorData) = map::editor_data => map::editor_page);
lazy_page!(Overview(map::OverviewData) = map::overview_data => map::overview_page);
lazy_page!(Market(market::MarketData) = market::market_data => market::market_page);
lazy_page!(News(news::NewsData) = news::news_data => news::news_page);
lazy_page!(Site(site::SiteData) = site::site_data => site::site_page);
lazy_page!(PortalAdmin(portal::PortalAdminData) = portal::portal_admin_data => portal::portal_admin_page);
lazy_page!(Directory(directory::DirectoryData) = directory::directory_data => directory::directory_page);
