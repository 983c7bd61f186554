import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles from 1 s to the 30 s cap', () => {
    const mid = { random: () => 0.5 };
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('spreads by the jitter fraction and never exceeds the cap', () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(800);
    expect(backoffDelay(0, { random: () => 0.999999 })).toBe(1200);
    expect(backoffDelay(20, { random: () => 0.999999 })).toBe(30000);
    expect(backoffDelay(2, { initialDelayMs: 10, maxDelayMs: 25, random: () => 0.5 })).toBe(25);
  });
});
