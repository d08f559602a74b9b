//! KML (Google Earth, Avenza, many GIS exports) and GPX (GPS receivers, tracking apps) read into
//! a GeoJSON FeatureCollection, so an import of either goes through the same checks as GeoJSON
//! (server only). Only what a village map holds is read: points, lines and areas with their
//! names, descriptions and simple data fields; styles, folders and timestamps are ignored.

use quick_xml::{
    XmlVersion,
    events::{BytesStart, Event},
    reader::Reader,
};
use serde_json::{Map, Value, json};

/// A file format an import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Kml,
    Gpx,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Self::GeoJson => "GeoJSON",
            Self::Kml => "KML",
            Self::Gpx => "GPX",
        }
    }
}

/// An XML element with what the readers below need.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The text of the child `name`, trimmed, when not empty.
    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_string()).filter(|t| !t.is_empty())
    }

    /// Every element named `name` below this one (not inside another `name`), in document order.
    fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            } else {
                c.find_all(name, out);
            }
        }
    }
}

fn start(e: &BytesStart<'_>) -> Node {
    Node {
        name: e.local_name().as_ref().to_string(),
        attributes: e
            .attributes()
            .flatten()
            .filter_map(|a| {
                let value = a.normalized_value(XmlVersion::Implicit1_0).ok()?;
                Some((a.key.local_name().as_ref().to_string(), value.into_owned()))
            })
            .collect(),
        ..Node::default()
    }
}

/// Elements nested deeper than this are refused: a real KML is a dozen levels deep (kml,
/// Document, Folder…, Placemark, MultiGeometry, Polygon, outerBoundaryIs, LinearRing,
/// coordinates), and the tree is walked (and dropped) recursively.
pub const MAX_DEPTH: usize = 48;
/// Elements in one file (a 5 MB file of 2,000 features has a few tens of thousands).
pub const MAX_ELEMENTS: usize = 500_000;

/// The document's root element with everything below it.
fn parse(text: &str) -> Result<Node, String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("Berkas XML tidak terbaca: {e}.");
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut elements = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| unreadable(&e))?;
        if matches!(event, Event::Start(_) | Event::Empty(_)) {
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(format!("Berkas XML terlalu besar (lebih dari {MAX_ELEMENTS} elemen)."));
            }
        }
        match event {
            Event::Start(e) => {
                if stack.len() > MAX_DEPTH {
                    // The tree so far is deep: taken apart level by level, not by recursion.
                    flatten_drop(stack);
                    return Err(format!(
                        "Berkas XML bersarang terlalu dalam (lebih dari {MAX_DEPTH} tingkat); bukan KML/GPX yang wajar."
                    ));
                }
                stack.push(start(&e));
            }
            Event::Empty(e) => {
                let node = start(&e);
                stack.last_mut().ok_or_else(|| unreadable(&"susunan rusak"))?.children.push(node);
            }
            Event::End(_) => {
                let node = stack.pop().ok_or_else(|| unreadable(&"susunan rusak"))?;
                stack.last_mut().ok_or_else(|| unreadable(&"susunan rusak"))?.children.push(node);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&r).unwrap_or_default().to_string(),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(unreadable(&"ada elemen yang tidak ditutup"));
    }
    stack.pop().and_then(|doc| doc.children.into_iter().next()).ok_or_else(|| "Berkas XML kosong.".to_string())
}

/// Drops nodes without recursing (their depth is bounded by [`MAX_DEPTH`] anyway, so this only
/// keeps the drop of a refused document cheap on the stack).
fn flatten_drop(mut pending: Vec<Node>) {
    while let Some(mut node) = pending.pop() {
        pending.append(&mut node.children);
    }
}

/// Which format `text` is in: XML whose root is `<kml>` or `<gpx>`, else GeoJSON.
pub fn sniff(text: &str) -> Format {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('<') {
        return Format::GeoJson;
    }
    // The root element is the first tag that is not a declaration, comment or doctype.
    let root = t
        .match_indices('<')
        .map(|(i, _)| &t[i + 1..])
        .find(|rest| !rest.starts_with('?') && !rest.starts_with('!'))
        .map(|rest| rest.split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().unwrap_or(""))
        .unwrap_or("");
    let local = root.rsplit(':').next().unwrap_or(root).to_ascii_lowercase();
    if local == "gpx" { Format::Gpx } else { Format::Kml }
}

/// A KML `coordinates` text (`lng,lat[,alt]` tuples separated by spaces) as `[lng, lat]` pairs.
fn kml_coordinates(text: &str) -> Option<Vec<Value>> {
    // Some writers put spaces after the commas inside a tuple ("106.1, -6.05").
    let mut joined = String::with_capacity(text.len());
    for part in text.split(',') {
        if !joined.is_empty() {
            joined.push(',');
        }
        joined.push_str(part.trim());
    }
    joined
        .split_whitespace()
        .map(|tuple| {
            let mut parts = tuple.split(',').map(|p| p.trim().parse::<f64>());
            let lng = parts.next()?.ok()?;
            let lat = parts.next()?.ok()?;
            Some(json!([lng, lat]))
        })
        .collect()
}

fn strip_tags(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in text.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => {
                inside = false;
                out.push(' ');
            }
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn feature(properties: &Map<String, Value>, geometry: Value) -> Value {
    json!({ "type": "Feature", "properties": properties, "geometry": geometry })
}

/// The geometries of a Placemark (several inside a MultiGeometry), each as GeoJSON.
fn kml_geometries(node: &Node, out: &mut Vec<Result<Value, String>>) {
    for c in &node.children {
        let coordinates = || c.child("coordinates").map(|n| kml_coordinates(&n.text));
        match c.name.as_str() {
            "Point" => out.push(match coordinates() {
                Some(Some(p)) if p.len() == 1 => Ok(json!({ "type": "Point", "coordinates": p[0] })),
                _ => Err("titik tanpa koordinat yang terbaca".into()),
            }),
            "LineString" => out.push(match coordinates() {
                Some(Some(line)) => Ok(json!({ "type": "LineString", "coordinates": line })),
                _ => Err("garis tanpa koordinat yang terbaca".into()),
            }),
            "Polygon" => {
                let ring = |b: &Node| {
                    b.child("LinearRing").and_then(|r| r.child("coordinates")).and_then(|n| kml_coordinates(&n.text))
                };
                let outer = c.child("outerBoundaryIs").and_then(ring);
                let inner: Option<Vec<Vec<Value>>> = c.children("innerBoundaryIs").map(ring).collect();
                out.push(match (outer, inner) {
                    (Some(outer), Some(inner)) => {
                        let rings: Vec<Vec<Value>> = std::iter::once(outer).chain(inner).collect();
                        Ok(json!({ "type": "Polygon", "coordinates": rings }))
                    }
                    _ => Err("area tanpa batas luar yang terbaca".into()),
                });
            }
            "MultiGeometry" => kml_geometries(c, out),
            _ => {}
        }
    }
}

fn kml(root: &Node) -> Result<Value, Vec<String>> {
    let mut placemarks = Vec::new();
    root.find_all("Placemark", &mut placemarks);
    let mut features = Vec::new();
    let mut errors = Vec::new();
    for (i, p) in placemarks.iter().enumerate() {
        let mut properties = Map::new();
        // Simple data fields first, so that the Placemark's own name and description win.
        if let Some(data) = p.child("ExtendedData") {
            let mut fields = Vec::new();
            data.find_all("SimpleData", &mut fields);
            for f in fields {
                if let Some(k) = f.attribute("name") {
                    properties.insert(k.to_string(), json!(f.text.trim()));
                }
            }
            for d in data.children("Data") {
                if let (Some(k), Some(v)) = (d.attribute("name"), d.text_of("value")) {
                    properties.insert(k.to_string(), json!(v));
                }
            }
        }
        if let Some(name) = p.text_of("name") {
            properties.insert("nama".into(), json!(name));
        }
        if let Some(description) = p.text_of("description").map(|d| strip_tags(&d)).filter(|d| !d.is_empty()) {
            properties.insert("keterangan".into(), json!(description));
        }
        let mut geometries = Vec::new();
        kml_geometries(p, &mut geometries);
        if geometries.is_empty() {
            errors.push(format!("Placemark ke-{}: tidak punya titik, garis atau area.", i + 1));
        }
        for g in geometries {
            match g {
                Ok(g) => features.push(feature(&properties, g)),
                Err(m) => errors.push(format!("Placemark ke-{}: {m}.", i + 1)),
            }
        }
    }
    if errors.is_empty() { Ok(json!({ "type": "FeatureCollection", "features": features })) } else { Err(errors) }
}

/// A GPX point's `[lon, lat]` from its attributes.
fn gpx_point(n: &Node) -> Option<Value> {
    let lat = n.attribute("lat")?.trim().parse::<f64>().ok()?;
    let lon = n.attribute("lon")?.trim().parse::<f64>().ok()?;
    Some(json!([lon, lat]))
}

fn gpx_properties(n: &Node) -> Map<String, Value> {
    let mut properties = Map::new();
    for (from, to) in [("name", "nama"), ("desc", "keterangan"), ("type", "kategori")] {
        if let Some(v) = n.text_of(from) {
            properties.insert(to.into(), json!(v));
        }
    }
    if !properties.contains_key("keterangan")
        && let Some(v) = n.text_of("cmt")
    {
        properties.insert("keterangan".into(), json!(v));
    }
    properties
}

fn gpx(root: &Node) -> Result<Value, Vec<String>> {
    let mut features = Vec::new();
    let mut errors = Vec::new();
    for (i, w) in root.children("wpt").enumerate() {
        match gpx_point(w) {
            Some(p) => features.push(feature(&gpx_properties(w), json!({ "type": "Point", "coordinates": p }))),
            None => errors.push(format!("Titik (wpt) ke-{}: lat/lon tidak terbaca.", i + 1)),
        }
    }
    let mut line = |what: &str, i: usize, properties: Map<String, Value>, points: Vec<&Node>| match points
        .iter()
        .map(|p| gpx_point(p))
        .collect::<Option<Vec<Value>>>()
    {
        Some(coordinates) => {
            features.push(feature(&properties, json!({ "type": "LineString", "coordinates": coordinates })));
        }
        None => errors.push(format!("{what} ke-{}: ada titik dengan lat/lon yang tidak terbaca.", i + 1)),
    };
    for (i, r) in root.children("rte").enumerate() {
        line("Rute (rte)", i, gpx_properties(r), r.children("rtept").collect());
    }
    for (i, t) in root.children("trk").enumerate() {
        for s in t.children("trkseg") {
            line("Jejak (trk)", i, gpx_properties(t), s.children("trkpt").collect());
        }
    }
    if errors.is_empty() { Ok(json!({ "type": "FeatureCollection", "features": features })) } else { Err(errors) }
}

/// A KML or GPX document as a GeoJSON FeatureCollection.
///
/// # Errors
/// Why the file cannot be read, one reason per feature that could not be (all of them, so an
/// import can list them and keep nothing).
pub fn to_geojson(text: &str, format: Format) -> Result<Value, Vec<String>> {
    let root = parse(text.trim_start_matches('\u{feff}')).map_err(|e| vec![e])?;
    match (format, root.name.as_str()) {
        (Format::Kml, "kml") => kml(&root),
        (Format::Gpx, "gpx") => gpx(&root),
        _ => Err(vec!["Berkas XML ini bukan KML atau GPX.".into()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
  <Placemark><name>Masjid Al-Ikhlas &amp; TPA</name>
    <description><![CDATA[<b>Jumat</b> berjamaah]]></description>
    <ExtendedData><Data name="kategori"><value>masjid</value></Data></ExtendedData>
    <Point><coordinates>106.1, -6.05, 0</coordinates></Point></Placemark>
  <Placemark><name>Saluran</name>
    <MultiGeometry>
      <LineString><coordinates>106.1,-6.05 106.11,-6.06</coordinates></LineString>
      <Polygon>
        <outerBoundaryIs><LinearRing><coordinates>106.1,-6.05 106.11,-6.05 106.11,-6.06 106.1,-6.05</coordinates></LinearRing></outerBoundaryIs>
      </Polygon>
    </MultiGeometry></Placemark>
</Folder></Document></kml>"#;

    #[test]
    fn kml_placemarks_become_features() {
        assert_eq!(sniff(KML), Format::Kml);
        let fc = to_geojson(KML, Format::Kml).expect("readable");
        let features = fc["features"].as_array().unwrap();
        assert_eq!(features.len(), 3);
        assert_eq!(features[0]["properties"]["nama"], "Masjid Al-Ikhlas & TPA");
        assert_eq!(features[0]["properties"]["keterangan"], "Jumat berjamaah");
        assert_eq!(features[0]["properties"]["kategori"], "masjid");
        assert_eq!(features[0]["geometry"], json!({ "type": "Point", "coordinates": [106.1, -6.05] }));
        assert_eq!(features[1]["geometry"]["type"], "LineString");
        assert_eq!(features[2]["geometry"]["coordinates"][0].as_array().unwrap().len(), 4);
        assert_eq!(features[2]["properties"]["nama"], "Saluran");
    }

    #[test]
    fn gpx_waypoints_routes_and_tracks_become_features() {
        let gpx = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="-6.05" lon="106.1"><name>Posyandu Mawar</name><type>posyandu</type></wpt>
  <rte><name>Jalan Desa</name><rtept lat="-6.05" lon="106.1"/><rtept lat="-6.06" lon="106.11"/></rte>
  <trk><name>Irigasi</name><trkseg><trkpt lat="-6.05" lon="106.1"/><trkpt lat="-6.051" lon="106.1"/></trkseg>
    <trkseg><trkpt lat="-6.052" lon="106.1"/><trkpt lat="-6.053" lon="106.1"/></trkseg></trk>
</gpx>"#;
        assert_eq!(sniff(gpx), Format::Gpx);
        let fc = to_geojson(gpx, Format::Gpx).expect("readable");
        let features = fc["features"].as_array().unwrap();
        assert_eq!(features.len(), 4);
        assert_eq!(features[0]["properties"]["nama"], "Posyandu Mawar");
        assert_eq!(features[0]["properties"]["kategori"], "posyandu");
        assert_eq!(features[0]["geometry"]["coordinates"], json!([106.1, -6.05]));
        assert_eq!(features[1]["geometry"]["coordinates"], json!([[106.1, -6.05], [106.11, -6.06]]));
        assert_eq!(features[3]["properties"]["nama"], "Irigasi");
    }

    /// Issue 27, finding 2 (fails on the code before: 50,000 levels overflowed the stack and
    /// took the server down).
    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let depth = 50_000;
        let text = format!("<kml>{}{}</kml>", "<Folder>".repeat(depth), "</Folder>".repeat(depth));
        let err = to_geojson(&text, Format::Kml).unwrap_err();
        assert!(err[0].contains("bersarang terlalu dalam"), "{err:?}");
        let gpx = format!("<gpx>{}", "<trk>".repeat(depth));
        assert!(to_geojson(&gpx, Format::Gpx).unwrap_err()[0].contains("bersarang terlalu dalam"));
        // A real document's depth is far below the cap.
        assert!(to_geojson(KML, Format::Kml).is_ok());
    }

    #[test]
    fn billion_laughs_and_floods_of_elements_are_refused() {
        // Entities declared in a DTD are never expanded (only the five predefined ones are).
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<kml><Placemark><name>&c;&c;&c;</name><Point><coordinates>106.1,-6.05</coordinates></Point></Placemark></kml>"#;
        let fc = to_geojson(laughs, Format::Kml).unwrap();
        assert!(fc["features"][0]["properties"].get("nama").is_none_or(|n| n.as_str().unwrap_or("").len() < 100));
        let flood = format!("<kml>{}</kml>", "<x/>".repeat(MAX_ELEMENTS + 1));
        assert!(to_geojson(&flood, Format::Kml).unwrap_err()[0].contains("terlalu besar"));
    }

    #[test]
    fn unreadable_files_say_why() {
        assert_eq!(sniff("  {\"type\":\"Feature\"}"), Format::GeoJson);
        let broken = "<kml><Placemark><name>A</name><Point><coordinates>abc</coordinates></Point></Placemark></kml>";
        assert_eq!(
            to_geojson(broken, Format::Kml).unwrap_err(),
            vec!["Placemark ke-1: titik tanpa koordinat yang terbaca."]
        );
        let unclosed = "<kml><Placemark><name>A</name>";
        assert!(to_geojson(unclosed, Format::Kml).unwrap_err()[0].starts_with("Berkas XML tidak terbaca"));
        let bad_point = r#"<gpx><wpt lat="x" lon="106"/></gpx>"#;
        assert_eq!(to_geojson(bad_point, Format::Gpx).unwrap_err(), vec!["Titik (wpt) ke-1: lat/lon tidak terbaca."]);
        assert_eq!(
            to_geojson("<html><body/></html>", Format::Kml).unwrap_err(),
            vec!["Berkas XML ini bukan KML atau GPX."]
        );
        let empty = "<kml><Placemark><name>Kosong</name></Placemark></kml>";
        assert_eq!(
            to_geojson(empty, Format::Kml).unwrap_err(),
            vec!["Placemark ke-1: tidak punya titik, garis atau area."]
        );
    }
}
