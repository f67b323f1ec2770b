//! Quorum arithmetic (rules 4, 6 and 12): how many acceptors make a phase-1 or a phase-2
//! quorum. With majorities any two quorums intersect; with flexible quorums (FPaxos) only
//! every phase-1 quorum must meet every phase-2 quorum: |Q1| + |Q2| > n.
use super::NodeId;
use crate::json::ToJson;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Size of a majority quorum among `acceptors` acceptors; any two such quorums intersect.
/// With `small_quorum_bug` the quorum is one smaller (the injected `small-quorum` bug).
pub fn quorum_size(acceptors: usize, small_quorum_bug: bool) -> usize {
    let majority = acceptors / 2 + 1;
    if small_quorum_bug {
        (majority - 1).max(1)
    } else {
        majority
    }
}

/// Which phase a quorum serves (rule 4: phase 1, promises; rule 6: phase 2, accepts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Phase 1: promises (a leader is elected by a phase-1 quorum).
    One,
    /// Phase 2: accepts (a value is chosen by a phase-2 quorum).
    Two,
}

/// Rule 12 (flexible quorums): the quorum sizes one set of acceptors runs with, and the
/// one place that answers "is this set a phase-1 / phase-2 quorum". Every quorum count in
/// the core goes through it, so a configuration that changes the acceptors (or the sizes)
/// changes every count at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Quorums {
    /// Acceptors counted (n).
    pub acceptors: usize,
    /// Acceptors that make a phase-1 quorum (|Q1|).
    pub phase1: usize,
    /// Acceptors that make a phase-2 quorum (|Q2|).
    pub phase2: usize,
}

impl Quorums {
    /// Majority quorums for both phases among `acceptors` acceptors (the default).
    pub fn majority(acceptors: usize) -> Self {
        let m = quorum_size(acceptors, false);
        Quorums {
            acceptors,
            phase1: m,
            phase2: m,
        }
    }

    /// The sizes asked for (`None` = a majority) among `acceptors` acceptors, or why they
    /// cannot run: each is 1..=n and, rule 12, |Q1| + |Q2| > n unless `allow_disjoint`
    /// (the `non-intersecting-quorums` bug is on).
    pub fn sized(
        acceptors: usize,
        phase1: Option<usize>,
        phase2: Option<usize>,
        allow_disjoint: bool,
    ) -> Result<Self, String> {
        let m = quorum_size(acceptors, false);
        let q = Quorums {
            acceptors,
            phase1: phase1.unwrap_or(m),
            phase2: phase2.unwrap_or(m),
        };
        for (name, size) in [("phase1_quorum", q.phase1), ("phase2_quorum", q.phase2)] {
            if size == 0 || size > acceptors {
                return Err(format!(
                    "{name} must be between 1 and the {acceptors} acceptors, not {size}"
                ));
            }
        }
        if !q.intersect() && !allow_disjoint {
            return Err(format!(
                "phase-1 quorum {} + phase-2 quorum {} must be more than the {acceptors} \
                 acceptors: otherwise a new leader's promises can miss every acceptor that \
                 accepted a chosen value (switch on the non-intersecting-quorums bug to run it anyway)",
                q.phase1, q.phase2
            ));
        }
        Ok(q)
    }

    /// Whether every phase-1 quorum meets every phase-2 quorum (|Q1| + |Q2| > n).
    pub fn intersect(&self) -> bool {
        self.phase1 + self.phase2 > self.acceptors
    }

    /// Whether both phases use a majority.
    pub fn are_majorities(&self) -> bool {
        let m = quorum_size(self.acceptors, false);
        self.phase1 == m && self.phase2 == m
    }

    /// The quorum size of `phase`.
    pub fn size(&self, phase: Phase) -> usize {
        match phase {
            Phase::One => self.phase1,
            Phase::Two => self.phase2,
        }
    }

    /// Rule 4: whether `got` distinct acceptors' promises make a phase-1 quorum.
    pub fn is_phase1(&self, got: usize) -> bool {
        got >= self.phase1
    }

    /// Rule 6: whether `got` distinct acceptors' accepts make a phase-2 quorum.
    pub fn is_phase2(&self, got: usize) -> bool {
        got >= self.phase2
    }

    /// Whether the acceptors in `voters` (distinct ids; ids for which `member` is false are
    /// not counted) make a quorum of `phase`.
    pub fn is_quorum(
        &self,
        phase: Phase,
        voters: impl IntoIterator<Item = NodeId>,
        member: impl Fn(NodeId) -> bool,
    ) -> bool {
        voters.into_iter().filter(|v| member(*v)).count() >= self.size(phase)
    }

    /// The fewest accepts in one ballot that no phase-1 quorum of these sizes can miss:
    /// n − |Q1| + 1. The checker calls a value chosen at that many votes (for majorities
    /// it is a majority), whatever smaller phase-2 quorum a buggy configuration uses.
    pub fn chosen_at(&self) -> usize {
        (self.acceptors + 1).saturating_sub(self.phase1).max(1)
    }

    /// `got` answers in `phase`, measured against these sizes (narration).
    pub fn count(&self, phase: Phase, got: usize) -> QuorumCount {
        let (quorum, other) = match phase {
            Phase::One => (self.phase1, self.phase2),
            Phase::Two => (self.phase2, self.phase1),
        };
        QuorumCount {
            got,
            acceptors: self.acceptors,
            quorum,
            other,
        }
    }
}

/// A phase completed by `got` of the `acceptors` acceptors, against the quorum the cluster
/// uses for it, the other phase's quorum and a true majority (rules 4, 6 and 12): what the
/// narration says, so a quorum smaller than a majority shows in words, with whether it
/// still meets every quorum of the other phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
pub struct QuorumCount {
    /// Acceptors that answered (promised or accepted).
    pub got: usize,
    /// Acceptors in the cluster.
    pub acceptors: usize,
    /// The quorum size the cluster uses for this phase.
    pub quorum: usize,
    /// The quorum size the cluster uses for the other phase.
    pub other: usize,
}

impl QuorumCount {
    /// A majority of the acceptors: the smallest quorum any two of which intersect.
    pub fn majority(&self) -> usize {
        quorum_size(self.acceptors, false)
    }
}

impl fmt::Display for QuorumCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let majority = self.majority();
        let (n, q, o) = (self.acceptors, self.quorum, self.other);
        write!(f, "{} of {n}; a majority is {majority}", self.got)?;
        if q == majority && o == majority {
            return Ok(());
        }
        if q == o && q < majority {
            // The small-quorum bug: both phases one short of a majority.
            return write!(f, ", but this cluster's quorum is only {q}");
        }
        if q + o > n {
            write!(
                f,
                ", and this phase's quorum is {q}: with {o} for the other phase, {q} + {o} > {n}, \
                 so the two always share an acceptor"
            )
        } else {
            write!(
                f,
                ", but this phase's quorum is {q} and the other phase's {o}: {q} + {o} is not \
                 more than {n}, so the two need not share an acceptor"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_table() {
        // (acceptors, majority, with bug)
        let table = [
            (1, 1, 1),
            (2, 2, 1),
            (3, 2, 1),
            (4, 3, 2),
            (5, 3, 2),
            (7, 4, 3),
            (9, 5, 4),
        ];
        for (n, majority, buggy) in table {
            assert_eq!(quorum_size(n, false), majority, "n={n}");
            assert_eq!(quorum_size(n, true), buggy, "n={n} with bug");
            // Two correct quorums always intersect; two buggy ones need not (n >= 2).
            assert!(2 * majority > n);
        }
        assert!(2 * quorum_size(4, true) <= 4);
    }

    #[test]
    fn a_count_says_how_far_from_a_majority_it_is() {
        let ok = QuorumCount {
            got: 3,
            acceptors: 5,
            quorum: 3,
            other: 3,
        };
        assert_eq!(ok.to_string(), "3 of 5; a majority is 3");
        let buggy = QuorumCount {
            got: 2,
            acceptors: 5,
            quorum: 2,
            other: 2,
        };
        assert_eq!(
            buggy.to_string(),
            "2 of 5; a majority is 3, but this cluster's quorum is only 2"
        );
    }

    #[test]
    fn flexible_sizes_must_intersect_unless_the_bug_is_on() {
        let q = Quorums::sized(5, Some(4), Some(2), false).unwrap();
        assert!(q.intersect() && !q.are_majorities());
        assert!(q.is_phase2(2) && !q.is_phase2(1));
        assert!(q.is_phase1(4) && !q.is_phase1(3));
        assert_eq!(q.chosen_at(), 2);
        assert_eq!(
            Quorums::sized(5, None, None, false),
            Ok(Quorums::majority(5))
        );
        assert_eq!(Quorums::majority(5).chosen_at(), 3);
        let err = Quorums::sized(5, Some(3), Some(2), false).unwrap_err();
        assert!(
            err.contains("3 + phase-2 quorum 2 must be more than the 5"),
            "{err}"
        );
        let bad = Quorums::sized(5, Some(3), Some(2), true).unwrap();
        assert!(!bad.intersect());
        // The checker still calls a value chosen only where every phase-1 quorum sees it.
        assert_eq!(bad.chosen_at(), 3);
        assert!(Quorums::sized(3, Some(4), None, false)
            .unwrap_err()
            .contains("phase1_quorum must be between 1 and the 3 acceptors, not 4"));
        assert!(Quorums::sized(3, None, Some(0), true).is_err());
    }

    #[test]
    fn a_set_counts_only_its_members() {
        let q = Quorums::sized(5, Some(4), Some(2), false).unwrap();
        let members = |n: NodeId| n <= 5;
        assert!(!q.is_quorum(Phase::Two, [1, 9], members));
        assert!(q.is_quorum(Phase::Two, [1, 2], members));
        assert!(!q.is_quorum(Phase::One, [1, 2, 3, 9], members));
        assert!(q.is_quorum(Phase::One, [1, 2, 3, 5], members));
    }

    #[test]
    fn a_flexible_count_says_whether_it_meets_the_other_phase() {
        let q = Quorums::sized(5, Some(4), Some(2), false).unwrap();
        assert_eq!(
            q.count(Phase::Two, 2).to_string(),
            "2 of 5; a majority is 3, and this phase's quorum is 2: with 4 for the other \
             phase, 2 + 4 > 5, so the two always share an acceptor"
        );
        let bad = Quorums::sized(5, Some(3), Some(2), true).unwrap();
        assert!(bad
            .count(Phase::Two, 2)
            .to_string()
            .ends_with("2 + 3 is not more than 5, so the two need not share an acceptor"));
    }
}
