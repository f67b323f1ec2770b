// The message sequence diagram (Lamport's space-time diagram), live and a control surface:
// a lane per node and client, each message an arrow from its send to its end (a cross when
// lost, a fork for a duplicate, dangling to "now" while in flight: click it to deliver,
// drop or duplicate it), elections, decisions, crashes and partitions marked; the current
// step is a cursor kept in sync with the timeline both ways; "why" dims everything outside
// an event's causal past (the core's happens-before relation, causalPast()).
// Virtualised: only the steps in view are asked for (spacetime(from, to)) and drawn.

import { h, s, setText, reconcile } from './dom.js';
import { kindColor, kinds } from './glossary.js';
import {
  STEP_W, LANE_H, GUTTER, PAD_Y, laneKey, stepX, laneYs, messageShown, eventShown,
  messageGeometry, EVENT_STYLE, markPath, sequenceText, standaloneSvg,
} from './diagram-model.js';

/** Steps drawn beyond each side of what is in view, so a short scroll needs no redraw. */
const MARGIN_STEPS = 48;
/** While playing, the diagram redraws at most this often (ms); the cursor moves every frame. */
const PLAY_REDRAW_MS = 150;

const DIM = 0.16;
const FUTURE = 0.32;

function describe(e, m) {
  const who = laneKey(e.lane);
  if (e.kind === 'send' && m) return `${who} sends #${m.id ?? '–'} ${m.label} to ${laneKey(m.to)}`;
  if (e.kind === 'receive' && m) return `${who} receives #${m.id ?? '–'} ${m.label} from ${laneKey(m.from)}`;
  return `${who} ${e.text || e.kind}`;
}

/** Sets an attribute only when it changed. */
function setAttr(el, name, value) { if (el.getAttribute(name) !== value) el.setAttribute(name, value); }
/** Sets an inline style property only when it changed. */
function setStyle(el, prop, value) { if (el.style[prop] !== value) el.style[prop] = value; }

export function createDiagram(app, root) {
  const filter = { kinds: new Set(['Heartbeat']), lanes: new Set() };
  let win = null; // the last window fetched
  let winKey = '';
  let cursor = 0;
  let total = 0;
  let lastDraw = 0;
  let trailing = 0;
  let selected = null; // { index, past }
  let active = false;
  let lastCursor = -1;
  let inFlightIds = new Set();
  const supported = () => app.pg && typeof app.pg.spacetime === 'function';

  // ---------------------------------------------------------------- DOM
  const kindBox = h('div', { class: 'dg-checks' });
  const laneBox = h('div', { class: 'dg-checks' });
  const kindMenu = h('details', { class: 'dg-menu' }, h('summary', { class: 'btn small' }, 'Kinds'), kindBox);
  const laneMenu = h('details', { class: 'dg-menu' }, h('summary', { class: 'btn small' }, 'Lanes'), laneBox);
  const hbInput = h('input', { type: 'checkbox' });
  const hbToggle = h('label', { class: 'dg-hb' }, hbInput, 'Heartbeats');
  const item = (label, text) => h('button', { type: 'button', class: 'dg-item', 'aria-label': label }, text);
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
  const gBack = s('g', { class: 'dg-back' });
  const gMsgs = s('g', { class: 'dg-msgs' });
  const gEvs = s('g', { class: 'dg-evs' });
  // Dangling ends, on top of everything, in a group that follows "now": every message in
  // flight ends at the cursor, so moving "now" is one transform, not one write per message.
  const gRings = s('g', { class: 'dg-rings' });
  gContent.append(gBack, gMsgs, gEvs, gRings);
  const gUi = s('g', { class: 'dg-ui' });
  svg.append(gContent, gUi);
  // The arrows of messages in flight are painted on a canvas under the SVG: their end moves
  // with every step, and hundreds of SVG lines re-laid out per step cost whole frames.
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
  let scrollSetRaf = 0;
  /** Scrolls to x: known at once, written to the DOM at the start of the next frame. */
  function setScroll(x) {
    scrollX = Math.round(Math.max(0, Math.min(x, GUTTER + (total + 3) * STEP_W - viewW)));
    if (!scrollSetRaf) {
      scrollSetRaf = requestAnimationFrame(() => {
        scrollSetRaf = 0;
        if (Math.abs(scroller.scrollLeft - scrollX) >= 1) scroller.scrollLeft = scrollX;
        scrollX = scroller.scrollLeft;
      });
    }
  }
  new ResizeObserver(() => {
    const w = scroller.clientWidth;
    if (w === viewW) return;
    viewW = w;
    lastCursor = -1;
    if (active && app.view) { winKey = ''; update(app.view); }
  }).observe(scroller);

  let scrollRaf = 0;
  scroller.addEventListener('scroll', () => {
    if (!scrollSetRaf) scrollX = scroller.scrollLeft;
    hidePop();
    if (!scrollRaf) scrollRaf = requestAnimationFrame(() => { scrollRaf = 0; refresh(false); paintFlying(); });
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

  function fetchWindow(from, to) {
    const r = app.call('reading the message sequence diagram', (pg) => pg.spacetime(from, to));
    return r.ok ? r.value : null;
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
  function refresh(force) {
    if (!active || !supported() || !app.view) return;
    const { from, to } = wanted();
    const playing = app.playing;
    const key = `${cursor}|${total}|${[...filter.kinds].join()}|${[...filter.lanes].join()}|${selected ? selected.index : ''}`;
    // A scroll within the steps already drawn (the margins) needs no new window.
    const { first, last } = visibleSteps();
    const covered = win && first >= win.from_step && Math.min(last, total) <= win.to_step;
    if (!force && key === winKey && covered) return;
    const now = performance.now();
    if (playing && !force && now - lastDraw < PLAY_REDRAW_MS) {
      moveCursorOnly();
      if (!trailing) trailing = setTimeout(() => { trailing = 0; refresh(false); }, PLAY_REDRAW_MS);
      return;
    }
    const data = fetchWindow(from, to);
    if (!data) return;
    win = data;
    winKey = key;
    lastDraw = now;
    draw();
  }

  function moveCursorOnly() {
    const c = gUi.querySelector('.dg-cursor');
    if (c) c.setAttribute('transform', `translate(${stepX(cursor) + STEP_W / 2},0)`);
  }

  // Drawn elements by key ('m<index>' a message, 'e<index>' an event), each with the words
  // it was built from: a redraw rebuilds only what changed and moves the dangling ends of
  // messages in flight in place, so a step while playing touches a few elements.
  const drawnMsgs = new Map();
  const drawnEvs = new Map();

  /** Returns the kept element of `key` when `sig` is unchanged, or a new one from build(). */
  function keyed(cache, key, sig, build) {
    const old = cache.get(key);
    if (old && old.sig === sig) return old;
    const made = { ...build(), sig };
    cache.set(key, made);
    return made;
  }

  /** The arrows of messages in flight, as drawn last: {x1, y1, x2, y2, color, opacity, width, index}. */
  let flying = [];

  /**
   * Paints the arrows of messages in flight on the canvas under the SVG. The canvas covers
   * only the visible part (diagram x from the scroll offset on), so scrolling repaints it.
   */
  function paintFlying() {
    if (!win) return;
    const ys = laneYs(win.lanes, filter);
    const height = PAD_Y * 2 + ys.size * LANE_H;
    const dpr = window.devicePixelRatio || 1;
    const x0 = scrollX;
    const w = Math.max(1, (viewW || 600) - GUTTER);
    const cw = Math.round(w * dpr), ch = Math.round(height * dpr);
    if (canvas.width !== cw) canvas.width = cw;
    if (canvas.height !== ch) canvas.height = ch;
    setStyle(canvas, 'width', `${w}px`);
    setStyle(canvas, 'height', `${height}px`);
    setStyle(canvas, 'left', `${GUTTER + x0}px`);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, cw, ch);
    ctx.setTransform(dpr, 0, 0, dpr, -x0 * dpr, 0);
    ctx.lineCap = 'round';
    // Only the visible part of each arrow is stroked; it is drawn solid and lighter, and
    // dashed over its last stretch before "now" (dashing whole long arrows costs a frame).
    const lo = x0 - 8, hi = x0 + w + 8;
    const DASHED = 40;
    for (const f of flying) {
      const dx = f.x2 - f.x1, dy = f.y2 - f.y1;
      if (Math.max(f.x1, f.x2) < lo || Math.min(f.x1, f.x2) > hi) continue;
      const at = (x) => (dx === 0 ? 0 : Math.max(0, Math.min(1, (x - f.x1) / dx)));
      const t0 = dx >= 0 ? at(lo) : at(hi), t1 = dx >= 0 ? at(hi) : at(lo);
      const td = Math.max(t0, 1 - DASHED / Math.max(1, Math.hypot(dx, dy)));
      ctx.strokeStyle = f.color;
      ctx.lineWidth = f.width;
      if (td > t0) {
        ctx.globalAlpha = f.opacity * 0.55;
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.moveTo(f.x1 + dx * t0, f.y1 + dy * t0);
        ctx.lineTo(f.x1 + dx * Math.min(td, t1), f.y1 + dy * Math.min(td, t1));
        ctx.stroke();
      }
      if (t1 > td) {
        ctx.globalAlpha = f.opacity;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(f.x1 + dx * td, f.y1 + dy * td);
        ctx.lineTo(f.x1 + dx * t1, f.y1 + dy * t1);
        ctx.stroke();
      }
      if (f.fork && f.fork[0] >= lo && f.fork[0] <= hi) {
        ctx.globalAlpha = f.opacity;
        ctx.setLineDash([]);
        ctx.fillStyle = '#fff';
        ctx.beginPath();
        ctx.arc(f.fork[0], f.fork[1], 2.6, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
  }

  /** The message in flight whose arrow passes within 5 px of (x, y) in diagram coordinates. */
  function flyingAt(x, y) {
    let best = null, bestD = 5;
    for (const f of flying) {
      const dx = f.x2 - f.x1, dy = f.y2 - f.y1;
      const t = Math.max(0, Math.min(1, ((x - f.x1) * dx + (y - f.y1) * dy) / (dx * dx + dy * dy || 1)));
      const d = Math.hypot(f.x1 + t * dx - x, f.y1 + t * dy - y);
      if (d < bestD) { bestD = d; best = f; }
    }
    return best;
  }

  let drawing = false;
  function draw() {
    drawing = true;
    try { drawWindow(); } finally { drawing = false; }
  }

  function drawWindow() {
    const ys = laneYs(win.lanes, filter);
    buildLaneChecks(win.lanes);
    const height = PAD_Y * 2 + ys.size * LANE_H;
    const width = (total + 3) * STEP_W;
    setStyle(inner, 'width', `${GUTTER + width}px`);
    setStyle(inner, 'height', `${height}px`);
    const x0 = win.from_step * STEP_W;
    const x1 = (win.to_step + 1) * STEP_W;
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
        return h('span', { class: `dg-lane-label ${l.node != null ? 'node' : 'client'}`, style: { top: `${ys.get(k) - 9}px` } }, k);
      }));
    }

    const byIndex = new Map(win.messages.map((m) => [m.index, m]));
    const past = selected ? selected.frontier : null;
    const inPast = (lane, index) => {
      if (!past) return true;
      const f = past.get(laneKey(lane));
      return f != null && index <= f;
    };
    const chainMsgs = new Set(selected ? selected.chainMessages : []);
    const back = document.createDocumentFragment();

    // Lanes.
    for (const [, y] of ys) {
      back.append(s('line', { class: 'dg-lane', x1: x0, x2: x1, y1: y, y2: y, stroke: '#d0d5dd', 'stroke-width': 1 }));
    }
    // The recorded future, shaded.
    const cx = stepX(cursor) + STEP_W / 2;
    if (cx < x1) {
      back.append(s('rect', { class: 'dg-future', x: Math.max(cx, x0), y: 0, width: x1 - Math.max(cx, x0), height, fill: '#f2f4f7', opacity: 0.7 }));
    }
    // Partitions and heals.
    for (const n of win.network) {
      const x = stepX(n.step);
      const label = n.groups ? `partition ${n.groups.map((g) => `{${g.join(',')}}`).join(' ')}` : 'healed';
      back.append(s('g', { class: 'dg-net', opacity: n.step > cursor ? FUTURE : 1 },
        s('line', { x1: x, x2: x, y1: 4, y2: height - 4, stroke: n.groups ? '#b54708' : '#667085', 'stroke-width': 1.5, 'stroke-dasharray': '3 3' }),
        s('text', { x: x + 3, y: 11, 'font-size': 10, fill: n.groups ? '#b54708' : '#667085' }, label),
        s('title', {}, `step ${n.step}: ${label}`)));
    }
    // Violations.
    for (const v of app.known || []) {
      if (v.step < win.from_step || v.step > win.to_step) continue;
      const x = stepX(v.step);
      back.append(s('g', { class: 'dg-violation', 'data-step': v.step },
        s('rect', { x: x - STEP_W / 2, y: 0, width: STEP_W, height, fill: '#fdeeee' }),
        s('line', { x1: x, x2: x, y1: 0, y2: height, stroke: '#e5484d', 'stroke-width': 2 }),
        s('text', { x: x + 4, y: height - 5, 'font-size': 10, 'font-weight': 600, fill: '#b42318' }, `${v.invariant} violated`),
        s('title', {}, `step ${v.step}: ${v.invariant} violated — ${v.message}`)));
    }
    gBack.replaceChildren(back);

    // Messages.
    const msgEls = [];
    const ringEls = [];
    flying = [];
    const liveMsgs = new Set();
    for (const m of win.messages) {
      if (!messageShown(m, filter)) continue;
      const g = messageGeometry(m, ys, cursor);
      if (g.y1 == null || Number.isNaN(g.y2)) continue;
      const color = kindColor(m.type);
      let opacity = g.state === 'future' ? FUTURE : 1;
      let width = 1.4;
      if (past) {
        const sendIn = inPast(m.from, m.send_event);
        const recvIn = m.end && m.end.event != null && inPast(m.to, m.end.event);
        if (!(sendIn && recvIn)) opacity = DIM;
        if (chainMsgs.has(m.index)) width = 3;
      }
      let sx = g.x1, sy = g.y1;
      const copyOf = m.copy_of != null ? byIndex.get(m.copy_of) : null;
      if (copyOf) {
        // A duplicate forks from the original's arrow at the step it was copied.
        const o = messageGeometry(copyOf, ys, Math.max(cursor, m.created_step));
        const t = Math.min(1, Math.max(0, (stepX(m.created_step) - o.x1) / Math.max(1, o.x2 - o.x1)));
        sx = o.x1 + (o.x2 - o.x1) * t;
        sy = o.y1 + (o.y2 - o.y1) * t;
      }
      const act = g.state === 'flight' && inFlightIds.has(m.id);
      if (g.state === 'flight') {
        // Painted on the canvas; its dangling end is an SVG ring in the "now" group.
        const k = (g.x2 - stepX(cursor)) / STEP_W;
        flying.push({ x1: sx, y1: sy, x2: g.x2, y2: g.y2, color, opacity, width, index: m.index, copy: !!copyOf, fork: copyOf ? [sx, sy] : null });
        const rkey = `r${m.index}`;
        liveMsgs.add(rkey);
        const r = keyed(drawnMsgs, rkey, `${act}|${opacity}|${k}|${g.y2}`, () => {
          const ring = s('circle', { class: act ? 'dg-dangle' : 'dg-dangle off', 'data-id': m.id, 'data-index': m.index, 'data-k': k, cx: STEP_W / 2 + k * STEP_W, cy: g.y2, r: 5, fill: '#fff', stroke: color, 'stroke-width': 2, opacity });
          ring.dataset.y = String(g.y2);
          if (act) ring.dataset.label = `Act on message #${m.id}: ${m.label}, ${laneKey(m.from)} to ${laneKey(m.to)}, in flight`;
          return { el: ring, ring };
        });
        ringEls.push(r.ring);
        continue;
      }
      const fate = g.fate || (g.state === 'future' ? 'later' : '');
      const sig = `${g.state}|${g.fate}|${opacity}|${width}|${sx},${sy},${g.x2},${g.y2}|${m.end ? m.end.step : ''}`;
      const key = `m${m.index}`;
      liveMsgs.add(key);
      const d = keyed(drawnMsgs, key, sig, () => {
        const el = s('g', { class: `dg-msg ${g.state}`, 'data-index': m.index, 'data-id': m.id ?? '', 'data-type': m.type, opacity });
        if (copyOf) el.append(s('circle', { cx: sx, cy: sy, r: 2.6, fill: '#fff', stroke: color, 'stroke-width': 1.4 }));
        const hit = s('line', { class: 'hit', x1: sx, y1: sy, x2: g.x2, y2: g.y2, stroke: 'transparent', 'stroke-width': 9 });
        const vis = s('line', { class: 'vis', x1: sx, y1: sy, x2: g.x2, y2: g.y2, stroke: color, 'stroke-width': width, 'stroke-linecap': 'round' });
        el.append(hit, vis);
        if (g.fate === 'delivered') {
          const a = Math.atan2(g.y2 - sy, g.x2 - sx);
          const L = 6;
          const p1 = `${g.x2 - L * Math.cos(a - 0.45)},${g.y2 - L * Math.sin(a - 0.45)}`;
          const p2 = `${g.x2 - L * Math.cos(a + 0.45)},${g.y2 - L * Math.sin(a + 0.45)}`;
          el.append(s('path', { d: `M${g.x2},${g.y2}L${p1}L${p2}Z`, fill: color }));
        } else if (g.fate) {
          el.append(s('path', { class: 'dg-lost', d: markPath('cross', g.x2, g.y2, 3.6), stroke: '#d92d20', 'stroke-width': 2, fill: 'none', 'stroke-linecap': 'round' }));
        }
        el.append(s('title', {}, `#${m.id ?? '–'} ${m.label} · ${laneKey(m.from)} → ${laneKey(m.to)} · sent at step ${m.sent_step}${m.copy_of != null ? ` (a duplicate, copied at step ${m.created_step})` : ''}${m.end ? ` · ${m.end.fate} at step ${m.end.step}` : ''}${fate === 'later' ? ' · later' : ''}`));
        return { el, hit, vis };
      });
      msgEls.push(d.el);
    }
    for (const k of [...drawnMsgs.keys()]) if (!liveMsgs.has(k)) drawnMsgs.delete(k);
    reconcile(gMsgs, msgEls);

    // Events on lanes: sends and receives first, the marks people click on top of them.
    const evEls = [];
    const markEls = [];
    const liveEvs = new Set();
    for (const e of win.events) {
      if (!eventShown(e, byIndex, filter)) continue;
      const y = ys.get(laneKey(e.lane));
      if (y == null) continue;
      const st = EVENT_STYLE[e.kind] || EVENT_STYLE.send;
      const x = stepX(e.step);
      const isPast = inPast(e.lane, e.index);
      const opacity = e.step > cursor ? FUTURE : (past && !isPast ? DIM : 1);
      const isSel = !!selected && selected.index === e.index;
      const key = `e${e.index}`;
      liveEvs.add(key);
      const sig = `${y}|${opacity}|${isSel}|${past ? (isPast ? 1 : 0) : ''}`;
      const d = keyed(drawnEvs, key, sig, () => {
        const r = st.mark === 'dot' ? 2.2 : 5;
        const m = e.message != null ? byIndex.get(e.message) : null;
        const attrs = { class: `dg-ev ${e.kind}${isSel ? ' selected' : ''}`, 'data-event': e.index, 'data-step': e.step, 'data-lane': laneKey(e.lane), 'data-x': x, 'data-y': y, opacity };
        if (m) attrs['data-message'] = m.index;
        if (past) attrs['data-past'] = isPast ? '1' : '0';
        const el = s('g', attrs);
        el.dataset.label = `step ${e.step}: ${describe(e, m)}`;
        el.append(s('circle', { class: 'hit', cx: x, cy: y, r: st.mark === 'dot' ? 5 : 8, fill: 'transparent' }));
        if (isSel) el.append(s('circle', { cx: x, cy: y, r: r + 4, fill: 'none', stroke: '#4f46e5', 'stroke-width': 2 }));
        const filled = st.mark !== 'cross' && st.mark !== 'check';
        el.append(s('path', { d: markPath(st.mark, x, y, r), fill: filled ? (st.mark === 'diamond' ? '#fff' : st.color) : 'none', stroke: st.color, 'stroke-width': filled ? 1.2 : 2.2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }));
        el.append(s('title', {}, `step ${e.step}: ${describe(e, m)}`));
        return { el };
      });
      (e.message != null ? evEls : markEls).push(d.el);
    }
    for (const k of [...drawnEvs.keys()]) if (!liveEvs.has(k)) drawnEvs.delete(k);
    reconcile(gEvs, evEls.concat(markEls));
    reconcile(gRings, ringEls);
    setAttr(gRings, 'transform', `translate(${stepX(cursor) - STEP_W / 2},0)`);
    paintFlying();
    placeRoving();

    // The cursor.
    gUi.replaceChildren(s('g', { class: 'dg-cursor', transform: `translate(${cx},0)` },
      s('line', { x1: 0, x2: 0, y1: 0, y2: height, stroke: '#4f46e5', 'stroke-width': 2 }),
      s('rect', { x: -1, y: 0, width: 2, height, fill: '#4f46e5', opacity: 0.001 })));
    const shownMsgs = msgEls.length + flying.length;
    setText(status, `steps ${win.from_step}–${win.to_step} of ${total} · ${shownMsgs} message${shownMsgs === 1 ? '' : 's'}${filter.kinds.size ? ` · hidden: ${[...filter.kinds].join(', ')}` : ''}${win.truncated ? ' · cut at 20,000 events' : ''}`);
  }

  // ---------------------------------------------------------------- keyboard
  // One tab stop (a roving tabindex): the focused item, or the event nearest the cursor.
  // Arrow keys move along a lane (←/→) and between lanes (↑/↓), Home/End to the lane's
  // first/last event in view; Enter acts: an event shows why it happened and seeks there,
  // a send or receive picks its message (seeks to its delivery), a dangling end in flight
  // opens deliver / drop / duplicate.
  let focusKey = null; // 'e<index>' or 'd<message index>'
  let roving = null;
  let hasFocus = false;

  function itemOf(el) {
    if (!el) return null;
    if (el.classList.contains('dg-dangle')) return { key: `d${el.getAttribute('data-index')}`, x: stepX(cursor) + Number(el.dataset.k) * STEP_W, y: Number(el.dataset.y), el };
    return { key: `e${el.getAttribute('data-event')}`, x: Number(el.getAttribute('data-x')), y: Number(el.getAttribute('data-y')), el };
  }
  function elOf(key) {
    if (!key) return null;
    if (key[0] === 'd') { const d = drawnMsgs.get(`r${key.slice(1)}`); return d && d.ring.isConnected && !d.ring.classList.contains('off') ? d.ring : null; }
    const d = drawnEvs.get(key);
    return d && d.el.isConnected ? d.el : null;
  }
  function items() {
    const out = [];
    for (const el of gEvs.children) out.push(itemOf(el));
    for (const el of gRings.children) if (!el.classList.contains('off')) out.push(itemOf(el));
    return out;
  }

  function setRoving(el) {
    if (roving === el) return;
    if (roving) { roving.removeAttribute('tabindex'); roving.removeAttribute('role'); roving.removeAttribute('aria-label'); }
    roving = el;
    if (!el) return;
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', el.dataset.label || '');
  }

  /** After a redraw: the focused item keeps the tab stop (and the focus) if still drawn. */
  function placeRoving() {
    let el = elOf(focusKey);
    if (!el) {
      // The event nearest the cursor (the newest one at or before it).
      const cx = stepX(cursor);
      let best = null;
      for (const c of gEvs.children) {
        const x = Number(c.getAttribute('data-x'));
        if (x <= cx + 0.5 && (!best || x >= Number(best.getAttribute('data-x')))) best = c;
      }
      el = best || gEvs.firstElementChild;
      if (hasFocus && el) focusKey = itemOf(el).key;
    }
    setRoving(el);
    if (hasFocus && el && document.activeElement !== el) el.focus({ preventScroll: true });
  }

  function moveFocus(key) {
    const cur = roving ? itemOf(roving) : null;
    const all = items();
    if (!all.length) return;
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
    focusKey = next.key;
    setRoving(next.el);
    next.el.focus({ preventScroll: true });
    // Keep it in view: scroll the diagram when it is near an edge (a redraw follows).
    const left = scrollX + GUTTER;
    const right = scrollX + viewW;
    const px = GUTTER + next.x;
    if (px < left + 12 || px > right - 12) setScroll(Math.max(0, px - GUTTER - (viewW - GUTTER) / 2));
  }

  function activate(el) {
    if (el.classList.contains('dg-dangle')) { openPop(el); return; }
    const index = Number(el.getAttribute('data-event'));
    const msg = el.getAttribute('data-message');
    if (msg != null && msg !== '') chooseMessage(Number(msg));
    else chooseEvent(index, Number(el.getAttribute('data-step')));
  }

  svg.addEventListener('focusin', (ev) => {
    hasFocus = true;
    const it = itemOf(/** @type {Element} */ (ev.target).closest('.dg-ev, .dg-dangle'));
    if (it) {
      focusKey = it.key;
      if (roving !== it.el) setRoving(it.el);
      // A send or receive stands for its message: its arrow shows the focus too.
      const msg = it.el.getAttribute('data-message') ?? (it.key[0] === 'd' ? it.key.slice(1) : null);
      const d = msg != null ? drawnMsgs.get(`m${msg}`) : null;
      for (const x of gMsgs.querySelectorAll('.dg-focus')) x.classList.remove('dg-focus');
      if (d) d.el.classList.add('dg-focus');
    }
  });
  svg.addEventListener('focusout', (ev) => {
    // A focused item replaced by a redraw loses the focus for a moment: it comes back.
    if (drawing) return;
    const to = /** @type {Node | null} */ (ev.relatedTarget);
    if (!to || !svg.contains(to)) {
      hasFocus = false;
      for (const x of gMsgs.querySelectorAll('.dg-focus')) x.classList.remove('dg-focus');
    }
  });

  // ---------------------------------------------------------------- interaction
  svg.addEventListener('click', (ev) => {
    const t = /** @type {Element} */ (ev.target);
    const dangle = t.closest('.dg-dangle');
    if (dangle && !dangle.classList.contains('off')) { openPop(dangle); ev.stopPropagation(); return; }
    const evEl = t.closest('.dg-ev');
    if (evEl) { chooseEvent(Number(evEl.getAttribute('data-event')), Number(evEl.getAttribute('data-step'))); return; }
    const msgEl = t.closest('.dg-msg');
    if (msgEl) { chooseMessage(Number(msgEl.getAttribute('data-index'))); return; }
    // An arrow in flight is painted on the canvas: find it by its geometry.
    if (win) {
      const box = svg.getBoundingClientRect();
      const f = flyingAt(win.from_step * STEP_W + ev.clientX - box.left, ev.clientY - box.top);
      if (f) chooseMessage(f.index);
    }
  });
  svg.addEventListener('keydown', (ev) => {
    const t = /** @type {Element} */ (ev.target);
    if (!t.closest || !t.closest('.dg-ev, .dg-dangle')) return;
    if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); ev.stopPropagation(); activate(t.closest('.dg-ev, .dg-dangle')); return; }
    if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(ev.key)) {
      ev.preventDefault(); ev.stopPropagation();
      moveFocus(ev.key);
    }
  });

  function chooseMessage(index) {
    const m = win && win.messages.find((x) => x.index === index);
    if (!m) return;
    const target = m.end && m.end.event != null ? m.end.event : m.send_event;
    const step = m.end && m.end.event != null ? m.end.step : m.sent_step;
    chooseEvent(target, step);
  }

  /** Selects event `index` (its causal past is shown) and seeks the timeline to its step. */
  function chooseEvent(index, step) {
    hidePop();
    const r = app.call('finding why that happened', (pg) => pg.causalPast(index));
    if (!r.ok) return;
    const past = r.value;
    selected = {
      index,
      raw: past,
      frontier: new Map(past.frontier.map((f) => [laneKey(f.lane), f.upto])),
      chainMessages: past.chain.filter((l) => l.message && l.event.kind === 'receive').map((l) => l.message.index),
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

  function openPop(el) {
    const id = Number(el.getAttribute('data-id'));
    const m = win.messages.find((x) => x.id === id);
    if (!m) return;
    const act = (type, verb) => h('button', { type: 'button', class: `btn small${type === 'deliver' ? ' primary' : ''}`, 'aria-label': `${verb} message #${id}`,
      onclick: () => { hidePop(); app.apply({ type, id }, `${verb.toLowerCase()}ing message #${id}`); } }, verb);
    pop.replaceChildren(
      h('p', { class: 'small' }, h('strong', {}, `#${id} `), m.label, h('span', { class: 'muted' }, ` · ${laneKey(m.from)} → ${laneKey(m.to)}`)),
      h('div', { class: 'dg-pop-actions' }, act('deliver', 'Deliver'), act('drop', 'Drop'), act('duplicate', 'Duplicate')),
      h('button', { type: 'button', class: 'dg-pop-close', 'aria-label': 'Close', onclick: hidePop }, '×'));
    pop.hidden = false;
    const box = el.getBoundingClientRect();
    const stage = pop.parentElement.getBoundingClientRect();
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
    if (!win) return;
    const ys = laneYs(win.lanes, filter);
    const { first, last } = visibleSteps();
    const from = Math.max(win.from_step, first);
    const to = Math.min(win.to_step, last);
    const clone = /** @type {SVGGElement} */ (gContent.cloneNode(true));
    for (const el of clone.querySelectorAll('.hit, title')) el.remove();
    for (const el of clone.querySelectorAll('[tabindex], [data-label]')) { el.removeAttribute('tabindex'); el.removeAttribute('role'); el.removeAttribute('aria-label'); el.removeAttribute('data-label'); }
    // The arrows in flight (painted on the canvas on the page) become SVG lines here.
    const esc = (x) => String(Math.round(x * 10) / 10);
    const flightSvg = flying.map((f) => `<line x1="${esc(f.x1)}" y1="${esc(f.y1)}" x2="${esc(f.x2)}" y2="${esc(f.y2)}" stroke="${f.color}" stroke-width="${f.width}" stroke-dasharray="4 3" stroke-linecap="round" opacity="${f.opacity}"/>`).join('');
    const content = flightSvg + clone.innerHTML + gUi.innerHTML.replace(/<rect[^>]*opacity="0.001"[^>]*><\/rect>/g, '');
    const height = PAD_Y * 2 + ys.size * LANE_H;
    const text = standaloneSvg({
      content: `<clipPath id="dg-clip"><rect x="${from * STEP_W}" y="0" width="${(to - from + 1) * STEP_W}" height="${height}"/></clipPath><g clip-path="url(#dg-clip)">${content}</g>`,
      lanes: win.lanes, ys, fromX: from * STEP_W, width: (to - from + 1) * STEP_W, height,
      title: `Paxoscope message sequence diagram, steps ${from}–${to}`,
    });
    download(text, `paxoscope-steps-${from}-${to}.svg`, 'image/svg+xml');
  }

  function exportText(dialect) {
    if (!win) return;
    const { first, last } = visibleSteps();
    const from = Math.max(win.from_step, first);
    const to = Math.min(win.to_step, last);
    const part = { ...win, from_step: from, to_step: to, events: win.events.filter((e) => e.step >= from && e.step <= to) };
    const text = sequenceText(part, filter, dialect);
    download(text, `paxoscope-steps-${from}-${to}.${dialect === 'mermaid' ? 'mmd' : 'txt'}`, 'text/plain');
  }

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
    drawnMsgs.clear();
    drawnEvs.clear();
    focusKey = null;
    setRoving(null);
  }

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
    setStyle(inner, 'width', `${GUTTER + (total + 3) * STEP_W}px`);
    if (cursor !== lastCursor) { lastCursor = cursor; follow(); }
    refresh(false);
  }

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
    selected = null;
    why.hidden = true;
    winKey = '';
    lanesSig = '';
    total = 0;
    lastCursor = -1;
    clearDrawn();
    setScroll(0);
  }

  return { update, reset, setActive, get selectedEvent() { return selected ? selected.index : null; } };
}

/** Wide enough for the cluster and the diagram side by side (each pane about 460 px). */
export const SPLIT_MEDIA = '(min-width: 1600px)';

/**
 * The tabs that share the cluster's place: the cluster picture, the diagram, or (where the
 * window is wide enough) both side by side, which is then the default. Playback controls,
 * the timeline and the log stay where they are.
 */
export function createStageTabs(app, topology, diagramRoot, diagram) {
  const panes = h('div', { class: 'stage-panes' });
  topology.before(panes);
  panes.append(topology, diagramRoot);
  const tabs = [
    { id: 'tab-cluster', label: 'Cluster', panels: [topology] },
    { id: 'tab-split', label: 'Side by side', title: 'The cluster and the message sequence diagram side by side', panels: [topology, diagramRoot], wide: true },
    { id: 'tab-diagram', label: 'Diagram', title: 'Message sequence diagram: every message from its send to its end, lane by lane', panels: [diagramRoot] },
  ];
  const list = h('div', { class: 'stage-tabs', role: 'tablist', 'aria-label': 'What the stage shows' });
  const wideQuery = window.matchMedia ? window.matchMedia(SPLIT_MEDIA) : null;
  const isWide = () => !!(wideQuery && wideQuery.matches);
  const shown = () => tabs.filter((t) => !t.wide || isWide());
  let current = null;
  let chosenByHand = false;
  for (const t of tabs) {
    t.button = h('button', { type: 'button', role: 'tab', id: t.id, class: 'stage-tab', 'aria-controls': t.panels.map((p) => p.id).join(' '), 'aria-selected': 'false', tabindex: -1, title: t.title }, t.label);
    t.button.addEventListener('click', () => { chosenByHand = true; choose(t); });
    t.button.addEventListener('keydown', (e) => {
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
  return { element: list, show: (which) => { chosenByHand = true; choose(tabs.find((t) => t.id === `tab-${which}`) || tabs[0]); } };
}
