import { isIPv6 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthLockout } from '@openclaw/protocol';
import type { Clock } from '../util/clock.ts';

/** Credentials counted apart: failures of one kind never block another. */
export type CredentialKind = AuthLockout['credential'];

export interface AuthLimitPolicy {
  /** Failures of one kind from one peer, within `windowMs`, that restrict it. */
  maxFailures: number;
  windowMs: number;
  /** How long a remote peer is locked out. */
  lockoutMs: number;
  /** While loopback is throttled: one credential check per this many milliseconds. */
  loopbackIntervalMs: number;
}

/** Who is asking: what the HTTP layer decided about the socket (see PeerInfo). */
export interface AuthPeer {
  remoteAddress: string;
  isLoopback: boolean;
}

export type Admission = { allowed: true; waitMs: number } | { allowed: false; retryAfterMs: number };

export interface AuthLimiterOptions {
  policy: AuthLimitPolicy;
  clock: Clock;
  /** Told once when a peer becomes locked out or throttled (the audit log and the log listen). */
  onRestricted?: (lockout: AuthLockout) => void;
  /** How waits for a loopback slot are spent (tests shorten nothing: the limiter's clock decides). */
  sleep?: (ms: number) => Promise<unknown>;
}

/** Longest a throttled loopback check may be held for its slot before it is told to retry instead. */
export const LOOPBACK_MAX_WAIT_MS = 4000;
/** Above this many tracked peers, stale ones are dropped (at most once a second). */
const PRUNE_AT = 10_000;
/** Hard bound on tracked peers under a spray of addresses: the oldest go first. */
const MAX_ENTRIES = 100_000;

interface Entry {
  peer: string;
  credential: CredentialKind;
  loopback: boolean;
  failures: number;
  windowStart: number;
  /** When the current restriction began; 0 when none. */
  since: number;
  until: number;
  /** Loopback throttle: the earliest time the next check may run. */
  nextSlot: number;
}

/**
 * The one limiter of failed authentication, shared by every surface (WebSocket connect, canvas,
 * A2UI, the session exchange, /metrics). Keys are (peer, credential kind). A remote peer that fails
 * `maxFailures` times within `windowMs` is locked out for `lockoutMs`: every attempt of that kind is
 * refused before its credential is looked at. Loopback is one peer (any local process can pick any
 * 127.x source address) and is never locked out, only throttled: one check per
 * `loopbackIntervalMs` until `windowMs` passes without a failure, the waiting attempts queued (up
 * to LOOPBACK_MAX_WAIT_MS) rather than refused, so the operator's right secret still gets in.
 *
 * Our own code rather than rate-limiter-flexible: `status` must list who is restricted, of which
 * kind and until when (that library cannot enumerate its keys), and the loopback throttle hands
 * out queued slots instead of refusing.
 */
export class AuthLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #onRestricted: ((lockout: AuthLockout) => void) | undefined;
  readonly #sleep: (ms: number) => Promise<unknown>;
  #policy: AuthLimitPolicy;
  #lastPrune = 0;

  constructor(options: AuthLimiterOptions) {
    this.#policy = options.policy;
    this.#clock = options.clock;
    this.#onRestricted = options.onRestricted;
    this.#sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  setPolicy(policy: AuthLimitPolicy): void {
    this.#policy = policy;
  }

  /**
   * May `peer` have a credential of `kind` checked now? Call before looking at the credential.
   * A throttled loopback peer is given a slot (`waitMs` to wait first), or a retry time when
   * the queue is longer than `maxWaitMs`.
   */
  admit(peer: AuthPeer, kind: CredentialKind, maxWaitMs = LOOPBACK_MAX_WAIT_MS): Admission {
    const e = this.#entries.get(entryKey(peerKey(peer), kind));
    const now = this.#clock.now();
    if (!e || e.until <= now) return { allowed: true, waitMs: 0 };
    if (!e.loopback) return { allowed: false, retryAfterMs: e.until - now };
    const slot = Math.max(now, e.nextSlot);
    if (slot - now > maxWaitMs) return { allowed: false, retryAfterMs: slot - now };
    e.nextSlot = slot + this.#policy.loopbackIntervalMs;
    return { allowed: true, waitMs: slot - now };
  }

  /** `admit`, then wait for the slot it gave. */
  async acquire(peer: AuthPeer, kind: CredentialKind, maxWaitMs = LOOPBACK_MAX_WAIT_MS): Promise<Admission> {
    const a = this.admit(peer, kind, maxWaitMs);
    if (a.allowed && a.waitMs > 0) await this.#sleep(a.waitMs);
    return a;
  }

  /** Count a wrong credential. Returns the restriction when this failure started one. */
  fail(peer: AuthPeer, kind: CredentialKind): AuthLockout | undefined {
    const now = this.#clock.now();
    const p = peerKey(peer);
    const key = entryKey(p, kind);
    let e = this.#entries.get(key);
    if (e && e.until > now) {
      e.failures++;
      // A throttle lasts while the guessing goes on; a lockout runs its fixed course.
      if (e.loopback) e.until = now + this.#policy.windowMs;
      return undefined;
    }
    if (!e || e.since > 0 || now - e.windowStart > this.#policy.windowMs) {
      if (!e) this.#bound(now);
      e = {
        peer: p,
        credential: kind,
        loopback: peer.isLoopback,
        failures: 0,
        windowStart: now,
        since: 0,
        until: 0,
        nextSlot: 0,
      };
      this.#entries.set(key, e);
    }
    e.failures++;
    if (e.failures < this.#policy.maxFailures) return undefined;
    e.since = now;
    if (e.loopback) {
      e.until = now + this.#policy.windowMs;
      e.nextSlot = now + this.#policy.loopbackIntervalMs;
    } else {
      e.until = now + this.#policy.lockoutMs;
    }
    const lockout = toLockout(e);
    this.#onRestricted?.(lockout);
    return lockout;
  }

  /** A right credential forgets the failures of its kind, unless a restriction is running. */
  succeed(peer: AuthPeer, kind: CredentialKind): void {
    const key = entryKey(peerKey(peer), kind);
    const e = this.#entries.get(key);
    if (e && e.until <= this.#clock.now()) this.#entries.delete(key);
  }

  /** Restrictions in force now, the latest-ending first. */
  lockouts(): AuthLockout[] {
    const now = this.#clock.now();
    const out: AuthLockout[] = [];
    for (const e of this.#entries.values()) if (e.until > now) out.push(toLockout(e));
    return out.sort((a, b) => b.untilMs - a.untilMs);
  }

  #bound(now: number): void {
    if (this.#entries.size >= PRUNE_AT && now - this.#lastPrune >= 1000) {
      this.#lastPrune = now;
      for (const [k, e] of this.#entries) {
        if (e.until <= now && now - e.windowStart > this.#policy.windowMs) this.#entries.delete(k);
      }
    }
    // Still too many (a spray of live addresses): forget the oldest rather than grow without bound.
    for (const k of this.#entries.keys()) {
      if (this.#entries.size < MAX_ENTRIES) break;
      this.#entries.delete(k);
    }
  }
}

function toLockout(e: Entry): AuthLockout {
  return {
    peer: e.peer,
    credential: e.credential,
    mode: e.loopback ? 'throttle' : 'lockout',
    failures: e.failures,
    sinceMs: e.since,
    untilMs: e.until,
  };
}

function entryKey(peer: string, kind: CredentialKind): string {
  return `${kind} ${peer}`;
}

/**
 * The peer a failure is charged to. Every loopback client is one peer; an IPv6 client is its
 * /64 (one host is routinely given a whole /64, so its single addresses cost it nothing).
 */
export function peerKey(peer: AuthPeer): string {
  if (peer.isLoopback) return 'loopback';
  const a = peer.remoteAddress.startsWith('::ffff:') ? peer.remoteAddress.slice(7) : peer.remoteAddress;
  return isIPv6(a) ? ipv6Slash64(a) : a;
}

function ipv6Slash64(address: string): string {
  const [head = '', tail] = address.split('%')[0]!.toLowerCase().split('::');
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms) takes two groups.
  const groups = (s: string) => (s ? s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const h = groups(head);
  const t = tail === undefined ? undefined : groups(tail);
  const full =
    t === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${full
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
