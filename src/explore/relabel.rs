//! Moving a failing run from the seed layout (acceptors 1–5, proposers 6 and 7) onto 3
//! servers, a pass of the shrinker (`shrink`): on the seed layout every phase needs 3 of 5
//! acceptors, so even the shortest run of a bug there is far longer than on 3 servers.
//!
//! The run's steps are relabelled: proposer 6 becomes server 1 and proposer 7 server 2;
//! each acceptor becomes one of the 3 servers (every map is tried, in order, until one
//! keeps the violation); a message between two nodes that become the same server is a
//! local one there, so its step goes. A reconfiguration becomes its members relabelled
//! plus one new server (4, 5, ...) for each acceptor it adds or removes
//! (`Map::configuration`: acceptor 1 replaced by 8 among 5 becomes 3 → 5 servers, whose
//! old and new quorums need not meet either), in the Reconfigure action and in every
//! message that carries it. Clients are renumbered so each first sends to the server its
//! proposer became (client `i` first sends to server `(i - 1) mod 3 + 1`), and their
//! scripts go with them. A relabelled step finds its message strictly
//! (`matching::resolve_as`): by content, or among those of its kind and ends by slot and
//! ballot round, since its content carries the old ids. The relabelled run is kept if it
//! still violates the same invariant (`shrink::test_as`); otherwise bounded searches from
//! its prefixes look for the rest of such a run ([`via_three_servers`]). Either way the
//! run found is shrunk again on 3 servers, and kept only if shorter.
use super::shrink::{actions_taken, test_as, Step};
use super::Budget;
use crate::paxos::{Addr, Membership, Message, NodeId, NodeSpec, Roles, Value};
use crate::sim::scenario::ScriptedOp;
use crate::sim::{Action, Layout, Scenario};
use std::sync::Arc;

/// The seed layout's proposers, in the order clients are first sent to them.
const PROPOSERS: [NodeId; 2] = [6, 7];

/// The seed layout's acceptors.
const ACCEPTORS: [NodeId; 5] = [1, 2, 3, 4, 5];

/// A relabelling of nodes and clients.
#[derive(Clone)]
struct Map {
    /// Seed node id (1–7) → server; nodes added later (8 and up) become 4, 5, ...
    nodes: [NodeId; 8],
    /// Seed client id → new client id (index: old id).
    clients: Vec<u32>,
    /// Each configuration the run asks for (its members on the seed layout) with the one
    /// it becomes on 3 servers ([`Map::configuration`]).
    configs: Vec<(Vec<NodeSpec>, Vec<NodeSpec>)>,
}

impl Map {
    fn node(&self, n: NodeId) -> NodeId {
        match self.nodes.get(n as usize) {
            Some(&m) if n >= 1 => m,
            _ => n - 4,
        }
    }

    fn addr(&self, a: Addr) -> Addr {
        match a {
            Addr::Node(n) => Addr::Node(self.node(n)),
            Addr::Client(c) => Addr::Client(self.clients.get(c as usize).copied().unwrap_or(c)),
        }
    }

    /// The configuration `nodes` (on the seed layout) becomes on 3 servers: its members
    /// relabelled, all servers, and one new server (4, 5, ...) for each acceptor it adds
    /// to or removes from `from`, the configuration before it. Among 5 acceptors, a new
    /// acceptor for an old one leaves old and new quorums that need not meet ({1, 2, 3}
    /// and {4, 5, 8} for 1 replaced by 8); relabelled onto 3 servers without the new
    /// servers it would be no change, or a growth by one whose quorums always meet; with
    /// them it is 3 → 5, whose quorums need not meet either ({1, 2} and {3, 4, 5}).
    fn configuration(&self, from: &[NodeSpec], nodes: &[NodeSpec]) -> Vec<NodeSpec> {
        let acceptor =
            |set: &[NodeSpec], id: NodeId| set.iter().any(|n| n.id == id && n.roles.acceptor);
        let changed = nodes
            .iter()
            .filter(|n| n.roles.acceptor && !acceptor(from, n.id))
            .chain(
                from.iter()
                    .filter(|n| n.roles.acceptor && !acceptor(nodes, n.id)),
            )
            .count() as NodeId;
        let mut out: Vec<NodeSpec> = Vec::new();
        let new = (4..4 + changed).map(|id| NodeSpec {
            id,
            roles: Roles::SERVER,
        });
        for spec in nodes
            .iter()
            .map(|n| NodeSpec {
                id: self.node(n.id),
                roles: Roles::SERVER,
            })
            .chain(new)
        {
            if !out.iter().any(|o| o.id == spec.id) {
                out.push(spec);
            }
        }
        crate::small_sort::stable_sort_by_key(&mut out, |o| o.id);
        out
    }

    /// The configuration `nodes` relabelled: as [`Map::configuration`] made it for the
    /// run's own request, else its members relabelled.
    fn relabelled(&self, nodes: &[NodeSpec]) -> Vec<NodeSpec> {
        if let Some((_, to)) = self.configs.iter().find(|(from, _)| from == nodes) {
            return to.clone();
        }
        self.configuration(nodes, nodes)
    }

    /// A value relabelled: a configuration as the run's request became.
    fn value(&self, v: &Value) -> Value {
        match v {
            Value::Reconfigure(m) => Value::Reconfigure(Arc::new(Membership {
                epoch: m.epoch,
                nodes: self.relabelled(&m.nodes),
            })),
            other => other.clone(),
        }
    }

    /// A message with the configurations it carries relabelled.
    fn message(&self, msg: &Message) -> Message {
        let mut msg = msg.clone();
        match &mut msg {
            Message::Accept { value, .. } => *value = self.value(value),
            Message::Promise { accepted, .. } => {
                for e in accepted.iter_mut() {
                    e.value = self.value(&e.value);
                }
            }
            Message::CatchUpReply { entries, .. } => {
                for (_, v) in entries.iter_mut() {
                    *v = self.value(v);
                }
            }
            _ => {}
        }
        msg
    }

    /// The step relabelled; `None` for a message that becomes local.
    fn step(&self, s: &Step) -> Option<Step> {
        Some(match s {
            Step::Message { kind, env } => {
                let mut env = env.clone();
                env.from = self.addr(env.from);
                env.to = self.addr(env.to);
                if env.from == env.to {
                    return None;
                }
                env.msg = self.message(&env.msg);
                Step::Message { kind: *kind, env }
            }
            Step::Other(a) => Step::Other(match a {
                Action::FireTimer { node, timer } => Action::FireTimer {
                    node: self.node(*node),
                    timer: *timer,
                },
                Action::Crash { node } => Action::Crash {
                    node: self.node(*node),
                },
                Action::Restart { node } => Action::Restart {
                    node: self.node(*node),
                },
                Action::Partition { groups } => {
                    let mut seen = Vec::new();
                    let mut out = Vec::new();
                    for g in groups {
                        let mut ng: Vec<NodeId> = Vec::new();
                        for n in g {
                            let m = self.node(*n);
                            if !ng.contains(&m) {
                                ng.push(m);
                            }
                        }
                        if ng.iter().any(|m| seen.contains(m)) {
                            return None;
                        }
                        seen.extend(ng.iter().copied());
                        out.push(ng);
                    }
                    Action::Partition { groups: out }
                }
                Action::AddServer { node, .. } => Action::AddServer {
                    node: self.node(*node),
                    roles: None,
                },
                Action::RemoveServer { node } => Action::RemoveServer {
                    node: self.node(*node),
                },
                Action::Reconfigure { nodes } => Action::Reconfigure {
                    nodes: self.relabelled(nodes),
                },
                other => other.clone(),
            }),
        })
    }
}

/// The clients of `base` renumbered so that each first sends to the server its proposer
/// becomes under `proposer` (seed proposer → server): client `c` first sends to
/// `PROPOSERS[(c - 1) mod 2]` on the seed layout, and client `c'` to server
/// `(c' - 1) mod 3 + 1` on 3 servers.
fn renumber_clients(clients: u32, proposer: impl Fn(NodeId) -> NodeId) -> Vec<u32> {
    let mut out = vec![0u32];
    let mut used: Vec<u32> = Vec::new();
    for c in 1..=clients {
        let target = proposer(PROPOSERS[(c as usize - 1) % PROPOSERS.len()]);
        let new = (1..)
            .find(|n: &u32| (n - 1) % 3 + 1 == target && !used.contains(n))
            .expect("an unused client id");
        used.push(new);
        out.push(new);
    }
    out
}

/// Every relabelling of the seed layout onto 3 servers: the proposers 6 and 7 become
/// servers 1 and 2, each acceptor any of the 3 servers (those with fewer acceptors on the
/// two proposers' servers first: every acceptor on server 3 leads).
fn maps(clients: u32) -> Vec<Map> {
    let mut out = Vec::new();
    for code in 0..3usize.pow(ACCEPTORS.len() as u32) {
        let mut nodes = [0; 8];
        let mut c = code;
        for a in ACCEPTORS {
            nodes[a as usize] = (c % 3) as NodeId + 1;
            c /= 3;
        }
        nodes[6] = 1;
        nodes[7] = 2;
        let on_proposers = nodes[1..=5].iter().filter(|&&s| s != 3).count();
        out.push((
            on_proposers,
            Map {
                nodes,
                clients: renumber_clients(clients, |p| if p == 6 { 1 } else { 2 }),
                configs: Vec::new(),
            },
        ));
    }
    crate::small_sort::stable_sort_by_key(&mut out, |(k, _)| *k);
    out.into_iter().map(|(_, m)| m).collect()
}

/// The run of `base` and `steps` moved from the seed layout onto 3 servers (see the
/// module comment), if some relabelling still violates `invariant`: the new start and the
/// steps taken. `None` on another layout or when none does.
pub(super) fn onto_three_servers(
    base: &Scenario,
    steps: &[Step],
    invariant: &str,
) -> Option<(Scenario, Vec<Step>)> {
    if base.config.layout != Layout::Seed {
        return None;
    }
    for map in maps(base.config.clients) {
        let (start, relabelled) = relabel(base, steps, &map);
        if let Some((s, _)) = test_as(&start, &relabelled, invariant, true) {
            return Some((start, s));
        }
        // Without its ticks: what they do in an explicit run is fire client retries, and
        // a client retrying moves on to the next proposer, in another order on 3 servers
        // (1, 2, 3) than on the seed layout (6, 7): without them each client stays with
        // the server its proposer became.
        let still: Vec<Step> = relabelled
            .iter()
            .filter(|s| !matches!(s, Step::Other(Action::Tick)))
            .cloned()
            .collect();
        if still.len() < relabelled.len() {
            if let Some((s, _)) = test_as(&start, &still, invariant, true) {
                return Some((start, s));
            }
        }
    }
    None
}

/// The start and the steps of `base` and `steps` relabelled by `map`.
fn relabel(base: &Scenario, steps: &[Step], map: &Map) -> (Scenario, Vec<Step>) {
    {
        let mut start = base.clone();
        start.config.layout = Layout::Servers { n: 3 };
        start.config.phase1_quorum = None;
        start.config.phase2_quorum = None;
        start.config.clients = map.clients.iter().copied().max().unwrap_or(1);
        start.config.workload.script = base
            .config
            .workload
            .script
            .iter()
            .map(|o| ScriptedOp {
                client: map
                    .clients
                    .get(o.client as usize)
                    .copied()
                    .unwrap_or(o.client),
                op: o.op.clone(),
            })
            .collect();
        start.actions.clear();
        let map = with_configurations(map, steps);
        let relabelled: Vec<Step> = steps.iter().filter_map(|s| map.step(s)).collect();
        (start, relabelled)
    }
}

/// `map` with the configurations the run asks for, each relabelled from the one before
/// (the seed layout's acceptors first; see [`Map::configuration`]).
fn with_configurations(map: &Map, steps: &[Step]) -> Map {
    let mut map = map.clone();
    let mut current: Vec<NodeSpec> = ACCEPTORS
        .iter()
        .map(|&id| NodeSpec {
            id,
            roles: Roles::ACCEPTOR,
        })
        .collect();
    for s in steps {
        if let Step::Other(Action::Reconfigure { nodes }) = s {
            if !map.configs.iter().any(|(from, _)| from == nodes) {
                let to = map.configuration(&current, nodes);
                map.configs.push((nodes.clone(), to));
            }
            current = nodes.clone();
        }
    }
    map
}

/// Moves a search from a prefix of the relabelled run takes at most.
const TAIL_DEPTH: usize = 10;

/// Distinct states one search from a prefix of the relabelled run keeps at most.
const STATES_PER_PREFIX: u64 = 20_000;

/// Distinct states all of them keep at most.
const STATES_IN_ALL: u64 = 400_000;

/// A shorter run than `out` (on the seed layout, `steps` its explicit steps) on 3 servers
/// violating `invariant`, if one is found: the run relabelled onto 3 servers (see
/// [`onto_three_servers`]); when that loses the violation, each prefix of the relabelled
/// run (the longest first) with its tail searched for the violation (breadth-first, at
/// most [`TAIL_DEPTH`] moves, one node timer firing, no fault and then `allowed`'s ticks,
/// [`STATES_PER_PREFIX`] states each, [`STATES_IN_ALL`] in all); the
/// run found is shrunk in turn (`shrink::shrink`), and kept if shorter than `out`.
pub(super) fn via_three_servers(
    out: &Scenario,
    steps: &[Step],
    allowed: Budget,
    invariant: &'static str,
) -> Option<Scenario> {
    if out.config.layout != Layout::Seed {
        return None;
    }
    let base = Scenario {
        actions: Vec::new(),
        ..out.clone()
    };
    let found = match onto_three_servers(&base, steps, invariant) {
        Some((start, s)) => {
            let (_, actions) = super::shrink::test(&start, &s, invariant)?;
            Some(Scenario { actions, ..start })
        }
        // A run that changes its membership is not searched: moved onto 3 servers it keeps
        // its reconfiguration (3 → 5 for a replaced acceptor), but the violation on the
        // seed layout may need a leader that is no acceptor (docs/explorer.md), and a
        // second leader is more moves away than a search here reaches.
        None if steps.iter().any(changes_membership) => None,
        None => search_tails(&base, steps, allowed, invariant, out.actions.len()),
    }?;
    let shrunk = super::shrink::shrink(&found).ok()?;
    (shrunk.invariant == invariant && shrunk.after < out.actions.len()).then_some(shrunk.scenario)
}

fn changes_membership(s: &Step) -> bool {
    matches!(
        s,
        Step::Other(
            Action::Reconfigure { .. } | Action::AddServer { .. } | Action::RemoveServer { .. }
        )
    )
}

/// The first run found from a prefix of the relabelled run (the first map only: every
/// acceptor on server 3, so the two proposers take no acceptor's messages) shorter than
/// `shorter_than` steps (the prefix and at most [`TAIL_DEPTH`] moves).
fn search_tails(
    base: &Scenario,
    steps: &[Step],
    allowed: Budget,
    invariant: &'static str,
    shorter_than: usize,
) -> Option<Scenario> {
    let map = maps(base.config.clients).into_iter().next()?;
    let (start, relabelled) = relabel(base, steps, &map);
    let actions = actions_taken(&start, &relabelled)?;
    let mut spent = 0u64;
    let one_timer = Budget {
        fires: 1,
        ..Budget::default()
    };
    let budgets = [
        one_timer,
        Budget {
            ticks: allowed.ticks,
            ..one_timer
        },
    ];
    for k in (0..=actions.len()).rev() {
        // Only runs shorter than the one there is: a short run searches little (a run
        // already as short as a search's depth, none from its longer prefixes).
        let depth = TAIL_DEPTH.min(shorter_than.saturating_sub(k + 1));
        if depth == 0 {
            continue;
        }
        for faults in budgets {
            if spent >= STATES_IN_ALL {
                return None;
            }
            let from = Scenario {
                actions: actions[..k].to_vec(),
                ..start.clone()
            };
            let cap = STATES_PER_PREFIX.min(STATES_IN_ALL - spent);
            let (found, kept, _) = super::shorten::search(&from, depth, faults, cap, invariant);
            spent += kept;
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seed-layout configuration: these acceptors and the proposers 6 and 7.
    fn acceptors(ids: &[NodeId]) -> Vec<NodeSpec> {
        let proposer = Roles {
            proposer: true,
            acceptor: false,
            replica: true,
        };
        ids.iter()
            .map(|&id| NodeSpec {
                id,
                roles: Roles::ACCEPTOR,
            })
            .chain(PROPOSERS.map(|id| NodeSpec {
                id,
                roles: proposer,
            }))
            .collect()
    }

    fn ids(nodes: &[NodeSpec]) -> Vec<NodeId> {
        nodes.iter().map(|n| n.id).collect()
    }

    #[test]
    fn a_replaced_acceptor_becomes_a_growth_from_3_to_5_servers() {
        let map = maps(2).into_iter().next().expect("a map");
        let seed = acceptors(&ACCEPTORS);
        // Acceptor 1 replaced by 8: two acceptors change, so two new servers.
        let replaced = acceptors(&[2, 3, 4, 5, 8]);
        assert_eq!(ids(&map.configuration(&seed, &replaced)), [1, 2, 3, 4, 5]);
        // One more acceptor: one new server, the one 8 becomes.
        let grown = acceptors(&[1, 2, 3, 4, 5, 8]);
        assert_eq!(ids(&map.configuration(&seed, &grown)), [1, 2, 3, 4]);
        assert!(map
            .configuration(&seed, &replaced)
            .iter()
            .all(|n| n.roles == Roles::SERVER));
    }

    #[test]
    fn a_message_carries_the_configuration_the_request_became() {
        let map = maps(2).into_iter().next().expect("a map");
        let replaced = acceptors(&[2, 3, 4, 5, 8]);
        let step = Step::Other(Action::Reconfigure {
            nodes: replaced.clone(),
        });
        let map = with_configurations(&map, &[step]);
        let accept = Message::Accept {
            ballot: crate::paxos::Ballot {
                round: 1,
                proposer: 7,
            },
            slot: 3,
            value: Value::Reconfigure(Arc::new(Membership {
                epoch: 1,
                nodes: replaced,
            })),
            commit_index: 0,
            safe_point: 0,
        };
        let Message::Accept {
            value: Value::Reconfigure(m),
            ..
        } = map.message(&accept)
        else {
            panic!("an Accept of a configuration");
        };
        assert_eq!((m.epoch, ids(&m.nodes)), (1, vec![1, 2, 3, 4, 5]));
    }
}
