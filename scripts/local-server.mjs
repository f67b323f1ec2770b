// The page served on a free localhost port, for the scripts and tests that drive it in a
// headless browser (bench-browser.mjs, profile-page.mjs, playwright.config.mjs, the Firefox
// smoke test).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Serves `dir` with scripts/serve.py (or, with `server: 'python'`, with `python3 -m
 * http.server`, the server a person most likely has); resolves once it answers, with the
 * process and URL.
 */
export async function startServer(dir, { server = 'project' } = {}) {
  const port = await freePort();
  const args = server === 'python'
    ? ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', dir, String(port)]
    : [path.join(ROOT, 'scripts/serve.py'), '--quiet', '--host', '127.0.0.1', '--port', String(port), '--dir', dir];
  const proc = spawn('python3', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) return { proc, url }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error(`the ${server} server on ${dir} did not answer at ${url}`);
}
