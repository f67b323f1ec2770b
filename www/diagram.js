// @ts-check
// The message sequence diagram (Lamport's space-time diagram), live and a control surface:
// a lane per node and client, each message an arrow from its send to its end (a cross when
// lost, a fork for a duplicate, dangling to "now" while in flight: click it to deliver,
// drop or duplicate it), elections, decisions, crashes and partitions marked; the current
// step is a cursor kept in sync with the timeline both ways; "why" dims everything outside
// an event's causal past (the core's happens-before relation, causalPast()).
// Virtualised: only the steps in view are asked for (spacetime(from, to)), built into a
// scene (diagram-model.js) and painted on a canvas (diagram-paint.js) for the part in view;
// what people act on stays SVG on top: the dangling ends of messages in flight, the lane
// events (elections, decisions, crashes, ...) and the keyboard focus. A click on the canvas
// finds the arrow or the send / receive under it.

import { h, s, setText, reconcile } from './dom.js';
import { kinds, kindColor } from './glossary.js';
import {
  STEP_W, GUTTER, laneKey, stepX, markPath, markFill, markFilled,
  sequenceText, standaloneSvg, buildScene, sceneSvg, describe,
} from './diagram-model.js';
import { paintScene, hitScene } from './diagram-paint.js';

/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').Addr} Addr */
/** @typedef {import('./pkg/paxoscope.js').SpaceTimeWindow} SpaceTimeWindow */
/** @typedef {import('./pkg/paxoscope.js').MessageTrace} MessageTrace */
/** @typedef {import('./pkg/paxoscope.js').LaneEvent} LaneEvent */
/** @typedef {import('./pkg/paxoscope.js').CausalPast} CausalPast */
/** @typedef {import('./main.js').PageApp} PageApp */
/** @typedef {import('./diagram-model.js').Scene} Scene */
/** @typedef {import('./diagram-model.js').SceneEvent} SceneEvent */
/** The selected event's causal slice, and the core's answer it came from. @typedef {import('./diagram-model.js').Selection & { raw: CausalPast }} Selected */
/** An SVG element drawn for a key, with the words it was built from (`sig`). @typedef {{ el: any, sig: string, spot?: string, opaque?: boolean }} Drawn */
/** Something the keyboard reaches: its key ('e<event>' or 'd<message>') and where it is. @typedef {{ key: string, x: number, y: number, el?: Element }} Reachable */

/** Steps drawn beyond each side of what is in view, so a short scroll needs no new window. */
const MARGIN_STEPS = 48;
/** While playing, the diagram redraws at most this often (ms); the cursor moves every frame. */
const PLAY_REDRAW_MS = 150;
/** Pixels painted on the canvas beyond each side of the view, so a fast scroll shows no gap. */
const PAINT_MARGIN = 160;
/** How far (px) a lane event's mark reaches from its centre (its hit circle). */
const MARK_REACH = 8;
/** The width (px) a violation's words ("linearizability violated") need right of its line. */
const VIOLATION_WORDS_W = 130;

/** Sets an attribute only when it changed. @param {Element} el @param {string} name @param {string} value */
function setAttr(el, name, value) { if (el.getAttribute(name) !== value) el.setAttribute(name, value); }
/**
 * Sets an inline style property only when it changed.
 * @param {HTMLElement | SVGElement} el
 * @param {'width' | 'height' | 'left' | 'cursor'} prop
 * @param {string} value
 */
function setStyle(el, prop, value) { if (el.style[prop] !== value) el.style[prop] = value; }

/**
 * @param {PageApp} app
 * @param {HTMLElement} root
 */
export function createDiagram(app, root) {
  /** @type {import('./diagram-model.js').Filter} */
  const filter = { kinds: new Set(['Heartbeat']), lanes: new Set() };
  /** @type {SpaceTimeWindow | null} */
  let win = null; // the last window fetched
  /** @type {Scene | null} */
  let scene = null; // what it shows (diagram-model.js buildScene)
  let winKey = '';
  let cursor = 0;
  let total = 0;
  let lastDraw = 0;
  let trailing = 0;
  /** @type {Selected | null} */
  let selected = null;
  let active = false;
  let lastCursor = -1;
  /** @type {Set<number>} */
  let inFlightIds = new Set();
  /** @type {number | null} */
  let hover = null; // the message index under the pointer
  /** @type {number | null} */
  let focusMsg = null; // the message of the focused send / receive / dangling end
  const supported = () => app.pg && typeof app.pg.spacetime === 'function';

  // ---------------------------------------------------------------- DOM
  const kindBox = h('div', { class: 'dg-checks' });
  const laneBox = h('div', { class: 'dg-checks' });
  const kindMenu = h('details', { class: 'dg-menu' }, h('summary', { class: 'btn small' }, 'Kinds'), kindBox);
  const laneMenu = h('details', { class: 'dg-menu' }, h('summary', { class: 'btn small' }, 'Lanes'), laneBox);
  const hbInput = h('input', { type: 'checkbox' });
  const hbToggle = h('label', { class: 'dg-hb' }, hbInput, 'Heartbeats');
  const item = (/** @type {string} */ label, /** @type {string} */ text) => h('button', { type: 'button', class: 'dg-item', 'aria-label': label }, text);
  const exportSvgBtn = item('Export the visible part of the diagram as an SVG file', 'SVG file');
  const exportMmdBtn = item('Export the visible part of the diagram as Mermaid text', 'Mermaid text');
  const exportSeqBtn = item('Export the visible part of the diagram as sequencediagram.org text', 'sequencediagram.org text');
  const exportMenu = h('details', { class: 'dg-menu right' }, h('summary', { class: 'btn small' }, 'Export'), h('div', { class: 'dg-checks' }, exportSvgBtn, exportMmdBtn, exportSeqBtn));
  const status = h('span', { class: 'dg-status muted small', 'aria-live': 'polite' });
  const bar = h('div', { class: 'dg-bar' },
    h('div', { class: 'dg-filters', role: 'group', 'aria-label': 'Diagram filters' }, hbToggle, kindMenu, laneMenu),
    h('div', { class: 'dg-export', role: 'group', 'aria-label': 'Export the diagram' }, exportMenu));

  const labels = h('div', { class: 'dg-labels', 'aria-hidden': 'true' });
  // Not a tab stop itself (the item with the roving tabindex inside is).
  const svg = s('svg', { class: 'dg-svg', role: 'group', 'aria-label': 'Message sequence diagram', tabindex: -1 });
  const gContent = s('g', { class: 'dg-content' });
  // The words of partitions and violations (their lines are painted).
  const gBack = s('g', { class: 'dg-back' });
  // Lane events people click (elections, decisions, crashes, ...): SVG, one tab stop.
  const gEvs = s('g', { class: 'dg-evs' });
  // The keyboard focus on a send or receive (those are painted): one element, moved.
  const gFocus = s('g', { class: 'dg-focus-layer' });
  // Dangling ends, on top of everything, in a group that follows "now": every message in
  // flight ends at the cursor, so moving "now" is one transform, not one write per message.
  const gRings = s('g', { class: 'dg-rings' });
  gContent.append(gBack, gEvs, gFocus, gRings);
  const gUi = s('g', { class: 'dg-ui' });
  svg.append(gContent, gUi);
  // Lanes, arrows, sends and receives are painted on a canvas under the SVG, for the part
  // in view (and a margin): hundreds of SVG elements built and laid out per window cost
  // whole frames.
  const canvas = h('canvas', { class: 'dg-canvas', 'aria-hidden': 'true' });
  const inner = h('div', { class: 'dg-inner' }, labels, canvas, svg);
  const scroller = h('div', { class: 'dg-scroller', tabindex: 0, 'aria-label': 'Message sequence diagram, scrolls in time' }, inner);
  const pop = h('div', { class: 'dg-pop', hidden: true, role: 'dialog', 'aria-label': 'Act on a message in flight' });
  const why = h('div', { class: 'dg-why', hidden: true, role: 'region', 'aria-label': 'Why: the causal past of the selected event' });
  const empty = h('p', { class: 'muted small dg-empty', hidden: true });
  root.append(bar, h('div', { class: 'dg-stage' }, scroller, pop), status, empty, why);

  hbInput.addEventListener('change', () => {
    if (hbInput.checked) filter.kinds.delete('Heartbeat'); else filter.kinds.add('Heartbeat');
    syncFilterControls();
    refresh(true);
  });
  const closeMenus = () => { for (const d of [kindMenu, laneMenu, exportMenu]) d.open = false; };
  exportSvgBtn.addEventListener('click', () => { closeMenus(); exportSvg(); });
  exportMmdBtn.addEventListener('click', () => { closeMenus(); exportText('mermaid'); });
  exportSeqBtn.addEventListener('click', () => { closeMenus(); exportText('sequencediagram'); });
  document.addEventListener('click', (e) => {
    for (const d of [kindMenu, laneMenu, exportMenu]) if (d.open && !d.contains(/** @type {Node} */ (e.target))) d.open = false;
  });

  // The scroller's offset and width, kept here: reading them from the DOM in the middle of
  // a frame would force a layout of the whole page.
  let scrollX = 0;
  let viewW = 0;
  let scrollWanted = false;
  let scrollRaf = 0;
  /**
   * The scrolled width: the history and, past its newest step, a quarter of the view
   * (rounded up to whole quarters). While the run grows at its end, "now" then walks across
   * the last quarter and the view jumps a quarter at a time (follow), instead of scrolling
   * and growing by one step on every step.
   */
  function extent() {
    const quarter = Math.max(1, Math.ceil((Math.max(0, (viewW || 600) - GUTTER) / STEP_W) / 4));
    return GUTTER + Math.ceil((total + 3 + quarter) / quarter) * quarter * STEP_W;
  }
  /**
   * Scrolls to x: known at once, written to the DOM by a callback of its own at the start of
   * the next frame, before the page's frame callback changes anything: written later in a
   * frame (the diagram's flush runs after the page's when a scroll event scheduled it), it
   * would force a layout of the page.
   */
  /** @param {number} x */
  function setScroll(x) {
    scrollX = Math.round(Math.max(0, Math.min(x, extent() - viewW)));
    scrollWanted = true;
    if (!scrollRaf) scrollRaf = requestAnimationFrame(writeScroll);
    schedule();
  }
  function writeScroll() {
    scrollRaf = 0;
    if (!scrollWanted) return;
    scrollWanted = false;
    if (Math.abs(domScroll - scrollX) >= 1) { scroller.scrollLeft = scrollX; domScroll = scrollX; }
  }
  new ResizeObserver(() => {
    const w = scroller.clientWidth;
    if (w === viewW) return;
    viewW = w;
    lastCursor = -1;
    if (active && app.view) { winKey = ''; update(app.view); }
  }).observe(scroller);

  // One animation frame does the diagram's DOM work (after the scroll offset, written by
  // writeScroll at the start of the frame): a new window if one is due (fetched, built,
  // drawn), else a repaint of the canvas. Nothing here reads the layout.
  let raf = 0;
  let drawDue = false;
  let paintDue = false;
  let scrolled = false;
  let svgDue = false;
  let inFlush = false;
  function schedule() { if (!raf) raf = requestAnimationFrame(flush); }
  function flush() {
    raf = 0;
    // The window fetched in the last frame, drawn; then (in a later frame) the next window.
    if (svgDue) drawScene();
    if (drawDue) {
      drawDue = false;
      inFlush = true;
      try { if (refresh(false)) paintDue = false; } finally { inFlush = false; }
    }
    if (paintDue) { paintDue = false; paint(); }
    if (scrolled) { scrolled = false; paintIfUncovered(); }
  }

  let domScroll = 0;
  scroller.addEventListener('scroll', () => {
    domScroll = scroller.scrollLeft;
    if (!scrollWanted) scrollX = domScroll;
    hidePop();
    drawDue = true;
    scrolled = true;
    schedule();
  }, { passive: true });
  scroller.addEventListener('keydown', (e) => {
    if (e.target !== scroller) return;
    if (e.key === 'Escape' && selected) { e.preventDefault(); clearSelection(); }
  });

  function syncFilterControls() {
    hbInput.checked = !filter.kinds.has('Heartbeat');
    for (const c of kindBox.querySelectorAll('input')) c.checked = !filter.kinds.has(c.value);
    for (const c of laneBox.querySelectorAll('input')) c.checked = !filter.lanes.has(c.value);
  }

  function buildKindChecks() {
    kindBox.replaceChildren(...kinds().map((k) => {
      const input = h('input', { type: 'checkbox', value: k.name, checked: !filter.kinds.has(k.name) });
      input.addEventListener('change', () => {
        if (input.checked) filter.kinds.delete(k.name); else filter.kinds.add(k.name);
        syncFilterControls();
        refresh(true);
      });
      return h('label', { class: 'dg-check' }, input, h('span', { class: 'swatch', style: { background: kindColor(k.name) } }), k.name);
    }));
  }

  let lanesSig = '';
  /** @param {Addr[]} lanes */
  function buildLaneChecks(lanes) {
    const sig = lanes.map(laneKey).join(',');
    if (sig === lanesSig) return;
    lanesSig = sig;
    laneBox.replaceChildren(...lanes.map((l) => {
      const k = laneKey(l);
      const input = h('input', { type: 'checkbox', value: k, checked: !filter.lanes.has(k) });
      input.addEventListener('change', () => {
        if (input.checked) filter.lanes.delete(k); else filter.lanes.add(k);
        refresh(true);
      });
      return h('label', { class: 'dg-check' }, input, k);
    }));
  }
  buildKindChecks();
  syncFilterControls();

  // ---------------------------------------------------------------- data
  function visibleSteps() {
    const w = Math.max(0, (viewW || 600) - GUTTER);
    const first = Math.floor(scrollX / STEP_W);
    const last = Math.ceil((scrollX + w) / STEP_W);
    return { first, last };
  }

  function wanted() {
    const { first, last } = visibleSteps();
    return { from: Math.max(0, first - MARGIN_STEPS), to: Math.min(total, last + MARGIN_STEPS) };
  }

  // The last window, for spacetimeSince: a message does not change once it has ended, nor
  // while it is in flight, and a step's events once recorded, so the next window lists
  // the messages the page holds by index only (`kept`) and sends only the events after the
  // last window's steps, instead of the ~600 messages in flight of a big run and every
  // event in view again each 150 ms while playing. A fork changes `generation`.
  /** @type {{ pg: object, generation: number, below: number, from: number, to: number, whole: boolean, byIndex: Map<number, MessageTrace>, events: LaneEvent[] } | null} */
  let held = null;

  /**
   * @param {number} from
   * @param {number} to
   * @returns {SpaceTimeWindow | null}
   */
  function fetchWindow(from, to) {
    const pg = app.pg;
    if (typeof pg.spacetimeSince !== 'function') {
      const r = app.call('reading the message sequence diagram', (p) => p.spacetime(from, to));
      return r.ok ? r.value : null;
    }
    const had = held && held.pg === pg ? held : null;
    held = null;
    const through = had && had.whole && from >= had.from ? had.to : -1;
    const r = app.call('reading the message sequence diagram',
      (p) => p.spacetimeSince(from, to, had ? had.below : 0, through, had ? had.generation : -1));
    if (!r.ok) return null;
    const w = r.value;
    const same = had && w.generation === had.generation;
    if (w.kept && w.kept.length) {
      const merged = same ? withKept(w.messages, w.kept, had.byIndex) : null;
      if (!merged) return fetchWindow(from, to); // not held after all: ask for all of it
      w.messages = merged;
    }
    if (same && through >= 0) {
      const last = w.to_step;
      w.events = had.events.filter((e) => e.step >= from && e.step <= last).concat(w.events);
    }
    let below = 0;
    for (const m of w.messages) below = Math.max(below, m.index + 1);
    held = {
      pg, generation: w.generation ?? -1, below, from: w.from_step, to: w.to_step, whole: !w.truncated,
      byIndex: new Map(w.messages.map((m) => [m.index, m])), events: w.events,
    };
    return w;
  }

  /**
   * The window's messages with the kept ones (held) put back, in trace-index order.
   * @param {MessageTrace[]} sent
   * @param {number[]} kept
   * @param {Map<number, MessageTrace>} byIndex
   */
  function withKept(sent, kept, byIndex) {
    /** @type {MessageTrace[]} */
    const out = [];
    let i = 0;
    for (const k of kept) {
      const m = byIndex.get(k);
      if (!m) return null;
      while (i < sent.length && sent[i].index < k) out.push(sent[i++]);
      out.push(m);
    }
    while (i < sent.length) out.push(sent[i++]);
    return out;
  }

  // ---------------------------------------------------------------- follow the cursor
  function cursorX() { return GUTTER + stepX(cursor) + STEP_W / 2; }

  /** Keeps the cursor in view: when it leaves the visible part, scroll it to 3/4 of the width. */
  function follow() {
    if (!viewW) return;
    const x = cursorX();
    const left = scrollX + GUTTER;
    const right = scrollX + viewW;
    if (x < left + 8 || x > right - 8) {
      setScroll(Math.max(0, x - GUTTER - (viewW - GUTTER) * 0.75));
    }
  }

  // ---------------------------------------------------------------- drawing
  /** Whether the window drawn covers the steps in view. */
  function covers() {
    const { first, last } = visibleSteps();
    return !!win && first >= win.from_step && Math.min(last, total) <= win.to_step;
  }

  /** Whether some of the window drawn is in view (playing, the newest steps are not yet). */
  function overlaps() {
    const { first, last } = visibleSteps();
    return !!win && first <= win.to_step && last >= win.from_step;
  }

  /** Set while a deferred redraw runs (refresh then draws whatever the time since the last). */
  let deferred = false;
  /** Draws a new window when something it shows changed; true when it drew. */
  /** @param {boolean} force */
  function refresh(force) {
    if (!active || !supported() || !app.view) return false;
    const { from, to } = wanted();
    const key = `${cursor}|${total}|${[...filter.kinds].join()}|${[...filter.lanes].join()}|${selected ? selected.index : ''}`;
    // A scroll within the steps already drawn (the margins) needs no new window.
    const covered = covers();
    if (!force && key === winKey && covered) return false;
    const now = performance.now();
    if (app.playing && !force && overlaps() && !deferred) {
      moveCursorOnly();
      if (now - lastDraw < PLAY_REDRAW_MS) {
        if (!trailing) trailing = setTimeout(() => { trailing = 0; drawDue = true; schedule(); }, PLAY_REDRAW_MS);
        return false;
      }
      // The new window is fetched, built and painted in a frame that takes no step (the
      // page's App.defer), not in this one: a playing frame pays for a step or for this.
      if (app.defer) {
        app.defer('diagram', () => {
          deferred = true;
          try { refresh(false); } finally { deferred = false; }
        });
        return false;
      }
    }
    const data = fetchWindow(from, to);
    if (!data) return false;
    win = data;
    winKey = key;
    lastDraw = now;
    draw();
    return true;
  }

  const cursorLine = s('line', { x1: 0, x2: 0, y1: 0, y2: 0, stroke: '#4f46e5', 'stroke-width': 2 });
  const cursorHit = s('rect', { x: -1, y: 0, width: 2, height: 0, fill: '#4f46e5', opacity: 0.001 });
  const cursorEl = s('g', { class: 'dg-cursor', transform: 'translate(0,0)' }, cursorLine, cursorHit);
  gUi.append(cursorEl);

  function moveCursorOnly() {
    setAttr(cursorEl, 'transform', `translate(${stepX(cursor) + STEP_W / 2},0)`);
  }

  // SVG elements by key ('e<index>' a lane event, 'r<index>' the dangling end of a message
  // in flight), each with the words it was built from: a redraw rebuilds only what changed.
  /** @type {Map<string, Drawn>} */
  const drawnEvs = new Map();
  /** @type {Map<string, Drawn>} */
  const drawnRings = new Map();

  /**
   * Returns the kept element of `key` when `sig` is unchanged, or a new one from build().
   * @param {Map<string, Drawn>} cache
   * @param {string} key
   * @param {string} sig
   * @param {() => Omit<Drawn, 'sig'>} build
   * @returns {Drawn}
   */
  function keyed(cache, key, sig, build) {
    const old = cache.get(key);
    if (old && old.sig === sig) return old;
    const made = { ...build(), sig };
    cache.set(key, made);
    return made;
  }

  // ---------------------------------------------------------------- the canvas
  /** @type {{ lo: number, hi: number } | null} */
  let painted = null; // the diagram x range painted last
  /** @type {{ lo: number, hi: number } | null} */
  let marked = null; // the diagram x range the lane events were drawn for (drawSvgElements)

  /** The diagram x range in view (the part under the lane labels included). */
  function inView() {
    const w = Math.max(1, (viewW || 600) - GUTTER);
    return { lo: scrollX - GUTTER, hi: scrollX + w };
  }

  /** Paints the scene on the canvas for the part in view and a margin each side. */
  function paint() {
    if (!scene) return;
    const v = inView();
    const lo = Math.max(scene.x0, v.lo - PAINT_MARGIN);
    const hi = Math.max(lo + 1, Math.min(scene.x1, v.hi + PAINT_MARGIN));
    const dpr = window.devicePixelRatio || 1;
    const cw = Math.ceil((hi - lo) * dpr), ch = Math.max(1, Math.ceil(scene.height * dpr));
    if (canvas.width !== cw) canvas.width = cw;
    if (canvas.height !== ch) canvas.height = ch;
    setStyle(canvas, 'width', `${cw / dpr}px`);
    setStyle(canvas, 'height', `${ch / dpr}px`);
    setStyle(canvas, 'left', `${GUTTER + lo}px`);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, cw, ch);
    ctx.setTransform(dpr, 0, 0, dpr, -lo * dpr, 0);
    paintScene(ctx, scene, lo, hi, { hover, focus: focusMsg });
    painted = { lo, hi };
  }

  /** After a scroll: paints again only when the view left the part painted. */
  function paintIfUncovered() {
    if (!scene) return;
    const v = inView();
    const covered = (/** @type {{ lo: number, hi: number } | null} */ r) => !!r && (v.lo >= r.lo || r.lo <= scene.x0) && (v.hi <= r.hi || r.hi >= scene.x1);
    if (!covered(painted)) paint();
    // The lane events over the part painted (a hover repaints the canvas where it is).
    if (!covered(marked)) drawSvg();
  }

  let drawing = false;
  function draw() {
    drawing = true;
    try { drawWindow(); } finally { drawing = false; }
  }

  let backSig = '';
  function drawWindow() {
    buildLaneChecks(win.lanes);
    scene = buildScene(win, { filter, cursor, selected, inFlightIds, known: app.known });
    const { ys, height, x0, x1 } = scene;
    setStyle(inner, 'width', `${extent()}px`);
    setStyle(inner, 'height', `${height}px`);
    setAttr(svg, 'width', String(x1 - x0));
    setAttr(svg, 'height', String(height));
    setAttr(svg, 'viewBox', `${x0} 0 ${x1 - x0} ${height}`);
    setStyle(svg, 'left', `${GUTTER + x0}px`);

    // Lane labels (sticky on the left).
    const labelSig = `${height}|${[...ys].join()}`;
    if (labels.dataset.sig !== labelSig) {
      labels.dataset.sig = labelSig;
      labels.style.height = `${height}px`;
      labels.replaceChildren(...win.lanes.filter((l) => ys.has(laneKey(l))).map((l) => {
        const k = laneKey(l);
        return h('span', { class: `dg-lane-label ${'node' in l ? 'node' : 'client'}`, style: { top: `${ys.get(k) - 9}px` } }, k);
      }));
    }

    // The words of partitions and violations, with their titles (their lines are painted).
    // A violation's words go left of its line when the run ends too soon after it for them.
    const wordsLeft = (/** @type {{ x: number }} */ v) => v.x + VIOLATION_WORDS_W > scene.x1;
    const bs = `${height}|${scene.net.map((n) => `${n.step}:${n.opacity}:${n.label}`).join()}|${scene.violations.map((v) => `${v.step}:${v.invariant}:${wordsLeft(v)}`).join()}`;
    if (bs !== backSig) {
      backSig = bs;
      const back = [];
      for (const n of scene.net) {
        const color = n.cut ? '#b54708' : '#667085';
        back.push(s('g', { class: 'dg-net', opacity: n.opacity },
          s('line', { x1: n.x, x2: n.x, y1: 4, y2: height - 4, stroke: 'transparent', 'stroke-width': 7 }),
          s('text', { x: n.x + 3, y: 11, 'font-size': 10, fill: color }, n.label),
          s('title', {}, `step ${n.step}: ${n.label}`)));
      }
      for (const v of scene.violations) {
        back.push(s('g', { class: 'dg-violation', 'data-step': v.step },
          s('rect', { x: v.x - STEP_W / 2, y: 0, width: STEP_W, height, fill: 'transparent' }),
          s('text', { x: wordsLeft(v) ? v.x - 4 : v.x + 4, y: height - 5, 'text-anchor': wordsLeft(v) ? 'end' : 'start', 'font-size': 10, 'font-weight': 600, fill: '#b42318' }, `${v.invariant} violated`),
          s('title', {}, `step ${v.step}: ${v.invariant} violated — ${v.message}`)));
      }
      gBack.replaceChildren(...back);
    }

    // The cursor.
    setAttr(cursorLine, 'y2', String(height));
    setAttr(cursorHit, 'height', String(height));
    moveCursorOnly();

    const shown = scene.arrows.length + scene.flying.length;
    setText(status, `steps ${win.from_step}–${win.to_step} of ${total} · ${shown} message${shown === 1 ? '' : 's'}${filter.kinds.size ? ` · hidden: ${[...filter.kinds].join(', ')}` : ''}${win.truncated ? ' · cut at 20,000 events' : ''}`);
    // The canvas and the SVG on top (lane events, dangling ends, the tab stop) are drawn
    // in one frame, so the dangling ends stay on their arrows. While playing, and after a
    // jump, both follow in a later frame, so one frame does not pay for fetching the new
    // window and drawing it.
    if (app.playing && app.defer) app.defer('diagram-svg', drawScene);
    else if (app.playing || inFlush) { svgDue = true; schedule(); } else drawScene();
  }

  /** The window drawn: the canvas and the SVG on top, in the same frame. */
  function drawScene() { paint(); drawSvg(); }

  /** The SVG part of the window drawn: lane events, dangling ends, the tab stop. */
  function drawSvg() {
    svgDue = false;
    if (!scene) return;
    drawing = true;
    try { drawSvgElements(); } finally { drawing = false; }
  }

  /**
   * The SVG element of lane event `e` (kept while what it shows is unchanged).
   * @param {SceneEvent} e
   */
  function markDrawn(e) {
    return keyed(drawnEvs, `e${e.index}`, `${e.y}|${e.opacity}|${e.selected}|${e.past}`, () => {
      /** @type {Record<string, string | number>} */
      const attrs = { class: `dg-ev ${e.kind}${e.selected ? ' selected' : ''}`, 'data-event': e.index, 'data-step': e.step, 'data-lane': e.lane, 'data-x': e.x, 'data-y': e.y, opacity: e.opacity };
      if (e.past != null) attrs['data-past'] = e.past ? '1' : '0';
      const el = s('g', attrs);
      el.dataset.label = e.label;
      el.append(s('circle', { class: 'hit', cx: e.x, cy: e.y, r: 8, fill: 'transparent' }));
      if (e.selected) el.append(s('circle', { cx: e.x, cy: e.y, r: e.r + 4, fill: 'none', stroke: '#4f46e5', 'stroke-width': 2 }));
      el.append(s('path', { d: markPath(e.mark, e.x, e.y, e.r), fill: markFill(e), stroke: e.color, 'stroke-width': markFilled(e.mark) ? 1.2 : 2.2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }));
      el.append(s('title', {}, e.label));
      return { el };
    });
  }

  /** @type {Element[]} */
  let ringsDrawn = [];
  function drawSvgElements() {
    if (!scene) return;
    // Lane events people click: elections, decisions, crashes, restarts, requests, replies.
    // Those over the part painted on the canvas (the view and a margin), as the arrows: a
    // new window builds less than half of its marks (the others when a scroll
    // reaches them); the one with the keyboard focus stays.
    marked = painted;
    const lo = painted ? painted.lo - MARK_REACH : -Infinity;
    const hi = painted ? painted.hi + MARK_REACH : Infinity;
    const markEls = [];
    const live = new Set();
    for (const e of scene.marks) {
      const key = `e${e.index}`;
      // Kept while in the window, so a scroll back draws them again at no cost.
      live.add(key);
      if ((e.x >= lo && e.x <= hi) || key === focusKey) markEls.push(markDrawn(e).el);
    }
    for (const k of [...drawnEvs.keys()]) if (!live.has(k)) drawnEvs.delete(k);
    reconcile(gEvs, markEls);

    // The dangling ends of messages in flight: deliver, drop or duplicate from here.
    /** @type {Element[]} */
    const ringEls = [];
    /** @type {Drawn[]} */
    const ringSpots = [];
    const liveRings = new Set();
    for (const f of scene.flying) {
      const key = `r${f.index}`;
      liveRings.add(key);
      const r = keyed(drawnRings, key, `${f.act}|${f.opacity}|${f.k}|${f.y2}|${f.color}`, () => {
        const ring = s('circle', { class: f.act ? 'dg-dangle' : 'dg-dangle off', 'data-id': f.id, 'data-index': f.index, 'data-k': f.k, cx: STEP_W / 2 + f.k * STEP_W, cy: f.y2, r: 5, fill: '#fff', stroke: f.color, 'stroke-width': 2, opacity: f.opacity });
        ring.dataset.y = String(f.y2);
        if (f.act) ring.dataset.label = f.label;
        return { el: ring, spot: `${f.k}|${f.y2}`, opaque: f.opacity === 1 };
      });
      ringEls.push(r.el);
      ringSpots.push(r);
    }
    for (const k of [...drawnRings.keys()]) if (!liveRings.has(k)) drawnRings.delete(k);
    // Hundreds of rings while the network is busy: touched only when one came or went.
    if (ringEls.length !== ringsDrawn.length || ringEls.some((el, i) => el !== ringsDrawn[i])) reconcile(gRings, ringEls);
    ringsDrawn = ringEls;
    // The rings end in a few dozen spots (a big run: 360 rings, 32 spots), stacked: a ring
    // under an opaque one on the same spot is not painted (class "covered": transparent,
    // still there to click, focus and find), so a redraw rasterises one ring per spot.
    const spotTop = new Map();
    for (let i = ringSpots.length - 1; i >= 0; i--) {
      const r = ringSpots[i];
      const above = spotTop.get(r.spot);
      if (above === undefined) spotTop.set(r.spot, r.opaque);
      const covered = above === true;
      if (r.el.classList.contains('covered') !== covered) r.el.classList.toggle('covered', covered);
    }
    // At the cursor the scene was built for (its arrows in flight end there on the canvas).
    setAttr(gRings, 'transform', `translate(${stepX(scene.cursor) - STEP_W / 2},0)`);

    placeRoving();
  }

  // ---------------------------------------------------------------- keyboard
  // One tab stop (a roving tabindex): the focused item, or the event nearest the cursor.
  // Arrow keys move along a lane (←/→) and between lanes (↑/↓), Home/End to the lane's
  // first/last event in view; Enter acts: an event shows why it happened and seeks there,
  // a send or receive picks its message (seeks to its delivery), a dangling end in flight
  // opens deliver / drop / duplicate. Sends and receives are painted: the one focused gets
  // an SVG element of its own (`proxy`), moved from one to the next.
  /** @type {string | null} */
  let focusKey = null; // 'e<index>' or 'd<message index>'
  /** @type {any} */
  let roving = null;
  let hasFocus = false;

  /**
   * @param {Element | null} el
   * @returns {Reachable | null}
   */
  function itemOf(el) {
    if (!el) return null;
    const data = /** @type {SVGElement} */ (el).dataset;
    if (el.classList.contains('dg-dangle')) return { key: `d${el.getAttribute('data-index')}`, x: stepX(cursor) + Number(data.k) * STEP_W, y: Number(data.y), el };
    return { key: `e${el.getAttribute('data-event')}`, x: Number(el.getAttribute('data-x')), y: Number(el.getAttribute('data-y')), el };
  }

  /**
   * The focusable element standing for a painted send or receive: one of two, so moving
   * from one send or receive to the next moves the focus (and a screen reader says so).
   */
  /** @type {any[]} */
  const proxies = [];
  /** @param {SceneEvent} dot */
  function proxyFor(dot) {
    let p = proxies.find((x) => x.isConnected && x.getAttribute('data-event') === String(dot.index));
    if (!p) {
      p = proxies.find((x) => x !== roving);
      if (!p) {
        p = s('g', {});
        p.append(s('circle', { class: 'hit', r: 5, fill: 'transparent' }), s('path', {}), s('title', {}));
        proxies.push(p);
      }
    }
    const [hit, path, title] = p.children;
    setAttr(p, 'class', `dg-ev ${dot.kind}${dot.selected ? ' selected' : ''}`);
    for (const [k, v] of /** @type {[string, unknown][]} */ ([['data-event', dot.index], ['data-step', dot.step], ['data-lane', dot.lane], ['data-x', dot.x], ['data-y', dot.y], ['data-message', dot.message], ['opacity', dot.opacity]])) setAttr(p, k, String(v));
    if (dot.past != null) setAttr(p, 'data-past', dot.past ? '1' : '0'); else p.removeAttribute('data-past');
    p.dataset.label = dot.label;
    setAttr(hit, 'cx', String(dot.x));
    setAttr(hit, 'cy', String(dot.y));
    setAttr(path, 'd', markPath(dot.mark, dot.x, dot.y, dot.r));
    setAttr(path, 'fill', markFill(dot));
    setAttr(path, 'stroke', dot.color);
    setText(title, dot.label);
    if (p.parentNode !== gFocus) gFocus.append(p);
    return p;
  }

  /** @param {number} index */
  function dotOf(index) { return scene ? scene.dots.find((d) => d.index === index) : null; }

  /** @param {string | null} key */
  function elOf(key) {
    if (!key) return null;
    if (key[0] === 'd') { const d = drawnRings.get(`r${key.slice(1)}`); return d && d.el.isConnected && !d.el.classList.contains('off') ? d.el : null; }
    const d = drawnEvs.get(key);
    if (d && d.el.isConnected) return d.el;
    // A lane event off the part drawn (drawSvgElements): drawn now, for the keyboard.
    const index = Number(key.slice(1));
    const mark = scene ? scene.marks.find((m) => m.index === index) : null;
    if (mark) {
      const el = markDrawn(mark).el;
      if (el.parentNode !== gEvs) gEvs.append(el);
      return el;
    }
    const dot = dotOf(index);
    return dot ? proxyFor(dot) : null;
  }

  /** Every item the keyboard reaches: sends and receives, lane events, dangling ends. */
  function items() {
    /** @type {Reachable[]} */
    const out = [];
    if (!scene) return out;
    for (const d of scene.dots) out.push({ key: `e${d.index}`, x: d.x, y: d.y });
    for (const m of scene.marks) out.push({ key: `e${m.index}`, x: m.x, y: m.y });
    for (const el of gRings.children) { const it = itemOf(el); if (it && !el.classList.contains('off')) out.push(it); }
    return out;
  }

  /** @param {any} el */
  function setRoving(el) {
    if (roving && roving !== el) { roving.removeAttribute('tabindex'); roving.removeAttribute('role'); roving.removeAttribute('aria-label'); }
    // A send or receive's element stays only while it has the tab stop.
    for (const p of proxies) if (p !== el && p.isConnected) p.remove();
    roving = el;
    if (!el) return;
    setAttr(el, 'tabindex', '0');
    setAttr(el, 'role', 'button');
    setAttr(el, 'aria-label', el.dataset.label || '');
  }

  /** After a redraw: the focused item keeps the tab stop (and the focus) if still drawn. */
  function placeRoving() {
    let el = elOf(focusKey);
    if (!el) {
      // The event nearest the cursor (the newest one at or before it; a lane event before a
      // send or receive in the same column).
      const cx = stepX(cursor);
      /** @type {SceneEvent | null} */
      let best = null;
      for (const list of scene ? [scene.dots, scene.marks] : []) {
        for (const it of list) if (it.x <= cx + 0.5 && (!best || it.x >= best.x)) best = it;
      }
      if (!best && scene) best = scene.dots[0] || scene.marks[0] || null;
      const key = best ? `e${best.index}` : null;
      el = elOf(key);
      if (hasFocus && key) focusKey = key;
    }
    setRoving(el);
    if (hasFocus && el && document.activeElement !== el) el.focus({ preventScroll: true });
  }

  /** @param {string} key */
  function moveFocus(key) {
    const cur = roving ? itemOf(roving) : null;
    const all = items();
    if (!all.length) return;
    /** @type {Reachable | null} */
    let next = null;
    if (!cur) next = all[0];
    else if (key === 'ArrowRight' || key === 'ArrowLeft') {
      const dir = key === 'ArrowRight' ? 1 : -1;
      for (const it of all) {
        if (Math.abs(it.y - cur.y) > 0.5 || it.key === cur.key) continue;
        const dx = (it.x - cur.x) * dir;
        const tie = dx === 0 && (Number(it.key.slice(1)) - Number(cur.key.slice(1))) * dir > 0;
        if (dx < 0 || (dx === 0 && !tie)) continue;
        if (!next || dx < (next.x - cur.x) * dir || (dx === (next.x - cur.x) * dir && (Number(it.key.slice(1)) - Number(next.key.slice(1))) * dir < 0)) next = it;
      }
    } else if (key === 'ArrowDown' || key === 'ArrowUp') {
      const dir = key === 'ArrowDown' ? 1 : -1;
      /** @type {number | null} */
      let rowY = null;
      for (const it of all) {
        const dy = (it.y - cur.y) * dir;
        if (dy > 0.5 && (rowY == null || dy < (rowY - cur.y) * dir)) rowY = it.y;
      }
      if (rowY != null) for (const it of all) {
        if (Math.abs(it.y - rowY) > 0.5) continue;
        if (!next || Math.abs(it.x - cur.x) < Math.abs(next.x - cur.x)) next = it;
      }
    } else if (key === 'Home' || key === 'End') {
      for (const it of all) {
        if (Math.abs(it.y - cur.y) > 0.5) continue;
        const order = (it.x - (next ? next.x : 0)) || (Number(it.key.slice(1)) - Number(next ? next.key.slice(1) : 0));
        if (!next || (key === 'Home' ? order < 0 : order > 0)) next = it;
      }
    }
    if (!next) return;
    const el = elOf(next.key);
    if (!el) return;
    focusKey = next.key;
    setRoving(el);
    el.focus({ preventScroll: true });
    // Keep it in view: scroll the diagram when it is near an edge (a redraw follows).
    const left = scrollX + GUTTER;
    const right = scrollX + viewW;
    const px = GUTTER + next.x;
    if (px < left + 12 || px > right - 12) setScroll(Math.max(0, px - GUTTER - (viewW - GUTTER) / 2));
  }

  /** @param {Element} el */
  function activate(el) {
    if (el.classList.contains('dg-dangle')) { openPop(el); return; }
    const index = Number(el.getAttribute('data-event'));
    const msg = el.getAttribute('data-message');
    if (msg != null && msg !== '') chooseMessage(Number(msg));
    else chooseEvent(index, Number(el.getAttribute('data-step')));
  }

  /** The arrow drawn thicker: the message of the focused send, receive or dangling end. */
  /** @param {number | null} index */
  function setFocusMsg(index) {
    if (focusMsg === index) return;
    focusMsg = index;
    paintDue = true;
    schedule();
  }

  svg.addEventListener('focusin', (/** @type {FocusEvent} */ ev) => {
    hasFocus = true;
    const it = itemOf(/** @type {Element} */ (ev.target).closest('.dg-ev, .dg-dangle'));
    if (it) {
      focusKey = it.key;
      if (roving !== it.el) setRoving(it.el);
      // A send or receive stands for its message: its arrow shows the focus too.
      const msg = it.el.getAttribute('data-message') ?? (it.key[0] === 'd' ? it.key.slice(1) : null);
      setFocusMsg(msg != null && msg !== '' ? Number(msg) : null);
    }
  });
  svg.addEventListener('focusout', (/** @type {FocusEvent} */ ev) => {
    // A focused item replaced by a redraw loses the focus for a moment: it comes back.
    if (drawing) return;
    const to = /** @type {Node | null} */ (ev.relatedTarget);
    if (!to || !svg.contains(to)) {
      hasFocus = false;
      setFocusMsg(null);
    }
  });

  // ---------------------------------------------------------------- interaction
  /** Diagram coordinates of a pointer event (the SVG's box is the window's, 1:1). */
  /** @param {MouseEvent} ev */
  function atPointer(ev) {
    const box = svg.getBoundingClientRect();
    return { x: (scene ? scene.x0 : 0) + ev.clientX - box.left, y: ev.clientY - box.top };
  }

  svg.addEventListener('click', (/** @type {MouseEvent} */ ev) => {
    const t = /** @type {Element} */ (ev.target);
    const dangle = t.closest('.dg-dangle');
    if (dangle && !dangle.classList.contains('off')) { openPop(dangle); ev.stopPropagation(); return; }
    const evEl = t.closest('.dg-ev');
    if (evEl) { chooseEvent(Number(evEl.getAttribute('data-event')), Number(evEl.getAttribute('data-step'))); return; }
    // Arrows, sends and receives are painted on the canvas: find them by their geometry.
    if (!scene) return;
    const p = atPointer(ev);
    const hit = hitScene(scene, p.x, p.y);
    if (hit && hit.dot) chooseEvent(hit.dot.index, hit.dot.step);
    else if (hit && hit.arrow) chooseMessage(hit.arrow.index);
  });

  // Hovering an arrow draws it thicker and shows what it is (the canvas has no titles).
  let hoverRaf = 0;
  /** @type {PointerEvent | null} */
  let hoverAt = null;
  svg.addEventListener('pointermove', (/** @type {PointerEvent} */ ev) => {
    hoverAt = ev;
    if (!hoverRaf) hoverRaf = requestAnimationFrame(() => {
      hoverRaf = 0;
      if (!hoverAt || !scene) return;
      const t = /** @type {Element} */ (hoverAt.target);
      const onSvg = t.closest && t.closest('.dg-ev, .dg-dangle');
      const p = atPointer(hoverAt);
      const hit = onSvg ? null : hitScene(scene, p.x, p.y);
      const index = hit && hit.arrow ? hit.arrow.index : null;
      const title = hit ? (hit.arrow ? hit.arrow.title || `#${hit.arrow.id} ${hit.arrow.type}, in flight` : hit.dot.label) : '';
      if (inner.title !== title) inner.title = title;
      setStyle(svg, 'cursor', hit ? 'pointer' : '');
      if (index !== hover) { hover = index; paint(); }
    });
  });
  svg.addEventListener('pointerleave', () => {
    hoverAt = null;
    if (inner.title) inner.title = '';
    if (hover != null) { hover = null; paint(); }
  });
  svg.addEventListener('keydown', (/** @type {KeyboardEvent} */ ev) => {
    const t = /** @type {Element} */ (ev.target);
    if (!t.closest || !t.closest('.dg-ev, .dg-dangle')) return;
    if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); ev.stopPropagation(); activate(/** @type {Element} */ (t.closest('.dg-ev, .dg-dangle'))); return; }
    if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(ev.key)) {
      ev.preventDefault(); ev.stopPropagation();
      moveFocus(ev.key);
    }
  });

  /** @param {number} index */
  function chooseMessage(index) {
    const m = win && win.messages.find((x) => x.index === index);
    if (!m) return;
    const target = m.end && m.end.event != null ? m.end.event : m.send_event;
    const step = m.end && m.end.event != null ? m.end.step : m.sent_step;
    chooseEvent(target, step);
  }

  /** Selects event `index` (its causal past is shown) and seeks the timeline to its step. */
  /**
   * @param {number} index
   * @param {number} step
   */
  function chooseEvent(index, step) {
    hidePop();
    const r = app.call('finding why that happened', (pg) => pg.causalPast(index));
    if (!r.ok) return;
    const past = r.value;
    selected = {
      index,
      raw: past,
      frontier: new Map(past.frontier.map((f) => [laneKey(f.lane), f.upto])),
      chainMessages: past.chain.flatMap((l) => (l.message && l.event.kind === 'receive' ? [l.message.index] : [])),
    };
    showWhy();
    if (step !== cursor) app.seek(step); else refresh(true);
  }

  function clearSelection() {
    selected = null;
    why.hidden = true;
    refresh(true);
  }

  function showWhy() {
    if (!selected) return;
    const p = selected.raw;
    const target = p.chain[p.chain.length - 1];
    const lanes = p.frontier.length;
    const items = p.chain.map((l, i) => h('li', { 'data-event': l.event.index },
      h('button', { type: 'button', class: 'linklike', onclick: () => app.seek(l.event.step), 'aria-label': `Go to step ${l.event.step}` }, `step ${l.event.step}`),
      ' ', i === p.chain.length - 1 ? h('strong', {}, describe(l.event, l.message)) : describe(l.event, l.message)));
    why.hidden = false;
    why.replaceChildren(
      h('div', { class: 'dg-why-head' },
        h('h3', {}, 'Why: ', h('span', {}, target ? describe(target.event, target.message) : `event ${p.event}`)),
        h('button', { type: 'button', class: 'btn small', onclick: clearSelection, 'aria-label': 'Clear the causal slice' }, 'Clear')),
      h('p', { class: 'small muted' }, `${p.size} event${p.size === 1 ? '' : 's'} on ${lanes} lane${lanes === 1 ? '' : 's'} happened before it (Lamport: earlier on the same lane, or through a chain of messages); everything else is dimmed. The latest message chain that led here, in order:`),
      h('ol', { class: 'dg-chain' }, items));
  }

  /** @param {Element} el */
  function openPop(el) {
    if (!win) return;
    const id = Number(el.getAttribute('data-id'));
    const m = win.messages.find((x) => x.id === id);
    if (!m) return;
    const act = (/** @type {'deliver' | 'drop' | 'duplicate'} */ type, /** @type {string} */ verb) => h('button', { type: 'button', class: `btn small${type === 'deliver' ? ' primary' : ''}`, 'aria-label': `${verb} message #${id}`,
      onclick: () => { hidePop(); app.apply({ type, id }, `${verb.toLowerCase()}ing message #${id}`); } }, verb);
    pop.replaceChildren(
      h('p', { class: 'small' }, h('strong', {}, `#${id} `), m.label, h('span', { class: 'muted' }, ` · ${laneKey(m.from)} → ${laneKey(m.to)}`)),
      h('div', { class: 'dg-pop-actions' }, act('deliver', 'Deliver'), act('drop', 'Drop'), act('duplicate', 'Duplicate')),
      h('button', { type: 'button', class: 'dg-pop-close', 'aria-label': 'Close', onclick: hidePop }, '×'));
    pop.hidden = false;
    const box = el.getBoundingClientRect();
    const stage = /** @type {HTMLElement} */ (pop.parentElement).getBoundingClientRect();
    const left = Math.min(Math.max(4, box.left - stage.left - 20), stage.width - 240);
    pop.style.left = `${Math.max(4, left)}px`;
    pop.style.top = `${box.bottom - stage.top + 6}px`;
    const first = pop.querySelector('button');
    if (first) first.focus({ preventScroll: true });
  }
  function hidePop() { if (!pop.hidden) pop.hidden = true; }
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') hidePop(); });

  // ---------------------------------------------------------------- export
  function exportSvg() {
    if (!scene || !win) return;
    const { first, last } = visibleSteps();
    const from = Math.max(win.from_step, first);
    const to = Math.min(win.to_step, last);
    // Built from the scene (what the canvas and the SVG show), not copied from the screen.
    const height = scene.height;
    const text = standaloneSvg({
      content: `<clipPath id="dg-clip"><rect x="${from * STEP_W}" y="0" width="${(to - from + 1) * STEP_W}" height="${height}"/></clipPath><g clip-path="url(#dg-clip)">${sceneSvg(scene, from, to)}</g>`,
      lanes: win.lanes, ys: scene.ys, fromX: from * STEP_W, width: (to - from + 1) * STEP_W, height,
      title: `Paxoscope message sequence diagram, steps ${from}–${to}`,
    });
    download(text, `paxoscope-steps-${from}-${to}.svg`, 'image/svg+xml');
  }

  /** @param {'mermaid' | 'sequencediagram'} dialect */
  function exportText(dialect) {
    if (!win) return;
    const { first, last } = visibleSteps();
    const from = Math.max(win.from_step, first);
    const to = Math.min(win.to_step, last);
    const part = { ...win, from_step: from, to_step: to, events: win.events.filter((e) => e.step >= from && e.step <= to) };
    const text = sequenceText(part, filter, dialect);
    download(text, `paxoscope-steps-${from}-${to}.${dialect === 'mermaid' ? 'mmd' : 'txt'}`, 'text/plain');
  }

  /**
   * @param {string} text
   * @param {string} name
   * @param {string} type
   */
  function download(text, name, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 4000);
    app.notify('info', `Saved ${name}.`, type === 'image/svg+xml' ? 'The visible part of the diagram, as an SVG file any browser opens.' : 'The visible part of the diagram, as sequence-diagram text.');
  }

  // ---------------------------------------------------------------- component
  function clearDrawn() {
    drawnRings.clear();
    drawnEvs.clear();
    focusKey = null;
    setRoving(null);
  }

  /** @param {StateView} view */
  function update(view) {
    inFlightIds = new Set((view.messages || []).map((m) => m.id));
    if (view.total_steps < total) { clearDrawn(); if (selected) { selected = null; why.hidden = true; } }
    cursor = view.step;
    total = view.total_steps;
    if (!active) return;
    if (!supported()) {
      empty.hidden = false;
      setText(empty, 'This build of the core has no space-time record (spacetime()); rebuild it with make build.');
      return;
    }
    setStyle(inner, 'width', `${extent()}px`);
    if (cursor !== lastCursor) { lastCursor = cursor; follow(); }
    if (covers() || (app.playing && overlaps())) { refresh(false); return; }
    // A jump (or the cursor leaving the window): the new window is fetched and drawn at the
    // start of the next frame, with the scroll, so this frame pays only for the seek.
    moveCursorOnly();
    drawDue = true;
    schedule();
  }

  /** @param {boolean} on */
  function setActive(on) {
    active = on;
    if (on) {
      lastCursor = -1;
      winKey = '';
      if (app.view) update(app.view);
    } else {
      hidePop();
    }
  }

  function reset() {
    held = null;
    selected = null;
    why.hidden = true;
    winKey = '';
    lanesSig = '';
    total = 0;
    lastCursor = -1;
    clearDrawn();
    setScroll(0);
  }

  /**
   * What the diagram shows now, for tests and debugging: the scene's arrows (settled,
   * future and in flight), sends and receives and lane events, as drawn (painted or SVG).
   */
  function shown() {
    if (!scene) return null;
    const pick = (/** @type {Record<string, unknown>} */ o, /** @type {string[]} */ keys) => Object.fromEntries(keys.map((k) => [k, o[k]]));
    const mk = ['index', 'id', 'type', 'state', 'fate', 'x1', 'y1', 'x2', 'y2', 'opacity', 'width', 'end'];
    const ek = ['index', 'kind', 'step', 'lane', 'x', 'y', 'opacity', 'past', 'message'];
    return {
      from: scene.from, to: scene.to, cursor: scene.cursor, painted,
      arrows: scene.arrows.map((a) => pick(a, mk)).concat(scene.flying.map((f) => pick(f, mk))),
      events: scene.dots.map((e) => pick(e, ek)).concat(scene.marks.map((e) => pick(e, ek))),
    };
  }

  return { update, reset, setActive, shown, get selectedEvent() { return selected ? selected.index : null; } };
}

/** Wide enough for the cluster and the diagram side by side (each pane about 460 px). */
export const SPLIT_MEDIA = '(min-width: 1600px)';

/**
 * The tabs that share the cluster's place: the cluster picture, the diagram, or (where the
 * window is wide enough) both side by side, which is then the default. Playback controls,
 * the timeline and the log stay where they are.
 * @param {PageApp} app
 * @param {HTMLElement} topology
 * @param {HTMLElement} diagramRoot
 * @param {{ setActive(on: boolean): void }} diagram
 */
export function createStageTabs(app, topology, diagramRoot, diagram) {
  const panes = h('div', { class: 'stage-panes' });
  topology.before(panes);
  panes.append(topology, diagramRoot);
  /** @type {{ id: string, label: string, title?: string, panels: HTMLElement[], wide?: boolean, button?: any }[]} */
  const tabs = [
    { id: 'tab-cluster', label: 'Cluster', panels: [topology] },
    { id: 'tab-split', label: 'Side by side', title: 'The cluster and the message sequence diagram side by side', panels: [topology, diagramRoot], wide: true },
    { id: 'tab-diagram', label: 'Diagram', title: 'Message sequence diagram: every message from its send to its end, lane by lane', panels: [diagramRoot] },
  ];
  const list = h('div', { class: 'stage-tabs', role: 'tablist', 'aria-label': 'What the stage shows' });
  const wideQuery = window.matchMedia ? window.matchMedia(SPLIT_MEDIA) : null;
  const isWide = () => !!(wideQuery && wideQuery.matches);
  const shown = () => tabs.filter((t) => !t.wide || isWide());
  /** @type {(typeof tabs)[number] | null} */
  let current = null;
  let chosenByHand = false;
  for (const t of tabs) {
    t.button = h('button', { type: 'button', role: 'tab', id: t.id, class: 'stage-tab', 'aria-controls': t.panels.map((p) => p.id).join(' '), 'aria-selected': 'false', tabindex: -1, title: t.title }, t.label);
    t.button.addEventListener('click', () => { chosenByHand = true; choose(t); });
    t.button.addEventListener('keydown', (/** @type {KeyboardEvent} */ e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      e.preventDefault();
      e.stopPropagation();
      const vis = shown();
      const i = vis.indexOf(t);
      const next = vis[(i + (e.key === 'ArrowRight' ? 1 : vis.length - 1)) % vis.length];
      chosenByHand = true;
      choose(next);
      next.button.focus();
    });
    list.append(t.button);
  }
  topology.setAttribute('role', 'tabpanel');
  diagramRoot.setAttribute('role', 'tabpanel');
  /** @param {(typeof tabs)[number]} t */
  function choose(t) {
    current = t;
    for (const x of tabs) {
      const on = x === t;
      x.button.setAttribute('aria-selected', String(on));
      x.button.tabIndex = on ? 0 : -1;
      x.button.hidden = !!x.wide && !isWide();
    }
    topology.hidden = !t.panels.includes(topology);
    diagramRoot.hidden = !t.panels.includes(diagramRoot);
    topology.setAttribute('aria-labelledby', t.panels.includes(topology) ? t.id : 'tab-cluster');
    diagramRoot.setAttribute('aria-labelledby', t.panels.includes(diagramRoot) ? t.id : 'tab-diagram');
    panes.classList.toggle('split', t.panels.length > 1);
    diagram.setActive(t.panels.includes(diagramRoot));
    if (t.panels.includes(topology)) window.dispatchEvent(new Event('resize'));
  }
  /** When the window narrows, "side by side" falls back to the cluster; when it widens, the
   *  split comes back unless a tab was chosen by hand. */
  function onWidth() {
    if (current && current.wide && !isWide()) choose(tabs[0]);
    else if (isWide() && !chosenByHand) choose(tabs[1]);
    else choose(current || tabs[0]);
  }
  if (wideQuery) wideQuery.addEventListener('change', onWidth);
  choose(isWide() ? tabs[1] : tabs[0]);
  return { element: list, show: (/** @type {string} */ which) => { chosenByHand = true; choose(tabs.find((t) => t.id === `tab-${which}`) || tabs[0]); } };
}
