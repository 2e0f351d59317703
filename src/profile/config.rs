//! How the profile learns, what it keeps and for how long, and what it must never infer.
//!
//! Every field has a documented default; the whole structure is part of the `init` options
//! (camelCase JSON, every field optional, unknown fields rejected).

use serde::{Deserialize, Serialize};

use crate::collections::VecMap;
use crate::product::{Attributes, MAX_ATTRIBUTE_NAME_LEN, MAX_ATTRIBUTE_VALUE_LEN};

pub(crate) const MS_PER_DAY: f64 = 86_400_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;

/// Names of the price bands, cheapest first.
pub const PRICE_BAND_NAMES: [&str; 4] = ["value", "mid", "premium", "luxury"];
/// Most attributes the profile can be told to learn from (keeps the stored size bounded).
pub const MAX_TRACKED_ATTRIBUTES: usize = 16;
/// Most entries in the sensitive-value list.
pub const MAX_SENSITIVE_VALUES: usize = 64;
/// Most values per attribute in a configured coverage vocabulary.
pub const MAX_VOCABULARY_VALUES: usize = 512;

/// How long each kind of data is kept after it was last touched. Enforced when a profile is
/// loaded ([`super::Profile::repair`] / [`super::Profile::expire`]) and on every read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Retention {
    /// Affinities, price statistics and category coverage, in days. Default 180.
    pub affinities_days: f64,
    /// The recent-items list, in days. Default 30.
    pub recent_items_days: f64,
    /// The last session's items, in hours after its last event. Default 24.
    pub session_hours: f64,
    /// Style-quiz answers (zero-party data), in days after the last edit. Default 365.
    pub quiz_days: f64,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            affinities_days: 180.0,
            recent_items_days: 30.0,
            session_hours: 24.0,
            quiz_days: 365.0,
        }
    }
}

impl Retention {
    /// Longest retention accepted for any kind, in days (ten years).
    pub const MAX_DAYS: f64 = 3_650.0;

    /// Affinity retention in ms.
    pub fn affinities_ms(&self) -> f64 {
        self.affinities_days * MS_PER_DAY
    }
    /// Recent-items retention in ms.
    pub fn recent_items_ms(&self) -> f64 {
        self.recent_items_days * MS_PER_DAY
    }
    /// Session retention in ms.
    pub fn session_ms(&self) -> f64 {
        self.session_hours * 3_600_000.0
    }
    /// Quiz retention in ms.
    pub fn quiz_ms(&self) -> f64 {
        self.quiz_days * MS_PER_DAY
    }

    fn values(&self) -> [f64; 4] {
        [
            self.affinities_days,
            self.recent_items_days,
            self.session_hours / 24.0,
            self.quiz_days,
        ]
    }

    /// Whether every period is a positive, finite number of at most [`Self::MAX_DAYS`].
    pub fn is_valid(&self) -> bool {
        self.values()
            .iter()
            .all(|d| d.is_finite() && *d > 0.0 && *d <= Self::MAX_DAYS)
    }
}

/// Lifecycle thresholds, in days. A shopper is `lapsed` after `lapsedDays` without activity,
/// `lapsing` after `lapsingDays`, else `new` during the first `newDays` after the first event,
/// else `active`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LifecycleConfig {
    /// Days after the first event during which the shopper is `new`. Default 14.
    pub new_days: f64,
    /// Days of inactivity after which the shopper is `lapsing`. Default 30.
    pub lapsing_days: f64,
    /// Days of inactivity after which the shopper is `lapsed`. Default 90.
    pub lapsed_days: f64,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        LifecycleConfig {
            new_days: 14.0,
            lapsing_days: 30.0,
            lapsed_days: 90.0,
        }
    }
}

/// How the profile learns. Serialised in camelCase as part of the init options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ProfileConfig {
    /// Half-life of an affinity, in days. Default 14.
    pub half_life_days: f64,
    /// The product attributes to learn from (at most 16). Default: productType, colour,
    /// pattern, department, indexGroup.
    pub attributes: Vec<String>,
    /// Ascending price edges splitting prices into bands `value`, `mid`, `premium`, `luxury`
    /// (one more band than edges, at most 4). Default `[20, 50, 100]`.
    pub price_band_edges: Vec<f64>,
    /// Most values kept per attribute. Default 48.
    pub max_values_per_attribute: usize,
    /// Attribute values never used for inference, explanations or reports (case-insensitive,
    /// matched as whole words in any attribute value, product names included). Events touching
    /// them only reach the recent-items list. Default `["maternity", "nursing"]`.
    pub sensitive_values: Vec<String>,
    /// Attributes whose coverage (engaged / never engaged values) is tracked. Default:
    /// indexGroup, department, productType.
    pub coverage_attributes: Vec<String>,
    /// Known values per coverage attribute (the catalogue's departments, …), so coverage can
    /// name values never engaged. Values seen in events or candidates are added at run time.
    /// Default empty.
    pub vocabulary: VecMap<String, Vec<String>>,
    /// Inactivity after which a new session starts, in minutes. Default 30.
    pub session_gap_minutes: f64,
    /// Items kept for the current session's intent (1–32). Default 8.
    pub session_items: usize,
    /// Length of the recent-items list (0–200). Default 50.
    pub recent_items: usize,
    /// Lifecycle thresholds.
    pub lifecycle: LifecycleConfig,
    /// Retention per data kind.
    pub retention: Retention,
    /// Weight of a fully confident quiz preference, in event-weight units (a purchase is 8).
    /// 0 disables quiz influence on ranking. Default 4 (chosen on the quiz evaluation's tuning
    /// window, docs/QUIZ.md: a fully confident like counts half a purchase).
    pub quiz_weight: f64,
}

impl Default for ProfileConfig {
    fn default() -> Self {
        ProfileConfig {
            half_life_days: 14.0,
            attributes: strings(&[
                "productType",
                "colour",
                "pattern",
                "department",
                "indexGroup",
            ]),
            price_band_edges: vec![20.0, 50.0, 100.0],
            max_values_per_attribute: 48,
            sensitive_values: strings(&["maternity", "nursing"]),
            coverage_attributes: strings(&["indexGroup", "department", "productType"]),
            vocabulary: VecMap::new(),
            session_gap_minutes: 30.0,
            session_items: 8,
            recent_items: 50,
            lifecycle: LifecycleConfig::default(),
            retention: Retention::default(),
            quiz_weight: 4.0,
        }
    }
}

/// Owned copies of default names: one loop (an array of `String`s then `to_vec` built and
/// cloned every name twice).
fn strings(names: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        out.push((*name).to_owned());
    }
    out
}

/// Why a profile configuration was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The half-life is not a positive, finite number of days.
    #[error("halfLifeDays must be a positive number of days, got {}", crate::text::Float(*.0))]
    HalfLife(f64),
    /// The price edges are not ascending finite numbers, or too many.
    #[error("priceBandEdges must be 0 to 3 ascending finite numbers")]
    PriceEdges,
    /// Limits out of range.
    #[error("maxValuesPerAttribute must be between 1 and 256, got {0}")]
    MaxValues(usize),
    /// An attribute list is too long or holds an empty or over-long name.
    #[error("{field} must hold 1 to {MAX_TRACKED_ATTRIBUTES} non-empty names of at most {MAX_ATTRIBUTE_NAME_LEN} bytes")]
    AttributeList {
        /// Which list.
        field: &'static str,
    },
    /// The sensitive-value list is too long or holds an empty or over-long value.
    #[error("sensitiveValues must hold at most {MAX_SENSITIVE_VALUES} non-empty values of at most {MAX_ATTRIBUTE_VALUE_LEN} bytes")]
    SensitiveValues,
    /// The vocabulary is too large or holds over-long strings.
    #[error("vocabulary must map attribute names to at most {MAX_VOCABULARY_VALUES} values each")]
    Vocabulary,
    /// Session settings out of range.
    #[error("sessionGapMinutes must be in (0, 1440] and sessionItems in 1..=32")]
    Session,
    /// The recent-items length is out of range.
    #[error("recentItems must be between 0 and 200, got {0}")]
    RecentItems(usize),
    /// Lifecycle thresholds are not positive and ascending (new ≤ lapsing < lapsed).
    #[error("lifecycle thresholds must be positive with lapsingDays < lapsedDays")]
    Lifecycle,
    /// A retention period is not a positive number of days up to ten years.
    #[error(
        "retention periods must be positive and at most {} days",
        crate::text::Float(Retention::MAX_DAYS)
    )]
    Retention,
    /// The quiz weight is not a finite number in [0, 100].
    #[error("quizWeight must be between 0 and 100, got {}", crate::text::Float(*.0))]
    QuizWeight(f64),
}

impl ProfileConfig {
    /// Checks the configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.half_life_days.is_finite() && self.half_life_days > 0.0) {
            return Err(ConfigError::HalfLife(self.half_life_days));
        }
        let edges = &self.price_band_edges;
        if edges.len() >= PRICE_BAND_NAMES.len()
            || edges.iter().any(|e| !e.is_finite())
            || edges.windows(2).any(|w| w[0] >= w[1])
        {
            return Err(ConfigError::PriceEdges);
        }
        if !(1..=256).contains(&self.max_values_per_attribute) {
            return Err(ConfigError::MaxValues(self.max_values_per_attribute));
        }
        check_names("attributes", &self.attributes)?;
        if !self.coverage_attributes.is_empty() {
            check_names("coverageAttributes", &self.coverage_attributes)?;
        }
        if self.sensitive_values.len() > MAX_SENSITIVE_VALUES
            || self
                .sensitive_values
                .iter()
                .any(|v| v.trim().is_empty() || v.len() > MAX_ATTRIBUTE_VALUE_LEN)
        {
            return Err(ConfigError::SensitiveValues);
        }
        let vocab_ok = self.vocabulary.len() <= MAX_TRACKED_ATTRIBUTES
            && self.vocabulary.iter().all(|(name, values)| {
                name.len() <= MAX_ATTRIBUTE_NAME_LEN
                    && values.len() <= MAX_VOCABULARY_VALUES
                    && values.iter().all(|v| v.len() <= MAX_ATTRIBUTE_VALUE_LEN)
            });
        if !vocab_ok {
            return Err(ConfigError::Vocabulary);
        }
        let gap = self.session_gap_minutes;
        let gap_ok = gap.is_finite() && gap > 0.0 && gap <= 1_440.0;
        if !gap_ok || !(1..=32).contains(&self.session_items) {
            return Err(ConfigError::Session);
        }
        if self.recent_items > 200 {
            return Err(ConfigError::RecentItems(self.recent_items));
        }
        let l = &self.lifecycle;
        let finite = [l.new_days, l.lapsing_days, l.lapsed_days]
            .iter()
            .all(|d| d.is_finite() && *d > 0.0);
        if !finite || l.lapsing_days >= l.lapsed_days {
            return Err(ConfigError::Lifecycle);
        }
        if !self.retention.is_valid() {
            return Err(ConfigError::Retention);
        }
        if !(self.quiz_weight.is_finite() && (0.0..=100.0).contains(&self.quiz_weight)) {
            return Err(ConfigError::QuizWeight(self.quiz_weight));
        }
        Ok(())
    }

    /// The half-life in milliseconds.
    pub fn half_life_ms(&self) -> f64 {
        self.half_life_days * MS_PER_DAY
    }

    /// The session inactivity gap in milliseconds.
    pub fn session_gap_ms(&self) -> f64 {
        self.session_gap_minutes * MS_PER_MINUTE
    }

    /// The band a price falls in.
    pub fn price_band(&self, price: f64) -> &'static str {
        let idx = self
            .price_band_edges
            .iter()
            .take_while(|edge| price >= **edge)
            .count();
        PRICE_BAND_NAMES[idx]
    }

    /// Whether any attribute value (product names included, when sent as an attribute) matches
    /// a sensitive value: such a product is never used for inference, explanations or reports.
    pub fn is_sensitive(&self, attributes: &Attributes) -> bool {
        attributes.values().any(|v| self.is_sensitive_value(v))
    }

    /// Whether one text matches a sensitive value: case-insensitive, as a whole word
    /// (`"Maternity wear"` matches `maternity`; `"Paternityx"` does not).
    pub fn is_sensitive_value(&self, text: &str) -> bool {
        if self.sensitive_values.is_empty() {
            return false;
        }
        let text = crate::text::lowercase(text);
        self.sensitive_values
            .iter()
            .map(|term| crate::text::lowercase(term.trim()))
            .any(|term| !term.is_empty() && contains_word(&text, &term))
    }

    /// The attributes the profile tracks, in configuration order, without duplicates.
    pub fn tracked(&self) -> std::vec::IntoIter<&str> {
        // One list built here rather than an adapter chain compiled into every caller.
        let mut names: Vec<&str> = Vec::with_capacity(self.attributes.len());
        for a in &self.attributes {
            if !names.contains(&a.as_str()) {
                names.push(a);
            }
        }
        names.into_iter()
    }
}

fn check_names(field: &'static str, names: &[String]) -> Result<(), ConfigError> {
    let ok = !names.is_empty()
        && names.len() <= MAX_TRACKED_ATTRIBUTES
        && names
            .iter()
            .all(|n| !n.is_empty() && n.len() <= MAX_ATTRIBUTE_NAME_LEN);
    if ok {
        Ok(())
    } else {
        Err(ConfigError::AttributeList { field })
    }
}

/// Whether `needle` occurs in `haystack` bounded by non-alphanumeric characters or the ends.
fn contains_word(haystack: &str, needle: &str) -> bool {
    // `match_indices`' non-overlapping occurrences, through `text::find_from` (no two-way
    // searcher in the wasm). `needle` is never empty here.
    let mut from = 0;
    while let Some(start) = crate::text::find_from(haystack, needle, from) {
        let before = haystack[..start].chars().next_back();
        let after = haystack[start + needle.len()..].chars().next();
        if !before.is_some_and(crate::text::is_word_char)
            && !after.is_some_and(crate::text::is_word_char)
        {
            return true;
        }
        from = start + needle.len().max(1);
    }
    false
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod word_tests {
    use proptest::prelude::*;

    /// The previous `contains_word`, on `str::match_indices`.
    fn oracle(haystack: &str, needle: &str) -> bool {
        haystack.match_indices(needle).any(|(start, _)| {
            let before = haystack[..start].chars().next_back();
            let after = haystack[start + needle.len()..].chars().next();
            !before.is_some_and(crate::text::is_word_char)
                && !after.is_some_and(crate::text::is_word_char)
        })
    }

    proptest! {
        #[test]
        fn contains_word_agrees_with_match_indices(hay in "[ab é-]{0,14}", needle in "[ab é-]{1,4}") {
            prop_assert_eq!(super::contains_word(&hay, &needle), oracle(&hay, &needle));
        }
    }
}
