//! Leader election at a node (rules 1, 4, 7): the election timer, phase 1 with a ballot
//! above every ballot seen, becoming leader on a quorum of promises with the values rule 4
//! says to re-propose, and stepping down on a higher ballot.
use super::Node;
use crate::paxos::ballot::Ballot;
use crate::paxos::bugs::Bug;
use crate::paxos::durable::DurableWrite;
use crate::paxos::event::Event;
use crate::paxos::message::{AcceptedEntry, Addr, Message};
use crate::paxos::proposer::{Leading, Phase, Preparing, Proposer};
use crate::paxos::quorum::Phase as QuorumPhase;
use crate::paxos::step::{Ready, TimerCmd, TimerKind};
use crate::paxos::{NodeId, Slot};
use crate::vec_map::{VecMap, VecSet};

impl Node {
    /// Rule 7: the election timer fired without word from a leader: start phase 1 with a
    /// ballot above every ballot seen, persisting its round first (rule 1).
    pub(super) fn start_election(&mut self, out: &mut Ready) {
        // Rule 12: a proposer removed from the latest configuration it knows runs no more.
        if !self.may_run() {
            if let Some(p) = self.proposer.as_mut() {
                if matches!(p.phase, Phase::Preparing(_)) {
                    p.phase = Phase::Following;
                }
            }
            if !self.knows_removed(self.id) {
                self.ask_whether_added(out);
            }
            return;
        }
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        if matches!(p.phase, Phase::Leading(_)) {
            return;
        }
        let max_round = self.durable.proposer.as_ref().map_or(0, |d| d.max_round);
        let round = p.max_round_seen.max(max_round) + 1;
        debug_assert!(
            round > p.max_round_seen && round > max_round,
            "rule 1: round reused"
        );
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
            promises: VecMap::new(),
        });
        self.persist(DurableWrite::ProposerRound { round }, out);
        out.events.push(Event::StartedElection { ballot });
        self.set_election_timer(out);
        // Rule 12: the acceptors of every configuration governing from_slot .. from_slot + α.
        for a in self.phase1_targets(from_slot) {
            self.send(Addr::Node(a), Message::Prepare { ballot, from_slot }, out);
        }
    }

    /// Phase 1b received: once a quorum promised, become leader (rule 4).
    pub(super) fn on_promise(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        truncated_below: Slot,
        accepted: Vec<AcceptedEntry>,
        out: &mut Ready,
    ) {
        let ballots_may_clash = self.bug_ran(Bug::BallotsWithoutProposerId)
            || self.bug_ran(Bug::ReuseBallotAfterRestart)
            || self.bug_ran(Bug::ForgetfulAcceptor);
        let Some(Proposer {
            phase: Phase::Preparing(prep),
            ..
        }) = self.proposer.as_ref()
        else {
            return;
        };
        if prep.ballot != ballot {
            return;
        }
        let from_slot = prep.from_slot;
        debug_assert!(
            self.phase1_targets(from_slot).contains(&from),
            "a Promise from an acceptor not asked"
        );
        // Only this proposer uses its ballot, and only once it leads: nothing was accepted
        // in it yet — unless a bug shares or reuses ballots, or let a promise drop.
        debug_assert!(
            accepted.iter().all(|e| e.ballot < ballot) || ballots_may_clash,
            "a Promise reports a value accepted at or above its ballot"
        );
        let Some(Proposer {
            phase: Phase::Preparing(prep),
            ..
        }) = self.proposer.as_mut()
        else {
            return;
        };
        prep.promises.insert(from, (truncated_below, accepted));
        let prep = prep.clone();
        // Rules 4 and 12: a phase-1 quorum of every configuration phase 1 covers.
        let promised: Vec<NodeId> = prep.promises.keys().copied().collect();
        if self.phase1_won(from_slot, &promised) {
            self.become_leader(prep, out);
        }
    }

    /// Rule 4: phase 1 won: lead `prep.ballot`, proposing again in it every slot not known
    /// decided (see [`Preparing::plan`]), and catch up first on slots compacted away.
    fn become_leader(&mut self, prep: Preparing, out: &mut Ready) {
        debug_assert!(
            self.phase1_won(
                prep.from_slot,
                &prep.promises.keys().copied().collect::<Vec<_>>()
            ),
            "rule 4: no quorum"
        );
        debug_assert!(prep.promises.keys().all(|a| self.is_acceptor(*a)));
        let replica = self.replica.as_ref().expect("a proposer is a replica");
        let plan = prep.plan(replica, self.config.bug(Bug::IgnorePromisedValues));
        for &(slot, from_ballot) in &plan.adopted {
            out.events.push(Event::AdoptedValue { slot, from_ballot });
        }
        let behind = replica.commit_index < plan.catch_up_below;
        let ballot = prep.ballot;
        let promised_by: VecSet<NodeId> = prep.promises.keys().copied().collect();
        let lease = self.new_lease(plan.next_slot);
        let p = self.proposer.as_mut().expect("proposer");
        p.failed_elections = 0;
        p.phase = Phase::Leading(Leading {
            ballot,
            next_slot: plan.next_slot,
            proposals: VecMap::new(),
            catch_up_below: plan.catch_up_below,
            promised_by,
            // Rule 12: proposed once their configurations are known (propose_queued).
            deferred: plan.slots.into_iter().collect(),
            lease,
        });
        self.follower.leader = Some(self.id);
        self.follower.leader_ballot = Some(ballot);
        out.events.push(Event::BecameLeader {
            ballot,
            promised_by: prep.promises.keys().copied().collect(),
            count: self.membership_at(prep.from_slot).count(
                QuorumPhase::One,
                prep.promises.keys(),
                &self.config,
            ),
            adopted: plan.adopted.len(),
            noops: plan.noops,
        });
        out.timers.push(TimerCmd::Cancel {
            kind: TimerKind::Election,
        });
        self.send_heartbeats(out);
        if behind {
            self.leader_catch_up(out);
        }
        self.propose_queued(out);
    }

    /// Rule 7: a proposer that sees a ballot higher than its own steps down and will pick
    /// a higher round next time.
    pub(super) fn observe_ballot(&mut self, seen: Ballot, out: &mut Ready) {
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        p.max_round_seen = p.max_round_seen.max(seen.round);
        match p.ballot() {
            Some(mine) if seen > mine => {
                // Rule 8: the commands it holds — proposed and not known chosen, or
                // queued — stay held, to be forwarded to the next leader it hears from
                // (`forward_held_commands`): a client is not left waiting for its retry,
                // and the session table answers a command chosen twice once.
                let queued = std::mem::take(&mut p.queue);
                // Rule 12: a requested reconfiguration not yet proposed is dropped.
                p.reconfig = None;
                p.follow_holding_proposals();
                for command in queued {
                    p.hold(command);
                }
                // It no longer believes it leads: a request now waits for the next leader.
                if self.follower.leader == Some(self.id) {
                    self.follower.leader = None;
                }
                out.events.push(Event::SteppedDown {
                    ballot: mine,
                    higher: seen,
                });
                out.timers.push(TimerCmd::Cancel {
                    kind: TimerKind::Heartbeat,
                });
                self.set_election_timer(out);
            }
            _ => {}
        }
        let p = self.proposer.as_ref().expect("proposer checked above");
        debug_assert!(p.max_round_seen >= seen.round);
        debug_assert!(
            p.ballot().is_none_or(|mine| mine >= seen),
            "rule 7: kept a lower ballot"
        );
    }

    /// Rule 7: (re)arm the election timer; after failed elections the base timeout doubles
    /// (up to 8×) so dueling proposers spread out, and the world adds a random jitter.
    pub(super) fn set_election_timer(&self, out: &mut Ready) {
        let failed = self.proposer.as_ref().map_or(0, |p| p.failed_elections);
        let base = self.config.election_timeout_ticks;
        let after = base << failed.saturating_sub(1).min(3);
        debug_assert!(
            base <= after && after <= 8 * base,
            "rule 7: backoff out of bounds"
        );
        out.timers.push(TimerCmd::Set {
            kind: TimerKind::Election,
            after,
            jitter: base,
        });
    }
}
