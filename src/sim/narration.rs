//! The narration of a step in words (the page's event list): built from the world's events,
//! only while narration is on (the page wants it; the fuzzer and bulk runs do not).
use super::event::WorldEvent;
use super::why as world_why;
use super::world::World;
use crate::check::conflict::describe;
use crate::json::ToJson;
use crate::paxos::event::Event;
use crate::paxos::explain::why;
use crate::paxos::{Addr, Ballot, NodeId, Slot, TimerKind};
use crate::vocabulary::event_kind;
use serde::Serialize;

/// How many of the newest decided slots the quiet summary lists.
const SUMMARY_SLOTS: u64 = 8;

/// One line of narration: what happened in the last step, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NarrationLine {
    /// The node it concerns, if any.
    pub node: Option<NodeId>,
    /// What happened, in words.
    pub text: String,
    /// For a node's protocol event: its kind (`vocabulary().events[].name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub event: Option<&'static str>,
    /// For a node's protocol event: the number of the rule that applied (docs/protocol.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub rule: Option<u8>,
    /// Why it happened here, in a sentence or two: for a node's protocol event, why its rule
    /// applied; for anything else, the part of the model behind it (the network, faults,
    /// time, clients). Every line has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub why: Option<String>,
}

/// Turns the events of the current step into lines.
#[derive(Clone, Debug, Default)]
pub struct Narrator {
    on: bool,
    lines: Vec<NarrationLine>,
    /// Why the event being narrated happened (`sim::why`).
    why: Option<String>,
}

impl Narrator {
    /// Whether the next steps are narrated.
    pub fn set_on(&mut self, on: bool) {
        self.on = on;
    }

    /// Whether steps are narrated now.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The lines of the last step.
    pub fn lines(&self) -> &[NarrationLine] {
        &self.lines
    }

    /// A line about the event being narrated, with that event's reason (`sim::why`).
    fn say(&mut self, node: Option<NodeId>, text: String) {
        let why = self.why.clone().unwrap_or_default();
        self.say_because(node, text, why);
    }

    fn say_because(&mut self, node: Option<NodeId>, text: String, why: String) {
        self.lines.push(NarrationLine {
            node,
            text,
            event: None,
            rule: None,
            why: Some(why),
        });
    }

    /// A node's protocol event, with its kind, its rule and why it applied.
    fn explain(&mut self, node: NodeId, e: &Event) {
        let kind = event_kind(e);
        self.lines.push(NarrationLine {
            node: Some(node),
            text: format!("n{node} {e}"),
            event: Some(kind.name),
            rule: Some(kind.rule),
            why: Some(why(e)),
        });
    }

    /// Narrates one event (a new step starts with no lines).
    pub fn observe(&mut self, e: &WorldEvent) {
        if let WorldEvent::Step { .. } = e {
            self.lines.clear();
        }
        if !self.on {
            return;
        }
        self.why = world_why::why(e);
        match *e {
            WorldEvent::Tick { now } => self.say(None, format!("time advanced to tick {now}")),
            WorldEvent::TimerFiredByHand { node, kind } => {
                self.say(Some(node), format!("{kind:?} timer fired by hand"))
            }
            WorldEvent::Delivered { env, .. } => {
                if let Addr::Node(n) = env.to {
                    let text = format!("{} → {}: {}", env.from, env.to, env.msg.label());
                    self.say(Some(n), format!("delivered {text}"));
                }
            }
            WorldEvent::Unreachable { env, .. } => {
                let node = match env.to {
                    Addr::Node(n) => Some(n),
                    Addr::Client(_) => None,
                };
                let text = format!("{} lost: {} is unreachable", env.msg.label(), env.to);
                self.say(node, text);
            }
            WorldEvent::Dropped { env, .. } => {
                let text = format!("dropped {} → {}: {}", env.from, env.to, env.msg.label());
                self.say(None, text);
            }
            WorldEvent::Duplicated { id, copy, .. } => {
                self.say(None, format!("duplicated message {id} as {copy}"))
            }
            _ => self.narrate_node_or_setting(e),
        }
    }

    fn narrate_node_or_setting(&mut self, e: &WorldEvent) {
        match *e {
            WorldEvent::Crashed { node, lost } => {
                let n = lost.len();
                let text =
                    format!("n{node} crashed: volatile state and {n} inbound message(s) lost");
                self.say(Some(node), text);
            }
            WorldEvent::Restarted { node } => {
                let id = node.id();
                let at = node.replica().map_or(0, |r| r.snapshot_index);
                let text = format!("n{id} restarted from its disk (snapshot at slot {at})");
                self.say(Some(id), text);
            }
            WorldEvent::Stepped { node, ready, .. } => {
                for e in &ready.events {
                    self.explain(node, e);
                }
            }
            WorldEvent::Partitioned { groups } => {
                let text = format!("network partitioned into {groups:?} (others together)");
                self.say(None, text);
            }
            WorldEvent::RandomPartition { side } => {
                self.say(None, format!("random partition: {side:?} cut off"))
            }
            WorldEvent::Healed { by_hand: true } => self.say(None, "partition healed".into()),
            _ => self.narrate_setting_or_client(e),
        }
    }

    fn narrate_setting_or_client(&mut self, e: &WorldEvent) {
        match *e {
            WorldEvent::NetworkChanged {
                drop_per_mille,
                dup_per_mille,
                delay_ticks_max,
            } => self.say(
                None,
                format!(
                    "network: drop {drop_per_mille}‰, duplicate {dup_per_mille}‰, \
                     delay up to {delay_ticks_max} ticks"
                ),
            ),
            WorldEvent::BugSwitched { bug, enabled } => {
                let state = if enabled { "on" } else { "off" };
                let text = format!("bug {bug} switched {state}: {}", bug.description());
                self.say(None, text);
            }
            WorldEvent::NodeAdded { node } => self.say(
                Some(node),
                "joins the cluster empty: it will catch up (snapshot and missing entries)".into(),
            ),
            WorldEvent::ReconfigurationRequested {
                leader,
                epoch,
                members,
            } => {
                let ids: Vec<String> = members.iter().map(|n| format!("n{n}")).collect();
                let text = format!(
                    "asked to propose configuration #{epoch} ({}); it governs the slots α after the one it is decided in",
                    ids.join(", ")
                );
                self.say(Some(leader), text);
            }
            WorldEvent::FaultsEnded => self.say(
                None,
                "faults stopped: network healed and reliable, every node running".into(),
            ),
            WorldEvent::ClientRetried { client, target } => self.say(
                None,
                format!("c{client} heard nothing and retries with n{target}"),
            ),
            WorldEvent::ClientAnswered {
                client,
                seq,
                op,
                result,
            } => self.say(
                None,
                format!("c{client} got its answer for #{seq} ({op}): {result}"),
            ),
            _ => self.narrate_command_or_quiet(e),
        }
    }

    fn narrate_command_or_quiet(&mut self, e: &WorldEvent) {
        match *e {
            WorldEvent::CommandSubmitted { client, seq, op } => self.say(
                None,
                format!("c{client} sends command c{client}#{seq}: {op}"),
            ),
            WorldEvent::CommandQueued {
                client,
                op,
                behind,
                ahead,
            } => {
                let after = match ahead {
                    0 => String::new(),
                    n => format!(" and the {n} queued before it"),
                };
                let text = format!(
                    "c{client} queued {op}: a client runs one command at a time, so it is \
                     sent once c{client}#{behind}{after} is answered"
                );
                self.say(None, text);
            }
            WorldEvent::Quiet {
                summary,
                went_quiet: true,
            } => summary.narrate(self),
            WorldEvent::Quiet { summary, .. } => {
                let line = format!("still quiet, and {}", summary.leader_text());
                self.say_because(None, line, world_why::QUIET.into());
            }
            _ => {}
        }
    }
}

/// What a run looks like when it goes quiet: who leads, what was decided in which order,
/// and how far each replica applied it (the narration's summary of a run).
#[derive(Clone, Debug)]
pub struct QuietSummary {
    now: u64,
    /// The leader and its ballot.
    leader: Option<(NodeId, Option<Ballot>)>,
    /// With no leader: the running proposer whose election timer fires first, and when.
    next_election: Option<(NodeId, u64)>,
    /// Slots known decided by the most advanced replica.
    decided: Slot,
    /// The newest of them, with their commands.
    last: Vec<(Slot, String)>,
    /// Every replica and what it applied (none while crashed).
    replicas: Vec<(NodeId, Option<Slot>)>,
}

impl QuietSummary {
    /// The summary of `world` as it is now.
    pub fn of(world: &World) -> QuietSummary {
        let ids: Vec<NodeId> = world.node_ids().collect();
        let leader = world
            .leader()
            .map(|id| (id, world.node(id).and_then(|n| n.proposer()?.ballot())));
        let next_election = ids
            .iter()
            .filter(|id| world.roles(**id).proposer && !world.is_crashed(**id))
            .filter_map(|id| Some((*id, world.timer_deadline(*id, TimerKind::Election)?)))
            .min_by_key(|(id, at)| (*at, *id));
        let replicas: Vec<(NodeId, Option<Slot>)> = ids
            .iter()
            .filter(|id| world.roles(**id).replica)
            .map(|id| {
                (
                    *id,
                    world
                        .node(*id)
                        .and_then(|n| n.replica())
                        .map(|r| r.applied_index),
                )
            })
            .collect();
        let best = ids
            .iter()
            .filter_map(|id| world.node(*id)?.replica())
            .max_by_key(|r| r.commit_index);
        let (decided, last) = best.map_or((0, Vec::new()), |r| {
            let from = r
                .commit_index
                .saturating_sub(SUMMARY_SLOTS)
                .max(r.snapshot_index);
            let last = (from..r.commit_index)
                .filter_map(|s| Some((s, describe(r.log.get(&s)?))))
                .collect();
            (r.commit_index, last)
        });
        QuietSummary {
            now: world.now(),
            leader,
            next_election,
            decided,
            last,
            replicas,
        }
    }

    fn narrate(&self, n: &mut Narrator) {
        let quiet = "the run is quiet: no message in flight, every client has its answer";
        n.say_because(None, quiet.into(), world_why::QUIET.into());
        n.say_because(None, self.leader_text(), world_why::QUIET_LEADER.into());
        n.say_because(None, self.decided_text(), world_why::QUIET_DECIDED.into());
        n.say_because(None, self.replicas_text(), world_why::QUIET_REPLICAS.into());
    }

    fn leader_text(&self) -> String {
        match (self.leader, self.next_election) {
            (Some((id, Some(b))), _) => format!("n{id} leads with b={b}"),
            (Some((id, None)), _) => format!("n{id} leads"),
            (None, Some((id, at))) => format!(
                "no leader yet: n{id}'s election timer fires next, at tick {at} (now {})",
                self.now
            ),
            (None, None) => "no leader, and no running proposer has an election timer set".into(),
        }
    }

    fn decided_text(&self) -> String {
        let list: Vec<String> = self.last.iter().map(|(s, v)| format!("{s}: {v}")).collect();
        let list = list.join(" · ");
        match self.decided {
            0 => "nothing is decided yet".into(),
            d if d <= SUMMARY_SLOTS && self.last.len() as u64 == d => {
                format!("decided, in log order: {list}")
            }
            d => format!("{d} slots decided; the newest, in log order: {list}"),
        }
    }

    fn replicas_text(&self) -> String {
        let all = self.replicas.iter().all(|(_, a)| *a == Some(self.decided));
        let names: Vec<String> = self
            .replicas
            .iter()
            .map(|(id, _)| format!("n{id}"))
            .collect();
        if all {
            let d = self.decided;
            return format!("every replica applied all {d} slots: {}", names.join(", "));
        }
        let each: Vec<String> = self
            .replicas
            .iter()
            .map(|(id, a)| match a {
                Some(a) => format!("n{id} applied {a}"),
                None => format!("n{id} is crashed"),
            })
            .collect();
        format!("replicas: {}", each.join(", "))
    }
}
