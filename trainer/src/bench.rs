//! `bench`: native timing of model load and re-rank (a reference point for the browser
//! benchmark, which the npm scripts run in headless Chromium).
//!
//! Candidates draw attribute values from the model's own vocabularies, with a price and a
//! server score; the shopper has a history, a session, quiz answers and engaged items. Timed:
//! `prepare` + `Model::rank` as the engine calls them (dropping the candidates included), and
//! `Model::rank` alone. A second variant of the same spec with
//! a 64-d item embedding (random weights) times the embedding path too.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use vitrine::features::memory::SessionItem;
use vitrine::features::{Context, Engagement, ShopperSignals, WeightedValue};
use vitrine::model::{Model, ModelMetadata, Weights};
use vitrine::product::{Attributes, Candidate};
use vitrine::rank::prepare;

use crate::pipeline::PipelineError;
use crate::rng::Rng;

/// One timed configuration.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    /// Candidates per call.
    pub candidates: usize,
    /// Item embedding length (0 = none).
    pub embedding_dim: usize,
    /// Calls timed.
    pub iterations: usize,
    /// Median, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// Median of `Model::rank` alone on already prepared candidates, ms.
    pub rank_only_p50_ms: f64,
}

/// The bench output.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchReport {
    /// Model file size in bytes.
    pub model_bytes: usize,
    /// Median time to verify and load the model, ms.
    pub load_p50_ms: f64,
    /// Re-rank timings.
    pub rerank: Vec<Timing>,
    /// The browser bench's scenario through the engine (registered set, compact result).
    pub engine: Vec<crate::bench_engine::EngineTiming>,
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted
        .get(((sorted.len().saturating_sub(1)) as f64 * q).round() as usize)
        .copied()
        .unwrap_or(0.0)
}

/// Times `f` on a fresh input from `setup` (untimed) per call, after one warm-up call.
pub(crate) fn time<T, S: FnMut() -> T, F: FnMut(T)>(
    iterations: usize,
    mut setup: S,
    mut f: F,
) -> (f64, f64) {
    f(setup());
    let mut ms: Vec<f64> = (0..iterations)
        .map(|_| {
            let input = setup();
            let t = Instant::now();
            f(input);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (percentile(&ms, 0.5), percentile(&ms, 0.95))
}

fn random_attributes(model: &Model, rng: &mut Rng) -> Attributes {
    model
        .index()
        .spec()
        .attributes
        .iter()
        .filter(|v| !v.values.is_empty())
        .map(|v| (v.name.clone(), v.values[rng.below(v.values.len())].clone()))
        .collect()
}

fn candidates(model: &Model, n: usize, embedding_dim: usize, rng: &mut Rng) -> Vec<Candidate> {
    (0..n)
        .map(|i| Candidate {
            id: format!("item-{i}"),
            server_rank: Some(i as u32),
            server_score: Some((n - i) as f64),
            attributes: random_attributes(model, rng),
            price: Some(5.0 + rng.next_f32() as f64 * 100.0),
            embedding: (embedding_dim > 0)
                .then(|| (0..embedding_dim).map(|_| rng.normal()).collect()),
            in_stock: Some(true),
        })
        .collect()
}

fn shopper(model: &Model, rng: &mut Rng) -> ShopperSignals {
    let history = (0..40)
        .map(|_| {
            let attrs = random_attributes(model, rng);
            let (attribute, value) = attrs.into_iter().nth(rng.below(3)).unwrap_or_default();
            WeightedValue {
                attribute,
                value,
                weight: f64::from(rng.next_f32()) * 10.0,
            }
        })
        .collect();
    let quiz = (0..3)
        .map(|_| {
            let (attribute, value) = random_attributes(model, rng)
                .into_iter()
                .next()
                .unwrap_or_default();
            WeightedValue {
                attribute,
                value,
                weight: 1.0,
            }
        })
        .collect();
    let session = (0..8)
        .map(|i| SessionItem {
            id: format!("item-{}", i * 7),
            attributes: random_attributes(model, rng),
            price: Some(30.0),
        })
        .collect();
    let engaged = |i: usize| {
        (
            format!("item-{i}"),
            Engagement {
                weight: 4.0,
                days_since: 2.0,
            },
        )
    };
    ShopperSignals {
        history,
        quiz,
        session,
        items: (0..50).map(|i| engaged(i * 13)).collect(),
        groups: Default::default(),
        typical_price: Some(35.0),
        strength: 5.0,
        event_count: 120,
        context: Context::new().at(1.6e12, 60),
        guarded: vec!["maternity".into()],
    }
}

/// A variant of `model` whose spec takes a `dim`-long item embedding (random projection).
fn with_embedding(model: &Model, dim: usize, rng: &mut Rng) -> Result<Model, PipelineError> {
    let mut spec = model.index().spec().clone();
    spec.item_embedding_dim = dim;
    let index = spec
        .clone()
        .compile()
        .map_err(vitrine::model::ModelError::from)?;
    let mut weights = model.weights().clone();
    weights.embedding_projection = Weights::zeros(&index)
        .embedding_projection
        .mapv(|_| rng.normal() * 0.05);
    let metadata = ModelMetadata {
        name: "bench-embedding-variant".into(),
        spec,
        training: "null".into(),
    };
    Ok(Model::new(metadata, weights)?)
}

/// Runs the bench and writes `model_native.json` into `out_dir`.
pub fn run(model_path: &Path, out_dir: &Path) -> Result<BenchReport, PipelineError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| PipelineError::Io { path, source }
    };
    let bytes = std::fs::read(model_path).map_err(io(model_path))?;
    let (load_p50_ms, _) = time(
        50,
        || (),
        |()| {
            std::hint::black_box(Model::from_bytes(&bytes, None).is_ok());
        },
    );
    let model = Model::from_bytes(&bytes, None)?;
    let mut rng = Rng::new(1);
    let signals = shopper(&model, &mut rng);
    let variant = with_embedding(&model, 64, &mut rng)?;
    let mut rerank = Vec::new();
    for (m, dim) in [(&model, 0usize), (&variant, 64)] {
        for (n, iterations) in [(100usize, 500usize), (1_000, 200), (10_000, 30)] {
            let list = candidates(m, n, dim, &mut rng);
            let (p50_ms, p95_ms) = time(
                iterations,
                || list.clone(),
                |input| {
                    if let Ok((prepared, _)) = prepare(input) {
                        std::hint::black_box(m.rank(&prepared, &signals));
                    }
                },
            );
            let prepared = prepare(list.clone()).map(|(p, _)| p).unwrap_or_default();
            let (rank_only_p50_ms, _) = time(
                iterations,
                || (),
                |()| {
                    std::hint::black_box(m.rank(&prepared, &signals));
                },
            );
            rerank.push(Timing {
                candidates: n,
                embedding_dim: dim,
                iterations,
                p50_ms,
                p95_ms,
                rank_only_p50_ms,
            });
        }
    }
    let bench_model = crate::bench_model::build(7, 64)?.to_bytes()?;
    let engine = crate::bench_engine::run(&bench_model, &[(100, 500), (1_000, 200), (10_000, 30)])?;
    let report = BenchReport {
        model_bytes: bytes.len(),
        load_p50_ms,
        rerank,
        engine,
    };
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let path = out_dir.join("model_native.json");
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| PipelineError::Settings(e.to_string()))?;
    std::fs::write(&path, json).map_err(io(&path))?;
    Ok(report)
}
