//! Time travel: the recorded actions of a run, checkpoints of the world, and seeking to
//! any step by replaying from the nearest checkpoint. Acting after stepping back forks.
use super::action::{compress, expand, Action};
use super::scenario::Scenario;
use super::spacetime::SpaceTime;
use super::world::World;

/// Steps between stored world checkpoints at the start of a run.
pub const FIRST_CHECKPOINT_INTERVAL: u64 = 256;

/// At most this many checkpoints are kept: past it, every other one is dropped and the
/// interval doubles, so memory stays bounded however long the run. Checkpoints share the
/// checker's maps, the client history and the space-time record (copy-on-write chunks), so
/// each holds mostly its nodes: a 100,000-step history of the page's seek bench keeps 98
/// checkpoints 1,024 steps apart in 71.6 MB natively (48 were 79.6 MB before the sharing).
pub const MAX_CHECKPOINTS: usize = 128;

/// Longest run a scenario may describe.
pub const MAX_STEPS: u64 = 1_000_000;

/// A run that can move back and forth in time.
#[derive(Clone, Debug)]
pub struct Timeline {
    base: Scenario,
    actions: Vec<Action>,
    /// `checkpoints[i]` is the world at step `i * interval`.
    checkpoints: Vec<World>,
    interval: u64,
    world: World,
    explain: bool,
    /// The space-time record of the whole recorded run, kept while the world is rewound
    /// (the world's own record ends at its step); none while the world is at the end.
    head: Option<SpaceTime>,
    /// The step of every fork so far (an action recorded before the last recorded step,
    /// dropping the future), oldest first: what was learnt about steps past a fork no
    /// longer holds (see [`Timeline::unchanged_through`]).
    forks: Vec<u64>,
    /// Whether the world replayed to its step without its own space-time record, which
    /// `head` holds whole (a rewind does not record again what is recorded): it gets it
    /// back before the next recorded action ([`Timeline::reattach`]).
    detached: bool,
}

/// A step of a timeline as of some moment (see [`Timeline::mark`]): its recorded actions up
/// to that step stay what they were until a fork before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    step: u64,
    forks: usize,
}

impl Timeline {
    /// Builds the world of `scenario` and replays all its actions; stays at the last step.
    /// `explain` turns on narration of each step.
    pub fn new(scenario: Scenario, explain: bool) -> Result<Timeline, String> {
        scenario.config.validate()?;
        let actions = expand(&scenario.actions, MAX_STEPS)?;
        // A run that explains itself is one the page draws: it keeps the space-time record.
        let world = if explain {
            World::with_spacetime(scenario.config.clone(), scenario.seed)?
        } else {
            World::new(scenario.config.clone(), scenario.seed)?
        };
        let base = Scenario {
            actions: Vec::new(),
            ..scenario
        };
        let mut t = Timeline {
            base,
            actions: Vec::new(),
            checkpoints: vec![world.clone()],
            interval: FIRST_CHECKPOINT_INTERVAL,
            world,
            explain,
            head: None,
            forks: Vec::new(),
            detached: false,
        };
        let last = actions.len().saturating_sub(1);
        for (i, a) in actions.iter().enumerate() {
            t.record(a, i == last)
                .map_err(|e| format!("action {} of the scenario cannot be applied: {e}", i + 1))?;
        }
        Ok(t)
    }

    /// The world at the current step.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The current step.
    pub fn step(&self) -> u64 {
        self.world.step()
    }

    /// How many steps are recorded (greater than `step()` after stepping back).
    pub fn total_steps(&self) -> u64 {
        self.actions.len() as u64
    }

    /// Steps between the stored checkpoints now (doubles as the run grows).
    pub fn checkpoint_interval(&self) -> u64 {
        self.interval
    }

    /// The preset this run came from, if any.
    pub fn preset(&self) -> Option<&str> {
        self.base.preset.as_deref()
    }

    /// The recorded actions.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Applies `action` at the current step, narrated if the timeline explains. If the
    /// timeline was rewound, the recorded future is dropped first (a fork).
    pub fn apply(&mut self, action: &Action) -> Result<(), String> {
        self.record(action, true)
    }

    /// Like `apply`, without narration (for bulk runs).
    pub fn apply_quietly(&mut self, action: &Action) -> Result<(), String> {
        self.record(action, false)
    }

    fn record(&mut self, action: &Action, narrate: bool) -> Result<(), String> {
        self.reattach()?;
        let step = self.world.step();
        self.world.set_narration(narrate && self.explain);
        self.world.apply(action)?; // validates first: on error nothing changed
        if (step as usize) < self.actions.len() {
            self.forks.push(step);
        }
        self.actions.truncate(step as usize);
        self.head = None;
        self.checkpoints
            .truncate((step / self.interval) as usize + 1);
        self.actions.push(action.clone());
        if self.world.step().is_multiple_of(self.interval) {
            self.checkpoints.push(self.world.clone());
            if self.checkpoints.len() > MAX_CHECKPOINTS {
                self.thin_checkpoints();
            }
        }
        Ok(())
    }

    fn thin_checkpoints(&mut self) {
        let kept: Vec<World> = std::mem::take(&mut self.checkpoints)
            .into_iter()
            .step_by(2)
            .collect();
        self.checkpoints = kept;
        self.interval *= 2;
    }

    /// Moves to `step` (0 ..= total_steps) by replaying from the nearest checkpoint; only
    /// the last replayed step is narrated.
    pub fn seek(&mut self, step: u64) -> Result<(), String> {
        self.seek_toward(step, u64::MAX).map(|_| ())
    }

    /// Like [`Timeline::seek`], replaying at most `max_steps` steps: true once at `step`,
    /// else the world is on the way there (at an earlier recorded step) and the next call
    /// goes on from it. The page spreads a long replay over frames this way.
    pub fn seek_toward(&mut self, step: u64, max_steps: u64) -> Result<bool, String> {
        if step > self.total_steps() {
            return Err(format!(
                "step {step} is beyond the last recorded step {}",
                self.total_steps()
            ));
        }
        if step == self.world.step() {
            return Ok(true);
        }
        if self.head.is_none() && self.world.step() == self.total_steps() {
            self.head = self.world.spacetime().cloned();
        }
        // From here when here is at or past the checkpoint `step` would start from.
        let from_current =
            step > self.world.step() && self.world.step() >= self.checkpoint_step(step);
        if !from_current {
            self.restore_checkpoint(step);
        }
        // The whole run's record is `head`: the replay leaves the world's own behind.
        if self.head.is_some() && !self.detached {
            self.world.take_spacetime();
            self.detached = true;
        }
        let until = step.min(self.world.step().saturating_add(max_steps));
        self.replay(until, step)?;
        Ok(until == step)
    }

    /// The index of the last checkpoint at or before `step`.
    fn checkpoint_index(&self, step: u64) -> usize {
        ((step / self.interval) as usize).min(self.checkpoints.len() - 1)
    }

    /// The step of the checkpoint a seek to `step` starts from.
    fn checkpoint_step(&self, step: u64) -> u64 {
        self.checkpoint_index(step) as u64 * self.interval
    }

    /// The world of the last checkpoint at or before `step`, with its space-time record.
    fn restore_checkpoint(&mut self, step: u64) {
        self.world = self.checkpoints[self.checkpoint_index(step)].clone();
        self.detached = false;
    }

    /// Gives the world back its own space-time record after a replay without it: the whole
    /// run's record at the last step, else (a fork is coming) the same replay again with
    /// the record kept.
    fn reattach(&mut self) -> Result<(), String> {
        if !self.detached {
            return Ok(());
        }
        let step = self.world.step();
        if step == self.total_steps() {
            self.world.set_spacetime(self.head.take());
            self.detached = false;
            return Ok(());
        }
        self.restore_checkpoint(step);
        self.replay(step, step)
    }

    /// Applies the recorded actions up to step `until`; only step `last` is narrated.
    fn replay(&mut self, until: u64, last: u64) -> Result<(), String> {
        while self.world.step() < until {
            let a = &self.actions[self.world.step() as usize];
            self.world
                .set_narration(self.explain && self.world.step() + 1 == last);
            self.world
                .apply(a)
                .map_err(|e| format!("replay diverged at step {}: {e}", self.world.step()))?;
        }
        Ok(())
    }

    /// The current step, marked so that [`Timeline::unchanged_through`] can tell later
    /// whether the actions up to it are still the recorded ones.
    pub fn mark(&self) -> Mark {
        Mark {
            step: self.step(),
            forks: self.forks.len(),
        }
    }

    /// The last step up to which the recorded actions are the same as when `mark` was
    /// taken (so every world up to it is the same): the marked step, or the earliest fork
    /// since if it was before.
    pub fn unchanged_through(&self, mark: Mark) -> u64 {
        self.forks
            .get(mark.forks..)
            .unwrap_or_default()
            .iter()
            .fold(mark.step, |m, &f| m.min(f))
    }

    /// The space-time record of the whole recorded run (past the current step too), if
    /// the timeline explains itself.
    pub fn spacetime(&self) -> Option<&SpaceTime> {
        self.head.as_ref().or(self.world.spacetime())
    }

    /// The scenario that reproduces the whole recorded run (consecutive automatic steps
    /// merged), for share links and exported files.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            actions: compress(&self.actions),
            ..self.base.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets;

    #[test]
    fn checkpoints_stay_bounded_and_seeking_stays_exact() {
        let mut t = Timeline::new(presets::scenario("steady-leader").unwrap(), false).unwrap();
        let mut digests = Vec::new();
        for _ in 0..(FIRST_CHECKPOINT_INTERVAL * MAX_CHECKPOINTS as u64 * 2) {
            t.apply(&Action::Auto { n: 1 }).unwrap();
            digests.push(t.world().trace_digest());
        }
        assert!(t.checkpoints.len() <= MAX_CHECKPOINTS);
        assert!(t.interval > FIRST_CHECKPOINT_INTERVAL);
        for step in [1u64, 300, 7_777, 20_000, 24_575] {
            t.seek(step).unwrap();
            assert_eq!(
                t.world().trace_digest(),
                digests[step as usize - 1],
                "step {step}"
            );
        }
        // In parts: each call replays at most 100 steps, and lands on the same world.
        for step in [24_000u64, 9_001, 9_500, 3] {
            let mut calls = 1;
            while !t.seek_toward(step, 100).unwrap() {
                assert!(t.step() < step);
                calls += 1;
            }
            assert!(
                calls <= 1 + t.interval / 100,
                "{calls} calls to reach {step}"
            );
            assert_eq!(t.world().trace_digest(), digests[step as usize - 1]);
        }
    }
}
