//! The TCF v2.2 TC string parser: never panics on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine::privacy::tcf::{TcString, TcfMapping};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(tc) = TcString::parse(text) {
            let _ = tc.to_update(&TcfMapping::default());
        }
    }
});
