// The page served on a free localhost port by scripts/serve.py, for the scripts that drive
// it in headless Chromium (bench-browser.mjs, profile-page.mjs).
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

/** Serves `dir` with scripts/serve.py; resolves once it answers, with the process and URL. */
export async function startServer(dir) {
  const port = await freePort();
  const proc = spawn('python3', [path.join(ROOT, 'scripts/serve.py'), '--quiet', '--host', '127.0.0.1',
    '--port', String(port), '--dir', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) return { proc, url }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error(`scripts/serve.py did not start on ${url}`);
}
