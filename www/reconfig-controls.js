// @ts-check
// The set-up rail's "Servers" section (rule 12, reconfiguration through the log): the
// current and pending configuration, a Remove button per member and a form that adds a
// server with chosen roles. Each sends the core's action (add_server, remove_server); a
// change the core refuses shows the core's reason here and in a notice, and the run is
// left as it was (the core records nothing for a refused action).

import { h, setText, keepFocus } from './dom.js';
import { configStatus, nodeStatus, STATUS_TEXT, ROLE_NAMES, membersText, rolesShort } from './membership.js';

/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').Roles} Roles */
/** @typedef {import('./main.js').PageApp} PageApp */

/** The highest node id the core accepts (docs/wasm-api.md, "Actions"). */
const MAX_NODE = 16;

/**
 * @param {PageApp} app
 * @returns {{ element: HTMLElement, update: (view: StateView) => void, reset: () => void, reveal: (view: StateView) => void }}
 */
export function createServersSection(app) {
  const status = h('div', { class: 'config-status', id: 'config-status', role: 'status', 'aria-live': 'polite' });
  const refusal = h('p', { class: 'reconfig-refusal', id: 'reconfig-refusal', role: 'alert', hidden: true });
  const members = h('ul', { class: 'member-list', 'aria-label': 'Servers of the cluster' });
  const idIn = h('input', { type: 'number', min: 1, step: 1, id: 'add-server-id', 'aria-describedby': 'add-server-hint' });
  const roleBoxes = ROLE_NAMES.map((r) => h('input', { type: 'checkbox', id: `add-role-${r}`, checked: true, 'data-role': r }));
  const addBtn = h('button', { type: 'submit', class: 'btn primary', id: 'add-server' }, 'Add server');
  const form = h('form', { class: 'stack add-server', 'aria-label': 'Add a server', novalidate: true },
    h('div', { class: 'add-row' },
      h('label', { class: 'field id-field', for: 'add-server-id' }, h('span', { class: 'field-label' }, 'New node id'), idIn),
      h('fieldset', { class: 'roles-field' }, h('legend', { class: 'field-label' }, 'Roles'),
        ...roleBoxes.map((cb) => h('label', { class: 'check small', for: cb.id }, cb, ` ${cb.dataset.role}`)))),
    h('p', { class: 'hint', id: 'add-server-hint' },
      'The leader proposes a configuration with this server; a new node starts empty and catches up. It takes effect α slots after the slot it is decided in.'),
    addBtn);

  /** @param {string} what @param {Error | string} e */
  function showRefusal(what, e) {
    refusal.hidden = false;
    refusal.replaceChildren(h('strong', {}, `Refused: ${what}. `), (e && /** @type {Error} */ (e).message) || String(e), ' The run is unchanged.');
  }
  function clearRefusal() { refusal.hidden = true; refusal.textContent = ''; }

  /** @param {string} what @param {import('./pkg/paxoscope.js').Action} action */
  function send(what, action) {
    const r = app.apply(action, what);
    if (r && !r.ok) showRefusal(what, r.error);
    else if (r) clearRefusal();
  }

  form.addEventListener('submit', (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    const id = Number(idIn.value);
    // The range is the core's to judge (it says why); the form only needs a whole number.
    if (!Number.isInteger(id) || id < 1 || id > 65535) {
      showRefusal(`adding node "${idIn.value}"`, `A node id is a whole number from 1 to ${MAX_NODE}.`);
      return;
    }
    /** @type {Roles} */
    const roles = { proposer: roleBoxes[0].checked, acceptor: roleBoxes[1].checked, replica: roleBoxes[2].checked };
    if (!roles.proposer && !roles.acceptor && !roles.replica) {
      showRefusal(`adding node ${id}`, 'Pick at least one role.');
      return;
    }
    send(`adding node ${id} (${rolesShort(roles)})`, { type: 'add_server', node: id, roles });
  });

  let idTouched = false;
  idIn.addEventListener('input', () => { idTouched = true; });

  const element = h('div', { class: 'stack servers' }, status, members, refusal, form);

  let key = '';
  /** @param {StateView} view */
  function update(view) {
    const st = configStatus(view);
    const rows = view.nodes.map((n) => ({ n, s: nodeStatus(view, n.id) }));
    const k = JSON.stringify([st.all.map((c) => [c.from_slot, c.members.epoch]), st.frontier >= (st.pending[0]?.from_slot ?? Infinity),
      st.pending.length, rows.map((r) => `${r.n.id}:${r.s}:${r.n.is_leader}:${r.n.crashed}`), st.frontier]);
    if (k === key) return;
    key = k;
    // current and pending configuration
    const cur = st.current;
    const curLine = cur
      ? h('p', { class: 'config-line' }, h('span', { class: 'epoch-tag' }, `epoch ${cur.members.epoch}`),
        ` governs from slot ${cur.from_slot}: `, membersText(cur.members.nodes))
      : h('p', { class: 'config-line' }, h('span', { class: 'epoch-tag' }, 'epoch 0'),
        ' the initial layout governs every slot', st.all.length ? ' so far' : '', '.');
    const pendLines = st.pending.map((c) => h('p', { class: 'config-line pending' }, h('span', { class: 'epoch-tag pending' }, `epoch ${c.members.epoch} pending`),
      ` from slot ${c.from_slot} (the log is decided up to ${st.frontier}; ${c.from_slot - st.frontier} more slot${c.from_slot - st.frontier === 1 ? '' : 's'} to go): `,
      membersText(c.members.nodes)));
    status.replaceChildren(curLine, ...pendLines);
    // members
    keepFocus(members, () => members.replaceChildren(...rows.map(({ n, s }) => {
      const roles = `${n.roles.map((r) => r[0].toUpperCase()).join('')}`;
      const gone = s === 'removed' || s === 'leaving';
      return h('li', { class: `member-row st-${s}`, 'data-node': n.id, title: `Node ${n.id}: ${STATUS_TEXT[s]}` },
        h('span', { class: 'member-name' }, `N${n.id}`, h('span', { class: 'muted' }, ` ${roles}${n.is_leader ? ' ★' : ''}`)),
        s === 'member' ? h('span', { class: 'member-tag' }, '') : h('span', { class: `member-tag tag-${s}` }, s),
        h('button', { type: 'button', class: 'btn small', disabled: gone || s === 'joining',
          'aria-label': `Remove node ${n.id} from the configuration`,
          onclick: () => send(`removing node ${n.id}`, { type: 'remove_server', node: n.id }) }, 'Remove'));
    })));
    // the next free id, unless the person typed one
    const next = Math.max(0, ...view.nodes.map((n) => n.id)) + 1;
    if (!idTouched || document.activeElement !== idIn) { if (!idTouched) idIn.value = String(Math.min(next, MAX_NODE)); }
    setText(addBtn, `Add server N${idIn.value || next}`);
  }
  idIn.addEventListener('input', () => setText(addBtn, `Add server N${idIn.value}`));

  // The section is closed at first: a newcomer looks at the cluster and its log. It opens
  // by itself for a run that reconfigures (a configuration decided, or an add / remove
  // among its actions), unless the person opened or closed it themselves.
  /** @type {HTMLDetailsElement | null} the section holding `element` */
  let section = null;
  let chosen = false; // the person opened or closed the section
  let revealed = false; // decided for this run
  /** @type {boolean | null} the state the page last gave the section */
  let setOpen = null;
  /** @param {StateView} view */
  function reveal(view) {
    if (!section) section = /** @type {HTMLDetailsElement | null} */ (element.closest('details'));
    if (!section || revealed || chosen) return;
    revealed = true;
    let sc = '';
    try { sc = app.pg ? app.pg.scenario() : ''; } catch { sc = ''; }
    const reconfigures = (view.configs || []).length > 0 || /"type":\s*"(add|remove)_server"/.test(sc);
    setOpen = reconfigures;
    section.open = reconfigures;
    if (!section.dataset.watched) {
      section.dataset.watched = '1';
      section.addEventListener('toggle', () => { if (section.open !== setOpen) chosen = true; });
    }
  }

  function reset() { idTouched = false; key = ''; revealed = false; clearRefusal(); }

  return { element, update, reset, reveal };
}
