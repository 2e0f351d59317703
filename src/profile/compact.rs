//! Keeping the stored profile small: retention, weight floors and a hard byte budget.
//!
//! Every part of the profile has a count cap (values per attribute, coverage values, session
//! and recent items), but attribute values and ids can be long, so the byte size is bounded
//! separately. Each event adds at most [`growth_bound`] bytes to the serialised JSON, and the
//! profile keeps an upper bound of its size (last exact measure + growth since). Only when that
//! bound passes [`BUDGET_BYTES`] is the JSON measured exactly (the same serialisation as the
//! stored one, so the bundle carries a single copy of it); if it really is over, the profile is
//! compacted below
//! [`TARGET_BYTES`]: oldest recent items first, then the weakest affinities, then the
//! shallowest coverage values, then the session. So after every `apply` the stored JSON is at
//! most `BUDGET_BYTES` < [`MAX_STORED_BYTES`], at an amortised cost well under a microsecond
//! per event.

use super::config::ProfileConfig;
use super::{prune, Profile, PRICE_BAND, WEIGHT_FLOOR};
use crate::event::Event;

/// The promise: the stored profile JSON never exceeds this many bytes (64 KiB).
pub const MAX_STORED_BYTES: usize = 64 * 1024;
/// Above this measured size, the profile is compacted.
pub const BUDGET_BYTES: usize = 56 * 1024;
/// Compaction shrinks the profile to at most this size.
pub const TARGET_BYTES: usize = 40 * 1024;

/// How much the profile's fixed numeric fields (about 20 numbers of at most 24 characters)
/// can grow between two measures, whatever the events.
pub const FIXED_SLACK: usize = 512;

/// An upper bound of the serialised size: the last exact measure plus the growth since.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SizeGauge {
    measured: usize,
    growth: usize,
}

impl Default for SizeGauge {
    /// Unknown size (a freshly read profile): the next check measures.
    fn default() -> Self {
        SizeGauge {
            measured: BUDGET_BYTES,
            growth: 1,
        }
    }
}

impl SizeGauge {
    pub(crate) fn grow(&mut self, bytes: usize) {
        self.growth = self.growth.saturating_add(bytes);
    }

    pub(crate) fn needs_check(&self) -> bool {
        self.measured
            .saturating_add(self.growth)
            .saturating_add(FIXED_SLACK)
            > BUDGET_BYTES
    }

    fn set(&mut self, bytes: usize) {
        self.measured = bytes;
        self.growth = 0;
    }
}

/// Largest serialised size of a JSON string of `s` (control characters escape to 6 bytes).
fn json_bound(s: &str) -> usize {
    6 * s.len() + 2
}

/// An upper bound of the bytes one event can add to the stored JSON: an affinity entry per
/// tracked value (and the price band), a recent item, a session item and coverage entries.
pub fn growth_bound(event: &Event, config: &ProfileConfig) -> usize {
    const NUMBERS: usize = 64; // two f64 (≤ 24 bytes each) and punctuation
    let id = json_bound(&event.product_id);
    let mut bytes = id + 96 + id + 64 + json_bound(PRICE_BAND) + 24 + NUMBERS;
    for name in config.tracked() {
        if let Some(v) = event.attributes.get(name) {
            let pair = json_bound(name) + json_bound(v);
            bytes += pair + NUMBERS + pair + 8;
        }
    }
    for name in &config.coverage_attributes {
        if let Some(v) = event.attributes.get(name) {
            bytes += json_bound(name) + json_bound(v) + NUMBERS;
        }
    }
    bytes
}

impl Profile {
    /// The exact size of the stored JSON, in bytes.
    pub fn stored_size(&self) -> usize {
        // `to_json` is the very serialisation `persist::save` stores, so only one copy of it
        // is linked.
        crate::json::to_json(self).len()
    }

    /// Measures the size and compacts when over [`BUDGET_BYTES`].
    pub(crate) fn enforce_budget(&mut self, config: &ProfileConfig) {
        let size = self.stored_size();
        self.size.set(size);
        if size > BUDGET_BYTES {
            self.compact_to(TARGET_BYTES, config);
        }
    }

    /// Shrinks the profile until its JSON is at most `target` bytes, least useful data first.
    /// Returns the final size.
    pub fn compact_to(&mut self, target: usize, config: &ProfileConfig) -> usize {
        let now = self.updated_ms;
        let half_life = config.half_life_ms();
        let mut size = self.stored_size();
        let mut round = 0;
        while size > target && round < 64 {
            round += 1;
            if self.recent.len() > 8 {
                let drop = self.recent.len() / 2;
                self.recent.drain(..drop);
            } else if let Some(values) = self
                .affinities
                .values_mut()
                .filter(|v| v.len() > 4)
                .max_by_key(|v| v.len())
            {
                let keep = values.len() * 3 / 4;
                prune(values, keep, now, half_life, WEIGHT_FLOOR);
            } else if let Some(values) = self
                .coverage
                .values_mut()
                .filter(|v| v.len() > 4)
                .max_by_key(|v| v.len())
            {
                let keep = values.len() * 3 / 4;
                while values.len() > keep {
                    super::coverage::evict_one(values);
                }
            } else if !self.session.items.is_empty() || !self.recent.is_empty() {
                self.session.items.clear();
                self.recent.clear();
            } else {
                // Only a few long values per attribute are left: drop them all.
                self.affinities.clear();
                self.coverage.clear();
            }
            size = self.stored_size();
        }
        self.size.set(size);
        size
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn growth_bound_covers_the_real_growth_of_one_event() {
        let cfg = ProfileConfig::default();
        let mut p = Profile::default();
        let before = p.stored_size();
        let json = r#"{"type":"purchase","productId":"p\u0001\"x","price":30,"timestamp":5,
            "attributes":{"colour":"Bl\u0002ue\"","productType":"Dress","department":"D\\e"}}"#;
        let e = Event::from_json(json, 0.0).unwrap();
        p.apply(&e, &cfg);
        let grown = p.stored_size() - before;
        let bound = growth_bound(&e, &cfg) + FIXED_SLACK;
        assert!(bound >= grown, "{bound} < {grown}");
    }

    #[test]
    fn compaction_reaches_the_target() {
        let cfg = ProfileConfig {
            max_values_per_attribute: 256,
            ..ProfileConfig::default()
        };
        let mut p = Profile::default();
        for i in 0..400 {
            let long = format!("{i}-{}", "v".repeat(100));
            let json = serde_json::json!({"type": "purchase", "productId": format!("{i}{}", "x".repeat(100)),
                "attributes": {"colour": long, "productType": long, "department": long}, "timestamp": i});
            p.apply(&Event::from_json(&json.to_string(), 0.0).unwrap(), &cfg);
            assert!(p.stored_size() <= BUDGET_BYTES);
        }
        let size = p.compact_to(4_000, &cfg);
        assert!(size <= 4_000, "{size}");
    }
}
