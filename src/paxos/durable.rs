//! Durable state (rule 2: persist before replying). A crash keeps exactly this; everything
//! else a node holds is volatile. Changes travel as [`DurableWrite`]s that the world must
//! make stable before it sends the messages of the same step.
use super::ballot::Ballot;
use super::membership::ConfigHistory;
use super::value::Value;
use super::Slot;
use crate::json::ToJson;
use crate::kv::{ClientId, KvStore, OpResult};
use crate::vec_map::VecMap;
use serde::{Deserialize, Serialize};

/// The last command a client had applied and its answer (rule 8: the session table).
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Session {
    /// The client's highest applied sequence number.
    pub seq: u64,
    /// Its result, returned again to a retry.
    pub result: OpResult,
}

/// The replicated state up to a slot (rule 10): what compaction keeps instead of the log.
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Snapshot {
    /// Every slot below this is reflected in the state.
    pub index: Slot,
    /// The key-value store.
    pub kv: KvStore,
    /// The session table (needed so retries after the snapshot are still answered once).
    pub sessions: VecMap<ClientId, Session>,
    /// Rule 12: the configurations decided up to `index` and the first slot each governs.
    #[serde(default, skip_serializing_if = "is_initial")]
    #[cfg_attr(
        test,
        ts(as = "Option<Vec<super::membership::ConfigChange>>", optional)
    )]
    pub configs: ConfigHistory,
}

fn is_initial(h: &ConfigHistory) -> bool {
    h.changes().is_empty()
}

/// What an acceptor must never forget.
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
pub struct AcceptorDurable {
    /// The highest ballot promised (rule 2).
    pub promised: Option<Ballot>,
    /// Per slot, only the highest-ballot accepted value (rule 3).
    pub accepted: VecMap<Slot, (Ballot, Value)>,
    /// Entries below this slot were dropped by compaction (rule 10).
    pub truncated_below: Slot,
}

/// What a proposer must never forget: the highest round it used, so a restart never
/// reuses a ballot (rule 1).
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProposerDurable {
    /// The highest round this proposer has started phase 1 with.
    pub max_round: u64,
}

/// What a replica keeps across crashes: its latest snapshot (rule 10).
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReplicaDurable {
    /// The key-value state and session table up to `snapshot.index`.
    pub snapshot: Snapshot,
}

/// Everything durable on one node, per role.
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
pub struct DurableState {
    /// Present if the node is an acceptor.
    pub acceptor: Option<AcceptorDurable>,
    /// Present if the node is a proposer.
    pub proposer: Option<ProposerDurable>,
    /// Present if the node is a replica.
    pub replica: Option<ReplicaDurable>,
}

/// One change to durable state, to be made stable before the step's messages are sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
#[serde(tag = "write")]
pub enum DurableWrite {
    /// The acceptor promised this ballot.
    Promise {
        /// The ballot.
        ballot: Ballot,
    },
    /// The acceptor accepted `value` for `slot` in `ballot`.
    Accept {
        /// The slot.
        slot: Slot,
        /// The ballot.
        ballot: Ballot,
        /// The value.
        value: Value,
    },
    /// The acceptor dropped every entry below `slot`.
    Truncate {
        /// First slot kept.
        slot: Slot,
    },
    /// The proposer started phase 1 with this round.
    ProposerRound {
        /// The round.
        round: u64,
    },
    /// The replica took or installed a snapshot.
    Snapshot {
        /// The snapshot.
        snapshot: Snapshot,
    },
}

impl DurableState {
    /// Applies one write. Nodes and the world's disks both use this, so they agree.
    pub fn apply(&mut self, write: &DurableWrite) {
        match write {
            DurableWrite::Promise { ballot } => {
                self.acceptor.get_or_insert_with(Default::default).promised = Some(*ballot);
            }
            DurableWrite::Accept {
                slot,
                ballot,
                value,
            } => {
                let a = self.acceptor.get_or_insert_with(Default::default);
                a.accepted.insert(*slot, (*ballot, value.clone()));
            }
            DurableWrite::Truncate { slot } => {
                let a = self.acceptor.get_or_insert_with(Default::default);
                if *slot > a.truncated_below {
                    a.truncated_below = *slot;
                    a.accepted.remove_below(slot);
                }
                debug_assert!(a
                    .accepted
                    .keys()
                    .next()
                    .is_none_or(|s| *s >= a.truncated_below));
            }
            DurableWrite::ProposerRound { round } => {
                self.proposer.get_or_insert_with(Default::default).max_round = *round;
            }
            DurableWrite::Snapshot { snapshot } => {
                self.replica.get_or_insert_with(Default::default).snapshot = snapshot.clone();
            }
        }
    }
}
