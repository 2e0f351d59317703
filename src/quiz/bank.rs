//! The question bank: products the quiz may show, from a catalogue sample or a bank file.
//!
//! Both JSON shapes are documented in `docs/QUIZ.md`. A catalogue sample is a list of
//! products; a bank file is `{ "version": 1, "id": "…", "products": [ … ] }`. Invalid,
//! duplicate and sensitive products are left out (and counted), never fatal.

use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::{QuizConfig, QuizError};
use crate::collections::{self, VecMap, VecSet};
use crate::product::{self, Attributes};
use crate::profile::{ProfileConfig, PRICE_BAND};

/// The bank-file schema version this SDK writes and reads.
pub const BANK_VERSION: u32 = 1;
/// Most products accepted in a catalogue sample or bank file.
pub const MAX_INPUT_PRODUCTS: usize = 20_000;
/// Longest product name accepted, in bytes.
pub const MAX_NAME_LEN: usize = 256;
/// Longest image URL accepted, in bytes.
pub const MAX_IMAGE_LEN: usize = 2_048;

/// One product the quiz can show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BankProduct {
    /// The retailer's product id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The product's attributes (the retailer's names).
    #[serde(default)]
    pub attributes: Attributes,
    /// Price in the retailer's currency unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// Image URL to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl BankProduct {
    /// Whether the product is within the limits (id, attributes, price, name and image).
    pub(super) fn is_valid(&self) -> bool {
        product::validate_id(&self.id).is_ok()
            && product::validate_attributes(&self.attributes).is_ok()
            && product::validate_price(self.price).is_ok()
            && self.name.as_ref().map_or(0, String::len) <= MAX_NAME_LEN
            && self.image.as_ref().map_or(0, String::len) <= MAX_IMAGE_LEN
    }

    /// Whether the product touches a sensitive value (attributes or name).
    pub fn is_sensitive(&self, config: &ProfileConfig) -> bool {
        config.is_sensitive(&self.attributes)
            || self
                .name
                .as_deref()
                .is_some_and(|n| config.is_sensitive_value(n))
    }

    /// The (attribute, value) pairs the quiz learns about: the tracked attributes plus the
    /// derived price band.
    pub fn features(&self, config: &ProfileConfig) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for a in config.tracked() {
            if let Some(v) = self.attributes.get(a) {
                out.push((a.to_owned(), v.clone()));
            }
        }
        if let Some(p) = self.price {
            out.push((PRICE_BAND.to_owned(), config.price_band(p).to_owned()));
        }
        out
    }
}

/// The bank file's JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BankFile {
    /// Schema version ([`BANK_VERSION`]).
    pub version: u32,
    /// The bank's id (quiz state remembers which bank it was answering).
    pub id: String,
    /// The products, in the bank's own order.
    pub products: Vec<BankProduct>,
}

/// A validated question bank with the prevalence of every (attribute, value) it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionBank {
    id: String,
    products: Vec<BankProduct>,
    features: Vec<Vec<(String, String)>>,
    prevalence: VecMap<(String, String), f64>,
    skipped: usize,
}

impl QuestionBank {
    /// Parses either shape: a JSON array is a catalogue sample (a bank is generated from it
    /// with `seed`), an object is a bank file.
    pub fn from_json(
        json: &str,
        config: &ProfileConfig,
        quiz: &QuizConfig,
        seed: u64,
    ) -> Result<Self, QuizError> {
        let malformed = |e: crate::json::Error| QuizError::MalformedBank(e.to_string());
        // One pass validates the text and reads the version; the products are then parsed
        // straight from the text.
        let version = crate::json::version(json).map_err(malformed)?;
        if json.trim_start().starts_with('[') {
            let products: Vec<BankProduct> = crate::json::read_str(json).map_err(malformed)?;
            Self::from_catalogue(products, config, quiz, seed)
        } else {
            let version = version.unwrap_or(0);
            if version != u64::from(BANK_VERSION) {
                return Err(QuizError::UnsupportedBankVersion(version));
            }
            let file: BankFile = crate::json::read_str(json).map_err(malformed)?;
            Self::from_file(file, config)
        }
    }

    /// Uses a ready bank file as it is (minus invalid, duplicate and sensitive products).
    pub fn from_file(file: BankFile, config: &ProfileConfig) -> Result<Self, QuizError> {
        if file.id.is_empty() || file.id.len() > product::MAX_ID_LEN {
            return Err(QuizError::MalformedBank(
                "the bank id must be 1 to 128 bytes".into(),
            ));
        }
        let (products, features, skipped) = clean(file.products, config)?;
        Ok(Self::build(file.id, products, features, skipped))
    }

    /// Generates a bank of at most `quiz.bank_size` products from a catalogue sample, chosen
    /// greedily so that common values are covered first and every value as soon as possible:
    /// each pick maximises the summed `sqrt(prevalence)` of the values it would cover for the
    /// first time (once everything is covered, coverage starts over). Ties are broken by a
    /// seeded hash of the id, so the same catalogue and seed give the same bank.
    pub fn from_catalogue(
        products: Vec<BankProduct>,
        config: &ProfileConfig,
        quiz: &QuizConfig,
        seed: u64,
    ) -> Result<Self, QuizError> {
        let (pool, features, skipped) = clean(products, config)?;
        let prevalence = prevalence_of(&features);
        let target = quiz.bank_size.min(pool.len());
        let mut chosen = Vec::with_capacity(target);
        let mut taken = vec![false; pool.len()];
        let mut covered: VecSet<&(String, String)> = VecSet::new();
        // Lazy greedy: a product's gain only shrinks while coverage grows, so a stale key is
        // an upper bound and the first fresh maximum is the true one.
        let gain = |covered: &VecSet<&(String, String)>, i: usize| -> u64 {
            let mut g = -0.0;
            for f in &features[i] {
                if !covered.contains(f) {
                    g += prevalence.get(f).copied().unwrap_or(0.0).sqrt();
                }
            }
            (g * 1.0e12) as u64
        };
        let mut heap = BinaryHeap::new();
        while chosen.len() < target {
            if heap.is_empty() {
                covered.clear();
                // The keys are distinct (they end in the index), so the pop order does not
                // depend on how the heap was filled.
                for i in 0..pool.len() {
                    if !taken[i] {
                        heap.push((gain(&covered, i), tie_break(seed, &pool[i].id), i));
                    }
                }
                if heap.is_empty() {
                    break;
                }
            }
            let Some((stale, tie, i)) = heap.pop() else {
                break;
            };
            let fresh = gain(&covered, i);
            if fresh < stale {
                heap.push((fresh, tie, i));
                continue;
            }
            if fresh == 0 {
                heap.clear();
                continue;
            }
            taken[i] = true;
            covered.extend(features[i].iter());
            chosen.push(i);
        }
        let mut hash = seed ^ 0xcbf2_9ce4_8422_2325;
        let mut products = Vec::with_capacity(chosen.len());
        let mut chosen_features = Vec::with_capacity(chosen.len());
        for i in chosen {
            hash = fnv(hash, &pool[i].id);
            products.push(pool[i].clone());
            chosen_features.push(features[i].clone());
        }
        let id = format!("gen-{hash:016x}");
        Ok(Self::build(id, products, chosen_features, skipped))
    }

    fn build(
        id: String,
        products: Vec<BankProduct>,
        features: Vec<Vec<(String, String)>>,
        skipped: usize,
    ) -> Self {
        let prevalence = prevalence_of(&features);
        QuestionBank {
            id,
            products,
            features,
            prevalence,
            skipped,
        }
    }

    /// The bank's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The products, in bank order.
    pub fn products(&self) -> &[BankProduct] {
        &self.products
    }

    /// The learnable features of product `index`.
    pub fn features(&self, index: usize) -> &[(String, String)] {
        self.features.get(index).map_or(&[], Vec::as_slice)
    }

    /// Share of the bank's products carrying `(attribute, value)`.
    pub fn prevalence(&self, attribute: &str, value: &str) -> f64 {
        self.prevalence
            .get(&(attribute.to_owned(), value.to_owned()))
            .copied()
            .unwrap_or(0.0)
    }

    /// Every (attribute, value) in the bank with its prevalence.
    pub fn values(&self) -> &VecMap<(String, String), f64> {
        &self.prevalence
    }

    /// The index of a product id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.products.iter().position(|p| p.id == id)
    }

    /// How many input products were left out (invalid, duplicate, sensitive, featureless).
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The bank as a file, for caching or shipping.
    pub fn to_file(&self) -> BankFile {
        BankFile {
            version: BANK_VERSION,
            id: self.id.clone(),
            products: self.products.clone(),
        }
    }
}

/// The usable products (valid, not sensitive, with features; the first of each id) in their
/// order, their features, and how many were left out.
type Cleaned = (Vec<BankProduct>, Vec<Vec<(String, String)>>, usize);

fn clean(products: Vec<BankProduct>, config: &ProfileConfig) -> Result<Cleaned, QuizError> {
    if products.len() > MAX_INPUT_PRODUCTS {
        return Err(QuizError::MalformedBank(format!(
            "{} products given; the limit is {MAX_INPUT_PRODUCTS}",
            products.len()
        )));
    }
    let total = products.len();
    let mut usable = Vec::new();
    let mut features = Vec::new();
    for p in products {
        if !p.is_valid() || p.is_sensitive(config) {
            continue;
        }
        let f = p.features(config);
        if !f.is_empty() {
            usable.push(p);
            features.push(f);
        }
    }
    let first = collections::first_occurrences(&usable, |p| p.id.as_str());
    let mut kept = Vec::new();
    let mut kept_features = Vec::new();
    for ((p, f), first) in usable.into_iter().zip(features).zip(first) {
        if first {
            kept.push(p);
            kept_features.push(f);
        }
    }
    if kept.is_empty() {
        return Err(QuizError::EmptyBank);
    }
    let skipped = total - kept.len();
    Ok((kept, kept_features, skipped))
}

fn prevalence_of(features: &[Vec<(String, String)>]) -> VecMap<(String, String), f64> {
    // Each mention adds the same share, so the order of the additions does not matter.
    let share = 1.0 / features.len().max(1) as f64;
    let mut out: VecMap<(String, String), f64> = VecMap::new();
    for product in features {
        for f in product {
            match out.get_mut(f) {
                Some(total) => *total += share,
                None => {
                    out.insert(f.clone(), share);
                }
            }
        }
    }
    out
}

fn fnv(mut hash: u64, text: &str) -> u64 {
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A seeded, stable pseudo-random key for breaking ties (SplitMix64 of FNV-1a).
pub fn tie_break(seed: u64, id: &str) -> u64 {
    let mut z = fnv(seed ^ 0xcbf2_9ce4_8422_2325, id).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
