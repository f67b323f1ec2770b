//! User and scheduler actions: the serialisable list that, with the configuration and the
//! seed, replays a run exactly.
use crate::kv::{ClientId, Op};
use crate::paxos::{NodeId, TimerKind};
use serde::{Deserialize, Serialize};

/// One step of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Let the seeded scheduler choose the next event, `n` times (a run of automatic steps
    /// is stored as one action in scenario files; each counts as one step).
    Auto {
        #[serde(default = "one", skip_serializing_if = "is_one")]
        /// How many automatic steps.
        n: u64,
    },
    /// Deliver in-flight message `id` now.
    Deliver {
        /// The message id.
        id: u64,
    },
    /// Lose in-flight message `id`.
    Drop {
        /// The message id.
        id: u64,
    },
    /// Put a copy of in-flight message `id` in flight.
    Duplicate {
        /// The message id.
        id: u64,
    },
    /// Advance logical time by one tick, firing due timers.
    Tick,
    /// Fire one node's timer now.
    FireTimer {
        /// The node.
        node: NodeId,
        /// Which timer.
        timer: TimerKind,
    },
    /// Crash a node: it loses volatile state and its inbox.
    Crash {
        /// The node.
        node: NodeId,
    },
    /// Restart a crashed node from its durable state.
    Restart {
        /// The node.
        node: NodeId,
    },
    /// Split nodes into groups; nodes not listed form one more group together.
    Partition {
        /// The groups of node ids.
        groups: Vec<Vec<NodeId>>,
    },
    /// Remove every partition.
    Heal,
    /// A client submits a command.
    Submit {
        /// The client.
        client: ClientId,
        /// The operation.
        op: Op,
    },
    /// Change the random network faults.
    SetNetwork {
        /// Percent of messages lost.
        drop_pct: u32,
        /// Percent of messages duplicated.
        dup_pct: u32,
        /// Maximum delivery delay in ticks.
        max_delay: u64,
    },
    /// Stop every fault: no more random drops, duplicates, crashes or partitions; heal the
    /// network, restart crashed nodes, and let clients finish what they started (the
    /// fuzzer's healing phase).
    EndFaults,
    /// Switch an injected bug on or off.
    SetBug {
        /// The bug name.
        bug: String,
        /// On or off.
        enabled: bool,
    },
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

/// Merges consecutive automatic steps into one `Auto { n }` (for compact share links).
pub fn compress(actions: &[Action]) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    for a in actions {
        match (out.last_mut(), a) {
            (Some(Action::Auto { n }), Action::Auto { n: m }) => *n += m,
            _ => out.push(a.clone()),
        }
    }
    out
}

/// Expands `Auto { n }` into `n` single steps, refusing absurd counts.
pub fn expand(actions: &[Action], max_steps: u64) -> Result<Vec<Action>, String> {
    let total: u64 = actions
        .iter()
        .map(|a| match a {
            Action::Auto { n } => *n,
            _ => 1,
        })
        .sum();
    if total > max_steps {
        return Err(format!(
            "the scenario has {total} steps; at most {max_steps} are supported"
        ));
    }
    let mut out = Vec::with_capacity(total as usize);
    for a in actions {
        match a {
            Action::Auto { n } => out.extend((0..*n).map(|_| Action::Auto { n: 1 })),
            other => out.push(other.clone()),
        }
    }
    Ok(out)
}
