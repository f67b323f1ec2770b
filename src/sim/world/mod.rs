//! The simulated world: nodes with their disks, the network, timers, clients and the seeded
//! generator, advanced one action at a time.
//!
//! The world does the mechanics only (`mechanics`: deliver, drop, duplicate, tick, crash,
//! restart, carry out a node's step), drives the clients (`clients`) and schedules random
//! faults (`faults`). Everything else listens to the typed [`WorldEvent`]s it emits: the
//! trace digest, the counters, the invariant checker and the narration. The page, the CLI
//! and the tests read it through the accessors in `read`.
mod clients;
pub mod clocks;
mod faults;
mod fingerprint;
mod mechanics;
mod read;
mod reconfig;
mod validate;

pub use reconfig::MAX_NODE_ID;

pub use read::ProposerPhase;

use super::action::Action;
use super::checking::CheckFeed;
use super::client::ClientPool;
use super::digest::TraceDigest;
use super::event::WorldEvent;
use super::liveness::{self, LivenessWatch};
use super::narration::{Narrator, QuietSummary};
use super::network::Network;
use super::reused::Reused;
use super::rng::SimRng;
use super::scenario::SimConfig;
use super::spacetime::SpaceTime;
use super::stats::Stats;
use crate::paxos::durable::DurableState;
use crate::paxos::{Bug, Config, Node, NodeId, Ready, Roles, TimerKind};
use crate::vec_map::VecMap;
use std::rc::Rc;
use std::sync::Arc;

/// A node's place in the world: the running node (none while crashed) and its disk.
#[derive(Clone, Debug)]
struct NodeSlot {
    /// The running node; `None` while crashed.
    node: Option<Node>,
    /// What survives a crash.
    disk: DurableState,
    /// Its roles (rule 12: a node added during a run is not in the initial configuration).
    roles: Roles,
}

/// Everything that listens to the world's events.
#[derive(Clone, Debug)]
struct Observers {
    digest: TraceDigest,
    stats: Stats,
    checker: CheckFeed,
    narrator: Narrator,
    /// The space-time record, kept only for runs the page draws.
    spacetime: Option<SpaceTime>,
    /// The explorer's worlds ([`World::set_lean`]): no trace digest, no statistics.
    lean: bool,
}

impl Observers {
    /// Hands `e` to every listener that is on. Inlined natively, with the digest's and the
    /// counters' own matches, so each place that emits an event keeps only what that event
    /// does there (a few instructions for the frequent ones); the listeners that are
    /// usually off are one call behind one test. In wasm, where size counts first, it is
    /// left to the optimizer.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn observe(&mut self, e: WorldEvent) {
        if !self.lean {
            self.digest.observe(&e);
            self.stats.observe(&e);
        }
        // Off, the narration only forgets the last step's lines when a step begins (the
        // lines of a step narrated before it was switched off).
        if self.checker.is_on()
            || self.narrator.is_on()
            || self.spacetime.is_some()
            || (matches!(e, WorldEvent::Step { .. }) && !self.narrator.lines().is_empty())
        {
            self.observe_more(&e);
        }
    }

    /// The listeners [`Observers::observe`] calls when one of them is on.
    #[inline(never)]
    fn observe_more(&mut self, e: &WorldEvent) {
        if self.checker.is_on() {
            self.checker.observe(e);
        }
        if self.narrator.is_on() || matches!(e, WorldEvent::Step { .. }) {
            self.narrator.observe(e);
        }
        if let Some(record) = &mut self.spacetime {
            record.observe(e);
        }
    }
}

/// The whole simulated world. Its state changes only through [`World::apply`]; the view,
/// the CLI and the tests read it through its accessors.
#[derive(Clone, Debug)]
pub struct World {
    /// The simulation's configuration (network settings and bugs can change through actions).
    config: SimConfig,
    /// The protocol configuration every node runs (layout, quorum, timeouts, bugs), derived
    /// from `config`.
    protocol: Arc<Config>,
    seed: u64,
    rng: SimRng,
    /// Logical time, in ticks.
    now: u64,
    /// Actions applied so far.
    step: u64,
    /// Each node's slot, shared between clones of the world until one of them changes
    /// it (`Rc::make_mut`): the explorer clones the world for every move it tries, and a
    /// move changes one node at most.
    nodes: VecMap<NodeId, Rc<NodeSlot>>,
    network: Network,
    /// Pending node timers: (node, kind) → tick it fires at.
    timers: VecMap<(NodeId, TimerKind), u64>,
    /// Each node's simulated, drifting clock (rule 12: leases read it, timers run on it).
    clocks: VecMap<NodeId, clocks::NodeClock>,
    clients: ClientPool,
    observers: Observers,
    /// The liveness check, armed when faults stop.
    liveness: Option<LivenessWatch>,
    /// Whether a bug that skips disk writes was ever on: then a disk may legitimately lag
    /// behind what its node believes it wrote.
    forgetful_disks: bool,
    /// When on, every action as it was carried out, scheduler steps made explicit (the
    /// shrinker's input, see [`World::record_explicit`]).
    explicit: Option<Vec<Action>>,
    /// The buffers every node step writes its [`Ready`] into, empty between steps (see
    /// `mechanics`): kept so a step allocates nothing for its lists.
    scratch: Scratch,
}

/// Empty lists kept for their memory: a clone of the world starts with none. Boxed, so
/// lending it to a step and taking it back moves a pointer.
type Scratch = Reused<Option<Box<Ready>>>;

/// Whether `bug` makes nodes skip disk writes they report as done.
fn skips_disk_writes(bug: Bug) -> bool {
    matches!(bug, Bug::ForgetfulAcceptor | Bug::ReuseBallotAfterRestart)
}

impl World {
    /// Builds the world for `config` and `seed`: starts every node and lets scripted
    /// clients send their first commands. Fails with a message on a bad configuration.
    pub fn new(config: SimConfig, seed: u64) -> Result<World, String> {
        World::build(config, seed, false)
    }

    /// Like [`World::new`], and keeps the space-time record of the run from its start
    /// (for the page's message sequence diagram; see `World::spacetime`).
    pub fn with_spacetime(config: SimConfig, seed: u64) -> Result<World, String> {
        World::build(config, seed, true)
    }

    fn build(config: SimConfig, seed: u64, spacetime: bool) -> Result<World, String> {
        let protocol = Arc::new(config.validate()?);
        let nodes = protocol
            .node_ids()
            .into_iter()
            .map(|id| {
                let disk = DurableState::default();
                let node = Some(Node::new(id, protocol.clone(), disk.clone()));
                let roles = protocol.roles(id);
                (id, Rc::new(NodeSlot { node, disk, roles }))
            })
            .collect();
        let observers = Observers {
            digest: TraceDigest::default(),
            stats: Stats::default(),
            checker: CheckFeed::new(
                config.check,
                protocol.acceptors(),
                protocol.asked_quorums()?,
                protocol.phase1_quorum,
                protocol.window,
            ),
            narrator: Narrator::default(),
            spacetime: spacetime.then(SpaceTime::default),
            lean: false,
        };
        let forgetful_disks = protocol.bugs.iter().any(skips_disk_writes);
        let protocol_ids = protocol.node_ids();
        let world_drift = protocol.clock_drift_per_mille;
        let mut world = World {
            clients: ClientPool::new(&config, &protocol.proposers()),
            forgetful_disks,
            protocol,
            seed,
            rng: SimRng::new(seed),
            now: 0,
            step: 0,
            nodes,
            network: Network::default(),
            timers: VecMap::new(),
            clocks: clocks::draw(seed, &protocol_ids, world_drift),
            observers,
            liveness: None,
            explicit: None,
            scratch: Scratch::default(),
            config,
        };
        let ids: Vec<NodeId> = world.nodes.keys().copied().collect();
        for id in ids {
            world.start_node(id);
        }
        for i in 0..world.clients.clients().len() {
            world.client_next(i);
        }
        Ok(world)
    }

    /// Applies one action. On error nothing changed and the action does not count.
    pub fn apply(&mut self, action: &Action) -> Result<(), String> {
        self.validate(action)?;
        // Only the narration tells when a run goes quiet: no need to look otherwise.
        let narrating = self.observers.narrator.is_on();
        let was_quiet = narrating && self.is_quiet();
        self.step += 1;
        let step = self.step;
        self.observers.observe(WorldEvent::Step { step, action });
        if !matches!(action, Action::Auto { .. } | Action::Tick) {
            self.note(action);
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
            Action::FireTimer { node, timer } => self.fire_timer(*node, *timer),
            Action::Crash { node } => self.crash(*node),
            Action::Restart { node } => self.restart(*node),
            Action::Partition { groups } => {
                self.network.partition(groups);
                self.observers.observe(WorldEvent::Partitioned { groups });
            }
            Action::Heal => {
                self.network.heal();
                self.observers.observe(WorldEvent::Healed { by_hand: true });
            }
            Action::Submit { client, op } => self.submit(*client, op),
            Action::SetNetwork {
                drop_per_mille,
                dup_per_mille,
                delay_ticks_max,
            } => self.set_network(*drop_per_mille, *dup_per_mille, *delay_ticks_max),
            Action::EndFaults => self.end_faults(),
            Action::SetBug { bug, enabled } => self.set_bug(*bug, *enabled),
            Action::AddServer { .. } | Action::RemoveServer { .. } | Action::Reconfigure { .. } => {
                if let Some(change) = reconfig::Change::of(action) {
                    self.reconfigure(change);
                }
            }
        }
        self.watch_liveness(action);
        let narrate_quiet = !was_quiet || self.leader().is_none();
        if narrating && narrate_quiet && self.is_quiet() {
            let summary = QuietSummary::of(self);
            let went_quiet = !was_quiet;
            self.observers.observe(WorldEvent::Quiet {
                summary: &summary,
                went_quiet,
            });
        }
        Ok(())
    }

    /// From now on, keeps no trace digest and no statistics (both are cleared): for the
    /// explorer, which clones the world for every move it tries and reads neither (its
    /// counterexample replays in a full world). The protocol, the clients and the invariant
    /// checker run as before.
    pub fn set_lean(&mut self) {
        self.observers.lean = true;
        self.observers.digest = TraceDigest::default();
        self.observers.stats = Stats::default();
    }

    /// From now on, records every action as carried out, each automatic step as what it
    /// did: the delivery, drop or duplicate, each timer that fired (then the tick), the
    /// random crash, restart, partition or heal (`explore::shrink` starts from it).
    pub fn record_explicit(&mut self) {
        self.explicit = Some(Vec::new());
    }

    /// The actions recorded since [`World::record_explicit`].
    pub fn explicit_actions(&self) -> &[Action] {
        self.explicit.as_deref().unwrap_or(&[])
    }

    /// Records `action` if recording is on.
    fn note(&mut self, action: &Action) {
        if let Some(list) = self.explicit.as_mut() {
            list.push(action.clone());
        }
    }

    /// After an action: a fault disarms the liveness watch; otherwise a command overdue
    /// at this step is reported.
    fn watch_liveness(&mut self, action: &Action) {
        let clients = self.clients.clients();
        let overdue =
            liveness::after_action(&mut self.liveness, action, self.now, self.step, clients);
        if let Some(message) = overdue {
            self.observers
                .observe(WorldEvent::CommandsOverdue { message: &message });
        }
    }

    /// Switches `bug` on or off in the configuration and in every running node.
    fn set_bug(&mut self, bug: Bug, enabled: bool) {
        let mut protocol = (*self.protocol).clone();
        protocol.bugs.set(bug, enabled);
        self.forgetful_disks |= enabled && skips_disk_writes(bug);
        self.config.bugs = protocol.bugs.clone();
        self.protocol = Arc::new(protocol);
        for slot in self.nodes.values_mut() {
            if let Some(n) = Rc::make_mut(slot).node.as_mut() {
                n.set_config(self.protocol.clone());
            }
        }
        self.observers
            .observe(WorldEvent::BugSwitched { bug, enabled });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets;

    fn forgetful_world() -> World {
        let mut config = presets::scenario("steady-leader").unwrap().config;
        config.bugs.set(Bug::ForgetfulAcceptor, true);
        World::new(config, 1).unwrap()
    }

    #[test]
    fn a_bug_that_skips_disk_writes_is_remembered_even_once_switched_off() {
        let mut w = forgetful_world();
        assert!(w.forgetful_disks);
        w.apply(&Action::SetBug {
            bug: Bug::ForgetfulAcceptor,
            enabled: false,
        })
        .unwrap();
        assert!(w.forgetful_disks, "disks written under the bug still lag");
        let mut clean = World::new(presets::scenario("steady-leader").unwrap().config, 1).unwrap();
        assert!(!clean.forgetful_disks);
        clean
            .apply(&Action::SetBug {
                bug: Bug::SmallQuorum,
                enabled: true,
            })
            .unwrap();
        assert!(!clean.forgetful_disks, "a small quorum writes every disk");
    }

    /// The disk check is real: a node whose promise never reaches its disk trips it.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "disk holds what it wrote")]
    fn a_disk_missing_a_write_trips_the_persist_assertion() {
        let mut w = forgetful_world();
        w.forgetful_disks = false;
        for _ in 0..2_000 {
            w.apply(&Action::Auto { n: 1 }).unwrap();
        }
    }
}
