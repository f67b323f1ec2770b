//! The picture of a run that the CLI prints and the page draws, as typed values whose JSON
//! is the contract in docs/wasm-api.md. Built only from the world's read-only accessors.
pub mod log;
pub mod node;
pub mod spacetime;

use super::client::{Pending, ReadAnswer};
use super::narration::NarrationLine;
use super::network::InFlight;
use super::scenario::SimConfig;
use super::stats::Stats;
use super::timeline::Timeline;
use super::world::World;
use crate::check::invariants::InvariantViolation;
use crate::check::verdict::{self, InvariantStatus};
use crate::json::ToJson;
use crate::kv::ClientId;
use crate::paxos::quorum::Quorums;
use crate::paxos::{Addr, ConfigChange, Message, NodeId};
use serde::Serialize;
use std::collections::HashMap;

pub use log::{LogCell, LogExtent, LogWindow};
pub use node::{Detail, NodeView};

/// Slots of each log the inspector's `node(id)` shows.
pub const INSPECTOR_TAIL: usize = 64;

/// The state of a run (`state()`, `view()`, `paxoscope run`).
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StateView<'a> {
    /// The step shown.
    pub step: u64,
    /// How many steps are recorded (more than `step` after stepping back).
    pub total_steps: u64,
    /// Logical time in ticks.
    pub now: u64,
    /// The world's seed.
    pub seed: u64,
    /// The preset the run came from, if any.
    pub preset: Option<&'a str>,
    /// The simulation's configuration as it stands.
    pub config: &'a SimConfig,
    /// The node leading with the highest ballot, if any.
    pub leader: Option<NodeId>,
    /// Rule 12: the phase-1 and phase-2 quorum sizes every node counts with (bugs
    /// included), out of how many acceptors: those of the latest configuration decided.
    pub quorums: Quorums,
    /// Rule 12: the configurations decided so far (the latest any replica knows), each
    /// with the first slot it governs; absent before any reconfiguration (slot 0 on is
    /// then governed by the initial layout).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<ConfigChange>>", optional))]
    pub configs: Vec<ConfigChange>,
    /// Whether no message is in flight and no client waits or has work left.
    pub quiet: bool,
    /// Every node.
    pub nodes: Vec<NodeView<'a>>,
    /// Messages in flight, oldest first.
    pub messages: Vec<MessageView<'a>>,
    /// The clients.
    pub clients: Vec<ClientView<'a>>,
    /// The extent of the log grid (rows come from `logWindow`).
    pub log: LogExtent,
    /// Message and command counters.
    pub stats: &'a Stats,
    /// Pass/fail per invariant.
    pub invariants: Vec<InvariantStatus>,
    /// Every violation found (the checker's, then linearizability's).
    pub violations: Vec<InvariantViolation>,
    /// Narration of the last step.
    pub events: &'a [NarrationLine],
    /// Digest of everything that happened so far.
    pub trace_digest: String,
}

/// A message in flight.
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MessageView<'a> {
    /// Its stable id.
    pub id: u64,
    /// The sender.
    pub from: Addr,
    /// The recipient.
    pub to: Addr,
    /// Its kind ("Prepare", "Accept", ...).
    #[serde(rename = "type")]
    #[cfg_attr(test, ts(type = "Message[\"type\"]"))]
    pub kind: &'static str,
    /// A one-line summary.
    pub label: String,
    /// The tick from which the scheduler may deliver it.
    pub deliver_at: u64,
    /// Whether it can be delivered now (due, and the recipient reachable).
    pub deliverable: bool,
    /// The message itself. Absent in the page's per-frame views (`viewPlaying()`,
    /// `viewLean()`): the page asks `message(id)` for the one it inspects.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub payload: Option<&'a Message>,
    /// Per-frame views and `message(id)` only: the id of the oldest message in flight
    /// identical to this one (same sender, recipient and payload), when there are two or
    /// more (the oldest names itself); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub copy_of: Option<u64>,
}

/// A client.
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClientView<'a> {
    /// Its id.
    pub id: ClientId,
    /// The node it sends to next.
    pub target: NodeId,
    /// The command it waits on.
    pub pending: &'a Option<Pending>,
    /// Commands answered so far.
    pub completed: u64,
    /// Commands still to submit (typed, scripted or random).
    pub queued: u64,
    /// Rule 12: its last answered `get` and its read mode (`lease` or `log`), in runs that
    /// read under leases; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub last_read: Option<&'a ReadAnswer>,
}

/// Rule 12: the quorum sizes of the latest configuration decided (`configs`, as
/// `World::config_history` lists them), or of the initial layout before any.
fn quorums(w: &World, configs: &[ConfigChange]) -> Quorums {
    configs.last().map_or_else(
        || w.protocol_config().quorums(),
        |c| c.members.quorums(w.protocol_config()),
    )
}

/// The state of the run `t` at its current step; `full` adds every node's durable and
/// volatile state. `linearizability` is the verdict on the client history, if it failed.
pub fn state<'a>(
    t: &'a Timeline,
    full: bool,
    linearizability: Option<&InvariantViolation>,
) -> StateView<'a> {
    let detail = if full {
        Detail::Full { tail: usize::MAX }
    } else {
        Detail::Summary
    };
    build(t, detail, messages(t.world()), linearizability)
}

/// The state for one frame of the page (`viewPlaying()`, `viewLean()`): `state(t, false,
/// ..)` with each message in flight lean, its payload left out (most of the view's bytes
/// when hundreds are in flight) and `copy_of` set instead; `message(id)` gives one payload.
pub fn frame<'a>(t: &'a Timeline, linearizability: Option<&InvariantViolation>) -> StateView<'a> {
    build(
        t,
        Detail::Summary,
        lean_messages(t.world()),
        linearizability,
    )
}

fn build<'a>(
    t: &'a Timeline,
    detail: Detail,
    messages: Vec<MessageView<'a>>,
    linearizability: Option<&InvariantViolation>,
) -> StateView<'a> {
    let w = t.world();
    let violations = verdict::all_violations(w.violations(), linearizability);
    let configs = w.config_history();
    StateView {
        step: t.step(),
        total_steps: t.total_steps(),
        now: w.now(),
        seed: w.seed(),
        preset: t.preset(),
        config: w.config(),
        leader: w.leader(),
        quorums: quorums(w, &configs),
        configs,
        quiet: w.is_quiet(),
        nodes: w
            .node_ids()
            .map(|id| NodeView::new(w, id, detail))
            .collect(),
        messages,
        clients: clients(w),
        log: log::extent(w),
        stats: w.stats(),
        invariants: verdict::statuses(&violations),
        violations,
        events: w.narration(),
        trace_digest: w.trace_digest(),
    }
}

/// Node `id` for the inspector: full detail, logs cut to their last [`INSPECTOR_TAIL`]
/// slots so it stays fast on logs of thousands of slots. `None` if there is no such node.
pub fn inspect(world: &World, id: NodeId) -> Option<NodeView<'_>> {
    world.has_node(id).then(|| {
        NodeView::new(
            world,
            id,
            Detail::Full {
                tail: INSPECTOR_TAIL,
            },
        )
    })
}

fn message_view<'a>(w: &World, m: &'a InFlight, payload: bool) -> MessageView<'a> {
    MessageView {
        id: m.id,
        from: m.env.from,
        to: m.env.to,
        kind: m.env.msg.kind(),
        label: m.env.msg.label(),
        deliver_at: m.deliver_at,
        deliverable: w.is_deliverable(m),
        payload: payload.then_some(&m.env.msg),
        copy_of: None,
    }
}

fn messages(w: &World) -> Vec<MessageView<'_>> {
    w.in_flight()
        .iter()
        .map(|m| message_view(w, m, true))
        .collect()
}

/// For each message in flight (by position), the id of the oldest identical one when it
/// has copies in flight.
fn copies(w: &World) -> Vec<Option<u64>> {
    let flight = w.in_flight();
    let mut first: HashMap<(&Addr, &Addr, &Message), (u64, bool)> =
        HashMap::with_capacity(flight.len());
    for m in flight {
        first
            .entry((&m.env.from, &m.env.to, &m.env.msg))
            .and_modify(|(_, copied)| *copied = true)
            .or_insert((m.id, false));
    }
    flight
        .iter()
        .map(|m| match first[&(&m.env.from, &m.env.to, &m.env.msg)] {
            (id, true) => Some(id),
            _ => None,
        })
        .collect()
}

fn lean_messages(w: &World) -> Vec<MessageView<'_>> {
    w.in_flight()
        .iter()
        .zip(copies(w))
        .map(|(m, copy_of)| MessageView {
            copy_of,
            ..message_view(w, m, false)
        })
        .collect()
}

/// Message `id` in flight with its payload and `copy_of` (`message(id)`), if it is.
pub fn message(w: &World, id: u64) -> Option<MessageView<'_>> {
    let flight = w.in_flight();
    let i = flight.iter().position(|m| m.id == id)?;
    let m = &flight[i];
    let same =
        |x: &&InFlight| x.env.from == m.env.from && x.env.to == m.env.to && x.env.msg == m.env.msg;
    let mut twins = flight.iter().filter(same);
    let oldest = twins.next().map(|x| x.id);
    let copy_of = oldest.filter(|_| twins.next().is_some());
    Some(MessageView {
        copy_of,
        ..message_view(w, m, true)
    })
}

fn clients(w: &World) -> Vec<ClientView<'_>> {
    w.clients()
        .iter()
        .map(|c| ClientView {
            id: c.id,
            target: c.target,
            pending: &c.pending,
            completed: c.completed,
            queued: c.queue.len() as u64 + c.random_left as u64,
            last_read: c.last_read.as_ref(),
        })
        .collect()
}
