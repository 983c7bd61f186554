import type { Clock } from '../util/clock.ts';

export interface RateLimitPolicy {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

interface Entry {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

/**
 * Counts auth failures per client key (the peer address, loopback included) and locks a key
 * out for `lockoutMs` after `maxFailures` failures within `windowMs`.
 */
export class AuthRateLimiter {
  #entries = new Map<string, Entry>();
  #policy: RateLimitPolicy;
  readonly #clock: Clock;

  constructor(policy: RateLimitPolicy, clock: Clock) {
    this.#policy = policy;
    this.#clock = clock;
  }

  setPolicy(policy: RateLimitPolicy): void {
    this.#policy = policy;
  }

  /** Milliseconds the key must still wait, or 0 when it may try. */
  retryAfter(key: string): number {
    const e = this.#entries.get(key);
    if (!e) return 0;
    const now = this.#clock.now();
    return e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  /** Record a failure; returns the lockout left (0 if not locked yet). */
  fail(key: string): number {
    const now = this.#clock.now();
    let e = this.#entries.get(key);
    if (!e || now - e.windowStart > this.#policy.windowMs) {
      e = { failures: 0, windowStart: now, lockedUntil: 0 };
      this.#entries.set(key, e);
    }
    e.failures++;
    if (e.failures >= this.#policy.maxFailures) {
      e.lockedUntil = now + this.#policy.lockoutMs;
      e.failures = 0;
      e.windowStart = now;
    }
    this.#prune(now);
    return e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  /** A success clears the key's failures. */
  succeed(key: string): void {
    const e = this.#entries.get(key);
    if (e && e.lockedUntil <= this.#clock.now()) this.#entries.delete(key);
  }

  #prune(now: number): void {
    // Bounded memory under a spray of addresses: drop stale entries when the map grows.
    if (this.#entries.size < 10_000) return;
    for (const [k, e] of this.#entries) {
      if (e.lockedUntil <= now && now - e.windowStart > this.#policy.windowMs) this.#entries.delete(k);
    }
  }
}
