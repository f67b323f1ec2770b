//! wasm-bindgen tests that run in headless Chromium: `wasm-pack test --headless --chrome`.
//! (`wasm-pack test --node` skips this suite; see tests/node.rs.)
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

include!("shared/wasm_api.rs");
