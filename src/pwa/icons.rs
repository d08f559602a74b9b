//! The app's icons, drawn in code once and kept in memory: a white village house on the theme
//! green. "any" icons are a rounded square with transparent corners; "maskable" ones fill the
//! square and keep the house inside the central safe circle (radius 40 %) that launchers crop to.

use std::io::Cursor;
use std::sync::OnceLock;

use image::{ImageFormat, Rgba, RgbaImage};

/// The sizes the manifest lists.
pub const SIZES: [u32; 2] = [192, 512];

const GREEN: [u8; 3] = [0x0b, 0x6e, 0x4f];

/// The PNG of an icon of `size` (one of [`SIZES`]); `maskable` for the full-bleed variant.
pub fn png(size: u32, maskable: bool) -> Option<&'static [u8]> {
    static ICONS: OnceLock<Vec<(u32, bool, Vec<u8>)>> = OnceLock::new();
    let all =
        ICONS.get_or_init(|| SIZES.iter().flat_map(|&s| [false, true].map(|m| (s, m, encode(&draw(s, m))))).collect());
    all.iter().find(|(s, m, _)| *s == size && *m == maskable).map(|(_, _, bytes)| bytes.as_slice())
}

fn encode(img: &RgbaImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    // Encoding an image we drew ourselves cannot fail short of memory.
    img.write_to(&mut out, ImageFormat::Png).expect("encode icon");
    out.into_inner()
}

/// What covers the point (x, y) of the unit square: 0 nothing, 1 green, 2 white.
fn paint(x: f64, y: f64, maskable: bool) -> u8 {
    let background = if maskable {
        true
    } else {
        // A rounded square with corners of radius 0.22.
        let r = 0.22;
        let dx = (r - x).max(x - (1.0 - r)).max(0.0);
        let dy = (r - y).max(y - (1.0 - r)).max(0.0);
        dx * dx + dy * dy <= r * r
    };
    if !background {
        return 0;
    }
    // The house in its own unit box, centred: 64 % of the icon, 52 % when maskable.
    let scale = if maskable { 0.52 } else { 0.64 };
    let (u, v) = ((x - 0.5) / scale + 0.5, (y - 0.5) / scale + 0.5);
    let roof = v >= 0.08 && v <= 0.5 && (u - 0.5).abs() <= (v - 0.08) / 0.42 * 0.5;
    let walls = (0.14..=0.86).contains(&u) && (0.46..=0.92).contains(&v);
    let door = (0.41..=0.59).contains(&u) && (0.64..=0.92).contains(&v);
    let window = (0.2..=0.34).contains(&u) && (0.56..=0.7).contains(&v)
        || (0.66..=0.8).contains(&u) && (0.56..=0.7).contains(&v);
    if (roof || walls) && !door && !window { 2 } else { 1 }
}

/// The icon at `size` pixels, each pixel the average of 4×4 samples (smooth edges).
fn draw(size: u32, maskable: bool) -> RgbaImage {
    const N: u32 = 4;
    RgbaImage::from_fn(size, size, |px, py| {
        let (mut green, mut white) = (0u32, 0u32);
        for sy in 0..N {
            for sx in 0..N {
                let x = (f64::from(px * N + sx) + 0.5) / f64::from(size * N);
                let y = (f64::from(py * N + sy) + 0.5) / f64::from(size * N);
                match paint(x, y, maskable) {
                    1 => green += 1,
                    2 => white += 1,
                    _ => {}
                }
            }
        }
        let covered = green + white;
        if covered == 0 {
            return Rgba([0, 0, 0, 0]);
        }
        let mix = |c: u8| ((u32::from(c) * green + 255 * white) / covered) as u8;
        Rgba([mix(GREEN[0]), mix(GREEN[1]), mix(GREEN[2]), (covered * 255 / (N * N)) as u8])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_pngs_of_their_size() {
        for size in SIZES {
            for maskable in [false, true] {
                let bytes = png(size, maskable).unwrap();
                let img = image::load_from_memory_with_format(bytes, ImageFormat::Png).unwrap();
                assert_eq!((img.width(), img.height()), (size, size));
                let img = img.to_rgba8();
                // Maskable icons fill the square; the others leave the corners transparent.
                assert_eq!(img.get_pixel(0, 0).0[3], if maskable { 255 } else { 0 });
                // The centre of the house is white, its door green.
                assert_eq!(img.get_pixel(size / 2, size * 45 / 100).0, [255, 255, 255, 255]);
            }
        }
        assert!(png(100, false).is_none());
    }
}
