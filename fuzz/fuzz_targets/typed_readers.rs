//! The wasm build's serde-free readers (`vitrine::json::read_str`, `FromJson`): for every
//! document and option type they cover, never panic and answer exactly as the type's serde
//! derive through `vitrine::json::from_str` does, value or error message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use vitrine::json::{from_str, read_str, FromJson};

fn same<T: FromJson + DeserializeOwned + std::fmt::Debug>(text: &str) {
    // As `Debug` text: NaN equals itself there, and `-0.0` differs from `0.0`.
    let ours = read_str::<T>(text).map(|v| format!("{v:?}")).map_err(|e| e.to_string());
    let theirs = from_str::<T>(text).map(|v| format!("{v:?}")).map_err(|e| e.to_string());
    assert_eq!(ours, theirs, "{}", std::any::type_name::<T>());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    same::<vitrine::privacy::ledger::Ledger>(text);
    same::<vitrine::privacy::queue::ReportQueue>(text);
    same::<vitrine::privacy::budget::EpsilonBudget>(text);
    same::<vitrine::quiz::QuizState>(text);
    same::<vitrine::features::memory::ItemMemory>(text);
    same::<vitrine::engine::MeasurementState>(text);
    same::<vitrine::engine::EngineOptions>(text);
    same::<vitrine::rank::options::RerankOptions>(text);
    same::<Vec<vitrine::product::Candidate>>(text);
    same::<vitrine::event::RawEvent>(text);
    same::<vitrine::engine::ForgetTarget>(text);
    same::<vitrine::quiz::BankFile>(text);
    same::<Vec<vitrine::quiz::BankProduct>>(text);
    same::<vitrine::features::FeatureSpec>(text);
    same::<vitrine::profile::session::Session>(text);
    same::<vitrine::profile::session::RecentItem>(text);
    same::<vitrine::profile::activity::PriceStats>(text);
    same::<vitrine::profile::coverage::Engagement>(text);
    same::<Vec<(String, String)>>(text);
    same::<vitrine::json::Scalar>(text);
    assert_eq!(
        vitrine::json::validate(text).map_err(|e| e.to_string()),
        from_str::<serde::de::IgnoredAny>(text).map(drop).map_err(|e| e.to_string())
    );
});
