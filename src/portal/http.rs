//! What search engines read, as plain HTTP (server only): `robots.txt` and each village's
//! `sitemap.xml` (its public pages, published articles, the market's shops and products and the
//! gallery's albums); on a deployment's own address,
//! `/sitemap.xml` is the index of its villages' sitemaps.
//!
//! `GET /robots.txt`
//! `GET /sitemap.xml` (a bound host: its village; a deployment: the index)
//! `GET /{slug}/sitemap.xml`
//!
//! And an article's cover image, a plain multipart form like every upload:
//! `POST /api/portal/{slug}/sampul/{id}` (field `foto`, officials) → 303 back to the editor
//! `GET  /api/portal/{slug}/sampul/{id}[?kecil=1]` (public while the article is)
//!
//! The home page's photo and the photos of the people on the profile (public; their address
//! changes with the photo, `?v=…`, so they are cached long):
//! `POST /api/portal/{slug}/beranda` (field `foto`, officials) → 303 to the profile editor
//! `GET  /api/portal/{slug}/beranda`
//! `POST /api/portal/{slug}/perangkat/{id}` (field `foto`, officials) → 303 to the profile editor
//! `GET  /api/portal/{slug}/perangkat/{id}`
//!
//! The gallery's photos:
//! `POST /api/portal/{slug}/galeri/{album}` (fields `foto`, `keterangan`; officials) → 303 to the gallery editor
//! `GET  /api/portal/{slug}/galeri-foto/{id}[?kecil=1]` (public)

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;

use crate::access::guard::{InVillage, OfficialOf};
use crate::db::entities::village;
use crate::error::AppError;
use crate::media::Upload;
use crate::site::SiteMode;
use crate::state::AppState;
use crate::ui::escape;
use crate::web::{back_to, error_response};

/// The pages of a village every visitor may read.
const PUBLIC_PAGES: &[&str] = &[
    "",
    "/profil",
    "/berita",
    "/pengumuman",
    "/agenda",
    "/apbdes",
    "/statistik",
    "/layanan",
    "/pengaduan",
    "/pasar",
    "/peta",
];

fn xml(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body,
    )
        .into_response()
}

/// The sitemap of one village: its public pages, then its published articles with their last
/// change.
///
/// # Errors
/// Database failures.
pub async fn village_sitemap(
    db: &sea_orm::DatabaseConnection,
    v: &village::Model,
    root: &str,
) -> Result<String, AppError> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in PUBLIC_PAGES {
        out.push_str(&format!("<url><loc>{}</loc></url>\n", escape(&format!("{root}{page}"))));
    }
    for (slug, changed) in super::service::sitemap_articles(db, v.id, Utc::now()).await? {
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(&format!("{root}/berita/{slug}")),
            changed.format("%Y-%m-%d")
        ));
    }
    let mut more = crate::market::service::sitemap_entries(db, v.id).await?;
    more.extend(super::content_service::sitemap_albums(db, v.id).await?);
    for (path, changed) in more {
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(&format!("{root}{path}")),
            changed.format("%Y-%m-%d")
        ));
    }
    out.push_str("</urlset>\n");
    Ok(out)
}

/// `/{slug}/sitemap.xml`.
pub async fn sitemap(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    mode: SiteMode,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let v = crate::village::service::scope_for(&state.db, &slug, &mode).await?;
        village_sitemap(&state.db, &v, &format!("{}{}", crate::site::public_root(&headers), mode.path(&v.slug, "")))
            .await
    }
    .await;
    match result {
        Ok(body) => xml(body),
        Err(e) => error_response(&e),
    }
}

/// `/sitemap.xml`: a bound host's village, or the index of every village's sitemap.
pub async fn root_sitemap(State(state): State<AppState>, mode: SiteMode, headers: HeaderMap) -> Response {
    use sea_orm::{EntityTrait, QueryOrder};
    let root = crate::site::public_root(&headers);
    let result = async {
        match mode {
            SiteMode::Bound { slug } => {
                let v = crate::village::service::find_by_slug(&state.db, &slug).await?.ok_or(AppError::NotFound)?;
                village_sitemap(&state.db, &v, &root).await
            }
            SiteMode::Deployment => {
                let villages = village::Entity::find().order_by_asc(village::Column::Slug).all(&state.db).await?;
                let mut out = String::from(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                     <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
                );
                for v in villages.iter().filter(|v| v.host.is_none()) {
                    out.push_str(&format!(
                        "<sitemap><loc>{}</loc></sitemap>\n",
                        escape(&format!("{root}/{}/sitemap.xml", v.slug))
                    ));
                }
                out.push_str("</sitemapindex>\n");
                Ok(out)
            }
        }
    }
    .await;
    match result {
        Ok(body) => xml(body),
        Err(e) => error_response(&e),
    }
}

/// `/robots.txt`: everything public may be indexed; the API, the officials' and residents' own
/// pages may not.
pub async fn robots(headers: HeaderMap) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /*/admin\nDisallow: /*/akun\nDisallow: /admin\nDisallow: /akun\n\
         Disallow: /kelola\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        crate::site::public_root(&headers)
    );
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], body).into_response()
}

/// Receives an article's cover and returns to its editor.
pub async fn upload_cover(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, i64)>,
    mode: SiteMode,
    OfficialOf { village, official: by }: OfficialOf,
    mut upload: Upload,
) -> Response {
    let result = match upload.file("foto", "Pilih gambar sampul (JPEG, PNG atau WebP).") {
        Ok(bytes) => super::service::set_cover(&state.db, &state.files, &village, &by, id, &bytes).await,
        Err(e) => Err(e),
    };
    let back = mode.path(&village.slug, &format!("/admin/berita/{id}"));
    back_to(&back, result.map(|()| String::new()), "sampul")
}

#[derive(serde::Deserialize)]
pub struct CoverQuery {
    kecil: Option<u8>,
}

/// An article's cover (or its thumbnail): public while the article is; before that, for the
/// village's officials only and never kept by a shared cache.
pub async fn cover(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<CoverQuery>,
    here: Result<InVillage, AppError>,
) -> Response {
    let result = async {
        let InVillage { village, user } = here?;
        let thumb = q.kecil == Some(1);
        match super::service::cover(&state.db, &state.files, &village, id, thumb, false).await {
            Err(AppError::NotFound) if user.is_some() => {
                crate::access::guard::official_in(user, village.id).map_err(|_| AppError::NotFound)?;
                super::service::cover(&state.db, &state.files, &village, id, thumb, true).await
            }
            other => other,
        }
    }
    .await;
    crate::web::photo(result)
}

/// Cache for a photo whose address changes when it does.
const VERSIONED: &str = "public, max-age=2592000";

/// Receives the home page's photo and returns to the profile editor.
pub async fn upload_hero(
    State(state): State<AppState>,
    mode: SiteMode,
    OfficialOf { village, official: by }: OfficialOf,
    mut upload: Upload,
) -> Response {
    let result = match upload.file("foto", "Pilih foto beranda (JPEG, PNG atau WebP).") {
        Ok(bytes) => super::content_service::set_hero(&state.db, &state.files, &village, &by, &bytes).await,
        Err(e) => Err(e),
    };
    back_to(&mode.path(&village.slug, "/admin/profil"), result.map(|()| String::new()), "foto-beranda")
}

/// The home page's photo.
pub async fn hero(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let result = async {
        let village = crate::village::service::scope(&state.db, &slug).await?;
        super::content_service::hero(&state.files, &village).await
    }
    .await;
    crate::web::jpeg(result, VERSIONED)
}

/// Receives the photo of a person on the profile and returns to the profile editor.
pub async fn upload_person_photo(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, i64)>,
    mode: SiteMode,
    OfficialOf { village, official: by }: OfficialOf,
    mut upload: Upload,
) -> Response {
    let result = match upload.file("foto", "Pilih foto (JPEG, PNG atau WebP).") {
        Ok(bytes) => super::content_service::set_person_photo(&state.db, &state.files, &village, &by, id, &bytes).await,
        Err(e) => Err(e),
    };
    back_to(&mode.path(&village.slug, "/admin/profil"), result.map(|()| String::new()), &format!("orang-{id}"))
}

/// The photo of a person on the profile.
pub async fn person_photo(State(state): State<AppState>, Path((slug, id)): Path<(String, i64)>) -> Response {
    let result = async {
        let village = crate::village::service::scope(&state.db, &slug).await?;
        super::content_service::person_photo(&state.db, &state.files, &village, id).await
    }
    .await;
    crate::web::jpeg(result, VERSIONED)
}

/// Receives a photo for an album and returns to the gallery editor.
pub async fn upload_gallery_photo(
    State(state): State<AppState>,
    Path((_, album)): Path<(String, i64)>,
    mode: SiteMode,
    OfficialOf { village, official: by }: OfficialOf,
    mut upload: Upload,
) -> Response {
    let caption = upload.text("keterangan");
    let result = match upload.file("foto", "Pilih foto (JPEG, PNG atau WebP).") {
        Ok(bytes) => {
            super::content_service::add_photo(&state.db, &state.files, &village, &by, album, &bytes, &caption).await
        }
        Err(e) => Err(e),
    };
    back_to(&mode.path(&village.slug, "/admin/galeri"), result.map(|()| String::new()), &format!("album-{album}"))
}

/// A photo of the gallery, or its thumbnail.
pub async fn gallery_photo(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<CoverQuery>,
) -> Response {
    let result = async {
        let village = crate::village::service::scope(&state.db, &slug).await?;
        super::content_service::gallery_file(&state.db, &state.files, &village, id, q.kecil == Some(1)).await
    }
    .await;
    crate::web::jpeg(result, "public, max-age=86400")
}

/// The portal's photos, and what search engines read.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        // Photos: an article's cover, the home page's picture, an official's portrait, the gallery.
        .route(
            "/api/portal/{slug}/sampul/{id}",
            get(cover).post(upload_cover).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        .route(
            "/api/portal/{slug}/beranda",
            get(hero).post(upload_hero).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        .route(
            "/api/portal/{slug}/perangkat/{id}",
            get(person_photo).post(upload_person_photo).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        .route(
            "/api/portal/{slug}/galeri/{album}",
            post(upload_gallery_photo).layer(DefaultBodyLimit::max(2 * crate::media::MAX_BYTES)),
        )
        .route("/api/portal/{slug}/galeri-foto/{id}", get(gallery_photo))
        // What search engines read.
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(root_sitemap))
        .route("/{slug}/sitemap.xml", get(sitemap))
}
