// Shared helpers for the end-to-end specs.
import { existsSync, readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** The system Chromium (Debian package chromium) and the flags that work on the project's machines. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const DIST_PREFIX = '/paxoscope/';

/** True when `rel` (relative to the repository root) exists. */
export const hasFile = (rel) => existsSync(path.join(ROOT, rel));

/** Skips the current test unless `cond`, saying why in the test's output too. */
export function skipUnless(test, cond, why) {
  if (!cond) console.log(`SKIPPED: ${why}`);
  test.skip(!cond, why);
}

/** The `version` of the [package] section of Cargo.toml: what wasm `version()` returns. */
export function cargoVersion() {
  const toml = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const pkg = toml.split(/^\[/m).find((s) => s.startsWith('package]'));
  const m = pkg && /^version\s*=\s*"([^"]+)"/m.exec(pkg);
  if (!m) throw new Error('no [package] version in Cargo.toml');
  return m[1];
}

/** True when some file of the page in www/ (not www/pkg) contains `needle`. */
export function pageMentions(needle) {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name !== 'pkg' && e.name !== 'node_modules' && walk(p);
      return /\.(html|m?js)$/.test(e.name) && readFileSync(p, 'utf8').includes(needle);
    });
  return hasFile('www') && walk(path.join(ROOT, 'www'));
}

/**
 * Records everything that went wrong while a page loads: failed requests, HTTP
 * statuses >= 400, uncaught exceptions and console errors. Returns the live list.
 */
export function watchFailures(page) {
  const failures = [];
  page.on('requestfailed', (r) => {
    // Chromium asks the origin root for /favicon.ico on its own when the page declares no
    // icon; under a sub-path that is not the page's doing.
    if (new URL(r.url()).pathname === '/favicon.ico') return;
    failures.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') {
      failures.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    }
  });
  page.on('pageerror', (e) => failures.push(`uncaught exception: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon\.ico/.test(m.location()?.url ?? '')) {
      failures.push(`console error: ${m.text()}`);
    }
  });
  return failures;
}

/** Imports ./pkg/paxoscope.js relative to the current page, initialises it, returns version(). */
export async function wasmVersionFromPage(page) {
  return page.evaluate(async () => {
    const m = await import(new URL('pkg/paxoscope.js', document.baseURI).href);
    await m.default();
    return m.version();
  });
}

/** Saves a full-page screenshot to tests/e2e/screenshots/NAME.png (git-ignored). */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * The message chips of the cluster picture as the page painted them on its canvas: key,
 * message ids, label, centre (x, y) and size in CSS pixels from the picture's top-left
 * corner, and how each looks (ready, selected, agg, moving).
 */
export const topologyChips = (page) => page.evaluate(() => window.paxoscope.app.topology.chips());

/**
 * Points at a chip as a person does: waits until the chip matching `pred` is painted and
 * no chip is still flying, then returns its centre in page coordinates.
 */
export async function chipPoint(page, pred, what = 'the chip') {
  const svg = page.locator('#topology svg.topology');
  await svg.scrollIntoViewIfNeeded();
  let chip = null;
  for (let i = 0; i < 100 && !chip; i++) {
    const all = await topologyChips(page);
    chip = all.every((c) => !c.moving) ? all.find(pred) || null : null;
    if (!chip) await page.waitForTimeout(50);
  }
  if (!chip) throw new Error(`${what} is not on the cluster picture`);
  const box = await svg.boundingBox();
  return { x: box.x + chip.x, y: box.y + chip.y, chip };
}

/** Clicks (or taps, on a touch screen) the chip of message `id` where the canvas paints it. */
export async function clickChip(page, id, { tap = false } = {}) {
  const p = await chipPoint(page, (c) => c.ids.length === 1 && c.ids[0] === id, `the chip of message ${id}`);
  if (tap) await page.touchscreen.tap(p.x, p.y);
  else await page.mouse.click(p.x, p.y);
  return p.chip;
}
