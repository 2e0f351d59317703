//! [`FromJson`](super::FromJson) readers for the catalogue-side documents the wasm build
//! loads: the quiz bank ([`BankFile`], or a bare list of [`BankProduct`]s) and the model's
//! feature spec ([`FeatureSpec`], inside the model metadata).

use super::typed::struct_reader;
use crate::features::{FeatureSpec, ProfileSettings, Vocabulary};
use crate::product::Attributes;
use crate::quiz::{BankFile, BankProduct};

struct_reader!(BankProduct, "struct BankProduct", allow_unknown,
    BankProduct { id: String::new(), name: None, attributes: Attributes::new(), price: None,
                  image: None },
    { id: "id" required, name: "name", attributes: "attributes", price: "price",
      image: "image" });

struct_reader!(BankFile, "struct BankFile", allow_unknown,
    BankFile { version: 0, id: String::new(), products: Vec::new() },
    { version: "version" required, id: "id" required, products: "products" required });

struct_reader!(Vocabulary, "struct Vocabulary", deny_unknown,
    Vocabulary { name: String::new(), values: Vec::new() },
    { name: "name" required, values: "values" required });

struct_reader!(ProfileSettings, "struct ProfileSettings", deny_unknown,
    ProfileSettings {
        attributes: Vec::new(),
        half_life_days: 0.0,
        price_band_edges: Vec::new(),
        max_values_per_attribute: 0,
    },
    { attributes: "attributes" required, half_life_days: "halfLifeDays" required,
      price_band_edges: "priceBandEdges" required,
      max_values_per_attribute: "maxValuesPerAttribute" required });

struct_reader!(FeatureSpec, "struct FeatureSpec", deny_unknown,
    FeatureSpec {
        attributes: Vec::new(),
        group_attribute: None,
        profile: ProfileSettings {
            attributes: Vec::new(),
            half_life_days: 0.0,
            price_band_edges: Vec::new(),
            max_values_per_attribute: 0,
        },
        context: Vec::new(),
        dim: 0,
        item_embedding_dim: 0,
        hidden: 0,
        cross_features: Vec::new(),
    },
    { attributes: "attributes" required, group_attribute: "groupAttribute",
      profile: "profile" required, context: "context" required, dim: "dim" required,
      item_embedding_dim: "itemEmbeddingDim" required, hidden: "hidden" required,
      cross_features: "crossFeatures" required });

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "catalog_tests.rs"]
mod tests;
