//! Re-rank options: business rules applied on top of any ranker's scores.
//!
//! [`apply`] takes scored items (any order) and, in this order:
//! 1. drops excluded ids and, if asked, out-of-stock candidates (reported, never ranked);
//! 2. adds the long-tail boost `boost · server_position / n` to each score;
//! 3. sorts best first (higher score, then lower server position);
//! 4. re-selects the first `diversity.window` items by maximal marginal relevance
//!    ([`Diversity`]); the rest keep their order after them;
//! 5. caps the items sharing one value of an attribute within the top window, moving the
//!    surplus down (never dropping it);
//! 6. places pinned items at their exact positions;
//! 7. renumbers `position`.
//!
//! Scores keep the relevance (after the boost); `position` is the authority. Every step breaks
//! ties by rank, so equal input gives equal output. Invalid options never panic here (they
//! degrade to the nearest meaningful value); [`RerankOptions::validate`] reports them first.

use serde::{Deserialize, Serialize};

use super::diversity::diversify;
use super::{by_rank, DroppedCandidate, Prepared, RankError, RankedItem, MAX_CANDIDATES};
use crate::collections;
use crate::product::{validate_id, Candidate, MAX_ATTRIBUTE_NAME_LEN};

/// How many items MMR re-selects when `diversity.window` is not given.
pub const DEFAULT_DIVERSITY_WINDOW: usize = 100;
/// The largest `diversity.window` accepted (MMR costs O(window²) similarities).
pub const MAX_DIVERSITY_WINDOW: usize = 1_000;
/// The relevance weight when `diversity.lambda` is not given.
pub const DEFAULT_LAMBDA: f64 = 0.7;

/// Options for one re-rank. JSON (camelCase, every field optional, unknown fields rejected):
///
/// ```json
/// { "diversity": { "lambda": 0.7, "attributes": ["colour"], "useEmbeddings": true, "window": 50 },
///   "pinned": [{ "id": "sku-1", "position": 0 }], "exclude": ["sku-9"],
///   "dropOutOfStock": true, "longTailBoost": 0.1,
///   "maxPerValue": { "attribute": "productType", "max": 2, "window": 12 } }
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RerankOptions {
    /// MMR re-selection of the top of the list; `None` = off.
    pub diversity: Option<Diversity>,
    /// Items placed at exact 0-based positions, applied last; earlier pins win conflicts.
    pub pinned: Vec<Pin>,
    /// Ids that never appear in the output (reported as dropped, reason `excluded`).
    pub exclude: Vec<String>,
    /// Drop candidates with `inStock: false` (reason `out_of_stock`); unknown stock is kept.
    pub drop_out_of_stock: bool,
    /// In [0, 1]: adds `boost · server_position / n`, favouring the server's long tail; 0 = off.
    pub long_tail_boost: f64,
    /// At most `max` items per value of an attribute among the top `window`; `None` = off.
    pub max_per_value: Option<MaxPerValue>,
}

/// Maximal marginal relevance: each next item maximises
/// `λ · relevance − (1 − λ) · (max similarity to the items already chosen)`.
///
/// Relevance is the score min–max normalised over the window. Similarity is the mean of the
/// available parts: the Jaccard overlap of the two items' attribute values (restricted to
/// `attributes` when given) and, with `useEmbeddings`, the cosine of their embeddings (clamped
/// to [0, 1]) when both have one of the same length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Diversity {
    /// In [0, 1]; 1 = pure relevance (no change), 0 = pure novelty.
    pub lambda: f64,
    /// Attribute names compared; empty = all.
    pub attributes: Vec<String>,
    /// Compare attribute values (Jaccard).
    pub use_attributes: bool,
    /// Compare embeddings (cosine).
    pub use_embeddings: bool,
    /// How many top items are re-selected, in 1..=[`MAX_DIVERSITY_WINDOW`].
    pub window: usize,
}

impl Default for Diversity {
    fn default() -> Self {
        Diversity {
            lambda: DEFAULT_LAMBDA,
            attributes: Vec::new(),
            use_attributes: true,
            use_embeddings: true,
            window: DEFAULT_DIVERSITY_WINDOW,
        }
    }
}

/// A pinned slot: the item `id` goes to exactly `position` (0-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pin {
    /// The candidate's id.
    pub id: String,
    /// The 0-based output position.
    pub position: usize,
}

/// At most `max` items with the same value of `attribute` among the top `window`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MaxPerValue {
    /// The attribute name (e.g. `productType`); items without it are not capped.
    pub attribute: String,
    /// The cap, at least 1.
    pub max: usize,
    /// How many top positions the cap covers; `None` = the whole list.
    #[serde(default)]
    pub window: Option<usize>,
}

/// A pin that could not be honoured; its item (if any) keeps its ranked place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoredPin {
    /// The pin's id.
    pub id: String,
    /// The pin's position.
    pub position: usize,
    /// A stable reason code: `not_in_ranking` (unknown, invalid, excluded or out of stock),
    /// `out_of_range` (position ≥ number of items), `conflict` (an earlier pin took the
    /// position or the item).
    pub reason: String,
}

/// The result of [`apply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reranked {
    /// The kept items, best first, `position` renumbered.
    pub items: Vec<RankedItem>,
    /// Items removed by `exclude` or `dropOutOfStock`, by input index.
    pub dropped: Vec<DroppedCandidate>,
    /// Pins that were not applied, in option order.
    pub ignored_pins: Vec<IgnoredPin>,
}

impl RerankOptions {
    /// Checks every option's range; the message names the camelCase field.
    pub fn validate(&self) -> Result<(), RankError> {
        let invalid = |message: String| Err(RankError::InvalidOption(message));
        if !(0.0..=1.0).contains(&self.long_tail_boost) {
            return invalid(format!(
                "longTailBoost must be in [0, 1], got {}",
                crate::text::Float(self.long_tail_boost)
            ));
        }
        if let Some(d) = &self.diversity {
            if !(0.0..=1.0).contains(&d.lambda) {
                return invalid(format!(
                    "diversity.lambda must be in [0, 1], got {}",
                    crate::text::Float(d.lambda)
                ));
            }
            if !(1..=MAX_DIVERSITY_WINDOW).contains(&d.window) {
                return invalid(format!(
                    "diversity.window must be in 1..={MAX_DIVERSITY_WINDOW}, got {}",
                    d.window
                ));
            }
            if !d.use_attributes && !d.use_embeddings {
                return invalid("diversity needs useAttributes or useEmbeddings".to_owned());
            }
            for name in &d.attributes {
                check_attribute_name("diversity.attributes", name)?;
            }
        }
        if self.pinned.len() > MAX_CANDIDATES || self.exclude.len() > MAX_CANDIDATES {
            return invalid(format!(
                "pinned and exclude hold at most {MAX_CANDIDATES} ids"
            ));
        }
        for id in self.pinned.iter().map(|p| &p.id).chain(&self.exclude) {
            validate_id(id).map_err(|e| {
                RankError::InvalidOption(format!("id {}: {e}", crate::json::quoted(id)))
            })?;
        }
        if let Some(cap) = &self.max_per_value {
            check_attribute_name("maxPerValue.attribute", &cap.attribute)?;
            if cap.max == 0 || cap.window == Some(0) {
                return invalid("maxPerValue.max and maxPerValue.window must be ≥ 1".to_owned());
            }
        }
        Ok(())
    }
}

fn check_attribute_name(field: &str, name: &str) -> Result<(), RankError> {
    if name.is_empty() || name.len() > MAX_ATTRIBUTE_NAME_LEN {
        return Err(RankError::InvalidOption(format!(
            "{field}: attribute names are 1 to {MAX_ATTRIBUTE_NAME_LEN} bytes"
        )));
    }
    Ok(())
}

/// A kept item with the candidate it came from (`None` if it matches no prepared candidate).
pub(super) struct Entry<'a> {
    pub(super) item: RankedItem,
    pub(super) source: Option<&'a Candidate>,
}

/// Applies `options` to scored items; see the module documentation for the order of steps.
///
/// `items` come from a ranker over `prepared`: an item is matched to its candidate through
/// `server_position` and id. An item that matches none is ranked without attributes,
/// embedding or stock information, and reported with its `server_position` as index if dropped.
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
pub fn apply(
    mut items: Vec<RankedItem>,
    prepared: &[Prepared],
    options: &RerankOptions,
) -> Reranked {
    let stock_matters =
        options.drop_out_of_stock && prepared.iter().any(|p| p.candidate.in_stock == Some(false));
    let inert = options.exclude.is_empty()
        && !stock_matters
        && !(options.long_tail_boost > 0.0 && options.long_tail_boost.is_finite())
        && options.diversity.is_none()
        && options.max_per_value.is_none()
        && options.pinned.is_empty();
    // Nothing to drop, move or boost (the common call): the ranker's order stands.
    if inert && items.windows(2).all(|w| by_rank(&w[0], &w[1]).is_le()) {
        for (position, item) in items.iter_mut().enumerate() {
            item.position = position;
        }
        return Reranked {
            items,
            dropped: Vec::new(),
            ignored_pins: Vec::new(),
        };
    }
    let mut excluded: Vec<&str> = options.exclude.iter().map(String::as_str).collect();
    collections::sort_by(&mut excluded, |a, b| a.cmp(b));
    let n = prepared.len().max(1) as f64;
    let boost = options.long_tail_boost;
    let mut dropped = Vec::new();
    let mut kept: Vec<Entry> = Vec::with_capacity(items.len());
    for mut item in items {
        let source = prepared
            .get(item.server_position)
            .filter(|p| *p.candidate.id == *item.id);
        let reason = if excluded.binary_search(&&*item.id).is_ok() {
            Some("excluded")
        } else if options.drop_out_of_stock
            && source.is_some_and(|p| p.candidate.in_stock == Some(false))
        {
            Some("out_of_stock")
        } else {
            None
        };
        match reason {
            Some(reason) => dropped.push(DroppedCandidate {
                index: source.map_or(item.server_position, |p| p.index),
                id: item.id.to_string(),
                reason: reason.to_owned(),
            }),
            None => {
                if boost > 0.0 && boost.is_finite() {
                    item.score += boost * item.server_position as f64 / n;
                }
                kept.push(Entry {
                    item,
                    source: source.map(|p| &p.candidate),
                });
            }
        }
    }
    collections::sort_by(&mut dropped, |a, b| (a.index, &a.id).cmp(&(b.index, &b.id)));
    collections::sort_by(&mut kept, |a, b| by_rank(&a.item, &b.item));
    if let Some(diversity) = &options.diversity {
        kept = diversify(kept, diversity);
    }
    if let Some(cap) = &options.max_per_value {
        kept = cap_per_value(kept, cap);
    }
    let (mut items, ignored_pins) = pin(kept, &options.pinned);
    for (position, item) in items.iter_mut().enumerate() {
        item.position = position;
    }
    Reranked {
        items,
        dropped,
        ignored_pins,
    }
}

/// Keeps at most `cap.max` items per value within the top `cap.window`; the surplus follows
/// the window in its relative order, then the rest. With too few other items to fill the
/// window, the surplus necessarily lands inside it.
#[inline(never)]
fn cap_per_value<'a>(entries: Vec<Entry<'a>>, cap: &MaxPerValue) -> Vec<Entry<'a>> {
    let window = cap.window.unwrap_or(usize::MAX).min(entries.len());
    let mut values: Vec<Option<&'a str>> = Vec::with_capacity(entries.len());
    let mut order: Vec<usize> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let value = e
            .source
            .and_then(|c| c.attributes.get(cap.attribute.as_str()))
            .map(String::as_str);
        if value.is_some() {
            order.push(i);
        }
        values.push(value);
    }
    // Dense group ids by value, through one sort (no map per distinct value).
    collections::sort_by(&mut order, |a, b| values[*a].cmp(&values[*b]));
    let mut group: Vec<Option<usize>> = vec![None; entries.len()];
    let mut groups = 0;
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && values[order[k - 1]] != values[i] {
            groups += 1;
        }
        group[i] = Some(groups);
    }
    let mut counts = vec![0usize; groups + 1];
    let mut head = Vec::with_capacity(entries.len());
    let mut surplus = Vec::new();
    let mut rest = entries.into_iter().zip(group);
    while head.len() < window {
        let Some((entry, group)) = rest.next() else {
            break;
        };
        match group {
            Some(g) if counts[g] >= cap.max => surplus.push(entry),
            Some(g) => {
                counts[g] += 1;
                head.push(entry);
            }
            None => head.push(entry),
        }
    }
    head.extend(surplus);
    head.extend(rest.map(|(entry, _)| entry));
    head
}

/// Places each applicable pin's item at its position; the others fill the free positions in
/// order. Returns the items and the pins that were ignored.
#[inline(never)]
fn pin(entries: Vec<Entry>, pins: &[Pin]) -> (Vec<RankedItem>, Vec<IgnoredPin>) {
    let mut items: Vec<RankedItem> = Vec::with_capacity(entries.len());
    for entry in entries {
        items.push(entry.item);
    }
    if pins.is_empty() {
        return (items, Vec::new());
    }
    let len = items.len();
    let mut by_id: Vec<usize> = (0..len).collect();
    collections::sort_by(&mut by_id, |a, b| items[*a].id.cmp(&items[*b].id));
    let mut at: Vec<Option<usize>> = vec![None; len];
    let mut pinned = vec![false; len];
    let mut ignored = Vec::new();
    for pin in pins {
        let found = by_id
            .binary_search_by(|i| (*items[*i].id).cmp(pin.id.as_str()))
            .ok()
            .map(|k| by_id[k]);
        let reason = match found {
            None => Some("not_in_ranking"),
            Some(_) if pin.position >= len => Some("out_of_range"),
            Some(i) if pinned[i] || at[pin.position].is_some() => Some("conflict"),
            Some(i) => {
                pinned[i] = true;
                at[pin.position] = Some(i);
                None
            }
        };
        if let Some(reason) = reason {
            ignored.push(IgnoredPin {
                id: pin.id.clone(),
                position: pin.position,
                reason: reason.to_owned(),
            });
        }
    }
    let mut slots: Vec<Option<RankedItem>> = Vec::with_capacity(len);
    for item in items {
        slots.push(Some(item));
    }
    // Each position takes its pinned item, else the next unpinned one in order.
    let mut free = 0;
    let mut placed = Vec::with_capacity(len);
    for slot in at {
        let i = match slot {
            Some(i) => i,
            None => {
                while free < len && pinned[free] {
                    free += 1;
                }
                if free == len {
                    continue;
                }
                free += 1;
                free - 1
            }
        };
        if let Some(item) = slots[i].take() {
            placed.push(item);
        }
    }
    (placed, ignored)
}
