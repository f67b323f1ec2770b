//! The exhaustive explorer (src/explore): nothing is found on the correct protocol within a
//! CI-sized bound; each injected bug is found within its recorded bounds as a shortest
//! counterexample of its recorded length, and that counterexample replays natively to the
//! same invariant. The CLI's last JSON line and exit codes are checked too.
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::check::invariants::{
    AGREEMENT, EXACTLY_ONCE, LINEARIZABILITY, PROMISE_MONOTONIC, UNIQUE_BALLOTS,
};
use paxoscope::explore::{small_scenario, starts, Bounds, Explorer, Finish};
use paxoscope::paxos::Bug;
use paxoscope::sim::run::Run;

/// The start of a search for `bug` (docs/explorer.md).
fn start(bug: Option<Bug>) -> paxoscope::sim::Scenario {
    starts::for_bug(3, Bounds::commands_for_bug(bug), bug)
}

/// Searches to the end from `start`.
fn search_from(start: &paxoscope::sim::Scenario, bounds: Bounds) -> Explorer {
    let mut x = Explorer::new(start, bounds).expect("valid bounds");
    while !x.run(10_000) {}
    x
}

/// Searches to the end from the start of a search for `bug`.
fn search(bug: Option<Bug>, bounds: Bounds) -> Explorer {
    search_from(&start(bug), bounds)
}

#[test]
fn the_correct_protocol_has_no_violation_within_five_moves_and_every_fault() {
    let bounds = Bounds {
        max_depth: 5,
        ..Bounds::default()
    };
    let x = search(None, bounds);
    assert_eq!(x.finish(), Some(Finish::Exhausted));
    assert!(x.counterexample().is_none());
    let p = x.progress();
    assert!(p.distinct > 10_000, "a real search: {p:?}");
    assert!(p.states > p.distinct, "equivalent states merge: {p:?}");
}

/// The recorded shortest counterexample of each bug, in moves from its start: its
/// invariant and its length (docs/explorer.md).
fn recorded(bug: Bug) -> (&'static str, usize) {
    match bug {
        Bug::NonIntersectingQuorums => (AGREEMENT, 6),
        Bug::ReadWithoutLease => (LINEARIZABILITY, 10),
        Bug::ForgetfulAcceptor => (PROMISE_MONOTONIC, 3),
        Bug::IgnorePromisedValues => (AGREEMENT, 8),
        Bug::BallotsWithoutProposerId => (UNIQUE_BALLOTS, 2),
        Bug::AcceptBelowPromise => (AGREEMENT, 8),
        Bug::SmallQuorum => (AGREEMENT, 2),
        Bug::ReuseBallotAfterRestart => (UNIQUE_BALLOTS, 4),
        Bug::NoDedup => (EXACTLY_ONCE, 9),
        Bug::ReconfigWithoutAlpha => (AGREEMENT, 12),
    }
}

/// The explorer finds `bug` within its default bounds, at its recorded length, and the
/// counterexample replays (through the same `Run` as `paxoscope run --scenario`) to a
/// first violation of the same invariant at its last step (after the start's own actions).
fn finds_and_replays(bug: Bug) {
    let from = start(Some(bug));
    let x = search_from(&from, Bounds::for_bug(Some(bug)));
    let c = x
        .counterexample()
        .unwrap_or_else(|| panic!("{bug} not found: {:?}", x.progress()));
    let (invariant, length) = recorded(bug);
    assert_eq!((c.invariant, c.length), (invariant, length), "{bug}");
    let text = serde_json::to_string(&c.scenario).unwrap();
    let scenario = paxoscope::sim::Scenario::from_json(&text).expect("the file reads back");
    let mut run = Run::new(scenario, false).unwrap();
    let state = run.state(false);
    let first = state.violations.first().expect("the replay violates");
    assert_eq!(first.invariant, invariant, "{bug}");
    let last = (from.actions.len() + length) as u64;
    assert_eq!(first.step, last, "{bug}: at the last step");
}

#[test]
fn finds_forgetful_acceptor() {
    finds_and_replays(Bug::ForgetfulAcceptor);
}

#[test]
fn finds_ignore_promised_values() {
    finds_and_replays(Bug::IgnorePromisedValues);
}

#[test]
fn finds_ballots_without_proposer_id() {
    finds_and_replays(Bug::BallotsWithoutProposerId);
}

#[test]
fn finds_accept_below_promise() {
    finds_and_replays(Bug::AcceptBelowPromise);
}

#[test]
fn finds_small_quorum() {
    finds_and_replays(Bug::SmallQuorum);
}

#[test]
fn finds_non_intersecting_quorums() {
    finds_and_replays(Bug::NonIntersectingQuorums);
}

#[test]
fn finds_reuse_ballot_after_restart() {
    finds_and_replays(Bug::ReuseBallotAfterRestart);
}

/// About 2.2 million states: run it with `cargo test --release --test explore`.
#[test]
#[cfg_attr(debug_assertions, ignore = "2.2 million states: run with --release")]
fn finds_no_dedup() {
    finds_and_replays(Bug::NoDedup);
}

#[test]
fn finds_read_without_lease() {
    finds_and_replays(Bug::ReadWithoutLease);
}

/// About 1.4 million states: run it with `cargo test --release --test explore`.
#[test]
#[cfg_attr(debug_assertions, ignore = "1.4 million states: run with --release")]
fn finds_reconfig_without_alpha() {
    finds_and_replays(Bug::ReconfigWithoutAlpha);
}

/// The bug is what breaks the run: from the stale read's start, with its bounds, the
/// correct protocol (reads by lease) violates nothing.
#[test]
fn the_stale_read_start_is_safe_without_the_bug() {
    let mut clean = start(Some(Bug::ReadWithoutLease));
    clean.config.bugs = Default::default();
    let x = search_from(&clean, Bounds::for_bug(Some(Bug::ReadWithoutLease)));
    assert_eq!(x.finish(), Some(Finish::Exhausted));
    assert!(x.counterexample().is_none(), "{:?}", x.counterexample());
}

/// The same for the reconfiguration's start: without the bug (α = the window), the
/// protocol violates nothing within the bug's bounds. About a million states (982,005).
#[test]
#[cfg_attr(debug_assertions, ignore = "a million states: run with --release")]
fn the_reconfiguration_start_is_safe_without_the_bug() {
    let mut clean = start(Some(Bug::ReconfigWithoutAlpha));
    clean.config.bugs = Default::default();
    let x = search_from(&clean, Bounds::for_bug(Some(Bug::ReconfigWithoutAlpha)));
    assert_eq!(x.finish(), Some(Finish::Exhausted));
    assert!(x.counterexample().is_none(), "{:?}", x.counterexample());
}

/// Reconfigurations and partitions are explored moves within their budgets: from a start
/// where node 1 leads, the correct protocol violates nothing with one of each (and a
/// drop), and each budget reaches states the search without it does not.
#[test]
fn the_correct_protocol_with_reconfigurations_and_partitions_has_no_violation() {
    let led = starts::led_by_node_1(3, 2, None);
    let plain = Bounds {
        max_depth: 6,
        drops: 1,
        dups: 0,
        crashes: 0,
        ..Bounds::default()
    };
    let both = Bounds {
        reconfigs: 1,
        partitions: 1,
        ..plain
    };
    let x = search_from(&led, both);
    assert_eq!(x.finish(), Some(Finish::Exhausted));
    assert!(x.counterexample().is_none(), "{:?}", x.counterexample());
    let base = search_from(&led, plain).progress().distinct;
    for extra in [
        Bounds {
            reconfigs: 1,
            ..plain
        },
        Bounds {
            partitions: 1,
            ..plain
        },
    ] {
        let more = search_from(&led, extra).progress().distinct;
        assert!(more > base, "{extra:?}: {more} vs {base}");
    }
    assert!(x.progress().distinct > 10_000, "{:?}", x.progress());
}

#[test]
fn a_shorter_depth_bound_than_recorded_finds_nothing() {
    let mut bounds = Bounds::for_bug(Some(Bug::ReuseBallotAfterRestart));
    bounds.max_depth -= 1;
    let x = search(Some(Bug::ReuseBallotAfterRestart), bounds);
    assert_eq!(x.finish(), Some(Finish::Exhausted));
    assert!(x.counterexample().is_none(), "BFS lengths are shortest");
}

#[test]
fn the_state_cap_stops_the_search_with_partial_figures() {
    let bounds = Bounds {
        max_states: 500,
        ..Bounds::default()
    };
    let x = search(None, bounds);
    assert_eq!(x.finish(), Some(Finish::StateCap));
    assert_eq!(x.progress().distinct, 500);
}

#[test]
fn impossible_bounds_are_refused_with_the_reason() {
    let start = small_scenario(3, 2, None);
    let zero = Bounds {
        max_states: 0,
        ..Bounds::default()
    };
    let err = Explorer::new(&start, zero).err().unwrap();
    assert!(err.contains("--max-states must be between 1 and"), "{err}");
    let huge = Bounds {
        max_states: u64::MAX,
        ..Bounds::default()
    };
    assert!(Explorer::new(&start, huge).is_err());
}

include!("shared/cli.rs");

#[test]
fn the_cli_reports_a_counterexample_that_run_scenario_replays() {
    let dir = std::env::temp_dir().join(format!("paxoscope-explore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cx.json");
    let out = paxoscope(&[
        "explore",
        "--bug",
        "reuse-ballot-after-restart",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let s = last_json_line(&out);
    for field in ["states", "distinct", "depth", "violations", "elapsed_ms"] {
        assert!(s[field].is_u64(), "{field}: {s}");
    }
    assert_eq!(s["violations"], 1);
    let c = &s["counterexample"];
    assert_eq!(c["invariant"], UNIQUE_BALLOTS);
    assert_eq!(c["length"], 4);
    assert!(c["scenario"]["actions"].is_array());
    let replay = paxoscope(&["run", "--scenario", file.to_str().unwrap()]);
    assert_eq!(replay.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&replay.stderr);
    assert!(
        stderr.starts_with("VIOLATION of unique-ballots at step 4"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_cli_exits_0_when_nothing_is_found_and_2_on_bad_input() {
    let out = paxoscope(&["explore", "--max-depth", "3"]);
    assert_eq!(out.status.code(), Some(0));
    let s = last_json_line(&out);
    assert_eq!(s["violations"], 0);
    assert!(s["counterexample"].is_null());
    for bad in [
        &["explore", "--max-states", "0"][..],
        &["explore", "--servers", "12"],
        &["explore", "--scenario", "/no/such/file.json"],
        &["explore", "--bug", "no-such-bug"],
        &["explore", "--ticks", "101"],
        &["explore", "--reconfigs", "101"],
        &["explore", "--partitions", "101"],
        &["explore", "--timers", "101"],
        &["run", "--scenario", "cx.json", "--seed", "3"],
    ] {
        let out = paxoscope(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(!out.stderr.is_empty());
    }
}

/// `explore --bug read-without-lease` starts after its prefix (docs/explorer.md) and its
/// counterexample, written with `--out`, replays with `run --scenario` to the stale read
/// at its last step: the prefix's actions plus the recorded 10 moves.
#[test]
fn the_cli_finds_the_stale_read_and_its_file_replays_to_it() {
    let dir = std::env::temp_dir().join(format!("paxoscope-stale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cx.json");
    let out = paxoscope(&[
        "explore",
        "--bug",
        "read-without-lease",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let s = last_json_line(&out);
    let c = &s["counterexample"];
    assert_eq!(c["invariant"], LINEARIZABILITY);
    assert_eq!(c["length"], 10);
    assert_eq!(s["bounds"]["timers"], 1);
    let prefix = start(Some(Bug::ReadWithoutLease)).actions.len();
    let steps = c["scenario"]["actions"].as_array().unwrap().len();
    assert_eq!(steps, prefix + 10);
    let replay = paxoscope(&["run", "--scenario", file.to_str().unwrap()]);
    assert_eq!(replay.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&replay.stderr);
    let expected = format!("VIOLATION of linearizability at step {steps}");
    assert!(stderr.starts_with(&expected), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Ticks are explored moves within their budget: with one tick per path a client can
/// retry, so the search reaches states it cannot without; the CLI reports the bound.
#[test]
fn ticks_are_moves_within_their_budget() {
    let without = Bounds {
        max_depth: 4,
        drops: 0,
        dups: 0,
        crashes: 0,
        ..Bounds::default()
    };
    let with = Bounds {
        ticks: 1,
        ..without
    };
    let (a, b) = (search(None, without), search(None, with));
    assert_eq!(a.finish(), Some(Finish::Exhausted));
    assert_eq!(b.finish(), Some(Finish::Exhausted));
    assert!(
        b.progress().distinct > a.progress().distinct,
        "{:?} vs {:?}",
        b.progress(),
        a.progress()
    );
    let out = paxoscope(&["explore", "--max-depth", "3", "--ticks", "1"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(last_json_line(&out)["bounds"]["ticks"], 1);
}

/// The first fuzz seed (from 1) on which `bug` violates an invariant, as a scenario.
fn first_failing_fuzz_run(bug: Bug) -> paxoscope::sim::Scenario {
    (1..=50)
        .map(|seed| paxoscope::sim::fuzz::run_seed(seed, 1500, Some(bug)))
        .find(|o| o.violation.is_some())
        .expect("the fuzzer catches every bug within 50 seeds")
        .scenario
}

#[test]
fn shrinking_keeps_the_invariant_and_the_result_replays_to_it() {
    use paxoscope::explore::shrink::shrink;
    for (bug, at_most) in [
        (Bug::ForgetfulAcceptor, 3),
        (Bug::SmallQuorum, 2),
        (Bug::ReuseBallotAfterRestart, 4),
    ] {
        let run = first_failing_fuzz_run(bug);
        let s = shrink(&run).expect("a failing run shrinks");
        let (invariant, _) = recorded(bug);
        assert_eq!(s.invariant, invariant, "{bug}");
        assert!(s.after < s.before, "{bug}: {} -> {}", s.before, s.after);
        assert!(s.after <= at_most, "{bug}: shrunk to {}", s.after);
        assert_eq!(s.after, s.scenario.actions.len());
        let mut replay = Run::new(s.scenario.clone(), false).unwrap();
        let state = replay.state(false);
        let first = state.violations.first().expect("the shrunk run violates");
        assert_eq!(first.invariant, invariant, "{bug}");
        assert_eq!(first.step, s.after as u64, "{bug}: at its last step");
        // Shrinking again finds nothing more to remove.
        assert_eq!(shrink(&s.scenario).unwrap().after, s.after, "{bug}");
    }
}

/// The goal of issue 10 (docs/explorer.md, "Shrunk fuzz counterexamples"): the first
/// failing fuzz run of each bug shrinks to at most 1.5 times the BFS-shortest length, and
/// still violates the same invariant. read-without-lease and reconfig-without-alpha have
/// no recorded BFS optimum (the explorer does not reach them) and are left out.
#[test]
fn shrunk_fuzz_runs_are_within_one_and_a_half_times_the_bfs_optimum() {
    use paxoscope::explore::shrink::shrink;
    for bug in [
        Bug::ForgetfulAcceptor,
        Bug::IgnorePromisedValues,
        Bug::BallotsWithoutProposerId,
        Bug::AcceptBelowPromise,
        Bug::SmallQuorum,
        Bug::ReuseBallotAfterRestart,
        Bug::NonIntersectingQuorums,
        Bug::NoDedup,
    ] {
        let s = shrink(&first_failing_fuzz_run(bug)).expect("a failing run shrinks");
        let (invariant, optimum) = recorded(bug);
        assert_eq!(s.invariant, invariant, "{bug}");
        assert!(
            2 * s.after <= 3 * optimum,
            "{bug}: shrunk to {} steps, the BFS optimum is {optimum}",
            s.after
        );
        let mut replay = Run::new(s.scenario.clone(), false).unwrap();
        let first = replay.state(false).violations.first().cloned();
        assert_eq!(
            first.map(|v| (v.invariant, v.step)),
            Some((invariant, s.after as u64)),
            "{bug}"
        );
    }
}

/// The first fuzz seed (from 1, at most 1,000 seeds) on which `bug` violates an invariant,
/// as `make bench` and docs/explorer.md take it: its seed and scenario.
fn first_failing_fuzz_seed(bug: Bug) -> (u64, paxoscope::sim::Scenario) {
    let o = (1..=1000)
        .map(|seed| paxoscope::sim::fuzz::run_seed(seed, 1500, Some(bug)))
        .find(|o| o.violation.is_some())
        .expect("the fuzzer catches the bug within 1,000 seeds");
    (o.seed, o.scenario)
}

/// The two bugs whose searches start after a prefix (`explore::starts`) and whose fuzz
/// runs are long (the goal of issue 10: at most 1.5 times the BFS-shortest length;
/// docs/explorer.md, "Shrunk fuzz counterexamples"): both fuzz runs are on the seed layout
/// (5 acceptors, 2 proposers), where every phase costs three times the messages of 3
/// servers; the shrinker moves the stale read onto 3 servers (`explore::relabel`), and
/// starts the reconfiguration's run at its last leader's election (`explore::later`). Both
/// keep the same invariant, replay to it at their last step and meet the goal, against the
/// BFS-shortest length from each bug's start (its prefix and its moves, 8 + 10 and
/// 12 + 12): 26 ≤ 1.5 × 18 and 36 ≤ 1.5 × 24 (recorded 2026-12-07; the reconfiguration took
/// 123 steps before the later start, 213 before the rounds of smaller starts).
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "shrinks two 1,500-step runs: run with --release"
)]
fn the_stale_read_and_reconfiguration_shrinks_keep_their_invariant_and_length() {
    use paxoscope::explore::shrink::shrink;
    for (bug, seed, recorded_after) in [
        (Bug::ReadWithoutLease, 101, 26),
        (Bug::ReconfigWithoutAlpha, 187, 36),
    ] {
        let (found, run) = first_failing_fuzz_seed(bug);
        assert_eq!(found, seed, "{bug}: the first failing seed");
        let s = shrink(&run).expect("a failing run shrinks");
        let (invariant, moves) = recorded(bug);
        let optimum = start(Some(bug)).actions.len() + moves;
        assert_eq!(s.invariant, invariant, "{bug}");
        assert!(
            s.after <= recorded_after,
            "{bug}: shrunk to {} steps, {:.1} times the BFS-shortest {optimum} (was {recorded_after})",
            s.after,
            s.after as f64 / optimum as f64
        );
        assert_eq!(s.after, s.scenario.actions.len());
        assert!(2 * s.after <= 3 * optimum, "{bug}: {} steps", s.after);
        let mut replay = Run::new(s.scenario.clone(), false).unwrap();
        let first = replay.state(false).violations.first().cloned();
        assert_eq!(
            first.map(|v| (v.invariant, v.step)),
            Some((invariant, s.after as u64)),
            "{bug}: replays to the same invariant at its last step"
        );
    }
}

#[test]
fn a_scenario_that_violates_nothing_is_not_shrunk() {
    let clean = small_scenario(3, 2, None);
    let err = paxoscope::explore::shrink::shrink(&clean).unwrap_err();
    assert!(err.contains("violates no invariant"), "{err}");
}

#[test]
fn the_cli_shrinks_a_file_and_a_fuzz_run() {
    let dir = std::env::temp_dir().join(format!("paxoscope-shrink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("run.json");
    let run = first_failing_fuzz_run(Bug::ForgetfulAcceptor);
    std::fs::write(&file, serde_json::to_string(&run).unwrap()).unwrap();
    let out = paxoscope(&["shrink", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = last_json_line(&out);
    assert_eq!(s["invariant"], PROMISE_MONOTONIC);
    assert!(s["before"].as_u64().unwrap() > s["after"].as_u64().unwrap());
    assert!(s["scenario"]["actions"].is_array());
    let clean = dir.join("clean.json");
    std::fs::write(
        &clean,
        serde_json::to_string(&small_scenario(3, 2, None)).unwrap(),
    )
    .unwrap();
    let out = paxoscope(&["shrink", clean.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("violates no invariant"));
    let out = paxoscope(&[
        "fuzz",
        "--bug",
        "small-quorum",
        "--seeds",
        "10",
        "--jobs",
        "1",
        "--shrink",
    ]);
    let s = last_json_line(&out);
    let first = &s["first_violation"];
    assert!(first["length"].as_u64().unwrap() > first["shrunk_length"].as_u64().unwrap());
    assert!(first["link"].as_str().unwrap().starts_with("#j="));
    assert!(first["scenario"]["actions"].is_array());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The shortest run known of reconfig-without-alpha on the fuzz run's layout (seed layout;
/// docs/explorer.md): 28 steps with one leader, proposer 7, and the fuzz run's own change
/// (acceptor 1 replaced by 8), violating agreement at its last step; 28 ≤ 1.5 × 24 (the
/// BFS optimum on 3 servers). Built by hand; the shrinker reaches 36 steps of the same
/// shape (`explore::later`).
#[test]
fn a_single_leader_run_on_the_seed_layout_violates_agreement_in_28_steps() {
    use paxoscope::kv::Op;
    use paxoscope::paxos::{Addr, Message, NodeSpec, Roles, TimerKind};
    use paxoscope::sim::scenario::{Layout, ScriptedOp};
    use paxoscope::sim::{Action, Scenario, SimConfig, World};
    let put = |client: u32| ScriptedOp {
        client,
        op: Op::Put {
            key: "x".into(),
            value: client.to_string().into(),
        },
    };
    let mut config = SimConfig {
        layout: Layout::Seed,
        clients: 4,
        bugs: Some(Bug::ReconfigWithoutAlpha).into_iter().collect(),
        check: true,
        election_timeout_ticks: 1000,
        heartbeat_interval_ticks: 999,
        ..SimConfig::default()
    };
    config.workload.script = vec![put(2), put(4)];
    config.workload.random_ops = 0;
    let mut w = World::new(config.clone(), 1).unwrap();
    let mut actions = Vec::new();
    let mut take = |w: &mut World, a: Action| {
        w.apply(&a).unwrap();
        actions.push(a);
    };
    // The in-flight message from `from` to `to` that `pick` accepts, delivered.
    let deliver = |w: &mut World,
                   take: &mut dyn FnMut(&mut World, Action),
                   from: Addr,
                   to: Addr,
                   pick: &dyn Fn(&Message) -> bool| {
        let id = w
            .in_flight()
            .iter()
            .find(|m| m.env.from == from && m.env.to == to && pick(&m.env.msg))
            .map(|m| m.id)
            .unwrap_or_else(|| panic!("a message from {from:?} to {to:?}"));
        take(w, Action::Deliver { id });
    };
    let n = Addr::Node;
    let any = |_: &Message| true;
    let prepare = |m: &Message| matches!(m, Message::Prepare { .. });
    let accept = |round: u64, slot: u64| move |m: &Message| matches!(m, Message::Accept { ballot, slot: s, .. } if ballot.round == round && *s == slot);
    take(
        &mut w,
        Action::FireTimer {
            node: 7,
            timer: TimerKind::Election,
        },
    );
    for a in [1, 2, 3] {
        deliver(&mut w, &mut take, n(7), n(a), &prepare);
        deliver(&mut w, &mut take, n(a), n(7), &any);
    }
    let acceptor = |id| NodeSpec {
        id,
        roles: Roles::ACCEPTOR,
    };
    let proposer = |id| NodeSpec {
        id,
        roles: Roles {
            proposer: true,
            acceptor: false,
            replica: true,
        },
    };
    let nodes = vec![
        acceptor(2),
        acceptor(3),
        acceptor(4),
        acceptor(5),
        proposer(6),
        proposer(7),
        acceptor(8),
    ];
    take(&mut w, Action::Reconfigure { nodes });
    deliver(&mut w, &mut take, Addr::Client(2), n(7), &any);
    for a in [1, 4, 5] {
        deliver(&mut w, &mut take, n(7), n(a), &accept(1, 1));
    }
    for a in [1, 2, 3] {
        deliver(&mut w, &mut take, n(7), n(a), &accept(1, 0));
    }
    let accepted_0 = |m: &Message| matches!(m, Message::Accepted { slot: 0, .. });
    for a in [1, 2, 3] {
        deliver(&mut w, &mut take, n(a), n(7), &accepted_0);
    }
    deliver(&mut w, &mut take, Addr::Client(4), n(7), &any);
    for a in [2, 3, 8] {
        deliver(&mut w, &mut take, n(7), n(a), &prepare);
        deliver(&mut w, &mut take, n(a), n(7), &any);
    }
    for a in [2, 3, 4] {
        deliver(&mut w, &mut take, n(7), n(a), &accept(2, 1));
    }
    assert_eq!(actions.len(), 28);
    let scenario = Scenario {
        preset: None,
        config,
        seed: 1,
        actions,
    };
    let mut replay = Run::new(scenario, false).unwrap();
    let first = replay.state(false).violations.first().cloned();
    assert_eq!(first.map(|v| (v.invariant, v.step)), Some((AGREEMENT, 28)));
}
