//! Builds the model's feature spec from the catalogue and the pre-cut-off events.
//!
//! Vocabularies come from the catalogue (what the retailer sells is not a leak), ordered by
//! how many items carry each value (ties by name) and capped per attribute; price band edges
//! are the quartiles of prices paid before the cut-off.

use std::collections::HashMap;

use vitrine::features::context::{DAYPARTS, WEEKDAYS};
use vitrine::features::{
    price_band_vocabulary, FeatureSpec, ProfileSettings, Vocabulary, CROSS_FEATURES,
};
use vitrine::profile::ProfileConfig;

use crate::dataset::{Dataset, MISSING};

/// Most values kept per attribute vocabulary (the rest share the unknown row).
pub const MAX_VALUES: usize = 512;
/// Device classes a page may report.
pub const DEVICES: [&str; 3] = ["mobile", "tablet", "desktop"];

/// Spec sizes chosen on the command line.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecSizes {
    /// Embedding width.
    pub dim: usize,
    /// Interaction layer width.
    pub hidden: usize,
    /// Profile half-life in days.
    pub half_life_days: f64,
}

/// Price quartiles of events before `cutoff` (at most three ascending, distinct edges).
pub fn price_edges(data: &Dataset, cutoff: i32) -> Vec<f64> {
    let mut prices: Vec<f64> = data
        .events
        .iter()
        .take_while(|t| t.day < cutoff)
        .filter(|t| t.price.is_finite())
        .map(|t| f64::from(t.price))
        .collect();
    if prices.is_empty() {
        return Vec::new();
    }
    prices.sort_by(f64::total_cmp);
    let mut edges: Vec<f64> = [0.25, 0.5, 0.75]
        .iter()
        .map(|q| prices[((prices.len() - 1) as f64 * q) as usize])
        .collect();
    edges.dedup();
    edges.retain(|e| *e > 0.0);
    edges
}

/// The spec for a dataset.
pub fn build(data: &Dataset, cutoff: i32, sizes: SpecSizes) -> FeatureSpec {
    let catalog = &data.catalog;
    let mut attributes: Vec<Vocabulary> = catalog
        .attribute_names
        .iter()
        .enumerate()
        .map(|(a, name)| {
            let mut counts: HashMap<u32, usize> = HashMap::new();
            for item in 0..catalog.len() as u32 {
                let v = catalog.value(item, a);
                if v != MISSING {
                    *counts.entry(v).or_default() += 1;
                }
            }
            let mut ranked: Vec<(usize, &String)> = counts
                .iter()
                .map(|(v, c)| (*c, &catalog.values[a][*v as usize]))
                .collect();
            ranked.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)));
            Vocabulary {
                name: name.clone(),
                values: ranked
                    .into_iter()
                    .take(MAX_VALUES)
                    .map(|(_, v)| v.clone())
                    .collect(),
            }
        })
        .collect();
    attributes.push(price_band_vocabulary());
    let defaults = ProfileConfig::default();
    let profile = ProfileSettings {
        attributes: catalog.attribute_names.clone(),
        half_life_days: sizes.half_life_days,
        price_band_edges: price_edges(data, cutoff),
        max_values_per_attribute: defaults.max_values_per_attribute,
    };
    let vocab = |name: &str, values: &[&str]| Vocabulary {
        name: name.to_owned(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    };
    FeatureSpec {
        attributes,
        group_attribute: catalog.group_name.clone(),
        profile,
        context: vec![
            vocab("device", &DEVICES),
            vocab("daypart", &DAYPARTS),
            vocab("weekday", &WEEKDAYS),
            vocab("locale", &[]),
        ],
        dim: sizes.dim,
        item_embedding_dim: 0,
        hidden: sizes.hidden,
        cross_features: CROSS_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
    }
}
