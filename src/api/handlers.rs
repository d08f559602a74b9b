//! The handlers of `/api/v1/`, each documented for the OpenAPI document by its `utoipa::path`.
//! They call the slices' services and map what they return to `model`'s types.

use std::collections::HashMap;

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{SecondsFormat, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::{ApiPath, ApiQuery, ApiResult, Caller, Failure, Scope};
use crate::db::entities::{area, family, letter_request, letter_type, product, resident, shop, village};
use crate::db::keyset;
use crate::error::AppError;
use crate::population::model::Count;
use crate::state::AppState;
use crate::ui::PageAt;

/// Items per page and where to start.
fn paging(p: &Paging) -> ApiResult<(PageAt, u64)> {
    let limit = match p.limit {
        None => 50,
        Some(n) if (1..=100).contains(&n) => n,
        Some(_) => return Err(Failure::invalid("limit harus 1 sampai 100.")),
    };
    let cursor = p.cursor.clone().unwrap_or_default();
    if cursor.len() > 2048 || !cursor.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(Failure::invalid("cursor tidak sah: pakai next_cursor dari halaman sebelumnya."));
    }
    Ok((PageAt { page: if cursor.is_empty() { 1 } else { 2 }, after: cursor, before: String::new() }, limit))
}

/// Refuses text with control characters (a NUL, which PostgreSQL cannot store, and the like);
/// line breaks and tabs pass.
fn plain_text(field: &str, text: &str) -> ApiResult<()> {
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Failure::invalid(format!("{field}: berisi karakter kendali yang tidak sah.")));
    }
    Ok(())
}

fn next_cursor(links: &crate::ui::PageLinks) -> Option<String> {
    links.next.as_ref().map(|n| n.after.clone()).filter(|c| !c.is_empty())
}

fn count(c: Count) -> Option<u64> {
    match c {
        Count::Zero => Some(0),
        Count::FewerThanFive => None,
        Count::Exact(n) => Some(n),
    }
}

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn scope(state: &AppState, slug: &str) -> ApiResult<village::Model> {
    Ok(crate::village::service::scope(&state.db, slug).await?)
}

fn village_of(v: village::Model) -> Village {
    Village {
        portal: format!("/{}", v.slug),
        has_boundary: v.boundary.is_some(),
        code: v.code,
        slug: v.slug,
        name: v.name,
        kind: v.kind,
        kecamatan: v.kecamatan,
        kabupaten: v.kabupaten,
        province: v.province,
    }
}

/// Filters of the village list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VillageFilter {
    /// Part of the name, kecamatan or slug.
    #[param(max_length = 80)]
    pub q: Option<String>,
    /// A province, kabupaten/kota or kecamatan by its kode wilayah: `36`, `36.04`, `36.04.05`.
    #[param(pattern = r"^\d{2}(\.\d{2}){0,2}$", example = "36.04")]
    pub region: Option<String>,
}

/// The villages of this deployment, by kode wilayah.
#[utoipa::path(get, path = "/api/v1/villages", tag = "public", operation_id = "listVillages",
    params(VillageFilter, Paging),
    responses(
        (status = 200, body = VillageList),
        (status = 400, body = ApiError),
        (status = 429, body = ApiError),
    ))]
pub async fn list_villages(
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<VillageFilter>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<VillageList>> {
    let (at, limit) = paging(&p)?;
    let mut select = village::Entity::find();
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        plain_text("q", q)?;
        if q.chars().count() > 80 {
            return Err(Failure::invalid("q paling panjang 80 huruf."));
        }
        let lower = |col| crate::db::contains_lower(col, q);
        select = select.filter(
            Condition::any()
                .add(lower(village::Column::Name))
                .add(lower(village::Column::Kecamatan))
                .add(lower(village::Column::Slug)),
        );
    }
    if let Some(region) = f.region.as_deref() {
        let valid = region.len() <= 8
            && region.split('.').all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            && region.split('.').count() <= 3;
        if !valid {
            return Err(Failure::invalid("region: kode wilayah provinsi, kabupaten atau kecamatan (mis. 36.04)."));
        }
        select = select.filter(village::Column::Code.starts_with(format!("{region}.")));
    }
    let total = select.clone().count(&state.db).await?;
    let (rows, links) =
        keyset::page(&state.db, select, &[(village::Column::Code, Order::Asc)], &at, limit, total).await?;
    Ok(Json(VillageList { next_cursor: next_cursor(&links), items: rows.into_iter().map(village_of).collect(), total }))
}

/// One village.
#[utoipa::path(get, path = "/api/v1/villages/{slug}", tag = "public", operation_id = "getVillage",
    params(("slug" = String, Path, description = "The village's slug, e.g. kramatwatu")),
    responses((status = 200, body = Village), (status = 404, body = ApiError), (status = 429, body = ApiError)))]
pub async fn get_village(State(state): State<AppState>, ApiPath(slug): ApiPath<String>) -> ApiResult<Json<Village>> {
    Ok(Json(village_of(scope(&state, &slug).await?)))
}

/// The village's dusun, RW and RT.
#[utoipa::path(get, path = "/api/v1/villages/{slug}/areas", tag = "public", operation_id = "listAreas",
    params(("slug" = String, Path, description = "The village's slug")),
    responses((status = 200, body = Vec<Dusun>), (status = 404, body = ApiError), (status = 429, body = ApiError)))]
pub async fn village_areas(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<Dusun>>> {
    let v = scope(&state, &slug).await?;
    let mut all = area::Entity::find().filter(area::Column::VillageId.eq(v.id)).all(&state.db).await?;
    all.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let under = |parent: i64, level: i16| all.iter().filter(move |a| a.parent_id == Some(parent) && a.level == level);
    let dusun = all
        .iter()
        .filter(|a| a.level == area::DUSUN)
        .map(|d| Dusun {
            id: d.id,
            name: d.name.clone(),
            rw: under(d.id, area::RW)
                .map(|rw| Rw {
                    id: rw.id,
                    name: rw.name.clone(),
                    rt: under(rw.id, area::RT).map(|rt| Rt { id: rt.id, name: rt.name.clone() }).collect(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(dusun))
}

/// Living residents in figures, as the public statistics page shows them (small counts null).
#[utoipa::path(get, path = "/api/v1/villages/{slug}/statistics", tag = "public", operation_id = "getStatistics",
    params(("slug" = String, Path, description = "The village's slug")),
    responses((status = 200, body = Statistics), (status = 404, body = ApiError), (status = 429, body = ApiError)))]
pub async fn village_statistics(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Statistics>> {
    let v = scope(&state, &slug).await?;
    let s = crate::population::service::stats(&state.db, v.id, None).await?;
    Ok(Json(Statistics {
        residents: count(s.summary.residents),
        families: count(s.summary.families),
        male: count(s.summary.male),
        female: count(s.summary.female),
        age_groups: s
            .age_groups
            .into_iter()
            .map(|g| AgeGroup { label: g.label, male: count(g.male), female: count(g.female) })
            .collect(),
        dusun: s
            .per_dusun
            .into_iter()
            .map(|d| DusunCount {
                id: d.id,
                name: d.name,
                male: count(d.male),
                female: count(d.female),
                total: count(d.total),
            })
            .collect(),
        categories: s
            .categories
            .into_iter()
            .map(|c| Category {
                title: c.title,
                rows: c.rows.into_iter().map(|(label, n)| CategoryRow { label, count: count(n) }).collect(),
            })
            .collect(),
    }))
}

fn article_of(a: &crate::db::entities::article::Model, slug: &str) -> Article {
    Article {
        id: a.id,
        slug: a.slug.clone(),
        title: a.title.clone(),
        category: crate::portal::model::category_label(&a.category).to_string(),
        excerpt: a.excerpt.clone(),
        published_at: rfc3339(a.publish_at),
        url: format!("/{slug}/berita/{}", a.slug),
        cover: a.cover_key.as_ref().map(|_| format!("/api/portal/{slug}/sampul/{}", a.id)),
    }
}

/// Published articles (berita), newest first.
#[utoipa::path(get, path = "/api/v1/villages/{slug}/articles", tag = "public", operation_id = "listArticles",
    params(("slug" = String, Path, description = "The village's slug"), Paging),
    responses(
        (status = 200, body = ArticleList),
        (status = 400, body = ApiError),
        (status = 404, body = ApiError),
        (status = 429, body = ApiError),
    ))]
pub async fn list_articles(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<ArticleList>> {
    use crate::db::entities::article;
    let (at, limit) = paging(&p)?;
    let v = scope(&state, &slug).await?;
    let find = crate::portal::service::public(v.id, Utc::now());
    let total = find.clone().count(&state.db).await?;
    let order = [(article::Column::PublishAt, Order::Desc), (article::Column::Id, Order::Desc)];
    let (rows, links) = keyset::page(&state.db, find, &order, &at, limit, total).await?;
    Ok(Json(ArticleList {
        items: rows.iter().map(|a| article_of(a, &v.slug)).collect(),
        total,
        next_cursor: next_cursor(&links),
    }))
}

/// One published article with its text.
#[utoipa::path(get, path = "/api/v1/villages/{slug}/articles/{id}", tag = "public", operation_id = "getArticle",
    params(("slug" = String, Path, description = "The village's slug"), ("id" = i64, Path, description = "The article's id")),
    responses(
        (status = 200, body = ArticleFull),
        (status = 400, body = ApiError),
        (status = 404, body = ApiError),
        (status = 429, body = ApiError),
    ))]
pub async fn get_article(
    State(state): State<AppState>,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> ApiResult<Json<ArticleFull>> {
    use crate::db::entities::article;
    let v = scope(&state, &slug).await?;
    let a = crate::portal::service::public(v.id, Utc::now())
        .filter(article::Column::Id.eq(id))
        .one(&state.db)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    Ok(Json(ArticleFull { article: article_of(&a, &v.slug), body_markdown: a.body, body_html: a.body_html }))
}

/// Products of the village market that the public may see, by id.
#[utoipa::path(get, path = "/api/v1/villages/{slug}/products", tag = "public", operation_id = "listProducts",
    params(("slug" = String, Path, description = "The village's slug"), Paging),
    responses(
        (status = 200, body = ProductList),
        (status = 400, body = ApiError),
        (status = 404, body = ApiError),
        (status = 429, body = ApiError),
    ))]
pub async fn list_products(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<ProductList>> {
    let (at, limit) = paging(&p)?;
    let v = scope(&state, &slug).await?;
    let open_shops = Query::select()
        .column(shop::Column::Id)
        .from(shop::Entity)
        .and_where(shop::Column::VillageId.eq(v.id))
        .and_where(shop::Column::Status.eq(crate::market::model::ShopStatus::Aktif.as_str()))
        .to_owned();
    let select = product::Entity::find()
        .filter(product::Column::VillageId.eq(v.id))
        .filter(product::Column::Hidden.eq(false))
        .filter(Expr::col((product::Entity, product::Column::ShopId)).in_subquery(open_shops));
    let total = select.clone().count(&state.db).await?;
    let (rows, links) =
        keyset::page(&state.db, select, &[(product::Column::Id, Order::Asc)], &at, limit, total).await?;
    let shop_ids: Vec<i64> = rows.iter().map(|p| p.shop_id).collect();
    let shops: HashMap<i64, String> = shop::Entity::find()
        .filter(shop::Column::VillageId.eq(v.id))
        .filter(shop::Column::Id.is_in(shop_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|p| Product {
            url: format!("/{}/pasar/produk/{}", v.slug, p.id),
            shop_name: shops.get(&p.shop_id).cloned().unwrap_or_default(),
            category: crate::market::model::category_label(&p.category).to_string(),
            id: p.id,
            name: p.name,
            price: p.price,
            discount_price: p.discount_price,
            unit: p.unit,
            shop_id: p.shop_id,
        })
        .collect();
    Ok(Json(ProductList { items, total, next_cursor: next_cursor(&links) }))
}

/// The public layers of the village map that have something on them.
#[utoipa::path(get, path = "/api/v1/villages/{slug}/map/layers", tag = "public", operation_id = "listMapLayers",
    params(("slug" = String, Path, description = "The village's slug")),
    responses((status = 200, body = Vec<MapLayer>), (status = 404, body = ApiError), (status = 429, body = ApiError)))]
pub async fn map_layers(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<MapLayer>>> {
    let v = scope(&state, &slug).await?;
    let prefix = format!("/api/v1/villages/{}/map/layers", v.slug);
    let page = crate::map::service::page(&state.db, &v, false, &prefix).await?;
    Ok(Json(
        page.layers
            .into_iter()
            .filter(|l| l.count > 0)
            .map(|l| MapLayer { url: format!("{prefix}/{}", l.key), key: l.key, title: l.label })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LayerQuery {
    /// Only features in this box: `min_lng,min_lat,max_lng,max_lat` (degrees, minimum first).
    #[param(
        example = "106.10,-6.08,106.14,-6.04",
        pattern = r"^-?[0-9]{1,3}(\.[0-9]+)?(,-?[0-9]{1,3}(\.[0-9]+)?){3}$"
    )]
    pub bbox: Option<String>,
}

/// A GeoJSON FeatureCollection of one layer (see `listMapLayers` for the keys).
#[derive(ToSchema)]
#[schema(as = FeatureCollection)]
#[allow(dead_code)]
pub struct FeatureCollectionDoc {
    /// Always `FeatureCollection`.
    r#type: String,
    features: Vec<serde_json::Value>,
}

/// `-106.1`, `6`: as the bbox pattern allows (no exponent, no sign but minus, no spaces).
fn plain_number(part: &str) -> bool {
    let digits = part.strip_prefix('-').unwrap_or(part);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    (1..=3).contains(&whole.len())
        && !fraction.is_empty()
        && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
}

/// One public layer of the village map as GeoJSON.
#[utoipa::path(get, path = "/api/v1/villages/{slug}/map/layers/{layer}", tag = "public", operation_id = "getMapLayer",
    params(("slug" = String, Path, description = "The village's slug"),
        ("layer" = String, Path, description = "A key from listMapLayers, e.g. batas"), LayerQuery),
    responses(
        (status = 200, body = FeatureCollectionDoc, content_type = "application/geo+json"),
        (status = 400, body = ApiError),
        (status = 404, body = ApiError),
        (status = 429, body = ApiError),
    ))]
pub async fn map_layer(
    State(state): State<AppState>,
    ApiPath((slug, key)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<LayerQuery>,
) -> ApiResult<Response> {
    let bbox = match q.bbox.as_deref() {
        None => None,
        Some(text) => Some(
            Some(text)
                .filter(|t| t.split(',').all(plain_number))
                .and_then(crate::geo::feature::parse_bbox)
                .ok_or_else(|| {
                    Failure::invalid("bbox tidak sah: tulis bujur_min,lintang_min,bujur_maks,lintang_maks.")
                })?,
        ),
    };
    let v = scope(&state, &slug).await?;
    let shop = |id: i64| format!("/{}/pasar/toko/{id}", v.slug);
    let text = crate::map::service::public_layer(&state.db, &v, &key, bbox, shop).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60")),
        ],
        text,
    )
        .into_response())
}

/// Filters of the resident list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentFilter {
    /// Only this dusun (an id from listAreas).
    pub dusun: Option<i64>,
    /// Only this RT (an id from listAreas).
    pub rt: Option<i64>,
    /// `hidup` (default), `mati`, `pindah`, `hilang` or `semua`.
    #[param(pattern = "^(hidup|mati|pindah|hilang|semua)$")]
    pub status: Option<String>,
}

/// Residents of the village by area, with NIK and No. KK: for its officials and the partner
/// tokens made for it. Every page read is written in the village's audit log.
#[utoipa::path(get, path = "/api/v1/villages/{slug}/residents", tag = "village data", operation_id = "listResidents",
    params(("slug" = String, Path, description = "The village's slug"), ResidentFilter, Paging),
    security(("token" = []), ("session" = [])),
    responses(
        (status = 200, body = ResidentList),
        (status = 400, body = ApiError),
        (status = 401, body = ApiError),
        (status = 403, body = ApiError),
        (status = 404, body = ApiError),
        (status = 429, body = ApiError),
    ))]
pub async fn list_residents(
    State(state): State<AppState>,
    peer: Option<axum::Extension<crate::net::Peer>>,
    caller: Caller,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(f): ApiQuery<ResidentFilter>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<ResidentList>> {
    let (at, limit) = paging(&p)?;
    let parts_ip = peer.and_then(|p| p.0.ip).map(|ip| ip.to_canonical().to_string());
    let v = scope(&state, &slug).await?;
    caller.may(v.id, Scope::Read)?;
    let names = crate::population::registry::area_names(&state.db, v.id).await?;
    let mut cond = Condition::all().add(resident::Column::VillageId.eq(v.id));
    match f.status.as_deref().unwrap_or("hidup") {
        "semua" => {}
        s @ ("hidup" | "mati" | "pindah" | "hilang") => cond = cond.add(resident::Column::Status.eq(s)),
        _ => return Err(Failure::invalid("status: hidup, mati, pindah, hilang atau semua.")),
    }
    let mut area_label = String::from("seluruh desa");
    if let Some(rt) = f.rt {
        let (_, label) = names.rt.get(&rt).ok_or_else(|| Failure::invalid("rt tidak ada di desa ini."))?;
        area_label = label.clone();
        cond = cond.add(resident::Column::RtId.eq(rt));
    } else if let Some(d) = f.dusun {
        let dusun =
            names.dusun.iter().find(|o| o.id == d).ok_or_else(|| Failure::invalid("dusun tidak ada di desa ini."))?;
        area_label = dusun.label.clone();
        let rts: Vec<i64> = names.rt.iter().filter(|(_, (dusun, _))| *dusun == d).map(|(id, _)| *id).collect();
        cond = cond.add(resident::Column::RtId.is_in(rts));
    }
    let select = resident::Entity::find().filter(cond);
    let total = select.clone().count(&state.db).await?;
    let (rows, links) =
        keyset::page(&state.db, select, &[(resident::Column::Id, Order::Asc)], &at, limit, total).await?;
    let family_ids: Vec<i64> = rows.iter().filter_map(|r| r.family_id).collect();
    let kk: HashMap<i64, String> = family::Entity::find()
        .filter(family::Column::VillageId.eq(v.id))
        .filter(family::Column::Id.is_in(family_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.kk_number))
        .collect();
    crate::audit::record(
        &state.db,
        crate::audit::Entry {
            village_id: Some(v.id),
            actor: caller.actor(),
            action: crate::audit::Action::ApiResidentsRead,
            subject: None,
            detail: Some(format!("{} penduduk ({area_label})", rows.len())),
            ip: parts_ip,
        },
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let place = r.rt_id.and_then(|id| names.rt.get(&id));
            Resident {
                kk: r.family_id.and_then(|id| kk.get(&id).cloned()),
                dusun_id: place.map(|(d, _)| *d),
                area: place.map(|(_, l)| l.clone()).unwrap_or_default(),
                birth_date: r.birth_date.format("%Y-%m-%d").to_string(),
                id: r.id,
                nik: r.nik,
                name: r.name,
                sex: r.sex,
                birth_place: r.birth_place,
                relationship: r.relationship,
                religion: r.religion,
                education: r.education,
                occupation: r.occupation,
                marital_status: r.marital_status,
                status: r.status.as_str().to_string(),
                rt_id: r.rt_id,
            }
        })
        .collect();
    Ok(Json(ResidentList { items, total, next_cursor: next_cursor(&links) }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LetterFilter {
    /// Only requests in this status.
    #[param(pattern = "^(belum_lengkap|diperiksa|menunggu_rt|menunggu_ttd|siap|selesai|ditolak|dibatalkan)$")]
    pub status: Option<String>,
}

/// The village's letter requests, oldest first: for its officials and its partner tokens.
#[utoipa::path(get, path = "/api/v1/villages/{slug}/letter-requests", tag = "village data",
    operation_id = "listLetterRequests",
    params(("slug" = String, Path, description = "The village's slug"), LetterFilter, Paging),
    security(("token" = []), ("session" = [])),
    responses(
        (status = 200, body = LetterRequestList),
        (status = 400, body = ApiError),
        (status = 401, body = ApiError),
        (status = 403, body = ApiError),
        (status = 404, body = ApiError),
        (status = 429, body = ApiError),
    ))]
pub async fn list_letter_requests(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(f): ApiQuery<LetterFilter>,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<LetterRequestList>> {
    use crate::letters::status::Status;
    let (at, limit) = paging(&p)?;
    let v = scope(&state, &slug).await?;
    caller.may(v.id, Scope::Read)?;
    let mut select = letter_request::Entity::find().filter(letter_request::Column::VillageId.eq(v.id));
    if let Some(s) = f.status.as_deref() {
        let s = Status::parse(s).ok_or_else(|| Failure::invalid("status surat tidak dikenal."))?;
        select = select.filter(letter_request::Column::Status.eq(s));
    }
    let total = select.clone().count(&state.db).await?;
    let (rows, links) =
        keyset::page(&state.db, select, &[(letter_request::Column::Id, Order::Asc)], &at, limit, total).await?;
    let kinds: HashMap<i64, String> = letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(v.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.title))
        .collect();
    let people: HashMap<i64, String> = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Id.is_in(rows.iter().map(|r| r.resident_id).collect::<Vec<_>>()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| LetterRequest {
            kind: kinds.get(&r.type_id).cloned().unwrap_or_default(),
            status_label: r.status.label().to_string(),
            resident_name: people.get(&r.resident_id).cloned().unwrap_or_default(),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
            id: r.id,
            status: r.status.as_str().to_string(),
            resident_id: r.resident_id,
            number: r.number,
            online: r.online,
        })
        .collect();
    Ok(Json(LetterRequestList { items, total, next_cursor: next_cursor(&links) }))
}

/// A letter request to make for a resident (write scope).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLetterRequest {
    /// The resident's NIK (16 digits), a living resident of the village.
    #[schema(pattern = "^[0-9]{16}$", example = "3604051203880001")]
    pub nik: String,
    /// The letter type's slug, one residents may request online (e.g. `pengantar`).
    #[schema(example = "pengantar")]
    pub kind: String,
    /// The type's fields, by key (e.g. `{"keperluan": "administrasi bank"}`).
    #[serde(default)]
    pub values: HashMap<String, String>,
}

/// Created: the request waits for the village's officials to check it.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct CreatedLetterRequest {
    pub id: i64,
    pub status: String,
}

/// Problems with the request's fields, each with the field's key.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct FieldProblems {
    /// Always `invalid`.
    pub error: String,
    pub message: String,
    pub problems: Vec<FieldProblem>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// Makes a letter request for a resident of the village, as a partner system (a service
/// counter app, a regency's portal) passes it on: it then waits for the officials to check it,
/// like a request a resident sends. Needs a token with the write scope for the village.
#[utoipa::path(post, path = "/api/v1/villages/{slug}/letter-requests", tag = "village data",
    operation_id = "createLetterRequest",
    params(("slug" = String, Path, description = "The village's slug")),
    request_body = NewLetterRequest,
    security(("token" = [])),
    responses(
        (status = 201, body = CreatedLetterRequest),
        (status = 400, body = ApiError),
        (status = 401, body = ApiError),
        (status = 403, body = ApiError),
        (status = 404, body = ApiError),
        (status = 422, body = FieldProblems),
        (status = 429, body = ApiError),
    ))]
pub async fn create_letter_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(slug): ApiPath<String>,
    body: Result<Json<NewLetterRequest>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Response> {
    use crate::letters::service::By;
    let v = scope(&state, &slug).await?;
    caller.may(v.id, Scope::Write)?;
    let Caller::Partner(partner) = &caller else {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Perangkat desa membuat surat di halaman admin; API ini untuk sistem mitra.",
        ));
    };
    let Json(input) = body.map_err(|e| Failure::invalid(format!("Isi permintaan tidak sah: {}", e.body_text())))?;
    plain_text("kind", &input.kind)?;
    for (key, value) in &input.values {
        plain_text(&format!("values.{key}"), key)?;
        plain_text(&format!("values.{key}"), value)?;
    }
    let nik = crate::population::nik::Nik::parse(input.nik.trim())
        .map_err(|_| Failure::invalid("nik: 16 angka NIK yang sah."))?;
    let person = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Nik.eq(nik.as_str()))
        .one(&state.db)
        .await?
        .ok_or_else(|| Failure::invalid("nik: tidak ada penduduk dengan NIK ini di desa ini."))?;
    crate::letters::service::ensure_types(&state.db, v.id).await?;
    let kind = letter_type::Entity::find()
        .filter(letter_type::Column::VillageId.eq(v.id))
        .filter(letter_type::Column::Slug.eq(input.kind.trim()))
        .one(&state.db)
        .await?
        .ok_or_else(|| Failure::invalid("kind: jenis surat tidak dikenal di desa ini."))?;
    let by = By::Partner { id: partner.id, name: partner.name.clone() };
    let values = input.values.into_iter().collect();
    match crate::letters::service::create_request(&state.db, &v, &by, person.id, kind.id, &values).await {
        Ok(id) => Ok((
            StatusCode::CREATED,
            Json(CreatedLetterRequest { id, status: crate::letters::status::Status::Diperiksa.as_str().into() }),
        )
            .into_response()),
        Err(AppError::Refused(problems)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(FieldProblems {
                error: "invalid".into(),
                message: "Isian surat belum benar.".into(),
                problems: problems.into_iter().map(|p| FieldProblem { field: p.field, message: p.message }).collect(),
            }),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
