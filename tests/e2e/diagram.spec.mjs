// The message sequence diagram: acting on a message from the diagram delivers exactly that
// message; the diagram's cursor and the timeline follow each other both ways; the SVG export
// is a valid SVG document and the Mermaid export a sequence diagram; the causal slice of a
// known scenario highlights exactly the events the core's happens-before relation gives; after
// playing (the view jumps a quarter at a time) and after quick jumps every panel catches up
// with the step (out-of-view panels wait); the windows asked while playing (spacetimeSince,
// what the page holds left out) draw what a whole window draws, also after a fork.
// Screenshots at 1280×800 and 375 px go to tests/e2e/screenshots/.
//
// Needs the real wasm module (www/pkg, `make build`): the mock API keeps no space-time record.
import { test, expect } from '@playwright/test';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { hasFile, skipUnless, watchFailures, SCREENSHOTS } from './helpers.mjs';

const REAL = !process.env.E2E_MOCK && hasFile('www/pkg/paxoscope.js');
const STEP_W = 16; // www/diagram-model.js

/** Three servers and one idle client; node 1's election timer fired (step 1). */
function electionLink() {
  const scenario = {
    config: { layout: { kind: 'servers', n: 3 }, clients: 1, network: { delay_ticks_max: 0 } },
    seed: 7,
    actions: [{ type: 'fire_timer', node: 1, timer: 'election' }],
  };
  return `#j=${Buffer.from(JSON.stringify(scenario)).toString('base64url')}&step=1`;
}

async function open(page, hash) {
  await page.goto(`./${hash}`);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}

async function showDiagram(page) {
  await page.getByRole('tab', { name: 'Diagram' }).click();
  await expect(page.getByRole('group', { name: 'Message sequence diagram' })).toBeVisible();
}

const state = (page) => page.evaluate(() => window.paxoscope.state());

/** The in-flight message of `type` to node `to`, from the state. */
async function inFlight(page, type, to) {
  const s = await state(page);
  const m = s.messages.find((x) => x.type === type && x.to.node === to);
  expect(m, `${type} to n${to} in flight`).toBeTruthy();
  return m;
}

/** What the diagram shows (window.paxoscope.diagram(): its scene, painted or SVG). */
const shown = (page) => page.evaluate(() => window.paxoscope.diagram());

/** The arrow of message `id` as the diagram shows it, or null. */
const arrowOf = (page, id) => page.evaluate((i) => ((window.paxoscope.diagram() || { arrows: [] }).arrows.find((a) => a.id === i)) || null, id);

/** Distance from (x, y) to the segment a (x1, y1)–(x2, y2). */
function toSegment(x, y, a) {
  const dx = a.x2 - a.x1, dy = a.y2 - a.y1;
  const t = Math.max(0, Math.min(1, ((x - a.x1) * dx + (y - a.y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(a.x1 + t * dx - x, a.y1 + t * dy - y);
}

/** Delivers message `id` through the diagram: its dangling end, then Deliver. */
async function deliverFromDiagram(page, id) {
  const ring = page.locator(`.dg-dangle[data-id="${id}"]`);
  await expect(ring).toHaveCount(1);
  await ring.click();
  await page.getByRole('button', { name: `Deliver message #${id}` }).click();
}

test('acting on a message from the diagram delivers exactly that message', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, electionLink());
  await showDiagram(page);
  const before = await state(page);
  const prepares = before.messages.filter((m) => m.type === 'Prepare');
  expect(prepares.map((m) => m.to.node).sort()).toEqual([2, 3]);
  // Both Prepares dangle to "now" and can be acted on.
  await expect(page.locator('.dg-dangle:not(.off)')).toHaveCount(2);
  const target = prepares.find((m) => m.to.node === 3);
  await deliverFromDiagram(page, target.id);
  await expect.poll(async () => (await state(page)).step).toBe(2);
  const after = await state(page);
  // Exactly that message left the wire; the other Prepare is still in flight, and the only
  // new messages are n3's answers.
  const ids = new Set(after.messages.map((m) => m.id));
  expect(ids.has(target.id)).toBe(false);
  for (const m of before.messages) if (m.id !== target.id) expect(ids.has(m.id)).toBe(true);
  for (const m of after.messages) if (!before.messages.some((b) => b.id === m.id)) expect(m.from).toEqual({ node: 3 });
  expect(after.stats.delivered).toEqual({ Prepare: 1 });
  const recorded = await page.evaluate((id) => window.paxoscope.playground().spacetime(0, 2).messages.find((m) => m.id === id), target.id);
  expect(recorded.end).toMatchObject({ step: 2, fate: 'delivered' });
  // The diagram now draws it as an arrow that ends on n3's lane (painted on the canvas).
  await expect.poll(async () => (await arrowOf(page, target.id))?.state).toBe('done');
  const drawn = await arrowOf(page, target.id);
  expect(drawn.fate).toBe('delivered');
  const d = await shown(page);
  const n3 = d.events.find((e) => e.lane === 'n3');
  expect(drawn.y2).toBe(n3.y);
  await expect(page.locator(`.dg-dangle[data-id="${target.id}"]`)).toHaveCount(0);

  // Drop and duplicate from the diagram too.
  const other = prepares.find((m) => m.to.node === 2);
  await page.locator(`.dg-dangle[data-id="${other.id}"]`).click();
  await page.getByRole('button', { name: `Duplicate message #${other.id}` }).click();
  await expect.poll(async () => (await state(page)).step).toBe(3);
  const dup = (await state(page)).messages.filter((m) => m.type === 'Prepare' && m.to.node === 2);
  expect(dup).toHaveLength(2);
  await page.locator(`.dg-dangle[data-id="${other.id}"]`).click();
  await page.getByRole('button', { name: `Drop message #${other.id}` }).click();
  await expect.poll(async () => (await state(page)).step).toBe(4);
  const s4 = await state(page);
  expect(s4.messages.some((m) => m.id === other.id)).toBe(false);
  expect(s4.messages.filter((m) => m.type === 'Prepare' && m.to.node === 2)).toHaveLength(1);
  // It ends in a cross: dropped.
  await expect.poll(async () => (await arrowOf(page, other.id))?.fate).toBe('dropped');
  expect(failures, failures.join('\n')).toEqual([]);
});

test('the diagram and the timeline follow each other both ways', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, '#preset=seed-demo');
  await page.evaluate(() => { window.paxoscope.playground().runUntilQuiet(400); window.paxoscope.app.render(); });
  await showDiagram(page);
  const total = (await state(page)).total_steps;
  expect(total).toBeGreaterThan(40);
  const cursorX = () => page.locator('.dg-cursor').getAttribute('transform');

  // Timeline → diagram.
  const slider = page.getByLabel('Timeline: choose the step to view');
  await slider.fill('25');
  await expect.poll(async () => (await state(page)).step).toBe(25);
  await expect.poll(cursorX).toBe(`translate(${25 * STEP_W + STEP_W},0)`);
  await slider.fill(String(total - 3));
  await expect.poll(cursorX).toBe(`translate(${(total - 3) * STEP_W + STEP_W},0)`);

  // Diagram → timeline: click an event mark (an election, a decision) and the run seeks there.
  const mark = page.locator('.dg-ev.decided, .dg-ev.elected, .dg-ev.election').first();
  await expect(mark).toBeVisible();
  const step = Number(await mark.getAttribute('data-step'));
  await mark.click();
  await expect.poll(async () => (await state(page)).step).toBe(step);
  await expect(slider).toHaveValue(String(step));
  await expect.poll(cursorX).toBe(`translate(${step * STEP_W + STEP_W},0)`);
  // Clicking an arrow (painted on the canvas) seeks to its delivery: a real click on the
  // middle of a delivered arrow that nothing else comes near.
  const d = await shown(page);
  const box = await page.locator('.dg-svg').boundingBox();
  const view = await page.locator('.dg-scroller').boundingBox();
  const pick = d.arrows.map((a) => ({ a, x: (a.x1 + a.x2) / 2, y: (a.y1 + a.y2) / 2 })).find(({ a, x, y }) => {
    if (a.state !== 'done' || a.fate !== 'delivered') return false;
    const px = box.x + x - d.from * STEP_W, py = box.y + y;
    if (px < view.x + 60 || px > view.x + view.width - 20 || py < view.y + 10 || py > view.y + view.height - 20) return false;
    return d.arrows.every((b) => b === a || toSegment(x, y, b) > 7) && d.events.every((e) => Math.hypot(e.x - x, e.y - y) > 10);
  });
  expect(pick, 'a delivered arrow clear of the others in view').toBeTruthy();
  const px = box.x + pick.x - d.from * STEP_W, py = box.y + pick.y;
  // The canvas has it painted there.
  const ink = await page.evaluate(({ x, y }) => {
    const c = document.querySelector('.dg-canvas');
    const r = c.getBoundingClientRect();
    const k = c.width / r.width;
    const data = c.getContext('2d').getImageData(Math.round((x - r.left) * k) - 1, Math.round((y - r.top) * k) - 1, 3, 3).data;
    let alpha = 0;
    for (let i = 3; i < data.length; i += 4) alpha = Math.max(alpha, data[i]);
    return alpha;
  }, { x: px, y: py });
  expect(ink, 'the arrow is painted on the canvas').toBeGreaterThan(100);
  const end = await page.evaluate((i) => window.paxoscope.playground().spacetime(0, 1e9).messages.find((m) => m.index === i).end, pick.a.index);
  await page.mouse.click(px, py);
  await expect.poll(async () => (await state(page)).step).toBe(end.step);
  await expect(slider).toHaveValue(String(end.step));
  // A click on a painted send or receive picks that event: the timeline seeks to it.
  const d2 = await shown(page);
  const box2 = await page.locator('.dg-svg').boundingBox();
  const dot = d2.events.find((e) => (e.kind === 'send' || e.kind === 'receive') && e.step !== end.step
    && box2.x + e.x - d2.from * STEP_W > view.x + 60 && box2.x + e.x - d2.from * STEP_W < view.x + view.width - 20
    && d2.events.every((o) => o === e || Math.hypot(o.x - e.x, o.y - e.y) > 8));
  expect(dot, 'a send or receive clear of the other events in view').toBeTruthy();
  await page.mouse.click(box2.x + dot.x - d2.from * STEP_W, box2.y + dot.y);
  await expect.poll(async () => (await state(page)).step).toBe(dot.step);
  await expect(page.getByRole('region', { name: 'Why: the causal past of the selected event' })).toBeVisible();
  expect(failures, failures.join('\n')).toEqual([]);
});

test('the visible part exports as a valid SVG file and as Mermaid text', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, '#preset=seed-demo');
  await page.evaluate(() => { for (let i = 0; i < 30; i++) window.paxoscope.playground().step(); window.paxoscope.app.render(); });
  await showDiagram(page);
  const [svgDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.dg-export summary').click().then(() => page.getByRole('button', { name: 'Export the visible part of the diagram as an SVG file' }).click()),
  ]);
  expect(svgDownload.suggestedFilename()).toMatch(/^paxoscope-steps-\d+-\d+\.svg$/);
  const svgText = readFileSync(await svgDownload.path(), 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      error: doc.getElementsByTagName('parsererror').length,
      root: root.localName, ns: root.namespaceURI,
      width: Number(root.getAttribute('width')), lines: doc.getElementsByTagName('line').length,
      labels: [...doc.getElementsByTagName('text')].map((t) => t.textContent).filter((t) => /^[nc]\d$/.test(t)),
      titles: [...doc.getElementsByTagName('title')].map((t) => t.textContent),
      dangling: doc.querySelectorAll('line[stroke-dasharray]').length,
    };
  }, svgText);
  // Built from what the diagram shows, not from the screen: every message the diagram
  // shows whose arrow lies in the exported steps is in the file, with its words, and every
  // message in flight dangles (dashed).
  const [, from, to] = svgDownload.suggestedFilename().match(/(\d+)-(\d+)/).map(Number);
  const d = await shown(page);
  const settled = d.arrows.filter((a) => a.state !== 'flight' && Math.min(a.x1, a.x2) >= from * STEP_W && Math.max(a.x1, a.x2) <= (to + 1) * STEP_W);
  expect(settled.length).toBeGreaterThan(3);
  for (const a of settled) expect(parsed.titles.some((t) => t.startsWith(`#${a.id} `)), `message #${a.id} in the file`).toBe(true);
  expect(parsed.dangling).toBe(d.arrows.filter((a) => a.state === 'flight').length);
  expect(parsed.error).toBe(0);
  expect(parsed.root).toBe('svg');
  expect(parsed.ns).toBe('http://www.w3.org/2000/svg');
  expect(parsed.width).toBeGreaterThan(100);
  expect(parsed.lines).toBeGreaterThan(10);
  expect(parsed.labels).toEqual(expect.arrayContaining(['n1', 'n6', 'n7', 'c1']));
  // It renders on its own (no page styles needed): load it as an image.
  const size = await page.evaluate(async (text) => {
    const img = new Image();
    img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`;
    await img.decode();
    return img.naturalWidth;
  }, svgText);
  expect(size).toBe(parsed.width);

  const [mmd] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.dg-export summary').click().then(() => page.getByRole('button', { name: 'Export the visible part of the diagram as Mermaid text' }).click()),
  ]);
  const text = readFileSync(await mmd.path(), 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toBe('sequenceDiagram');
  expect(lines).toEqual(expect.arrayContaining(['participant n6 as node 6', 'participant c1 as client 1']));
  expect(text).toMatch(/^n6->>n\d: #35;\d+ Prepare b=1\.6/m);
  expect(text).toMatch(/^Note over n7: elect/m);
  expect(failures, failures.join('\n')).toEqual([]);
});

test('the causal slice highlights exactly the core\'s happens-before past', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, electionLink());
  await showDiagram(page);
  // n2 promises, n1 wins with n2's Promise, and only then does n3 get its Prepare.
  await deliverFromDiagram(page, (await inFlight(page, 'Prepare', 2)).id);
  await expect.poll(async () => (await state(page)).step).toBe(2);
  await deliverFromDiagram(page, (await inFlight(page, 'Promise', 1)).id);
  await expect.poll(async () => (await state(page)).leader).toBe(1);
  await deliverFromDiagram(page, (await inFlight(page, 'Prepare', 3)).id);
  await expect.poll(async () => (await state(page)).step).toBe(4);

  const elected = page.locator('.dg-ev.elected');
  await expect(elected).toHaveCount(1);
  const sel = Number(await elected.getAttribute('data-event'));
  await elected.click();
  await expect(page.getByRole('region', { name: 'Why: the causal past of the selected event' })).toBeVisible();
  await expect.poll(async () => (await state(page)).step).toBe(3);
  // Every event the diagram shows (sends and receives painted, lane events as SVG).
  await expect.poll(async () => (await shown(page)).events.every((e) => e.past != null)).toBe(true);
  const marks = (await shown(page)).events.map((e) => ({ index: e.index, past: e.past, lane: e.lane, opacity: e.opacity }));
  expect(marks.length).toBeGreaterThan(8);
  // The lane events drawn as SVG say the same.
  const svgMarks = await page.locator('.dg-ev[data-past]').evaluateAll((els) => els.map((e) => ({
    index: Number(e.getAttribute('data-event')), past: e.getAttribute('data-past') === '1',
  })));
  expect(svgMarks.length).toBeGreaterThan(0);
  for (const m of svgMarks) expect(marks.find((x) => x.index === m.index)?.past).toBe(m.past);
  // What is outside the past is dimmed.
  for (const m of marks) if (!m.past) expect(m.opacity).toBeLessThan(0.5);
  const expected = await page.evaluate(({ list, b }) => {
    const pg = window.paxoscope.playground();
    return list.map((m) => m.index === b || pg.happenedBefore(m.index, b));
  }, { list: marks, b: sel });
  expect(marks.map((m) => m.past)).toEqual(expected);
  // The past is n1's and n2's: nothing of n3 or the client.
  expect(marks.filter((m) => m.past).map((m) => m.lane).sort()).toEqual(
    expect.arrayContaining(['n1', 'n2']));
  expect(marks.filter((m) => m.past && (m.lane === 'n3' || m.lane === 'c1'))).toEqual([]);
  // The narration lists the chain in order: n1 sends Prepare, n2 receives it, n2 sends its
  // Promise, n1 receives it, n1 leads.
  const chain = page.locator('.dg-chain li');
  await expect(chain).toHaveCount(5);
  await expect(chain.nth(0)).toContainText('n1 sends');
  await expect(chain.nth(0)).toContainText('Prepare');
  await expect(chain.nth(1)).toContainText('n2 receives');
  await expect(chain.nth(2)).toContainText('n2 sends');
  await expect(chain.nth(2)).toContainText('Promise');
  await expect(chain.nth(3)).toContainText('n1 receives');
  await expect(chain.nth(4)).toContainText('n1 leads with b=');
  expect(failures, failures.join('\n')).toEqual([]);
});

test('screenshots: the diagram at 1280×800 and at 375 px', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, '#preset=seed-demo');
  // The cluster, the playback controls and the first log rows are in view without scrolling.
  for (const sel of ['#topology svg', '#transport', '.log-scroller']) {
    const box = await page.locator(sel).first().boundingBox();
    expect(box, sel).toBeTruthy();
    expect(box.y, `${sel} starts within the first screen`).toBeLessThan(800 - 40);
  }
  await page.evaluate(() => { for (let i = 0; i < 60; i++) window.paxoscope.playground().step(); window.paxoscope.app.render(); });
  // The first row of the replicated log is in view too.
  const row = page.locator('.log-row:visible').first();
  await expect(row).toBeVisible();
  const rb = await row.boundingBox();
  expect(rb.y + rb.height, 'the first log row ends within the first screen').toBeLessThanOrEqual(800);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'diagram-cluster-1280.png') });
  await showDiagram(page);
  const elected = page.locator('.dg-ev.elected, .dg-ev.decided').first();
  if (await elected.count()) await elected.click();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'diagram-1280.png') });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.getByRole('tab', { name: 'Diagram' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'diagram-375.png'), fullPage: false });
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(w).toBeLessThanOrEqual(375);
});

test('side by side where the window is wide enough, a tab where it is not', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1680, height: 1000 });
  await open(page, '#preset=seed-demo');
  await page.evaluate(() => { for (let i = 0; i < 40; i++) window.paxoscope.playground().step(); window.paxoscope.app.render(); });
  const split = page.getByRole('tab', { name: 'Side by side' });
  await expect(split).toHaveAttribute('aria-selected', 'true');
  const cluster = page.locator('#topology svg.topology');
  const diagram = page.getByRole('group', { name: 'Message sequence diagram' });
  await expect(cluster).toBeVisible();
  await expect(diagram).toBeVisible();
  const cb = await page.locator('#topology').boundingBox();
  const db = await page.locator('#diagram').boundingBox();
  expect(db.x, 'the diagram is right of the cluster').toBeGreaterThanOrEqual(cb.x + cb.width - 1);
  expect(Math.abs(db.y - cb.y), 'side by side, not stacked').toBeLessThan(60);
  expect(db.width).toBeGreaterThan(380);
  // Both follow the timeline: the diagram's cursor is at the current step.
  await expect(page.locator('.dg-cursor')).toHaveAttribute('transform', `translate(${40 * STEP_W + STEP_W},0)`);
  // The cluster, the playback controls and the first log row stay on the first screen.
  const row = page.locator('.log-row:visible').first();
  await expect(row).toBeVisible();
  const rb = await row.boundingBox();
  expect(rb.y + rb.height).toBeLessThanOrEqual(1000);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'diagram-split-1680.png') });
  // Narrower: the split tab goes away and the cluster comes back alone; the diagram is a tab.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(split).toBeHidden();
  await expect(page.getByRole('tab', { name: 'Cluster' })).toHaveAttribute('aria-selected', 'true');
  await expect(cluster).toBeVisible();
  await expect(diagram).toBeHidden();
  await showDiagram(page);
  await expect(cluster).toBeHidden();
  // Wide again: a tab chosen by hand stays chosen.
  await page.setViewportSize({ width: 1680, height: 1000 });
  await expect(split).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Diagram' })).toHaveAttribute('aria-selected', 'true');
  await split.click();
  await expect(cluster).toBeVisible();
  await expect(diagram).toBeVisible();
  expect(failures, failures.join('\n')).toEqual([]);
});

test('keyboard: one tab stop in the diagram, arrow keys move, Enter acts, the focus shows', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, electionLink());
  await showDiagram(page);
  const before = await state(page);
  const toN2 = before.messages.find((m) => m.type === 'Prepare' && m.to.node === 2);
  const toN3 = before.messages.find((m) => m.type === 'Prepare' && m.to.node === 3);
  // One tab stop: Tab from the scroller lands on the event nearest the cursor (n1 starts
  // its election at step 1).
  await page.locator('.dg-scroller').focus();
  await page.keyboard.press('Tab');
  const active = () => page.evaluate(() => {
    const a = document.activeElement;
    return a ? { cls: a.getAttribute('class'), event: a.getAttribute('data-event'), id: a.getAttribute('data-id'), label: a.getAttribute('aria-label'),
      role: a.getAttribute('role'), visible: a.matches(':focus-visible'), stops: document.querySelectorAll('.dg-svg [tabindex="0"]').length,
      ring: a.querySelector('.hit') ? getComputedStyle(a.querySelector('.hit')).stroke : getComputedStyle(a).strokeWidth } : null;
  });
  let a = await active();
  expect(a.cls).toMatch(/dg-ev election/);
  expect(a.role).toBe('button');
  expect(a.label).toMatch(/^step 1: n1 /);
  expect(a.visible, 'the focus is visible').toBe(true);
  expect(a.ring, 'a focus ring is drawn').not.toBe('none');
  expect(a.stops, 'one tab stop in the diagram').toBe(1);
  // ↓ goes to the row below: the dangling end of the Prepare to n2 (between lanes n1 and n2).
  await page.keyboard.press('ArrowDown');
  a = await active();
  expect(a.cls).toMatch(/dg-dangle/);
  expect(Number(a.id)).toBe(toN2.id);
  expect(a.label).toContain(`#${toN2.id}`);
  expect(a.stops).toBe(1);
  // ← along that row has nothing else; ↓ again: the Prepare to n3.
  await page.keyboard.press('ArrowDown');
  a = await active();
  expect(Number(a.id)).toBe(toN3.id);
  // Enter acts: deliver, drop or duplicate; Enter on Deliver delivers exactly that message.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: `Deliver message #${toN3.id}` })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await state(page)).step).toBe(2);
  const after = await state(page);
  expect(after.messages.some((m) => m.id === toN3.id)).toBe(false);
  expect(after.messages.some((m) => m.id === toN2.id)).toBe(true);
  // Back into the diagram (the focus is on n3's receive now): ↑ up to n1's lane, along it
  // (its events at step 1 share a column: ←/→ go through them in order) to the election;
  // Enter on it shows why it happened and seeks there.
  await page.locator('.dg-scroller').focus();
  await page.keyboard.press('Tab');
  expect((await active()).label).toMatch(/^step 2: n3 /);
  for (let i = 0; i < 6 && !/: n1 /.test((await active()).label || ''); i++) await page.keyboard.press('ArrowUp');
  for (const key of ['Home', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight']) {
    if (/election/.test((await active()).cls || '')) break;
    await page.keyboard.press(key);
  }
  a = await active();
  expect(a.cls).toMatch(/dg-ev election/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Why: the causal past of the selected event' })).toBeVisible();
  await expect.poll(async () => (await state(page)).step).toBe(1);
  await expect.poll(async () => (await active()).event).toBe(a.event);
  expect(failures, failures.join('\n')).toEqual([]);
});

// While playing, a frame takes a step or does the drawing that can wait (the diagram's next
// window, a reader panel), and panels out of view wait until they are in view; paused, and
// after jumps, every part shows the step the run is at.
test('playing and jumping, every panel catches up with the step once the run stops', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, '#preset=seed-demo');
  await showDiagram(page);
  // 80 steps on, "now" has reached the right of the view.
  await page.evaluate(() => { for (let i = 0; i < 80; i++) window.paxoscope.playground().step(); window.paxoscope.app.render(); });
  await expect.poll(() => page.evaluate(() => { const d = window.paxoscope.diagram(); return !!d && d.cursor === window.paxoscope.app.view.step; })).toBe(true);
  // The statistics are far below the first screen (out of view), the messages in flight in it.
  const statsBox = await page.locator('#stats').boundingBox();
  expect(statsBox.y, 'the statistics start below the first screen').toBeGreaterThan(800 + 200);
  const sentShown = () => page.locator('#stats .kpi-v').nth(2).textContent();
  const sentNow = () => page.evaluate(() => Object.values(window.paxoscope.app.view.stats.sent).reduce((a, b) => a + b, 0));
  const sent0 = await sentNow();
  await expect.poll(sentShown).toBe(String(sent0));
  /** Every part shows the run's step: the diagram's window and cursor, the statistics, the list in flight, the replicated log's newest row (following the newest). */
  const caughtUp = () => page.evaluate(() => {
    const app = window.paxoscope.app;
    const v = app.view;
    const d = window.paxoscope.diagram();
    const sent = Object.values(v.stats.sent).reduce((a, b) => a + b, 0);
    return {
      cursor: d && d.cursor === v.step && d.from <= v.step && d.to >= v.step,
      stats: document.querySelectorAll('#stats .kpi-v')[2].textContent === String(sent),
      flight: document.querySelectorAll('#flight .flight-item').length === v.messages.length,
      step: v.step === window.paxoscope.playground().view().step,
      log: (() => {
        const lg = v.log || { first_slot: 0, end_slot: 0 };
        if (lg.end_slot <= lg.first_slot) return true;
        const row = /** @type {HTMLElement | null} */ (document.querySelector(`#log .log-row[data-slot="${lg.end_slot - 1}"]`));
        if (!row || getComputedStyle(row).visibility === 'hidden') return false;
        const a = row.getBoundingClientRect(), s = document.querySelector('#log .log-scroller').getBoundingClientRect();
        return a.top >= s.top && a.bottom <= s.bottom + 1;
      })(),
    };
  });
  const all = { cursor: true, stats: true, flight: true, step: true, log: true };

  // While the run grows at its end the view jumps a quarter of its width at a time, not one
  // step at a time: "now" walks across the last quarter.
  const step0 = await page.evaluate(() => {
    window.__scrolls = 0;
    document.querySelector('.dg-scroller').addEventListener('scroll', () => { window.__scrolls += 1; });
    return window.paxoscope.app.view.step;
  });
  await page.evaluate(() => { window.paxoscope.app.setSpeed(30); window.paxoscope.app.play(); });
  await expect.poll(async () => (await page.evaluate(() => window.paxoscope.app.view.step)), { timeout: 20_000 }).toBeGreaterThan(step0 + 30);
  // While playing the diagram's window follows the cursor (drawn in frames without a step),
  // and the statistics, out of view, are left as they were.
  await expect.poll(() => page.evaluate(() => { const d = window.paxoscope.diagram(); return !!d && d.to >= window.paxoscope.app.view.step - 20; })).toBe(true);
  const [shownWhilePlaying, sentWhilePlaying] = await page.evaluate(() => [document.querySelectorAll('#stats .kpi-v')[2].textContent,
    Object.values(window.paxoscope.app.view.stats.sent).reduce((a, b) => a + b, 0)]);
  expect(sentWhilePlaying).toBeGreaterThan(sent0);
  expect(shownWhilePlaying, 'a panel out of view is not drawn while playing').toBe(String(sent0));
  await page.evaluate(() => window.paxoscope.app.pause());
  await expect.poll(caughtUp).toEqual(all);
  expect(Number(await sentShown())).toBeGreaterThan(sent0);
  const played = await page.evaluate(() => window.paxoscope.app.view.step) - step0;
  const scrolls = await page.evaluate(() => window.__scrolls);
  expect(scrolls, `${scrolls} scrolls over ${played} steps`).toBeLessThanOrEqual(Math.ceil(played / 3));
  // "Now" is in view.
  const cur = await page.locator('.dg-cursor line').boundingBox();
  const sc = await page.locator('.dg-scroller').boundingBox();
  expect(cur.x).toBeGreaterThan(sc.x + 40);
  expect(cur.x).toBeLessThan(sc.x + sc.width);

  // Jumps in quick succession (one a frame): the readers of the earlier ones give way, and
  // every part ends at the last step jumped to.
  const total = await page.evaluate(() => window.paxoscope.app.view.total_steps);
  await page.evaluate((n) => new Promise((resolve) => {
    const app = window.paxoscope.app;
    const to = [Math.floor(n / 3), n - 2, 5, Math.floor(n / 2), Math.floor((2 * n) / 3)];
    const next = () => { if (!to.length) { resolve(); return; } app.seek(to.shift()); requestAnimationFrame(next); };
    next();
  }), total);
  await expect.poll(async () => (await state(page)).step).toBe(Math.floor((2 * total) / 3));
  await expect.poll(caughtUp).toEqual(all);
  // Back to a shorter log: the log grid follows it down to its newest row.
  await page.evaluate((n) => window.paxoscope.app.seek(Math.floor(n / 3)), total);
  await expect.poll(async () => (await state(page)).step).toBe(Math.floor(total / 3));
  await expect.poll(caughtUp).toEqual(all);
  expect(failures, failures.join('\n')).toEqual([]);
});

test('a jump in a long history replays over frames and lands on the step asked for, also when the page is drawn before it got there', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await open(page, '#preset=seed-demo');
  const r = await page.evaluate(() => {
    const app = window.paxoscope.app;
    const sc = { config: { layout: { kind: 'servers', n: 5 }, clients: 3, workload: { random_ops: 100000, keys: 3 }, check: true },
      seed: 1, actions: [{ type: 'auto', n: 100000 }] };
    if (!app.loadScenario(JSON.stringify(sc), null, { push: false })) throw new Error('loadScenario failed');
    const pg = app.pg;
    // In parts, straight from the core: every call replays at most 50 steps, none goes past.
    let calls = 1;
    while (!pg.seekToward(30001, 50)) { calls += 1; if (pg.view().step >= 30001) throw new Error('past the step'); }
    const inParts = pg.traceDigest();
    pg.seek(100);
    pg.seek(30001);
    const same = inParts === pg.traceDigest();
    // Through the page: drawn (a selection) before the replay finished, at the step all the
    // same. 1,023 steps past a checkpoint (every 1,024 steps), with a clock that runs fast
    // so that the frame's part of the replay ends after its first call on any machine.
    pg.seek(100);
    let fast = performance.now();
    performance.now = () => (fast += 10);
    app.seek(36863);
    delete performance.now;
    const onTheWay = !app.seekDone && pg.view().step < 36863;
    app.select(null);
    return { calls, same, onTheWay, drawn: app.view.step, core: pg.view().step };
  });
  expect(r.calls).toBeGreaterThan(1);
  expect(r.same, 'a seek in parts lands on the same world as one in one go').toBe(true);
  expect(r).toMatchObject({ onTheWay: true, drawn: 36863, core: 36863 });
  // The page's own reading of the run (window.paxoscope.view, state) right after a jump
  // finishes it first: the step asked for, never one on the way.
  const read = await page.evaluate(() => {
    const { app } = window.paxoscope;
    app.pg.seek(100);
    let fast = performance.now();
    performance.now = () => (fast += 10);
    app.seek(53247);
    delete performance.now;
    const onTheWay = !app.seekDone;
    return { onTheWay, view: window.paxoscope.view().step, state: window.paxoscope.state().step, drawn: app.view.step };
  });
  expect(read).toEqual({ onTheWay: true, view: 53247, state: 53247, drawn: 53247 });
  // A jump left alone is drawn once its replay got there.
  await page.evaluate(() => window.paxoscope.app.seek(69000));
  await expect.poll(() => page.evaluate(() => [window.paxoscope.app.view.step, window.paxoscope.playground().view().step])).toEqual([69000, 69000]);
  expect(failures, failures.join('\n')).toEqual([]);
});

test('after a jump from a longer log to a shorter one the replicated log shows its newest row', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, '#preset=seed-demo');
  await page.evaluate(() => {
    const sc = { config: { layout: { kind: 'servers', n: 5 }, clients: 3, workload: { random_ops: 100000, keys: 3 }, check: true },
      seed: 1, actions: [{ type: 'auto', n: 100000 }] };
    if (!window.paxoscope.app.loadScenario(JSON.stringify(sc), null, { push: false })) throw new Error('loadScenario failed');
  });
  await showDiagram(page);
  /** Where the log's newest row is: in view when the grid follows the newest. */
  const newest = () => page.evaluate(() => {
    const lg = window.paxoscope.app.view.log;
    const row = document.querySelector(`#log .log-row[data-slot="${lg.end_slot - 1}"]`);
    if (!row || getComputedStyle(row).visibility === 'hidden') return 'not drawn';
    const a = row.getBoundingClientRect(), sc = document.querySelector('#log .log-scroller').getBoundingClientRect();
    return a.top >= sc.top && a.bottom <= sc.bottom + 1 ? 'in view' : 'out of view';
  });
  await expect.poll(newest).toBe('in view');
  // The end holds more slots than step 43,210 (the scroller stood further down).
  await page.evaluate(() => window.paxoscope.app.seek(43210));
  await expect.poll(() => page.evaluate(() => window.paxoscope.app.view.step)).toBe(43210);
  await expect.poll(newest).toBe('in view');
  expect(failures, failures.join('\n')).toEqual([]);
});

test('the windows asked while playing (spacetimeSince) draw what a whole window draws, also after a fork', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, '#preset=seed-demo');
  await showDiagram(page);
  /** Plays until `steps` more steps ran, pauses and waits for the diagram to catch up. */
  const playFor = async (steps) => {
    const s0 = await page.evaluate(() => window.paxoscope.app.view.step);
    await page.evaluate(() => { window.paxoscope.app.setSpeed(30); window.paxoscope.app.play(); });
    await expect.poll(() => page.evaluate(() => window.paxoscope.app.view.step), { timeout: 20_000 }).toBeGreaterThan(s0 + steps);
    await page.evaluate(() => window.paxoscope.app.pause());
    await expect.poll(() => page.evaluate(() => { const d = window.paxoscope.diagram(); return !!d && d.cursor === window.paxoscope.app.view.step; })).toBe(true);
  };
  /** What the diagram shows, without what painted when (the canvas range). */
  const drawn = () => page.evaluate(() => { const { painted, ...d } = window.paxoscope.diagram(); return JSON.stringify(d); });
  await playFor(40);
  // A fork: back 15 steps, node 1 crashes there (the recorded future is dropped), then
  // play on: messages and events of the steps the page held are now different ones.
  await page.evaluate(() => {
    const app = window.paxoscope.app;
    app.seek(app.view.step - 15);
    window.paxoscope.playground().apply({ type: 'crash', node: 1 });
    app.render();
  });
  await playFor(30);
  // Drawn again (a filter turned off and on redraws at once), from what the page holds.
  const hb = page.locator('.dg-hb input');
  await hb.click();
  await hb.click();
  const incremental = await drawn();
  expect(JSON.parse(incremental).arrows.some((a) => a.state === 'flight'), 'some messages in flight are drawn').toBe(true);
  // The same step drawn from a whole window: without spacetimeSince the page asks spacetime().
  await page.evaluate(() => { delete Object.getPrototypeOf(window.paxoscope.playground()).spacetimeSince; });
  await hb.click();
  await hb.click();
  await expect.poll(drawn).toBe(incremental);
  expect(failures, failures.join('\n')).toEqual([]);
});

test('a violation at the end of a run is marked with its words inside the diagram', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  // small-quorum breaks agreement at its last step: the violation stands at the right edge
  await open(page, '#preset=bug-small-quorum');
  await showDiagram(page);
  const words = page.locator('#diagram .dg-violation text');
  await expect(words).toHaveText('agreement violated');
  const box = await words.boundingBox();
  const host = await page.locator('#diagram').boundingBox();
  expect(box.x).toBeGreaterThanOrEqual(host.x);
  expect(box.x + box.width, 'the words run past the diagram\'s right edge').toBeLessThanOrEqual(host.x + host.width);
});
