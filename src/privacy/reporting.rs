//! The reporting façade the engine drives: consent-gated submission (budget, ledger, queue
//! in that order), batches for the transport, settlement, audit, erase, and persistence of
//! the three documents (`budget`, `ledger`, `queue`) only while measurement is granted.

use serde::Serialize;

use super::budget::EpsilonBudget;
pub use super::config::ReportingConfig;
use super::consent::{ConsentState, Purpose};
use super::ledger::{DropReason, DropRecord, Ledger, LedgerEntry};
use super::queue::{self, Batch, DeliveryOutcome, QueuedReport, ReportQueue};
use super::reports::Report;
use super::rng::RandomSource;
use super::wire::{Day, ReportError, ReportId};
use crate::collections::VecMap;
use crate::storage::persist::{self, Keys, Versioned, Warning};
use crate::storage::{KeyValueStore, StorageError};

/// What `audit()` returns: everything sent, everything dropped, ε spent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Audit {
    /// Every ledgered payload within retention, oldest first.
    pub entries: Vec<LedgerEntry>,
    /// Drops per reason.
    pub drop_counts: VecMap<DropReason, u64>,
    /// Recent drops.
    pub recent_drops: Vec<DropRecord>,
    /// ε spent today (UTC) and the daily budget.
    pub epsilon_spent_today: f64,
    /// The daily budget.
    pub daily_epsilon: f64,
    /// ε per day, from the ledger.
    pub epsilon_by_day: VecMap<String, f64>,
    /// Reports waiting to be delivered.
    pub queued: usize,
    /// Where they go.
    pub endpoint: String,
    /// Whether these documents survive a reload (measurement granted and storage usable).
    pub persistent: bool,
}

/// Budget, ledger and queue, with their persistence.
pub struct Reporting {
    config: ReportingConfig,
    daily_milli: u32,
    keys: Keys,
    budget: EpsilonBudget,
    ledger: Ledger,
    queue: ReportQueue,
    persist: bool,
    warnings: Vec<Warning>,
}

impl Reporting {
    /// In-memory reporting state; nothing is read or written until [`Reporting::attach`].
    pub fn new(config: ReportingConfig, keys: Keys) -> Result<Reporting, ReportError> {
        let daily_milli = config.validate()?;
        Ok(Reporting {
            config,
            daily_milli,
            keys,
            budget: EpsilonBudget::default(),
            ledger: Ledger::default(),
            queue: ReportQueue::default(),
            persist: false,
            warnings: Vec::new(),
        })
    }

    /// The options.
    pub fn config(&self) -> &ReportingConfig {
        &self.config
    }

    /// Call when measurement is granted: reads the stored documents, merges them with the
    /// in-memory state and persists from now on.
    pub fn attach(&mut self, store: &mut dyn KeyValueStore, now_ms: f64) {
        let loaded = (|| -> Result<_, StorageError> {
            let budget = persist::load::<EpsilonBudget>(store, &self.keys, now_ms)?;
            let ledger = persist::load::<Ledger>(store, &self.keys, now_ms)?;
            let queue = persist::load::<ReportQueue>(store, &self.keys, now_ms)?;
            Ok((budget, ledger, queue))
        })();
        match loaded {
            Ok((budget, ledger, queue)) => {
                let writable = budget.writable && ledger.writable && queue.writable;
                self.warnings.extend(budget.warnings);
                self.warnings.extend(ledger.warnings);
                self.warnings.extend(queue.warnings);
                self.budget.merge(&budget.value);
                self.ledger.merge(ledger.value);
                for item in queue.value.items {
                    if !self.queue.items.iter().any(|r| r.id == item.id)
                        && self.queue.has_room(self.config.queue_capacity)
                    {
                        self.queue.items.push(item);
                    }
                }
                self.queue.failures = self.queue.failures.max(queue.value.failures);
                self.queue.next_attempt_ms =
                    self.queue.next_attempt_ms.max(queue.value.next_attempt_ms);
                self.persist = writable;
                self.save_all(store);
            }
            Err(e) => self.on_storage_error(e, "reporting"),
        }
    }

    /// Call when measurement is withdrawn: stops persisting, purges the queue (memory and
    /// storage) and records the drops. The ledger and budget stay as the audit trail and the
    /// privacy safeguard until [`Reporting::erase`]. Returns how many reports were purged.
    pub fn withdraw(&mut self, store: &mut dyn KeyValueStore, now_ms: f64) -> usize {
        let purged = self.queue.purge();
        for r in &purged {
            self.ledger
                .record_drop(DropReason::Withdrawn, r.report_type, now_ms);
        }
        if self.persist {
            self.save_ledger(store);
            let key = self.keys.doc(ReportQueue::DOC, ReportQueue::VERSION);
            if let Err(e) = store.remove(&key) {
                self.on_storage_error(e, &key);
            }
        }
        self.persist = false;
        purged.len()
    }

    /// Noises a report and queues it, if consent, queue, ledger and budget allow, in that
    /// order; every refusal after consent is recorded as a drop. The payload is in the
    /// ledger before it can be sent.
    pub fn submit(
        &mut self,
        consent: &ConsentState,
        report: &Report,
        now_ms: f64,
        rng: &mut dyn RandomSource,
        store: &mut dyn KeyValueStore,
    ) -> Result<ReportId, ReportError> {
        if !consent.allows(Purpose::Measurement) {
            return Err(ReportError::ConsentRequired);
        }
        let today = Day::from_ms(now_ms);
        if report.day > today || report.day.0 + queue::MAX_REPORT_AGE_DAYS < today.0 {
            return Err(ReportError::InvalidDay);
        }
        let epsilon = self.config.epsilon_for(report.kind)?;
        self.ledger.prune(now_ms, self.config.ledger_retention_days);
        let refusal = if !self.queue.has_room(self.config.queue_capacity) {
            Some((DropReason::QueueFull, ReportError::QueueFull))
        } else if !self.ledger.has_room(self.config.ledger_max_entries) {
            Some((DropReason::LedgerFull, ReportError::LedgerFull))
        } else {
            self.budget
                .try_spend(self.daily_milli, epsilon, today)
                .err()
                .map(|e| (DropReason::BudgetExhausted, e))
        };
        if let Some((reason, error)) = refusal {
            self.ledger.record_drop(reason, report.kind, now_ms);
            self.save_ledger(store);
            return Err(error);
        }
        let encoded = report.encode(epsilon, rng);
        let payload = encoded.to_json();
        let id = encoded.id.to_string();
        let entry = LedgerEntry {
            at_ms: now_ms,
            purpose: report.kind.schema().purpose,
            report_type: report.kind,
            report_id: id.clone(),
            payload: payload.clone(),
            epsilon: epsilon.get(),
        };
        let queued = QueuedReport {
            id,
            report_type: report.kind,
            day: report.day,
            payload,
        };
        // Room for both was checked above.
        self.ledger.append(entry, self.config.ledger_max_entries)?;
        self.queue.push(queued, self.config.queue_capacity)?;
        self.save_all(store);
        Ok(encoded.id)
    }

    /// The next batch to send, if consent allows and an attempt is due. Expired reports
    /// are dropped (and recorded) first. The batch stays queued until [`Reporting::settle`].
    pub fn next_batch(
        &mut self,
        consent: &ConsentState,
        now_ms: f64,
        store: &mut dyn KeyValueStore,
    ) -> Option<Batch> {
        if !consent.allows(Purpose::Measurement) {
            return None;
        }
        let expired = self.queue.take_expired(Day::from_ms(now_ms));
        if !expired.is_empty() {
            for r in &expired {
                self.ledger
                    .record_drop(DropReason::Expired, r.report_type, now_ms);
            }
            self.save_all(store);
        }
        self.queue.next_batch(now_ms, self.config.max_batch)
    }

    /// Records how a batch went: delivered and rejected reports leave the queue (rejections
    /// recorded as drops); anything else schedules a retry with backoff.
    pub fn settle(
        &mut self,
        ids: &[String],
        outcome: DeliveryOutcome,
        now_ms: f64,
        rng: &mut dyn RandomSource,
        store: &mut dyn KeyValueStore,
    ) {
        let backoff = self.config.backoff;
        for r in self.queue.settle(ids, outcome, now_ms, &backoff, rng) {
            self.ledger
                .record_drop(DropReason::Rejected, r.report_type, now_ms);
        }
        self.save_all(store);
    }

    /// The audit view at `now_ms`.
    pub fn audit(&self, now_ms: f64) -> Audit {
        let today = Day::from_ms(now_ms);
        let spent = self.daily_milli
            - self
                .budget
                .remaining_milli(self.daily_milli, today)
                .min(self.daily_milli);
        let cutoff = now_ms - f64::from(self.config.ledger_retention_days) * 86_400_000.0;
        let entries: Vec<LedgerEntry> = self
            .ledger
            .entries
            .iter()
            .filter(|e| e.at_ms >= cutoff)
            .cloned()
            .collect();
        Audit {
            entries,
            drop_counts: self.ledger.drop_counts.clone(),
            recent_drops: self.ledger.recent_drops.clone(),
            epsilon_spent_today: f64::from(spent) / 1000.0,
            daily_epsilon: f64::from(self.daily_milli) / 1000.0,
            epsilon_by_day: self.ledger.epsilon_by_day(),
            queued: self.queue.items.len(),
            endpoint: self.config.endpoint.clone(),
            persistent: self.persist,
        }
    }

    /// Forgets budget, ledger and queue, in memory and in storage.
    pub fn erase(&mut self, store: &mut dyn KeyValueStore) {
        self.budget = EpsilonBudget::default();
        self.ledger = Ledger::default();
        self.queue = ReportQueue::default();
        for key in [
            self.keys.doc(EpsilonBudget::DOC, EpsilonBudget::VERSION),
            self.keys.doc(Ledger::DOC, Ledger::VERSION),
            self.keys.doc(ReportQueue::DOC, ReportQueue::VERSION),
        ] {
            if let Err(e) = store.remove(&key) {
                self.on_storage_error(e, &key);
            }
        }
    }

    /// Returns and clears the storage warnings collected since the last call.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings)
    }

    fn save_all(&mut self, store: &mut dyn KeyValueStore) {
        // Ledger first: a payload is recorded before anything can send it.
        self.save_ledger(store);
        let result = self
            .persist
            .then(|| persist::save(store, &self.keys, &self.budget));
        self.on_save::<EpsilonBudget>(result);
        let result = self
            .persist
            .then(|| persist::save(store, &self.keys, &self.queue));
        self.on_save::<ReportQueue>(result);
    }

    fn save_ledger(&mut self, store: &mut dyn KeyValueStore) {
        let result = self
            .persist
            .then(|| persist::save(store, &self.keys, &self.ledger));
        self.on_save::<Ledger>(result);
    }

    fn on_save<T: Versioned>(&mut self, result: Option<Result<(), StorageError>>) {
        if let Some(Err(e)) = result {
            let key = self.keys.doc(T::DOC, T::VERSION);
            self.on_storage_error(e, &key);
        }
    }

    fn on_storage_error(&mut self, error: StorageError, key: &str) {
        let code = match error {
            StorageError::Unavailable(_) => {
                self.persist = false;
                persist::STORAGE_UNAVAILABLE
            }
            StorageError::QuotaExceeded => persist::STORAGE_QUOTA,
            StorageError::Backend(_) => persist::STORAGE_WRITE_FAILED,
        };
        if self
            .warnings
            .iter()
            .any(|w| w.code == code && w.key.as_deref() == Some(key))
        {
            return;
        }
        self.warnings.push(Warning {
            code,
            message: format!("{error}; reporting state is kept in memory"),
            key: Some(key.to_owned()),
            quarantine_key: None,
        });
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "reporting_tests.rs"]
mod tests;
