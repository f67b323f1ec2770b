//! Thin wasm-bindgen bindings used by the page in `www/`.
use wasm_bindgen::prelude::*;

/// Returns the crate version, so the page can check that the wasm module answered.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}
