//! The loader as it was before the size pass of 2026-12-01 (one decode loop per dtype,
//! tensors matched against all-zero weights, the dense layers copied through ndarray
//! iterators): the oracle the rewritten loader is compared with (`oracle_tests.rs`).

// The file's framing and verification (`format::decode_with`) are unchanged by the rewrite and
// shared; only the old tensor reader and pin parser below are oracle code.
use super::format::{DType, Reader, Tensor, MAX_MODEL_BYTES};
use super::quant::f16_to_f32;
use super::{kernel, ModelError, ModelMetadata, Weights};
use crate::features::SpecIndex;
use ndarray::{Array1, Array2};

fn read_tensor(r: &mut Reader<'_>) -> Result<Tensor, ModelError> {
    let name_len = usize::from(r.u8()?);
    let name = std::str::from_utf8(r.take(name_len)?)
        .ok()
        .filter(|n| !n.is_empty() && n.is_ascii())
        .ok_or_else(|| ModelError::Malformed("tensor name is not ASCII".into()))?
        .to_owned();
    let dtype = match r.u8()? {
        0 => DType::F32,
        1 => DType::F16,
        2 => DType::I8Rows,
        other => {
            return Err(ModelError::Malformed(format!(
                "tensor `{name}` has dtype {other}"
            )))
        }
    };
    let rank = usize::from(r.u8()?);
    if !(1..=2).contains(&rank) {
        return Err(ModelError::Malformed(format!(
            "tensor `{name}` has rank {rank}"
        )));
    }
    let mut shape = Vec::with_capacity(rank);
    for _ in 0..rank {
        shape.push(r.u32()? as usize);
    }
    // Bound the element count by what the file could hold, so a huge shape cannot allocate.
    let len = shape
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(*d))
        .filter(|n| *n <= MAX_MODEL_BYTES)
        .ok_or_else(|| {
            let shape = crate::json::quoted(&shape);
            ModelError::Malformed(format!("tensor `{name}` shape {shape} is too large"))
        })?;
    let data = match dtype {
        DType::F32 => r
            .take(len * 4)?
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        DType::F16 => r
            .take(len * 2)?
            .chunks_exact(2)
            .map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]])))
            .collect(),
        DType::I8Rows => {
            let cols = shape.last().copied().unwrap_or(0);
            let rows = if rank == 1 { 1 } else { shape[0] };
            let mut scales = Vec::with_capacity(rows.min(len + 1));
            for _ in 0..rows {
                scales.push(r.f32()?);
            }
            let codes = r.take(len)?;
            let mut data = Vec::with_capacity(len);
            if cols > 0 {
                for (row, chunk) in codes.chunks(cols).enumerate() {
                    let scale = scales.get(row).copied().unwrap_or(0.0);
                    data.extend(chunk.iter().map(|c| f32::from(*c as i8) * scale));
                }
            }
            data
        }
    };
    if data.iter().any(|v: &f32| !v.is_finite()) {
        return Err(ModelError::NonFinite(name));
    }
    Ok(Tensor {
        name,
        shape,
        dtype,
        data,
    })
}

/// Parses `64 hex digits` or `sha256-<base64>` into a digest.
pub fn parse_pin(pin: &str) -> Option<[u8; 32]> {
    let pin = pin.trim();
    let bytes = match pin.strip_prefix("sha256-") {
        Some(b64) => super::format::base64_decode(b64)?,
        None if pin.len() == 64 => (0..32)
            .map(|i| u8::from_str_radix(pin.get(2 * i..2 * i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?,
        None => return None,
    };
    bytes.try_into().ok()
}

/// The old `Model::from_bytes` up to the model: metadata, index, weights and dense layers.
pub(super) fn load(
    bytes: &[u8],
    pinned: Option<&str>,
) -> Result<(ModelMetadata, SpecIndex, Weights, kernel::Dense), ModelError> {
    let (metadata_json, tensors) =
        super::format::decode_with(bytes, pinned, parse_pin, read_tensor)?;
    let metadata = ModelMetadata::from_json(metadata_json)?;
    let index = metadata.spec.clone().compile()?;
    let weights = from_tensors(tensors, &Weights::zeros(&index))?;
    let dense = dense_of(&weights);
    Ok((metadata, index, weights, dense))
}

/// Rebuilds weights from decoded tensors, checking every shape against `expected`.
pub(super) fn from_tensors(
    tensors: Vec<Tensor>,
    expected: &Weights,
) -> Result<Weights, ModelError> {
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
    let mut take = |name: &str, shape: &[usize]| -> Result<Vec<f32>, ModelError> {
        let at = by_name
            .iter()
            .position(|t| t.name == name)
            .ok_or_else(|| ModelError::MissingTensor(name.to_owned()))?;
        let t = by_name.swap_remove(at);
        if t.shape != shape {
            return Err(ModelError::ShapeMismatch {
                tensor: name.to_owned(),
                expected: shape.to_vec(),
                actual: t.shape,
            });
        }
        Ok(t.data)
    };
    let mut m = |name: &str, a: &Array2<f32>| -> Result<Array2<f32>, ModelError> {
        let data = take(name, a.shape())?;
        Array2::from_shape_vec(a.raw_dim(), data).map_err(|e| ModelError::Malformed(e.to_string()))
    };
    let item_table = m("item_table", &expected.item_table)?;
    let context_table = m("context_table", &expected.context_table)?;
    let history_transform = m("history_transform", &expected.history_transform)?;
    let session_transform = m("session_transform", &expected.session_transform)?;
    let quiz_transform = m("quiz_transform", &expected.quiz_transform)?;
    let embedding_projection = m("embedding_projection", &expected.embedding_projection)?;
    let hidden_weights = m("hidden_weights", &expected.hidden_weights)?;
    let mut v = |name: &str, a: &Array1<f32>| -> Result<Array1<f32>, ModelError> {
        Ok(Array1::from_vec(take(name, &[a.len()])?))
    };
    let weights = Weights {
        item_table,
        context_table,
        shopper_bias: v("shopper_bias", &expected.shopper_bias)?,
        history_transform,
        session_transform,
        quiz_transform,
        embedding_projection,
        cross_weights: v("cross_weights", &expected.cross_weights)?,
        hidden_weights,
        hidden_bias: v("hidden_bias", &expected.hidden_bias)?,
        output_weights: v("output_weights", &expected.output_weights)?,
    };
    if let Some(name) = by_name.first().map(|t| &t.name) {
        return Err(ModelError::Malformed(format!("unexpected tensor `{name}`")));
    }
    Ok(weights)
}

/// The old `Dense::of`: the dense parts of `w` through ndarray iterators.
pub(super) fn dense_of(w: &Weights) -> kernel::Dense {
    kernel::Dense {
        hidden_t: w.hidden_weights.t().iter().copied().collect(),
        hidden_bias: w.hidden_bias.to_vec(),
        output: w.output_weights.to_vec(),
        cross: w.cross_weights.to_vec(),
    }
}
