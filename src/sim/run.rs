//! A run as the page and the CLI drive it: a timeline plus the cached linearizability
//! verdict of its client history (recomputed only when the history changed).
use super::action::Action;
use super::scenario::Scenario;
use super::timeline::{Mark, Timeline};
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
    /// The latest step whose client history the check found linearizable. Every earlier
    /// step's history is linearizable too (below), so seeking back needs no check.
    linearizable_at: Option<Mark>,
}

impl Run {
    /// Builds the run of `scenario`; `explain` turns on step narration.
    pub fn new(scenario: Scenario, explain: bool) -> Result<Run, String> {
        Ok(Run {
            timeline: Timeline::new(scenario, explain)?,
            lin_cache: None,
            linearizable_at: None,
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

    /// The linearizability violation of the current history, if any: the same verdict as
    /// a full check, cached. Steps up to the latest one found linearizable (same recorded
    /// actions) need no check: the history of an earlier step is the later one cut at that
    /// step (commands invoked later left out, those answered later unknown), and a
    /// linearization of the later history cut right after its last command answered by then
    /// is one of the earlier history (everything in it was invoked by then, and every
    /// command answered by then sees the same values), so the earlier one is linearizable.
    pub fn linearizability(&mut self) -> Option<InvariantViolation> {
        let step = self.timeline.step();
        if self
            .linearizable_at
            .is_some_and(|m| step <= self.timeline.unchanged_through(m))
        {
            return None;
        }
        let w = self.timeline.world();
        let key = w.history_counts();
        if self.lin_cache.as_ref().is_none_or(|(k, _)| *k != key) {
            let (report, v) = verdict::linearizability(&w.history(), step);
            if report.is_linearizable() {
                self.linearizable_at = Some(self.timeline.mark());
            }
            self.lin_cache = Some((key, v));
        }
        self.lin_cache.as_ref().and_then(|(_, v)| v.clone())
    }

    /// The verdict for a frame of a playing page: the one last computed is reused while
    /// the history only grew (see [`Run::state_playing`]).
    fn linearizability_playing(&mut self) -> Option<InvariantViolation> {
        let len = self.timeline.world().history_counts().0;
        let reusable = self
            .lin_cache
            .as_ref()
            .is_some_and(|((cached, _), _)| *cached <= len);
        if reusable {
            self.lin_cache.as_ref().and_then(|(_, v)| v.clone())
        } else {
            self.linearizability()
        }
    }

    /// The state while the page plays (`viewPlaying()`): lean, as [`Run::frame`], and the
    /// linearizability verdict last computed is reused while the history only grew (the
    /// page asks for a fresh one at most once a second and whenever it stops, through
    /// [`Run::frame`]); a history that shrank (stepped back, forked) is checked again.
    pub fn state_playing(&mut self) -> StateView<'_> {
        let linearizability = self.linearizability_playing();
        view::frame(&self.timeline, linearizability.as_ref())
    }

    /// The state for a frame of the page (`viewLean()`): [`Run::state`] without node
    /// internals and without message payloads (`message(id)` gives one).
    pub fn frame(&mut self) -> StateView<'_> {
        let linearizability = self.linearizability();
        view::frame(&self.timeline, linearizability.as_ref())
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
        assert_eq!(
            run.lin_cache.as_ref().unwrap().0,
            fresh,
            "an earlier step of a linearizable history is not checked again"
        );
        assert!(full_check(&run).is_none());
    }

    /// What a check of the whole history at the current step finds.
    fn full_check(run: &Run) -> Option<InvariantViolation> {
        let w = run.timeline.world();
        verdict::linearizability(&w.history(), w.step()).1
    }

    #[test]
    fn the_verdict_after_a_seek_or_a_fork_is_that_of_a_full_check() {
        let mut violations = 0;
        for preset in [
            "seed-demo",
            "leader-crash",
            "bug-no-dedup",
            "bug-small-quorum",
            "lagging-replica",
        ] {
            let mut run = Run::new(presets::scenario(preset).unwrap(), false).unwrap();
            for _ in 0..300 {
                run.apply(&Action::Auto { n: 1 }).unwrap();
            }
            let mut x: u64 = 7;
            let mut rnd = |n: u64| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % (n + 1)
            };
            run.linearizability();
            for i in 0..60 {
                let to = rnd(run.timeline.total_steps());
                run.timeline.seek(to).unwrap();
                if i % 15 == 14 {
                    // A fork: what was learnt past this step no longer holds.
                    run.apply(&Action::Tick).unwrap();
                    for _ in 0..rnd(200) {
                        run.apply(&Action::Auto { n: 1 }).unwrap();
                    }
                }
                let got = run.linearizability();
                let want = full_check(&run);
                violations += usize::from(want.is_some());
                assert_eq!(
                    got.as_ref().map(|v| (v.invariant, &v.message)),
                    want.as_ref().map(|v| (v.invariant, &v.message)),
                    "{preset} at step {} of {}",
                    run.timeline.step(),
                    run.timeline.total_steps()
                );
            }
        }
        assert!(violations > 0, "bug-no-dedup fails at some of the steps");
    }

    #[test]
    fn a_frame_leaves_payloads_out_and_message_gives_one() {
        let mut run = Run::new(presets::scenario("seed-demo").unwrap(), true).unwrap();
        for _ in 0..40 {
            run.apply(&Action::Auto { n: 1 }).unwrap();
        }
        let flight = run.timeline.world().in_flight().to_vec();
        assert!(!flight.is_empty());
        // Two copies of the first message.
        run.apply(&Action::Duplicate { id: flight[0].id }).unwrap();
        let full = serde_json::to_value(run.state(false)).unwrap();
        let lean = serde_json::to_value(run.frame()).unwrap();
        let (fm, lm) = (
            full["messages"].as_array().unwrap(),
            lean["messages"].as_array().unwrap(),
        );
        assert_eq!(fm.len(), lm.len());
        let w = run.timeline.world();
        for (f, l) in fm.iter().zip(lm) {
            assert!(f.get("copy_of").is_none() && f.get("payload").is_some());
            assert!(l.get("payload").is_none());
            let mut stripped = f.clone();
            stripped.as_object_mut().unwrap().remove("payload");
            let mut l2 = l.clone();
            l2.as_object_mut().unwrap().remove("copy_of");
            assert_eq!(
                stripped, l2,
                "the lean message is the full one without its payload"
            );
            let id = f["id"].as_u64().unwrap();
            let one = serde_json::to_value(view::message(w, id).unwrap()).unwrap();
            assert_eq!(one["payload"], f["payload"]);
            assert_eq!(one.get("copy_of"), l.get("copy_of"));
            // copy_of names the oldest message with the same ends and payload, if it has copies.
            let same: Vec<u64> = fm
                .iter()
                .filter(|x| {
                    x["from"] == f["from"] && x["to"] == f["to"] && x["payload"] == f["payload"]
                })
                .map(|x| x["id"].as_u64().unwrap())
                .collect();
            let want = (same.len() > 1).then(|| same[0]);
            assert_eq!(
                l.get("copy_of").and_then(|v| v.as_u64()),
                want,
                "message {id}"
            );
        }
        assert!(
            lm.iter().any(|m| m.get("copy_of").is_some()),
            "the duplicate is named"
        );
        assert!(view::message(w, u64::MAX).is_none());
        let mut without = full.clone();
        let mut lean_rest = lean.clone();
        without.as_object_mut().unwrap().remove("messages");
        lean_rest.as_object_mut().unwrap().remove("messages");
        assert_eq!(without, lean_rest, "only the messages differ");
    }
}
