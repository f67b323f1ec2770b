//! The safety invariants of design.md, checked after every step of a run. The checker only
//! reads what nodes report (durable writes, decisions, applied commands) and their state;
//! it never calls protocol logic, so a bug in the protocol cannot hide itself here.
use super::chunk_map::ChunkMap;
use super::conflict::{describe, Conflict, DecidedValue};
use crate::json::ToJson;
use crate::kv::{ClientId, Op};
use crate::paxos::durable::DurableWrite;
use crate::paxos::event::Event;
use crate::paxos::{Ballot, NodeId, Ready, Slot, Value};
use crate::vec_map::{VecMap, VecSet};
use fnv::FnvHasher;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Agreement: at most one value is ever decided (or chosen by a quorum) per slot.
pub const AGREEMENT: &str = "agreement";
/// Validity: a decided value is a no-op or commands clients really submitted.
pub const VALIDITY: &str = "validity";
/// Replicas with the same applied index have the same state (applied logs are prefixes).
pub const PREFIX: &str = "applied-prefix";
/// A client command is applied at most once per replica.
pub const EXACTLY_ONCE: &str = "exactly-once";
/// An acceptor's promise never goes backwards, crashes included.
pub const PROMISE_MONOTONIC: &str = "promise-monotonic";
/// Rule 1: a ballot is used by one proposer only, once (no reuse after a restart).
pub const UNIQUE_BALLOTS: &str = "unique-ballots";
/// The client history is linearizable for a key-value store.
pub const LINEARIZABILITY: &str = "linearizability";
/// After faults stop, every submitted command commits within a bounded time.
pub const LIVENESS: &str = "liveness";

/// Every invariant with a one-line description, in display order.
pub const ALL: [(&str, &str); 8] = [
    (
        AGREEMENT,
        "At most one value is ever decided for each slot, across all nodes and all time.",
    ),
    (
        VALIDITY,
        "A decided value is a command some client submitted, or a no-op.",
    ),
    (
        PREFIX,
        "Replicas that applied the same number of slots hold the same key-value state.",
    ),
    (
        EXACTLY_ONCE,
        "A client command is applied at most once on each replica.",
    ),
    (
        PROMISE_MONOTONIC,
        "An acceptor's promised ballot never goes down, even across a crash.",
    ),
    (
        UNIQUE_BALLOTS,
        "No two proposers, and no two lives of one proposer, start phase 1 with the same ballot.",
    ),
    (
        LINEARIZABILITY,
        "Client operations look as if they ran one at a time, in real-time order.",
    ),
    (
        LIVENESS,
        "Once faults stop, every submitted command commits within a bounded time.",
    ),
];

/// A broken invariant: which one, at which step, and what exactly went wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvariantViolation {
    /// The invariant's name.
    pub invariant: &'static str,
    /// The step of the run at which it was detected.
    pub step: u64,
    /// The slot, nodes or operations involved.
    pub message: String,
    /// For an agreement violation: the slot, both values and both quorums.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub conflict: Option<Box<Conflict>>,
}

impl InvariantViolation {
    /// A violation described in words only.
    pub fn new(invariant: &'static str, step: u64, message: String) -> InvariantViolation {
        InvariantViolation {
            invariant,
            step,
            message,
            conflict: None,
        }
    }
}

/// Who found a value decided: a node's decision, or a majority of votes. Kept as data and
/// put in words only when a violation is reported (every decision of every run passes here).
#[derive(Clone, Debug)]
enum Decision {
    /// A node decided it (its commit index covered the slot).
    Node(NodeId),
    /// Enough acceptors accepted it in one ballot that no phase-1 quorum misses it (a
    /// majority, unless flexible quorums say otherwise). Shared, so a clone of the checker
    /// (every world checkpoint of the page's timeline) copies a pointer, not the set.
    Acceptors(Arc<VecSet<NodeId>>, Ballot),
}

impl Decision {
    /// The node that decided it, if a node did.
    fn node(&self) -> Option<NodeId> {
        match self {
            Decision::Node(n) => Some(*n),
            Decision::Acceptors(..) => None,
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decision::Node(n) => write!(f, "decided at n{n}"),
            Decision::Acceptors(voters, ballot) => {
                write!(f, "chosen by acceptors {voters:?} in b={ballot}")
            }
        }
    }
}

fn digest<T: Hash>(x: &T) -> u64 {
    let mut h = FnvHasher::default();
    x.hash(&mut h);
    h.finish()
}

/// The acceptors that accepted one value (by digest) in one ballot for one slot.
type Votes = (u64, VecSet<NodeId>);

/// Rule 12 as the checker reads it from the decisions it saw (not from the protocol's code):
/// the acceptors of the configuration governing each slot. A reconfiguration decided in
/// slot i with the next epoch governs slots ≥ i + α.
#[derive(Clone, Debug, Default)]
struct SlotConfigs {
    alpha: u64,
    initial: VecSet<NodeId>,
    /// Decided reconfigurations by slot: (epoch, acceptors).
    decided: VecMap<Slot, (u64, VecSet<NodeId>)>,
    /// Derived from `decided`: (first slot governed, acceptors), in slot order.
    effective: Vec<(Slot, VecSet<NodeId>)>,
}

impl SlotConfigs {
    fn record(&mut self, slot: Slot, value: &Value) {
        let Value::Reconfigure(m) = value else {
            return;
        };
        let acceptors = m.acceptors().collect();
        self.decided.insert(slot, (m.epoch, acceptors));
        self.effective.clear();
        let mut epoch = 0;
        for (slot, (e, acceptors)) in &self.decided {
            if *e == epoch + 1 {
                epoch = *e;
                self.effective.push((slot + self.alpha, acceptors.clone()));
            }
        }
    }

    /// The acceptors of the configuration governing `slot`: `None` for the initial one
    /// (whose `initial` acceptors, if known, and configured quorum sizes count).
    fn acceptors(&self, slot: Slot) -> Option<&VecSet<NodeId>> {
        self.effective
            .iter()
            .rev()
            .find(|(from, _)| *from <= slot)
            .map(|(_, a)| a)
    }
}

/// Observes a run and records violations. The maps that grow with the run (per slot, per
/// command) are [`ChunkMap`]s: a clone of the checker (every world checkpoint of the page's
/// timeline, every seek) shares their entries instead of copying them.
#[derive(Clone, Debug, Default)]
pub struct Invariants {
    /// Rule 12: each slot's acceptors; "chosen" is a true majority of them.
    configs: SlotConfigs,
    /// Votes in one ballot that make a value chosen (a majority, or n − |Q1| + 1).
    chosen_at: usize,
    /// Rule 12: the configured phase-1 quorum size, which holds in every configuration
    /// (`None`: majorities).
    phase1_quorum: Option<usize>,
    /// Slot → the one value decided or quorum-chosen there (digest, value, who).
    decided: ChunkMap<Slot, (u64, Value, Decision)>,
    /// (slot, ballot) → per value digest, the acceptors that accepted it in that ballot.
    votes: ChunkMap<(Slot, Ballot), Vec<Votes>>,
    /// Ballot → the acceptors whose promises made its proposer leader, as it reported them
    /// (only used to explain an agreement violation).
    phase1: VecMap<Ballot, Vec<NodeId>>,
    /// Slots whose conflict was reported in full.
    conflicted: VecSet<Slot>,
    /// Keyed by (seq, client), not (client, seq): clients number their commands alike and
    /// submit them in turn, so a new key comes at or near the end (a push, not an insert
    /// that moves every later client's commands: most of a replay's checking in the page).
    submitted: ChunkMap<(u64, ClientId), Op>,
    /// Node → (seq, client) of each command it executed → the slot.
    executed: VecMap<NodeId, ChunkMap<(u64, ClientId), Slot>>,
    max_promise: VecMap<NodeId, Ballot>,
    state_at: ChunkMap<Slot, (u64, NodeId)>,
    ballot_owner: VecMap<Ballot, (NodeId, u32)>,
    incarnation: VecMap<NodeId, u32>,
    violations: Vec<InvariantViolation>,
}

impl Invariants {
    /// A checker for a cluster with `acceptors` acceptors (ids 1 to `acceptors`), never
    /// reconfigured. "Chosen" always means a true majority, whatever quorum size a buggy
    /// configuration uses.
    pub fn new(acceptors: usize) -> Self {
        Invariants::chosen_at(acceptors / 2 + 1)
    }

    /// A checker that calls a value chosen once `votes` acceptors accepted it in one ballot
    /// (rule 12: with flexible quorums, n − |Q1| + 1, the fewest no phase-1 quorum misses).
    pub fn chosen_at(votes: usize) -> Self {
        Invariants::reconfigurable(Vec::new(), 1, votes)
    }

    /// A checker for a cluster whose initial acceptors are `acceptors` (none: any node
    /// counts) with `chosen_at` votes making a value chosen, and whose reconfigurations take
    /// effect `alpha` slots after the slot they are decided in (rule 12: in a later
    /// configuration, "chosen" is a true majority of its acceptors).
    pub fn reconfigurable(acceptors: Vec<NodeId>, alpha: u64, chosen_at: usize) -> Self {
        Invariants {
            configs: SlotConfigs {
                alpha,
                initial: acceptors.into_iter().collect(),
                ..Default::default()
            },
            chosen_at: chosen_at.max(1),
            ..Default::default()
        }
    }

    /// The same checker for a run with a configured phase-1 quorum size: in a later
    /// configuration of n acceptors a value is chosen at n − |Q1| + 1 votes, as in the
    /// initial one (rule 12: the sizes hold in every configuration).
    pub fn with_phase1_quorum(mut self, phase1_quorum: Option<usize>) -> Self {
        self.phase1_quorum = phase1_quorum;
        self
    }

    /// Feeds everything a later check depends on to `h` (decided values, votes per ballot,
    /// submitted and executed commands, promises, replica states, ballot owners and
    /// incarnations; not the explanations kept for messages): the explorer's fingerprint
    /// of a state merges two runs only if the checker would judge their futures alike.
    pub fn fingerprint<H: Hasher>(&self, h: &mut H) {
        for (slot, (digest, _, _)) in self.decided.iter() {
            (slot, digest).hash(h);
        }
        self.votes.hash(h);
        self.submitted.hash(h);
        self.executed.hash(h);
        self.max_promise.hash(h);
        self.state_at.hash(h);
        self.ballot_owner.hash(h);
        self.incarnation.hash(h);
    }

    /// The violations found so far (at most 100 are kept).
    pub fn violations(&self) -> &[InvariantViolation] {
        &self.violations
    }

    /// Records a violation found outside this checker (linearizability, liveness).
    pub fn report(&mut self, invariant: &'static str, step: u64, message: String) {
        self.record(InvariantViolation::new(invariant, step, message));
    }

    fn record(&mut self, violation: InvariantViolation) {
        if self.violations.len() < 100 {
            self.violations.push(violation);
        }
    }

    /// A client submitted a command: it becomes a valid value (validity).
    pub fn on_submit(&mut self, client: ClientId, seq: u64, op: &Op) {
        self.submitted.insert((seq, client), op.clone());
    }

    /// Checks what node `node` reported in one step.
    pub fn on_ready(&mut self, step: u64, node: NodeId, ready: &Ready) {
        for w in &ready.persist {
            match w {
                DurableWrite::Accept {
                    slot,
                    ballot,
                    value,
                } => self.on_vote(step, node, *slot, *ballot, value),
                DurableWrite::Promise { ballot } => self.raise_promise(node, *ballot),
                _ => {}
            }
        }
        for e in &ready.events {
            if let Event::BecameLeader {
                ballot,
                promised_by,
                ..
            } = e
            {
                self.phase1.insert(*ballot, promised_by.clone());
            }
        }
        for (slot, value) in &ready.decided {
            self.on_decided(step, *slot, value, Decision::Node(node));
        }
        for a in &ready.applied {
            if !a.executed {
                continue;
            }
            let key = (a.command().seq, a.command().client);
            let seen = self.executed.entry(node).or_default();
            if let Some(first) = seen.insert(key, a.slot) {
                let m = format!(
                    "n{node} applied c{}#{} ({}) twice: in slot {first} and in slot {}",
                    key.1,
                    key.0,
                    a.command().op,
                    a.slot
                );
                self.report(EXACTLY_ONCE, step, m);
            }
        }
    }

    fn on_vote(&mut self, step: u64, node: NodeId, slot: Slot, ballot: Ballot, value: &Value) {
        let d = digest(value);
        let entry = self.votes.get_or_insert_with((slot, ballot), Vec::new);
        let voters = match entry.iter_mut().find(|(x, _)| *x == d) {
            Some((_, v)) => v,
            None => {
                entry.push((d, VecSet::new()));
                &mut entry.last_mut().expect("just pushed").1
            }
        };
        voters.insert(node);
        // Rule 12: counted among the acceptors of the slot's configuration.
        let (acceptors, chosen_at) = match self.configs.acceptors(slot) {
            Some(a) => {
                let n = a.len();
                let votes = match self.phase1_quorum {
                    Some(q1) if q1 <= n => n + 1 - q1,
                    _ => n / 2 + 1,
                };
                (a, votes)
            }
            None => (&self.configs.initial, self.chosen_at),
        };
        let member = |v: &NodeId| acceptors.is_empty() || acceptors.contains(v);
        let members = voters.iter().filter(|v| member(v)).count();
        if member(&node) && members == chosen_at {
            let who = Decision::Acceptors(Arc::new(voters.clone()), ballot);
            self.on_decided(step, slot, value, who);
        }
    }

    fn on_decided(&mut self, step: u64, slot: Slot, value: &Value, who: Decision) {
        for c in value.commands() {
            if self.submitted.get(&(c.seq, c.client)) != Some(&c.op) {
                let m = format!(
                    "slot {slot} holds c{}#{} ({}) that no client submitted",
                    c.client, c.seq, c.op
                );
                self.report(VALIDITY, step, m);
            }
        }
        let d = digest(value);
        match self.decided.get(&slot) {
            Some((first, v, first_who)) if *first != d => {
                let m = format!(
                    "slot {slot}: \"{}\" ({}) but also \"{}\" ({})",
                    describe(v),
                    first_who,
                    describe(value),
                    who
                );
                // The first report of a slot carries the whole conflict; later ones (more
                // nodes deciding either value) are words only.
                let conflict = if self.conflicted.insert(slot) {
                    let earlier =
                        DecidedValue::new(v, self.votes_for(slot, *first), first_who.node());
                    let later = DecidedValue::new(value, self.votes_for(slot, d), who.node());
                    let promised = |b| self.phase1.get(&b).cloned();
                    Some(Box::new(Conflict::new(slot, earlier, later, promised)))
                } else {
                    None
                };
                self.record(InvariantViolation {
                    conflict,
                    ..InvariantViolation::new(AGREEMENT, step, m)
                });
            }
            Some(_) => {}
            None => {
                self.configs.record(slot, value);
                self.decided.insert(slot, (d, value.clone(), who));
            }
        }
    }

    /// Every (ballot, acceptors) that accepted the value with digest `d` for `slot`.
    fn votes_for(&self, slot: Slot, d: u64) -> impl Iterator<Item = (Ballot, &VecSet<NodeId>)> {
        self.votes
            .iter()
            .filter(move |((s, _), _)| *s == slot)
            .flat_map(move |((_, b), vs)| {
                vs.iter()
                    .filter(move |(x, _)| *x == d)
                    .map(move |(_, voters)| (*b, voters))
            })
    }

    fn raise_promise(&mut self, node: NodeId, ballot: Ballot) {
        let max = self.max_promise.entry(node).or_insert(ballot);
        if ballot > *max {
            *max = ballot;
        }
    }

    /// After a step (or a restart): the acceptor's current promise must not be below the
    /// highest it ever made.
    pub fn on_promise_state(&mut self, step: u64, node: NodeId, promised: Option<Ballot>) {
        if let Some(p) = promised {
            self.raise_promise(node, p);
        }
        if let Some(max) = self.max_promise.get(&node).copied() {
            if promised.is_none_or(|p| p < max) {
                let now = promised.map_or("nothing".to_string(), |p| format!("b={p}"));
                let m = format!("acceptor n{node} had promised b={max} but now holds {now}");
                self.report(PROMISE_MONOTONIC, step, m);
                self.max_promise
                    .insert(node, promised.unwrap_or(Ballot::new(0, 0)));
            }
        }
    }

    /// A replica reached `applied_index` with state digest `state`: any other replica at the
    /// same index must have had the same state.
    pub fn on_replica_state(&mut self, step: u64, node: NodeId, applied_index: Slot, state: u64) {
        if applied_index == 0 {
            return;
        }
        match self.state_at.get(&applied_index) {
            Some((d, other)) if *d != state => {
                let m = format!("n{node} and n{other} both applied {applied_index} slots but hold different states");
                self.report(PREFIX, step, m);
            }
            Some(_) => {}
            None => {
                self.state_at.insert(applied_index, (state, node));
            }
        }
    }

    /// Node `node` sent a Prepare for `ballot`: no other proposer, and no earlier life of
    /// this one, may have used it (unique ballots).
    pub fn on_prepare(&mut self, step: u64, node: NodeId, ballot: Ballot) {
        let life = self.incarnation.get(&node).copied().unwrap_or(0);
        match self.ballot_owner.get(&ballot) {
            Some(&(n, l)) if (n, l) != (node, life) => {
                let who = if n == node {
                    format!(
                        "n{node} reused b={ballot} after a restart (it used it before it crashed)"
                    )
                } else {
                    format!("n{node} and n{n} both ran phase 1 with b={ballot}")
                };
                self.report(UNIQUE_BALLOTS, step, who);
                self.ballot_owner.insert(ballot, (node, life));
            }
            Some(_) => {}
            None => {
                self.ballot_owner.insert(ballot, (node, life));
            }
        }
    }

    /// A node restarted: a new life begins for ballot ownership.
    pub fn on_restart(&mut self, node: NodeId) {
        *self.incarnation.entry(node).or_insert(0) += 1;
    }

    /// A replica restarted from a snapshot at `snapshot_index`: what it applied after that
    /// is rolled back and may be applied again.
    pub fn on_replica_restart(&mut self, node: NodeId, snapshot_index: Slot) {
        if let Some(seen) = self.executed.get_mut(&node) {
            seen.retain(|_, slot| *slot < snapshot_index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paxos::Command;

    fn put(v: &str) -> Value {
        Value::Commands(
            vec![Command {
                client: 1,
                seq: 1,
                op: Op::Put {
                    key: "x".into(),
                    value: v.into(),
                },
            }]
            .into(),
        )
    }

    fn vote(slot: Slot, round: u64, v: &Value) -> Ready {
        Ready {
            persist: vec![DurableWrite::Accept {
                slot,
                ballot: Ballot::new(round, 9),
                value: v.clone(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn two_quorums_choosing_different_values_break_agreement() {
        let mut inv = Invariants::new(3);
        inv.on_submit(1, 1, &put("a").commands()[0].op);
        for n in [1, 2] {
            inv.on_ready(1, n, &vote(0, 1, &put("a")));
        }
        assert!(inv.violations().is_empty());
        for n in [2, 3] {
            inv.on_ready(2, n, &vote(0, 2, &Value::Noop));
        }
        assert_eq!(inv.violations()[0].invariant, AGREEMENT);
        assert!(inv.violations()[0].message.contains("slot 0"));
        // The report names both values with their commands, and both (intersecting) quorums.
        let c = inv.violations()[0].conflict.as_deref().expect("a conflict");
        assert_eq!((c.slot, c.first.value.as_str()), (0, "c1#1 put x=a"));
        assert_eq!(c.first.acceptors, vec![1, 2]);
        assert_eq!(
            (c.second.value.as_str(), c.second.acceptors.clone()),
            ("no-op", vec![2, 3])
        );
        assert_eq!(c.second.ballot, Some(Ballot::new(2, 9)));
        // No leader reported its promises here: the two accept quorums are compared.
        assert_eq!(c.quorums.len(), 2);
        assert!(c.quorums.iter().all(|q| q.phase == "accepted"));
        assert!(c.quorums_intersect);
    }

    #[test]
    fn decisions_on_quorums_that_do_not_intersect_are_reported_with_both_quorums() {
        // Five acceptors, two leaders each deciding slot 0 on two votes (a quorum too small).
        let mut inv = Invariants::new(5);
        inv.on_submit(1, 1, &put("a").commands()[0].op);
        for n in [1, 2] {
            inv.on_ready(1, n, &vote(0, 1, &put("a")));
        }
        for n in [3, 4] {
            inv.on_ready(2, n, &vote(0, 2, &Value::Noop));
        }
        assert!(
            inv.violations().is_empty(),
            "no majority chose anything yet"
        );
        let decide = |v: Value| Ready {
            decided: vec![(0, v)],
            ..Default::default()
        };
        inv.on_ready(3, 2, &decide(put("a")));
        inv.on_ready(4, 4, &decide(Value::Noop));
        let v = &inv.violations()[0];
        assert_eq!((v.invariant, v.step), (AGREEMENT, 4));
        let c = v.conflict.as_deref().expect("a conflict");
        assert_eq!(
            (c.first.acceptors.clone(), c.first.decided_at),
            (vec![1, 2], Some(2))
        );
        assert_eq!(
            (c.second.acceptors.clone(), c.second.decided_at),
            (vec![3, 4], Some(4))
        );
        assert_eq!(c.quorums[0].acceptors, vec![1, 2]);
        assert_eq!(c.quorums[1].acceptors, vec![3, 4]);
        assert!(!c.quorums_intersect);
    }

    #[test]
    fn the_later_leaders_promises_are_the_quorum_that_missed_the_chosen_value() {
        // b=1.9 chose "a" on {2, 4}; b=2.9's leader won on promises from {3, 5} (none of
        // which had accepted "a"), then got its no-op accepted by {3, 4}.
        let mut inv = Invariants::new(5);
        inv.on_submit(1, 1, &put("a").commands()[0].op);
        for n in [2, 4] {
            inv.on_ready(1, n, &vote(0, 1, &put("a")));
        }
        let won = Ready {
            events: vec![Event::BecameLeader {
                ballot: Ballot::new(2, 9),
                promised_by: vec![3, 5],
                count: crate::paxos::quorum::QuorumCount {
                    other: 2,
                    got: 2,
                    acceptors: 5,
                    quorum: 2,
                },
                adopted: 0,
                noops: 1,
            }],
            ..Default::default()
        };
        inv.on_ready(2, 9, &won);
        for n in [3, 4] {
            inv.on_ready(3, n, &vote(0, 2, &Value::Noop));
        }
        inv.on_ready(
            4,
            2,
            &Ready {
                decided: vec![(0, put("a"))],
                ..Default::default()
            },
        );
        inv.on_ready(
            5,
            3,
            &Ready {
                decided: vec![(0, Value::Noop)],
                ..Default::default()
            },
        );
        let c = inv.violations()[0].conflict.as_deref().expect("a conflict");
        // The accept quorums share acceptor 4 (it accepted both, legally, in rising
        // ballots); the quorum that missed "a" is the later leader's promise quorum.
        assert_eq!(
            (c.quorums[0].phase, c.quorums[0].acceptors.clone()),
            ("accepted", vec![2, 4])
        );
        assert_eq!(
            (c.quorums[1].phase, c.quorums[1].acceptors.clone()),
            ("promised", vec![3, 5])
        );
        assert_eq!(c.quorums[1].value, 1);
        assert!(!c.quorums_intersect);
    }

    #[test]
    fn a_minority_vote_is_not_a_choice_and_unsubmitted_values_are_invalid() {
        let mut inv = Invariants::new(5);
        inv.on_submit(1, 1, &put("a").commands()[0].op);
        inv.on_ready(1, 1, &vote(0, 1, &put("a")));
        inv.on_ready(1, 2, &vote(0, 2, &Value::Noop));
        assert!(inv.violations().is_empty());
        let ready = Ready {
            decided: vec![(3, put("zzz"))],
            ..Default::default()
        };
        inv.on_ready(2, 1, &ready);
        assert_eq!(inv.violations()[0].invariant, VALIDITY);
    }

    #[test]
    fn promise_going_backwards_is_caught() {
        let mut inv = Invariants::new(3);
        inv.on_promise_state(1, 1, Some(Ballot::new(3, 1)));
        inv.on_promise_state(2, 1, Some(Ballot::new(3, 1)));
        assert!(inv.violations().is_empty());
        inv.on_promise_state(3, 1, None);
        assert_eq!(inv.violations()[0].invariant, PROMISE_MONOTONIC);
    }

    #[test]
    fn a_ballot_used_by_two_proposers_or_two_lives_is_caught() {
        let mut inv = Invariants::new(3);
        inv.on_prepare(1, 1, Ballot::new(1, 1));
        inv.on_prepare(2, 1, Ballot::new(1, 1)); // a retransmission by the same life is fine
        assert!(inv.violations().is_empty());
        inv.on_restart(1);
        inv.on_prepare(3, 1, Ballot::new(1, 1));
        assert_eq!(inv.violations()[0].invariant, UNIQUE_BALLOTS);
        inv.on_prepare(4, 2, Ballot::new(2, 0));
        inv.on_prepare(5, 3, Ballot::new(2, 0));
        assert!(inv.violations()[1].message.contains("both"));
    }

    #[test]
    fn different_states_at_the_same_index_are_caught() {
        let mut inv = Invariants::new(3);
        inv.on_replica_state(1, 1, 5, 42);
        inv.on_replica_state(2, 2, 5, 42);
        assert!(inv.violations().is_empty());
        inv.on_replica_state(3, 3, 5, 43);
        assert_eq!(inv.violations()[0].invariant, PREFIX);
    }
}
