//! The `paxoscope` command-line program: run a preset or a fuzz seed and print its final
//! state, fuzz many seeds, list bugs and presets. All logic lives in the library.
#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    use clap::{Args, Parser, Subcommand};
    use paxoscope::check::invariants::InvariantViolation;
    use paxoscope::explore;
    use paxoscope::paxos::{Bug, ReadMode};
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

    /// Protocol settings that override a preset's (`run --preset`): flexible quorum sizes,
    /// the read mode, the lease and the clock drift (rule 12). Absent = the preset's own.
    #[derive(Args, Clone, Copy, Default)]
    struct Protocol {
        /// Acceptors in a phase-1 quorum (|Q1|); |Q1| + |Q2| must exceed the acceptors.
        #[arg(long, requires = "preset")]
        phase1_quorum: Option<usize>,
        /// Acceptors in a phase-2 quorum (|Q2|): what each command costs in steady state.
        #[arg(long, requires = "preset")]
        phase2_quorum: Option<usize>,
        /// How gets are answered: through the log, or by the leader alone under a lease.
        #[arg(long, requires = "preset", value_parser = read_mode_parser())]
        read_mode: Option<ReadMode>,
        /// Ticks (of the granting acceptor's clock) a lease grant holds (2..=1000).
        #[arg(long, requires = "preset")]
        lease_ticks: Option<u64>,
        /// Each node's clock runs within 1000 ± this per mille of true time (0..=200).
        #[arg(long, requires = "preset")]
        clock_drift_per_mille: Option<u32>,
    }

    /// `--read-mode`: `log` or `lease`.
    fn read_mode_parser() -> impl TypedValueParser<Value = ReadMode> {
        PossibleValuesParser::new([
            PossibleValue::new("log").help("every get is chosen in a slot (the default)"),
            PossibleValue::new("lease").help("the leader answers gets alone under a lease"),
        ])
        .map(|name| {
            if name == "lease" {
                ReadMode::Lease
            } else {
                ReadMode::Log
            }
        })
    }

    impl Protocol {
        /// Sets what was given on `config`.
        fn apply(self, config: &mut paxoscope::sim::scenario::SimConfig) {
            if self.phase1_quorum.is_some() {
                config.phase1_quorum = self.phase1_quorum;
            }
            if self.phase2_quorum.is_some() {
                config.phase2_quorum = self.phase2_quorum;
            }
            if let Some(mode) = self.read_mode {
                config.read_mode = mode;
            }
            if let Some(ticks) = self.lease_ticks {
                config.lease_ticks = ticks;
            }
            if let Some(drift) = self.clock_drift_per_mille {
                config.clock_drift_per_mille = drift;
            }
        }
    }

    #[derive(Subcommand)]
    enum Command {
        /// Run a preset, or with only --seed the fuzzer's run of that seed exactly as
        /// `fuzz` ran it, and print the final state as JSON. Exits 1 on an invariant
        /// violation.
        Run {
            /// Preset to run.
            #[arg(long, value_parser = preset_parser(), conflicts_with = "scenario")]
            preset: Option<String>,
            /// Replay a scenario file (JSON, as Export or `explore` write it) exactly, with
            /// no steps added.
            #[arg(long, conflicts_with_all = ["seed", "steps", "bug"])]
            scenario: Option<PathBuf>,
            /// Seed: of the fuzz run to replay, or of the preset's random generator.
            #[arg(long)]
            seed: Option<u64>,
            #[command(flatten)]
            shape: Shape,
            #[command(flatten)]
            protocol: Protocol,
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
            /// Shrink the first violation: its summary gains length, shrunk_length,
            /// scenario and link (a share-link fragment the page opens).
            #[arg(long)]
            shrink: bool,
        },
        /// Breadth-first search over every interleaving from a start state, checking
        /// every invariant in every state. Progress goes to stderr; the last line of stdout
        /// is a JSON summary. Exits 0 if no violation was found, 1 if one was.
        Explore(ExploreArgs),
        /// Shrink a scenario file that violates an invariant to a shorter run violating the
        /// same one (delta debugging). The last line of stdout is JSON: invariant, before,
        /// after, scenario. Exits 0 when shrunk, 2 on bad input (also: nothing violated).
        Shrink {
            /// The scenario file.
            file: PathBuf,
            /// Write the shrunk scenario here too.
            #[arg(long)]
            out: Option<PathBuf>,
        },
        /// List the injectable bug names, one per line.
        Bugs,
        /// List the presets, one per line.
        Presets,
    }

    /// The options of `explore`.
    #[derive(Args)]
    struct ExploreArgs {
        /// Start from the end of this preset.
        #[arg(long, value_parser = preset_parser(), conflicts_with = "scenario")]
        preset: Option<String>,
        /// Start from the end of this scenario file.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Servers of the small start state (without --preset or --scenario).
        #[arg(long, default_value_t = 3)]
        servers: u32,
        /// Client commands of the small start state, each client sending to the next
        /// server [default: 2; 1 for --bug no-dedup].
        #[arg(long)]
        commands: Option<u32>,
        /// Switch on an injected bug.
        #[arg(long, value_parser = bug_parser())]
        bug: Option<Bug>,
        /// Longest path, in moves [default: the bug's recorded bound].
        #[arg(long)]
        max_depth: Option<u32>,
        /// Distinct states kept at most (the memory bound) [default: 2000000].
        #[arg(long)]
        max_states: Option<u64>,
        /// Message drops per path [default: the bug's recorded bound].
        #[arg(long)]
        drops: Option<u32>,
        /// Message duplicates per path [default: the bug's recorded bound].
        #[arg(long)]
        dups: Option<u32>,
        /// Node crashes per path [default: the bug's recorded bound].
        #[arg(long)]
        crashes: Option<u32>,
        /// Ticks per path, taken while a client waits, so clients retry [default: 0].
        #[arg(long)]
        ticks: Option<u32>,
        /// Reconfigurations per path (add the lowest free node id, add the two lowest, or
        /// remove a member, whenever the leader accepts it) [default: the bug's recorded
        /// bound, else 0].
        #[arg(long)]
        reconfigs: Option<u32>,
        /// Partitions per path, each isolating one node until a heal [default: 0].
        #[arg(long)]
        partitions: Option<u32>,
        /// Node timer firings per path [default: the bug's recorded bound, else any number].
        #[arg(long)]
        timers: Option<u32>,
        /// Write the counterexample scenario here (it is also in the JSON summary).
        #[arg(long)]
        out: Option<PathBuf>,
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
                scenario: Some(file),
                ..
            } if preset.is_none() => replay_file(&file),
            Command::Run {
                preset,
                seed,
                shape,
                protocol,
                ..
            } => run(preset, seed, shape, protocol),
            Command::Explore(args) => explore(args),
            Command::Fuzz {
                seeds,
                start_seed,
                shape,
                jobs,
                history_dir,
                shrink,
            } => fuzz_seeds(
                seeds,
                start_seed,
                shape,
                jobs.unwrap_or_else(fuzz_pool::default_jobs),
                history_dir,
                shrink,
            ),
            Command::Shrink { file, out } => shrink_file(&file, out.as_deref()),
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

    fn run(
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
            (None, None) => {
                return Err("give --preset NAME, or --seed S to replay a fuzz seed".into())
            }
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
    fn read_scenario(file: &std::path::Path) -> Result<Scenario, String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        Scenario::from_json(&text).map_err(|e| format!("{}: {e}", file.display()))
    }

    /// `run --scenario FILE`: replays the file's actions exactly and prints the state.
    fn replay_file(file: &std::path::Path) -> Result<ExitCode, String> {
        let mut run = Run::new(read_scenario(file)?, false)?;
        print_final_state(&mut run)
    }

    /// `shrink FILE`: delta debugging of a violating scenario.
    fn shrink_file(
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
            std::fs::write(out, text)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            eprintln!("  replay: paxoscope run --scenario {}", out.display());
        }
        let line = serde_json::to_string(&s).map_err(|e| e.to_string())?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}").map_err(|e| e.to_string())?;
        Ok(ExitCode::SUCCESS)
    }

    /// `explore`: the breadth-first search, with progress about once a second.
    fn explore(a: ExploreArgs) -> Result<ExitCode, String> {
        let start = match (&a.preset, &a.scenario) {
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
                    .unwrap_or_else(|| explore::Bounds::commands_for_bug(a.bug));
                if commands > 16 {
                    return Err(format!("--commands must be at most 16, got {commands}"));
                }
                explore::starts::for_bug(a.servers, commands, a.bug)
            }
        };
        let mut start = start;
        if let Some(b) = a.bug {
            start.config.bugs.set(b, true);
        }
        let d = explore::Bounds::for_bug(a.bug);
        let bounds = explore::Bounds {
            max_depth: a.max_depth.unwrap_or(d.max_depth),
            max_states: a.max_states.unwrap_or(d.max_states),
            drops: a.drops.unwrap_or(d.drops),
            dups: a.dups.unwrap_or(d.dups),
            crashes: a.crashes.unwrap_or(d.crashes),
            ticks: a.ticks.unwrap_or(d.ticks),
            reconfigs: a.reconfigs.unwrap_or(d.reconfigs),
            partitions: a.partitions.unwrap_or(d.partitions),
            timers: a.timers.or(d.timers),
        };
        let started = Instant::now();
        let mut x = explore::Explorer::new(&start, bounds)?;
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
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let p = x.progress();
        let found = x.counterexample();
        if let Some(c) = found {
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
        } else if x.finish() == Some(explore::Finish::StateCap) {
            eprintln!(
                "stopped at the state cap ({} states): the figures are partial",
                bounds.max_states
            );
        }
        let summary = serde_json::json!({
            "states": p.states,
            "distinct": p.distinct,
            "depth": p.depth,
            "violations": u64::from(found.is_some()),
            "counterexample": found.map(|c| serde_json::json!({
                "invariant": c.invariant, "length": c.length, "scenario": c.scenario,
            })),
            "complete": x.finish() != Some(explore::Finish::StateCap),
            "bounds": bounds,
            "elapsed_ms": elapsed_ms,
        });
        let mut out = std::io::stdout().lock();
        writeln!(out, "{summary}").map_err(|e| e.to_string())?;
        Ok(if found.is_some() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
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
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
