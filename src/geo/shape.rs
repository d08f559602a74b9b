//! Polygons from GeoJSON (server only): parsing with checks, point-in-polygon, bounding boxes,
//! and cutting a polygon into strips (how the demo village gets its dusun and RT areas).

use serde_json::{Value, json};

/// A point, `[lng, lat]`.
pub type Point = [f64; 2];
/// A closed ring (first point repeated at the end is not required).
pub type Ring = Vec<Point>;
/// A polygon: the outer ring, then its holes.
pub type Polygon = Vec<Ring>;

/// A polygon or multipolygon: the shape of a village or of an area in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape(pub Vec<Polygon>);

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GeoError {
    #[error("Data batas wilayah bukan GeoJSON yang sah.")]
    NotJson,
    #[error("Batas wilayah harus berupa Polygon atau MultiPolygon (ditemukan: {0}).")]
    WrongType(String),
    #[error("Koordinat batas wilayah tidak sah (bujur −180…180, lintang −90…90).")]
    BadCoordinate,
    #[error("Batas wilayah harus memiliki paling sedikit tiga titik.")]
    TooFewPoints,
}

/// A WGS84 position inside the valid ranges.
pub fn valid_point(lng: f64, lat: f64) -> bool {
    lng.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lng) && (-90.0..=90.0).contains(&lat)
}

fn ring(v: &Value) -> Result<Ring, GeoError> {
    let points = v.as_array().ok_or(GeoError::NotJson)?;
    let mut out = Vec::with_capacity(points.len());
    for p in points {
        let (Some(lng), Some(lat)) = (p.get(0).and_then(Value::as_f64), p.get(1).and_then(Value::as_f64)) else {
            return Err(GeoError::BadCoordinate);
        };
        if !valid_point(lng, lat) {
            return Err(GeoError::BadCoordinate);
        }
        out.push([lng, lat]);
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    if out.len() < 3 {
        return Err(GeoError::TooFewPoints);
    }
    Ok(out)
}

fn polygon(v: &Value) -> Result<Polygon, GeoError> {
    v.as_array().ok_or(GeoError::NotJson)?.iter().map(ring).collect()
}

impl Shape {
    /// The point nearest to the fraction (`fx`, `fy`) of the box that lies inside the shape
    /// (searched outwards on a fine grid), for placing demo features.
    pub fn inside_near(&self, fx: f64, fy: f64) -> Option<[f64; 2]> {
        let [x0, y0, x1, y1] = self.bbox();
        let (w, h) = (x1 - x0, y1 - y0);
        for ring in 0..40 {
            for step in 0..=(8 * ring).max(1) {
                let angle = step as f64 / (8 * ring).max(1) as f64 * std::f64::consts::TAU;
                let r = ring as f64 / 80.0;
                let (x, y) = (x0 + w * (fx + r * angle.cos()), y0 + h * (fy + r * angle.sin()));
                if self.contains(x, y) {
                    return Some([x, y]);
                }
            }
        }
        None
    }

    /// A GeoJSON geometry (or a Feature holding one) that is a Polygon or MultiPolygon.
    pub fn parse(text: &str) -> Result<Shape, GeoError> {
        let value: Value = serde_json::from_str(text).map_err(|_| GeoError::NotJson)?;
        Shape::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<Shape, GeoError> {
        let geometry = if value["type"] == "Feature" { &value["geometry"] } else { value };
        let kind = geometry["type"].as_str().unwrap_or("?");
        let polygons = match kind {
            "Polygon" => vec![polygon(&geometry["coordinates"])?],
            "MultiPolygon" => geometry["coordinates"]
                .as_array()
                .ok_or(GeoError::NotJson)?
                .iter()
                .map(polygon)
                .collect::<Result<_, _>>()?,
            other => return Err(GeoError::WrongType(other.to_string())),
        };
        if polygons.iter().any(|p: &Polygon| p.is_empty()) || polygons.is_empty() {
            return Err(GeoError::TooFewPoints);
        }
        Ok(Shape(polygons))
    }

    /// Whether the point lies inside (even-odd rule over each polygon's rings: holes excluded).
    pub fn contains(&self, lng: f64, lat: f64) -> bool {
        self.0.iter().any(|polygon| {
            let mut inside = false;
            for ring in polygon {
                let n = ring.len();
                let mut j = n - 1;
                for i in 0..n {
                    let ([xi, yi], [xj, yj]) = (ring[i], ring[j]);
                    if (yi > lat) != (yj > lat) && lng < (xj - xi) * (lat - yi) / (yj - yi) + xi {
                        inside = !inside;
                    }
                    j = i;
                }
            }
            inside
        })
    }

    /// `[min_lng, min_lat, max_lng, max_lat]`.
    pub fn bbox(&self) -> [f64; 4] {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for [x, y] in self.0.iter().flatten().flatten() {
            b = [b[0].min(*x), b[1].min(*y), b[2].max(*x), b[3].max(*y)];
        }
        b
    }

    /// The area in square metres: each ring projected onto a plane at its mean latitude
    /// (metres per degree as on the WGS84 sphere), holes taken away. Exact enough for a
    /// village (a few kilometres across): well under 1%.
    pub fn area_m2(&self) -> f64 {
        const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;
        let ring_area = |ring: &Ring| {
            let lat = ring.iter().map(|p| p[1]).sum::<f64>() / ring.len().max(1) as f64;
            let kx = METRES_PER_DEGREE * lat.to_radians().cos();
            let mut twice = 0.0;
            for (i, a) in ring.iter().enumerate() {
                let b = ring[(i + 1) % ring.len()];
                twice += a[0] * kx * b[1] * METRES_PER_DEGREE - b[0] * kx * a[1] * METRES_PER_DEGREE;
            }
            (twice / 2.0).abs()
        };
        self.0
            .iter()
            .map(|polygon| {
                let mut rings = polygon.iter();
                let outer = rings.next().map_or(0.0, ring_area);
                (outer - rings.map(ring_area).sum::<f64>()).max(0.0)
            })
            .sum()
    }

    /// Whether the point is within `margin` degrees of the shape's bounding box.
    pub fn near(&self, lng: f64, lat: f64, margin: f64) -> bool {
        let [x0, y0, x1, y1] = self.bbox();
        lng >= x0 - margin && lng <= x1 + margin && lat >= y0 - margin && lat <= y1 + margin
    }

    /// The part of the shape between `lo` and `hi` on one axis (0: lng, 1: lat).
    pub fn clip(&self, axis: usize, lo: f64, hi: f64) -> Shape {
        let mut out = Vec::new();
        for polygon in &self.0 {
            let mut rings = polygon.iter().map(|r| clip_ring(&clip_ring(r, axis, lo, true), axis, hi, false));
            // A polygon whose outer ring is cut away entirely is gone, with its holes.
            let Some(outer) = rings.next().filter(|r| r.len() >= 3) else { continue };
            out.push(std::iter::once(outer).chain(rings.filter(|r| r.len() >= 3)).collect());
        }
        Shape(out)
    }

    /// `n` strips of equal width along one axis (0: west to east, 1: south to north).
    pub fn strips(&self, n: usize, axis: usize) -> Vec<Shape> {
        let b = self.bbox();
        let (lo, hi) = (b[axis], b[axis + 2]);
        let step = (hi - lo) / n.max(1) as f64;
        (0..n)
            .map(|i| {
                let a = if i == 0 { lo - 1e-9 } else { lo + step * i as f64 };
                let z = if i + 1 == n { hi + 1e-9 } else { lo + step * (i + 1) as f64 };
                self.clip(axis, a, z)
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The shape as a GeoJSON MultiPolygon, coordinates rounded to `decimals` places.
    pub fn to_geojson(&self, decimals: i32) -> Value {
        let scale = 10f64.powi(decimals);
        let round = |v: f64| (v * scale).round() / scale;
        let coordinates: Vec<Vec<Vec<[f64; 2]>>> = self
            .0
            .iter()
            .map(|polygon| {
                polygon
                    .iter()
                    .map(|r| {
                        let mut ring: Vec<[f64; 2]> = r.iter().map(|[x, y]| [round(*x), round(*y)]).collect();
                        if let Some(first) = ring.first().copied() {
                            ring.push(first);
                        }
                        ring
                    })
                    .collect()
            })
            .collect();
        json!({ "type": "MultiPolygon", "coordinates": coordinates })
    }
}

/// Sutherland–Hodgman against one axis-parallel line: keeps `coord >= edge` (`keep_above`) or
/// `coord <= edge`.
fn clip_ring(ring: &Ring, axis: usize, edge: f64, keep_above: bool) -> Ring {
    let inside = |p: &Point| if keep_above { p[axis] >= edge } else { p[axis] <= edge };
    let cross = |a: &Point, b: &Point| {
        let t = (edge - a[axis]) / (b[axis] - a[axis]);
        let mut p = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
        p[axis] = edge;
        p
    };
    let mut out = Vec::with_capacity(ring.len() + 4);
    let n = ring.len();
    for i in 0..n {
        let (current, previous) = (&ring[i], &ring[(i + n - 1) % n]);
        match (inside(previous), inside(current)) {
            (true, true) => out.push(*current),
            (true, false) => out.push(cross(previous, current)),
            (false, true) => {
                out.push(cross(previous, current));
                out.push(*current);
            }
            (false, false) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::{RegionCode, boundary_for};

    fn square() -> Shape {
        Shape::parse(
            r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}"#,
        )
        .unwrap()
    }

    #[test]
    fn inside_outside_and_holes() {
        let s = square();
        assert!(s.contains(1.0, 1.0));
        assert!(s.contains(9.0, 5.0));
        assert!(!s.contains(5.0, 5.0), "inside the hole");
        assert!(!s.contains(11.0, 5.0));
        assert!(!s.contains(-0.5, 5.0));
    }

    #[test]
    fn refuses_what_is_not_a_polygon() {
        assert_eq!(Shape::parse("nope"), Err(GeoError::NotJson));
        assert_eq!(Shape::parse(r#"{"type":"Point","coordinates":[1,2]}"#), Err(GeoError::WrongType("Point".into())));
        assert_eq!(
            Shape::parse(r#"{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}"#),
            Err(GeoError::TooFewPoints)
        );
        assert_eq!(
            Shape::parse(r#"{"type":"Polygon","coordinates":[[[0,0],[200,1],[1,1],[0,0]]]}"#),
            Err(GeoError::BadCoordinate)
        );
    }

    #[test]
    fn strips_cover_the_shape_without_overlap() {
        let s = square();
        let strips = s.strips(3, 0);
        assert_eq!(strips.len(), 3);
        for (x, y) in [(1.0, 1.0), (5.0, 2.0), (9.5, 9.5), (4.5, 7.0), (3.2, 3.0)] {
            let holders = strips.iter().filter(|p| p.contains(x, y)).count();
            assert_eq!(holders, 1, "({x}, {y}) in exactly one strip");
        }
        assert!(strips.iter().all(|p| !p.contains(5.0, 5.0)), "the hole stays a hole");
    }

    #[test]
    fn real_village_boundary() {
        let kramatwatu = boundary_for(&RegionCode::parse("36.04.05.2001").unwrap()).unwrap();
        let shape = Shape::parse(&kramatwatu.geometry).unwrap();
        // The office area of Kramatwatu and a point in the sea north of it.
        assert!(shape.contains(kramatwatu.lng, kramatwatu.lat), "centroid inside");
        assert!(!shape.contains(106.10, -5.90));
        // Split into dusun and back: every inside point is in exactly one part.
        let parts = shape.strips(4, 0);
        let [x0, y0, x1, y1] = shape.bbox();
        let mut checked = 0;
        for i in 0..40 {
            for j in 0..40 {
                let (x, y) = (x0 + (x1 - x0) * (i as f64 + 0.5) / 40.0, y0 + (y1 - y0) * (j as f64 + 0.5) / 40.0);
                let holders = parts.iter().filter(|p| p.contains(x, y)).count();
                assert_eq!(holders, usize::from(shape.contains(x, y)), "({x}, {y})");
                checked += holders;
            }
        }
        assert!(checked > 100);
        // GeoJSON out and back in.
        let again = Shape::from_value(&parts[0].to_geojson(7)).unwrap();
        assert_eq!(again.0.len(), parts[0].0.len());
    }
}

/// A small drawing of a place: shapes and points projected into a frame at most `max_w`×`max_h`
/// SVG units (longitude degrees shrunk by the latitude, north up), for maps drawn by the server.
#[derive(Debug, Clone, Copy)]
pub struct Sketch {
    x0: f64,
    y1: f64,
    squeeze: f64,
    scale: f64,
    pub width: u32,
    pub height: u32,
}

impl Sketch {
    /// The frame around `bbox` (`[min_lng, min_lat, max_lng, max_lat]`).
    pub fn new([x0, y0, x1, y1]: [f64; 4], max_w: f64, max_h: f64) -> Sketch {
        let squeeze = ((y0 + y1) / 2.0).to_radians().cos();
        let (w, h) = (((x1 - x0) * squeeze).max(1e-9), (y1 - y0).max(1e-9));
        let scale = (max_w / w).min(max_h / h);
        Sketch { x0, y1, squeeze, scale, width: (w * scale).round() as u32, height: (h * scale).round() as u32 }
    }

    /// Where a point lands in the frame.
    pub fn at(&self, lng: f64, lat: f64) -> (f32, f32) {
        (((lng - self.x0) * self.squeeze * self.scale) as f32, ((self.y1 - lat) * self.scale) as f32)
    }

    /// SVG path data of each ring of `shape`, whole units, points closer than one unit dropped.
    pub fn paths(&self, shape: &Shape) -> Vec<String> {
        shape
            .0
            .iter()
            .flatten()
            .map(|ring| {
                let mut d = String::new();
                let mut last = (f32::MAX, f32::MAX);
                for &[lng, lat] in ring {
                    let (x, y) = self.at(lng, lat);
                    // Points closer than a unit add bytes, not shape.
                    if (x - last.0).abs() + (y - last.1).abs() < 1.0 {
                        continue;
                    }
                    d.push_str(&format!("{}{x:.0} {y:.0}", if d.is_empty() { "M" } else { "L" }));
                    last = (x, y);
                }
                d.push('Z');
                d
            })
            .collect()
    }
}
