use super::*;
use crate::privacy::rng::ChaCha20Rng;
use crate::privacy::wire::MAX_REPORT_BYTES;
use proptest::prelude::*;
use serde_json::json;

fn day() -> Day {
    Day::parse("2025-03-14").unwrap()
}

#[test]
fn schemas_are_declared_in_kind_order() {
    for (i, kind) in ReportKind::ALL.into_iter().enumerate() {
        assert_eq!(SCHEMAS[i].kind, kind);
        assert_eq!(ReportKind::parse(kind.as_str()), Some(kind));
        assert!(SCHEMAS[i].default_epsilon <= 1.0);
        assert!(Epsilon::new(SCHEMAS[i].default_epsilon).is_ok());
    }
}

/// Each declared encoding is (within 5%) the lower-variance one at the default ε.
#[test]
fn declared_encodings_are_the_efficient_ones() {
    for s in SCHEMAS {
        let d = s.labels.len();
        let best = crate::privacy::ldp::Encoding::best_for(s.default_epsilon, d);
        let ratio = s.encoding.variance_per_report(s.default_epsilon, d)
            / best.variance_per_report(s.default_epsilon, d);
        assert!(ratio <= 1.05, "{}: {ratio}", s.name);
    }
}

#[test]
fn encoded_reports_round_trip_and_stay_small() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    for kind in ReportKind::ALL {
        let schema = kind.schema();
        let experiment = schema.has_experiment.then_some("hero-banner");
        for label in schema.labels {
            let report = Report::new(kind, day(), label, experiment).unwrap();
            let encoded = report.encode(Epsilon::new(schema.default_epsilon).unwrap(), &mut rng);
            let json = encoded.to_json();
            assert!(json.len() <= MAX_REPORT_BYTES);
            assert!(json.contains("\"day\":\"2025-03-14\""));
            assert_eq!(EncodedReport::from_json(&json).unwrap(), encoded);
        }
    }
}

#[test]
fn the_declared_fields_are_all_that_is_sent() {
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    for kind in ReportKind::ALL {
        let schema = kind.schema();
        let label = schema.labels[0];
        let report = Report::new(kind, day(), label, schema.has_experiment.then_some("x")).unwrap();
        let value: serde_json::Value = serde_json::from_str(
            &report
                .encode(Epsilon::new(0.5).unwrap(), &mut rng)
                .to_json(),
        )
        .unwrap();
        let mut sent: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut declared: Vec<&str> = schema.fields().iter().map(|f| f.name).collect();
        sent.sort_unstable();
        declared.sort_unstable();
        assert_eq!(sent, declared);
    }
}

#[test]
fn decoding_is_strict() {
    let good = json!({"id": "00112233445566778899aabbccddeeff", "type": "lifecycle", "day": "2025-03-14", "epsilon": 0.5, "segment": 3});
    assert!(EncodedReport::from_value(&good).is_ok());
    let with = |key: &str, v: serde_json::Value| {
        let mut r = good.clone();
        r[key] = v;
        EncodedReport::from_value(&r)
    };
    assert_eq!(
        with("extra", json!(1)),
        Err(ReportError::UnknownField("extra".into()))
    );
    assert_eq!(
        with("segment", json!(7)),
        Err(ReportError::OutOfDomain { field: "segment" })
    );
    assert!(matches!(
        with("segment", json!("3")),
        Err(ReportError::WrongType { .. })
    ));
    assert!(matches!(
        with("segment", json!(-1)),
        Err(ReportError::WrongType { .. })
    ));
    assert!(matches!(
        with("epsilon", json!(0.33)),
        Err(ReportError::InvalidEpsilon(_))
    ));
    assert!(matches!(
        with("epsilon", json!(0)),
        Err(ReportError::InvalidEpsilon(_))
    ));
    assert!(matches!(
        with("epsilon", json!(9)),
        Err(ReportError::InvalidEpsilon(_))
    ));
    assert!(matches!(
        with("epsilon", json!("1")),
        Err(ReportError::WrongType { .. })
    ));
    assert_eq!(
        with("day", json!("2025-02-30")),
        Err(ReportError::InvalidDay)
    );
    assert_eq!(
        with("day", json!("2025-03-14T10:00")),
        Err(ReportError::InvalidDay)
    );
    assert_eq!(
        with("id", json!("00112233445566778899AABBCCDDEEFF")),
        Err(ReportError::InvalidId)
    );
    assert!(matches!(
        with("type", json!("clicks")),
        Err(ReportError::UnknownType(_))
    ));
    // The experiment field only exists on experiment reports.
    assert_eq!(
        with("experiment", json!("x")),
        Err(ReportError::UnknownField("experiment".into()))
    );
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("day");
    assert_eq!(
        EncodedReport::from_value(&missing),
        Err(ReportError::MissingField("day"))
    );
    assert_eq!(
        EncodedReport::from_value(&json!([1])),
        Err(ReportError::NotAnObject)
    );
    let oue = json!({"id": "00112233445566778899aabbccddeeff", "type": "engagement", "day": "2025-03-14", "epsilon": 1, "category": "0101"});
    assert!(matches!(
        EncodedReport::from_value(&oue),
        Err(ReportError::WrongType {
            field: "category",
            ..
        })
    ));
    assert!(matches!(
        EncodedReport::from_json(&"x".repeat(600)),
        Err(ReportError::TooLarge(600))
    ));
}

#[test]
fn reports_only_take_declared_labels() {
    assert!(matches!(
        Report::new(ReportKind::Engagement, day(), "sku-123", None),
        Err(ReportError::OutOfDomain { .. })
    ));
    assert_eq!(
        Report::new(ReportKind::Experiment, day(), "a:click", None),
        Err(ReportError::MissingField("experiment"))
    );
    assert_eq!(
        Report::new(ReportKind::Experiment, day(), "a:click", Some("User 42")),
        Err(ReportError::InvalidSlug)
    );
    assert!(Report::new(ReportKind::Quiz, day(), "edgy", Some("x")).is_err());
}

#[test]
fn days_and_epsilons_parse_exactly() {
    assert_eq!(Day::parse("1970-01-01"), Err(ReportError::InvalidDay));
    assert_eq!(Day::parse("2000-01-01").unwrap().0, 10_957);
    assert_eq!(Day::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
    assert_eq!(Day::parse("2023-02-29"), Err(ReportError::InvalidDay));
    assert_eq!(Day::from_ms(1_710_374_400_000.0).to_string(), "2024-03-14");
    assert_eq!(Day::from_ms(f64::NAN), Day(0));
    assert_eq!(Epsilon::new(0.05).unwrap().milli(), 50);
    assert!(Epsilon::new(f64::NAN).is_err());
    assert!(Epsilon::new(4.05).is_err());
    assert!(Epsilon::from_milli(1020).is_err());
}

proptest! {
    #[test]
    fn day_formatting_round_trips(d in 10_957u32..84_000) {
        let day = Day(d);
        prop_assert_eq!(Day::parse(&day.to_string()), Ok(day));
    }

    #[test]
    fn decoder_never_panics(s in ".{0,300}") {
        let _ = EncodedReport::from_json(&s);
    }

    #[test]
    fn decoder_never_panics_on_near_misses(
        kind in 0usize..4, key in "[a-z]{1,10}", v in prop_oneof![
            Just(json!(null)), Just(json!(-1)), Just(json!(1e300)), Just(json!("")), Just(json!([])),
            "[01]{0,20}".prop_map(|s| json!(s)), any::<u64>().prop_map(|n| json!(n)), any::<f64>().prop_map(|n| json!(n)),
        ]
    ) {
        let schema = &SCHEMAS[kind];
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let report = Report::new(schema.kind, Day(20_000), schema.labels[0], schema.has_experiment.then_some("e")).unwrap();
        let mut value: serde_json::Value = serde_json::from_str(&report.encode(Epsilon::new(1.0).unwrap(), &mut rng).to_json()).unwrap();
        value[key.as_str()] = v;
        if let Ok(decoded) = EncodedReport::from_value(&value) {
            // Whatever is accepted re-encodes to a schema-conformant report.
            prop_assert!(EncodedReport::from_json(&decoded.to_json()).is_ok());
        }
    }
}

/// The wire text is byte-for-byte what a `serde_json::Value` object (sorted keys, compact)
/// gives, so ledgered payloads and the collector's view are unchanged.
#[test]
fn wire_text_is_the_sorted_compact_object() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    for kind in ReportKind::ALL {
        let schema = kind.schema();
        for (i, label) in schema.labels.iter().enumerate() {
            let experiment = schema.has_experiment.then_some("hero-banner");
            let epsilon = [0.05, 0.5, 1.0, 4.0][i % 4];
            let report = Report::new(kind, day(), label, experiment).unwrap();
            let encoded = report.encode(Epsilon::new(epsilon).unwrap(), &mut rng);
            let text = encoded.to_json();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(text, value.to_string());
            assert_eq!(value["epsilon"], json!(epsilon));
            assert_eq!(EncodedReport::from_value(&value).unwrap(), encoded);
        }
    }
}

#[test]
fn reports_read_with_whitespace_and_repeated_keys_like_json_objects() {
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let kind = ReportKind::ALL[0];
    let experiment = kind.schema().has_experiment.then_some("x");
    let report = Report::new(kind, day(), kind.schema().labels[0], experiment).unwrap();
    let encoded = report.encode(Epsilon::new(0.5).unwrap(), &mut rng);
    let text = encoded.to_json();
    let spaced = format!(
        " {{ \"day\" : \"1999-01-01\" , {} }} ",
        &text[1..text.len() - 1]
    );
    // A repeated key keeps its last value, as in a `Value` object.
    assert_eq!(EncodedReport::from_json(&spaced).unwrap(), encoded);
    assert!(matches!(
        EncodedReport::from_json(&format!("{text} x")),
        Err(ReportError::InvalidJson(_))
    ));
}

proptest! {
    /// The direct writer gives the old writer's bytes (members collected, sorted by key,
    /// joined) for every report type, with any id, day, ε, experiment name (escapes
    /// included) and noised value, valid or not.
    #[test]
    fn direct_writer_matches_the_sorted_members(
        kind in 0usize..4, id in any::<[u8; 16]>(), day in any::<u32>(), milli in 0u32..10_000,
        experiment in proptest::option::of(".{0,12}"), index in any::<u32>(),
        bits in proptest::collection::vec(any::<bool>(), 0..40), oue in any::<bool>()
    ) {
        let encoded = EncodedReport {
            id: ReportId(id),
            kind: ReportKind::ALL[kind],
            day: Day(day),
            epsilon: crate::privacy::wire::Epsilon::from_milli(milli)
                .unwrap_or(Epsilon::new(1.0).unwrap()),
            experiment,
            noisy: if oue { Noisy::Bits(bits) } else { Noisy::Index(index) },
        };
        prop_assert_eq!(encoded.to_json(), encoded.to_json_sorted());
    }

    /// A report id's text is its bytes in lower-case hex.
    #[test]
    fn report_id_text_is_lower_case_hex(id in any::<[u8; 16]>()) {
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        prop_assert_eq!(ReportId(id).to_string(), hex);
    }
}
