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

use crate::json::{ToJson, Writer};
use crate::rank::{Prepared, RankOutput};

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
    let meta = crate::json::to_json(&Meta(output));
    CompactRanking {
        index,
        server,
        score,
        meta,
    }
}

/// The `meta` document of a result, written straight into one JSON writer.
struct Meta<'a>(&'a RankOutput);

impl ToJson for Meta<'_> {
    fn write_json(&self, w: &mut Writer) {
        let output = self.0;
        w.field("{\"ranker\":", &output.ranker);
        w.raw(",\"reasons\":[");
        let mut open = "[";
        for (p, it) in output.items.iter().enumerate() {
            if let Some(r) = &it.reason {
                w.raw(open);
                w.unsigned(p as u64);
                w.field(",", &r.attribute);
                w.field(",", &r.value);
                w.field(",", &r.text);
                w.raw("]");
                open = ",[";
            }
        }
        w.raw("]");
        w.field(",\"dropped\":", &output.dropped);
        w.field(",\"ignoredPins\":", &output.ignored_pins);
        if let Some(status) = &output.model_status {
            w.field(",\"modelStatus\":", status);
        }
        if let Some(reason) = &output.fallback_reason {
            w.field(",\"fallbackReason\":", reason);
        }
        w.raw("}");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::fmt::Write as _;
    use std::rc::Rc;

    use proptest::prelude::*;

    use super::*;
    use crate::rank::options::IgnoredPin;
    use crate::rank::{DroppedCandidate, ModelStatus, RankedItem, RankerKind, Reason};

    /// The `meta` writer before it wrote into one `Writer` (`write!` pieces and a `String`
    /// per value): the oracle.
    fn old_meta(output: &RankOutput) -> String {
        let json = |value: &dyn ToJson| crate::json::to_json(value);
        let ranker = match output.ranker {
            RankerKind::Server => "server",
            RankerKind::Affinity => "affinity",
            RankerKind::Model => "model",
        };
        let mut meta = String::with_capacity(128);
        let _ = write!(meta, "{{\"ranker\":\"{ranker}\"");
        meta.push_str(",\"reasons\":[");
        let mut first = true;
        for (p, it) in output.items.iter().enumerate() {
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
            let status = match status {
                ModelStatus::Used => "used",
                ModelStatus::NoSignal => "no_signal",
                ModelStatus::Failed => "failed",
            };
            let _ = write!(meta, ",\"modelStatus\":\"{status}\"");
        }
        if let Some(reason) = &output.fallback_reason {
            let _ = write!(meta, ",\"fallbackReason\":{}", json(reason));
        }
        meta.push('}');
        meta
    }

    fn text() -> impl Strategy<Value = String> {
        "[a-z\"\\\\\n\u{1}é€ ]{0,8}"
    }

    proptest! {
        #[test]
        fn meta_is_written_as_before(
            ranker in 0usize..3,
            reasons in proptest::collection::vec(
                proptest::option::of((text(), text(), text())), 0..8),
            dropped in proptest::collection::vec((0usize..50, text(), text()), 0..3),
            pins in proptest::collection::vec((text(), 0usize..50, text()), 0..3),
            status in proptest::option::of(0usize..3),
            fallback in proptest::option::of(text()),
        ) {
            let output = RankOutput {
                items: reasons
                    .into_iter()
                    .enumerate()
                    .map(|(i, reason)| RankedItem {
                        id: Rc::from(format!("c{i}").as_str()),
                        score: i as f64,
                        position: i,
                        server_position: i,
                        reason: reason.map(|(attribute, value, text)| Reason { attribute, value, text }),
                    })
                    .collect(),
                ranker: [RankerKind::Server, RankerKind::Affinity, RankerKind::Model][ranker],
                dropped: dropped
                    .into_iter()
                    .map(|(index, id, reason)| DroppedCandidate { index, id, reason })
                    .collect(),
                ignored_pins: pins
                    .into_iter()
                    .map(|(id, position, reason)| IgnoredPin { id, position, reason })
                    .collect(),
                model_status: status
                    .map(|s| [ModelStatus::Used, ModelStatus::NoSignal, ModelStatus::Failed][s]),
                fallback_reason: fallback,
            };
            let new = compact(&output, &[]).meta;
            prop_assert_eq!(&new, &old_meta(&output));
            prop_assert!(serde_json::from_str::<serde_json::Value>(&new).is_ok());
        }
    }
}
