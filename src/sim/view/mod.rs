//! The picture of a run that the CLI prints and the page draws, as typed values whose JSON
//! is the contract in docs/wasm-api.md. Built only from the world's read-only accessors.
pub mod log;
pub mod node;
pub mod spacetime;

use super::client::{Pending, ReadAnswer};
use super::narration::NarrationLine;
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
    /// The message itself.
    pub payload: &'a Message,
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
    let w = t.world();
    let detail = if full {
        Detail::Full { tail: usize::MAX }
    } else {
        Detail::Summary
    };
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
        messages: messages(w),
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

fn messages(w: &World) -> Vec<MessageView<'_>> {
    w.in_flight()
        .iter()
        .map(|m| MessageView {
            id: m.id,
            from: m.env.from,
            to: m.env.to,
            kind: m.env.msg.kind(),
            label: m.env.msg.label(),
            deliver_at: m.deliver_at,
            deliverable: w.is_deliverable(m),
            payload: &m.env.msg,
        })
        .collect()
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
