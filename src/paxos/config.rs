//! Cluster configuration (rule 11): which node plays which roles, and the protocol knobs.
use super::bugs::{Bug, BugSet};
use super::quorum::{quorum_size, QuorumCount};
use super::NodeId;
use serde::{Deserialize, Serialize};

/// The roles one node plays. Any combination is allowed, except that every proposer is
/// also a replica (it needs the decided log to know where to propose and to answer clients).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// One node of the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NodeSpec {
    /// Its id (unique, from 1).
    pub id: NodeId,
    /// What it does.
    pub roles: Roles,
}

/// Protocol configuration shared by every node of a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
        for (i, n) in self.nodes.iter().enumerate() {
            if n.id == 0 || self.nodes[..i].iter().any(|m| m.id == n.id) {
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

    /// The quorum size: a majority of the acceptors (one less with the `small-quorum` bug).
    pub fn quorum(&self) -> usize {
        // Counted, not collected: this runs on every Accepted and Promise.
        let acceptors = self.nodes.iter().filter(|n| n.roles.acceptor).count();
        quorum_size(acceptors, self.bugs.has(Bug::SmallQuorum))
    }

    /// `got` answers measured against this cluster's quorum and a majority (narration).
    pub fn quorum_count(&self, got: usize) -> QuorumCount {
        let acceptors = self.nodes.iter().filter(|n| n.roles.acceptor).count();
        QuorumCount {
            got,
            acceptors,
            quorum: quorum_size(acceptors, self.bugs.has(Bug::SmallQuorum)),
        }
    }

    /// Whether `bug` is switched on.
    pub fn bug(&self, bug: Bug) -> bool {
        self.bugs.has(bug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_valid_and_quorum_follows_acceptor_count() {
        for n in 3..=9 {
            let c = Config::servers(n);
            c.validate().unwrap();
            assert_eq!(c.quorum(), n as usize / 2 + 1);
        }
        let seed = Config::seed_layout();
        seed.validate().unwrap();
        assert_eq!(seed.acceptors(), vec![1, 2, 3, 4, 5]);
        assert_eq!(seed.proposers(), vec![6, 7]);
        assert_eq!(seed.quorum(), 3);
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
}
