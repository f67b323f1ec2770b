//! The world's read-only accessors: what the view, the CLI, the fuzzer and the tests may
//! see of it. Each says what it returns; none changes anything.
use super::World;
use crate::check::history::History;
use crate::check::invariants::InvariantViolation;
use crate::json::ToJson;
use crate::paxos::durable::DurableState;
use crate::paxos::proposer::Phase;
use crate::paxos::{Addr, Config, Node, NodeId, Roles, TimerKind};
use crate::sim::client::Client;
use crate::sim::liveness::LivenessWatch;
use crate::sim::narration::NarrationLine;
use crate::sim::network::InFlight;
use crate::sim::scenario::SimConfig;
use crate::sim::spacetime::SpaceTime;
use crate::sim::stats::Stats;
use serde::Serialize;

/// What a node's proposer is doing, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ProposerPhase {
    /// The node is not a proposer.
    None,
    /// Not trying to lead: waits for its election timer.
    Following,
    /// Phase 1 under way.
    Preparing,
    /// Phase 1 won: runs phase 2 only.
    Leading,
    /// The node is crashed.
    Crashed,
}

impl World {
    /// Hex digest of everything that happened so far: equal runs have equal digests.
    pub fn trace_digest(&self) -> String {
        self.observers.digest.hex()
    }

    /// The simulation's configuration as it stands (actions change network and bugs).
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The protocol configuration every node runs (layout, quorum, timeouts, bugs).
    pub fn protocol_config(&self) -> &Config {
        &self.protocol
    }

    /// Node `id`'s simulated clock (rule 12: exact unless the configuration drifts clocks).
    pub fn node_clock(&self, id: NodeId) -> super::clocks::NodeClock {
        self.clocks
            .get(&id)
            .copied()
            .unwrap_or(super::clocks::NodeClock::EXACT)
    }

    /// The seed the world started from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Logical time, in ticks.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Actions applied so far.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Message and command counters.
    pub fn stats(&self) -> &Stats {
        &self.observers.stats
    }

    /// The clients, by id.
    pub fn clients(&self) -> &[Client] {
        self.clients.clients()
    }

    /// Every client operation so far (empty unless `config.check`), copied out of the
    /// world (see [`World::history_counts`] for its size).
    pub fn history(&self) -> History {
        self.clients.history()
    }

    /// How many client operations the history holds, and how many are complete.
    pub fn history_counts(&self) -> (usize, usize) {
        self.clients.history_counts()
    }

    /// The invariant violations found so far (none are looked for unless `config.check`).
    pub fn violations(&self) -> &[InvariantViolation] {
        self.observers.checker.violations()
    }

    /// The space-time record (Lamport's diagram) of the run so far, if the world keeps one
    /// (`World::with_spacetime`).
    pub fn spacetime(&self) -> Option<&SpaceTime> {
        self.observers.spacetime.as_ref()
    }

    /// Takes the space-time record out: the following steps are not recorded until one is
    /// put back ([`World::set_spacetime`]). A timeline replays a rewind without it, since it
    /// holds the whole run's record already (`sim::timeline`).
    pub fn take_spacetime(&mut self) -> Option<SpaceTime> {
        self.observers.spacetime.take()
    }

    /// Puts a space-time record in (one that ends at this world's step), or none.
    pub fn set_spacetime(&mut self, record: Option<SpaceTime>) {
        self.observers.spacetime = record;
    }

    /// Narration of the last step (empty unless narration is on).
    pub fn narration(&self) -> &[NarrationLine] {
        self.observers.narrator.lines()
    }

    /// Turns narration of the following steps on or off.
    pub fn set_narration(&mut self, on: bool) {
        self.observers.narrator.set_on(on);
    }

    /// Every node id, in order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.keys().copied()
    }

    /// Whether there is a node `id` (running or crashed).
    pub fn has_node(&self, id: NodeId) -> bool {
        self.nodes.contains_key(&id)
    }

    /// The roles node `id` plays.
    pub fn roles(&self, id: NodeId) -> Roles {
        self.nodes.get(&id).map_or(Roles::NONE, |s| s.roles)
    }

    /// The partition group node `id` is in (0 when not partitioned away).
    pub fn partition_group(&self, id: NodeId) -> u32 {
        self.network.group(Addr::Node(id)).unwrap_or(0)
    }

    /// The tick at which node `id`'s timer `kind` fires, if it is set.
    pub fn timer_deadline(&self, id: NodeId, kind: TimerKind) -> Option<u64> {
        self.timers.get(&(id, kind)).copied()
    }

    /// What node `id` has on disk: what it restarts from after a crash.
    pub fn disk(&self, id: NodeId) -> Option<&DurableState> {
        self.nodes.get(&id).map(|s| &s.disk)
    }

    /// Node `id`'s durable state as it stands: the running node's, or its disk while
    /// crashed.
    pub fn durable(&self, id: NodeId) -> Option<&DurableState> {
        let slot = self.nodes.get(&id)?;
        Some(slot.node.as_ref().map_or(&slot.disk, |n| n.durable()))
    }

    /// What node `id`'s proposer is doing.
    pub fn proposer_phase(&self, id: NodeId) -> ProposerPhase {
        match self.node(id).map(|n| n.proposer().map(|p| &p.phase)) {
            None => ProposerPhase::Crashed,
            Some(None) => ProposerPhase::None,
            Some(Some(Phase::Following)) => ProposerPhase::Following,
            Some(Some(Phase::Preparing(_))) => ProposerPhase::Preparing,
            Some(Some(Phase::Leading(_))) => ProposerPhase::Leading,
        }
    }

    /// Whether the in-flight message `m` can be delivered now: it is due and its recipient
    /// is running and on the sender's side of any partition (clients are always reachable).
    pub fn is_deliverable(&self, m: &InFlight) -> bool {
        let reachable = match m.env.to {
            Addr::Node(n) => !self.is_crashed(n) && self.network.connected(m.env.from, m.env.to),
            Addr::Client(_) => true,
        };
        m.deliver_at <= self.now && reachable
    }

    /// Whether node `id` is currently crashed.
    pub fn is_crashed(&self, id: NodeId) -> bool {
        self.nodes.get(&id).is_some_and(|s| s.node.is_none())
    }

    /// The running node `id`, if alive.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(&id).and_then(|s| s.node.as_ref())
    }

    /// The node currently leading with the highest ballot, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .values()
            .filter_map(|s| s.node.as_ref())
            .filter(|n| n.is_leader())
            .max_by_key(|n| n.proposer().and_then(|p| p.ballot()))
            .map(|n| n.id())
    }

    /// Whether no message is in flight and no client waits for an answer or has work left.
    pub fn is_quiet(&self) -> bool {
        self.network.messages().is_empty() && self.clients.all_done()
    }

    /// Whether every client has had every command it started answered and has no work left.
    pub fn clients_done(&self) -> bool {
        self.clients.all_done()
    }

    /// The liveness check of the healing phase, once faults stopped.
    pub fn liveness(&self) -> Option<&LivenessWatch> {
        self.liveness.as_ref()
    }

    /// Messages in flight, oldest first.
    pub fn in_flight(&self) -> &[InFlight] {
        self.network.messages()
    }
}
