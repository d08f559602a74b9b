//! The edges of every request (part of the assembly, beside `server`): what is checked before
//! any slice's handler runs and what is marked on every answer after it.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

use crate::error::AppError;

/// How long the error of a form posted without the WASM may be shown from its address.
const FORM_ERROR_SECONDS: i64 = 120;

/// The parameters of a query string, raw (as sent).
fn query_pairs(query: &str) -> Vec<(&str, &str)> {
    query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))).collect()
}

fn form_error_tag(path: &str, endpoint: &str, err: &str, at: &str) -> String {
    crate::secrets::tag(&format!("form-error\n{path}\n{endpoint}\n{err}\n{at}"))
}

/// The edges of every request in one middleware (one layer is cheaper than four on a page
/// served from memory):
/// - the error a form posted without the WASM is sent back with (`?__path=…&__err=…`, shown in
///   the page's alert box) must be this server's own, recent one: leaving for such an address,
///   the server adds when and a tag only it can make (`__t`, `__sig`); a page asked for with an
///   error that lacks them (a crafted link: "kirim PIN Anda via WA") is sent to its address
///   without it;
/// - server functions take arguments within [`SERVER_FN_BODY`] and without NUL, and answer
///   their refusals with their real status;
/// - personal pages are never kept, and every page says whose it is (`pwa::http`).
pub async fn edges(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if let Some(away) = forged_form_error(&req) {
        return away;
    }
    let server_fn = server_fn_paths().contains(req.uri().path());
    let req = if server_fn {
        match bounded_arguments(req).await {
            Ok(req) => req,
            Err(refused) => return refused,
        }
    } else {
        req
    };
    let page = crate::pwa::http::PageFacts::of(&req);
    let mut res = next.run(req).await;
    if server_fn && res.status() == StatusCode::INTERNAL_SERVER_ERROR {
        res = honest_status(res).await;
    }
    page.mark(&mut res);
    sign_form_error(&mut res);
    res
}

/// A GET with a form error that is not this server's own, recent one: where to go instead.
fn forged_form_error(req: &axum::extract::Request) -> Option<Response> {
    if req.method() != http::Method::GET {
        return None;
    }
    let query = req.uri().query().filter(|q| q.contains("__err="))?;
    let pairs = query_pairs(query);
    let get = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v).unwrap_or("");
    let at = get("__t");
    let fresh =
        at.parse::<i64>().is_ok_and(|t| (0..=FORM_ERROR_SECONDS).contains(&(chrono::Utc::now().timestamp() - t)));
    let expected = form_error_tag(req.uri().path(), get("__path"), get("__err"), at);
    if fresh && crate::secrets::same(get("__sig").as_bytes(), expected.as_bytes()) {
        return None;
    }
    let kept: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| !["__path", "__err", "__t", "__sig"].contains(k))
        .map(|(k, v)| if v.is_empty() { (*k).to_string() } else { format!("{k}={v}") })
        .collect();
    let path = req.uri().path();
    let to = if kept.is_empty() { path.to_string() } else { format!("{path}?{}", kept.join("&")) };
    Some(Redirect::to(&to).into_response())
}

/// A redirect that carries a form error gets its time and tag.
fn sign_form_error(res: &mut Response) {
    if !res.status().is_redirection() {
        return;
    }
    let Some(location) = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else { return };
    if !location.contains("__err=") {
        return;
    }
    let (base, query) = location.split_once('?').unwrap_or((location, ""));
    let pairs = query_pairs(query);
    let get = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v).unwrap_or("");
    // The path the browser will ask for: after the scheme and host of an absolute address.
    let path = match base.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => base,
    };
    let at = chrono::Utc::now().timestamp().to_string();
    let sig = form_error_tag(path, get("__path"), get("__err"), &at);
    if let Ok(value) = HeaderValue::from_str(&format!("{location}&__t={at}&__sig={sig}")) {
        res.headers_mut().insert(header::LOCATION, value);
    }
}

/// The largest body a server function takes (its arguments: forms, never files).
pub const SERVER_FN_BODY: usize = 1024 * 1024;

/// The registered server functions' paths, read once.
fn server_fn_paths() -> &'static std::collections::HashSet<&'static str> {
    static PATHS: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    PATHS.get_or_init(|| leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect())
}

/// An [`AppError`] as a server function answers it (JSON), with its status.
fn server_fn_refusal(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(e).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A server function's arguments read whole, if within [`SERVER_FN_BODY`] and free of NUL;
/// otherwise the refusal, before any work.
async fn bounded_arguments(req: axum::extract::Request) -> Result<axum::extract::Request, Response> {
    let too_large = || AppError::TooLarge("Isian terlalu besar untuk dikirim sekaligus.".into());
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > SERVER_FN_BODY) {
        return Err(server_fn_refusal(&too_large()));
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, SERVER_FN_BODY).await else {
        return Err(server_fn_refusal(&too_large()));
    };
    let query = parts.uri.query().unwrap_or("").as_bytes();
    let nul = |b: &[u8]| {
        b.contains(&0)
            || b.windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
            || b.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
    };
    if nul(&bytes) || nul(query) {
        return Err(server_fn_refusal(&AppError::Invalid("Isian berisi karakter yang tidak sah (NUL).".into())));
    }
    Ok(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// The framework answers every server function's error 500; the error itself says what it is.
async fn honest_status(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(e) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The time limits of a request (`config::Deadlines`), in place of one limit on the whole
/// request: a photo sent over a 250 kbit/s link takes half a minute to arrive, and a limit that
/// counted its arrival cut it off midway, again at every retry. Here a body may take as long as
/// it keeps moving (a pause longer than `idle` ends it: the handler reads a cut body and says
/// so); the server's work is limited from when the body has arrived (or was left unread), and
/// no request outlives `longest`. Past a limit the answer is 503 and the work is dropped.
pub async fn deadline(
    axum::extract::State(limits): axum::extract::State<crate::config::Deadlines>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use http_body::Body as _;
    let (parts, body) = req.into_parts();
    let (arrived, body_arrived) = tokio::sync::oneshot::channel::<()>();
    let empty = body.is_end_stream();
    let body = axum::body::Body::new(Watched {
        body: Box::pin(tower_http::timeout::TimeoutBody::new(limits.idle, body)),
        arrived: Some(arrived),
    });
    let answer = next.run(axum::extract::Request::from_parts(parts, body));
    let work = async move {
        if !empty {
            // Sent at the body's end, or dropped with the body when nobody reads it.
            let _ = body_arrived.await;
        }
        tokio::time::sleep(limits.work).await;
    };
    tokio::select! {
        answer = answer => answer,
        () = work => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        () = tokio::time::sleep(limits.longest) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// A request body that says when it has all arrived (or failed, or was dropped unread).
struct Watched {
    body: std::pin::Pin<Box<tower_http::timeout::TimeoutBody<axum::body::Body>>>,
    arrived: Option<tokio::sync::oneshot::Sender<()>>,
}

impl http_body::Body for Watched {
    type Data = axum::body::Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let frame = std::task::ready!(self.body.as_mut().poll_frame(cx));
        if !matches!(frame, Some(Ok(_))) {
            if let Some(arrived) = self.arrived.take() {
                let _ = arrived.send(());
            }
        }
        std::task::Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
