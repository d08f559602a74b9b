//! Uploaded files (server only): what a file really is (by its bytes, never its name), photos
//! decoded within limits and re-encoded (which drops EXIF, GPS included), thumbnails, PDFs
//! checked, and where files are kept (outside the web root; served only by handlers that check
//! who is asking): on the server's disk, or in an S3-compatible bucket (`s3`).

use std::io::Cursor;
use std::path::PathBuf;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

pub mod s3;

/// Largest upload accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Largest side of a photo as it is kept, and of its thumbnail.
pub const DISPLAY_SIDE: u32 = 1600;
pub const THUMB_SIDE: u32 = 320;
/// A decoded image may not be larger than this many pixels (a "decompression bomb" is a small
/// file that claims a huge picture).
pub const MAX_PIXELS: u64 = 40_000_000;

/// What a file's bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

/// The kind of `bytes` by their signature, whatever the file is called.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("Berkas terlalu besar (paling besar 5 MB).")]
    TooLarge,
    #[error("Berkas kosong.")]
    Empty,
    #[error("Berkas bukan foto JPEG, PNG, atau WebP, atau dokumen PDF.")]
    NotAllowed,
    #[error("Berkas ini bukan foto; hanya foto JPEG, PNG, atau WebP.")]
    NotAnImage,
    #[error("Foto rusak atau tidak dapat dibaca.")]
    Broken,
    #[error("Ukuran gambar terlalu besar (paling banyak 40 megapiksel).")]
    TooManyPixels,
    #[error("Dokumen PDF rusak atau tidak lengkap.")]
    BrokenPdf,
}

/// A photo made safe: re-encoded as JPEG without metadata, and its thumbnail.
#[derive(Debug, Clone)]
pub struct Photo {
    pub display: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// An accepted upload.
#[derive(Debug, Clone)]
pub enum Accepted {
    Photo(Photo),
    Pdf(Vec<u8>),
}

/// Checks an upload: a photo (decoded and re-encoded) or, when `pdf_allowed`, a PDF.
///
/// # Errors
/// Why the file is refused, in words for the person who sent it.
pub fn accept(bytes: &[u8], pdf_allowed: bool) -> Result<Accepted, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooLarge);
    }
    match sniff(bytes) {
        Some(Kind::Pdf) if pdf_allowed => check_pdf(bytes).map(|()| Accepted::Pdf(bytes.to_vec())),
        Some(Kind::Pdf) => Err(MediaError::NotAnImage),
        Some(_) => photo(bytes).map(Accepted::Photo),
        None if pdf_allowed => Err(MediaError::NotAllowed),
        None => Err(MediaError::NotAnImage),
    }
}

/// A PDF must start with its header and end with an end-of-file marker (near the end, where
/// writers put it); its content is never interpreted by the server.
fn check_pdf(bytes: &[u8]) -> Result<(), MediaError> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let has_eof = tail.windows(5).any(|w| w == b"%%EOF");
    if (bytes.starts_with(b"%PDF-1.") || bytes.starts_with(b"%PDF-2.")) && has_eof {
        Ok(())
    } else {
        Err(MediaError::BrokenPdf)
    }
}

/// Decodes an image checked by content, within the size and pixel limits.
fn decode(bytes: &[u8]) -> Result<DynamicImage, MediaError> {
    let format = match sniff(bytes) {
        Some(Kind::Jpeg) => ImageFormat::Jpeg,
        Some(Kind::Png) => ImageFormat::Png,
        Some(Kind::Webp) => ImageFormat::WebP,
        _ => return Err(MediaError::NotAnImage),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let (w, h) = reader.into_dimensions().map_err(|_| MediaError::Broken)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(MediaError::TooManyPixels);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooManyPixels,
        _ => MediaError::Broken,
    })
}

/// Decodes a photo within limits and encodes the kept size and the thumbnail as JPEG (nothing
/// of the original file but its pixels survives: no EXIF, no GPS).
///
/// # Errors
/// Not an image, broken, or too many pixels.
pub fn photo(bytes: &[u8]) -> Result<Photo, MediaError> {
    let image = decode(bytes)?;
    let image = DynamicImage::ImageRgb8(image.into_rgb8());
    let display = fit(&image, DISPLAY_SIDE);
    let thumb = fit(&image, THUMB_SIDE);
    Ok(Photo {
        width: display.width(),
        height: display.height(),
        display: jpeg(&display, 82)?,
        thumb: jpeg(&thumb, 72)?,
    })
}

/// The market's budgets: a product photo as shown on its page, and the square thumbnail of
/// the catalogue's grid (cropped to the centre, so every card has the same size).
pub const MARKET_DISPLAY_SIDE: u32 = 1200;
pub const MARKET_DISPLAY_BYTES: usize = 150 * 1024;
pub const MARKET_THUMB_SIDE: u32 = 240;
pub const MARKET_THUMB_BYTES: usize = 20 * 1024;

/// Qualities tried for a display photo, and for a thumbnail (a small image on a phone's card
/// looks the same at a lower quality, and the catalogue shows a dozen of them at once).
const DISPLAY_QUALITIES: &[u8] = &[82, 74, 66, 58, 50];
const THUMB_QUALITIES: &[u8] = &[66, 58, 50, 42];

/// `image` as a JPEG of at most `budget` bytes: the quality steps down, then the size, until
/// it fits (a photo of fine detail needs a few steps; most fit at the first).
fn jpeg_within(image: &DynamicImage, budget: usize, qualities: &[u8]) -> Result<Vec<u8>, MediaError> {
    let mut image = image.clone();
    loop {
        for &quality in qualities {
            let out = jpeg(&image, quality)?;
            if out.len() <= budget {
                return Ok(out);
            }
        }
        let (w, h) = (image.width() * 3 / 4, image.height() * 3 / 4);
        if w < 64 || h < 64 {
            return jpeg(&image, 40);
        }
        image = image.resize(w, h, image::imageops::FilterType::Triangle);
    }
}

/// A product photo for the market: checked by content and pixel count, re-encoded without
/// metadata, at most [`MARKET_DISPLAY_SIDE`] and [`MARKET_DISPLAY_BYTES`], with a square
/// thumbnail of [`MARKET_THUMB_SIDE`] within [`MARKET_THUMB_BYTES`].
///
/// # Errors
/// Empty, too large, not an image, broken, or too many pixels.
pub fn market_photo(bytes: &[u8]) -> Result<Photo, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooLarge);
    }
    let image = DynamicImage::ImageRgb8(decode(bytes)?.into_rgb8());
    let display = jpeg_within(&fit(&image, MARKET_DISPLAY_SIDE), MARKET_DISPLAY_BYTES, DISPLAY_QUALITIES)?;
    let side = image.width().min(image.height());
    let square = image.crop_imm((image.width() - side) / 2, (image.height() - side) / 2, side, side);
    let thumb = jpeg_within(&fit(&square, MARKET_THUMB_SIDE), MARKET_THUMB_BYTES, THUMB_QUALITIES)?;
    let (width, height) = image::load_from_memory_with_format(&display, ImageFormat::Jpeg)
        .map(|d| (d.width(), d.height()))
        .map_err(|_| MediaError::Broken)?;
    Ok(Photo { display, thumb, width, height })
}

/// The wide photo at the top of a village's home page: at most 800 pixels (a phone's screen at
/// its pixel density) and 50 KB, so that it arrives quickly on a phone (it is the page's largest
/// element).
///
/// # Errors
/// Empty, too large, not an image, broken, or too many pixels.
pub fn banner(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooLarge);
    }
    let image = DynamicImage::ImageRgb8(decode(bytes)?.into_rgb8());
    jpeg_within(&fit(&image, 800), 50 * 1024, DISPLAY_QUALITIES)
}

/// A logo for the letterhead: an image checked by content, transparent parts made white, at
/// most `side` pixels, as a baseline JPEG.
///
/// # Errors
/// Empty, too large, not an image, broken, or too many pixels.
pub fn logo(bytes: &[u8], side: u32) -> Result<Vec<u8>, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooLarge);
    }
    // Made small first: flattening a 40-megapixel logo pixel by pixel would hold it twice.
    let image = fit(&decode(bytes)?, side).into_rgba8();
    let flat = image::RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let [r, g, b, a] = image.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    });
    jpeg(&fit(&DynamicImage::ImageRgb8(flat), side), 90)
}

fn fit(image: &DynamicImage, side: u32) -> DynamicImage {
    if image.width() <= side && image.height() <= side {
        image.clone()
    } else if image.width().max(image.height()) > 2 * side {
        // A large photo is first averaged down to twice the size (box sampling straight into
        // the smaller image: no full-size float buffer), then filtered to the size.
        image.thumbnail(2 * side, 2 * side).resize(side, side, image::imageops::FilterType::Triangle)
    } else {
        image.resize(side, side, image::imageops::FilterType::Triangle)
    }
}

fn jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    image.write_with_encoder(encoder).map_err(|_| MediaError::Broken)?;
    Ok(out)
}

/// Runs `check` (a photo's decoding and re-encoding, a PDF's check) on the parsing pool, off the
/// async runtime: decoding a large photo takes a second of CPU, which on the runtime would stall
/// every other request (`/healthz` went from 4 ms to 4.6 s under four 39-megapixel uploads).
///
/// # Errors
/// `Busy` when too many files wait; `Invalid` with the reason the file is refused.
pub async fn checked<T: Send + 'static>(
    bytes: &[u8],
    check: impl FnOnce(&[u8]) -> Result<T, MediaError> + Send + 'static,
) -> crate::error::AppResult<T> {
    // The size is known before anything is copied or decoded.
    if bytes.len() > MAX_BYTES {
        return Err(crate::error::AppError::Invalid(MediaError::TooLarge.to_string()));
    }
    let bytes = bytes.to_vec();
    crate::bounded::parse(move |_| check(&bytes)).await?.map_err(|e| crate::error::AppError::Invalid(e.to_string()))
}

/// What an upload form sent, read whole within the route's body limit: its fields by name (the
/// last of a name counts). A plain handler takes it as its last argument (it reads the body),
/// after the extractors that say who may upload — so nobody else's body is ever read.
#[derive(Debug, Default)]
pub struct Upload {
    fields: std::collections::HashMap<String, Vec<u8>>,
    problem: Option<String>,
}

impl Upload {
    /// Reads a multipart form. A cut or oversized body is remembered as the problem.
    pub async fn read(form: &mut axum::extract::Multipart) -> Upload {
        let mut out = Upload::default();
        loop {
            match form.next_field().await {
                Ok(Some(field)) => {
                    let name = field.name().unwrap_or_default().to_string();
                    match field.bytes().await {
                        Ok(b) => {
                            out.fields.insert(name, b.to_vec());
                        }
                        Err(_) => out.problem = Some(MediaError::TooLarge.to_string()),
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    out.problem = Some("Unggahan terputus atau terlalu besar (paling besar 5 MB); coba lagi.".into());
                    break;
                }
            }
        }
        out
    }

    /// A text field, trimmed (empty when missing).
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).map(|b| String::from_utf8_lossy(b).trim().to_string()).unwrap_or_default()
    }

    /// The file in the field `name` (an empty file input counts as none), or the refusal: the
    /// problem reading the form, or `missing` when no file was chosen.
    ///
    /// # Errors
    /// `Invalid` with that message.
    pub fn file(&mut self, name: &str, missing: &str) -> crate::error::AppResult<Vec<u8>> {
        if let Some(problem) = self.problem.take() {
            return Err(crate::error::AppError::Invalid(problem));
        }
        match self.fields.remove(name) {
            Some(bytes) if !bytes.is_empty() => Ok(bytes),
            _ => Err(crate::error::AppError::Invalid(missing.to_string())),
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Upload {
    type Rejection = axum::response::Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let mut form = axum::extract::Multipart::from_request(req, state).await.map_err(IntoResponse::into_response)?;
        Ok(Upload::read(&mut form).await)
    }
}

/// Where uploaded files are kept: a folder on the server's disk outside the web root (the
/// default), or an S3-compatible bucket when several app servers must share them. Keys are made
/// by the server (`letters/<village>/<random>.jpg`), never from a user's file name, and are
/// checked the same way for both.
#[derive(Debug, Clone)]
pub struct Storage {
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Disk(PathBuf),
    S3(s3::Bucket),
}

impl Storage {
    /// Files in the folder `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { backend: Backend::Disk(root.into()) }
    }

    /// Files in an S3-compatible bucket.
    ///
    /// # Errors
    /// An endpoint that is not a URL.
    pub fn s3(config: s3::S3Config) -> Result<Self, String> {
        Ok(Self { backend: Backend::S3(s3::Bucket::new(config)?) })
    }

    /// Where files go, for messages: a folder or `s3://bucket`.
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Disk(root) => root.display().to_string(),
            Backend::S3(bucket) => bucket.describe(),
        }
    }

    /// A key the server could have made: ASCII letters, digits, `-_.`, parts split by `/`.
    fn safe(key: &str) -> bool {
        !key.is_empty()
            && key.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            })
    }

    fn unsafe_key() -> std::io::Error {
        std::io::Error::other("unsafe storage key")
    }

    /// # Errors
    /// Disk or object store failures, or a key with unsafe parts.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        if !Self::safe(key) {
            return Err(Self::unsafe_key());
        }
        match &self.backend {
            Backend::Disk(root) => {
                let path = root.join(key);
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                // Written beside and renamed: a reader never sees half a file.
                let tmp = path.with_extension("part");
                tokio::fs::write(&tmp, bytes).await?;
                tokio::fs::rename(&tmp, &path).await
            }
            Backend::S3(bucket) => bucket.put(key, bytes).await,
        }
    }

    /// # Errors
    /// Missing file (`NotFound`), disk or object store failures, or a key with unsafe parts.
    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        if !Self::safe(key) {
            return Err(Self::unsafe_key());
        }
        match &self.backend {
            Backend::Disk(root) => tokio::fs::read(root.join(key)).await,
            Backend::S3(bucket) => bucket.get(key).await,
        }
    }

    /// Removes a file that is no longer referred to; a missing file is not an error, and a
    /// failure is only logged (an orphaned file wastes space, it exposes nothing).
    pub async fn remove(&self, key: &str) {
        if !Self::safe(key) {
            return;
        }
        let result = match &self.backend {
            Backend::Disk(root) => match tokio::fs::remove_file(root.join(key)).await {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            },
            Backend::S3(bucket) => bucket.remove(key).await,
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, key, "removing a stored file");
        }
    }
}

/// A random key part (16 lowercase letters and digits).
pub fn random_name() -> String {
    use rand_core::RngCore;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 120, 40]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn photos_are_recognised_by_content() {
        assert_eq!(sniff(&png(2, 2)), Some(Kind::Png));
        assert_eq!(sniff(b"MZ\x90\x00 this is a program"), None);
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
        assert!(matches!(accept(b"MZ\x90\x00 renamed.jpg", false), Err(MediaError::NotAnImage)));
        assert!(matches!(accept(b"MZ\x90\x00 renamed.pdf", true), Err(MediaError::NotAllowed)));
        assert!(matches!(accept(b"%PDF-1.4\n...no end", true), Err(MediaError::BrokenPdf)));
        assert!(matches!(accept(b"%PDF-1.4\n1 0 obj\n%%EOF\n", false), Err(MediaError::NotAnImage)));
        assert!(matches!(accept(b"%PDF-1.4\n1 0 obj\n%%EOF\n", true), Ok(Accepted::Pdf(_))));
        assert!(matches!(accept(&[], true), Err(MediaError::Empty)));
        assert!(matches!(accept(&vec![0xFF; MAX_BYTES + 1], true), Err(MediaError::TooLarge)));
    }

    #[test]
    fn photos_are_resized_and_reencoded() {
        let p = photo(&png(3000, 1500)).unwrap();
        assert_eq!((p.width, p.height), (1600, 800));
        assert_eq!(sniff(&p.display), Some(Kind::Jpeg));
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
        let small = photo(&png(100, 80)).unwrap();
        assert_eq!((small.width, small.height), (100, 80));
    }

    /// Noise compresses worst: the budgets must hold for it too.
    fn noise(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
        let mut seed = 0x2545_f491_u32;
        let img = image::RgbImage::from_fn(w, h, |_, _| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let [a, b, c, _] = seed.to_le_bytes();
            image::Rgb([a, b, c])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    #[test]
    fn market_photos_keep_their_budgets() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP] {
            // Noise is incompressible: 1,300 × 1,000 stays under the 5 MB upload limit as PNG.
            let p = market_photo(&noise(1300, 1000, format)).unwrap();
            assert!(p.display.len() <= MARKET_DISPLAY_BYTES, "{format:?}: {} bytes", p.display.len());
            assert!(p.thumb.len() <= MARKET_THUMB_BYTES, "{format:?}: {} bytes", p.thumb.len());
            let thumb = image::load_from_memory(&p.thumb).unwrap();
            assert_eq!(thumb.width(), thumb.height(), "{format:?}: square thumbnail");
            assert!(p.width <= MARKET_DISPLAY_SIDE && p.height <= MARKET_DISPLAY_SIDE);
            assert_eq!(sniff(&p.display), Some(Kind::Jpeg));
        }
        // A photo with EXIF (a phone's GPS position) loses it: nothing but pixels survives.
        let mut with_exif = noise(400, 300, ImageFormat::Jpeg);
        let payload = b"Exif\0\0GPS -6.05 106.1 rahasia";
        let mut segment = vec![0xFF, 0xE1];
        segment.extend(u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        segment.extend(payload);
        with_exif.splice(2..2, segment);
        let p = market_photo(&with_exif).unwrap();
        assert!(!p.display.windows(4).any(|w| w == b"Exif"));
        assert!(!p.display.windows(7).any(|w| w == b"rahasia"));
        // A program renamed to .jpg is refused.
        assert!(matches!(market_photo(b"MZ\x90\x00 not a photo"), Err(MediaError::NotAnImage)));
        assert!(matches!(market_photo(&[]), Err(MediaError::Empty)));
    }

    /// A small file that decodes to 48 million pixels is refused before it is decoded.
    #[test]
    fn a_decompression_bomb_is_refused() {
        let mut bomb = Vec::new();
        DynamicImage::ImageLuma8(image::GrayImage::new(8000, 6000))
            .write_to(&mut Cursor::new(&mut bomb), ImageFormat::Png)
            .unwrap();
        assert!(bomb.len() < 300_000, "{} bytes", bomb.len());
        assert!(matches!(accept(&bomb, false), Err(MediaError::TooManyPixels)));
    }

    #[test]
    fn a_truncated_photo_is_broken() {
        let bytes = png(50, 50);
        assert!(matches!(photo(&bytes[..bytes.len() / 2]), Err(MediaError::Broken)));
    }

    #[test]
    fn storage_keys_cannot_escape_the_folder() {
        assert!(Storage::safe("letters/1/abc.jpg"));
        for bad in ["../etc/passwd", "letters/../../x", "/abs", "a//b", "a/b c", "", "a/%2e%2e"] {
            assert!(!Storage::safe(bad), "{bad}");
        }
    }
}
