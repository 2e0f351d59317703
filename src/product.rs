//! Product attributes and the candidate JSON shape the retailer's server supplies.
//!
//! Attribute names are the retailer's own (`productType`, `colour`, …); Vitrine never assumes
//! H&M column names. Every string that crosses the boundary is length-checked here so a 10 MB
//! string cannot bloat the profile.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::collections::VecMap;

/// Attribute name → value, as the retailer sends them. Sorted, so serialisation is stable.
pub type Attributes = VecMap<String, String>;

/// Longest product id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;
/// Longest attribute name accepted, in bytes.
pub const MAX_ATTRIBUTE_NAME_LEN: usize = 64;
/// Longest attribute value accepted, in bytes.
pub const MAX_ATTRIBUTE_VALUE_LEN: usize = 128;
/// Most attributes accepted on one product.
pub const MAX_ATTRIBUTES: usize = 32;
/// Highest price accepted (in the retailer's currency unit); above is treated as bad input.
pub const MAX_PRICE: f64 = 1.0e7;

/// Why a product reference (in an event or a candidate) was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProductError {
    /// The product id is missing or empty.
    #[error("product id is missing or empty")]
    MissingId,
    /// A string is longer than its limit.
    #[error("{field} is {len} bytes long; the limit is {max}")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// More attributes than [`MAX_ATTRIBUTES`].
    #[error("{count} attributes given; the limit is {max}")]
    TooManyAttributes {
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An attribute name is empty.
    #[error("an attribute name is empty")]
    EmptyAttributeName,
    /// The price is NaN, infinite, negative or absurdly large.
    #[error("price {} is not a finite amount between 0 and {}", crate::text::Float(*.0), crate::text::Float(MAX_PRICE))]
    InvalidPrice(f64),
}

/// Checks an id against the limits.
pub fn validate_id(id: &str) -> Result<(), ProductError> {
    if id.trim().is_empty() {
        return Err(ProductError::MissingId);
    }
    check_len("productId", id, MAX_ID_LEN)
}

/// Checks a set of attributes against the limits.
pub fn validate_attributes(attributes: &Attributes) -> Result<(), ProductError> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(ProductError::TooManyAttributes {
            count: attributes.len(),
            max: MAX_ATTRIBUTES,
        });
    }
    for (name, value) in attributes {
        if name.is_empty() {
            return Err(ProductError::EmptyAttributeName);
        }
        check_len("attribute name", name, MAX_ATTRIBUTE_NAME_LEN)?;
        check_len("attribute value", value, MAX_ATTRIBUTE_VALUE_LEN)?;
    }
    Ok(())
}

/// Checks an optional price: finite, non-negative, below [`MAX_PRICE`].
pub fn validate_price(price: Option<f64>) -> Result<(), ProductError> {
    match price {
        Some(p) if !(p.is_finite() && (0.0..=MAX_PRICE).contains(&p)) => {
            Err(ProductError::InvalidPrice(p))
        }
        _ => Ok(()),
    }
}

fn check_len(field: &'static str, s: &str, max: usize) -> Result<(), ProductError> {
    if s.len() > max {
        Err(ProductError::TooLong {
            field,
            len: s.len(),
            max,
        })
    } else {
        Ok(())
    }
}

/// One product the retailer's server proposes, in the server's order.
///
/// JSON shape (camelCase; only `id` is required):
///
/// ```json
/// { "id": "0108775015", "serverRank": 0, "serverScore": 0.93,
///   "attributes": { "productType": "Vest top", "colour": "Black" },
///   "price": 12.99, "embedding": [0.1, -0.3], "inStock": true }
/// ```
///
/// Unknown fields are ignored so later capabilities can extend the shape without breaking
/// older SDK versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// The retailer's product id.
    pub id: String,
    /// The server's rank (0 = first). When absent, the position in the list is used.
    #[serde(default)]
    pub server_rank: Option<u32>,
    /// The server's own relevance score, higher is better. Informational for the affinity ranker.
    #[serde(default, deserialize_with = "crate::lenient::option_f64")]
    pub server_score: Option<f64>,
    /// The product's attributes.
    #[serde(default)]
    pub attributes: Attributes,
    /// Price in the retailer's currency unit.
    #[serde(default, deserialize_with = "crate::lenient::option_f64")]
    pub price: Option<f64>,
    /// An optional item embedding (e.g. visual), used by the model ranker when present.
    #[serde(default, deserialize_with = "crate::lenient::option_vec_f32")]
    pub embedding: Option<Vec<f32>>,
    /// Whether the item can be bought now; `None` means unknown (treated as in stock).
    #[serde(default)]
    pub in_stock: Option<bool>,
}

// Serde-free reader (the wasm build's; same documents, values and errors as the derive).
crate::json::struct_reader!(Candidate, "struct Candidate", allow_unknown,
    Candidate {
        id: String::new(),
        server_rank: None,
        server_score: None,
        attributes: Attributes::new(),
        price: None,
        embedding: None,
        in_stock: None,
    },
    { id: "id" required, server_rank: "serverRank",
      server_score: "serverScore" => crate::json::lenient_f64, attributes: "attributes",
      price: "price" => crate::json::lenient_f64,
      embedding: "embedding" => crate::json::lenient_f32s, in_stock: "inStock" });

impl Candidate {
    /// Validates id, attributes and price; server score and embedding must be finite.
    pub fn validate(&self) -> Result<(), ProductError> {
        validate_id(&self.id)?;
        validate_attributes(&self.attributes)?;
        validate_price(self.price)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_prices() {
        for p in [f64::NAN, f64::INFINITY, -1.0, 1.0e9] {
            assert!(matches!(
                validate_price(Some(p)),
                Err(ProductError::InvalidPrice(_))
            ));
        }
        assert!(validate_price(Some(0.0)).is_ok());
        assert!(validate_price(None).is_ok());
    }

    #[test]
    fn rejects_oversize_strings() {
        let long = "x".repeat(MAX_ID_LEN + 1);
        assert!(matches!(
            validate_id(&long),
            Err(ProductError::TooLong { .. })
        ));
        let mut attrs = Attributes::new();
        attrs.insert("colour".into(), "y".repeat(MAX_ATTRIBUTE_VALUE_LEN + 1));
        assert!(validate_attributes(&attrs).is_err());
        assert_eq!(validate_id("  "), Err(ProductError::MissingId));
    }
}
