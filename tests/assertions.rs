//! The core's assertions are live in debug builds: an input the protocol can never produce
//! trips the assertion that states the broken fact, and the same input is let through when
//! an injected bug that legitimately produces it ran — so the checkers, not a panic, report
//! what the bug broke.
#![cfg(all(debug_assertions, not(target_arch = "wasm32")))]

use paxoscope::kv::Op;
use paxoscope::paxos::durable::DurableState;
use paxoscope::paxos::message::AcceptedEntry;
use paxoscope::paxos::{
    Addr, Ballot, Bug, Command, Config, Envelope, Input, Message, Node, NodeId, TimerKind, Value,
};
use std::sync::Arc;

fn val(v: &str) -> Value {
    let command = Command {
        client: 1,
        seq: 1,
        op: Op::Put {
            key: "x".into(),
            value: v.into(),
        },
    };
    Value::Commands(vec![command].into())
}

fn msg(from: NodeId, to: NodeId, msg: Message) -> Input {
    Input::Message(Envelope {
        from: Addr::Node(from),
        to: Addr::Node(to),
        msg,
    })
}

fn with_bug(mut config: Config, bug: Option<Bug>) -> Arc<Config> {
    if let Some(bug) = bug {
        config.bugs.set(bug, true);
    }
    Arc::new(config)
}

/// Node 1 of three servers starts phase 1 and gets a Promise from node 2 reporting a value
/// accepted in a ballot above the one being prepared.
fn promise_from_the_future(bug: Option<Bug>) -> Node {
    let mut n = Node::new(
        1,
        with_bug(Config::servers(3), bug),
        DurableState::default(),
    );
    let r = n.step(Input::Timeout(TimerKind::Election));
    let Message::Prepare { ballot, .. } = r.messages[0].msg else {
        panic!("expected Prepare")
    };
    let entry = AcceptedEntry {
        slot: 0,
        ballot: Ballot::new(ballot.round + 1, 3),
        value: val("later"),
    };
    let promise = Message::Promise {
        ballot,
        truncated_below: 0,
        accepted: vec![entry],
    };
    n.step(msg(2, 1, promise));
    n
}

#[test]
#[should_panic(expected = "a Promise reports a value accepted at or above its ballot")]
fn a_promise_reporting_a_value_above_its_ballot_trips_an_assertion() {
    promise_from_the_future(None);
}

#[test]
fn with_ballots_shared_by_a_bug_the_same_promise_goes_through() {
    let n = promise_from_the_future(Some(Bug::BallotsWithoutProposerId));
    assert!(
        n.is_leader(),
        "phase 1 completes and the checkers judge the run"
    );
}

#[test]
#[should_panic(expected = "an ack from a non-acceptor")]
fn an_acknowledgement_from_a_non_acceptor_trips_an_assertion() {
    // Seed layout: acceptors 1–5, proposers 6 and 7. Node 6 leads; node 7 "acknowledges".
    let mut n = Node::new(6, Arc::new(Config::seed_layout()), DurableState::default());
    let r = n.step(Input::Timeout(TimerKind::Election));
    let Message::Prepare { ballot, .. } = r.messages[0].msg else {
        panic!("expected Prepare")
    };
    for a in 1..=3 {
        let promise = Message::Promise {
            ballot,
            truncated_below: 0,
            accepted: vec![],
        };
        n.step(msg(a, 6, promise));
    }
    assert!(n.is_leader());
    // Slot 0 is proposed (to acceptors 1–5 only), so an ack for it is looked at.
    n.step(Input::Message(Envelope {
        from: Addr::Client(1),
        to: Addr::Node(6),
        msg: Message::Request {
            command: val("v").commands()[0].clone(),
            forwarded: false,
        },
    }));
    n.step(msg(7, 6, Message::Accepted { ballot, slot: 0 }));
}

#[test]
#[should_panic(expected = "delivered to the wrong node")]
fn a_message_handed_to_the_wrong_node_trips_an_assertion() {
    let mut n = Node::new(2, Arc::new(Config::servers(3)), DurableState::default());
    n.step(msg(1, 3, Message::CatchUp { from_slot: 0 }));
}

/// Node 2 learns slot 0 = "a" from leader 1's commit index, then a catch-up reply says
/// slot 0 = "b".
fn learn_slot_zero_twice(node: &mut Node) {
    let ballot = Ballot::new(1, 1);
    let first = Message::Accept {
        ballot,
        slot: 0,
        value: val("a"),
        commit_index: 0,
        safe_point: 0,
    };
    node.step(msg(1, 2, first));
    let commit = Message::Heartbeat {
        ballot,
        commit_index: 1,
        safe_point: 0,
        lease_round: None,
    };
    let r = node.step(msg(1, 2, commit));
    assert_eq!(r.decided, vec![(0, val("a"))]);
    let reply = Message::CatchUpReply {
        entries: vec![(0, val("b"))],
        commit_index: 1,
    };
    let r = node.step(msg(3, 2, reply));
    assert!(r.decided.is_empty(), "a decided slot is never overwritten");
}

#[test]
#[should_panic(expected = "slot 0 learned with a second value")]
fn a_second_value_for_a_decided_slot_trips_an_assertion() {
    let mut n = Node::new(2, Arc::new(Config::servers(3)), DurableState::default());
    learn_slot_zero_twice(&mut n);
}

#[test]
fn a_bug_that_breaks_agreement_lets_the_second_value_through_even_once_switched_off() {
    let config = Config::servers(3);
    let buggy = with_bug(config.clone(), Some(Bug::SmallQuorum));
    let mut n = Node::new(2, buggy, DurableState::default());
    n.set_config(Arc::new(config));
    learn_slot_zero_twice(&mut n);
    assert_eq!(n.replica().unwrap().log[&0], val("a"));
}
