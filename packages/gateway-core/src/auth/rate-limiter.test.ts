import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/clock.ts';
import { AuthRateLimiter } from './rate-limiter.ts';

describe('AuthRateLimiter', () => {
  it('locks a key out after maxFailures in the window, then lets it try again', () => {
    const clock = new ManualClock();
    const l = new AuthRateLimiter({ maxFailures: 3, windowMs: 10_000, lockoutMs: 60_000 }, clock);
    expect(l.fail('1.2.3.4')).toBe(0);
    expect(l.fail('1.2.3.4')).toBe(0);
    expect(l.fail('1.2.3.4')).toBe(60_000);
    expect(l.retryAfter('1.2.3.4')).toBe(60_000);
    expect(l.retryAfter('5.6.7.8')).toBe(0);
    clock.advance(59_000);
    expect(l.retryAfter('1.2.3.4')).toBe(1000);
    clock.advance(1000);
    expect(l.retryAfter('1.2.3.4')).toBe(0);
  });

  it('forgets failures outside the window and after a success', () => {
    const clock = new ManualClock();
    const l = new AuthRateLimiter({ maxFailures: 2, windowMs: 1000, lockoutMs: 5000 }, clock);
    l.fail('k');
    clock.advance(1500);
    expect(l.fail('k')).toBe(0);
    l.succeed('k');
    expect(l.fail('k')).toBe(0);
  });
});
