//! The `paxoscope` command-line program: run a preset or a fuzz seed and print its final
//! state, fuzz many seeds, list bugs and presets. All logic lives in the library.
#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand};
    use paxoscope::check::invariants::Violation;
    use paxoscope::paxos::Bug;
    use paxoscope::sim::action::Action;
    use paxoscope::sim::fuzz;
    use paxoscope::sim::presets;
    use paxoscope::sim::session::Session;
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

    #[derive(Subcommand)]
    enum Command {
        /// Run a preset (or, with only --seed, the fuzzer's run of that seed) and print the
        /// final state as JSON. Exits 1 on an invariant violation.
        Run {
            /// Preset name (see `paxoscope presets`).
            #[arg(long)]
            preset: Option<String>,
            /// Seed of the world's random generator.
            #[arg(long)]
            seed: Option<u64>,
            /// Scheduler steps to run after the scenario's own actions (default: until quiet,
            /// at most 100000).
            #[arg(long)]
            steps: Option<u64>,
            /// Switch on an injected bug (see `paxoscope bugs`).
            #[arg(long, value_parser = parse_bug)]
            bug: Option<Bug>,
        },
        /// Swarm-fuzz many seeds. Progress goes to stderr; the last line of stdout is a JSON
        /// summary. Exits 0 if and only if no invariant was violated.
        Fuzz {
            /// Number of seeds.
            #[arg(long, default_value_t = 100)]
            seeds: u64,
            /// First seed.
            #[arg(long, default_value_t = 1)]
            start_seed: u64,
            /// Scheduler steps under faults per seed (then a healing phase).
            #[arg(long, default_value_t = 1500)]
            steps: u64,
            /// Switch on an injected bug.
            #[arg(long, value_parser = parse_bug)]
            bug: Option<Bug>,
            /// Write each seed's client history as JSON here (docs/history-format.md).
            #[arg(long)]
            history_dir: Option<PathBuf>,
        },
        /// List the injectable bug names, one per line.
        Bugs,
        /// List the presets, one per line.
        Presets,
    }

    fn parse_bug(s: &str) -> Result<Bug, String> {
        s.parse()
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let result = match cli.command {
            Command::Run {
                preset,
                seed,
                steps,
                bug,
            } => run(preset, seed, steps, bug),
            Command::Fuzz {
                seeds,
                start_seed,
                steps,
                bug,
                history_dir,
            } => fuzz_seeds(seeds, start_seed, steps, bug, history_dir),
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

    fn report(violations: &[Violation]) {
        for v in violations {
            eprintln!(
                "VIOLATION of {} at step {}: {}",
                v.invariant, v.step, v.message
            );
        }
    }

    fn run(
        preset: Option<String>,
        seed: Option<u64>,
        steps: Option<u64>,
        bug: Option<Bug>,
    ) -> Result<ExitCode, String> {
        let mut scenario = match (&preset, seed) {
            (Some(name), seed) => presets::scenario_with_seed(name, seed)?,
            (None, Some(seed)) => fuzz::run_seed(seed, fuzz::DEFAULT_FAULT_STEPS, bug).scenario,
            (None, None) => {
                return Err("give --preset NAME, or --seed S to replay a fuzz seed".into())
            }
        };
        if let Some(b) = bug {
            if !scenario.config.bugs.iter().any(|n| n == b.name()) {
                scenario.config.bugs.push(b.name().to_string());
            }
        }
        let mut session = Session::new(scenario, false)?;
        match steps {
            Some(n) => {
                for _ in 0..n {
                    session.apply(&Action::Auto { n: 1 })?;
                }
            }
            None => {
                session.run_until_quiet(100_000)?;
            }
        }
        let state = session.state(true);
        let text = serde_json::to_string_pretty(&state).map_err(|e| e.to_string())?;
        println!("{text}");
        let violations: Vec<Violation> =
            serde_json::from_value::<Vec<serde_json::Value>>(state["violations"].clone())
                .unwrap_or_default()
                .into_iter()
                .map(|v| Violation {
                    invariant: invariant_name(v["invariant"].as_str().unwrap_or("")),
                    step: v["step"].as_u64().unwrap_or(0),
                    message: v["message"].as_str().unwrap_or("").to_string(),
                })
                .collect();
        report(&violations);
        Ok(if violations.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    }

    fn invariant_name(name: &str) -> &'static str {
        paxoscope::check::invariants::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("unknown", |(n, _)| n)
    }

    fn fuzz_seeds(
        seeds: u64,
        start_seed: u64,
        steps: u64,
        bug: Option<Bug>,
        history_dir: Option<PathBuf>,
    ) -> Result<ExitCode, String> {
        if seeds == 0 {
            return Err("--seeds must be at least 1".into());
        }
        if let Some(dir) = &history_dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let started = Instant::now();
        let (mut total_steps, mut violations) = (0u64, 0u64);
        let mut first: Option<serde_json::Value> = None;
        let mut recovery = fuzz::RecoveryStats::default();
        for seed in start_seed..start_seed.saturating_add(seeds) {
            let o = fuzz::run_seed(seed, steps, bug);
            total_steps += o.steps;
            recovery.add(&o);
            if let Some(dir) = &history_dir {
                let path = dir.join(format!("seed-{seed}.json"));
                let body = serde_json::json!({ "seed": seed, "entries": o.history.entries });
                std::fs::write(
                    &path,
                    serde_json::to_vec_pretty(&body).map_err(|e| e.to_string())?,
                )
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            if let Some(v) = &o.violation {
                violations += 1;
                eprintln!(
                    "seed {seed}: VIOLATION of {} at step {}: {}",
                    v.invariant, v.step, v.message
                );
                eprintln!(
                    "  replay: paxoscope run --seed {seed}{}",
                    bug.map_or(String::new(), |b| format!(" --bug {b}"))
                );
                if first.is_none() {
                    first = Some(
                        serde_json::json!({ "seed": seed, "invariant": v.invariant, "step": v.step }),
                    );
                }
            }
            let done = seed - start_seed + 1;
            if done % 100 == 0 || done == seeds {
                eprintln!("{done}/{seeds} seeds, {total_steps} steps, {violations} violation(s)");
            }
        }
        let summary = serde_json::json!({
            "seeds": seeds, "steps": total_steps, "violations": violations,
            "first_violation": first, "elapsed_ms": started.elapsed().as_millis() as u64,
            "recovery_ticks": recovery.summary(),
        });
        let mut out = std::io::stdout().lock();
        writeln!(out, "{summary}").map_err(|e| e.to_string())?;
        Ok(if violations == 0 {
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
