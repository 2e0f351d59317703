use super::*;
use crate::event::Event;

const DAY: f64 = 86_400_000.0;

fn ev(json: &str) -> Event {
    Event::from_json(json, 0.0).unwrap()
}

fn product(kind: &str, id: &str, attrs: &[(&str, &str)], price: Option<f64>, at: f64) -> Event {
    let attributes: serde_json::Map<String, serde_json::Value> = attrs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).into()))
        .collect();
    let mut json = serde_json::json!({"type": kind, "productId": id, "attributes": attributes, "timestamp": at});
    if let Some(p) = price {
        json["price"] = p.into();
    }
    ev(&json.to_string())
}

#[test]
fn cart_outweighs_view() {
    let cfg = ProfileConfig::default();
    let mut p = Profile::default();
    p.apply(
        &ev(r#"{"type":"view","productId":"a","attributes":{"colour":"Blue"},"timestamp":0}"#),
        &cfg,
    );
    p.apply(
        &ev(
            r#"{"type":"add_to_cart","productId":"b","attributes":{"colour":"Red"},"timestamp":0}"#,
        ),
        &cfg,
    );
    assert!(p.affinity("colour", "Red", 0.0, &cfg) > p.affinity("colour", "Blue", 0.0, &cfg));
}

#[test]
fn price_band_is_derived() {
    let cfg = ProfileConfig::default();
    assert_eq!(cfg.price_band(5.0), "value");
    assert_eq!(cfg.price_band(20.0), "mid");
    assert_eq!(cfg.price_band(500.0), "luxury");
    let mut p = Profile::default();
    p.apply(
        &ev(r#"{"type":"purchase","productId":"a","price":75,"timestamp":0}"#),
        &cfg,
    );
    assert_eq!(p.affinity(PRICE_BAND, "premium", 0.0, &cfg), 8.0);
    let dist = p.price_band_distribution(0.0, &cfg);
    assert_eq!(dist.iter().find(|(b, _)| b == "premium").unwrap().1, 1.0);
    assert!((p.typical_price().unwrap() - 75.0).abs() < 1e-9);
}

#[test]
fn untracked_attributes_are_ignored() {
    let cfg = ProfileConfig::default();
    let mut p = Profile::default();
    p.apply(
        &ev(r#"{"type":"click","productId":"a","attributes":{"secret":"x"}}"#),
        &cfg,
    );
    assert!(p.is_empty());
    assert_eq!(p.event_count, 1);
}

#[test]
fn values_per_attribute_are_bounded() {
    let cfg = ProfileConfig {
        max_values_per_attribute: 5,
        ..ProfileConfig::default()
    };
    let mut p = Profile::default();
    for i in 0..100 {
        let json = format!(
            r#"{{"type":"view","productId":"p{i}","attributes":{{"colour":"c{i}"}},"timestamp":{i}}}"#
        );
        p.apply(&ev(&json), &cfg);
    }
    assert!(p.affinities["colour"].len() <= 5);
    assert_eq!(p.recent.len(), cfg.recent_items);
}

#[test]
fn sensitive_products_only_reach_the_recent_items() {
    let cfg = ProfileConfig::default();
    let mut p = Profile::default();
    let e = product(
        "purchase",
        "m1",
        &[("department", "Maternity"), ("colour", "Black")],
        Some(30.0),
        5.0,
    );
    p.apply(&e, &cfg);
    let named = product(
        "view",
        "m2",
        &[("name", "Nursing bra"), ("colour", "White")],
        None,
        6.0,
    );
    p.apply(&named, &cfg);
    assert!(p.is_empty());
    assert_eq!(p.event_count, 0);
    assert!(p.coverage.is_empty() && p.session.items.is_empty() && p.activity.last_ms.is_none());
    assert!(p.typical_price().is_none());
    assert_eq!(p.recent.len(), 2);
    assert!(p.recent.iter().all(|r| r.sensitive));
    let search = ev(r#"{"type":"search","query":"maternity jeans","timestamp":7}"#);
    p.apply(&search, &cfg);
    assert_eq!(p.event_count, 0);
}

#[test]
fn paused_profiles_learn_nothing() {
    let cfg = ProfileConfig::default();
    let mut p = Profile::default();
    p.pause();
    p.apply(
        &product("purchase", "a", &[("colour", "Red")], Some(10.0), 1.0),
        &cfg,
    );
    assert!(p.is_empty() && p.recent.is_empty() && p.event_count == 0);
    p.resume();
    p.apply(
        &product("purchase", "a", &[("colour", "Red")], Some(10.0), 1.0),
        &cfg,
    );
    assert!(!p.is_empty());
    p.pause();
    p.reset();
    assert!(p.is_empty() && p.recent.is_empty() && p.is_paused());
}

#[test]
fn forget_value_and_item() {
    let cfg = ProfileConfig::default();
    let mut p = Profile::default();
    p.apply(
        &product(
            "view",
            "a",
            &[("colour", "Red"), ("department", "Shoes")],
            None,
            1.0,
        ),
        &cfg,
    );
    p.apply(
        &product(
            "view",
            "b",
            &[("colour", "Blue"), ("department", "Shoes")],
            None,
            2.0,
        ),
        &cfg,
    );
    assert_eq!(p.forget_value(Some("colour"), "Red"), 2); // affinity + session mention
    assert_eq!(p.affinity("colour", "Red", 2.0, &cfg), 0.0);
    assert!(p.affinity("colour", "Blue", 2.0, &cfg) > 0.0);
    assert_eq!(p.forget_value(None, "Shoes"), 4); // affinity, coverage, two session mentions
    assert!(p.coverage.is_empty());
    assert_eq!(p.forget_item("a"), 2);
    assert_eq!(p.recent.len(), 1);
    assert_eq!(p.session.items.len(), 1);
}

#[test]
fn summary_reads_like_a_profile() {
    let cfg = ProfileConfig::default();
    let mut p = Profile::default();
    for i in 0..5 {
        let at = (i as f64) * 20.0 * DAY;
        p.apply(
            &product(
                "purchase",
                &format!("p{i}"),
                &[("colour", "Black"), ("productType", "Dress")],
                Some(30.0),
                at,
            ),
            &cfg,
        );
    }
    p.apply(
        &product(
            "view",
            "m",
            &[("department", "Maternity")],
            None,
            80.0 * DAY,
        ),
        &cfg,
    );
    let s = p.summary(80.0 * DAY + 1.0, &cfg, None);
    assert_eq!(s.top_affinities["colour"][0].0, "Black");
    assert_eq!(s.price.band.as_deref(), Some("mid"));
    assert_eq!(s.lifecycle.segment, Segment::Active);
    assert_eq!(s.lifecycle.purchases, 5);
    assert_eq!(s.recent_items[0].id, "m");
    let text = s.sentences.join(" ");
    assert!(text.contains("Black (colour)"), "{text}");
    assert!(text.contains("mid range"), "{text}");
    assert!(!serde_json::to_string(&s.top_affinities)
        .unwrap()
        .contains("Maternity"));
    let lapsed = p.summary(200.0 * DAY, &cfg, None);
    assert_eq!(lapsed.lifecycle.segment, Segment::Lapsed);
}

#[test]
fn retention_is_enforced_on_read_and_on_expire() {
    let cfg = ProfileConfig::default();
    let mut p = Profile::default();
    p.apply(
        &product("purchase", "a", &[("colour", "Red")], Some(10.0), 0.0),
        &cfg,
    );
    let later = 181.0 * DAY;
    assert_eq!(p.affinity("colour", "Red", later, &cfg), 0.0);
    let report = p.expire(later, &cfg);
    assert_eq!(report.affinities, 3); // colour Red, price band value, price statistics
    assert_eq!(report.coverage, 0);
    assert_eq!(report.recent_items, 1);
    assert_eq!(report.session, 1);
    assert!(p.affinities.is_empty() && p.recent.is_empty() && p.typical_price().is_none());
}

#[test]
fn load_time_repair_expires_using_the_stored_retention() {
    let cfg = ProfileConfig {
        retention: Retention {
            recent_items_days: 1.0,
            ..Retention::default()
        },
        ..ProfileConfig::default()
    };
    let mut p = Profile::default();
    p.apply(&product("view", "a", &[("colour", "Red")], None, 0.0), &cfg);
    let json = serde_json::to_string(&p).unwrap();
    let mut back: Profile = serde_json::from_str(&json).unwrap();
    assert_eq!(back.repair(2.0 * DAY), 0);
    assert!(back.recent.is_empty());
    assert!(!back.affinities.is_empty());
}

#[test]
fn repair_drops_tampered_entries() {
    let mut p: Profile = serde_json::from_str(
        r#"{"version":1,"eventCount":3,"updatedMs":0,"affinities":{"colour":{"Red":[1e300,0],"Blue":[2,0]}}}"#,
    )
    .unwrap();
    assert_eq!(p.repair(0.0), 1);
    assert!(p.affinities["colour"].contains_key("Blue"));
}

#[test]
fn tampered_fields_are_repaired_with_typed_issues_and_the_rest_kept() {
    let json = r#"{"version":2,"eventCount":-4,"updatedMs":"yesterday",
        "affinities":{"colour":{"Red":"lots","Blue":[2,0],"Green":[3,1e18]},"pattern":[1,2]},
        "activity":{"purchases":-2,"sessions":3,"lastMs":5,"firstMs":9,"monetary":-1},
        "recent":[{"id":"a","kind":"view","atMs":1},{"id":"b","kind":"teleport","atMs":1}],
        "price":{"meanLog":"x"},"paused":"no","session":{"startedMs":5,"lastMs":1}}"#;
    let mut p: Profile = serde_json::from_str(json).unwrap();
    let n = p.repair(10.0);
    let issues = p.take_repairs();
    assert_eq!(n, issues.len());
    let codes: Vec<&str> = issues.iter().map(RepairIssue::code).collect();
    assert!(codes.contains(&"VITRINE_PROFILE_WRONG_TYPE"));
    assert!(codes.contains(&"VITRINE_PROFILE_OUT_OF_RANGE"));
    assert!(codes.contains(&"VITRINE_PROFILE_FUTURE_DATED"));
    let fields: Vec<String> = issues
        .iter()
        .map(|i| match i {
            RepairIssue::WrongType { field }
            | RepairIssue::OutOfRange { field }
            | RepairIssue::FutureDated { field } => field.clone(),
        })
        .collect();
    for f in [
        "eventCount",
        "updatedMs",
        "affinities.colour.Red",
        "affinities.colour.Green",
        "affinities.pattern",
        "recent.1",
        "price",
        "paused",
        "session",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
    assert_eq!(p.affinities["colour"].keys().collect::<Vec<_>>(), ["Blue"]);
    assert_eq!(p.activity.sessions, 3);
    assert_eq!(p.activity.purchases, 0);
    assert_eq!(p.activity.first_ms, Some(5.0));
    assert_eq!(p.recent.len(), 1);
    assert_eq!(p.event_count, 0);
    let w = issues[0].to_warning(Some("k".into()));
    assert_eq!(w.code, issues[0].code());
}

#[test]
fn non_objects_are_rejected_for_quarantine() {
    assert!(serde_json::from_str::<Profile>("[1,2,3]").is_err());
    assert!(serde_json::from_str::<Profile>("{}").is_ok());
}

#[test]
fn stays_under_64_kib_after_10_000_events() {
    let cfg = ProfileConfig {
        attributes: [
            "productType",
            "colour",
            "pattern",
            "department",
            "indexGroup",
            "garmentGroup",
        ]
        .map(String::from)
        .to_vec(),
        ..ProfileConfig::default()
    };
    let kinds = [
        "view",
        "click",
        "add_to_cart",
        "purchase",
        "remove_from_cart",
        "return",
        "dwell",
    ];
    let mut p = Profile::default();
    let mut max = 0;
    for i in 0..10_000u64 {
        let kind = kinds[(i % 7) as usize];
        let mut json = serde_json::json!({
            "type": kind, "productId": format!("{:010}", i * 7919 % 100_000),
            "attributes": {
                "productType": format!("type {}", i % 131), "colour": format!("colour {}", i % 50),
                "pattern": format!("pattern {}", i % 30), "department": format!("department name {}", i % 250),
                "indexGroup": format!("group {}", i % 5), "garmentGroup": format!("garment {}", i % 21)
            },
            "price": (i % 97) as f64 + 0.99, "timestamp": i * 60_000
        });
        if kind == "dwell" {
            json["durationMs"] = 12_000.into();
        }
        p.apply(&Event::from_json(&json.to_string(), 0.0).unwrap(), &cfg);
        if i % 500 == 0 {
            max = max.max(p.stored_size());
        }
    }
    let size = serde_json::to_string(&p).unwrap().len();
    println!("profile_bytes_after_10k = {size} (max sampled {max})");
    assert!(
        size <= MAX_STORED_BYTES,
        "stored profile is {size} bytes after 10,000 events"
    );
    assert!(max <= MAX_STORED_BYTES);
    assert_eq!(p.event_count, 10_000);
}

#[test]
fn config_validation() {
    let bad = ProfileConfig {
        price_band_edges: vec![50.0, 20.0],
        ..ProfileConfig::default()
    };
    assert_eq!(bad.validate(), Err(ConfigError::PriceEdges));
    assert!(ProfileConfig::default().validate().is_ok());
}

/// Storage reads the profile straight from its text: whitespace and repeated keys (last one
/// wins) read as through a `serde_json::Value`, and the stored text round-trips.
#[test]
fn stored_text_reads_like_a_json_object() {
    use crate::storage::persist::{self, Keys};
    use crate::storage::{KeyValueStore, MemoryStore};
    let cfg = ProfileConfig::default();
    let mut p = Profile::default();
    p.apply(
        &product("purchase", "a", &[("colour", "Red")], Some(20.0), DAY),
        &cfg,
    );
    let compact = serde_json::to_string(&p).unwrap();
    let value: serde_json::Value = serde_json::from_str(&compact).unwrap();
    let spaced = serde_json::to_string_pretty(&value).unwrap().replacen(
        '{',
        r#"{ "paused": true, "eventCount": "x", "#,
        1,
    );
    let keys = Keys::new("t");
    let mut store = MemoryStore::default();
    store
        .set(&keys.doc("profile", PROFILE_VERSION), &spaced)
        .unwrap();
    let loaded = persist::load::<Profile>(&mut store, &keys, DAY).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let mut expected: Profile = serde_json::from_str(&compact).unwrap();
    expected.repair(DAY);
    assert_eq!(loaded.value, expected);
    assert_eq!(serde_json::to_string(&loaded.value).unwrap(), compact);

    let mut store = MemoryStore::default();
    store
        .set(&keys.doc("profile", PROFILE_VERSION), r#"{"version":2} {}"#)
        .unwrap();
    let loaded = persist::load::<Profile>(&mut store, &keys, DAY).unwrap();
    assert_eq!(loaded.warnings[0].code, persist::STORAGE_CORRUPT);
    assert!(loaded.warnings[0].message.contains("is not JSON"));
}
