//! `explore`: the exhaustive breadth-first search over every interleaving from a start
//! state, every invariant checked in every state.
#![cfg(not(target_arch = "wasm32"))]
use crate::args::ExploreArgs;
use crate::run::read_scenario;
use paxoscope::explore::{self, Bounds, Explorer, Finish};
use paxoscope::sim::presets;
use paxoscope::sim::scenario::Scenario;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

/// `explore`: the breadth-first search, with progress about once a second. Exits 1 when it
/// found a violation.
pub fn explore(a: ExploreArgs) -> Result<ExitCode, String> {
    let mut start = start_state(&a)?;
    if let Some(b) = a.bug {
        start.config.bugs.set(b, true);
    }
    let bounds = bounds(&a);
    let started = Instant::now();
    let mut x = Explorer::new(&start, bounds)?;
    search(&mut x, started);
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let found = x.counterexample();
    report(&x, &a, bounds)?;
    let summary = summary(&x, bounds, elapsed_ms);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{summary}").map_err(|e| e.to_string())?;
    Ok(if found.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where the search starts: the end of a preset or a scenario file, or the small start
/// state of `--servers` servers and `--commands` commands.
fn start_state(a: &ExploreArgs) -> Result<Scenario, String> {
    Ok(match (&a.preset, &a.scenario) {
        (Some(name), _) => presets::scenario(name)?,
        (None, Some(file)) => read_scenario(file)?,
        (None, None) => {
            if !(1..=9).contains(&a.servers) {
                return Err(format!(
                    "--servers must be between 1 and 9, got {}",
                    a.servers
                ));
            }
            let commands = a
                .commands
                .unwrap_or_else(|| Bounds::commands_for_bug(a.bug));
            if commands > 16 {
                return Err(format!("--commands must be at most 16, got {commands}"));
            }
            explore::starts::for_bug(a.servers, commands, a.bug)
        }
    })
}

/// The bounds given on the command line, the bug's recorded ones for the rest.
fn bounds(a: &ExploreArgs) -> Bounds {
    let d = Bounds::for_bug(a.bug);
    Bounds {
        max_depth: a.max_depth.unwrap_or(d.max_depth),
        max_states: a.max_states.unwrap_or(d.max_states),
        drops: a.drops.unwrap_or(d.drops),
        dups: a.dups.unwrap_or(d.dups),
        crashes: a.crashes.unwrap_or(d.crashes),
        ticks: a.ticks.unwrap_or(d.ticks),
        reconfigs: a.reconfigs.unwrap_or(d.reconfigs),
        partitions: a.partitions.unwrap_or(d.partitions),
        timers: a.timers.or(d.timers),
    }
}

/// Runs the search to its end, with a progress line on stderr about once a second.
fn search(x: &mut Explorer, started: Instant) {
    let mut last = Instant::now();
    while !x.run(2_000) {
        if last.elapsed().as_secs() >= 1 {
            last = Instant::now();
            let p = x.progress();
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "depth {}, {} distinct states ({:.0}/s), {} transitions, frontier {}",
                p.depth,
                p.distinct,
                p.distinct as f64 / secs,
                p.states,
                p.frontier
            );
        }
    }
}

/// Says on stderr what the search found (and writes the counterexample to `--out`), or
/// that it stopped at the state cap.
fn report(x: &Explorer, a: &ExploreArgs, bounds: Bounds) -> Result<(), String> {
    if let Some(c) = x.counterexample() {
        eprintln!(
            "VIOLATION of {} after {} moves: {}",
            c.invariant, c.length, c.message
        );
        if let Some(out) = &a.out {
            let text = serde_json::to_string_pretty(&c.scenario).map_err(|e| e.to_string())?;
            std::fs::write(out, text)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            eprintln!("  replay: paxoscope run --scenario {}", out.display());
        }
    } else if x.finish() == Some(Finish::StateCap) {
        eprintln!(
            "stopped at the state cap ({} states): the figures are partial",
            bounds.max_states
        );
    }
    Ok(())
}

/// The JSON summary: the counts, the counterexample if any, whether the search was
/// complete, the bounds and the time.
fn summary(x: &Explorer, bounds: Bounds, elapsed_ms: u64) -> serde_json::Value {
    let p = x.progress();
    let found = x.counterexample();
    serde_json::json!({
        "states": p.states,
        "distinct": p.distinct,
        "depth": p.depth,
        "violations": u64::from(found.is_some()),
        "counterexample": found.map(|c| serde_json::json!({
            "invariant": c.invariant, "length": c.length, "scenario": c.scenario,
        })),
        "complete": x.finish() != Some(Finish::StateCap),
        "bounds": bounds,
        "elapsed_ms": elapsed_ms,
    })
}
