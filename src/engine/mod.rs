//! The façade the wasm glue (and native tests) drive: one engine per page.
//!
//! It owns the storage backend, the profile, consent and reporting; every public call either
//! succeeds or returns a typed [`Error`] and leaves the state as it was. Storage trouble never
//! fails a call: the engine falls back to memory and records a [`Warning`].
//!
//! Consent gates storage (EDPB 2/2023): until a purpose is granted the engine neither reads
//! nor writes the real store (see `Engine::set_consent`); events wait in a bounded in-memory buffer.

mod compact;
mod consent;
mod measure;
mod model;
mod personal;
mod reports;
mod sets;
mod stated;

pub use compact::{compact, CompactRanking};
pub use measure::{Arm, Assignment, ExperimentDay, Funnel, Measurement, MeasurementState};
pub use model::{attach_embeddings, ContextInput, ModelInfo, MODEL_FALLBACK};
pub use personal::{ForgetTarget, ProfileView};
pub use reports::OutgoingBatch;
use sets::CandidateSet;
pub use sets::MAX_CANDIDATE_SETS;

use serde::{Deserialize, Serialize};

use crate::collections::VecMap;
use crate::error::Error;
use crate::event::Event;
use crate::features::{Context, ItemMemory};
use crate::json::Scalar;
use crate::privacy::consent::{ConsentState, ConsentUpdate, Disposition, PreConsentBuffer};
use crate::privacy::reporting::{Reporting, ReportingConfig};
use crate::privacy::rng::ChaCha20Rng;
use crate::product::Candidate;
use crate::profile::coverage::Vocabulary;
use crate::profile::{Profile, ProfileConfig};
use crate::quiz::bank::QuestionBank;
use crate::quiz::state::QuizState;
use crate::quiz::QuizConfig;
use crate::rank::options::RerankOptions;
use crate::rank::{self, DroppedCandidate, Prepared, RankError, RankOutput, RankerKind};
use crate::storage::persist::{self, Keys, Warning};
use crate::storage::{KeyValueStore, MemoryStore, StorageError};
use reports::DailyEngagement;

/// Most events held in memory while personalization consent is pending.
pub const DEFAULT_PRE_CONSENT_BUFFER: usize = 200;

/// Options accepted by `init` (camelCase JSON; every field optional).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EngineOptions {
    /// Prefix of every storage key, `[a-z0-9_-]{1,32}`. Default `vitrine`.
    pub namespace: String,
    /// How the profile learns.
    pub profile: ProfileConfig,
    /// Consent the site already holds, as Vitrine purposes (`{"personalization": "granted"}`)
    /// or Google Consent Mode v2 keys. Default: nothing granted. Values are checked by
    /// [`ConsentUpdate::from_entries`] when the engine opens.
    pub consent: VecMap<String, Scalar>,
    /// Reporting (measurement) options.
    pub reporting: ReportingConfig,
    /// Most events buffered in memory while consent is pending. Default 200.
    pub pre_consent_buffer: usize,
    /// The style quiz.
    pub quiz: QuizConfig,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            namespace: "vitrine".to_owned(),
            profile: ProfileConfig::default(),
            consent: VecMap::default(),
            reporting: ReportingConfig::default(),
            pre_consent_buffer: DEFAULT_PRE_CONSENT_BUFFER,
            quiz: QuizConfig::default(),
        }
    }
}

impl EngineOptions {
    /// Parses options from JSON text (`null`/empty object gives the defaults).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let options: EngineOptions = match json.trim() {
            "" | "null" | "undefined" => EngineOptions::default(),
            text => crate::json::read_str(text).map_err(|e| Error::Options(e.to_string()))?,
        };
        options.validate()?;
        Ok(options)
    }

    /// Checks every field.
    pub fn validate(&self) -> Result<(), Error> {
        let ns_ok = (1..=32).contains(&self.namespace.len())
            && self
                .namespace
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !ns_ok {
            return Err(Error::Options(format!(
                "namespace must match [a-z0-9_-]{{1,32}}, got {}",
                crate::json::quoted(&self.namespace)
            )));
        }
        self.profile.validate()?;
        self.reporting.validate()?;
        self.quiz.validate()?;
        if !(1..=10_000).contains(&self.pre_consent_buffer) {
            return Err(Error::Options(
                "preConsentBuffer must be between 1 and 10000".into(),
            ));
        }
        Ok(())
    }
}

/// Where the engine keeps its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageStatus {
    /// True when state survives a reload.
    pub persistent: bool,
    /// Why not, when it does not.
    pub reason: Option<String>,
}

/// Ranking evaluates decay at the start of the current hour, so near-tied items do not swap
/// places on every reload; new events (timestamped later) count undecayed until then.
const RANKING_CLOCK_MS: f64 = 3_600_000.0;

fn ranking_time(now_ms: f64) -> f64 {
    (now_ms / RANKING_CLOCK_MS).floor() * RANKING_CLOCK_MS
}

/// One page's Vitrine state.
pub struct Engine {
    /// The real store, untouched until a purpose is granted (then moved into `store`).
    durable: Option<Box<dyn KeyValueStore>>,
    /// The store in use: memory before consent, the real one after.
    store: Box<dyn KeyValueStore>,
    keys: Keys,
    options: EngineOptions,
    profile: Profile,
    /// Whether the stored profile has been read (it is, once personalization is granted).
    profile_loaded: bool,
    profile_writable: bool,
    storage_reason: Option<String>,
    quota_warned: bool,
    warnings: Vec<Warning>,
    consent: ConsentState,
    buffer: PreConsentBuffer<Event>,
    reporting: Reporting,
    engagement: DailyEngagement,
    rng: ChaCha20Rng,
    /// The quiz (zero-party data), stored under its own key.
    quiz: QuizState,
    /// The question bank the page supplied (not stored: the page re-supplies it).
    bank: Option<QuestionBank>,
    /// Attribute values known to exist (candidates, bank), for category coverage.
    vocabulary: Vocabulary,
    /// Item-level memory the model reads, stored under its own key next to the profile.
    memory: ItemMemory,
    /// False when an unreadable stored memory could not be quarantined (kept in memory).
    memory_writable: bool,
    /// The ranking model, if one was configured.
    model: model::ModelSlot,
    /// Device class and locale from the page.
    context: Context,
    /// The shopper's offset from UTC, for weekday and daypart.
    utc_offset_minutes: i32,
    /// Registered candidate sets, oldest first.
    candidate_sets: Vec<CandidateSet>,
    next_handle: u32,
    /// Experiment records and the quiz-reported marker (measurement consent).
    measure: measure::Measurement,
}

impl Engine {
    /// Opens the engine on a store. Nothing is read from or written to it until consent
    /// (from `options.consent` or [`Engine::set_consent`]) allows. `seed` seeds the
    /// randomness of report ids and local differential privacy: pass 32 bytes from a CSPRNG.
    /// Fails only on invalid options.
    pub fn open(
        store: impl KeyValueStore + 'static,
        options: EngineOptions,
        seed: [u8; 32],
        now_ms: f64,
    ) -> Result<Engine, Error> {
        Engine::open_boxed(Box::new(store), options, seed, now_ms)
    }

    /// [`Engine::open`] on a boxed store: the one (non-generic) copy of the opening code.
    pub fn open_boxed(
        store: Box<dyn KeyValueStore>,
        options: EngineOptions,
        seed: [u8; 32],
        now_ms: f64,
    ) -> Result<Engine, Error> {
        options.validate()?;
        let keys = Keys::new(&options.namespace);
        let mut engine = Engine {
            durable: Some(store),
            store: Box::new(MemoryStore::default()),
            reporting: Reporting::new(options.reporting.clone(), keys.clone())?,
            buffer: PreConsentBuffer::with_capacity(options.pre_consent_buffer),
            keys,
            profile: Profile::default(),
            profile_loaded: false,
            profile_writable: true,
            storage_reason: Some(consent::WAITING_FOR_CONSENT.to_owned()),
            quota_warned: false,
            warnings: Vec::new(),
            consent: ConsentState::default(),
            engagement: DailyEngagement::default(),
            rng: ChaCha20Rng::from_seed_bytes(seed),
            quiz: QuizState::default(),
            bank: None,
            vocabulary: Vocabulary::default(),
            memory: ItemMemory::default(),
            memory_writable: true,
            model: model::ModelSlot::Empty,
            context: Context::new(),
            utc_offset_minutes: 0,
            candidate_sets: Vec::new(),
            next_handle: 1,
            measure: measure::Measurement::default(),
            options,
        };
        if !engine.options.consent.is_empty() {
            // Read once here and never again: moved out rather than copied.
            let defaults: Vec<(String, Scalar)> = std::mem::take(&mut engine.options.consent)
                .into_iter()
                .collect();
            let update = ConsentUpdate::from_entries(&defaults)?;
            engine.set_consent(&update, now_ms);
        }
        Ok(engine)
    }

    /// Validates and applies an event given as JSON text.
    pub fn track_json(&mut self, json: &str, now_ms: f64) -> Result<(), Error> {
        let event = Event::from_json(json, now_ms)?;
        self.track_owned(event);
        Ok(())
    }

    /// Applies a validated event as consent allows: applied and persisted when
    /// personalization is granted, buffered in memory while it is pending, dropped when denied.
    /// Engagement is counted for reports when measurement is granted.
    pub fn track(&mut self, event: &Event) {
        self.track_owned(event.clone());
    }

    /// [`Engine::track`] on an owned event: buffered without a copy (the wasm path links no
    /// `Event` clone).
    fn track_owned(&mut self, event: Event) {
        self.count_engagement(&event);
        match self
            .consent
            .disposition(crate::privacy::Purpose::Personalization)
        {
            Disposition::Apply => {
                self.learn(&event);
                self.save_profile();
                self.save_memory();
            }
            Disposition::Buffer => {
                self.buffer.push(event);
            }
            Disposition::Drop => {}
        }
    }

    /// Re-ranks candidates given as JSON text.
    pub fn rerank_json(&self, json: &str, now_ms: f64) -> Result<RankOutput, Error> {
        self.rerank(
            rank::parse_candidates(json)?,
            &RerankOptions::default(),
            now_ms,
        )
    }

    /// Re-ranks candidates (JSON) with options (JSON; empty text for the defaults).
    pub fn rerank_with_json(
        &self,
        candidates: &str,
        options: &str,
        now_ms: f64,
    ) -> Result<RankOutput, Error> {
        let options: RerankOptions = match options.trim() {
            "" | "null" => RerankOptions::default(),
            text => {
                crate::json::read_str(text).map_err(|e| RankError::InvalidOption(e.to_string()))?
            }
        };
        self.rerank(rank::parse_candidates(candidates)?, &options, now_ms)
    }

    /// Re-ranks candidates: with a loaded model and any personal signal, the model; else the
    /// server's order when the profile is empty, or the affinity ranker's blend; then the
    /// options (exclusions, stock, long tail, diversity, caps, pins).
    pub fn rerank(
        &self,
        candidates: Vec<Candidate>,
        options: &RerankOptions,
        now_ms: f64,
    ) -> Result<RankOutput, Error> {
        options.validate()?;
        let (prepared, dropped) = rank::prepare(candidates)?;
        Ok(self.rerank_prepared(&prepared, None, dropped, options, now_ms))
    }

    pub(super) fn rerank_prepared(
        &self,
        prepared: &[Prepared],
        cache: Option<&crate::model::ItemCache>,
        mut dropped: Vec<DroppedCandidate>,
        options: &RerankOptions,
        now_ms: f64,
    ) -> RankOutput {
        let now_ms = ranking_time(now_ms);
        let (by_model, model_status, fallback_reason) = self.model_rank(prepared, cache, now_ms);
        let (items, ranker) = match by_model {
            Some(mut items) => {
                stated::honour_stated(&mut items, prepared, self.profile.stated_preferences());
                (items, RankerKind::Model)
            }
            None if self.profile.is_empty() => (rank::server_order(prepared), RankerKind::Server),
            None => {
                let items =
                    rank::affinity::rank(prepared, &self.profile, &self.options.profile, now_ms);
                (items, RankerKind::Affinity)
            }
        };
        let reranked = rank::options::apply(items, prepared, options);
        dropped.extend(reranked.dropped);
        RankOutput {
            items: reranked.items,
            ranker,
            dropped,
            ignored_pins: reranked.ignored_pins,
            model_status,
            fallback_reason,
        }
    }

    /// [`Engine::rerank`] in the [`CompactRanking`] form (what the wasm glue returns).
    pub fn rerank_compact(
        &self,
        candidates: Vec<Candidate>,
        options: &RerankOptions,
        now_ms: f64,
    ) -> Result<CompactRanking, Error> {
        options.validate()?;
        let (prepared, dropped) = rank::prepare(candidates)?;
        let output = self.rerank_prepared(&prepared, None, dropped, options, now_ms);
        Ok(compact(&output, &prepared))
    }

    /// The stored profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Removes every key under the namespace (including quarantined values) and resets the
    /// in-memory state. Returns how many keys were removed.
    pub fn erase(&mut self) -> usize {
        self.profile = Profile::default();
        self.profile_writable = true;
        self.memory = ItemMemory::default();
        self.memory_writable = true;
        self.buffer.clear();
        self.quiz = QuizState::default();
        self.engagement = DailyEngagement::default();
        self.measure = measure::Measurement::default();
        self.reporting.erase(self.store.as_mut());
        self.warnings.extend(self.reporting.take_warnings());
        let prefix = self.keys.prefix();
        let keys = match self.store.keys() {
            Ok(keys) => keys,
            Err(e) => {
                self.on_write_error(e, &prefix);
                return 0;
            }
        };
        let mut removed = 0;
        for key in &keys {
            if !key.starts_with(&prefix) {
                continue;
            }
            match self.store.remove(key) {
                Ok(()) => removed += 1,
                Err(e) => self.on_write_error(e, key),
            }
        }
        removed
    }

    /// Where state is kept.
    pub fn storage_status(&self) -> StorageStatus {
        StorageStatus {
            persistent: self.store.is_persistent(),
            reason: self.storage_reason.clone(),
        }
    }

    /// Writes the main thread must replay on the real storage (worker mode; see
    /// [`JournaledStore`](crate::storage::journal::JournaledStore)), oldest first.
    pub fn take_storage_writes(&mut self) -> Vec<crate::storage::journal::StorageWrite> {
        // A detached real store may still hold writes made while it was attached.
        let mut writes = self
            .durable
            .as_mut()
            .map(|d| d.take_journal())
            .unwrap_or_default();
        writes.extend(self.store.take_journal());
        writes
    }

    /// Returns and clears the warnings collected since the last call.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        self.warnings.extend(self.reporting.take_warnings());
        std::mem::take(&mut self.warnings)
    }

    fn save_profile(&mut self) {
        if !self.profile_writable || !self.profile_loaded {
            return;
        }
        match persist::save(self.store.as_mut(), &self.keys, &self.profile) {
            Ok(()) => self.quota_warned = false,
            Err(e) => {
                let key = self.keys.doc("profile", crate::profile::PROFILE_VERSION);
                self.on_write_error(e, &key);
            }
        }
    }

    fn on_write_error(&mut self, error: StorageError, key: &str) {
        match error {
            StorageError::Unavailable(_) => self.fall_back_to_memory(&error),
            StorageError::QuotaExceeded if self.quota_warned => {}
            StorageError::QuotaExceeded => {
                self.quota_warned = true;
                self.warnings.push(Warning {
                    code: persist::STORAGE_QUOTA,
                    message:
                        "storage quota exceeded; changes are kept in memory until a write succeeds"
                            .into(),
                    key: Some(key.to_owned()),
                    quarantine_key: None,
                });
            }
            StorageError::Backend(message) => self.warnings.push(Warning {
                code: persist::STORAGE_WRITE_FAILED,
                message,
                key: Some(key.to_owned()),
                quarantine_key: None,
            }),
        }
    }

    fn fall_back_to_memory(&mut self, error: &StorageError) {
        let reason = error.to_string();
        self.warnings.push(Warning {
            code: persist::STORAGE_UNAVAILABLE,
            message: format!("{reason}; the profile is kept in memory for this page only"),
            key: None,
            quarantine_key: None,
        });
        self.storage_reason = Some(reason);
        self.store = Box::new(MemoryStore::default());
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod memory_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod model_tests;
