//! Engine tests of the item memory the model reads: the learning rule, persistence,
//! export, forget, reset, withdrawal and quarantine.

use super::model_tests::{granted, model_bytes, track, with_model, MEMORY_KEY, NOW, SEED};
use super::*;
use crate::storage::journal::{JournaledStore, StorageWrite};

#[test]
fn sensitive_events_never_reach_the_memory() {
    let mut engine = with_model();
    track(&mut engine, "purchase", "m1", "Red", "Maternity");
    assert!(engine.item_memory().is_empty());
    track(&mut engine, "view", "b1", "Red", "Basics");
    assert_eq!(engine.item_memory().session.len(), 1);
    engine.pause();
    track(&mut engine, "view", "b2", "Red", "Basics");
    assert_eq!(
        engine.item_memory().session.len(),
        1,
        "paused: nothing learned"
    );
}

#[test]
fn memory_persists_reloads_is_exported_forgotten_and_erased() {
    let mut engine = Engine::open(JournaledStore::default(), granted(), SEED, NOW).unwrap();
    engine.load_model(&model_bytes(), None).unwrap();
    track(&mut engine, "purchase", "a", "Red", "Basics");
    track(&mut engine, "view", "b", "Blue", "Party");
    let mut snapshot = Vec::new();
    for w in engine.take_storage_writes() {
        if let StorageWrite::Set { key, value } = w {
            snapshot.retain(|(k, _): &(String, String)| *k != key);
            snapshot.push((key, value));
        }
    }
    assert!(snapshot.iter().any(|(k, _)| k == MEMORY_KEY));
    assert!(engine.export_data().contains_key(MEMORY_KEY));
    let mut reopened =
        Engine::open(JournaledStore::new(snapshot.clone()), granted(), SEED, NOW).unwrap();
    assert_eq!(reopened.item_memory(), engine.item_memory());
    assert_eq!(
        reopened.item_memory().groups.len(),
        2,
        "groups come from the model's spec"
    );

    let removed = reopened.forget(&ForgetTarget {
        value: None,
        attribute: None,
        item: Some("a".into()),
    });
    assert!(removed >= 3, "item, group and session entry: {removed}");
    assert!(!reopened.item_memory().items.contains_key("a"));
    reopened.forget(&ForgetTarget {
        value: Some("Blue".into()),
        attribute: Some("colour".into()),
        item: None,
    });
    assert!(reopened.item_memory().session.is_empty());

    reopened.reset();
    assert!(reopened.item_memory().is_empty());
    let writes = reopened.take_storage_writes();
    assert!(writes
        .iter()
        .any(|w| matches!(w, StorageWrite::Remove { key } if key == MEMORY_KEY)));

    // Withdrawal erases it; erase() too.
    let mut again = Engine::open(JournaledStore::new(snapshot), granted(), SEED, NOW).unwrap();
    assert!(!again.item_memory().is_empty());
    again
        .set_consent_json(r#"{"personalization":"denied"}"#, NOW)
        .unwrap();
    assert!(again.item_memory().is_empty());
    assert!(again
        .take_storage_writes()
        .iter()
        .any(|w| matches!(w, StorageWrite::Remove { key } if key == MEMORY_KEY)));
}

#[test]
fn corrupt_and_future_memory_is_quarantined() {
    for (raw, code) in [
        ("{not json", crate::storage::persist::STORAGE_CORRUPT),
        (
            r#"{"version":99,"items":{}}"#,
            crate::storage::persist::STORAGE_FUTURE_VERSION,
        ),
    ] {
        let store = JournaledStore::new(vec![(MEMORY_KEY.to_owned(), raw.to_owned())]);
        let mut engine = Engine::open(store, granted(), SEED, NOW).unwrap();
        let warnings = engine.take_warnings();
        let w = warnings.iter().find(|w| w.code == code).expect("warned");
        let quarantine = w.quarantine_key.clone().unwrap();
        assert_eq!(
            engine.export_data()[&quarantine],
            raw.to_owned().into_json_or_string()
        );
        assert!(engine.item_memory().is_empty());
    }
}

trait IntoJsonOrString {
    fn into_json_or_string(self) -> serde_json::Value;
}

impl IntoJsonOrString for String {
    fn into_json_or_string(self) -> serde_json::Value {
        serde_json::from_str(&self).unwrap_or(serde_json::Value::String(self))
    }
}
