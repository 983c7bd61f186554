import type { AuthLockout } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/clock.ts';
import { AuthLimiter, type AuthLimitPolicy, peerKey } from './auth-limiter.ts';

const policy: AuthLimitPolicy = {
  maxFailures: 3,
  windowMs: 10_000,
  lockoutMs: 60_000,
  loopbackIntervalMs: 500,
};
const remote = (remoteAddress: string) => ({ remoteAddress, isLoopback: false });
const local = { remoteAddress: '127.0.0.1', isLoopback: true };

function make(p: Partial<AuthLimitPolicy> = {}) {
  const clock = new ManualClock();
  const restricted: AuthLockout[] = [];
  const l = new AuthLimiter({
    policy: { ...policy, ...p },
    clock,
    onRestricted: (r) => restricted.push(r),
  });
  return { clock, l, restricted };
}

describe('AuthLimiter, remote peers', () => {
  it('locks a peer out of one credential kind after maxFailures in the window, then lets it try again', () => {
    const { clock, l, restricted } = make();
    const a = remote('203.0.113.7');
    expect(l.fail(a, 'shared-secret')).toBeUndefined();
    expect(l.fail(a, 'shared-secret')).toBeUndefined();
    const lock = l.fail(a, 'shared-secret');
    expect(lock).toMatchObject({
      peer: '203.0.113.7',
      credential: 'shared-secret',
      mode: 'lockout',
      failures: 3,
      sinceMs: clock.now(),
      untilMs: clock.now() + 60_000,
    });
    expect(restricted).toEqual([lock]);
    expect(l.admit(a, 'shared-secret')).toEqual({ allowed: false, retryAfterMs: 60_000 });
    // Other kinds and other peers are not touched.
    expect(l.admit(a, 'device-token')).toEqual({ allowed: true, waitMs: 0 });
    expect(l.admit(remote('198.51.100.9'), 'shared-secret')).toEqual({ allowed: true, waitMs: 0 });
    expect(l.lockouts()).toEqual([lock]);
    clock.advance(59_000);
    expect(l.admit(a, 'shared-secret')).toEqual({ allowed: false, retryAfterMs: 1000 });
    clock.advance(1000);
    expect(l.admit(a, 'shared-secret')).toEqual({ allowed: true, waitMs: 0 });
    expect(l.lockouts()).toEqual([]);
    // Afterwards it starts from zero.
    expect(l.fail(a, 'shared-secret')).toBeUndefined();
  });

  it('forgets failures outside the window and after a success', () => {
    const { clock, l } = make({ maxFailures: 2, windowMs: 1000 });
    const a = remote('203.0.113.7');
    l.fail(a, 'shared-secret');
    clock.advance(1500);
    expect(l.fail(a, 'shared-secret')).toBeUndefined();
    l.succeed(a, 'shared-secret');
    expect(l.fail(a, 'shared-secret')).toBeUndefined();
    expect(l.fail(a, 'shared-secret')?.mode).toBe('lockout');
    // A success during a lockout (a check admitted just before it began) does not lift it.
    l.succeed(a, 'shared-secret');
    expect(l.admit(a, 'shared-secret').allowed).toBe(false);
  });

  it('charges an IPv6 client by its /64 and an IPv4-mapped one by its IPv4 address', () => {
    expect(peerKey(remote('2001:db8:1:2:aaaa::1'))).toBe('2001:db8:1:2::/64');
    expect(peerKey(remote('2001:DB8:1:2:bbbb:cccc:dddd:eeee'))).toBe('2001:db8:1:2::/64');
    expect(peerKey(remote('2001:db8::5'))).toBe('2001:db8:0:0::/64');
    expect(peerKey(remote('fe80::1%eth0'))).toBe('fe80:0:0:0::/64');
    expect(peerKey(remote('::ffff:198.51.100.9'))).toBe('198.51.100.9');
    expect(peerKey(remote('198.51.100.9'))).toBe('198.51.100.9');
    const { l } = make();
    for (let i = 1; i <= 3; i++) l.fail(remote(`2001:db8:1:2::${i}`), 'shared-secret');
    expect(l.admit(remote('2001:db8:1:2:ffff::9'), 'shared-secret').allowed).toBe(false);
    expect(l.admit(remote('2001:db8:1:3::1'), 'shared-secret').allowed).toBe(true);
  });

  it('follows a policy change at once', () => {
    const { l } = make({ maxFailures: 5 });
    const a = remote('203.0.113.7');
    l.fail(a, 'shared-secret');
    l.setPolicy({ ...policy, maxFailures: 2 });
    expect(l.fail(a, 'shared-secret')?.mode).toBe('lockout');
  });
});

describe('AuthLimiter, loopback', () => {
  it('is one peer whatever the 127.x or ::1 address, and is throttled, never locked out', () => {
    const { clock, l, restricted } = make();
    l.fail({ remoteAddress: '127.0.0.1', isLoopback: true }, 'shared-secret');
    l.fail({ remoteAddress: '127.0.0.2', isLoopback: true }, 'shared-secret');
    const t = l.fail({ remoteAddress: '::1', isLoopback: true }, 'shared-secret');
    expect(t).toMatchObject({ peer: 'loopback', mode: 'throttle', untilMs: clock.now() + 10_000 });
    expect(restricted).toHaveLength(1);
    // One check per interval: the next attempts get queued slots, none is refused outright.
    expect(l.admit(local, 'shared-secret')).toEqual({ allowed: true, waitMs: 500 });
    expect(l.admit(local, 'shared-secret')).toEqual({ allowed: true, waitMs: 1000 });
    clock.advance(1000);
    expect(l.admit(local, 'shared-secret')).toEqual({ allowed: true, waitMs: 500 });
    // Device tokens are not slowed by shared-secret guessing.
    expect(l.admit(local, 'device-token')).toEqual({ allowed: true, waitMs: 0 });
  });

  it('bounds the checks to one per interval: past the longest wait an attempt is told when to retry', () => {
    const { clock, l } = make();
    for (let i = 0; i < 3; i++) l.fail(local, 'shared-secret');
    const start = clock.now();
    const checkedAt: number[] = [];
    // A flood: 100 attempts every 100 ms for 10 s.
    for (let tick = 0; tick < 100; tick++) {
      for (let i = 0; i < 100; i++) {
        const a = l.admit(local, 'shared-secret', 4000);
        if (a.allowed) checkedAt.push(clock.now() + a.waitMs);
        else expect(a.retryAfterMs).toBeGreaterThan(4000);
      }
      clock.advance(100);
    }
    const inTenSeconds = checkedAt.filter((t) => t < start + 10_000).length;
    expect(inTenSeconds).toBeLessThanOrEqual(10_000 / 500 + 1);
    const sorted = [...checkedAt].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(500);
  });

  it('lasts while failures go on, and ends windowMs after the last one; a success does not end it early', () => {
    const { clock, l } = make();
    for (let i = 0; i < 3; i++) l.fail(local, 'shared-secret');
    clock.advance(9000);
    l.fail(local, 'shared-secret');
    l.succeed(local, 'shared-secret');
    expect(l.lockouts()).toMatchObject([{ peer: 'loopback', failures: 4, untilMs: clock.now() + 10_000 }]);
    clock.advance(9999);
    expect(l.admit(local, 'shared-secret').allowed).toBe(true);
    expect(l.lockouts()).toHaveLength(1);
    clock.advance(1);
    expect(l.lockouts()).toEqual([]);
    expect(l.admit(local, 'shared-secret')).toEqual({ allowed: true, waitMs: 0 });
  });

  it('applies a new interval to the next slot', () => {
    const { l } = make();
    for (let i = 0; i < 3; i++) l.fail(local, 'shared-secret');
    l.setPolicy({ ...policy, loopbackIntervalMs: 2000 });
    expect(l.admit(local, 'shared-secret')).toEqual({ allowed: true, waitMs: 500 });
    expect(l.admit(local, 'shared-secret')).toEqual({ allowed: true, waitMs: 2500 });
    expect(l.admit(local, 'shared-secret').allowed).toBe(false);
  });
});

describe('AuthLimiter, the edges of a window and of a lockout', () => {
  it('counts a failure exactly windowMs after the first one in the same window', () => {
    const { clock, l } = make({ windowMs: 10_000 });
    const a = remote('203.0.113.7');
    l.fail(a, 'shared-secret');
    l.fail(a, 'shared-secret');
    clock.advance(10_000);
    expect(l.fail(a, 'shared-secret')?.mode).toBe('lockout');
  });

  it('a lockout runs its fixed course: failures reported during it do not extend it', () => {
    const { clock, l } = make();
    const a = remote('203.0.113.7');
    for (let i = 0; i < 3; i++) l.fail(a, 'shared-secret');
    const until = clock.now() + 60_000;
    // Checks admitted just before the lockout began can still fail during it.
    clock.advance(1000);
    expect(l.fail(a, 'shared-secret')).toBeUndefined();
    expect(l.lockouts()).toMatchObject([{ untilMs: until, failures: 4 }]);
  });

  it('starts counting afresh once a lockout ends, even inside the window it began in', () => {
    const { clock, l } = make({ windowMs: 120_000, lockoutMs: 60_000 });
    const a = remote('203.0.113.7');
    for (let i = 0; i < 3; i++) l.fail(a, 'shared-secret');
    clock.advance(60_000);
    expect(l.fail(a, 'shared-secret')).toBeUndefined();
    expect(l.lockouts()).toEqual([]);
    // At the very millisecond it ended, too: a full count of failures starts a new one.
    const b = remote('198.51.100.9');
    for (let i = 0; i < 3; i++) l.fail(b, 'shared-secret');
    clock.advance(60_000);
    expect(l.fail(b, 'shared-secret')).toBeUndefined();
    expect(l.fail(b, 'shared-secret')).toBeUndefined();
    expect(l.fail(b, 'shared-secret')?.mode).toBe('lockout');
  });

  it('lists restrictions latest-ending first', () => {
    const { clock, l } = make();
    const a = remote('203.0.113.7');
    const b = remote('198.51.100.9');
    // Tracked in the order b, a (shared secret), a (device token); ending a, b, a (device token).
    l.fail(b, 'shared-secret');
    clock.advance(500);
    for (let i = 0; i < 3; i++) l.fail(a, 'shared-secret');
    clock.advance(500);
    l.fail(b, 'shared-secret');
    l.fail(b, 'shared-secret');
    clock.advance(1000);
    for (let i = 0; i < 3; i++) l.fail(a, 'device-token');
    expect(l.lockouts().map((x) => [x.peer, x.credential])).toEqual([
      ['203.0.113.7', 'device-token'],
      ['198.51.100.9', 'shared-secret'],
      ['203.0.113.7', 'shared-secret'],
    ]);
  });

  it('expands every IPv6 spelling before taking its /64', () => {
    expect(peerKey(remote('2001:db8:1:2:3:4:5:6'))).toBe('2001:db8:1:2::/64');
    expect(peerKey(remote('2001:db8::3:4:5:6:7'))).toBe('2001:db8:0:3::/64');
    // An embedded IPv4 tail is two groups.
    expect(peerKey(remote('1::5:6:7:192.0.2.1'))).toBe('1:0:0:5::/64');
  });
});
