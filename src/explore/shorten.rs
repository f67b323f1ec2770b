//! The shrinker's last pass (issue 10, part 2): replaces a failing run by a shortest one
//! the explorer finds. Breadth-first searches, each for a run violating the *same*
//! invariant in fewer moves than the current one and with no more faults of each kind
//! (none first, then only ticks, then all the run's): first from smaller starts made of
//! the run's own configuration (3 servers, one or two of its own commands), then from each
//! prefix of the current run, shortest first (its tail
//! replaced). Every search is bounded (depth below the current length, a state cap, and a
//! total budget over all of them), so shrinking stays a matter of seconds natively.
use super::{Bounds, Budget, Explorer, Finish};
use crate::sim::scenario::ScriptedOp;
use crate::sim::{Action, Layout, Scenario};

/// Distinct states one search from a smaller start keeps at most, in each round: every
/// start and fault budget gets the first, those not settled by it the second.
pub const STATES_PER_ROUND: [u64; 2] = [10_000, 100_000];

/// Distinct states one search from a prefix keeps at most.
pub const STATES_PER_PREFIX: u64 = 20_000;

/// Distinct states the searches from smaller starts keep at most, together; the searches
/// from prefixes have as many again.
pub const STATES_IN_ALL: u64 = 200_000;

/// The faults of each kind `actions` spend (drops, duplicates, crashes, at most 1 each;
/// ticks, at most 2): the replacement spends no more.
pub fn faults(actions: &[Action]) -> Budget {
    let count = |f: fn(&Action) -> bool, most: usize| {
        actions.iter().filter(|a| f(a)).count().min(most) as u8
    };
    Budget {
        drops: count(|a| matches!(a, Action::Drop { .. }), 1),
        dups: count(|a| matches!(a, Action::Duplicate { .. }), 1),
        crashes: count(|a| matches!(a, Action::Crash { .. }), 1),
        ticks: count(|a| matches!(a, Action::Tick), 2),
        // Reconfigurations and partitions stay as the run has them: not searched here.
        reconfigs: 0,
        partitions: 0,
        fires: super::moves::UNBOUNDED_FIRES,
    }
}

/// Smaller starts made of `base`'s own configuration: 3 servers (when it has more), reads
/// by log, with the first commands of its first two clients (as clients 1 and 2), then
/// with its first command alone (as client 1).
fn smaller_starts(base: &Scenario) -> Vec<Scenario> {
    let script = &base.config.workload.script;
    let mut firsts: Vec<&ScriptedOp> = Vec::new();
    for op in script {
        if !firsts.iter().any(|f| f.client == op.client) {
            firsts.push(op);
        }
    }
    let mut out = Vec::new();
    for n in [2, 1] {
        if firsts.len() < n {
            continue;
        }
        let mut s = base.clone();
        s.actions.clear();
        if more_servers(base) {
            three_servers(&mut s);
        }
        // Their clients renumbered 1 and 2, as in the explorer's own start: client i first
        // sends to server i, so two commands reach two different servers.
        s.config.workload.script = firsts[..n]
            .iter()
            .zip(1..)
            .map(|(&o, client)| ScriptedOp {
                client,
                op: o.op.clone(),
            })
            .collect();
        s.config.clients = n as u32;
        // Reads by lease (rule 12) at their defaults: their timers multiply the states.
        let d = crate::sim::SimConfig::default();
        s.config.read_mode = d.read_mode;
        s.config.lease_ticks = d.lease_ticks;
        s.config.clock_drift_per_mille = d.clock_drift_per_mille;
        out.push(s);
    }
    out
}

/// Cuts `s`'s cluster to 3 servers; quorum sizes chosen for more acceptors (rule 12)
/// become majorities again.
pub(super) fn three_servers(s: &mut Scenario) {
    s.config.layout = Layout::Servers { n: 3 };
    s.config.phase1_quorum = None;
    s.config.phase2_quorum = None;
}

fn more_servers(base: &Scenario) -> bool {
    matches!(base.config.layout, Layout::Servers { n } if n > 3)
}

/// A breadth-first search from `start` for a run violating `invariant` within `depth`
/// moves and `faults`, keeping at most `cap` states; the run found (the start's actions,
/// then the moves), the states the search kept, and whether it is settled (it found a
/// run, or went through every state within its bounds: a larger cap finds nothing more).
pub(super) fn search(
    start: &Scenario,
    depth: usize,
    faults: Budget,
    cap: u64,
    invariant: &'static str,
) -> (Option<Scenario>, u64, bool) {
    let bounds = Bounds {
        max_depth: depth as u32,
        max_states: cap.max(1),
        drops: faults.drops.into(),
        dups: faults.dups.into(),
        crashes: faults.crashes.into(),
        ticks: faults.ticks.into(),
        reconfigs: faults.reconfigs.into(),
        partitions: faults.partitions.into(),
        timers: None,
    };
    let Ok(x) = Explorer::new(start, bounds) else {
        return (None, 0, true);
    };
    let mut x = x.only(invariant);
    while !x.run(5_000) {}
    (
        x.counterexample().map(|c| c.scenario.clone()),
        x.progress().distinct,
        x.finish() != Some(Finish::StateCap),
    )
}

/// The fault budgets the searches try, fewest first (a search without faults is far
/// smaller, and often enough): none, then only `limit`'s ticks, then all of `limit`.
fn budgets(limit: Budget) -> Vec<Budget> {
    let mut out = vec![Budget::default()];
    for b in [
        Budget {
            ticks: limit.ticks,
            ..Budget::default()
        },
        limit,
    ] {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// A shorter run than `base` with `actions` that violates `invariant` at its last step, if
/// the bounded searches find one: the scenario (its start may be smaller than `base`'s).
/// `allowed` is the faults of each kind the failing run spent before it was shrunk (see
/// [`faults`]): a replacement may spend those, no more.
pub fn shorten(
    base: &Scenario,
    actions: &[Action],
    allowed: Budget,
    invariant: &'static str,
) -> Option<Scenario> {
    let mut best: Option<Scenario> = None;
    let mut len = actions.len();
    let mut spent = 0u64;
    // Every (start, faults) pair gets a small search first, in round-robin (fewest faults
    // first), then the pairs not settled a larger one: a start whose searches are large
    // does not use up the budget before another start, where the run is short, is tried.
    let starts = smaller_starts(base);
    let mut settled = Vec::new();
    for cap in STATES_PER_ROUND {
        for faults in budgets(allowed) {
            for (i, start) in starts.iter().enumerate() {
                if len <= 1 || spent >= STATES_IN_ALL || settled.contains(&(i, faults)) {
                    continue;
                }
                let cap = cap.min(STATES_IN_ALL - spent);
                let (found, kept, done) = search(start, len - 1, faults, cap, invariant);
                spent += kept;
                if done {
                    settled.push((i, faults));
                }
                if let Some(s) = found {
                    len = s.actions.len();
                    best = Some(s);
                }
            }
        }
    }
    // Then each prefix of the run, the longest first (the cheapest searches: the tail
    // to replace is short), its tail replaced by a shorter one.
    let limit = allowed;
    let mut spent = 0u64;
    let mut k = len.saturating_sub(2);
    while k > 0 && spent < STATES_IN_ALL {
        k -= 1;
        if k + 1 >= len {
            continue;
        }
        let mut start = best.clone().unwrap_or_else(|| Scenario {
            actions: actions.to_vec(),
            ..base.clone()
        });
        start.actions.truncate(k);
        let cap = STATES_PER_PREFIX.min(STATES_IN_ALL - spent);
        let (found, kept, _) = search(&start, len - k - 1, limit, cap, invariant);
        spent += kept;
        if let Some(s) = found {
            len = s.actions.len();
            best = Some(s);
        }
    }
    best
}
