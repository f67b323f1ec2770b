//! Windows of the space-time record for the page's message sequence diagram
//! (`spacetime(fromStep, toStep)` in docs/wasm-api.md): the diagram asks only for the steps
//! it shows, so a long history scrolls without sending all of it.
use crate::json::ToJson;
use crate::paxos::Addr;
use crate::sim::spacetime::{LaneEvent, MessageTrace, NetworkMark, SpaceTime};
use crate::sim::timeline::Timeline;
use serde::Serialize;

/// Most events one window carries; a wider window is cut at this many (`truncated`).
pub const MAX_WINDOW_EVENTS: usize = 20_000;

/// The part of the space-time record between two steps.
#[derive(Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SpaceTimeWindow<'a> {
    /// The step the run is at (the diagram's cursor).
    pub step: u64,
    /// How many steps are recorded.
    pub total_steps: u64,
    /// The first step of the window.
    pub from_step: u64,
    /// The last step of the window (at most `total_steps`).
    pub to_step: u64,
    /// Every lane, nodes by id then clients by id.
    pub lanes: Vec<Addr>,
    /// The events of steps `from_step..=to_step`, in order.
    pub events: Vec<&'a LaneEvent>,
    /// Every message alive at some step of the window (sent, in flight or ended in it),
    /// in the order they came to be.
    pub messages: Vec<&'a MessageTrace>,
    /// Partitions and heals in the window.
    pub network: Vec<&'a NetworkMark>,
    /// Whether the window had more than [`MAX_WINDOW_EVENTS`] events and was cut.
    pub truncated: bool,
}

/// The window `from..=to` of the run's record; an error if the run keeps none or the
/// window is empty.
pub fn window(t: &Timeline, from: u64, to: u64) -> Result<SpaceTimeWindow<'_>, String> {
    let record = t
        .spacetime()
        .ok_or("this run keeps no space-time record (only narrated runs do)")?;
    if from > to {
        return Err(format!(
            "spacetime needs fromStep ≤ toStep, got {from} > {to}"
        ));
    }
    let to = to.min(t.total_steps());
    let w = t.world();
    let lanes = w
        .node_ids()
        .map(Addr::Node)
        .chain(w.clients().iter().map(|c| Addr::Client(c.id)))
        .collect();
    let first = record.events().partition_point(|e| e.step < from);
    let mut events: Vec<&LaneEvent> = record
        .events()
        .iter_from(first)
        .take_while(|e| e.step <= to)
        .take(MAX_WINDOW_EVENTS + 1)
        .collect();
    let truncated = events.len() > MAX_WINDOW_EVENTS;
    events.truncate(MAX_WINDOW_EVENTS);
    let last = if truncated {
        events.last().map_or(to, |e| e.step)
    } else {
        to
    };
    Ok(SpaceTimeWindow {
        step: t.step(),
        total_steps: t.total_steps(),
        from_step: from,
        to_step: last,
        lanes,
        events,
        messages: alive(record, from, last),
        network: record
            .network()
            .iter_from(0)
            .filter(|m| (from..=last).contains(&m.step))
            .collect(),
        truncated,
    })
}

/// Messages alive at some step of `from..=to`.
fn alive(record: &SpaceTime, from: u64, to: u64) -> Vec<&MessageTrace> {
    let (open, first) = record.open_before(from);
    let overlaps = |m: &MessageTrace| m.created_step <= to && m.end.is_none_or(|e| e.step >= from);
    let mut out: Vec<&MessageTrace> = open
        .iter()
        .filter_map(|i| record.messages().get(*i as usize))
        .filter(|m| (m.index as usize) < first && overlaps(m))
        .collect();
    out.extend(
        record
            .messages()
            .iter_from(first)
            .take_while(|m| m.created_step <= to)
            .filter(|m| overlaps(m)),
    );
    out
}
