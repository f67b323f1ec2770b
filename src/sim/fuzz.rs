//! Swarm fuzzing: each seed draws its own configuration and fault mix, runs under faults,
//! then heals and checks liveness; every invariant is checked on every step and the client
//! history for linearizability at the end.
use super::action::Action;
use super::fuzz_reconfig::Operator;
use super::liveness;
use super::rng::SimRng;
use super::scenario::{
    FaultConfig, Layout, NetworkConfig, Scenario, SimConfig, Workload, DEFAULT_LEASE_TICKS,
};
use super::world::World;
use crate::check::history::History;
use crate::check::invariants::InvariantViolation;
use crate::check::verdict;
use crate::paxos::{Bug, ReadMode};
use crate::vec_map::VecMap;

/// Scheduler steps under faults per seed, unless told otherwise.
pub const DEFAULT_FAULT_STEPS: u64 = 1500;

/// Scheduler steps allowed in the healing phase: one more than the liveness watch's own
/// step limit, so the watch, not this loop, reports a run whose time stops advancing.
pub const HEAL_STEP_LIMIT: u64 = super::liveness::STEP_LIMIT + 1;

/// The configuration seed `seed` runs with: a random mix of layout, protocol knobs and
/// faults (drop up to 30 %, duplicate up to 50 %, reordering delays, partitions, crashes).
pub fn swarm_config(seed: u64, bug: Option<Bug>) -> SimConfig {
    let mut r = SimRng::new(seed ^ 0x5eed_f00d_cafe_d00d);
    let layout = draw_layout(&mut r);
    let acceptors = match layout {
        Layout::Seed => 5,
        Layout::Servers { n } => n as usize,
    };
    let Rule12 {
        phase1_quorum,
        phase2_quorum,
        read_mode,
        lease_ticks,
        clock_drift_per_mille,
    } = rule_12_settings(seed, acceptors, bug);
    let mut config = SimConfig {
        layout,
        clients: r.between(2, 4) as u32,
        window: r.between(1, 8),
        batch: r.between(1, 3) as usize,
        snapshot_interval_slots: [0, 4, 16][r.index(3)],
        election_timeout_ticks: 10,
        heartbeat_interval_ticks: 3,
        client_retry_ticks: r.between(8, 30),
        tick_per_mille: r.between(30, 200) as u32,
        phase1_quorum,
        phase2_quorum,
        read_mode,
        lease_ticks,
        clock_drift_per_mille,
        bugs: bug.into_iter().collect(),
        network: draw_network(&mut r),
        faults: draw_faults(&mut r),
        workload: Workload {
            script: Vec::new(),
            random_ops: 1_000,
            keys: r.between(1, 3) as u32,
        },
        check: true,
    };
    if bug == Some(Bug::ReadWithoutLease) {
        // A stale read needs a leader cut off long enough for another to be elected and
        // write, and a read of the key written: partitions that last, one key.
        config.faults.partition_per_mille = config.faults.partition_per_mille.max(10);
        config.faults.heal_per_mille = config.faults.heal_per_mille.min(2);
        config.workload.keys = 1;
    }
    config
}

/// Rule 11: a seed's layout, the seed program's (five acceptors, two proposers) or 3, 5 or
/// 7 servers.
fn draw_layout(r: &mut SimRng) -> Layout {
    match r.below(5) {
        0 => Layout::Seed,
        1 => Layout::Servers { n: 3 },
        2 | 3 => Layout::Servers { n: 5 },
        _ => Layout::Servers { n: 7 },
    }
}

/// A seed's network: drops, duplicates and reordering delays.
fn draw_network(r: &mut SimRng) -> NetworkConfig {
    NetworkConfig {
        // Drawn in whole percent, as the recorded fuzz seeds were.
        drop_per_mille: r.between(0, 30) as u32 * 10,
        dup_per_mille: r.between(0, 50) as u32 * 10,
        delay_ticks_max: r.between(0, 4),
    }
}

/// A seed's node faults: crashes, restarts, partitions and heals.
fn draw_faults(r: &mut SimRng) -> FaultConfig {
    FaultConfig {
        crash_per_mille: r.between(0, 12) as u32,
        restart_per_mille: r.between(20, 60) as u32,
        partition_per_mille: r.between(0, 8) as u32,
        heal_per_mille: r.between(10, 40) as u32,
    }
}

/// Rule 12's settings of a seed: quorum sizes and how reads are answered.
struct Rule12 {
    phase1_quorum: Option<usize>,
    phase2_quorum: Option<usize>,
    read_mode: ReadMode,
    lease_ticks: u64,
    clock_drift_per_mille: u32,
}

/// Rule 12's settings are drawn for the correct protocol and its own bugs; a seed of an
/// older bug keeps majorities and log reads, so it runs as it did before them.
fn rule_12_settings(seed: u64, acceptors: usize, bug: Option<Bug>) -> Rule12 {
    let rule_12 = matches!(
        bug,
        None | Some(Bug::NonIntersectingQuorums) | Some(Bug::ReadWithoutLease)
    );
    let (phase1_quorum, phase2_quorum) = if rule_12 {
        flexible_quorums(seed, acceptors)
    } else {
        (None, None)
    };
    let (read_mode, lease_ticks, clock_drift_per_mille) = if rule_12 {
        lease_reads(seed, bug)
    } else {
        (ReadMode::Log, DEFAULT_LEASE_TICKS, 0)
    };
    Rule12 {
        phase1_quorum,
        phase2_quorum,
        read_mode,
        lease_ticks,
        clock_drift_per_mille,
    }
}

/// Rule 12: the quorum sizes of seed `seed` among `acceptors` acceptors. Two seeds in three
/// keep majorities (`None`); the third draws |Q2| from 1 to a majority and the smallest
/// |Q1| that still meets it (n − |Q2| + 1), sometimes one more. Drawn from a stream of their
/// own, so the other settings of a seed are what they were before flexible quorums.
pub fn flexible_quorums(seed: u64, acceptors: usize) -> (Option<usize>, Option<usize>) {
    let mut r = SimRng::new(seed ^ 0x0f1e_2d3c_4b5a_6978);
    if r.below(3) != 0 {
        return (None, None);
    }
    let majority = acceptors / 2 + 1;
    let phase2 = r.between(1, majority as u64) as usize;
    let phase1 = (acceptors - phase2 + 1 + r.below(2) as usize).min(acceptors);
    (Some(phase1), Some(phase2))
}

/// Rule 12 (leases): the read mode, lease length and clock drift bound of seed `seed`.
/// Half the seeds read under leases, with a lease of 10 to 40 ticks and a drift bound of
/// 0 to 100 per mille; a seed with the `read-without-lease` bug always does. Drawn from a
/// stream of their own, like the quorum sizes.
pub fn lease_reads(seed: u64, bug: Option<Bug>) -> (ReadMode, u64, u32) {
    let mut r = SimRng::new(seed ^ 0x1ea5_e0dd_5eed_0002);
    let lease = r.below(2) == 0 || bug == Some(Bug::ReadWithoutLease);
    let ticks = r.between(10, 40);
    let drift = [0, 10, 50, 100][r.index(4)];
    if lease {
        (ReadMode::Lease, ticks, drift)
    } else {
        (ReadMode::Log, DEFAULT_LEASE_TICKS, 0)
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
    pub violation: Option<InvariantViolation>,
    /// Ticks from the end of faults until every started command was answered (none if
    /// faults never ended or the run stopped on a violation first).
    pub recovery_ticks: Option<u64>,
    /// The liveness bound of this seed's configuration, in ticks.
    pub bound_ticks: u64,
    /// The client history.
    pub history: History,
    /// The scenario that replays this run exactly (`paxoscope run --seed`).
    pub scenario: Scenario,
}

/// Runs one seed: `fault_steps` scheduler steps under faults, then the healing phase, in
/// which the world's liveness watch checks that every started command is answered in time.
pub fn run_seed(seed: u64, fault_steps: u64, bug: Option<Bug>) -> SeedOutcome {
    let config = swarm_config(seed, bug);
    let mut world = World::new(config.clone(), seed).expect("swarm configurations are valid");
    // Nothing here reads the trace digest or the counters: keeping them was 4 % of a seed.
    world.set_lean();
    let mut actions = Vec::new();
    // Like rule 12's settings in `swarm_config`: a bug's own fuzz runs reconfigure only for
    // the bug of reconfiguration, so each bug is hunted (and shrunk) on the rule it breaks.
    let reconfigures = matches!(bug, None | Some(Bug::ReconfigWithoutAlpha));
    let mut operator = reconfigures.then(|| Operator::new(seed));
    let (mut faulty, mut autos) = (0, 0);
    while faulty < fault_steps && world.violations().is_empty() {
        // Rule 12: the operator's reconfigurations, recorded between the automatic steps
        // so `paxoscope run --seed` replays them; one the world refuses is left out.
        if let Some(change) = operator.as_mut().and_then(|o| o.next(&world)) {
            if world.apply(&change).is_ok() {
                if autos > 0 {
                    actions.push(Action::Auto { n: autos });
                }
                actions.push(change);
                autos = 0;
            }
        }
        world.apply(&Action::Auto { n: 1 }).expect("auto applies");
        faulty += 1;
        autos += 1;
    }
    actions.push(Action::Auto { n: autos });
    if world.violations().is_empty() {
        world.apply(&Action::EndFaults).expect("end faults applies");
        actions.push(Action::EndFaults);
        let mut healing = 0;
        while !world.clients_done() && world.violations().is_empty() && healing < HEAL_STEP_LIMIT {
            world.apply(&Action::Auto { n: 1 }).expect("auto applies");
            healing += 1;
        }
        if healing > 0 {
            actions.push(Action::Auto { n: healing });
        }
    }
    let mut violation = world.violations().first().cloned();
    if violation.is_none() {
        violation = verdict::linearizability(&world.history(), world.step()).1;
    }
    SeedOutcome {
        seed,
        steps: world.step(),
        violation,
        recovery_ticks: world.liveness().and_then(|w| w.recovery_ticks()),
        bound_ticks: liveness::bound(&config).total,
        history: world.history(),
        scenario: Scenario {
            preset: None,
            config,
            seed,
            actions,
        },
    }
}

/// Recovery after healing over many seeds: ticks from the end of faults until every
/// started command was answered, against each seed's liveness bound. The fuzzer's summary
/// reports it so the bound's margin is visible.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveryStats {
    /// Recovery time in ticks → number of seeds.
    histogram: VecMap<u64, u64>,
    /// (seed, recovery ticks) of the slowest recovery.
    slowest: Option<(u64, u64)>,
    /// (seed, bound − recovery) of the recovery closest to its bound.
    tightest: Option<(u64, i64)>,
    /// Smallest and largest bound seen.
    bounds: Option<(u64, u64)>,
}

impl RecoveryStats {
    /// Adds one seed (seeds that stopped on a violation before recovering add nothing).
    pub fn add(&mut self, o: &SeedOutcome) {
        let Some(ticks) = o.recovery_ticks else {
            return;
        };
        *self.histogram.entry(ticks).or_insert(0) += 1;
        if self.slowest.is_none_or(|(_, t)| ticks > t) {
            self.slowest = Some((o.seed, ticks));
        }
        let margin = o.bound_ticks as i64 - ticks as i64;
        if self.tightest.is_none_or(|(_, m)| margin < m) {
            self.tightest = Some((o.seed, margin));
        }
        let (lo, hi) = self.bounds.unwrap_or((o.bound_ticks, o.bound_ticks));
        self.bounds = Some((lo.min(o.bound_ticks), hi.max(o.bound_ticks)));
    }

    /// How many seeds recovered.
    pub fn count(&self) -> u64 {
        self.histogram.values().sum()
    }

    /// The smallest recovery time that at least `q` (0–1) of the seeds do not exceed.
    pub fn percentile(&self, q: f64) -> Option<u64> {
        let n = self.count();
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n.max(1));
        let mut seen = 0;
        for (ticks, count) in &self.histogram {
            seen += count;
            if seen >= rank {
                return Some(*ticks);
            }
        }
        None
    }

    /// The JSON the fuzzer's summary prints under `recovery_ticks`.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "seeds": self.count(),
            "p50": self.percentile(0.5),
            "p99": self.percentile(0.99),
            "max": self.slowest.map(|(_, t)| t),
            "max_seed": self.slowest.map(|(s, _)| s),
            "bound_min": self.bounds.map(|(lo, _)| lo),
            "bound_max": self.bounds.map(|(_, hi)| hi),
            "min_margin": self.tightest.map(|(_, m)| m),
            "min_margin_seed": self.tightest.map(|(s, _)| s),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(seed: u64, recovery: Option<u64>, bound: u64) -> SeedOutcome {
        let mut o = run_seed(1, 0, None);
        o.seed = seed;
        o.recovery_ticks = recovery;
        o.bound_ticks = bound;
        o
    }

    #[test]
    fn a_third_of_the_swarm_runs_flexible_quorums_that_intersect() {
        let mut flexible = 0;
        for seed in 0..300 {
            let c = swarm_config(seed, None);
            let q = c
                .validate()
                .expect("swarm configurations are valid")
                .quorums();
            assert!(q.intersect(), "seed {seed}: {q:?}");
            if !q.are_majorities() {
                flexible += 1;
            }
        }
        assert!((60..140).contains(&flexible), "{flexible} of 300");
    }

    #[test]
    fn recovery_stats_give_percentiles_the_slowest_seed_and_the_smallest_margin() {
        let mut stats = RecoveryStats::default();
        for (seed, ticks) in (1..=100).map(|s| (s, s * 2)) {
            stats.add(&outcome(seed, Some(ticks), 250));
        }
        stats.add(&outcome(500, None, 100)); // stopped on a violation: not counted
        assert_eq!(stats.count(), 100);
        assert_eq!(stats.percentile(0.5), Some(100));
        assert_eq!(stats.percentile(0.99), Some(198));
        let s = stats.summary();
        assert_eq!(
            (s["max"].as_u64(), s["max_seed"].as_u64()),
            (Some(200), Some(100))
        );
        assert_eq!(s["min_margin"].as_i64(), Some(50));
        assert_eq!(
            (s["bound_min"].as_u64(), s["bound_max"].as_u64()),
            (Some(250), Some(250))
        );
    }
}
