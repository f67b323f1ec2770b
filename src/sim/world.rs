//! The simulated world: nodes with their disks, the network, timers, clients, the seeded
//! generator and the invariant checker, advanced one action at a time.
use super::action::Action;
use super::client::{Client, Pending};
use super::digest::TraceDigest;
use super::liveness::{self, LivenessWatch};
use super::network::{InFlight, Network};
use super::rng::SimRng;
use super::scenario::SimConfig;
use super::stats::Stats;
use crate::check::history::{History, HistoryEntry};
use crate::check::invariants::Violation;
use crate::check::invariants::{Invariants, LIVENESS};
use crate::kv::{ClientId, Op};
use crate::paxos::durable::DurableState;
use crate::paxos::proposer::Phase;
use crate::paxos::Roles;
use crate::paxos::{
    Addr, Config, Envelope, Input, Message, Node, NodeId, Ready, TimerCmd, TimerKind,
};
use crate::vec_map::VecMap;
use fnv::FnvHasher;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A node's place in the world: the running node (none while crashed) and its disk.
#[derive(Clone, Debug)]
struct NodeSlot {
    /// The running node; `None` while crashed.
    node: Option<Node>,
    /// What survives a crash.
    disk: DurableState,
}

/// One line of narration: what happened in the last step, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepEvent {
    /// The node it concerns, if any.
    pub node: Option<NodeId>,
    /// What happened, in words.
    pub text: String,
}

/// The whole simulated world. Its state changes only through [`World::apply`]; the view,
/// the CLI and the tests read it through the accessors below.
#[derive(Clone, Debug)]
pub struct World {
    /// The simulation's configuration (network settings and bugs can change through actions).
    config: SimConfig,
    /// The protocol configuration every node runs (layout, quorum, timeouts, bugs), derived
    /// from `config`.
    protocol: Arc<Config>,
    seed: u64,
    rng: SimRng,
    now: u64,
    step: u64,
    nodes: VecMap<NodeId, NodeSlot>,
    network: Network,
    /// Pending node timers: (node, kind) → tick it fires at.
    timers: VecMap<(NodeId, TimerKind), u64>,
    /// Pending client retry timers: client → tick.
    client_timers: VecMap<ClientId, u64>,
    clients: Vec<Client>,
    /// Every client operation with its invoke and complete times (kept only when
    /// `config.check` is on: it is what the linearizability check reads).
    history: History,
    history_clock: u64,
    stats: Stats,
    committed_seq: VecMap<ClientId, u64>,
    /// The invariant checker (fed only when `config.check`).
    checker: Invariants,
    digest: TraceDigest,
    /// Whether to narrate steps in words (the page wants it; the fuzzer does not).
    explain: bool,
    /// Narration of the last step.
    events: Vec<StepEvent>,
    /// The liveness check, armed when faults stop.
    liveness: Option<LivenessWatch>,
}

/// What a node's proposer is doing, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

fn state_digest(node: &Node) -> Option<(u64, u64)> {
    let r = node.replica()?;
    let mut h = FnvHasher::default();
    r.kv.hash(&mut h);
    for (c, s) in &r.sessions {
        (c, s.seq).hash(&mut h);
    }
    Some((r.applied_index, h.finish()))
}

impl World {
    /// Builds the world for `config` and `seed`: starts every node and lets scripted
    /// clients send their first commands. Fails with a message on a bad configuration.
    pub fn new(config: SimConfig, seed: u64) -> Result<World, String> {
        let cluster = Arc::new(config.validate()?);
        let mut nodes = VecMap::new();
        for id in cluster.node_ids() {
            let disk = DurableState::default();
            let node = Node::new(id, cluster.clone(), disk.clone());
            nodes.insert(
                id,
                NodeSlot {
                    node: Some(node),
                    disk,
                },
            );
        }
        let proposers = cluster.proposers();
        let clients = (1..=config.clients)
            .map(|id| {
                let script = config
                    .workload
                    .script
                    .iter()
                    .filter(|s| s.client == id)
                    .map(|s| s.op.clone())
                    .collect();
                let target = proposers[(id as usize - 1) % proposers.len()];
                Client::new(id, target, script, config.workload.random_ops)
            })
            .collect();
        let mut world = World {
            checker: Invariants::new(cluster.acceptors().len()),
            protocol: cluster,
            seed,
            rng: SimRng::new(seed),
            now: 0,
            step: 0,
            nodes,
            network: Network::default(),
            timers: VecMap::new(),
            client_timers: VecMap::new(),
            clients,
            history: History::default(),
            history_clock: 0,
            stats: Stats::default(),
            committed_seq: VecMap::new(),
            digest: TraceDigest::default(),
            explain: false,
            events: Vec::new(),
            liveness: None,
            config,
        };
        let ids: Vec<NodeId> = world.nodes.keys().copied().collect();
        for id in ids {
            let ready = world
                .nodes
                .get_mut(&id)
                .and_then(|s| s.node.as_mut())
                .expect("live")
                .start();
            world.process(id, ready);
        }
        for i in 0..world.clients.len() {
            world.client_next(i);
        }
        Ok(world)
    }

    /// Hex digest of everything that happened so far: equal runs have equal digests.
    pub fn trace_digest(&self) -> String {
        self.digest.hex()
    }

    /// The simulation's configuration as it stands (actions change network and bugs).
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The protocol configuration every node runs (layout, quorum, timeouts, bugs).
    pub fn protocol_config(&self) -> &Config {
        &self.protocol
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
        &self.stats
    }

    /// The clients, by id.
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }

    /// Every client operation so far (empty unless `config.check`).
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The invariant violations found so far (none are looked for unless `config.check`).
    pub fn violations(&self) -> &[Violation] {
        self.checker.violations()
    }

    /// Narration of the last step (empty unless narration is on).
    pub fn narration(&self) -> &[StepEvent] {
        &self.events
    }

    /// Turns narration of the following steps on or off.
    pub fn set_narration(&mut self, on: bool) {
        self.explain = on;
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
        self.protocol.roles(id)
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
        self.network.messages.is_empty() && self.clients.iter().all(|c| c.is_done())
    }

    /// Applies one action. On error nothing changed and the action does not count.
    pub fn apply(&mut self, action: &Action) -> Result<(), String> {
        self.validate(action)?;
        self.events.clear();
        self.step += 1;
        match action {
            // The scheduler's step, by far the most frequent action: its JSON is constant
            // (the same bytes serde_json writes, so digests are unchanged).
            Action::Auto { n: 1 } => self.digest.str(r#"{"type":"auto"}"#),
            _ => self
                .digest
                .str(&serde_json::to_string(action).unwrap_or_default()),
        }
        match action {
            Action::Auto { n } => {
                for _ in 0..*n {
                    self.auto();
                }
            }
            Action::Deliver { id } => self.deliver(*id),
            Action::Drop { id } => self.drop_message(*id),
            Action::Duplicate { id } => self.duplicate(*id),
            Action::Tick => self.tick(),
            Action::FireTimer { node, timer } => {
                self.timers.remove(&(*node, *timer));
                self.say(Some(*node), format!("{timer:?} timer fired by hand"));
                self.run_node(*node, Input::Timeout(*timer));
            }
            Action::Crash { node } => self.crash(*node),
            Action::Restart { node } => self.restart(*node),
            Action::Partition { groups } => {
                self.network.partition(groups);
                self.say(
                    None,
                    format!("network partitioned into {groups:?} (others together)"),
                );
            }
            Action::Heal => {
                self.network.heal();
                self.say(None, "partition healed".into());
            }
            Action::Submit { client, op } => {
                let i = self
                    .clients
                    .iter()
                    .position(|c| c.id == *client)
                    .expect("validated");
                self.clients[i].queue.push_back(op.clone());
                if self.clients[i].pending.is_none() {
                    self.client_next(i);
                }
            }
            Action::SetNetwork {
                drop_per_mille,
                dup_per_mille,
                delay_ticks_max,
            } => {
                self.config.network.drop_per_mille = *drop_per_mille;
                self.config.network.dup_per_mille = *dup_per_mille;
                self.config.network.delay_ticks_max = *delay_ticks_max;
                self.say(
                    None,
                    format!(
                        "network: drop {drop_per_mille}‰, duplicate {dup_per_mille}‰, \
                         delay up to {delay_ticks_max} ticks"
                    ),
                );
            }
            Action::EndFaults => self.end_faults(),
            Action::SetBug { bug, enabled } => {
                let mut cluster = (*self.protocol).clone();
                cluster.bugs.set(*bug, *enabled);
                self.config.bugs = cluster.bugs.clone();
                self.protocol = Arc::new(cluster);
                for slot in self.nodes.values_mut() {
                    if let Some(n) = slot.node.as_mut() {
                        n.set_config(self.protocol.clone());
                    }
                }
                let state = if *enabled { "on" } else { "off" };
                self.say(
                    None,
                    format!("bug {bug} switched {state}: {}", bug.description()),
                );
            }
        }
        let late = liveness::after_action(
            &mut self.liveness,
            action,
            self.now,
            self.step,
            &self.clients,
        );
        if let (Some(message), true) = (late, self.config.check) {
            self.checker.report(LIVENESS, self.step, message);
        }
        self.stats.refresh();
        Ok(())
    }

    /// The liveness check of the healing phase, once faults stopped.
    pub fn liveness(&self) -> Option<&LivenessWatch> {
        self.liveness.as_ref()
    }

    fn end_faults(&mut self) {
        self.config.faults = Default::default();
        self.config.network.drop_per_mille = 0;
        self.config.network.dup_per_mille = 0;
        // A healthy network delivers faster than time passes.
        self.config.tick_per_mille = self.config.tick_per_mille.min(20);
        self.network.heal();
        let crashed: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|(_, s)| s.node.is_none())
            .map(|(id, _)| *id)
            .collect();
        for id in crashed {
            self.restart(id);
        }
        for c in &mut self.clients {
            c.random_left = 0;
            c.queue.clear();
        }
        self.liveness = Some(LivenessWatch::new(self.now, self.step, &self.config));
        self.say(
            None,
            "faults stopped: network healed and reliable, every node running".into(),
        );
    }

    /// Whether every client has had every command it started answered.
    pub fn clients_done(&self) -> bool {
        self.clients.iter().all(|c| c.is_done())
    }

    fn validate(&self, action: &Action) -> Result<(), String> {
        let known = |n: &NodeId| -> Result<(), String> {
            if self.nodes.contains_key(n) {
                Ok(())
            } else {
                Err(format!("there is no node {n}"))
            }
        };
        let in_flight = |id: &u64| -> Result<(), String> {
            match self.network.get(*id) {
                Some(_) => Ok(()),
                None => Err(format!("message {id} is not in flight")),
            }
        };
        match action {
            Action::Auto { n } if *n == 0 => Err("auto needs n >= 1".into()),
            Action::Deliver { id } | Action::Drop { id } | Action::Duplicate { id } => {
                in_flight(id)
            }
            Action::FireTimer { node, timer } => {
                known(node)?;
                let roles = self.protocol.roles(*node);
                if self.is_crashed(*node) {
                    Err(format!("node {node} is crashed"))
                } else if !roles.proposer {
                    Err(format!(
                        "node {node} is not a proposer and has no {timer:?} timer"
                    ))
                } else {
                    Ok(())
                }
            }
            Action::Crash { node } => {
                known(node)?;
                if self.is_crashed(*node) {
                    Err(format!("node {node} is already crashed"))
                } else {
                    Ok(())
                }
            }
            Action::Restart { node } => {
                known(node)?;
                if self.is_crashed(*node) {
                    Ok(())
                } else {
                    Err(format!("node {node} is running"))
                }
            }
            Action::Partition { groups } => {
                let mut seen = Vec::new();
                for n in groups.iter().flatten() {
                    known(n)?;
                    if seen.contains(n) {
                        return Err(format!("node {n} is in two partition groups"));
                    }
                    seen.push(*n);
                }
                Ok(())
            }
            Action::Submit { client, op } => {
                if !self.clients.iter().any(|c| c.id == *client) {
                    return Err(format!("there is no client {client}"));
                }
                if op.key().is_empty() || op.key().len() > 64 {
                    return Err("a key has 1 to 64 characters".into());
                }
                Ok(())
            }
            Action::SetNetwork {
                drop_per_mille,
                dup_per_mille,
                delay_ticks_max,
            } => {
                if *drop_per_mille > 1000 || *dup_per_mille > 1000 || *delay_ticks_max > 20 {
                    Err("drop and duplicate are 0–1000 per mille, delay 0–20 ticks".into())
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    fn say(&mut self, node: Option<NodeId>, text: String) {
        if self.explain {
            self.events.push(StepEvent { node, text });
        }
    }

    /// One scheduler step: maybe a random fault, then deliver (or drop / duplicate) a random
    /// deliverable message, or advance time.
    fn auto(&mut self) {
        self.random_faults();
        let n = self.network.deliverable_count(self.now);
        if n == 0 || self.rng.chance(self.config.tick_per_mille) {
            self.tick();
            return;
        }
        let i = self.rng.index(n);
        let id = self
            .network
            .nth_deliverable(self.now, i)
            .expect("index in range");
        if self.rng.chance(self.config.network.drop_per_mille) {
            self.drop_message(id);
            return;
        }
        if self.rng.chance(self.config.network.dup_per_mille) {
            self.duplicate(id);
        }
        self.deliver(id);
    }

    fn random_faults(&mut self) {
        let f = self.config.faults.clone();
        if f.crash_per_mille == 0
            && f.restart_per_mille == 0
            && f.partition_per_mille == 0
            && f.heal_per_mille == 0
        {
            return;
        }
        if self.rng.chance(f.crash_per_mille) {
            let live: Vec<NodeId> = self
                .nodes
                .iter()
                .filter(|(_, s)| s.node.is_some())
                .map(|(id, _)| *id)
                .collect();
            if !live.is_empty() {
                let n = live[self.rng.index(live.len())];
                self.crash(n);
            }
        }
        if self.rng.chance(f.restart_per_mille) {
            let dead: Vec<NodeId> = self
                .nodes
                .iter()
                .filter(|(_, s)| s.node.is_none())
                .map(|(id, _)| *id)
                .collect();
            if !dead.is_empty() {
                let n = dead[self.rng.index(dead.len())];
                self.restart(n);
            }
        }
        if self.rng.chance(f.partition_per_mille) {
            let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
            let side: Vec<NodeId> = ids.into_iter().filter(|_| self.rng.chance(500)).collect();
            self.network.partition(std::slice::from_ref(&side));
            self.say(None, format!("random partition: {side:?} cut off"));
        }
        if self.rng.chance(f.heal_per_mille) {
            self.network.heal();
        }
    }

    /// Advances time by one tick and fires every timer that is due, in a fixed order.
    fn tick(&mut self) {
        self.now += 1;
        self.digest.u64(self.now);
        self.say(None, format!("time advanced to tick {}", self.now));
        let due: Vec<(NodeId, TimerKind)> = self
            .timers
            .iter()
            .filter(|(_, at)| **at <= self.now)
            .map(|(k, _)| *k)
            .collect();
        for (node, kind) in due {
            self.timers.remove(&(node, kind));
            self.run_node(node, Input::Timeout(kind));
        }
        let due: Vec<ClientId> = self
            .client_timers
            .iter()
            .filter(|(_, at)| **at <= self.now)
            .map(|(c, _)| *c)
            .collect();
        for c in due {
            self.client_timers.remove(&c);
            self.client_retry(c);
        }
    }

    fn deliver(&mut self, id: u64) {
        let Some(m) = self.network.take(id) else {
            return;
        };
        let kind = m.env.msg.kind();
        match m.env.to {
            Addr::Client(c) => {
                Stats::bump(&mut self.stats.delivered, kind);
                self.client_receive(c, m.env.msg);
            }
            Addr::Node(n) => {
                if self.is_crashed(n) || !self.network.connected(m.env.from, m.env.to) {
                    Stats::bump(&mut self.stats.dropped, kind);
                    self.say(
                        Some(n),
                        format!("{} lost: {} is unreachable", m.env.msg.label(), m.env.to),
                    );
                    return;
                }
                Stats::bump(&mut self.stats.delivered, kind);
                if self.explain {
                    let text = format!("{} → {}: {}", m.env.from, m.env.to, m.env.msg.label());
                    self.say(Some(n), format!("delivered {text}"));
                }
                self.run_node(n, Input::Message(m.env));
            }
        }
    }

    fn drop_message(&mut self, id: u64) {
        if let Some(m) = self.network.take(id) {
            Stats::bump(&mut self.stats.dropped, m.env.msg.kind());
            self.digest.u64(id);
            if self.explain {
                self.say(
                    None,
                    format!(
                        "dropped {} → {}: {}",
                        m.env.from,
                        m.env.to,
                        m.env.msg.label()
                    ),
                );
            }
        }
    }

    fn duplicate(&mut self, id: u64) {
        if let Some(m) = self.network.get(id).cloned() {
            Stats::bump(&mut self.stats.duplicated, m.env.msg.kind());
            let copy = self.network.push(m.env, m.deliver_at);
            self.say(None, format!("duplicated message {id} as {copy}"));
        }
    }

    fn crash(&mut self, id: NodeId) {
        let Some(slot) = self.nodes.get_mut(&id) else {
            return;
        };
        if slot.node.take().is_none() {
            return;
        }
        self.timers.retain(|(n, _), _| *n != id);
        let lost = self.network.drop_inbox(id);
        for m in &lost {
            Stats::bump(&mut self.stats.dropped, m.env.msg.kind());
        }
        self.digest.str("crash");
        self.digest.u64(id as u64);
        self.say(
            Some(id),
            format!(
                "n{id} crashed: volatile state and {} inbound message(s) lost",
                lost.len()
            ),
        );
    }

    fn restart(&mut self, id: NodeId) {
        let Some(slot) = self.nodes.get_mut(&id) else {
            return;
        };
        if slot.node.is_some() {
            return;
        }
        let mut node = Node::new(id, self.protocol.clone(), slot.disk.clone());
        let ready = node.start();
        let promised = node.durable().acceptor.as_ref().and_then(|a| a.promised);
        let snapshot_index = node.replica().map_or(0, |r| r.snapshot_index);
        slot.node = Some(node);
        if self.config.check {
            self.checker.on_restart(id);
            self.checker.on_promise_state(self.step, id, promised);
            self.checker.on_replica_restart(id, snapshot_index);
        }
        self.digest.str("restart");
        self.digest.u64(id as u64);
        self.say(
            Some(id),
            format!("n{id} restarted from its disk (snapshot at slot {snapshot_index})"),
        );
        self.process(id, ready);
    }

    fn run_node(&mut self, id: NodeId, input: Input) {
        let Some(node) = self.nodes.get_mut(&id).and_then(|s| s.node.as_mut()) else {
            return;
        };
        let ready = node.step(input);
        self.process(id, ready);
    }

    /// Carries out a node's Ready: disk writes first, then timers, then messages.
    fn process(&mut self, id: NodeId, ready: Ready) {
        let slot = self.nodes.get_mut(&id).expect("node exists");
        for w in &ready.persist {
            slot.disk.apply(w);
        }
        if self.config.check {
            self.checker.on_ready(self.step, id, &ready);
            if let Some(node) = slot.node.as_ref() {
                let promised = node.durable().acceptor.as_ref().and_then(|a| a.promised);
                let replica_state = if ready.applied.is_empty() && ready.persist.is_empty() {
                    None
                } else {
                    state_digest(node)
                };
                self.checker.on_promise_state(self.step, id, promised);
                if let Some((applied, d)) = replica_state {
                    self.checker.on_replica_state(self.step, id, applied, d);
                }
            }
        }
        for t in &ready.timers {
            match *t {
                TimerCmd::Set {
                    kind,
                    after,
                    jitter,
                } => {
                    let extra = if jitter > 0 {
                        self.rng.between(0, jitter)
                    } else {
                        0
                    };
                    self.timers.insert((id, kind), self.now + after + extra);
                }
                TimerCmd::Cancel { kind } => {
                    self.timers.remove(&(id, kind));
                }
            }
        }
        for (slot, value) in &ready.decided {
            self.digest.u64(*slot);
            for c in value.commands() {
                let seq = self.committed_seq.entry(c.client).or_insert(0);
                if c.seq > *seq {
                    self.stats.commands_committed += c.seq - *seq;
                    *seq = c.seq;
                }
            }
        }
        if self.explain {
            for e in &ready.events {
                self.events.push(StepEvent {
                    node: Some(id),
                    text: format!("n{id} {e}"),
                });
            }
        }
        for env in ready.messages {
            if let (true, Message::Prepare { ballot, .. }) = (self.config.check, &env.msg) {
                self.checker.on_prepare(self.step, id, *ballot);
            }
            self.send(env);
        }
    }

    fn send(&mut self, env: Envelope) {
        let kind = env.msg.kind();
        self.stats.count_sent(kind, !env.msg.is_client_traffic());
        self.digest.str(kind);
        if !self.network.connected(env.from, env.to) {
            Stats::bump(&mut self.stats.dropped, kind);
            return;
        }
        let delay = match self.config.network.delay_ticks_max {
            0 => 0,
            d => self.rng.between(0, d),
        };
        self.network.push(env, self.now + delay);
    }

    fn client_index(&self, c: ClientId) -> Option<usize> {
        self.clients.iter().position(|x| x.id == c)
    }

    /// Starts the client's next command, if it has one.
    fn client_next(&mut self, i: usize) {
        let client = &mut self.clients[i];
        if client.pending.is_some() {
            return;
        }
        let op = match client.queue.pop_front() {
            Some(op) => op,
            None if client.random_left > 0 => {
                client.random_left -= 1;
                let id = client.id;
                let seq = client.next_seq;
                self.random_op(id, seq)
            }
            None => return,
        };
        let client = &mut self.clients[i];
        let seq = client.next_seq;
        client.next_seq += 1;
        self.history_clock += 1;
        let history_index = self.history.len();
        // The history feeds the linearizability check only: with checks off it is not kept,
        // so a long run's memory stays bounded.
        if self.config.check {
            self.history.push(HistoryEntry::unknown(
                client.id,
                seq,
                op.clone(),
                self.history_clock,
            ));
        }
        if self.config.check {
            self.checker.on_submit(client.id, seq, &op);
        }
        client.pending = Some(Pending {
            seq,
            op,
            invoked_at: self.history_clock,
            history_index,
            attempts: 0,
        });
        self.stats.commands_submitted += 1;
        self.client_send(i);
    }

    fn random_op(&mut self, client: ClientId, seq: u64) -> Op {
        let key = format!(
            "k{}",
            self.rng.below(self.config.workload.keys.max(1) as u64)
        );
        let value = format!("{client}.{seq}");
        match self.rng.below(10) {
            0..=4 => Op::Put { key, value },
            5..=7 => Op::Get { key },
            _ => {
                let expected = match self.rng.below(3) {
                    0 => None,
                    _ => Some(format!(
                        "{}.{}",
                        self.rng.between(1, self.config.clients.max(1) as u64),
                        self.rng.between(1, seq)
                    )),
                };
                Op::Cas {
                    key,
                    expected,
                    value,
                }
            }
        }
    }

    fn client_send(&mut self, i: usize) {
        let client = &mut self.clients[i];
        let Some(p) = client.pending.as_mut() else {
            return;
        };
        p.attempts += 1;
        let command = crate::paxos::Command {
            client: client.id,
            seq: p.seq,
            op: p.op.clone(),
        };
        let env = Envelope {
            from: Addr::Client(client.id),
            to: Addr::Node(client.target),
            msg: Message::Request {
                command,
                forwarded: false,
            },
        };
        let id = client.id;
        // Each retry waits twice as long as the last (up to 8×), so clients back off
        // when the cluster is slow instead of piling retries onto it.
        let backoff = self.config.client_retry_ticks << (p.attempts - 1).min(3);
        self.client_timers.insert(id, self.now + backoff);
        self.send(env);
    }

    fn client_retry(&mut self, c: ClientId) {
        let Some(i) = self.client_index(c) else {
            return;
        };
        if self.clients[i].pending.is_none() {
            return;
        }
        let proposers = self.protocol.proposers();
        self.clients[i].rotate_target(&proposers);
        self.say(
            None,
            format!(
                "c{c} heard nothing and retries with n{}",
                self.clients[i].target
            ),
        );
        self.client_send(i);
    }

    fn client_receive(&mut self, c: ClientId, msg: Message) {
        let Some(i) = self.client_index(c) else {
            return;
        };
        let Some((pending_seq, history_index)) = self.clients[i]
            .pending
            .as_ref()
            .map(|p| (p.seq, p.history_index))
        else {
            return;
        };
        match msg {
            Message::Reply { seq, result } if seq == pending_seq => {
                self.history_clock += 1;
                if let Some(entry) = self.history.entries.get_mut(history_index) {
                    entry.complete = Some(self.history_clock);
                    entry.result = Some(result.clone());
                }
                let client = &mut self.clients[i];
                let op = client.pending.take().map(|p| p.op);
                client.completed += 1;
                self.client_timers.remove(&c);
                if let (true, Some(op)) = (self.explain, op) {
                    self.say(
                        None,
                        format!("c{c} got its answer for #{seq} ({op}): {result}"),
                    );
                }
                self.client_next(i);
            }
            Message::NotLeader { seq, hint } if seq == pending_seq => {
                if let Some(h) = hint {
                    self.clients[i].target = h;
                    self.client_send(i);
                } else {
                    let proposers = self.protocol.proposers();
                    self.clients[i].rotate_target(&proposers);
                }
            }
            _ => {}
        }
    }

    /// Messages in flight, oldest first.
    pub fn in_flight(&self) -> &[InFlight] {
        &self.network.messages
    }
}
