//! Thin wasm-bindgen bindings for the page in `www/` (contract: docs/wasm-api.md). Every
//! behaviour lives in the library; this file only converts between JS and Rust values.
use crate::sim::action::Action;
use crate::sim::run::Run;
use crate::sim::scenario::Scenario;
use crate::sim::{presets, view};
use crate::vocabulary;
use serde::Serialize;
use wasm_bindgen::prelude::*;

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

/// Converts a value for the page: serde_json writes the JSON text and the browser's own
/// `JSON.parse` builds the objects. Smaller than a serde-to-JsValue serializer (no second
/// copy of every Serialize impl in the module) and faster for big states.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsError::new(&format!("could not convert the state for the page: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("could not convert the state for the page"))
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
        Ok(Playground { run })
    }

    /// The scenario reproducing the whole recorded run, as JSON (share links, export).
    pub fn scenario(&self) -> String {
        serde_json::to_string(&self.run.timeline.scenario()).unwrap_or_default()
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

    /// Like `view()`, for the frames of a playing page: the linearizability verdict is the
    /// last one computed while the history only grew (ask `view()` for a fresh one).
    #[wasm_bindgen(js_name = viewPlaying, unchecked_return_type = "StateView")]
    pub fn view_playing(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.run.state_playing())
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
        let action: Action = serde_json::from_str(&text)
            .map_err(|e| JsError::new(&format!("not a valid action: {e}")))?;
        self.run.apply(&action).map_err(|e| JsError::new(&e))?;
        to_js(&self.run.last_step())
    }

    /// One scheduler step, recorded as `{"type":"auto"}`.
    #[wasm_bindgen(unchecked_return_type = "StepResult")]
    pub fn step(&mut self) -> Result<JsValue, JsError> {
        self.run
            .apply(&Action::Auto { n: 1 })
            .map_err(|e| JsError::new(&e))?;
        to_js(&self.run.last_step())
    }

    /// Scheduler steps until nothing is in flight and no client waits, at most `max_steps`;
    /// returns how many ran.
    #[wasm_bindgen(js_name = runUntilQuiet)]
    pub fn run_until_quiet(&mut self, max_steps: u32) -> Result<u32, JsError> {
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

    /// The digest of the run so far (equal to the native one for the same scenario).
    #[wasm_bindgen(js_name = traceDigest)]
    pub fn trace_digest(&self) -> String {
        self.run.timeline.world().trace_digest()
    }
}
