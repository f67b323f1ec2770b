// @ts-check
// The replicated log: one row per slot, one column per acceptor/replica, replicas first
// (their columns hold what was applied, the outcome). Virtualised: only the rows in view
// exist in the DOM, fetched with logWindow(from, count), so a log of 10,000+ slots scrolls
// as smoothly as a log of ten.

import { h, setText } from './dom.js';
import { sharedPutPrefix } from './applied.js';
import { viewConflict, cellSide } from './conflict.js';
import { nodeStatus, STATUS_TEXT as MEMBER_TEXT, alphaWhy, membersText } from './membership.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').LogColumn} LogColumn */
/** @typedef {import('./pkg/paxoscope.js').LogWindow} LogWindow */
/** @typedef {import('./pkg/paxoscope.js').LogRow} LogRow */
/** @typedef {import('./pkg/paxoscope.js').CellStatus} CellStatus */
/** @typedef {import('./pkg/paxoscope.js').Conflict} Conflict */
/**
 * A row of the grid kept in the pool: its element, its slot header, its cells (each with
 * the text it shows, so an unchanged cell is not written again).
 * `at` is the slot it shows (-1: hidden) and `y` where it stands, so a row that stays is
 * not written again.
 * @typedef {{ el: HTMLElement, slot: HTMLElement, cells: Array<{ c: HTMLElement, v: HTMLElement, b: HTMLElement, key: string }>, slotKey: string, at: number, y: number }} PooledRow
 */
/** @typedef {import('./main.js').PageApp} PageApp */

const ROW_H = 26;
/** The column heads' height (.log-colhead), above the rows. */
const HEAD_H = 34;
const OVERSCAN = 8;
const SLOT_W = 48;
const REPLICA_MIN = 96;
const ACCEPTOR_MIN = 78;
const COL_MAX = 260;

/**
 * Width a cell needs to show its value and ballot uncut (11.5 px / 10 px monospace).
 * @param {string | null | undefined} text
 * @param {string | null | undefined} ballot
 */
const cellWidth = (text, ballot) => Math.ceil(22 + String(text || '').length * 7 + (ballot ? String(ballot).length * 6.1 + 6 : 0));

/**
 * Sets an element's text, changing its text node in place when it has just one (a new
 * text node is laid out from scratch; a changed one only measured again).
 * @param {HTMLElement} el
 * @param {string} text
 */
function writeText(el, text) {
  const t = el.firstChild;
  if (t && !t.nextSibling && t.nodeType === Node.TEXT_NODE) {
    if (/** @type {Text} */ (t).data !== text) /** @type {Text} */ (t).data = text;
  } else if (text || t) el.textContent = text;
}

/**
 * Adds or removes a class only when that changes something (classList.toggle rewrites the
 * class attribute, and so invalidates the element's style, even when nothing changes).
 * @param {Element} el @param {string} cls @param {boolean} on
 */
function mark(el, cls, on) {
  if (el.classList.contains(cls) !== on) el.classList.toggle(cls, on);
}

/** @param {LogColumn} c */
const isReplicaCol = (c) => c.roles.includes('replica');

/** @type {Record<CellStatus, string>} */
const STATUS_TEXT = {
  applied: 'decided and applied to this replica\'s key-value store',
  decided: 'decided (known chosen here), not applied yet',
  accepted: 'accepted, not yet known decided',
  empty: 'empty',
  compacted: 'compacted into a snapshot',
};

/**
 * @param {PageApp} app
 * @param {HTMLElement} root the panel's element
 */
export function createLogGrid(app, root) {
  const head = h('div', { class: 'log-head' });
  const title = h('h2', { id: 'log-title' }, 'Replicated log');
  const extent = h('span', { class: 'muted log-extent' });
  const prefixNote = h('span', { class: 'log-prefix muted', hidden: true });
  const gotoInput = h('input', { type: 'number', min: 0, step: 1, class: 'goto-input', 'aria-label': 'Go to slot number', placeholder: 'slot' });
  const gotoBtn = h('button', { class: 'btn small', type: 'submit', 'aria-label': 'Scroll the log to that slot' }, 'Go');
  const followBox = h('input', { type: 'checkbox', checked: true, id: 'log-follow' });
  const followLbl = h('label', { class: 'check small', for: 'log-follow' }, followBox, ' follow newest');
  head.append(title, extent, prefixNote, h('span', { class: 'spacer' }),
    h('form', { class: 'goto', onsubmit: (/** @type {SubmitEvent} */ e) => { e.preventDefault(); gotoSlot(); } }, gotoInput, gotoBtn), followLbl);

  const legend = h('div', { class: 'log-legend', 'aria-hidden': 'true' },
    .../** @type {CellStatus[]} */ (['applied', 'decided', 'accepted', 'empty', 'compacted']).map((st) => h('span', { class: `cell-key st-${st}`, title: STATUS_TEXT[st] }, st)));

  const scroller = h('div', { class: 'log-scroller', tabindex: 0, role: 'region', 'aria-labelledby': 'log-title' });
  const inner = h('div', { class: 'log-inner' });
  const colHead = h('div', { class: 'log-colhead', role: 'row' });
  const spacer = h('div', { class: 'log-spacer' });
  const rowsLayer = h('div', { class: 'log-rows', role: 'rowgroup' });
  const emptyMsg = h('p', { class: 'log-empty muted', hidden: true },
    'No slot has a value yet. Slots fill in as acceptors accept a leader\'s proposals; a value is decided once a quorum accepted it.');
  inner.append(colHead, spacer, rowsLayer);
  scroller.append(inner, emptyMsg);
  root.append(head, legend, scroller);

  /** @type {LogColumn[]} in display order: replicas first */
  let columns = [];
  /** @type {number[]} display position → index in logWindow's columns */
  let perm = [];
  let prefix = '';
  /** @type {number[]} per display column: the width its widest value so far needs */
  let need = [];
  let colSig = '';
  let firstSlot = 0, endSlot = 0;
  /** @type {StateView | null} */
  let lastView = null;
  let raf = 0;
  /** @type {PooledRow[]} */
  const pool = [];
  let programmatic = false;
  /**
   * What the rows on screen were drawn from: the view, the slots [from, to) and the
   * scroller's height then. A scroll that stays within them draws nothing (the scroll a
   * render makes itself to follow the newest row, or a small one within the overscan).
   */
  const drawn = { view: /** @type {StateView | null} */ (null), from: 0, to: 0, viewH: 0 };
  let spacerH = -1;
  let rowsY = 0;
  let rowsH = -1;
  /** @param {number} total rows */
  function setSpacer(total) {
    if (total * ROW_H === spacerH) return;
    spacerH = total * ROW_H;
    spacer.style.height = `${spacerH}px`;
  }
  /**
   * Sets `hidden` only when it changes: writing it, even unchanged, costs a style pass.
   * @param {HTMLElement} el @param {boolean} on
   */
  const hide = (el, on) => { if (el.hidden !== on) el.hidden = on; };

  /** @type {(c: LogColumn, i: number) => number} */
  const colMin = (c, i) => Math.max(isReplicaCol(c) ? REPLICA_MIN : ACCEPTOR_MIN, need[i] || 0);

  function gridTemplate() {
    return `${SLOT_W}px ${columns.map((c, i) => `minmax(${colMin(c, i)}px, ${isReplicaCol(c) ? 1.5 : 1}fr)`).join(' ')}`;
  }

  /**
   * Widens the columns (never narrows them during a run) so no value is cut short.
   * @param {LogRow[]} rows
   * @param {Conflict | null} conflict
   */
  function fitColumns(rows, conflict) {
    let grew = false;
    rows.forEach((row) => columns.forEach((_, ci) => {
      const cell = row.cells[perm[ci]];
      if (!cell || !cell.value) return;
      let shown = prefix && cell.value.startsWith(prefix) ? cell.value.slice(prefix.length) : cell.value;
      if (conflict && row.slot === conflict.slot) shown = `A ${[conflict.first.value, conflict.second.value].sort((a, b) => b.length - a.length)[0]}`;
      const w = Math.min(COL_MAX, cellWidth(shown, cell.ballot));
      if (w > (need[ci] || 0)) { need[ci] = w; grew = true; }
    }));
    if (!grew) return;
    const tmpl = gridTemplate();
    colHead.style.gridTemplateColumns = tmpl;
    for (const r of pool) r.el.style.gridTemplateColumns = tmpl;
    inner.style.minWidth = `${SLOT_W + columns.reduce((w, c, i) => w + colMin(c, i), 0)}px`;
  }

  /**
   * Takes the columns as logWindow lists them (by node id) and shows replicas first.
   * @param {LogColumn[]} raw
   * @param {StateView} view
   */
  function setColumns(raw, view) {
    const sig = raw.map((c) => `${c.node}:${c.roles.join('+')}`).join(',');
    if (sig !== colSig) {
      colSig = sig;
      perm = raw.map((_, i) => i).sort((a, b) => (Number(isReplicaCol(raw[b])) - Number(isReplicaCol(raw[a]))) || raw[a].node - raw[b].node);
      columns = perm.map((i) => raw[i]);
      need = [];
      const cols = columns;
      const tmpl = gridTemplate();
      colHead.style.gridTemplateColumns = tmpl;
      inner.style.minWidth = `${SLOT_W + cols.reduce((w, c, i) => w + colMin(c, i), 0)}px`;
      colHead.replaceChildren(h('div', { class: 'log-th slot', role: 'columnheader' }, 'slot'),
        ...cols.map((c) => h('div', { class: 'log-th', role: 'columnheader', 'data-node': c.node },
          h('span', { class: 'th-name' }, `N${c.node}`), h('span', { class: 'th-roles' }, c.roles.map((r) => r[0].toUpperCase()).join('')),
          h('span', { class: 'th-idx' }, ''))));
      for (const r of pool) r.el.remove();
      pool.length = 0;
    }
    // per-column commit/applied indices from the view
    if (view) {
      /** @type {NodeListOf<HTMLElement>} */ (colHead.querySelectorAll('.log-th[data-node]')).forEach((th) => {
        const n = view.nodes.find((x) => x.id === Number(th.dataset.node));
        if (!n) return;
        const idx = th.querySelector('.th-idx');
        const roles = n.roles;
        // Rule 12: a column of a node that left the configuration, or is joining it.
        const ms = nodeStatus(view, n.id);
        // The number first ("181 applied", as the applied logs say it): a narrow head cuts the word.
        setText(idx, n.crashed ? 'crashed'
          : ms !== 'member' ? `${roles.includes('replica') ? `${n.applied_index} · ` : ''}${ms}`
            : roles.includes('replica') ? `${n.applied_index} applied` : n.promised ? `p ${n.promised.round}.${n.promised.proposer}` : '');
        mark(th, 'crashed', !!n.crashed);
        for (const st of ['removed', 'joining', 'entering', 'leaving']) mark(th, st, ms === st);
        const title = `Node ${n.id} (${roles.join(', ')})${ms === 'member' ? '' : `, ${MEMBER_TEXT[ms]}`}: commit index ${n.commit_index}, applied ${n.applied_index}, snapshot ${n.snapshot_index}`;
        if (th.title !== title) th.title = title;
      });
    }
  }

  /** @returns {PooledRow} */
  function rowEl() {
    const el = h('div', { class: 'log-row', role: 'row' });
    el.style.gridTemplateColumns = gridTemplate();
    const slot = h('div', { class: 'log-slot', role: 'rowheader' });
    const cells = columns.map(() => {
      const c = h('div', { class: 'log-cell', role: 'gridcell' });
      const v = h('span', { class: 'v' });
      const b = h('span', { class: 'b' });
      c.append(v, b);
      return { c, v, b, key: '' };
    });
    el.append(slot, ...cells.map((x) => x.c));
    rowsLayer.append(el);
    return { el, slot, cells, slotKey: '', at: -1, y: -1 };
  }

  function renderRows() {
    raf = 0;
    if (!lastView) return;
    const conflict = viewConflict(lastView);
    const total = Math.max(0, endSlot - firstSlot);
    setSpacer(total);
    hide(emptyMsg, total > 0);
    if (followBox.checked && total > 0) {
      // The newest row at the bottom, from the rows' own geometry: the scroll extent may
      // still include the rows drawn for the last view (a longer log) until they move.
      const want = Math.max(0, HEAD_H + total * ROW_H - scroller.clientHeight);
      if (Math.abs(scroller.scrollTop - want) > 1) { programmatic = true; scroller.scrollTop = want; }
    }
    const top = scroller.scrollTop;
    const viewH = scroller.clientHeight || 300;
    const from = Math.max(firstSlot, firstSlot + Math.floor(top / ROW_H) - OVERSCAN);
    const count = Math.min(endSlot - from, Math.ceil(viewH / ROW_H) + 2 * OVERSCAN);
    /** @type {{ columns: LogColumn[], rows: LogRow[] }} */
    let win = { columns, rows: [] };
    if (count > 0) {
      const r = app.call('reading the log', (pg) => pg.logWindow(from, count));
      if (!r.ok) return;
      win = r.value;
    }
    drawn.view = lastView; drawn.from = from; drawn.to = from + win.rows.length; drawn.viewH = viewH;
    setColumns(win.columns && win.columns.length ? win.columns : rawColumns(), lastView);
    // Every value here a put to one key: the head says "put x=" once, the cells the rest.
    const p = sharedPutPrefix(win.rows.flatMap((row) => row.cells.map((c) => c.value)));
    if (p !== prefix) { prefix = p; for (const r of pool) for (const x of r.cells) x.key = ''; }
    hide(prefixNote, !prefix);
    if (prefix) setText(prefixNote, `values: ${prefix}…`);
    fitColumns(win.rows, conflict);
    // The rows stand at their place in the window, the window where it starts: a window
    // that moved (a jump, a scroll) moves one element, not every row.
    const layerY = (from - firstSlot) * ROW_H;
    if (layerY !== rowsY) { rowsY = layerY; rowsLayer.style.transform = `translateY(${layerY}px)`; }
    // The layer clips to the rows drawn: the rows kept out of view (visibility: hidden) below
    // them do not make the log scroll further than its last slot.
    const layerH = win.rows.length * ROW_H;
    if (layerH !== rowsH) { rowsH = layerH; rowsLayer.style.height = `${layerH}px`; }
    while (pool.length < win.rows.length) pool.push(rowEl());
    pool.forEach((r, i) => {
      const row = win.rows[i];
      // A row not needed is made invisible, not taken out (display: none): shown again, it
      // is not built into the layout from scratch.
      if (!row) { if (r.at !== -1) { r.at = -1; r.el.style.visibility = 'hidden'; } return; }
      if (r.at === -1) r.el.style.visibility = '';
      const y = (row.slot - from) * ROW_H;
      if (r.y !== y) { r.y = y; r.el.style.transform = `translateY(${y}px)`; }
      if (r.at !== row.slot) {
        r.at = row.slot;
        r.el.setAttribute('aria-rowindex', String(row.slot + 1));
        r.el.dataset.slot = String(row.slot);
      }
      slotHead(r, row, lastView.configs || []);
      mark(r.el, 'hl', row.slot === highlight);
      const clash = conflict && row.slot === conflict.slot ? conflict : null;
      mark(r.el, 'conflict', !!clash);
      r.cells.forEach((x, ci) => {
        const cell = row.cells[perm[ci]];
        if (!cell) return;
        const col = columns[ci];
        const side = clash && col ? cellSide(clash, col.node, cell) : null;
        if (col && x.c.dataset.node !== String(col.node)) x.c.dataset.node = String(col.node);
        const key = `${cell.status}|${cell.value}|${cell.ballot}|${side}|${clash ? clash.slot : ''}`;
        if (x.key === key) return;
        x.key = key;
        const cls = `log-cell st-${cell.status}` + (cell.value === 'no-op' ? ' noop' : '');
        if (x.c.className !== cls) x.c.className = cls;
        const shown = cell.value && prefix && cell.value.startsWith(prefix) ? cell.value.slice(prefix.length) : cell.value;
        writeText(x.v, cell.status === 'compacted' ? '▧' : (shown ?? ''));
        if (side) {
          // The slot decided twice: which of the two values this cell holds, with its ids.
          const v = side === 'A' ? clash.first : clash.second;
          x.v.replaceChildren(h('span', { class: `side side-${side.toLowerCase()}` }, side), ` ${v.value}`);
        }
        writeText(x.b, cell.ballot ? cell.ballot : '');
        x.c.title = `Slot ${row.slot}, node ${col ? col.node : '?'}: ${STATUS_TEXT[cell.status] || cell.status}` +
          (cell.value ? ` — ${cell.value}` : '') + (cell.ballot ? ` (ballot ${cell.ballot})` : '');
      });
    });
  }

  /**
   * The slot's header cell: its number, and (rule 12) the configuration it is decided by:
   * a mark where a reconfiguration was decided and where a configuration takes effect,
   * and the slot's epoch in its label.
   * @param {{ el: HTMLElement, slot: HTMLElement, slotKey?: string }} r
   * @param {import('./pkg/paxoscope.js').LogRow} row
   * @param {import('./pkg/paxoscope.js').ConfigChange[]} configs
   */
  function slotHead(r, row, configs) {
    const epoch = row.epoch ?? 0;
    const starts = configs.find((c) => c.from_slot === row.slot && row.slot > 0);
    const decided = row.reconfigure != null ? configs.find((c) => c.members.epoch === row.reconfigure) : undefined;
    const key = `${row.slot}|${epoch}|${row.reconfigure}|${starts ? starts.members.epoch : ''}|${decided ? decided.from_slot : ''}|${configs.length}`;
    if (r.slotKey === key) return;
    r.slotKey = key;
    mark(r.el, 'reconf', row.reconfigure != null);
    mark(r.el, 'epoch-start', !!starts);
    r.el.dataset.epoch = String(epoch);
    const marks = [];
    const words = [`Slot ${row.slot}`];
    if (configs.length) words.push(`decided by configuration #${epoch}${epoch === 0 ? ' (the initial layout)' : ''}`);
    if (starts) {
      marks.push(h('span', { class: 'slot-mark', 'aria-hidden': 'true' }, `e${starts.members.epoch}`));
      words.push(`configuration #${starts.members.epoch} (${membersText(starts.members.nodes)}) takes effect here`);
    }
    if (row.reconfigure != null) {
      marks.push(h('span', { class: 'slot-mark', 'aria-hidden': 'true' }, 'R'));
      words.push(decided ? alphaWhy(row.slot, decided.from_slot, row.reconfigure) : `a reconfiguration to #${row.reconfigure} was decided here`);
    }
    if (marks.length || r.slot.children.length) r.slot.replaceChildren(...marks, String(row.slot));
    else writeText(r.slot, String(row.slot));
    const label = words.join('. ');
    r.slot.title = label;
    r.slot.setAttribute('aria-label', label);
  }

  function schedule() { if (!raf) raf = requestAnimationFrame(renderRows); }

  function atBottom() {
    return scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - ROW_H * 1.5;
  }

  /** Whether the rows drawn for the current view cover what the scroller shows now. */
  function covered() {
    if (drawn.view !== lastView) return false;
    const top = scroller.scrollTop;
    const first = firstSlot + Math.floor(top / ROW_H);
    const last = Math.min(endSlot, firstSlot + Math.ceil((top + drawn.viewH) / ROW_H));
    return first >= drawn.from && last <= drawn.to;
  }

  scroller.addEventListener('scroll', () => {
    if (!programmatic) followBox.checked = atBottom();
    programmatic = false;
    if (!raf && covered()) return;
    schedule();
  }, { passive: true });

  function gotoSlot() {
    const n = Number(gotoInput.value);
    if (!Number.isInteger(n) || n < 0) { app.notify('error', 'Go to slot', `"${gotoInput.value}" is not a slot number.`); return; }
    if (n >= endSlot) { app.notify('error', 'Go to slot', `Slot ${n} is beyond the end of the log (slots ${firstSlot}–${Math.max(firstSlot, endSlot - 1)}).`); return; }
    followBox.checked = false;
    scrollToSlot(Math.max(n, firstSlot));
  }

  /** @type {number | null} the slot a person went to, marked */
  let highlight = null;
  /** @param {number} n */
  function scrollToSlot(n) {
    highlight = n;
    programmatic = true;
    scroller.scrollTop = Math.max(0, (n - firstSlot) * ROW_H - scroller.clientHeight / 2 + ROW_H);
    schedule();
  }

  /** @type {number | null} */
  let conflictSlot = null;
  /** @param {StateView} view */
  function update(view) {
    lastView = view;
    // A slot decided twice: bring it into view once, when it first shows up.
    const c = viewConflict(view);
    const slot = c ? c.slot : null;
    if (slot !== conflictSlot) {
      conflictSlot = slot;
      if (slot != null) { followBox.checked = false; requestAnimationFrame(() => scrollToSlot(slot)); }
    }
    const lg = view.log || { first_slot: 0, end_slot: 0 };
    firstSlot = lg.first_slot || 0;
    endSlot = lg.end_slot || 0;
    const total = endSlot - firstSlot;
    setText(extent, total ? `slots ${firstSlot}–${endSlot - 1} · ${total.toLocaleString('en')} rows` : 'empty');
    setColumns(rawColumns(), view);
    if (!columns.length) {
      // columns come from logWindow; ask for an empty window once to learn them.
      const r = app.call('reading the log', (pg) => pg.logWindow(firstSlot, 0));
      if (r.ok && r.value.columns) setColumns(r.value.columns, view);
    }
    setSpacer(total);
    // Following the newest row scrolls in the next animation frame (renderRows), not here:
    // reading the scroll extent now would force a layout of the whole page mid-render.
    schedule();
  }

  /** The columns in logWindow's own order (what setColumns expects). */
  function rawColumns() {
    /** @type {LogColumn[]} */
    const raw = [];
    perm.forEach((i, pos) => { raw[i] = columns[pos]; });
    return raw;
  }

  function reset() {
    colSig = ''; columns = []; perm = []; need = []; conflictSlot = null; drawn.view = null;
    followBox.checked = true;
  }

  return { update, reset, scrollToSlot, renderNow: renderRows };
}
