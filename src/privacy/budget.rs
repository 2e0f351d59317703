//! The per-browser daily ε budget, enforced before a report is queued.
//!
//! ε is accounted in thousandths, so sums are exact. When the clock goes backwards the
//! budget keeps the later day (it never resets early); a new UTC day starts from zero.

use serde::{Deserialize, Serialize};

use super::wire::{Day, Epsilon, ReportError};
use crate::storage::persist::Versioned;

/// Default daily budget.
pub const DEFAULT_DAILY_EPSILON: f64 = 2.0;
/// Largest daily budget a site may configure (Apple's highest published daily figure).
pub const MAX_DAILY_EPSILON: f64 = 8.0;
/// Schema version of the stored budget.
pub const BUDGET_VERSION: u32 = 1;

/// ε spent today; persisted (with measurement consent) so reloads do not reset it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EpsilonBudget {
    /// Schema version.
    pub version: u32,
    /// The day the spend belongs to.
    pub day: Day,
    /// ε spent that day, in thousandths.
    pub spent_milli: u32,
}

impl EpsilonBudget {
    /// ε left on `day` under `limit_milli`.
    pub fn remaining_milli(&self, limit_milli: u32, day: Day) -> u32 {
        if day > self.day {
            limit_milli
        } else {
            limit_milli.saturating_sub(self.spent_milli)
        }
    }

    /// Spends `epsilon` on `day` if the budget covers it; otherwise changes nothing.
    pub fn try_spend(
        &mut self,
        limit_milli: u32,
        epsilon: Epsilon,
        day: Day,
    ) -> Result<(), ReportError> {
        let remaining = self.remaining_milli(limit_milli, day);
        if epsilon.milli() > remaining {
            return Err(ReportError::BudgetExhausted {
                needed: epsilon.get(),
                remaining: f64::from(remaining) / 1000.0,
            });
        }
        if day > self.day {
            self.day = day;
            self.spent_milli = 0;
        }
        self.version = BUDGET_VERSION;
        self.spent_milli += epsilon.milli();
        Ok(())
    }

    /// Combines with another record of the same browser (e.g. memory and storage after a
    /// consent grant): the later day, and the larger spend for that day.
    pub fn merge(&mut self, other: &EpsilonBudget) {
        if other.day > self.day {
            *self = other.clone();
        } else if other.day == self.day {
            self.spent_milli = self.spent_milli.max(other.spent_milli);
        }
    }
}

crate::json::struct_reader!(EpsilonBudget, "struct EpsilonBudget", deny_unknown,
    EpsilonBudget::default(),
    { version: "version" required, day: "day" required, spent_milli: "spentMilli" required });

impl Versioned for EpsilonBudget {
    const DOC: &'static str = "budget";
    const VERSION: u32 = BUDGET_VERSION;
    fn parse(text: &str) -> Result<Self, String> {
        crate::json::read_str(text).map_err(|e| e.to_string())
    }
    fn repair(&mut self, _now_ms: f64) -> usize {
        // Nothing to drop: a larger recorded spend is only more conservative.
        0
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eps(x: f64) -> Epsilon {
        Epsilon::new(x).unwrap()
    }

    #[test]
    fn spends_until_the_limit_then_resets_next_day() {
        let mut b = EpsilonBudget::default();
        let today = Day(20_000);
        b.try_spend(2000, eps(1.0), today).unwrap();
        b.try_spend(2000, eps(0.75), today).unwrap();
        assert_eq!(
            b.try_spend(2000, eps(0.5), today),
            Err(ReportError::BudgetExhausted {
                needed: 0.5,
                remaining: 0.25
            })
        );
        b.try_spend(2000, eps(0.25), today).unwrap();
        assert_eq!(b.remaining_milli(2000, today), 0);
        b.try_spend(2000, eps(1.0), Day(20_001)).unwrap();
        assert_eq!(b.spent_milli, 1000);
        // The clock going back does not reopen the earlier day.
        assert!(b.try_spend(2000, eps(1.5), today).is_err());
    }

    #[test]
    fn merge_keeps_the_larger_spend() {
        let mut a = EpsilonBudget {
            version: 1,
            day: Day(5),
            spent_milli: 500,
        };
        a.merge(&EpsilonBudget {
            version: 1,
            day: Day(5),
            spent_milli: 1500,
        });
        assert_eq!(a.spent_milli, 1500);
        a.merge(&EpsilonBudget {
            version: 1,
            day: Day(4),
            spent_milli: 2000,
        });
        assert_eq!((a.day, a.spent_milli), (Day(5), 1500));
    }

    proptest! {
        /// Whatever the sequence of requests, no day ever spends more than the limit.
        #[test]
        fn never_exceeds_the_limit(requests in proptest::collection::vec((1u32..=80, 0u32..5), 0..60), limit in 50u32..8000) {
            let mut b = EpsilonBudget::default();
            let mut per_day = std::collections::BTreeMap::<u32, u32>::new();
            for (steps, day_offset) in requests {
                let e = Epsilon::from_milli(steps * 50).unwrap();
                if b.try_spend(limit, e, Day(20_000 + day_offset)).is_ok() {
                    *per_day.entry(b.day.0).or_default() += e.milli();
                }
            }
            for spent in per_day.values() {
                prop_assert!(*spent <= limit);
            }
        }
    }
}
