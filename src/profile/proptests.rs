//! Invariants under arbitrary event sequences, including out-of-order timestamps.

use proptest::prelude::*;

use super::affinity::MAX_WEIGHT;
use super::*;
use crate::event::{Event, EventKind};

fn arb_event() -> impl Strategy<Value = Event> {
    (
        0usize..8,
        0u32..40,
        prop::collection::btree_map(
            prop::sample::select(vec![
                "colour",
                "productType",
                "department",
                "name",
                "pattern",
            ]),
            prop::sample::select(vec![
                "Red",
                "Blue",
                "Dress",
                "Maternity top",
                "x\u{1}\"y",
                "Ω",
                "",
            ]),
            0..5,
        ),
        prop::option::of(0.0f64..1.0e7),
        0.0f64..4.0e12,
        0.0f64..3.6e6,
    )
        .prop_map(|(kind, id, attrs, price, at, dwell)| {
            let kind = EventKind::ALL[kind];
            Event {
                kind,
                product_id: if kind == EventKind::Search {
                    String::new()
                } else {
                    format!("p{id}")
                },
                attributes: attrs
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                price,
                reason: None,
                query: (kind == EventKind::Search).then(|| "shoes".to_owned()),
                duration_ms: Some(dwell),
                at_ms: at,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn affinities_stay_finite_bounded_and_stored_size_bounded(events in prop::collection::vec(arb_event(), 1..300)) {
        let cfg = ProfileConfig { max_values_per_attribute: 4, recent_items: 20, ..ProfileConfig::default() };
        let mut p = Profile::default();
        for e in &events {
            p.apply(e, &cfg);
        }
        let now = events.iter().map(|e| e.at_ms).fold(0.0, f64::max);
        for values in p.affinities.values() {
            prop_assert!(values.len() <= cfg.max_values_per_attribute);
            for d in values.values() {
                prop_assert!(d.is_sane());
                prop_assert!(d.0.abs() <= MAX_WEIGHT);
            }
        }
        for t in [0.0, now, now + 1.0e10] {
            prop_assert!(p.strength(t, &cfg).is_finite());
            for attr in cfg.tracked() {
                let mass = p.attribute_mass(attr, t, &cfg);
                prop_assert!(mass.is_finite() && mass >= 0.0);
            }
        }
        prop_assert!(p.typical_price().map_or(true, |x| x.is_finite() && x >= 0.0));
        prop_assert!(p.recent.len() <= cfg.recent_items);
        prop_assert!(p.stored_size() <= MAX_STORED_BYTES);
        prop_assert!(p.event_count <= events.len() as u64);
        // Nothing learned from sensitive products.
        prop_assert!(!p.affinities.values().flat_map(|v| v.keys()).any(|k| cfg.is_sensitive_value(k)));
        // A stored profile reads back equal and needs no repair.
        let json = serde_json::to_string(&p).unwrap();
        // Written byte for byte as serde_json writes it.
        prop_assert_eq!(crate::json::to_string(&p).unwrap(), json.clone());
        prop_assert_eq!(crate::json::to_json(&p), json.clone());
        let mut back: Profile = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.repair(now), 0);
    }

    #[test]
    fn any_json_object_reads_without_panicking(json in prop::collection::btree_map(
        prop::sample::select(vec!["version", "eventCount", "updatedMs", "affinities", "activity", "recent", "session", "price", "coverage", "paused", "retention"]),
        prop_oneof![
            Just(serde_json::json!(null)), Just(serde_json::json!(-1)), Just(serde_json::json!(1e300)),
            Just(serde_json::json!("x")), Just(serde_json::json!([1, 2])), Just(serde_json::json!({"a": {"b": [1, -5]}})),
            Just(serde_json::json!({"startedMs": -1, "items": [{"id": "", "atMs": 1, "attributes": []}]})),
        ],
        0..8,
    )) {
        let value = serde_json::Value::Object(json.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
        let mut p = Profile::from_stored(&value.to_string()).unwrap();
        p.repair(1.0e12);
        prop_assert!(p.stored_size() <= MAX_STORED_BYTES);
        prop_assert!(p.strength(1.0e12, &ProfileConfig::default()).is_finite());
    }
}
