//! JSON read straight from text, without `serde_json::Value`.
//!
//! Parsing a document to a `Value` and then converting it (`serde_json::from_value`) compiles a
//! second complete deserializer for every type read that way, next to the `from_str` one; in
//! the wasm bundle that was about 100 KB of code. Instead, documents are parsed from their text
//! with `serde_json::from_str`, and where a reader needs a document's parts separately (to
//! repair one bad field, to check a version first, to keep a free-form part verbatim) it takes
//! them as text slices:
//!
//! - [`version`] validates a document and reads its top-level `version`, as `Value` would;
//! - [`members`] / [`elements`] split a validated object / array into raw member texts, each
//!   then parsed on its own with `from_str`;
//! - [`Scalar`] is a value's kind, with its scalar kept (what `Value::as_u64`, `as_f64`,
//!   `as_str`, `is_null` answered).
//!
//! Members come back sorted by key, a repeated key keeping its last value: the order and
//! semantics of a `Value` object, so readers behave exactly as they did.
//!
//! [`from_str`] is serde_json's `from_str` with structs read from objects only, on Vitrine's
//! own lexer. The wasm build parses with [`read_str`] instead: serde-free [`FromJson`]
//! readers on the same lexer, with the same values and error messages as the serde derives
//! (which stay, define the format and serve native code), so no derived visitor is
//! compiled there.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::collections;

mod catalog;
mod error;
mod event;
mod names;
mod options;
mod parse;
mod read;
mod to_json;
mod typed;
mod values;
mod write;
mod writers;
pub use error::Error;
pub(crate) use names::names;
pub use names::variant_index;
pub use parse::from_str;
pub use read::Reader;
pub(crate) use to_json::struct_writer;
pub use to_json::{to_json, ToJson, ToKey, Writer};
pub(crate) use typed::struct_reader;
pub use typed::{mask, read_str, Fields, FromJson, FromKey};
pub use values::{lenient_f32s, lenient_f64, name_index};
pub use write::to_string;

/// `value` as JSON text, for error messages (quoted, escaped strings; `[..]` lists). Cheaper
/// in the wasm than `{:?}`, which links `Debug`'s own escaping and list builders.
pub fn quoted(value: &dyn ToJson) -> String {
    to_json(value)
}

/// Checks that `text` is exactly one JSON value (what `serde_json` accepts).
pub fn validate(text: &str) -> Result<(), Error> {
    read_str::<Skipped>(text).map(|_| ())
}

/// A value read through and dropped, as serde's `IgnoredAny` is.
struct Skipped;

impl FromJson for Skipped {
    fn read(r: &mut Reader<'_>) -> Result<Skipped, Error> {
        r.skip().map(|()| Skipped)
    }
}

/// Validates `text` as JSON and returns its top-level `version` when it is an object whose
/// `version` is a non-negative integer (`None` otherwise, like `value.get("version")
/// .and_then(Value::as_u64)`).
pub fn version(text: &str) -> Result<Option<u64>, Error> {
    read_str::<Peek>(text).map(|peek| peek.0)
}

/// A JSON value's kind, with the scalar kept. Arrays and objects are read through and
/// reported by kind only.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// A number with a fraction or exponent.
    F64(f64),
    /// A string.
    Str(String),
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Scalar {
    /// Reads one JSON value's text (`None` when it is not JSON).
    pub fn parse(text: &str) -> Option<Scalar> {
        read_str(text).ok()
    }

    /// A non-negative integer, as `Value::as_u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Scalar::U64(u) => Some(*u),
            _ => None,
        }
    }

    /// An integer that fits `i64`, as `Value::as_i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::U64(u) => i64::try_from(*u).ok(),
            Scalar::I64(i) => Some(*i),
            _ => None,
        }
    }

    /// Any number, as `Value::as_f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::U64(u) => Some(*u as f64),
            Scalar::I64(i) => Some(*i as f64),
            Scalar::F64(f) => Some(*f),
            _ => None,
        }
    }
}

impl fmt::Display for Scalar {
    /// JSON for scalars; `[…]` and `{…}` for arrays and objects (for error messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Null => f.write_str("null"),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::U64(u) => write!(f, "{u}"),
            Scalar::I64(i) => write!(f, "{i}"),
            Scalar::F64(x) => write!(f, "{}", crate::text::Float(*x)),
            Scalar::Str(s) => f.write_str(&to_json(&s)),
            Scalar::Array => f.write_str("[…]"),
            Scalar::Object => f.write_str("{…}"),
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::U64(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        // As `Value`: a non-negative `i64` is a `u64`.
        Ok(u64::try_from(v).map_or(Scalar::I64(v), Scalar::U64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::F64(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// A whole document read through for its top-level `version`.
pub(crate) struct Peek(pub(crate) Option<u64>);

impl<'de> Visitor<'de> for Peek {
    type Value = Peek;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Peek, A::Error> {
        let mut version = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "version" {
                version = map.next_value::<Scalar>()?.as_u64();
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Peek(version))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Peek, A::Error> {
        ScalarVisitor.visit_seq(seq).map(|_| Peek(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Peek, E> {
        Ok(Peek(None))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Peek, E> {
        Ok(Peek(None))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Peek, E> {
        Ok(Peek(None))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Peek, E> {
        Ok(Peek(None))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Peek, E> {
        Ok(Peek(None))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Peek, E> {
        Ok(Peek(None))
    }
}

impl<'de> Deserialize<'de> for Peek {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Peek(None))
    }
}

/// As [`Peek`]'s serde visitor: an object's `version` read as a [`Scalar`] (the last one
/// wins), everything else read through.
impl FromJson for Peek {
    fn read(r: &mut Reader<'_>) -> Result<Peek, crate::json::Error> {
        if r.peek() != Some(b'{') {
            return Scalar::read(r).map(|_| Peek(None));
        }
        let mut version = None;
        r.map(&mut |key, r| {
            r.colon()?;
            if key == "version" {
                version = Scalar::read(r)?.as_u64();
                Ok(())
            } else {
                r.skip()
            }
        })?;
        Ok(Peek(version))
    }
}

/// The members of the JSON object `text` as `(key, raw value text)`, sorted by key, a repeated
/// key keeping its last value. `None` when `text` is not an object. `text` must already be
/// valid JSON (see [`validate`]): the split only finds where values start and end, and each
/// value is parsed later, on its own.
pub fn members(text: &str) -> Option<Vec<(String, &str)>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut out: Vec<(String, &str)> = Vec::new();
    if b.get(i) != Some(&b'}') {
        loop {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let key_end = skip_value(b, i)?;
            let key: String = read_str(&text[i..key_end]).ok()?;
            i = skip_ws(b, key_end);
            if b.get(i) != Some(&b':') {
                return None;
            }
            let start = skip_ws(b, i + 1);
            let end = skip_value(b, start)?;
            out.push((key, &text[start..end]));
            i = skip_ws(b, end);
            match b.get(i) {
                Some(b',') => i = skip_ws(b, i + 1),
                Some(b'}') => break,
                _ => return None,
            }
        }
    }
    collections::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    let mut unique: Vec<(String, &str)> = Vec::with_capacity(out.len());
    for member in out {
        match unique.last_mut() {
            Some(last) if last.0 == member.0 => *last = member,
            _ => unique.push(member),
        }
    }
    Some(unique)
}

/// The elements of the JSON array `text` as raw texts, in order. `None` when `text` is not an
/// array. `text` must already be valid JSON, as for [`members`].
pub fn elements(text: &str) -> Option<Vec<&str>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        return Some(out);
    }
    loop {
        let end = skip_value(b, i)?;
        out.push(&text[i..end]);
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Some(out),
            _ => return None,
        }
    }
}

/// Whether a raw value text is `null`.
pub fn is_null(raw: &str) -> bool {
    raw == "null"
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The end (exclusive) of the value starting at `i`. Every index returned follows an ASCII
/// byte or is the end, so slicing there never splits a character.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// The end (exclusive) of the string starting at `i` (a `"`).
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
