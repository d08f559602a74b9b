//! Server functions of the portal: the public articles, and the officials' editor (list,
//! fields, save, delete, preview).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::model::{ArticleCard, ArticleInput, ArticlePage, Problem};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::guard::village_official as official;

/// A page of the village's published articles and the number of pages.
#[server(endpoint = "portal/articles")]
pub async fn get_articles(slug: String, page: u64) -> Result<(Vec<ArticleCard>, u64), AppError> {
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::service::published(&state.db, &village, page, chrono::Utc::now()).await
}

/// A published article by its address.
#[server(endpoint = "portal/article")]
pub async fn get_article(slug: String, article: String) -> Result<ArticlePage, AppError> {
    let state = crate::server::state()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::service::article_page(&state.db, &village, &article, chrono::Utc::now()).await
}

/// Every article of the village, drafts and scheduled ones too, for its officials.
#[server(endpoint = "portal/all-articles")]
pub async fn all_articles(slug: String) -> Result<Vec<ArticleCard>, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::service::all_articles(&state.db, &village, chrono::Utc::now()).await
}

/// An article's fields as written, to edit them, and its cover's thumbnail.
#[server(endpoint = "portal/article-input")]
pub async fn get_article_input(slug: String, id: i64) -> Result<(ArticleInput, Option<String>), AppError> {
    let (state, village, _) = official(&slug).await?;
    super::service::article_input(&state.db, &village, id).await
}

/// Writes a new article (`id` `None`) or changes one: its id, or what to fix.
#[server(endpoint = "portal/save-article", input = Json)]
pub async fn save_article(
    slug: String,
    id: Option<i64>,
    input: ArticleInput,
) -> Result<Result<i64, Vec<Problem>>, AppError> {
    let (state, village, by) = official(&slug).await?;
    super::service::save_article(&state.db, &village, &by, id, &input, chrono::Utc::now()).await
}

/// Deletes an article.
#[server(endpoint = "portal/delete-article")]
pub async fn delete_article(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::service::delete_article(&state.db, &village, &by, id).await
}

/// The Markdown as the public page will show it (sanitised HTML), for the editor's preview.
#[server(endpoint = "portal/preview", input = Json)]
pub async fn preview(slug: String, body: String) -> Result<String, AppError> {
    official(&slug).await?;
    if body.chars().count() > super::model::BODY_MAX {
        return Err(AppError::Invalid("Isi berita terlalu panjang untuk dipratinjau.".into()));
    }
    Ok(super::markdown::render(&body))
}
