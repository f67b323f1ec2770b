//! wasm-bindgen tests that run in headless Chromium: `wasm-pack test --headless --chrome`.
//! (`wasm-pack test --node` skips this suite; see tests/node.rs.)
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn version_matches_the_crate_version() {
    assert_eq!(paxoscope::wasm::version(), env!("CARGO_PKG_VERSION"));
    assert_eq!(paxoscope::wasm::version(), paxoscope::VERSION);
}

#[wasm_bindgen_test]
fn version_is_semver() {
    let v = paxoscope::wasm::version();
    let core = v.split(['-', '+']).next().unwrap();
    let parts: Vec<&str> = core.split('.').collect();
    assert_eq!(parts.len(), 3, "version {v:?} is not MAJOR.MINOR.PATCH");
    for p in parts {
        assert!(p.parse::<u64>().is_ok(), "version {v:?} has a non-numeric part {p:?}");
    }
}
