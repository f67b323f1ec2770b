// Trace digests of fixed runs, shared by the native test (tests/determinism.rs) and the
// wasm tests (tests/web.rs, tests/node.rs): equal digests mean the browser build replays a
// run exactly as the native one. If a protocol change alters them on purpose, the native
// test prints the new values to paste here.

/// (preset, extra automatic steps, digest).
pub const GOLDEN: [(&str, u64, &str); 3] = [
    ("seed-demo", 300, "c73485b602aba177"),
    ("bug-small-quorum", 0, "abb76082726f5510"),
    ("lagging-replica", 200, "756826d98e8c8311"),
];

/// The digest of preset `name` after `steps` more automatic steps.
pub fn digest_of(name: &str, steps: u64) -> String {
    let scenario = paxoscope::sim::presets::scenario(name).expect("preset");
    let mut t = paxoscope::sim::timeline::Timeline::new(scenario, false).expect("replays");
    for _ in 0..steps {
        t.apply(&paxoscope::sim::Action::Auto { n: 1 })
            .expect("auto");
    }
    t.world().trace_digest()
}
