// The replicated log: one row per slot, one column per acceptor/replica. Virtualised: only
// the rows in view exist in the DOM, fetched with logWindow(from, count), so a log of
// 10,000+ slots scrolls as smoothly as a log of ten.

import { h, setText } from './dom.js';

const ROW_H = 26;
const OVERSCAN = 8;
const SLOT_W = 64;
const COL_MIN = 104;

const STATUS_TEXT = {
  applied: 'decided and applied to this replica\'s key-value store',
  decided: 'decided (known chosen here), not applied yet',
  accepted: 'accepted, not yet known decided',
  empty: 'empty',
  compacted: 'compacted into a snapshot',
};

export function createLogGrid(app, root) {
  const head = h('div', { class: 'log-head' });
  const title = h('h2', { id: 'log-title' }, 'Replicated log');
  const extent = h('span', { class: 'muted log-extent' });
  const gotoInput = h('input', { type: 'number', min: 0, step: 1, class: 'goto-input', 'aria-label': 'Go to slot number', placeholder: 'slot' });
  const gotoBtn = h('button', { class: 'btn small', type: 'submit', 'aria-label': 'Scroll the log to that slot' }, 'Go');
  const followBox = h('input', { type: 'checkbox', checked: true, id: 'log-follow' });
  const followLbl = h('label', { class: 'check small', for: 'log-follow' }, followBox, ' follow newest');
  head.append(title, extent, h('span', { class: 'spacer' }),
    h('form', { class: 'goto', onsubmit: (e) => { e.preventDefault(); gotoSlot(); } }, gotoInput, gotoBtn), followLbl);

  const legend = h('div', { class: 'log-legend', 'aria-hidden': 'true' },
    ...['applied', 'decided', 'accepted', 'empty', 'compacted'].map((st) => h('span', { class: `cell-key st-${st}`, title: STATUS_TEXT[st] }, st)));

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

  let columns = [];
  let colSig = '';
  let firstSlot = 0, endSlot = 0;
  let lastView = null;
  let raf = 0;
  const pool = [];
  let programmatic = false;

  function gridTemplate() {
    return `${SLOT_W}px repeat(${columns.length}, minmax(${COL_MIN}px, 1fr))`;
  }

  function setColumns(cols, view) {
    const sig = cols.map((c) => `${c.node}:${c.roles.join('+')}`).join(',');
    if (sig !== colSig) {
      colSig = sig;
      columns = cols;
      const tmpl = gridTemplate();
      colHead.style.gridTemplateColumns = tmpl;
      inner.style.minWidth = `${SLOT_W + cols.length * COL_MIN}px`;
      colHead.replaceChildren(h('div', { class: 'log-th slot', role: 'columnheader' }, 'slot'),
        ...cols.map((c) => h('div', { class: 'log-th', role: 'columnheader', 'data-node': c.node },
          h('span', { class: 'th-name' }, `N${c.node}`), h('span', { class: 'th-roles' }, c.roles.map((r) => r[0].toUpperCase()).join('')),
          h('span', { class: 'th-idx' }, ''))));
      for (const r of pool) r.el.remove();
      pool.length = 0;
    }
    // per-column commit/applied indices from the view
    if (view) {
      colHead.querySelectorAll('.log-th[data-node]').forEach((th) => {
        const n = view.nodes.find((x) => x.id === Number(th.dataset.node));
        if (!n) return;
        const idx = th.querySelector('.th-idx');
        const roles = n.roles;
        const t = n.crashed ? 'crashed' : roles.includes('replica') ? `applied ${n.applied_index}` : n.promised ? `p ${n.promised.round}.${n.promised.proposer}` : '';
        setText(idx, t);
        th.classList.toggle('crashed', !!n.crashed);
        th.title = `Node ${n.id} (${roles.join(', ')}): commit index ${n.commit_index}, applied ${n.applied_index}, snapshot ${n.snapshot_index}`;
      });
    }
  }

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
    return { el, slot, cells };
  }

  function renderRows() {
    raf = 0;
    if (!lastView) return;
    const total = Math.max(0, endSlot - firstSlot);
    spacer.style.height = `${total * ROW_H}px`;
    emptyMsg.hidden = total > 0;
    const top = scroller.scrollTop;
    const viewH = scroller.clientHeight || 300;
    const from = Math.max(firstSlot, firstSlot + Math.floor(top / ROW_H) - OVERSCAN);
    const count = Math.min(endSlot - from, Math.ceil(viewH / ROW_H) + 2 * OVERSCAN);
    let win = { columns, rows: [] };
    if (count > 0) {
      const r = app.call('reading the log', (pg) => pg.logWindow(from, count));
      if (!r.ok) return;
      win = r.value;
    }
    setColumns(win.columns && win.columns.length ? win.columns : columns, lastView);
    while (pool.length < win.rows.length) pool.push(rowEl());
    pool.forEach((r, i) => {
      const row = win.rows[i];
      if (!row) { r.el.style.display = 'none'; return; }
      r.el.style.display = '';
      r.el.style.transform = `translateY(${(row.slot - firstSlot) * ROW_H}px)`;
      setText(r.slot, row.slot);
      r.el.setAttribute('aria-rowindex', row.slot + 1);
      r.el.dataset.slot = row.slot;
      r.el.classList.toggle('hl', row.slot === highlight);
      row.cells.forEach((cell, ci) => {
        const x = r.cells[ci];
        if (!x) return;
        const key = `${cell.status}|${cell.value}|${cell.ballot}`;
        if (x.key === key) return;
        x.key = key;
        x.c.className = `log-cell st-${cell.status}` + (cell.value === 'no-op' ? ' noop' : '');
        x.v.textContent = cell.status === 'compacted' ? '▧' : (cell.value ?? '');
        x.b.textContent = cell.ballot ? cell.ballot : '';
        const col = columns[ci];
        x.c.title = `Slot ${row.slot}, node ${col ? col.node : '?'}: ${STATUS_TEXT[cell.status] || cell.status}` +
          (cell.value ? ` — ${cell.value}` : '') + (cell.ballot ? ` (ballot ${cell.ballot})` : '');
      });
    });
  }

  function schedule() { if (!raf) raf = requestAnimationFrame(renderRows); }

  function atBottom() {
    return scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - ROW_H * 1.5;
  }

  scroller.addEventListener('scroll', () => {
    if (!programmatic) followBox.checked = atBottom();
    programmatic = false;
    schedule();
  }, { passive: true });

  function gotoSlot() {
    const n = Number(gotoInput.value);
    if (!Number.isInteger(n) || n < 0) { app.notify('error', 'Go to slot', `"${gotoInput.value}" is not a slot number.`); return; }
    if (n >= endSlot) { app.notify('error', 'Go to slot', `Slot ${n} is beyond the end of the log (slots ${firstSlot}–${Math.max(firstSlot, endSlot - 1)}).`); return; }
    followBox.checked = false;
    scrollToSlot(Math.max(n, firstSlot));
  }

  let highlight = null;
  function scrollToSlot(n) {
    highlight = n;
    programmatic = true;
    scroller.scrollTop = Math.max(0, (n - firstSlot) * ROW_H - scroller.clientHeight / 2 + ROW_H);
    schedule();
  }

  function update(view) {
    lastView = view;
    const lg = view.log || { first_slot: 0, end_slot: 0 };
    firstSlot = lg.first_slot || 0;
    endSlot = lg.end_slot || 0;
    const total = endSlot - firstSlot;
    setText(extent, total ? `slots ${firstSlot}–${endSlot - 1} · ${total.toLocaleString('en')} rows` : 'empty');
    setColumns(columns, view);
    if (!columns.length) {
      // columns come from logWindow; ask for an empty window once to learn them.
      const r = app.call('reading the log', (pg) => pg.logWindow(firstSlot, 0));
      if (r.ok && r.value.columns) setColumns(r.value.columns, view);
    }
    spacer.style.height = `${total * ROW_H}px`;
    if (followBox.checked && total > 0) {
      const want = Math.max(0, scroller.scrollHeight - scroller.clientHeight);
      if (Math.abs(scroller.scrollTop - want) > 1) { programmatic = true; scroller.scrollTop = want; }
    }
    schedule();
  }

  function reset() {
    colSig = ''; columns = [];
    followBox.checked = true;
  }

  return { update, reset, scrollToSlot, renderNow: renderRows };
}
