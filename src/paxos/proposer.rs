//! The proposer role (rules 4, 5, 7): elections, phase 1 once per leadership, adopting
//! accepted values, filling holes, pipelined and batched phase 2, heartbeats, stepping down.
use super::ballot::Ballot;
use super::bugs::Bug;
use super::durable::DurableWrite;
use super::event::Event;
use super::message::{AcceptedEntry, Addr, Message};
use super::node::{Node, Ready, TimerKind};
use super::value::{Command, Value};
use super::{NodeId, Slot};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Where a proposer stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preparing {
    /// The ballot being prepared.
    pub ballot: Ballot,
    /// First slot not known decided when phase 1 started.
    pub from_slot: Slot,
    /// Promises so far: acceptor → (its compaction point, what it accepted).
    pub promises: BTreeMap<NodeId, (Slot, Vec<AcceptedEntry>)>,
}

/// A slot proposed in phase 2 and not yet decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The proposed value.
    pub value: Value,
    /// Acceptors that accepted it in the leader's ballot.
    pub acks: BTreeSet<NodeId>,
    /// Heartbeat intervals since it was (re)sent; drives retransmission.
    pub age: u32,
    /// Times it was resent: each resend waits twice as long (up to 32 intervals), so a
    /// congested network is not flooded with copies.
    pub resends: u32,
}

/// Leadership state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leading {
    /// The leader's ballot.
    pub ballot: Ballot,
    /// Next slot to propose a new command in.
    pub next_slot: Slot,
    /// Proposed but not yet decided slots (at most `window`, rule 5).
    pub proposals: BTreeMap<Slot, Proposal>,
    /// Slots below this were compacted by some acceptor: chosen, but this leader may not
    /// know their values and must catch up on them (rule 9) instead of proposing.
    pub catch_up_below: Slot,
}

/// A proposer's volatile state (its only durable state is its highest round).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposer {
    /// Where it stands.
    pub phase: Phase,
    /// Highest round seen in any ballot, so a new ballot is higher than all of them.
    pub max_round_seen: u64,
    /// Elections started in a row without becoming leader: drives the backoff (rule 7).
    pub failed_elections: u32,
    /// Client commands waiting for a slot.
    pub queue: VecDeque<Command>,
}

impl Proposer {
    /// A proposer after (re)start, knowing the highest round it ever used.
    pub fn new(max_round: u64) -> Self {
        Proposer {
            phase: Phase::Following,
            max_round_seen: max_round,
            failed_elections: 0,
            queue: VecDeque::new(),
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
    promises: &BTreeMap<NodeId, (Slot, Vec<AcceptedEntry>)>,
) -> BTreeMap<Slot, (Ballot, Value)> {
    let mut best: BTreeMap<Slot, (Ballot, Value)> = BTreeMap::new();
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

impl Node {
    /// Rule 7: the election timer fired without word from a leader: start phase 1 with a
    /// ballot above every ballot seen, persisting its round first (rule 1).
    pub(crate) fn start_election(&mut self, out: &mut Ready) {
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        if matches!(p.phase, Phase::Leading(_)) {
            return;
        }
        let max_round = self.durable.proposer.as_ref().map_or(0, |d| d.max_round);
        let round = p.max_round_seen.max(max_round) + 1;
        p.max_round_seen = round;
        p.failed_elections += 1;
        let owner = if self.config.bug(Bug::BallotsWithoutProposerId) {
            0
        } else {
            self.id
        };
        let ballot = Ballot::new(round, owner);
        let from_slot = self.replica.as_ref().map_or(0, |r| r.commit_index);
        p.phase = Phase::Preparing(Preparing {
            ballot,
            from_slot,
            promises: BTreeMap::new(),
        });
        self.persist(DurableWrite::ProposerRound { round }, out);
        out.events.push(Event::StartedElection { ballot });
        self.set_election_timer(out);
        for a in self.config.acceptors() {
            self.send(Addr::Node(a), Message::Prepare { ballot, from_slot }, out);
        }
    }

    /// Phase 1b received: once a quorum promised, become leader (rule 4).
    pub(crate) fn on_promise(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        truncated_below: Slot,
        accepted: Vec<AcceptedEntry>,
        out: &mut Ready,
    ) {
        let quorum = self.config.quorum();
        let Some(Proposer {
            phase: Phase::Preparing(prep),
            ..
        }) = self.proposer.as_mut()
        else {
            return;
        };
        if prep.ballot != ballot {
            return;
        }
        prep.promises.insert(from, (truncated_below, accepted));
        if prep.promises.len() >= quorum {
            let prep = prep.clone();
            self.become_leader(prep, out);
        }
    }

    /// Rule 4: re-propose, in the new ballot, every slot from the first one not known
    /// decided up to the highest slot any promise reported (or this replica knows
    /// decided): the value known decided, else
    /// the value accepted with the highest ballot, else a no-op to fill the hole.
    fn become_leader(&mut self, prep: Preparing, out: &mut Ready) {
        let ignore_values = self.config.bug(Bug::IgnorePromisedValues);
        let truncated = prep.promises.values().map(|(t, _)| *t).max().unwrap_or(0);
        let best = highest_accepted(&prep.promises);
        let start = prep.from_slot.max(truncated);
        let replica = self.replica.as_ref().expect("a proposer is a replica");
        // Cover every slot anyone reported and every slot this replica knows decided.
        let known_end = replica.log.keys().next_back().map_or(0, |s| s + 1);
        let reported_end = best.keys().next_back().map_or(0, |s| s + 1);
        let end = reported_end.max(known_end).max(start);
        let next_slot = end.max(replica.commit_index);
        let mut plan = Vec::new();
        let (mut adopted, mut noops) = (0, 0);
        for slot in start..end {
            if slot < replica.commit_index {
                continue;
            }
            let value = if let Some(v) = replica.log.get(&slot) {
                v.clone()
            } else if let (Some((b, v)), false) = (best.get(&slot), ignore_values) {
                adopted += 1;
                out.events.push(Event::AdoptedValue {
                    slot,
                    from_ballot: *b,
                });
                v.clone()
            } else {
                noops += 1;
                Value::Noop
            };
            plan.push((slot, value));
        }
        let behind = replica.commit_index < truncated;
        let ballot = prep.ballot;
        let p = self.proposer.as_mut().expect("proposer");
        p.failed_elections = 0;
        p.phase = Phase::Leading(Leading {
            ballot,
            next_slot,
            proposals: BTreeMap::new(),
            catch_up_below: truncated,
        });
        self.follower.leader = Some(self.id);
        self.follower.leader_ballot = Some(ballot);
        out.events.push(Event::BecameLeader {
            ballot,
            adopted,
            noops,
        });
        out.timers.push(super::node::TimerCmd::Cancel {
            kind: TimerKind::Election,
        });
        self.send_heartbeats(out);
        if behind {
            self.leader_catch_up(out);
        }
        for (slot, value) in plan {
            self.propose(slot, value, out);
        }
        self.propose_queued(out);
    }

    /// Phase 2a: send `value` for `slot` to every acceptor (rule 5), with the commit index
    /// and safe point piggybacked (rule 6).
    fn propose(&mut self, slot: Slot, value: Value, out: &mut Ready) {
        let Some(Proposer {
            phase: Phase::Leading(lead),
            ..
        }) = self.proposer.as_mut()
        else {
            return;
        };
        lead.proposals.insert(
            slot,
            Proposal {
                value: value.clone(),
                acks: BTreeSet::new(),
                age: 0,
                resends: 0,
            },
        );
        let ballot = lead.ballot;
        let msg = self.accept_message(ballot, slot, value);
        // Once per slot: walk the node list instead of collecting the acceptor ids.
        let config = self.config.clone();
        for n in config.nodes.iter().filter(|n| n.roles.acceptor) {
            self.send(Addr::Node(n.id), msg.clone(), out);
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
    /// commands into the next slot.
    pub(crate) fn propose_queued(&mut self, out: &mut Ready) {
        let (window, batch) = (self.config.window as usize, self.config.batch);
        loop {
            let Some(p) = self.proposer.as_mut() else {
                return;
            };
            let Phase::Leading(lead) = &mut p.phase else {
                return;
            };
            if p.queue.is_empty() || lead.proposals.len() >= window {
                return;
            }
            let take = batch.min(p.queue.len());
            let commands: Vec<Command> = p.queue.drain(..take).collect();
            let slot = lead.next_slot;
            lead.next_slot += 1;
            self.propose(slot, Value::Commands(commands.into()), out);
        }
    }

    /// Phase 2b received: a value is chosen once a quorum accepted it in the leader's
    /// ballot (rule 6).
    pub(crate) fn on_accepted(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        out: &mut Ready,
    ) {
        let quorum = self.config.quorum();
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
        proposal.acks.insert(from);
        if proposal.acks.len() < quorum {
            return;
        }
        let value = lead.proposals.remove(&slot).expect("present").value;
        self.learn(slot, value, out);
        self.apply_decided(out);
        self.propose_queued(out);
    }

    /// Rule 8: a client command reached this node. The leader queues it for a slot; a
    /// preparing proposer keeps it for when it leads; a proposer that knows no leader
    /// keeps it and runs for leader; others forward it once to the leader they know, or
    /// tell the client who to ask.
    pub(crate) fn on_request(&mut self, command: Command, forwarded: bool, out: &mut Ready) {
        let leader_known = self.follower.leader.is_some_and(|l| l != self.id);
        if let Some(p) = self.proposer.as_mut() {
            let following = matches!(p.phase, Phase::Following);
            if !following || !leader_known {
                p.queue.push_back(command);
                if following {
                    // Nobody is known to lead: run for leader now rather than wait.
                    self.start_election(out);
                } else {
                    self.propose_queued(out);
                }
                return;
            }
        }
        match self.follower.leader {
            Some(leader) if leader != self.id && !forwarded => {
                out.events.push(Event::Forwarded {
                    client: command.client,
                    seq: command.seq,
                    leader,
                });
                let msg = Message::Request {
                    command,
                    forwarded: true,
                };
                self.send(Addr::Node(leader), msg, out);
            }
            hint => {
                let msg = Message::NotLeader {
                    seq: command.seq,
                    hint: hint.filter(|h| *h != self.id),
                };
                self.send(Addr::Client(command.client), msg, out);
            }
        }
    }

    /// Rule 7: a proposer that sees a ballot higher than its own steps down and will pick
    /// a higher round next time.
    pub(crate) fn observe_ballot(&mut self, seen: Ballot, out: &mut Ready) {
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        p.max_round_seen = p.max_round_seen.max(seen.round);
        match p.ballot() {
            Some(mine) if seen > mine => {
                // Rule 8: the commands it holds — queued, or proposed and not known chosen
                // — stay queued, to be forwarded to the next leader it hears from
                // (`Node::forward_held_commands`): a client is not left waiting for its
                // retry, and the session table answers a command chosen twice once.
                if let Phase::Leading(lead) = std::mem::replace(&mut p.phase, Phase::Following) {
                    for proposal in lead.proposals.into_values().rev() {
                        for command in proposal.value.commands().iter().rev() {
                            p.queue.push_front(command.clone());
                        }
                    }
                }
                out.events.push(Event::SteppedDown {
                    ballot: mine,
                    higher: seen,
                });
                out.timers.push(super::node::TimerCmd::Cancel {
                    kind: TimerKind::Heartbeat,
                });
                self.set_election_timer(out);
            }
            _ => {}
        }
    }

    /// Rule 8: a following proposer hands the commands it still holds (from before it
    /// stepped down) to the leader it just heard from.
    pub(crate) fn forward_held_commands(&mut self, leader: NodeId, out: &mut Ready) {
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        if !matches!(p.phase, Phase::Following) || p.queue.is_empty() {
            return;
        }
        let held: Vec<Command> = p.queue.drain(..).collect();
        for command in held {
            out.events.push(Event::Forwarded {
                client: command.client,
                seq: command.seq,
                leader,
            });
            let msg = Message::Request {
                command,
                forwarded: true,
            };
            self.send(Addr::Node(leader), msg, out);
        }
    }

    /// Rule 7: the leader's heartbeat timer fired: tell every node it still leads (with the
    /// commit index), and resend Accepts that went unanswered for two intervals (then
    /// four, eight, ... up to 32: exponential backoff).
    pub(crate) fn on_heartbeat_timer(&mut self, out: &mut Ready) {
        let Some(Proposer {
            phase: Phase::Leading(lead),
            ..
        }) = self.proposer.as_mut()
        else {
            return;
        };
        let ballot = lead.ballot;
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
        }
        self.send_heartbeats(out);
        if behind {
            self.leader_catch_up(out);
        }
        for (slot, value, acks) in resend {
            let msg = self.accept_message(ballot, slot, value);
            for a in self.config.acceptors() {
                if !acks.contains(&a) {
                    self.send(Addr::Node(a), msg.clone(), out);
                }
            }
        }
    }

    /// Rule 9 at a new leader: slots below an acceptor's compaction point are chosen but
    /// unknown here, so ask every other replica for them (again each heartbeat until known).
    fn leader_catch_up(&mut self, out: &mut Ready) {
        let from_slot = self.replica.as_ref().map_or(0, |r| r.commit_index);
        for r in self.config.replicas() {
            if r != self.id {
                self.send(Addr::Node(r), Message::CatchUp { from_slot }, out);
            }
        }
    }

    fn send_heartbeats(&mut self, out: &mut Ready) {
        let Some(ballot) = self.proposer.as_ref().and_then(|p| p.ballot()) else {
            return;
        };
        let (commit_index, safe_point) = self.commit_and_safe_point();
        let msg = Message::Heartbeat {
            ballot,
            commit_index,
            safe_point,
        };
        for n in self.config.node_ids() {
            if n != self.id {
                self.send(Addr::Node(n), msg.clone(), out);
            }
        }
        out.timers.push(super::node::TimerCmd::Set {
            kind: TimerKind::Heartbeat,
            after: self.config.heartbeat_interval,
            jitter: 0,
        });
    }

    /// The leader's commit index and safe point (its snapshot index), piggybacked on its
    /// messages (rules 6 and 10).
    fn commit_and_safe_point(&self) -> (Slot, Slot) {
        self.replica
            .as_ref()
            .map_or((0, 0), |r| (r.commit_index, r.snapshot_index))
    }

    /// Rule 7: (re)arm the election timer; after failed elections the base timeout doubles
    /// (up to 8×) so dueling proposers spread out, and the world adds a random jitter.
    pub(crate) fn set_election_timer(&self, out: &mut Ready) {
        let failed = self.proposer.as_ref().map_or(0, |p| p.failed_elections);
        let base = self.config.election_timeout;
        out.timers.push(super::node::TimerCmd::Set {
            kind: TimerKind::Election,
            after: base << failed.saturating_sub(1).min(3),
            jitter: base,
        });
    }
}
