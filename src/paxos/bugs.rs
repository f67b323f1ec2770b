//! Classic Paxos bugs that can be switched on on purpose, so the checkers can be seen to
//! catch them. All are off by default.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One injectable bug. Each variant says which rule it breaks and why that breaks safety.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// Rule 2 (persist before replying): the acceptor's promise is kept only in memory, so
    /// after a crash it forgets it and can accept a value from an older ballot.
    ForgetfulAcceptor,
    /// Rule 4: the new leader ignores values reported in promises and proposes no-ops
    /// instead, overwriting values that may already be chosen.
    IgnorePromisedValues,
    /// Rule 1: ballots carry no proposer id, so two proposers can own the same ballot and
    /// both get it accepted with different values (the seed program's bug).
    BallotsWithoutProposerId,
    /// Rule 2: the acceptor accepts even below its promise, so a deposed leader's stale
    /// Accept can overwrite what a newer leader relies on.
    AcceptBelowPromise,
    /// Quorums one smaller than a majority: two quorums need not intersect.
    SmallQuorum,
    /// Rule 1 across restarts: the proposer's round is not persisted, so after a restart it
    /// reuses a ballot it already used, with possibly different values.
    ReuseBallotAfterRestart,
    /// Rule 8: replicas do not consult the session table, so a retried command that landed
    /// in two slots is applied twice.
    NoDedup,
}

impl Bug {
    /// Every bug, in a stable order.
    pub const ALL: [Bug; 7] = [
        Bug::ForgetfulAcceptor,
        Bug::IgnorePromisedValues,
        Bug::BallotsWithoutProposerId,
        Bug::AcceptBelowPromise,
        Bug::SmallQuorum,
        Bug::ReuseBallotAfterRestart,
        Bug::NoDedup,
    ];

    /// The kebab-case name used by the CLI, the page and scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Bug::ForgetfulAcceptor => "forgetful-acceptor",
            Bug::IgnorePromisedValues => "ignore-promised-values",
            Bug::BallotsWithoutProposerId => "ballots-without-proposer-id",
            Bug::AcceptBelowPromise => "accept-below-promise",
            Bug::SmallQuorum => "small-quorum",
            Bug::ReuseBallotAfterRestart => "reuse-ballot-after-restart",
            Bug::NoDedup => "no-dedup",
        }
    }

    /// One sentence for people: what the bug does and which rule it breaks.
    pub fn description(self) -> &'static str {
        match self {
            Bug::ForgetfulAcceptor => {
                "Acceptors keep promises only in memory; after a crash they forget them (rule: persist before replying)."
            }
            Bug::IgnorePromisedValues => {
                "A new leader ignores values reported in Promises and proposes no-ops (rule: adopt the highest-ballot value)."
            }
            Bug::BallotsWithoutProposerId => {
                "Ballots have no proposer id, so two proposers can share one (rule: ballots are unique)."
            }
            Bug::AcceptBelowPromise => {
                "Acceptors accept Accepts below their promise (rule: never accept below the promised ballot)."
            }
            Bug::SmallQuorum => "Quorums are one smaller than a majority, so two quorums may not intersect.",
            Bug::ReuseBallotAfterRestart => {
                "Proposers forget their last round on restart and reuse ballots (rule: persist the round)."
            }
            Bug::NoDedup => {
                "Replicas skip the session table and apply a retried command twice (rule: at-most-once)."
            }
        }
    }
}

impl fmt::Display for Bug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Bug {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Bug::ALL.into_iter().find(|b| b.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Bug::ALL.iter().map(|b| b.name()).collect();
            format!("unknown bug '{s}'; known bugs: {}", names.join(", "))
        })
    }
}

/// The set of bugs switched on in a configuration (empty = the correct protocol).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BugSet(pub Vec<Bug>);

impl BugSet {
    /// Whether `bug` is switched on.
    pub fn has(&self, bug: Bug) -> bool {
        self.0.contains(&bug)
    }

    /// Switches `bug` on or off, keeping the set sorted and free of repeats.
    pub fn set(&mut self, bug: Bug, enabled: bool) {
        self.0.retain(|b| *b != bug);
        if enabled {
            self.0.push(bug);
            self.0.sort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for bug in Bug::ALL {
            assert_eq!(bug.name().parse::<Bug>(), Ok(bug));
        }
        assert!("no-such-bug"
            .parse::<Bug>()
            .unwrap_err()
            .contains("known bugs"));
    }

    #[test]
    fn bug_set_toggles() {
        let mut set = BugSet::default();
        set.set(Bug::NoDedup, true);
        set.set(Bug::NoDedup, true);
        assert_eq!(set.0, vec![Bug::NoDedup]);
        set.set(Bug::NoDedup, false);
        assert!(!set.has(Bug::NoDedup));
    }
}
