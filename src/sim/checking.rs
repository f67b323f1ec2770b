//! Feeds the invariant checker (`check::invariants`) from the world's events: what nodes
//! report after each step and on restart, their promises and replica states, the commands
//! clients submit, and commands overdue after faults stop (liveness). Off unless the
//! configuration asks for checks.
use super::event::WorldEvent;
use crate::check::invariants::{InvariantViolation, Invariants, LIVENESS};
use crate::paxos::replica::Replica;
use crate::paxos::{Message, Node, NodeId, Ready, Slot};
use crate::vec_map::VecMap;
use fnv::FnvHasher;
use std::hash::{Hash, Hasher};

/// The invariant checker with the step it is at.
#[derive(Clone, Debug)]
pub struct CheckFeed {
    on: bool,
    step: u64,
    invariants: Invariants,
    /// Node → the applied index whose state it last reported (applied prefix). A replica's
    /// state changes only with its applied index (a slot applied, a snapshot installed), so
    /// a step that leaves the index where it was is not hashed again; a restart forgets it.
    reported: VecMap<NodeId, Slot>,
}

/// A digest of a replica's key-value state and sessions.
fn replica_state(r: &Replica) -> u64 {
    let mut h = FnvHasher::default();
    r.kv.hash(&mut h);
    for (c, s) in &r.sessions {
        (c, s.seq).hash(&mut h);
    }
    h.finish()
}

/// The promise an acceptor holds (`None` for no promise or no acceptor).
fn promise(node: &Node) -> Option<crate::paxos::Ballot> {
    node.durable().acceptor.as_ref().and_then(|a| a.promised)
}

use crate::paxos::quorum::Quorums;

impl CheckFeed {
    /// A checker for a cluster whose initial acceptors are `acceptors` with configured
    /// quorum sizes `quorums` (rule 12: a value counts as chosen at [`Quorums::chosen_at`]
    /// votes), and whose reconfigurations take effect `alpha` slots later (rule 12: then
    /// n − |Q1| + 1 of the slot's n acceptors with a configured `phase1_quorum`, else a
    /// majority); `on` is `config.check`.
    pub fn new(
        on: bool,
        acceptors: Vec<NodeId>,
        quorums: Quorums,
        phase1_quorum: Option<usize>,
        alpha: u64,
    ) -> Self {
        CheckFeed {
            on,
            step: 0,
            invariants: Invariants::reconfigurable(acceptors, alpha, quorums.chosen_at())
                .with_phase1_quorum(phase1_quorum),
            reported: VecMap::new(),
        }
    }

    /// Feeds what the invariants remember of the run to `h` (the step counter is left out):
    /// part of the explorer's fingerprint of a state (`crate::explore`).
    pub fn fingerprint<H: std::hash::Hasher>(&self, h: &mut H) {
        self.invariants.fingerprint(h);
    }

    /// Whether the checker is on (`config.check`).
    #[inline]
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The violations found so far.
    pub fn violations(&self) -> &[InvariantViolation] {
        self.invariants.violations()
    }

    /// Checks what one event shows.
    pub fn observe(&mut self, e: &WorldEvent) {
        if !self.on {
            return;
        }
        match *e {
            WorldEvent::Step { step, .. } => self.step = step,
            WorldEvent::Stepped { node, ready, state } => self.stepped(node, ready, state),
            WorldEvent::Restarted { node } => {
                let id = node.id();
                self.reported.remove(&id);
                self.invariants.on_restart(id);
                self.invariants
                    .on_promise_state(self.step, id, promise(node));
                let snapshot_index = node.replica().map_or(0, |r| r.snapshot_index);
                self.invariants.on_replica_restart(id, snapshot_index);
            }
            WorldEvent::CommandSubmitted { client, seq, op } => {
                self.invariants.on_submit(client, seq, op)
            }
            WorldEvent::CommandsOverdue { message } => {
                self.invariants
                    .report(LIVENESS, self.step, message.to_string())
            }
            _ => {}
        }
    }

    fn stepped(&mut self, id: NodeId, ready: &Ready, node: &Node) {
        let step = self.step;
        self.invariants.on_ready(step, id, ready);
        self.invariants.on_promise_state(step, id, promise(node));
        let touched = !(ready.applied.is_empty() && ready.persist.is_empty());
        if let Some(r) = node.replica().filter(|_| touched) {
            if self.reported.get(&id) != Some(&r.applied_index) {
                self.reported.insert(id, r.applied_index);
                let digest = replica_state(r);
                self.invariants
                    .on_replica_state(step, id, r.applied_index, digest);
            }
        }
        for env in &ready.messages {
            if let Message::Prepare { ballot, .. } = env.msg {
                self.invariants.on_prepare(step, id, ballot);
            }
        }
    }
}
