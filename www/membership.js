// @ts-check
// Reconfiguration (rule 12) in words: which configuration governs which slot, which is
// current and which pending, and what each node is to the cluster now (a member, joining,
// or removed). Everything comes from the core: `view.configs` (each decided configuration
// with the first slot it governs), the log rows' `epoch` / `reconfigure`, the nodes'
// commit indices and the layout of `view.config`. No DOM here.

/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').ConfigChange} ConfigChange */
/** @typedef {import('./pkg/paxoscope.js').NodeSpec} NodeSpec */
/** @typedef {import('./pkg/paxoscope.js').Roles} Roles */
/** @typedef {import('./pkg/paxoscope.js').InspectedNode} InspectedNode */

/** The roles, in the core's order, that a member may have. */
export const ROLE_NAMES = /** @type {const} */ (['proposer', 'acceptor', 'replica']);

/**
 * "PAR" for a proposer + acceptor + replica: the roles' initials, as the rest of the page
 * writes them.
 * @param {Roles} roles
 */
export function rolesShort(roles) {
  return ROLE_NAMES.filter((r) => roles[r]).map((r) => r[0].toUpperCase()).join('');
}

/**
 * The ids of the initial configuration (epoch 0), from the run's layout: n servers are
 * nodes 1..n, the seed layout nodes 1..7 (docs/wasm-api.md, "Configuration").
 * @param {StateView} view
 * @returns {Set<number>}
 */
export function initialIds(view) {
  const layout = view.config && view.config.layout;
  const n = layout && layout.kind === 'servers' ? layout.n : 7;
  return new Set(Array.from({ length: n }, (_, i) => i + 1));
}

/**
 * The first slot not known decided by the most advanced replica: the configuration
 * governing it is the current one, any later one is pending.
 * @param {StateView} view
 */
export function frontier(view) {
  return Math.max(0, ...view.nodes.map((n) => n.commit_index ?? 0));
}

/**
 * The configurations of the run: the current one (or `null`: still the initial layout,
 * epoch 0) and those decided but not yet governing the first undecided slot.
 * @param {StateView} view
 * @returns {{ current: ConfigChange | null, pending: ConfigChange[], frontier: number, all: ConfigChange[] }}
 */
export function configStatus(view) {
  const all = view.configs || [];
  const f = frontier(view);
  let current = null;
  const pending = [];
  for (const c of all) {
    if (c.from_slot <= f) current = c;
    else pending.push(c);
  }
  return { current, pending, frontier: f, all };
}

/**
 * What node `id` is to the cluster: a member of the latest configuration, `joining` (it
 * was added by an operator and no configuration with it is decided yet), or `removed`
 * (an earlier configuration had it, the latest has not). With a pending configuration a
 * member may be `leaving` (the current configuration has it, the pending one not) or
 * `entering` (the other way round).
 * @param {StateView} view
 * @param {number} id
 * @returns {'member' | 'joining' | 'removed' | 'leaving' | 'entering'}
 */
export function nodeStatus(view, id) {
  const { current, pending, all } = configStatus(view);
  const initial = initialIds(view);
  const latest = all.length ? new Set(all[all.length - 1].members.nodes.map((n) => n.id)) : initial;
  const ever = new Set(initial);
  for (const c of all) for (const n of c.members.nodes) ever.add(n.id);
  if (!ever.has(id)) return 'joining';
  const governing = current ? new Set(current.members.nodes.map((n) => n.id)) : initial;
  if (!latest.has(id)) return pending.length && governing.has(id) ? 'leaving' : 'removed';
  if (pending.length && !governing.has(id)) return 'entering';
  return 'member';
}

/** What each status means, for tooltips and labels. */
export const STATUS_TEXT = {
  member: 'a member of the current configuration',
  joining: 'added: it joins once the leader gets the new configuration decided (rule 12)',
  entering: 'in the pending configuration: it takes part from that configuration\'s first slot on',
  leaving: 'not in the pending configuration: it takes part until that configuration\'s first slot',
  removed: 'removed from the configuration: it no longer votes on new slots (it still answers phase 1 for older slots)',
};

/**
 * Rule 12: what a removed node knows of its removal, for the inspector. A node learns it
 * was removed only when its replica applies the configuration that removed it; one cut off
 * before that (a partition, a crash) still acts on the old configuration and may still run
 * phase 1. It cannot lead: the members refuse a removed proposer's Prepare and send it
 * what it missed instead. `null` unless `node` is removed.
 * @param {StateView} view
 * @param {InspectedNode} node the node as `node(id)` shows it
 * @returns {string | null}
 */
export function removedNote(view, node) {
  if (nodeStatus(view, node.id) !== 'removed') return null;
  const all = view.configs || [];
  const gone = [...all].reverse().find((c) => !c.members.nodes.some((m) => m.id === node.id));
  if (!gone) return null;
  const epoch = gone.members.epoch;
  const known = node.volatile && node.volatile.replica && node.volatile.replica.configs;
  const knows = !!known && known.some((c) => c.members.epoch >= epoch);
  const runs = node.roles.includes('proposer') && node.phase === 'preparing';
  if (node.crashed) return `N${node.id} is crashed; configuration #${epoch} no longer has it.`;
  if (!node.roles.includes('replica')) return `Configuration #${epoch} no longer has N${node.id}; with no replica it learns of no configuration, so it acts on the initial one.`;
  if (knows) return `N${node.id} applied configuration #${epoch}, which does not have it: it knows it was removed${node.roles.includes('proposer') ? ' and runs for leader no more' : ''}.`;
  const ballot = node.ballot ? `${node.ballot.round}.${node.ballot.proposer}` : '—';
  return `N${node.id} has not learned it was removed: it applied the slots below ${node.applied_index ?? 0}, not yet the one that decided configuration #${epoch}${node.group ? ', and a partition cuts it off' : ''}. ` +
    (runs ? `On its own it still runs phase 1 (ballot ${ballot}), but it cannot lead: a member refuses a removed proposer's Prepare and sends it what it missed, from which it learns it was removed.`
      : `It acts on the configurations it knows until its replica applies configuration #${epoch}.`);
}

/**
 * The epoch of the configuration governing `slot` (0: the initial one).
 * @param {ConfigChange[]} configs
 * @param {number} slot
 */
export function epochAt(configs, slot) {
  let e = 0;
  for (const c of configs) if (c.from_slot <= slot) e = c.members.epoch;
  return e;
}

/**
 * Why a configuration decided in slot i governs only the slots from i + α on (rule 12).
 * @param {number} decided the slot it was decided in
 * @param {number} from the first slot it governs
 * @param {number} epoch its epoch
 */
export function alphaWhy(decided, from, epoch) {
  const alpha = from - decided;
  return `Configuration #${epoch} was decided in slot ${decided} and governs the slots from ${from} on (${decided} + α, α = ${alpha}). ` +
    `A pipelined leader may already have proposed up to α slots after ${decided} with the old configuration's quorums when ${decided} is decided; ` +
    'waiting α slots means no slot is ever decided by quorums of two configurations that need not share an acceptor (rule 12).';
}

/**
 * A member list in words: "n1 PAR, n2 PAR, n4 AR".
 * @param {NodeSpec[]} nodes
 */
export function membersText(nodes) {
  return nodes.map((n) => `N${n.id} ${rolesShort(n.roles)}`).join(', ');
}

/**
 * The run's configuration in a few words for the stage header, and why a change waits α
 * slots; `null` before any reconfiguration.
 * @param {StateView} view
 * @returns {{ short: string, why: string, pending: boolean } | null}
 */
export function configSummary(view) {
  const st = configStatus(view);
  if (!st.all.length) return null;
  const cur = st.current;
  const p = st.pending[0];
  const curText = cur ? `epoch ${cur.members.epoch}: ${cur.members.nodes.length} members` : 'epoch 0';
  const short = p ? `${curText} · #${p.members.epoch} from slot ${p.from_slot}` : curText;
  const last = st.all[st.all.length - 1];
  const why = `${cur ? `Configuration #${cur.members.epoch} (${membersText(cur.members.nodes)}) governs the slots from ${cur.from_slot} on.` : 'The initial layout (epoch 0) still governs the next slot.'}` +
    `${p ? ` Configuration #${p.members.epoch} (${membersText(p.members.nodes)}) is decided and governs the slots from ${p.from_slot} on; the log is decided up to slot ${st.frontier}.` : ''}` +
    ` A configuration decided in slot i governs only the slots from i + α on (α = the pipeline window, ${view.config.window ?? 8}): a pipelined leader may have proposed up to α slots past i under the old configuration, and waiting α slots keeps every slot decided by the quorums of one configuration (rule 12).` +
    `${(view.config.bugs || []).includes('reconfig-without-alpha') ? ' In this run the reconfig-without-alpha bug is on: a new configuration governs the very next slot, so a slot can be decided by quorums of two configurations.' : ''}` +
    ` The log grid marks R where #${last.members.epoch} was decided and e${last.members.epoch} where it takes effect.`;
  return { short, why, pending: !!p };
}
