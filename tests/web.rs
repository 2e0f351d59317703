//! Browser tests: the real wasm glue against real `localStorage` in headless Chromium.
//! Run with `wasm-pack test --headless --chrome -- --test web` (part of `npm test`).
#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use vitrine::wasm::WasmEngine;

wasm_bindgen_test_configure!(run_in_browser);

/// Fixed randomness for tests (pages pass 32 bytes from `crypto.getRandomValues`).
const SEED: [u8; 32] = [7; 32];

const CART_RED: &str = r#"{"type":"add_to_cart","productId":"p1","attributes":{"colour":"Red","productType":"Dress"},"price":40}"#;

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// The profile's storage key in a namespace (the key carries the schema version).
fn profile_key(namespace: &str) -> String {
    format!("{namespace}:v{}:profile", vitrine::profile::PROFILE_VERSION)
}

/// Init options as the wrapper passes them (JSON text).
fn options(value: Value) -> String {
    value.to_string()
}

/// Options for a namespace whose site already holds personalization consent.
fn granted(namespace: &str) -> String {
    options(json!({ "namespace": namespace, "consent": { "personalization": "granted" } }))
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn keys(namespace: &str) -> Vec<String> {
    let s = storage();
    (0..s.length().unwrap())
        .filter_map(|i| s.key(i).unwrap())
        .filter(|k| k.starts_with(&format!("{namespace}:")))
        .collect()
}

fn clear(namespace: &str) {
    for key in keys(namespace) {
        storage().remove_item(&key).unwrap();
    }
}

fn error_field(err: &JsValue, field: &str) -> Option<String> {
    js_sys::Reflect::get(err, &field.into())
        .unwrap()
        .as_string()
}

#[wasm_bindgen_test]
fn profile_round_trips_through_local_storage() {
    clear("rt");
    let mut engine = WasmEngine::new(&granted("rt"), true, &SEED).unwrap();
    assert_eq!(parse(&engine.storage_status())["persistent"], true);
    engine.track(CART_RED).unwrap();
    let stored = storage()
        .get_item(&profile_key("rt"))
        .unwrap()
        .expect("profile key written");
    assert!(stored.contains("Red"));
    // A new engine (a page reload) sees the same profile.
    let reopened = WasmEngine::new(&granted("rt"), true, &SEED).unwrap();
    assert_eq!(parse(&reopened.profile())["profile"]["eventCount"], 1);
    clear("rt");
}

#[wasm_bindgen_test]
fn corrupt_profile_is_quarantined_not_destroyed() {
    clear("bad");
    storage()
        .set_item(&profile_key("bad"), "{not json")
        .unwrap();
    let mut engine = WasmEngine::new(&granted("bad"), true, &SEED).unwrap();
    let warnings = parse(&engine.take_warnings());
    assert_eq!(warnings.as_array().unwrap().len(), 1, "{warnings}");
    assert_eq!(warnings[0]["code"], "VITRINE_STORAGE_CORRUPT");
    let quarantine = warnings[0]["quarantineKey"].as_str().unwrap().to_owned();
    assert_eq!(
        storage().get_item(&quarantine).unwrap().as_deref(),
        Some("{not json")
    );
    // The engine keeps working and writes a fresh, valid profile.
    engine.track(CART_RED).unwrap();
    let fresh = storage().get_item(&profile_key("bad")).unwrap().unwrap();
    assert!(serde_json::from_str::<Value>(&fresh).is_ok());
    assert_eq!(
        engine.erase(),
        2,
        "erase removes the profile and the quarantined copy"
    );
    assert!(keys("bad").is_empty());
}

#[wasm_bindgen_test]
fn future_version_is_preserved() {
    clear("future");
    let future = r#"{"version":99,"whatever":true}"#;
    storage().set_item(&profile_key("future"), future).unwrap();
    let mut engine = WasmEngine::new(&granted("future"), true, &SEED).unwrap();
    let warnings = parse(&engine.take_warnings());
    assert_eq!(warnings[0]["code"], "VITRINE_STORAGE_FUTURE_VERSION");
    let quarantine = warnings[0]["quarantineKey"].as_str().unwrap().to_owned();
    assert_eq!(
        storage().get_item(&quarantine).unwrap().as_deref(),
        Some(future)
    );
    clear("future");
}

#[wasm_bindgen_test]
fn quota_exceeded_keeps_working_in_memory() {
    clear("quota");
    let mut engine = WasmEngine::new(&granted("quota"), true, &SEED).unwrap();
    // Fill localStorage to the brim with filler keys.
    let mut filler = Vec::new();
    for (size, count) in [(256 * 1024, 200), (1024, 512)] {
        let chunk = "x".repeat(size);
        for i in 0..count {
            let key = format!("quota-filler-{size}-{i}");
            if storage().set_item(&key, &chunk).is_err() {
                break;
            }
            filler.push(key);
        }
    }
    engine.track(CART_RED).unwrap();
    let warnings = parse(&engine.take_warnings());
    for key in &filler {
        storage().remove_item(key).unwrap();
    }
    assert_eq!(warnings[0]["code"], "VITRINE_STORAGE_QUOTA", "{warnings}");
    // The in-memory profile still personalises.
    let candidates = json!([
        {"id":"a","attributes":{"colour":"Blue"}},
        {"id":"b","attributes":{"colour":"Red","productType":"Dress"}},
        {"id":"c","attributes":{"colour":"Blue"}},
        {"id":"d","attributes":{"colour":"Blue"}}
    ]);
    let ranked = parse(&engine.rerank(&candidates.to_string(), "", &[], 0).unwrap());
    assert_eq!(ranked["ranker"], "affinity");
    clear("quota");
}

#[wasm_bindgen_test]
fn bad_input_becomes_a_typed_js_error() {
    let mut engine = WasmEngine::new(&granted("errors"), false, &SEED).unwrap();
    let err = engine
        .track(r#"{"type":"teleport","productId":"p"}"#)
        .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(
        error_field(&err, "name").as_deref(),
        Some("VitrineValidationError")
    );
    assert_eq!(
        error_field(&err, "code").as_deref(),
        Some("VITRINE_INVALID_EVENT")
    );
    let err = engine
        .track(r#"{"type":"view","productId":"p","price":"NaN"}"#)
        .unwrap_err();
    assert_eq!(
        error_field(&err, "code").as_deref(),
        Some("VITRINE_INVALID_EVENT")
    );
    let err = engine.rerank(r#"{"not":"a list"}"#, "", &[], 0).unwrap_err();
    assert_eq!(
        error_field(&err, "code").as_deref(),
        Some("VITRINE_INVALID_CANDIDATES")
    );
    let err = WasmEngine::new(&options(json!({"namespace":"Bad Name!"})), false, &SEED)
        .err()
        .unwrap();
    assert_eq!(
        error_field(&err, "code").as_deref(),
        Some("VITRINE_INVALID_OPTIONS")
    );
    let err = WasmEngine::new("", false, &[1, 2, 3]).err().unwrap();
    assert_eq!(
        error_field(&err, "code").as_deref(),
        Some("VITRINE_INVALID_OPTIONS")
    );
}

#[wasm_bindgen_test]
fn memory_mode_never_touches_storage() {
    clear("mem");
    let mut engine = WasmEngine::new(&granted("mem"), false, &SEED).unwrap();
    engine.track(CART_RED).unwrap();
    assert_eq!(parse(&engine.storage_status())["persistent"], false);
    assert!(keys("mem").is_empty());
}

#[wasm_bindgen_test]
fn empty_profile_returns_server_order() {
    let engine = WasmEngine::new("", false, &SEED).unwrap();
    let ranked = parse(
        &engine
            .rerank(r#"[{"id":"x","serverRank":1},{"id":"y","serverRank":0},{"id":"z","serverRank":2}]"#, "", &[], 0)
            .unwrap(),
    );
    let ids: Vec<&str> = ranked["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["y", "x", "z"]);
    assert_eq!(ranked["ranker"], "server");
}

#[wasm_bindgen_test]
fn consent_gates_storage_and_withdrawal_erases() {
    clear("consent");
    let mut engine =
        WasmEngine::new(&options(json!({"namespace":"consent"})), true, &SEED).unwrap();
    engine.track(CART_RED).unwrap();
    assert!(keys("consent").is_empty(), "nothing stored before consent");
    assert_eq!(parse(&engine.storage_status())["persistent"], false);
    assert_eq!(
        parse(&engine.profile())["profile"]["eventCount"],
        0,
        "buffered, not applied"
    );

    // Grant: the buffered event is replayed and persisted.
    engine
        .set_consent(r#"{"personalization":"granted"}"#)
        .unwrap();
    assert_eq!(parse(&engine.profile())["profile"]["eventCount"], 1);
    assert!(storage()
        .get_item(&profile_key("consent"))
        .unwrap()
        .is_some());

    // Withdraw: the profile is erased from storage and memory.
    let change = parse(
        &engine
            .set_consent(r#"{"personalization":"denied"}"#)
            .unwrap(),
    );
    assert_eq!(change["withdrawn"], json!(["personalization"]));
    assert!(keys("consent").is_empty(), "withdrawal erased the profile");
    assert_eq!(parse(&engine.profile())["profile"]["eventCount"], 0);

    // Unknown keys are a typed error.
    let err = engine.set_consent(r#"{"tracking":"granted"}"#).unwrap_err();
    assert_eq!(
        error_field(&err, "code").as_deref(),
        Some("VITRINE_INVALID_CONSENT")
    );
}
