//! Versioned documents in a [`KeyValueStore`], read defensively.
//!
//! A value that cannot be read (corrupt JSON, wrong types, written by a newer SDK) is never
//! destroyed: it is copied to a quarantine key first, and if even that fails the original key
//! is left alone and Vitrine works in memory for that document. Each condition surfaces as a
//! typed [`Warning`] instead of an exception.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{KeyValueStore, StorageError};

/// A non-fatal condition the page may want to know about (e.g. to log or show).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// Stable code, e.g. `VITRINE_STORAGE_CORRUPT`.
    pub code: &'static str,
    /// A human-readable sentence.
    pub message: String,
    /// The storage key concerned, if any.
    pub key: Option<String>,
    /// Where the unreadable value was preserved, if it was.
    pub quarantine_key: Option<String>,
}

/// Storage cannot be used; Vitrine keeps everything in memory for this page.
pub const STORAGE_UNAVAILABLE: &str = "VITRINE_STORAGE_UNAVAILABLE";
/// A write exceeded the quota; the in-memory state is kept and retried on the next write.
pub const STORAGE_QUOTA: &str = "VITRINE_STORAGE_QUOTA";
/// A stored value could not be parsed; it was quarantined.
pub const STORAGE_CORRUPT: &str = "VITRINE_STORAGE_CORRUPT";
/// A stored value was written by a newer, unknown schema version; it was quarantined.
pub const STORAGE_FUTURE_VERSION: &str = "VITRINE_STORAGE_FUTURE_VERSION";
/// A stored value had unusable entries, which were dropped.
pub const STORAGE_REPAIRED: &str = "VITRINE_STORAGE_REPAIRED";
/// Any other write failure.
pub const STORAGE_WRITE_FAILED: &str = "VITRINE_STORAGE_WRITE_FAILED";

/// The storage keys of one namespace: `{ns}:v{version}:{doc}` and `{ns}:quarantine:{doc}:{ms}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    namespace: String,
}

impl Keys {
    /// Keys under `namespace` (validated by the caller).
    pub fn new(namespace: &str) -> Self {
        Keys {
            namespace: namespace.to_owned(),
        }
    }

    /// The key of a versioned document.
    pub fn doc(&self, doc: &str, version: u32) -> String {
        format!("{}:v{version}:{doc}", self.namespace)
    }

    /// A fresh quarantine key for a document.
    pub fn quarantine(&self, doc: &str, now_ms: f64) -> String {
        format!(
            "{}:quarantine:{doc}:{}",
            self.namespace,
            now_ms.max(0.0) as u64
        )
    }

    /// The prefix every key of this namespace starts with.
    pub fn prefix(&self) -> String {
        format!("{}:", self.namespace)
    }
}

/// A document read from storage.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The document (the default when absent or unreadable).
    pub value: T,
    /// What went wrong, if anything.
    pub warnings: Vec<Warning>,
    /// False when an unreadable value could not be quarantined: the key must not be
    /// overwritten, so the document lives in memory only.
    pub writable: bool,
}

/// A document with a schema version and a repair step for tampered fields.
pub trait Versioned: Serialize + crate::json::ToJson + DeserializeOwned + Default {
    /// The document's name in its key (`profile`, …).
    const DOC: &'static str;
    /// The schema version this build writes.
    const VERSION: u32;
    /// Drops or fixes unusable fields; returns how many were dropped.
    fn repair(&mut self, now_ms: f64) -> usize;
    /// Parses the stored text (its version already checked): straight from the text, so the
    /// wasm bundle holds one deserializer per document type. A document that reads
    /// leniently (the profile) overrides this.
    fn parse(text: &str) -> Result<Self, String> {
        crate::json::from_str(text).map_err(|e| e.to_string())
    }
}

/// Reads a versioned document. Fails only when storage itself is unavailable.
pub fn load<T: Versioned>(
    store: &mut dyn KeyValueStore,
    keys: &Keys,
    now_ms: f64,
) -> Result<Loaded<T>, StorageError> {
    let mut value = T::default();
    let (warnings, writable) = load_document(store, keys, T::DOC, T::VERSION, now_ms, &mut value)?;
    Ok(Loaded {
        value,
        warnings,
        writable,
    })
}

/// A document [`load_document`] reads into: the only per-type step of a load.
trait Stored {
    /// Parses and repairs the stored text into `self` (left as it was on error); returns
    /// how many entries were dropped, or why the shape is wrong.
    fn read_stored(&mut self, text: &str, now_ms: f64) -> Result<usize, String>;
}

impl<T: Versioned> Stored for T {
    fn read_stored(&mut self, text: &str, now_ms: f64) -> Result<usize, String> {
        let mut doc = T::parse(text)?;
        let dropped = doc.repair(now_ms);
        *self = doc;
        Ok(dropped)
    }
}

/// The type-independent part of [`load`] (one copy for every document type): reads the key,
/// checks JSON and version, hands the text to `read` (parse and repair into the document)
/// and quarantines what cannot be read.
/// Returns the warnings and whether the key may be written.
fn load_document(
    store: &mut dyn KeyValueStore,
    keys: &Keys,
    doc: &str,
    version: u32,
    now_ms: f64,
    read: &mut dyn Stored,
) -> Result<(Vec<Warning>, bool), StorageError> {
    let key = keys.doc(doc, version);
    let Some(raw) = store.get(&key)? else {
        return Ok((Vec::new(), true));
    };
    let problem = match crate::json::version(&raw) {
        Err(e) => (STORAGE_CORRUPT, format!("stored {doc} is not JSON: {e}")),
        Ok(stored) => match stored {
            Some(v) if v > u64::from(version) => (
                STORAGE_FUTURE_VERSION,
                format!("stored {doc} has version {v}; this SDK reads up to {version}"),
            ),
            _ => match read.read_stored(&raw, now_ms) {
                Ok(dropped) => {
                    let warnings = (dropped > 0)
                        .then(|| Warning {
                            code: STORAGE_REPAIRED,
                            message: format!(
                                "dropped {dropped} unusable entries from stored {doc}"
                            ),
                            key: Some(key.clone()),
                            quarantine_key: None,
                        })
                        .into_iter()
                        .collect();
                    return Ok((warnings, true));
                }
                Err(e) => (
                    STORAGE_CORRUPT,
                    format!("stored {doc} has the wrong shape: {e}"),
                ),
            },
        },
    };
    let quarantine_key = keys.quarantine(doc, now_ms);
    let saved = store.set(&quarantine_key, &raw).is_ok();
    let warning = Warning {
        code: problem.0,
        message: if saved {
            problem.1
        } else {
            format!(
                "{}; it could not be quarantined, so it is left untouched",
                problem.1
            )
        },
        key: Some(key),
        quarantine_key: saved.then_some(quarantine_key),
    };
    Ok((vec![warning], saved))
}

/// Writes a versioned document.
pub fn save<T: Versioned>(
    store: &mut dyn KeyValueStore,
    keys: &Keys,
    value: &T,
) -> Result<(), StorageError> {
    let json = crate::json::to_json(value);
    store.set(&keys.doc(T::DOC, T::VERSION), &json)
}

impl Versioned for crate::profile::Profile {
    const DOC: &'static str = "profile";
    const VERSION: u32 = crate::profile::PROFILE_VERSION;
    fn repair(&mut self, now_ms: f64) -> usize {
        crate::profile::Profile::repair(self, now_ms)
    }
    fn parse(text: &str) -> Result<Self, String> {
        crate::profile::Profile::from_stored(text)
            .ok_or_else(|| "a stored profile must be a JSON object".to_owned())
    }
}
