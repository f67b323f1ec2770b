//! Rule 12, reconfiguration: who belongs to the cluster for a slot, and which sets of its
//! acceptors are quorums. A `reconfigure` command decided in slot i takes effect for slots
//! ≥ i + α (α = the pipeline window, [`Config::window`]), so a leader knows the
//! configuration of every slot it may propose in (it proposes only below its applied
//! index plus α), and no slot is decided by quorums of two configurations that need not
//! intersect. [`ConfigHistory`] is each replica's record of the configurations in effect from which
//! slot on; [`Membership`] answers "is this set a phase-1 / phase-2 quorum".
use super::config::{check_node_specs, Config, NodeSpec, Roles};
use super::quorum::{Phase, QuorumCount, Quorums};
use super::{NodeId, Slot};
use crate::json::ToJson;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One configuration of the cluster (rule 12): its members with their roles, numbered by
/// `epoch` (the initial configuration is epoch 0; each reconfiguration adds one, and one
/// built from an older epoch than the replica's latest is stale and ignored).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Membership {
    /// The configuration's number: one more than the configuration it replaces.
    pub epoch: u64,
    /// The members and their roles.
    pub nodes: Vec<NodeSpec>,
}

impl Membership {
    /// The initial configuration of `config` (epoch 0).
    pub fn initial(config: &Config) -> Membership {
        Membership {
            epoch: 0,
            nodes: config.nodes.clone(),
        }
    }

    /// The roles of `id` in this configuration (none if it is not a member).
    pub fn roles(&self, id: NodeId) -> Roles {
        self.nodes
            .iter()
            .find(|n| n.id == id)
            .map_or(Roles::NONE, |n| n.roles)
    }

    /// Whether `id` is a member.
    pub fn contains(&self, id: NodeId) -> bool {
        self.nodes.iter().any(|n| n.id == id)
    }

    /// Whether `id` is an acceptor here: only its votes count toward this configuration's
    /// quorums.
    pub fn is_acceptor(&self, id: NodeId) -> bool {
        self.roles(id).acceptor
    }

    /// Whether `id` may run for leader in this configuration.
    pub fn is_proposer(&self, id: NodeId) -> bool {
        self.roles(id).proposer
    }

    /// The acceptors' ids.
    pub fn acceptors(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.iter().filter(|n| n.roles.acceptor).map(|n| n.id)
    }

    /// How many acceptors it has.
    pub fn acceptor_count(&self) -> usize {
        self.nodes.iter().filter(|n| n.roles.acceptor).count()
    }

    /// The proposers' ids.
    pub fn proposers(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.iter().filter(|n| n.roles.proposer).map(|n| n.id)
    }

    /// The replicas' ids.
    pub fn replicas(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.iter().filter(|n| n.roles.replica).map(|n| n.id)
    }

    /// Rules 4, 6 and 12: the quorum sizes of this configuration: those `config` asks for
    /// (majorities by default, flexible sizes if set, bent by the quorum bugs), for as
    /// many acceptors as it has (see [`Config::quorums_for`]).
    pub fn quorums(&self, config: &Config) -> Quorums {
        config.quorums_for(self.acceptor_count())
    }

    /// Rules 4 and 12: how many of this configuration's acceptors must promise.
    pub fn phase1_quorum(&self, config: &Config) -> usize {
        self.quorums(config).phase1
    }

    /// Rules 6 and 12: how many of this configuration's acceptors must accept.
    pub fn phase2_quorum(&self, config: &Config) -> usize {
        self.quorums(config).phase2
    }

    /// How many of `ids` are acceptors of this configuration.
    fn members_among<'a>(&self, ids: impl IntoIterator<Item = &'a NodeId>) -> usize {
        ids.into_iter().filter(|id| self.is_acceptor(**id)).count()
    }

    /// Rules 4 and 12: whether the acceptors `ids` (others are not counted) make a phase-1
    /// quorum of this configuration.
    pub fn is_phase1_quorum<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a NodeId>,
        config: &Config,
    ) -> bool {
        self.quorums(config).is_phase1(self.members_among(ids))
    }

    /// Rules 6 and 12: whether the acceptors `ids` (others are not counted) make a phase-2
    /// quorum of this configuration.
    pub fn is_phase2_quorum<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a NodeId>,
        config: &Config,
    ) -> bool {
        self.quorums(config).is_phase2(self.members_among(ids))
    }

    /// `ids`' answers in `phase`, measured against this configuration's quorums (narration).
    pub fn count<'a>(
        &self,
        phase: Phase,
        ids: impl IntoIterator<Item = &'a NodeId>,
        config: &Config,
    ) -> QuorumCount {
        self.quorums(config).count(phase, self.members_among(ids))
    }

    /// Rule 12, bad input: the configuration `nodes` would replace this one; the error
    /// says why it cannot (fewer than 3 acceptors, no proposer, a proposer that is not a
    /// replica, repeated or out-of-range ids, no change).
    pub fn check_successor(&self, nodes: &[NodeSpec]) -> Result<(), String> {
        check_node_specs(nodes)?;
        if let Some(n) = nodes.iter().find(|n| n.id > 16) {
            return Err(format!("node ids are 1 to 16, not {}", n.id));
        }
        let acceptors = nodes.iter().filter(|n| n.roles.acceptor).count();
        if acceptors < 3 {
            return Err(format!(
                "a configuration needs at least 3 acceptors, this one would have {acceptors}"
            ));
        }
        if !nodes.iter().any(|n| n.roles.proposer) {
            return Err("a configuration needs at least one proposer".into());
        }
        let mut sorted = nodes.to_vec();
        crate::small_sort::stable_sort_by_key(&mut sorted, |n| n.id);
        if sorted == self.nodes {
            return Err("the new configuration is the current one".into());
        }
        Ok(())
    }
}

/// A configuration and the first slot it governs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConfigChange {
    /// The first slot decided by this configuration's quorums.
    pub from_slot: Slot,
    /// The configuration.
    pub members: Arc<Membership>,
}

/// Rule 12 at a replica: the configurations decided in its log, each with the first slot it
/// governs (a `reconfigure` decided in slot i governs slots ≥ i + α). Slots before the
/// first change are governed by the initial configuration, which the node knows from its
/// [`Config`]. Kept in snapshots, so a replica that installs one knows the configurations
/// of the slots it did not apply itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize)]
#[serde(transparent)]
pub struct ConfigHistory {
    changes: Vec<ConfigChange>,
}

#[cfg(test)]
ts_as!(impl<> ConfigHistory => Vec<ConfigChange>);

impl ConfigHistory {
    /// The changes, in slot order.
    pub fn changes(&self) -> &[ConfigChange] {
        &self.changes
    }

    /// The latest epoch decided (0 before any reconfiguration).
    pub fn latest_epoch(&self) -> u64 {
        self.changes.last().map_or(0, |c| c.members.epoch)
    }

    /// Rule 12: the configuration decided in slot `slot` takes effect at `slot + delay`
    /// (delay = α; 1 with the `reconfig-without-alpha` bug) if it follows the latest one;
    /// a stale one (built from an older epoch) is ignored. Returns whether it was recorded.
    pub fn record(&mut self, slot: Slot, members: &Arc<Membership>, delay: u64) -> bool {
        if members.epoch != self.latest_epoch() + 1 {
            return false;
        }
        let from_slot = slot + delay.max(1);
        debug_assert!(
            self.changes.last().is_none_or(|c| c.from_slot <= from_slot),
            "rule 12: configurations out of slot order"
        );
        self.changes.push(ConfigChange {
            from_slot,
            members: members.clone(),
        });
        true
    }

    /// The configuration governing `slot`, or `None` for the initial one.
    pub fn at(&self, slot: Slot) -> Option<&Arc<Membership>> {
        self.changes
            .iter()
            .rev()
            .find(|c| c.from_slot <= slot)
            .map(|c| &c.members)
    }

    /// The latest configuration decided, or `None` for the initial one.
    pub fn latest(&self) -> Option<&Arc<Membership>> {
        self.changes.last().map(|c| &c.members)
    }

    /// The first slot governed by a configuration after the one of `slot`, if one is decided.
    pub fn next_change_after(&self, slot: Slot) -> Option<Slot> {
        self.changes
            .iter()
            .map(|c| c.from_slot)
            .find(|from| *from > slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn servers(ids: &[NodeId], epoch: u64) -> Arc<Membership> {
        Arc::new(Membership {
            epoch,
            nodes: ids
                .iter()
                .map(|&id| NodeSpec {
                    id,
                    roles: Roles::SERVER,
                })
                .collect(),
        })
    }

    #[test]
    fn a_quorum_counts_only_the_configurations_acceptors() {
        let config = Config::servers(3);
        let five = servers(&[1, 2, 3, 4, 5], 1);
        assert!(!five.is_phase2_quorum(&[1, 2], &config));
        assert!(five.is_phase2_quorum(&[1, 2, 4], &config));
        // 9 is not a member: its vote does not count.
        assert!(!five.is_phase1_quorum(&[1, 2, 9], &config));
        assert_eq!(
            five.count(Phase::Two, &[1, 9], &config).to_string(),
            "1 of 5; a majority is 3"
        );
    }

    #[test]
    fn a_reconfiguration_takes_effect_alpha_slots_later_and_stale_ones_are_ignored() {
        let mut h = ConfigHistory::default();
        assert!(h.record(10, &servers(&[1, 2, 3, 4], 1), 8));
        assert_eq!(
            h.at(17),
            None,
            "slot 17 is still the initial configuration's"
        );
        assert_eq!(h.at(18).unwrap().epoch, 1);
        assert_eq!(h.next_change_after(5), Some(18));
        assert!(!h.record(12, &servers(&[1, 2, 3], 1), 8), "stale epoch");
        assert!(h.record(20, &servers(&[1, 2, 4], 2), 8));
        assert_eq!(h.at(27).unwrap().epoch, 1);
        assert_eq!(h.latest().unwrap().epoch, 2);
    }

    #[test]
    fn a_successor_must_keep_three_acceptors_and_a_proposer() {
        let three = servers(&[1, 2, 3], 0);
        let two = servers(&[1, 2], 1);
        assert!(three
            .check_successor(&two.nodes)
            .unwrap_err()
            .contains("at least 3 acceptors"));
        let mut no_proposer = servers(&[1, 2, 3, 4], 1).nodes.clone();
        for n in &mut no_proposer {
            n.roles = Roles::ACCEPTOR;
        }
        assert!(three
            .check_successor(&no_proposer)
            .unwrap_err()
            .contains("proposer"));
        assert!(three.check_successor(&three.nodes).is_err());
        assert!(three
            .check_successor(&servers(&[1, 2, 3, 4], 1).nodes)
            .is_ok());
    }
}
