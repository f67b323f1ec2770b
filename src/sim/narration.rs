//! The narration of a step in words (the page's event list): built from the world's events,
//! only while narration is on (the page wants it; the fuzzer and bulk runs do not).
use super::event::WorldEvent;
use crate::paxos::{Addr, NodeId};
use serde::Serialize;

/// One line of narration: what happened in the last step, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NarrationLine {
    /// The node it concerns, if any.
    pub node: Option<NodeId>,
    /// What happened, in words.
    pub text: String,
}

/// Turns the events of the current step into lines.
#[derive(Clone, Debug, Default)]
pub struct Narrator {
    on: bool,
    lines: Vec<NarrationLine>,
}

impl Narrator {
    /// Whether the next steps are narrated.
    pub fn set_on(&mut self, on: bool) {
        self.on = on;
    }

    /// The lines of the last step.
    pub fn lines(&self) -> &[NarrationLine] {
        &self.lines
    }

    fn say(&mut self, node: Option<NodeId>, text: String) {
        self.lines.push(NarrationLine { node, text });
    }

    /// Narrates one event (a new step starts with no lines).
    pub fn observe(&mut self, e: &WorldEvent) {
        if let WorldEvent::Step { .. } = e {
            self.lines.clear();
        }
        if !self.on {
            return;
        }
        match *e {
            WorldEvent::Tick { now } => self.say(None, format!("time advanced to tick {now}")),
            WorldEvent::TimerFiredByHand { node, kind } => {
                self.say(Some(node), format!("{kind:?} timer fired by hand"))
            }
            WorldEvent::Delivered { env } => {
                if let Addr::Node(n) = env.to {
                    let text = format!("{} → {}: {}", env.from, env.to, env.msg.label());
                    self.say(Some(n), format!("delivered {text}"));
                }
            }
            WorldEvent::Unreachable { env } => {
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
                    self.say(Some(node), format!("n{node} {e}"));
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
            _ => {}
        }
    }
}
