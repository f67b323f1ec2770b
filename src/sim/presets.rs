//! Named scenarios: the seed demo, the classic situations, and one per injected bug.
use super::action::Action;
use super::scenario::{
    FaultConfig, Layout, NetworkConfig, Scenario, ScriptedOp, SimConfig, Workload,
};
use super::world::World;
use crate::json::ToJson;
use crate::kv::Op;
use crate::paxos::{Bug, NodeId, NodeSpec, ReadMode, Roles};
use serde::Serialize;

/// A preset's name and what it shows.
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PresetInfo {
    /// Name used in URLs and on the command line.
    pub name: String,
    /// Short title.
    pub title: String,
    /// What to look at.
    pub description: String,
}

/// The prefix of a bug preset's name: `bug-` + the bug's name.
const BUG_PREFIX: &str = "bug-";

/// The values the seed program proposed.
pub const SEED_VALUES: [&str; 5] = ["murolando", "ninja", "alexyB", "oleg", "joomba"];

/// Every preset, `seed-demo` first.
pub fn list() -> Vec<PresetInfo> {
    let situations = SITUATIONS
        .iter()
        .map(|(name, title, description)| PresetInfo {
            name: name.to_string(),
            title: title.to_string(),
            description: description.to_string(),
        });
    let bugs = Bug::ALL.into_iter().map(|bug| PresetInfo {
        name: format!("{BUG_PREFIX}{bug}"),
        title: format!("Bug: {}", bug.info().title),
        description: bug.info().symptom.to_string(),
    });
    situations.chain(bugs).collect()
}

/// (name, title, description) of the presets that show the correct protocol at work; one
/// preset per injected bug follows them, described by the bug catalogue (paxos/bugs.rs).
const SITUATIONS: [(&str, &str, &str); 11] = [
    (
        "seed-demo",
        "Seed demo: 5 acceptors, 2 proposers",
        "The program Paxoscope grew from: five values proposed at once through two proposers. Watch the proposers duel in phase 1, one win, and every replica end with all five values in one order.",
    ),
    (
        "steady-leader",
        "Steady leader",
        "Five servers and a stable leader: each command costs one Accept and one Accepted per other acceptor, and commit news rides on later messages.",
    ),
    (
        "dueling-proposers",
        "Dueling proposers",
        "Three proposers receive commands at once and run for leader together; higher ballots pre-empt lower ones and randomized backoff lets one win.",
    ),
    (
        "leader-crash",
        "Leader crash",
        "The leader crashes mid-stream. A follower times out, runs phase 1, adopts every value the old leader got accepted, fills holes with no-ops, and carries on.",
    ),
    (
        "minority-partition",
        "Minority partition",
        "The leader is cut off with one follower. It cannot reach a quorum and commits nothing; the majority side elects a new leader and continues.",
    ),
    (
        "lagging-replica",
        "Lagging replica and snapshots",
        "A replica is down while the others commit and compact their logs; when it restarts it is brought up to date with a snapshot plus only the entries it misses.",
    ),
    (
        "flexible-quorums",
        "Flexible quorums: phase 1 needs 4, phase 2 needs 2",
        "Five servers where a leader needs promises from 4 acceptors but a value is chosen by 2 (4 + 2 > 5, so every phase-1 quorum meets every phase-2 quorum). Each command costs one Accept and one Accepted; the leader then crashes, and the new leader's four promises still include one of the two acceptors behind every chosen value.",
    ),
    (
        "lease-reads",
        "Reads under a leader lease, clocks drifting",
        "Five servers read under leases while their clocks drift by up to 5 %. Each heartbeat renews the leader's lease; gets are answered by the leader alone. Then the leader is cut off with one follower: it stops reading alone when its lease runs out, and the others elect a new leader only once the grants it held have run out on their own clocks.",
    ),
    (
        "grow-3-to-5",
        "Reconfiguration: grow from 3 to 5 servers under load",
        "Clients keep writing while two servers join in one reconfiguration, decided in the log like a command. It governs only the slots α (the pipeline window) after its own, so no slot is decided by a quorum of 3 and another of 5 that need not meet; the new servers catch up with a snapshot and the entries they miss.",
    ),
    (
        "shrink-5-to-3",
        "Reconfiguration: shrink from 5 to 3 while a server is partitioned",
        "A follower is cut off, then it and another follower are removed in one reconfiguration: from α slots on, the three that remain decide every slot. The partitioned server never hears of it, and nothing it does counts any more.",
    ),
    (
        "replace-leader",
        "Reconfiguration: replace the leader's server",
        "A new server replaces the leader's own in one reconfiguration. Once the configuration without it governs the next slot, the leader hands off: it steps down and a member is elected, while the new server catches up.",
    ),
];

/// The swarm-fuzzing configuration used for bug presets and the fuzzer: faults on.
pub fn faulty_config() -> SimConfig {
    SimConfig {
        layout: Layout::Servers { n: 5 },
        clients: 3,
        client_retry_ticks: 12,
        network: NetworkConfig {
            drop_per_mille: 100,
            dup_per_mille: 100,
            delay_ticks_max: 3,
        },
        faults: FaultConfig {
            crash_per_mille: 8,
            restart_per_mille: 30,
            partition_per_mille: 5,
            heal_per_mille: 20,
        },
        workload: Workload {
            script: Vec::new(),
            random_ops: 40,
            keys: 3,
        },
        snapshot_interval_slots: 16,
        ..SimConfig::default()
    }
}

fn seed_demo() -> Scenario {
    let script = SEED_VALUES
        .iter()
        .enumerate()
        .map(|(i, v)| ScriptedOp {
            client: i as u32 + 1,
            op: Op::Put {
                key: "x".into(),
                value: (*v).into(),
            },
        })
        .collect();
    Scenario {
        preset: Some("seed-demo".into()),
        config: SimConfig {
            layout: Layout::Seed,
            clients: 5,
            workload: Workload {
                script,
                random_ops: 0,
                keys: 0,
            },
            ..SimConfig::default()
        },
        seed: 1,
        actions: Vec::new(),
    }
}

fn steady(random_ops: u32) -> SimConfig {
    SimConfig {
        clients: 3,
        workload: Workload {
            script: Vec::new(),
            random_ops,
            keys: 3,
        },
        ..SimConfig::default()
    }
}

/// Runs `auto` steps on a world until `done` or `limit` steps, returning the actions.
fn run_until(world: &mut World, limit: u64, done: impl Fn(&World) -> bool) -> Vec<Action> {
    let mut actions = Vec::new();
    while actions.len() < limit as usize && !done(world) {
        let a = Action::Auto { n: 1 };
        world.apply(&a).expect("auto always applies");
        actions.push(a);
    }
    actions
}

/// The start the scripted presets share: the run of `config` and `seed` until a leader has
/// committed some commands. Returns the world then, the actions so far and the leader.
fn leader_with_commands(config: &SimConfig, seed: u64) -> (World, Vec<Action>, NodeId) {
    let mut world = World::new(config.clone(), seed).expect("preset config is valid");
    let actions = run_until(&mut world, 2_000, |w| {
        w.leader().is_some() && w.stats().commands_committed >= 6
    });
    let leader = world.leader().unwrap_or(1);
    (world, actions, leader)
}

/// Builds a scenario that runs until a leader has committed some commands, then does `then`
/// to the leader, and returns config + seed + the actions.
fn after_leader(
    name: &str,
    seed: Option<u64>,
    config: SimConfig,
    then: impl Fn(NodeId, &World) -> Vec<Action>,
) -> Scenario {
    let seed = seed.unwrap_or(3);
    let (mut world, mut actions, leader) = leader_with_commands(&config, seed);
    for a in then(leader, &world) {
        world.apply(&a).expect("preset action applies");
        actions.push(a);
    }
    Scenario {
        preset: Some(name.into()),
        config,
        seed,
        actions,
    }
}

/// Servers (proposer + acceptor + replica) with these ids.
fn servers(ids: &[NodeId]) -> Vec<NodeSpec> {
    ids.iter()
        .map(|&id| NodeSpec {
            id,
            roles: Roles::SERVER,
        })
        .collect()
}

/// `n` servers under a steady load of `random_ops` commands per client.
fn steady_servers(n: u32, random_ops: u32) -> SimConfig {
    let mut config = steady(random_ops);
    config.layout = Layout::Servers { n };
    config.snapshot_interval_slots = 16;
    config
}

/// Rule 12's presets: once a leader has committed some commands, carries out `changes`
/// (given the leader and the world then) one by one; each add or remove waits, stepping
/// the scheduler, until the world takes it (one reconfiguration at a time, through a
/// leader). Then runs on until the run is quiet.
fn reconfiguration(
    name: &str,
    seed: Option<u64>,
    config: SimConfig,
    changes: impl Fn(NodeId, &World) -> Vec<Action>,
) -> Scenario {
    let seed = seed.unwrap_or(3);
    let (mut world, mut actions, leader) = leader_with_commands(&config, seed);
    for change in changes(leader, &world) {
        for _ in 0..3_000 {
            if world.apply(&change).is_ok() {
                actions.push(change);
                break;
            }
            let a = Action::Auto { n: 1 };
            world.apply(&a).expect("auto always applies");
            actions.push(a);
        }
    }
    actions.extend(run_until(&mut world, 4_000, World::is_quiet));
    Scenario {
        preset: Some(name.into()),
        config,
        seed,
        actions: super::action::compress(&actions),
    }
}

/// The scenario of preset `name` with its own seed, or an error listing the known names.
pub fn scenario(name: &str) -> Result<Scenario, String> {
    scenario_with_seed(name, None)
}

/// The scenario of preset `name`, run with `seed` instead of the preset's own if given.
pub fn scenario_with_seed(name: &str, seed: Option<u64>) -> Result<Scenario, String> {
    let mut s = build(name, seed)?;
    if let Some(seed) = seed {
        s.seed = seed;
    }
    Ok(s)
}

/// The scenario of preset `name`; `seed` replaces the seed of the runs a scripted preset
/// records before its script.
fn build(name: &str, seed: Option<u64>) -> Result<Scenario, String> {
    let s = match name {
        "seed-demo" => seed_demo(),
        "steady-leader" => Scenario {
            preset: Some(name.into()),
            config: steady(30),
            seed: 1,
            actions: Vec::new(),
        },
        "dueling-proposers" => dueling_proposers(name),
        "leader-crash" => after_leader(name, seed, steady(20), crash_leader),
        "minority-partition" => after_leader(name, seed, steady(20), cut_off_leader),
        "lagging-replica" => lagging_replica(name, seed),
        "lease-reads" => lease_reads_preset(name, seed),
        "grow-3-to-5" => reconfiguration(name, seed, steady_servers(3, 60), grow_to_5),
        "shrink-5-to-3" => reconfiguration(name, seed, steady_servers(5, 60), shrink_to_3),
        "replace-leader" => reconfiguration(name, seed, steady_servers(3, 60), replace_leader),
        "flexible-quorums" => {
            let mut config = steady(20);
            config.phase1_quorum = Some(4);
            config.phase2_quorum = Some(2);
            after_leader(name, seed, config, crash_leader)
        }
        _ => match name.strip_prefix(BUG_PREFIX).map(str::parse::<Bug>) {
            Some(Ok(bug)) => bug_scenario(bug, seed),
            _ => {
                let names: Vec<String> = list().into_iter().map(|p| p.name).collect();
                return Err(format!(
                    "unknown preset '{name}'; presets: {}",
                    names.join(", ")
                ));
            }
        },
    };
    Ok(s)
}

/// Rule 7: three proposers of five servers get commands at once and run for leader
/// together.
fn dueling_proposers(name: &str) -> Scenario {
    let mut config = steady(5);
    config.layout = Layout::Servers { n: 5 };
    config.clients = 3;
    Scenario {
        preset: Some(name.into()),
        config,
        seed: 5,
        actions: Vec::new(),
    }
}

/// Rules 4 and 7: the leader crashes; a follower's election takes over its slots.
fn crash_leader(leader: NodeId, _: &World) -> Vec<Action> {
    vec![Action::Crash { node: leader }]
}

/// Rule 6: the leader is cut off with one other node, a minority that chooses nothing.
fn cut_off_leader(leader: NodeId, w: &World) -> Vec<Action> {
    let other = w
        .protocol_config()
        .node_ids()
        .into_iter()
        .find(|n| *n != leader)
        .unwrap_or(1);
    vec![Action::Partition {
        groups: vec![vec![leader, other]],
    }]
}

/// Rules 9 and 10: a replica is down while the others commit and compact, then restarts
/// and catches up with a snapshot and the entries it misses.
fn lagging_replica(name: &str, seed: Option<u64>) -> Scenario {
    let mut config = steady(40);
    config.snapshot_interval_slots = 8;
    after_leader(name, seed, config, |leader, w| {
        let lagging = w
            .protocol_config()
            .node_ids()
            .into_iter()
            .rev()
            .find(|n| *n != leader)
            .unwrap_or(1);
        let mut a = vec![Action::Crash { node: lagging }];
        a.extend((0..400).map(|_| Action::Auto { n: 1 }));
        a.push(Action::Restart { node: lagging });
        a
    })
}

/// Rule 12 (leases): the leader answers reads alone, then is cut off with one other node
/// and must stop when its lease runs out.
fn lease_reads_preset(name: &str, seed: Option<u64>) -> Scenario {
    let mut config = steady(20);
    config.read_mode = ReadMode::Lease;
    config.clock_drift_per_mille = 50;
    after_leader(name, seed, config, cut_off_leader)
}

/// Rule 12 (reconfiguration): three servers grow to five in one change.
fn grow_to_5(_: NodeId, _: &World) -> Vec<Action> {
    vec![Action::Reconfigure {
        nodes: servers(&[1, 2, 3, 4, 5]),
    }]
}

/// Rule 12 (reconfiguration): one follower is cut off, then it and another follower are
/// removed, leaving three servers.
fn shrink_to_3(leader: NodeId, w: &World) -> Vec<Action> {
    let followers: Vec<NodeId> = w.node_ids().filter(|n| *n != leader).collect();
    let (cut, other) = (followers[followers.len() - 1], followers[0]);
    let kept: Vec<NodeId> = w.node_ids().filter(|n| *n != cut && *n != other).collect();
    vec![
        Action::Partition {
            groups: vec![vec![cut]],
        },
        Action::Reconfigure {
            nodes: servers(&kept),
        },
    ]
}

/// Rule 12 (reconfiguration): the leader is replaced by a new server and hands off.
fn replace_leader(leader: NodeId, w: &World) -> Vec<Action> {
    let mut kept: Vec<NodeId> = w.node_ids().filter(|n| *n != leader).collect();
    kept.push(4);
    vec![Action::Reconfigure {
        nodes: servers(&kept),
    }]
}

/// A bug preset: a faulty run (or, for shared ballots, the seed demo) with the bug on,
/// recorded up to the step where the first invariant breaks, so the page opens on the
/// violation and the timeline shows how it came about.
fn bug_scenario(bug: Bug, seed: Option<u64>) -> Scenario {
    if bug == Bug::ReconfigWithoutAlpha {
        return reconfig_bug_scenario(seed);
    }
    let (mut config, own_seed) = match bug {
        Bug::BallotsWithoutProposerId => (seed_demo().config, 1),
        _ => (faulty_config(), bug_seed(bug)),
    };
    config.bugs = [bug].into_iter().collect();
    if bug == Bug::ReadWithoutLease {
        // Rule 12: reads answered alone are what the bug gets wrong.
        config.read_mode = ReadMode::Lease;
    }
    let seed = seed.unwrap_or(own_seed);
    let mut world = World::new(config.clone(), seed).expect("preset config is valid");
    // Shared ballots break uniqueness at once; run on to the agreement failure it causes.
    let wanted = match bug {
        Bug::BallotsWithoutProposerId => Some(crate::check::invariants::AGREEMENT),
        _ => None,
    };
    // A stale read breaks only linearizability, judged on the history: look every 20 steps.
    let stale_reads = bug == Bug::ReadWithoutLease;
    let broken = |w: &World| {
        w.violations()
            .iter()
            .any(|v| wanted.is_none_or(|name| v.invariant == name))
            || (stale_reads
                && w.step().is_multiple_of(20)
                && crate::check::verdict::linearizability(&w.history(), w.step())
                    .1
                    .is_some())
    };
    let steps = run_until(&mut world, 5_000, broken).len() as u64;
    Scenario {
        preset: Some(format!("{BUG_PREFIX}{bug}")),
        config,
        seed,
        actions: vec![Action::Auto { n: steps.max(1) }],
    }
}

/// The `reconfig-without-alpha` preset: three servers under load on a lossy network grow
/// to five in one reconfiguration while the leader pipelines, with the bug on; recorded up
/// to the first violation.
fn reconfig_bug_scenario(seed: Option<u64>) -> Scenario {
    let mut config = steady_servers(3, 60);
    config.bugs = [Bug::ReconfigWithoutAlpha].into_iter().collect();
    config.network = NetworkConfig {
        drop_per_mille: 150,
        dup_per_mille: 0,
        delay_ticks_max: 3,
    };
    config.faults = FaultConfig {
        crash_per_mille: 6,
        restart_per_mille: 40,
        partition_per_mille: 0,
        heal_per_mille: 0,
    };
    let seed = seed.unwrap_or(RECONFIG_BUG_SEED);
    let mut world = World::new(config.clone(), seed).expect("preset config is valid");
    let mut actions = run_until(&mut world, 2_000, |w| {
        w.leader().is_some() && w.stats().commands_committed >= 6
    });
    let grow = Action::Reconfigure {
        nodes: servers(&[1, 2, 3, 4, 5]),
    };
    for _ in 0..2_000 {
        if !world.violations().is_empty() {
            break;
        }
        if world.apply(&grow).is_ok() {
            actions.push(grow);
            break;
        }
        let a = Action::Auto { n: 1 };
        world.apply(&a).expect("auto always applies");
        actions.push(a);
    }
    actions.extend(run_until(&mut world, 5_000, |w| !w.violations().is_empty()));
    Scenario {
        preset: Some(format!("{BUG_PREFIX}{}", Bug::ReconfigWithoutAlpha)),
        config,
        seed,
        actions: super::action::compress(&actions),
    }
}

/// The seed of the `reconfig-without-alpha` preset (found by searching seeds from 1).
const RECONFIG_BUG_SEED: u64 = 30;

/// Seeds (found by searching with the fuzzer's fault mix) at which each bug breaks an
/// invariant early.
fn bug_seed(bug: Bug) -> u64 {
    match bug {
        Bug::ForgetfulAcceptor => 194,
        Bug::IgnorePromisedValues => 280,
        Bug::AcceptBelowPromise => 216,
        Bug::SmallQuorum => 251,
        Bug::ReuseBallotAfterRestart => 195,
        Bug::NoDedup => 29,
        Bug::NonIntersectingQuorums => 9,
        Bug::ReadWithoutLease => 613,
        Bug::BallotsWithoutProposerId => 1,
        Bug::ReconfigWithoutAlpha => 1,
    }
}
