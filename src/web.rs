//! What the plain HTTP handlers of every slice share (server only): a refusal as a response, a
//! stored photo as a response, and the way back from a form posted without the WASM.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

use crate::error::AppError;
use crate::kit::form::Submitted;
use crate::state::AppState;

/// Renders the app's page for a GET request with `Submitted` in its context.
pub type PageRenderer =
    fn(AppState, axum::extract::Request, Submitted) -> Pin<Box<dyn Future<Output = Response> + Send>>;

static RENDERER: OnceLock<PageRenderer> = OnceLock::new();

/// The assembly hands over how pages are rendered (a slice cannot name the app).
pub fn install_page_renderer(render: PageRenderer) {
    let _ = RENDERER.set(render);
}

/// The page at `path` again, as the poster sees it (`headers`: their cookie; `extensions`: the
/// request's site mode), with what they sent and what was wrong (status 422, never kept). For
/// a form posted without the WASM that the server refused: nothing typed is lost.
pub async fn form_again(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &http::Extensions,
    path: &str,
    submitted: Submitted,
) -> Response {
    let Some(render) = RENDERER.get() else { return error_response(&AppError::Internal) };
    let Ok(mut req) = axum::extract::Request::builder().uri(path).body(axum::body::Body::empty()) else {
        return error_response(&AppError::NotFound);
    };
    for (name, value) in headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            req.headers_mut().append(name, value.clone());
        }
    }
    *req.extensions_mut() = extensions.clone();
    let mut res = render(state.clone(), req, submitted).await;
    if res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The field of a form posted without the WASM naming the page it was on.
pub const FORM_PAGE: &str = "kembali";

/// The page a form posted without the WASM was on (its field [`FORM_PAGE`]), if that is a page
/// of the village whose address starts with `home`: a refused form is shown there again, and
/// nowhere else.
///
/// # Errors
/// `Invalid` for a page missing or outside the village.
pub fn form_page(fields: &std::collections::BTreeMap<String, String>, home: &str) -> Result<String, AppError> {
    fields
        .get(FORM_PAGE)
        .map(|p| p.trim())
        .filter(|p| p.starts_with(home) && !p.contains("//"))
        .map(str::to_string)
        .ok_or_else(|| AppError::Invalid("Formulir ini tidak lengkap; buka lagi halamannya.".into()))
}

/// A refusal as plain text with its status.
pub fn error_response(e: &AppError) -> Response {
    e.clone().into_response()
}

/// A stored photo (always a JPEG we encoded), or the refusal: served with `cache` and a
/// Content-Security-Policy that forbids it to run anything.
pub fn jpeg(result: Result<Vec<u8>, AppError>, cache: &'static str) -> Response {
    match result {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
                (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_response(&e),
    }
}

/// A photo that is public or not: cacheable by anyone when it is (an hour), otherwise for the
/// asking user only and never kept (a listing before approval, a draft's cover).
pub fn photo(result: Result<(Vec<u8>, bool), AppError>) -> Response {
    match result {
        Ok((bytes, true)) => jpeg(Ok(bytes), "public, max-age=3600"),
        Ok((bytes, false)) => jpeg(Ok(bytes), "private, no-store"),
        Err(e) => jpeg(Err(e), ""),
    }
}

/// After a form post (an upload, which works before the WASM arrives): back to the page `back`
/// at `#anchor`, adding `query` when it worked or `galat=<reason>` when the input was refused.
/// Any other failure answers as an error.
pub fn back_to(back: &str, result: Result<String, AppError>, anchor: &str) -> Response {
    let query = match result {
        Ok(query) => query,
        Err(AppError::Invalid(m)) => format!("galat={}", crate::ui::urlencode(&m)),
        Err(e) => return error_response(&e),
    };
    let mut to = back.to_string();
    if !query.is_empty() {
        to.push(if back.contains('?') { '&' } else { '?' });
        to.push_str(&query);
    }
    if !anchor.is_empty() {
        to.push('#');
        to.push_str(anchor);
    }
    Redirect::to(&to).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn location(r: &Response) -> &str {
        r.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    #[test]
    fn forms_return_to_their_page_with_the_outcome() {
        assert_eq!(location(&back_to("/a/b", Ok(String::new()), "foto")), "/a/b#foto");
        assert_eq!(location(&back_to("/a/b?t=x", Ok("impor=3".into()), "")), "/a/b?t=x&impor=3");
        let refused = back_to("/a/b", Err(AppError::Invalid("Berkas rusak & kosong".into())), "foto");
        assert_eq!(refused.status(), StatusCode::SEE_OTHER);
        assert!(location(&refused).starts_with("/a/b?galat=Berkas"), "{}", location(&refused));
        assert!(location(&refused).ends_with("#foto"));
        assert!(!location(&refused).contains(' ') && !location(&refused).contains("& "));
        assert_eq!(back_to("/a", Err(AppError::Forbidden), "").status(), StatusCode::FORBIDDEN);
    }
}
