//! The browser glue: wasm-bindgen exports over the core. Compiled only for `wasm32`.
//!
//! Thin by design: each export converts its arguments, calls the [`Engine`](crate::engine::Engine),
//! and converts the result; errors are mapped once, in [`error`], to JavaScript `Error`
//! objects carrying a stable `code`.

mod engine;
mod error;
mod store;
pub(crate) mod text;

pub use engine::WasmEngine;
