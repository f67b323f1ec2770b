//! Quorum arithmetic: how many acceptors make a phase-1 or phase-2 quorum.
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

/// A phase completed by `got` of the `acceptors` acceptors, against the quorum the cluster
/// uses and a true majority (rules 4 and 6): what the narration says, so a quorum smaller
/// than a majority (the `small-quorum` bug) shows in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumCount {
    /// Acceptors that answered (promised or accepted).
    pub got: usize,
    /// Acceptors in the cluster.
    pub acceptors: usize,
    /// The quorum size the cluster uses.
    pub quorum: usize,
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
        write!(
            f,
            "{} of {}; a majority is {majority}",
            self.got, self.acceptors
        )?;
        if self.quorum < majority {
            write!(f, ", but this cluster's quorum is only {}", self.quorum)?;
        }
        Ok(())
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
        };
        assert_eq!(ok.to_string(), "3 of 5; a majority is 3");
        let buggy = QuorumCount {
            got: 2,
            acceptors: 5,
            quorum: 2,
        };
        assert_eq!(
            buggy.to_string(),
            "2 of 5; a majority is 3, but this cluster's quorum is only 2"
        );
    }
}
