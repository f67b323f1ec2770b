//! Leaving one client command out of a failing run, a pass of the shrinker (`shrink`).
//!
//! Leaving a command out of the clients' script alone seldom keeps a run failing: the steps
//! that carried it (its request, the Accepts and Accepteds of its slot, its reply) then take
//! other messages, and every later slot and command number of the run is one too high, so
//! the later steps no longer name the messages they took. Here the command goes with the
//! steps that carry it, and the later steps are renumbered: each slot above a slot that
//! only the command filled moves down one, and each later command of the same client takes
//! the number before. The result is a candidate like any other: the shrinker keeps it only
//! if it still violates the same invariant (`shrink::test`).
use super::shrink::Step;
use crate::kv::ClientId;
use crate::paxos::{Addr, Command, Envelope, Message, Slot, Value};
use crate::sim::scenario::ScriptedOp;
use crate::sim::Scenario;

/// The command the shrinker leaves out: its client and sequence number.
#[derive(Clone, Copy)]
struct Gone {
    client: ClientId,
    seq: u64,
}

impl Gone {
    fn is(&self, c: &Command) -> bool {
        c.client == self.client && c.seq == self.seq
    }

    /// `v` without the command; `None` when nothing else is left in it.
    fn value(&self, v: &Value) -> Option<Value> {
        match v {
            Value::Commands(cs) if cs.iter().any(|c| self.is(c)) => {
                let rest: Vec<Command> = cs
                    .iter()
                    .filter(|c| !self.is(c))
                    .map(|c| self.command(c))
                    .collect();
                (!rest.is_empty()).then(|| Value::Commands(rest.into()))
            }
            Value::Commands(cs) if cs.iter().any(|c| self.renumbers(c)) => Some(Value::Commands(
                cs.iter()
                    .map(|c| self.command(c))
                    .collect::<Vec<_>>()
                    .into(),
            )),
            other => Some(other.clone()),
        }
    }

    fn renumbers(&self, c: &Command) -> bool {
        c.client == self.client && c.seq > self.seq
    }

    /// A later command of the same client takes the number before.
    fn command(&self, c: &Command) -> Command {
        let mut c = c.clone();
        if self.renumbers(&c) {
            c.seq -= 1;
        }
        c
    }

    fn seq(&self, to: Addr, seq: u64) -> u64 {
        if to == Addr::Client(self.client) && seq > self.seq {
            seq - 1
        } else {
            seq
        }
    }
}

/// The slots only the command filled, in increasing order.
fn its_slots(steps: &[Step], gone: Gone) -> Vec<Slot> {
    let mut out = Vec::new();
    for s in steps {
        if let Step::Message { env, .. } = s {
            if let Message::Accept { slot, value, .. } = &env.msg {
                if gone.value(value).is_none() && !out.contains(slot) {
                    out.push(*slot);
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// A slot renumbered once the slots `gone` are left out.
fn slot(gone: &[Slot], s: Slot) -> Slot {
    s - gone.iter().filter(|&&g| g < s).count() as Slot
}

/// The message renumbered, or `None` when it carries only the command (its request, its
/// reply, an Accept or Accepted of one of its slots).
fn message(env: &Envelope, gone: Gone, slots: &[Slot]) -> Option<Envelope> {
    let msg = match &env.msg {
        Message::Request { .. } | Message::Reply { .. } | Message::NotLeader { .. } => {
            client_message(env, gone)?
        }
        Message::Promise { .. }
        | Message::CatchUpReply { .. }
        | Message::InstallSnapshot { .. } => log_message(&env.msg, gone, slots),
        other => slot_message(other, gone, slots)?,
    };
    Some(Envelope {
        from: env.from,
        to: env.to,
        msg,
    })
}

/// A message between a client and the cluster renumbered, or `None` when it is the
/// command's own request or reply.
fn client_message(env: &Envelope, gone: Gone) -> Option<Message> {
    Some(match &env.msg {
        Message::Request { command, forwarded } => {
            if gone.is(command) {
                return None;
            }
            Message::Request {
                command: gone.command(command),
                forwarded: *forwarded,
            }
        }
        Message::Reply { seq, result } => {
            if env.to == Addr::Client(gone.client) && *seq == gone.seq {
                return None;
            }
            Message::Reply {
                seq: gone.seq(env.to, *seq),
                result: result.clone(),
            }
        }
        Message::NotLeader { seq, hint } => {
            if env.to == Addr::Client(gone.client) && *seq == gone.seq {
                return None;
            }
            Message::NotLeader {
                seq: gone.seq(env.to, *seq),
                hint: *hint,
            }
        }
        other => other.clone(),
    })
}

/// A message that names slots renumbered, or `None` when it is an Accept or Accepted of
/// one of the command's slots.
fn slot_message(msg: &Message, gone: Gone, slots: &[Slot]) -> Option<Message> {
    let sl = |s: Slot| slot(slots, s);
    Some(match msg {
        Message::Accept {
            ballot,
            slot,
            value,
            commit_index,
            safe_point,
        } => {
            if slots.contains(slot) {
                return None;
            }
            Message::Accept {
                ballot: *ballot,
                slot: sl(*slot),
                value: gone.value(value)?,
                commit_index: sl(*commit_index),
                safe_point: sl(*safe_point),
            }
        }
        Message::Accepted { ballot, slot } => {
            if slots.contains(slot) {
                return None;
            }
            Message::Accepted {
                ballot: *ballot,
                slot: sl(*slot),
            }
        }
        Message::Prepare { ballot, from_slot } => Message::Prepare {
            ballot: *ballot,
            from_slot: sl(*from_slot),
        },
        Message::Heartbeat {
            ballot,
            commit_index,
            safe_point,
            lease_round,
        } => Message::Heartbeat {
            ballot: *ballot,
            commit_index: sl(*commit_index),
            safe_point: sl(*safe_point),
            lease_round: *lease_round,
        },
        Message::CatchUp { from_slot } => Message::CatchUp {
            from_slot: sl(*from_slot),
        },
        other => other.clone(),
    })
}

/// A message that carries log entries (a promise's votes, a catch-up's entries, a
/// snapshot), with the command's slots left out and the rest renumbered.
fn log_message(msg: &Message, gone: Gone, slots: &[Slot]) -> Message {
    let sl = |s: Slot| slot(slots, s);
    match msg {
        Message::Promise {
            ballot,
            truncated_below,
            accepted,
        } => Message::Promise {
            ballot: *ballot,
            truncated_below: sl(*truncated_below),
            accepted: accepted
                .iter()
                .filter(|e| !slots.contains(&e.slot))
                .filter_map(|e| {
                    let mut e = e.clone();
                    e.value = gone.value(&e.value)?;
                    e.slot = sl(e.slot);
                    Some(e)
                })
                .collect(),
        },
        Message::CatchUpReply {
            entries,
            commit_index,
        } => Message::CatchUpReply {
            entries: entries
                .iter()
                .filter(|(s, _)| !slots.contains(s))
                .filter_map(|(s, v)| Some((sl(*s), gone.value(v)?)))
                .collect(),
            commit_index: sl(*commit_index),
        },
        Message::InstallSnapshot { snapshot } => {
            let mut snapshot = snapshot.clone();
            snapshot.index = sl(snapshot.index);
            Message::InstallSnapshot { snapshot }
        }
        other => other.clone(),
    }
}

/// The run of `base` and `steps` without the `index`-th command of its script, the steps
/// that carry it and with the later ones renumbered (see the module comment).
pub(super) fn without_command(
    base: &Scenario,
    steps: &[Step],
    index: usize,
) -> (Scenario, Vec<Step>) {
    let (fewer, marked) = without_command_marked(base, steps, index);
    (fewer, marked.into_iter().flatten().collect())
}

/// The client of the script's command `index` and the number it has among that client's
/// commands (from 1), as its requests carry them.
pub(super) fn client_and_seq(script: &[ScriptedOp], index: usize) -> (ClientId, u64) {
    let client = script[index].client;
    let seq = 1 + script[..index]
        .iter()
        .filter(|o| o.client == client)
        .count() as u64;
    (client, seq)
}

/// [`without_command`], each step of `steps` in its place: renumbered, or `None` when it
/// goes with the command.
pub(super) fn without_command_marked(
    base: &Scenario,
    steps: &[Step],
    index: usize,
) -> (Scenario, Vec<Option<Step>>) {
    let (client, seq) = client_and_seq(&base.config.workload.script, index);
    let gone = Gone { client, seq };
    let slots = its_slots(steps, gone);
    let mut fewer = base.clone();
    fewer.config.workload.script.remove(index);
    let kept = steps
        .iter()
        .map(|s| match s {
            Step::Message { kind, env } => {
                message(env, gone, &slots).map(|env| Step::Message { kind: *kind, env })
            }
            other => Some(other.clone()),
        })
        .collect();
    (fewer, kept)
}
