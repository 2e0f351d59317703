//! The first-party shopper profile, kept only in the shopper's browser.
//!
//! Every event updates the profile incrementally (O(tracked attributes), never a
//! recomputation from a history):
//!
//! - decayed **affinity** per attribute value (view < click < cart < purchase; remove and
//!   return subtract), plus a derived `priceBand`, with a configurable half-life;
//! - the **typical price** (a decayed geometric mean) and the price-band distribution;
//! - **category coverage**: which departments / types were engaged with, and how deeply;
//! - **recency, frequency, monetary value** and a lifecycle [`Segment`];
//! - the current **session's intent** (last items and the values they share);
//! - a bounded list of **recent items** the shopper can see and clear.
//!
//! A sensitive-inference guard ([`ProfileConfig::is_sensitive`]) keeps products matching
//! configured values (default: maternity, nursing) out of everything but the raw recent-items
//! list. The stored JSON stays below [`MAX_STORED_BYTES`] whatever the history length
//! (see [`compact`]), carries a schema version with a migration from every older one
//! ([`migrate`]), and each data kind has a retention period enforced on load and on read.
//! A tampered stored profile is repaired field by field with typed [`RepairIssue`]s.

pub mod activity;
pub mod affinity;
pub mod compact;
pub mod config;
pub mod coverage;
pub mod migrate;
mod read;
mod repair;
pub mod session;
mod stated;
pub mod view;

use serde::Serialize;

use crate::collections::{self, VecMap, VecSet};
use crate::event::{Event, EventKind, ReturnReason};
pub use activity::{Activity, PriceStats, Segment};
use affinity::{prune, Decayed, ValueWeights};
use compact::SizeGauge;
pub use compact::MAX_STORED_BYTES;
pub use config::{ConfigError, LifecycleConfig, ProfileConfig, Retention, PRICE_BAND_NAMES};
use coverage::Coverage;
pub use repair::{ExpiryReport, RepairIssue};
use session::{push_recent, RecentItem, Session};
pub use stated::Stated;

/// Schema version written with every stored profile (1: affinities only; 2: adds price,
/// activity, coverage, session, recent items, pause flag and retention).
pub const PROFILE_VERSION: u32 = 2;
/// Name of the derived attribute holding the price band.
pub const PRICE_BAND: &str = "priceBand";
/// Values whose decayed weight falls below this are dropped on compaction.
const WEIGHT_FLOOR: f64 = 0.01;

/// The weight an event contributes to each attribute value of its product.
pub fn event_weight(event: &Event) -> f64 {
    match event.kind {
        EventKind::View => 1.0,
        EventKind::Click => 2.0,
        EventKind::Dwell => (event.duration_ms.unwrap_or(0.0) / 10_000.0).min(3.0),
        EventKind::AddToCart => 4.0,
        EventKind::RemoveFromCart => -2.0,
        EventKind::Purchase => 8.0,
        // A size return says little against the style; other returns do.
        EventKind::Return => match event.reason {
            Some(ReturnReason::TooSmall | ReturnReason::TooBig) => -1.0,
            _ => -4.0,
        },
        EventKind::Search => 0.0,
    }
}

/// The stored profile (JSON, camelCase). Read back leniently: see [`Profile::repair`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Schema version ([`PROFILE_VERSION`]).
    pub version: u32,
    /// Events learned from (sensitive and paused-time events are not counted).
    pub event_count: u64,
    /// Time of the newest event applied, ms since epoch.
    pub updated_ms: f64,
    /// attribute → value → decayed weight.
    pub affinities: VecMap<String, ValueWeights>,
    /// The typical price.
    pub price: PriceStats,
    /// Recency, frequency, monetary value.
    pub activity: Activity,
    /// Category coverage.
    pub coverage: Coverage,
    /// The current (or last) session.
    pub session: Session,
    /// Recent items, oldest first.
    pub recent: Vec<RecentItem>,
    /// The shopper paused learning: [`Profile::apply`] does nothing.
    pub paused: bool,
    /// The retention in force when the profile was last written, so that loading can expire
    /// data without the configuration.
    pub retention: Retention,
    #[serde(skip)]
    stated: Stated,
    #[serde(skip)]
    size: SizeGauge,
    #[serde(skip)]
    repairs: Vec<RepairIssue>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            version: PROFILE_VERSION,
            event_count: 0,
            updated_ms: 0.0,
            affinities: VecMap::new(),
            price: PriceStats::default(),
            activity: Activity::default(),
            coverage: Coverage::new(),
            session: Session::default(),
            recent: Vec::new(),
            paused: false,
            retention: Retention::default(),
            stated: Stated::new(),
            size: SizeGauge::default(),
            repairs: Vec::new(),
        }
    }
}

impl PartialEq for Profile {
    /// Compares what is stored plus the stated preferences (size cache and pending repair
    /// notes are bookkeeping, not state).
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.event_count == other.event_count
            && self.updated_ms == other.updated_ms
            && self.affinities == other.affinities
            && self.price == other.price
            && self.activity == other.activity
            && self.coverage == other.coverage
            && self.session == other.session
            && self.recent == other.recent
            && self.paused == other.paused
            && self.retention == other.retention
            && self.stated == other.stated
    }
}

impl Profile {
    /// Whether nothing has been learned or stated.
    pub fn is_empty(&self) -> bool {
        self.affinities.values().all(|v| v.is_empty()) && self.stated.values().all(|v| v.is_empty())
    }

    /// Applies one validated event incrementally.
    ///
    /// Paused: nothing at all. Sensitive product: only the recent-items list. Otherwise every
    /// derived part is updated and, when the size bound may be reached, compacted.
    pub fn apply(&mut self, event: &Event, config: &ProfileConfig) {
        if self.paused {
            return;
        }
        let has_product = !event.product_id.is_empty();
        let sensitive = config.is_sensitive(&event.attributes)
            || event
                .query
                .as_deref()
                .is_some_and(|q| config.is_sensitive_value(q));
        self.size.grow(compact::growth_bound(event, config));
        if has_product {
            let item = RecentItem {
                id: event.product_id.clone(),
                kind: event.kind,
                at_ms: event.at_ms,
                sensitive,
            };
            push_recent(&mut self.recent, item, config.recent_items);
        }
        if !sensitive {
            self.learn(event, config);
        }
        if self.size.needs_check() {
            self.enforce_budget(config);
        }
    }

    fn learn(&mut self, event: &Event, config: &ProfileConfig) {
        self.event_count = self.event_count.saturating_add(1).min(activity::MAX_COUNT);
        self.updated_ms = self.updated_ms.max(event.at_ms);
        self.retention = config.retention;
        self.activity.observe(event);
        if self.session.observe(event, config) {
            self.activity.sessions = (self.activity.sessions + 1).min(activity::MAX_COUNT);
        }
        coverage::observe(&mut self.coverage, event, config);
        let weight = event_weight(event);
        if weight == 0.0 {
            return;
        }
        let half_life = config.half_life_ms();
        if let Some(price) = event.price {
            self.price.observe(price, weight, event.at_ms, half_life);
        }
        let band = event.price.map(|p| config.price_band(p));
        let mut tracked: Vec<(&str, &str)> = Vec::new();
        for name in config.tracked() {
            if let Some(v) = event.attributes.get(name) {
                tracked.push((name, v));
            }
        }
        if let Some(b) = band {
            tracked.push((PRICE_BAND, b));
        }
        for (name, value) in tracked {
            let values = self.affinities.entry(name.to_owned()).or_default();
            values
                .entry(value.to_owned())
                .or_insert(Decayed(0.0, event.at_ms))
                .add(weight, event.at_ms, half_life);
            if values.len() > config.max_values_per_attribute {
                prune(
                    values,
                    config.max_values_per_attribute,
                    self.updated_ms,
                    half_life,
                    WEIGHT_FLOOR,
                );
            }
        }
    }

    /// The learned (decayed, unexpired) weight of one value at `now_ms`.
    fn learned(&self, d: Decayed, now_ms: f64, config: &ProfileConfig) -> f64 {
        if now_ms - d.1 > config.retention.affinities_ms() {
            0.0
        } else {
            d.value_at(now_ms, config.half_life_ms())
        }
    }

    /// The affinity of one attribute value at `now_ms`: the decayed, unexpired learned weight
    /// plus the stated (quiz) preference (0 when unknown).
    pub fn affinity(
        &self,
        attribute: &str,
        value: &str,
        now_ms: f64,
        config: &ProfileConfig,
    ) -> f64 {
        let learned = self
            .affinities
            .get(attribute)
            .and_then(|v| v.get(value))
            .map_or(0.0, |d| self.learned(*d, now_ms, config));
        learned + self.stated_affinity(attribute, value, config)
    }

    /// Every value of an attribute with its current affinity (learned and stated).
    fn values_of<'a>(
        &'a self,
        attribute: &str,
        now_ms: f64,
        config: &ProfileConfig,
    ) -> VecMap<&'a str, f64> {
        let mut learned = Vec::new();
        if let Some(values) = self.affinities.get(attribute) {
            for (v, d) in values {
                learned.push((v.as_str(), self.learned(*d, now_ms, config)));
            }
        }
        // In key order already: no sorting.
        let mut out = VecMap::from_pairs(learned);
        if let Some(values) = self.stated.get(attribute) {
            for (v, w) in values {
                *out.entry(v.as_str()).or_insert(0.0) += w * config.quiz_weight;
            }
        }
        out
    }

    /// Sum of the magnitudes of an attribute's affinities at `now_ms`.
    pub fn attribute_mass(&self, attribute: &str, now_ms: f64, config: &ProfileConfig) -> f64 {
        self.values_of(attribute, now_ms, config)
            .values()
            .map(|w| w.abs())
            .sum()
    }

    /// The largest magnitude among an attribute's current affinities (0 when none): the
    /// scale that maps the shopper's favourite value to 1.
    pub fn attribute_scale(&self, attribute: &str, now_ms: f64, config: &ProfileConfig) -> f64 {
        self.values_of(attribute, now_ms, config)
            .values()
            .fold(0.0, |max: f64, w| max.max(w.abs()))
    }

    /// Total positive evidence at `now_ms`, averaged over attributes: how much we know.
    pub fn strength(&self, now_ms: f64, config: &ProfileConfig) -> f64 {
        let mut attributes: VecSet<&str> = VecSet::new();
        for (a, v) in &self.affinities {
            if !v.is_empty() {
                attributes.insert(a.as_str());
            }
        }
        for a in self.stated.keys() {
            attributes.insert(a.as_str());
        }
        // `Iterator::sum`'s order and start (-0.0), in a plain loop.
        let mut total = -0.0;
        for a in attributes.iter() {
            for (_, w) in self.values_of(a, now_ms, config) {
                total += w.max(0.0);
            }
        }
        total / attributes.len().max(1) as f64
    }

    /// Top `n` values per attribute by current affinity, strongest first (for display).
    /// Sensitive values are never listed.
    pub fn top_affinities(
        &self,
        n: usize,
        now_ms: f64,
        config: &ProfileConfig,
    ) -> VecMap<String, Vec<(String, f64)>> {
        let mut attributes: VecSet<&str> = VecSet::new();
        for a in self.affinities.keys().chain(self.stated.keys()) {
            attributes.insert(a.as_str());
        }
        let mut out = Vec::new();
        for attr in attributes.iter() {
            let mut list: Vec<(String, f64)> = Vec::new();
            for (v, w) in self.values_of(attr, now_ms, config) {
                if w > 0.0 && !config.is_sensitive_value(v) {
                    list.push((v.to_owned(), w));
                }
            }
            collections::sort_by(&mut list, |a, b| {
                b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0))
            });
            list.truncate(n);
            if !list.is_empty() {
                out.push(((*attr).to_owned(), list));
            }
        }
        // In key order already: no sorting.
        VecMap::from_pairs(out)
    }

    /// The share of positive price-band affinity per band at `now_ms`, cheapest band first.
    pub fn price_band_distribution(
        &self,
        now_ms: f64,
        config: &ProfileConfig,
    ) -> Vec<(String, f64)> {
        let values = self.values_of(PRICE_BAND, now_ms, config);
        // `Iterator::sum`'s order and start (-0.0), in a plain loop.
        let mut total = -0.0;
        for w in values.values() {
            total += w.max(0.0);
        }
        let mut out = Vec::new();
        if total <= 0.0 {
            return out;
        }
        for band in PRICE_BAND_NAMES
            .iter()
            .take(config.price_band_edges.len() + 1)
        {
            let w = values.get(band).map_or(0.0, |w| w.max(0.0));
            out.push(((*band).to_owned(), w / total));
        }
        out
    }

    /// The shopper's typical price (decayed geometric mean of engaged prices), if any.
    pub fn typical_price(&self) -> Option<f64> {
        self.price.typical()
    }

    /// The lifecycle segment at `now_ms`.
    pub fn segment(&self, now_ms: f64, config: &ProfileConfig) -> Segment {
        self.activity.segment(now_ms, &config.lifecycle)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod config_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod read_oracle;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod read_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
