//! Privacy: consent, declared reports, local differential privacy, the daily ε budget, the
//! audit ledger, the outgoing report queue and the data manifest.
//!
//! Pure core: no JavaScript, no clock and no OS randomness. Time comes in as `now_ms`;
//! randomness as a [`rng::RandomSource`] (the wasm glue seeds [`rng::ChaCha20Rng`] from
//! `crypto.getRandomValues`).
//!
//! The flow of one report: the engine derives a true value from local state into a
//! [`reports::Report`] (a label from a fixed vocabulary); [`reporting::Reporting::submit`]
//! checks consent, queue room, ledger room and the daily ε budget, noises the value with the
//! report type's LDP encoding ([`ldp`]), appends the exact bytes to the [`ledger`] and queues
//! them ([`queue`]); the transport asks for [`reporting::Reporting::next_batch`], posts it
//! with `fetch(keepalive)` or `sendBeacon`, and reports back with
//! [`reporting::Reporting::settle`].
//!
//! ```
//! use vitrine::privacy::consent::{ConsentState, ConsentUpdate};
//! use vitrine::privacy::reporting::{Reporting, ReportingConfig};
//! use vitrine::privacy::reports::{Report, ReportKind};
//! use vitrine::privacy::queue::DeliveryOutcome;
//! use vitrine::privacy::rng::ChaCha20Rng;
//! use vitrine::privacy::wire::Day;
//! use vitrine::storage::{persist::Keys, MemoryStore};
//!
//! let now = 1_741_910_400_000.0;
//! let mut store = MemoryStore::default();
//! let mut rng = ChaCha20Rng::seed_from_u64(42);
//! let mut consent = ConsentState::default();
//! let change = consent.apply(&ConsentUpdate::from_json(r#"{"analytics_storage":"granted"}"#).unwrap());
//! let mut reporting = Reporting::new(ReportingConfig::default(), Keys::new("vitrine")).unwrap();
//! if !change.granted.is_empty() {
//!     reporting.attach(&mut store, now);
//! }
//! let report = Report::new(ReportKind::Lifecycle, Day::from_ms(now), "engaged", None).unwrap();
//! reporting.submit(&consent, &report, now, &mut rng, &mut store).unwrap();
//! let batch = reporting.next_batch(&consent, now, &mut store).unwrap();
//! assert!(batch.body.starts_with(r#"{"reports":[{"day":"2025-03-14""#));
//! reporting.settle(&batch.ids, DeliveryOutcome::from_status(200, None), now, &mut rng, &mut store);
//! assert_eq!(reporting.audit(now).entries.len(), 1);
//! ```

pub mod budget;
pub mod config;
pub mod consent;
pub mod ldp;
pub mod ledger;
pub mod manifest;
pub mod queue;
pub mod reporting;
pub mod reports;
pub mod rng;
pub mod style;
pub mod tcf;
pub mod vocab;
pub mod wire;

pub use consent::{ConsentError, ConsentState, ConsentUpdate, Purpose};
pub use wire::ReportError;

/// Aggregates are published only for cells with at least this many reports (Protected
/// Audience's k-anonymity threshold).
pub const DEFAULT_K_ANONYMITY: u64 = 50;
