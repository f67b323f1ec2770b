//! What a node relies on, stated where it must hold (the `debug_assert!`s of the core).
//!
//! An injected bug (`src/paxos/bugs.rs`) legitimately breaks some of these facts; an
//! assertion it breaks is skipped while that bug is on — or was on at any time in this
//! node's life, since a bug switched off leaves its damage behind — so the checkers, not a
//! panic, report what the bug broke. A node restarted after a bug was switched off cannot
//! know the cluster ran with it: only debug builds assert, and the page ships a release one.
use super::Node;
use crate::paxos::bugs::Bug;
use crate::paxos::config::Config;
use crate::paxos::durable::DurableWrite;
use crate::paxos::message::Addr;
use crate::paxos::step::Ready;

/// The bugs switched on in `config`, one bit per bug.
pub(super) fn bug_mask(config: &Config) -> u32 {
    Bug::ALL
        .iter()
        .filter(|b| config.bug(**b))
        .fold(0, |mask, b| mask | bit(*b))
}

fn bit(bug: Bug) -> u32 {
    1 << (bug as u32)
}

impl Node {
    /// Whether `bug` is on now or was on earlier in this node's life.
    pub(super) fn bug_ran(&self, bug: Bug) -> bool {
        self.config.bug(bug) || self.bugs_ran & bit(bug) != 0
    }

    /// Whether a bug that can break agreement ran: every bug but `no-dedup` can make two
    /// nodes (or one node twice) see different values decided for one slot.
    pub(super) fn agreement_may_break(&self) -> bool {
        Bug::ALL
            .iter()
            .any(|b| *b != Bug::NoDedup && self.bug_ran(*b))
    }

    /// Rules 1, 2, 3, 10: durable state only moves forward. A promise only rises; a value
    /// is accepted at or below the promise it raised, never below the compaction point,
    /// and never replaces a higher-ballot value (unless a bug let the promise drop or
    /// accepted below it); truncation, the proposer's round and the snapshot only grow.
    /// These hold for the in-memory copy even when a bug keeps a write off the disk.
    pub(super) fn debug_assert_moves_forward(&self, write: &DurableWrite) {
        let acc = self.durable.acceptor.as_ref();
        let promised = acc.and_then(|a| a.promised);
        match write {
            DurableWrite::Promise { ballot } => {
                debug_assert!(promised.is_none_or(|p| p < *ballot), "promise goes back");
            }
            DurableWrite::Accept { slot, ballot, .. } => {
                let acc = acc.expect("only an acceptor accepts");
                debug_assert!(promised >= Some(*ballot), "accepted above the promise");
                debug_assert!(*slot >= acc.truncated_below, "accepted a compacted slot");
                let higher_kept = acc.accepted.get(slot).is_some_and(|(b, _)| b > ballot);
                debug_assert!(
                    !higher_kept
                        || self.bug_ran(Bug::AcceptBelowPromise)
                        || self.bug_ran(Bug::ForgetfulAcceptor),
                    "rule 3: a lower ballot replaces slot {slot}'s value"
                );
            }
            DurableWrite::Truncate { slot } => {
                let below = acc.map_or(0, |a| a.truncated_below);
                debug_assert!(*slot > below, "truncation goes back");
            }
            DurableWrite::ProposerRound { round } => {
                let max = self.durable.proposer.as_ref().map_or(0, |p| p.max_round);
                debug_assert!(*round > max, "proposer round reused");
            }
            DurableWrite::Snapshot { snapshot } => {
                let index = self
                    .durable
                    .replica
                    .as_ref()
                    .map_or(0, |r| r.snapshot.index);
                debug_assert!(snapshot.index > index, "snapshot goes back");
            }
        }
    }

    /// What every step leaves behind: nothing queued locally, and every message it sends
    /// is from this node to another one (messages to itself were handled inside).
    pub(super) fn debug_assert_step_done(&self, out: &Ready) {
        let me = Addr::Node(self.id);
        debug_assert!(self.local.is_empty(), "local messages left unhandled");
        debug_assert!(
            out.messages.iter().all(|e| e.from == me && e.to != me),
            "a message not from this node, or to itself, left the step"
        );
        if let Some(r) = &self.replica {
            r.debug_assert_indices();
        }
    }

    /// Whether node `id` is an acceptor: only acceptors' promises and acknowledgements
    /// count toward a quorum (rules 4 and 6).
    /// Rule 12: an acceptor of any configuration this node knows.
    pub(super) fn is_acceptor(&self, id: crate::paxos::NodeId) -> bool {
        self.known_with_role(id, |r| r.acceptor)
    }

    /// Whether some configuration this node knows gives `id` a role `has` accepts; a node
    /// that is not a replica knows only the initial configuration, so it cannot tell and
    /// says yes (rule 12: members come and go).
    fn known_with_role(
        &self,
        id: crate::paxos::NodeId,
        has: impl Fn(&crate::paxos::Roles) -> bool,
    ) -> bool {
        let Some(r) = self.replica.as_ref() else {
            return true;
        };
        has(&self.config.roles(id))
            || r.configs
                .changes()
                .iter()
                .any(|c| has(&c.members.roles(id)))
    }
}
