//! The portal's articles on the database (server only). Every function takes the village it
//! acts in and finds rows only within it.
//!
//! The one rule of visibility: an article is public when its status is `terbit` and its
//! `publish_at` has come ([`public`]); a later `publish_at` is a scheduled article, which
//! appears by itself when its time comes (no job needed: the query asks the clock).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, Select, Set,
};

use super::markdown;
use super::model::{ArticleCard, ArticleInput, ArticlePage, ArticleStatus, category_label, parse_local, slugify};
use crate::access::guard::Official;
use crate::audit::{Action, Actor, Entry, record};
use crate::db::entities::{article, village};
use crate::error::{AppError, AppResult, refuse_any};
use crate::kit::article::Publication;
use crate::kit::time::long_date;
use crate::ui::{PageAt, PageLinks};

/// Articles per page of a list.
pub const PER_PAGE: u64 = 10;

/// The village's articles the public may read at `now`.
pub fn public(village_id: i64, now: DateTime<Utc>) -> Select<article::Entity> {
    article::Entity::find()
        .filter(article::Column::VillageId.eq(village_id))
        .filter(article::Column::Status.eq(Publication::Terbit))
        .filter(article::Column::PublishAt.lte(now))
}

fn status_of(a: &article::Model, now: DateTime<Utc>) -> ArticleStatus {
    match (a.status, a.publish_at <= now) {
        (Publication::Terbit, true) => ArticleStatus::Terbit,
        (Publication::Terbit, false) => ArticleStatus::Terjadwal,
        (Publication::Draf, _) => ArticleStatus::Draf,
    }
}

fn date_of(t: DateTime<Utc>) -> String {
    long_date((t + crate::kit::time::WIB_OFFSET).date_naive())
}

pub fn card(a: article::Model, slug: &str, now: DateTime<Utc>) -> ArticleCard {
    ArticleCard {
        id: a.id,
        status: status_of(&a, now),
        date: date_of(a.publish_at),
        cover: a.cover_thumb_key.as_ref().map(|_| format!("/api/portal/{slug}/sampul/{}?kecil=1", a.id)),
        category: category_label(&a.category).to_string(),
        slug: a.slug,
        title: a.title,
        excerpt: a.excerpt,
    }
}

/// A slug for `title` not used by another article of the village (`-2`, `-3`… when it is).
async fn free_slug<C: ConnectionTrait>(db: &C, village_id: i64, title: &str, own: Option<i64>) -> AppResult<String> {
    let base = slugify(title);
    for n in 1..1000 {
        let slug = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let mut q = article::Entity::find()
            .filter(article::Column::VillageId.eq(village_id))
            .filter(article::Column::Slug.eq(slug.as_str()));
        if let Some(id) = own {
            q = q.filter(article::Column::Id.ne(id));
        }
        if q.count(db).await? == 0 {
            return Ok(slug);
        }
    }
    Err(AppError::Invalid("Terlalu banyak berita dengan judul yang sama; ubah judulnya.".into()))
}

/// Writes a new article (`id` `None`) or changes one of the village's. The Markdown is turned
/// into sanitised HTML here, once. A new article's address comes from its title; a changed
/// article keeps its address (links to it keep working).
///
/// # Errors
/// `NotFound` for another village's article; database failures. What the official must fix
/// comes back as `Refused`.
pub async fn save_article(
    db: &DatabaseConnection,
    v: &village::Model,
    by: &Official,
    id: Option<i64>,
    input: &ArticleInput,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    refuse_any(input.problems())?;
    let title = input.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let publish_at = parse_local(&input.publish_at).unwrap_or(now);
    let status = if input.publish { Publication::Terbit } else { Publication::Draf };
    let html = markdown::render(&input.body);
    let excerpt = markdown::excerpt(&input.body, 280);
    let saved = match id {
        None => {
            let slug = free_slug(db, v.id, &title, None).await?;
            article::ActiveModel {
                village_id: Set(v.id),
                slug: Set(slug),
                title: Set(title.clone()),
                category: Set(input.category.trim().to_string()),
                body: Set(input.body.clone()),
                body_html: Set(html),
                excerpt: Set(excerpt),
                status: Set(status),
                publish_at: Set(publish_at),
                author_id: Set(Some(by.id)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
        Some(id) => {
            let found = find(db, v.id, id).await?;
            let mut row: article::ActiveModel = found.into();
            row.title = Set(title.clone());
            row.category = Set(input.category.trim().to_string());
            row.body = Set(input.body.clone());
            row.body_html = Set(html);
            row.excerpt = Set(excerpt);
            row.status = Set(status);
            row.publish_at = Set(publish_at);
            row.updated_at = Set(now);
            row.update(db).await?
        }
    };
    let what = match status_of(&saved, now) {
        ArticleStatus::Draf => "draf",
        ArticleStatus::Terjadwal => "terjadwal",
        ArticleStatus::Terbit => "terbit",
    };
    audit(db, v, by, saved.id, format!("berita \"{title}\" ({what})")).await?;
    Ok(saved.id)
}

async fn find<C: ConnectionTrait>(db: &C, village_id: i64, id: i64) -> AppResult<article::Model> {
    crate::db::owned::find_in::<article::Entity, _>(db, village_id, id).await
}

/// Deletes one of the village's articles.
///
/// # Errors
/// `NotFound`; database failures.
pub async fn delete_article(db: &DatabaseConnection, v: &village::Model, by: &Official, id: i64) -> AppResult<()> {
    let a = find(db, v.id, id).await?;
    article::Entity::delete_by_id(a.id).exec(db).await?;
    audit(db, v, by, a.id, format!("berita \"{}\" dihapus", a.title)).await
}

async fn audit<C: ConnectionTrait>(
    db: &C,
    v: &village::Model,
    by: &Official,
    id: i64,
    detail: String,
) -> AppResult<()> {
    let entry = Entry {
        village_id: Some(v.id),
        actor: Actor::Official { id: by.id, name: by.name.clone() },
        action: Action::ArticleSaved,
        subject: Some(("article", id)),
        detail: Some(detail),
        ip: None,
    };
    Ok(record(db, entry).await?)
}

/// Sets (or replaces) an article's cover image: checked by content, re-encoded without its
/// metadata, kept at display size (≤ 150 KB) with a 240 px thumbnail for lists.
///
/// # Errors
/// `NotFound`; `Invalid` for a file that is not a photo; storage and database failures.
pub async fn set_cover(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    by: &Official,
    id: i64,
    bytes: &[u8],
) -> AppResult<()> {
    let a = find(db, v.id, id).await?;
    let photo = crate::media::checked(bytes, crate::media::market_photo).await?;
    let base = format!("portal/{}/{}", v.id, crate::media::random_name());
    let (key, thumb) = (format!("{base}.jpg"), format!("{base}-kecil.jpg"));
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "storing an article's cover");
        AppError::Internal
    };
    files.put(&key, &photo.display).await.map_err(io)?;
    files.put(&thumb, &photo.thumb).await.map_err(io)?;
    let old = [a.cover_key.clone(), a.cover_thumb_key.clone()];
    let title = a.title.clone();
    let mut row: article::ActiveModel = a.into();
    row.cover_key = Set(Some(key));
    row.cover_thumb_key = Set(Some(thumb));
    row.updated_at = Set(Utc::now());
    row.update(db).await?;
    for key in old.into_iter().flatten() {
        files.remove(&key).await;
    }
    audit(db, v, by, id, format!("sampul berita \"{title}\"")).await
}

/// An article's cover: for everybody while the article is public, otherwise for the village's
/// officials (`official`). Returns the bytes and whether they are public.
///
/// # Errors
/// `NotFound` (no cover, or not for this reader); storage and database failures.
pub async fn cover(
    db: &DatabaseConnection,
    files: &crate::media::Storage,
    v: &village::Model,
    id: i64,
    thumb: bool,
    official: bool,
) -> AppResult<(Vec<u8>, bool)> {
    let a = find(db, v.id, id).await?;
    let public = status_of(&a, Utc::now()) == ArticleStatus::Terbit;
    if !public && !official {
        return Err(AppError::NotFound);
    }
    let key = if thumb { a.cover_thumb_key } else { a.cover_key }.ok_or(AppError::NotFound)?;
    Ok((files.get(&key).await.map_err(|_| AppError::NotFound)?, public))
}

/// A page of the village's public articles, newest first, and the links around it.
///
/// # Errors
/// Database failures.
pub async fn published(
    db: &DatabaseConnection,
    v: &village::Model,
    at: &PageAt,
    now: DateTime<Utc>,
) -> AppResult<(Vec<ArticleCard>, PageLinks)> {
    // Published articles always have their time: `public` asks for one before `now`.
    let find = public(v.id, now);
    let total = find.clone().count(db).await?;
    let order = [(article::Column::PublishAt, Order::Desc), (article::Column::Id, Order::Desc)];
    let (rows, links) = crate::db::keyset::page(db, find, &order, at, PER_PAGE, total).await?;
    Ok((rows.into_iter().map(|a| card(a, &v.slug, now)).collect(), links))
}

/// Every article of the village, for its officials: drafts and scheduled ones too.
///
/// # Errors
/// Database failures.
pub async fn all_articles(
    db: &DatabaseConnection,
    v: &village::Model,
    now: DateTime<Utc>,
) -> AppResult<Vec<ArticleCard>> {
    Ok(article::Entity::find()
        .filter(article::Column::VillageId.eq(v.id))
        .order_by_desc(article::Column::PublishAt)
        .order_by_desc(article::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| card(a, &v.slug, now))
        .collect())
}

/// An article's public page by its address.
///
/// # Errors
/// `NotFound` unless the article is public at `now`; database failures.
pub async fn article_page(
    db: &DatabaseConnection,
    v: &village::Model,
    slug: &str,
    now: DateTime<Utc>,
) -> AppResult<ArticlePage> {
    let a = public(v.id, now).filter(article::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(ArticlePage {
        date: date_of(a.publish_at),
        category: category_label(&a.category).to_string(),
        cover: a.cover_key.as_ref().map(|_| format!("/api/portal/{}/sampul/{}", v.slug, a.id)),
        slug: a.slug,
        title: a.title,
        html: a.body_html,
        excerpt: a.excerpt,
    })
}

/// What an official edits: the article's fields as written, and its cover's thumbnail.
///
/// # Errors
/// `NotFound`; database failures.
pub async fn article_input(
    db: &DatabaseConnection,
    v: &village::Model,
    id: i64,
) -> AppResult<(ArticleInput, Option<String>)> {
    let a = find(db, v.id, id).await?;
    let cover = a.cover_thumb_key.as_ref().map(|_| format!("/api/portal/{}/sampul/{}?kecil=1", v.slug, a.id));
    let input = ArticleInput {
        title: a.title,
        category: a.category,
        body: a.body,
        publish: a.status == Publication::Terbit,
        publish_at: (a.publish_at + crate::kit::time::WIB_OFFSET).format("%Y-%m-%dT%H:%M").to_string(),
    };
    Ok((input, cover))
}

/// The public articles' addresses (slug) and last changes, for the village's sitemap.
///
/// # Errors
/// Database failures.
pub async fn sitemap_articles(
    db: &DatabaseConnection,
    village_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<(String, DateTime<Utc>)>> {
    Ok(public(village_id, now)
        .order_by_desc(article::Column::PublishAt)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.slug, a.updated_at.max(a.publish_at)))
        .collect())
}
