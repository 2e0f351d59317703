//! Per-candidate interaction features, and the per-call view of the shopper they read from.
//!
//! [`ShopperView::new`] turns [`ShopperSignals`] into arrays indexed by item-table row (the
//! share of the shopper's history and quiz mass held by each attribute value, how many
//! session items have it), so each candidate then costs one vocabulary lookup per attribute
//! and a handful of array reads. The same code feeds the trainer and the browser.

use super::shopper::Engagement;
use super::{ShopperSignals, SpecIndex, WeightedValue};
use crate::collections::VecMap;
use crate::product::Candidate;

/// Names of the cross features, in the order of [`CrossFeatures`]. A model lists them in its
/// spec; a model built for a different list is refused.
pub const CROSS_FEATURES: [&str; 16] = [
    "server_position",
    "server_log_rank",
    "server_score",
    "has_server_score",
    "affinity",
    "item_seen",
    "item_recency",
    "group_seen",
    "group_recency",
    "session_match",
    "quiz_match",
    "price_ratio",
    "has_price_ratio",
    "profile_strength",
    "history_size",
    "has_embedding",
];
/// Number of cross features.
pub const CROSS_COUNT: usize = CROSS_FEATURES.len();
/// One candidate's cross features.
pub type CrossFeatures = [f32; CROSS_COUNT];

/// Position of each cross feature, for readable indexing.
#[allow(missing_docs)]
pub mod idx {
    pub const SERVER_POSITION: usize = 0;
    pub const SERVER_LOG_RANK: usize = 1;
    pub const SERVER_SCORE: usize = 2;
    pub const HAS_SERVER_SCORE: usize = 3;
    pub const AFFINITY: usize = 4;
    pub const ITEM_SEEN: usize = 5;
    pub const ITEM_RECENCY: usize = 6;
    pub const GROUP_SEEN: usize = 7;
    pub const GROUP_RECENCY: usize = 8;
    pub const SESSION_MATCH: usize = 9;
    pub const QUIZ_MATCH: usize = 10;
    pub const PRICE_RATIO: usize = 11;
    pub const HAS_PRICE_RATIO: usize = 12;
    pub const PROFILE_STRENGTH: usize = 13;
    pub const HISTORY_SIZE: usize = 14;
    pub const HAS_EMBEDDING: usize = 15;
}

/// Where a candidate sits in the server's list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerSlot {
    /// 0-based position in the server's order.
    pub position: usize,
    /// Length of the list.
    pub list_len: usize,
    /// Largest |serverScore| in the list (scores are divided by it); 0 if none.
    pub max_abs_score: f64,
}

/// What the cross features read from a candidate alone (with its place in the list): fixed
/// for a registered candidate set, so computed once there (`Model::item_cache`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixedCross {
    /// `server_position`, `server_log_rank`, `server_score`, `has_server_score`.
    server: [f32; 4],
    /// `ln(price)` for a usable (finite, positive) price.
    ln_price: Option<f64>,
}

impl FixedCross {
    /// The candidate's fixed inputs.
    pub fn new(candidate: &Candidate, slot: ServerSlot) -> FixedCross {
        let n = slot.list_len.max(1) as f32;
        let mut server = [
            1.0 - slot.position as f32 / n,
            (slot.position as f32).ln_1p() / 8.0,
            0.0,
            0.0,
        ];
        if let Some(score) = candidate.server_score.filter(|s| s.is_finite()) {
            if slot.max_abs_score > 0.0 {
                server[2] = (score / slot.max_abs_score) as f32;
            }
            server[3] = 1.0;
        }
        let ln_price = candidate
            .price
            .filter(|p| p.is_finite() && *p > 0.0)
            .map(f64::ln);
        FixedCross { server, ln_price }
    }
}

/// A candidate's engagement features: item weight and recency, group weight and recency.
pub type Engaged = [f32; 4];

/// The shopper, precomputed for one re-rank call (borrowing the signals' item and group keys).
#[derive(Debug, Clone)]
pub struct ShopperView<'a> {
    /// History pool: (item-table row, weight); weights sum to at most 1 in magnitude.
    pub history_pool: Vec<(u32, f32)>,
    /// Session pool: each session item's rows, weighted 1 / session length.
    pub session_pool: Vec<(u32, f32)>,
    /// Quiz pool, normalised like the history pool.
    pub quiz_pool: Vec<(u32, f32)>,
    /// Context-table rows.
    pub context_rows: Vec<u32>,
    history_share: Vec<f32>,
    quiz_share: Vec<f32>,
    session_count: Vec<f32>,
    session_norm: f32,
    // Sorted by key (the signals' own order): binary-search lookups, or one merge with a
    // candidate set's sorted keys.
    items: Vec<(&'a str, [f32; 2])>,
    groups: Vec<(&'a str, [f32; 2])>,
    /// `ln(typical price)`, when there is a usable one.
    ln_typical_price: Option<f64>,
    strength: f32,
    history_size: f32,
}

/// Per-row shares of a list of weighted values, and the pool (row, share / attributes).
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
fn shares(index: &SpecIndex, values: &[WeightedValue]) -> (Vec<f32>, Vec<(u32, f32)>) {
    let mut mass = vec![0.0f64; index.attribute_count()];
    let attr_of = |name: &str| index.spec().attributes.iter().position(|a| a.name == name);
    let mut located: Vec<(usize, &WeightedValue)> = Vec::with_capacity(values.len());
    for v in values {
        if v.weight.is_finite() {
            if let Some(attr) = attr_of(&v.attribute) {
                located.push((attr, v));
            }
        }
    }
    for (attr, v) in &located {
        mass[*attr] += v.weight.abs();
    }
    let known = mass.iter().filter(|m| **m > 0.0).count().max(1) as f32;
    let mut share = vec![0.0f32; index.item_table_rows()];
    let mut pool = Vec::new();
    for (attr, v) in located {
        let Some(row) = index.row_of(attr, &v.value) else {
            continue;
        };
        if index.describe_row(row).is_none() || mass[attr] <= 0.0 {
            continue; // unknown value: no share of its own
        }
        let s = (v.weight / mass[attr]) as f32;
        share[row as usize] += s;
        pool.push((row, s / known));
    }
    // The affinity feature averages over attributes the shopper has evidence on.
    for s in &mut share {
        *s /= known;
    }
    (share, pool)
}

fn signed_log(w: f64) -> f32 {
    (w.signum() * w.abs().ln_1p()) as f32
}

/// `key`'s value in a list sorted by key.
fn lookup(list: &[(&str, [f32; 2])], key: &str) -> Option<[f32; 2]> {
    list.binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| list[i].1)
}

/// Merges a sorted `(key, value)` list with `order`, `(candidate, key)` pairs sorted by key
/// (several candidates may share one); writes each match's value into
/// `out[candidate][at..at + 2]`.
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
fn merge<'k>(
    list: &[(&str, [f32; 2])],
    order: impl Iterator<Item = (u32, &'k str)>,
    out: &mut [Engaged],
    at: usize,
) {
    let mut i = 0;
    for (candidate, key) in order {
        while i < list.len() && list[i].0 < key {
            i += 1;
        }
        if let (Some((k, v)), Some(slot)) = (list.get(i), out.get_mut(candidate as usize)) {
            if *k == key {
                slot[at..at + 2].copy_from_slice(v);
            }
        }
    }
}

impl<'a> ShopperView<'a> {
    /// Precomputes the shopper for `index`'s vocabularies.
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    pub fn new(index: &SpecIndex, signals: &'a ShopperSignals) -> ShopperView<'a> {
        let (history_share, history_pool) = shares(index, &signals.history);
        let (quiz_share, quiz_pool) = shares(index, &signals.quiz);
        let mut session_count = vec![0.0f32; index.item_table_rows()];
        let mut session_pool = Vec::new();
        let session_len = signals.session.len().max(1) as f32;
        let mut rows = Vec::new();
        for item in &signals.session {
            rows.clear();
            index.rows_of_attributes(&item.attributes, item.price, &mut rows);
            for &row in &rows {
                session_count[row as usize] += 1.0;
                session_pool.push((row, 1.0 / session_len));
            }
        }
        // (signed log weight, recency with a one-week half-life)
        let to_fx = |map: &'a VecMap<String, Engagement>| -> Vec<(&'a str, [f32; 2])> {
            map.iter()
                .map(|(k, e)| {
                    (
                        k.as_str(),
                        [
                            signed_log(e.weight),
                            crate::math::exp2(-e.days_since / 7.0) as f32,
                        ],
                    )
                })
                .collect()
        };
        ShopperView {
            history_pool,
            session_pool,
            quiz_pool,
            context_rows: index.context_rows(&signals.context),
            history_share,
            quiz_share,
            session_count,
            session_norm: session_len * index.attribute_count() as f32,
            items: to_fx(&signals.items),
            groups: to_fx(&signals.groups),
            ln_typical_price: signals
                .typical_price
                .filter(|p| p.is_finite() && *p > 0.0)
                .map(f64::ln),
            strength: signed_log(signals.strength),
            history_size: ((signals.event_count as f64).ln_1p() / 5.0) as f32,
        }
    }

    /// The cross features of one candidate, given its item-table rows.
    pub fn cross(
        &self,
        index: &SpecIndex,
        candidate: &Candidate,
        rows: &[u32],
        slot: ServerSlot,
        has_embedding: bool,
    ) -> CrossFeatures {
        let fixed = FixedCross::new(candidate, slot);
        let engaged = self.engaged(index, candidate);
        self.cross_with(&fixed, engaged, self.row_sums(rows), has_embedding)
    }

    /// A candidate's engagement features, by lookup.
    pub fn engaged(&self, index: &SpecIndex, candidate: &Candidate) -> Engaged {
        let mut out = [0.0; 4];
        if let Some(v) = lookup(&self.items, &candidate.id) {
            out[..2].copy_from_slice(&v);
        }
        let group = index
            .spec()
            .group_attribute
            .as_deref()
            .and_then(|g| candidate.attributes.get(g));
        if let Some(v) = group.and_then(|g| lookup(&self.groups, g)) {
            out[2..].copy_from_slice(&v);
        }
        out
    }

    /// Every candidate's engagement features in one merge pass over the shopper's items and
    /// groups: `by_id` lists `(candidate, id)` and `by_group` `(candidate, group)`, each
    /// sorted by key (a candidate set keeps both, so a re-rank does no lookups).
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    pub fn engaged_all<'k>(
        &self,
        count: usize,
        by_id: impl Iterator<Item = (u32, &'k str)>,
        by_group: impl Iterator<Item = (u32, &'k str)>,
    ) -> Vec<Engaged> {
        let mut out = vec![[0.0; 4]; count];
        merge(&self.items, by_id, &mut out, 0);
        merge(&self.groups, by_group, &mut out, 2);
        out
    }

    /// Per item-table row: `[score, history share, quiz share, session count]`, `score` from
    /// `row_scores` (0 past its end). Summing a candidate's rows of this table gives its dot
    /// product and [`ShopperView::row_sums`] in one pass of four-wide adds.
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    pub fn row_table(&self, row_scores: &[f32]) -> Vec<[f32; 4]> {
        (0..self.history_share.len())
            .map(|r| {
                [
                    row_scores.get(r).copied().unwrap_or(0.0),
                    self.history_share[r],
                    self.quiz_share.get(r).copied().unwrap_or(0.0),
                    self.session_count.get(r).copied().unwrap_or(0.0),
                ]
            })
            .collect()
    }

    /// `[history share, quiz share, session count]` summed over a candidate's rows.
    pub fn row_sums(&self, rows: &[u32]) -> [f32; 3] {
        let mut sums = [0.0f32; 3];
        for &row in rows {
            let r = row as usize;
            sums[0] += self.history_share.get(r).copied().unwrap_or(0.0);
            sums[1] += self.quiz_share.get(r).copied().unwrap_or(0.0);
            sums[2] += self.session_count.get(r).copied().unwrap_or(0.0);
        }
        sums
    }

    /// The cross features from a candidate's fixed inputs, engagement and
    /// [`ShopperView::row_sums`].
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    pub fn cross_with(
        &self,
        fixed: &FixedCross,
        engaged: Engaged,
        row_sums: [f32; 3],
        has_embedding: bool,
    ) -> CrossFeatures {
        let mut x = [0.0f32; CROSS_COUNT];
        x[idx::SERVER_POSITION..=idx::HAS_SERVER_SCORE].copy_from_slice(&fixed.server);
        let [affinity, quiz, session] = row_sums;
        x[idx::AFFINITY] = affinity;
        x[idx::QUIZ_MATCH] = quiz;
        x[idx::SESSION_MATCH] = session / self.session_norm.max(1.0);
        x[idx::ITEM_SEEN..=idx::GROUP_RECENCY].copy_from_slice(&engaged);
        if let (Some(price), Some(typical)) = (fixed.ln_price, self.ln_typical_price) {
            // A ratio, so the feature means the same in any currency.
            x[idx::PRICE_RATIO] = (price - typical).clamp(-3.0, 3.0) as f32;
            x[idx::HAS_PRICE_RATIO] = 1.0;
        }
        x[idx::PROFILE_STRENGTH] = self.strength;
        x[idx::HISTORY_SIZE] = self.history_size;
        x[idx::HAS_EMBEDDING] = f32::from(u8::from(has_embedding));
        x
    }
}
