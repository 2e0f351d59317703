//! The retailer-side candidates API: for a page context, a list of products in the server's
//! own order, with a server score. It never sees the shopper's profile.

use serde::{Deserialize, Serialize};
use vitrine::product::Attributes;

use crate::catalog::{Catalog, Product};

/// Most candidates one request may ask for.
pub const MAX_LIMIT: usize = 500;

/// The page a list is for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", tag = "context")]
pub enum Context {
    /// The home page: best sellers overall.
    Home,
    /// A category page: best sellers with `attribute = value`.
    Category {
        /// Attribute name, e.g. `indexGroup`.
        attribute: String,
        /// Value, e.g. `Menswear`.
        value: String,
    },
    /// New arrivals.
    New,
    /// Search results for a query over names, descriptions and attribute values.
    Search {
        /// The query.
        q: String,
    },
}

/// One candidate in the SDK's documented candidate shape, plus display fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateOut {
    /// Product id.
    pub id: String,
    /// 0-based rank in the server's order.
    pub server_rank: u32,
    /// The server's score (higher is better).
    pub server_score: f64,
    /// Attributes.
    pub attributes: Attributes,
    /// Price.
    pub price: f64,
    /// Display name (ignored by the SDK).
    pub name: String,
    /// Swatch colour (ignored by the SDK).
    pub swatch: Option<String>,
}

fn matches_query(p: &Product, terms: &[String]) -> bool {
    let haystack = format!(
        "{} {} {}",
        p.name,
        p.description,
        p.attributes.values().cloned().collect::<Vec<_>>().join(" ")
    )
    .to_lowercase();
    terms.iter().all(|t| haystack.contains(t.as_str()))
}

/// Retrieves and orders candidates for a context.
pub fn retrieve(catalog: &Catalog, context: &Context, limit: usize) -> Vec<CandidateOut> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let mut picked: Vec<(&Product, f64)> = match context {
        Context::Home => catalog
            .products
            .iter()
            .map(|p| (p, f64::from(p.weekly_sales)))
            .collect(),
        Context::Category { attribute, value } => catalog
            .products
            .iter()
            .filter(|p| p.attributes.get(attribute) == Some(value))
            .map(|p| (p, f64::from(p.weekly_sales)))
            .collect(),
        Context::New => catalog
            .products
            .iter()
            .map(|p| (p, 1.0 / (1.0 + f64::from(p.age_days))))
            .collect(),
        Context::Search { q } => {
            let terms: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
            catalog
                .products
                .iter()
                .filter(|p| !terms.is_empty() && matches_query(p, &terms))
                .map(|p| (p, f64::from(p.weekly_sales)))
                .collect()
        }
    };
    picked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    let top = picked
        .first()
        .map_or(1.0, |(_, s)| s.max(f64::MIN_POSITIVE));
    picked
        .into_iter()
        .take(limit)
        .enumerate()
        .map(|(rank, (p, score))| CandidateOut {
            id: p.id.clone(),
            server_rank: rank as u32,
            server_score: score / top,
            attributes: p.attributes.clone(),
            price: p.price,
            name: p.name.clone(),
            swatch: p.swatch.clone(),
        })
        .collect()
}
