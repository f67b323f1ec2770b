//! Reconfiguration at a node (rule 12): the configuration governing each slot, read from
//! the replica's [`ConfigHistory`]; which slots a leader may propose in (only those whose
//! configuration it knows — below its applied index + α — and whose acceptors promised
//! its ballot in a phase-1 quorum); a leader that meets a configuration it holds no
//! phase-1 quorum of runs phase 1 again; a leader removed from the cluster hands off; and
//! the operator's request for a new configuration.
use super::Node;
use crate::paxos::bugs::Bug;
use crate::paxos::config::NodeSpec;
use crate::paxos::event::Event;
use crate::paxos::membership::{ConfigHistory, Membership};
use crate::paxos::message::{Addr, Message};
use crate::paxos::proposer::{Phase, Proposer};
use crate::paxos::step::{Ready, TimerCmd, TimerKind};
use crate::paxos::value::Value;
use crate::paxos::{NodeId, Slot};
use crate::vec_map::VecSet;
use std::sync::Arc;

/// Whether a leader may propose in a slot now (rule 12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Gate {
    /// Yes.
    Open,
    /// Not yet: the slot's configuration depends on slots not yet applied here.
    Unknown,
    /// The slot's configuration is known, but the leader's promises are no phase-1 quorum
    /// of it: phase 1 must run again.
    Uncovered,
    /// The slot's configuration does not have this node as a proposer: it hands off.
    Removed,
}

impl Node {
    fn history(&self) -> Option<&ConfigHistory> {
        self.replica.as_ref().map(|r| &r.configs)
    }

    /// Rule 12: the configuration governing `slot`, as this node knows it (a node that is
    /// not a replica knows only the initial one).
    pub fn membership_at(&self, slot: Slot) -> &Arc<Membership> {
        self.history()
            .and_then(|h| h.at(slot))
            .map_or(&self.initial, |m| m)
    }

    /// Rule 12: the latest configuration this node knows decided (it may govern only later
    /// slots: the pending one).
    pub fn latest_membership(&self) -> &Arc<Membership> {
        self.history()
            .and_then(|h| h.latest())
            .map_or(&self.initial, |m| m)
    }

    /// Rule 12: α, the number of slots between a reconfiguration and the first slot it
    /// governs — the pipeline window; 1 with the `reconfig-without-alpha` bug.
    pub(super) fn reconfig_delay(&self) -> u64 {
        if self.config.bug(Bug::ReconfigWithoutAlpha) {
            1
        } else {
            self.config.window
        }
    }

    /// Rule 12: every slot below this has a configuration this node knows: those decided in
    /// the applied prefix govern at the earliest α slots after it.
    pub(super) fn config_known_below(&self) -> Slot {
        self.replica
            .as_ref()
            .map_or(0, |r| r.applied_index + self.config.window)
    }

    /// Rules 4 and 12: the configurations that govern slots `from_slot ..
    /// from_slot + α`, each once: phase 1 from `from_slot` needs a quorum of each.
    pub(super) fn phase1_memberships(&self, from_slot: Slot) -> Vec<&Membership> {
        let mut out: Vec<&Membership> = vec![&**self.membership_at(from_slot)];
        if let Some(h) = self.history() {
            for c in h.changes() {
                if c.from_slot > from_slot && c.from_slot < from_slot + self.config.window {
                    out.push(&c.members);
                }
            }
        }
        out
    }

    /// Rules 4 and 12: the acceptors a Prepare from `from_slot` goes to: those of every
    /// configuration of [`Node::phase1_memberships`].
    pub(super) fn phase1_targets(&self, from_slot: Slot) -> Vec<NodeId> {
        let mut ids: VecSet<NodeId> = VecSet::new();
        for m in self.phase1_memberships(from_slot) {
            for a in m.acceptors() {
                ids.insert(a);
            }
        }
        ids.into_iter().collect()
    }

    /// Rules 4 and 12: whether the promises of `promised` make a phase-1 quorum of every
    /// configuration phase 1 from `from_slot` covers.
    pub(super) fn phase1_won(&self, from_slot: Slot, promised: &[NodeId]) -> bool {
        self.phase1_memberships(from_slot)
            .iter()
            .all(|m| m.is_phase1_quorum(promised, &self.config))
    }

    /// Rule 12: whether this leader may propose in `slot` now, given the acceptors that
    /// promised its ballot.
    pub(super) fn gate(&self, slot: Slot, promised_by: &VecSet<NodeId>) -> Gate {
        if slot >= self.config_known_below() {
            return Gate::Unknown;
        }
        let m = self.membership_at(slot);
        // A proposer of the latest configuration may finish the slots of an earlier one
        // it was not part of; a removed one leads only the slots of configurations it is in.
        if !m.is_proposer(self.id) && !self.may_run() {
            Gate::Removed
        } else if !m.is_phase1_quorum(promised_by, &self.config) {
            Gate::Uncovered
        } else {
            Gate::Open
        }
    }

    /// Rule 12: whether this node knows `id` was a proposer and is none in the latest
    /// configuration it knows (a node it does not know yet may be a newly added one).
    pub(super) fn knows_removed(&self, id: NodeId) -> bool {
        let Some(h) = self.history() else {
            return false;
        };
        let latest = self.latest_membership();
        !latest.is_proposer(id)
            && (self.initial.is_proposer(id)
                || h.changes().iter().any(|c| c.members.is_proposer(id)))
    }

    /// Rule 12: every replica of every configuration this node knows.
    pub(super) fn known_replicas(&self) -> Vec<NodeId> {
        let mut ids: VecSet<NodeId> = self.initial.replicas().collect();
        if let Some(h) = self.history() {
            for c in h.changes() {
                for r in c.members.replicas() {
                    ids.insert(r);
                }
            }
        }
        ids.into_iter().collect()
    }

    /// Rule 12: a proposer of the latest configuration this node knows, other than itself:
    /// where a removed proposer sends what it cannot lead.
    pub(super) fn another_proposer(&self) -> Option<NodeId> {
        self.latest_membership().proposers().find(|p| *p != self.id)
    }

    /// Rule 12: whether this node may run for leader: it is a proposer of the latest
    /// configuration it knows.
    pub(super) fn may_run(&self) -> bool {
        self.latest_membership().is_proposer(self.id)
    }

    /// Rule 12: a proposer that learns it was removed (its replica applied a configuration
    /// without it) while running phase 1 stops at once: it is no candidate from then on,
    /// not only from its next election timeout (see [`Node::start_election`]).
    pub(super) fn stop_preparing_if_removed(&mut self) {
        if self.may_run() {
            return;
        }
        if let Some(p) = self.proposer.as_mut() {
            if matches!(p.phase, Phase::Preparing(_)) {
                p.phase = Phase::Following;
            }
        }
    }

    /// Rule 12: a proposer that could not run and has just applied a configuration that
    /// names it a proposer again (it was removed, then added back) arms its election timer:
    /// it stopped doing so when it learned it was removed, and no leader may be left to
    /// tell it anything.
    pub(super) fn arm_election_timer_if_added_back(&self, could_run: bool, out: &mut Ready) {
        if !could_run && self.may_run() && self.proposer.is_some() && !self.is_leader() {
            self.set_election_timer(out);
        }
    }

    /// Rule 12: `to` believes itself removed and takes this node for a member, or believes
    /// this node removed — it knows fewer decided configurations than this node: this node
    /// tells it its commit index (a catch-up reply without entries), so it asks for what it
    /// missed (rule 9) and learns the configurations it lacks.
    pub(super) fn tell_commit_index(&mut self, to: NodeId, out: &mut Ready) {
        let Some(commit_index) = self.replica.as_ref().map(|r| r.commit_index) else {
            return;
        };
        let msg = Message::CatchUpReply {
            entries: Vec::new(),
            commit_index,
        };
        self.send(Addr::Node(to), msg, out);
    }

    /// Rule 12: this node refused `proposer` as removed, but its own knowledge may be what
    /// is behind (a later configuration it has not learned may add the proposer back): it
    /// asks the proposer for the decided entries from its commit index (rule 9).
    pub(super) fn ask_to_catch_up(&mut self, proposer: NodeId, out: &mut Ready) {
        let Some(from_slot) = self.replica.as_ref().map(|r| r.commit_index) else {
            return;
        };
        out.events.push(Event::RequestedCatchUp { from_slot });
        self.send(Addr::Node(proposer), Message::CatchUp { from_slot }, out);
    }

    /// Rule 12: a proposer that may not run by the configurations it knows may have been
    /// added (or added back) by a later one it has not learned: the leader's heartbeats
    /// that would have taught it may have been lost, and that leader may since have been
    /// removed, leaving this node the only proposer. It asks every replica it knows for
    /// the decided entries (rule 9) and arms its election timer, so it runs once it learns
    /// it may. It asks when its election timer fires if it was never removed (a new
    /// node), and whenever a client's request reaches it (a client turns to the proposers
    /// of the latest configuration).
    pub(super) fn ask_whether_added(&mut self, out: &mut Ready) {
        if self.proposer.is_none() {
            return;
        }
        let Some(from_slot) = self.replica.as_ref().map(|r| r.commit_index) else {
            return;
        };
        out.events.push(Event::RequestedCatchUp { from_slot });
        for r in self.known_replicas() {
            if r != self.id {
                self.send(Addr::Node(r), Message::CatchUp { from_slot }, out);
            }
        }
        self.set_election_timer(out);
    }

    /// Rule 12: the nodes a leader tells it leads (heartbeats): the members of every
    /// configuration from the one governing its applied index to the latest.
    pub(super) fn heartbeat_targets(&self) -> Vec<NodeId> {
        let applied = self.replica.as_ref().map_or(0, |r| r.applied_index);
        let mut ids: VecSet<NodeId> = self
            .membership_at(applied)
            .nodes
            .iter()
            .map(|n| n.id)
            .collect();
        if let Some(h) = self.history() {
            for c in h.changes().iter().filter(|c| c.from_slot > applied) {
                for n in &c.members.nodes {
                    ids.insert(n.id);
                }
            }
        }
        ids.remove(&self.id);
        ids.into_iter().collect()
    }

    /// Rule 12: the leader stops leading in its ballot — to run phase 1 again for a
    /// configuration it has no quorum of, or to hand off — keeping the commands it held
    /// for the next leader (rule 8).
    fn stop_leading(&mut self, out: &mut Ready) {
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        p.follow_holding_proposals();
        if self.follower.leader == Some(self.id) {
            self.follower.leader = None;
        }
        out.timers.push(TimerCmd::Cancel {
            kind: TimerKind::Heartbeat,
        });
    }

    /// Rule 12: the next slot belongs to a configuration whose acceptors did not promise
    /// this leader's ballot in a quorum: run phase 1 again, from the commit index, over
    /// every configuration it now knows there.
    pub(super) fn rerun_phase1(&mut self, slot: Slot, out: &mut Ready) {
        let epoch = self.membership_at(slot).epoch;
        out.events.push(Event::NewConfigPhase1 { slot, epoch });
        self.stop_leading(out);
        self.start_election(out);
    }

    /// Rule 12: the leader was removed and the configuration governing its next slot does
    /// not have it as a proposer: it steps down and hands the commands it held (rule 8) to
    /// a successor, the first proposer of the latest configuration, which keeps them for
    /// whoever leads next. It no longer runs for leader, so a member's election timer
    /// picks the next leader.
    pub(super) fn hand_off(&mut self, slot: Slot, out: &mut Ready) {
        let epoch = self.membership_at(slot).epoch;
        let successor = self.another_proposer();
        out.events.push(Event::HandedOff {
            slot,
            epoch,
            successor,
        });
        self.stop_leading(out);
        let Some(to) = successor else {
            return;
        };
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        let held: Vec<_> = p.queue.drain(..).collect();
        for command in held {
            let msg = Message::Request {
                command,
                forwarded: true,
            };
            self.send(Addr::Node(to), msg, out);
        }
    }

    /// Rule 12: the operator asks this node to change the configuration to `nodes`. A
    /// leader proposes it as soon as it may (see [`Node::propose_queued`]); any other node
    /// ignores it, as it does while a reconfiguration is still pending.
    pub(super) fn on_reconfigure_request(&mut self, nodes: Vec<NodeSpec>, out: &mut Ready) {
        if !self.is_leader() || self.reconfiguration_pending() {
            return;
        }
        let epoch = self.latest_membership().epoch + 1;
        let mut nodes = nodes;
        crate::small_sort::stable_sort_by_key(&mut nodes, |n| n.id);
        if let Some(p) = self.proposer.as_mut() {
            p.reconfig = Some(Arc::new(Membership { epoch, nodes }));
        }
        self.propose_queued(out);
    }

    /// Rule 12: whether a reconfiguration is under way at this node: requested and not yet
    /// proposed, proposed and not yet decided, or decided and not yet in effect.
    pub fn reconfiguration_pending(&self) -> bool {
        let applied = self.replica.as_ref().map_or(0, |r| r.applied_index);
        let in_effect_later = self
            .history()
            .is_some_and(|h| h.next_change_after(applied).is_some());
        let in_flight = match self.proposer.as_ref() {
            Some(Proposer {
                reconfig: Some(_), ..
            }) => true,
            Some(Proposer {
                phase: Phase::Leading(lead),
                ..
            }) => lead
                .proposals
                .values()
                .map(|p| &p.value)
                .chain(lead.deferred.values())
                .any(|v| matches!(v, Value::Reconfigure(_))),
            _ => false,
        };
        in_effect_later || in_flight
    }
}
