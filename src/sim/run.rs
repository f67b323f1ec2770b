//! A run as the page and the CLI drive it: a timeline plus the cached linearizability
//! verdict of its client history (recomputed only when the history changed).
use super::action::Action;
use super::scenario::Scenario;
use super::timeline::Timeline;
use super::view::{self, StateView};
use crate::check::invariants::InvariantViolation;
use crate::check::verdict;
use crate::json::ToJson;
use serde::Serialize;

/// What one action did: the step reached and its narration.
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StepResult {
    /// The step reached.
    pub step: u64,
    /// What happened, in words.
    pub events: Vec<super::narration::NarrationLine>,
}

/// How long, in election timeouts, "run until quiet" lets time pass in a quiet run with no
/// leader before it gives up (a crashed or cut-off majority never elects one).
pub const LEADERLESS_WAIT_TIMEOUTS: u64 = 20;

/// Whether a running proposer has its election timer set.
fn election_pending(w: &super::world::World) -> bool {
    w.node_ids().any(|id| {
        w.roles(id).proposer
            && !w.is_crashed(id)
            && w.timer_deadline(id, crate::paxos::TimerKind::Election)
                .is_some()
    })
}

/// A timeline with a linearizability cache.
#[derive(Clone, Debug)]
pub struct Run {
    /// The run.
    pub timeline: Timeline,
    /// ((history length, completed operations), violation found for that history).
    lin_cache: Option<((usize, usize), Option<InvariantViolation>)>,
}

impl Run {
    /// Builds the run of `scenario`; `explain` turns on step narration.
    pub fn new(scenario: Scenario, explain: bool) -> Result<Run, String> {
        Ok(Run {
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

    /// Scheduler steps until the run settles, or `max_steps`; returns how many ran. Settled
    /// means quiet (nothing in flight, every client answered) with a leader known. While
    /// quiet without a leader, time goes on as long as a running proposer's election timer
    /// is set (rule 7: that is where the next leader comes from, e.g. after the leader
    /// crashed), for at most [`LEADERLESS_WAIT_TIMEOUTS`] election timeouts. The last step
    /// is narrated.
    pub fn run_until_quiet(&mut self, max_steps: u64) -> Result<u64, String> {
        let wait = LEADERLESS_WAIT_TIMEOUTS
            * self
                .timeline
                .world()
                .protocol_config()
                .election_timeout_ticks;
        let mut leaderless_since = None;
        let mut n = 0;
        while n < max_steps {
            let w = self.timeline.world();
            if w.leader().is_some() {
                leaderless_since = None;
            } else if leaderless_since.is_none() {
                leaderless_since = Some(w.now());
            }
            if w.is_quiet() {
                let waited = leaderless_since.map_or(0, |t| w.now() - t);
                if leaderless_since.is_none() || !election_pending(w) || waited >= wait {
                    break;
                }
            }
            self.timeline.apply_quietly(&Action::Auto { n: 1 })?;
            n += 1;
        }
        if n > 0 {
            // Replay the last step with narration on, so the page can say how it ended.
            let end = self.timeline.step();
            self.timeline.seek(end - 1)?;
            self.timeline.seek(end)?;
        }
        Ok(n)
    }

    /// The linearizability violation of the current history, if any (cached).
    pub fn linearizability(&mut self) -> Option<InvariantViolation> {
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

    /// The state while the page plays: the linearizability verdict last computed is reused
    /// while the history only grew (the page asks for a fresh one at most once a second and
    /// whenever it stops, through [`Run::state`]); a history that shrank (stepped back,
    /// forked) is checked again.
    pub fn state_playing(&mut self) -> StateView<'_> {
        let len = self.timeline.world().history().len();
        let reusable = self
            .lin_cache
            .as_ref()
            .is_some_and(|((cached, _), _)| *cached <= len);
        let linearizability = if reusable {
            self.lin_cache.as_ref().and_then(|(_, v)| v.clone())
        } else {
            self.linearizability()
        };
        view::state(&self.timeline, false, linearizability.as_ref())
    }

    /// The state (its JSON is in docs/wasm-api.md); `full` adds node internals.
    pub fn state(&mut self, full: bool) -> StateView<'_> {
        let linearizability = self.linearizability();
        view::state(&self.timeline, full, linearizability.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets;

    #[test]
    fn playing_reuses_the_verdict_while_the_history_grows_and_rechecks_after_a_rewind() {
        let mut run = Run::new(presets::scenario("seed-demo").unwrap(), true).unwrap();
        run.state(false);
        let checked = run.lin_cache.as_ref().unwrap().0;
        for _ in 0..200 {
            run.apply(&Action::Auto { n: 1 }).unwrap();
            run.state_playing();
        }
        assert_eq!(run.lin_cache.as_ref().unwrap().0, checked, "not re-checked");
        run.state(false);
        let fresh = run.lin_cache.as_ref().unwrap().0;
        assert_ne!(fresh, checked, "the history grew and state() re-checks it");
        run.timeline.seek(1).unwrap();
        run.state_playing();
        assert!(run.lin_cache.as_ref().unwrap().0 .0 <= run.timeline.world().history().len());
    }
}
