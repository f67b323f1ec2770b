// One vocabulary: the page (www/*.js) and the e2e mock (fixtures/mock-paxoscope.js) name
// only message kinds, roles, phases, invariants and bugs the core has, as the real wasm
// module's vocabulary() gives them (src/vocabulary.rs), and the mock answers what the real
// module answers. Runs in Node against www/pkg (build it with `make build`); no browser.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { ROOT, hasFile } from './helpers.mjs';
import { MOCK, categories, foreignNames, namesToCheck } from './vocabulary-scan.mjs';

test.beforeAll(() => {
  if (!hasFile('www/pkg/paxoscope.js')) {
    throw new Error('www/pkg is not built: run `make build` (or `make test`) before the e2e tests');
  }
});

/** The real wasm module, initialised in Node from its bytes. */
async function realModule() {
  const mod = await import(pathToFileURL(path.join(ROOT, 'www/pkg/paxoscope.js')).href);
  mod.initSync({ module: readFileSync(path.join(ROOT, 'www/pkg/paxoscope_bg.wasm')) });
  return mod;
}

test('the page, the tour and the mock name only message kinds, roles, phases, invariants, bugs and event kinds of the core', async () => {
  const vocab = (await realModule()).vocabulary();
  const bad = foreignNames(vocab);
  expect(bad, `Names the core does not have (src/vocabulary.rs lists what it has):\n${bad.join('\n')}`).toEqual([]);
});

test('the scan finds a foreign name where the page would put one', async () => {
  // The check above is only worth something if it catches what it looks for.
  const cats = categories((await realModule()).vocabulary());
  const planted = [
    "export const KIND_COLORS = { Prepare: '#1', Promise: '#2', Commit: '#3' };",
    "const ORDER = ['proposer', 'acceptor', 'learner'];",
    "if (n.roles.includes('learner')) draw();",
    "switch (m.type) { case 'Prepare': a(); break; case 'Decide': b(); }",
    "const on = cfg.bugs.includes('ballot-without-id');",
    "const INV = { agreement: 1, validity: 2, 'prefix-consistency': 3 };",
    "h('li', {}, `Sent as AppendEntries: ${x}`);",
    "const stop = { facts: [{ event: 'promise_broken', at: 4 }] };",
    "const stop = { highlight: [{ invariant: 'linearisability' }] };",
  ];
  for (const src of planted) {
    const found = namesToCheck(src, cats).filter((n) => !cats[n.want].has(n.name)).map((n) => n.name);
    expect(found.length, `no foreign name found in: ${src}`).toBeGreaterThan(0);
  }
  // ...and stays quiet on ordinary code.
  const quiet = "const o = { client: 1, seq: 2, op: 'put' }; h('button', { class: 'btn' }, 'Deliver'); if (n.roles.includes('proposer')) x();";
  expect(namesToCheck(quiet, cats).filter((n) => !cats[n.want].has(n.name))).toEqual([]);
});

test('the glossary colours exactly the core\'s message kinds', async () => {
  const vocab = (await realModule()).vocabulary();
  // www/ has no package.json saying its .js files are ES modules: import the source as one
  // (glossary.js imports nothing).
  const source = readFileSync(path.join(ROOT, 'www/glossary.js'), 'utf8');
  const glossary = await import(`data:text/javascript,${encodeURIComponent(source)}`);
  expect(Object.keys(glossary.KIND_COLORS).sort()).toEqual(vocab.messages.map((k) => k.name).sort());
  glossary.setVocabulary(vocab);
  expect(glossary.kinds().map((k) => k.name)).toEqual(vocab.messages.map((k) => k.name));
  expect(glossary.kindRoute('Prepare')).toBe('proposer → acceptor');
});

test('the mock answers what the real module answers', async () => {
  const real = await realModule();
  const mock = await import(pathToFileURL(MOCK).href);
  const vocab = real.vocabulary();
  expect(mock.vocabulary()).toEqual(vocab);
  expect(mock.bugs()).toEqual(real.bugs());
  // Invariant statuses: same names and descriptions, in the same order.
  const shape = (s) => s.invariants.map(({ name, description }) => ({ name, description }));
  const realPg = real.Playground.fromPreset('seed-demo');
  const mockPg = mock.Playground.fromPreset('seed-demo');
  expect(shape(mockPg.view())).toEqual(shape(realPg.view()));
  realPg.free();
  // Whatever the mock runs, it shows only the core's words.
  const cats = categories(vocab);
  const seen = { kind: new Set(), role: new Set(), phase: new Set(), invariant: new Set(), bug: new Set() };
  const look = (v) => {
    for (const m of v.messages) seen.kind.add(m.type);
    for (const fate of ['sent', 'delivered', 'dropped', 'duplicated']) for (const k of Object.keys(v.stats[fate] || {})) seen.kind.add(k);
    for (const n of v.nodes) { n.roles.forEach((r) => seen.role.add(r)); seen.phase.add(n.phase); }
    for (const x of v.violations) seen.invariant.add(x.invariant);
    for (const b of v.config.bugs || []) seen.bug.add(b);
  };
  for (const p of mock.presets()) {
    for (const bug of [null, ...vocab.bugs.map((b) => b.name)]) {
      const pg = mock.Playground.fromPreset(p.name);
      if (bug) pg.apply({ type: 'set_bug', bug, enabled: true });
      for (let i = 0; i < 150; i++) {
        if (i === 40) pg.apply({ type: 'crash', node: pg.view().nodes[0].id });
        if (i === 80) pg.apply({ type: 'restart', node: pg.view().nodes[0].id });
        pg.step();
        if (i % 10 === 0) look(pg.view());
      }
      look(pg.view());
    }
  }
  for (const [cat, names] of Object.entries(seen)) {
    const foreign = [...names].filter((x) => !cats[cat].has(x));
    expect(foreign, `the mock shows ${cat}s the core does not have`).toEqual([]);
  }
  expect(seen.invariant.size, 'the mock\'s bugs break invariants').toBeGreaterThan(1);
  expect(seen.kind.size).toBeGreaterThanOrEqual(6);
});

test('the mock\'s state has the fields of the real state', async () => {
  // A field the core adds (such as `quiet`) must reach the mock too, or the page could be
  // tested against a state the core never gives.
  const real = await realModule();
  const mock = await import(pathToFileURL(MOCK).href);
  const r = real.Playground.fromPreset('seed-demo');
  const m = mock.Playground.fromPreset('seed-demo');
  for (let i = 0; i < 12; i++) { r.step(); m.step(); }
  const rv = r.view(), mv = m.view();
  r.free();
  const keys = (o) => Object.keys(o).sort();
  expect(keys(mv)).toEqual(keys(rv));
  for (const part of ['nodes', 'clients', 'messages', 'invariants']) {
    expect(rv[part].length && mv[part].length, `both states have ${part}`).toBeTruthy();
    expect(keys(mv[part][0]), part).toEqual(keys(rv[part][0]));
  }
  expect(keys(mv.stats)).toEqual(keys(rv.stats));
  expect(typeof mv.quiet).toBe('boolean');
});
