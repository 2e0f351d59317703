//! What the browser knows about the shopper, gathered for the model: decayed attribute
//! affinities (history), quiz answers (zero-party), the current session, engaged items and
//! groups, a typical price, and the context.
//!
//! [`ShopperSignals::build`] is the one place these are read out of the profile and the item
//! memory, in the browser and in the trainer alike.

use serde::{Deserialize, Serialize};

use super::memory::{ItemMemory, SessionItem};
use super::Context;
use crate::collections::VecMap;
use crate::profile::{Profile, ProfileConfig};

const MS_PER_DAY: f64 = 86_400_000.0;
/// Most quiz answers used.
pub const MAX_QUIZ_ANSWERS: usize = 256;
/// Most guarded terms honoured.
pub const MAX_GUARDED: usize = 64;

/// An attribute value with a signed weight (positive = liked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeightedValue {
    /// The attribute, e.g. `pattern`.
    pub attribute: String,
    /// The value, e.g. `Stripe`.
    pub value: String,
    /// The weight; non-finite weights are ignored.
    pub weight: f64,
}

/// Engagement with one item or product group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Engagement {
    /// Decayed engagement weight (negative after returns).
    pub weight: f64,
    /// Days since the last engagement.
    pub days_since: f64,
}

/// Everything the model reads about the shopper, at one instant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShopperSignals {
    /// Decayed attribute affinities from behaviour.
    pub history: Vec<WeightedValue>,
    /// Quiz answers: likes positive, dislikes negative.
    pub quiz: Vec<WeightedValue>,
    /// The current session's items, oldest first.
    pub session: Vec<SessionItem>,
    /// Engaged product ids.
    pub items: VecMap<String, Engagement>,
    /// Engaged product groups.
    pub groups: VecMap<String, Engagement>,
    /// The shopper's typical price, if known.
    pub typical_price: Option<f64>,
    /// How much the profile knows (see [`Profile::strength`]).
    pub strength: f64,
    /// Events learned from.
    pub event_count: u64,
    /// The shopping context.
    pub context: Context,
    /// Lower-case terms that must never appear in an explanation (sensitive values such as
    /// `maternity`); a value containing one is never named.
    pub guarded: Vec<String>,
}

impl ShopperSignals {
    /// Reads the signals out of the profile and the item memory at `now_ms`.
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    pub fn build(
        profile: &Profile,
        memory: &ItemMemory,
        config: &ProfileConfig,
        quiz: Vec<WeightedValue>,
        context: Context,
        now_ms: f64,
    ) -> ShopperSignals {
        let half_life = config.half_life_ms();
        let mut history = Vec::new();
        for (attribute, values) in profile.affinities.iter() {
            for (value, d) in values.iter() {
                let weight = d.value_at(now_ms, half_life);
                if weight.is_finite() && weight != 0.0 {
                    history.push(WeightedValue {
                        attribute: attribute.clone(),
                        value: value.clone(),
                        weight,
                    });
                }
            }
        }
        let mut kept_quiz = Vec::new();
        for answer in quiz {
            if kept_quiz.len() == MAX_QUIZ_ANSWERS {
                break;
            }
            if answer.weight.is_finite() && answer.weight != 0.0 {
                kept_quiz.push(answer);
            }
        }
        ShopperSignals {
            history,
            quiz: kept_quiz,
            session: memory.session.clone(),
            items: decayed(&memory.items, now_ms, half_life),
            groups: decayed(&memory.groups, now_ms, half_life),
            typical_price: memory.typical_price(),
            strength: profile.strength(now_ms, config),
            event_count: profile.event_count,
            context,
            guarded: Vec::new(),
        }
    }

    /// Sets the guarded terms (lower-cased, at most [`MAX_GUARDED`]).
    pub fn with_guarded<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, terms: I) -> Self {
        let mut guarded = Vec::new();
        for term in terms {
            if guarded.len() == MAX_GUARDED {
                break;
            }
            let term = crate::text::lowercase(term.as_ref()).into_owned();
            if !term.is_empty() {
                guarded.push(term);
            }
        }
        self.guarded = guarded;
        self
    }

    /// Whether there is nothing personal to rank with (the context alone does not count).
    pub fn is_empty(&self) -> bool {
        self.history.is_empty()
            && self.quiz.is_empty()
            && self.session.is_empty()
            && self.items.is_empty()
            && self.groups.is_empty()
    }

    /// Whether a value must never be named in an explanation.
    pub fn is_guarded(&self, value: &str) -> bool {
        if self.guarded.is_empty() {
            return false;
        }
        let lower = crate::text::lowercase(value);
        self.guarded
            .iter()
            .any(|term| crate::text::contains(&lower, term))
    }
}

/// The engagements of a decayed map at `now_ms` (zero, non-finite and undated ones left out).
fn decayed(
    map: &VecMap<String, crate::profile::affinity::Decayed>,
    now_ms: f64,
    half_life: f64,
) -> VecMap<String, Engagement> {
    let mut kept = Vec::with_capacity(map.len());
    for (k, d) in map.iter() {
        let engagement = Engagement {
            weight: d.value_at(now_ms, half_life),
            days_since: ((now_ms - d.1) / MS_PER_DAY).max(0.0),
        };
        if engagement.weight.is_finite()
            && engagement.weight != 0.0
            && engagement.days_since.is_finite()
        {
            kept.push((k.clone(), engagement));
        }
    }
    VecMap::from_pairs(kept)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::event::Event;

    #[test]
    fn builds_from_profile_and_memory() {
        let config = ProfileConfig::default();
        let mut profile = Profile::default();
        let mut memory = ItemMemory::default();
        let e = Event::from_json(
            r#"{"type":"purchase","productId":"p","attributes":{"colour":"Red","productCode":"g"},"price":30,"timestamp":0}"#,
            0.0,
        )
        .unwrap();
        profile.apply(&e, &config);
        memory.observe(&e, Some("productCode"), config.half_life_ms());
        let s = ShopperSignals::build(&profile, &memory, &config, vec![], Context::new(), 0.0);
        assert!(s
            .history
            .iter()
            .any(|w| w.attribute == "colour" && w.value == "Red" && w.weight == 8.0));
        assert!(s
            .history
            .iter()
            .any(|w| w.attribute == "priceBand" && w.value == "mid"));
        assert_eq!(
            s.items.get("p"),
            Some(&Engagement {
                weight: 8.0,
                days_since: 0.0
            })
        );
        assert_eq!(s.groups.get("g").map(|e| e.weight), Some(8.0));
        let later = ShopperSignals::build(
            &profile,
            &memory,
            &config,
            vec![],
            Context::new(),
            7.0 * MS_PER_DAY,
        );
        assert!((later.items["p"].days_since - 7.0).abs() < 1e-9);
        assert!((s.typical_price.unwrap() - 30.0).abs() < 1e-9);
        assert!(!s.is_empty());
        assert!(ShopperSignals::default().is_empty());
    }

    #[test]
    fn guarded_terms_match_case_insensitively() {
        let s = ShopperSignals::default().with_guarded(["Maternity", ""]);
        assert!(s.is_guarded("Ladies maternity wear"));
        assert!(!s.is_guarded("Dress"));
        assert_eq!(s.guarded, ["maternity"]);
    }
}
