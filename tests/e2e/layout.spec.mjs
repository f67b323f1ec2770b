// The page's layout rules (issue 11, part 4) and the messages to the person:
// - at 1280×800, for every preset, the cluster, the playback controls and the first rows of
//   the replicated log are on the first screen, without scrolling (a preset opens at its
//   last step, and once more after "Run until quiet");
// - toasts (www/notices.js) never cover the Invariants panel, however many there are, at
//   1280×800 and at 390 px.
// Screenshots go to tests/e2e/screenshots/layout-*.png.
//
// Needs the real core (www/pkg, `make build`): the presets come from it.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { hasFile, watchFailures, SCREENSHOTS } from './helpers.mjs';

const REAL = hasFile('www/pkg/paxoscope.js') && !process.env.E2E_MOCK;
test.beforeEach(() => { test.skip(!REAL, 'needs the real core: run `make build` first'); });

const shot = (page, name) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: path.join(SCREENSHOTS, `layout-${name}.png`) });
};
const view = (page) => page.evaluate(() => window.paxoscope.view());

async function open(page, hash = '') {
  await page.goto('about:blank');
  await page.goto(`./${hash}`);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}

/**
 * What of the first screen is missing: the boxes of the cluster drawing, the playback
 * controls, the log's column heads and its first rows (the first two the log shows, or its
 * empty-log line), each of which must lie inside the window and, for rows, inside the log's
 * own scroll box. Returns one line per miss.
 */
function firstScreenMisses(page) {
  return page.evaluate(() => {
    const W = window.innerWidth, H = window.innerHeight;
    const misses = [];
    // `across`: the whole box must be inside the window; otherwise only from top to bottom
    // (the log's rows may be wider than the window: the log scrolls sideways on its own).
    const inWindow = (what, el, across = true) => {
      if (!el) { misses.push(`${what}: missing`); return null; }
      const r = el.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) misses.push(`${what}: not shown`);
      else if (r.top < 0 || r.bottom > H + 0.5 || (across && (r.left < 0 || r.right > W + 0.5))) {
        misses.push(`${what}: ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} is not inside ${W}×${H}`);
      }
      return r;
    };
    inWindow('the cluster', document.querySelector('#topology svg.topology'));
    inWindow('the playback controls', document.querySelector('#transport'));
    const scroller = document.querySelector('.log-scroller');
    if (!scroller) { misses.push('the log: missing'); return misses; }
    const sr = scroller.getBoundingClientRect();
    const head = inWindow('the log\'s column heads', document.querySelector('.log-colhead'), false);
    if (!head) return misses;
    const rows = [...document.querySelectorAll('.log-row[data-slot]')]
      .filter((e) => e.style.display !== 'none' && e.getClientRects().length)
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.bottom > head.bottom + 1 && r.top < sr.bottom)
      .sort((a, b) => a.r.top - b.r.top);
    if (!rows.length) {
      const empty = document.querySelector('.log-empty');
      if (empty && !empty.hidden) inWindow('the empty log\'s line', empty, false);
      else misses.push('no log row in view');
      return misses;
    }
    const total = document.querySelectorAll('.log-row[data-slot]').length;
    const want = Math.min(2, total);
    for (const { e, r } of rows.slice(0, want)) {
      const what = `log row of slot ${e.dataset.slot}`;
      inWindow(what, e, false);
      if (r.bottom > sr.bottom + 0.5) misses.push(`${what}: cut by the log's own scroll box`);
    }
    if (rows.length < want) misses.push(`only ${rows.length} log row(s) in view`);
    return misses;
  });
}

test.describe('the first screen at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('every preset: the cluster, the playback controls and the log\'s first rows without scrolling', async ({ page }) => {
    test.setTimeout(240_000);
    const failures = watchFailures(page);
    await open(page);
    const presets = await page.locator('#preset option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    expect(presets.length, 'the page lists the presets').toBeGreaterThan(10);
    const problems = [];
    for (const preset of presets) {
      await open(page, `#preset=${preset}`);
      await expect.poll(async () => (await view(page)).preset).toBe(preset);
      await page.waitForTimeout(150);
      let misses = await firstScreenMisses(page);
      if (misses.length) await shot(page, `fold-${preset}`);
      problems.push(...misses.map((m) => `${preset}: ${m}`));
      // And once the run went on until quiet (the log grows, the applied logs fill in).
      await page.getByRole('button', { name: 'Run until quiet' }).click();
      await page.waitForTimeout(150);
      misses = await firstScreenMisses(page);
      if (misses.length) await shot(page, `fold-${preset}-quiet`);
      problems.push(...misses.map((m) => `${preset} (run until quiet): ${m}`));
      // Nothing scrolled to get there: the page and its columns are at their top.
      const scrolled = await page.evaluate(() => [document.scrollingElement, ...document.querySelectorAll('.center, .rail')].filter((e) => e.scrollTop > 0).map((e) => e.className || e.tagName));
      if (scrolled.length) problems.push(`${preset}: scrolled: ${scrolled.join(', ')}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
    expect(failures.filter((f) => !/violat/i.test(f))).toEqual([]);
  });
});

/** The notices' boxes that overlap the Invariants panel's visible part. */
function noticesOverInvariants(page) {
  return page.evaluate(() => {
    const inv = document.querySelector('#invariants').getBoundingClientRect();
    const top = Math.max(inv.top, 0), bottom = Math.min(inv.bottom, window.innerHeight);
    // What the stack shows of a message: its box, cut by the stack's own scroll box.
    const box = document.querySelector('#notices').getBoundingClientRect();
    const out = [];
    for (const n of document.querySelectorAll('#notices .notice, #notices .notice-more')) {
      const b = n.getBoundingClientRect();
      const r = { left: Math.max(b.left, box.left), right: Math.min(b.right, box.right), top: Math.max(b.top, box.top), bottom: Math.min(b.bottom, box.bottom) };
      if (r.right <= r.left || r.bottom <= r.top || getComputedStyle(n).visibility === 'hidden') continue;
      if (r.left < inv.right && r.right > inv.left && r.top < bottom && r.bottom > top) out.push(n.textContent.trim().slice(0, 60));
    }
    return out;
  });
}

/** Raises `k` error notices (a refused configuration change, each with the core's reason) and an information one. */
async function raiseNotices(page, k) {
  await page.evaluate((count) => {
    const app = window.paxoscope.app;
    for (let i = 0; i < count; i++) app.notify('error', `Refused change ${i + 1}.`, 'The run is unchanged: a reconfiguration is already under way, and the core refuses a second one until the first takes effect.');
    app.notify('info', 'Link copied.', 'Paste it anywhere: it rebuilds this exact state.');
  }, k);
}

for (const [name, size] of [['1280', { width: 1280, height: 800 }], ['390', { width: 390, height: 844 }]]) {
  test.describe(`notices at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size, ...(size.width < 500 ? { isMobile: true, hasTouch: true } : {}) });

    test('toasts never cover the Invariants panel, and stay few', async ({ page }) => {
      await open(page, '#preset=bug-small-quorum');
      await raiseNotices(page, 6);
      // Few on screen at once: the newest, the older ones counted.
      const shown = await page.locator('#notices .notice').evaluateAll((els) => els.filter((e) => e.getClientRects().length).length);
      expect(shown, 'toasts on screen at once').toBeLessThanOrEqual(3);
      await expect(page.locator('#notices .notice-more')).toContainText('more');
      // Wherever the Invariants panel is in view, no toast is over it.
      for (const where of ['start', 'center', 'end']) {
        await page.locator('#invariants').evaluate((el, block) => el.scrollIntoView({ block }), where);
        await page.waitForTimeout(100);
        expect(await noticesOverInvariants(page), `toasts over the Invariants panel (panel scrolled to the ${where})`).toEqual([]);
      }
      await page.locator('#invariants .inv-summary').evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await page.waitForTimeout(100);
      expect(await noticesOverInvariants(page)).toEqual([]);
      await shot(page, `notices-${name}`);
      // The older ones come back when asked, and every one can be dismissed.
      await page.locator('#notices .notice-more').click();
      await expect(page.locator('#notices .notice.error')).toHaveCount(6);
      expect(await noticesOverInvariants(page)).toEqual([]);
      for (let i = 0; i < 10 && await page.locator('#notices .notice').count(); i++) {
        await page.locator('#notices .notice button[aria-label="Dismiss this message"]').first().click();
      }
      await expect(page.locator('#notices .notice')).toHaveCount(0);
    });
  });
}

/**
 * What of the cluster picture is hidden or cut: a badge (LEADER, CRASHED, …) over another
 * node or its caption, and any text outside the picture (the ring's title at phone width).
 * A badge may touch a neighbour's caption by a sliver (`slack` px², a sixth of the badge:
 * a ring crowded enough that the nodes themselves cover captions), never cover a node.
 */
function pictureProblems(page, slack = 200) {
  return page.evaluate((slackArea) => {
    const shownBox = (el) => (el && el.getClientRects().length && getComputedStyle(el).display !== 'none' ? el.getBoundingClientRect() : null);
    const area = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
    const out = [];
    const nodes = [...document.querySelectorAll('#topology .node, #topology .client')];
    for (const g of document.querySelectorAll('#topology .node')) {
      const badge = g.querySelector('.badge');
      if (!badge || badge.style.display === 'none') continue;
      const b = shownBox(badge);
      if (!b) continue;
      const text = badge.textContent;
      for (const o of nodes) {
        if (o === g) continue;
        const who = o.dataset.node ? `node ${o.dataset.node}` : `client ${o.dataset.client}`;
        const body = shownBox(o.querySelector('.body'));
        if (body && area(b, body) > 4) out.push(`${text} of node ${g.dataset.node} covers ${who} (${Math.round(area(b, body))} px²)`);
        const cap = shownBox(o.querySelector('.node-info'));
        if (cap && area(b, cap) > slackArea) out.push(`${text} of node ${g.dataset.node} covers the caption of ${who} (${Math.round(area(b, cap))} px²)`);
      }
    }
    // A title outside the zones (the ring's) keeps clear of them (the clients' column).
    const zones = [...document.querySelectorAll('#topology rect.zone')].map((z) => z.getBoundingClientRect());
    for (const t of document.querySelectorAll('#topology text.zone-label')) {
      const r = shownBox(t);
      if (!r) continue;
      const inside = zones.some((z) => r.left >= z.left && r.right <= z.right && r.top >= z.top && r.bottom <= z.bottom);
      if (!inside && zones.some((z) => area(r, z) > 0)) out.push(`the title "${t.textContent}" runs into a zone`);
    }
    const svg = document.querySelector('#topology svg.topology').getBoundingClientRect();
    for (const t of document.querySelectorAll('#topology text')) {
      const r = shownBox(t);
      if (r && r.width && (r.left < svg.left - 0.5 || r.right > svg.right + 0.5)) out.push(`cut off at the picture's edge: "${t.textContent}"`);
    }
    return out;
  }, slack);
}

for (const size of [{ width: 1280, height: 800 }, { width: 1680, height: 1000 }, { width: 390, height: 844 }]) {
  test.describe(`the cluster picture at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size, ...(size.width < 500 ? { isMobile: true, hasTouch: true } : {}) });

    test('5 to 9 servers with a leader: the LEADER badge covers no neighbour, no title is cut off', async ({ page }) => {
      test.setTimeout(180_000);
      const failures = watchFailures(page);
      await open(page);
      const problems = [];
      for (let n = 5; n <= 9; n++) {
        for (const seed of [1, 2]) {
          await page.evaluate(([k, s]) => { window.paxoscope.app.newRun({ layout: { kind: 'servers', n: k } }, s); window.paxoscope.app.runUntilQuiet(); }, [n, seed]);
          await page.waitForFunction((k) => {
            const v = window.paxoscope.view();
            const g = v.leader != null && document.querySelector(`#topology .node.leader[data-node="${v.leader}"] .badge`);
            return v.nodes.length === k && g && g.style.display !== 'none' && g.textContent === 'LEADER';
          }, n);
          const found = await pictureProblems(page);
          if (found.length) await page.locator('#topology').screenshot({ path: path.join(SCREENSHOTS, `layout-picture-${size.width}-n${n}-s${seed}.png`) });
          problems.push(...found.map((f) => `${n} servers, seed ${seed}: ${f}`));
        }
      }
      // A ring with a removed server has the longest title.
      await open(page, '#preset=replace-leader');
      await expect.poll(async () => (await view(page)).preset).toBe('replace-leader');
      await expect(page.locator('#topology .zone-label', { hasText: /removed/ })).toHaveCount(1);
      problems.push(...(await pictureProblems(page)).map((f) => `replace-leader: ${f}`));
      await page.evaluate(() => window.paxoscope.app.notices.clear());
      await shot(page, `picture-${size.width}`);
      expect(problems, problems.join('\n')).toEqual([]);
      expect(failures).toEqual([]);
    });
  });
}

test.describe('keyboard at 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('every Tab stop scrolls into view above the playback bar, not under it', async ({ page }) => {
    test.setTimeout(120_000);
    const failures = watchFailures(page);
    await open(page);
    const hidden = [];
    let first = null;
    for (let i = 0; i < 300; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const a = /** @type {HTMLElement} */ (document.activeElement);
        if (!a || a === document.body) return null;
        const key = `${a.tagName} ${a.id || a.getAttribute('aria-label') || a.textContent.trim().slice(0, 40)}`;
        if (a.closest('.transport-bar')) return { key, hidden: '' };
        const r = a.getBoundingClientRect();
        const x = Math.min(innerWidth - 1, Math.max(0, r.left + Math.min(r.width / 2, 10)));
        const y = Math.min(innerHeight - 1, Math.max(0, r.top + r.height / 2));
        const over = document.elementFromPoint(x, y);
        const bar = over && over.closest('.transport-bar');
        return { key, hidden: r.bottom <= 0 || r.top >= innerHeight ? 'out of view' : bar ? 'under the playback bar' : '' };
      });
      if (!f) continue;
      if (f.key === first) break;
      first ??= f.key;
      if (f.hidden) hidden.push(`${f.key}: ${f.hidden}`);
    }
    expect(hidden, hidden.join('\n')).toEqual([]);
    expect(failures).toEqual([]);
  });
});
