//! Lamport's happens-before relation over the space-time record: event `a` happened before
//! `b` when `a` comes earlier on the same lane, or `a` is the send of a message whose
//! receive is `b`, or through a chain of both. A duplicate's receive is caused by the
//! original's send. Events a lane never saw (drops, partitions) order nothing.
use super::{LaneEvent, LaneEventKind, MessageTrace, SpaceTime};
use crate::json::ToJson;
use crate::paxos::Addr;
use crate::vec_map::VecMap;
use serde::Serialize;

/// How many message hops the narrated chain follows back at most.
pub const CHAIN_HOPS: usize = 64;

/// The newest event of a lane that happened before (or is) the selected event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LaneFrontier {
    /// The lane.
    pub lane: Addr,
    /// Every event of the lane up to this index is in the past.
    pub upto: u32,
}

/// One link of the chain that leads to an event: the event, and for a send or receive its
/// message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ChainLink<'a> {
    /// The event.
    pub event: &'a LaneEvent,
    /// Its message, for a send or a receive.
    pub message: Option<&'a MessageTrace>,
}

/// The causal past of one event (its happens-before cone, the event included): a vector
/// clock, and the message chain that leads to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CausalPast<'a> {
    /// The selected event.
    pub event: u32,
    /// Per lane, the newest event in the past; lanes not listed have none.
    pub frontier: Vec<LaneFrontier>,
    /// How many events are in the past, the selected one included.
    pub size: u64,
    /// The latest message chain ending at the event, oldest first: at each lane the newest
    /// receive before, then its send, up to [`CHAIN_HOPS`] hops.
    pub chain: Vec<ChainLink<'a>>,
}

impl CausalPast<'_> {
    /// Whether event `index` on `lane` is in the past (or is the selected event).
    pub fn contains(&self, lane: Addr, index: u32) -> bool {
        self.frontier
            .iter()
            .any(|f| f.lane == lane && index <= f.upto)
    }
}

impl SpaceTime {
    /// How many events of `lane` have an index at most `upto`.
    fn lane_count_upto(&self, lane: Addr, upto: u32) -> usize {
        self.lane(lane)
            .map_or(0, |l| l.partition_point(|i| *i <= upto))
    }

    /// The send event that caused receive event `index`, if it is a receive.
    fn cause(&self, index: u32) -> Option<u32> {
        let e = self.event_at(index)?;
        if e.kind != LaneEventKind::Receive {
            return None;
        }
        let m = self.messages().get(e.message? as usize)?;
        Some(m.send_event)
    }

    /// The causal past of event `index` (`None` if there is no such event): each lane's
    /// frontier only moves forward, so every lane is scanned once.
    pub fn causal_past(&self, index: u32) -> Option<CausalPast<'_>> {
        let selected = self.event_at(index)?;
        let mut frontier: VecMap<Addr, u32> = VecMap::new();
        frontier.insert(selected.lane, index);
        let mut scanned: VecMap<Addr, usize> = VecMap::new();
        let mut work = vec![selected.lane];
        while let Some(lane) = work.pop() {
            let upto = self.lane_count_upto(
                lane,
                *frontier.get(&lane).expect("a lane to scan has a frontier"),
            );
            let from = scanned.get(&lane).copied().unwrap_or(0);
            if from >= upto {
                continue;
            }
            scanned.insert(lane, upto);
            let events = self.lane(lane).expect("a lane with a frontier has events");
            for &e in events.iter_from(from).take(upto - from) {
                let Some(send) = self.cause(e) else { continue };
                let sender = self.event_at(send).expect("a send event exists").lane;
                if frontier.get(&sender).is_none_or(|f| *f < send) {
                    frontier.insert(sender, send);
                    work.push(sender);
                }
            }
        }
        let size = frontier
            .iter()
            .map(|(lane, upto)| self.lane_count_upto(*lane, *upto) as u64)
            .sum();
        Some(CausalPast {
            event: index,
            frontier: frontier
                .into_iter()
                .map(|(lane, upto)| LaneFrontier { lane, upto })
                .collect(),
            size,
            chain: self
                .chain(index)
                .into_iter()
                .filter_map(|i| self.event_at(i))
                .map(|event| ChainLink {
                    event,
                    message: event.message.and_then(|m| self.messages().get(m as usize)),
                })
                .collect(),
        })
    }

    /// The latest message chain ending at `index`, oldest first (event indices).
    pub fn chain(&self, index: u32) -> Vec<u32> {
        let mut chain = vec![index];
        let mut at = index;
        for _ in 0..CHAIN_HOPS {
            let Some(e) = self.event_at(at) else { break };
            let n = self.lane_count_upto(e.lane, at);
            let lane = self.lane(e.lane).expect("an event's lane exists");
            let receive = (0..n)
                .rev()
                .map(|p| *lane.get(p).expect("in range"))
                .find(|i| self.cause(*i).is_some());
            let Some(receive) = receive else { break };
            let send = self.cause(receive).expect("a receive has a send");
            if receive != at {
                chain.push(receive);
            }
            chain.push(send);
            at = send;
        }
        chain.reverse();
        chain
    }

    /// Whether event `a` happened before event `b` (Lamport's relation, strict).
    pub fn happened_before(&self, a: u32, b: u32) -> bool {
        self.future(a, b).binary_search(&b).is_ok()
    }

    /// The events `a` happened before, up to index `until`: a forward search over "next on
    /// the same lane" and "send to receive", the definition itself, independent of
    /// [`SpaceTime::causal_past`] (the tests check one against the other). In index order.
    pub fn future(&self, a: u32, until: u32) -> Vec<u32> {
        if self.event_at(a).is_none() {
            return Vec::new();
        }
        // Events past the last one are never reached: `until` may be any number.
        let until = until.min(self.events().len().saturating_sub(1) as u32);
        let mut seen = vec![false; until as usize + 1];
        let mut receives_of: VecMap<u32, Vec<u32>> = VecMap::new();
        for m in self.messages().iter_from(0) {
            if let Some(e) = m.end.and_then(|end| end.event) {
                receives_of.entry(m.send_event).or_default().push(e);
            }
        }
        let mut work = vec![a];
        while let Some(x) = work.pop() {
            let lane = self.event_at(x).expect("reached events exist").lane;
            let pos = self.lane_count_upto(lane, x);
            let next = self.lane(lane).and_then(|l| l.get(pos)).copied();
            let successors = next
                .into_iter()
                .chain(receives_of.get(&x).into_iter().flatten().copied());
            for y in successors {
                // Every successor comes later in the run's order of events.
                if y <= until && !std::mem::replace(&mut seen[y as usize], true) {
                    work.push(y);
                }
            }
        }
        (0..=until).filter(|i| seen[*i as usize]).collect()
    }
}
