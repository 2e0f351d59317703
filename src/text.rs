//! Unicode-aware lower-casing and word characters, for matching shopper-facing text against
//! configured terms (sensitive values, guarded terms, style and category keywords); and
//! [`Float`], numbers in messages.
//!
//! Natively these are `str::to_lowercase` and `char::is_alphanumeric`. In the browser, text
//! that is not plain ASCII is handed to the page's own Unicode implementation
//! (`String.prototype.toLowerCase`, a `\p{Alphabetic}`/`\p{N}` regular expression), so the
//! wasm carries no Unicode case tables (about 7 KB gz, docs/SIZE.md). Both follow the Unicode
//! default case mapping, final sigma included; they can differ only on characters added in a
//! Unicode version one side does not know yet.

use std::borrow::Cow;
use std::fmt;

/// `text` lower-cased (Unicode default case mapping); borrowed when it is already lower case ASCII.
pub fn lowercase(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else {
        Cow::Owned(host::lowercase(text))
    }
}

/// Whether `c` is a word character: alphabetic or numeric, as `char::is_alphanumeric`.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        host::is_alphanumeric(c)
    }
}

/// Displays an `f64` as `{}` does (`1`, `0.1`, `1000000000000000000000`, `NaN`, `-inf`: the
/// shortest digits that read back to the same value, never an exponent), from the digits of
/// zmij, the formatter the JSON writer already links, so core's own float formatting (Grisu and
/// Dragon with their tables) stays out of the wasm. When two 17-digit forms are equally close,
/// the last digit may differ from core's choice; both read back to the same value.
pub struct Float(pub f64);

impl fmt::Display for Float {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_nan() {
            return f.write_str("NaN");
        }
        if v.is_infinite() {
            return f.write_str(if v > 0.0 { "inf" } else { "-inf" });
        }
        let mut buffer = zmij::Buffer::new();
        let text = buffer.format_finite(v);
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        // zmij writes `d.ddd`, `ddd.0`, `0.000ddd` or `d.ddde±x`: split into digits and the
        // decimal point's position among them.
        let (mantissa, exponent) = match text.split_once('e') {
            Some((m, e)) => (m, e.parse::<i32>().map_err(|_| fmt::Error)?),
            None => (text, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all = int.bytes().chain(frac.bytes());
        let leading = all.clone().take_while(|&b| b == b'0').count();
        let digits: Vec<u8> = all.skip(leading).collect();
        let end = digits.iter().rposition(|&b| b != b'0').map_or(0, |p| p + 1);
        let digits = &digits[..end];
        let point = int.len() as i32 + exponent - leading as i32;
        if negative {
            f.write_str("-")?;
        }
        if digits.is_empty() {
            return f.write_str("0");
        }
        let mut out = String::with_capacity(digits.len() + point.unsigned_abs() as usize + 2);
        if point <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat('0').take(point.unsigned_abs() as usize));
            out.extend(digits.iter().map(|&b| b as char));
        } else {
            let point = point as usize;
            for i in 0..digits.len().max(point) {
                if i == point {
                    out.push('.');
                }
                out.push(digits.get(i).map_or('0', |&b| b as char));
            }
        }
        f.write_str(&out)
    }
}

/// Displays an amount with two decimals (`49.90`), as `{:.2}` does for the amounts a profile
/// holds (finite, below 10^13), without core's exact float formatting in the wasm. Exact
/// halves of a cent round up where `{:.2}` rounds them to even.
pub struct Cents(pub f64);

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = (self.0 * 100.0).round();
        if !(cents.is_finite() && cents.abs() < 1e15) {
            return Float(self.0).fmt(f);
        }
        let sign = if cents < 0.0 { "-" } else { "" };
        let cents = cents.abs() as u64;
        write!(f, "{sign}{}.{:02}", cents / 100, cents % 100)
    }
}

/// Displays a string as `{:?}` does (`"a \"b\"\n\u{200b}"`): quotes, the usual escapes, and
/// `\u{…}` for grapheme extenders and characters that are not printable. Non-ASCII characters
/// are classified by the host (the browser's `\p{…}` classes in wasm), so core's printability
/// tables stay out of the wasm (3 KB gz with the escaping code).
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '\0' => f.write_str("\\0")?,
                '\t' => f.write_str("\\t")?,
                '\r' => f.write_str("\\r")?,
                '\n' => f.write_str("\\n")?,
                '\\' => f.write_str("\\\\")?,
                '"' => f.write_str("\\\"")?,
                ' '..='~' => f.write_char(c)?,
                c if c.is_ascii() || host::escaped_in_debug(c) => {
                    write!(f, "\\u{{{:x}}}", u32::from(c))?
                }
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod host {
    pub fn lowercase(text: &str) -> String {
        text.to_lowercase()
    }

    pub fn is_alphanumeric(c: char) -> bool {
        c.is_alphanumeric()
    }

    pub fn escaped_in_debug(c: char) -> bool {
        c.escape_debug().next() == Some('\\')
    }
}

#[cfg(target_arch = "wasm32")]
use crate::wasm::text as host;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn floats_display_as_core_does() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            1e21,
            1e-7,
            123456.789,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            100.0,
            0.000123,
            1e16,
            1.5e17,
        ] {
            assert_eq!(Float(v).to_string(), format!("{v}"), "{v:e}");
        }
    }

    #[test]
    fn cents_are_two_decimals() {
        for (v, text) in [
            (49.9, "49.90"),
            (0.0, "0.00"),
            (1234.567, "1234.57"),
            (0.004, "0.00"),
        ] {
            assert_eq!(Cents(v).to_string(), text);
        }
    }

    #[test]
    fn strings_quote_as_debug_does() {
        for s in [
            "",
            "plain",
            "a \"b\" \\ c",
            "\0\t\r\n\u{7f}\u{1b}",
            "é\u{301}\u{200b}\u{a0}\u{2028}\u{e000}\u{378}😀",
            "\u{301}a",
            "'",
        ] {
            assert_eq!(Quoted(s).to_string(), format!("{s:?}"));
        }
    }

    proptest! {
        #[test]
        fn any_string_quotes_as_debug_does(s in any::<String>()) {
            prop_assert_eq!(Quoted(&s).to_string(), format!("{s:?}"));
        }

        #[test]
        fn cents_match_core_away_from_exact_halves(whole in 0u64..10_000_000, cents in 0u64..100, jitter in -0.3f64..0.3) {
            let v = whole as f64 + (cents as f64 + jitter) / 100.0;
            prop_assert_eq!(Cents(v).to_string(), format!("{v:.2}"));
        }

        #[test]
        fn any_float_displays_as_core_does(bits in any::<u64>(), small in -1e6f64..1e6) {
            for v in [f64::from_bits(bits), small] {
                let ours = Float(v).to_string();
                let core = format!("{v}");
                if v.is_finite() {
                    // Same value, same shape; only a tie in the last of 17 digits may differ.
                    prop_assert_eq!(ours.parse::<f64>().unwrap().to_bits(), v.to_bits());
                    prop_assert_eq!(ours.len(), core.len());
                    prop_assert_eq!(&ours[..ours.len() - 1], &core[..core.len() - 1]);
                } else {
                    prop_assert_eq!(ours, core);
                }
            }
        }
    }

    #[test]
    fn ascii_is_lowered_without_copying_when_already_lower() {
        assert!(matches!(lowercase("maternity wear"), Cow::Borrowed(_)));
        assert_eq!(lowercase("Maternity WEAR"), "maternity wear");
    }

    #[test]
    fn non_ascii_follows_the_unicode_mapping() {
        assert_eq!(lowercase("ÉCRU Straße"), "écru straße");
        // Final sigma: word-final Σ becomes ς, other Σ become σ.
        assert_eq!(lowercase("ΟΔΟΣ ΣΑ"), "οδος σα");
        assert_eq!(lowercase("İ"), "i\u{307}");
    }

    #[test]
    fn word_characters_are_letters_and_digits_of_any_script() {
        for c in ['a', 'Z', '7', 'é', 'ß', 'Ж', '中', '٣'] {
            assert!(is_word_char(c), "{c}");
        }
        for c in [' ', '-', '_', '/', '’', '€', '\u{a0}'] {
            assert!(!is_word_char(c), "{c}");
        }
    }
}
