// Browser half of `make bench` (see scripts/bench.sh and docs/benchmarks.md): headless
// Chromium (the system /usr/bin/chromium through playwright-core from tests/e2e), the page
// in www/ served by scripts/serve.py. Prints `BENCH {json}` lines like the native benches.
//
//   node scripts/bench-browser.mjs [--workloads target/bench/workloads.json] [--quick]
//
// Sections:
//   wasm  the native simulation workloads run in wasm (BenchWorld, src/bench_api.rs), same
//         configuration, seed, warm-up and steps; trace digests must equal the native ones.
//   search the explorer in the Search panel's Web Worker (www/search-worker.js) on the
//         search the native bench ran (explore-search.json): states/s and the ratio.
//   page  time to interactive; frame time while running with 9 nodes, 300 messages in flight
//         and a 10,000-slot log (cluster tab, and diagram tab with the checker on); the interval between animation frames while playing at 30
//         steps/s (600+ in flight, each stage tab, and the seed demo); the per-frame wasm
//         calls (view, logWindow); seek in a 100,000-step history; the message sequence
//         diagram over a 100,000-step history, scrolled and jumped around.
import { createRequire } from 'node:module';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './local-server.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(path.join(ROOT, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const QUICK = args.includes('--quick') || !!Number(process.env.BENCH_QUICK || 0);
const WORKLOADS = opt('--workloads', path.join(ROOT, 'target/bench/workloads.json'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function report(section, name, value, unit, extra = {}) {
  console.log(`BENCH ${JSON.stringify({ section, name, value, unit, ...extra })}`);
  const v = typeof value === 'number' ? value.toFixed(2) : String(value);
  console.error(`  ${section.padEnd(6)} ${name.padEnd(58)} ${v.padStart(14)} ${unit}`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};


// A blank page at the server's origin, so ./pkg/paxoscope.js loads without booting the app.
async function blankPage(context, url) {
  const page = await context.newPage();
  await page.route(`${url}__bench.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
  await page.goto(`${url}__bench.html`);
  await page.evaluate(async () => {
    const m = await import(new URL('pkg/paxoscope.js', document.baseURI).href);
    await m.default();
    window.pkg = m;
  });
  return page;
}

// ----------------------------------------------------------------------------- wasm
async function benchWasm(context, url) {
  if (!existsSync(WORKLOADS)) {
    console.error(`  (no ${WORKLOADS}: run the native bench first; skipping the wasm workloads)`);
    return;
  }
  const workloads = JSON.parse(readFileSync(WORKLOADS, 'utf8'));
  console.error('simulation throughput in wasm (headless Chromium, the workloads of the native bench)');
  const page = await blankPage(context, url);
  const reps = QUICK ? 1 : 5;
  // One untimed run of the first workload first: V8 runs a fresh module on its baseline
  // compiler (Liftoff, about 2/3 of the optimized speed here) until its optimizing tier has
  // compiled the hot functions in the background, which on a loaded 2-core machine took
  // several of the first workload's timed runs (the 3-server row's ratio scattered
  // 0.33-0.59 while later rows did not).
  await page.evaluate((w) => {
    const bw = new window.pkg.BenchWorld(JSON.stringify(w.config), w.seed, w.warmup_commands);
    bw.run(w.steps);
    bw.free();
  }, workloads[0]);
  for (const w of workloads) {
    const r = await page.evaluate(({ w, reps }) => {
      const bw = new window.pkg.BenchWorld(JSON.stringify(w.config), w.seed, w.warmup_commands);
      const rates = [];
      let counts = null;
      for (let i = 0; i < reps; i++) {
        bw.reset();
        const t0 = performance.now();
        const c = bw.run(w.steps);
        const ms = performance.now() - t0;
        rates.push({ d: c[0] / (ms / 1000), c: c[1] / (ms / 1000), ms });
        counts = c;
      }
      const digest = bw.digest();
      bw.free();
      return { rates, counts: Array.from(counts), digest };
    }, { w, reps });
    const same = r.digest === w.digest && r.counts[0] === w.deliveries && r.counts[1] === w.commands;
    const extra = { case: w.name, steps: w.steps, reps, deliveries: r.counts[0], commands: r.counts[1], same_trace_as_native: same };
    if (!same) console.error(`  WARNING: ${w.name}: wasm trace differs from native (digest ${r.digest} vs ${w.digest})`);
    report('wasm', `${w.name}: deliveries/s`, median(r.rates.map((x) => x.d)), '1/s', extra);
    report('wasm', `${w.name}: commands/s`, median(r.rates.map((x) => x.c)), '1/s', extra);
  }
  await page.close();
}

// ----------------------------------------------------------------------------- search
// The explorer in the page's own Web Worker (www/search-worker.js, the Search panel's),
// on the search the native bench wrote to explore-search.json: distinct states per second
// as the panel shows them (slices, yields and progress messages included), and the ratio
// to the native figure of the same search measured in the same run.
async function benchSearch(context, url) {
  const spec = path.join(path.dirname(WORKLOADS), 'explore-search.json');
  if (!existsSync(spec)) {
    console.error(`  (no ${spec}: run the native explore bench first; skipping the worker search)`);
    return;
  }
  const s = JSON.parse(readFileSync(spec, 'utf8'));
  console.error('the explorer in the Search panel\'s Web Worker (headless Chromium)');
  const page = await blankPage(context, url);
  const r = await page.evaluate(({ s }) => new Promise((resolve, reject) => {
    const w = new Worker(new URL('search-worker.js', document.baseURI), { type: 'module' });
    w.onerror = (e) => reject(new Error(`the worker failed: ${e.message}`));
    w.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'ready') w.postMessage({ type: 'explore', scenario: JSON.stringify(s.scenario), step: 0, bounds: s.bounds });
      else if (m.type === 'error') reject(new Error(m.message));
      else if (m.type === 'done') { w.terminate(); resolve(m); }
    };
  }), { s });
  await page.close();
  const same = r.distinct === s.distinct && r.states === s.transitions;
  if (!same) console.error(`  WARNING: the worker's search differs from native (${r.distinct}/${r.states} vs ${s.distinct}/${s.transitions})`);
  const rate = r.distinct / (r.elapsed_ms / 1000);
  const extra = { distinct: r.distinct, transitions: r.states, seconds: r.elapsed_ms / 1000, same_search_as_native: same };
  report('search', `distinct states/s in the worker, first ${s.bounds.max_states} states`, rate, 'states/s', extra);
  report('search', 'worker (wasm) / native distinct states/s, same search', rate / s.native_states_per_s, 'ratio',
    { ...extra, native_states_per_s: s.native_states_per_s });
}

// ----------------------------------------------------------------------------- page
const PAGE_ARGS = { timeout: 180_000 };

async function timeToInteractive(browser, url) {
  const runs = QUICK ? 1 : 5;
  const tti = [];
  const dcl = [];
  const wasmFetch = [];
  for (let i = 0; i < runs; i++) {
    // A fresh profile each time: nothing cached.
    const dir = mkdtempSync(path.join(tmpdir(), 'paxoscope-bench-'));
    const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const page = ctx.pages()[0] || await ctx.newPage();
    await page.addInitScript(() => {
      // The page adds class "ready" to <body> once the first run is drawn and the controls
      // are wired: that moment is "interactive".
      new MutationObserver((_, obs) => {
        if (document.body && document.body.classList.contains('ready')) {
          window.__readyAt = performance.now();
          obs.disconnect();
        }
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['class'] });
    });
    await page.goto(url);
    await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready, null, PAGE_ARGS);
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      return { ready: window.__readyAt, dcl: nav.domContentLoadedEventEnd, wasm: wasm ? wasm.responseEnd - wasm.startTime : null };
    });
    tti.push(r.ready);
    dcl.push(r.dcl);
    if (r.wasm != null) wasmFetch.push(r.wasm);
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const extra = { runs, dom_content_loaded_ms: median(dcl), wasm_fetch_ms: wasmFetch.length ? median(wasmFetch) : null };
  report('page', 'navigation to interactive (seed-demo, cold profile)', median(tti), 'ms', extra);
}

// 9 servers, server 9 cut off from the start (a lagging replica, so the log grid spans from
// slot 0 while the others compact), run until the log reaches 10,000 slots; then only time
// passes (ticks) until 300 messages are in flight.
function frameScenario(check) {
  return {
    config: {
      layout: { kind: 'servers', n: 9 }, clients: 16, window: 32, tick_per_mille: 20, snapshot_interval_slots: 64,
      workload: { random_ops: 100000, keys: 8 }, check,
    },
    seed: 1,
    actions: [{ type: 'partition', groups: [[9]] }, { type: 'auto', n: QUICK ? 40000 : 220000 }],
  };
}

// Every animation-frame callback's time, by frame (the callbacks of one frame share its
// timestamp): the page's play loop and whatever its parts do in their own callbacks (the
// diagram draws a new window, the cluster animates its chips). An init script.
function RAF_WORK() {
  const raf = window.requestAnimationFrame.bind(window);
  window.__rafWork = new Map();
  window.requestAnimationFrame = (f) => raf((t) => {
    const t0 = performance.now();
    try { f(t); } finally { window.__rafWork.set(t, (window.__rafWork.get(t) || 0) + performance.now() - t0); }
  });
}

async function frames(browser, url, check, tab = 'cluster') {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  await page.addInitScript(RAF_WORK);
  await page.goto(url);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready, null, PAGE_ARGS);
  let tag = `${check ? 'checker on' : 'checker off'}${tab === 'cluster' ? '' : `, ${tab} tab`}`;
  const setup = await page.evaluate(({ sc }) => {
    const app = window.paxoscope.app;
    const t0 = performance.now();
    if (!app.loadScenario(JSON.stringify(sc), null, { push: false })) throw new Error('loadScenario failed');
    const built = performance.now() - t0;
    let ticks = 0;
    while (app.pg.view().messages.length < 300 && ticks < 500) { app.pg.apply({ type: 'tick' }); ticks++; }
    app.render();
    const v = app.pg.view();
    return { built, ticks, inFlight: v.messages.length, log: v.log, nodes: v.nodes.length, steps: v.step };
  }, { sc: frameScenario(check) });
  if (tab === 'diagram') await page.getByRole('tab', { name: 'Diagram' }).click();
  tag = `${tag}, ${setup.log.end_slot - setup.log.first_slot} slots`;
  console.error(`  (${tag}: built ${setup.steps} steps in ${setup.built.toFixed(0)} ms; log ${setup.log.first_slot}..${setup.log.end_slot}; ${setup.inFlight} in flight after ${setup.ticks} ticks)`);
  const n = QUICK ? 60 : 300;
  // (1) Drawing only: one full render (view() + every component) and a forced style/layout
  //     per animation frame, state unchanged (exactly 300+ in flight).
  // (2) Running: the page's own play loop at 60 steps/s (one scheduler step per frame):
  //     each frame's work (steps + render + forced layout) and the rAF-to-rAF interval.
  const r = await page.evaluate(({ n }) => new Promise((resolve) => {
    const app = window.paxoscope.app;
    const draw = [];
    let i = 0;
    const drawFrame = () => {
      const t0 = performance.now();
      app.render();
      void document.documentElement.offsetHeight;
      draw.push(performance.now() - t0);
      if (++i < n) requestAnimationFrame(drawFrame); else play();
    };
    // Which parts of the page the drawing time goes to (same order as app.components).
    const parts = app.components.map(() => 0);
    const origUpdates = app.components.map((c, k) => {
      const u = c.update;
      c.update = function (...a) { const t = performance.now(); try { return u.apply(this, a); } finally { parts[k] += performance.now() - t; } };
      return u;
    });
    const play = () => {
      app.components.forEach((c, k) => { c.update = origUpdates[k]; });
      const work = [];
      const stamps = [];
      const orig = app.frame;
      const inFlightStart = app.view.messages.length;
      window.__rafWork.clear();
      app.frame = (t) => {
        stamps.push(t);
        orig(t);
        // The layout this frame's changes need, forced here so it counts (inside the rAF
        // callback, so it adds to this frame's work).
        void document.documentElement.offsetHeight;
        if (stamps.length > n) {
          app.pause();
          app.frame = orig;
          const gaps = stamps.slice(1).map((s, k) => s - stamps[k]);
          // Each played frame's work: every animation-frame callback of that frame.
          for (const s of stamps.slice(0, n)) work.push(window.__rafWork.get(s) || 0);
          resolve({ parts: parts.map((x) => x / n), draw, work, gaps, inFlightStart, inFlightEnd: app.view.messages.length, steps: app.view.step });
        }
      };
      app.setSpeed(60);
      app.play();
    };
    requestAnimationFrame(drawFrame);
  }), { n });
  // Component order of www/main.js boot().
  const names = ['banner', 'topology', 'legend', 'transport', 'timeline', 'narration', 'inspector', 'flight', 'invariants', 'search', 'stats', 'log-grid', 'applied', 'conflict', 'diagram', 'controls', 'tour', 'header'];
  const parts = Object.fromEntries(r.parts.map((ms, k) => [names[k] || `#${k}`, Math.round(ms * 100) / 100]));
  console.error(`  (drawing time per component, ms/frame: ${JSON.stringify(parts)})`);
  const base = { frames: n, nodes: setup.nodes, log_slots: setup.log.end_slot - setup.log.first_slot, in_flight: setup.inFlight, check };
  report('page', `draw frame p50 (${tag})`, pct(r.draw, 50), 'ms', { ...base, components_ms: parts });
  report('page', `draw frame p95 (${tag})`, pct(r.draw, 95), 'ms', base);
  const run = { ...base, in_flight_start: r.inFlightStart, in_flight_end: r.inFlightEnd, gap_p50_ms: pct(r.gaps, 50), gap_p95_ms: pct(r.gaps, 95) };
  report('page', `running frame work p50 (${tag})`, pct(r.work, 50), 'ms', run);
  report('page', `running frame work p95 (${tag})`, pct(r.work, 95), 'ms', run);
  report('page', `running rAF interval p95 (${tag})`, pct(r.gaps, 95), 'ms', run);
  // The wasm calls the page makes per frame, on the same state.
  const calls = await page.evaluate(({ n }) => {
    const pg = window.paxoscope.app.pg;
    const time = (f) => { const xs = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); xs.push(performance.now() - t0); } return xs; };
    const end = pg.view().log.end_slot;
    return { view: time(() => pg.view()), logWindow: time(() => pg.logWindow(Math.max(0, end - 5000), 40)) };
  }, { n: QUICK ? 10 : 50 });
  const once = { nodes: base.nodes, log_slots: base.log_slots, in_flight: base.in_flight, check, calls: calls.view.length };
  report('page', `view() p50 (${tag})`, pct(calls.view, 50), 'ms', once);
  report('page', `logWindow(slot, 40) p50 (${tag})`, pct(calls.logWindow, 50), 'ms', once);
  await ctx.close();
}

// What a person sees while the page plays at 30 steps/s: the interval between animation
// frames (JavaScript, style, layout, paint and compositing all included), on the big run of
// frames() with at least 600 messages in flight, on each stage tab (the cluster picture, or
// the message sequence diagram), and on the seed demo. A frame interval past 1.5 vsyncs
// (25 ms) counts as a dropped frame. Goals (issue 11): p50 ≤ 17.5 ms, p95 ≤ 33.4 ms.
const PLAY_SPEED = 30;
async function playIntervals(browser, url, { check, big, tab }) {
  // The split view (cluster and diagram side by side) needs a window of 1600 px or more.
  const split = tab === 'split';
  const ctx = await browser.newContext({ viewport: split ? { width: 1680, height: 1000 } : { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready, null, PAGE_ARGS);
  const setup = await page.evaluate(({ sc, big }) => {
    const app = window.paxoscope.app;
    if (big) {
      if (!app.loadScenario(JSON.stringify(sc), null, { push: false })) throw new Error('loadScenario failed');
      let ticks = 0;
      while (app.pg.view().messages.length < 600 && ticks < 1000) { app.pg.apply({ type: 'tick' }); ticks++; }
    } else {
      app.loadPreset('seed-demo', { push: false });
    }
    app.render();
    const v = app.pg.view();
    return { inFlight: v.messages.length, slots: v.log.end_slot - v.log.first_slot, nodes: v.nodes.length };
  }, { sc: { ...frameScenario(check) }, big });
  if (tab === 'diagram') await page.getByRole('tab', { name: 'Diagram' }).click();
  if (split) await page.getByRole('tab', { name: 'Side by side' }).click();
  const n = QUICK ? 90 : 300;
  const r = await page.evaluate(({ n, speed }) => new Promise((resolve) => {
    const app = window.paxoscope.app;
    const stamps = [];
    const startStep = app.view.step;
    const tick = (t) => {
      stamps.push(t);
      if (stamps.length <= n) { requestAnimationFrame(tick); return; }
      app.pause();
      resolve({ gaps: stamps.slice(1).map((s, k) => s - stamps[k]), steps: app.view.step - startStep, inFlightEnd: app.view.messages.length });
    };
    app.setSpeed(speed);
    app.play();
    requestAnimationFrame(tick);
  }), { n, speed: PLAY_SPEED });
  const dropped = r.gaps.filter((g) => g > 25).length / r.gaps.length;
  const where = split ? 'side by side, 1680×1000' : `${tab} tab`;
  const what = big ? `${setup.nodes} nodes, ${setup.slots} slots, checker ${check ? 'on' : 'off'}, ${where}` : `seed-demo, ${where}`;
  const extra = { frames: r.gaps.length, in_flight: setup.inFlight, in_flight_end: r.inFlightEnd, steps_played: r.steps, speed: PLAY_SPEED, tab, check, dropped_share: dropped, fps: 1000 / median(r.gaps) };
  report('page', `frame interval p50 at ${PLAY_SPEED} steps/s (${what})`, pct(r.gaps, 50), 'ms', extra);
  report('page', `frame interval p95 at ${PLAY_SPEED} steps/s (${what})`, pct(r.gaps, 95), 'ms', extra);
  report('page', `frames dropped at ${PLAY_SPEED} steps/s (${what})`, dropped * 100, '%', extra);
  await ctx.close();
}

// The message sequence diagram over a 100,000-step history (5 servers, 3 clients, checker
// on; the page's own loadScenario) at 1280×800 on the diagram tab: 120 frames scrolling
// 40 px each, then 20 jumps to pseudo-random steps with app.seek (one every 6 frames, as
// a person clicking the timeline). Frame intervals (paint included) over the jumps, and
// the time of each app.seek (seek, view(), every panel drawn there). Goal (issue 11): no
// dropped frames (none past 25 ms).
async function diagramJumps(browser, url) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.addInitScript(RAF_WORK);
  await page.goto(url);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready, null, PAGE_ARGS);
  const steps = QUICK ? 20000 : 100000;
  const built = await page.evaluate(({ steps }) => {
    const sc = { config: { layout: { kind: 'servers', n: 5 }, clients: 3, workload: { random_ops: 100000, keys: 3 }, check: true },
      seed: 1, actions: [{ type: 'auto', n: steps }] };
    const t0 = performance.now();
    if (!window.paxoscope.app.loadScenario(JSON.stringify(sc), null, { push: false })) throw new Error('loadScenario failed');
    return performance.now() - t0;
  }, { steps });
  await page.getByRole('tab', { name: 'Diagram' }).click();
  await page.waitForTimeout(300);
  const r = await page.evaluate(({ steps }) => new Promise((resolve) => {
    const app = window.paxoscope.app;
    const scroller = document.querySelector('.dg-scroller');
    let x = 12345;
    const rnd = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
    app.seek(Math.floor(steps / 2));
    const stamps = [];
    const seeks = [];
    let i = 0;
    // A jump replays over the frames after app.seek(): one counts as landed when the page
    // shows its step (app.view) by the time of the next jump (or the end).
    let target = -1;
    let landed = 0;
    const land = () => { if (target >= 0 && app.view.step === target) landed++; };
    const tick = (t) => {
      stamps.push(t);
      if (i < 120) scroller.scrollLeft += 40;
      else if ((i - 120) % 6 === 0 && seeks.length < 20) {
        land();
        target = Math.floor(rnd() * (steps + 1));
        const t0 = performance.now();
        app.seek(target);
        seeks.push(performance.now() - t0);
      }
      // The layout this frame's changes need, counted in its work (this callback runs last).
      void document.documentElement.offsetHeight;
      i++;
      if (i < 240) requestAnimationFrame(tick);
      else { land(); resolve({ gaps: stamps.slice(1).map((s, k) => s - stamps[k]), seeks, landed, work: stamps.map((s) => window.__rafWork.get(s) || 0) }); }
    };
    requestAnimationFrame(() => requestAnimationFrame(tick));
  }), { steps });
  const jumps = r.gaps.slice(119);
  const scroll = r.gaps.slice(0, 119);
  const extra = { history_steps: steps, build_ms: built, frames: r.gaps.length, scroll_dropped: scroll.filter((g) => g > 25).length, jump_frames: jumps.length };
  report('page', `diagram, ${steps}-step history: frame interval p95 while scrolling`, pct(scroll, 95), 'ms', extra);
  report('page', `diagram, ${steps}-step history: frame interval p95 over 20 jumps`, pct(jumps, 95), 'ms', extra);
  report('page', `diagram, ${steps}-step history: frames dropped over 20 jumps`, jumps.filter((g) => g > 25).length, '', { ...extra, max_ms: Math.max(...jumps) });
  report('page', `diagram, ${steps}-step history: jumps shown at their step within their 6 frames`, r.landed, '', extra);
  // app.seek() replays the first part (at most 3 ms); the rest runs in the next frames.
  report('page', `diagram, ${steps}-step history: app.seek() p50 (a jump's first part)`, pct(r.seeks, 50), 'ms', { ...extra, max_ms: Math.max(...r.seeks) });
  // The main thread's work (every animation-frame callback and the layout it needs) in the
  // heaviest of each jump's 6 frames: what a jump costs in one frame, whatever the load
  // does to the intervals. Goal: within one frame (16.7 ms).
  const perJump = [];
  for (let j = 0; j < 20; j++) perJump.push(Math.max(...r.work.slice(120 + j * 6, 126 + j * 6)));
  report('page', `diagram, ${steps}-step history: heaviest frame of a jump p50`, pct(perJump, 50), 'ms', { ...extra, max_ms: Math.max(...perJump), jumps_over_16_7_ms: perJump.filter((w) => w > 16.7).length });
  report('page', `diagram, ${steps}-step history: frames of work past 16.7 ms over 20 jumps`, r.work.slice(120).filter((w) => w > 16.7).length, '', extra);
  await ctx.close();
}

// A 100,000-step history on the steady-leader set-up (5 servers, 3 clients, snapshots every
// 64 slots, checker on): Playground.fromScenario, then seek to random steps.
async function seek(context, url) {
  const page = await blankPage(context, url);
  const steps = QUICK ? 20000 : 100000;
  const r = await page.evaluate(({ steps }) => {
    const sc = { config: { layout: { kind: 'servers', n: 5 }, clients: 3, workload: { random_ops: 100000, keys: 3 }, check: true },
      seed: 1, actions: [{ type: 'auto', n: steps }] };
    const t0 = performance.now();
    const pg = window.pkg.Playground.fromScenario(JSON.stringify(sc));
    const built = performance.now() - t0;
    // As the page does: its first view is at the end of the loaded run (the
    // linearizability verdict there covers every earlier step).
    pg.view();
    let x = 12345;
    const rnd = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
    const times = [];
    const withView = [];
    for (let i = 0; i < 40; i++) {
      const to = Math.floor(rnd() * (steps + 1));
      const t = performance.now();
      pg.seek(to);
      const t1 = performance.now();
      pg.view();
      times.push(t1 - t);
      withView.push(performance.now() - t);
    }
    const total = pg.view().total_steps;
    pg.free();
    return { built, times, withView, total };
  }, { steps });
  const extra = { history_steps: r.total, seeks: r.times.length, build_ms: r.built };
  report('page', `seek in a ${r.total}-step history p50`, pct(r.times, 50), 'ms', extra);
  report('page', `seek in a ${r.total}-step history max`, Math.max(...r.times), 'ms', extra);
  report('page', `seek + first view() there, max`, Math.max(...r.withView), 'ms', { ...extra, p50_ms: pct(r.withView, 50) });
  report('page', `fromScenario(${r.total} steps) build`, r.built, 'ms', extra);
  await page.close();
}

async function main() {
  const only = args.filter((a) => !a.startsWith('--') && !args[args.indexOf(a) - 1]?.startsWith('--workloads'));
  const want = (s) => only.length === 0 || only.includes(s);
  if (!existsSync(path.join(process.env.BENCH_WWW || path.join(ROOT, 'www'), 'pkg/paxoscope_bg.wasm'))) throw new Error('www/pkg is not built (make build)');
  const { proc, url } = await startServer(process.env.BENCH_WWW || path.join(ROOT, 'www'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext();
    if (want('wasm')) await benchWasm(context, url);
    if (want('search')) await benchSearch(context, url);
    if (want('page')) {
      console.error('page (headless Chromium)');
      await timeToInteractive(browser, url);
      await frames(browser, url, false);
      if (!QUICK) await frames(browser, url, true).catch((e) => console.error(`  (checker-on frame bench failed: ${e.message.split('\n')[0]})`));
      if (!QUICK) await frames(browser, url, true, 'diagram').catch((e) => console.error(`  (diagram-tab frame bench failed: ${e.message.split('\n')[0]})`));
      for (const o of [{ check: true, big: true, tab: 'cluster' }, { check: true, big: true, tab: 'diagram' }, { check: true, big: true, tab: 'split' },
        { check: false, big: true, tab: 'cluster' }, { check: true, big: false, tab: 'cluster' }, { check: true, big: false, tab: 'diagram' }]) {
        await playIntervals(browser, url, o).catch((e) => console.error(`  (frame interval bench failed: ${e.message.split('\n')[0]})`));
      }
      await seek(context, url);
      await diagramJumps(browser, url).catch((e) => console.error(`  (diagram jump bench failed: ${e.message.split('\n')[0]})`));
    } else if (want('jumps')) {
      await diagramJumps(browser, url);
    } else if (want('seek')) {
      // Only the seeks in a 100,000-step history (node scripts/bench-browser.mjs seek).
      await seek(context, url);
    } else if (want('split')) {
      // Only side by side at 1680×1000 (node scripts/bench-browser.mjs split), twice.
      for (let i = 0; i < 2; i++) await playIntervals(browser, url, { check: true, big: true, tab: 'split' });
    } else if (want('frames')) {
      // Only the frame work of the big run (node scripts/bench-browser.mjs frames).
      await frames(browser, url, false);
      await frames(browser, url, true);
      await frames(browser, url, true, 'diagram');
    } else if (want('play')) {
      // Only the frame intervals while playing (node scripts/bench-browser.mjs play).
      for (const o of [{ check: true, big: true, tab: 'cluster' }, { check: true, big: true, tab: 'diagram' }, { check: true, big: true, tab: 'split' }, { check: true, big: false, tab: 'cluster' }]) {
        await playIntervals(browser, url, o);
      }
    }
  } finally {
    await browser.close();
    proc.kill();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
