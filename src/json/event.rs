//! [`FromJson`](super::FromJson) readers for what the page sends per call: events
//! ([`RawEvent`]) and forget targets ([`ForgetTarget`]). Beside the reader, like the option
//! readers: the types' own modules keep their serde derives (the format, used natively).

use super::Error;
use serde::de;

use super::read::{Code, Reader};
use super::typed::{struct_reader, FromJson};
use crate::engine::ForgetTarget;
use crate::event::{RawAttributeValue, RawEvent};

struct_reader!(RawEvent, "struct RawEvent", deny_unknown, RawEvent::default(),
    { kind: "type", product_id: "productId", attributes: "attributes",
      price: "price" => super::lenient_f64, reason: "reason", query: "query",
      duration_ms: "durationMs" => super::lenient_f64,
      timestamp: "timestamp" => super::lenient_f64 });

struct_reader!(ForgetTarget, "struct ForgetTarget", deny_unknown,
    ForgetTarget { value: None, attribute: None, item: None },
    { value: "value", attribute: "attribute", item: "item" });

/// As its serde impl: a string, a number or a boolean; anything else (or a broken value) is
/// the one error `#[serde(untagged)]` gives, after the value was read as far as serde reads it.
impl FromJson for RawAttributeValue {
    fn read(r: &mut Reader<'_>) -> Result<RawAttributeValue, Error> {
        attribute(r).map_err(|_| {
            de::Error::custom("data did not match any variant of untagged enum RawAttributeValue")
        })
    }
}

fn attribute(r: &mut Reader<'_>) -> Result<RawAttributeValue, Error> {
    let unexpected = match r.peek() {
        None => return Err(r.peek_error(Code::EofValue)),
        Some(b'"') => return Ok(RawAttributeValue::Text(r.string()?.into_owned())),
        Some(b'-' | b'0'..=b'9') => return r.float("f64").map(RawAttributeValue::Number),
        Some(b't' | b'f') => return bool::read(r).map(RawAttributeValue::Flag),
        Some(b'n') => {
            r.ident(b"ull")?;
            de::Unexpected::Unit
        }
        // Entered, refused, then closed as far as it goes (serde's `visit_seq`/`visit_map`
        // default, then the reader's clean-up).
        Some(b'[') => {
            r.enter()?;
            let err = de::Error::invalid_type(de::Unexpected::Seq, &"a value");
            return Err(r.end_seq_after(err));
        }
        Some(b'{') => {
            r.enter()?;
            let err = de::Error::invalid_type(de::Unexpected::Map, &"a value");
            return Err(r.end_map_after(err));
        }
        Some(_) => return Err(r.peek_error(Code::ExpectedValue)),
    };
    Err(de::Error::invalid_type(unexpected, &"a value"))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "event_tests.rs"]
mod tests;
