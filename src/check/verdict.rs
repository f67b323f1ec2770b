//! The checkers' verdict on a run, in one place: the invariant violations found step by
//! step, the linearizability verdict on the client history, and pass/fail per invariant.
//! The page's panel, `paxoscope run` and the fuzzer all read it from here.
use super::history::History;
use super::invariants::{InvariantViolation, ALL, LINEARIZABILITY};
use super::linearizability::{self, LinearizabilityReport};
use crate::json::ToJson;
use serde::Serialize;

/// Pass or fail of one invariant, with what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvariantStatus {
    /// The invariant's name.
    pub name: &'static str,
    /// Whether no violation of it was found.
    pub ok: bool,
    /// What it says, in one line.
    pub description: &'static str,
}

/// Pass/fail of every invariant (in display order) given the violations found.
pub fn statuses(violations: &[InvariantViolation]) -> Vec<InvariantStatus> {
    ALL.iter()
        .map(|(name, description)| InvariantStatus {
            name,
            ok: !violations.iter().any(|v| v.invariant == *name),
            description,
        })
        .collect()
}

/// The linearizability check of `history`, and its failure as a violation found at `step`.
pub fn linearizability(
    history: &History,
    step: u64,
) -> (LinearizabilityReport, Option<InvariantViolation>) {
    let report = linearizability::check(history);
    let violation = report
        .violation()
        .map(|v| InvariantViolation::new(LINEARIZABILITY, step, v.explanation.clone()));
    (report, violation)
}

/// Every violation of a run: the step-by-step checker's, then the linearizability one.
pub fn all_violations(
    checker: &[InvariantViolation],
    linearizability: Option<&InvariantViolation>,
) -> Vec<InvariantViolation> {
    checker.iter().chain(linearizability).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::invariants::AGREEMENT;

    #[test]
    fn an_invariant_fails_exactly_when_one_of_its_violations_was_found() {
        let v = InvariantViolation::new(AGREEMENT, 3, "slot 0".into());
        let s = statuses(std::slice::from_ref(&v));
        assert_eq!(s.len(), ALL.len());
        assert!(s.iter().all(|s| s.ok == (s.name != AGREEMENT)));
        assert!(statuses(&[]).iter().all(|s| s.ok));
    }
}
