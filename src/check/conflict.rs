//! What an agreement violation is made of, for the page to show: the slot, the two values
//! decided there (every command with its client id and sequence number), and the acceptors
//! whose votes chose each one. With majority quorums any two such sets share an acceptor,
//! which is why one slot can never hold two values; `quorums_intersect` says whether these did.
use crate::json::ToJson;
use crate::paxos::{Ballot, NodeId, Slot, Value};
use crate::vec_map::VecSet;
use serde::Serialize;

/// One of the two values decided for a slot, and the votes behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DecidedValue {
    /// The value: each command as `c<client>#<seq> <op>`, or `no-op`.
    pub value: String,
    /// The ballot in which the most acceptors accepted it for this slot (none if no vote
    /// for it was seen, e.g. a replica learned it from a leader's message only).
    pub ballot: Option<Ballot>,
    /// The acceptors that accepted it in that ballot: the quorum that chose it.
    pub acceptors: Vec<NodeId>,
    /// The node whose decision revealed it (none when the votes alone made it chosen).
    pub decided_at: Option<NodeId>,
}

/// A set of acceptors that voted in one phase of one ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct QuorumSet {
    /// "accepted" (phase 2: they accepted the value in `ballot`) or "promised" (phase 1:
    /// they promised `ballot` to the leader that then chose its own value).
    #[cfg_attr(test, ts(type = "\"accepted\" | \"promised\""))]
    pub phase: &'static str,
    /// The ballot.
    pub ballot: Ballot,
    /// The acceptors.
    pub acceptors: Vec<NodeId>,
    /// Which of the two values this quorum stands behind: 0 (`first`) or 1 (`second`).
    pub value: usize,
}

/// Two different values decided for one slot (agreement broken), with the two quorums that
/// should have shared an acceptor: those that accepted the value of the lower ballot, and
/// those that promised the higher ballot (rule 4: a new leader learns every value a quorum
/// may have chosen from the promises it gets). Equal ballots (a ballot used twice) compare
/// the two accept quorums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Conflict {
    /// The slot.
    pub slot: Slot,
    /// The value decided first.
    pub first: DecidedValue,
    /// The value decided later, contradicting it.
    pub second: DecidedValue,
    /// The two quorums behind the two values (empty when no vote for a value was seen).
    pub quorums: Vec<QuorumSet>,
    /// Whether they share an acceptor (with majority quorums they always do).
    pub quorums_intersect: bool,
}

/// A value as invariant reports show it: every command with its client and sequence number.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Noop | Value::Reconfigure(_) => value.to_string(),
        Value::Commands(cmds) => cmds
            .iter()
            .map(|c| format!("c{}#{} {}", c.client, c.seq, c.op))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

impl DecidedValue {
    /// `value`, chosen by the largest of `votes` (ballot, acceptors that accepted it then).
    pub fn new<'a>(
        value: &Value,
        votes: impl Iterator<Item = (Ballot, &'a VecSet<NodeId>)>,
        decided_at: Option<NodeId>,
    ) -> DecidedValue {
        let best = votes.max_by_key(|(b, v)| (v.len(), *b));
        DecidedValue {
            value: describe(value),
            ballot: best.map(|(b, _)| b),
            acceptors: best.map_or_else(Vec::new, |(_, v)| v.iter().copied().collect()),
            decided_at,
        }
    }
}

impl Conflict {
    /// The conflict between `first` and `second` at `slot`; `promised(b)` gives the
    /// acceptors whose promises made ballot b's proposer leader, when known.
    pub fn new(
        slot: Slot,
        first: DecidedValue,
        second: DecidedValue,
        promised: impl Fn(Ballot) -> Option<Vec<NodeId>>,
    ) -> Conflict {
        let accepted = |v: &DecidedValue, i: usize| {
            v.ballot.map(|ballot| QuorumSet {
                phase: "accepted",
                ballot,
                acceptors: v.acceptors.clone(),
                value: i,
            })
        };
        let pair = match (first.ballot, second.ballot) {
            (Some(a), Some(b)) if a != b => {
                let (lo, hi) = if a < b { (0, 1) } else { (1, 0) };
                let values = [&first, &second];
                let hi_ballot = values[hi].ballot.expect("some");
                let phase1 = promised(hi_ballot).map(|acceptors| QuorumSet {
                    phase: "promised",
                    ballot: hi_ballot,
                    acceptors,
                    value: hi,
                });
                [
                    accepted(values[lo], lo),
                    phase1.or_else(|| accepted(values[hi], hi)),
                ]
            }
            _ => [accepted(&first, 0), accepted(&second, 1)],
        };
        let quorums: Vec<QuorumSet> = pair.into_iter().flatten().collect();
        let quorums_intersect = match quorums.as_slice() {
            [q, r] => q.acceptors.iter().any(|a| r.acceptors.contains(a)),
            _ => true,
        };
        Conflict {
            slot,
            first,
            second,
            quorums,
            quorums_intersect,
        }
    }
}
