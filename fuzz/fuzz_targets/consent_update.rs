//! `setConsent` input parsing: never panics; an accepted update only names known purposes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine::privacy::consent::{ConsentState, ConsentUpdate};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(update) = ConsentUpdate::from_json(text) {
            let mut state = ConsentState::default();
            let change = state.apply(&update);
            assert!(
                change.withdrawn.is_empty(),
                "nothing can be withdrawn from the default state"
            );
        }
    }
});
