//! The shop the candidates API retrieves from: the catalogue, indexed for look-ups and text
//! search, plus the baskets (same customer, same day) that co-purchase neighbours come from.

use std::collections::HashMap;

use crate::catalog::{Catalog, Product};

/// The catalogue plus the indexes the API needs; read-only once built.
#[derive(Debug, Clone)]
pub struct Shop {
    /// Where the catalogue came from (shown in the UI).
    pub source: String,
    /// Currency label for prices.
    pub currency: String,
    /// The products, in catalogue order.
    pub products: Vec<Product>,
    /// Product index by id.
    index: HashMap<String, usize>,
    /// Lower-cased name, description and attribute values per product (for search).
    haystacks: Vec<String>,
    /// Baskets as product indexes (each deduplicated).
    baskets: Vec<Vec<u32>>,
    /// Per product, the baskets it is in.
    item_baskets: Vec<Vec<u32>>,
}

impl Shop {
    /// Indexes a catalogue. `baskets` lists product ids bought together (unknown ids and
    /// repeats within a basket are ignored; baskets of fewer than two products are dropped).
    pub fn new(catalog: Catalog, baskets: Vec<Vec<String>>) -> Shop {
        let mut index = HashMap::with_capacity(catalog.products.len());
        for (i, p) in catalog.products.iter().enumerate() {
            index.entry(p.id.clone()).or_insert(i);
        }
        let haystacks = catalog
            .products
            .iter()
            .map(|p| {
                let mut text = format!("{} {}", p.name, p.description);
                for value in p.attributes.values() {
                    text.push(' ');
                    text.push_str(value);
                }
                text.to_lowercase()
            })
            .collect();
        let mut shop = Shop {
            source: catalog.source,
            currency: catalog.currency,
            item_baskets: vec![Vec::new(); catalog.products.len()],
            products: catalog.products,
            index,
            haystacks,
            baskets: Vec::new(),
        };
        for basket in baskets {
            let mut items: Vec<u32> = basket
                .iter()
                .filter_map(|id| shop.index.get(id).map(|&i| i as u32))
                .collect();
            items.sort_unstable();
            items.dedup();
            if items.len() < 2 {
                continue;
            }
            let b = shop.baskets.len() as u32;
            for &i in &items {
                shop.item_baskets[i as usize].push(b);
            }
            shop.baskets.push(items);
        }
        shop
    }

    /// Finds a product by id.
    pub fn get(&self, id: &str) -> Option<&Product> {
        self.index.get(id).map(|&i| &self.products[i])
    }

    /// Position of a product in [`Shop::products`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Number of baskets with at least two products.
    pub fn basket_count(&self) -> usize {
        self.baskets.len()
    }

    /// Whether every term occurs in the product's name, description or attribute values.
    /// `terms` must be lower-case.
    pub fn matches(&self, product: usize, terms: &[String]) -> bool {
        self.haystacks
            .get(product)
            .is_some_and(|text| terms.iter().all(|t| text.contains(t.as_str())))
    }

    /// Products bought in the same basket as `product`, with the number of shared baskets,
    /// most shared first (ties: more weekly sales, then id).
    pub fn co_purchased(&self, product: usize) -> Vec<(usize, u32)> {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for &b in self
            .item_baskets
            .get(product)
            .map_or(&[][..], Vec::as_slice)
        {
            for &other in &self.baskets[b as usize] {
                if other as usize != product {
                    *counts.entry(other).or_default() += 1;
                }
            }
        }
        let mut out: Vec<(usize, u32)> = counts.into_iter().map(|(i, n)| (i as usize, n)).collect();
        out.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| {
                    self.products[b.0]
                        .weekly_sales
                        .cmp(&self.products[a.0].weekly_sales)
                })
                .then_with(|| self.products[a.0].id.cmp(&self.products[b.0].id))
        });
        out
    }
}
