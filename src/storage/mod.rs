//! Key-value storage behind a small trait, so the core runs on the host with [`MemoryStore`]
//! and in the browser with localStorage (see the wasm glue), and so storage failures
//! (quota, disabled, corrupt data) degrade to memory instead of breaking the page.

pub mod journal;
pub mod persist;

use thiserror::Error;

use crate::collections::VecMap;

/// Why a storage operation failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StorageError {
    /// Storage cannot be used at all (disabled, blocked, private mode, SSR).
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// The write would exceed the storage quota.
    #[error("storage quota exceeded")]
    QuotaExceeded,
    /// Any other failure reported by the backend.
    #[error("storage failed: {0}")]
    Backend(String),
}

/// A string key-value store (the shape of `window.localStorage`).
pub trait KeyValueStore {
    /// Reads a key; `Ok(None)` when absent.
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    /// Writes a key.
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Removes a key (absent keys are fine).
    fn remove(&mut self, key: &str) -> Result<(), StorageError>;
    /// Every key currently stored (used to erase everything under a namespace).
    fn keys(&self) -> Result<Vec<String>, StorageError>;
    /// Whether writes survive a page reload (false for the in-memory fallback).
    fn is_persistent(&self) -> bool;
    /// Writes to replay on the real storage, for stores that only mirror it (worker mode);
    /// empty for stores that write through.
    fn take_journal(&mut self) -> Vec<journal::StorageWrite> {
        Vec::new()
    }
}

impl<S: KeyValueStore + ?Sized> KeyValueStore for Box<S> {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        (**self).get(key)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        (**self).set(key, value)
    }
    fn remove(&mut self, key: &str) -> Result<(), StorageError> {
        (**self).remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StorageError> {
        (**self).keys()
    }
    fn is_persistent(&self) -> bool {
        (**self).is_persistent()
    }
    fn take_journal(&mut self) -> Vec<journal::StorageWrite> {
        (**self).take_journal()
    }
}

/// An in-memory store: the host's test double and the browser's fallback.
///
/// `quota_bytes` emulates a storage quota (sum of key and value lengths).
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    entries: VecMap<String, String>,
    quota_bytes: Option<usize>,
}

impl MemoryStore {
    /// A store that fails writes beyond `quota_bytes` with [`StorageError::QuotaExceeded`].
    pub fn with_quota(quota_bytes: usize) -> Self {
        MemoryStore {
            entries: VecMap::new(),
            quota_bytes: Some(quota_bytes),
        }
    }

    fn used_bytes_without(&self, key: &str) -> usize {
        self.entries
            .iter()
            .filter(|(k, _)| k.as_str() != key)
            .map(|(k, v)| k.len() + v.len())
            .sum()
    }
}

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.entries.get(key).cloned())
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        if let Some(quota) = self.quota_bytes {
            if self.used_bytes_without(key) + key.len() + value.len() > quota {
                return Err(StorageError::QuotaExceeded);
            }
        }
        self.entries.insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), StorageError> {
        self.entries.remove(key);
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, StorageError> {
        Ok(self.entries.keys().cloned().collect())
    }
    fn is_persistent(&self) -> bool {
        false
    }
}

/// A store whose every call fails as `Unavailable`: storage disabled by the browser.
#[derive(Debug, Clone, Copy, Default)]
pub struct DisabledStore;

impl KeyValueStore for DisabledStore {
    fn get(&self, _: &str) -> Result<Option<String>, StorageError> {
        Err(StorageError::Unavailable("disabled".into()))
    }
    fn set(&mut self, _: &str, _: &str) -> Result<(), StorageError> {
        Err(StorageError::Unavailable("disabled".into()))
    }
    fn remove(&mut self, _: &str) -> Result<(), StorageError> {
        Err(StorageError::Unavailable("disabled".into()))
    }
    fn keys(&self) -> Result<Vec<String>, StorageError> {
        Err(StorageError::Unavailable("disabled".into()))
    }
    fn is_persistent(&self) -> bool {
        false
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn memory_store_enforces_quota() {
        let mut s = MemoryStore::with_quota(10);
        s.set("a", "1234").unwrap();
        assert_eq!(s.set("b", "123456789"), Err(StorageError::QuotaExceeded));
        // Overwriting a key counts only the new value.
        s.set("a", "12345678").unwrap();
        assert_eq!(s.get("a").unwrap().as_deref(), Some("12345678"));
    }
}
