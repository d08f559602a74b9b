//! The market on the database (server only): shops and their moderation, products, their
//! photos, and the public catalogue. Every function takes the village it acts in (or, for the
//! catalogue, the villages of a region) and finds rows only within it.
//!
//! The one rule of visibility: a product is public when it is not hidden and its shop is
//! `aktif`. Every public query goes through [`VISIBLE`] or [`visible_product`].

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait, Value,
};

use super::model::{
    Availability, Catalogue, CatalogueQuery, MIN_REASON, MarketReport, Moderation, MyProduct, MyShop, PhotoView,
    Problem, ProductCard, ProductDetail, ProductFields, ProductInput, Rupiah, ShopInput, ShopPage, ShopRow, ShopStatus,
    ShopView, Sort, phone_display, rupiah, whatsapp_link,
};
use crate::access::guard::Official;
use crate::audit::{Action, Actor, Entry, record};
use crate::db::entities::{area, product, product_photo, resident, shop, village};
use crate::db::{keyset, sql};
use crate::error::{AppError, AppResult, refuse_any};
use crate::geo::shape::{Shape, Sketch};

/// Products per catalogue page.
pub const PER_PAGE: u64 = 24;
pub use super::model::MAX_PHOTOS;
/// Shops one resident may open.
pub const MAX_SHOPS: u64 = 3;

/// The SQL condition for "public": products `p` of shops `s`.
const VISIBLE: &str = "p.hidden = ? AND s.status = 'aktif'";

/// Who acts on a shop.
#[derive(Debug, Clone)]
pub enum Seller {
    /// A signed-in resident of the village (the shop's owner, for changes).
    Resident { id: i64, name: String },
    /// An official of the village: may act on any of its shops.
    Official(Official),
}

impl Seller {
    /// What a signed-in user (or nobody) is to this village's market. A resident who must
    /// still change the issued PIN is sent to do that first.
    ///
    /// # Errors
    /// `Unauthenticated` for nobody, `NotFound` for users of another village (and the
    /// superadmin), `PinChangeRequired`.
    pub fn of(user: Option<crate::access::guard::User>, v: &village::Model) -> AppResult<Seller> {
        use crate::access::guard::{self, User};
        guard::decide(user.as_ref(), v.id, guard::Allow::AnySignedIn)?;
        match user {
            Some(User::Official(o)) => Ok(Seller::Official(o)),
            Some(User::Resident(r)) if r.must_change_pin => Err(AppError::PinChangeRequired),
            Some(User::Resident(r)) => Ok(Seller::Resident { id: r.id, name: r.name }),
            None => Err(AppError::Unauthenticated),
        }
    }
}

async fn audit<C: ConnectionTrait>(db: &C, v: &village::Model, who: &Seller, id: i64, detail: String) -> AppResult<()> {
    let actor = match who {
        Seller::Official(o) => Actor::Official { id: o.id, name: o.name.clone() },
        Seller::Resident { id, name } => Actor::Resident { id: *id, name: name.clone() },
    };
    record(
        db,
        Entry {
            village_id: Some(v.id),
            actor,
            action: Action::MarketChanged,
            subject: Some(("shop", id)),
            detail: Some(detail),
            ip: None,
        },
    )
    .await?;
    Ok(())
}

/// A shop of the village (`NotFound` for another village's).
async fn find_shop<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<shop::Model> {
    crate::db::owned::find_in::<shop::Entity, _>(db, village_id, id).await
}

/// The shop, when `who` may change it: its owner or an official of its village. Anyone else is
/// told it does not exist.
async fn managed_shop<C: ConnectionTrait>(db: &C, v: &village::Model, who: &Seller, id: i64) -> AppResult<shop::Model> {
    let s = find_shop(db, v.id, id).await?;
    match who {
        Seller::Official(o) if o.village_id == Some(v.id) => Ok(s),
        Seller::Resident { id, .. } if *id == s.resident_id => Ok(s),
        _ => Err(AppError::NotFound),
    }
}

/// A product of the village with its shop, when `who` may change it.
async fn managed_product<C: ConnectionTrait>(
    db: &C,
    v: &village::Model,
    who: &Seller,
    id: i64,
) -> AppResult<(product::Model, shop::Model)> {
    let p = crate::db::owned::find_in::<product::Entity, _>(db, v.id, id).await?;
    let s = managed_shop(db, v, who, p.shop_id).await?;
    Ok((p, s))
}

/// The dusun of a place: the dusun area holding the point, else the dusun of the resident's RT.
async fn dusun_of<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    place: Option<(f64, f64)>,
    resident_rt: Option<i64>,
) -> AppResult<Option<i64>> {
    let areas = area::Entity::find().filter(area::Column::VillageId.eq(village_id)).all(db).await?;
    if let Some((lat, lng)) = place {
        let hit = areas
            .iter()
            .filter(|a| a.level == area::DUSUN)
            .find(|a| a.boundary.as_deref().and_then(|b| Shape::parse(b).ok()).is_some_and(|s| s.contains(lng, lat)));
        if let Some(a) = hit {
            return Ok(Some(a.id));
        }
    }
    let mut at = resident_rt.and_then(|id| areas.iter().find(|a| a.id == id));
    while let Some(a) = at {
        if a.level == area::DUSUN {
            return Ok(Some(a.id));
        }
        at = a.parent_id.and_then(|p| areas.iter().find(|a| a.id == p));
    }
    Ok(None)
}

/// A resident of the village, living (`NotFound` otherwise).
async fn living_resident<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<resident::Model> {
    resident::Entity::find_by_id(id)
        .filter(resident::Column::VillageId.eq(village_id))
        .filter(resident::Column::Status.eq(crate::kit::resident::Status::Hidup))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Opens a shop. A resident opens their own, which waits for an official's approval; an
/// official opens one for the resident with `nik` (approved at once).
///
/// # Errors
/// `NotFound` for an unknown resident; database failures.
pub async fn open_shop(
    db: &DatabaseConnection,
    v: &village::Model,
    who: &Seller,
    input: &ShopInput,
    nik: Option<&str>,
) -> AppResult<i64> {
    let mut problems = input.problems();
    let owner = match (who, nik.map(str::trim)) {
        (Seller::Resident { id, .. }, _) => Some(living_resident(db, v.id, *id).await?),
        (Seller::Official(_), Some(nik)) => {
            let found = resident::Entity::find()
                .filter(resident::Column::VillageId.eq(v.id))
                .filter(resident::Column::Nik.eq(nik))
                .filter(resident::Column::Status.eq(crate::kit::resident::Status::Hidup))
                .one(db)
                .await?;
            if found.is_none() {
                problems.push(Problem::new("nik", "Tidak ada warga hidup dengan NIK ini di desa ini."));
            }
            found
        }
        (Seller::Official(_), None) => {
            problems.push(Problem::new("nik", "Tulis NIK warga pemilik usaha."));
            None
        }
    };
    if let Some(owner) = &owner {
        let open = shop::Entity::find()
            .filter(shop::Column::VillageId.eq(v.id))
            .filter(shop::Column::ResidentId.eq(owner.id))
            .count(db)
            .await?;
        if open >= MAX_SHOPS {
            problems.push(Problem::new("name", format!("Satu warga paling banyak punya {MAX_SHOPS} lapak.")));
        }
    }
    let Some(owner) = owner.filter(|_| problems.is_empty()) else { return Err(AppError::Refused(problems)) };
    let s = input.cleaned();
    let dusun = dusun_of(db, v.id, s.lat.zip(s.lng), owner.rt_id).await?;
    let (status, created_by) = match who {
        Seller::Official(o) => (ShopStatus::Aktif, Some(o.id)),
        Seller::Resident { .. } => (ShopStatus::Menunggu, None),
    };
    let now = Utc::now();
    let txn = db.begin().await?;
    let saved = shop::ActiveModel {
        village_id: Set(v.id),
        resident_id: Set(owner.id),
        name: Set(s.name),
        description: Set(s.description),
        category: Set(s.category),
        whatsapp: Set(s.whatsapp),
        address: Set(s.address),
        dusun_id: Set(dusun),
        lat: Set(s.lat),
        lng: Set(s.lng),
        hours: Set(s.hours),
        photo_key: Set(None),
        thumb_key: Set(None),
        status: Set(status),
        moderation_note: Set(String::new()),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit(&txn, v, who, saved.id, format!("Lapak \"{}\" dibuka ({})", saved.name, status.label())).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Changes a shop's fields (its owner or an official). A refused shop goes back to waiting.
///
/// # Errors
/// `NotFound` for a shop `who` may not change; database failures.
pub async fn update_shop(
    db: &DatabaseConnection,
    v: &village::Model,
    who: &Seller,
    id: i64,
    input: &ShopInput,
) -> AppResult<i64> {
    let current = managed_shop(db, v, who, id).await?;
    refuse_any(input.problems())?;
    let s = input.cleaned();
    let owner = resident::Entity::find_by_id(current.resident_id).one(db).await?;
    let dusun = dusun_of(db, v.id, s.lat.zip(s.lng), owner.and_then(|r| r.rt_id)).await?;
    let status = current.status.after_edit();
    let mut row: shop::ActiveModel = current.into();
    row.name = Set(s.name);
    row.description = Set(s.description);
    row.category = Set(s.category);
    row.whatsapp = Set(s.whatsapp);
    row.address = Set(s.address);
    row.dusun_id = Set(dusun);
    row.lat = Set(s.lat);
    row.lng = Set(s.lng);
    row.hours = Set(s.hours);
    row.status = Set(status);
    row.updated_at = Set(Utc::now());
    let txn = db.begin().await?;
    let saved = row.update(&txn).await?;
    audit(&txn, v, who, saved.id, format!("Lapak \"{}\" diubah", saved.name)).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// An official approves, refuses or hides a shop; refusing and hiding need a reason, which the
/// seller sees.
///
/// # Errors
/// `NotFound` for another village's shop; `Invalid` for a move that does not apply or a
/// missing reason; database failures.
pub async fn moderate(
    db: &DatabaseConnection,
    v: &village::Model,
    o: &Official,
    id: i64,
    action: Moderation,
    reason: &str,
) -> AppResult<ShopStatus> {
    // The village's own officials only (the API checks it too): another village's shops do
    // not exist for them.
    let current = managed_shop(db, v, &Seller::Official(o.clone()), id).await?;
    let from = current.status;
    let to = from.after(action).ok_or_else(|| {
        AppError::Invalid(format!("Lapak yang berstatus \"{}\" tidak dapat diubah seperti itu.", from.label()))
    })?;
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if to != ShopStatus::Aktif && reason.chars().count() < MIN_REASON {
        return Err(AppError::Invalid(format!("Tulis alasannya untuk penjual (paling sedikit {MIN_REASON} huruf).")));
    }
    let name = current.name.clone();
    let mut row: shop::ActiveModel = current.into();
    row.status = Set(to);
    row.moderation_note = Set(if to == ShopStatus::Aktif { String::new() } else { reason.clone() });
    row.updated_at = Set(Utc::now());
    let txn = db.begin().await?;
    row.update(&txn).await?;
    let detail = if reason.is_empty() {
        format!("Lapak \"{name}\": {}", to.label())
    } else {
        format!("Lapak \"{name}\": {} ({reason})", to.label())
    };
    audit(&txn, v, &Seller::Official(o.clone()), id, detail).await?;
    txn.commit().await?;
    Ok(to)
}

/// Adds a product to a shop (`product` = `None`) or changes one; its owner or an official.
///
/// # Errors
/// `NotFound` for a shop or product `who` may not change; database failures.
pub async fn save_product(
    db: &DatabaseConnection,
    v: &village::Model,
    who: &Seller,
    shop_id: i64,
    product: Option<i64>,
    input: &ProductInput,
) -> AppResult<i64> {
    save_product_from(db, v, who, shop_id, product, input, None).await
}

/// The product an outbox item added (its key is kept on the row), if it added one.
///
/// # Errors
/// Database failures.
pub async fn made_by_outbox<C: ConnectionTrait>(db: &C, village_id: i64, key: &str) -> AppResult<Option<i64>> {
    Ok(product::Entity::find()
        .filter(product::Column::VillageId.eq(village_id))
        .filter(product::Column::OutboxKey.eq(key))
        .one(db)
        .await?
        .map(|p| p.id))
}

/// [`save_product`], remembering the outbox item that added a product (unique per village).
///
/// # Errors
/// As [`save_product`].
pub async fn save_product_from<C: ConnectionTrait>(
    db: &C,
    v: &village::Model,
    who: &Seller,
    shop_id: i64,
    product: Option<i64>,
    input: &ProductInput,
    outbox_key: Option<&str>,
) -> AppResult<i64> {
    let shop = managed_shop(db, v, who, shop_id).await?;
    let current = match product {
        Some(id) => {
            let (p, s) = managed_product(db, v, who, id).await?;
            if s.id != shop.id {
                return Err(AppError::NotFound);
            }
            Some(p)
        }
        None => None,
    };
    let f: ProductFields = input.parse().map_err(AppError::Refused)?;
    let now = Utc::now();
    let mut row: product::ActiveModel = match current {
        Some(p) => p.into(),
        None => product::ActiveModel {
            village_id: Set(v.id),
            shop_id: Set(shop.id),
            hidden: Set(false),
            hidden_reason: Set(String::new()),
            created_at: Set(now),
            outbox_key: Set(outbox_key.map(str::to_string)),
            ..Default::default()
        },
    };
    row.name = Set(f.name);
    row.description = Set(f.description);
    row.category = Set(f.category);
    row.price = Set(f.price.value());
    row.discount_price = Set(f.discount_price.map(Rupiah::value));
    row.unit = Set(f.unit);
    row.availability = Set(f.availability);
    row.updated_at = Set(now);
    let saved = if product.is_some() { row.update(db).await? } else { row.insert(db).await? };
    Ok(saved.id)
}

/// An official hides a product with a reason (`Some`), or shows it again (`None`).
///
/// # Errors
/// `NotFound` for another village's product; `Invalid` without a reason; database failures.
pub async fn hide_product(
    db: &DatabaseConnection,
    v: &village::Model,
    o: &Official,
    id: i64,
    reason: Option<&str>,
) -> AppResult<()> {
    let who = Seller::Official(o.clone());
    let (p, s) = managed_product(db, v, &who, id).await?;
    let reason = reason.map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "));
    if reason.as_ref().is_some_and(|r| r.chars().count() < MIN_REASON) {
        return Err(AppError::Invalid(format!("Tulis alasannya untuk penjual (paling sedikit {MIN_REASON} huruf).")));
    }
    let name = p.name.clone();
    let mut row: product::ActiveModel = p.into();
    row.hidden = Set(reason.is_some());
    row.hidden_reason = Set(reason.clone().unwrap_or_default());
    row.updated_at = Set(Utc::now());
    let txn = db.begin().await?;
    row.update(&txn).await?;
    let detail = match reason {
        Some(r) => format!("Produk \"{name}\" disembunyikan ({r})"),
        None => format!("Produk \"{name}\" ditampilkan lagi"),
    };
    audit(&txn, v, &who, s.id, detail).await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a product and its photos (its owner or an official).
///
/// # Errors
/// `NotFound` for a product `who` may not change; database failures.
pub async fn delete_product(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    who: &Seller,
    id: i64,
) -> AppResult<()> {
    let (p, _) = managed_product(db, v, who, id).await?;
    let photos = product_photo::Entity::find().filter(product_photo::Column::ProductId.eq(p.id)).all(db).await?;
    product::Entity::delete_by_id(p.id).exec(db).await?;
    for photo in photos {
        files.remove(&photo.photo_key).await;
        files.remove(&photo.thumb_key).await;
    }
    Ok(())
}

/// Adds a photo to a product: checked by content, re-encoded without metadata, in a display
/// size and a thumbnail within the market's budgets.
///
/// # Errors
/// `NotFound` for a product `who` may not change; `Invalid` for a refused file or a sixth
/// photo; storage and database failures.
pub async fn add_photo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    who: &Seller,
    id: i64,
    bytes: &[u8],
) -> AppResult<i64> {
    let (p, _) = managed_product(db, v, who, id).await?;
    let count = product_photo::Entity::find().filter(product_photo::Column::ProductId.eq(p.id)).count(db).await?;
    if count >= MAX_PHOTOS as u64 {
        return Err(AppError::Invalid(format!("Paling banyak {MAX_PHOTOS} foto per produk.")));
    }
    let (key, thumb, photo) = store_photo(files, v, bytes).await?;
    let saved = product_photo::ActiveModel {
        village_id: Set(v.id),
        product_id: Set(p.id),
        position: Set(i16::try_from(count).unwrap_or(0)),
        photo_key: Set(key),
        thumb_key: Set(thumb),
        width: Set(i32::try_from(photo.width).unwrap_or(0)),
        height: Set(i32::try_from(photo.height).unwrap_or(0)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(saved.id)
}

/// Removes one of a product's photos (its owner or an official); the others keep their order.
///
/// # Errors
/// `NotFound` for a photo `who` may not change; database failures.
pub async fn delete_photo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    who: &Seller,
    photo_id: i64,
) -> AppResult<()> {
    let ph = crate::db::owned::find_in::<product_photo::Entity, _>(db, v.id, photo_id).await?;
    managed_product(db, v, who, ph.product_id).await?;
    product_photo::Entity::delete_by_id(ph.id).exec(db).await?;
    let rest = product_photo::Entity::find()
        .filter(product_photo::Column::ProductId.eq(ph.product_id))
        .order_by_asc(product_photo::Column::Position)
        .order_by_asc(product_photo::Column::Id)
        .all(db)
        .await?;
    for (i, p) in rest.into_iter().enumerate() {
        let position = i16::try_from(i).unwrap_or(0);
        if p.position != position {
            let mut row: product_photo::ActiveModel = p.into();
            row.position = Set(position);
            row.update(db).await?;
        }
    }
    files.remove(&ph.photo_key).await;
    files.remove(&ph.thumb_key).await;
    Ok(())
}

/// A market photo checked, made within budget and kept: its key, its thumbnail's key, and the
/// photo (for its size).
async fn store_photo(
    files: &crate::media::Storage,
    v: &village::Model,
    bytes: &[u8],
) -> AppResult<(String, String, crate::media::Photo)> {
    let photo = crate::media::checked(bytes, crate::media::market_photo).await?;
    let base = format!("market/{}/{}", v.id, crate::media::random_name());
    let (key, thumb) = (format!("{base}.jpg"), format!("{base}-kecil.jpg"));
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "storing a market photo");
        AppError::Internal
    };
    files.put(&key, &photo.display).await.map_err(io)?;
    files.put(&thumb, &photo.thumb).await.map_err(io)?;
    Ok((key, thumb, photo))
}

/// Sets (or replaces) a shop's photo: the storefront or the seller at work. Returns nothing but
/// an error; the old photo's files are removed after the new one is kept.
///
/// # Errors
/// `NotFound` for a shop `who` may not manage; `Invalid` for a file that is not a photo;
/// storage and database failures.
pub async fn set_shop_photo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    who: &Seller,
    id: i64,
    bytes: &[u8],
) -> AppResult<()> {
    let s = managed_shop(db, v, who, id).await?;
    let (key, thumb, _) = store_photo(files, v, bytes).await?;
    let old = (s.photo_key.clone(), s.thumb_key.clone());
    let mut row: shop::ActiveModel = s.into();
    row.photo_key = Set(Some(key));
    row.thumb_key = Set(Some(thumb));
    row.updated_at = Set(Utc::now());
    row.update(db).await?;
    for key in [old.0, old.1].into_iter().flatten() {
        files.remove(&key).await;
    }
    Ok(())
}

/// A shop's photo: for everybody while the shop is approved, otherwise for who manages it.
/// Returns the bytes and whether the photo is public.
///
/// # Errors
/// `NotFound` (no photo, or not for `who`); storage and database failures.
pub async fn shop_photo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    who: Option<&Seller>,
    id: i64,
    thumb: bool,
) -> AppResult<(Vec<u8>, bool)> {
    let s = find_shop(db, v.id, id).await?;
    let public = s.status == ShopStatus::Aktif;
    if !public {
        managed_shop(db, v, who.ok_or(AppError::NotFound)?, id).await?;
    }
    let key = if thumb { s.thumb_key } else { s.photo_key }.ok_or(AppError::NotFound)?;
    Ok((files.get(&key).await.map_err(|_| AppError::NotFound)?, public))
}

/// A product that the public may see (`NotFound` otherwise: hidden, its shop not approved, or
/// another village's).
///
/// # Errors
/// `NotFound`; database failures.
pub async fn visible_product<C: ConnectionTrait>(
    db: &C,
    village_id: i64,
    id: i64,
) -> AppResult<(product::Model, shop::Model)> {
    let p = product::Entity::find_by_id(id)
        .filter(product::Column::VillageId.eq(village_id))
        .filter(product::Column::Hidden.eq(false))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let s = find_shop(db, village_id, p.shop_id).await?;
    if s.status != ShopStatus::Aktif {
        return Err(AppError::NotFound);
    }
    Ok((p, s))
}

/// A photo of a product: for everybody while the product is public, otherwise only for who
/// manages its shop (`who`: the seller sees the photos of a shop still waiting for approval).
/// Returns the bytes and whether the photo is public (it may then be cached by anyone).
///
/// # Errors
/// `NotFound`; storage and database failures.
pub async fn photo(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    who: Option<&Seller>,
    photo_id: i64,
    thumb: bool,
) -> AppResult<(Vec<u8>, bool)> {
    let ph = crate::db::owned::find_in::<product_photo::Entity, _>(db, v.id, photo_id).await?;
    let public = match visible_product(db, v.id, ph.product_id).await {
        Ok(_) => true,
        Err(AppError::NotFound) => {
            let who = who.ok_or(AppError::NotFound)?;
            managed_product(db, v, who, ph.product_id).await?;
            false
        }
        Err(e) => return Err(e),
    };
    let key = if thumb { &ph.thumb_key } else { &ph.photo_key };
    Ok((files.get(key).await.map_err(|_| AppError::NotFound)?, public))
}

/// Which villages a catalogue covers.
#[derive(Debug, Clone)]
pub enum Region {
    Village(i64),
    /// Every village whose kode wilayah starts with this prefix (a kecamatan `36.04.05`, a
    /// kabupaten `36.04`).
    Code(String),
}

/// A product's effective price: the discount when there is one.
const PRICE: &str = "COALESCE(p.discount_price, p.price)";

/// The tables of the catalogue's queries.
const FROM: &str = "FROM products p JOIN shops s ON s.id = p.shop_id JOIN villages v ON v.id = p.village_id";

/// The SQL condition of a catalogue query over [`FROM`], its values, and what was wrong with
/// the filters (a price bound that is not a price is left out and reported).
fn matching(region: &Region, q: &CatalogueQuery) -> (String, Vec<Value>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut bound = |text: &str, field: &str, what: &str| -> Option<i64> {
        if text.trim().is_empty() {
            return None;
        }
        Rupiah::parse(text)
            .map(Rupiah::value)
            .map_err(|m| problems.push(Problem::new(field, format!("{what}: {m}"))))
            .ok()
    };
    let min = bound(&q.min, "min", "Harga terendah");
    let max = bound(&q.max, "max", "Harga tertinggi");

    let mut filter = VISIBLE.to_string();
    let mut values: Vec<Value> = vec![false.into()];
    match region {
        Region::Village(id) => {
            filter.push_str(" AND p.village_id = ?");
            values.push((*id).into());
        }
        Region::Code(prefix) => {
            filter.push_str(" AND v.code LIKE ?");
            // Whole segments only: `36.04` is `36.04.…`.
            values.push(format!("{}.%", prefix.trim_end_matches('.')).into());
        }
    }
    let price = PRICE;
    if let Some(min) = min {
        filter.push_str(&format!(" AND {price} >= ?"));
        values.push(min.into());
    }
    if let Some(max) = max {
        filter.push_str(&format!(" AND {price} <= ?"));
        values.push(max.into());
    }
    if super::model::category(q.category.trim()).is_some() {
        filter.push_str(" AND p.category = ?");
        values.push(q.category.trim().to_string().into());
    }
    if let Some(d) = q.dusun {
        filter.push_str(" AND s.dusun_id = ?");
        values.push(d.into());
    }
    if q.available {
        filter.push_str(" AND p.availability <> ?");
        values.push(Availability::Habis.as_str().into());
    }
    for word in q.q.split_whitespace().take(5) {
        let word: String = word.to_lowercase().chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
        if word.is_empty() {
            continue;
        }
        filter.push_str(" AND (LOWER(p.name) LIKE ? OR LOWER(p.description) LIKE ? OR LOWER(s.name) LIKE ?)");
        let like = format!("%{word}%");
        values.extend([like.clone().into(), like.clone().into(), like.into()]);
    }
    (filter, values, problems)
}

/// One page of the public catalogue: visible products matching the query, in the region.
///
/// # Errors
/// Database failures.
pub async fn catalogue(db: &DatabaseConnection, region: &Region, q: &CatalogueQuery) -> AppResult<Catalogue> {
    let backend = db.get_database_backend();
    let (filter, values, problems) = matching(region, q);
    let from = FROM;

    let total = db
        .query_one_raw(sql(backend, &format!("SELECT COUNT(*) {from} WHERE {filter}"), values.clone()))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    let total = u64::try_from(total).unwrap_or(0);
    let (cols, dirs) = match q.sort {
        Sort::Newest => (["p.created_at", "p.id"], [Order::Desc, Order::Desc]),
        Sort::Cheapest => ([PRICE, "p.id"], [Order::Asc, Order::Asc]),
    };
    let photo = "(SELECT MIN(ph.id) FROM product_photos ph WHERE ph.product_id = p.id AND ph.position = 0)";
    let fetch = |start: Option<keyset::Seek>, limit: u64| {
        let (mut filter, mut values) = (filter.clone(), values.clone());
        if let Some(start) = &start {
            let (cond, more) = start.sql(&cols, &dirs);
            filter.push_str(&format!(" AND {cond}"));
            values.extend(more);
        }
        let order: Vec<String> = cols
            .iter()
            .zip(&dirs)
            .map(|(c, d)| {
                let dir = if matches!(keyset::Seek::direction(start.as_ref(), d), Order::Asc) { "ASC" } else { "DESC" };
                format!("{c} {dir}")
            })
            .collect();
        values.push(i64::try_from(limit).unwrap_or(25).into());
        let statement = sql(
            backend,
            &format!(
                "SELECT p.id, v.slug, v.name, s.id, s.name, p.name, p.price, p.discount_price, p.unit, \
                 p.availability, {photo}, p.created_at, {PRICE} {from} WHERE {filter} ORDER BY {} LIMIT ?",
                order.join(", ")
            ),
            values,
        );
        async move { db.query_all_raw(statement).await }
    };
    let key = |row: &sea_orm::QueryResult| -> Vec<Value> {
        let id = row.try_get_by_index::<i64>(0).unwrap_or_default();
        match q.sort {
            Sort::Newest => {
                vec![row.try_get_by_index::<DateTime<Utc>>(11).map(Value::from).unwrap_or(Value::Bool(None)), id.into()]
            }
            Sort::Cheapest => vec![row.try_get_by_index::<i64>(12).unwrap_or_default().into(), id.into()],
        }
    };
    let (rows, links) = keyset::seek(fetch, 2, &q.at, PER_PAGE, total, key).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get_by_index(0)?;
        let village_slug: String = row.try_get_by_index(1)?;
        let photo: Option<i64> = row.try_get_by_index(10)?;
        let availability: String = row.try_get_by_index(9)?;
        let discount: Option<i64> = row.try_get_by_index(7)?;
        items.push(ProductCard {
            id,
            thumb: photo.map(|ph| format!("/api/market/{village_slug}/foto/{ph}?kecil=1")),
            village_slug,
            village: row.try_get_by_index(2)?,
            shop_id: row.try_get_by_index(3)?,
            shop: row.try_get_by_index(4)?,
            name: row.try_get_by_index(5)?,
            price: rupiah(row.try_get_by_index(6)?),
            discount_price: discount.map(rupiah),
            unit: row.try_get_by_index(8)?,
            availability: Availability::parse(&availability).unwrap_or(Availability::Tersedia),
        });
    }
    Ok(Catalogue {
        map: None,
        items,
        total,
        links,
        problems,
        dusun: Vec::new(),
        region: None,
        regions: Vec::new(),
        nearby: None,
    })
}

/// Shops on the catalogue's map, at most.
const MAP_SHOPS: i64 = 500;

/// Where the products matching a village's catalogue query are sold: the village drawn as an
/// SVG (boundary and dusun, projected to a `320`-wide box) with a dot per shop, linked to its
/// page. `href` makes a shop's address.
///
/// # Errors
/// Database failures.
pub async fn results_map(
    db: &DatabaseConnection,
    v: &village::Model,
    q: &CatalogueQuery,
    href: impl Fn(i64) -> String,
) -> AppResult<super::model::ResultsMap> {
    use super::model::{MapDot, ResultsMap};
    let backend = db.get_database_backend();
    let (filter, mut values, _) = matching(&Region::Village(v.id), q);
    values.push(MAP_SHOPS.into());
    let rows = db
        .query_all_raw(sql(
            backend,
            &format!(
                "SELECT s.id, s.name, s.lat, s.lng, COUNT(p.id) {FROM} WHERE {filter} \
                 GROUP BY s.id, s.name, s.lat, s.lng ORDER BY s.id LIMIT ?"
            ),
            values,
        ))
        .await?;
    let mut shops = Vec::with_capacity(rows.len());
    let mut unplaced = 0;
    for row in rows {
        let (id, name): (i64, String) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        let (lat, lng): (Option<f64>, Option<f64>) = (row.try_get_by_index(2)?, row.try_get_by_index(3)?);
        let n = count(row.try_get_by_index(4)?);
        match lat.zip(lng) {
            Some(at) => shops.push((id, name, at, n)),
            None => unplaced += n,
        }
    }
    let boundary = v.boundary.as_deref().and_then(|b| Shape::parse(b).ok());
    let dusun: Vec<Shape> = area::Entity::find()
        .filter(area::Column::VillageId.eq(v.id))
        .filter(area::Column::Level.eq(area::DUSUN))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| Shape::parse(a.boundary.as_deref()?).ok())
        .collect();
    // The frame: the village, or the shops when it has no boundary.
    let [x0, y0, x1, y1] = match &boundary {
        Some(b) => b.bbox(),
        None if !shops.is_empty() => {
            shops.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, (_, _, (lat, lng), _)| {
                [b[0].min(*lng) - 0.002, b[1].min(*lat) - 0.002, b[2].max(*lng) + 0.002, b[3].max(*lat) + 0.002]
            })
        }
        None => return Ok(ResultsMap { unplaced, ..ResultsMap::default() }),
    };
    // The drawing fits 320×480.
    let sketch = Sketch::new([x0, y0, x1, y1], 320.0, 480.0);
    let dots = shops
        .into_iter()
        .map(|(id, shop, (lat, lng), products)| {
            let (x, y) = sketch.at(lng, lat);
            MapDot { x, y, shop, href: href(id), products }
        })
        .collect();
    Ok(ResultsMap {
        width: sketch.width,
        height: sketch.height,
        boundary: boundary.as_ref().map(|b| sketch.paths(b)).unwrap_or_default(),
        areas: dusun.iter().flat_map(|d| sketch.paths(d)).collect(),
        dots,
        unplaced,
    })
}

/// The shops of a resident in the village, newest first.
///
/// # Errors
/// Database failures.
pub async fn shops_of(db: &DatabaseConnection, village_id: i64, resident_id: i64) -> AppResult<Vec<shop::Model>> {
    Ok(shop::Entity::find()
        .filter(shop::Column::VillageId.eq(village_id))
        .filter(shop::Column::ResidentId.eq(resident_id))
        .order_by_desc(shop::Column::Id)
        .all(db)
        .await?)
}

/// The village's dusun (id, "Dusun Kramat"), by name: the catalogue's dusun filter.
///
/// # Errors
/// Database failures.
pub async fn dusun_options<C: ConnectionTrait>(db: &C, v: &village::Model) -> AppResult<Vec<(i64, String)>> {
    let mut list: Vec<(i64, String)> = dusun_names(db, v).await?.into_iter().collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(list)
}

/// The kabupaten and kecamatan the deployment's villages lie in (code, "Kec. Kramatwatu, Kab.
/// Serang"), kabupaten first: the regions a buyer can browse the market of.
///
/// # Errors
/// Database failures.
pub async fn region_choices<C: ConnectionTrait>(db: &C) -> AppResult<Vec<(String, String)>> {
    use crate::region::{RegionCode, region_name};
    let codes: Vec<String> =
        village::Entity::find().select_only().column(village::Column::Code).into_tuple().all(db).await?;
    let mut kabupaten = std::collections::BTreeMap::new();
    let mut kecamatan = std::collections::BTreeMap::new();
    for code in codes.iter().filter_map(|c| RegionCode::parse(c).ok()) {
        let Some(kec) = code.parent() else { continue };
        let Some(kab) = kec.parent() else { continue };
        let kab_name = region_name(&kab).unwrap_or(kab.as_str()).to_string();
        let kec_name = region_name(&kec).unwrap_or(kec.as_str()).to_string();
        kecamatan.insert(kec.as_str().to_string(), format!("Kec. {kec_name}, {kab_name}"));
        kabupaten.insert(kab.as_str().to_string(), kab_name);
    }
    Ok(kabupaten.into_iter().chain(kecamatan).collect())
}

/// The names of the village's dusun, by id.
async fn dusun_names<C: ConnectionTrait>(
    db: &C,
    v: &village::Model,
) -> AppResult<std::collections::HashMap<i64, String>> {
    Ok(area::Entity::find()
        .filter(area::Column::VillageId.eq(v.id))
        .filter(area::Column::Level.eq(area::DUSUN))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, format!("{} {}", v.dusun_label, a.name)))
        .collect())
}

fn shop_view(slug: &str, s: &shop::Model, dusun: Option<String>) -> ShopView {
    ShopView {
        id: s.id,
        name: s.name.clone(),
        description: s.description.clone(),
        category: super::model::category_label(&s.category).to_string(),
        whatsapp: s.whatsapp.clone(),
        phone: phone_display(&s.whatsapp),
        address: s.address.clone(),
        dusun,
        hours: s.hours.clone(),
        place: s.lat.zip(s.lng),
        photo: shop_photo_url(slug, s),
    }
}

/// The address of a shop's photo thumbnail, when it has one.
fn shop_photo_url(slug: &str, s: &shop::Model) -> Option<String> {
    s.thumb_key.as_ref().map(|_| format!("/api/market/{slug}/toko/{}/foto?kecil=1", s.id))
}

fn photo_view(slug: &str, p: &product_photo::Model) -> PhotoView {
    PhotoView {
        id: p.id,
        url: format!("/api/market/{slug}/foto/{}", p.id),
        thumb: format!("/api/market/{slug}/foto/{}?kecil=1", p.id),
        width: p.width,
        height: p.height,
    }
}

async fn photos_of<C: ConnectionTrait>(db: &C, product_ids: &[i64]) -> AppResult<Vec<product_photo::Model>> {
    if product_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(product_photo::Entity::find()
        .filter(product_photo::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_photo::Column::Position)
        .order_by_asc(product_photo::Column::Id)
        .all(db)
        .await?)
}

/// A product's public page; `page` is its full address, for the WhatsApp message.
///
/// # Errors
/// `NotFound` unless the product is visible in the village; database failures.
pub async fn product_detail(
    db: &DatabaseConnection,
    v: &village::Model,
    id: i64,
    page: &str,
) -> AppResult<ProductDetail> {
    let (p, s) = visible_product(db, v.id, id).await?;
    let dusun = match s.dusun_id {
        Some(d) => dusun_names(db, v).await?.remove(&d),
        None => None,
    };
    let photos = photos_of(db, &[p.id]).await?.iter().map(|ph| photo_view(&v.slug, ph)).collect();
    let price = rupiah(p.discount_price.unwrap_or(p.price));
    Ok(ProductDetail {
        id: p.id,
        whatsapp_link: whatsapp_link(&s.whatsapp, &p.name, &price, page),
        name: p.name,
        description: p.description,
        category: super::model::category_label(&p.category).to_string(),
        price: rupiah(p.price),
        discount_price: p.discount_price.map(rupiah),
        unit: p.unit,
        availability: p.availability,
        photos,
        shop: shop_view(&v.slug, &s, dusun),
    })
}

/// A shop's public page with its visible products (newest first).
///
/// # Errors
/// `NotFound` unless the shop is approved in the village; database failures.
pub async fn shop_page(db: &DatabaseConnection, v: &village::Model, id: i64) -> AppResult<ShopPage> {
    let s = find_shop(db, v.id, id).await?;
    if s.status != ShopStatus::Aktif {
        return Err(AppError::NotFound);
    }
    let dusun = match s.dusun_id {
        Some(d) => dusun_names(db, v).await?.remove(&d),
        None => None,
    };
    let products = product::Entity::find()
        .filter(product::Column::ShopId.eq(s.id))
        .filter(product::Column::Hidden.eq(false))
        .order_by_desc(product::Column::CreatedAt)
        .order_by_desc(product::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let photos = photos_of(db, &ids).await?;
    let products = products
        .into_iter()
        .map(|p| ProductCard {
            id: p.id,
            village_slug: v.slug.clone(),
            village: v.name.clone(),
            shop_id: s.id,
            shop: s.name.clone(),
            thumb: photos.iter().find(|ph| ph.product_id == p.id).map(|ph| photo_view(&v.slug, ph).thumb),
            name: p.name,
            price: rupiah(p.price),
            discount_price: p.discount_price.map(rupiah),
            unit: p.unit,
            availability: p.availability,
        })
        .collect();
    let map = if s.lat.is_some() {
        crate::geo::village::village_map(db, v).await?
    } else {
        crate::geo::map::VillageMap::default()
    };
    Ok(ShopPage { shop: shop_view(&v.slug, &s, dusun), products, map })
}

fn input_of(s: &shop::Model) -> ShopInput {
    ShopInput {
        name: s.name.clone(),
        description: s.description.clone(),
        category: s.category.clone(),
        whatsapp: phone_display(&s.whatsapp).replace('-', ""),
        address: s.address.clone(),
        lat: s.lat,
        lng: s.lng,
        hours: s.hours.clone(),
    }
}

/// The shops `who` manages with all their products (hidden ones too, with the reason): a
/// resident's own, or for an official the one shop `only`.
///
/// # Errors
/// `NotFound` for a shop `who` may not manage; database failures.
pub async fn managed(
    db: &DatabaseConnection,
    v: &village::Model,
    who: &Seller,
    only: Option<i64>,
) -> AppResult<Vec<MyShop>> {
    let shops = match (who, only) {
        (_, Some(id)) => vec![managed_shop(db, v, who, id).await?],
        (Seller::Resident { id, .. }, None) => shops_of(db, v.id, *id).await?,
        (Seller::Official(_), None) => return Err(AppError::NotFound),
    };
    let ids: Vec<i64> = shops.iter().map(|s| s.id).collect();
    let products = product::Entity::find()
        .filter(product::Column::ShopId.is_in(ids))
        .order_by_desc(product::Column::Id)
        .all(db)
        .await?;
    let product_ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let photos = photos_of(db, &product_ids).await?;
    Ok(shops
        .into_iter()
        .map(|s| MyShop {
            id: s.id,
            input: input_of(&s),
            status: s.status,
            note: s.moderation_note.clone(),
            photo: shop_photo_url(&v.slug, &s),
            products: products
                .iter()
                .filter(|p| p.shop_id == s.id)
                .map(|p| MyProduct {
                    id: p.id,
                    input: ProductInput {
                        name: p.name.clone(),
                        description: p.description.clone(),
                        category: p.category.clone(),
                        price: Rupiah::new(p.price).map(Rupiah::digits).unwrap_or_default(),
                        discount_price: p
                            .discount_price
                            .and_then(|d| Rupiah::new(d).ok())
                            .map(Rupiah::digits)
                            .unwrap_or_default(),
                        unit: p.unit.clone(),
                        availability: p.availability.as_str().to_string(),
                    },
                    price: rupiah(p.discount_price.unwrap_or(p.price)),
                    hidden_reason: p.hidden.then(|| p.hidden_reason.clone()),
                    photos: photos
                        .iter()
                        .filter(|ph| ph.product_id == p.id)
                        .map(|ph| photo_view(&v.slug, ph))
                        .collect(),
                })
                .collect(),
        })
        .collect())
}

/// The officials' list of the village's shops, waiting ones first, optionally of one status.
///
/// # Errors
/// Database failures.
pub async fn shop_rows(
    db: &DatabaseConnection,
    v: &village::Model,
    status: Option<ShopStatus>,
    at: &crate::ui::PageAt,
) -> AppResult<(Vec<ShopRow>, crate::ui::PageLinks)> {
    let mut q = shop::Entity::find().filter(shop::Column::VillageId.eq(v.id));
    if let Some(s) = status {
        q = q.filter(shop::Column::Status.eq(s));
    }
    let total = q.clone().count(db).await?;
    // Waiting shops first, then the newest.
    let waiting = ShopStatus::Menunggu.as_str();
    let cols = [
        sea_orm::sea_query::Expr::cust(format!("CASE shops.status WHEN '{waiting}' THEN 0 ELSE 1 END")),
        shop::Column::Id.into_expr(),
    ];
    let dirs = [Order::Asc, Order::Desc];
    let fetch = |start: Option<keyset::Seek>, limit: u64| {
        let mut q = q.clone();
        if let Some(start) = &start {
            q = q.filter(start.condition(&cols, &dirs));
        }
        for (col, dir) in cols.iter().zip(&dirs) {
            q = q.order_by(col.clone(), keyset::Seek::direction(start.as_ref(), dir));
        }
        async move { q.limit(limit).all(db).await }
    };
    let rank =
        |s: &shop::Model| -> Vec<Value> { vec![i64::from(s.status != ShopStatus::Menunggu).into(), s.id.into()] };
    let (shops, links) = keyset::seek(fetch, 2, at, PER_PAGE, total, rank).await?;
    let owners: std::collections::HashMap<i64, String> = resident::Entity::find()
        .filter(resident::Column::Id.is_in(shops.iter().map(|s| s.resident_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let dusun = dusun_names(db, v).await?;
    // Products per shop of the page, in one query.
    let counts: std::collections::HashMap<i64, i64> = product::Entity::find()
        .select_only()
        .column(product::Column::ShopId)
        .column_as(product::Column::Id.count(), "n")
        .filter(product::Column::ShopId.is_in(shops.iter().map(|s| s.id)))
        .group_by(product::Column::ShopId)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut rows = Vec::with_capacity(shops.len());
    for s in shops {
        let products = count(counts.get(&s.id).copied().unwrap_or(0));
        rows.push(ShopRow {
            id: s.id,
            owner: owners.get(&s.resident_id).cloned().unwrap_or_default(),
            category: super::model::category_label(&s.category).to_string(),
            dusun: s.dusun_id.and_then(|d| dusun.get(&d).cloned()),
            status: s.status,
            note: s.moderation_note.clone(),
            products,
            created: crate::kit::time::wib(s.created_at),
            name: s.name,
        });
    }
    Ok((rows, links))
}

/// Approved shops and their visible products per category and per dusun, and how many shops
/// wait for approval.
///
/// # Errors
/// Database failures.
pub async fn report(db: &DatabaseConnection, v: &village::Model) -> AppResult<MarketReport> {
    let backend = db.get_database_backend();
    let dusun = dusun_names(db, v).await?;
    let count_by = |column: &str| {
        sql(
            backend,
            &format!(
                "SELECT {column}, COUNT(DISTINCT s.id), COUNT(p.id) FROM shops s \
                 LEFT JOIN products p ON p.shop_id = s.id AND p.hidden = ? \
                 WHERE s.village_id = ? AND s.status = 'aktif' GROUP BY {column} ORDER BY {column}"
            ),
            vec![false.into(), v.id.into()],
        )
    };
    let mut per_category = Vec::new();
    for row in db.query_all_raw(count_by("s.category")).await? {
        let code: String = row.try_get_by_index(0)?;
        let (shops, products): (i64, i64) = (row.try_get_by_index(1)?, row.try_get_by_index(2)?);
        per_category.push((super::model::category_label(&code).to_string(), count(shops), count(products)));
    }
    let mut per_dusun = Vec::new();
    for row in db.query_all_raw(count_by("s.dusun_id")).await? {
        let id: Option<i64> = row.try_get_by_index(0)?;
        let (shops, products): (i64, i64) = (row.try_get_by_index(1)?, row.try_get_by_index(2)?);
        let name = id.and_then(|d| dusun.get(&d).cloned()).unwrap_or_else(|| "Tanpa dusun".into());
        per_dusun.push((name, count(shops), count(products)));
    }
    per_dusun.sort();
    let waiting = shop::Entity::find()
        .filter(shop::Column::VillageId.eq(v.id))
        .filter(shop::Column::Status.eq(ShopStatus::Menunggu))
        .count(db)
        .await?;
    Ok(MarketReport { per_category, per_dusun, waiting })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// How many approved shops have a place on the map.
///
/// # Errors
/// Database failures.
pub async fn mapped_shops<C: ConnectionTrait>(db: &C, village_id: i64) -> AppResult<u64> {
    Ok(shop::Entity::find()
        .filter(shop::Column::VillageId.eq(village_id))
        .filter(shop::Column::Status.eq(ShopStatus::Aktif))
        .filter(shop::Column::Lat.is_not_null())
        .count(db)
        .await?)
}

/// Approved shops with a place, as a GeoJSON layer of the village map (name, category and the
/// shop's page; no owner).
///
/// # Errors
/// Database failures.
pub async fn sellers_layer<C: ConnectionTrait>(
    db: &C,
    v: &village::Model,
    bbox: Option<[f64; 4]>,
    page: impl Fn(i64) -> String,
) -> AppResult<serde_json::Value> {
    let mut q = shop::Entity::find()
        .filter(shop::Column::VillageId.eq(v.id))
        .filter(shop::Column::Status.eq(ShopStatus::Aktif))
        .filter(shop::Column::Lat.is_not_null())
        .filter(shop::Column::Lng.is_not_null());
    if let Some([x0, y0, x1, y1]) = bbox {
        q = q.filter(shop::Column::Lng.between(x0, x1)).filter(shop::Column::Lat.between(y0, y1));
    }
    let features: Vec<serde_json::Value> = q
        .order_by_asc(shop::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| {
            let (lat, lng) = (s.lat?, s.lng?);
            let round = |x: f64| (x * 1e5).round() / 1e5;
            Some(serde_json::json!({
                "type": "Feature",
                "properties": {
                    "id": s.id,
                    "name": s.name,
                    "description": super::model::category_label(&s.category),
                    "href": page(s.id),
                },
                "geometry": { "type": "Point", "coordinates": [round(lng), round(lat)] },
            }))
        })
        .collect();
    Ok(serde_json::json!({ "type": "FeatureCollection", "features": features }))
}

/// The demo village's market: a handful of approved shops of real-sounding village businesses,
/// placed inside the boundary, with their products (no photos: the cards show their initial).
/// Returns how many products were added.
///
/// # Errors
/// Database failures.
pub async fn seed_demo_market(db: &DatabaseConnection, v: &village::Model) -> AppResult<usize> {
    type Product = (&'static str, &'static str, i64, Option<i64>, &'static str, Availability);
    use Availability::{Habis, PreOrder, Tersedia};
    let shape = v.boundary.as_deref().and_then(|b| Shape::parse(b).ok());
    let owners = resident::Entity::find()
        .filter(resident::Column::VillageId.eq(v.id))
        .filter(resident::Column::Status.eq(crate::kit::resident::Status::Hidup))
        .filter(resident::Column::Relationship.eq(crate::population::codes::HEAD))
        .order_by_asc(resident::Column::Id)
        .all(db)
        .await?;
    let shops: [(&str, &str, &str, &str, f64, f64, Vec<Product>); 6] = [
        (
            "Warung Nasi Bu Enok",
            "makanan",
            "Nasi uduk, lontong sayur dan gorengan setiap pagi.",
            "Setiap hari 05.30–10.00",
            0.48,
            0.52,
            vec![
                (
                    "Nasi uduk komplit",
                    "Nasi uduk, telur balado, orek tempe dan sambal kacang.",
                    10_000,
                    None,
                    "porsi",
                    Tersedia,
                ),
                ("Lontong sayur", "Lontong dengan sayur labu siam dan kerupuk.", 8_000, None, "porsi", Tersedia),
                ("Gorengan campur", "Bakwan, tahu isi dan pisang goreng.", 5_000, Some(4_000), "paket", Tersedia),
            ],
        ),
        (
            "Keripik Emping Mang Udin",
            "makanan",
            "Emping melinjo asli Banten, digoreng tanpa pengawet.",
            "Senin–Sabtu 08.00–16.00",
            0.38,
            0.60,
            vec![
                ("Emping melinjo manis", "Emping tipis dengan gula merah.", 35_000, None, "kg", Tersedia),
                ("Emping melinjo pedas", "Emping dengan bumbu cabai.", 38_000, Some(34_000), "kg", Tersedia),
                ("Keripik singkong balado", "Kemasan 250 gram.", 12_000, None, "bungkus", Habis),
            ],
        ),
        (
            "Tani Makmur",
            "pertanian",
            "Beras dan sayur langsung dari sawah dan kebun warga.",
            "Setiap hari 06.00–17.00",
            0.60,
            0.45,
            vec![
                ("Beras pandan wangi", "Panen terbaru, digiling sendiri.", 14_000, None, "kg", Tersedia),
                ("Cabai rawit merah", "Segar dari kebun.", 60_000, None, "kg", Tersedia),
                ("Kangkung", "Satu ikat sekitar 250 gram.", 3_000, None, "ikat", Tersedia),
            ],
        ),
        (
            "Ternak Ayam Kampung Pak Juned",
            "peternakan",
            "Ayam kampung dan telur dari kandang sendiri.",
            "Setiap hari 07.00–18.00",
            0.30,
            0.40,
            vec![
                ("Telur ayam kampung", "Isi 10 butir.", 25_000, None, "paket", Tersedia),
                ("Ayam kampung hidup", "Bobot 1–1,3 kg.", 85_000, None, "pcs", PreOrder),
            ],
        ),
        (
            "Anyaman Bambu Sinar Rahayu",
            "kerajinan",
            "Tampah, bakul dan besek anyaman bambu buatan ibu-ibu PKK.",
            "Senin–Jumat 08.00–15.00",
            0.66,
            0.58,
            vec![
                ("Tampah bambu 50 cm", "Untuk menampi beras atau wadah sajian.", 35_000, None, "pcs", Tersedia),
                ("Besek bambu (isi 10)", "Wadah nasi dan kue untuk hajatan.", 20_000, Some(18_000), "paket", Tersedia),
                ("Bakul nasi", "Anyaman rapat dengan bibir rotan.", 30_000, None, "pcs", PreOrder),
            ],
        ),
        (
            "Jahit Rapi Teh Nining",
            "jasa",
            "Permak dan jahit baju, seragam sekolah dan kebaya.",
            "Senin–Sabtu 09.00–17.00",
            0.44,
            0.35,
            vec![
                ("Permak celana", "Potong dan kelim, selesai sehari.", 15_000, None, "pcs", Tersedia),
                ("Jahit seragam sekolah", "Bahan dari pelanggan.", 120_000, None, "pcs", PreOrder),
            ],
        ),
    ];
    let now = Utc::now();
    let mut added = 0;
    for (i, (name, category, description, hours, fx, fy, products)) in shops.into_iter().enumerate() {
        let Some(owner) = owners.get(i * 3).or_else(|| owners.get(i)) else { break };
        let place = shape.as_ref().and_then(|s| s.inside_near(fx, fy));
        let dusun = dusun_of(db, v.id, place.map(|[x, y]| (y, x)), owner.rt_id).await?;
        let shop = shop::ActiveModel {
            village_id: Set(v.id),
            resident_id: Set(owner.id),
            name: Set(name.into()),
            description: Set(description.into()),
            category: Set(category.into()),
            whatsapp: Set(format!("62812{:08}", 10_000_000 + i * 1_234_567)),
            address: Set(format!("Kampung {}, dekat {}", v.name, if i % 2 == 0 { "masjid" } else { "balai warga" })),
            dusun_id: Set(dusun),
            lat: Set(place.map(|p| p[1])),
            lng: Set(place.map(|p| p[0])),
            hours: Set(hours.into()),
            photo_key: Set(None),
            thumb_key: Set(None),
            status: Set(ShopStatus::Aktif),
            moderation_note: Set(String::new()),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for (j, (name, description, price, discount, unit, availability)) in products.into_iter().enumerate() {
            let at = now - chrono::Duration::minutes(i64::try_from(i * 10 + j).unwrap_or(0));
            product::ActiveModel {
                village_id: Set(v.id),
                shop_id: Set(shop.id),
                name: Set(name.into()),
                description: Set(description.into()),
                category: Set(category.into()),
                price: Set(price),
                discount_price: Set(discount),
                unit: Set(unit.into()),
                availability: Set(availability),
                hidden: Set(false),
                hidden_reason: Set(String::new()),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(db)
            .await?;
            added += 1;
        }
    }
    Ok(added)
}

/// The market's public pages for a village's sitemap: each active shop and each product shown
/// in one, as `(path inside the village, last change)`.
///
/// # Errors
/// Database failures.
pub async fn sitemap_entries(db: &DatabaseConnection, village_id: i64) -> AppResult<Vec<(String, DateTime<Utc>)>> {
    // Only the ids and times: a market can hold thousands of products.
    let shops: Vec<(i64, DateTime<Utc>)> = shop::Entity::find()
        .select_only()
        .column(shop::Column::Id)
        .column(shop::Column::UpdatedAt)
        .filter(shop::Column::VillageId.eq(village_id))
        .filter(shop::Column::Status.eq(ShopStatus::Aktif))
        .order_by_asc(shop::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let active: Vec<i64> = shops.iter().map(|(id, _)| *id).collect();
    let products: Vec<(i64, DateTime<Utc>)> = product::Entity::find()
        .select_only()
        .column(product::Column::Id)
        .column(product::Column::UpdatedAt)
        .filter(product::Column::VillageId.eq(village_id))
        .filter(product::Column::Hidden.eq(false))
        .filter(product::Column::ShopId.is_in(active))
        .order_by_asc(product::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let shops = shops.into_iter().map(|(id, at)| (format!("/pasar/toko/{id}"), at));
    Ok(shops.chain(products.into_iter().map(|(id, at)| (format!("/pasar/produk/{id}"), at))).collect())
}
