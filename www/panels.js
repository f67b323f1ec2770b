// @ts-check
// Checks and numbers: the invariants panel (green / red per invariant), the violation
// banner with a link to the step where it happened, and the run's statistics.

import { h, setText } from './dom.js';
import { kindColor, kindRank } from './glossary.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').InvariantViolation} InvariantViolation */
/** @typedef {import('./main.js').PageApp} PageApp */

/** @param {string} name */
const PRETTY = (name) => name.replace(/[-_]/g, ' ');

/** @param {PageApp} app @param {HTMLElement} root */
export function createInvariants(app, root) {
  const head = h('h2', { id: 'inv-title' }, 'Invariants');
  const summary = h('span', { class: 'inv-summary' });
  const list = h('ul', { class: 'inv-list', 'aria-labelledby': 'inv-title' });
  root.append(h('div', { class: 'panel-head' }, head, summary), list);
  let key = '';
  /** @param {StateView} view */
  function update(view) {
    const inv = view.invariants || [];
    const k = inv.map((i) => `${i.name}:${i.ok}`).join(',');
    if (k === key) return;
    key = k;
    const bad = inv.filter((i) => !i.ok).length;
    summary.className = `inv-summary ${bad ? 'bad' : 'good'}`;
    setText(summary, bad ? `${bad} violated` : 'all hold');
    list.replaceChildren(...inv.map((i) => h('li', { class: `inv ${i.ok ? 'ok' : 'bad'}`, title: i.description || '', 'data-inv': i.name },
      h('span', { class: 'inv-icon', 'aria-hidden': 'true' }, i.ok ? '✓' : '✗'),
      h('span', { class: 'inv-name' }, PRETTY(i.name)),
      h('span', { class: 'visually-hidden' }, i.ok ? ' holds' : ' violated'),
      i.description ? h('span', { class: 'inv-desc' }, i.description) : null)));
  }
  return { update };
}

/**
 * The red banner shown while the viewed state has (or the timeline ahead holds) a violation.
 * @param {PageApp} app
 * @param {HTMLElement} root
 */
export function createBanner(app, root) {
  root.hidden = true;
  let key = '';
  /**
   * @param {StateView} view
   * @param {InvariantViolation[]} known
   */
  function update(view, known) {
    const here = view.violations || [];
    const ahead = (known || []).filter((v) => v.step > view.step && v.step <= view.total_steps);
    const k = `${view.step}|${here.map((v) => v.step + v.invariant).join(',')}|${ahead.map((v) => v.step + v.invariant).join(',')}`;
    if (k === key) return;
    key = k;
    if (!here.length && !ahead.length) { root.hidden = true; root.replaceChildren(); return; }
    root.hidden = false;
    const first = here.length ? here[0] : ahead[0];
    const jump = h('button', { type: 'button', class: 'btn banner-jump', 'aria-label': `Jump to step ${first.step}, where ${first.invariant} was violated` },
      `Go to step ${first.step}`);
    jump.addEventListener('click', () => app.seek(first.step));
    root.className = `banner ${here.length ? 'violation' : 'ahead'}`;
    root.replaceChildren(
      h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '⚠'),
      h('div', { class: 'banner-text', title: `${first.invariant} at step ${first.step}: ${first.message}` },
        h('strong', {}, here.length ? `Safety violated: ${PRETTY(first.invariant)} at step ${first.step}` : `Later in this run, ${PRETTY(first.invariant)} is violated at step ${first.step}`),
        h('span', {}, ` — ${first.message}`),
        here.length > 1 ? h('span', { class: 'muted' }, ` (+${here.length - 1} more)`) : null,
        (view.config && view.config.bugs && view.config.bugs.length)
          ? h('span', { class: 'banner-bugs' }, ` Injected bug${view.config.bugs.length > 1 ? 's' : ''} on: ${view.config.bugs.join(', ')}.`) : null),
      jump);
  }
  return { update };
}

/** @param {PageApp} app @param {HTMLElement} root */
export function createStats(app, root) {
  const head = h('h2', {}, 'Statistics');
  const kpis = h('div', { class: 'kpis' });
  const table = h('table', { class: 'stats-table' });
  root.append(head, kpis, table);
  let key = '';
  let rowsSig = '';
  const rows = new Map();
  /** @param {string} label @param {string} hint */
  const kpi = (label, hint) => h('div', { class: 'kpi', title: hint }, h('span', { class: 'kpi-v' }), h('span', { class: 'kpi-l' }, label));
  kpis.append(
    kpi('committed', 'Client commands committed / submitted'),
    kpi('msgs / command', 'Messages sent per committed command: the price of consensus'),
    kpi('messages sent', 'All messages sent so far'));
  const kpiV = [...kpis.querySelectorAll('.kpi-v')];
  /** @param {StateView} view */
  function update(view) {
    const st = /** @type {Partial<import('./pkg/paxoscope.js').Stats>} */ (view.stats || {});
    const k = JSON.stringify(st);
    if (k === key) return;
    key = k;
    const mpc = st.messages_per_command;
    setText(kpiV[0], `${st.commands_committed ?? 0}/${st.commands_submitted ?? 0}`);
    setText(kpiV[1], mpc == null || !st.commands_committed ? '—' : Number(mpc).toFixed(1));
    setText(kpiV[2], Object.values(st.sent || {}).reduce((a, b) => a + b, 0));
    const types = new Set([...Object.keys(st.sent || {}), ...Object.keys(st.delivered || {}), ...Object.keys(st.dropped || {}), ...Object.keys(st.duplicated || {})]);
    const order = [...types].sort((a, b) => kindRank(a) - kindRank(b) || a.localeCompare(b));
    const max = Math.max(1, ...order.map((t) => (st.sent || {})[t] || 0));
    // The rows are built once per set of message types and their numbers written in place.
    const sig = order.join(',');
    if (sig !== rowsSig) {
      rowsSig = sig;
      rows.clear();
      table.replaceChildren(
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'type'), h('th', { scope: 'col' }, 'sent'), h('th', { scope: 'col' }, 'deliv.'), h('th', { scope: 'col' }, 'drop'), h('th', { scope: 'col' }, 'dup'))),
        h('tbody', {}, ...order.map((t) => {
          const r = { bar: h('span', { class: 'bar', style: { background: kindColor(t) } }), tds: [h('td', {}), h('td', {}), h('td', {}), h('td', {})] };
          rows.set(t, r);
          return h('tr', {}, h('th', { scope: 'row' }, h('span', { class: 'dot', style: { background: kindColor(t) } }), t, r.bar), ...r.tds);
        })));
      if (!order.length) table.replaceChildren(h('tbody', {}, h('tr', {}, h('td', { class: 'muted' }, 'No message sent yet.'))));
    }
    for (const t of order) {
      const r = rows.get(t);
      const sent = (st.sent || {})[t] || 0;
      const width = `${(sent / max) * 100}%`;
      if (r.bar.style.width !== width) r.bar.style.width = width;
      const dropped = (st.dropped || {})[t] || 0;
      [sent, (st.delivered || {})[t] || 0, dropped, (st.duplicated || {})[t] || 0].forEach((x, i) => setText(r.tds[i], x));
      r.tds[2].classList.toggle('bad', dropped > 0);
    }
  }
  return { update };
}
