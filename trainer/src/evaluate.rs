//! The offline evaluation: every ranker on the same shoppers and candidate lists.
//!
//! See [`crate::protocol`] for windows, shoppers and candidates, [`crate::baselines`] for the
//! baselines and [`crate::metrics`] for the metrics. The model is the shipped file, loaded
//! and scored by the SDK's own code (`vitrine::model`), quantization included.

use std::collections::BTreeMap;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use vitrine::model::Model;
use vitrine::rank::{affinity, prepare};

use crate::baselines::{repurchase, CoPurchase};
use crate::dataset::Dataset;
use crate::metrics::{candidate_recall, case_metrics, CaseMetrics, Estimate, Resamples};
use crate::protocol::{evaluation_windows, replay, ProtocolConfig, Timeline, Window, WindowData};

/// The rankers, in report order; the last is the model.
pub const RANKERS: [&str; 5] = ["server", "repurchase", "item_cf", "affinity", "model"];
/// Index of the model in [`RANKERS`].
pub const MODEL: usize = 4;

/// Per-case results of one evaluation run.
#[derive(Debug, Clone, Default)]
pub struct CaseResults {
    /// Block of each case (`rolling`, `final_split`).
    pub blocks: Vec<String>,
    /// Candidate recall of each case.
    pub candidate_recall: Vec<f64>,
    /// Per ranker, per case metrics.
    pub metrics: Vec<Vec<CaseMetrics>>,
}

/// One ranker's estimates on one block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RankerSummary {
    /// MAP@12.
    pub map12: Estimate,
    /// NDCG@12.
    pub ndcg12: Estimate,
    /// Recall@12.
    pub recall12: Estimate,
}

/// All rankers on one block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockSummary {
    /// Shopper-windows evaluated.
    pub cases: usize,
    /// Candidate recall.
    pub candidate_recall: Estimate,
    /// Ranker name → estimates.
    pub rankers: BTreeMap<String, RankerSummary>,
    /// The baseline with the highest mean MAP@12.
    pub best_baseline: String,
    /// Model MAP@12 / best baseline MAP@12, with its paired-bootstrap interval.
    pub ratio_to_best: Estimate,
    /// Whether the model's and the best baseline's MAP@12 intervals do not overlap (model above).
    pub intervals_separate: bool,
}

/// Runs every ranker over the evaluation windows.
pub fn run(
    data: &Dataset,
    model: &Model,
    protocol: &ProtocolConfig,
    pool_attr: usize,
) -> (Vec<Window>, CaseResults) {
    let (windows, _) = evaluation_windows(data, protocol);
    let timeline = Timeline::new(data);
    let config = model.index().profile_config().clone();
    let group = model.index().spec().group_attribute.clone();
    let mut results = CaseResults {
        metrics: vec![Vec::new(); RANKERS.len()],
        ..CaseResults::default()
    };
    let bar = ProgressBar::new(windows.len() as u64).with_style(
        ProgressStyle::with_template("eval  {bar:30} {pos}/{len} windows {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    for window in &windows {
        bar.set_message(format!("{} {}", window.block, window.from));
        let wd = WindowData::new(data, &timeline, window.clone(), pool_attr, protocol);
        let co = CoPurchase::new(data, window.start);
        let now = wd.now_ms();
        for case in &wd.cases {
            let items_counts = wd.candidate_items(case, protocol);
            let items: Vec<u32> = items_counts.iter().map(|(i, _)| *i).collect();
            let shopper = replay(
                data,
                case,
                &config,
                group.as_deref(),
                &protocol.quiz_attributes,
                now,
            );
            let (prepared, _) = match prepare(wd.candidates(&items_counts)) {
                Ok(p) => p,
                Err(_) => continue,
            };
            let id_to_item = |id: &str| data.catalog.index.get(id).copied();
            let by_ids =
                |ids: Vec<&str>| ids.into_iter().filter_map(id_to_item).collect::<Vec<u32>>();
            let affinity_order = affinity::rank(&prepared, &shopper.profile, &config, now);
            let model_order = model.rank(&prepared, &shopper.signals);
            let orders = [
                items.clone(),
                repurchase(data, &case.history, &items),
                co.rank(&case.history, &items, window.start, config.half_life_days),
                by_ids(affinity_order.iter().map(|i| &*i.id).collect()),
                by_ids(model_order.items.iter().map(|i| &*i.id).collect()),
            ];
            for (r, order) in orders.iter().enumerate() {
                results.metrics[r].push(case_metrics(order, &case.targets));
            }
            results.blocks.push(window.block.clone());
            results
                .candidate_recall
                .push(candidate_recall(&items, &case.targets));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    (windows, results)
}

/// Summarises the cases of one block (or all, for `None`).
pub fn summarise(
    results: &CaseResults,
    block: Option<&str>,
    rounds: usize,
    seed: u64,
) -> BlockSummary {
    let keep: Vec<usize> = (0..results.blocks.len())
        .filter(|&i| block.map_or(true, |b| results.blocks[i] == b))
        .collect();
    let pick =
        |values: &dyn Fn(usize) -> f64| keep.iter().map(|&i| values(i)).collect::<Vec<f64>>();
    let resamples = Resamples::new(keep.len(), rounds, seed);
    let mut rankers = BTreeMap::new();
    let mut maps = Vec::new();
    for (r, name) in RANKERS.iter().enumerate() {
        let m = &results.metrics[r];
        let map = pick(&|i| m[i].map);
        rankers.insert(
            (*name).to_owned(),
            RankerSummary {
                map12: resamples.estimate(&map),
                ndcg12: resamples.estimate(&pick(&|i| m[i].ndcg)),
                recall12: resamples.estimate(&pick(&|i| m[i].recall)),
            },
        );
        maps.push(map);
    }
    let best = (0..MODEL)
        .max_by(|&a, &b| {
            rankers[RANKERS[a]]
                .map12
                .mean
                .total_cmp(&rankers[RANKERS[b]].map12.mean)
                .then(b.cmp(&a))
        })
        .unwrap_or(0);
    let model = &rankers[RANKERS[MODEL]].map12;
    let base = &rankers[RANKERS[best]].map12;
    BlockSummary {
        cases: keep.len(),
        candidate_recall: resamples.estimate(&pick(&|i| results.candidate_recall[i])),
        best_baseline: RANKERS[best].to_owned(),
        ratio_to_best: resamples.ratio(&maps[MODEL], &maps[best]),
        intervals_separate: model.low > base.high,
        rankers,
    }
}
