//! One vocabulary for everything that explains a run: every message kind (who sends it, to
//! whom, when, and the protocol rules it serves), every role, proposer phase, invariant and
//! injectable bug, each with its description. The page draws and explains only what is
//! here (`vocabulary()` in docs/wasm-api.md); the tests below prove that no message kind,
//! role, invariant or bug of the core is missing from it.
use crate::check::invariants;
use crate::json::ToJson;
use crate::paxos::Bug;
use crate::sim::spacetime::{LaneEventKind, MessageFate};
use crate::sim::world::ProposerPhase;
use serde::Serialize;

mod events;
mod messages;

pub use events::{event_kind, EVENTS};
pub use messages::{message_kind, MESSAGES};

/// A rule of the protocol checklist (docs/protocol.md), by number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rule {
    /// Its number in docs/protocol.md and the design notes (1–12).
    pub number: u8,
    /// What the rule says, in one sentence.
    pub text: &'static str,
}

/// The protocol rules the core implements.
pub const RULES: [Rule; 12] = [
    Rule { number: 1, text: "Ballots are unique and totally ordered: (round, proposer id), the round persisted before use." },
    Rule { number: 2, text: "An acceptor promises only at or above its promise, accepts at or above it (raising it), and persists both before replying." },
    Rule { number: 3, text: "Per slot, an acceptor keeps only the value it accepted with the highest ballot." },
    Rule { number: 4, text: "Phase 1 runs once per leadership and covers every slot not known decided; the new leader adopts the highest-ballot value of each slot and fills holes with no-ops." },
    Rule { number: 5, text: "In steady state only phase 2 runs, pipelined (a window of open slots) and batched." },
    Rule { number: 6, text: "A value is chosen once a quorum accepted it in one ballot; commit knowledge rides on Accept and Heartbeat; replicas apply the decided prefix in order." },
    Rule { number: 7, text: "A leader sends heartbeats; followers start an election after a randomized, backed-off timeout; a proposer that sees a higher ballot steps down." },
    Rule { number: 8, text: "Client commands carry (client, sequence number); replicas apply each at most once, answer retries from a session table, and non-leaders forward to the leader." },
    Rule { number: 9, text: "A lagging replica is sent only the decided entries it misses, never the whole log." },
    Rule { number: 10, text: "Replicas snapshot the key-value store; acceptors drop entries below the leader's safe point; a replica behind that point receives a snapshot." },
    Rule { number: 11, text: "Roles are composable: the seed layout (five acceptors, two proposers) and N servers are both configurations." },
    Rule { number: 12, text: "Production extensions: reconfiguration goes through the log (a configuration decided in slot i governs the slots from i + α on, α = the pipeline window, so no slot is decided by quorums of two configurations that need not intersect); quorums may be flexible (every phase-1 quorum meets every phase-2 quorum, |Q1| + |Q2| > n), and a leader may answer reads alone under a lease granted by a phase-2 quorum that allows for bounded clock drift." },
];

/// Who takes part in the protocol: the three roles a node can combine, and the clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs phases 1 and 2 and can become leader.
    Proposer,
    /// Promises and accepts, durably.
    Acceptor,
    /// Learns decided slots and applies them to the key-value store.
    Replica,
    /// Submits commands and waits for answers (not a node).
    Client,
}

impl Role {
    /// Every role, in the order the page lists them.
    pub const ALL: [Role; 4] = [Role::Proposer, Role::Acceptor, Role::Replica, Role::Client];

    /// The name used in the state JSON (`nodes[].roles`, rule 11) and on the page.
    pub fn name(self) -> &'static str {
        match self {
            Role::Proposer => "proposer",
            Role::Acceptor => "acceptor",
            Role::Replica => "replica",
            Role::Client => "client",
        }
    }

    /// What the role does, for people.
    pub fn description(self) -> &'static str {
        match self {
            Role::Proposer => "Runs for leader with phase 1 (Prepare, Promise), then proposes client commands into log slots with phase 2 (Accept, Accepted). Every proposer is also a replica.",
            Role::Acceptor => "The memory of the protocol: it promises ballots and accepts values, and persists both before answering. A majority of acceptors is a quorum.",
            Role::Replica => "Learns which value each slot has chosen and applies the decided prefix of the log, in order, to its key-value store. The leader's replica answers the clients.",
            Role::Client => "Submits put, get and cas commands to a node and waits for the answer, retrying elsewhere when it hears nothing.",
        }
    }
}

/// The group a message kind belongs to, as the legend shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Family {
    /// Phase 1: taking leadership.
    #[serde(rename = "phase 1")]
    Phase1,
    /// Phase 2: choosing values.
    #[serde(rename = "phase 2")]
    Phase2,
    /// A refusal that makes a proposer step down.
    #[serde(rename = "refusal")]
    Refusal,
    /// Keeping leadership and spreading commit knowledge.
    #[serde(rename = "leadership")]
    Leadership,
    /// Bringing a lagging replica up to date.
    #[serde(rename = "catch-up")]
    CatchUp,
    /// Between clients and nodes.
    #[serde(rename = "client")]
    Client,
}

/// One message kind of the protocol or of the client interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MessageKind {
    /// The kind's name: `Message::kind()`, `messages[].type` and the keys of `stats`.
    pub name: &'static str,
    /// Its group in the legend.
    pub family: Family,
    /// The roles that send it.
    pub from: &'static [Role],
    /// The roles it is sent to.
    pub to: &'static [Role],
    /// When it is sent.
    pub when: &'static str,
    /// The numbers of the rules it serves (see [`RULES`]).
    pub rules: &'static [u8],
    /// One line: what it says.
    pub summary: &'static str,
    /// A few sentences: what it carries and why it matters.
    pub description: &'static str,
    /// True for client traffic (not counted in messages per command).
    pub client_traffic: bool,
}

/// One kind of thing a node does in a step (a `paxos::Event` variant), with the rule of
/// docs/protocol.md that made it happen: what "why?" on the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EventKind {
    /// The kind's name: the event's tag, and `events[].event` in the state JSON.
    pub name: &'static str,
    /// The number of the rule that applied (see [`RULES`]).
    pub rule: u8,
    /// One line: what the event is.
    pub summary: &'static str,
}

/// A named thing with its description: a role, a phase, an invariant or a bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Term {
    /// The name as it appears in the state JSON, scenarios and the CLI.
    pub name: &'static str,
    /// What it means, for people.
    pub description: &'static str,
}

/// A phase as `nodes[].phase` reports it (rules 4 and 7), with what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PhaseTerm {
    /// The phase, written as the state JSON writes it.
    pub name: ProposerPhase,
    /// What it means, for people.
    pub description: &'static str,
}

/// Every phase a node can report, in the order of a leadership's life.
pub const PHASES: [ProposerPhase; 5] = [
    ProposerPhase::None,
    ProposerPhase::Following,
    ProposerPhase::Preparing,
    ProposerPhase::Leading,
    ProposerPhase::Crashed,
];

/// What a phase means. Exhaustive on purpose: a new phase does not compile until it is
/// described here (and listed in [`PHASES`]).
pub fn phase_description(phase: ProposerPhase) -> &'static str {
    match phase {
        ProposerPhase::None => "not a proposer: it never runs for leader",
        ProposerPhase::Following => "follows the leader it knows, or waits for its election timer",
        ProposerPhase::Preparing => "sent Prepare (phase 1), waits for a majority of Promises",
        ProposerPhase::Leading => "a majority promised: it leads and runs phase 2 for every slot",
        ProposerPhase::Crashed => "down: only its durable state survives",
    }
}

/// Every phase with its description.
pub fn phases() -> Vec<PhaseTerm> {
    PHASES
        .iter()
        .map(|&name| PhaseTerm {
            name,
            description: phase_description(name),
        })
        .collect()
}

/// Every injectable bug with the rule it breaks (src/paxos/bugs.rs).
pub fn bugs() -> Vec<Term> {
    Bug::ALL
        .iter()
        .map(|b| Term {
            name: b.name(),
            description: b.description(),
        })
        .collect()
}

/// Every checked property, in display order (src/check).
pub fn invariants() -> Vec<Term> {
    invariants::ALL
        .iter()
        .map(|(name, description)| Term { name, description })
        .collect()
}

/// What an event on a lane of the message sequence diagram means (`spacetime()` events'
/// `kind`). Exhaustive on purpose: a new kind does not compile until it is described here.
pub fn diagram_event_description(kind: LaneEventKind) -> &'static str {
    match kind {
        LaneEventKind::Send => "the node or client put a message on the wire: an arrow starts here",
        LaneEventKind::Receive => {
            "a message reached the node or client and was handled: an arrow ends here"
        }
        LaneEventKind::Crash => {
            "the node crashed: its volatile state, timers and inbound messages are lost"
        }
        LaneEventKind::Restart => "the node restarted from what its disk kept",
        LaneEventKind::Election => {
            "the proposer's election timer fired: it starts phase 1 with a higher ballot"
        }
        LaneEventKind::Elected => "a majority promised: the proposer leads and runs phase 2",
        LaneEventKind::Decided => "slots became known decided at this node",
        LaneEventKind::Submit => "the client sent a new command",
        LaneEventKind::Answer => "the client got the answer to its command",
    }
}

/// How a message's life can end in the diagram (`spacetime()` messages' `end.fate`).
pub fn message_fate_description(fate: MessageFate) -> &'static str {
    match fate {
        MessageFate::Delivered => "its recipient received and handled it",
        MessageFate::Dropped => "the network lost it: the arrow ends in a cross",
        MessageFate::Unreachable => "taken off the wire, but its recipient was crashed or cut off",
        MessageFate::Crashed => "its recipient crashed while it was on the way",
        MessageFate::Partitioned => "sent across a partition: it never got on the wire",
    }
}

/// Every diagram event kind with its description, in legend order.
pub fn diagram_events() -> Vec<Term> {
    LaneEventKind::ALL
        .iter()
        .map(|&k| Term {
            name: k.name(),
            description: diagram_event_description(k),
        })
        .collect()
}

/// Every message fate with its description, in legend order.
pub fn message_fates() -> Vec<Term> {
    MessageFate::ALL
        .iter()
        .map(|&f| Term {
            name: f.name(),
            description: message_fate_description(f),
        })
        .collect()
}

/// The whole vocabulary, as `vocabulary()` gives it to the page.
#[derive(Clone, Debug, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Vocabulary {
    /// Every message kind, in the order of the protocol's story.
    pub messages: &'static [MessageKind],
    /// Every role.
    pub roles: Vec<Term>,
    /// Every phase a node can report.
    pub phases: Vec<PhaseTerm>,
    /// The protocol rules the messages serve.
    pub rules: &'static [Rule],
    /// Every kind of node event, with the rule that made it happen.
    pub events: &'static [EventKind],
    /// Every checked property.
    pub invariants: Vec<Term>,
    /// Every injectable bug.
    pub bugs: Vec<Term>,
    /// Every kind of event on a lane of the message sequence diagram.
    pub diagram_events: Vec<Term>,
    /// Every way a message's life ends in the diagram.
    pub message_fates: Vec<Term>,
}

/// The vocabulary of the core.
pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        messages: &MESSAGES,
        roles: Role::ALL
            .iter()
            .map(|r| Term {
                name: r.name(),
                description: r.description(),
            })
            .collect(),
        phases: phases(),
        rules: &RULES,
        events: &EVENTS,
        invariants: invariants(),
        bugs: bugs(),
        diagram_events: diagram_events(),
        message_fates: message_fates(),
    }
}

#[cfg(test)]
mod tests;
