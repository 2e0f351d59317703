//! Training: listwise softmax over the server's candidate list, Adam, early stopping.
//!
//! ## Objective
//!
//! Two stages. **Tower pre-training** uses every shopper-window before the cut-off: the
//! items bought against items sampled in proportion to recent sales, scored by the towers'
//! dot product alone (sampled softmax). It teaches the embeddings what a history predicts
//! across the whole catalogue, from far more purchases than ever land in a candidate list.
//! **Fine-tuning** then trains the full model on server lists:
//! for each example (one shopper, one training window, the same server-style candidate list
//! the evaluation uses), the loss is the softmax cross-entropy of the bought candidates
//! against the whole list: `L = −(1/|P|) Σ_{p∈P} log softmax(s)_p`. The candidate list *is*
//! the negative sample, so this is sampled softmax with in-distribution negatives; it
//! optimises the ordering the metrics score, which BPR on random negatives does not.
//!
//! Gradients are written out by hand (the model is small), averaged over mini-batches of
//! examples, and applied with Adam plus L2 decay on the embedding tables and transforms.
//! Example order is shuffled by a seeded generator and every sum runs in a fixed order, so a
//! seed gives bit-identical weights. After each epoch, the loss on the validation weeks (the
//! newest weeks before the cut-off, never a target week) picks the weights kept; it is
//! steadier than MAP@12 on the few validation lists with a purchase.

use ndarray::{Array1, Array2, ArrayViewMutD, Zip};
use vitrine::features::cross::CROSS_COUNT;
use vitrine::features::SpecIndex;
use vitrine::model::Weights;

use crate::examples::Example;
use crate::metrics::case_metrics;
use crate::rng::Rng;

/// Optimisation settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OptimConfig {
    /// Passes over the training examples.
    pub epochs: usize,
    /// Adam step size.
    pub learning_rate: f32,
    /// L2 decay on embedding tables and transforms.
    pub l2: f32,
    /// Examples per update.
    pub batch: usize,
    /// Standard deviation of the initial embeddings.
    pub init_scale: f32,
    /// Passes of tower pre-training over the sampled-softmax lists (0 skips it).
    pub pretrain_epochs: usize,
}

impl Default for OptimConfig {
    fn default() -> Self {
        OptimConfig {
            epochs: 12,
            learning_rate: 0.003,
            l2: 1.0e-2,
            batch: 16,
            init_scale: 0.05,
            pretrain_epochs: 8,
        }
    }
}

/// Initial weights: small random embeddings, identity transforms (so the history starts as
/// "similar to what you liked"), a server-position prior, a small random interaction layer.
pub fn init(index: &SpecIndex, config: &OptimConfig, rng: &mut Rng) -> Weights {
    let mut w = Weights::zeros(index);
    let scale = config.init_scale;
    w.item_table.mapv_inplace(|_| rng.normal() * scale);
    w.context_table.mapv_inplace(|_| rng.normal() * scale);
    let dim = index.spec().dim;
    for t in [
        &mut w.history_transform,
        &mut w.session_transform,
        &mut w.quiz_transform,
    ] {
        *t = Array2::eye(dim);
    }
    w.embedding_projection
        .mapv_inplace(|_| rng.normal() * scale);
    w.cross_weights[vitrine::features::cross::idx::SERVER_POSITION] = 1.0;
    let fan_in = (CROSS_COUNT + 1) as f32;
    w.hidden_weights
        .mapv_inplace(|_| rng.normal() / fan_in.sqrt());
    w.output_weights.mapv_inplace(|_| rng.normal() * 0.1);
    w
}

/// The shopper vector and its pooled inputs for one example.
struct ShopperPass {
    pools: [Array1<f32>; 3],
    u: Array1<f32>,
}

fn pool(w: &Weights, entries: &[(u32, f32)]) -> Array1<f32> {
    let mut acc = Array1::zeros(w.item_table.ncols());
    for &(row, weight) in entries {
        acc.scaled_add(weight, &w.item_table.row(row as usize));
    }
    acc
}

fn shopper(w: &Weights, ex: &Example) -> ShopperPass {
    let pools = [
        pool(w, &ex.history_pool),
        pool(w, &ex.session_pool),
        pool(w, &ex.quiz_pool),
    ];
    let mut u = w.history_transform.dot(&pools[0])
        + w.session_transform.dot(&pools[1])
        + w.quiz_transform.dot(&pools[2]);
    u += &w.shopper_bias;
    for &row in &ex.context_rows {
        u += &w.context_table.row(row as usize);
    }
    ShopperPass { pools, u }
}

/// Per-candidate forward values kept for the backward pass.
struct CandidatePass {
    v: Array1<f32>,
    dot: f32,
    pre: Array1<f32>,
    score: f32,
}

fn candidate(w: &Weights, ex: &Example, j: usize, u: &Array1<f32>, stage: Stage) -> CandidatePass {
    let mut v = Array1::zeros(u.len());
    for &r in ex.rows_of(j) {
        v += &w.item_table.row(r as usize);
    }
    let dot = v.dot(u);
    if stage == Stage::Towers {
        return CandidatePass {
            v,
            dot,
            pre: Array1::zeros(0),
            score: dot,
        };
    }
    let x = &ex.cross[j];
    let mut score = dot
        + w.cross_weights
            .iter()
            .zip(x)
            .map(|(a, b)| a * b)
            .sum::<f32>();
    let mut pre = w.hidden_bias.clone();
    for (h, wrow) in w.hidden_weights.outer_iter().enumerate() {
        pre[h] += wrow
            .iter()
            .zip(x.iter().chain(std::iter::once(&dot)))
            .map(|(a, b)| a * b)
            .sum::<f32>();
        if pre[h] > 0.0 {
            score += w.output_weights[h] * pre[h];
        }
    }
    CandidatePass { v, dot, pre, score }
}

/// What a training pass scores and updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Pre-training: the score is the towers' dot product; only tower weights move.
    Towers,
    /// The full model.
    Full,
}

/// Scores of every candidate of an example (the float model; the shipped one is quantized).
#[cfg(test)]
pub fn scores(w: &Weights, ex: &Example) -> Vec<f32> {
    scores_at(w, ex, Stage::Full)
}

fn scores_at(w: &Weights, ex: &Example, stage: Stage) -> Vec<f32> {
    let s = shopper(w, ex);
    (0..ex.len())
        .map(|j| candidate(w, ex, j, &s.u, stage).score)
        .collect()
}

/// Adds the gradient of one example's loss to `g`; returns the loss.
fn accumulate(w: &Weights, ex: &Example, g: &mut Weights, stage: Stage) -> f32 {
    if ex.positives.is_empty() || ex.is_empty() {
        return 0.0;
    }
    let s = shopper(w, ex);
    let passes: Vec<CandidatePass> = (0..ex.len())
        .map(|j| candidate(w, ex, j, &s.u, stage))
        .collect();
    let max = passes.iter().fold(f32::NEG_INFINITY, |m, p| m.max(p.score));
    let exp: Vec<f32> = passes.iter().map(|p| (p.score - max).exp()).collect();
    let total: f32 = exp.iter().sum();
    let share = 1.0 / ex.positives.len() as f32;
    let mut loss = 0.0;
    let mut grad_s: Vec<f32> = exp.iter().map(|e| e / total).collect();
    for &p in &ex.positives {
        loss -= share * (grad_s[p as usize].max(1e-30)).ln();
    }
    for &p in &ex.positives {
        grad_s[p as usize] -= share;
    }
    let mut g_u = Array1::<f32>::zeros(s.u.len());
    for (j, (pass, gs)) in passes.iter().zip(&grad_s).enumerate() {
        let x = &ex.cross[j];
        if stage == Stage::Full {
            g.cross_weights
                .iter_mut()
                .zip(x)
                .for_each(|(gw, xv)| *gw += gs * xv);
        }
        let mut g_dot = *gs;
        for h in 0..pass.pre.len() {
            if pass.pre[h] > 0.0 {
                g.output_weights[h] += gs * pass.pre[h];
                let g_pre = gs * w.output_weights[h];
                g.hidden_bias[h] += g_pre;
                let mut grow = g.hidden_weights.row_mut(h);
                for (k, xv) in x.iter().enumerate() {
                    grow[k] += g_pre * xv;
                }
                grow[CROSS_COUNT] += g_pre * pass.dot;
                g_dot += g_pre * w.hidden_weights[[h, CROSS_COUNT]];
            }
        }
        for &r in ex.rows_of(j) {
            g.item_table.row_mut(r as usize).scaled_add(g_dot, &s.u);
        }
        g_u.scaled_add(g_dot, &pass.v);
    }
    g.shopper_bias += &g_u;
    for &row in &ex.context_rows {
        g.context_table.row_mut(row as usize).scaled_add(1.0, &g_u);
    }
    let transforms = [
        (
            &w.history_transform,
            &mut g.history_transform,
            &ex.history_pool,
        ),
        (
            &w.session_transform,
            &mut g.session_transform,
            &ex.session_pool,
        ),
        (&w.quiz_transform, &mut g.quiz_transform, &ex.quiz_pool),
    ];
    let mut pool_grads = Vec::with_capacity(3);
    for ((t, gt, entries), p) in transforms.into_iter().zip(&s.pools) {
        if entries.is_empty() {
            continue;
        }
        let outer = g_u
            .view()
            .insert_axis(ndarray::Axis(1))
            .dot(&p.view().insert_axis(ndarray::Axis(0)));
        *gt += &outer;
        pool_grads.push((t.t().dot(&g_u), entries));
    }
    for (g_pool, entries) in pool_grads {
        for &(row, weight) in entries {
            g.item_table
                .row_mut(row as usize)
                .scaled_add(weight, &g_pool);
        }
    }
    loss
}

/// Every array with (decayed by L2, part of the towers).
fn arrays(w: &mut Weights) -> Vec<(ArrayViewMutD<'_, f32>, (bool, bool))> {
    vec![
        (w.item_table.view_mut().into_dyn(), (true, true)),
        (w.context_table.view_mut().into_dyn(), (true, true)),
        (w.shopper_bias.view_mut().into_dyn(), (false, true)),
        (w.history_transform.view_mut().into_dyn(), (true, true)),
        (w.session_transform.view_mut().into_dyn(), (true, true)),
        (w.quiz_transform.view_mut().into_dyn(), (true, true)),
        (w.embedding_projection.view_mut().into_dyn(), (true, true)),
        (w.cross_weights.view_mut().into_dyn(), (false, false)),
        (w.hidden_weights.view_mut().into_dyn(), (false, false)),
        (w.hidden_bias.view_mut().into_dyn(), (false, false)),
        (w.output_weights.view_mut().into_dyn(), (false, false)),
    ]
}

/// Adam state.
struct Adam {
    m: Weights,
    v: Weights,
    t: i32,
}

impl Adam {
    fn step(
        &mut self,
        w: &mut Weights,
        g: &mut Weights,
        config: &OptimConfig,
        batch: f32,
        stage: Stage,
    ) {
        self.t += 1;
        let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
        let c1 = 1.0 - b1.powi(self.t);
        let c2 = 1.0 - b2.powi(self.t);
        let lr = config.learning_rate;
        let l2 = config.l2;
        for (((mut p, (decay, tower)), (mut gr, _)), ((mut m, _), (mut v, _))) in arrays(w)
            .into_iter()
            .zip(arrays(g))
            .zip(arrays(&mut self.m).into_iter().zip(arrays(&mut self.v)))
        {
            if stage == Stage::Towers && !tower {
                gr.fill(0.0);
                continue;
            }
            Zip::from(&mut p)
                .and(&mut gr)
                .and(&mut m)
                .and(&mut v)
                .for_each(|p, g, m, v| {
                    let grad = *g / batch + if decay { l2 * *p } else { 0.0 };
                    *m = b1 * *m + (1.0 - b1) * grad;
                    *v = b2 * *v + (1.0 - b2) * grad * grad;
                    *p -= lr * (*m / c1) / ((*v / c2).sqrt() + eps);
                    *g = 0.0;
                });
        }
    }
}

/// Mean loss and MAP@12 of the float model over examples.
pub fn validate(w: &Weights, examples: &[Example], stage: Stage) -> (f64, f64) {
    if examples.is_empty() {
        return (0.0, 0.0);
    }
    let (mut loss, mut map) = (0.0, 0.0);
    for ex in examples {
        let s = scores_at(w, ex, stage);
        loss += f64::from(softmax_loss(&s, &ex.positives));
        let mut order: Vec<usize> = (0..ex.len()).collect();
        order.sort_by(|&a, &b| s[b].total_cmp(&s[a]).then(a.cmp(&b)));
        let ranked: Vec<u32> = order.iter().map(|&j| ex.items[j]).collect();
        map += case_metrics(&ranked, &ex.targets).map;
    }
    let n = examples.len() as f64;
    (loss / n, map / n)
}

/// The listwise loss of one list's scores.
fn softmax_loss(scores: &[f32], positives: &[u32]) -> f32 {
    if positives.is_empty() {
        return 0.0;
    }
    let max = scores.iter().fold(f32::NEG_INFINITY, |m, s| m.max(*s));
    let log_total = scores.iter().map(|s| (s - max).exp()).sum::<f32>().ln() + max;
    positives
        .iter()
        .map(|&p| log_total - scores[p as usize])
        .sum::<f32>()
        / positives.len() as f32
}

/// One epoch's record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochLog {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub loss: f64,
    /// Validation loss of the float model (selects the epoch kept).
    pub validation_loss: f64,
    /// Validation MAP@12 of the float model.
    pub validation_map12: f64,
}

/// The outcome of [`fit`].
pub struct Fitted {
    /// The weights of the epoch with the lowest validation loss (0 = the pre-trained weights).
    pub weights: Weights,
    /// That epoch.
    pub best_epoch: usize,
    /// Every pre-training epoch.
    pub pretrain_log: Vec<EpochLog>,
    /// Every epoch.
    pub log: Vec<EpochLog>,
}

/// Training data for [`fit`].
pub struct TrainingSets<'a> {
    /// Server lists for the full model.
    pub train: &'a [Example],
    /// Their validation counterpart (selects the epoch).
    pub validation: &'a [Example],
    /// Sampled-softmax lists for tower pre-training.
    pub pretrain: &'a [Example],
    /// Their validation counterpart.
    pub pretrain_validation: &'a [Example],
}

/// Runs `epochs` passes of one stage; keeps the weights with the lowest validation loss.
#[allow(clippy::too_many_arguments)]
fn run_stage(
    w: Weights,
    train: &[Example],
    validation: &[Example],
    epochs: usize,
    stage: Stage,
    config: &OptimConfig,
    rng: &mut Rng,
    on_epoch: &mut dyn FnMut(&EpochLog),
) -> (Weights, usize, Vec<EpochLog>) {
    let mut w = w;
    let zeros = || {
        let mut z = w.clone();
        arrays(&mut z)
            .into_iter()
            .for_each(|(mut a, _)| a.fill(0.0));
        z
    };
    let mut g = zeros();
    let mut adam = Adam {
        m: zeros(),
        v: zeros(),
        t: 0,
    };
    let mut best = (validate(&w, validation, stage).0, w.clone(), 0);
    let mut log = Vec::new();
    let mut order: Vec<usize> = (0..train.len()).collect();
    for epoch in 1..=epochs {
        rng.shuffle(&mut order);
        let mut loss = 0.0f64;
        for batch in order.chunks(config.batch.max(1)) {
            for &i in batch {
                loss += f64::from(accumulate(&w, &train[i], &mut g, stage));
            }
            adam.step(&mut w, &mut g, config, batch.len() as f32, stage);
        }
        let (validation_loss, validation_map12) = validate(&w, validation, stage);
        let entry = EpochLog {
            epoch,
            loss: loss / train.len().max(1) as f64,
            validation_loss,
            validation_map12,
        };
        on_epoch(&entry);
        if entry.validation_loss < best.0 {
            best = (entry.validation_loss, w.clone(), epoch);
        }
        log.push(entry);
    }
    (best.1, best.2, log)
}

/// Pre-trains the towers on sampled-softmax lists, then trains the full model on server
/// lists; each stage keeps its epoch with the lowest validation loss.
pub fn fit(
    index: &SpecIndex,
    sets: &TrainingSets<'_>,
    config: &OptimConfig,
    seed: u64,
    mut on_epoch: impl FnMut(Stage, &EpochLog),
) -> Fitted {
    let mut rng = Rng::new(seed);
    let w = init(index, config, &mut rng);
    let (w, _, pretrain_log) = run_stage(
        w,
        sets.pretrain,
        sets.pretrain_validation,
        config.pretrain_epochs,
        Stage::Towers,
        config,
        &mut rng,
        &mut |e| on_epoch(Stage::Towers, e),
    );
    let (weights, best_epoch, log) = run_stage(
        w,
        sets.train,
        sets.validation,
        config.epochs,
        Stage::Full,
        config,
        &mut rng,
        &mut |e| on_epoch(Stage::Full, e),
    );
    Fitted {
        weights,
        best_epoch,
        pretrain_log,
        log,
    }
}

#[cfg(test)]
mod tests;
