//! Fuzzes the model loader: any byte string must load or fail with a typed error, never
//! panic, and whatever loads must score a small candidate list with finite scores.
//!
//! The input's first byte picks a mode. Even: the rest is the file as is. Odd: the rest is
//! taken as a payload whose declared length and trailing SHA-256 are fixed up first, so
//! mutations reach the metadata, spec and tensor checks behind the checksum (seed with
//! `01` followed by a real model file minus its last 32 bytes). With bit 1 of the mode set,
//! the next byte gives a length `n` and the `n` bytes after it are a pinned hash (any text:
//! hex, `sha256-<base64>` or neither), so the pin parser is fuzzed too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine::features::{ShopperSignals, WeightedValue};
use vitrine::model::sha256::sha256;
use vitrine::model::Model;
use vitrine::product::Candidate;
use vitrine::rank::prepare;

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

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else {
        return;
    };
    let mut pin = None;
    if mode & 2 == 2 {
        let Some((&n, tail)) = rest.split_first() else {
            return;
        };
        let n = usize::from(n).min(tail.len());
        pin = Some(String::from_utf8_lossy(&tail[..n]).into_owned());
        rest = &tail[n..];
    }
    if let Some(pin) = &pin {
        let _ = vitrine::model::format::parse_pin(pin);
    }
    let fixed;
    let bytes = if mode & 1 == 1 {
        fixed = with_valid_digest(rest);
        &fixed[..]
    } else {
        rest
    };
    let Ok(model) = Model::from_bytes(bytes, pin.as_deref()) else {
        return;
    };
    let spec = model.index().spec();
    let candidates: Vec<Candidate> = (0..8u32)
        .map(|i| Candidate {
            id: format!("c{i}"),
            server_rank: Some(i),
            server_score: Some(f64::from(i)),
            attributes: spec
                .attributes
                .iter()
                .filter_map(|v| {
                    Some((
                        v.name.clone(),
                        v.values.get(i as usize % v.values.len().max(1))?.clone(),
                    ))
                })
                .collect(),
            price: Some(10.0 * f64::from(i)),
            embedding: Some(vec![0.5; spec.item_embedding_dim]),
            in_stock: None,
        })
        .collect();
    let Ok((prepared, _)) = prepare(candidates) else {
        return;
    };
    let signals = ShopperSignals {
        history: spec
            .attributes
            .iter()
            .filter_map(|v| {
                Some(WeightedValue {
                    attribute: v.name.clone(),
                    value: v.values.first()?.clone(),
                    weight: 3.0,
                })
            })
            .collect(),
        ..ShopperSignals::default()
    };
    let ranking = model.rank(&prepared, &signals);
    assert_eq!(ranking.items.len(), prepared.len());
    assert!(ranking.items.iter().all(|i| i.score.is_finite()));
});
