//! Exponentially decayed weights, stored lazily as (weight, time) pairs.
//!
//! A weight is only decayed when it is touched or read, so an update costs O(attributes)
//! whatever the history length.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::collections::{self, VecMap};

/// Largest magnitude any single weight may reach; keeps scores finite under any event stream.
pub const MAX_WEIGHT: f64 = 1.0e4;

/// A weight `w` observed at time `t` (ms); its value at `now` is `w · 2^(-(now-t)/half_life)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decayed(pub f64, pub f64);

/// A tuple struct reads as an array of its fields.
impl crate::json::FromJson for Decayed {
    fn read(r: &mut crate::json::Reader<'_>) -> Result<Decayed, crate::json::Error> {
        let (weight, at) = r.pair(
            "tuple struct Decayed",
            "tuple struct Decayed with 2 elements",
        )?;
        Ok(Decayed(weight, at))
    }
}

impl Decayed {
    /// The weight's value at `now_ms`. Reading "before" `t` never grows the weight.
    pub fn value_at(self, now_ms: f64, half_life_ms: f64) -> f64 {
        let age = (now_ms - self.1).max(0.0);
        self.0 * crate::math::exp2(-age / half_life_ms)
    }

    /// Adds `delta` observed at `at_ms`; out-of-order (older) observations are decayed to the
    /// stored time instead of moving the clock back.
    pub fn add(&mut self, delta: f64, at_ms: f64, half_life_ms: f64) {
        if at_ms >= self.1 {
            self.0 = self.value_at(at_ms, half_life_ms) + delta;
            self.1 = at_ms;
        } else {
            self.0 += delta * crate::math::exp2(-(self.1 - at_ms) / half_life_ms);
        }
        self.0 = self.0.clamp(-MAX_WEIGHT, MAX_WEIGHT);
    }

    /// Whether the stored pair is usable (finite weight within bounds, finite time).
    pub fn is_sane(self) -> bool {
        self.0.is_finite() && self.0.abs() <= MAX_WEIGHT && self.1.is_finite() && self.1 >= 0.0
    }
}

/// Decayed weights for the values of one attribute (e.g. every colour seen).
pub type ValueWeights = VecMap<String, Decayed>;

/// A map from values to decayed weights that [`prune`] can shrink: the profile's
/// [`ValueWeights`], or a `BTreeMap` kept elsewhere (e.g. the item memory).
pub trait DecayedMap {
    /// How many values.
    fn value_count(&self) -> usize;
    /// Keeps the values for which `keep` returns true.
    fn retain_values(&mut self, keep: &mut dyn FnMut(&str, &Decayed) -> bool);
    /// Every value with its weight.
    fn weights(&self) -> Vec<(&str, Decayed)>;
}

impl DecayedMap for ValueWeights {
    fn value_count(&self) -> usize {
        self.len()
    }
    fn retain_values(&mut self, keep: &mut dyn FnMut(&str, &Decayed) -> bool) {
        self.retain(|k, d| keep(k, d));
    }
    fn weights(&self) -> Vec<(&str, Decayed)> {
        self.iter().map(|(k, d)| (k.as_str(), *d)).collect()
    }
}

impl DecayedMap for BTreeMap<String, Decayed> {
    fn value_count(&self) -> usize {
        self.len()
    }
    fn retain_values(&mut self, keep: &mut dyn FnMut(&str, &Decayed) -> bool) {
        self.retain(|k, d| keep(k, d));
    }
    fn weights(&self) -> Vec<(&str, Decayed)> {
        self.iter().map(|(k, d)| (k.as_str(), *d)).collect()
    }
}

/// Keeps at most `max` values, dropping those with the smallest current magnitude
/// (ties: the lexicographically larger value goes first, so pruning is deterministic).
pub fn prune<M: DecayedMap + ?Sized>(
    values: &mut M,
    max: usize,
    now_ms: f64,
    half_life_ms: f64,
    floor: f64,
) {
    values.retain_values(&mut |_, d| d.value_at(now_ms, half_life_ms).abs() >= floor);
    if values.value_count() <= max {
        return;
    }
    let doomed = weakest(values.weights(), max, now_ms, half_life_ms);
    values.retain_values(&mut |k, _| !doomed.iter().any(|d| d == k));
}

/// The values beyond the `keep` strongest (a handful: pruning runs as soon as one is over).
fn weakest(
    weights: Vec<(&str, Decayed)>,
    keep: usize,
    now_ms: f64,
    half_life_ms: f64,
) -> Vec<String> {
    let mut ranked: Vec<(f64, &str)> = Vec::with_capacity(weights.len());
    for (k, d) in weights {
        ranked.push((d.value_at(now_ms, half_life_ms).abs(), k));
    }
    collections::sort_by(&mut ranked, |a, b| {
        b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1))
    });
    let mut doomed = Vec::new();
    for (_, k) in ranked.iter().skip(keep) {
        doomed.push((*k).to_owned());
    }
    doomed
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const DAY: f64 = 86_400_000.0;

    #[test]
    fn halves_after_one_half_life() {
        let d = Decayed(8.0, 0.0);
        assert!((d.value_at(7.0 * DAY, 7.0 * DAY) - 4.0).abs() < 1e-9);
    }

    #[test]
    fn out_of_order_events_do_not_rewind_time() {
        let mut d = Decayed(0.0, 0.0);
        d.add(1.0, 10.0 * DAY, 10.0 * DAY);
        d.add(1.0, 0.0, 10.0 * DAY);
        assert_eq!(d.1, 10.0 * DAY);
        assert!((d.0 - 1.5).abs() < 1e-9);
    }

    #[test]
    fn prune_keeps_the_strongest() {
        let mut v = ValueWeights::new();
        for (i, k) in ["a", "b", "c", "d"].iter().enumerate() {
            v.insert((*k).into(), Decayed(i as f64 + 1.0, 0.0));
        }
        prune(&mut v, 2, 0.0, DAY, 0.0);
        assert_eq!(v.keys().cloned().collect::<Vec<_>>(), vec!["c", "d"]);
    }
}
