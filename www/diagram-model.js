// @ts-check
// The message sequence diagram's pure part: where each lane, event and message goes, which
// ones the filters keep, the scene of one window (buildScene: what diagram-paint.js paints
// on the canvas and diagram.js keeps as SVG), and the exports (a standalone SVG file built
// from the scene, Mermaid or sequencediagram.org text). No DOM here; diagram.js draws and
// listens.

import { kindColor } from './glossary.js';

/** @typedef {import('./pkg/paxoscope.js').Addr} Addr */
/** @typedef {import('./pkg/paxoscope.js').SpaceTimeWindow} SpaceTimeWindow */
/** @typedef {import('./pkg/paxoscope.js').MessageTrace} MessageTrace */
/** @typedef {import('./pkg/paxoscope.js').MessageFate} MessageFate */
/** @typedef {import('./pkg/paxoscope.js').LaneEvent} LaneEvent */
/**
 * The filters in force: message kinds hidden (message types) and lanes hidden (lane keys).
 * @typedef {{ kinds: Set<string>, lanes: Set<string> }} Filter
 */
/**
 * A selected event and its causal past: the last event index of each lane that happened
 * before it (by lane key), and the messages of its chain.
 * @typedef {{ index: number, frontier: Map<string, number>, chainMessages: number[] }} Selection
 */
/** A violation the page knows of, marked at its step. @typedef {{ step: number, invariant: string, message: string }} KnownViolation */
/** A mark drawn for a lane event. @typedef {'dot'|'cross'|'triangle'|'diamond'|'star'|'square'|'circle'|'check'} Mark */
/**
 * An arrow of the scene: a message from its send to its end (`arrows`), or dangling to
 * "now" while in flight (`flying`, `k` steps right of the cursor, `act` when it can be
 * acted on). `fork` is where a duplicate leaves its original's arrow.
 * @typedef {{ index: number, id: number | undefined, type: string, x1: number, y1: number, x2: number, y2: number,
 *   color: string, opacity: number, width: number, fork: [number, number] | null,
 *   state: 'done'|'flight'|'future', fate: MessageFate | null }} SceneArrow
 */
/** @typedef {SceneArrow & { end: number | null, title: string }} SettledArrow */
/** @typedef {SceneArrow & { k: number, act: boolean, label: string }} FlyingArrow */
/**
 * A lane event of the scene: a send or receive (`dots`, with its message) or another
 * event (`marks`), where and how it is drawn.
 * @typedef {{ index: number, kind: import('./pkg/paxoscope.js').LaneEventKind, step: number, lane: string,
 *   x: number, y: number, mark: Mark, color: string, r: number, opacity: number,
 *   past: boolean | null, selected: boolean, message: number | null, label: string }} SceneEvent
 */
/** Where an arrow's line goes and how it ended. @typedef {{ x1: number, y1: number, x2: number, y2: number, fate: MessageFate | null }} Line */

/** Pixels per step along the time axis, per lane across it, and the lane-label gutter. */
export const STEP_W = 16;
export const LANE_H = 24;
export const GUTTER = 44;
export const PAD_Y = 16;

/**
 * 'n3' / 'c1' for a lane or an address ({node: 3} / {client: 1}).
 * @param {Addr} a
 * @returns {string}
 */
export function laneKey(a) { return 'node' in a ? `n${a.node}` : `c${a.client}`; }

/** The x of the middle of a step's column. @param {number} step */
export function stepX(step) { return step * STEP_W + STEP_W / 2; }

/**
 * The filters in force: kinds hidden (a Set of message types) and lanes hidden (a Set of
 * lane keys). A message shows when its kind and both of its lanes show.
 * @param {MessageTrace} m
 * @param {Filter} filter
 */
export function messageShown(m, filter) {
  return !filter.kinds.has(m.type) && !filter.lanes.has(laneKey(m.from)) && !filter.lanes.has(laneKey(m.to));
}

/**
 * Whether a lane event shows: its lane shows and, for a send or receive, its message.
 * @param {LaneEvent} e
 * @param {Map<number, MessageTrace>} byIndex
 * @param {Filter} filter
 */
export function eventShown(e, byIndex, filter) {
  if (filter.lanes.has(laneKey(e.lane))) return false;
  if (e.message == null) return true;
  const m = byIndex.get(e.message);
  return !m || messageShown(m, filter);
}

/**
 * The y of every shown lane, in the window's lane order.
 * @param {Addr[]} lanes
 * @param {Filter} filter
 * @returns {Map<string, number>}
 */
export function laneYs(lanes, filter) {
  /** @type {Map<string, number>} */
  const ys = new Map();
  let i = 0;
  for (const l of lanes) {
    const k = laneKey(l);
    if (filter.lanes.has(k)) continue;
    ys.set(k, PAD_Y + i * LANE_H + LANE_H / 2);
    i += 1;
  }
  return ys;
}

/**
 * Where a message is drawn at cursor `step`: from its send to its end, or dangling to "now"
 * when it is in flight at the cursor (sent, not ended by then). A lane the filters hide has
 * no y: its ends come out NaN, and the caller skips the message.
 * @param {MessageTrace} m
 * @param {Map<string, number>} ys
 * @param {number} step
 * @returns {Line & { state: 'done'|'flight'|'future' }}
 */
export function messageGeometry(m, ys, step) {
  const y1 = ys.get(laneKey(m.from)) ?? NaN;
  const yTo = ys.get(laneKey(m.to)) ?? NaN;
  const x1 = stepX(m.sent_step);
  const end = m.end;
  if (m.created_step > step) {
    return { ...ended(m, x1, y1, yTo), state: 'future' };
  }
  if (!end || end.step > step) {
    // In flight at the cursor: dangle towards the recipient, ending just past "now".
    // A copy dangles a little further on, so both ends can be clicked.
    const copy = m.copy_of != null;
    const x2 = stepX(step) + STEP_W * (copy ? 1.6 : 0.75);
    return { x1, y1, x2, y2: y1 + (yTo - y1) * (copy ? 0.75 : 0.5), state: 'flight', fate: null };
  }
  return { ...ended(m, x1, y1, yTo), state: 'done' };
}

/**
 * @param {MessageTrace} m
 * @param {number} x1
 * @param {number} y1
 * @param {number} yTo
 * @returns {Line}
 */
function ended(m, x1, y1, yTo) {
  const end = m.end;
  if (!end) return { x1, y1, x2: x1 + STEP_W, y2: y1 + (yTo - y1) * 0.5, fate: null };
  const x2 = Math.max(stepX(end.step), x1 + STEP_W * 0.6);
  switch (end.fate) {
    case 'delivered': return { x1, y1, x2, y2: yTo, fate: 'delivered' };
    case 'dropped': return { x1, y1, x2, y2: y1 + (yTo - y1) * 0.6, fate: 'dropped' };
    case 'partitioned': return { x1, y1, x2: x1 + STEP_W * 0.7, y2: y1 + (yTo - y1) * 0.25, fate: 'partitioned' };
    default: return { x1, y1, x2, y2: yTo, fate: end.fate }; // unreachable, crashed: a cross at the lane
  }
}

/**
 * The shape drawn for a lane event: which mark, and its colour.
 * @type {Record<import('./pkg/paxoscope.js').LaneEventKind, { mark: Mark, color: string }>}
 */
export const EVENT_STYLE = {
  send: { mark: 'dot', color: '#475467' },
  receive: { mark: 'dot', color: '#475467' },
  crash: { mark: 'cross', color: '#d92d20' },
  restart: { mark: 'triangle', color: '#12a150' },
  election: { mark: 'diamond', color: '#7c3aed' },
  elected: { mark: 'star', color: '#e6a100' },
  decided: { mark: 'square', color: '#12a150' },
  submit: { mark: 'circle', color: '#0e9f6e' },
  answer: { mark: 'check', color: '#0e9f6e' },
};

/**
 * SVG path data for a mark of size r centred on (x, y).
 * @param {Mark} mark
 * @param {number} x
 * @param {number} y
 * @param {number} r
 */
export function markPath(mark, x, y, r) {
  switch (mark) {
    case 'cross': return `M${x - r},${y - r}L${x + r},${y + r}M${x + r},${y - r}L${x - r},${y + r}`;
    case 'triangle': return `M${x},${y - r}L${x + r},${y + r * 0.8}L${x - r},${y + r * 0.8}Z`;
    case 'diamond': return `M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}Z`;
    case 'square': return `M${x - r * 0.8},${y - r * 0.8}h${r * 1.6}v${r * 1.6}h${-r * 1.6}Z`;
    case 'check': return `M${x - r},${y}L${x - r * 0.2},${y + r * 0.8}L${x + r},${y - r * 0.8}`;
    case 'star': {
      let d = '';
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const rr = i % 2 ? r * 0.45 : r * 1.1;
        d += `${i ? 'L' : 'M'}${(x + rr * Math.cos(a)).toFixed(1)},${(y + rr * Math.sin(a)).toFixed(1)}`;
      }
      return `${d}Z`;
    }
    default: return `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
  }
}

// ------------------------------------------------------------------ text export

/** @type {Record<MessageFate, string>} */
const MERMAID_ARROW = { delivered: '->>', dropped: '-x', unreachable: '-x', crashed: '-x', partitioned: '-x' };
/** @type {Record<MessageFate, string>} */
const SEQDIAG_ARROW = { delivered: '->', dropped: '-x', unreachable: '-x', crashed: '-x', partitioned: '-x' };

/**
 * Text safe after a colon: one line; for Mermaid, `#` and `;` as entity codes (Mermaid
 * reads `#…;` as an entity and `;` as the end of a statement).
 * @param {string} text
 * @param {boolean} mermaid
 */
function clean(text, mermaid) {
  const t = String(text).replace(/[\r\n]+/g, ' ').trim();
  return mermaid ? t.replace(/#/g, '#35;').replace(/;(?!\s*$)/g, (/** @type {string} */ m, /** @type {number} */ i, /** @type {string} */ str) => (str.slice(Math.max(0, i - 5), i).match(/#\d+$/) ? m : '#59;')) : t;
}

/**
 * The window as Mermaid (`dialect` 'mermaid') or sequencediagram.org ('sequencediagram')
 * text: one participant per shown lane, one arrow per shown message at the step it ended
 * (in flight at the cursor: an open arrow marked "in flight"), local events as notes.
 * @param {SpaceTimeWindow} win
 * @param {Filter} filter
 * @param {'mermaid'|'sequencediagram'} [dialect]
 */
export function sequenceText(win, filter, dialect = 'mermaid') {
  const mermaid = dialect === 'mermaid';
  const ys = laneYs(win.lanes, filter);
  const lanes = win.lanes.filter((l) => ys.has(laneKey(l)));
  const out = [];
  if (mermaid) out.push('sequenceDiagram');
  out.push(`${mermaid ? '%%' : '#'} Paxoscope, steps ${win.from_step}–${win.to_step} (cursor at step ${win.step})`);
  for (const l of lanes) {
    const k = laneKey(l);
    out.push(`participant ${k} as ${'node' in l ? `node ${l.node}` : `client ${l.client}`}`);
  }
  // Arrows at their end (or at the cursor while in flight), notes at their event, in
  // the order things happened; drawn only what the window shows up to the cursor.
  /** @type {{ order: number, step: number, tie: number, line: string }[]} */
  const items = [];
  const shown = win.messages.filter((m) => messageShown(m, filter) && m.created_step <= win.step && m.sent_step >= win.from_step);
  for (const m of shown) {
    const end = m.end && m.end.step <= win.step ? m.end : null;
    const order = end ? (end.event ?? m.send_event) + (end.event == null ? 0.5 : 0) : Infinity;
    const at = end ? end.step : win.step;
    items.push({ order, step: at, tie: m.index, line: arrowLine(m, end ? end.fate : null, mermaid) });
  }
  for (const e of win.events) {
    if (e.message != null || e.step > win.step || !ys.has(laneKey(e.lane))) continue;
    const text = clean(`${e.kind}${e.text ? `: ${e.text}` : ''}`, mermaid);
    items.push({ order: e.index, step: e.step, tie: 0, line: mermaid ? `Note over ${laneKey(e.lane)}: ${text}` : `note over ${laneKey(e.lane)}: ${text}` });
  }
  items.sort((a, b) => a.order - b.order || a.step - b.step || a.tie - b.tie);
  for (const i of items) out.push(i.line);
  return `${out.join('\n')}\n`;
}

/**
 * @param {MessageTrace} m
 * @param {MessageFate | null} fate
 * @param {boolean} mermaid
 */
function arrowLine(m, fate, mermaid) {
  const from = laneKey(m.from);
  const to = laneKey(m.to);
  const label = clean(`${m.id != null ? `#${m.id} ` : ''}${m.label}${m.copy_of != null ? ' (duplicate)' : ''}`, mermaid);
  if (!fate) return mermaid ? `${from}-)${to}: ${label} (in flight)` : `${from}->>${to}: ${label} (in flight)`;
  const arrow = (mermaid ? MERMAID_ARROW : SEQDIAG_ARROW)[fate] || '->';
  const why = fate === 'delivered' ? '' : ` (${fate})`;
  return `${from}${arrow}${to}: ${label}${why}`;
}

/**
 * A standalone SVG file of the drawn part: the lane labels and `content` (the drawing's
 * SVG markup, in step coordinates from x = fromX) on a white page. Opens in any browser.
 * @param {{ content: string, lanes: Addr[], ys: Map<string, number>, fromX: number, width: number, height: number, title: string }} drawing
 */
export function standaloneSvg({ content, lanes, ys, fromX, width, height, title }) {
  const esc = (/** @type {string} */ t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const labels = lanes.filter((l) => ys.has(laneKey(l))).map((l) => {
    const k = laneKey(l);
    return `<text x="${GUTTER - 8}" y="${(ys.get(k) ?? 0) + 4}" text-anchor="end" font-family="ui-monospace, monospace" font-size="12" font-weight="600" fill="#344054">${k}</text>`;
  }).join('');
  const W = Math.ceil(width + GUTTER);
  const H = Math.ceil(height);
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif">
<title>${esc(title)}</title>
<rect width="100%" height="100%" fill="#ffffff"/>
${labels}
<g transform="translate(${GUTTER - fromX},0)">${content}</g>
</svg>
`;
}

// ------------------------------------------------------------------ the scene of a window

/** The scene of one window, as buildScene makes it. @typedef {ReturnType<typeof buildScene>} Scene */

/** Opacity of what the causal slice leaves out, and of the recorded future. */
export const DIM = 0.16;
export const FUTURE = 0.32;

/**
 * What a send or receive says, for its label and the causal slice's narration.
 * @param {LaneEvent} e
 * @param {MessageTrace | null | undefined} m
 */
export function describe(e, m) {
  const who = laneKey(e.lane);
  if (e.kind === 'send' && m) return `${who} sends #${m.id ?? '–'} ${m.label} to ${laneKey(m.to)}`;
  if (e.kind === 'receive' && m) return `${who} receives #${m.id ?? '–'} ${m.label} from ${laneKey(m.from)}`;
  return `${who} ${e.text || e.kind}`;
}

/**
 * Everything one window of the diagram shows at cursor `cursor`, in diagram coordinates
 * (x from step 0, y from the top): lanes, the recorded future, partitions, violations,
 * settled and future arrows (`arrows`), arrows in flight (`flying`, each with its dangling
 * end), sends and receives (`dots`) and the other lane events (`marks`: elections,
 * decisions, crashes, ...). `selected` ({index, frontier, chainMessages}) dims what is not
 * in that event's causal past. The page paints it (diagram-paint.js) and exports it
 * (sceneSvg), so the file and the screen are the same picture.
 * @param {SpaceTimeWindow} win
 * @param {{ filter: Filter, cursor: number, selected?: Selection | null, inFlightIds?: Set<number>, known?: KnownViolation[] }} options
 */
export function buildScene(win, { filter, cursor, selected = null, inFlightIds = new Set(), known = [] }) {
  const ys = laneYs(win.lanes, filter);
  const height = PAD_Y * 2 + ys.size * LANE_H;
  const x0 = win.from_step * STEP_W;
  const x1 = (win.to_step + 1) * STEP_W;
  const cx = stepX(cursor) + STEP_W / 2;
  const byIndex = new Map(win.messages.map((m) => [m.index, m]));
  const past = selected ? selected.frontier : null;
  const inPast = (/** @type {Addr} */ lane, /** @type {number} */ index) => {
    if (!past) return true;
    const f = past.get(laneKey(lane));
    return f != null && index <= f;
  };
  const chainMsgs = new Set(selected ? selected.chainMessages : []);
  const net = win.network.map((n) => ({
    step: n.step, x: stepX(n.step), opacity: n.step > cursor ? FUTURE : 1, cut: !!n.groups,
    label: n.groups ? `partition ${n.groups.map((g) => `{${g.join(',')}}`).join(' ')}` : 'healed',
  }));
  const violations = (known || []).filter((v) => v.step >= win.from_step && v.step <= win.to_step)
    .map((v) => ({ step: v.step, x: stepX(v.step), invariant: v.invariant, message: v.message }));

  /** @type {SettledArrow[]} */
  const arrows = [];
  /** @type {FlyingArrow[]} */
  const flying = [];
  for (const m of win.messages) {
    if (!messageShown(m, filter)) continue;
    const g = messageGeometry(m, ys, cursor);
    if (Number.isNaN(g.y1) || Number.isNaN(g.y2)) continue;
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
    /** @type {SceneArrow} */
    const base = { state: 'done', fate: null, index: m.index, id: m.id, type: m.type, x1: sx, y1: sy, x2: g.x2, y2: g.y2, color, opacity, width, fork: copyOf ? [sx, sy] : null };
    if (g.state === 'flight') {
      // Dangles to "now": its end is k steps right of the cursor's column.
      flying.push({ ...base, state: 'flight', fate: null, k: (g.x2 - stepX(cursor)) / STEP_W, act: inFlightIds.has(m.id),
        label: `Act on message #${m.id}: ${m.label}, ${laneKey(m.from)} to ${laneKey(m.to)}, in flight` });
      continue;
    }
    const later = g.state === 'future' && !g.fate;
    arrows.push({ ...base, state: g.state, fate: g.fate, end: m.end ? m.end.step : null,
      title: `#${m.id ?? '–'} ${m.label} · ${laneKey(m.from)} → ${laneKey(m.to)} · sent at step ${m.sent_step}${m.copy_of != null ? ` (a duplicate, copied at step ${m.created_step})` : ''}${m.end ? ` · ${m.end.fate} at step ${m.end.step}` : ''}${later ? ' · later' : ''}` });
  }

  /** @type {SceneEvent[]} */
  const dots = [];
  /** @type {SceneEvent[]} */
  const marks = [];
  for (const e of win.events) {
    if (!eventShown(e, byIndex, filter)) continue;
    const y = ys.get(laneKey(e.lane));
    if (y == null) continue;
    const st = EVENT_STYLE[e.kind] || EVENT_STYLE.send;
    const isPast = inPast(e.lane, e.index);
    const m = e.message != null ? byIndex.get(e.message) : null;
    /** @type {SceneEvent} */
    const item = {
      index: e.index, kind: e.kind, step: e.step, lane: laneKey(e.lane), x: stepX(e.step), y,
      mark: st.mark, color: st.color, r: st.mark === 'dot' ? 2.2 : 5,
      opacity: e.step > cursor ? FUTURE : (past && !isPast ? DIM : 1),
      past: past ? isPast : null, selected: !!selected && selected.index === e.index,
      message: m ? m.index : null, label: `step ${e.step}: ${describe(e, m)}`,
    };
    (e.message != null ? dots : marks).push(item);
  }
  return { from: win.from_step, to: win.to_step, cursor, ys, height, x0, x1, cx, net, violations, arrows, flying, dots, marks };
}

/**
 * The head of a delivered arrow: a filled triangle at (x2, y2) pointing along it.
 * @param {number} x1
 * @param {number} y1
 * @param {number} x2
 * @param {number} y2
 * @returns {[number, number][]}
 */
export function arrowHead(x1, y1, x2, y2, L = 6) {
  const a = Math.atan2(y2 - y1, x2 - x1);
  return [[x2, y2], [x2 - L * Math.cos(a - 0.45), y2 - L * Math.sin(a - 0.45)], [x2 - L * Math.cos(a + 0.45), y2 - L * Math.sin(a + 0.45)]];
}

/** Whether a mark is drawn filled (a dot, a square, ...) or stroked only (a cross, a check). @param {Mark} mark */
export function markFilled(mark) { return mark !== 'cross' && mark !== 'check'; }

/** A mark's fill: white inside a diamond (an election), its colour otherwise, none when stroked. @param {SceneEvent} item */
export function markFill(item) { return markFilled(item.mark) ? (item.mark === 'diamond' ? '#fff' : item.color) : 'none'; }

/**
 * The scene between steps `from` and `to` (inclusive) as SVG markup in diagram coordinates:
 * the same picture the page paints (lanes, future, partitions, violations, arrows, sends and
 * receives, lane events, the cursor), for standaloneSvg. Built from the scene, not the screen.
 * @param {Scene} scene
 * @param {number} from
 * @param {number} to
 */
export function sceneSvg(scene, from, to) {
  const esc = (/** @type {string} */ t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const n = (/** @type {number} */ x) => String(Math.round(x * 10) / 10);
  const lo = from * STEP_W, hi = (to + 1) * STEP_W;
  const inX = (/** @type {number} */ a, /** @type {number} */ b) => Math.max(a, b) >= lo - STEP_W && Math.min(a, b) <= hi + STEP_W;
  const op = (/** @type {number} */ o) => (o === 1 ? '' : ` opacity="${o}"`);
  const out = [];
  const H = scene.height;
  for (const [, y] of scene.ys) out.push(`<line x1="${lo}" x2="${hi}" y1="${y}" y2="${y}" stroke="#d0d5dd" stroke-width="1"/>`);
  if (scene.cx < hi) out.push(`<rect x="${n(Math.max(scene.cx, lo))}" y="0" width="${n(hi - Math.max(scene.cx, lo))}" height="${H}" fill="#f2f4f7" opacity="0.7"/>`);
  for (const v of scene.violations) {
    out.push(`<g><rect x="${v.x - STEP_W / 2}" y="0" width="${STEP_W}" height="${H}" fill="#fdeeee"/><line x1="${v.x}" x2="${v.x}" y1="0" y2="${H}" stroke="#e5484d" stroke-width="2"/><text x="${v.x + 4}" y="${H - 5}" font-size="10" font-weight="600" fill="#b42318">${esc(v.invariant)} violated</text><title>${esc(`step ${v.step}: ${v.invariant} violated — ${v.message}`)}</title></g>`);
  }
  for (const c of scene.net) {
    const color = c.cut ? '#b54708' : '#667085';
    out.push(`<g${op(c.opacity)}><line x1="${c.x}" x2="${c.x}" y1="4" y2="${H - 4}" stroke="${color}" stroke-width="1.5" stroke-dasharray="3 3"/><text x="${c.x + 3}" y="11" font-size="10" fill="${color}">${esc(c.label)}</text></g>`);
  }
  for (const a of scene.arrows) {
    if (!inX(a.x1, a.x2)) continue;
    let g = `<line x1="${n(a.x1)}" y1="${n(a.y1)}" x2="${n(a.x2)}" y2="${n(a.y2)}" stroke="${a.color}" stroke-width="${a.width}" stroke-linecap="round"/>`;
    if (a.fork) g = `<circle cx="${n(a.x1)}" cy="${n(a.y1)}" r="2.6" fill="#fff" stroke="${a.color}" stroke-width="1.4"/>${g}`;
    if (a.fate === 'delivered') g += `<path d="M${arrowHead(a.x1, a.y1, a.x2, a.y2).map((p) => `${n(p[0])},${n(p[1])}`).join('L')}Z" fill="${a.color}"/>`;
    else if (a.fate) g += `<path d="${markPath('cross', a.x2, a.y2, 3.6)}" stroke="#d92d20" stroke-width="2" fill="none" stroke-linecap="round"/>`;
    out.push(`<g${op(a.opacity)}>${g}<title>${esc(a.title)}</title></g>`);
  }
  for (const f of scene.flying) {
    if (!inX(f.x1, f.x2)) continue;
    out.push(`<line x1="${n(f.x1)}" y1="${n(f.y1)}" x2="${n(f.x2)}" y2="${n(f.y2)}" stroke="${f.color}" stroke-width="${f.width}" stroke-dasharray="4 3" stroke-linecap="round"${op(f.opacity)}/>`);
    out.push(`<circle cx="${n(f.x2)}" cy="${n(f.y2)}" r="5" fill="#fff" stroke="${f.color}" stroke-width="2"${op(f.opacity)}/>`);
  }
  for (const e of scene.dots.concat(scene.marks)) {
    if (e.x < lo - STEP_W || e.x > hi + STEP_W) continue;
    const sel = e.selected ? `<circle cx="${e.x}" cy="${e.y}" r="${e.r + 4}" fill="none" stroke="#4f46e5" stroke-width="2"/>` : '';
    const filled = markFilled(e.mark);
    out.push(`<g${op(e.opacity)}>${sel}<path d="${markPath(e.mark, e.x, e.y, e.r)}" fill="${markFill(e)}" stroke="${e.color}" stroke-width="${filled ? 1.2 : 2.2}" stroke-linecap="round" stroke-linejoin="round"/><title>${esc(e.label)}</title></g>`);
  }
  if (scene.cx >= lo && scene.cx <= hi) out.push(`<line x1="${scene.cx}" x2="${scene.cx}" y1="0" y2="${H}" stroke="#4f46e5" stroke-width="2"/>`);
  return out.join('');
}
