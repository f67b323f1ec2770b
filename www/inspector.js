// @ts-check
// The inspector: what the selected node holds (durable vs volatile state, with the actions
// a person can take on it) or what the selected message carries (deliver / drop /
// duplicate exactly that message).

import { h, fill, setText, reconcile, ballotStr, endStr, opStr, keepFocus } from './dom.js';
import { kindInfo, kindColor, kindRoute, kindRules, roleDescription, phaseDescription } from './glossary.js';
import { groupLabel } from './topology.js';
import { icon } from './icons.js';
import { nodeStatus, removedNote, STATUS_TEXT as MEMBER_TEXT } from './membership.js';

/**
 * Rule 12 (leases): a node's clock and lease, as rows of the inspector's summary.
 * @param {import('./pkg/paxoscope.js').LeaseView} l
 */
function leaseRows(l) {
  const rate = l.rate_per_mille === 1000 ? 'exact' : `${(l.rate_per_mille / 10).toFixed(1)}% of true time`;
  return {
    'own clock': `${l.clock} (${rate})`,
    ...(l.held_until != null ? { lease: `held until its clock reads ${l.held_until} (world tick ${l.expires_at})` } : {}),
    'reads alone': l.reads_locally ? 'yes: gets are answered without a log round' : 'no: gets go through the log',
    ...(l.granted_until != null ? { 'lease granted': l.granted_to ? `to b=${ballotStr(l.granted_to)} until its clock reads ${l.granted_until}` : `none it remembers: after a restart it waits until its clock reads ${l.granted_until}` } : {}),
  };
}

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').MessageView} MessageView */
/** @typedef {import('./main.js').PageApp} PageApp */

const MAX_ITEMS = 60;
const SLOT_ROWS = 12;

/** @param {any} v a value of the core's JSON */
function isBallot(v) {
  return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 2 && 'round' in v && 'proposer' in v;
}

/** @param {{ client: number, seq: number, op: any }} c */
function cmdStr(c) {
  return `c${c.client}#${c.seq} ${opStr(c.op)}`;
}

/**
 * A one-line summary of the small shapes the core uses (ballots, values, commands, results).
 * @param {any} v a value of the core's JSON
 * @returns {string | null}
 */
export function brief(v) {
  if (isBallot(v)) return ballotStr(v);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if (v.kind === 'commands' && Array.isArray(v.commands)) return v.commands.length ? v.commands.map(cmdStr).join('; ') : 'no commands';
    if (typeof v.kind === 'string' && /^no-?op$/i.test(v.kind)) return 'no-op';
    if (typeof v.op === 'string' && 'key' in v) return opStr(v);
    if ('client' in v && 'seq' in v && v.op && typeof v.op === 'object') return cmdStr(v);
    if (typeof v.result === 'string' && Object.keys(v).length <= 2) return v.result + ('value' in v ? ` ${v.value ?? '∅'}` : '');
    if ('seq' in v && 'result' in v && Object.keys(v).length === 2) return `#${v.seq} → ${brief(v.result) ?? JSON.stringify(v.result)}`;
  }
  if (Array.isArray(v) && v.length === 2 && isBallot(v[0])) {
    const b = brief(v[1]);
    if (b != null) return `${b}  (b ${ballotStr(v[0])})`;
  }
  return null;
}

/** @param {object} v */
const isSlotMap = (v) => {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
};

/**
 * Renders any JSON value as a compact, readable tree (null fields are left out).
 * @param {any} v
 * @returns {HTMLElement}
 */
export function renderValue(v, depth = 0) {
  if (v === null || v === undefined) return h('span', { class: 'j-null' }, '—');
  if (typeof v === 'boolean') return h('span', { class: 'j-bool' }, v ? 'yes' : 'no');
  if (typeof v === 'number') return h('span', { class: 'j-num' }, String(v));
  if (typeof v === 'string') return h('span', { class: 'j-str' }, v);
  const b = brief(v);
  if (b != null) return h('span', { class: isBallot(v) ? 'j-ballot' : 'j-str' }, b);
  if (Array.isArray(v)) {
    if (!v.length) return h('span', { class: 'j-null' }, 'none');
    if (v.every((x) => x === null || typeof x !== 'object' || isBallot(x))) {
      const shown = v.slice(0, MAX_ITEMS).map((x) => (isBallot(x) ? ballotStr(x) : String(x))).join(', ');
      return h('span', { class: 'j-list' }, shown + (v.length > MAX_ITEMS ? ` … (+${v.length - MAX_ITEMS})` : ''));
    }
    if (depth > 4) return h('code', { class: 'j-raw' }, JSON.stringify(v).slice(0, 160));
    return h('ol', { class: 'j-arr', start: 0 },
      ...v.slice(0, MAX_ITEMS).map((x) => h('li', {}, renderValue(x, depth + 1))),
      v.length > MAX_ITEMS ? h('li', { class: 'muted' }, `… ${v.length - MAX_ITEMS} more`) : null);
  }
  if (typeof v === 'object') {
    if (isSlotMap(v)) {
      // slot → value maps (logs, accepted values): the most recent slots, newest last
      const keys = Object.keys(v).map(Number).sort((x, y) => x - y);
      const shown = keys.slice(-SLOT_ROWS);
      return h('div', { class: 'j-slots' },
        keys.length > shown.length ? h('p', { class: 'muted small' }, `${keys.length} slots; the last ${shown.length}:`) : null,
        h('table', { class: 'slot-table' }, h('tbody', {}, ...shown.map((k) => h('tr', {}, h('th', {}, String(k)), h('td', {}, renderValue(v[k], depth + 1)))))));
    }
    const keys = Object.keys(v).filter((k) => v[k] !== null && v[k] !== undefined);
    if (!keys.length) return h('span', { class: 'j-null' }, 'empty');
    if (depth > 4) return h('code', { class: 'j-raw' }, JSON.stringify(v).slice(0, 160));
    /** @param {any} x */
    const complex = (x) => x && typeof x === 'object' && brief(x) == null && !(Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object'));
    return h('dl', { class: 'j-obj' }, ...keys.slice(0, MAX_ITEMS).flatMap((k) => {
      const wide = complex(v[k]) ? 'wide' : null;
      return [h('dt', { class: wide }, k.replace(/_/g, ' ')), h('dd', { class: wide }, renderValue(v[k], depth + 1))];
    }));
  }
  return h('span', {}, String(v));
}

/**
 * Adds or removes a class only when that changes something (classList.toggle rewrites the
 * class attribute, and so invalidates the element's style, even when nothing changes).
 * @param {Element} el @param {string} cls @param {boolean} on
 */
function mark(el, cls, on) {
  if (el.classList.contains(cls) !== on) el.classList.toggle(cls, on);
}

/** @param {string} text */
function chip(text, cls = '') { return h('span', { class: `chip ${cls}` }, text); }

/** "a proposer", "an acceptor". @param {string} word */
export function article(word) { return /^[aeiou]/i.test(word) ? 'an' : 'a'; }

// Which long inspector sections the person opened: they stay open across steps and nodes,
// and stay folded otherwise, so the inspector stays short and the lists below it in reach.
const openFolds = new Set();

/**
 * A collapsible inspector section (closed by default) that remembers being opened.
 * @param {string} name
 * @param {any} title
 * @param {any} body
 */
function fold(name, title, body) {
  const d = h('details', { class: 'fold', open: openFolds.has(name), 'data-fold': name }, h('summary', {}, title), body);
  d.addEventListener('toggle', () => { if (d.open) openFolds.add(name); else openFolds.delete(name); });
  return d;
}

/** @param {PageApp} app @param {HTMLElement} root */
export function createInspector(app, root) {
  const body = h('div', { class: 'inspector-body' });
  root.append(body);
  let lastKey = '';

  function placeholder() {
    return h('div', { class: 'inspector-empty' },
      h('p', {}, h('strong', {}, 'Click a node'), ' to see what it remembers across a crash (durable) and what it loses (volatile), and to crash, restart or fire its timers.'),
      h('p', {}, h('strong', {}, 'Click a message'), ' in the diagram or in the list below to deliver, drop or duplicate exactly that message. You are the network.'));
  }

  /** @param {number | null | undefined} at @param {number} now */
  function timerText(at, now) {
    if (at == null) return 'off';
    const d = at - now;
    return d <= 0 ? `due now (tick ${at})` : `tick ${at} (in ${d})`;
  }

  /**
   * @param {StateView} view
   * @param {number} id
   */
  function nodePanel(view, id) {
    if (!view.nodes.some((n) => n.id === id)) return null;
    const r = app.call(`reading node ${id}`, (pg) => pg.node(id));
    if (!r.ok) return null;
    const n = r.value;
    const gl = groupLabel(view, n.group);
    const isProposer = n.roles.includes('proposer');
    const crashBtn = n.crashed
      ? h('button', { type: 'button', class: 'btn primary', 'aria-label': `Restart node ${id}`, onclick: () => app.apply({ type: 'restart', node: id }, `restarting node ${id}`) }, icon('restart', 14), 'Restart')
      : h('button', { type: 'button', class: 'btn danger', 'aria-label': `Crash node ${id}`, onclick: () => app.apply({ type: 'crash', node: id }, `crashing node ${id}`) }, icon('power', 14), 'Crash');
    const elBtn = h('button', { type: 'button', class: 'btn', disabled: n.crashed || !isProposer, 'aria-label': `Fire node ${id}'s election timer`,
      title: isProposer ? 'Start an election now: the node runs phase 1 (Prepare) with a higher ballot' : 'Only proposers have an election timer',
      onclick: () => app.apply({ type: 'fire_timer', node: id, timer: 'election' }, `firing node ${id}'s election timer`) }, icon('timer', 14), 'Election');
    const hbBtn = h('button', { type: 'button', class: 'btn', disabled: n.crashed || !isProposer, 'aria-label': `Fire node ${id}'s heartbeat timer`,
      title: 'A leader sends heartbeats (with its commit index) when this timer fires',
      onclick: () => app.apply({ type: 'fire_timer', node: id, timer: 'heartbeat' }, `firing node ${id}'s heartbeat timer`) }, icon('heart', 14), 'Heartbeat');
    const isReplica = n.roles.includes('replica');
    const summary = {
      phase: phaseDescription(n.phase) ? `${n.phase} — ${phaseDescription(n.phase)}` : n.phase,
      ...(isProposer ? { 'own ballot': ballotStr(n.ballot) } : {}),
      ...(n.roles.includes('acceptor') ? { promised: ballotStr(n.promised) } : {}),
      'known leader': n.known_leader == null ? 'none' : `node ${n.known_leader}`,
      ...(isReplica ? { 'commit index': n.commit_index, 'applied index': n.applied_index, 'snapshot index': n.snapshot_index } : {}),
      ...(n.timers ? Object.fromEntries(Object.entries(n.timers).filter(([, v]) => v != null || isProposer).map(([k, v]) => [`${k} timer`, timerText(v, view.now)])) : {}),
      ...(n.lease ? leaseRows(n.lease) : {}),
    };
    const ms = nodeStatus(view, id);
    const sameDisk = n.disk === undefined || JSON.stringify(n.disk) === JSON.stringify(n.durable);
    const kv = n.kv || {};
    const kvKeys = Object.keys(kv);
    return h('div', { class: 'node-panel' },
      h('div', { class: 'insp-head' },
        h('h3', {}, `Node ${id}`),
        ...n.roles.map((ro) => chip(ro, 'role')),
        n.is_leader ? chip('leader', 'leader') : null,
        n.crashed ? chip('crashed', 'crashed') : null,
        gl ? h('span', { class: 'chip group', style: { '--group': gl.color } }, `group ${gl.name}`) : null,
        ms !== 'member' ? h('span', { class: `chip member-${ms}`, title: `Node ${id} is ${MEMBER_TEXT[ms]}` }, ms) : null),
      ms !== 'member' ? h('p', { class: 'hint' }, `Rule 12: ${MEMBER_TEXT[ms]}.`, ms === 'removed' ? ` ${removedNote(view, n) ?? ''}` : '') : null,
      h('div', { class: 'btn-row' }, crashBtn, elBtn, hbBtn),
      h('details', { class: 'explain' }, h('summary', {}, `What does ${article(n.roles[0] || '')} ${n.roles.join(' + ')} do?`),
        ...n.roles.filter(roleDescription).map((ro) => h('p', {}, h('strong', {}, ro), ` — ${roleDescription(ro)}`))),
      renderValue(summary),
      isReplica ? h('h4', {}, 'Key-value store', h('span', { class: 'muted' }, ` · ${kvKeys.length} key${kvKeys.length === 1 ? '' : 's'}`)) : null,
      !isReplica ? null : kvKeys.length ? h('table', { class: 'kv' }, h('tbody', {}, ...kvKeys.slice(0, MAX_ITEMS).map((k) => h('tr', {}, h('th', {}, k), h('td', {}, String(kv[k]))))))
        : h('p', { class: 'muted small' }, 'empty — nothing applied yet'),
      Array.isArray(n.decided_log) && n.decided_log.length ? [
        h('h4', {}, 'Decided log ', h('span', { class: 'muted' }, `· ${n.decided_log.length} entr${n.decided_log.length === 1 ? 'y' : 'ies'} from the snapshot point`)),
        h('table', { class: 'slot-table' }, h('tbody', {}, ...n.decided_log.slice(-SLOT_ROWS).map((e) => h('tr', {}, h('th', {}, String(e.slot)), h('td', {}, brief(e.value) ?? String(e.value)))))),
      ] : null,
      fold('durable', h('span', {}, 'Durable state ', h('span', { class: 'muted' }, n.crashed ? '· what the disk kept' : '· survives a crash')),
        renderValue(n.durable ?? null)),
      sameDisk ? null : fold('disk', h('span', {}, 'On disk ', h('span', { class: 'muted' }, '· writes not yet persisted are missing here')), renderValue(n.disk)),
      n.crashed
        ? h('p', { class: 'muted small' }, 'The node is down: its volatile state is gone. Restart it to recover from the durable state only.')
        : fold('volatile', h('span', {}, 'Volatile state ', h('span', { class: 'muted' }, '· lost on crash')), renderValue(n.volatile ?? null)));
  }

  /**
   * @param {StateView} view
   * @param {number} id
   */
  function messagePanel(view, id) {
    const m = view.messages.find((x) => x.id === id);
    if (!m) return null;
    const info = kindInfo(m.type);
    // The page's views leave payloads out: the core gives the inspected one.
    const payload = m.payload ?? app.call(`reading message ${id}`, (pg) => pg.message(id)).value?.payload ?? null;
    const twins = m.copy_of != null ? view.messages.filter((x) => x.copy_of === m.copy_of) : [m];
    let status;
    if (m.deliverable) status = h('span', { class: 'ok' }, 'Deliverable now.');
    else if (m.deliver_at > view.now) status = h('span', {}, `In transit until tick ${m.deliver_at} (now ${view.now}). Delivering it now is still allowed: any order is.`);
    else status = h('span', { class: 'warn' }, 'Held by the partition: its sender and receiver are in different groups.');
    /** @param {'deliver' | 'drop' | 'duplicate'} type @param {string} verb */
    const act = (type, verb) => () => app.apply({ type, id }, `${verb} message #${id}`);
    return h('div', { class: 'msg-panel' },
      h('div', { class: 'insp-head' },
        h('span', { class: 'dot', style: { background: kindColor(m.type) } }),
        h('h3', {}, `${m.type} `, h('span', { class: 'muted' }, `#${m.id}`)),
        chip(info.family, 'role')),
      h('p', { class: 'msg-label mono' }, m.label),
      h('p', { class: 'route' }, `${endStr(m.from)} → ${endStr(m.to)} · `, status),
      twins.length > 1 ? h('p', { class: 'route copies' }, `One of ${twins.length} identical copies in flight: ${twins.map((x) => `#${x.id}`).join(', ')}. Each is delivered (or lost) on its own.`) : null,
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn primary', 'aria-label': `Deliver message ${id}`, onclick: act('deliver', 'delivering') }, icon('check', 14), 'Deliver'),
        h('button', { type: 'button', class: 'btn danger', 'aria-label': `Drop message ${id}`, onclick: act('drop', 'dropping') }, icon('cross', 14), 'Drop'),
        h('button', { type: 'button', class: 'btn', 'aria-label': `Duplicate message ${id}`, onclick: act('duplicate', 'duplicating') }, icon('copy', 14), 'Duplicate')),
      info.summary ? h('p', { class: 'explain' }, h('strong', {}, info.summary), ` ${info.description}`) : null,
      info.when ? h('p', { class: 'explain muted' }, `From ${kindRoute(m.type).replace(' → ', ' to ')} · ${kindRules(m.type)}. ${info.when}`) : null,
      h('h4', {}, 'Payload'),
      renderValue(payload));
  }

  let lastNodeAt = 0;
  let pendingTimer = 0;
  /** @param {StateView} view */
  function update(view) {
    const sel = app.selection;
    // Re-render only when what is shown may have changed.
    const key = sel ? `${sel.kind}:${sel.id}:${view.step}:${view.total_steps}` : `none`;
    if (key === lastKey) return;
    // node() serialises the node's whole state: while playing, refresh it at most twice a second.
    if (sel && sel.kind === 'node' && app.playing && lastKey.startsWith(`node:${sel.id}:`) && performance.now() - lastNodeAt < 500) {
      if (!pendingTimer) pendingTimer = setTimeout(() => { pendingTimer = 0; if (app.view) update(app.view); }, 520);
      return;
    }
    if (sel && sel.kind === 'node') lastNodeAt = performance.now();
    let panel = null;
    try {
      if (sel && sel.kind === 'node') panel = nodePanel(view, sel.id);
      if (sel && sel.kind === 'message') {
        panel = messagePanel(view, sel.id);
        if (!panel) {
          panel = h('div', { class: 'inspector-empty' }, h('p', {}, `Message #${sel.id} is no longer in flight (delivered, dropped, or not sent yet at this step).`), placeholder());
        }
      }
    } catch (e) {
      // Never leave the previous selection's data on screen as if it were this one's.
      lastKey = '';
      fill(body, h('p', { class: 'muted small' }, 'This selection could not be shown.'));
      throw e;
    }
    lastKey = key;
    keepFocus(body, () => fill(body, panel || placeholder()));
  }

  return { update, invalidate: () => { lastKey = ''; } };
}

/**
 * The list of every message in flight, each with deliver / drop / duplicate buttons.
 * @param {PageApp} app
 * @param {HTMLElement} root
 */
export function createFlightList(app, root) {
  const head = h('h2', { id: 'flight-title' }, 'In flight ', h('span', { class: 'count muted' }, '0'));
  const hint = h('p', { class: 'muted small' }, 'You are the network: deliver, drop or duplicate any message, in any order.');
  const list = h('ul', { class: 'flight-list', 'aria-labelledby': 'flight-title' });
  const more = h('p', { class: 'muted small', hidden: true });
  root.append(head, hint, list, more);
  let lastKey = '';
  // Rows drawn: while playing the list changes every step and only its top is read, so it
  // draws fewer rows (pausing draws them all again).
  const LIMIT = 150, LIMIT_PLAYING = 40;

  /**
   * Copies of one message (same sender, receiver and content), by message id: the core
   * names the oldest copy of each in `copy_of`.
   * @param {MessageView[]} msgs
   */
  function copiesOf(msgs) {
    /** @type {Map<number, number[]>} */
    const groups = new Map();
    for (const m of msgs) {
      if (m.copy_of == null) continue;
      const g = groups.get(m.copy_of);
      if (g) g.push(m.id); else groups.set(m.copy_of, [m.id]);
    }
    /** @type {Map<number, number[]>} */
    const out = new Map();
    for (const ids of groups.values()) for (const id of ids) out.set(id, ids);
    return out;
  }

  /**
   * A row of the list, kept for reuse: its elements, the message it shows (`msg`) and what
   * each of its parts says (`said`), so an update writes only what changed.
   * Its texts are text nodes changed in place (a new text node is laid out from scratch).
   * @typedef {{ li: HTMLElement, main: HTMLElement, dot: HTMLElement, idT: Text, labelT: Text,
   *   copies: HTMLElement, copiesT: Text, route: Text, stateT: Text, acts: HTMLElement[], msg: number, said: Map<string, string> }} FlightRow
   */

  /** @returns {FlightRow} */
  function newRow() {
    /** @type {FlightRow} */
    const r = /** @type {any} */ ({ msg: -1, said: new Map() });
    /** @param {'deliver' | 'drop' | 'duplicate'} type @param {string} verb */
    const act = (type, verb) => (/** @type {Event} */ e) => { e.stopPropagation(); app.apply({ type, id: r.msg }, `${verb} message #${r.msg}`); };
    r.dot = h('span', { class: 'dot' });
    const text = () => document.createTextNode('');
    r.idT = text(); r.labelT = text(); r.copiesT = text(); r.route = text(); r.stateT = text();
    r.copies = h('span', { class: 'flight-copies', hidden: true }, r.copiesT);
    r.main = h('button', { type: 'button', class: 'flight-main', onclick: () => app.select({ kind: 'message', id: r.msg }) },
      r.dot, h('span', { class: 'flight-id mono' }, r.idT), h('span', { class: 'flight-label mono' }, r.labelT), r.copies,
      h('span', { class: 'flight-route' }, r.route, h('span', { class: 'flight-state' }, r.stateT)));
    r.acts = [
      h('button', { type: 'button', class: 'icon-btn ok', title: 'Deliver', onclick: act('deliver', 'delivering') }, icon('check', 14)),
      h('button', { type: 'button', class: 'icon-btn bad', title: 'Drop', onclick: act('drop', 'dropping') }, icon('cross', 14)),
      h('button', { type: 'button', class: 'icon-btn', title: 'Duplicate', onclick: act('duplicate', 'duplicating') }, icon('copy', 14)),
    ];
    r.li = h('li', { class: 'flight-item' }, r.main, h('span', { class: 'flight-actions' }, ...r.acts));
    rowOf.set(r.li, r);
    return r;
  }

  /**
   * Makes `r` show message `m`, writing only the parts that say something new.
   * @param {FlightRow} r
   * @param {MessageView} m
   * @param {StateView} view
   * @param {Map<number, number[]>} copies the ids of identical messages, by id
   */
  function showIn(r, m, view, copies) {
    /** @param {string} part @param {string} v @param {(v: string) => void} write */
    const put = (part, v, write) => { if (r.said.get(part) !== v) { r.said.set(part, v); write(v); } };
    if (r.msg !== m.id) {
      // Another message's row: a tour's highlight of the one it showed does not follow it.
      r.li.classList.remove('tour-hl', 'tour-target');
      r.msg = m.id;
    }
    const sel = !!app.selection && app.selection.kind === 'message' && app.selection.id === m.id;
    const state = m.deliverable ? '' : m.deliver_at > view.now ? `until t${m.deliver_at}` : 'held';
    const twins = copies.get(m.id) || [m.id];
    const others = twins.length > 1;
    put('id', String(m.id), (v) => { r.li.dataset.msg = v; r.idT.data = `#${v}`; });
    mark(r.li, 'selected', sel);
    mark(r.li, 'not-ready', !m.deliverable);
    put('main', `Inspect message ${m.id}: ${m.label}${others ? `, one of ${twins.length} identical copies` : ''}`, (v) => r.main.setAttribute('aria-label', v));
    put('color', kindColor(m.type), (v) => { r.dot.style.background = v; });
    put('label', m.label, (v) => { r.labelT.data = v; });
    put('copies', others ? twins.join(',') : '', () => {
      r.copies.hidden = !others;
      r.copiesT.data = others ? `×${twins.length}` : '';
      r.copies.title = others ? `${twins.length} identical copies in flight: ${twins.map((id) => `#${id}`).join(', ')}` : '';
    });
    put('route', `${endStr(m.from)}→${endStr(m.to)}`, (v) => { r.route.data = v; });
    put('state', state ? ` ${state}` : '', (v) => { r.stateT.data = v; });
    put('acts', String(m.id), (v) => {
      r.acts[0].setAttribute('aria-label', `Deliver message ${v}`);
      r.acts[1].setAttribute('aria-label', `Drop message ${v}`);
      r.acts[2].setAttribute('aria-label', `Duplicate message ${v}`);
    });
  }

  /** Rows by the message they show. @type {Map<number, FlightRow>} */
  const rows = new Map();
  /** The row of each row element. @type {WeakMap<Element, FlightRow>} */
  const rowOf = new WeakMap();
  /** Rows out of the list, kept for the next messages (at most LIMIT). @type {FlightRow[]} */
  let free = [];
  /** @type {HTMLElement | null} */
  let emptyRow = null;

  /**
   * Rows are kept by message id: a message still in flight keeps its row, a new one takes
   * the row of one that left (its elements rewritten where they differ, none built), so a
   * jump to a far step rewrites a few texts per row instead of building every row again.
   * The row holding the keyboard focus is never given to another message.
   * @param {StateView} view
   */
  function update(view) {
    const sel = app.selection && app.selection.kind === 'message' ? app.selection.id : '';
    const msgs = view.messages;
    const limit = app.playing ? LIMIT_PLAYING : LIMIT;
    const key = `${sel}|${view.now}|${limit}|` + msgs.map((m) => `${m.id}${m.deliverable ? '' : '*'}`).join(',');
    if (key === lastKey) return;
    lastKey = key;
    setText(head.querySelector('.count'), String(msgs.length));
    const shown = [...msgs].sort((a, b) => (Number(b.deliverable) - Number(a.deliverable)) || a.id - b.id).slice(0, limit);
    const copies = copiesOf(msgs);
    keepFocus(list, () => {
      const want = new Set(shown.map((m) => m.id));
      const focused = document.activeElement;
      // The rows whose message left are free for the new ones, in the list's order: the
      // new messages take them in order, so a list that changed entirely moves no row.
      /** @type {FlightRow[]} */
      const spare = [];
      for (const li of list.children) {
        const r = rowOf.get(li);
        if (!r || want.has(r.msg)) continue;
        rows.delete(r.msg);
        if (!(focused && li.contains(focused))) spare.push(r);
      }
      spare.push(...free);
      let next = 0;
      const items = shown.map((m) => {
        let r = rows.get(m.id);
        if (!r) { r = spare[next++] || newRow(); rows.set(m.id, r); }
        showIn(r, m, view, copies);
        return r.li;
      });
      free = spare.slice(next, next + LIMIT);
      if (!msgs.length) items.push(emptyRow || (emptyRow = h('li', { class: 'muted small flight-empty' }, 'Nothing in flight.')));
      reconcile(list, items);
    });
    const over = msgs.length > limit;
    if (more.hidden !== !over) more.hidden = !over;
    if (over) setText(more, `… and ${msgs.length - limit} more${app.playing && msgs.length > LIMIT_PLAYING ? ' (pause to list more)' : ''}`);
  }

  return { update };
}
