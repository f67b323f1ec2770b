// @ts-check
// The Search panel's Web Worker (www/search.js starts it): loads the same wasm module as
// the page and runs the explorer, the swarm search or the shrinker off the main thread, so
// the page stays responsive. One job at a time; the explorer advances in slices of about
// 40 ms and reads the page's messages between them, so Stop answers at once.
//
// page -> worker: {type: 'explore', scenario, step, bounds} | {type: 'bug', bug}
//                 | {type: 'swarm', bug, seed} | {type: 'shrink', scenario} | {type: 'stop'}
// worker -> page: {type: 'ready', version} | {type: 'progress', ...figures}
//                 | {type: 'done', ...figures, stopped, found?, seedFound?, shrunk?}
//                 | {type: 'error', message}

/** @typedef {import('./pkg/paxoscope.js').Search} Search */
/** @typedef {import('./pkg/paxoscope.js').SearchStatus} SearchStatus */
/** @typedef {import('./pkg/paxoscope.js').Bug} Bug */
/** @typedef {import('./search.js').ToWorker} ToWorker */
/** @typedef {import('./search.js').FromWorker} FromWorker */

/** The worker's own scope (the page's type check knows only the window's globals). */
const scope = /** @type {{ postMessage(message: object): void, addEventListener(type: 'message', fn: (e: MessageEvent) => void): void }} */ (/** @type {unknown} */ (self));

const SLICE_MS = 40;
const REPORT_MS = 150;

/** @type {typeof import('./pkg/paxoscope.js') | null} */
let api = null;
let stopRequested = false;
let busy = false;

/** @param {FromWorker} message */
const post = (message) => scope.postMessage(message);

/** Lets the page's messages (Stop) in: the same task source, so they run first. */
function yieldToMessages() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); resolve(undefined); };
    channel.port2.postMessage(0);
  });
}

/**
 * Runs `step(budget)` in slices of about SLICE_MS until it reports the end or Stop comes,
 * posting `figures()` about every REPORT_MS.
 * @param {(budget: number) => boolean} step
 * @param {() => SearchStatus | import('./search.js').SwarmStatus} figures
 * @returns {Promise<import('./search.js').SearchEnd>}
 */
async function slices(step, figures) {
  const t0 = performance.now();
  let budget = 16;
  let reported = t0;
  for (;;) {
    const s = performance.now();
    const done = step(budget);
    const now = performance.now();
    const dt = now - s;
    if (dt < SLICE_MS / 2) budget = Math.min(budget * 2, 1 << 20);
    else if (dt > SLICE_MS * 2) budget = Math.max(1, Math.floor(budget / 2));
    if (done) return { stopped: false, elapsed_ms: now - t0 };
    if (now - reported >= REPORT_MS) {
      reported = now;
      post({ type: 'progress', ...figures(), elapsed_ms: now - t0 });
    }
    await yieldToMessages();
    if (stopRequested) return { stopped: true, elapsed_ms: performance.now() - t0 };
  }
}

/** @param {Search} search */
async function explore(search) {
  try {
    const end = await slices((budget) => search.run(budget), () => search.status());
    const status = search.status();
    post({ type: 'done', kind: 'explore', ...status, ...end, found: status.finish === 'violation' ? search.found() : null });
  } finally {
    search.free();
  }
}

/**
 * @param {Bug | null} bug
 * @param {number} first
 */
async function swarm(bug, first) {
  let seed = first;
  let steps = 0;
  let seedFound = null;
  const end = await slices((budget) => {
    // A seed takes a few milliseconds: `budget` seeds make a slice.
    for (let i = 0; i < Math.max(1, Math.floor(budget / 16)); i++) {
      const r = api.swarmSeed(seed, bug);
      seed += 1;
      steps += r.steps;
      if (r.violation) { seedFound = r; return true; }
      if (seed > 4294967295) return true;
    }
    return false;
  }, () => ({ seeds: seed - first, steps, seed }));
  post({ type: 'done', kind: 'swarm', seeds: seed - first, steps, seed, ...end, seedFound });
}

/** @param {string} scenario */
function shrink(scenario) {
  const t0 = performance.now();
  const shrunk = api.shrink(scenario);
  post({ type: 'done', kind: 'shrink', stopped: false, elapsed_ms: performance.now() - t0, shrunk });
}

scope.addEventListener('message', async (e) => {
  const m = /** @type {ToWorker} */ (e.data || {});
  if (m.type === 'stop') { stopRequested = true; return; }
  if (busy) { post({ type: 'error', message: 'a search is already running: stop it first' }); return; }
  busy = true;
  stopRequested = false;
  try {
    if (m.type === 'explore') await explore(api.Search.fromStep(m.scenario, m.step, m.bounds));
    else if (m.type === 'bug') await explore(api.Search.forBug(m.bug));
    else if (m.type === 'swarm') await swarm(m.bug || null, m.seed);
    else if (m.type === 'shrink') shrink(m.scenario);
    else post({ type: 'error', message: `the search worker does not know "${/** @type {{ type: string }} */ (m).type}"` });
  } catch (err) {
    post({ type: 'error', message: (err && err.message) || String(err) });
  } finally {
    busy = false;
  }
});

/** Loads the wasm module, then tells the page the worker is ready. */
async function load() {
  try {
    const mod = await import('./pkg/paxoscope.js');
    await mod.default();
    api = mod;
    post({ type: 'ready', version: mod.version() });
  } catch (err) {
    post({ type: 'error', fatal: true, message: `the Paxos core could not be loaded in the worker: ${(err && err.message) || err}` });
  }
}

load();
