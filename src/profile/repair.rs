//! Reading a stored profile defensively, and expiring data past its retention.
//!
//! The profile is deserialised field by field: a field or entry with the wrong JSON type is
//! reset or dropped on its own, recorded as a typed [`RepairIssue`], and the rest of the
//! profile is kept. [`Profile::repair`] then drops out-of-range and future-dated values, and
//! expires data past the retention stored with the profile. Only a document that is not a
//! JSON object at all is rejected (and quarantined by the storage layer).

use serde::Serialize;

use super::config::{ProfileConfig, Retention, MS_PER_DAY};
use super::coverage::Engagement;
use super::{Profile, PROFILE_VERSION};
use crate::collections;
use crate::product::{MAX_ATTRIBUTES, MAX_ATTRIBUTE_NAME_LEN, MAX_ATTRIBUTE_VALUE_LEN, MAX_ID_LEN};
use crate::storage::persist::Warning;

/// Longest field path quoted in a repair note.
const MAX_FIELD_LEN: usize = 96;

/// One thing that was wrong with a stored profile and how it was handled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepairIssue {
    /// A field or entry had the wrong JSON type; it was reset to its default or dropped.
    #[error("stored profile field `{field}` had the wrong type; it was reset")]
    WrongType {
        /// Path of the field (e.g. `affinities.colour.Red`).
        field: String,
    },
    /// A number was negative, non-finite or out of bounds, or a string over its limit.
    #[error("stored profile field `{field}` was out of range; it was reset")]
    OutOfRange {
        /// Path of the field.
        field: String,
    },
    /// A time was more than a day in the future; the entry was dropped.
    #[error("stored profile field `{field}` was dated in the future; it was dropped")]
    FutureDated {
        /// Path of the field.
        field: String,
    },
}

impl RepairIssue {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RepairIssue::WrongType { .. } => "VITRINE_PROFILE_WRONG_TYPE",
            RepairIssue::OutOfRange { .. } => "VITRINE_PROFILE_OUT_OF_RANGE",
            RepairIssue::FutureDated { .. } => "VITRINE_PROFILE_FUTURE_DATED",
        }
    }

    /// As a storage warning for the page.
    pub fn to_warning(&self, key: Option<String>) -> Warning {
        Warning {
            code: self.code(),
            message: self.to_string(),
            key,
            quarantine_key: None,
        }
    }
}

pub(crate) fn path(parts: &[&str]) -> String {
    let mut p = parts.join(".");
    if p.len() > MAX_FIELD_LEN {
        let mut end = MAX_FIELD_LEN;
        while !p.is_char_boundary(end) {
            end -= 1;
        }
        p.truncate(end);
        p.push('…');
    }
    p
}

/// Whether an entry stays: in range (`ok`) and not dated in the future (`timely`); otherwise
/// the issue for the field at `parts`.
fn keep(ok: bool, timely: bool, parts: &[&str], issues: &mut Vec<RepairIssue>) -> bool {
    match (ok, timely) {
        (false, _) => issues.push(RepairIssue::OutOfRange { field: path(parts) }),
        (true, false) => issues.push(RepairIssue::FutureDated { field: path(parts) }),
        (true, true) => return true,
    }
    false
}

impl Profile {
    /// Repairs a profile read back from storage: drops non-finite, negative, out-of-range and
    /// future-dated (beyond `now_ms` + 1 day) entries, then expires data past the retention
    /// stored with the profile. Returns how many problems were found (including the wrong
    /// types met while reading); [`Profile::take_repairs`] lists them.
    pub fn repair(&mut self, now_ms: f64) -> usize {
        let mut issues = std::mem::take(&mut self.repairs);
        let horizon = now_ms + MS_PER_DAY;
        for (attr, values) in &mut self.affinities {
            values.retain(|v, d| {
                let ok_len =
                    attr.len() <= MAX_ATTRIBUTE_NAME_LEN && v.len() <= MAX_ATTRIBUTE_VALUE_LEN;
                keep(
                    d.is_sane() && ok_len,
                    d.1 <= horizon,
                    &["affinities", attr, v],
                    &mut issues,
                )
            });
        }
        self.affinities.retain(|_, v| !v.is_empty());
        for (attr, values) in &mut self.coverage {
            values.retain(|v, e: &mut Engagement| {
                let ok =
                    e.last_ms.is_finite() && e.last_ms >= 0.0 && v.len() <= MAX_ATTRIBUTE_VALUE_LEN;
                keep(
                    ok,
                    e.last_ms <= horizon,
                    &["coverage", attr, v],
                    &mut issues,
                )
            });
        }
        self.coverage.retain(|_, v| !v.is_empty());
        self.recent.retain(|item| {
            let ok = item.at_ms.is_finite()
                && item.at_ms >= 0.0
                && !item.id.is_empty()
                && item.id.len() <= MAX_ID_LEN;
            keep(ok, item.at_ms <= horizon, &["recent"], &mut issues)
        });
        collections::sort_by(&mut self.recent, |a, b| a.at_ms.total_cmp(&b.at_ms));
        let s = &self.session;
        let session_ok = [s.started_ms, s.last_ms]
            .iter()
            .all(|t| t.is_finite() && *t >= 0.0 && *t <= horizon)
            && s.started_ms <= s.last_ms
            && s.items.len() <= 32
            && s.items.iter().all(|i| {
                i.at_ms.is_finite()
                    && !i.id.is_empty()
                    && i.id.len() <= MAX_ID_LEN
                    && i.attributes.len() <= MAX_ATTRIBUTES
                    && i.attributes.iter().all(|(a, v)| {
                        a.len() <= MAX_ATTRIBUTE_NAME_LEN && v.len() <= MAX_ATTRIBUTE_VALUE_LEN
                    })
            });
        if !session_ok {
            issues.push(RepairIssue::OutOfRange {
                field: "session".into(),
            });
            self.session = Default::default();
        }
        for _ in 0..self.activity.sanitize() {
            issues.push(RepairIssue::OutOfRange {
                field: "activity".into(),
            });
        }
        if !self.price.is_sane() {
            issues.push(RepairIssue::OutOfRange {
                field: "price".into(),
            });
            self.price = Default::default();
        }
        if self.updated_ms > horizon {
            issues.push(RepairIssue::FutureDated {
                field: "updatedMs".into(),
            });
            self.updated_ms = now_ms.max(0.0);
        }
        if self.event_count > super::activity::MAX_COUNT {
            issues.push(RepairIssue::OutOfRange {
                field: "eventCount".into(),
            });
            self.event_count = super::activity::MAX_COUNT;
        }
        if !self.retention.is_valid() {
            issues.push(RepairIssue::OutOfRange {
                field: "retention".into(),
            });
            self.retention = Retention::default();
        }
        self.version = PROFILE_VERSION;
        let retention = self.retention;
        self.expire_with(now_ms, &retention, None);
        let config = ProfileConfig::default();
        self.enforce_budget(&config);
        let n = issues.len();
        self.repairs = issues;
        n
    }

    /// The problems found by the last read and [`Profile::repair`], emptied by the call.
    pub fn take_repairs(&mut self) -> Vec<RepairIssue> {
        std::mem::take(&mut self.repairs)
    }

    /// Applies the configuration's retention periods and sensitive-value list at `now_ms`:
    /// call after loading with the page's configuration (loading alone applies the retention
    /// stored with the profile).
    pub fn expire(&mut self, now_ms: f64, config: &ProfileConfig) -> ExpiryReport {
        self.retention = config.retention;
        self.expire_with(now_ms, &config.retention, Some(config))
    }

    fn expire_with(
        &mut self,
        now_ms: f64,
        retention: &Retention,
        config: Option<&ProfileConfig>,
    ) -> ExpiryReport {
        let mut report = ExpiryReport::default();
        let sensitive = |v: &str| config.is_some_and(|c| c.is_sensitive_value(v));
        let oldest = now_ms - retention.affinities_ms();
        for values in self.affinities.values_mut() {
            let before = values.len();
            values.retain(|v, d| d.1 >= oldest && !sensitive(v));
            report.affinities += before - values.len();
        }
        self.affinities.retain(|_, v| !v.is_empty());
        if self.price.weight > 0.0 && self.price.at_ms < oldest {
            self.price = Default::default();
            report.affinities += 1;
        }
        for values in self.coverage.values_mut() {
            let before = values.len();
            values.retain(|v, e| e.last_ms >= oldest && !sensitive(v));
            report.coverage += before - values.len();
        }
        self.coverage.retain(|_, v| !v.is_empty());
        let before = self.recent.len();
        let oldest_item = now_ms - retention.recent_items_ms();
        self.recent.retain(|i| i.at_ms >= oldest_item);
        report.recent_items = before - self.recent.len();
        let stale = now_ms - self.session.last_ms > retention.session_ms();
        let touched = self
            .session
            .items
            .iter()
            .any(|i| i.attributes.iter().any(|(_, v)| sensitive(v)));
        if (stale || touched) && !self.session.items.is_empty() {
            report.session = self.session.items.len();
            self.session = Default::default();
        }
        for values in self.stated.values_mut() {
            values.retain(|v, _| !sensitive(v));
        }
        report
    }
}

/// What [`Profile::expire`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiryReport {
    /// Affinity values (and the price statistics) past retention or sensitive.
    pub affinities: usize,
    /// Coverage values past retention or sensitive.
    pub coverage: usize,
    /// Recent items past retention.
    pub recent_items: usize,
    /// Session items past retention (or touching a sensitive value).
    pub session: usize,
}
