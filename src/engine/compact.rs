//! The re-rank result in the compact form the wasm glue returns: parallel arrays instead of
//! one object per item, and input positions instead of ids.
//!
//! ```json
//! { "ranker": "model", "index": [2, 0, 1], "server": [2, 0, 1], "score": [0.9, 0.5, 0.1],
//!   "reasons": [[0, "colour", "Red", "Because you liked Red"]], "dropped": [],
//!   "ignoredPins": [], "modelStatus": "used" }
//! ```
//!
//! `index[p]` is the position in the caller's list of the item ranked `p`, `server[p]` its
//! place in the server's order, `score[p]` its score (f32 precision); `reasons` lists
//! `[p, attribute, value, text]` for the items that have one. The wrapper rebuilds
//! `{ id, score, position, serverPosition, reason, candidate }` from its own list, so ids and
//! field names never cross the boundary: about a sixth of the bytes of the object form, and
//! number arrays are what `JSON.parse` reads fastest (see docs/MODEL.md).

use std::fmt::Write as _;

use crate::rank::{ModelStatus, Prepared, RankOutput, RankerKind};

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
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

/// Writes `output` (ranked from `prepared`) in the compact form.
pub fn compact_json(output: &RankOutput, prepared: &[Prepared]) -> String {
    // Server positions are unique within a call: they map an item back to its input index.
    let mut index_of = vec![0usize; prepared.len()];
    for p in prepared {
        if let Some(slot) = index_of.get_mut(p.server_position) {
            *slot = p.index;
        }
    }
    let items = &output.items;
    let mut s = String::with_capacity(64 + items.len() * 24);
    let _ = write!(s, "{{\"ranker\":\"{}\"", ranker_name(output.ranker));
    s.push_str(",\"index\":[");
    for (i, it) in items.iter().enumerate() {
        let index = index_of.get(it.server_position).copied().unwrap_or(0);
        let _ = write!(s, "{}{index}", if i > 0 { "," } else { "" });
    }
    s.push_str("],\"server\":[");
    for (i, it) in items.iter().enumerate() {
        let _ = write!(s, "{}{}", if i > 0 { "," } else { "" }, it.server_position);
    }
    // f32 precision: shorter to write and to parse; the order is already decided.
    s.push_str("],\"score\":[");
    for (i, it) in items.iter().enumerate() {
        let score = it.score as f32;
        let score = if score.is_finite() { score } else { 0.0 };
        let _ = write!(s, "{}{score}", if i > 0 { "," } else { "" });
    }
    s.push(']');
    s.push_str(",\"reasons\":[");
    let mut first = true;
    for (p, it) in items.iter().enumerate() {
        if let Some(r) = &it.reason {
            let _ = write!(
                s,
                "{}[{p},{},{},{}]",
                if first { "" } else { "," },
                json(&r.attribute),
                json(&r.value),
                json(&r.text)
            );
            first = false;
        }
    }
    s.push(']');
    let _ = write!(
        s,
        ",\"dropped\":{},\"ignoredPins\":{}",
        json(&output.dropped),
        json(&output.ignored_pins)
    );
    if let Some(status) = output.model_status {
        let _ = write!(s, ",\"modelStatus\":\"{}\"", status_name(status));
    }
    if let Some(reason) = &output.fallback_reason {
        let _ = write!(s, ",\"fallbackReason\":{}", json(reason));
    }
    s.push('}');
    s
}
