// A newcomer's first ten minutes (issue 16), done the way that person did them: inspect
// every node after "Run until quiet", find the seed demo's five values, read the narration,
// open a bug preset, crash the leader, deliver / duplicate by hand on a desktop and on a
// phone, use the keyboard, and read the small print. Each test fails on the page as it
// was before the fix. Screenshots go to tests/e2e/screenshots/newcomer-*.png.
//
// Needs the real core (www/pkg, `make build`): the outcomes checked here are the core's.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { hasFile, watchFailures, SCREENSHOTS, topologyChips, chipPoint, clickChip } from './helpers.mjs';

const REAL = hasFile('www/pkg/paxoscope.js') && !process.env.E2E_MOCK;
const SEED_VALUES = ['murolando', 'ninja', 'alexyB', 'oleg', 'joomba'];

test.use({ viewport: { width: 1280, height: 800 } });
test.beforeEach(() => { test.skip(!REAL, 'needs the real core: run `make build` first'); });

async function open(page, hash = '') {
  await page.goto(`./${hash}`);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}
const view = (page) => page.evaluate(() => window.paxoscope.view());
const errorNotices = (page) => page.locator('.notice.error');
const shot = (page, name, opts = {}) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), ...opts });
};
async function choosePreset(page, name) {
  await page.getByLabel('Preset scenario').selectOption(name);
  await expect.poll(async () => (await view(page)).preset).toBe(name);
}
async function runUntilQuiet(page) {
  const before = (await view(page)).total_steps;
  await page.getByRole('button', { name: 'Run until quiet' }).click();
  return before;
}
/** The element's box relative to the window: is all of it on screen? */
async function onScreen(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
  });
}
/** Steps with the scheduler until `want` messages are deliverable. */
async function deliverable(page, want = 1) {
  for (let i = 0; i < 80; i++) {
    const v = await view(page);
    if (v.messages.filter((m) => m.deliverable).length >= want) return v;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`fewer than ${want} deliverable messages after 80 steps`);
}

// ---------------------------------------------------------------- 1. the inspector
test('1. every node of every preset can be inspected after "Run until quiet"', async ({ page }) => {
  test.setTimeout(300_000);
  const failures = watchFailures(page);
  await open(page);
  const presets = await page.evaluate(() => window.paxoscope.api().presets().map((p) => p.name));
  expect(presets.length).toBeGreaterThan(5);
  for (const name of presets) {
    await choosePreset(page, name);
    await runUntilQuiet(page);
    const v = await view(page);
    for (const n of v.nodes) {
      await page.locator(`svg.topology .node[data-node="${n.id}"] .body`).click();
      const panel = page.locator('.node-panel');
      await expect(panel.locator('h3'), `${name}: node ${n.id}`).toHaveText(`Node ${n.id}`);
      if (n.roles.includes('replica') && !n.crashed) {
        // the inspector and the diagram tell the same applied index
        await expect(panel.locator('dt:text-is("applied index") + dd').first()).toHaveText(String(n.applied_index));
        await expect(page.locator(`svg.topology .node[data-node="${n.id}"] .node-info`)).toContainText(`applied ${n.applied_index}`);
        if (n.applied_index > (n.snapshot_index ?? 0)) await expect(panel.locator('h4', { hasText: 'Decided log' })).toBeVisible();
      }
      await expect(errorNotices(page), `${name}: node ${n.id}`).toHaveCount(0);
    }
  }
  expect(failures, failures.join('\n')).toEqual([]);
});

// ---------------------------------------------------------------- 2. the five values
test('2. the seed demo ends with every replica, five values, one order, at a glance', async ({ page }) => {
  await open(page);
  await runUntilQuiet(page);
  const v = await view(page);
  const replicas = v.nodes.filter((n) => n.roles.includes('replica'));
  expect(replicas.map((n) => n.id)).toEqual([6, 7]);
  // The order the core decided, from node 6's own decided log.
  const order = await page.evaluate(() => window.paxoscope.playground().node(6).decided_log.map((e) => e.value.replace(/^put x=/, '')));
  expect([...order].sort()).toEqual([...SEED_VALUES].sort());

  // Without scrolling, under the cluster: one line for N6 and N7, the five values in order.
  const applied = page.locator('#applied');
  await expect(applied).toBeVisible();
  expect(await onScreen(applied)).toBe(true);
  await expect(applied.locator('.applied-verdict')).toHaveText('All 2 replicas applied the same 5 values in the same order');
  await expect(applied.locator('.applied-line')).toHaveCount(1);
  await expect(applied.locator('.applied-who')).toHaveText('N6 N7');
  await expect(applied.locator('.applied-value')).toHaveText(order);
  await expect(applied.locator('.applied-prefix')).toHaveText('put x=');

  // The log grid: replicas first, values readable, "put x=" said once in the head.
  const heads = page.locator('.log-th[data-node] .th-name');
  await expect(heads.nth(0)).toHaveText('N6');
  await expect(heads.nth(1)).toHaveText('N7');
  await expect(page.locator('.log-prefix')).toHaveText('values: put x=…');
  const firstRow = page.locator('.log-row[data-slot="0"]');
  await expect(firstRow.locator('.log-cell').nth(0)).toHaveClass(/st-applied/);
  await expect(firstRow.locator('.log-cell .v').nth(0)).toHaveText(order[0]);
  const cut = await page.locator('.log-row .log-cell .v').evaluateAll((els) => els.slice(0, 40).filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
  expect(cut, 'values cut short in the log grid').toEqual([]);
  await page.waitForTimeout(300);
  await shot(page, 'newcomer-seed-demo-end-1280');

  // On a phone the outcome line is there too, and the log starts with the replicas.
  await page.setViewportSize({ width: 375, height: 812 });
  await expect(applied.locator('.applied-value')).toHaveText(order);
  await page.locator('#log').scrollIntoViewIfNeeded();
  await expect(heads.nth(0)).toHaveText('N6');
  expect(await onScreen(page.locator('.log-th[data-node="7"]'))).toBe(true);
  await applied.scrollIntoViewIfNeeded();
  await shot(page, 'newcomer-seed-demo-end-375');
});

// ---------------------------------------------------------------- 3. narration
test('3. the narration tells a submitted command and sums up the end of the run', async ({ page }) => {
  await open(page);
  const now = page.locator('.narration-now');
  // The form proposes a command like the demo's; every client is busy, so C1 queues it.
  await expect(page.getByLabel('Key', { exact: true })).toHaveValue('x');
  await expect(page.locator('#client-id')).toHaveValue('1');
  await expect(page.locator('.busy-hint')).toContainText('a new command queues');
  await page.getByRole('button', { name: 'Submit command' }).click();
  await expect(now.locator('li')).toHaveCount(1);
  await expect(now.locator('li > span').first()).toHaveText('c1 queued put x=paxos: a client runs one command at a time, so it is sent once c1#1 is answered');

  await runUntilQuiet(page);
  const v = await view(page);
  await expect(now).not.toContainText('Nothing visible happened');
  await expect(now).toContainText('the run is quiet: no message in flight, every client has its answer');
  await expect(now).toContainText(`n${v.leader} leads with b=`);
  await expect(now).toContainText('decided, in log order: 0: c');
  for (const value of [...SEED_VALUES, 'paxos']) await expect(now).toContainText(`put x=${value}`);
  await expect(now).toContainText('every replica applied all 6 slots: n6, n7');
  // the summary comes first, in its own box
  await expect(now.locator('.ev-list').first()).toHaveClass(/quiet-summary/);
  await expect(now.locator('.quiet-summary li')).toHaveCount(4);
  await expect(page.locator('.notice.info').filter({ hasText: `quiet, with n${v.leader} leading` })).toBeVisible();

  // Now every client is idle: the form picks one and the command is sent at once.
  await expect(page.locator('.busy-hint')).toBeHidden();
  await page.getByLabel('Value', { exact: true }).fill('seventh');
  await page.getByRole('button', { name: 'Submit command' }).click();
  await expect(now).toContainText('c1 sends command c1#3: put x=seventh');
});

// ---------------------------------------------------------------- 5. a leader crash
test('5. "Run until quiet" after crashing the leader elects a new one, or says which timer is next', async ({ page }) => {
  await open(page);
  await runUntilQuiet(page);
  const v0 = await view(page);
  const old = v0.leader;
  expect(old).not.toBeNull();
  await page.locator(`svg.topology .node[data-node="${old}"] .body`).click();
  await page.locator('#inspector').getByRole('button', { name: `Crash node ${old}` }).click();
  const v1 = await view(page);
  expect([v1.leader, v1.quiet]).toEqual([null, true]);

  await runUntilQuiet(page);
  const v2 = await view(page);
  expect(v2.step).toBeGreaterThan(v1.step);
  expect(v2.leader).not.toBeNull();
  expect(v2.leader).not.toBe(old);
  await expect(page.locator(`svg.topology .node[data-node="${v2.leader}"]`)).toHaveClass(/leader/);
  await expect(page.locator('.notice.info').filter({ hasText: `quiet, with n${v2.leader} leading` })).toBeVisible();
  await expect(page.locator('.narration-now')).toContainText(`n${v2.leader} leads with b=`);

  // With the new leader and a majority of the acceptors down, and the old leader back, no
  // leader can be elected: it stops and says which election timer fires next, and when.
  for (const id of [v2.leader, 1, 2, 3]) await page.getByRole('button', { name: `Crash node ${id}` }).first().click();
  await page.getByRole('button', { name: `Restart node ${old}` }).first().click();
  await runUntilQuiet(page);
  const v3 = await view(page);
  expect(v3.leader).toBeNull();
  const next = v3.nodes.filter((n) => !n.crashed && n.roles.includes('proposer') && n.timers.election != null)
    .sort((a, b) => a.timers.election - b.timers.election)[0];
  const words = `n${next.id}'s election timer fires next, at tick ${next.timers.election}`;
  await expect(page.locator('.notice.info').filter({ hasText: words })).toBeVisible();
  await expect(page.locator('.narration-now')).toContainText(`still quiet, and no leader yet: ${words} (now ${v3.now})`);
});

// ---------------------------------------------------------------- 4. a bug preset
test('4. a bug preset marks the slot decided twice, both values with ids, both quorums, counts in words', async ({ page }) => {
  await open(page);
  await choosePreset(page, 'bug-small-quorum');
  const v = await view(page);
  const violation = v.violations.find((x) => x.conflict);
  expect(violation, 'an agreement violation with its conflict').toBeTruthy();
  const c = violation.conflict;
  expect(c.first.value).toMatch(/^c\d+#\d+ /);
  expect(c.second.value).toMatch(/^c\d+#\d+ /);
  expect(c.quorums.map((q) => q.phase)).toEqual(['accepted', 'promised']);
  expect(c.quorums_intersect).toBe(false);

  // Under the cluster: both values with their command ids, both quorums, and why.
  const panel = page.locator('#conflict');
  await expect(panel.locator('.conflict-title')).toHaveText(`Slot ${c.slot} was decided twice`);
  await expect(panel.locator('.conflict-value.side-a code')).toHaveText(c.first.value);
  await expect(panel.locator('.conflict-value.side-b code')).toHaveText(c.second.value);
  await expect(panel.locator('.quorum-a')).toContainText(c.quorums[0].acceptors.map((n) => `n${n}`).join(', '));
  await expect(panel.locator('.quorum-b')).toContainText(c.quorums[1].acceptors.map((n) => `n${n}`).join(', '));
  await expect(panel.locator('.conflict-why')).toContainText('share no acceptor');
  expect(await onScreen(panel.locator('.conflict-title'))).toBe(true);

  // The two quorums are ringed in the diagram, each in its colour; nobody is in both.
  for (const n of v.nodes) {
    const g = page.locator(`svg.topology .node[data-node="${n.id}"]`);
    if (c.quorums[0].acceptors.includes(n.id)) await expect(g).toHaveClass(/quorum-a/); else await expect(g).not.toHaveClass(/quorum-a/);
    if (c.quorums[1].acceptors.includes(n.id)) await expect(g).toHaveClass(/quorum-b/); else await expect(g).not.toHaveClass(/quorum-b/);
  }

  // The log grid marks the slot; the cells that hold either value say which, with its ids
  // (the node that decided it, and acceptors by the ballot they accepted it in).
  const row = page.locator(`.log-row[data-slot="${c.slot}"]`);
  await expect(row).toHaveClass(/conflict/);
  const cellOf = async (node) => {
    const i = await page.locator('.log-th[data-node]').evaluateAll((ths, id) => ths.findIndex((t) => t.dataset.node === String(id)), node);
    return row.locator('.log-cell').nth(i);
  };
  for (const [side, val] of [['A', c.first], ['B', c.second]]) {
    await expect(row.locator('.log-cell .v').filter({ hasText: `${side} ${val.value}` }).first()).toBeVisible();
    if (val.decided_at != null) await expect(await cellOf(val.decided_at)).toHaveText(`${side} ${val.value}`);
  }
  await page.waitForTimeout(300);
  await shot(page, 'newcomer-bug-violation-1280');

  // The narration says how many promises the later leader had, against a majority.
  const won = await page.evaluate((upTo) => {
    const pg = window.paxoscope.playground();
    const end = pg.view().step;
    let found = null;
    for (let s = 1; s <= upTo && !found; s++) {
      pg.seek(s);
      const line = pg.view().events.find((e) => /won promises from/.test(e.text) && /2 of 5; a majority is 3/.test(e.text));
      if (line) found = { step: s, text: line.text };
    }
    pg.seek(end);
    return found;
  }, violation.step);
  expect(won, 'a leader elected on 2 promises of 5').toBeTruthy();
  await page.getByLabel('Timeline: choose the step to view').fill(String(won.step));
  await expect(page.locator('.narration-now')).toContainText('(2 of 5; a majority is 3');
  await expect(page.locator('.narration-now')).toContainText(won.text);
});

// ---------------------------------------------------------------- 6. message chips
/** Each chip's place and label, by message id (or link for a counted chip), as painted. */
const chips = async (page) => {
  await chipPoint(page, () => true); // every chip at rest
  return Object.fromEntries((await topologyChips(page)).map((c) => [c.agg ? c.key : `m${c.ids[0]}`,
    { t: `${c.x},${c.y}`, text: c.text, box: [c.x - c.w / 2, c.y - c.h / 2, c.x + c.w / 2, c.y + c.h / 2] }]));
};

test('6. message chips keep their place and label; a crowded link shows a count', async ({ page }) => {
  await open(page);
  // Let the demo get busy: proposers duelling, Prepares and Promises everywhere.
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  let v = await deliverable(page, 3);
  expect(v.messages.length).toBeGreaterThan(6);
  await page.waitForTimeout(500); // chips finish flying in
  const before = await chips(page);
  for (const [k, c] of Object.entries(before)) {
    expect(c.text.length, `chip ${k} has a label`).toBeGreaterThan(3);
  }
  // Chips do not cover each other.
  const boxes = Object.values(before).map((c) => c.box);
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, b] = [boxes[i], boxes[j]];
    const ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
    const iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    expect(ix > 1 && iy > 1, `chips ${i} and ${j} overlap`).toBe(false);
  }
  // Selecting one, then delivering another by hand: every other chip stays put, same label.
  const [sel, other] = v.messages.filter((m) => m.deliverable);
  await clickChip(page, sel.id);
  await expect(page.locator('.msg-panel h3')).toContainText(`#${sel.id}`);
  await page.locator(`.flight-item[data-msg="${other.id}"]`).getByRole('button', { name: `Deliver message ${other.id}` }).click();
  await page.waitForTimeout(500);
  const after = await chips(page);
  v = await view(page);
  let kept = 0;
  for (const [k, c] of Object.entries(before)) {
    if (!after[k] || k === `m${other.id}`) continue;
    expect(after[k].t, `chip ${k} moved`).toBe(c.t);
    expect(after[k].text, `chip ${k} relabelled`).toBe(c.text);
    kept++;
  }
  expect(kept).toBeGreaterThan(3);
  expect((await topologyChips(page)).find((c) => c.ids.includes(sel.id)).selected, 'the selected chip is drawn selected').toBe(true);

  // Crowd one link: five copies of a message become one chip that says so.
  const m = v.messages.find((x) => x.deliverable && v.messages.filter((y) => y.from.node === x.from.node && y.from.client === x.from.client && y.to.node === x.to.node && y.to.client === x.to.client).length === 1);
  for (let i = 0; i < 4; i++) {
    await page.locator(`.flight-item[data-msg="${m.id}"]`).getByRole('button', { name: `Duplicate message ${m.id}` }).click();
  }
  await expect.poll(async () => (await topologyChips(page)).filter((c) => c.agg && c.ids.includes(m.id)).map((c) => c.text)).toEqual([`5× ${m.type}`]);
  expect((await topologyChips(page)).filter((c) => !c.agg && c.ids.includes(m.id))).toEqual([]);
  const agg = await chipPoint(page, (c) => c.agg && c.ids.includes(m.id), 'the counted chip');
  await page.mouse.click(agg.x, agg.y);
  await expect(page.locator('.msg-panel h3')).toContainText(`#${m.id}`);
  await shot(page, 'newcomer-chips-1280');
});

// ---------------------------------------------------------------- 7. in reach after Deliver
test('7. after Deliver the in-flight list and Play stay in reach (desktop)', async ({ page }) => {
  await open(page);
  const v = await deliverable(page, 2);
  const m = v.messages.find((x) => x.deliverable && x.to.node != null);
  await clickChip(page, m.id);
  await expect(page.locator('.msg-panel h3')).toContainText(`#${m.id}`);
  await page.locator('#inspector').getByRole('button', { name: `Deliver message ${m.id}`, exact: true }).click();
  // the inspector now shows the receiver, with its long state folded away
  await expect(page.locator('.node-panel h3')).toHaveText(`Node ${m.to.node}`);
  await expect(page.locator('.node-panel details.fold[open]')).toHaveCount(0);
  const flight = page.locator('#flight');
  // The columns scroll on their own; the document itself has nothing to scroll (nothing
  // positioned inside a column reaches past the window), so nothing can scroll it away.
  expect(await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight)).toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expect.poll(() => onScreen(flight.locator('h2'))).toBe(true);
  await expect.poll(() => onScreen(flight.locator('.flight-item').first())).toBe(true);
  await expect.poll(() => onScreen(page.getByRole('button', { name: 'Play' }))).toBe(true);
  // the next one straight from the list
  const next = (await view(page)).messages.find((x) => x.deliverable);
  await flight.locator(`.flight-item[data-msg="${next.id}"]`).getByRole('button', { name: `Deliver message ${next.id}` }).click();
  await expect.poll(() => onScreen(flight.locator('h2'))).toBe(true);
  await expect.poll(() => onScreen(page.getByRole('button', { name: 'Play' }))).toBe(true);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 812 }, hasTouch: true });
  test('7. on a phone, a tapped message keeps the cluster, the list and Play in reach', async ({ page }) => {
  await open(page);
  const v = await deliverable(page, 2);
  const m = v.messages.find((x) => x.deliverable && x.to.node != null);
  await clickChip(page, m.id, { tap: true });
  await page.waitForTimeout(700); // smooth scroll
  const row = page.locator(`.flight-item[data-msg="${m.id}"]`);
  await expect(row).toHaveClass(/selected/);
  expect(await onScreen(row)).toBe(true);
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled, 'the page stays near the cluster').toBeLessThan(600);
  await row.getByRole('button', { name: `Deliver message ${m.id}` }).tap();
  await page.waitForTimeout(700);
  expect(await onScreen(page.locator('#flight h2'))).toBe(true);
  expect(await onScreen(page.getByRole('button', { name: 'Play' }))).toBe(true);
  for (const name of ['Step back', 'Step forward', 'Advance time by one tick', 'Run until quiet', 'Playback speed']) {
    expect(await onScreen(page.getByLabel(name, { exact: true })), `${name} on screen`).toBe(true);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'newcomer-phone-deliver-375');
  await page.getByRole('button', { name: 'Play' }).tap();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.getByRole('button', { name: 'Pause' }).tap();
  });
});

// ---------------------------------------------------------------- 8. duplicates
test('8. a duplicated message shows its id and ×2 in the list', async ({ page }) => {
  await open(page);
  const v = await deliverable(page);
  const m = v.messages.find((x) => x.deliverable);
  await page.locator(`.flight-item[data-msg="${m.id}"]`).getByRole('button', { name: `Duplicate message ${m.id}` }).click();
  const v2 = await view(page);
  const copy = v2.messages.find((x) => x.id !== m.id && x.label === m.label && !v.messages.some((y) => y.id === x.id));
  expect(copy).toBeTruthy();
  await expect(page.locator('.narration-now')).toContainText(`duplicated message ${m.id} as ${copy.id}`);
  for (const id of [m.id, copy.id]) {
    const row = page.locator(`.flight-item[data-msg="${id}"]`);
    await expect(row.locator('.flight-id')).toHaveText(`#${id}`);
    await expect(row.locator('.flight-copies')).toHaveText('×2');
  }
  await page.locator(`.flight-item[data-msg="${copy.id}"] .flight-main`).click();
  await expect(page.locator('.msg-panel')).toContainText(`One of 2 identical copies in flight: #${m.id}, #${copy.id}`);
});

// ---------------------------------------------------------------- 9. keyboard
test('9. the skip link reaches Play without breaking the link; Play is a few Tabs away', async ({ page }) => {
  await open(page);
  const runHash = new URL(page.url()).hash;
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the playback controls' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Play' })).toBeFocused();
  await page.waitForTimeout(300);
  await expect(errorNotices(page)).toHaveCount(0);
  expect(new URL(page.url()).hash).toBe(runHash);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press('Enter');

  // Without the skip link: Play within 10 Tab presses from the top.
  await open(page);
  let presses = 0;
  for (; presses < 30; presses++) {
    if (await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('aria-label') === 'Play')) break;
    await page.keyboard.press('Tab');
  }
  expect(presses).toBeLessThanOrEqual(10);

  // An in-page anchor in the address bar is not a broken share link.
  await page.evaluate(() => { location.hash = '#stage'; });
  await page.waitForTimeout(400);
  await expect(errorNotices(page)).toHaveCount(0);
});

// ---------------------------------------------------------------- 10. contrast and grammar
test('10. small labels reach 4.5:1 contrast; "an acceptor"', async ({ page }) => {
  await open(page);
  await runUntilQuiet(page);
  // an acceptor's cells show ballots; the leader has its badge
  const ratios = await page.evaluate(() => {
    const parse = (c) => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const lum = ([r, g, b]) => {
      const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const blend = (fg, bg) => [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const opacity = (el) => { let o = 1; for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
    // The first opaque background behind an HTML element.
    const htmlBg = (el) => {
      const layers = [];
      for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
      }
      let bg = [255, 255, 255];
      for (const c of layers.reverse()) bg = blend(c, bg);
      return bg;
    };
    // SVG text: the fill of the shape drawn under it (given), or the card's white.
    const svgBg = (shape) => (shape ? parse(getComputedStyle(shape).fill) : [255, 255, 255, 1]);
    const ratio = (fgC, bg, el) => {
      const fg = [...fgC.slice(0, 3), fgC[3] * opacity(el)];
      const a = lum(blend(fg, bg)), b = lum(bg);
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    };
    const out = [];
    const html = (sel, what) => {
      const els = [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length && e.textContent.trim());
      for (const e of els.slice(0, 6)) out.push({ what, text: e.textContent.trim().slice(0, 20), ratio: ratio(parse(getComputedStyle(e).color), htmlBg(e), e) });
      if (!els.length) out.push({ what, text: '(missing)', ratio: 0 });
    };
    const svg = (sel, under, what) => {
      const els = [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length && e.textContent.trim());
      for (const e of els.slice(0, 6)) out.push({ what, text: e.textContent.trim().slice(0, 20), ratio: ratio(parse(getComputedStyle(e).fill), svgBg(under(e)), e) });
      if (!els.length) out.push({ what, text: '(missing)', ratio: 0 });
    };
    html('.legend-fam, .legend li > span:not(.legend-item)', 'legend heading');
    svg('svg.topology .zone-label', (e) => (e.previousElementSibling && e.previousElementSibling.matches('rect.zone') ? e.previousElementSibling : null), 'zone heading');
    html('.log-slot', 'log slot number');
    html('.log-th .th-roles', 'role tag');
    html('.log-th.slot', 'log slot head');
    html('.log-cell .b', 'ballot in a cell');
    html('.cell-key', 'log legend');
    html('.log-th .th-idx', 'column index');
    svg('svg.topology .node.leader .badge text', (e) => e.previousElementSibling, 'LEADER badge');
    svg('svg.topology .node .node-info', () => null, 'node caption');
    html('.flight-id, .timeline-readout, .applied-count, .kpi-l, .inv-desc', 'small print');
    return out;
  });
  const low = ratios.filter((r) => !(r.ratio >= 4.5)).map((r) => `${r.what} "${r.text}": ${r.ratio.toFixed(2)}:1`);
  expect(low).toEqual([]);

  await page.locator('svg.topology .node[data-node="1"] .body').click();
  await expect(page.locator('.node-panel details.explain summary')).toHaveText('What does an acceptor do?');
  await page.locator('svg.topology .node[data-node="6"] .body').click();
  await expect(page.locator('.node-panel details.explain summary')).toHaveText('What does a proposer + replica do?');
});
