//! The village map in the browser: Leaflet (vendored under `public/vendor/leaflet`, loaded only by
//! pages that show a map) driven through the `leaflet` crate. The village's own layers (its
//! boundary and dusun) are drawn as vectors, so the map stays useful when no tile server can be
//! reached: failed tiles switch the map to a plain background.
//!
//! With `pin` and `editable`, a tap (or the phone's location) puts the pin where the problem is.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The map of a village: its boundary and its dusun, GeoJSON as text (coordinates trimmed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VillageMap {
    /// `[lat, lng]` of the village office area (the centroid of the boundary).
    pub center: Option<(f64, f64)>,
    pub boundary: Option<String>,
    /// A FeatureCollection of the dusun with their names (`properties.name`).
    pub areas: Option<String>,
    /// The base map's tile address (`{z}/{x}/{y}`), empty for none, and its attribution.
    pub tiles: String,
    pub attribution: String,
}

/// A map of the village. `pin` (lat, lng) is shown as a marker; `editable` lets a tap or the
/// phone's location move it.
#[component]
pub fn VillageMapView(
    map: VillageMap,
    pin: RwSignal<Option<(f64, f64)>>,
    #[prop(optional)] editable: bool,
) -> impl IntoView {
    let el = NodeRef::<leptos::html::Div>::new();
    let locating = RwSignal::new(false);
    let locate_error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    browser::start(el, map, pin, editable, locating, locate_error);
    #[cfg(not(feature = "hydrate"))]
    let _ = map;
    let locate = move |_| {
        locating.set(true);
        locate_error.set(None);
        #[cfg(feature = "hydrate")]
        browser::locate();
    };
    // Leaflet's script is added by the WASM once the page has hydrated (`browser::start`): the
    // map is worth nothing before then, and on a slow link the script would only delay the
    // form's WASM it shares the link with.
    view! {
        <link rel="stylesheet" href="/vendor/leaflet/leaflet.css"/>
        <div class="map-frame">
            <div class="map" id="village-map" node_ref=el role="application" aria-label="Peta desa"></div>
        </div>
        {editable.then(|| view! {
            <div class="row-actions map-actions">
                <button type="button" class="button secondary" id="locate-me" on:click=locate disabled=move || locating.get()>
                    {move || if locating.get() { "Mencari lokasi…" } else { "Pakai lokasi saya" }}
                </button>
                <span class="muted" id="pin-text">{move || match pin.get() {
                    Some((lat, lng)) => format!("Titik: {lat:.5}, {lng:.5}"),
                    None => "Ketuk peta untuk menandai lokasi.".into(),
                }}</span>
            </div>
            {move || locate_error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        })}
    }
}

/// Leaflet from Rust: what every map of the site shares (the base map, the bindings the
/// `leaflet` crate lacks) and the complaint form's pin map.
#[cfg(feature = "hydrate")]
pub(crate) mod browser {
    use std::cell::RefCell;

    use leaflet::{CircleMarker, LatLng, LocateOptions, Map, MapOptions, TileLayer, TileLayerOptions};
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue, prelude::Closure};

    use super::VillageMap;

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        /// `L.geoJSON(data, options)` (the `leaflet` crate declares it but does not export it).
        #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
        pub fn geo_json(data: &JsValue, options: &JsValue) -> leaflet::GeoJson;
        /// `L.divIcon(options)`.
        #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
        pub fn div_icon(options: &JsValue) -> JsValue;
        /// `L.marker(latlng, options)`.
        #[wasm_bindgen(js_namespace = L, js_name = marker)]
        pub fn marker(at: &JsValue, options: &JsValue) -> leaflet::Layer;
        /// `L.circleMarker(latlng, options)`.
        #[wasm_bindgen(js_namespace = L, js_name = circleMarker)]
        pub fn circle_marker(at: &JsValue, options: &JsValue) -> leaflet::Layer;
        /// `L.canvas()`: one canvas for many shapes, much faster to draw than an SVG path each.
        #[wasm_bindgen(js_namespace = L, js_name = canvas)]
        pub fn canvas() -> JsValue;
    }

    thread_local! {
        /// The page's map (one map per page).
        static MAP: RefCell<Option<Map>> = const { RefCell::new(None) };
    }

    pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
        let o = js_sys::Object::new();
        for (k, v) in pairs {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
        }
        o.into()
    }

    /// `layer.bindTooltip(content, options)` (the `leaflet` crate's `bind_tooltip_with_content`
    /// calls a `bindTooltipWithContent` that Leaflet does not have).
    pub fn bind_tooltip(layer: &JsValue, content: &JsValue, options: &JsValue) {
        if let Ok(f) = js_sys::Reflect::get(layer, &"bindTooltip".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = f.call2(layer, content, options);
        }
    }

    /// Adds a script to the page once: not when one with this id or this `src` is there
    /// already (the map pages have Leaflet's as a plain `<script>`).
    pub fn load_script(id: &str, src: &str) {
        let document = document();
        if document.get_element_by_id(id).is_some()
            || document.query_selector(&format!("script[src='{src}']")).ok().flatten().is_some()
        {
            return;
        }
        let Ok(script) = document.create_element("script") else { return };
        script.set_id(id);
        let _ = script.set_attribute("src", src);
        if let Some(head) = document.head() {
            let _ = head.append_child(&script);
        }
    }

    pub fn leaflet_loaded() -> bool {
        js_sys::Reflect::get(&window(), &JsValue::from_str("L")).is_ok_and(|l| !l.is_undefined())
    }

    /// A map in `div` with the deployment's base map (if any). Tiles that fail to load (no
    /// signal, no server) switch the frame to a plain background; the vector layers stay.
    pub fn base_map(div: &web_sys::HtmlDivElement, data: &VillageMap) -> Option<Map> {
        let options = MapOptions::new();
        options.set_zoom_control(true);
        let map = Map::new_with_element(div, &options).ok()?;
        if !data.tiles.is_empty() {
            let tile_options = TileLayerOptions::new();
            tile_options.set_max_zoom(19.0);
            tile_options.set_attribution(data.attribution.clone());
            let tiles = TileLayer::new_options(&data.tiles, &tile_options);
            let frame = div.clone();
            let failed = Closure::<dyn Fn(JsValue)>::new(move |_| {
                let _ = frame.class_list().add_1("tiles-off");
            });
            tiles.on("tileerror", failed.as_ref().unchecked_ref());
            failed.forget();
            tiles.add_to(&map);
        } else {
            let _ = div.class_list().add_1("tiles-off");
        }
        Some(map)
    }

    pub fn locate() {
        MAP.with_borrow(|m| {
            if let Some(m) = m {
                let mut options = LocateOptions::new();
                options.set_view(true).max_zoom(17.0).enable_high_accuracy(true).timeout(15_000.0);
                m.locate_with_options(&options);
            }
        });
    }

    pub fn start(
        el: NodeRef<leptos::html::Div>,
        data: VillageMap,
        pin: RwSignal<Option<(f64, f64)>>,
        editable: bool,
        locating: RwSignal<bool>,
        locate_error: RwSignal<Option<String>>,
    ) {
        let marker: StoredValue<Option<CircleMarker>, LocalStorage> = StoredValue::new_local(None);
        // Leaflet's script is asked for here, after hydration; on a slow link it takes a
        // while: look again shortly (up to two minutes).
        load_script("leaflet-script", "/vendor/leaflet/leaflet.js");
        let tries = RwSignal::new(0u32);
        let ready = RwSignal::new(false);
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let attempt = tries.get();
            let Some(div) = el.get() else { return false };
            if !leaflet_loaded() {
                if attempt < 1200 {
                    set_timeout(move || tries.set(attempt + 1), std::time::Duration::from_millis(100));
                }
                return false;
            }
            let Some(map) = base_map(&div, &data) else { return false };
            let mut fitted = false;
            if let Some(areas) = data.areas.as_deref().and_then(|a| js_sys::JSON::parse(a).ok()) {
                let tooltip = Closure::<dyn Fn(JsValue, JsValue)>::new(|feature: JsValue, layer: JsValue| {
                    let name = js_sys::Reflect::get(&feature, &"properties".into())
                        .and_then(|p| js_sys::Reflect::get(&p, &"name".into()))
                        .unwrap_or(JsValue::NULL);
                    bind_tooltip(&layer, &name, &object(&[("sticky", true.into())]));
                });
                let style = object(&[
                    ("color", "#3d6b8f".into()),
                    ("weight", 1.5.into()),
                    ("dashArray", "4 4".into()),
                    ("fillOpacity", 0.05.into()),
                ]);
                let layer = geo_json(&areas, &object(&[("style", style), ("onEachFeature", tooltip.as_ref().clone())]));
                tooltip.forget();
                layer.add_to(&map);
            }
            if let Some(boundary) = data.boundary.as_deref().and_then(|b| js_sys::JSON::parse(b).ok()) {
                let style = object(&[
                    ("color", "#0b6e4f".into()),
                    ("weight", 3.into()),
                    ("fill", false.into()),
                    ("interactive", false.into()),
                ]);
                let layer = geo_json(&boundary, &object(&[("style", style)]));
                layer.add_to(&map);
                map.fit_bounds(&layer.unchecked_ref::<leaflet::FeatureGroup>().get_bounds());
                fitted = true;
            }
            match (pin.get_untracked(), data.center) {
                (Some((lat, lng)), _) if !editable || !fitted => {
                    map.set_view(&LatLng::new(lat, lng), 16.0);
                }
                (_, Some((lat, lng))) if !fitted => {
                    map.set_view(&LatLng::new(lat, lng), 14.0);
                }
                (None, None) if !fitted => {
                    // Indonesia as a whole, when the village has no place yet.
                    map.set_view(&LatLng::new(-2.5, 118.0), 4.0);
                }
                _ => {}
            }
            if editable {
                map.on_mouse_click(Box::new(move |e: leaflet::MouseEvent| {
                    let at = e.lat_lng();
                    pin.set(Some((at.lat(), at.lng())));
                }));
                map.on_location_found(Box::new(move |e: leaflet::LocationEvent| {
                    let at = e.lat_lng();
                    locating.set(false);
                    pin.set(Some((at.lat(), at.lng())));
                }));
                map.on_location_error(Box::new(move |_| {
                    locating.set(false);
                    locate_error.set(Some(
                        "Lokasi ponsel tidak dapat dibaca (izin ditolak atau sinyal GPS lemah). Ketuk peta untuk menandai lokasi."
                            .into(),
                    ));
                }));
            }
            MAP.with_borrow_mut(|m| *m = Some(map));
            ready.set(true);
            true
        });
        // The pin follows the signal.
        Effect::new(move |_| {
            let at = pin.get();
            if !ready.get() {
                return;
            }
            MAP.with_borrow(|m| {
                let Some(map) = m else { return };
                marker.update_value(|current| match (at, current.as_ref()) {
                    (Some((lat, lng)), Some(existing)) => existing.set_lat_lng(&LatLng::new(lat, lng)),
                    (Some((lat, lng)), None) => {
                        let options = object(&[
                            ("radius", 10.into()),
                            ("color", "#ffffff".into()),
                            ("weight", 3.into()),
                            ("fillColor", "#c0392b".into()),
                            ("fillOpacity", 1.into()),
                            ("className", "map-pin".into()),
                        ]);
                        let m = CircleMarker::new_with_options(&LatLng::new(lat, lng), &options);
                        m.add_to(map);
                        *current = Some(m);
                    }
                    (None, Some(existing)) => {
                        existing.remove();
                        *current = None;
                    }
                    (None, None) => {}
                });
            });
        });
    }
}
