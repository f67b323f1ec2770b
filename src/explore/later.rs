//! Starting the run at one of its later elections, a pass of the shrinker (`shrink`).
//!
//! A fuzz run often reaches its violation only in its last leader's term, after earlier
//! elections, commands and restarts that left their marks (slots filled, ballots raised)
//! but that the violation does not need. ddmin cannot cut them: the last term's steps name
//! the slots and ballots those left, and the term's leader re-proposes what it found. Here
//! the run starts at an election instead (a node's election timer firing, or its restart):
//! the steps before it go, save the operator's reconfigurations, and the commands all of
//! whose requests were delivered before it go with the steps that carry them, the later
//! ones renumbered (`commands`). A reconfiguration asked for before the cut is then asked
//! for at each place of the shorter run in turn, and with each of these each client
//! request moved to each other place (the leader of a new term picks up the requests waiting for it when elected,
//! so which slot a command takes depends on this order). Steps find their messages
//! strictly (`matching::resolve_as`: by slot, then ballot round, then kind of value), since
//! the ballots of a shorter run are lower. Each candidate still violating the same
//! invariant is shrunk by ddmin; the shortest is kept.
use super::commands::{client_and_seq, without_command_marked};
use super::shrink::{ddmin, test_as, MessageAction, Step};
use crate::paxos::{Addr, Message, TimerKind};
use crate::sim::{Action, Scenario};

/// Candidate runs tested at most, over every cut.
pub const MAX_TESTS: usize = 40_000;

/// Candidates that still violate shrunk by ddmin at most.
const MAX_SHRUNK: usize = 40;

/// The places where a term may start: a node's election timer firing or its restart, or
/// the tick just before (the latest first).
fn cuts(steps: &[Step]) -> Vec<usize> {
    let mut out = Vec::new();
    for i in 1..steps.len() {
        let starts = matches!(
            steps[i],
            Step::Other(Action::FireTimer {
                timer: TimerKind::Election,
                ..
            }) | Step::Other(Action::Restart { .. })
        );
        if !starts {
            continue;
        }
        // With the tick before it, too: the clients' retries may need it.
        if matches!(steps[i - 1], Step::Other(Action::Tick)) {
            out.push(i - 1);
        }
        out.push(i);
    }
    out.reverse();
    out
}

/// Whether a step delivers a client's request for the command `(client, seq)`.
fn requests(s: &Step, client: u32, seq: u64) -> bool {
    matches!(s, Step::Message { kind: MessageAction::Deliver, env }
        if matches!(&env.msg, Message::Request { command, .. } if command.client == client && command.seq == seq))
}

/// An operator's action that the run keeps when it starts later.
fn operator(s: &Step) -> bool {
    matches!(s, Step::Other(Action::Reconfigure { .. }))
}

/// The run from `cut` on (see the module comment): its start without the commands all of
/// whose requests came before, and the steps after the cut (renumbered, operator actions
/// left out); with the operator actions of the whole run, in order.
fn from_cut(base: &Scenario, steps: &[Step], cut: usize) -> (Scenario, Vec<Step>, Vec<Step>) {
    let script = base.config.workload.script.clone();
    let mut b = base.clone();
    let mut marked: Vec<Option<Step>> = steps.iter().cloned().map(Some).collect();
    for index in (0..script.len()).rev() {
        let (client, seq) = client_and_seq(&script, index);
        let later = marked[cut..]
            .iter()
            .flatten()
            .any(|s| requests(s, client, seq));
        if later {
            continue;
        }
        let kept: Vec<Step> = marked.iter().flatten().cloned().collect();
        let (fewer, renumbered) = without_command_marked(&b, &kept, index);
        let mut it = renumbered.into_iter();
        for m in marked.iter_mut().filter(|m| m.is_some()) {
            *m = it.next().flatten();
        }
        b = fewer;
    }
    let ops = marked
        .iter()
        .flatten()
        .filter(|s| operator(s))
        .cloned()
        .collect();
    let tail = marked[cut..]
        .iter()
        .flatten()
        .filter(|s| !operator(s))
        .cloned()
        .collect();
    (b, tail, ops)
}

/// Calls `f` on each candidate of one cut until it says stop: `op` (if any) asked for at
/// each place of `tail`, each with, in turn, no request moved or one request moved to each other place.
fn each_candidate(tail: &[Step], op: Option<&Step>, f: &mut dyn FnMut(&[Step]) -> bool) {
    let places = if op.is_some() { tail.len() + 1 } else { 1 };
    for at in 0..places {
        let mut c = tail.to_vec();
        if let Some(op) = op {
            c.insert(at, op.clone());
        }
        if !f(&c) {
            return;
        }
        for i in 0..c.len() {
            let is_request = matches!(&c[i], Step::Message { kind: MessageAction::Deliver, env }
                if matches!(env.from, Addr::Client(_)));
            if !is_request {
                continue;
            }
            for j in (0..c.len()).filter(|&j| j != i) {
                let mut moved = c.clone();
                let r = moved.remove(i);
                moved.insert(j, r);
                if !f(&moved) {
                    return;
                }
            }
        }
    }
}

/// A run shorter than `len` steps violating `invariant`, started at one of the run's later
/// elections (see the module comment): its start, steps and actions. Runs with more than
/// one reconfiguration are left as they are.
pub(super) fn later_start(
    base: &Scenario,
    steps: &[Step],
    invariant: &str,
    len: usize,
) -> Option<(Scenario, Vec<Step>, Vec<Action>)> {
    let mut best: Option<(Scenario, Vec<Step>, Vec<Action>)> = None;
    let mut best_len = len;
    let (mut tests, mut shrunk) = (0usize, 0usize);
    let mut tried: Vec<Vec<Step>> = Vec::new();
    for cut in cuts(steps) {
        let (b, tail, ops) = from_cut(base, steps, cut);
        if ops.len() > 1 {
            return None;
        }
        each_candidate(&tail, ops.first(), &mut |c| {
            if tests >= MAX_TESTS || shrunk >= MAX_SHRUNK {
                return false;
            }
            tests += 1;
            let Some((s, _)) = test_as(&b, c, invariant, true) else {
                return true;
            };
            if tried.contains(&s) {
                return true;
            }
            tried.push(s.clone());
            shrunk += 1;
            let (s, a) = ddmin(&b, s, invariant);
            if a.len() < best_len {
                best_len = a.len();
                best = Some((b.clone(), s, a));
            }
            true
        });
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::Op;
    use crate::paxos::{Command, Envelope};
    use crate::sim::scenario::ScriptedOp;

    fn request(client: u32, seq: u64) -> Step {
        let op = Op::Put {
            key: "x".into(),
            value: client.to_string().into(),
        };
        Step::Message {
            kind: MessageAction::Deliver,
            env: Envelope {
                from: Addr::Client(client),
                to: Addr::Node(7),
                msg: Message::Request {
                    command: Command { client, seq, op },
                    forwarded: false,
                },
            },
        }
    }

    fn fire(node: u32) -> Step {
        Step::Other(Action::FireTimer {
            node,
            timer: TimerKind::Election,
        })
    }

    #[test]
    fn a_term_starts_at_an_election_or_a_restart_with_the_tick_before_latest_first() {
        let steps = [
            Step::Other(Action::Tick),
            fire(7),
            request(1, 1),
            Step::Other(Action::Tick),
            Step::Other(Action::Restart { node: 7 }),
            Step::Other(Action::FireTimer {
                node: 7,
                timer: TimerKind::Heartbeat,
            }),
        ];
        assert_eq!(cuts(&steps), [4, 3, 1, 0]);
    }

    #[test]
    fn a_later_start_leaves_out_the_commands_requested_before_it_and_keeps_the_reconfiguration() {
        let mut base = crate::explore::small_scenario(3, 2, None);
        base.config.workload.script = (1..=2)
            .map(|client| ScriptedOp {
                client,
                op: Op::Put {
                    key: "x".into(),
                    value: client.to_string().into(),
                },
            })
            .collect();
        let reconfigure = Step::Other(Action::Reconfigure { nodes: Vec::new() });
        let steps = [request(1, 1), reconfigure.clone(), fire(7), request(2, 1)];
        let (b, tail, ops) = from_cut(&base, &steps, 2);
        assert_eq!(b.config.workload.script.len(), 1);
        assert_eq!(b.config.workload.script[0].client, 2);
        assert_eq!(tail, [fire(7), request(2, 1)]);
        assert_eq!(ops, std::slice::from_ref(&reconfigure));
        // The reconfiguration at each of 3 places; with each, the request moved to each
        // of the 2 other places.
        let mut n = 0;
        each_candidate(&tail, Some(&reconfigure), &mut |c| {
            assert_eq!(c.len(), 3);
            n += 1;
            true
        });
        assert_eq!(n, 3 * (1 + 2));
    }
}
