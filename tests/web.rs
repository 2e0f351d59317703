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

/// The glue's compact re-rank result `{ meta, index, server, score }` as one JSON value: the
/// meta document with the typed arrays added as number arrays.
fn ranking(result: js_sys::Object) -> Value {
    let field = |key: &str| js_sys::Reflect::get(&result, &key.into()).unwrap();
    let mut out = parse(&field("meta").as_string().expect("meta is JSON text"));
    let index = js_sys::Uint32Array::from(field("index")).to_vec();
    let server = js_sys::Uint32Array::from(field("server")).to_vec();
    let score = js_sys::Float32Array::from(field("score")).to_vec();
    out["index"] = json!(index);
    out["server"] = json!(server);
    out["score"] = json!(score);
    out
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
        3,
        "erase removes the profile, the item memory and the quarantined copy"
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
    let ranked = ranking(engine.rerank(&candidates.to_string(), "", &[], 0).unwrap());
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
    let err = engine
        .rerank(r#"{"not":"a list"}"#, "", &[], 0)
        .unwrap_err();
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
    let ranked = ranking(
        engine
            .rerank(r#"[{"id":"x","serverRank":1},{"id":"y","serverRank":0},{"id":"z","serverRank":2}]"#, "", &[], 0)
            .unwrap(),
    );
    // The compact result: `index` points into the input list.
    let order: Vec<u64> = ranked["index"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_u64().unwrap())
        .collect();
    assert_eq!(order, [1, 0, 2], "y, x, z");
    assert_eq!(ranked["server"], json!([0, 1, 2]));
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

/// A small model built in Rust (seeded item rows, identity shopper transforms), as bytes.
fn model_bytes() -> Vec<u8> {
    use vitrine::features::{
        price_band_vocabulary, FeatureSpec, ProfileSettings, Vocabulary, CROSS_FEATURES,
    };
    use vitrine::model::{Model, ModelMetadata, Weights};
    let vocab = |name: &str, values: &[&str]| Vocabulary {
        name: name.into(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    };
    let spec = FeatureSpec {
        attributes: vec![
            vocab("colour", &["Red", "Blue", "Black"]),
            vocab("productType", &["Dress", "Shirt"]),
            price_band_vocabulary(),
        ],
        group_attribute: None,
        profile: ProfileSettings::from_config(&vitrine::profile::ProfileConfig::default()),
        context: vec![vocab("device", &["mobile", "desktop"])],
        dim: 4,
        item_embedding_dim: 3,
        hidden: 2,
        cross_features: CROSS_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
    };
    let index = spec.clone().compile().unwrap();
    let mut w = Weights::zeros(&index);
    let mut state = 11u32;
    w.item_table.mapv_inplace(|_| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    });
    for i in 0..4 {
        w.history_transform[(i, i)] = 1.0;
    }
    let metadata = ModelMetadata {
        name: "web-test".into(),
        spec,
        training: "null".into(),
    };
    Model::new(metadata, w).unwrap().to_bytes().unwrap()
}

#[wasm_bindgen_test]
fn model_loads_reranks_and_a_tampered_one_falls_back() {
    let ns = "web-model";
    clear(ns);
    let mut engine = WasmEngine::new(&granted(ns), true, &SEED).unwrap();
    engine.track(CART_RED).unwrap();
    let bytes = model_bytes();
    let info = parse(&engine.load_model(&bytes, None).unwrap());
    assert_eq!(info["name"], "web-test");
    assert_eq!(info["bytes"], bytes.len());
    assert!(
        keys(ns).contains(&format!("{ns}:v1:memory")),
        "the item memory is stored next to the profile"
    );
    let candidates = json!([
        { "id": "a", "attributes": { "colour": "Blue", "productType": "Shirt" }, "price": 40 },
        { "id": "b", "attributes": { "colour": "Black", "productType": "Shirt" }, "price": 40 },
        { "id": "c", "attributes": { "colour": "Red", "productType": "Dress" }, "price": 40 },
    ])
    .to_string();
    // Embeddings as one flat buffer: a, b packed; c's row starts with NaN (none).
    let flat = [0.1, 0.2, 0.3, -0.1, 0.0, 0.5, f32::NAN, 0.0, 0.0];
    let ranked = ranking(engine.rerank(&candidates, "", &flat, 3).unwrap());
    assert_eq!(ranked["ranker"], "model");
    assert_eq!(ranked["modelStatus"], "used");
    assert_eq!(ranked["index"].as_array().unwrap().len(), 3);
    assert!(
        !ranked["reasons"].as_array().unwrap().is_empty(),
        "{ranked}"
    );
    assert!(
        engine.rerank(&candidates, "", &flat[..4], 3).is_err(),
        "bad buffer length"
    );

    let mut tampered = bytes.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let err = engine.load_model(&tampered, None).unwrap_err();
    assert_eq!(
        error_field(&err, "code").as_deref(),
        Some("VITRINE_INVALID_MODEL")
    );
    assert_eq!(
        error_field(&err, "name").as_deref(),
        Some("VitrineModelError")
    );
    let pin_err = engine.load_model(&bytes, Some("0".repeat(64))).unwrap_err();
    assert_eq!(
        error_field(&pin_err, "code").as_deref(),
        Some("VITRINE_MODEL_HASH_MISMATCH")
    );
    let ranked = ranking(engine.rerank(&candidates, "", &[], 0).unwrap());
    assert_eq!(ranked["ranker"], "affinity");
    assert_eq!(ranked["modelStatus"], "failed");
    let warnings = parse(&engine.take_warnings());
    assert!(warnings
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "VITRINE_MODEL_FALLBACK"));
    clear(ns);
}

/// `vitrine::text` hands non-ASCII text to the browser's Unicode: the results must be those of
/// Rust's own tables (which the host tests use), final sigma and multi-character mappings included.
#[wasm_bindgen_test]
fn text_matching_uses_the_browsers_unicode_exactly_as_rust_would() {
    use vitrine::text::{is_word_char, lowercase};
    for text in ["ÉCRU Straße", "ΟΔΟΣ ΣΑ", "İstanbul", "MATERNITÉ", "Ωμέγα"] {
        assert_eq!(lowercase(text), text.to_lowercase(), "{text}");
    }
    assert_eq!(lowercase("Plain ASCII"), "plain ascii");
    for c in ['é', 'ß', 'Ж', '中', '٣', 'Ⅻ'] {
        assert!(is_word_char(c), "{c}");
    }
    for c in ['’', '€', '\u{a0}', '—', '™'] {
        assert!(!is_word_char(c), "{c}");
    }
    // `{:?}`'s escapes, classified by the browser: combining marks, zero-width and no-break
    // spaces, line separators, private use and unassigned code points.
    for s in [
        "plain \"quoted\" \\ \n\t\0\u{7f}",
        "é\u{301}\u{200b}\u{a0}\u{2028}\u{e000}\u{378}\u{feff}😀 中文",
        "\u{301}first",
    ] {
        assert_eq!(vitrine::text::Quoted(s).to_string(), format!("{s:?}"));
    }
    // Through the engine: a sensitive value matches a non-ASCII attribute as a whole word.
    let cfg = vitrine::profile::ProfileConfig {
        sensitive_values: vec!["maternité".into()],
        ..Default::default()
    };
    assert!(cfg.is_sensitive_value("Robe MATERNITÉ été"));
    assert!(!cfg.is_sensitive_value("Maternitéx"));
}
