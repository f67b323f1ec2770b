//! The JSON picture of a run that the CLI prints and the page draws (docs/wasm-api.md).
use super::timeline::Timeline;
use super::world::World;
use crate::check::invariants::{Violation, LINEARIZABILITY};
use crate::check::linearizability::{self, LinearizabilityReport};
use crate::paxos::durable::DurableState;
use crate::paxos::proposer::Phase;
use crate::paxos::{Addr, NodeId, TimerKind};
use serde_json::{json, Value as Json};

/// The linearizability verdict on a world's client history, as a violation if it fails.
pub fn linearizability_violation(world: &World) -> (LinearizabilityReport, Option<Violation>) {
    let report = linearizability::check(&world.history);
    let violation = report.violation().map(|v| Violation {
        invariant: LINEARIZABILITY,
        step: world.step,
        message: v.explanation.clone(),
    });
    (report, violation)
}

/// One node: roles, leadership, ballots, indices, key-value contents and timers; with
/// `full`, also its whole durable and volatile state (the inspector).
pub fn node(world: &World, id: NodeId, full: bool) -> Json {
    node_with_tail(world, id, full, usize::MAX)
}

/// The last `tail` entries of a slot-keyed map (all of them when `tail` is large).
fn tail_of<V: Clone>(
    map: &std::collections::BTreeMap<u64, V>,
    tail: usize,
) -> std::collections::BTreeMap<u64, V> {
    map.iter()
        .rev()
        .take(tail)
        .map(|(k, v)| (*k, v.clone()))
        .collect()
}

/// A durable state with only the last `tail` accepted slots (the inspector on long logs).
fn durable_tail(d: &DurableState, tail: usize) -> Json {
    let mut j = json!({ "proposer": d.proposer, "replica": d.replica });
    if let Some(a) = &d.acceptor {
        j["acceptor"] = json!({
            "promised": a.promised,
            "truncated_below": a.truncated_below,
            "accepted_slots": a.accepted.len(),
            "accepted": tail_of(&a.accepted, tail),
        });
    }
    j
}

/// Like [`node`] with full detail, but logs cut to their last `tail` slots, so the
/// inspector stays fast on logs of thousands of slots.
pub fn node_with_tail(world: &World, id: NodeId, full: bool, tail: usize) -> Json {
    let slot = &world.nodes[&id];
    let roles = world.cluster.roles(id);
    let group = world.network.group(Addr::Node(id)).unwrap_or(0);
    let timer = |k: TimerKind| world.timers.get(&(id, k)).copied();
    let mut j = json!({
        "id": id,
        "roles": roles.names(),
        "crashed": slot.node.is_none(),
        "group": group,
        "timers": { "election": timer(TimerKind::Election), "heartbeat": timer(TimerKind::Heartbeat) },
    });
    let o = j.as_object_mut().expect("object");
    let disk_promise = slot.disk.acceptor.as_ref().and_then(|a| a.promised);
    match &slot.node {
        None => {
            o.insert("is_leader".into(), json!(false));
            o.insert("known_leader".into(), Json::Null);
            o.insert("phase".into(), json!("crashed"));
            o.insert("ballot".into(), Json::Null);
            o.insert("promised".into(), json!(disk_promise));
            let snap = slot.disk.replica.as_ref().map(|r| r.snapshot.index);
            o.insert("commit_index".into(), json!(snap));
            o.insert("applied_index".into(), json!(snap));
            o.insert("snapshot_index".into(), json!(snap));
            o.insert("kv".into(), json!({}));
            if full {
                o.insert("durable".into(), durable_tail(&slot.disk, tail));
                o.insert("volatile".into(), Json::Null);
            }
        }
        Some(n) => {
            let phase = match n.proposer().map(|p| &p.phase) {
                None => "none",
                Some(Phase::Following) => "following",
                Some(Phase::Preparing(_)) => "preparing",
                Some(Phase::Leading(_)) => "leading",
            };
            o.insert("is_leader".into(), json!(n.is_leader()));
            o.insert("known_leader".into(), json!(n.follower().leader));
            o.insert("phase".into(), json!(phase));
            o.insert(
                "ballot".into(),
                json!(n.proposer().and_then(|p| p.ballot())),
            );
            o.insert(
                "promised".into(),
                json!(n.durable().acceptor.as_ref().and_then(|a| a.promised)),
            );
            let r = n.replica();
            o.insert("commit_index".into(), json!(r.map(|r| r.commit_index)));
            o.insert("applied_index".into(), json!(r.map(|r| r.applied_index)));
            o.insert("snapshot_index".into(), json!(r.map(|r| r.snapshot_index)));
            o.insert("kv".into(), json!(r.map(|r| &r.kv.data)));
            if full {
                o.insert("durable".into(), durable_tail(n.durable(), tail));
                let replica = r.map(|r| {
                    json!({
                        "snapshot_index": r.snapshot_index, "commit_index": r.commit_index,
                        "applied_index": r.applied_index, "log_slots": r.log.len(),
                        "log": tail_of(&r.log, tail), "kv": r.kv, "sessions": r.sessions,
                    })
                });
                o.insert(
                    "volatile".into(),
                    json!({ "proposer": n.proposer(), "replica": replica, "follower": n.follower() }),
                );
                o.insert("disk".into(), durable_tail(&slot.disk, tail));
                let decided: Vec<Json> = r
                    .map(|r| {
                        tail_of(&r.log, tail)
                            .iter()
                            .map(|(s, v)| json!({ "slot": s, "value": v.to_string() }))
                            .collect()
                    })
                    .unwrap_or_default();
                o.insert("decided_log".into(), Json::Array(decided));
            }
        }
    }
    j
}

fn messages(world: &World) -> Json {
    let list: Vec<Json> = world
        .in_flight()
        .iter()
        .map(|m| {
            let reachable = match m.env.to {
                Addr::Node(n) => {
                    !world.is_crashed(n) && world.network.connected(m.env.from, m.env.to)
                }
                Addr::Client(_) => true,
            };
            json!({
                "id": m.id, "from": m.env.from, "to": m.env.to, "type": m.env.msg.kind(),
                "label": m.env.msg.label(), "deliver_at": m.deliver_at,
                "deliverable": m.deliver_at <= world.now && reachable,
                "payload": m.env.msg,
            })
        })
        .collect();
    Json::Array(list)
}

fn log_extent(world: &World) -> (u64, u64) {
    let mut first = u64::MAX;
    let mut end = 0;
    for slot in world.nodes.values() {
        if let Some(n) = &slot.node {
            if let Some(r) = n.replica() {
                first = first.min(r.snapshot_index);
                end = end.max(r.log.keys().next_back().map_or(r.commit_index, |s| s + 1));
            }
            if let Some(a) = &n.durable().acceptor {
                end = end.max(a.accepted.keys().next_back().map_or(0, |s| s + 1));
            }
        }
    }
    (if first == u64::MAX { 0 } else { first }, end)
}

/// The state of a run. `full` adds every node's durable and volatile state.
/// `violations` are those to show (the checker's, plus linearizability if computed).
pub fn state(t: &Timeline, full: bool, extra: &[Violation]) -> Json {
    let w = t.world();
    let nodes: Vec<Json> = w.nodes.keys().map(|id| node(w, *id, full)).collect();
    let clients: Vec<Json> = w
        .clients
        .iter()
        .map(|c| json!({ "id": c.id, "target": c.target, "pending": c.pending, "completed": c.completed, "queued": c.queue.len() as u64 + c.random_left as u64 }))
        .collect();
    let mut violations: Vec<Violation> = w.checker.violations().to_vec();
    violations.extend(extra.iter().cloned());
    let invariants: Vec<Json> = crate::check::invariants::ALL
        .iter()
        .map(|(name, desc)| json!({ "name": name, "ok": !violations.iter().any(|v| v.invariant == *name), "description": desc }))
        .collect();
    let (first_slot, end_slot) = log_extent(w);
    let events: Vec<Json> = w
        .events
        .iter()
        .map(|e| json!({ "node": e.node, "text": e.text }))
        .collect();
    json!({
        "step": t.step(), "total_steps": t.total_steps(), "now": w.now, "seed": w.seed,
        "preset": t.preset(),
        "config": w.config, "leader": w.leader(),
        "nodes": nodes, "messages": messages(w), "clients": clients,
        "log": { "first_slot": first_slot, "end_slot": end_slot },
        "stats": w.stats, "invariants": invariants, "violations": violations,
        "events": events, "trace_digest": w.trace_digest(),
    })
}

/// Rows `from .. from+count` of the log grid: per acceptor and replica, what it holds for
/// each slot (decided, accepted with its ballot, empty, or compacted).
pub fn log_window(world: &World, from: u64, count: u64) -> Json {
    let ids: Vec<NodeId> = world
        .nodes
        .keys()
        .copied()
        .filter(|id| {
            let r = world.cluster.roles(*id);
            r.acceptor || r.replica
        })
        .collect();
    let columns: Vec<Json> = ids
        .iter()
        .map(|id| json!({ "node": id, "roles": world.cluster.roles(*id).names(), "crashed": world.is_crashed(*id) }))
        .collect();
    let (_, end) = log_extent(world);
    let to = from.saturating_add(count.min(2000)).min(end);
    let rows: Vec<Json> = (from..to)
        .map(|slot| {
            let cells: Vec<Json> = ids.iter().map(|id| cell(world, *id, slot)).collect();
            json!({ "slot": slot, "cells": cells })
        })
        .collect();
    json!({ "columns": columns, "rows": rows, "end_slot": end })
}

fn cell(world: &World, id: NodeId, slot: u64) -> Json {
    let s = &world.nodes[&id];
    let durable = match &s.node {
        Some(n) => n.durable(),
        None => &s.disk,
    };
    if let Some(r) = s.node.as_ref().and_then(|n| n.replica()) {
        if slot < r.snapshot_index {
            return json!({ "status": "compacted", "value": null, "ballot": null });
        }
        if let Some(v) = r.log.get(&slot) {
            let status = if slot < r.applied_index {
                "applied"
            } else {
                "decided"
            };
            return json!({ "status": status, "value": v.to_string(), "ballot": null });
        }
    }
    if let Some(a) = &durable.acceptor {
        if slot < a.truncated_below {
            return json!({ "status": "compacted", "value": null, "ballot": null });
        }
        if let Some((b, v)) = a.accepted.get(&slot) {
            return json!({ "status": "accepted", "value": v.to_string(), "ballot": b.to_string() });
        }
    }
    json!({ "status": "empty", "value": null, "ballot": null })
}
