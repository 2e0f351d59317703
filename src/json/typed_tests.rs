//! The [`FromJson`] readers against the serde derives through `json::from_str`: the same
//! value or the same error message (with line and column) for serialised values and for
//! mutated documents (wrong types, missing, unknown and repeated fields, broken syntax).

use std::fmt::Debug;
use std::fmt::Write as _;

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::json::{from_str, read_str, FromJson};

/// Ours and the derive's answer for `text`.
pub(crate) fn agree<T>(text: &str) -> Result<(), TestCaseError>
where
    T: FromJson + DeserializeOwned + Debug,
{
    // Compared as `Debug` text: NaN equals itself there, and `-0.0` differs from `0.0`.
    let ours = read_str::<T>(text)
        .map(|v| format!("{v:?}"))
        .map_err(|e| e.to_string());
    let theirs = from_str::<T>(text)
        .map(|v| format!("{v:?}"))
        .map_err(|e| e.to_string());
    prop_assert_eq!(ours, theirs, "text: {}", text);
    Ok(())
}

/// A value serialised by serde reads back equal, and so does every mutation of it.
pub(crate) fn check<T>(value: &T, mutations: &[Mutation]) -> Result<(), TestCaseError>
where
    T: FromJson + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value).expect("serialises");
    let back = read_str::<T>(&text).ok();
    prop_assert_eq!(back.as_ref(), Some(value), "text: {}", text);
    check_text::<T>(&text, mutations)
}

/// A document reads the same through both, and so does every mutation of it.
pub(crate) fn check_text<T>(text: &str, mutations: &[Mutation]) -> Result<(), TestCaseError>
where
    T: FromJson + DeserializeOwned + Debug,
{
    agree::<T>(text)?;
    let tree: Value = serde_json::from_str(text).expect("JSON");
    for m in mutations {
        let mutated = m.apply(&tree, text);
        agree::<T>(&mutated)?;
    }
    Ok(())
}

/// A document of `v`'s shape: members dropped, numbers, strings and booleans changed, arrays
/// shortened, all driven by `rng`.
pub(crate) fn reshape(v: &Value, rng: &mut impl Iterator<Item = u32>) -> Value {
    let n = rng.next().unwrap_or(7);
    match v {
        Value::Number(x) if x.is_u64() => Value::from(n % 2_000),
        Value::Number(_) => Value::from(f64::from(n % 4_000) / 8.0),
        Value::String(_) => Value::from(format!("s{}", n % 5)),
        Value::Bool(_) => Value::from(n % 2 == 0),
        Value::Array(a) => {
            let keep = n as usize % (a.len() + 1);
            Value::Array(a.iter().take(keep).map(|e| reshape(e, rng)).collect())
        }
        Value::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, e) in o {
                if rng.next().unwrap_or(1) % 4 != 0 {
                    out.insert(k.clone(), reshape(e, rng));
                }
            }
            Value::Object(out)
        }
        Value::Null => Value::Null,
    }
}

/// A change to a document, at a node chosen by index (modulo the document's nodes).
#[derive(Debug, Clone)]
pub(crate) enum Mutation {
    /// Replace a value by one of [`REPLACEMENTS`].
    Replace(usize, usize),
    /// Remove an object member.
    Remove(usize),
    /// Add an unknown member to an object.
    Unknown(usize),
    /// Repeat an object's first member.
    Repeat(usize),
    /// Cut the text.
    Truncate(usize),
    /// Overwrite one byte of the text.
    Byte(usize, u8),
}

/// Values of every JSON kind, some close to what the documents hold.
const REPLACEMENTS: &[&str] = &[
    "null",
    "true",
    "0",
    "-1",
    "1.5",
    "4294967296",
    "18446744073709551616",
    "\"x\"",
    "\"measurement\"",
    "[]",
    "{}",
    "[1]",
    "{\"a\":1}",
    "[\"x\",\"y\"]",
    "1e400",
];

pub(crate) fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        (any::<usize>(), 0..REPLACEMENTS.len()).prop_map(|(n, r)| Mutation::Replace(n, r)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Unknown),
        any::<usize>().prop_map(Mutation::Repeat),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop::sample::select(b"\"{}[],:0-ex \\".to_vec())
        )
            .prop_map(|(n, b)| Mutation::Byte(n, b)),
    ];
    prop::collection::vec(one, 1..8)
}

impl Mutation {
    fn apply(&self, tree: &Value, text: &str) -> String {
        let mut out = String::new();
        match *self {
            Mutation::Truncate(n) => {
                let mut cut = n % (text.len() + 1);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                return text[..cut].to_owned();
            }
            Mutation::Byte(n, b) => {
                let mut bytes = text.as_bytes().to_vec();
                if bytes.is_empty() {
                    return String::new();
                }
                let i = n % bytes.len();
                bytes[i] = b;
                return String::from_utf8(bytes).unwrap_or_default();
            }
            _ => {}
        }
        let (count, objects, members) = census(tree);
        let target = match *self {
            Mutation::Replace(n, _) => n % count,
            Mutation::Remove(n) => n % members.max(1),
            Mutation::Unknown(n) | Mutation::Repeat(n) => n % objects.max(1),
            _ => unreachable!(),
        };
        let mut counters = (0, 0, 0);
        write(tree, self, target, &mut counters, &mut out);
        out
    }
}

/// Values, objects and object members in a tree.
fn census(v: &Value) -> (usize, usize, usize) {
    match v {
        Value::Array(a) => a.iter().map(census).fold((1, 0, 0), add),
        Value::Object(o) => o.values().map(census).fold((1, 1, o.len()), add),
        _ => (1, 0, 0),
    }
}

fn add(a: (usize, usize, usize), b: (usize, usize, usize)) -> (usize, usize, usize) {
    (a.0 + b.0, a.1 + b.1, a.2 + b.2)
}

/// Writes `v`, applying `m` at its `target` (values, objects or members counted in
/// `counters`, pre-order).
fn write(v: &Value, m: &Mutation, target: usize, c: &mut (usize, usize, usize), out: &mut String) {
    let index = c.0;
    c.0 += 1;
    if let Mutation::Replace(_, r) = *m {
        if index == target {
            out.push_str(REPLACEMENTS[r]);
            return;
        }
    }
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, e) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(e, m, target, c, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            let object = c.1;
            c.1 += 1;
            out.push('{');
            let mut first = true;
            let mut sep = |out: &mut String| {
                if !std::mem::take(&mut first) {
                    out.push(',');
                }
            };
            if object == target && matches!(m, Mutation::Unknown(_)) {
                sep(out);
                out.push_str("\"zzUnknown\":1");
            }
            for (i, (k, e)) in o.iter().enumerate() {
                let member = c.2;
                c.2 += 1;
                if member == target && matches!(m, Mutation::Remove(_)) {
                    continue;
                }
                sep(out);
                let start = out.len();
                let _ = write!(out, "{}:", serde_json::to_string(k).expect("key"));
                write(e, m, target, c, out);
                if object == target && i == 0 && matches!(m, Mutation::Repeat(_)) {
                    let piece = out[start..].to_owned();
                    out.push(',');
                    out.push_str(&piece);
                }
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[test]
fn leaves_agree_with_serde() {
    for text in [
        "1",
        "-1",
        "1.5",
        "4294967295",
        "4294967296",
        "\"x\"",
        "null",
        "true",
        "[]",
        "{}",
        "",
        "1e400",
        "01",
        "-",
        "\"\\u12\"",
        "[1,]",
        "{\"a\":1}",
    ] {
        agree::<u32>(text).unwrap();
        agree::<u8>(text).unwrap();
        agree::<u64>(text).unwrap();
        agree::<usize>(text).unwrap();
        agree::<f64>(text).unwrap();
        agree::<f32>(text).unwrap();
        agree::<bool>(text).unwrap();
        agree::<String>(text).unwrap();
        agree::<Option<u32>>(text).unwrap();
        agree::<Vec<u32>>(text).unwrap();
        agree::<std::collections::VecDeque<String>>(text).unwrap();
        agree::<crate::collections::VecSet<String>>(text).unwrap();
        agree::<crate::collections::VecMap<String, f64>>(text).unwrap();
        agree::<crate::collections::VecMap<crate::privacy::ledger::DropReason, u64>>(text).unwrap();
    }
}

/// `json::version` and `json::validate` (now on [`FromJson`]) against their serde forms.
fn peek_agrees(text: &str) -> Result<(), TestCaseError> {
    let ours = crate::json::version(text).map_err(|e| e.to_string());
    let theirs = from_str::<crate::json::Peek>(text)
        .map(|p| p.0)
        .map_err(|e| e.to_string());
    prop_assert_eq!(ours, theirs, "text: {}", text);
    let ours = crate::json::validate(text).map_err(|e| e.to_string());
    let theirs = from_str::<serde::de::IgnoredAny>(text)
        .map(drop)
        .map_err(|e| e.to_string());
    prop_assert_eq!(ours, theirs, "text: {}", text);
    Ok(())
}

#[test]
fn version_and_validate_agree_with_serde() {
    for text in [
        "",
        "{}",
        "[]",
        "1",
        "1e400",
        "\"\\ud800\"",
        r#"{"version":2}"#,
        r#"{"version":2,"version":"x"}"#,
        r#"{"version":-1}"#,
        r#"{"version":1e400}"#,
        r#"{"a":[1,{"version":3}],"version":4}"#,
        r#"{"\ud800":1}"#,
        r#"["\ud800"]"#,
        r#"{"version":1,}"#,
        "[1,]",
        r#"{"a" 1}"#,
        "{\"version\":1} x",
    ] {
        peek_agrees(text).unwrap();
    }
}

proptest! {
    #[test]
    fn version_agrees_on_mutated_documents(v in any::<u32>(), m in mutations()) {
        let text = format!(r#"{{"version":{v},"items":[{{"a":"\u00e9","b":[1.5,null]}}]}}"#);
        let tree: Value = serde_json::from_str(&text).unwrap();
        peek_agrees(&text)?;
        for m in &m {
            peek_agrees(&m.apply(&tree, &text))?;
        }
    }

    #[test]
    fn collections_agree_with_serde(v in prop::collection::vec(any::<u32>(), 0..6),
                                    m in mutations()) {
        check(&v, &m)?;
        let map: crate::collections::VecMap<String, u32> =
            v.iter().map(|n| (format!("k{}", n % 4), *n)).collect();
        check(&map, &m)?;
        let set: crate::collections::VecSet<String> = v.iter().map(|n| format!("{n}")).collect();
        check(&set, &m)?;
        let f: Vec<f32> = v.iter().map(|n| *n as f32).collect();
        check(&f, &m)?;
    }
}
