//! The village layout: header, navigation and footer around every page of one village.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use super::api::get_village;
use super::model::VillageInfo;
use crate::error::AppError;
use crate::site::{use_village_slug, village_href};
use crate::ui::{ErrorView, Loading};

/// The village of the current page, loaded once by the layout and shared with its pages.
pub type VillageResource = Resource<Result<VillageInfo, AppError>>;

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

/// The portal's other public pages, linked from every page's footer.
const FOOTER: &[(&str, &str)] = &[
    ("/pengumuman", "Pengumuman"),
    ("/agenda", "Agenda"),
    ("/apbdes", "APBDes"),
    ("/statistik", "Statistik"),
    ("/galeri", "Galeri"),
];

/// Header, navigation and footer around every page of one village.
#[component]
pub fn VillageLayout() -> impl IntoView {
    let slug = use_village_slug();
    let village: VillageResource = Resource::new(move || slug.get(), get_village);
    provide_context(village);
    let menu_open = RwSignal::new(false);

    // The page's own route (`<Outlet/>`) stays outside the village's Suspense: inside, each run
    // of the Suspense's view (when the village arrived) made the page anew, its data loaded and
    // written into the HTML again, one to three times depending on timing (issue 29).
    let known = RwSignal::new(true);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match village.await {
                    Ok(v) => {
                        known.set(true);
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
                        }
                        .into_any()
                    }
                    Err(error) => {
                        known.set(false);
                        view! { <main class="container"><ErrorView error/></main> }.into_any()
                    }
                }
            })}
        </Suspense>
        <main class="container" hidden=move || !known.get()>
            <Outlet/>
        </main>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                village.await.ok().map(|v| {
                    let slug = v.slug.clone();
                    view! {
                            <footer class="site-footer">
                                <div class="container">
                                    <p>{format!("{} · Kode wilayah {}", v.title(), v.code)}</p>
                                    <nav class="footer-links" aria-label="Informasi desa">
                                        {FOOTER.iter().map(|(path, label)| view! { <a href=village_href(&slug, path)>{*label}</a> }).collect_view()}
                                    </nav>
                                    <p class="muted">"Dibangun dengan Digdaya, sistem informasi desa terbuka."</p>
                                </div>
                            </footer>
                    }
                })
            })}
        </Suspense>
    }
}
