//! Small shared components: status pages, loading and error states, pagination.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;

/// "Not found", with status 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Tidak ditemukan"/>
        <section class="status-page">
            <h1>"Halaman tidak ditemukan"</h1>
            <p>"Alamat yang Anda buka tidak ada. Periksa kembali alamatnya, atau kembali ke halaman utama."</p>
            <a class="button" href="/">"Ke halaman utama"</a>
        </section>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status" aria-live="polite">"Memuat…"</p> }
}

/// An error from a server function, shown in plain words; "not found" becomes the 404 page.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        other => view! {
            <section class="error-box" role="alert">
                <p>{other.to_string()}</p>
            </section>
        }
        .into_any(),
    }
}

pub use crate::kit::page::{PageAt, PageLinks};

/// Previous/next links of a keyset-paged list. `href` gets the address parameters of the page
/// to link to (`hal=2&setelah=…`, empty for the first page).
#[component]
pub fn PageNav(links: PageLinks, href: impl Fn(String) -> String + 'static) -> impl IntoView {
    (links.prev.is_some() || links.next.is_some()).then(|| {
        let prev = links.prev.map(|at| href(at.query()));
        let next = links.next.map(|at| href(at.query()));
        view! {
            <nav class="pagination" aria-label="Halaman">
                {prev.map(|h| view! { <a href=h rel="prev">"‹ Sebelumnya"</a> })}
                <span>{format!("Halaman {} dari {}", links.page, links.pages)}</span>
                {next.map(|h| view! { <a href=h rel="next">"Berikutnya ›"</a> })}
            </nav>
        }
    })
}

/// The current value of an input (empty before hydration or when missing).
pub fn value_of(node: NodeRef<leptos::html::Input>) -> String {
    node.get_untracked().map(|el| el.value()).unwrap_or_default()
}

/// What a page for signed-in users shows for an error: the sign-in page for nobody, the PIN
/// change for a resident who must change the issued PIN, otherwise the error in plain words.
pub fn signed_in_error(slug: &str, error: AppError) -> AnyView {
    use leptos_router::components::Redirect;
    let to = |path: &str| crate::site::village_href(slug, path);
    match error {
        AppError::Unauthenticated => view! { <Redirect path=to("/masuk")/> }.into_any(),
        AppError::PinChangeRequired => view! { <Redirect path=to("/akun/ganti-pin")/> }.into_any(),
        error => view! { <ErrorView error/> }.into_any(),
    }
}

/// An error of the last submit of a form, if any, as an alert under the form.
pub fn form_error<T, S>(value: S) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static
where
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || {
        value.with(|v| match v {
            Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any()),
            _ => None,
        })
    }
}

/// Like [`form_error`], for a form that also works without JavaScript: a failed plain form post
/// is sent back to the page with the error in the address (`__path`, `__err`), and the page
/// shows it, rendered on the server.
pub fn posted_form_error<T, S>(value: S, endpoint: &'static str) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static
where
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    use leptos::server_fn::error::ServerFnUrlError;
    let query = leptos_router::hooks::use_query_map();
    let from_action = form_error(value);
    move || {
        from_action().or_else(|| {
            let query = query.read();
            let err = query.get("__err").filter(|_| query.get("__path").as_deref() == Some(endpoint))?;
            let error = ServerFnUrlError::<AppError>::decode_err(&err);
            Some(view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any())
        })
    }
}

/// A split-off page's data, created when its route matches (`app::lazy_page!`) and carried as
/// JSON text: every page's resource then has this one type, and the code that encodes and
/// decodes its real type travels with the page's own lazily loaded code, not in the main bundle.
pub type PageData = Resource<Result<String, AppError>>;

/// What a split page's loader returns: its `#[lazy]` loader's future, boxed.
pub type PageFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, AppError>> + Send>>;

/// A split page's data: `load(key)` now and whenever `key` changes. Every page goes through this
/// one non-generic function, so the resource machinery is built once in the main bundle (a
/// `Resource::new` per page would instantiate it per page, in the main bundle, since the data
/// is created when the route matches, before the page's own code has loaded).
pub fn page_data(key: Signal<String>, load: fn(String) -> PageFuture) -> PageData {
    Resource::new(move || key.get(), move |k| load(k))
}

/// The current page's path (`/kramatwatu/layanan`): the URL the router keeps, which needs no
/// `<Router>` above it — only the URL's signal in context.
pub fn use_path() -> Memo<String> {
    let url = leptos_router::hooks::use_url();
    Memo::new(move |_| url.with(|u| u.path().to_string()))
}

/// Where a part of a split page's data key comes from.
#[derive(Debug, Clone, Copy)]
pub enum KeyPart {
    /// A route parameter (`:id`).
    Param(&'static str),
    /// A query parameter (`?status=`).
    Query(&'static str),
    /// The whole path (pages under one wildcard route tell themselves apart by it).
    Path,
}

/// A split page's data keyed by the village slug and then `parts`, in that order (read them
/// back with [`key_part`]: 0 is the slug). One non-generic function for every page that uses it,
/// so a page adds a static list and a loader to the main bundle, not code of its own.
///
/// The loaders (`*_json`) are `#[cfg_attr(feature = "hydrate", lazy)]`: split off in the browser,
/// plain on the server. A lazy function that runs during server rendering makes the page preload
/// its chunks, and a hydrating page never needs them (its data came with the HTML); only a later
/// navigation inside the app loads them.
pub fn route_data(parts: &'static [KeyPart], load: fn(String) -> PageFuture) -> (Signal<String>, PageData) {
    let slug = crate::site::use_village_slug();
    let params = leptos_router::hooks::use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let path = use_path();
    let key = Signal::derive(move || {
        let mut out = slug.get();
        for part in parts {
            out.push('\u{1f}');
            let value = match part {
                KeyPart::Param(name) => params.read().get(name),
                KeyPart::Query(name) => query.read().get(name),
                KeyPart::Path => Some(path.get()),
            };
            out.push_str(&value.unwrap_or_default());
        }
        out
    });
    (slug, page_data(key, load))
}

/// One [`page_data`] key from a page's parameters; [`key_part`] takes them apart again.
pub fn page_key(parts: &[&str]) -> String {
    parts.join("\u{1f}")
}

/// The `i`-th parameter of a [`page_key`] (empty when missing).
pub fn key_part(key: &str, i: usize) -> String {
    key.split('\u{1f}').nth(i).unwrap_or_default().to_string()
}

/// Encodes a server function's answer for a [`PageData`] (call it from a `#[lazy]` loader).
pub fn to_json<T: serde::Serialize>(answer: Result<T, AppError>) -> Result<String, AppError> {
    answer.and_then(|value| serde_json::to_string(&value).map_err(|_| AppError::Internal))
}

/// Decodes a [`PageData`] in the page's view.
pub fn from_json<T: serde::de::DeserializeOwned>(data: Result<String, AppError>) -> Result<T, AppError> {
    data.and_then(|text| serde_json::from_str(&text).map_err(|_| AppError::Internal))
}

/// `text` for a query string (letters, digits and `-._` as they are, everything else %-encoded).
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `text` safe inside HTML, SVG or XML text and double-quoted attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The values of a submitted form, by field name.
pub fn form_values(ev: &leptos::ev::SubmitEvent) -> Option<web_sys::FormData> {
    use wasm_bindgen::JsCast;
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    web_sys::FormData::new_with_form(&form).ok()
}

/// The message for `field` among a form's problems, if any.
pub fn problem_of(problems: &[crate::kit::form::Problem], field: &str) -> Option<String> {
    problems.iter().find(|p| p.field == field).map(|p| p.message.clone())
}

/// What the refused plain post of this page's form sent (`kit::form::Submitted`): only on the
/// server, when the form's handler renders its page again (such a page does not hydrate).
pub fn submitted() -> Option<crate::kit::form::Submitted> {
    #[cfg(feature = "ssr")]
    return use_context::<crate::kit::form::Submitted>();
    #[cfg(not(feature = "ssr"))]
    None
}

/// What was typed into `field` before the plain post was refused (empty otherwise).
pub fn typed(field: &str) -> String {
    submitted().map(|s| s.value(field)).unwrap_or_default()
}

/// The hidden fields of a form that also posts without the WASM to the outbox's plain form
/// endpoint (`/api/outbox/{slug}/formulir`): what it is and the page to show it again on.
pub fn plain_post_fields(kind: &'static str) -> impl IntoView {
    let url = leptos_router::hooks::use_url();
    let page = url.with_untracked(|u| match u.search() {
        "" => u.path().to_string(),
        search => format!("{}?{search}", u.path()),
    });
    view! {
        <input type="hidden" name="jenis" value=kind/>
        <input type="hidden" name="kembali" value=page/>
    }
}

/// What was wrong with a refused plain post as a whole (not one field), if anything.
pub fn submitted_message() -> impl IntoView {
    submitted().and_then(|s| s.message).map(|m| view! { <p class="form-error" role="alert">{m}</p> })
}

/// [`plain_post_fields`] and [`submitted_message`]: for a page with one such form.
pub fn plain_post(kind: &'static str) -> impl IntoView {
    (plain_post_fields(kind), submitted_message())
}

/// The problem of `field` under its input, while there is one.
pub fn field_problem(
    problems: RwSignal<Vec<crate::kit::form::Problem>>,
    field: impl Into<String>,
) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static {
    let field = field.into();
    move || {
        problems
            .with(|ps| problem_of(ps, &field))
            .map(|m| view! { <p class="field-error" role="alert">{m}</p> }.into_any())
    }
}

/// Today in the villages' time (WIB, UTC+7), on the server or in the browser (where chrono has
/// no clock of its own: it would panic).
pub fn today_wib() -> chrono::NaiveDate {
    #[cfg(feature = "ssr")]
    let now = chrono::Utc::now();
    #[cfg(not(feature = "ssr"))]
    let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
    (now + crate::kit::time::WIB_OFFSET).date_naive()
}

/// Declares a page's lazy route beside the page: its code is split off the main WASM bundle
/// and loaded when the route is first visited (the admin side, a resident's own pages and the
/// village's interactive pages, which most visitors of a page never open). `app.rs` puts the
/// route in the route list.
///
/// `lazy_page!(pub Name => Page)` for a page without data of its own;
/// `lazy_page!(pub Name(Data) = data => page)` for a page whose resources `data` creates
/// when the route matches, before its code has arrived: the browser then creates them in the
/// same order as the server did, which keeps hydration of a page loaded directly on this route
/// in step with the server's HTML.
///
/// The page's HTML preloads the one bundle that holds the route's code (see [`bundle_preload`]).
macro_rules! lazy_page {
    ($vis:vis $name:ident => $page:path) => {
        $vis struct $name;

        #[::leptos_router::lazy_route]
        impl ::leptos_router::LazyRoute for $name {
            fn data() -> Self {
                $name
            }

            fn view(_this: Self) -> ::leptos::prelude::AnyView {
                ::leptos::prelude::IntoAny::into_any((
                    $crate::ui::bundle_preload(stringify!($name)),
                    $page(),
                ))
            }
        }
    };
    ($vis:vis $name:ident($ty:ty) = $data:path => $page:path) => {
        $vis struct $name($ty);

        #[::leptos_router::lazy_route]
        impl ::leptos_router::LazyRoute for $name {
            fn data() -> Self {
                $name($data())
            }

            fn view(this: Self) -> ::leptos::prelude::AnyView {
                ::leptos::prelude::IntoAny::into_any((
                    $crate::ui::bundle_preload(stringify!($name)),
                    $page(this.0),
                ))
            }
        }
    };
}

/// Where the build's files are served (`/v/{build}/pkg`). The shell provides it on the server
/// when the page will hydrate (a page complete as HTML loads no WASM, so it preloads none).
#[derive(Debug, Clone)]
pub struct PkgPrefix(pub String);

/// The file that holds every WASM module a lazy route's view needs (`.ci/bundle-wasm.mjs`
/// names it after the view that `#[lazy_route]` makes: `Letters` → `bundle_letters_view.bin`).
pub fn bundle_file(route: &str) -> String {
    let mut snake = String::new();
    for (i, c) in route.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    format!("bundle_{snake}_view.bin")
}

/// A preload link for the bundle of the lazy route `route`, so that the page's HTML starts its
/// download beside the main module's: without it the browser learns of it only once the main
/// module runs. Rendered on the server and claimed when the page hydrates; a later navigation
/// inside the app loads the bundle itself (a link added then would only fetch it twice).
pub fn bundle_preload(route: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let prefix = use_context::<PkgPrefix>().map(|p| p.0);
    #[cfg(not(feature = "ssr"))]
    let prefix = Owner::current_shared_context().is_some_and(|c| c.during_hydration()).then(|| {
        // The stylesheet is served from the same folder (`app::shell`).
        let href = document().get_element_by_id("leptos").and_then(|l| l.get_attribute("href"));
        href.and_then(|h| h.rsplit_once('/').map(|(dir, _)| dir.to_string())).unwrap_or_default()
    });
    prefix.map(|prefix| {
        view! {
            <leptos_meta::Link
                rel="preload"
                href=format!("{prefix}/{}", bundle_file(route))
                as_="fetch"
                crossorigin="anonymous"
            />
        }
    })
}
pub(crate) use lazy_page;
