//! Cluster configuration (rule 11): which node plays which roles, and the protocol knobs.
use super::bugs::{Bug, BugSet};
use super::quorum::Quorums;
use super::NodeId;
use crate::json::read::FromJson;
use crate::json::ToJson;
use serde::{Deserialize, Serialize};

/// The roles one node plays. Any combination is allowed, except that every proposer is
/// also a replica (it needs the decided log to know where to propose and to answer clients).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Roles {
    /// Runs phase 1 and 2 and can become leader.
    pub proposer: bool,
    /// Votes: promises and accepts (durable).
    pub acceptor: bool,
    /// Learns decided slots and applies them to the key-value store.
    pub replica: bool,
}

impl Roles {
    /// Proposer + acceptor + replica: the usual "server" of a Multi-Paxos cluster.
    pub const SERVER: Roles = Roles {
        proposer: true,
        acceptor: true,
        replica: true,
    };
    /// A pure acceptor, as in the seed layout.
    pub const ACCEPTOR: Roles = Roles {
        proposer: false,
        acceptor: true,
        replica: false,
    };
    /// A proposer that also learns and applies (the seed layout's proposers).
    pub const PROPOSER_REPLICA: Roles = Roles {
        proposer: true,
        acceptor: false,
        replica: true,
    };

    /// No role: a node that is not a member of a configuration.
    pub const NONE: Roles = Roles {
        proposer: false,
        acceptor: false,
        replica: false,
    };

    /// The role names, for JSON and the page.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.proposer {
            v.push("proposer");
        }
        if self.acceptor {
            v.push("acceptor");
        }
        if self.replica {
            v.push("replica");
        }
        v
    }
}

/// Rule 12 (reads): how the leader answers a `get`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize, FromJson,
)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ReadMode {
    /// Through the log, like any command: chosen in a slot, answered once applied.
    #[default]
    Log,
    /// From the leader's own store while it holds a lease granted by a phase-2 quorum,
    /// without a round of the log; through the log otherwise.
    Lease,
}

impl ReadMode {
    /// Whether this is the default mode (the config's JSON leaves it out).
    pub fn is_log(&self) -> bool {
        *self == ReadMode::Log
    }
}

/// One node of the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NodeSpec {
    /// Its id (unique, from 1).
    pub id: NodeId,
    /// What it does.
    pub roles: Roles,
}

/// The largest clock drift the lease allows for: 20 % of the true rate.
pub const MAX_DRIFT_PER_MILLE: u32 = 200;

/// Protocol configuration shared by every node of a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The nodes and their roles.
    pub nodes: Vec<NodeSpec>,
    /// Rule 5: at most this many proposed-but-undecided slots at a time (pipelining).
    pub window: u64,
    /// Rule 5: at most this many client commands batched into one slot.
    pub batch: usize,
    /// Rule 10: a replica snapshots its state every this many applied slots (0 = never).
    #[serde(alias = "snapshot_interval")]
    pub snapshot_interval_slots: u64,
    /// Rule 7: ticks without hearing from a leader before a proposer starts phase 1.
    /// The world adds a random jitter of up to the same amount.
    #[serde(alias = "election_timeout")]
    pub election_timeout_ticks: u64,
    /// Rule 7: ticks between a leader's heartbeats.
    #[serde(alias = "heartbeat_interval")]
    pub heartbeat_interval_ticks: u64,
    /// Rule 9: at most this many decided entries in one catch-up reply.
    pub catchup_batch: usize,
    /// Rule 12 (flexible quorums): acceptors in a phase-1 quorum; `None` = a majority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase1_quorum: Option<usize>,
    /// Rule 12 (flexible quorums): acceptors in a phase-2 quorum; `None` = a majority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase2_quorum: Option<usize>,
    /// Rule 12 (reads): how `get` is answered.
    pub read_mode: ReadMode,
    /// Rule 12 (leases): an acceptor that grants a lease promises no other ballot for this
    /// many ticks of its own clock.
    pub lease_ticks: u64,
    /// Rule 12 (leases): the bound on clock drift, in per mille of the true rate, that the
    /// lease allows for (the simulator drifts each node's clock within it).
    pub clock_drift_per_mille: u32,
    /// Injected bugs (all off for the correct protocol).
    pub bugs: BugSet,
}

impl Default for Config {
    fn default() -> Self {
        Config::servers(5)
    }
}

impl Config {
    /// The usual layout: `n` servers, each proposer + acceptor + replica.
    pub fn servers(n: u32) -> Self {
        Config {
            nodes: (1..=n)
                .map(|id| NodeSpec {
                    id,
                    roles: Roles::SERVER,
                })
                .collect(),
            window: 8,
            batch: 1,
            snapshot_interval_slots: 64,
            election_timeout_ticks: 10,
            heartbeat_interval_ticks: 3,
            catchup_batch: 64,
            phase1_quorum: None,
            phase2_quorum: None,
            read_mode: ReadMode::Log,
            lease_ticks: 20,
            clock_drift_per_mille: 0,
            bugs: BugSet::default(),
        }
    }

    /// The seed program's layout: acceptors 1–5 and proposers 6 and 7 (which also learn).
    pub fn seed_layout() -> Self {
        let mut c = Config::servers(0);
        c.nodes = (1..=5)
            .map(|id| NodeSpec {
                id,
                roles: Roles::ACCEPTOR,
            })
            .chain((6..=7).map(|id| NodeSpec {
                id,
                roles: Roles::PROPOSER_REPLICA,
            }))
            .collect();
        c
    }

    /// Checks that the configuration can run; the error says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.nodes.is_empty() || self.nodes.len() > 16 {
            return Err(format!(
                "a cluster has 1 to 16 nodes, not {}",
                self.nodes.len()
            ));
        }
        check_node_specs(&self.nodes)?;
        if self.acceptors().is_empty() || self.proposers().is_empty() {
            return Err("a cluster needs at least one acceptor and one proposer".into());
        }
        let check = |name: &str, v: u64, lo: u64, hi: u64| {
            if v < lo || v > hi {
                Err(format!("{name} must be between {lo} and {hi}, not {v}"))
            } else {
                Ok(())
            }
        };
        check("window", self.window, 1, 1024)?;
        check("batch", self.batch as u64, 1, 1024)?;
        check(
            "snapshot_interval_slots",
            self.snapshot_interval_slots,
            0,
            1 << 32,
        )?;
        check(
            "election_timeout_ticks",
            self.election_timeout_ticks,
            2,
            1000,
        )?;
        check(
            "heartbeat_interval_ticks",
            self.heartbeat_interval_ticks,
            1,
            1000,
        )?;
        check("catchup_batch", self.catchup_batch as u64, 1, 1 << 20)?;
        if self.heartbeat_interval_ticks >= self.election_timeout_ticks {
            return Err(
                "heartbeat_interval_ticks must be shorter than election_timeout_ticks".into(),
            );
        }
        self.asked_quorums()?;
        check(
            "clock_drift_per_mille",
            self.clock_drift_per_mille as u64,
            0,
            MAX_DRIFT_PER_MILLE as u64,
        )?;
        check("lease_ticks", self.lease_ticks, 2, 1000)?;
        if self.read_mode == ReadMode::Lease && self.leader_lease_ticks() == 0 {
            return Err(format!(
                "lease_ticks {} is too short for a clock drift of {} per mille: the leader \
                 could count on no tick of it",
                self.lease_ticks, self.clock_drift_per_mille
            ));
        }
        Ok(())
    }

    /// The roles of node `id` (no roles if it is not in the cluster).
    pub fn roles(&self, id: NodeId) -> Roles {
        self.nodes
            .iter()
            .find(|n| n.id == id)
            .map_or(Roles::NONE, |n| n.roles)
    }

    fn ids_where(&self, f: impl Fn(&Roles) -> bool) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|n| f(&n.roles))
            .map(|n| n.id)
            .collect()
    }

    /// Every acceptor's id.
    pub fn acceptors(&self) -> Vec<NodeId> {
        self.ids_where(|r| r.acceptor)
    }

    /// Every proposer's id.
    pub fn proposers(&self) -> Vec<NodeId> {
        self.ids_where(|r| r.proposer)
    }

    /// Every replica's id.
    pub fn replicas(&self) -> Vec<NodeId> {
        self.ids_where(|r| r.replica)
    }

    /// Every node's id.
    pub fn node_ids(&self) -> Vec<NodeId> {
        self.nodes.iter().map(|n| n.id).collect()
    }

    /// The quorum sizes as configured (rule 12), before any bug bends them; an error if
    /// they do not fit the acceptors or do not intersect (and the bug that allows that is off).
    pub fn asked_quorums(&self) -> Result<Quorums, String> {
        let acceptors = self.nodes.iter().filter(|n| n.roles.acceptor).count();
        Quorums::sized(
            acceptors,
            self.phase1_quorum,
            self.phase2_quorum,
            self.bug(Bug::NonIntersectingQuorums),
        )
    }

    /// The quorum sizes every node counts with (rules 4, 6 and 12): as configured (majorities
    /// by default), one smaller each with the `small-quorum` bug, and with the
    /// `non-intersecting-quorums` bug a phase-2 quorum of at most n − |Q1|, so the two
    /// phases' quorums need not meet.
    pub fn quorums(&self) -> Quorums {
        // Counted, not collected: this runs on every Accepted and Promise.
        let acceptors = self.nodes.iter().filter(|n| n.roles.acceptor).count();
        self.quorums_for(acceptors)
    }

    /// Rule 12: the quorum sizes of a configuration with `acceptors` acceptors: the sizes
    /// asked for (`phase1_quorum`, `phase2_quorum`, majorities if unset) in every
    /// configuration — the world refuses a reconfiguration they do not fit — bent by the
    /// quorum bugs.
    pub fn quorums_for(&self, acceptors: usize) -> Quorums {
        let mut q = Quorums::sized(acceptors, self.phase1_quorum, self.phase2_quorum, true)
            .unwrap_or_else(|_| Quorums::majority(acceptors));
        if self.bugs.has(Bug::SmallQuorum) {
            q.phase1 = (q.phase1 - 1).max(1);
            q.phase2 = (q.phase2 - 1).max(1);
        }
        if self.bugs.has(Bug::NonIntersectingQuorums) {
            q.phase2 = q.phase2.min(acceptors.saturating_sub(q.phase1)).max(1);
        }
        q
    }

    /// Rule 12 (leases): how many ticks of its own clock a leader may count on a lease after
    /// it asked for it. Grants run `lease_ticks` on each acceptor's clock from when the
    /// request arrives; clocks run at 1 ± ε of the true rate and tick in whole ticks, so
    /// the leader keeps ⌊(D − 1)(1 − ε)/(1 + ε)⌋ − 1: then its lease always ends before
    /// any granting acceptor may promise another ballot.
    pub fn leader_lease_ticks(&self) -> u64 {
        let e = self.clock_drift_per_mille as u64;
        let d = self.lease_ticks.saturating_sub(1);
        (d * (1000 - e) / (1000 + e)).saturating_sub(1)
    }

    /// Whether `bug` is switched on.
    pub fn bug(&self, bug: Bug) -> bool {
        self.bugs.has(bug)
    }
}

/// Bad input, for the initial configuration and any later one (rule 12): node ids are
/// unique and at least 1, and every proposer is also a replica (it learns the log it leads).
pub fn check_node_specs(nodes: &[NodeSpec]) -> Result<(), String> {
    for (i, n) in nodes.iter().enumerate() {
        if n.id == 0 || nodes[..i].iter().any(|m| m.id == n.id) {
            return Err(format!(
                "node ids must be unique and at least 1 (got {})",
                n.id
            ));
        }
        if n.roles.proposer && !n.roles.replica {
            return Err(format!(
                "node {} is a proposer, so it must also be a replica",
                n.id
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_valid_and_quorum_follows_acceptor_count() {
        for n in 3..=9 {
            let c = Config::servers(n);
            c.validate().unwrap();
            assert_eq!(c.quorums(), Quorums::majority(n as usize));
            assert_eq!(c.quorums().phase2, n as usize / 2 + 1);
        }
        let seed = Config::seed_layout();
        seed.validate().unwrap();
        assert_eq!(seed.acceptors(), vec![1, 2, 3, 4, 5]);
        assert_eq!(seed.proposers(), vec![6, 7]);
        assert_eq!(seed.quorums().phase1, 3);
    }

    #[test]
    fn bad_configurations_are_refused_with_a_reason() {
        let mut c = Config::servers(3);
        c.window = 0;
        assert!(c.validate().unwrap_err().contains("window"));
        let mut c = Config::servers(3);
        c.nodes[0].roles.replica = false;
        assert!(c.validate().unwrap_err().contains("replica"));
        let mut c = Config::servers(3);
        c.nodes[1].id = 1;
        assert!(c.validate().unwrap_err().contains("unique"));
    }

    #[test]
    fn quorum_sizes_are_configuration_and_bugs_bend_them() {
        let mut c = Config::servers(5);
        c.phase1_quorum = Some(4);
        c.phase2_quorum = Some(2);
        c.validate().unwrap();
        assert_eq!((c.quorums().phase1, c.quorums().phase2), (4, 2));
        c.phase1_quorum = Some(3);
        let err = c.validate().unwrap_err();
        assert!(err.contains("must be more than the 5 acceptors"), "{err}");
        c.bugs.set(Bug::NonIntersectingQuorums, true);
        c.validate().unwrap();
        assert_eq!((c.quorums().phase1, c.quorums().phase2), (3, 2));
        // With majorities asked for, the bug shrinks phase 2 to n - |Q1|.
        let mut c = Config::servers(5);
        c.bugs.set(Bug::NonIntersectingQuorums, true);
        assert_eq!((c.quorums().phase1, c.quorums().phase2), (3, 2));
        assert!(!c.quorums().intersect());
        assert_eq!(c.asked_quorums().unwrap().chosen_at(), 3);
        let mut c = Config::servers(5);
        c.bugs.set(Bug::SmallQuorum, true);
        assert_eq!((c.quorums().phase1, c.quorums().phase2), (2, 2));
    }
}
