// @ts-check
// The legend: which colour is which message kind, grouped by the core's families (phase 1,
// phase 2, ...), each with who sends it and its one-line meaning on hover. It starts with
// every kind outside catch-up and grows as other kinds are sent. On a desktop window it
// keeps to one line (each family's swatches, the names on hover or with "Names"), so it never pushes the log's first rows below the window (issue 11).

import { h } from './dom.js';
import { kinds, kindColor, kindInfo, kindRank, kindRoute } from './glossary.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./main.js').PageApp} PageApp */

/** @param {PageApp} app @param {HTMLElement} root */
export function createLegend(app, root) {
  const list = h('ul', { class: 'legend', 'aria-label': 'Message colours' });
  const names = h('button', { type: 'button', class: 'legend-names', 'aria-expanded': 'false', 'aria-label': 'Show the names of the message colours',
    title: 'Show the name of each colour (the chips in the cluster carry their kind too)' }, 'Names');
  names.addEventListener('click', () => {
    const on = !root.classList.contains('named');
    root.classList.toggle('named', on);
    names.setAttribute('aria-expanded', String(on));
    names.setAttribute('aria-label', on ? 'Show the message colours on one line' : 'Show the names of the message colours');
    names.textContent = on ? 'Fewer' : 'Names';
  });
  root.append(list, names);
  const seen = new Set(kinds().filter((k) => k.family !== 'catch-up').map((k) => k.name));
  let key = '';
  /** @param {StateView} view */
  function update(view) {
    for (const m of view.messages) seen.add(m.type);
    for (const t of Object.keys((view.stats && view.stats.sent) || {})) seen.add(t);
    const types = [...seen].sort((a, b) => kindRank(a) - kindRank(b) || a.localeCompare(b));
    const k = types.join(',');
    if (k === key) return;
    key = k;
    const groups = [];
    for (const t of types) {
      const fam = kindInfo(t).family;
      const last = groups[groups.length - 1];
      if (last && last.fam === fam) last.types.push(t); else groups.push({ fam, types: [t] });
    }
    list.replaceChildren(...groups.map((g) => h('li', { class: 'legend-group' },
      h('span', { class: 'legend-fam' }, g.fam),
      ...g.types.map((t) => h('span', { class: 'legend-item', title: `${t} (${kindRoute(t)}): ${kindInfo(t).summary}` },
        h('span', { class: 'swatch', style: { background: kindColor(t) } }), h('span', { class: 'legend-name' }, t))))));
  }
  return { update };
}
