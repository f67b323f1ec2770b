// Where a frame's time goes while the page plays: a Chromium performance trace (through
// CDP, as DevTools records it) of the page playing at 30 steps/s on the frame bench's big
// run (9 servers, 600+ messages in flight, a 10,826-slot log, checker on), summed by kind of
// main-thread work per animation frame: our JavaScript (and the wasm it calls), style
// recalculation, layout, pre-paint, paint, layerize/commit, hit tests. With --js, a CPU
// profile of the same play names the hottest page functions (self time); with --parts, our
// JavaScript per frame by component and wasm call, on average and in the slowest frames.
//
//   node scripts/profile-page.mjs [--tab cluster|diagram|split] [--check 0|1] [--seconds 4] [--js | --parts] [--speed 30]
//          [--small]  (the seed demo instead of the big run)
//          [--css 'rules']  (extra CSS, to try a rule before writing it)
//          [--per-frame]  (the main thread's CPU time of each frame, by kind)
//          [--invalidations]  (what made the page paint again, by element and reason;
//                              INV_FILTER='Removed from|Added to' leaves those reasons out)
//          [--save trace.json]  (the trace, for DevTools' Performance panel)
//          [--jumps]  (instead of playing: 20 jumps with app.seek, one every 6 frames, over
//                      the 100,000-step history of the bench's diagram rows, diagram tab)
//
// Not part of `make bench`: a tool to find what to fix; figures go in docs/benchmarks.md.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './local-server.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(path.join(ROOT, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const TAB = opt('--tab', 'cluster');
const CHECK = opt('--check', '1') !== '0';
const SECONDS = Number(opt('--seconds', '4'));
const JS = args.includes('--js');
const PARTS = args.includes('--parts');
const SMALL = args.includes('--small');
const STEPS = Number(opt('--steps', '220000'));
const SPEED = Number(opt('--speed', '30'));
const JUMPS = args.includes('--jumps');
const SAVE = opt('--save', null);
const INVALIDATIONS = args.includes('--invalidations');
const PER_FRAME = args.includes('--per-frame');
const CSS = opt('--css', '');


const scenario = {
  config: {
    layout: { kind: 'servers', n: 9 }, clients: 16, window: 32, tick_per_mille: 20, snapshot_interval_slots: 64,
    workload: { random_ops: 100000, keys: 8 }, check: CHECK,
  },
  seed: 1,
  actions: [{ type: 'partition', groups: [[9]] }, { type: 'auto', n: STEPS }],
};

// Main-thread trace events, by what they cost. Nested events are attributed to the
// innermost listed kind (self time), so the kinds add up to the busy time.
const KIND = {
  FunctionCall: 'js', EvaluateScript: 'js', FireAnimationFrame: 'js', TimerFire: 'js', EventDispatch: 'js',
  'v8.callFunction': 'js', RunMicrotasks: 'js', FireIdleCallback: 'js', V8Console: 'js',
  UpdateLayoutTree: 'style', RecalculateStyles: 'style', ScheduleStyleRecalculation: 'style',
  Layout: 'layout', UpdateLayer: 'layerize', Layerize: 'layerize', UpdateLayerTree: 'layerize', Commit: 'commit',
  PrePaint: 'prepaint', Paint: 'paint', PaintImage: 'paint', RasterTask: 'raster',
  HitTest: 'hittest', 'Document::updateStyleAndLayout': 'layout', MinorGC: 'gc', MajorGC: 'gc', 'V8.GC_SCAVENGER': 'gc',
  'V8.GCFinalizeMC': 'gc', BlinkGC: 'gc',
};

function summarise(events) {
  const main = new Set();
  for (const e of events) if (e.name === 'thread_name' && e.args?.name === 'CrRendererMain') main.add(`${e.pid}:${e.tid}`);
  const mine = events.filter((e) => main.has(`${e.pid}:${e.tid}`) && e.ph === 'X' && e.dur != null).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const frames = mine.filter((e) => e.name === 'FireAnimationFrame').length;
  const self = {};
  // The same by thread (CPU) time, which the machine's load inflates far less than wall time.
  const selfCpu = {};
  let busy = 0;
  let busyCpu = 0;
  // Walk the nesting: a stack of open events; each listed kind's time minus its listed children.
  const stack = [];
  // The longest top-level tasks, each with its own breakdown by kind and what JS it ran.
  const tasks = [];
  let task = null;
  const close = (upTo) => {
    while (stack.length && stack[stack.length - 1].end <= upTo) {
      const s = stack.pop();
      if (s.kind) {
        self[s.kind] = (self[s.kind] || 0) + (s.dur - s.child);
        selfCpu[s.kind] = (selfCpu[s.kind] || 0) + (s.cpu - s.childCpu);
        if (task) {
          task.self[s.kind] = (task.self[s.kind] || 0) + (s.dur - s.child);
          task.selfCpu[s.kind] = (task.selfCpu[s.kind] || 0) + (s.cpu - s.childCpu);
        }
      }
    }
  };
  for (const e of mine) {
    close(e.ts);
    const kind = KIND[e.name] || null;
    if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') {
      if (!stack.length) { busy += e.dur; busyCpu += e.tdur ?? e.dur; task = { ts: e.ts, dur: e.dur, self: {}, selfCpu: {}, what: new Set() }; tasks.push(task); }
    }
    if (task && (e.name === 'FunctionCall' || e.name === 'TimerFire' || e.name === 'FireAnimationFrame' || e.name === 'EventDispatch')) {
      const d = e.args?.data || {};
      task.what.add(e.name === 'FunctionCall' ? `${d.functionName || '?'}@${String(d.url || '').split('/').pop()}:${d.lineNumber ?? ''}` : `${e.name}${d.type ? `:${d.type}` : ''}`);
    }
    const parentListed = [...stack].reverse().find((s) => s.kind);
    if (kind && parentListed) { parentListed.child += e.dur; parentListed.childCpu += e.tdur ?? e.dur; }
    stack.push({ end: e.ts + e.dur, dur: e.dur, child: 0, cpu: e.tdur ?? e.dur, childCpu: 0, kind });
  }
  close(Infinity);
  const longest = [...tasks].sort((a, b) => b.dur - a.dur).slice(0, 8);
  // Per frame (between the measuring rAF callback's marks): the main thread's CPU time, the
  // load-proof part of a frame's cost on a shared machine.
  const marks = events.filter((e) => e.name === 'TimeStamp' && e.args?.data?.message === 'paxoscope-frame').map((e) => e.ts).sort((a, b) => a - b);
  const perFrame = marks.slice(1).map(() => 0);
  const frameKinds = marks.slice(1).map(() => ({}));
  for (const e of tasks) {
    // A task counts in the frame it ends in: the one whose mark it holds, or the next.
    const end = e.ts + e.dur;
    let i = 0;
    const hi = marks.length - 1;
    if (end < marks[0] || end >= marks[hi]) continue;
    while (i + 1 < hi && marks[i + 1] <= end) i++;
    perFrame[i] += Object.values(e.selfCpu).reduce((a, b) => a + b, 0);
    for (const [k, us] of Object.entries(e.selfCpu)) frameKinds[i][k] = (frameKinds[i][k] || 0) + us / 1000;
    for (const w of e.what) if (!/^(FireAnimationFrame|EventDispatch)/.test(w)) (frameKinds[i].what ||= new Set()).add(w);
  }
  // Raster (software, on worker threads): the tiles the page's paint invalidated.
  const raster = events.filter((e) => e.name === 'RasterTask' && e.ph === 'X').reduce((a, e) => a + (e.tdur ?? e.dur), 0);
  return { frames, busy, busyCpu, self, selfCpu, raster, longest, perFrame: perFrame.map((us) => us / 1000), frameKinds };
}

async function main() {
  const { proc, url } = await startServer(process.env.BENCH_WWW || path.join(ROOT, 'www'));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const split = TAB === 'split';
    const ctx = await browser.newContext({ viewport: split ? { width: 1680, height: 1000 } : { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready, null, { timeout: 120000 });
    const setup = await page.evaluate(({ sc, small, jumps }) => {
      const app = window.paxoscope.app;
      if (jumps) {
        const history = { config: { layout: { kind: 'servers', n: 5 }, clients: 3, workload: { random_ops: 100000, keys: 3 }, check: true },
          seed: 1, actions: [{ type: 'auto', n: 100000 }] };
        if (!app.loadScenario(JSON.stringify(history), null, { push: false })) throw new Error('loadScenario failed');
      } else if (small) app.loadPreset('seed-demo', { push: false });
      else {
        if (!app.loadScenario(JSON.stringify(sc), null, { push: false })) throw new Error('loadScenario failed');
        let ticks = 0;
        while (app.pg.view().messages.length < 600 && ticks < 1000) { app.pg.apply({ type: 'tick' }); ticks++; }
      }
      app.render();
      const v = app.pg.view();
      return { inFlight: v.messages.length, slots: v.log.end_slot - v.log.first_slot };
    }, { sc: scenario, small: SMALL, jumps: JUMPS });
    if (TAB === 'diagram' || JUMPS) await page.getByRole('tab', { name: 'Diagram' }).click();
    if (split) await page.getByRole('tab', { name: 'Side by side' }).click();
    if (CSS) await page.addStyleTag({ content: CSS });
    console.error(`set up: ${setup.inFlight} in flight, ${setup.slots} slots, tab ${TAB}, checker ${CHECK ? 'on' : 'off'}`);
    const cdp = await ctx.newCDPSession(page);
    // The jumps of the bench's diagram rows: 20 app.seek calls to pseudo-random steps, one
    // every 6 frames; the frame intervals over them (a frame past 25 ms is dropped).
    const jump = async () => page.evaluate(() => new Promise((resolve) => {
      const app = window.paxoscope.app;
      let x = 12345;
      const rnd = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
      const total = app.view.total_steps;
      const stamps = [];
      let i = 0;
      let jumps = 0;
      const tick = (t) => {
        stamps.push(t);
        console.timeStamp('paxoscope-frame');
        if (i % 6 === 0 && jumps < 20) { app.seek(Math.floor(rnd() * (total + 1))); jumps++; }
        if (++i < 121) { requestAnimationFrame(tick); return; }
        const gaps = stamps.slice(1).map((s, k) => s - stamps[k]);
        const sorted = [...gaps].sort((a, b) => a - b);
        resolve({ frames: gaps.length, p50: sorted[Math.floor(gaps.length / 2)], p95: sorted[Math.ceil(gaps.length * 0.95) - 1], steps: jumps, inFlight: gaps.filter((g) => g > 25).length });
      };
      requestAnimationFrame(() => requestAnimationFrame(tick));
    }));
    const play = JUMPS ? jump : async () => page.evaluate(({ ms }) => new Promise((resolve) => {
      const app = window.paxoscope.app;
      const stamps = [];
      const step0 = app.view.step;
      const tick = (t) => {
        stamps.push(t);
        console.timeStamp('paxoscope-frame');
        if (t - stamps[0] < ms) { requestAnimationFrame(tick); return; }
        app.pause();
        const gaps = stamps.slice(1).map((s, k) => s - stamps[k]).sort((a, b) => a - b);
        resolve({ frames: gaps.length, p50: gaps[Math.floor(gaps.length / 2)], p95: gaps[Math.ceil(gaps.length * 0.95) - 1], steps: app.view.step - step0, inFlight: app.view.messages.length });
      };
      app.setSpeed(30);
      app.play();
      requestAnimationFrame(tick);
    }), { ms: SECONDS * 1000 });
    if (PARTS) {
      // Our JavaScript per frame, by part: each component's update, and the wasm calls.
      const r = await page.evaluate(({ ms, speed }) => new Promise((resolve) => {
        const app = window.paxoscope.app;
        const names = ['banner', 'topology', 'legend', 'transport', 'timeline', 'narration', 'inspector', 'flight', 'invariants', 'search', 'stats', 'log-grid', 'applied', 'conflict', 'diagram', 'controls', 'tour', 'header'];
        let cur = {};
        const add = (k, dt) => { cur[k] = (cur[k] || 0) + dt; };
        app.components.forEach((c, k) => {
          const u = c.update;
          c.update = function (...a) { const t = performance.now(); try { return u.apply(this, a); } finally { add(names[k] || `#${k}`, performance.now() - t); } };
        });
        const pg = app.pg;
        for (const f of ['step', 'seek', 'view', 'viewPlaying', 'logWindow', 'spacetime', 'state']) {
          if (typeof pg[f] !== 'function') continue;
          const o = pg[f].bind(pg);
          pg[f] = (...a) => { const t = performance.now(); try { return o(...a); } finally { add(`wasm ${f}`, performance.now() - t); } };
        }
        const frames = [];
        const orig = app.frame;
        const t0 = performance.now();
        app.frame = (t) => {
          cur = {};
          const s = performance.now();
          orig(t);
          const l = performance.now();
          void document.documentElement.offsetHeight;
          cur.layout = performance.now() - l;
          cur.total = performance.now() - s;
          frames.push(cur);
          if (performance.now() - t0 > ms) { app.pause(); app.frame = orig; resolve(frames); }
        };
        app.setSpeed(speed);
        app.play();
      }), { ms: SECONDS * 1000, speed: SPEED });
      const tot = r.map((f) => f.total).sort((a, b) => a - b);
      const p95 = tot[Math.ceil(tot.length * 0.95) - 1];
      const avg = (fs) => { const o = {}; for (const f of fs) for (const [k, v] of Object.entries(f)) o[k] = (o[k] || 0) + v / fs.length; return o; };
      const show = (o) => Object.entries(o).sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
      console.log(`${r.length} frames; frame JS p50 ${tot[Math.floor(tot.length / 2)].toFixed(1)} p95 ${p95.toFixed(1)} max ${tot[tot.length - 1].toFixed(1)} ms`);
      console.log(`mean of all frames: ${show(avg(r))}`);
      console.log(`mean of frames ≥ p95: ${show(avg(r.filter((f) => f.total >= p95)))}`);
      for (const f of r.filter((x) => x.total >= p95).slice(0, 6)) console.log(`  ${show(f)}`);
    } else if (JS) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      const r = await play();
      const { profile } = await cdp.send('Profiler.stop');
      const dt = profile.timeDeltas;
      const selfMs = new Map();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const n = byId.get(id);
        const f = n.callFrame;
        const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
        selfMs.set(key, (selfMs.get(key) || 0) + (dt[i] || 0) / 1000);
      });
      const top = [...selfMs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
      console.log(`play: ${r.frames} frames, interval p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} ms, ${r.steps} steps, ${r.inFlight} in flight`);
      console.log('self time per frame (ms), hottest functions:');
      for (const [k, ms] of top) console.log(`  ${(ms / r.frames).toFixed(2).padStart(7)}  ${k}`);
    } else {
      const events = [];
      cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      const cats = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', '__metadata', 'v8'];
      if (INVALIDATIONS) cats.push('disabled-by-default-devtools.timeline.invalidationTracking');
      await cdp.send('Tracing.start', { traceConfig: { includedCategories: cats }, transferMode: 'ReportEvents' });
      const r = await play();
      await cdp.send('Tracing.end');
      await done;
      if (SAVE) writeFileSync(SAVE, JSON.stringify({ traceEvents: events }));
      const s = summarise(events);
      console.log(JUMPS ? `jumps: ${r.frames} frames, interval p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} ms, ${r.steps} jumps, ${r.inFlight} frames past 25 ms`
        : `play: ${r.frames} frames, interval p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} ms, ${r.steps} steps, ${r.inFlight} in flight`);
      console.log(`main thread busy ${(s.busy / 1000 / r.frames).toFixed(1)} ms per frame; self time per frame by kind (ms):`);
      console.log(`  (CPU time: main thread busy ${(s.busyCpu / 1000 / r.frames).toFixed(1)} ms per frame, raster ${(s.raster / 1000 / r.frames).toFixed(1)} ms per frame on other threads)`);
      if (s.perFrame.length) {
        const pf = [...s.perFrame].sort((a, b) => a - b);
        if (PER_FRAME) {
          console.log('  CPU time of each frame (ms): total, by kind, what ran');
          s.frameKinds.forEach((f, i) => console.log(`  ${String(i).padStart(4)} ${s.perFrame[i].toFixed(1).padStart(5)}  ${Object.entries(f).filter(([k, v]) => k !== 'what' && v >= 0.3).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}  [${[...(f.what || [])].join(' ')}]`));
        }
        console.log(`  (CPU time per frame: p50 ${pf[Math.floor(pf.length / 2)].toFixed(1)}, p95 ${pf[Math.ceil(pf.length * 0.95) - 1].toFixed(1)}, max ${pf[pf.length - 1].toFixed(1)} ms; ${pf.filter((x) => x > 16.7).length} of ${pf.length} frames past 16.7 ms)`);
      }
      console.log('  kind        wall    CPU');
      for (const [k, us] of Object.entries(s.self).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(10)} ${(us / 1000 / r.frames).toFixed(2).padStart(5)}  ${((s.selfCpu[k] || 0) / 1000 / r.frames).toFixed(2).padStart(5)}`);
      console.log('longest tasks (ms): total, then self time by kind, then what ran:');
      if (INVALIDATIONS) {
        // What made the page paint again: paint invalidations by element and reason, per frame.
        const inv = new Map();
        for (const e of events) {
          if (e.name !== 'PaintInvalidationTracking' && e.name !== 'LayoutInvalidationTracking' && e.name !== 'StyleRecalcInvalidationTracking') continue;
          const d = e.args?.data || {};
          const key = `${e.name.replace('InvalidationTracking', '')} ${d.nodeName || '?'}: ${d.reason || ''}`;
          inv.set(key, (inv.get(key) || 0) + 1);
        }
        console.log('invalidations per frame, by element and reason:');
        for (const [k, n] of [...inv].filter(([k]) => !process.env.INV_FILTER || !new RegExp(process.env.INV_FILTER).test(k)).sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${(n / r.frames).toFixed(1).padStart(7)}  ${k}`);
        // Paint (recording) per painted layer root.
        const paint = new Map();
        for (const e of events) {
          if (e.name !== 'Paint' || e.ph !== 'X') continue;
          const d = e.args?.data || {};
          const k = d.nodeName || String(d.nodeId || '?');
          paint.set(k, (paint.get(k) || 0) + e.dur);
        }
        console.log('paint (recording) per frame, by layer root (ms):');
        for (const [k, us] of [...paint].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${(us / 1000 / r.frames).toFixed(2).padStart(7)}  ${k}`);
      }
      for (const k of s.longest) {
        const parts = Object.entries(k.self).sort((a, b) => b[1] - a[1]).map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`).join(', ');
        console.log(`  ${(k.dur / 1000).toFixed(1).padStart(6)}  ${parts}  [${[...k.what].slice(0, 6).join(' ')}]`);
      }
    }
  } finally {
    await browser.close();
    proc.kill();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
