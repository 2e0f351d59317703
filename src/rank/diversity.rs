//! Maximal marginal relevance over the top of a ranked list (see [`super::options::Diversity`]).
//!
//! Only the first `window` items are re-selected: O(window²) similarity computations, each
//! O(attributes + embedding length), so a 10,000-item list costs the same as a 100-item one.

use super::options::{Diversity, Entry};
use crate::product::Candidate;

/// What one item is compared on: its (name, value) pairs in name order and its unit-length
/// embedding.
struct Features<'a> {
    pairs: Vec<(&'a str, &'a str)>,
    unit: Option<Vec<f64>>,
}

impl<'a> Features<'a> {
    fn new(source: Option<&'a Candidate>, options: &Diversity, names: &[&str]) -> Self {
        let Some(candidate) = source else {
            return Features {
                pairs: Vec::new(),
                unit: None,
            };
        };
        let pairs = if options.use_attributes {
            candidate
                .attributes
                .iter()
                .filter(|(name, _)| names.is_empty() || names.binary_search(&name.as_str()).is_ok())
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect()
        } else {
            Vec::new()
        };
        let unit = if options.use_embeddings {
            candidate.embedding.as_deref().and_then(unit_vector)
        } else {
            None
        };
        Features { pairs, unit }
    }
}

/// The embedding scaled to length 1, or `None` if it is empty, zero or not finite.
fn unit_vector(embedding: &[f32]) -> Option<Vec<f64>> {
    let norm = embedding
        .iter()
        .map(|x| f64::from(*x) * f64::from(*x))
        .sum::<f64>()
        .sqrt();
    (norm.is_finite() && norm > 0.0)
        .then(|| embedding.iter().map(|x| f64::from(*x) / norm).collect())
}

/// Mean of the available parts (attribute Jaccard, clamped cosine), in [0, 1]; 0 if none.
fn similarity(a: &Features, b: &Features) -> f64 {
    let mut total = 0.0;
    let mut parts = 0;
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    // Both lists are sorted by name with unique names: one merge pass.
    while i < a.pairs.len() && j < b.pairs.len() {
        match a.pairs[i].0.cmp(b.pairs[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += usize::from(a.pairs[i].1 == b.pairs[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.pairs.len() + b.pairs.len() - shared;
    if union > 0 {
        total += shared as f64 / union as f64;
        parts += 1;
    }
    if let (Some(x), Some(y)) = (&a.unit, &b.unit) {
        if x.len() == y.len() {
            let cosine: f64 = x.iter().zip(y).map(|(p, q)| p * q).sum();
            if cosine.is_finite() {
                total += cosine.clamp(0.0, 1.0);
                parts += 1;
            }
        }
    }
    if parts == 0 {
        0.0
    } else {
        total / f64::from(parts)
    }
}

/// Scores min–max normalised to [0, 1] over finite scores (all equal → 1);
/// +∞ counts as 1, NaN and −∞ as 0.
fn relevance(entries: &[Entry]) -> Vec<f64> {
    let finite = entries
        .iter()
        .map(|e| e.item.score)
        .filter(|s| s.is_finite());
    let (low, high) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), s| {
        (lo.min(s), hi.max(s))
    });
    let range = high - low;
    entries
        .iter()
        .map(|e| {
            let s = e.item.score;
            let r = if s == f64::INFINITY {
                1.0
            } else if !s.is_finite() {
                0.0
            } else if range > 0.0 {
                (s - low) / range
            } else {
                1.0
            };
            if r.is_finite() {
                r.clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect()
}

/// Re-selects the first `options.window` entries (which must be sorted best first) by MMR;
/// the rest follow unchanged. λ ≥ 1 or NaN leaves the order as it is.
#[inline(never)]
pub(super) fn diversify<'a>(mut entries: Vec<Entry<'a>>, options: &Diversity) -> Vec<Entry<'a>> {
    let k = options.window.min(entries.len());
    if k < 2 || options.lambda.is_nan() || options.lambda >= 1.0 {
        return entries;
    }
    let lambda = options.lambda.max(0.0);
    let rest = entries.split_off(k);
    let mut names: Vec<&str> = options.attributes.iter().map(String::as_str).collect();
    crate::collections::sort_by(&mut names, |a, b| a.cmp(b));
    let features: Vec<Features> = entries
        .iter()
        .map(|e| Features::new(e.source, options, &names))
        .collect();
    let relevance = relevance(&entries);
    let mut taken = vec![false; k];
    let mut closest = vec![0.0f64; k];
    let mut order = Vec::with_capacity(k);
    for _ in 0..k {
        // Strictly greater: among equal values the better-ranked item wins.
        let mut best: Option<(usize, f64)> = None;
        for j in (0..k).filter(|j| !taken[*j]) {
            let value = lambda * relevance[j] - (1.0 - lambda) * closest[j];
            match best {
                Some((_, b)) if value <= b => {}
                _ => best = Some((j, value)),
            }
        }
        let Some((chosen, _)) = best else {
            break;
        };
        taken[chosen] = true;
        order.push(chosen);
        for r in (0..k).filter(|r| !taken[*r]) {
            closest[r] = closest[r].max(similarity(&features[chosen], &features[r]));
        }
    }
    let mut slots: Vec<Option<Entry<'a>>> = entries.into_iter().map(Some).collect();
    let mut out: Vec<Entry<'a>> = order.into_iter().filter_map(|j| slots[j].take()).collect();
    out.extend(rest);
    out
}
