//! Reporting options: endpoint, ε per report type, daily budget, bounds and retry schedule.

use serde::{Deserialize, Serialize};

use super::budget::{DEFAULT_DAILY_EPSILON, MAX_DAILY_EPSILON};
use super::ledger;
use super::queue::{self, Backoff};
use super::reports::{ReportKind, REPORT_ENDPOINT};
use super::wire::{Epsilon, ReportError};
use crate::collections::VecMap;

/// Reporting options (camelCase JSON, every field optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ReportingConfig {
    /// Where batches are posted. Default `/collect/reports`.
    pub endpoint: String,
    /// ε per report type, overriding the declared defaults.
    pub epsilon: VecMap<ReportKind, f64>,
    /// Daily ε budget per browser. Default 2.
    pub daily_epsilon: f64,
    /// Most queued reports (1–1000). Default 100.
    pub queue_capacity: usize,
    /// Most reports per batch (1–100). Default 20.
    pub max_batch: usize,
    /// Days ledger entries are kept (1–365). Default 30.
    pub ledger_retention_days: u32,
    /// Most ledger entries (10–10000). Default 1000.
    pub ledger_max_entries: usize,
    /// Retry schedule.
    pub backoff: Backoff,
}

impl Default for ReportingConfig {
    fn default() -> Self {
        ReportingConfig {
            endpoint: REPORT_ENDPOINT.to_owned(),
            epsilon: VecMap::new(),
            daily_epsilon: DEFAULT_DAILY_EPSILON,
            queue_capacity: queue::DEFAULT_QUEUE_CAPACITY,
            max_batch: queue::DEFAULT_MAX_BATCH,
            ledger_retention_days: ledger::DEFAULT_RETENTION_DAYS,
            ledger_max_entries: ledger::DEFAULT_MAX_ENTRIES,
            backoff: Backoff::default(),
        }
    }
}

impl ReportingConfig {
    /// Checks every field; returns the daily budget in thousandths.
    pub fn validate(&self) -> Result<u32, ReportError> {
        let bad = |m: String| Err(ReportError::InvalidConfig(m));
        let endpoint_ok = self.endpoint.len() <= 256
            && ["/", "https://", "http://localhost", "http://127.0.0.1"]
                .iter()
                .any(|p| self.endpoint.starts_with(p))
            && !self.endpoint.starts_with("//");
        if !endpoint_ok {
            return bad("endpoint must be a path or an https URL".into());
        }
        let daily_milli = (self.daily_epsilon * 1000.0).round();
        let daily_ok = self.daily_epsilon.is_finite()
            && self.daily_epsilon > 0.0
            && self.daily_epsilon <= MAX_DAILY_EPSILON
            && (self.daily_epsilon * 1000.0 - daily_milli).abs() < 1e-6
            && daily_milli as u32 % 50 == 0;
        if !daily_ok {
            return bad(format!(
                "dailyEpsilon must be a multiple of 0.05 in (0, {}]",
                crate::text::Float(MAX_DAILY_EPSILON)
            ));
        }
        let daily_milli = daily_milli as u32;
        for kind in ReportKind::ALL {
            let e = self.epsilon_for(kind)?;
            if e.milli() > daily_milli {
                return bad(format!(
                    "epsilon for {} exceeds dailyEpsilon",
                    kind.as_str()
                ));
            }
        }
        if !(1..=1000).contains(&self.queue_capacity) || !(1..=100).contains(&self.max_batch) {
            return bad("queueCapacity must be 1-1000 and maxBatch 1-100".into());
        }
        if !(1..=365).contains(&self.ledger_retention_days)
            || !(10..=10_000).contains(&self.ledger_max_entries)
        {
            return bad("ledgerRetentionDays must be 1-365 and ledgerMaxEntries 10-10000".into());
        }
        let b = &self.backoff;
        if !(b.base_ms.is_finite()
            && b.base_ms >= 100.0
            && b.max_ms.is_finite()
            && b.max_ms >= b.base_ms
            && b.max_ms <= 86_400_000.0)
        {
            return bad("backoff needs 100 <= baseMs <= maxMs <= 86400000".into());
        }
        Ok(daily_milli)
    }

    /// ε for a report type: the override, else the declared default.
    pub fn epsilon_for(&self, kind: ReportKind) -> Result<Epsilon, ReportError> {
        Epsilon::new(
            self.epsilon
                .get(&kind)
                .copied()
                .unwrap_or(kind.schema().default_epsilon),
        )
    }
}
