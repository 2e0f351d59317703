//! The browser's Unicode for [`crate::text`]: lower-casing and word characters of non-ASCII
//! text, so the wasm carries no Unicode tables of its own.

use js_sys::{JsString, RegExp};

thread_local! {
    // Rust's `char::is_alphanumeric` is Alphabetic or Numeric (Nd, Nl, No).
    static WORD_CHAR: RegExp = RegExp::new(r"^[\p{Alphabetic}\p{N}]$", "u");
}

/// `String.prototype.toLowerCase` of `text`.
pub fn lowercase(text: &str) -> String {
    String::from(JsString::from(text).to_lower_case())
}

/// Whether `c` is alphabetic or numeric in the browser's Unicode data.
pub fn is_alphanumeric(c: char) -> bool {
    let mut buf = [0u8; 4];
    let text: &str = c.encode_utf8(&mut buf);
    WORD_CHAR.with(|re| re.test(text))
}
