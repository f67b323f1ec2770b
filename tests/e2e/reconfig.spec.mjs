// Reconfiguration through the log on the page (rule 12, issue 12): the three presets
// (grow-3-to-5, shrink-5-to-3, replace-leader) end with every node shown as the core has
// it; a server added with the controls joins and catches up; removing the leader's server
// gives a new leader and shows the old one as removed; a refused change shows the core's
// reason and changes nothing; the log grid marks where a configuration was decided and
// where it takes effect; all of it by keyboard alone and at phone width. Screenshots go to
// tests/e2e/screenshots/reconfig-*.png.
//
// Needs the real core (www/pkg, `make build`): the mock API does not reconfigure.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { hasFile, watchFailures, SCREENSHOTS } from './helpers.mjs';

const REAL = hasFile('www/pkg/paxoscope.js') && !process.env.E2E_MOCK;
test.beforeEach(() => { test.skip(!REAL, 'needs the real core: run `make build` first'); });

async function open(page) {
  await page.goto('about:blank');
  await page.goto('./');
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}
const shot = (page, name, opts = {}) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: path.join(SCREENSHOTS, `reconfig-${name}.png`), ...opts });
};
const view = (page) => page.evaluate(() => window.paxoscope.view());
const state = (page) => page.evaluate(() => window.paxoscope.state());

/** The set-up rail's Servers section (closed at first, unless the run reconfigures). */
const serversSection = (page) => page.locator('details.section', { has: page.locator('#config-status') });

/** Opens the Servers section as a person would, with a click on its title. */
async function openServers(page) {
  const section = serversSection(page);
  if (!(await section.evaluate((d) => d.open))) await section.locator('summary').click();
  await expect(page.locator('#add-server-id')).toBeVisible();
}

/** Starts a new run of `n` servers (seed 1) with the cluster set-up form, lets a leader be elected, opens the Servers section. */
async function newRun(page, n) {
  await page.locator('#layout-servers').check();
  await page.locator('#cluster-size').fill(String(n));
  await page.getByRole('button', { name: 'Start new run' }).click();
  await expect.poll(async () => (await view(page)).nodes.length).toBe(n);
  await page.getByRole('button', { name: 'Run until quiet' }).click();
  await expect.poll(async () => (await view(page)).leader).not.toBeNull();
  await openServers(page);
}

/** Submits `k` puts from the client form, running until quiet after each. */
async function submitPuts(page, k) {
  for (let i = 0; i < k; i++) {
    await page.locator('#client-value').fill(`v${i}`);
    await page.getByRole('button', { name: 'Submit command' }).click();
    await page.getByRole('button', { name: 'Run until quiet' }).click();
  }
}

/** What the page shows of node `id`: topology classes and badge, log column, member row. */
async function shown(page, id) {
  return page.evaluate((nid) => {
    const g = document.querySelector(`#topology .node[data-node="${nid}"]`);
    const th = document.querySelector(`.log-th[data-node="${nid}"]`);
    const row = document.querySelector(`.member-row[data-node="${nid}"]`);
    return {
      topo: g ? g.getAttribute('class') : null,
      badge: g ? g.querySelector('.badge text').textContent : null,
      label: g ? g.getAttribute('aria-label') : null,
      info: g ? g.querySelector('.node-info').textContent : null,
      column: th ? th.className : null,
      member: row ? row.className : null,
    };
  }, id);
}

test.describe('desktop 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  for (const preset of ['grow-3-to-5', 'shrink-5-to-3', 'replace-leader']) {
    test(`preset ${preset}: every node afterwards is shown as the core has it`, async ({ page }) => {
      const failures = watchFailures(page);
      await open(page);
      await page.locator('#preset').selectOption(preset);
      await expect.poll(async () => (await view(page)).preset).toBe(preset);
      await page.getByRole('button', { name: 'Run until quiet' }).click();
      const s = await state(page);
      expect(s.configs && s.configs.length, 'the preset reconfigured').toBeGreaterThan(0);
      const latest = s.configs[s.configs.length - 1];
      const ids = new Set(latest.members.nodes.map((n) => n.id));
      // The header and the Servers section say the configuration the core has.
      await expect(page.locator('#config-chip')).toContainText(`epoch ${latest.members.epoch}: ${ids.size} members`);
      await expect(page.locator('#config-status')).toContainText(`epoch ${latest.members.epoch}`);
      await expect(page.locator('#config-status')).toContainText(`governs from slot ${latest.from_slot}`);
      // The quorum sizes shown are those of the latest configuration (the core's `quorums`).
      const acceptors = latest.members.nodes.filter((n) => n.roles.acceptor).length;
      expect(s.quorums.acceptors).toBe(acceptors);
      await expect(page.locator('#quorum-chip')).toContainText(`of ${acceptors}`);
      const leader = s.nodes.find((n) => n.is_leader);
      expect(leader && ids.has(leader.id), 'the leader is a member of the latest configuration').toBe(true);
      for (const n of s.nodes) {
        const on = await shown(page, n.id);
        expect(on.topo, `node ${n.id} is drawn`).not.toBeNull();
        expect(on.column, `node ${n.id} has a log column`).not.toBeNull();
        if (ids.has(n.id)) {
          // A member: its replica knows the latest configuration and caught up with the leader.
          expect(on.topo).not.toMatch(/removed/);
          expect(on.member).toMatch(/st-member/);
          const known = n.volatile.replica.configs.map((c) => c.members.epoch);
          expect(known, `node ${n.id} knows configuration #${latest.members.epoch}`).toContain(latest.members.epoch);
          // Caught up: past the configuration's first slot and with the leader, but for the last
          // slot, whose commit a follower learns from the leader's next Accept or heartbeat.
          expect(n.applied_index, `node ${n.id} applied past slot ${latest.from_slot}`).toBeGreaterThan(latest.from_slot);
          expect(n.applied_index, `node ${n.id} applied what the leader applied`).toBeGreaterThanOrEqual(leader.applied_index - 1);
        } else {
          // Removed: shown as removed, not gone.
          expect(on.topo).toMatch(/\bremoved\b/);
          expect(on.badge).toBe(n.crashed ? 'CRASHED' : 'REMOVED');
          expect(on.label).toMatch(/removed/);
          // No candidate: whatever its own phase (one cut off before it learned it was
          // removed still runs phase 1 on its own), its caption says no ballot of its own.
          expect(on.info, `node ${n.id}'s caption`).not.toMatch(/prep|lead/);
          expect(on.column).toMatch(/\bremoved\b/);
          expect(on.member).toMatch(/st-removed/);
          await expect(page.locator(`.member-row[data-node="${n.id}"] button`)).toBeDisabled();
        }
        // The inspector opens on every node.
        await page.locator(`#topology .node[data-node="${n.id}"]`).click();
        await expect(page.locator('#inspector h3')).toHaveText(`Node ${n.id}`);
        if (!ids.has(n.id)) {
          await expect(page.locator('#inspector .insp-head')).toContainText('removed');
          // The inspector says what the node knows of its removal, and why it cannot lead.
          const knows = ((n.volatile && n.volatile.replica && n.volatile.replica.configs) || []).some((c) => c.members.epoch >= latest.members.epoch);
          const hint = page.locator('#inspector .node-panel > .hint');
          if (n.crashed) await expect(hint).toContainText('crashed');
          else if (knows) await expect(hint).toContainText(`applied configuration #${latest.members.epoch}`);
          else await expect(hint).toContainText('has not learned it was removed');
          if (!n.crashed && n.phase === 'preparing') await expect(hint).toContainText('cannot lead');
        }
      }
      // Every row of the grid in view carries the epoch that governs its slot.
      const rows = await page.locator('.log-row[data-slot]').evaluateAll((els) => els.filter((e) => e.style.display !== 'none')
        .map((e) => ({ slot: Number(e.dataset.slot), epoch: Number(e.dataset.epoch), label: e.querySelector('.log-slot').getAttribute('aria-label') })));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        const want = [...s.configs].reverse().find((c) => c.from_slot <= r.slot)?.members.epoch ?? 0;
        expect(r.epoch, `slot ${r.slot}'s epoch`).toBe(want);
        expect(r.label).toContain(`configuration #${want}`);
      }
      await shot(page, `${preset}-1280`);
      expect(failures).toEqual([]);
    });
  }
});

test.describe('the Servers controls at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('replicas behind the others are said to hold the same order, not different logs', async ({ page }) => {
    const failures = watchFailures(page);
    await open(page);
    await page.locator('#preset').selectOption('minority-partition');
    await expect.poll(async () => (await view(page)).preset).toBe('minority-partition');
    await page.getByRole('button', { name: 'Run until quiet' }).click();
    const v = await view(page);
    const replicas = v.nodes.filter((n) => n.roles.includes('replica'));
    const most = Math.max(...replicas.map((n) => n.applied_index));
    const behind = replicas.filter((n) => !n.crashed && n.applied_index < most).length;
    expect(behind, 'the cut-off minority is behind').toBeGreaterThan(0);
    expect((v.invariants || []).every((i) => i.ok), 'every invariant holds').toBe(true);
    await expect(page.locator('#applied .applied-verdict')).toHaveText(new RegExp(`^One order on every replica; ${behind} behind`));
    expect(failures).toEqual([]);
  });

  test('a server removed from the cluster is not counted as behind', async ({ page }) => {
    await open(page);
    await page.locator('#preset').selectOption('replace-leader');
    await expect.poll(async () => (await view(page)).preset).toBe('replace-leader');
    const v = await view(page);
    const top = Math.max(...v.nodes.map((n) => n.applied_index));
    const removed = (await shown(page, 3)).member;
    expect(removed, 'n3 left the configuration').toMatch(/st-removed/);
    const late = v.nodes.filter((n) => n.id !== 3 && !n.crashed && n.applied_index < top).length;
    await expect(page.locator('#applied .applied-verdict')).toHaveText(`One order on every replica; ${late ? `${late} behind, ` : ''}1 removed from the cluster`);
  });

  test('replicas whose logs differ only in what one compacted are shown as one applied log', async ({ page }) => {
    const failures = watchFailures(page);
    await open(page);
    await page.locator('#preset').selectOption('grow-3-to-5');
    await expect.poll(async () => (await view(page)).preset).toBe('grow-3-to-5');
    await page.getByRole('button', { name: 'Run until quiet' }).click();
    // Quiet means no message in flight: followers may still be a slot behind until the
    // leader's next heartbeat (a timer) tells them the commit index. Let time pass until
    // every replica applied as many slots.
    const appliedCounts = async () => {
      const v = await view(page);
      const rs = v.nodes.filter((n) => n.roles.includes('replica') && !n.crashed);
      return new Set(rs.map((n) => n.applied_index)).size;
    };
    for (let i = 0; i < 20 && (await appliedCounts()) !== 1; i++) {
      await page.getByRole('button', { name: 'Advance time by one tick' }).click();
      await page.getByRole('button', { name: 'Run until quiet' }).click();
    }
    expect(await appliedCounts(), 'every replica applied as many slots').toBe(1);
    const v = await view(page);
    const replicas = v.nodes.filter((n) => n.roles.includes('replica') && !n.crashed);
    // Some replica compacted part of the window the panel shows (the ▧ cells), another did not.
    const cells = await page.locator('#log .log-cell.st-compacted').count();
    expect(cells, 'a replica compacted slots in view').toBeGreaterThan(0);
    await expect(page.locator('#applied .applied-line')).toHaveCount(1);
    await expect(page.locator('#applied .applied-verdict')).toContainText(`All ${replicas.length} replicas applied the same`);
    expect(failures).toEqual([]);
  });

  test('the Servers section is closed for a newcomer, open for a run that reconfigures, and keeps the person\'s choice', async ({ page }) => {
    const failures = watchFailures(page);
    await open(page);
    const section = serversSection(page);
    const isOpen = () => section.evaluate((d) => d.open);
    // The seed demo: the cluster and the log come first, the Servers section is a title.
    expect(await isOpen()).toBe(false);
    await expect(page.locator('#add-server-id')).toBeHidden();
    await expect(section.locator('summary')).toBeVisible();
    // A preset that reconfigures opens it.
    for (const preset of ['grow-3-to-5', 'replace-leader']) {
      await page.locator('#preset').selectOption(preset);
      await expect.poll(async () => (await view(page)).preset).toBe(preset);
      await expect.poll(isOpen, `open for ${preset}`).toBe(true);
      await expect(page.locator('#config-status')).toBeVisible();
    }
    // Back to a run that does not: closed again.
    await page.locator('#preset').selectOption('steady-leader');
    await expect.poll(async () => (await view(page)).preset).toBe('steady-leader');
    await expect.poll(isOpen).toBe(false);
    // Opened by the person: it stays open in the next run.
    await section.locator('summary').click();
    await expect(page.locator('#add-server-id')).toBeVisible();
    await page.locator('#preset').selectOption('leader-crash');
    await expect.poll(async () => (await view(page)).preset).toBe('leader-crash');
    await page.getByRole('button', { name: 'Run until quiet' }).click();
    expect(await isOpen()).toBe(true);
    expect(failures).toEqual([]);
  });

  test('a server added with the controls joins, catches up and fills its log column', async ({ page }) => {
    test.setTimeout(120_000);
    const failures = watchFailures(page);
    await open(page);
    await newRun(page, 3);
    await expect(page.locator('#add-server-id')).toHaveValue('4');
    await page.getByRole('button', { name: 'Add server N4' }).click();
    await expect(page.locator('#reconfig-refusal')).toBeHidden();
    // The new node is on the page at once, marked as joining, with its own (empty) log column.
    await expect(page.locator('#topology .node[data-node="4"]')).toHaveClass(/\bjoining\b/);
    await expect(page.locator('.log-th[data-node="4"]')).toHaveClass(/\bjoining\b/);
    await expect(page.locator('.member-row[data-node="4"]')).toContainText('joining');
    // Commands push the log past the slot the new configuration governs from.
    await submitPuts(page, 10);
    const s = await state(page);
    expect(s.configs.map((c) => c.members.nodes.map((n) => n.id))).toEqual([[1, 2, 3, 4]]);
    const from = s.configs[0].from_slot;
    const leader = s.nodes.find((n) => n.is_leader);
    const n4 = s.nodes.find((n) => n.id === 4);
    expect(leader.commit_index).toBeGreaterThan(from);
    // Caught up, but for the last slot, whose commit a follower learns from the leader's
    // next Accept or heartbeat.
    expect(n4.applied_index, 'node 4 applied past the new configuration\'s first slot').toBeGreaterThan(from);
    expect(n4.applied_index, 'node 4 caught up with the leader').toBeGreaterThanOrEqual(leader.applied_index - 1);
    await expect(page.locator('#topology .node[data-node="4"]')).not.toHaveClass(/joining|entering/);
    await expect(page.locator('#config-chip')).toContainText('epoch 1: 4 members');
    // Its column holds the applied log; the grid marks the decision (R) and the first slot of #1.
    await page.locator('#log-follow').uncheck();
    await page.locator('.goto-input').fill('0');
    await page.getByRole('button', { name: 'Scroll the log to that slot' }).click();
    const decided = s.nodes[0].decided_log.find((e) => /^reconfigure #1/.test(e.value)).slot;
    const rowR = page.locator(`.log-row[data-slot="${decided}"]`);
    await expect(rowR).toHaveClass(/\breconf\b/);
    await expect(rowR.locator('.log-slot')).toHaveAttribute('aria-label', new RegExp(`decided in slot ${decided} and governs the slots from ${from} on \\(${decided} \\+ α, α = ${from - decided}\\)`));
    const rowE = page.locator(`.log-row[data-slot="${from}"]`);
    await expect(rowE).toHaveClass(/\bepoch-start\b/);
    await expect(rowE.locator('.log-slot')).toHaveAttribute('aria-label', /configuration #1 \(N1 PAR, N2 PAR, N3 PAR, N4 PAR\) takes effect here/);
    expect(await page.locator('.log-cell[data-node="4"].st-applied').count(), 'node 4\'s column is filled').toBeGreaterThan(5);
    await shot(page, 'added-1280');
    // The grid with its marks, for a person to look at.
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.locator(`.log-row[data-slot="${decided}"]`).scrollIntoViewIfNeeded();
    await page.locator('#log').screenshot({ path: path.join(SCREENSHOTS, 'reconfig-log-grid.png') });
    expect(failures).toEqual([]);
  });

  test('"why?" on a replica applying a configuration names rule 12 and α; the help says why α', async ({ page }) => {
    test.setTimeout(120_000);
    const failures = watchFailures(page);
    await open(page);
    await newRun(page, 3);
    await page.getByRole('button', { name: 'Add server N4' }).click();
    // Step until a replica applies the new configuration (the core narrates config_applied).
    let found = false;
    for (let i = 0; i < 200 && !found; i++) {
      found = await page.evaluate(() => { window.paxoscope.app.stepForward(); return window.paxoscope.view().events.some((e) => e.event === 'config_applied'); });
    }
    expect(found, 'a replica applied configuration #1').toBe(true);
    const why = page.getByRole('button', { name: /Why\? Rule 12/ }).first();
    await why.click();
    await expect(page.locator('.why-body:visible').first()).toContainText('i + α');
    await shot(page, 'why-1280');
    await page.locator('#help').click();
    await expect(page.locator('dialog')).toContainText('Why α slots later');
    await expect(page.locator('dialog')).toContainText('Rule 12.');
    expect(failures).toEqual([]);
  });

  test('removing the leader\'s server: it hands off, a new leader is elected, it is shown as removed', async ({ page }) => {
    test.setTimeout(120_000);
    const failures = watchFailures(page);
    await open(page);
    await newRun(page, 5);
    const old = (await view(page)).leader;
    await page.getByRole('button', { name: `Remove node ${old} from the configuration` }).click();
    await expect(page.locator('#reconfig-refusal')).toBeHidden();
    await submitPuts(page, 10);
    const v = await view(page);
    expect(v.leader).not.toBeNull();
    expect(v.leader).not.toBe(old);
    const on = await shown(page, old);
    expect(on.topo).toMatch(/\bremoved\b/);
    expect(on.badge).toBe('REMOVED');
    expect(on.column).toMatch(/\bremoved\b/);
    expect(on.member).toMatch(/st-removed/);
    await expect(page.locator(`#topology .node[data-node="${v.leader}"]`)).toHaveClass(/\bleader\b/);
    await expect(page.locator('#config-status')).toContainText('epoch 1');
    await expect(page.locator('#topology .zone-label', { hasText: '4 servers (+ 1 removed)' })).toHaveCount(1);
    await shot(page, 'leader-removed-1280');
    expect(failures).toEqual([]);
  });

  test('a refused change shows the core\'s reason and changes nothing', async ({ page }) => {
    test.setTimeout(120_000);
    const failures = watchFailures(page);
    await open(page);
    await newRun(page, 3);
    /** The core's own answer to `action` on a copy of the run. */
    const coreSays = (action) => page.evaluate((a) => {
      const api = window.paxoscope.api();
      const pg = api.Playground.fromScenario(window.paxoscope.scenario());
      try { pg.apply(a); return null; } catch (e) { return e.message; } finally { pg.free(); }
    }, action);
    const before = await page.evaluate(() => ({ scenario: window.paxoscope.scenario(), view: window.paxoscope.view() }));
    // Fewer than 3 acceptors.
    const reason = await coreSays({ type: 'remove_server', node: 2 });
    expect(reason).toMatch(/acceptor/);
    await page.getByRole('button', { name: 'Remove node 2 from the configuration' }).click();
    await expect(page.locator('#reconfig-refusal')).toBeVisible();
    await expect(page.locator('#reconfig-refusal')).toContainText(reason);
    await expect(page.locator('#reconfig-refusal')).toContainText('The run is unchanged.');
    await expect(page.locator('.notice.error').last()).toContainText(reason);
    // Past the node limit.
    const overLimit = await coreSays({ type: 'add_server', node: 17, roles: { proposer: true, acceptor: true, replica: true } });
    expect(overLimit).toMatch(/16/);
    await page.locator('#add-server-id').fill('17');
    await page.getByRole('button', { name: 'Add server N17' }).click();
    await expect(page.locator('#reconfig-refusal')).toContainText(overLimit);
    // A server without roles is refused by the form before the core is asked.
    for (const r of ['proposer', 'acceptor', 'replica']) await page.locator(`#add-role-${r}`).uncheck();
    await page.getByRole('button', { name: /^Add server/ }).click();
    await expect(page.locator('#reconfig-refusal')).toContainText('Pick at least one role.');
    const after = await page.evaluate(() => ({ scenario: window.paxoscope.scenario(), view: window.paxoscope.view() }));
    expect(after.scenario, 'nothing was recorded').toBe(before.scenario);
    expect(after.view.step).toBe(before.view.step);
    expect(after.view.trace_digest).toBe(before.view.trace_digest);
    expect(after.view.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    // A second change while the first is under way: refused with the core's reason.
    for (const r of ['proposer', 'acceptor', 'replica']) await page.locator(`#add-role-${r}`).check();
    await page.locator('#add-server-id').fill('4');
    await page.getByRole('button', { name: 'Add server N4' }).click();
    await expect(page.locator('#reconfig-refusal')).toBeHidden();
    const pending = await coreSays({ type: 'add_server', node: 5, roles: { proposer: true, acceptor: true, replica: true } });
    expect(pending).toMatch(/under way/);
    const mid = await page.evaluate(() => window.paxoscope.scenario());
    await page.locator('#add-server-id').fill('5');
    await page.getByRole('button', { name: 'Add server N5' }).click();
    await expect(page.locator('#reconfig-refusal')).toContainText(pending);
    expect(await page.evaluate(() => window.paxoscope.scenario())).toBe(mid);
    await expect(page.locator('#topology .node[data-node="5"]')).toHaveCount(0);
    await shot(page, 'refused-1280');
    // The run goes on: stepping still works.
    await page.getByRole('button', { name: 'Run until quiet' }).click();
    expect((await view(page)).step).toBeGreaterThan(before.view.step);
    expect(failures.filter((f) => !/reconfiguration|acceptor|under way/.test(f))).toEqual([]);
  });

  test('keyboard only: add a server and remove one without a mouse', async ({ page }) => {
    test.setTimeout(120_000);
    await open(page);
    await newRun(page, 5);
    // The section starts closed again for this test: the keyboard opens it.
    await serversSection(page).evaluate((d) => { d.open = false; });
    // Tab from the top of the page to the section's title, Enter opens it.
    await page.locator('body').focus();
    let found = false;
    for (let i = 0; i < 400 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement && document.activeElement.tagName === 'SUMMARY' && /^Servers/.test(document.activeElement.textContent));
    }
    expect(found, 'the Servers section\'s title is reachable with Tab').toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.locator('#add-server-id')).toBeVisible();
    // On to the new node id field.
    found = false;
    for (let i = 0; i < 400 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement && document.activeElement.id === 'add-server-id');
    }
    expect(found, 'the new node id field is reachable with Tab').toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('7');
    // Tab to the roles: the proposer box, Space unticks it (an acceptor + replica).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.id)).toBe('add-role-proposer');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.id)).toBe('add-server');
    await page.keyboard.press('Enter');
    await expect(page.locator('#topology .node[data-node="7"]')).toHaveClass(/\bjoining\b/);
    const n7 = (await view(page)).nodes.find((n) => n.id === 7);
    expect(n7.roles).toEqual(['acceptor', 'replica']);
    await expect(page.locator('.member-row[data-node="7"]')).toContainText('N7 AR');
    // The Remove buttons are reachable and labelled; a focused one works with Enter.
    await submitPuts(page, 10);
    const leader = (await view(page)).leader;
    const other = [1, 2, 3, 4, 5].find((id) => id !== leader);
    const btn = page.getByRole('button', { name: `Remove node ${other} from the configuration` });
    await btn.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#reconfig-refusal')).toBeHidden();
    await page.getByRole('button', { name: 'Run until quiet' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#config-status')).toContainText(/epoch 2/);
    await expect(page.locator(`.member-row[data-node="${other}"]`)).toContainText(/leaving|removed/);
  });
});

test.describe('phone 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the Servers section fits, adds a server and shows a refusal', async ({ page }) => {
    test.setTimeout(120_000);
    const failures = watchFailures(page);
    await open(page);
    await page.locator('#preset').selectOption('grow-3-to-5');
    await expect.poll(async () => (await view(page)).preset).toBe('grow-3-to-5');
    await shot(page, 'top-390');
    await page.locator('#log').scrollIntoViewIfNeeded();
    await shot(page, 'log-390');
    const section = page.locator('#config-status').locator('xpath=ancestor::details[1]');
    await section.scrollIntoViewIfNeeded();
    await expect(section).toBeVisible();
    // Nothing in it is wider than the screen.
    const overflow = await section.evaluate((el) => [...el.querySelectorAll('*')].filter((x) => x.getBoundingClientRect().right > window.innerWidth + 0.5).map((x) => x.id || x.className));
    expect(overflow).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'servers-390', { fullPage: false });
    // A refusal (a change already under way, or none leads) or an accepted change: either
    // way the page says what the core said.
    await page.getByRole('button', { name: /^Add server/ }).click();
    const refused = await page.locator('#reconfig-refusal').isVisible();
    if (!refused) await expect(page.locator('#topology .node[data-node="6"]')).toHaveCount(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reconfig-page-390.png'), fullPage: true });
    expect(failures.filter((f) => !/reconfiguration|under way|leads/.test(f))).toEqual([]);
  });
});
