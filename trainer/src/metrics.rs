//! Ranking metrics at 12 and paired bootstrap confidence intervals.
//!
//! - **MAP@12** (the H&M competition's definition): `Σₖ P(k)·rel(k) / min(|targets|, 12)`.
//! - **NDCG@12** with binary relevance.
//! - **Recall@12**: hits in the top 12 over all targets.
//! - **Candidate recall**: targets present anywhere in the candidate list over all targets;
//!   it bounds what any re-ranker can reach.
//!
//! Targets are every item bought in the window, including those the server did not propose,
//! so re-ranking gains are never inflated by ignoring retrieval misses.

use serde::Serialize;

use crate::rng::Rng;

/// Cut-off of the ranking metrics.
pub const K: usize = 12;

/// One case's metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CaseMetrics {
    /// MAP@12.
    pub map: f64,
    /// NDCG@12.
    pub ndcg: f64,
    /// Recall@12.
    pub recall: f64,
}

/// Metrics of a ranked list (item indices, best first) against a sorted target set.
pub fn case_metrics(ranked: &[u32], targets_sorted: &[u32]) -> CaseMetrics {
    if targets_sorted.is_empty() {
        return CaseMetrics::default();
    }
    let mut hits = 0usize;
    let mut precision_sum = 0.0;
    let mut dcg = 0.0;
    for (k, item) in ranked.iter().take(K).enumerate() {
        if targets_sorted.binary_search(item).is_ok() {
            hits += 1;
            precision_sum += hits as f64 / (k + 1) as f64;
            dcg += 1.0 / ((k + 2) as f64).log2();
        }
    }
    let ideal = targets_sorted.len().min(K);
    let idcg: f64 = (0..ideal).map(|k| 1.0 / ((k + 2) as f64).log2()).sum();
    CaseMetrics {
        map: precision_sum / ideal as f64,
        ndcg: dcg / idcg,
        recall: hits as f64 / targets_sorted.len() as f64,
    }
}

/// Share of targets present in the candidate list.
pub fn candidate_recall(candidates: &[u32], targets_sorted: &[u32]) -> f64 {
    if targets_sorted.is_empty() {
        return 0.0;
    }
    let found = targets_sorted
        .iter()
        .filter(|t| candidates.contains(t))
        .count();
    found as f64 / targets_sorted.len() as f64
}

/// A mean with its 95 % bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The mean over cases.
    pub mean: f64,
    /// 2.5th percentile of the bootstrap means.
    pub low: f64,
    /// 97.5th percentile of the bootstrap means.
    pub high: f64,
}

/// Bootstrap resamples of case indices, shared by every ranker so comparisons are paired.
pub struct Resamples {
    draws: Vec<Vec<u32>>,
}

impl Resamples {
    /// `rounds` resamples of `n` cases with replacement.
    pub fn new(n: usize, rounds: usize, seed: u64) -> Resamples {
        let mut rng = Rng::new(seed);
        let draws = (0..rounds)
            .map(|_| (0..n).map(|_| rng.below(n) as u32).collect())
            .collect();
        Resamples { draws }
    }

    /// Mean and 95 % interval of per-case values.
    pub fn estimate(&self, values: &[f64]) -> Estimate {
        let mean = mean(values);
        let mut means: Vec<f64> = self
            .draws
            .iter()
            .map(|d| {
                d.iter()
                    .map(|&i| values.get(i as usize).copied().unwrap_or(0.0))
                    .sum::<f64>()
                    / d.len().max(1) as f64
            })
            .collect();
        let (low, high) = percentiles(&mut means);
        Estimate { mean, low, high }
    }

    /// 95 % interval of the ratio of two rankers' means over the same resamples.
    pub fn ratio(&self, numerator: &[f64], denominator: &[f64]) -> Estimate {
        let ratio_of = |idx: &mut dyn Iterator<Item = usize>| {
            let (mut a, mut b) = (0.0, 0.0);
            for i in idx {
                a += numerator.get(i).copied().unwrap_or(0.0);
                b += denominator.get(i).copied().unwrap_or(0.0);
            }
            if b > 0.0 {
                a / b
            } else {
                0.0
            }
        };
        let mean = ratio_of(&mut (0..numerator.len()));
        let mut ratios: Vec<f64> = self
            .draws
            .iter()
            .map(|d| ratio_of(&mut d.iter().map(|&i| i as usize)))
            .collect();
        let (low, high) = percentiles(&mut ratios);
        Estimate { mean, low, high }
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn percentiles(values: &mut [f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.025), at(0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_match_hand_computed_values() {
        // Targets {1, 3}; hits at ranks 1 and 3.
        let m = case_metrics(&[1, 2, 3, 4], &[1, 3]);
        assert!((m.map - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        let dcg = 1.0 + 1.0 / 4f64.log2();
        let idcg = 1.0 + 1.0 / 3f64.log2();
        assert!((m.ndcg - dcg / idcg).abs() < 1e-12);
        assert_eq!(m.recall, 1.0);
        // A hit beyond 12 does not count.
        let mut long: Vec<u32> = (100..112).collect();
        long.push(1);
        assert_eq!(case_metrics(&long, &[1]), CaseMetrics::default());
        // 13 targets: MAP normalises by 12, recall by 13.
        let targets: Vec<u32> = (0..13).collect();
        let all = case_metrics(&targets, &targets);
        assert!((all.map - 1.0).abs() < 1e-12 && (all.ndcg - 1.0).abs() < 1e-12);
        assert!((all.recall - 12.0 / 13.0).abs() < 1e-12);
        assert_eq!(candidate_recall(&[5, 1], &[1, 2]), 0.5);
    }

    #[test]
    fn bootstrap_brackets_the_mean_and_is_paired() {
        let values: Vec<f64> = (0..200).map(|i| f64::from(i % 7)).collect();
        let r = Resamples::new(values.len(), 500, 1);
        let e = r.estimate(&values);
        assert!(e.low < e.mean && e.mean < e.high);
        let doubled: Vec<f64> = values.iter().map(|v| v * 2.0).collect();
        let ratio = r.ratio(&doubled, &values);
        // Paired resamples: the ratio is exactly 2 in every draw.
        assert!((ratio.low - 2.0).abs() < 1e-12 && (ratio.high - 2.0).abs() < 1e-12);
        let constant = r.estimate(&[0.5; 200]);
        assert_eq!((constant.low, constant.high), (0.5, 0.5));
    }
}
