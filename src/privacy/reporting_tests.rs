use super::*;
use crate::privacy::consent::ConsentUpdate;
use crate::privacy::reports::ReportKind;
use crate::privacy::rng::ChaCha20Rng;
use crate::storage::{DisabledStore, MemoryStore};

const NOW: f64 = 1_741_910_400_000.0; // 2025-03-14T00:00:00Z

fn granted() -> ConsentState {
    let mut c = ConsentState::default();
    c.apply(&ConsentUpdate {
        personalization: None,
        measurement: Some(true),
    });
    c
}

fn reporting() -> Reporting {
    Reporting::new(ReportingConfig::default(), Keys::new("vitrine")).unwrap()
}

fn report(kind: ReportKind) -> Report {
    let schema = kind.schema();
    Report::new(
        kind,
        Day::from_ms(NOW),
        schema.labels[1],
        schema.has_experiment.then_some("hero"),
    )
    .unwrap()
}

#[test]
fn nothing_is_stored_or_queued_without_consent() {
    let mut store = MemoryStore::default();
    let mut r = reporting();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let denied = ConsentState::default();
    assert_eq!(
        r.submit(
            &denied,
            &report(ReportKind::Quiz),
            NOW,
            &mut rng,
            &mut store
        ),
        Err(ReportError::ConsentRequired)
    );
    assert!(r.next_batch(&denied, NOW, &mut store).is_none());
    // Granted but not attached (e.g. storage not consented yet): memory only.
    r.submit(
        &granted(),
        &report(ReportKind::Quiz),
        NOW,
        &mut rng,
        &mut store,
    )
    .unwrap();
    assert!(store.keys().unwrap().is_empty());
}

#[test]
fn submitted_payloads_are_ledgered_byte_for_byte_and_budgeted() {
    let mut store = MemoryStore::default();
    let mut r = reporting();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    r.attach(&mut store, NOW);
    let consent = granted();
    for kind in [
        ReportKind::Engagement,
        ReportKind::Lifecycle,
        ReportKind::Quiz,
    ] {
        r.submit(&consent, &report(kind), NOW, &mut rng, &mut store)
            .unwrap();
    }
    // 1.0 + 0.5 + 0.5 = the default daily budget of 2: a fourth report waits for tomorrow.
    let err = r.submit(
        &consent,
        &report(ReportKind::Experiment),
        NOW + 1.0,
        &mut rng,
        &mut store,
    );
    assert_eq!(
        err,
        Err(ReportError::BudgetExhausted {
            needed: 0.5,
            remaining: 0.0
        })
    );
    let audit = r.audit(NOW + 2.0);
    assert_eq!(audit.entries.len(), 3);
    assert_eq!(audit.epsilon_spent_today, 2.0);
    assert_eq!(audit.drop_counts[&DropReason::BudgetExhausted], 1);
    let batch = r.next_batch(&consent, NOW, &mut store).unwrap();
    let expected = queue::batch_body(audit.entries.iter().map(|e| e.payload.as_str()));
    assert_eq!(
        batch.body, expected,
        "the request body is exactly the ledgered bytes"
    );
    assert!(store.get("vitrine:v1:ledger").unwrap().is_some());
    assert!(store.get("vitrine:v1:queue").unwrap().is_some());
    assert!(store.get("vitrine:v1:budget").unwrap().is_some());
    // Tomorrow the budget is fresh.
    r.submit(
        &consent,
        &report(ReportKind::Engagement),
        NOW + 86_400_000.0,
        &mut rng,
        &mut store,
    )
    .unwrap();
}

#[test]
fn reloads_and_outages_lose_nothing() {
    let mut store = MemoryStore::default();
    let consent = granted();
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let mut first = reporting();
    first.attach(&mut store, NOW);
    first
        .submit(
            &consent,
            &report(ReportKind::Engagement),
            NOW,
            &mut rng,
            &mut store,
        )
        .unwrap();
    first
        .submit(
            &consent,
            &report(ReportKind::Lifecycle),
            NOW,
            &mut rng,
            &mut store,
        )
        .unwrap();
    let batch = first.next_batch(&consent, NOW, &mut store).unwrap();
    first.settle(
        &batch.ids,
        DeliveryOutcome::from_status(503, None),
        NOW,
        &mut rng,
        &mut store,
    );
    assert!(
        first
            .next_batch(&consent, NOW + 100.0, &mut store)
            .is_none(),
        "backing off"
    );

    // Reload: a new page reads the same storage.
    let mut second = reporting();
    second.attach(&mut store, NOW + 10_000.0);
    assert_eq!(second.audit(NOW).queued, 2);
    // The reloaded budget still counts this morning's spend.
    let err = second.submit(
        &consent,
        &report(ReportKind::Engagement),
        NOW + 10_000.0,
        &mut rng,
        &mut store,
    );
    assert!(matches!(err, Err(ReportError::BudgetExhausted { .. })));
    let retry = second
        .next_batch(&consent, NOW + 3_600_000.0, &mut store)
        .unwrap();
    assert_eq!(
        retry.body, batch.body,
        "identical bytes, so the collector can drop duplicates"
    );
    second.settle(
        &retry.ids,
        DeliveryOutcome::Delivered,
        NOW + 3_600_000.0,
        &mut rng,
        &mut store,
    );
    assert_eq!(second.audit(NOW).queued, 0);
    let mut third = reporting();
    third.attach(&mut store, NOW + 3_700_000.0);
    assert_eq!(third.audit(NOW).queued, 0);
    assert_eq!(third.audit(NOW).entries.len(), 2);
}

#[test]
fn withdrawal_purges_the_queue_at_once() {
    let mut store = MemoryStore::default();
    let mut consent = granted();
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let mut r = reporting();
    r.attach(&mut store, NOW);
    r.submit(
        &consent,
        &report(ReportKind::Quiz),
        NOW,
        &mut rng,
        &mut store,
    )
    .unwrap();
    let change = consent.apply(&ConsentUpdate {
        personalization: None,
        measurement: Some(false),
    });
    assert_eq!(change.withdrawn, vec![Purpose::Measurement]);
    assert_eq!(r.withdraw(&mut store, NOW), 1);
    assert!(store.get("vitrine:v1:queue").unwrap().is_none());
    assert!(r.next_batch(&consent, NOW, &mut store).is_none());
    assert_eq!(r.audit(NOW).drop_counts[&DropReason::Withdrawn], 1);
    r.erase(&mut store);
    assert!(store.keys().unwrap().is_empty());
}

#[test]
fn full_ledger_and_queue_refuse_and_record() {
    let mut store = MemoryStore::default();
    let consent = granted();
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let config = ReportingConfig {
        daily_epsilon: 8.0,
        queue_capacity: 3,
        ledger_max_entries: 10,
        ..ReportingConfig::default()
    };
    let mut r = Reporting::new(config, Keys::new("vitrine")).unwrap();
    for _ in 0..3 {
        r.submit(
            &consent,
            &report(ReportKind::Quiz),
            NOW,
            &mut rng,
            &mut store,
        )
        .unwrap();
    }
    assert_eq!(
        r.submit(
            &consent,
            &report(ReportKind::Quiz),
            NOW,
            &mut rng,
            &mut store
        ),
        Err(ReportError::QueueFull)
    );
    for _ in 0..7 {
        let b = r.next_batch(&consent, NOW, &mut store).unwrap();
        r.settle(
            &b.ids,
            DeliveryOutcome::Delivered,
            NOW,
            &mut rng,
            &mut store,
        );
        let _ = r.submit(
            &consent,
            &report(ReportKind::Quiz),
            NOW,
            &mut rng,
            &mut store,
        );
    }
    assert_eq!(r.audit(NOW).entries.len(), 10);
    assert_eq!(
        r.submit(
            &consent,
            &report(ReportKind::Quiz),
            NOW,
            &mut rng,
            &mut store
        ),
        Err(ReportError::LedgerFull)
    );
    let drops = r.audit(NOW).drop_counts;
    assert_eq!(drops[&DropReason::QueueFull], 1);
    assert!(drops[&DropReason::LedgerFull] >= 1);
    // Old entries leave by retention, making room again.
    r.submit(
        &consent,
        &Report {
            day: Day::from_ms(NOW + 31.0 * 86_400_000.0),
            ..report(ReportKind::Quiz)
        },
        NOW + 31.0 * 86_400_000.0,
        &mut rng,
        &mut store,
    )
    .unwrap();
}

#[test]
fn unusable_storage_degrades_to_memory_with_a_warning() {
    let mut store = DisabledStore;
    let mut r = reporting();
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    r.attach(&mut store, NOW);
    assert_eq!(r.take_warnings()[0].code, persist::STORAGE_UNAVAILABLE);
    r.submit(
        &granted(),
        &report(ReportKind::Lifecycle),
        NOW,
        &mut rng,
        &mut store,
    )
    .unwrap();
    assert!(!r.audit(NOW).persistent);
    let mut quota = MemoryStore::with_quota(50);
    let mut r = reporting();
    r.attach(&mut quota, NOW);
    r.submit(
        &granted(),
        &report(ReportKind::Lifecycle),
        NOW,
        &mut rng,
        &mut quota,
    )
    .unwrap();
    assert!(r
        .take_warnings()
        .iter()
        .any(|w| w.code == persist::STORAGE_QUOTA));
}

#[test]
fn corrupt_stored_documents_are_quarantined_and_tampered_reports_never_sent() {
    let mut store = MemoryStore::default();
    store.set("vitrine:v1:ledger", "{not json").unwrap();
    let tampered = r#"{"version":1,"items":[{"id":"00000000000000000000000000000001","reportType":"quiz","day":20161,"payload":"{\"email\":\"a@b.c\"}"}],"failures":0,"nextAttemptMs":0}"#;
    store.set("vitrine:v1:queue", tampered).unwrap();
    let mut r = reporting();
    r.attach(&mut store, NOW);
    let codes: Vec<&str> = r.take_warnings().iter().map(|w| w.code).collect();
    assert!(codes.contains(&persist::STORAGE_CORRUPT));
    assert!(codes.contains(&persist::STORAGE_REPAIRED));
    assert!(r.next_batch(&granted(), NOW, &mut store).is_none());
}

#[test]
fn options_are_validated() {
    let bad = |c: ReportingConfig| Reporting::new(c, Keys::new("v")).is_err();
    assert!(bad(ReportingConfig {
        daily_epsilon: 0.0,
        ..Default::default()
    }));
    assert!(bad(ReportingConfig {
        daily_epsilon: 9.0,
        ..Default::default()
    }));
    assert!(bad(ReportingConfig {
        endpoint: "//evil.example/x".into(),
        ..Default::default()
    }));
    assert!(bad(ReportingConfig {
        endpoint: "http://evil.example/x".into(),
        ..Default::default()
    }));
    assert!(bad(ReportingConfig {
        epsilon: [(ReportKind::Engagement, 2.5)].into(),
        ..Default::default()
    }));
    assert!(bad(ReportingConfig {
        epsilon: [(ReportKind::Engagement, 0.33)].into(),
        ..Default::default()
    }));
    assert!(bad(ReportingConfig {
        max_batch: 0,
        ..Default::default()
    }));
    let json = r#"{"epsilon":{"engagement":0.5},"dailyEpsilon":1,"endpoint":"https://collector.example/collect/reports"}"#;
    let c: ReportingConfig = serde_json::from_str(json).unwrap();
    assert!(Reporting::new(c, Keys::new("v")).is_ok());
    assert!(serde_json::from_str::<ReportingConfig>(r#"{"epsilon":{"clicks":1}}"#).is_err());
}
