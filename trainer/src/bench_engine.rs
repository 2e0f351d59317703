//! `bench`, engine part: the browser benchmark's scenario through the core's [`Engine`]
//! natively (memory store, the synthetic 64-d bench model, 10,000 tracked events, then a
//! registered candidate set re-ranked into the compact result the wasm glue returns). It
//! isolates the core's share of `rerank(candidateSet)` from the wasm and JS costs.

use serde::Serialize;
use vitrine::engine::{Engine, EngineOptions};
use vitrine::product::{Attributes, Candidate};
use vitrine::rank::options::RerankOptions;
use vitrine::storage::MemoryStore;

use crate::pipeline::PipelineError;
use crate::rng::Rng;

const NOW: f64 = 1.8e12;
const COLOURS: [&str; 10] = [
    "Black", "White", "Red", "Blue", "Green", "Beige", "Pink", "Grey", "Navy", "Yellow",
];
const TYPES: [&str; 8] = [
    "Dress", "T-shirt", "Trousers", "Sweater", "Jacket", "Skirt", "Shorts", "Hoodie",
];

/// The engine path's timings.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineTiming {
    /// Candidates in the set.
    pub candidates: usize,
    /// Calls timed.
    pub iterations: usize,
    /// Median of `rerank_set_compact`, ms.
    pub set_p50_ms: f64,
    /// 95th percentile, ms.
    pub set_p95_ms: f64,
}

fn attributes(i: usize) -> Attributes {
    [
        ("colour", COLOURS[i % COLOURS.len()].to_owned()),
        ("productType", TYPES[(i * 7) % TYPES.len()].to_owned()),
        (
            "pattern",
            if i % 3 > 0 { "Solid" } else { "Check" }.to_owned(),
        ),
        ("department", format!("d{}", i % 40)),
        ("indexGroup", format!("g{}", i % 5)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// An engine with the model loaded and the browser bench's 10,000 events tracked.
fn engine(model: &[u8]) -> Result<Engine, PipelineError> {
    let fail = |e: vitrine::Error| PipelineError::Settings(e.to_string());
    let options =
        EngineOptions::from_json(r#"{"consent":{"personalization":"granted"}}"#).map_err(fail)?;
    let mut engine = Engine::open(MemoryStore::default(), options, [9; 32], NOW).map_err(fail)?;
    engine.load_model(model, None).map_err(fail)?;
    let kinds = ["view", "view", "view", "click", "add_to_cart", "purchase"];
    let events = 10_000;
    for i in 0..events {
        let event = serde_json::json!({
            "type": kinds[i % kinds.len()], "productId": format!("p{}", i % 2000),
            "attributes": attributes(i * 7), "price": 5 + (i % 120),
            "timestamp": NOW - ((events - i) * 60_000) as f64,
        });
        engine.track_json(&event.to_string(), NOW).map_err(fail)?;
    }
    Ok(engine)
}

/// Times `rerank_set_compact` on sets of each size.
pub fn run(model: &[u8], sizes: &[(usize, usize)]) -> Result<Vec<EngineTiming>, PipelineError> {
    let mut engine = engine(model)?;
    let mut rng = Rng::new(7);
    let options = RerankOptions::default();
    let mut out = Vec::new();
    for &(n, iterations) in sizes {
        let list: Vec<Candidate> = (0..n)
            .map(|i| Candidate {
                id: format!("c{i}"),
                server_rank: Some(i as u32),
                server_score: None,
                attributes: attributes(i),
                price: Some(5.0 + (i % 120) as f64),
                embedding: Some((0..64).map(|_| rng.next_f32() - 0.5).collect()),
                in_stock: None,
            })
            .collect();
        let (handle, _) = engine
            .register_candidates(list)
            .map_err(|e| PipelineError::Settings(e.to_string()))?;
        let (set_p50_ms, set_p95_ms) = crate::bench::time(
            iterations,
            || (),
            |()| {
                std::hint::black_box(engine.rerank_set_compact(handle, &options, NOW).ok());
            },
        );
        engine.release_candidates(handle);
        out.push(EngineTiming {
            candidates: n,
            iterations,
            set_p50_ms,
            set_p95_ms,
        });
    }
    Ok(out)
}
