//! [`from_str`]: serde's `Deserializer` over [`Reader`], structs from JSON objects only.
//!
//! serde_json's deserializer compiles its parsing shell (whitespace, the container's
//! brackets, commas, errors and their positions) once per visitor: about 1 KB for every
//! struct, vector and map type the bundle reads. Here each `deserialize_*` method is a few
//! calls into the non-generic [`Reader`], so a type costs little more than its own visitor.
//! Structs are read from objects only (serde_json also accepts an array of the fields,
//! which Vitrine never writes): the derived array forms (`visit_seq`) are never compiled.
//! The accepted JSON, the values and the error messages (with their line and column) are
//! serde_json's.

use super::Error;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

use super::read::{Code, Number, Reader};

/// Parses `text` as one JSON value of type `T` (whitespace around it allowed), structs only
/// from objects.
pub fn from_str<T: DeserializeOwned>(text: &str) -> std::result::Result<T, Error> {
    let mut reader = Reader::new(text);
    let value = T::deserialize(&mut reader)?;
    reader.end()?;
    Ok(value)
}

type Result<T> = std::result::Result<T, Error>;

impl Number {
    fn visit<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Number::U64(n) => visitor.visit_u64(n),
            Number::I64(n) => visitor.visit_i64(n),
            Number::F64(n) => visitor.visit_f64(n),
        }
    }
}

impl<'de> Reader<'de> {
    #[inline(never)]
    pub(super) fn end_seq_after(&mut self, err: Error) -> Error {
        let _ = self.end_seq();
        self.fix(err)
    }

    #[inline(never)]
    pub(super) fn end_map_after(&mut self, err: Error) -> Error {
        let _ = self.end_map();
        self.fix(err)
    }

    fn number_value<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            None => Err(self.peek_error(Code::EofValue)),
            Some(b'-' | b'0'..=b'9') => {
                let n = self.number()?;
                n.visit(visitor).map_err(|e| self.fix(e))
            }
            Some(_) => Err(self.invalid_type(&visitor)),
        }
    }

    fn string_value<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            None => Err(self.peek_error(Code::EofValue)),
            Some(b'"') => {
                let s = self.string()?;
                visitor.visit_str(&s).map_err(|e| self.fix(e))
            }
            Some(_) => Err(self.invalid_type(&visitor)),
        }
    }

    fn seq_value<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        self.open(b'[', &visitor)?;
        let value = match visitor.visit_seq(Elements(self, true)) {
            Ok(value) => value,
            // serde_json closes the container even after a visitor error, then positions it.
            Err(err) => return Err(self.end_seq_after(err)),
        };
        self.end_seq()?;
        Ok(value)
    }

    fn map_value<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        self.open(b'{', &visitor)?;
        let value = match visitor.visit_map(Members(self, true)) {
            Ok(value) => value,
            // serde_json closes the container even after a visitor error, then positions it.
            Err(err) => return Err(self.end_map_after(err)),
        };
        self.end_map()?;
        Ok(value)
    }
}

impl<'de> Deserializer<'de> for &mut Reader<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let value = match self.peek() {
            None => return Err(self.peek_error(Code::EofValue)),
            Some(b'n') => {
                self.ident(b"ull")?;
                visitor.visit_unit()
            }
            Some(b't') => {
                self.ident(b"rue")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.ident(b"alse")?;
                visitor.visit_bool(false)
            }
            Some(b'-' | b'0'..=b'9') => return self.number_value(visitor),
            Some(b'"') => return self.string_value(visitor),
            Some(b'[') => return self.seq_value(visitor),
            Some(b'{') => return self.map_value(visitor),
            Some(_) => return Err(self.peek_error(Code::ExpectedValue)),
        };
        value.map_err(|e| self.fix(e))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let value = match self.peek() {
            None => return Err(self.peek_error(Code::EofValue)),
            Some(b't') => {
                self.ident(b"rue")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.ident(b"alse")?;
                visitor.visit_bool(false)
            }
            Some(_) => return Err(self.invalid_type(&visitor)),
        };
        value.map_err(|e| self.fix(e))
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.number_value(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.string_value(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.string_value(visitor)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.string_value(visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.string_value(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b'"') => {
                let s = self.string()?;
                visitor.visit_bytes(s.as_bytes()).map_err(|e| self.fix(e))
            }
            Some(b'[') => self.seq_value(visitor),
            None => Err(self.peek_error(Code::EofValue)),
            Some(_) => Err(self.invalid_type(&visitor)),
        }
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.peek() == Some(b'n') {
            self.ident(b"ull")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            None => Err(self.peek_error(Code::EofValue)),
            Some(b'n') => {
                self.ident(b"ull")?;
                visitor.visit_unit().map_err(|e| self.fix(e))
            }
            Some(_) => Err(self.invalid_type(&visitor)),
        }
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.seq_value(visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.seq_value(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.seq_value(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.map_value(visitor)
    }
    /// A struct is read from an object only.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.map_value(visitor)
    }

    /// `"variant"` for a unit variant, `{"variant": value}` for the others (serde_json's
    /// external tagging).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.peek() {
            Some(b'"') => visitor.visit_enum(UnitVariant(&mut *self)),
            Some(b'{') => {
                self.enter()?;
                let value = visitor.visit_enum(TaggedVariant(&mut *self))?;
                self.leave();
                match self.peek() {
                    Some(b'}') => {
                        self.i += 1;
                        Ok(value)
                    }
                    Some(_) => Err(self.error(Code::ExpectedValue)),
                    None => Err(self.error(Code::EofObject)),
                }
            }
            Some(_) => Err(self.peek_error(Code::ExpectedValue)),
            None => Err(self.peek_error(Code::EofValue)),
        }
        .map_err(|e| self.fix(e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }
}

/// An array's elements.
struct Elements<'r, 'de>(&'r mut Reader<'de>, bool);

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.0.next_element(&mut self.1)? {
            seed.deserialize(&mut *self.0).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// An object's members.
struct Members<'r, 'de>(&'r mut Reader<'de>, bool);

impl<'de> MapAccess<'de> for Members<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.0.key(&mut self.1)? {
            Some(key) => seed.deserialize(Key(key)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.0.colon()?;
        seed.deserialize(&mut *self.0)
    }
}

/// An object key, already read: a string to every visitor.
struct Key<'k>(&'k str);

impl<'de> Deserializer<'de> for Key<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(de::value::StrDeserializer::<Error>::new(self.0))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// A unit variant written as its name.
struct UnitVariant<'r, 'de>(&'r mut Reader<'de>);

impl<'r, 'de> EnumAccess<'de> for UnitVariant<'r, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(&mut *self.0)?;
        Ok((variant, self))
    }
}

impl<'de> VariantAccess<'de> for UnitVariant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"struct variant",
        ))
    }
}

/// A variant written as `{"variant": value}` (the reader is after the `{`).
struct TaggedVariant<'r, 'de>(&'r mut Reader<'de>);

impl<'r, 'de> EnumAccess<'de> for TaggedVariant<'r, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(&mut *self.0)?;
        self.0.colon()?;
        Ok((variant, self))
    }
}

impl<'de> VariantAccess<'de> for TaggedVariant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self.0)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self.0)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.0.seq_value(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.0.map_value(visitor)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "parse_tests.rs"]
mod tests;
