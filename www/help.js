// @ts-check
// Keyboard shortcuts and the help overlay (shortcuts + Multi-Paxos in one minute).

import { h } from './dom.js';
import { kinds, kindColor, kindRoute, roles, ruleText } from './glossary.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./main.js').PageApp} PageApp */

const SHORTCUTS = [
  ['Space', 'play / pause'],
  ['→', 'step forward (replays the recorded future, or lets the scheduler take a new step)'],
  ['←', 'step back'],
  ['→ / ← in the tour', 'next / previous stop, while the page shows the stop'],
  ['T', 'advance time by one tick'],
  ['Q', 'run until quiet'],
  ['D / X', 'deliver / drop the selected message'],
  ['Tab into the diagram', 'one stop on the message sequence diagram; ← / → along a lane, ↑ / ↓ between lanes, Home / End to a lane\'s first / last event in view'],
  ['Enter in the diagram', 'an event: why it happened (and go to its step); a send or receive: its message; a dangling end: deliver, drop or duplicate'],
  ['Esc', 'clear the selection, close this help'],
  ['?', 'open this help'],
];

/** Text fields, selects and sliders keep every key for themselves. @param {any} t an event's target */
function isField(t) {
  if (!t || !t.closest) return false;
  return !!t.closest('input, select, textarea, [contenteditable="true"], dialog');
}
/** Buttons, links and summaries use Space and Enter themselves. @param {any} t an event's target */
function isPressable(t) {
  if (!t || !t.closest) return false;
  return !!t.closest('button, summary, a, [role="button"], label');
}

/** @param {PageApp} app */
export function createHelp(app, /** @type {HTMLElement} */ dialogRoot) {
  const close = h('button', { type: 'button', class: 'btn icon close', 'aria-label': 'Close help' }, '✕');
  const dialog = h('dialog', { class: 'help', 'aria-labelledby': 'help-title' },
    h('div', { class: 'help-head' }, h('h2', { id: 'help-title' }, 'Paxoscope in one minute'), close),
    h('div', { class: 'help-body' },
      h('section', {},
        h('h3', {}, 'What you are looking at'),
        h('p', {}, 'A real Multi-Paxos cluster (the Rust core, compiled to WebAssembly) runs in a deterministic simulated world. Nothing happens by itself: each step, either the scheduler picks the next event from the seed, or you do — deliver, drop or duplicate any message, crash a node, split the network, fire a timer.'),
        h('p', {}, 'Clients want their commands (put, get, cas on a key-value store) placed in the same order in every replica\'s log. Each log position is a ', h('strong', {}, 'slot'), '. Paxos makes sure that once a slot\'s value is ', h('em', {}, 'chosen'), ', it can never change — even if leaders crash, messages are lost, or two proposers fight.'),
        h('ul', { class: 'roles' }, ...roles().map((r) => h('li', {}, h('strong', {}, r.name), ` — ${r.description}`)))),
      h('section', {},
        h('h3', {}, 'The messages'),
        h('ul', { class: 'glossary' }, ...kinds().map((k) =>
          h('li', {}, h('span', { class: 'swatch', style: { background: kindColor(k.name) } }), h('strong', {}, k.name),
            h('span', { class: 'muted' }, ` (${kindRoute(k.name)})`), ` — ${k.summary}`))),
        h('p', {}, h('strong', {}, 'Tour'), ' (top bar) walks through Multi-Paxos on this very core, one rule at a time; ', h('strong', {}, 'why?'), ' next to a narrated event names the rule that made it happen and why it applied there.'),
        h('p', {}, 'A ', h('strong', {}, 'ballot'), ' such as ', h('code', {}, '2.1'), ' is (round 2, proposer 1): unique and totally ordered. A new leader runs phase 1 (Prepare → Promise) once, adopts for each slot the value accepted with the highest ballot (it may already be chosen), fills gaps with no-ops, then runs only phase 2 (Accept → Accepted) for each command.')),
      h('section', {},
        h('h3', {}, 'Adding and removing servers'),
        h('p', {}, 'The ', h('strong', {}, 'Servers'), ' section (left) asks the leader to put a new configuration in the log: Add server proposes the latest one plus a new node (it starts empty and catches up), Remove proposes it without a node. The core refuses a change that would leave fewer than 3 acceptors or no proposer, that comes while another is still under way, or when no node leads, and says why; the run is then unchanged.'),
        h('p', {}, h('strong', {}, 'Rule 12. '), ruleText(12)),
        h('p', {}, 'Why α slots later: a pipelined leader has up to α (the window) slots in flight when a configuration is decided in slot i, proposed to the old configuration\'s acceptors. If the new one governed slot i + 1 at once, a slot could be chosen by a quorum of the old configuration while a leader of the new one, whose quorums need not meet the old ones, chooses another value there. In the log grid ', h('strong', {}, 'R'), ' marks the slot a configuration was decided in and ', h('strong', {}, 'e1'), ', e2, … the first slot it governs; each slot\'s label names its epoch.')),
      h('section', {},
        h('h3', {}, 'Keyboard'),
        h('table', { class: 'shortcuts' }, h('tbody', {}, ...SHORTCUTS.map(([k, d]) => h('tr', {}, h('th', {}, h('kbd', {}, k)), h('td', {}, d)))))),
      h('section', {},
        h('h3', {}, 'Sharing and time travel'),
        h('p', {}, 'The address bar always holds the whole run (settings, seed and every action) and the step you are looking at: copy it and anyone gets exactly this state. Drag the timeline to go back; acting in the past forks the run. Export saves the run as a file; Import opens one.'))));
  dialogRoot.append(dialog);
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (/** @type {MouseEvent} */ e) => { if (e.target === dialog) dialog.close(); });

  function open() { if (!dialog.open) dialog.showModal(); }

  // The skip link moves the focus to Play without touching the address bar (which holds
  // the run, not a place on the page).
  // The second one, after the timeline, goes to the first message in flight (its Deliver
  // button), past the nodes and the set-up forms that come before the list in Tab order.
  const skips = [['skip-link', '#transport .play', 'stage'], ['skip-flight', '#flight .flight-item button[aria-label^="Deliver"]', 'flight']];
  for (const [id, sel, fallback] of skips) {
    const skip = document.getElementById(id);
    if (!skip) continue;
    skip.addEventListener('click', (e) => {
      e.preventDefault();
      const first = /** @type {HTMLElement | null} */ (document.querySelector(sel));
      const target = first || document.getElementById(fallback);
      if (target) { target.focus(); target.scrollIntoView({ block: 'nearest' }); }
    });
  }

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (dialog.open) return; // the dialog handles Esc itself
    if (isField(e.target)) return;
    if (e.key === '?') { e.preventDefault(); open(); return; }
    if ((e.key === ' ' || e.key === 'Enter') && isPressable(e.target)) return;
    switch (e.key) {
      case ' ': e.preventDefault(); app.togglePlay(); break;
      case 'ArrowRight': e.preventDefault(); app.stepForward(); break;
      case 'ArrowLeft': e.preventDefault(); app.stepBack(); break;
      case 't': case 'T': app.apply({ type: 'tick' }, 'advancing time'); break;
      case 'q': case 'Q': app.runUntilQuiet(); break;
      case 'd': case 'D':
        if (app.selection && app.selection.kind === 'message') app.apply({ type: 'deliver', id: app.selection.id }, `delivering message #${app.selection.id}`);
        break;
      case 'x': case 'X':
        if (app.selection && app.selection.kind === 'message') app.apply({ type: 'drop', id: app.selection.id }, `dropping message #${app.selection.id}`);
        break;
      case 'Escape': app.select(null); break;
      default:
    }
  });

  return { open, close: () => dialog.close(), dialog };
}
