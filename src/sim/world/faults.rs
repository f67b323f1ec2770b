//! Fault scheduling: the scheduler's random crashes, restarts, partitions and heals (at the
//! configured per-mille rates, drawn from the world's one generator), changing the
//! network's settings, and ending all faults for the healing phase (which arms the
//! liveness watch).
use super::World;
use crate::paxos::NodeId;
use crate::sim::action::Action;
use crate::sim::event::WorldEvent;
use crate::sim::liveness::LivenessWatch;

/// Once faults end, time advances only when no message is due: a healthy network delivers
/// what is due before time moves on, so a message takes at most `delay_ticks_max` ticks
/// whatever the load (the liveness bound relies on it).
const HEALED_TICK_PER_MILLE: u32 = 0;

/// Per mille of nodes a random partition cuts off (each node drawn on its own).
const PARTITION_SIDE_PER_MILLE: u32 = 500;

impl World {
    /// Before a scheduler step: maybe crash a running node, restart a crashed one, cut
    /// some nodes off, heal the network (each at its own rate, in that order).
    pub(super) fn random_faults(&mut self) {
        let f = self.config.faults.clone();
        if f.crash_per_mille == 0
            && f.restart_per_mille == 0
            && f.partition_per_mille == 0
            && f.heal_per_mille == 0
        {
            return;
        }
        if self.rng.chance(f.crash_per_mille) {
            if let Some(node) = self.pick_node(false) {
                self.note(&Action::Crash { node });
                self.crash(node);
            }
        }
        if self.rng.chance(f.restart_per_mille) {
            if let Some(node) = self.pick_node(true) {
                self.note(&Action::Restart { node });
                self.restart(node);
            }
        }
        if self.rng.chance(f.partition_per_mille) {
            let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
            let side: Vec<NodeId> = ids
                .into_iter()
                .filter(|_| self.rng.chance(PARTITION_SIDE_PER_MILLE))
                .collect();
            self.note(&Action::Partition {
                groups: vec![side.clone()],
            });
            self.network.partition(std::slice::from_ref(&side));
            self.observers
                .observe(WorldEvent::RandomPartition { side: &side });
        }
        if self.rng.chance(f.heal_per_mille) {
            self.note(&Action::Heal);
            self.network.heal();
            self.observers
                .observe(WorldEvent::Healed { by_hand: false });
        }
    }

    /// A random node that is crashed (`crashed`) or running (not), if there is one.
    fn pick_node(&mut self, crashed: bool) -> Option<NodeId> {
        let ids: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|(_, s)| s.node.is_none() == crashed)
            .map(|(id, _)| *id)
            .collect();
        if ids.is_empty() {
            return None;
        }
        Some(ids[self.rng.index(ids.len())])
    }

    /// A person sets the network's loss, duplication and delay.
    pub(super) fn set_network(&mut self, drop_per_mille: u32, dup_per_mille: u32, delay: u64) {
        let network = &mut self.config.network;
        network.drop_per_mille = drop_per_mille;
        network.dup_per_mille = dup_per_mille;
        network.delay_ticks_max = delay;
        self.observers.observe(WorldEvent::NetworkChanged {
            drop_per_mille,
            dup_per_mille,
            delay_ticks_max: delay,
        });
    }

    /// Stops random faults: no more crashes, partitions or losses, every crashed node
    /// restarts, and clients take no new work (only started commands must finish).
    pub(super) fn end_faults(&mut self) {
        self.config.faults = Default::default();
        self.config.network.drop_per_mille = 0;
        self.config.network.dup_per_mille = 0;
        self.config.tick_per_mille = HEALED_TICK_PER_MILLE;
        self.network.heal();
        let crashed: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|(_, s)| s.node.is_none())
            .map(|(id, _)| *id)
            .collect();
        for id in crashed {
            self.restart(id);
        }
        self.clients.stop_new_work();
        self.liveness = Some(LivenessWatch::new(self.now, self.step, &self.config));
        self.observers.observe(WorldEvent::FaultsEnded);
    }
}
