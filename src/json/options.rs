//! [`FromJson`](super::FromJson) readers for the option bags the wasm build parses: the init
//! options ([`EngineOptions`] and its nested configs) and the re-rank options
//! ([`RerankOptions`]). They live here, beside the reader, so the option types' own modules
//! keep only their serde derives (which define the format and stay in use natively).

use crate::engine::EngineOptions;
use crate::privacy::config::ReportingConfig;
use crate::privacy::queue::Backoff;
use crate::profile::config::{LifecycleConfig, ProfileConfig, Retention};
use crate::quiz::QuizConfig;
use crate::rank::options::{Diversity, MaxPerValue, Pin, RerankOptions};

use super::struct_reader;

struct_reader!(EngineOptions, "struct EngineOptions", deny_unknown, EngineOptions::default(),
    { namespace: "namespace", profile: "profile", consent: "consent", reporting: "reporting",
      pre_consent_buffer: "preConsentBuffer", quiz: "quiz" });

struct_reader!(ProfileConfig, "struct ProfileConfig", deny_unknown, ProfileConfig::default(),
    { half_life_days: "halfLifeDays", attributes: "attributes",
      price_band_edges: "priceBandEdges", max_values_per_attribute: "maxValuesPerAttribute",
      sensitive_values: "sensitiveValues", coverage_attributes: "coverageAttributes",
      vocabulary: "vocabulary", session_gap_minutes: "sessionGapMinutes",
      session_items: "sessionItems", recent_items: "recentItems", lifecycle: "lifecycle",
      retention: "retention", quiz_weight: "quizWeight" });

struct_reader!(LifecycleConfig, "struct LifecycleConfig", deny_unknown,
    LifecycleConfig::default(),
    { new_days: "newDays", lapsing_days: "lapsingDays", lapsed_days: "lapsedDays" });

struct_reader!(Retention, "struct Retention", deny_unknown, Retention::default(),
    { affinities_days: "affinitiesDays", recent_items_days: "recentItemsDays",
      session_hours: "sessionHours", quiz_days: "quizDays" });

struct_reader!(ReportingConfig, "struct ReportingConfig", deny_unknown,
    ReportingConfig::default(),
    { endpoint: "endpoint", epsilon: "epsilon", daily_epsilon: "dailyEpsilon",
      queue_capacity: "queueCapacity", max_batch: "maxBatch",
      ledger_retention_days: "ledgerRetentionDays", ledger_max_entries: "ledgerMaxEntries",
      backoff: "backoff" });

struct_reader!(Backoff, "struct Backoff", deny_unknown, Backoff::default(),
    { base_ms: "baseMs", max_ms: "maxMs" });

struct_reader!(QuizConfig, "struct QuizConfig", deny_unknown, QuizConfig::default(),
    { max_questions: "maxQuestions", min_questions: "minQuestions", confidence: "confidence",
      prior_likes: "priorLikes", prior_dislikes: "priorDislikes", bank_size: "bankSize",
      resume_days: "resumeDays" });

struct_reader!(RerankOptions, "struct RerankOptions", deny_unknown, RerankOptions::default(),
    { diversity: "diversity", pinned: "pinned", exclude: "exclude",
      drop_out_of_stock: "dropOutOfStock", long_tail_boost: "longTailBoost",
      max_per_value: "maxPerValue" });

struct_reader!(Diversity, "struct Diversity", deny_unknown, Diversity::default(),
    { lambda: "lambda", attributes: "attributes", use_attributes: "useAttributes",
      use_embeddings: "useEmbeddings", window: "window" });

struct_reader!(Pin, "struct Pin", deny_unknown, Pin { id: String::new(), position: 0 },
    { id: "id" required, position: "position" required });

struct_reader!(MaxPerValue, "struct MaxPerValue", deny_unknown,
    MaxPerValue { attribute: String::new(), max: 0, window: None },
    { attribute: "attribute" required, max: "max" required, window: "window" });

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "options_tests.rs"]
mod tests;
