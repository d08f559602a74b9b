//! The market's pages (one split route, see `app::lazy_page!`): the public catalogue of a
//! village or a region, a product's page and a shop's page, the seller's "Lapak saya" and one
//! shop's management, and the officials' page (`admin.rs`).
//!
//! The catalogue and the product page are complete as server-rendered HTML: the search is a
//! plain GET form, the cards and the WhatsApp button plain links, so they are served without
//! the WASM at all (`app::shell`) and load fast on a weak signal. Photos are uploaded with
//! plain multipart forms to `http.rs`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::JsCast;

use super::api::{
    delete_photo, delete_product, get_catalogue, get_managed_shop, get_product, get_region_catalogue, get_shop,
    hide_product, my_shops, open_shop, update_shop,
};
use super::model::{
    Availability, CATEGORIES, Catalogue, CatalogueQuery, ManagePage, MyProduct, MyShop, Problem, ProductCard,
    ProductDetail, ProductInput, ResultsMap, SellerPage, ShopInput, ShopPage, ShopStatus, Sort, UNITS,
};
use crate::error::AppError;
use crate::geo::map::VillageMap;
use crate::geo::map::VillageMapView;
use crate::site::village_href;
use crate::ui::{
    ErrorView, KeyPart, Loading, PageAt, PageData, PageNav, escape, from_json, key_part, route_data, signed_in_error,
    to_json, urlencode,
};

/// Which market page a route shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/{slug}/pasar`.
    Catalogue,
    /// `/pasar` of a deployment: the market of a kecamatan or kabupaten.
    Region,
    /// `/{slug}/pasar/produk/{id}`.
    Product,
    /// `/{slug}/pasar/toko/{id}`.
    Shop,
    /// `/{slug}/pasar/kelola`: "Lapak saya".
    Mine,
    /// `/{slug}/pasar/kelola/{id}`.
    Manage,
    /// `/{slug}/admin/pasar`.
    Admin,
}

impl Page {
    /// The page of `path` (`slug` is empty on the deployment's own `/pasar`).
    pub fn of(slug: &str, path: &str) -> Page {
        let path = path.trim_end_matches('/');
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        if path.ends_with("/admin/pasar") {
            Page::Admin
        } else if path.ends_with("/pasar/kelola") {
            Page::Mine
        } else if parent.ends_with("/pasar/kelola") {
            Page::Manage
        } else if parent.ends_with("/pasar/produk") {
            Page::Product
        } else if parent.ends_with("/pasar/toko") {
            Page::Shop
        } else if slug.is_empty() {
            Page::Region
        } else {
            Page::Catalogue
        }
    }

    /// Pages complete without the WASM, served without it (see `app::shell`).
    pub fn is_static(path: &str) -> bool {
        let path = path.trim_end_matches('/');
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        (path.ends_with("/pasar") && !path.ends_with("/admin/pasar")) || parent.ends_with("/pasar/produk")
    }
}

pub type MarketData = (Memo<Page>, Signal<String>, PageData);

pub fn market_data() -> MarketData {
    let path = crate::ui::use_path();
    let slug = crate::site::use_village_slug();
    let page = Memo::new(move |_| Page::of(&slug.get(), &path.get()));
    let keys = &[
        KeyPart::Path,
        KeyPart::Query("q"),
        KeyPart::Query("kategori"),
        KeyPart::Query("dusun"),
        KeyPart::Query("min"),
        KeyPart::Query("max"),
        KeyPart::Query("tersedia"),
        KeyPart::Query("urut"),
        KeyPart::Query("hal"),
        KeyPart::Query("status"),
        KeyPart::Query("wilayah"),
        KeyPart::Query("peta"),
        KeyPart::Query("setelah"),
        KeyPart::Query("sebelum"),
    ];
    let (slug, data) = route_data(keys, |k| Box::pin(market_json(k)));
    (page, slug, data)
}

/// The id at the end of a path.
fn last_id(path: &str) -> Result<i64, AppError> {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or_default().parse().map_err(|_| AppError::NotFound)
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn market_json(key: String) -> Result<String, AppError> {
    let (slug, path) = (key_part(&key, 0), key_part(&key, 1));
    let query = CatalogueQuery {
        q: key_part(&key, 2),
        category: key_part(&key, 3),
        dusun: key_part(&key, 4).parse().ok(),
        min: key_part(&key, 5),
        max: key_part(&key, 6),
        available: !key_part(&key, 7).is_empty(),
        sort: Sort::parse(&key_part(&key, 8)),
        at: PageAt::parse(&format!(
            "hal={}&setelah={}&sebelum={}",
            key_part(&key, 9),
            key_part(&key, 13),
            key_part(&key, 14)
        )),
        map: !key_part(&key, 12).is_empty(),
    };
    match Page::of(&slug, &path) {
        Page::Catalogue => to_json(get_catalogue(slug, query).await),
        Page::Region => to_json(get_region_catalogue(key_part(&key, 11), query).await),
        Page::Product => to_json(get_product(slug, last_id(&path)?).await),
        Page::Shop => to_json(get_shop(slug, last_id(&path)?).await),
        // Their own split routes (`MyShops`, `Seller`).
        Page::Mine | Page::Manage => Err(AppError::NotFound),
        Page::Admin => super::admin::admin_json(slug, &key_part(&key, 10), query.at).await,
    }
}

pub fn market_page((page, slug, data): MarketData) -> AnyView {
    (move || match page.get() {
        Page::Catalogue => catalogue_page(slug, data).into_any(),
        // The deployment's own page, outside any village's layout.
        Page::Region => view! {
            <header class="site-header">
                <div class="container header-row"><a class="brand" href="/">"Digdaya"</a></div>
            </header>
            <main class="container">
                <p class="crumbs"><a href="/">"← Daftar desa"</a></p>
                {catalogue_page(slug, data)}
            </main>
        }
        .into_any(),
        Page::Product => product_page(slug, data).into_any(),
        Page::Shop => shop_page(slug, data).into_any(),
        Page::Mine | Page::Manage => view! { <crate::ui::NotFound/> }.into_any(),
        Page::Admin => super::admin::admin_page(slug, data).into_any(),
    })
    .into_any()
}

// ---------------------------------------------------------------------------------------------
// The public catalogue

/// A product's address: in its own village (a region's catalogue spans several).
fn product_href(p: &ProductCard) -> String {
    village_href(&p.village_slug, &format!("/pasar/produk/{}", p.id))
}

fn price_view(price: String, discount: Option<String>, unit: &str) -> impl IntoView {
    let unit = format!(" / {unit}");
    match discount {
        Some(d) => view! {
            <p class="price"><s>{price}</s> " " <strong>{d}</strong><span class="muted">{unit}</span></p>
        }
        .into_any(),
        None => view! { <p class="price"><strong>{price}</strong><span class="muted">{unit}</span></p> }.into_any(),
    }
}

fn availability_badge(a: Availability) -> Option<impl IntoView> {
    match a {
        Availability::Tersedia => None,
        Availability::Habis => Some(view! { <span class="badge bad">{a.label()}</span> }),
        Availability::PreOrder => Some(view! { <span class="badge warn">{a.label()}</span> }),
    }
}

/// The catalogue's grid. The first cards' thumbnails load at once (they are above the fold on
/// a phone), the others lazily; every image has its size, so nothing jumps.
#[component]
pub fn ProductGrid(items: Vec<ProductCard>, #[prop(optional)] show_village: bool) -> impl IntoView {
    view! {
        <ul class="product-grid" id="products">
            {items.into_iter().enumerate().map(|(i, p)| {
                let href = product_href(&p);
                let initial = p.name.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
                let picture = match p.thumb.clone() {
                    Some(src) => view! {
                        <img src=src alt="" width="240" height="240" decoding="async"
                            loading=if i < 4 { "eager" } else { "lazy" }/>
                    }.into_any(),
                    None => view! { <span class="initial" aria-hidden="true">{initial}</span> }.into_any(),
                };
                let shop = if show_village { format!("{} · {}", p.shop, p.village) } else { p.shop.clone() };
                view! {
                    <li>
                        <a href=href class="product-card">
                            {picture}
                            <span class="name">{p.name.clone()}</span>
                            {price_view(p.price.clone(), p.discount_price.clone(), &p.unit)}
                            <span class="muted shop">{shop}</span>
                            {availability_badge(p.availability)}
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The catalogue's address with the current filters and the page `at` (address parameters as
/// `PageAt::query` writes them, empty for the first page).
fn catalogue_link(base: &str, q: &CatalogueQuery, region: &str, at: &str) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: &str| {
        if !v.is_empty() {
            parts.push(format!("{k}={}", urlencode(v)));
        }
    };
    add("wilayah", region);
    add("q", &q.q);
    add("kategori", &q.category);
    add("dusun", &q.dusun.map(|d| d.to_string()).unwrap_or_default());
    add("min", &q.min);
    add("max", &q.max);
    add("tersedia", if q.available { "1" } else { "" });
    add("urut", if q.sort == Sort::Cheapest { "termurah" } else { "" });
    if !at.is_empty() {
        parts.push(at.to_string());
    }
    if q.map {
        parts.push("peta=1".into());
    }
    if parts.is_empty() { base.to_string() } else { format!("{base}?{}", parts.join("&")) }
}

/// `/{slug}/pasar` and the deployment's `/pasar?wilayah=…`: search, filters, grid, pages.
fn catalogue_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    let query = use_query_map();
    view! {
        <Title text="Pasar UMKM"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                let (q, region) = {
                let read = query.read_untracked();
                let get = |k: &str| read.get(k).unwrap_or_default();
                (CatalogueQuery {
                    q: get("q"),
                    category: get("kategori"),
                    dusun: get("dusun").parse().ok(),
                    min: get("min"),
                    max: get("max"),
                    available: !get("tersedia").is_empty(),
                    sort: Sort::parse(&get("urut")),
                    at: PageAt::default(),
                    map: !get("peta").is_empty(),
                }, get("wilayah"))
                };
                match from_json::<Catalogue>(data.await) {
                    Ok(c) => view! { <CatalogueView c q slug region/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CatalogueView(c: Catalogue, q: CatalogueQuery, slug: String, region: String) -> impl IntoView {
    let in_region = slug.is_empty();
    let base = if in_region { "/pasar".to_string() } else { village_href(&slug, "/pasar") };
    let filtered = q.dusun.is_some() || !q.min.is_empty() || !q.max.is_empty() || q.available || q.sort != Sort::Newest;
    let title = match &c.region {
        Some(r) => format!("Pasar UMKM {r}"),
        None => "Pasar UMKM".to_string(),
    };
    let page_link = {
        let (base, q, region) = (base.clone(), q.clone(), region.clone());
        move |at: String| catalogue_link(&base, &q, &region, &at)
    };
    let chip = |code: &str, label: String| {
        let current = q.category == code;
        let href = catalogue_link(&base, &CatalogueQuery { category: code.to_string(), ..q.clone() }, &region, "");
        view! { <a class="chip" href=href aria-current=current.then_some("page")>{label}</a> }
    };
    view! {
        <h1>{title}</h1>
        <p class="lead">"Produk warga desa: harga jelas, pesan langsung ke penjualnya lewat WhatsApp."</p>
        {(!in_region).then(|| view! {
            <p class="row-actions">
                <a rel="external" class="button secondary" id="my-shop" href=village_href(&slug, "/pasar/kelola")>"Jual di sini · Lapak saya"</a>
                {c.nearby.clone().map(|(code, name)| view! {
                    <a rel="external" href=format!("/pasar?wilayah={code}")>{format!("Pasar se-{name}")}</a>
                })}
            </p>
        })}
        <form class="market-search" method="get" action=base.clone() role="search">
            {in_region.then(|| view! {
                <label for="m-region">"Wilayah"</label>
                <select id="m-region" name="wilayah">
                    {c.regions.iter().map(|(code, name)| view! {
                        <option value=code.clone() selected={c.region.as_deref() == Some(name.as_str())}>{name.clone()}</option>
                    }).collect_view()}
                </select>
            })}
            <div class="search">
                <input type="search" name="q" value=q.q.clone() placeholder="Cari produk atau toko" aria-label="Cari produk atau toko" maxlength="100"/>
                <button type="submit" class="button">"Cari"</button>
            </div>
            <input type="hidden" name="kategori" value=q.category.clone()/>
            {q.map.then(|| view! { <input type="hidden" name="peta" value="1"/> })}
            <details class="filters-box" open=filtered>
                <summary>"Saring dan urutkan"</summary>
                <div class="filters">
                    {(!c.dusun.is_empty()).then(|| view! {
                        <label>"Dusun"
                            <select name="dusun">
                                <option value="">"Semua dusun"</option>
                                {c.dusun.iter().map(|(id, name)| view! {
                                    <option value=id.to_string() selected={q.dusun == Some(*id)}>{name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    <label>"Harga dari (Rp)"<input type="text" inputmode="numeric" name="min" value=q.min.clone() placeholder="0" maxlength="15"/></label>
                    <label>"sampai (Rp)"<input type="text" inputmode="numeric" name="max" value=q.max.clone() placeholder="tanpa batas" maxlength="15"/></label>
                    <label>"Urutkan"
                        <select name="urut">
                            <option value="terbaru" selected={q.sort == Sort::Newest}>"Terbaru"</option>
                            <option value="termurah" selected={q.sort == Sort::Cheapest}>"Termurah"</option>
                        </select>
                    </label>
                    <label class="check"><input type="checkbox" name="tersedia" value="1" checked=q.available/>" Hanya yang tersedia"</label>
                    <button type="submit" class="button">"Terapkan"</button>
                    <a href=base.clone()>"Hapus saringan"</a>
                </div>
            </details>
        </form>
        <nav class="chips category-chips" aria-label="Kategori">
            {chip("", "Semua".to_string())}
            {CATEGORIES.iter().map(|cat| chip(cat.code, format!("{} {}", cat.icon, cat.label))).collect_view()}
        </nav>
        {c.problems.iter().map(|p| view! { <p class="form-error" role="alert">{p.message.clone()}</p> }).collect_view()}
        <p class="muted result-bar">
            <span id="result-count">{format!("{} produk", c.total)}</span>
            {(!in_region).then(|| {
                let list = catalogue_link(&base, &CatalogueQuery { map: false, ..q.clone() }, &region, "");
                let map = catalogue_link(&base, &CatalogueQuery { map: true, ..q.clone() }, &region, "");
                view! {
                    <span class="view-switch">
                        <a href=list aria-current=(!q.map).then_some("page")>"Daftar"</a>
                        <a href=map id="show-map" aria-current=q.map.then_some("page")>"Peta"</a>
                    </span>
                }
            })}
        </p>
        {match c.map.clone() {
            Some(m) => results_map(m).into_any(),
            None => ().into_any(),
        }}
        {if c.map.is_some() {
            ().into_any()
        } else if c.items.is_empty() {
            view! {
                <p class="empty">{if q.q.is_empty() && q.category.is_empty() && !filtered {
                    "Belum ada produk di pasar ini. Warga yang berjualan dapat membuka lapak lewat \"Lapak saya\"."
                } else {
                    "Tidak ada produk yang cocok. Coba kata lain atau hapus saringan."
                }}</p>
            }.into_any()
        } else {
            view! { <ProductGrid items=c.items show_village=in_region/> }.into_any()
        }}
        {c.map.is_none().then(|| view! { <PageNav links=c.links href=page_link/> })}
    }
}

/// The catalogue's results on the village drawn by the server: an SVG with a dot per shop that
/// sells a matching product, linked to the shop's page. No script, no tiles.
fn results_map(m: ResultsMap) -> impl IntoView {
    if m.dots.is_empty() {
        let text = if m.unplaced > 0 {
            "Toko dengan produk yang cocok belum menandai lokasinya di peta."
        } else {
            "Tidak ada toko dengan produk yang cocok."
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let mut svg =
        format!("<svg viewBox=\"-8 -8 {} {}\" role=\"img\" aria-label=\"Peta toko\">", m.width + 16, m.height + 16);
    for d in &m.areas {
        svg.push_str(&format!("<path class=\"area\" d=\"{d}\"/>"));
    }
    for d in &m.boundary {
        svg.push_str(&format!("<path class=\"boundary\" d=\"{d}\"/>"));
    }
    for dot in &m.dots {
        let label = escape(&format!("{} ({} produk)", dot.shop, dot.products));
        svg.push_str(&format!(
            "<a href=\"{}\"><title>{label}</title><circle cx=\"{:.0}\" cy=\"{:.0}\" r=\"7\"/></a>",
            escape(&dot.href),
            dot.x,
            dot.y
        ));
    }
    svg.push_str("</svg>");
    let unplaced = (m.unplaced > 0).then(|| format!("{} produk dari toko yang belum menandai lokasinya.", m.unplaced));
    view! {
        <div class="results-map" inner_html=svg></div>
        <ul class="card-list" id="map-shops">
            {m.dots.into_iter().map(|d| view! {
                <li><a href=d.href>{d.shop}</a><span class="muted">{format!(" · {} produk", d.products)}</span></li>
            }).collect_view()}
        </ul>
        {unplaced.map(|t| view! { <p class="muted">{t}</p> })}
    }
    .into_any()
}

/// `/{slug}/pasar/produk/{id}`: photos, price, the seller and "Hubungi via WhatsApp".
fn product_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                match from_json::<ProductDetail>(data.await) {
                    Ok(p) => {
                        let shop_href = village_href(&slug, &format!("/pasar/toko/{}", p.shop.id));
                        let first = p.photos.first().cloned();
                        let more = p.photos.iter().skip(1).cloned().collect::<Vec<_>>();
                        let place = [p.shop.dusun.clone(), Some(p.shop.address.clone())].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                        view! {
                            <Title text=p.name.clone()/>
                            <nav class="crumbs"><a href=village_href(&slug, "/pasar")>"‹ Pasar"</a></nav>
                            <article class="product">
                                {first.map(|ph| view! {
                                    <img class="product-photo" src=ph.url alt=p.name.clone() width=ph.width.to_string() height=ph.height.to_string()/>
                                })}
                                {(!more.is_empty()).then(|| view! {
                                    <div class="thumbs">
                                        {more.into_iter().map(|ph| view! {
                                            <a href=ph.url><img src=ph.thumb alt="Foto lain" width="96" height="96" loading="lazy"/></a>
                                        }).collect_view()}
                                    </div>
                                })}
                                <h1>{p.name.clone()}</h1>
                                {price_view(p.price.clone(), p.discount_price.clone(), &p.unit)}
                                <p>
                                    <span class="badge">{p.category.clone()}</span> " "
                                    {match p.availability {
                                        Availability::Tersedia => view! { <span class="badge ok">{p.availability.label()}</span> }.into_any(),
                                        other => availability_badge(other).into_any(),
                                    }}
                                </p>
                                <a class="button whatsapp" id="whatsapp" href=p.whatsapp_link.clone() target="_blank" rel="noopener">"Hubungi via WhatsApp"</a>
                                {(!p.description.is_empty()).then(|| view! { <p class="description">{p.description.clone()}</p> })}
                            </article>
                            <section class="card shop-box">
                                {p.shop.photo.clone().map(|src| view! { <img class="shop-thumb" src=src alt="" width="64" height="64" loading="lazy"/> })}
                                <h2><a href=shop_href.clone()>{p.shop.name.clone()}</a></h2>
                                <p class="muted">{p.shop.category.clone()}</p>
                                <p>{place}</p>
                                {(!p.shop.hours.is_empty()).then(|| view! { <p>{format!("Jam buka: {}", p.shop.hours)}</p> })}
                                <p>{format!("WhatsApp: {}", p.shop.phone)}</p>
                                <a href=shop_href>"Lihat semua produk toko ini ›"</a>
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/{slug}/pasar/toko/{id}`: the shop, a small map of where it is, its products.
fn shop_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                match from_json::<ShopPage>(data.await) {
                    Ok(page) => {
                        let s = page.shop;
                        let pin = RwSignal::new(s.place);
                        let wa = format!("https://wa.me/{}", s.whatsapp);
                        view! {
                            <Title text=s.name.clone()/>
                            <nav class="crumbs"><a href=village_href(&slug, "/pasar")>"‹ Pasar"</a></nav>
                            <header class="shop-head">
                                {s.photo.clone().map(|src| view! { <img src=src alt="" width="240" height="240"/> })}
                                <div>
                                    <h1>{s.name.clone()}</h1>
                                    <p><span class="badge">{s.category.clone()}</span></p>
                                </div>
                            </header>
                            {(!s.description.is_empty()).then(|| view! { <p class="description">{s.description.clone()}</p> })}
                            <dl class="facts">
                                <dt>"Alamat"</dt><dd>{[s.dusun.clone(), Some(s.address.clone())].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</dd>
                                {(!s.hours.is_empty()).then(|| view! { <dt>"Jam buka"</dt><dd>{s.hours.clone()}</dd> })}
                                <dt>"WhatsApp"</dt><dd>{s.phone.clone()}</dd>
                            </dl>
                            <p class="row-actions">
                                <a class="button whatsapp" href=wa target="_blank" rel="noopener">"Hubungi via WhatsApp"</a>
                                {s.place.map(|(lat, lng)| view! {
                                    <a class="button secondary" href=format!("geo:{lat:.6},{lng:.6}?q={lat:.6},{lng:.6}")>"Petunjuk arah"</a>
                                })}
                            </p>
                            {s.place.is_some().then(|| view! { <section class="card small-map"><VillageMapView map=page.map.clone() pin/></section> })}
                            <h2>"Produk"</h2>
                            {if page.products.is_empty() {
                                view! { <p class="empty">"Toko ini belum memajang produk."</p> }.into_any()
                            } else {
                                view! { <ProductGrid items=page.products/> }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

// ---------------------------------------------------------------------------------------------
// The seller's pages

fn form_values(ev: &leptos::ev::SubmitEvent) -> Option<web_sys::FormData> {
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    web_sys::FormData::new_with_form(&form).ok()
}

fn field(data: &web_sys::FormData, name: &str) -> String {
    data.get(name).as_string().unwrap_or_default()
}

fn problem_view(problems: RwSignal<Vec<Problem>>, field: &'static str) -> impl Fn() -> Option<AnyView> {
    move || {
        problems
            .with(|ps| ps.iter().find(|p| p.field == field).map(|p| p.message.clone()))
            .map(|m| view! { <p class="field-error" role="alert">{m}</p> }.into_any())
    }
}

fn go(to: &str) {
    let _ = window().location().set_href(to);
}

pub fn status_badge(s: ShopStatus) -> impl IntoView {
    let class = match s {
        ShopStatus::Menunggu => "badge warn",
        ShopStatus::Aktif => "badge ok",
        ShopStatus::Ditolak | ShopStatus::Disembunyikan => "badge bad",
    };
    view! { <span class=class>{s.label()}</span> }
}

/// A shop's form: opening one (a resident's own, or by an official for the resident with the
/// NIK typed in `nik_field`) or changing one (`shop`).
#[component]
pub fn ShopForm(
    slug: String,
    map: VillageMap,
    initial: ShopInput,
    #[prop(optional)] shop: Option<i64>,
    #[prop(optional)] nik_field: bool,
) -> impl IntoView {
    let problems = RwSignal::new(
        crate::ui::submitted().filter(|s| s.value("jenis") == "lapak").map(|s| s.problems).unwrap_or_default(),
    );
    let pin = RwSignal::new(initial.lat.zip(initial.lng));
    let target = slug.clone();
    let save = Action::new(move |(input, nik): &(ShopInput, Option<String>)| {
        let (slug, input, nik) = (target.clone(), input.clone(), nik.clone());
        async move {
            match shop {
                Some(id) => update_shop(slug, id, input).await,
                None => open_shop(slug, input, nik).await,
            }
        }
    });
    let done = slug.clone();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(id)) if nik_field => go(&village_href(&done, &format!("/admin/pasar?baru={id}"))),
        Some(Ok(id)) => go(&village_href(&done, &format!("/pasar/kelola/{id}"))),
        Some(Err(AppError::Refused(p))) => problems.set(p),
        _ => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        let input = ShopInput {
            name: field(&data, "name"),
            description: field(&data, "description"),
            category: field(&data, "category"),
            whatsapp: field(&data, "whatsapp"),
            address: field(&data, "address"),
            lat: pin.get_untracked().map(|p| p.0),
            lng: pin.get_untracked().map(|p| p.1),
            hours: field(&data, "hours"),
        };
        let mut found = input.problems();
        let nik = nik_field.then(|| field(&data, "nik").trim().to_string());
        if nik.as_deref() == Some("") {
            found.insert(0, Problem::new("nik", "Tulis NIK warga pemilik usaha."));
        }
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        save.dispatch((input, nik));
    };
    let p = move |f: &'static str| problem_view(problems, f);
    let error = move || match save.value().get() {
        Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
        _ => None,
    };
    // Without the WASM (or before it arrives) the form posts itself (`market::http::shop_form`);
    // refused, the page comes back with what was typed.
    let action = format!("/api/market/{slug}/lapak");
    let sent = crate::ui::submitted().filter(|s| s.value("jenis") == "lapak");
    let nik_typed = sent.as_ref().map(|s| s.value("nik")).unwrap_or_default();
    let message = sent.as_ref().and_then(|s| s.message.clone());
    let initial = match sent {
        Some(sent) => ShopInput {
            name: sent.value("name"),
            description: sent.value("description"),
            category: sent.value("category"),
            whatsapp: sent.value("whatsapp"),
            address: sent.value("address"),
            hours: sent.value("hours"),
            ..initial
        },
        None => initial,
    };
    let chosen = initial.category.clone();
    view! {
        <form class="form shop-form" on:submit=submit novalidate method="post" action=action>
            {crate::ui::plain_post_fields("lapak")}
            {message.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <input type="hidden" name="id" value=shop.map(|id| id.to_string()).unwrap_or_default()/>
            {nik_field.then(|| view! {
                <label for="s-nik">"NIK warga pemilik usaha"</label>
                <input id="s-nik" name="nik" type="text" inputmode="numeric" maxlength="16" autocomplete="off" value=nik_typed/>
                {p("nik")}
            })}
            <label for="s-name">"Nama usaha"</label>
            <input id="s-name" name="name" type="text" maxlength="80" value=initial.name.clone() placeholder="Contoh: Warung Bu Siti"/>
            {p("name")}
            <label for="s-category">"Jenis usaha"</label>
            <select id="s-category" name="category">
                <option value="">"— pilih —"</option>
                {CATEGORIES.iter().map(|c| view! { <option value=c.code selected={chosen == c.code}>{format!("{} {}", c.icon, c.label)}</option> }).collect_view()}
            </select>
            {p("category")}
            <label for="s-whatsapp">"Nomor WhatsApp"</label>
            <input id="s-whatsapp" name="whatsapp" type="tel" inputmode="tel" maxlength="20" value=initial.whatsapp.clone() placeholder="081234567890" autocomplete="tel"/>
            {p("whatsapp")}
            <label for="s-address">"Alamat"</label>
            <input id="s-address" name="address" type="text" maxlength="200" value=initial.address.clone() placeholder="Kp. Kramat RT 002/001"/>
            {p("address")}
            <label for="s-hours">"Jam buka (boleh dikosongkan)"</label>
            <input id="s-hours" name="hours" type="text" maxlength="100" value=initial.hours.clone() placeholder="Setiap hari 07.00–17.00"/>
            {p("hours")}
            <label for="s-description">"Keterangan (boleh dikosongkan)"</label>
            <textarea id="s-description" name="description" rows="3" maxlength="1000">{initial.description.clone()}</textarea>
            {p("description")}
            <fieldset class="place">
                <legend>"Lokasi usaha (boleh dikosongkan)"</legend>
                <VillageMapView map pin editable=true/>
                {p("place")}
            </fieldset>
            {error}
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {move || match (save.pending().get(), shop.is_some()) {
                    (true, _) => "Menyimpan…",
                    (false, true) => "Simpan perubahan",
                    (false, false) => "Buka lapak",
                }}
            </button>
        </form>
    }
}

/// `/{slug}/pasar/kelola`: the resident's shops, or the form to open the first.
fn mine_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Title text="Lapak saya"/>
        <h1>"Lapak saya"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                match from_json::<SellerPage>(data.await) {
                    Ok(page) => {
                        let first = page.shops.is_empty();
                        view! {
                            {first.then(|| view! {
                                <p class="lead">"Jual hasil usaha Anda di pasar desa. Isi data lapak; setelah disetujui petugas desa, produk Anda tampil untuk pembeli dan mereka menghubungi Anda lewat WhatsApp."</p>
                            })}
                            {(!first).then(|| view! {
                                <ul class="card-list" id="my-shops">
                                    {page.shops.iter().map(|s| view! {
                                        <li>
                                            <a rel="external" href=village_href(&slug, &format!("/pasar/kelola/{}", s.id))>{s.input.name.clone()}</a>
                                            " " {status_badge(s.status)}
                                            <span class="muted">{format!(" · {} produk", s.products.len())}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                            {if page.can_open {
                                view! {
                                    <details class="card" open=first>
                                        <summary><strong>"Buka lapak baru"</strong></summary>
                                        <ShopForm slug=slug.clone() map=page.map initial=ShopInput::default()/>
                                    </details>
                                }.into_any()
                            } else {
                                view! { <p class="hint">"Satu warga dapat membuka paling banyak 3 lapak."</p> }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(AppError::Forbidden) => view! {
                        <p class="notice">"Anda masuk sebagai petugas desa. Lapak warga dikelola dari halaman petugas."</p>
                        <p><a class="button" rel="external" href=village_href(&slug, "/admin/pasar")>"Pasar (petugas)"</a></p>
                    }.into_any(),
                    Err(error) => signed_in_error(&slug, error),
                }
            })}
        </Suspense>
    }
}

/// `/{slug}/pasar/kelola/{id}`: a shop's state, its data and its products with their photos.
fn manage_page(slug: Signal<String>, data: PageData) -> impl IntoView {
    view! {
        <Title text="Kelola lapak"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let slug = slug.get_untracked();
                match from_json::<ManagePage>(data.await) {
                    Ok(page) => view! { <Manage page slug data/> }.into_any(),
                    Err(error) => signed_in_error(&slug, error),
                }
            })}
        </Suspense>
    }
}

fn status_note(s: &MyShop) -> &'static str {
    match s.status {
        ShopStatus::Menunggu => {
            "Lapak ini menunggu persetujuan petugas desa. Sambil menunggu, tambahkan produk dan fotonya."
        }
        ShopStatus::Aktif => "Lapak ini tampil di pasar desa.",
        ShopStatus::Ditolak => "Lapak ini ditolak. Perbaiki datanya lalu simpan: lapak diajukan lagi.",
        ShopStatus::Disembunyikan => "Lapak ini disembunyikan petugas desa dan tidak tampil untuk pembeli.",
    }
}

#[component]
fn Manage(page: ManagePage, slug: String, data: PageData) -> impl IntoView {
    let s = page.shop;
    let query = use_query_map();
    let focused = query.read_untracked().get("produk").and_then(|p| p.parse::<i64>().ok());
    let upload_error = query.read_untracked().get("galat");
    // An upload's error belongs to the product named in the address, else to the shop's photo.
    let shop_photo_error = if focused.is_none() { upload_error.clone() } else { None };
    let public = village_href(&slug, &format!("/pasar/toko/{}", s.id));
    let shop_id = s.id;
    let category = s.input.category.clone();
    let new_product = ProductInput {
        category: category.clone(),
        unit: "pcs".into(),
        availability: Availability::Tersedia.as_str().into(),
        ..ProductInput::default()
    };
    let no_products = s.products.is_empty();
    view! {
        <nav class="crumbs">
            {if page.official {
                view! { <a rel="external" href=village_href(&slug, "/admin/pasar")>"‹ Pasar (petugas)"</a> }.into_any()
            } else {
                view! { <a rel="external" href=village_href(&slug, "/pasar/kelola")>"‹ Lapak saya"</a> }.into_any()
            }}
        </nav>
        <h1>{s.input.name.clone()}</h1>
        <p id="shop-status">{status_badge(s.status)} " " <span class="muted">{status_note(&s)}</span></p>
        {(!s.note.is_empty()).then(|| view! { <p class="warning-box">{format!("Catatan petugas: {}", s.note)}</p> })}
        {(s.status == ShopStatus::Aktif).then(|| view! { <p><a href=public.clone()>"Lihat halaman toko ›"</a></p> })}
        <section class="card" id="foto-lapak">
            <h2>"Foto lapak"</h2>
            {match s.photo.clone() {
                Some(src) => view! { <img class="shop-thumb" src=src alt="Foto lapak" width="96" height="96"/> }.into_any(),
                None => view! { <p class="muted">"Belum ada foto. Foto warung atau tempat usaha membantu pembeli menemukan Anda."</p> }.into_any(),
            }}
            {shop_photo_error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <form class="upload" method="post" action=format!("/api/market/{slug}/toko/{}/foto", s.id) enctype="multipart/form-data">
                <input type="file" name="foto" accept="image/jpeg,image/png,image/webp" required aria-label="Foto lapak"/>
                <button type="submit" class="button secondary">{if s.photo.is_some() { "Ganti foto" } else { "Unggah foto" }}</button>
            </form>
        </section>
        <details class="card">
            <summary><strong>"Ubah data lapak"</strong></summary>
            <ShopForm slug=slug.clone() map=page.map initial=s.input.clone() shop=s.id/>
        </details>
        <h2>"Produk"</h2>
        <details class="card" id="new-product" open=no_products>
            <summary><strong>"Tambah produk"</strong></summary>
            <ProductForm slug=slug.clone() shop=shop_id initial=new_product/>
        </details>
        {no_products.then(|| view! { <p class="empty">"Belum ada produk. Tambahkan yang pertama di atas."</p> })}
        <div class="my-products">
            {s.products.into_iter().map(|p| {
                let error = (focused == Some(p.id)).then(|| upload_error.clone()).flatten();
                view! { <MyProductCard p slug=slug.clone() shop=shop_id official=page.official error data/> }
            }).collect_view()}
        </div>
    }
}

/// The product form: adding (`id` `None`) or changing a product.
#[component]
fn ProductForm(slug: String, shop: i64, initial: ProductInput, #[prop(optional)] id: Option<i64>) -> impl IntoView {
    use super::model::{OUTBOX_KIND, ProductItem};
    use crate::outbox::client::{self, OutboxForm};
    let outbox = OutboxForm::new();
    let problems = outbox.problems;
    // Without the WASM the form posts itself to the outbox's plain endpoint. Refused, the page
    // comes back with what was typed: in this form only if it was this one.
    let key = id.map_or_else(|| "baru".to_string(), |i| i.to_string());
    let action = format!("/api/outbox/{slug}/formulir");
    let this_one = crate::ui::submitted().is_some_and(|s| {
        s.value("jenis") == OUTBOX_KIND.as_str() && s.value("id") == key && s.value("shop") == shop.to_string()
    });
    let initial = if this_one {
        let typed = crate::ui::typed;
        ProductInput {
            name: typed("name"),
            description: typed("description"),
            category: typed("category"),
            price: typed("price"),
            discount_price: typed("discount_price"),
            unit: typed("unit"),
            availability: typed("availability"),
        }
    } else {
        if crate::ui::submitted().is_some() {
            problems.set(Vec::new());
        }
        initial
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(element), Some(data)) = (client::form_of(&ev), form_values(&ev)) else { return };
        let input = ProductInput {
            name: field(&data, "name"),
            description: field(&data, "description"),
            category: field(&data, "category"),
            price: field(&data, "price"),
            discount_price: field(&data, "discount_price"),
            unit: field(&data, "unit"),
            availability: field(&data, "availability"),
        };
        if let Err(found) = input.parse() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        let label = format!("Produk {}", input.name);
        outbox.send(element, slug.clone(), OUTBOX_KIND, ProductItem { shop, id, input }, label);
    };
    let p = move |f: &'static str| problem_view(problems, f);

    let at = {
        let key = key.clone();
        move |name: &str| format!("p-{name}-{key}")
    };
    let (category, unit, availability) = (initial.category.clone(), initial.unit.clone(), initial.availability.clone());
    view! {
        {outbox.sent_view()}
        <form class="form product-form" data-offline="antre" on:submit=submit novalidate hidden=move || outbox.done()
            method="post" action=action enctype="multipart/form-data">
            {crate::ui::plain_post_fields(OUTBOX_KIND.as_str())}
            // Only the refused form says what went wrong with it as a whole.
            {this_one.then(crate::ui::submitted_message)}
            <input type="hidden" name="shop" value=shop.to_string()/>
            <input type="hidden" name="id" value=key.clone()/>
            <label for=at("name")>"Nama produk"</label>
            <input id=at("name") name="name" type="text" maxlength="100" value=initial.name.clone() placeholder="Contoh: Keripik singkong pedas"/>
            {p("name")}
            <div class="two">
                <div>
                    <label for=at("price")>"Harga (Rp)"</label>
                    <input id=at("price") name="price" type="text" inputmode="numeric" maxlength="15" value=initial.price.clone() placeholder="15.000"/>
                    {p("price")}
                </div>
                <div>
                    <label for=at("unit")>"Satuan"</label>
                    <select id=at("unit") name="unit">
                        {UNITS.iter().map(|u| view! { <option value=*u selected={unit == *u}>{*u}</option> }).collect_view()}
                    </select>
                    {p("unit")}
                </div>
            </div>
            <label for=at("discount")>"Harga diskon (boleh dikosongkan)"</label>
            <input id=at("discount") name="discount_price" type="text" inputmode="numeric" maxlength="15" value=initial.discount_price.clone()/>
            {p("discount_price")}
            <label for=at("availability")>"Ketersediaan"</label>
            <select id=at("availability") name="availability">
                {Availability::ALL.iter().map(|a| view! { <option value=a.as_str() selected={availability == a.as_str()}>{a.label()}</option> }).collect_view()}
            </select>
            {p("availability")}
            <label for=at("category")>"Kategori"</label>
            <select id=at("category") name="category">
                {CATEGORIES.iter().map(|c| view! { <option value=c.code selected={category == c.code}>{c.label}</option> }).collect_view()}
            </select>
            {p("category")}
            <label for=at("description")>"Keterangan (boleh dikosongkan)"</label>
            <textarea id=at("description") name="description" rows="3" maxlength="2000">{initial.description.clone()}</textarea>
            {p("description")}
            {client::refusal_view(outbox.outcome)}
            <button type="submit" class="button" disabled=move || outbox.sending.get()>
                {move || if outbox.sending.get() { "Menyimpan…" } else if id.is_some() { "Simpan perubahan" } else { "Simpan produk" }}
            </button>
        </form>
    }
}

/// One of the seller's products: its photos (add, remove), its fields, and for officials the
/// switch that hides it from the public.
#[component]
fn MyProductCard(
    p: MyProduct,
    slug: String,
    shop: i64,
    official: bool,
    error: Option<String>,
    data: PageData,
) -> impl IntoView {
    let id = p.id;
    let remove_photo = Action::new(move |(slug, photo): &(String, i64)| {
        let (slug, photo) = (slug.clone(), *photo);
        async move { delete_photo(slug, photo).await }
    });
    let remove = Action::new(move |slug: &String| {
        let slug = slug.clone();
        async move { delete_product(slug, id).await }
    });
    let hide = Action::new(move |(slug, reason): &(String, Option<String>)| {
        let (slug, reason) = (slug.clone(), reason.clone());
        async move { hide_product(slug, id, reason).await }
    });
    Effect::new(move |_| {
        let done = [
            remove_photo.value().get().map(|r| r.is_ok()),
            remove.value().get().map(|r| r.is_ok()),
            hide.value().get().map(|r| r.is_ok()),
        ];
        if done.contains(&Some(true)) {
            data.refetch();
        }
    });
    let failure = move || {
        [remove_photo.value().get(), remove.value().get(), hide.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let upload = format!("/api/market/{slug}/produk/{id}/foto?toko={shop}");
    let full = p.photos.len() >= super::model::MAX_PHOTOS;
    let hidden = p.hidden_reason.clone();
    let (s1, s2, s3) = (slug.clone(), slug.clone(), slug.clone());
    let hide_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(data) = form_values(&ev) else { return };
        hide.dispatch((s3.clone(), Some(field(&data, "reason"))));
    };
    view! {
        <article class="card my-product" id=format!("produk-{id}")>
            <h3>{p.input.name.clone()}</h3>
            <p>
                <strong>{p.price.clone()}</strong>
                <span class="muted">{format!(" / {} · {}", p.input.unit, Availability::parse(&p.input.availability).map_or("", |a| a.label()))}</span>
            </p>
            {hidden.clone().map(|r| view! { <p class="warning-box">{format!("Disembunyikan petugas desa: {r}")}</p> })}
            <div class="thumbs">
                {p.photos.iter().map(|ph| {
                    let (slug, photo) = (s1.clone(), ph.id);
                    view! {
                        <figure>
                            <img src=ph.thumb.clone() alt="Foto produk" width="96" height="96" loading="lazy"/>
                            <button type="button" class="link" on:click=move |_| { remove_photo.dispatch((slug.clone(), photo)); }>"Hapus foto"</button>
                        </figure>
                    }
                }).collect_view()}
            </div>
            {error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {if full {
                view! { <p class="hint">"Sudah 5 foto (paling banyak). Hapus satu untuk mengganti."</p> }.into_any()
            } else {
                view! {
                    <form class="upload" method="post" action=upload enctype="multipart/form-data">
                        <input type="file" name="foto" accept="image/jpeg,image/png,image/webp" required aria-label="Foto produk"/>
                        <button type="submit" class="button secondary">"Unggah foto"</button>
                    </form>
                    <p class="hint">"JPEG, PNG atau WebP. Foto diperkecil otomatis dan data lokasinya dihapus."</p>
                }.into_any()
            }}
            <details>
                <summary>"Ubah produk"</summary>
                <ProductForm slug=slug.clone() shop initial=p.input.clone() id=id/>
            </details>
            {failure}
            <p class="row-actions">
                <button type="button" class="button danger" on:click=move |_| {
                    if window().confirm_with_message("Hapus produk ini beserta fotonya?").unwrap_or(false) {
                        remove.dispatch(s2.clone());
                    }
                }>"Hapus produk"</button>
            </p>
            {official.then(|| match hidden {
                Some(_) => view! {
                    <button type="button" class="button secondary" on:click=move |_| { hide.dispatch((slug.clone(), None)); }>"Tampilkan lagi"</button>
                }.into_any(),
                None => view! {
                    <form class="form" on:submit=hide_submit>
                        <label for=format!("hide-{id}")>"Alasan menyembunyikan (untuk penjual)"</label>
                        <input id=format!("hide-{id}") name="reason" type="text" minlength="10" maxlength="300" required/>
                        <button type="submit" class="button danger">"Sembunyikan produk"</button>
                    </form>
                }.into_any(),
            })}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn routes_tell_their_page_and_which_are_sent_without_the_wasm() {
        for (slug, path, page, fixed) in [
            ("desa", "/desa/pasar", Page::Catalogue, true),
            ("desa", "/pasar", Page::Catalogue, true),
            ("", "/pasar", Page::Region, true),
            ("desa", "/desa/pasar/produk/12", Page::Product, true),
            ("desa", "/desa/pasar/toko/3", Page::Shop, false),
            ("desa", "/desa/pasar/kelola", Page::Mine, false),
            ("desa", "/desa/pasar/kelola/3", Page::Manage, false),
            ("desa", "/desa/admin/pasar", Page::Admin, false),
            ("desa", "/admin/pasar/", Page::Admin, false),
        ] {
            assert_eq!(Page::of(slug, path), page, "{path}");
            assert_eq!(Page::is_static(path), fixed, "{path}");
        }
        assert!(!Page::is_static("/desa/pengaduan"));
        assert!(!Page::is_static("/desa"));
    }

    #[test]
    fn page_links_keep_the_search_and_filters() {
        use super::{CatalogueQuery, Sort, catalogue_link};
        let q = CatalogueQuery {
            q: "keripik pedas".into(),
            category: "makanan".into(),
            dusun: Some(4),
            min: "5.000".into(),
            available: true,
            sort: Sort::Cheapest,
            ..CatalogueQuery::default()
        };
        assert_eq!(
            catalogue_link("/desa/pasar", &q, "", "hal=3&setelah=aTU"),
            "/desa/pasar?q=keripik%20pedas&kategori=makanan&dusun=4&min=5.000&tersedia=1&urut=termurah&hal=3&setelah=aTU"
        );
        assert_eq!(catalogue_link("/pasar", &CatalogueQuery::default(), "36.04", ""), "/pasar?wilayah=36.04");
        assert_eq!(catalogue_link("/desa/pasar", &CatalogueQuery::default(), "", ""), "/desa/pasar");
    }
}

/// "Lapak saya" (`pasar/kelola`: the resident's shops and the form to open one) and a shop's
/// management (`pasar/kelola/:id`: its products and their photos) are split routes of their
/// own: the sellers' forms, none of the catalogue's and the officials' code, and the first page
/// a new seller opens none of the products' code either.
pub type SellerData = (Signal<String>, PageData);

pub fn my_shops_data() -> SellerData {
    route_data(&[], |k| Box::pin(my_shops_json(k)))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn my_shops_json(key: String) -> Result<String, AppError> {
    to_json(my_shops(key_part(&key, 0)).await)
}

fn my_shops_page((slug, data): SellerData) -> AnyView {
    mine_page(slug, data).into_any()
}

pub fn seller_data() -> SellerData {
    route_data(&[KeyPart::Param("id")], |k| Box::pin(seller_json(k)))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn seller_json(key: String) -> Result<String, AppError> {
    let id = key_part(&key, 1).parse().map_err(|_| AppError::NotFound)?;
    to_json(get_managed_shop(key_part(&key, 0), id).await)
}

fn seller_page((slug, data): SellerData) -> AnyView {
    manage_page(slug, data).into_any()
}

crate::ui::lazy_page!(pub Market(MarketData) = market_data => market_page);
crate::ui::lazy_page!(pub MyShops(SellerData) = my_shops_data => my_shops_page);
crate::ui::lazy_page!(pub Seller(SellerData) = seller_data => seller_page);
