//! The baselines the model is compared with, all re-ranking the same candidate list.
//!
//! - **server**: the popularity order as given.
//! - **repurchase**: items the shopper bought before first (most recently bought first), then
//!   items of product groups they bought (most recent first), then the server's order.
//! - **item-CF**: item-to-item co-purchase. Two items co-occur when bought in the same basket
//!   (one user, one day) before the window; a candidate scores
//!   `Σ_h decay(h) · co(h, c) / √(n_h · n_c)` over the shopper's past items `h`, decayed with
//!   the profile's half-life; ties (and zero scores) keep the server's order.
//! - **affinity**: the SDK's own affinity ranker (`vitrine::rank::affinity`), on the profile
//!   replayed from the same history.

use std::collections::HashMap;

use crate::dataset::{Dataset, Tx, MISSING};

/// Most items of one basket used for co-occurrence (bounds quadratic work).
const MAX_BASKET: usize = 50;

/// Sorts candidates by descending score; ties keep the server's order (list order).
pub fn order_by_scores(items: &[u32], scores: &[f64]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order.into_iter().map(|i| items[i]).collect()
}

/// The repurchase / recency heuristic.
pub fn repurchase(data: &Dataset, history: &[Tx], items: &[u32]) -> Vec<u32> {
    let mut last_item: HashMap<u32, i32> = HashMap::new();
    let mut last_group: HashMap<u32, i32> = HashMap::new();
    for t in history {
        last_item.insert(t.item, t.day);
        let g = data.catalog.group(t.item);
        if g != MISSING {
            last_group.insert(g, t.day);
        }
    }
    // Bought items above group matches above the rest; within each tier, more recent first.
    let scores: Vec<f64> = items
        .iter()
        .map(|item| {
            if let Some(day) = last_item.get(item) {
                2.0e6 + f64::from(*day)
            } else if let Some(day) = last_group.get(&data.catalog.group(*item)) {
                1.0e6 + f64::from(*day)
            } else {
                0.0
            }
        })
        .collect();
    order_by_scores(items, &scores)
}

/// Co-purchase counts from baskets before a window.
pub struct CoPurchase {
    pairs: HashMap<u32, HashMap<u32, u32>>,
    counts: HashMap<u32, u32>,
}

impl CoPurchase {
    /// Counts co-purchases in baskets (user, day) strictly before `before_day`.
    pub fn new(data: &Dataset, before_day: i32) -> CoPurchase {
        let mut pairs: HashMap<u32, HashMap<u32, u32>> = HashMap::new();
        let mut counts: HashMap<u32, u32> = HashMap::new();
        let events: Vec<&Tx> = data
            .events
            .iter()
            .take_while(|t| t.day < before_day)
            .collect();
        // Events are sorted by (day, user): a basket is a run of equal keys.
        for basket in events.chunk_by(|a, b| a.day == b.day && a.user == b.user) {
            let mut items: Vec<u32> = basket.iter().map(|t| t.item).collect();
            items.sort_unstable();
            items.dedup();
            items.truncate(MAX_BASKET);
            for &a in &items {
                *counts.entry(a).or_default() += 1;
                for &b in &items {
                    if a != b {
                        *pairs.entry(a).or_default().entry(b).or_default() += 1;
                    }
                }
            }
        }
        CoPurchase { pairs, counts }
    }

    /// The item-CF order of a candidate list for a history (`now_day` anchors the decay).
    pub fn rank(
        &self,
        history: &[Tx],
        items: &[u32],
        now_day: i32,
        half_life_days: f64,
    ) -> Vec<u32> {
        let mut weights: HashMap<u32, f64> = HashMap::new();
        for t in history {
            let age = f64::from(now_day - t.day).max(0.0);
            *weights.entry(t.item).or_default() += (-age / half_life_days).exp2();
        }
        let scores: Vec<f64> = items
            .iter()
            .map(|c| {
                let nc = f64::from(self.counts.get(c).copied().unwrap_or(0));
                if nc == 0.0 {
                    return 0.0;
                }
                weights
                    .iter()
                    .filter_map(|(h, w)| {
                        let co = f64::from(*self.pairs.get(h)?.get(c)?);
                        let nh = f64::from(self.counts.get(h).copied().unwrap_or(1));
                        Some(w * co / (nh * nc).sqrt())
                    })
                    .sum()
            })
            .collect();
        order_by_scores(items, &scores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Catalog;
    use vitrine::event::EventKind;

    fn tx(day: i32, user: u32, item: u32) -> Tx {
        Tx {
            day,
            user,
            item,
            price: 1.0,
            kind: EventKind::Purchase,
        }
    }

    #[test]
    fn ties_keep_server_order() {
        assert_eq!(order_by_scores(&[5, 6, 7], &[0.0, 1.0, 0.0]), [6, 5, 7]);
    }

    #[test]
    fn co_purchase_lifts_items_bought_together() {
        let data = Dataset {
            catalog: Catalog::default(),
            users: vec!["a".into(), "b".into(), "c".into()],
            events: vec![
                tx(1, 0, 10),
                tx(1, 0, 11),
                tx(1, 1, 10),
                tx(1, 1, 12),
                tx(2, 1, 13),
                tx(5, 2, 11),
            ],
            files: vec![],
        };
        let co = CoPurchase::new(&data, 5);
        // The shopper bought 10; 11 and 12 were each bought with 10 once, 13 never.
        let ranked = co.rank(&[tx(3, 2, 10)], &[13, 12, 11], 5, 14.0);
        assert_eq!(ranked[2], 13);
        // 11 was bought only with 10 (n=1) like 12, so they tie and keep list order.
        assert_eq!(&ranked[..2], &[12, 11]);
        // Baskets on or after the window start are ignored.
        assert!(co.counts.get(&11).is_some_and(|n| *n == 1));
    }
}
