//! Benchmark hook for the browser (`make bench`, scripts/bench-browser.mjs): runs exactly
//! the workloads the native bench (benches/simulation.rs) times — same configuration,
//! seed, warm-up and step count — so the wasm/native ratio compares like with like. The
//! trace digest proves it: it must equal the native one. Not used by the page.
use crate::sim::{Action, SimConfig, World};
use wasm_bindgen::prelude::*;

/// A warmed-up world and a fresh copy of it to time.
#[wasm_bindgen]
pub struct BenchWorld {
    base: World,
    run: World,
}

#[wasm_bindgen]
impl BenchWorld {
    /// Builds the world of `config_json` (a `SimConfig`) and `seed`, then runs scheduler
    /// steps until `warmup_commands` commands are committed.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str, seed: f64, warmup_commands: f64) -> Result<BenchWorld, JsError> {
        let config: SimConfig =
            crate::json::read::from_str(config_json).map_err(|e| JsError::new(&e))?;
        let mut base = World::new(config, seed as u64).map_err(|e| JsError::new(&e))?;
        while (base.stats().commands_committed as f64) < warmup_commands {
            base.apply(&Action::Auto { n: 1 })
                .map_err(|e| JsError::new(&e))?;
        }
        Ok(BenchWorld {
            run: base.clone(),
            base,
        })
    }

    /// Starts over from the warmed-up world (not timed by the caller).
    pub fn reset(&mut self) {
        self.run = self.base.clone();
    }

    /// Runs `steps` scheduler steps, each one `apply(Auto {n: 1})` as natively; returns
    /// `[deliveries, commands committed]` during them.
    pub fn run(&mut self, steps: u32) -> Vec<f64> {
        let w = &mut self.run;
        let d0: u64 = w.stats().delivered.values().sum();
        let c0 = w.stats().commands_committed;
        let auto = Action::Auto { n: 1 };
        for _ in 0..steps {
            let _ = w.apply(&auto);
        }
        let d1: u64 = w.stats().delivered.values().sum();
        vec![(d1 - d0) as f64, (w.stats().commands_committed - c0) as f64]
    }

    /// The trace digest of the current run (equal to the native one for the same work).
    pub fn digest(&self) -> String {
        self.run.trace_digest()
    }
}
