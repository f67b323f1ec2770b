// The types of every value the wasm API (src/wasm.rs, docs/wasm-api.md) hands to the page
// or takes from it. Generated from the Rust types by src/api_types.rs (ts-rs): do not edit.
// Regenerate after a deliberate change with `PAXOSCOPE_BLESS=1 cargo test --lib api_types`.
// src/wasm.rs includes this file in www/pkg/paxoscope.d.ts; the page imports the types
// from './pkg/paxoscope.js' in JSDoc.

/** `node(id)`: one node with its durable and volatile parts (logs cut to 64 slots). */
export type InspectedNode = NodeView & NodeDetail;

/** `state()`: the state with every node's durable and volatile parts. */
export type FullState = Omit<StateView, "nodes"> & { nodes: Array<InspectedNode> };

/**
 * One accepted value as an acceptor reports it in a Promise.
 */
export type AcceptedEntry = {
    /**
     * The slot.
     */
    slot: number,
    /**
     * The highest ballot in which the acceptor accepted a value for it.
     */
    ballot: Ballot,
    /**
     * The value accepted in that ballot.
     */
    value: Value,
};

/**
 * An acceptor's durable state, votes cut to the last slots.
 */
export type AcceptorView = {
    /**
     * Its promise.
     */
    promised: Ballot | null,
    /**
     * Votes below this slot were truncated after a snapshot.
     */
    truncated_below: number,
    /**
     * How many votes it holds.
     */
    accepted_slots: number,
    /**
     * The last votes: slot → (ballot, value).
     */
    accepted: { [key in number]: [Ballot, Value] },
};

/**
 * One step of a run.
 */
export type Action = {
    "type": "auto",
    /**
     * How many automatic steps (1 when absent).
     */
    n?: number,
} | {
    "type": "deliver",
    /**
     * The message id.
     */
    id: number,
} | {
    "type": "drop",
    /**
     * The message id.
     */
    id: number,
} | {
    "type": "duplicate",
    /**
     * The message id.
     */
    id: number,
} | { "type": "tick" } | {
    "type": "fire_timer",
    /**
     * The node.
     */
    node: number,
    /**
     * Which timer.
     */
    timer: TimerKind,
} | {
    "type": "crash",
    /**
     * The node.
     */
    node: number,
} | {
    "type": "restart",
    /**
     * The node.
     */
    node: number,
} | {
    "type": "partition",
    /**
     * The groups of node ids.
     */
    groups: Array<Array<number>>,
} | { "type": "heal" } | {
    "type": "submit",
    /**
     * The client.
     */
    client: number,
    /**
     * The operation.
     */
    op: Op,
} | {
    "type": "set_network",
    /**
     * Chance (per mille) that a message is lost.
     */
    drop_per_mille: number,
    /**
     * Chance (per mille) that a message is duplicated.
     */
    dup_per_mille: number,
    /**
     * Maximum delivery delay in ticks.
     */
    delay_ticks_max: number,
} | { "type": "end_faults" } | {
    "type": "set_bug",
    /**
     * The bug (its kebab-case name in JSON).
     */
    bug: Bug,
    /**
     * On or off.
     */
    enabled: boolean,
} | {
    "type": "add_server",
    /**
     * The node (1 to 16).
     */
    node: number,
    /**
     * Its roles; a server (proposer + acceptor + replica) when absent.
     */
    roles?: Roles,
} | {
    "type": "remove_server",
    /**
     * The node.
     */
    node: number,
} | {
    "type": "reconfigure",
    /**
     * The members and their roles.
     */
    nodes: Array<NodeSpec>,
};

/**
 * Where a message comes from or goes to: a cluster node or a client.
 */
export type Addr = { "node": number } | { "client": number };

/**
 * A ballot number. Ordered first by `round`, then by `proposer`, so two proposers never
 * share a ballot (unless the `ballots-without-proposer-id` bug zeroes the id).
 */
export type Ballot = {
    /**
     * Increases each time a proposer starts a new phase 1.
     */
    round: number,
    /**
     * The proposer that owns this ballot: the tie-breaker that makes ballots unique.
     */
    proposer: number,
};

/**
 * How far a search goes (the CLI's options, the page's Search panel's inputs).
 */
export type Bounds = {
    /**
     * Longest path explored, in moves from the start state.
     */
    max_depth: number,
    /**
     * Distinct states kept at most (the memory bound); the search stops with partial
     * figures when it is reached.
     */
    max_states: number,
    /**
     * Messages lost on one path at most.
     */
    drops: number,
    /**
     * Messages duplicated on one path at most.
     */
    dups: number,
    /**
     * Node crashes on one path at most.
     */
    crashes: number,
    /**
     * Ticks of time on one path at most, taken while a client waits: what lets a client
     * retry (0 by default: then no move advances time).
     */
    ticks: number,
    /**
     * Reconfigurations the operator asks for on one path at most (rule 12: add the lowest
     * free node id, add the two lowest, or remove a member, whenever a leader accepts it).
     */
    reconfigs: number,
    /**
     * Partitions on one path at most, each isolating one node until a heal (a free move).
     */
    partitions: number,
    /**
     * Node timers fired on one path at most (absent: any number, the default).
     */
    timers?: number,
};

/** An injectable bug, by its kebab-case name (`bugs()`). */
export type Bug = "forgetful-acceptor" | "ignore-promised-values" | "ballots-without-proposer-id" | "accept-below-promise" | "small-quorum" | "reuse-ballot-after-restart" | "no-dedup" | "non-intersecting-quorums" | "read-without-lease" | "reconfig-without-alpha";

/**
 * The set of bugs switched on in a configuration (empty = the correct protocol). In JSON
 * it is a sorted list of bug names without repeats.
 */
export type BugSet = Array<Bug>;

/**
 * The causal past of one event (its happens-before cone, the event included): a vector
 * clock, and the message chain that leads to it.
 */
export type CausalPast = {
    /**
     * The selected event.
     */
    event: number,
    /**
     * Per lane, the newest event in the past; lanes not listed have none.
     */
    frontier: Array<LaneFrontier>,
    /**
     * How many events are in the past, the selected one included.
     */
    size: number,
    /**
     * The latest message chain ending at the event, oldest first: at each lane the newest
     * receive before, then its send, up to [`CHAIN_HOPS`] hops.
     */
    chain: Array<ChainLink>,
};

/**
 * What a node holds for one slot.
 */
export type CellStatus = "applied" | "decided" | "accepted" | "empty" | "compacted";

/**
 * One link of the chain that leads to an event: the event, and for a send or receive its
 * message.
 */
export type ChainLink = {
    /**
     * The event.
     */
    event: LaneEvent,
    /**
     * Its message, for a send or a receive.
     */
    message: MessageTrace | null,
};

/**
 * A client.
 */
export type ClientView = {
    /**
     * Its id.
     */
    id: number,
    /**
     * The node it sends to next.
     */
    target: number,
    /**
     * The command it waits on.
     */
    pending: Pending | null,
    /**
     * Commands answered so far.
     */
    completed: number,
    /**
     * Commands still to submit (typed, scripted or random).
     */
    queued: number,
    /**
     * Rule 12: its last answered `get` and its read mode (`lease` or `log`), in runs that
     * read under leases; absent otherwise.
     */
    last_read?: ReadAnswer,
};

/**
 * A client command (rule 8): the (client id, sequence number) pair identifies it so a
 * replica applies it at most once, however many times it is retried.
 */
export type Command = {
    /**
     * The client that issued it.
     */
    client: number,
    /**
     * The client's sequence number, increasing by one per new command.
     */
    seq: number,
    /**
     * The key-value operation.
     */
    op: Op,
};

/**
 * A configuration and the first slot it governs.
 */
export type ConfigChange = {
    /**
     * The first slot decided by this configuration's quorums.
     */
    from_slot: number,
    /**
     * The configuration.
     */
    members: Membership,
};

/**
 * Two different values decided for one slot (agreement broken), with the two quorums that
 * should have shared an acceptor: those that accepted the value of the lower ballot, and
 * those that promised the higher ballot (rule 4: a new leader learns every value a quorum
 * may have chosen from the promises it gets). Equal ballots (a ballot used twice) compare
 * the two accept quorums.
 */
export type Conflict = {
    /**
     * The slot.
     */
    slot: number,
    /**
     * The value decided first.
     */
    first: DecidedValue,
    /**
     * The value decided later, contradicting it.
     */
    second: DecidedValue,
    /**
     * The two quorums behind the two values (empty when no vote for a value was seen).
     */
    quorums: Array<QuorumSet>,
    /**
     * Whether they share an acceptor (with majority quorums they always do).
     */
    quorums_intersect: boolean,
};

/**
 * One decided slot in words.
 */
export type DecidedEntry = {
    /**
     * The slot.
     */
    slot: number,
    /**
     * Its value, as the page prints it.
     */
    value: string,
};

/**
 * One of the two values decided for a slot, and the votes behind it.
 */
export type DecidedValue = {
    /**
     * The value: each command as `c<client>#<seq> <op>`, or `no-op`.
     */
    value: string,
    /**
     * The ballot in which the most acceptors accepted it for this slot (none if no vote
     * for it was seen, e.g. a replica learned it from a leader's message only).
     */
    ballot: Ballot | null,
    /**
     * The acceptors that accepted it in that ballot: the quorum that chose it.
     */
    acceptors: Array<number>,
    /**
     * The node whose decision revealed it (none when the votes alone made it chosen).
     */
    decided_at: number | null,
};

/**
 * A durable state with only the last accepted slots.
 */
export type DurableView = {
    /**
     * The proposer's highest round used.
     */
    proposer: ProposerDurable | null,
    /**
     * The replica's snapshot.
     */
    replica: ReplicaDurable | null,
    /**
     * The acceptor's promise and votes (absent on a node that is no acceptor).
     */
    acceptor?: AcceptorView,
};

/**
 * One kind of thing a node does in a step (a `paxos::Event` variant), with the rule of
 * docs/protocol.md that made it happen: what "why?" on the page shows.
 */
export type EventKind = {
    /**
     * The kind's name: the event's tag, and `events[].event` in the state JSON.
     */
    name: string,
    /**
     * The number of the rule that applied (see [`RULES`]).
     */
    rule: number,
    /**
     * One line: what the event is.
     */
    summary: string,
};

/**
 * The group a message kind belongs to, as the legend shows them.
 */
export type Family = "phase 1" | "phase 2" | "refusal" | "leadership" | "catch-up" | "client";

/**
 * Random crashes and partitions applied by the scheduler, each a chance per scheduler step.
 */
export type FaultConfig = {
    /**
     * Chance (per mille) to crash a random live node.
     */
    crash_per_mille: number,
    /**
     * Chance (per mille) to restart a random crashed node.
     */
    restart_per_mille: number,
    /**
     * Chance (per mille) to split the nodes into two random groups.
     */
    partition_per_mille: number,
    /**
     * Chance (per mille) to heal all partitions.
     */
    heal_per_mille: number,
};

/**
 * What a node believes about the current leader (rule 7), and catch-up bookkeeping.
 */
export type FollowerState = {
    /**
     * The node it last heard leading.
     */
    leader: number | null,
    /**
     * That leader's ballot.
     */
    leader_ballot: Ballot | null,
    /**
     * A catch-up request is outstanding (rule 9: one at a time).
     */
    catchup_pending: boolean,
};

/**
 * A shortest counterexample, as the page loads it into its timeline: a fork of the run
 * searched from at `fork_step`, violating `invariant` at its last step.
 */
export type Found = {
    /**
     * The invariant violated.
     */
    invariant: string,
    /**
     * What the checker said.
     */
    message: string,
    /**
     * The step of the searched run the counterexample starts from (where it forks).
     */
    fork_step: number,
    /**
     * Moves from the fork to the violation (the BFS optimum).
     */
    length: number,
    /**
     * The run searched from up to `fork_step`, then the moves: replays to the violation.
     */
    scenario: Scenario,
};

/**
 * Pass or fail of one invariant, with what it means.
 */
export type InvariantStatus = {
    /**
     * The invariant's name.
     */
    name: string,
    /**
     * Whether no violation of it was found.
     */
    ok: boolean,
    /**
     * What it says, in one line.
     */
    description: string,
};

/**
 * A broken invariant: which one, at which step, and what exactly went wrong.
 */
export type InvariantViolation = {
    /**
     * The invariant's name.
     */
    invariant: string,
    /**
     * The step of the run at which it was detected.
     */
    step: number,
    /**
     * The slot, nodes or operations involved.
     */
    message: string,
    /**
     * For an agreement violation: the slot, both values and both quorums.
     */
    conflict?: Conflict,
};

/**
 * The key-value store every replica applies decided commands to, in slot order.
 */
export type KvStore = {
    /**
     * Current contents.
     */
    data: { [key in string]: string },
};

/**
 * One event on a lane.
 */
export type LaneEvent = {
    /**
     * Its place in the run's order of events (0, 1, ...).
     */
    index: number,
    /**
     * The step it happened in (0: while the world started).
     */
    step: number,
    /**
     * The node or client it happened at.
     */
    lane: Addr,
    /**
     * What happened.
     */
    kind: LaneEventKind,
    /**
     * For a send or receive: the message's place in `messages` (its trace index).
     */
    message?: number,
    /**
     * What it was, in words (none for sends and receives: the message says it).
     */
    text?: string,
};

/**
 * What happened on a lane. Send and receive are Lamport's message events; the others are
 * local events the diagram marks (rule 7 elections, rule 6 decisions, crashes, clients).
 */
export type LaneEventKind = "send" | "receive" | "crash" | "restart" | "election" | "elected" | "decided" | "submit" | "answer";

/**
 * The newest event of a lane that happened before (or is) the selected event.
 */
export type LaneFrontier = {
    /**
     * The lane.
     */
    lane: Addr,
    /**
     * Every event of the lane up to this index is in the past.
     */
    upto: number,
};

/**
 * Which nodes exist and what they do (rule 11).
 */
export type Layout = {
    "kind": "servers",
    /**
     * How many servers (1..=9).
     */
    n: number,
} | { "kind": "seed" };

/**
 * Rule 12 (leases): a leader's lease. Each heartbeat asks for a new round; once a phase-2
 * quorum granted a round, the leader may answer reads alone until the tick of its own
 * clock it asked at plus `Config::leader_lease_ticks`.
 */
export type LeaderLease = {
    /**
     * The last lease round asked for.
     */
    round: number,
    /**
     * Rounds still able to extend the lease: (round, tick of the leader's clock it was
     * asked at, acceptors that granted it).
     */
    asked: Array<[number, number, Array<number>]>,
    /**
     * The lease holds while the leader's clock is below this tick (0: never held).
     */
    until: number,
    /**
     * Reads are answered locally only once every slot below this — all a previous leader
     * may have chosen — is applied here.
     */
    reads_from_slot: number,
};

/**
 * Leadership state.
 */
export type Leading = {
    /**
     * The leader's ballot.
     */
    ballot: Ballot,
    /**
     * Next slot to propose a new command in.
     */
    next_slot: number,
    /**
     * Proposed but not yet decided slots (at most `window`, rule 5).
     */
    proposals: { [key in number]: Proposal },
    /**
     * Slots below this were compacted by some acceptor: chosen, but this leader may not
     * know their values and must catch up on them (rule 9) instead of proposing.
     */
    catch_up_below: number,
    /**
     * Rule 12: the acceptors whose promises won phase 1; a slot is proposed only if they
     * are a phase-1 quorum of its configuration.
     */
    promised_by: Array<number>,
    /**
     * Rule 12: values phase 1 said to re-propose in slots whose configuration this leader
     * does not know yet (they lie α or more slots past its applied index).
     */
    deferred: { [key in number]: Value },
    /**
     * Rule 12 (leases): the lease this leader asks for and holds, in lease read mode
     * (absent in log read mode).
     */
    lease?: LeaderLease,
};

/**
 * Rule 12 (leases): a node's own clock and its lease, as the page shows them.
 */
export type LeaseView = {
    /**
     * Its own clock now (it drifts from the world's `now`).
     */
    clock: number,
    /**
     * Its clock's rate, in per mille of the world's time (1000 = exact).
     */
    rate_per_mille: number,
    /**
     * A leader's lease holds while its clock is below this tick (`None`: it holds none).
     */
    held_until: number | null,
    /**
     * The world tick at which that lease runs out (its clock reaches `held_until`).
     */
    expires_at: number | null,
    /**
     * Whether it answers reads alone now (a valid lease and everything earlier applied).
     */
    reads_locally: boolean,
    /**
     * An acceptor's grant still running: the ballot it granted a lease to.
     */
    granted_to: Ballot | null,
    /**
     * The tick of its clock that grant (or, after a restart, the wait) runs until.
     */
    granted_until: number | null,
};

/**
 * One cell of the grid.
 */
export type LogCell = {
    /**
     * What the node holds.
     */
    status: CellStatus,
    /**
     * The value, in words ("no-op" for a no-op), if any.
     */
    value: string | null,
    /**
     * The ballot of an accepted vote ("2.1").
     */
    ballot: string | null,
};

/**
 * A column of the grid: one acceptor or replica.
 */
export type LogColumn = {
    /**
     * The node.
     */
    node: number,
    /**
     * Its roles.
     */
    roles: Array<Role>,
    /**
     * Whether it is crashed.
     */
    crashed: boolean,
};

/**
 * The slots any node knows about: from the lowest replica snapshot point to one past the
 * highest decided or accepted slot.
 */
export type LogExtent = {
    /**
     * The first slot still held somewhere (the lowest replica snapshot point).
     */
    first_slot: number,
    /**
     * One past the highest slot decided or accepted anywhere.
     */
    end_slot: number,
};

/**
 * One row of the grid: a slot and a cell per column.
 */
export type LogRow = {
    /**
     * The slot.
     */
    slot: number,
    /**
     * Rule 12: the epoch of the configuration that governs this slot, as the latest
     * configuration history any replica knows says (`state().configs`); absent for the
     * initial configuration (epoch 0).
     */
    epoch?: number,
    /**
     * Rule 12: the epoch of the configuration a replica decided in this slot (a
     * `reconfigure` value); it governs the slots from this one + α on. Absent otherwise.
     */
    reconfigure?: number,
    /**
     * One cell per column, in column order.
     */
    cells: Array<LogCell>,
};

/**
 * Rows of the grid for a virtualised scroller.
 */
export type LogWindow = {
    /**
     * Every acceptor and replica.
     */
    columns: Array<LogColumn>,
    /**
     * The rows asked for (within the log's extent).
     */
    rows: Array<LogRow>,
    /**
     * One past the highest slot anywhere.
     */
    end_slot: number,
};

/**
 * One configuration of the cluster (rule 12): its members with their roles, numbered by
 * `epoch` (the initial configuration is epoch 0; each reconfiguration adds one, and one
 * built from an older epoch than the replica's latest is stale and ignored).
 */
export type Membership = {
    /**
     * The configuration's number: one more than the configuration it replaces.
     */
    epoch: number,
    /**
     * The members and their roles.
     */
    nodes: Array<NodeSpec>,
};

/**
 * A message of the protocol or of the client interface.
 */
export type Message = {
    "type": "Prepare",
    /**
     * The new ballot.
     */
    ballot: Ballot,
    /**
     * The proposer's first slot not known decided; the promise covers every later slot.
     */
    from_slot: number,
} | {
    "type": "Promise",
    /**
     * The ballot promised.
     */
    ballot: Ballot,
    /**
     * Slots below this were compacted away: they are chosen, the acceptor kept no value.
     */
    truncated_below: number,
    /**
     * Per slot from `from_slot`, the highest-ballot value this acceptor accepted.
     */
    accepted: Array<AcceptedEntry>,
} | {
    "type": "Accept",
    /**
     * The leader's ballot.
     */
    ballot: Ballot,
    /**
     * The slot.
     */
    slot: number,
    /**
     * The proposed value.
     */
    value: Value,
    /**
     * Every slot below this is decided at the leader.
     */
    commit_index: number,
    /**
     * Every slot below this is snapshotted at the leader: acceptors may drop it.
     */
    safe_point: number,
} | {
    "type": "Accepted",
    /**
     * The ballot accepted.
     */
    ballot: Ballot,
    /**
     * The slot.
     */
    slot: number,
} | {
    "type": "Nack",
    /**
     * The refused ballot.
     */
    ballot: Ballot,
    /**
     * The acceptor's promise, so the proposer steps down and picks a higher round.
     */
    promised: Ballot,
} | {
    "type": "Heartbeat",
    /**
     * The leader's ballot.
     */
    ballot: Ballot,
    /**
     * Every slot below this is decided at the leader.
     */
    commit_index: number,
    /**
     * Every slot below this is snapshotted at the leader.
     */
    safe_point: number,
    /**
     * Rule 12 (leases): in lease read mode, the leader's lease round: an acceptor
     * answers with a LeaseGrant for it. Absent in log read mode.
     */
    lease_round?: number,
} | {
    "type": "LeaseGrant",
    /**
     * The leader's ballot.
     */
    ballot: Ballot,
    /**
     * The lease round granted.
     */
    round: number,
} | {
    "type": "CatchUp",
    /**
     * The requester's first slot not known decided.
     */
    from_slot: number,
} | {
    "type": "CatchUpReply",
    /**
     * Decided (slot, value) pairs, in slot order.
     */
    entries: Array<[number, Value]>,
    /**
     * The sender's commit index, so the requester knows whether to ask again.
     */
    commit_index: number,
} | {
    "type": "InstallSnapshot",
    /**
     * The snapshot.
     */
    snapshot: Snapshot,
} | {
    "type": "Request",
    /**
     * The command.
     */
    command: Command,
    /**
     * True once forwarded, so it is never forwarded again.
     */
    forwarded: boolean,
} | {
    "type": "Reply",
    /**
     * The command's sequence number.
     */
    seq: number,
    /**
     * Its result.
     */
    result: OpResult,
} | {
    "type": "NotLeader",
    /**
     * The command's sequence number.
     */
    seq: number,
    /**
     * The leader this node believes in, if any.
     */
    hint: number | null,
};

/**
 * The end of a message's life.
 */
export type MessageEnd = {
    /**
     * The step it ended in.
     */
    step: number,
    /**
     * How.
     */
    fate: MessageFate,
    /**
     * The receive event, if it was delivered.
     */
    event?: number,
};

/**
 * How a message's life ended.
 */
export type MessageFate = "delivered" | "dropped" | "unreachable" | "crashed" | "partitioned";

/**
 * One message kind of the protocol or of the client interface.
 */
export type MessageKind = {
    /**
     * The kind's name: `Message::kind()`, `messages[].type` and the keys of `stats`.
     */
    name: string,
    /**
     * Its group in the legend.
     */
    family: Family,
    /**
     * The roles that send it.
     */
    from: Array<Role>,
    /**
     * The roles it is sent to.
     */
    to: Array<Role>,
    /**
     * When it is sent.
     */
    when: string,
    /**
     * The numbers of the rules it serves (see [`RULES`]).
     */
    rules: Array<number>,
    /**
     * One line: what it says.
     */
    summary: string,
    /**
     * A few sentences: what it carries and why it matters.
     */
    description: string,
    /**
     * True for client traffic (not counted in messages per command).
     */
    client_traffic: boolean,
};

/**
 * One message from its send to its end.
 */
export type MessageTrace = {
    /**
     * Its place in the run's order of messages (0, 1, ...).
     */
    index: number,
    /**
     * Its network id (what deliver / drop / duplicate take); none if it never got on the
     * wire (sent across a partition).
     */
    id?: number,
    /**
     * Its kind ("Prepare", "Accept", ...).
     */
    type: string,
    /**
     * A one-line summary.
     */
    label: string,
    /**
     * The sender.
     */
    from: Addr,
    /**
     * The recipient.
     */
    to: Addr,
    /**
     * The step its send event happened in (the original's, for a copy).
     */
    sent_step: number,
    /**
     * Its send event (the original's, for a copy).
     */
    send_event: number,
    /**
     * For a duplicate: the trace index of the message it copies.
     */
    copy_of?: number,
    /**
     * The step it came to be: its send, or for a copy the duplication.
     */
    created_step: number,
    /**
     * How and when it ended; none while in flight.
     */
    end?: MessageEnd,
};

/**
 * A message in flight.
 */
export type MessageView = {
    /**
     * Its stable id.
     */
    id: number,
    /**
     * The sender.
     */
    from: Addr,
    /**
     * The recipient.
     */
    to: Addr,
    /**
     * Its kind ("Prepare", "Accept", ...).
     */
    type: Message["type"],
    /**
     * A one-line summary.
     */
    label: string,
    /**
     * The tick from which the scheduler may deliver it.
     */
    deliver_at: number,
    /**
     * Whether it can be delivered now (due, and the recipient reachable).
     */
    deliverable: boolean,
    /**
     * The message itself. Absent in the page's per-frame views (`viewPlaying()`,
     * `viewLean()`): the page asks `message(id)` for the one it inspects.
     */
    payload?: Message,
    /**
     * Per-frame views and `message(id)` only: the id of the oldest message in flight
     * identical to this one (same sender, recipient and payload), when there are two or
     * more (the oldest names itself); absent otherwise.
     */
    copy_of?: number,
};

/**
 * One line of narration: what happened in the last step, and where.
 */
export type NarrationLine = {
    /**
     * The node it concerns, if any.
     */
    node: number | null,
    /**
     * What happened, in words.
     */
    text: string,
    /**
     * For a node's protocol event: its kind (`vocabulary().events[].name`).
     */
    event?: string,
    /**
     * For a node's protocol event: the number of the rule that applied (docs/protocol.md).
     */
    rule?: number,
    /**
     * Why it happened here, in a sentence or two: for a node's protocol event, why its rule
     * applied; for anything else, the part of the model behind it (the network, faults,
     * time, clients). Every line has one.
     */
    why?: string,
};

/**
 * Random network faults applied by the scheduler.
 */
export type NetworkConfig = {
    /**
     * Chance (per mille) that the scheduler loses a message instead of delivering it.
     */
    drop_per_mille: number,
    /**
     * Chance (per mille) that the scheduler duplicates a message as it delivers it.
     */
    dup_per_mille: number,
    /**
     * Messages become deliverable after a random 0..=delay_ticks_max ticks.
     */
    delay_ticks_max: number,
};

/**
 * A change of the network's partition, drawn across every lane.
 */
export type NetworkMark = {
    /**
     * The step it happened in.
     */
    step: number,
    /**
     * The groups it split the nodes into (nodes not listed form one more group); none
     * when the partition healed.
     */
    groups: Array<Array<number>> | null,
};

/**
 * A node's inner state (the inspector), logs cut to their last `tail` slots.
 */
export type NodeDetail = {
    /**
     * What the node would restart from: the running node's durable state, or its disk.
     */
    durable: DurableView,
    /**
     * What a crash loses (`None` while crashed).
     */
    volatile: VolatileView | null,
    /**
     * The disk as written so far (running nodes only).
     */
    disk?: DurableView,
    /**
     * The decided slots the replica still holds (running nodes only).
     */
    decided_log?: Array<DecidedEntry>,
};

/**
 * One node of the cluster.
 */
export type NodeSpec = {
    /**
     * Its id (unique, from 1).
     */
    id: number,
    /**
     * What it does.
     */
    roles: Roles,
};

/**
 * One node, as `state().nodes[i]` and `node(id)` show it (docs/wasm-api.md).
 */
export type NodeView = {
    /**
     * The node's id.
     */
    id: number,
    /**
     * "proposer", "acceptor", "replica": the roles it plays.
     */
    roles: Array<Role>,
    /**
     * Whether it is crashed.
     */
    crashed: boolean,
    /**
     * Its partition group (0 when not partitioned away).
     */
    group: number,
    /**
     * When its timers fire.
     */
    timers: TimersView,
    /**
     * Whether it leads (phase 1 won, phase 2 running).
     */
    is_leader: boolean,
    /**
     * The leader it believes in.
     */
    known_leader: number | null,
    /**
     * What its proposer is doing.
     */
    phase: ProposerPhase,
    /**
     * The proposer's own ballot.
     */
    ballot: Ballot | null,
    /**
     * The acceptor's promise (durable).
     */
    promised: Ballot | null,
    /**
     * Slots below it are known decided here (`None` on a node that is no replica).
     */
    commit_index: number | null,
    /**
     * Slots below it are applied to the key-value store.
     */
    applied_index: number | null,
    /**
     * Slots below it are compacted into the snapshot.
     */
    snapshot_index: number | null,
    /**
     * The key-value contents (`None` on a node that is no replica).
     */
    kv: { [key in string]: string } | null,
    /**
     * Rule 12 (leases): its clock and the lease it holds or granted, on a running node in
     * lease read mode (or with the `read-without-lease` bug); absent otherwise.
     */
    lease?: LeaseView,
};

/**
 * A key-value operation, the payload of a client command. Reads go through the log too.
 */
export type Op = {
    "op": "put",
    /**
     * The key.
     */
    key: string,
    /**
     * The value.
     */
    value: string,
} | {
    "op": "get",
    /**
     * The key.
     */
    key: string,
} | {
    "op": "cas",
    /**
     * The key.
     */
    key: string,
    /**
     * The value the key must hold for the swap (None = absent).
     */
    expected: string | null,
    /**
     * The value.
     */
    value: string,
};

/**
 * The answer a replica gives for an applied operation.
 */
export type OpResult = { "result": "ok" } | {
    "result": "value",
    /**
     * The value.
     */
    value: string | null,
} | {
    "result": "cas",
    /**
     * Whether the swap happened.
     */
    ok: boolean,
};

/**
 * A command the client is waiting on.
 */
export type Pending = {
    /**
     * Its sequence number.
     */
    seq: number,
    /**
     * The operation.
     */
    op: Op,
    /**
     * History time it was first sent.
     */
    invoked_at: number,
    /**
     * How many times it was sent.
     */
    attempts: number,
};

/**
 * Where a proposer stands.
 */
export type Phase = { "phase": "following" } | { "phase": "preparing" } & Preparing | { "phase": "leading" } & Leading;

/**
 * A phase as `nodes[].phase` reports it (rules 4 and 7), with what it means.
 */
export type PhaseTerm = {
    /**
     * The phase, written as the state JSON writes it.
     */
    name: ProposerPhase,
    /**
     * What it means, for people.
     */
    description: string,
};

/**
 * Phase 1 in progress.
 */
export type Preparing = {
    /**
     * The ballot being prepared.
     */
    ballot: Ballot,
    /**
     * First slot not known decided when phase 1 started.
     */
    from_slot: number,
    /**
     * Promises so far: acceptor → (its compaction point, what it accepted).
     */
    promises: { [key in number]: [number, Array<AcceptedEntry>] },
};

/**
 * A preset's name and what it shows.
 */
export type PresetInfo = {
    /**
     * Name used in URLs and on the command line.
     */
    name: string,
    /**
     * Short title.
     */
    title: string,
    /**
     * What to look at.
     */
    description: string,
};

/**
 * A slot proposed in phase 2 and not yet decided.
 */
export type Proposal = {
    /**
     * The proposed value.
     */
    value: Value,
    /**
     * Acceptors that accepted it in the leader's ballot.
     */
    acks: Array<number>,
    /**
     * Heartbeat intervals since it was (re)sent; drives retransmission.
     */
    age: number,
    /**
     * Times it was resent: each resend waits twice as long (up to 32 intervals), so a
     * congested network is not flooded with copies.
     */
    resends: number,
};

/**
 * A proposer's volatile state (its only durable state is its highest round).
 */
export type Proposer = {
    /**
     * Where it stands.
     */
    phase: Phase,
    /**
     * Highest round seen in any ballot, so a new ballot is higher than all of them.
     */
    max_round_seen: number,
    /**
     * Elections started in a row without becoming leader: drives the backoff (rule 7).
     */
    failed_elections: number,
    /**
     * Client commands waiting for a slot.
     */
    queue: Array<Command>,
    /**
     * Rule 12: a new configuration the operator asked for, waiting for a slot.
     */
    reconfig?: Membership,
};

/**
 * What a proposer must never forget: the highest round it used, so a restart never
 * reuses a ballot (rule 1).
 */
export type ProposerDurable = {
    /**
     * The highest round this proposer has started phase 1 with.
     */
    max_round: number,
};

/**
 * What a node's proposer is doing, as the page shows it.
 */
export type ProposerPhase = "none" | "following" | "preparing" | "leading" | "crashed";

/**
 * A set of acceptors that voted in one phase of one ballot.
 */
export type QuorumSet = {
    /**
     * "accepted" (phase 2: they accepted the value in `ballot`) or "promised" (phase 1:
     * they promised `ballot` to the leader that then chose its own value).
     */
    phase: "accepted" | "promised",
    /**
     * The ballot.
     */
    ballot: Ballot,
    /**
     * The acceptors.
     */
    acceptors: Array<number>,
    /**
     * Which of the two values this quorum stands behind: 0 (`first`) or 1 (`second`).
     */
    value: number,
};

/**
 * Rule 12 (flexible quorums): the quorum sizes one set of acceptors runs with, and the
 * one place that answers "is this set a phase-1 / phase-2 quorum". Every quorum count in
 * the core goes through it, so a configuration that changes the acceptors (or the sizes)
 * changes every count at once.
 */
export type Quorums = {
    /**
     * Acceptors counted (n).
     */
    acceptors: number,
    /**
     * Acceptors that make a phase-1 quorum (|Q1|).
     */
    phase1: number,
    /**
     * Acceptors that make a phase-2 quorum (|Q2|).
     */
    phase2: number,
};

/**
 * Rule 12: how a client's last `get` was answered, in a run that reads under leases.
 */
export type ReadAnswer = {
    /**
     * The command's sequence number.
     */
    seq: number,
    /**
     * The key read.
     */
    key: string,
    /**
     * The value it got (`None`: absent).
     */
    value: string | null,
    /**
     * `lease`: a leader answered alone under its lease; `log`: through a slot of the log.
     */
    mode: ReadMode,
};

/**
 * Rule 12 (reads): how the leader answers a `get`.
 */
export type ReadMode = "log" | "lease";

/**
 * What a replica keeps across crashes: its latest snapshot (rule 10).
 */
export type ReplicaDurable = {
    /**
     * The key-value state and session table up to `snapshot.index`.
     */
    snapshot: Snapshot,
};

/**
 * A replica's volatile state, log cut to the last slots.
 */
export type ReplicaView = {
    /**
     * Slots below it are compacted into the snapshot.
     */
    snapshot_index: number,
    /**
     * Slots below it are known decided.
     */
    commit_index: number,
    /**
     * Slots below it are applied.
     */
    applied_index: number,
    /**
     * How many decided slots the log holds.
     */
    log_slots: number,
    /**
     * The last decided slots: slot → value.
     */
    log: { [key in number]: Value },
    /**
     * The key-value store.
     */
    kv: KvStore,
    /**
     * The client sessions (at-most-once).
     */
    sessions: { [key in number]: Session },
    /**
     * Rule 12: the configurations this replica knows were decided, each with the first
     * slot it governs; absent before any reconfiguration.
     */
    configs?: Array<ConfigChange>,
};

/**
 * Who takes part in the protocol: the three roles a node can combine, and the clients.
 */
export type Role = "proposer" | "acceptor" | "replica" | "client";

/**
 * The roles one node plays. Any combination is allowed, except that every proposer is
 * also a replica (it needs the decided log to know where to propose and to answer clients).
 */
export type Roles = {
    /**
     * Runs phase 1 and 2 and can become leader.
     */
    proposer: boolean,
    /**
     * Votes: promises and accepts (durable).
     */
    acceptor: boolean,
    /**
     * Learns decided slots and applies them to the key-value store.
     */
    replica: boolean,
};

/**
 * A rule of the protocol checklist (docs/protocol.md), by number.
 */
export type Rule = {
    /**
     * Its number in docs/protocol.md and the design notes (1–12).
     */
    number: number,
    /**
     * What the rule says, in one sentence.
     */
    text: string,
};

/**
 * A complete, replayable run: configuration + seed + actions (what a share link holds).
 */
export type Scenario = {
    /**
     * The preset it came from, if any (for display only).
     */
    preset?: string | null,
    /**
     * The configuration.
     */
    config: SimConfig,
    /**
     * The seed of the world's random generator.
     */
    seed: number,
    /**
     * The actions taken, in order.
     */
    actions: Array<Action>,
};

/**
 * One scripted client command, submitted when the world starts.
 */
export type ScriptedOp = {
    /**
     * The client.
     */
    client: number,
    /**
     * Its operation.
     */
    op: Op,
};

/**
 * How a search ended (or that it has not yet).
 */
export type SearchFinish = "running" | "exhausted" | "state_cap" | "violation";

/**
 * The figures of a search so far, as the panel's counters show them.
 */
export type SearchStatus = {
    /**
     * Transitions taken (states generated, merged or not).
     */
    states: number,
    /**
     * Distinct states found (merged by fingerprint).
     */
    distinct: number,
    /**
     * Depth (moves from the start) of the level being expanded.
     */
    depth: number,
    /**
     * States found and not yet expanded.
     */
    frontier: number,
    /**
     * How it stands.
     */
    finish: SearchFinish,
};

/**
 * The last command a client had applied and its answer (rule 8: the session table).
 */
export type Session = {
    /**
     * The client's highest applied sequence number.
     */
    seq: number,
    /**
     * Its result, returned again to a retry.
     */
    result: OpResult,
};

/**
 * What `paxoscope shrink` reports (and the page's Shrink).
 */
export type Shrunk = {
    /**
     * The invariant violated, before and after.
     */
    invariant: string,
    /**
     * Steps of the original run, up to its first violation.
     */
    before: number,
    /**
     * Steps of the shrunk run.
     */
    after: number,
    /**
     * The shrunk run.
     */
    scenario: Scenario,
};

/**
 * The whole configuration of a simulated run.
 */
export type SimConfig = {
    /**
     * Nodes and roles.
     */
    layout: Layout,
    /**
     * Number of clients (ids 1..=clients).
     */
    clients: number,
    /**
     * Rule 5: pipelining window.
     */
    window: number,
    /**
     * Rule 5: commands per slot.
     */
    batch: number,
    /**
     * Rule 10: snapshot every this many slots (0 = never).
     */
    snapshot_interval_slots: number,
    /**
     * Rule 7: election timeout in ticks.
     */
    election_timeout_ticks: number,
    /**
     * Rule 7: heartbeat interval in ticks.
     */
    heartbeat_interval_ticks: number,
    /**
     * Ticks a client waits for an answer before retrying (doubled on each retry, up to 8×).
     */
    client_retry_ticks: number,
    /**
     * Chance (per mille) the scheduler advances time although messages are deliverable.
     */
    tick_per_mille: number,
    /**
     * Rule 12 (flexible quorums): acceptors in a phase-1 quorum; absent = a majority.
     */
    phase1_quorum?: number,
    /**
     * Rule 12 (flexible quorums): acceptors in a phase-2 quorum; absent = a majority.
     * |Q1| + |Q2| must be more than the acceptors (unless that bug is on).
     */
    phase2_quorum?: number,
    /**
     * Rule 12 (reads): `log` (default) or `lease`; absent = `log`.
     */
    read_mode?: ReadMode,
    /**
     * Rule 12 (leases): how long a lease an acceptor grants, in ticks of its clock
     * (2..=1000); absent = 20.
     */
    lease_ticks?: number,
    /**
     * Rule 12 (leases): each node's clock runs at 1000 ± up to this many per mille of the
     * world's time (0..=200, seeded), and the lease allows for it; absent = 0.
     */
    clock_drift_per_mille?: number,
    /**
     * Injected bugs (by kebab-case name in JSON).
     */
    bugs: BugSet,
    /**
     * Random network faults.
     */
    network: NetworkConfig,
    /**
     * Random crashes and partitions.
     */
    faults: FaultConfig,
    /**
     * Client behaviour.
     */
    workload: Workload,
    /**
     * Run the invariant checkers after every step.
     */
    check: boolean,
};

/**
 * The replicated state up to a slot (rule 10): what compaction keeps instead of the log.
 */
export type Snapshot = {
    /**
     * Every slot below this is reflected in the state.
     */
    index: number,
    /**
     * The key-value store.
     */
    kv: KvStore,
    /**
     * The session table (needed so retries after the snapshot are still answered once).
     */
    sessions: { [key in number]: Session },
    /**
     * Rule 12: the configurations decided up to `index` and the first slot each governs.
     */
    configs?: Array<ConfigChange>,
};

/**
 * The part of the space-time record between two steps.
 */
export type SpaceTimeWindow = {
    /**
     * The step the run is at (the diagram's cursor).
     */
    step: number,
    /**
     * How many steps are recorded.
     */
    total_steps: number,
    /**
     * The first step of the window.
     */
    from_step: number,
    /**
     * The last step of the window (at most `total_steps`).
     */
    to_step: number,
    /**
     * Every lane, nodes by id then clients by id.
     */
    lanes: Array<Addr>,
    /**
     * The events of steps `from_step..=to_step`, in order (from `spacetimeSince` with
     * `heldThrough`: only those after it).
     */
    events: Array<LaneEvent>,
    /**
     * Every message alive at some step of the window (sent, in flight or ended in it),
     * in the order they came to be.
     */
    messages: Array<MessageTrace>,
    /**
     * Partitions and heals in the window.
     */
    network: Array<NetworkMark>,
    /**
     * Whether the window had more than [`MAX_WINDOW_EVENTS`] events and was cut.
     */
    truncated: boolean,
    /**
     * `spacetimeSince` only: the record's generation (it changes when a fork may have
     * rewritten recorded messages); absent from `spacetime()`.
     */
    generation?: number,
    /**
     * `spacetimeSince` only: the trace indices, in order, of the messages alive in the
     * window that were left out of `messages` because the caller holds them (index below
     * its `heldBelow`, and still in flight or ended by its `heldThrough`); absent when
     * none were left out.
     */
    kept?: Array<number>,
};

/**
 * The state of a run (`state()`, `view()`, `paxoscope run`).
 */
export type StateView = {
    /**
     * The step shown.
     */
    step: number,
    /**
     * How many steps are recorded (more than `step` after stepping back).
     */
    total_steps: number,
    /**
     * Logical time in ticks.
     */
    now: number,
    /**
     * The world's seed.
     */
    seed: number,
    /**
     * The preset the run came from, if any.
     */
    preset: string | null,
    /**
     * The simulation's configuration as it stands.
     */
    config: SimConfig,
    /**
     * The node leading with the highest ballot, if any.
     */
    leader: number | null,
    /**
     * Rule 12: the phase-1 and phase-2 quorum sizes every node counts with (bugs
     * included), out of how many acceptors: those of the latest configuration decided.
     */
    quorums: Quorums,
    /**
     * Rule 12: the configurations decided so far (the latest any replica knows), each
     * with the first slot it governs; absent before any reconfiguration (slot 0 on is
     * then governed by the initial layout).
     */
    configs?: Array<ConfigChange>,
    /**
     * Whether no message is in flight and no client waits or has work left.
     */
    quiet: boolean,
    /**
     * Every node.
     */
    nodes: Array<NodeView>,
    /**
     * Messages in flight, oldest first.
     */
    messages: Array<MessageView>,
    /**
     * The clients.
     */
    clients: Array<ClientView>,
    /**
     * The extent of the log grid (rows come from `logWindow`).
     */
    log: LogExtent,
    /**
     * Message and command counters.
     */
    stats: Stats,
    /**
     * Pass/fail per invariant.
     */
    invariants: Array<InvariantStatus>,
    /**
     * Every violation found (the checker's, then linearizability's).
     */
    violations: Array<InvariantViolation>,
    /**
     * Narration of the last step.
     */
    events: Array<NarrationLine>,
    /**
     * Digest of everything that happened so far.
     */
    trace_digest: string,
};

/**
 * Message and command counters.
 */
export type Stats = {
    /**
     * Messages sent, by type.
     */
    sent: { [key in string]: number },
    /**
     * Messages delivered, by type.
     */
    delivered: { [key in string]: number },
    /**
     * Messages lost (dropped, partitioned, or sent to a crashed node), by type.
     */
    dropped: { [key in string]: number },
    /**
     * Messages duplicated, by type.
     */
    duplicated: { [key in string]: number },
    /**
     * Client commands submitted (first attempts only).
     */
    commands_submitted: number,
    /**
     * Distinct client commands decided in some slot.
     */
    commands_committed: number,
    /**
     * Protocol (non-client) messages sent per committed command.
     */
    messages_per_command: number,
};

/**
 * What one action did: the step reached and its narration.
 */
export type StepResult = {
    /**
     * The step reached.
     */
    step: number,
    /**
     * What happened, in words.
     */
    events: Array<NarrationLine>,
};

/**
 * One seed of the swarm search: its random configuration and faults, run as
 * `paxoscope fuzz` runs it.
 */
export type SwarmSeed = {
    /**
     * The seed.
     */
    seed: number,
    /**
     * Steps run.
     */
    steps: number,
    /**
     * The first violation, if any.
     */
    violation: InvariantViolation | null,
    /**
     * The scenario that replays the run exactly.
     */
    scenario: Scenario,
};

/**
 * A named thing with its description: a role, a phase, an invariant or a bug.
 */
export type Term = {
    /**
     * The name as it appears in the state JSON, scenarios and the CLI.
     */
    name: string,
    /**
     * What it means, for people.
     */
    description: string,
};

/**
 * A timer a node asks the world to run. Time is the world's business (no clock here).
 */
export type TimerKind = "election" | "heartbeat";

/**
 * The ticks at which a node's timers fire (`None` = not set).
 */
export type TimersView = {
    /**
     * The election timer (proposers only).
     */
    election: number | null,
    /**
     * The heartbeat timer (a leader's).
     */
    heartbeat: number | null,
};

/**
 * The JSON form of a [`Value`] (and its TypeScript type).
 */
export type Value = { "kind": "noop" } | {
    "kind": "commands",
    /**
     * The commands, applied in order.
     */
    commands: Array<Command>,
} | {
    "kind": "reconfigure",
    /**
     * The configuration.
     */
    members: Membership,
};

/**
 * The whole vocabulary, as `vocabulary()` gives it to the page.
 */
export type Vocabulary = {
    /**
     * Every message kind, in the order of the protocol's story.
     */
    messages: Array<MessageKind>,
    /**
     * Every role.
     */
    roles: Array<Term>,
    /**
     * Every phase a node can report.
     */
    phases: Array<PhaseTerm>,
    /**
     * The protocol rules the messages serve.
     */
    rules: Array<Rule>,
    /**
     * Every kind of node event, with the rule that made it happen.
     */
    events: Array<EventKind>,
    /**
     * Every checked property.
     */
    invariants: Array<Term>,
    /**
     * Every injectable bug.
     */
    bugs: Array<Term>,
    /**
     * Every kind of event on a lane of the message sequence diagram.
     */
    diagram_events: Array<Term>,
    /**
     * Every way a message's life ends in the diagram.
     */
    message_fates: Array<Term>,
};

/**
 * What a running node holds in memory only.
 */
export type VolatileView = {
    /**
     * The proposer's state (`None` on a node that is no proposer).
     */
    proposer: Proposer | null,
    /**
     * The replica's state (`None` on a node that is no replica).
     */
    replica: ReplicaView | null,
    /**
     * Who it believes leads, and since when it heard from them.
     */
    follower: FollowerState,
};

/**
 * What clients do on their own.
 */
export type Workload = {
    /**
     * Commands each client submits at the start, in order.
     */
    script: Array<ScriptedOp>,
    /**
     * Random put/get/cas commands each client submits after its script.
     */
    random_ops: number,
    /**
     * Random commands use keys `k0..k{keys-1}`.
     */
    keys: number,
};
