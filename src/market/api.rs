//! Server functions of the market slice: they find the village and the caller and call the
//! service. Photos go through `http.rs`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::model::{
    Catalogue, CatalogueQuery, ManagePage, MarketAdmin, Moderation, ProductDetail, ProductInput, SellerPage, ShopInput,
    ShopPage, ShopStatus,
};
use crate::error::AppError;

/// The village and who acts on its market: a resident of it (who has chosen their own PIN) or
/// one of its officials.
#[cfg(feature = "ssr")]
async fn seller(
    slug: &str,
) -> Result<(crate::state::AppState, crate::db::entities::village::Model, super::service::Seller), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, slug).await?;
    let who = super::service::Seller::of(crate::access::guard::signed_in(&state.db).await?, &village)?;
    Ok((state, village, who))
}

/// Every official of the village moderates the market.
#[cfg(feature = "ssr")]
use crate::access::guard::village_official as official;

/// The public catalogue of one village.
#[server(endpoint = "market/catalogue", input = Json)]
pub async fn get_catalogue(slug: String, query: CatalogueQuery) -> Result<Catalogue, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let mut catalogue =
        super::service::catalogue(&state.db, &super::service::Region::Village(village.id), &query).await?;
    catalogue.dusun = super::service::dusun_options(&state.db, &village).await?;
    if query.map {
        // A village on its own host has its pages at the root.
        let prefix = if village.host.is_some() { String::new() } else { format!("/{}", village.slug) };
        let href = |id: i64| format!("{prefix}/pasar/toko/{id}");
        catalogue.map = Some(super::service::results_map(&state.db, &village, &query, href).await?);
    }
    // Under a deployment's address, the market of the whole kecamatan is one link away.
    if village.host.is_none() {
        catalogue.nearby = Some((village.kecamatan_code.clone(), format!("Kec. {}", village.kecamatan)));
    }
    Ok(catalogue)
}

/// The public catalogue of every village of a kecamatan (`36.04.05`) or kabupaten (`36.04`) of
/// the deployment; an empty `code` is the first kabupaten.
#[server(endpoint = "market/region", input = Json)]
pub async fn get_region_catalogue(code: String, query: CatalogueQuery) -> Result<Catalogue, AppError> {
    let state = crate::state::app()?;
    let regions = super::service::region_choices(&state.db).await?;
    let code = if code.trim().is_empty() { regions.first().map(|r| r.0.clone()).unwrap_or_default() } else { code };
    let Some(region) = regions.iter().find(|r| r.0 == code).map(|r| r.1.clone()) else {
        if regions.is_empty() {
            return Err(AppError::NotFound);
        }
        return Err(AppError::Invalid("Pilih kecamatan atau kabupaten dari daftar.".into()));
    };
    let mut catalogue = super::service::catalogue(&state.db, &super::service::Region::Code(code), &query).await?;
    catalogue.region = Some(region);
    catalogue.regions = regions;
    Ok(catalogue)
}

/// A product's public page.
#[server(endpoint = "market/product")]
pub async fn get_product(slug: String, id: i64) -> Result<ProductDetail, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let path = if village.host.is_some() {
        format!("/pasar/produk/{id}")
    } else {
        format!("/{}/pasar/produk/{id}", village.slug)
    };
    let page = crate::site::absolute(&path);
    super::service::product_detail(&state.db, &village, id, &page).await
}

/// A shop's public page.
#[server(endpoint = "market/shop")]
pub async fn get_shop(slug: String, id: i64) -> Result<ShopPage, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::service::shop_page(&state.db, &village, id).await
}

/// "Lapak saya": the signed-in resident's shops with all their products.
#[server(endpoint = "market/mine")]
pub async fn my_shops(slug: String) -> Result<SellerPage, AppError> {
    let (state, village, who) = seller(&slug).await?;
    if matches!(who, super::service::Seller::Official(_)) {
        return Err(AppError::Forbidden);
    }
    let shops = super::service::managed(&state.db, &village, &who, None).await?;
    let can_open = (shops.len() as u64) < super::service::MAX_SHOPS;
    let map = crate::geo::village::village_map(&state.db, &village).await?;
    Ok(SellerPage { shops, map, can_open })
}

/// One shop as its owner or an official manages it.
#[server(endpoint = "market/managed")]
pub async fn get_managed_shop(slug: String, id: i64) -> Result<ManagePage, AppError> {
    let (state, village, who) = seller(&slug).await?;
    let shop = super::service::managed(&state.db, &village, &who, Some(id)).await?.pop().ok_or(AppError::NotFound)?;
    let map = crate::geo::village::village_map(&state.db, &village).await?;
    let official = matches!(who, super::service::Seller::Official(_));
    Ok(ManagePage { shop, map, official })
}

/// Opens a shop: a resident their own (waits for approval), an official one for the resident
/// with `nik`.
#[server(endpoint = "market/open", input = Json)]
pub async fn open_shop(slug: String, input: ShopInput, nik: Option<String>) -> Result<i64, AppError> {
    let (state, village, who) = seller(&slug).await?;
    super::service::open_shop(&state.db, &village, &who, &input, nik.as_deref()).await
}

/// Changes a shop.
#[server(endpoint = "market/update", input = Json)]
pub async fn update_shop(slug: String, id: i64, input: ShopInput) -> Result<i64, AppError> {
    let (state, village, who) = seller(&slug).await?;
    super::service::update_shop(&state.db, &village, &who, id, &input).await
}

/// Adds (`id` `None`) or changes a product of a shop.
#[server(endpoint = "market/product/save", input = Json)]
pub async fn save_product(slug: String, shop: i64, id: Option<i64>, input: ProductInput) -> Result<i64, AppError> {
    let (state, village, who) = seller(&slug).await?;
    super::service::save_product(&state.db, &village, &who, shop, id, &input).await
}

/// Deletes a product and its photos.
#[server(endpoint = "market/product/delete")]
pub async fn delete_product(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, who) = seller(&slug).await?;
    super::service::delete_product(&state.db, &state.files, &village, &who, id).await
}

/// Removes one of a product's photos.
#[server(endpoint = "market/photo/delete")]
pub async fn delete_photo(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, who) = seller(&slug).await?;
    super::service::delete_photo(&state.db, &state.files, &village, &who, id).await
}

/// An official hides a product with a reason, or shows it again (`reason` `None`).
#[server(endpoint = "market/product/hide")]
pub async fn hide_product(slug: String, id: i64, reason: Option<String>) -> Result<(), AppError> {
    let (state, village, official) = official(&slug).await?;
    super::service::hide_product(&state.db, &village, &official, id, reason.as_deref()).await
}

/// An official approves, refuses or hides a shop.
#[server(endpoint = "market/moderate")]
pub async fn moderate_shop(slug: String, id: i64, action: Moderation, reason: String) -> Result<ShopStatus, AppError> {
    let (state, village, official) = official(&slug).await?;
    super::service::moderate(&state.db, &village, &official, id, action, &reason).await
}

/// The officials' page: a page of the village's shops (`status` `None` for all, waiting ones
/// first), the counts per category and dusun, and the village map for opening a shop.
#[server(endpoint = "market/shops")]
pub async fn list_shops(
    slug: String,
    status: Option<ShopStatus>,
    at: crate::ui::PageAt,
) -> Result<MarketAdmin, AppError> {
    let (state, village, _) = official(&slug).await?;
    let (rows, links) = super::service::shop_rows(&state.db, &village, status, &at).await?;
    let report = super::service::report(&state.db, &village).await?;
    let map = crate::geo::village::village_map(&state.db, &village).await?;
    Ok(MarketAdmin { rows, links, report, map })
}

/// This slice's server functions that only read: calling one leaves the page cache's kept
/// answers alone (`cache`; registered in `slices.rs`).
#[cfg(feature = "ssr")]
pub const READS: &[&str] = &[
    <GetCatalogue as leptos::server_fn::ServerFn>::PATH,
    <GetProduct as leptos::server_fn::ServerFn>::PATH,
    <GetShop as leptos::server_fn::ServerFn>::PATH,
    <MyShops as leptos::server_fn::ServerFn>::PATH,
];
