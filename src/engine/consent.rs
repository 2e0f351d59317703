//! Consent transitions: when the real store may be touched, what happens to buffered events,
//! and what withdrawal erases.

use super::Engine;
use crate::error::Error;
use crate::privacy::consent::{ConsentChange, ConsentError, ConsentState, ConsentUpdate, Purpose};
use crate::privacy::tcf::{TcString, TcfMapping};
use crate::profile::Profile;
use crate::storage::MemoryStore;

/// `StorageStatus::reason` until a purpose is granted.
pub const WAITING_FOR_CONSENT: &str = "waiting for consent";

/// Documents that exist only for personalization; withdrawing it erases them.
const PERSONAL_DOCS: [&str; 3] = ["profile", "quiz", "memory"];

impl Engine {
    /// Applies a consent update given as JSON: Vitrine purposes (`personalization`,
    /// `measurement`) or Google Consent Mode v2 keys, each `"granted"`/`"denied"` or a
    /// boolean. Unknown keys are a typed error and change nothing.
    pub fn set_consent_json(&mut self, json: &str, now_ms: f64) -> Result<ConsentChange, Error> {
        let update = ConsentUpdate::from_json(json)?;
        Ok(self.set_consent(&update, now_ms))
    }

    /// Applies consent from an IAB TCF v2.2 TC string, with the given purpose mapping.
    pub fn set_consent_tcf(
        &mut self,
        tc_string: &str,
        mapping: &TcfMapping,
        now_ms: f64,
    ) -> Result<ConsentChange, Error> {
        let update = TcString::parse(tc_string)
            .map_err(ConsentError::from)?
            .to_update(mapping);
        Ok(self.set_consent(&update, now_ms))
    }

    /// Applies a parsed consent update.
    pub fn set_consent(&mut self, update: &ConsentUpdate, now_ms: f64) -> ConsentChange {
        let change = self.consent.apply(update);
        let any_granted = Purpose::ALL.into_iter().any(|p| self.consent.allows(p));
        if any_granted {
            self.attach_storage();
        }
        for purpose in &change.granted {
            match purpose {
                Purpose::Personalization => self.start_personalization(now_ms),
                Purpose::Measurement => {
                    self.reporting.attach(self.store.as_mut(), now_ms);
                    self.attach_measurement(now_ms);
                }
            }
        }
        for purpose in &change.withdrawn {
            match purpose {
                Purpose::Personalization => self.erase_personal_data(),
                Purpose::Measurement => {
                    self.reporting.withdraw(self.store.as_mut(), now_ms);
                    self.engagement = Default::default();
                    self.withdraw_measurement();
                }
            }
        }
        if change.denied.contains(&Purpose::Personalization) {
            self.buffer.clear();
        }
        if !any_granted {
            self.detach_storage();
        }
        change
    }

    /// The current consent decisions.
    pub fn consent(&self) -> ConsentState {
        self.consent
    }

    /// Moves the real store into use (once).
    fn attach_storage(&mut self) {
        if let Some(durable) = self.durable.take() {
            self.store = durable;
            self.storage_reason = None;
        }
    }

    /// Puts the real store aside again: nothing is granted any more.
    fn detach_storage(&mut self) {
        if self.durable.is_none() && self.store.is_persistent() {
            let real = std::mem::replace(&mut self.store, Box::new(MemoryStore::default()));
            self.durable = Some(real);
        }
        self.storage_reason = Some(WAITING_FOR_CONSENT.to_owned());
        self.profile_loaded = false;
    }

    /// Reads the stored profile and quiz, then replays the events buffered before consent.
    fn start_personalization(&mut self, now_ms: f64) {
        self.load_personal_data(now_ms);
        self.load_memory(now_ms);
        self.profile_loaded = true;
        let buffered = self.buffer.take();
        for event in &buffered {
            self.learn(event);
        }
        self.save_profile();
        self.save_memory();
        self.save_quiz();
    }

    /// Withdrawal of personalization: the profile and its quarantined copies are erased.
    fn erase_personal_data(&mut self) {
        self.profile = Profile::default();
        self.memory = crate::features::ItemMemory::default();
        self.memory_writable = true;
        self.quiz = crate::quiz::state::QuizState::default();
        self.profile_loaded = false;
        self.buffer.clear();
        let prefix = self.keys.prefix();
        let keys = match self.store.keys() {
            Ok(keys) => keys,
            Err(e) => return self.on_write_error(e, &prefix),
        };
        let personal = |key: &str| {
            key.strip_prefix(&prefix).is_some_and(|rest| {
                PERSONAL_DOCS.iter().any(|doc| {
                    // `…:{doc}` or `quarantine:{doc}:…`.
                    rest.strip_suffix(doc).is_some_and(|r| r.ends_with(':'))
                        || rest
                            .strip_prefix("quarantine:")
                            .and_then(|r| r.strip_prefix(doc))
                            .is_some_and(|r| r.starts_with(':'))
                })
            })
        };
        for key in keys.iter().filter(|k| personal(k)) {
            if let Err(e) = self.store.remove(key) {
                self.on_write_error(e, key);
            }
        }
    }
}
