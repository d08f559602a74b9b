//! The map pages (split routes, see `app::lazy_page!`): the public village map with its layer
//! switcher and legend (`/peta`), and the officials' editor (`/admin/peta`) where features are
//! drawn, described, given a photo, imported and exported.
//!
//! The pages render on the server with the legend and the lists; the map itself is drawn in the
//! browser by `view.rs`, from layers fetched as GeoJSON.

use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::hooks::use_query_map;

use super::model::{CATEGORIES, EditorPage, FeatureRow, LayerInfo, MapPage, OVERVIEW_URL, OverviewPage, category};
use crate::error::AppError;
use crate::site::village_href;
use crate::ui::{ErrorView, KeyPart, Loading, PageData, from_json, key_part, route_data, signed_in_error, to_json};

pub type PublicMapData = (Signal<String>, PageData);

pub fn public_map_data() -> PublicMapData {
    route_data(&[], |k| Box::pin(public_map_json(k)))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn public_map_json(key: String) -> Result<String, AppError> {
    to_json(super::api::get_map_page(key_part(&key, 0)).await)
}

/// The scripts and styles of Leaflet, on the pages that show a map only.
#[component]
pub fn LeafletAssets(#[prop(optional)] editor: bool) -> impl IntoView {
    view! {
        <link rel="stylesheet" href="/vendor/leaflet/leaflet.css"/>
        <script src="/vendor/leaflet/leaflet.js" async></script>
        // leaflet-geoman's script needs Leaflet first: `view.rs` adds it once Leaflet has run.
        {editor.then(|| view! { <link rel="stylesheet" href="/vendor/geoman/leaflet-geoman.css"/> })}
    }
}

/// `/{slug}/peta`: the village map.
pub fn public_map_page((slug, data): PublicMapData) -> AnyView {
    view! {
        <Title text="Peta desa"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<MapPage>(data.await) {
                    Ok(page) => view! { <PublicMap page slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn PublicMap(page: MapPage, slug: String) -> impl IntoView {
    let layers: Vec<(LayerInfo, RwSignal<bool>)> = page
        .layers
        .into_iter()
        .filter(|l| l.count > 0)
        .map(|l| {
            let on = RwSignal::new(l.on);
            (l, on)
        })
        .collect();
    let el = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    super::view::start_public(
        el,
        page.map.clone(),
        page.bounds,
        layers.clone(),
        village_href(&slug, "").trim_end_matches('/').to_string(),
    );
    let population = layers.iter().find(|(l, _)| l.key == super::model::LAYER_POPULATION).map(|(_, on)| *on);
    let places: u64 = layers.iter().filter(|(l, _)| category(&l.key).is_some()).map(|(l, _)| l.count).sum();
    let shades = page.shades.clone();
    let edit = page.can_edit.then(|| village_href(&slug, "/admin/peta"));
    view! {
        <LeafletAssets/>
        <h1>{format!("Peta {}", page.village)}</h1>
        <p class="lead">"Batas desa, wilayah dan tempat penting. Lapisan desa tetap tampil walau peta dasar tidak termuat (sinyal lemah)."</p>
        {edit.map(|href| view! { <nav class="row-actions"><a rel="external" class="button secondary" href=href>"Ubah peta"</a></nav> })}
        <div class="map-frame map-large">
            <div class="map" id="village-map" node_ref=el role="application" aria-label="Peta desa"></div>
        </div>
        <noscript>
            <p class="notice">
                "Peta interaktif memerlukan JavaScript. Tanpa JavaScript, "
                <a href=format!("/api/map/{slug}/ekspor")>"unduh data peta (GeoJSON)"</a>
                " atau lihat wilayah desa di "<a href=village_href(&slug, "")>"Beranda"</a>"."
            </p>
        </noscript>
        {(places == 0).then(|| view! { <p class="empty">"Belum ada tempat yang ditandai di peta desa ini."</p> })}
        <fieldset class="layers" id="layers">
            <legend>"Lapisan peta"</legend>
            {layers.iter().map(|(l, on)| {
                let on = *on;
                let id = format!("layer-{}", l.key);
                view! {
                    <label class="layer-toggle" for=id.clone()>
                        <input type="checkbox" id=id.clone() data-layer=l.key.clone() prop:checked=move || on.get()
                            on:change=move |ev| on.set(event_target_checked(&ev))/>
                        <span class="legend-icon" style=format!("color:{};border-color:{}", l.color, l.color) aria-hidden="true">{l.icon.clone()}</span>
                        <span>{l.label.clone()}</span>
                        {(category(&l.key).is_some()).then(|| view! { <span class="muted">{format!(" ({})", l.count)}</span> })}
                    </label>
                }
            }).collect_view()}
        </fieldset>
        {population.map(|on| view! {
            <div class="legend" id="population-legend" hidden=move || !on.get()>
                <strong>"Jumlah penduduk per dusun"</strong>
                <ul class="shades">
                    {shades.iter().map(|s| view! {
                        <li><span class="swatch" style=format!("background:{}", s.color)></span>{s.label.clone()}</li>
                    }).collect_view()}
                </ul>
            </div>
        })}
    }
}

pub type EditorData = (Signal<String>, PageData);

pub fn editor_data() -> EditorData {
    route_data(&[KeyPart::Query("impor"), KeyPart::Query("galat")], |k| Box::pin(editor_json(k)))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn editor_json(key: String) -> Result<String, AppError> {
    to_json(super::api::get_editor(key_part(&key, 0)).await)
}

/// `/{slug}/admin/peta`: the officials' editor.
pub fn editor_page((slug, data): EditorData) -> AnyView {
    view! {
        <Title text="Ubah peta desa"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match from_json::<EditorPage>(data.await) {
                    Ok(page) => view! { <Editor page slug=slug.get_untracked()/> }.into_any(),
                    Err(error) => signed_in_error(&slug.get_untracked(), error),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// The feature being edited: one drawn but not yet saved (`id` `None`, its geometry), or an
/// existing one.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    pub id: Option<i64>,
    pub kind: String,
    pub geometry: Option<String>,
}

#[component]
fn Editor(page: EditorPage, slug: String) -> impl IntoView {
    let query = use_query_map();
    let rows = RwSignal::new(page.features.clone());
    let selected = RwSignal::new(None::<Selected>);
    let status = RwSignal::new(None::<Result<String, String>>);
    let el = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    super::view::start_editor(el, page.map.clone(), slug.clone(), rows, selected, status);
    // After a photo upload the page comes back with `?fitur=`: that feature stays selected.
    if let Some(id) = query.read_untracked().get("fitur").and_then(|f| f.parse::<i64>().ok())
        && let Some(row) = page.features.iter().find(|r| r.id == id)
    {
        selected.set(Some(Selected { id: Some(id), kind: row.kind.clone(), geometry: None }));
    }
    let imported = query.read_untracked().get("impor");
    let refused = query.read_untracked().get("galat");
    let api = format!("/api/map/{slug}");
    let public = village_href(&slug, "/peta");
    let export_all = format!("{api}/ekspor");
    view! {
        <LeafletAssets editor=true/>
        <h1>{format!("Ubah peta {}", page.village)}</h1>
        <p class="lead">"Gambar titik, garis atau area dengan tombol di kiri peta, lalu isi kategori dan namanya. Ketuk objek yang sudah ada untuk mengubah atau memberi foto."</p>
        <nav class="row-actions">
            <a rel="external" class="button secondary" href=public>"Lihat peta publik"</a>
            <a rel="external" class="button secondary" href=export_all download>"Ekspor GeoJSON"</a>
        </nav>
        {imported.map(|n| view! { <p class="notice" role="status" id="import-done">{format!("{n} objek berhasil diimpor.")}</p> })}
        {refused.map(|m| view! { <p class="form-error" role="alert" id="map-error">{m}</p> })}
        <div class="map-frame map-large">
            <div class="map" id="village-map" node_ref=el role="application" aria-label="Peta desa (mode ubah)"></div>
        </div>
        {move || status.get().map(|s| match s {
            Ok(m) => view! { <p class="notice" role="status" id="map-status">{m}</p> }.into_any(),
            Err(m) => view! { <p class="form-error" role="alert" id="map-status">{m}</p> }.into_any(),
        })}
        {move || selected.get().map(|s| view! { <FeatureForm selected=s slug=slug.clone() rows selectedsig=selected status/> })}
        <h2>"Objek di peta"</h2>
        {move || {
            let list = rows.get();
            if list.is_empty() {
                view! { <p class="empty">"Belum ada objek. Gambar yang pertama di peta di atas, atau impor berkas GeoJSON, KML atau GPX."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list" id="features">
                        {list.into_iter().map(|r| {
                            let id = r.id;
                            let kind = r.kind.clone();
                            let c = category(&r.category);
                            view! {
                                <li>
                                    <span aria-hidden="true">{c.map_or("", |c| c.icon)}</span>" "
                                    <strong>{r.name.clone()}</strong>
                                    <span class="muted">{format!(" · {} · {}", c.map_or("?", |c| c.label), kind_label(&r.kind))}</span>
                                    {r.has_photo.then(|| view! { <span class="muted">" · berfoto"</span> })}
                                    " "
                                    <button type="button" class="link" on:click=move |_| selected.set(Some(Selected { id: Some(id), kind: kind.clone(), geometry: None }))>"Ubah"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
        <h2>"Impor dan ekspor"</h2>
        <form class="form" method="post" enctype="multipart/form-data" action=format!("{api}/impor") id="import-form">
            <label for="import-file">"Berkas GeoJSON, KML atau GPX (paling besar 5 MB, paling banyak 2.000 objek)"</label>
            <input type="file" id="import-file" name="berkas" accept=".geojson,.json,.kml,.gpx,application/geo+json,application/json,application/vnd.google-earth.kml+xml,application/gpx+xml" required/>
            <p class="hint">"Setiap objek diperiksa: geometri sah dan letaknya di dalam atau dekat desa. Jika ada satu yang salah, tidak ada yang disimpan. Nama diambil dari properti \"nama\"/\"name\", kategori dari \"kategori\"."</p>
            <button type="submit" class="button">"Impor"</button>
        </form>
        <p>"Ekspor per lapisan: "
            {CATEGORIES.iter().map(|c| view! {
                <a rel="external" class="chip" href=format!("{api}/ekspor?lapisan={}", c.code) download>{c.label}</a>" "
            }).collect_view()}
        </p>
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "point" => "titik",
        "line" => "garis",
        _ => "area",
    }
}

/// The form under the map for the selected feature: its fields, delete, and its photo.
#[component]
fn FeatureForm(
    selected: Selected,
    slug: String,
    rows: RwSignal<Vec<FeatureRow>>,
    selectedsig: RwSignal<Option<Selected>>,
    status: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let row = selected.id.and_then(|id| rows.read_untracked().iter().find(|r| r.id == id).cloned());
    let default_category = CATEGORIES.iter().find(|c| c.kind == selected.kind).map_or("tempat_lain", |c| c.code);
    let category_value = row.as_ref().map_or(default_category.to_string(), |r| r.category.clone());
    let problems = RwSignal::new(Vec::<super::model::Problem>::new());
    let busy = RwSignal::new(false);
    let problem = move |field: &'static str| {
        move || {
            problems
                .read()
                .iter()
                .find(|p| p.field == field)
                .map(|p| view! { <p class="field-error" role="alert">{p.message.clone()}</p> })
        }
    };
    let new = selected.id.is_none();
    let id = selected.id;
    let photo_action = id.map(|id| format!("/api/map/{slug}/{id}/foto"));
    let photo_src = row.as_ref().filter(|r| r.has_photo).map(|r| format!("/api/map/{slug}/foto/{}?kecil=1", r.id));
    let (save_slug, delete_slug) = (slug.clone(), slug.clone());
    let geometry = selected.geometry.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(t).ok())
        else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        let text = |k: &str| data.get(k).as_string().unwrap_or_default();
        let fields = super::model::FeatureFields {
            category: text("category"),
            name: text("name"),
            description: text("description"),
        };
        let found = fields.problems();
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        busy.set(true);
        let (slug, geometry, kind) = (save_slug.clone(), geometry.clone(), selected.kind.clone());
        leptos::task::spawn_local(async move {
            let answer = super::api::save_feature(slug, id, fields.clone(), geometry.clone()).await;
            busy.set(false);
            match answer {
                Ok(saved) => {
                    #[cfg(feature = "hydrate")]
                    super::view::saved(id, saved, &kind, &fields);
                    rows.update(|list| match list.iter_mut().find(|r| r.id == saved) {
                        Some(r) => {
                            r.category = fields.category.clone();
                            r.name = fields.name.trim().to_string();
                            r.description = fields.description.trim().to_string();
                        }
                        None => list.push(FeatureRow {
                            id: saved,
                            kind: kind.clone(),
                            category: fields.category.clone(),
                            name: fields.name.trim().to_string(),
                            description: fields.description.trim().to_string(),
                            has_photo: false,
                            geometry: geometry.unwrap_or_default(),
                        }),
                    });
                    status.set(Some(Ok(format!("\"{}\" tersimpan.", fields.name.trim()))));
                    selectedsig.set(Some(Selected { id: Some(saved), kind, geometry: None }));
                }
                Err(AppError::Refused(p)) => problems.set(p),
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        });
    };
    let cancel = move |_| {
        #[cfg(feature = "hydrate")]
        super::view::discard_pending();
        selectedsig.set(None);
    };
    let remove = move |_| {
        let Some(id) = id else { return };
        if !window().confirm_with_message("Hapus objek ini dari peta?").unwrap_or(false) {
            return;
        }
        let slug = delete_slug.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = super::api::delete_feature(slug, id).await;
            busy.set(false);
            match answer {
                Ok(()) => {
                    #[cfg(feature = "hydrate")]
                    super::view::removed(id);
                    rows.update(|list| list.retain(|r| r.id != id));
                    selectedsig.set(None);
                    status.set(Some(Ok("Objek dihapus.".into())));
                }
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        });
    };
    let name = row.as_ref().map(|r| r.name.clone()).unwrap_or_default();
    let description = row.as_ref().map(|r| r.description.clone()).unwrap_or_default();
    view! {
        <section class="panel" id="feature-form">
            <h2>{if new { "Objek baru" } else { "Ubah objek" }}</h2>
            <form class="form" on:submit=submit novalidate>
                <label for="f-category">"Kategori"</label>
                <select id="f-category" name="category">
                    {CATEGORIES.iter().map(|c| view! {
                        <option value=c.code selected=c.code == category_value>{format!("{} {}", c.icon, c.label)}</option>
                    }).collect_view()}
                </select>
                {problem("category")}
                <label for="f-name">"Nama"</label>
                <input id="f-name" name="name" type="text" maxlength="100" value=name required/>
                {problem("name")}
                <label for="f-description">"Keterangan (boleh kosong)"</label>
                <textarea id="f-description" name="description" rows="3" maxlength="1000">{description}</textarea>
                {problem("description")}
                {problem("geometry")}
                <div class="row-actions">
                    <button type="submit" class="button" id="save-feature" disabled=move || busy.get()>
                        {move || if busy.get() { "Menyimpan…" } else { "Simpan" }}
                    </button>
                    {if new {
                        view! { <button type="button" class="button secondary" on:click=cancel>"Batal"</button> }.into_any()
                    } else {
                        view! { <button type="button" class="button danger" id="delete-feature" on:click=remove disabled=move || busy.get()>"Hapus"</button> }.into_any()
                    }}
                </div>
            </form>
            {photo_action.map(|action| view! {
                <form class="form" method="post" enctype="multipart/form-data" action=action id="photo-form">
                    {photo_src.map(|src| view! { <img src=src alt="Foto objek" width="160" height="120" loading="lazy"/> })}
                    <label for="f-photo">"Foto (JPEG, PNG atau WebP)"</label>
                    <input type="file" id="f-photo" name="foto" accept="image/jpeg,image/png,image/webp" required/>
                    <button type="submit" class="button secondary">"Unggah foto"</button>
                </form>
            })}
        </section>
    }
}

pub type OverviewData = (Signal<String>, PageData);

pub fn overview_data() -> OverviewData {
    route_data(&[], |_| Box::pin(overview_json()))
}

#[cfg_attr(feature = "hydrate", lazy)]
async fn overview_json() -> Result<String, AppError> {
    to_json(super::api::get_overview().await)
}

/// `/peta` of a deployment: every village's boundary, each a link to its site.
pub fn overview_page((_, data): OverviewData) -> AnyView {
    let el = NodeRef::<leptos::html::Div>::new();
    view! {
        <Title text="Peta desa"/>
        // Fetched while the page's code loads; the map takes it from the browser's cache.
        <Link rel="preload" href=OVERVIEW_URL as_="fetch" crossorigin="anonymous"/>
        <LeafletAssets/>
        <header class="site-header">
            <div class="container header-row"><a class="brand" href="/">"Digdaya"</a></div>
        </header>
        <main class="container">
            <h1>"Peta desa di Digdaya"</h1>
            <p><a href="/">"← Daftar desa"</a></p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match from_json::<OverviewPage>(data.await) {
                        Ok(page) if page.villages == 0 => view! {
                            <p class="empty">"Belum ada desa yang memiliki batas wilayah."</p>
                        }.into_any(),
                        Ok(page) => {
                            #[cfg(feature = "hydrate")]
                            super::view::start_overview(el, page.map.clone());
                            view! {
                                <p class="muted">{format!("{} desa. Ketuk wilayah desa untuk membuka situsnya.", page.villages)}</p>
                                <div class="map-frame overview-map">
                                    <div class="map" id="overview-map" node_ref=el role="application" aria-label="Peta semua desa"></div>
                                </div>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

crate::ui::lazy_page!(pub VillageMap(PublicMapData) = public_map_data => public_map_page);
crate::ui::lazy_page!(pub MapEditor(EditorData) = editor_data => editor_page);
crate::ui::lazy_page!(pub Overview(OverviewData) = overview_data => overview_page);
