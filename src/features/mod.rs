//! Features shared by the trainer and the browser: one code path, so no train/serve skew.
//!
//! A [`FeatureSpec`] (shipped inside every model file) names the item attributes the model
//! embeds, their vocabularies, the context fields and the cross features. [`SpecIndex`] is the
//! spec compiled for fast lookups: it turns a candidate into embedding-table rows
//! ([`SpecIndex::item_rows`]). The shopper side lives in [`shopper`] (what the browser knows,
//! as [`ShopperSignals`]) and [`cross`] (the per-candidate interaction features).
//!
//! Attribute names are the retailer's own and come from the spec, never from this code; the
//! only derived attribute is the price band ([`crate::profile::PRICE_BAND`]), computed from
//! the candidate's price with the spec's band edges, exactly as the profile computes it.

pub mod context;
pub mod cross;
pub mod hash;
pub mod memory;
pub mod shopper;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::product::{Attributes, Candidate};
use crate::profile::{ProfileConfig, PRICE_BAND, PRICE_BAND_NAMES};
pub use context::Context;
pub use cross::{CrossFeatures, ShopperView, CROSS_FEATURES};
use hash::FxMap;
pub use memory::ItemMemory;
pub use shopper::{Engagement, ShopperSignals, WeightedValue};

/// Most attributes a spec may embed (bounds per-candidate work).
pub const MAX_SPEC_ATTRIBUTES: usize = 32;
/// Most values a single vocabulary may hold.
pub const MAX_VOCABULARY: usize = 65_536;
/// Largest embedding width accepted.
pub const MAX_DIM: usize = 256;
/// Largest server-supplied item embedding accepted.
pub const MAX_ITEM_EMBEDDING: usize = 1024;
/// Widest interaction layer accepted.
pub const MAX_HIDDEN: usize = 256;

/// One named field with its known values. Row 0 of its table is reserved for unknown values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Vocabulary {
    /// The attribute (or context field) name, e.g. `colour`.
    pub name: String,
    /// Its known values; value `i` owns row `i + 1`.
    pub values: Vec<String>,
}

/// What a model consumes, stored in the model's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeatureSpec {
    /// Embedded item attributes. A vocabulary named `priceBand` is filled from the price.
    pub attributes: Vec<Vocabulary>,
    /// The attribute that groups variants of one product (e.g. colourways), if any.
    pub group_attribute: Option<String>,
    /// The profile settings the model was trained with. The engine should learn with the
    /// same settings, or the history features drift from what the model saw.
    pub profile: ProfileSettings,
    /// Context fields (device, daypart, weekday, locale, …) and their values.
    pub context: Vec<Vocabulary>,
    /// Width of the embeddings.
    pub dim: usize,
    /// Length of the server-supplied item embedding the model projects; 0 if unused.
    pub item_embedding_dim: usize,
    /// Width of the interaction layer.
    pub hidden: usize,
    /// Names of the cross features, in order; must equal [`CROSS_FEATURES`].
    pub cross_features: Vec<String>,
}

/// The profile settings a model was trained with (a subset of [`ProfileConfig`], so the
/// model format does not change when the profile gains unrelated options).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileSettings {
    /// The product attributes the profile learns from.
    pub attributes: Vec<String>,
    /// Half-life of an affinity, in days.
    pub half_life_days: f64,
    /// Ascending price edges of the price bands.
    pub price_band_edges: Vec<f64>,
    /// Most values kept per attribute.
    pub max_values_per_attribute: usize,
}

impl ProfileSettings {
    /// The full profile configuration: these settings, other options at their defaults.
    pub fn to_config(&self) -> ProfileConfig {
        ProfileConfig {
            attributes: self.attributes.clone(),
            half_life_days: self.half_life_days,
            price_band_edges: self.price_band_edges.clone(),
            max_values_per_attribute: self.max_values_per_attribute,
            ..ProfileConfig::default()
        }
    }

    /// The settings part of a profile configuration.
    pub fn from_config(config: &ProfileConfig) -> Self {
        ProfileSettings {
            attributes: config.attributes.clone(),
            half_life_days: config.half_life_days,
            price_band_edges: config.price_band_edges.clone(),
            max_values_per_attribute: config.max_values_per_attribute,
        }
    }
}

/// Why a feature spec cannot be used by this version of the code.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SpecError {
    /// The cross features differ from the ones this code computes.
    #[error(
        "the model expects cross features {}; this SDK computes {}",
        crate::json::quoted(.expected),
        crate::json::quoted(.actual)
    )]
    CrossFeatures {
        /// What the model lists.
        expected: Vec<String>,
        /// What this code computes.
        actual: Vec<String>,
    },
    /// A size is zero or beyond its limit.
    #[error("{what} is {value}; allowed 1..={max}")]
    OutOfRange {
        /// Which size.
        what: &'static str,
        /// Its value.
        value: usize,
        /// The limit.
        max: usize,
    },
    /// Two vocabularies share a name, or one lists a value twice.
    #[error("duplicate {0}")]
    Duplicate(String),
    /// The embedded profile configuration is invalid.
    #[error("profile settings: {0}")]
    Profile(#[from] crate::profile::ConfigError),
}

/// A [`FeatureSpec`] compiled for lookups: row offsets and hashed vocabularies.
#[derive(Debug, Clone)]
pub struct SpecIndex {
    spec: FeatureSpec,
    profile: ProfileConfig,
    /// First row of each attribute in the item table.
    offsets: Vec<u32>,
    lookups: Vec<FxMap<String, u32>>,
    price_band: Option<usize>,
    /// Attribute names, sorted, with their attribute numbers.
    by_name: Vec<(String, usize)>,
    item_rows: usize,
    context_offsets: Vec<u32>,
    context_lookups: Vec<FxMap<String, u32>>,
    context_rows: usize,
}

/// Vocabularies laid out in one table: first row of each, value lookups, total rows.
type Layout = (Vec<u32>, Vec<FxMap<String, u32>>, usize);

fn compile_vocabularies(
    vocabularies: &[Vocabulary],
    what: &'static str,
) -> Result<Layout, SpecError> {
    if vocabularies.len() > MAX_SPEC_ATTRIBUTES {
        return Err(SpecError::OutOfRange {
            what,
            value: vocabularies.len(),
            max: MAX_SPEC_ATTRIBUTES,
        });
    }
    let mut offsets = Vec::with_capacity(vocabularies.len());
    let mut lookups = Vec::with_capacity(vocabularies.len());
    // At most MAX_SPEC_ATTRIBUTES names: a vector beats a set in code size.
    let mut names: Vec<&str> = Vec::with_capacity(vocabularies.len());
    let mut next = 0usize;
    for vocab in vocabularies {
        if names.contains(&vocab.name.as_str()) {
            return Err(SpecError::Duplicate(format!("{what} `{}`", vocab.name)));
        }
        names.push(vocab.name.as_str());
        if vocab.values.len() > MAX_VOCABULARY {
            return Err(SpecError::OutOfRange {
                what: "vocabulary size",
                value: vocab.values.len(),
                max: MAX_VOCABULARY,
            });
        }
        let mut lookup = FxMap::default();
        for (i, value) in vocab.values.iter().enumerate() {
            if lookup.insert(value.clone(), i as u32 + 1).is_some() {
                return Err(SpecError::Duplicate(format!(
                    "value `{value}` in `{}`",
                    vocab.name
                )));
            }
        }
        offsets.push(next as u32);
        lookups.push(lookup);
        next += vocab.values.len() + 1;
    }
    Ok((offsets, lookups, next))
}

fn check_range(what: &'static str, value: usize, min: usize, max: usize) -> Result<(), SpecError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(SpecError::OutOfRange { what, value, max })
    }
}

impl FeatureSpec {
    /// Checks the spec against this code and compiles it.
    pub fn compile(self) -> Result<SpecIndex, SpecError> {
        if self
            .cross_features
            .iter()
            .map(String::as_str)
            .ne(CROSS_FEATURES)
        {
            return Err(SpecError::CrossFeatures {
                expected: self.cross_features.clone(),
                actual: CROSS_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
            });
        }
        check_range("dim", self.dim, 1, MAX_DIM)?;
        check_range("hidden", self.hidden, 1, MAX_HIDDEN)?;
        check_range(
            "itemEmbeddingDim",
            self.item_embedding_dim,
            0,
            MAX_ITEM_EMBEDDING,
        )?;
        check_range("attributes", self.attributes.len(), 1, MAX_SPEC_ATTRIBUTES)?;
        let profile = self.profile.to_config();
        profile.validate()?;
        let (offsets, lookups, item_rows) = compile_vocabularies(&self.attributes, "attribute")?;
        let (context_offsets, context_lookups, context_rows) =
            compile_vocabularies(&self.context, "context field")?;
        let price_band = self.attributes.iter().position(|a| a.name == PRICE_BAND);
        let mut by_name: Vec<(String, usize)> = self
            .attributes
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect();
        crate::collections::sort_by(&mut by_name, |a, b| a.cmp(b));
        Ok(SpecIndex {
            by_name,
            spec: self,
            profile,
            offsets,
            lookups,
            price_band,
            item_rows,
            context_offsets,
            context_lookups,
            context_rows,
        })
    }
}

impl SpecIndex {
    /// The spec.
    pub fn spec(&self) -> &FeatureSpec {
        &self.spec
    }

    /// The profile configuration the model was trained with.
    pub fn profile_config(&self) -> &ProfileConfig {
        &self.profile
    }

    /// Rows of the item embedding table (every vocabulary plus its unknown row).
    pub fn item_table_rows(&self) -> usize {
        self.item_rows
    }

    /// Rows of the context embedding table.
    pub fn context_table_rows(&self) -> usize {
        self.context_rows
    }

    /// Number of embedded attributes.
    pub fn attribute_count(&self) -> usize {
        self.spec.attributes.len()
    }

    /// The item-table row of `value` for attribute number `attr` (its unknown row when the
    /// value is not in the vocabulary).
    pub fn row_of(&self, attr: usize, value: &str) -> Option<u32> {
        let offset = *self.offsets.get(attr)?;
        let local = self.lookups.get(attr)?.get(value).copied().unwrap_or(0);
        Some(offset + local)
    }

    /// The item-table row of a named attribute's value, if the spec embeds that attribute.
    pub fn row_of_named(&self, name: &str, value: &str) -> Option<u32> {
        let attr = self.spec.attributes.iter().position(|a| a.name == name)?;
        self.row_of(attr, value)
    }

    /// Which attribute (index) and value a row stands for; `None` for unknown-value rows.
    pub fn describe_row(&self, row: u32) -> Option<(&str, &str)> {
        let attr = self.offsets.partition_point(|o| *o <= row).checked_sub(1)?;
        let local = (row - self.offsets[attr]) as usize;
        let vocab = &self.spec.attributes[attr];
        let value = vocab.values.get(local.checked_sub(1)?)?;
        Some((vocab.name.as_str(), value.as_str()))
    }

    /// The value a candidate has for attribute number `attr`: its attribute, or for the price
    /// band, the band of its price (falling back to a `priceBand` attribute the page sent).
    pub fn value_of<'a>(
        &self,
        attr: usize,
        attributes: &'a Attributes,
        price: Option<f64>,
    ) -> Option<&'a str> {
        if Some(attr) == self.price_band {
            if let Some(price) = price {
                return Some(self.profile.price_band(price));
            }
        }
        let name = &self.spec.attributes.get(attr)?.name;
        attributes.get(name).map(String::as_str)
    }

    /// Appends the item-table rows of a candidate (one per attribute it has) to `out`.
    pub fn item_rows(&self, candidate: &Candidate, out: &mut Vec<u32>) {
        self.rows_of_attributes(&candidate.attributes, candidate.price, out);
    }

    /// Appends the item-table rows of a set of attributes and an optional price to `out`.
    pub fn rows_of_attributes(
        &self,
        attributes: &Attributes,
        price: Option<f64>,
        out: &mut Vec<u32>,
    ) {
        // A merge join of two name-sorted lists: no per-attribute map lookups on the hot path.
        let derived_band = self.price_band.zip(price);
        let mut spec = self.by_name.iter().peekable();
        for (name, value) in attributes {
            while spec.next_if(|(s, _)| s.as_str() < name.as_str()).is_some() {}
            let Some((s, attr)) = spec.peek() else { break };
            if s == name && derived_band.map_or(true, |(band, _)| band != *attr) {
                if let Some(row) = self.row_of(*attr, value) {
                    out.push(row);
                }
            }
        }
        if let Some((band, price)) = derived_band {
            if let Some(row) = self.row_of(band, self.profile.price_band(price)) {
                out.push(row);
            }
        }
    }

    /// The context-table rows of a context (unknown fields are ignored).
    pub fn context_rows(&self, context: &Context) -> Vec<u32> {
        let mut rows = Vec::with_capacity(self.spec.context.len());
        for (i, vocab) in self.spec.context.iter().enumerate() {
            if let Some(value) = context.get(&vocab.name) {
                let local = self.context_lookups[i].get(value).copied().unwrap_or(0);
                rows.push(self.context_offsets[i] + local);
            }
        }
        rows
    }
}

/// The band names a `priceBand` vocabulary should list.
pub fn price_band_vocabulary() -> Vocabulary {
    Vocabulary {
        name: PRICE_BAND.to_owned(),
        values: PRICE_BAND_NAMES.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests;
