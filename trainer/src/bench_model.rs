//! `bench-model`: writes a synthetic model with a 64-d item embedding, for the browser
//! benchmark and the end-to-end tests, which must run without ../shared/data.
//!
//! The vocabularies are the ones `tests/bench/bench.mjs` and `tests/e2e/model.test.mjs`
//! draw candidates from. The weights are not trained: item rows are seeded random vectors and
//! the shopper transforms are scaled identities, so the shopper vector is "the average of what
//! they engaged with" and an item scores by its similarity to it (plus the affinity, session,
//! quiz and seen cross features, and the server's order). That is a real, explainable model of
//! the trained one's shape and cost; it is never shipped and says so in its metadata.

use std::path::Path;

use ndarray::Array2;
use vitrine::features::cross::idx;
use vitrine::features::{
    price_band_vocabulary, FeatureSpec, ProfileSettings, Vocabulary, CROSS_FEATURES,
};
use vitrine::model::{Model, ModelMetadata, Weights};
use vitrine::profile::ProfileConfig;

use crate::pipeline::PipelineError;
use crate::rng::Rng;

/// Colours of the synthetic catalogue.
pub const COLOURS: [&str; 10] = [
    "Black", "White", "Red", "Blue", "Green", "Beige", "Pink", "Grey", "Navy", "Yellow",
];
/// Product types of the synthetic catalogue.
pub const TYPES: [&str; 8] = [
    "Dress", "T-shirt", "Trousers", "Sweater", "Jacket", "Skirt", "Shorts", "Hoodie",
];
/// Patterns of the synthetic catalogue.
pub const PATTERNS: [&str; 3] = ["Solid", "Stripe", "Check"];

fn vocab(name: &str, values: impl IntoIterator<Item = String>) -> Vocabulary {
    Vocabulary {
        name: name.to_owned(),
        values: values.into_iter().collect(),
    }
}

fn owned(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

/// The synthetic model's feature spec: `embedding_dim`-long candidate embeddings.
pub fn spec(dim: usize, embedding_dim: usize) -> FeatureSpec {
    FeatureSpec {
        attributes: vec![
            vocab("colour", owned(&COLOURS)),
            vocab("productType", owned(&TYPES)),
            vocab("pattern", owned(&PATTERNS)),
            vocab("department", (0..40).map(|i| format!("d{i}"))),
            vocab("indexGroup", (0..5).map(|i| format!("g{i}"))),
            price_band_vocabulary(),
        ],
        group_attribute: Some("productCode".into()),
        profile: ProfileSettings::from_config(&ProfileConfig::default()),
        context: vec![
            vocab("device", owned(&["mobile", "tablet", "desktop"])),
            vocab("daypart", owned(&vitrine::features::context::DAYPARTS)),
            vocab("weekday", owned(&vitrine::features::context::WEEKDAYS)),
        ],
        dim,
        item_embedding_dim: embedding_dim,
        hidden: 16,
        cross_features: CROSS_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn identity(dim: usize, scale: f32) -> Array2<f32> {
    Array2::from_shape_fn((dim, dim), |(i, j)| if i == j { scale } else { 0.0 })
}

/// Builds the synthetic model (deterministic for a seed).
pub fn build(seed: u64, embedding_dim: usize) -> Result<Model, PipelineError> {
    let spec = spec(16, embedding_dim);
    let index = spec
        .clone()
        .compile()
        .map_err(vitrine::model::ModelError::from)?;
    let mut rng = Rng::new(seed);
    let mut w = Weights::zeros(&index);
    w.item_table.mapv_inplace(|_| rng.normal() * 0.35);
    w.context_table.mapv_inplace(|_| rng.normal() * 0.02);
    w.history_transform = identity(spec.dim, 1.0);
    w.session_transform = identity(spec.dim, 0.6);
    w.quiz_transform = identity(spec.dim, 0.6);
    w.embedding_projection.mapv_inplace(|_| rng.normal() * 0.05);
    w.cross_weights[idx::SERVER_POSITION] = -0.4;
    w.cross_weights[idx::AFFINITY] = 0.8;
    w.cross_weights[idx::ITEM_SEEN] = 0.2;
    w.cross_weights[idx::SESSION_MATCH] = 0.4;
    w.cross_weights[idx::QUIZ_MATCH] = 0.4;
    w.hidden_weights.mapv_inplace(|_| rng.normal() * 0.1);
    w.output_weights.mapv_inplace(|_| rng.normal() * 0.05);
    let metadata = ModelMetadata {
        name: "bench-synthetic".into(),
        spec,
        training: serde_json::json!({
            "synthetic": true,
            "seed": seed,
            "note": "untrained weights for benchmarks and tests; never ship",
        })
        .to_string(),
    };
    Ok(Model::new(metadata, w)?)
}

/// Writes the synthetic model file to `out`; returns its size in bytes.
pub fn write(out: &Path, seed: u64, embedding_dim: usize) -> Result<usize, PipelineError> {
    let bytes = build(seed, embedding_dim)?.to_bytes()?;
    let io = |source| PipelineError::Io {
        path: out.to_owned(),
        source,
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(out, &bytes).map_err(io)?;
    Ok(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_loadable_deterministic_model() {
        let a = build(3, 64).unwrap().to_bytes().unwrap();
        assert_eq!(a, build(3, 64).unwrap().to_bytes().unwrap());
        let model = Model::from_bytes(&a, None).unwrap();
        assert_eq!(model.index().spec().item_embedding_dim, 64);
        assert_eq!(model.metadata().name, "bench-synthetic");
    }
}
