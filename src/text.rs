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

/// Whether `needle` occurs in `haystack`, as `str::contains` with a `&str` pattern.
pub fn contains(haystack: &str, needle: &str) -> bool {
    find_from(haystack, needle, 0).is_some()
}

/// The first occurrence of `needle` in `haystack` at or after byte `from`, as `str::find` on
/// `&haystack[from..]` would give it (offset from the start of `haystack`). Byte windows: core's
/// two-way searcher costs ~1.2 KB in the wasm, and the texts searched here (attribute values
/// against guarded, sensitive and category terms) are a few dozen bytes. A match of whole
/// UTF-8 text always starts on a character boundary.
pub fn find_from(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return (from <= hay.len()).then_some(from);
    }
    let rest = hay.get(from..)?;
    rest.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
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
        let text = buffer.format_finite(v).as_bytes();
        let (negative, text) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        // zmij writes `d.ddd`, `ddd.0`, `0.000ddd` or `d.ddde±x`: gather the digits and where
        // the decimal point falls among them. Plain loops over bytes: iterator chains and
        // `str::parse` here cost bytes in the wasm for no gain.
        let mut digits = [0u8; 32];
        let (mut count, mut int_len, mut exponent, mut exponent_sign) = (0usize, None, 0i32, 1);
        let mut in_exponent = false;
        for &b in text {
            match b {
                b'.' => int_len = Some(count),
                b'e' => in_exponent = true,
                b'-' if in_exponent => exponent_sign = -1,
                b'+' if in_exponent => {}
                b'0'..=b'9' if in_exponent => exponent = exponent * 10 + i32::from(b - b'0'),
                b'0'..=b'9' if count < digits.len() => {
                    digits[count] = b;
                    count += 1;
                }
                _ => return Err(fmt::Error),
            }
        }
        let int_len = int_len.unwrap_or(count);
        let mut lead = 0;
        while lead < count && digits[lead] == b'0' {
            lead += 1;
        }
        while count > lead && digits[count - 1] == b'0' {
            count -= 1;
        }
        let point = int_len as i32 + exponent_sign * exponent - lead as i32;
        if negative {
            f.write_str("-")?;
        }
        let digits = &digits[lead..count];
        if digits.is_empty() {
            return f.write_str("0");
        }
        if point <= 0 {
            f.write_str("0.")?;
            zeros(f, point.unsigned_abs() as usize)?;
            f.write_str(ascii(digits)?)
        } else if (point as usize) < digits.len() {
            let (int, frac) = digits.split_at(point as usize);
            f.write_str(ascii(int)?)?;
            f.write_str(".")?;
            f.write_str(ascii(frac)?)
        } else {
            f.write_str(ascii(digits)?)?;
            zeros(f, point as usize - digits.len())
        }
    }
}

/// ASCII digits as text (they always are).
fn ascii(digits: &[u8]) -> Result<&str, fmt::Error> {
    std::str::from_utf8(digits).map_err(|_| fmt::Error)
}

/// Writes `n` zeros.
fn zeros(f: &mut fmt::Formatter<'_>, mut n: usize) -> fmt::Result {
    const ZEROS: &str = "0000000000000000";
    while n > 0 {
        let chunk = n.min(ZEROS.len());
        f.write_str(&ZEROS[..chunk])?;
        n -= chunk;
    }
    Ok(())
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
        fn contains_agrees_with_str_contains(hay in "[abé ]{0,12}", needle in "[abé]{0,3}") {
            prop_assert_eq!(contains(&hay, &needle), hay.contains(needle.as_str()));
            for from in (0..=hay.len()).filter(|&i| hay.is_char_boundary(i)) {
                prop_assert_eq!(find_from(&hay, &needle, from), hay[from..].find(needle.as_str()).map(|p| p + from));
            }
        }


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
