//! Rule 12 (leases): each node's simulated clock. A node's clock runs at a constant rate
//! of its own, 1000 ± d per mille of the world's time with d drawn (seeded) within the
//! configured drift bound, from an offset of its own. Its timers run on it; the lease
//! reads it. With no drift every clock is the world's time and nothing changes.
use crate::json::ToJson;
use crate::paxos::NodeId;
use crate::sim::rng::SimRng;
use crate::vec_map::VecMap;
use serde::Serialize;

/// One node's clock: local ticks = offset + ⌊now × rate / 1000⌋.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NodeClock {
    /// Its rate in per mille of the world's time (1000 = exact).
    pub rate_per_mille: u32,
    /// Its reading at the world's tick 0.
    pub offset: u64,
}

impl NodeClock {
    /// A clock that shows the world's time.
    pub const EXACT: NodeClock = NodeClock {
        rate_per_mille: 1000,
        offset: 0,
    };

    /// Its reading at the world's tick `now`.
    pub fn read(&self, now: u64) -> u64 {
        self.offset + now * self.rate_per_mille as u64 / 1000
    }

    /// World ticks from `now` until this clock has advanced by `ticks` of its own.
    pub fn world_ticks(&self, now: u64, ticks: u64) -> u64 {
        // Without drift (the default), the same ticks, without dividing.
        if *self == NodeClock::EXACT {
            return ticks;
        }
        self.first_at_or_after(now, self.read(now) + ticks) - now
    }

    /// The first world tick from `now` on at which this clock reads at least `local`.
    pub fn first_at_or_after(&self, now: u64, local: u64) -> u64 {
        let rate = self.rate_per_mille as u64;
        let wanted = local.saturating_sub(self.offset);
        // Smallest t with ⌊t·rate/1000⌋ ≥ wanted: t = ⌈wanted·1000 / rate⌉.
        let t = (wanted * 1000).div_ceil(rate);
        debug_assert!(self.read(t) >= local || local < self.offset);
        t.max(now)
    }
}

/// Every node's clock for a world of `seed` whose drift bound is `drift_per_mille`: each
/// rate drawn in 1000 ± drift, each offset in 0..100, from a stream of its own so the
/// world's other draws do not move.
pub fn draw(seed: u64, nodes: &[NodeId], drift_per_mille: u32) -> VecMap<NodeId, NodeClock> {
    let mut r = SimRng::new(seed ^ 0xc10c_d21f_7000_0001);
    nodes
        .iter()
        .map(|&id| {
            let clock = if drift_per_mille == 0 {
                NodeClock::EXACT
            } else {
                let d = drift_per_mille as u64;
                NodeClock {
                    rate_per_mille: (1000 - d + r.between(0, 2 * d)) as u32,
                    offset: r.below(100),
                }
            };
            (id, clock)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_reads_its_rate_and_converts_its_ticks_to_the_worlds() {
        let slow = NodeClock {
            rate_per_mille: 900,
            offset: 7,
        };
        assert_eq!(slow.read(0), 7);
        assert_eq!(slow.read(10), 16);
        // 9 of its ticks take 10 world ticks; it reads 16 at world tick 10.
        assert_eq!(slow.world_ticks(0, 9), 10);
        assert_eq!(slow.first_at_or_after(0, 16), 10);
        assert_eq!(NodeClock::EXACT.world_ticks(5, 3), 3);
        let fast = NodeClock {
            rate_per_mille: 1100,
            offset: 0,
        };
        assert_eq!(fast.world_ticks(0, 11), 10);
    }

    #[test]
    fn drawn_rates_stay_within_the_bound_and_no_drift_is_exact() {
        let ids: Vec<NodeId> = (1..=9).collect();
        for seed in 0..50 {
            for (_, c) in &draw(seed, &ids, 50) {
                assert!((950..=1050).contains(&c.rate_per_mille), "{c:?}");
            }
        }
        assert!(draw(3, &ids, 0).values().all(|c| *c == NodeClock::EXACT));
    }
}
