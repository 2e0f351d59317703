//! The catalogue the reference server retrieves candidates from.
//!
//! Loaded from a JSON file in the documented shape (see `catalog/README.md`): the bundled demo
//! catalogue, or one exported from real data.

use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use vitrine::product::{self, Attributes};

/// One product as the retailer's catalogue holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Product {
    /// The retailer's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free-text description.
    #[serde(default)]
    pub description: String,
    /// Attributes (productType, colour, pattern, department, indexGroup, …).
    pub attributes: Attributes,
    /// Price in the catalogue's currency.
    pub price: f64,
    /// CSS colour for the swatch (no images in the data).
    #[serde(default)]
    pub swatch: Option<String>,
    /// Units sold in the last week: the server's popularity signal.
    #[serde(default)]
    pub weekly_sales: u32,
    /// Days since the product arrived (for "new arrivals").
    #[serde(default)]
    pub age_days: u32,
}

/// A catalogue file: a name and its products.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Catalog {
    /// Where it came from (shown in the UI).
    pub source: String,
    /// Currency label for prices.
    pub currency: String,
    /// The products.
    pub products: Vec<Product>,
}

/// Why a catalogue could not be loaded.
#[derive(Debug, Error)]
pub enum CatalogError {
    /// The file could not be read.
    #[error("cannot read catalogue {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a catalogue.
    #[error("catalogue {path} is malformed: {source}")]
    Malformed {
        /// The path.
        path: String,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A product breaks the SDK's input limits.
    #[error("catalogue product {id:?} is invalid: {source}")]
    InvalidProduct {
        /// The product id.
        id: String,
        /// What is wrong.
        source: product::ProductError,
    },
}

impl Catalog {
    /// Loads and validates a catalogue file.
    pub fn load(path: &Path) -> Result<Catalog, CatalogError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Io {
            path: shown.clone(),
            source,
        })?;
        let catalog: Catalog =
            serde_json::from_str(&text).map_err(|source| CatalogError::Malformed {
                path: shown,
                source,
            })?;
        for p in &catalog.products {
            let invalid = |source| CatalogError::InvalidProduct {
                id: p.id.clone(),
                source,
            };
            product::validate_id(&p.id).map_err(invalid)?;
            product::validate_attributes(&p.attributes).map_err(invalid)?;
            product::validate_price(Some(p.price)).map_err(invalid)?;
        }
        Ok(catalog)
    }
}
