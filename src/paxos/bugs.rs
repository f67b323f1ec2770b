//! Classic Paxos bugs that can be switched on on purpose, so the checkers can be seen to
//! catch them. All are off by default. This file is the one catalogue of the bugs: their
//! names, titles, descriptions and what a run with each shows.
use crate::json::read::FromJson;
use crate::json::ToJson;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// One injectable bug. Each variant says which rule it breaks and why that breaks safety.
/// In JSON it is its kebab-case [`Bug::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, FromJson)]
#[serde(try_from = "String")]
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
    /// Rule 12 (flexible quorums): the phase-2 quorum is at most n − |Q1|, so a new
    /// leader's phase-1 quorum can miss every acceptor that accepted a chosen value.
    NonIntersectingQuorums,
    /// Rule 12 (leases): the leader answers reads from its own store whenever it believes
    /// it leads, lease or no lease, so after another leader was elected it serves stale values.
    ReadWithoutLease,
    /// Rule 12: a reconfiguration takes effect in the very next slot instead of α slots
    /// later, while a pipelined leader has already proposed those slots under the old
    /// configuration: one slot can be decided by quorums of two configurations that do
    /// not intersect.
    ReconfigWithoutAlpha,
}

/// What the catalogue says about one bug (see [`Bug::info`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
pub struct BugInfo {
    /// The kebab-case name used by the CLI, the page and scenario files.
    pub name: &'static str,
    /// A short title for people ("forgetful acceptor").
    pub title: &'static str,
    /// One sentence: what the bug does and which rule it breaks.
    pub description: &'static str,
    /// What a faulty run with the bug on shows (the text of its preset).
    pub symptom: &'static str,
}

/// The catalogue, in the order of [`Bug::ALL`].
const CATALOGUE: [BugInfo; 10] = [
    BugInfo {
        name: "forgetful-acceptor",
        title: "forgetful acceptor",
        description: "Acceptors keep promises only in memory; after a crash they forget them (rule: persist before replying).",
        symptom: "Acceptors do not persist promises. After crashes they accept values from deposed leaders; watch the promise-monotonic check (and maybe agreement) fail.",
    },
    BugInfo {
        name: "ignore-promised-values",
        title: "leader ignores promised values",
        description: "A new leader ignores values reported in Promises and proposes no-ops (rule: adopt the highest-ballot value).",
        symptom: "A new leader proposes no-ops where acceptors reported accepted values, overwriting a chosen value: agreement fails.",
    },
    BugInfo {
        name: "ballots-without-proposer-id",
        title: "ballots without proposer id",
        description: "Ballots have no proposer id, so two proposers can share one (rule: ballots are unique).",
        symptom: "Two proposers share ballot numbers, as in the seed program; both lead the same ballot and choose different values for one slot.",
    },
    BugInfo {
        name: "accept-below-promise",
        title: "accept below promise",
        description: "Acceptors accept Accepts below their promise (rule: never accept below the promised ballot).",
        symptom: "Acceptors accept a deposed leader's Accepts even after promising a higher ballot.",
    },
    BugInfo {
        name: "small-quorum",
        title: "quorum smaller than a majority",
        description: "Quorums are one smaller than a majority, so two quorums may not intersect.",
        symptom: "Two quorums need not overlap, so two leaders each get a value chosen for the same slot.",
    },
    BugInfo {
        name: "reuse-ballot-after-restart",
        title: "ballot reused after restart",
        description: "Proposers forget their last round on restart and reuse ballots (rule: persist the round).",
        symptom: "A proposer forgets its round on restart and proposes different values under a ballot it already used.",
    },
    BugInfo {
        name: "no-dedup",
        title: "no deduplication",
        description: "Replicas skip the session table and apply a retried command twice (rule: at-most-once).",
        symptom: "Replicas ignore the session table: a retried command that landed in two slots is applied twice.",
    },
    BugInfo {
        name: "non-intersecting-quorums",
        title: "phase-1 and phase-2 quorums that need not meet",
        description: "Flexible quorums with |Q1| + |Q2| not above n: a phase-1 quorum can miss a phase-2 quorum (rule: |Q1| + |Q2| > n).",
        symptom: "The phase-2 quorum is n - |Q1|: a value is chosen by acceptors that a later leader's phase-1 quorum never asks, and it chooses another value for the slot.",
    },
    BugInfo {
        name: "read-without-lease",
        title: "reads without a lease",
        description: "A leader answers reads alone whenever it believes it leads, without a valid lease (rule: read locally only under a lease a phase-2 quorum granted).",
        symptom: "A leader cut off from the others still believes it leads and answers reads from its own store after a new leader committed newer writes: a client reads a stale value and linearizability fails.",
    },
    BugInfo {
        name: "reconfig-without-alpha",
        title: "reconfiguration without α",
        description: "A new configuration governs the very next slot instead of the slot α (the pipeline window) later (rule: reconfigure through the log, effective α slots on).",
        symptom: "The cluster grows from 3 to 5 servers while the leader pipelines: slots it proposed under the old configuration are decided again by a quorum of the new one that misses the old quorum, and agreement fails.",
    },
];

impl Bug {
    /// Every bug, in a stable order.
    pub const ALL: [Bug; 10] = [
        Bug::ForgetfulAcceptor,
        Bug::IgnorePromisedValues,
        Bug::BallotsWithoutProposerId,
        Bug::AcceptBelowPromise,
        Bug::SmallQuorum,
        Bug::ReuseBallotAfterRestart,
        Bug::NoDedup,
        Bug::NonIntersectingQuorums,
        Bug::ReadWithoutLease,
        Bug::ReconfigWithoutAlpha,
    ];

    /// Its entry in the catalogue.
    pub fn info(self) -> &'static BugInfo {
        &CATALOGUE[self as usize]
    }

    /// The kebab-case name used by the CLI, the page and scenario files.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// One sentence for people: what the bug does and which rule it breaks.
    pub fn description(self) -> &'static str {
        self.info().description
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
            // Worded as serde words an unknown variant, so every reader of the names
            // (the vocabulary test among them) finds them the same way.
            let names: Vec<String> = Bug::ALL.iter().map(|b| format!("`{b}`")).collect();
            format!("unknown bug `{s}`, expected one of {}", names.join(", "))
        })
    }
}

impl TryFrom<String> for Bug {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Serialize for Bug {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl crate::json::ToJson for Bug {
    fn write_json(&self, out: &mut String) {
        crate::json::write_str(self.name(), out)
    }
}

/// In TypeScript (www/types/api.d.ts): the union of the bug names, as serialized above.
#[cfg(test)]
impl ts_rs::TS for Bug {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &ts_rs::Config) -> String {
        "Bug".to_string()
    }
    fn inline(_: &ts_rs::Config) -> String {
        let names: Vec<String> = Bug::ALL
            .iter()
            .map(|b| format!("\"{}\"", b.name()))
            .collect();
        names.join(" | ")
    }
    fn decl(cfg: &ts_rs::Config) -> String {
        format!("type Bug = {};", Self::inline(cfg))
    }
    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        Self::decl(cfg)
    }
    fn docs() -> Option<String> {
        Some("/** An injectable bug, by its kebab-case name (`bugs()`). */\n".to_string())
    }
    fn output_path() -> Option<std::path::PathBuf> {
        Some("Bug.ts".into())
    }
}

/// The set of bugs switched on in a configuration (empty = the correct protocol). In JSON
/// it is a sorted list of bug names without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(transparent)]
pub struct BugSet(Vec<Bug>);

impl<'de> Deserialize<'de> for BugSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<Bug>::deserialize(d)?.into_iter().collect())
    }
}

impl crate::json::read::FromJson for BugSet {
    fn from_json(v: &crate::json::read::Json) -> Result<Self, crate::json::read::Error> {
        Ok(Vec::<Bug>::from_json(v)?.into_iter().collect())
    }
}

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
            crate::small_sort::sort(&mut self.0);
        }
    }

    /// The bugs switched on, in [`Bug::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = Bug> + '_ {
        self.0.iter().copied()
    }

    /// Whether no bug is switched on (the correct protocol).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Bug> for BugSet {
    fn from_iter<I: IntoIterator<Item = Bug>>(bugs: I) -> Self {
        let mut set = BugSet::default();
        for b in bugs {
            set.set(b, true);
        }
        set
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
            .contains("unknown bug `no-such-bug`, expected one of `forgetful-acceptor`"));
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

    #[test]
    fn json_uses_the_kebab_names_sorted_without_repeats() {
        let set: BugSet =
            serde_json::from_str(r#"["no-dedup","small-quorum","no-dedup"]"#).unwrap();
        assert_eq!(set.0, vec![Bug::SmallQuorum, Bug::NoDedup]);
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"["small-quorum","no-dedup"]"#
        );
        let err = serde_json::from_str::<BugSet>(r#"["no-such-bug"]"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown bug `no-such-bug`"),
            "{err}"
        );
    }

    #[test]
    fn the_catalogue_follows_the_order_of_all() {
        for (i, bug) in Bug::ALL.into_iter().enumerate() {
            assert_eq!(bug as usize, i);
            assert!(!bug.info().title.is_empty() && !bug.info().symptom.is_empty());
        }
    }
}
