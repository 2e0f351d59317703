//! Consent: Vitrine's two purposes, their state machine, the mapping from Google Consent
//! Mode v2 signals, and the in-memory buffer that holds events until the shopper decides.
//!
//! Each purpose starts `Pending` (treated as denied: nothing stored, nothing sent) unless
//! the site configures another default. `Pending → Granted` replays buffered events;
//! `Pending → Denied` discards them; `Granted → Denied` is a withdrawal, which the engine
//! turns into "purge queued reports" (measurement) or "erase the profile" (personalization).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::tcf::TcfError;
use crate::json::{self, Scalar};

/// Why Vitrine may process data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// The local profile and re-ranking; nothing leaves the browser.
    Personalization,
    /// Aggregated, locally noised reports sent to the collector.
    Measurement,
}

crate::json::names!(Purpose { Personalization => "personalization", Measurement => "measurement" });

impl Purpose {
    /// Both purposes.
    pub const ALL: [Purpose; 2] = [Purpose::Personalization, Purpose::Measurement];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Personalization => "personalization",
            Purpose::Measurement => "measurement",
        }
    }
}

/// Where one purpose stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Decision {
    /// Not decided yet: treated as denied, events are buffered in memory.
    #[default]
    Pending,
    /// Granted.
    Granted,
    /// Denied or withdrawn.
    Denied,
}

crate::json::names!(Decision { Pending => "pending", Granted => "granted", Denied => "denied" });

/// What to do with an event for a purpose, given the current decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Use it now.
    Apply,
    /// Keep it in the in-memory pre-consent buffer.
    Buffer,
    /// Drop it.
    Drop,
}

/// Why a consent update was rejected. A rejected update changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConsentError {
    /// The update is not a JSON object of keys to values.
    #[error("consent update must be an object of keys to \"granted\"/\"denied\" or booleans: {0}")]
    Malformed(String),
    /// A key that is neither a Vitrine purpose nor a Consent Mode v2 key.
    #[error("unknown consent key `{0}`")]
    UnknownKey(String),
    /// A value other than `"granted"`, `"denied"`, `true` or `false`.
    #[error("consent key `{key}` has invalid value {value}")]
    InvalidValue {
        /// The key.
        key: String,
        /// The value, as JSON (truncated).
        value: String,
    },
    /// Two keys mapping to the same purpose disagree.
    #[error("consent keys disagree about `{}`", .0.as_str())]
    Conflict(Purpose),
    /// A TCF string could not be read.
    #[error(transparent)]
    Tcf(#[from] TcfError),
}

/// How each Google Consent Mode v2 key maps to a Vitrine purpose, with the reason. Keys
/// mapped to `None` are accepted (so a site can forward its whole Consent Mode state) but
/// change nothing: Vitrine does no advertising and needs no security or functionality
/// storage, and treating those grants as consent to personalization would stretch them.
pub const CONSENT_MODE_MAPPING: &[(&str, Option<Purpose>, &str)] = &[
    (
        "personalization_storage",
        Some(Purpose::Personalization),
        "storage related to personalization, e.g. recommendations",
    ),
    (
        "analytics_storage",
        Some(Purpose::Measurement),
        "storage (and reporting) for analytics; Vitrine's reports are aggregated and noised",
    ),
    (
        "ad_storage",
        None,
        "advertising storage: Vitrine does no advertising",
    ),
    (
        "ad_user_data",
        None,
        "sending user data to Google for advertising: Vitrine sends nothing to Google",
    ),
    (
        "ad_personalization",
        None,
        "personalized advertising: Vitrine personalizes the shop, not ads",
    ),
    (
        "functionality_storage",
        None,
        "site functionality such as language settings: not Vitrine's purpose",
    ),
    (
        "security_storage",
        None,
        "security storage (strictly necessary): Vitrine stores nothing for security",
    ),
];

/// Most keys accepted in one update.
pub const MAX_CONSENT_KEYS: usize = 32;

/// A parsed consent update: a decision per purpose it mentions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsentUpdate {
    /// `personalization`, if mentioned.
    pub personalization: Option<bool>,
    /// `measurement`, if mentioned.
    pub measurement: Option<bool>,
}

impl ConsentUpdate {
    /// Parses `{"personalization": "granted", "analytics_storage": "denied", …}`.
    pub fn from_json(json: &str) -> Result<ConsentUpdate, ConsentError> {
        json::validate(json).map_err(|e| ConsentError::Malformed(e.to_string()))?;
        let members =
            json::members(json).ok_or_else(|| ConsentError::Malformed("not an object".into()))?;
        let entries: Vec<(String, Scalar)> = members
            .into_iter()
            .map(|(key, raw)| (key, Scalar::parse(raw).unwrap_or(Scalar::Null)))
            .collect();
        ConsentUpdate::from_entries(&entries)
    }

    /// Builds an update from `(key, value)` pairs: what [`ConsentUpdate::from_json`] reads,
    /// or the `consent` object of the engine options.
    pub fn from_entries(entries: &[(String, Scalar)]) -> Result<ConsentUpdate, ConsentError> {
        if entries.len() > MAX_CONSENT_KEYS {
            return Err(ConsentError::Malformed(format!(
                "more than {MAX_CONSENT_KEYS} keys"
            )));
        }
        let mut update = ConsentUpdate::default();
        for (key, value) in entries {
            let granted = match value {
                Scalar::Bool(b) => *b,
                Scalar::Str(s) if s == "granted" => true,
                Scalar::Str(s) if s == "denied" => false,
                other => {
                    return Err(ConsentError::InvalidValue {
                        key: truncated(key),
                        value: truncated(&other.to_string()),
                    });
                }
            };
            update.set(key_purpose(key)?, granted)?;
        }
        Ok(update)
    }

    /// Records a decision for a purpose (`None`: accepted and ignored).
    pub fn set(&mut self, purpose: Option<Purpose>, granted: bool) -> Result<(), ConsentError> {
        let Some(purpose) = purpose else {
            return Ok(());
        };
        let slot = match purpose {
            Purpose::Personalization => &mut self.personalization,
            Purpose::Measurement => &mut self.measurement,
        };
        match slot {
            Some(previous) if *previous != granted => Err(ConsentError::Conflict(purpose)),
            _ => {
                *slot = Some(granted);
                Ok(())
            }
        }
    }
}

/// The purpose a consent key maps to: Vitrine's own names, then Consent Mode v2 keys.
fn key_purpose(key: &str) -> Result<Option<Purpose>, ConsentError> {
    if let Some(p) = Purpose::ALL.into_iter().find(|p| p.as_str() == key) {
        return Ok(Some(p));
    }
    CONSENT_MODE_MAPPING
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, p, _)| *p)
        .ok_or_else(|| ConsentError::UnknownKey(truncated(key)))
}

fn truncated(s: &str) -> String {
    s.chars().take(64).collect()
}

/// The transitions an update caused.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentChange {
    /// Newly granted (from pending or denied): replay buffered events, allow storage.
    pub granted: Vec<Purpose>,
    /// Granted before, denied now: stop at once, purge queued reports / erase the profile.
    pub withdrawn: Vec<Purpose>,
    /// Pending before, denied now: discard what was buffered for it.
    pub denied: Vec<Purpose>,
}

/// The consent state of both purposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentState {
    /// The personalization decision.
    pub personalization: Decision,
    /// The measurement decision.
    pub measurement: Decision,
}

impl ConsentState {
    /// The decision for a purpose.
    pub fn decision(&self, purpose: Purpose) -> Decision {
        match purpose {
            Purpose::Personalization => self.personalization,
            Purpose::Measurement => self.measurement,
        }
    }

    /// Whether a purpose is granted (pending counts as denied).
    pub fn allows(&self, purpose: Purpose) -> bool {
        self.decision(purpose) == Decision::Granted
    }

    /// Whether any purpose is still undecided (so buffered events may still be needed).
    pub fn any_pending(&self) -> bool {
        Purpose::ALL
            .into_iter()
            .any(|p| self.decision(p) == Decision::Pending)
    }

    /// What to do with an event for `purpose` now.
    pub fn disposition(&self, purpose: Purpose) -> Disposition {
        match self.decision(purpose) {
            Decision::Granted => Disposition::Apply,
            Decision::Pending => Disposition::Buffer,
            Decision::Denied => Disposition::Drop,
        }
    }

    /// Applies an update and reports the transitions.
    pub fn apply(&mut self, update: &ConsentUpdate) -> ConsentChange {
        let mut change = ConsentChange::default();
        for purpose in Purpose::ALL {
            let wanted = match purpose {
                Purpose::Personalization => update.personalization,
                Purpose::Measurement => update.measurement,
            };
            let Some(granted) = wanted else { continue };
            let slot = match purpose {
                Purpose::Personalization => &mut self.personalization,
                Purpose::Measurement => &mut self.measurement,
            };
            match (*slot, granted) {
                (Decision::Granted, true) | (Decision::Denied, false) => {}
                (_, true) => change.granted.push(purpose),
                (Decision::Granted, false) => change.withdrawn.push(purpose),
                (Decision::Pending, false) => change.denied.push(purpose),
            }
            *slot = if granted {
                Decision::Granted
            } else {
                Decision::Denied
            };
        }
        change
    }
}

/// A bounded in-memory buffer of events received before consent. Never persisted. When
/// full, the oldest event is dropped (recent events matter most) and counted.
#[derive(Debug, Clone)]
pub struct PreConsentBuffer<T> {
    items: VecDeque<T>,
    capacity: usize,
    dropped: u64,
}

/// Default capacity of the pre-consent buffer.
pub const DEFAULT_BUFFER_CAPACITY: usize = 100;

impl<T> Default for PreConsentBuffer<T> {
    fn default() -> Self {
        PreConsentBuffer::with_capacity(DEFAULT_BUFFER_CAPACITY)
    }
}

impl<T> PreConsentBuffer<T> {
    /// A buffer holding at most `capacity` events (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        PreConsentBuffer {
            items: VecDeque::new(),
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    /// Adds an event; returns `true` when an older one had to be dropped.
    pub fn push(&mut self, item: T) -> bool {
        let overflow = self.items.len() >= self.capacity;
        if overflow {
            self.items.pop_front();
            self.dropped += 1;
        }
        self.items.push_back(item);
        overflow
    }

    /// The buffered events, oldest first (for replay; they stay buffered while another
    /// purpose is pending).
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    /// Removes and returns the buffered events, oldest first (for the replay on a grant).
    pub fn take(&mut self) -> VecDeque<T> {
        std::mem::take(&mut self.items)
    }

    /// Discards every buffered event.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// How many events are buffered.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many events were dropped because the buffer was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "consent_tests.rs"]
mod tests;
