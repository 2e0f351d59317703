use super::*;
use crate::privacy::reports::Report;
use crate::privacy::rng::ChaCha20Rng;
use crate::privacy::wire::Epsilon;
use proptest::prelude::*;

fn queued(rng: &mut ChaCha20Rng, day: u32) -> QueuedReport {
    let encoded = Report::new(ReportKind::Lifecycle, Day(day), "new", None)
        .unwrap()
        .encode(Epsilon::new(0.5).unwrap(), rng);
    QueuedReport {
        id: encoded.id.to_string(),
        report_type: ReportKind::Lifecycle,
        day: Day(day),
        payload: encoded.to_json(),
    }
}

#[test]
fn backoff_doubles_up_to_the_cap_with_jitter() {
    let b = Backoff::default();
    assert_eq!(b.ceiling_ms(1), 2_000.0);
    assert_eq!(b.ceiling_ms(2), 4_000.0);
    assert_eq!(b.ceiling_ms(6), 64_000.0);
    assert_eq!(b.ceiling_ms(30), 3_600_000.0);
    assert_eq!(b.ceiling_ms(u32::MAX), 3_600_000.0);
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for failures in 1..20 {
        let d = b.delay_ms(failures, &mut rng);
        assert!(d >= b.ceiling_ms(failures) / 2.0 && d < b.ceiling_ms(failures));
    }
}

#[test]
fn statuses_are_classified() {
    assert_eq!(
        DeliveryOutcome::from_status(200, None),
        DeliveryOutcome::Delivered
    );
    assert_eq!(
        DeliveryOutcome::from_status(413, None),
        DeliveryOutcome::Rejected
    );
    assert_eq!(
        DeliveryOutcome::from_status(429, Some(3.0)),
        DeliveryOutcome::Retry(Some(3_000.0))
    );
    assert_eq!(
        DeliveryOutcome::from_status(503, Some(f64::NAN)),
        DeliveryOutcome::Retry(None)
    );
    assert_eq!(
        DeliveryOutcome::from_status(0, None),
        DeliveryOutcome::Retry(None)
    );
}

#[test]
fn batches_wait_for_settlement_and_back_off() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mut q = ReportQueue::default();
    for _ in 0..3 {
        q.push(queued(&mut rng, 20_000), 3).unwrap();
    }
    assert_eq!(
        q.push(queued(&mut rng, 20_000), 3),
        Err(ReportError::QueueFull)
    );
    let batch = q.next_batch(1_000.0, 2).unwrap();
    assert_eq!(batch.ids.len(), 2);
    let body: serde_json::Value = serde_json::from_str(&batch.body).unwrap();
    assert_eq!(body["reports"].as_array().unwrap().len(), 2);
    assert!(batch.body.contains(&q.items[0].payload));
    // An outage: nothing is lost, the next attempt waits.
    let dropped = q.settle(
        &batch.ids,
        DeliveryOutcome::Retry(Some(10_000.0)),
        1_000.0,
        &Backoff::default(),
        &mut rng,
    );
    assert!(dropped.is_empty());
    assert_eq!(q.items.len(), 3);
    assert!(q.next_attempt_ms >= 11_000.0);
    assert!(q.next_batch(5_000.0, 2).is_none());
    let again = q.next_batch(q.next_attempt_ms, 2).unwrap();
    assert_eq!(again, batch, "the same bytes are retried");
    q.settle(
        &again.ids,
        DeliveryOutcome::Delivered,
        20_000.0,
        &Backoff::default(),
        &mut rng,
    );
    assert_eq!(q.items.len(), 1);
    assert_eq!(q.failures, 0);
    let last = q.next_batch(20_000.0, 2).unwrap();
    let rejected = q.settle(
        &last.ids,
        DeliveryOutcome::Rejected,
        20_000.0,
        &Backoff::default(),
        &mut rng,
    );
    assert_eq!(rejected.len(), 1);
    assert!(q.items.is_empty());
}

#[test]
fn old_reports_expire_and_purge_empties() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let mut q = ReportQueue::default();
    q.push(queued(&mut rng, 100), 10).unwrap();
    q.push(queued(&mut rng, 107), 10).unwrap();
    assert_eq!(q.take_expired(Day(108)).len(), 1);
    assert_eq!(q.items.len(), 1);
    assert_eq!(q.purge().len(), 1);
    assert!(q.next_batch(0.0, 5).is_none());
}

#[test]
fn repair_drops_tampered_payloads() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let mut q = ReportQueue::default();
    let good = queued(&mut rng, 20_000);
    let mut tampered = queued(&mut rng, 20_000);
    tampered.payload = tampered
        .payload
        .replace("\"day\"", "\"userId\":\"u1\",\"day\"");
    let mut mislabeled = queued(&mut rng, 20_000);
    mislabeled.id = good.id.clone();
    q.items = vec![good, tampered, mislabeled];
    q.next_attempt_ms = f64::INFINITY;
    assert_eq!(q.repair(0.0), 2);
    assert_eq!(q.items.len(), 1);
    assert_eq!(q.next_attempt_ms, 0.0);
}

proptest! {
    /// Settling any batch only ever removes reports of that batch.
    #[test]
    fn settling_keeps_everything_outside_the_batch(n in 1usize..15, batch in 1usize..10, outcome in 0u8..3) {
        let mut rng = ChaCha20Rng::seed_from_u64(n as u64);
        let mut q = ReportQueue::default();
        for _ in 0..n {
            q.push(queued(&mut rng, 20_000), 100).unwrap();
        }
        let all: Vec<String> = q.items.iter().map(|r| r.id.clone()).collect();
        let b = q.next_batch(0.0, batch).unwrap();
        let outcome = [DeliveryOutcome::Delivered, DeliveryOutcome::Rejected, DeliveryOutcome::Retry(None)][outcome as usize];
        q.settle(&b.ids, outcome, 0.0, &Backoff::default(), &mut rng);
        for id in &all {
            let kept = q.items.iter().any(|r| &r.id == id);
            let removable = b.ids.contains(id) && outcome != DeliveryOutcome::Retry(None);
            prop_assert_eq!(kept, !removable);
        }
    }
}
