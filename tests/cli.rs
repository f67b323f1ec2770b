//! The `paxoscope` program: run, fuzz, bugs, presets, exit codes and the history files.
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::check::history::History;
use paxoscope::check::linearizability;
use paxoscope::paxos::Bug;

include!("shared/cli.rs");

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
    assert!(summary["first_violation"].is_null() && summary["replay"].is_null());
    assert_eq!(summary["steps"], 1500, "the default steps under faults");
    assert!(summary["total_steps"].as_u64().unwrap() > 2_000_000);
    assert!(out.status.success());
}

/// Seeds the fuzzer gets to catch `bug`: 50, but 2,000 for `reconfig-without-alpha`, which
/// needs a multi-server reconfiguration, a pipelined leader and a change of leader at
/// once (issue 12; first caught at seed 187), and 300 for `read-without-lease`, whose
/// stale read needs a leader cut off long enough for another to be elected and write
/// (issue 12; first caught at seed 101 or later as the swarm changes).
fn seeds_to_catch(bug: &str) -> &'static str {
    match bug {
        "reconfig-without-alpha" => "2000",
        "read-without-lease" => "300",
        _ => "50",
    }
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
        let out = paxoscope(&["fuzz", "--seeds", seeds_to_catch(&name), "--bug", &name]);
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
        // The failing seed replays with the printed command and fails the same way.
        let replay = summary["replay"].as_str().unwrap();
        assert_replays(
            replay,
            first["invariant"].as_str().unwrap(),
            first["step"].as_u64().unwrap(),
        );
    }
}

/// Runs a printed replay command and checks it reports `invariant` at `step`.
fn assert_replays(command: &str, invariant: &str, step: u64) {
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args[..2], ["paxoscope", "run"], "{command}");
    let out = paxoscope(&args[1..]);
    assert_eq!(out.status.code(), Some(1), "{command}");
    let report = String::from_utf8_lossy(&out.stderr);
    let expected = format!("VIOLATION of {invariant} at step {step}:");
    assert!(
        report.contains(&expected),
        "{command}: wanted {expected}, got {report}"
    );
}

/// The (seed, invariant, step, replay command) of every violation a fuzz run reported.
fn reported_violations(stderr: &str) -> Vec<(u64, String, u64, String)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut found = Vec::new();
    for pair in lines.windows(2) {
        let Some(rest) = pair[0].strip_prefix("seed ") else {
            continue;
        };
        let (seed, rest) = rest.split_once(": VIOLATION of ").unwrap();
        let (invariant, rest) = rest.split_once(" at step ").unwrap();
        let step = rest.split_once(':').unwrap().0.parse().unwrap();
        let replay = pair[1].trim().strip_prefix("replay: ").unwrap().to_string();
        found.push((seed.parse().unwrap(), invariant.to_string(), step, replay));
    }
    found
}

#[test]
fn a_violation_found_with_non_default_options_replays_exactly() {
    let out = paxoscope(&[
        "fuzz",
        "--seeds",
        "30",
        "--start-seed",
        "5",
        "--steps",
        "60",
        "--bug",
        "no-dedup",
    ]);
    let summary = last_json_line(&out);
    assert_eq!(summary["start_seed"], 5);
    assert_eq!(summary["steps"], 60);
    assert_eq!(summary["bug"], "no-dedup");
    let first = &summary["first_violation"];
    let seed = first["seed"].as_u64().expect("no-dedup is caught");
    assert_eq!(
        summary["replay"],
        format!("paxoscope run --seed {seed} --steps 60 --bug no-dedup")
    );
    assert_replays(
        summary["replay"].as_str().unwrap(),
        first["invariant"].as_str().unwrap(),
        first["step"].as_u64().unwrap(),
    );
    // Violations found after the 60 steps under faults, in the healing phase, are where a
    // replay with another --steps would run a different world: replay those too.
    let reported = reported_violations(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        reported.len() as u64,
        summary["violations"].as_u64().unwrap()
    );
    let healing: Vec<_> = reported.iter().filter(|r| r.2 > 60).take(3).collect();
    assert!(
        !healing.is_empty(),
        "no violation after the faults stopped: {reported:?}"
    );
    for (_, invariant, step, replay) in healing {
        assert_replays(replay, invariant, *step);
    }
}

#[test]
fn fuzzing_on_several_threads_finds_the_same_as_on_one() {
    let fuzz = |jobs: &str| {
        let out = paxoscope(&[
            "fuzz",
            "--seeds",
            "120",
            "--steps",
            "300",
            "--bug",
            "forgetful-acceptor",
            "--jobs",
            jobs,
        ]);
        let mut summary = last_json_line(&out);
        assert_eq!(summary["jobs"], jobs.parse::<u64>().unwrap());
        for varies in ["jobs", "elapsed_ms"] {
            summary.as_object_mut().unwrap().remove(varies);
        }
        (
            out.status.code(),
            summary,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let one = fuzz("1");
    assert!(one.1["violations"].as_u64().unwrap() > 0, "{}", one.2);
    for jobs in ["2", "3"] {
        let many = fuzz(jobs);
        assert_eq!(many.0, one.0);
        assert_eq!(many.1, one.1, "--jobs {jobs}");
        assert_eq!(
            many.2, one.2,
            "--jobs {jobs}: progress and violations in the same order"
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
        vec!["fuzz", "--jobs", "0"],
        vec!["fuzz", "--seeds", "0"],
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

#[test]
fn run_takes_rule_12_settings_for_a_preset_and_refuses_ones_that_cannot_run() {
    let out = paxoscope(&[
        "run",
        "--preset",
        "steady-leader",
        "--phase1-quorum",
        "4",
        "--phase2-quorum",
        "2",
        "--read-mode",
        "lease",
        "--clock-drift-per-mille",
        "50",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        state["quorums"],
        serde_json::json!({"acceptors": 5, "phase1": 4, "phase2": 2})
    );
    assert_eq!(state["config"]["read_mode"], "lease");
    assert!(state["nodes"][0]["lease"]["clock"].is_u64());
    let out = paxoscope(&[
        "run",
        "--preset",
        "steady-leader",
        "--phase1-quorum",
        "3",
        "--phase2-quorum",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be more than the 5 acceptors"));
    // Only with a preset: a fuzz seed's replay keeps the swarm's settings.
    let out = paxoscope(&["run", "--seed", "3", "--phase2-quorum", "2"]);
    assert_eq!(out.status.code(), Some(2));
}
