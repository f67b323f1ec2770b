//! Why a node did what it did: for each [`Event`], one or two sentences naming the facts of
//! this step that made its rule (docs/protocol.md) apply. The rule number itself is in the
//! vocabulary (`vocabulary::event_kind`); the page shows both under "why?".
use super::event::Event;

/// The reason `event` happened here, in one or two sentences: the facts of this step that
/// made its rule apply. This one explains the acceptor's rule 2 (promise and accept at or
/// above the promise) and rule 7's refused heartbeat; the others follow in order.
pub fn why(event: &Event) -> String {
    match event {
        Event::Promised { ballot } => format!(
            "b={ballot} is not below any ballot this acceptor promised before, so it may promise it. \
             It wrote the promise to disk first, so not even a crash makes it forget."
        ),
        Event::RefusedPrepare { ballot, promised } => format!(
            "It already promised b={promised}, which is higher than b={ballot}; promising the lower \
             ballot would break that promise, so it answers with a Nack carrying b={promised}."
        ),
        Event::AcceptedValue { slot, ballot } => format!(
            "The Accept's b={ballot} is not below this acceptor's promise, so it accepts the value \
             for slot {slot}, replacing any from a lower ballot, and saves it before answering."
        ),
        Event::RefusedAccept { slot, ballot, promised } => format!(
            "It promised b={promised} to a newer proposer, and the Accept for slot {slot} carries the \
             lower b={ballot}: accepting it could let an old leader's value be chosen behind the new \
             leader's back, so it refuses and names its promise."
        ),
        Event::RefusedHeartbeat { ballot, promised } => format!(
            "The heartbeat's b={ballot} is below this acceptor's promise b={promised}: its sender was \
             superseded without knowing it. The Nack tells it to step down."
        ),
        _ => why_leadership(event),
    }
}

/// Rules 4, 6 and 7: elections, a new leader's phase 1, chosen values.
fn why_leadership(event: &Event) -> String {
    match event {
        Event::StartedElection { ballot } => format!(
            "It heard from no leader before its election timer fired (or got a command and knows \
             no leader), so it runs with b={ballot}: a round above every round it has seen, with \
             its own id to make the ballot unique."
        ),
        Event::BecameLeader { ballot, count, adopted, noops, .. } => {
            let meet = if count.quorum == count.majority() && count.other == count.majority() {
                "Any two majorities share an acceptor"
            } else {
                "Every phase-1 quorum shares an acceptor with every phase-2 quorum (when |Q1| + |Q2| > n)"
            };
            format!(
                "Promises for b={ballot} came from {count}. {meet}, so every \
                 value that may be chosen was reported: it re-proposes those ({adopted}) and fills \
                 holes with no-ops ({noops}), once for all slots."
            )
        }
        Event::AdoptedValue { slot, from_ballot } => format!(
            "A promise reported a value for slot {slot} accepted in b={from_ballot}, the highest ballot \
             reported for it. That value may already be chosen, so the new leader proposes it instead of its own."
        ),
        Event::SteppedDown { ballot, higher } => format!(
            "It saw b={higher}, above its own b={ballot}: acceptors that promised the higher ballot \
             refuse its messages, so it stops proposing and follows."
        ),
        Event::Chosen { slot, ballot, count, .. } => format!(
            "Slot {slot} was accepted in b={ballot} by {count}. Every later leader's phase 1 meets \
             one of them and re-proposes this value, so it can never change."
        ),
        Event::Decided { slot } => format!(
            "The commit index the leader sent (on an Accept, a Heartbeat or a catch-up reply) covers \
             slot {slot}, so this replica knows its value is chosen and applies the log in order."
        ),
        _ => why_replica(event),
    }
}

/// Rules 8, 9 and 10: clients' commands at most once, catch-up and snapshots.
fn why_replica(event: &Event) -> String {
    match event {
        Event::SnapshotTaken { index } => format!(
            "It applied another snapshot interval of slots; the key-value store now stands for \
             every entry below slot {index}, so those entries can go."
        ),
        Event::SnapshotInstalled { index } => format!(
            "It asked for entries the sender had compacted away; the sender's snapshot replaces \
             every slot below {index}."
        ),
        Event::Forwarded { client, seq, leader } => format!(
            "This node does not lead and knows that n{leader} does, so it passes c{client}#{seq} on \
             instead of starting a competing election."
        ),
        Event::DuplicateIgnored { client, seq } => format!(
            "The session table shows c{client}#{seq} applied already: a retry put it in a second slot, \
             and applying it again would run the command twice."
        ),
        Event::RequestedCatchUp { from_slot } => format!(
            "The leader's commit index is ahead of this replica's log from slot {from_slot}, so it asks \
             for the missing entries only, never the whole log."
        ),
        _ => why_lease(event),
    }
}

/// Rule 12, leases: reads answered by the leader alone.
fn why_lease(event: &Event) -> String {
    match event {
        Event::GrantedLease { ballot, until } => format!(
            "The leader of b={ballot} asked for a lease with its heartbeat, and no other ballot holds one \
             here: this acceptor promises no other ballot until its own clock reads {until}, so no \
             other proposer can win phase 1 through it meanwhile."
        ),
        Event::HeldPromise { ballot, until } => format!(
            "It granted a lease to another ballot that runs until its clock reads {until}; promising \
             b={ballot} now could elect a second leader while the first still answers reads alone."
        ),
        Event::WaitingOutLease { until } => format!(
            "A lease it granted before the crash was kept only in memory. Until its clock reads {until} \
             it promises no new ballot, so a lease it forgot still holds."
        ),
        Event::GotLease { ballot, until } => format!(
            "A phase-2 quorum granted the lease of b={ballot}; every phase-1 quorum includes one of \
             them, so no other leader can be elected before its clock reads {until} (the lease less \
             the drift both clocks may have)."
        ),
        Event::ReadLocally { client, seq } => format!(
            "It leads under a valid lease and has applied everything earlier leaders chose, so its \
             store is up to date: c{client}#{seq} is a read, answered without a round of the log."
        ),
        _ => why_reconfig(event),
    }
}

/// Rule 12, reconfiguration through the log.
fn why_reconfig(event: &Event) -> String {
    match event {
        Event::ConfigApplied {
            epoch, from_slot, ..
        } => format!(
            "A reconfiguration was decided in the log, α slots (the pipeline window) before slot \
             {from_slot}: a leader may have proposed every slot up to there under the previous \
             configuration, so #{epoch} governs only the slots from {from_slot} on."
        ),
        Event::NewConfigPhase1 { slot, epoch } => format!(
            "Slot {slot} belongs to configuration #{epoch}, and the acceptors that promised this \
             leader's ballot are no quorum of it: a value chosen there under an older ballot \
             might be unknown to it, so it asks #{epoch}'s acceptors with phase 1 first."
        ),
        Event::HandedOff { slot, epoch, .. } => format!(
            "Configuration #{epoch}, which governs slot {slot} on, no longer has this node as a \
             proposer: it stops leading, passes on the commands it held, and a member's \
             election timer picks the next leader."
        ),
        Event::RefusedRemoved { proposer } => format!(
            "This node applied a configuration without n{proposer}: its ballot must not depose \
             the members' leader. Promising nothing is always safe; the entries it missed \
             tell n{proposer} it was removed, and it stops running."
        ),
        _ => unreachable!("every event is explained by one of the five"),
    }
}
