//! The stored documents' and options' [`FromJson`](crate::json::FromJson) readers against
//! their serde derives: serialised values read back equal, mutated documents give the
//! derive's error message.

use proptest::prelude::*;

use super::tests::{agree, check, mutations};
use crate::collections::VecMap;
use crate::engine::MeasurementState;
use crate::features::memory::{ItemMemory, PriceMean, SessionItem};
use crate::privacy::budget::EpsilonBudget;
use crate::privacy::consent::Purpose;
use crate::privacy::ledger::{DropReason, DropRecord, Ledger, LedgerEntry};
use crate::privacy::queue::{QueuedReport, ReportQueue};
use crate::privacy::reports::ReportKind;
use crate::privacy::wire::Day;
use crate::profile::affinity::Decayed;
use crate::quiz::state::{Answer, AnsweredQuestion, QuizState};

/// Floats that print and read back exactly (the reader is serde_json's without
/// `float_roundtrip`, so arbitrary floats may not).
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64 / 8.0),
        Just(1.7e12)
    ]
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

pub(crate) fn ledger() -> impl Strategy<Value = Ledger> {
    let entry = (
        float(),
        any::<bool>(),
        report_kind(),
        "[0-9a-f]{0,32}",
        text(),
        float(),
    )
        .prop_map(
            |(at_ms, m, report_type, report_id, payload, epsilon)| LedgerEntry {
                at_ms,
                purpose: if m {
                    Purpose::Measurement
                } else {
                    Purpose::Personalization
                },
                report_type,
                report_id,
                payload,
                epsilon,
            },
        );
    let record =
        (float(), drop_reason(), report_kind()).prop_map(|(at_ms, reason, report_type)| {
            DropRecord {
                at_ms,
                reason,
                report_type,
            }
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
            recent_drops: recent,
        })
}

fn attributes() -> impl Strategy<Value = VecMap<String, String>> {
    prop::collection::vec(("[a-c]{1,2}", text()), 0..3).prop_map(|v| v.into_iter().collect())
}

pub(crate) fn queue() -> impl Strategy<Value = ReportQueue> {
    let item = ("[0-9a-f]{0,8}", report_kind(), any::<u32>(), text()).prop_map(
        |(id, report_type, day, payload)| QueuedReport {
            id,
            report_type,
            day: Day(day),
            payload,
        },
    );
    (
        any::<u32>(),
        prop::collection::vec(item, 0..3),
        any::<u32>(),
        float(),
    )
        .prop_map(|(version, items, failures, next_attempt_ms)| ReportQueue {
            version,
            items,
            failures,
            next_attempt_ms,
        })
}

pub(crate) fn quiz() -> impl Strategy<Value = QuizState> {
    let answer = (
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::collection::vec((text(), text()), 0..3),
        prop::sample::select(vec![Answer::Like, Answer::Dislike, Answer::Skip]),
        float(),
    )
        .prop_map(
            |(product_id, name, image, features, answer, at_ms)| AnsweredQuestion {
                product_id,
                name,
                image,
                features,
                answer,
                at_ms,
            },
        );
    (
        (any::<u32>(), text(), any::<u32>(), any::<u32>()),
        (float(), float(), float(), float(), any::<bool>()),
        prop::collection::vec(answer, 0..3),
    )
        .prop_map(
            |((version, bank_id, seed, max), (s, u, e, c, finished), answers)| QuizState {
                version,
                bank_id,
                seed,
                max_questions: max as usize,
                started_ms: s,
                updated_ms: u,
                expires_ms: e,
                confidence: c,
                finished,
                answers,
            },
        )
}

pub(crate) fn memory() -> impl Strategy<Value = ItemMemory> {
    let decayed = || {
        prop::collection::vec(("[a-d]{0,2}", float(), float()), 0..3)
            .prop_map(|v| v.into_iter().map(|(k, w, t)| (k, Decayed(w, t))).collect())
    };
    let item = ("[a-z0-9]{0,4}", attributes(), prop::option::of(float())).prop_map(
        |(id, attributes, price)| SessionItem {
            id,
            attributes,
            price,
        },
    );
    (
        any::<u32>(),
        decayed(),
        decayed(),
        prop::collection::vec(item, 0..3),
        (float(), float(), float()),
    )
        .prop_map(
            |(version, items, groups, session, (log_mass, weight, at_ms))| ItemMemory {
                version,
                items,
                groups,
                session,
                price: PriceMean {
                    log_mass,
                    weight,
                    at_ms,
                },
            },
        )
}

pub(crate) fn measurement() -> impl Strategy<Value = MeasurementState> {
    (
        any::<u32>(),
        prop::option::of(float()),
        prop::option::of(text()),
        prop::collection::vec(text(), 0..3),
    )
        .prop_map(
            |(version, quiz_reported, experiment, days)| MeasurementState {
                version,
                quiz_reported,
                experiment,
                days,
            },
        )
}

pub(crate) fn budget() -> impl Strategy<Value = EpsilonBudget> {
    (any::<u32>(), any::<u32>(), any::<u32>()).prop_map(|(version, day, spent_milli)| {
        EpsilonBudget {
            version,
            day: Day(day),
            spent_milli,
        }
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

#[test]
fn stored_document_edge_cases_agree() {
    for text in [
        "{}",
        "[]",
        "null",
        r#"{"version":1,"bogus":2}"#,
        r#"{"items":{"a":[1]},"groups":{"b":[1,2,3]}}"#,
        r#"{"items":{"a":[1,"x"]}}"#,
        r#"{"session":[{"id":"a"}]}"#,
        r#"{"answers":[{"productId":"p","features":[["a"]]}]}"#,
        r#"{"answers":[{"productId":"p","features":[["a","b","c"]],"answer":"like","atMs":1}]}"#,
        r#"{"answers":[{"productId":"p","features":[],"answer":"nope","atMs":1}]}"#,
        r#"{"items":[{"id":"x","reportType":"quiz","day":-1,"payload":""}]}"#,
        r#"{"days":["a",1],"quizReported":null}"#,
        r#"{"day":4294967296}"#,
    ] {
        agree::<ReportQueue>(text).unwrap();
        agree::<QuizState>(text).unwrap();
        agree::<ItemMemory>(text).unwrap();
        agree::<MeasurementState>(text).unwrap();
        agree::<EpsilonBudget>(text).unwrap();
    }
}

proptest! {
    #[test]
    fn ledger_reads_as_serde(value in ledger(), m in mutations()) {
        check(&value, &m)?;
    }

    #[test]
    fn queue_reads_as_serde(value in queue(), m in mutations()) {
        check(&value, &m)?;
    }

    #[test]
    fn quiz_reads_as_serde(value in quiz(), m in mutations()) {
        check(&value, &m)?;
    }

    #[test]
    fn memory_reads_as_serde(value in memory(), m in mutations()) {
        check(&value, &m)?;
    }

    #[test]
    fn measurement_and_budget_read_as_serde(
        value in measurement(),
        budget in budget(),
        m in mutations(),
    ) {
        check(&value, &m)?;
        check(&budget, &m)?;
    }
}
