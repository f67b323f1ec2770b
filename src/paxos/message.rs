//! Protocol messages. Each doc comment says who sends it and when.
use super::ballot::Ballot;
use super::durable::Snapshot;
use super::value::{Command, Value};
use super::{NodeId, Slot};
use crate::json::ToJson;
use crate::kv::{ClientId, OpResult};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a message comes from or goes to: a cluster node or a client.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToJson, Deserialize,
)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Addr {
    /// A node of the cluster.
    Node(NodeId),
    /// A client of the key-value store.
    Client(ClientId),
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Node(n) => write!(f, "n{n}"),
            Addr::Client(c) => write!(f, "c{c}"),
        }
    }
}

/// One accepted value as an acceptor reports it in a Promise.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AcceptedEntry {
    /// The slot.
    pub slot: Slot,
    /// The highest ballot in which the acceptor accepted a value for it.
    pub ballot: Ballot,
    /// The value accepted in that ballot.
    pub value: Value,
}

/// A message of the protocol or of the client interface.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type")]
pub enum Message {
    /// Phase 1a, sent by a proposer to every acceptor when it starts an election: "promise
    /// me `ballot`, and tell me what you accepted from `from_slot` on" (rule 4).
    Prepare {
        /// The new ballot.
        ballot: Ballot,
        /// The proposer's first slot not known decided; the promise covers every later slot.
        from_slot: Slot,
    },
    /// Phase 1b, sent by an acceptor in reply to a Prepare it promised.
    Promise {
        /// The ballot promised.
        ballot: Ballot,
        /// Slots below this were compacted away: they are chosen, the acceptor kept no value.
        truncated_below: Slot,
        /// Per slot from `from_slot`, the highest-ballot value this acceptor accepted.
        accepted: Vec<AcceptedEntry>,
    },
    /// Phase 2a, sent by the leader to every acceptor for each slot it proposes; it also
    /// carries the leader's commit knowledge (rule 6) so no separate decision is needed.
    Accept {
        /// The leader's ballot.
        ballot: Ballot,
        /// The slot.
        slot: Slot,
        /// The proposed value.
        value: Value,
        /// Every slot below this is decided at the leader.
        commit_index: Slot,
        /// Every slot below this is snapshotted at the leader: acceptors may drop it.
        safe_point: Slot,
    },
    /// Phase 2b, sent by an acceptor to the leader when it accepted `slot` in `ballot`.
    Accepted {
        /// The ballot accepted.
        ballot: Ballot,
        /// The slot.
        slot: Slot,
    },
    /// Sent by an acceptor that refused a Prepare or Accept because it promised higher.
    Nack {
        /// The refused ballot.
        ballot: Ballot,
        /// The acceptor's promise, so the proposer steps down and picks a higher round.
        promised: Ballot,
    },
    /// Sent by the leader to every other node each heartbeat interval (rule 7): keeps
    /// followers from starting elections and carries commit knowledge (rule 6).
    Heartbeat {
        /// The leader's ballot.
        ballot: Ballot,
        /// Every slot below this is decided at the leader.
        commit_index: Slot,
        /// Every slot below this is snapshotted at the leader.
        safe_point: Slot,
        /// Rule 12 (leases): in lease read mode, the leader's lease round: an acceptor
        /// answers with a LeaseGrant for it. Absent in log read mode.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        lease_round: Option<u64>,
    },
    /// Rule 12 (leases): sent by an acceptor in reply to a Heartbeat that asks for a lease
    /// (`lease_round`) in a ballot it may accept: it promises no other ballot for
    /// `lease_ticks` of its own clock.
    LeaseGrant {
        /// The leader's ballot.
        ballot: Ballot,
        /// The lease round granted.
        round: u64,
    },
    /// Sent by a replica that lags behind the commit index (rule 9): "send me what is
    /// decided from `from_slot` on".
    CatchUp {
        /// The requester's first slot not known decided.
        from_slot: Slot,
    },
    /// Reply to CatchUp: only the missing decided entries (rule 9), at most `catchup_batch`.
    CatchUpReply {
        /// Decided (slot, value) pairs, in slot order.
        entries: Vec<(Slot, Value)>,
        /// The sender's commit index, so the requester knows whether to ask again.
        commit_index: Slot,
    },
    /// Reply to CatchUp when the requester is behind the sender's compaction point
    /// (rule 10): the whole key-value state up to `snapshot.index`.
    InstallSnapshot {
        /// The snapshot.
        snapshot: Snapshot,
    },
    /// A client command, sent by a client to a node, or forwarded once by a non-leader to
    /// the leader it knows (rule 8).
    Request {
        /// The command.
        command: Command,
        /// True once forwarded, so it is never forwarded again.
        forwarded: bool,
    },
    /// The answer to a client's command, sent by the leader's replica once applied.
    Reply {
        /// The command's sequence number.
        seq: u64,
        /// Its result.
        result: OpResult,
    },
    /// Sent to a client by a node that is not the leader and cannot forward.
    NotLeader {
        /// The command's sequence number.
        seq: u64,
        /// The leader this node believes in, if any.
        hint: Option<NodeId>,
    },
}

impl Message {
    /// Every message type name, in the order of [`Message::kind_index`].
    pub const KINDS: [&'static str; 13] = [
        "Prepare",
        "Promise",
        "Accept",
        "Accepted",
        "Nack",
        "Heartbeat",
        "LeaseGrant",
        "CatchUp",
        "CatchUpReply",
        "InstallSnapshot",
        "Request",
        "Reply",
        "NotLeader",
    ];

    /// The message's type name, as shown on the page and counted in stats.
    pub fn kind(&self) -> &'static str {
        Self::KINDS[self.kind_index()]
    }

    /// The place of the message's type in [`Message::KINDS`] (the trace digest keeps a
    /// table per type).
    pub fn kind_index(&self) -> usize {
        match self {
            Message::Prepare { .. } => 0,
            Message::Promise { .. } => 1,
            Message::Accept { .. } => 2,
            Message::Accepted { .. } => 3,
            Message::Nack { .. } => 4,
            Message::Heartbeat { .. } => 5,
            Message::LeaseGrant { .. } => 6,
            Message::CatchUp { .. } => 7,
            Message::CatchUpReply { .. } => 8,
            Message::InstallSnapshot { .. } => 9,
            Message::Request { .. } => 10,
            Message::Reply { .. } => 11,
            Message::NotLeader { .. } => 12,
        }
    }

    /// The ballot the message carries, if any: seeing a higher one makes a proposer step down.
    pub fn ballot(&self) -> Option<Ballot> {
        match self {
            Message::Prepare { ballot, .. }
            | Message::Promise { ballot, .. }
            | Message::Accept { ballot, .. }
            | Message::Accepted { ballot, .. }
            | Message::Heartbeat { ballot, .. }
            | Message::LeaseGrant { ballot, .. } => Some(*ballot),
            Message::Nack { promised, .. } => Some(*promised),
            _ => None,
        }
    }

    /// Whether this is client traffic rather than protocol traffic.
    pub fn is_client_traffic(&self) -> bool {
        matches!(
            self,
            Message::Request { .. } | Message::Reply { .. } | Message::NotLeader { .. }
        )
    }

    /// A short readable label, e.g. `Accept b=2.1 slot 7 put x=ninja`.
    pub fn label(&self) -> String {
        match self {
            Message::Prepare { ballot, from_slot } => {
                format!("Prepare b={ballot} from slot {from_slot}")
            }
            Message::Promise {
                ballot, accepted, ..
            } => {
                if accepted.is_empty() {
                    format!("Promise b={ballot} (nothing accepted)")
                } else {
                    format!("Promise b={ballot} with {} accepted", accepted.len())
                }
            }
            Message::Accept {
                ballot,
                slot,
                value,
                ..
            } => format!("Accept b={ballot} slot {slot} {value}"),
            Message::Accepted { ballot, slot } => format!("Accepted b={ballot} slot {slot}"),
            Message::Nack { ballot, promised } => format!("Nack b={ballot} (promised {promised})"),
            Message::Heartbeat {
                ballot,
                commit_index,
                lease_round: None,
                ..
            } => format!("Heartbeat b={ballot} commit {commit_index}"),
            Message::Heartbeat {
                ballot,
                commit_index,
                lease_round: Some(round),
                ..
            } => format!("Heartbeat b={ballot} commit {commit_index} lease #{round}"),
            Message::LeaseGrant { ballot, round } => format!("LeaseGrant b={ballot} #{round}"),
            Message::CatchUp { from_slot } => format!("CatchUp from slot {from_slot}"),
            Message::CatchUpReply { entries, .. } => match (entries.first(), entries.last()) {
                (Some(a), Some(b)) => format!("CatchUpReply slots {}–{}", a.0, b.0),
                _ => "CatchUpReply (empty)".into(),
            },
            Message::InstallSnapshot { snapshot } => {
                format!("InstallSnapshot up to slot {}", snapshot.index)
            }
            Message::Request { command, .. } => {
                format!("Request c{}#{} {}", command.client, command.seq, command.op)
            }
            Message::Reply { seq, result } => format!("Reply #{seq} {result}"),
            Message::NotLeader { seq, hint } => match hint {
                Some(h) => format!("NotLeader #{seq} (try n{h})"),
                None => format!("NotLeader #{seq}"),
            },
        }
    }
}

/// A message with its sender and recipient.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
pub struct Envelope {
    /// Sender.
    pub from: Addr,
    /// Recipient.
    pub to: Addr,
    /// The message.
    pub msg: Message,
}
