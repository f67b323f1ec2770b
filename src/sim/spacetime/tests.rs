//! The space-time record and its happens-before relation on a hand-driven election and on a
//! preset run, checked against the definition.
use super::*;
use crate::paxos::TimerKind;
use crate::sim::action::Action;
use crate::sim::presets;
use crate::sim::scenario::{Layout, SimConfig};
use crate::sim::timeline::Timeline;
use crate::sim::world::World;

fn three_servers() -> World {
    let config = SimConfig {
        layout: Layout::Servers { n: 3 },
        clients: 0,
        ..SimConfig::default()
    };
    World::with_spacetime(config, 1).unwrap()
}

/// The id of the first in-flight message of `kind` to `to`.
fn in_flight(w: &World, kind: &str, to: Addr) -> u64 {
    w.in_flight()
        .iter()
        .find(|m| m.env.msg.kind() == kind && m.env.to == to)
        .unwrap_or_else(|| panic!("no {kind} to {to} in flight"))
        .id
}

fn find(r: &SpaceTime, lane: Addr, kind: LaneEventKind) -> u32 {
    r.events()
        .iter_from(0)
        .find(|e| e.lane == lane && e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} on {lane}"))
        .index
}

#[test]
fn an_election_s_past_is_the_candidate_and_the_one_acceptor_that_answered() {
    let (n1, n2, n3) = (Addr::Node(1), Addr::Node(2), Addr::Node(3));
    let mut w = three_servers();
    let fire = Action::FireTimer {
        node: 1,
        timer: TimerKind::Election,
    };
    w.apply(&fire).unwrap();
    let to_n2 = in_flight(&w, "Prepare", n2);
    w.apply(&Action::Deliver { id: to_n2 }).unwrap();
    let promise = in_flight(&w, "Promise", n1);
    w.apply(&Action::Deliver { id: promise }).unwrap();
    let to_n3 = in_flight(&w, "Prepare", n3);
    w.apply(&Action::Deliver { id: to_n3 }).unwrap();

    let r = w.spacetime().unwrap();
    let elected = find(r, n1, LaneEventKind::Elected);
    let started = find(r, n1, LaneEventKind::Election);
    let n2_got = find(r, n2, LaneEventKind::Receive);
    let n2_said = find(r, n2, LaneEventKind::Send);
    let n1_got = find(r, n1, LaneEventKind::Receive);
    let n3_got = find(r, n3, LaneEventKind::Receive);
    let prepare = r.message_with_id(to_n2).unwrap();
    assert_eq!(prepare.end.unwrap().fate, MessageFate::Delivered);
    assert_eq!(prepare.end.unwrap().event, Some(n2_got));
    assert_eq!(r.event_at(prepare.send_event).unwrap().lane, n1);

    let past = r.causal_past(elected).unwrap();
    assert_eq!(
        past.frontier,
        [
            causal::LaneFrontier {
                lane: n1,
                upto: elected
            },
            causal::LaneFrontier {
                lane: n2,
                upto: n2_said
            },
        ]
    );
    // Election, two Prepares, the Promise received, elected; n2's receive and Promise.
    assert_eq!(past.size, 7);
    assert!(!past.contains(n3, n3_got));
    let chain: Vec<u32> = past.chain.iter().map(|l| l.event.index).collect();
    assert_eq!(
        chain,
        [prepare.send_event, n2_got, n2_said, n1_got, elected]
    );
    assert_eq!(past.chain[0].message.unwrap().kind, "Prepare");
    assert!(r.happened_before(started, elected));
    assert!(r.happened_before(n2_got, elected));
    assert!(!r.happened_before(elected, n2_said));
    assert!(!r.happened_before(n3_got, elected));
    // n3 got a Prepare sent before the election was won: concurrent with the win.
    assert!(!r.happened_before(elected, n3_got));
    assert!(r.happened_before(started, n3_got));
}

#[test]
fn drops_duplicates_and_crashes_end_messages_as_they_happened() {
    let (n1, n2, n3) = (Addr::Node(1), Addr::Node(2), Addr::Node(3));
    let mut w = three_servers();
    let fire = Action::FireTimer {
        node: 1,
        timer: TimerKind::Election,
    };
    w.apply(&fire).unwrap();
    let to_n2 = in_flight(&w, "Prepare", n2);
    let to_n3 = in_flight(&w, "Prepare", n3);
    w.apply(&Action::Duplicate { id: to_n2 }).unwrap();
    w.apply(&Action::Drop { id: to_n2 }).unwrap();
    w.apply(&Action::Crash { node: 3 }).unwrap();
    let copy = w
        .in_flight()
        .iter()
        .find(|m| m.env.to == n2)
        .expect("the copy is in flight")
        .id;
    w.apply(&Action::Deliver { id: copy }).unwrap();

    let r = w.spacetime().unwrap();
    let original = r.message_with_id(to_n2).unwrap();
    assert_eq!(original.end.unwrap().fate, MessageFate::Dropped);
    assert_eq!(original.end.unwrap().step, 3);
    let lost = r.message_with_id(to_n3).unwrap();
    assert_eq!(lost.end.unwrap().fate, MessageFate::Crashed);
    let dup = r.message_with_id(copy).unwrap();
    assert_eq!(dup.copy_of, Some(original.index));
    assert_eq!((dup.sent_step, dup.created_step), (1, 2));
    assert_eq!(dup.send_event, original.send_event);
    let got = dup.end.unwrap().event.expect("the copy was received");
    assert!(r.happened_before(original.send_event, got));
    assert_eq!(r.event_at(got).unwrap().lane, n2);
    assert_eq!(
        find(r, n3, LaneEventKind::Crash),
        r.lane(n3).unwrap().iter_from(0).copied().next().unwrap()
    );
    let _ = n1;
}

#[test]
fn the_causal_past_is_exactly_the_events_that_happened_before_on_a_preset_run() {
    let mut t = Timeline::new(presets::scenario("seed-demo").unwrap(), true).unwrap();
    for _ in 0..120 {
        t.apply(&Action::Auto { n: 1 }).unwrap();
    }
    let r = t.spacetime().unwrap();
    let n = r.events().len() as u32;
    assert!(n > 200, "{n} events");
    let targets: Vec<u32> = (0..n).step_by(11).collect();
    let pasts: Vec<_> = targets.iter().map(|b| r.causal_past(*b).unwrap()).collect();
    let mut related = 0;
    for a in (0..n).step_by(5) {
        let future = r.future(a, n);
        let lane = r.event_at(a).unwrap().lane;
        for past in &pasts {
            let b = past.event;
            let expected = a == b || future.contains(&b);
            assert_eq!(past.contains(lane, a), expected, "event {a} before {b}");
            related += expected as u32;
        }
    }
    assert!(related > 100, "the relation is not trivial here: {related}");
    for past in &pasts {
        let counted: u64 = (0..n)
            .filter(|i| past.contains(r.event_at(*i).unwrap().lane, *i))
            .count() as u64;
        assert_eq!(counted, past.size);
        // The chain alternates send → receive and ends at the event.
        let chain = r.chain(past.event);
        assert_eq!(
            chain,
            past.chain.iter().map(|l| l.event.index).collect::<Vec<_>>()
        );
        assert_eq!(chain.last(), Some(&past.event));
        for w in chain.windows(2) {
            assert!(r.happened_before(w[0], w[1]), "{w:?}");
        }
    }
}

#[test]
fn the_record_outlives_a_rewind_and_a_fork_cuts_it() {
    let mut t = Timeline::new(presets::scenario("seed-demo").unwrap(), true).unwrap();
    for _ in 0..60 {
        t.apply(&Action::Auto { n: 1 }).unwrap();
    }
    let end = t.step();
    let full = t.spacetime().unwrap().events().len();
    t.seek(10).unwrap();
    assert_eq!(t.spacetime().unwrap().step(), end);
    assert_eq!(t.spacetime().unwrap().events().len(), full);
    t.apply(&Action::Tick).unwrap();
    assert_eq!(t.spacetime().unwrap().step(), 11);
    assert!(t.spacetime().unwrap().events().len() < full);
    // A rewind replays without recording again; acting after it, at the end or at a fork,
    // records on from the same record as one recorded straight through.
    let again = t.spacetime().unwrap().events().len();
    t.seek(3).unwrap();
    t.seek(11).unwrap();
    assert_eq!(t.spacetime().unwrap().events().len(), again);
    t.apply(&Action::Tick).unwrap();
    assert_same_record(&t);
    t.seek(7).unwrap();
    t.apply(&Action::Auto { n: 1 }).unwrap();
    t.apply(&Action::Auto { n: 1 }).unwrap();
    assert_eq!(t.spacetime().unwrap().step(), 9);
    assert_same_record(&t);
}

/// `t`'s record is the one a run of its scenario records straight through.
fn assert_same_record(t: &Timeline) {
    let straight = Timeline::new(t.scenario(), true).unwrap();
    let (a, b) = (t.spacetime().unwrap(), straight.spacetime().unwrap());
    assert_eq!(a.step(), b.step());
    assert!(a.events().iter_from(0).eq(b.events().iter_from(0)));
    assert!(a.messages().iter_from(0).eq(b.messages().iter_from(0)));
    assert_eq!(
        a.open_before(a.step()),
        b.open_before(b.step()),
        "messages in flight"
    );
}

#[test]
fn worlds_without_a_record_keep_none() {
    let t = Timeline::new(presets::scenario("seed-demo").unwrap(), false).unwrap();
    assert!(t.spacetime().is_none());
}
