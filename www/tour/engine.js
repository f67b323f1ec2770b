// @ts-check
// The tour's engine, free of the DOM (it runs in the page and in Node): builds each chapter
// on the real core by replaying its stops' actions, resolves the action a stop waits for,
// and checks the facts a stop's text states against the state at that stop.
//
// A chapter (chapters.js) is { id, title, base, stops }. `base` is { preset } (optionally
// with `trim`: drop that many recorded actions from its end, or `bugOff`: its configuration
// and seed at step 0 with no bug on) or { scenario } (an object).
// A stop is { title, text, run?, wait?, base?, highlight?, facts? }:
//   run        actions to take from the previous stop to reach this one (see RUN below)
//   wait       the one thing the reader is asked to do here ({ deliver: matcher } or
//              { crash: node } ...); the next stop starts from its result
//   base       a stop that starts a run of its own (the bug stops)
//   highlight  [{ node } | { message: matcher } | { cell: [slot, node] } | { invariant } | { event }]
//   facts      machine-checkable statements of the text (see checkFact below)
//   broken     { event?, at?, text?, latest?, says, facts? }: the step where a bug broke its
//              rule, found in the run's narration (the first, or latest, step up to the
//              stop that narrates it); `facts` are checked at that step

/** @typedef {typeof import('../pkg/paxoscope.js')} Api */
/** @typedef {import('../pkg/paxoscope.js').Playground} Playground */
/** @typedef {import('../pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('../pkg/paxoscope.js').MessageView} MessageView */
/** @typedef {import('../pkg/paxoscope.js').NarrationLine} NarrationLine */
/** @typedef {import('../pkg/paxoscope.js').Action} Action */
/** @typedef {import('../pkg/paxoscope.js').Bug} Bug */
/**
 * A message a stop names: its kind, ends (node ids, or 'c1' for a client), label, commit.
 * @typedef {{ type?: string, from?: number | string, to?: number | string, label?: string, commit?: number }} Match
 */
/**
 * One thing a stop does (RUN below) or waits for.
 * @typedef {{ deliver?: Match, crash?: number | 'leader', restart?: number, bug?: Bug, action?: Action,
 *   auto?: number, until?: (view: StateView, pg: Playground) => boolean, max?: number, what?: string,
 *   quiet?: number, preset?: string, prompt?: string }} Item
 */
/**
 * One statement of a stop's text, checked by checkFact (its shapes are listed there).
 * @typedef {Record<string, any> & { check?: (view: StateView, pg: Playground) => unknown }} Fact
 */
/** A step where a bug broke its rule, found in the narration. @typedef {{ event?: string, at?: number, text?: string, latest?: boolean, says?: string, facts?: Fact[] }} Broken */
/**
 * Where a chapter or a stop starts: a preset (trimmed, or with its bug off) or a scenario.
 * @typedef {{ preset?: string, trim?: number, bugOff?: boolean, scenario?: object }} Base
 */
/**
 * @typedef {{ title: string, text: any, run?: Item[], wait?: Item, base?: Base, highlight?: Record<string, any>[],
 *   facts?: Fact[], broken?: Broken, [more: string]: any }} Stop
 * @typedef {{ id: string, title: string, base: Base, stops: Stop[], [more: string]: any }} Chapter
 */

/** "1.7" for {round: 1, proposer: 7}. @param {{ round: number, proposer: number } | null | undefined} b */
export const ballotText = (b) => (b ? `${b.round}.${b.proposer}` : null);

/** @param {{ node?: number, client?: number }} e */
const endOf = (e) => (e.node != null ? e.node : `c${e.client}`);

/**
 * Whether a message of the view matches {type, from, to} (node ids or 'c1' for a client).
 * A page's view leaves payloads out: `pg` gives the one a `commit` match reads.
 * @param {MessageView} m
 * @param {Match} match
 * @param {Playground} [pg]
 */
export function matches(m, match, pg) {
  if (match.type && m.type !== match.type) return false;
  if (match.from != null && String(endOf(m.from)) !== String(match.from)) return false;
  if (match.to != null && String(endOf(m.to)) !== String(match.to)) return false;
  if (match.label && !m.label.includes(match.label)) return false;
  if (match.commit != null && /** @type {any} */ (m.payload || pg?.message(m.id)?.payload || {}).commit_index !== match.commit) return false;
  return true;
}

/** @param {Match} match */
export function describeMatch(match) {
  const from = match.from != null ? ` from ${typeof match.from === 'number' ? `n${match.from}` : match.from}` : '';
  const to = match.to != null ? ` to ${typeof match.to === 'number' ? `n${match.to}` : match.to}` : '';
  const commit = match.commit != null ? ` carrying commit ${match.commit}` : '';
  return `${match.type || 'message'}${from}${to}${match.label ? ` (${match.label})` : ''}${commit}`;
}

/** The first message in flight that matches, or null. @param {StateView} view @param {Match} match */
export function findMessage(view, match) {
  return view.messages.find((m) => matches(m, match)) || null;
}

/**
 * Turns a wait or run item into the core's action, against the state it applies to.
 * @param {Item} item
 * @param {StateView} view
 * @returns {Action}
 */
export function resolve(item, view) {
  if (item.deliver) {
    const m = findMessage(view, item.deliver);
    if (!m) throw new Error(`no ${describeMatch(item.deliver)} in flight at step ${view.step}`);
    return { type: 'deliver', id: m.id };
  }
  if (item.crash != null) return { type: 'crash', node: item.crash === 'leader' ? view.leader : item.crash };
  if (item.restart != null) return { type: 'restart', node: item.restart };
  if (item.bug) return { type: 'set_bug', bug: item.bug, enabled: true };
  if (item.action) return item.action;
  throw new Error(`a stop's action is not understood: ${JSON.stringify(item)}`);
}

/**
 * Whether the action the reader took is the one the stop waits for.
 * @param {any} a
 * @param {any} b
 */
export function sameAction(a, b) {
  if (!a || !b || a.type !== b.type) return false;
  return ['id', 'node', 'bug', 'enabled'].every((k) => a[k] === b[k]);
}

/** @param {Api} api @param {Base} base @returns {Playground} */
function openBase(api, base) {
  if (base.preset && base.bugOff) {
    // The preset's configuration and seed with no bug on, at step 0.
    const pg = api.Playground.fromPreset(base.preset);
    const sc = JSON.parse(pg.scenario());
    pg.free();
    sc.config.bugs = [];
    sc.actions = [];
    return api.Playground.fromScenario(JSON.stringify(sc));
  }
  if (base.preset) {
    if (!base.trim) return api.Playground.fromPreset(base.preset);
    const pg = api.Playground.fromPreset(base.preset);
    const sc = JSON.parse(pg.scenario());
    pg.free();
    sc.actions = sc.actions.slice(0, Math.max(0, sc.actions.length - base.trim));
    return api.Playground.fromScenario(JSON.stringify(sc));
  }
  return api.Playground.fromScenario(JSON.stringify(base.scenario));
}

/** The actions a preset records (its run as the page opens it). @param {Api} api @param {string} name @returns {Action[]} */
function presetActions(api, name) {
  const pg = api.Playground.fromPreset(name);
  try { return JSON.parse(pg.scenario()).actions; } finally { pg.free(); }
}

// RUN: one item of a stop's `run`: { auto: n } scheduler steps, { until: (view, pg) => bool,
// max?, what? } scheduler steps until it holds, { quiet: maxSteps }, { preset: name } the
// actions that preset records, or one action ({ deliver: matcher }, { crash }, ...).
/** @param {Api} api @param {Playground} pg @param {Item} item */
function runItem(api, pg, item) {
  if (item.preset) {
    // A recorded { auto, n } is n steps of the timeline: take them one by one, so the step
    // count is the one the scenario reloads to.
    for (const a of presetActions(api, item.preset)) {
      if (a.type === 'auto') for (let i = 0; i < (/** @type {{ n?: number }} */ (a).n || 1); i++) pg.step();
      else pg.apply(a);
    }
    return;
  }
  if (item.auto) { for (let i = 0; i < item.auto; i++) pg.step(); return; }
  if (item.until) {
    const max = item.max || 5000;
    for (let i = 0; i < max; i++) {
      if (item.until(pg.view(), pg)) return;
      pg.step();
    }
    if (!item.until(pg.view(), pg)) throw new Error(`"${item.what || 'until'}" did not happen within ${max} steps`);
    return;
  }
  if (item.quiet) { pg.runUntilQuiet(item.quiet); return; }
  pg.apply(resolve(item, pg.view()));
}

/** Whether a narration line is the event `e` ({ event, at?, text? }). @param {NarrationLine} line @param {Broken} e */
const isEvent = (line, e) => (e.event == null || line.event === e.event) && (e.at == null || line.node === e.at) && (e.text == null || line.text.includes(e.text));

/**
 * The first (or with `latest`, the last) step in 1..=last whose narration has the event,
 * and the facts of `e.facts` that do not hold at that step; the run is left at `last`.
 * @param {Playground} pg
 * @param {number} last
 * @param {Broken} e
 */
function findStep(pg, last, e) {
  try {
    for (let i = 1; i <= last; i++) {
      const s = e.latest ? last + 1 - i : i;
      pg.seek(s);
      const view = pg.view();
      if ((view.events || []).some((line) => isEvent(line, e))) return { step: s, says: e.says, failing: failingFacts(e, view, pg) };
    }
  } finally {
    pg.seek(last);
  }
  throw new Error(`no step up to ${last} narrates ${e.event}${e.at != null ? ` at n${e.at}` : ''}${e.text ? ` "${e.text}"` : ''}`);
}

/**
 * Builds every stop of a chapter: for each, the scenario JSON that opens it (at its last
 * step) and, for a waiting stop, the action it waits for. Throws with the chapter and
 * stop when a step of the script cannot be taken.
 * @param {Api} api
 * @param {Chapter} chapter
 */
export function buildChapter(api, chapter) {
  /** @type {{ scenario: string, step: number, expect: Action | null, broken: ReturnType<typeof findStep> | null }[]} */
  const built = [];
  /** @type {Playground | null} */
  let pg = null;
  /** @type {Action | null} */
  let pending = null;
  try {
    chapter.stops.forEach((stop, i) => {
      try {
        if (stop.base || !pg) {
          if (pg) pg.free();
          pg = openBase(api, stop.base || chapter.base);
          pending = null;
        }
        if (pending) pg.apply(pending);
        for (const item of stop.run || []) runItem(api, pg, item);
        const view = pg.view();
        pending = stop.wait ? resolve(stop.wait, view) : null;
        const broken = stop.broken ? findStep(pg, view.step, stop.broken) : null;
        built.push({ scenario: pg.scenario(), step: view.step, expect: pending, broken });
      } catch (e) {
        throw new Error(`tour chapter "${chapter.id}", stop ${i + 1}: ${(e && e.message) || e}`);
      }
    });
  } finally {
    if (pg) pg.free();
  }
  return built;
}

// Facts: each is one statement of a stop's text, checked against the state at the stop:
//   { leader }  { quiet }  { bug }  { node, phase?, ballot?, promised?, crashed?, applied?,
//   commit?, snapshot?, roles?, kv?, snapshotAtLeast?, commitAtLeast?, electionTimer? }
//   { message: matcher, count? }  { cell: [slot, node], status?, value?, ballot? }
//   { invariant, ok }  { violation, here?, step?, text? }  { event: kind, at?, rule?, text? }
//   { stat: 'sent.Accept', eq | min }  { check: (view, pg) => bool, what }
/** @param {StateView} view @param {number} id */
function nodeOf(view, id) {
  const n = view.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`there is no node n${id}`);
  return n;
}

/** @param {Playground} pg @param {number} slot @param {number} node */
function cellOf(pg, slot, node) {
  const w = pg.logWindow(slot, 1);
  const col = w.columns.findIndex((c) => c.node === node);
  const row = w.rows.find((r) => r.slot === slot);
  if (col < 0 || !row) return null;
  return row.cells[col];
}

/**
 * Checks one fact: returns null when it holds, or what was found instead.
 * @param {Fact} fact
 * @param {StateView} view
 * @param {Playground} pg
 * @returns {string | null}
 */
export function checkFact(fact, view, pg) {
  /** @param {string} what @param {boolean} ok @param {unknown} got */
  const want = (what, ok, got) => (ok ? null : `${what}: found ${JSON.stringify(got)}`);
  if ('leader' in fact) return want(`leader is ${fact.leader}`, view.leader === fact.leader, view.leader);
  if (fact.quiet != null) return want(`quiet is ${fact.quiet}`, view.quiet === fact.quiet, view.quiet);
  if (fact.bug) return want(`bug ${fact.bug} on`, (view.config.bugs || []).includes(fact.bug), view.config.bugs);
  if (fact.node != null) {
    const n = nodeOf(view, fact.node);
    const checks = {
      phase: n.phase, ballot: ballotText(n.ballot), promised: ballotText(n.promised), crashed: n.crashed,
      applied: n.applied_index, commit: n.commit_index, snapshot: n.snapshot_index, roles: (n.roles || []).join('+'),
    };
    for (const [k, got] of Object.entries(checks)) {
      if (k in fact && fact[k] !== got) return `n${fact.node} ${k} is ${JSON.stringify(fact[k])}: found ${JSON.stringify(got)}`;
    }
    for (const [k, v] of Object.entries(fact.kv || {})) {
      if (!n.kv || n.kv[k] !== v) return `n${fact.node} has ${k}=${v}: found ${JSON.stringify(n.kv)}`;
    }
    if (fact.snapshotAtLeast != null && !(n.snapshot_index >= fact.snapshotAtLeast)) return `n${fact.node} snapshot ≥ ${fact.snapshotAtLeast}: found ${n.snapshot_index}`;
    if (fact.commitAtLeast != null && !(n.commit_index >= fact.commitAtLeast)) return `n${fact.node} commit ≥ ${fact.commitAtLeast}: found ${n.commit_index}`;
    if (fact.electionTimer && !(n.timers && n.timers.election > view.now)) return `n${fact.node} has its election timer set: found ${JSON.stringify(n.timers)} at tick ${view.now}`;
    return null;
  }
  if (fact.message) {
    const count = view.messages.filter((m) => matches(m, fact.message, pg)).length;
    if (fact.count != null) return want(`${fact.count} × ${describeMatch(fact.message)} in flight`, count === fact.count, count);
    return want(`${describeMatch(fact.message)} in flight`, count > 0, count);
  }
  if (fact.cell) {
    const [slot, node] = fact.cell;
    const c = cellOf(pg, slot, node);
    if (!c) return `slot ${slot} at n${node}: no such cell`;
    for (const k of /** @type {const} */ (['status', 'value', 'ballot'])) {
      if (k in fact && fact[k] !== c[k]) return `slot ${slot} at n${node} ${k} is ${JSON.stringify(fact[k])}: found ${JSON.stringify(c[k])}`;
    }
    return null;
  }
  if (fact.invariant) {
    const inv = (view.invariants || []).find((x) => x.name === fact.invariant);
    if (!inv) return `no invariant ${fact.invariant}`;
    return want(`${fact.invariant} ${fact.ok ? 'holds' : 'is violated'}`, inv.ok === fact.ok, inv.ok);
  }
  if (fact.violation) {
    const v = (view.violations || []).find((x) => x.invariant === fact.violation);
    if (!v) return `a ${fact.violation} violation: found ${JSON.stringify((view.violations || []).map((x) => x.invariant))}`;
    if (fact.here && v.step !== view.step) return `the ${fact.violation} violation is at this step (${view.step}): found step ${v.step}`;
    if (fact.step != null && v.step !== fact.step) return `the ${fact.violation} violation is at step ${fact.step}: found step ${v.step}`;
    for (const t of [].concat(fact.text || [])) if (!v.message.includes(t)) return `the ${fact.violation} violation says "${t}": found "${v.message}"`;
    return null;
  }
  if (fact.event) {
    const hit = (view.events || []).find((e) => e.event === fact.event && (fact.at == null || e.node === fact.at)
      && (fact.rule == null || e.rule === fact.rule) && (fact.text == null || e.text.includes(fact.text)));
    return want(`this step narrates ${fact.event}${fact.at != null ? ` at n${fact.at}` : ''}${fact.rule ? ` (rule ${fact.rule})` : ''}${fact.text ? ` "${fact.text}"` : ''}`,
      !!hit, (view.events || []).map((e) => `${e.event || ''} ${e.text}`));
  }
  if (fact.stat) {
    const got = fact.stat.split('.').reduce((/** @type {any} */ o, /** @type {string} */ k) => (o == null ? o : o[k]), view.stats) ?? 0;
    if ('eq' in fact) return want(`${fact.stat} = ${fact.eq}`, got === fact.eq, got);
    if ('min' in fact) return want(`${fact.stat} ≥ ${fact.min}`, got >= fact.min, got);
    return `a stat fact needs eq or min`;
  }
  if (fact.check) return want(fact.what || 'custom check', !!fact.check(view, pg), 'false');
  return `a fact is not understood: ${JSON.stringify(fact)}`;
}

/**
 * Every fact of a stop that does not hold, as readable strings (empty: the text is true).
 * @param {{ facts?: Fact[] }} stop
 * @param {StateView} view
 * @param {Playground} pg
 */
export function failingFacts(stop, view, pg) {
  const out = [];
  for (const f of stop.facts || []) {
    let r;
    try { r = checkFact(f, view, pg); } catch (e) { r = (e && e.message) || String(e); }
    if (r) out.push(r);
  }
  return out;
}
