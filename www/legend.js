// The legend: which colour is which message type, with a one-line meaning for each.

import { h } from './dom.js';
import { MESSAGE_TYPES, LEGEND_ORDER, typeColor, typeInfo } from './glossary.js';

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
    list.replaceChildren(...types.map((t) => h('li', { title: typeInfo(t).short || t },
      h('span', { class: 'swatch', style: { background: typeColor(t) } }), t)));
  }
  void MESSAGE_TYPES;
  return { update };
}
