//! Reconfigurations in the fuzzer's swarm (rule 12): each seed draws, from a generator of
//! its own (so the world's generator and the seed's configuration are untouched), how often
//! the operator asks for a new configuration, and each time which: add a node, remove
//! one, replace one by a new one, or add two at once — with any roles. The world refuses
//! what cannot be asked for then (no leader, a change still under way, too few acceptors),
//! and the fuzzer simply goes on.
use super::action::Action;
use super::rng::SimRng;
use super::world::World;
use crate::paxos::{NodeId, NodeSpec, Roles};

/// The highest node id the fuzzer adds (the swarm's clusters stay at most 9 strong).
const MAX_FUZZ_NODE: NodeId = 9;

/// The operator of one fuzz seed.
#[derive(Clone, Debug)]
pub struct Operator {
    rng: SimRng,
    /// Per mille of fault steps at which it asks for a reconfiguration (0 for a third of
    /// the seeds, so the swarm keeps runs without any).
    per_mille: u32,
}

impl Operator {
    /// The operator of seed `seed`.
    pub fn new(seed: u64) -> Operator {
        let mut rng = SimRng::new(seed ^ 0x0e12_c0f1_6a1f_a000);
        let per_mille = match rng.below(3) {
            0 => 0,
            _ => rng.between(2, 12) as u32,
        };
        Operator { rng, per_mille }
    }

    /// Maybe a reconfiguration to ask for now, built from the latest configuration the
    /// world knows.
    pub fn next(&mut self, world: &World) -> Option<Action> {
        if self.per_mille == 0 || !self.rng.chance(self.per_mille) {
            return None;
        }
        let current = world.latest_membership();
        let members: Vec<NodeId> = current.nodes.iter().map(|n| n.id).collect();
        let fresh: Vec<NodeId> = (1..=MAX_FUZZ_NODE)
            .filter(|id| !members.contains(id))
            .collect();
        let pick_roles = |rng: &mut SimRng| match rng.below(6) {
            0 => Roles::ACCEPTOR,
            1 => Roles::PROPOSER_REPLICA,
            _ => Roles::SERVER,
        };
        // A node keeps its roles for life: one that existed comes back with them.
        let spec = |rng: &mut SimRng, id: NodeId| NodeSpec {
            id,
            roles: if world.has_node(id) {
                world.roles(id)
            } else {
                pick_roles(rng)
            },
        };
        let mut nodes = current.nodes.clone();
        match self.rng.below(4) {
            0 if !fresh.is_empty() => {
                let id = fresh[self.rng.index(fresh.len())];
                let s = spec(&mut self.rng, id);
                return Some(Action::AddServer {
                    node: id,
                    roles: (s.roles != Roles::SERVER).then_some(s.roles),
                });
            }
            1 => {
                let id = members[self.rng.index(members.len())];
                return Some(Action::RemoveServer { node: id });
            }
            2 if !fresh.is_empty() => {
                nodes.remove(self.rng.index(nodes.len()));
                let id = fresh[self.rng.index(fresh.len())];
                nodes.push(spec(&mut self.rng, id));
            }
            _ if fresh.len() >= 2 => {
                let a = fresh[self.rng.index(fresh.len())];
                let rest: Vec<NodeId> = fresh.iter().copied().filter(|id| *id != a).collect();
                let b = rest[self.rng.index(rest.len())];
                nodes.push(spec(&mut self.rng, a));
                nodes.push(spec(&mut self.rng, b));
            }
            _ => return None,
        }
        crate::small_sort::stable_sort_by_key(&mut nodes, |n| n.id);
        Some(Action::Reconfigure { nodes })
    }
}
