use super::*;
use proptest::prelude::*;

fn update(json: &str) -> Result<ConsentUpdate, ConsentError> {
    ConsentUpdate::from_json(json)
}

#[test]
fn defaults_are_denied_and_buffering() {
    let state = ConsentState::default();
    for p in Purpose::ALL {
        assert!(!state.allows(p));
        assert_eq!(state.disposition(p), Disposition::Buffer);
    }
}

#[test]
fn consent_mode_keys_map_to_purposes() {
    let u = update(r#"{"analytics_storage":"granted","ad_storage":"denied","personalization_storage":"denied"}"#).unwrap();
    assert_eq!(u.measurement, Some(true));
    assert_eq!(u.personalization, Some(false));
    let u = update(r#"{"ad_user_data":"granted","security_storage":"granted","functionality_storage":"granted"}"#).unwrap();
    assert_eq!(u, ConsentUpdate::default());
}

#[test]
fn bad_updates_are_typed_errors() {
    assert_eq!(
        update(r#"{"marketing":true}"#),
        Err(ConsentError::UnknownKey("marketing".into()))
    );
    assert!(matches!(
        update(r#"{"measurement":"yes"}"#),
        Err(ConsentError::InvalidValue { .. })
    ));
    assert!(matches!(
        update(r#"{"measurement":1}"#),
        Err(ConsentError::InvalidValue { .. })
    ));
    assert!(matches!(update("[true]"), Err(ConsentError::Malformed(_))));
    assert!(matches!(update("{"), Err(ConsentError::Malformed(_))));
    assert_eq!(
        update(r#"{"measurement":true,"analytics_storage":"denied"}"#),
        Err(ConsentError::Conflict(Purpose::Measurement))
    );
    // Agreeing keys are fine.
    assert!(update(r#"{"measurement":true,"analytics_storage":"granted"}"#).is_ok());
}

#[test]
fn transitions_are_reported() {
    let mut state = ConsentState::default();
    let change = state.apply(&update(r#"{"personalization":true,"measurement":false}"#).unwrap());
    assert_eq!(change.granted, vec![Purpose::Personalization]);
    assert_eq!(change.denied, vec![Purpose::Measurement]);
    assert!(!state.any_pending());
    // Repeating a decision changes nothing.
    assert_eq!(
        state.apply(&update(r#"{"personalization":"granted"}"#).unwrap()),
        ConsentChange::default()
    );
    let change =
        state.apply(&update(r#"{"personalization":"denied","measurement":"granted"}"#).unwrap());
    assert_eq!(change.withdrawn, vec![Purpose::Personalization]);
    assert_eq!(change.granted, vec![Purpose::Measurement]);
    assert_eq!(
        state.disposition(Purpose::Personalization),
        Disposition::Drop
    );
    assert_eq!(state.disposition(Purpose::Measurement), Disposition::Apply);
}

#[test]
fn buffer_is_bounded_and_counts_drops() {
    let mut buffer = PreConsentBuffer::with_capacity(3);
    for i in 0..5 {
        buffer.push(i);
    }
    assert_eq!(buffer.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
    assert_eq!(buffer.dropped(), 2);
    buffer.clear();
    assert!(buffer.is_empty());
}

proptest! {
    #[test]
    fn parsing_never_panics(s in ".{0,200}") {
        let _ = ConsentUpdate::from_json(&s);
    }

    #[test]
    fn only_listed_keys_are_accepted(key in "[a-z_]{1,24}", granted: bool) {
        let json = serde_json::json!({ key.clone(): granted }).to_string();
        let known = Purpose::ALL.iter().any(|p| p.as_str() == key)
            || CONSENT_MODE_MAPPING.iter().any(|(k, _, _)| *k == key);
        prop_assert_eq!(ConsentUpdate::from_json(&json).is_ok(), known);
    }

    #[test]
    fn state_follows_the_last_decision(steps in proptest::collection::vec((any::<bool>(), any::<bool>()), 0..20)) {
        let mut state = ConsentState::default();
        for (personalization, measurement) in steps {
            let change = state.apply(&ConsentUpdate { personalization: Some(personalization), measurement: Some(measurement) });
            prop_assert_eq!(state.allows(Purpose::Personalization), personalization);
            prop_assert_eq!(state.allows(Purpose::Measurement), measurement);
            for p in &change.withdrawn {
                prop_assert!(!change.granted.contains(p));
            }
        }
    }
}

#[test]
fn invalid_values_are_shown_truncated_without_splitting_characters() {
    let long = format!(r#"{{"personalization":"{}"}}"#, "é".repeat(80));
    match update(&long) {
        Err(ConsentError::InvalidValue { key, value }) => {
            assert_eq!(key, "personalization");
            assert_eq!(value.chars().count(), 64);
        }
        other => panic!("{other:?}"),
    }
    for (json, shown) in [
        (r#"{"measurement":5}"#, "5"),
        (r#"{"measurement":null}"#, "null"),
        (r#"{"measurement":[true]}"#, "[…]"),
        (r#"{"measurement":"yes"}"#, "\"yes\""),
    ] {
        assert!(
            matches!(update(json), Err(ConsentError::InvalidValue { value, .. }) if value == shown),
            "{json}"
        );
    }
    assert!(matches!(
        update(r#"{"a":1"#),
        Err(ConsentError::Malformed(_))
    ));
    assert!(matches!(update("[]"), Err(ConsentError::Malformed(_))));
}

#[test]
fn take_empties_the_buffer_oldest_first_and_keeps_the_drop_count() {
    let mut buffer = PreConsentBuffer::with_capacity(2);
    for i in 0..3 {
        buffer.push(i);
    }
    assert_eq!(buffer.take(), [1, 2]);
    assert!(buffer.is_empty());
    assert_eq!(buffer.dropped(), 1);
    buffer.push(7);
    assert_eq!(buffer.iter().copied().collect::<Vec<_>>(), [7]);
}
