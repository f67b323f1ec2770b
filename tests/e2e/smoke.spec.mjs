// Smoke test: the wasm module loads in Chromium, and the page in www/ loads and uses it.
import { test, expect } from '@playwright/test';
import { cargoVersion, hasFile, skipUnless, pageMentions, screenshot, wasmVersionFromPage, watchFailures } from './helpers.mjs';

test.beforeAll(() => {
  if (!hasFile('www/pkg/paxoscope.js')) {
    throw new Error('www/pkg is not built: run `make dist` (or `make test`) before the e2e tests');
  }
});

test('the wasm module is served as application/wasm and reports the Cargo version', async ({ page, request }) => {
  const wasm = await request.get('pkg/paxoscope_bg.wasm');
  expect(wasm.status()).toBe(200);
  expect(wasm.headers()['content-type']).toBe('application/wasm');
  const js = await request.get('pkg/paxoscope.js');
  expect(js.headers()['content-type']).toMatch(/^text\/javascript/);

  // Any page of the site will do as an origin to import the module from.
  await page.goto('./');
  expect(await wasmVersionFromPage(page)).toBe(cargoVersion());
});

test('the page loads with no error and its wasm module answers', async ({ page }) => {
  skipUnless(test, hasFile('www/index.html'), 'www/index.html does not exist yet (the page lands separately)');
  const failures = watchFailures(page);
  await page.goto('./');
  await expect(page).toHaveTitle(/Paxoscope/);

  // Once the page publishes `window.paxoscope` (after its wasm module initialised), hold it
  // to that; until the page mentions it, import the module the way the page does.
  if (pageMentions('window.paxoscope')) {
    await page.waitForFunction(() => window.paxoscope !== undefined && window.paxoscope !== null);
    const v = await page.evaluate(() => {
      const p = window.paxoscope;
      return typeof p.version === 'function' ? p.version() : p.version;
    });
    if (v !== undefined) expect(v).toBe(cargoVersion());
  } else {
    expect(await wasmVersionFromPage(page)).toBe(cargoVersion());
  }
  await page.waitForLoadState('networkidle');
  await screenshot(page, 'smoke');
  expect(failures, failures.join('\n')).toEqual([]);
});
