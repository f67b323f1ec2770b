#!/usr/bin/env node
// Regenerates docs/screenshot.png (the picture in the README) from the page in www/.
//
//   make screenshot                     (builds www/pkg and installs the e2e packages first)
//   node scripts/screenshot.mjs [--out docs/screenshot.png] [--path ''] [--width 1280] [--height 800]
//                               [--press ArrowRight --times 0]
//
// `--path` is resolved against the page URL, e.g. `--path '#preset=minority-partition'` or a
// share link's fragment, to picture that run. `--press KEY --times N` presses a key N times
// once the page is ready (ArrowRight takes one scheduler step), to picture a run in progress.
// Uses Playwright from tests/e2e/node_modules and the system Chromium.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(path.join(root, 'tests/e2e/package.json'));
const { CHROMIUM, CHROMIUM_ARGS } = await import(new URL('../tests/e2e/helpers.mjs', import.meta.url));

const opts = { out: 'docs/screenshot.png', path: '', width: '1280', height: '800', press: 'ArrowRight', times: '0' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in opts) || argv[i + 1] === undefined) {
    console.error('usage: node scripts/screenshot.mjs [--out FILE] [--path URL] [--width N] [--height N] [--press KEY --times N]');
    process.exit(2);
  }
  opts[key] = argv[i + 1];
}

if (!existsSync(path.join(root, 'www/index.html'))) {
  console.error('screenshot: www/index.html does not exist yet; nothing to picture');
  process.exit(1);
}
if (!existsSync(path.join(root, 'www/pkg/paxoscope.js'))) {
  console.error('screenshot: www/pkg is not built; run `make screenshot` (or `make build` first)');
  process.exit(1);
}
let chromium;
try {
  ({ chromium } = require('@playwright/test'));
} catch {
  console.error('screenshot: Playwright is not installed; run `make setup-test` (npm ci in tests/e2e)');
  process.exit(1);
}

// A static server on a free port; it prints its URL on its first line.
const server = spawn('python3', [path.join(root, 'scripts/serve.py'), '--quiet', '--port', '0', '--dir', path.join(root, 'www')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = await new Promise((resolve, reject) => {
  let buf = '';
  server.stdout.on('data', (d) => {
    buf += d;
    const m = /(http:\/\/\S+)/.exec(buf);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`serve.py exited with ${code}`)));
});

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage({
    viewport: { width: Number(opts.width), height: Number(opts.height) },
    deviceScaleFactor: 1,
  });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(new URL(opts.path, base).href);
  // The page publishes window.paxoscope once its wasm module is ready; do not wait forever
  // for a page that does not (yet).
  await page.waitForFunction(() => window.paxoscope !== undefined, null, { timeout: 10_000 }).catch(() => {
    console.error('screenshot: window.paxoscope did not appear within 10 s; taking the picture anyway');
  });
  await page.waitForLoadState('networkidle');
  for (let i = 0; i < Number(opts.times); i++) await page.keyboard.press(opts.press);
  if (Number(opts.times) > 0) await page.waitForTimeout(500); // let the view settle
  const out = path.resolve(root, opts.out);
  mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`screenshot: wrote ${path.relative(root, out)} (${opts.width}x${opts.height})`);
} finally {
  await browser.close();
  server.kill();
}
