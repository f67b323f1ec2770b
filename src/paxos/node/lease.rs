//! Rule 12 (reads without a log round): leader leases. A leader in lease read mode asks
//! for a lease on every heartbeat; an acceptor that grants it promises no other ballot for
//! `lease_ticks` of its own clock. Once a phase-2 quorum of every configuration governing
//! a slot from its applied index on granted a round, every phase-1 quorum there holds a
//! granting acceptor, so no other proposer can win phase 1 before the
//! grants run out: the leader answers `get` from its own store until the tick it asked at
//! plus `Config::leader_lease_ticks`, which allows for the drift bound of both clocks.
use super::Node;
use crate::json::ToJson;
use crate::kv::{Op, OpResult};
use crate::paxos::ballot::Ballot;
use crate::paxos::bugs::Bug;
use crate::paxos::config::ReadMode;
use crate::paxos::durable::DurableWrite;
use crate::paxos::event::Event;
use crate::paxos::membership::Membership;
use crate::paxos::message::{Addr, Message};
use crate::paxos::proposer::{LeaderLease, Leading, Phase};
use crate::paxos::step::Ready;
use crate::paxos::value::Command;
use crate::paxos::{NodeId, Slot};
use crate::vec_map::VecSet;
use serde::{Deserialize, Serialize};

/// Rule 12 (leases): what an acceptor granted. Volatile; a restarted acceptor that may have
/// granted one holds every promise back for a whole lease instead.
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AcceptorLease {
    /// The ballot granted a lease (`None` after a restart: any ballot may hold one).
    pub granted_to: Option<Ballot>,
    /// No ballot but `granted_to` is promised while this node's clock is below this tick.
    pub until: u64,
}

impl Node {
    /// The world sets the node's clock (in ticks of its own, drifting, simulated clock)
    /// before each step; only leases read it (rule 12). Never a real clock.
    pub fn set_clock(&mut self, ticks: u64) {
        self.clock = ticks;
    }

    /// The node's clock as last set by the world.
    pub fn clock(&self) -> u64 {
        self.clock
    }

    /// The lease this acceptor granted.
    pub fn acceptor_lease(&self) -> &AcceptorLease {
        &self.lease
    }

    /// Rule 12: whether this leader may answer a read alone now: it holds a lease (or the
    /// `read-without-lease` bug skips that check), has applied every slot a previous
    /// leader may have chosen, and its ballot won a phase-1 quorum of every configuration
    /// that governs a slot from its applied index on. A leader that learns, by applying
    /// it, of a configuration whose acceptors did not promise its ballot knows nothing of
    /// what a rival chose in that configuration's slots: it reads through the log until
    /// it has run phase 1 there (rule 12's gate re-runs it).
    pub fn lease_valid(&self) -> bool {
        let Some(lead) = self.leading() else {
            return false;
        };
        let Some(lease) = lead.lease.as_ref() else {
            return false;
        };
        let applied = self.replica.as_ref().map_or(0, |r| r.applied_index);
        let held = lease.until > self.clock || self.config.bug(Bug::ReadWithoutLease);
        let covered = self
            .lease_memberships()
            .iter()
            .all(|m| m.is_phase1_quorum(lead.promised_by.iter(), &self.config));
        held && applied >= lease.reads_from_slot && covered
    }

    /// Rule 12 (leases and reconfiguration): the configurations a lease must hold a
    /// phase-2 quorum of: every one that governs a slot from the applied index on, as far
    /// as this leader knows them. A rival's first new write lands in such a slot, and
    /// needs a phase-1 quorum of its configuration; a configuration decided later is
    /// decided by this leader (which then asks again, see [`Node::drop_lease`]) or by a
    /// rival that first had to win one of these.
    fn lease_memberships(&self) -> Vec<&Membership> {
        let applied = self.replica.as_ref().map_or(0, |r| r.applied_index);
        let mut out: Vec<&crate::paxos::membership::Membership> =
            vec![&**self.membership_at(applied)];
        if let Some(r) = self.replica.as_ref() {
            out.extend(
                r.configs
                    .changes()
                    .iter()
                    .filter(|c| c.from_slot > applied)
                    .map(|c| &*c.members),
            );
        }
        out
    }

    /// Whether the acceptors in `grants` are a phase-2 quorum of every configuration of
    /// [`Node::lease_memberships`].
    fn lease_granted_by(&self, grants: &VecSet<NodeId>) -> bool {
        self.lease_memberships()
            .iter()
            .all(|m| m.is_phase2_quorum(grants.iter(), &self.config))
    }

    /// Rule 12 (leases and reconfiguration): the leader applied a new configuration, whose
    /// acceptors granted nothing yet: it reads through the log until a phase-2 quorum of
    /// every configuration it now knows grants a new round.
    pub(super) fn drop_lease(&mut self) {
        if let Some(lease) = self.leading_mut().and_then(|l| l.lease.as_mut()) {
            lease.until = 0;
            lease.asked.clear();
        }
    }

    fn leading(&self) -> Option<&Leading> {
        match &self.proposer.as_ref()?.phase {
            Phase::Leading(lead) => Some(lead),
            _ => None,
        }
    }

    fn leading_mut(&mut self) -> Option<&mut Leading> {
        match &mut self.proposer.as_mut()?.phase {
            Phase::Leading(lead) => Some(lead),
            _ => None,
        }
    }

    /// Whether a new leader keeps a lease: in lease read mode, or with the bug that reads
    /// locally without one.
    pub(super) fn uses_leases(&self) -> bool {
        self.config.read_mode == ReadMode::Lease || self.config.bug(Bug::ReadWithoutLease)
    }

    /// A new leader's (empty) lease: reads wait until everything below `next_slot` is applied.
    pub(super) fn new_lease(&self, next_slot: Slot) -> Option<LeaderLease> {
        self.uses_leases().then(|| LeaderLease {
            reads_from_slot: next_slot,
            ..LeaderLease::default()
        })
    }

    /// Rule 12: the leader starts a lease round with this heartbeat (lease read mode), and
    /// forgets rounds too old to extend its lease.
    pub(super) fn next_lease_round(&mut self) -> Option<u64> {
        // With the `read-without-lease` bug the leader reads alone and never asks for one.
        if self.config.read_mode != ReadMode::Lease || self.config.bug(Bug::ReadWithoutLease) {
            return None;
        }
        let clock = self.clock;
        let keep = self.config.leader_lease_ticks();
        let lease = self.leading_mut()?.lease.as_mut()?;
        lease.round += 1;
        lease.asked.retain(|(_, at, _)| at + keep > clock);
        lease.asked.push((lease.round, clock, VecSet::new()));
        Some(lease.round)
    }

    /// Rule 12 at an acceptor: a heartbeat asks for a lease in `ballot`. Grant it unless
    /// the ballot is below the promise (the heartbeat was refused) or another ballot holds
    /// a lease here: raise the promise to `ballot`, promise no other ballot for
    /// `lease_ticks` of this clock, and answer.
    pub(super) fn grant_lease(&mut self, from: Addr, ballot: Ballot, round: u64, out: &mut Ready) {
        let Some(state) = self.durable.acceptor.as_ref() else {
            return;
        };
        if state.promised.is_some_and(|p| ballot < p) || self.lease_blocks(ballot) {
            return;
        }
        if state.promised != Some(ballot) {
            self.persist(DurableWrite::Promise { ballot }, out);
        }
        let until = self.clock + self.config.lease_ticks;
        let extends = self.lease.granted_to == Some(ballot) && self.lease.until > self.clock;
        self.lease = AcceptorLease {
            granted_to: Some(ballot),
            until: until.max(if extends { self.lease.until } else { 0 }),
        };
        if !extends {
            out.events.push(Event::GrantedLease { ballot, until });
        }
        self.send(from, Message::LeaseGrant { ballot, round }, out);
    }

    /// Rule 12: whether a lease granted here keeps this acceptor from promising `ballot`.
    pub(super) fn lease_blocks(&self, ballot: Ballot) -> bool {
        self.lease.until > self.clock && self.lease.granted_to != Some(ballot)
    }

    /// Rule 12 at a restarted acceptor in lease read mode: a grant it made before the crash
    /// is forgotten, so it promises nothing new for a whole lease.
    pub(super) fn wait_out_lost_grants(&mut self, out: &mut Ready) {
        let promised = self.durable.acceptor.as_ref().and_then(|a| a.promised);
        if self.config.read_mode != ReadMode::Lease || promised.is_none() {
            return;
        }
        let until = self.clock + self.config.lease_ticks;
        self.lease = AcceptorLease {
            granted_to: None,
            until,
        };
        out.events.push(Event::WaitingOutLease { until });
    }

    /// Rule 12 at the leader: acceptor `from` granted lease round `round` of `ballot`. Once
    /// a phase-2 quorum granted it, the lease holds until that round's tick plus the
    /// leader's share of the lease.
    pub(super) fn on_lease_grant(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        round: u64,
        out: &mut Ready,
    ) {
        let keep = self.config.leader_lease_ticks();
        let lease_ticks = self.config.lease_ticks;
        let clock = self.clock;
        let Some((at, before)) = self
            .leading()
            .filter(|lead| lead.ballot == ballot)
            .and_then(|lead| lead.lease.as_ref())
            .and_then(|lease| lease.asked.iter().find(|(r, _, _)| *r == round))
            .map(|(_, at, grants)| (*at, grants.clone()))
        else {
            return;
        };
        let mut after = before.clone();
        after.insert(from);
        let granted_now = !self.lease_granted_by(&before) && self.lease_granted_by(&after);
        let Some(lease) = self.leading_mut().and_then(|l| l.lease.as_mut()) else {
            return;
        };
        if let Some((_, _, grants)) = lease.asked.iter_mut().find(|(r, _, _)| *r == round) {
            *grants = after;
        }
        if !granted_now {
            return;
        }
        let until = at + keep;
        let was_held = lease.until > clock;
        lease.until = lease.until.max(until);
        debug_assert!(
            until <= at + lease_ticks,
            "rule 12: a leader counts on more than the acceptors grant"
        );
        if !was_held && until > clock {
            out.events.push(Event::GotLease { ballot, until });
        }
    }

    /// Rule 12: a `get` reached the leader while its lease is valid: answer it from the
    /// store, without a round of the log. Returns the command back otherwise.
    pub(super) fn read_locally(&mut self, command: Command, out: &mut Ready) -> Option<Command> {
        if !matches!(command.op, Op::Get { .. }) || !self.lease_valid() {
            return Some(command);
        }
        let Some(replica) = self.replica.as_mut() else {
            return Some(command);
        };
        let result: OpResult = replica.kv.apply(&command.op);
        out.events.push(Event::ReadLocally {
            client: command.client,
            seq: command.seq,
        });
        let reply = Message::Reply {
            seq: command.seq,
            result,
        };
        self.send(Addr::Client(command.client), reply, out);
        None
    }
}
