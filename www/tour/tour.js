// @ts-check
// The guided tour's UI: the Tour button, a panel with the stop's text (in the left rail on a
// desktop, a sheet at the bottom on a phone), Next / Back / progress / arrow keys, the
// reader's turn at a waiting stop, highlights, deep links (#tour=CHAPTER&stop=N) and
// leaving the script and coming back. What the stops say and do is in chapters.js; how
// they are built and checked, in engine.js.

import { h, $ } from '../dom.js';
import { tourHash } from '../share.js';
import { CHAPTERS } from './chapters.js';
import { buildChapter, failingFacts, matches, sameAction, describeMatch } from './engine.js';

/** @typedef {import('../main.js').PageApp} PageApp */
/** @typedef {import('../pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('../pkg/paxoscope.js').Playground} Playground */
/** @typedef {import('../pkg/paxoscope.js').Action} Action */
/** @typedef {import('./engine.js').Match} Match */
/** A thing a stop points at: a node, a message, a log cell, an invariant, an event. @typedef {{ node?: number | string, message?: Match, cell?: [number, number], invariant?: string, event?: string }} Highlight */

const HL = 'tour-hl';
const TARGET = 'tour-target'; // what the reader is asked to act on

/** @param {EventTarget | null} t */
function isField(t) {
  return t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName));
}

/** @param {PageApp} app @param {HTMLElement} root */
export function createTour(app, root) {
  const built = new Map(); // chapter id → built stops
  const at = { ch: 0, stop: 0 }; // where the script is
  let open = false;
  let started = false; // the reader has opened a stop once: the button resumes there
  let pending = false; // a stop is being loaded: adopt the next Playground
  /** @type {Playground | null} the Playground the tour loaded for the current stop */
  let pg = null;
  let step = -1; // and the step it opened at
  /** @type {StateView | null} */
  let lastView = null;
  let offReason = '';

  const button = /** @type {HTMLButtonElement | null} */ ($('#tour'));

  // ---------------------------------------------------------------- panel
  const kicker = h('span', { class: 'tour-kicker' });
  const closeBtn = h('button', { type: 'button', class: 'icon-btn tour-close', 'aria-label': 'Leave the tour (the run stays; Tour brings you back)', title: 'Leave the tour', onclick: () => close() }, '✕');
  const chapterSel = h('select', { class: 'tour-chapter', 'aria-label': 'Tour chapter' },
    ...CHAPTERS.map((c, i) => h('option', { value: String(i) }, `${i + 1}. ${c.title}`)));
  chapterSel.addEventListener('change', () => { go(Number(chapterSel.value), 0, { push: true }); chapterSel.blur(); });
  const dots = h('ol', { class: 'tour-dots', 'aria-hidden': 'true' });
  const progress = h('div', { class: 'tour-progress', role: 'progressbar', 'aria-valuemin': '1' }, dots);
  const title = h('h2', { class: 'tour-title', id: 'tour-title', tabindex: '-1' });
  const text = h('p', { class: 'tour-text' });
  const turn = h('div', { class: 'tour-turn', hidden: true });
  const off = h('div', { class: 'tour-off', role: 'status', hidden: true });
  const broke = h('div', { class: 'tour-broken', hidden: true });
  const backBtn = h('button', { type: 'button', class: 'btn tour-back', onclick: () => back() }, '← Back');
  const counter = h('span', { class: 'tour-count muted' });
  const nextBtn = h('button', { type: 'button', class: 'btn primary tour-next', onclick: () => next() }, 'Next →');
  const keys = h('p', { class: 'tour-keys muted' }, h('kbd', {}, '←'), ' ', h('kbd', {}, '→'), ' move between stops; the page stays yours to play with.');
  const panel = h('section', { class: 'card tour-panel', role: 'region', 'aria-labelledby': 'tour-title', hidden: true, 'data-testid': 'tour' },
    h('div', { class: 'tour-head' }, kicker, closeBtn),
    chapterSel, progress, title, text, broke, turn, off,
    h('div', { class: 'tour-nav' }, backBtn, counter, nextBtn), keys);
  root.append(panel);

  if (button) button.addEventListener('click', () => (open ? close() : resume()));

  // ---------------------------------------------------------------- script
  /** @param {number} ci */
  function stopsOf(ci) {
    const ch = CHAPTERS[ci];
    if (!built.has(ch.id)) built.set(ch.id, buildChapter(app.api, ch));
    return built.get(ch.id);
  }

  const chapter = () => CHAPTERS[at.ch];
  const stop = () => chapter().stops[at.stop];
  const builtStop = () => built.get(chapter().id)?.[at.stop];

  /** Whether the page shows exactly the state of the current stop. */
  function onScript() {
    return open && pg != null && app.pg === pg && lastView != null && lastView.step === step && lastView.total_steps === step;
  }

  /** Whether the page shows the step where the current bug stop's rule broke. */
  function atBroken() {
    const b = builtStop();
    return open && b != null && b.broken != null && pg != null && app.pg === pg && lastView != null
      && lastView.step === b.broken.step && lastView.total_steps === step && step !== b.broken.step;
  }

  /** Opens stop `si` of chapter `ci`: rebuilds its run from the script. */
  /** @param {number} ci @param {number} si */
  function go(ci, si, { push = false } = {}) {
    let stops;
    try { stops = stopsOf(ci); } catch (e) {
      app.notify('error', 'The tour could not build this chapter:', `${(e && e.message) || e}. The current run is unchanged.`);
      return false;
    }
    const b = stops[si];
    at.ch = ci; at.stop = si;
    open = true; started = true; offReason = '';
    pending = true;
    const ok = app.loadScenario(b.scenario, null, { source: `the tour (chapter ${ci + 1}, stop ${si + 1})`, push });
    pending = false;
    if (!ok) { pg = null; render(); return false; }
    step = b.step;
    document.body.classList.add('touring');
    const cell = (stop().highlight || []).find((x) => x.cell);
    const grid = app.components.find((c) => c.scrollToSlot);
    if (cell && grid) grid.scrollToSlot(cell.cell[0]);
    app.select(null);
    app.render();
    // The address bar already shows this stop when a link or the browser's Back opened it:
    // a later hashchange to the stop shown before must not be taken for the page's own.
    if (!push) app.ownHash = hash();
    return true;
  }

  function next() {
    const ch = chapter();
    if (at.stop + 1 < ch.stops.length) go(at.ch, at.stop + 1, { push: true });
    else if (at.ch + 1 < CHAPTERS.length) go(at.ch + 1, 0, { push: true });
    else close();
  }

  function back() {
    if (at.stop > 0) go(at.ch, at.stop - 1, { push: true });
    else if (at.ch > 0) go(at.ch - 1, CHAPTERS[at.ch - 1].stops.length - 1, { push: true });
  }

  function resume() {
    if (started) {
      if (!go(at.ch, at.stop, { push: true })) return;
    } else if (!go(0, 0, { push: true })) return;
    title.focus({ preventScroll: true });
  }

  function close() {
    open = false;
    document.body.classList.remove('touring');
    clearHighlights();
    render();
    app.render(); // the hash becomes the run's own share link again
    if (button) button.focus({ preventScroll: true });
  }

  /** The action the current stop waits for, if the page is on it. */
  function doIt() {
    const b = builtStop();
    if (b && b.expect) app.apply(b.expect, 'the tour\'s step');
  }

  // The reader's own action at a waiting stop moves the tour on.
  const apply = app.apply.bind(app);
  app.apply = (/** @type {Action} */ action, /** @type {string | undefined} */ what) => {
    const was = onScript();
    const b = builtStop();
    const r = apply(action, what);
    if (was && r && r.ok) {
      if (b && b.expect && sameAction(action, b.expect)) go(at.ch, at.stop + 1, { push: true });
      else {
        offReason = b && b.expect ? 'That was not the step this stop waits for, so the run left the script.' : '';
        render();
      }
    }
    return r;
  };

  // ---------------------------------------------------------------- drawing
  function render() {
    panel.hidden = !open;
    if (button) {
      button.classList.toggle('active', open);
      button.setAttribute('aria-pressed', String(open));
      button.setAttribute('aria-label', open ? 'Tour: leave the guided tour' : started ? `Tour: resume at chapter ${at.ch + 1}, stop ${at.stop + 1}` : 'Tour: learn Multi-Paxos one rule at a time');
    }
    if (!open) return;
    const ch = chapter();
    const s = stop();
    const n = ch.stops.length;
    kicker.textContent = `Tour · chapter ${at.ch + 1} of ${CHAPTERS.length}`;
    chapterSel.value = String(at.ch);
    dots.replaceChildren(...ch.stops.map((_, i) => h('li', { class: i < at.stop ? 'done' : i === at.stop ? 'here' : '' })));
    progress.setAttribute('aria-valuemax', String(n));
    progress.setAttribute('aria-valuenow', String(at.stop + 1));
    progress.setAttribute('aria-label', `Stop ${at.stop + 1} of ${n}`);
    title.textContent = s.title;
    text.textContent = s.text;
    counter.textContent = `${at.stop + 1} / ${n}`;
    backBtn.disabled = at.ch === 0 && at.stop === 0;
    const last = at.stop + 1 === n;
    nextBtn.textContent = !last ? 'Next →' : at.ch + 1 < CHAPTERS.length ? `Chapter ${at.ch + 2} →` : 'Finish';
    nextBtn.setAttribute('aria-label', !last ? 'Next stop' : at.ch + 1 < CHAPTERS.length ? `Next: chapter ${at.ch + 2}, ${CHAPTERS[at.ch + 1].title}` : 'Finish the tour');
    const on = onScript();
    const b = builtStop();
    turn.hidden = !(on && s.wait);
    if (on && s.wait) {
      const act = s.wait.bug
        ? h('button', { type: 'button', role: 'switch', 'aria-checked': 'false', class: 'btn small danger tour-switch', onclick: doIt, disabled: !b || !b.expect }, `Switch ${s.wait.bug} on`)
        : h('button', { type: 'button', class: 'btn small tour-doit', onclick: doIt, disabled: !b || !b.expect }, 'Do it for me');
      turn.replaceChildren(h('strong', {}, 'Your turn: '), s.wait.prompt || describeMatch(s.wait.deliver || {}), ' ', act);
    }
    const broken = b && b.broken;
    broke.hidden = !broken || !(on || atBroken());
    if (broken && !broke.hidden) {
      const here = !on;
      broke.replaceChildren(
        h('strong', {}, here ? `Step ${broken.step}: the rule breaks here. ` : `The rule broke at step ${broken.step}. `), broken.says, ' ',
        here
          ? h('button', { type: 'button', class: 'btn small tour-broken-back', onclick: () => app.seek(step) }, `Back to step ${step}`)
          : broken.step === step ? null : h('button', { type: 'button', class: 'btn small tour-broken-go', onclick: () => app.seek(broken.step) }, `Show step ${broken.step}`));
    }
    off.hidden = on || pg == null || atBroken();
    if (!off.hidden) {
      const where = lastView ? `step ${lastView.step}` : 'another run';
      off.replaceChildren(
        h('span', {}, offReason || `You are playing freely (${where}); the tour waits.`), ' ',
        h('button', { type: 'button', class: 'btn small tour-return', onclick: () => go(at.ch, at.stop, { push: true }) }, `Back to stop ${at.stop + 1}`));
    }
  }

  let marked = false; // whether anything on the page may carry a highlight
  function clearHighlights() {
    if (!marked) return;
    marked = false;
    document.querySelectorAll(`.${HL}, .${TARGET}`).forEach((el) => el.classList.remove(HL, TARGET));
    markChips([], []);
  }
  /** Marks message chips of the cluster picture (a canvas, see www/topology.js). */
  /** @param {number[]} hl @param {number[]} target */
  function markChips(hl, target) {
    if (app.topology) app.topology.mark(hl, target);
  }

  /** The elements a highlight points at (empty when it is not on the page). */
  /** @param {Highlight} hl @param {StateView} view @returns {Element[]} */
  function targets(hl, view) {
    const all = (/** @type {string} */ sel) => [...document.querySelectorAll(sel)];
    if (hl.node != null) return all(`#topology .node[data-node="${hl.node}"], #log .log-th[data-node="${hl.node}"]`);
    if (hl.message) {
      return view.messages.filter((m) => matches(m, hl.message, app.pg))
        .flatMap((m) => all(`#flight .flight-item[data-msg="${m.id}"]`));
    }
    if (hl.cell) return all(`#log .log-row[data-slot="${hl.cell[0]}"] .log-cell[data-node="${hl.cell[1]}"]`);
    if (hl.invariant) return all(`#invariants .inv[data-inv="${hl.invariant}"]`);
    if (hl.event) return all(`#narration .narration-now li[data-event="${hl.event}"]`);
    return [];
  }

  /** @type {string | null} the stop whose highlights were last brought into view */
  let revealFor = null;
  function highlight() {
    clearHighlights();
    if (!onScript() || !lastView) return;
    marked = true;
    const found = (stop().highlight || []).map((hl) => targets(hl, lastView));
    for (const els of found) for (const el of els) el.classList.add(HL);
    const w = stop().wait;
    const aim = w && (w.deliver ? { message: w.deliver } : w.crash != null ? { node: w.crash } : w.restart != null ? { node: w.restart } : null);
    if (aim) for (const el of targets(aim, lastView)) el.classList.add(HL, TARGET);
    // The cluster picture paints its message chips on a canvas: it is told which to mark.
    const ids = (/** @type {Highlight | null | undefined} */ hl) => (hl && hl.message ? lastView.messages.filter((m) => matches(m, hl.message, app.pg)).map((m) => m.id) : []);
    markChips((stop().highlight || []).flatMap(ids), ids(aim));
    // On a desktop each column scrolls on its own: bring what the stop points at into view
    // once (a phone keeps its place on the page, under the tour's sheet).
    const key = `${at.ch}:${at.stop}:${step}`;
    if (revealFor !== key && window.matchMedia('(min-width: 1100px) and (min-height: 640px)').matches) {
      revealFor = key;
      for (const els of found) {
        const el = els.find((x) => x.closest('#invariants, #flight'));
        if (el) el.scrollIntoView({ block: 'nearest' });
      }
    }
  }
  let hlFrame = 0;
  function highlightSoon() {
    if (hlFrame) return;
    hlFrame = requestAnimationFrame(() => { hlFrame = requestAnimationFrame(() => { hlFrame = 0; highlight(); }); });
  }
  document.addEventListener('scroll', (e) => {
    if (open && e.target instanceof Element && e.target.closest('#log')) highlightSoon();
  }, true);

  /** @param {StateView} view */
  function update(view) {
    if (pending) pg = app.pg;
    lastView = view;
    render();
    highlight();
    highlightSoon(); // again once the log grid drew its rows
  }

  // ← → move between stops while the page shows the tour's state; otherwise they step the
  // run as usual.
  window.addEventListener('keydown', (e) => {
    if (!open || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isField(e.target)) return;
    if (document.querySelector('dialog[open]')) return;
    if (!onScript()) return;
    if (e.key === 'ArrowRight') { e.preventDefault(); next(); } else if (e.key === 'ArrowLeft') { e.preventDefault(); back(); }
  }, true);

  /** The hash while on the script (#tour=…&stop=…), else null: the run's own link. */
  function hash() {
    return onScript() ? tourHash(chapter().id, at.stop + 1) : null;
  }

  /** Opens a deep link; says clearly what is wrong with a bad one. Returns true if opened. */
  /** @param {string} id @param {number} stopNo */
  function openLink(id, stopNo) {
    const ci = CHAPTERS.findIndex((c) => c.id === id);
    if (ci < 0) {
      app.notify('error', 'This tour link is broken:', `there is no chapter "${id}". The chapters are ${CHAPTERS.map((c) => c.id).join(', ')}.${app.pg ? ' The current run is unchanged.' : ' Showing the seed demo instead.'}`);
      return false;
    }
    const n = CHAPTERS[ci].stops.length;
    if (stopNo > n) {
      app.notify('error', 'This tour link is broken:', `chapter "${id}" has ${n} stops, not ${stopNo}. Showing its first stop.`);
      stopNo = 1;
    }
    return go(ci, stopNo - 1);
  }

  /** For tests: where the tour is and what its stop claims, checked against the page's run. */
  function inspect() {
    const s = open ? stop() : null;
    let failing = [];
    if (s && app.pg) failing = failingFacts(s, app.pg.view(), app.pg);
    return {
      open, onScript: onScript(), at: { step, samePlayground: pg != null && app.pg === pg, shown: lastView && [lastView.step, lastView.total_steps] }, chapter: open ? chapter().id : null, stop: open ? at.stop + 1 : null,
      stops: open ? chapter().stops.length : null, waits: !!(s && s.wait), failing, broken: open ? builtStop()?.broken ?? null : null,
      highlights: s ? (s.highlight || []).map((hl) => ({ hl: JSON.stringify(hl), found: targets(hl, app.pg.view()).length })) : [],
    };
  }

  return { update, hash, openLink, go, next, back, close, resume, inspect, chapters: CHAPTERS };
}
