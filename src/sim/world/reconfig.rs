//! Reconfiguration in the world (rule 12): the operator's add-server and remove-server
//! requests, checked against the leader's latest configuration and handed to the leader,
//! which proposes the new configuration through the log; a node added for the first time
//! starts empty and catches up.
use super::{NodeSlot, World};
use crate::paxos::durable::DurableState;
use crate::paxos::{ConfigChange, Input, Membership, Node, NodeId, NodeSpec, Roles};
use crate::sim::action::Action;
use crate::sim::event::WorldEvent;
use std::rc::Rc;
use std::sync::Arc;

/// The highest node id a reconfiguration may use (the page draws at most 16 nodes).
pub const MAX_NODE_ID: NodeId = 16;

impl World {
    /// Rule 12: the latest configuration any running replica knows decided (the initial one
    /// before any reconfiguration).
    pub fn latest_membership(&self) -> Arc<Membership> {
        self.nodes
            .values()
            .filter_map(|s| s.node.as_ref())
            .filter(|n| n.replica().is_some())
            .map(|n| n.latest_membership().clone())
            .max_by_key(|m| m.epoch)
            .unwrap_or_else(|| Arc::new(Membership::initial(&self.protocol)))
    }

    /// Rule 12: the configurations decided so far, with the first slot each governs, as the
    /// replica that knows the latest one has them (empty before any reconfiguration).
    pub fn config_history(&self) -> Vec<ConfigChange> {
        self.nodes
            .values()
            .filter_map(|s| s.node.as_ref()?.replica())
            .max_by_key(|r| r.configs.latest_epoch())
            .map_or_else(Vec::new, |r| r.configs.changes().to_vec())
    }

    /// The proposers clients turn to: those of the latest configuration.
    pub(super) fn client_targets(&self) -> Vec<NodeId> {
        self.latest_membership().proposers().collect()
    }

    /// The configuration `change` asks for, from the leader's latest one, with the leader
    /// to hand it to, or why it cannot be asked for now (bad input, rule 12).
    pub(super) fn successor(&self, change: Change<'_>) -> Result<(NodeId, Vec<NodeSpec>), String> {
        let leader = self
            .leader()
            .ok_or("no node leads now: a reconfiguration goes through the leader's log")?;
        let l = self.node(leader).expect("the leader runs");
        if l.reconfiguration_pending() {
            return Err(format!(
                "a reconfiguration is still under way at n{leader}: wait until it takes effect"
            ));
        }
        let current = l.latest_membership();
        let mut nodes = current.nodes.clone();
        match change {
            Change::Add(node, roles) => {
                if current.contains(node) {
                    return Err(format!("node {node} is already a member"));
                }
                nodes.push(NodeSpec { id: node, roles });
            }
            Change::Remove(node) => {
                if !current.contains(node) {
                    return Err(format!("node {node} is not a member"));
                }
                nodes.retain(|n| n.id != node);
            }
            Change::To(target) => nodes = target.to_vec(),
        }
        crate::small_sort::stable_sort_by_key(&mut nodes, |n| n.id);
        for n in &nodes {
            if n.id == 0 || n.id > MAX_NODE_ID {
                return Err(format!("node ids are 1 to {MAX_NODE_ID}, not {}", n.id));
            }
            if let Some(slot) = self.nodes.get(&n.id) {
                if slot.roles != n.roles {
                    return Err(format!(
                        "node {} exists with other roles; a node keeps its roles for life",
                        n.id
                    ));
                }
            }
        }
        current
            .check_successor(&nodes)
            .map_err(|e| format!("cannot change the configuration: {e}"))?;
        Ok((leader, nodes))
    }

    /// Rule 12: carries out a checked change: creates and starts each new node, then hands
    /// the new configuration to the leader.
    pub(super) fn reconfigure(&mut self, change: Change<'_>) {
        let Ok((leader, nodes)) = self.successor(change) else {
            debug_assert!(false, "validated before");
            return;
        };
        for n in &nodes {
            if self.nodes.contains_key(&n.id) {
                continue;
            }
            let disk = DurableState::default();
            let running = Node::joining(n.id, n.roles, self.protocol.clone(), disk.clone());
            let slot = NodeSlot {
                node: Some(running),
                disk,
                roles: n.roles,
            };
            self.nodes.insert(n.id, Rc::new(slot));
            self.observers.observe(WorldEvent::NodeAdded { node: n.id });
            self.start_node(n.id);
        }
        let epoch = self
            .node(leader)
            .map_or(0, |l| l.latest_membership().epoch + 1);
        let ids: Vec<NodeId> = nodes.iter().map(|n| n.id).collect();
        self.observers
            .observe(WorldEvent::ReconfigurationRequested {
                leader,
                epoch,
                members: &ids,
            });
        self.run_node(leader, Input::Reconfigure(nodes));
    }
}

/// A change of configuration the operator asks for (rule 12).
#[derive(Clone, Copy, Debug)]
pub(super) enum Change<'a> {
    /// Add a node with these roles.
    Add(NodeId, Roles),
    /// Remove a node.
    Remove(NodeId),
    /// Replace the configuration with these members.
    To(&'a [NodeSpec]),
}

impl<'a> Change<'a> {
    /// The change an action asks for, if it is a reconfiguration.
    pub(super) fn of(action: &'a Action) -> Option<Change<'a>> {
        match action {
            Action::AddServer { node, roles } => {
                Some(Change::Add(*node, roles.unwrap_or(Roles::SERVER)))
            }
            Action::RemoveServer { node } => Some(Change::Remove(*node)),
            Action::Reconfigure { nodes } => Some(Change::To(nodes)),
            _ => None,
        }
    }
}
