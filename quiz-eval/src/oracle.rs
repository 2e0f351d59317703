//! The simulated shopper: answers derived from purchases before the target week only.

use std::collections::{HashMap, HashSet};

use vitrine::quiz::{Answer, BankProduct};

use crate::data::{Article, Data};

/// Like when the product's mean log-likelihood ratio is at least this (its values are, on
/// average, at least as typical of the shopper as of everyone).
pub const LIKE_AT: f64 = 0.0;
/// Dislike when it is at most this (values about e times less typical of the shopper), or
/// when the index group was never bought.
pub const DISLIKE_AT: f64 = -1.0;
/// Pseudo-purchases of the population mix added to a shopper's history (smoothing).
pub const SMOOTHING: f64 = 5.0;

/// Share of purchases per (attribute, value) among everyone's purchases before a day.
pub type Population = HashMap<(String, String), f64>;

/// The population's attribute-value shares over `purchases`.
pub fn population(data: &Data, before: i32) -> Population {
    let mut counts: Population = HashMap::new();
    let mut n = 0.0_f64;
    for p in data.purchases.iter().take_while(|p| p.day < before) {
        n += 1.0;
        for (a, v) in &data.articles[p.article as usize].attributes {
            *counts.entry((a.clone(), v.clone())).or_default() += 1.0;
        }
    }
    counts.values_mut().for_each(|c| *c /= n.max(1.0));
    counts
}

/// A simulated shopper, built from purchases before the target week only.
pub struct Oracle<'p> {
    counts: HashMap<(String, String), f64>,
    n: f64,
    population: &'p Population,
    groups: HashSet<String>,
}

impl<'p> Oracle<'p> {
    /// Builds the shopper from past purchases only.
    pub fn from_history(history: &[&Article], population: &'p Population) -> Oracle<'p> {
        let mut counts = HashMap::new();
        for a in history {
            for (name, value) in &a.attributes {
                *counts.entry((name.clone(), value.clone())).or_default() += 1.0;
            }
        }
        let groups = history
            .iter()
            .filter_map(|a| a.attributes.get("indexGroup").cloned())
            .collect();
        Oracle {
            counts,
            n: history.len() as f64,
            population,
            groups,
        }
    }

    /// How much more typical a value is of this shopper than of shoppers in general:
    /// `ln(p_shopper / p_population)`, with the shopper's share smoothed towards the
    /// population's by [`SMOOTHING`] pseudo-purchases.
    pub fn log_ratio(&self, attribute: &str, value: &str) -> f64 {
        let key = (attribute.to_owned(), value.to_owned());
        let pop = self.population.get(&key).copied().unwrap_or(0.0).max(1e-4);
        let own = (self.counts.get(&key).copied().unwrap_or(0.0) + SMOOTHING * pop)
            / (self.n + SMOOTHING);
        (own / pop).ln()
    }

    /// Dislike a product from an index group never bought from. Otherwise take the mean
    /// log-likelihood ratio of its other attribute values (naive Bayes: is this product more
    /// typical of the shopper's past purchases than of everyone's?): like at ≥ [`LIKE_AT`]
    /// (it matches strongly), dislike at ≤ [`DISLIKE_AT`] (it contradicts them), skip in
    /// between.
    pub fn answer(&self, product: &BankProduct) -> Answer {
        if product
            .attributes
            .get("indexGroup")
            .is_some_and(|g| !self.groups.contains(g))
        {
            return Answer::Dislike;
        }
        let scores: Vec<f64> = product
            .attributes
            .iter()
            .filter(|(n, _)| n.as_str() != "indexGroup")
            .map(|(n, v)| self.log_ratio(n, v))
            .collect();
        let mean = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
        if mean >= LIKE_AT {
            Answer::Like
        } else if mean <= DISLIKE_AT {
            Answer::Dislike
        } else {
            Answer::Skip
        }
    }

    /// Index groups the shopper bought from.
    pub fn groups(&self) -> &HashSet<String> {
        &self.groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(group: &str, colour: &str, kind: &str) -> vitrine::product::Attributes {
        [
            ("indexGroup", group),
            ("colour", colour),
            ("productType", kind),
        ]
        .iter()
        .map(|(a, v)| ((*a).into(), (*v).into()))
        .collect()
    }

    fn article(id: &str, colour: &str, kind: &str) -> Article {
        Article {
            id: id.into(),
            name: id.into(),
            attributes: attrs("Ladieswear", colour, kind),
        }
    }

    #[test]
    fn the_oracle_follows_past_purchases_relative_to_everyone() {
        let past: Vec<Article> = (0..12)
            .map(|i| {
                if i < 9 {
                    article("a", "Black", "Dress")
                } else {
                    article("b", "White", "Top")
                }
            })
            .collect();
        let refs: Vec<&Article> = past.iter().collect();
        let mut pop = Population::new();
        for (a, v, share) in [
            ("colour", "Black", 0.3),
            ("colour", "White", 0.2),
            ("colour", "Red", 0.1),
            ("productType", "Dress", 0.1),
            ("productType", "Top", 0.3),
            ("productType", "Skirt", 0.1),
            ("indexGroup", "Ladieswear", 0.6),
        ] {
            pop.insert((a.into(), v.into()), share);
        }
        let oracle = Oracle::from_history(&refs, &pop);
        let product = |group: &str, colour: &str, kind: &str| BankProduct {
            id: "x".into(),
            name: None,
            attributes: attrs(group, colour, kind),
            price: None,
            image: None,
        };
        assert!(oracle.log_ratio("productType", "Dress") > oracle.log_ratio("colour", "Black"));
        let answer = |g: &str, c: &str, k: &str| oracle.answer(&product(g, c, k));
        assert_eq!(answer("Ladieswear", "Black", "Dress"), Answer::Like);
        assert_eq!(answer("Ladieswear", "White", "Top"), Answer::Like);
        assert_eq!(answer("Ladieswear", "White", "Skirt"), Answer::Skip);
        assert_eq!(answer("Ladieswear", "Red", "Skirt"), Answer::Dislike);
        assert_eq!(answer("Menswear", "Black", "Dress"), Answer::Dislike);
    }
}
