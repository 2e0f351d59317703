//! The exported engine class (`VitrineCore` in JavaScript).
//!
//! Data crosses the boundary as JSON text (the wrapper calls `JSON.stringify`/`JSON.parse`),
//! so each type carries one serde implementation (serde_json's, shared with storage) instead
//! of two; only the one-off option bag goes through serde-wasm-bindgen.

use wasm_bindgen::prelude::*;

use super::error::to_js;
use super::store::LocalStore;
use crate::engine::{attach_embeddings, CompactRanking, Engine, EngineOptions, ForgetTarget};
use crate::error::Error;
use crate::privacy::tcf::TcfMapping;
use crate::quiz::state::Answer;
use crate::quiz::QuizError;
use crate::rank::options::RerankOptions;
use crate::rank::{parse_candidates, RankError};
use crate::storage::journal::JournaledStore;
use crate::storage::MemoryStore;

/// `{ meta, index, server, score }`: the compact result's JSON and its arrays as typed arrays
/// (`Uint32Array`, `Uint32Array`, `Float32Array`; see `engine::compact`).
fn compact_result(c: &CompactRanking) -> js_sys::Object {
    let out = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&out, &key.into(), value);
    };
    set("meta", &c.meta.as_str().into());
    set(
        "index",
        &js_sys::Uint32Array::from(c.index.as_slice()).into(),
    );
    set(
        "server",
        &js_sys::Uint32Array::from(c.server.as_slice()).into(),
    );
    set(
        "score",
        &js_sys::Float32Array::from(c.score.as_slice()).into(),
    );
    out
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn parse_seed(seed: &[u8]) -> Result<[u8; 32], JsValue> {
    seed.try_into()
        .map_err(|_| to_js(&Error::Options("seed must be 32 random bytes".into())))
}

/// Options arrive as JSON text too: parsing them with serde_json shares the code already
/// linked for storage, where serde-wasm-bindgen would add its own copy for every option type.
fn parse_options(options: &str) -> Result<EngineOptions, JsValue> {
    EngineOptions::from_json(options).map_err(|e| to_js(&e))
}

fn parse_answer(answer: &str) -> Result<Answer, JsValue> {
    Answer::from_name(answer)
        .ok_or_else(|| to_js(&QuizError::InvalidAnswer(answer.chars().take(32).collect()).into()))
}

/// Re-rank options from JSON text (empty for the defaults).
fn parse_rerank_options(options: &str) -> Result<RerankOptions, JsValue> {
    match options.trim() {
        "" | "null" => Ok(RerankOptions::default()),
        text => crate::json::read_str(text)
            .map_err(|e| to_js(&RankError::InvalidOption(e.to_string()).into())),
    }
}

/// Candidates from JSON text, with embeddings re-attached from one flat buffer.
fn parse_packed(
    candidates: &str,
    embeddings: &[f32],
    dim: usize,
) -> Result<Vec<crate::product::Candidate>, JsValue> {
    let mut list = parse_candidates(candidates).map_err(|e| to_js(&e.into()))?;
    attach_embeddings(&mut list, embeddings, dim).map_err(|e| to_js(&e))?;
    Ok(list)
}

/// A result as JSON text (serde_json's bytes, through the serde-free writers).
fn json(value: &dyn crate::json::ToJson) -> String {
    crate::json::to_json(value)
}

/// The consent state as a map of two names, for serde-wasm-bindgen: a struct would compile its
/// cache of interned field-name strings (a hash map) for this one object (−0.9 KB gz).
struct ConsentObject(crate::privacy::consent::ConsentState);

impl serde::Serialize for ConsentObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("personalization", &self.0.personalization)?;
        map.serialize_entry("measurement", &self.0.measurement)?;
        map.end()
    }
}

/// One page's Vitrine engine, backed by localStorage (or memory when unavailable).
#[wasm_bindgen(js_name = VitrineCore)]
pub struct WasmEngine(Engine);

#[wasm_bindgen(js_class = VitrineCore)]
impl WasmEngine {
    /// Opens the engine. `options` is the core part of the init options as JSON text;
    /// `persist = false` keeps everything in memory; `seed` is 32 bytes from
    /// `crypto.getRandomValues` (report ids and local differential privacy noise).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str, persist: bool, seed: &[u8]) -> Result<WasmEngine, JsValue> {
        let options = parse_options(options)?;
        let seed = parse_seed(seed)?;
        let engine = if persist {
            Engine::open(LocalStore::open(), options, seed, now_ms())
        } else {
            Engine::open(MemoryStore::default(), options, seed, now_ms())
        };
        engine.map(WasmEngine).map_err(|e| to_js(&e))
    }

    /// Opens the engine on an in-memory mirror of the main thread's storage (worker mode).
    /// `snapshot` is JSON `[[key, value], …]`; writes come back via `takeStorageWrites`.
    pub fn mirrored(options: &str, snapshot: &str, seed: &[u8]) -> Result<WasmEngine, JsValue> {
        let options = parse_options(options)?;
        let seed = parse_seed(seed)?;
        let snapshot: Vec<(String, String)> = crate::json::read_str(snapshot)
            .map_err(|e| to_js(&Error::Options(format!("storage snapshot: {e}"))))?;
        Engine::open(JournaledStore::new(snapshot), options, seed, now_ms())
            .map(WasmEngine)
            .map_err(|e| to_js(&e))
    }

    /// Writes to replay on localStorage, oldest first (JSON):
    /// `[{ "op": "set", key, value } | { "op": "remove", key }]`.
    #[wasm_bindgen(js_name = takeStorageWrites)]
    pub fn take_storage_writes(&mut self) -> String {
        json(&self.0.take_storage_writes())
    }

    /// Validates and applies one event (JSON).
    pub fn track(&mut self, event: &str) -> Result<(), JsValue> {
        self.0.track_json(event, now_ms()).map_err(|e| to_js(&e))
    }

    /// Re-ranks candidates (JSON array) with options (JSON object, or empty for the
    /// defaults). `embeddings` holds `dim` floats per candidate (empty: embeddings, if any,
    /// are in the JSON); a row starting with NaN means none. Returns the compact result
    /// (see [`compact_result`]).
    pub fn rerank(
        &self,
        candidates: &str,
        options: &str,
        embeddings: &[f32],
        dim: usize,
    ) -> Result<js_sys::Object, JsValue> {
        let options = parse_rerank_options(options)?;
        let list = parse_packed(candidates, embeddings, dim)?;
        self.0
            .rerank_compact(list, &options, now_ms())
            .map(|c| compact_result(&c))
            .map_err(|e| to_js(&e))
    }

    /// Validates candidates once (as in `rerank`) and keeps them; returns
    /// `{ handle, dropped }` as JSON for `rerankSet`.
    #[wasm_bindgen(js_name = registerCandidates)]
    pub fn register_candidates(
        &mut self,
        candidates: &str,
        embeddings: &[f32],
        dim: usize,
    ) -> Result<String, JsValue> {
        let list = parse_packed(candidates, embeddings, dim)?;
        let (handle, dropped) = self.0.register_candidates(list).map_err(|e| to_js(&e))?;
        Ok(format!(
            r#"{{"handle":{handle},"dropped":{}}}"#,
            json(&dropped)
        ))
    }

    /// Re-ranks a registered candidate set with options (JSON, or empty); same result as
    /// `rerank`.
    #[wasm_bindgen(js_name = rerankSet)]
    pub fn rerank_set(&self, handle: u32, options: &str) -> Result<js_sys::Object, JsValue> {
        let options = parse_rerank_options(options)?;
        self.0
            .rerank_set_compact(handle, &options, now_ms())
            .map(|c| compact_result(&c))
            .map_err(|e| to_js(&e))
    }

    /// Releases a registered candidate set.
    #[wasm_bindgen(js_name = releaseCandidates)]
    pub fn release_candidates(&mut self, handle: u32) -> bool {
        self.0.release_candidates(handle)
    }

    /// Loads and verifies a model file; `sha256` (optional) pins its hash. Returns the model
    /// info as JSON; on failure the engine falls back (and says so) and this throws a
    /// `VitrineModelError`.
    #[wasm_bindgen(js_name = loadModel)]
    pub fn load_model(&mut self, bytes: &[u8], sha256: Option<String>) -> Result<String, JsValue> {
        let info = self
            .0
            .load_model(bytes, sha256.as_deref())
            .map_err(|e| to_js(&e))?;
        Ok(json(&info))
    }

    /// Records that the model file could not be fetched; results then say so.
    #[wasm_bindgen(js_name = modelUnavailable)]
    pub fn model_unavailable(&mut self, reason: &str) {
        self.0.model_unavailable(reason);
    }

    /// Sets the coarse shopping context (JSON `{ device?, locale?, utcOffsetMinutes? }`).
    #[wasm_bindgen(js_name = setContext)]
    pub fn set_context(&mut self, context: &str) -> Result<(), JsValue> {
        self.0.set_context_json(context).map_err(|e| to_js(&e))
    }

    /// Applies a consent update (JSON: Vitrine purposes or Consent Mode v2 keys); returns
    /// `{ granted, withdrawn, denied }` as JSON.
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&mut self, update: &str) -> Result<String, JsValue> {
        let change = self
            .0
            .set_consent_json(update, now_ms())
            .map_err(|e| to_js(&e))?;
        Ok(json(&change))
    }

    /// Applies consent from an IAB TCF v2.2 TC string (default purpose mapping).
    #[wasm_bindgen(js_name = setConsentTcf)]
    pub fn set_consent_tcf(&mut self, tc_string: &str) -> Result<String, JsValue> {
        let change = self
            .0
            .set_consent_tcf(tc_string, &TcfMapping::default(), now_ms())
            .map_err(|e| to_js(&e))?;
        Ok(json(&change))
    }

    /// The consent decisions as a plain object `{ personalization, measurement }`.
    pub fn consent(&self) -> Result<JsValue, JsValue> {
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        serde::Serialize::serialize(&ConsentObject(self.0.consent()), &serializer)
            .map_err(|e| js_sys::Error::new(&e.to_string()).into())
    }

    /// The next report batch to post (JSON `{ endpoint, body, ids }` or `null`).
    #[wasm_bindgen(js_name = nextReportBatch)]
    pub fn next_report_batch(&mut self) -> String {
        json(&self.0.next_report_batch(now_ms()))
    }

    /// Records a delivery attempt: report ids (JSON array), HTTP status (0: network error),
    /// optional Retry-After in seconds.
    #[wasm_bindgen(js_name = settleReports)]
    pub fn settle_reports(
        &mut self,
        ids: &str,
        status: u16,
        retry_after_s: Option<f64>,
    ) -> Result<(), JsValue> {
        let ids: Vec<String> = crate::json::read_str(ids)
            .map_err(|e| to_js(&Error::Options(format!("report ids: {e}"))))?;
        self.0.settle_reports(&ids, status, retry_after_s, now_ms());
        Ok(())
    }

    /// The audit ledger (JSON): every payload sent, drops, ε spent.
    pub fn audit(&self) -> String {
        json(&self.0.audit(now_ms()))
    }

    /// A shopper-facing summary of the profile (JSON).
    pub fn profile(&self) -> String {
        json(&self.0.profile_view(now_ms()))
    }

    /// Forgets everything learned and the quiz answers.
    pub fn reset(&mut self) {
        self.0.reset();
    }

    /// Forgets `{ value, attribute? }` and/or `{ item }` (JSON); returns how many entries.
    pub fn forget(&mut self, target: &str) -> Result<usize, JsValue> {
        let target: ForgetTarget = crate::json::read_str(target)
            .map_err(|e| to_js(&Error::Options(format!("forget: {e}"))))?;
        Ok(self.0.forget(&target))
    }

    /// Stops learning from events.
    pub fn pause(&mut self) {
        self.0.pause();
    }

    /// Learns from events again.
    pub fn resume(&mut self) {
        self.0.resume();
    }

    /// Everything stored, key by key (JSON object).
    #[wasm_bindgen(js_name = exportData)]
    pub fn export_data(&self) -> String {
        self.0.export_json()
    }

    /// Starts (or resumes) the quiz from a bank (JSON); returns the progress (JSON).
    #[wasm_bindgen(js_name = quizStart)]
    pub fn quiz_start(&mut self, bank: &str) -> Result<String, JsValue> {
        let progress = self.0.quiz_start(bank, now_ms()).map_err(|e| to_js(&e))?;
        Ok(json(&progress))
    }

    /// The next question (JSON) or `null` when the quiz is done.
    #[wasm_bindgen(js_name = quizNext)]
    pub fn quiz_next(&self) -> Result<String, JsValue> {
        let question = self.0.quiz_next().map_err(|e| to_js(&e))?;
        Ok(json(&question))
    }

    /// Answers a question: `answer` is `like`, `dislike` or `skip`; returns the progress.
    #[wasm_bindgen(js_name = quizAnswer)]
    pub fn quiz_answer(&mut self, product_id: &str, answer: &str) -> Result<String, JsValue> {
        let answer = parse_answer(answer)?;
        let progress = self
            .0
            .quiz_answer(product_id, answer, now_ms())
            .map_err(|e| to_js(&e))?;
        Ok(json(&progress))
    }

    /// Changes an answer (`like`/`dislike`/`skip`) or removes it (empty string).
    #[wasm_bindgen(js_name = quizEdit)]
    pub fn quiz_edit(&mut self, product_id: &str, answer: &str) -> Result<String, JsValue> {
        let answer = if answer.is_empty() {
            None
        } else {
            Some(parse_answer(answer)?)
        };
        let progress = self
            .0
            .quiz_edit(product_id, answer, now_ms())
            .map_err(|e| to_js(&e))?;
        Ok(json(&progress))
    }

    /// Ends the quiz early, keeping the answers; returns the progress.
    #[wasm_bindgen(js_name = quizFinish)]
    pub fn quiz_finish(&mut self) -> String {
        json(&self.0.quiz_finish(now_ms()))
    }

    /// The quiz result (JSON).
    #[wasm_bindgen(js_name = quizResult)]
    pub fn quiz_result(&self) -> String {
        json(&self.0.quiz_result())
    }

    /// Removes every key Vitrine wrote; returns how many.
    pub fn erase(&mut self) -> usize {
        self.0.erase()
    }

    /// `{ persistent, reason }` (JSON).
    #[wasm_bindgen(js_name = storageStatus)]
    pub fn storage_status(&self) -> String {
        json(&self.0.storage_status())
    }

    /// Warnings collected since the last call (JSON array).
    #[wasm_bindgen(js_name = takeWarnings)]
    pub fn take_warnings(&mut self) -> String {
        json(&self.0.take_warnings())
    }

    /// Declares the experiment arm the site assigned (`name` `[a-z0-9_-]{1,32}`, `arm`
    /// `control|a|b|c`); a typed `VITRINE_INVALID_OPTIONS` error otherwise.
    #[wasm_bindgen(js_name = setExperiment)]
    pub fn set_experiment(&mut self, name: &str, arm: &str) -> Result<(), JsValue> {
        self.0
            .set_experiment(name, arm, now_ms())
            .map_err(|e| to_js(&e))
    }
}

/// The core's version.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
