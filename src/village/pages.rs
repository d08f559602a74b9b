//! Pages of the village slice: the deployment's village list, the village layout (header and
//! navigation around every village page), the home page (Beranda) and the profile (Profil).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{A, Outlet, Redirect},
    hooks::use_query_map,
};

use super::api::{get_village, list_villages};
use super::model::{VillageInfo, VillagePage};
use crate::error::AppError;
use crate::population::model::format_count;
use crate::site::{use_village_slug, village_href};
use crate::ui::{ErrorView, Loading, Pagination};

/// The village of the current page, loaded once by the layout and shared with its pages.
pub type VillageResource = Resource<Result<VillageInfo, AppError>>;

/// `/`: the villages of this deployment, searchable and paged. With one village, go straight to it.
#[component]
pub fn VillageListPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let page = move || query.read().get("hal").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1);
    let villages = Resource::new(move || (q(), page()), |(q, page)| list_villages(q, page));
    view! {
        <Title text="Desa"/>
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">"Digdaya"</a>
            </div>
        </header>
        <main class="container">
            <h1>"Desa di Digdaya"</h1>
            <form class="search" method="get" action="/" role="search">
                <label for="q" class="visually-hidden">"Cari desa"</label>
                <input id="q" name="q" type="search" placeholder="Cari nama desa atau kecamatan" prop:value=q maxlength="80"/>
                <button type="submit">"Cari"</button>
            </form>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match villages.await {
                        Ok(page) => view! { <VillageList page/> }.into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn VillageList(page: VillagePage) -> impl IntoView {
    if page.total == 1 && page.query.is_empty() {
        let slug = page.items[0].slug.clone();
        return view! { <Redirect path=format!("/{slug}")/> }.into_any();
    }
    if page.items.is_empty() {
        let text = if page.query.is_empty() {
            "Belum ada desa. Operator dapat menambahkan desa dengan perintah `digdaya create-village --code <kode wilayah>`.".to_string()
        } else {
            format!("Tidak ada desa yang cocok dengan \"{}\".", page.query)
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let query = page.query.clone();
    view! {
        <p class="muted">{format!("{} desa · ", format_count(page.total))}<a href="/peta">"Lihat di peta"</a>" · "<a rel="external" href="/pasar">"Pasar UMKM semua desa"</a></p>
        <ul class="village-list">
            {page
                .items
                .into_iter()
                .map(|v| {
                    view! {
                        <li>
                            <a href=format!("/{}", v.slug)>
                                <strong>{v.title()}</strong>
                                <span class="muted">{format!("Kec. {}, {}", v.kecamatan, v.kabupaten)}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <Pagination
            page=page.page
            pages=page.pages
            href=move |n| {
                if query.is_empty() { format!("/?hal={n}") } else { format!("/?q={}&hal={n}", encode(&query)) }
            }
        />
    }
    .into_any()
}

/// Minimal query-string encoding for a search term.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const NAV: &[(&str, &str)] = &[
    ("", "Beranda"),
    ("/profil", "Profil"),
    ("/berita", "Berita"),
    ("/layanan", "Layanan"),
    ("/pengaduan", "Pengaduan"),
    ("/pasar", "Pasar"),
    ("/peta", "Peta"),
    ("/masuk", "Masuk"),
];

/// Header, navigation and footer around every page of one village.
#[component]
pub fn VillageLayout() -> impl IntoView {
    let slug = use_village_slug();
    let village: VillageResource = Resource::new(move || slug.get(), get_village);
    provide_context(village);
    let menu_open = RwSignal::new(false);

    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match village.await {
                    Ok(v) => {
                        let slug = v.slug.clone();
                        view! {
                            <header class="site-header">
                                <div class="container header-row">
                                    <a class="brand" href=village_href(&slug, "")>
                                        <span class="brand-name">{v.title()}</span>
                                        <span class="brand-sub">{format!("Kec. {} · {}", v.kecamatan, v.kabupaten)}</span>
                                    </a>
                                    <button
                                        class="menu-toggle"
                                        type="button"
                                        aria-controls="main-nav"
                                        aria-expanded=move || menu_open.get().to_string()
                                        on:click=move |_| menu_open.update(|open| *open = !*open)
                                    >
                                        {move || if menu_open.get() { "Tutup" } else { "Menu" }}
                                    </button>
                                </div>
                                <nav
                                    id="main-nav"
                                    class="main-nav"
                                    class:open=move || menu_open.get()
                                    aria-label="Menu utama"
                                    // A chosen link navigates; the menu gets out of the way.
                                    on:click=move |_| menu_open.set(false)
                                >
                                    <ul class="container">
                                        {NAV
                                            .iter()
                                            .map(|(path, label)| {
                                                view! {
                                                    <li>
                                                        <A href=village_href(&slug, path) exact=path.is_empty()>{*label}</A>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </nav>
                            </header>
                            <main class="container">
                                <Outlet/>
                            </main>
                            <footer class="site-footer">
                                <div class="container">
                                    <p>{format!("{} · Kode wilayah {}", v.title(), v.code)}</p>
                                    <p class="muted">"Dibangun dengan Digdaya, sistem informasi desa terbuka."</p>
                                </div>
                            </footer>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <main class="container"><ErrorView error/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}
