// The cluster diagram: nodes laid out by role (clients, proposers, acceptors, replicas, or
// a ring of identical servers) and every in-flight message drawn on its way between two
// nodes, coloured by type, animated when it is sent and when it leaves the network.

import { s, h, ballotStr, endStr, opStr } from './dom.js';
import { kindColor, roleRank as rankOfRole } from './glossary.js';

const GROUP_COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#ec4899', '#8b5cf6', '#14b8a6', '#ef4444', '#84cc16', '#64748b'];
const GROUP_NAMES = 'ABCDEFGHIJ';

/** Nodes are grouped by their roles, in the core's order of roles (proposers first). */
function roleRank(roles) {
  return Math.min(...roles.map(rankOfRole));
}
/** "Proposers", "Acceptors", "Proposer + Replicas": a column title from role names. */
function groupTitle(roles) {
  return roles.map((r) => r[0].toUpperCase() + r.slice(1)).join(' + ') + 's';
}

/** Distinct partition groups in use, or null when the network is whole. */
export function partitionGroups(nodes) {
  const groups = new Map();
  for (const n of nodes) {
    if (!groups.has(n.group)) groups.set(n.group, []);
    groups.get(n.group).push(n.id);
  }
  if (groups.size <= 1) return null;
  return [...groups.entries()].sort((a, b) => a[1][0] - b[1][0]);
}

export function groupLabel(view, group) {
  const gs = partitionGroups(view.nodes);
  if (!gs) return null;
  const i = gs.findIndex(([g]) => g === group);
  return { name: GROUP_NAMES[i] || String(group), color: GROUP_COLORS[i % GROUP_COLORS.length] };
}

/** Short form of a message label: its first two words ("Accept b=2.1"). */
export function shortLabel(m) {
  const words = String(m.label || m.type).split(/\s+/).slice(0, 2).join(' ');
  return words.replace(/[:,]$/, '');
}

function computeLayout(view, w, h) {
  const pos = new Map();
  const zones = [];
  const nodes = [...view.nodes].sort((a, b) => a.id - b.id);
  const clients = [...(view.clients || [])].sort((a, b) => a.id - b.id);
  const narrow = w < 560;
  const sigs = new Map();
  for (const n of nodes) {
    const key = [...n.roles].sort((a, b) => roleRank([a]) - roleRank([b])).join('+');
    if (!sigs.has(key)) sigs.set(key, { roles: key.split('+'), nodes: [] });
    sigs.get(key).nodes.push(n);
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
      if (clients.length) zones.push({ label: 'Clients', x: pad, y: 8, w: w - 2 * pad, h: 70 });
      cx = w / 2; cy = top + (h - top) / 2 + 2;
      rad = Math.min(w / 2 - R - 40, (h - top) / 2 - R - 42);
    } else {
      const left = clients.length ? 120 : 0;
      clients.forEach((c, i) => pos.set(`c${c.id}`, { x: 62, y: 40 + ((h - 60) * (i + 0.5)) / clients.length }));
      if (clients.length) zones.push({ label: 'Clients', x: pad, y: 8, w: 100, h: h - 16 });
      cx = left + (w - left) / 2; cy = h / 2 + 4;
      rad = Math.min((w - left) / 2 - R - 54, h / 2 - R - 44);
    }
    rad = Math.max(rad, R * 2);
    // An ellipse uses the width of a wide stage: messages between servers need room.
    const rx = narrow ? rad : Math.max(rad, Math.min(rad * 1.45, (w - (clients.length ? 120 : 0)) / 2 - R - 70));
    const n = g.nodes.length;
    g.nodes.forEach((node, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
      pos.set(`n${node.id}`, { x: cx + rx * Math.cos(a), y: cy + rad * Math.sin(a) });
    });
    zones.push({ label: `${g.nodes.length} servers · each is ${g.roles.join(' + ')}`, ring: true, cx, cy, rx, r: rad });
  } else {
    // Distinct roles: one column per role (one row per role when narrow), clients first.
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
        zones.push({ label: col.title, x: pad, y: y0 + 2, w: w - 2 * pad, h: bandH - 6 });
        col.keys.forEach((key, i) => pos.set(key, { x: pad + ((w - 2 * pad) * (i + 0.5)) / col.keys.length, y: y0 + bandH / 2 + 6 }));
      } else {
        const x0 = pad + frac0 * (w - 2 * pad), colW = frac * (w - 2 * pad);
        zones.push({ label: col.title, x: x0 + 6, y: 8, w: colW - 12, h: h - 16 });
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
  const gMsgs = s('g', { class: 'msgs' });
  svg.append(defs, gZones, gEdges, gNodes, gMsgs);
  const empty = h('p', { class: 'topology-empty', hidden: true });
  wrap.append(svg);
  root.append(wrap);

  let W = 0, H = 0, layoutSig = '', L = null;
  const nodeEls = new Map();
  const msgEls = new Map();
  let lastView = null;

  const animMs = () => app.animMs();

  function endKey(e) { return e.node != null ? `n${e.node}` : `c${e.client}`; }

  function measure() {
    const r = wrap.getBoundingClientRect();
    W = Math.max(280, Math.round(r.width));
    H = Math.max(240, Math.round(r.height));
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('width', W);
    svg.setAttribute('height', H);
  }

  function buildStatic(view) {
    L = computeLayout(view, W, H);
    gZones.replaceChildren();
    for (const z of L.zones) {
      if (z.ring) {
        gZones.append(s('ellipse', { class: 'ring', cx: z.cx, cy: z.cy, rx: z.rx, ry: z.r }));
        gZones.append(s('text', { class: 'zone-label', x: z.cx, y: Math.max(16, z.cy - z.r - L.R - 34), 'text-anchor': 'middle' }, z.label));
      } else {
        gZones.append(s('rect', { class: 'zone', x: z.x, y: z.y, width: z.w, height: z.h, rx: 12 }));
        gZones.append(s('text', { class: 'zone-label', x: z.x + z.w / 2, y: z.y + 16, 'text-anchor': 'middle' }, z.label));
      }
    }
    gNodes.replaceChildren();
    nodeEls.clear();
    for (const m of msgEls.values()) m.g.remove();
    msgEls.clear();
    gEdges.replaceChildren();
    const R = L.R;
    for (const n of view.nodes) {
      const p = L.pos.get(`n${n.id}`);
      const g = s('g', { class: 'node', transform: `translate(${p.x},${p.y})`, tabindex: 0, role: 'button', 'data-node': n.id });
      const halo = s('circle', { class: 'halo', r: R + 6 });
      const body = s('circle', { class: 'body', r: R, filter: 'url(#soft-shadow)' });
      const idText = s('text', { class: 'node-id', 'text-anchor': 'middle', dy: '0.35em' }, String(n.id));
      const cross = s('path', { class: 'cross', d: `M${-R * 0.45},${-R * 0.45}L${R * 0.45},${R * 0.45}M${R * 0.45},${-R * 0.45}L${-R * 0.45},${R * 0.45}` });
      const badge = s('g', { class: 'badge', transform: `translate(0,${-R - 11})` },
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
      g.addEventListener('click', (e) => { if (e.detail > 0) g.blur(); app.select({ kind: 'node', id: n.id }); });
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); e.stopPropagation(); app.select({ kind: 'node', id: n.id }); }
      });
      gNodes.append(g);
      nodeEls.set(n.id, { g, badge, part, info, title, idText });
    }
    for (const c of view.clients || []) {
      const p = L.pos.get(`c${c.id}`);
      const g = s('g', { class: 'client', transform: `translate(${p.x},${p.y})`, 'data-client': c.id });
      const bw = R * 1.9, bh = R * 1.35;
      g.append(s('title', {}, ''),
        s('rect', { class: 'body', x: -bw / 2, y: -bh / 2, width: bw, height: bh, rx: 9, filter: 'url(#soft-shadow)' }),
        s('text', { class: 'node-id', 'text-anchor': 'middle', dy: '0.35em' }, `C${c.id}`),
        s('text', { class: 'node-info', 'text-anchor': 'middle', y: bh / 2 + 14 }, ''));
      gNodes.append(g);
      nodeEls.set(`c${c.id}`, { g, client: true });
    }
  }

  function infoLines(n) {
    const lines = [];
    const c = L.compact;
    if (n.crashed) return ['crashed'];
    if (n.roles.includes('proposer')) {
      if (n.is_leader) lines.push(`${c ? 'lead' : 'leader'} b ${ballotStr(n.ballot)}`);
      else if (n.phase === 'preparing') lines.push(`${c ? 'prep' : 'preparing'} b ${ballotStr(n.ballot)}`);
      else if (n.phase && n.phase !== 'none') lines.push(n.phase);
    }
    if (n.roles.includes('acceptor')) lines.push(`${c ? 'prom' : 'promised'} ${ballotStr(n.promised)}`);
    if (n.roles.includes('replica')) lines.push(`applied ${n.applied_index}`);
    return lines;
  }

  function updateNodes(view) {
    const parts = partitionGroups(view.nodes);
    const sel = app.selection;
    for (const n of view.nodes) {
      const el = nodeEls.get(n.id);
      if (!el) continue;
      const gl = parts ? groupLabel(view, n.group) : null;
      const cls = ['node', n.is_leader ? 'leader' : '', n.crashed ? 'crashed' : '', gl ? 'partitioned' : '',
        sel && sel.kind === 'node' && sel.id === n.id ? 'selected' : '', `phase-${n.phase}`].filter(Boolean).join(' ');
      if (el.g.getAttribute('class') !== cls) el.g.setAttribute('class', cls);
      el.g.style.setProperty('--group', gl ? gl.color : 'transparent');
      const badgeText = n.crashed ? 'CRASHED' : n.is_leader ? 'LEADER' : '';
      el.badge.lastChild.textContent = badgeText;
      el.badge.style.display = badgeText ? '' : 'none';
      el.part.style.display = gl ? '' : 'none';
      if (gl) el.part.lastChild.textContent = gl.name;
      const lines = infoLines(n);
      const key = lines.join('|');
      if (el.info.dataset.key !== key) {
        el.info.dataset.key = key;
        const right = el.info.dataset.cap === 'right';
        const x = right ? el.info.getAttribute('x') : 0;
        const first = right ? `${0.35 - (lines.length - 1) * 0.6}em` : 0;
        el.info.replaceChildren(...lines.map((t, i) => s('tspan', { x, dy: i ? '1.2em' : first }, t)));
      }
      const label = `Node ${n.id}, ${n.roles.join(' + ')}` + (n.crashed ? ', crashed' : '') + (n.is_leader ? ', leader' : '') +
        (n.roles.includes('acceptor') ? `, promised ${ballotStr(n.promised)}` : '') + (gl ? `, partition group ${gl.name}` : '') + '. Press Enter to inspect.';
      if (el.g.getAttribute('aria-label') !== label) {
        el.g.setAttribute('aria-label', label);
        el.title.textContent = `Node ${n.id} (${n.roles.join(', ')}) — click to inspect`;
      }
    }
    for (const c of view.clients || []) {
      const el = nodeEls.get(`c${c.id}`);
      if (!el) continue;
      let info = c.pending ? opStr(c.pending.op) : `${c.completed} done`;
      if (info.length > L.capChars) info = `${info.slice(0, L.capChars - 1)}…`;
      const t = el.g.querySelector('.node-info');
      if (t.textContent !== info) t.textContent = info;
      el.g.classList.toggle('waiting', !!c.pending);
      el.g.querySelector('title').textContent = `Client ${c.id} → node ${c.target}` + (c.pending ? `: waiting for #${c.pending.seq} ${opStr(c.pending.op)}` : `: idle, ${c.completed} completed`);
    }
  }

  /** How much of each label to draw: the whole label when few messages, less when crowded. */
  function labelLevel(count) {
    const narrow = L && L.narrow;
    if (count <= (narrow ? 2 : 4)) return 2;
    if (count <= (narrow ? 3 : 8)) return 1;
    if (count <= (narrow ? 6 : 12)) return 0;
    return -1; // crowded: coloured dots; the label shows on hover, on selection and in the list
  }

  function pillText(m, level) {
    if (level >= 2) return m.label;
    if (level === 1) return shortLabel(m);
    if (level === 0) return m.type;
    return '';
  }

  const pillWidth = (text) => (text ? Math.round(text.length * 6.7 + 16) : 14);

  function msgPlacement(view, level) {
    // Each message sits on the segment from its sender to its receiver: nearer the sender
    // while still in transit, nearer the receiver once deliverable. Then a few rounds of
    // relaxation slide overlapping pills along (and slightly across) their segments, and
    // push them off the nodes, so labels stay readable.
    const sel = app.selection;
    const items = [];
    const byPair = new Map();
    for (const m of view.messages) {
      const a = L.pos.get(endKey(m.from)), b = L.pos.get(endKey(m.to));
      if (!a || !b) continue;
      const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
      const k = `${endKey(m.from)}>${endKey(m.to)}`;
      const idx = byPair.get(k) || 0;
      byPair.set(k, idx + 1);
      const base = !m.deliverable ? (m.deliver_at > view.now ? 0.36 : 0.48) : 0.56;
      const isSel = sel && sel.kind === 'message' && sel.id === m.id;
      const text = pillText(m, isSel ? 2 : level);
      items.push({ m, a, b, len, ux: dx / len, uy: dy / len, nx: -dy / len, ny: dx / len, sel: isSel ? 1 : 0,
        t: base, w: pillWidth(text), h: text ? 20 : 14, text, x: 0, y: 0 });
    }
    const R = L.R;
    const obstacles = [];
    for (const [key, p] of L.pos) {
      const isClient = key[0] === 'c';
      if (p.cap === 'right') obstacles.push({ x: p.x + 44, y: p.y, w: R * 2 + 100, h: R * 2 + 6 });
      else obstacles.push({ x: p.x, y: p.y + (isClient ? 4 : 12), w: isClient ? R * 2.1 : Math.max(R * 2 + 8, 84), h: isClient ? R * 1.4 + 26 : R * 2 + 46 });
    }
    const overlap = (x, y, w, hh, o) => {
      const ox = (w + o.w) / 2 + 3 - Math.abs(x - o.x);
      const oy = (hh + o.h) / 2 + 2 - Math.abs(y - o.y);
      return ox > 0 && oy > 0 ? ox * oy : 0;
    };
    // Greedy: the selected message first, then deliverable ones; each takes the first spot
    // along its own segment (and a little to either side) that touches nothing placed yet.
    const order = [...items].sort((p, q) => (q.sel - p.sel) || (q.m.deliverable - p.m.deliverable) || p.m.id - q.m.id);
    const placed = [];
    const offsets = [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8];
    const sides = [8, -8, 22, -22, 36, -36, 50, -50];
    for (const it of order) {
      const tm = Math.min(0.45, (R + 12 + it.w / 2 * Math.abs(it.ux)) / it.len);
      let best = null;
      for (const k of offsets) {
        const tt = it.t + k * 0.055;
        if (tt < tm || tt > 1 - tm) continue;
        for (const o of sides) {
          const x = it.a.x + it.ux * it.len * tt + it.nx * o;
          const y = it.a.y + it.uy * it.len * tt + it.ny * o;
          if (x - it.w / 2 < 2 || x + it.w / 2 > W - 2 || y < 12 || y > H - 12) continue;
          let cost = 0;
          for (const p of placed) { cost += overlap(x, y, it.w, it.h, p); if (cost > 0 && best && cost >= best.cost) break; }
          for (const ob of obstacles) cost += overlap(x, y, it.w, it.h, ob) * 1.5;
          cost += Math.abs(k) * 2 + Math.abs(o) * 0.5;
          if (!best || cost < best.cost) best = { x, y, cost };
          if (cost <= Math.abs(k) * 2 + Math.abs(o) * 0.5) break;
        }
        if (best && best.cost <= Math.abs(k) * 2 + 26) break;
      }
      if (!best) {
        const tt = Math.max(0.2, Math.min(0.8, it.t));
        best = { x: it.a.x + it.ux * it.len * tt + it.nx * 8, y: it.a.y + it.uy * it.len * tt + it.ny * 8 };
      }
      it.x = best.x; it.y = best.y;
      placed.push({ x: it.x, y: it.y, w: it.w, h: it.h });
    }
    const out = new Map();
    for (const it of items) out.set(it.m.id, { x: it.x, y: it.y, from: it.a, to: it.b, text: it.text, w: it.w });
    return out;
  }

  function msgClass(m, sel) {
    return ['msg', m.deliverable ? 'ready' : 'waiting', sel && sel.kind === 'message' && sel.id === m.id ? 'selected' : ''].filter(Boolean).join(' ');
  }

  function drawPill(entry, text) {
    if (entry.text === text) return;
    entry.text = text;
    const wPx = pillWidth(text);
    const hPx = text ? 20 : 14;
    entry.rect.setAttribute('x', -wPx / 2);
    entry.rect.setAttribute('width', wPx);
    entry.rect.setAttribute('y', -hPx / 2);
    entry.rect.setAttribute('height', hPx);
    entry.rect.setAttribute('rx', hPx / 2);
    entry.label.textContent = text;
  }

  function updateMessages(view) {
    const level = labelLevel(view.messages.length);
    const place = msgPlacement(view, level);
    const sel = app.selection;
    const seen = new Set();
    const ms = animMs();
    // Edges: one faint line per pair of endpoints with traffic.
    const edgeKeys = new Set();
    gEdges.replaceChildren();
    for (const m of view.messages) {
      const a = endKey(m.from), b = endKey(m.to);
      const k = a < b ? `${a}|${b}` : `${b}|${a}`;
      if (edgeKeys.has(k)) continue;
      edgeKeys.add(k);
      const pa = L.pos.get(a), pb = L.pos.get(b);
      if (pa && pb) gEdges.append(s('line', { x1: pa.x, y1: pa.y, x2: pb.x, y2: pb.y }));
    }
    for (const m of view.messages) {
      const p = place.get(m.id);
      if (!p) continue;
      seen.add(m.id);
      let e = msgEls.get(m.id);
      const color = kindColor(m.type);
      if (!e) {
        const g = s('g', { class: 'msg', tabindex: 0, role: 'button', 'data-msg': m.id });
        const rect = s('rect', { y: -10, height: 20, rx: 10 });
        g.style.color = color;
        const label = s('text', { 'text-anchor': 'middle', dy: '0.35em' }, '');
        const title = s('title', {}, '');
        g.append(title, rect, label);
        g.addEventListener('click', (ev) => { ev.stopPropagation(); if (ev.detail > 0) g.blur(); app.select({ kind: 'message', id: m.id }); });
        g.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); ev.stopPropagation(); app.select({ kind: 'message', id: m.id }); }
        });
        g.addEventListener('pointerenter', () => { if (gMsgs.lastChild !== g) gMsgs.append(g); });
        e = { g, rect, label, title, text: null };
        msgEls.set(m.id, e);
        g.style.transition = 'none';
        g.style.transform = `translate(${p.from.x}px,${p.from.y}px) scale(0.6)`;
        g.style.opacity = '0';
        gMsgs.append(g);
        if (ms > 0) g.getBoundingClientRect();
      }
      const isSel = sel && sel.kind === 'message' && sel.id === m.id;
      drawPill(e, p.text);
      const cls = msgClass(m, sel);
      if (e.g.getAttribute('class') !== cls) e.g.setAttribute('class', cls);
      e.title.textContent = `#${m.id} ${m.label} (${endStr(m.from)} → ${endStr(m.to)})` +
        (m.deliverable ? '' : m.deliver_at > view.now ? ` — in transit until tick ${m.deliver_at}` : ' — held by the partition');
      e.g.setAttribute('aria-label', `Message ${m.id}: ${m.label}, from ${endStr(m.from)} to ${endStr(m.to)}${m.deliverable ? '' : ', not deliverable yet'}. Press Enter to inspect.`);
      e.g.style.transition = ms > 0 ? `transform ${ms}ms cubic-bezier(.3,.7,.3,1), opacity ${ms}ms` : 'none';
      e.g.style.transform = `translate(${p.x.toFixed(1)}px,${p.y.toFixed(1)}px)`;
      e.g.style.opacity = '1';
      e.to = p.to;
      if (isSel && gMsgs.lastChild !== e.g) gMsgs.append(e.g);
    }
    for (const [id, e] of msgEls) {
      if (seen.has(id)) continue;
      msgEls.delete(id);
      if (ms > 0 && e.to) {
        e.g.style.pointerEvents = 'none';
        e.g.style.transition = `transform ${ms}ms ease-in, opacity ${ms}ms ease-in`;
        e.g.style.transform = `translate(${e.to.x}px,${e.to.y}px) scale(0.5)`;
        e.g.style.opacity = '0';
        setTimeout(() => e.g.remove(), ms + 30);
      } else {
        e.g.remove();
      }
    }
  }

  function update(view) {
    lastView = view;
    if (!W) measure();
    const sig = `${W}x${H}|` + view.nodes.map((n) => `${n.id}:${n.roles.join('+')}`).join(',') + '|' + (view.clients || []).map((c) => c.id).join(',');
    if (sig !== layoutSig) { layoutSig = ''; buildStatic(view); layoutSig = sig; }
    updateNodes(view);
    updateMessages(view);
    const none = view.messages.length === 0;
    empty.hidden = !none;
    if (none) empty.textContent = 'No message in flight. Submit a client command, fire a timer, or press → to let time pass.';
  }

  const ro = new ResizeObserver(() => {
    const r = wrap.getBoundingClientRect();
    if (Math.round(r.width) !== W || Math.round(r.height) !== H) {
      measure();
      if (lastView) update(lastView);
    }
  });
  ro.observe(wrap);

  return { update, emptyHint: empty };
}
