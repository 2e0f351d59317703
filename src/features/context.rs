//! The shopping context: device class, daypart, weekday, locale, or any field a model names.
//!
//! The page supplies what it knows (`{"device": "mobile", "locale": "en-GB"}`); daypart and
//! weekday can be derived from the clock and the shopper's UTC offset with [`Context::at`].
//! Fields the model does not know are ignored, values it does not know use the field's
//! "unknown" embedding, so a new device class never fails a re-rank.

use crate::collections::VecMap;

use serde::{Deserialize, Serialize};

/// Most context fields accepted.
pub const MAX_CONTEXT_FIELDS: usize = 16;
/// Longest context name or value kept, in bytes.
pub const MAX_CONTEXT_LEN: usize = 64;
/// Weekday names, Monday first (ISO order).
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Daypart names: 0–5 h night, 6–11 h morning, 12–17 h afternoon, 18–23 h evening.
pub const DAYPARTS: [&str; 4] = ["night", "morning", "afternoon", "evening"];
const MS_PER_DAY: f64 = 86_400_000.0;

/// Context field → value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Context(VecMap<String, String>);

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Context::default()
    }

    /// Sets a field; oversize names or values and fields beyond [`MAX_CONTEXT_FIELDS`] are
    /// ignored (context is a hint, never a reason to fail).
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        let fits = name.len() <= MAX_CONTEXT_LEN && value.len() <= MAX_CONTEXT_LEN;
        let room = self.0.len() < MAX_CONTEXT_FIELDS || self.0.contains_key(name);
        if fits && room && !name.is_empty() {
            self.0.insert(name.to_owned(), value.to_owned());
        }
        self
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Drops fields that break the limits (for contexts deserialised from page input).
    pub fn sanitized(self) -> Self {
        let mut clean = Context::new();
        for (name, value) in &self.0 {
            clean.set(name, value);
        }
        clean
    }

    /// Fills `weekday` and `daypart` from a time (ms since the epoch) and the shopper's offset
    /// from UTC in minutes (e.g. 60 for CET). Non-finite times leave the context unchanged.
    pub fn at(mut self, now_ms: f64, utc_offset_minutes: i32) -> Self {
        if let Some((weekday, daypart)) = weekday_and_daypart(now_ms, utc_offset_minutes) {
            self.set("weekday", weekday);
            self.set("daypart", daypart);
        }
        self
    }
}

/// The local weekday and daypart of a time, or `None` for a non-finite time.
pub fn weekday_and_daypart(
    now_ms: f64,
    utc_offset_minutes: i32,
) -> Option<(&'static str, &'static str)> {
    if !now_ms.is_finite() {
        return None;
    }
    let local = now_ms + f64::from(utc_offset_minutes) * 60_000.0;
    let days = (local / MS_PER_DAY).floor();
    // 1970-01-01 was a Thursday (index 3 with Monday = 0). Integer arithmetic: an f64
    // remainder links libm's `fmod` and 128-bit division into the wasm (~1 KB).
    let weekday = ((days as i64).rem_euclid(7) + 3) as usize % 7;
    let hour = ((local - days * MS_PER_DAY) / 3_600_000.0) as usize;
    Some((WEEKDAYS[weekday.min(6)], DAYPARTS[(hour / 6).min(3)]))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn derives_weekday_and_daypart() {
        // 2020-09-22 was a Tuesday; 14:30 UTC.
        let t = 1_600_785_000_000.0;
        assert_eq!(weekday_and_daypart(t, 0), Some(("tue", "afternoon")));
        // Ten hours ahead it is 00:30 on Wednesday.
        assert_eq!(weekday_and_daypart(t, 600), Some(("wed", "night")));
        // Before the epoch still works.
        assert_eq!(weekday_and_daypart(-1.0, 0), Some(("wed", "evening")));
        assert_eq!(weekday_and_daypart(f64::NAN, 0), None);
        // Far outside any real clock: some weekday, never a panic.
        assert!(weekday_and_daypart(f64::MAX, 0).is_some());
        assert!(weekday_and_daypart(-f64::MAX, 0).is_some());
    }

    proptest::proptest! {
        #[test]
        fn integer_weekday_matches_the_float_remainder(t in -1e16f64..1e16, offset in -900i32..900) {
            let local = t + f64::from(offset) * 60_000.0;
            let days = (local / MS_PER_DAY).floor();
            let expected = WEEKDAYS[(days + 3.0).rem_euclid(7.0) as usize];
            proptest::prop_assert_eq!(weekday_and_daypart(t, offset).map(|w| w.0), Some(expected));
        }
    }

    #[test]
    fn limits_are_enforced_without_failing() {
        let mut c = Context::new();
        c.set("device", "mobile")
            .set(&"x".repeat(65), "v")
            .set("", "v");
        for i in 0..40 {
            c.set(&format!("f{i}"), "v");
        }
        assert_eq!(c.get("device"), Some("mobile"));
        assert_eq!(c.0.len(), MAX_CONTEXT_FIELDS);
        let json: Context = serde_json::from_str(r#"{"device":"tablet"}"#).unwrap();
        assert_eq!(json.sanitized().get("device"), Some("tablet"));
    }
}
