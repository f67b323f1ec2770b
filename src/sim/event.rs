//! What happens in the simulated world, as typed events. The world's mechanics emit them;
//! the trace digest, the counters, the invariant checker and the narration consume them,
//! each on its own (see [`super::world`]).
use super::action::Action;
use super::narration::QuietSummary;
use super::network::InFlight;
use crate::kv::{ClientId, Op, OpResult};
use crate::paxos::{Bug, Envelope, Node, NodeId, Ready, TimerKind};

/// One thing that happened in the world.
#[derive(Clone, Copy, Debug)]
pub enum WorldEvent<'a> {
    /// Step `step` begins: `action` was validated and is carried out next.
    Step {
        /// The step number (1 for the first action).
        step: u64,
        /// The action.
        action: &'a Action,
    },
    /// Logical time advanced to `now`; due timers fire next.
    Tick {
        /// The new time.
        now: u64,
    },
    /// A person fired a node's timer ahead of time.
    TimerFiredByHand {
        /// The node.
        node: NodeId,
        /// Which timer.
        kind: TimerKind,
    },
    /// A node or client put a message on the wire; `lost` when a partition swallows it.
    Sent {
        /// The message.
        env: &'a Envelope,
        /// Its network id; none when a partition swallowed it.
        id: Option<u64>,
        /// Whether the sender and recipient are on different sides of a partition.
        lost: bool,
    },
    /// A message reached its recipient.
    Delivered {
        /// The message.
        env: &'a Envelope,
        /// Its network id.
        id: u64,
    },
    /// A message was taken off the wire, but its recipient is crashed or cut off.
    Unreachable {
        /// The message.
        env: &'a Envelope,
        /// Its network id.
        id: u64,
    },
    /// A message was dropped (by a person or the scheduler's loss rate).
    Dropped {
        /// Its id.
        id: u64,
        /// The message.
        env: &'a Envelope,
    },
    /// A message was duplicated.
    Duplicated {
        /// The original's id.
        id: u64,
        /// The copy's id.
        copy: u64,
        /// The message.
        env: &'a Envelope,
    },
    /// A node crashed: its volatile state, timers and inbound messages are lost.
    Crashed {
        /// The node.
        node: NodeId,
        /// The messages that were on their way to it.
        lost: &'a [InFlight],
    },
    /// A node restarted from its disk (its first step follows as [`WorldEvent::Stepped`]).
    Restarted {
        /// The restarted node, before its first step.
        node: &'a Node,
    },
    /// A node took a step and its disk writes were made.
    Stepped {
        /// The node.
        node: NodeId,
        /// What it wrote, decided, applied, said and sends.
        ready: &'a Ready,
        /// Its state after the step.
        state: &'a Node,
    },
    /// A person split the network into `groups` (nodes not listed form one more group).
    Partitioned {
        /// The groups.
        groups: &'a [Vec<NodeId>],
    },
    /// The scheduler cut `side` off from the other nodes.
    RandomPartition {
        /// The nodes cut off.
        side: &'a [NodeId],
    },
    /// Every partition was removed; `by_hand` when a person did it.
    Healed {
        /// Whether a person healed it (the scheduler's random heals are not narrated).
        by_hand: bool,
    },
    /// A person changed the network's loss, duplication and delay.
    NetworkChanged {
        /// Per mille of messages lost.
        drop_per_mille: u32,
        /// Per mille of messages duplicated.
        dup_per_mille: u32,
        /// Longest delay, in ticks.
        delay_ticks_max: u64,
    },
    /// A person switched an injected bug on or off.
    BugSwitched {
        /// The bug.
        bug: Bug,
        /// Whether it is now on.
        enabled: bool,
    },
    /// Rule 12: a node added to the configuration started for the first time (empty).
    NodeAdded {
        /// The node.
        node: NodeId,
    },
    /// Rule 12: the operator handed the leader a new configuration to propose.
    ReconfigurationRequested {
        /// The leader.
        leader: NodeId,
        /// The new configuration's number.
        epoch: u64,
        /// Its members.
        members: &'a [NodeId],
    },
    /// Random faults stopped: the network is healed and reliable, every node runs.
    FaultsEnded,
    /// After faults stopped, a started command is still unanswered past the liveness bound
    /// (`sim::liveness`); reported once per healing phase.
    CommandsOverdue {
        /// Which commands, and the bound they missed.
        message: &'a str,
    },
    /// A client started a new command (its first attempt follows as a `Sent` Request).
    CommandSubmitted {
        /// The client.
        client: ClientId,
        /// The command's sequence number.
        seq: u64,
        /// The operation.
        op: &'a Op,
    },
    /// A person gave a client a command while it still waits for an answer: clients run one
    /// command at a time, so it waits in the client's queue.
    CommandQueued {
        /// The client.
        client: ClientId,
        /// The operation.
        op: &'a Op,
        /// The sequence number of the command it waits behind.
        behind: u64,
        /// How many commands were already queued before it.
        ahead: usize,
    },
    /// A narrated step ended with the run quiet (nothing in flight, every client answered):
    /// emitted while narration is on, when the step made it quiet or no leader is known.
    Quiet {
        /// The leader (or the next election timer), the decided log and the replicas.
        summary: &'a QuietSummary,
        /// Whether this step made the run quiet (it was not before).
        went_quiet: bool,
    },
    /// A client heard nothing in time and tries another proposer.
    ClientRetried {
        /// The client.
        client: ClientId,
        /// The proposer it tries now.
        target: NodeId,
    },
    /// A client got the answer to its command.
    ClientAnswered {
        /// The client.
        client: ClientId,
        /// The command's sequence number.
        seq: u64,
        /// The operation.
        op: &'a Op,
        /// Its result.
        result: &'a OpResult,
    },
}
