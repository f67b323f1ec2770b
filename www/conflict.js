// @ts-check
// An agreement violation, shown where it happened: the slot decided twice, both values with
// their command ids, and the two quorums that should have shared an acceptor (highlighted
// in the cluster diagram as A and B). Everything here comes from the checker's report
// (`violations[].conflict`); the page does no quorum arithmetic of its own.

import { h, ballotStr } from './dom.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').Conflict} Conflict */
/** @typedef {import('./pkg/paxoscope.js').QuorumSet} QuorumSet */
/** @typedef {import('./pkg/paxoscope.js').LogCell} LogCell */
/** @typedef {import('./main.js').PageApp} PageApp */

/**
 * The conflict of the first agreement violation found so far in this view, if any.
 * @param {StateView} view
 * @returns {Conflict | null}
 */
export function viewConflict(view) {
  const v = (view.violations || []).find((x) => x.conflict);
  return v ? v.conflict : null;
}

/**
 * Node id → the quorums ('a', 'b') it belongs to in `conflict`.
 * @param {Conflict | null} conflict
 * @returns {Map<number, string[]>}
 */
export function quorumMarks(conflict) {
  /** @type {Map<number, string[]>} */
  const marks = new Map();
  if (!conflict) return marks;
  (conflict.quorums || []).forEach((q, i) => {
    for (const id of q.acceptors) marks.set(id, [...(marks.get(id) || []), i ? 'b' : 'a']);
  });
  return marks;
}

/**
 * 'A' or 'B' for the value a log cell holds in the conflicting slot, when it is known.
 * @param {Conflict} conflict
 * @param {number} node
 * @param {LogCell} cell
 */
export function cellSide(conflict, node, cell) {
  if (!conflict || !cell || !cell.value) return null;
  const vals = [conflict.first, conflict.second];
  if (cell.ballot) {
    const i = vals.findIndex((v) => v.ballot && ballotStr(v.ballot) === cell.ballot);
    if (i >= 0) return i ? 'B' : 'A';
  }
  const i = vals.findIndex((v) => v.decided_at === node);
  return i >= 0 ? (i ? 'B' : 'A') : null;
}

/** @param {number[]} ids */
const nodes = (ids) => ids.map((n) => `n${n}`).join(', ');

/**
 * One quorum in words: "accepted A in b=1.2: n2, n4" / "promised b=1.3 (B's leader): n3, n5".
 * @param {QuorumSet} q
 */
export function quorumText(q) {
  const side = q.value ? 'B' : 'A';
  return q.phase === 'promised'
    ? `promised b=${ballotStr(q.ballot)} to the leader that chose ${side}: ${nodes(q.acceptors)}`
    : `accepted ${side} in b=${ballotStr(q.ballot)}: ${nodes(q.acceptors)}`;
}

/**
 * The explanation under the cluster: both values, both quorums, and what went wrong.
 * @param {PageApp} app
 * @param {HTMLElement} root
 */
export function createConflictPanel(app, root) {
  root.hidden = true;
  let key = '';
  /** @param {StateView} view */
  function update(view) {
    const c = viewConflict(view);
    const k = c ? JSON.stringify(c) : '';
    if (k === key) return;
    key = k;
    if (!c) { root.hidden = true; root.replaceChildren(); return; }
    /** @param {Conflict['first']} v @param {string} side */
    const value = (v, side) => h('li', { class: `conflict-value side-${side.toLowerCase()}` },
      h('span', { class: 'side' }, side), h('code', {}, v.value),
      h('span', { class: 'muted' }, v.decided_at != null ? ` decided at n${v.decided_at}` : ' chosen by a majority of votes'));
    const [qa, qb] = c.quorums || [];
    const shared = qa && qb ? qa.acceptors.filter((a) => qb.acceptors.includes(a)) : [];
    const p1 = [qa, qb].find((q) => q && q.phase === 'promised');
    const apart = p1
      ? `These two quorums share no acceptor, so nothing told the leader of b=${ballotStr(p1.ballot)} that ${p1.value ? 'A' : 'B'} was already chosen.`
      : 'These two quorums share no acceptor, so each chose its value without hearing of the other.';
    root.replaceChildren(
      h('h3', { class: 'conflict-title' }, `Slot ${c.slot} was decided twice`),
      h('ul', { class: 'conflict-values' }, value(c.first, 'A'), value(c.second, 'B')),
      qa && qb ? h('ul', { class: 'conflict-quorums' },
        h('li', { class: 'quorum-a' }, h('span', { class: 'q-swatch' }), quorumText(qa)),
        h('li', { class: 'quorum-b' }, h('span', { class: 'q-swatch' }), quorumText(qb))) : null,
      qa && qb ? h('p', { class: 'conflict-why' }, c.quorums_intersect
        ? `These quorums share ${nodes(shared)}: the later leader was told about the other value and still chose its own.`
        : apart) : null);
    root.hidden = false;
  }
  // A new run starts with no conflict shown (its first view may have none, which `update`
  // would take for "unchanged").
  return { update, reset: () => { key = ''; root.hidden = true; root.replaceChildren(); } };
}
