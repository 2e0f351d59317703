//! Engine-level tests of the quiz, experiment and lifecycle reports: sent once, the right
//! label, measurement consent, ε and budget, guarded events, withdrawal and reloads.

use super::super::measure::Funnel;
use super::super::tests::reload;
use super::super::*;
use crate::error::ErrorCode;
use crate::privacy::ledger::DropReason;
use crate::privacy::reports::ReportKind;
use crate::privacy::vocab;
use crate::privacy::wire::Day;
use crate::quiz::state::Answer;
use crate::storage::journal::JournaledStore;

const DAY: f64 = 86_400_000.0;
const MINUTE: f64 = 60_000.0;
/// 08:00 UTC, so a few hours of events stay on the same UTC day.
const NOW: f64 = 1_800_000_000_000.0 - 1_800_000_000_000.0 % DAY + 8.0 * 3_600_000.0;

fn options(consent: &str, epsilon: &str) -> EngineOptions {
    EngineOptions::from_json(&format!(
        r#"{{"consent":{consent},"reporting":{{"epsilon":{epsilon},"dailyEpsilon":8}}}}"#
    ))
    .unwrap()
}

const BOTH: &str = r#"{"personalization":"granted","measurement":"granted"}"#;
const HIGH: &str = r#"{"experiment":4,"quiz":4,"lifecycle":4}"#;

fn open(consent: &str, seed: u8) -> Engine {
    Engine::open(
        JournaledStore::default(),
        options(consent, HIGH),
        [seed; 32],
        NOW,
    )
    .unwrap()
}

fn track(engine: &mut Engine, kind: &str, id: &str, product_type: &str, at: f64) {
    let json = format!(
        r#"{{"type":"{kind}","productId":"{id}","attributes":{{"productType":"{product_type}","colour":"Black"}},"price":30,"timestamp":{at}}}"#
    );
    engine.track_json(&json, at).unwrap();
}

/// The reports of one type in the ledger, as parsed payloads.
fn sent(engine: &Engine, kind: ReportKind, now: f64) -> Vec<serde_json::Value> {
    engine
        .audit(now)
        .entries
        .iter()
        .filter(|e| e.report_type == kind)
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect()
}

/// Over many seeds, the OUE bit of the true label is set about half the time and the
/// others rarely (ε = 4: q ≈ 0.018): asserts that `label` is the true label of every run.
fn assert_true_label(runs: &[serde_json::Value], labels: &[&str], label: &str) {
    let index = vocab::index_of(labels, label).unwrap() as usize;
    let mut ones = vec![0usize; labels.len()];
    for run in runs {
        let bits = run["outcome"].as_str().unwrap();
        for (i, b) in bits.bytes().enumerate() {
            ones[i] += usize::from(b == b'1');
        }
    }
    let n = runs.len();
    assert!(ones[index] * 4 >= n, "true label {label}: {ones:?} of {n}");
    for (i, count) in ones.iter().enumerate() {
        if i != index {
            assert!(count * 6 < n, "label {} looks true: {ones:?}", labels[i]);
        }
    }
}

#[test]
fn an_experiment_day_is_reported_once_with_its_deepest_event() {
    let mut runs = Vec::new();
    for seed in 0..48 {
        let mut engine = open(BOTH, seed);
        engine.set_experiment("hero-banner", "b", NOW).unwrap();
        track(&mut engine, "view", "p1", "Dress", NOW + MINUTE);
        track(
            &mut engine,
            "add_to_cart",
            "p1",
            "Dress",
            NOW + 2.0 * MINUTE,
        );
        track(&mut engine, "click", "p2", "Top", NOW + 3.0 * MINUTE);
        let _ = engine.next_report_batch(NOW + 4.0 * MINUTE);
        assert!(
            sent(&engine, ReportKind::Experiment, NOW).is_empty(),
            "today is not over and nothing was bought"
        );
        let tomorrow = NOW + DAY;
        let _ = engine.next_report_batch(tomorrow);
        let _ = engine.next_report_batch(tomorrow + MINUTE);
        let reports = sent(&engine, ReportKind::Experiment, tomorrow);
        assert_eq!(reports.len(), 1, "one report per (experiment, day)");
        let report = &reports[0];
        assert_eq!(report["experiment"], "hero-banner");
        assert_eq!(report["day"], Day::from_ms(NOW).to_string());
        assert_eq!(report["epsilon"], 4.0);
        runs.push(report.clone());
    }
    assert_true_label(&runs, vocab::EXPERIMENT_OUTCOMES, "b:add_to_cart");
}

#[test]
fn a_purchase_reports_today_and_later_events_add_nothing() {
    let mut engine = open(BOTH, 1);
    engine.set_experiment("checkout", "control", NOW).unwrap();
    track(&mut engine, "purchase", "p1", "Dress", NOW + MINUTE);
    let _ = engine.next_report_batch(NOW + 2.0 * MINUTE);
    assert_eq!(sent(&engine, ReportKind::Experiment, NOW).len(), 1);
    track(&mut engine, "purchase", "p2", "Dress", NOW + 3.0 * MINUTE);
    let _ = engine.next_report_batch(NOW + DAY);
    assert_eq!(sent(&engine, ReportKind::Experiment, NOW + DAY).len(), 1);
    let record = &engine.measure.days[0];
    assert!(record.reported);
    assert_eq!(record.deepest, Funnel::Purchase);
}

#[test]
fn bad_experiments_are_typed_errors_and_change_nothing() {
    let mut engine = open(BOTH, 2);
    for (name, arm) in [
        ("", "a"),
        ("Hero", "a"),
        ("a b", "a"),
        (&"x".repeat(33) as &str, "a"),
        ("ok", "d"),
        ("ok", "A"),
        ("ok", ""),
    ] {
        let err = engine.set_experiment(name, arm, NOW).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidOptions, "{name:?} {arm:?}");
    }
    assert!(engine.experiment().is_none());
    assert!(engine.measure.days.is_empty());
    engine.set_experiment(&"x".repeat(32), "c", NOW).unwrap();
    assert_eq!(engine.experiment().unwrap().arm, super::super::Arm::C);
}

#[test]
fn experiments_need_measurement_and_ignore_guarded_events() {
    let mut engine = open(r#"{"personalization":"granted"}"#, 3);
    engine.set_experiment("hero", "a", NOW).unwrap();
    track(&mut engine, "purchase", "p1", "Dress", NOW + MINUTE);
    assert!(
        engine.measure.days.is_empty(),
        "no measurement: nothing recorded"
    );
    assert!(engine.next_report_batch(NOW + DAY).is_none());
    assert!(engine
        .export_data()
        .keys()
        .all(|k| !k.contains("measurement")));

    engine
        .set_consent_json(r#"{"measurement":"granted"}"#, NOW + 2.0 * MINUTE)
        .unwrap();
    // A guarded purchase neither exposes nor advances the funnel.
    track(
        &mut engine,
        "purchase",
        "m1",
        "Nursing bra",
        NOW + 3.0 * MINUTE,
    );
    assert!(engine.measure.days.is_empty());
    track(&mut engine, "click", "p2", "Dress", NOW + 4.0 * MINUTE);
    track(
        &mut engine,
        "purchase",
        "m2",
        "Maternity dress",
        NOW + 5.0 * MINUTE,
    );
    assert_eq!(engine.measure.days[0].deepest, Funnel::Click);
    let _ = engine.next_report_batch(NOW + 6.0 * MINUTE);
    assert!(sent(&engine, ReportKind::Experiment, NOW).is_empty());
}

#[test]
fn experiment_state_survives_a_reload_and_withdrawal_purges_it() {
    let mut snapshot = Vec::new();
    let mut engine = open(BOTH, 4);
    engine.set_experiment("hero", "a", NOW).unwrap();
    track(&mut engine, "click", "p1", "Dress", NOW + MINUTE);
    let store = reload(&mut snapshot, engine.take_storage_writes());
    let mut reopened = Engine::open(store, options(BOTH, HIGH), [5; 32], NOW + DAY).unwrap();
    assert_eq!(reopened.experiment().unwrap().name, "hero");
    let _ = reopened.next_report_batch(NOW + DAY);
    assert_eq!(sent(&reopened, ReportKind::Experiment, NOW + DAY).len(), 1);

    reopened.set_experiment("hero", "a", NOW + DAY).unwrap();
    assert!(!reopened.measure.days.last().unwrap().reported);
    reopened
        .set_consent_json(r#"{"measurement":"denied"}"#, NOW + DAY)
        .unwrap();
    assert!(reopened.experiment().is_none());
    assert!(reopened.measure.days.is_empty());
    let store = reload(&mut snapshot, reopened.take_storage_writes());
    assert!(
        snapshot.iter().all(|(k, _)| !k.contains("measurement")),
        "no quiz was reported, so nothing is left: {snapshot:?}"
    );
    let mut again = Engine::open(store, options(BOTH, HIGH), [6; 32], NOW + DAY).unwrap();
    assert!(again.experiment().is_none());
    let _ = again.next_report_batch(NOW + 2.0 * DAY);
    assert!(sent(&again, ReportKind::Experiment, NOW + 2.0 * DAY).len() <= 1);
    assert!(again.measure.days.is_empty());
}

fn bank() -> String {
    let colours = ["Pink", "Black", "Pink", "Black"];
    let types = ["Dress", "Blouse", "Trousers"];
    let products: Vec<serde_json::Value> = (0..12)
        .map(|i| {
            serde_json::json!({ "id": format!("q{i}"), "name": format!("Item {i}"),
                "attributes": { "colour": colours[i % 4], "productType": types[i % 3],
                "pattern": if i % 2 == 0 { "Lace" } else { "Solid" } } })
        })
        .collect();
    serde_json::Value::Array(products).to_string()
}

/// Answers: likes the romantic products (lace, pink), dislikes the rest.
fn take_quiz(engine: &mut Engine, answers: usize, at: f64) {
    engine.quiz_start(&bank(), at).unwrap();
    for _ in 0..answers {
        let Some(q) = engine.quiz_next().unwrap() else {
            break;
        };
        let romantic = q.attributes.values().any(|v| v == "Lace");
        let answer = if romantic {
            Answer::Like
        } else {
            Answer::Dislike
        };
        engine.quiz_answer(&q.product_id, answer, at).unwrap();
    }
}

#[test]
fn a_completed_quiz_is_reported_once_with_its_style() {
    let mut runs = Vec::new();
    for seed in 0..48 {
        let mut engine = open(BOTH, seed);
        take_quiz(&mut engine, 6, NOW);
        let _ = engine.next_report_batch(NOW + MINUTE);
        assert!(
            sent(&engine, ReportKind::Quiz, NOW).is_empty(),
            "in progress today"
        );
        engine.quiz_finish(NOW + 2.0 * MINUTE);
        let _ = engine.next_report_batch(NOW + 3.0 * MINUTE);
        let _ = engine.next_report_batch(NOW + DAY);
        let reports = sent(&engine, ReportKind::Quiz, NOW + DAY);
        assert_eq!(reports.len(), 1, "each quiz is reported once");
        assert_eq!(reports[0]["epsilon"], 4.0);
        runs.push(reports[0].clone());
    }
    assert_true_label(&runs, vocab::QUIZ_OUTCOMES, "romantic");
}

#[test]
fn an_unfinished_quiz_is_abandoned_the_next_day_and_never_reported_again() {
    let mut runs = Vec::new();
    for seed in 0..48 {
        let mut snapshot = Vec::new();
        let mut engine = open(BOTH, seed);
        take_quiz(&mut engine, 2, NOW);
        let _ = engine.next_report_batch(NOW + MINUTE);
        assert!(sent(&engine, ReportKind::Quiz, NOW).is_empty());
        let _ = engine.next_report_batch(NOW + DAY);
        let reports = sent(&engine, ReportKind::Quiz, NOW + DAY);
        assert_eq!(reports.len(), 1);
        runs.push(reports[0].clone());
        // Resumed and finished after a reload: the marker was persisted, no second report.
        let store = reload(&mut snapshot, engine.take_storage_writes());
        let mut reopened = Engine::open(store, options(BOTH, HIGH), [seed; 32], NOW + DAY).unwrap();
        take_quiz(&mut reopened, 2, NOW + DAY);
        reopened.quiz_finish(NOW + DAY + MINUTE);
        let _ = reopened.next_report_batch(NOW + 2.0 * DAY);
        assert_eq!(sent(&reopened, ReportKind::Quiz, NOW + 2.0 * DAY).len(), 1);
    }
    assert_true_label(&runs, vocab::QUIZ_OUTCOMES, "abandoned");
}

#[test]
fn quiz_reports_need_measurement() {
    let mut engine = open(r#"{"personalization":"granted"}"#, 7);
    take_quiz(&mut engine, 4, NOW);
    engine.quiz_finish(NOW + MINUTE);
    assert!(engine.next_report_batch(NOW + 2.0 * MINUTE).is_none());
    assert!(engine.audit(NOW).entries.is_empty());
    assert_eq!(engine.measure.quiz_reported, None);
}

#[test]
fn the_budget_defers_lower_priority_reports_without_dropping_them() {
    // Defaults: engagement 1, experiment 0.5, quiz 0.5, lifecycle 0.5; daily budget 2.
    let options = EngineOptions::from_json(&format!(r#"{{"consent":{BOTH}}}"#)).unwrap();
    let mut engine = Engine::open(JournaledStore::default(), options, [8; 32], NOW).unwrap();
    engine.set_experiment("hero", "c", NOW).unwrap();
    take_quiz(&mut engine, 4, NOW);
    engine.quiz_finish(NOW);
    for i in 0..4 {
        track(&mut engine, "view", &format!("p{i}"), "Dress", NOW + MINUTE);
    }
    track(&mut engine, "purchase", "p0", "Dress", NOW + 2.0 * MINUTE);
    let _ = engine.next_report_batch(NOW + 3.0 * MINUTE);
    let _ = engine.next_report_batch(NOW + 4.0 * MINUTE);
    let audit = engine.audit(NOW + 4.0 * MINUTE);
    let kinds: Vec<ReportKind> = audit.entries.iter().map(|e| e.report_type).collect();
    assert_eq!(
        kinds,
        [
            ReportKind::Engagement,
            ReportKind::Experiment,
            ReportKind::Quiz
        ],
        "priority order until the budget is spent"
    );
    assert!(audit.epsilon_spent_today <= audit.daily_epsilon);
    assert_eq!(audit.drop_counts.get(&DropReason::BudgetExhausted), None);
    let _ = engine.next_report_batch(NOW + DAY);
    let kinds: Vec<ReportKind> = engine
        .audit(NOW + DAY)
        .entries
        .iter()
        .map(|e| e.report_type)
        .collect();
    assert_eq!(
        kinds.last(),
        Some(&ReportKind::Lifecycle),
        "lifecycle goes the next day"
    );
    assert_eq!(kinds.iter().filter(|k| **k == ReportKind::Quiz).count(), 1);
}

#[test]
fn a_left_cart_is_a_cart_abandoner_until_a_purchase() {
    let mut engine = open(BOTH, 9);
    track(&mut engine, "view", "p1", "Dress", NOW);
    track(&mut engine, "add_to_cart", "p1", "Dress", NOW + MINUTE);
    assert_eq!(
        engine.lifecycle_label(NOW + 2.0 * MINUTE),
        Some("new"),
        "session still on"
    );
    assert_eq!(engine.lifecycle_label(NOW + DAY), Some("cart_abandoner"));
    track(&mut engine, "purchase", "p1", "Dress", NOW + DAY);
    assert_eq!(engine.lifecycle_label(NOW + 2.0 * DAY), Some("customer"));
    // A guarded add-to-cart is not a left cart.
    track(
        &mut engine,
        "add_to_cart",
        "m1",
        "Nursing bra",
        NOW + 2.0 * DAY,
    );
    assert_eq!(engine.lifecycle_label(NOW + 3.0 * DAY), Some("customer"));
}

#[test]
fn the_measurement_document_round_trips_and_drops_bad_records() {
    use super::super::measure::{Measurement, MeasurementState};
    use crate::storage::persist::Versioned;
    let mut engine = open(BOTH, 10);
    engine.set_experiment("hero", "control", NOW).unwrap();
    track(&mut engine, "add_to_cart", "p1", "Dress", NOW + MINUTE);
    let doc = engine.measure.to_doc();
    assert_eq!(doc.experiment.as_deref(), Some("hero:control"));
    let day = Day::from_ms(NOW).0;
    assert_eq!(doc.days, [format!("hero:control:{day}:add_to_cart:0")]);
    assert_eq!(Measurement::from_doc(&doc, NOW), engine.measure);
    let mut tampered = MeasurementState {
        experiment: Some("Bad Name:a".into()),
        days: vec![
            format!("ok:b:{day}:click:1"),
            format!("ok:z:{day}:click:0"),
            format!("ok:b:{day}:fly:0"),
            format!("ok:b:{}:click:0", day - 30),
            format!("ok:b:{day}:click:0:extra"),
            "garbage".into(),
        ],
        quiz_reported: Some(f64::NAN),
        ..MeasurementState::default()
    };
    assert_eq!(
        tampered.repair(NOW),
        6,
        "five bad records and the bad experiment"
    );
    assert_eq!(tampered.days, [format!("ok:b:{day}:click:1")]);
    assert_eq!((tampered.experiment, tampered.quiz_reported), (None, None));
}

#[test]
fn an_experiment_day_older_than_the_report_age_is_forgotten_unsent() {
    let mut engine = open(BOTH, 11);
    engine.set_experiment("hero", "a", NOW).unwrap();
    track(&mut engine, "click", "p1", "Dress", NOW + MINUTE);
    let _ = engine.next_report_batch(NOW + 9.0 * DAY);
    assert!(sent(&engine, ReportKind::Experiment, NOW + 9.0 * DAY).is_empty());
    assert!(engine.measure.days.is_empty());
}
