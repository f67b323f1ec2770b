// @ts-check
// The narration: what the last step did, in words (the `events` texts of each step), as a
// short feed, newest first. It rewinds with the timeline.

import { h, reconcile } from './dom.js';
import { whyParts } from './explain.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').NarrationLine} NarrationLine */
/** @typedef {import('./main.js').PageApp} PageApp */

const KEEP = 120;
/**
 * Playing, the words are drawn at most this often (ms), in a frame that takes no step (the
 * page's App.defer): a step a frame rewrote the feed (thirty items moved down, laid out,
 * painted and rasterised again) for words nobody reads at 30 steps/s. Every step is still
 * recorded, and a pause draws the step it stops at.
 */
const PLAYING_MS = 250;
/** How the core's summary of a run that went quiet begins. */
const QUIET_SUMMARY = 'the run is quiet';

/**
 * The election timer of a running proposer that fires first: {node, at}, or null.
 * @param {StateView} view
 */
export function nextElection(view) {
  let next = null;
  for (const n of view.nodes) {
    const at = n.timers && n.timers.election;
    if (n.crashed || !n.roles.includes('proposer') || at == null) continue;
    if (!next || at < next.at) next = { node: n.id, at };
  }
  return next;
}

/**
 * What "Run until quiet" tells when it stops: quiet or not, who leads or what comes next.
 * @param {StateView} view
 * @param {number} steps
 */
export function quietNotice(view, steps) {
  const ran = `Ran ${steps} step${steps === 1 ? '' : 's'}:`;
  if (!view.quiet) {
    return { title: `Stopped after ${steps} steps,`, text: 'still not quiet (a partition or a crashed majority can keep clients waiting forever).' };
  }
  if (view.leader != null) return { title: ran, text: `quiet, with n${view.leader} leading: no message in flight, every client done.` };
  const next = nextElection(view);
  return {
    title: ran,
    text: next
      ? `quiet, but no leader was elected: n${next.node}'s election timer fires next, at tick ${next.at} (now ${view.now}).`
      : 'quiet, and no leader: no running proposer has an election timer set (restart a proposer, or fire its election timer).',
  };
}

/** @param {PageApp} app @param {HTMLElement} root */
export function createNarration(app, root) {
  const head = h('div', { class: 'narration-head' }, h('h2', { id: 'narr-title' }, 'What just happened'));
  const now = h('div', { class: 'narration-now', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const feed = h('ol', { class: 'narration-feed', 'aria-label': 'Earlier steps', reversed: true });
  root.append(head, now, feed);
  /** @type {{ step: number, now: any, events: any[], li?: HTMLElement }[]} */
  let entries = []; // {step, now, events}
  let shownKey = '';
  let drawnAt = -Infinity;
  /** @type {StateView | null} */
  let latest = null;

  /** @param {StateView} view */
  function blurb(view) {
    const name = view.preset !== undefined ? view.preset : app.presetName;
    const p = (app.presets || []).find((x) => x.name === name);
    return p ? p.description : '';
  }

  /** @param {NarrationLine} ev */
  function evLine(ev) {
    return h('li', { 'data-event': ev.event || null }, ev.node != null ? h('span', { class: 'ev-node' }, `N${ev.node}`) : null, h('span', {}, ev.text), ...whyParts(ev));
  }

  /** @param {StateView} view */
  function update(view) {
    // forget steps at or after the current one (rewind / fork), then record this one
    if (entries.length && entries[entries.length - 1].step >= view.step) entries = entries.filter((e) => e.step < view.step);
    const evs = view.events || [];
    if (view.step > 0) entries.push({ step: view.step, now: view.now, events: evs });
    if (entries.length > KEEP) entries = entries.slice(-KEEP);
    latest = view;
    if (!app.playing) { draw(); return; }
    if (performance.now() - drawnAt < PLAYING_MS) return;
    app.defer('narration', draw);
  }

  function draw() {
    const view = latest;
    if (!view) return;
    drawnAt = performance.now();
    const evs = view.events || [];
    const key = `${view.step}|${view.total_steps}|${entries.length}`;
    if (key === shownKey) return;
    shownKey = key;
    now.setAttribute('aria-live', app.playing ? 'off' : 'polite');
    if (view.step === 0) {
      now.replaceChildren(h('p', { class: 'intro' },
        h('strong', {}, 'Step 0 — nothing has happened yet. '),
        blurb(view) ? `${blurb(view)} ` : '',
        'Press ', h('kbd', {}, '→'), ' to let the scheduler take one step, ', h('kbd', {}, 'space'), ' to play, or click a message in flight to deliver it yourself.'));
    } else {
      // The core ends a step that made the run quiet with its summary (src/sim/narration.rs):
      // shown first, in a box, with what the step itself did under it.
      const at = evs.findIndex((e) => e.node == null && e.text.startsWith(QUIET_SUMMARY));
      const summary = at >= 0 ? evs.slice(at) : [];
      const own = at >= 0 ? evs.slice(0, at) : evs;
      now.replaceChildren(...[
        h('span', { class: 'step-badge' }, `step ${view.step}`),
        summary.length ? h('ul', { class: 'ev-list quiet-summary', 'aria-label': 'How the run ended' }, ...summary.map(evLine)) : null,
        own.length ? h('ul', { class: 'ev-list' }, ...own.map(evLine)) : summary.length ? null : h('span', { class: 'muted' }, ' Nothing visible happened in this step.'),
      ].filter(Boolean));
    }
    // Earlier steps: one item per step, kept while it stays in the feed (a step's words
    // never change), so a step played adds one item instead of rebuilding thirty.
    const older = entries.filter((e) => e.step < view.step).slice(-30).reverse();
    const items = older.map((e) => {
      if (!e.li) {
        e.li = h('li', { class: 'feed-item' },
          h('button', { type: 'button', class: 'step-link', 'aria-label': `Go back to step ${e.step}`, onclick: () => app.seek(e.step) }, `${e.step}`),
          h('ul', { class: 'ev-list' }, ...(e.events.length ? e.events.map(evLine) : [h('li', { class: 'muted' }, '—')])));
      }
      return e.li;
    });
    reconcile(feed, items);
  }

  return { update, reset: () => { entries = []; shownKey = ''; latest = null; drawnAt = -Infinity; } };
}
