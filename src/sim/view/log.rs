//! The replicated log grid: per acceptor and replica, what it holds for each slot.
use crate::json::ToJson;
use crate::paxos::{NodeId, Slot, Value};
use crate::sim::world::World;
use serde::Serialize;

/// Most rows one `logWindow` call returns.
pub const MAX_ROWS: u64 = 2000;

/// The slots any node knows about: from the lowest replica snapshot point to one past the
/// highest decided or accepted slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LogExtent {
    /// The first slot still held somewhere (the lowest replica snapshot point).
    pub first_slot: Slot,
    /// One past the highest slot decided or accepted anywhere.
    pub end_slot: Slot,
}

/// What a node holds for one slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum CellStatus {
    /// Decided and applied by that replica.
    Applied,
    /// Known chosen, not yet applied.
    Decided,
    /// An acceptor's vote, not known chosen there.
    Accepted,
    /// A hole.
    Empty,
    /// Below the snapshot or truncation point.
    Compacted,
}

/// One cell of the grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LogCell {
    /// What the node holds.
    pub status: CellStatus,
    /// The value, in words ("no-op" for a no-op), if any.
    pub value: Option<String>,
    /// The ballot of an accepted vote ("2.1").
    pub ballot: Option<String>,
}

/// A column of the grid: one acceptor or replica.
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LogColumn {
    /// The node.
    pub node: NodeId,
    /// Its roles.
    #[cfg_attr(test, ts(as = "Vec<crate::vocabulary::Role>"))]
    pub roles: Vec<&'static str>,
    /// Whether it is crashed.
    pub crashed: bool,
}

/// One row of the grid: a slot and a cell per column.
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LogRow {
    /// The slot.
    pub slot: Slot,
    /// Rule 12: the epoch of the configuration that governs this slot, as the latest
    /// configuration history any replica knows says (`state().configs`); absent for the
    /// initial configuration (epoch 0).
    #[serde(skip_serializing_if = "is_initial_epoch")]
    #[cfg_attr(test, ts(optional, as = "Option<u64>"))]
    pub epoch: u64,
    /// Rule 12: the epoch of the configuration a replica decided in this slot (a
    /// `reconfigure` value); it governs the slots from this one + α on. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub reconfigure: Option<u64>,
    /// One cell per column, in column order.
    pub cells: Vec<LogCell>,
}

/// Whether `epoch` is the initial configuration's (left out of a row's JSON).
fn is_initial_epoch(epoch: &u64) -> bool {
    *epoch == 0
}

/// Rows of the grid for a virtualised scroller.
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LogWindow {
    /// Every acceptor and replica.
    pub columns: Vec<LogColumn>,
    /// The rows asked for (within the log's extent).
    pub rows: Vec<LogRow>,
    /// One past the highest slot anywhere.
    pub end_slot: Slot,
}

/// The extent of the log over every running node.
pub fn extent(world: &World) -> LogExtent {
    let mut first = u64::MAX;
    let mut end = 0;
    for n in world.node_ids().filter_map(|id| world.node(id)) {
        if let Some(r) = n.replica() {
            first = first.min(r.snapshot_index);
            end = end.max(r.log.keys().next_back().map_or(r.commit_index, |s| s + 1));
        }
        if let Some(a) = &n.durable().acceptor {
            end = end.max(a.accepted.keys().next_back().map_or(0, |s| s + 1));
        }
    }
    LogExtent {
        first_slot: if first == u64::MAX { 0 } else { first },
        end_slot: end,
    }
}

/// Rows `from .. from+count` of the grid (at most [`MAX_ROWS`]): per acceptor and replica,
/// what it holds for each slot.
pub fn window(world: &World, from: Slot, count: u64) -> LogWindow {
    let ids: Vec<NodeId> = world
        .node_ids()
        .filter(|id| {
            let r = world.roles(*id);
            r.acceptor || r.replica
        })
        .collect();
    let columns = ids
        .iter()
        .map(|id| LogColumn {
            node: *id,
            roles: world.roles(*id).names(),
            crashed: world.is_crashed(*id),
        })
        .collect();
    let end = extent(world).end_slot;
    let to = from.saturating_add(count.min(MAX_ROWS)).min(end);
    let history = world.config_history();
    let epoch_at = |slot: Slot| {
        history
            .iter()
            .rev()
            .find(|c| c.from_slot <= slot)
            .map_or(0, |c| c.members.epoch)
    };
    let rows = (from..to)
        .map(|slot| LogRow {
            slot,
            epoch: epoch_at(slot),
            reconfigure: decided_reconfiguration(world, &ids, slot),
            cells: ids.iter().map(|id| cell(world, *id, slot)).collect(),
        })
        .collect();
    LogWindow {
        columns,
        rows,
        end_slot: end,
    }
}

impl LogCell {
    fn new(status: CellStatus, value: Option<String>, ballot: Option<String>) -> Self {
        LogCell {
            status,
            value,
            ballot,
        }
    }
}

/// Rule 12: the epoch of the `reconfigure` value some replica among `ids` decided in `slot`.
fn decided_reconfiguration(world: &World, ids: &[NodeId], slot: Slot) -> Option<u64> {
    ids.iter()
        .find_map(|id| match world.node(*id)?.replica()?.log.get(&slot)? {
            Value::Reconfigure(m) => Some(m.epoch),
            _ => None,
        })
}

/// What node `id` holds for `slot`: its replica's decision first, else its vote.
fn cell(world: &World, id: NodeId, slot: Slot) -> LogCell {
    if let Some(r) = world.node(id).and_then(|n| n.replica()) {
        if slot < r.snapshot_index {
            return LogCell::new(CellStatus::Compacted, None, None);
        }
        if let Some(v) = r.log.get(&slot) {
            let status = if slot < r.applied_index {
                CellStatus::Applied
            } else {
                CellStatus::Decided
            };
            return LogCell::new(status, Some(v.to_string()), None);
        }
    }
    if let Some(a) = world.durable(id).and_then(|d| d.acceptor.as_ref()) {
        if slot < a.truncated_below {
            return LogCell::new(CellStatus::Compacted, None, None);
        }
        if let Some((b, v)) = a.accepted.get(&slot) {
            return LogCell::new(
                CellStatus::Accepted,
                Some(v.to_string()),
                Some(b.to_string()),
            );
        }
    }
    LogCell::new(CellStatus::Empty, None, None)
}
