//! The data manifest: what Vitrine stores and what it sends, generated from the code's own
//! declarations (storage documents, report schemas, consent mappings, budgets), so the
//! published documents cannot drift from the behaviour. `vitrine-manifest` writes it to
//! `docs/data-manifest.json` and `docs/PRIVACY.md`; a test fails when they differ.

use serde::Serialize;

use super::budget::{EpsilonBudget, DEFAULT_DAILY_EPSILON};
use super::consent::{Purpose, CONSENT_MODE_MAPPING, DEFAULT_BUFFER_CAPACITY};
use super::ledger::{Ledger, DEFAULT_MAX_ENTRIES, DEFAULT_RETENTION_DAYS};
use super::queue::{ReportQueue, DEFAULT_MAX_BATCH, DEFAULT_QUEUE_CAPACITY, MAX_REPORT_AGE_DAYS};
use super::reports::{FieldSpec, REPORT_ENDPOINT, SCHEMAS};
use super::tcf::TcfMapping;
use super::wire::{MAX_EPSILON, MAX_REPORT_BYTES};
use super::DEFAULT_K_ANONYMITY;
use crate::engine::MeasurementState;
use crate::features::ItemMemory;
use crate::profile::Profile;
use crate::quiz::state::QuizState;
use crate::storage::persist::{Keys, Versioned};

/// The default storage namespace the manifest's keys are shown in.
pub const DEFAULT_NAMESPACE: &str = "vitrine";

/// One storage document as declared by the code.
#[derive(Debug, Clone, Copy)]
pub struct StorageDeclaration {
    /// Document name (`Versioned::DOC`).
    pub doc: &'static str,
    /// Schema version (`Versioned::VERSION`).
    pub version: u32,
    /// What it holds.
    pub content: &'static str,
    /// The consent purpose that allows it.
    pub purpose: Purpose,
    /// How long it is kept.
    pub retention: &'static str,
}

/// Every document Vitrine writes to the browser's storage (`localStorage`). Nothing is
/// written before the purpose is granted.
pub const STORAGE: &[StorageDeclaration] = &[
    StorageDeclaration {
        doc: <Profile as Versioned>::DOC,
        version: <Profile as Versioned>::VERSION,
        content: "decayed affinity weights per product attribute value (e.g. colour=Red: 3.2); price-band distribution and typical price; recency/frequency/monetary counters; session items; category coverage; recent item ids; quiz-stated preferences; pause flag; retention settings. Sensitive values (e.g. maternity) are never learned, only kept in the recent-items list the shopper can clear",
        purpose: Purpose::Personalization,
        retention: "until erased or personalization is withdrawn; weights halve every 14 days and are dropped after 180 days, recent items after 30 days (all configurable)",
    },
    StorageDeclaration {
        doc: <QuizState as Versioned>::DOC,
        version: <QuizState as Versioned>::VERSION,
        content: "style-quiz answers (zero-party data): the products shown, like/dislike/skip, their attribute values, times; quiz progress",
        purpose: Purpose::Personalization,
        retention: "365 days after the quiz ends (configurable), an unfinished quiz expires sooner; until erased or personalization is withdrawn",
    },
    StorageDeclaration {
        doc: <ItemMemory as Versioned>::DOC,
        version: <ItemMemory as Versioned>::VERSION,
        content: "item memory for the ranking model: decayed engagement weight per product id (at most 256) and per product group (at most 256), the newest 8 engaged items with their attributes and price, a decayed typical price. Sensitive products (e.g. maternity) and events while paused are never recorded",
        purpose: Purpose::Personalization,
        retention: "until erased, reset or personalization is withdrawn; weights halve every 14 days, engagements older than 180 days are dropped (the profile's affinity retention); forget({ item }) removes an item",
    },
    StorageDeclaration {
        doc: <Ledger as Versioned>::DOC,
        version: <Ledger as Versioned>::VERSION,
        content: "audit ledger: time, purpose, report type, exact payload bytes and epsilon of every report; drop counters",
        purpose: Purpose::Measurement,
        retention: "entries older than ledgerRetentionDays (default 30) are removed; at most ledgerMaxEntries (default 1000)",
    },
    StorageDeclaration {
        doc: <ReportQueue as Versioned>::DOC,
        version: <ReportQueue as Versioned>::VERSION,
        content: "noised reports waiting for delivery (the same bytes as in the ledger) and the retry schedule",
        purpose: Purpose::Measurement,
        retention: "until delivered, rejected or 7 days old; purged at once when measurement is withdrawn",
    },
    StorageDeclaration {
        doc: <EpsilonBudget as Versioned>::DOC,
        version: <EpsilonBudget as Versioned>::VERSION,
        content: "the current UTC day number and the epsilon spent on it",
        purpose: Purpose::Measurement,
        retention: "overwritten every day; removed by erase",
    },
    StorageDeclaration {
        doc: <MeasurementState as Versioned>::DOC,
        version: <MeasurementState as Versioned>::VERSION,
        content: "the experiment name and arm the site declared with setExperiment; per (experiment, UTC day) the deepest funnel event reached (exposed, click, add_to_cart, purchase) and whether its report was sent; the start time of the last quiz reported, so each quiz is reported at most once",
        purpose: Purpose::Measurement,
        retention: "day records older than 7 days are removed (at most 16 kept); the experiment and its records are purged when measurement is withdrawn; the quiz marker is kept until erase",
    },
];

/// A storage key in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageEntry {
    /// The key, in the default namespace.
    pub key: String,
    /// What it holds.
    pub content: String,
    /// The purpose allowing it.
    pub purpose: Purpose,
    /// How long it is kept.
    pub retention: String,
}

/// A report type in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportEntry {
    /// The `type` value.
    #[serde(rename = "type")]
    pub name: &'static str,
    /// The purpose allowing it.
    pub purpose: Purpose,
    /// What it tells the site.
    pub description: &'static str,
    /// `POST` target.
    pub endpoint: &'static str,
    /// Wire fields.
    pub fields: Vec<FieldSpec>,
    /// The protected value's vocabulary.
    pub labels: &'static [&'static str],
    /// The LDP encoding.
    pub encoding: &'static str,
    /// Default ε per report.
    pub default_epsilon: f64,
}

/// A Consent Mode v2 key and what it maps to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentModeEntry {
    /// The Consent Mode key.
    pub key: &'static str,
    /// The Vitrine purpose, or none.
    pub purpose: Option<Purpose>,
    /// Why.
    pub note: &'static str,
}

/// Consent facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentFacts {
    /// Vitrine's purposes, each denied until granted.
    pub purposes: Vec<Purpose>,
    /// Default decision.
    pub default: &'static str,
    /// Events kept in memory (never stored) before a decision.
    pub pre_consent_buffer: usize,
    /// Consent Mode v2 mapping.
    pub consent_mode_v2: Vec<ConsentModeEntry>,
    /// TCF v2.2 purposes required per Vitrine purpose.
    pub tcf_v2_2: TcfMapping,
}

/// A request Vitrine makes that carries no shopper data.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchEntry {
    /// What is fetched.
    pub what: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// A regular expression the request path matches (the egress audit checks requests with it).
    pub path: &'static str,
    /// When the request is made.
    pub when: &'static str,
    /// What the request carries.
    pub carries: &'static str,
}

/// The fetches Vitrine makes: its wasm and, when the page configures one, the ranking model.
pub const FETCHES: &[FetchEntry] = &[
    FetchEntry {
        what: "the WebAssembly core (vitrine_bg.wasm)",
        method: "GET",
        path: "vitrine_bg\\.wasm$",
        when: "once, in Vitrine.init() (the URL can be overridden with init({ wasm }))",
        carries: "nothing: a static file request, no query parameters, no body",
    },
    FetchEntry {
        what: "the ranking model file",
        method: "GET",
        path: "\\.bin$",
        when: "once, in Vitrine.init({ model: { url } }) or vitrine.loadModel(url), at the URL the page configures (same origin recommended)",
        carries: "nothing: a static file request, no query parameters, no body, credentials only for the same origin; the file is verified (SHA-256, optional pin) before use",
    },
];

/// Privacy and transport limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Default daily ε per browser.
    pub daily_epsilon: f64,
    /// Largest ε accepted for one report.
    pub max_epsilon_per_report: f64,
    /// Aggregates are published only for cells with at least this many reports.
    pub k_anonymity: u64,
    /// Longest report, bytes.
    pub max_report_bytes: usize,
    /// Default queue bound.
    pub queue_capacity: usize,
    /// Default reports per batch.
    pub max_batch: usize,
    /// Reports older than this are dropped.
    pub max_report_age_days: u32,
    /// Default ledger retention.
    pub ledger_retention_days: u32,
    /// Default ledger bound.
    pub ledger_max_entries: usize,
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Manifest format version.
    pub format: u32,
    /// Consent.
    pub consent: ConsentFacts,
    /// Every storage key.
    pub storage: Vec<StorageEntry>,
    /// Every report type.
    pub reports: Vec<ReportEntry>,
    /// Every request Vitrine makes that is not a report (they carry no data).
    pub fetches: Vec<FetchEntry>,
    /// Limits.
    pub limits: Limits,
}

/// Builds the manifest from the code's declarations.
pub fn build() -> Manifest {
    let keys = Keys::new(DEFAULT_NAMESPACE);
    let mut storage: Vec<StorageEntry> = STORAGE
        .iter()
        .map(|d| StorageEntry {
            key: keys.doc(d.doc, d.version),
            content: d.content.to_owned(),
            purpose: d.purpose,
            retention: d.retention.to_owned(),
        })
        .collect();
    storage.push(StorageEntry {
        key: keys.quarantine("{doc}", 0.0).replace(":0", ":{ms}"),
        content: "a stored document that could not be read (corrupt or from a newer SDK), preserved instead of destroyed".into(),
        purpose: Purpose::Personalization,
        retention: "until erased".into(),
    });
    Manifest {
        format: 1,
        consent: ConsentFacts {
            purposes: Purpose::ALL.to_vec(),
            default: "denied",
            pre_consent_buffer: DEFAULT_BUFFER_CAPACITY,
            consent_mode_v2: CONSENT_MODE_MAPPING
                .iter()
                .map(|(key, purpose, note)| ConsentModeEntry {
                    key,
                    purpose: *purpose,
                    note,
                })
                .collect(),
            tcf_v2_2: TcfMapping::default(),
        },
        storage,
        reports: SCHEMAS
            .iter()
            .map(|s| ReportEntry {
                name: s.name,
                purpose: s.purpose,
                description: s.description,
                endpoint: REPORT_ENDPOINT,
                fields: s.fields(),
                labels: s.labels,
                encoding: s.encoding.as_str(),
                default_epsilon: s.default_epsilon,
            })
            .collect(),
        fetches: FETCHES.to_vec(),
        limits: Limits {
            daily_epsilon: DEFAULT_DAILY_EPSILON,
            max_epsilon_per_report: MAX_EPSILON,
            k_anonymity: DEFAULT_K_ANONYMITY,
            max_report_bytes: MAX_REPORT_BYTES,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            max_batch: DEFAULT_MAX_BATCH,
            max_report_age_days: MAX_REPORT_AGE_DAYS,
            ledger_retention_days: DEFAULT_RETENTION_DAYS,
            ledger_max_entries: DEFAULT_MAX_ENTRIES,
        },
    }
}

/// The manifest as pretty JSON with a trailing newline (the committed file's form).
pub fn to_json(manifest: &Manifest) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    let mut s = serde_json::to_string_pretty(manifest).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_report_and_storage_doc_is_declared() {
        let m = build();
        assert_eq!(m.reports.len(), SCHEMAS.len());
        let profile = format!("vitrine:v{}:profile", crate::profile::PROFILE_VERSION);
        assert!(m.storage.iter().any(|s| s.key == profile));
        for doc in ["ledger", "queue", "budget"] {
            assert!(
                m.storage
                    .iter()
                    .any(|s| s.key == format!("vitrine:v1:{doc}")),
                "{doc}"
            );
        }
        assert!(m
            .storage
            .iter()
            .any(|s| s.key == "vitrine:quarantine:{doc}:{ms}"));
        let json: serde_json::Value = serde_json::from_str(&to_json(&m)).unwrap();
        assert_eq!(json["limits"]["kAnonymity"], 50);
        assert_eq!(json["reports"][0]["fields"][0]["name"], "id");
        assert_eq!(json["consent"]["default"], "denied");
    }
}
