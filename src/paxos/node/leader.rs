//! The leader at a node (rules 5, 6, 7, 9): pipelined and batched phase 2, counting
//! Accepted messages to a quorum, heartbeats carrying the commit index, retransmission with
//! backoff, and catching up on slots an acceptor compacted away.
use super::client::SessionSeen;
use super::reconfig::Gate;
use super::Node;
use crate::paxos::ballot::Ballot;
use crate::paxos::bugs::Bug;
use crate::paxos::event::Event;
use crate::paxos::message::{Addr, Message};
use crate::paxos::proposer::{Phase, Proposal, Proposer};
use crate::paxos::quorum::Phase as QuorumPhase;
use crate::paxos::step::{Ready, TimerCmd, TimerKind};
use crate::paxos::value::{Command, Value};
use crate::paxos::{NodeId, Slot};
use crate::vec_map::VecSet;
use std::collections::VecDeque;

impl Node {
    /// Phase 2a: send `value` for `slot` to every acceptor (rule 5), with the commit index
    /// and safe point piggybacked (rule 6).
    pub(super) fn propose(&mut self, slot: Slot, value: Value, out: &mut Ready) {
        let Some(Proposer {
            phase: Phase::Leading(lead),
            ..
        }) = self.proposer.as_mut()
        else {
            return;
        };
        debug_assert!(
            slot < lead.next_slot,
            "proposed slot {slot} at or past the next slot"
        );
        debug_assert!(
            slot >= lead.catch_up_below,
            "proposed compacted slot {slot}"
        );
        let fresh = Proposal {
            value: value.clone(),
            acks: VecSet::new(),
            age: 0,
            resends: 0,
        };
        let earlier = lead.proposals.insert(slot, fresh);
        debug_assert!(
            earlier.is_none(),
            "rule 5: slot {slot} proposed twice in one ballot"
        );
        let ballot = lead.ballot;
        let msg = self.accept_message(ballot, slot, value);
        // Rule 12: the acceptors of the slot's own configuration, in a ring from this node.
        let members = self.membership_at(slot).clone();
        let mut acceptors: Vec<NodeId> = members.acceptors().collect();
        // Rule 12 (thrifty): a configured phase-2 quorum is asked for by name, so a
        // command costs |Q2| Accepts and Accepteds; the resend asks every acceptor.
        if self.config.phase2_quorum.is_some() {
            let want = members.phase2_quorum(&self.config);
            let ids: Vec<NodeId> = members.nodes.iter().map(|n| n.id).collect();
            let own = ids.iter().position(|id| *id == self.id).unwrap_or(0);
            let ring = (0..ids.len()).map(|i| ids[(own + i) % ids.len()]);
            acceptors = ring
                .filter(|id| members.is_acceptor(*id))
                .take(want)
                .collect();
        }
        for a in acceptors {
            self.send(Addr::Node(a), msg.clone(), out);
        }
    }

    fn accept_message(&self, ballot: Ballot, slot: Slot, value: Value) -> Message {
        let (commit_index, safe_point) = self.commit_and_safe_point();
        Message::Accept {
            ballot,
            slot,
            value,
            commit_index,
            safe_point,
        }
    }

    /// Rule 5: while fewer than `window` slots are undecided, put up to `batch` queued
    /// commands into the next slot — after rule 8 has answered, from the session table,
    /// the queued commands applied already and dropped those their clients moved past.
    /// Rule 12: first the values phase 1 deferred, then a requested reconfiguration, each
    /// only in a slot whose configuration is known and covered by this leader's promises
    /// (else it waits, runs phase 1 again, or hands off).
    pub(super) fn propose_queued(&mut self, out: &mut Ready) {
        if !self.propose_deferred(out) {
            return;
        }
        self.answer_queued_from_sessions(out);
        let (window, batch) = (self.config.window as usize, self.config.batch);
        loop {
            let Some(p) = self.proposer.as_ref() else {
                return;
            };
            let Phase::Leading(lead) = &p.phase else {
                return;
            };
            if (p.queue.is_empty() && p.reconfig.is_none()) || lead.proposals.len() >= window {
                return;
            }
            let slot = lead.next_slot;
            match self.gate(slot, &lead.promised_by) {
                Gate::Open => {}
                Gate::Unknown => return,
                Gate::Uncovered => return self.rerun_phase1(slot, out),
                Gate::Removed => return self.hand_off(slot, out),
            }
            let Some(p) = self.proposer.as_mut() else {
                return;
            };
            let Phase::Leading(lead) = &mut p.phase else {
                return;
            };
            let value = if let Some(members) = p.reconfig.take() {
                Value::Reconfigure(members)
            } else {
                let take = batch.min(p.queue.len());
                debug_assert!(take >= 1 && lead.proposals.len() < window);
                let commands: Vec<Command> = p.queue.drain(..take).collect();
                Value::Commands(commands.into())
            };
            lead.next_slot += 1;
            self.propose(slot, value, out);
        }
    }

    /// Rule 12: proposes the deferred values of phase 1 whose slots' configurations became
    /// known; returns whether the leader still leads and deferred nothing more.
    fn propose_deferred(&mut self, out: &mut Ready) -> bool {
        loop {
            let Some(Proposer {
                phase: Phase::Leading(lead),
                ..
            }) = self.proposer.as_ref()
            else {
                return false;
            };
            let Some((&slot, _)) = lead.deferred.first_key_value() else {
                return true;
            };
            match self.gate(slot, &lead.promised_by) {
                Gate::Open => {}
                Gate::Unknown => return false,
                Gate::Uncovered => {
                    self.rerun_phase1(slot, out);
                    return false;
                }
                Gate::Removed => {
                    self.hand_off(slot, out);
                    return false;
                }
            }
            let Some(Proposer {
                phase: Phase::Leading(lead),
                ..
            }) = self.proposer.as_mut()
            else {
                return false;
            };
            let value = lead.deferred.remove(&slot).expect("present");
            self.propose(slot, value, out);
        }
    }

    /// Rule 8 at the leader: a queued command its replica applied already is answered
    /// from the session table instead of taking a slot; one whose client has since sent a
    /// later command is dropped.
    fn answer_queued_from_sessions(&mut self, out: &mut Ready) {
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        if !matches!(p.phase, Phase::Leading(_)) || p.queue.is_empty() {
            return;
        }
        let queued = std::mem::take(&mut p.queue);
        let mut kept = VecDeque::with_capacity(queued.len());
        for command in queued {
            match self.session_seen(&command) {
                SessionSeen::New => kept.push_back(command),
                SessionSeen::Superseded => {}
                SessionSeen::Applied(result) => {
                    let reply = Message::Reply {
                        seq: command.seq,
                        result,
                    };
                    self.send(Addr::Client(command.client), reply, out);
                }
            }
        }
        if let Some(p) = self.proposer.as_mut() {
            p.queue = kept;
        }
    }

    /// Phase 2b received: a value is chosen once a quorum accepted it in the leader's
    /// ballot (rule 6).
    pub(super) fn on_accepted(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        out: &mut Ready,
    ) {
        let members = self.membership_at(slot).clone();
        let bug_reconfig = self.bug_ran(Bug::ReconfigWithoutAlpha);
        let Some(Proposer {
            phase: Phase::Leading(lead),
            ..
        }) = self.proposer.as_mut()
        else {
            return;
        };
        if lead.ballot != ballot {
            return;
        }
        let Some(proposal) = lead.proposals.get_mut(&slot) else {
            return;
        };
        // Rule 12: the Accept for this slot went to its configuration's acceptors only
        // (unless the bug changed the slot's configuration after it was proposed).
        debug_assert!(
            members.is_acceptor(from) || bug_reconfig,
            "rule 6: an ack from a non-acceptor"
        );
        debug_assert!(slot < lead.next_slot, "an ack for a slot never proposed");
        proposal.acks.insert(from);
        // Rules 6 and 12: a quorum of the slot's own configuration.
        if !members.is_phase2_quorum(&proposal.acks, &self.config) {
            return;
        }
        out.events.push(Event::Chosen {
            slot,
            ballot,
            accepted_by: proposal.acks.iter().copied().collect(),
            count: members.count(QuorumPhase::Two, &proposal.acks, &self.config),
        });
        let value = lead.proposals.remove(&slot).expect("present").value;
        self.learn(slot, value, out);
        self.apply_decided(out);
        self.propose_queued(out);
    }

    /// Rule 7: the leader's heartbeat timer fired: tell every node it still leads (with the
    /// commit index), and resend Accepts that went unanswered for two intervals (then
    /// four, eight, ... up to 32: exponential backoff).
    pub(super) fn on_heartbeat_timer(&mut self, out: &mut Ready) {
        let Some(Proposer {
            phase: Phase::Leading(lead),
            ..
        }) = self.proposer.as_mut()
        else {
            return;
        };
        let ballot = lead.ballot;
        let next_slot = lead.next_slot;
        let promised_by = lead.promised_by.clone();
        if self.gate(next_slot, &promised_by) == Gate::Removed {
            // Rule 12: removed, and every slot it may still propose in is proposed.
            return self.hand_off(next_slot, out);
        }
        let Some(Proposer {
            phase: Phase::Leading(lead),
            ..
        }) = self.proposer.as_mut()
        else {
            return;
        };
        let commit = self.replica.as_ref().map_or(0, |r| r.commit_index);
        let behind = commit < lead.catch_up_below;
        let mut resend = Vec::new();
        for (slot, p) in lead.proposals.iter_mut() {
            p.age += 1;
            if p.age >= 2 << p.resends.min(4) {
                p.age = 0;
                p.resends += 1;
                resend.push((*slot, p.value.clone(), p.acks.clone()));
            }
            debug_assert!(p.age < 2 << p.resends.min(4), "a resend overdue");
        }
        self.send_heartbeats(out);
        if behind {
            self.leader_catch_up(out);
        }
        for (slot, value, acks) in resend {
            let msg = self.accept_message(ballot, slot, value);
            let acceptors: Vec<NodeId> = self.membership_at(slot).acceptors().collect();
            for a in acceptors {
                if !acks.contains(&a) {
                    self.send(Addr::Node(a), msg.clone(), out);
                }
            }
        }
    }

    /// Rule 9 at a new leader: slots below an acceptor's compaction point are chosen but
    /// unknown here, so ask every other replica for them (again each heartbeat until known).
    pub(super) fn leader_catch_up(&mut self, out: &mut Ready) {
        let from_slot = self.replica.as_ref().map_or(0, |r| r.commit_index);
        debug_assert!(
            matches!(&self.proposer.as_ref().expect("a leader").phase,
                Phase::Leading(lead) if from_slot < lead.catch_up_below),
            "catching up while not behind a compaction point"
        );
        // Rule 12: any replica it knows of, members or not: a removed one may hold them.
        let replicas = self.known_replicas();
        for r in replicas {
            if r != self.id {
                self.send(Addr::Node(r), Message::CatchUp { from_slot }, out);
            }
        }
    }

    pub(super) fn send_heartbeats(&mut self, out: &mut Ready) {
        let Some(ballot) = self.proposer.as_ref().and_then(|p| p.ballot()) else {
            return;
        };
        let (commit_index, safe_point) = self.commit_and_safe_point();
        let lease_round = self.next_lease_round();
        let msg = Message::Heartbeat {
            ballot,
            commit_index,
            safe_point,
            lease_round,
        };
        // Rule 12 (leases): asking for a lease, the leader's own acceptor grants too.
        if lease_round.is_some() && self.roles().acceptor {
            self.send(Addr::Node(self.id), msg.clone(), out);
        }
        for n in self.heartbeat_targets() {
            self.send(Addr::Node(n), msg.clone(), out);
        }
        out.timers.push(TimerCmd::Set {
            kind: TimerKind::Heartbeat,
            after: self.config.heartbeat_interval_ticks,
            jitter: 0,
        });
    }

    /// The leader's commit index and safe point (its snapshot index), piggybacked on its
    /// messages (rules 6 and 10).
    fn commit_and_safe_point(&self) -> (Slot, Slot) {
        let (commit, safe) = self
            .replica
            .as_ref()
            .map_or((0, 0), |r| (r.commit_index, r.snapshot_index));
        debug_assert!(
            safe <= commit,
            "rule 10: a safe point past the commit index"
        );
        (commit, safe)
    }
}
