//! The event catalogue: every kind of thing a node does in a step, with the rule of
//! docs/protocol.md that made it happen.
use super::EventKind;
use crate::paxos::event::Event;

/// One entry of [`EVENTS`].
const fn ev(name: &'static str, rule: u8, summary: &'static str) -> EventKind {
    EventKind {
        name,
        rule,
        summary,
    }
}

/// Every event kind, in the order of `paxos::Event`.
pub const EVENTS: [EventKind; 25] = [
    ev("promised", 2, "An acceptor promised a ballot."),
    ev(
        "refused_prepare",
        2,
        "An acceptor refused a Prepare below its promise.",
    ),
    ev(
        "accepted_value",
        2,
        "An acceptor accepted a value for a slot.",
    ),
    ev(
        "refused_accept",
        2,
        "An acceptor refused an Accept below its promise.",
    ),
    ev(
        "refused_heartbeat",
        7,
        "An acceptor refused a heartbeat from a superseded leader.",
    ),
    ev(
        "started_election",
        7,
        "A proposer started phase 1 with a new ballot.",
    ),
    ev(
        "became_leader",
        4,
        "A proposer won a majority of promises and leads.",
    ),
    ev(
        "adopted_value",
        4,
        "A new leader adopted a value reported in a promise.",
    ),
    ev(
        "stepped_down",
        7,
        "A proposer saw a higher ballot and stepped down.",
    ),
    ev(
        "chosen",
        6,
        "A majority accepted a slot's value in one ballot: it is chosen.",
    ),
    ev("decided", 6, "A replica learned that a slot is decided."),
    ev(
        "snapshot_taken",
        10,
        "A replica took a snapshot and compacted its log.",
    ),
    ev(
        "snapshot_installed",
        10,
        "A replica installed a snapshot from another node.",
    ),
    ev(
        "forwarded",
        8,
        "A non-leader forwarded a client command to the leader.",
    ),
    ev(
        "duplicate_ignored",
        8,
        "A replica skipped a command it had applied already.",
    ),
    ev(
        "requested_catch_up",
        9,
        "A lagging replica asked for the entries it misses.",
    ),
    ev(
        "config_applied",
        12,
        "A replica applied a reconfiguration: it governs the slots α after its own.",
    ),
    ev(
        "new_config_phase1",
        12,
        "A leader reached a configuration it holds no quorum of promises in and runs phase 1 again.",
    ),
    ev(
        "handed_off",
        12,
        "A leader removed from the configuration stepped down for a member to lead.",
    ),
    ev(
        "refused_removed",
        12,
        "An acceptor refused a Prepare from a proposer it knows was removed.",
    ),
    ev(
        "granted_lease",
        12,
        "An acceptor granted the leader a lease: no other ballot for a while.",
    ),
    ev(
        "held_promise",
        12,
        "An acceptor held a Prepare back: a lease it granted still runs.",
    ),
    ev(
        "waiting_out_lease",
        12,
        "A restarted acceptor waits out any lease it may have granted.",
    ),
    ev(
        "got_lease",
        12,
        "A phase-2 quorum granted the leader a lease: it answers reads alone.",
    ),
    ev(
        "read_locally",
        12,
        "The leader answered a read under its lease, without a log round.",
    ),
];

/// The catalogue entry of an event. Exhaustive on purpose: a new event does not compile
/// until it is given a rule here.
pub fn event_kind(event: &Event) -> &'static EventKind {
    let name = match event {
        Event::Promised { .. } => "promised",
        Event::RefusedPrepare { .. } => "refused_prepare",
        Event::AcceptedValue { .. } => "accepted_value",
        Event::RefusedAccept { .. } => "refused_accept",
        Event::RefusedHeartbeat { .. } => "refused_heartbeat",
        Event::StartedElection { .. } => "started_election",
        Event::BecameLeader { .. } => "became_leader",
        Event::AdoptedValue { .. } => "adopted_value",
        Event::SteppedDown { .. } => "stepped_down",
        Event::Chosen { .. } => "chosen",
        Event::Decided { .. } => "decided",
        Event::SnapshotTaken { .. } => "snapshot_taken",
        Event::SnapshotInstalled { .. } => "snapshot_installed",
        Event::Forwarded { .. } => "forwarded",
        Event::DuplicateIgnored { .. } => "duplicate_ignored",
        Event::RequestedCatchUp { .. } => "requested_catch_up",
        Event::ConfigApplied { .. } => "config_applied",
        Event::NewConfigPhase1 { .. } => "new_config_phase1",
        Event::HandedOff { .. } => "handed_off",
        Event::RefusedRemoved { .. } => "refused_removed",
        Event::GrantedLease { .. } => "granted_lease",
        Event::HeldPromise { .. } => "held_promise",
        Event::WaitingOutLease { .. } => "waiting_out_lease",
        Event::GotLease { .. } => "got_lease",
        Event::ReadLocally { .. } => "read_locally",
    };
    EVENTS
        .iter()
        .find(|k| k.name == name)
        .expect("every event kind is catalogued (tested)")
}
