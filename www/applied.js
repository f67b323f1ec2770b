// @ts-check
// The outcome at a glance: under the cluster, what each replica has applied to its
// key-value store, in log order, one line per replica (replicas holding the same applied
// log share a line). The values come from the core's log grid rows (logWindow); the page
// only lays them out.

import { h, setText, reconcile } from './dom.js';
import { nodeStatus } from './membership.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./main.js').PageApp} PageApp */

/** How many of the newest applied slots a line shows. */
const SHOWN = 8;
/** While playing, the applied logs are redrawn at most this often (ms). */
const PLAY_REDRAW_MS = 250;

/** @param {StateView['nodes'][number]} n */
const isReplica = (n) => n.roles.includes('replica');

/** "put x=" when every value is a single put to the same key, else ''. @param {(string | null)[]} values */
export function sharedPutPrefix(values) {
  let prefix = null;
  for (const v of values) {
    if (v == null || v === 'no-op') continue;
    const m = /^(put [^=;\s]+=)[^;]*$/.exec(v);
    if (!m || (prefix !== null && m[1] !== prefix)) return '';
    prefix = m[1];
  }
  return prefix || '';
}

/** @param {PageApp} app @param {HTMLElement} root */
export function createAppliedLogs(app, root) {
  root.hidden = true;
  let key = '';

  /**
   * Per replica: the values of its applied slots among the `from..to` window.
   * @param {StateView} view
   * @param {number} from
   * @param {number} to
   */
  function appliedRows(view, from, to) {
    const r = app.call('reading the applied logs', (pg) => pg.logWindow(from, to - from));
    if (!r.ok) return null;
    const cols = r.value.columns || [];
    return view.nodes.filter(isReplica).map((n) => {
      const ci = cols.findIndex((c) => c.node === n.id);
      /** @type {(string | null)[]} */
      const values = [];
      if (n.crashed) return { node: n, values };
      for (const row of r.value.rows || []) {
        const cell = ci >= 0 ? row.cells[ci] : null;
        if (!cell || row.slot >= (n.applied_index ?? 0)) break;
        values.push(cell.status === 'applied' ? cell.value : null);
      }
      return { node: n, values };
    });
  }

  // The panel's elements are kept and rewritten where they differ (a jump changes a few
  // texts, it does not build the panel again).
  const verdict = h('span', {});
  const head = h('div', { class: 'applied-head' }, h('h3', { class: 'applied-title' }, 'Applied logs'), verdict);
  const list = h('ol', { class: 'applied-lines' });
  /** @typedef {{ li: HTMLElement, who: HTMLElement, count: HTMLElement, pre: HTMLElement, vals: HTMLElement, more: HTMLElement, values: HTMLElement[] }} Line */
  /** @type {Line[]} */
  const pool = [];

  /**
   * Sets an element's property only when it differs.
   * @param {HTMLElement} el @param {'className' | 'title'} prop @param {string} v
   */
  function put(el, prop, v) { if (el[prop] !== v) el[prop] = v; }

  /** @returns {Line} */
  function lineEl() {
    return { li: h('li', {}), who: h('span', { class: 'applied-who mono' }), count: h('span', { class: 'applied-count' }),
      pre: h('span', { class: 'applied-prefix mono' }), vals: h('span', { class: 'applied-values mono' }),
      more: h('span', { class: 'applied-more muted' }), values: [] };
  }

  /**
   * @param {Line} x
   * @param {{ nodes: StateView['nodes'], values: (string | null)[], applied: number, crashed: boolean }} l
   * @param {number} first the log's first slot
   * @param {string} prefix
   */
  function showLine(x, l, first, prefix) {
    const earlier = l.applied - l.values.length - first;
    put(x.li, 'className', `applied-line${l.crashed ? ' crashed' : ''}`);
    const ids = l.nodes.map((n) => n.id).join(',');
    if (x.li.dataset.nodes !== ids) x.li.dataset.nodes = ids;
    setText(x.who, l.nodes.map((n) => `N${n.id}`).join(' '));
    setText(x.count, l.crashed ? 'crashed' : `${l.applied} applied`);
    const withPrefix = !!prefix && l.values.length > 0;
    if (withPrefix) { setText(x.pre, prefix); put(x.pre, 'title', `Every value here is a ${prefix}… command`); }
    reconcile(x.li, withPrefix ? [x.who, x.count, x.pre, x.vals] : [x.who, x.count, x.vals]);
    if (earlier > 0) setText(x.more, `… ${earlier.toLocaleString('en')} earlier`);
    while (x.values.length < l.values.length) x.values.push(h('span', {}));
    l.values.forEach((v, i) => {
      const el = x.values[i];
      put(el, 'className', `applied-value${v === 'no-op' ? ' noop' : ''}`);
      put(el, 'title', `slot ${l.applied - l.values.length + i}: ${v ?? 'compacted'}`);
      setText(el, v == null ? '▧' : prefix && v !== 'no-op' ? v.slice(prefix.length) : v);
    });
    const shown = x.values.slice(0, l.values.length);
    reconcile(x.vals, earlier > 0 ? [x.more, ...shown] : shown);
  }

  let drawnAt = 0;
  /** @param {StateView} view */
  function update(view) {
    const replicas = view.nodes.filter(isReplica);
    const end = Math.max(0, ...replicas.map((n) => n.applied_index ?? 0));
    const k = `${view.step}|${view.total_steps}|${replicas.map((n) => `${n.id}:${n.applied_index}:${n.crashed}`).join(',')}`;
    if (k === key) return;
    // While playing, redrawn at most every PLAY_REDRAW_MS (the last state is drawn on pause).
    const t = performance.now();
    if (app.playing && key && t - drawnAt < PLAY_REDRAW_MS) return;
    drawnAt = t;
    key = k;
    if (!replicas.length || end === 0) { root.hidden = true; root.replaceChildren(); return; }
    const first = (view.log && view.log.first_slot) || 0;
    const from = Math.max(first, end - SHOWN);
    const rows = appliedRows(view, from, end);
    if (!rows) return;
    // Replicas with the same applied log share one line. A slot one replica compacted into
    // its snapshot (null) holds what the others applied there (the checker says so if
    // not): it does not make the logs differ.
    /** @type {{ nodes: StateView['nodes'], values: (string | null)[], applied: number, crashed: boolean }[]} */
    const lines = [];
    for (const row of rows) {
      const applied = row.node.applied_index ?? 0;
      const same = lines.find((l) => l.crashed === row.node.crashed && l.applied === applied && l.values.length === row.values.length
        && l.values.every((v, i) => v == null || row.values[i] == null || v === row.values[i]));
      if (same) {
        same.nodes.push(row.node);
        same.values = same.values.map((v, i) => v ?? row.values[i]);
      } else lines.push({ nodes: [row.node], values: row.values, applied, crashed: row.node.crashed });
    }
    lines.sort((a, b) => b.applied - a.applied || a.nodes[0].id - b.nodes[0].id);
    const prefix = sharedPutPrefix(lines.flatMap((l) => l.values));
    const allSame = lines.length === 1;
    // Replicas behind the others hold a prefix of the same log: say so, rather than that
    // the logs differ (which is what the applied-prefix check would catch).
    const top = lines[0];
    const topFrom = top.applied - top.values.length;
    const prefix0 = (/** @type {typeof top} */ l) => l.values.every((v, i) => {
      const w = top.values[l.applied - l.values.length + i - topFrom];
      return v == null || w == null || v === w;
    });
    // Why the others lag: removed from the configuration (rule 12), crashed, or behind.
    const lagging = lines.filter((l) => l !== top).flatMap((l) => l.nodes);
    const removed = lagging.filter((n) => nodeStatus(view, n.id) === 'removed');
    const crashed = lagging.filter((n) => n.crashed && !removed.includes(n));
    const late = lagging.length - removed.length - crashed.length;
    const lag = [late ? `${late} behind` : '', crashed.length ? `${crashed.length} crashed` : '', removed.length ? `${removed.length} removed from the cluster` : ''].filter(Boolean).join(', ');
    const oneOrder = !allSame && lines.every(prefix0);
    put(verdict, 'className', `applied-verdict${allSame ? ' same' : oneOrder ? ' behind' : ''}`);
    setText(verdict, allSame
      ? `${replicas.length === 1 ? 'The replica' : `All ${replicas.length} replicas`} applied the same ${end} value${end === 1 ? '' : 's'} in the same order`
      : oneOrder
        ? `One order on every replica; ${lag}`
        : `${lines.length} different applied logs`);
    while (pool.length < lines.length) pool.push(lineEl());
    lines.forEach((l, k) => showLine(pool[k], l, first, prefix));
    reconcile(list, pool.slice(0, lines.length).map((x) => x.li));
    if (root.firstChild !== head) root.replaceChildren(head, list);
    if (root.hidden) root.hidden = false; // an unchanged write still costs a style pass
  }

  return { update, reset: () => { key = ''; } };
}
