//! The world's mechanics: the scheduler's step, time and timers, delivering, dropping and
//! duplicating messages, crashing and restarting nodes, and carrying out a node's step
//! (disk writes first, then timers, then messages). Each emits what happened as a
//! [`WorldEvent`].
use super::World;
use crate::paxos::durable::DurableState;
use crate::paxos::event::Event;
use crate::paxos::{Addr, Envelope, Input, Node, NodeId, Ready, TimerCmd, TimerKind};
use crate::sim::action::Action;
use crate::sim::event::WorldEvent;
use std::rc::Rc;

impl World {
    /// One scheduler step: maybe a random fault, then deliver (or drop / duplicate) a random
    /// deliverable message, or advance time.
    pub(super) fn auto(&mut self) {
        self.random_faults();
        let n = self.network.deliverable_count(self.now);
        if n == 0 || self.rng.chance(self.config.tick_per_mille) {
            self.tick();
            return;
        }
        let i = self.rng.index(n);
        let at = self
            .network
            .nth_deliverable(self.now, i)
            .expect("index in range");
        let id = self.network.messages()[at].id;
        if self.rng.chance(self.config.network.drop_per_mille) {
            self.note(&Action::Drop { id });
            self.drop_at(at);
            return;
        }
        if self.rng.chance(self.config.network.dup_per_mille) {
            self.note(&Action::Duplicate { id });
            // The copy goes to the end of the list: the original stays at `at`.
            self.duplicate(id);
        }
        self.note(&Action::Deliver { id });
        self.deliver_at(at);
    }

    /// Advances time by one tick and fires every timer that is due, in a fixed order:
    /// node timers by (node, kind), then client retries by client.
    pub(super) fn tick(&mut self) {
        self.now += 1;
        self.observers.observe(WorldEvent::Tick { now: self.now });
        let due: Vec<(NodeId, TimerKind)> = self
            .timers
            .iter()
            .filter(|(_, at)| **at <= self.now)
            .map(|(k, _)| *k)
            .collect();
        for &(node, timer) in &due {
            self.note(&Action::FireTimer { node, timer });
        }
        self.note(&Action::Tick);
        for (node, kind) in due {
            self.timers.remove(&(node, kind));
            debug_assert!(!self.is_crashed(node), "a crashed node has no timers");
            self.run_node(node, Input::Timeout(kind));
        }
        for client in self.clients.take_due(self.now) {
            self.client_retry(client);
        }
    }

    /// A person fires a running proposer's timer ahead of time.
    pub(super) fn fire_timer(&mut self, node: NodeId, kind: TimerKind) {
        self.timers.remove(&(node, kind));
        self.observers
            .observe(WorldEvent::TimerFiredByHand { node, kind });
        self.run_node(node, Input::Timeout(kind));
    }

    /// Takes message `id` off the wire and hands it to its recipient, unless the recipient
    /// is crashed or on the other side of a partition (then it is lost).
    pub(super) fn deliver(&mut self, id: u64) {
        if let Some(at) = self.place_in_flight(id) {
            self.deliver_at(at);
        }
    }

    /// The place of message `id` in the network's list (callers checked it is in flight).
    fn place_in_flight(&self, id: u64) -> Option<usize> {
        let at = self.network.position(id);
        debug_assert!(at.is_some(), "message {id} was in flight");
        at
    }

    /// [`World::deliver`] for the message at place `at` of the network's list.
    fn deliver_at(&mut self, at: usize) {
        let m = self.network.take_at(at);
        let id = m.id;
        match m.env.to {
            Addr::Client(c) => {
                self.observers
                    .observe(WorldEvent::Delivered { env: &m.env, id });
                let env = self.network.open(m.env);
                self.client_receive(c, env.msg);
            }
            Addr::Node(n) => {
                debug_assert!(self.nodes.contains_key(&n), "n{n} exists");
                if self.is_crashed(n) || !self.network.connected(m.env.from, m.env.to) {
                    self.observers
                        .observe(WorldEvent::Unreachable { env: &m.env, id });
                    return;
                }
                self.observers
                    .observe(WorldEvent::Delivered { env: &m.env, id });
                let env = self.network.open(m.env);
                self.run_node(n, Input::Message(env));
            }
        }
    }

    /// Loses message `id`.
    pub(super) fn drop_message(&mut self, id: u64) {
        if let Some(at) = self.place_in_flight(id) {
            self.drop_at(at);
        }
    }

    /// [`World::drop_message`] for the message at place `at` of the network's list.
    fn drop_at(&mut self, at: usize) {
        let m = self.network.take_at(at);
        self.observers.observe(WorldEvent::Dropped {
            id: m.id,
            env: &m.env,
        });
    }

    /// Puts a copy of message `id` in flight, due at the same tick.
    pub(super) fn duplicate(&mut self, id: u64) {
        let original = self.network.get(id).cloned();
        debug_assert!(original.is_some(), "message {id} was in flight");
        if let Some(m) = original {
            let copy = self.network.push((*m.env).clone(), m.deliver_at);
            let env = &m.env;
            self.observers
                .observe(WorldEvent::Duplicated { id, copy, env });
        }
    }

    /// Crashes a running node: its volatile state, timers and inbound messages are lost;
    /// its disk stays.
    pub(super) fn crash(&mut self, id: NodeId) {
        let slot = self.nodes.get_mut(&id).map(Rc::make_mut);
        debug_assert!(slot.is_some(), "n{id} exists");
        let Some(slot) = slot else {
            return;
        };
        let was_running = slot.node.take().is_some();
        debug_assert!(was_running, "only a running node crashes");
        if !was_running {
            return;
        }
        self.timers.retain(|(n, _), _| *n != id);
        let lost = self.network.drop_inbox(id);
        self.observers.observe(WorldEvent::Crashed {
            node: id,
            lost: &lost,
        });
    }

    /// Restarts a crashed node from its disk.
    pub(super) fn restart(&mut self, id: NodeId) {
        let slot = self.nodes.get_mut(&id).map(Rc::make_mut);
        debug_assert!(slot.is_some(), "n{id} exists");
        let Some(slot) = slot else {
            return;
        };
        debug_assert!(slot.node.is_none(), "only a crashed node restarts");
        if slot.node.is_some() {
            return;
        }
        let mut node = Node::joining(id, slot.roles, self.protocol.clone(), slot.disk.clone());
        node.set_clock(self.clocks.get(&id).map_or(self.now, |c| c.read(self.now)));
        let mut ready = node.start();
        let node = slot.node.insert(node);
        self.observers.observe(WorldEvent::Restarted { node });
        self.process(id, &mut ready);
    }

    /// Starts node `id` for the first time.
    pub(super) fn start_node(&mut self, id: NodeId) {
        let clock = self.local_clock(id);
        let node = self
            .nodes
            .get_mut(&id)
            .map(Rc::make_mut)
            .and_then(|s| s.node.as_mut());
        debug_assert!(node.is_some(), "n{id} runs");
        if let Some(node) = node {
            node.set_clock(clock);
            let mut ready = node.start();
            self.process(id, &mut ready);
        }
    }

    /// Hands `input` to node `id` if it runs, and carries out its step.
    pub(super) fn run_node(&mut self, id: NodeId, input: Input) {
        let clock = self.local_clock(id);
        let Some(node) = self
            .nodes
            .get_mut(&id)
            .map(Rc::make_mut)
            .and_then(|s| s.node.as_mut())
        else {
            return;
        };
        node.set_clock(clock);
        // The world's one Ready, its lists emptied after each step: a step allocates
        // nothing for them (taken out while in use, so a nested step gets a fresh one).
        let mut ready = self.scratch.0.take().unwrap_or_default();
        node.step_into(input, &mut ready);
        self.process(id, &mut ready);
        ready.clear();
        self.scratch.0 = Some(ready);
    }

    /// Carries out a node's step: disk writes first, then timers, then messages.
    fn process(&mut self, id: NodeId, ready: &mut Ready) {
        if !ready.persist.is_empty() {
            if let Some(slot) = self.nodes.get_mut(&id).map(Rc::make_mut) {
                for w in &ready.persist {
                    slot.disk.apply(w);
                }
            }
        }
        let slot = self.nodes.get(&id);
        debug_assert!(slot.is_some(), "n{id} exists");
        let Some(slot) = slot else {
            return;
        };
        debug_assert!(
            self.forgetful_disks
                || slot
                    .node
                    .as_ref()
                    .is_none_or(|n| disk_mirrors(&slot.disk, n.durable())),
            "n{id}'s disk holds what it wrote (rule 2: persist before sending)"
        );
        if let Some(state) = slot.node.as_ref() {
            let ready = &*ready;
            self.observers.observe(WorldEvent::Stepped {
                node: id,
                ready,
                state,
            });
        }
        for e in &ready.events {
            if let Event::ReadLocally { client, seq } = e {
                self.clients.note_local_read(*client, *seq);
            }
        }
        for t in &ready.timers {
            self.set_timer(id, *t);
        }
        for env in ready.messages.drain(..) {
            debug_assert_eq!(env.from, Addr::Node(id), "a node sends as itself");
            self.send(env);
        }
    }

    /// Sets or cancels one of node `id`'s timers; a jittered timer draws its extra delay.
    fn set_timer(&mut self, id: NodeId, t: TimerCmd) {
        match t {
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
                // The node counts in ticks of its own clock (rule 12: clocks drift).
                let wait = self
                    .clocks
                    .get(&id)
                    .map_or(after + extra, |c| c.world_ticks(self.now, after + extra));
                self.timers.insert((id, kind), self.now + wait);
            }
            TimerCmd::Cancel { kind } => {
                self.timers.remove(&(id, kind));
            }
        }
    }

    /// Node `id`'s clock reading now (rule 12: each node's clock drifts within the bound).
    pub(super) fn local_clock(&self, id: NodeId) -> u64 {
        self.clocks.get(&id).map_or(self.now, |c| c.read(self.now))
    }

    /// Puts a message on the wire with a random delay, unless a partition swallows it.
    pub(super) fn send(&mut self, env: Envelope) {
        let lost = !self.network.connected(env.from, env.to);
        if lost {
            self.observers.observe(WorldEvent::Sent {
                env: &env,
                id: None,
                lost,
            });
            return;
        }
        let delay = match self.config.network.delay_ticks_max {
            0 => 0,
            d => self.rng.between(0, d),
        };
        let id = self.network.push(env, self.now + delay);
        let env = &self.network.messages().last().expect("just pushed").env;
        self.observers.observe(WorldEvent::Sent {
            env,
            id: Some(id),
            lost,
        });
    }
}

/// Whether a disk holds what the running node believes it made durable: the same promise,
/// proposer round and snapshot point, and the same votes (compared by count, truncation
/// point and newest vote, which stays cheap on long logs). A role's state the node never
/// wrote yet counts as its default.
fn disk_mirrors(disk: &DurableState, memory: &DurableState) -> bool {
    let round = |d: &DurableState| d.proposer.as_ref().map_or(0, |p| p.max_round);
    let snapshot = |d: &DurableState| d.replica.as_ref().map_or(0, |r| r.snapshot.index);
    let votes = |d: &DurableState| {
        d.acceptor.as_ref().map_or((None, 0, 0, None), |a| {
            let newest = a.accepted.iter().next_back().map(|(s, v)| (*s, v.0));
            (a.promised, a.truncated_below, a.accepted.len(), newest)
        })
    };
    round(disk) == round(memory)
        && snapshot(disk) == snapshot(memory)
        && votes(disk) == votes(memory)
}
