//! Thin wasm-bindgen bindings for the page in `www/` (contract: docs/wasm-api.md). Every
//! behaviour lives in the library; this file only converts between JS and Rust values.
use crate::explore;
use crate::json::read::from_str;
use crate::json::{to_json, ToJson};
use crate::sim::action::Action;
use crate::sim::run::Run;
use crate::sim::scenario::Scenario;
use crate::sim::{presets, view};
use crate::vocabulary;
use wasm_bindgen::prelude::*;

#[cfg(not(target_feature = "atomics"))]
mod alloc;

/// Small blocks from free lists, the rest from dlmalloc (see `alloc.rs`).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: alloc::SmallBlocks = alloc::SmallBlocks::new();

// The types of every value below, generated from the Rust types (src/api_types.rs, a
// test keeps the file current): they go into www/pkg/paxoscope.d.ts, where the
// `unchecked_return_type` / `unchecked_param_type` of each export name them.
#[wasm_bindgen(typescript_custom_section)]
const API_TYPES: &str = include_str!("../www/types/api.d.ts");

/// Installs the panic hook so a Rust panic is reported in the console with its message.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Returns the crate version, so the page can check that the wasm module answered.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Converts a value for the page: `crate::json` writes the JSON text (the bytes serde_json
/// would write, without serde's code in the module) and the browser's own `JSON.parse`
/// builds the objects. Smaller than a serde-to-JsValue serializer and faster for big states.
fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(&to_json(value))
        .map_err(|_| JsError::new("could not convert the state for the page"))
}

/// Every simulator preset (`seed-demo` first) with its title and description.
#[wasm_bindgen(unchecked_return_type = "Array<PresetInfo>")]
pub fn presets() -> Result<JsValue, JsError> {
    to_js(&presets::list())
}

/// The injectable bugs (rule each breaks), all off by default.
#[wasm_bindgen(unchecked_return_type = "Array<Term>")]
pub fn bugs() -> Result<JsValue, JsError> {
    to_js(&vocabulary::bugs())
}

/// The core's vocabulary: message kinds (who sends them, when, the rules they serve),
/// roles, phases, rules, invariants and bugs, each with its description. The page draws
/// and explains only these.
#[wasm_bindgen(unchecked_return_type = "Vocabulary")]
pub fn vocabulary() -> Result<JsValue, JsError> {
    to_js(&vocabulary::vocabulary())
}

/// A run in the browser: a time-travelling simulation of one scenario.
#[wasm_bindgen]
pub struct Playground {
    run: Run,
    /// Changes whenever an action may have forked the recorded future (acting before the
    /// last recorded step), so that `spacetimeSince` knows what the page holds is stale.
    generation: u32,
}

#[wasm_bindgen]
impl Playground {
    /// Builds the run of preset `name`.
    #[wasm_bindgen(js_name = fromPreset)]
    pub fn from_preset(name: &str) -> Result<Playground, JsError> {
        let scenario = presets::scenario(name).map_err(|e| JsError::new(&e))?;
        Self::build(scenario)
    }

    /// Builds a run from a scenario JSON (configuration + seed + actions) and replays it.
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(json: &str) -> Result<Playground, JsError> {
        let scenario = Scenario::from_json(json).map_err(|e| JsError::new(&e))?;
        Self::build(scenario)
    }

    fn build(scenario: Scenario) -> Result<Playground, JsError> {
        let run = Run::new(scenario, true).map_err(|e| JsError::new(&e))?;
        Ok(Playground { run, generation: 0 })
    }

    /// The scenario reproducing the whole recorded run, as JSON (share links, export).
    pub fn scenario(&self) -> String {
        to_json(&self.run.timeline.scenario())
    }

    /// The full state, as `paxoscope run` prints it.
    #[wasm_bindgen(unchecked_return_type = "FullState")]
    pub fn state(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.run.state(true))
    }

    /// The state without per-node durable/volatile detail: cheap enough for every frame.
    #[wasm_bindgen(unchecked_return_type = "StateView")]
    pub fn view(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.run.state(false))
    }

    /// `view()` for one frame of the page: the messages in flight without their payloads
    /// (`copy_of` names identical copies instead); `message(id)` gives one payload.
    #[wasm_bindgen(js_name = viewLean, unchecked_return_type = "StateView")]
    pub fn view_lean(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.run.frame())
    }

    /// Like `viewLean()`, for the frames of a playing page: the linearizability verdict is
    /// the last one computed while the history only grew (ask `viewLean()` for a fresh one).
    #[wasm_bindgen(js_name = viewPlaying, unchecked_return_type = "StateView")]
    pub fn view_playing(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.run.state_playing())
    }

    /// Message `id` in flight with its payload (and `copy_of`), or `null` if it is not in
    /// flight at this step.
    #[wasm_bindgen(unchecked_return_type = "MessageView | null")]
    pub fn message(&self, id: f64) -> Result<JsValue, JsError> {
        if id.is_nan() || id < 0.0 {
            return Err(JsError::new("message needs a non-negative id"));
        }
        match view::message(self.run.timeline.world(), id as u64) {
            Some(m) => to_js(&m),
            None => Ok(JsValue::NULL),
        }
    }

    /// One node with its durable and volatile state (the inspector); logs are cut to
    /// their last 64 slots so it stays fast on long runs.
    #[wasm_bindgen(unchecked_return_type = "InspectedNode")]
    pub fn node(&self, id: u32) -> Result<JsValue, JsError> {
        match view::inspect(self.run.timeline.world(), id) {
            Some(node) => to_js(&node),
            None => Err(JsError::new(&format!("there is no node {id}"))),
        }
    }

    /// Rows of the log grid from slot `from`, at most `count` (max 2000).
    #[wasm_bindgen(js_name = logWindow, unchecked_return_type = "LogWindow")]
    pub fn log_window(&self, from: f64, count: f64) -> Result<JsValue, JsError> {
        if !(from >= 0.0 && count >= 0.0) {
            return Err(JsError::new("logWindow needs non-negative numbers"));
        }
        to_js(&view::log::window(
            self.run.timeline.world(),
            from as u64,
            count as u64,
        ))
    }

    /// The space-time record of steps `fromStep..=toStep` (the message sequence diagram's
    /// window): lanes, events, the messages alive in it, partitions.
    #[wasm_bindgen(unchecked_return_type = "SpaceTimeWindow")]
    pub fn spacetime(&self, from_step: f64, to_step: f64) -> Result<JsValue, JsError> {
        if !(from_step >= 0.0 && to_step >= 0.0) {
            return Err(JsError::new("spacetime needs non-negative steps"));
        }
        let window = view::spacetime::window(&self.run.timeline, from_step as u64, to_step as u64)
            .map_err(|e| JsError::new(&e))?;
        to_js(&window)
    }

    /// Like `spacetime`, for a page that keeps its last window: if `generation` is that
    /// window's `generation` (no fork since), the messages below trace index `heldBelow`
    /// still in flight, or ended by step `heldThrough` (when it is not negative), are left
    /// out and listed in `kept`, and only the events after `heldThrough` are sent.
    #[wasm_bindgen(js_name = spacetimeSince, unchecked_return_type = "SpaceTimeWindow")]
    pub fn spacetime_since(
        &self,
        from_step: f64,
        to_step: f64,
        held_below: f64,
        held_through: f64,
        generation: f64,
    ) -> Result<JsValue, JsError> {
        if !(from_step >= 0.0 && to_step >= 0.0 && held_below >= 0.0) {
            return Err(JsError::new("spacetimeSince needs non-negative steps"));
        }
        let mut held = view::spacetime::Held::default();
        if generation == f64::from(self.generation) {
            held.below = held_below.min(f64::from(u32::MAX)) as u32;
            held.through = (held_through >= 0.0).then_some(held_through as u64);
        }
        let t = &self.run.timeline;
        let mut window = view::spacetime::window_since(t, from_step as u64, to_step as u64, held)
            .map_err(|e| JsError::new(&e))?;
        window.generation = Some(self.generation);
        to_js(&window)
    }

    /// Counts a possible fork: called before anything that records an action.
    fn before_recording(&mut self) {
        let t = &self.run.timeline;
        if t.step() < t.total_steps() {
            self.generation = self.generation.wrapping_add(1);
        }
    }

    /// The causal past of event `index` (Lamport's happens-before): per lane the newest
    /// event before it, how many events that is, and the message chain leading to it.
    #[wasm_bindgen(js_name = causalPast, unchecked_return_type = "CausalPast")]
    pub fn causal_past(&self, index: u32) -> Result<JsValue, JsError> {
        let record = self.record()?;
        match record.causal_past(index) {
            Some(past) => to_js(&past),
            None => Err(JsError::new(&format!("there is no event {index}"))),
        }
    }

    /// Whether event `a` happened before event `b` (the definition, searched forward).
    #[wasm_bindgen(js_name = happenedBefore)]
    pub fn happened_before(&self, a: u32, b: u32) -> Result<bool, JsError> {
        Ok(self.record()?.happened_before(a, b))
    }

    fn record(&self) -> Result<&crate::sim::spacetime::SpaceTime, JsError> {
        self.run
            .timeline
            .spacetime()
            .ok_or_else(|| JsError::new("this run keeps no space-time record"))
    }

    /// Performs one user action (a JS object, see docs/wasm-api.md) and returns
    /// `{ step, events }`. Acting after stepping back drops the recorded future (a fork).
    #[wasm_bindgen(unchecked_return_type = "StepResult")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Action")] action: JsValue,
    ) -> Result<JsValue, JsError> {
        let text: String = js_sys::JSON::stringify(&action)
            .map(String::from)
            .map_err(|_| JsError::new("not a valid action: it cannot be written as JSON"))?;
        let action: Action =
            from_str(&text).map_err(|e| JsError::new(&format!("not a valid action: {e}")))?;
        self.before_recording();
        self.run.apply(&action).map_err(|e| JsError::new(&e))?;
        to_js(&self.run.last_step())
    }

    /// One scheduler step, recorded as `{"type":"auto"}`.
    #[wasm_bindgen(unchecked_return_type = "StepResult")]
    pub fn step(&mut self) -> Result<JsValue, JsError> {
        self.before_recording();
        self.run
            .apply(&Action::Auto { n: 1 })
            .map_err(|e| JsError::new(&e))?;
        to_js(&self.run.last_step())
    }

    /// Scheduler steps until nothing is in flight and no client waits, at most `max_steps`;
    /// returns how many ran.
    #[wasm_bindgen(js_name = runUntilQuiet)]
    pub fn run_until_quiet(&mut self, max_steps: u32) -> Result<u32, JsError> {
        self.before_recording();
        self.run
            .run_until_quiet(max_steps as u64)
            .map(|n| n as u32)
            .map_err(|e| JsError::new(&e))
    }

    /// Time travel to any recorded step.
    pub fn seek(&mut self, step: f64) -> Result<(), JsError> {
        if step.is_nan() || step < 0.0 {
            return Err(JsError::new("seek needs a non-negative step"));
        }
        self.run
            .timeline
            .seek(step as u64)
            .map_err(|e| JsError::new(&e))
    }

    /// Time travel in parts: replays at most `maxSteps` recorded steps toward `step` and
    /// returns whether it got there (else the run is at an earlier step on the way, and the
    /// next call goes on from it). The page spreads a long jump's replay over frames.
    #[wasm_bindgen(js_name = seekToward)]
    pub fn seek_toward(&mut self, step: f64, max_steps: u32) -> Result<bool, JsError> {
        if step.is_nan() || step < 0.0 {
            return Err(JsError::new("seekToward needs a non-negative step"));
        }
        self.run
            .timeline
            .seek_toward(step as u64, u64::from(max_steps.max(1)))
            .map_err(|e| JsError::new(&e))
    }

    /// The digest of the run so far (equal to the native one for the same scenario).
    #[wasm_bindgen(js_name = traceDigest)]
    pub fn trace_digest(&self) -> String {
        self.run.timeline.world().trace_digest()
    }
}

/// Reads a bug by its kebab-case name, with the list of names when it is unknown.
fn bug_named(name: &str) -> Result<crate::paxos::Bug, JsError> {
    name.parse().map_err(|e: String| JsError::new(&e))
}

/// The default bounds of the explorer's search for bug `name` (`null`: the correct
/// protocol): the faults and depth its shortest counterexample needs (docs/explorer.md).
#[wasm_bindgen(js_name = boundsForBug, unchecked_return_type = "Bounds")]
pub fn bounds_for_bug(
    #[wasm_bindgen(unchecked_param_type = "Bug | null")] name: Option<String>,
) -> Result<JsValue, JsError> {
    let bug = name.as_deref().map(bug_named).transpose()?;
    to_js(&explore::Bounds::for_bug(bug))
}

/// Shrinks a scenario (JSON) that violates an invariant to a shorter run violating the
/// same one (delta debugging, docs/explorer.md); refuses one that violates nothing.
#[wasm_bindgen(unchecked_return_type = "Shrunk")]
pub fn shrink(json: &str) -> Result<JsValue, JsError> {
    let scenario = Scenario::from_json(json).map_err(|e| JsError::new(&e))?;
    to_js(&explore::shrink::shrink(&scenario).map_err(|e| JsError::new(&e))?)
}

/// Runs one seed of the swarm search (random configuration and faults, as
/// `paxoscope fuzz`), with bug `name` switched on (`null`: none).
#[wasm_bindgen(js_name = swarmSeed, unchecked_return_type = "SwarmSeed")]
pub fn swarm_seed(
    seed: f64,
    #[wasm_bindgen(unchecked_param_type = "Bug | null")] bug: Option<String>,
) -> Result<JsValue, JsError> {
    if !(0.0..=u32::MAX as f64).contains(&seed) || seed.fract() != 0.0 {
        return Err(JsError::new(
            "the seed must be a whole number from 0 to 4294967295",
        ));
    }
    let bug = bug.as_deref().map(bug_named).transpose()?;
    to_js(&explore::page::swarm_seed(seed as u64, bug))
}

/// The exhaustive explorer in the browser (the page runs it in a Web Worker): breadth-first
/// search over every interleaving from a step of a run; the first violation is a shortest
/// counterexample. It advances a slice at a time, so the worker can answer Stop.
#[wasm_bindgen]
pub struct Search {
    search: explore::page::PageSearch,
}

#[wasm_bindgen]
impl Search {
    /// A search from step `step` of the run `json` (a scenario, as `scenario()` returns it)
    /// within `bounds`; refuses bounds a tab cannot hold.
    #[wasm_bindgen(js_name = fromStep)]
    pub fn from_step(
        json: &str,
        step: f64,
        #[wasm_bindgen(unchecked_param_type = "Bounds")] bounds: JsValue,
    ) -> Result<Search, JsError> {
        if !step.is_finite() || step < 0.0 || step.fract() != 0.0 {
            return Err(JsError::new(
                "the step to search from must be a whole number ≥ 0",
            ));
        }
        let scenario = Scenario::from_json(json).map_err(|e| JsError::new(&e))?;
        let text: String = js_sys::JSON::stringify(&bounds)
            .map(String::from)
            .map_err(|_| JsError::new("the bounds cannot be written as JSON"))?;
        let bounds: explore::Bounds =
            from_str(&text).map_err(|e| JsError::new(&format!("not valid search bounds: {e}")))?;
        let search = explore::page::PageSearch::from_step(&scenario, step as u64, bounds)
            .map_err(|e| JsError::new(&e))?;
        Ok(Search { search })
    }

    /// "Find it yourself": the search for bug `name` from its small start (3 servers) with
    /// its recorded default bounds.
    #[wasm_bindgen(js_name = forBug)]
    pub fn for_bug(
        #[wasm_bindgen(unchecked_param_type = "Bug")] name: &str,
    ) -> Result<Search, JsError> {
        let search =
            explore::page::PageSearch::for_bug(bug_named(name)?).map_err(|e| JsError::new(&e))?;
        Ok(Search { search })
    }

    /// Expands up to `budget` more states; returns whether the search has ended.
    pub fn run(&mut self, budget: u32) -> bool {
        self.search.explorer.run(u64::from(budget.max(1)))
    }

    /// The figures so far and how the search stands.
    #[wasm_bindgen(unchecked_return_type = "SearchStatus")]
    pub fn status(&self) -> Result<JsValue, JsError> {
        to_js(&self.search.status())
    }

    /// The shortest counterexample, once one was found (`null` before, or if none is).
    #[wasm_bindgen(unchecked_return_type = "Found | null")]
    pub fn found(&self) -> Result<JsValue, JsError> {
        to_js(&self.search.found())
    }
}
