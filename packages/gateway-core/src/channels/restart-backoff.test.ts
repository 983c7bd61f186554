import { describe, expect, it } from 'vitest';
import { restartDelay } from './restart-backoff.ts';

const policy = { baseMs: 100, maxMs: 500, circuitAfter: 6, circuitOpenMs: 60_000 };
const middle = () => 0.5;

describe('restartDelay', () => {
  it('doubles from the base with each failure, up to the cap', () => {
    const delays = [1, 2, 3, 4, 5].map((n) => restartDelay(policy, n, middle).delayMs);
    expect(delays).toEqual([100, 200, 400, 500, 500]);
  });

  it('jitters each wait within 20 % either way', () => {
    expect(restartDelay(policy, 2, () => 0).delayMs).toBe(160);
    expect(restartDelay(policy, 2, () => 0.999_999).delayMs).toBe(240);
    expect(restartDelay(policy, 2, middle).circuitOpen).toBe(false);
  });

  it('opens the circuit after circuitAfter failures and then waits circuitOpenMs, without jitter', () => {
    expect(restartDelay(policy, 5, () => 0).circuitOpen).toBe(false);
    for (const failures of [6, 7, 40]) {
      expect(restartDelay(policy, failures, () => 0)).toEqual({ delayMs: 60_000, circuitOpen: true });
    }
  });
});
