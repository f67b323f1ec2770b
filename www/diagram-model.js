// The message sequence diagram's pure part: where each lane, event and message goes, which
// ones the filters keep, and the two exports (a standalone SVG file, Mermaid or
// sequencediagram.org text). No DOM here; diagram.js draws and listens.

/** Pixels per step along the time axis, per lane across it, and the lane-label gutter. */
export const STEP_W = 16;
export const LANE_H = 24;
export const GUTTER = 44;
export const PAD_Y = 16;

/** 'n3' / 'c1' for a lane or an address ({node: 3} / {client: 1}). */
export function laneKey(a) { return a.node != null ? `n${a.node}` : `c${a.client}`; }

/** The x of the middle of a step's column. */
export function stepX(step) { return step * STEP_W + STEP_W / 2; }

/**
 * The filters in force: kinds hidden (a Set of message types) and lanes hidden (a Set of
 * lane keys). A message shows when its kind and both of its lanes show.
 */
export function messageShown(m, filter) {
  return !filter.kinds.has(m.type) && !filter.lanes.has(laneKey(m.from)) && !filter.lanes.has(laneKey(m.to));
}

/** Whether a lane event shows: its lane shows and, for a send or receive, its message. */
export function eventShown(e, byIndex, filter) {
  if (filter.lanes.has(laneKey(e.lane))) return false;
  if (e.message == null) return true;
  const m = byIndex.get(e.message);
  return !m || messageShown(m, filter);
}

/**
 * The y of every shown lane, in the window's lane order.
 * @returns {Map<string, number>}
 */
export function laneYs(lanes, filter) {
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
 * when it is in flight at the cursor (sent, not ended by then).
 * @returns {{ x1:number, y1:number, x2:number, y2:number, state:'done'|'flight'|'future', fate:string|null }}
 */
export function messageGeometry(m, ys, step) {
  const y1 = ys.get(laneKey(m.from));
  const yTo = ys.get(laneKey(m.to));
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

/** The shape drawn for a lane event: which mark, and its colour. */
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

/** SVG path data for a mark of size r centred on (x, y). */
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

const MERMAID_ARROW = { delivered: '->>', dropped: '-x', unreachable: '-x', crashed: '-x', partitioned: '-x' };
const SEQDIAG_ARROW = { delivered: '->', dropped: '-x', unreachable: '-x', crashed: '-x', partitioned: '-x' };

/**
 * Text safe after a colon: one line; for Mermaid, `#` and `;` as entity codes (Mermaid
 * reads `#…;` as an entity and `;` as the end of a statement).
 */
function clean(text, mermaid) {
  const t = String(text).replace(/[\r\n]+/g, ' ').trim();
  return mermaid ? t.replace(/#/g, '#35;').replace(/;(?!\s*$)/g, (m, i, str) => (str.slice(Math.max(0, i - 5), i).match(/#\d+$/) ? m : '#59;')) : t;
}

/**
 * The window as Mermaid (`dialect` 'mermaid') or sequencediagram.org ('sequencediagram')
 * text: one participant per shown lane, one arrow per shown message at the step it ended
 * (in flight at the cursor: an open arrow marked "in flight"), local events as notes.
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
    out.push(`participant ${k} as ${l.node != null ? `node ${l.node}` : `client ${l.client}`}`);
  }
  // Arrows at their end (or at the cursor while in flight), notes at their event, in
  // the order things happened; drawn only what the window shows up to the cursor.
  const items = [];
  const shown = win.messages.filter((m) => messageShown(m, filter) && m.created_step <= win.step && m.sent_step >= win.from_step);
  for (const m of shown) {
    const done = m.end && m.end.step <= win.step;
    const order = done ? (m.end.event ?? m.send_event) + (m.end.event == null ? 0.5 : 0) : Infinity;
    const at = done ? m.end.step : win.step;
    items.push({ order, step: at, tie: m.index, line: arrowLine(m, done ? m.end.fate : null, mermaid) });
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
 */
export function standaloneSvg({ content, lanes, ys, fromX, width, height, title }) {
  const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const labels = lanes.filter((l) => ys.has(laneKey(l))).map((l) => {
    const k = laneKey(l);
    return `<text x="${GUTTER - 8}" y="${ys.get(k) + 4}" text-anchor="end" font-family="ui-monospace, monospace" font-size="12" font-weight="600" fill="#344054">${k}</text>`;
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
