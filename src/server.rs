//! The HTTP server: axum router, Leptos rendering and server functions, static files,
//! `/healthz`, host-name binding of villages, and graceful shutdown (server only).
//!
//! A request travels: axum → the page cache (`cache::pages`: an anonymous public GET may be
//! answered from memory, already compressed) → compression → `resolve_site_mode` (Host header →
//! `SiteMode` in the request extensions) → either `/healthz`, `/pkg/*` (static, precompressed),
//! a server function under `/api/*`, or a Leptos route rendered with `AppState` in the reactive
//! context (and, for a GET, a `RequestScope` in the request's extensions).

use std::time::Duration;

use axum::{
    Json, Router,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list_with_exclusions_and_ssg_and_context};
use tower_http::{
    CompressionLevel,
    compression::CompressionLayer,
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

use crate::app::{App, shell};
use crate::cache::PageCache;
use crate::site::SiteMode;
pub use crate::state::AppState;
use crate::state::RequestScope;

/// The whole application router.
pub fn router(state: AppState, pages: PageCache) -> Router {
    crate::web::install_page_renderer(render_page);
    pages.reads(crate::slices::reads());
    let options = state.leptos_options.clone();
    // Register the routes of both site modes: path-based villages and host-bound villages.
    let mut routes = Vec::new();
    for mode in [SiteMode::Deployment, SiteMode::Bound { slug: String::new() }] {
        let (list, _) =
            generate_route_list_with_exclusions_and_ssg_and_context(App, None, move || provide_context(mode.clone()));
        for route in list {
            if !routes.iter().any(|r: &leptos_axum::AxumRouteListing| r.path() == route.path()) {
                routes.push(route);
            }
        }
    }
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let context_state = state.clone();
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        // The partner API, documented at /api/v1/openapi.json.
        .nest(
            "/api/v1",
            crate::api::routes(state.clone(), crate::api::Limits::of(state.config), |endpoints| {
                // Anonymous public reads are kept briefly; the limit counts them all the same.
                endpoints.layer(middleware::from_fn_with_state(pages.clone(), crate::cache::api))
            }),
        )
        // Every slice's plain HTTP handlers (`slices.rs`).
        .merge(crate::slices::routes());
    // Files of `public/` (favicon, later the manifest and service worker) sit at the root, where
    // `/{slug}` would otherwise claim them: route each one explicitly.
    for (name, path) in public_files(&options.site_root, &options.site_pkg_dir) {
        app = if path.is_dir() {
            // Vendored scripts and styles are precompressed by the build, like `/pkg`.
            app.nest_service(&format!("/{name}"), ServeDir::new(path).precompressed_br().precompressed_gzip())
        } else {
            app.route_service(&format!("/{name}"), ServeFile::new(path))
        };
    }
    // The build's files under `/v/{build}/pkg`: their content never changes under that address.
    let build = crate::pwa::build::id(&options.site_root, &options.site_pkg_dir);
    app.nest_service(
        &format!("/v/{build}/{}", options.site_pkg_dir),
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ))
            .service(ServeDir::new(&pkg_dir).precompressed_br().precompressed_gzip()),
    )
    // The same files at their plain address, for tools; pages never ask for them there.
    .nest_service(
        "/pkg",
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300, must-revalidate"),
            ))
            .service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip()),
    )
    .leptos_routes_with_context(&state, routes, move || provide_context(context_state.clone()), {
        let options = options.clone();
        move || shell(options.clone())
    })
    .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
    .layer(middleware::from_fn(crate::edges::edges))
    .layer(middleware::from_fn_with_state((state.clone(), pages.clone()), resolve_site_mode))
    .layer(middleware::from_fn(refuse_cross_site))
    // No request may hang a connection: a body that stops moving, work that takes longer than
    // `DIGDAYA_REQUEST_SECONDS` after the body arrived, or 30 min in all end in a 503.
    .layer(middleware::from_fn_with_state(state.config.deadlines, crate::edges::deadline))
    // Answers made per request are gzipped (level 4): a brotli encoder's set-up costs more than
    // the whole page (985 against 1,295 req/s under the load test) for ~5 % fewer bytes on
    // pages of 2-5 KB compressed. Static files are precompressed with brotli 11 by the build and
    // served as such (ServeDir), untouched by this layer.
    .layer(CompressionLayer::new().no_br().quality(CompressionLevel::Precise(4)))
    // Public answers are kept as sent, compressed: a kept page costs neither a render nor a
    // compression (the key holds `Accept-Encoding`).
    .layer(middleware::from_fn_with_state(pages.clone(), crate::cache::pages))
    .layer(middleware::from_fn(strict_transport_over_https))
    .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
    .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    ))
    // Failures are logged where they happen, once; a flood of refusals (503, 429) is not
    // logged one line each.
    .layer(tower_http::trace::TraceLayer::new_for_http().on_failure(()))
    .with_state(state)
}

/// A page of the app for `req` (a GET) with `submitted` in its context: how a slice's handler
/// shows a form posted without the WASM again (`web::form_again`).
fn render_page(
    state: AppState,
    req: axum::extract::Request,
    submitted: crate::kit::form::Submitted,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>> {
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(submitted.clone());
        },
        move || shell(options.clone()),
    );
    Box::pin(async move { render(req).await.into_response() })
}

/// The top-level entries of the site root other than the pkg folder.
fn public_files(site_root: &str, pkg_dir: &str) -> Vec<(String, std::path::PathBuf)> {
    let Ok(entries) = std::fs::read_dir(site_root) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(name, _)| name != pkg_dir && !name.starts_with('.'))
        .collect()
}

/// CSRF defence: a request that may change state (anything but GET/HEAD/OPTIONS) must come from
/// a page of this very host, as its `Origin` (or, failing that, `Referer`) says. Browsers send
/// `Origin` with every cross-site POST, so a forged form or fetch from another site is refused.
/// The partner API (`/api/v1/`) is not a page's: it writes only for a partner's bearer token,
/// which a browser never adds on its own, and refuses a session cookie for writing, so there
/// is nothing to forge; it answers its own refusals as JSON.
async fn refuse_cross_site(req: Request, next: Next) -> Response {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok())
        .and_then(authority_of);
    match (host, source) {
        (Some(host), Some(source)) if host.eq_ignore_ascii_case(source) => next.run(req).await,
        _ => (
            StatusCode::FORBIDDEN,
            "Permintaan ditolak karena tidak berasal dari halaman situs ini. Muat ulang halaman lalu coba lagi.",
        )
            .into_response(),
    }
}

/// HSTS on responses to requests that came over HTTPS (directly behind a TLS proxy that says so
/// with `X-Forwarded-Proto`); never on plain HTTP, where it would be ignored or lock out a LAN.
async fn strict_transport_over_https(req: Request, next: Next) -> Response {
    let https = req.extensions().get::<crate::net::Peer>().is_some_and(|p| p.https);
    let mut res = next.run(req).await;
    if https {
        res.headers_mut()
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}

/// `https://host:port/path` → `host:port`.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Decides from the `Host` header whether this request is for a host-bound village (the page
/// cache remembers each host's binding for its time-to-live).
async fn resolve_site_mode(
    State((state, pages)): State<(AppState, PageCache)>,
    mut req: Request,
    next: Next,
) -> Response {
    // A database known not to answer: 503 at once (`db::outage`), before the host's lookup.
    let circuit = match crate::db::outage::admit(&state.outage, req.uri().path()) {
        Ok(circuit) => circuit,
        Err(refused) => return refused,
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.rsplit_once(':').map_or(h, |(name, _port)| name).to_ascii_lowercase());
    let mode = match host {
        Some(host) if host.contains('.') && !host.bytes().all(|b| b.is_ascii_digit() || b == b'.') => {
            match pages.host(&host, || crate::village::service::slug_for_host(&state.db, &host)).await {
                Ok(Some(slug)) => SiteMode::Bound { slug },
                Ok(None) => SiteMode::Deployment,
                Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
            }
        }
        _ => SiteMode::Deployment,
    };
    req.extensions_mut().insert(mode.clone());
    if matches!(*req.method(), http::Method::GET | http::Method::HEAD) {
        req.extensions_mut().insert(RequestScope::default());
    }
    let res = mode.within(next.run(req)).await;
    crate::db::outage::observe(&state.db, &state.outage, circuit, res.status()).await;
    res
}

/// Liveness and readiness: 200 when the database answers, 503 when it does not (within a
/// second). Never kept by any cache: each call asks the database.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let (status, body) = match tokio::time::timeout(Duration::from_secs(1), state.db.ping()).await {
        Ok(Ok(())) => {
            state.outage.close();
            (StatusCode::OK, serde_json::json!({"status": "ok", "database": "ok"}))
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            state.outage.open();
            (StatusCode::SERVICE_UNAVAILABLE, serde_json::json!({"status": "error", "database": "unavailable"}))
        }
        Err(_) => {
            state.outage.open();
            (StatusCode::SERVICE_UNAVAILABLE, serde_json::json!({"status": "error", "database": "timeout"}))
        }
    };
    (status, [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], Json(body))
}

/// How long a client may take to send a request's headers: a connection that trickles them
/// (slowloris) is closed instead of being held open forever.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight (for at most 30 s).
///
/// # Errors
/// When the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, addr) = match accepted {
                    Ok(found) => found,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a moment, keep serving.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Answers go out as soon as they are written, not after Nagle's delay.
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let service = tower::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
                    crate::net::admit(&mut req, addr);
                    app.clone().oneshot(req)
                });
                let connection =
                    http.serve_connection(TokioIo::new(stream), hyper_util::service::TowerToHyperService::new(service));
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running after 30 s were dropped");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
