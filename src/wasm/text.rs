//! The browser's Unicode for [`crate::text`]: lower-casing and word characters of non-ASCII
//! text, so the wasm carries no Unicode tables of its own.

use js_sys::{JsString, RegExp};

thread_local! {
    // Characters `{:?}` escapes (core's printable.py): not printable (Cc, Cf, Cs, Co, Cn, Zl,
    // Zp, Zs but the space, which is ASCII and never asked about) or grapheme extenders.
    static DEBUG_ESCAPED: RegExp = RegExp::new(
        r"^[\p{Grapheme_Extend}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$",
        "u",
    );
    // Rust's `char::is_alphanumeric` is Alphabetic or Numeric (Nd, Nl, No).
    static WORD_CHAR: RegExp = RegExp::new(r"^[\p{Alphabetic}\p{N}]$", "u");
}

/// `String.prototype.toLowerCase` of `text`.
pub fn lowercase(text: &str) -> String {
    String::from(JsString::from(text).to_lower_case())
}

/// Whether `{:?}` writes non-ASCII `c` as `\u{…}`, by the browser's Unicode data.
pub fn escaped_in_debug(c: char) -> bool {
    let mut buf = [0u8; 4];
    let text: &str = c.encode_utf8(&mut buf);
    DEBUG_ESCAPED.with(|re| re.test(text))
}

/// Whether `c` is alphabetic or numeric in the browser's Unicode data.
pub fn is_alphanumeric(c: char) -> bool {
    let mut buf = [0u8; 4];
    let text: &str = c.encode_utf8(&mut buf);
    WORD_CHAR.with(|re| re.test(text))
}
