// "Why?" on a narration line: the rule of docs/protocol.md that made a node's protocol
// event happen (the core's `rule`, from vocabulary().events) and the core's one or two
// sentences on why it applied at this step (`why`). Lines without a rule get nothing.

import { h } from './dom.js';
import { ruleText } from './glossary.js';

/** A disclosure for one narration line, or null when the core gave the line no rule. */
export function whyButton(ev) {
  if (ev.rule == null || !ev.why) return null;
  const rule = ruleText(ev.rule);
  return h('details', { class: 'why', 'data-rule': ev.rule },
    h('summary', { 'aria-label': `Why? Rule ${ev.rule}` }, 'why?'),
    h('div', { class: 'why-body' },
      h('p', { class: 'why-rule' }, h('strong', {}, `Rule ${ev.rule}. `), rule),
      h('p', { class: 'why-here' }, ev.why)));
}
