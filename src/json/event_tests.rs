//! The event and forget-target readers against their serde derives: documents of their shape
//! (fields dropped, values changed, attributes of every JSON kind) and their mutations.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::engine::ForgetTarget;
use crate::event::{Event, RawEvent};
use crate::json::typed::tests::{agree, check_text, mutations, reshape};

fn event() -> Value {
    json!({
        "type": "add_to_cart",
        "productId": "p1",
        "attributes": {"colour": "Red", "size": 38, "sale": true, "weight": -1.5},
        "price": 49.5,
        "reason": "too_small",
        "query": "red dress",
        "durationMs": 1200,
        "timestamp": 1_700_000_000_000u64,
    })
}

#[test]
fn event_edge_cases_agree() {
    for text in [
        "{}",
        "null",
        "[]",
        r#"{"type":"view","productId":"p","attributes":{"a":null}}"#,
        r#"{"type":"view","attributes":{"a":[1,2]}}"#,
        r#"{"type":"view","attributes":{"a":[]}}"#,
        r#"{"type":"view","attributes":{"a":{}},"b":1}"#,
        r#"{"type":"view","attributes":{"a":{"x":1}}}"#,
        r#"{"type":"view","attributes":{"a":"\ud800"}}"#,
        r#"{"type":"view","attributes":{"a":01}}"#,
        r#"{"type":"view","attributes":{"a":nul}}"#,
        r#"{"type":"view","attributes":{"a":x}}"#,
        r#"{"type":"view","attributes":{"a":}}"#,
        r#"{"type":"view","attributes":{"a":"#,
        r#"{"type":"view","price":"Infinity","timestamp":"NaN","durationMs":"-Infinity"}"#,
        r#"{"type":"view","price":"1"}"#,
        r#"{"type":"view","reason":"too_tall"}"#,
        r#"{"type":"view","colour":"red"}"#,
        r#"{"value":"Red","attribute":"colour"}"#,
        r#"{"item":"p1","item":"p2"}"#,
        r#"{"item":1}"#,
        r#"{"value":null,"attribute":null,"item":null}"#,
    ] {
        agree::<RawEvent>(text).unwrap();
        agree::<ForgetTarget>(text).unwrap();
        // The event's own error text (`malformed event: …`) follows.
        let ours = Event::from_json(text, 5.0).map_err(|e| e.to_string());
        let theirs = crate::json::from_str::<RawEvent>(text)
            .map_err(|e| format!("malformed event: {e}"))
            .and_then(|raw| Event::validate(raw, 5.0).map_err(|e| e.to_string()));
        assert_eq!(ours, theirs, "{text}");
    }
}

proptest! {
    #[test]
    fn events_read_as_serde(rng in prop::collection::vec(any::<u32>(), 0..32),
                            m in mutations()) {
        let doc = reshape(&event(), &mut rng.into_iter());
        check_text::<RawEvent>(&doc.to_string(), &m)?;
    }

    #[test]
    fn forget_targets_read_as_serde(rng in prop::collection::vec(any::<u32>(), 0..8),
                                    m in mutations()) {
        let doc = reshape(&json!({"value": "Red", "attribute": "colour", "item": "p1"}),
                          &mut rng.into_iter());
        check_text::<ForgetTarget>(&doc.to_string(), &m)?;
    }
}
