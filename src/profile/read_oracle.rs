//! The stored-profile reader as it was before the 2026-12-01 size pass (`read.rs` since then
//! builds its maps and the recent items in plain loops): kept as the oracle the property
//! tests (`read_tests.rs`) compare the reader with. Only what the rewrite changed is kept here;
//! the field and issue helpers (`Fields`, `Reader`) are `read.rs`'s own.

use super::affinity::Decayed;
use super::coverage::Engagement;
use super::read::{Fields, Reader};
use super::session::RecentItem;
use super::Profile;
use crate::json::{self, FromJson, Scalar};

/// The old `nested`: entries collected through an iterator chain, as plain lists. `Fields`
/// and `Reader` are shared with `read.rs`: the rewrite left them unchanged.
fn nested<T: FromJson>(r: &mut Reader, raw: &str, key: &str) -> Vec<(String, Vec<(String, T)>)> {
    let Some(outer) = json::members(raw) else {
        r.wrong(&[key]);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, inner) in outer {
        let Some(inner) = json::members(inner) else {
            r.wrong(&[key, &name]);
            continue;
        };
        let entries = inner
            .into_iter()
            .filter_map(|(v, raw)| r.parse::<T>(raw, &[key, &name, &v]).map(|x| (v, x)))
            .collect();
        out.push((name, entries));
    }
    out
}

/// Builds a profile from stored JSON text (any schema version's fields), field by field:
/// wrong types are reset and noted for [`Profile::repair`]. `None` when `text` is not an
/// object. `text` must be valid JSON ([`json::validate`]; storage checks it first).
pub(super) fn from_stored(text: &str) -> Option<Profile> {
    let mut obj = Fields::of(text)?;
    let mut r = Reader::default();
    let mut p = Profile::default();
    match obj.take("version").map(|v| {
        Scalar::parse(v)
            .and_then(|v| v.as_u64())
            .and_then(|v| u32::try_from(v).ok())
    }) {
        None => {}
        Some(Some(v)) => p.version = v,
        Some(None) => r.wrong(&["version"]),
    }
    p.event_count = r.count(&mut obj, &["eventCount"]);
    p.updated_ms = r.time(&mut obj, &["updatedMs"]).unwrap_or(0.0);
    if let Some(v) = obj.take("affinities") {
        for (attr, entries) in nested::<Decayed>(&mut r, v, "affinities") {
            p.affinities.insert(attr, entries.into_iter().collect());
        }
    }
    if let Some(v) = obj.take("coverage") {
        for (attr, entries) in nested::<Engagement>(&mut r, v, "coverage") {
            p.coverage.insert(attr, entries.into_iter().collect());
        }
    }
    p.price = r.section(&mut obj, "price");
    if let Some(v) = obj.take("activity").filter(|v| !json::is_null(v)) {
        p.activity = r.activity(v);
    }
    p.session = r.section(&mut obj, "session");
    match obj.take("recent").filter(|v| !json::is_null(v)) {
        None => {}
        Some(raw) if raw.starts_with('[') => {
            p.recent = json::elements(raw)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| r.parse::<RecentItem>(item, &["recent", &i.to_string()]))
                .collect();
        }
        Some(_) => r.wrong(&["recent"]),
    }
    match obj.take("paused") {
        None | Some("null") => {}
        Some("true") => p.paused = true,
        Some("false") => p.paused = false,
        Some(_) => r.wrong(&["paused"]),
    }
    p.retention = r.section(&mut obj, "retention");
    p.repairs = r.issues;
    Some(p)
}
