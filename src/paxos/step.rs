//! What crosses the sans-IO boundary (rule 11): the [`Input`] a node takes in one step and
//! the [`Ready`] it hands back — durable writes, messages, timer requests, decisions and
//! applied commands. The world does the I/O; the node only describes it.
use super::config::NodeSpec;
use super::durable::DurableWrite;
use super::event::Event;
use super::message::Envelope;
use super::value::{Command, Value};
use super::Slot;
use crate::json::read::FromJson;
use crate::json::ToJson;
use crate::kv::OpResult;
use serde::{Deserialize, Serialize};

/// A timer a node asks the world to run. Time is the world's business (no clock here).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    ToJson,
    Deserialize,
    FromJson,
)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum TimerKind {
    /// Fires when a proposer heard no leader for a while (rule 7).
    Election,
    /// Fires periodically at the leader (rule 7).
    Heartbeat,
}

/// A timer request (rule 7). The node never draws random numbers: it says how much jitter
/// it wants and the world draws it from its seeded generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
pub enum TimerCmd {
    /// Fire `kind` after `after` ticks plus a uniform random 0..=`jitter` ticks, replacing
    /// any pending timer of that kind.
    Set {
        /// Which timer.
        kind: TimerKind,
        /// Base delay in ticks.
        after: u64,
        /// Maximum extra random delay in ticks.
        jitter: u64,
    },
    /// Cancel the pending timer of that kind.
    Cancel {
        /// Which timer.
        kind: TimerKind,
    },
}

/// One input to a node (rule 11: a node is driven only by its inputs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
pub enum Input {
    /// A message arrived.
    Message(Envelope),
    /// A timer fired.
    Timeout(TimerKind),
    /// Rule 12: the operator asks the leader for a new configuration with these members.
    Reconfigure(Vec<NodeSpec>),
}

/// Everything a node asks the world to do after one input. The world must make `persist`
/// stable before it sends `messages` (rule 2: persist before replying).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToJson, Deserialize)]
pub struct Ready {
    /// Messages to send (never addressed to the node itself: those are handled inside).
    pub messages: Vec<Envelope>,
    /// Durable writes, in order.
    pub persist: Vec<DurableWrite>,
    /// Timers to set or cancel.
    pub timers: Vec<TimerCmd>,
    /// Slots that became known decided at this node, with their values.
    pub decided: Vec<(Slot, Value)>,
    /// Commands the replica applied, in order.
    pub applied: Vec<Applied>,
    /// What happened, for people.
    pub events: Vec<Event>,
}

impl Ready {
    /// Whether every list is empty.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
            && self.persist.is_empty()
            && self.timers.is_empty()
            && self.decided.is_empty()
            && self.applied.is_empty()
            && self.events.is_empty()
    }

    /// Empties every list, keeping their memory for the next step.
    pub fn clear(&mut self) {
        self.messages.clear();
        self.persist.clear();
        self.timers.clear();
        self.decided.clear();
        self.applied.clear();
        self.events.clear();
    }
}

/// One command a replica applied (or recognised as a duplicate) at a slot (rules 6 and 8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
pub struct Applied {
    /// The slot it was decided in.
    pub slot: Slot,
    /// The value decided in that slot (shared with the log, not copied).
    pub value: Value,
    /// Which command of the value's batch this is (see [`Applied::command`]).
    pub index: usize,
    /// Its result (the cached one for a duplicate).
    pub result: OpResult,
    /// False when the session table recognised a retry and the store was not touched.
    pub executed: bool,
}

impl Applied {
    /// The command that was applied.
    pub fn command(&self) -> &Command {
        &self.value.commands()[self.index]
    }
}
