//! Liveness after faults stop: once `EndFaults` heals the network and restarts every node,
//! each command a client has started must be answered within a bound that follows from the
//! configuration (derived in docs/protocol.md, "Liveness after faults stop"). The world arms
//! a [`LivenessWatch`] when faults stop and checks it after every step, so a fuzz seed, its
//! replay (`paxoscope run --seed`) and the page report the same violation at the same step.
use super::action::Action;
use super::client::Client;
use super::scenario::SimConfig;
use crate::json::ToJson;
use crate::kv::ClientId;
use crate::vec_map::VecMap;
use serde::Serialize;

/// Scheduler steps a started command may wait after faults stop, whatever the ticks: a
/// safety net for a run whose time stops advancing (the bound in ticks is the real check).
pub const STEP_LIMIT: u64 = 200_000;

/// The liveness bound of a configuration, term by term (ticks; docs/protocol.md explains
/// each). A command started before faults stop is answered at most `total` ticks after
/// they stop; one started later, at most `total` ticks after it started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
pub struct LivenessBound {
    /// One message hop: the largest network delay (once faults stop, time passes only
    /// when no message is due).
    pub hop: u64,
    /// The longest an election timer runs: its base doubled up to 8× plus the jitter.
    pub election_timer: u64,
    /// Until a leader that every node follows is elected (a stale leader steps down, a
    /// first phase 1 may fail on a promise it did not know, a second one wins).
    pub stable_leader: u64,
    /// Until an Accept a continuing leader sent before healing is resent (its back-off
    /// cap, 32 heartbeat intervals) and answered.
    pub retransmission: u64,
    /// Until every client has sent again: the client back-off cap, 8 × `client_retry_ticks`.
    pub client_retry: u64,
    /// From the latest of the three to the answer: the command reaches the leader, waits
    /// for the other clients' commands ahead of it, is chosen, applied and answered.
    pub command: u64,
    /// The bound: the latest of the three waits, plus the command's own path.
    pub total: u64,
}

/// The bound for `config` (derivation in docs/protocol.md, "Liveness after faults stop").
pub fn bound(config: &SimConfig) -> LivenessBound {
    // Rule 12: node timers run on clocks that may be slow by the drift bound.
    let drift = config.clock_drift_per_mille.min(999) as u64;
    let slow = |ticks: u64| (ticks * 1000).div_ceil(1000 - drift) + 1;
    let e = if drift == 0 {
        config.election_timeout_ticks
    } else {
        slow(config.election_timeout_ticks)
    };
    let h = if drift == 0 {
        config.heartbeat_interval_ticks
    } else {
        slow(config.heartbeat_interval_ticks)
    };
    let hop = config.network.delay_ticks_max;
    let election_timer = 8 * e + e;
    // A stale leader hears a Nack to its next heartbeat; the proposers it held back time
    // out within two election timeouts after its last heartbeat.
    let stale_leader = h + 2 * hop + 2 * e;
    let first_attempt = election_timer.max(stale_leader);
    // The first phase 1 may be refused (2 hops of Nacks teach every promise); the next
    // attempt wins its promises in 2 hops and its first heartbeat reaches every node.
    let mut stable_leader = first_attempt + 2 * hop + election_timer + 3 * hop;
    // Rule 12 (leases): a granted (or, after a restart, possibly forgotten) lease holds
    // every promise back for a lease on the acceptor's clock; the next election may then
    // wait a whole election timer.
    if config.read_mode == crate::paxos::ReadMode::Lease {
        stable_leader += slow(config.lease_ticks) + election_timer;
    }
    let retransmission = 32 * h + 2 * hop;
    let client_retry = 8 * config.client_retry_ticks;
    // Client → target → leader, a leader hint bounced back to the client and resent,
    // Accept → Accepted, a catch-up round trip for a new leader behind, Reply; and one
    // Accept round trip per full window of other clients' commands ahead of it.
    let per_round = config.window.max(1) * config.batch.max(1) as u64;
    let rounds_ahead = (config.clients as u64)
        .div_ceil(per_round)
        .saturating_sub(1);
    let command = 9 * hop + 2 * hop * rounds_ahead;
    let total = stable_leader.max(retransmission).max(client_retry) + command;
    LivenessBound {
        hop,
        election_timer,
        stable_leader,
        retransmission,
        client_retry,
        command,
        total,
    }
}

/// Watches the healing phase: when each pending command started counting, and whether
/// every command was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LivenessWatch {
    /// The tick at which faults stopped.
    pub healed_at: u64,
    /// The step at which faults stopped.
    pub healed_at_step: u64,
    /// The bound in ticks.
    pub bound: u64,
    /// The largest message delay the bound was computed for.
    delay_ticks_max: u64,
    /// The tick at which every client first had every started command answered.
    pub recovered_at: Option<u64>,
    /// Client → (pending sequence number, tick and step from which the bound counts).
    counting: VecMap<ClientId, (u64, u64, u64)>,
    reported: bool,
}

impl LivenessWatch {
    /// Arms the watch when faults stop at tick `now`, step `step`.
    pub fn new(now: u64, step: u64, config: &SimConfig) -> Self {
        LivenessWatch {
            healed_at: now,
            healed_at_step: step,
            bound: bound(config).total,
            delay_ticks_max: config.network.delay_ticks_max,
            recovered_at: None,
            counting: VecMap::new(),
            reported: false,
        }
    }

    /// Whether `action` brings faults back, or slows the network down, so the guarantee
    /// no longer holds (a later `EndFaults` arms a new watch).
    pub fn ended_by(&self, action: &Action) -> bool {
        match action {
            Action::Drop { .. }
            | Action::Duplicate { .. }
            | Action::FireTimer { .. }
            | Action::Crash { .. }
            | Action::Partition { .. }
            | Action::SetBug { .. }
            | Action::AddServer { .. }
            | Action::RemoveServer { .. }
            | Action::Reconfigure { .. } => true,
            Action::SetNetwork {
                drop_per_mille,
                dup_per_mille,
                delay_ticks_max,
            } => {
                *drop_per_mille > 0 || *dup_per_mille > 0 || *delay_ticks_max > self.delay_ticks_max
            }
            _ => false,
        }
    }

    /// Checks the clients after a step at tick `now`: returns the violation message the
    /// first time a started command is still unanswered past the bound.
    pub fn check(&mut self, now: u64, step: u64, clients: &[Client]) -> Option<String> {
        let start = (now.max(self.healed_at), step.max(self.healed_at_step));
        let (mut late, mut stalled) = (Vec::new(), Vec::new());
        for c in clients {
            let Some(p) = &c.pending else {
                self.counting.remove(&c.id);
                continue;
            };
            let entry = self
                .counting
                .entry(c.id)
                .or_insert((p.seq, start.0, start.1));
            if entry.0 != p.seq {
                *entry = (p.seq, start.0, start.1);
            }
            let (is_late, is_stalled) = (now > entry.1 + self.bound, step > entry.2 + STEP_LIMIT);
            if !is_late && !is_stalled {
                continue; // the common case, every step: nothing to put in words
            }
            let since = if entry.1 > self.healed_at {
                format!(" (started at tick {})", entry.1)
            } else {
                String::new()
            };
            let command = format!("c{}#{} {}{since}", c.id, p.seq, p.op);
            if is_late {
                late.push(command);
            } else {
                stalled.push(command);
            }
        }
        if self.recovered_at.is_none() && clients.iter().all(|c| c.is_done()) {
            self.recovered_at = Some(now);
        }
        if self.reported || (late.is_empty() && stalled.is_empty()) {
            return None;
        }
        self.reported = true;
        Some(if late.is_empty() {
            format!(
                "{STEP_LIMIT} steps after faults stopped time still stands at tick {now} \
                 (messages keep being delivered without an answer), still unanswered: {}",
                stalled.join(", ")
            )
        } else {
            format!(
                "{} ticks after faults stopped (this configuration's bound), still unanswered: {}",
                self.bound,
                late.join(", ")
            )
        })
    }

    /// Ticks from the end of faults until every started command was answered.
    pub fn recovery_ticks(&self) -> Option<u64> {
        self.recovered_at.map(|t| t - self.healed_at)
    }
}

/// After each action of a world: a fault action disarms `watch`; otherwise the message of a
/// command overdue at this step (the world records it as a liveness violation).
pub fn after_action(
    watch: &mut Option<LivenessWatch>,
    action: &Action,
    now: u64,
    step: u64,
    clients: &[Client],
) -> Option<String> {
    if watch.as_ref().is_some_and(|w| w.ended_by(action)) {
        *watch = None;
    }
    watch.as_mut()?.check(now, step, clients)
}
