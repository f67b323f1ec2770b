// @ts-check
// The guided tour's chapters, as data: each runs on the real core (a preset or a small
// scenario) and is a list of stops. A stop reaches its state with `run` (scheduler steps,
// deliveries, crashes), may `wait` for the reader to do one thing, `highlight`s what
// matters and explains it in a few sentences; `facts` are the text's claims, checked
// against the state at the stop by tests/e2e/tour.spec.mjs (see engine.js for both
// languages). Names used here are the core's: message kinds, event kinds, invariants and
// bugs of vocabulary(); rule numbers of docs/protocol.md.

/** @typedef {import('./engine.js').Chapter} Chapter */
/** @typedef {import('./engine.js').Stop} Stop */
/** @typedef {import('../pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('../pkg/paxoscope.js').Playground} Playground */

/** @param {number} client @param {string} key @param {string} value */
const put = (client, key, value) => ({ client, op: { op: 'put', key, value } });

/**
 * A small cluster of servers, run by hand.
 * @param {number} n
 * @param {ReturnType<typeof put>[]} script
 * @param {Record<string, unknown>} [extra]
 */
function cluster(n, script, extra = {}) {
  return {
    config: { layout: { kind: 'servers', n }, clients: Math.max(...script.map((s) => s.client)), tick_per_mille: 0,
      workload: { script, random_ops: 0, keys: 0 }, ...extra },
    seed: 1,
    actions: /** @type {object[]} */ ([]),
  };
}

/** @param {StateView} v */
const leaderKnown = (v) => v.leader != null;
const SEED_VALUES = ['murolando', 'ninja', 'alexyB', 'oleg', 'joomba'];
/** n6 and n7 decided the seed program's five values, each once, in one order. */
/** @param {Playground} pg */
function sameFiveValues(pg) {
  const logs = pg.state().nodes.filter((n) => n.id === 6 || n.id === 7).map((n) => (n.decided_log || []).map((e) => e.value).join('|'));
  const values = logs[0].split('|');
  return logs.length === 2 && logs[0] === logs[1] && values.length === 5 && SEED_VALUES.every((v) => values.filter((x) => x === `put x=${v}`).length === 1);
}
/** @param {number} k */
const committed = (k) => (/** @type {StateView} */ v) => v.stats.commands_committed >= k;
/** @param {string} kind @param {number} [node] */
const narrates = (kind, node) => (/** @type {StateView} */ v) => (v.events || []).some((e) => e.event === kind && (node == null || e.node === node));

/**
 * Two stops for one injected bug: the preset's run from step 0 with the bug still off, where
 * the reader switches it on; then the preset's recorded steps, up to where `watch` breaks
 * (`stop`).
 * @param {import('../pkg/paxoscope.js').Bug} name
 * @param {string} watch
 * @param {string} about
 * @param {Stop} stop
 * @returns {Stop[]}
 */
function bug(name, watch, about, stop) {
  return [
    {
      title: `${stop.title}: switch it on`,
      text: `${about} Switch it on: the tour then lets the scheduler run this seed until a checker objects. Watch ${watch}.`,
      base: { preset: `bug-${name}`, bugOff: true },
      highlight: [{ invariant: watch }],
      facts: [{ check: (v) => v.step === 0 && (v.config.bugs || []).length === 0, what: 'step 0, no bug on' }, { invariant: watch, ok: true }],
      wait: { bug: name, prompt: `switch ${name} on.` },
    },
    // The preset's own recorded steps: its run, one step later (the switch); the stop's facts
    // check that the invariant breaks at its last step.
    { ...stop, title: `${stop.title}: ${watch} breaks`, run: [{ preset: `bug-${name}` }] },
  ];
}

/** @type {Chapter[]} */
export const CHAPTERS = [
  {
    id: 'seed',
    title: 'From the seed program to Paxoscope',
    base: { preset: 'seed-demo' },
    stops: [
      {
        title: 'The seed program, on the real protocol',
        text: 'Paxoscope grew from a small Go program: five acceptors (n1–n5), two proposers (n6, n7) and five clients, each putting one value into x at once. This is that layout. Every message is an object you can deliver, drop or duplicate.',
        highlight: [{ node: 6 }, { node: 7 }],
        facts: [{ node: 1, roles: 'acceptor' }, { node: 5, roles: 'acceptor' }, { node: 6, roles: 'proposer+replica' }, { node: 7, roles: 'proposer+replica' },
          { check: (v) => v.nodes.length === 7 && v.clients.length === 5, what: '7 nodes and 5 clients' }, { message: { type: 'Request', label: 'put x=' }, count: 5 }],
      },
      {
        title: 'Unique ballots',
        text: 'Both proposers got a command and knew no leader, so both run phase 1: n6 with ballot 1.6, n7 with 1.7. A ballot is (round, proposer id), so two proposers never share one (rule 1). The seed program\'s ballots had no id: see the bug chapter.',
        run: [{ until: (v) => v.nodes.filter((n) => n.phase === 'preparing').length === 2, what: 'both proposers prepare' }],
        highlight: [{ node: 6 }, { node: 7 }, { message: { type: 'Prepare', from: 7 } }],
        facts: [{ node: 6, phase: 'preparing', ballot: '1.6' }, { node: 7, phase: 'preparing', ballot: '1.7' }],
        wait: { deliver: { type: 'Prepare', from: 7, to: 4 }, prompt: 'Deliver n7\'s Prepare to n4: click it, then Deliver.' },
      },
      {
        title: 'Persist before replying',
        text: 'n4 promised 1.7 and wrote the promise to its disk before answering (rule 2). A crash cannot make it forget, so it will keep refusing anything below 1.7. The seed program kept promises in memory only.',
        highlight: [{ node: 4 }, { message: { type: 'Promise', from: 4 } }, { event: 'promised' }],
        facts: [{ node: 4, promised: '1.7' }, { event: 'promised', at: 4, rule: 2 }, { message: { type: 'Promise', from: 4, to: 7 } }],
      },
      {
        title: 'Phase 1 once per leader',
        text: 'A majority promised 1.7, so n7 leads and at once sends Accepts for the commands it holds. It ran phase 1 once, for every slot (rule 4); from now on each command needs phase 2 only. The seed program ran both phases for every value.',
        run: [{ until: leaderKnown, what: 'a leader is elected' }],
        highlight: [{ node: 7 }, { event: 'became_leader' }],
        facts: [{ leader: 7 }, { node: 7, phase: 'leading', ballot: '1.7' }, { event: 'became_leader', at: 7, rule: 4, text: 'a majority is 3' }, { message: { type: 'Accept', from: 7, label: 'slot 0' } }],
      },
      {
        title: 'One log, the same everywhere',
        text: 'Quiet now: every value is decided once, in one order, and both replicas (n6, n7) applied all five, after 10 Prepares in all (one election each). A replica that falls behind is sent only the entries it misses (rule 9); the seed program re-sent the whole log with every value.',
        run: [{ quiet: 5000 }],
        highlight: [{ cell: [0, 6] }, { cell: [4, 7] }, { invariant: 'agreement' }],
        facts: [{ quiet: true }, { node: 6, applied: 5 }, { node: 7, applied: 5 }, { invariant: 'agreement', ok: true }, { invariant: 'exactly-once', ok: true },
          { stat: 'sent.Prepare', eq: 10 }, { check: (v, pg) => sameFiveValues(pg), what: 'n6 and n7 decided the five values, each once, in the same order' }],
      },
    ],
  },
  {
    id: 'one-slot',
    title: 'One slot: prepare, promise, accept, accepted',
    base: { scenario: cluster(3, [put(1, 'x', '1')]) },
    stops: [
      {
        title: 'Three servers, one command',
        text: 'Three servers, each a proposer, an acceptor and a replica. Client c1 sends put x=1 to n1. Nobody leads yet. You drive: deliver each message yourself.',
        highlight: [{ message: { type: 'Request', from: 'c1' } }, { node: 1 }],
        facts: [{ leader: null }, { message: { type: 'Request', from: 'c1', to: 1 } }],
        wait: { deliver: { type: 'Request', from: 'c1', to: 1 }, prompt: 'Deliver c1\'s Request to n1.' },
      },
      {
        title: 'Prepare',
        text: 'n1 knows no leader, so it runs: it picks ballot 1.1 and asks every acceptor to promise it. Its own acceptor promised at once; a Prepare goes to n2 and to n3.',
        highlight: [{ node: 1 }, { message: { type: 'Prepare', to: 2 } }, { message: { type: 'Prepare', to: 3 } }],
        facts: [{ node: 1, phase: 'preparing', ballot: '1.1', promised: '1.1' }, { message: { type: 'Prepare', from: 1 }, count: 2 }, { event: 'started_election', at: 1 }],
        wait: { deliver: { type: 'Prepare', from: 1, to: 2 }, prompt: 'Deliver the Prepare to n2.' },
      },
      {
        title: 'Promise',
        text: 'n2 promised 1.1: from now on it refuses every lower ballot (rule 2). Its Promise also reports what it accepted before (nothing), which a new leader must respect.',
        highlight: [{ node: 2 }, { message: { type: 'Promise', from: 2 } }],
        facts: [{ node: 2, promised: '1.1' }, { message: { type: 'Promise', from: 2, to: 1, label: 'nothing accepted' } }],
        wait: { deliver: { type: 'Promise', from: 2, to: 1 }, prompt: 'Deliver n2\'s Promise to n1.' },
      },
      {
        title: 'A majority is enough',
        text: 'Two promises of three (n1 and n2) are a majority: n1 leads without waiting for n3. It proposes put x=1 for slot 0 with an Accept to each acceptor (its own accepted at once).',
        highlight: [{ node: 1 }, { message: { type: 'Accept', to: 3 } }, { cell: [0, 1] }],
        facts: [{ leader: 1 }, { event: 'became_leader', at: 1, rule: 4 }, { message: { type: 'Accept', from: 1 }, count: 2 }, { cell: [0, 1], status: 'accepted', value: 'put x=1', ballot: '1.1' }],
        wait: { deliver: { type: 'Accept', from: 1, to: 3 }, prompt: 'Deliver the Accept to n3.' },
      },
      {
        title: 'Accept',
        text: 'n3 never saw the Prepare, but 1.1 is not below its promise, so it accepts slot 0, saves it and answers Accepted (rule 2).',
        highlight: [{ node: 3 }, { cell: [0, 3] }, { message: { type: 'Accepted', from: 3 } }],
        facts: [{ cell: [0, 3], status: 'accepted', ballot: '1.1' }, { event: 'accepted_value', at: 3, rule: 2 }, { message: { type: 'Accepted', from: 3, to: 1 } }, { message: { type: 'Prepare', to: 3 } }],
        wait: { deliver: { type: 'Accepted', from: 3, to: 1 }, prompt: 'Deliver n3\'s Accepted to n1.' },
      },
      {
        title: 'Chosen',
        text: 'n1 and n3 accepted slot 0 in one ballot: a majority, so put x=1 is chosen (rule 6) and n1 applies it and replies. Why a majority? Any later leader\'s majority includes n1 or n3, which will report this value, so it can never change.',
        highlight: [{ cell: [0, 1] }, { event: 'chosen' }, { message: { type: 'Reply' } }],
        facts: [{ event: 'chosen', at: 1, rule: 6 }, { cell: [0, 1], status: 'applied' }, { node: 1, kv: { x: '1' } }, { message: { type: 'Reply', to: 'c1' } }, { cell: [0, 2], status: 'empty' }],
      },
    ],
  },
  {
    id: 'steady',
    title: 'The steady state: one leader, two messages per acceptor',
    base: { scenario: cluster(5, [put(1, 'x', 'a'), put(1, 'y', 'b'), put(1, 'z', 'c')]) },
    stops: [
      {
        title: 'One leader',
        text: 'Five servers and one client with three commands. n1 won phase 1 with ballot 1.1 and leads. From here on, only phase 2 runs (rule 5).',
        run: [{ until: leaderKnown, what: 'a leader is elected' }],
        highlight: [{ node: 1 }],
        facts: [{ leader: 1 }, { node: 1, ballot: '1.1' }, { stat: 'sent.Prepare', eq: 4 }],
      },
      {
        title: 'Commit news rides along',
        text: 'Slot 0 is chosen and applied at the leader, but n5 only accepted it. The Accept for slot 1 carries the leader\'s commit index, 1: no extra message is needed to tell n5 (rule 6).',
        run: [{ until: (v) => v.messages.some((m) => m.type === 'Accept' && 'node' in m.to && m.to.node === 5 && /** @type {any} */ (m.payload || {}).commit_index === 1), what: 'an Accept carries commit 1' }],
        highlight: [{ cell: [0, 1] }, { cell: [0, 5] }, { message: { type: 'Accept', to: 5, commit: 1 } }],
        facts: [{ cell: [0, 1], status: 'applied' }, { cell: [0, 5], status: 'accepted' }, { message: { type: 'Accept', from: 1, to: 5, label: 'slot 1', commit: 1 } }],
        wait: { deliver: { type: 'Accept', to: 5, commit: 1 }, prompt: 'Deliver the Accept for slot 1 to n5.' },
      },
      {
        title: 'Learned, for free',
        text: 'n5 accepted slot 1 and, from the commit index it carried, learned that slot 0 is decided and applied it.',
        highlight: [{ node: 5 }, { cell: [0, 5] }, { event: 'decided' }],
        facts: [{ event: 'decided', at: 5, rule: 6 }, { event: 'accepted_value', at: 5 }, { cell: [0, 5], status: 'applied' }],
      },
      {
        title: 'Two messages per remote acceptor',
        text: 'All three commands are answered. Each cost one Accept and one Accepted per other acceptor: 12 Accepts and 12 Accepted for 3 commands on 5 servers. Heartbeats only keep the leader in place.',
        run: [{ quiet: 5000 }],
        highlight: [{ node: 1 }],
        facts: [{ quiet: true }, { stat: 'commands_committed', eq: 3 }, { stat: 'sent.Accept', eq: 12 }, { stat: 'sent.Accepted', eq: 12 }, { stat: 'sent.Prepare', eq: 4 }],
      },
    ],
  },
  {
    id: 'duel',
    title: 'Duelling proposers and randomized backoff',
    base: { scenario: cluster(3, [put(1, 'x', '1'), put(2, 'y', '2')]) },
    stops: [
      {
        title: 'Two candidates',
        text: 'Two clients send commands to two servers at once. c1\'s reached n1, which knows no leader, so it runs with ballot 1.1. Now let c2\'s reach n2.',
        run: [{ deliver: { type: 'Request', from: 'c1' } }],
        highlight: [{ message: { type: 'Request', from: 'c2' } }, { node: 1 }],
        facts: [{ node: 1, phase: 'preparing', ballot: '1.1' }, { message: { type: 'Request', from: 'c2', to: 2 } }],
        wait: { deliver: { type: 'Request', from: 'c2', to: 2 }, prompt: 'Deliver c2\'s Request to n2.' },
      },
      {
        title: 'A higher ballot',
        text: 'n2 knows no leader either and runs with 1.2, higher than n1\'s 1.1 (same round, higher id). Each promised itself, so n3 decides: it may promise 1.2 after 1.1, but never 1.1 after 1.2.',
        highlight: [{ node: 1 }, { node: 2 }, { message: { type: 'Prepare', to: 3 } }],
        facts: [{ node: 2, phase: 'preparing', ballot: '1.2', promised: '1.2' }, { node: 1, promised: '1.1' }, { event: 'started_election', at: 2 }, { node: 3, promised: null }, { message: { type: 'Prepare', from: 2, to: 3 } }],
        wait: { deliver: { type: 'Prepare', from: 2, to: 3 }, prompt: 'Deliver n2\'s Prepare to n3.' },
      },
      {
        title: 'Pre-empted',
        text: 'n3 promised 1.2. Now n1\'s Prepare 1.1 is below n3\'s promise: it will be refused with a Nack that carries 1.2.',
        highlight: [{ node: 3 }, { message: { type: 'Prepare', from: 1, to: 3 } }],
        facts: [{ node: 3, promised: '1.2' }, { message: { type: 'Prepare', from: 1, to: 3 } }],
        wait: { deliver: { type: 'Prepare', from: 1, to: 3 }, prompt: 'Deliver n1\'s Prepare to n3.' },
      },
      {
        title: 'Refused',
        text: 'n3 refused: it promised the higher 1.2 (rule 2). Its Nack tells n1 that a higher ballot exists.',
        highlight: [{ node: 3 }, { event: 'refused_prepare' }, { message: { type: 'Nack', to: 1 } }],
        facts: [{ event: 'refused_prepare', at: 3, rule: 2 }, { message: { type: 'Nack', from: 3, to: 1 } }],
        wait: { deliver: { type: 'Nack', from: 3, to: 1 }, prompt: 'Deliver the Nack to n1.' },
      },
      {
        title: 'Step down, back off',
        text: 'n1 saw 1.2 and stepped down (rule 7). Running again at once with 2.1 could pre-empt n2 in turn, forever. Instead it waits for its election timer (tick 17; now 0), random and doubled after each failed election, so one candidate finishes first.',
        highlight: [{ node: 1 }, { event: 'stepped_down' }],
        facts: [{ event: 'stepped_down', at: 1, rule: 7, text: 'b=1.2' }, { node: 1, phase: 'following', electionTimer: true },
          { check: (v) => v.now === 0 && v.nodes[0].timers.election === 17, what: 'n1\'s election timer fires at tick 17, now 0' }],
      },
      {
        title: 'One winner',
        text: 'n2 got its majority and leads with 1.2; n1 handed c1\'s command to it. Both commands are decided in one log; n1 and n3 learn the last slot from n2\'s next heartbeat.',
        run: [{ quiet: 5000 }],
        highlight: [{ node: 2 }, { cell: [0, 2] }, { cell: [1, 2] }],
        facts: [{ leader: 2 }, { node: 2, ballot: '1.2', applied: 2 }, { quiet: true }, { stat: 'commands_committed', eq: 2 }, { node: 1, applied: 1 }],
      },
    ],
  },
  {
    id: 'leader-crash',
    title: 'A leader crash: adopt, fill holes, carry on',
    base: { preset: 'leader-crash', trim: 1 },
    stops: [
      {
        title: 'A busy leader',
        text: 'Five servers; n2 leads with ballot 1.2 and has Accepts in flight. Crash it: its volatile state and inbound messages are lost, its disk survives.',
        highlight: [{ node: 2 }],
        facts: [{ leader: 2 }, { node: 2, ballot: '1.2' }, { message: { type: 'Accept', from: 2 } }],
        wait: { crash: 2, prompt: 'Crash n2: select it, then Crash.' },
      },
      {
        title: 'Silence',
        text: 'n2 is down, with slots 5 and 6 accepted by some acceptors but not known decided. No heartbeats come, so a follower\'s election timer will fire.',
        highlight: [{ node: 2 }, { cell: [5, 1] }, { cell: [6, 1] }],
        facts: [{ node: 2, crashed: true }, { leader: null }, { cell: [5, 1], status: 'accepted', ballot: '1.2' }, { cell: [6, 4], status: 'accepted', ballot: '1.2' },
          { node: 1, commit: 5 }, { node: 3, commit: 5 }, { node: 4, commit: 5 }, { node: 5, commit: 5 }],
      },
      {
        title: 'A new ballot',
        text: 'n4\'s timer fired first (they are randomized): it runs phase 1 with ballot 2.4, above every ballot it has seen.',
        run: [{ until: narrates('started_election'), what: 'an election starts' }],
        highlight: [{ node: 4 }, { message: { type: 'Prepare', from: 4 } }],
        facts: [{ event: 'started_election', at: 4, rule: 7 }, { node: 4, ballot: '2.4', phase: 'preparing' }],
      },
      {
        title: 'Adopt the highest-ballot values',
        text: 'The Promises reported values for slots 5 and 6 accepted in 1.2. They may already be chosen, so n4 re-proposes them, not new commands (rule 4). A hole no promise reported would get a no-op.',
        run: [{ until: narrates('became_leader'), what: 'a new leader' }],
        highlight: [{ node: 4 }, { event: 'adopted_value' }],
        facts: [{ leader: 4 }, { event: 'adopted_value', at: 4, rule: 4, text: 'slot 5\'s value accepted in b=1.2' }, { event: 'adopted_value', at: 4, text: 'slot 6\'s value accepted in b=1.2' },
          { event: 'became_leader', at: 4, text: 're-proposed 2' }],
      },
      {
        title: 'Carrying on',
        text: 'Under n4 every command is answered, and the four live replicas agree on every slot.',
        run: [{ quiet: 20000 }],
        highlight: [{ node: 4 }, { invariant: 'agreement' }],
        facts: [{ quiet: true }, { leader: 4 }, { invariant: 'agreement', ok: true }, { node: 1, applied: 60 }, { node: 3, applied: 60 }, { node: 4, applied: 60 }, { node: 5, applied: 60 }],
      },
    ],
  },
  {
    id: 'catch-up',
    title: 'Catch-up and snapshots',
    base: { preset: 'lagging-replica', trim: 1 },
    stops: [
      {
        title: 'Left behind',
        text: 'n5 has been down for 400 steps. The others decided more than 30 slots and took snapshots, dropping the log entries below them (rule 10).',
        highlight: [{ node: 5 }, { node: 2 }],
        facts: [{ node: 5, crashed: true }, { node: 2, commitAtLeast: 31, snapshotAtLeast: 24 }, { node: 1, snapshotAtLeast: 24 }],
        wait: { restart: 5, prompt: 'Restart n5: select it, then Restart.' },
      },
      {
        title: 'Back from disk',
        text: 'n5 restarted from its disk: its promise (1.2) survived, but it knows no slot decided yet. The next Accept or Heartbeat from n2 tells it how far the log is decided.',
        highlight: [{ node: 5 }],
        facts: [{ node: 5, crashed: false, promised: '1.2', commit: 0 }, { leader: 2 }],
      },
      {
        title: 'Only what is missing',
        text: 'n5 learned it is behind and asks for the decided entries from its first missing slot, not the whole log (rule 9).',
        run: [{ until: narrates('requested_catch_up', 5), what: 'n5 asks to catch up' }],
        highlight: [{ node: 5 }, { message: { type: 'CatchUp', from: 5 } }],
        facts: [{ event: 'requested_catch_up', at: 5, rule: 9 }, { message: { type: 'CatchUp', from: 5 } }],
      },
      {
        title: 'A snapshot instead',
        text: 'Those entries were compacted away, so n5 gets a snapshot of the key-value store and the session table instead (rule 10).',
        run: [{ until: narrates('snapshot_installed', 5), what: 'n5 installs a snapshot' }],
        highlight: [{ node: 5 }, { event: 'snapshot_installed' }],
        facts: [{ event: 'snapshot_installed', at: 5, rule: 10 }, { node: 5, snapshotAtLeast: 24 }],
      },
    ],
  },
  {
    id: 'bugs',
    title: 'Break it: one bug for each rule',
    base: { preset: 'bug-forgetful-acceptor', bugOff: true },
    stops: [
      ...bug('forgetful-acceptor', 'promise-monotonic', 'Acceptors keep their promises in memory only, so a crash wipes them.', {
        title: 'Forgetful acceptor',
        text: 'With forgetful-acceptor on, promises live in memory only. n4 promised 1.3, crashed and restarted holding no promise: promise-monotonic fails here. Rule 2 says persist before replying, so a restarted acceptor keeps its word.',
        broken: { text: 'n4 restarted from its disk', latest: true, says: 'n4 restarted from its disk, which held no promise.', facts: [{ node: 4, promised: null }] },
        highlight: [{ node: 4 }, { invariant: 'promise-monotonic' }],
        facts: [{ bug: 'forgetful-acceptor' }, { violation: 'promise-monotonic', here: true, text: 'n4 had promised b=1.3' }, { invariant: 'promise-monotonic', ok: false }, { node: 4, promised: null },
          { check: (v) => v.events.some((e) => e.text.startsWith('n4 restarted')), what: 'n4 restarted in this step' }],
      }),
      ...bug('ignore-promised-values', 'agreement', 'A new leader ignores the values that Promises report and proposes no-ops instead.', {
        title: 'Leader ignores promised values',
        text: 'A new leader proposed a no-op for slot 3, although a Promise reported put k0=2.2 there, already chosen. Now slot 3 has two values: agreement fails. Rule 4 (adopt the highest-ballot value) exists for exactly this.',
        broken: { event: 'became_leader', at: 5, text: 'filled 1 hole(s) with no-ops', says: 'n5 won phase 1 and filled slot 3 with a no-op, ignoring the value n2\'s Promise reported there.',
          facts: [{ cell: [3, 2], status: 'accepted', value: 'put k0=2.2', ballot: '1.3' }, { node: 2, promised: '2.5' }] },
        highlight: [{ invariant: 'agreement' }, { cell: [3, 2] }],
        facts: [{ bug: 'ignore-promised-values' }, { violation: 'agreement', here: true, text: ['slot 3', 'put k0=2.2', 'no-op'] }, { cell: [3, 2], value: 'no-op' }],
      }),
      ...bug('ballots-without-proposer-id', 'agreement', 'Ballots lose their proposer id, as in the seed program: two proposers can use the same one.', {
        title: 'Ballots without proposer id',
        text: 'The seed program\'s bug: n6 and n7 both ran phase 1 with ballot 1.0, and unique-ballots broke at once. Both won, with different values for slot 0: agreement fails. Rule 1 adds the proposer id to make ballots unique.',
        broken: { event: 'started_election', at: 7, text: 'b=1.0', says: 'n7 ran phase 1 with b=1.0, the ballot n6 was already using.', facts: [{ node: 6, ballot: '1.0' }, { node: 7, ballot: '1.0' }] },
        highlight: [{ node: 6 }, { node: 7 }, { invariant: 'unique-ballots' }, { invariant: 'agreement' }],
        facts: [{ bug: 'ballots-without-proposer-id' }, { violation: 'unique-ballots', text: 'n7 and n6 both ran phase 1 with b=1.0' }, { violation: 'agreement', here: true, text: 'slot 0' }, { invariant: 'unique-ballots', ok: false }],
      }),
      ...bug('accept-below-promise', 'agreement', 'Acceptors accept an Accept even when its ballot is below their promise.', {
        title: 'Accept below promise',
        text: 'Acceptors accept even below their promise, so a deposed leader\'s Accept still counts: slot 0 got a second value, agreement fails. Rule 2 (never accept below the promise) is what protects a new leader\'s phase 1.',
        broken: { event: 'accepted_value', at: 4, text: 'slot 0 in b=1.2', says: 'n4 accepted slot 0 in b=1.2 although it had promised 1.3.', facts: [{ node: 4, promised: '1.3' }, { event: 'accepted_value', at: 4 }] },
        highlight: [{ invariant: 'agreement' }, { node: 4 }],
        facts: [{ bug: 'accept-below-promise' }, { violation: 'agreement', here: true, text: 'slot 0' }, { invariant: 'agreement', ok: false }],
      }),
      ...bug('small-quorum', 'agreement', 'Quorums are one smaller than a majority: 2 of 5 acceptors.', {
        title: 'Quorum smaller than a majority',
        text: 'With quorums of 2 out of 5, two quorums need not share an acceptor: two leaders each got a value chosen for slot 0. Majorities always intersect; that is why a majority is needed.',
        broken: { event: 'became_leader', at: 3, text: 'quorum is only 2', says: 'n3 led after promises from only n3 and n5, and neither had accepted n2\'s value.',
          facts: [{ event: 'became_leader', at: 3, text: 'n3, n5 (2 of 5' }, { cell: [0, 2], status: 'accepted', ballot: '1.2' }, { cell: [0, 5], status: 'empty' }] },
        highlight: [{ invariant: 'agreement' }, { cell: [0, 4] }],
        facts: [{ bug: 'small-quorum' }, { violation: 'agreement', here: true, text: 'slot 0' }, { invariant: 'agreement', ok: false }],
      }),
      ...bug('reuse-ballot-after-restart', 'unique-ballots', 'A proposer forgets its last round when it restarts.', {
        title: 'Ballot reused after restart',
        text: 'n2 forgot its round when it restarted and runs with 1.2 again, a ballot it already used: unique-ballots fails. Rule 1 persists the round before a Prepare goes out.',
        broken: { event: 'started_election', at: 2, text: 'b=1.2', latest: true, says: 'n2, restarted, ran again with b=1.2.' },
        highlight: [{ node: 2 }, { invariant: 'unique-ballots' }],
        facts: [{ bug: 'reuse-ballot-after-restart' }, { violation: 'unique-ballots', here: true, text: 'n2 reused b=1.2 after a restart' }, { event: 'started_election', at: 2, text: 'b=1.2' }],
      }),
      ...bug('no-dedup', 'exactly-once', 'Replicas no longer look up the session table before applying a command.', {
        title: 'No deduplication',
        text: 'A retried command, c3#1, landed in slots 2 and 3, and n5 applied it twice: exactly-once fails. Rule 8 tags commands with (client, seq) so the session table skips the second copy.',
        broken: { event: 'decided', at: 5, text: 'slot 2', latest: true, says: 'n5 learned slot 2 and applied it and slot 3 without asking its session table.', facts: [{ node: 5, applied: 4 }] },
        highlight: [{ node: 5 }, { invariant: 'exactly-once' }, { cell: [2, 5] }, { cell: [3, 5] }],
        facts: [{ bug: 'no-dedup' }, { violation: 'exactly-once', here: true, text: ['n5 applied c3#1', 'in slot 2 and in slot 3'] }, { invariant: 'exactly-once', ok: false }],
      }),
      ...bug('non-intersecting-quorums', 'agreement', 'Phase 1 needs 3 of 5 acceptors and phase 2 only 2: 3 + 2 is not more than 5.', {
        title: 'Quorums that need not meet',
        text: 'n2 got slot 19 chosen by a phase-2 quorum of 2; n1 later won phase 1 with n1, n4, n5 and heard nothing of it, so a second value was chosen for slot 19: agreement fails. Rule 12 (flexible quorums): any phase-1 quorum must meet any phase-2 quorum, so |Q1| + |Q2| > n.',
        broken: { event: 'became_leader', at: 1, text: 'need not share an acceptor', latest: true, says: 'n1 led with b=2.1 on promises from n1, n4 and n5, a phase-1 quorum that need not meet the phase-2 quorum that chose slot 19.' },
        highlight: [{ invariant: 'agreement' }, { node: 1 }, { node: 2 }],
        facts: [{ bug: 'non-intersecting-quorums' }, { violation: 'agreement', here: true, text: ['slot 19', 'decided at n2'] }, { invariant: 'agreement', ok: false }],
      }),
      ...bug('reconfig-without-alpha', 'agreement', 'A new configuration governs the very next slot, not the slot α (the pipeline window) later.', {
        title: 'Reconfiguration without α',
        text: 'The cluster grew from 3 to 5 servers, and with the bug the new five governed at once, while the old leader still had slot 11 under way: acceptors 2 and 3, a majority of the old three, chose one value; b=8.4 then won phase 1 among the five and chose another. Rule 12: a configuration decided in slot i governs from slot i + α.',
        broken: { event: 'config_applied', says: 'A replica applied the reconfiguration, and the bug let it govern the very next slot.' },
        highlight: [{ invariant: 'agreement' }, { node: 4 }, { node: 5 }],
        facts: [{ bug: 'reconfig-without-alpha' }, { violation: 'agreement', here: true, text: ['slot 11', 'in b=8.2', 'in b=8.4'] }, { invariant: 'agreement', ok: false }],
      }),
      ...bug('read-without-lease', 'linearizability', 'A leader answers reads from its own store while it believes it leads, lease or not.', {
        title: 'Reads without a lease',
        text: 'n4 was elected with b=5.4 and k0 changed, but n2 still believed it led and answered c1\'s get k0 from its own store: c1 read a stale 1.3, and linearizability fails. Rule 12 (leases): a leader answers alone only while a lease from a phase-2 quorum runs, and acceptors hold back new promises until it ends.',
        broken: { at: 2, text: 'answered c1#5 from its own store', latest: true, says: 'n2 answered c1#5 (get k0) from its own store, long after n4 was elected with b=5.4.' },
        highlight: [{ invariant: 'linearizability' }, { node: 2 }, { node: 4 }],
        facts: [{ bug: 'read-without-lease' }, { violation: 'linearizability', here: true, text: ['get k0 → 1.3', 'it read 1.3'] }, { invariant: 'linearizability', ok: false }],
      }),
    ],
  },
];

/** The chapter with this id, or null. */
/** @param {string} id */
export const chapterById = (id) => CHAPTERS.find((c) => c.id === id) || null;
