//! The command line: subcommands, their options and the value parsers that list bug and
//! preset names.
#![cfg(not(target_arch = "wasm32"))]
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use paxoscope::paxos::{Bug, ReadMode};
use paxoscope::sim::fuzz;
use paxoscope::sim::presets;
use std::path::PathBuf;

/// Multi-Paxos playground: deterministic simulation, safety checks and fuzzing.
#[derive(Parser)]
#[command(name = "paxoscope", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The options that shape a run: `run` and `fuzz` take the same ones with one meaning,
/// so the replay command the fuzzer prints reproduces its run exactly.
#[derive(Args, Clone, Copy)]
pub struct Shape {
    /// Scheduler steps under faults; then faults stop and the run heals until every
    /// client is answered. Default: 1500 for a fuzz seed; a preset without --steps
    /// runs until quiet, as the page shows it.
    #[arg(long)]
    pub steps: Option<u64>,
    /// Switch on an injected bug.
    #[arg(long, value_parser = bug_parser())]
    pub bug: Option<Bug>,
}

impl Shape {
    /// The steps under faults of a fuzz seed.
    pub fn fault_steps(self) -> u64 {
        self.steps.unwrap_or(fuzz::DEFAULT_FAULT_STEPS)
    }
}

/// Protocol settings that override a preset's (`run --preset`): flexible quorum sizes,
/// the read mode, the lease and the clock drift (rule 12). Absent = the preset's own.
#[derive(Args, Clone, Copy, Default)]
pub struct Protocol {
    /// Acceptors in a phase-1 quorum (|Q1|); |Q1| + |Q2| must exceed the acceptors.
    #[arg(long, requires = "preset")]
    pub phase1_quorum: Option<usize>,
    /// Acceptors in a phase-2 quorum (|Q2|): what each command costs in steady state.
    #[arg(long, requires = "preset")]
    pub phase2_quorum: Option<usize>,
    /// How gets are answered: through the log, or by the leader alone under a lease.
    #[arg(long, requires = "preset", value_parser = read_mode_parser())]
    pub read_mode: Option<ReadMode>,
    /// Ticks (of the granting acceptor's clock) a lease grant holds (2..=1000).
    #[arg(long, requires = "preset")]
    pub lease_ticks: Option<u64>,
    /// Each node's clock runs within 1000 ± this per mille of true time (0..=200).
    #[arg(long, requires = "preset")]
    pub clock_drift_per_mille: Option<u32>,
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
    pub fn apply(self, config: &mut paxoscope::sim::scenario::SimConfig) {
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
pub enum Command {
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
pub struct ExploreArgs {
    /// Start from the end of this preset.
    #[arg(long, value_parser = preset_parser(), conflicts_with = "scenario")]
    pub preset: Option<String>,
    /// Start from the end of this scenario file.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Servers of the small start state (without --preset or --scenario).
    #[arg(long, default_value_t = 3)]
    pub servers: u32,
    /// Client commands of the small start state, each client sending to the next
    /// server [default: 2; 1 for --bug no-dedup].
    #[arg(long)]
    pub commands: Option<u32>,
    /// Switch on an injected bug.
    #[arg(long, value_parser = bug_parser())]
    pub bug: Option<Bug>,
    /// Longest path, in moves [default: the bug's recorded bound].
    #[arg(long)]
    pub max_depth: Option<u32>,
    /// Distinct states kept at most (the memory bound) [default: 2000000].
    #[arg(long)]
    pub max_states: Option<u64>,
    /// Message drops per path [default: the bug's recorded bound].
    #[arg(long)]
    pub drops: Option<u32>,
    /// Message duplicates per path [default: the bug's recorded bound].
    #[arg(long)]
    pub dups: Option<u32>,
    /// Node crashes per path [default: the bug's recorded bound].
    #[arg(long)]
    pub crashes: Option<u32>,
    /// Ticks per path, taken while a client waits, so clients retry [default: 0].
    #[arg(long)]
    pub ticks: Option<u32>,
    /// Reconfigurations per path (add the lowest free node id, add the two lowest, or
    /// remove a member, whenever the leader accepts it) [default: the bug's recorded
    /// bound, else 0].
    #[arg(long)]
    pub reconfigs: Option<u32>,
    /// Partitions per path, each isolating one node until a heal [default: 0].
    #[arg(long)]
    pub partitions: Option<u32>,
    /// Node timer firings per path [default: the bug's recorded bound, else any number].
    #[arg(long)]
    pub timers: Option<u32>,
    /// Write the counterexample scenario here (it is also in the JSON summary).
    #[arg(long)]
    pub out: Option<PathBuf>,
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
