// @ts-check
// The cluster diagram: nodes laid out by role (clients, proposers, acceptors, replicas, or
// a ring of identical servers) and every in-flight message drawn on its way between two
// nodes, coloured by type, animated when it is sent and when it leaves the network.

import { s, h, ballotStr, endStr, opStr } from './dom.js';
import { kindColor, roleRank as rankOfRole } from './glossary.js';
import { createChipLayout, chipWidth, chipLabel, CHIP_H, LINK_CAP } from './chip-layout.js';
import { viewConflict, quorumMarks } from './conflict.js';
import { nodeStatus, STATUS_TEXT as MEMBER_TEXT } from './membership.js';
import { badgeSpot, fitTitle } from './node-badge.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').NodeView} NodeView */
/** @typedef {import('./pkg/paxoscope.js').MessageView} MessageView */
/** @typedef {import('./main.js').PageApp} PageApp */
/** @typedef {import('./main.js').Selection} Selection */
/** @typedef {import('./pkg/paxoscope.js').Addr} Addr */
/** @typedef {import('./node-badge.js').Spot} Spot */
/**
 * A titled area of the picture: a column (or row) of one kind of node, or the ring of
 * identical servers.
 * @typedef {{ label: string, ring: false, x: number, y: number, w: number, h: number }
 *   | { label: string, ring: true, cx: number, cy: number, rx: number, r: number }} Zone
 */
/**
 * A chip to draw: one message, or the messages of a crowded link counted (`msg` absent),
 * from its sender's spot to its receiver's.
 * @typedef {{ key: string, msgs: MessageView[], msg?: MessageView, from: Spot, to: Spot, text: string, first: number }} TopoChip
 */
/** How a chip looks. @typedef {{ ready: boolean, selected: boolean, hl: boolean, target: boolean, agg: boolean }} ChipLook */
/** A chip's move: from (x0, y0) at scale s0 to (x1, y1) at s1, over `ms` from t0; `out` when leaving. @typedef {{ t0: number, ms: number, x0: number, y0: number, x1: number, y1: number, s0: number, s1: number, out?: boolean }} ChipMove */
/** A chip as drawn on the canvas, at its spot (x, y). @typedef {{ key: string, color: string, x: number, y: number, anim: ChipMove | null, chip: TopoChip, text: string, to: Spot, state: ChipLook }} DrawnChip */
/** Where and how a chip is drawn at one moment. @typedef {{ x: number, y: number, scale: number, alpha: number, done: boolean }} ChipAt */
/**
 * A node's SVG parts, and what was last written into them (only changes are written).
 * @typedef {{ g: SVGGElement, badge: SVGGElement, part: SVGGElement, info: SVGTextElement, title: SVGTitleElement, idText: SVGTextElement,
 *   group?: string, badgeText?: string, partName?: string }} NodeEls
 */
/** A client's SVG group, and what was last written into it. @typedef {{ g: SVGGElement, info?: string, waiting?: boolean, titleText?: string }} ClientEls */

const GROUP_COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#ec4899', '#8b5cf6', '#14b8a6', '#ef4444', '#84cc16', '#64748b'];
const GROUP_NAMES = 'ABCDEFGHIJ';
const INK = '#182230'; // style.css --ink

/** Nodes are grouped by their roles, in the core's order of roles (proposers first). @param {string[]} roles */
function roleRank(roles) {
  return Math.min(...roles.map(rankOfRole));
}
/** "Proposers", "Acceptors", "Proposer + Replicas": a column title from role names. @param {string[]} roles */
function groupTitle(roles) {
  return roles.map((r) => r[0].toUpperCase() + r.slice(1)).join(' + ') + 's';
}

/**
 * Distinct partition groups in use, or null when the network is whole.
 * @param {NodeView[]} nodes
 */
export function partitionGroups(nodes) {
  const groups = new Map();
  for (const n of nodes) {
    if (!groups.has(n.group)) groups.set(n.group, []);
    groups.get(n.group).push(n.id);
  }
  if (groups.size <= 1) return null;
  return [...groups.entries()].sort((a, b) => a[1][0] - b[1][0]);
}

/**
 * @param {StateView} view
 * @param {number} group
 */
export function groupLabel(view, group) {
  const gs = partitionGroups(view.nodes);
  if (!gs) return null;
  const i = gs.findIndex(([g]) => g === group);
  return { name: GROUP_NAMES[i] || String(group), color: GROUP_COLORS[i % GROUP_COLORS.length] };
}

/**
 * Short form of a message label: its first two words ("Accept b=2.1").
 * @param {MessageView} m
 */
export function shortLabel(m) {
  const words = String(m.label || m.type).split(/\s+/).slice(0, 2).join(' ');
  return words.replace(/[:,]$/, '');
}

/**
 * @param {StateView} view
 * @param {number} w
 * @param {number} h
 */
function computeLayout(view, w, h) {
  /** @type {Map<string, Spot>} */
  const pos = new Map();
  /** @type {Zone[]} */
  const zones = [];
  const nodes = [...view.nodes].sort((a, b) => a.id - b.id);
  const clients = [...(view.clients || [])].sort((a, b) => a.id - b.id);
  const narrow = w < 560;
  /** @type {Map<string, { roles: string[], nodes: NodeView[] }>} */
  const sigs = new Map();
  for (const n of nodes) {
    const key = [...n.roles].sort((a, b) => roleRank([a]) - roleRank([b])).join('+');
    if (!sigs.has(key)) sigs.set(key, { roles: key.split('+'), nodes: [] });
    /** @type {{ roles: string[], nodes: NodeView[] }} */ (sigs.get(key)).nodes.push(n);
  }
  const groups = [...sigs.values()].sort((a, b) => roleRank(a.roles) - roleRank(b.roles));
  const R = Math.max(17, Math.min(27, Math.min(w, h) / 15));
  const pad = 12;

  if (groups.length === 1) {
    // Identical servers: a ring; clients in a column at the left (a row on top when narrow).
    const g = groups[0];
    let cx, cy, rad;
    if (narrow) {
      const top = clients.length ? 84 : 26;
      clients.forEach((c, i) => pos.set(`c${c.id}`, { x: (w * (i + 0.5)) / clients.length, y: 44 }));
      if (clients.length) zones.push({ ring: false, label: 'Clients', x: pad, y: 8, w: w - 2 * pad, h: 70 });
      cx = w / 2; cy = top + (h - top) / 2 + 2;
      rad = Math.min(w / 2 - R - 40, (h - top) / 2 - R - 42);
    } else {
      const left = clients.length ? 120 : 0;
      clients.forEach((c, i) => pos.set(`c${c.id}`, { x: 62, y: 40 + ((h - 60) * (i + 0.5)) / clients.length }));
      if (clients.length) zones.push({ ring: false, label: 'Clients', x: pad, y: 8, w: 100, h: h - 16 });
      cx = left + (w - left) / 2; cy = h / 2 + 4;
      rad = Math.min((w - left) / 2 - R - 54, h / 2 - R - 44);
    }
    rad = Math.max(rad, R * 2);
    // An ellipse uses the width of a wide stage: messages between servers need room.
    const rx = narrow ? Math.max(rad, Math.min(rad * 3, w / 2 - R - 44)) : Math.max(rad, Math.min(rad * 1.45, (w - (clients.length ? 120 : 0)) / 2 - R - 70));
    const n = g.nodes.length;
    g.nodes.forEach((node, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
      pos.set(`n${node.id}`, { x: cx + rx * Math.cos(a), y: cy + rad * Math.sin(a) });
    });
    // Rule 12: nodes removed from the configuration stay drawn, and are counted apart.
    const gone = g.nodes.filter((x) => nodeStatus(view, x.id) === 'removed').length;
    const count = `${g.nodes.length - gone} servers${gone ? ` (+ ${gone} removed)` : ''}`;
    zones.push({ label: fitTitle([`${count} · each is ${g.roles.join(' + ')}`, `${count} · ${g.roles.join(' + ')}`, count], 2 * Math.min(cx - pad, w - cx - pad)), ring: true, cx, cy, rx, r: rad });
  } else {
    // Distinct roles: one column per role (one row per role when narrow), clients first.
    /** @type {{ title: string, keys: string[] }[]} */
    const cols = [];
    if (clients.length) cols.push({ title: 'Clients', keys: clients.map((c) => `c${c.id}`) });
    for (const g of groups) cols.push({ title: groupTitle(g.roles), keys: g.nodes.map((n) => `n${n.id}`) });
    // Clients get a narrower band; the space between proposers and acceptors carries most traffic.
    const weights = cols.map((c) => (c.title === 'Clients' ? 0.5 : 1));
    const wsum = weights.reduce((x, y) => x + y, 0);
    const k = cols.length;
    let acc = 0;
    cols.forEach((col, ci) => {
      const frac0 = acc / wsum, frac = weights[ci] / wsum;
      acc += weights[ci];
      if (narrow) {
        const y0 = 4 + frac0 * (h - 8), bandH = frac * (h - 8);
        zones.push({ ring: false, label: col.title, x: pad, y: y0 + 2, w: w - 2 * pad, h: bandH - 6 });
        col.keys.forEach((key, i) => pos.set(key, { x: pad + ((w - 2 * pad) * (i + 0.5)) / col.keys.length, y: y0 + bandH / 2 + 6 }));
      } else {
        const x0 = pad + frac0 * (w - 2 * pad), colW = frac * (w - 2 * pad);
        zones.push({ ring: false, label: col.title, x: x0 + 6, y: 8, w: colW - 12, h: h - 16 });
        // A crowded last column (usually the acceptors) puts captions beside its nodes.
        const crowded = (h - 64) / col.keys.length < 2 * R + 46 && ci === k - 1 && ci > 0;
        col.keys.forEach((key, i) => pos.set(key, { x: x0 + colW * (crowded ? 0.32 : 0.5), y: 44 + ((h - 64) * (i + 0.5)) / col.keys.length, cap: crowded ? 'right' : 'below' }));
      }
    });
  }
  // Compact node captions when nodes sit close together.
  let minGap = Infinity;
  const pts = [...pos.values()];
  for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) {
    if (Math.abs(pts[i].y - pts[j].y) < 30) minGap = Math.min(minGap, Math.abs(pts[i].x - pts[j].x));
  }
  return { pos, zones, R, narrow, compact: minGap < 100, capChars: Math.max(6, Math.floor(minGap / 6.4) - 1) };
}

/**
 * @param {PageApp} app
 * @param {HTMLElement} root
 */
export function createTopology(app, root) {
  const wrap = h('div', { class: 'topology-wrap' });
  const svg = s('svg', { class: 'topology', role: 'group', 'aria-label': 'Cluster diagram: nodes and the messages in flight between them' });
  const defs = s('defs', {},
    s('filter', { id: 'soft-shadow', x: '-30%', y: '-30%', width: '160%', height: '160%' },
      s('feDropShadow', { dx: 0, dy: 1.5, stdDeviation: 2, 'flood-color': '#0f172a', 'flood-opacity': 0.14 })),
    s('pattern', { id: 'crash-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      s('rect', { width: 6, height: 6, fill: '#eef0f3' }),
      s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#d5d9df', 'stroke-width': 3 })));
  const gZones = s('g', { class: 'zones' });
  const gEdges = s('g', { class: 'edges' });
  const gNodes = s('g', { class: 'nodes' });
  svg.append(defs, gZones, gEdges, gNodes);
  // The chips of messages in flight are painted on a canvas over the picture (hundreds of
  // SVG elements cost style, layout and paint every step). A click on the canvas is
  // hit-tested against the chips' boxes; people who do not point reach every message in
  // the list of messages in flight and in the message sequence diagram.
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'topology-chips', 'aria-hidden': 'true' }));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const empty = h('p', { class: 'topology-empty', hidden: true });
  wrap.append(svg, canvas);
  root.append(wrap);

  let W = 0, H = 0, layoutSig = '';
  /** The picture's layout, from the last buildStatic. @type {ReturnType<typeof computeLayout>} */
  let L = { pos: new Map(), zones: [], R: 17, narrow: false, compact: false, capChars: 6 };
  let drawnKey = '';
  let edgesDrawn = '';
  /** The faint line of each pair of endpoints with traffic, by pair. */
  /** @type {Map<string, SVGLineElement>} */
  const edgeEls = new Map();
  /** @type {Map<number, NodeEls>} */
  const nodeEls = new Map();
  /** @type {Map<number, ClientEls>} */
  const clientEls = new Map();
  /** Chips on the canvas by key (`m:<id>` or `l:<from>><to>`), in drawing order. */
  /** @type {Map<string, DrawnChip>} */
  const msgEls = new Map();
  /** Chips flying to their receiver after their message left the network. */
  /** @type {DrawnChip[]} */
  let leaving = [];
  /** @type {string | null} */
  let hoverKey = null;
  /** Message ids the guided tour points at (marked) and asks to act on (target). */
  let marks = { hl: new Set(), target: new Set() };
  let animFrame = 0;
  let dpr = 1;
  let font = '';
  const chipLayout = createChipLayout();
  /** @type {StateView | null} */
  let lastView = null;

  const still = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
  const animMs = () => (still && still.matches ? 0 : app.animMs());

  /** @param {Addr} e */
  function endKey(e) { return 'node' in e ? `n${e.node}` : `c${e.client}`; }

  function measure() {
    const r = wrap.getBoundingClientRect();
    W = Math.max(280, Math.round(r.width));
    H = Math.max(240, Math.round(r.height));
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('width', String(W));
    svg.setAttribute('height', String(H));
    dpr = window.devicePixelRatio || 1;
    sprites.clear();
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    canvas.style.width = `${W}px`;
    canvas.style.height = `${H}px`;
  }

  /** @param {StateView} view */
  function buildStatic(view) {
    L = computeLayout(view, W, H);
    gZones.replaceChildren();
    for (const z of L.zones) {
      if (z.ring === true) {
        gZones.append(s('ellipse', { class: 'ring', cx: z.cx, cy: z.cy, rx: z.rx, ry: z.r }));
        gZones.append(s('text', { class: 'zone-label', x: z.cx, y: Math.max(16, z.cy - z.r - L.R - 34), 'text-anchor': 'middle' }, z.label));
      } else {
        gZones.append(s('rect', { class: 'zone', x: z.x, y: z.y, width: z.w, height: z.h, rx: 12 }));
        gZones.append(s('text', { class: 'zone-label', x: z.x + z.w / 2, y: z.y + 16, 'text-anchor': 'middle' }, z.label));
      }
    }
    gNodes.replaceChildren();
    nodeEls.clear();
    clientEls.clear();
    msgEls.clear();
    leaving = [];
    chipLayout.reset();
    gEdges.replaceChildren();
    const R = L.R;
    for (const n of view.nodes) {
      const p = /** @type {Spot} */ (L.pos.get(`n${n.id}`));
      const g = s('g', { class: 'node', transform: `translate(${p.x},${p.y})`, tabindex: 0, role: 'button', 'data-node': n.id });
      const halo = s('circle', { class: 'halo', r: R + 6 });
      const body = s('circle', { class: 'body', r: R, filter: 'url(#soft-shadow)' });
      const idText = s('text', { class: 'node-id', 'text-anchor': 'middle', dy: '0.35em' }, String(n.id));
      const cross = s('path', { class: 'cross', d: `M${-R * 0.45},${-R * 0.45}L${R * 0.45},${R * 0.45}M${R * 0.45},${-R * 0.45}L${-R * 0.45},${R * 0.45}` });
      const [bx, by] = badgeSpot(L, `n${n.id}`, W, H);
      const badge = s('g', { class: 'badge', transform: `translate(${bx},${by})` },
        s('rect', { x: -26, y: -9, width: 52, height: 17, rx: 8.5 }),
        s('text', { 'text-anchor': 'middle', dy: '0.34em' }, ''));
      const part = s('g', { class: 'part', transform: `translate(${R * 0.78},${-R * 0.78})` },
        s('circle', { r: 8.5 }), s('text', { 'text-anchor': 'middle', dy: '0.35em' }, ''));
      const right = p.cap === 'right';
      const info = s('text', { class: 'node-info', 'text-anchor': right ? 'start' : 'middle', x: right ? R + 7 : 0, y: right ? 0 : R + 15, 'data-cap': right ? 'right' : 'below' });
      const title = s('title', {}, '');
      g.append(title, halo, body, idText, cross, badge, part, info);
      // A mouse click must not leave focus on the node, or Space would select it again
      // instead of playing; keyboard activation (detail 0) keeps the focus.
      g.addEventListener('click', (/** @type {MouseEvent} */ e) => { if (e.detail > 0) g.blur(); app.select({ kind: 'node', id: n.id }); });
      g.addEventListener('keydown', (/** @type {KeyboardEvent} */ e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); e.stopPropagation(); app.select({ kind: 'node', id: n.id }); }
      });
      gNodes.append(g);
      nodeEls.set(n.id, { g, badge, part, info, title, idText });
    }
    for (const c of view.clients || []) {
      const p = /** @type {Spot} */ (L.pos.get(`c${c.id}`));
      const g = s('g', { class: 'client', transform: `translate(${p.x},${p.y})`, 'data-client': c.id });
      const bw = R * 1.9, bh = R * 1.35;
      g.append(s('title', {}, ''),
        s('rect', { class: 'body', x: -bw / 2, y: -bh / 2, width: bw, height: bh, rx: 9, filter: 'url(#soft-shadow)' }),
        s('text', { class: 'node-id', 'text-anchor': 'middle', dy: '0.35em' }, `C${c.id}`),
        s('text', { class: 'node-info', 'text-anchor': 'middle', y: bh / 2 + 14 }, ''));
      gNodes.append(g);
      clientEls.set(c.id, { g });
    }
  }

  /**
   * @param {NodeView} n
   * @param {string} ms what the node is to the cluster (membership.js nodeStatus)
   */
  function infoLines(n, ms) {
    const lines = [];
    const c = L.compact;
    if (n.crashed) return ['crashed'];
    // Rule 12: a removed node (badge REMOVED) is drawn as no candidate, even one cut off
    // before it learned it was removed; its own phase is in the inspector, with why.
    if (n.roles.includes('proposer') && (ms !== 'removed' || n.is_leader)) {
      if (n.is_leader) lines.push(`${c ? 'lead' : 'leader'} b ${ballotStr(n.ballot)}`);
      else if (n.phase === 'preparing') lines.push(`${c ? 'prep' : 'preparing'} b ${ballotStr(n.ballot)}`);
      else if (n.phase && n.phase !== 'none') lines.push(n.phase);
    }
    if (n.roles.includes('acceptor')) lines.push(`${c ? 'prom' : 'promised'} ${ballotStr(n.promised)}`);
    if (n.roles.includes('replica')) lines.push(`applied ${n.applied_index}`);
    return lines;
  }

  /** @param {StateView} view */
  function updateNodes(view) {
    const parts = partitionGroups(view.nodes);
    const sel = app.selection;
    const quorums = quorumMarks(viewConflict(view));
    for (const n of view.nodes) {
      const el = nodeEls.get(n.id);
      if (!el) continue;
      const q = quorums.get(n.id) || [];
      const gl = parts ? groupLabel(view, n.group) : null;
      // Rule 12: a node may have left the configuration, or be joining it.
      const ms = nodeStatus(view, n.id);
      const cls = ['node', n.is_leader ? 'leader' : '', n.crashed ? 'crashed' : '', gl ? 'partitioned' : '', ms === 'member' ? '' : ms,
        sel && sel.kind === 'node' && sel.id === n.id ? 'selected' : '', `phase-${n.phase}`, ...q.map((x) => `quorum-${x}`)].filter(Boolean).join(' ');
      if (el.g.getAttribute('class') !== cls) el.g.setAttribute('class', cls);
      // Only what changed is written: an unchanged write still costs style and layout.
      const group = gl ? gl.color : 'transparent';
      if (el.group !== group) { el.group = group; el.g.style.setProperty('--group', group); }
      const badgeText = n.crashed ? 'CRASHED' : n.is_leader ? 'LEADER' : ms === 'member' ? '' : ms.toUpperCase();
      if (el.badgeText !== badgeText) {
        el.badgeText = badgeText;
        /** @type {SVGTextElement} */ (el.badge.lastChild).textContent = badgeText;
        const bw = Math.max(52, badgeText.length * 7 + 10);
        const pill = /** @type {SVGRectElement} */ (el.badge.firstChild);
        pill.setAttribute('x', String(-bw / 2));
        pill.setAttribute('width', String(bw));
        el.badge.style.display = badgeText ? '' : 'none';
      }
      const partName = gl ? gl.name : '';
      if (el.partName !== partName) {
        el.partName = partName;
        el.part.style.display = gl ? '' : 'none';
        if (gl) el.part.lastChild.textContent = gl.name;
      }
      const lines = infoLines(n, ms);
      const key = lines.join('|');
      if (el.info.dataset.key !== key) {
        el.info.dataset.key = key;
        const right = el.info.dataset.cap === 'right';
        const x = right ? el.info.getAttribute('x') : 0;
        const first = right ? `${0.35 - (lines.length - 1) * 0.6}em` : 0;
        el.info.replaceChildren(...lines.map((t, /** @type {number} */ i) => s('tspan', { x, dy: i ? '1.2em' : first }, t)));
      }
      const label = `Node ${n.id}, ${n.roles.join(' + ')}` + (ms === 'member' ? '' : `, ${ms}`) + (n.crashed ? ', crashed' : '') + (n.is_leader ? ', leader' : '') +
        (n.roles.includes('acceptor') ? `, promised ${ballotStr(n.promised)}` : '') + (gl ? `, partition group ${gl.name}` : '') + '. Press Enter to inspect.';
      if (el.g.getAttribute('aria-label') !== label) {
        el.g.setAttribute('aria-label', label);
        el.title.textContent = `Node ${n.id} (${n.roles.join(', ')})${ms === 'member' ? '' : `: ${MEMBER_TEXT[ms]}`} — click to inspect`;
      }
    }
    for (const c of view.clients || []) {
      const el = clientEls.get(c.id);
      if (!el) continue;
      // Rule 12: an idle client in a run with leases shows how its last get was read.
      const lastRead = c.last_read ? `get ${c.last_read.key}: ${c.last_read.mode}` : null;
      let info = c.pending ? opStr(c.pending.op) : (lastRead || `${c.completed} done`);
      if (info.length > L.capChars) info = `${info.slice(0, L.capChars - 1)}…`;
      if (el.info !== info) { el.info = info; /** @type {Element} */ (el.g.querySelector('.node-info')).textContent = info; }
      if (el.waiting !== !!c.pending) { el.waiting = !!c.pending; el.g.classList.toggle('waiting', !!c.pending); }
      const title = `Client ${c.id} → node ${c.target}` + (c.pending ? `: waiting for #${c.pending.seq} ${opStr(c.pending.op)}` : `: idle, ${c.completed} completed`) +
        (c.last_read ? `; last get #${c.last_read.seq} ${c.last_read.key} = ${c.last_read.value ?? '∅'}, read ${c.last_read.mode === 'lease' ? 'by the leader alone under its lease' : 'through the log'}` : '');
      if (el.titleText !== title) { el.titleText = title; /** @type {Element} */ (el.g.querySelector('title')).textContent = title; }
    }
  }

  /** The chip text of a link that carries too many messages to draw one by one. @param {MessageView[]} ms */
  function countText(ms) {
    const types = new Set(ms.map((m) => m.type));
    return types.size === 1 ? `${ms.length}× ${ms[0].type}` : `${ms.length} messages`;
  }

  /** Boxes chips must keep clear of: nodes with their captions, and zone titles. */
  function obstacles() {
    const R = L.R;
    const out = [];
    for (const [key, p] of L.pos) {
      const isClient = key[0] === 'c';
      out.push({ x: p.x, y: p.y, w: R * 2 + 6, h: R * 2 + 6, weight: 8 }); // never hide a node
      if (p.cap === 'right') out.push({ x: p.x + R + 50, y: p.y, w: 96, h: 30 });
      else if (isClient) out.push({ x: p.x, y: p.y + R + 8, w: R * 2.1 + 20, h: 18 });
      else out.push({ x: p.x, y: p.y + R + 24, w: 100, h: 44 }); // up to three caption lines
    }
    for (const z of L.zones) {
      const w = z.label.length * 7.4 + 8;
      if (z.ring === true) out.push({ x: z.cx, y: Math.max(16, z.cy - z.r - L.R - 34) - 4, w, h: 16 });
      else out.push({ x: z.x + z.w / 2, y: z.y + 12, w, h: 16 });
    }
    return out;
  }

  /**
   * One chip per message, or one counted chip per crowded link; oldest first.
   * @param {StateView} view
   */
  function chipsOf(view) {
    /** @type {Map<string, MessageView[]>} */
    const links = new Map();
    for (const m of view.messages) {
      const k = `${endKey(m.from)}>${endKey(m.to)}`;
      if (!links.has(k)) links.set(k, []);
      /** @type {MessageView[]} */ (links.get(k)).push(m);
    }
    /** @type {TopoChip[]} */
    const chips = [];
    for (const [k, ms] of links) {
      const from = L.pos.get(endKey(ms[0].from)), to = L.pos.get(endKey(ms[0].to));
      if (!from || !to) continue;
      if (ms.length > (L.narrow ? 2 : LINK_CAP)) chips.push({ key: `l:${k}`, msgs: ms, from, to, text: countText(ms), first: ms[0].id });
      else for (const m of ms) chips.push({ key: `m:${m.id}`, msgs: [m], msg: m, from, to, text: chipLabel(m), first: m.id });
    }
    return chips.sort((a, b) => a.first - b.first);
  }

  /**
   * How a chip looks: ready or waiting, one message or a count, selected, marked by the tour.
   * @param {TopoChip} c
   * @param {Selection | null} sel
   * @returns {ChipLook}
   */
  function chipState(c, sel) {
    const ready = c.msgs.some((m) => m.deliverable);
    const selected = !!(sel && sel.kind === 'message' && c.msgs.some((m) => m.id === sel.id));
    const hl = c.msgs.some((m) => marks.hl.has(m.id));
    const target = c.msgs.some((m) => marks.target.has(m.id));
    return { ready, selected, hl, target, agg: !c.msg };
  }

  /**
   * @param {TopoChip} c
   * @param {StateView} view
   */
  function describe(c, view) {
    if (c.msg) {
      const m = c.msg;
      return `#${m.id} ${m.label} (${endStr(m.from)} → ${endStr(m.to)})` +
        (m.deliverable ? '' : m.deliver_at > view.now ? ` — in transit until tick ${m.deliver_at}` : ' — held by the partition');
    }
    const m = c.msgs[0];
    const list = c.msgs.map((x) => `#${x.id} ${x.label}`).join('\n');
    return `${c.msgs.length} messages ${endStr(m.from)} → ${endStr(m.to)}:\n${list}`;
  }

  const easeOut = (/** @type {number} */ k) => 1 - (1 - k) ** 3;
  const easeIn = (/** @type {number} */ k) => k * k;

  /**
   * Where chip `e` is drawn at time `now`: its spot, or on its way there (or away).
   * @param {DrawnChip} e
   * @param {number} now
   * @returns {ChipAt}
   */
  function placeAt(e, now) {
    const a = e.anim;
    if (!a) return { x: e.x, y: e.y, scale: 1, alpha: 1, done: true };
    const k = Math.min(1, (now - a.t0) / a.ms);
    const f = a.out ? easeIn(k) : easeOut(k);
    return { x: a.x0 + (a.x1 - a.x0) * f, y: a.y0 + (a.y1 - a.y0) * f, scale: a.s0 + (a.s1 - a.s0) * f, alpha: a.out ? 1 - f : f, done: k >= 1 };
  }

  /**
   * A chip's outline: a pill of width w and height hh centred on (x, y).
   * @param {CanvasRenderingContext2D} c @param {number} x @param {number} y @param {number} w @param {number} hh
   */
  function chipPath(c, x, y, w, hh) {
    const r = hh / 2;
    c.beginPath();
    c.moveTo(x - w / 2 + r, y - r);
    c.lineTo(x + w / 2 - r, y - r);
    c.arc(x + w / 2 - r, y, r, -Math.PI / 2, Math.PI / 2);
    c.lineTo(x - w / 2 + r, y + r);
    c.arc(x - w / 2 + r, y, r, Math.PI / 2, (3 * Math.PI) / 2);
    c.closePath();
  }

  /**
   * Draws one chip centred on (0, 0) of `c`, as the page's stylesheet drew the SVG ones (style.css `.msg`).
   * @param {CanvasRenderingContext2D} c
   * @param {DrawnChip} e
   */
  function drawChip(c, e) {
    const st = e.state;
    const w = chipWidth(e.text);
    chipPath(c, 0, 0, w, CHIP_H);
    if (st.target) { c.shadowColor = 'rgba(79, 70, 229, .85)'; c.shadowBlur = 10; }
    c.fillStyle = st.ready ? e.color : '#fff';
    c.fill();
    c.shadowColor = 'transparent';
    c.shadowBlur = 0;
    let stroke = st.ready ? '#fff' : e.color, lw = st.agg ? 2.5 : 1.5;
    if (!st.ready) c.setLineDash([4, 2.5]);
    if (e.key === hoverKey) { stroke = INK; lw = 2; }
    if (st.selected) { stroke = INK; lw = 2.5; }
    if (st.hl) { stroke = '#1e1b4b'; lw = 2.5; }
    if (st.target) { stroke = '#fbbf24'; lw = 3; }
    c.strokeStyle = stroke;
    c.lineWidth = lw;
    c.stroke();
    c.setLineDash([]);
    c.fillStyle = st.ready ? '#fff' : e.color;
    c.fillText(e.text, 0, 0.5);
  }

  // Each look of a chip (its words, colour and state) is drawn once into a sprite and copied
  // from there: a frame paints a hundred chips or more, and text is the slow part of a canvas.
  // Sprites not used by the last few paints are dropped.
  const SPRITE_PAD = 14; // room for the stroke and the tour target's glow
  /** @type {Map<string, { c: HTMLCanvasElement, w: number, h: number, used: number }>} */
  const sprites = new Map();
  let paintNo = 0;
  /** @param {DrawnChip} e */
  function spriteOf(e) {
    const st = e.state;
    const key = `${e.text}|${e.color}|${st.ready}|${st.agg}|${st.selected}|${st.hl}|${st.target}|${e.key === hoverKey}`;
    let sp = sprites.get(key);
    if (!sp) {
      const w = chipWidth(e.text) + 2 * SPRITE_PAD, hh = CHIP_H + 2 * SPRITE_PAD;
      const c = document.createElement('canvas');
      c.width = Math.ceil(w * dpr);
      c.height = Math.ceil(hh * dpr);
      const g = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
      g.setTransform(dpr, 0, 0, dpr, (w / 2) * dpr, (hh / 2) * dpr);
      g.font = font;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      drawChip(g, e);
      sp = { c, w: c.width / dpr, h: c.height / dpr, used: 0 };
      sprites.set(key, sp);
    }
    sp.used = paintNo;
    return sp;
  }

  /**
   * One chip at `at` (its place, scale and opacity), copied from its sprite.
   * @param {DrawnChip} e
   * @param {ChipAt} at
   */
  function paintChip(e, at) {
    const sp = spriteOf(e);
    ctx.globalAlpha = at.alpha;
    const w = sp.w * at.scale, hh = sp.h * at.scale;
    // On whole device pixels, so the copy is as sharp as the drawing.
    const x = Math.round((at.x - w / 2) * dpr) / dpr, y = Math.round((at.y - hh / 2) * dpr) / dpr;
    ctx.drawImage(sp.c, x, y, w, hh);
    ctx.globalAlpha = 1;
  }

  /** Paints every chip (the selected and hovered ones on top); animates while any moves. */
  function paint() {
    animFrame = 0;
    paintNo += 1;
    const now = performance.now();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    if (!font) font = `650 10.5px ${getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace'}`;
    ctx.font = font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    let moving = false;
    leaving = leaving.filter((e) => {
      const at = placeAt(e, now);
      if (at.done) return false;
      paintChip(e, at);
      moving = true;
      return true;
    });
    /** @type {DrawnChip[]} */
    const top = [];
    for (const e of msgEls.values()) {
      if (e.state.selected || e.state.target || e.key === hoverKey) { top.push(e); continue; }
      const at = placeAt(e, now);
      if (at.done) e.anim = null; else moving = true;
      paintChip(e, at);
    }
    for (const e of top) {
      const at = placeAt(e, now);
      if (at.done) e.anim = null; else moving = true;
      paintChip(e, at);
    }
    if (sprites.size > 64) for (const [k, sp] of sprites) if (paintNo - sp.used > 3) sprites.delete(k);
    if (moving) animFrame = requestAnimationFrame(paint);
  }
  function paintSoon() { if (!animFrame) animFrame = requestAnimationFrame(paint); }

  /**
   * The chip under a point of the picture (CSS pixels from its top-left corner), the one
   * drawn on top first; null when there is none.
   * @param {number} x
   * @param {number} y
   * @returns {DrawnChip | null}
   */
  function chipAt(x, y) {
    // As paint() stacks them: later chips over earlier ones, the selected, the tour's
    // target and the hovered chip over all.
    /** @type {DrawnChip | null} */
    let hit = null;
    /** @type {DrawnChip | null} */
    let top = null;
    for (const e of msgEls.values()) {
      const w = chipWidth(e.text);
      if (Math.abs(x - e.x) <= w / 2 + 1 && Math.abs(y - e.y) <= CHIP_H / 2 + 1) {
        if (e.state.selected || e.state.target || e.key === hoverKey) top = e; else hit = e;
      }
    }
    return top || hit;
  }
  /** @param {MouseEvent} ev */
  function pointIn(ev) {
    const r = svg.getBoundingClientRect();
    return { x: ev.clientX - r.left, y: ev.clientY - r.top };
  }
  // Capture: a chip is drawn over the nodes, so it takes the click first.
  wrap.addEventListener('click', (ev) => {
    const p = pointIn(ev);
    const e = chipAt(p.x, p.y);
    if (!e) return;
    ev.stopPropagation();
    ev.preventDefault();
    app.select({ kind: 'message', id: e.chip.msg ? e.chip.msg.id : e.chip.first });
  }, true);
  wrap.addEventListener('pointermove', (ev) => {
    const p = pointIn(ev);
    const e = chipAt(p.x, p.y);
    const key = e ? e.key : null;
    if (key === hoverKey) return;
    hoverKey = key;
    wrap.classList.toggle('over-chip', !!e);
    wrap.title = e && lastView ? describe(e.chip, lastView) : '';
    paintSoon();
  });
  wrap.addEventListener('pointerleave', () => {
    if (hoverKey == null) return;
    hoverKey = null;
    wrap.classList.remove('over-chip');
    wrap.title = '';
    paintSoon();
  });

  /** @param {StateView} view */
  function updateMessages(view) {
    const chips = chipsOf(view);
    const spots = chipLayout.place(chips, obstacles(), W, H);
    const sel = app.selection;
    const ms = animMs();
    const now = performance.now();
    // Edges: one faint line per pair of endpoints with traffic, redrawn only when that set
    // of pairs changed.
    /** @type {Set<string>} */
    const edgeKeys = new Set();
    for (const m of view.messages) {
      const a = endKey(m.from), b = endKey(m.to);
      edgeKeys.add(a < b ? `${a}|${b}` : `${b}|${a}`);
    }
    // Each line is kept while its pair has traffic: only the pairs that came or went are
    // added or removed (a busy network changes a few of them every step).
    if (edgesDrawn !== layoutSig) { edgesDrawn = layoutSig; edgeEls.clear(); gEdges.replaceChildren(); }
    for (const [k, el] of edgeEls) if (!edgeKeys.has(k)) { el.remove(); edgeEls.delete(k); }
    for (const k of edgeKeys) {
      if (edgeEls.has(k)) continue;
      const [a, b] = k.split('|');
      const pa = L.pos.get(a), pb = L.pos.get(b);
      if (!pa || !pb) continue;
      const el = s('line', { x1: pa.x, y1: pa.y, x2: pb.x, y2: pb.y });
      edgeEls.set(k, el);
      gEdges.append(el);
    }
    /** @type {Map<string, DrawnChip>} */
    const next = new Map();
    for (const c of chips) {
      const p = spots.get(c.key);
      if (!p) continue;
      let e = msgEls.get(c.key);
      if (!e) {
        const color = c.msg || new Set(c.msgs.map((m) => m.type)).size === 1 ? kindColor(c.msgs[0].type) : '#475467';
        const anim = ms > 0 ? { t0: now, ms, x0: c.from.x, y0: c.from.y, x1: p.x, y1: p.y, s0: 0.6, s1: 1 } : null;
        e = { key: c.key, color, x: p.x, y: p.y, anim, chip: c, text: c.text, to: c.to, state: chipState(c, sel) };
      }
      e.chip = c;
      e.text = c.text;
      e.x = p.x;
      e.y = p.y;
      e.to = c.to;
      e.state = chipState(c, sel);
      next.set(c.key, e);
    }
    for (const [key, e] of msgEls) {
      if (next.has(key) || ms <= 0 || !e.to) continue;
      const at = placeAt(e, now);
      e.anim = { t0: now, ms, x0: at.x, y0: at.y, x1: e.to.x, y1: e.to.y, s0: at.scale, s1: 0.5, out: true };
      leaving.push(e);
    }
    msgEls.clear();
    for (const [k, e] of next) msgEls.set(k, e);
    if (hoverKey && !msgEls.has(hoverKey)) { hoverKey = null; wrap.classList.remove('over-chip'); wrap.title = ''; }
    // Painted right away (the page's frame is already running), again while chips move.
    if (animFrame) { cancelAnimationFrame(animFrame); animFrame = 0; }
    paint();
  }

  /**
   * The chips as drawn, for tests and tools: key, message ids, label, centre and size in
   * CSS pixels from the picture's top-left corner, and how each looks.
   */
  function chipBoxes() {
    return [...msgEls.values()].map((e) => ({ key: e.key, ids: e.chip.msgs.map((m) => m.id), text: e.text, x: e.x, y: e.y, w: chipWidth(e.text), h: CHIP_H, moving: !!e.anim, ...e.state }));
  }

  /**
   * The guided tour's marks on messages: `hl` pointed at, `target` to act on.
   * @param {Iterable<number>} hl
   * @param {Iterable<number>} target
   */
  function mark(hl, target) {
    const a = [...hl].sort().join(), b = [...target].sort().join();
    if (a === [...marks.hl].sort().join() && b === [...marks.target].sort().join()) return;
    marks = { hl: new Set(hl), target: new Set(target) };
    for (const e of msgEls.values()) e.state = chipState(e.chip, app.selection);
    paintSoon();
  }

  /** @param {StateView} view */
  function update(view) {
    lastView = view;
    if (!W) measure();
    // Nothing to do when neither the run's state, the selection nor the size changed (the
    // trace digest and step name the state).
    const drawKey = `${view.trace_digest}|${view.step}|${W}x${H}|${JSON.stringify(app.selection)}|${root.hidden}`;
    if (drawKey === drawnKey || root.hidden) return;
    drawnKey = drawKey;
    const sig = `${W}x${H}|` + view.nodes.map((n) => `${n.id}:${n.roles.join('+')}:${nodeStatus(view, n.id) === 'removed'}`).join(',') + '|' + (view.clients || []).map((c) => c.id).join(',');
    if (sig !== layoutSig) { layoutSig = ''; edgesDrawn = ''; buildStatic(view); layoutSig = sig; }
    updateNodes(view);
    updateMessages(view);
    // Written only when it changes: a no-op write still costs a style recalculation.
    const none = view.messages.length === 0;
    if (empty.hidden !== !none) empty.hidden = !none;
    if (none && !empty.textContent) empty.textContent = 'No message in flight. Submit a client command, fire a timer, or press → to let time pass.';
  }

  const ro = new ResizeObserver(() => {
    const r = wrap.getBoundingClientRect();
    if (Math.round(r.width) !== W || Math.round(r.height) !== H) {
      measure();
      drawnKey = '';
      if (lastView) update(lastView);
    }
  });
  ro.observe(wrap);

  return { update, emptyHint: empty, chips: chipBoxes, mark };
}
