// The legend: which colour is which message type, grouped the way the protocol uses them
// (phase 1, phase 2, ...), each with a one-line meaning on hover.

import { h } from './dom.js';
import { LEGEND_ORDER, typeColor, typeInfo } from './glossary.js';

const FAMILY_LABEL = { 'Phase 1': 'phase 1', 'Phase 2': 'phase 2', Client: 'clients', 'Catch-up': 'catch-up' };

export function createLegend(app, root) {
  const list = h('ul', { class: 'legend', 'aria-label': 'Message colours' });
  root.append(list);
  const seen = new Set(['Prepare', 'Promise', 'Accept', 'Accepted', 'Nack', 'Heartbeat', 'Request', 'Reply']);
  let key = '';
  function update(view) {
    for (const m of view.messages) seen.add(m.type);
    for (const t of Object.keys((view.stats && view.stats.sent) || {})) seen.add(t);
    const types = [...seen].sort((a, b) => {
      const ia = LEGEND_ORDER.indexOf(a), ib = LEGEND_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    const k = types.join(',');
    if (k === key) return;
    key = k;
    const groups = [];
    for (const t of types) {
      const fam = typeInfo(t).family;
      const last = groups[groups.length - 1];
      if (last && last.fam === fam) last.types.push(t); else groups.push({ fam, types: [t] });
    }
    list.replaceChildren(...groups.map((g) => h('li', { class: 'legend-group' },
      FAMILY_LABEL[g.fam] ? h('span', { class: 'legend-fam' }, FAMILY_LABEL[g.fam]) : null,
      ...g.types.map((t) => h('span', { class: 'legend-item', title: `${t}: ${typeInfo(t).short || ''}` },
        h('span', { class: 'swatch', style: { background: typeColor(t) } }), t)))));
  }
  return { update };
}
