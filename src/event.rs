//! Shopper events and their validation.
//!
//! Events arrive from the page as loosely typed JSON ([`RawEvent`]) and become a validated
//! [`Event`] or a typed [`EventError`]; nothing invalid ever reaches the profile.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::collections::VecMap;
use crate::product::{self, Attributes, ProductError};

/// Longest search query accepted, in bytes.
pub const MAX_QUERY_LEN: usize = 256;
/// Longest dwell accepted, in milliseconds (one hour); longer is a stuck tab, not interest.
pub const MAX_DWELL_MS: f64 = 3_600_000.0;

/// What the shopper did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// Saw a product page or a product in a list.
    View,
    /// Clicked a product.
    Click,
    /// Put a product in the cart.
    AddToCart,
    /// Took a product out of the cart.
    RemoveFromCart,
    /// Bought a product.
    Purchase,
    /// Sent a bought product back.
    Return,
    /// Searched (query text only; no product).
    Search,
    /// Stayed on a product for some time.
    Dwell,
}

crate::json::names!(EventKind { View => "view", Click => "click", AddToCart => "add_to_cart", RemoveFromCart => "remove_from_cart", Purchase => "purchase", Return => "return", Search => "search", Dwell => "dwell" });

impl EventKind {
    /// Every kind, in declaration order.
    pub const ALL: [EventKind; 8] = [
        EventKind::View,
        EventKind::Click,
        EventKind::AddToCart,
        EventKind::RemoveFromCart,
        EventKind::Purchase,
        EventKind::Return,
        EventKind::Search,
        EventKind::Dwell,
    ];

    /// The wire name (`"add_to_cart"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::View => "view",
            EventKind::Click => "click",
            EventKind::AddToCart => "add_to_cart",
            EventKind::RemoveFromCart => "remove_from_cart",
            EventKind::Purchase => "purchase",
            EventKind::Return => "return",
            EventKind::Search => "search",
            EventKind::Dwell => "dwell",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether this kind is about one product (and so needs a product id).
    pub fn needs_product(self) -> bool {
        !matches!(self, EventKind::Search)
    }
}

/// Why a product was returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnReason {
    /// It was too small.
    TooSmall,
    /// It was too big.
    TooBig,
    /// Any other reason.
    Other,
}

crate::json::names!(ReturnReason { TooSmall => "too_small", TooBig => "too_big", Other => "other" });

/// An attribute value as a page may send it: text, a number or a flag. Stored as text.
///
/// Reads like `#[serde(untagged)]` would (same accepted JSON, same error), without buffering
/// the value first: a string, any number, or a boolean.
#[derive(Debug, Clone, PartialEq)]
pub enum RawAttributeValue {
    /// A string.
    Text(String),
    /// A number (written back as its shortest decimal form).
    Number(f64),
    /// A boolean.
    Flag(bool),
}

struct RawAttributeVisitor;

impl<'de> Visitor<'de> for RawAttributeVisitor {
    type Value = RawAttributeValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, a number or a boolean")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(RawAttributeValue::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(RawAttributeValue::Text(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(RawAttributeValue::Number(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(RawAttributeValue::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(RawAttributeValue::Number(v as f64))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(RawAttributeValue::Flag(v))
    }
}

impl<'de> Deserialize<'de> for RawAttributeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Anything else (null, arrays, objects) fails with the message `untagged` gives.
        deserializer
            .deserialize_any(RawAttributeVisitor)
            .map_err(|_: D::Error| {
                de::Error::custom(
                    "data did not match any variant of untagged enum RawAttributeValue",
                )
            })
    }
}

impl RawAttributeValue {
    fn into_text(self) -> String {
        match self {
            RawAttributeValue::Text(s) => s,
            // As `{}` writes it (`42`, `42.5`), via the wasm's one float formatter.
            RawAttributeValue::Number(n) => crate::text::Float(n).to_string(),
            RawAttributeValue::Flag(b) => b.to_string(),
        }
    }
}

/// An event exactly as the page sent it, before validation.
///
/// ```json
/// { "type": "add_to_cart", "productId": "p1", "attributes": { "colour": "Red" },
///   "price": 49.0, "timestamp": 1700000000000 }
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawEvent {
    /// The kind's wire name.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The product's id.
    pub product_id: Option<String>,
    /// The product's attributes.
    #[serde(default)]
    pub attributes: VecMap<String, RawAttributeValue>,
    /// The product's price.
    #[serde(default, deserialize_with = "crate::lenient::option_f64")]
    pub price: Option<f64>,
    /// For `return`: why.
    pub reason: Option<ReturnReason>,
    /// For `search`: the query text.
    pub query: Option<String>,
    /// For `dwell`: how long, in milliseconds.
    #[serde(default, deserialize_with = "crate::lenient::option_f64")]
    pub duration_ms: Option<f64>,
    /// When it happened, in ms since the Unix epoch; defaults to now.
    #[serde(default, deserialize_with = "crate::lenient::option_f64")]
    pub timestamp: Option<f64>,
}

/// Why an event was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EventError {
    /// The JSON does not have the event shape (wrong types, unknown fields).
    #[error("malformed event: {0}")]
    Malformed(String),
    /// A required field is absent.
    #[error("event is missing `{0}`")]
    MissingField(&'static str),
    /// The `type` is not one Vitrine knows.
    #[error("unknown event type `{0}`")]
    UnknownType(String),
    /// The product part is invalid.
    #[error(transparent)]
    Product(#[from] ProductError),
    /// The timestamp is not a finite, non-negative number.
    #[error("timestamp {} is not a valid time", crate::text::Float(*.0))]
    InvalidTimestamp(f64),
    /// The dwell duration is not a finite number of ms between 0 and an hour.
    #[error("durationMs {} is not between 0 and {}", crate::text::Float(*.0), crate::text::Float(MAX_DWELL_MS))]
    InvalidDuration(f64),
}

/// A validated event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The product (empty for `search`).
    pub product_id: String,
    /// The product's attributes.
    pub attributes: Attributes,
    /// The product's price.
    pub price: Option<f64>,
    /// For `return`.
    pub reason: Option<ReturnReason>,
    /// For `search`.
    pub query: Option<String>,
    /// For `dwell`.
    pub duration_ms: Option<f64>,
    /// When, in ms since the Unix epoch.
    pub at_ms: f64,
}

impl Event {
    /// Parses and validates an event from JSON text.
    pub fn from_json(json: &str, now_ms: f64) -> Result<Event, EventError> {
        let raw: RawEvent =
            crate::json::read_str(json).map_err(|e| EventError::Malformed(e.to_string()))?;
        Event::validate(raw, now_ms)
    }

    /// Validates a raw event. `now_ms` stands in for a missing timestamp.
    pub fn validate(raw: RawEvent, now_ms: f64) -> Result<Event, EventError> {
        let kind_name = raw.kind.ok_or(EventError::MissingField("type"))?;
        let kind = EventKind::parse(&kind_name).ok_or_else(|| {
            EventError::UnknownType(truncate(&kind_name, product::MAX_ID_LEN).to_owned())
        })?;
        let product_id = match (kind.needs_product(), raw.product_id) {
            (true, None) => return Err(EventError::MissingField("productId")),
            (_, id) => id.unwrap_or_default(),
        };
        // One check for both: a product kind's id (even empty), any other kind's when given.
        if kind.needs_product() || !product_id.is_empty() {
            product::validate_id(&product_id)?;
        }
        let attributes: Attributes = raw.attributes.map_values(RawAttributeValue::into_text);
        product::validate_attributes(&attributes)?;
        product::validate_price(raw.price)?;
        let at_ms = raw.timestamp.unwrap_or(now_ms);
        if !(at_ms.is_finite() && at_ms >= 0.0) {
            return Err(EventError::InvalidTimestamp(at_ms));
        }
        let query = match (kind, raw.query) {
            (EventKind::Search, None) => return Err(EventError::MissingField("query")),
            (_, Some(q)) if q.len() > MAX_QUERY_LEN => {
                return Err(ProductError::TooLong {
                    field: "query",
                    len: q.len(),
                    max: MAX_QUERY_LEN,
                }
                .into())
            }
            (_, q) => q,
        };
        let duration_ms = match (kind, raw.duration_ms) {
            (EventKind::Dwell, None) => return Err(EventError::MissingField("durationMs")),
            (_, Some(d)) if !(d.is_finite() && (0.0..=MAX_DWELL_MS).contains(&d)) => {
                return Err(EventError::InvalidDuration(d))
            }
            (_, d) => d,
        };
        let reason = match kind {
            EventKind::Return => Some(raw.reason.unwrap_or(ReturnReason::Other)),
            _ => raw.reason,
        };
        Ok(Event {
            kind,
            product_id,
            attributes,
            price: raw.price,
            reason,
            query,
            duration_ms,
            at_ms,
        })
    }
}

/// Cuts a string to at most `max` bytes on a char boundary (for error messages).
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_event() {
        let e = Event::from_json(
            r#"{"type":"purchase","productId":"p1","attributes":{"colour":"Red","size":38},"price":10.5,"timestamp":5}"#,
            99.0,
        )
        .unwrap();
        assert_eq!(e.kind, EventKind::Purchase);
        assert_eq!(e.attributes["size"], "38");
        assert_eq!(e.at_ms, 5.0);
    }

    #[test]
    fn typed_errors_for_bad_input() {
        let err = |j: &str| Event::from_json(j, 0.0).unwrap_err();
        assert_eq!(
            err(r#"{"productId":"p"}"#),
            EventError::MissingField("type")
        );
        assert_eq!(
            err(r#"{"type":"view"}"#),
            EventError::MissingField("productId")
        );
        assert!(
            matches!(err(r#"{"type":"teleport","productId":"p"}"#), EventError::UnknownType(t) if t == "teleport")
        );
        assert!(matches!(
            err(r#"{"type":"view","productId":"p","colour":"x"}"#),
            EventError::Malformed(_)
        ));
        assert!(matches!(
            err(r#"{"type":"search"}"#),
            EventError::MissingField("query")
        ));
        assert!(matches!(
            err(r#"{"type":"dwell","productId":"p","durationMs":-3}"#),
            EventError::InvalidDuration(_)
        ));
        assert!(matches!(
            err(r#"{"type":"view","productId":"p","timestamp":-1}"#),
            EventError::InvalidTimestamp(_)
        ));
    }

    #[test]
    fn product_ids_are_checked_once_for_every_kind() {
        let err = |j: &str| Event::from_json(j, 0.0).unwrap_err();
        let long = "x".repeat(product::MAX_ID_LEN + 1);
        // A product kind: an empty, blank or over-long id is refused.
        for id in ["", " ", long.as_str()] {
            let json = format!(r#"{{"type":"view","productId":"{id}"}}"#);
            let expected = product::validate_id(id).unwrap_err();
            assert_eq!(err(&json), EventError::Product(expected));
        }
        // A search: no id, or an empty one, is fine; a blank or over-long one is refused.
        for json in [
            r#"{"type":"search","query":"red"}"#,
            r#"{"type":"search","query":"red","productId":""}"#,
        ] {
            assert_eq!(Event::from_json(json, 0.0).unwrap().product_id, "");
        }
        for id in [" ", long.as_str()] {
            let json = format!(r#"{{"type":"search","query":"red","productId":"{id}"}}"#);
            let expected = product::validate_id(id).unwrap_err();
            assert_eq!(err(&json), EventError::Product(expected));
        }
        let ok = Event::from_json(r#"{"type":"search","query":"q","productId":"p9"}"#, 0.0);
        assert_eq!(ok.unwrap().product_id, "p9");
    }

    #[test]
    fn nan_price_is_rejected() {
        let raw = RawEvent {
            kind: Some("view".into()),
            product_id: Some("p".into()),
            price: Some(f64::NAN),
            ..RawEvent::default()
        };
        assert!(matches!(
            Event::validate(raw, 0.0),
            Err(EventError::Product(ProductError::InvalidPrice(_)))
        ));
    }
}
