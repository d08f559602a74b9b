//! Heavy work off the async runtime, within limits (server only): password hashing and the
//! parsing of uploads (spreadsheets, map files, photos) run on the blocking pool, a few at a
//! time, each with a deadline; beyond the queue's length a request is told the server is busy
//! (503) instead of piling up memory. The pages and `/healthz` keep answering meanwhile.
//!
//! Memory is bounded by construction: every parser caps what it reads (bytes, rows, cells,
//! nesting, pixels — see `ARCHITECTURE.md`, "Limits on every input") and only `permits` of them
//! run at once.

use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};

/// A kind of heavy work: how many run at once and how many may wait.
pub struct Pool {
    name: &'static str,
    permits: Semaphore,
    ready: Once,
    size: fn() -> usize,
    waiting: AtomicUsize,
    queue: usize,
    running: AtomicUsize,
    peak: AtomicUsize,
    last_warned: std::sync::atomic::AtomicI64,
}

/// Counts a task as running while it lives.
struct Running(&'static Pool);

impl Running {
    fn start(pool: &'static Pool) -> Running {
        let now = pool.running.fetch_add(1, Ordering::AcqRel) + 1;
        pool.peak.fetch_max(now, Ordering::AcqRel);
        Running(pool)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Cores of the machine (at least 1).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// One core less than the machine has (at least one): a core stays free for the pages.
fn all_but_one() -> usize {
    cores().saturating_sub(1).max(1)
}

impl Pool {
    const fn new(name: &'static str, size: fn() -> usize, queue: usize) -> Pool {
        Pool {
            name,
            permits: Semaphore::const_new(0),
            ready: Once::new(),
            size,
            waiting: AtomicUsize::new(0),
            queue,
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            last_warned: std::sync::atomic::AtomicI64::new(0),
        }
    }

    /// How many tasks may run at once.
    pub fn permits(&self) -> usize {
        (self.size)()
    }

    /// The most tasks that ever ran at once (never more than [`Pool::permits`]).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Acquire)
    }

    /// How many tasks wait for a permit now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Runs `f` on the blocking pool when a permit is free. `f` gets a [`Deadline`] `limit`
    /// from when it starts, which long loops check.
    ///
    /// # Errors
    /// `Busy` when the queue is full or the wait for a permit is longer than `limit`;
    /// `Internal` when the task panicked.
    pub async fn run<T: Send + 'static>(
        &'static self,
        limit: Duration,
        f: impl FnOnce(&Deadline) -> T + Send + 'static,
    ) -> AppResult<T> {
        self.ready.call_once(|| self.permits.add_permits((self.size)()));
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            // Once a second at most: a flood must not flood the log too.
            let now = chrono::Utc::now().timestamp();
            if self.last_warned.swap(now, Ordering::AcqRel) != now {
                tracing::warn!(pool = self.name, "queue full: requests refused as busy");
            }
            return Err(AppError::Busy);
        }
        let permit = tokio::time::timeout(limit, self.permits.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        let Ok(Ok(permit)) = permit else { return Err(AppError::Busy) };
        // The permit moves into the task: a task that outlives its caller still counts.
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = Running::start(self);
            f(&Deadline::after(limit))
        })
        .await;
        joined.map_err(|e| {
            tracing::error!(pool = self.name, error = %e, "heavy task failed");
            AppError::Internal
        })
    }
}

/// Argon2 verifications and hashes: 19 MiB each, so at most one per core at once; a morning's
/// burst of sign-ins waits its turn (each waits at most `HASH_LIMIT`), beyond that 503.
pub static HASHING: Pool = Pool::new("hashing", cores, 192);
/// Parsing uploads: spreadsheets, map files, photos, backups.
pub static PARSING: Pool = Pool::new("parsing", all_but_one, 16);

/// When a task must stop.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Option<Instant>);

/// The work took longer than its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Berkas terlalu rumit untuk diperiksa dalam batas waktu; perkecil atau pecah berkasnya.")]
pub struct TimedOut;

impl Deadline {
    pub fn after(limit: Duration) -> Deadline {
        Deadline(Instant::now().checked_add(limit))
    }

    /// No deadline (the command line, tests).
    pub fn none() -> Deadline {
        Deadline(None)
    }

    /// Stops the work once the deadline has passed.
    ///
    /// # Errors
    /// [`TimedOut`] after the deadline.
    pub fn check(&self) -> Result<(), TimedOut> {
        match self.0 {
            Some(end) if Instant::now() >= end => Err(TimedOut),
            _ => Ok(()),
        }
    }
}

/// How long parsing an upload may take.
pub const PARSE_LIMIT: Duration = Duration::from_secs(60);
/// How long a sign-in may wait for and spend on its password check.
pub const HASH_LIMIT: Duration = Duration::from_secs(10);

/// Parses on the [`PARSING`] pool within [`PARSE_LIMIT`].
///
/// # Errors
/// As [`Pool::run`].
pub async fn parse<T: Send + 'static>(f: impl FnOnce(&Deadline) -> T + Send + 'static) -> AppResult<T> {
    PARSING.run(PARSE_LIMIT, f).await
}

/// Hashes or verifies on the [`HASHING`] pool.
///
/// # Errors
/// As [`Pool::run`].
pub async fn hash<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    HASHING.run(HASH_LIMIT, move |_| f()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_pass() {
        assert_eq!(Deadline::none().check(), Ok(()));
        assert_eq!(Deadline::after(Duration::from_secs(60)).check(), Ok(()));
        assert_eq!(Deadline::after(Duration::ZERO).check(), Err(TimedOut));
    }

    static SMALL: Pool = Pool::new("test", || 1, 2);

    /// A full queue answers busy at once; permits come back after each task, even a panicking one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_queue_has_a_length() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let mut tasks = Vec::new();
        // One running (holding the permit until told), two waiting: the queue is full.
        for _ in 0..3 {
            let rx = rx.clone();
            tasks.push(tokio::spawn(SMALL.run(Duration::from_secs(30), move |_| {
                let _ = rx.lock().map(|r| r.recv());
            })));
        }
        while SMALL.waiting() < 2 {
            tokio::task::yield_now().await;
        }
        assert_eq!(SMALL.run(Duration::from_secs(30), |_| ()).await, Err(AppError::Busy));
        for _ in 0..3 {
            tx.send(()).unwrap();
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), Ok(()));
        }
        assert_eq!(SMALL.run(Duration::from_secs(1), |_| panic!("boom")).await, Err(AppError::Internal));
        assert_eq!(SMALL.run(Duration::from_secs(1), |_| 7).await, Ok(7), "the permit came back");
        assert_eq!(SMALL.peak(), 1, "never more than its permits at once");
    }
}
