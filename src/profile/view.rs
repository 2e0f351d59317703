//! What the shopper sees and controls: a human-readable summary, forgetting a value or an item,
//! pausing learning and resetting.

use serde::Serialize;

use super::activity::Segment;
use super::config::ProfileConfig;
use super::coverage::{self, CoverageReport, Vocabulary};
use super::session::{RecentItem, SessionIntent};
use super::{Profile, PRICE_BAND};
use crate::collections::VecMap;

/// Values listed per attribute in the summary.
pub const SUMMARY_TOP: usize = 5;

/// The price part of the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceSummary {
    /// The band engaged with most (`value`, `mid`, `premium`, `luxury`).
    pub band: Option<String>,
    /// Share of engagement per band, cheapest first.
    pub distribution: Vec<(String, f64)>,
    /// The typical price, rounded to cents.
    pub typical: Option<f64>,
}

/// The lifecycle part of the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleSummary {
    /// `new`, `active`, `lapsing` or `lapsed`.
    pub segment: Segment,
    /// Whole days since the last activity.
    pub days_since_last_visit: Option<u64>,
    /// Sessions so far.
    pub sessions: u64,
    /// Purchases so far.
    pub purchases: u64,
    /// Returns so far.
    pub returns: u64,
    /// Value purchased minus returned.
    pub monetary: f64,
}

/// A shopper-facing view of the profile: structured data plus sentences to show as they are.
/// Sensitive values never appear, except in the raw recent-items list the shopper owns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    /// Events learned from.
    pub event_count: u64,
    /// Learning is paused.
    pub paused: bool,
    /// Strongest values per attribute (price band excluded), learned and stated.
    pub top_affinities: VecMap<String, Vec<(String, f64)>>,
    /// Price band and typical price.
    pub price: PriceSummary,
    /// Lifecycle segment and RFM.
    pub lifecycle: LifecycleSummary,
    /// The current session's intent, while a session is going on.
    pub session: Option<SessionIntent>,
    /// Category coverage against the configured and observed vocabulary.
    pub coverage: Vec<CoverageReport>,
    /// Recent items, newest first.
    pub recent_items: Vec<RecentItem>,
    /// Plain-language sentences describing the above.
    pub sentences: Vec<String>,
}

impl Profile {
    /// The shopper-facing summary at `now_ms`. `vocabulary` adds values known to exist (from
    /// candidates or a quiz bank) to the configured ones for the coverage part.
    pub fn summary(
        &self,
        now_ms: f64,
        config: &ProfileConfig,
        vocabulary: Option<&Vocabulary>,
    ) -> ProfileSummary {
        let mut top = self.top_affinities(SUMMARY_TOP, now_ms, config);
        let band = top
            .remove(PRICE_BAND)
            .and_then(|b| b.into_iter().next())
            .map(|(b, _)| b);
        let price = PriceSummary {
            band,
            distribution: self.price_band_distribution(now_ms, config),
            typical: self.typical_price().map(|p| (p * 100.0).round() / 100.0),
        };
        let a = &self.activity;
        let lifecycle = LifecycleSummary {
            segment: self.segment(now_ms, config),
            days_since_last_visit: a.recency_days(now_ms).map(|d| d.floor() as u64),
            sessions: a.sessions,
            purchases: a.purchases,
            returns: a.returns,
            monetary: (a.monetary * 100.0).round() / 100.0,
        };
        let mut vocab = Vocabulary::from_config(config);
        if let Some(extra) = vocabulary {
            for (name, values) in &extra.0 {
                let known = vocab.0.entry(name.clone()).or_default();
                for v in values.iter() {
                    known.insert(v.clone());
                }
            }
        }
        let mut summary = ProfileSummary {
            event_count: self.event_count,
            paused: self.paused,
            top_affinities: top,
            price,
            lifecycle,
            session: self.session.intent(now_ms, config),
            coverage: coverage::report(&self.coverage, &vocab, config),
            recent_items: Vec::with_capacity(self.recent.len()),
            sentences: Vec::new(),
        };
        for item in self.recent.iter().rev() {
            summary.recent_items.push(item.clone());
        }
        summary.sentences = sentences(&summary);
        summary
    }

    /// Forgets an attribute value (in one attribute, or in all when `attribute` is `None`):
    /// its affinity, coverage, session mentions and stated preference. Returns how many
    /// entries were removed. Future events can teach it again.
    pub fn forget_value(&mut self, attribute: Option<&str>, value: &str) -> usize {
        let applies = |a: &str| attribute.map_or(true, |x| x == a);
        let mut removed = 0;
        let maps = self
            .affinities
            .iter_mut()
            .filter(|(a, _)| applies(a))
            .map(|(_, v)| v.remove(value).is_some());
        removed += maps.filter(|r| *r).count();
        for (a, values) in &mut self.coverage {
            if applies(a) && values.remove(value).is_some() {
                removed += 1;
            }
        }
        for (a, values) in &mut self.stated {
            if applies(a) && values.remove(value).is_some() {
                removed += 1;
            }
        }
        for item in &mut self.session.items {
            let before = item.attributes.len();
            item.attributes.retain(|(a, v)| !(applies(a) && v == value));
            removed += before - item.attributes.len();
        }
        self.affinities.retain(|_, v| !v.is_empty());
        self.coverage.retain(|_, v| !v.is_empty());
        self.stated.retain(|_, v| !v.is_empty());
        removed
    }

    /// Forgets an item: removes it from the recent-items list and the session. Returns how
    /// many entries were removed. (Affinities keep no per-item record, so what the item taught
    /// is forgotten with [`Profile::forget_value`].)
    pub fn forget_item(&mut self, id: &str) -> usize {
        let before = self.recent.len() + self.session.items.len();
        self.recent.retain(|i| i.id != id);
        self.session.items.retain(|i| i.id != id);
        before - self.recent.len() - self.session.items.len()
    }

    /// Clears the recent-items list only.
    pub fn clear_recent_items(&mut self) {
        self.recent.clear();
    }

    /// Stops learning: [`Profile::apply`] does nothing (not even the recent-items list).
    pub fn pause(&mut self) {
        self.paused = true;
    }

    /// Resumes learning.
    pub fn resume(&mut self) {
        self.paused = false;
    }

    /// Whether learning is paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Forgets everything learned and stated; only the pause choice is kept.
    pub fn reset(&mut self) {
        *self = Profile {
            paused: self.paused,
            ..Profile::default()
        };
    }
}

fn sentences(s: &ProfileSummary) -> Vec<String> {
    let mut out = Vec::new();
    if s.paused {
        out.push("Personalisation is paused: nothing new is learned.".to_owned());
    }
    // "Red (colour), Dress (productType)", built in place (no `join` over owned strings).
    let mut favourites = String::new();
    for (attr, values) in &s.top_affinities {
        if let Some((v, _)) = values.first() {
            if !favourites.is_empty() {
                favourites.push_str(", ");
            }
            favourites.push_str(v);
            favourites.push_str(" (");
            favourites.push_str(attr);
            favourites.push(')');
        }
    }
    if favourites.is_empty() {
        out.push("We have not learned your style yet.".to_owned());
    } else {
        favourites.insert_str(0, "You seem to like ");
        favourites.push('.');
        out.push(favourites);
    }
    match (&s.price.band, s.price.typical) {
        (Some(band), Some(p)) => out.push(format!(
            "You usually shop in the {band} range (typically around {}).",
            crate::text::Cents(p)
        )),
        (Some(band), None) => out.push(format!("You usually shop in the {band} range.")),
        (None, Some(p)) => out.push(format!(
            "Your typical price is around {}.",
            crate::text::Cents(p)
        )),
        (None, None) => {}
    }
    let l = &s.lifecycle;
    out.push(match (l.segment, l.days_since_last_visit) {
        (Segment::New, _) => "You are new here.".to_owned(),
        (Segment::Active, _) => format!(
            "You are a regular: {} visits, {} purchases.",
            l.sessions, l.purchases
        ),
        (Segment::Lapsing | Segment::Lapsed, Some(d)) => {
            format!("Your last visit was {d} days ago.")
        }
        (Segment::Lapsing | Segment::Lapsed, None) => {
            "We have not seen you for a while.".to_owned()
        }
    });
    if let Some(intent) = &s.session {
        if let Some(first) = intent.shared.first() {
            out.push(format!(
                "Right now you are looking at {} ({}).",
                first.value, first.attribute
            ));
        }
    }
    out
}
