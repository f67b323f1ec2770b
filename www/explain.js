// "Why?" on a narration line: the rule of docs/protocol.md that made a node's protocol
// event happen (the core's `rule`, from vocabulary().events) and the core's one or two
// sentences on why it applied at this step (`why`). Lines without a rule get nothing.

import { h } from './dom.js';
import { ruleText } from './glossary.js';

/**
 * The "why?" toggle and its answer for one narration line ([] when the core gave the line
 * no rule): the answer opens on its own row under the line.
 */
export function whyParts(ev) {
  if (ev.rule == null || !ev.why) return [];
  const body = h('div', { class: 'why-body', hidden: true },
    h('p', { class: 'why-rule' }, h('strong', {}, `Rule ${ev.rule}. `), ruleText(ev.rule)),
    h('p', { class: 'why-here' }, ev.why));
  const toggle = h('button', { type: 'button', class: 'why', 'aria-expanded': 'false', 'aria-label': `Why? Rule ${ev.rule}`, title: `Why did this happen? (rule ${ev.rule})` }, 'why?');
  toggle.addEventListener('click', () => {
    body.hidden = !body.hidden;
    toggle.setAttribute('aria-expanded', String(!body.hidden));
  });
  return [toggle, body];
}
