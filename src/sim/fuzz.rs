//! Swarm fuzzing: each seed draws its own configuration and fault mix, runs under faults,
//! then heals and checks liveness; every invariant is checked on every step and the client
//! history for linearizability at the end.
use super::action::Action;
use super::rng::SimRng;
use super::scenario::{FaultConfig, Layout, NetworkConfig, Scenario, SimConfig, Workload};
use super::view::linearizability_violation;
use super::world::World;
use crate::check::history::History;
use crate::check::invariants::{Violation, LIVENESS};
use crate::paxos::Bug;

/// Scheduler steps under faults per seed, unless told otherwise.
pub const DEFAULT_FAULT_STEPS: u64 = 1500;

/// Ticks allowed after faults stop for every started command to be answered.
pub const LIVENESS_TICKS: u64 = 400;

/// Scheduler steps allowed in the healing phase (a safety net; ticks are the real bound).
pub const HEAL_STEP_LIMIT: u64 = 200_000;

/// The configuration seed `seed` runs with: a random mix of layout, protocol knobs and
/// faults (drop up to 30 %, duplicate up to 50 %, reordering delays, partitions, crashes).
pub fn swarm_config(seed: u64, bug: Option<Bug>) -> SimConfig {
    let mut r = SimRng::new(seed ^ 0x5eed_f00d_cafe_d00d);
    let layout = match r.below(5) {
        0 => Layout::Seed,
        1 => Layout::Servers { n: 3 },
        2 | 3 => Layout::Servers { n: 5 },
        _ => Layout::Servers { n: 7 },
    };
    SimConfig {
        layout,
        clients: r.between(2, 4) as u32,
        window: r.between(1, 8),
        batch: r.between(1, 3) as usize,
        snapshot_interval_slots: [0, 4, 16][r.index(3)],
        election_timeout_ticks: 10,
        heartbeat_interval_ticks: 3,
        client_retry_ticks: r.between(8, 30),
        tick_per_mille: r.between(30, 200) as u32,
        bugs: bug.into_iter().collect(),
        network: NetworkConfig {
            // Drawn in whole percent, as the recorded fuzz seeds were.
            drop_per_mille: r.between(0, 30) as u32 * 10,
            dup_per_mille: r.between(0, 50) as u32 * 10,
            delay_ticks_max: r.between(0, 4),
        },
        faults: FaultConfig {
            crash_per_mille: r.between(0, 12) as u32,
            restart_per_mille: r.between(20, 60) as u32,
            partition_per_mille: r.between(0, 8) as u32,
            heal_per_mille: r.between(10, 40) as u32,
        },
        workload: Workload {
            script: Vec::new(),
            random_ops: 1_000,
            keys: r.between(1, 3) as u32,
        },
        check: true,
    }
}

/// What one seed did.
#[derive(Clone, Debug)]
pub struct SeedOutcome {
    /// The seed.
    pub seed: u64,
    /// Steps run, faults and healing together.
    pub steps: u64,
    /// The first violation, if any.
    pub violation: Option<Violation>,
    /// The client history.
    pub history: History,
    /// The scenario that replays this run exactly (`paxoscope run --seed`).
    pub scenario: Scenario,
}

/// Runs one seed: `fault_steps` scheduler steps under faults, then the healing phase.
pub fn run_seed(seed: u64, fault_steps: u64, bug: Option<Bug>) -> SeedOutcome {
    let config = swarm_config(seed, bug);
    let mut world = World::new(config.clone(), seed).expect("swarm configurations are valid");
    let mut actions = Vec::new();
    let mut violation = None;
    let mut faulty = 0;
    while faulty < fault_steps {
        world.apply(&Action::Auto { n: 1 }).expect("auto applies");
        faulty += 1;
        if let Some(v) = world.checker.violations().first() {
            violation = Some(v.clone());
            break;
        }
    }
    actions.push(Action::Auto { n: faulty });
    if violation.is_none() {
        world.apply(&Action::EndFaults).expect("end faults applies");
        actions.push(Action::EndFaults);
        let healed_at = world.now;
        let mut healing = 0;
        while !world.clients_done()
            && world.now <= healed_at + LIVENESS_TICKS
            && healing < HEAL_STEP_LIMIT
        {
            world.apply(&Action::Auto { n: 1 }).expect("auto applies");
            healing += 1;
            if !world.checker.violations().is_empty() {
                break;
            }
        }
        actions.push(Action::Auto { n: healing });
        violation = world.checker.violations().first().cloned();
        if violation.is_none() && !world.clients_done() {
            let waiting: Vec<String> = world
                .clients
                .iter()
                .filter_map(|c| {
                    c.pending
                        .as_ref()
                        .map(|p| format!("c{}#{} {}", c.id, p.seq, p.op))
                })
                .collect();
            violation = Some(Violation {
                invariant: LIVENESS,
                step: world.step,
                message: format!(
                    "{LIVENESS_TICKS} ticks after faults stopped, still unanswered: {}",
                    waiting.join(", ")
                ),
            });
        }
        if violation.is_none() {
            violation = linearizability_violation(&world).1;
        }
    }
    SeedOutcome {
        seed,
        steps: world.step,
        violation,
        history: world.history.clone(),
        scenario: Scenario {
            preset: None,
            config,
            seed,
            actions,
        },
    }
}
