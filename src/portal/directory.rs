//! The deployment's home page (`/` of a deployment; one split route): its villages with a
//! search and pages, a drawing with a dot per village (the villages of the page named and
//! linked), and the latest news across villages. Complete as HTML (a GET form and links),
//! sent without the WASM; with a single village it goes straight to that village.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::{components::Redirect, hooks::use_query_map};

use super::api::get_directory;
use super::content::Directory;
use crate::error::AppError;
use crate::population::model::format_count;
use crate::site::absolute;
use crate::ui::{
    ErrorView, Loading, PageAt, PageData, PageNav, escape, from_json, key_part, page_data, page_key, to_json, urlencode,
};

pub type DirectoryData = PageData;

pub fn directory_data() -> DirectoryData {
    let query = use_query_map();
    let key = Signal::derive(move || {
        let q = query.read();
        page_key(&[&q.get("q").unwrap_or_default(), &PageAt::from_query(&q).query()])
    });
    page_data(key, |k| Box::pin(directory_json(k)))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn directory_json(key: String) -> Result<String, AppError> {
    to_json(get_directory(key_part(&key, 0), PageAt::parse(&key_part(&key, 1))).await)
}

pub fn directory_page(data: DirectoryData) -> AnyView {
    let q = use_query_map().read_untracked().get("q").unwrap_or_default();
    view! {
        <Title text="Desa"/>
        <Meta name="description" content="Desa-desa di Digdaya: profil, berita, layanan surat, pengaduan, pasar UMKM dan peta desa."/>
        <Link rel="canonical" href=absolute("/")/>
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">"Digdaya"</a>
            </div>
        </header>
        <main class="container">
            <h1>"Desa di Digdaya"</h1>
            <form class="search" method="get" action="/" role="search">
                <label for="q" class="visually-hidden">"Cari desa"</label>
                <input id="q" name="q" type="search" placeholder="Cari nama desa atau kecamatan" value=q maxlength="80"/>
                <button type="submit">"Cari"</button>
            </form>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match from_json::<Directory>(data.await) {
                        Ok(d) => directory(d),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

fn directory(d: Directory) -> AnyView {
    let page = d.villages;
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
    let map = d.map.map(|(w, h, dots)| {
        let mut svg = format!("<svg viewBox=\"-8 -8 {} {}\" role=\"img\" aria-label=\"Letak desa\">", w + 16, h + 16);
        for dot in dots.iter().filter(|d| d.link.is_none()) {
            svg.push_str(&format!("<circle class=\"other\" cx=\"{:.0}\" cy=\"{:.0}\" r=\"3\"/>", dot.x, dot.y));
        }
        for dot in &dots {
            if let Some((title, href)) = &dot.link {
                svg.push_str(&format!(
                    "<a href=\"{}\"><title>{}</title><circle cx=\"{:.0}\" cy=\"{:.0}\" r=\"6\"/></a>",
                    escape(href),
                    escape(title),
                    dot.x,
                    dot.y
                ));
            }
        }
        svg.push_str("</svg>");
        svg
    });
    view! {
        <p class="muted">{format!("{} desa · ", format_count(page.total))}<a href="/peta">"Peta interaktif"</a>" · "<a href="/pasar">"Pasar UMKM semua desa"</a></p>
        {map.map(|svg| view! { <div class="results-map directory-map" inner_html=svg></div> })}
        <ul class="village-list">
            {page.items.into_iter().map(|v| view! {
                <li>
                    <a href=format!("/{}", v.slug)>
                        <strong>{v.title()}</strong>
                        <span class="muted">{format!("Kec. {}, {}", v.kecamatan, v.kabupaten)}</span>
                    </a>
                </li>
            }).collect_view()}
        </ul>
        <PageNav
            links=page.links
            href=move |at| if query.is_empty() { format!("/?{at}") } else { format!("/?q={}&{at}", urlencode(&query)) }
        />
        <section aria-labelledby="berita-desa">
            <h2 id="berita-desa">"Berita terbaru dari desa"</h2>
            {if d.news.is_empty() {
                view! { <p class="empty">"Belum ada berita dari desa-desa."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list article-list" id="village-news">
                        {d.news.into_iter().map(|n| view! {
                            <li>
                                {n.card.cover.map(|src| view! { <img class="article-thumb" src=src alt="" width="96" height="96" loading="lazy"/> })}
                                <h3><a href=n.href>{n.card.title}</a></h3>
                                <p class="muted">{format!("{} · {}", n.village, n.card.date)}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

crate::ui::lazy_page!(pub DirectoryRoute(DirectoryData) = directory_data => directory_page);
