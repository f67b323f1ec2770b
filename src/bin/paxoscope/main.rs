//! The `paxoscope` command-line program: run a preset or a fuzz seed and print its final
//! state, fuzz many seeds, explore every interleaving, shrink a violating scenario, list
//! bugs and presets. All logic lives in the library; each command has a module here.
mod args;
mod explore;
mod fuzz;
mod run;

#[cfg(not(target_arch = "wasm32"))]
use args::{Cli, Command};
#[cfg(not(target_arch = "wasm32"))]
use clap::Parser;
#[cfg(not(target_arch = "wasm32"))]
use paxoscope::paxos::Bug;
#[cfg(not(target_arch = "wasm32"))]
use paxoscope::sim::{fuzz_pool, presets};
#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

/// Parses the command line and runs its command; exit code 2 on bad input.
#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            preset,
            scenario: Some(file),
            ..
        } if preset.is_none() => run::replay_file(&file),
        Command::Run {
            preset,
            seed,
            shape,
            protocol,
            ..
        } => run::run(preset, seed, shape, protocol),
        Command::Explore(args) => explore::explore(args),
        Command::Fuzz {
            seeds,
            start_seed,
            shape,
            jobs,
            history_dir,
            shrink,
        } => fuzz::fuzz_seeds(
            seeds,
            start_seed,
            shape,
            jobs.unwrap_or_else(fuzz_pool::default_jobs),
            history_dir,
            shrink,
        ),
        Command::Shrink { file, out } => run::shrink_file(&file, out.as_deref()),
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

#[cfg(target_arch = "wasm32")]
fn main() {}
