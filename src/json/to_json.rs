//! Serde-free writers: the [`ToJson`] trait, [`to_json`], the [`Writer`] they share with
//! [`to_string`](super::to_string)'s serializer, and [`ToJson`] for the leaf and collection
//! types (`bool`, integers, floats, strings, `Option`, slices, `Vec`, `VecDeque`, pairs,
//! `VecMap`, `VecSet`).
//!
//! A derived `Serialize` compiles, for every struct, one `serialize_field` call per field
//! through serde's `SerializeStruct` (each with its error check) plus the per-type serializer
//! glue (`collect_seq`, `serialize_entry`, …). A struct written here is one non-generic
//! [`Writer::field`] call per field (separator and key as one constant text, value as
//! `&dyn ToJson`) and nothing can fail,
//! so no `Result` is threaded through. The bytes are exactly serde_json's (and so
//! `to_string`'s) for every covered type: property tests compare the two
//! (`to_json_tests.rs`). The serde derives stay: native code writes with them, and they
//! define the format.

use std::collections::VecDeque;
use std::fmt::Write as _;

use crate::collections::{VecMap, VecSet};

/// A value written as JSON by a hand-written writer, with the bytes its serde `Serialize`
/// gives through `serde_json::to_string`.
pub trait ToJson {
    /// Appends the value's JSON text.
    fn write_json(&self, w: &mut Writer);
}

/// A type written as an object key (what serde_json makes of the key's `Serialize`: a string).
pub trait ToKey {
    /// Appends the key as a JSON string.
    fn write_key(&self, w: &mut Writer);
}

/// `value` as compact JSON, byte for byte as `serde_json::to_string` writes it (which cannot
/// fail for the covered types: their map keys are strings). Not generic: one copy serves
/// every type (a `str` is passed as `&&str`).
pub fn to_json(value: &dyn ToJson) -> String {
    let mut w = Writer(String::new());
    value.write_json(&mut w);
    w.0
}

/// JSON text being written.
pub struct Writer(pub(super) String);

impl Writer {
    /// A JSON string with serde_json's escapes (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`,
    /// `\u00XX` for the other control characters).
    #[inline(never)]
    pub fn string(&mut self, s: &str) {
        let out = &mut self.0;
        out.push('"');
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\x08' => "\\b",
                b'\x0c' => "\\f",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..0x20 => "",
                _ => continue,
            };
            out.push_str(&s[start..i]);
            if escape.is_empty() {
                let _ = write!(out, "\\u{b:04x}");
            } else {
                out.push_str(escape);
            }
            start = i + 1;
        }
        out.push_str(&s[start..]);
        out.push('"');
    }

    /// An unsigned integer.
    #[inline(never)]
    pub fn unsigned(&mut self, v: u64) {
        let _ = write!(self.0, "{v}");
    }

    /// A signed integer.
    #[inline(never)]
    pub fn signed(&mut self, v: i64) {
        let _ = write!(self.0, "{v}");
    }

    /// serde_json's float text: zmij's shortest form, `null` for NaN and infinities (through
    /// zmij directly, so serde_json's `io::Write` path is not linked).
    #[inline(never)]
    pub fn float(&mut self, v: f64) {
        if v.is_finite() {
            self.0.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.0.push_str("null");
        }
    }

    /// Text appended as it is (punctuation, `null`, pre-written JSON).
    pub fn raw(&mut self, text: &str) {
        self.0.push_str(text);
    }

    /// One struct member: `key` is the separator, the quoted name and its colon (`{"id":`
    /// for the first member, `,"atMs":` for the others), then the value.
    #[inline(never)]
    pub fn field(&mut self, key: &'static str, value: &dyn ToJson) {
        self.0.push_str(key);
        value.write_json(self);
    }
}

/// A struct's [`ToJson`] from its serde field names, in declaration order: each member is
/// written with its type's [`ToJson`], or left out when its `skip_if` function (serde's
/// `skip_serializing_if`) says so; the first field cannot be skipped (it opens the object).
/// Names must need no escaping (serde field names do not).
///
/// ```ignore
/// json::struct_writer!(RecentItem, { id: "id", kind: "kind", at_ms: "atMs",
///     sensitive: "sensitive" skip_if std::ops::Not::not });
/// ```
macro_rules! struct_writer {
    ($ty:ty, { $first:ident : $first_name:literal,
               $($field:ident : $name:literal $(skip_if $skip:path)?),* $(,)? }) => {
        impl $crate::json::ToJson for $ty {
            fn write_json(&self, w: &mut $crate::json::Writer) {
                // The first member is never skipped, so it always opens the object.
                w.field(concat!("{\"", $first_name, "\":"), &self.$first);
                $(
                    if !$crate::json::struct_writer!(@skip self.$field $(, $skip)?) {
                        w.field(concat!(",\"", $name, "\":"), &self.$field);
                    }
                )*
                w.raw("}");
            }
        }
    };
    (@skip $value:expr) => { false };
    (@skip $value:expr, $skip:path) => { $skip(&$value) };
}
pub(crate) use struct_writer;

impl ToJson for bool {
    fn write_json(&self, w: &mut Writer) {
        w.raw(if *self { "true" } else { "false" });
    }
}

/// Integers as serde_json writes them (decimal).
macro_rules! integers {
    ($($ty:ty => $method:ident as $wide:ty),*) => {$(
        impl ToJson for $ty {
            fn write_json(&self, w: &mut Writer) {
                w.$method(*self as $wide);
            }
        }
    )*};
}

integers!(u8 => unsigned as u64, u16 => unsigned as u64, u32 => unsigned as u64,
    u64 => unsigned as u64, usize => unsigned as u64, i32 => signed as i64, i64 => signed as i64);

impl ToJson for f64 {
    fn write_json(&self, w: &mut Writer) {
        w.float(*self);
    }
}

/// As serde_json: `f32`'s own shortest form (not the widened `f64`'s).
impl ToJson for f32 {
    fn write_json(&self, w: &mut Writer) {
        if self.is_finite() {
            w.raw(zmij::Buffer::new().format_finite(*self));
        } else {
            w.raw("null");
        }
    }
}

impl ToJson for str {
    fn write_json(&self, w: &mut Writer) {
        w.string(self);
    }
}

impl ToJson for String {
    fn write_json(&self, w: &mut Writer) {
        w.string(self);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, w: &mut Writer) {
        (**self).write_json(w);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, w: &mut Writer) {
        match self {
            Some(v) => v.write_json(w),
            None => w.raw("null"),
        }
    }
}

/// The elements of an array, `,`-separated, in `[` `]`.
fn elements<'a, T: ToJson + 'a>(w: &mut Writer, items: impl Iterator<Item = &'a T>) {
    w.raw("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            w.raw(",");
        }
        item.write_json(w);
    }
    w.raw("]");
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, w: &mut Writer) {
        elements(w, self.iter());
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, w: &mut Writer) {
        elements(w, self.iter());
    }
}

impl<T: ToJson> ToJson for VecDeque<T> {
    fn write_json(&self, w: &mut Writer) {
        elements(w, self.iter());
    }
}

impl<T: ToJson> ToJson for VecSet<T> {
    fn write_json(&self, w: &mut Writer) {
        elements(w, self.iter());
    }
}

/// A pair is a two-element array, as serde writes tuples.
impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write_json(&self, w: &mut Writer) {
        w.raw("[");
        self.0.write_json(w);
        w.raw(",");
        self.1.write_json(w);
        w.raw("]");
    }
}

impl ToKey for str {
    fn write_key(&self, w: &mut Writer) {
        w.string(self);
    }
}

impl ToKey for String {
    fn write_key(&self, w: &mut Writer) {
        w.string(self);
    }
}

/// An object, entries in key order.
impl<K: ToKey, V: ToJson> ToJson for VecMap<K, V> {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{");
        for (i, (k, v)) in self.iter().enumerate() {
            if i > 0 {
                w.raw(",");
            }
            k.write_key(w);
            w.raw(":");
            v.write_json(w);
        }
        w.raw("}");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "to_json_tests.rs"]
mod tests;
