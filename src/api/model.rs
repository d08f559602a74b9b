//! What `/api/v1/` answers: its own types, separate from the pages' models and never an
//! entity, so the contract changes only with the version. Every type documents itself in the
//! OpenAPI document (`utoipa::ToSchema`).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A refusal: a stable code for programs and a message in Bahasa Indonesia for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// `invalid`, `unauthenticated`, `forbidden`, `not_found`, `rate_limited` or `internal`.
    #[schema(example = "not_found")]
    pub error: String,
    #[schema(example = "Data tidak ditemukan.")]
    pub message: String,
}

/// Paging of a list: `cursor` is the `next_cursor` of the page before.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The `next_cursor` of the previous page; leave out for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{0,2048}$")]
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// A village of the deployment.
#[derive(Debug, Serialize, ToSchema)]
pub struct Village {
    /// Kode wilayah (Kepmendagri), e.g. `36.04.05.2001`.
    #[schema(example = "36.04.05.2001")]
    pub code: String,
    #[schema(example = "kramatwatu")]
    pub slug: String,
    pub name: String,
    /// `desa`, `kelurahan` or `desa adat`.
    pub kind: String,
    pub kecamatan: String,
    pub kabupaten: String,
    pub province: String,
    /// The address of the village's public portal, from this server's root.
    #[schema(example = "/kramatwatu")]
    pub portal: String,
    /// Whether the village has a boundary on the map.
    pub has_boundary: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VillageList {
    pub items: Vec<Village>,
    /// Villages matching the filters, over all pages.
    pub total: u64,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A dusun with its RW and RTs (ids for the `dusun` and `rt` filters).
#[derive(Debug, Serialize, ToSchema)]
pub struct Dusun {
    pub id: i64,
    pub name: String,
    pub rw: Vec<Rw>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rw {
    pub id: i64,
    pub name: String,
    pub rt: Vec<Rt>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rt {
    pub id: i64,
    pub name: String,
}

/// Living residents of the village, as on its public statistics page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Statistics {
    /// Head counts: null means from 1 to 4 (a small cell is never published exactly, so that
    /// nobody can be singled out).
    pub residents: Option<u64>,
    pub families: Option<u64>,
    pub male: Option<u64>,
    pub female: Option<u64>,
    /// Five-year age groups, 0–4 to 75+.
    pub age_groups: Vec<AgeGroup>,
    pub dusun: Vec<DusunCount>,
    /// Religion, education, occupation and marital status.
    pub categories: Vec<Category>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgeGroup {
    #[schema(example = "0–4")]
    pub label: String,
    pub male: Option<u64>,
    pub female: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DusunCount {
    pub id: i64,
    pub name: String,
    pub male: Option<u64>,
    pub female: Option<u64>,
    pub total: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    #[schema(example = "Agama")]
    pub title: String,
    pub rows: Vec<CategoryRow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRow {
    pub label: String,
    pub count: Option<u64>,
}

/// A published article (berita) of the village's portal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub category: String,
    pub excerpt: String,
    /// RFC 3339.
    pub published_at: String,
    /// The article on the portal, from this server's root.
    pub url: String,
    /// The cover photo's address, when it has one.
    pub cover: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub items: Vec<Article>,
    pub total: u64,
    pub next_cursor: Option<String>,
}

/// An article with its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleFull {
    #[serde(flatten)]
    pub article: Article,
    /// The text as Markdown, as it was written.
    pub body_markdown: String,
    /// The same as sanitised HTML (no raw HTML from the author passes through).
    pub body_html: String,
}

/// A product of the village market (UMKM) that the public may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub category: String,
    /// Whole rupiah.
    pub price: i64,
    /// Whole rupiah, when discounted.
    pub discount_price: Option<i64>,
    #[schema(example = "bungkus")]
    pub unit: String,
    pub shop_id: i64,
    pub shop_name: String,
    /// The product's page on the portal.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<Product>,
    pub total: u64,
    pub next_cursor: Option<String>,
}

/// A layer of the village map; its features come from `url` as GeoJSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapLayer {
    #[schema(example = "batas")]
    pub key: String,
    pub title: String,
    pub url: String,
}

/// A resident, for the village's officials and the partner systems it trusts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Resident {
    pub id: i64,
    #[schema(example = "3604051203880001")]
    pub nik: String,
    /// No. KK of the resident's family, when known.
    pub kk: Option<String>,
    pub name: String,
    /// `L` or `P`.
    pub sex: String,
    pub birth_place: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub relationship: String,
    pub religion: String,
    pub education: String,
    pub occupation: String,
    pub marital_status: String,
    /// `hidup`, `mati`, `pindah` or `hilang`.
    pub status: String,
    pub dusun_id: Option<i64>,
    pub rt_id: Option<i64>,
    /// `Kramat / RW 001 / RT 002`.
    pub area: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentList {
    pub items: Vec<Resident>,
    pub total: u64,
    pub next_cursor: Option<String>,
}

/// A letter request of the village.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterRequest {
    pub id: i64,
    /// The letter type's title.
    pub kind: String,
    /// `belum_lengkap`, `diperiksa`, `menunggu_rt`, `menunggu_ttd`, `siap`, `selesai`,
    /// `ditolak` or `dibatalkan`.
    pub status: String,
    pub status_label: String,
    pub resident_id: i64,
    pub resident_name: String,
    /// The letter number once signed.
    pub number: Option<String>,
    pub online: bool,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LetterRequestList {
    pub items: Vec<LetterRequest>,
    pub total: u64,
    pub next_cursor: Option<String>,
}
