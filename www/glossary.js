// @ts-check
// Words for newcomers come from the core: `vocabulary()` (src/vocabulary.rs) names every
// message kind (who sends it, to whom, when, and the protocol rules it serves), role,
// phase, rule, invariant and bug, each with its description. This module keeps it for the
// other views and adds only what is the page's own: the colour of each message kind (the
// same in the diagram, the legend, the list and the statistics).
// No DOM here: tests/e2e/vocabulary.spec.mjs imports this module in Node.

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').Vocabulary} Vocabulary */
/** @typedef {import('./main.js').PageApp} PageApp */

/** The colour of each message kind of the core: exactly the core's kinds (tested). */
/** @type {Record<string, string>} */
export const KIND_COLORS = {
  Prepare: '#6d5dfc',
  Promise: '#a26bf5',
  Accept: '#1e88e5',
  Accepted: '#12a594',
  Nack: '#e5484d',
  Heartbeat: '#8b97a8',
  CatchUp: '#f5a524',
  CatchUpReply: '#d9822b',
  InstallSnapshot: '#b8591a',
  Request: '#0f9d58',
  Reply: '#5f8d3a',
  NotLeader: '#7aa35a',
  LeaseGrant: '#7c3aed',
};

const FALLBACK_COLORS = ['#c2410c', '#0e7490', '#9d174d', '#4d7c0f', '#6b21a8', '#155e75'];

/** @type {Vocabulary} */
let vocab = { messages: [], roles: [], phases: [], rules: [], events: [], invariants: [], bugs: [], diagram_events: [], message_fates: [] };
/** @type {Map<string, number>} */
let kindIndex = new Map();
/** @template {{ name: string }} T @param {T[]} list @returns {Map<string, T>} */
const byName = (list) => new Map(list.map((t) => [t.name, t]));
/** @type {Map<string, Vocabulary['roles'][number]>} */
let roleMap = new Map();
/** @type {Map<string, Vocabulary['phases'][number]>} */
let phaseMap = new Map();
/** @type {Map<number, Vocabulary['rules'][number]>} */
let ruleMap = new Map();

/**
 * Keeps the core's vocabulary (called once at boot with `vocabulary()`).
 * @param {Vocabulary} v
 */
export function setVocabulary(v) {
  vocab = v;
  kindIndex = new Map(v.messages.map((k, i) => [k.name, i]));
  roleMap = byName(v.roles);
  phaseMap = byName(v.phases);
  ruleMap = new Map(v.rules.map((r) => [r.number, r]));
}

/** Every message kind, in the order of the protocol's story (election → clients). */
export function kinds() { return vocab.messages; }

/**
 * The core's entry for a message kind, or a bare one for a kind the core did not describe.
 * @param {string} name
 */
export function kindInfo(name) {
  const i = kindIndex.get(name);
  return i === undefined
    ? { name, family: /** @type {const} */ ('other'), from: /** @type {string[]} */ ([]), to: /** @type {string[]} */ ([]), when: '', rules: /** @type {number[]} */ ([]), summary: '', description: '', client_traffic: false }
    : vocab.messages[i];
}

/** Sort key of a message kind: its place in the core's list (unknown kinds last). @param {string} name */
export function kindRank(name) {
  const i = kindIndex.get(name);
  return i === undefined ? vocab.messages.length : i;
}

/** The colour of a message kind; a kind without one gets a stable colour from its name. @param {string} name */
export function kindColor(name) {
  if (Object.prototype.hasOwnProperty.call(KIND_COLORS, name)) return KIND_COLORS[name];
  let hsh = 0;
  for (const ch of String(name)) hsh = (hsh * 31 + ch.charCodeAt(0)) >>> 0;
  return FALLBACK_COLORS[hsh % FALLBACK_COLORS.length];
}

/** Every role (proposer, acceptor, replica, client), in the core's order. */
export function roles() { return vocab.roles; }

/** Sort key of a role: its place in the core's list. @param {string} name */
export function roleRank(name) {
  const i = vocab.roles.findIndex((r) => r.name === name);
  return i < 0 ? vocab.roles.length : i;
}

/** What a role does, or '' for a name the core does not have. @param {string} name */
export function roleDescription(name) { return roleMap.get(name)?.description ?? ''; }

/** What a phase means, or '' for a name the core does not have. @param {string} name */
export function phaseDescription(name) { return phaseMap.get(name)?.description ?? ''; }

/** The text of protocol rule `number`, or ''. @param {number} number */
export function ruleText(number) { return ruleMap.get(number)?.text ?? ''; }

/** "proposer → acceptor" for a message kind: who sends it to whom. @param {string} name */
export function kindRoute(name) {
  const k = kindInfo(name);
  return k.from.length ? `${k.from.join(' / ')} → ${k.to.join(' / ')}` : '';
}

/** "rules 1, 4" for a message kind. @param {string} name */
export function kindRules(name) {
  const r = kindInfo(name).rules;
  return r.length ? `rule${r.length > 1 ? 's' : ''} ${r.join(', ')}` : '';
}
