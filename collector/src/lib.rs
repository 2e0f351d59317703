//! # Vitrine reference collector
//!
//! Receives batches of declared, locally noised reports, validates them strictly against the
//! same schemas the browser encodes from, drops duplicate report ids, counts them into
//! SQLite (aggregates only: no payloads, no IP addresses), and serves de-biased aggregates
//! for cells with at least k reports, plus a small dashboard.
//!
//! Mount [`router`] under `/collect` in another axum app, or run the `vitrine-collector`
//! binary. Serve with `into_make_service_with_connect_info::<SocketAddr>()` so rate limiting
//! is per client (without it, every client shares one bucket).
#![deny(missing_docs)]

pub mod aggregate;
pub mod client;
pub mod dashboard;
pub mod decode;
pub mod privacy_md;
pub mod ratelimit;
pub mod routes;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex};

use ratelimit::{RateLimit, RateLimiter};
use store::{Store, StoreError};

pub use routes::router;

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// In memory: lost on exit (tests, demos).
    Memory,
    /// A SQLite file.
    File(PathBuf),
}

/// Collector options.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectorConfig {
    /// The database.
    pub database: Database,
    /// Minimum reports per published cell.
    pub k: u64,
    /// Per-client rate limit on report batches.
    pub rate_limit: RateLimit,
    /// Origins allowed to post cross-origin (exact `scheme://host[:port]`); same-origin
    /// needs none.
    pub allowed_origins: Vec<String>,
}

impl Default for CollectorConfig {
    fn default() -> Self {
        CollectorConfig {
            database: Database::Memory,
            k: vitrine::privacy::DEFAULT_K_ANONYMITY,
            rate_limit: RateLimit::default(),
            allowed_origins: Vec::new(),
        }
    }
}

/// Shared collector state; cheap to clone.
#[derive(Clone)]
pub struct CollectorState {
    inner: Arc<Inner>,
}

struct Inner {
    config: CollectorConfig,
    store: Mutex<Store>,
    limiter: RateLimiter,
    last_pruned_day: AtomicU32,
}

impl CollectorState {
    /// Opens the database and builds the state.
    pub fn new(config: CollectorConfig) -> Result<CollectorState, StoreError> {
        let store = match &config.database {
            Database::Memory => Store::in_memory()?,
            Database::File(path) => Store::open(path)?,
        };
        Ok(CollectorState {
            inner: Arc::new(Inner {
                limiter: RateLimiter::new(config.rate_limit),
                config,
                store: Mutex::new(store),
                last_pruned_day: AtomicU32::new(0),
            }),
        })
    }

    /// The options.
    pub fn config(&self) -> &CollectorConfig {
        &self.inner.config
    }

    /// Runs `f` on the database (blocking; call from `spawn_blocking` in async code).
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let mut store = self
            .inner
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut store)
    }
}

/// Serves the collector alone (routes at the root) on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: CollectorState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// The generated documents: `(file name under docs/, content)`.
pub fn manifest_files() -> Vec<(&'static str, String)> {
    let manifest = vitrine::privacy::manifest::build();
    vec![
        (
            "data-manifest.json",
            vitrine::privacy::manifest::to_json(&manifest),
        ),
        ("PRIVACY.md", privacy_md::render(&manifest)),
    ]
}
