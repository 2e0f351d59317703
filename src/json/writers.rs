//! [`ToJson`] for every document and result the wasm build writes: the stored documents
//! (`persist::save`), the results the glue returns (`src/wasm/engine.rs`) and the compact
//! re-rank result's lists. Each `struct_writer!` lists the struct's serde field names in
//! declaration order (`rename_all = "camelCase"`), with its `skip_serializing_if`s; the
//! bytes are the derive's through `serde_json::to_string` (`to_json_tests.rs`). A field
//! added to one of these structs must be added here too (the tests fail until it is).

use super::to_json::{struct_writer, ToJson, Writer};
use crate::engine::{MeasurementState, ModelInfo, OutgoingBatch, ProfileView, StorageStatus};
use crate::features::memory::{ItemMemory, PriceMean, SessionItem as MemoryItem};
use crate::privacy::budget::EpsilonBudget;
use crate::privacy::consent::ConsentChange;
use crate::privacy::ledger::{DropRecord, Ledger, LedgerEntry};
use crate::privacy::queue::{QueuedReport, ReportQueue};
use crate::privacy::reporting::Audit;
use crate::privacy::wire::Day;
use crate::profile::activity::{Activity, PriceStats};
use crate::profile::affinity::Decayed;
use crate::profile::config::Retention;
use crate::profile::coverage::{CoverageReport, Engagement};
use crate::profile::session::{RecentItem, Session, SessionIntent, SessionItem, SharedAttribute};
use crate::profile::view::{LifecycleSummary, PriceSummary, ProfileSummary};
use crate::profile::Profile;
use crate::quiz::result::{Preference, QuizResult, TopStyle};
use crate::quiz::state::{AnsweredQuestion, Progress, Question, QuizState};
use crate::rank::options::IgnoredPin;
use crate::rank::DroppedCandidate;
use crate::storage::journal::StorageWrite;
use crate::storage::persist::Warning;

// Stored documents.

struct_writer!(Profile, { version: "version", event_count: "eventCount",
    updated_ms: "updatedMs", affinities: "affinities", price: "price", activity: "activity",
    coverage: "coverage", session: "session", recent: "recent", paused: "paused",
    retention: "retention" });
struct_writer!(PriceStats, { mean_log: "meanLog", weight: "weight", at_ms: "atMs" });
struct_writer!(Activity, { first_ms: "firstMs", last_ms: "lastMs",
    last_purchase_ms: "lastPurchaseMs", purchases: "purchases", returns: "returns",
    sessions: "sessions", monetary: "monetary" });
struct_writer!(Engagement, { depth: "depth", last_ms: "lastMs" });
struct_writer!(Session, { started_ms: "startedMs", last_ms: "lastMs", items: "items" });
struct_writer!(SessionItem, { id: "id", at_ms: "atMs", attributes: "attributes" });
struct_writer!(RecentItem, { id: "id", kind: "kind", at_ms: "atMs",
    sensitive: "sensitive" skip_if std::ops::Not::not });
struct_writer!(Retention, { affinities_days: "affinitiesDays",
    recent_items_days: "recentItemsDays", session_hours: "sessionHours",
    quiz_days: "quizDays" });

struct_writer!(ItemMemory, { version: "version", items: "items", groups: "groups",
    session: "session", price: "price" });
struct_writer!(MemoryItem, { id: "id", attributes: "attributes", price: "price" });
struct_writer!(PriceMean, { log_mass: "logMass", weight: "weight", at_ms: "atMs" });

struct_writer!(QuizState, { version: "version", bank_id: "bankId", seed: "seed",
    max_questions: "maxQuestions", started_ms: "startedMs", updated_ms: "updatedMs",
    expires_ms: "expiresMs", confidence: "confidence", finished: "finished",
    answers: "answers" });
struct_writer!(AnsweredQuestion, { product_id: "productId",
    name: "name" skip_if Option::is_none, image: "image" skip_if Option::is_none,
    features: "features", answer: "answer", at_ms: "atMs" });

struct_writer!(Ledger, { version: "version", entries: "entries", drop_counts: "dropCounts",
    recent_drops: "recentDrops" });
struct_writer!(LedgerEntry, { at_ms: "atMs", purpose: "purpose", report_type: "reportType",
    report_id: "reportId", payload: "payload", epsilon: "epsilon" });
struct_writer!(DropRecord, { at_ms: "atMs", reason: "reason", report_type: "reportType" });
struct_writer!(ReportQueue, { version: "version", items: "items", failures: "failures",
    next_attempt_ms: "nextAttemptMs" });
struct_writer!(QueuedReport, { id: "id", report_type: "reportType", day: "day",
    payload: "payload" });
struct_writer!(EpsilonBudget, { version: "version", day: "day", spent_milli: "spentMilli" });
struct_writer!(MeasurementState, { version: "version", quiz_reported: "quizReported",
    experiment: "experiment", days: "days" });

/// A newtype struct writes as its field.
impl ToJson for Day {
    fn write_json(&self, w: &mut Writer) {
        self.0.write_json(w);
    }
}

/// A tuple struct writes as an array.
impl ToJson for Decayed {
    fn write_json(&self, w: &mut Writer) {
        (self.0, self.1).write_json(w);
    }
}

// Results the glue returns.

/// Internally tagged (`"op"`), variants in camelCase.
impl ToJson for StorageWrite {
    fn write_json(&self, w: &mut Writer) {
        match self {
            StorageWrite::Set { key, value } => {
                w.raw(r#"{"op":"set","key":"#);
                w.string(key);
                w.raw(r#","value":"#);
                w.string(value);
            }
            StorageWrite::Remove { key } => {
                w.raw(r#"{"op":"remove","key":"#);
                w.string(key);
            }
        }
        w.raw("}");
    }
}

struct_writer!(Warning, { code: "code", message: "message", key: "key",
    quarantine_key: "quarantineKey" });
struct_writer!(StorageStatus, { persistent: "persistent", reason: "reason" });
struct_writer!(DroppedCandidate, { index: "index", id: "id", reason: "reason" });
struct_writer!(IgnoredPin, { id: "id", position: "position", reason: "reason" });
struct_writer!(ModelInfo, { name: "name", sha256: "sha256", bytes: "bytes",
    attributes: "attributes", item_embedding_dim: "itemEmbeddingDim" });
struct_writer!(ConsentChange, { granted: "granted", withdrawn: "withdrawn",
    denied: "denied" });
struct_writer!(OutgoingBatch, { endpoint: "endpoint", body: "body", ids: "ids" });
struct_writer!(Audit, { entries: "entries", drop_counts: "dropCounts",
    recent_drops: "recentDrops", epsilon_spent_today: "epsilonSpentToday",
    daily_epsilon: "dailyEpsilon", epsilon_by_day: "epsilonByDay", queued: "queued",
    endpoint: "endpoint", persistent: "persistent" });

struct_writer!(ProfileView, { profile: "profile", quiz: "quiz" });
struct_writer!(ProfileSummary, { event_count: "eventCount", paused: "paused",
    top_affinities: "topAffinities", price: "price", lifecycle: "lifecycle",
    session: "session", coverage: "coverage", recent_items: "recentItems",
    sentences: "sentences" });
struct_writer!(PriceSummary, { band: "band", distribution: "distribution",
    typical: "typical" });
struct_writer!(LifecycleSummary, { segment: "segment",
    days_since_last_visit: "daysSinceLastVisit", sessions: "sessions",
    purchases: "purchases", returns: "returns", monetary: "monetary" });
struct_writer!(SessionIntent, { item_ids: "itemIds", shared: "shared" });
struct_writer!(SharedAttribute, { attribute: "attribute", value: "value", share: "share" });
struct_writer!(CoverageReport, { attribute: "attribute", engaged: "engaged",
    never_engaged: "neverEngaged", never_purchased: "neverPurchased" });

struct_writer!(Progress, { answered: "answered", max_questions: "maxQuestions",
    confidence: "confidence", finished: "finished" });
struct_writer!(Question, { product_id: "productId", name: "name", image: "image",
    price: "price", attributes: "attributes", number: "number",
    max_questions: "maxQuestions", confidence: "confidence",
    expected_gain: "expectedGain" });
struct_writer!(QuizResult, { bank_id: "bankId", finished: "finished",
    confidence: "confidence", answers: "answers", preferences: "preferences",
    top_style: "topStyle" });
struct_writer!(Preference, { attribute: "attribute", value: "value", weight: "weight",
    likes: "likes", dislikes: "dislikes", skips: "skips" });
struct_writer!(TopStyle, { product_id: "productId", name: "name", image: "image",
    headline: "headline" });
