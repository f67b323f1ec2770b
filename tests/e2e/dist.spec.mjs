// dist/ (make dist) served under the /paxoscope/ sub-path, as GitHub Pages serves a
// project site: it must work with no failed request, which holds only if it uses
// relative URLs and ships everything it needs.
import { test, expect } from '@playwright/test';
import { DIST_PREFIX, cargoVersion, hasFile, skipUnless, screenshot, wasmVersionFromPage, watchFailures } from './helpers.mjs';

test('the wasm module of dist/ answers from the sub-path', async ({ page, request, baseURL }) => {
  skipUnless(test, hasFile('dist/pkg/paxoscope.js'), 'dist/ is not built: run `make dist`');
  expect(new URL(baseURL).pathname).toBe(DIST_PREFIX);
  const wasm = await request.get('pkg/paxoscope_bg.wasm');
  expect(wasm.status()).toBe(200);
  expect(wasm.headers()['content-type']).toBe('application/wasm');
  await page.goto('./');
  expect(await wasmVersionFromPage(page)).toBe(cargoVersion());
});

test('dist/ loads from the sub-path with no failed request', async ({ page, baseURL }) => {
  skipUnless(test, hasFile('dist/index.html'), 'dist/index.html does not exist: the page in www/ has not landed yet');
  const failures = watchFailures(page);
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url())));

  const response = await page.goto(baseURL);
  expect(response.status()).toBe(200);
  await expect(page).toHaveTitle(/Paxoscope/);
  await page.waitForLoadState('networkidle');
  await screenshot(page, 'dist');

  expect(failures, failures.join('\n')).toEqual([]);
  // Everything the page asked its own server for stayed under the sub-path.
  const origin = new URL(baseURL).origin;
  const escaped = requested
    .filter((u) => u.origin === origin && u.pathname !== '/favicon.ico' && !u.pathname.startsWith(DIST_PREFIX))
    .map((u) => u.href);
  expect(escaped, 'requests outside the sub-path').toEqual([]);
  // The page itself fetched the wasm module, from the sub-path.
  expect(requested.some((u) => u.pathname === `${DIST_PREFIX}pkg/paxoscope_bg.wasm`)).toBe(true);
});

test('the Search panel\'s worker loads from the sub-path and finds a bug', async ({ page }) => {
  skipUnless(test, hasFile('dist/search-worker.js'), 'dist/ has no search worker: run `make dist`');
  const failures = watchFailures(page);
  await page.goto('./#preset=bug-small-quorum');
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
  await page.click('#search-find-bug');
  await expect(page.locator('#search .search-result')).toContainText('agreement violated after 2 moves', { timeout: 30_000 });
  expect(failures, failures.join('\n')).toEqual([]);
});
