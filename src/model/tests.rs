use proptest::prelude::*;

use super::*;
use crate::features::tests::tiny_spec;
use crate::features::{ShopperSignals, WeightedValue};
use crate::product::Candidate;
use crate::rank::prepare;

/// Deterministic pseudo-random weights in [-0.5, 0.5).
fn filled(index: &SpecIndex, seed: u64) -> Weights {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as f32 / (1u64 << 31) as f32) - 0.5
    };
    let mut w = Weights::zeros(index);
    w.item_table.mapv_inplace(|_| next());
    w.context_table.mapv_inplace(|_| next());
    w.shopper_bias.mapv_inplace(|_| next());
    w.history_transform.mapv_inplace(|_| next());
    w.session_transform.mapv_inplace(|_| next());
    w.quiz_transform.mapv_inplace(|_| next());
    w.embedding_projection.mapv_inplace(|_| next());
    w.cross_weights.mapv_inplace(|_| next());
    w.hidden_weights.mapv_inplace(|_| next());
    w.hidden_bias.mapv_inplace(|_| next());
    w.output_weights.mapv_inplace(|_| next());
    w
}

pub(crate) fn tiny_model(seed: u64) -> Model {
    let spec = tiny_spec();
    let index = spec.clone().compile().unwrap();
    let metadata = ModelMetadata {
        name: "tiny".into(),
        spec,
        training: serde_json::json!({ "seed": seed }).to_string(),
    };
    Model::new(metadata, filled(&index, seed)).unwrap()
}

fn cand(id: &str, colour: &str, pattern: &str, rank: u32) -> Candidate {
    Candidate {
        id: id.into(),
        server_rank: Some(rank),
        server_score: Some(f64::from(100 - rank)),
        attributes: [
            ("colour".to_owned(), colour.to_owned()),
            ("pattern".to_owned(), pattern.to_owned()),
        ]
        .into(),
        price: Some(10.0 + f64::from(rank)),
        embedding: Some(vec![0.1, -0.2, 0.3]),
        in_stock: None,
    }
}

fn liked(attribute: &str, value: &str, weight: f64) -> WeightedValue {
    WeightedValue {
        attribute: attribute.into(),
        value: value.into(),
        weight,
    }
}

#[test]
fn round_trip_keeps_metadata_and_quantizes_closely() {
    let model = tiny_model(1);
    let bytes = model.to_bytes().unwrap();
    let loaded = Model::from_bytes(&bytes, None).unwrap();
    assert_eq!(loaded.metadata(), model.metadata());
    assert_eq!(loaded.sha256(), sha256::sha256_hex(&bytes));
    let close = |a: &Array2<f32>, b: &Array2<f32>, tol: f32| {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
    };
    // int8 rows: error ≤ half a step of 0.5 / 127; f16: relative 2^-11.
    assert!(close(
        &model.weights().item_table,
        &loaded.weights().item_table,
        0.5 / 127.0
    ));
    assert!(close(
        &model.weights().hidden_weights,
        &loaded.weights().hidden_weights,
        0.5 / 1024.0
    ));
    assert_eq!(
        model.weights().cross_weights,
        loaded.weights().cross_weights
    );
    // Deterministic bytes: the same model writes the same file.
    assert_eq!(tiny_model(1).to_bytes().unwrap(), bytes);
}

#[test]
fn loader_errors_are_typed() {
    let bytes = tiny_model(2).to_bytes().unwrap();
    let err = |b: &[u8]| Model::from_bytes(b, None).unwrap_err();
    assert!(matches!(
        err(&bytes[..bytes.len() - 1]),
        ModelError::Truncated { .. }
    ));
    assert!(matches!(err(&bytes[..10]), ModelError::Truncated { .. }));
    assert!(matches!(
        err(b"GIF89a............................................................"),
        ModelError::WrongMagic
    ));
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(err(&longer), ModelError::TrailingBytes { .. }));
    let mut v2 = bytes.clone();
    v2[8] = 2;
    assert!(matches!(
        err(&v2),
        ModelError::UnsupportedVersion {
            found: 2,
            supported: 1
        }
    ));
    let mut tampered = bytes.clone();
    let mid = bytes.len() / 2;
    tampered[mid] ^= 0x40;
    assert!(matches!(
        err(&tampered),
        ModelError::ChecksumMismatch { .. }
    ));
}

#[test]
fn pinned_hash_is_checked_in_hex_and_sri_form() {
    let bytes = tiny_model(3).to_bytes().unwrap();
    let digest = sha256::sha256(&bytes);
    let hex = sha256::to_hex(&digest);
    assert!(Model::from_bytes(&bytes, Some(&hex)).is_ok());
    let sri = format!("sha256-{}", base64(&digest));
    assert!(Model::from_bytes(&bytes, Some(&sri)).is_ok());
    let wrong = "0".repeat(64);
    assert!(matches!(
        Model::from_bytes(&bytes, Some(&wrong)),
        Err(ModelError::PinnedHashMismatch { .. })
    ));
    assert!(matches!(
        Model::from_bytes(&bytes, Some("md5-abc")),
        Err(ModelError::InvalidPin(_))
    ));
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
}

/// Re-encodes a model with edited metadata or tensors, with a valid checksum, so the checks
/// behind the checksum are reached.
fn reencode(
    model: &Model,
    edit_meta: impl Fn(&mut serde_json::Value),
    drop_tensor: Option<&str>,
) -> Vec<u8> {
    let mut meta: serde_json::Value =
        serde_json::from_str(&model.metadata().to_json().unwrap()).unwrap();
    edit_meta(&mut meta);
    let tensors: Vec<_> = model
        .weights()
        .tensors()
        .into_iter()
        .filter(|t| Some(t.name.as_str()) != drop_tensor)
        .collect();
    format::encode(&meta.to_string(), &tensors)
}

#[test]
fn spec_and_shape_mismatches_are_typed() {
    let model = tiny_model(4);
    let other_spec = reencode(
        &model,
        |m| m["spec"]["crossFeatures"][0] = "server_rank_v2".into(),
        None,
    );
    assert!(matches!(
        Model::from_bytes(&other_spec, None),
        Err(ModelError::Spec(_))
    ));
    let wider = reencode(&model, |m| m["spec"]["dim"] = 5.into(), None);
    assert!(matches!(
        Model::from_bytes(&wider, None),
        Err(ModelError::ShapeMismatch { .. })
    ));
    let missing = reencode(&model, |_| {}, Some("hidden_bias"));
    assert!(
        matches!(Model::from_bytes(&missing, None), Err(ModelError::MissingTensor(t)) if t == "hidden_bias")
    );
    let bad_json = format::encode("{not json", &model.weights().tensors());
    assert!(matches!(
        Model::from_bytes(&bad_json, None),
        Err(ModelError::Metadata(_))
    ));
}

#[test]
fn ranks_liked_values_up_with_reasons_and_respects_guards() {
    let model = tiny_model(5);
    let list: Vec<Candidate> = (0..6u32)
        .map(|i| {
            cand(
                &format!("c{i}"),
                ["Red", "Blue", "Black"][i as usize % 3],
                "Solid",
                i,
            )
        })
        .collect();
    let (prepared, _) = prepare(list).unwrap();
    let signals = ShopperSignals {
        history: vec![liked("colour", "Black", 5.0)],
        strength: 5.0,
        event_count: 3,
        ..ShopperSignals::default()
    };
    let ranking = model.rank(&prepared, &signals);
    assert_eq!(ranking.items.len(), 6);
    assert_eq!(ranking.ignored_embeddings, 0);
    let guarded = model.rank(&prepared, &signals.clone().with_guarded(["black"]));
    for item in &guarded.items {
        if let Some(r) = &item.reason {
            assert!(
                !r.value.to_lowercase().contains("black")
                    && !r.text.to_lowercase().contains("black")
            );
        }
    }
    // Positions are 0..n, scores non-increasing.
    for (i, item) in ranking.items.iter().enumerate() {
        assert_eq!(item.position, i);
    }
    assert!(ranking.items.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn wrong_length_embeddings_are_ignored_and_counted() {
    let model = tiny_model(6);
    let mut a = cand("a", "Red", "Solid", 0);
    a.embedding = Some(vec![1.0; 7]);
    let mut b = cand("b", "Red", "Solid", 1);
    b.embedding = Some(vec![f32::NAN, 0.0, 0.0]);
    let mut c = cand("c", "Red", "Solid", 2);
    c.embedding = Some(vec![1.0e30, 0.0, 0.0]);
    let (prepared, _) = prepare(vec![a, b, c]).unwrap();
    let ranking = model.rank(&prepared, &ShopperSignals::default());
    assert_eq!(ranking.ignored_embeddings, 3);
    assert!(ranking.items.iter().all(|i| i.score.is_finite()));
}

proptest! {
    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Model::from_bytes(&bytes, None);
    }

    #[test]
    fn any_single_byte_change_is_rejected(pos in 0usize..4096, flip in 1u8..=255) {
        let bytes = tiny_model(7).to_bytes().unwrap();
        let mut edited = bytes.clone();
        let at = pos % bytes.len();
        edited[at] ^= flip;
        prop_assert!(Model::from_bytes(&edited, None).is_err());
    }

    #[test]
    fn any_truncation_is_rejected(cut in 0usize..4096) {
        let bytes = tiny_model(8).to_bytes().unwrap();
        let len = cut % bytes.len();
        prop_assert!(Model::from_bytes(&bytes[..len], None).is_err());
    }

    #[test]
    fn rank_is_a_deterministic_permutation(
        colours in proptest::collection::vec(0usize..5, 0..40),
        liked_colour in 0usize..5,
        weight in -10.0f64..10.0,
    ) {
        let names = ["Red", "Blue", "Black", "Mauve", "Teal"];
        let list: Vec<Candidate> = colours
            .iter()
            .enumerate()
            .map(|(i, c)| cand(&format!("p{i}"), names[*c], "Stripe", (i * 7 % 11) as u32))
            .collect();
        let (prepared, _) = prepare(list).unwrap();
        let signals = ShopperSignals {
            history: vec![liked("colour", names[liked_colour], weight)],
            quiz: vec![liked("pattern", "Stripe", 1.0)],
            ..ShopperSignals::default()
        };
        let model = tiny_model(9);
        let first = model.rank(&prepared, &signals);
        let again = model.rank(&prepared, &signals);
        prop_assert_eq!(&first, &again);
        let mut ids: Vec<&str> = first.items.iter().map(|i| &*i.id).collect();
        let mut input: Vec<&str> = prepared.iter().map(|p| p.candidate.id.as_str()).collect();
        ids.sort_unstable();
        input.sort_unstable();
        prop_assert_eq!(ids, input);
        let (scores, _) = model.scores(&prepared, &signals);
        for item in &first.items {
            prop_assert_eq!(item.score, f64::from(scores[item.server_position]));
        }
    }
}

#[test]
fn metadata_keeps_training_verbatim_and_rejects_bad_fields() {
    let model = tiny_model(3);
    let text = model.metadata().to_json().unwrap();
    assert!(text.starts_with(r#"{"name":"tiny","spec":{"#), "{text}");
    assert!(text.ends_with(r#""training":{"seed":3}}"#), "{text}");
    assert_eq!(&ModelMetadata::from_json(&text).unwrap(), model.metadata());

    let spaced = text.replace(r#"{"seed":3}"#, r#"{ "seed" : 3, "note": [1, 2] }"#);
    let read = ModelMetadata::from_json(&spaced).unwrap();
    assert_eq!(read.training, r#"{ "seed" : 3, "note": [1, 2] }"#);
    for (bad, needle) in [
        (text.replace(r#""name""#, r#""nom""#), "unknown field `nom`"),
        (
            text.replace(r#","training":{"seed":3}"#, ""),
            "missing field `training`",
        ),
        (text.replace(r#""tiny""#, "7"), "field `name`"),
        (text[..text.len() - 1].to_owned(), "EOF"),
        ("[1]".to_owned(), "not an object"),
    ] {
        match ModelMetadata::from_json(&bad) {
            Err(ModelError::Metadata(m)) => assert!(m.contains(needle), "{m}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    let mut metadata = model.metadata().clone();
    metadata.training = "{seed: 3}".into();
    assert!(matches!(
        Model::new(metadata.clone(), model.weights().clone()),
        Err(ModelError::Metadata(_))
    ));
    assert!(matches!(metadata.to_json(), Err(ModelError::Metadata(_))));
}
