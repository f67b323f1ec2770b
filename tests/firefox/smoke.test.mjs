// The e2e smoke test outside Playwright: the page and its wasm module load in Firefox
// (Debian's firefox-esr, over WebDriver BiDi with puppeteer-core), with no error.
//
//   node --test tests/firefox/smoke.test.mjs
//
// Environment (all optional):
//   SMOKE_BROWSER  firefox (default) or chrome (the system Chromium, over CDP)
//   SMOKE_DIR      the folder to serve (default www/; it must hold a built pkg/)
//   SMOKE_SERVER   project (default: scripts/serve.py) or python (python3 -m http.server,
//                  "any static server", as the README's path without make says)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startServer } from '../../scripts/local-server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BROWSER = process.env.SMOKE_BROWSER || 'firefox';
const DIR = path.resolve(ROOT, process.env.SMOKE_DIR || 'www');
const SERVER = process.env.SMOKE_SERVER || 'project';
const EXECUTABLE = { firefox: '/usr/bin/firefox-esr', chrome: '/usr/bin/chromium' }[BROWSER];
// Firefox talks to nobody but the test server (the machines reach no other host).
const QUIET_FIREFOX = {
  'app.update.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'toolkit.telemetry.enabled': false,
};
const QUIET_CHROMIUM = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The `version` of Cargo.toml's [package] section: what the module's version() returns. */
function cargoVersion() {
  const pkg = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8').split(/^\[/m).find((s) => s.startsWith('package]'));
  return /^version\s*=\s*"([^"]+)"/m.exec(pkg)[1];
}

/** Records failed requests, HTTP errors, uncaught exceptions and console errors. */
function watchFailures(page) {
  const failures = [];
  const ignored = (url) => new URL(url).pathname === '/favicon.ico';
  page.on('requestfailed', (r) => {
    if (!ignored(r.url())) failures.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !ignored(r.url())) failures.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('pageerror', (e) => failures.push(`uncaught exception: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') failures.push(`console error: ${m.text()}`);
  });
  return failures;
}

let server;
let baseURL;
let browser;
let profile;

before(async () => {
  assert.ok(EXECUTABLE, `SMOKE_BROWSER must be firefox or chrome, not ${BROWSER}`);
  assert.ok(existsSync(EXECUTABLE), `${EXECUTABLE} is missing: run scripts/setup.sh test`);
  assert.ok(existsSync(path.join(DIR, 'pkg/paxoscope.js')),
    `${DIR}/pkg is not built: run \`make build\` (or wasm-pack build --target web --out-dir www/pkg)`);
  ({ proc: server, url: baseURL } = await startServer(DIR, { server: SERVER }));
  profile = mkdtempSync(path.join(tmpdir(), `paxoscope-${BROWSER}-`));
  browser = await puppeteer.launch({
    browser: BROWSER,
    executablePath: EXECUTABLE,
    headless: true,
    userDataDir: profile,
    ...(BROWSER === 'firefox' ? { extraPrefsFirefox: QUIET_FIREFOX } : { args: QUIET_CHROMIUM }),
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test(`the wasm module is served as application/wasm and reports the Cargo version (${BROWSER})`, async () => {
  const wasm = await fetch(new URL('pkg/paxoscope_bg.wasm', baseURL));
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const page = await browser.newPage();
  await page.goto(baseURL);
  const version = await page.evaluate(async () => {
    const m = await import(new URL('pkg/paxoscope.js', document.baseURI).href);
    await m.default();
    return m.version();
  });
  assert.equal(version, cargoVersion());
  await page.close();
});

test(`the page loads with no error and its wasm module answers (${BROWSER})`, async () => {
  const page = await browser.newPage();
  const failures = watchFailures(page);
  await page.goto(baseURL, { waitUntil: 'load' });
  assert.match(await page.title(), /Paxoscope/);
  await page.waitForFunction(() => window.paxoscope?.ready === true, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => window.paxoscope.version()), cargoVersion());
  // The wasm module answers: the run the page shows has nodes, and the page drew them.
  const nodes = await page.evaluate(() => window.paxoscope.state().nodes.length);
  assert.ok(nodes > 0, `the state has ${nodes} nodes`);
  await page.waitForSelector('svg', { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(failures, []);
  await page.close();
});
