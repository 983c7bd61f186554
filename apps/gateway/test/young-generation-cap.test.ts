// The young-generation cap relies on V8 reading --semi-space-growth-factor each time it grows the
// new space. This runs the daemon's own run-activity follower in a fresh node process (flags are
// process-wide, so not in the test worker) and checks the new space stays near the cap under the
// churn of a burst of turns; the same churn without the cap grows it far past.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { RUN_YOUNG_GEN_CAP_BYTES } from '../src/v8-flags.ts';

const run = promisify(execFile);

const script = `
const { followRunActivity } = await import(process.env.V8_FLAGS_MODULE);
const { getHeapSpaceStatistics } = await import('node:v8');
let emit;
const bus = { tap(fn) { emit = fn; return () => {}; } };
const stop = process.env.NO_CAP ? () => {} : followRunActivity(bus, { force: true });
emit?.('agent', { stream: 'lifecycle', data: { phase: 'start' } });
let keep = [];
let max = 0;
for (let round = 0; round < 60; round++) {
  for (let i = 0; i < 100_000; i++) {
    keep.push({ i, s: 'a' + i });
    if (keep.length > 20_000) keep = [];
  }
  // Between bursts the event loop turns, as between turns, and the collection observer runs: a
  // timer, not an immediate, so every collection's entry (delivered through immediates, one after
  // another) has reached the observer before the next burst, however late the process runs.
  await new Promise((r) => setTimeout(r, 5));
  max = Math.max(max, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
}
stop();
process.stdout.write(String(max));
`;

async function largestNewSpace(cap: boolean): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      V8_FLAGS_MODULE: join(import.meta.dirname, '..', 'src', 'v8-flags.ts'),
      ...(cap ? {} : { NO_CAP: '1' }),
    },
  });
  return Number(stdout);
}

it('holds the V8 new space near the cap while runs happen (at most one doubling past it)', async () => {
  const [capped, uncapped] = await Promise.all([largestNewSpace(true), largestNewSpace(false)]);
  // The observer runs after a collection, so one more doubling can slip in before it does.
  expect(capped).toBeGreaterThan(0);
  expect(capped).toBeLessThanOrEqual(RUN_YOUNG_GEN_CAP_BYTES * 2);
  expect(uncapped).toBeGreaterThan(RUN_YOUNG_GEN_CAP_BYTES * 2);
});
