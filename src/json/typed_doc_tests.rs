//! The stored documents' and options' [`FromJson`](crate::json::FromJson) readers against
//! their serde derives: serialised values read back equal, mutated documents give the
//! derive's error message.

use std::collections::VecDeque;

use proptest::prelude::*;

use super::tests::{agree, check, mutations};
use crate::privacy::consent::Purpose;
use crate::privacy::ledger::{DropReason, DropRecord, Ledger, LedgerEntry};
use crate::privacy::reports::ReportKind;

/// Floats that print and read back exactly (the reader is serde_json's without
/// `float_roundtrip`, so arbitrary floats may not).
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![(-1_000_000i64..1_000_000).prop_map(|n| n as f64 / 8.0), Just(1.7e12)]
}

fn text() -> impl Strategy<Value = String> {
    "[a-z0-9\"\\\\\n\u{e9}]{0,10}"
}

fn report_kind() -> impl Strategy<Value = ReportKind> {
    prop::sample::select(vec![
        ReportKind::Engagement,
        ReportKind::Lifecycle,
        ReportKind::Quiz,
        ReportKind::Experiment,
    ])
}

fn drop_reason() -> impl Strategy<Value = DropReason> {
    prop::sample::select(vec![
        DropReason::BudgetExhausted,
        DropReason::QueueFull,
        DropReason::LedgerFull,
        DropReason::Rejected,
        DropReason::Expired,
        DropReason::Withdrawn,
    ])
}

fn ledger() -> impl Strategy<Value = Ledger> {
    let entry = (float(), any::<bool>(), report_kind(), "[0-9a-f]{0,32}", text(), float())
        .prop_map(|(at_ms, m, report_type, report_id, payload, epsilon)| LedgerEntry {
            at_ms,
            purpose: if m { Purpose::Measurement } else { Purpose::Personalization },
            report_type,
            report_id,
            payload,
            epsilon,
        });
    let record = (float(), drop_reason(), report_kind()).prop_map(|(at_ms, reason, report_type)| {
        DropRecord { at_ms, reason, report_type }
    });
    (
        any::<u32>(),
        prop::collection::vec(entry, 0..3),
        prop::collection::vec((drop_reason(), any::<u64>()), 0..3),
        prop::collection::vec(record, 0..3),
    )
        .prop_map(|(version, entries, counts, recent)| Ledger {
            version,
            entries,
            drop_counts: counts.into_iter().collect(),
            recent_drops: VecDeque::from(recent),
        })
}

#[test]
fn ledger_edge_cases_agree() {
    for text in [
        "{}",
        r#"{"version":1}"#,
        r#"{"version":1,"entries":[],"dropCounts":{},"recentDrops":[]}"#,
        r#"{"version":1,"entries":[],"dropCounts":{"nope":1},"recentDrops":[]}"#,
        r#"{"version":1,"entries":[{}],"dropCounts":{},"recentDrops":[]}"#,
        r#"{"version":1,"version":1}"#,
        r#"{"bogus":1}"#,
        r#"{"version":-1}"#,
        "[]",
        "null",
        " {\n \"version\" : 1 ,\n \"entries\": [ 1 ] }",
    ] {
        agree::<Ledger>(text).unwrap();
    }
}

proptest! {
    #[test]
    fn ledger_reads_as_serde(value in ledger(), m in mutations()) {
        check(&value, &m)?;
    }
}
