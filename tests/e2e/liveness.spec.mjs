// Liveness on the page: a scenario in which faults stop and a command then waits past its
// configuration's bound opens on a liveness violation at the very step `paxoscope run` and
// the native tests (tests/liveness.rs) report it, and stepping back before it clears it.
//
// Needs the real wasm module (www/pkg, `make build`): the mock API does not simulate.
import { test, expect } from '@playwright/test';
import { hasFile, skipUnless, watchFailures } from './helpers.mjs';

const REAL = !process.env.E2E_MOCK && hasFile('www/pkg/paxoscope.js');

// E = 10, H = 3 (defaults), R = 8, no delay, one client: the bound is
// max(9E + 9E, 32H, 8R) + 0 = 180 ticks (docs/protocol.md, "Liveness after faults stop").
const BOUND = 180;

/** One client submits a put, faults stop, then only time passes: no message is delivered. */
function starvedLink(ticks) {
  const scenario = {
    config: { clients: 1, client_retry_ticks: 8, network: { delay_ticks_max: 0 } },
    seed: 1,
    actions: [
      { type: 'submit', client: 1, op: { op: 'put', key: 'x', value: '1' } },
      { type: 'end_faults' },
      ...Array.from({ length: ticks }, () => ({ type: 'tick' })),
    ],
  };
  const b64 = Buffer.from(JSON.stringify(scenario)).toString('base64url');
  return `#j=${b64}&step=${2 + ticks}`;
}

async function open(page, hash) {
  await page.goto(`./${hash}`);
  await page.waitForFunction(() => window.paxoscope && window.paxoscope.ready === true);
}

const state = (page) => page.evaluate(() => window.paxoscope.state());

test('a command unanswered past the bound after faults stop is a liveness violation at its step', async ({ page }) => {
  skipUnless(test, REAL, 'needs the real wasm module (make build)');
  const failures = watchFailures(page);
  const overdue = 2 + BOUND + 1; // submit, end_faults, then the tick past the bound
  await open(page, starvedLink(BOUND + 1));
  const s = await state(page);
  expect(s.step).toBe(overdue);
  const live = s.violations.filter((v) => v.invariant === 'liveness');
  expect(live).toHaveLength(1);
  expect(live[0].step).toBe(overdue);
  expect(live[0].message).toContain(`${BOUND} ticks after faults stopped`);
  expect(live[0].message).toContain('c1#1 put x=1');
  await expect(page.locator('#banner')).toContainText(`at step ${overdue}`);

  // One tick earlier the command is still within the bound.
  await page.getByLabel('Timeline: choose the step to view').fill(String(overdue - 1));
  await expect.poll(async () => (await state(page)).step).toBe(overdue - 1);
  expect((await state(page)).violations.filter((v) => v.invariant === 'liveness')).toHaveLength(0);
  expect(failures, failures.join('\n')).toEqual([]);
});
