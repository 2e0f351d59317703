//! Engine tests of the model ranker and the item memory it reads.

use proptest::prelude::*;

use super::*;
use crate::error::ErrorCode;
use crate::features::CROSS_FEATURES;
use crate::features::{price_band_vocabulary, FeatureSpec, ProfileSettings, Vocabulary};
use crate::model::{Model, ModelMetadata, Weights};
use crate::rank::options::Pin;
use crate::rank::ModelStatus;

pub(super) const SEED: [u8; 32] = [5; 32];
pub(super) const NOW: f64 = 1_800_000_000_000.0;
pub(super) const MEMORY_KEY: &str = "vitrine:v1:memory";

pub(super) fn granted() -> EngineOptions {
    EngineOptions::from_json(r#"{"consent":{"personalization":"granted"}}"#).unwrap()
}

/// A small model of the trained one's shape: seeded item rows, identity shopper transforms.
pub(super) fn model_bytes() -> Vec<u8> {
    model_bytes_with_quiz_scale(0.5)
}

/// [`model_bytes`] with the quiz transform scaled by `quiz` (0: a model that ignores answers).
fn model_bytes_with_quiz_scale(quiz: f32) -> Vec<u8> {
    model_bytes_with(quiz, false)
}

/// `dense`: every cross feature also counts through linear weights and the interaction
/// layer, so a wrong feature value shows in the scores.
fn model_bytes_with(quiz: f32, dense: bool) -> Vec<u8> {
    let vocab = |name: &str, values: &[&str]| Vocabulary {
        name: name.into(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    };
    let spec = FeatureSpec {
        attributes: vec![
            vocab("colour", &["Red", "Blue", "Black", "White"]),
            vocab("section", &["Maternity", "Basics", "Party"]),
            price_band_vocabulary(),
        ],
        group_attribute: Some("productCode".into()),
        profile: ProfileSettings::from_config(&crate::profile::ProfileConfig::default()),
        context: vec![vocab("device", &["mobile", "desktop"])],
        dim: 6,
        item_embedding_dim: 3,
        hidden: 4,
        cross_features: CROSS_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
    };
    let index = spec.clone().compile().unwrap();
    let mut w = Weights::zeros(&index);
    let mut state = 17u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as f32 / (1u64 << 31) as f32) - 0.5
    };
    w.item_table.mapv_inplace(|_| next());
    w.embedding_projection.mapv_inplace(|_| next() * 0.1);
    w.hidden_weights.mapv_inplace(|_| next() * 0.1);
    for i in 0..6 {
        w.history_transform[(i, i)] = 1.0;
        w.session_transform[(i, i)] = 0.5;
        w.quiz_transform[(i, i)] = quiz;
    }
    w.cross_weights[crate::features::cross::idx::AFFINITY] = 0.8;
    if dense {
        w.cross_weights.mapv_inplace(|_| next());
        w.output_weights.mapv_inplace(|_| next());
        w.hidden_bias.mapv_inplace(|_| next() * 0.1);
    }
    let metadata = ModelMetadata {
        name: "engine-test".into(),
        spec,
        training: "null".into(),
    };
    Model::new(metadata, w).unwrap().to_bytes().unwrap()
}

pub(super) fn candidates(n: usize) -> Vec<Candidate> {
    let colours = ["Red", "Blue", "Black", "White"];
    let sections = ["Maternity", "Basics", "Party"];
    (0..n)
        .map(|i| {
            let json = serde_json::json!({
                "id": format!("c{i}"), "serverRank": i, "price": 10 + i,
                "attributes": { "colour": colours[i % 4], "section": sections[(i / 4) % 3] },
                "embedding": [0.1 * (i % 3) as f32, -0.2, 0.3],
            });
            serde_json::from_value(json).unwrap()
        })
        .collect()
}

pub(super) fn track(engine: &mut Engine, kind: &str, id: &str, colour: &str, section: &str) {
    let json = format!(
        r#"{{"type":"{kind}","productId":"{id}","attributes":{{"colour":"{colour}","section":"{section}","productCode":"g-{id}"}},"price":20}}"#
    );
    engine.track_json(&json, NOW).unwrap();
}

pub(super) fn with_model() -> Engine {
    let mut engine = Engine::open(MemoryStore::default(), granted(), SEED, NOW).unwrap();
    engine.load_model(&model_bytes(), None).unwrap();
    engine
}

#[test]
fn model_ranks_with_reasons_and_reports_its_status() {
    let mut engine = with_model();
    let empty = engine
        .rerank(candidates(12), &RerankOptions::default(), NOW)
        .unwrap();
    assert_eq!(
        empty.ranker,
        RankerKind::Server,
        "empty profile, no quiz: server order"
    );
    assert_eq!(empty.model_status, Some(ModelStatus::NoSignal));
    assert!(empty
        .items
        .iter()
        .enumerate()
        .all(|(i, it)| *it.id == format!("c{i}")));

    for i in 0..3 {
        track(&mut engine, "purchase", &format!("p{i}"), "Black", "Party");
    }
    let out = engine
        .rerank(candidates(12), &RerankOptions::default(), NOW)
        .unwrap();
    assert_eq!(out.ranker, RankerKind::Model);
    assert_eq!(out.model_status, Some(ModelStatus::Used));
    assert!(out.items.iter().any(|it| it.reason.is_some()), "{out:?}");
    // Deterministic.
    assert_eq!(
        out,
        engine
            .rerank(candidates(12), &RerankOptions::default(), NOW)
            .unwrap()
    );
}

#[test]
fn invalid_or_tampered_model_falls_back_and_says_so() {
    let mut engine = Engine::open(MemoryStore::default(), granted(), SEED, NOW).unwrap();
    track(&mut engine, "purchase", "p1", "Red", "Basics");
    let mut bytes = model_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    let err = engine.load_model(&bytes, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidModel);
    assert_eq!(err.code().js_class(), "VitrineModelError");
    let warnings = engine.take_warnings();
    assert!(
        warnings.iter().any(|w| w.code == MODEL_FALLBACK),
        "{warnings:?}"
    );
    let out = engine
        .rerank(candidates(8), &RerankOptions::default(), NOW)
        .unwrap();
    assert_eq!(out.ranker, RankerKind::Affinity);
    assert_eq!(out.model_status, Some(ModelStatus::Failed));
    assert!(out
        .fallback_reason
        .as_deref()
        .unwrap()
        .starts_with("VITRINE_INVALID_MODEL"));

    let pin = "0".repeat(64);
    let err = engine.load_model(&model_bytes(), Some(&pin)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ModelHashMismatch);
    let err = engine.model_unavailable("HTTP 404");
    assert_eq!(err.code(), ErrorCode::ModelUnavailable);
    let out = engine
        .rerank(candidates(8), &RerankOptions::default(), NOW)
        .unwrap();
    assert!(out
        .fallback_reason
        .unwrap()
        .starts_with("VITRINE_MODEL_UNAVAILABLE"));

    // A good model (pinned to its own hash) replaces the failure.
    let good = model_bytes();
    let info = engine
        .load_model(&good, Some(&crate::model::sha256::sha256_hex(&good)))
        .unwrap();
    assert_eq!(info.attributes, ["colour", "section", "priceBand"]);
    let out = engine
        .rerank(candidates(8), &RerankOptions::default(), NOW)
        .unwrap();
    assert_eq!(out.ranker, RankerKind::Model);
    assert_eq!(out.fallback_reason, None);
}

/// Starts a quiz over eight Basics products, odd ids Blue and even ids Red.
fn start_red_blue_quiz(engine: &mut Engine) {
    let bank: Vec<serde_json::Value> = (0..8)
        .map(|i| {
            let colour = ["Red", "Blue"][i % 2];
            serde_json::json!({ "id": format!("q{i}"), "attributes": { "colour": colour, "section": "Basics" } })
        })
        .collect();
    engine
        .quiz_start(&serde_json::Value::Array(bank).to_string(), NOW)
        .unwrap();
}

#[test]
fn quiz_answers_alone_feed_the_model() {
    let mut engine = with_model();
    start_red_blue_quiz(&mut engine);
    let q = engine.quiz_next().unwrap().unwrap();
    engine
        .quiz_answer(&q.product_id, crate::quiz::state::Answer::Like, NOW)
        .unwrap();
    assert!(engine.item_memory().is_empty());
    assert!(!engine.shopper_signals(NOW).quiz.is_empty());
    let out = engine
        .rerank(candidates(8), &RerankOptions::default(), NOW)
        .unwrap();
    assert_eq!(out.ranker, RankerKind::Model);
}

#[test]
fn packed_embeddings_and_candidate_sets() {
    let mut list = candidates(2);
    let err = attach_embeddings(&mut list, &[1.0; 5], 3).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCandidates);
    attach_embeddings(&mut list, &[1.0, 2.0, 3.0, f32::NAN, 0.0, 0.0], 3).unwrap();
    assert_eq!(list[0].embedding.as_deref(), Some(&[1.0, 2.0, 3.0][..]));
    assert_eq!(
        list[1].embedding.as_deref(),
        Some(&[0.1, -0.2, 0.3][..]),
        "NaN row: JSON kept"
    );

    // A set registered before the model loads gets its cache when it does.
    let mut engine = Engine::open(MemoryStore::default(), granted(), SEED, NOW).unwrap();
    let (early, _) = engine.register_candidates(candidates(20)).unwrap();
    engine.load_model(&model_bytes(), None).unwrap();
    track(&mut engine, "purchase", "p", "Blue", "Party");
    let (handle, dropped) = engine.register_candidates(candidates(20)).unwrap();
    assert_eq!(
        engine
            .rerank_set(early, &RerankOptions::default(), NOW)
            .unwrap(),
        engine
            .rerank_set(handle, &RerankOptions::default(), NOW)
            .unwrap()
    );
    assert!(dropped.is_empty());
    let by_set = engine
        .rerank_set(handle, &RerankOptions::default(), NOW)
        .unwrap();
    let direct = engine
        .rerank(candidates(20), &RerankOptions::default(), NOW)
        .unwrap();
    assert_eq!(by_set, direct);
    assert!(engine.release_candidates(handle));
    let err = engine
        .rerank_set(handle, &RerankOptions::default(), NOW)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCandidates);
    let handles: Vec<u32> = (0..MAX_CANDIDATE_SETS + 1)
        .map(|_| engine.register_candidates(candidates(2)).unwrap().0)
        .collect();
    assert!(engine
        .rerank_set(handles[0], &RerankOptions::default(), NOW)
        .is_err());
    assert!(engine
        .rerank_set(handles[MAX_CANDIDATE_SETS], &RerankOptions::default(), NOW)
        .is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A registered set (vocabulary rows, fixed cross inputs and the merge with the engaged
    /// items and groups, all cached) ranks exactly like the same list re-ranked directly.
    #[test]
    fn a_candidate_set_ranks_like_the_direct_path(
        n in 1usize..40,
        engaged in proptest::collection::vec((0usize..50, 0usize..4), 0..12),
    ) {
        let mut engine = Engine::open(MemoryStore::default(), granted(), SEED, NOW).unwrap();
        engine.load_model(&model_bytes_with(0.5, true), None).unwrap();
        let colours = ["Red", "Blue", "Black", "White"];
        for (id, colour) in &engaged {
            track(&mut engine, "purchase", &format!("c{id}"), colours[*colour], "Party");
        }
        // Candidates share product codes with what was bought (`g-c{id}`), and some ids.
        let list: Vec<Candidate> = candidates(n)
            .into_iter()
            .enumerate()
            .map(|(i, mut c)| {
                c.attributes.insert("productCode".into(), format!("g-c{}", (i * 7) % 50));
                c
            })
            .collect();
        let (handle, _) = engine.register_candidates(list.clone()).unwrap();
        let by_set = engine.rerank_set(handle, &RerankOptions::default(), NOW).unwrap();
        let direct = engine.rerank(list, &RerankOptions::default(), NOW).unwrap();
        prop_assert_eq!(by_set, direct);
    }

    #[test]
    fn model_rerank_is_a_permutation_honouring_pins_exclusions_and_guards(
        n in 1usize..40,
        events in proptest::collection::vec((0usize..4, 0usize..3, 0usize..4), 1..12),
        dupes in proptest::collection::vec(0usize..40, 0..4),
        exclude in proptest::collection::vec(0usize..40, 0..4),
        pin in (0usize..40, 0usize..40),
    ) {
        let colours = ["Red", "Blue", "Black", "White"];
        let sections = ["Maternity", "Basics", "Party"];
        let kinds = ["view", "add_to_cart", "purchase", "click"];
        let mut engine = with_model();
        for (i, (c, s, k)) in events.iter().enumerate() {
            track(&mut engine, kinds[*k], &format!("c{i}"), colours[*c], sections[*s]);
        }
        let mut list = candidates(n);
        for d in &dupes {
            if let Some(c) = list.get(d % n).cloned() { list.push(c); }
        }
        list.push(serde_json::from_str(r#"{"id":""}"#).unwrap());
        let excluded: Vec<String> = exclude.iter().map(|e| format!("c{}", e % n)).collect();
        let pin_id = format!("c{}", pin.0 % n);
        let options = RerankOptions {
            exclude: excluded.clone(),
            pinned: if excluded.contains(&pin_id) { vec![] } else {
                vec![Pin { id: pin_id.clone(), position: pin.1 % n }]
            },
            ..RerankOptions::default()
        };
        let (handle, _) = engine.register_candidates(list.clone()).unwrap();
        let out = engine.rerank(list, &options, NOW).unwrap();
        // A registered set (scored from its row cache) ranks exactly the same.
        prop_assert_eq!(&engine.rerank_set(handle, &options, NOW).unwrap(), &out);
        // Only sensitive events: nothing personal was learned, so the server's order.
        let expected = if engine.shopper_signals(NOW).is_empty() { RankerKind::Server } else { RankerKind::Model };
        prop_assert_eq!(out.ranker, expected);
        let mut ids: Vec<String> = out.items.iter().map(|i| i.id.to_string()).collect();
        ids.sort();
        let mut expected: Vec<String> = (0..n).map(|i| format!("c{i}")).filter(|id| !excluded.contains(id)).collect();
        expected.sort();
        prop_assert_eq!(ids, expected);
        for (position, item) in out.items.iter().enumerate() {
            prop_assert_eq!(item.position, position);
            if let Some(reason) = &item.reason {
                prop_assert!(!reason.value.to_lowercase().contains("maternity"), "{:?}", reason);
                prop_assert!(!reason.text.to_lowercase().contains("maternity"), "{:?}", reason);
            }
        }
        if let Some(p) = options.pinned.first() {
            let at = out.items.iter().position(|i| *i.id == p.id);
            let ignored = out.ignored_pins.iter().any(|i| i.id == p.id);
            prop_assert!(ignored || at == Some(p.position), "pin {:?} at {:?}", p, at);
        }
    }
}

#[test]
fn compact_result_matches_the_object_form() {
    let mut engine = with_model();
    track(&mut engine, "purchase", "p", "Black", "Party");
    let mut list = candidates(10);
    list.insert(3, list[0].clone()); // a duplicate: dropped, shifts input indices
    list.reverse();
    let options = RerankOptions {
        exclude: vec!["c4".into()],
        ..RerankOptions::default()
    };
    let full = engine.rerank(list.clone(), &options, NOW).unwrap();
    let compact = engine.rerank_compact(list.clone(), &options, NOW).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&compact.meta).unwrap();
    assert_eq!(meta["ranker"], "model");
    assert_eq!(meta["modelStatus"], "used");
    assert_eq!(compact.index.len(), full.items.len());
    assert_eq!(compact.server.len(), full.items.len());
    assert_eq!(compact.score.len(), full.items.len());
    for (p, item) in full.items.iter().enumerate() {
        let i = compact.index[p] as usize;
        assert_eq!(*list[i].id, *item.id, "index points into the caller's list");
        assert_eq!(compact.server[p] as usize, item.server_position);
        let score = f64::from(compact.score[p]);
        assert!((score - item.score).abs() <= 1e-5 * item.score.abs().max(1.0));
    }
    let reasons = meta["reasons"].as_array().unwrap();
    assert_eq!(
        reasons.len(),
        full.items.iter().filter(|i| i.reason.is_some()).count()
    );
    for r in reasons {
        let p = r[0].as_u64().unwrap() as usize;
        let reason = full.items[p].reason.as_ref().unwrap();
        assert_eq!(r[3], reason.text.as_str());
    }
    assert_eq!(
        meta["dropped"],
        serde_json::to_value(&full.dropped).unwrap()
    );
}

#[test]
fn context_is_coarse_and_checked() {
    let mut engine = with_model();
    engine
        .set_context_json(r#"{"device":"mobile","locale":"en-GB","utcOffsetMinutes":600}"#)
        .unwrap();
    // 1_800_000_000_000 ms is 2027-01-15 08:00 UTC, a Friday: 18:00 at UTC+10.
    let signals = engine.shopper_signals(NOW);
    assert_eq!(signals.context.get("device"), Some("mobile"));
    assert_eq!(signals.context.get("locale"), Some("en-GB"));
    assert_eq!(signals.context.get("daypart"), Some("evening"));
    assert_eq!(signals.context.get("weekday"), Some("fri"));
    for bad in [
        r#"{"device":3}"#,
        r#"{"userAgent":"x"}"#,
        r#"{"utcOffsetMinutes":"60"}"#,
        r#"{"utcOffsetMinutes":1.5}"#,
        r#"{"utcOffsetMinutes":99999999999}"#,
        r#"{"locale":null}"#,
        r#"{"device":"mobile"} x"#,
        "[]",
        "{",
    ] {
        let err = engine.set_context_json(bad).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidOptions, "{bad}");
    }
    assert_eq!(
        engine.shopper_signals(NOW).context.get("device"),
        Some("mobile"),
        "a rejected context changes nothing"
    );
}

#[test]
fn stated_quiz_answers_lift_the_model_ranking_toward_the_likes() {
    // A model that learned nothing from quiz answers (as a trained one may): the engine's
    // stated-preference prior must still honour them.
    let mut engine = Engine::open(MemoryStore::default(), granted(), SEED, NOW).unwrap();
    engine
        .load_model(&model_bytes_with_quiz_scale(0.0), None)
        .unwrap();
    track(&mut engine, "purchase", "h1", "Red", "Party");
    track(&mut engine, "view", "h2", "Red", "Basics");
    let colour_of =
        |id: &str| ["Red", "Blue", "Black", "White"][id[1..].parse::<usize>().unwrap() % 4];
    let mean_blue_position = |out: &RankOutput| {
        let blue: Vec<usize> = out
            .items
            .iter()
            .filter(|i| colour_of(&i.id) == "Blue")
            .map(|i| i.position)
            .collect();
        blue.iter().sum::<usize>() as f64 / blue.len() as f64
    };
    let before = engine
        .rerank(candidates(12), &RerankOptions::default(), NOW)
        .unwrap();
    assert_eq!(before.ranker, RankerKind::Model);

    // Like every Blue question, dislike every Red one.
    start_red_blue_quiz(&mut engine);
    while let Some(q) = engine.quiz_next().unwrap() {
        let index: usize = q.product_id[1..].parse().unwrap();
        let answer = if index % 2 == 1 {
            crate::quiz::state::Answer::Like
        } else {
            crate::quiz::state::Answer::Dislike
        };
        engine.quiz_answer(&q.product_id, answer, NOW).unwrap();
    }
    let after = engine
        .rerank(candidates(12), &RerankOptions::default(), NOW)
        .unwrap();
    assert_eq!(after.ranker, RankerKind::Model);
    assert!(
        mean_blue_position(&after) < mean_blue_position(&before),
        "liked Blue items rise: {} -> {}",
        mean_blue_position(&before),
        mean_blue_position(&after)
    );
    let positions: Vec<usize> = after.items.iter().map(|i| i.position).collect();
    assert_eq!(
        positions,
        (0..12).collect::<Vec<_>>(),
        "positions are renumbered"
    );
    assert!(
        after.items.windows(2).all(|w| w[0].score >= w[1].score),
        "scores stay sorted"
    );
    let blue_in_top = |out: &RankOutput| {
        out.items[..4]
            .iter()
            .filter(|i| colour_of(&i.id) == "Blue")
            .count()
    };
    assert!(
        blue_in_top(&after) > blue_in_top(&before) || blue_in_top(&after) == 3,
        "more liked items in the top third: {} -> {}",
        blue_in_top(&before),
        blue_in_top(&after)
    );
    assert!(
        after
            .items
            .iter()
            .filter(|i| colour_of(&i.id) == "Blue")
            .all(|i| i.reason.is_some()),
        "lifted items say why"
    );
}
