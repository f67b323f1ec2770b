//! The simulated network: every in-flight message is an object with a stable id that can
//! be delivered, dropped or duplicated next, in any order; nodes can be partitioned.
use crate::json::ToJson;
use crate::paxos::{Addr, Envelope, NodeId};
use crate::vec_map::VecMap;
use serde::Serialize;
use std::rc::Rc;

/// A message on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
pub struct InFlight {
    /// Stable id, unique within a run.
    pub id: u64,
    /// The message with its sender and recipient, behind a pointer: the scheduler takes
    /// messages from anywhere in the list, and moving a pointer along is cheaper than
    /// moving the envelope; shared, so a clone of the world (the explorer makes one per
    /// move it tries) copies no message.
    pub env: Rc<Envelope>,
    /// The tick from which the scheduler may deliver it (a person may deliver it earlier).
    pub deliver_at: u64,
}

/// Messages in flight and the partition between nodes.
#[derive(Clone, Debug, Default)]
pub struct Network {
    next_id: u64,
    /// In-flight messages, oldest first.
    pub messages: Vec<InFlight>,
    /// Partition group of each node (absent = group 0). Clients reach every node.
    pub groups: VecMap<NodeId, u32>,
}

impl Network {
    /// Puts a message in flight and returns its id.
    pub fn push(&mut self, env: Envelope, deliver_at: u64) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        self.messages.push(InFlight {
            id,
            env: Rc::new(env),
            deliver_at,
        });
        id
    }

    /// The message with `id`, if in flight.
    pub fn get(&self, id: u64) -> Option<&InFlight> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// Removes and returns the message with `id`.
    pub fn take(&mut self, id: u64) -> Option<InFlight> {
        let i = self.messages.iter().position(|m| m.id == id)?;
        Some(self.messages.remove(i))
    }

    /// How many messages the scheduler may deliver at tick `now`.
    pub fn deliverable_count(&self, now: u64) -> usize {
        self.messages.iter().filter(|m| m.deliver_at <= now).count()
    }

    /// The id of the `n`-th message deliverable at `now`, oldest first.
    pub fn nth_deliverable(&self, now: u64, n: usize) -> Option<u64> {
        self.messages
            .iter()
            .filter(|m| m.deliver_at <= now)
            .nth(n)
            .map(|m| m.id)
    }

    /// Partition group of an address (clients are on every side: group `None`).
    pub fn group(&self, a: Addr) -> Option<u32> {
        match a {
            Addr::Node(n) => Some(self.groups.get(&n).copied().unwrap_or(0)),
            Addr::Client(_) => None,
        }
    }

    /// Whether a message from `a` can reach `b` under the current partition.
    pub fn connected(&self, a: Addr, b: Addr) -> bool {
        match (self.group(a), self.group(b)) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
    }

    /// Splits nodes into `groups` (1, 2, ...); every node not listed is put in group 0.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        self.groups.clear();
        for (i, g) in groups.iter().enumerate() {
            for n in g {
                self.groups.insert(*n, i as u32 + 1);
            }
        }
    }

    /// Removes every partition.
    pub fn heal(&mut self) {
        self.groups.clear();
    }

    /// Removes every message addressed to `node` (its inbox is lost when it crashes);
    /// returns them.
    pub fn drop_inbox(&mut self, node: NodeId) -> Vec<InFlight> {
        let (lost, kept) = std::mem::take(&mut self.messages)
            .into_iter()
            .partition(|m| m.env.to == Addr::Node(node));
        self.messages = kept;
        lost
    }
}
