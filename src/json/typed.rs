//! Serde-free readers on [`Reader`]: the [`FromJson`] trait, [`read_str`], and the
//! non-generic object, map and array loops ([`Reader::fields`], `map`, `seq`, `tuple`) that
//! the struct readers ([`struct_reader!`]) and the leaf and collection readers
//! (`values.rs`) share.
//!
//! A derived `Deserialize` compiles, for every struct, a visitor shell, a field-name visitor,
//! an `Option` temporary and a drop path per field and a `missing_field` ladder: in the wasm
//! bundle that was most of the deserializer code. A struct read here is one key `match`
//! writing into a value built up front (its `Default`, or placeholders for required fields),
//! with the seen and required fields as bitmasks; the loop, the duplicate, unknown and
//! missing field checks and every error live once in this file.
//!
//! The accepted documents, the values and the error messages (with their line and column) are
//! exactly those of [`from_str`](super::from_str) through the type's serde derive: each
//! reader follows the calls serde makes on the reader (what is consumed, where errors are
//! raised and where they get their position), and property tests compare the two
//! (`typed_tests.rs` and the other `*_tests.rs` here). The serde derives stay: native code writes and reads with them, and
//! they define the format.

use std::borrow::Cow;

use super::Error;
use serde::de::{self, Expected};

use super::read::Reader;

type Result<T> = std::result::Result<T, Error>;

/// A type read straight from JSON by a hand-written reader, with the values and error
/// messages of its serde `Deserialize` through [`from_str`](super::from_str).
pub trait FromJson: Sized {
    /// Reads one value at the reader.
    fn read(r: &mut Reader<'_>) -> Result<Self>;
}

/// A type read from an object key (what serde gives the key's `Deserialize`: a string).
pub trait FromKey: Sized {
    /// Converts a key; an error here has no position yet (the enclosing object gives it one).
    fn from_key(key: &str) -> Result<Self>;
}

/// Parses `text` as one JSON value of type `T` (whitespace around it allowed), exactly as
/// [`from_str`](super::from_str) would through `T`'s serde derive.
pub fn read_str<T: FromJson>(text: &str) -> Result<T> {
    let mut reader = Reader::new(text);
    let value = T::read(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// The bitmask of the `true` entries (struct readers' required fields).
pub const fn mask(required: &[bool]) -> u64 {
    let mut bits = 0;
    let mut i = 0;
    while i < required.len() {
        if required[i] {
            bits |= 1 << i;
        }
        i += 1;
    }
    bits
}

/// A struct's fields, as its serde derive names them.
pub struct Fields {
    /// `struct Name`, what the derived visitor expects.
    pub expecting: &'static str,
    /// The field names, in declaration order (at most 64).
    pub names: &'static [&'static str],
    /// Fields that must be present (bit `i` for `names[i]`): neither `Option` nor defaulted.
    pub required: u64,
    /// `#[serde(deny_unknown_fields)]`.
    pub deny_unknown: bool,
}

impl<'a> Reader<'a> {
    /// The next object member's key, if another member follows (the reader is then after it).
    fn member_key(&mut self, first: &mut bool) -> Result<Option<Cow<'a, str>>> {
        if !self.next_key(first)? {
            return Ok(None);
        }
        self.string().map(Some)
    }

    /// Reads a struct's object: `member(i, reader)` reads the value of `fields.names[i]`
    /// (the reader is at it). Duplicate, unknown (when denied) and missing fields are the
    /// derive's errors.
    pub fn fields(
        &mut self,
        fields: &Fields,
        member: &mut dyn FnMut(usize, &mut Reader<'a>) -> Result<()>,
    ) -> Result<()> {
        self.open(b'{', &fields.expecting)?;
        match self.fields_body(fields, member) {
            Ok(()) => self.end_map(),
            Err(err) => Err(self.end_map_after(err)),
        }
    }

    fn fields_body(
        &mut self,
        fields: &Fields,
        member: &mut dyn FnMut(usize, &mut Reader<'a>) -> Result<()>,
    ) -> Result<()> {
        let mut first = true;
        let mut seen = 0u64;
        while let Some(key) = self.member_key(&mut first)? {
            match fields.names.iter().position(|name| *name == key) {
                Some(i) => {
                    if seen & (1 << i) != 0 {
                        return Err(de::Error::duplicate_field(fields.names[i]));
                    }
                    seen |= 1 << i;
                    self.colon()?;
                    member(i, self)?;
                }
                None if fields.deny_unknown => {
                    return Err(de::Error::unknown_field(&key, fields.names));
                }
                None => {
                    self.colon()?;
                    self.skip()?;
                }
            }
        }
        let missing = fields.required & !seen;
        if missing != 0 {
            let i = missing.trailing_zeros() as usize;
            return Err(de::Error::missing_field(fields.names[i]));
        }
        Ok(())
    }

    /// Reads a map's object: `member(key, reader)` reads one member's value (after the key,
    /// before the `:`).
    pub fn map(
        &mut self,
        member: &mut dyn FnMut(&str, &mut Reader<'a>) -> Result<()>,
    ) -> Result<()> {
        self.open(b'{', &"a map")?;
        let mut first = true;
        let body = loop {
            match self.member_key(&mut first) {
                Ok(Some(key)) => {
                    if let Err(err) = member(&key, self) {
                        break Err(err);
                    }
                }
                Ok(None) => break Ok(()),
                Err(err) => break Err(err),
            }
        };
        match body {
            Ok(()) => self.end_map(),
            Err(err) => Err(self.end_map_after(err)),
        }
    }

    /// Reads an array: `element(reader)` reads one element (the reader is at it).
    pub fn seq(
        &mut self,
        expecting: &dyn Expected,
        element: &mut dyn FnMut(&mut Reader<'a>) -> Result<()>,
    ) -> Result<()> {
        self.open(b'[', expecting)?;
        let mut first = true;
        let body = loop {
            match self.next_element(&mut first) {
                Ok(true) => {
                    if let Err(err) = element(self) {
                        break Err(err);
                    }
                }
                Ok(false) => break Ok(()),
                Err(err) => break Err(err),
            }
        };
        match body {
            Ok(()) => self.end_seq(),
            Err(err) => Err(self.end_seq_after(err)),
        }
    }

    /// Reads an array of exactly `len` elements (a tuple, a tuple struct):
    /// `element(i, reader)` reads element `i`. Fewer elements are serde's `invalid length`
    /// against `length` (what the visitor reports there), more are trailing characters.
    pub fn tuple(
        &mut self,
        expecting: &'static str,
        length: &'static str,
        len: usize,
        element: &mut dyn FnMut(usize, &mut Reader<'a>) -> Result<()>,
    ) -> Result<()> {
        self.open(b'[', &expecting)?;
        let mut first = true;
        let mut body = Ok(());
        for i in 0..len {
            body = match self.next_element(&mut first) {
                Ok(true) => element(i, self),
                Ok(false) => Err(de::Error::invalid_length(i, &length)),
                Err(err) => Err(err),
            };
            if body.is_err() {
                break;
            }
        }
        match body {
            Ok(()) => self.end_seq(),
            Err(err) => Err(self.end_seq_after(err)),
        }
    }

    /// Two values in an array, as [`Reader::tuple`] reads them.
    pub fn pair<A: FromJson + Default, B: FromJson + Default>(
        &mut self,
        expecting: &'static str,
        length: &'static str,
    ) -> Result<(A, B)> {
        let mut pair = (A::default(), B::default());
        self.tuple(expecting, length, 2, &mut |i, r| {
            if i == 0 {
                pair.0 = A::read(r)?;
            } else {
                pair.1 = B::read(r)?;
            }
            Ok(())
        })?;
        Ok(pair)
    }
}

/// A struct's [`FromJson`] from its field list: the value starts as `$init` (the struct's
/// `Default` for `#[serde(default)]` structs; placeholders are fine for required fields) and
/// each member read overwrites its field, read with its type's [`FromJson`] or, after `=>`,
/// with the given function (a field with `deserialize_with`).
///
/// ```ignore
/// json::struct_reader!(DropRecord, "struct DropRecord", deny_unknown,
///     DropRecord { at_ms: 0.0, reason: DropReason::Rejected, report_type: ReportKind::Quiz },
///     { at_ms: "atMs" required, reason: "reason" required, report_type: "reportType" required });
/// ```
macro_rules! struct_reader {
    ($ty:ty, $expecting:literal, $deny:ident, $init:expr,
     { $($field:ident : $name:literal $($required:ident)? $(=> $with:path)?),+ $(,)? }) => {
        impl $crate::json::FromJson for $ty {
            fn read(r: &mut $crate::json::Reader<'_>) -> Result<Self, $crate::json::Error> {
                const FIELDS: $crate::json::Fields = $crate::json::Fields {
                    expecting: $expecting,
                    names: &[$($name),+],
                    required: $crate::json::mask(&[$($crate::json::struct_reader!(@required $($required)?)),+]),
                    deny_unknown: $crate::json::struct_reader!(@deny $deny),
                };
                // The seen and required fields are bits of a `u64`.
                const _: () = assert!(FIELDS.names.len() <= 64);
                let mut value: $ty = $init;
                r.fields(&FIELDS, &mut |i, r| {
                    let mut n = 0usize;
                    $(
                        if i == n {
                            value.$field = $crate::json::struct_reader!(@read r $($with)?);
                            return Ok(());
                        }
                        n += 1;
                    )+
                    let _ = n;
                    Ok(())
                })?;
                Ok(value)
            }
        }
    };
    (@read $r:ident) => { $r.read()? };
    (@read $r:ident $with:path) => { $with($r)? };
    (@required required) => { true };
    (@required) => { false };
    (@deny deny_unknown) => { true };
    (@deny allow_unknown) => { false };
}
pub(crate) use struct_reader;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "typed_tests.rs"]
pub(crate) mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "typed_doc_tests.rs"]
pub(crate) mod doc_tests;
