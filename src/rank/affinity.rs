//! The affinity ranker: the cold-start ranker and the fallback when no model is loaded.
//!
//! `score = (1 − α) · server + α · personal`, where
//! - `server = 1 − position/n` is the server's order as a score in (0, 1];
//! - `personal` is the mean, over the attributes the profile knows, of the candidate's value's
//!   affinity scaled by the attribute's strongest affinity (the favourite value scores 1, a
//!   disliked one below 0), *centred* on the list's mean for that attribute. Values every
//!   candidate shares ("Solid", the page's department) carry no signal, so they do not drown
//!   the ones that do, and dislikes push down without diluting likes;
//! - `α = strength / (strength + K)`, capped at [`MAX_ALPHA`], grows with the evidence in
//!   the profile, so a near-empty profile barely moves the server's order and an empty one
//!   leaves it unchanged.

use super::{finalize, Prepared, RankedItem, Reason};
use crate::profile::{Profile, ProfileConfig, PRICE_BAND};

/// Evidence at which personalisation and the server's order weigh the same.
pub const HALF_TRUST_STRENGTH: f64 = 4.0;
/// The server's order always keeps at least `1 − MAX_ALPHA` of the weight.
pub const MAX_ALPHA: f64 = 0.85;

/// How much the profile is trusted against the server's order, in [0, MAX_ALPHA].
pub fn blend_weight(profile: &Profile, config: &ProfileConfig, now_ms: f64) -> f64 {
    let strength = profile.strength(now_ms, config);
    (strength / (strength + HALF_TRUST_STRENGTH)).min(MAX_ALPHA)
}

/// Re-ranks prepared candidates by profile affinity blended with the server's order.
pub fn rank(
    prepared: &[Prepared],
    profile: &Profile,
    config: &ProfileConfig,
    now_ms: f64,
) -> Vec<RankedItem> {
    let alpha = blend_weight(profile, config, now_ms);
    let mut scales: Vec<(&str, f64)> = Vec::with_capacity(config.attributes.len() + 1);
    // The configured attributes, then the price band.
    for k in 0..=config.attributes.len() {
        let attr = config.attributes.get(k).map_or(PRICE_BAND, String::as_str);
        let scale = profile.attribute_scale(attr, now_ms, config);
        if scale > 0.0 {
            scales.push((attr, scale));
        }
    }
    let known = scales.len().max(1) as f64;
    let n = prepared.len().max(1) as f64;
    let value_of = |p: &Prepared, attr: &str| -> Option<String> {
        if attr == PRICE_BAND {
            p.candidate
                .price
                .map(|price| config.price_band(price).to_owned())
        } else {
            p.candidate.attributes.get(attr).cloned()
        }
    };
    // Each candidate's scaled affinity per known attribute (0 when it lacks the attribute).
    let mut scaled: Vec<Vec<(f64, Option<String>)>> = Vec::with_capacity(prepared.len());
    for p in prepared {
        let mut row = Vec::with_capacity(scales.len());
        for (attr, scale) in &scales {
            row.push(match value_of(p, attr) {
                Some(v) => (profile.affinity(attr, &v, now_ms, config) / scale, Some(v)),
                None => (0.0, None),
            });
        }
        scaled.push(row);
    }
    let means: Vec<f64> = (0..scales.len())
        .map(|j| scaled.iter().map(|row| row[j].0).sum::<f64>() / n)
        .collect();
    let mut items = Vec::with_capacity(prepared.len());
    for (p, row) in prepared.iter().zip(scaled) {
        let mut personal = 0.0;
        let mut best: Option<(f64, &str, String)> = None;
        for (j, (score, value)) in row.into_iter().enumerate() {
            let lift = score - means[j];
            personal += lift;
            if let Some(value) = value {
                if score > 0.0 && lift > best.as_ref().map_or(0.0, |b| b.0) {
                    best = Some((lift, scales[j].0, value));
                }
            }
        }
        let server = 1.0 - p.server_position as f64 / n;
        items.push(RankedItem {
            id: p.id.clone(),
            score: (1.0 - alpha) * server + alpha * personal / known,
            position: p.server_position,
            server_position: p.server_position,
            reason: best
                .filter(|_| alpha > 0.0)
                .map(|(_, attr, value)| explain(attr, value)),
        });
    }
    finalize(items)
}

fn explain(attribute: &str, value: String) -> Reason {
    let text = if attribute == PRICE_BAND {
        "In your usual price range".to_owned()
    } else {
        format!("Because you liked {value}")
    };
    Reason {
        attribute: attribute.to_owned(),
        value,
        text,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::event::Event;
    use crate::product::Candidate;
    use crate::rank::prepare;

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
    fn empty_profile_keeps_server_order() {
        let (prepared, _) = prepare(vec![cand("a", "Red"), cand("b", "Blue")]).unwrap();
        let items = rank(
            &prepared,
            &Profile::default(),
            &ProfileConfig::default(),
            0.0,
        );
        assert_eq!(items.iter().map(|i| &*i.id).collect::<Vec<_>>(), ["a", "b"]);
        assert!(items.iter().all(|i| i.reason.is_none()));
    }

    #[test]
    fn liked_colour_rises_with_a_reason() {
        let cfg = ProfileConfig::default();
        let mut profile = Profile::default();
        for _ in 0..3 {
            let e = Event::from_json(
                r#"{"type":"add_to_cart","productId":"x","attributes":{"colour":"Blue"}}"#,
                0.0,
            )
            .unwrap();
            profile.apply(&e, &cfg);
        }
        let list: Vec<_> = (0..10)
            .map(|i| cand(&format!("r{i}"), "Red"))
            .chain([cand("blue", "Blue")])
            .collect();
        let (prepared, _) = prepare(list).unwrap();
        let items = rank(&prepared, &profile, &cfg, 0.0);
        assert_eq!(&*items[0].id, "blue");
        assert_eq!(items[0].reason.as_ref().unwrap().value, "Blue");
        assert_eq!(items[0].server_position, 10);
    }
}
