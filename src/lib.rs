//! # Vitrine core
//!
//! The pure-Rust heart of the Vitrine personalization SDK. It knows nothing of JavaScript: the
//! browser glue lives in `wasm` (compiled only for `wasm32`), and native programs (trainer,
//! reference server) link this crate directly, so training and serving compute features with
//! the same code.
//!
//! ## Modules
//!
//! - [`product`]: product attributes, the candidate JSON shape and input limits.
//! - [`event`]: shopper events (view, click, cart, purchase, return, search, dwell) and their
//!   validation; [`lenient`] reads the wrapper's markers for non-finite numbers.
//! - [`profile`]: the first-party shopper profile: decayed affinities, price, coverage, RFM and
//!   lifecycle, session intent, recent items; sensitive-value guard, size bound, retention.
//! - [`quiz`]: the adaptive style quiz (zero-party data) and its stated preferences.
//! - [`rank`]: re-ranking of server-supplied candidates (the affinity ranker).
//! - [`features`] and [`model`]: the features shared by the trainer and the browser, and the
//!   compact two-tower ranking model (versioned binary format, SHA-256, int8 weights).
//! - [`storage`]: the key-value storage trait, an in-memory store, and profile persistence
//!   with quarantine of unreadable data.
//! - [`privacy`]: consent, declared LDP reports, the daily ε budget, the audit ledger, the
//!   report queue and the data manifest.
//! - [`math`]: `exp2` without a lookup table (the wasm bundle's size).
//! - [`text`]: Unicode-aware lower-casing and word characters (the browser's tables in wasm).
//! - [`collections`]: small sorted-vector maps and sets, and a shared stable sort, which keep
//!   the wasm bundle small.
//! - [`engine`]: the façade that ties consent, storage, profile, quiz, ranking and reports
//!   together.
//! - [`error`]: the crate-level error, one variant per concern, each with a stable code.
//!
//! ## Example
//!
//! ```
//! use vitrine::engine::{Engine, EngineOptions};
//! use vitrine::storage::MemoryStore;
//!
//! // The site already holds consent for personalization (default: nothing granted).
//! let options = EngineOptions::from_json(r#"{"consent":{"personalization":"granted"}}"#).unwrap();
//! let mut engine = Engine::open(MemoryStore::default(), options, [7; 32], 0.0).unwrap();
//! let event = serde_json::json!({
//!     "type": "add_to_cart", "productId": "p1",
//!     "attributes": { "productType": "Dress", "colour": "Red" }, "price": 49.0
//! });
//! engine.track_json(&event.to_string(), 1_000.0).unwrap();
//! let purchase = event.to_string().replace("add_to_cart", "purchase");
//! engine.track_json(&purchase, 1_500.0).unwrap();
//! let candidates = serde_json::json!([
//!     { "id": "a", "attributes": { "productType": "Trousers", "colour": "Blue" } },
//!     { "id": "b", "attributes": { "productType": "Dress", "colour": "Red" } }
//! ]);
//! let ranked = engine.rerank_json(&candidates.to_string(), 2_000.0).unwrap();
//! assert_eq!(&*ranked.items[0].id, "b");
//! ```
#![deny(missing_docs)]
// The release wasm build (scripts/build.sh) compiles the scoring loop for speed inside a
// size-optimised binary; `optimize(speed)` is unstable, so only that build turns it on.
#![cfg_attr(vitrine_optimize_hot, feature(optimize_attribute))]

pub mod collections;
pub mod engine;
pub mod error;
pub mod event;
pub mod features;
pub mod json;
pub mod lenient;
pub mod math;
pub mod model;
pub mod privacy;
pub mod product;
pub mod profile;
pub mod quiz;
pub mod rank;
pub mod storage;
pub mod text;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, ErrorCode};
