//! The proposer's state (rules 4, 5, 7): following, preparing (phase 1) or leading
//! (phase 2 only), its proposals in flight and its queue of client commands, and the
//! rule-4 choice of values to re-propose. Pure data: the node's handlers for this role are
//! in [`super::node`] (`election.rs` and `leader.rs`).
use super::ballot::Ballot;
use super::membership::Membership;
use super::message::AcceptedEntry;
use super::replica::Replica;
use super::value::{Command, Value};
use super::{NodeId, Slot};
use crate::json::ToJson;
use crate::vec_map::{VecMap, VecSet};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Where a proposer stands.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "phase", rename_all = "lowercase")]
pub enum Phase {
    /// Not trying to lead: waits for its election timer.
    Following,
    /// Phase 1 under way for `ballot`.
    Preparing(Preparing),
    /// Phase 1 won: runs phase 2 only (rule 5).
    Leading(Leading),
}

/// Phase 1 in progress.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Preparing {
    /// The ballot being prepared.
    pub ballot: Ballot,
    /// First slot not known decided when phase 1 started.
    pub from_slot: Slot,
    /// Promises so far: acceptor → (its compaction point, what it accepted).
    pub promises: VecMap<NodeId, (Slot, Vec<AcceptedEntry>)>,
}

/// A slot proposed in phase 2 and not yet decided.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Proposal {
    /// The proposed value.
    pub value: Value,
    /// Acceptors that accepted it in the leader's ballot.
    pub acks: VecSet<NodeId>,
    /// Heartbeat intervals since it was (re)sent; drives retransmission.
    pub age: u32,
    /// Times it was resent: each resend waits twice as long (up to 32 intervals), so a
    /// congested network is not flooded with copies.
    pub resends: u32,
}

/// Leadership state.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Leading {
    /// The leader's ballot.
    pub ballot: Ballot,
    /// Next slot to propose a new command in.
    pub next_slot: Slot,
    /// Proposed but not yet decided slots (at most `window`, rule 5).
    pub proposals: VecMap<Slot, Proposal>,
    /// Slots below this were compacted by some acceptor: chosen, but this leader may not
    /// know their values and must catch up on them (rule 9) instead of proposing.
    pub catch_up_below: Slot,
    /// Rule 12: the acceptors whose promises won phase 1; a slot is proposed only if they
    /// are a phase-1 quorum of its configuration.
    pub promised_by: VecSet<NodeId>,
    /// Rule 12: values phase 1 said to re-propose in slots whose configuration this leader
    /// does not know yet (they lie α or more slots past its applied index).
    pub deferred: VecMap<Slot, Value>,
    /// Rule 12 (leases): the lease this leader asks for and holds, in lease read mode
    /// (absent in log read mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub lease: Option<LeaderLease>,
}

/// Rule 12 (leases): a leader's lease. Each heartbeat asks for a new round; once a phase-2
/// quorum granted a round, the leader may answer reads alone until the tick of its own
/// clock it asked at plus `Config::leader_lease_ticks`.
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LeaderLease {
    /// The last lease round asked for.
    pub round: u64,
    /// Rounds still able to extend the lease: (round, tick of the leader's clock it was
    /// asked at, acceptors that granted it).
    pub asked: Vec<(u64, u64, VecSet<NodeId>)>,
    /// The lease holds while the leader's clock is below this tick (0: never held).
    pub until: u64,
    /// Reads are answered locally only once every slot below this — all a previous leader
    /// may have chosen — is applied here.
    pub reads_from_slot: Slot,
}

/// A proposer's volatile state (its only durable state is its highest round).
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Proposer {
    /// Where it stands.
    pub phase: Phase,
    /// Highest round seen in any ballot, so a new ballot is higher than all of them.
    pub max_round_seen: u64,
    /// Elections started in a row without becoming leader: drives the backoff (rule 7).
    pub failed_elections: u32,
    /// Client commands waiting for a slot.
    #[cfg_attr(test, ts(as = "Vec<Command>"))]
    pub queue: VecDeque<Command>,
    /// Rule 12: a new configuration the operator asked for, waiting for a slot.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(as = "Option<Membership>", optional))]
    pub reconfig: Option<std::sync::Arc<Membership>>,
}

impl Proposer {
    /// A proposer after (re)start, knowing the highest round it ever used.
    pub fn new(max_round: u64) -> Self {
        Proposer {
            phase: Phase::Following,
            max_round_seen: max_round,
            failed_elections: 0,
            queue: VecDeque::new(),
            reconfig: None,
        }
    }

    /// Rule 8: keeps `command` for a slot, at most one per client: a client has one
    /// command outstanding at a time, so one with a lower sequence number is a command it
    /// no longer waits for, and a second copy of the same one would only cost a slot.
    pub fn hold(&mut self, command: Command) {
        match self.queue.iter_mut().find(|c| c.client == command.client) {
            Some(held) if held.seq >= command.seq => {}
            Some(held) => *held = command,
            None => self.queue.push_back(command),
        }
    }

    /// Rule 8: stops leading, if it led, and holds the commands of the slots it proposed
    /// and deferred but does not know chosen, for the next leader it hears from.
    pub fn follow_holding_proposals(&mut self) {
        if let Phase::Leading(lead) = std::mem::replace(&mut self.phase, Phase::Following) {
            let values = lead
                .proposals
                .into_values()
                .map(|p| p.value)
                .chain(lead.deferred.into_values());
            for value in values {
                for command in value.commands() {
                    self.hold(command.clone());
                }
            }
        }
    }

    /// The ballot it is preparing or leading with, if any.
    pub fn ballot(&self) -> Option<Ballot> {
        match &self.phase {
            Phase::Following => None,
            Phase::Preparing(p) => Some(p.ballot),
            Phase::Leading(l) => Some(l.ballot),
        }
    }
}

/// Rule 4: per slot, the value accepted in the highest ballot among the promises.
pub fn highest_accepted(
    promises: &VecMap<NodeId, (Slot, Vec<AcceptedEntry>)>,
) -> VecMap<Slot, (Ballot, Value)> {
    let mut best: VecMap<Slot, (Ballot, Value)> = VecMap::new();
    for (_, entries) in promises.values() {
        for e in entries {
            match best.get(&e.slot) {
                Some((b, _)) if *b >= e.ballot => {}
                _ => {
                    best.insert(e.slot, (e.ballot, e.value.clone()));
                }
            }
        }
    }
    best
}

/// What a new leader proposes in its ballot once phase 1 is won (rule 4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase2Plan {
    /// Per slot not known decided, in slot order: the value to propose again.
    pub slots: Vec<(Slot, Value)>,
    /// The slots whose value was adopted from a promise, with the ballot it was accepted in.
    pub adopted: Vec<(Slot, Ballot)>,
    /// How many holes are filled with a no-op.
    pub noops: usize,
    /// The first slot for new commands.
    pub next_slot: Slot,
    /// The highest compaction point the promises reported (rule 10): every slot below it
    /// is chosen, and the leader catches up on those it does not know (rule 9).
    pub catch_up_below: Slot,
}

impl Preparing {
    /// Rule 4: re-propose every slot from the first one not known decided up to the
    /// highest slot any promise reported (or `replica` knows decided): the value known
    /// decided, else the value accepted with the highest ballot, else a no-op to fill the
    /// hole. `ignore_values` is the injected `ignore-promised-values` bug.
    pub fn plan(&self, replica: &Replica, ignore_values: bool) -> Phase2Plan {
        let truncated = self.promises.values().map(|(t, _)| *t).max().unwrap_or(0);
        let best = highest_accepted(&self.promises);
        let start = self.from_slot.max(truncated);
        // Cover every slot anyone reported and every slot this replica knows decided.
        let known_end = replica.log.keys().next_back().map_or(0, |s| s + 1);
        let reported_end = best.keys().next_back().map_or(0, |s| s + 1);
        let end = reported_end.max(known_end).max(start);
        let mut plan = Phase2Plan {
            slots: Vec::new(),
            adopted: Vec::new(),
            noops: 0,
            next_slot: end.max(replica.commit_index),
            catch_up_below: truncated,
        };
        for slot in start.max(replica.commit_index)..end {
            let value = if let Some(v) = replica.log.get(&slot) {
                v.clone()
            } else if let (Some((b, v)), false) = (best.get(&slot), ignore_values) {
                plan.adopted.push((slot, *b));
                v.clone()
            } else {
                plan.noops += 1;
                Value::Noop
            };
            plan.slots.push((slot, value));
        }
        debug_assert!(plan.next_slot >= replica.commit_index);
        debug_assert!(plan.slots.windows(2).all(|w| w[0].0 < w[1].0));
        debug_assert!(plan.slots.iter().all(|(s, _)| {
            *s >= replica.commit_index && *s >= plan.catch_up_below && *s < plan.next_slot
        }));
        debug_assert!(plan.adopted.len() + plan.noops <= plan.slots.len());
        plan
    }
}
