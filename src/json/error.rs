//! The error of Vitrine's JSON reader and writer: serde_json's messages, without serde_json's
//! error machinery (its `io::Error` wrapping and, through serde's `Unexpected` display, core's
//! float formatting) in the wasm.

use std::fmt;

use serde::{de, ser};

/// A JSON read or write error. Its text is serde_json's for the same input: the message, then
/// ` at line L column C` once the reader has positioned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    // One pointer wide, as serde_json's error is: `Result<T, Error>` stays small everywhere
    // (a two-word `Box<str>` here cost 11 KB gz across the deserializers).
    #[allow(clippy::box_collection)]
    message: Box<String>,
}

impl Error {
    /// An error whose message already ends with its position.
    pub(super) fn positioned(message: String) -> Error {
        Error {
            message: Box::new(message),
        }
    }

    /// Whether the message carries a position (` at line L column C`, L ≥ 1), the test
    /// serde_json applies to every message it is given.
    pub(super) fn has_position(&self) -> bool {
        // Byte-window searches: `str::rfind`/`split_once` with a `&str` pattern link core's
        // two-way searcher (~1.7 KB in the wasm) for this one test.
        const AT_LINE: &[u8] = b" at line ";
        const COLUMN: &[u8] = b" column ";
        let message = self.message.as_bytes();
        let Some(start) = message.windows(AT_LINE.len()).rposition(|w| w == AT_LINE) else {
            return false;
        };
        let rest = &message[start + AT_LINE.len()..];
        let Some(split) = rest.windows(COLUMN.len()).position(|w| w == COLUMN) else {
            return false;
        };
        let (line, column) = (&rest[..split], &rest[split + COLUMN.len()..]);
        let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
        digits(line) && digits(column) && line.iter().any(|&b| b != b'0')
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error {
            message: Box::new(message.to_string()),
        }
    }

    #[cold]
    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Error {
        invalid("type", unexpected, expected)
    }

    #[cold]
    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Error {
        invalid("value", unexpected, expected)
    }
}

/// serde_json's `invalid type: …, expected …` and `invalid value: …, expected …`.
fn invalid(what: &str, unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Error {
    de::Error::custom(format_args!(
        "invalid {what}: {}, expected {}",
        Unexpected(unexpected),
        expected
    ))
}

impl ser::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(message: T) -> Error {
        de::Error::custom(message)
    }
}

/// serde_json's wording of an unexpected value (`null`, floats through zmij), written out in
/// full so serde's own `Unexpected` display, with core's float formatting, is never linked.
struct Unexpected<'a>(de::Unexpected<'a>);

impl fmt::Display for Unexpected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use de::Unexpected as U;
        match self.0 {
            U::Bool(b) => write!(f, "boolean `{b}`"),
            U::Unsigned(n) => write!(f, "integer `{n}`"),
            U::Signed(n) => write!(f, "integer `{n}`"),
            U::Float(x) => write!(f, "floating point `{}`", zmij::Buffer::new().format(x)),
            U::Char(c) => write!(f, "character `{c}`"),
            U::Str(s) => write!(f, "string {}", crate::text::Quoted(s)),
            U::Bytes(_) => f.write_str("byte array"),
            U::Unit => f.write_str("null"),
            U::Option => f.write_str("Option value"),
            U::NewtypeStruct => f.write_str("newtype struct"),
            U::Seq => f.write_str("sequence"),
            U::Map => f.write_str("map"),
            U::Enum => f.write_str("enum"),
            U::UnitVariant => f.write_str("unit variant"),
            U::NewtypeVariant => f.write_str("newtype variant"),
            U::TupleVariant => f.write_str("tuple variant"),
            U::StructVariant => f.write_str("struct variant"),
            U::Other(other) => f.write_str(other),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use de::Error as _;
    use proptest::prelude::*;

    fn both(unexpected: de::Unexpected<'_>) -> (String, String) {
        let ours = Error::invalid_type(unexpected, &"a thing").to_string();
        let theirs = serde_json::Error::invalid_type(unexpected, &"a thing").to_string();
        (ours, theirs)
    }

    #[test]
    fn every_unexpected_value_is_worded_as_serde_json_words_it() {
        use de::Unexpected as U;
        for u in [
            U::Bool(true),
            U::Unsigned(7),
            U::Signed(-7),
            U::Float(1.5),
            U::Float(1e21),
            U::Float(f64::NAN),
            U::Float(f64::NEG_INFINITY),
            U::Char('é'),
            U::Str("a \"quoted\"\n\u{7f} é \u{200b}"),
            U::Bytes(b"x"),
            U::Unit,
            U::Option,
            U::NewtypeStruct,
            U::Seq,
            U::Map,
            U::Enum,
            U::UnitVariant,
            U::NewtypeVariant,
            U::TupleVariant,
            U::StructVariant,
            U::Other("something else"),
        ] {
            let (ours, theirs) = both(u);
            assert_eq!(ours, theirs);
        }
        let ours = Error::invalid_value(U::Float(0.1), &"a thing").to_string();
        let theirs = serde_json::Error::invalid_value(U::Float(0.1), &"a thing").to_string();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn a_position_is_recognised_as_serde_json_recognises_it() {
        for (message, positioned) in [
            ("expected value at line 1 column 2", true),
            ("expected value at line 12 column 0", true),
            ("expected value at line 0 column 2", false),
            ("expected value at line 1 column 2 and more", false),
            ("expected value at line x column 2", false),
            ("expected value", false),
        ] {
            let ours = Error::custom(message);
            let theirs = serde_json::Error::custom(message);
            assert_eq!(ours.has_position(), positioned, "{message}");
            assert_eq!(theirs.line() != 0, positioned, "{message}");
            // serde_json drops a ` at line 0 …` suffix from the text; no reader writes one.
            if !message.contains("line 0") {
                assert_eq!(ours.to_string(), theirs.to_string());
            }
        }
    }

    proptest! {
        #[test]
        fn any_position_suffix_is_recognised_as_serde_json_recognises_it(
            parts in prop::collection::vec(prop_oneof![
                Just(" at line ".to_owned()), Just(" column ".to_owned()), "[0-9]{0,3}", "[a-z 0x]{0,4}",
            ], 0..7)
        ) {
            let message = parts.concat();
            let theirs = serde_json::Error::custom(&message).line() != 0;
            prop_assert_eq!(Error::custom(&message).has_position(), theirs, "{}", message);
        }

        #[test]
        fn any_string_or_float_is_worded_as_serde_json_words_it(s in any::<String>(), bits in any::<u64>()) {
            let (ours, theirs) = both(de::Unexpected::Str(&s));
            prop_assert_eq!(ours, theirs);
            let (ours, theirs) = both(de::Unexpected::Float(f64::from_bits(bits)));
            prop_assert_eq!(ours, theirs);
        }
    }
}
