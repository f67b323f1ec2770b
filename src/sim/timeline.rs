//! Time travel: the recorded actions of a run, checkpoints of the world, and seeking to
//! any step by replaying from the nearest checkpoint. Acting after stepping back forks.
use super::action::{compress, expand, Action};
use super::scenario::Scenario;
use super::world::World;

/// Steps between stored world checkpoints.
pub const CHECKPOINT_EVERY: u64 = 500;

/// Longest run a scenario may describe.
pub const MAX_STEPS: u64 = 1_000_000;

/// A run that can move back and forth in time.
#[derive(Clone, Debug)]
pub struct Timeline {
    base: Scenario,
    actions: Vec<Action>,
    checkpoints: Vec<World>,
    world: World,
}

impl Timeline {
    /// Builds the world of `scenario` and replays all its actions; stays at the last step.
    /// `explain` turns on narration of each step.
    pub fn new(scenario: Scenario, explain: bool) -> Result<Timeline, String> {
        scenario.config.validate()?;
        let actions = expand(&scenario.actions, MAX_STEPS)?;
        let mut world = World::new(scenario.config.clone(), scenario.seed)?;
        world.explain = explain;
        let base = Scenario {
            actions: Vec::new(),
            ..scenario
        };
        let mut t = Timeline {
            base,
            actions: Vec::new(),
            checkpoints: vec![world.clone()],
            world,
        };
        for (i, a) in actions.iter().enumerate() {
            t.apply(a)
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
        self.world.step
    }

    /// How many steps are recorded (greater than `step()` after stepping back).
    pub fn total_steps(&self) -> u64 {
        self.actions.len() as u64
    }

    /// The preset this run came from, if any.
    pub fn preset(&self) -> Option<&str> {
        self.base.preset.as_deref()
    }

    /// The recorded actions.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Applies `action` at the current step. If the timeline was rewound, the recorded
    /// future is dropped first (a fork).
    pub fn apply(&mut self, action: &Action) -> Result<(), String> {
        let step = self.world.step;
        self.world.apply(action)?; // validates first: on error nothing changed
        self.actions.truncate(step as usize);
        self.checkpoints
            .truncate((step / CHECKPOINT_EVERY) as usize + 1);
        self.actions.push(action.clone());
        if self.world.step % CHECKPOINT_EVERY == 0 {
            self.checkpoints.push(self.world.clone());
        }
        Ok(())
    }

    /// Moves to `step` (0 ..= total_steps) by replaying from the nearest checkpoint.
    pub fn seek(&mut self, step: u64) -> Result<(), String> {
        if step > self.total_steps() {
            return Err(format!(
                "step {step} is beyond the last recorded step {}",
                self.total_steps()
            ));
        }
        if step == self.world.step {
            return Ok(());
        }
        let from_current = step > self.world.step && step - self.world.step < CHECKPOINT_EVERY;
        if !from_current {
            let i = ((step / CHECKPOINT_EVERY) as usize).min(self.checkpoints.len() - 1);
            self.world = self.checkpoints[i].clone();
        }
        while self.world.step < step {
            let a = self.actions[self.world.step as usize].clone();
            self.world
                .apply(&a)
                .map_err(|e| format!("replay diverged at step {}: {e}", self.world.step))?;
        }
        Ok(())
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
