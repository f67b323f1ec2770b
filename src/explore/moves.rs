//! The explorer's moves: every action enabled in a state, within the fault budget. A move
//! is the compact form of one [`Action`] (the explorer stores one per state it reaches).
use crate::paxos::{Addr, NodeId, NodeSpec, TimerKind};
use crate::sim::world::MAX_NODE_ID;
use crate::sim::{Action, World};

/// One enabled action, compactly (message ids are the world's, valid in the state the move
/// was enumerated in). Eight bytes: the explorer keeps one per state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Deliver in-flight message `id`.
    Deliver(u32),
    /// Lose in-flight message `id` (spends a drop).
    Drop(u32),
    /// Put a copy of in-flight message `id` in flight (spends a duplicate).
    Duplicate(u32),
    /// Fire a pending node timer.
    Fire(NodeId, TimerKind),
    /// Crash a running node (spends a crash).
    Crash(NodeId),
    /// Restart a crashed node from its disk.
    Restart(NodeId),
    /// Advance time one tick while a client waits (spends a tick): clients whose retry is
    /// due resend their request, timers that come due fire.
    Tick,
    /// Rule 12: the operator asks the leader for the configuration whose members are the
    /// nodes of this bit set (bit `id` for node `id`; spends a reconfiguration). Nodes keep
    /// their roles; a new one is a server.
    Reconfigure(u32),
    /// Cut node `id` off from every other node (spends a partition); clients reach it.
    Isolate(NodeId),
    /// Remove the partition.
    Heal,
}

/// A message id as a move keeps it (a search never puts 2³² messages on one path).
fn short(id: u64) -> u32 {
    u32::try_from(id).expect("message ids of a search fit in 32 bits")
}

/// The members of a configuration as a bit set (bit `id` for node `id`).
fn mask(ids: impl Iterator<Item = NodeId>) -> u32 {
    ids.fold(0, |m, id| m | 1 << id)
}

impl Move {
    /// The world action it stands for, in `w`, the state it is taken in (a node of a
    /// reconfiguration keeps the roles it has there).
    pub fn action(self, w: &World) -> Action {
        match self {
            Move::Deliver(id) => Action::Deliver { id: id.into() },
            Move::Drop(id) => Action::Drop { id: id.into() },
            Move::Duplicate(id) => Action::Duplicate { id: id.into() },
            Move::Fire(node, timer) => Action::FireTimer { node, timer },
            Move::Crash(node) => Action::Crash { node },
            Move::Restart(node) => Action::Restart { node },
            Move::Tick => Action::Tick,
            Move::Reconfigure(members) => Action::Reconfigure {
                nodes: (1..=MAX_NODE_ID)
                    .filter(|id| members & (1 << id) != 0)
                    .map(|id| NodeSpec {
                        id,
                        roles: if w.has_node(id) {
                            w.roles(id)
                        } else {
                            crate::paxos::Roles::SERVER
                        },
                    })
                    .collect(),
            },
            Move::Isolate(node) => Action::Partition {
                groups: vec![vec![node]],
            },
            Move::Heal => Action::Heal,
        }
    }

    /// The faults spent on the way to a state, after this move, within `limit` (timer
    /// firings count only when they are bounded: counted, they would keep apart states
    /// that are alike).
    pub fn spend(self, used: Budget, limit: Budget) -> Budget {
        let mut b = used;
        match self {
            Move::Fire(..) if limit.fires != UNBOUNDED_FIRES => b.fires += 1,
            Move::Drop(_) => b.drops += 1,
            Move::Duplicate(_) => b.dups += 1,
            Move::Crash(_) => b.crashes += 1,
            Move::Tick => b.ticks += 1,
            Move::Reconfigure(_) => b.reconfigs += 1,
            Move::Isolate(_) => b.partitions += 1,
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
    /// Reconfigurations asked for.
    pub reconfigs: u8,
    /// Nodes isolated by a partition.
    pub partitions: u8,
    /// Node timers fired ([`UNBOUNDED_FIRES`] as a limit: any number).
    pub fires: u8,
}

/// A limit of timer firings that stands for "any number".
pub const UNBOUNDED_FIRES: u8 = u8::MAX;

/// Every move enabled in `w` with `used` of the `limit` spent, in a fixed order: per
/// in-flight message (one of each group of identical messages, oldest first) deliver
/// (unless its recipient is crashed), drop, duplicate; then the pending timers; then crashes and restarts by node id; then a
/// tick, while a client waits for an answer; then the reconfigurations the leader accepts
/// now; then isolating a node, or healing the partition.
pub fn enabled(w: &World, used: Budget, limit: Budget, out: &mut Vec<Move>) {
    out.clear();
    let flying = w.in_flight();
    for (i, m) in flying.iter().enumerate() {
        if flying[..i].iter().any(|o| o.env == m.env) {
            continue;
        }
        let id = short(m.id);
        // A crashed node takes no steps: a message to it stays in flight (it may be
        // delivered after a restart, or lost by a drop, which spends one), never lost for
        // free by a delivery the world could not make.
        let to_crashed = matches!(m.env.to, Addr::Node(n) if w.is_crashed(n));
        if !to_crashed {
            out.push(Move::Deliver(id));
        }
        if used.drops < limit.drops {
            out.push(Move::Drop(id));
        }
        if used.dups < limit.dups {
            out.push(Move::Duplicate(id));
        }
    }
    if limit.fires == UNBOUNDED_FIRES || used.fires < limit.fires {
        out.extend(w.pending_timers().map(|(n, k)| Move::Fire(n, k)));
    }
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
    if used.reconfigs < limit.reconfigs {
        reconfigurations(w, out);
    }
    let partitioned = w.node_ids().any(|id| w.partition_group(id) != 0);
    if partitioned {
        out.push(Move::Heal);
    } else if used.partitions < limit.partitions {
        out.extend(w.node_ids().map(Move::Isolate));
    }
}

/// Rule 12: the reconfigurations an operator may ask the leader for now, from its latest
/// configuration: add the lowest node id that is no member, add the two lowest at once,
/// or remove any one member (each only if the world accepts it now: a leader, no change
/// under way, enough acceptors left).
fn reconfigurations(w: &World, out: &mut Vec<Move>) {
    let Some(leader) = w.leader().and_then(|l| w.node(l)) else {
        return;
    };
    let current = mask(leader.latest_membership().nodes.iter().map(|n| n.id));
    let mut outside = (1..=MAX_NODE_ID).filter(|id| current & (1 << id) == 0);
    let mut targets = Vec::new();
    if let Some(a) = outside.next() {
        targets.push(current | 1 << a);
        if let Some(b) = outside.next() {
            targets.push(current | 1 << a | 1 << b);
        }
    }
    targets.extend(
        (1..=MAX_NODE_ID)
            .filter(|id| current & (1 << id) != 0)
            .map(|id| current & !(1 << id)),
    );
    for t in targets {
        let m = Move::Reconfigure(t);
        if w.check(&m.action(w)).is_ok() {
            out.push(m);
        }
    }
}

/// Whether `m` hands a message to a client (the only moves that can complete a client
/// operation, after which the history is checked for linearizability).
pub fn reaches_client(w: &World, m: Move) -> bool {
    match m {
        Move::Deliver(id) => w
            .in_flight()
            .iter()
            .any(|f| f.id == u64::from(id) && matches!(f.env.to, Addr::Client(_))),
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
        assert_eq!(Move::Tick.spend(Budget::default(), limit).ticks, 1);
    }

    #[test]
    fn a_message_to_a_crashed_node_waits_for_its_restart_or_a_drop() {
        // Node 2 crashes (its inbox is lost with it), then node 1 sends it a Prepare.
        let mut w = World::new(small_scenario(3, 0, None).config, 1).unwrap();
        w.apply(&Action::Crash { node: 2 }).unwrap();
        w.apply(&Action::FireTimer {
            node: 1,
            timer: TimerKind::Election,
        })
        .unwrap();
        let to_2 = w
            .in_flight()
            .iter()
            .find(|m| m.env.to == Addr::Node(2))
            .map(|m| short(m.id))
            .expect("node 1's Prepare to node 2 is in flight");
        let limit = Budget {
            drops: 1,
            ..Budget::default()
        };
        let mut out = Vec::new();
        enabled(&w, Budget::default(), limit, &mut out);
        assert!(!out.contains(&Move::Deliver(to_2)), "{out:?}");
        assert!(
            out.contains(&Move::Drop(to_2)),
            "a drop may lose it: {out:?}"
        );
        enabled(&w, limit, limit, &mut out);
        assert!(!out.contains(&Move::Drop(to_2)), "the drop is spent");
        w.apply(&Move::Restart(2).action(&w)).unwrap();
        enabled(&w, Budget::default(), limit, &mut out);
        assert!(
            out.contains(&Move::Deliver(to_2)),
            "after the restart: {out:?}"
        );
    }

    #[test]
    fn a_move_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Move>(), 8);
    }

    /// Fires node 1's election timer and delivers every message until it leads.
    fn with_leader() -> World {
        let mut w = World::new(small_scenario(3, 0, None).config, 1).unwrap();
        w.apply(&Action::FireTimer {
            node: 1,
            timer: TimerKind::Election,
        })
        .unwrap();
        while w.leader().is_none() {
            let id = w.in_flight()[0].id;
            w.apply(&Action::Deliver { id }).unwrap();
        }
        w
    }

    #[test]
    fn reconfigurations_are_moves_only_with_a_leader_and_within_their_budget() {
        let limit = Budget {
            reconfigs: 1,
            ..Budget::default()
        };
        let mut out = Vec::new();
        let w = World::new(small_scenario(3, 0, None).config, 1).unwrap();
        enabled(&w, Budget::default(), limit, &mut out);
        assert!(
            !out.iter().any(|m| matches!(m, Move::Reconfigure(_))),
            "no leader: {out:?}"
        );
        let w = with_leader();
        enabled(&w, Budget::default(), limit, &mut out);
        let asked: Vec<u32> = out
            .iter()
            .filter_map(|m| match m {
                Move::Reconfigure(t) => Some(*t),
                _ => None,
            })
            .collect();
        let set = |ids: &[NodeId]| mask(ids.iter().copied());
        // Add n4; add n4 and n5; no removal (a configuration keeps 3 acceptors).
        assert_eq!(asked, [set(&[1, 2, 3, 4]), set(&[1, 2, 3, 4, 5])]);
        enabled(&w, limit, limit, &mut out);
        assert!(!out.iter().any(|m| matches!(m, Move::Reconfigure(_))));
        let mut grown = w.clone();
        grown
            .apply(&Move::Reconfigure(set(&[1, 2, 3, 4])).action(&w))
            .unwrap();
        assert!(grown.has_node(4), "the new server runs");
        assert_eq!(
            Move::Reconfigure(0)
                .spend(Budget::default(), limit)
                .reconfigs,
            1
        );
    }

    #[test]
    fn a_partition_isolates_one_node_within_its_budget_and_heals_for_free() {
        let limit = Budget {
            partitions: 1,
            ..Budget::default()
        };
        let mut out = Vec::new();
        let w = World::new(small_scenario(3, 0, None).config, 1).unwrap();
        enabled(&w, Budget::default(), limit, &mut out);
        for id in 1..=3 {
            assert!(out.contains(&Move::Isolate(id)), "{out:?}");
        }
        assert!(!out.contains(&Move::Heal));
        let mut cut = w.clone();
        cut.apply(&Move::Isolate(2).action(&w)).unwrap();
        let used = Move::Isolate(2).spend(Budget::default(), limit);
        enabled(&cut, used, limit, &mut out);
        assert!(out.contains(&Move::Heal));
        assert!(!out.iter().any(|m| matches!(m, Move::Isolate(_))));
        enabled(&w, used, limit, &mut out);
        assert!(!out.iter().any(|m| matches!(m, Move::Isolate(_))), "spent");
    }
}
