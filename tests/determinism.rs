//! Runs replay exactly: the native digests match the recorded ones that the wasm tests
//! check too.
#![cfg(not(target_arch = "wasm32"))]

include!("shared/golden_digests.rs");

#[test]
fn native_digests_match_the_recorded_ones() {
    let actual: Vec<(&str, u64, String)> = GOLDEN
        .iter()
        .map(|(n, s, _)| (*n, *s, digest_of(n, *s)))
        .collect();
    let expected: Vec<(&str, u64, String)> = GOLDEN
        .iter()
        .map(|(n, s, d)| (*n, *s, d.to_string()))
        .collect();
    assert_eq!(
        actual, expected,
        "update tests/shared/golden_digests.rs if the change was intended"
    );
}
