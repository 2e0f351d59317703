//! Unicode-aware lower-casing and word characters, for matching shopper-facing text against
//! configured terms (sensitive values, guarded terms, style and category keywords).
//!
//! Natively these are `str::to_lowercase` and `char::is_alphanumeric`. In the browser, text
//! that is not plain ASCII is handed to the page's own Unicode implementation
//! (`String.prototype.toLowerCase`, a `\p{Alphabetic}`/`\p{N}` regular expression), so the
//! wasm carries no Unicode case tables (about 7 KB gz, docs/SIZE.md). Both follow the Unicode
//! default case mapping, final sigma included; they can differ only on characters added in a
//! Unicode version one side does not know yet.

use std::borrow::Cow;

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

#[cfg(not(target_arch = "wasm32"))]
mod host {
    pub fn lowercase(text: &str) -> String {
        text.to_lowercase()
    }

    pub fn is_alphanumeric(c: char) -> bool {
        c.is_alphanumeric()
    }
}

#[cfg(target_arch = "wasm32")]
use crate::wasm::text as host;

#[cfg(test)]
mod tests {
    use super::*;

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
