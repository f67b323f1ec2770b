//! `run` and `shrink`: replay a preset, a fuzz seed or a scenario file and print the final
//! state; shrink a violating scenario.
#![cfg(not(target_arch = "wasm32"))]
use crate::args::{Protocol, Shape};
use paxoscope::check::invariants::InvariantViolation;
use paxoscope::explore;
use paxoscope::sim::action::Action;
use paxoscope::sim::fuzz;
use paxoscope::sim::presets;
use paxoscope::sim::run::Run;
use paxoscope::sim::scenario::Scenario;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

pub fn report(violations: &[InvariantViolation]) {
    for v in violations {
        eprintln!(
            "VIOLATION of {} at step {}: {}",
            v.invariant, v.step, v.message
        );
    }
}

pub fn run(
    preset: Option<String>,
    seed: Option<u64>,
    shape: Shape,
    protocol: Protocol,
) -> Result<ExitCode, String> {
    let mut run = match (&preset, seed) {
        (Some(name), seed) => preset_run(name, seed, shape, protocol)?,
        (None, Some(seed)) => {
            let replay = fuzz::run_seed(seed, shape.fault_steps(), shape.bug).scenario;
            Run::new(replay, false)?
        }
        (None, None) => return Err("give --preset NAME, or --seed S to replay a fuzz seed".into()),
    };
    print_final_state(&mut run)
}

/// Prints a run's final state as JSON and its violations on stderr; exit code 1 if any.
fn print_final_state(run: &mut Run) -> Result<ExitCode, String> {
    let state = run.state(true);
    let text = serde_json::to_string_pretty(&state).map_err(|e| e.to_string())?;
    println!("{text}");
    report(&state.violations);
    Ok(if state.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reads a scenario file, with the file name in the error.
pub fn read_scenario(file: &std::path::Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    Scenario::from_json(&text).map_err(|e| format!("{}: {e}", file.display()))
}

/// `run --scenario FILE`: replays the file's actions exactly and prints the state.
pub fn replay_file(file: &std::path::Path) -> Result<ExitCode, String> {
    let mut run = Run::new(read_scenario(file)?, false)?;
    print_final_state(&mut run)
}

/// `shrink FILE`: delta debugging of a violating scenario.
pub fn shrink_file(
    file: &std::path::Path,
    out: Option<&std::path::Path>,
) -> Result<ExitCode, String> {
    let scenario = read_scenario(file)?;
    let started = Instant::now();
    let s = explore::shrink::shrink(&scenario)?;
    eprintln!(
        "{}: {} steps shrunk to {} in {} ms",
        s.invariant,
        s.before,
        s.after,
        started.elapsed().as_millis()
    );
    if let Some(out) = out {
        let text = serde_json::to_string_pretty(&s.scenario).map_err(|e| e.to_string())?;
        std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("  replay: paxoscope run --scenario {}", out.display());
    }
    let line = serde_json::to_string(&s).map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// A preset's run: its own actions, then until quiet; with `--steps N`, N steps under
/// its faults, then faults stop and the run heals until quiet.
fn preset_run(
    name: &str,
    seed: Option<u64>,
    shape: Shape,
    protocol: Protocol,
) -> Result<Run, String> {
    let mut scenario: Scenario = presets::scenario_with_seed(name, seed)?;
    if let Some(b) = shape.bug {
        scenario.config.bugs.set(b, true);
    }
    protocol.apply(&mut scenario.config);
    let mut run = Run::new(scenario, false)?;
    if let Some(n) = shape.steps {
        for _ in 0..n {
            run.apply(&Action::Auto { n: 1 })?;
        }
        run.apply(&Action::EndFaults)?;
    }
    run.run_until_quiet(100_000)?;
    Ok(run)
}
