//! Numbers as the JS wrapper sends them: JSON has no NaN or Infinity, so the wrapper encodes
//! non-finite numbers as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`. These
//! deserializers turn them back into floats, so validation can reject them with a typed
//! error instead of silently seeing `null`.

use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(E::invalid_type(de::Unexpected::Str(v), &self)),
        }
    }
}

struct OptionVisitor;

impl<'de> Visitor<'de> for OptionVisitor {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_any(NumberVisitor).map(Some)
    }
}

/// `Option<f64>` that also reads `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub fn option_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_option(OptionVisitor)
}

struct VecVisitor;

impl<'de> Visitor<'de> for VecVisitor {
    type Value = Option<Vec<f32>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of numbers or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(n) = seq.next_element::<LenientNumber>()? {
            out.push(n.0 as f32);
        }
        Ok(Some(out))
    }
}

struct LenientNumber(f64);

impl<'de> de::Deserialize<'de> for LenientNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumberVisitor).map(LenientNumber)
    }
}

/// `Option<Vec<f32>>` whose elements may be the non-finite strings.
pub fn option_vec_f32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<f32>>, D::Error> {
    d.deserialize_option(VecVisitor)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "super::option_f64")]
        x: Option<f64>,
        #[serde(default, deserialize_with = "super::option_vec_f32")]
        v: Option<Vec<f32>>,
    }

    #[test]
    fn reads_numbers_nulls_and_non_finite_markers() {
        let p: Probe = serde_json::from_str(r#"{"x":"NaN","v":[1,"Infinity",2.5]}"#).unwrap();
        assert!(p.x.unwrap().is_nan());
        let v = p.v.unwrap();
        assert_eq!(v[0], 1.0);
        assert!(v[1].is_infinite());
        let p: Probe = serde_json::from_str(r#"{"x":null}"#).unwrap();
        assert!(p.x.is_none() && p.v.is_none());
        assert!(serde_json::from_str::<Probe>(r#"{"x":"seven"}"#).is_err());
    }
}
