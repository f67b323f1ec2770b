// The page, used the way a person uses it: load the seed demo, deliver and drop chosen
// messages, crash and restart a node, partition, step back and fork, share a link and get
// the identical state back, import a bad file, switch on an injected bug and see the
// violation banner. Screenshots go to tests/e2e/screenshots/page-*.png.
//
// Runs against the real wasm module (www/pkg) when it is built; otherwise (or with
// E2E_MOCK=1) against tests/e2e/fixtures/mock-paxoscope.js, served in its place.
import { test, expect } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { hasFile, screenshot, watchFailures, SCREENSHOTS, clickChip, chipPoint, topologyChips } from './helpers.mjs';

const MOCK = fileURLToPath(new URL('./fixtures/mock-paxoscope.js', import.meta.url));
const USE_MOCK = !!process.env.E2E_MOCK || !hasFile('www/pkg/paxoscope.js');

test.use({ viewport: { width: 1280, height: 800 } });

test.beforeAll(() => {
  if (USE_MOCK) console.log('page.spec: www/pkg is not built (or E2E_MOCK is set): testing the page against the mock API');
});

test.beforeEach(async ({ page }) => {
  if (USE_MOCK) {
    await page.route('**/pkg/paxoscope.js*', (route) => route.fulfill({ path: MOCK, contentType: 'text/javascript' }));
  }
});

/** Opens the page (optionally with a hash) and waits until it has drawn its first state. */
async function open(page, hash = '') {
  await page.goto(`./${hash}`);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}

const state = (page) => page.evaluate(() => window.paxoscope.state());
const view = (page) => page.evaluate(() => window.paxoscope.view());
const lastAction = (page) => page.evaluate(() => { const a = JSON.parse(window.paxoscope.scenario()).actions; return a[a.length - 1]; });
/** The error notices on the page; with a text, the one that contains it. */
const errorNotice = (page, text) => (text ? page.locator('.notice.error').filter({ hasText: text }) : page.locator('.notice.error'));
const shotPath = (name) => { mkdirSync(SCREENSHOTS, { recursive: true }); return path.join(SCREENSHOTS, `${name}.png`); };
/** A screenshot of the window as a person sees it (the desktop page scrolls inside its columns). */
const shot = (page, name) => page.screenshot({ path: shotPath(name) });

/** Lets the scheduler step until some message is deliverable (the seed demo starts with some). */
async function ensureDeliverable(page, want = 1) {
  for (let i = 0; i < 60; i++) {
    const v = await view(page);
    if (v.messages.filter((m) => m.deliverable).length >= want) return v;
    await page.getByRole('button', { name: 'Step forward' }).click();
  }
  throw new Error(`no ${want} deliverable messages after 60 steps`);
}

const total = (o) => Object.values(o || {}).reduce((a, b) => a + b, 0);

test('first visit shows the seed demo, labelled, with no error', async ({ page }) => {
  const failures = watchFailures(page);
  await open(page);
  const s = await state(page);
  expect(s.config.layout.kind).toBe('seed');
  expect(s.step).toBe(0);
  await expect(page.getByLabel('Preset scenario')).toHaveValue('seed-demo');
  // nodes by role: every node of the state is drawn, proposers and acceptors both exist
  await expect(page.locator('svg.topology .node')).toHaveCount(s.nodes.length);
  expect(s.nodes.some((n) => n.roles.includes('proposer'))).toBe(true);
  expect(s.nodes.some((n) => n.roles.includes('acceptor'))).toBe(true);
  // the URL hash encodes the run from the start
  expect(page.url()).toMatch(/#[zj]=.+&step=0$/);
  // the invariants panel lists every invariant, all green
  await expect(page.locator('.inv')).toHaveCount(s.invariants.length);
  await expect(page.locator('.inv.bad')).toHaveCount(0);
  await expect(page.locator('.legend li').first()).toBeVisible();
  await page.waitForTimeout(300);
  await shot(page, 'page-seed-demo-1280');
  expect(failures, failures.join('\n')).toEqual([]);
});

test('every control has an accessible name', async ({ page }) => {
  await open(page);
  await ensureDeliverable(page);
  await page.locator('svg.topology .node .body').first().click();
  const unnamed = await page.evaluate(() => {
    const named = (el) => {
      if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title')) return true;
      if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
      if (el.tagName === 'BUTTON' && el.textContent.trim()) return true;
      return false;
    };
    return [...document.querySelectorAll('button, input, select, textarea, [role="button"], summary')]
      .filter((el) => el.tagName === 'SUMMARY' ? !el.textContent.trim() : !named(el))
      .map((el) => el.outerHTML.slice(0, 120));
  });
  expect(unnamed).toEqual([]);
});

test('a click on a message chip of the cluster picture acts on exactly that message', async ({ page }) => {
  await open(page);
  const v0 = await ensureDeliverable(page, 3);
  // Every chip that stands for one message: a click where it is painted selects that
  // message, and no other (chips sit close together on a busy link).
  const single = (await topologyChips(page)).filter((c) => !c.agg);
  expect(single.length).toBeGreaterThan(2);
  let tried = 0;
  for (const c of single) {
    const id = c.ids[0];
    const m = v0.messages.find((x) => x.id === id);
    // Near the chip's ends, not only its centre: the whole pill is the target, where no
    // other chip is painted over it (on a crowded link chips may overlap; the top one wins).
    const p = await chipPoint(page, (x) => x.key === c.key);
    const others = (await topologyChips(page)).filter((x) => x.key !== c.key);
    const covered = (dx) => others.some((o) => Math.abs(o.x - (c.x + dx)) < o.w / 2 + 1 && Math.abs(o.y - (c.y + 3)) < o.h / 2 + 1);
    const dx = [-c.w / 2 + 6, c.w / 2 - 6, 0].find((d) => !covered(d));
    if (dx === undefined) continue; // wholly under other chips: reachable from the list
    tried++;
    await page.mouse.click(p.x + dx, p.y + 3);
    await expect(page.locator('.msg-panel h3')).toContainText(`#${id}`);
    await expect(page.locator('.msg-panel .msg-label')).toHaveText(m.label);
    const drawn = await topologyChips(page);
    expect(drawn.filter((x) => x.selected).map((x) => x.key)).toEqual([c.key]);
  }
  expect(tried).toBeGreaterThan(2);
  // Acting on it: deliver the last chosen from the inspector: exactly that one leaves.
  const last = single[single.length - 1].ids[0];
  await clickChip(page, last);
  const ready = v0.messages.find((m) => m.id === last).deliverable;
  if (ready) {
    await page.getByRole('button', { name: `Deliver message ${last}`, exact: true }).first().click();
    expect(await lastAction(page)).toEqual({ type: 'deliver', id: last });
    const v1 = await view(page);
    expect(v1.messages.some((m) => m.id === last)).toBe(false);
    expect(v1.messages.length).toBeGreaterThanOrEqual(v0.messages.length - 1);
  }
  // A click on the picture away from every chip selects no message.
  await page.keyboard.press('Escape');
  const box = await page.locator('#topology svg.topology').boundingBox();
  const chipsNow = await topologyChips(page);
  const free = [[6, box.height - 6], [box.width - 6, box.height - 6], [box.width - 6, 6]].find(([x, y]) => !chipsNow.some((c) => Math.abs(c.x - x) < c.w / 2 + 2 && Math.abs(c.y - y) < c.h / 2 + 2));
  const before = await page.locator('.msg-panel').count();
  await page.mouse.click(box.x + free[0], box.y + free[1]);
  if (before === 0) await expect(page.locator('.msg-panel')).toHaveCount(0);
});

test('inspecting a message shows its payload, which the page\'s own view leaves out', async ({ page }) => {
  await open(page);
  const v0 = await ensureDeliverable(page, 1);
  // The page draws from the core's lean view: no message in it carries its payload.
  const drawn = await page.evaluate(() => window.paxoscope.app.view.messages);
  expect(drawn.map((m) => m.id)).toEqual(v0.messages.map((m) => m.id));
  expect(drawn.some((m) => 'payload' in m)).toBe(false);
  for (const m of [v0.messages[v0.messages.length - 1], v0.messages[0]]) {
    await page.locator(`.flight-item[data-msg="${m.id}"] .flight-main`).click();
    await expect(page.locator('.msg-panel h3')).toContainText(`#${m.id}`);
    await expect(page.locator('.msg-panel h4').filter({ hasText: 'Payload' })).toBeVisible();
    // The payload shown is the message's own (view() has it): its fields, by name.
    const fields = Object.keys(m.payload).filter((k) => m.payload[k] != null).map((k) => k.replace(/_/g, ' '));
    await expect(page.locator('.msg-panel > .j-obj > dt')).toHaveText(fields);
    expect(await page.evaluate((id) => window.paxoscope.app.pg.message(id).payload, m.id)).toEqual(m.payload);
  }
});

test('deliver one chosen message, drop another', async ({ page }) => {
  await open(page);
  const v0 = await ensureDeliverable(page, 2);
  const ready = v0.messages.filter((m) => m.deliverable);
  const a = ready[ready.length - 1]; // not the first: a message the person chooses
  const b = ready[0];

  // choose it in the diagram, then deliver it from the inspector
  await clickChip(page, a.id);
  await expect(page.locator('.msg-panel .msg-label')).toHaveText(a.label);
  await page.getByRole('button', { name: `Deliver message ${a.id}`, exact: true }).first().click();
  const v1 = await view(page);
  expect(v1.step).toBe(v0.step + 1);
  expect(v1.messages.some((m) => m.id === a.id)).toBe(false);
  expect(await lastAction(page)).toEqual({ type: 'deliver', id: a.id });
  expect(total(v1.stats.delivered)).toBe(total(v0.stats.delivered) + 1);
  await expect(page.locator('.narration-now')).toContainText(/\S/);

  // drop another from the list of messages in flight
  await page.locator(`.flight-item[data-msg="${b.id}"]`).getByRole('button', { name: `Drop message ${b.id}` }).click();
  const v2 = await view(page);
  expect(v2.messages.some((m) => m.id === b.id)).toBe(false);
  expect(await lastAction(page)).toEqual({ type: 'drop', id: b.id });
  expect(total(v2.stats.dropped)).toBe(total(v1.stats.dropped) + 1);

  // duplicate: one more copy of that message in flight
  const c = v2.messages[0];
  if (c) {
    await page.locator(`.flight-item[data-msg="${c.id}"]`).getByRole('button', { name: `Duplicate message ${c.id}` }).click();
    const v3 = await view(page);
    expect(v3.messages.length).toBe(v2.messages.length + 1);
    expect(await lastAction(page)).toEqual({ type: 'duplicate', id: c.id });
  }
});

test('crash and restart a node; fire its election timer', async ({ page }) => {
  await open(page);
  const s0 = await state(page);
  const victim = s0.nodes.find((n) => n.roles.includes('acceptor')) || s0.nodes[0];
  await page.locator(`svg.topology .node[data-node="${victim.id}"] .body`).click();
  await expect(page.locator('.node-panel h3')).toHaveText(`Node ${victim.id}`);
  await expect(page.locator('.node-panel')).toContainText('Durable state');
  await expect(page.locator('.node-panel')).toContainText('Volatile state');
  await page.locator('#inspector').getByRole('button', { name: `Crash node ${victim.id}` }).click();
  let s = await state(page);
  expect(s.nodes.find((n) => n.id === victim.id).crashed).toBe(true);
  await expect(page.locator(`svg.topology .node[data-node="${victim.id}"]`)).toHaveClass(/crashed/);
  expect(await lastAction(page)).toEqual({ type: 'crash', node: victim.id });

  await page.locator('#inspector').getByRole('button', { name: `Restart node ${victim.id}` }).click();
  s = await state(page);
  expect(s.nodes.find((n) => n.id === victim.id).crashed).toBe(false);
  await expect(page.locator(`svg.topology .node[data-node="${victim.id}"]`)).not.toHaveClass(/crashed/);

  const proposer = s.nodes.find((n) => n.roles.includes('proposer') && !n.crashed);
  await page.getByRole('button', { name: `Fire node ${proposer.id}'s election timer` }).first().click();
  expect(await lastAction(page)).toEqual({ type: 'fire_timer', node: proposer.id, timer: 'election' });
  await expect(errorNotice(page)).toHaveCount(0);
});

test('partition the network with the editor, then heal it', async ({ page }) => {
  await open(page);
  const s0 = await state(page);
  const ids = s0.nodes.map((n) => n.id);
  const minority = ids.slice(0, 2);
  for (const id of minority) await page.getByLabel(`Partition group for node ${id}`).selectOption('1');
  await page.getByRole('button', { name: 'Apply partition' }).click();
  const s1 = await state(page);
  const g = (id) => s1.nodes.find((n) => n.id === id).group;
  expect(g(minority[0])).toBe(g(minority[1]));
  expect(g(minority[0])).not.toBe(g(ids[2]));
  const act = await lastAction(page);
  expect(act.type).toBe('partition');
  expect(act.groups).toContainEqual(ids.slice(2));
  await expect(page.locator('svg.topology .node.partitioned')).toHaveCount(ids.length);
  await expect(page.locator('.part-status')).toContainText('Partitioned');

  await page.getByRole('button', { name: 'Heal the partition', exact: true }).click();
  const s2 = await state(page);
  expect(new Set(s2.nodes.map((n) => n.group)).size).toBe(1);
  await expect(page.locator('svg.topology .node.partitioned')).toHaveCount(0);
});

test('client command, network sliders, run until quiet', async ({ page }) => {
  await open(page);
  await page.getByLabel('Key', { exact: true }).fill('color');
  await page.getByLabel('Value', { exact: true }).fill('teal');
  await page.getByRole('button', { name: 'Submit command' }).click();
  const act = await lastAction(page);
  expect(act.type).toBe('submit');
  expect(act.op).toEqual({ op: 'put', key: 'color', value: 'teal' });

  await page.getByLabel('Duplicate %').fill('10');
  await page.getByLabel('Duplicate %').dispatchEvent('change');
  expect((await state(page)).config.network.dup_per_mille).toBe(100);

  await page.getByRole('button', { name: 'Run until quiet' }).click();
  const s = await state(page);
  expect(s.step).toBeGreaterThan(5);
  expect(s.stats.commands_committed).toBeGreaterThan(0);
  await expect(page.locator('#stats .kpi').first()).toContainText(String(s.stats.commands_committed));
});

test('what the page said about a run goes with it when another run opens; errors stay', async ({ page }) => {
  await open(page, '#preset=no-such-preset');
  await expect(errorNotice(page, 'There is no preset')).toBeVisible();
  await page.getByRole('button', { name: 'Run until quiet' }).click();
  const ran = page.locator('.notice.info').filter({ hasText: /^i?Ran \d+ steps/ });
  await expect(ran).toHaveCount(1);
  await page.selectOption('#preset', 'bug-small-quorum');
  await expect.poll(async () => (await state(page)).config.bugs).toEqual(['small-quorum']);
  // at once, not after the 5 s an information message fades in anyway
  expect(await ran.count()).toBe(0);
  await expect(errorNotice(page, 'There is no preset')).toBeVisible();
});

test('step back and fork: acting in the past drops the recorded future', async ({ page }) => {
  await open(page);
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  let v = await view(page);
  expect(v.step).toBe(6);
  expect(v.total_steps).toBe(6);
  const at4 = await page.evaluate(() => { const pg = window.paxoscope.playground(); pg.seek(4); const s = JSON.stringify(pg.state()); pg.seek(6); return s; });

  await page.keyboard.press('ArrowLeft');
  await page.getByRole('button', { name: 'Step back' }).click();
  v = await view(page);
  expect(v.step).toBe(4);
  expect(v.total_steps).toBe(6);
  expect(JSON.stringify(await state(page))).toBe(at4);
  await expect(page.locator('.fork-hint')).toBeVisible();
  await expect(page.getByLabel('Timeline: choose the step to view')).toHaveValue('4');

  // stepping forward replays the recorded future
  await page.keyboard.press('ArrowRight');
  v = await view(page);
  expect(v.step).toBe(5);
  expect(v.total_steps).toBe(6);

  // acting now forks: the recorded step 6 is dropped
  await page.getByRole('button', { name: 'Advance time by one tick' }).click();
  v = await view(page);
  expect(v.step).toBe(6);
  expect(v.total_steps).toBe(6);
  expect(await lastAction(page)).toEqual({ type: 'tick' });
  await expect(page.locator('.notice.info').filter({ hasText: 'Forked at step 5' })).toBeVisible();
  await expect(page.locator('.fork-hint')).toBeHidden();

  // the timeline slider seeks anywhere
  await page.getByLabel('Timeline: choose the step to view').fill('2');
  await expect.poll(async () => (await view(page)).step).toBe(2);
});

test('a share link reproduces exactly the same state, at the same step', async ({ page, context }) => {
  await open(page);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  const v = await ensureDeliverable(page);
  await page.getByRole('button', { name: `Deliver message ${v.messages.find((m) => m.deliverable).id}`, exact: true }).first().click();
  await page.getByRole('button', { name: 'Advance time by one tick' }).click();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft'); // viewing the past: the link must keep the future too
  await page.evaluate(() => window.paxoscope.flushHash());
  const url = page.url();
  expect(url).toMatch(/#[zj]=[A-Za-z0-9_-]+&step=\d+$/);
  const want = await state(page);
  const wantScenario = await page.evaluate(() => window.paxoscope.scenario());

  const other = await context.newPage();
  if (USE_MOCK) await other.route('**/pkg/paxoscope.js*', (route) => route.fulfill({ path: MOCK, contentType: 'text/javascript' }));
  await other.goto(url);
  await other.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
  expect(await other.evaluate(() => window.paxoscope.state())).toEqual(want);
  expect(await other.evaluate(() => window.paxoscope.scenario())).toBe(wantScenario);
  expect(other.url()).toBe(url);
  await expect(other.locator('.notice.error')).toHaveCount(0);

  // the Share button reports the link
  await page.getByRole('button', { name: 'Copy a link to this exact state' }).click();
  await expect(page.getByLabel('Link to this exact state', { exact: true })).toHaveValue(url);
  await other.close();
});

test('export then import the run as a file; a bad file shows an error and changes nothing', async ({ page }) => {
  await open(page);
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  const before = await state(page);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export this run as a JSON file' }).click()]);
  const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
  const doc = JSON.parse(text);
  expect(doc.format).toBe('paxoscope-run');
  expect(doc.step).toBe(4);

  // a bad file: not JSON
  await page.getByLabel('Import a run file').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('this is not a run {') });
  await expect(errorNotice(page, 'Could not import that file')).toBeVisible();
  await expect(errorNotice(page, 'notes.json is not JSON')).toBeVisible();
  await expect(errorNotice(page, 'notes.json is not JSON')).toContainText('Import opens a file saved with Export. The current run is unchanged.');
  expect(await state(page)).toEqual(before);

  // JSON, but a scenario the core rejects
  const bad = { format: 'paxoscope-run', version: 1, step: 0, scenario: { config: { layout: { kind: 'servers', n: 99 } }, seed: 1, actions: [] } };
  await page.getByLabel('Import a run file').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await expect(errorNotice(page, 'Could not open big.json')).toBeVisible();
  expect(await state(page)).toEqual(before);
  await shot(page, 'page-bad-import-1280');

  // the good file comes back identical, at its step
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.getByLabel('Import a run file').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(page.locator('.notice.info').filter({ hasText: 'Opened run.json' })).toBeVisible();
  expect(await state(page)).toEqual(before);
});

test('choosing a preset starts a new run; browser Back returns to the previous one', async ({ page }) => {
  await open(page);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.evaluate(() => window.paxoscope.flushHash());
  const before = await state(page);
  const presets = await page.evaluate(() => window.paxoscope.api().presets());
  const other = presets.find((p) => p.name !== 'seed-demo');
  await page.getByLabel('Preset scenario').selectOption(other.name);
  await expect.poll(async () => (await view(page)).preset ?? null).toBe(other.name);
  await page.evaluate(() => window.paxoscope.flushHash());
  await page.goBack();
  await expect.poll(async () => (await view(page)).step).toBe(before.step);
  expect(await state(page)).toEqual(before);
  await expect(page.getByLabel('Preset scenario')).toHaveValue('seed-demo');
});

test('a malformed share link shows a clear message and the seed demo', async ({ page }) => {
  await open(page, '#z=not-a-real-link!!&step=3');
  await expect(errorNotice(page, 'This link is broken')).toBeVisible();
  expect((await state(page)).config.layout.kind).toBe('seed');
  // well-formed link, but a scenario the core refuses (a cluster of 42 servers)
  const bad = Buffer.from(JSON.stringify({ config: { layout: { kind: 'servers', n: 42 } }, seed: 1, actions: [] })).toString('base64url');
  await open(page, `#j=${bad}&step=0`);
  await expect(errorNotice(page, 'Could not open this link')).toBeVisible();
  // The message says what is shown instead: the run on screen stays (a link followed in
  // the page), or the seed demo (a link opened afresh).
  await expect(errorNotice(page, 'Could not open this link')).toContainText('is 42, but it must be from 1 to 9.');
  await expect(errorNotice(page, 'Could not open this link')).toContainText('The current run is unchanged.');
  expect((await state(page)).config.layout.kind).toBe('seed');
  await expect(page.locator('svg.topology .node').first()).toBeVisible();
  await page.goto('about:blank');
  await open(page, '#preset=no-such-preset');
  await expect(errorNotice(page, 'There is no preset "no-such-preset"')).toContainText('Pick a scenario from the Scenario menu at the top. Showing the seed demo instead.');
  expect((await state(page)).config.layout.kind).toBe('seed');
});

test('a bad link or file says in the person\'s terms which field is wrong and what it must be', async ({ page }) => {
  test.skip(USE_MOCK, 'the messages are the real core\'s');
  const failures = watchFailures(page);
  const link = (sc) => `#j=${Buffer.from(JSON.stringify(sc)).toString('base64url')}`;
  /** The link, and what its message must say. */
  const cases = [
    [{ config: { layout: 'x' }, seed: 1, actions: [] }, '"config.layout" is the text "x", but it must be a layout: {"kind": "servers", "n": 5}'],
    [{ config: { layout: { kind: 'ring', n: 3 } }, seed: 1, actions: [] }, '"config.layout" says "ring", which is not one of the names allowed there: "servers" or "seed"'],
    [{ config: { layout: { kind: 'servers' } }, seed: 1, actions: [] }, '"config.layout" has no "n" field'],
    [{ config: { layuot: { kind: 'servers', n: 3 } }, seed: 1, actions: [] }, '"config" has a field "layuot" that Paxoscope does not know'],
    [{ config: {}, seed: -1, actions: [] }, '"seed" is -1, but it must be a whole number from 0 to'],
    [{ config: {}, seed: 1, actions: [{ type: 'deliver', id: 'a' }] }, '"actions[0].id" is the text "a", but it must be a whole number'],
    [{ config: {}, seed: 1, actions: [{ type: 'fly' }] }, '"actions[0]" says "fly", which is not one of the names allowed there'],
    [{ config: {}, seed: 1, actions: 'none' }, 'the scenario\'s "actions" must be a list'],
    [{ config: { clients: 40 }, seed: 1, actions: [] }, '"config.clients" is 40, but it must be from 0 to 16'],
    [{ config: { network: { drop_per_mille: 5000 } }, seed: 1, actions: [] }, '"config.network.drop_per_mille" is 5000, but it must be from 0 to 1000'],
    [{ config: { bugs: ['nope'] }, seed: 1, actions: [] }, '"config.bugs[0]" says "nope", which is not one of the bugs Paxoscope can inject'],
  ];
  /** Words of the core's insides that must never reach the person. */
  const inside = /\bstruct\b|Raw[A-Z]|\b[ui](8|16|32|64|size)\b|\bsequence\b|\bmap\b|\bvariant\b|`|at line \d+ column/;
  for (const [sc, says] of cases) {
    await page.goto('about:blank');
    await open(page, link(sc));
    const notice = page.locator('.notice.error').last();
    await expect(notice).toContainText(says);
    expect(await notice.textContent()).not.toMatch(inside);
    // How to fix it, and what the page shows instead: a working seed demo.
    await expect(notice).toContainText(/Ask its sender for it again\.|The current run is unchanged\.|Showing the seed demo instead\./);
    expect((await state(page)).config.layout.kind).toBe('seed');
  }
  await shot(page, 'page-bad-link-1280');
  // The same words for a file; the run on screen stays.
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  const before = await state(page);
  const file = { format: 'paxoscope-run', version: 1, step: 0, scenario: { config: { layout: { kind: 'servers', n: 'five' } }, seed: 1, actions: [] } };
  await page.getByLabel('Import a run file').setInputFiles({ name: 'five.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file, null, 1)) });
  const notice = errorNotice(page, 'Could not open five.json');
  await expect(notice).toContainText('"config.layout.n" is the text "five", but it must be a whole number');
  await expect(notice).toContainText('Correct that in the file, or export the run again with Export. The current run is unchanged.');
  expect(await notice.textContent()).not.toMatch(inside);
  expect(await state(page)).toEqual(before);
  // The page still works.
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await view(page)).step).toBe(before.step + 1);
  expect(failures.filter((f) => !/Could not open|link|five\.json/.test(f))).toEqual([]);
});

test('a preset link with a step opens the preset at that step; a bad step is refused clearly', async ({ page }) => {
  await open(page, '#preset=minority-partition&step=12');
  await expect.poll(async () => (await view(page)).preset).toBe('minority-partition');
  const v = await view(page);
  expect(v.step).toBe(12);
  expect(v.total_steps).toBeGreaterThan(12);
  await open(page, '#preset=minority-partition&step=twelve');
  await expect(errorNotice(page, 'This link is broken')).toContainText('the step in the link ("twelve") is not a whole number');
  await open(page, '#preset=minority-partition&step=999999');
  await expect(errorNotice(page, 'There is no step 999999 in the preset "minority-partition"')).toContainText('Showing its last step.');
  const w = await view(page);
  expect(w.step).toBe(w.total_steps);
});

test('out-of-range settings and thrown errors are reported, the page keeps working', async ({ page }) => {
  await open(page);
  await page.getByLabel('Number of clients').fill('0');
  await page.getByRole('button', { name: 'Start new run' }).click();
  await expect(errorNotice(page, 'Clients must be a whole number from 1 to 16')).toBeVisible();
  // an action the core refuses (no such message)
  await page.evaluate(() => window.paxoscope.app.apply({ type: 'deliver', id: 987654 }, 'delivering message #987654'));
  await expect(errorNotice(page, 'Could not finish delivering message #987654')).toBeVisible();
  // still alive
  const before = (await view(page)).step;
  await page.keyboard.press('ArrowRight');
  expect((await view(page)).step).toBe(before + 1);
});

test('a wasm panic is caught: the page rebuilds the run from the last good state', async ({ page }) => {
  await open(page);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  const before = await state(page);
  // make the next action panic, as a Rust panic surfaces in JS (a RuntimeError)
  await page.evaluate(() => {
    const pg = window.paxoscope.playground();
    pg.apply = () => { throw new WebAssembly.RuntimeError('unreachable executed'); };
    pg.patchedToPanic = true;
  });
  await page.getByRole('button', { name: 'Advance time by one tick' }).click();
  await expect(errorNotice(page, 'The simulator crashed while advancing time')).toBeVisible();
  // a fresh Playground replaced the broken one, at the same state
  await expect.poll(async () => page.evaluate(() => !!window.paxoscope.playground() && !window.paxoscope.playground().patchedToPanic)).toBe(true);
  expect(await state(page)).toEqual(before);
  await page.getByRole('button', { name: 'Advance time by one tick' }).click();
  expect((await view(page)).step).toBe(before.step + 1);
});

test('an injected bug is caught: the violation banner links to its step', async ({ page }) => {
  await open(page);
  const bugs = await page.evaluate(() => window.paxoscope.api().bugs());
  expect(bugs.length).toBeGreaterThan(0);
  const presets = await page.evaluate(() => window.paxoscope.api().presets());
  const bugPreset = presets.find((p) => /bug/i.test(p.name));
  if (bugPreset) {
    await page.getByLabel('Preset scenario').selectOption(bugPreset.name);
    await expect.poll(async () => (await view(page)).config.bugs.length).toBeGreaterThan(0);
  } else {
    const bug = bugs.find((b) => /quorum/.test(b.name)) || bugs[0];
    await page.locator(`input[data-bug="${bug.name}"]`).check();
    expect((await state(page)).config.bugs).toContain(bug.name);
  }
  await page.getByRole('button', { name: 'Run until quiet' }).click();
  const s = await state(page);
  expect(s.violations.length).toBeGreaterThan(0);
  const first = s.violations[0];
  const banner = page.locator('#banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(`at step ${first.step}`);
  await expect(page.locator('.inv.bad').first()).toBeVisible();
  await shot(page, 'page-violation-1280');

  // go back before it, then use the banner's link to jump there
  await page.getByLabel('Timeline: choose the step to view').fill('0');
  await expect.poll(async () => (await view(page)).step).toBe(0);
  await expect(banner).toContainText(`violated at step ${first.step}`);
  await banner.getByRole('button', { name: new RegExp(`Jump to step ${first.step}`) }).click();
  expect((await view(page)).step).toBe(first.step);
  await expect(page.locator('.inv.bad').first()).toBeVisible();
});

test('keyboard only: from Play, a skip link reaches the messages in flight; Enter delivers one', async ({ page }) => {
  await open(page);
  const before = await view(page);
  const runHash = new URL(page.url()).hash;
  await page.getByRole('button', { name: 'Play' }).focus();
  let presses = 0;
  for (; presses < 15; presses++) {
    if (await page.evaluate(() => document.activeElement && document.activeElement.id === 'skip-flight')) break;
    await page.keyboard.press('Tab');
  }
  expect(presses, 'Tab presses from Play to the skip link').toBeLessThanOrEqual(8);
  await expect(page.getByRole('link', { name: 'Skip to the messages in flight' })).toBeVisible();
  await page.keyboard.press('Enter');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('aria-label'));
  expect(focused).toMatch(/^Deliver message \d+$/);
  expect(new URL(page.url()).hash, 'the address bar keeps the run').toBe(runHash);
  const id = Number(focused.replace(/\D+/g, ''));
  expect(before.messages.map((m) => m.id)).toContain(id);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await view(page)).messages.some((m) => m.id === id)).toBe(false);
  expect((await view(page)).step).toBe(before.step + 1);
  await shot(page, 'keyboard-delivered-1280');
});

test('play, pause and the help overlay from the keyboard', async ({ page }) => {
  await open(page);
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(async () => (await view(page)).step, { timeout: 5000 }).toBeGreaterThan(1);
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  // after a mouse click on a button or a node, Space still plays / pauses
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.locator('svg.topology .node .body').first().click();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press(' ');
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toBeVisible();
  await expect(page.getByRole('dialog')).toContainText('Prepare');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
});

test('the log grid stays virtual and jumps to any slot of a 10,000-slot log', async ({ page }) => {
  test.skip(USE_MOCK, 'needs the real core (random workloads, no compaction)');
  test.setTimeout(400_000);
  await open(page);
  // 10,400 client commands on three servers, no compaction: a log of 10,400 slots
  const scenario = { config: { layout: { kind: 'servers', n: 3 }, clients: 4, snapshot_interval_slots: 0, check: false,
    workload: { keys: 8, random_ops: 2600, script: [] } }, seed: 7, actions: [] };
  await page.evaluate((sc) => {
    const app = window.paxoscope.app;
    app.loadScenario(JSON.stringify(sc), null, { source: 'the long-log scenario' });
    app.pg.runUntilQuiet(1_000_000);
    app.render();
  }, scenario);
  const v = await view(page);
  const first = v.log.first_slot, end = v.log.end_slot;
  expect(end - first).toBeGreaterThanOrEqual(10000);
  const scroller = page.locator('.log-scroller');
  await scroller.evaluate((el) => { el.closest('.center')?.scrollTo(0, 1e9); });
  // scroll through the whole log: only the rows in view exist, and they show the right slots
  for (const frac of [0.1, 0.5, 0.9, 0.3]) {
    await scroller.evaluate((el, f) => { el.scrollTop = (el.scrollHeight - el.clientHeight) * f; }, frac);
    await page.waitForTimeout(80);
    const shown = await page.locator('.log-row:visible').evaluateAll((rows) => rows.map((r) => Number(r.dataset.slot)));
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.length).toBeLessThan(120);
    const mid = first + Math.round((end - first) * frac);
    expect(Math.min(...shown)).toBeLessThan(mid + 60);
    expect(Math.max(...shown)).toBeGreaterThan(mid - 60);
  }
  expect(await page.locator('.log-row').count()).toBeLessThan(120);
  const target = first + Math.floor((end - first) * 0.8);
  await page.getByLabel('Go to slot number').fill(String(target));
  await page.getByRole('button', { name: 'Scroll the log to that slot' }).click();
  await expect(page.locator(`.log-row[data-slot="${target}"]`)).toBeVisible();
  await expect(page.locator(`.log-row[data-slot="${target}"] .log-cell`).first()).toHaveClass(/st-applied/);
  await shot(page, 'page-long-log-1280');
});

test('phone width: one readable column', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await open(page);
  await ensureDeliverable(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.locator('svg.topology')).toBeVisible();
  await page.waitForTimeout(500);
  await page.screenshot({ path: shotPath('page-seed-demo-375') });
  await screenshot(page, 'page-seed-demo-375-full');
  await page.locator('.flight-item .flight-main').first().click();
  await expect(page.locator('.msg-panel')).toBeVisible();
  await page.waitForTimeout(600);
  await page.screenshot({ path: shotPath('page-message-375') });
});

test('desktop screenshots of a five-server run with a partition', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page);
  const presets = await page.evaluate(() => window.paxoscope.api().presets());
  const five = presets.find((p) => /steady|five/i.test(`${p.name} ${p.title}`) && !/bug|seed/i.test(p.name));
  if (five) await page.getByLabel('Preset scenario').selectOption(five.name);
  await page.getByRole('button', { name: 'Run until quiet' }).click();
  await page.getByLabel('Key', { exact: true }).fill('x');
  await page.getByLabel('Value', { exact: true }).fill('ninja');
  await page.getByRole('button', { name: 'Submit command' }).click();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  const s = await state(page);
  const leader = s.nodes.find((n) => n.is_leader);
  if (leader) await page.getByRole('button', { name: 'Isolate leader' }).click();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.locator('svg.topology .node .body').first().click();
  await page.waitForTimeout(600);
  await shot(page, 'page-partition-1280');
});
