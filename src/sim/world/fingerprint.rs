//! The world's canonical fingerprint for the exhaustive explorer (`crate::explore`): two
//! worlds with equal fingerprints behave alike under every action the explorer takes and
//! look alike to every invariant. Message ids and absolute times are left out (the
//! in-flight messages count as a multiset, timers as the set of those pending), so runs that
//! reach one state by different paths merge; node state, disks, clients, their history and
//! the checker's memory of the run are all in (and the random generator while a client
//! still has random commands to draw).
use super::World;
use std::hash::{Hash, Hasher};

/// A fast non-cryptographic hasher that takes eight bytes at a time (the multiply-rotate
/// scheme of rustc's FxHasher): hashing the state is a quarter of the explorer's work, and
/// FNV, one byte at a time, was most of that.
#[derive(Default)]
pub struct StateHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl StateHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for StateHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        // A final mix so that close inputs spread over the whole word.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
}

/// The hash of one value.
fn hash_one<T: Hash>(x: &T) -> u64 {
    let mut h = StateHasher::default();
    x.hash(&mut h);
    h.finish()
}

impl World {
    /// The canonical fingerprint of this state (see the module comment for what is in it).
    pub fn fingerprint(&self) -> u64 {
        let mut h = StateHasher::default();
        for (id, slot) in &self.nodes {
            id.hash(&mut h);
            slot.roles.hash(&mut h);
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
            .messages()
            .iter()
            .map(|m| hash_one(&m.env))
            .collect();
        crate::small_sort::sort(&mut messages);
        messages.hash(&mut h);
        self.network.groups.hash(&mut h);
        for key in self.timers.keys() {
            key.hash(&mut h);
        }
        self.clients.fingerprint(&mut h);
        // Clients with random commands left draw them from the generator: then its state
        // decides the future too (two draws from a copy stand for it).
        if self.clients.clients().iter().any(|c| c.random_left > 0) {
            let mut rng = self.rng.clone();
            (rng.below(u64::MAX), rng.below(u64::MAX)).hash(&mut h);
        }
        self.observers.checker.fingerprint(&mut h);
        h.finish()
    }

    /// The pending node timers, as (node, kind), in order.
    pub fn pending_timers(
        &self,
    ) -> impl Iterator<Item = (crate::paxos::NodeId, crate::paxos::TimerKind)> + '_ {
        self.timers.keys().copied()
    }
}
