//! Checks an action against the world before it is applied: an action that fails changes
//! nothing and does not count as a step. The messages are what the page shows.
use super::World;
use crate::kv::{ClientId, Op};
use crate::paxos::quorum::Quorums;
use crate::paxos::{Bug, NodeId, NodeSpec, TimerKind};
use crate::sim::action::Action;

/// Longest key a person may type.
const MAX_KEY_LEN: usize = 64;

/// Longest message delay a person may set, in ticks.
const MAX_DELAY_TICKS: u64 = 20;

impl World {
    /// Whether `action` can be applied now, or why not, without applying it (the
    /// explorer asks this of the reconfigurations it might take).
    pub fn check(&self, action: &Action) -> Result<(), String> {
        self.validate(action)
    }

    /// Whether `action` can be applied now, or why not.
    pub(super) fn validate(&self, action: &Action) -> Result<(), String> {
        match action {
            Action::Auto { n } if *n == 0 => Err("auto needs n >= 1".into()),
            Action::Deliver { id } | Action::Drop { id } | Action::Duplicate { id } => {
                match self.network.get(*id) {
                    Some(_) => Ok(()),
                    None => Err(format!("message {id} is not in flight")),
                }
            }
            Action::FireTimer { node, timer } => self.check_timer(*node, *timer),
            Action::Crash { node } => self.check_crashed(*node, false),
            Action::Restart { node } => self.check_crashed(*node, true),
            Action::Partition { groups } => self.check_partition(groups),
            Action::Submit { client, op } => self.check_submit(*client, op),
            Action::AddServer { .. } | Action::RemoveServer { .. } | Action::Reconfigure { .. } => {
                let change = super::reconfig::Change::of(action).expect("a reconfiguration");
                let (_, nodes) = self.successor(change)?;
                self.check_sizes_fit(&nodes)
            }
            Action::SetNetwork {
                drop_per_mille,
                dup_per_mille,
                delay_ticks_max,
            } => {
                if *drop_per_mille > 1000
                    || *dup_per_mille > 1000
                    || *delay_ticks_max > MAX_DELAY_TICKS
                {
                    Err("drop and duplicate are 0–1000 per mille, delay 0–20 ticks".into())
                } else {
                    Ok(())
                }
            }
            Action::SetBug { bug, enabled } => {
                // Rule 12: switching the bug off must not leave quorums that need not meet.
                let mut protocol = (*self.protocol).clone();
                protocol.bugs.set(*bug, *enabled);
                protocol.asked_quorums().map(|_| ())
            }
            _ => Ok(()),
        }
    }

    /// Rule 12: configured quorum sizes hold in every configuration, so a new one must
    /// have room for them and keep |Q1| + |Q2| above its number of acceptors (unless the
    /// `non-intersecting-quorums` bug is on).
    fn check_sizes_fit(&self, nodes: &[NodeSpec]) -> Result<(), String> {
        let p = &self.protocol;
        if p.phase1_quorum.is_none() && p.phase2_quorum.is_none() {
            return Ok(());
        }
        let acceptors = nodes.iter().filter(|n| n.roles.acceptor).count();
        let allow_disjoint = p.bug(Bug::NonIntersectingQuorums);
        Quorums::sized(acceptors, p.phase1_quorum, p.phase2_quorum, allow_disjoint)
            .map(|_| ())
            .map_err(|e| {
                format!("cannot change the configuration: with {acceptors} acceptors, {e}")
            })
    }

    fn check_known(&self, node: NodeId) -> Result<(), String> {
        if self.nodes.contains_key(&node) {
            Ok(())
        } else {
            Err(format!("there is no node {node}"))
        }
    }

    /// A timer fires by hand only on a running proposer.
    fn check_timer(&self, node: NodeId, timer: TimerKind) -> Result<(), String> {
        self.check_known(node)?;
        if self.is_crashed(node) {
            Err(format!("node {node} is crashed"))
        } else if !self.roles(node).proposer {
            Err(format!(
                "node {node} is not a proposer and has no {timer:?} timer"
            ))
        } else {
            Ok(())
        }
    }

    /// A running node can crash; a crashed one can restart (`crashed` is what is needed).
    fn check_crashed(&self, node: NodeId, crashed: bool) -> Result<(), String> {
        self.check_known(node)?;
        match (self.is_crashed(node), crashed) {
            (true, false) => Err(format!("node {node} is already crashed")),
            (false, true) => Err(format!("node {node} is running")),
            _ => Ok(()),
        }
    }

    /// Partition groups name known nodes, each at most once.
    fn check_partition(&self, groups: &[Vec<NodeId>]) -> Result<(), String> {
        let mut seen = Vec::new();
        for n in groups.iter().flatten() {
            self.check_known(*n)?;
            if seen.contains(n) {
                return Err(format!("node {n} is in two partition groups"));
            }
            seen.push(*n);
        }
        Ok(())
    }

    fn check_submit(&self, client: ClientId, op: &Op) -> Result<(), String> {
        if self.clients.index(client).is_none() {
            return Err(format!("there is no client {client}"));
        }
        if op.key().is_empty() || op.key().len() > MAX_KEY_LEN {
            return Err(format!("a key has 1 to {MAX_KEY_LEN} characters"));
        }
        Ok(())
    }
}
