//! Linearizability of a client [`History`] against the sequential key-value spec
//! (`put` → `ok`; `get` → the current value; `cas` swaps only when the current value equals
//! `expected`, `None` meaning absent).
//!
//! # Method
//!
//! * **Per key** (P-compositionality, as in Porcupine): every operation touches one key,
//!   so the history is linearizable iff each key's sub-history is. Keys are checked
//!   independently and share one search budget.
//! * **Per key, the Wing & Gong / Lowe search** (WGL), as in Porcupine: invocations and
//!   completions form one list in time order (invocations first at equal times); a
//!   depth-first search repeatedly places an operation whose invocation precedes the first
//!   pending completion, applies it to the model, and backtracks when it reaches a
//!   completion whose operation could not be placed. Configurations — (operations placed,
//!   model state) — that were fully explored without success are memoized and never
//!   explored again. The set placed is stored sparsely (the highest placed operation and
//!   the unplaced "holes" below it, operations being numbered by invocation), which stays
//!   small when few operations are concurrent.
//! * **Unknown outcomes** may take effect any time after their invocation, or never; the
//!   search succeeds once every *completed* operation is placed. They are handled by exact
//!   reductions rather than as +∞ returns:
//!   - an unknown `get` constrains nothing and is dropped;
//!   - an unknown write of `v` only matters until the last completion that could observe
//!     it (a completed get of `v`, a completed cas that swapped from `v` or failed on
//!     another value, or — transitively — an unknown cas expecting `v`): that is its
//!     *deadline*. Any valid order can be changed so that every unknown write either
//!     takes effect before its deadline or never, so at its deadline the search may
//!     declare it never happened; one with no deadline after its invocation is dropped;
//!   - unknown operations are only tried after the completed ones at each step, and only
//!     when the state they produce lets a pending completed operation apply (or feeds an
//!     unknown cas): a completed operation that already applies was tried first;
//!   - values no operation ever tests are interchangeable, and so are unknown operations
//!     with the same effect and deadline: those are used in invocation order only.
//!
//!   A memoized failure also prunes any configuration with the same completed operations
//!   placed and the same state but more unknown operations used up.
//! * **Explanations**: the furthest completion any order reached is where the violation
//!   shows: that operation is reported with the values the key could hold when it had to
//!   take effect and the few operations that explain why.
//! * **Bounded effort**: every attempt to place an operation counts as one step; past
//!   [`CheckOptions::max_steps`] the outcome is [`Outcome::Inconclusive`] instead of a
//!   browser hang. Memory grows with the steps taken (tens of MB for the default budget).
//!
//! Everything is deterministic (ordered maps, sorted output, a fixed hash function used
//! only for lookups), single-threaded and clock-free, so it runs the same in wasm.
//!
//! # Layout
//!
//! This file holds the public answer types and the per-key driver; `problem.rs` reduces
//! one key's sub-history to the search's input (interned values, deadlines, twins, the
//! event list); `search.rs` is the WGL search with its memo; `explain.rs` turns a dead
//! end into a [`KeyViolation`] people can read; `tests.rs` checks it all, against a brute
//! force and a plain reference checker among others.
mod explain;
mod problem;
mod search;
#[cfg(test)]
mod tests;

use super::history::{History, HistoryError};
use crate::json::ToJson;
use problem::KeyProblem;
use search::Search;
use serde::Serialize;
use std::fmt;

/// Default search budget: enough for histories of many thousands of operations with a
/// handful of concurrent clients, small enough to answer within a few seconds in a browser.
pub const DEFAULT_MAX_STEPS: u64 = 2_000_000;

/// Tuning knobs for [`check_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// Total search steps allowed over all keys (one step = one attempt to place an
    /// operation). Keys are checked smallest first; when the budget runs out, the key being
    /// searched and all keys not yet searched are reported inconclusive.
    pub max_steps: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_steps: DEFAULT_MAX_STEPS,
        }
    }
}

/// The checker's answer for a whole history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
pub struct LinearizabilityReport {
    /// The verdict.
    pub outcome: Outcome,
    /// One summary per key, sorted by key (empty for a malformed history).
    pub keys: Vec<KeySummary>,
    /// Search steps spent over all keys.
    pub steps: u64,
}

impl LinearizabilityReport {
    /// True if the history is linearizable.
    pub fn is_linearizable(&self) -> bool {
        matches!(self.outcome, Outcome::Linearizable)
    }

    /// The violation, if the history is not linearizable.
    pub fn violation(&self) -> Option<&KeyViolation> {
        match &self.outcome {
            Outcome::Violation(v) => Some(v),
            _ => None,
        }
    }

    /// True if the search budget ran out before a verdict.
    pub fn is_inconclusive(&self) -> bool {
        matches!(self.outcome, Outcome::Inconclusive { .. })
    }
}

impl fmt::Display for LinearizabilityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Linearizable => {
                let ops: usize = self.keys.iter().map(|k| k.operations).sum();
                write!(
                    f,
                    "linearizable: {ops} operations on {} keys ({} search steps)",
                    self.keys.len(),
                    self.steps
                )
            }
            Outcome::Violation(v) => write!(f, "not linearizable: {}", v.explanation),
            Outcome::Inconclusive { keys, max_steps } => write!(
                f,
                "inconclusive: the search budget of {max_steps} steps ran out before key(s) {} \
                 were decided; no violation was found in the other keys",
                quote_list(keys)
            ),
            Outcome::Malformed { errors } => {
                write!(f, "malformed history:")?;
                for e in errors {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

/// The verdict on a history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Every key's sub-history is linearizable.
    Linearizable,
    /// Some key's sub-history is not; this is the violation that shows up earliest in
    /// logical time (ties: smallest key).
    Violation(KeyViolation),
    /// No violation found, but the budget ran out before these keys (sorted) were decided.
    Inconclusive {
        /// Keys left undecided.
        keys: Vec<String>,
        /// The budget that ran out.
        max_steps: u64,
    },
    /// The history is not well formed (see [`History::validate`]); nothing was checked.
    Malformed {
        /// Every problem found.
        errors: Vec<HistoryError>,
    },
}

/// Why a key's sub-history is not linearizable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
pub struct KeyViolation {
    /// The key.
    pub key: String,
    /// Index in `History::entries` of the completed operation no valid order gets past:
    /// every order of the key's operations is stuck at its completion or earlier.
    pub culprit: usize,
    /// Logical time of that completion.
    pub failed_at: u64,
    /// The values the key can hold (over all valid orders of the operations that completed
    /// before it) when the culprit has to take effect; `None` = absent. At most 8.
    pub possible_values: Vec<Option<String>>,
    /// Indices in `History::entries` of the operations that explain the violation (the
    /// culprit, the writes of the value it relied on, the latest operations that finished
    /// before it started, and those concurrent with it), sorted by invocation; at most 12.
    pub involved: Vec<usize>,
    /// A short human-readable explanation (several lines).
    pub explanation: String,
}

/// What happened to one key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
pub struct KeySummary {
    /// The key.
    pub key: String,
    /// Operations on the key in the history.
    pub operations: usize,
    /// Of those, operations with unknown outcome.
    pub unknown: usize,
    /// Unknown-outcome operations dropped before the search because nothing could
    /// observe them.
    pub dropped: usize,
    /// Search steps spent on this key.
    pub steps: u64,
    /// The key's verdict.
    pub verdict: KeyVerdict,
}

/// The verdict on one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[serde(rename_all = "snake_case")]
pub enum KeyVerdict {
    /// The key's sub-history is linearizable.
    Linearizable,
    /// It is not.
    Violation,
    /// The budget ran out while searching it.
    Inconclusive,
    /// The budget ran out before it was searched.
    Skipped,
}

/// Checks `history` with the default budget ([`DEFAULT_MAX_STEPS`]).
pub fn check(history: &History) -> LinearizabilityReport {
    check_with(history, &CheckOptions::default())
}

/// Checks `history` with explicit options: each key on its own (cheap keys first, so one
/// expensive key cannot starve the others of budget), then the earliest violation wins.
pub fn check_with(history: &History, options: &CheckOptions) -> LinearizabilityReport {
    let errors = history.validate();
    if !errors.is_empty() {
        return LinearizabilityReport {
            outcome: Outcome::Malformed { errors },
            keys: Vec::new(),
            steps: 0,
        };
    }
    let mut problems: Vec<KeyProblem> = history
        .indices_by_key()
        .into_iter()
        .map(|(key, indices)| KeyProblem::new(history, key, &indices))
        .collect();
    crate::small_sort::sort_by(&mut problems, |a, b| {
        (a.total, &a.key).cmp(&(b.total, &b.key))
    });

    let mut steps = 0u64;
    let mut keys = Vec::new();
    let mut violations = Vec::new();
    for p in &problems {
        let before = steps;
        let (verdict, violation) = check_key(history, p, options.max_steps, &mut steps);
        violations.extend(violation);
        keys.push(KeySummary {
            key: p.key.clone(),
            operations: p.total,
            unknown: p.unknown_total,
            dropped: p.dropped,
            steps: steps - before,
            verdict,
        });
    }
    crate::small_sort::sort_by(&mut keys, |a, b| a.key.cmp(&b.key));
    crate::small_sort::sort_by(&mut violations, |a, b| {
        (a.failed_at, &a.key).cmp(&(b.failed_at, &b.key))
    });
    LinearizabilityReport {
        outcome: outcome(violations, &keys, options.max_steps),
        keys,
        steps,
    }
}

/// The verdict on one key (and its violation, if any), spending from the shared `steps`.
fn check_key(
    history: &History,
    p: &KeyProblem,
    max_steps: u64,
    steps: &mut u64,
) -> (KeyVerdict, Option<KeyViolation>) {
    if *steps >= max_steps && !p.known.is_empty() {
        return (KeyVerdict::Skipped, None);
    }
    match p.search(max_steps, steps) {
        Search::Linearizable => (KeyVerdict::Linearizable, None),
        Search::Exhausted => (KeyVerdict::Inconclusive, None),
        Search::Stuck { event, states } => (
            KeyVerdict::Violation,
            Some(p.explain(history, event, &states)),
        ),
    }
}

/// The verdict on the whole history: the earliest violation, else inconclusive if a key
/// was not decided, else linearizable. `violations` are sorted, `keys` are by name.
fn outcome(violations: Vec<KeyViolation>, keys: &[KeySummary], max_steps: u64) -> Outcome {
    let undecided: Vec<String> = keys
        .iter()
        .filter(|k| matches!(k.verdict, KeyVerdict::Inconclusive | KeyVerdict::Skipped))
        .map(|k| k.key.clone())
        .collect();
    if let Some(v) = violations.into_iter().next() {
        Outcome::Violation(v)
    } else if !undecided.is_empty() {
        Outcome::Inconclusive {
            keys: undecided,
            max_steps,
        }
    } else {
        Outcome::Linearizable
    }
}

fn quote_list(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
