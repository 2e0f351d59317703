//! The [`ToJson`](super::ToJson) writers against serde_json through the serde derives:
//! the same bytes for leaves, collections, every stored document and every wasm result.

use std::collections::VecDeque;

use proptest::prelude::*;
use serde::Serialize;

use super::{to_json, ToJson};
use crate::collections::{VecMap, VecSet};
use crate::engine::{Engine, EngineOptions, ModelInfo, OutgoingBatch, StorageStatus};
use crate::json::typed::doc_tests::{budget, ledger, measurement, memory, queue, quiz};
use crate::json::values::tests::{recent, session};
use crate::privacy::consent::{ConsentChange, Purpose};
use crate::profile::coverage::Depth;
use crate::quiz::result::{Preference, TopStyle};
use crate::quiz::state::{Answer, Progress};
use crate::rank::options::IgnoredPin;
use crate::rank::DroppedCandidate;
use crate::storage::journal::{JournaledStore, StorageWrite};
use crate::storage::persist::{self, Warning};

/// `to_json` gives serde_json's bytes (and `json::to_string`'s).
fn same<T: Serialize + ToJson + ?Sized>(value: &T) -> Result<(), TestCaseError> {
    let expected = serde_json::to_string(value).unwrap();
    prop_assert_eq!(&to_json(&value), &expected);
    prop_assert_eq!(&crate::json::to_string(value).unwrap(), &expected);
    Ok(())
}

/// Any float, the non-finite ones (written `null`) and subnormals included.
fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        Just(5e-324),
        Just(1e21),
        Just(1.7e12)
    ]
}

/// Strings with every kind of escape.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z\"\\\\/\u{0}-\u{1f}\u{7f}\u{e9}\u{2028}\u{1f600}]{0,12}",
        any::<String>()
    ]
}

#[test]
fn leaves_and_edge_cases_agree() {
    let check = |r: Result<(), TestCaseError>| r.unwrap();
    check(same(""));
    check(same("\u{0}\u{8}\u{c}\n\r\t\u{1f}\"\\/\u{7f}"));
    check(same(
        &[f64::NAN, f64::NEG_INFINITY, -0.0, 0.1, 1e300, 5e-324][..],
    ));
    check(same(&[f32::NAN, 0.1f32, 3.4e38, -1.5e-45][..]));
    check(same(&(u64::MAX, i64::MIN)));
    check(same(&Option::<String>::None));
    check(same(&VecMap::<String, u32>::default()));
    check(same(&VecSet::from_iter(["b".to_owned(), "a".to_owned()])));
    check(same(&VecDeque::from(vec![true, false])));
    check(same(&Vec::<(String, Depth)>::new()));
    check(same(&vec![("x".to_owned(), Depth::Purchased)]));
    let drops = VecMap::from_iter([(crate::privacy::ledger::DropReason::QueueFull, 3u64)]);
    check(same(&drops));
    check(same(&StorageWrite::Remove { key: "k\"".into() }));
    check(same(&Warning {
        code: persist::STORAGE_CORRUPT,
        message: "bad \u{1}".into(),
        key: None,
        quarantine_key: Some("q".into()),
    }));
}

fn purposes() -> impl Strategy<Value = Vec<Purpose>> {
    prop::collection::vec(prop::sample::select(Purpose::ALL.to_vec()), 0..3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn leaves_write_as_serde(
        s in text(),
        f in any_float(),
        g in any::<f32>(),
        n in any::<u64>(),
        i in any::<i64>(),
        list in prop::collection::vec((text(), prop::option::of(any_float())), 0..4),
        map in prop::collection::btree_map(text(), prop::collection::vec(any::<u32>(), 0..3), 0..4),
    ) {
        same(&s)?;
        same(&f)?;
        same(&g)?;
        same(&(n, i))?;
        same(&list)?;
        same(&VecMap::from_iter(map))?;
    }

    #[test]
    fn stored_documents_write_as_serde(
        l in ledger(), q in queue(), z in quiz(), m in memory(), s in measurement(),
        b in budget(), sess in session(), r in prop::collection::vec(recent(), 0..3),
    ) {
        same(&l)?;
        same(&q)?;
        same(&z)?;
        same(&m)?;
        same(&s)?;
        same(&b)?;
        same(&sess)?;
        same(&r)?;
    }

    #[test]
    fn small_results_write_as_serde(
        a in text(), b in text(), c in prop::option::of(text()), n in any::<usize>(),
        f in any_float(), flag in any::<bool>(), p in purposes(), p2 in purposes(),
        counts in (any::<u32>(), any::<u32>(), any::<u32>()),
    ) {
        same(&vec![
            StorageWrite::Set { key: a.clone(), value: b.clone() },
            StorageWrite::Remove { key: b.clone() },
        ])?;
        same(&Warning { code: persist::STORAGE_REPAIRED, message: a.clone(), key: c.clone(),
            quarantine_key: c.clone() })?;
        same(&StorageStatus { persistent: flag, reason: c.clone() })?;
        same(&vec![DroppedCandidate { index: n, id: a.clone(), reason: b.clone() }])?;
        same(&vec![IgnoredPin { id: a.clone(), position: n, reason: b.clone() }])?;
        same(&ModelInfo { name: a.clone(), sha256: b.clone(), bytes: n,
            attributes: vec![a.clone(), b.clone()], item_embedding_dim: n / 2 })?;
        same(&ConsentChange { granted: p.clone(), withdrawn: p2, denied: p })?;
        same(&Some(OutgoingBatch { endpoint: a.clone(), body: b.clone(), ids: vec![a.clone()] }))?;
        same(&Progress { answered: n, max_questions: n / 3, confidence: f, finished: flag })?;
        same(&Preference { attribute: a.clone(), value: b.clone(), weight: f,
            likes: counts.0, dislikes: counts.1, skips: counts.2 })?;
        same(&TopStyle { product_id: a.clone(), name: c.clone(), image: None, headline: b })?;
    }

    /// The engine's results and stored documents after a random session: events, a quiz,
    /// reports and a consent withdrawal.
    #[test]
    fn engine_results_write_as_serde(
        events in prop::collection::vec(
            (0usize..8, 0u32..6, prop::sample::select(vec!["Red", "Blue", "x\u{1}\"y", "Ω"]),
             prop::option::of(1u32..500), 0u32..100_000),
            0..12),
        answers in prop::collection::vec(prop::sample::select(Answer::ALL.to_vec()), 0..5),
        withdraw in any::<bool>(),
    ) {
        const NOW: f64 = 1_800_000_000_000.0;
        let options = EngineOptions::from_json(
            r#"{"consent":{"personalization":"granted","measurement":"granted"},
                "reporting":{"epsilon":{"experiment":4,"quiz":4,"lifecycle":4},"dailyEpsilon":8}}"#,
        ).unwrap();
        let mut engine = Engine::open(JournaledStore::default(), options, [7; 32], NOW).unwrap();
        let mut at = NOW;
        for (kind, id, colour, price, gap) in events {
            at += f64::from(gap) * 1000.0;
            let kind = crate::event::EventKind::ALL[kind];
            let price = price.map_or(String::new(), |p| format!(r#","price":{p}.5"#));
            let json = format!(
                r#"{{"type":{},"productId":"p{id}","query":"dress","attributes":{{"colour":{},"productType":"Dress"}}{price},"timestamp":{at}}}"#,
                serde_json::to_string(&kind).unwrap(), serde_json::to_string(colour).unwrap());
            let _ = engine.track_json(&json, at);
        }
        let bank: Vec<serde_json::Value> = (0..8).map(|i| (i, ["Red", "Blue"][i % 2])).map(|(i, colour)| serde_json::json!({
            "id": format!("q{i}"), "name": format!("Item \"{i}\""),
            "attributes": { "colour": colour, "productType": "Dress" } })).collect();
        same(&engine.quiz_start(&serde_json::Value::Array(bank).to_string(), at).unwrap())?;
        for answer in answers {
            let question = engine.quiz_next().unwrap();
            same(&question)?;
            let Some(question) = question else { break };
            same(&engine.quiz_answer(&question.product_id, answer, at).unwrap())?;
        }
        same(&engine.quiz_result())?;
        same(&engine.profile_view(at))?;
        same(&engine.next_report_batch(at + 3.0 * 86_400_000.0))?;
        same(&engine.audit(at))?;
        if withdraw {
            same(&engine.set_consent_json(r#"{"measurement":"denied"}"#, at).unwrap())?;
        }
        same(&engine.quiz_finish(at))?;
        same(&engine.storage_status())?;
        same(&engine.take_warnings())?;
        // What `persist::save` stored is the serde bytes of each document.
        same(&engine.take_storage_writes())?;
    }
}
