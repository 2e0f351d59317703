//! What the shopper stated in the quiz, honoured on top of the ranking model.
//!
//! The model learns from behaviour; in training, quiz answers are only a stand-in drawn from
//! purchase history, so a trained model may all but ignore real answers. Zero-party data is a
//! promise ("tell us what you like and we will show it"), so the engine adds the stated
//! preferences to the model's scores explicitly: each candidate gains
//! `STATED_LIFT_SD · σ · Σ stated(attribute, value)` over its attribute values, where `σ` is
//! the spread (standard deviation) of the model's scores in this call and a stated weight is in
//! [−1, 1]. A fully liked value therefore moves an item by two standard deviations of the
//! model's own scores, whatever their scale (from the median to about the top 2 % of a normal
//! spread); a dislike moves it down as much. Sensitive values never carry
//! a stated weight (`Profile::set_stated_preferences` leaves them out), and the affinity ranker
//! already counts stated preferences through `Profile::affinity`.

use crate::collections::sort_by;
use crate::profile::Stated;
use crate::rank::{Prepared, RankedItem, Reason};

/// How far a fully liked (or disliked) value moves an item, in standard deviations of the
/// model's scores.
pub const STATED_LIFT_SD: f64 = 2.0;

/// The explanation for an item the quiz lifted and nothing else explained.
pub const QUIZ_REASON: &str = "Matches your quiz";

/// Adds the stated-preference prior to model-ranked `items` and re-sorts them (stable: ties
/// keep the model's order). `prepared` is the list the items were ranked from.
pub fn honour_stated(items: &mut [RankedItem], prepared: &[Prepared], stated: &Stated) {
    if stated.is_empty() || items.len() < 2 {
        return;
    }
    let n = items.len() as f64;
    let mean = items.iter().map(|i| i.score).sum::<f64>() / n;
    let variance = items.iter().map(|i| (i.score - mean).powi(2)).sum::<f64>() / n;
    let spread = if variance.is_finite() && variance > 1e-12 {
        variance.sqrt()
    } else {
        1.0
    };
    // Items know their server position; `prepared` is indexed by it.
    let mut by_server: Vec<Option<&Prepared>> = vec![None; prepared.len()];
    for p in prepared {
        if let Some(slot) = by_server.get_mut(p.server_position) {
            *slot = Some(p);
        }
    }
    let mut changed = false;
    for item in items.iter_mut() {
        let Some(p) = by_server.get(item.server_position).copied().flatten() else {
            continue;
        };
        let mut lift = 0.0;
        let mut best: Option<(&str, &str, f64)> = None;
        for (attribute, value) in p.candidate.attributes.iter() {
            let Some(w) = stated.get(attribute).and_then(|values| values.get(value)) else {
                continue;
            };
            lift += w;
            if *w > 0.0 && best.map_or(true, |(_, _, b)| *w > b) {
                best = Some((attribute, value, *w));
            }
        }
        if lift == 0.0 {
            continue;
        }
        changed = true;
        item.score += STATED_LIFT_SD * spread * lift;
        if let (Some((attribute, value, _)), true) = (best, lift > 0.0) {
            if item.reason.is_none() {
                item.reason = Some(Reason {
                    attribute: attribute.to_owned(),
                    value: value.to_owned(),
                    text: QUIZ_REASON.to_owned(),
                });
            }
        }
    }
    if changed {
        sort_by(items, |a, b| b.score.total_cmp(&a.score));
        for (position, item) in items.iter_mut().enumerate() {
            item.position = position;
        }
    }
}
