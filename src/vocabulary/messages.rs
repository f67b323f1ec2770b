//! The message catalogue: every message kind of the protocol and of the client interface,
//! who sends it to whom and when, and the rules it serves (docs/protocol.md).
use super::Role::{Acceptor, Client, Proposer, Replica};
use super::{Family, MessageKind};
use crate::paxos::Message;

/// Every message kind, in the order of the protocol's story: election, proposals,
/// refusals, leadership, catch-up, clients.
pub const MESSAGES: [MessageKind; 13] = [
    MessageKind {
        name: "Prepare",
        family: Family::Phase1,
        from: &[Proposer],
        to: &[Acceptor],
        when: "A proposer starts an election: its election timer fired, or a client command reached it while it knew no leader.",
        rules: &[1, 4],
        summary: "A proposer asks every acceptor to promise its new ballot.",
        description: "Phase 1a. The proposer persists a round higher than any it has seen and asks every acceptor to promise the ballot (round, its id) — to ignore every lower one — and to report what it accepted from the first slot the proposer does not know decided. It is how leadership is taken.",
        client_traffic: false,
    },
    MessageKind {
        name: "Promise",
        family: Family::Phase1,
        from: &[Acceptor],
        to: &[Proposer],
        when: "In reply to a Prepare whose ballot is at or above the acceptor's promise.",
        rules: &[2, 4],
        summary: "An acceptor promises the ballot and reports what it accepted.",
        description: "Phase 1b. The acceptor persists the promise before replying, then reports, for every slot from the one asked, the value it accepted with the highest ballot, and the point below which it compacted its log. The new leader must re-propose those values: one may already be chosen.",
        client_traffic: false,
    },
    MessageKind {
        name: "Accept",
        family: Family::Phase2,
        from: &[Proposer],
        to: &[Acceptor],
        when: "The leader proposes a slot: a client command (batched, within the window), a value adopted after phase 1, or a no-op for a hole; resent to acceptors that have not answered.",
        rules: &[5, 6],
        summary: "The leader asks acceptors to accept a value for one slot.",
        description: "Phase 2a, under the leader's ballot. It also carries the leader's commit index, so followers learn which slots are decided, and its safe point, below which acceptors may drop entries. In steady state only this phase runs.",
        client_traffic: false,
    },
    MessageKind {
        name: "Accepted",
        family: Family::Phase2,
        from: &[Acceptor],
        to: &[Proposer],
        when: "An acceptor accepted an Accept at or above its promise, after persisting it.",
        rules: &[2, 3, 6],
        summary: "An acceptor accepted (and persisted) the value.",
        description: "Phase 2b. Once a majority of acceptors accepted the same ballot for a slot, its value is chosen forever; the leader learns it from these replies and applies it.",
        client_traffic: false,
    },
    MessageKind {
        name: "Nack",
        family: Family::Refusal,
        from: &[Acceptor],
        to: &[Proposer],
        when: "An acceptor refuses a Prepare or an Accept whose ballot is below its promise.",
        rules: &[2, 7],
        summary: "Refused: the acceptor promised a higher ballot.",
        description: "It carries the acceptor's promise, so the proposer learns it is out of date, steps down, and picks a higher round when it runs again.",
        client_traffic: false,
    },
    MessageKind {
        name: "Heartbeat",
        family: Family::Leadership,
        from: &[Proposer],
        to: &[Proposer, Acceptor, Replica],
        when: "Every heartbeat interval, from the leader to every other node.",
        rules: &[7, 6, 10],
        summary: "The leader is alive; it says how far the log is decided.",
        description: "It keeps the other proposers' election timers from firing, and carries the leader's commit index and safe point: followers learn which slots are decided and ask for what they miss.",
        client_traffic: false,
    },
    MessageKind {
        name: "LeaseGrant",
        family: Family::Leadership,
        from: &[Acceptor],
        to: &[Proposer],
        when: "In lease read mode, in reply to a Heartbeat that asks for a lease in a ballot the acceptor may promise.",
        rules: &[12],
        summary: "An acceptor grants the leader a lease.",
        description: "For the lease's length on its own clock the acceptor promises no other ballot. Once a phase-2 quorum granted a round, no other proposer can win phase 1, so the leader answers reads alone until its lease, less the clock drift allowed for, runs out.",
        client_traffic: false,
    },
    MessageKind {
        name: "CatchUp",
        family: Family::CatchUp,
        from: &[Replica],
        to: &[Replica],
        when: "A replica learns that the leader's commit index is ahead of its own (one request at a time), or a new leader misses slots that acceptors compacted.",
        rules: &[9],
        summary: "A lagging replica asks for the decided entries it misses.",
        description: "It names the first slot the replica does not know decided, so only the missing entries come back — never the whole log (the seed program's main flaw).",
        client_traffic: false,
    },
    MessageKind {
        name: "CatchUpReply",
        family: Family::CatchUp,
        from: &[Replica],
        to: &[Replica],
        when: "In reply to a CatchUp.",
        rules: &[9],
        summary: "The decided entries a lagging replica asked for.",
        description: "At most a batch of decided entries, in slot order, with the sender's commit index, so the requester knows whether to ask again.",
        client_traffic: false,
    },
    MessageKind {
        name: "InstallSnapshot",
        family: Family::CatchUp,
        from: &[Replica],
        to: &[Replica],
        when: "In reply to a CatchUp from below the sender's compaction point.",
        rules: &[10],
        summary: "A state-machine snapshot for a replica behind compaction.",
        description: "The key-value store and the session table up to the snapshot's slot: the log entries the requester would need were compacted away.",
        client_traffic: false,
    },
    MessageKind {
        name: "Request",
        family: Family::Client,
        from: &[Client, Proposer],
        to: &[Proposer],
        when: "A client submits a command, or retries it after a timeout; a non-leader proposer forwards it once to the leader it knows.",
        rules: &[8],
        summary: "A client command, tagged with (client id, sequence number).",
        description: "The command is a put, get or cas. Its tag lets replicas apply it at most once, even when a retry lands it in two slots.",
        client_traffic: true,
    },
    MessageKind {
        name: "Reply",
        family: Family::Client,
        from: &[Replica],
        to: &[Client],
        when: "The leader's replica applied the command.",
        rules: &[8],
        summary: "The answer to a client command.",
        description: "Sent once the command is chosen and applied. A retry of a command already applied is answered from the session table, not applied again.",
        client_traffic: true,
    },
    MessageKind {
        name: "NotLeader",
        family: Family::Client,
        from: &[Proposer],
        to: &[Client],
        when: "A node that does not lead cannot forward the request (it knows no other leader, or the request was already forwarded).",
        rules: &[8],
        summary: "Not the leader: try that node instead.",
        description: "It names the node this one believes leads, if any, so the client retries there.",
        client_traffic: true,
    },
];

/// The catalogue entry of a message, by its kind name ([`Message::kind`], exhaustive: a
/// new message kind does not compile until it is named there, and a test checks every
/// named kind is described here).
pub fn message_kind(message: &Message) -> &'static MessageKind {
    let name = message.kind();
    MESSAGES
        .iter()
        .find(|k| k.name == name)
        .expect("every message kind is catalogued (tested)")
}
