// @ts-check
// "Why?" on a narration line. For a node's protocol event: the rule of docs/protocol.md
// that made it happen (the core's `rule`, from vocabulary().events) and the core's one or
// two sentences on why it applied at this step. For anything else (a delivery, a loss, a
// tick, a crash, a client's command, the quiet summary): the core's sentences on the part
// of the model behind it (src/sim/why.rs).

import { h } from './dom.js';
import { ruleText } from './glossary.js';

/**
 * The "why?" toggle and its answer for one narration line ([] when the core gave the line
 * no reason): the answer opens on its own row under the line.
 * @param {import('./pkg/paxoscope.js').NarrationLine} ev
 */
export function whyParts(ev) {
  if (!ev.why) return [];
  const rule = ev.rule != null
    ? h('p', { class: 'why-rule' }, h('strong', {}, `Rule ${ev.rule}. `), ruleText(ev.rule))
    : null;
  const body = h('div', { class: 'why-body', hidden: true }, rule, h('p', { class: 'why-here' }, ev.why));
  const label = ev.rule != null ? `Why? Rule ${ev.rule}` : 'Why?';
  const title = ev.rule != null ? `Why did this happen? (rule ${ev.rule})` : 'Why did this happen?';
  const toggle = h('button', { type: 'button', class: 'why', 'aria-expanded': 'false', 'aria-label': label, title }, 'why?');
  toggle.addEventListener('click', () => {
    body.hidden = !body.hidden;
    toggle.setAttribute('aria-expanded', String(!body.hidden));
  });
  return [toggle, body];
}
