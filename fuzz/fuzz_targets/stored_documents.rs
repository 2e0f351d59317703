//! The stored-document decoders (`json::version`/`members`/`elements`, the lenient profile
//! reader): never panic on any text; what they accept is JSON, and a profile they read
//! survives a save and a second read, and once repaired reads back with no wrong types. A
//! stored quiz's repair and a quiz bank built from any text never panic, and a repaired quiz
//! needs no second repair.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine::json;
use vitrine::profile::{Profile, ProfileConfig};
use vitrine::quiz::{QuestionBank, QuizConfig, QuizState};
use vitrine::storage::persist::Versioned;

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
    if let Some(mut profile) = Profile::from_stored(text) {
        let saved = serde_json::to_string(&profile).expect("a read profile serialises");
        assert!(Profile::from_stored(&saved).is_some(), "a saved profile reads back");
        // Repaired, it is written as storage writes it and reads back with every field of
        // the right type.
        profile.repair(1.7e12);
        let saved = json::to_json(&profile);
        let mut back = Profile::from_stored(&saved).expect("a repaired profile reads back");
        assert!(back.take_repairs().is_empty(), "no wrong types in {saved}");
    }
    if let Ok(mut quiz) = json::read_str::<QuizState>(text) {
        let now = text.len() as f64;
        quiz.repair(now);
        let repaired = json::to_json(&quiz);
        assert_eq!(quiz.repair(now), 0, "a repaired quiz needs no second repair");
        assert_eq!(json::to_json(&quiz), repaired, "a second repair changes nothing");
    }
    let _ = QuestionBank::from_json(text, &ProfileConfig::default(), &QuizConfig::default(), 7);
});
