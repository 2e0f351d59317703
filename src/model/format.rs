//! The model file: a versioned binary container, verified before anything in it is used.
//!
//! Layout (all integers little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `VITRINEM` |
//! | 8 | 2 | format version ([`FORMAT_VERSION`]) |
//! | 10 | 2 | flags, must be 0 |
//! | 12 | 4 | total file length in bytes |
//! | 16 | 4 | metadata length `m` |
//! | 20 | m | metadata, UTF-8 JSON ([`super::ModelMetadata`]: feature spec, provenance) |
//! | 20+m | 4 | tensor count |
//! | … | | tensors, each: name length (u8), name (ASCII), dtype (u8: 0 f32, 1 f16, 2 int8 rows), rank (u8, 1 or 2), dims (u32 each), data |
//! | len−32 | 32 | SHA-256 of every byte before it |
//!
//! int8 tensors store one f32 scale per row, then the codes row-major (`value = code · scale`).
//! Checks run in order: length, magic, version, declared length (truncated / trailing
//! bytes), optional pinned hash of the whole file, payload checksum, then structure.

use super::quant::{f16_to_f32, f32_to_f16, quantize_row};
use super::sha256::{sha256, to_hex};
use super::ModelError;

/// The file's first bytes.
pub const MAGIC: [u8; 8] = *b"VITRINEM";
/// The only format version this code reads and writes.
pub const FORMAT_VERSION: u16 = 1;
/// Largest model file accepted, in bytes.
pub const MAX_MODEL_BYTES: usize = 16 * 1024 * 1024;
/// Largest metadata block accepted, in bytes.
pub const MAX_METADATA_BYTES: usize = 4 * 1024 * 1024;
/// Most tensors in one file.
pub const MAX_TENSORS: usize = 64;
const HEADER: usize = 20;
const DIGEST: usize = 32;

/// How a tensor's numbers are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// 4-byte IEEE floats.
    F32 = 0,
    /// 2-byte IEEE half floats.
    F16 = 1,
    /// One f32 scale per row, then one signed byte per value.
    I8Rows = 2,
}

/// A named tensor: shape and values in row-major order (dequantized when read).
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// The tensor's name.
    pub name: String,
    /// 1 or 2 dimensions.
    pub shape: Vec<usize>,
    /// Storage type in the file.
    pub dtype: DType,
    /// Values, row-major.
    pub data: Vec<f32>,
}

/// Serialises metadata and tensors into a complete file with its checksum.
pub fn encode(metadata_json: &str, tensors: &[Tensor]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // total length, patched below
    out.extend_from_slice(&(metadata_json.len() as u32).to_le_bytes());
    out.extend_from_slice(metadata_json.as_bytes());
    out.extend_from_slice(&(tensors.len() as u32).to_le_bytes());
    for t in tensors {
        out.push(t.name.len() as u8);
        out.extend_from_slice(t.name.as_bytes());
        out.push(t.dtype as u8);
        out.push(t.shape.len() as u8);
        for d in &t.shape {
            out.extend_from_slice(&(*d as u32).to_le_bytes());
        }
        match t.dtype {
            DType::F32 => t
                .data
                .iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
            DType::F16 => t
                .data
                .iter()
                .for_each(|v| out.extend_from_slice(&f32_to_f16(*v).to_le_bytes())),
            DType::I8Rows => {
                let cols = t.shape.last().copied().unwrap_or(0);
                let row_count = if t.shape.len() == 1 {
                    1
                } else {
                    t.shape.first().copied().unwrap_or(0)
                };
                let rows: Vec<(f32, Vec<i8>)> = (0..row_count)
                    .map(|i| quantize_row(t.data.get(i * cols..(i + 1) * cols).unwrap_or(&[])))
                    .collect();
                rows.iter()
                    .for_each(|(scale, _)| out.extend_from_slice(&scale.to_le_bytes()));
                rows.iter()
                    .flat_map(|(_, codes)| codes)
                    .for_each(|c| out.push(*c as u8));
            }
        }
    }
    let total = (out.len() + DIGEST) as u32;
    out[12..16].copy_from_slice(&total.to_le_bytes());
    let digest = sha256(&out);
    out.extend_from_slice(&digest);
    out
}

/// A bounds-checked reader over the verified payload.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(ModelError::Truncated {
                needed: self.pos.saturating_add(n),
                available: self.bytes.len(),
            })?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    pub(super) fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(super) fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_bits(self.u32()?))
    }
}

pub(super) fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

pub(super) fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Verifies a file and splits it into metadata JSON and tensors.
///
/// `pinned` is the page's expected SHA-256 of the whole file: 64 hex digits, or the
/// Subresource Integrity form `sha256-<base64>`.
pub fn decode<'a>(
    bytes: &'a [u8],
    pinned: Option<&str>,
) -> Result<(&'a str, Vec<Tensor>), ModelError> {
    decode_with(bytes, pinned, parse_pin, read_tensor)
}

/// Pin parser for [`decode_with`].
pub(super) type PinParser = fn(&str) -> Option<[u8; 32]>;
/// Tensor reader for [`decode_with`].
pub(super) type TensorReader = fn(&mut Reader<'_>) -> Result<Tensor, ModelError>;

/// [`decode`] with its pin parser and tensor reader given: the one framing and verification
/// body, which the test oracle (`oracle.rs`) drives with the pre-rewrite parser and reader.
pub(super) fn decode_with<'a>(
    bytes: &'a [u8],
    pinned: Option<&str>,
    parse_pin: PinParser,
    read_tensor: TensorReader,
) -> Result<(&'a str, Vec<Tensor>), ModelError> {
    if bytes.len() > MAX_MODEL_BYTES {
        return Err(ModelError::TooLarge {
            size: bytes.len(),
            max: MAX_MODEL_BYTES,
        });
    }
    if bytes.len() < HEADER + 4 + DIGEST {
        // Even a short prefix is judged by its magic first, so a random file is not "truncated".
        if bytes.len() >= MAGIC.len() && bytes[..MAGIC.len()] != MAGIC {
            return Err(ModelError::WrongMagic);
        }
        return Err(ModelError::Truncated {
            needed: HEADER + 4 + DIGEST,
            available: bytes.len(),
        });
    }
    if bytes[..MAGIC.len()] != MAGIC {
        return Err(ModelError::WrongMagic);
    }
    let version = u16_at(bytes, 8);
    if version != FORMAT_VERSION {
        return Err(ModelError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let declared = u32_at(bytes, 12) as usize;
    if bytes.len() < declared {
        return Err(ModelError::Truncated {
            needed: declared,
            available: bytes.len(),
        });
    }
    if bytes.len() > declared {
        return Err(ModelError::TrailingBytes {
            expected: declared,
            actual: bytes.len(),
        });
    }
    if let Some(pin) = pinned {
        check_pin(bytes, pin, parse_pin)?;
    }
    let (payload, digest) = bytes.split_at(bytes.len() - DIGEST);
    let actual = sha256(payload);
    if actual[..] != *digest {
        return Err(ModelError::ChecksumMismatch {
            stored: to_hex(digest),
            computed: to_hex(&actual),
        });
    }
    if u16_at(bytes, 10) != 0 {
        return Err(ModelError::Malformed("unknown flags set".into()));
    }
    let mut r = Reader {
        bytes: payload,
        pos: 16,
    };
    let meta_len = r.u32()? as usize;
    if meta_len > MAX_METADATA_BYTES {
        return Err(ModelError::Malformed(format!(
            "metadata of {meta_len} bytes"
        )));
    }
    let metadata = std::str::from_utf8(r.take(meta_len)?)
        .map_err(|_| ModelError::Metadata("metadata is not UTF-8".into()))?;
    let count = r.u32()? as usize;
    if count > MAX_TENSORS {
        return Err(ModelError::Malformed(format!("{count} tensors")));
    }
    let mut tensors = Vec::with_capacity(count);
    for _ in 0..count {
        tensors.push(read_tensor(&mut r)?);
    }
    if r.pos != payload.len() {
        return Err(ModelError::Malformed(
            "bytes left after the last tensor".into(),
        ));
    }
    Ok((metadata, tensors))
}

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
    // Every dtype decodes in one loop: `width` bytes per value (after the row scales of an
    // int8 tensor), read in the order the file stores them.
    let (width, rows) = match dtype {
        DType::F32 => (4, 0),
        DType::F16 => (2, 0),
        DType::I8Rows => (1, if rank == 1 { 1 } else { shape[0] }),
    };
    let mut scales = Vec::with_capacity(rows.min(len + 1));
    for _ in 0..rows {
        scales.push(r.f32()?);
    }
    let cols = shape[rank - 1];
    let mut data = Vec::with_capacity(len);
    let mut finite = true;
    for (k, b) in r.take(len * width)?.chunks_exact(width).enumerate() {
        let value = match dtype {
            DType::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            DType::F16 => f16_to_f32(u16::from_le_bytes([b[0], b[1]])),
            // cols > 0 whenever there is a value (len = rows · cols), and k / cols < rows.
            DType::I8Rows => {
                let scale = k.checked_div(cols).and_then(|row| scales.get(row));
                f32::from(b[0] as i8) * scale.copied().unwrap_or(0.0)
            }
        };
        finite &= value.is_finite();
        data.push(value);
    }
    if !finite {
        return Err(ModelError::NonFinite(name));
    }
    Ok(Tensor {
        name,
        shape,
        dtype,
        data,
    })
}

fn check_pin(bytes: &[u8], pin: &str, parse_pin: PinParser) -> Result<(), ModelError> {
    let expected =
        parse_pin(pin).ok_or_else(|| ModelError::InvalidPin(pin.chars().take(100).collect()))?;
    let actual = sha256(bytes);
    if actual != expected {
        return Err(ModelError::PinnedHashMismatch {
            expected: to_hex(&expected),
            actual: to_hex(&actual),
        });
    }
    Ok(())
}

/// Parses `64 hex digits` or `sha256-<base64>` into a digest.
pub fn parse_pin(pin: &str) -> Option<[u8; 32]> {
    let pin = pin.trim();
    let bytes = match pin.strip_prefix("sha256-") {
        Some(b64) => base64_decode(b64)?,
        None if pin.len() == 64 => {
            let mut digest = [0u8; 32];
            for (i, byte) in digest.iter_mut().enumerate() {
                *byte = u8::from_str_radix(pin.get(2 * i..2 * i + 2)?, 16).ok()?;
            }
            return Some(digest);
        }
        None => return None,
    };
    bytes.try_into().ok()
}

pub(super) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let trimmed = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in trimmed.bytes() {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
