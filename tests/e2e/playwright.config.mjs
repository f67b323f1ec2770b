// Playwright configuration for Paxoscope's browser end-to-end tests.
//
// Runs the system Chromium (/usr/bin/chromium, Debian package `chromium`); Playwright never
// downloads a browser here (never run `npx playwright install`). Two static servers
// (scripts/serve.py) are started on free loopback ports:
//   www  — www/ at /            (project "www": smoke.spec.mjs, page.spec.mjs, ...)
//   dist — dist/ at /paxoscope/ (project "dist": dist.spec.mjs), to prove dist/ only uses
//          relative URLs and works from a sub-path, as on GitHub Pages.
// Build first: `make dist` builds www/pkg and dist/ (make test does it for you).
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS, DIST_PREFIX } from './helpers.mjs';
import { freePort } from '../../scripts/local-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const serve = `python3 "${root}scripts/serve.py" --quiet --host 127.0.0.1`;

// The config is loaded again in every worker: the ports chosen by the main process are
// handed down through the environment, so everyone agrees on them.
process.env.E2E_WWW_PORT ||= String(await freePort());
process.env.E2E_DIST_PORT ||= String(await freePort());
const wwwURL = `http://127.0.0.1:${process.env.E2E_WWW_PORT}/`;
const distURL = `http://127.0.0.1:${process.env.E2E_DIST_PORT}${DIST_PREFIX}`;
process.env.E2E_WWW_URL = wwwURL;
process.env.E2E_DIST_URL = distURL;

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.mjs',
  outputDir: 'screenshots/results',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: Number(process.env.E2E_WORKERS || 1),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
    trace: 'off',
    serviceWorkers: 'block',
  },
  projects: [
    { name: 'www', testIgnore: 'dist.spec.mjs', use: { baseURL: wwwURL } },
    { name: 'dist', testMatch: 'dist.spec.mjs', use: { baseURL: distURL } },
  ],
  webServer: [
    {
      command: `${serve} --dir "${root}www" --port ${process.env.E2E_WWW_PORT}`,
      url: wwwURL,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `${serve} --dir "${root}dist" --prefix ${DIST_PREFIX} --allow-missing --port ${process.env.E2E_DIST_PORT}`,
      url: distURL,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
