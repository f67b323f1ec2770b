//! The `paxoscope` program: run, fuzz, bugs, presets, exit codes and the history files.
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::check::history::History;
use paxoscope::check::linearizability;
use paxoscope::paxos::Bug;
use std::process::{Command, Output};

fn paxoscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paxoscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn last_json_line(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().expect("some output");
    serde_json::from_str(last).expect("the last line is JSON")
}

#[test]
fn fuzzing_2000_seeds_finds_no_violation() {
    let out = paxoscope(&["fuzz", "--seeds", "2000"]);
    let summary = last_json_line(&out);
    assert_eq!(summary["seeds"], 2000);
    assert_eq!(
        summary["violations"],
        0,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(summary["first_violation"].is_null());
    assert!(summary["steps"].as_u64().unwrap() > 2_000_000);
    assert!(out.status.success());
}

#[test]
fn the_fuzzer_catches_every_injected_bug_within_50_seeds() {
    let out = paxoscope(&["bugs"]);
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(names.len(), Bug::ALL.len());
    for name in names {
        let out = paxoscope(&["fuzz", "--seeds", "50", "--bug", &name]);
        let summary = last_json_line(&out);
        assert!(
            summary["violations"].as_u64().unwrap() > 0,
            "{name} was not caught"
        );
        assert_eq!(out.status.code(), Some(1), "{name}");
        let first = &summary["first_violation"];
        assert_ne!(
            first["invariant"], "liveness",
            "{name} must break a safety invariant"
        );
        // The failing seed replays with `run --seed` and fails the same way.
        let seed = first["seed"].as_u64().unwrap().to_string();
        let replay = paxoscope(&["run", "--seed", &seed, "--bug", &name, "--steps", "0"]);
        assert_eq!(replay.status.code(), Some(1), "{name} seed {seed}");
        let report = String::from_utf8_lossy(&replay.stderr);
        assert!(
            report.contains(first["invariant"].as_str().unwrap()),
            "{name}: {report}"
        );
    }
}

#[test]
fn run_prints_the_final_state_as_json() {
    let out = paxoscope(&["run", "--preset", "seed-demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(state["stats"]["commands_committed"], 5);
    let n6 = &state["nodes"][5];
    assert_eq!(n6["roles"], serde_json::json!(["proposer", "replica"]));
    assert!(n6["durable"].is_object() && n6["volatile"]["replica"]["log"].is_object());
    assert_eq!(n6["applied_index"], 5);
    assert!(state["stats"]["sent"]["Accept"].as_u64().unwrap() > 0);
}

#[test]
fn run_exits_nonzero_with_a_report_on_a_violation() {
    let out = paxoscope(&["run", "--preset", "bug-small-quorum", "--steps", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("VIOLATION of agreement"));
}

#[test]
fn bad_arguments_get_usage_and_exit_2() {
    for args in [
        vec!["fuzz", "--seeds", "many"],
        vec!["run", "--preset", "nope"],
        vec!["run", "--bug", "nope", "--seed", "1"],
        vec!["frobnicate"],
        vec!["run"],
    ] {
        let out = paxoscope(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} explains itself");
    }
}

#[test]
fn history_files_are_written_and_verifiable_independently() {
    let dir = std::env::temp_dir().join(format!("paxoscope-histories-{}", std::process::id()));
    let out = paxoscope(&[
        "fuzz",
        "--seeds",
        "3",
        "--start-seed",
        "10",
        "--history-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    for seed in 10..13 {
        let text = std::fs::read_to_string(dir.join(format!("seed-{seed}.json"))).unwrap();
        let file: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(file["seed"], seed);
        let history: History =
            serde_json::from_value(serde_json::json!({ "entries": file["entries"] })).unwrap();
        assert!(!history.is_empty());
        assert!(linearizability::check(&history).is_linearizable());
    }
    std::fs::remove_dir_all(dir).ok();
}
