//! Reading a stored profile field by field: a field or entry with the wrong JSON type is reset
//! or dropped on its own and noted as a [`RepairIssue`]; the rest of the profile is kept.

use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::activity::Activity;
use super::affinity::Decayed;
use super::coverage::Engagement;
use super::repair::{path, RepairIssue};
use super::session::RecentItem;
use super::Profile;

/// The fields of a JSON object, taken out by name. Consuming the map once, instead of removing
/// keys from it one by one, keeps the B-tree's removal code out of the wasm bundle.
struct Fields(Vec<(String, Value)>);

impl Fields {
    fn new(object: Map<String, Value>) -> Self {
        Fields(object.into_iter().collect())
    }

    /// The value of `key` (keys are unique), taken out.
    fn take(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(at).1)
    }
}

/// Collects issues while reading fields leniently.
#[derive(Default)]
struct Reader {
    issues: Vec<RepairIssue>,
}

impl Reader {
    fn wrong(&mut self, parts: &[&str]) {
        self.issues
            .push(RepairIssue::WrongType { field: path(parts) });
    }

    fn range(&mut self, parts: &[&str]) {
        self.issues
            .push(RepairIssue::OutOfRange { field: path(parts) });
    }

    fn parse<T: DeserializeOwned>(&mut self, value: Value, parts: &[&str]) -> Option<T> {
        match serde_json::from_value(value) {
            Ok(v) => Some(v),
            Err(_) => {
                self.wrong(parts);
                None
            }
        }
    }

    fn section<T: DeserializeOwned + Default>(&mut self, obj: &mut Fields, key: &str) -> T {
        match obj.take(key) {
            None | Some(Value::Null) => T::default(),
            Some(v) => self.parse(v, &[key]).unwrap_or_default(),
        }
    }

    fn count(&mut self, obj: &mut Fields, parts: &[&str]) -> u64 {
        let key = parts[parts.len() - 1];
        match obj.take(key) {
            None | Some(Value::Null) => 0,
            Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
                (Some(u), _) => u,
                (None, Some(f)) if f.is_finite() && f >= 0.0 => f as u64,
                _ => {
                    self.range(parts);
                    0
                }
            },
            Some(_) => {
                self.wrong(parts);
                0
            }
        }
    }

    fn time(&mut self, obj: &mut Fields, parts: &[&str]) -> Option<f64> {
        let key = parts[parts.len() - 1];
        match obj.take(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(t) if t.is_finite() && t >= 0.0 => Some(t),
                _ => {
                    self.range(parts);
                    None
                }
            },
            Some(_) => {
                self.wrong(parts);
                None
            }
        }
    }

    fn nested<T: DeserializeOwned>(
        &mut self,
        value: Value,
        key: &str,
    ) -> Vec<(String, Vec<(String, T)>)> {
        let Value::Object(outer) = value else {
            self.wrong(&[key]);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, inner) in outer {
            let Value::Object(inner) = inner else {
                self.wrong(&[key, &name]);
                continue;
            };
            let entries = inner
                .into_iter()
                .filter_map(|(v, raw)| self.parse::<T>(raw, &[key, &name, &v]).map(|x| (v, x)))
                .collect();
            out.push((name, entries));
        }
        out
    }

    fn activity(&mut self, value: Value) -> Activity {
        let Value::Object(obj) = value else {
            self.wrong(&["activity"]);
            return Activity::default();
        };
        let mut obj = Fields::new(obj);
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

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Profile::from_stored(value)
            .ok_or_else(|| D::Error::custom("a stored profile must be a JSON object"))
    }
}

impl Profile {
    /// Builds a profile from stored JSON (any schema version's fields), field by field: wrong
    /// types are reset and noted for [`Profile::repair`]. `None` when `value` is not an object.
    pub fn from_stored(value: Value) -> Option<Profile> {
        let Value::Object(obj) = value else {
            return None;
        };
        let mut obj = Fields::new(obj);
        let mut r = Reader::default();
        let mut p = Profile::default();
        match obj
            .take("version")
            .map(|v| v.as_u64().and_then(|v| u32::try_from(v).ok()))
        {
            None => {}
            Some(Some(v)) => p.version = v,
            Some(None) => r.wrong(&["version"]),
        }
        p.event_count = r.count(&mut obj, &["eventCount"]);
        p.updated_ms = r.time(&mut obj, &["updatedMs"]).unwrap_or(0.0);
        if let Some(v) = obj.take("affinities") {
            for (attr, entries) in r.nested::<Decayed>(v, "affinities") {
                p.affinities.insert(attr, entries.into_iter().collect());
            }
        }
        if let Some(v) = obj.take("coverage") {
            for (attr, entries) in r.nested::<Engagement>(v, "coverage") {
                p.coverage.insert(attr, entries.into_iter().collect());
            }
        }
        p.price = r.section(&mut obj, "price");
        if let Some(v) = obj.take("activity").filter(|v| !v.is_null()) {
            p.activity = r.activity(v);
        }
        p.session = r.section(&mut obj, "session");
        match obj.take("recent") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                p.recent = items
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, item)| {
                        r.parse::<RecentItem>(item, &["recent", &i.to_string()])
                    })
                    .collect();
            }
            Some(_) => r.wrong(&["recent"]),
        }
        match obj.take("paused") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => p.paused = b,
            Some(_) => r.wrong(&["paused"]),
        }
        p.retention = r.section(&mut obj, "retention");
        p.repairs = r.issues;
        Some(p)
    }
}
