//! A run as the page and the CLI drive it: a timeline plus the cached linearizability
//! verdict of its client history (recomputed only when the history changed).
use super::action::Action;
use super::scenario::Scenario;
use super::timeline::Timeline;
use super::view::{self, StateView};
use crate::check::invariants::Violation;
use crate::check::verdict;
use serde::Serialize;

/// What one action did: the step reached and its narration.
#[derive(Clone, Debug, Serialize)]
pub struct StepResult {
    /// The step reached.
    pub step: u64,
    /// What happened, in words.
    pub events: Vec<super::world::StepEvent>,
}

/// A timeline with a linearizability cache.
#[derive(Clone, Debug)]
pub struct Session {
    /// The run.
    pub timeline: Timeline,
    /// ((history length, completed operations), violation found for that history).
    lin_cache: Option<((usize, usize), Option<Violation>)>,
}

impl Session {
    /// Builds the run of `scenario`; `explain` turns on step narration.
    pub fn new(scenario: Scenario, explain: bool) -> Result<Session, String> {
        Ok(Session {
            timeline: Timeline::new(scenario, explain)?,
            lin_cache: None,
        })
    }

    /// Applies one action.
    pub fn apply(&mut self, action: &Action) -> Result<(), String> {
        self.timeline.apply(action)
    }

    /// The step reached and the narration of the last action.
    pub fn last_step(&self) -> StepResult {
        StepResult {
            step: self.timeline.step(),
            events: self.timeline.world().narration().to_vec(),
        }
    }

    /// Scheduler steps until quiet or `max_steps`; returns how many ran.
    pub fn run_until_quiet(&mut self, max_steps: u64) -> Result<u64, String> {
        let mut n = 0;
        while n < max_steps && !self.timeline.world().is_quiet() {
            self.timeline.apply_quietly(&Action::Auto { n: 1 })?;
            n += 1;
        }
        Ok(n)
    }

    /// The linearizability violation of the current history, if any (cached).
    pub fn linearizability(&mut self) -> Option<Violation> {
        let w = self.timeline.world();
        let done = w
            .history()
            .entries
            .iter()
            .filter(|e| e.complete.is_some())
            .count();
        let key = (w.history().len(), done);
        if self.lin_cache.as_ref().is_none_or(|(k, _)| *k != key) {
            let v = verdict::linearizability(w.history(), w.step()).1;
            self.lin_cache = Some((key, v));
        }
        self.lin_cache.as_ref().and_then(|(_, v)| v.clone())
    }

    /// The state (its JSON is in docs/wasm-api.md); `full` adds node internals.
    pub fn state(&mut self, full: bool) -> StateView<'_> {
        let linearizability = self.linearizability();
        view::state(&self.timeline, full, linearizability.as_ref())
    }
}
