//! The one place core errors become JavaScript values.

use wasm_bindgen::JsValue;

use crate::error::Error;

/// Builds a JS `Error` whose `name` is the wrapper's subclass name and whose `code` is stable.
pub fn to_js(error: &Error) -> JsValue {
    let code = error.code();
    let js = js_sys::Error::new(&error.to_string());
    js.set_name(code.js_class());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&js, &"code".into(), &code.as_str().into());
    js.into()
}
