//! The rewritten loader (one decode loop, shapes from a table, dense layers from the decoded
//! vectors, the pin parsed without an iterator chain) against the loader it replaced
//! (`oracle.rs`): the same model or the same error, on real files and on mutated ones whose
//! length and checksum are fixed up so the mutations reach the structure checks.

use proptest::prelude::*;

use super::format::{self, DType, Tensor};
use super::sha256::sha256;
use super::tests::tiny_model;
use super::{oracle, Model};

/// `payload` (a file minus its digest) as a file: declared length and SHA-256 fixed up.
fn with_valid_digest(payload: &[u8]) -> Vec<u8> {
    let mut file = payload.to_vec();
    if file.len() >= 16 {
        let total = (file.len() + 32) as u32;
        file[12..16].copy_from_slice(&total.to_le_bytes());
    }
    let digest = sha256(&file);
    file.extend_from_slice(&digest);
    file
}

fn assert_same(bytes: &[u8], pin: Option<&str>) -> Result<(), TestCaseError> {
    let new = Model::from_bytes(bytes, pin);
    let old = oracle::load(bytes, pin);
    match (new, old) {
        (Ok(model), Ok((metadata, index, weights, dense))) => {
            prop_assert_eq!(model.metadata(), &metadata);
            prop_assert_eq!(model.index().spec(), index.spec());
            prop_assert_eq!(model.weights(), &weights);
            prop_assert_eq!(&model.dense, &dense);
            prop_assert!(model.weights().item_table.is_standard_layout());
        }
        (Err(new), Err(old)) => {
            prop_assert_eq!(&new, &old);
            prop_assert_eq!(new.to_string(), old.to_string());
        }
        (new, old) => prop_assert!(
            false,
            "new {:?} vs old {:?}",
            new.map(|_| ()),
            old.map(|_| ())
        ),
    }
    Ok(())
}

/// A model's tensors, in file order.
fn tensors(seed: u64) -> (String, Vec<Tensor>) {
    let model = tiny_model(seed);
    (
        model.metadata().to_json().unwrap(),
        model.weights().tensors(),
    )
}

#[test]
fn real_files_load_the_same() {
    for seed in 0..4 {
        let bytes = tiny_model(seed).to_bytes().unwrap();
        assert_same(&bytes, None).unwrap();
        let hex = super::sha256::sha256_hex(&bytes);
        assert_same(&bytes, Some(&hex)).unwrap();
        assert_same(&bytes, Some(&"0".repeat(64))).unwrap();
    }
}

#[test]
fn dense_layers_match_the_ndarray_copy() {
    let model = tiny_model(9);
    assert_eq!(model.dense, oracle::dense_of(model.weights()));
}

fn dtype(code: u8) -> DType {
    match code % 3 {
        0 => DType::F32,
        1 => DType::F16,
        _ => DType::I8Rows,
    }
}

proptest! {
    #[test]
    fn mutated_payloads_load_the_same(
        seed in 0u64..3,
        edits in proptest::collection::vec((0usize..8192, any::<u8>()), 0..6),
        cut in proptest::option::of(0usize..8192),
    ) {
        let bytes = tiny_model(seed).to_bytes().unwrap();
        let mut payload = bytes[..bytes.len() - 32].to_vec();
        for (at, value) in edits {
            let at = at % payload.len();
            payload[at] = value;
        }
        if let Some(cut) = cut {
            payload.truncate(cut % (payload.len() + 1));
        }
        assert_same(&with_valid_digest(&payload), None)?;
        assert_same(&payload, None)?;
    }

    #[test]
    fn edited_tensor_lists_load_the_same(
        seed in 0u64..3,
        drop in proptest::option::of(0usize..11),
        duplicate in proptest::option::of(0usize..11),
        rename in proptest::option::of((0usize..11, 0usize..12)),
        reshape in proptest::option::of((0usize..11, 0usize..4, 0usize..6)),
        retype in proptest::option::of((0usize..11, any::<u8>())),
        poison in proptest::option::of((0usize..11, 0usize..64, 0u8..3)),
        reverse in any::<bool>(),
    ) {
        let (json, mut list) = tensors(seed);
        let names: Vec<String> = list.iter().map(|t| t.name.clone()).collect();
        if let Some((i, at, code)) = poison {
            let t = &mut list[i];
            if !t.data.is_empty() {
                let at = at % t.data.len();
                t.data[at] = [f32::NAN, f32::INFINITY, 1.0e30][usize::from(code)];
                t.dtype = dtype(code);
            }
        }
        if let Some((i, code)) = retype {
            list[i].dtype = dtype(code);
        }
        if let Some((i, axis, size)) = reshape {
            let t = &mut list[i];
            if axis < t.shape.len() {
                t.shape[axis] = size;
            } else {
                t.shape.push(size);
            }
            let len: usize = t.shape.iter().product();
            t.data.resize(len, 0.25);
        }
        if let Some((i, j)) = rename {
            list[i].name = names.get(j).cloned().unwrap_or_else(|| "extra".to_owned());
        }
        if let Some(i) = duplicate {
            let copy = list[i].clone();
            list.push(copy);
        }
        if let Some(i) = drop {
            list.remove(i.min(list.len() - 1));
        }
        if reverse {
            list.reverse();
        }
        assert_same(&format::encode(&json, &list), None)?;
    }

    #[test]
    fn pins_parse_the_same(pin in "(sha256-)?[0-9a-fA-F+/=_ -]{0,70}") {
        prop_assert_eq!(format::parse_pin(&pin), oracle::parse_pin(&pin));
    }

    #[test]
    fn hex_and_sri_pins_parse_the_same(
        pin in "[0-9a-fA-F+ ]{64}|[0-9a-f]{63}[g+]|sha256-[A-Za-z0-9+/_=-]{38,48}",
    ) {
        prop_assert_eq!(format::parse_pin(&pin), oracle::parse_pin(&pin));
    }

    #[test]
    fn any_text_pins_parse_the_same(pin in any::<String>()) {
        prop_assert_eq!(format::parse_pin(&pin), oracle::parse_pin(&pin));
    }
}
