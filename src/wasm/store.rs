//! `localStorage` through gloo-storage, behind the core's [`KeyValueStore`] trait.
//!
//! gloo's `LocalStorage::raw()` panics when storage is missing, so availability is probed
//! with web-sys first; a page with storage disabled gets errors, never a panic.

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::{JsCast, JsValue};

use crate::storage::{KeyValueStore, StorageError};

/// The browser's localStorage, or the reason it cannot be used.
pub struct LocalStore {
    available: Result<(), String>,
}

impl LocalStore {
    /// Probes localStorage (it throws in some privacy modes, and is absent in workers).
    pub fn open() -> Self {
        let available = match web_sys::window().map(|w| w.local_storage()) {
            None => Err("no window (worker or server)".to_owned()),
            Some(Err(e)) => Err(describe(&e)),
            Some(Ok(None)) => Err("localStorage is disabled".to_owned()),
            Some(Ok(Some(_))) => Ok(()),
        };
        LocalStore { available }
    }

    fn raw(&self) -> Result<web_sys::Storage, StorageError> {
        self.available
            .clone()
            .map_err(StorageError::Unavailable)
            .map(|()| LocalStorage::raw())
    }
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", String::from(e.name()), String::from(e.message())))
        .unwrap_or_else(|| format!("{error:?}"))
}

fn classify(error: JsValue) -> StorageError {
    let name = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()))
        .unwrap_or_default();
    match name.as_str() {
        "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED" => StorageError::QuotaExceeded,
        "SecurityError" => StorageError::Unavailable(describe(&error)),
        _ => StorageError::Backend(describe(&error)),
    }
}

impl KeyValueStore for LocalStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.raw()?.get_item(key).map_err(classify)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        self.raw()?.set_item(key, value).map_err(classify)
    }

    fn remove(&mut self, key: &str) -> Result<(), StorageError> {
        self.raw()?;
        LocalStorage::delete(key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StorageError> {
        let raw = self.raw()?;
        let len = raw.length().map_err(classify)?;
        Ok((0..len).filter_map(|i| raw.key(i).ok().flatten()).collect())
    }

    fn is_persistent(&self) -> bool {
        self.available.is_ok()
    }
}
