//! One node as the page draws it: roles, leadership, ballots, indices, key-value contents
//! and timers; with detail, its durable and volatile state (the inspector).
use crate::json::ToJson;
use crate::kv::{ClientId, KvStore};
use crate::paxos::durable::Session;
use crate::paxos::durable::{AcceptorDurable, DurableState, ProposerDurable, ReplicaDurable};
use crate::paxos::node::FollowerState;
use crate::paxos::proposer::Phase;
use crate::paxos::proposer::Proposer;
use crate::paxos::replica::Replica;
use crate::paxos::{Ballot, Bug, Node, NodeId, ReadMode, Slot, TimerKind, Value};
use crate::sim::world::{ProposerPhase, World};
use crate::vec_map::VecMap;
use serde::{Serialize, Serializer};

/// A crashed node shows an empty key-value store.
static NO_KV: VecMap<crate::kv::Text, crate::kv::Text> = VecMap::new();

/// The ticks at which a node's timers fire (`None` = not set).
#[derive(Clone, Copy, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TimersView {
    /// The election timer (proposers only).
    pub election: Option<u64>,
    /// The heartbeat timer (a leader's).
    pub heartbeat: Option<u64>,
}

/// One node, as `state().nodes[i]` and `node(id)` show it (docs/wasm-api.md).
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NodeView<'a> {
    /// The node's id.
    pub id: NodeId,
    /// "proposer", "acceptor", "replica": the roles it plays.
    #[cfg_attr(test, ts(as = "Vec<crate::vocabulary::Role>"))]
    pub roles: Vec<&'static str>,
    /// Whether it is crashed.
    pub crashed: bool,
    /// Its partition group (0 when not partitioned away).
    pub group: u32,
    /// When its timers fire.
    pub timers: TimersView,
    /// Whether it leads (phase 1 won, phase 2 running).
    pub is_leader: bool,
    /// The leader it believes in.
    pub known_leader: Option<NodeId>,
    /// What its proposer is doing.
    pub phase: ProposerPhase,
    /// The proposer's own ballot.
    pub ballot: Option<Ballot>,
    /// The acceptor's promise (durable).
    pub promised: Option<Ballot>,
    /// Slots below it are known decided here (`None` on a node that is no replica).
    pub commit_index: Option<Slot>,
    /// Slots below it are applied to the key-value store.
    pub applied_index: Option<Slot>,
    /// Slots below it are compacted into the snapshot.
    pub snapshot_index: Option<Slot>,
    /// The key-value contents (`None` on a node that is no replica).
    pub kv: Option<&'a VecMap<crate::kv::Text, crate::kv::Text>>,
    /// Rule 12 (leases): its clock and the lease it holds or granted, on a running node in
    /// lease read mode (or with the `read-without-lease` bug); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub lease: Option<LeaseView>,
    /// The durable and volatile state, in `state()` and `node()` only.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    // In TypeScript the API names it: `node()` returns `NodeView & NodeDetail`.
    #[cfg_attr(test, ts(skip))]
    pub detail: Option<NodeDetail<'a>>,
}

/// Rule 12 (leases): a node's own clock and its lease, as the page shows them.
#[derive(Clone, Copy, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LeaseView {
    /// Its own clock now (it drifts from the world's `now`).
    pub clock: u64,
    /// Its clock's rate, in per mille of the world's time (1000 = exact).
    pub rate_per_mille: u32,
    /// A leader's lease holds while its clock is below this tick (`None`: it holds none).
    pub held_until: Option<u64>,
    /// The world tick at which that lease runs out (its clock reaches `held_until`).
    pub expires_at: Option<u64>,
    /// Whether it answers reads alone now (a valid lease and everything earlier applied).
    pub reads_locally: bool,
    /// An acceptor's grant still running: the ballot it granted a lease to.
    pub granted_to: Option<Ballot>,
    /// The tick of its clock that grant (or, after a restart, the wait) runs until.
    pub granted_until: Option<u64>,
}

/// A node's inner state (the inspector), logs cut to their last `tail` slots.
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NodeDetail<'a> {
    /// What the node would restart from: the running node's durable state, or its disk.
    pub durable: DurableView<'a>,
    /// What a crash loses (`None` while crashed).
    pub volatile: Option<VolatileView<'a>>,
    /// The disk as written so far (running nodes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub disk: Option<DurableView<'a>>,
    /// The decided slots the replica still holds (running nodes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub decided_log: Option<Vec<DecidedEntry>>,
}

/// A durable state with only the last accepted slots.
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DurableView<'a> {
    /// The proposer's highest round used.
    pub proposer: &'a Option<ProposerDurable>,
    /// The replica's snapshot.
    pub replica: &'a Option<ReplicaDurable>,
    /// The acceptor's promise and votes (absent on a node that is no acceptor).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub acceptor: Option<AcceptorView<'a>>,
}

/// An acceptor's durable state, votes cut to the last slots.
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AcceptorView<'a> {
    /// Its promise.
    pub promised: Option<Ballot>,
    /// Votes below this slot were truncated after a snapshot.
    pub truncated_below: Slot,
    /// How many votes it holds.
    pub accepted_slots: usize,
    /// The last votes: slot → (ballot, value).
    pub accepted: LastSlots<'a, (Ballot, Value)>,
}

/// What a running node holds in memory only.
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VolatileView<'a> {
    /// The proposer's state (`None` on a node that is no proposer).
    pub proposer: Option<&'a Proposer>,
    /// The replica's state (`None` on a node that is no replica).
    pub replica: Option<ReplicaView<'a>>,
    /// Who it believes leads, and since when it heard from them.
    pub follower: &'a FollowerState,
}

/// A replica's volatile state, log cut to the last slots.
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReplicaView<'a> {
    /// Slots below it are compacted into the snapshot.
    pub snapshot_index: Slot,
    /// Slots below it are known decided.
    pub commit_index: Slot,
    /// Slots below it are applied.
    pub applied_index: Slot,
    /// How many decided slots the log holds.
    pub log_slots: usize,
    /// The last decided slots: slot → value.
    pub log: LastSlots<'a, Value>,
    /// The key-value store.
    pub kv: &'a KvStore,
    /// The client sessions (at-most-once).
    pub sessions: &'a VecMap<ClientId, Session>,
    /// Rule 12: the configurations this replica knows were decided, each with the first
    /// slot it governs; absent before any reconfiguration.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<crate::paxos::ConfigChange>>", optional))]
    pub configs: &'a [crate::paxos::ConfigChange],
}

/// One decided slot in words.
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DecidedEntry {
    /// The slot.
    pub slot: Slot,
    /// Its value, as the page prints it.
    pub value: String,
}

/// The last `count` entries of a slot-keyed map, written as a map in slot order.
#[derive(Debug)]
pub struct LastSlots<'a, V> {
    map: &'a VecMap<Slot, V>,
    count: usize,
}

impl<'a, V> LastSlots<'a, V> {
    fn new(map: &'a VecMap<Slot, V>, count: usize) -> Self {
        LastSlots { map, count }
    }

    fn iter(&self) -> impl Iterator<Item = (&'a Slot, &'a V)> {
        let from = self
            .count
            .checked_sub(1)
            .and_then(|i| self.map.keys().rev().nth(i))
            .copied()
            .unwrap_or(0);
        self.map.range(from..).take(self.count)
    }
}

impl<V: Serialize> Serialize for LastSlots<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<V: ToJson> ToJson for LastSlots<'_, V> {
    fn write_json(&self, out: &mut String) {
        let mut o = crate::json::Object::begin(out);
        for (slot, v) in self.iter() {
            o.entry(slot, v);
        }
        o.end();
    }
}

// In TypeScript (www/types/api.d.ts) as in JSON: the map of the last slots.
#[cfg(test)]
ts_as!(impl<'a, V> LastSlots<'a, V> => VecMap<Slot, V>);

impl<'a> DurableView<'a> {
    fn new(d: &'a DurableState, tail: usize) -> Self {
        DurableView {
            proposer: &d.proposer,
            replica: &d.replica,
            acceptor: d.acceptor.as_ref().map(|a| AcceptorView::new(a, tail)),
        }
    }
}

impl<'a> AcceptorView<'a> {
    fn new(a: &'a AcceptorDurable, tail: usize) -> Self {
        AcceptorView {
            promised: a.promised,
            truncated_below: a.truncated_below,
            accepted_slots: a.accepted.len(),
            accepted: LastSlots::new(&a.accepted, tail),
        }
    }
}

impl<'a> ReplicaView<'a> {
    fn new(r: &'a Replica, tail: usize) -> Self {
        ReplicaView {
            snapshot_index: r.snapshot_index,
            commit_index: r.commit_index,
            applied_index: r.applied_index,
            log_slots: r.log.len(),
            log: LastSlots::new(&r.log, tail),
            kv: &r.kv,
            sessions: &r.sessions,
            configs: r.configs.changes(),
        }
    }
}

/// How much of a node to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// The summary only (every animation frame).
    Summary,
    /// With durable and volatile state, logs cut to their last `tail` slots.
    Full {
        /// Slots of each log to show.
        tail: usize,
    },
}

impl<'a> NodeView<'a> {
    /// Node `id` of `world` (which must exist) at the given detail.
    pub fn new(world: &'a World, id: NodeId, detail: Detail) -> Self {
        let summary = NodeView {
            id,
            roles: world.roles(id).names(),
            crashed: world.is_crashed(id),
            group: world.partition_group(id),
            timers: TimersView {
                election: world.timer_deadline(id, TimerKind::Election),
                heartbeat: world.timer_deadline(id, TimerKind::Heartbeat),
            },
            is_leader: false,
            known_leader: None,
            phase: world.proposer_phase(id),
            ballot: None,
            promised: None,
            commit_index: None,
            applied_index: None,
            snapshot_index: None,
            kv: None,
            lease: None,
            detail: None,
        };
        let tail = match detail {
            Detail::Summary => None,
            Detail::Full { tail } => Some(tail),
        };
        match world.node(id) {
            Some(node) => summary.running(world, node, tail),
            None => summary.crashed(world, tail),
        }
    }

    fn running(self, world: &'a World, n: &'a Node, tail: Option<usize>) -> Self {
        let r = n.replica();
        let detail = tail.map(|tail| NodeDetail {
            durable: DurableView::new(n.durable(), tail),
            volatile: Some(VolatileView {
                proposer: n.proposer(),
                replica: r.map(|r| ReplicaView::new(r, tail)),
                follower: n.follower(),
            }),
            disk: world.disk(self.id).map(|d| DurableView::new(d, tail)),
            decided_log: Some(r.map_or_else(Vec::new, |r| decided(r, tail))),
        });
        NodeView {
            is_leader: n.is_leader(),
            known_leader: n.follower().leader,
            ballot: n.proposer().and_then(|p| p.ballot()),
            promised: n.durable().acceptor.as_ref().and_then(|a| a.promised),
            commit_index: r.map(|r| r.commit_index),
            applied_index: r.map(|r| r.applied_index),
            snapshot_index: r.map(|r| r.snapshot_index),
            kv: r.map(|r| &r.kv.data),
            lease: lease_view(world, n),
            detail,
            ..self
        }
    }

    fn crashed(self, world: &'a World, tail: Option<usize>) -> Self {
        let Some(disk) = world.disk(self.id) else {
            return self;
        };
        let snapshot = disk.replica.as_ref().map(|r| r.snapshot.index);
        NodeView {
            promised: disk.acceptor.as_ref().and_then(|a| a.promised),
            commit_index: snapshot,
            applied_index: snapshot,
            snapshot_index: snapshot,
            kv: Some(&NO_KV),
            detail: tail.map(|tail| NodeDetail {
                durable: DurableView::new(disk, tail),
                volatile: None,
                disk: None,
                decided_log: None,
            }),
            ..self
        }
    }
}

/// Rule 12: node `n`'s clock and lease, when the run uses leases.
fn lease_view(world: &World, n: &Node) -> Option<LeaseView> {
    let c = world.protocol_config();
    let leases = c.read_mode == ReadMode::Lease || c.bug(Bug::ReadWithoutLease);
    if !leases {
        return None;
    }
    let clock = world.node_clock(n.id());
    let now = clock.read(world.now());
    let held = match n.proposer().map(|p| &p.phase) {
        Some(Phase::Leading(lead)) => lead.lease.as_ref().map(|l| l.until).filter(|u| *u > now),
        _ => None,
    };
    let grant = n.acceptor_lease();
    let granting = grant.until > now;
    Some(LeaseView {
        clock: now,
        rate_per_mille: clock.rate_per_mille,
        held_until: held,
        expires_at: held.map(|u| clock.first_at_or_after(world.now(), u)),
        reads_locally: n.lease_valid(),
        granted_to: grant.granted_to.filter(|_| granting),
        granted_until: granting.then_some(grant.until),
    })
}

/// The replica's last `tail` decided slots, in words.
fn decided(r: &Replica, tail: usize) -> Vec<DecidedEntry> {
    LastSlots::new(&r.log, tail)
        .iter()
        .map(|(slot, v)| DecidedEntry {
            slot: *slot,
            value: v.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_slots_keeps_the_newest_entries_in_slot_order() {
        let map: VecMap<Slot, u32> = [(2, 20), (5, 50), (9, 90)].into_iter().collect();
        let keys = |n| -> Vec<Slot> { LastSlots::new(&map, n).iter().map(|(k, _)| *k).collect() };
        assert_eq!(keys(0), Vec::<Slot>::new());
        assert_eq!(keys(2), vec![5, 9]);
        assert_eq!(keys(3), vec![2, 5, 9]);
        assert_eq!(keys(usize::MAX), vec![2, 5, 9]);
        let json = serde_json::to_string(&LastSlots::new(&map, 2)).unwrap();
        assert_eq!(json, r#"{"5":50,"9":90}"#);
    }
}
