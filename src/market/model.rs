//! The market shared by both builds: categories, units, a product's availability, a shop's
//! moderation states and their moves, the rules of a shop's and a product's fields (checked in
//! the browser before sending and again on the server), and the WhatsApp link.

use serde::{Deserialize, Serialize};

pub use super::money::{Rupiah, rupiah};
pub use crate::kit::form::Problem;
use crate::population::record::parse_phone;

/// What a shop sells (a product has one too; a new product starts with its shop's).
pub struct Category {
    pub code: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
}

pub const CATEGORIES: &[Category] = &[
    Category { code: "makanan", label: "Makanan dan minuman", icon: "🍲" },
    Category { code: "sembako", label: "Kebutuhan sehari-hari", icon: "🧺" },
    Category { code: "pertanian", label: "Hasil pertanian", icon: "🌾" },
    Category { code: "peternakan", label: "Peternakan", icon: "🐓" },
    Category { code: "perikanan", label: "Perikanan", icon: "🐟" },
    Category { code: "kerajinan", label: "Kerajinan", icon: "🧶" },
    Category { code: "pakaian", label: "Pakaian dan kain", icon: "👕" },
    Category { code: "jasa", label: "Jasa", icon: "🛠" },
    Category { code: "lainnya", label: "Lainnya", icon: "🏷" },
];

pub fn category(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.code == code)
}

/// The label of a category code (the code itself when unknown).
pub fn category_label(code: &str) -> &str {
    category(code).map_or(code, |c| c.label)
}

/// How a product is counted.
pub const UNITS: &[&str] =
    &["pcs", "kg", "gram", "liter", "porsi", "bungkus", "ikat", "paket", "lusin", "meter", "jam", "hari"];

/// The stored words live in the kernel, beside the entities that store them.
pub use crate::kit::shop::{Availability, ShopStatus};

/// What an official does to a shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Moderation {
    Approve,
    Refuse,
    Hide,
}

impl ShopStatus {
    /// The status after `action`, or `None` when the action does not apply here.
    pub fn after(self, action: Moderation) -> Option<ShopStatus> {
        match (self, action) {
            (ShopStatus::Menunggu | ShopStatus::Ditolak | ShopStatus::Disembunyikan, Moderation::Approve) => {
                Some(ShopStatus::Aktif)
            }
            (ShopStatus::Menunggu, Moderation::Refuse) => Some(ShopStatus::Ditolak),
            (ShopStatus::Aktif, Moderation::Hide) => Some(ShopStatus::Disembunyikan),
            _ => None,
        }
    }

    /// The status after the seller changes the shop: a refused shop is asked for again; the
    /// others keep theirs (a hidden shop stays hidden until an official shows it again).
    pub fn after_edit(self) -> ShopStatus {
        match self {
            ShopStatus::Ditolak => ShopStatus::Menunggu,
            other => other,
        }
    }
}

/// Photos per product.
pub const MAX_PHOTOS: usize = 5;

/// The reason an official gives must be this long at least (refusing or hiding).
pub const MIN_REASON: usize = 10;

/// A shop's fields as the form sends them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShopInput {
    pub name: String,
    pub description: String,
    pub category: String,
    pub whatsapp: String,
    pub address: String,
    /// The place, picked on the map or from the phone's location.
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Opening hours as the seller writes them ("Setiap hari 07.00–17.00").
    pub hours: String,
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn length_problem(problems: &mut Vec<Problem>, field: &str, text: &str, (min, max): (usize, usize), what: &str) {
    let n = text.chars().count();
    if n == 0 && min > 0 {
        problems.push(Problem::new(field, format!("{what} wajib diisi.")));
    } else if n < min {
        problems.push(Problem::new(field, format!("{what} paling sedikit {min} huruf.")));
    } else if n > max {
        problems.push(Problem::new(field, format!("{what} paling panjang {max} huruf.")));
    }
}

impl ShopInput {
    /// The input with spaces tidied and the WhatsApp number in its `628…` form (when valid).
    pub fn cleaned(&self) -> ShopInput {
        ShopInput {
            name: squash(&self.name),
            description: self.description.trim().to_string(),
            category: self.category.trim().to_string(),
            whatsapp: whatsapp_number(&self.whatsapp).unwrap_or_else(|_| self.whatsapp.trim().to_string()),
            address: squash(&self.address),
            lat: self.lat,
            lng: self.lng,
            hours: squash(&self.hours),
        }
    }

    /// Every rule a shop keeps, on both sides.
    pub fn problems(&self) -> Vec<Problem> {
        let s = self.cleaned();
        let mut problems = Vec::new();
        length_problem(&mut problems, "name", &s.name, (3, 80), "Nama usaha");
        length_problem(&mut problems, "description", &s.description, (0, 1000), "Keterangan");
        if category(&s.category).is_none() {
            problems.push(Problem::new("category", "Pilih jenis usaha."));
        }
        if let Err(m) = whatsapp_number(&self.whatsapp) {
            problems.push(Problem::new("whatsapp", m));
        }
        length_problem(&mut problems, "address", &s.address, (5, 200), "Alamat");
        length_problem(&mut problems, "hours", &s.hours, (0, 100), "Jam buka");
        match (s.lat, s.lng) {
            (None, None) => {}
            (Some(lat), Some(lng)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) => {}
            _ => problems.push(Problem::new("place", "Lokasi usaha tidak sah; pilih lagi di peta.")),
        }
        problems
    }
}

/// A product added or changed, kept on a phone until there is a signal (`outbox`).
pub const OUTBOX_KIND: crate::outbox::model::Kind = crate::outbox::model::Kind::new("produk");

/// A product added (`id` `None`) or changed in one of the seller's shops, as the outbox carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductItem {
    pub shop: i64,
    pub id: Option<i64>,
    pub input: ProductInput,
}

/// A product's fields as the form sends them (prices as typed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductInput {
    pub name: String,
    pub description: String,
    pub category: String,
    pub price: String,
    /// Empty for none.
    pub discount_price: String,
    pub unit: String,
    pub availability: String,
}

/// A product's fields checked and parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductFields {
    pub name: String,
    pub description: String,
    pub category: String,
    pub price: Rupiah,
    pub discount_price: Option<Rupiah>,
    pub unit: String,
    pub availability: Availability,
}

impl ProductInput {
    /// The fields, or every rule they break.
    ///
    /// # Errors
    /// The problems, by field, in words for the seller.
    pub fn parse(&self) -> Result<ProductFields, Vec<Problem>> {
        let mut problems = Vec::new();
        let name = squash(&self.name);
        let description = self.description.trim().to_string();
        length_problem(&mut problems, "name", &name, (3, 100), "Nama produk");
        length_problem(&mut problems, "description", &description, (0, 2000), "Keterangan");
        let category = self.category.trim();
        if self::category(category).is_none() {
            problems.push(Problem::new("category", "Pilih kategori produk."));
        }
        let price = Rupiah::parse(&self.price).map_err(|m| problems.push(Problem::new("price", m))).ok();
        let discount_price = if self.discount_price.trim().is_empty() {
            None
        } else {
            match Rupiah::parse(&self.discount_price) {
                Ok(d) if price.is_some_and(|p| d >= p) => {
                    problems.push(Problem::new("discount_price", "Harga diskon harus lebih rendah dari harga biasa."));
                    None
                }
                Ok(d) => Some(d),
                Err(m) => {
                    problems.push(Problem::new("discount_price", format!("Harga diskon: {}", lower_first(&m))));
                    None
                }
            }
        };
        let unit = self.unit.trim();
        if !UNITS.contains(&unit) {
            problems.push(Problem::new("unit", "Pilih satuan produk."));
        }
        let availability = Availability::parse(self.availability.trim());
        if availability.is_none() {
            problems.push(Problem::new("availability", "Pilih ketersediaan produk."));
        }
        match (price, availability) {
            (Some(price), Some(availability)) if problems.is_empty() => Ok(ProductFields {
                name,
                description,
                category: category.to_string(),
                price,
                discount_price,
                unit: unit.to_string(),
                availability,
            }),
            _ => Err(problems),
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// A phone number as WhatsApp links want it: `628…` (from `08…`, `628…` or `+628…`).
///
/// # Errors
/// Not an Indonesian mobile number.
pub fn whatsapp_number(text: &str) -> Result<String, String> {
    let local = parse_phone(text).map_err(|_| "Nomor WhatsApp tidak valid; tulis nomor HP seperti 081234567890.")?;
    Ok(format!("62{}", &local[1..]))
}

/// `0812-3456-7890` for a stored `6281234567890`.
pub fn phone_display(whatsapp: &str) -> String {
    let local = whatsapp.strip_prefix("62").map_or_else(|| whatsapp.to_string(), |rest| format!("0{rest}"));
    let mut out = String::new();
    for (i, c) in local.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// The "Hubungi via WhatsApp" link for a product: the seller's number and a prepared message
/// naming the product, its price and its page.
pub fn whatsapp_link(whatsapp: &str, product: &str, price: &str, page: &str) -> String {
    let text = format!("Halo, saya tertarik dengan {product} ({price}) yang Anda jual di Pasar Desa. {page}");
    format!("https://wa.me/{whatsapp}?text={}", crate::ui::urlencode(&text))
}

/// How the catalogue is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    #[default]
    Newest,
    Cheapest,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "terbaru",
            Sort::Cheapest => "termurah",
        }
    }

    pub fn parse(text: &str) -> Sort {
        if text == "termurah" { Sort::Cheapest } else { Sort::Newest }
    }
}

/// What a buyer asks the catalogue (the query string of the catalogue page).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CatalogueQuery {
    /// Words in the product's name or description or the shop's name.
    pub q: String,
    pub category: String,
    pub dusun: Option<i64>,
    /// Prices as typed (`10.000`), empty for no bound.
    pub min: String,
    pub max: String,
    pub available: bool,
    pub sort: Sort,
    /// Which page (keyset, see `db::keyset`).
    pub at: crate::ui::PageAt,
    /// Show where the matching products are sold, on a map, instead of the grid.
    pub map: bool,
}

/// A product in the catalogue's grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: i64,
    /// The village the product belongs to (a catalogue may span a kecamatan or kabupaten).
    pub village_slug: String,
    pub village: String,
    pub shop_id: i64,
    pub shop: String,
    pub name: String,
    pub price: String,
    /// The discounted price, when there is one (`price` is then shown struck through).
    pub discount_price: Option<String>,
    pub unit: String,
    pub availability: Availability,
    /// The first photo's thumbnail address.
    pub thumb: Option<String>,
}

/// A shop on the catalogue's map: where it is on the drawing and how many of its products match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapDot {
    pub x: f32,
    pub y: f32,
    pub shop: String,
    pub href: String,
    pub products: u64,
}

/// The catalogue's results on a map drawn by the server (an SVG, no script or tiles needed):
/// the village's boundary and dusun as paths in a `width`×`height` box, and the shops.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultsMap {
    pub width: u32,
    pub height: u32,
    pub boundary: Vec<String>,
    pub areas: Vec<String>,
    pub dots: Vec<MapDot>,
    /// Matching products whose shop has no place.
    pub unplaced: u64,
}

/// One page of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The results on a map (when the query asks for it).
    pub map: Option<ResultsMap>,
    pub items: Vec<ProductCard>,
    pub total: u64,
    pub links: crate::ui::PageLinks,
    /// What was wrong with the filters (a price bound that is not a price), shown above the grid.
    pub problems: Vec<Problem>,
    /// The dusun a buyer can filter by (a village's catalogue; empty for a region).
    pub dusun: Vec<(i64, String)>,
    /// A region's catalogue: its name ("Kecamatan Kramatwatu") and the regions to choose from
    /// (code, name): the kabupaten and kecamatan of the deployment's villages.
    pub region: Option<String>,
    pub regions: Vec<(String, String)>,
    /// A village's catalogue in a deployment: its kecamatan (code, "Kec. Kramatwatu"), whose
    /// market the page links to.
    pub nearby: Option<(String, String)>,
}

/// A shop as the public sees it (its WhatsApp number is published by the seller for buyers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category: String,
    pub whatsapp: String,
    /// `0812-3456-7890`.
    pub phone: String,
    pub address: String,
    pub dusun: Option<String>,
    pub hours: String,
    /// `[lat, lng]`.
    pub place: Option<(f64, f64)>,
    /// The shop's photo (a square thumbnail), if it has one.
    pub photo: Option<String>,
}

/// A photo of a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoView {
    pub id: i64,
    pub url: String,
    pub thumb: String,
    pub width: i32,
    pub height: i32,
}

/// A product's public page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category: String,
    pub price: String,
    pub discount_price: Option<String>,
    pub unit: String,
    pub availability: Availability,
    pub photos: Vec<PhotoView>,
    pub shop: ShopView,
    /// "Hubungi via WhatsApp", with a prepared message naming the product.
    pub whatsapp_link: String,
}

/// A shop's public page: the shop and its visible products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopPage {
    pub shop: ShopView,
    pub products: Vec<ProductCard>,
    /// The village map for the shop's place (empty when it has none).
    pub map: crate::geo::map::VillageMap,
}

/// "Lapak saya": the resident's shops, and the village map to place a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SellerPage {
    pub shops: Vec<MyShop>,
    pub map: crate::geo::map::VillageMap,
    /// Whether another shop may be opened.
    pub can_open: bool,
}

/// One shop's management page (its owner, or an official).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagePage {
    pub shop: MyShop,
    pub map: crate::geo::map::VillageMap,
    /// The viewer is an official (who may hide products).
    pub official: bool,
}

/// The officials' market page: a page of shops, the counts, the map for opening a shop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketAdmin {
    pub rows: Vec<ShopRow>,
    pub links: crate::ui::PageLinks,
    pub report: MarketReport,
    pub map: crate::geo::map::VillageMap,
}

/// A product as its seller manages it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyProduct {
    pub id: i64,
    pub input: ProductInput,
    pub price: String,
    pub hidden_reason: Option<String>,
    pub photos: Vec<PhotoView>,
}

/// A shop as its seller (or an official) manages it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyShop {
    pub id: i64,
    pub input: ShopInput,
    pub status: ShopStatus,
    /// Why it was refused or hidden.
    pub note: String,
    /// The shop's photo (a square thumbnail), if it has one.
    pub photo: Option<String>,
    pub products: Vec<MyProduct>,
}

/// A shop in the officials' list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopRow {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub category: String,
    pub dusun: Option<String>,
    pub status: ShopStatus,
    pub note: String,
    pub products: u64,
    pub created: String,
}

/// Counts for the officials (and the portal's "potensi desa"): approved shops and their visible
/// products, per category and per dusun.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MarketReport {
    /// (label, shops, products).
    pub per_category: Vec<(String, u64, u64)>,
    pub per_dusun: Vec<(String, u64, u64)>,
    pub waiting: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_become_whatsapp_numbers() {
        for (text, number) in [
            ("081234567890", "6281234567890"),
            ("0812-3456-7890", "6281234567890"),
            ("+62 812 3456 7890", "6281234567890"),
            ("6285712345678", "6285712345678"),
            ("(0857) 1234.5678", "6285712345678"),
        ] {
            assert_eq!(whatsapp_number(text).as_deref(), Ok(number), "{text}");
        }
        for text in ["", "0212345678", "12345", "08123", "0812345678901234", "08123abc4567", "+1 415 555 0100"] {
            assert!(whatsapp_number(text).is_err(), "{text}");
        }
        assert_eq!(phone_display("6281234567890"), "0812-3456-7890");
    }

    #[test]
    fn shop_and_product_rules() {
        let shop = ShopInput {
            name: "  Warung   Bu Siti ".into(),
            category: "makanan".into(),
            whatsapp: "0812 3456 7890".into(),
            address: "Kp. Kramat RT 002/001".into(),
            ..ShopInput::default()
        };
        assert!(shop.problems().is_empty(), "{:?}", shop.problems());
        assert_eq!(shop.cleaned().name, "Warung Bu Siti");
        assert_eq!(shop.cleaned().whatsapp, "6281234567890");
        let bad = ShopInput { name: "A".into(), whatsapp: "021".into(), lat: Some(-6.0), ..ShopInput::default() };
        let fields: Vec<String> = bad.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name", "category", "whatsapp", "address", "place"]);

        let product = ProductInput {
            name: "Keripik singkong pedas".into(),
            category: "makanan".into(),
            price: "Rp 15.000".into(),
            discount_price: "12.500".into(),
            unit: "bungkus".into(),
            availability: "tersedia".into(),
            ..ProductInput::default()
        };
        let parsed = product.parse().expect("valid");
        assert_eq!((parsed.price.value(), parsed.discount_price.map(Rupiah::value)), (15_000, Some(12_500)));
        let dearer = ProductInput { discount_price: "15000".into(), ..product.clone() };
        assert_eq!(dearer.parse().unwrap_err()[0].field, "discount_price");
        let broken =
            ProductInput { price: "lima ribu".into(), unit: "ton".into(), availability: "x".into(), ..product };
        let fields: Vec<String> = broken.parse().unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["price", "unit", "availability"]);
    }

    #[test]
    fn moderation_moves() {
        use Moderation::*;
        use ShopStatus::*;
        assert_eq!(Menunggu.after(Approve), Some(Aktif));
        assert_eq!(Menunggu.after(Refuse), Some(Ditolak));
        assert_eq!(Aktif.after(Hide), Some(Disembunyikan));
        assert_eq!(Disembunyikan.after(Approve), Some(Aktif));
        assert_eq!(Aktif.after(Approve), None);
        assert_eq!(Aktif.after(Refuse), None);
        assert_eq!(Ditolak.after(Hide), None);
        assert_eq!(Ditolak.after_edit(), Menunggu);
        assert_eq!(Disembunyikan.after_edit(), Disembunyikan);
        assert_eq!(Aktif.after_edit(), Aktif);
    }

    #[test]
    fn the_whatsapp_link_names_the_product() {
        let link = whatsapp_link("6281234567890", "Keripik & Rengginang", "Rp 15.000", "https://desa.id/p/1");
        assert!(link.starts_with("https://wa.me/6281234567890?text=Halo%2C%20saya%20tertarik"), "{link}");
        assert!(link.contains("Keripik%20%26%20Rengginang%20%28Rp%2015.000%29"), "{link}");
    }
}
