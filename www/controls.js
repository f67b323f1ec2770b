// @ts-check
// Everything a person can do to the run: the transport (play, step, back, run until quiet,
// speed), the cluster set-up (size, seed layout, seed), client commands, network faults,
// partitions, crash/restart and timers per node, and the injected-bug switches.

import { h, setText, keepFocus } from './dom.js';
import { partitionGroups } from './topology.js';
import { icon } from './icons.js';
import { quorumHint } from './quorums.js';
import { createServersSection } from './reconfig-controls.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').SimConfig} SimConfig */
/** @typedef {import('./pkg/paxoscope.js').Op} Op */
/** @typedef {import('./pkg/paxoscope.js').Bug} Bug */
/** @typedef {import('./main.js').PageApp} PageApp */

export const SPEEDS = [
  { v: 1, label: '1 step/s' }, { v: 2, label: '2 steps/s' }, { v: 4, label: '4 steps/s' },
  { v: 10, label: '10 steps/s' }, { v: 30, label: '30 steps/s' }, { v: 120, label: '120 steps/s' },
  { v: 600, label: '600 steps/s' },
];

/**
 * Play/pause, step back/forward, tick, run until quiet, speed.
 * @param {PageApp} app
 * @param {HTMLElement} root
 */
export function createTransport(app, root) {
  const back = h('button', { type: 'button', class: 'btn icon', 'aria-label': 'Step back', title: 'Step back (←)' }, icon('back'));
  const play = h('button', { type: 'button', class: 'btn icon primary play', 'aria-label': 'Play', 'aria-pressed': 'false', title: 'Play / pause (space)' }, icon('play'));
  const fwd = h('button', { type: 'button', class: 'btn icon', 'aria-label': 'Step forward', title: 'Step forward (→): the scheduler picks the next event' }, icon('forward'));
  const tick = h('button', { type: 'button', class: 'btn', 'aria-label': 'Advance time by one tick', title: 'Advance logical time by one tick: due timers fire, delayed messages arrive' }, icon('tick', 15), h('span', { class: 'lbl-long' }, '+1 tick'), h('span', { class: 'lbl-short', 'aria-hidden': 'true' }, '+1'));
  const quiet = h('button', { type: 'button', class: 'btn', 'aria-label': 'Run until quiet', title: 'Let the scheduler run until no message is in flight and no client waits' }, icon('fast', 14), h('span', { class: 'lbl-long' }, 'Run until quiet'), h('span', { class: 'lbl-short', 'aria-hidden': 'true' }, 'Until quiet'));
  const speed = h('select', { 'aria-label': 'Playback speed', id: 'speed' }, ...SPEEDS.map((x) => h('option', { value: x.v }, x.label)));
  speed.value = String(app.speed);
  back.addEventListener('click', () => app.stepBack());
  fwd.addEventListener('click', () => app.stepForward());
  play.addEventListener('click', () => app.togglePlay());
  tick.addEventListener('click', () => app.apply({ type: 'tick' }, 'advancing time'));
  quiet.addEventListener('click', () => app.runUntilQuiet());
  speed.addEventListener('change', () => app.setSpeed(Number(speed.value)));
  root.append(h('div', { class: 'transport' },
    h('div', { class: 'btn-group' }, back, play, fwd), tick, quiet,
    h('label', { class: 'speed' }, h('span', { class: 'visually-hidden' }, 'Speed'), speed)));

  /** @type {boolean | null} */
  let shownPlaying = null;
  /** @param {StateView} view */
  function update(view) {
    // The icon is rebuilt only when play turns to pause or back, not on every step or jump.
    if (shownPlaying !== app.playing) {
      shownPlaying = app.playing;
      play.replaceChildren(icon(app.playing ? 'pause' : 'play'));
      play.setAttribute('aria-label', app.playing ? 'Pause' : 'Play');
      play.setAttribute('aria-pressed', String(app.playing));
    }
    back.disabled = view.step <= 0;
    speed.value = String(app.speed);
  }
  return { update };
}

/**
 * A foldable section of the set-up rail.
 * @param {string} title
 * @param {boolean} open
 * @param {...any} children
 */
function section(title, open, ...children) {
  return h('details', { class: 'section', open }, h('summary', {}, title), h('div', { class: 'section-body' }, ...children));
}

/**
 * A labelled form control, with a hint under it.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control, hint ? h('span', { class: 'hint' }, hint) : null);
}

/** The client form's value at the start of a run: one the seed demo does not use yet. */
const NEW_VALUE = 'paxos';

/**
 * The key the run's own commands use (the seed demo's x, a random workload's k0).
 * @param {Partial<SimConfig>} cfg
 */
function runKey(cfg) {
  const script = (cfg.workload && cfg.workload.script) || [];
  const first = script.find((s) => s.op && s.op.key);
  if (first) return first.op.key;
  if (cfg.workload && cfg.workload.random_ops > 0) return 'k0';
  return 'x';
}

/**
 * The set-up rail: cluster, client, network, partition, nodes, bugs.
 * @param {PageApp} app
 * @param {HTMLElement} root
 */
export function createControls(app, root) {
  // ---------------- cluster
  const layoutServers = h('input', { type: 'radio', name: 'layout', value: 'servers', id: 'layout-servers' });
  const layoutSeed = h('input', { type: 'radio', name: 'layout', value: 'seed', id: 'layout-seed' });
  const size = h('input', { type: 'range', min: 3, max: 9, step: 1, value: 5, id: 'cluster-size', 'aria-label': 'Cluster size (servers)' });
  const sizeOut = h('output', { for: 'cluster-size', class: 'out' }, '5');
  const clients = h('input', { type: 'number', min: 1, max: 16, step: 1, value: 2, id: 'clients-count', 'aria-label': 'Number of clients' });
  const seed = h('input', { type: 'number', min: 0, step: 1, value: 1, id: 'rng-seed', 'aria-label': 'Random seed' });
  const q1In = h('input', { type: 'number', min: 1, max: 9, step: 1, value: '', placeholder: 'majority', id: 'phase1-quorum', 'aria-label': 'Phase-1 quorum (acceptors)' });
  const q2In = h('input', { type: 'number', min: 1, max: 9, step: 1, value: '', placeholder: 'majority', id: 'phase2-quorum', 'aria-label': 'Phase-2 quorum (acceptors)' });
  const quorumHintEl = h('p', { class: 'hint quorum-hint', id: 'quorum-hint' });
  const readModeSel = h('select', { id: 'read-mode', 'aria-label': 'Read mode' },
    h('option', { value: 'log' }, 'log: every get is a slot'), h('option', { value: 'lease' }, 'lease: the leader reads alone'));
  const leaseIn = h('input', { type: 'number', min: 2, max: 1000, step: 1, value: 20, id: 'lease-ticks', 'aria-label': 'Lease length in ticks' });
  const driftIn = h('input', { type: 'number', min: 0, max: 200, step: 1, value: 0, id: 'clock-drift', 'aria-label': 'Clock drift bound in per mille' });
  const newRun = h('button', { type: 'submit', class: 'btn primary' }, 'Start new run');
  const clusterForm = h('form', { class: 'stack', 'aria-label': 'Cluster set-up', novalidate: true },
    h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': 'Layout' },
      h('label', { class: 'radio', for: 'layout-servers' }, layoutServers, ' N servers'),
      h('label', { class: 'radio', for: 'layout-seed' }, layoutSeed, ' Seed layout')),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'cluster-size' }, 'Servers (3–9)'), h('div', { class: 'range-row' }, size, sizeOut),
      h('span', { class: 'hint' }, 'Each server is proposer + acceptor + replica.')),
    h('p', { class: 'hint seed-hint' }, 'Seed layout: the seed program\'s 2 proposers and 5 acceptors.'),
    h('div', { class: 'two' }, field('Clients', clients), field('Seed', seed, 'Same seed, same run.')),
    h('div', { class: 'two' }, field('Phase-1 quorum', q1In), field('Phase-2 quorum', q2In)),
    quorumHintEl,
    field('Reads', readModeSel),
    h('div', { class: 'two' }, field('Lease (ticks)', leaseIn), field('Clock drift (‰)', driftIn, 'Each clock runs within ± this of true time; the lease allows for it.')),
    newRun);
  /** The acceptors of the layout chosen in the form. */
  const formAcceptors = () => (layoutSeed.checked ? 5 : Number(size.value));
  /** A quorum input's value: null when blank (a majority). */
  const quorumValue = (/** @type {HTMLInputElement} */ input) => (input.value.trim() === '' ? null : Number(input.value));
  function syncQuorumHint() {
    const n = formAcceptors();
    q1In.max = String(n); q2In.max = String(n);
    setText(quorumHintEl, quorumHint(n, quorumValue(q1In), quorumValue(q2In)));
  }
  for (const el of [q1In, q2In, size, layoutServers, layoutSeed]) el.addEventListener('input', syncQuorumHint);
  layoutSeed.addEventListener('change', syncQuorumHint);
  layoutServers.addEventListener('change', syncQuorumHint);
  size.addEventListener('input', () => { sizeOut.value = size.value; layoutServers.checked = true; syncLayout(); });
  layoutServers.addEventListener('change', syncLayout);
  layoutSeed.addEventListener('change', syncLayout);
  function syncLayout() { size.disabled = layoutSeed.checked; clusterForm.classList.toggle('seed', layoutSeed.checked); }
  clusterForm.addEventListener('submit', (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    const n = Number(size.value), c = Number(clients.value), sd = Number(seed.value);
    if (!Number.isInteger(c) || c < 1 || c > 16) return app.notify('error', 'Cluster set-up', `Clients must be a whole number from 1 to 16 (got "${clients.value}").`);
    if (!Number.isInteger(sd) || sd < 0 || sd > 4294967295) return app.notify('error', 'Cluster set-up', `The seed must be a whole number from 0 to 4294967295 (got "${seed.value}").`);
    if (!layoutSeed.checked && (!Number.isInteger(n) || n < 3 || n > 9)) return app.notify('error', 'Cluster set-up', `The cluster size must be 3 to 9 (got "${size.value}").`);
    const acceptors = formAcceptors();
    const [q1, q2] = [quorumValue(q1In), quorumValue(q2In)];
    for (const [name, q, input] of /** @type {[string, number | null, HTMLInputElement][]} */ ([['phase-1', q1, q1In], ['phase-2', q2, q2In]])) {
      if (q != null && (!Number.isInteger(q) || q < 1 || q > acceptors)) return app.notify('error', 'Cluster set-up', `The ${name} quorum must be a whole number from 1 to the ${acceptors} acceptors, or blank for a majority (got "${input.value}").`);
    }
    const lease = Number(leaseIn.value), drift = Number(driftIn.value);
    if (!Number.isInteger(lease) || lease < 2 || lease > 1000) return app.notify('error', 'Cluster set-up', `The lease must be a whole number of ticks from 2 to 1000 (got "${leaseIn.value}").`);
    if (!Number.isInteger(drift) || drift < 0 || drift > 200) return app.notify('error', 'Cluster set-up', `The clock drift must be a whole number of per mille from 0 to 200 (got "${driftIn.value}").`);
    /** @type {SimConfig['layout']} */
    const layout = layoutSeed.checked ? { kind: 'seed' } : { kind: 'servers', n };
    const readMode = /** @type {import('./pkg/paxoscope.js').ReadMode} */ (readModeSel.value);
    app.newRun({
      layout, clients: c, phase1_quorum: q1 ?? undefined, phase2_quorum: q2 ?? undefined,
      read_mode: readMode === 'lease' ? readMode : undefined, lease_ticks: lease === 20 ? undefined : lease,
      clock_drift_per_mille: drift || undefined,
    }, sd);
    return undefined;
  });

  // ---------------- client
  const clientSel = h('select', { id: 'client-id', 'aria-label': 'Client' });
  const opSel = h('select', { id: 'client-op', 'aria-label': 'Operation' },
    h('option', { value: 'put' }, 'put'), h('option', { value: 'get' }, 'get'), h('option', { value: 'cas' }, 'cas'));
  const keyIn = h('input', { type: 'text', id: 'client-key', value: 'x', 'aria-label': 'Key', autocomplete: 'off', spellcheck: 'false', maxlength: 40 });
  const valIn = h('input', { type: 'text', id: 'client-value', value: NEW_VALUE, 'aria-label': 'Value', autocomplete: 'off', spellcheck: 'false', maxlength: 80 });
  const busyHint = h('p', { class: 'hint busy-hint', hidden: true });
  let clientChosen = false; // the person picked a client: keep it
  clientSel.addEventListener('change', () => { clientChosen = true; syncBusy(); });
  const expIn = h('input', { type: 'text', id: 'client-expected', value: '', 'aria-label': 'Expected value (cas)', placeholder: 'empty = absent', autocomplete: 'off', spellcheck: 'false', maxlength: 80 });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, 'Submit command');
  const valField = field('Value', valIn);
  const expField = field('Expected', expIn, 'cas sets the value only if the key holds this (empty: absent).');
  const clientForm = h('form', { class: 'stack', 'aria-label': 'Client command', novalidate: true },
    h('div', { class: 'two' }, field('Client', clientSel), field('Operation', opSel)),
    busyHint, field('Key', keyIn), valField, expField, submit);
  function syncOp() { valField.hidden = opSel.value === 'get'; expField.hidden = opSel.value !== 'cas'; }
  /**
   * Says, before submitting, that a busy client queues the command.
   * @param {StateView} [view]
   */
  function syncBusy(view = app.view) {
    const c = view && (view.clients || []).find((x) => String(x.id) === clientSel.value);
    busyHint.hidden = !(c && c.pending);
    if (c && c.pending) setText(busyHint, `C${c.id} is waiting for #${c.pending.seq}: a new command queues and is sent once that one is answered.`);
  }
  opSel.addEventListener('change', syncOp);
  syncOp();
  clientForm.addEventListener('submit', (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    const key = keyIn.value.trim();
    if (!key) return app.notify('error', 'Client command', 'The key must not be empty.');
    const client = Number(clientSel.value);
    /** @type {Op} */
    let op;
    if (opSel.value === 'put') op = { op: 'put', key, value: valIn.value };
    else if (opSel.value === 'get') op = { op: 'get', key };
    else op = { op: 'cas', key, expected: expIn.value === '' ? null : expIn.value, value: valIn.value };
    app.apply({ type: 'submit', client, op }, `submitting ${op.op} from client ${client}`);
    return undefined;
  });

  // ---------------- network
  /** @param {string} id @param {string} label @param {number} min @param {number} max @param {string} unit */
  const mkRange = (id, label, min, max, unit) => {
    const input = h('input', { type: 'range', min, max, step: 1, value: 0, id, 'aria-label': label });
    const out = h('output', { for: id, class: 'out' }, `0${unit}`);
    input.addEventListener('input', () => { out.value = `${input.value}${unit}`; });
    input.addEventListener('change', applyNetwork);
    return { input, out, el: h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, label), h('div', { class: 'range-row' }, input, out)) };
  };
  const drop = mkRange('net-drop', 'Drop %', 0, 100, '%');
  const dup = mkRange('net-dup', 'Duplicate %', 0, 100, '%');
  const delay = mkRange('net-delay', 'Max delay (ticks)', 0, 20, '');
  function applyNetwork() {
    // The sliders are in percent for people; the core takes per mille.
    app.apply({ type: 'set_network', drop_per_mille: Number(drop.input.value) * 10, dup_per_mille: Number(dup.input.value) * 10, delay_ticks_max: Number(delay.input.value) }, 'changing the network');
  }
  const faultsHint = h('p', { class: 'hint faults-hint', hidden: true });
  const endFaults = h('button', { type: 'button', class: 'btn', 'aria-label': 'End faults: stop random faults, heal the partition, restart every node',
    title: 'Stop random faults, heal any partition and restart every crashed node' }, 'End faults');
  endFaults.addEventListener('click', () => app.apply({ type: 'end_faults' }, 'ending the faults'));
  const netBox = h('div', { class: 'stack' }, drop.el, dup.el, delay.el,
    h('p', { class: 'hint' }, 'These shape the scheduler\'s own choices (step, play, run until quiet); the messages you click are yours to deliver or drop.'),
    faultsHint, h('div', { class: 'btn-row' }, endFaults));

  // ---------------- partition
  const partRows = h('div', { class: 'part-grid' });
  const partApply = h('button', { type: 'button', class: 'btn primary' }, 'Apply partition');
  const partHeal = h('button', { type: 'button', class: 'btn', 'aria-label': 'Heal the partition' }, 'Heal');
  const partLeader = h('button', { type: 'button', class: 'btn', title: 'Put the current leader alone in group B' }, 'Isolate leader');
  const partStatus = h('p', { class: 'hint part-status' });
  const partBox = h('div', { class: 'stack' },
    h('p', { class: 'hint' }, 'Put nodes in groups: messages between groups are held until the partition heals.'),
    partRows, h('div', { class: 'btn-row' }, partApply, partHeal, partLeader), partStatus);
  let partSig = '';
  const GROUPS = ['A', 'B', 'C'];
  function partitionFromSelects() {
    const groups = GROUPS.map(() => /** @type {number[]} */ ([]));
    partRows.querySelectorAll('select').forEach((/** @type {HTMLSelectElement} */ sel) => groups[Number(sel.value)].push(Number(sel.dataset.node)));
    return groups.filter((g) => g.length);
  }
  partApply.addEventListener('click', () => {
    const groups = partitionFromSelects();
    if (groups.length < 2) return app.notify('info', 'Partition', 'All nodes are in one group: put at least one node in group B to split the network.');
    app.apply({ type: 'partition', groups }, 'partitioning the network');
    return undefined;
  });
  partHeal.addEventListener('click', () => app.apply({ type: 'heal' }, 'healing the partition'));
  partLeader.addEventListener('click', () => {
    const v = app.view;
    const leader = v.nodes.find((n) => n.is_leader);
    if (!leader) return app.notify('info', 'Partition', 'There is no leader to isolate right now.');
    const rest = v.nodes.filter((n) => n.id !== leader.id).map((n) => n.id);
    app.apply({ type: 'partition', groups: [rest, [leader.id]] }, 'isolating the leader');
    return undefined;
  });

  // ---------------- nodes
  const nodeList = h('div', { class: 'node-list' });
  let nodesKey = '';

  // ---------------- servers (rule 12: reconfiguration through the log)
  const servers = createServersSection(app);

  // ---------------- bugs
  const bugList = h('div', { class: 'bug-list' });
  const bugs = app.bugs || [];
  for (const b of bugs) {
    const id = `bug-${b.name}`;
    const cb = h('input', { type: 'checkbox', id, 'data-bug': b.name });
    cb.addEventListener('change', () => app.apply({ type: 'set_bug', bug: /** @type {Bug} */ (b.name), enabled: cb.checked }, `${cb.checked ? 'switching on' : 'switching off'} bug ${b.name}`));
    bugList.append(h('label', { class: 'bug', for: id }, cb, h('span', {}, h('strong', {}, b.name), h('span', { class: 'hint' }, b.description))));
  }
  if (!bugs.length) bugList.append(h('p', { class: 'hint' }, 'This build has no injectable bugs.'));

  root.append(
    section('Client command', true, clientForm),
    section('Servers: add, remove (reconfigure)', false, servers.element),
    section('Network', true, netBox),
    section('Nodes: crash, restart, timers', true, nodeList),
    section('Partition', true, partBox),
    section('Injected bugs', true, h('p', { class: 'hint' }, 'Classic Paxos mistakes, off by default. Switch one on and let the checker catch it.'), bugList),
    section('Cluster set-up', true, clusterForm));

  let cfgSig = '';
  let clientsKey = '';
  /** @param {StateView} view */
  function update(view) {
    const cfg = /** @type {Partial<SimConfig>} */ (view.config || {});
    // cluster form: refill when the run's configuration changes
    const sig = JSON.stringify([cfg.layout, cfg.clients, view.seed, cfg.phase1_quorum, cfg.phase2_quorum, cfg.read_mode, cfg.lease_ticks, cfg.clock_drift_per_mille]);
    if (sig !== cfgSig) {
      cfgSig = sig;
      const seedLayout = cfg.layout && cfg.layout.kind === 'seed';
      layoutSeed.checked = seedLayout; layoutServers.checked = !seedLayout;
      if (cfg.layout && cfg.layout.kind === 'servers') { size.value = String(cfg.layout.n); sizeOut.value = String(cfg.layout.n); }
      if (cfg.clients != null) clients.value = String(cfg.clients);
      seed.value = String(view.seed ?? 1);
      q1In.value = cfg.phase1_quorum == null ? '' : String(cfg.phase1_quorum);
      q2In.value = cfg.phase2_quorum == null ? '' : String(cfg.phase2_quorum);
      readModeSel.value = cfg.read_mode || 'log';
      leaseIn.value = String(cfg.lease_ticks ?? 20);
      driftIn.value = String(cfg.clock_drift_per_mille ?? 0);
      syncLayout();
      syncQuorumHint();
      // A new run: the client form proposes a command like the run's own.
      keyIn.value = runKey(cfg);
      valIn.value = NEW_VALUE;
      clientChosen = false;
      clientsKey = '';
    }
    // client select
    const ck = (view.clients || []).map((c) => `${c.id}:${c.target}:${c.pending ? 1 : 0}`).join(',');
    if (ck !== clientsKey) {
      clientsKey = ck;
      const cur = clientSel.value;
      clientSel.replaceChildren(...(view.clients || []).map((c) => h('option', { value: c.id },
        `C${c.id}${c.pending ? ' · busy' : ' · idle'}`)));
      const idle = (view.clients || []).find((c) => !c.pending);
      if (clientChosen && [...clientSel.options].some((o) => o.value === cur)) clientSel.value = cur;
      else if (idle) clientSel.value = String(idle.id);
      else if ([...clientSel.options].some((o) => o.value === cur)) clientSel.value = cur;
      submit.disabled = !(view.clients || []).length;
    }
    syncBusy(view);
    // network sliders mirror the config unless being dragged
    const net = /** @type {Partial<import('./pkg/paxoscope.js').NetworkConfig>} */ (cfg.network || {});
    const pct = (/** @type {number | null | undefined} */ perMille) => (perMille == null ? null : perMille / 10);
    for (const [r, v, unit] of /** @type {[typeof drop, number | null, string][]} */ ([[drop, pct(net.drop_per_mille), '%'], [dup, pct(net.dup_per_mille), '%'], [delay, net.delay_ticks_max, '']])) {
      if (v != null && document.activeElement !== r.input) { r.input.value = String(v); r.out.value = `${v}${unit}`; }
    }
    const faults = cfg.faults || {};
    const active = Object.entries(faults).filter(([, v]) => typeof v === 'number' && v > 0);
    faultsHint.hidden = !active.length;
    if (active.length) setText(faultsHint, `This run also injects random faults, per scheduler step: ${active.map(([k, v]) => `${k.replace(/_per_mille$/, '')} ${v / 10}%`).join(', ')}. End faults stops them, heals the network and restarts every node.`);
    // partition selects: rebuilt when nodes or the current partition change
    const parts = partitionGroups(view.nodes);
    const ps = view.nodes.map((n) => `${n.id}:${n.group}`).join(',');
    if (ps !== partSig) {
      partSig = ps;
      const gIndex = new Map();
      if (parts) parts.forEach(([g], i) => gIndex.set(g, Math.min(i, GROUPS.length - 1)));
      keepFocus(partRows, () => partRows.replaceChildren(...view.nodes.map((n) => {
        const sel = h('select', { 'aria-label': `Partition group for node ${n.id}`, 'data-node': n.id },
          ...GROUPS.map((g, i) => h('option', { value: i }, g)));
        sel.value = String(parts ? gIndex.get(n.group) ?? 0 : 0);
        return h('label', { class: 'part-cell' }, h('span', {}, `N${n.id}`), sel);
      })));
      setText(partStatus, parts ? `Partitioned: ${parts.map(([, ids]) => `{${ids.join(', ')}}`).join(' | ')}` : 'No partition: every node reaches every other.');
      partHeal.disabled = !parts;
    }
    // nodes: crash / restart / timers
    const nk = view.nodes.map((n) => `${n.id}:${n.crashed}:${n.is_leader}:${n.roles.join('+')}`).join(',');
    if (nk !== nodesKey) {
      nodesKey = nk;
      keepFocus(nodeList, () => nodeList.replaceChildren(...view.nodes.map((n) => {
        const prop = n.roles.includes('proposer');
        return h('div', { class: `node-row${n.crashed ? ' crashed' : ''}` },
          h('button', { type: 'button', class: 'node-name', 'aria-label': `Inspect node ${n.id}`, onclick: () => app.select({ kind: 'node', id: n.id }) },
            `N${n.id}`, h('span', { class: 'muted' }, ` ${n.roles.map((r) => r[0].toUpperCase()).join('')}${n.is_leader ? ' ★' : ''}`)),
          n.crashed
            ? h('button', { type: 'button', class: 'btn small primary', 'aria-label': `Restart node ${n.id}`, onclick: () => app.apply({ type: 'restart', node: n.id }, `restarting node ${n.id}`) }, 'Restart')
            : h('button', { type: 'button', class: 'btn small danger', 'aria-label': `Crash node ${n.id}`, onclick: () => app.apply({ type: 'crash', node: n.id }, `crashing node ${n.id}`) }, 'Crash'),
          h('button', { type: 'button', class: 'btn small', disabled: !prop || n.crashed, 'aria-label': `Fire node ${n.id}'s election timer`, title: 'Fire the election timer', onclick: () => app.apply({ type: 'fire_timer', node: n.id, timer: 'election' }, `firing node ${n.id}'s election timer`) }, icon('timer', 14)),
          h('button', { type: 'button', class: 'btn small', disabled: !prop || n.crashed, 'aria-label': `Fire node ${n.id}'s heartbeat timer`, title: 'Fire the heartbeat timer', onclick: () => app.apply({ type: 'fire_timer', node: n.id, timer: 'heartbeat' }, `firing node ${n.id}'s heartbeat timer`) }, icon('heart', 14)));
      })));
    }
    servers.update(view);
    servers.reveal(view);
    // bugs
    /** @type {Set<string>} */
    const on = new Set(cfg.bugs || []);
    /** @type {NodeListOf<HTMLInputElement>} */ (bugList.querySelectorAll('input[data-bug]')).forEach((cb) => {
      cb.checked = on.has(cb.dataset.bug);
      cb.closest('.bug').classList.toggle('on', cb.checked);
    });
  }

  return { update, reset: servers.reset };
}
