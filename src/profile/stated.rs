//! Stated (zero-party) preferences: what the shopper told us in the style quiz.
//!
//! They are not stored in the profile document: the quiz keeps its own document (own key,
//! own TTL, editable), and the engine installs the quiz's preferences here after loading it
//! and after every edit. The profile's read methods ([`super::Profile::affinity`],
//! [`super::Profile::attribute_mass`], [`super::Profile::strength`]) add them to the learned
//! affinities, scaled by [`super::ProfileConfig::quiz_weight`], so every ranker sees them.

use super::config::ProfileConfig;
use super::{Profile, PRICE_BAND};
use crate::collections::VecMap;

/// attribute → value → stated weight in [−1, 1].
pub type Stated = VecMap<String, VecMap<String, f64>>;

impl Profile {
    /// Replaces the stated preferences with `(attribute, value, weight in [−1, 1])` triples.
    /// Sensitive values, untracked attributes and non-finite weights are left out; weights are
    /// clamped to [−1, 1]. Returns how many were installed.
    pub fn set_stated_preferences<I>(&mut self, preferences: I, config: &ProfileConfig) -> usize
    where
        I: IntoIterator<Item = (String, String, f64)>,
    {
        self.stated.clear();
        let mut installed = 0;
        for (attribute, value, weight) in preferences {
            let tracked = attribute == PRICE_BAND || config.tracked().any(|a| a == attribute);
            if !tracked || !weight.is_finite() || weight == 0.0 || config.is_sensitive_value(&value)
            {
                continue;
            }
            self.stated
                .entry(attribute)
                .or_default()
                .insert(value, weight.clamp(-1.0, 1.0));
            installed += 1;
        }
        installed
    }

    /// The stated preferences currently installed.
    pub fn stated_preferences(&self) -> &Stated {
        &self.stated
    }

    /// The stated weight of one value, scaled to event-weight units (0 when none).
    pub(crate) fn stated_affinity(
        &self,
        attribute: &str,
        value: &str,
        config: &ProfileConfig,
    ) -> f64 {
        self.stated
            .get(attribute)
            .and_then(|v| v.get(value))
            .map_or(0.0, |w| w * config.quiz_weight)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::product::Candidate;
    use crate::rank::{affinity, prepare};

    fn cand(id: &str, colour: &str) -> Candidate {
        Candidate {
            id: id.into(),
            server_rank: None,
            server_score: None,
            attributes: [("colour".to_owned(), colour.to_owned())].into(),
            price: None,
            embedding: None,
            in_stock: None,
        }
    }

    #[test]
    fn stated_preferences_move_the_ranking_and_filter_bad_entries() {
        let cfg = ProfileConfig {
            quiz_weight: 20.0,
            ..ProfileConfig::default()
        };
        let mut p = Profile::default();
        assert!(p.is_empty());
        let n = p.set_stated_preferences(
            [
                ("colour".to_owned(), "Blue".to_owned(), 0.9),
                ("colour".to_owned(), "Red".to_owned(), -2.0),
                ("colour".to_owned(), "Maternity blue".to_owned(), 1.0),
                ("secret".to_owned(), "x".to_owned(), 1.0),
                ("colour".to_owned(), "Green".to_owned(), f64::NAN),
            ],
            &cfg,
        );
        assert_eq!(n, 2);
        assert!(!p.is_empty());
        assert_eq!(p.affinity("colour", "Red", 0.0, &cfg), -cfg.quiz_weight);
        let list = vec![cand("r", "Red"), cand("g", "Green"), cand("b", "Blue")];
        let (prepared, _) = prepare(list).unwrap();
        let ranked = affinity::rank(&prepared, &p, &cfg, 0.0);
        assert_eq!(&*ranked[0].id, "b");
        assert_eq!(&*ranked[2].id, "r");
        p.set_stated_preferences(Vec::new(), &cfg);
        assert!(p.is_empty());
    }
}
