//! The explorer, the swarm search and the shrinker as the page's Search panel drives them
//! in its Web Worker (through src/wasm.rs): where a search starts (a step of the page's
//! run, or the small start of a bug's search), the memory cap of a tab, and the values
//! that cross to the page (typed in www/types/api.d.ts).
use super::{Bounds, Explorer, Finish};
use crate::check::invariants::InvariantViolation;
use crate::json::ToJson;
use crate::paxos::Bug;
use crate::sim::action::expand;
use crate::sim::{fuzz, Scenario};
use serde::Serialize;

/// The most distinct states a search in a browser tab may keep (about 50 bytes each in
/// wasm, so 250 MB at most): a tab that asks for more is told so, not run out of memory.
pub const MAX_STATES_PAGE: u64 = 5_000_000;

/// The longest run the page searches from, in steps.
pub const MAX_START_STEPS: u64 = 200_000;

/// Scheduler steps under faults per seed of the page's swarm search (as `paxoscope fuzz`).
pub const SWARM_FAULT_STEPS: u64 = fuzz::DEFAULT_FAULT_STEPS;

/// How a search ended (or that it has not yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SearchFinish {
    /// Still searching.
    Running,
    /// Every state within the depth bound was explored: nothing violates an invariant.
    Exhausted,
    /// The state cap (memory bound) was hit: the figures are partial.
    StateCap,
    /// A violation was found: see `counterexample()`.
    Violation,
}

/// The figures of a search so far, as the panel's counters show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SearchStatus {
    /// Transitions taken (states generated, merged or not).
    pub states: u64,
    /// Distinct states found (merged by fingerprint).
    pub distinct: u64,
    /// Depth (moves from the start) of the level being expanded.
    pub depth: u32,
    /// States found and not yet expanded.
    pub frontier: u64,
    /// How it stands.
    pub finish: SearchFinish,
}

/// A shortest counterexample, as the page loads it into its timeline: a fork of the run
/// searched from at `fork_step`, violating `invariant` at its last step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Found {
    /// The invariant violated.
    pub invariant: String,
    /// What the checker said.
    pub message: String,
    /// The step of the searched run the counterexample starts from (where it forks).
    pub fork_step: u64,
    /// Moves from the fork to the violation (the BFS optimum).
    pub length: u64,
    /// The run searched from up to `fork_step`, then the moves: replays to the violation.
    pub scenario: Scenario,
}

/// One seed of the swarm search: its random configuration and faults, run as
/// `paxoscope fuzz` runs it.
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SwarmSeed {
    /// The seed.
    pub seed: u64,
    /// Steps run.
    pub steps: u64,
    /// The first violation, if any.
    pub violation: Option<InvariantViolation>,
    /// The scenario that replays the run exactly.
    pub scenario: Scenario,
}

/// The first `step` steps of `scenario` (automatic steps counted one by one): the run the
/// page shows at that step, without its recorded future.
pub fn prefix(scenario: &Scenario, step: u64) -> Result<Scenario, String> {
    let mut actions = expand(&scenario.actions, MAX_START_STEPS)?;
    if step > actions.len() as u64 {
        return Err(format!(
            "step {step} is beyond the run's last step {}",
            actions.len()
        ));
    }
    actions.truncate(step as usize);
    Ok(Scenario {
        actions,
        ..scenario.clone()
    })
}

/// Refuses bounds a browser tab cannot search, saying which and why.
pub fn check_page_bounds(bounds: &Bounds) -> Result<(), String> {
    if bounds.max_states > MAX_STATES_PAGE {
        return Err(format!(
            "at most {MAX_STATES_PAGE} states can be kept in a browser tab (about 250 MB), \
             got {}; the command-line explorer (paxoscope explore) takes up to {}",
            bounds.max_states,
            super::MAX_STATES_LIMIT
        ));
    }
    bounds.validate()
}

/// A search of the page: the explorer and the step of the page's run it forks from.
pub struct PageSearch {
    /// The breadth-first explorer.
    pub explorer: Explorer,
    /// The step of the searched run the search starts from.
    pub fork_step: u64,
}

impl PageSearch {
    /// A breadth-first search from step `step` of `scenario` (the page's current step).
    pub fn from_step(scenario: &Scenario, step: u64, bounds: Bounds) -> Result<Self, String> {
        check_page_bounds(&bounds)?;
        let start = prefix(scenario, step)?;
        Ok(PageSearch {
            explorer: Explorer::new(&start, bounds)?,
            fork_step: step,
        })
    }

    /// "Find it yourself": the search for `bug` from its start (3 servers, the bug's
    /// commands; a later start for two bugs, `starts`) with its recorded default bounds
    /// (docs/explorer.md).
    pub fn for_bug(bug: Bug) -> Result<Self, String> {
        let start = super::starts::for_bug(3, Bounds::commands_for_bug(Some(bug)), Some(bug));
        Ok(PageSearch {
            explorer: Explorer::new(&start, Bounds::for_bug(Some(bug)))?,
            fork_step: 0,
        })
    }

    /// The figures so far.
    pub fn status(&self) -> SearchStatus {
        let p = self.explorer.progress();
        SearchStatus {
            states: p.states,
            distinct: p.distinct,
            depth: p.depth,
            frontier: p.frontier,
            finish: match self.explorer.finish() {
                None => SearchFinish::Running,
                Some(Finish::Exhausted) => SearchFinish::Exhausted,
                Some(Finish::StateCap) => SearchFinish::StateCap,
                Some(Finish::Violation) => SearchFinish::Violation,
            },
        }
    }

    /// The shortest counterexample, once found.
    pub fn found(&self) -> Option<Found> {
        self.explorer.counterexample().map(|c| Found {
            invariant: c.invariant.to_string(),
            message: c.message.clone(),
            fork_step: self.fork_step,
            length: c.length as u64,
            scenario: c.scenario.clone(),
        })
    }
}

/// Runs seed `seed` of the swarm search (`paxoscope fuzz`'s configuration and faults).
pub fn swarm_seed(seed: u64, bug: Option<Bug>) -> SwarmSeed {
    let o = fuzz::run_seed(seed, SWARM_FAULT_STEPS, bug);
    SwarmSeed {
        seed,
        steps: o.steps,
        violation: o.violation,
        scenario: o.scenario,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets;

    #[test]
    fn a_prefix_keeps_the_first_steps_and_refuses_steps_past_the_end() {
        let mut s = presets::scenario("seed-demo").unwrap();
        s.actions = vec![crate::sim::Action::Auto { n: 5 }, crate::sim::Action::Tick];
        assert_eq!(prefix(&s, 3).unwrap().actions.len(), 3);
        assert_eq!(prefix(&s, 6).unwrap().actions.len(), 6);
        let e = prefix(&s, 7).unwrap_err();
        assert!(e.contains("beyond the run's last step 6"), "{e}");
    }

    #[test]
    fn a_tab_is_refused_more_states_than_it_can_hold() {
        let b = Bounds {
            max_states: MAX_STATES_PAGE + 1,
            ..Bounds::default()
        };
        let e = check_page_bounds(&b).unwrap_err();
        assert!(e.contains("browser tab"), "{e}");
        assert!(check_page_bounds(&Bounds::default()).is_ok());
        let deep = Bounds {
            max_depth: 20_000,
            ..Bounds::default()
        };
        assert!(check_page_bounds(&deep).is_err());
    }

    #[test]
    fn finding_a_bug_yourself_forks_at_the_start_and_reports_the_optimum() {
        let mut s = PageSearch::for_bug(Bug::SmallQuorum).unwrap();
        while !s.explorer.run(1_000) {}
        assert_eq!(s.status().finish, SearchFinish::Violation);
        let f = s.found().unwrap();
        assert_eq!(
            (f.invariant.as_str(), f.length, f.fork_step),
            ("agreement", 2, 0)
        );
    }
}
