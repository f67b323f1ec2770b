//! Liveness after faults stop: every started command is answered within the bound of
//! docs/protocol.md, the fuzzer's regression seeds, and a replay that reports a liveness
//! violation exactly where the run met it.
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::check::invariants::LIVENESS;
use paxoscope::kv::Op;
use paxoscope::paxos::durable::DurableState;
use paxoscope::paxos::{Addr, Ballot, Command, Config, Envelope, Input, Message, Node, TimerKind};
use paxoscope::sim::fuzz::{self, DEFAULT_FAULT_STEPS};
use paxoscope::sim::liveness;
use paxoscope::sim::scenario::{Scenario, SimConfig};
use paxoscope::sim::timeline::Timeline;
use paxoscope::sim::Action;
use std::sync::Arc;

fn from_node(from: u32, to: u32, msg: Message) -> Input {
    Input::Message(Envelope {
        from: Addr::Node(from),
        to: Addr::Node(to),
        msg,
    })
}

fn heartbeat(ballot: Ballot) -> Message {
    Message::Heartbeat {
        ballot,
        commit_index: 0,
        safe_point: 0,
        lease_round: None,
    }
}

fn request(client: u32) -> Message {
    Message::Request {
        command: Command {
            client,
            seq: 1,
            op: Op::Put {
                key: "x".into(),
                value: client.to_string().into(),
            },
        },
        forwarded: false,
    }
}

/// Node 1 of three servers (window 1) elected with node 2's promise; its ballot.
fn leader_of_three() -> (Node, Ballot) {
    let mut config = Config::servers(3);
    config.window = 1;
    let mut n = Node::new(1, Arc::new(config), DurableState::default());
    let r = n.step(Input::Timeout(TimerKind::Election));
    let ballot = n.proposer().unwrap().ballot().unwrap();
    assert!(!r.messages.is_empty());
    let promise = Message::Promise {
        ballot,
        truncated_below: 0,
        accepted: vec![],
    };
    n.step(from_node(2, 1, promise));
    assert!(n.is_leader());
    (n, ballot)
}

/// Rule 7: an acceptor that promised a higher ballot answers the old leader's heartbeat
/// with a Nack, and the old leader steps down; a current leader's heartbeat is not answered.
#[test]
fn a_superseded_leader_learns_it_from_its_heartbeats() {
    let (mut leader, mine) = leader_of_three();
    let higher = Ballot::new(mine.round + 1, 3);
    let mut acceptor = Node::new(2, Arc::new(Config::servers(3)), DurableState::default());
    let current = acceptor.step(from_node(1, 2, heartbeat(mine)));
    assert!(current.messages.is_empty(), "{:?}", current.messages);
    let prepare = Message::Prepare {
        ballot: higher,
        from_slot: 0,
    };
    acceptor.step(from_node(3, 2, prepare));
    let r = acceptor.step(from_node(1, 2, heartbeat(mine)));
    let nack = r
        .messages
        .iter()
        .find(|e| e.to == Addr::Node(1))
        .expect("the stale heartbeat is answered");
    assert_eq!(
        nack.msg,
        Message::Nack {
            ballot: mine,
            promised: higher
        }
    );
    leader.step(from_node(2, 1, nack.msg.clone()));
    assert!(!leader.is_leader());
}

/// Rule 8: a leader that steps down keeps the command it proposed and the one it queued,
/// and forwards both, in order, to the next leader it hears from.
#[test]
fn a_leader_that_steps_down_hands_its_commands_to_the_next_leader() {
    let (mut n, mine) = leader_of_three();
    for client in [7, 8] {
        n.step(Input::Message(Envelope {
            from: Addr::Client(client),
            to: Addr::Node(1),
            msg: request(client),
        }));
    }
    let higher = Ballot::new(mine.round + 1, 3);
    let nack = Message::Nack {
        ballot: mine,
        promised: higher,
    };
    let r = n.step(from_node(2, 1, nack));
    assert!(!n.is_leader());
    assert!(r.messages.is_empty(), "nothing to forward to yet");
    let r = n.step(from_node(3, 1, heartbeat(higher)));
    let forwarded: Vec<(Addr, u32, bool)> = r
        .messages
        .iter()
        .filter_map(|e| match &e.msg {
            Message::Request { command, forwarded } => Some((e.to, command.client, *forwarded)),
            _ => None,
        })
        .collect();
    assert_eq!(
        forwarded,
        vec![(Addr::Node(3), 7, true), (Addr::Node(3), 8, true)],
        "the proposed command first, then the queued one"
    );
    let again = n.step(from_node(3, 1, heartbeat(higher)));
    assert!(again.messages.is_empty(), "handed over once");
}

/// Runs a fuzz seed and checks that it recovers within its bound with no violation, and
/// that its printed replay agrees.
fn recovers_within_the_bound(seed: u64) -> u64 {
    let o = fuzz::run_seed(seed, DEFAULT_FAULT_STEPS, None);
    assert_eq!(o.violation, None, "seed {seed}");
    let ticks = o
        .recovery_ticks
        .expect("every started command was answered");
    assert!(ticks <= o.bound_ticks, "{ticks} > bound {}", o.bound_ticks);
    let replay = Timeline::new(o.scenario.clone(), false).unwrap();
    assert_eq!(replay.step(), o.steps);
    assert!(replay.world().violations().is_empty());
    assert_eq!(
        replay.world().liveness().unwrap().recovery_ticks(),
        Some(ticks)
    );
    ticks
}

/// Rule 12: a leader re-proposed the slots of the configuration that added it back, then
/// applied an earlier one without it and handed its commands to a node the later one had
/// removed; that node refused them, and the clients' back-off outlasted the bound.
#[test]
fn seed_28175_a_node_that_handed_off_learns_it_was_added_back() {
    recovers_within_the_bound(28_175);
}

/// Rule 12 (found while fixing seed 28175, by a first fix that passed a command back to a
/// proposer of the latest configuration without teaching it): two removed proposers that
/// knew different configurations passed the clients' commands to and fro without end.
#[test]
fn seed_35808_removed_proposers_that_know_different_configurations_agree() {
    recovers_within_the_bound(35_808);
}

/// Rule 12 (found while fixing seed 28175): acceptors that had missed the configuration
/// adding a proposer back refused its Prepare as removed, and nothing taught them otherwise.
#[test]
fn seed_25154_an_acceptor_that_refuses_a_removed_proposer_asks_what_it_missed() {
    recovers_within_the_bound(25_154);
}

/// A leader superseded during the faults (acceptors had promised a higher ballot whose
/// proposer then crashed) kept sending heartbeats after healing: no acceptor answers a
/// heartbeat, so it never learned, and its heartbeats held every other proposer's election
/// timer back. It found out only when a client retry, 172 ticks later, made it send an
/// Accept; it stepped down and dropped the command, which waited for the next retry
/// (8 × client_retry_ticks = 240 ticks): 412 ticks in all.
#[test]
fn seed_40292142_a_superseded_leader_steps_down_and_keeps_the_command() {
    recovers_within_the_bound(40_292_142);
}

/// The same stale leader on five servers (retry 27, delays up to 3 ticks): the retry
/// 182 ticks after healing reached it through a follower, it stepped down and dropped the
/// command, and the next retry came 216 ticks later.
#[test]
fn seed_40367291_a_superseded_leader_steps_down_and_keeps_the_command() {
    recovers_within_the_bound(40_367_291);
}

/// Copies of commands answered long before filled the leader's queue (window 1, batch 2):
/// every step-down during the faults handed its held commands on, and the leader gave each
/// copy a slot of its own, a round trip at a time, ahead of the one command still awaited.
#[test]
fn seed_212553_stale_copies_do_not_queue_ahead_of_the_awaited_command() {
    recovers_within_the_bound(212_553);
}

/// Two proposers of the seed layout preempted each other for 100 ticks after healing: each,
/// just stepped down, still believed itself leader, so the next client request made it
/// run at once with a higher ballot, cutting short the other's election.
#[test]
fn seed_313446_a_proposer_that_stepped_down_does_not_run_at_once_on_a_request() {
    recovers_within_the_bound(313_446);
}

/// Five servers, window 1, batch 1: the stable leader spent 240 ticks proposing copies of
/// answered commands, one slot each, before the awaited one.
#[test]
fn seed_314636_the_leader_answers_applied_commands_from_the_session_table() {
    recovers_within_the_bound(314_636);
}

#[test]
fn the_bound_follows_the_configuration() {
    // Seed 40292142's configuration: E = 10, H = 3, R = 30, no delay (docs/protocol.md).
    let mut c = fuzz::swarm_config(40_292_142, None);
    assert_eq!(c.network.delay_ticks_max, 0);
    // Reads under leases with drifting clocks (rule 12) add their own terms: below.
    let leased = c.clone();
    c.read_mode = paxoscope::paxos::ReadMode::Log;
    c.clock_drift_per_mille = 0;
    let b = liveness::bound(&c);
    assert_eq!((b.stable_leader, b.retransmission), (180, 96));
    // Slow clocks stretch E and H by 1000 / (1000 − ε) (+1); a lease of D holds every
    // promise back for D such ticks, and the next election may wait a whole timer.
    assert_eq!(
        (
            leased.read_mode,
            leased.lease_ticks,
            leased.clock_drift_per_mille
        ),
        (paxoscope::paxos::ReadMode::Lease, 37, 100)
    );
    let lb = liveness::bound(&leased);
    assert_eq!((lb.election_timer, lb.retransmission), (9 * 13, 32 * 5));
    assert_eq!(
        lb.stable_leader,
        2 * 117 + (37_000_u64.div_ceil(900) + 1) + 117
    );
    assert_eq!(
        b.client_retry, 240,
        "8 × 30 ticks of client back-off dominate"
    );
    assert_eq!(b.total, 240);
    c.client_retry_ticks = 8;
    assert_eq!(liveness::bound(&c).total, 180, "now the election dominates");
    c.network.delay_ticks_max = 4;
    let b = liveness::bound(&c);
    assert_eq!(b.stable_leader, 180 + 5 * 4);
    // 9 hops for the command; 2 clients fit in one window (W = 1, B = 3).
    assert_eq!(b.total, 200 + 9 * 4);
    c.batch = 1;
    c.clients = 4;
    assert_eq!(
        liveness::bound(&c).total,
        200 + 9 * 4 + 3 * 2 * 4,
        "three other clients' commands ahead, one round trip each"
    );
}

/// A scenario in which faults stop while a command is pending and then only time passes
/// (no message is delivered): the command is overdue one tick past the bound.
fn starved_scenario(extra_ticks: u64) -> (Scenario, u64) {
    let config = SimConfig {
        clients: 1,
        ..SimConfig::default()
    };
    let bound = liveness::bound(&config).total;
    let mut actions = vec![
        Action::Submit {
            client: 1,
            op: Op::Put {
                key: "x".into(),
                value: "1".into(),
            },
        },
        Action::EndFaults,
    ];
    actions.extend((0..bound + extra_ticks).map(|_| Action::Tick));
    let scenario = Scenario {
        preset: None,
        config,
        seed: 1,
        actions,
    };
    (scenario, bound)
}

#[test]
fn a_replay_reports_the_liveness_violation_at_the_step_it_happened() {
    let (scenario, bound) = starved_scenario(1);
    let t = Timeline::new(scenario.clone(), false).unwrap();
    let violations = t.world().violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    let v = &violations[0];
    assert_eq!(v.invariant, LIVENESS);
    // Submit, EndFaults, then the tick that passes the bound.
    assert_eq!(v.step, 2 + bound + 1);
    assert!(v.message.contains("c1#1 put x=1"), "{}", v.message);
    // One tick less is within the bound.
    let (short, _) = starved_scenario(0);
    let t = Timeline::new(short, false).unwrap();
    assert!(t.world().violations().is_empty());
    // Stepping back and forth reports it at the same step.
    let mut t = Timeline::new(scenario, false).unwrap();
    t.seek(5).unwrap();
    assert!(t.world().violations().is_empty());
    t.seek(2 + bound + 1).unwrap();
    assert_eq!(t.world().violations(), std::slice::from_ref(v));
}

#[test]
fn faults_coming_back_disarm_the_liveness_check() {
    let (mut scenario, _) = starved_scenario(1);
    scenario.actions.insert(2, Action::Crash { node: 3 });
    let t = Timeline::new(scenario, false).unwrap();
    assert!(t.world().liveness().is_none());
    assert!(t.world().violations().is_empty());
}

/// Time stood still after healing (no delay, so nothing made it pass): a server that led
/// with ballot 3.5, crashed and restarted followed the stale leader 2.4's heartbeats although
/// its own acceptor had promised 3.5 and just refused them, while 2.4 followed 3.5; each
/// forwarded client requests to the other, which sent the client back, forever.
#[test]
fn seed_558742_a_node_does_not_follow_a_leader_below_its_own_promise() {
    recovers_within_the_bound(558_742);
}

/// The same loop between 7.2 (restarted, following 6.5) and 6.5 (following 7.2).
#[test]
fn seed_607816_requests_do_not_bounce_between_two_followers() {
    recovers_within_the_bound(607_816);
}

/// Found by the 1,000,000-seed campaign: in the seed layout, proposer 7 (no acceptor of its
/// own) restarted after leading with 6.7 and followed 6's older ballot 5.6, while 6, told
/// of 6.7 by the acceptors, followed 7. Each forwarded client requests to the other, the
/// other sent the client back, and the client resent at once: messages kept coming due
/// with no delay, so time never advanced (200,000 steps at tick 157). Now a node does not
/// follow a leader below its own last ballot, and a client told to go where it already
/// sends waits for its retry timer instead of resending at once.
#[test]
fn seed_50953496_a_restarted_proposer_does_not_follow_a_leader_below_its_own_ballot() {
    recovers_within_the_bound(50_953_496);
}

/// The scenario of tests/e2e/liveness.spec.mjs, read from its JSON as the page reads a link:
/// the native replay reports the violation at the step the page shows (183).
#[test]
fn the_page_scenario_reports_the_same_step_natively() {
    let ticks: Vec<&str> = (0..181).map(|_| r#"{"type":"tick"}"#).collect();
    let json = format!(
        r#"{{"config":{{"clients":1,"client_retry_ticks":8,"network":{{"delay_ticks_max":0}}}},
            "seed":1,"actions":[{{"type":"submit","client":1,"op":{{"op":"put","key":"x","value":"1"}}}},
            {{"type":"end_faults"}},{}]}}"#,
        ticks.join(",")
    );
    let scenario = Scenario::from_json(&json).unwrap();
    assert_eq!(liveness::bound(&scenario.config).total, 180);
    let t = Timeline::new(scenario, false).unwrap();
    let v = t.world().violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!((v[0].invariant, v[0].step), (LIVENESS, 183));
}

/// Rule 12 (leases and reconfiguration), fuzz seed 34848: a leader won phase 1 from the
/// acceptors of the configuration it knew (n1, n2, n3), then applied, among the slots it
/// re-proposed, a configuration (n1, n2, n8) in whose slots a rival had chosen values it
/// never heard of; its lease (a phase-2 quorum of one acceptor, its own) let it answer a
/// read from that stale store before phase 1 ran in the new configuration. A lease now
/// counts only while the leader's ballot holds a phase-1 quorum of every configuration
/// from its applied index on. Fails with a linearizability violation without that check.
#[test]
fn a_leader_reads_alone_only_in_configurations_its_ballot_won() {
    recovers_within_the_bound(34848);
}
