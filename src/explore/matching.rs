//! Which in-flight message a shrunk run's step stands for (issue 10, part 2). A step names
//! its message by content; after a removal upstream that exact message may be gone (one
//! command less in a batch, another ballot, other node ids after `relabel`), and the step
//! then takes the message of the same kind and ends that resembles it the most, so the run
//! stays meaningful.
use super::shrink::{MessageAction, Step};
use crate::paxos::Message;
use crate::sim::network::InFlight;
use crate::sim::{Action, Layout, World};

/// The action `step` stands for in `w`, if it can be taken there, and the step as taken.
/// A message is the oldest in-flight copy equal to the one named; failing that, one of the
/// same kind between the same two ends ([`stand_in`]); failing that, loosely, the oldest of
/// the same kind between any ends.
/// When `strict` (a run relabelled onto other nodes, `relabel`), a message is found only
/// by its content or, among those of its kind and ends, by [`closeness`]: never by kind
/// alone.
pub(super) fn resolve_as(w: &World, step: &Step, strict: bool) -> Option<(Action, Step)> {
    let (kind, env) = match step {
        Step::Other(a) => return Some((a.clone(), step.clone())),
        Step::Message { kind, env } => (kind, env),
    };
    let flying = w.in_flight();
    let named = &env.msg;
    let any_ends = |m: &&InFlight| same_kind(&m.env.msg, named);
    let m = flying
        .iter()
        .find(|m| *m.env == *env)
        .or_else(|| stand_in(w, flying, env, strict))
        .or_else(|| flying.iter().filter(|_| !strict).find(any_ends))?;
    let id = m.id;
    let action = match kind {
        MessageAction::Deliver => Action::Deliver { id },
        MessageAction::Drop => Action::Drop { id },
        MessageAction::Duplicate => Action::Duplicate { id },
    };
    let taken = Step::Message {
        kind: *kind,
        env: (*m.env).clone(),
    };
    Some((action, taken))
}

/// Whether two messages carry values of one kind (both no-ops, both commands, both
/// configurations), or neither carries a value: among Accepts of one slot whose ballot
/// rounds both differ from the one named (after an upstream change renumbered them), the
/// no-op a new leader proposes is told from the command an old one did.
fn same_value(a: &Message, b: &Message) -> bool {
    let v = |m: &Message| match m {
        Message::Accept { value, .. } => Some(std::mem::discriminant(value)),
        _ => None,
    };
    v(a) == v(b)
}

/// Whether two messages are of one kind.
fn same_kind(a: &Message, b: &Message) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Whether a message is an answer to a catch-up: entries or a snapshot.
fn catch_up_answer(m: &Message) -> bool {
    matches!(
        m,
        Message::CatchUpReply { .. } | Message::InstallSnapshot { .. }
    )
}

/// The in-flight message of the same kind and ends that stands for `env`, which is gone.
/// Strictly, the one whose ballot round, slot or command number match the most
/// ([`closeness`]), then whose value is of the same kind ([`same_value`]). Loosely, the one that resembles it the most ([`likeness`]; a catch-up
/// answer may stand for the other kind: a snapshot where entries were sent, or entries
/// where a snapshot was, once the run or its configuration changed upstream): after a
/// change upstream the oldest may be a message the run left in flight long ago. On the
/// seed layout, the oldest of the same kind and ends (measured 2026-12-07: the likest
/// takes read-without-lease's run on 3 servers from 54 steps to 33, but
/// reconfig-without-alpha's on the seed layout from 123 to 153). Among equals, the oldest.
fn stand_in<'a>(
    w: &World,
    flying: &'a [InFlight],
    env: &crate::paxos::Envelope,
    strict: bool,
) -> Option<&'a InFlight> {
    let same_ends = |m: &&InFlight| m.env.from == env.from && m.env.to == env.to;
    let same = |m: &&InFlight| same_ends(m) && same_kind(&m.env.msg, &env.msg);
    if !strict && w.config().layout == Layout::Seed {
        return flying.iter().find(same);
    }
    let mut best: Option<(u32, &InFlight)> = None;
    for m in flying.iter().filter(same_ends) {
        let score = if strict {
            if !same_kind(&m.env.msg, &env.msg) {
                continue;
            }
            let Some(c) = closeness(&m.env.msg, &env.msg) else {
                continue;
            };
            2 * c + u32::from(same_value(&m.env.msg, &env.msg))
        } else {
            let answers = catch_up_answer(&m.env.msg) && catch_up_answer(&env.msg);
            if !same_kind(&m.env.msg, &env.msg) && !answers {
                continue;
            }
            likeness(&m.env.msg, &env.msg)
        };
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, m));
        }
    }
    best.map(|(_, m)| m)
}

/// Whether `a` may stand for `b`, two messages of one kind that may carry other node and
/// client ids (a run relabelled onto other nodes, `relabel`): the number that tells such
/// messages apart (slot, first slot, command number, commit index) must be equal; then 1
/// if their ballot rounds are too, else 0.
fn closeness(a: &Message, b: &Message) -> Option<u32> {
    let round = |m: &Message| m.ballot().map(|b| b.round);
    let number = |m: &Message| match m {
        Message::Prepare { from_slot, .. } | Message::CatchUp { from_slot } => Some(*from_slot),
        Message::Accept { slot, .. } | Message::Accepted { slot, .. } => Some(*slot),
        Message::Request { command, .. } => Some(command.seq),
        Message::Reply { seq, .. } | Message::NotLeader { seq, .. } => Some(*seq),
        Message::CatchUpReply { commit_index, .. } => Some(*commit_index),
        Message::InstallSnapshot { snapshot } => Some(snapshot.index),
        _ => None,
    };
    (number(a) == number(b)).then(|| u32::from(round(a) == round(b)))
}

/// How much `a` resembles `b`, two messages of one kind: 2 for the same ballot, 1 for the
/// same slot, first slot, command number or commit index (see [`closeness`]).
fn likeness(a: &Message, b: &Message) -> u32 {
    let ballot = u32::from(a.ballot().is_some() && a.ballot() == b.ballot());
    2 * ballot + closeness(a, b).map_or(0, |_| 1)
}
