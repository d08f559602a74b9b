//! Server functions of the portal: the public articles, and the officials' editor (list,
//! fields, save, delete, preview).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::model::{ArticleCard, ArticleInput, ArticlePage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::access::guard::village_official as official;

/// A page of the village's published articles and the links around it.
#[server(endpoint = "portal/articles")]
pub async fn get_articles(
    slug: String,
    at: crate::ui::PageAt,
) -> Result<(Vec<ArticleCard>, crate::ui::PageLinks), AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::service::published(&state.db, &village, &at, chrono::Utc::now()).await
}

/// A published article by its address.
#[server(endpoint = "portal/article")]
pub async fn get_article(slug: String, article: String) -> Result<ArticlePage, AppError> {
    let state = crate::state::app()?;
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
pub async fn save_article(slug: String, id: Option<i64>, input: ArticleInput) -> Result<i64, AppError> {
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

// ---- Home, profile, announcements, agenda, APBDes -------------------------------------------

use super::budget::{Budget, BudgetInput, BudgetPage};
use super::content::{
    Announcement, AnnouncementInput, Event, EventInput, Home, Notices, PersonInput, Profile, ProfileEdit, ProfilePage,
};

/// The village's home page.
#[server(endpoint = "portal/home")]
pub async fn get_home(slug: String) -> Result<Home, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::content_service::home(&state.db, &village, chrono::Utc::now()).await
}

/// The village's profile.
#[server(endpoint = "portal/profile")]
pub async fn get_profile(slug: String) -> Result<ProfilePage, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::content_service::profile_page(&state.db, &village).await
}

/// The current announcements and the agenda (coming events and the last ones).
#[server(endpoint = "portal/notices")]
pub async fn get_notices(slug: String) -> Result<Notices, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    let today = super::content_service::today(chrono::Utc::now());
    use super::content_service as s;
    Ok(Notices {
        announcements: s::current_announcements(&state.db, &village, today, 50).await?,
        upcoming: s::events(&state.db, &village, today, true, 50).await?,
        past: s::events(&state.db, &village, today, false, 10).await?,
    })
}

/// The village budget of `year` (the latest when `None`) and every year's totals.
#[server(endpoint = "portal/budget")]
pub async fn get_budget(slug: String, year: Option<i32>) -> Result<BudgetPage, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::content_service::budget_page(&state.db, &village, year).await
}

/// The profile as its editors see it.
#[server(endpoint = "portal/profile-edit")]
pub async fn get_profile_edit(slug: String) -> Result<ProfileEdit, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::content_service::profile_edit(&state.db, &village).await
}

/// Saves the profile's texts, or says what to fix.
#[server(endpoint = "portal/save-profile", input = Json)]
pub async fn save_profile(slug: String, profile: Profile) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::save_profile(&state.db, &village, &by, &profile).await
}

/// Adds (`id` `None`) or changes a person on the profile.
#[server(endpoint = "portal/save-person", input = Json)]
pub async fn save_person(slug: String, id: Option<i64>, input: PersonInput) -> Result<i64, AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::save_person(&state.db, &village, &by, id, &input).await
}

/// Moves a person one place up or down the list.
#[server(endpoint = "portal/move-person")]
pub async fn move_person(slug: String, id: i64, up: bool) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::move_person(&state.db, &village, &by, id, up).await
}

/// Removes a person from the profile.
#[server(endpoint = "portal/delete-person")]
pub async fn delete_person(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::delete_person(&state.db, &state.files, &village, &by, id).await
}

/// Every announcement and event, for the officials.
#[server(endpoint = "portal/all-notices")]
pub async fn all_notices(slug: String) -> Result<(Vec<Announcement>, Vec<Event>), AppError> {
    let (state, village, _) = official(&slug).await?;
    let today = super::content_service::today(chrono::Utc::now());
    use super::content_service as s;
    let mut events = s::events(&state.db, &village, today, true, 100).await?;
    events.extend(s::events(&state.db, &village, today, false, 20).await?);
    Ok((s::all_announcements(&state.db, &village, today).await?, events))
}

/// Writes or changes an announcement.
#[server(endpoint = "portal/save-announcement", input = Json)]
pub async fn save_announcement(slug: String, id: Option<i64>, input: AnnouncementInput) -> Result<i64, AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::save_announcement(&state.db, &village, &by, id, &input, chrono::Utc::now()).await
}

/// Deletes an announcement.
#[server(endpoint = "portal/delete-announcement")]
pub async fn delete_announcement(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::delete_announcement(&state.db, &village, &by, id).await
}

/// Adds or changes an event on the agenda.
#[server(endpoint = "portal/save-event", input = Json)]
pub async fn save_event(slug: String, id: Option<i64>, input: EventInput) -> Result<i64, AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::save_event(&state.db, &village, &by, id, &input, chrono::Utc::now()).await
}

/// Deletes an event.
#[server(endpoint = "portal/delete-event")]
pub async fn delete_event(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::delete_event(&state.db, &village, &by, id).await
}

/// A year's budget to edit (zeros when not entered yet) and the latest year allowed.
#[server(endpoint = "portal/budget-edit")]
pub async fn get_budget_edit(slug: String, year: i32) -> Result<(Budget, i32), AppError> {
    let (state, village, _) = official(&slug).await?;
    let last = super::content_service::last_budget_year(chrono::Utc::now());
    if !(super::budget::FIRST_YEAR..=last).contains(&year) {
        return Err(AppError::NotFound);
    }
    Ok((super::content_service::budget_of(&state.db, &village, year).await?, last))
}

/// Replaces a year's budget, or says what to fix (nothing is saved then).
#[server(endpoint = "portal/save-budget", input = Json)]
pub async fn save_budget(slug: String, input: BudgetInput) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::save_budget(&state.db, &village, &by, &input, chrono::Utc::now()).await
}

/// The deployment's home page: its villages (`query`, `page`), their places, the latest news.
#[server(endpoint = "portal/directory")]
pub async fn get_directory(query: String, at: crate::ui::PageAt) -> Result<super::content::Directory, AppError> {
    let state = crate::state::app()?;
    super::content_service::directory(&state.db, &query, &at, chrono::Utc::now()).await
}

/// The village's gallery: its albums.
#[server(endpoint = "portal/gallery")]
pub async fn get_gallery(slug: String) -> Result<Vec<super::content::AlbumCard>, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::content_service::albums(&state.db, &village).await
}

/// An album with its photos.
#[server(endpoint = "portal/album")]
pub async fn get_album(slug: String, id: i64) -> Result<super::content::AlbumPage, AppError> {
    let state = crate::state::app()?;
    let village = crate::village::service::scope(&state.db, &slug).await?;
    super::content_service::album(&state.db, &village, id).await
}

/// Every album with its photos, for the officials.
#[server(endpoint = "portal/gallery-edit")]
pub async fn gallery_edit(slug: String) -> Result<Vec<super::content::AlbumPage>, AppError> {
    let (state, village, _) = official(&slug).await?;
    super::content_service::gallery_edit(&state.db, &village).await
}

/// Makes (`id` `None`) or renames an album.
#[server(endpoint = "portal/save-album")]
pub async fn save_album(slug: String, id: Option<i64>, title: String) -> Result<i64, AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::save_album(&state.db, &village, &by, id, &title, chrono::Utc::now()).await
}

/// Deletes an album with its photos.
#[server(endpoint = "portal/delete-album")]
pub async fn delete_album(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::delete_album(&state.db, &state.files, &village, &by, id).await
}

/// Deletes a photo of the gallery.
#[server(endpoint = "portal/delete-photo")]
pub async fn delete_photo(slug: String, id: i64) -> Result<(), AppError> {
    let (state, village, by) = official(&slug).await?;
    super::content_service::delete_photo(&state.db, &state.files, &village, &by, id).await
}

/// This slice's server functions that only read: calling one leaves the page cache's kept
/// answers alone (`cache`; registered in `slices.rs`).
#[cfg(feature = "ssr")]
pub const READS: &[&str] = &[
    <GetHome as leptos::server_fn::ServerFn>::PATH,
    <GetArticles as leptos::server_fn::ServerFn>::PATH,
    <GetArticle as leptos::server_fn::ServerFn>::PATH,
    <GetProfile as leptos::server_fn::ServerFn>::PATH,
    <GetNotices as leptos::server_fn::ServerFn>::PATH,
    <GetBudget as leptos::server_fn::ServerFn>::PATH,
    <GetGallery as leptos::server_fn::ServerFn>::PATH,
    <GetAlbum as leptos::server_fn::ServerFn>::PATH,
    <GetDirectory as leptos::server_fn::ServerFn>::PATH,
];
