//! Recency, frequency, monetary value, the lifecycle segment and the typical price.
//!
//! All of it is updated in O(1) per event; nothing is recomputed from a history.

use serde::{Deserialize, Serialize};

use super::config::{LifecycleConfig, MS_PER_DAY};
use crate::event::{Event, EventKind};

/// Largest count kept (saturates instead of overflowing; also the repair ceiling).
pub const MAX_COUNT: u64 = 1 << 40;
/// Largest monetary total kept, in the retailer's currency unit.
pub const MAX_MONETARY: f64 = 1.0e12;

/// Where the shopper is in their lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// First seen less than `newDays` ago (or never seen).
    New,
    /// Seen recently, past the `new` period.
    Active,
    /// No activity for `lapsingDays` or more.
    Lapsing,
    /// No activity for `lapsedDays` or more.
    Lapsed,
}

crate::json::names!(Segment { New => "new", Active => "active", Lapsing => "lapsing", Lapsed => "lapsed" });

impl Segment {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::New => "new",
            Segment::Active => "active",
            Segment::Lapsing => "lapsing",
            Segment::Lapsed => "lapsed",
        }
    }
}

/// Counters for recency, frequency and monetary value (RFM).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Activity {
    /// Time of the first (earliest) event learned from, ms.
    pub first_ms: Option<f64>,
    /// Time of the latest event learned from, ms.
    pub last_ms: Option<f64>,
    /// Time of the latest purchase, ms.
    pub last_purchase_ms: Option<f64>,
    /// Purchases.
    pub purchases: u64,
    /// Returns.
    pub returns: u64,
    /// Sessions started (a gap of `sessionGapMinutes` separates two).
    pub sessions: u64,
    /// Value purchased minus value returned (when prices are sent), never below 0.
    pub monetary: f64,
}

impl Activity {
    /// Records an event's time and, for purchases and returns, its count and value.
    pub fn observe(&mut self, event: &Event) {
        let t = event.at_ms;
        self.first_ms = Some(self.first_ms.map_or(t, |f| f.min(t)));
        self.last_ms = Some(self.last_ms.map_or(t, |l| l.max(t)));
        match event.kind {
            EventKind::Purchase => {
                self.purchases = (self.purchases + 1).min(MAX_COUNT);
                self.last_purchase_ms = Some(self.last_purchase_ms.map_or(t, |p| p.max(t)));
                self.monetary = (self.monetary + event.price.unwrap_or(0.0)).min(MAX_MONETARY);
            }
            EventKind::Return => {
                self.returns = (self.returns + 1).min(MAX_COUNT);
                self.monetary = (self.monetary - event.price.unwrap_or(0.0)).max(0.0);
            }
            _ => {}
        }
    }

    /// Days since the last event at `now_ms` (`None` before any).
    pub fn recency_days(&self, now_ms: f64) -> Option<f64> {
        self.last_ms
            .map(|last| ((now_ms - last) / MS_PER_DAY).max(0.0))
    }

    /// The lifecycle segment at `now_ms`.
    pub fn segment(&self, now_ms: f64, thresholds: &LifecycleConfig) -> Segment {
        let Some(idle) = self.recency_days(now_ms) else {
            return Segment::New;
        };
        let first = self.first_ms.unwrap_or(now_ms);
        let tenure = ((now_ms - first) / MS_PER_DAY).max(0.0);
        if idle >= thresholds.lapsed_days {
            Segment::Lapsed
        } else if idle >= thresholds.lapsing_days {
            Segment::Lapsing
        } else if tenure < thresholds.new_days {
            Segment::New
        } else {
            Segment::Active
        }
    }

    /// Fixes impossible values; returns how many fields were changed.
    pub fn sanitize(&mut self) -> usize {
        let mut fixed = 0;
        for t in [
            &mut self.first_ms,
            &mut self.last_ms,
            &mut self.last_purchase_ms,
        ] {
            if t.is_some_and(|t| !(t.is_finite() && t >= 0.0)) {
                *t = None;
                fixed += 1;
            }
        }
        match (self.first_ms, self.last_ms) {
            (Some(f), Some(l)) if f > l => {
                self.first_ms = Some(l);
                fixed += 1;
            }
            (Some(_), None) | (None, Some(_)) => {
                self.first_ms = self.first_ms.or(self.last_ms);
                self.last_ms = self.first_ms;
                fixed += 1;
            }
            _ => {}
        }
        for c in [&mut self.purchases, &mut self.returns, &mut self.sessions] {
            if *c > MAX_COUNT {
                *c = MAX_COUNT;
                fixed += 1;
            }
        }
        if !(self.monetary.is_finite() && (0.0..=MAX_MONETARY).contains(&self.monetary)) {
            self.monetary = 0.0;
            fixed += 1;
        }
        fixed
    }
}

/// A decayed weighted mean of log prices: its exponential is the shopper's typical price
/// (a decayed geometric mean, robust to the odd very cheap or very dear item).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PriceStats {
    /// Weighted mean of `ln(1 + price)`.
    pub mean_log: f64,
    /// Decayed total weight behind the mean.
    pub weight: f64,
    /// Time of the newest observation, ms.
    pub at_ms: f64,
}

// Serde-free reader (the wasm build's; same documents, values and errors as the derive).
crate::json::struct_reader!(PriceStats, "struct PriceStats", allow_unknown, PriceStats::default(),
    { mean_log: "meanLog", weight: "weight", at_ms: "atMs" });

impl PriceStats {
    /// Largest weight kept (the mean is unaffected by the cap).
    pub const MAX_WEIGHT: f64 = 1.0e4;

    /// Adds a price with a positive weight; older observations are decayed to the stored time.
    pub fn observe(&mut self, price: f64, weight: f64, at_ms: f64, half_life_ms: f64) {
        if !(weight > 0.0 && price.is_finite() && price >= 0.0) {
            return;
        }
        let x = price.ln_1p();
        let (old, new) = if at_ms >= self.at_ms {
            let decay = crate::math::exp2(-(at_ms - self.at_ms) / half_life_ms);
            self.at_ms = at_ms;
            (self.weight * decay, weight)
        } else {
            (
                self.weight,
                weight * crate::math::exp2(-(self.at_ms - at_ms) / half_life_ms),
            )
        };
        let total = old + new;
        if total > 0.0 {
            self.mean_log = (self.mean_log * old + x * new) / total;
            self.weight = total.min(Self::MAX_WEIGHT);
        }
    }

    /// The typical price, when any price has been seen.
    pub fn typical(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| self.mean_log.exp_m1())
    }

    /// Whether the fields are usable.
    pub fn is_sane(&self) -> bool {
        self.mean_log.is_finite()
            && (0.0..=crate::product::MAX_PRICE.ln_1p()).contains(&self.mean_log)
            && self.weight.is_finite()
            && (0.0..=Self::MAX_WEIGHT).contains(&self.weight)
            && self.at_ms.is_finite()
            && self.at_ms >= 0.0
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const DAY: f64 = MS_PER_DAY;

    fn event(kind: &str, at: f64, price: f64) -> Event {
        let json =
            format!(r#"{{"type":"{kind}","productId":"p","price":{price},"timestamp":{at}}}"#);
        Event::from_json(&json, 0.0).unwrap()
    }

    #[test]
    fn segments_follow_thresholds() {
        let cfg = LifecycleConfig::default();
        let mut a = Activity::default();
        assert_eq!(a.segment(0.0, &cfg), Segment::New);
        a.observe(&event("view", 100.0 * DAY, 1.0));
        assert_eq!(a.segment(101.0 * DAY, &cfg), Segment::New);
        a.observe(&event("view", 120.0 * DAY, 1.0));
        assert_eq!(a.segment(121.0 * DAY, &cfg), Segment::Active);
        assert_eq!(a.segment(155.0 * DAY, &cfg), Segment::Lapsing);
        assert_eq!(a.segment(215.0 * DAY, &cfg), Segment::Lapsed);
    }

    #[test]
    fn monetary_counts_purchases_minus_returns() {
        let mut a = Activity::default();
        a.observe(&event("purchase", 5.0, 30.0));
        a.observe(&event("purchase", 2.0, 20.0));
        a.observe(&event("return", 6.0, 60.0));
        assert_eq!((a.purchases, a.returns), (2, 1));
        assert_eq!(a.monetary, 0.0);
        assert_eq!(a.first_ms, Some(2.0));
        assert_eq!(a.last_purchase_ms, Some(5.0));
    }

    #[test]
    fn typical_price_is_a_decayed_geometric_mean() {
        let mut p = PriceStats::default();
        p.observe(9.0, 1.0, 0.0, DAY);
        p.observe(99.0, 1.0, 0.0, DAY);
        // exp(mean(ln 10, ln 100)) - 1 = sqrt(1000) - 1
        assert!((p.typical().unwrap() - (1000f64.sqrt() - 1.0)).abs() < 1e-9);
        // A later observation outweighs decayed ones.
        p.observe(9.0, 1.0, 10.0 * DAY, DAY);
        assert!(p.typical().unwrap() < 9.1);
        // Out of order: an old observation barely moves it.
        let before = p.typical().unwrap();
        p.observe(999.0, 1.0, 0.0, DAY);
        assert!((p.typical().unwrap() - before).abs() < 0.1);
        assert!(p.is_sane());
    }
}
