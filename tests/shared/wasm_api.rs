// wasm-bindgen tests shared by tests/web.rs (headless Chromium) and tests/node.rs (Node.js).
// Each file includes this one; the browser/Node choice is made by the including file.

use paxoscope::sim::scenario::Scenario;
use paxoscope::wasm::{bugs, presets, version, vocabulary, Playground};
use serde_json::Value as Json;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

include!("golden_digests.rs");

fn json(v: JsValue) -> Json {
    serde_wasm_bindgen::from_value(v).expect("the API returns JSON-compatible values")
}

fn action(a: Json) -> JsValue {
    a.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

use serde::Serialize;

#[wasm_bindgen_test]
fn wasm_replays_runs_exactly_as_native() {
    for (name, steps, expected) in GOLDEN {
        assert_eq!(
            digest_of(name, steps),
            expected,
            "{name} after {steps} steps"
        );
    }
}

#[wasm_bindgen_test]
fn version_and_catalogues_answer() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    let p = json(presets().unwrap());
    assert_eq!(p[0]["name"], "seed-demo");
    let names: Vec<Json> = paxoscope::paxos::bugs::Bug::ALL
        .iter()
        .map(|b| Json::from(b.name()))
        .collect();
    let listed: Vec<Json> = json(bugs().unwrap())
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].clone())
        .collect();
    assert_eq!(listed, names, "every injectable bug, in catalogue order");
}

#[wasm_bindgen_test]
fn the_vocabulary_is_the_native_catalogue_and_names_what_a_run_shows() {
    let v = json(vocabulary().unwrap());
    let native = serde_json::to_value(paxoscope::vocabulary::vocabulary()).unwrap();
    assert_eq!(v, native);
    assert_eq!(v["bugs"], json(bugs().unwrap()));
    let kinds: Vec<&str> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    let mut unique = kinds.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), kinds.len(), "each message kind once: {kinds:?}");
    let mut pg = Playground::from_preset("seed-demo").unwrap();
    pg.run_until_quiet(2_000).unwrap();
    let state = json(pg.view().unwrap());
    for kind in state["stats"]["sent"].as_object().unwrap().keys() {
        assert!(kinds.contains(&kind.as_str()), "{kind}");
    }
    assert_eq!(
        state["invariants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (&i["name"], &i["description"]))
            .collect::<Vec<_>>(),
        v["invariants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (&i["name"], &i["description"]))
            .collect::<Vec<_>>()
    );
}

#[wasm_bindgen_test]
fn a_playground_delivers_crashes_travels_in_time_and_forks() {
    let mut pg = Playground::from_preset("seed-demo").unwrap();
    let v = json(pg.view().unwrap());
    assert_eq!(v["step"], 0);
    assert_eq!(v["nodes"].as_array().unwrap().len(), 7);
    let first = v["messages"][0]["id"].as_u64().unwrap();
    let r = json(
        pg.apply(action(serde_json::json!({"type": "deliver", "id": first})))
            .unwrap(),
    );
    assert_eq!(r["step"], 1);
    assert!(
        !r["events"].as_array().unwrap().is_empty(),
        "each step is narrated"
    );
    pg.apply(action(serde_json::json!({"type": "crash", "node": 3})))
        .unwrap();
    let s = json(pg.state().unwrap());
    assert_eq!(s["nodes"][2]["crashed"], true);
    assert!(
        s["nodes"][2]["durable"].is_object(),
        "state() has the inspector detail"
    );
    pg.apply(action(serde_json::json!({"type": "restart", "node": 3})))
        .unwrap();
    let ran = pg.run_until_quiet(20_000).unwrap();
    assert!(ran > 10);
    let end = json(pg.view().unwrap());
    assert!(end["invariants"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["ok"] == true));
    assert_eq!(end["stats"]["commands_committed"], 5);
    let total = end["step"].as_u64().unwrap();
    pg.seek(2.0).unwrap();
    assert_eq!(
        json(pg.view().unwrap())["total_steps"].as_u64(),
        Some(total)
    );
    pg.apply(action(serde_json::json!({"type": "tick"})))
        .unwrap();
    assert_eq!(
        json(pg.view().unwrap())["total_steps"],
        3,
        "acting after stepping back forks"
    );
    let grid = json(pg.log_window(0.0, 10.0).unwrap());
    assert_eq!(grid["columns"].as_array().unwrap().len(), 7);
}

#[wasm_bindgen_test]
fn a_shared_scenario_reproduces_the_same_run() {
    let mut pg = Playground::from_preset("steady-leader").unwrap();
    for _ in 0..150 {
        pg.step().unwrap();
    }
    let link = pg.scenario();
    let again = Playground::from_scenario(&link).unwrap();
    assert_eq!(again.trace_digest(), pg.trace_digest());
    assert!(Scenario::from_json(&link).is_ok());
}

#[wasm_bindgen_test]
fn a_link_written_before_the_config_renames_still_replays() {
    // Old names: percent drop/dup, max_delay, fault chances without `_per_mille`, …
    let old = r#"{"config":{"layout":{"kind":"servers","n":5},"clients":3,"window":4,
        "batch":2,"snapshot_interval":8,"election_timeout":12,"heartbeat_interval":4,
        "client_retry":15,"tick_per_mille":80,"bugs":["no-dedup"],
        "network":{"drop_pct":10,"dup_pct":20,"max_delay":3},
        "faults":{"crash":8,"restart":30,"partition":5,"heal":20},
        "workload":{"script":[],"random_ops":30,"keys":3},"check":true},"seed":42,
        "actions":[{"type":"auto","n":400},{"type":"set_bug","bug":"no-dedup","enabled":false},
        {"type":"auto","n":400}]}"#;
    let mut pg = Playground::from_scenario(old).unwrap();
    let link = pg.scenario();
    assert!(link.contains(r#""drop_per_mille":100"#), "{link}");
    assert!(link.contains(r#""crash_per_mille":8"#), "{link}");
    assert!(!link.contains("drop_pct"), "{link}");
    // The same run as the scenario written in the new names (tests/simulation.rs pins the
    // native digest of this text).
    let again = Playground::from_scenario(&link).unwrap();
    assert_eq!(again.trace_digest(), pg.trace_digest());
    assert_eq!(json(pg.view().unwrap())["step"], 801);
}

#[wasm_bindgen_test]
fn bad_input_is_refused_with_a_message() {
    assert!(Playground::from_preset("no-such-preset").is_err());
    assert!(Playground::from_scenario("{\"config\": 3}").is_err());
    let mut pg = Playground::from_preset("seed-demo").unwrap();
    assert!(pg
        .apply(action(serde_json::json!({"type": "deliver", "id": 12345})))
        .is_err());
    assert!(pg
        .apply(action(serde_json::json!({"type": "explode"})))
        .is_err());
    assert!(pg.seek(99.0).is_err());
    assert_eq!(json(pg.view().unwrap())["step"], 0, "nothing changed");
}

#[wasm_bindgen_test]
fn a_bug_preset_shows_its_violation() {
    let mut pg = Playground::from_preset("bug-no-dedup").unwrap();
    let v = json(pg.view().unwrap());
    assert!(!v["violations"].as_array().unwrap().is_empty());
    assert!(v["invariants"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["ok"] == false));
}

/// Runs a search of the wasm API to its end.
fn search_to_end(s: &mut paxoscope::wasm::Search) -> Json {
    while !s.run(1_000) {}
    json(s.status().unwrap())
}

/// The first violation of a replayed run and the step it stands at.
fn replayed_violation(scenario: &Json) -> (Json, Json) {
    let mut pg = Playground::from_scenario(&scenario.to_string()).unwrap();
    let v = json(pg.view().unwrap());
    (v["violations"][0].clone(), v["step"].clone())
}

#[wasm_bindgen_test]
fn a_counterexample_found_in_wasm_replays_to_the_same_violation_at_its_last_step() {
    // The bugs whose search is small (docs/explorer.md): invariant and BFS-shortest length,
    // the same as the native explorer's (tests/explore.rs).
    for (bug, invariant, length) in [
        ("forgetful-acceptor", "promise-monotonic", 3),
        ("ballots-without-proposer-id", "unique-ballots", 2),
        ("small-quorum", "agreement", 2),
        ("reuse-ballot-after-restart", "unique-ballots", 4),
    ] {
        let mut s = paxoscope::wasm::Search::for_bug(bug).unwrap();
        assert_eq!(search_to_end(&mut s)["finish"], "violation", "{bug}");
        let found = json(s.found().unwrap());
        assert_eq!(found["invariant"], invariant, "{bug}");
        assert_eq!(found["length"], length, "{bug}");
        assert_eq!(found["fork_step"], 0, "{bug}");
        let (first, step) = replayed_violation(&found["scenario"]);
        assert_eq!(first["invariant"], invariant, "{bug}: the replay violates the same");
        assert_eq!(first["step"], length, "{bug}: at the counterexample's last step");
        assert_eq!(step, length, "{bug}");
    }
}

#[wasm_bindgen_test]
fn a_search_from_a_step_forks_the_run_there_and_its_shrunk_swarm_run_still_violates() {
    // From step 1 of a bug preset: the counterexample keeps the run's first step.
    let mut pg = Playground::from_preset("bug-ballots-without-proposer-id").unwrap();
    pg.seek(1.0).unwrap();
    let bounds = serde_json::json!({"max_depth": 6, "max_states": 100000, "drops": 0, "dups": 0, "crashes": 0});
    let mut s = paxoscope::wasm::Search::from_step(&pg.scenario(), 1.0, action(bounds)).unwrap();
    assert_eq!(search_to_end(&mut s)["finish"], "violation");
    let found = json(s.found().unwrap());
    assert_eq!(found["fork_step"], 1);
    let (first, step) = replayed_violation(&found["scenario"]);
    assert_eq!(first["invariant"], found["invariant"]);
    assert_eq!(step.as_u64(), Some(1 + found["length"].as_u64().unwrap()));
    let prefix = Playground::from_scenario(&found["scenario"].to_string()).unwrap();
    let mut at_fork = Playground::from_scenario(&prefix.scenario()).unwrap();
    at_fork.seek(1.0).unwrap();
    pg.seek(1.0).unwrap();
    assert_eq!(at_fork.trace_digest(), pg.trace_digest(), "the same first step");

    // The swarm search finds small-quorum within a few seeds; the shrunk run still
    // violates the same invariant, at its last step.
    let hit = (1..200)
        .map(|seed| json(paxoscope::wasm::swarm_seed(seed as f64, Some("small-quorum".into())).unwrap()))
        .find(|r| !r["violation"].is_null())
        .expect("small-quorum is found in 200 seeds");
    let shrunk = json(paxoscope::wasm::shrink(&hit["scenario"].to_string()).unwrap());
    assert_eq!(shrunk["invariant"], hit["violation"]["invariant"]);
    // As natively (docs/explorer.md): seed 3, 449 steps, shrunk to the BFS optimum of 2.
    assert_eq!(
        (&hit["seed"], &shrunk["before"], &shrunk["after"]),
        (&serde_json::json!(3), &serde_json::json!(449), &serde_json::json!(2))
    );
    let (first, step) = replayed_violation(&shrunk["scenario"]);
    assert_eq!(first["invariant"], shrunk["invariant"]);
    assert_eq!(step, shrunk["after"]);
}

#[wasm_bindgen_test]
fn searches_refuse_bounds_a_tab_cannot_hold_and_runs_that_violate_nothing() {
    let pg = Playground::from_preset("seed-demo").unwrap();
    let huge = serde_json::json!({"max_depth": 10, "max_states": 9000000, "drops": 0, "dups": 0, "crashes": 0});
    assert!(paxoscope::wasm::Search::from_step(&pg.scenario(), 0.0, action(huge)).is_err());
    let typo = serde_json::json!({"max_depth": 10, "max_state": 1000, "drops": 0, "dups": 0, "crashes": 0});
    assert!(paxoscope::wasm::Search::from_step(&pg.scenario(), 0.0, action(typo)).is_err());
    let ok = serde_json::json!({"max_depth": 10, "max_states": 1000, "drops": 0, "dups": 0, "crashes": 0});
    assert!(paxoscope::wasm::Search::from_step(&pg.scenario(), 5.0, action(ok)).is_err(), "past the end");
    assert!(paxoscope::wasm::Search::for_bug("no-such-bug").is_err());
    assert!(paxoscope::wasm::shrink(&pg.scenario()).is_err(), "nothing to shrink");
}
