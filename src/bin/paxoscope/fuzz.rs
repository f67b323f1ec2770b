//! `fuzz`: swarm-fuzz many seeds on a pool of threads and tally what they found, in seed
//! order, so the result does not depend on the number of threads.
#![cfg(not(target_arch = "wasm32"))]
use crate::args::Shape;
use paxoscope::check::invariants::InvariantViolation;
use paxoscope::explore;
use paxoscope::paxos::Bug;
use paxoscope::sim::fuzz::{self, SeedOutcome};
use paxoscope::sim::fuzz_pool;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The command that replays seed `seed` of a fuzz run exactly.
fn replay_command(seed: u64, steps: u64, bug: Option<Bug>) -> String {
    let bug = bug.map_or(String::new(), |b| format!(" --bug {b}"));
    format!("paxoscope run --seed {seed} --steps {steps}{bug}")
}

/// What a fuzz run found so far, seed by seed in order.
struct Tally {
    seeds: u64,
    start_seed: u64,
    shape: Shape,
    total_steps: u64,
    violations: u64,
    first: Option<(u64, InvariantViolation)>,
    history_dir: Option<PathBuf>,
    recovery: fuzz::RecoveryStats,
}

impl Tally {
    fn record(&mut self, o: SeedOutcome) -> Result<(), String> {
        let seed = o.seed;
        self.total_steps += o.steps;
        self.recovery.add(&o);
        if let Some(dir) = &self.history_dir {
            let path = dir.join(format!("seed-{seed}.json"));
            let body = serde_json::json!({ "seed": seed, "entries": o.history.entries });
            let text = serde_json::to_vec_pretty(&body).map_err(|e| e.to_string())?;
            std::fs::write(&path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        if let Some(v) = o.violation {
            self.violations += 1;
            eprintln!(
                "seed {seed}: VIOLATION of {} at step {}: {}",
                v.invariant, v.step, v.message
            );
            let replay = replay_command(seed, self.shape.fault_steps(), self.shape.bug);
            eprintln!("  replay: {replay}");
            self.first.get_or_insert((seed, v));
        }
        let done = seed - self.start_seed + 1;
        if done.is_multiple_of(100) || done == self.seeds {
            eprintln!(
                "{done}/{} seeds, {} steps, {} violation(s)",
                self.seeds, self.total_steps, self.violations
            );
        }
        Ok(())
    }

    /// The JSON summary: the options that shape the run, the counts, and the exact
    /// command that replays the first violation.
    fn summary(&self, jobs: usize, elapsed_ms: u64) -> serde_json::Value {
        let steps = self.shape.fault_steps();
        let first = self.first.as_ref().map(|(seed, v)| {
            serde_json::json!({ "seed": seed, "invariant": v.invariant, "step": v.step })
        });
        let replay = self
            .first
            .as_ref()
            .map(|(seed, _)| replay_command(*seed, steps, self.shape.bug));
        serde_json::json!({
            "seeds": self.seeds, "start_seed": self.start_seed, "steps": steps,
            "bug": self.shape.bug.map(Bug::name), "jobs": jobs,
            "total_steps": self.total_steps, "violations": self.violations,
            "first_violation": first, "replay": replay, "elapsed_ms": elapsed_ms,
            "recovery_ticks": self.recovery.summary(),
        })
    }
}

pub fn fuzz_seeds(
    seeds: u64,
    start_seed: u64,
    shape: Shape,
    jobs: usize,
    history_dir: Option<PathBuf>,
    shrink: bool,
) -> Result<ExitCode, String> {
    if seeds == 0 {
        return Err("--seeds must be at least 1".into());
    }
    if jobs == 0 {
        return Err("--jobs must be at least 1".into());
    }
    if let Some(dir) = &history_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let started = Instant::now();
    let mut tally = Tally {
        seeds,
        start_seed,
        shape,
        total_steps: 0,
        violations: 0,
        first: None,
        history_dir,
        recovery: fuzz::RecoveryStats::default(),
    };
    let range = start_seed..start_seed.saturating_add(seeds);
    fuzz_pool::run_seeds(range, shape.fault_steps(), shape.bug, jobs, |o| {
        tally.record(o)
    })?;
    let mut summary = tally.summary(jobs, started.elapsed().as_millis() as u64);
    if let (true, Some((seed, _))) = (shrink, &tally.first) {
        let o = fuzz::run_seed(*seed, shape.fault_steps(), shape.bug);
        let s = explore::shrink::shrink(&o.scenario)?;
        eprintln!(
            "shrunk the first violation ({}) from {} to {} steps",
            s.invariant, s.before, s.after
        );
        let first = &mut summary["first_violation"];
        first["length"] = s.before.into();
        first["shrunk_length"] = s.after.into();
        first["link"] = explore::shrink::share_fragment(&s.scenario).into();
        first["scenario"] = serde_json::to_value(&s.scenario).map_err(|e| e.to_string())?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{summary}").map_err(|e| e.to_string())?;
    Ok(if tally.violations == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
