//! The compact ranking model: a two-tower dot product with a small interaction layer.
//!
//! ## Architecture
//!
//! - **Item tower.** `v = Σₐ E[row(a, value)] + P · e`: one embedding row per attribute value
//!   the candidate has (vocabularies from the model's [`FeatureSpec`](crate::features::FeatureSpec); unknown values share
//!   their attribute's "unknown" row), plus a projection of the server-supplied item
//!   embedding `e` when the model uses one and its length matches.
//! - **Shopper tower.** `u = T_h · pool(history) + T_s · pool(session) + T_q · pool(quiz) +
//!   Σ C[context] + b`: each source pools the *same* item embeddings `E`, weighted by the share of
//!   the shopper's affinity mass a value holds (history, quiz) or by session membership, and
//!   has its own transform; context fields add their own rows, and `b` (what any shopper is
//!   drawn to) gives attribute values a prior beyond the server's rank.
//! - **Interaction.** `score = u·v + w·x + wₒ · relu(W_h · [x, u·v] + b)`, where `x` are the
//!   [`CROSS_FEATURES`](crate::features::CROSS_FEATURES): the server's rank and score,
//!   affinity share, "seen this item / this product", session and quiz match, price ratio,
//!   profile strength. The interaction layer lets the model trust the profile more when it
//!   knows more, and the server's order more when it knows little.
//!
//! Because `u` is fixed for a call, `u·E` is computed once per call; a candidate then costs a
//! vocabulary lookup per attribute, an embedding dot product and the small interaction layer.
//! Weights live in ndarray arrays (no BLAS). The file format is in [`format`](mod@format).

mod cache;
pub mod format;
pub mod kernel;
pub mod metadata;
mod order;
pub mod quant;
pub mod score;
pub mod sha256;

use ndarray::{Array1, Array2, ErrorKind};
use thiserror::Error;

use crate::features::cross::CROSS_COUNT;
use crate::features::{SpecError, SpecIndex};
pub use cache::ItemCache;
use format::{DType, Tensor};
pub use metadata::ModelMetadata;
pub use score::{ModelRanking, ReasonKind};

/// Why a model file (or a model built in memory) cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    /// The file ends before its declared length or before a field it needs.
    #[error("model file is truncated: needs {needed} bytes, has {available}")]
    Truncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        available: usize,
    },
    /// The file has bytes beyond its declared length.
    #[error("model file has {actual} bytes; its header declares {expected}")]
    TrailingBytes {
        /// Declared length.
        expected: usize,
        /// Actual length.
        actual: usize,
    },
    /// Not a Vitrine model file.
    #[error("not a Vitrine model file (wrong magic bytes)")]
    WrongMagic,
    /// A format version this code cannot read.
    #[error("model format version {found} is not supported (this SDK reads version {supported})")]
    UnsupportedVersion {
        /// The file's version.
        found: u16,
        /// The version this code reads.
        supported: u16,
    },
    /// The payload does not match its SHA-256: corrupted or tampered.
    #[error("model checksum mismatch: stored {stored}, computed {computed}")]
    ChecksumMismatch {
        /// Digest stored in the file.
        stored: String,
        /// Digest of the payload as read.
        computed: String,
    },
    /// The file's SHA-256 differs from the hash the page pinned.
    #[error("model hash {actual} does not match the pinned {expected}")]
    PinnedHashMismatch {
        /// The pinned digest (hex).
        expected: String,
        /// The file's digest (hex).
        actual: String,
    },
    /// The pinned hash is neither 64 hex digits nor `sha256-<base64>`.
    #[error("pinned model hash `{0}` is not 64 hex digits or sha256-<base64>")]
    InvalidPin(String),
    /// The file is larger than accepted.
    #[error("model file has {size} bytes; the limit is {max}")]
    TooLarge {
        /// File size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The structure is invalid (bad dtype, rank, names, counts).
    #[error("model file is malformed: {0}")]
    Malformed(String),
    /// The metadata JSON cannot be read.
    #[error("model metadata is invalid: {0}")]
    Metadata(String),
    /// The model was built for features this code does not compute.
    #[error("model feature spec is not supported: {0}")]
    Spec(#[from] SpecError),
    /// A tensor is missing.
    #[error("model tensor `{0}` is missing")]
    MissingTensor(String),
    /// A tensor's shape disagrees with the feature spec.
    #[error(
        "model tensor `{tensor}` has shape {}; the spec needs {}",
        crate::json::quoted(.actual),
        crate::json::quoted(.expected)
    )]
    ShapeMismatch {
        /// The tensor.
        tensor: String,
        /// Shape the spec implies.
        expected: Vec<usize>,
        /// Shape in the file.
        actual: Vec<usize>,
    },
    /// A tensor holds NaN or infinite values.
    #[error("model tensor `{0}` holds non-finite values")]
    NonFinite(String),
}

/// The model's parameters, in f32.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Item attribute embeddings, `(item rows, dim)`.
    pub item_table: Array2<f32>,
    /// Context embeddings, `(context rows, dim)`.
    pub context_table: Array2<f32>,
    /// Added to every shopper vector (what any shopper is drawn to), `(dim)`.
    pub shopper_bias: Array1<f32>,
    /// History pool transform, `(dim, dim)`.
    pub history_transform: Array2<f32>,
    /// Session pool transform, `(dim, dim)`.
    pub session_transform: Array2<f32>,
    /// Quiz pool transform, `(dim, dim)`.
    pub quiz_transform: Array2<f32>,
    /// Projection of the server's item embedding, `(dim, item embedding dim)`.
    pub embedding_projection: Array2<f32>,
    /// Linear weights of the cross features, `(cross)`.
    pub cross_weights: Array1<f32>,
    /// Interaction layer weights over `[x, u·v]`, `(hidden, cross + 1)`.
    pub hidden_weights: Array2<f32>,
    /// Interaction layer bias, `(hidden)`.
    pub hidden_bias: Array1<f32>,
    /// Output weights of the interaction layer, `(hidden)`.
    pub output_weights: Array1<f32>,
}

impl Weights {
    /// All-zero weights shaped for a compiled spec (the trainer initialises from these).
    pub fn zeros(index: &SpecIndex) -> Weights {
        let s = index.spec();
        Weights {
            item_table: Array2::zeros((index.item_table_rows(), s.dim)),
            context_table: Array2::zeros((index.context_table_rows(), s.dim)),
            shopper_bias: Array1::zeros(s.dim),
            history_transform: Array2::zeros((s.dim, s.dim)),
            session_transform: Array2::zeros((s.dim, s.dim)),
            quiz_transform: Array2::zeros((s.dim, s.dim)),
            embedding_projection: Array2::zeros((s.dim, s.item_embedding_dim)),
            cross_weights: Array1::zeros(CROSS_COUNT),
            hidden_weights: Array2::zeros((s.hidden, CROSS_COUNT + 1)),
            hidden_bias: Array1::zeros(s.hidden),
            output_weights: Array1::zeros(s.hidden),
        }
    }

    /// Each tensor's name, storage type, shape and values, in file order.
    fn tensors(&self) -> Vec<Tensor> {
        let m = |name: &str, dtype, a: &Array2<f32>| Tensor {
            name: name.to_owned(),
            shape: a.shape().to_vec(),
            dtype,
            data: a.iter().copied().collect(),
        };
        let v = |name: &str, a: &Array1<f32>| Tensor {
            name: name.to_owned(),
            shape: vec![a.len()],
            dtype: DType::F32,
            data: a.to_vec(),
        };
        vec![
            m("item_table", DType::I8Rows, &self.item_table),
            m("context_table", DType::I8Rows, &self.context_table),
            v("shopper_bias", &self.shopper_bias),
            m("history_transform", DType::F16, &self.history_transform),
            m("session_transform", DType::F16, &self.session_transform),
            m("quiz_transform", DType::F16, &self.quiz_transform),
            m(
                "embedding_projection",
                DType::F16,
                &self.embedding_projection,
            ),
            v("cross_weights", &self.cross_weights),
            m("hidden_weights", DType::F16, &self.hidden_weights),
            v("hidden_bias", &self.hidden_bias),
            v("output_weights", &self.output_weights),
        ]
    }

    /// Rebuilds weights from decoded tensors, checking every shape against the compiled spec,
    /// and copies their dense layers for the scoring loop.
    ///
    /// One loop over a table of names and shapes (matrices first, then vectors: the order in
    /// which a missing or misshapen tensor is reported), on the decoded vectors themselves
    /// (their length is the product of their shape, so building a matrix cannot fail once
    /// its shape matched).
    fn from_tensors(
        tensors: Vec<Tensor>,
        index: &SpecIndex,
    ) -> Result<(Weights, kernel::Dense), ModelError> {
        // A dozen tensors: a vector beats a map in code size and speed.
        let mut by_name: Vec<Tensor> = Vec::with_capacity(tensors.len());
        for t in tensors {
            if by_name.iter().any(|seen| seen.name == t.name) {
                return Err(ModelError::Malformed(format!(
                    "tensor `{}` appears twice",
                    t.name
                )));
            }
            by_name.push(t);
        }
        let s = index.spec();
        let (dim, hidden, inputs) = (s.dim, s.hidden, CROSS_COUNT + 1);
        // (name, shape, rank): a vector's shape is its first entry.
        let expected: [(&str, [usize; 2], usize); 11] = [
            ("item_table", [index.item_table_rows(), dim], 2),
            ("context_table", [index.context_table_rows(), dim], 2),
            ("history_transform", [dim, dim], 2),
            ("session_transform", [dim, dim], 2),
            ("quiz_transform", [dim, dim], 2),
            ("embedding_projection", [dim, s.item_embedding_dim], 2),
            ("hidden_weights", [hidden, inputs], 2),
            ("shopper_bias", [dim, 0], 1),
            ("cross_weights", [CROSS_COUNT, 0], 1),
            ("hidden_bias", [hidden, 0], 1),
            ("output_weights", [hidden, 0], 1),
        ];
        let mut matrices: [Array2<f32>; 7] = Default::default();
        let mut vectors: [Vec<f32>; 4] = Default::default();
        let mut hidden_t = Vec::new();
        for (k, (name, shape, rank)) in expected.iter().enumerate() {
            let at = by_name
                .iter()
                .position(|t| t.name == *name)
                .ok_or_else(|| ModelError::MissingTensor((*name).to_owned()))?;
            let t = by_name.swap_remove(at);
            if t.shape != shape[..*rank] {
                return Err(ModelError::ShapeMismatch {
                    tensor: (*name).to_owned(),
                    expected: shape[..*rank].to_vec(),
                    actual: t.shape,
                });
            }
            match (matrices.get_mut(k), vectors.get_mut(k.wrapping_sub(7))) {
                (Some(slot), _) => {
                    if k == 6 {
                        hidden_t = transposed(&t.data, hidden, inputs);
                    }
                    *slot = matrix(*shape, t.data)?;
                }
                (None, Some(slot)) => *slot = t.data,
                (None, None) => {}
            }
        }
        if let Some(name) = by_name.first().map(|t| &t.name) {
            return Err(ModelError::Malformed(format!("unexpected tensor `{name}`")));
        }
        let [item_table, context_table, history_transform, session_transform, quiz_transform, embedding_projection, hidden_weights] =
            matrices;
        let [shopper_bias, cross, hidden_bias, output] = vectors;
        let dense = kernel::Dense {
            hidden_t,
            hidden_bias: hidden_bias.clone(),
            output: output.clone(),
            cross: cross.clone(),
        };
        let weights = Weights {
            item_table,
            context_table,
            shopper_bias: Array1::from_vec(shopper_bias),
            history_transform,
            session_transform,
            quiz_transform,
            embedding_projection,
            cross_weights: Array1::from_vec(cross),
            hidden_weights,
            hidden_bias: Array1::from_vec(hidden_bias),
            output_weights: Array1::from_vec(output),
        };
        Ok((weights, dense))
    }
}

/// `hidden × inputs` row-major values transposed: input `j`'s weights to every hidden unit
/// together (what the interaction kernel reads).
fn transposed(values: &[f32], hidden: usize, inputs: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(values.len());
    for j in 0..inputs {
        for unit in 0..hidden {
            out.push(values.get(unit * inputs + j).copied().unwrap_or(0.0));
        }
    }
    out
}

/// A row-major matrix from its values (their count was checked against the shape).
fn matrix([rows, cols]: [usize; 2], data: Vec<f32>) -> Result<Array2<f32>, ModelError> {
    Array2::from_shape_vec((rows, cols), data).map_err(|e| {
        // ndarray's `ShapeError` text for the kinds `from_shape_vec` returns, without linking
        // its formatting.
        let text = match e.kind() {
            ErrorKind::IncompatibleShape => "ShapeError/IncompatibleShape: incompatible shapes",
            ErrorKind::OutOfBounds => "ShapeError/OutOfBounds: out of bounds indexing",
            ErrorKind::Overflow => "ShapeError/Overflow: arithmetic overflow",
            _ => "ShapeError: the values do not fit the shape",
        };
        ModelError::Malformed(text.to_owned())
    })
}

/// A loaded, verified model.
#[derive(Debug, Clone)]
pub struct Model {
    metadata: ModelMetadata,
    index: SpecIndex,
    weights: Weights,
    /// The dense layers as plain vectors, for the scoring loop.
    dense: kernel::Dense,
    sha256: String,
}

impl Model {
    /// Builds a model in memory (the trainer does), checking shapes and values.
    pub fn new(metadata: ModelMetadata, weights: Weights) -> Result<Model, ModelError> {
        metadata.validate()?;
        let index = metadata.spec.clone().compile()?;
        let tensors = weights.tensors();
        if let Some(t) = tensors
            .iter()
            .find(|t| t.data.iter().any(|v| !v.is_finite()))
        {
            return Err(ModelError::NonFinite(t.name.clone()));
        }
        let (weights, dense) = Weights::from_tensors(tensors, &index)?;
        Ok(Model {
            metadata,
            index,
            dense,
            weights,
            sha256: String::new(),
        })
    }

    /// Loads and verifies a model file. `pinned_sha256` (optional) is the SHA-256 the page
    /// expects for the whole file, as 64 hex digits or `sha256-<base64>` (like Subresource
    /// Integrity).
    pub fn from_bytes(bytes: &[u8], pinned_sha256: Option<&str>) -> Result<Model, ModelError> {
        let (metadata_json, tensors) = format::decode(bytes, pinned_sha256)?;
        let metadata = ModelMetadata::from_json(metadata_json)?;
        let index = metadata.spec.clone().compile()?;
        let (weights, dense) = Weights::from_tensors(tensors, &index)?;
        Ok(Model {
            metadata,
            index,
            dense,
            weights,
            sha256: sha256::sha256_hex(bytes),
        })
    }

    /// Serialises the model (weights are quantized: embedding tables to int8 rows, dense
    /// layers to f16, vectors kept f32).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        let json = self.metadata.to_json()?;
        Ok(format::encode(&json, &self.weights.tensors()))
    }

    /// The metadata.
    pub fn metadata(&self) -> &ModelMetadata {
        &self.metadata
    }

    /// The compiled feature spec.
    pub fn index(&self) -> &SpecIndex {
        &self.index
    }

    /// The weights.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// SHA-256 (hex) of the file the model was loaded from; empty for in-memory models.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod oracle;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod oracle_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests;
