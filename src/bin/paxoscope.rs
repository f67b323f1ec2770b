//! The `paxoscope` command-line program: run a preset or a fuzz seed and print its final
//! state, fuzz many seeds, list bugs and presets. All logic lives in the library.
#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    use clap::{Args, Parser, Subcommand};
    use paxoscope::check::invariants::InvariantViolation;
    use paxoscope::paxos::Bug;
    use paxoscope::sim::action::Action;
    use paxoscope::sim::fuzz::{self, SeedOutcome};
    use paxoscope::sim::fuzz_pool;
    use paxoscope::sim::presets;
    use paxoscope::sim::run::Run;
    use paxoscope::sim::scenario::Scenario;
    use std::io::Write;
    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::time::Instant;

    /// Multi-Paxos playground: deterministic simulation, safety checks and fuzzing.
    #[derive(Parser)]
    #[command(name = "paxoscope", version, about)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    /// The options that shape a run: `run` and `fuzz` take the same ones with one meaning,
    /// so the replay command the fuzzer prints reproduces its run exactly.
    #[derive(Args, Clone, Copy)]
    struct Shape {
        /// Scheduler steps under faults; then faults stop and the run heals until every
        /// client is answered. Default: 1500 for a fuzz seed; a preset without --steps
        /// runs until quiet, as the page shows it.
        #[arg(long)]
        steps: Option<u64>,
        /// Switch on an injected bug.
        #[arg(long, value_parser = bug_parser())]
        bug: Option<Bug>,
    }

    impl Shape {
        /// The steps under faults of a fuzz seed.
        fn fault_steps(self) -> u64 {
            self.steps.unwrap_or(fuzz::DEFAULT_FAULT_STEPS)
        }
    }

    #[derive(Subcommand)]
    enum Command {
        /// Run a preset, or with only --seed the fuzzer's run of that seed exactly as
        /// `fuzz` ran it, and print the final state as JSON. Exits 1 on an invariant
        /// violation.
        Run {
            /// Preset to run.
            #[arg(long, value_parser = preset_parser())]
            preset: Option<String>,
            /// Seed: of the fuzz run to replay, or of the preset's random generator.
            #[arg(long)]
            seed: Option<u64>,
            #[command(flatten)]
            shape: Shape,
        },
        /// Swarm-fuzz many seeds. Progress goes to stderr; the last line of stdout is a JSON
        /// summary. Exits 0 if and only if no invariant was violated. The result does not
        /// depend on --jobs.
        Fuzz {
            /// Number of seeds.
            #[arg(long, default_value_t = 100)]
            seeds: u64,
            /// First seed.
            #[arg(long, default_value_t = 1)]
            start_seed: u64,
            #[command(flatten)]
            shape: Shape,
            /// Seeds run in parallel on this many threads [default: the machine's cores].
            #[arg(long)]
            jobs: Option<usize>,
            /// Write each seed's client history as JSON here (docs/history-format.md).
            #[arg(long)]
            history_dir: Option<PathBuf>,
        },
        /// List the injectable bug names, one per line.
        Bugs,
        /// List the presets, one per line.
        Presets,
    }

    /// `--bug`: the bug names, listed by `--help` and in the error for a wrong one.
    fn bug_parser() -> impl TypedValueParser<Value = Bug> {
        let names = Bug::ALL.map(|b| PossibleValue::new(b.name()).help(b.description()));
        PossibleValuesParser::new(names).map(|name| name.parse::<Bug>().expect("a listed name"))
    }

    /// `--preset`: the preset names, listed by `--help` and in the error for a wrong one.
    fn preset_parser() -> PossibleValuesParser {
        let names = presets::list()
            .into_iter()
            .map(|p| PossibleValue::new(p.name).help(p.title));
        PossibleValuesParser::new(names)
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let result = match cli.command {
            Command::Run {
                preset,
                seed,
                shape,
            } => run(preset, seed, shape),
            Command::Fuzz {
                seeds,
                start_seed,
                shape,
                jobs,
                history_dir,
            } => fuzz_seeds(
                seeds,
                start_seed,
                shape,
                jobs.unwrap_or_else(fuzz_pool::default_jobs),
                history_dir,
            ),
            Command::Bugs => {
                for b in Bug::ALL {
                    println!("{}", b.name());
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Presets => {
                for p in presets::list() {
                    println!("{}\t{}", p.name, p.title);
                }
                Ok(ExitCode::SUCCESS)
            }
        };
        result.unwrap_or_else(|e| {
            eprintln!("paxoscope: {e}");
            ExitCode::from(2)
        })
    }

    fn report(violations: &[InvariantViolation]) {
        for v in violations {
            eprintln!(
                "VIOLATION of {} at step {}: {}",
                v.invariant, v.step, v.message
            );
        }
    }

    fn run(preset: Option<String>, seed: Option<u64>, shape: Shape) -> Result<ExitCode, String> {
        let mut run = match (&preset, seed) {
            (Some(name), seed) => preset_run(name, seed, shape)?,
            (None, Some(seed)) => {
                let replay = fuzz::run_seed(seed, shape.fault_steps(), shape.bug).scenario;
                Run::new(replay, false)?
            }
            (None, None) => {
                return Err("give --preset NAME, or --seed S to replay a fuzz seed".into())
            }
        };
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

    /// A preset's run: its own actions, then until quiet; with `--steps N`, N steps under
    /// its faults, then faults stop and the run heals until quiet.
    fn preset_run(name: &str, seed: Option<u64>, shape: Shape) -> Result<Run, String> {
        let mut scenario: Scenario = presets::scenario_with_seed(name, seed)?;
        if let Some(b) = shape.bug {
            scenario.config.bugs.set(b, true);
        }
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

    fn fuzz_seeds(
        seeds: u64,
        start_seed: u64,
        shape: Shape,
        jobs: usize,
        history_dir: Option<PathBuf>,
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
        let summary = tally.summary(jobs, started.elapsed().as_millis() as u64);
        let mut out = std::io::stdout().lock();
        writeln!(out, "{summary}").map_err(|e| e.to_string())?;
        Ok(if tally.violations == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
