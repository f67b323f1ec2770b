//! What the page's narration and "run until quiet" tell a newcomer: a submitted command is
//! narrated (sent, or queued behind the client's current one), the end of a run is summed up
//! (leader, decided log in order, replicas), quorum sizes are said against a majority, and
//! "run until quiet" after a leader crash waits for the next election instead of stopping.
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::kv::Op;
use paxoscope::sim::presets::{self, SEED_VALUES};
use paxoscope::sim::run::Run;
use paxoscope::sim::Action;

fn session(preset: &str) -> Run {
    Run::new(presets::scenario(preset).unwrap(), true).unwrap()
}

fn texts(s: &Run) -> Vec<String> {
    s.last_step().events.into_iter().map(|l| l.text).collect()
}

fn put(v: &str) -> Op {
    Op::Put {
        key: "x".into(),
        value: v.into(),
    }
}

#[test]
fn the_end_of_the_seed_demo_is_summed_up_with_the_five_values_in_order() {
    let mut s = session("seed-demo");
    let n = s.run_until_quiet(20_000).unwrap();
    assert!(n > 0);
    let w = s.timeline.world();
    let leader = w.leader().expect("a leader");
    let lines = texts(&s);
    let at = lines
        .iter()
        .position(|t| t.starts_with("the run is quiet"))
        .unwrap_or_else(|| panic!("no summary in {lines:#?}"));
    assert!(lines[at + 1].starts_with(&format!("n{leader} leads with b=")));
    // The decided log in the order the replicas hold it, every value with its command id.
    let log = &lines[at + 2];
    assert!(log.starts_with("decided, in log order: 0: c"), "{log}");
    let replica = w.node(leader).unwrap().replica().unwrap();
    let mut last = 0;
    for slot in 0..5u64 {
        let value = replica.log.get(&slot).unwrap().to_string();
        let i = log.find(&format!("{slot}: ")).expect("every slot");
        assert!(
            log[i..].contains(&value) && i >= last,
            "slot {slot} in order: {log}"
        );
        last = i;
    }
    assert!(SEED_VALUES.iter().all(|v| log.contains(v)));
    assert_eq!(lines[at + 3], "every replica applied all 5 slots: n6, n7");
}

#[test]
fn a_command_for_a_busy_client_is_narrated_as_queued_and_an_idle_one_as_sent() {
    let mut s = session("seed-demo");
    s.apply(&Action::Submit {
        client: 1,
        op: put("paxos"),
    })
    .unwrap();
    assert_eq!(
        texts(&s),
        ["c1 queued put x=paxos: a client runs one command at a time, so it is sent once c1#1 is answered"]
    );
    s.apply(&Action::Submit {
        client: 1,
        op: put("more"),
    })
    .unwrap();
    assert!(texts(&s)[0].ends_with("once c1#1 and the 1 queued before it is answered"));
    s.run_until_quiet(20_000).unwrap();
    s.apply(&Action::Submit {
        client: 2,
        op: put("idle"),
    })
    .unwrap();
    assert_eq!(texts(&s), ["c2 sends command c2#2: put x=idle"]);
}

#[test]
fn run_until_quiet_after_the_leader_crashed_elects_a_new_leader() {
    let mut s = session("seed-demo");
    s.run_until_quiet(20_000).unwrap();
    let old = s.timeline.world().leader().expect("a leader");
    s.apply(&Action::Crash { node: old }).unwrap();
    assert!(s.timeline.world().is_quiet());
    assert_eq!(s.timeline.world().leader(), None);
    let n = s.run_until_quiet(20_000).unwrap();
    let w = s.timeline.world();
    let new = w.leader().expect("a new leader");
    assert!(n > 0 && new != old, "{n} steps, leader {new}");
    assert!(w.is_quiet());
    let lines = texts(&s);
    assert!(
        lines.iter().any(|t| t
            == &format!(
                "n{new} leads with b={}",
                w.node(new).unwrap().proposer().unwrap().ballot().unwrap()
            )),
        "{lines:#?}"
    );
}

#[test]
fn with_no_proposer_left_run_until_quiet_stops_at_once() {
    let mut s = session("seed-demo");
    s.run_until_quiet(20_000).unwrap();
    for id in [6, 7] {
        s.apply(&Action::Crash { node: id }).unwrap();
    }
    assert_eq!(s.run_until_quiet(20_000).unwrap(), 0);
}

#[test]
fn a_leader_elected_on_too_few_promises_says_so_against_a_majority() {
    let mut s = session("bug-small-quorum");
    let end = s.timeline.total_steps();
    let found = (1..=end).find_map(|step| {
        s.timeline.seek(step).unwrap();
        texts(&s)
            .into_iter()
            .find(|t| t.contains("won promises from"))
    });
    let line = found.expect("a leader was elected");
    assert!(
        line.contains("(2 of 5; a majority is 3, but this cluster's quorum is only 2)"),
        "{line}"
    );
    // With majority quorums the same words show a true majority.
    let mut ok = session("seed-demo");
    ok.run_until_quiet(20_000).unwrap();
    let end = ok.timeline.total_steps();
    let line = (1..=end)
        .find_map(|step| {
            ok.timeline.seek(step).unwrap();
            texts(&ok)
                .into_iter()
                .find(|t| t.contains("won promises from"))
        })
        .unwrap();
    assert!(line.contains("(3 of 5; a majority is 3)"), "{line}");
}

#[test]
fn with_a_majority_of_acceptors_down_run_until_quiet_gives_up_and_says_which_timer_is_next() {
    let mut s = session("seed-demo");
    s.run_until_quiet(20_000).unwrap();
    let leader = s.timeline.world().leader().unwrap();
    for id in [leader, 1, 2, 3] {
        s.apply(&Action::Crash { node: id }).unwrap();
    }
    let before = s.timeline.world().now();
    let n = s.run_until_quiet(20_000).unwrap();
    let w = s.timeline.world();
    assert!(n > 0 && n < 20_000, "{n} steps");
    assert_eq!(w.leader(), None);
    // It waited for elections (20 timeouts of 10 ticks), then stopped.
    assert!(w.now() - before >= 200, "waited {} ticks", w.now() - before);
    let lines = texts(&s);
    assert!(
        lines
            .iter()
            .any(|t| t.starts_with("still quiet, and no leader yet: n")
                && t.contains("'s election timer fires next, at tick")),
        "{lines:#?}"
    );
}

/// Every line the narration writes carries a "why" (issue 13, "explain this step"): a
/// node's protocol events their rule and reason, everything else (deliveries, losses,
/// copies, time, crashes, restarts, partitions, settings, clients, the quiet summary) the
/// part of the model behind it. Each preset is run with every kind of action a person can
/// take on the page.
#[test]
fn every_narrated_line_of_every_preset_says_why() {
    let mut seen = std::collections::BTreeSet::new();
    for preset in presets::list() {
        let mut s = session(&preset.name);
        let check = |s: &Run, seen: &mut std::collections::BTreeSet<String>| {
            for line in s.last_step().events {
                let why = line.why.as_deref().unwrap_or("");
                assert!(
                    why.len() > 40,
                    "{}: \"{}\" has no why: {why:?}",
                    preset.name,
                    line.text
                );
                assert_eq!(line.rule.is_some(), line.event.is_some(), "{}", line.text);
                let head: String = line
                    .text
                    .split([' ', ':'])
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                seen.insert(head);
            }
        };
        let w = s.timeline.world();
        let first = w.node_ids().next().unwrap();
        let proposer = w.node_ids().find(|id| w.roles(*id).proposer).unwrap();
        let actions = [
            Action::SetNetwork {
                drop_per_mille: 100,
                dup_per_mille: 100,
                delay_ticks_max: 3,
            },
            Action::Submit {
                client: 1,
                op: put("why"),
            },
            Action::Tick,
            Action::FireTimer {
                node: proposer,
                timer: paxoscope::paxos::TimerKind::Election,
            },
        ];
        for a in &actions {
            s.apply(a).unwrap();
            check(&s, &mut seen);
        }
        for step in 0..120 {
            let w = s.timeline.world();
            let ids: Vec<u64> = w.in_flight().iter().map(|m| m.id).collect();
            let a = match (step % 10, ids.first()) {
                (3, Some(&id)) => Action::Drop { id },
                (5, Some(&id)) => Action::Duplicate { id },
                (6, Some(&id)) => Action::Deliver { id },
                (7, _) => Action::Crash { node: first },
                (8, _) => Action::Restart { node: first },
                (9, _) if step < 50 => Action::Partition {
                    groups: vec![vec![first]],
                },
                (9, _) => Action::Heal,
                _ => Action::Auto { n: 1 },
            };
            if s.apply(&a).is_ok() {
                check(&s, &mut seen);
            }
        }
        s.apply(&Action::SetBug {
            bug: paxoscope::paxos::bugs::Bug::ALL[0],
            enabled: true,
        })
        .unwrap();
        check(&s, &mut seen);
        s.apply(&Action::EndFaults).unwrap();
        check(&s, &mut seen);
        s.run_until_quiet(20_000).unwrap();
        check(&s, &mut seen);
    }
    // The world's own lines were all met, not only the nodes' events.
    for head in [
        "delivered",
        "dropped",
        "duplicated message",
        "time advanced",
        "the run",
    ] {
        assert!(
            seen.iter().any(|h| h.starts_with(head)),
            "no \"{head}\" line in {seen:#?}"
        );
    }
    assert!(seen.iter().any(|h| h.contains("crashed")), "{seen:#?}");
    assert!(seen.iter().any(|h| h.contains("restarted")), "{seen:#?}");
}

/// The "dueling proposers" preset does what its description says: several proposers run
/// for leader at once, higher ballots pre-empt lower ones (refusals, a step-down), and in
/// the end one leader answers every client.
#[test]
fn the_dueling_proposers_preset_duels_and_one_proposer_wins() {
    let mut s = session("dueling-proposers");
    let mut runners = std::collections::BTreeSet::new();
    let (mut refused, mut stepped_down) = (0, 0);
    for _ in 0..400 {
        s.apply(&Action::Auto { n: 1 }).unwrap();
        for line in s.last_step().events {
            match line.event {
                Some("started_election") => {
                    runners.insert(line.node);
                }
                Some("refused_prepare" | "refused_accept") => refused += 1,
                Some("stepped_down") => stepped_down += 1,
                _ => {}
            }
        }
    }
    assert!(runners.len() >= 3, "only {runners:?} ran for leader");
    assert!(
        refused > 0 && stepped_down > 0,
        "no pre-emption: {refused} refusals, {stepped_down} step-downs"
    );
    s.run_until_quiet(20_000).unwrap();
    let w = s.timeline.world();
    assert!(w.leader().is_some());
    assert!(w.clients_done());
    assert!(w.violations().is_empty());
}
