//! The exhaustive explorer (issue 10): breadth-first search over every interleaving of a
//! small run on the real protocol core, through the same [`World`] the simulator drives.
//! From a start state (a scenario's end) every enabled move is tried: deliver any in-flight
//! message, drop or duplicate it (bounded), fire any pending timer (bounded if asked),
//! crash (bounded) or restart a node, ask the leader for a new configuration (bounded),
//! isolate a node (bounded) or heal. Every invariant of `check::invariants`, and linearizability whenever a
//! client is answered, is checked after every move, so the first violation is a shortest
//! counterexample; it comes back as a scenario file that `paxoscope run --scenario`
//! replays. `moves` enumerates, `search` runs the BFS, `starts` says where each bug's
//! search starts, `shrink` minimises a failing run.
//!
//! Client retries are explored only within a tick budget (`--ticks`, 0 by default): a tick
//! move advances time while a client waits, so a client whose retry is due resends.
mod commands;
mod later;
mod matching;
pub mod moves;
pub mod page;
mod relabel;
pub mod search;
pub mod shorten;
pub mod shrink;
pub mod starts;

pub use moves::{Budget, Move};
pub use search::{Explorer, Finish};

use crate::json::read::FromJson;
use crate::json::ToJson;
use crate::kv::Op;
use crate::paxos::Bug;
use crate::sim::scenario::{Layout, ScriptedOp, Workload};
use crate::sim::{Scenario, SimConfig};
use serde::{Deserialize, Serialize};

/// The most states a search may be asked to keep (about 40 bytes each).
pub const MAX_STATES_LIMIT: u64 = 50_000_000;

/// How far a search goes (the CLI's options, the page's Search panel's inputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// Longest path explored, in moves from the start state.
    pub max_depth: u32,
    /// Distinct states kept at most (the memory bound); the search stops with partial
    /// figures when it is reached.
    pub max_states: u64,
    /// Messages lost on one path at most.
    pub drops: u32,
    /// Messages duplicated on one path at most.
    pub dups: u32,
    /// Node crashes on one path at most.
    pub crashes: u32,
    /// Ticks of time on one path at most, taken while a client waits: what lets a client
    /// retry (0 by default: then no move advances time).
    #[serde(default)]
    pub ticks: u32,
    /// Reconfigurations the operator asks for on one path at most (rule 12: add the lowest
    /// free node id, add the two lowest, or remove a member, whenever a leader accepts it).
    #[serde(default)]
    pub reconfigs: u32,
    /// Partitions on one path at most, each isolating one node until a heal (a free move).
    #[serde(default)]
    pub partitions: u32,
    /// Node timers fired on one path at most (absent: any number, the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub timers: Option<u32>,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_depth: 30,
            max_states: 2_000_000,
            drops: 1,
            dups: 1,
            crashes: 1,
            ticks: 0,
            reconfigs: 0,
            partitions: 0,
            timers: None,
        }
    }
}

impl Bounds {
    /// The default bounds for a search for `bug` (or on the correct protocol) from its
    /// start ([`starts::for_bug`]): the depth and faults its shortest counterexample
    /// needs, recorded in docs/explorer.md.
    pub fn for_bug(bug: Option<Bug>) -> Bounds {
        let d = Bounds::default();
        let (max_depth, drops, dups, crashes) = match bug {
            None => return d,
            Some(Bug::ForgetfulAcceptor) => (3, 0, 0, 1),
            Some(Bug::IgnorePromisedValues) => (8, 0, 0, 0),
            Some(Bug::BallotsWithoutProposerId) => (2, 0, 0, 0),
            Some(Bug::AcceptBelowPromise) => (8, 0, 0, 0),
            Some(Bug::SmallQuorum) => (2, 0, 0, 0),
            Some(Bug::NonIntersectingQuorums) => (6, 0, 0, 0),
            Some(Bug::ReuseBallotAfterRestart) => (4, 0, 0, 1),
            // From their own starts (`starts`), with timer firings bounded: one election
            // timer (the second leader's) for the stale read; none for the reconfiguration,
            // whose start has it fired.
            Some(Bug::ReadWithoutLease) => {
                return Bounds {
                    max_depth: 10,
                    drops: 0,
                    dups: 0,
                    crashes: 0,
                    timers: Some(1),
                    ..d
                }
            }
            Some(Bug::ReconfigWithoutAlpha) => {
                return Bounds {
                    max_depth: 12,
                    drops: 0,
                    dups: 0,
                    crashes: 0,
                    timers: Some(0),
                    ..d
                }
            }
            Some(Bug::NoDedup) => {
                return Bounds {
                    max_depth: 9,
                    drops: 0,
                    dups: 1,
                    crashes: 0,
                    max_states: 3_000_000,
                    ..d
                }
            }
        };
        Bounds {
            max_depth,
            drops,
            dups,
            crashes,
            ..d
        }
    }

    /// The client commands of the small start state a search for `bug` uses by default:
    /// two (to two different servers), but one for `no-dedup`, whose shortest run needs
    /// only one command and is found in a tenth of the states that way.
    pub fn commands_for_bug(bug: Option<Bug>) -> u32 {
        match bug {
            Some(Bug::NoDedup) => 1,
            _ => 2,
        }
    }

    /// Refuses bounds that cannot be searched, with the reason.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_states == 0 || self.max_states > MAX_STATES_LIMIT {
            return Err(format!(
                "--max-states must be between 1 and {MAX_STATES_LIMIT}, got {}",
                self.max_states
            ));
        }
        if self.max_depth > 10_000 {
            return Err(format!(
                "--max-depth must be at most 10000, got {}",
                self.max_depth
            ));
        }
        for (name, v) in [
            ("--drops", self.drops),
            ("--dups", self.dups),
            ("--crashes", self.crashes),
            ("--ticks", self.ticks),
            ("--reconfigs", self.reconfigs),
            ("--partitions", self.partitions),
            ("--timers", self.timers.unwrap_or(0)),
        ] {
            if v > 100 {
                return Err(format!("{name} must be at most 100, got {v}"));
            }
        }
        Ok(())
    }

    /// The fault budget of one path.
    pub fn budget(&self) -> Budget {
        Budget {
            drops: self.drops as u8,
            dups: self.dups as u8,
            crashes: self.crashes as u8,
            ticks: self.ticks as u8,
            reconfigs: self.reconfigs as u8,
            partitions: self.partitions as u8,
            fires: self.timers.map_or(moves::UNBOUNDED_FIRES, |t| t as u8),
        }
    }
}

/// The figures of a search so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToJson)]
pub struct Progress {
    /// Transitions taken (states generated, merged or not).
    pub states: u64,
    /// Distinct states found.
    pub distinct: u64,
    /// Depth of the level being expanded.
    pub depth: u32,
    /// States found and not yet expanded.
    pub frontier: u64,
}

/// A shortest run to a violation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
pub struct Counterexample {
    /// The invariant violated.
    pub invariant: &'static str,
    /// What the checker said.
    #[serde(skip)]
    pub message: String,
    /// Moves from the start state.
    pub length: usize,
    /// The start scenario with the moves appended: replays to the violation.
    pub scenario: Scenario,
}

/// The start state of `paxoscope explore` without a preset or scenario: `servers` servers,
/// and `commands` clients that each put one key, client `i` first sending to the `i`-th
/// server (so two commands go to two different servers), with `bug` switched on.
pub fn small_scenario(servers: u32, commands: u32, bug: Option<Bug>) -> Scenario {
    let script = (1..=commands)
        .map(|c| ScriptedOp {
            client: c,
            op: Op::Put {
                key: "x".into(),
                value: c.to_string().into(),
            },
        })
        .collect();
    let config = SimConfig {
        layout: Layout::Servers { n: servers },
        clients: commands,
        bugs: bug.into_iter().collect(),
        workload: Workload {
            script,
            random_ops: 0,
            keys: 1,
        },
        check: true,
        ..SimConfig::default()
    };
    Scenario {
        preset: None,
        config,
        seed: 1,
        actions: Vec::new(),
    }
}
