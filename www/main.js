// @ts-check
// Wiring: loads the wasm core, owns the Playground, turns every user action into an API
// call (catching errors and panics), re-renders the views, keeps the URL hash in sync, and
// exposes window.paxoscope for debugging and tests. No protocol logic lives here.

import { h, $ } from './dom.js';
import * as share from './share.js';
import { createTopology } from './topology.js';
import { createLogGrid } from './log-grid.js';
import { createTimeline } from './timeline.js';
import { createInspector, createFlightList } from './inspector.js';
import { createTransport, createControls } from './controls.js';
import { createInvariants, createBanner, createStats } from './panels.js';
import { createNarration, quietNotice } from './narration.js';
import { createLegend } from './legend.js';
import { createHelp } from './help.js';
import { createNotices } from './notices.js';
import { createAppliedLogs } from './applied.js';
import { createConflictPanel } from './conflict.js';
import { setVocabulary } from './glossary.js';
import { createDiagram, createStageTabs } from './diagram.js';
import { createTour } from './tour/tour.js';
import { quorumSummary, leaseSummary } from './quorums.js';
import { configSummary } from './membership.js';
import { createSearch } from './search.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {typeof import('./pkg/paxoscope.js')} Api */
/** @typedef {import('./pkg/paxoscope.js').Playground} Playground */
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').Action} Action */
/** @typedef {import('./pkg/paxoscope.js').InvariantViolation} InvariantViolation */
/** @typedef {import('./pkg/paxoscope.js').PresetInfo} PresetInfo */
/** @typedef {import('./pkg/paxoscope.js').Term} Term */
/** @typedef {import('./pkg/paxoscope.js').SimConfig} SimConfig */
/** The page's state and actions, as the views receive it (`app`). @typedef {App} PageApp */
/** What is selected in the inspector: a node or a message, by id. @typedef {{ kind: 'node' | 'message', id: number }} Selection */
/**
 * A part of the page: drawn from the state view and the violations the page knows of.
 * A reader (a panel read rather than watched) is drawn less often while playing; `offscreen`
 * and `stale` say whether it is out of view and behind the step, `drawnAt` when it was drawn.
 * The replicated log's grid also scrolls to a slot (`scrollToSlot`, for the tour).
 * @typedef {{ update(view: StateView, known: InvariantViolation[]): void, reset?: () => void,
 *   reader?: boolean, offscreen?: boolean, stale?: boolean, drawnAt?: number,
 *   scrollToSlot?: (slot: number) => void }} Component
 */

const PKG = './pkg/paxoscope.js';
const DEFAULT_PRESET = 'seed-demo';
const QUIET_MAX_STEPS = 20000;
const MAX_STEPS_PER_FRAME = 400;
const MAX_FRAME_MS = 100;
/**
 * While playing, the panels people read rather than watch (inspector, messages in flight,
 * statistics, the replicated and applied logs) are brought up to date at most every
 * READER_MS each, and at most one of them per frame, so a played frame does not pay for all
 * of them at once; paused, every panel is drawn at once, except right after a seek (a jump
 * on the timeline): then they follow one per frame, so no frame pays for the seek and all
 * of them.
 */
const READER_MS = 200;
/**
 * While playing, drawing that can wait (a reader panel, the diagram's next window: App.defer)
 * is done in a frame that takes no step (at 30 steps/s every other frame), so no frame pays
 * for a step and that drawing at once; it waits at most LATER_FRAMES frames (at speeds that
 * step in every frame), and one frame does at most LATER_MS of it.
 */
const LATER_FRAMES = 3;
const LATER_MS = 6;
/**
 * A jump replays from the nearest checkpoint for at most SEEK_MS of a frame, SEEK_CHUNK
 * steps a call (seekToward), and goes on in the next frames: a long replay (thousands of
 * steps in a 100,000-step history) does not take a whole frame.
 */
const SEEK_MS = 3;
const SEEK_CHUNK = 64;
/** Paused, the address bar (share link) is rewritten this long after the last change. */
const HASH_STILL_MS = 250;
/** Playing, the address bar (share link) is rewritten at most this often. */
const HASH_PLAYING_MS = 3000;
/**
 * After a seek the reader panels follow one or more per frame, while the frame has done less
 * than READER_BUDGET_MS of other work (the diagram's new window, ...); a frame already that
 * busy leaves them to the next one (at most two frames in a row).
 */
const READER_BUDGET_MS = 3;
/**
 * After a seek the reader panels out of view (the statistics, far down their column) wait
 * until no jump came for READER_QUIET_MS, or until they come into view: a person skimming
 * the timeline does not pay for what they do not see at every jump.
 */
const READER_QUIET_MS = 250;

// console_error_panic_hook prints the panic message with console.error just before the
// RuntimeError is thrown: remember it so the page can show the real reason.
let lastConsoleError = '';
const origConsoleError = console.error.bind(console);
console.error = (...args) => { lastConsoleError = args.map((a) => (a && a.message) || String(a)).join(' '); origConsoleError(...args); };

/** @returns {Promise<Api>} */
async function loadApi(fresh = false) {
  const mod = await import(fresh ? `${PKG}?instance=${Date.now()}` : PKG);
  if (typeof mod.default === 'function') await mod.default();
  return mod;
}

/** @param {unknown} e */
function isPanic(e) {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  const x = /** @type {{ name?: string, message?: string } | null | undefined} */ (e);
  const t = `${x && x.name} ${x && x.message}`;
  return /RuntimeError|unreachable|panicked|recursive use of an object|already borrowed|null pointer passed to rust/i.test(t);
}

class App {
  /**
   * @param {Api} api
   * @param {ReturnType<typeof createNotices>} notices
   */
  constructor(api, notices) {
    this.api = api;
    this.notices = notices;
    /** @type {Playground | null} */
    this.pg = null;
    /** @type {StateView | null} the state shown (`view()`), read again after every change */
    this.view = null;
    /** What the inspector shows. @type {Selection | null} */
    this.selection = null;
    this.playing = false;
    this.speed = 4;
    /** @type {Component[]} */
    this.components = [];
    /** The cluster picture (www/topology.js): its message chips, and the tour's marks on them. @type {ReturnType<typeof import('./topology.js').createTopology> | null} */
    this.topology = null;
    /** @type {InvariantViolation[]} violations seen anywhere on this timeline */
    this.known = [];
    /** The selection the panels last showed (JSON), so a new one is drawn at once while playing. */
    this.drawnSelection = "";
    /** A seek asks for the reader panels to follow one per frame (render, drawStaleReaders). */
    this.spreadReaders = false;
    this.readerRaf = 0;
    this.readerWaits = 0;
    /** When the last seek was asked for, and the timer drawing the readers out of view after it. */
    this.seekAt = 0;
    this.readerTimer = 0;
    /** Drawing deferred to a frame that takes no step, by key (defer, runLater). @type {Map<string, {fn: () => void, since: number}>} */
    this.later = new Map();
    this.frameNo = 0;
    /** The step a seek went to, drawn once its replay got there (seek); null once drawn. @type {number | null} */
    this.seekTo = null;
    /** Whether the replay toward seekTo got there (advanceSeek). */
    this.seekDone = true;
    /** The Playground the replay toward seekTo runs on. @type {Playground | null} */
    this.seekPg = null;
    this.seekRaf = 0;
    this.lastGood = null; // {scenario, step}
    this.presetName = null;
    this.presetBlurb = '';
    this.hashTimer = null;
    this.hashSeq = 0;
    this.ownHash = null;
    this.pushNext = false;
    this.navigating = false; // between a history navigation's popstate and its hashchange
    this.tour = null; // the guided tour (tour/tour.js): owns the hash while on its script
    this.recovering = false;
    /** @type {PresetInfo[]} */
    this.presets = safe(() => api.presets(), []);
    /** @type {Term[]} */
    this.bugs = safe(() => api.bugs(), []);
    this.version = safe(() => api.version(), '?');
    this.linAt = 0; // when view() last re-checked linearizability (performance.now())
    this.frame = this.frame.bind(this);
  }

  // ------------------------------------------------------------------ errors
  /** @type {ReturnType<typeof createNotices>['notify']} */
  notify(kind, title, text, opts) { return this.notices.notify(kind, title, text, opts); }

  /**
   * Runs fn(pg); on a thrown error shows it (and recovers from a panic).
   * @template T
   * @param {string} what
   * @param {(pg: Playground) => T} fn
   * @returns {{ ok: true, value: T, error?: undefined } | { ok: false, value?: undefined, error: any }}
   */
  call(what, fn) {
    if (!this.pg) return { ok: false, error: new Error('no playground') };
    try {
      return { ok: true, value: fn(this.pg) };
    } catch (e) {
      this.fail(what, e);
      return { ok: false, error: e };
    }
  }

  /**
   * @param {string} what
   * @param {any} e
   */
  fail(what, e) {
    const msg = (e && e.message) || String(e);
    if (isPanic(e)) {
      const detail = /panicked/.test(lastConsoleError) ? lastConsoleError : msg;
      this.pause();
      this.notify('error', `The simulator crashed while ${what}.`,
        `${detail.slice(0, 400)} — the page rebuilt the run from its last good state${this.lastGood ? ` (step ${this.lastGood.step})` : ''}; nothing else was lost.`);
      this.recover();
      return;
    }
    this.notify('error', `Could not finish ${what}:`, msg);
    let healthy = true;
    try { this.pg.view(); } catch { healthy = false; }
    if (!healthy) this.recover();
  }

  /** Rebuilds the Playground from the last good scenario (a fresh module instance if needed). */
  async recover() {
    if (this.recovering) return;
    this.recovering = true;
    const old = this.pg;
    this.pg = null;
    const good = this.lastGood;
    const attempt = () => {
      if (good) {
        const pg = this.api.Playground.fromScenario(good.scenario);
        pg.seek(Math.min(good.step, pg.view().total_steps));
        return pg;
      }
      return this.api.Playground.fromPreset(DEFAULT_PRESET);
    };
    let pg = null;
    try { pg = attempt(); } catch { pg = null; }
    if (!pg) {
      try { this.api = await loadApi(true); pg = attempt(); } catch (e2) {
        try { pg = this.api.Playground.fromPreset(DEFAULT_PRESET); } catch {
          this.notify('error', 'The simulator could not be restarted.', `${(e2 && e2.message) || e2}. Reload the page; your link still holds the run.`);
        }
      }
    }
    try { if (old) old.free(); } catch { /* already gone */ }
    this.pg = pg;
    this.recovering = false;
    if (pg) this.render();
  }

  snapshotGood() {
    if (!this.pg) return;
    try { this.lastGood = { scenario: this.pg.scenario(), step: this.pg.view().step }; } catch { /* keep the older one */ }
  }

  // ------------------------------------------------------------------ runs
  /**
   * Replaces the Playground; returns false (and keeps the current run) when it fails.
   * @param {() => import('./pkg/paxoscope.js').Playground} factory
   * @param {number | null} step
   * @param {{ source?: string, push?: boolean, after?: string }} [options] `after`: what the
   *   page shows instead when it fails, said after the reason
   */
  replace(factory, step, { source, push = true, after = '' } = {}) {
    let pg;
    try {
      pg = factory();
      if (step != null) {
        const total = pg.view().total_steps;
        if (step > total) {
          this.notify('error', `There is no step ${step} in ${source}:`, `it has ${total ? `${total} step${total === 1 ? '' : 's'}` : 'no steps yet'}. Showing its last step.`);
        } else {
          pg.seek(step);
        }
      }
      pg.view();
    } catch (e) {
      const why = (e && e.message) || String(e);
      this.notify('error', `Could not open ${source}:`, after ? `${why}${/[.!?]$/.test(why) ? '' : '.'} ${after}` : why);
      try { if (pg) pg.free(); } catch { /* ignore */ }
      if (isPanic(e) && this.pg) this.recover();
      return false;
    }
    this.pause();
    const old = this.pg;
    this.pg = pg;
    try { if (old) old.free(); } catch { /* ignore */ }
    this.selection = null;
    this.known = [];
    this.pushNext = push;
    // what the page said about the old run ("Ran 118 steps: quiet…") is not about this one
    this.notices.dropInfo();
    for (const c of this.components) if (c.reset) c.reset();
    this.render();
    this.snapshotGood();
    return true;
  }

  /**
   * @param {string} name
   * @param {{ push?: boolean, step?: number | null, after?: string }} [options]
   */
  loadPreset(name, { push = true, step = null, after = '' } = {}) {
    const p = this.presets.find((x) => x.name === name);
    if (!p && this.presets.length) {
      this.notify('error', `There is no preset "${name}".`, `Pick a scenario from the Scenario menu at the top.${after ? ` ${after}` : ''}`);
      return false;
    }
    const ok = this.replace(() => this.api.Playground.fromPreset(name), step, { source: `the preset "${name}"`, push, after });
    if (ok) {
      this.presetName = name;
      this.presetBlurb = p ? p.description : '';
      this.render();
    }
    return ok;
  }

  /**
   * Opens a scenario (JSON); false (and the current run kept) when it fails, said in the
   * person's terms (share.explainScenarioError: the field, what it holds, what it must).
   * @param {string} json
   * @param {number | null} step
   * @param {{ source?: string, push?: boolean, after?: string }} [options]
   */
  loadScenario(json, step, { source = 'the scenario', push = true, after = '' } = {}) {
    const open = () => {
      try { return this.api.Playground.fromScenario(json); } catch (e) {
        if (isPanic(e)) throw e;
        throw new Error(share.explainScenarioError((e && e.message) || String(e), json));
      }
    };
    const ok = this.replace(open, step, { source, push, after });
    if (ok) { this.presetName = null; this.presetBlurb = ''; this.render(); }
    return ok;
  }

  /**
   * @param {Partial<SimConfig>} configPatch
   * @param {number} seed
   */
  newRun(configPatch, seed) {
    let base = {};
    try { base = JSON.parse(this.pg.scenario()).config; } catch { base = (this.view && this.view.config) || {}; }
    const config = { ...base, ...configPatch };
    const ok = this.loadScenario(JSON.stringify({ config, seed, actions: [] }), null, { source: 'the new cluster set-up' });
    if (ok) this.notify('info', 'New run started.', `${config.layout.kind === 'seed' ? 'Seed layout' : `${config.layout.n} servers`}, ${config.clients} client${config.clients === 1 ? '' : 's'}, seed ${seed}. Browser Back returns to the previous run.`);
  }

  // ------------------------------------------------------------------ actions
  /**
   * Performs one user action (docs/wasm-api.md, "Actions").
   * @param {Action} action
   * @param {string} [what]
   */
  apply(action, what = 'that action') {
    if (!this.pg || !this.view) return null;
    this.settle();
    this.snapshotGood();
    const before = this.view;
    const forking = before.step < before.total_steps;
    const r = this.call(what, (pg) => pg.apply(action));
    if (r.ok) {
      if (forking) {
        this.known = this.known.filter((v) => v.step <= before.step);
        this.notify('info', `Forked at step ${before.step}.`, `The ${before.total_steps - before.step} later recorded step(s) were dropped; the run continues from your action.`);
      }
      if (this.selection && this.selection.kind === 'message' && (action.type === 'deliver' || action.type === 'drop') && action.id === this.selection.id) {
        const m = before.messages.find((x) => x.id === action.id);
        if (action.type === 'deliver' && m && 'node' in m.to) this.selection = { kind: 'node', id: m.to.node };
        else if (action.type === 'drop') this.selection = null;
      }
    }
    this.render();
    return r;
  }

  stepForward() {
    if (!this.pg || !this.view) return;
    this.settle();
    const v = this.view;
    if (v.step < v.total_steps) this.call('replaying the next step', (pg) => pg.seek(v.step + 1));
    else { this.snapshotGood(); this.call('taking a step', (pg) => pg.step()); }
    this.render();
  }

  stepBack() {
    this.settle();
    if (!this.pg || !this.view || this.view.step <= 0) return;
    this.pause();
    const target = this.view.step - 1;
    this.call('stepping back', (pg) => pg.seek(target));
    this.render();
  }

  /** @param {number} step */
  seek(step) {
    if (!this.pg || !this.view) return;
    const target = Math.max(0, Math.min(this.view.total_steps, Math.round(step)));
    if (target === (this.seekTo ?? this.view.step)) return;
    // The page is drawn at the new step in the frame after the replay got there, so a
    // jump's seek (a replay from the nearest checkpoint, SEEK_MS of it per frame) and its
    // drawing (the full view, checked again, and the panels, the readers one per frame
    // after it) fall in different frames.
    this.seekTo = target;
    this.seekDone = false;
    this.seekPg = this.pg;
    this.seekAt = performance.now();
    if (!this.advanceSeek(performance.now())) return;
    this.spreadReaders = true;
    // The readers still due from an earlier seek are drawn after this one's render instead.
    if (this.readerRaf) { cancelAnimationFrame(this.readerRaf); this.readerRaf = 0; }
    if (!this.seekRaf) this.seekRaf = requestAnimationFrame(() => this.seekFrame());
  }

  /**
   * Replays toward `seekTo` until there or SEEK_MS after `t0` (SEEK_CHUNK steps a call);
   * false when that failed (the page is then drawn at once, at the step the run is at).
   * @param {number} t0
   */
  advanceSeek(t0) {
    const target = /** @type {number} */ (this.seekTo);
    const r = this.call(`going to step ${target}`, (pg) => {
      if (typeof pg.seekToward !== 'function') { pg.seek(target); return true; }
      let there = pg.seekToward(target, SEEK_CHUNK);
      while (!there && performance.now() - t0 < SEEK_MS) there = pg.seekToward(target, SEEK_CHUNK);
      return there;
    });
    if (!r.ok) { this.seekDone = true; this.render(); return false; }
    this.seekDone = r.value;
    return true;
  }

  /** Finishes at once a replay still on its way to `seekTo` (on the run it was asked of). */
  finishSeek() {
    if (this.seekTo == null || this.seekDone) return;
    this.seekDone = true;
    const target = this.seekTo;
    if (this.pg && this.pg === this.seekPg) this.call(`going to step ${target}`, (pg) => pg.seek(target));
  }

  /** A frame of a seek: the replay goes on, or, once there (in an earlier frame), is drawn. */
  seekFrame() {
    this.seekRaf = 0;
    if (this.seekTo == null) return;
    if (this.seekDone) { this.render(); return; }
    if (!this.advanceSeek(performance.now())) return;
    this.seekRaf = requestAnimationFrame(() => this.seekFrame());
  }

  /** Draws a seek not drawn yet (its replay finished first), so what follows starts from
   *  the step the run is at. */
  settle() {
    if (this.seekTo != null && this.pg) this.render();
  }

  runUntilQuiet() {
    if (!this.pg || !this.view) return;
    this.settle();
    this.pause();
    this.snapshotGood();
    const before = this.view;
    const r = this.call('running until quiet', (pg) => pg.runUntilQuiet(QUIET_MAX_STEPS));
    this.render();
    if (!r.ok) return;
    const v = this.view;
    if (before.step < before.total_steps && r.value > 0) this.known = this.known.filter((x) => x.step <= v.step);
    const note = quietNotice(v, r.value);
    this.notify('info', note.title, note.text);
  }

  /** @param {Selection | null} sel */
  select(sel) {
    this.selection = sel;
    this.render();
    // On a phone, bring what was chosen into view without leaving the cluster: a message's
    // row in the list under the cluster (it has the deliver / drop / duplicate buttons), or
    // the inspector for a node.
    if (sel && window.matchMedia && window.matchMedia('(max-width: 760px)').matches) {
      const target = sel.kind === 'message' ? $(`.flight-item[data-msg="${sel.id}"]`) : $('#inspector-card');
      if (target) target.scrollIntoView({ behavior: 'smooth', block: sel.kind === 'message' ? 'nearest' : 'start' });
    }
  }

  // ------------------------------------------------------------------ play
  /** @param {number} v */
  setSpeed(v) { this.speed = v; this.render(); }
  togglePlay() { if (this.playing) this.pause(); else this.play(); }
  play() {
    if (this.playing || !this.pg) return;
    this.playing = true;
    this.acc = 1;
    this.lastT = performance.now();
    this.snapshotGood();
    requestAnimationFrame(this.frame);
    this.render();
  }
  pause() {
    if (!this.playing) return;
    this.playing = false;
    // What waited for a frame without a step is drawn now (paused, each part draws at once).
    const later = [...this.later.values()];
    this.later.clear();
    for (const job of later) {
      try { job.fn(); } catch (e) { origConsoleError(e); }
    }
    this.syncHash();
    this.linAt = 0;
    if (this.view) this.render();
  }
  /** @param {number} t */
  frame(t) {
    if (!this.playing || !this.pg) return;
    this.settle();
    this.frameNo += 1;
    // A slow frame does not pile up work for the next one: at most MAX_FRAME_MS of play
    // time is caught up per frame (the run then plays slower than asked, not in bursts).
    this.acc += (Math.min(t - this.lastT, MAX_FRAME_MS) / 1000) * this.speed;
    this.lastT = t;
    let k = Math.min(Math.floor(this.acc), MAX_STEPS_PER_FRAME);
    this.acc -= k;
    if (this.acc > MAX_STEPS_PER_FRAME) this.acc = 0;
    if (k > 0) {
      const v = this.view;
      const violationsBefore = (v.violations || []).length;
      const r = this.call('playing', (pg) => {
        let step = v.step;
        if (step < v.total_steps) {
          const to = Math.min(v.total_steps, step + k);
          pg.seek(to);
          k -= to - step;
          step = to;
        }
        for (let i = 0; i < k; i++) pg.step();
      });
      this.render();
      if (!r.ok) return;
      if ((this.view.violations || []).length > violationsBefore) {
        const first = this.view.violations[0];
        this.pause();
        this.notify('error', 'Paused: an invariant was violated.', `${first.invariant} at step ${first.step}.`);
        return;
      }
    }
    this.runLater(k === 0);
    requestAnimationFrame(this.frame);
  }

  /**
   * While playing, runs `fn` in a coming frame that takes no step (LATER_FRAMES); at once
   * when paused. A later call with the same key replaces the function, not the wait.
   * @param {string} key
   * @param {() => void} fn
   */
  defer(key, fn) {
    if (!this.playing) { this.later.delete(key); fn(); return; }
    const job = this.later.get(key);
    if (job) job.fn = fn; else this.later.set(key, { fn, since: this.frameNo });
  }

  /**
   * The deferred drawing due in this frame: all of it when `free` (the frame took no step),
   * within LATER_MS; else only what waited LATER_FRAMES frames.
   * @param {boolean} free
   */
  runLater(free) {
    const t0 = performance.now();
    for (const [key, job] of [...this.later]) {
      if (!free && this.frameNo - job.since < LATER_FRAMES) continue;
      if (performance.now() - t0 > LATER_MS) break;
      this.later.delete(key);
      try { job.fn(); } catch (e) {
        if (isPanic(e)) { this.fail('drawing the page', e); return; }
        origConsoleError(e);
      }
    }
  }

  animMs() {
    if (!this.playing) return 420;
    if (this.speed >= 30) return 0;
    return Math.min(420, Math.round(700 / this.speed));
  }

  // ------------------------------------------------------------------ rendering
  render() {
    if (!this.pg) return;
    // Whatever asks for a drawing mid-jump gets the step asked for, never one on the way.
    this.finishSeek();
    this.seekTo = null;
    let view;
    // While playing, linearizability is re-checked at most once a second (viewPlaying reuses
    // the last verdict); paused, every view is fresh.
    const now = performance.now();
    const cheap = this.playing && typeof this.pg.viewPlaying === 'function' && now - (this.linAt || 0) < 1000;
    try { view = cheap ? this.pg.viewPlaying() : this.pg.viewLean(); } catch (e) { this.fail('reading the state', e); return; }
    if (!cheap) this.linAt = now;
    this.view = view;
    for (const v of view.violations || []) {
      if (!this.known.some((k) => k.invariant === v.invariant && k.step === v.step && k.message === v.message)) this.known.push(v);
    }
    document.body.classList.toggle('playing', this.playing);
    document.body.classList.toggle('has-violation', (view.violations || []).length > 0);
    // A new selection is shown everywhere at once, even while playing.
    const selKey = JSON.stringify(this.selection);
    const spread = !this.playing && this.spreadReaders && selKey === this.drawnSelection;
    this.spreadReaders = false;
    const lazy = this.playing && selKey === this.drawnSelection;
    this.drawnSelection = selKey;
    for (const c of this.components) {
      if (c.reader) {
        // Playing: drawn in a frame that takes no step (drawDueReader), not in this one.
        if (lazy) continue;
        if (spread) { c.stale = true; continue; }
        c.drawnAt = now;
        c.stale = false;
      }
      if (!this.drawPart(c, view)) return;
    }
    if (lazy) this.defer('reader', () => this.drawDueReader());
    if (spread && !this.readerRaf) this.readerRaf = requestAnimationFrame((t) => this.drawStaleReaders(t));
    this.scheduleHash();
  }

  /**
   * Playing: the reader panel drawn longest ago, if READER_MS ago or more; one out of view
   * (scrolled away, or hidden) waits until it is in view again, or the page pauses.
   */
  drawDueReader() {
    if (!this.view) return;
    const now = performance.now();
    let c = null;
    for (const x of this.components) {
      if (!x.reader || x.offscreen || now - (x.drawnAt || 0) < READER_MS) continue;
      if (!c || (x.drawnAt || 0) < (c.drawnAt || 0)) c = x;
    }
    if (!c) return;
    c.drawnAt = now;
    c.stale = false;
    this.drawPart(c, this.view);
  }

  /**
   * Draws one component; false when the core panicked (the page is then stopped).
   * @param {Component} c
   * @param {StateView} view
   */
  drawPart(c, view) {
    try { c.update(view, this.known); } catch (e) {
      if (isPanic(e)) { this.fail('drawing the page', e); return false; }
      origConsoleError(e);
      this.notify('error', 'A part of the page could not be drawn:', (e && e.message) || String(e));
    }
    return true;
  }

  /**
   * Paused after a seek: the reader panels not drawn yet, those in view first, as many per
   * frame as fit in READER_BUDGET_MS of the frame (`t`: its start).
   * @param {number} t
   */
  drawStaleReaders(t) {
    this.readerRaf = 0;
    let drawn = 0;
    for (;;) {
      const stale = this.components.filter((x) => x.reader && x.stale);
      if (!stale.length || !this.view) { this.readerWaits = 0; return; }
      // Those out of view only once the jumps stopped for READER_QUIET_MS (or in view).
      const quiet = performance.now() - this.seekAt >= READER_QUIET_MS;
      const c = stale.find((x) => !x.offscreen) || (quiet ? stale[0] : null);
      if (!c) { this.readersLater(); this.readerWaits = 0; return; }
      if (performance.now() - t > READER_BUDGET_MS && (drawn > 0 || this.readerWaits < 2)) break;
      c.stale = false;
      c.drawnAt = performance.now();
      if (!this.drawPart(c, this.view)) return;
      drawn += 1;
    }
    this.readerWaits = drawn ? 0 : this.readerWaits + 1;
    this.readerRaf = requestAnimationFrame((t2) => this.drawStaleReaders(t2));
  }

  /** The stale readers out of view, drawn READER_QUIET_MS after the last seek. */
  readersLater() {
    if (this.readerTimer) return;
    const wait = Math.max(0, this.seekAt + READER_QUIET_MS - performance.now());
    this.readerTimer = setTimeout(() => { this.readerTimer = 0; this.readersDue(); }, wait);
  }

  /** Draws the stale readers from the next frame on (a reader came into view, or the jumps stopped). */
  readersDue() {
    if (!this.playing && !this.readerRaf && this.components.some((x) => x.reader && x.stale)) {
      this.readerRaf = requestAnimationFrame((t) => this.drawStaleReaders(t));
    }
  }

  // ------------------------------------------------------------------ URL hash
  scheduleHash() {
    // Paused, the address follows once the page has been still for HASH_STILL_MS: writing
    // it (replaceState, about 5 ms on a long run) does not land in a frame of every jump
    // while a person skims the timeline.
    if (this.hashTimer && this.playing) return;
    if (this.hashTimer) clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => { this.hashTimer = null; this.syncHash(); }, this.playing ? 700 : HASH_STILL_MS);
  }

  async syncHash() {
    if (this.hashTimer) { clearTimeout(this.hashTimer); this.hashTimer = null; }
    if (!this.pg || !this.view || this.navigating) return;
    const tourHash = this.tour && this.tour.hash();
    if (tourHash) {
      ++this.hashSeq;
      const url = `${location.pathname}${location.search}${tourHash}`;
      if (tourHash !== location.hash) { if (this.pushNext) history.pushState(null, '', url); else history.replaceState(null, '', url); }
      this.ownHash = tourHash;
      this.pushNext = false;
      return;
    }
    let sc;
    try { sc = this.pg.scenario(); } catch { return; }
    const step = this.view.step;
    this.lastGood = { scenario: sc, step };
    // Playing, the address follows at most every HASH_PLAYING_MS: writing it (replaceState)
    // costs a frame or more on a long run; a pause writes it within 0.7 s.
    if (this.playing && performance.now() - (this.hashAt || 0) < HASH_PLAYING_MS) return;
    this.hashAt = performance.now();
    const seq = ++this.hashSeq;
    const hash = await share.encodeHash(sc, step);
    if (seq !== this.hashSeq || this.navigating) return;
    if (hash !== location.hash) {
      const url = `${location.pathname}${location.search}${hash}`;
      if (this.pushNext) history.pushState(null, '', url); else history.replaceState(null, '', url);
    }
    this.ownHash = hash;
    this.pushNext = false;
  }

  /** @param {boolean} initial */
  async openHash(initial) {
    let d;
    try {
      d = await share.decodeHash(location.hash);
    } catch (e) {
      const bad = location.hash.slice(0, 80);
      this.notify('error', 'This link is broken:', `${e.message}${/[.!?]$/.test(e.message) ? '' : '.'} ${initial ? 'Showing the seed demo instead.' : 'The current run is unchanged.'}`,
        { extra: h('details', { class: 'bad-link' }, h('summary', {}, 'the link as received'), h('code', {}, `${bad}${location.hash.length > 80 ? '…' : ''}`)) });
      if (initial || !this.pg) this.loadPreset(DEFAULT_PRESET, { push: false });
      else this.syncHash();
      return;
    }
    if (!d) { if (!this.pg) this.loadPreset(DEFAULT_PRESET, { push: false }); return; }
    if (d.tour) {
      if (!(this.tour && this.tour.openLink(d.tour, d.stop)) && !this.pg) this.loadPreset(DEFAULT_PRESET, { push: false });
      return;
    }
    // What a link that fails leaves on screen, said in its message.
    const after = this.pg ? 'The current run is unchanged.' : 'Showing the seed demo instead.';
    const fix = 'Was the link edited, or made by another version of Paxoscope? Ask its sender for it again.';
    if (d.preset) {
      if (!this.loadPreset(d.preset, { push: false, step: d.step, after }) && !this.pg) this.loadPreset(DEFAULT_PRESET, { push: false });
      return;
    }
    const ok = this.loadScenario(d.scenario, d.step, { source: 'this link', push: false, after: `${fix} ${after}` });
    if (!ok) {
      if (!this.pg) this.loadPreset(DEFAULT_PRESET, { push: false });
      else this.syncHash();
    }
  }
}

/**
 * @template T
 * @param {() => T} fn
 * @param {T} fallback
 * @returns {T}
 */
function safe(fn, fallback) { try { return fn(); } catch { return fallback; } }

// -------------------------------------------------------------------- boot
async function boot() {
  const notices = createNotices($('#notices'));
  window.addEventListener('unhandledrejection', (e) => notices.notify('error', 'Unexpected error:', String((e.reason && e.reason.message) || e.reason)));
  let api;
  try {
    api = await loadApi();
  } catch (e) {
    $('#boot').classList.add('failed');
    $('#boot').replaceChildren(h('strong', {}, 'The Paxos core (WebAssembly) could not be loaded. '),
      h('span', {}, `${(e && e.message) || e}. Build it with `, h('code', {}, 'make serve'), ' and open the page over http.'));
    return;
  }
  try {
    setVocabulary(api.vocabulary());
  } catch (e) {
    notices.notify('error', 'The Paxos core did not give its vocabulary:', `${(e && e.message) || e}. Messages and roles are shown without their explanations; rebuild the module with make build.`);
  }
  const app = new App(api, notices);

  // header
  const presetSel = $('#preset');
  presetSel.replaceChildren(
    ...app.presets.map((p) => h('option', { value: p.name, title: p.description }, p.title || p.name)),
    h('option', { value: '', disabled: true }, '— custom run —'));
  presetSel.addEventListener('change', () => { if (presetSel.value) app.loadPreset(presetSel.value); });
  $('#version').textContent = `core ${app.version}`;

  $('#share').addEventListener('click', async () => {
    await app.syncHash();
    const url = location.href;
    let copied = false;
    try { await navigator.clipboard.writeText(url); copied = true; } catch { copied = false; }
    const input = h('input', { type: 'text', readonly: true, value: url, class: 'share-url', 'aria-label': 'Link to this exact state' });
    app.notify('info', copied ? 'Link copied.' : 'Copy this link:', `Anyone who opens it sees step ${app.view.step} of this exact run.`, { extra: input, ms: 9000 });
    input.select();
  });
  $('#export').addEventListener('click', async () => {
    if (!app.pg) return;
    let sc;
    try { sc = app.pg.scenario(); } catch (e) { app.fail('exporting', e); return; }
    const name = share.downloadRun(sc, app.view.step, app.version);
    app.notify('info', `Saved ${name}.`, 'Import it here (or anywhere) to get this exact run back.');
  });
  const importInput = $('#import');
  importInput.addEventListener('change', async () => {
    const file = importInput.files && importInput.files[0];
    importInput.value = '';
    if (!file) return;
    let parsed;
    try {
      if (file.size > 50 * 1024 * 1024) throw new Error(`${file.name} is too large (${Math.round(file.size / 1e6)} MB) to be a run`);
      parsed = share.parseRunFile(await file.text(), file.name);
    } catch (e) {
      app.notify('error', 'Could not import that file:', `${e.message}. Import opens a file saved with Export. The current run is unchanged.`);
      return;
    }
    const after = 'Correct that in the file, or export the run again with Export. The current run is unchanged.';
    if (app.loadScenario(parsed.scenario, parsed.step, { source: file.name, after })) {
      app.notify('info', `Opened ${file.name}`, `at step ${app.view.step} of ${app.view.total_steps}.`);
    }
  });

  // A mouse click leaves no focus on buttons, so Space and the arrows go back to the
  // timeline at once; keyboard users (click detail 0) keep their focus.
  document.addEventListener('click', (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (e.detail === 0 || !target.closest) return;
    const b = /** @type {HTMLElement | null} */ (target.closest('button, [role="button"]'));
    // Blur at once (not in a later task): a key pressed right after the click must
    // already reach the page's shortcuts, however busy the main thread is.
    if (b && !b.closest('dialog')) b.blur();
  }, true);

  const help = createHelp(app, $('#help-root'));
  $('#help').addEventListener('click', () => help.open());

  // views
  /**
   * @template {Component} C
   * @param {C} c
   * @returns {C}
   */
  function comp(c) { app.components.push(c); return c; }
  /** A panel read rather than watched: drawn less often while playing (READER_MS), and not
   *  while playing when out of view. */
  const readerOf = new Map();
  const inView = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const c = readerOf.get(e.target);
      if (!c) continue;
      c.offscreen = !e.isIntersecting;
      // One left behind by the jumps comes into view: drawn now.
      if (!c.offscreen && c.stale) app.readersDue();
    }
  }, { rootMargin: '200px' });
  /**
   * @template {Component} C
   * @param {C} c
   * @param {Element} el
   * @returns {C}
   */
  function reader(c, el) { readerOf.set(el, c); inView.observe(el); return comp(Object.assign(c, { reader: true })); }
  comp(createBanner(app, $('#banner')));
  const topo = comp(createTopology(app, $('#topology')));
  app.topology = topo;
  $('#stage-hint').append(topo.emptyHint);
  comp(createLegend(app, $('#legend')));
  comp(createTransport(app, $('#transport')));
  comp(createTimeline(app, $('#timeline')));
  comp(createNarration(app, $('#narration')));
  reader(createInspector(app, $('#inspector')), $('#inspector'));
  reader(createFlightList(app, $('#flight')), $('#flight'));
  comp(createInvariants(app, $('#invariants')));
  comp(createSearch(app, $('#search')));
  reader(createStats(app, $('#stats')), $('#stats'));
  reader(createLogGrid(app, $('#log')), $('#log'));
  reader(createAppliedLogs(app, $('#applied')), $('#applied'));
  comp(createConflictPanel(app, $('#conflict')));
  const diagram = comp(createDiagram(app, $('#diagram')));
  const stageTabs = createStageTabs(app, $('#topology'), $('#diagram'), diagram);
  // The tabs share a row with the timeline, so the stage stays as short as it was.
  const stageRow = h('div', { class: 'stage-row' });
  $('#timeline').before(stageRow);
  stageRow.append(stageTabs.element, $('#timeline'));
  comp(createControls(app, $('#controls')));
  app.tour = comp(createTour(app, $('#tour-root')));
  let stageSubKey = '';
  comp({
    /** @param {StateView} view */
    update(view) {
      const p = view.preset !== undefined ? view.preset : app.presetName;
      app.presetName = p;
      presetSel.value = p && app.presets.some((x) => x.name === p) ? p : '';
      const sub = $('#stage-sub');
      const cfg = /** @type {Partial<import('./pkg/paxoscope.js').SimConfig>} */ (view.config || {});
      // After a reconfiguration the layout is where the run started (the chip says what is now).
      const started = (view.configs || []).length ? 'started as ' : '';
      const layout = cfg.layout ? `${started}${cfg.layout.kind === 'seed' ? 'seed layout' : `${cfg.layout.n} servers`}` : '';
      const q = quorumSummary(view.quorums);
      const lease = leaseSummary(view);
      const members = configSummary(view);
      // Rebuilt only when what it says changed (not on every step while playing).
      const key = JSON.stringify([layout, view.seed, cfg.bugs || [], q, lease, members]);
      if (key === stageSubKey) return;
      stageSubKey = key;
      sub.replaceChildren(`${layout} · seed ${view.seed}${(cfg.bugs || []).length ? ` · bug: ${cfg.bugs.join(', ')}` : ''}`,
        ...(q ? [' · ', h('button', { type: 'button', class: `quorum-chip${q.ok ? '' : ' disjoint'}`, id: 'quorum-chip', title: q.why,
          onclick: () => app.notify(q.ok ? 'info' : 'error', q.ok ? 'Why the quorums intersect' : 'These quorums need not intersect', q.why, { ms: 12000 }) }, q.short)] : []),
        ...(lease ? [' · ', h('button', { type: 'button', class: `lease-chip${lease.held ? ' held' : ''}`, id: 'lease-chip', title: lease.why,
          onclick: () => app.notify('info', 'Reads under a lease', lease.why, { ms: 12000 }) }, lease.short)] : []),
        ...(members ? [' · ', h('button', { type: 'button', class: `config-chip${members.pending ? ' pending' : ''}`, id: 'config-chip', title: members.why,
          onclick: () => app.notify('info', 'Reconfiguration through the log', members.why, { ms: 15000 }) }, members.short)] : []));
    },
  });

  for (const sel of ['#preset', '#speed']) $(sel)?.addEventListener('change', (/** @type {Event} */ e) => /** @type {HTMLElement} */ (e.target).blur());

  // A jump still replaying (app.seek goes on over the next frames) is finished first: what
  // these return is the step asked for, never one on the way.
  window.paxoscope = {
    state: () => { app.settle(); return app.pg.state(); },
    view: () => { app.settle(); return app.pg.view(); },
    scenario: () => app.pg.scenario(),
    playground: () => app.pg,
    diagram: () => diagram.shown(),
    app,
    api: () => app.api,
    version: () => app.version,
    flushHash: () => app.syncHash(),
    ready: false,
  };

  // Back and Forward change the hash in two tasks (popstate, then hashchange): a hash sync
  // due in between must not write the shown state's hash over the one navigated to.
  window.addEventListener('popstate', () => { app.navigating = location.hash !== app.ownHash; });
  window.addEventListener('hashchange', () => {
    app.navigating = false;
    if (location.hash === app.ownHash) return;
    app.openHash(false);
  });
  window.addEventListener('pagehide', () => { app.syncHash(); });

  await app.openHash(true);
  if (!app.pg) app.loadPreset(DEFAULT_PRESET, { push: false });
  $('#boot').remove();
  document.body.classList.add('ready');
  await app.syncHash();
  window.paxoscope.ready = true;
}

boot();
