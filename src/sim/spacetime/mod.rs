//! The space-time record of a run (Lamport's diagram): every message from its send to its
//! end (delivered, dropped, lost), and what happened on each lane (a node or a client):
//! sends, receives, crashes, restarts, elections and decisions, in the order they happened.
//! Built from the world's events, only for runs the page draws; `causal` derives the
//! happens-before relation from it, and `view::spacetime` cuts windows of it for the page.
pub mod causal;
mod chunks;

pub use chunks::Chunks;

use super::event::WorldEvent;
use crate::json::ToJson;
use crate::paxos::event::Event;
use crate::paxos::{Addr, NodeId};
use crate::vec_map::{VecMap, VecSet};
use serde::Serialize;
use std::sync::Arc;

/// Steps between stored sets of the messages in flight (the diagram's window queries start
/// from the nearest one).
pub const OPEN_MARK_INTERVAL: u64 = 1024;

/// What happened on a lane. Send and receive are Lamport's message events; the others are
/// local events the diagram marks (rule 7 elections, rule 6 decisions, crashes, clients).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum LaneEventKind {
    /// The lane put a message on the wire.
    Send,
    /// A message reached the lane and was handled.
    Receive,
    /// The node crashed (its volatile state and inbound messages are lost).
    Crash,
    /// The node restarted from its disk.
    Restart,
    /// Rule 7: the proposer started an election (phase 1) with a new ballot.
    Election,
    /// Rule 4: the proposer won a quorum of promises and leads.
    Elected,
    /// Rule 6: slots became known decided at this node.
    Decided,
    /// Rule 8: the client sent a new command.
    Submit,
    /// Rule 8: the client got the answer to its command.
    Answer,
}

impl LaneEventKind {
    /// Every kind, in the order the diagram's legend lists them.
    pub const ALL: [LaneEventKind; 9] = [
        LaneEventKind::Send,
        LaneEventKind::Receive,
        LaneEventKind::Crash,
        LaneEventKind::Restart,
        LaneEventKind::Election,
        LaneEventKind::Elected,
        LaneEventKind::Decided,
        LaneEventKind::Submit,
        LaneEventKind::Answer,
    ];

    /// The name the JSON writes (`kind` of an event).
    pub fn name(self) -> &'static str {
        match self {
            LaneEventKind::Send => "send",
            LaneEventKind::Receive => "receive",
            LaneEventKind::Crash => "crash",
            LaneEventKind::Restart => "restart",
            LaneEventKind::Election => "election",
            LaneEventKind::Elected => "elected",
            LaneEventKind::Decided => "decided",
            LaneEventKind::Submit => "submit",
            LaneEventKind::Answer => "answer",
        }
    }
}

/// How a message's life ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum MessageFate {
    /// Its recipient received and handled it.
    Delivered,
    /// The network lost it (a person or the loss rate).
    Dropped,
    /// It was taken off the wire but its recipient was crashed or cut off.
    Unreachable,
    /// Its recipient crashed while it was on the way (the inbox is lost).
    Crashed,
    /// Sent across a partition: it never got on the wire.
    Partitioned,
}

impl MessageFate {
    /// Every fate, in the order the diagram's legend lists them.
    pub const ALL: [MessageFate; 5] = [
        MessageFate::Delivered,
        MessageFate::Dropped,
        MessageFate::Unreachable,
        MessageFate::Crashed,
        MessageFate::Partitioned,
    ];

    /// The name the JSON writes (`end.fate` of a message).
    pub fn name(self) -> &'static str {
        match self {
            MessageFate::Delivered => "delivered",
            MessageFate::Dropped => "dropped",
            MessageFate::Unreachable => "unreachable",
            MessageFate::Crashed => "crashed",
            MessageFate::Partitioned => "partitioned",
        }
    }
}

/// One event on a lane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LaneEvent {
    /// Its place in the run's order of events (0, 1, ...).
    pub index: u32,
    /// The step it happened in (0: while the world started).
    pub step: u64,
    /// The node or client it happened at.
    pub lane: Addr,
    /// What happened.
    pub kind: LaneEventKind,
    /// For a send or receive: the message's place in `messages` (its trace index).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub message: Option<u32>,
    /// What it was, in words (none for sends and receives: the message says it).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
}

/// The end of a message's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MessageEnd {
    /// The step it ended in.
    pub step: u64,
    /// How.
    pub fate: MessageFate,
    /// The receive event, if it was delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub event: Option<u32>,
}

/// One message from its send to its end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MessageTrace {
    /// Its place in the run's order of messages (0, 1, ...).
    pub index: u32,
    /// Its network id (what deliver / drop / duplicate take); none if it never got on the
    /// wire (sent across a partition).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub id: Option<u64>,
    /// Its kind ("Prepare", "Accept", ...).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A one-line summary.
    pub label: String,
    /// The sender.
    pub from: Addr,
    /// The recipient.
    pub to: Addr,
    /// The step its send event happened in (the original's, for a copy).
    pub sent_step: u64,
    /// Its send event (the original's, for a copy).
    pub send_event: u32,
    /// For a duplicate: the trace index of the message it copies.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub copy_of: Option<u32>,
    /// The step it came to be: its send, or for a copy the duplication.
    pub created_step: u64,
    /// How and when it ended; none while in flight.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub end: Option<MessageEnd>,
}

/// A change of the network's partition, drawn across every lane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NetworkMark {
    /// The step it happened in.
    pub step: u64,
    /// The groups it split the nodes into (nodes not listed form one more group); none
    /// when the partition healed.
    pub groups: Option<Vec<Vec<NodeId>>>,
}

/// The space-time record of a run.
#[derive(Clone, Debug, Default)]
pub struct SpaceTime {
    step: u64,
    events: Chunks<LaneEvent>,
    messages: Chunks<MessageTrace>,
    /// Trace index of each network id (ids are 1, 2, ... in the order they are given).
    by_id: Chunks<u32>,
    /// Event indices of each lane, in order.
    lanes: VecMap<Addr, Chunks<u32>>,
    network: Chunks<NetworkMark>,
    /// Trace indices of the messages in flight now.
    open: VecSet<u32>,
    /// The messages in flight at the start of every [`OPEN_MARK_INTERVAL`]-th step.
    open_marks: Chunks<(u64, Arc<Vec<u32>>)>,
}

impl SpaceTime {
    /// Records one world event.
    pub fn observe(&mut self, e: &WorldEvent) {
        match *e {
            WorldEvent::Step { step, .. } => {
                self.step = step;
                if step.is_multiple_of(OPEN_MARK_INTERVAL) {
                    let open: Vec<u32> = self.open.iter().copied().collect();
                    self.open_marks.push((step, Arc::new(open)));
                }
            }
            WorldEvent::Sent { env, id, lost } => {
                let index = self.messages.len() as u32;
                let send = self.event(env.from, LaneEventKind::Send, Some(index), None);
                let end = lost.then_some(MessageEnd {
                    step: self.step,
                    fate: MessageFate::Partitioned,
                    event: None,
                });
                self.messages.push(MessageTrace {
                    index,
                    id,
                    kind: env.msg.kind(),
                    label: env.msg.label(),
                    from: env.from,
                    to: env.to,
                    sent_step: self.step,
                    send_event: send,
                    copy_of: None,
                    created_step: self.step,
                    end,
                });
                if let Some(id) = id {
                    self.register(id, index);
                }
            }
            WorldEvent::Duplicated { id, copy, .. } => {
                let Some(original) = self.trace_of(id).cloned() else {
                    return;
                };
                let index = self.messages.len() as u32;
                self.messages.push(MessageTrace {
                    index,
                    id: Some(copy),
                    copy_of: Some(original.index),
                    created_step: self.step,
                    end: None,
                    ..original
                });
                self.register(copy, index);
            }
            WorldEvent::Delivered { env, id } => {
                let trace = self.trace_index(id);
                let receive = self.event(env.to, LaneEventKind::Receive, trace, None);
                self.end(id, MessageFate::Delivered, Some(receive));
            }
            WorldEvent::Unreachable { id, .. } => self.end(id, MessageFate::Unreachable, None),
            WorldEvent::Dropped { id, .. } => self.end(id, MessageFate::Dropped, None),
            _ => self.observe_lane(e),
        }
    }

    fn observe_lane(&mut self, e: &WorldEvent) {
        match *e {
            WorldEvent::Crashed { node, lost } => {
                self.event(
                    Addr::Node(node),
                    LaneEventKind::Crash,
                    None,
                    Some("crashed".into()),
                );
                for m in lost {
                    self.end(m.id, MessageFate::Crashed, None);
                }
            }
            WorldEvent::Restarted { node } => {
                let text = Some("restarted from its disk".into());
                self.event(Addr::Node(node.id()), LaneEventKind::Restart, None, text);
            }
            WorldEvent::Stepped { node, ready, .. } => {
                let lane = Addr::Node(node);
                for ev in &ready.events {
                    match ev {
                        Event::StartedElection { ballot } => {
                            let text = Some(format!("starts an election with b={ballot}"));
                            self.event(lane, LaneEventKind::Election, None, text);
                        }
                        Event::BecameLeader { ballot, .. } => {
                            let text = Some(format!("leads with b={ballot}"));
                            self.event(lane, LaneEventKind::Elected, None, text);
                        }
                        _ => {}
                    }
                }
                if let (Some((first, _)), Some((last, _))) =
                    (ready.decided.first(), ready.decided.last())
                {
                    let text = if first == last {
                        format!("learns slot {first} decided")
                    } else {
                        let n = ready.decided.len();
                        format!("learns slots {first}–{last} decided ({n})")
                    };
                    self.event(lane, LaneEventKind::Decided, None, Some(text));
                }
            }
            WorldEvent::Partitioned { groups } => self.mark(Some(groups.to_vec())),
            WorldEvent::RandomPartition { side } => self.mark(Some(vec![side.to_vec()])),
            WorldEvent::Healed { .. } => self.mark(None),
            WorldEvent::CommandSubmitted { client, seq, op } => {
                let text = Some(format!("c{client}#{seq} {op}"));
                self.event(Addr::Client(client), LaneEventKind::Submit, None, text);
            }
            WorldEvent::ClientAnswered {
                client,
                seq,
                result,
                ..
            } => {
                let text = Some(format!("c{client}#{seq} answered: {result}"));
                self.event(Addr::Client(client), LaneEventKind::Answer, None, text);
            }
            _ => {}
        }
    }

    fn event(
        &mut self,
        lane: Addr,
        kind: LaneEventKind,
        message: Option<u32>,
        text: Option<String>,
    ) -> u32 {
        let index = self.events.len() as u32;
        self.events.push(LaneEvent {
            index,
            step: self.step,
            lane,
            kind,
            message,
            text,
        });
        self.lanes.entry(lane).or_default().push(index);
        index
    }

    fn mark(&mut self, groups: Option<Vec<Vec<NodeId>>>) {
        self.network.push(NetworkMark {
            step: self.step,
            groups,
        });
    }

    fn register(&mut self, id: u64, index: u32) {
        debug_assert_eq!(self.by_id.len() as u64 + 1, id, "network ids are dense");
        self.by_id.push(index);
        self.open.insert(index);
    }

    fn trace_index(&self, id: u64) -> Option<u32> {
        let i = usize::try_from(id.checked_sub(1)?).ok()?;
        self.by_id.get(i).copied()
    }

    fn trace_of(&self, id: u64) -> Option<&MessageTrace> {
        self.messages.get(self.trace_index(id)? as usize)
    }

    fn end(&mut self, id: u64, fate: MessageFate, event: Option<u32>) {
        let Some(index) = self.trace_index(id) else {
            return;
        };
        let step = self.step;
        if let Some(t) = self.messages.get_mut(index as usize) {
            t.end = Some(MessageEnd { step, fate, event });
        }
        self.open.remove(&index);
    }

    /// The last step recorded.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Every event, in order.
    pub fn events(&self) -> &Chunks<LaneEvent> {
        &self.events
    }

    /// The event at `index`.
    pub fn event_at(&self, index: u32) -> Option<&LaneEvent> {
        self.events.get(index as usize)
    }

    /// Every message, in the order they came to be.
    pub fn messages(&self) -> &Chunks<MessageTrace> {
        &self.messages
    }

    /// The message with network id `id`.
    pub fn message_with_id(&self, id: u64) -> Option<&MessageTrace> {
        self.trace_of(id)
    }

    /// The lanes that have events, in order (nodes by id, then clients by id).
    pub fn lanes(&self) -> impl Iterator<Item = (&Addr, &Chunks<u32>)> {
        self.lanes.iter()
    }

    /// The event indices of `lane`, in order.
    pub fn lane(&self, lane: Addr) -> Option<&Chunks<u32>> {
        self.lanes.get(&lane)
    }

    /// Every partition and heal, in order.
    pub fn network(&self) -> &Chunks<NetworkMark> {
        &self.network
    }

    /// Trace indices of the messages that may overlap steps `from..`: those in flight at
    /// the nearest stored mark at or before `from`, and the first trace created after it.
    pub fn open_before(&self, from: u64) -> (Vec<u32>, usize) {
        let i = self.open_marks.partition_point(|(s, _)| *s <= from);
        let (mark_step, open) = match i.checked_sub(1).and_then(|i| self.open_marks.get(i)) {
            Some((s, open)) => (*s, open.as_ref().clone()),
            None => (0, Vec::new()),
        };
        let first = self
            .messages
            .partition_point(|m| m.created_step < mark_step);
        (open, first)
    }
}

#[cfg(test)]
mod tests;
