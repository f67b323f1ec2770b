//! Shrinking a failing run by delta debugging (issue 10, part 2). The run is first made
//! explicit: each scheduler step becomes the delivery, drop, duplicate, timer or fault it
//! performed, random client commands become a script, and node timers fire only where the
//! run says (the timeouts are set beyond any run's length), so removing one step leaves the
//! rest meaningful. Messages are named by their content (failing that, by their kind and
//! ends), not by their id, for the same reason. Then chunks of steps, and finally single
//! steps, are removed while the *same* invariant is still violated, and the start and the
//! configuration are made smaller and simpler, to a fixpoint (clients that retry sooner
//! with the run's ticks scaled to match, among them); a run on the seed layout is then
//! moved onto 3 servers where it can be (`relabel`), and a run that is not is started at
//! one of its later elections where that is shorter (`later`); the result replays as an
//! ordinary scenario.
use super::matching::resolve_as;
use crate::check::invariants::{InvariantViolation, LINEARIZABILITY};
use crate::check::verdict;
use crate::json::ToJson;
use crate::paxos::Envelope;
use crate::sim::scenario::ScriptedOp;
use crate::sim::{Action, Scenario, SimConfig, World};
use serde::Serialize;

/// The longest run the shrinker takes, in steps.
pub const MAX_SHRINK_STEPS: u64 = 200_000;

/// One explicit step: a message action names its message by content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// Deliver, drop or duplicate the oldest in-flight message equal to `env`.
    Message { kind: MessageAction, env: Envelope },
    /// Any other action, as is.
    Other(Action),
}

/// What is done to a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MessageAction {
    Deliver,
    Drop,
    Duplicate,
}

/// What `paxoscope shrink` reports (and the page's Shrink).
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Shrunk {
    /// The invariant violated, before and after.
    pub invariant: &'static str,
    /// Steps of the original run, up to its first violation.
    pub before: usize,
    /// Steps of the shrunk run.
    pub after: usize,
    /// The shrunk run.
    pub scenario: Scenario,
}

/// The first violation of a world so far; linearizability is checked when `lin` is set.
fn first_violation(w: &World, lin: bool) -> Option<InvariantViolation> {
    w.violations().first().cloned().or_else(|| {
        lin.then(|| verdict::linearizability(&w.history(), w.step()).1)
            .flatten()
    })
}

/// Replays `scenario` (checks on) until its first violation; the world, the number of
/// steps taken and the violation.
fn replay_to_violation(scenario: &Scenario) -> Result<(World, usize, InvariantViolation), String> {
    let mut config = scenario.config.clone();
    config.check = true;
    let mut w = World::new(config, scenario.seed)?;
    w.record_explicit();
    let actions = crate::sim::action::expand(&scenario.actions, MAX_SHRINK_STEPS)?;
    for (i, a) in actions.iter().enumerate() {
        w.apply(a)
            .map_err(|e| format!("action {} of the scenario cannot be applied: {e}", i + 1))?;
        if let Some(v) = w.violations().first().cloned() {
            return Ok((w, i + 1, v));
        }
    }
    match first_violation(&w, true) {
        Some(v) => Ok((w, actions.len(), v)),
        None => Err("the scenario violates no invariant: there is nothing to shrink".into()),
    }
}

/// The explicit form of a replayed run: its configuration with scripted clients and
/// timers that fire only by hand, and its steps.
fn explicit(scenario: &Scenario, w: &World) -> Result<(Scenario, Vec<Step>), String> {
    let mut base = scenario.clone();
    base.actions.clear();
    base.preset = None;
    let c = &mut base.config;
    c.check = true;
    // Every command each client ran, in order, becomes its script.
    let mut entries = w.history().entries;
    crate::small_sort::stable_sort_by_key(&mut entries, |e| (e.client, e.seq));
    let typed: Vec<&Action> = w
        .explicit_actions()
        .iter()
        .filter(|a| matches!(a, Action::Submit { .. }))
        .collect();
    if !typed.is_empty() {
        return Err("runs with commands typed during the run are not shrunk yet".into());
    }
    c.workload.script = entries
        .into_iter()
        .map(|e| ScriptedOp {
            client: e.client,
            op: e.op,
        })
        .collect();
    c.workload.random_ops = 0;
    c.election_timeout_ticks = 1000;
    c.heartbeat_interval_ticks = 999;
    // Replay the recorded actions once to name each message by its content.
    let mut r = World::new(base.config.clone(), base.seed)?;
    let mut steps = Vec::new();
    for a in w.explicit_actions() {
        let step = match *a {
            Action::Deliver { id } | Action::Drop { id } | Action::Duplicate { id } => {
                let Some(m) = r.in_flight().iter().find(|m| m.id == id) else {
                    return Err(format!(
                        "the run made explicit diverges: message {id} is not in flight"
                    ));
                };
                let kind = match a {
                    Action::Deliver { .. } => MessageAction::Deliver,
                    Action::Drop { .. } => MessageAction::Drop,
                    _ => MessageAction::Duplicate,
                };
                Step::Message {
                    kind,
                    env: (*m.env).clone(),
                }
            }
            _ => Step::Other(a.clone()),
        };
        // The recorded action itself, with its id: identical copies of a message are
        // interchangeable, but the ids the record uses later are those of this replay.
        r.apply(a)
            .map_err(|e| format!("the run made explicit diverges: {e}"))?;
        steps.push(step);
    }
    Ok((base, steps))
}

/// Runs `steps` from `base`, skipping those that cannot be taken, until `invariant` is
/// violated; the steps taken and their actions, or `None` if it never is (or another
/// invariant is violated first).
pub(super) fn test(
    base: &Scenario,
    steps: &[Step],
    invariant: &str,
) -> Option<(Vec<Step>, Vec<Action>)> {
    test_as(base, steps, invariant, false)
}

/// The actions `steps` stand for from `base` (messages found strictly, see
/// [`super::matching::resolve_as`]; steps that cannot be taken skipped), up to the first violation of any
/// invariant (the violating step left out).
pub(super) fn actions_taken(base: &Scenario, steps: &[Step]) -> Option<Vec<Action>> {
    let mut w = World::new(base.config.clone(), base.seed).ok()?;
    let mut actions = Vec::new();
    for s in steps {
        let Some((a, _)) = resolve_as(&w, s, true) else {
            continue;
        };
        if w.apply(&a).is_err() {
            continue;
        }
        if first_violation(&w, true).is_some() {
            break;
        }
        actions.push(a);
    }
    Some(actions)
}

/// [`test`], messages found strictly when `strict` (see [`super::matching::resolve_as`]).
pub(super) fn test_as(
    base: &Scenario,
    steps: &[Step],
    invariant: &str,
    strict: bool,
) -> Option<(Vec<Step>, Vec<Action>)> {
    let lin = invariant == LINEARIZABILITY;
    let mut w = World::new(base.config.clone(), base.seed).ok()?;
    let mut kept = Vec::new();
    let mut actions = Vec::new();
    for s in steps {
        let Some((a, s)) = resolve_as(&w, s, strict) else {
            continue;
        };
        if w.apply(&a).is_err() {
            continue;
        }
        kept.push(s.clone());
        actions.push(a);
        let answered = lin
            && matches!(&s, Step::Message { kind: MessageAction::Deliver, env } if matches!(env.to, crate::paxos::Addr::Client(_)));
        let found = if answered {
            first_violation(&w, true)
        } else {
            w.violations().first().cloned()
        };
        if let Some(v) = found {
            return (v.invariant == invariant).then_some((kept, actions));
        }
    }
    None
}

/// Delta debugging (ddmin) over `steps`: removes chunks of halving size, then single
/// steps, keeping every removal after which `invariant` is still violated.
pub(super) fn ddmin(
    base: &Scenario,
    mut steps: Vec<Step>,
    invariant: &str,
) -> (Vec<Step>, Vec<Action>) {
    let (s, mut actions) = test(base, &steps, invariant).expect("the explicit run violates");
    steps = s;
    let mut n = 2usize;
    while steps.len() >= 2 {
        let chunk = steps.len().div_ceil(n);
        let mut removed = false;
        let mut start = 0;
        while start < steps.len() {
            let end = (start + chunk).min(steps.len());
            let candidate: Vec<Step> = steps[..start]
                .iter()
                .chain(&steps[end..])
                .cloned()
                .collect();
            if let Some((s, a)) = test(base, &candidate, invariant) {
                steps = s;
                actions = a;
                removed = true;
                break;
            }
            start = end;
        }
        if removed {
            n = (n - 1).max(2);
        } else if n >= steps.len() {
            break;
        } else {
            n = (n * 2).min(steps.len());
        }
    }
    (steps, actions)
}

/// The start of the run made smaller: a cluster of 3 servers instead of more, then each
/// client command left out in turn (the last first), each change kept when `steps` (those
/// that cannot be taken skipped) still violate `invariant`. `None` if nothing could go.
fn smaller_start(
    base: &Scenario,
    steps: &[Step],
    invariant: &str,
    commands: bool,
) -> Option<(Scenario, Vec<Step>)> {
    let mut best: Option<(Scenario, Vec<Step>)> = None;
    if let crate::sim::Layout::Servers { n } = base.config.layout {
        if n > 3 {
            let mut small = base.clone();
            super::shorten::three_servers(&mut small);
            if let Some((s, _)) = test(&small, steps, invariant) {
                best = Some((small, s));
            }
        }
    }
    let mut i = best
        .as_ref()
        .map_or(base, |b| &b.0)
        .config
        .workload
        .script
        .len();
    while i > 0 {
        i -= 1;
        let (from, from_steps) = match &best {
            Some((b, s)) => (b, s.as_slice()),
            None => (base, steps),
        };
        let mut fewer = from.clone();
        fewer.config.workload.script.remove(i);
        if let Some((s, _)) = test(&fewer, from_steps, invariant) {
            best = Some((fewer, s));
            continue;
        }
        // The command with the steps that carry it, the later ones renumbered.
        if !commands {
            continue;
        }
        let (fewer, renumbered) = super::commands::without_command(from, from_steps, i);
        if let Some((s, _)) = test(&fewer, &renumbered, invariant) {
            best = Some((fewer, s));
        }
    }
    best
}

/// Rounds of smaller starts and simpler configurations at most (each followed by ddmin).
const MAX_ROUNDS: usize = 4;

/// Each simplification of the configuration the shrinker tries, in order: one command per
/// slot (rule 5), a window of one slot, no snapshots (rule 10), reads by log with leases
/// and clocks at their defaults (rule 12), majorities (rule 12), clients that retry after
/// one tick (so the ticks that only waited for a retry can go), no random faults (the
/// explicit run takes none: only cosmetic), and no clients beyond the last with a command.
fn simplifications(c: &SimConfig) -> Vec<SimConfig> {
    let d = SimConfig::default();
    let mut out = Vec::new();
    let mut push = |f: &dyn Fn(&mut SimConfig)| {
        let mut n = c.clone();
        f(&mut n);
        if n != *c {
            out.push(n);
        }
    };
    push(&|n| n.batch = 1);
    push(&|n| n.window = 1);
    push(&|n| n.snapshot_interval_slots = 0);
    push(&|n| {
        n.read_mode = d.read_mode;
        n.lease_ticks = d.lease_ticks;
        n.clock_drift_per_mille = d.clock_drift_per_mille;
    });
    push(&|n| {
        n.phase1_quorum = None;
        n.phase2_quorum = None;
    });
    push(&|n| n.client_retry_ticks = 1);
    push(&|n| {
        n.network = d.network.clone();
        n.network.delay_ticks_max = 0;
        n.faults = d.faults.clone();
        n.tick_per_mille = d.tick_per_mille;
    });
    push(&|n| {
        let last = n
            .workload
            .script
            .iter()
            .map(|o| o.client)
            .max()
            .unwrap_or(1);
        n.clients = n.clients.min(last.max(1));
    });
    out
}

/// The configuration of the run made simpler (see [`simplifications`]), each change kept
/// when `steps` still violate `invariant`; `None` if nothing could change.
fn simpler_config(
    base: &Scenario,
    steps: &[Step],
    invariant: &str,
) -> Option<(Scenario, Vec<Step>)> {
    let mut best: Option<(Scenario, Vec<Step>)> = None;
    for _ in 0..simplifications(&base.config).len() + 1 {
        let (from, from_steps) = match &best {
            Some((b, s)) => (b, s.as_slice()),
            None => (base, steps),
        };
        let mut changed = None;
        for config in simplifications(&from.config) {
            let candidate = Scenario {
                config,
                ..from.clone()
            };
            if let Some((s, _)) = test(&candidate, from_steps, invariant) {
                changed = Some((candidate, s));
                break;
            }
        }
        if changed.is_none() {
            changed = quicker_retries(from, from_steps, invariant);
        }
        match changed {
            Some(c) => best = Some(c),
            None => break,
        }
    }
    best
}

/// Client retry waits the shrinker tries, shortest first (ticks; each retry waits twice
/// the last, up to 8 times this).
const RETRY_TICKS: [u64; 4] = [1, 2, 3, 5];

/// The run with clients that retry sooner and its ticks scaled to match: with a retry
/// wait of `to` ticks instead of `from`, the ticks so far become `T · to / from` (rounded
/// down, or up), so each retry (each wait a multiple of the wait) still fires at the same
/// step while the ticks that only waited for it go. Node timers fire only by hand in the
/// explicit run, so the retries are what the ticks are for (leases also read time: the
/// run is tested). The first such change, shortest wait first, that still violates
/// `invariant`.
fn quicker_retries(
    base: &Scenario,
    steps: &[Step],
    invariant: &str,
) -> Option<(Scenario, Vec<Step>)> {
    let from = base.config.client_retry_ticks;
    let ticks = steps.iter().filter(|s| is_tick(s)).count();
    if ticks == 0 {
        return None;
    }
    for to in RETRY_TICKS.into_iter().filter(|&t| t < from) {
        for round_up in [false, true] {
            let scaled = scale_ticks(steps, from, to, round_up);
            let mut candidate = base.clone();
            candidate.config.client_retry_ticks = to;
            if let Some((s, _)) = test(&candidate, &scaled, invariant) {
                return Some((candidate, s));
            }
        }
    }
    None
}

fn is_tick(s: &Step) -> bool {
    matches!(s, Step::Other(Action::Tick))
}

/// `steps` with their ticks scaled by `to / from` (see [`quicker_retries`]).
fn scale_ticks(steps: &[Step], from: u64, to: u64, round_up: bool) -> Vec<Step> {
    let (mut old, mut new) = (0u64, 0u64);
    let mut out = Vec::with_capacity(steps.len());
    for s in steps {
        if !is_tick(s) {
            out.push(s.clone());
            continue;
        }
        old += 1;
        let want = if round_up {
            (old * to).div_ceil(from)
        } else {
            old * to / from
        };
        while new < want {
            out.push(s.clone());
            new += 1;
        }
    }
    out
}

/// To a fixpoint: a smaller start (fewer servers and client commands; `commands`: a
/// command left out with the steps that carry it, see [`smaller_start`]), a simpler
/// configuration (one command per slot, clients that retry after one tick, no random
/// faults, reads by log, ...), each change kept only while the run (steps that cannot be
/// taken any more skipped) still violates the same invariant, and ddmin again after each:
/// a change of the start often lets more steps go, and fewer steps more changes.
fn rounds(
    mut base: Scenario,
    mut steps: Vec<Step>,
    mut actions: Vec<Action>,
    invariant: &str,
    commands: bool,
) -> (Scenario, Vec<Step>, Vec<Action>) {
    for _ in 0..MAX_ROUNDS {
        let (len, start) = (steps.len(), base.clone());
        if let Some((b, s)) = smaller_start(&base, &steps, invariant, commands) {
            (steps, actions) = ddmin(&b, s, invariant);
            base = b;
        }
        if let Some((b, s)) = simpler_config(&base, &steps, invariant) {
            (steps, actions) = ddmin(&b, s, invariant);
            base = b;
        }
        if steps.len() >= len && base == start {
            break;
        }
    }
    (base, steps, actions)
}

/// Shrinks `scenario`, which must violate an invariant, to a shorter run violating the
/// same one. A scenario that violates nothing is refused with a message saying so.
pub fn shrink(scenario: &Scenario) -> Result<Shrunk, String> {
    let (w, before, v) = replay_to_violation(scenario)?;
    let (base, steps) = explicit(scenario, &w)?;
    let Some((_, original)) = test(&base, &steps, v.invariant) else {
        return Err(format!(
            "the run made explicit no longer violates {}: it is not shrunk",
            v.invariant
        ));
    };
    // The fault kinds the failing run spent: the searches for a shorter run may spend them.
    let allowed = super::shorten::faults(&original);
    let (steps, actions) = ddmin(&base, steps, v.invariant);
    // Then, to a fixpoint, smaller starts and simpler configurations (see [`rounds`]); a
    // run on the seed layout keeps its commands for now: it is moved onto 3 servers first.
    let seed = base.config.layout == crate::sim::Layout::Seed;
    let (base, steps, actions) = rounds(base, steps, actions, v.invariant, !seed);
    let mut out = Scenario {
        actions: actions.clone(),
        ..base.clone()
    };
    let mut out_steps = steps.clone();
    // A run on the seed layout: moved onto 3 servers (its tail searched there when the
    // move loses the violation), and that run shrunk in turn (all these passes).
    if seed {
        match super::relabel::via_three_servers(&out, &steps, allowed, v.invariant) {
            Some(moved) if moved.actions.len() < out.actions.len() => {
                return Ok(Shrunk {
                    invariant: v.invariant,
                    before,
                    after: moved.actions.len(),
                    scenario: moved,
                })
            }
            // It stays on the seed layout: its commands are left out there.
            _ => {
                let (b, s, a) = rounds(base, steps, actions, v.invariant, true);
                if a.len() < out.actions.len() {
                    out = Scenario { actions: a, ..b };
                    out_steps = s;
                }
            }
        }
    }
    // Then the run started at one of its later elections, and shrunk again (`later`).
    let start = Scenario {
        actions: Vec::new(),
        ..out.clone()
    };
    if let Some((b, s, a)) =
        super::later::later_start(&start, &out_steps, v.invariant, out.actions.len())
    {
        let (b, _, a) = rounds(b, s, a, v.invariant, true);
        out = Scenario { actions: a, ..b };
    }
    // Last, the tail of the run replaced by a shortest one where a bounded search finds it.
    if let Some(shorter) = super::shorten::shorten(&out, &out.actions, allowed, v.invariant) {
        out = shorter;
    }
    let after = out.actions.len();
    Ok(Shrunk {
        invariant: v.invariant,
        before,
        after,
        scenario: out,
    })
}

/// The share-link fragment that opens `scenario` on the page at its last step:
/// `#j=<base64url(scenario JSON)>&step=N` (README, "Sharing a run").
pub fn share_fragment(scenario: &Scenario) -> String {
    let json = crate::json::to_json(scenario);
    let steps: u64 = scenario
        .actions
        .iter()
        .map(|a| match a {
            Action::Auto { n } => *n,
            _ => 1,
        })
        .sum();
    format!("#j={}&step={steps}", base64url(json.as_bytes()))
}

/// Base64url without padding (RFC 4648 §5), as the page reads share links.
fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..=c.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_vectors_without_padding() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(plain.as_bytes()), coded);
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
