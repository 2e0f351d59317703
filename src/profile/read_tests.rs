//! The stored-profile reader (`read.rs`) against the reader it was before the size pass
//! (`read_oracle.rs`): the same profile, the same notes in the same order, the same repair and
//! the same stored bytes, on generated stored texts with wrong types, out-of-range values,
//! future dates, unknown and repeated members, and on every prefix of them (truncated text).

use proptest::prelude::*;

use super::read_oracle;
use super::Profile;
use crate::json;

/// Values of every JSON kind, several of them wrong or out of range for every field.
const SCALARS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "2.5",
    "-0.5",
    "1e300",
    "1e20",
    "4294967296",
    "18446744073709551616",
    "-9223372036854775809",
    "1700000000000",
    "9000000000000000",
    "\"x\"",
    "\"\"",
    "[]",
    "{}",
    "[1,2]",
    "{\"a\":1}",
    "[[{\"deep\":[]}]]",
];

const DECAYED: &[&str] = &[
    "[1,2]",
    "[0.5,1700000000000]",
    "[-1,5]",
    "[1e308,1]",
    "[1]",
    "[1,2,3]",
    "[1,\"x\"]",
    "[null,1]",
    "[1,9000000000000000]",
    "[ 2 , 3 ]",
];

const ENGAGEMENT: &[&str] = &[
    r#"{"depth":"browsed","lastMs":5}"#,
    r#"{"depth":"carted","lastMs":-1}"#,
    r#"{"depth":"purchased","lastMs":9000000000000000}"#,
    r#"{"depth":"deep","lastMs":1}"#,
    r#"{"depth":"purchased"}"#,
    r#"{"lastMs":1,"depth":"browsed","x":[1,{"y":2}]}"#,
    r#"{"depth":"browsed","lastMs":1,"lastMs":2}"#,
];

const PRICE: &[&str] = &[
    r#"{"meanLog":1,"weight":2,"atMs":3}"#,
    r#"{"meanLog":"x"}"#,
    r#"{"weight":-1,"extra":1}"#,
    r#"{"meanLog":1,"weight":1e9,"atMs":9000000000000000}"#,
];

const SESSION: &[&str] = &[
    r#"{"startedMs":1,"lastMs":2,"items":[{"id":"a","atMs":1,"attributes":[["colour","Red"]]}]}"#,
    r#"{"startedMs":5,"lastMs":2}"#,
    r#"{"startedMs":"x"}"#,
    r#"{"items":[{"id":"a"}]}"#,
    r#"{"items":[{"id":"a","atMs":1,"attributes":[["c"]]}]}"#,
    r#"{"items":[{"id":"","atMs":1,"attributes":[]}],"other":null}"#,
];

const RECENT_ITEMS: &[&str] = &[
    r#"{"id":"a","kind":"view","atMs":5}"#,
    r#"{"id":"b","kind":"purchase","atMs":1,"sensitive":true}"#,
    r#"{"id":"a","kind":"nope","atMs":1}"#,
    r#"{"id":1}"#,
    r#"{"id":"c","kind":"click","atMs":9000000000000000}"#,
    r#"{"id":"","kind":"view","atMs":2}"#,
    r#"{"id":"d","kind":"return","atMs":-3,"x":{}}"#,
    "null",
    "3",
];

const RETENTION: &[&str] = &[
    r#"{"affinitiesDays":30}"#,
    r#"{"affinitiesDays":-1}"#,
    r#"{"affinitiesDays":0}"#,
    r#"{"bogus":1}"#,
    r#"{"recentItemsDays":1,"sessionHours":2,"quizDays":3}"#,
];

const KEYS: [&str; 12] = [
    "version",
    "eventCount",
    "updatedMs",
    "affinities",
    "coverage",
    "price",
    "activity",
    "session",
    "recent",
    "paused",
    "retention",
    "unknown",
];

fn one_of(lists: &[&'static [&'static str]]) -> BoxedStrategy<String> {
    let all: Vec<&str> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    prop::sample::select(all).prop_map(String::from).boxed()
}

/// An object of `member`s (keys quoted, repeats allowed).
fn object(member: BoxedStrategy<(String, String)>, max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(member, 0..max)
        .prop_map(|members| {
            let parts: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}:{v}", json::to_string(k).unwrap()))
                .collect();
            format!("{{{}}}", parts.join(","))
        })
        .boxed()
}

fn keyed(
    keys: &'static [&'static str],
    value: BoxedStrategy<String>,
) -> BoxedStrategy<(String, String)> {
    (prop::sample::select(keys.to_vec()), value)
        .prop_map(|(k, v)| (k.to_owned(), v))
        .boxed()
}

/// `{attribute: {value: entry}}`, or anything else at either level.
fn nested(entry: &'static [&'static str]) -> BoxedStrategy<String> {
    let inner = object(
        keyed(
            &["Red", "Blue", "", "\u{e9}", "x\"y"],
            one_of(&[entry, SCALARS]),
        ),
        5,
    );
    let attribute = prop_oneof![3 => inner, 1 => one_of(&[SCALARS])].boxed();
    let outer = object(keyed(&["colour", "size", "a\u{e9}", ""], attribute), 4);
    prop_oneof![4 => outer, 1 => one_of(&[SCALARS])].boxed()
}

fn value(field: usize) -> BoxedStrategy<String> {
    match field {
        3 => nested(DECAYED),
        4 => nested(ENGAGEMENT),
        5 => one_of(&[PRICE, SCALARS]),
        6 => {
            let keys = &[
                "monetary",
                "firstMs",
                "lastMs",
                "lastPurchaseMs",
                "purchases",
                "returns",
                "sessions",
                "other",
            ];
            prop_oneof![4 => object(keyed(keys, one_of(&[SCALARS])), 9), 1 => one_of(&[SCALARS])]
                .boxed()
        }
        7 => one_of(&[SESSION, SCALARS]),
        8 => {
            let items = prop::collection::vec(one_of(&[RECENT_ITEMS]), 0..4)
                .prop_map(|items| format!("[{}]", items.join(",")));
            prop_oneof![4 => items, 1 => one_of(&[SCALARS])].boxed()
        }
        10 => one_of(&[RETENTION, SCALARS]),
        _ => one_of(&[SCALARS]),
    }
}

/// A stored profile's text: members of every field (repeats and unknown members included).
fn stored() -> impl Strategy<Value = String> {
    let member = (0..KEYS.len())
        .prop_flat_map(|f| value(f).prop_map(move |v| (KEYS[f].to_owned(), v)))
        .boxed();
    object(member, 16)
}

/// Both readers agree on `text`: the same profile and notes, and after repair the same
/// profile, notes and stored bytes.
fn agree(text: &str, now_ms: f64) -> Result<(), TestCaseError> {
    let old = read_oracle::from_stored(text);
    let new = Profile::from_stored(text);
    let (mut old, mut new) = match (old, new) {
        (Some(old), Some(new)) => (old, new),
        (None, None) => return Ok(()),
        (old, new) => {
            return Err(TestCaseError::fail(format!(
                "{text}: old {}, new {}",
                old.is_some(),
                new.is_some()
            )))
        }
    };
    prop_assert_eq!(&old, &new, "{}", text);
    prop_assert_eq!(&old.repairs, &new.repairs, "{}", text);
    prop_assert_eq!(json::to_json(&old), json::to_json(&new));
    prop_assert_eq!(old.repair(now_ms), new.repair(now_ms));
    prop_assert_eq!(&old, &new, "{}", text);
    prop_assert_eq!(old.take_repairs(), new.take_repairs(), "{}", text);
    prop_assert_eq!(json::to_json(&old), json::to_json(&new));
    Ok(())
}

#[test]
fn edge_cases_agree() {
    for text in [
        "{}",
        "[]",
        "null",
        "5",
        "\"x\"",
        r#"{"version":2,"version":"x"}"#,
        r#"{"version":"x","version":1}"#,
        r#"{"paused":true,"paused":null}"#,
        r#"{"activity":{"purchases":"x","purchases":1},"activity":{"returns":-1}}"#,
        r#"{"activity":{"sessions":2},"activity":null}"#,
        r#"{"affinities":{"c":{"a":[1,2],"a":"x"}}}"#,
        r#"{"affinities":{"c":{"a":"x","a":[1,2]}}}"#,
        r#"{"affinities":{"c":{"b":"x"},"c":5,"a":{"z":1,"y":[1,2]}}}"#,
        r#"{"affinities":{"c":5,"c":{"b":"x"}},"affinities":null}"#,
        r#"{"coverage":{"d":{"x":{"depth":"deep"}}},"recent":[1,{"id":"a","kind":"view","atMs":1}]}"#,
        r#"{"recent":"x","recent":null,"price":[],"session":{"x":1},"retention":{"bogus":1}}"#,
        r#" { "eventCount" : 2.9 , "updatedMs" : -1 , "zzz" : [ { } ] } "#,
    ] {
        agree(text, 1.0e12).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_reader_reads_as_before(text in stored(), now in prop::sample::select(vec![0.0, 1.0e12, 1.7e12, 9.0e15])) {
        agree(&text, now)?;
    }

    /// Truncated text (not JSON, which storage quarantines before reading) reads as before
    /// too, and never panics.
    #[test]
    fn truncated_text_reads_as_before(text in stored(), cut in any::<prop::sample::Index>()) {
        let mut end = cut.index(text.len() + 1);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        agree(&text[..end], 1.0e12)?;
    }
}
