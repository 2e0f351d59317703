//! The re-rank result in the compact form the wasm glue returns: three parallel number
//! arrays instead of one object per item, input positions instead of ids, and a small JSON
//! document for the rest.
//!
//! - `index[p]`: the position in the caller's list of the item ranked `p`;
//! - `server[p]`: its place in the server's order;
//! - `score[p]`: its score (f32 precision; the order is already decided);
//! - `meta`: `{ "ranker": "model", "reasons": [[0, "colour", "Red", "Because you liked Red"]],
//!   "dropped": [], "ignoredPins": [], "modelStatus": "used" }`, `reasons` listing
//!   `[p, attribute, value, text]` for the items that have one.
//!
//! The glue hands the arrays to JavaScript as typed arrays (one copy, no number formatting or
//! parsing: writing and parsing 1,000 scores as JSON took a fifth of a re-rank), and the
//! wrapper rebuilds `{ id, score, position, serverPosition, reason, candidate }` from its own
//! list, so ids and field names never cross the boundary (see docs/MODEL.md).

use std::fmt::Write as _;

use crate::rank::{ModelStatus, Prepared, RankOutput, RankerKind};

fn json(value: &dyn crate::json::ToJson) -> String {
    crate::json::to_json(value)
}

/// The wire names (as serde writes them), without serde's enum machinery.
fn ranker_name(kind: RankerKind) -> &'static str {
    match kind {
        RankerKind::Server => "server",
        RankerKind::Affinity => "affinity",
        RankerKind::Model => "model",
    }
}

fn status_name(status: ModelStatus) -> &'static str {
    match status {
        ModelStatus::Used => "used",
        ModelStatus::NoSignal => "no_signal",
        ModelStatus::Failed => "failed",
    }
}

/// A re-rank result in the compact form (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct CompactRanking {
    /// Input position (in the caller's list) of the item ranked `p`.
    pub index: Vec<u32>,
    /// Server position of the item ranked `p`.
    pub server: Vec<u32>,
    /// Score of the item ranked `p` (0 where not finite).
    pub score: Vec<f32>,
    /// `{ ranker, reasons, dropped, ignoredPins, modelStatus?, fallbackReason? }` as JSON.
    pub meta: String,
}

/// Writes `output` (ranked from `prepared`) in the compact form.
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
pub fn compact(output: &RankOutput, prepared: &[Prepared]) -> CompactRanking {
    // Server positions are unique within a call: they map an item back to its input index.
    let mut index_of = vec![0u32; prepared.len()];
    for p in prepared {
        if let Some(slot) = index_of.get_mut(p.server_position) {
            *slot = p.index as u32;
        }
    }
    let items = &output.items;
    let mut index = Vec::with_capacity(items.len());
    let mut server = Vec::with_capacity(items.len());
    let mut score = Vec::with_capacity(items.len());
    for it in items {
        index.push(index_of.get(it.server_position).copied().unwrap_or(0));
        server.push(it.server_position as u32);
        let s = it.score as f32;
        score.push(if s.is_finite() { s } else { 0.0 });
    }
    let mut meta = String::with_capacity(128);
    let _ = write!(meta, "{{\"ranker\":\"{}\"", ranker_name(output.ranker));
    meta.push_str(",\"reasons\":[");
    let mut first = true;
    for (p, it) in items.iter().enumerate() {
        if let Some(r) = &it.reason {
            let _ = write!(
                meta,
                "{}[{p},{},{},{}]",
                if first { "" } else { "," },
                json(&r.attribute),
                json(&r.value),
                json(&r.text)
            );
            first = false;
        }
    }
    meta.push(']');
    let _ = write!(
        meta,
        ",\"dropped\":{},\"ignoredPins\":{}",
        json(&output.dropped),
        json(&output.ignored_pins)
    );
    if let Some(status) = output.model_status {
        let _ = write!(meta, ",\"modelStatus\":\"{}\"", status_name(status));
    }
    if let Some(reason) = &output.fallback_reason {
        let _ = write!(meta, ",\"fallbackReason\":{}", json(reason));
    }
    meta.push('}');
    CompactRanking {
        index,
        server,
        score,
        meta,
    }
}
