//! A follower at a node (rules 6, 7, 9, 10): what it believes about the leader, and what an
//! Accept or Heartbeat from that leader teaches it — reset the election timer, learn the
//! slots decided in the leader's ballot, catch up on the rest, compact to the safe point.
use super::Node;
use crate::json::ToJson;
use crate::paxos::ballot::Ballot;
use crate::paxos::config::ReadMode;
use crate::paxos::message::Addr;
use crate::paxos::proposer::Phase;
use crate::paxos::step::Ready;
use crate::paxos::{NodeId, Slot};
use serde::{Deserialize, Serialize};

/// What a node believes about the current leader (rule 7), and catch-up bookkeeping.
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FollowerState {
    /// The node it last heard leading.
    pub leader: Option<NodeId>,
    /// That leader's ballot.
    pub leader_ballot: Option<Ballot>,
    /// A catch-up request is outstanding (rule 9: one at a time).
    pub catchup_pending: bool,
}

impl Node {
    /// Rules 6, 7, 10 on a follower: an Accept or Heartbeat from a leader at least as new as
    /// the one it knows resets its election timer, tells it which slots are decided — those
    /// it accepted in that very ballot it can mark decided itself, the rest it catches up
    /// on — and how far acceptors may compact. A leader below this node's own promise is
    /// not followed: the node has just refused it (rule 7), and following it after a
    /// restart, while that leader follows this node's earlier ballot, would send client
    /// requests back and forth between the two. Nor is a leader below the last ballot this
    /// node ran with (its round is durable, rule 1): a restarted proposer without an
    /// acceptor would otherwise follow an older leader that itself follows the proposer's
    /// own later ballot.
    pub(super) fn on_leader_contact(
        &mut self,
        from: Addr,
        ballot: Ballot,
        commit_index: Slot,
        safe_point: Slot,
        heartbeat: bool,
        out: &mut Ready,
    ) {
        let Addr::Node(leader) = from else { return };
        debug_assert!(
            safe_point <= commit_index,
            "a leader snapshots only what it applied"
        );
        let promised = self.durable.acceptor.as_ref().and_then(|a| a.promised);
        let own_last = self.durable.proposer.as_ref().map(|p| Ballot {
            round: p.max_round,
            proposer: self.id,
        });
        // Rule 12: a leader asking for a lease holds the acceptors' promises back, so this
        // node's own later ballot cannot win phase 1 yet: follow it rather than wait.
        let lease_holder = heartbeat && self.config.read_mode == ReadMode::Lease;
        let superseded = promised.is_some_and(|p| ballot < p)
            || (own_last.is_some_and(|b| ballot < b) && !lease_holder)
            || self.follower.leader_ballot.is_some_and(|b| ballot < b);
        if leader == self.id || superseded {
            return;
        }
        if lease_holder {
            self.give_up_election();
        }
        self.follower.leader = Some(leader);
        self.follower.leader_ballot = Some(ballot);
        if heartbeat {
            self.follower.catchup_pending = false;
        }
        if let Some(p) = self.proposer.as_mut() {
            if matches!(p.phase, Phase::Following) {
                p.failed_elections = 0;
                self.set_election_timer(out);
            }
        }
        self.forward_held_commands(leader, out);
        if self.replica.is_some() {
            // The votes in `ballot` from the replica's commit index up to the leader's, one
            // at a time (learning changes the replica, never the votes).
            let (mut next, end) = self.replica.as_ref().map_or((0, 0), |r| {
                (r.commit_index, commit_index.max(r.commit_index))
            });
            while next < end {
                let Some((slot, value)) = self.durable.acceptor.as_ref().and_then(|acc| {
                    acc.accepted
                        .range(next..end)
                        .find(|(_, (b, _))| *b == ballot)
                        .map(|(slot, (_, v))| (*slot, v.clone()))
                }) else {
                    break;
                };
                next = slot + 1;
                self.learn(slot, value, out);
            }
            self.apply_decided(out);
            self.request_catch_up_if_behind(from, commit_index, out);
        }
        self.truncate_acceptor(safe_point, out);
    }

    /// Rule 12: a preparing proposer meets a leader that holds a lease: its phase 1 cannot
    /// win before the lease runs out, so it follows that leader with the commands it holds.
    fn give_up_election(&mut self) {
        if let Some(p) = self.proposer.as_mut() {
            if matches!(p.phase, Phase::Preparing(_)) {
                p.phase = Phase::Following;
            }
        }
    }

    /// Rule 7: someone is running for leader with a ballot above the leader this node
    /// knows: a following proposer gives it time before running too.
    pub(super) fn on_candidate_seen(&mut self, from: Addr, ballot: Ballot, out: &mut Ready) {
        if from == Addr::Node(self.id) || self.follower.leader_ballot.is_some_and(|b| ballot <= b) {
            return;
        }
        if let Some(p) = &self.proposer {
            if matches!(p.phase, Phase::Following) {
                self.set_election_timer(out);
            }
        }
    }
}
