// @ts-check
// The Search panel (issue 10): lets the computer hunt for a violation instead of clicking.
// "Every interleaving" runs the exhaustive explorer (breadth-first, so the first violation
// is a shortest one) from the page's current step; "Random runs" runs the swarm search
// (paxoscope fuzz's seeds); "Find it yourself" searches for the run's injected bug from a
// fresh small cluster; "Shrink" cuts a violating run down. All of it runs in a Web Worker
// (search-worker.js) on the same wasm module, so the page stays responsive; a violation
// opens in the timeline as a fork of the run, at the violating step.

import { h, setText } from './dom.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').Bounds} Bounds */
/** @typedef {import('./pkg/paxoscope.js').Bug} Bug */
/** @typedef {import('./pkg/paxoscope.js').Found} Found */
/** @typedef {import('./pkg/paxoscope.js').Shrunk} Shrunk */
/** @typedef {import('./pkg/paxoscope.js').SwarmSeed} SwarmSeed */
/** @typedef {import('./pkg/paxoscope.js').SearchFinish} SearchFinish */
/** @typedef {import('./pkg/paxoscope.js').SearchStatus} SearchStatus */
/** @typedef {import('./main.js').PageApp} PageApp */

// The messages between the page and the search worker (search-worker.js).
/**
 * What the page asks the worker for.
 * @typedef {{ type: 'explore', scenario: string, step: number, bounds: Bounds }
 *   | { type: 'bug', bug: Bug }
 *   | { type: 'swarm', bug: Bug | null, seed: number }
 *   | { type: 'shrink', scenario: string }
 *   | { type: 'stop' }} ToWorker
 */
/**
 * The figures of a random (swarm) search so far: runs tried, steps run, the next seed.
 * @typedef {{ seeds: number, steps: number, seed: number }} SwarmStatus
 */
/**
 * How long a search ran, and whether Stop ended it.
 * @typedef {{ stopped: boolean, elapsed_ms: number }} SearchEnd
 */
/**
 * What the worker tells the page.
 * @typedef {{ type: 'ready', version: string }
 *   | { type: 'error', message: string, fatal?: boolean }
 *   | ({ type: 'progress', elapsed_ms: number } & (SearchStatus | SwarmStatus))
 *   | ({ type: 'done', kind: 'explore', found: Found | null } & SearchStatus & SearchEnd)
 *   | ({ type: 'done', kind: 'swarm', seedFound: SwarmSeed | null } & SwarmStatus & SearchEnd)
 *   | ({ type: 'done', kind: 'shrink', shrunk: Shrunk } & SearchEnd)} FromWorker
 */
/**
 * The figures the counters show: an explorer's or a swarm's, with the time so far.
 * @typedef {Partial<SearchStatus & SwarmStatus> & { elapsed_ms?: number, kind?: string }} Figures
 */
/**
 * The search under way: what it is, its bounds, the bug it hunts, the step it forks from,
 * and (for a shrink) what is shrunk, in words.
 * @typedef {{ kind: 'explore' | 'bug' | 'swarm' | 'shrink', bounds?: Bounds | null, bug?: Bug | null, fork?: number, what?: string }} Job
 */

/** The most distinct states a tab may keep (src/explore/page.rs, MAX_STATES_PAGE). */
export const MAX_STATES_PAGE = 5_000_000;
/** The deepest search the explorer takes (src/explore/mod.rs, Bounds::validate). */
const MAX_DEPTH = 10_000;
const MAX_FAULTS = 100;
/** Stop answers between slices; a shrink (one call) is cut short by ending the worker. */
const STOP_GRACE_MS = 1500;

/** @param {number | null | undefined} n */
const fmt = (n) => (n == null ? '—' : Math.round(n).toLocaleString('en-US'));
/** @param {string} name */
const pretty = (name) => String(name).replace(/[-_]/g, ' ');
/** @param {number} ms */
const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`);

/**
 * Reads the bound inputs; returns the bounds, or the first problem in words.
 * @param {Record<string, HTMLInputElement>} inputs
 * @returns {{ bounds: Bounds, error?: undefined } | { error: string, field: HTMLInputElement, bounds?: undefined }}
 */
export function readBounds(inputs) {
  /** @type {Array<[keyof Bounds, string, number, number, string]>} */
  const spec = [
    ['max_depth', 'Depth', 1, MAX_DEPTH, 'moves from this step'],
    ['max_states', 'States kept', 1, MAX_STATES_PAGE, 'the memory cap of a tab'],
    ['drops', 'Drops', 0, MAX_FAULTS, 'lost messages per run'],
    ['dups', 'Duplicates', 0, MAX_FAULTS, 'duplicated messages per run'],
    ['crashes', 'Crashes', 0, MAX_FAULTS, 'node crashes per run'],
    ['ticks', 'Ticks', 0, MAX_FAULTS, 'ticks of time per run, so waiting clients retry'],
    ['reconfigs', 'Reconfigurations', 0, MAX_FAULTS, 'changes of the cluster the operator asks for per run'],
    ['partitions', 'Partitions', 0, MAX_FAULTS, 'nodes cut off per run, each until a heal'],
    ['timers', 'Timers', 0, MAX_FAULTS, 'node timers fired per run; empty for any number'],
  ];
  /** @type {Record<string, number>} */
  const out = {};
  for (const [key, label, min, max, what] of spec) {
    const raw = inputs[key].value.trim().replace(/[,_\s]/g, '');
    if (key === 'timers' && raw === '') continue; // any number of firings: the field is left out

    const n = Number(raw);
    if (raw === '' || !Number.isInteger(n) || n < min || n > max) {
      const why = key === 'max_states' && n > max
        ? ` A browser tab keeps at most ${fmt(max)} states (about 250 MB); the command-line explorer (paxoscope explore) goes further.`
        : '';
      return { error: `${label} must be a whole number from ${fmt(min)} to ${fmt(max)} (${what}); got "${inputs[key].value}".${why}`, field: inputs[key] };
    }
    out[key] = n;
  }
  return { bounds: /** @type {Bounds} */ (out) };
}

/**
 * @param {PageApp} app
 * @param {HTMLElement} root the panel's element
 */
export function createSearch(app, root) {
  // ------------------------------------------------------------------ the form
  /** @type {(id: string, value: string | number, label: string) => HTMLInputElement} */
  const num = (id, value, label) => h('input', { type: 'text', inputmode: 'numeric', id, value: String(value), 'aria-label': label, autocomplete: 'off', spellcheck: 'false' });
  const inputs = {
    max_depth: num('search-depth', 12, 'Depth: moves from this step'),
    max_states: num('search-states', '1,000,000', 'States kept at most'),
    drops: num('search-drops', 1, 'Drops per run'),
    dups: num('search-dups', 1, 'Duplicates per run'),
    crashes: num('search-crashes', 1, 'Crashes per run'),
    ticks: num('search-ticks', 0, 'Ticks per run: time passes, waiting clients retry'),
    reconfigs: num('search-reconfigs', 0, 'Reconfigurations per run: add the lowest free node, add two, or remove one'),
    partitions: num('search-partitions', 0, 'Partitions per run: one node cut off until a heal'),
    timers: num('search-timers', '', 'Timer firings per run (empty: any number)'),
  };
  const seedIn = num('search-seed', 1, 'First seed');
  /** @type {(label: string, input: HTMLInputElement, hint?: string) => HTMLElement} */
  const cell = (label, input, hint) => h('label', { class: 'search-field', for: input.id }, h('span', { class: 'field-label' }, label), input, hint ? h('span', { class: 'hint' }, hint) : null);

  const modeExplore = h('button', { type: 'button', role: 'tab', class: 'seg-btn', 'aria-selected': 'true', id: 'search-mode-explore' }, 'Every interleaving');
  const modeSwarm = h('button', { type: 'button', role: 'tab', class: 'seg-btn', 'aria-selected': 'false', id: 'search-mode-swarm' }, 'Random runs');
  const modeText = h('p', { class: 'hint search-mode-text' });
  const exploreBox = h('div', { class: 'search-bounds' },
    cell('Depth', inputs.max_depth, 'moves'), cell('States kept', inputs.max_states, 'memory cap'),
    cell('Drops', inputs.drops), cell('Duplicates', inputs.dups), cell('Crashes', inputs.crashes), cell('Ticks', inputs.ticks),
    cell('Reconfigs', inputs.reconfigs), cell('Partitions', inputs.partitions), cell('Timers', inputs.timers, 'empty: any'));
  const swarmBox = h('div', { class: 'search-bounds swarm', hidden: true }, cell('First seed', seedIn, 'then the seeds after it, one run each'));
  const error = h('p', { class: 'search-error', role: 'alert', hidden: true });
  const start = h('button', { type: 'submit', class: 'btn primary', id: 'search-start' }, 'Start search');
  const stop = h('button', { type: 'button', class: 'btn danger', id: 'search-stop', disabled: true }, 'Stop');
  const form = h('form', { class: 'search-form', novalidate: true, 'aria-label': 'Search bounds' },
    h('div', { class: 'seg', role: 'tablist', 'aria-label': 'Kind of search' }, modeExplore, modeSwarm),
    modeText, exploreBox, swarmBox, error, h('div', { class: 'btn-row' }, start, stop));

  // ------------------------------------------------------------------ find it yourself
  const bugBtn = h('button', { type: 'button', class: 'btn primary', id: 'search-find-bug' }, 'Find it yourself');
  const bugText = h('p', { class: 'search-bug-text' });
  const bugBox = h('div', { class: 'search-bug', hidden: true }, bugText, bugBtn);

  // ------------------------------------------------------------------ shrink this run
  const shrinkBtn = h('button', { type: 'button', class: 'btn', id: 'search-shrink' }, 'Shrink this run');
  const shrinkText = h('p', { class: 'hint' });
  const shrinkBox = h('div', { class: 'search-shrink', hidden: true }, shrinkText, shrinkBtn);

  // ------------------------------------------------------------------ live figures
  /** @type {(name: string, label: string) => { v: HTMLElement, el: HTMLElement }} */
  const figure = (name, label) => {
    const v = h('span', { class: 'kpi-v', 'data-figure': name }, '—');
    return { v, el: h('div', { class: 'kpi' }, v, h('span', { class: 'kpi-l' }, label)) };
  };
  const F = {
    rate: figure('rate', 'states / s'), distinct: figure('distinct', 'distinct states'), depth: figure('depth', 'depth'),
    frontier: figure('frontier', 'frontier'), states: figure('states', 'transitions'), time: figure('time', 'time'),
  };
  const meterBar = h('div', { class: 'search-meter-bar' });
  const meter = h('div', { class: 'search-meter', role: 'progressbar', 'aria-label': 'States kept, of the cap', 'aria-valuemin': '0', 'aria-valuemax': '100' }, meterBar);
  const figures = h('div', { class: 'search-figures', hidden: true }, h('div', { class: 'kpis' }, ...Object.values(F).map((f) => f.el)), meter);
  const result = h('div', { class: 'search-result', 'aria-live': 'polite', hidden: true });
  const badge = h('span', { class: 'search-badge idle', id: 'search-state' }, 'idle');

  root.append(
    h('div', { class: 'panel-head search-head' }, h('h2', { id: 'search-title' }, 'Search'), badge),
    h('p', { class: 'hint search-intro' }, 'Let the computer hunt for a safety bug: it tries the moves you could click, every order of them, and checks every invariant after each.'),
    bugBox, form, figures, result, shrinkBox);

  // ------------------------------------------------------------------ state
  let mode = 'explore';
  /** @type {Worker | null} */
  let worker = null;
  /** @type {Promise<Worker> | null} */
  let ready = null;
  /** @type {Job | null} */
  let job = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let stopTimer = null;
  let runBug = /** @type {Bug | null} */ (null);

  /** @param {'explore' | 'swarm'} m */
  function setMode(m) {
    mode = m;
    modeExplore.setAttribute('aria-selected', String(m === 'explore'));
    modeSwarm.setAttribute('aria-selected', String(m === 'swarm'));
    exploreBox.hidden = m !== 'explore';
    swarmBox.hidden = m !== 'swarm';
    hideError();
    describeMode();
  }
  modeExplore.addEventListener('click', () => setMode('explore'));
  modeSwarm.addEventListener('click', () => setMode('swarm'));

  function describeMode(view = app.view) {
    if (mode === 'explore') {
      setText(modeText, `Breadth-first from step ${view ? view.step : 0} of this run: every delivery, drop, duplicate, timer, crash and tick (a tick lets waiting clients retry), in every order. The first violation found is a shortest one.`);
    } else {
      setText(modeText, `Many random runs, each with its own cluster, clients and faults (as paxoscope fuzz does)${runBug ? `, with the bug ${runBug} switched on` : ' on the correct protocol'}. Fast at finding, not shortest: shrink what it finds.`);
    }
  }

  /**
   * @param {string} text
   * @param {HTMLInputElement} [field] the input to fix, focused
   */
  function showError(text, field) {
    error.hidden = false;
    setText(error, text);
    if (field) { field.setAttribute('aria-invalid', 'true'); field.focus(); }
  }
  function hideError() {
    error.hidden = true;
    for (const i of [...Object.values(inputs), seedIn]) i.removeAttribute('aria-invalid');
  }

  /**
   * @param {'idle' | 'running' | 'good' | 'bad' | 'error'} kind
   * @param {string} text
   */
  function setBadge(kind, text) {
    badge.className = `search-badge ${kind}`;
    setText(badge, text);
  }

  /** @param {boolean} busy */
  function setBusy(busy) {
    start.disabled = busy;
    bugBtn.disabled = busy;
    shrinkBtn.disabled = busy;
    stop.disabled = !busy;
    root.classList.toggle('busy', busy);
  }

  // ------------------------------------------------------------------ the worker
  /** @returns {Promise<Worker>} */
  function getWorker() {
    if (ready) return ready;
    ready = new Promise((resolve, reject) => {
      let w;
      try {
        w = new Worker(new URL('./search-worker.js', import.meta.url), { type: 'module' });
      } catch (e) {
        reject(new Error((e && e.message) || String(e)));
        return;
      }
      /** @param {string} msg */
      const fail = (msg) => { try { w.terminate(); } catch { /* gone */ } reject(new Error(msg)); };
      w.addEventListener('error', (e) => {
        e.preventDefault();
        const msg = `the search worker could not be loaded${e.message ? ` (${e.message})` : ''}`;
        if (worker === w) lost(msg); else fail(msg);
      });
      w.addEventListener('message', (e) => {
        const m = /** @type {FromWorker} */ (e.data || {});
        if (worker !== w) {
          if (m.type === 'ready') { worker = w; resolve(w); } else if (m.type === 'error') fail(m.message);
          return;
        }
        onMessage(m);
      });
    });
    ready.catch(() => { ready = null; worker = null; });
    return ready;
  }

  /**
   * The worker died or was ended: the next search starts a new one.
   * @param {string | null} msg why, for the page; none when Stop ended it
   */
  function lost(msg) {
    const w = worker;
    worker = null;
    ready = null;
    try { if (w) w.terminate(); } catch { /* gone */ }
    if (job) finishJob();
    if (msg) {
      showError(`Searching stopped: ${msg}. The rest of the page works as before; Start tries again.`);
      setBadge('error', 'failed');
    }
  }

  /**
   * @param {ToWorker} message
   * @param {Job} j
   */
  async function send(message, j) {
    hideError();
    job = j;
    setBusy(true);
    setBadge('running', j.kind === 'shrink' ? 'shrinking…' : 'starting…');
    result.hidden = true;
    let w;
    try {
      w = await getWorker();
    } catch (e) {
      job = null;
      setBusy(false);
      setBadge('error', 'unavailable');
      showError(`Search is unavailable: ${e.message}. Everything else on the page works as before.`);
      return;
    }
    if (job !== j) return;
    setBadge('running', j.kind === 'shrink' ? 'shrinking…' : 'searching…');
    figures.hidden = j.kind === 'shrink';
    showFigures({ states: 0, distinct: 0, depth: 0, frontier: 0, seeds: 0, steps: 0, elapsed_ms: 0 });
    w.postMessage(message);
  }

  function finishJob() {
    clearTimeout(stopTimer);
    stopTimer = null;
    job = null;
    setBusy(false);
  }

  /** @param {FromWorker} m */
  function onMessage(m) {
    if (m.type === 'progress') { showFigures(m); return; }
    if (m.type === 'error') {
      const j = job;
      finishJob();
      setBadge('error', 'refused');
      showError(j && j.kind === 'shrink' ? `Could not shrink: ${m.message}.` : `The search could not start: ${m.message}.`);
      return;
    }
    if (m.type !== 'done' || !job) return;
    const j = job;
    finishJob();
    if (m.kind !== 'shrink') showFigures(m);
    if (m.kind === 'explore') exploreDone(j, m);
    else if (m.kind === 'swarm') swarmDone(j, m);
    else shrinkDone(j, m);
  }

  // ------------------------------------------------------------------ figures
  /** @param {Figures} m */
  function showFigures(m) {
    const secs = Math.max(m.elapsed_ms || 0, 1) / 1000;
    if (job && job.kind === 'swarm' || m.kind === 'swarm') {
      setLabels(['runs / s', 'runs (seeds)', 'next seed', 'steps / run', 'steps run', 'time']);
      F.rate.v.textContent = m.seeds ? fmt(m.seeds / secs) : '—';
      F.distinct.v.textContent = fmt(m.seeds || 0);
      F.depth.v.textContent = m.seed != null ? String(m.seed) : '—';
      F.frontier.v.textContent = m.seeds ? fmt(m.steps / m.seeds) : '—';
      F.states.v.textContent = fmt(m.steps || 0);
      F.time.v.textContent = seconds(m.elapsed_ms || 0);
      meter.hidden = true;
      return;
    }
    setLabels(['states / s', 'distinct states', 'depth', 'frontier', 'transitions', 'time']);
    F.rate.v.textContent = m.distinct && m.elapsed_ms > 0 ? fmt(m.distinct / secs) : '—';
    F.distinct.v.textContent = fmt(m.distinct);
    const max = job && job.bounds ? job.bounds.max_depth : null;
    F.depth.v.textContent = max ? `${m.depth}/${max}` : String(m.depth ?? 0);
    F.frontier.v.textContent = fmt(m.frontier);
    F.states.v.textContent = fmt(m.states);
    F.time.v.textContent = seconds(m.elapsed_ms || 0);
    const cap = job && job.bounds ? job.bounds.max_states : null;
    meter.hidden = !cap;
    if (cap) {
      const pct = Math.min(100, (100 * (m.distinct || 0)) / cap);
      meterBar.style.width = `${pct}%`;
      meter.setAttribute('aria-valuenow', String(Math.round(pct)));
      meter.title = `${fmt(m.distinct)} of at most ${fmt(cap)} states kept`;
    }
  }
  let labelKey = '';
  /** @param {string[]} labels */
  function setLabels(labels) {
    const k = labels.join('|');
    if (k === labelKey) return;
    labelKey = k;
    Object.values(F).forEach((f, i) => { f.el.querySelector('.kpi-l').textContent = labels[i]; });
  }

  // ------------------------------------------------------------------ results
  /**
   * @param {'good' | 'bad' | 'neutral'} kind
   * @param {string} title
   * @param {string} text
   * @param {...HTMLElement} actions buttons under the text
   */
  function say(kind, title, text, ...actions) {
    result.hidden = false;
    result.className = `search-result ${kind}`;
    result.replaceChildren(h('strong', {}, title), text ? h('p', {}, text) : null,
      actions.length ? h('div', { class: 'btn-row' }, ...actions) : null);
  }
  /** @type {(label: string, fn: () => void, primary?: boolean) => HTMLButtonElement} */
  const button = (label, fn, primary = false) => {
    const b = h('button', { type: 'button', class: `btn small${primary ? ' primary' : ''}` }, label);
    b.addEventListener('click', fn);
    return b;
  };

  /**
   * @param {Job} j
   * @param {Extract<FromWorker, { kind: 'explore' }>} m
   */
  function exploreDone(j, m) {
    const figuresText = `${fmt(m.distinct)} distinct states (${fmt(m.states)} transitions) in ${seconds(m.elapsed_ms)}`;
    if (m.found) return openFound(j, m.found, figuresText);
    if (m.stopped) {
      setBadge('idle', 'stopped');
      return say('neutral', 'Stopped.', `Nothing violated an invariant in the ${figuresText} searched so far, down to depth ${m.depth}.`);
    }
    if (m.finish === 'state_cap') {
      setBadge('idle', 'cap reached');
      return say('neutral', `Stopped at the memory cap: ${fmt(m.distinct)} states kept.`,
        `Nothing violated an invariant so far (${figuresText}, depth ${m.depth}), but the search is partial. Raise “States kept” (up to ${fmt(MAX_STATES_PAGE)}), or allow fewer moves or faults.`);
    }
    setBadge('good', 'nothing found');
    return say('good', 'Every interleaving holds.', `All ${figuresText} within ${j.bounds ? j.bounds.max_depth : m.depth} moves${j.kind === 'bug' ? '' : ` of step ${j.fork}`} keep every invariant.`);
  }

  /**
   * @param {Job} j
   * @param {Found} found
   * @param {string} figuresText
   */
  function openFound(j, found, figuresText) {
    setBadge('bad', 'violation found');
    const end = found.fork_step + found.length;
    const json = JSON.stringify(found.scenario);
    const ok = app.loadScenario(json, end, { source: 'the counterexample' });
    const where = j.kind === 'bug' ? `from a fresh 3-server cluster with the bug ${j.bug}` : `from step ${found.fork_step} of your run`;
    say('bad', `${pretty(found.invariant)} violated after ${found.length} move${found.length === 1 ? '' : 's'} — the shortest run ${where}.`,
      `${found.message} (${figuresText}.) ${ok ? `It is in the timeline now: steps ${found.fork_step + 1}–${end} are the search's moves; step back through them and read the narration.` : ''}`,
      button(`Replay from step ${found.fork_step}`, () => { app.loadScenario(json, found.fork_step, { source: 'the counterexample' }); }, true),
      button(`Go to the violation (step ${end})`, () => { app.loadScenario(json, end, { source: 'the counterexample' }); }),
      h('span', { class: 'hint search-shortest' }, 'Already shortest: breadth-first search finds the fewest moves, so there is nothing to shrink.'));
    if (ok) app.notify('info', `Counterexample loaded: ${pretty(found.invariant)} at step ${end}.`, j.kind === 'bug' ? 'Browser Back returns to the previous run.' : `It forks your run at step ${found.fork_step}; Browser Back returns to the run as it was.`);
  }

  /**
   * @param {Job} j
   * @param {Extract<FromWorker, { kind: 'swarm' }>} m
   */
  function swarmDone(j, m) {
    const text = `${fmt(m.seeds)} random run${m.seeds === 1 ? '' : 's'} (${fmt(m.steps)} steps) in ${seconds(m.elapsed_ms)}`;
    if (m.seedFound) {
      /** @type {SwarmSeed} */
      const s = m.seedFound;
      setBadge('bad', 'violation found');
      const json = JSON.stringify(s.scenario);
      return say('bad', `Seed ${s.seed} breaks ${pretty(s.violation.invariant)} at step ${s.violation.step}.`,
        `${s.violation.message} (after ${text}.) Random runs are long: shrink it to see the few moves that matter.`,
        button('Shrink and open', () => runShrink(json, `seed ${s.seed}`), true),
        button('Open as it is', () => { app.loadScenario(json, s.violation.step, { source: `seed ${s.seed}` }); }));
    }
    setBadge(m.stopped ? 'idle' : 'good', m.stopped ? 'stopped' : 'nothing found');
    return say('neutral', m.stopped ? 'Stopped.' : 'No violation.', `Every invariant held in ${text}. Next time start from seed ${m.seed} to try new runs.`);
  }

  /**
   * @param {Job} j
   * @param {Extract<FromWorker, { kind: 'shrink' }>} m
   */
  function shrinkDone(j, m) {
    /** @type {Shrunk} */
    const s = m.shrunk;
    setBadge('bad', 'shrunk');
    const json = JSON.stringify(s.scenario);
    const ok = app.loadScenario(json, s.after, { source: 'the shrunk run' });
    say('bad', `Shrunk ${j.what} from ${fmt(s.before)} to ${s.after} steps: it still violates ${pretty(s.invariant)}.`,
      `In ${seconds(m.elapsed_ms)}. ${ok ? `The short run is in the timeline at its violation (step ${s.after}); step back to see how it happens.` : ''}`,
      button('Replay from the start', () => { app.loadScenario(json, 0, { source: 'the shrunk run' }); }, true));
    if (ok) app.notify('info', `Shrunk to ${s.after} steps.`, 'Browser Back returns to the run before shrinking.');
  }

  // ------------------------------------------------------------------ actions
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (job || !app.pg || !app.view) return;
    if (mode === 'swarm') {
      const seed = Number(seedIn.value.trim());
      if (seedIn.value.trim() === '' || !Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
        showError(`First seed must be a whole number from 0 to 4,294,967,295; got "${seedIn.value}".`, seedIn);
        return;
      }
      send({ type: 'swarm', bug: runBug, seed }, { kind: 'swarm', bug: runBug });
      return;
    }
    const r = readBounds(inputs);
    if ('field' in r) { showError(r.error, r.field); setBadge('error', 'check the bounds'); return; }
    let scenario;
    try { scenario = app.pg.scenario(); } catch (err) { app.fail('reading the run', err); return; }
    send({ type: 'explore', scenario, step: app.view.step, bounds: r.bounds }, { kind: 'explore', bounds: r.bounds, fork: app.view.step });
  });
  for (const i of [...Object.values(inputs), seedIn]) i.addEventListener('input', () => { if (!error.hidden) hideError(); });

  bugBtn.addEventListener('click', () => {
    if (job || !runBug) return;
    let bounds = null;
    try { bounds = app.api.boundsForBug(runBug); } catch { bounds = null; }
    send({ type: 'bug', bug: runBug }, { kind: 'bug', bug: runBug, bounds });
  });

  /**
   * @param {string} json the run to shrink (a scenario)
   * @param {string} what the run, in words ("this run", "seed 12")
   */
  function runShrink(json, what) {
    if (job) return;
    send({ type: 'shrink', scenario: json }, { kind: 'shrink', what });
  }
  shrinkBtn.addEventListener('click', () => {
    let json;
    try { json = app.pg.scenario(); } catch (err) { app.fail('reading the run', err); return; }
    runShrink(json, 'this run');
  });

  stop.addEventListener('click', () => {
    if (!job) return;
    if (!worker) { finishJob(); setBadge('idle', 'stopped'); return; }
    worker.postMessage({ type: 'stop' });
    setBadge('running', 'stopping…');
    clearTimeout(stopTimer);
    // A slice answers Stop within a few dozen milliseconds; a shrink is one call that
    // cannot, so its worker is ended at once (the next search starts a new one).
    stopTimer = setTimeout(() => {
      if (!job) return;
      const j = job;
      lost(null);
      setBadge('idle', 'stopped');
      say('neutral', 'Stopped.', j.kind === 'shrink' ? 'The shrinking was cut short; the run is unchanged.' : 'The search was cut short; the figures above are the last ones it sent.');
    }, job.kind === 'shrink' ? 0 : STOP_GRACE_MS);
  });

  // ------------------------------------------------------------------ per view
  let key = '';
  /** @param {StateView} view */
  function update(view) {
    const bugs = (view.config && view.config.bugs) || [];
    const v = (view.violations || [])[0];
    const k = `${view.step}|${bugs.join(',')}|${v ? `${v.invariant}@${v.step}` : ''}`;
    if (k === key) return;
    key = k;
    runBug = bugs.length ? bugs[0] : null;
    bugBox.hidden = !runBug;
    if (runBug) {
      bugText.replaceChildren(h('strong', {}, 'This run has a bug switched on: '), h('code', {}, runBug), '. ',
        'Instead of replaying a recorded run, let the search find the shortest run that breaks the protocol, from a fresh 3-server cluster (for the stale read and the reconfiguration, from a few steps into such a run, where a leader already serves reads or a new configuration is chosen).');
    }
    shrinkBox.hidden = !v;
    if (v) setText(shrinkText, `This run violates ${pretty(v.invariant)} at step ${v.step}. Shrinking removes every step it does not need.`);
    describeMode(view);
  }

  setMode('explore');
  return { update, readBounds: () => readBounds(inputs) };
}
