//! The retailer-side candidates API: for a page context, a list of products in the server's
//! own order, with a server score. It never sees the shopper's profile.

use serde::Serialize;
use thiserror::Error;
use vitrine::product::Attributes;

use crate::catalog::Product;
use crate::shop::Shop;

/// Most candidates one request may ask for.
pub const MAX_LIMIT: usize = 500;
/// Longest search query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most search terms used (the rest are ignored).
pub const MAX_TERMS: usize = 8;

/// The page a list is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// The home page: best sellers of the week, overall or within one index group.
    Home {
        /// Restrict to this `indexGroup` value.
        group: Option<String>,
    },
    /// A category page: best sellers with `attribute = value`.
    Category {
        /// Attribute name, e.g. `indexGroup`.
        attribute: String,
        /// Value, e.g. `Menswear`.
        value: String,
    },
    /// New arrivals: most recently first sold, then best sellers.
    New,
    /// A product page: products bought with it (same customer, same day), then best sellers
    /// of the same product type.
    Product {
        /// The product's id.
        id: String,
    },
    /// Search results for a query over names, descriptions and attribute values.
    Search {
        /// The query.
        q: String,
    },
}

/// Why a list could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CandidatesError {
    /// The product page names a product the catalogue does not have.
    #[error("no product with id {0:?}")]
    UnknownProduct(String),
    /// The search query is longer than [`MAX_QUERY_CHARS`].
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    QueryTooLong,
}

impl CandidatesError {
    /// The stable error code sent to clients.
    pub fn code(&self) -> &'static str {
        match self {
            CandidatesError::UnknownProduct(_) => "VITRINE_SERVER_UNKNOWN_PRODUCT",
            CandidatesError::QueryTooLong => "VITRINE_SERVER_QUERY_TOO_LONG",
        }
    }
}

/// One candidate in the SDK's documented candidate shape, plus display fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateOut {
    /// Product id.
    pub id: String,
    /// 0-based rank in the server's order.
    pub server_rank: u32,
    /// The server's score in (0, 1] (higher is better).
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

/// Splits a query into at most [`MAX_TERMS`] lower-case terms.
pub fn terms(q: &str) -> Result<Vec<String>, CandidatesError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(CandidatesError::QueryTooLong);
    }
    Ok(q.split_whitespace()
        .take(MAX_TERMS)
        .map(str::to_lowercase)
        .collect())
}

/// Best sellers among the products passing `keep`, as (index, units).
fn best_sellers(shop: &Shop, keep: impl Fn(usize, &Product) -> bool) -> Vec<(usize, f64)> {
    shop.products
        .iter()
        .enumerate()
        .filter(|(i, p)| keep(*i, p))
        .map(|(i, p)| (i, f64::from(p.weekly_sales)))
        .collect()
}

/// Retrieves and orders candidates for a context (at most `limit`, clamped to 1..=500).
pub fn retrieve(
    shop: &Shop,
    context: &Context,
    limit: usize,
) -> Result<Vec<CandidateOut>, CandidatesError> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let mut picked: Vec<(usize, f64)> = match context {
        Context::Home { group: None } => best_sellers(shop, |_, _| true),
        Context::Home { group: Some(g) } => {
            best_sellers(shop, |_, p| p.attributes.get("indexGroup") == Some(g))
        }
        Context::Category { attribute, value } => {
            best_sellers(shop, |_, p| p.attributes.get(attribute) == Some(value))
        }
        Context::New => {
            // Newest first, then more units; the score is the rank, so it keeps that order.
            let mut order: Vec<usize> = (0..shop.products.len()).collect();
            order.sort_by(|&a, &b| {
                let (pa, pb) = (&shop.products[a], &shop.products[b]);
                pa.age_days
                    .cmp(&pb.age_days)
                    .then_with(|| pb.weekly_sales.cmp(&pa.weekly_sales))
                    .then_with(|| pa.id.cmp(&pb.id))
            });
            let n = order.len() as f64;
            order
                .into_iter()
                .enumerate()
                .map(|(rank, i)| (i, (n - rank as f64) / n))
                .collect()
        }
        Context::Product { id } => {
            let at = shop
                .position(id)
                .ok_or_else(|| CandidatesError::UnknownProduct(id.chars().take(64).collect()))?;
            product_neighbours(shop, at, limit)
        }
        Context::Search { q } => {
            let terms = terms(q)?;
            if terms.is_empty() {
                Vec::new()
            } else {
                best_sellers(shop, |i, _| shop.matches(i, &terms))
            }
        }
    };
    // Stable order for equal scores: by id.
    picked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| shop.products[a.0].id.cmp(&shop.products[b.0].id))
    });
    picked.truncate(limit);
    let top = picked
        .first()
        .map_or(1.0, |(_, s)| s.max(f64::MIN_POSITIVE));
    let count = picked.len().max(1) as f64;
    Ok(picked
        .into_iter()
        .enumerate()
        .map(|(rank, (i, score))| {
            let p = &shop.products[i];
            // Products that never sold still get a positive, rank-decreasing score.
            let floor = (count - rank as f64) / count * 1e-3;
            CandidateOut {
                id: p.id.clone(),
                server_rank: rank as u32,
                server_score: (score / top).max(floor),
                attributes: p.attributes.clone(),
                price: p.price,
                name: p.name.clone(),
                swatch: p.swatch.clone(),
            }
        })
        .collect())
}

/// Co-purchase neighbours scored in (1, 2], then same-type best sellers in [0, 1].
fn product_neighbours(shop: &Shop, at: usize, limit: usize) -> Vec<(usize, f64)> {
    let mut out: Vec<(usize, f64)> = Vec::with_capacity(limit);
    let mut seen = std::collections::HashSet::from([at]);
    let co = shop.co_purchased(at);
    let most = co.first().map_or(1.0, |(_, n)| f64::from(*n));
    for (i, n) in co.into_iter().take(limit) {
        seen.insert(i);
        out.push((i, 1.0 + f64::from(n) / most));
    }
    if out.len() < limit {
        let kind = shop.products[at].attributes.get("productType");
        let mut same = best_sellers(shop, |i, p| {
            !seen.contains(&i) && kind.is_some() && p.attributes.get("productType") == kind
        });
        same.sort_by(|a, b| b.1.total_cmp(&a.1));
        let top = same.first().map_or(1.0, |(_, s)| s.max(1.0));
        out.extend(
            same.into_iter()
                .take(limit - out.len())
                .map(|(i, s)| (i, 0.5 * s / top)),
        );
    }
    out
}
