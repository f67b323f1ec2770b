//! Where each bug's search starts by default (docs/explorer.md): the small start (3
//! servers, clients that each put key `x`, client `i` first sending to server `i`) for
//! most bugs. Two bugs need runs too long for a search from there (many millions of states
//! at depth 9), so their searches start later, after a prefix of plain actions that the
//! counterexample's scenario file holds like any other (the BFS length counts the moves
//! after it):
//!
//! - `read-without-lease`: reads by lease; node 1 won an election (every message between
//!   nodes delivered) and answered client 1's first `get x` alone (the reply in flight);
//!   client 1 reads `x` again after that answer, client 2 puts `x = 2` at server 2.
//! - `reconfig-without-alpha`: node 1 won an election; node 2's election timer fired (its
//!   Prepares in flight) and client 2's put waits at node 2; the operator asked node 1 to
//!   grow the cluster from 3 to 5 servers (the "given reconfiguration submission"), and
//!   node 3's vote made it chosen at node 1. The search finds the rest: the bug lets the
//!   new configuration govern the very next slot, so node 1 runs phase 1 there among the
//!   new configuration only.
use super::small_scenario;
use crate::kv::Op;
use crate::paxos::{Addr, Bug, Message, NodeSpec, Roles, TimerKind};
use crate::sim::scenario::ScriptedOp;
use crate::sim::{Action, Scenario, World};

/// The start state of a search for `bug` (or on the correct protocol) with `servers`
/// servers and `commands` client commands, as `paxoscope explore --bug` and the page's
/// "find it yourself" use it.
pub fn for_bug(servers: u32, commands: u32, bug: Option<Bug>) -> Scenario {
    match bug {
        Some(Bug::ReconfigWithoutAlpha) => reconfig_start(servers, commands),
        Some(Bug::ReadWithoutLease) => stale_read_start(servers),
        _ => small_scenario(servers, commands, bug),
    }
}

/// Applies `a` to `w` and records it in `s`.
fn take(s: &mut Scenario, w: &mut World, a: Action) {
    w.apply(&a).expect("a start's action applies");
    s.actions.push(a);
}

/// Delivers the oldest in-flight message `pick` accepts until none is left (at most 200).
fn deliver_all(s: &mut Scenario, w: &mut World, pick: impl Fn(&World, Addr, &Message) -> bool) {
    for _ in 0..200 {
        let Some(id) = w
            .in_flight()
            .iter()
            .find(|m| pick(w, m.env.from, &m.env.msg))
            .map(|m| m.id)
        else {
            return;
        };
        take(s, w, Action::Deliver { id });
    }
}

/// Between nodes (not a client's request, not a reply).
fn between_nodes(_: &World, from: Addr, msg: &Message) -> bool {
    matches!(from, Addr::Node(_)) && !matches!(msg, Message::Reply { .. })
}

/// Node 1 wins an election: its timer fires and every message between nodes is delivered.
fn elect_node_1(s: &mut Scenario, w: &mut World) {
    let fire = Action::FireTimer {
        node: 1,
        timer: TimerKind::Election,
    };
    take(s, w, fire);
    deliver_all(s, w, between_nodes);
    debug_assert_eq!(w.leader(), Some(1), "node 1 leads");
}

/// Delivers the in-flight requests of client `c`.
fn deliver_requests(s: &mut Scenario, w: &mut World, c: u32) {
    deliver_all(s, w, |_, from, msg| {
        from == Addr::Client(c) && matches!(msg, Message::Request { .. })
    });
}

/// The small start after node 1 won an election (every message between nodes delivered,
/// the clients' first requests still in flight): where reconfigurations can be asked for.
pub fn led_by_node_1(servers: u32, commands: u32, bug: Option<Bug>) -> Scenario {
    let mut s = small_scenario(servers, commands, bug);
    let mut w = World::new(s.config.clone(), s.seed).expect("the small start is valid");
    elect_node_1(&mut s, &mut w);
    s
}

/// `reconfig-without-alpha` (see the module comment): `commands` clients as in the small
/// start (at least 2: client 2's put waits at node 2).
fn reconfig_start(servers: u32, commands: u32) -> Scenario {
    let mut s = small_scenario(servers, commands.max(2), Some(Bug::ReconfigWithoutAlpha));
    let mut w = World::new(s.config.clone(), s.seed).expect("the small start is valid");
    elect_node_1(&mut s, &mut w);
    let fire = Action::FireTimer {
        node: 2,
        timer: TimerKind::Election,
    };
    take(&mut s, &mut w, fire);
    deliver_requests(&mut s, &mut w, 2);
    let current = w.latest_membership().nodes.len() as u32;
    let nodes = (1..=current + 2)
        .map(|id| NodeSpec {
            id,
            roles: Roles::SERVER,
        })
        .collect();
    take(&mut s, &mut w, Action::Reconfigure { nodes });
    // Node 3 accepts it (node 2 promised its own ballot) and node 1 learns it is chosen.
    let to_3 = w
        .in_flight()
        .iter()
        .find(|m| m.env.to == Addr::Node(3) && matches!(m.env.msg, Message::Accept { .. }))
        .map(|m| m.id);
    if let Some(id) = to_3 {
        take(&mut s, &mut w, Action::Deliver { id });
        deliver_all(&mut s, &mut w, |_, from, msg| {
            from == Addr::Node(3) && matches!(msg, Message::Accepted { .. })
        });
    }
    s
}

/// `read-without-lease` (see the module comment).
fn stale_read_start(servers: u32) -> Scenario {
    let mut s = small_scenario(servers, 0, Some(Bug::ReadWithoutLease));
    s.config.read_mode = crate::paxos::ReadMode::Lease;
    s.config.clients = 2;
    let get = || Op::Get { key: "x".into() };
    s.config.workload.script = vec![
        ScriptedOp {
            client: 1,
            op: get(),
        },
        ScriptedOp {
            client: 1,
            op: get(),
        },
        ScriptedOp {
            client: 2,
            op: Op::Put {
                key: "x".into(),
                value: "2".into(),
            },
        },
    ];
    let mut w = World::new(s.config.clone(), s.seed).expect("the small start is valid");
    elect_node_1(&mut s, &mut w);
    // Client 1's first read reaches the leader, which answers it alone.
    deliver_requests(&mut s, &mut w, 1);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(s: &Scenario) -> World {
        let mut w = World::new(s.config.clone(), s.seed).unwrap();
        for a in &s.actions {
            w.apply(a).unwrap();
        }
        w
    }

    #[test]
    fn the_stale_read_start_has_node_1_leading_and_client_1_answered_alone() {
        let s = for_bug(3, 2, Some(Bug::ReadWithoutLease));
        let w = world(&s);
        assert_eq!(w.leader(), Some(1));
        assert!(w.violations().is_empty());
        let replies: Vec<_> = w
            .in_flight()
            .iter()
            .filter(|m| m.env.to == Addr::Client(1))
            .collect();
        assert_eq!(replies.len(), 1, "the first read's answer is in flight");
        assert!(w.in_flight().iter().any(|m| m.env.from == Addr::Client(2)));
    }

    #[test]
    fn the_reconfiguration_start_has_five_servers_decided_at_node_1_only() {
        let s = for_bug(3, 2, Some(Bug::ReconfigWithoutAlpha));
        let w = world(&s);
        assert_eq!(w.leader(), Some(1));
        assert!(w.violations().is_empty());
        let members = |id| w.node(id).unwrap().latest_membership().nodes.len();
        assert_eq!((members(1), members(2), members(3)), (5, 3, 3));
        assert!(w.has_node(5), "the new servers run");
        assert_eq!(
            w.proposer_phase(2),
            crate::sim::world::ProposerPhase::Preparing
        );
    }

    #[test]
    fn other_bugs_start_from_the_small_start() {
        let bug = Some(Bug::SmallQuorum);
        assert_eq!(for_bug(3, 2, bug), small_scenario(3, 2, bug));
    }
}
