//! What every handler and server function of every slice may use: the application's state,
//! and what one request remembers (the villages and the user it looked up, the villages it
//! touched). The assembly (`server`) makes them; slices only read them (`state::app()`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use tokio::sync::OnceCell;

use crate::db::entities::village;
use crate::error::AppError;
use crate::kit::caller::User;

/// What every handler and server function may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub leptos_options: LeptosOptions,
    /// Uploaded files (letters' attachments, complaint, map and market photos).
    pub files: crate::media::Storage,
    /// Whether the database answers (`db::outage`).
    pub outage: crate::db::outage::Circuit,
    /// The deployment's settings, parsed once at start-up (`config::current`).
    pub config: &'static crate::config::Config,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The `AppState` of the current request, inside a server function or a rendered page.
///
/// # Errors
/// `AppError::Internal` when called outside a request (a programming error, logged).
pub fn app() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the reactive context");
        AppError::Internal
    })
}

/// What the server functions of one page read once and share: the village of a slug and who
/// is signed in. A page render runs several server functions (the layout's village, the page's
/// data), each of which would otherwise look both up again. Given to GET requests only, so a
/// write never acts on a snapshot taken before it; it lives as long as the request.
///
/// It travels in the request's own extensions (`resolve_site_mode` puts it there), read back
/// through the request's `Parts`, never through a context of its own: a reactive owner made
/// for a server function can have another request's owner as its parent, and a context looked
/// up there answered with that request's scope — its signed-in user (seen under load as a
/// resident's write refused as "not found" while other residents' pages rendered).
#[derive(Clone, Default)]
pub struct RequestScope(Arc<ScopeInner>);

#[derive(Default)]
struct ScopeInner {
    villages: Mutex<HashMap<String, Arc<OnceCell<Option<village::Model>>>>>,
    user: OnceCell<Option<User>>,
}

impl RequestScope {
    /// The request's scope, if it has one (a GET request).
    pub fn current() -> Option<Self> {
        use_context::<http::request::Parts>()?.extensions.get::<Self>().cloned()
    }

    /// The village of `slug`, found by `load` the first time this request asks.
    ///
    /// # Errors
    /// What `load` returns (a failure is not kept).
    pub async fn village<F, Fut>(&self, slug: &str, load: F) -> Result<Option<village::Model>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<village::Model>, AppError>>,
    {
        let cell = {
            let mut villages = self.0.villages.lock().unwrap_or_else(PoisonError::into_inner);
            villages.entry(slug.to_string()).or_default().clone()
        };
        cell.get_or_try_init(load).await.cloned()
    }

    /// Who is signed in, if this request looked it up (nothing is looked up here).
    pub fn looked_up_user(&self) -> Option<Option<User>> {
        self.0.user.get().cloned()
    }

    /// Who is signed in, found by `load` the first time this request asks.
    ///
    /// # Errors
    /// What `load` returns (a failure is not kept).
    pub async fn user<F, Fut>(&self, load: F) -> Result<Option<User>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<User>, AppError>>,
    {
        self.0.user.get_or_try_init(load).await.cloned()
    }
}

/// The villages a request's handlers looked up, so that an answer can be filed under its
/// village and a write forget only its village's answers. Travels in the request's extensions.
#[derive(Clone, Default)]
pub struct Touched(Arc<Mutex<Vec<String>>>);

impl Touched {
    pub fn add(&self, slug: &str) {
        let mut slugs = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !slugs.iter().any(|s| s == slug) {
            slugs.push(slug.to_string());
        }
    }

    /// The one village looked up, if exactly one was.
    pub fn single(&self) -> Option<String> {
        let slugs = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match slugs.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }
}

/// Notes that the current request (a page render or a server function) acts in the village
/// `slug`. Outside a request, nothing.
pub fn touched(slug: &str) {
    if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>()
        && let Some(t) = parts.extensions.get::<Touched>()
    {
        t.add(slug);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_request_looks_each_village_and_the_user_up_once_and_keeps_no_failure() {
        let scope = RequestScope::default();
        let calls = AtomicUsize::new(0);
        let load = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok(None)
        };
        assert_eq!(scope.village("a", load).await, Ok(None));
        assert_eq!(scope.village("a", load).await, Ok(None));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(scope.village("b", load).await, Ok(None));
        assert_eq!(calls.load(Ordering::SeqCst), 2, "another slug is another lookup");

        let tries = AtomicUsize::new(0);
        let failing = || async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err(AppError::Internal)
        };
        assert!(scope.user(failing).await.is_err());
        let answering = || async {
            tries.fetch_add(1, Ordering::SeqCst);
            Ok(None)
        };
        assert!(scope.user(answering).await.unwrap().is_none(), "a failure is not kept");
        assert!(scope.user(answering).await.unwrap().is_none());
        assert_eq!(tries.load(Ordering::SeqCst), 2);
    }
}
