// Rule 12 on the page: flexible quorum sizes set in the cluster set-up (shown in the stage
// header with why they must intersect, refused with a reason when they do not, kept in the
// share link), and reads under a leader lease (the lease and its expiry in the header and
// the inspector, each client's last read mode). Runs against the real wasm module only:
// the mock API knows nothing of rule 12. Screenshots go to tests/e2e/screenshots/rule12-*.png.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { hasFile, watchFailures, SCREENSHOTS } from './helpers.mjs';

test.use({ viewport: { width: 1280, height: 800 } });
test.skip(!hasFile('www/pkg/paxoscope.js'), 'needs the built wasm module (make build)');

async function open(page, hash = '') {
  await page.goto(`./${hash}`);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}

const view = (page) => page.evaluate(() => window.paxoscope.view());
const errorNotice = (page, text) => page.locator('.notice.error').filter({ hasText: text });
const shot = (page, name) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: path.join(SCREENSHOTS, `rule12-${name}.png`) });
};

/** Fills the cluster set-up (the seed demo's layout: five acceptors) with the given quorum
 * sizes ('' = a majority). */
async function newCluster(page, q1, q2, extra = async () => {}) {
  await page.getByLabel('Phase-1 quorum (acceptors)').fill(q1);
  await page.getByLabel('Phase-2 quorum (acceptors)').fill(q2);
  await extra();
  await page.getByRole('button', { name: 'Start new run' }).click();
}

test('flexible quorums: set in the set-up, shown with why they intersect, kept in the link', async ({ page }) => {
  const failures = watchFailures(page);
  await open(page);
  await expect(page.locator('#quorum-chip')).toHaveText('quorums: majority 3 of 5');
  await newCluster(page, '4', '2');
  await expect(page.locator('#quorum-hint')).toContainText('4 + 2 > 5');
  await expect.poll(async () => (await view(page)).quorums).toEqual({ acceptors: 5, phase1: 4, phase2: 2 });
  const chip = page.locator('#quorum-chip');
  await expect(chip).toHaveText('quorums: phase 1 4, phase 2 2 of 5');
  await chip.click();
  await expect(page.locator('.notice').filter({ hasText: 'Why the quorums intersect' })).toContainText('4 + 2 = 6 > 5');
  // A steady leader asks only |Q2| = 2 acceptors per command: one Accept per command.
  await page.getByRole('button', { name: 'Run until quiet' }).click();
  const v = await view(page);
  expect(v.violations).toEqual([]);
  expect(v.stats.commands_committed).toBeGreaterThan(0);
  await shot(page, 'flexible-quorums');
  // The share link carries the sizes.
  await page.evaluate(() => window.paxoscope.flushHash());
  const url = page.url();
  await open(page, new URL(url).hash);
  expect((await view(page)).config).toMatchObject({ phase1_quorum: 4, phase2_quorum: 2 });
  expect(failures).toEqual([]);
});

test('quorums that need not intersect are refused with the reason; the run goes on', async ({ page }) => {
  await open(page);
  const before = await view(page);
  await newCluster(page, '3', '2');
  await expect(page.locator('#quorum-hint')).toContainText('3 + 2 is not more than 5');
  await expect(errorNotice(page, 'must be more than the 5 acceptors')).toBeVisible();
  const after = await view(page);
  expect(after.config).toEqual(before.config);
  expect(after.step).toBe(before.step);
  await newCluster(page, '9', '');
  await expect(errorNotice(page, 'from 1 to the 5 acceptors')).toBeVisible();
});

test('the non-intersecting-quorums preset shows the sizes in red and the broken agreement', async ({ page }) => {
  await open(page);
  await page.getByLabel('Preset scenario').selectOption('bug-non-intersecting-quorums');
  await expect(page.locator('#quorum-chip.disjoint')).toHaveText('quorums: phase 1 3, phase 2 2 of 5');
  const v = await view(page);
  expect(v.violations.map((x) => x.invariant)).toContain('agreement');
  await page.locator('#quorum-chip').click();
  await expect(page.locator('.notice.error').filter({ hasText: 'These quorums need not intersect' })).toContainText('3 + 2 = 5 is not more than 5');
  await shot(page, 'non-intersecting');
});

test('reads under a lease: the lease and its expiry, the inspector, each client\'s read mode', async ({ page }) => {
  const failures = watchFailures(page);
  await open(page);
  await page.getByLabel('Preset scenario').selectOption('lease-reads');
  await expect.poll(async () => (await view(page)).preset).toBe('lease-reads');
  // Back to the moment before the partition: the leader holds a lease.
  const v0 = await view(page);
  await page.evaluate((s) => window.paxoscope.app.seek(s), v0.step - 1);
  const v = await view(page);
  const leader = v.nodes.find((n) => n.lease && n.lease.held_until != null);
  expect(leader, 'a leader holds a lease').toBeTruthy();
  const chip = page.locator('#lease-chip');
  await expect(chip).toHaveText(`lease: n${leader.id} until t=${leader.lease.expires_at} (${leader.lease.expires_at - v.now} left)`);
  expect(leader.lease.reads_locally).toBe(true);
  // Some client's last get was answered by the leader alone.
  expect(v.clients.some((c) => c.last_read && c.last_read.mode === 'lease')).toBe(true);
  await expect(page.locator('svg.topology title').filter({ hasText: 'read by the leader alone under its lease' })).not.toHaveCount(0);
  // The inspector shows the leader's clock and lease.
  await page.evaluate((id) => window.paxoscope.app.select({ kind: 'node', id }), leader.id);
  await expect(page.locator('#inspector')).toContainText('reads alone');
  await expect(page.locator('#inspector')).toContainText(`held until its clock reads ${leader.lease.held_until}`);
  await shot(page, 'lease-held');
  // After the partition, once the lease ran out, nobody reads alone on the cut-off side.
  await page.evaluate((s) => window.paxoscope.app.seek(s), v0.step);
  await page.getByRole('button', { name: 'Run until quiet' }).click();
  const end = await view(page);
  expect(end.violations).toEqual([]);
  const old = end.nodes.find((n) => n.id === leader.id);
  expect(old.lease.reads_locally).toBe(false);
  await shot(page, 'lease-after-partition');
  expect(failures).toEqual([]);
});
