//! Geometry of the map's features (server only): the points, lines and areas an official draws or
//! imports. Everything is checked before it is stored: a valid GeoJSON type, coordinates in
//! range, enough points, no area whose edge crosses itself, and a size a phone can draw. Also the
//! tools the layers are served with: bounding boxes for `?bbox=` filtering, coordinates trimmed to
//! what a phone needs, and Douglas–Peucker simplification for the many-village overview.

use serde_json::{Value, json};

use super::shape::{Point, Ring, Shape, valid_point};

/// More points than this in one feature is not something an official drew: refused, with a
/// message that says so (an import of a detailed river can be simplified before it comes in).
pub const MAX_POINTS: usize = 5_000;

/// A checked geometry.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Point(Point),
    Line(Vec<Point>),
    Area(Shape),
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FeatureError {
    #[error("Geometri bukan GeoJSON yang sah.")]
    NotGeoJson,
    #[error("Jenis geometri {0} tidak didukung (gunakan Point, LineString, Polygon atau MultiPolygon).")]
    UnsupportedType(String),
    #[error("Koordinat tidak sah (bujur −180…180, lintang −90…90).")]
    BadCoordinate,
    #[error("Garis harus memiliki paling sedikit dua titik.")]
    LineTooShort,
    #[error("Area harus memiliki paling sedikit tiga titik.")]
    AreaTooSmall,
    #[error("Tepi area berpotongan dengan dirinya sendiri.")]
    SelfIntersecting,
    #[error("Geometri terlalu rinci ({0} titik; paling banyak 5.000).")]
    TooManyPoints(usize),
}

impl From<super::shape::GeoError> for FeatureError {
    fn from(e: super::shape::GeoError) -> Self {
        use super::shape::GeoError;
        match e {
            GeoError::NotJson => FeatureError::NotGeoJson,
            GeoError::WrongType(t) => FeatureError::UnsupportedType(t),
            GeoError::BadCoordinate => FeatureError::BadCoordinate,
            GeoError::TooFewPoints => FeatureError::AreaTooSmall,
        }
    }
}

fn point(v: &Value) -> Result<Point, FeatureError> {
    let (Some(lng), Some(lat)) = (v.get(0).and_then(Value::as_f64), v.get(1).and_then(Value::as_f64)) else {
        return Err(FeatureError::BadCoordinate);
    };
    if !valid_point(lng, lat) {
        return Err(FeatureError::BadCoordinate);
    }
    Ok([lng, lat])
}

impl Geometry {
    /// A GeoJSON geometry, or a Feature holding one.
    pub fn from_value(value: &Value) -> Result<Geometry, FeatureError> {
        let geometry = if value["type"] == "Feature" { &value["geometry"] } else { value };
        let kind = geometry["type"].as_str().ok_or(FeatureError::NotGeoJson)?;
        let coordinates = &geometry["coordinates"];
        let parsed = match kind {
            "Point" => Geometry::Point(point(coordinates)?),
            "LineString" => {
                let points = coordinates.as_array().ok_or(FeatureError::NotGeoJson)?;
                let line = points.iter().map(point).collect::<Result<Vec<_>, _>>()?;
                if line.len() < 2 || line.iter().all(|p| *p == line[0]) {
                    return Err(FeatureError::LineTooShort);
                }
                Geometry::Line(line)
            }
            "Polygon" | "MultiPolygon" => {
                let shape = Shape::from_value(geometry)?;
                for ring in shape.0.iter().flatten() {
                    if ring_crosses_itself(ring) {
                        return Err(FeatureError::SelfIntersecting);
                    }
                }
                Geometry::Area(shape)
            }
            other => return Err(FeatureError::UnsupportedType(other.to_string())),
        };
        let n = parsed.points();
        if n > MAX_POINTS {
            return Err(FeatureError::TooManyPoints(n));
        }
        Ok(parsed)
    }

    /// "point", "line" or "area": how the feature is stored and drawn.
    pub fn kind(&self) -> &'static str {
        match self {
            Geometry::Point(_) => "point",
            Geometry::Line(_) => "line",
            Geometry::Area(_) => "area",
        }
    }

    pub fn points(&self) -> usize {
        match self {
            Geometry::Point(_) => 1,
            Geometry::Line(l) => l.len(),
            Geometry::Area(s) => s.0.iter().flatten().map(Vec::len).sum(),
        }
    }

    /// `[min_lng, min_lat, max_lng, max_lat]`.
    pub fn bbox(&self) -> [f64; 4] {
        match self {
            Geometry::Point([x, y]) => [*x, *y, *x, *y],
            Geometry::Line(l) => bbox_of(l.iter()),
            Geometry::Area(s) => s.bbox(),
        }
    }

    /// As GeoJSON with coordinates rounded to `decimals` places (5 is about a metre).
    pub fn to_geojson(&self, decimals: i32) -> Value {
        let round = rounder(decimals);
        match self {
            Geometry::Point([x, y]) => json!({ "type": "Point", "coordinates": [round(*x), round(*y)] }),
            Geometry::Line(l) => {
                let coordinates: Vec<[f64; 2]> = l.iter().map(|[x, y]| [round(*x), round(*y)]).collect();
                json!({ "type": "LineString", "coordinates": coordinates })
            }
            Geometry::Area(s) => s.to_geojson(decimals),
        }
    }
}

fn rounder(decimals: i32) -> impl Fn(f64) -> f64 {
    let scale = 10f64.powi(decimals);
    move |v| (v * scale).round() / scale
}

fn bbox_of<'a>(points: impl Iterator<Item = &'a Point>) -> [f64; 4] {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for [x, y] in points {
        b = [b[0].min(*x), b[1].min(*y), b[2].max(*x), b[3].max(*y)];
    }
    b
}

/// Whether two bounding boxes share any point (edges touching count).
pub fn bbox_intersects(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// A `?bbox=min_lng,min_lat,max_lng,max_lat` parameter; `None` when it is not four valid numbers
/// in that order.
pub fn parse_bbox(text: &str) -> Option<[f64; 4]> {
    let v: Vec<f64> = text.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().ok()?;
    let [x0, y0, x1, y1] = <[f64; 4]>::try_from(v).ok()?;
    (valid_point(x0, y0) && valid_point(x1, y1) && x0 <= x1 && y0 <= y1).then_some([x0, y0, x1, y1])
}

fn orientation(a: Point, b: Point, c: Point) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Whether segments `p1–p2` and `q1–q2` cross at a point inside both (touching at an end or
/// running along each other also counts, as both break an area's edge).
fn segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool {
    let (d1, d2) = (orientation(q1, q2, p1), orientation(q1, q2, p2));
    let (d3, d4) = (orientation(p1, p2, q1), orientation(p1, p2, q2));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0)) {
        return true;
    }
    let on = |a: Point, b: Point, c: Point| {
        c[0] >= a[0].min(b[0]) && c[0] <= a[0].max(b[0]) && c[1] >= a[1].min(b[1]) && c[1] <= a[1].max(b[1])
    };
    (d1 == 0.0 && on(q1, q2, p1))
        || (d2 == 0.0 && on(q1, q2, p2))
        || (d3 == 0.0 && on(p1, p2, q1))
        || (d4 == 0.0 && on(p1, p2, q2))
}

/// Whether a closed ring's edge crosses itself (a "bow tie"). Neighbouring edges share a corner
/// and are not compared. Quadratic, which `MAX_POINTS` keeps affordable.
fn ring_crosses_itself(ring: &[Point]) -> bool {
    let n = ring.len();
    if n > MAX_POINTS {
        return false; // refused for its size instead
    }
    let edge = |i: usize| (ring[i], ring[(i + 1) % n]);
    for i in 0..n {
        let (a, b) = edge(i);
        for j in i + 2..n {
            if i == 0 && j == n - 1 {
                continue; // the closing edge touches the first one
            }
            let (c, d) = edge(j);
            if segments_cross(a, b, c, d) {
                return true;
            }
        }
    }
    false
}

/// Douglas–Peucker: the points of `line` that keep it within `tolerance` (degrees) of the
/// original. The first and last points always stay.
pub fn simplify(line: &[Point], tolerance: f64) -> Vec<Point> {
    if line.len() < 3 {
        return line.to_vec();
    }
    let mut keep = vec![false; line.len()];
    keep[0] = true;
    keep[line.len() - 1] = true;
    let mut stack = vec![(0, line.len() - 1)];
    while let Some((first, last)) = stack.pop() {
        let (a, b) = (line[first], line[last]);
        let (mut far, mut far_at) = (0.0, 0);
        for (i, p) in line.iter().enumerate().take(last).skip(first + 1) {
            let d = distance_to_segment(*p, a, b);
            if d > far {
                (far, far_at) = (d, i);
            }
        }
        if far > tolerance {
            keep[far_at] = true;
            stack.push((first, far_at));
            stack.push((far_at, last));
        }
    }
    line.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

/// A closed ring simplified (the ring's first point is repeated for the algorithm and dropped
/// again); a ring that would fall below three points keeps its original points.
pub fn simplify_ring(ring: &[Point], tolerance: f64) -> Ring {
    let mut closed = ring.to_vec();
    closed.push(ring[0]);
    let mut out = simplify(&closed, tolerance);
    out.pop();
    if out.len() < 3 { ring.to_vec() } else { out }
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 { 0.0 } else { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) };
    let (x, y) = (a[0] + t * dx, a[1] + t * dy);
    ((p[0] - x).powi(2) + (p[1] - y).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry(text: &str) -> Result<Geometry, FeatureError> {
        Geometry::from_value(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn accepts_points_lines_and_areas() {
        let p = geometry(r#"{"type":"Point","coordinates":[106.1,-6.0]}"#).unwrap();
        assert_eq!((p.kind(), p.bbox()), ("point", [106.1, -6.0, 106.1, -6.0]));
        let l = geometry(r#"{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[106,-6],[106.2,-6.1]]}}"#)
            .unwrap();
        assert_eq!((l.kind(), l.bbox()), ("line", [106.0, -6.1, 106.2, -6.0]));
        let a = geometry(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#).unwrap();
        assert_eq!((a.kind(), a.points()), ("area", 4));
        assert_eq!(a.to_geojson(5)["type"], "MultiPolygon");
    }

    #[test]
    fn refuses_broken_geometry_with_a_reason() {
        let cases = [
            (r#"{"type":"Point","coordinates":[200,0]}"#, FeatureError::BadCoordinate),
            (r#"{"type":"Point","coordinates":["a",0]}"#, FeatureError::BadCoordinate),
            (r#"{"type":"LineString","coordinates":[[1,1]]}"#, FeatureError::LineTooShort),
            (r#"{"type":"LineString","coordinates":[[1,1],[1,1]]}"#, FeatureError::LineTooShort),
            (r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#, FeatureError::AreaTooSmall),
            (r#"{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"#, FeatureError::SelfIntersecting),
            (
                r#"{"type":"GeometryCollection","geometries":[]}"#,
                FeatureError::UnsupportedType("GeometryCollection".into()),
            ),
            (r#"{"coordinates":[1,2]}"#, FeatureError::NotGeoJson),
        ];
        for (text, want) in cases {
            assert_eq!(geometry(text), Err(want), "{text}");
        }
        let many: Vec<[f64; 2]> = (0..=MAX_POINTS).map(|i| [i as f64 * 1e-5, 0.0]).collect();
        let line = json!({ "type": "LineString", "coordinates": many });
        assert_eq!(Geometry::from_value(&line), Err(FeatureError::TooManyPoints(MAX_POINTS + 1)));
    }

    #[test]
    fn bbox_filtering() {
        let village = [106.0, -6.1, 106.1, -6.0];
        assert!(bbox_intersects(village, [106.05, -6.05, 106.2, -5.9]));
        assert!(bbox_intersects(village, [106.1, -6.0, 106.2, -5.9]), "touching corners");
        assert!(!bbox_intersects(village, [106.11, -6.1, 106.2, -6.0]));
        assert_eq!(parse_bbox("106,-6.1, 106.1,-6"), Some(village));
        for bad in ["", "1,2,3", "1,2,3,x", "106.1,-6,106,-6.1", "0,0,200,1"] {
            assert_eq!(parse_bbox(bad), None, "{bad}");
        }
    }

    #[test]
    fn simplification_keeps_the_shape_and_drops_what_a_phone_cannot_see() {
        // A nearly straight line: the middle points go, the corner stays.
        let line = [[0.0, 0.0], [1.0, 0.000_001], [2.0, 0.0], [2.0, 1.0]];
        assert_eq!(simplify(&line, 0.0001), vec![[0.0, 0.0], [2.0, 0.0], [2.0, 1.0]]);
        // The real boundaries of Kabupaten Serang lose points but none moves more than the
        // tolerance, and every ring stays a ring.
        let all: Value = serde_json::from_str(include_str!("../region/data/desa_kab_serang_36.04.geojson")).unwrap();
        let (mut before, mut after) = (0, 0);
        for f in all["features"].as_array().unwrap() {
            let shape = Shape::from_value(f).unwrap();
            for ring in shape.0.iter().flatten() {
                let s = simplify_ring(ring, 0.0002);
                assert!(s.len() >= 3 && s.iter().all(|p| ring.contains(p)));
                before += ring.len();
                after += s.len();
            }
        }
        assert!(after < before, "{after} of {before}");
    }
}
