//! Training examples: candidate lists featurised by the SDK's own feature code.
//!
//! Each example is one shopper in one training window: the server's candidate list with,
//! per candidate, its item-table rows and cross features exactly as `vitrine::features`
//! computes them in the browser, the shopper's pools, and which candidates were bought.

use vitrine::features::cross::CROSS_COUNT;
use vitrine::features::{CrossFeatures, ShopperView, SpecIndex};
use vitrine::model::score::server_slots;
use vitrine::product::Candidate;
use vitrine::rank::{prepare, Prepared};

use crate::dataset::Dataset;
use crate::protocol::{replay, Case, ProtocolConfig, WindowData};
use crate::rng::Rng;
use vitrine::profile::ProfileConfig;

/// One featurised candidate list.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// History pool (item-table row, weight).
    pub history_pool: Vec<(u32, f32)>,
    /// Session pool.
    pub session_pool: Vec<(u32, f32)>,
    /// Quiz pool.
    pub quiz_pool: Vec<(u32, f32)>,
    /// Context-table rows.
    pub context_rows: Vec<u32>,
    /// Candidate `j`'s item rows are `rows[offsets[j]..offsets[j + 1]]`.
    pub offsets: Vec<u32>,
    /// Item rows of all candidates.
    pub rows: Vec<u32>,
    /// Cross features per candidate.
    pub cross: Vec<CrossFeatures>,
    /// Indices of bought candidates.
    pub positives: Vec<u32>,
    /// Item index per candidate.
    pub items: Vec<u32>,
    /// Distinct items bought in the window (sorted), including those not proposed.
    pub targets: Vec<u32>,
}

impl Example {
    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.cross.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.cross.is_empty()
    }

    /// Item rows of candidate `j`.
    pub fn rows_of(&self, j: usize) -> &[u32] {
        let (a, b) = (self.offsets[j] as usize, self.offsets[j + 1] as usize);
        &self.rows[a..b]
    }
}

/// Featurises prepared candidates for a shopper view (the browser's path, minus scoring).
pub fn featurise(
    index: &SpecIndex,
    view: &ShopperView,
    prepared: &[Prepared],
) -> (Vec<u32>, Vec<u32>, Vec<CrossFeatures>) {
    let mut offsets = vec![0u32];
    let mut rows = Vec::new();
    let mut cross = Vec::with_capacity(prepared.len());
    let mut buf = Vec::new();
    for (p, slot) in prepared.iter().zip(server_slots(prepared)) {
        buf.clear();
        index.item_rows(&p.candidate, &mut buf);
        cross.push(view.cross(index, &p.candidate, &buf, slot, false));
        rows.extend_from_slice(&buf);
        offsets.push(rows.len() as u32);
    }
    (offsets, rows, cross)
}

/// The training examples of one case.
pub struct Built {
    /// The server list (plus injected past items), when a candidate was bought.
    pub list: Option<Example>,
    /// The pre-training list: every bought item against popularity-sampled negatives, with
    /// zeroed cross features (only the two towers learn from it).
    pub pretrain: Option<Example>,
}

/// Builds the training examples of one case. `inject` past items are added to the server
/// list (see [`WindowData::with_history_items`]); `negatives` popularity-sampled items make
/// the pre-training list (0 disables it).
#[allow(clippy::too_many_arguments)]
pub fn build(
    data: &Dataset,
    window: &WindowData<'_>,
    case: &Case,
    index: &SpecIndex,
    profile_config: &ProfileConfig,
    protocol: &ProtocolConfig,
    inject: usize,
    negatives: usize,
    rng: &mut Rng,
) -> Built {
    let server = window.candidate_items(case, protocol);
    let items_counts = window.with_history_items(case, &server, inject, rng);
    // A list without a purchase carries no gradient: skip it before the costly part.
    let has_positive = items_counts
        .iter()
        .any(|(item, _)| case.targets.binary_search(item).is_ok());
    let sampled = window.sample_popular(negatives, &case.targets, rng);
    if !has_positive && sampled.is_empty() {
        return Built {
            list: None,
            pretrain: None,
        };
    }
    let now = window.now_ms();
    let group = index.spec().group_attribute.as_deref();
    let shopper = replay(
        data,
        case,
        profile_config,
        group,
        &protocol.quiz_attributes,
        now,
    );
    let view = ShopperView::new(index, &shopper.signals);
    let list = has_positive
        .then(|| list_example(data, window, case, index, &view, &items_counts))
        .flatten();
    let pretrain = (!sampled.is_empty()).then(|| {
        let items: Vec<u32> = case.targets.iter().copied().chain(sampled).collect();
        let with_counts: Vec<(u32, u32)> = items.iter().map(|i| (*i, 0)).collect();
        let mut offsets = vec![0u32];
        let mut rows = Vec::new();
        for c in window.candidates(&with_counts) {
            index.item_rows(&c, &mut rows);
            offsets.push(rows.len() as u32);
        }
        Example {
            history_pool: view.history_pool.clone(),
            session_pool: view.session_pool.clone(),
            quiz_pool: view.quiz_pool.clone(),
            context_rows: view.context_rows.clone(),
            offsets,
            rows,
            cross: vec![[0.0; CROSS_COUNT]; items.len()],
            positives: (0..case.targets.len() as u32).collect(),
            items,
            targets: case.targets.clone(),
        }
    });
    Built { list, pretrain }
}

fn list_example(
    data: &Dataset,
    window: &WindowData<'_>,
    case: &Case,
    index: &SpecIndex,
    view: &ShopperView,
    items_counts: &[(u32, u32)],
) -> Option<Example> {
    let candidates: Vec<Candidate> = window.candidates(items_counts);
    let (prepared, dropped) = prepare(candidates).ok()?;
    if !dropped.is_empty() {
        return None;
    }
    let (offsets, rows, cross) = featurise(index, view, &prepared);
    let items: Vec<u32> = prepared
        .iter()
        .filter_map(|p| data.catalog.index.get(&p.candidate.id).copied())
        .collect();
    let positives = items
        .iter()
        .enumerate()
        .filter(|(_, item)| case.targets.binary_search(item).is_ok())
        .map(|(j, _)| j as u32)
        .collect();
    Some(Example {
        history_pool: view.history_pool.clone(),
        session_pool: view.session_pool.clone(),
        quiz_pool: view.quiz_pool.clone(),
        context_rows: view.context_rows.clone(),
        offsets,
        rows,
        cross,
        positives,
        items,
        targets: case.targets.clone(),
    })
}
