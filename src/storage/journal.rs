//! A store that mirrors another one it cannot reach directly.
//!
//! A Web Worker has no `localStorage`. In worker mode the engine runs on a [`JournaledStore`]
//! seeded with a snapshot of the namespace taken on the main thread; every write is applied
//! to the mirror at once and recorded in a journal, which the glue hands back to the main
//! thread to replay onto the real storage, in order.

use serde::{Deserialize, Serialize};

use super::{KeyValueStore, StorageError};
use crate::collections::VecMap;

/// One write to replay on the real storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "op")]
pub enum StorageWrite {
    /// `setItem(key, value)`.
    Set {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// `removeItem(key)`.
    Remove {
        /// The key.
        key: String,
    },
}

/// An in-memory mirror of a persistent store, with a journal of writes to replay.
#[derive(Debug, Clone, Default)]
pub struct JournaledStore {
    entries: VecMap<String, String>,
    journal: Vec<StorageWrite>,
}

impl JournaledStore {
    /// A mirror holding `snapshot` (key, value) pairs.
    pub fn new(snapshot: impl IntoIterator<Item = (String, String)>) -> Self {
        JournaledStore {
            entries: snapshot.into_iter().collect(),
            journal: Vec::new(),
        }
    }

    /// Returns and clears the writes made since the last call, oldest first.
    pub fn take_journal(&mut self) -> Vec<StorageWrite> {
        std::mem::take(&mut self.journal)
    }
}

impl KeyValueStore for JournaledStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.entries.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        self.entries.insert(key.to_owned(), value.to_owned());
        self.journal.push(StorageWrite::Set {
            key: key.to_owned(),
            value: value.to_owned(),
        });
        Ok(())
    }

    fn remove(&mut self, key: &str) -> Result<(), StorageError> {
        self.entries.remove(key);
        self.journal.push(StorageWrite::Remove {
            key: key.to_owned(),
        });
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StorageError> {
        Ok(self.entries.keys().cloned().collect())
    }

    fn is_persistent(&self) -> bool {
        true
    }

    fn take_journal(&mut self) -> Vec<StorageWrite> {
        JournaledStore::take_journal(self)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn writes_are_mirrored_and_journaled_in_order() {
        let mut store = JournaledStore::new([("a".to_owned(), "1".to_owned())]);
        assert_eq!(store.get("a").unwrap().as_deref(), Some("1"));
        store.set("b", "2").unwrap();
        store.remove("a").unwrap();
        assert_eq!(store.keys().unwrap(), ["b"]);
        let journal = KeyValueStore::take_journal(&mut store);
        assert_eq!(
            journal,
            [
                StorageWrite::Set {
                    key: "b".into(),
                    value: "2".into()
                },
                StorageWrite::Remove { key: "a".into() },
            ]
        );
        assert!(KeyValueStore::take_journal(&mut store).is_empty());
    }
}
