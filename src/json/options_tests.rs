//! The option readers against the serde derives: documents of the options' shape (fields
//! dropped, values changed) and their mutations read the same through both; each config's
//! serialised default reads back equal (so a field added to a config but not to its reader
//! fails here).

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::engine::EngineOptions;
use crate::json::typed::tests::{agree, check_text, mutations, reshape};
use crate::json::{read_str, FromJson};
use crate::privacy::config::ReportingConfig;
use crate::privacy::queue::Backoff;
use crate::profile::config::{LifecycleConfig, ProfileConfig, Retention};
use crate::quiz::QuizConfig;
use crate::rank::options::{Diversity, MaxPerValue, Pin, RerankOptions};

fn engine_options() -> Value {
    json!({
        "namespace": "shop",
        "profile": ProfileConfig {
            vocabulary: [("department".to_owned(), vec!["a".to_owned(), "b".to_owned()])]
                .into_iter()
                .collect(),
            ..ProfileConfig::default()
        },
        "consent": {"personalization": "granted", "ad_storage": "denied", "x": [1, {"a": 2}],
                    "y": {"\u{e9}": null}, "z": -3, "w": 1.5, "v": true},
        "reporting": ReportingConfig {
            epsilon: [(crate::privacy::reports::ReportKind::Quiz, 0.5)].into_iter().collect(),
            ..ReportingConfig::default()
        },
        "preConsentBuffer": 200,
        "quiz": QuizConfig::default(),
    })
}

fn rerank_options() -> RerankOptions {
    RerankOptions {
        diversity: Some(Diversity {
            attributes: vec!["colour".to_owned()],
            ..Diversity::default()
        }),
        pinned: vec![Pin {
            id: "p1".to_owned(),
            position: 2,
        }],
        exclude: vec!["x".to_owned(), "y".to_owned()],
        drop_out_of_stock: true,
        long_tail_boost: 0.25,
        max_per_value: Some(MaxPerValue {
            attribute: "brand".to_owned(),
            max: 2,
            window: Some(5),
        }),
    }
}

fn round_trip<T>(value: &T)
where
    T: FromJson + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).unwrap();
    assert_eq!(&read_str::<T>(&text).unwrap(), value, "{text}");
    agree::<T>(&text).unwrap();
}

#[test]
fn every_config_reads_its_serialised_form() {
    round_trip(&ProfileConfig::default());
    round_trip(&LifecycleConfig::default());
    round_trip(&Retention::default());
    round_trip(&ReportingConfig::default());
    round_trip(&Backoff::default());
    round_trip(&QuizConfig::default());
    round_trip(&RerankOptions::default());
    round_trip(&rerank_options());
    let text = engine_options().to_string();
    let options = read_str::<EngineOptions>(&text).unwrap();
    assert_eq!(options.namespace, "shop");
    assert_eq!(options.consent.len(), 7);
    agree::<EngineOptions>(&text).unwrap();
}

#[test]
fn option_edge_cases_agree() {
    for text in [
        "{}",
        "null",
        "[]",
        r#"{"namespace":1}"#,
        r#"{"profile":{"halfLifeDays":"7"}}"#,
        r#"{"profile":{"nope":1}}"#,
        r#"{"profile":{"retention":{"quizDays":1,"quizDays":2}}}"#,
        r#"{"consent":{"a":"\ud800"}}"#,
        r#"{"consent":{"a":{"\ud800":1}}}"#,
        r#"{"consent":{"a":[1,]}}"#,
        r#"{"reporting":{"epsilon":{"nope":1}}}"#,
        r#"{"reporting":{"backoff":{"baseMs":-1,"zz":0}}}"#,
        r#"{"preConsentBuffer":-5}"#,
        r#"{"pinned":[{"id":"a"}]}"#,
        r#"{"pinned":[{"position":1,"id":"a","x":1}]}"#,
        r#"{"maxPerValue":{"attribute":"a","max":1,"window":null}}"#,
        r#"{"diversity":null,"maxPerValue":null}"#,
        r#"{"diversity":{"lambda":"high"}}"#,
    ] {
        agree::<EngineOptions>(text).unwrap();
        agree::<RerankOptions>(text).unwrap();
    }
}

proptest! {
    #[test]
    fn engine_options_read_as_serde(rng in prop::collection::vec(any::<u32>(), 0..64),
                                    m in mutations()) {
        let doc = reshape(&engine_options(), &mut rng.into_iter());
        check_text::<EngineOptions>(&doc.to_string(), &m)?;
    }

    #[test]
    fn rerank_options_read_as_serde(rng in prop::collection::vec(any::<u32>(), 0..32),
                                    m in mutations()) {
        let doc = reshape(&serde_json::to_value(rerank_options()).unwrap(), &mut rng.into_iter());
        check_text::<RerankOptions>(&doc.to_string(), &m)?;
    }
}
