import { describe, expect, it } from 'vitest';
import { spendWriteBudget, type WriteBudgetState, type WriteLimits } from './write-budget.ts';

const limits: WriteLimits = {
  maxMessageBytes: 1000,
  writesPerSecond: 10,
  writeBurst: 3,
  writeBytesPerSecond: 1000,
  writeBurstBytes: 5000,
};
const fresh = (): WriteBudgetState => ({
  writeTokens: Number.POSITIVE_INFINITY,
  byteTokens: Number.POSITIVE_INFINITY,
  writeRefilledAt: 0,
});

describe('spendWriteBudget', () => {
  it('lets the burst through, then one request per 1/rate seconds, naming the count limit', () => {
    const s = fresh();
    for (let i = 0; i < 3; i++) expect(spendWriteBudget(s, limits, 1000, 10)).toBeUndefined();
    expect(spendWriteBudget(s, limits, 1000, 10)).toEqual({ waitMs: 100, limit: 'limits.writesPerSecond' });
    // A refusal spends nothing: after the wait it is taken.
    expect(spendWriteBudget(s, limits, 1050, 10)).toEqual({ waitMs: 50, limit: 'limits.writesPerSecond' });
    expect(spendWriteBudget(s, limits, 1100, 10)).toBeUndefined();
  });

  it('counts frame bytes; a frame larger than the byte burst costs the whole burst', () => {
    const s = fresh();
    expect(spendWriteBudget(s, limits, 0, 4000)).toBeUndefined();
    expect(spendWriteBudget(s, limits, 0, 3000)).toEqual({
      waitMs: 2000,
      limit: 'limits.writeBytesPerSecond',
    });
    expect(spendWriteBudget(s, limits, 2000, 3000)).toBeUndefined();
    const t = fresh();
    expect(spendWriteBudget(t, limits, 0, 50_000)).toBeUndefined();
    expect(spendWriteBudget(t, limits, 0, 50_000)).toMatchObject({ waitMs: 5000 });
  });
});
