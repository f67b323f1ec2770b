//! The explorer's moves: every action enabled in a state, within the fault budget. A move
//! is the compact form of one [`Action`] (the explorer stores one per state it reaches).
use crate::paxos::{Addr, NodeId, TimerKind};
use crate::sim::{Action, World};

/// One enabled action, compactly (message ids are the world's, valid in the state the move
/// was enumerated in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Deliver in-flight message `id`.
    Deliver(u64),
    /// Lose in-flight message `id` (spends a drop).
    Drop(u64),
    /// Put a copy of in-flight message `id` in flight (spends a duplicate).
    Duplicate(u64),
    /// Fire a pending node timer.
    Fire(NodeId, TimerKind),
    /// Crash a running node (spends a crash).
    Crash(NodeId),
    /// Restart a crashed node from its disk.
    Restart(NodeId),
    /// Advance time one tick while a client waits (spends a tick): clients whose retry is
    /// due resend their request, timers that come due fire.
    Tick,
}

impl Move {
    /// The world action it stands for.
    pub fn action(self) -> Action {
        match self {
            Move::Deliver(id) => Action::Deliver { id },
            Move::Drop(id) => Action::Drop { id },
            Move::Duplicate(id) => Action::Duplicate { id },
            Move::Fire(node, timer) => Action::FireTimer { node, timer },
            Move::Crash(node) => Action::Crash { node },
            Move::Restart(node) => Action::Restart { node },
            Move::Tick => Action::Tick,
        }
    }

    /// The faults spent on the way to a state, after this move.
    pub fn spend(self, used: Budget) -> Budget {
        let mut b = used;
        match self {
            Move::Drop(_) => b.drops += 1,
            Move::Duplicate(_) => b.dups += 1,
            Move::Crash(_) => b.crashes += 1,
            Move::Tick => b.ticks += 1,
            _ => {}
        }
        b
    }
}

/// Faults allowed, or spent so far on the way to a state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Budget {
    /// Messages lost.
    pub drops: u8,
    /// Messages duplicated.
    pub dups: u8,
    /// Nodes crashed.
    pub crashes: u8,
    /// Ticks of time advanced.
    pub ticks: u8,
}

/// Every move enabled in `w` with `used` of the `limit` spent, in a fixed order: per
/// in-flight message (one of each group of identical messages, oldest first) deliver,
/// drop, duplicate; then the pending timers; then crashes and restarts by node id; then a
/// tick, while a client waits for an answer.
pub fn enabled(w: &World, used: Budget, limit: Budget, out: &mut Vec<Move>) {
    out.clear();
    let flying = w.in_flight();
    for (i, m) in flying.iter().enumerate() {
        if flying[..i].iter().any(|o| o.env == m.env) {
            continue;
        }
        out.push(Move::Deliver(m.id));
        if used.drops < limit.drops {
            out.push(Move::Drop(m.id));
        }
        if used.dups < limit.dups {
            out.push(Move::Duplicate(m.id));
        }
    }
    out.extend(w.pending_timers().map(|(n, k)| Move::Fire(n, k)));
    for id in w.node_ids() {
        if w.is_crashed(id) {
            out.push(Move::Restart(id));
        } else if used.crashes < limit.crashes {
            out.push(Move::Crash(id));
        }
    }
    if used.ticks < limit.ticks && w.clients().iter().any(|c| c.pending.is_some()) {
        out.push(Move::Tick);
    }
}

/// Whether `m` hands a message to a client (the only moves that can complete a client
/// operation, after which the history is checked for linearizability).
pub fn reaches_client(w: &World, m: Move) -> bool {
    match m {
        Move::Deliver(id) => w
            .in_flight()
            .iter()
            .any(|f| f.id == id && matches!(f.env.to, Addr::Client(_))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::small_scenario;

    #[test]
    fn a_tick_is_a_move_only_while_a_client_waits_and_within_its_budget() {
        let w = World::new(small_scenario(3, 1, None).config, 1).unwrap();
        let limit = Budget {
            ticks: 1,
            ..Budget::default()
        };
        let mut out = Vec::new();
        enabled(&w, Budget::default(), limit, &mut out);
        assert!(
            out.contains(&Move::Tick),
            "the client waits for its put: {out:?}"
        );
        enabled(&w, limit, limit, &mut out);
        assert!(!out.contains(&Move::Tick), "the budget is spent");
        let idle = World::new(small_scenario(3, 0, None).config, 1).unwrap();
        enabled(&idle, Budget::default(), limit, &mut out);
        assert!(!out.contains(&Move::Tick), "no client waits");
        assert_eq!(Move::Tick.spend(Budget::default()).ticks, 1);
    }
}
