//! One test per protocol rule, driving nodes directly through the sans-IO interface.
//! Each fails if its rule is broken (several show it with the matching injected bug).
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::kv::Op;
use paxoscope::paxos::durable::{DurableState, DurableWrite};
use paxoscope::paxos::message::AcceptedEntry;
use paxoscope::paxos::{
    Addr, Ballot, Bug, Command, Config, Envelope, Input, Message, Node, NodeId, NodeSpec, Ready,
    Roles, TimerCmd, TimerKind, Value,
};
use std::sync::Arc;

fn b(round: u64, proposer: NodeId) -> Ballot {
    Ballot::new(round, proposer)
}

fn put(client: u32, seq: u64, v: &str) -> Command {
    Command {
        client,
        seq,
        op: Op::Put {
            key: "x".into(),
            value: v.into(),
        },
    }
}

fn val(v: &str) -> Value {
    Value::Commands(vec![put(1, 1, v)].into())
}

fn msg(from: NodeId, to: NodeId, msg: Message) -> Input {
    Input::Message(Envelope {
        from: Addr::Node(from),
        to: Addr::Node(to),
        msg,
    })
}

fn accept(ballot: Ballot, slot: u64, v: Value) -> Message {
    Message::Accept {
        ballot,
        slot,
        value: v,
        commit_index: 0,
        safe_point: 0,
    }
}

fn prepare(ballot: Ballot) -> Message {
    Message::Prepare {
        ballot,
        from_slot: 0,
    }
}

/// A pure acceptor (node 1 of the seed layout), fresh or from a disk.
fn acceptor(config: Config, disk: DurableState) -> Node {
    Node::new(1, Arc::new(config), disk)
}

fn replies(r: &Ready) -> Vec<&Message> {
    r.messages.iter().map(|e| &e.msg).collect()
}

fn disk_after(steps: &[&Ready]) -> DurableState {
    let mut d = DurableState::default();
    for r in steps {
        for w in &r.persist {
            d.apply(w);
        }
    }
    d
}

#[test]
fn acceptor_refuses_accept_below_its_promise() {
    let mut a = acceptor(Config::seed_layout(), DurableState::default());
    let r = a.step(msg(6, 1, prepare(b(2, 6))));
    assert!(matches!(replies(&r)[0], Message::Promise { ballot, .. } if *ballot == b(2, 6)));
    let r = a.step(msg(7, 1, accept(b(1, 7), 0, val("old"))));
    assert_eq!(
        replies(&r),
        vec![&Message::Nack {
            ballot: b(1, 7),
            promised: b(2, 6)
        }]
    );
    assert!(
        r.persist.is_empty(),
        "nothing is stored for a refused Accept"
    );
    assert!(a.durable().acceptor.as_ref().unwrap().accepted.is_empty());
}

#[test]
fn with_accept_below_promise_bug_the_acceptor_accepts() {
    let mut c = Config::seed_layout();
    c.bugs.set(Bug::AcceptBelowPromise, true);
    let mut a = acceptor(c, DurableState::default());
    a.step(msg(6, 1, prepare(b(2, 6))));
    let r = a.step(msg(7, 1, accept(b(1, 7), 0, val("old"))));
    assert!(matches!(replies(&r)[0], Message::Accepted { .. }));
}

#[test]
fn acceptor_promises_only_at_or_above_its_promise_and_persists_before_replying() {
    let mut a = acceptor(Config::seed_layout(), DurableState::default());
    let r = a.step(msg(6, 1, prepare(b(3, 6))));
    assert_eq!(r.persist, vec![DurableWrite::Promise { ballot: b(3, 6) }]);
    let r = a.step(msg(7, 1, prepare(b(3, 5))));
    assert!(matches!(replies(&r)[0], Message::Nack { .. }), "3.5 < 3.6");
    let r = a.step(msg(6, 1, prepare(b(3, 6))));
    assert!(
        matches!(replies(&r)[0], Message::Promise { .. }),
        "a retransmitted Prepare is answered"
    );
    assert!(r.persist.is_empty(), "and nothing new is written");
}

#[test]
fn restarted_acceptor_still_refuses_lower_ballots() {
    let mut a = acceptor(Config::seed_layout(), DurableState::default());
    let r1 = a.step(msg(6, 1, prepare(b(5, 6))));
    let mut restarted = acceptor(Config::seed_layout(), disk_after(&[&r1]));
    let r = restarted.step(msg(7, 1, accept(b(4, 7), 0, val("stale"))));
    assert!(matches!(replies(&r)[0], Message::Nack { promised, .. } if *promised == b(5, 6)));
}

#[test]
fn a_forgetful_acceptor_loses_its_promise_in_a_crash() {
    let mut c = Config::seed_layout();
    c.bugs.set(Bug::ForgetfulAcceptor, true);
    let mut a = acceptor(c.clone(), DurableState::default());
    let r1 = a.step(msg(6, 1, prepare(b(5, 6))));
    assert!(r1.persist.is_empty(), "the promise never reached the disk");
    let mut restarted = acceptor(c, disk_after(&[&r1]));
    let r = restarted.step(msg(7, 1, accept(b(4, 7), 0, val("stale"))));
    assert!(matches!(replies(&r)[0], Message::Accepted { .. }));
}

#[test]
fn acceptor_keeps_only_the_highest_ballot_value_per_slot_and_reports_it() {
    let mut a = acceptor(Config::seed_layout(), DurableState::default());
    a.step(msg(6, 1, accept(b(1, 6), 0, val("first"))));
    a.step(msg(7, 1, accept(b(2, 7), 0, val("second"))));
    let stored = &a.durable().acceptor.as_ref().unwrap().accepted;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[&0], (b(2, 7), val("second")));
    let r = a.step(msg(6, 1, prepare(b(3, 6))));
    match replies(&r)[0] {
        Message::Promise { accepted, .. } => assert_eq!(
            accepted,
            &vec![AcceptedEntry {
                slot: 0,
                ballot: b(2, 7),
                value: val("second")
            }]
        ),
        m => panic!("expected a Promise, got {m:?}"),
    }
}

/// Node 1 of a 3-server cluster runs for leader and receives `promises` from nodes 2, 3.
/// Node 1 runs phase 1 and receives `promises`. It has used round 2 before, so its ballot
/// (3.1) is above every ballot the promises report, as it must be: an acceptor that
/// promised a ballot accepted only below it.
fn elect(config: Config, promises: Vec<(NodeId, Vec<AcceptedEntry>)>) -> (Node, Vec<Ready>) {
    let mut disk = DurableState::default();
    disk.apply(&DurableWrite::ProposerRound { round: 2 });
    let mut n = Node::new(1, Arc::new(config), disk);
    let mut out = vec![n.start()];
    let r = n.step(Input::Timeout(TimerKind::Election));
    let ballot = r
        .messages
        .iter()
        .find_map(|e| match e.msg {
            Message::Prepare { ballot, .. } => Some(ballot),
            _ => None,
        })
        .expect("a Prepare was sent");
    out.push(r);
    for (from, accepted) in promises {
        let p = Message::Promise {
            ballot,
            truncated_below: 0,
            accepted,
        };
        out.push(n.step(msg(from, 1, p)));
    }
    (n, out)
}

fn accepts_sent(rs: &[Ready]) -> Vec<(u64, Value)> {
    let mut v: Vec<(u64, Value)> = rs
        .iter()
        .flat_map(|r| r.messages.iter())
        .filter_map(|e| match &e.msg {
            Message::Accept { slot, value, .. } if e.to == Addr::Node(2) => {
                Some((*slot, value.clone()))
            }
            _ => None,
        })
        .collect();
    v.sort_by_key(|(s, _)| *s);
    v
}

fn reported(slot: u64, ballot: Ballot, v: &str) -> AcceptedEntry {
    AcceptedEntry {
        slot,
        ballot,
        value: val(v),
    }
}

#[test]
fn new_leader_adopts_the_highest_ballot_value_and_fills_holes_with_noops() {
    let promises = vec![
        (
            2,
            vec![reported(0, b(1, 2), "older"), reported(2, b(1, 2), "x")],
        ),
        (3, vec![reported(0, b(2, 3), "newer")]),
    ];
    let (n, rs) = elect(Config::servers(5), promises);
    assert!(n.is_leader());
    assert_eq!(
        accepts_sent(&rs),
        vec![(0, val("newer")), (1, Value::Noop), (2, val("x"))],
        "slot 0 takes the value of ballot 2.3, slot 1 is a hole, slot 2 is re-proposed"
    );
}

#[test]
fn with_the_ignore_bug_the_leader_overwrites_reported_values() {
    let mut c = Config::servers(3);
    c.bugs.set(Bug::IgnorePromisedValues, true);
    let (_, rs) = elect(c, vec![(2, vec![reported(0, b(1, 2), "chosen?")])]);
    assert_eq!(accepts_sent(&rs), vec![(0, Value::Noop)]);
}

#[test]
fn phase_one_needs_a_majority_of_promises() {
    let c = Config::servers(5);
    c.validate().unwrap();
    let mut n = Node::new(1, Arc::new(c), DurableState::default());
    let r = n.step(Input::Timeout(TimerKind::Election));
    let Message::Prepare { ballot, .. } = r.messages[0].msg else {
        panic!("expected Prepare")
    };
    // Node 1 promised itself; one more is not a majority of five.
    let promise = || Message::Promise {
        ballot,
        truncated_below: 0,
        accepted: vec![],
    };
    n.step(msg(2, 1, promise()));
    assert!(!n.is_leader());
    n.step(msg(3, 1, promise()));
    assert!(n.is_leader());
}

#[test]
fn a_value_is_decided_only_when_a_quorum_accepted_it() {
    let (mut n, _) = elect(Config::servers(5), vec![(2, vec![]), (3, vec![])]);
    let r = n.step(Input::Message(Envelope {
        from: Addr::Client(1),
        to: Addr::Node(1),
        msg: Message::Request {
            command: put(1, 1, "v"),
            forwarded: false,
        },
    }));
    let ballot = n.proposer().unwrap().ballot().unwrap();
    assert!(
        r.decided.is_empty(),
        "only the leader's own acceptor accepted"
    );
    let r = n.step(msg(2, 1, Message::Accepted { ballot, slot: 0 }));
    assert!(r.decided.is_empty(), "two of five is not a majority");
    let r = n.step(msg(2, 1, Message::Accepted { ballot, slot: 0 }));
    assert!(r.decided.is_empty(), "a duplicate Accepted counts once");
    let r = n.step(msg(3, 1, Message::Accepted { ballot, slot: 0 }));
    assert_eq!(
        r.decided,
        vec![(0, Value::Commands(vec![put(1, 1, "v")].into()))]
    );
    assert!(
        r.messages
            .iter()
            .any(|e| e.to == Addr::Client(1) && matches!(e.msg, Message::Reply { seq: 1, .. })),
        "the leader answers the client once applied"
    );
}

#[test]
fn a_proposer_steps_down_on_a_higher_ballot() {
    let (mut n, _) = elect(Config::servers(3), vec![(2, vec![])]);
    assert!(n.is_leader());
    let mine = n.proposer().unwrap().ballot().unwrap();
    let higher = Ballot::new(mine.round + 1, 3);
    let r = n.step(msg(
        2,
        1,
        Message::Nack {
            ballot: mine,
            promised: higher,
        },
    ));
    assert!(!n.is_leader());
    assert!(r.timers.iter().any(|t| matches!(
        t,
        TimerCmd::Set {
            kind: TimerKind::Election,
            ..
        }
    )));
    // Its next ballot is above the one it saw.
    let r = n.step(Input::Timeout(TimerKind::Election));
    let Message::Prepare { ballot, .. } = r.messages[0].msg else {
        panic!("expected Prepare")
    };
    assert!(ballot > higher);
}

#[test]
fn a_restarted_proposer_never_reuses_a_ballot() {
    let mut n = Node::new(1, Arc::new(Config::servers(3)), DurableState::default());
    let r = n.step(Input::Timeout(TimerKind::Election));
    let first = n.proposer().unwrap().ballot().unwrap();
    let mut restarted = Node::new(1, Arc::new(Config::servers(3)), disk_after(&[&r]));
    restarted.step(Input::Timeout(TimerKind::Election));
    assert!(restarted.proposer().unwrap().ballot().unwrap() > first);

    let mut c = Config::servers(3);
    c.bugs.set(Bug::ReuseBallotAfterRestart, true);
    let mut n = Node::new(1, Arc::new(c.clone()), DurableState::default());
    let r = n.step(Input::Timeout(TimerKind::Election));
    let mut restarted = Node::new(1, Arc::new(c), disk_after(&[&r]));
    restarted.step(Input::Timeout(TimerKind::Election));
    assert_eq!(
        restarted.proposer().unwrap().ballot().unwrap(),
        first,
        "the bug reuses it"
    );
}

#[test]
fn two_proposers_never_share_a_ballot_unless_the_bug_drops_the_id() {
    let ballot_of = |id: NodeId, c: &Config| {
        let mut n = Node::new(id, Arc::new(c.clone()), DurableState::default());
        n.step(Input::Timeout(TimerKind::Election));
        n.proposer().unwrap().ballot().unwrap()
    };
    let c = Config::seed_layout();
    assert_ne!(ballot_of(6, &c), ballot_of(7, &c));
    let mut c = Config::seed_layout();
    c.bugs.set(Bug::BallotsWithoutProposerId, true);
    assert_eq!(ballot_of(6, &c), ballot_of(7, &c));
}

#[test]
fn election_backoff_grows_after_failed_elections() {
    let mut n = Node::new(1, Arc::new(Config::servers(3)), DurableState::default());
    let delay = |r: &Ready| {
        r.timers
            .iter()
            .find_map(|t| match t {
                TimerCmd::Set {
                    kind: TimerKind::Election,
                    after,
                    jitter,
                } => Some((*after, *jitter)),
                _ => None,
            })
            .unwrap()
    };
    let d1 = delay(&n.step(Input::Timeout(TimerKind::Election)));
    let d2 = delay(&n.step(Input::Timeout(TimerKind::Election)));
    let d3 = delay(&n.step(Input::Timeout(TimerKind::Election)));
    assert!(d2.0 > d1.0 && d3.0 > d2.0, "{d1:?} {d2:?} {d3:?}");
    assert!(d1.1 > 0, "the world is asked for random jitter");
}

#[test]
fn a_follower_learns_commits_piggybacked_on_the_next_accept() {
    let mut f = Node::new(2, Arc::new(Config::servers(3)), DurableState::default());
    let ballot = b(1, 1);
    let r = f.step(msg(1, 2, accept(ballot, 0, val("a"))));
    assert!(r.decided.is_empty());
    let next = Message::Accept {
        ballot,
        slot: 1,
        value: val("b"),
        commit_index: 1,
        safe_point: 0,
    };
    let r = f.step(msg(1, 2, next));
    assert_eq!(r.decided, vec![(0, val("a"))]);
    assert_eq!(r.applied.len(), 1);
    assert_eq!(&*f.replica().unwrap().kv.data["x"], "a");
}

#[test]
fn a_follower_does_not_trust_a_value_accepted_in_another_ballot() {
    let mut f = Node::new(2, Arc::new(Config::servers(3)), DurableState::default());
    f.step(msg(3, 2, accept(b(1, 3), 0, val("old leader's"))));
    let hb = Message::Heartbeat {
        ballot: b(2, 1),
        commit_index: 1,
        safe_point: 0,
        lease_round: None,
    };
    let r = f.step(msg(1, 2, hb));
    assert!(r.decided.is_empty());
    assert!(
        r.messages
            .iter()
            .any(|e| e.to == Addr::Node(1) && e.msg == Message::CatchUp { from_slot: 0 }),
        "it asks the leader for slot 0 instead"
    );
}

#[test]
fn catch_up_sends_only_the_missing_entries() {
    let c = Arc::new(Config::servers(3));
    let mut leader_replica = Node::new(1, c.clone(), DurableState::default());
    let ballot = b(1, 1);
    // Feed node 1 as a follower: 10 accepted slots, all committed.
    for s in 0..10 {
        let m = Message::Accept {
            ballot,
            slot: s,
            value: val(&s.to_string()),
            commit_index: s,
            safe_point: 0,
        };
        leader_replica.step(msg(3, 1, m));
    }
    leader_replica.step(msg(
        3,
        1,
        Message::Heartbeat {
            ballot,
            commit_index: 10,
            safe_point: 0,
            lease_round: None,
        },
    ));
    assert_eq!(leader_replica.replica().unwrap().commit_index, 10);
    let r = leader_replica.step(msg(2, 1, Message::CatchUp { from_slot: 7 }));
    match &r.messages[0].msg {
        Message::CatchUpReply {
            entries,
            commit_index,
        } => {
            assert_eq!(
                entries.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
                vec![7, 8, 9]
            );
            assert_eq!(*commit_index, 10);
        }
        m => panic!("expected CatchUpReply, got {m:?}"),
    }
}

#[test]
fn a_replica_behind_the_compaction_point_gets_a_snapshot() {
    let mut c = Config::servers(3);
    c.snapshot_interval_slots = 4;
    let c = Arc::new(c);
    let mut n = Node::new(1, c.clone(), DurableState::default());
    let ballot = b(1, 3);
    for s in 0..6 {
        let m = Message::Accept {
            ballot,
            slot: s,
            value: Value::Commands(vec![put(1, s + 1, &s.to_string())].into()),
            commit_index: s,
            safe_point: 0,
        };
        n.step(msg(3, 1, m));
    }
    let hb = Message::Heartbeat {
        ballot,
        commit_index: 6,
        safe_point: 0,
        lease_round: None,
    };
    n.step(msg(3, 1, hb));
    assert_eq!(
        n.replica().unwrap().snapshot_index,
        4,
        "snapshot after 4 applied slots"
    );
    let on_disk = n.durable().replica.as_ref().unwrap().snapshot.index;
    assert_eq!(on_disk, 4);
    let r = n.step(msg(2, 1, Message::CatchUp { from_slot: 0 }));
    let Message::InstallSnapshot { snapshot } = &r.messages[0].msg else {
        panic!("expected a snapshot first, got {:?}", r.messages[0].msg)
    };
    let Message::CatchUpReply { entries, .. } = &r.messages[1].msg else {
        panic!("then the entries after it")
    };
    assert_eq!(entries.first().map(|e| e.0), Some(snapshot.index));
    let mut lagging = Node::new(2, c, DurableState::default());
    lagging.step(msg(1, 2, r.messages[0].msg.clone()));
    lagging.step(msg(1, 2, r.messages[1].msg.clone()));
    assert_eq!(lagging.replica().unwrap().kv, n.replica().unwrap().kv);
    assert_eq!(lagging.replica().unwrap().applied_index, 6);
}

#[test]
fn a_non_leader_forwards_a_request_to_the_leader_it_knows() {
    let mut f = Node::new(2, Arc::new(Config::servers(3)), DurableState::default());
    f.step(msg(
        1,
        2,
        Message::Heartbeat {
            ballot: b(1, 1),
            commit_index: 0,
            safe_point: 0,
            lease_round: None,
        },
    ));
    let r = f.step(Input::Message(Envelope {
        from: Addr::Client(4),
        to: Addr::Node(2),
        msg: Message::Request {
            command: put(4, 1, "v"),
            forwarded: false,
        },
    }));
    assert_eq!(r.messages.len(), 1);
    assert_eq!(r.messages[0].to, Addr::Node(1));
    assert!(matches!(
        r.messages[0].msg,
        Message::Request {
            forwarded: true,
            ..
        }
    ));
}

#[test]
fn the_leader_batches_queued_commands_and_respects_the_window() {
    let mut c = Config::servers(3);
    c.window = 2;
    c.batch = 3;
    let (mut n, _) = elect(c, vec![(2, vec![])]);
    let mut rs = Vec::new();
    // Ten clients (one holds at most one command outstanding, rule 8).
    for client in 1..=10 {
        rs.push(n.step(Input::Message(Envelope {
            from: Addr::Client(client),
            to: Addr::Node(1),
            msg: Message::Request {
                command: put(client, 1, "v"),
                forwarded: false,
            },
        })));
    }
    let sent = accepts_sent(&rs);
    assert_eq!(sent.len(), 2, "at most `window` undecided slots");
    let ballot = n.proposer().unwrap().ballot().unwrap();
    let r = n.step(msg(2, 1, Message::Accepted { ballot, slot: 0 }));
    assert_eq!(r.decided.len(), 1);
    let next = accepts_sent(&[r]);
    assert_eq!(next.len(), 1, "one slot freed, one new slot");
    assert_eq!(next[0].0, 2);
    assert_eq!(
        next[0].1.commands().len(),
        3,
        "it batches what queued meanwhile"
    );
}

// Rule 12: reconfiguration through the log.

/// A tiny network for the rule-12 tests: nodes by id, messages delivered in order until
/// none is left, except those `lose` says are lost.
struct Cluster {
    config: Arc<Config>,
    nodes: std::collections::BTreeMap<NodeId, Node>,
    /// Every message delivered, in order.
    seen: Vec<Envelope>,
    /// Every event, with the node it happened at.
    events: Vec<(NodeId, paxoscope::paxos::event::Event)>,
}

impl Cluster {
    fn servers(config: Config) -> Cluster {
        let config = Arc::new(config);
        let nodes = config
            .node_ids()
            .into_iter()
            .map(|id| (id, Node::new(id, config.clone(), DurableState::default())))
            .collect();
        Cluster {
            config,
            nodes,
            seen: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Starts node `id`, not in the initial configuration, empty (rule 12).
    fn join(&mut self, id: NodeId, roles: Roles) {
        let node = Node::joining(id, roles, self.config.clone(), DurableState::default());
        self.nodes.insert(id, node);
    }

    /// Hands `input` to node `to`, then delivers every message that follows (to nodes
    /// only; `lose` drops some).
    fn run(&mut self, to: NodeId, input: Input, lose: &dyn Fn(&Envelope) -> bool) {
        let mut queue: std::collections::VecDeque<(NodeId, Input)> = [(to, input)].into();
        while let Some((id, input)) = queue.pop_front() {
            let Some(node) = self.nodes.get_mut(&id) else {
                continue;
            };
            let r = node.step(input);
            self.events.extend(r.events.iter().map(|e| (id, e.clone())));
            for env in r.messages {
                if let Addr::Node(n) = env.to {
                    if !lose(&env) {
                        self.seen.push(env.clone());
                        queue.push_back((n, Input::Message(env)));
                    }
                }
            }
        }
    }

    fn request(&mut self, to: NodeId, client: u32, seq: u64, lose: &dyn Fn(&Envelope) -> bool) {
        let input = Input::Message(Envelope {
            from: Addr::Client(client),
            to: Addr::Node(to),
            msg: Message::Request {
                command: put(client, seq, &format!("{client}.{seq}")),
                forwarded: false,
            },
        });
        self.run(to, input, lose);
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[&id]
    }

    /// The slots Accepts went out for to node `to`.
    fn accepts_to(&self, to: NodeId) -> Vec<u64> {
        let mut slots: Vec<u64> = self
            .seen
            .iter()
            .filter(|e| e.to == Addr::Node(to))
            .filter_map(|e| match e.msg {
                Message::Accept { slot, .. } => Some(slot),
                _ => None,
            })
            .collect();
        slots.sort();
        slots.dedup();
        slots
    }

    fn happened(&self, name: &str) -> Vec<NodeId> {
        self.events
            .iter()
            .filter(|(_, e)| paxoscope::vocabulary::event_kind(e).name == name)
            .map(|(n, _)| *n)
            .collect()
    }
}

fn keep_all(_: &Envelope) -> bool {
    false
}

fn server(id: NodeId) -> NodeSpec {
    NodeSpec {
        id,
        roles: Roles::SERVER,
    }
}

/// Three servers, window `alpha`, node 1 leading with promises from all three.
fn three_with_leader(alpha: u64, bugs: &[Bug]) -> Cluster {
    let mut c = Config::servers(3);
    c.window = alpha;
    for b in bugs {
        c.bugs.set(*b, true);
    }
    let mut cl = Cluster::servers(c);
    cl.run(1, Input::Timeout(TimerKind::Election), &keep_all);
    assert!(cl.node(1).is_leader());
    cl
}

#[test]
fn a_reconfiguration_governs_only_the_slots_alpha_after_its_own() {
    let mut cl = three_with_leader(4, &[]);
    cl.request(1, 1, 1, &keep_all); // slot 0
    cl.join(4, Roles::SERVER);
    cl.join(5, Roles::SERVER);
    let five: Vec<NodeSpec> = (1..=5).map(server).collect();
    cl.run(1, Input::Reconfigure(five), &keep_all); // slot 1
    for seq in 2..=8 {
        cl.request(1, 1, seq, &keep_all); // slots 2..=8
    }
    let leader = cl.node(1);
    assert_eq!(
        leader.membership_at(4).epoch,
        0,
        "slot 1 + α − 1 is the old one's"
    );
    assert_eq!(
        leader.membership_at(5).epoch,
        1,
        "slot 1 + α is the new one's"
    );
    assert_eq!(leader.membership_at(5).acceptors().count(), 5);
    // Accepts for the old configuration's slots went to its acceptors only.
    assert!(
        cl.accepts_to(4).iter().all(|s| *s >= 5),
        "{:?}",
        cl.accepts_to(4)
    );
    assert!(cl.accepts_to(4).contains(&5));
    assert_eq!(cl.node(1).replica().unwrap().applied_index, 9);
    assert!(cl.happened("config_applied").contains(&1));
}

#[test]
fn with_the_bug_the_new_configuration_governs_the_very_next_slot() {
    let mut cl = three_with_leader(4, &[Bug::ReconfigWithoutAlpha]);
    cl.join(4, Roles::SERVER);
    let four: Vec<NodeSpec> = (1..=4).map(server).collect();
    cl.run(1, Input::Reconfigure(four), &keep_all); // slot 0
    assert_eq!(cl.node(1).membership_at(1).epoch, 1);
}

#[test]
fn a_leader_proposes_no_slot_whose_configuration_it_cannot_know() {
    // Slot 0's Accepted never arrives: slot 0 stays undecided while 1–3 are decided. Rule
    // 5's window alone (one open slot) would let the leader go on; rule 12 stops it at
    // slot 0 + α, since slot 0 might hold a reconfiguration governing slot 4.
    let mut cl = three_with_leader(4, &[]);
    let lose_slot_0 = |e: &Envelope| matches!(e.msg, Message::Accepted { slot: 0, .. });
    for seq in 1..=8 {
        cl.request(1, 1, seq, &lose_slot_0);
    }
    let leader = cl.node(1);
    assert_eq!(leader.replica().unwrap().commit_index, 0);
    assert_eq!(
        cl.accepts_to(2),
        vec![0, 1, 2, 3],
        "nothing at or past slot 4"
    );
}

#[test]
fn a_leader_without_a_quorum_of_the_new_configuration_runs_phase_1_again() {
    // Node 1 wins with promises from itself and node 2 only (node 3's is lost).
    let mut c = Config::servers(3);
    c.window = 2;
    let mut cl = Cluster::servers(c);
    let lose_3 = |e: &Envelope| e.from == Addr::Node(3) && matches!(e.msg, Message::Promise { .. });
    cl.run(1, Input::Timeout(TimerKind::Election), &lose_3);
    assert!(cl.node(1).is_leader());
    cl.join(4, Roles::SERVER);
    cl.join(5, Roles::SERVER);
    cl.run(
        1,
        Input::Reconfigure((1..=5).map(server).collect()),
        &keep_all,
    );
    for seq in 1..=4 {
        cl.request(1, 1, seq, &keep_all);
    }
    // {1, 2} is no majority of five: before slot 2 it asks the new acceptors first.
    assert_eq!(cl.happened("new_config_phase1"), vec![1]);
    let prepares_to_5 = cl
        .seen
        .iter()
        .filter(|e| e.to == Addr::Node(5) && matches!(e.msg, Message::Prepare { .. }))
        .count();
    assert_eq!(prepares_to_5, 1);
    assert!(
        cl.node(1).is_leader(),
        "and leads again, now with a quorum of five"
    );
    assert!(cl.accepts_to(5).contains(&2));
}

#[test]
fn a_removed_leader_hands_off_and_stops_running() {
    let mut cl = three_with_leader(2, &[]);
    cl.join(4, Roles::SERVER);
    let without_1: Vec<NodeSpec> = [2, 3, 4].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_1), &keep_all); // slot 0, governs from slot 2
    cl.request(1, 1, 1, &keep_all); // slot 1: still node 1's to lead
    assert!(cl.node(1).is_leader());
    cl.request(1, 1, 2, &keep_all); // slot 2 belongs to {2, 3, 4}
    assert_eq!(cl.happened("handed_off"), vec![1]);
    assert!(!cl.node(1).is_leader());
    // Its command went to the successor, and its election timer no longer runs it.
    assert!(cl.seen.iter().any(|e| e.from == Addr::Node(1)
        && e.to == Addr::Node(2)
        && matches!(e.msg, Message::Request { .. })));
    let before = cl.events.len();
    cl.run(1, Input::Timeout(TimerKind::Election), &keep_all);
    assert!(cl.events[before..]
        .iter()
        .all(|(_, e)| paxoscope::vocabulary::event_kind(e).name != "started_election"));
}

#[test]
fn an_acceptor_promises_nothing_to_a_removed_proposer() {
    let mut cl = three_with_leader(2, &[]);
    cl.join(4, Roles::SERVER);
    let without_3: Vec<NodeSpec> = [1, 2, 4].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_3), &keep_all);
    cl.request(1, 1, 1, &keep_all);
    // Node 3 (which did not learn it, say) runs: node 2 knows better.
    let promised_before = cl.node(2).durable().acceptor.as_ref().unwrap().promised;
    let r = cl
        .nodes
        .get_mut(&2)
        .unwrap()
        .step(msg(3, 2, prepare(b(9, 3))));
    assert!(r
        .messages
        .iter()
        .all(|e| !matches!(e.msg, Message::Promise { .. })));
    assert!(r
        .messages
        .iter()
        .any(|e| matches!(e.msg, Message::CatchUpReply { .. })));
    // Node 2 may be the one behind (a later configuration may add node 3 back): it asks.
    assert!(r.messages.iter().any(|e| e.to == Addr::Node(3)
        && matches!(e.msg, Message::CatchUp { from_slot } if from_slot == cl.node(2).replica().unwrap().commit_index)));
    assert_eq!(
        cl.node(2).durable().acceptor.as_ref().unwrap().promised,
        promised_before
    );
    assert!(cl.node(1).is_leader(), "the members' leader is not deposed");
}

#[test]
fn a_removed_proposer_stops_preparing_once_it_learns_it_was_removed() {
    // Node 3 is removed while every message to it is lost, so it does not know. Its
    // election timer fires and it runs phase 1 on its own; the members refuse it and send
    // what it missed (rule 9), from which it learns the configuration without it: from
    // then on it is no candidate, before any timer of its fires again (rule 12).
    let mut cl = three_with_leader(2, &[]);
    cl.join(4, Roles::SERVER);
    let to_3 = |e: &Envelope| e.to == Addr::Node(3);
    let without_3: Vec<NodeSpec> = [1, 2, 4].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_3), &to_3);
    cl.request(1, 1, 1, &to_3);
    cl.request(1, 1, 2, &to_3);
    assert_eq!(
        cl.node(3).latest_membership().epoch,
        0,
        "node 3 knows nothing"
    );
    let before = cl.events.len();
    cl.run(3, Input::Timeout(TimerKind::Election), &keep_all);
    let at_3: Vec<&str> = cl.events[before..]
        .iter()
        .filter(|(n, _)| *n == 3)
        .map(|(_, e)| paxoscope::vocabulary::event_kind(e).name)
        .collect();
    assert!(at_3.contains(&"started_election"), "{at_3:?}");
    assert!(
        cl.node(3).latest_membership().epoch >= 1,
        "node 3 learned the configuration without it"
    );
    assert!(!cl.node(3).latest_membership().is_proposer(3));
    let phase = &cl.node(3).proposer().expect("a proposer").phase;
    assert!(
        matches!(phase, paxoscope::paxos::proposer::Phase::Following),
        "a proposer that knows it was removed is no candidate: {phase:?}"
    );
    assert!(cl.node(1).is_leader(), "the members' leader is not deposed");
}

#[test]
fn an_added_proposer_that_missed_every_heartbeat_asks_and_then_runs() {
    // Node 4 joins as a proposer; every message to it is lost, so it never hears that the
    // reconfiguration made it a member — and node 1, which led, is removed.
    let mut cl = three_with_leader(2, &[]);
    cl.join(4, Roles::SERVER);
    let to_4 = |e: &Envelope| e.to == Addr::Node(4);
    let without_1: Vec<NodeSpec> = [2, 3, 4].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_1), &to_4);
    cl.request(1, 1, 1, &to_4);
    cl.request(1, 1, 2, &to_4);
    assert_eq!(cl.happened("handed_off"), vec![1]);
    assert_eq!(
        cl.node(4).latest_membership().epoch,
        0,
        "node 4 knows nothing"
    );
    // Its election timer fires: it may not run by what it knows, so it asks — and learns.
    let before = cl.events.len();
    cl.run(4, Input::Timeout(TimerKind::Election), &keep_all);
    let at_4: Vec<&str> = cl.events[before..]
        .iter()
        .filter(|(n, _)| *n == 4)
        .map(|(_, e)| paxoscope::vocabulary::event_kind(e).name)
        .collect();
    assert!(at_4.contains(&"requested_catch_up"), "{at_4:?}");
    assert!(!at_4.contains(&"started_election"), "{at_4:?}");
    assert_eq!(cl.node(4).latest_membership().epoch, 1);
    assert!(cl.node(4).latest_membership().is_proposer(4));
    // The timer it re-armed fires next: now it runs.
    let before = cl.events.len();
    cl.run(4, Input::Timeout(TimerKind::Election), &keep_all);
    assert!(cl.events[before..]
        .iter()
        .any(|(n, e)| *n == 4 && paxoscope::vocabulary::event_kind(e).name == "started_election"));
}

#[test]
fn a_removed_leader_passes_a_command_back_to_a_node_that_still_follows_it() {
    // Node 1 is removed and hands off to node 2, but its hand-off is lost: node 3 still
    // follows node 1 and passes a client's command to it.
    let mut cl = three_with_leader(2, &[]);
    cl.join(4, Roles::SERVER);
    let without_1: Vec<NodeSpec> = [2, 3, 4].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_1), &keep_all);
    cl.request(1, 1, 1, &keep_all);
    let hand_off =
        |e: &Envelope| e.from == Addr::Node(1) && matches!(e.msg, Message::Request { .. });
    cl.request(1, 1, 2, &hand_off);
    assert_eq!(cl.happened("handed_off"), vec![1]);
    assert_eq!(cl.node(3).follower().leader, Some(1));
    let before = cl.seen.len();
    cl.request(3, 2, 1, &keep_all);
    // Node 1 sends it back, and node 3, hearing it from the leader it follows, runs.
    assert!(cl.seen[before..].iter().any(|e| e.from == Addr::Node(1)
        && e.to == Addr::Node(3)
        && matches!(
            e.msg,
            Message::Request {
                forwarded: true,
                ..
            }
        )));
    assert!(cl.happened("started_election").contains(&3));
    assert!(cl.node(3).is_leader(), "the members elect node 3");
}

#[test]
fn a_removed_proposer_passes_a_command_back_to_a_member_and_tells_it_its_commit_index() {
    // Node 2 takes node 3 for the leader and passes a command on; node 3 was removed, and
    // node 2 is a proposer of the configuration without it: the command goes back to node
    // 2, with node 3's commit index (so a sender that knows less catches up).
    let mut cl = three_with_leader(2, &[]);
    cl.join(4, Roles::SERVER);
    let without_3: Vec<NodeSpec> = [1, 2, 4].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_3), &keep_all);
    cl.request(1, 1, 1, &keep_all);
    cl.request(1, 1, 2, &keep_all);
    assert_eq!(cl.node(3).latest_membership().epoch, 1, "node 3 knows");
    let commit_3 = cl.node(3).replica().unwrap().commit_index;
    let r = cl
        .nodes
        .get_mut(&3)
        .unwrap()
        .step(passed_on(2, 3, put(2, 1, "2.1")));
    assert!(r.messages.iter().any(|e| e.to == Addr::Node(2)
        && matches!(
            e.msg,
            Message::Request {
                forwarded: true,
                ..
            }
        )));
    assert!(r.messages.iter().any(|e| e.to == Addr::Node(2)
        && matches!(e.msg, Message::CatchUpReply { commit_index, .. } if commit_index == commit_3)));
    assert!(
        r.messages.iter().all(|e| e.to != Addr::Client(2)),
        "not refused: {:?}",
        r.messages
    );
}

/// A client's command passed on from node `from` to node `to`.
fn passed_on(from: NodeId, to: NodeId, command: Command) -> Input {
    Input::Message(Envelope {
        from: Addr::Node(from),
        to: Addr::Node(to),
        msg: Message::Request {
            command,
            forwarded: true,
        },
    })
}

#[test]
fn a_proposer_that_handed_off_learns_from_its_successor_that_it_was_added_back() {
    // Fuzz seed 28175. Node 1 is removed (epoch 1: {2, 3, 4}) and hands off to node 2,
    // which leads and adds node 1 back while removing itself (epoch 2: {1, 3, 4}) — and
    // every message to node 1 is lost, so node 1 still believes itself removed. Node 1
    // passes a client's command on to node 2, a proposer of epoch 1 as far as it knows.
    // Node 2 knows better: it passes the command back with its commit index, node 1
    // catches up, learns it is a proposer again, keeps the command and, when its election
    // timer fires, leads and proposes it.
    let mut cl = three_with_leader(2, &[]);
    cl.join(4, Roles::SERVER);
    let without_1: Vec<NodeSpec> = [2, 3, 4].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_1), &keep_all); // slot 0, governs from slot 2
    cl.request(1, 1, 1, &keep_all); // slot 1
    cl.request(1, 1, 2, &keep_all); // slot 2: node 1 hands off to node 2
    assert_eq!(cl.happened("handed_off"), vec![1]);
    assert!(cl.node(2).is_leader(), "node 2 took over");
    let to_1 = |e: &Envelope| e.to == Addr::Node(1);
    let back_1: Vec<NodeSpec> = [1, 3, 4].into_iter().map(server).collect();
    cl.run(2, Input::Reconfigure(back_1), &to_1);
    for seq in 3..=5 {
        cl.request(2, 1, seq, &to_1);
    }
    assert_eq!(cl.node(2).latest_membership().epoch, 2);
    assert!(!cl.node(2).latest_membership().is_proposer(2));
    assert_eq!(cl.node(1).latest_membership().epoch, 1, "node 1 missed it");
    cl.run(2, passed_on(1, 2, put(3, 1, "3.1")), &keep_all);
    assert_eq!(cl.node(1).latest_membership().epoch, 2, "node 1 caught up");
    let queue = &cl.node(1).proposer().expect("a proposer").queue;
    assert!(
        queue.iter().any(|c| c.client == 3 && c.seq == 1),
        "node 1 keeps the command: {queue:?}"
    );
    cl.run(1, Input::Timeout(TimerKind::Election), &keep_all);
    assert!(cl.node(1).is_leader(), "node 1 leads again");
    assert!(cl.seen.iter().any(|e| e.from == Addr::Node(1)
        && matches!(&e.msg, Message::Accept { value, .. } if format!("{value:?}").contains("3.1"))));
}

#[test]
fn two_removed_proposers_that_know_different_configurations_learn_from_each_other() {
    // Fuzz seed 35808: node 3 was removed (epoch 1: {1, 2, 4}) and missed epoch 2, which
    // removes node 1 too ({2, 4, 5}). A client asks node 3, which passes the command on to
    // node 1, a proposer as far as it knows. Node 1 knows it is none: it refuses the
    // command (it does not pass it back to a node it knows removed: the two would pass it
    // to and fro) and tells node 3 its commit index, so node 3 catches up.
    let mut cl = three_with_leader(2, &[]);
    cl.join(4, Roles::SERVER);
    cl.join(5, Roles::SERVER);
    let without_3: Vec<NodeSpec> = [1, 2, 4].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_3), &keep_all);
    cl.request(1, 1, 1, &keep_all);
    cl.request(1, 1, 2, &keep_all);
    let to_3 = |e: &Envelope| e.to == Addr::Node(3);
    let without_1: Vec<NodeSpec> = [2, 4, 5].into_iter().map(server).collect();
    cl.run(1, Input::Reconfigure(without_1), &to_3);
    for seq in 3..=5 {
        cl.request(1, 1, seq, &to_3);
    }
    assert_eq!(cl.node(1).latest_membership().epoch, 2);
    assert_eq!(cl.node(3).latest_membership().epoch, 1, "node 3 missed it");
    let r = cl
        .nodes
        .get_mut(&1)
        .unwrap()
        .step(passed_on(3, 1, put(2, 1, "2.1")));
    assert!(
        r.messages
            .iter()
            .all(|e| !matches!(e.msg, Message::Request { .. })),
        "refused, not passed back: {:?}",
        r.messages
    );
    assert!(r
        .messages
        .iter()
        .any(|e| matches!(e.msg, Message::NotLeader { hint: Some(h), .. } if h != 1 && h != 3)));
    let told = r
        .messages
        .into_iter()
        .find(|e| e.to == Addr::Node(3) && matches!(e.msg, Message::CatchUpReply { .. }))
        .expect("node 1 tells node 3 its commit index");
    cl.run(3, Input::Message(told), &keep_all);
    assert_eq!(cl.node(3).latest_membership().epoch, 2, "node 3 caught up");
}

/// Five servers with |Q1| = 4 and |Q2| = 2 (rule 12: 4 + 2 > 5).
fn flexible(q1: usize, q2: usize) -> Config {
    let mut c = Config::servers(5);
    c.phase1_quorum = Some(q1);
    c.phase2_quorum = Some(q2);
    c
}

#[test]
fn flexible_quorums_phase_one_needs_q1_promises() {
    let c = flexible(4, 2);
    c.validate().unwrap();
    // Node 1 promised itself; with 2 and 3 that is 3 of the 4 phase 1 needs.
    let (n, _) = elect(c.clone(), vec![(2, vec![]), (3, vec![])]);
    assert!(
        !n.is_leader(),
        "three promises are a majority but not |Q1| = 4"
    );
    let (n, _) = elect(c, vec![(2, vec![]), (3, vec![]), (4, vec![])]);
    assert!(n.is_leader());
}

#[test]
fn flexible_quorums_a_value_is_chosen_by_q2_accepts_asked_of_q2_acceptors() {
    let (mut n, _) = elect(flexible(4, 2), vec![(2, vec![]), (3, vec![]), (4, vec![])]);
    let r = n.step(Input::Message(Envelope {
        from: Addr::Client(1),
        to: Addr::Node(1),
        msg: Message::Request {
            command: put(1, 1, "v"),
            forwarded: false,
        },
    }));
    // Thrifty: the Accept goes to the leader's own acceptor (handled inside) and the next
    // |Q2| - 1 = 1 acceptor, not to all four others.
    let to: Vec<Addr> = r
        .messages
        .iter()
        .filter(|e| matches!(e.msg, Message::Accept { .. }))
        .map(|e| e.to)
        .collect();
    assert_eq!(to, vec![Addr::Node(2)]);
    assert!(
        r.decided.is_empty(),
        "only the leader's own acceptor accepted"
    );
    let ballot = n.proposer().unwrap().ballot().unwrap();
    let r = n.step(msg(2, 1, Message::Accepted { ballot, slot: 0 }));
    assert_eq!(
        r.decided,
        vec![(0, Value::Commands(vec![put(1, 1, "v")].into()))],
        "two of five accepted: |Q2| = 2 chooses it"
    );
}

#[test]
fn quorums_that_do_not_intersect_are_refused_unless_the_bug_is_on() {
    let c = flexible(3, 2);
    let err = c.validate().unwrap_err();
    assert!(
        err.contains("3 + phase-2 quorum 2 must be more than the 5 acceptors"),
        "{err}"
    );
    let mut c = flexible(3, 2);
    c.bugs.set(Bug::NonIntersectingQuorums, true);
    c.validate().unwrap();
    // With the bug a value is chosen on two accepts while a leader elected by three
    // promises from the other acceptors never hears of it.
    let (mut n, _) = elect(c, vec![(2, vec![]), (3, vec![])]);
    assert!(n.is_leader());
    n.step(Input::Message(Envelope {
        from: Addr::Client(1),
        to: Addr::Node(1),
        msg: Message::Request {
            command: put(1, 1, "v"),
            forwarded: false,
        },
    }));
    let ballot = n.proposer().unwrap().ballot().unwrap();
    let r = n.step(msg(2, 1, Message::Accepted { ballot, slot: 0 }));
    assert_eq!(
        r.decided.len(),
        1,
        "chosen by {{1, 2}}; {{3, 4, 5}} is a phase-1 quorum"
    );
}

/// Three servers reading under leases (rule 12).
fn lease_config() -> Config {
    let mut c = Config::servers(3);
    c.read_mode = paxoscope::paxos::ReadMode::Lease;
    c.lease_ticks = 20;
    c
}

fn get(client: u32, seq: u64) -> Input {
    Input::Message(Envelope {
        from: Addr::Client(client),
        to: Addr::Node(1),
        msg: Message::Request {
            command: Command {
                client,
                seq,
                op: Op::Get { key: "x".into() },
            },
            forwarded: false,
        },
    })
}

fn answered_alone(r: &Ready) -> bool {
    r.messages
        .iter()
        .any(|e| matches!(e.msg, Message::Reply { .. }) && e.to == Addr::Client(1))
        && !r
            .messages
            .iter()
            .any(|e| matches!(e.msg, Message::Accept { .. }))
}

#[test]
fn a_leader_reads_alone_only_under_a_lease_a_phase_two_quorum_granted() {
    let (mut n, rs) = elect(lease_config(), vec![(2, vec![])]);
    let ballot = n.proposer().unwrap().ballot().unwrap();
    // Becoming leader it asked for lease round 1 on its heartbeat.
    assert!(rs.last().unwrap().messages.iter().any(|e| matches!(
        e.msg,
        Message::Heartbeat {
            lease_round: Some(1),
            ..
        }
    )));
    // Its own acceptor granted; one of three is not a phase-2 quorum: the read goes
    // through the log.
    let r = n.step(get(1, 1));
    assert!(!answered_alone(&r), "no lease yet");
    let r = n.step(msg(2, 1, Message::LeaseGrant { ballot, round: 1 }));
    assert!(r
        .events
        .iter()
        .any(|e| e.to_string().contains("holds a lease")));
    assert!(n.lease_valid());
    let r = n.step(get(1, 2));
    assert!(
        answered_alone(&r),
        "under the lease the leader answers alone"
    );
    // The leader counts on (D - 1) - 1 = 18 ticks of its clock from when it asked (0).
    n.set_clock(17);
    assert!(n.lease_valid());
    n.set_clock(18);
    assert!(!n.lease_valid(), "the lease ran out");
    let r = n.step(get(1, 3));
    assert!(!answered_alone(&r));
}

#[test]
fn an_acceptor_that_granted_a_lease_promises_no_other_ballot_until_it_runs_out() {
    let mut a = Node::new(2, Arc::new(lease_config()), DurableState::default());
    a.start();
    let hb = Message::Heartbeat {
        ballot: b(1, 1),
        commit_index: 0,
        safe_point: 0,
        lease_round: Some(4),
    };
    let r = a.step(msg(1, 2, hb));
    assert!(replies(&r).contains(&&Message::LeaseGrant {
        ballot: b(1, 1),
        round: 4
    }));
    assert_eq!(r.persist, vec![DurableWrite::Promise { ballot: b(1, 1) }]);
    // Another proposer's higher ballot is held back, not promised, not refused.
    a.set_clock(19);
    let r = a.step(msg(3, 2, prepare(b(2, 3))));
    assert!(r.messages.is_empty(), "{r:?}");
    assert!(r
        .events
        .iter()
        .any(|e| e.to_string().contains("held Prepare")));
    a.set_clock(20);
    let r = a.step(msg(3, 2, prepare(b(2, 3))));
    assert!(matches!(replies(&r)[..], [Message::Promise { .. }]));
}

#[test]
fn a_restarted_acceptor_waits_out_a_lease_it_may_have_forgotten() {
    let mut disk = DurableState::default();
    disk.apply(&DurableWrite::Promise { ballot: b(1, 1) });
    let mut a = Node::new(2, Arc::new(lease_config()), disk);
    a.set_clock(100);
    let r = a.start();
    assert!(r
        .events
        .iter()
        .any(|e| e.to_string().contains("may have granted")));
    a.set_clock(119);
    assert!(a.step(msg(3, 2, prepare(b(2, 3)))).messages.is_empty());
    a.set_clock(120);
    assert!(!a.step(msg(3, 2, prepare(b(2, 3)))).messages.is_empty());
}

#[test]
fn the_leaders_lease_allows_for_the_drift_of_both_clocks() {
    let mut c = lease_config();
    assert_eq!(c.leader_lease_ticks(), 18);
    // 19 × 900 / 1100 = 15.5: the leader counts on 15 − 1 = 14 of its ticks.
    c.clock_drift_per_mille = 100;
    assert_eq!(c.leader_lease_ticks(), 14);
    c.validate().unwrap();
    c.lease_ticks = 2;
    let err = c.validate().unwrap_err();
    assert!(err.contains("too short"), "{err}");
    c.lease_ticks = 20;
    c.clock_drift_per_mille = 300;
    let err = c.validate().unwrap_err();
    assert!(
        err.contains("clock_drift_per_mille must be between 0 and 200"),
        "{err}"
    );
}

#[test]
fn with_read_without_lease_a_leader_reads_alone_with_no_lease_at_all() {
    let mut c = lease_config();
    c.read_mode = paxoscope::paxos::ReadMode::Log;
    let (mut n, _) = elect(c.clone(), vec![(2, vec![])]);
    assert!(!answered_alone(&n.step(get(1, 1))));
    c.bugs.set(Bug::ReadWithoutLease, true);
    let (mut n, _) = elect(c, vec![(2, vec![])]);
    assert!(
        answered_alone(&n.step(get(1, 1))),
        "no grant, yet it answers alone"
    );
}

#[test]
fn a_leader_that_applies_a_new_configuration_holds_a_lease_only_from_a_quorum_of_each() {
    let mut c = lease_config();
    c.window = 2;
    let mut cl = Cluster::servers(c);
    cl.run(1, Input::Timeout(TimerKind::Election), &keep_all);
    assert!(cl.node(1).lease_valid(), "granted by the three acceptors");
    cl.join(4, Roles::SERVER);
    cl.join(5, Roles::SERVER);
    let from_new = |e: &Envelope| matches!(e.from, Addr::Node(4 | 5));
    cl.run(
        1,
        Input::Reconfigure((1..=5).map(server).collect()),
        &from_new,
    );
    assert_eq!(
        cl.node(1).latest_membership().epoch,
        1,
        "decided and applied"
    );
    assert!(
        !cl.node(1).lease_valid(),
        "nodes 4 and 5 granted nothing: a leader they elect could write unseen"
    );
    // A round granted by nodes 1 and 2 only: a quorum of {1, 2, 3}, not of {1, …, 5}.
    let only_1_and_2 = |e: &Envelope| {
        matches!(e.msg, Message::LeaseGrant { .. }) && !matches!(e.from, Addr::Node(1 | 2))
    };
    cl.run(1, Input::Timeout(TimerKind::Heartbeat), &only_1_and_2);
    assert!(!cl.node(1).lease_valid());
    cl.run(1, Input::Timeout(TimerKind::Heartbeat), &keep_all);
    assert!(
        !cl.node(1).lease_valid(),
        "a quorum of both granted, but the ballot won phase 1 of {{1, 2, 3}} only: a value \
         a rival chose in the new configuration's slots would be unknown to it"
    );
    // Once the grants of the old ballot ran out (acceptors hold a new ballot's Prepare
    // back until then), the next write runs phase 1 in the new configuration (rule 12's
    // gate: the first write lands in the last slot of {1, 2, 3}, the second in the first
    // of the new one); then a round that a quorum of each grants makes a lease again.
    for n in cl.nodes.values_mut() {
        n.set_clock(100);
    }
    cl.request(1, 9, 1, &keep_all);
    cl.request(1, 9, 2, &keep_all);
    let lead = match &cl.node(1).proposer().unwrap().phase {
        paxoscope::paxos::proposer::Phase::Leading(lead) => lead.promised_by.clone(),
        other => panic!("node 1 leads again, not {other:?}"),
    };
    assert!(
        lead.len() >= 3,
        "phase 1 ran again in {{1, …, 5}}: {lead:?}"
    );
    cl.run(1, Input::Timeout(TimerKind::Heartbeat), &keep_all);
    assert!(
        cl.node(1).lease_valid(),
        "phase 1 won in every configuration, a quorum of each granted"
    );
}
