// The limiter's own bounds: how many peers it remembers under a spray of addresses, and that a
// throttled loopback check really waits for its slot.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/clock.ts';
import { AuthLimiter, type AuthLimitPolicy } from './auth-limiter.ts';

const policy: AuthLimitPolicy = {
  maxFailures: 3,
  windowMs: 10_000,
  lockoutMs: 60_000,
  loopbackIntervalMs: 500,
};
const remote = (remoteAddress: string) => ({ remoteAddress, isLoopback: false });
const local = { remoteAddress: '127.0.0.1', isLoopback: true };

describe('AuthLimiter bounds', () => {
  it('remembers at most 100 000 peers under a spray of addresses, forgetting the oldest first', () => {
    const l = new AuthLimiter({ policy, clock: new ManualClock() });
    const first = remote('198.51.100.1');
    l.fail(first, 'shared-secret');
    l.fail(first, 'shared-secret');
    for (let i = 0; i < 100_000; i++)
      l.fail(remote(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`), 'shared-secret');
    // Its two earlier failures were dropped with it: a third is a first again.
    expect(l.fail(first, 'shared-secret')).toBeUndefined();
    expect(l.lockouts()).toEqual([]);
    // A peer seen recently is still counted.
    const recent = remote('10.1.134.159');
    l.fail(recent, 'shared-secret');
    expect(l.fail(recent, 'shared-secret')).toMatchObject({ mode: 'lockout', failures: 3 });
  });

  it('makes a throttled loopback check wait for its slot before it is looked at', async () => {
    const waits: number[] = [];
    const l = new AuthLimiter({ policy, clock: new ManualClock(), sleep: async (ms) => void waits.push(ms) });
    expect(await l.acquire(local, 'shared-secret')).toEqual({ allowed: true, waitMs: 0 });
    for (let i = 0; i < 3; i++) l.fail(local, 'shared-secret');
    await l.acquire(local, 'shared-secret');
    await l.acquire(local, 'shared-secret');
    expect(waits).toEqual([500, 1000]);
  });
});
