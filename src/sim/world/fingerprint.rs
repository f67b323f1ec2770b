//! The world's canonical fingerprint for the exhaustive explorer (`crate::explore`): two
//! worlds with equal fingerprints behave alike under every action the explorer takes and
//! look alike to every invariant. Message ids and absolute times are left out (the
//! in-flight messages count as a multiset, timers as the set of those pending), so runs that
//! reach one state by different paths merge; node state, disks, clients, their history and
//! the checker's memory of the run are all in.
use super::World;
use fnv::FnvHasher;
use std::hash::{Hash, Hasher};

/// The FNV hash of one value.
fn hash_one<T: Hash>(x: &T) -> u64 {
    let mut h = FnvHasher::default();
    x.hash(&mut h);
    h.finish()
}

impl World {
    /// The canonical fingerprint of this state (see the module comment for what is in it).
    pub fn fingerprint(&self) -> u64 {
        let mut h = FnvHasher::default();
        for (id, slot) in &self.nodes {
            id.hash(&mut h);
            slot.disk.hash(&mut h);
            match &slot.node {
                None => 0u8.hash(&mut h),
                Some(n) => {
                    1u8.hash(&mut h);
                    n.fingerprint(&mut h);
                }
            }
        }
        let mut messages: Vec<u64> = self
            .network
            .messages
            .iter()
            .map(|m| hash_one(&m.env))
            .collect();
        messages.sort_unstable();
        messages.hash(&mut h);
        self.network.groups.hash(&mut h);
        for key in self.timers.keys() {
            key.hash(&mut h);
        }
        self.clients.fingerprint(&mut h);
        self.observers.checker.fingerprint(&mut h);
        h.finish()
    }

    /// The pending node timers, as (node, kind), in order.
    pub fn pending_timers(&self) -> impl Iterator<Item = (crate::paxos::NodeId, crate::paxos::TimerKind)> + '_ {
        self.timers.keys().copied()
    }
}
