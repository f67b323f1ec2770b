//! Ballots (rule 1): unique and totally ordered as (round, proposer id).
use super::NodeId;
use crate::json::ToJson;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A ballot number. Ordered first by `round`, then by `proposer`, so two proposers never
/// share a ballot (unless the `ballots-without-proposer-id` bug zeroes the id).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToJson, Deserialize,
)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Ballot {
    /// Increases each time a proposer starts a new phase 1.
    pub round: u64,
    /// The proposer that owns this ballot: the tie-breaker that makes ballots unique.
    pub proposer: NodeId,
}

impl Ballot {
    /// Builds the ballot `round.proposer`.
    pub fn new(round: u64, proposer: NodeId) -> Self {
        Ballot { round, proposer }
    }
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.proposer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_dominates_then_proposer_breaks_ties() {
        assert!(Ballot::new(2, 1) > Ballot::new(1, 9));
        assert!(Ballot::new(1, 2) > Ballot::new(1, 1));
        assert_ne!(Ballot::new(1, 1), Ballot::new(1, 2));
        assert_eq!(Ballot::new(3, 4).to_string(), "3.4");
    }
}
