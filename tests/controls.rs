//! The shopper's controls through the public engine API (host): forget a value or an item,
//! pause and resume, reset, export and erase; and the sensitive guard end to end (never used
//! for ranking, never in explanations or the profile view, only in the clearable recent items).
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::{Engine, EngineOptions, ForgetTarget};
use vitrine::rank::RankerKind;
use vitrine::storage::journal::JournaledStore;

const SEED: [u8; 32] = [9; 32];
const NOW: f64 = 1_800_000_000_000.0;
const MINUTE: f64 = 60_000.0;

fn open() -> Engine {
    let options = EngineOptions::from_json(r#"{"consent":{"personalization":"granted"}}"#).unwrap();
    Engine::open(JournaledStore::default(), options, SEED, NOW).unwrap()
}

fn track(engine: &mut Engine, kind: &str, id: &str, colour: &str, product_type: &str, at: f64) {
    let json = format!(
        r#"{{"type":"{kind}","productId":"{id}","attributes":{{"colour":"{colour}","productType":"{product_type}"}},"price":30,"timestamp":{at}}}"#
    );
    engine.track_json(&json, at).unwrap();
}

fn candidates() -> String {
    let rows: Vec<String> = [
        ("c0", "Black", "Top"),
        ("c1", "Blue", "Trousers"),
        ("c2", "Red", "Dress"),
        ("c3", "Green", "Dress"),
        ("c4", "Red", "Top"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (id, colour, t))| {
        format!(r#"{{"id":"{id}","serverRank":{i},"attributes":{{"colour":"{colour}","productType":"{t}"}},"price":30}}"#)
    })
    .collect();
    format!("[{}]", rows.join(","))
}

fn colour_weight(engine: &Engine, colour: &str) -> f64 {
    engine
        .profile_view(NOW + 10.0 * MINUTE)
        .profile
        .top_affinities
        .get("colour")
        .and_then(|values| values.iter().find(|(v, _)| v == colour).map(|(_, w)| *w))
        .unwrap_or(0.0)
}

#[test]
fn forget_pause_resume_reset_export_and_erase() {
    let mut engine = open();
    track(&mut engine, "add_to_cart", "p1", "Red", "Dress", NOW);
    track(&mut engine, "view", "p2", "Blue", "Trousers", NOW + MINUTE);
    assert!(colour_weight(&engine, "Red") > 0.0);

    // forget(value): the value is gone from the affinities; the rest is kept.
    let removed = engine.forget(&ForgetTarget {
        value: Some("Red".into()),
        attribute: Some("colour".into()),
        item: None,
    });
    assert!(removed >= 1, "removed {removed}");
    assert_eq!(colour_weight(&engine, "Red"), 0.0);
    assert!(
        colour_weight(&engine, "Blue") > 0.0,
        "other values are kept"
    );

    // forget(item): out of the recent items.
    let ids = |e: &Engine| -> Vec<String> {
        let view = e.profile_view(NOW + 10.0 * MINUTE);
        view.profile
            .recent_items
            .iter()
            .map(|r| r.id.clone())
            .collect()
    };
    assert!(ids(&engine).contains(&"p2".to_owned()));
    engine.forget(&ForgetTarget {
        value: None,
        attribute: None,
        item: Some("p2".into()),
    });
    assert!(!ids(&engine).contains(&"p2".to_owned()));

    // pause: events are not learned; resume: they are again.
    engine.pause();
    let before = engine.profile().event_count;
    track(
        &mut engine,
        "purchase",
        "p3",
        "Green",
        "Dress",
        NOW + 2.0 * MINUTE,
    );
    assert_eq!(
        engine.profile().event_count,
        before,
        "paused: nothing learned"
    );
    assert_eq!(colour_weight(&engine, "Green"), 0.0);
    assert!(engine.profile_view(NOW).profile.paused);
    engine.resume();
    track(
        &mut engine,
        "purchase",
        "p3",
        "Green",
        "Dress",
        NOW + 3.0 * MINUTE,
    );
    assert!(
        colour_weight(&engine, "Green") > 0.0,
        "resumed: learning again"
    );

    // exportData: every stored key, as JSON, including the profile.
    let exported = engine.export_data();
    let profile_key = exported
        .keys()
        .find(|k| k.ends_with(":profile"))
        .cloned()
        .expect("the profile is exported");
    assert!(exported[&profile_key].is_object());
    assert!(exported[&profile_key].to_string().contains("Green"));

    // reset: nothing learned remains; erase: no key remains.
    engine.reset();
    assert!(engine.profile().is_empty());
    assert_eq!(
        engine.rerank_json(&candidates(), NOW).unwrap().ranker,
        RankerKind::Server
    );
    track(
        &mut engine,
        "view",
        "p4",
        "Black",
        "Top",
        NOW + 4.0 * MINUTE,
    );
    assert!(engine.erase() >= 1);
    assert!(
        engine.export_data().is_empty(),
        "erase leaves no key behind"
    );
    assert!(engine.profile().is_empty());
}

#[test]
fn sensitive_events_only_reach_the_clearable_recent_items() {
    let mut engine = open();
    for (i, kind) in ["view", "add_to_cart", "purchase"].iter().enumerate() {
        let json = format!(
            r#"{{"type":"{kind}","productId":"m{i}","attributes":{{"colour":"Red","productType":"Maternity dress"}},"price":40,"timestamp":{}}}"#,
            NOW + i as f64 * MINUTE
        );
        engine.track_json(&json, NOW).unwrap();
    }
    // Never used for inference: nothing learned, the server's order comes back.
    assert!(engine.profile().is_empty(), "nothing was learned");
    let ranked = engine.rerank_json(&candidates(), NOW).unwrap();
    assert_eq!(ranked.ranker, RankerKind::Server);
    assert!(ranked.items.iter().all(|item| item.reason.is_none()));

    // Never shown: not in affinities, sentences or session intent; only in the recent items.
    let view = engine.profile_view(NOW + 5.0 * MINUTE);
    let shown = serde_json::to_string(&view).unwrap().to_lowercase();
    let recent: Vec<_> = view.profile.recent_items.iter().collect();
    assert_eq!(recent.len(), 3);
    assert!(recent.iter().all(|r| r.sensitive));
    assert!(
        !shown.contains("maternity"),
        "the view names no sensitive value: {shown}"
    );

    // With ordinary events too, explanations never cite the sensitive value.
    track(
        &mut engine,
        "add_to_cart",
        "p1",
        "Red",
        "Top",
        NOW + 6.0 * MINUTE,
    );
    let ranked = engine
        .rerank_json(&candidates(), NOW + 7.0 * MINUTE)
        .unwrap();
    assert!(ranked
        .items
        .iter()
        .filter_map(|i| i.reason.as_ref())
        .all(|r| !r.text.to_lowercase().contains("maternity")));

    // The shopper can clear them.
    for i in 0..3 {
        engine.forget(&ForgetTarget {
            value: None,
            attribute: None,
            item: Some(format!("m{i}")),
        });
    }
    let view = engine.profile_view(NOW + 8.0 * MINUTE);
    assert!(view.profile.recent_items.iter().all(|r| !r.sensitive));
}

#[test]
fn bad_events_are_typed_errors_and_change_nothing() {
    let mut engine = open();
    track(&mut engine, "add_to_cart", "p1", "Red", "Dress", NOW);
    let stored = |e: &Engine| serde_json::to_string(&e.export_data()).unwrap();
    let before = stored(&engine);
    let ten_mb = "x".repeat(10 * 1024 * 1024);
    let bad = [
        r#"{"productId":"p"}"#.to_owned(),                   // missing type
        r#"{"type":"view"}"#.to_owned(),                     // missing productId
        r#"{"type":"teleport","productId":"p"}"#.to_owned(), // unknown type
        r#"{"type":"view","productId":"p","colour":"Red"}"#.to_owned(), // unknown field
        r#"{"type":"view","productId":"p","price":1e300}"#.to_owned(), // absurd price
        r#"{"type":"view","productId":"p","price":-5}"#.to_owned(),
        r#"{"type":"view","productId":"p","price":"NaN"}"#.to_owned(),
        format!(r#"{{"type":"view","productId":"{ten_mb}"}}"#),
        format!(r#"{{"type":"view","productId":"p","attributes":{{"colour":"{ten_mb}"}}}}"#),
        format!(r#"{{"type":"search","query":"{ten_mb}"}}"#),
        r#"{"type":"return","productId":"p","reason":"bored"}"#.to_owned(),
        "[]".to_owned(),
        "not json".to_owned(),
    ];
    for json in &bad {
        let error = engine.track_json(json, NOW + MINUTE).unwrap_err();
        assert_eq!(
            error.code().as_str(),
            "VITRINE_INVALID_EVENT",
            "{}",
            &json[..json.len().min(80)]
        );
    }
    assert_eq!(stored(&engine), before, "rejected events changed nothing");

    // Out of order: an event from before the last one is applied without rewinding time.
    let red = colour_weight(&engine, "Red");
    track(
        &mut engine,
        "view",
        "p0",
        "Blue",
        "Top",
        NOW - 60.0 * MINUTE,
    );
    assert!(colour_weight(&engine, "Blue") > 0.0);
    assert!((colour_weight(&engine, "Red") - red).abs() < 1e-9);
    let activity = &engine.profile().activity;
    assert_eq!(activity.first_ms, Some(NOW - 60.0 * MINUTE));
    assert_eq!(
        activity.last_ms,
        Some(NOW),
        "the latest event stays the latest"
    );
}

/// No report is derived from a guarded event: six sensitive purchases with measurement
/// consent produce no engagement report (`count_engagement` applies the sensitive guard).
#[test]
fn sensitive_events_are_never_reported() {
    let options = EngineOptions::from_json(
        r#"{"consent":{"personalization":"granted","measurement":"granted"}}"#,
    )
    .unwrap();
    let mut engine = Engine::open(JournaledStore::default(), options, SEED, NOW).unwrap();
    for i in 0..6 {
        let json = format!(
            r#"{{"type":"purchase","productId":"m{i}","attributes":{{"productType":"Nursing bra"}},"price":40,"timestamp":{}}}"#,
            NOW + i as f64 * MINUTE
        );
        engine.track_json(&json, NOW + i as f64 * MINUTE).unwrap();
    }
    let _ = engine.next_report_batch(NOW + 10.0 * MINUTE);
    let audit = engine.audit(NOW + 10.0 * MINUTE);
    let kinds: Vec<String> = audit
        .entries
        .iter()
        .map(|e| format!("{:?}", e.report_type))
        .collect();
    assert!(
        !kinds.iter().any(|k| k == "Engagement"),
        "sensitive events were counted for an engagement report: {kinds:?}"
    );
}
