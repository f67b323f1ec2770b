//! Simulated clients: submit put/get/cas commands one at a time, wait, retry with the same
//! (client id, sequence number), and follow leader hints.
use crate::kv::{ClientId, Op};
use crate::paxos::NodeId;
use serde::Serialize;
use std::collections::VecDeque;

/// A command the client is waiting on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pending {
    /// Its sequence number.
    pub seq: u64,
    /// The operation.
    pub op: Op,
    /// History time it was first sent.
    pub invoked_at: u64,
    /// Index of its entry in the history.
    #[serde(skip)]
    pub history_index: usize,
    /// How many times it was sent.
    pub attempts: u32,
}

/// One client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Client {
    /// Its id.
    pub id: ClientId,
    /// The node it sends to next.
    pub target: NodeId,
    /// The command in progress.
    pub pending: Option<Pending>,
    /// Sequence number of its next new command.
    #[serde(skip)]
    pub next_seq: u64,
    /// Commands still to submit (scripted or typed by a person).
    pub queue: VecDeque<Op>,
    /// Random commands still to generate.
    pub random_left: u32,
    /// Commands answered so far.
    pub completed: u64,
}

impl Client {
    /// A fresh client that first talks to `target`.
    pub fn new(id: ClientId, target: NodeId, script: Vec<Op>, random_ops: u32) -> Self {
        Client {
            id,
            target,
            pending: None,
            next_seq: 1,
            queue: script.into(),
            random_left: random_ops,
            completed: 0,
        }
    }

    /// Whether it has nothing in progress and nothing left to do.
    pub fn is_done(&self) -> bool {
        self.pending.is_none() && self.queue.is_empty() && self.random_left == 0
    }

    /// Picks the next node to try after a timeout: the next proposer after the current one.
    pub fn rotate_target(&mut self, proposers: &[NodeId]) {
        let i = proposers
            .iter()
            .position(|p| *p == self.target)
            .map_or(0, |i| i + 1);
        self.target = proposers[i % proposers.len()];
    }
}
