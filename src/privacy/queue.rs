//! The bounded outgoing report queue, its batches and its retry schedule.
//!
//! Reports stay queued until the collector acknowledges them, so a reload, a crash or an
//! outage loses nothing; a batch that was sent but not acknowledged (e.g. by `sendBeacon`
//! on page hide) may be sent again, and the collector drops the duplicate ids, so nothing
//! is double-counted either. Failures back off exponentially with jitter.

use serde::{Deserialize, Serialize};

use super::reports::ReportKind;
use super::rng::RandomSource;
use super::wire::{Day, ReportError, MAX_REPORT_BYTES};
use crate::storage::persist::Versioned;

/// Schema version of the stored queue.
pub const QUEUE_VERSION: u32 = 1;
/// Default bound on queued reports.
pub const DEFAULT_QUEUE_CAPACITY: usize = 100;
/// Default reports per batch.
pub const DEFAULT_MAX_BATCH: usize = 20;
/// Reports older than this many days are dropped (recorded as expired), not sent.
pub const MAX_REPORT_AGE_DAYS: u32 = 7;
/// Longest `Retry-After` honoured, in ms (one day).
pub const MAX_RETRY_AFTER_MS: f64 = 86_400_000.0;

/// One queued report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueuedReport {
    /// The report id.
    pub id: String,
    /// The type.
    pub report_type: ReportKind,
    /// The day it describes.
    pub day: Day,
    /// The exact bytes to send (identical to the ledger entry).
    pub payload: String,
}

/// Exponential backoff: `min(max, base · 2^(failures−1))`, then "equal jitter" (a uniform
/// draw in the upper half), so a fleet of browsers does not retry in lockstep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Backoff {
    /// First delay, ms. Default 2 s.
    pub base_ms: f64,
    /// Largest delay, ms. Default 1 h.
    pub max_ms: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base_ms: 2_000.0,
            max_ms: 3_600_000.0,
        }
    }
}

impl Backoff {
    /// The delay before the next attempt after `failures ≥ 1` consecutive failures,
    /// before jitter.
    pub fn ceiling_ms(&self, failures: u32) -> f64 {
        let exp = failures.saturating_sub(1).min(40) as i32;
        (self.base_ms * 2f64.powi(exp)).min(self.max_ms)
    }

    /// The jittered delay: uniform in `[ceiling/2, ceiling)`.
    pub fn delay_ms(&self, failures: u32, rng: &mut dyn RandomSource) -> f64 {
        let ceiling = self.ceiling_ms(failures);
        ceiling / 2.0 + rng.next_f64() * ceiling / 2.0
    }
}

/// What happened to a batch, as the transport saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeliveryOutcome {
    /// 2xx: the collector has the reports (duplicates included).
    Delivered,
    /// 400/413/415/422: the collector will never accept these bytes; drop and record.
    Rejected,
    /// Network error, timeout, 429, 5xx or anything else: retry later. `Retry-After` in ms,
    /// when the collector sent one.
    Retry(Option<f64>),
}

impl DeliveryOutcome {
    /// Classifies an HTTP status (0: network error) and an optional `Retry-After` (seconds).
    pub fn from_status(status: u16, retry_after_s: Option<f64>) -> DeliveryOutcome {
        match status {
            200..=299 => DeliveryOutcome::Delivered,
            400 | 413 | 415 | 422 => DeliveryOutcome::Rejected,
            _ => DeliveryOutcome::Retry(
                retry_after_s
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(|s| s * 1000.0),
            ),
        }
    }
}

/// A batch ready to send.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    /// The ids in the batch, to acknowledge with [`ReportQueue::settle`].
    pub ids: Vec<String>,
    /// The request body: `{"reports":[…]}` around the exact ledgered payloads.
    pub body: String,
}

/// The request body for payloads: the ledgered bytes, verbatim, in an envelope.
pub fn batch_body<'a>(payloads: impl IntoIterator<Item = &'a str>) -> String {
    let mut body = String::from("{\"reports\":[");
    for (i, p) in payloads.into_iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(p);
    }
    body.push_str("]}");
    body
}

/// The queue document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportQueue {
    /// Schema version.
    pub version: u32,
    /// Queued reports, oldest first.
    pub items: Vec<QueuedReport>,
    /// Consecutive failed attempts.
    pub failures: u32,
    /// No attempt before this time (ms since the epoch).
    pub next_attempt_ms: f64,
}

impl ReportQueue {
    /// Whether one more report fits under `capacity`.
    pub fn has_room(&self, capacity: usize) -> bool {
        self.items.len() < capacity
    }

    /// Queues a report, or refuses when full (the caller records the drop).
    pub fn push(&mut self, item: QueuedReport, capacity: usize) -> Result<(), ReportError> {
        if !self.has_room(capacity) {
            return Err(ReportError::QueueFull);
        }
        self.version = QUEUE_VERSION;
        self.items.push(item);
        Ok(())
    }

    /// Removes and returns reports about days older than [`MAX_REPORT_AGE_DAYS`].
    pub fn take_expired(&mut self, today: Day) -> Vec<QueuedReport> {
        let oldest = Day(today.0.saturating_sub(MAX_REPORT_AGE_DAYS));
        take_where(&mut self.items, &|r| r.day < oldest)
    }

    /// The next batch if an attempt is due at `now_ms` (the reports stay queued until
    /// settled).
    pub fn next_batch(&self, now_ms: f64, max_batch: usize) -> Option<Batch> {
        if self.items.is_empty() || now_ms < self.next_attempt_ms {
            return None;
        }
        let items = &self.items[..self.items.len().min(max_batch.max(1))];
        Some(Batch {
            ids: items.iter().map(|r| r.id.clone()).collect(),
            body: batch_body(items.iter().map(|r| r.payload.as_str())),
        })
    }

    /// Applies a delivery outcome for the batch `ids`; returns the reports removed without
    /// delivery (rejected), for the caller to record as drops.
    pub fn settle(
        &mut self,
        ids: &[String],
        outcome: DeliveryOutcome,
        now_ms: f64,
        backoff: &Backoff,
        rng: &mut dyn RandomSource,
    ) -> Vec<QueuedReport> {
        match outcome {
            DeliveryOutcome::Delivered | DeliveryOutcome::Rejected => {
                let gone = take_where(&mut self.items, &|r| ids.contains(&r.id));
                self.failures = 0;
                self.next_attempt_ms = 0.0;
                if outcome == DeliveryOutcome::Rejected {
                    gone
                } else {
                    Vec::new()
                }
            }
            DeliveryOutcome::Retry(retry_after_ms) => {
                self.failures = self.failures.saturating_add(1);
                let delay = backoff.delay_ms(self.failures, rng);
                let floor = retry_after_ms.unwrap_or(0.0).min(MAX_RETRY_AFTER_MS);
                self.next_attempt_ms = now_ms + delay.max(floor);
                Vec::new()
            }
        }
    }

    /// Removes everything (consent withdrawn); returns what was removed.
    pub fn purge(&mut self) -> Vec<QueuedReport> {
        self.failures = 0;
        self.next_attempt_ms = 0.0;
        std::mem::take(&mut self.items)
    }
}

/// Removes and returns the reports `take` selects, both parts in their order (one copy of
/// the split for every caller).
fn take_where(
    items: &mut Vec<QueuedReport>,
    take: &dyn Fn(&QueuedReport) -> bool,
) -> Vec<QueuedReport> {
    let (mut taken, mut kept) = (Vec::new(), Vec::new());
    for r in std::mem::take(items) {
        if take(&r) {
            taken.push(r);
        } else {
            kept.push(r);
        }
    }
    *items = kept;
    taken
}

// Serde-free readers (the wasm build's; same documents, values and errors as the derives).
crate::json::struct_reader!(QueuedReport, "struct QueuedReport", deny_unknown,
    QueuedReport {
        id: String::new(),
        report_type: ReportKind::Engagement,
        day: Day(0),
        payload: String::new(),
    },
    { id: "id" required, report_type: "reportType" required, day: "day" required,
      payload: "payload" required });
crate::json::struct_reader!(ReportQueue, "struct ReportQueue", deny_unknown,
    ReportQueue::default(),
    { version: "version" required, items: "items" required, failures: "failures" required,
      next_attempt_ms: "nextAttemptMs" required });

impl Versioned for ReportQueue {
    const DOC: &'static str = "queue";
    const VERSION: u32 = QUEUE_VERSION;
    fn parse(text: &str) -> Result<Self, String> {
        crate::json::read_str(text).map_err(|e| e.to_string())
    }
    fn repair(&mut self, now_ms: f64) -> usize {
        let before = self.items.len();
        let mut seen = crate::collections::VecSet::new();
        // A tampered payload must never be sent: keep only what still decodes as a
        // declared report with the same id and type.
        self.items.retain(|r| {
            r.payload.len() <= MAX_REPORT_BYTES
                && seen.insert(r.id.clone())
                && super::reports::EncodedReport::from_json(&r.payload).is_ok_and(|e| {
                    // `r.id` is `e.id` written out exactly when it parses back to `e.id`.
                    super::wire::ReportId::parse(&r.id) == Ok(e.id)
                        && e.kind == r.report_type
                        && e.day == r.day
                })
        });
        if !self.next_attempt_ms.is_finite() || self.next_attempt_ms > now_ms + MAX_RETRY_AFTER_MS {
            self.next_attempt_ms = 0.0;
        }
        before - self.items.len()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "queue_tests.rs"]
mod tests;
