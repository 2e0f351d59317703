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

// Single-threaded wasm (no atomics): talc instead of std's dlmalloc, 1.7 KB gz smaller;
// `scripts/determinism.mjs` shows both heaps give byte-identical results (docs/SIZE.md).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
