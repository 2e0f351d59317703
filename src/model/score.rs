//! Scoring candidates with a loaded model, and explaining the result.
//!
//! Explanations come from the model's own decomposition: the shopper vector is a sum of
//! per-source parts (history, session, quiz), so each source's share of `u·v` (plus its cross
//! features' linear terms) says which one lifted the item; for history the attribute value
//! whose embedding contributed most is named. Values containing a guarded term are never
//! named, and an item nothing personal lifted gets no reason.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::cache::ItemCache;
use super::kernel::dot;
use super::Model;
use crate::features::cross::{idx, Engaged, FixedCross, ServerSlot, CROSS_COUNT};
use crate::features::CrossFeatures;
use crate::features::{ShopperSignals, ShopperView};
use crate::rank::{Prepared, RankedItem, Reason};

/// Most items that get a written explanation: a page shows a row or two of 24 (the demo's
/// search page 48); explaining 1,000 items would cost a fifth of a re-rank for text no one
/// sees.
pub const MAX_EXPLAINED: usize = 50;
/// Largest magnitude accepted in a server-supplied embedding; beyond it the embedding is
/// ignored so scores stay finite.
pub const MAX_EMBEDDING_VALUE: f32 = 1.0e4;
/// Contributions below this do not count as a reason.
const MIN_REASON: f32 = 1.0e-3;

/// Which part of the shopper lifted an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// Long-term affinities ("because you liked …").
    History,
    /// The current session ("similar to what you viewed").
    Session,
    /// Quiz answers ("matches your quiz").
    Quiz,
    /// The item or its product was engaged with before.
    Seen,
}

/// A model re-rank: the ranked items and how many embeddings had to be ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRanking {
    /// The candidates, best first.
    pub items: Vec<RankedItem>,
    /// Candidates whose embedding was ignored (wrong length, non-finite or out of range);
    /// they were scored as if they had none.
    pub ignored_embeddings: usize,
}

/// Everything about the shopper that is fixed for one call.
struct CallState<'a> {
    view: ShopperView<'a>,
    /// [`ShopperView::row_table`] of `E · u` (each item-table row's score): a candidate's
    /// rows summed give its dot product and row sums at once.
    row_table: Vec<[f32; 4]>,
    /// `E · u_source` for history, session and quiz (for explanations).
    source_row_scores: [Vec<f32>; 3],
    /// `Pᵀ · u`, so a candidate's embedding term is one dot product.
    projected: Vec<f32>,
}

impl Model {
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    fn call_state<'a>(&self, signals: &'a ShopperSignals) -> CallState<'a> {
        let w = &self.weights;
        let view = ShopperView::new(&self.index, signals);
        let dim = self.index.spec().dim;
        let items = flat(&w.item_table);
        let pool = |entries: &[(u32, f32)]| {
            let mut acc = vec![0.0f32; dim];
            for &(row, weight) in entries {
                if let Some(r) = items.get(row as usize * dim..(row as usize + 1) * dim) {
                    axpy(&mut acc, weight, r);
                }
            }
            acc
        };
        let parts = [
            matvec(&w.history_transform, &pool(&view.history_pool)),
            matvec(&w.session_transform, &pool(&view.session_pool)),
            matvec(&w.quiz_transform, &pool(&view.quiz_pool)),
        ];
        let mut u = w.shopper_bias.as_slice().unwrap_or(&[]).to_vec();
        for part in &parts {
            axpy(&mut u, 1.0, part);
        }
        let context = flat(&w.context_table);
        for &row in &view.context_rows {
            if let Some(r) = context.get(row as usize * dim..(row as usize + 1) * dim) {
                axpy(&mut u, 1.0, r);
            }
        }
        // Pᵀ·u: the sum of P's rows weighted by u.
        let projection = flat(&w.embedding_projection);
        let mut projected = vec![0.0f32; w.embedding_projection.ncols()];
        if !projected.is_empty() {
            for (ui, row) in u.iter().zip(projection.chunks_exact(projected.len())) {
                axpy(&mut projected, *ui, row);
            }
        }
        let row_scores = matvec(&w.item_table, &u);
        CallState {
            row_table: view.row_table(&row_scores),
            source_row_scores: parts.map(|p| matvec(&w.item_table, &p)),
            projected,
            view,
        }
    }

    pub(super) fn valid_embedding<'a>(
        &self,
        embedding: Option<&'a Vec<f32>>,
    ) -> (Option<&'a [f32]>, bool) {
        let expected = self.index.spec().item_embedding_dim;
        match embedding {
            None => (None, false),
            Some(_) if expected == 0 => (None, false),
            Some(e)
                if e.len() == expected
                    && e.iter()
                        .all(|v| v.is_finite() && v.abs() <= MAX_EMBEDDING_VALUE) =>
            {
                (Some(e.as_slice()), false)
            }
            Some(_) => (None, true),
        }
    }

    /// A candidate's dot product and cross features (`rows` receives its item rows), and
    /// whether its embedding had to be ignored. `cached`: the cache built for this list, this
    /// call's engagement features from it, and the candidate's number.
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    fn features<'r>(
        &self,
        state: &CallState,
        p: &'r Prepared,
        slot: ServerSlot,
        buf: &'r mut Vec<u32>,
        cached: Option<(&'r ItemCache, &[Engaged], usize)>,
    ) -> (f32, CrossFeatures, bool, &'r [u32]) {
        let (rows, embedding, ignored): (&[u32], _, _) = match cached {
            Some((cache, _, i)) => {
                let (from, to) = (cache.starts[i] as usize, cache.starts[i + 1] as usize);
                let (embedding, ignored) = match cache.embedding[i] {
                    1 => (p.candidate.embedding.as_deref(), false),
                    state => (None, state == 2),
                };
                (&cache.rows[from..to], embedding, ignored)
            }
            None => {
                buf.clear();
                self.index.item_rows(&p.candidate, buf);
                let (embedding, ignored) = self.valid_embedding(p.candidate.embedding.as_ref());
                (buf.as_slice(), embedding, ignored)
            }
        };
        let mut sums = [0.0f32; 4];
        for &r in rows.iter() {
            if let Some(row) = state.row_table.get(r as usize) {
                super::kernel::add4(&mut sums, row);
            }
        }
        let [mut dot, affinity, quiz, session] = sums;
        if let Some(e) = embedding {
            dot += super::kernel::dot(&state.projected, e);
        }
        let row_sums = [affinity, quiz, session];
        let x = match cached {
            Some((cache, engaged, i)) => {
                state
                    .view
                    .cross_with(&cache.fixed[i], engaged[i], row_sums, embedding.is_some())
            }
            None => state.view.cross_with(
                &FixedCross::new(&p.candidate, slot),
                state.view.engaged(&self.index, &p.candidate),
                row_sums,
                embedding.is_some(),
            ),
        };
        (dot, x, ignored, rows)
    }

    /// The score of a candidate from its dot product and cross features.
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    fn score_of(&self, uv: f32, x: &CrossFeatures) -> f32 {
        let d = &self.dense;
        let mut inputs = [0.0f32; CROSS_COUNT + 1];
        inputs[..CROSS_COUNT].copy_from_slice(x);
        inputs[CROSS_COUNT] = uv;
        let layer = super::kernel::relu_layer(&inputs, &d.hidden_t, &d.hidden_bias, &d.output);
        finite_or_floor(uv + dot(&d.cross, x) + layer)
    }

    /// The source that lifted the item most, and the row to name for it.
    fn reason(
        &self,
        state: &CallState,
        rows: &[u32],
        x: &[f32; CROSS_COUNT],
    ) -> Option<(ReasonKind, Option<u32>)> {
        let cw = &self.dense.cross;
        let sum = |s: &Vec<f32>| {
            rows.iter()
                .map(|&r| s.get(r as usize).copied().unwrap_or(0.0))
                .sum::<f32>()
        };
        let [hist, sess, quiz] = &state.source_row_scores;
        let options = [
            (
                ReasonKind::History,
                sum(hist) + cw[idx::AFFINITY] * x[idx::AFFINITY],
                Some(hist),
            ),
            (
                ReasonKind::Session,
                sum(sess) + cw[idx::SESSION_MATCH] * x[idx::SESSION_MATCH],
                Some(sess),
            ),
            (
                ReasonKind::Quiz,
                sum(quiz) + cw[idx::QUIZ_MATCH] * x[idx::QUIZ_MATCH],
                Some(quiz),
            ),
            (
                ReasonKind::Seen,
                cw[idx::ITEM_SEEN] * x[idx::ITEM_SEEN]
                    + cw[idx::ITEM_RECENCY] * x[idx::ITEM_RECENCY]
                    + cw[idx::GROUP_SEEN] * x[idx::GROUP_SEEN]
                    + cw[idx::GROUP_RECENCY] * x[idx::GROUP_RECENCY],
                None,
            ),
        ];
        let (kind, _, scores) = options
            .into_iter()
            .filter(|(_, v, _)| *v > MIN_REASON)
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let row = scores.and_then(|s| {
            rows.iter()
                .copied()
                .filter(|&r| {
                    s.get(r as usize).is_some_and(|v| *v > 0.0)
                        && self.index.describe_row(r).is_some()
                })
                .max_by(|a, b| s[*a as usize].total_cmp(&s[*b as usize]).then(b.cmp(a)))
        });
        Some((kind, row))
    }

    /// Raw model scores of prepared candidates (in their given order) and the number of
    /// ignored embeddings. Scores are finite.
    pub fn scores(&self, prepared: &[Prepared], signals: &ShopperSignals) -> (Vec<f32>, usize) {
        let state = self.call_state(signals);
        self.scores_with(&state, prepared, None)
    }

    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    fn scores_with(
        &self,
        state: &CallState,
        prepared: &[Prepared],
        cache: Option<(&ItemCache, &[Engaged])>,
    ) -> (Vec<f32>, usize) {
        let mut rows = Vec::with_capacity(self.index.attribute_count());
        let mut ignored = 0;
        let mut scores = Vec::with_capacity(prepared.len());
        for (i, (p, slot)) in prepared.iter().zip(server_slots(prepared)).enumerate() {
            let cached = cache.map(|(c, e)| (c, e, i));
            let (dot, x, bad, _) = self.features(state, p, slot, &mut rows, cached);
            ignored += usize::from(bad);
            scores.push(self.score_of(dot, &x));
        }
        (scores, ignored)
    }

    /// Re-ranks prepared candidates for a shopper: best first, ties in the server's order,
    /// with an explanation on the top [`MAX_EXPLAINED`] items that something personal lifted.
    pub fn rank(&self, prepared: &[Prepared], signals: &ShopperSignals) -> ModelRanking {
        self.rank_cached(prepared, None, signals)
    }

    /// [`Model::rank`] with the [`ItemCache`] built for `prepared` (the same result, without
    /// the per-candidate vocabulary lookups). A cache of another length is ignored.
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    pub fn rank_cached(
        &self,
        prepared: &[Prepared],
        cache: Option<&ItemCache>,
        signals: &ShopperSignals,
    ) -> ModelRanking {
        let cache = cache.filter(|c| c.embedding.len() == prepared.len());
        let state = self.call_state(signals);
        let engaged = cache.map(|c| c.engaged(&state.view, prepared));
        let cache = cache.zip(engaged.as_deref());
        let (scores, ignored) = self.scores_with(&state, prepared, cache);
        let order = super::order::best_first(&scores, prepared);
        let slots: Vec<ServerSlot> = server_slots(prepared).collect();
        let mut rows = Vec::with_capacity(self.index.attribute_count());
        let items = order
            .into_iter()
            .enumerate()
            .map(|(position, i)| {
                // Explanations only for what a page can show; features are recomputed for
                // those few rather than kept for every candidate.
                let reason = (position < MAX_EXPLAINED)
                    .then(|| {
                        let cached = cache.map(|(c, e)| (c, e, i));
                        let (_, x, _, item_rows) =
                            self.features(&state, &prepared[i], slots[i], &mut rows, cached);
                        let (kind, row) = self.reason(&state, item_rows, &x)?;
                        self.explain(kind, row, signals)
                    })
                    .flatten();
                RankedItem {
                    id: prepared[i].id.clone(),
                    score: f64::from(scores[i]),
                    position,
                    server_position: prepared[i].server_position,
                    reason,
                }
            })
            .collect();
        ModelRanking {
            items,
            ignored_embeddings: ignored,
        }
    }

    fn explain(
        &self,
        kind: ReasonKind,
        row: Option<u32>,
        signals: &ShopperSignals,
    ) -> Option<Reason> {
        let named = row
            .and_then(|r| self.index.describe_row(r))
            .filter(|(_, value)| !signals.is_guarded(value));
        let (attribute, value) = named.map_or((String::new(), String::new()), |(a, v)| {
            (a.to_owned(), v.to_owned())
        });
        let text = match kind {
            // History needs a value to name; without a safe one there is no sentence to say.
            ReasonKind::History if value.is_empty() => return None,
            ReasonKind::History if attribute == crate::profile::PRICE_BAND => {
                "In your usual price range".to_owned()
            }
            ReasonKind::History => format!("Because you liked {value}"),
            ReasonKind::Session => "Similar to what you viewed".to_owned(),
            ReasonKind::Quiz => "Matches your quiz".to_owned(),
            ReasonKind::Seen => "Based on items you engaged with".to_owned(),
        };
        Some(Reason {
            attribute,
            value,
            text,
        })
    }
}

/// Each prepared candidate's place in the server's list, as the cross features read it.
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
pub fn server_slots(prepared: &[Prepared]) -> impl Iterator<Item = ServerSlot> + '_ {
    let max_abs_score = prepared
        .iter()
        .filter_map(|p| p.candidate.server_score)
        .filter(|s| s.is_finite())
        .fold(0.0f64, |m, s| m.max(s.abs()));
    let list_len = prepared.len();
    prepared.iter().map(move |p| ServerSlot {
        position: p.server_position,
        list_len,
        max_abs_score,
    })
}

/// A matrix's values in row-major order. A model's arrays are always laid out that way: they
/// are built from row-major vectors when it is loaded (`Weights::from_tensors`) and never
/// changed, so no ndarray iterator is needed (or linked) to copy them.
fn flat(a: &Array2<f32>) -> &[f32] {
    a.as_slice().unwrap_or(&[])
}

/// `m · v`.
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
fn matvec(m: &Array2<f32>, v: &[f32]) -> Vec<f32> {
    let cols = m.ncols();
    if cols == 0 {
        return vec![0.0; m.nrows()];
    }
    flat(m).chunks_exact(cols).map(|row| dot(row, v)).collect()
}

/// `acc += a · x`.
fn axpy(acc: &mut [f32], a: f32, x: &[f32]) {
    for (y, x) in acc.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// Scores are finite by construction; this keeps a pathological input from emitting NaN.
fn finite_or_floor(score: f32) -> f32 {
    if score.is_finite() {
        score
    } else {
        -1.0e30
    }
}
