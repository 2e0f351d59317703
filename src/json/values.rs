//! Values for the [`FromJson`] readers: numbers, strings, names and the lenient numbers of
//! the candidate format as [`Reader`] methods, and [`FromJson`] for the leaf and collection
//! types (`bool`, integers, floats, strings, `Option`, `Vec`, `VecDeque`, tuples, `VecMap`,
//! `VecSet`, [`Scalar`]), each with the values and errors of serde's own visitor.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::rc::Rc;

use super::Error;
use serde::de::{self, Unexpected};

use super::read::{Code, Number, Reader};
use super::typed::{FromJson, FromKey};
use super::Scalar;
use crate::collections::{VecMap, VecSet};

type Result<T> = std::result::Result<T, Error>;

impl<'a> Reader<'a> {
    /// A number, for a primitive whose serde visitor expects `expecting`.
    fn number_for(&mut self, expecting: &'static str) -> Result<Number> {
        match self.peek() {
            None => Err(self.peek_error(Code::EofValue)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.invalid_type(&expecting)),
        }
    }

    /// An unsigned integer up to `max` (serde's `u8`…`u64`, `usize` visitors).
    pub fn unsigned(&mut self, max: u64, expecting: &'static str) -> Result<u64> {
        let err = match self.number_for(expecting)? {
            Number::U64(n) if n <= max => return Ok(n),
            Number::U64(n) => de::Error::invalid_value(Unexpected::Unsigned(n), &expecting),
            Number::I64(n) => de::Error::invalid_value(Unexpected::Signed(n), &expecting),
            Number::F64(n) => de::Error::invalid_type(Unexpected::Float(n), &expecting),
        };
        Err(self.fix(err))
    }

    /// Any number as `f64` (serde's `f64` visitor).
    pub fn float(&mut self, expecting: &'static str) -> Result<f64> {
        Ok(match self.number_for(expecting)? {
            Number::U64(n) => n as f64,
            Number::I64(n) => n as f64,
            Number::F64(n) => n,
        })
    }

    /// A string value (serde's `String` visitor).
    pub fn text(&mut self) -> Result<Cow<'a, str>> {
        match self.peek() {
            None => Err(self.peek_error(Code::EofValue)),
            Some(b'"') => self.string(),
            Some(_) => Err(self.invalid_type(&"a string")),
        }
    }

    /// A unit variant's name: its index in `names` (`json::names!` enums).
    pub fn name(&mut self, names: &'static [&'static str]) -> Result<usize> {
        match self.peek() {
            None => Err(self.peek_error(Code::EofValue)),
            Some(b'"') => {
                let s = self.string()?;
                name_index(&s, names).map_err(|e| self.fix(e))
            }
            Some(_) => Err(self.invalid_type(&"variant identifier")),
        }
    }

    /// `null` (consumed) or not, as serde's `deserialize_option` decides.
    pub fn null(&mut self) -> Result<bool> {
        if self.peek() == Some(b'n') {
            self.ident(b"ull")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// A number, or the wrapper's `"NaN"`, `"Infinity"`, `"-Infinity"` (as
    /// `lenient::option_f64`'s visitor reads a value that is not `null`).
    pub fn lenient_number(&mut self) -> Result<f64> {
        const EXPECTING: &str = "a number";
        let unexpected = match self.peek() {
            None => return Err(self.peek_error(Code::EofValue)),
            Some(b'-' | b'0'..=b'9') => {
                return Ok(match self.number()? {
                    Number::U64(n) => n as f64,
                    Number::I64(n) => n as f64,
                    Number::F64(n) => n,
                })
            }
            Some(b'"') => {
                let s = self.string()?;
                let err = match &*s {
                    "NaN" => return Ok(f64::NAN),
                    "Infinity" => return Ok(f64::INFINITY),
                    "-Infinity" => return Ok(f64::NEG_INFINITY),
                    other => de::Error::invalid_type(Unexpected::Str(other), &EXPECTING),
                };
                return Err(self.fix(err));
            }
            Some(b'n') => self.ident(b"ull").map(|()| Unexpected::Unit)?,
            Some(b't') => self.ident(b"rue").map(|()| Unexpected::Bool(true))?,
            Some(b'f') => self.ident(b"alse").map(|()| Unexpected::Bool(false))?,
            Some(b'[') => {
                self.enter()?;
                let err = de::Error::invalid_type(Unexpected::Seq, &EXPECTING);
                return Err(self.end_seq_after(err));
            }
            Some(b'{') => {
                self.enter()?;
                let err = de::Error::invalid_type(Unexpected::Map, &EXPECTING);
                return Err(self.end_map_after(err));
            }
            Some(_) => return Err(self.peek_error(Code::ExpectedValue)),
        };
        Err(self.fix(de::Error::invalid_type(unexpected, &EXPECTING)))
    }

    /// Reads a value of any type at the reader.
    pub fn read<T: FromJson>(&mut self) -> Result<T> {
        T::read(self)
    }
}

/// `name`'s position in `names`, or serde's `unknown variant` error.
pub fn name_index(name: &str, names: &'static [&'static str]) -> Result<usize> {
    names
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| de::Error::unknown_variant(name, names))
}

impl FromJson for bool {
    fn read(r: &mut Reader<'_>) -> Result<bool> {
        match r.peek() {
            None => Err(r.peek_error(Code::EofValue)),
            Some(b't') => r.ident(b"rue").map(|()| true),
            Some(b'f') => r.ident(b"alse").map(|()| false),
            Some(_) => Err(r.invalid_type(&"a boolean")),
        }
    }
}

macro_rules! unsigned {
    ($($ty:ident),*) => {$(
        impl FromJson for $ty {
            fn read(r: &mut Reader<'_>) -> Result<$ty> {
                r.unsigned($ty::MAX as u64, stringify!($ty)).map(|n| n as $ty)
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

impl FromJson for f64 {
    fn read(r: &mut Reader<'_>) -> Result<f64> {
        r.float("f64")
    }
}

impl FromJson for f32 {
    /// As serde: integers cast straight to `f32` (not through `f64`).
    fn read(r: &mut Reader<'_>) -> Result<f32> {
        Ok(match r.number_for("f32")? {
            Number::U64(n) => n as f32,
            Number::I64(n) => n as f32,
            Number::F64(n) => n as f32,
        })
    }
}

impl FromJson for String {
    fn read(r: &mut Reader<'_>) -> Result<String> {
        r.text().map(Cow::into_owned)
    }
}

impl FromJson for Rc<str> {
    fn read(r: &mut Reader<'_>) -> Result<Rc<str>> {
        r.text().map(|s| Rc::from(&*s))
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn read(r: &mut Reader<'_>) -> Result<Option<T>> {
        if r.null()? {
            Ok(None)
        } else {
            T::read(r).map(Some)
        }
    }
}

impl<A: FromJson + Default, B: FromJson + Default> FromJson for (A, B) {
    fn read(r: &mut Reader<'_>) -> Result<(A, B)> {
        r.pair("a tuple of size 2", "a tuple of size 2")
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(r: &mut Reader<'_>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        r.seq(&"a sequence", &mut |r| {
            out.push(T::read(r)?);
            Ok(())
        })?;
        Ok(out)
    }
}

impl<T: FromJson> FromJson for VecDeque<T> {
    fn read(r: &mut Reader<'_>) -> Result<VecDeque<T>> {
        Vec::read(r).map(VecDeque::from)
    }
}

impl<T: FromJson + Ord> FromJson for VecSet<T> {
    fn read(r: &mut Reader<'_>) -> Result<VecSet<T>> {
        Vec::read(r).map(VecSet::from_values)
    }
}

impl<K: FromKey + Ord, V: FromJson> FromJson for VecMap<K, V> {
    fn read(r: &mut Reader<'_>) -> Result<VecMap<K, V>> {
        let mut pairs = Vec::new();
        r.map(&mut |key, r| {
            let key = K::from_key(key)?;
            r.colon()?;
            pairs.push((key, V::read(r)?));
            Ok(())
        })?;
        Ok(VecMap::from_pairs(pairs))
    }
}

/// Any value, as [`Scalar`]'s serde visitor reads it: scalars kept, arrays and objects read
/// through (their keys as strings, their values skipped).
impl FromJson for Scalar {
    fn read(r: &mut Reader<'_>) -> Result<Scalar> {
        Ok(match r.peek() {
            None => return Err(r.peek_error(Code::EofValue)),
            Some(b'n') => r.ident(b"ull").map(|()| Scalar::Null)?,
            Some(b't' | b'f') => Scalar::Bool(bool::read(r)?),
            Some(b'-' | b'0'..=b'9') => match r.number()? {
                Number::U64(n) => Scalar::U64(n),
                Number::I64(n) => Scalar::I64(n),
                Number::F64(n) => Scalar::F64(n),
            },
            Some(b'"') => Scalar::Str(r.string()?.into_owned()),
            Some(b'[') => {
                r.seq(&"any JSON value", &mut |r| r.skip())?;
                Scalar::Array
            }
            Some(b'{') => {
                r.map(&mut |_, r| {
                    r.colon()?;
                    r.skip()
                })?;
                Scalar::Object
            }
            Some(_) => return Err(r.peek_error(Code::ExpectedValue)),
        })
    }
}

/// `lenient::option_f64`: `null` or a [`Reader::lenient_number`].
pub fn lenient_f64(r: &mut Reader<'_>) -> Result<Option<f64>> {
    if r.null()? {
        Ok(None)
    } else {
        r.lenient_number().map(Some)
    }
}

/// `lenient::option_vec_f32`: `null` or an array of [`Reader::lenient_number`]s, as `f32`.
pub fn lenient_f32s(r: &mut Reader<'_>) -> Result<Option<Vec<f32>>> {
    if r.null()? {
        return Ok(None);
    }
    let mut out = Vec::new();
    r.seq(&"an array of numbers or null", &mut |r| {
        out.push(r.lenient_number()? as f32);
        Ok(())
    })?;
    Ok(Some(out))
}

impl FromKey for String {
    fn from_key(key: &str) -> Result<String> {
        Ok(key.to_owned())
    }
}

impl FromKey for Rc<str> {
    fn from_key(key: &str) -> Result<Rc<str>> {
        Ok(Rc::from(key))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "profile_tests.rs"]
pub(crate) mod tests;
