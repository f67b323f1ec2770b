//! wasm-bindgen tests that run under Node.js: `wasm-pack test --node`.
//! (Browser-only suites live in tests/web.rs.)
#![cfg(target_arch = "wasm32")]

include!("shared/wasm_api.rs");
