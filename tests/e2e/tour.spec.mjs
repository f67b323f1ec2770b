// The guided tour (issue 13): every stop of every chapter opens on the real core, each thing
// it highlights is on the page, and each fact its text states holds in the state at that
// stop (the stop's `facts`, checked by www/tour/engine.js against the page's own run); the
// text fits without scrolling at 1280×800 and the tour works at phone width; Next, Back,
// the arrow keys, deep links (good and bad), the reader's own action at a waiting stop,
// leaving and coming back; "why?" on a narrated event shows the core's rule and reason.
// Screenshots go to tests/e2e/screenshots/tour-*.png.
//
// Needs the real core (www/pkg, `make build`).
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { hasFile, watchFailures, SCREENSHOTS, topologyChips, chipPoint } from './helpers.mjs';

const REAL = hasFile('www/pkg/paxoscope.js') && !process.env.E2E_MOCK;
test.beforeEach(() => { test.skip(!REAL, 'needs the real core: run `make build` first'); });

async function open(page, hash = '') {
  await page.goto('about:blank'); // a new document each time, not a hash change
  await page.goto(`./${hash}`);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}
const shot = (page, name) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: path.join(SCREENSHOTS, `tour-${name}.png`) });
};
const tour = (page) => page.evaluate(() => window.paxoscope.app.tour.inspect());
const chapters = (page) => page.evaluate(() => window.paxoscope.app.tour.chapters.map((c) => ({ id: c.id, stops: c.stops.length })));
const panel = (page) => page.getByRole('region', { name: /./ }).filter({ has: page.locator('.tour-title') });

/** Waits until the tour shows stop `stop` of `chapter`, on its script, with highlights drawn. */
async function at(page, chapter, stop) {
  await expect.poll(async () => { const t = await tour(page); return `${t.chapter}#${t.stop}:${t.onScript}`; }).toBe(`${chapter}#${stop}:true`);
  await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#tour=${chapter}&stop=${stop}`);
  await expect.poll(async () => (await tour(page)).highlights.every((h) => h.found > 0)).toBe(true);
}

/** Everything a stop must satisfy: its facts hold, its highlights are there and marked. */
async function checkStop(page, where) {
  const t = await tour(page);
  expect(t.failing, `${where}: facts of the text that do not hold`).toEqual([]);
  if (t.broken) expect(t.broken.failing, `${where}: facts at the step where the rule broke`).toEqual([]);
  for (const h of t.highlights) expect(h.found, `${where}: highlight ${h.hl} is on the page`).toBeGreaterThan(0);
  if (t.highlights.length) expect(await page.locator('.tour-hl').count(), `${where}: highlighted elements`).toBeGreaterThan(0);
  return t;
}

test.describe('desktop 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('every stop of every chapter: facts hold, highlights exist, the text fits', async ({ page }) => {
    test.setTimeout(300_000);
    const failures = watchFailures(page);
    await open(page);
    await page.getByRole('button', { name: /Tour/ }).click();
    const all = await chapters(page);
    expect(all.length).toBeGreaterThanOrEqual(7);
    const bugs = await page.evaluate(() => window.paxoscope.api().bugs().map((b) => b.name));
    const bugStops = new Set();
    let first = true;
    for (const ch of all) {
      for (let s = 1; s <= ch.stops; s++) {
        if (!first) await page.getByRole('button', { name: /^Next/ }).click();
        first = false;
        await at(page, ch.id, s);
        const t = await checkStop(page, `${ch.id} stop ${s}`);
        // The text fits: the panel ends inside the window and nothing in it scrolls.
        const box = await page.locator('.tour-panel').evaluate((el) => {
          const r = el.getBoundingClientRect();
          return { bottom: r.bottom, right: r.right, scroll: el.scrollHeight - el.clientHeight, rail: el.parentElement.closest('.app') ? 0 : 1 };
        });
        expect(box.bottom, `${ch.id} stop ${s}: the tour panel ends inside 800 px`).toBeLessThanOrEqual(800);
        expect(box.scroll, `${ch.id} stop ${s}: the tour text needs no scrolling`).toBeLessThanOrEqual(0);
        await expect(page.locator('.tour-next')).toBeInViewport({ ratio: 1 });
        if (t.waits) await expect(page.locator('.tour-turn')).toBeVisible();
        if (ch.id === 'bugs') {
          const v = await page.evaluate(() => window.paxoscope.view());
          for (const b of v.config.bugs) bugStops.add(b);
          // A run with no agreement violation shows no "decided twice" panel (not the
          // previous stop's).
          if (!v.violations.some((x) => x.conflict)) await expect(page.locator('#conflict')).toBeHidden();
        }
        if (s === 1 || t.waits) await shot(page, `${ch.id}-${s}`);
      }
    }
    expect([...bugStops].sort(), 'one stop per injected bug').toEqual([...bugs].sort());
    // The last Next closes the tour.
    await expect(page.locator('.tour-next')).toHaveText('Finish');
    await page.locator('.tour-next').click();
    await expect(page.locator('.tour-panel')).toBeHidden();
    expect(failures).toEqual([]);
  });

  test('the reader does the waited-for step; Back, the arrow keys, leaving and coming back', async ({ page }) => {
    const failures = watchFailures(page);
    await open(page, '#tour=one-slot&stop=1');
    await at(page, 'one-slot', 1);
    await checkStop(page, 'one-slot stop 1');
    await expect(page.locator('.tour-turn')).toContainText('Deliver c1');
    // Deliver c1's Request by hand, from the list of messages in flight.
    const id = await page.evaluate(() => window.paxoscope.view().messages.find((m) => m.type === 'Request').id);
    await page.getByRole('button', { name: `Deliver message ${id}`, exact: true }).click();
    await at(page, 'one-slot', 2);
    await checkStop(page, 'one-slot stop 2');
    // "Do it for me" takes the step instead.
    await page.getByRole('button', { name: 'Do it for me' }).click();
    await at(page, 'one-slot', 3);
    // Arrow keys move between stops while the page shows the tour's state.
    await page.keyboard.press('ArrowRight');
    await at(page, 'one-slot', 4);
    await page.keyboard.press('ArrowLeft');
    await at(page, 'one-slot', 3);
    await page.getByRole('button', { name: '← Back' }).click();
    await at(page, 'one-slot', 2);
    // The browser's own Back and Forward walk the stops too.
    await page.goBack();
    await at(page, 'one-slot', 3);
    await page.goForward();
    await at(page, 'one-slot', 2);
    // A different step than the one asked for leaves the script; the page stays the reader's.
    const prepare3 = await page.evaluate(() => window.paxoscope.view().messages.find((m) => m.type === 'Prepare' && m.to.node === 3).id);
    await page.getByRole('button', { name: `Deliver message ${prepare3}`, exact: true }).click();
    await expect(page.locator('.tour-off')).toContainText('not the step this stop waits for');
    expect((await tour(page)).onScript).toBe(false);
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#z=|^#j=/);
    await shot(page, 'off-script');
    // Leave: the set-up rail is back and the run is the reader's to play with.
    await page.getByRole('button', { name: /Leave the tour/ }).click();
    await expect(page.locator('.tour-panel')).toBeHidden();
    await expect(page.locator('#controls')).toBeVisible();
    await page.keyboard.press('ArrowRight'); // a scheduler step, not a tour stop
    expect((await page.evaluate(() => window.paxoscope.view())).step).toBe(3);
    // Come back: the Tour button resumes where the reader left.
    await page.getByRole('button', { name: /Tour: resume at chapter 2, stop 2/ }).click();
    await at(page, 'one-slot', 2);
    await checkStop(page, 'one-slot stop 2 again');
    expect(failures).toEqual([]);
  });

  test('the cluster picture marks the messages a stop points at; its target is clicked where it is painted', async ({ page }) => {
    await open(page, '#tour=seed&stop=2');
    await at(page, 'seed', 2);
    // The stop highlights n7's Prepares and waits for the one to n4 (www/tour/chapters.js).
    const v = await page.evaluate(() => window.paxoscope.view());
    const prepares = v.messages.filter((m) => m.type === 'Prepare' && m.from.node === 7).map((m) => m.id).sort((a, b) => a - b);
    const toN4 = v.messages.find((m) => m.type === 'Prepare' && m.from.node === 7 && m.to.node === 4).id;
    await expect.poll(async () => (await topologyChips(page)).filter((c) => c.hl).flatMap((c) => c.ids).sort((a, b) => a - b)).toEqual(prepares);
    expect((await topologyChips(page)).filter((c) => c.target).flatMap((c) => c.ids)).toEqual([toN4]);
    // As the stop says: click it, then Deliver.
    const p = await chipPoint(page, (c) => c.target, 'the target chip');
    await page.mouse.click(p.x, p.y);
    await expect(page.locator('.msg-panel h3')).toContainText(`#${toN4}`);
    await page.locator('#inspector').getByRole('button', { name: `Deliver message ${toN4}`, exact: true }).click();
    await at(page, 'seed', 3);
  });

  test('deep links open a stop; a bad one says what is wrong and the page stays usable', async ({ page }) => {
    await open(page, '#tour=leader-crash&stop=4');
    await at(page, 'leader-crash', 4);
    await checkStop(page, 'leader-crash stop 4');
    await shot(page, 'deep-link');

    await open(page, '#tour=no-such-chapter&stop=2');
    await expect(page.locator('.notice.error')).toContainText('there is no chapter "no-such-chapter"');
    await expect(page.locator('.notice.error')).toContainText('one-slot');
    await expect(page.locator('.tour-panel')).toBeHidden();
    expect((await page.evaluate(() => window.paxoscope.view())).preset).toBe('seed-demo');
    await page.keyboard.press('ArrowRight');
    expect((await page.evaluate(() => window.paxoscope.view())).step).toBe(1);

    await open(page, '#tour=seed&stop=zero');
    await expect(page.locator('.notice.error')).toContainText('is not a stop number');

    await open(page, '#tour=seed&stop=99');
    await expect(page.locator('.notice.error')).toContainText('has 5 stops, not 99');
    await at(page, 'seed', 1);
  });

  test('a bug stop shows the step where its rule broke, and comes back to the violation', async ({ page }) => {
    // Switch the bug on from the tour; the run then breaks agreement.
    await open(page, '#tour=bugs&stop=7');
    await at(page, 'bugs', 7);
    await checkStop(page, 'bugs stop 7');
    expect((await page.evaluate(() => window.paxoscope.view())).config.bugs).toEqual([]);
    await page.getByRole('switch', { name: 'Switch accept-below-promise on' }).click();
    await at(page, 'bugs', 8);
    const t = await checkStop(page, 'bugs stop 8');
    expect((await page.evaluate(() => window.paxoscope.view())).config.bugs).toEqual(['accept-below-promise']);
    expect(t.broken.step).toBeLessThan((await page.evaluate(() => window.paxoscope.view())).step);
    await expect(page.locator('.tour-broken')).toContainText(`The rule broke at step ${t.broken.step}.`);
    await page.getByRole('button', { name: `Show step ${t.broken.step}` }).click();
    await expect.poll(async () => (await page.evaluate(() => window.paxoscope.view())).step).toBe(t.broken.step);
    await expect(page.locator('.tour-broken')).toContainText('the rule breaks here');
    await expect(page.locator('.tour-off')).toBeHidden();
    await expect(page.locator('#narration .narration-now li[data-event="accepted_value"]')).toContainText('n4 accepted slot 0 in b=1.2');
    await shot(page, 'bug-broken-step');
    await page.getByRole('button', { name: /^Back to step/ }).click();
    await at(page, 'bugs', 8);
  });

  test('"why?" on a narrated event gives the rule and why it applied here', async ({ page }) => {
    await open(page, '#tour=duel&stop=4');
    await at(page, 'duel', 4);
    const line = page.locator('#narration .narration-now li[data-event="refused_prepare"]');
    await expect(line).toHaveCount(1);
    await line.getByRole("button", { name: "Why? Rule 2" }).click();
    await expect(line.locator('.why-rule')).toContainText('Rule 2.');
    await expect(line.locator('.why-rule')).toContainText('promises only at or above its promise');
    await expect(line.locator('.why-here')).toContainText('It already promised b=1.2, which is higher than b=1.1');
    await shot(page, 'why');
    // A line that is not a protocol event (here the delivery that caused it) says why too:
    // the network model behind it, with no rule.
    const delivered = page.locator('#narration .narration-now li').filter({ hasText: /^N\d+delivered / });
    await expect(delivered).toHaveCount(1);
    await delivered.getByRole('button', { name: 'Why?', exact: true }).click();
    await expect(delivered.locator('.why-rule')).toHaveCount(0);
    await expect(delivered.locator('.why-here')).toContainText('The network is asynchronous');
  });

  test('"why?" on a crash, a loss and a tick names the part of the model behind it', async ({ page }) => {
    await open(page);
    const narrated = page.locator('#narration .narration-now li');
    const ask = async (text, answer) => {
      const line = narrated.filter({ hasText: text });
      await expect(line).toHaveCount(1);
      await line.getByRole('button', { name: 'Why?', exact: true }).click();
      await expect(line.locator('.why-here')).toBeVisible();
      await expect(line.locator('.why-here')).toContainText(answer);
    };
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const id = await page.evaluate(() => window.paxoscope.view().messages[0].id);
    await page.locator(`.flight-item[data-msg="${id}"]`).getByRole('button', { name: `Drop message ${id}` }).click();
    await ask('dropped', 'The network may lose any message');
    await page.getByRole('button', { name: 'Crash node 1' }).first().click();
    await ask('n1 crashed', 'What it wrote to disk before answering');
    await page.getByRole('button', { name: 'Advance time by one tick' }).click();
    await ask('time advanced', 'moves time forward only when no message or timer is due');
    await shot(page, 'why-model');
  });
});

test.describe('phone 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('every stop opens and its controls are on screen', async ({ page }) => {
    test.setTimeout(300_000);
    const failures = watchFailures(page);
    await open(page);
    await page.getByRole('button', { name: /Tour/ }).click();
    const all = await chapters(page);
    let first = true;
    for (const ch of all) {
      for (let s = 1; s <= ch.stops; s++) {
        if (!first) await page.locator('.tour-next').click();
        first = false;
        await at(page, ch.id, s);
        await checkStop(page, `phone: ${ch.id} stop ${s}`);
        const box = await page.locator('.tour-panel').boundingBox();
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(390);
        await expect(page.locator('.tour-next')).toBeInViewport({ ratio: 1 });
        await expect(page.locator('.tour-title')).toBeInViewport();
        if (s === 1 && ['one-slot', 'bugs'].includes(ch.id)) await shot(page, `phone-${ch.id}`);
      }
    }
    // No sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(failures).toEqual([]);
  });
});
