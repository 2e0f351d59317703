//! The stored-document decoders (`json::version`/`members`/`elements`, the lenient profile
//! reader): never panic on any text; what they accept is JSON, and a profile they read
//! survives a save and a second read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine::json;
use vitrine::profile::Profile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let valid = json::validate(text).is_ok();
    // `version` reads numbers as values (like `serde_json::Value`: `8e621` is out of range),
    // `validate` only checks the syntax, so a version read implies valid JSON, not back.
    if json::version(text).is_ok() {
        assert!(valid, "version answers for JSON only");
    }
    // The splitters work on checked text (as the readers call them).
    if valid {
        for (_, raw) in json::members(text).unwrap_or_default() {
            let _ = json::Scalar::parse(raw);
            let _ = json::elements(raw);
        }
        let _ = json::elements(text);
    }
    if let Some(profile) = Profile::from_stored(text) {
        let saved = serde_json::to_string(&profile).expect("a read profile serialises");
        assert!(Profile::from_stored(&saved).is_some(), "a saved profile reads back");
    }
});
