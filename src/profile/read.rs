//! Reading a stored profile field by field: a field or entry with the wrong JSON type is reset
//! or dropped on its own and noted as a [`RepairIssue`]; the rest of the profile is kept.

use serde::de::{Deserializer, Error as _};
use serde::Deserialize;

use super::activity::Activity;
use super::affinity::Decayed;
use super::coverage::Engagement;
use super::repair::{path, RepairIssue};
use super::session::RecentItem;
use super::Profile;
use crate::collections::VecMap;
use crate::json::{self, FromJson, Scalar};

/// The members of a JSON object as raw texts (sorted, unique keys; see [`json::members`]),
/// taken out by name.
pub(super) struct Fields<'a>(Vec<(String, &'a str)>);

impl<'a> Fields<'a> {
    /// The fields of `text`, `None` when it is not an object.
    pub(super) fn of(text: &'a str) -> Option<Self> {
        json::members(text).map(Fields)
    }

    /// The raw text of `key`, taken out.
    pub(super) fn take(&mut self, key: &str) -> Option<&'a str> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(at).1)
    }
}

/// Collects issues while reading fields leniently.
#[derive(Default)]
pub(super) struct Reader {
    pub(super) issues: Vec<RepairIssue>,
}

impl Reader {
    pub(super) fn wrong(&mut self, parts: &[&str]) {
        self.issues
            .push(RepairIssue::WrongType { field: path(parts) });
    }

    fn range(&mut self, parts: &[&str]) {
        self.issues
            .push(RepairIssue::OutOfRange { field: path(parts) });
    }

    /// `raw` read with `T`'s serde-free reader (the same values and failures as its derive).
    pub(super) fn parse<T: FromJson>(&mut self, raw: &str, parts: &[&str]) -> Option<T> {
        match json::read_str(raw) {
            Ok(v) => Some(v),
            Err(_) => {
                self.wrong(parts);
                None
            }
        }
    }

    pub(super) fn section<T: FromJson + Default>(&mut self, obj: &mut Fields, key: &str) -> T {
        match obj.take(key) {
            Some(raw) if !json::is_null(raw) => self.parse(raw, &[key]).unwrap_or_default(),
            _ => T::default(),
        }
    }

    /// The kind and scalar of a field (`Null` when absent).
    fn scalar(obj: &mut Fields, key: &str) -> Scalar {
        obj.take(key)
            .map_or(Some(Scalar::Null), Scalar::parse)
            .unwrap_or(Scalar::Object)
    }

    pub(super) fn count(&mut self, obj: &mut Fields, parts: &[&str]) -> u64 {
        let key = parts[parts.len() - 1];
        match Self::scalar(obj, key) {
            Scalar::Null => 0,
            n @ (Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_)) => {
                match (n.as_u64(), n.as_f64()) {
                    (Some(u), _) => u,
                    (None, Some(f)) if f.is_finite() && f >= 0.0 => f as u64,
                    _ => {
                        self.range(parts);
                        0
                    }
                }
            }
            _ => {
                self.wrong(parts);
                0
            }
        }
    }

    pub(super) fn time(&mut self, obj: &mut Fields, parts: &[&str]) -> Option<f64> {
        let key = parts[parts.len() - 1];
        match Self::scalar(obj, key) {
            Scalar::Null => None,
            n @ (Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_)) => match n.as_f64() {
                Some(t) if t.is_finite() && t >= 0.0 => Some(t),
                _ => {
                    self.range(parts);
                    None
                }
            },
            _ => {
                self.wrong(parts);
                None
            }
        }
    }

    fn nested<T: FromJson>(&mut self, raw: &str, key: &str) -> Vec<(String, VecMap<String, T>)> {
        let Some(outer) = json::members(raw) else {
            self.wrong(&[key]);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, inner) in outer {
            let Some(inner) = json::members(inner) else {
                self.wrong(&[key, &name]);
                continue;
            };
            let mut entries = Vec::new();
            for (v, raw) in inner {
                if let Some(x) = self.parse::<T>(raw, &[key, &name, &v]) {
                    entries.push((v, x));
                }
            }
            // Sorted and unique already (`json::members`).
            out.push((name, VecMap::from_pairs(entries)));
        }
        out
    }

    pub(super) fn activity(&mut self, raw: &str) -> Activity {
        let Some(mut obj) = Fields::of(raw) else {
            self.wrong(&["activity"]);
            return Activity::default();
        };
        let monetary = self
            .time(&mut obj, &["activity", "monetary"])
            .unwrap_or(0.0);
        Activity {
            first_ms: self.time(&mut obj, &["activity", "firstMs"]),
            last_ms: self.time(&mut obj, &["activity", "lastMs"]),
            last_purchase_ms: self.time(&mut obj, &["activity", "lastPurchaseMs"]),
            purchases: self.count(&mut obj, &["activity", "purchases"]),
            returns: self.count(&mut obj, &["activity", "returns"]),
            sessions: self.count(&mut obj, &["activity", "sessions"]),
            monetary,
        }
    }
}

/// For native callers and tests: through a `serde_json::Value` and back to text, then read
/// like storage reads it. Storage itself parses the stored text directly
/// ([`crate::storage::persist::Versioned::parse`]), so the wasm bundle never links this.
impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Profile::from_stored(&value.to_string())
            .ok_or_else(|| D::Error::custom("a stored profile must be a JSON object"))
    }
}

impl Profile {
    /// Builds a profile from stored JSON text (any schema version's fields), field by field:
    /// wrong types are reset and noted for [`Profile::repair`]. `None` when `text` is not an
    /// object. `text` must be valid JSON ([`json::validate`]; storage checks it first).
    pub fn from_stored(text: &str) -> Option<Profile> {
        let mut obj = Fields::of(text)?;
        let mut r = Reader::default();
        let mut p = Profile::default();
        match obj.take("version").map(|v| {
            Scalar::parse(v)
                .and_then(|v| v.as_u64())
                .and_then(|v| u32::try_from(v).ok())
        }) {
            None => {}
            Some(Some(v)) => p.version = v,
            Some(None) => r.wrong(&["version"]),
        }
        p.event_count = r.count(&mut obj, &["eventCount"]);
        p.updated_ms = r.time(&mut obj, &["updatedMs"]).unwrap_or(0.0);
        if let Some(v) = obj.take("affinities") {
            p.affinities = VecMap::from_pairs(r.nested::<Decayed>(v, "affinities"));
        }
        if let Some(v) = obj.take("coverage") {
            p.coverage = VecMap::from_pairs(r.nested::<Engagement>(v, "coverage"));
        }
        p.price = r.section(&mut obj, "price");
        if let Some(v) = obj.take("activity").filter(|v| !json::is_null(v)) {
            p.activity = r.activity(v);
        }
        p.session = r.section(&mut obj, "session");
        match obj.take("recent").filter(|v| !json::is_null(v)) {
            None => {}
            Some(raw) if raw.starts_with('[') => {
                for (i, item) in json::elements(raw)
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                {
                    if let Some(item) = r.parse::<RecentItem>(item, &["recent", &i.to_string()]) {
                        p.recent.push(item);
                    }
                }
            }
            Some(_) => r.wrong(&["recent"]),
        }
        match obj.take("paused") {
            None | Some("null") => {}
            Some("true") => p.paused = true,
            Some("false") => p.paused = false,
            Some(_) => r.wrong(&["paused"]),
        }
        p.retention = r.section(&mut obj, "retention");
        p.repairs = r.issues;
        Some(p)
    }
}
