//! `vitrine::json::from_str` (the wasm build's JSON reader): never panics, never overflows the
//! stack, and answers exactly as serde_json does, value or error message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = vitrine::json::from_str::<Value>(text).map_err(|e| e.to_string());
    let theirs = serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
    assert_eq!(ours, theirs);
    let ours = vitrine::json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| e.to_string());
    let theirs = serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| e.to_string());
    assert_eq!(ours.map(drop), theirs.map(drop));
});
