//! The simulated network: every in-flight message is an object with a stable id that can
//! be delivered, dropped or duplicated next, in any order; nodes can be partitioned.
use super::reused::Reused;
use crate::json::ToJson;
use crate::paxos::{Addr, Envelope, Message, NodeId};
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
    messages: Vec<InFlight>,
    /// Partition group of each node (absent = group 0). Clients reach every node.
    pub groups: VecMap<NodeId, u32>,
    /// What the scheduler asks at every step, kept as messages come and go and brought up
    /// to date when time moved ([`Network::deliverable_count`]): how many messages are due
    /// after tick `counted_at`, and the place of the first of them (the length when none
    /// is). Every message before that place is due, so the scheduler's pick among the due
    /// messages is mostly an index, not a walk along the list.
    later: usize,
    first_later: usize,
    counted_at: u64,
    /// Boxes of delivered messages, reused for the next messages sent.
    spare: Spare,
}

/// Empty message boxes kept for their memory (each holds [`PLACEHOLDER`], unshared): the
/// scheduler delivers about one message and sends about one per step, and reusing the box
/// saves an allocation and a free on each. A clone of the network starts with none.
type Spare = Reused<Vec<Rc<Envelope>>>;

/// At most this many spare boxes are kept.
const SPARE_MAX: usize = 64;

/// What a spare box holds (nothing to free).
const PLACEHOLDER: Envelope = Envelope {
    from: Addr::Node(0),
    to: Addr::Node(0),
    msg: Message::CatchUp { from_slot: 0 },
};

impl Network {
    /// In-flight messages, oldest first.
    pub fn messages(&self) -> &[InFlight] {
        &self.messages
    }

    /// Puts a message in flight and returns its id.
    pub fn push(&mut self, env: Envelope, deliver_at: u64) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        let env = match self.spare.0.pop() {
            Some(mut boxed) => {
                match Rc::get_mut(&mut boxed) {
                    // The placeholder owns nothing: no need to drop it.
                    Some(slot) => std::mem::forget(std::mem::replace(slot, env)),
                    None => boxed = Rc::new(env),
                }
                boxed
            }
            None => Rc::new(env),
        };
        if deliver_at > self.counted_at {
            self.later += 1;
        } else if self.first_later == self.messages.len() {
            self.first_later += 1;
        }
        self.messages.push(InFlight {
            id,
            env,
            deliver_at,
        });
        self.debug_assert_counts();
        id
    }

    /// The message with `id`, if in flight.
    pub fn get(&self, id: u64) -> Option<&InFlight> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// Where the message with `id` is in [`Network::messages`], if in flight.
    pub fn position(&self, id: u64) -> Option<usize> {
        self.messages.iter().position(|m| m.id == id)
    }

    /// Removes and returns the message with `id`.
    pub fn take(&mut self, id: u64) -> Option<InFlight> {
        let i = self.position(id)?;
        Some(self.take_at(i))
    }

    /// Removes and returns the message at place `i` of [`Network::messages`].
    pub fn take_at(&mut self, i: usize) -> InFlight {
        let m = self.messages.remove(i);
        if m.deliver_at > self.counted_at {
            self.later -= 1;
        }
        if i < self.first_later {
            self.first_later -= 1;
        } else if i == self.first_later {
            self.first_later = self.first_later_from(i);
        }
        self.debug_assert_counts();
        m
    }

    /// The envelope of a message taken off the wire: moved out of its box if no clone of
    /// the world shares it (the box is kept for a later message), else copied.
    pub fn open(&mut self, mut env: Rc<Envelope>) -> Envelope {
        match Rc::get_mut(&mut env) {
            Some(slot) => {
                let out = std::mem::replace(slot, PLACEHOLDER);
                if self.spare.0.len() < SPARE_MAX {
                    self.spare.0.push(env);
                }
                out
            }
            None => (*env).clone(),
        }
    }

    /// How many messages the scheduler may deliver at tick `now`.
    pub fn deliverable_count(&mut self, now: u64) -> usize {
        if now != self.counted_at {
            // Time only moves forward: what was due stays due.
            let from = if now > self.counted_at {
                self.first_later
            } else {
                0
            };
            self.counted_at = now;
            self.first_later = self.first_later_from(from);
            self.later = self.messages[self.first_later..]
                .iter()
                .filter(|m| m.deliver_at > now)
                .count();
            self.debug_assert_counts();
        }
        self.messages.len() - self.later
    }

    /// The place in [`Network::messages`] of the `n`-th message deliverable at `now`,
    /// oldest first (after [`Network::deliverable_count`] for the same `now`).
    pub fn nth_deliverable(&self, now: u64, n: usize) -> Option<usize> {
        debug_assert_eq!(
            now, self.counted_at,
            "deliverable messages counted at {now}"
        );
        if n < self.first_later {
            return Some(n);
        }
        self.messages[self.first_later..]
            .iter()
            .enumerate()
            .filter(|(_, m)| m.deliver_at <= now)
            .nth(n - self.first_later)
            .map(|(i, _)| self.first_later + i)
    }

    /// The place of the first message from place `from` on due after `counted_at`, or the
    /// length if none is.
    fn first_later_from(&self, from: usize) -> usize {
        let at = self.counted_at;
        self.messages[from..]
            .iter()
            .position(|m| m.deliver_at > at)
            .map_or(self.messages.len(), |i| from + i)
    }

    /// `later` and `first_later` say what they do.
    fn debug_assert_counts(&self) {
        let at = self.counted_at;
        debug_assert_eq!(
            self.later,
            self.messages.iter().filter(|m| m.deliver_at > at).count(),
            "messages due later"
        );
        debug_assert_eq!(
            self.first_later,
            self.first_later_from(0),
            "first due later"
        );
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
        let (lost, kept): (Vec<InFlight>, Vec<InFlight>) = std::mem::take(&mut self.messages)
            .into_iter()
            .partition(|m| m.env.to == Addr::Node(node));
        self.messages = kept;
        let at = self.counted_at;
        self.later -= lost.iter().filter(|m| m.deliver_at > at).count();
        self.first_later = self.first_later_from(0);
        self.debug_assert_counts();
        lost
    }
}
