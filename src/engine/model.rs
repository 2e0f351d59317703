//! The ranking model inside the engine: loading and verifying a model file, the item memory
//! it reads (persisted next to the profile), the shopping context, and ranking with it.
//!
//! A model that fails to load or verify is never used: the engine keeps ranking with the
//! affinity ranker, says so on every result (`modelStatus: "failed"`, `fallbackReason`) and
//! raises a `VITRINE_MODEL_FALLBACK` warning once.

use serde::Serialize;

use super::Engine;
use crate::error::Error;
use crate::event::Event;
use crate::features::{Context, ItemMemory, ShopperSignals, WeightedValue};
use crate::json::Scalar;
use crate::model::Model;
use crate::product::Candidate;
use crate::rank::{ModelStatus, Prepared, RankError, RankedItem};
use crate::storage::persist::{self, Versioned, Warning};

/// Warning code: a configured model is not used; ranking falls back to the affinity ranker.
pub const MODEL_FALLBACK: &str = "VITRINE_MODEL_FALLBACK";

/// What `loadModel` reports about a model it accepted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    /// The model's name (from its metadata).
    pub name: String,
    /// SHA-256 of the whole file, hex.
    pub sha256: String,
    /// File size in bytes.
    pub bytes: usize,
    /// Item attributes the model embeds (send these on candidates).
    pub attributes: Vec<String>,
    /// Length of the candidate embedding the model projects (0: it uses none).
    pub item_embedding_dim: usize,
}

/// The model slot of an engine.
#[derive(Debug, Default)]
pub(super) enum ModelSlot {
    /// No model was configured.
    #[default]
    Empty,
    /// A verified model.
    Ready(Box<Model>),
    /// The configured model failed: `code: message`.
    Failed(String),
}

/// The coarse context the page supplies (camelCase JSON `{ device?, locale?,
/// utcOffsetMinutes? }`; read by hand through [`crate::json`], no serde visitors of its own).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContextInput {
    /// Device class: `mobile`, `tablet` or `desktop`.
    pub device: Option<String>,
    /// The page's language tag, e.g. `en-GB`.
    pub locale: Option<String>,
    /// The shopper's offset from UTC in minutes (e.g. 60 for CET); weekday and daypart are
    /// derived from it at ranking time.
    pub utc_offset_minutes: Option<i32>,
}

/// Re-attaches embeddings sent as one flat `f32` buffer (`dim` values per candidate, in list
/// order). A row whose first value is NaN means "none in the buffer": the candidate keeps
/// the embedding it carried in its JSON, if any.
pub fn attach_embeddings(
    candidates: &mut [Candidate],
    flat: &[f32],
    dim: usize,
) -> Result<(), Error> {
    if flat.is_empty() {
        return Ok(());
    }
    if dim == 0 || flat.len() != candidates.len().saturating_mul(dim) {
        return Err(RankError::Malformed(
            "the embedding buffer must hold `dim` values per candidate".into(),
        )
        .into());
    }
    for (candidate, row) in candidates.iter_mut().zip(flat.chunks_exact(dim)) {
        if !row[0].is_nan() {
            candidate.embedding = Some(row.to_vec());
        }
    }
    Ok(())
}

impl Engine {
    /// Loads and verifies a model file (`pinned_sha256`: 64 hex digits or `sha256-<base64>`).
    /// On failure the engine keeps ranking without it, records why (every result says so)
    /// and raises a [`MODEL_FALLBACK`] warning.
    pub fn load_model(
        &mut self,
        bytes: &[u8],
        pinned_sha256: Option<&str>,
    ) -> Result<ModelInfo, Error> {
        match Model::from_bytes(bytes, pinned_sha256) {
            Ok(model) => {
                let spec = model.index().spec();
                let info = ModelInfo {
                    name: model.metadata().name.clone(),
                    sha256: model.sha256().to_owned(),
                    bytes: bytes.len(),
                    attributes: spec.attributes.iter().map(|a| a.name.clone()).collect(),
                    item_embedding_dim: spec.item_embedding_dim,
                };
                for set in &mut self.candidate_sets {
                    set.cache = Some(model.item_cache(&set.prepared));
                }
                self.model = ModelSlot::Ready(Box::new(model));
                Ok(info)
            }
            Err(e) => {
                let error = Error::from(e);
                self.model_failed(&error);
                Err(error)
            }
        }
    }

    /// Records that the configured model could not be fetched (the page reports it), so
    /// results say why the model is not used. Returns the typed error.
    pub fn model_unavailable(&mut self, reason: &str) -> Error {
        let error = Error::ModelUnavailable(reason.chars().take(200).collect());
        self.model_failed(&error);
        error
    }

    fn model_failed(&mut self, error: &Error) {
        let reason = format!("{}: {error}", error.code().as_str());
        self.warnings.push(Warning {
            code: MODEL_FALLBACK,
            message: format!("the ranking model is not used ({reason}); ranking falls back to the affinity ranker"),
            key: None,
            quarantine_key: None,
        });
        self.model = ModelSlot::Failed(reason);
    }

    /// Sets the shopping context (coarse values only; oversize values are ignored).
    pub fn set_context(&mut self, input: &ContextInput) {
        let mut context = Context::new();
        if let Some(device) = &input.device {
            context.set("device", device);
        }
        if let Some(locale) = &input.locale {
            context.set("locale", locale);
        }
        self.context = context;
        self.utc_offset_minutes = input.utc_offset_minutes.unwrap_or(0).clamp(-840, 840);
    }

    /// Parses and sets the context from JSON text; unknown fields and wrong types are errors.
    pub fn set_context_json(&mut self, json: &str) -> Result<(), Error> {
        let bad = || {
            Error::Options(
                "context must be { device?: string, locale?: string, utcOffsetMinutes?: integer }"
                    .into(),
            )
        };
        crate::json::validate(json).map_err(|_| bad())?;
        let fields = crate::json::members(json).ok_or_else(bad)?;
        let mut input = ContextInput::default();
        for (name, raw) in fields {
            let v = Scalar::parse(raw).ok_or_else(bad)?;
            let text = || match &v {
                Scalar::Str(s) => Ok(s.clone()),
                _ => Err(bad()),
            };
            match name.as_str() {
                "device" => input.device = Some(text()?),
                "locale" => input.locale = Some(text()?),
                "utcOffsetMinutes" => {
                    let minutes = v
                        .as_i64()
                        .and_then(|m| i32::try_from(m).ok())
                        .ok_or_else(bad)?;
                    input.utc_offset_minutes = Some(minutes);
                }
                _ => return Err(bad()),
            }
        }
        self.set_context(&input);
        Ok(())
    }

    /// The item memory the model reads.
    pub fn item_memory(&self) -> &ItemMemory {
        &self.memory
    }

    /// The loaded model, if one is ready.
    pub(super) fn loaded_model(&self) -> Option<&Model> {
        match &self.model {
            ModelSlot::Ready(model) => Some(model),
            _ => None,
        }
    }

    /// The product-group attribute of the loaded model, if any.
    pub(super) fn group_attribute(&self) -> Option<&str> {
        self.loaded_model()?
            .index()
            .spec()
            .group_attribute
            .as_deref()
    }

    /// Applies an event to the profile and, unless learning is paused or the product is
    /// sensitive (the profile's own rule), to the item memory. Nothing is saved.
    pub(super) fn learn(&mut self, event: &Event) {
        let learns = crate::features::memory::learns_from(event, &self.options.profile);
        if !self.profile.is_paused() && learns {
            let group = self.group_attribute().map(str::to_owned);
            let half_life = self.options.profile.half_life_ms();
            self.memory.observe(event, group.as_deref(), half_life);
        }
        self.profile.apply(event, &self.options.profile);
    }

    /// Reads the stored item memory (quarantining unreadable or future data).
    pub(super) fn load_memory(&mut self, now_ms: f64) {
        match persist::load::<ItemMemory>(self.store.as_mut(), &self.keys, now_ms) {
            Ok(loaded) => {
                self.memory = loaded.value;
                self.memory_writable = loaded.writable;
                self.warnings.extend(loaded.warnings);
                let max_age = self.options.profile.retention.affinities_ms();
                self.memory.expire(now_ms, max_age);
            }
            Err(e) => self.fall_back_to_memory(&e),
        }
    }

    pub(super) fn save_memory(&mut self) {
        if !self.memory_writable || !self.profile_loaded {
            return;
        }
        if let Err(e) = persist::save(self.store.as_mut(), &self.keys, &self.memory) {
            let key = self.keys.doc(ItemMemory::DOC, ItemMemory::VERSION);
            self.on_write_error(e, &key);
        }
    }

    /// Forgets everything in the item memory, in memory and in storage.
    pub(super) fn clear_memory(&mut self) {
        self.memory = ItemMemory::default();
        self.memory_writable = true;
        if self.profile_loaded {
            let key = self.keys.doc(ItemMemory::DOC, ItemMemory::VERSION);
            if let Err(e) = self.store.remove(&key) {
                self.on_write_error(e, &key);
            }
        }
    }

    /// What the model reads about the shopper at `now_ms` (sensitive values guarded).
    pub fn shopper_signals(&self, now_ms: f64) -> ShopperSignals {
        let config = &self.options.profile;
        let quiz = if self.quiz.is_started() {
            self.quiz
                .result(config, &self.options.quiz)
                .signals()
                .into_iter()
                .map(|(attribute, value, weight)| WeightedValue {
                    attribute,
                    value,
                    weight,
                })
                .collect()
        } else {
            Vec::new()
        };
        let context = self.context.clone().at(now_ms, self.utc_offset_minutes);
        ShopperSignals::build(&self.profile, &self.memory, config, quiz, context, now_ms)
            .with_guarded(&config.sensitive_values)
    }

    /// Ranks with the model when one is loaded and there is a personal signal. Returns the
    /// items (`None`: use another ranker) and the status to report.
    pub(super) fn model_rank(
        &self,
        prepared: &[Prepared],
        cache: Option<&crate::model::ItemCache>,
        now_ms: f64,
    ) -> (Option<Vec<RankedItem>>, Option<ModelStatus>, Option<String>) {
        match &self.model {
            ModelSlot::Empty => (None, None, None),
            ModelSlot::Failed(reason) => (None, Some(ModelStatus::Failed), Some(reason.clone())),
            ModelSlot::Ready(model) => {
                let signals = self.shopper_signals(now_ms);
                if signals.is_empty() {
                    return (None, Some(ModelStatus::NoSignal), None);
                }
                let ranking = model.rank_cached(prepared, cache, &signals);
                (Some(ranking.items), Some(ModelStatus::Used), None)
            }
        }
    }
}
