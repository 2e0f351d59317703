//! The append-only audit ledger: every payload is recorded here, byte for byte, before it
//! can be sent. Entries are never edited; they leave only by age (retention) or erase.
//! When the ledger is full the new report is refused and the drop is counted, so nothing
//! is ever sent without a ledger entry.

use serde::{Deserialize, Serialize};

use super::consent::Purpose;
use super::reports::ReportKind;
use super::wire::{ReportError, MAX_REPORT_BYTES};
use crate::collections::{self, VecMap};
use crate::storage::persist::Versioned;

/// Schema version of the stored ledger.
pub const LEDGER_VERSION: u32 = 1;
/// Default retention, in days.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// Default bound on entries.
pub const DEFAULT_MAX_ENTRIES: usize = 1_000;
/// Recent drop records kept (counters are kept for all).
pub const MAX_RECENT_DROPS: usize = 50;
const MS_PER_DAY: f64 = 86_400_000.0;

/// One sent (or about-to-be-sent) payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LedgerEntry {
    /// When it was queued, ms since the epoch (local only; the payload carries the day).
    pub at_ms: f64,
    /// The consent purpose it was sent under.
    pub purpose: Purpose,
    /// The report type.
    pub report_type: ReportKind,
    /// The report id (also inside the payload).
    pub report_id: String,
    /// The exact bytes sent, as UTF-8 JSON.
    pub payload: String,
    /// ε spent on it.
    pub epsilon: f64,
}

/// Why a report did not leave, or left the queue without being delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DropReason {
    /// The daily ε budget was exhausted.
    BudgetExhausted,
    /// The outgoing queue was full.
    QueueFull,
    /// The ledger was full.
    LedgerFull,
    /// The collector rejected it as invalid (4xx).
    Rejected,
    /// It could not be delivered before it became too old.
    Expired,
    /// Measurement consent was withdrawn while it was queued.
    Withdrawn,
}

crate::json::names!(DropReason { BudgetExhausted => "budget_exhausted", QueueFull => "queue_full", LedgerFull => "ledger_full", Rejected => "rejected", Expired => "expired", Withdrawn => "withdrawn" });

/// One recorded drop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DropRecord {
    /// When.
    pub at_ms: f64,
    /// Why.
    pub reason: DropReason,
    /// Which report type.
    pub report_type: ReportKind,
}

/// The ledger document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ledger {
    /// Schema version.
    pub version: u32,
    /// Entries, oldest first.
    pub entries: Vec<LedgerEntry>,
    /// Drops per reason, since the ledger was created.
    pub drop_counts: VecMap<DropReason, u64>,
    /// The most recent drops, oldest first.
    pub recent_drops: Vec<DropRecord>,
}

impl Ledger {
    /// Removes entries older than `retention_days` at `now_ms`; returns how many.
    pub fn prune(&mut self, now_ms: f64, retention_days: u32) -> usize {
        let cutoff = now_ms - f64::from(retention_days) * MS_PER_DAY;
        let before = self.entries.len();
        self.entries.retain(|e| e.at_ms >= cutoff);
        self.recent_drops.retain(|d| d.at_ms >= cutoff);
        before - self.entries.len()
    }

    /// Whether one more entry fits under `max_entries`.
    pub fn has_room(&self, max_entries: usize) -> bool {
        self.entries.len() < max_entries
    }

    /// Appends an entry, or refuses when full (the caller records the drop).
    pub fn append(&mut self, entry: LedgerEntry, max_entries: usize) -> Result<(), ReportError> {
        if !self.has_room(max_entries) {
            return Err(ReportError::LedgerFull);
        }
        self.version = LEDGER_VERSION;
        self.entries.push(entry);
        Ok(())
    }

    /// Records a drop.
    pub fn record_drop(&mut self, reason: DropReason, report_type: ReportKind, at_ms: f64) {
        self.version = LEDGER_VERSION;
        *self.drop_counts.entry(reason).or_default() += 1;
        self.record_drop_record(DropRecord {
            at_ms,
            reason,
            report_type,
        });
    }

    /// Total ε recorded per UTC day (`YYYY-MM-DD` of the entry time).
    pub fn epsilon_by_day(&self) -> VecMap<String, f64> {
        let mut out = VecMap::new();
        for e in &self.entries {
            *out.entry(super::wire::Day::from_ms(e.at_ms).to_string())
                .or_insert(0.0) += e.epsilon;
        }
        out
    }

    /// Adds the entries and drops of another copy not already present (by report id).
    pub fn merge(&mut self, other: Ledger) {
        for entry in other.entries {
            if !self.entries.iter().any(|e| e.report_id == entry.report_id) {
                self.entries.push(entry);
            }
        }
        collections::sort_by(&mut self.entries, |a, b| a.at_ms.total_cmp(&b.at_ms));
        for (reason, count) in other.drop_counts {
            *self.drop_counts.entry(reason).or_default() += count;
        }
        for d in other.recent_drops {
            self.record_drop_record(d);
        }
    }

    fn record_drop_record(&mut self, d: DropRecord) {
        if self.recent_drops.len() >= MAX_RECENT_DROPS {
            self.recent_drops.remove(0);
        }
        self.recent_drops.push(d);
    }
}

// Serde-free readers (the wasm build's; same documents, values and errors as the derives).
crate::json::struct_reader!(LedgerEntry, "struct LedgerEntry", deny_unknown,
    LedgerEntry {
        at_ms: 0.0,
        purpose: Purpose::Measurement,
        report_type: ReportKind::Engagement,
        report_id: String::new(),
        payload: String::new(),
        epsilon: 0.0,
    },
    { at_ms: "atMs" required, purpose: "purpose" required, report_type: "reportType" required,
      report_id: "reportId" required, payload: "payload" required, epsilon: "epsilon" required });
crate::json::struct_reader!(DropRecord, "struct DropRecord", deny_unknown,
    DropRecord { at_ms: 0.0, reason: DropReason::Rejected, report_type: ReportKind::Engagement },
    { at_ms: "atMs" required, reason: "reason" required, report_type: "reportType" required });
crate::json::struct_reader!(Ledger, "struct Ledger", deny_unknown, Ledger::default(),
    { version: "version" required, entries: "entries" required,
      drop_counts: "dropCounts" required, recent_drops: "recentDrops" required });

impl Versioned for Ledger {
    const DOC: &'static str = "ledger";
    const VERSION: u32 = LEDGER_VERSION;
    fn parse(text: &str) -> Result<Self, String> {
        crate::json::read_str(text).map_err(|e| e.to_string())
    }
    fn repair(&mut self, _now_ms: f64) -> usize {
        let before = self.entries.len();
        self.entries.retain(|e| {
            e.at_ms.is_finite()
                && e.epsilon.is_finite()
                && e.epsilon > 0.0
                && e.payload.len() <= MAX_REPORT_BYTES
                && e.report_id.len() == 32
        });
        let dropped = before - self.entries.len();
        let recent = self.recent_drops.len();
        self.recent_drops.retain(|d| d.at_ms.is_finite());
        while self.recent_drops.len() > MAX_RECENT_DROPS {
            self.recent_drops.remove(0);
        }
        dropped + (recent - self.recent_drops.len())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn entry(at_ms: f64, id: u8) -> LedgerEntry {
        LedgerEntry {
            at_ms,
            purpose: Purpose::Measurement,
            report_type: ReportKind::Lifecycle,
            report_id: format!("{id:032x}"),
            payload: "{}".into(),
            epsilon: 0.5,
        }
    }

    #[test]
    fn refuses_when_full_and_prunes_by_age() {
        let mut l = Ledger::default();
        l.append(entry(0.0, 1), 2).unwrap();
        l.append(entry(MS_PER_DAY * 10.0, 2), 2).unwrap();
        assert_eq!(
            l.append(entry(MS_PER_DAY * 11.0, 3), 2),
            Err(ReportError::LedgerFull)
        );
        l.record_drop(
            DropReason::LedgerFull,
            ReportKind::Lifecycle,
            MS_PER_DAY * 11.0,
        );
        assert_eq!(l.drop_counts[&DropReason::LedgerFull], 1);
        assert_eq!(l.prune(MS_PER_DAY * 35.0, 30), 1);
        assert_eq!(l.entries.len(), 1);
        assert!(l.has_room(2));
    }

    #[test]
    fn recent_drops_are_bounded_and_counts_kept() {
        let mut l = Ledger::default();
        for i in 0..(MAX_RECENT_DROPS + 10) {
            l.record_drop(DropReason::QueueFull, ReportKind::Quiz, i as f64);
        }
        assert_eq!(l.recent_drops.len(), MAX_RECENT_DROPS);
        assert_eq!(
            l.drop_counts[&DropReason::QueueFull],
            (MAX_RECENT_DROPS + 10) as u64
        );
    }

    #[test]
    fn repair_drops_tampered_entries_and_merge_dedups() {
        let mut l = Ledger::default();
        l.entries.push(entry(f64::NAN, 1));
        l.entries.push(entry(1.0, 2));
        assert_eq!(l.repair(0.0), 1);
        let mut other = Ledger::default();
        other.entries.push(entry(1.0, 2));
        other.entries.push(entry(0.5, 3));
        l.merge(other);
        assert_eq!(l.entries.len(), 2);
        assert_eq!(l.entries[0].at_ms, 0.5);
        assert_eq!(l.epsilon_by_day().values().sum::<f64>(), 1.0);
    }
}
