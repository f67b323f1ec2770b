//! Windows of the space-time record for the page's message sequence diagram
//! (`spacetime(fromStep, toStep)` in docs/wasm-api.md): the diagram asks only for the steps
//! it shows, so a long history scrolls without sending all of it. While playing it asks
//! with `spacetimeSince`, which leaves out the messages in flight the page already holds
//! (`kept`): they are most of a window and do not change until they end.
use crate::json::ToJson;
use crate::paxos::Addr;
use crate::sim::spacetime::{LaneEvent, MessageEnd, MessageTrace, NetworkMark, SpaceTime};
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
    /// The events of steps `from_step..=to_step`, in order (from `spacetimeSince` with
    /// `heldThrough`: only those after it).
    pub events: Vec<&'a LaneEvent>,
    /// Every message alive at some step of the window (sent, in flight or ended in it),
    /// in the order they came to be.
    pub messages: Vec<&'a MessageTrace>,
    /// Partitions and heals in the window.
    pub network: Vec<&'a NetworkMark>,
    /// Whether the window had more than [`MAX_WINDOW_EVENTS`] events and was cut.
    pub truncated: bool,
    /// `spacetimeSince` only: the record's generation (it changes when a fork may have
    /// rewritten recorded messages); absent from `spacetime()`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub generation: Option<u32>,
    /// `spacetimeSince` only: the trace indices, in order, of the messages alive in the
    /// window that were left out of `messages` because the caller holds them (index below
    /// its `heldBelow`, and still in flight or ended by its `heldThrough`); absent when
    /// none were left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(optional, as = "Option<Vec<u32>>"))]
    pub kept: Vec<u32>,
}

/// The window `from..=to` of the run's record; an error if the run keeps none or the
/// window is empty.
pub fn window(t: &Timeline, from: u64, to: u64) -> Result<SpaceTimeWindow<'_>, String> {
    window_since(t, from, to, Held::default())
}

/// What the caller of [`window_since`] has from an earlier window of the same record
/// (no fork since): that window's messages below trace index `below`, and if `through` is
/// set, its events and messages through that step (the earlier window was not cut and
/// started at or before the new one).
#[derive(Clone, Copy, Debug, Default)]
pub struct Held {
    /// One more than the highest trace index of the earlier window (0: nothing held).
    pub below: u32,
    /// The earlier window's last step, if its events and ended messages are held too.
    pub through: Option<u64>,
}

/// Like [`window`], but what the caller holds is left out: the messages below
/// `held.below` still in flight (or ended by `held.through`) are listed by index in
/// `kept` instead of in `messages`, and only the events after `held.through` are sent.
pub fn window_since(
    t: &Timeline,
    from: u64,
    to: u64,
    held: Held,
) -> Result<SpaceTimeWindow<'_>, String> {
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
    let events_from = held.through.map_or(from, |h| from.max(h.saturating_add(1)));
    let (events, truncated) = events(record, events_from, to);
    let last = if truncated {
        events.last().map_or(to, |e| e.step)
    } else {
        to
    };
    let mut messages = alive(record, from, last);
    let mut kept = Vec::new();
    if held.below > 0 {
        let unchanged = |e: Option<MessageEnd>| match (e, held.through) {
            (None, _) => true,
            (Some(e), Some(h)) => e.step <= h,
            (Some(_), None) => false,
        };
        messages.retain(|m| {
            let keep = m.index < held.below && unchanged(m.end);
            if keep {
                kept.push(m.index);
            }
            !keep
        });
    }
    Ok(SpaceTimeWindow {
        step: t.step(),
        total_steps: t.total_steps(),
        from_step: from,
        to_step: last,
        lanes,
        events,
        messages,
        network: record
            .network()
            .iter_from(0)
            .filter(|m| (from..=last).contains(&m.step))
            .collect(),
        truncated,
        generation: None,
        kept,
    })
}

/// The events of steps `from..=to`, at most [`MAX_WINDOW_EVENTS`]; whether there were more.
fn events(record: &SpaceTime, from: u64, to: u64) -> (Vec<&LaneEvent>, bool) {
    let first = record.events().partition_point(|e| e.step < from);
    let mut events: Vec<&LaneEvent> = record
        .events()
        .iter_from(first)
        .take_while(|e| e.step <= to)
        .take(MAX_WINDOW_EVENTS + 1)
        .collect();
    let truncated = events.len() > MAX_WINDOW_EVENTS;
    events.truncate(MAX_WINDOW_EVENTS);
    (events, truncated)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets;
    use crate::sim::run::Run;

    /// What a page holding the window `prev` gets from `window_since`, with the kept
    /// messages and the held events put back from `prev`, is the full window `next`.
    fn check(t: &Timeline, prev: (u64, u64), next: (u64, u64), events_too: bool) -> usize {
        let before = window(t, prev.0, prev.1).expect("a window");
        let below = before.messages.iter().map(|m| m.index + 1).max();
        let through = (events_too && next.0 >= prev.0).then_some(before.to_step);
        let held = Held {
            below: below.unwrap_or(0),
            through,
        };
        let since = window_since(t, next.0, next.1, held).expect("a window");
        let full = window(t, next.0, next.1).expect("a window");
        let mut merged: Vec<&MessageTrace> = since.messages.clone();
        for k in &since.kept {
            let m = before.messages.iter().find(|m| m.index == *k);
            merged.push(m.expect("a kept message is held"));
        }
        merged.sort_unstable_by_key(|m| m.index);
        assert_eq!(merged, full.messages, "{prev:?} then {next:?}");
        let mut events: Vec<&LaneEvent> = match through {
            Some(_) => before
                .events
                .iter()
                .filter(|e| e.step >= next.0 && e.step <= next.1)
                .copied()
                .collect(),
            None => Vec::new(),
        };
        events.extend(&since.events);
        assert_eq!(events, full.events, "{prev:?} then {next:?}");
        since.kept.len()
    }

    #[test]
    fn a_window_since_an_earlier_one_is_the_full_window_with_what_is_held_put_back() {
        let mut kept = 0;
        for preset in presets::list() {
            let scenario = presets::scenario(&preset.name).expect("preset");
            let run = Run::new(scenario, true).expect("the preset replays");
            let t = &run.timeline;
            let n = t.total_steps();
            for (a, b) in [
                (0, n / 2),
                (n / 4, n / 2),
                (n / 3, n),
                (0, n),
                (n / 2, n / 2),
            ] {
                for events_too in [false, true] {
                    kept += check(t, (a, b), (a + (b - a) / 3, n), events_too);
                    kept += check(t, (a, b), (a + 1, b + 2), events_too);
                    kept += check(t, (a, b), (a / 2, b), events_too);
                    kept += check(t, (b, n), (a, b), events_too);
                }
            }
        }
        assert!(kept > 0, "some window left held messages out");
    }
}
