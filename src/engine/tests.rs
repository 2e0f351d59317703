use super::*;
use crate::quiz::state::Answer;
use crate::storage::journal::{JournaledStore, StorageWrite};

const SEED: [u8; 32] = [3; 32];
const DAY: f64 = 86_400_000.0;
const NOW: f64 = 1_800_000_000_000.0;

fn granted() -> EngineOptions {
    EngineOptions::from_json(r#"{"consent":{"personalization":"granted"}}"#).unwrap()
}

/// Replays an engine's journaled writes into a snapshot: what localStorage holds after a reload.
pub(super) fn reload(
    snapshot: &mut Vec<(String, String)>,
    writes: Vec<StorageWrite>,
) -> JournaledStore {
    for write in writes {
        match write {
            StorageWrite::Set { key, value } => {
                snapshot.retain(|(k, _)| *k != key);
                snapshot.push((key, value));
            }
            StorageWrite::Remove { key } => snapshot.retain(|(k, _)| *k != key),
        }
    }
    JournaledStore::new(snapshot.clone())
}

fn bank() -> String {
    let colours = ["Red", "Blue", "Green", "Black"];
    let types = ["Dress", "Shirt", "Trousers"];
    let products: Vec<serde_json::Value> = (0..12)
        .map(|i| {
            serde_json::json!({ "id": format!("q{i}"), "name": format!("Item {i}"),
                "attributes": { "colour": colours[i % 4], "productType": types[i % 3] } })
        })
        .collect();
    serde_json::Value::Array(products).to_string()
}

#[test]
fn quiz_resumes_after_a_reload_and_feeds_ranking() {
    let mut snapshot = Vec::new();
    let mut engine = Engine::open(JournaledStore::default(), granted(), SEED, NOW).unwrap();
    engine.quiz_start(&bank(), NOW).unwrap();
    let first = engine.quiz_next().unwrap().unwrap();
    engine
        .quiz_answer(&first.product_id, Answer::Like, NOW)
        .unwrap();
    let second = engine.quiz_next().unwrap().unwrap();
    engine
        .quiz_answer(&second.product_id, Answer::Dislike, NOW)
        .unwrap();

    let store = reload(&mut snapshot, engine.take_storage_writes());
    let mut reopened = Engine::open(store, granted(), SEED, NOW + DAY).unwrap();
    let progress = reopened.quiz_start(&bank(), NOW + DAY).unwrap();
    assert_eq!(
        progress.answered, 2,
        "the same bank resumes instead of restarting"
    );
    let next = reopened.quiz_next().unwrap().unwrap();
    assert!(next.product_id != first.product_id && next.product_id != second.product_id);
    assert!(
        !reopened.profile().is_empty(),
        "stated preferences feed the rankers"
    );
    let view = reopened.profile_view(NOW + DAY);
    assert_eq!(view.quiz.unwrap().answers.len(), 2);
}

#[test]
fn events_wait_for_consent_and_withdrawal_erases_personal_data() {
    let mut engine = Engine::open(
        JournaledStore::default(),
        EngineOptions::default(),
        SEED,
        NOW,
    )
    .unwrap();
    let event = r#"{"type":"purchase","productId":"p","attributes":{"colour":"Red"},"price":30}"#;
    engine.track_json(event, NOW).unwrap();
    assert!(
        engine.take_storage_writes().is_empty(),
        "nothing written before consent"
    );
    assert_eq!(engine.profile().event_count, 0);
    assert!(!engine.storage_status().persistent);

    engine
        .set_consent_json(r#"{"personalization":"granted"}"#, NOW)
        .unwrap();
    assert_eq!(
        engine.profile().event_count,
        1,
        "the buffered event was replayed"
    );
    engine.quiz_start(&bank(), NOW).unwrap();
    let writes = engine.take_storage_writes();
    assert!(writes
        .iter()
        .any(|w| matches!(w, StorageWrite::Set { key, .. } if key.ends_with(":profile"))));
    assert!(writes
        .iter()
        .any(|w| matches!(w, StorageWrite::Set { key, .. } if key.ends_with(":quiz"))));

    let change = engine
        .set_consent_json(r#"{"personalization":"denied"}"#, NOW)
        .unwrap();
    assert_eq!(change.withdrawn.len(), 1);
    let removed: Vec<String> = engine
        .take_storage_writes()
        .into_iter()
        .filter_map(|w| match w {
            StorageWrite::Remove { key } => Some(key),
            StorageWrite::Set { .. } => None,
        })
        .collect();
    assert!(
        removed.iter().any(|k| k.ends_with(":profile"))
            && removed.iter().any(|k| k.ends_with(":quiz"))
    );
    assert_eq!(engine.profile().event_count, 0);
    engine.track_json(event, NOW).unwrap();
    assert_eq!(
        engine.profile().event_count,
        0,
        "denied: events are dropped"
    );
}

#[test]
fn denied_consent_drops_the_buffer_and_unknown_keys_change_nothing() {
    let mut engine =
        Engine::open(MemoryStore::default(), EngineOptions::default(), SEED, NOW).unwrap();
    engine
        .track_json(
            r#"{"type":"view","productId":"p","attributes":{"colour":"Red"}}"#,
            NOW,
        )
        .unwrap();
    assert!(engine
        .set_consent_json(r#"{"tracking":"granted"}"#, NOW)
        .is_err());
    engine
        .set_consent_json(r#"{"personalization":"denied"}"#, NOW)
        .unwrap();
    engine
        .set_consent_json(r#"{"personalization":"granted"}"#, NOW)
        .unwrap();
    assert_eq!(
        engine.profile().event_count,
        0,
        "events from before a denial are gone"
    );
}

#[test]
fn consent_in_the_options_is_checked_like_set_consent() {
    let options =
        |consent: &str| EngineOptions::from_json(&format!(r#"{{"consent":{consent}}}"#)).unwrap();
    let open = |consent: &str| Engine::open(MemoryStore::default(), options(consent), SEED, NOW);
    for bad in [
        r#"{"personalization":5}"#,
        r#"{"personalization":"yes"}"#,
        r#"{"ad_storage":"granted","cookies":"granted"}"#,
        r#"{"personalization":"granted","personalization_storage":false}"#,
    ] {
        let err = open(bad).err().expect(bad);
        assert_eq!(err.code(), crate::error::ErrorCode::InvalidConsent, "{bad}");
    }
    let engine = open(r#"{"personalization_storage":"granted","analytics_storage":true}"#).unwrap();
    assert!(engine
        .consent()
        .allows(crate::privacy::Purpose::Personalization));
    assert!(engine
        .consent()
        .allows(crate::privacy::Purpose::Measurement));
    assert!(EngineOptions::from_json(r#"{"consent":[1]}"#).is_err());
}
