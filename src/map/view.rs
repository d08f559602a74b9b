//! The map pages in the browser: Leaflet driven from Rust. The public map fetches each layer's
//! GeoJSON and switches it on and off with the page's checkboxes; the editor adds
//! leaflet-geoman's drawing tools and saves what an official draws through the server functions.

use std::cell::RefCell;
use std::collections::HashMap;

use leaflet::{LatLng, LatLngBounds, Layer, Map};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue, prelude::Closure};

use super::model::{
    FeatureFields, FeatureRow, LAYER_ALL, LAYER_AREAS, LAYER_BOUNDARY, LAYER_COMPLAINTS, LAYER_POPULATION, LayerInfo,
    OVERVIEW_URL, VillageMap, category, html_text,
};
use super::pages::Selected;
use crate::error::AppError;
use crate::geo::map::browser::{
    base_map, bind_tooltip, canvas, circle_marker, div_icon, geo_json, leaflet_loaded, load_script, marker, object,
};

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn prop(feature: &JsValue, key: &str) -> Option<String> {
    get(&get(feature, "properties"), key).as_string()
}

/// Calls `start` with the map's element once it is in the page and Leaflet (and, for the
/// editor, leaflet-geoman) has loaded: after a navigation in the browser the scripts may still
/// be on their way.
fn when_ready(el: NodeRef<leptos::html::Div>, geoman: bool, start: impl Fn(web_sys::HtmlDivElement) + 'static) {
    let tries = RwSignal::new(0u32);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let attempt = tries.get();
        let Some(div) = el.get() else { return false };
        let pm_loaded = || !get(&get(&window(), "L"), "PM").is_undefined();
        if geoman && leaflet_loaded() && !pm_loaded() {
            // A plain `<script>` in the page could run before Leaflet's when both arrive by a
            // navigation in the browser.
            load_script("geoman-script", "/vendor/geoman/leaflet-geoman.min.js");
        }
        if !leaflet_loaded() || (geoman && !pm_loaded()) {
            // Leaflet comes `async` (the page is usable without it): on a slow link it may
            // take a while yet.
            if attempt < 1200 {
                set_timeout(move || tries.set(attempt + 1), std::time::Duration::from_millis(100));
            }
            return false;
        }
        start(div);
        true
    });
}

fn open_at(map: &Map, data: &VillageMap, bounds: Option<[f64; 4]>) {
    match (bounds, data.center) {
        (Some([x0, y0, x1, y1]), _) => {
            map.fit_bounds(&LatLngBounds::new(&LatLng::new(y0, x0), &LatLng::new(y1, x1)));
        }
        (None, Some((lat, lng))) => {
            map.set_view(&LatLng::new(lat, lng), 15.0);
        }
        (None, None) => {
            map.set_view(&LatLng::new(-2.5, 118.0), 4.0);
        }
    }
}

async fn fetch_json(url: &str) -> Option<JsValue> {
    let response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str(url)).await.ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    wasm_bindgen_futures::JsFuture::from(response.json().ok()?).await.ok()
}

/// A category's marker: its symbol on a round badge of its colour.
fn place_icon(color: &str, icon: &str) -> JsValue {
    div_icon(&object(&[
        ("className", "map-icon".into()),
        ("html", format!("<span style=\"background:{color}\">{icon}</span>").into()),
        ("iconSize", js_sys::Array::of2(&30.into(), &30.into()).into()),
        ("iconAnchor", js_sys::Array::of2(&15.into(), &15.into()).into()),
        ("popupAnchor", js_sys::Array::of2(&0.into(), &(-15).into()).into()),
    ]))
}

fn style_of(key: &str, color: &str, feature: &JsValue) -> JsValue {
    match key {
        LAYER_BOUNDARY => object(&[
            ("color", "#0b6e4f".into()),
            ("weight", 3.into()),
            ("fill", false.into()),
            ("interactive", false.into()),
        ]),
        LAYER_AREAS => object(&[
            ("color", "#3d6b8f".into()),
            ("weight", 1.5.into()),
            ("dashArray", "4 4".into()),
            ("fillOpacity", 0.05.into()),
        ]),
        LAYER_POPULATION => object(&[
            ("color", "#ffffff".into()),
            ("weight", 1.into()),
            ("fillColor", prop(feature, "color").unwrap_or_default().into()),
            ("fillOpacity", 0.65.into()),
        ]),
        _ => object(&[
            ("color", color.into()),
            ("weight", 4.into()),
            ("fillColor", color.into()),
            ("fillOpacity", 0.25.into()),
        ]),
    }
}

/// A popup's HTML: name, what else the feature says, its photo and a link. Every text from the
/// data is escaped.
fn popup(key: &str, base: &str, feature: &JsValue) -> String {
    let mut html =
        format!("<div class=\"map-popup\"><strong>{}</strong>", html_text(&prop(feature, "name").unwrap_or_default()));
    for field in ["residents", "description"] {
        if let Some(text) = prop(feature, field) {
            html.push_str(&format!("<p>{}</p>", html_text(&text)));
        }
    }
    if let Some(src) = prop(feature, "photo") {
        html.push_str(&format!("<img src=\"{}\" alt=\"\" width=\"160\" height=\"120\">", html_text(&src)));
    }
    let id = get(&get(feature, "properties"), "id").as_f64().unwrap_or(0.0);
    let geometry = get(feature, "geometry");
    let link = match key {
        // A market shop: its page.
        _ if prop(feature, "href").is_some() => prop(feature, "href").map(|h| (h, "Lihat lapak")),
        LAYER_COMPLAINTS => Some((format!("{base}/admin/pengaduan/{id}"), "Buka laporan")),
        LAYER_POPULATION => Some((format!("{base}/statistik"), "Statistik penduduk")),
        _ if get(&geometry, "type").as_string().as_deref() == Some("Point") => {
            let at = get(&geometry, "coordinates");
            let (lng, lat) = (get(&at, "0").as_f64().unwrap_or(0.0), get(&at, "1").as_f64().unwrap_or(0.0));
            Some((format!("geo:{lat},{lng}?q={lat},{lng}"), "Buka di aplikasi peta"))
        }
        _ => None,
    };
    if let Some((href, text)) = link {
        html.push_str(&format!("<p><a href=\"{}\">{text}</a></p>", html_text(&href)));
    }
    html.push_str("</div>");
    html
}

/// Leaflet options for one layer: its style, its markers and what a tap shows.
fn layer_options(info: &LayerInfo, base: &str) -> JsValue {
    let (key, color, icon, base) = (info.key.clone(), info.color.clone(), info.icon.clone(), base.to_string());
    let style = {
        let (key, color) = (key.clone(), color.clone());
        Closure::<dyn Fn(JsValue) -> JsValue>::new(move |f: JsValue| style_of(&key, &color, &f))
    };
    let point = {
        let key = key.clone();
        Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(move |f: JsValue, at: JsValue| {
            if key == LAYER_COMPLAINTS {
                let options = object(&[
                    ("radius", 8.into()),
                    ("color", "#ffffff".into()),
                    ("weight", 2.into()),
                    ("fillColor", "#c0392b".into()),
                    ("fillOpacity", 1.into()),
                ]);
                return circle_marker(&at, &options).into();
            }
            let name = prop(&f, "name").unwrap_or_default();
            let options =
                object(&[("icon", place_icon(&color, &icon)), ("title", name.clone().into()), ("alt", name.into())]);
            marker(&at, &options).into()
        })
    };
    let each = Closure::<dyn Fn(JsValue, JsValue)>::new(move |f: JsValue, layer: JsValue| {
        let layer = layer.unchecked_ref::<Layer>();
        match key.as_str() {
            LAYER_BOUNDARY => {}
            LAYER_AREAS => {
                // Text, never markup: an area's name is whatever an import or an official typed.
                let name = html_text(&prop(&f, "name").unwrap_or_default());
                bind_tooltip(layer, &name.into(), &object(&[("sticky", true.into())]));
            }
            _ => {
                layer.bind_popup_with_options(&popup(&key, &base, &f).into(), &object(&[("maxWidth", 240.into())]));
            }
        }
    });
    let options = object(&[
        ("style", style.as_ref().clone()),
        ("pointToLayer", point.as_ref().clone()),
        ("onEachFeature", each.as_ref().clone()),
    ]);
    style.forget();
    point.forget();
    each.forget();
    options
}

/// The public map: every layer fetched once, shown while its checkbox is on.
pub fn start_public(
    el: NodeRef<leptos::html::Div>,
    data: VillageMap,
    bounds: Option<[f64; 4]>,
    layers: Vec<(LayerInfo, RwSignal<bool>)>,
    base: String,
) {
    when_ready(el, false, move |div| {
        let Some(map) = base_map(&div, &data) else { return };
        open_at(&map, &data, bounds);
        let mut made = Vec::new();
        for (info, on) in layers.clone() {
            let layer = geo_json(&JsValue::NULL, &layer_options(&info, &base));
            let (m, l) = (map.clone(), layer.clone());
            Effect::new(move |_| {
                if on.get() {
                    m.add_layer(&l);
                } else {
                    m.remove_layer(&l);
                }
            });
            made.push((info, layer));
        }
        // The public layers in one request (`lapisan/semua`); the officials' complaints layer
        // on its own (never kept by a shared cache).
        let all = made
            .iter()
            .find(|(info, _)| info.key != LAYER_COMPLAINTS)
            .and_then(|(info, _)| info.url.rsplit_once('/').map(|(dir, _)| format!("{dir}/{LAYER_ALL}")));
        leptos::task::spawn_local(async move {
            let all = match all {
                Some(url) => fetch_json(&url).await,
                None => None,
            };
            for (info, layer) in made {
                let json = if info.key == LAYER_COMPLAINTS {
                    fetch_json(&info.url).await
                } else {
                    all.as_ref().and_then(|a| js_sys::Reflect::get(a, &JsValue::from_str(&info.key)).ok())
                };
                if let Some(json) = json.filter(|j| j.is_object()) {
                    layer.add_data(&json);
                    if info.key == LAYER_BOUNDARY {
                        layer.unchecked_ref::<leaflet::FeatureGroup>().bring_to_back();
                    }
                }
            }
        });
    });
}

/// The editor's map and what it knows: each saved feature's layer, and the one drawn but not
/// saved yet.
struct Editor {
    layers: HashMap<i64, Layer>,
    pending: Option<Layer>,
    hooks: Option<(RwSignal<Option<Selected>>, Sender)>,
}

thread_local! {
    static EDITOR: RefCell<Editor> = RefCell::new(Editor { layers: HashMap::new(), pending: None, hooks: None });
}

fn feature_geometry(layer: &JsValue) -> Option<String> {
    let to_geojson = get(layer, "toGeoJSON").dyn_into::<js_sys::Function>().ok()?;
    let feature = to_geojson.call0(layer).ok()?;
    js_sys::JSON::stringify(&get(&feature, "geometry")).ok()?.as_string()
}

fn kind_of(shape: &str) -> &'static str {
    match shape {
        "Marker" => "point",
        "Line" => "line",
        _ => "area",
    }
}

fn pm(target: &JsValue) -> JsValue {
    get(target, "pm")
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> JsValue {
    let Ok(f) = get(target, method).dyn_into::<js_sys::Function>() else { return JsValue::UNDEFINED };
    let list: js_sys::Array = args.iter().collect();
    f.apply(target, &list).unwrap_or(JsValue::UNDEFINED)
}

fn style_feature(layer: &JsValue, category_code: &str) {
    let Some(c) = category(category_code) else { return };
    if !get(layer, "setIcon").is_undefined() {
        call(layer, "setIcon", &[place_icon(c.color, c.icon)]);
    } else {
        call(layer, "setStyle", &[style_of(c.code, c.color, &JsValue::NULL)]);
    }
}

fn on(target: &JsValue, event: &str, handler: impl Fn(JsValue) + 'static) {
    let closure = Closure::<dyn Fn(JsValue)>::new(handler);
    call(target, "on", &[event.into(), closure.as_ref().clone()]);
    closure.forget();
}

/// Makes a saved feature's layer answer to the editor: a tap selects it, a changed shape is saved.
fn watch(layer: &JsValue, id: i64, kind: String, (selected, sender): (RwSignal<Option<Selected>>, Sender)) {
    let _ = js_sys::Reflect::set(layer, &"digdayaId".into(), &JsValue::from_f64(id as f64));
    on(layer, "click", move |_| selected.set(Some(Selected { id: Some(id), kind: kind.clone(), geometry: None })));
    let l = layer.clone();
    on(layer, "pm:edit", move |_| {
        if let Some(g) = feature_geometry(&l) {
            sender.send_geometry(id, g);
        }
    });
}

/// What the editor's map needs to save a changed shape: the village and the rows (for the fields
/// that go with it).
#[derive(Clone, Copy)]
struct Sender {
    slug: StoredValue<String>,
    rows: RwSignal<Vec<FeatureRow>>,
    status: RwSignal<Option<Result<String, String>>>,
}

impl Sender {
    fn send_geometry(self, id: i64, geometry: String) {
        let Some(row) = self.rows.read_untracked().iter().find(|r| r.id == id).cloned() else { return };
        let fields = FeatureFields { category: row.category, name: row.name, description: row.description };
        let slug = self.slug.get_value();
        let status = self.status;
        leptos::task::spawn_local(async move {
            let answer = super::api::save_feature(slug, Some(id), fields.clone(), Some(geometry)).await;
            status.set(Some(match answer {
                Ok(_) => Ok(format!("Bentuk \"{}\" tersimpan.", fields.name)),
                Err(AppError::Refused(p)) => Err(p.into_iter().map(|p| p.message).collect::<Vec<_>>().join(" ")),
                Err(e) => Err(e.to_string()),
            }));
        });
    }
}

/// leaflet-geoman's words in Bahasa Indonesia (it ships none).
const GEOMAN_ID: &str = r#"{"tooltips":{"placeMarker":"Klik untuk menaruh titik","placeMarkerTouch":"Ketuk peta untuk menaruh titik","firstVertex":"Klik untuk titik pertama","continueLine":"Klik untuk melanjutkan","finishLine":"Klik titik yang sudah ada untuk selesai","finishPoly":"Klik titik pertama untuk selesai"},"actions":{"finish":"Selesai","cancel":"Batal","removeLastVertex":"Hapus titik terakhir"},"buttonTitles":{"drawMarkerButton":"Tandai tempat (titik)","drawPolyButton":"Gambar area","drawLineButton":"Gambar garis","editButton":"Ubah bentuk","dragButton":"Geser","deleteButton":"Hapus objek"}}"#;

/// The editor: the saved features, geoman's tools, and the form that opens for a new drawing.
pub fn start_editor(
    el: NodeRef<leptos::html::Div>,
    data: VillageMap,
    slug: String,
    rows: RwSignal<Vec<FeatureRow>>,
    selected: RwSignal<Option<Selected>>,
    status: RwSignal<Option<Result<String, String>>>,
) {
    let sender = Sender { slug: StoredValue::new(slug), rows, status };
    EDITOR.with_borrow_mut(|e| *e = Editor { layers: HashMap::new(), pending: None, hooks: Some((selected, sender)) });
    when_ready(el, true, move |div| {
        let Some(map) = base_map(&div, &data) else { return };
        let map_js: JsValue = map.clone().into();
        let mut fitted = false;
        if let Some(boundary) = data.boundary.as_deref().and_then(|b| js_sys::JSON::parse(b).ok()) {
            // Not editable, but what is drawn snaps to it.
            let options = object(&[
                ("style", style_of(LAYER_BOUNDARY, "", &JsValue::NULL)),
                ("pmIgnore", true.into()),
                ("snapIgnore", false.into()),
            ]);
            let layer = geo_json(&boundary, &options);
            layer.add_to(&map);
            map.fit_bounds(&layer.unchecked_ref::<leaflet::FeatureGroup>().get_bounds());
            fitted = true;
        }
        if !fitted {
            open_at(&map, &data, None);
        }
        for row in rows.get_untracked() {
            let Ok(geometry) = js_sys::JSON::parse(&row.geometry) else { continue };
            let c = category(&row.category);
            let (color, icon) = c.map_or(("#34495e", "📍"), |c| (c.color, c.icon));
            let point = Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(move |_f: JsValue, at: JsValue| {
                marker(&at, &object(&[("icon", place_icon(color, icon))])).into()
            });
            let options = object(&[
                ("style", style_of(&row.category, color, &JsValue::NULL)),
                ("pointToLayer", point.as_ref().clone()),
            ]);
            point.forget();
            let group = geo_json(&geometry, &options);
            // The one layer inside the group is what geoman edits and removes.
            let layers = call(&group, "getLayers", &[]);
            let layer = js_sys::Array::from(&layers).get(0);
            if layer.is_undefined() {
                continue;
            }
            // The `leaflet` crate's types have no `L.` namespace for `instanceof`: cast unchecked.
            let layer: Layer = layer.unchecked_into();
            layer.add_to(&map);
            watch(&layer, row.id, row.kind.clone(), (selected, sender));
            EDITOR.with_borrow_mut(|e| e.layers.insert(row.id, layer));
        }
        let pm = pm(&map_js);
        if let Ok(words) = js_sys::JSON::parse(GEOMAN_ID) {
            call(&pm, "setLang", &["id".into(), words, "en".into()]);
        }
        call(
            &pm,
            "addControls",
            &[object(&[
                ("position", "topleft".into()),
                ("drawCircle", false.into()),
                ("drawCircleMarker", false.into()),
                ("drawRectangle", false.into()),
                ("drawText", false.into()),
                ("cutPolygon", false.into()),
                ("rotateMode", false.into()),
            ])],
        );
        call(&pm, "setGlobalOptions", &[object(&[("snappable", true.into()), ("snapDistance", 15.into())])]);
        // A new drawing: keep it aside and open the form; it is saved from there.
        on(&map_js, "pm:create", move |e| {
            let layer = get(&e, "layer");
            let kind = kind_of(&get(&e, "shape").as_string().unwrap_or_default());
            let geometry = feature_geometry(&layer);
            let layer: Layer = layer.unchecked_into();
            EDITOR.with_borrow_mut(|ed| {
                if let Some(old) = ed.pending.replace(layer) {
                    old.remove();
                }
            });
            selected.set(Some(Selected { id: None, kind: kind.into(), geometry }));
        });
        // Removed with geoman's eraser: removed on the server too (the layer comes back on failure).
        let m = map.clone();
        on(&map_js, "pm:remove", move |e| {
            let layer = get(&e, "layer");
            let Some(id) = get(&layer, "digdayaId").as_f64().map(|f| f as i64) else {
                discard_pending();
                selected.set(None);
                return;
            };
            let slug = sender.slug.get_value();
            let (m, layer) = (m.clone(), layer.unchecked_into::<Layer>());
            leptos::task::spawn_local(async move {
                match super::api::delete_feature(slug, id).await {
                    Ok(()) => {
                        EDITOR.with_borrow_mut(|e| e.layers.remove(&id));
                        rows.update(|list| list.retain(|r| r.id != id));
                        selected.set(None);
                        status.set(Some(Ok("Objek dihapus.".into())));
                    }
                    Err(err) => {
                        layer.add_to(&m);
                        status.set(Some(Err(err.to_string())));
                    }
                }
            });
        });
    });
}

/// A feature was saved: a new drawing becomes that feature's layer; either way it takes its
/// category's look.
pub fn saved(old: Option<i64>, id: i64, kind: &str, fields: &FeatureFields) {
    EDITOR.with_borrow_mut(|e| {
        if old.is_none()
            && let Some(layer) = e.pending.take()
        {
            if let Some(hooks) = e.hooks {
                watch(&layer, id, kind.to_string(), hooks);
            }
            e.layers.insert(id, layer);
        }
        if let Some(layer) = e.layers.get(&id) {
            style_feature(layer, &fields.category);
        }
    });
}

/// A new drawing was cancelled.
pub fn discard_pending() {
    EDITOR.with_borrow_mut(|e| {
        if let Some(layer) = e.pending.take() {
            layer.remove();
        }
    });
}

/// A feature was deleted from the form.
pub fn removed(id: i64) {
    EDITOR.with_borrow_mut(|e| {
        if let Some(layer) = e.layers.remove(&id) {
            layer.remove();
        }
    });
}

/// The deployment's overview: every village's outline, a tap opens a popup with its link.
/// Above this many villages the overview draws on a canvas instead of an SVG path each.
const CANVAS_ABOVE: u32 = 100;
pub fn start_overview(el: NodeRef<leptos::html::Div>, data: VillageMap) {
    when_ready(el, false, move |div| {
        let Some(map) = base_map(&div, &data) else { return };
        let data = data.clone();
        leptos::task::spawn_local(async move {
            // The page preloads this address, so the answer is usually here already.
            let Some(json) = fetch_json(OVERVIEW_URL).await else {
                open_at(&map, &data, None);
                return;
            };
            let count = js_sys::Reflect::get(&json, &"features".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Array>().ok())
                .map_or(0, |a| a.length());
            let style = object(&[("color", "#0b6e4f".into()), ("weight", 1.into()), ("fillOpacity", 0.12.into())]);
            let mut options = vec![("style", style)];
            // A kabupaten's hundreds of villages draw several times faster on one canvas.
            if count > CANVAS_ABOVE {
                options.push(("renderer", canvas()));
            }
            let layer = geo_json(&json, &object(&options));
            // One handler for every village: its popup is made when it is tapped.
            let tapped = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
                let village = get(&e, "layer");
                let feature = get(&village, "feature");
                let name = html_text(&prop(&feature, "name").unwrap_or_default());
                let href = html_text(&prop(&feature, "href").unwrap_or_default());
                let html = format!(
                    "<div class=\"map-popup\"><strong>{name}</strong><p><a href=\"{href}\">Buka situs desa</a></p></div>"
                );
                let call = |method: &str, args: &[JsValue]| {
                    if let Ok(f) = get(&village, method).dyn_into::<js_sys::Function>() {
                        let _ = f.apply(&village, &args.iter().collect::<js_sys::Array>());
                    }
                };
                call("bindPopup", &[html.into()]);
                call("openPopup", &[get(&e, "latlng")]);
            });
            layer.on("click", tapped.as_ref().unchecked_ref());
            tapped.forget();
            // The view first, then the layer: every village is projected once, at its zoom.
            map.fit_bounds(&layer.unchecked_ref::<leaflet::FeatureGroup>().get_bounds());
            layer.add_to(&map);
            // For tests and benchmarks: how many villages are drawn.
            let _ = div.set_attribute("data-villages", &count.to_string());
        });
    });
}
