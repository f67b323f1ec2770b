//! The explanation of a violation: the furthest completion any order reached, the values
//! the key could hold when it had to take effect, and the few operations that explain why.
use super::problem::{Boundary, KeyOp, KeyProblem, Step};
use super::KeyViolation;
use crate::check::history::History;
use crate::vec_map::VecSet;

/// At most this many operations are listed in a violation.
pub(super) const MAX_INVOLVED: usize = 12;

impl KeyProblem {
    /// Builds the report for a key whose search got stuck at `event` in `states`.
    pub(super) fn explain(
        &self,
        history: &History,
        event: usize,
        states: &VecSet<u32>,
    ) -> KeyViolation {
        let Boundary::Return(c) = self.events[event] else {
            unreachable!("the search only gets stuck at returns")
        };
        let culprit = &self.known[c as usize];
        let failed_at = culprit.complete.expect("known");
        let why = self.why_impossible(culprit, states);
        let mut involved = self.involved(culprit);
        crate::small_sort::sort_by_key(&mut involved, |&i| (history.entries[i].invoke, i));

        let mut explanation = format!(
            "key {:?}: no order of its operations up to t{failed_at} is valid. \
             {} cannot take effect anywhere in its interval: {why}. Operations involved:",
            self.key, history.entries[culprit.entry]
        );
        for &i in &involved {
            explanation.push_str(&format!("\n  {}", history.entries[i]));
        }
        KeyViolation {
            key: self.key.clone(),
            culprit: culprit.entry,
            failed_at,
            possible_values: states
                .iter()
                .map(|&s| self.values[s as usize].clone())
                .collect(),
            involved,
            explanation,
        }
    }

    /// Value number `v` for people.
    fn show(&self, v: u32) -> String {
        match &self.values[v as usize] {
            Some(s) => s.clone(),
            None => "∅ (absent)".to_string(),
        }
    }

    /// Why `culprit` cannot take effect when the key holds one of `states`.
    fn why_impossible(&self, culprit: &KeyOp, states: &VecSet<u32>) -> String {
        let holds = states
            .iter()
            .map(|&s| self.show(s))
            .collect::<Vec<_>>()
            .join(" or ");
        let k = format!("{:?}", self.key);
        match culprit.step {
            Step::Get(r) => format!("it read {}, but {k} holds {holds}", self.show(r)),
            Step::CasOk(e, _) => {
                format!("it swapped from {}, but {k} holds {holds}", self.show(e))
            }
            Step::CasFail(e) => format!(
                "it failed, so {k} cannot have held {}, but {k} holds {holds}",
                self.show(e)
            ),
            _ => format!("{k} holds {holds}"),
        }
    }

    /// The entries that explain the culprit, most telling first: the culprit, the latest
    /// writes of the value it relied on, the last operations that finished before it
    /// started, and those concurrent with it (at most [`MAX_INVOLVED`]).
    fn involved(&self, culprit: &KeyOp) -> Vec<usize> {
        let ops: Vec<&KeyOp> = self.known.iter().chain(&self.unknown).collect();
        let mut picked: Vec<usize> = vec![culprit.entry];
        let mut add = |o: &KeyOp| {
            if !picked.contains(&o.entry) && picked.len() < MAX_INVOLVED {
                picked.push(o.entry);
            }
        };
        for o in relied_writers(&ops, culprit).iter().rev().take(2) {
            add(o);
        }
        let before = finished_before(&ops, culprit);
        let latest_start = before.iter().map(|o| o.invoke).max();
        for o in before.iter().rev() {
            if o.complete >= latest_start {
                add(o);
            }
        }
        for o in concurrent_with(&ops, culprit) {
            add(o);
        }
        picked
    }
}

/// The writes of the value `culprit` relied on (read, or swapped from) invoked before it
/// completed, in invocation order.
fn relied_writers<'o>(ops: &[&'o KeyOp], culprit: &KeyOp) -> Vec<&'o KeyOp> {
    let relied = match culprit.step {
        Step::Get(r) if r != 0 => r,
        Step::CasOk(e, _) if e != 0 => e,
        _ => return Vec::new(),
    };
    let failed_at = culprit.complete.expect("known");
    let mut writers: Vec<&KeyOp> = ops
        .iter()
        .copied()
        .filter(|o| o.entry != culprit.entry && o.invoke <= failed_at)
        .filter(|o| o.writes() == Some(relied))
        .collect();
    crate::small_sort::sort_by_key(&mut writers, |o| (o.invoke, o.entry));
    writers
}

/// The operations that completed before `culprit` was invoked, in invocation order.
fn finished_before<'o>(ops: &[&'o KeyOp], culprit: &KeyOp) -> Vec<&'o KeyOp> {
    let mut before: Vec<&KeyOp> = ops
        .iter()
        .copied()
        .filter(|o| matches!(o.complete, Some(t) if t < culprit.invoke))
        .collect();
    crate::small_sort::sort_by_key(&mut before, |o| (o.invoke, o.entry));
    before
}

/// The operations whose interval overlaps `culprit`'s, in invocation order.
fn concurrent_with<'o>(ops: &[&'o KeyOp], culprit: &KeyOp) -> Vec<&'o KeyOp> {
    let failed_at = culprit.complete.expect("known");
    let mut concurrent: Vec<&KeyOp> = ops
        .iter()
        .copied()
        .filter(|o| {
            o.invoke <= failed_at
                && match o.complete {
                    Some(t) => t >= culprit.invoke,
                    None => true,
                }
        })
        .collect();
    crate::small_sort::sort_by_key(&mut concurrent, |o| (o.invoke, o.entry));
    concurrent
}
