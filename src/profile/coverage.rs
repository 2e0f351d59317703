//! Category coverage: which departments / types the shopper engaged with, how deeply, and
//! which known ones they never touched ("never push beauty to someone who never bought it").

use serde::{Deserialize, Serialize};

use super::config::ProfileConfig;
use crate::collections::{self, VecMap, VecSet};
use crate::event::{Event, EventKind};
use crate::product::Attributes;

/// Most values remembered per coverage attribute.
pub const MAX_COVERAGE_VALUES: usize = 64;

/// How deeply a value was engaged with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// Viewed, clicked or dwelt on.
    Browsed,
    /// Put in the cart.
    Carted,
    /// Bought.
    Purchased,
}

crate::json::names!(Depth { Browsed => "browsed", Carted => "carted", Purchased => "purchased" });

/// The deepest engagement with one value and when it last happened.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Engagement {
    /// Deepest engagement so far.
    pub depth: Depth,
    /// Latest engagement, ms.
    pub last_ms: f64,
}

/// attribute → value → engagement.
pub type Coverage = VecMap<String, VecMap<String, Engagement>>;

// Serde-free reader (the wasm build's; same documents, values and errors as the derive).
crate::json::struct_reader!(Engagement, "struct Engagement", allow_unknown,
    Engagement { depth: Depth::Browsed, last_ms: 0.0 },
    { depth: "depth" required, last_ms: "lastMs" required });

/// Records an event in the coverage map.
pub fn observe(coverage: &mut Coverage, event: &Event, config: &ProfileConfig) {
    let depth = match event.kind {
        EventKind::View | EventKind::Click | EventKind::Dwell => Depth::Browsed,
        EventKind::AddToCart => Depth::Carted,
        EventKind::Purchase => Depth::Purchased,
        EventKind::RemoveFromCart | EventKind::Return | EventKind::Search => return,
    };
    for name in &config.coverage_attributes {
        let Some(value) = event.attributes.get(name) else {
            continue;
        };
        let values = coverage.entry(name.clone()).or_default();
        let entry = values.entry(value.clone()).or_insert(Engagement {
            depth,
            last_ms: event.at_ms,
        });
        entry.depth = entry.depth.max(depth);
        entry.last_ms = entry.last_ms.max(event.at_ms);
        if values.len() > MAX_COVERAGE_VALUES {
            evict_one(values);
        }
    }
}

/// Drops the shallowest, then oldest, then lexicographically last value.
pub(crate) fn evict_one(values: &mut VecMap<String, Engagement>) {
    let victim = values
        .iter()
        .min_by(|a, b| {
            a.1.depth
                .cmp(&b.1.depth)
                .then(a.1.last_ms.total_cmp(&b.1.last_ms))
                .then(b.0.cmp(a.0))
        })
        .map(|(k, _)| k.clone());
    if let Some(key) = victim {
        values.remove(&key);
    }
}

/// Values known to exist per attribute: the configured vocabulary plus values observed at
/// run time (candidate lists, quiz banks).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary(pub VecMap<String, VecSet<String>>);

impl Vocabulary {
    /// Starts from the configured vocabulary of the coverage attributes.
    pub fn from_config(config: &ProfileConfig) -> Self {
        let mut vocab = Vocabulary::default();
        for (name, values) in &config.vocabulary {
            let known = vocab.0.entry(name.clone()).or_default();
            for v in values {
                known.insert(v.clone());
            }
        }
        vocab
    }

    /// Adds the coverage-attribute values of one product (sensitive ones are skipped).
    pub fn observe(&mut self, attributes: &Attributes, config: &ProfileConfig) {
        if config.is_sensitive(attributes) {
            return;
        }
        for name in &config.coverage_attributes {
            if let Some(v) = attributes.get(name) {
                self.0.entry(name.clone()).or_default().insert(v.clone());
            }
        }
    }
}

/// Coverage of one attribute against the known vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageReport {
    /// The attribute (e.g. `department`).
    pub attribute: String,
    /// Values engaged with, deepest first.
    pub engaged: Vec<(String, Depth)>,
    /// Known values never engaged with.
    pub never_engaged: Vec<String>,
    /// Known values engaged with but never bought.
    pub never_purchased: Vec<String>,
}

/// Builds the coverage report of every coverage attribute, leaving sensitive values out.
pub fn report(
    coverage: &Coverage,
    vocab: &Vocabulary,
    config: &ProfileConfig,
) -> Vec<CoverageReport> {
    let empty_map = VecMap::new();
    let empty_set = VecSet::new();
    let mut out = Vec::with_capacity(config.coverage_attributes.len());
    for name in &config.coverage_attributes {
        let seen = coverage.get(name).unwrap_or(&empty_map);
        let known = vocab.0.get(name).unwrap_or(&empty_set);
        let mut engaged: Vec<(String, Depth)> = Vec::new();
        for (v, e) in seen {
            if !config.is_sensitive_value(v) {
                engaged.push((v.clone(), e.depth));
            }
        }
        collections::sort_by(&mut engaged, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        let mut never_purchased = Vec::new();
        for (v, d) in &engaged {
            if *d < Depth::Purchased {
                never_purchased.push(v.clone());
            }
        }
        let mut never_engaged = Vec::new();
        for v in known.iter() {
            if !seen.contains_key(v) && !config.is_sensitive_value(v) {
                never_engaged.push(v.clone());
            }
        }
        out.push(CoverageReport {
            attribute: name.clone(),
            engaged,
            never_engaged,
            never_purchased,
        });
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn ev(kind: &str, dept: &str, at: f64) -> Event {
        let json = format!(
            r#"{{"type":"{kind}","productId":"p","attributes":{{"department":"{dept}"}},"timestamp":{at}}}"#
        );
        Event::from_json(&json, 0.0).unwrap()
    }

    #[test]
    fn reports_never_engaged_and_never_purchased() {
        let cfg = ProfileConfig {
            vocabulary: [(
                "department".to_owned(),
                vec!["Beauty".into(), "Shoes".into(), "Maternity".into()],
            )]
            .into(),
            ..ProfileConfig::default()
        };
        let mut cov = Coverage::new();
        observe(&mut cov, &ev("view", "Shoes", 1.0), &cfg);
        observe(&mut cov, &ev("purchase", "Jersey", 2.0), &cfg);
        observe(&mut cov, &ev("view", "Jersey", 3.0), &cfg);
        let mut vocab = Vocabulary::from_config(&cfg);
        vocab.observe(
            &[("department".to_owned(), "Denim".to_owned())].into(),
            &cfg,
        );
        let dept = report(&cov, &vocab, &cfg)
            .into_iter()
            .find(|r| r.attribute == "department")
            .unwrap();
        assert_eq!(
            dept.engaged,
            [
                ("Jersey".to_owned(), Depth::Purchased),
                ("Shoes".to_owned(), Depth::Browsed)
            ]
        );
        assert_eq!(dept.never_engaged, ["Beauty", "Denim"]);
        assert_eq!(dept.never_purchased, ["Shoes"]);
    }

    #[test]
    fn values_per_attribute_are_bounded() {
        let cfg = ProfileConfig::default();
        let mut cov = Coverage::new();
        observe(&mut cov, &ev("purchase", "Keep", 0.0), &cfg);
        for i in 0..200 {
            observe(
                &mut cov,
                &ev("view", &format!("d{i}"), 1.0 + i as f64),
                &cfg,
            );
        }
        assert_eq!(cov["department"].len(), MAX_COVERAGE_VALUES);
        assert!(cov["department"].contains_key("Keep"));
    }
}
