//! Ranking metrics at a cutoff, with binary relevance.

use std::collections::HashSet;

/// Average precision at `k` (the Kaggle H&M definition): the sum of precision at each
/// relevant position in the top `k`, divided by `min(|relevant|, k)`.
pub fn average_precision(ranked: &[&str], relevant: &HashSet<&str>, k: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let mut hits = 0.0;
    let mut sum = 0.0;
    for (i, id) in ranked.iter().take(k).enumerate() {
        if relevant.contains(id) {
            hits += 1.0;
            sum += hits / (i as f64 + 1.0);
        }
    }
    sum / relevant.len().min(k) as f64
}

/// Normalised discounted cumulative gain at `k`: `Σ rel_i / log2(i + 2)` over the top `k`,
/// divided by the same sum for an ideal ranking of `min(|relevant|, k)` hits.
pub fn ndcg(ranked: &[&str], relevant: &HashSet<&str>, k: usize) -> f64 {
    let discount = |i: usize| 1.0 / (i as f64 + 2.0).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .filter(|(_, id)| relevant.contains(*id))
        .map(|(i, _)| discount(i))
        .sum();
    let ideal: f64 = (0..relevant.len().min(k)).map(discount).sum();
    if ideal > 0.0 {
        dcg / ideal
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_partial_rankings() {
        let rel: HashSet<&str> = ["a", "b"].into();
        assert_eq!(average_precision(&["a", "b", "c"], &rel, 12), 1.0);
        assert_eq!(ndcg(&["a", "b", "c"], &rel, 12), 1.0);
        // Hit at rank 2 only: AP = (1/2) / 2.
        assert_eq!(average_precision(&["c", "a", "d"], &rel, 12), 0.25);
        let n = ndcg(&["c", "a", "d"], &rel, 12);
        let expected = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!((n - expected).abs() < 1e-12);
        // Beyond the cutoff counts for nothing.
        assert_eq!(average_precision(&["c", "d", "a"], &rel, 2), 0.0);
        assert_eq!(ndcg(&[], &HashSet::new(), 12), 0.0);
    }
}
