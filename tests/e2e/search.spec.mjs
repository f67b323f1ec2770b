// The Search panel (www/search.js, issue 10): the explorer, the swarm search and the
// shrinker run in a Web Worker on the page's wasm module. A search starts, its counters
// move while the page still answers clicks, Stop stops it; a bug preset's shortest
// counterexample is found and opens in the timeline at its violation; a swarm run is found
// and shrunk; bad bounds get a clear message; a worker that cannot load is reported and
// the page keeps working.
//
// Needs the real wasm module (www/pkg, `make build`): the mock API does not search.
import { test, expect } from '@playwright/test';
import { hasFile, skipUnless, watchFailures } from './helpers.mjs';

const REAL = !process.env.E2E_MOCK && hasFile('www/pkg/paxoscope.js');

async function open(page, hash) {
  await page.goto(`./${hash}`);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}

const view = (page) => page.evaluate(() => window.paxoscope.view());
const figure = (page, name) => page.locator(`#search [data-figure="${name}"]`);
const number = async (page, name) => Number((await figure(page, name).textContent()).replace(/[^0-9]/g, '') || 0);

test('a search from the current step counts live, leaves the page responsive, and stops', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, '#preset=seed-demo');
  // A big search on the correct protocol: it cannot end within the test.
  await page.fill('#search-depth', '40');
  await page.fill('#search-states', '5000000');
  await page.click('#search-start');
  await expect(page.locator('#search-state')).toHaveText('searching…');
  await expect.poll(() => number(page, 'distinct'), { timeout: 20_000 }).toBeGreaterThan(100);
  const first = await number(page, 'distinct');
  await expect.poll(() => number(page, 'distinct'), { timeout: 20_000 }).toBeGreaterThan(first);
  await expect(figure(page, 'rate')).not.toHaveText('—');
  // The main thread is free: a step of the run is taken while the worker searches.
  const before = (await view(page)).step;
  await page.click('button[aria-label="Step forward"]');
  await expect.poll(async () => (await view(page)).step).toBe(before + 1);
  await expect(page.locator('#search-stop')).toBeEnabled();
  await page.click('#search-stop');
  await expect(page.locator('#search-state')).toHaveText('stopped');
  await expect(page.locator('#search .search-result')).toContainText('Stopped.');
  const stopped = await number(page, 'distinct');
  await page.waitForTimeout(500);
  expect(await number(page, 'distinct')).toBe(stopped);
  await expect(page.locator('#search-start')).toBeEnabled();
  await expect(page.locator('#search-stop')).toBeDisabled();
  expect(failures).toEqual([]);
});

test('"find it yourself" on a bug preset finds the shortest run and opens it at its violation', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, '#preset=bug-small-quorum');
  await expect(page.locator('#search .search-bug')).toContainText('small-quorum');
  await page.click('#search-find-bug');
  await expect(page.locator('#search-state')).toHaveText('violation found', { timeout: 30_000 });
  await expect(page.locator('#search .search-result')).toContainText('agreement violated after 2 moves');
  const v = await view(page);
  expect(v.total_steps).toBe(2);
  expect(v.step).toBe(2);
  expect(v.violations.map((x) => x.invariant)).toContain('agreement');
  await expect(page.locator('#banner')).toContainText('agreement at step 2');
  // The person can step back through it, with the narration of each move.
  await page.click('#search .search-result button:has-text("Replay from step 0")');
  await expect.poll(async () => (await view(page)).step).toBe(0);
  await page.click('button[aria-label="Step forward"]');
  await expect.poll(async () => (await view(page)).step).toBe(1);
  await expect(page.locator('#narration')).not.toBeEmpty();
  expect(failures).toEqual([]);
});

test('a search from a step of a bug run forks the run there and keeps its past', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, '#preset=bug-ballots-without-proposer-id');
  const original = JSON.parse(await page.evaluate(() => window.paxoscope.scenario()));
  // The preset opens at the end of its recorded run: go back to its first step.
  await page.evaluate(() => window.paxoscope.app.seek(1));
  await expect.poll(async () => (await view(page)).step).toBe(1);
  await page.fill('#search-depth', '6');
  await page.fill('#search-drops', '0');
  await page.fill('#search-dups', '0');
  await page.fill('#search-crashes', '0');
  await page.click('#search-start');
  await expect(page.locator('#search-state')).toHaveText('violation found', { timeout: 45_000 });
  await expect(page.locator('#search .search-result')).toContainText('from step 1 of your run');
  const v = await view(page);
  expect(v.violations.length).toBeGreaterThan(0);
  expect(v.step).toBe(v.total_steps);
  const forked = JSON.parse(await page.evaluate(() => window.paxoscope.scenario()));
  expect(forked.config).toEqual(original.config);
  expect(forked.seed).toBe(original.seed);
  expect(failures).toEqual([]);
});

test('random runs find a bug, and Shrink cuts the run down to a few steps', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, '#preset=bug-small-quorum');
  await page.click('#search-mode-swarm');
  await page.click('#search-start');
  await expect(page.locator('#search-state')).toHaveText('violation found', { timeout: 45_000 });
  await expect(page.locator('#search .search-result')).toContainText('breaks agreement');
  await page.click('#search .search-result button:has-text("Shrink and open")');
  await expect(page.locator('#search-state')).toHaveText('shrunk', { timeout: 45_000 });
  const v = await view(page);
  expect(v.violations.map((x) => x.invariant)).toContain('agreement');
  expect(v.step).toBe(v.total_steps);
  expect(v.total_steps).toBeLessThanOrEqual(3); // the BFS optimum is 2 (docs/explorer.md): at most 1.5×
  await expect(page.locator('#search .search-result')).toContainText(`to ${v.total_steps} steps`);
  expect(failures).toEqual([]);
});

test('bad bounds get a clear message and nothing starts', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, '#preset=seed-demo');
  const err = page.locator('#search .search-error');
  await page.fill('#search-depth', 'ten');
  await page.click('#search-start');
  await expect(err).toBeVisible();
  await expect(err).toContainText('Depth must be a whole number from 1 to 10,000');
  await expect(page.locator('#search-depth')).toHaveAttribute('aria-invalid', 'true');
  await page.fill('#search-depth', '8');
  await page.fill('#search-states', '900000000');
  await page.click('#search-start');
  await expect(err).toContainText('A browser tab keeps at most 5,000,000 states');
  await page.fill('#search-states', '1000');
  await page.fill('#search-crashes', '-1');
  await page.click('#search-start');
  await expect(err).toContainText('Crashes must be a whole number from 0 to 100');
  await expect(page.locator('#search-stop')).toBeDisabled();
  // Fixed, it runs: the state cap of 1000 stops it with partial figures.
  await page.fill('#search-crashes', '1');
  await page.click('#search-start');
  await expect(err).toBeHidden();
  await expect(page.locator('#search-state')).toHaveText('cap reached', { timeout: 30_000 });
  await expect(page.locator('#search .search-result')).toContainText('the search is partial');
  expect(failures).toEqual([]);
});

test('a search worker that cannot load is reported and the page keeps working', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  await page.route('**/search-worker.js', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await open(page, '#preset=seed-demo');
  await page.click('#search-start');
  await expect(page.locator('#search .search-error')).toContainText('Search is unavailable');
  await expect(page.locator('#search-state')).toHaveText('unavailable');
  await expect(page.locator('#search-start')).toBeEnabled();
  const before = (await view(page)).step;
  await page.click('button[aria-label="Step forward"]');
  await expect.poll(async () => (await view(page)).step).toBe(before + 1);
});

for (const [width, height] of [[1280, 800], [390, 844]]) {
  test(`at ${width} px every bound's label is whole and no two labels overlap`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await open(page, '#preset=seed-demo');
    await page.locator('#search').scrollIntoViewIfNeeded();
    const labels = await page.locator('#search .search-bounds:not([hidden]) .field-label').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        // The text's own width, however the label is styled (a clipped label still has it).
        const range = document.createRange();
        range.selectNodeContents(e);
        const text = range.getBoundingClientRect();
        return { name: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, textRight: text.left + text.width };
      }));
    expect(labels.length).toBe(9);
    for (const l of labels) expect(l.textRight, `"${l.name}" is cut off`).toBeLessThanOrEqual(l.right + 0.5);
    for (const a of labels)
      for (const b of labels)
        if (a !== b && a.top < b.bottom && b.top < a.bottom)
          expect(a.right <= b.left + 0.5 || b.right <= a.left + 0.5, `"${a.name}" and "${b.name}" overlap`).toBe(true);
  });
}
