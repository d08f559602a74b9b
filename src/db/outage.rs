//! A database outage answered fast (server only). When the database stops answering (the pool
//! cannot get a connection, a connection breaks), requests that need it would each wait for the
//! pool's timeout; a phone waiting ten seconds for an error is worse than a clear "try again".
//! A server error followed by a database that does not answer a ping opens the circuit (each
//! app server has its own, in its `AppState`): for a short while requests are answered 503 at
//! once (pages the page cache still holds keep being served), then one request is let through
//! to try again; `/healthz` always asks the database itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How long the circuit stays open after a failure before a request may try again.
const OPEN_MS: i64 = 2_000;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// One server's view of its database: answering, or not since a moment (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Circuit(Arc<AtomicI64>);

/// What to do with a request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The database answers: go on.
    Closed,
    /// Answer at once.
    Open,
    /// The one request that tries again after the wait.
    Try,
}

impl Circuit {
    /// The database did not answer: requests are answered at once for a while.
    pub fn open(&self) {
        self.0.store(now_ms() + OPEN_MS, Ordering::Relaxed);
    }

    /// The database answered.
    pub fn close(&self) {
        self.0.store(0, Ordering::Relaxed);
    }

    /// The state for a request now. The first caller after the open time takes the one try
    /// (the circuit stays open for the others until that try fails or succeeds).
    pub fn state(&self) -> Flow {
        let until = self.0.load(Ordering::Relaxed);
        if until == 0 {
            return Flow::Closed;
        }
        let now = now_ms();
        if now < until {
            return Flow::Open;
        }
        match self.0.compare_exchange(until, now + OPEN_MS, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => Flow::Try,
            Err(_) => Flow::Open,
        }
    }
}

/// Whether a request goes on: `Err` with the 503 to answer while the circuit is open (`/healthz`
/// asks the database itself; files need none); `Ok` with the circuit's state, for [`observe`].
///
/// # Errors
/// The answer to send at once.
pub fn admit(circuit: &Circuit, path: &str) -> Result<Flow, Response> {
    // Files need no database: scripts, styles and icons keep coming.
    let file = path.starts_with("/pkg/")
        || path.starts_with("/v/")
        || path.starts_with("/vendor/")
        || path.rsplit('/').next().is_some_and(|last| last.contains('.') && !last.ends_with(".webmanifest"));
    if path == "/healthz" || file {
        return Ok(Flow::Closed);
    }
    let now = circuit.state();
    if now != Flow::Open {
        return Ok(now);
    }
    let mut res = (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Layanan sedang terganggu (basis data tidak menjawab). Silakan coba lagi sebentar lagi.",
    )
        .into_response();
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Err(res)
}

/// After a request: a server error followed by a database that does not answer a one-second
/// ping opens the circuit; the one try that went through closes it again.
pub async fn observe(db: &sea_orm::DatabaseConnection, circuit: &Circuit, flow: Flow, status: StatusCode) {
    if status.is_server_error() {
        if matches!(tokio::time::timeout(Duration::from_secs(1), db.ping()).await, Ok(Ok(()))) {
            circuit.close();
        } else {
            circuit.open();
        }
    } else if flow == Flow::Try {
        circuit.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::is_outage;
    use sea_orm::DbErr;

    #[test]
    fn an_outage_opens_the_circuit_and_one_try_goes_through_later() {
        assert!(!is_outage(&DbErr::RecordNotFound("x".into())));
        let c = Circuit::default();
        assert_eq!(c.state(), Flow::Closed);
        c.open();
        assert_eq!(c.state(), Flow::Open);
        c.0.store(now_ms() - 1, Ordering::Relaxed);
        assert_eq!(c.state(), Flow::Try, "the first after the wait tries");
        assert_eq!(c.state(), Flow::Open, "the others still wait");
        c.close();
        assert_eq!(c.state(), Flow::Closed);
    }
}
