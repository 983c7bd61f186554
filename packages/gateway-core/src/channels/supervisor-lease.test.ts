// One account, one owner: the supervisor starts its adapter only while it holds the account's
// lease in the store, steps down when another gateway takes it, and gives it back when it stops.
// Real store leases; each gateway's clock is its own, as on two machines.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { type Script, scriptedProvider } from '../testing/scripted-provider.ts';
import { ManualClock } from '../util/clock.ts';
import type { CoreAccountConfig } from './account-config.ts';
import { NonRetryableChannelError } from './sdk/errors.ts';
import { type AccountRuntimeStatus, AccountSupervisor, type LeaseHandle } from './supervisor.ts';

const NAME = 'channel:scripted:default';
const TTL = 300;

const core: CoreAccountConfig = {
  accountId: 'default',
  enabled: true,
  dmPolicy: 'open',
  allowFrom: [],
  groupPolicy: 'open',
  groupAllowFrom: [],
  requireMention: true,
  groups: {},
  pacing: { perChatMs: 0, perAccountMs: 0 },
  sendConcurrency: 4,
};

async function until<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 5000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The lease as AccountLeases hands it out: this gateway's name, its clock, the shared store. */
function storeLease(store: Store, holder: string, clock: ManualClock, calls = { n: 0 }): LeaseHandle {
  return {
    ttlMs: TTL,
    async acquire() {
      calls.n++;
      const r = await store.leases.acquire(NAME, holder, TTL, clock.now());
      return { acquired: r.acquired, holder: r.lease.holder, token: r.lease.token };
    },
    async release() {
      await store.leases.release(NAME, holder);
    },
  };
}

const open: AccountSupervisor[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop();
});

function supervisor(lease: LeaseHandle, script: Script = {}) {
  const { provider, state } = scriptedProvider(script);
  const states: string[] = [];
  const adapters: unknown[] = [];
  const sup = new AccountSupervisor({
    provider,
    account: { channel: 'scripted', core, provider: {}, configured: true },
    stateDir: tmpdir(),
    log: createSilentLogger(),
    clock: new ManualClock(),
    lease,
    backoff: { baseMs: 20, maxMs: 40, circuitAfter: 10, circuitOpenMs: 100 },
    emit: async () => {},
    onAdapter: (a) => void adapters.push(a),
    onStatus: (s: AccountRuntimeStatus) => {
      if (states.at(-1) !== s.healthState) states.push(s.healthState);
    },
  });
  open.push(sup);
  return { sup, state, states, adapters };
}

describe('account supervisor and its lease', () => {
  it('waits while another gateway holds the account, names it, and starts once the lease is free', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock();
    await store.leases.acquire(NAME, 'gw-b', TTL, clock.now());
    const { sup, state, states } = supervisor(storeLease(store, 'gw-a', clock));
    sup.start();
    await until(() => sup.status.healthState === 'held-elsewhere');
    expect(sup.status).toMatchObject({ heldBy: 'gw-b', connected: false, running: true });
    expect(state.starts).toBe(0);
    expect(sup.leaseToken).toBe(0);
    await store.leases.release(NAME, 'gw-b');
    await until(() => sup.status.healthState === 'running');
    expect(sup.status.heldBy).toBeUndefined();
    expect(sup.leaseToken).toBe(2);
    expect(state.starts).toBe(1);
    // Taking the lease over is a start like any other: it goes through `starting`.
    expect(states).toEqual(['starting', 'held-elsewhere', 'starting', 'running']);
  });

  it('steps down when another gateway takes the lease: adapter stopped and withdrawn, token dropped, reason shown', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock();
    const { sup, state, adapters } = supervisor(storeLease(store, 'gw-a', clock));
    sup.start();
    await until(() => sup.status.healthState === 'running');
    expect(sup.leaseToken).toBe(1);
    // gw-b's clock says gw-a's lease ran out: it takes the account.
    const taken = await store.leases.acquire(NAME, 'gw-b', 60_000, clock.now() + TTL + 1);
    expect(taken.acquired).toBe(true);
    await until(() => sup.status.healthState === 'held-elsewhere');
    expect(state.stops).toBe(1);
    expect(adapters.at(-1)).toBeUndefined();
    expect(sup.adapter).toBeUndefined();
    expect(sup.leaseToken).toBe(0);
    expect(sup.status).toMatchObject({
      heldBy: 'gw-b',
      connected: false,
      lastDisconnect: { reason: 'lease taken by another gateway' },
    });
    expect(state.starts).toBe(1);
  });

  it('treats a lease that changed hands in between as lost, even when it comes back to this gateway', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock();
    const { sup, state } = supervisor(storeLease(store, 'gw-a', clock));
    sup.start();
    await until(() => sup.status.healthState === 'running');
    expect(sup.leaseToken).toBe(1);
    // Between two renewals, gw-b takes the account and lets it go again.
    await store.leases.acquire(NAME, 'gw-b', 60_000, clock.now() + TTL + 1);
    await store.leases.release(NAME, 'gw-b');
    // The token gw-a started under is no longer the lease's: restart under the new one.
    await until(() => state.stops === 1 && sup.status.healthState === 'running');
    expect(sup.leaseToken).toBe(3);
    expect(state.starts).toBe(2);
  });

  it('keeps serving through a lease backend outage while running; at start, an outage means not ours', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-sup-'));
    try {
      const path = join(dir, 'gateway.db');
      const store = createSqliteStore({ path });
      const clock = new ManualClock();
      const calls = { n: 0 };
      const { sup, state } = supervisor(storeLease(store, 'gw-a', clock, calls));
      sup.start();
      await until(() => sup.status.healthState === 'running');
      const token = sup.leaseToken;
      await store.close();
      const after = calls.n;
      // Three failed renewals later it still runs with the same adapter and token.
      await until(() => calls.n >= after + 3);
      expect(sup.status.healthState).toBe('running');
      expect(sup.leaseToken).toBe(token);
      expect(state.stops).toBe(0);
      await sup.stop();

      const closed = createSqliteStore({ path });
      await closed.close();
      const { sup: late, state: lateState } = supervisor(storeLease(closed, 'gw-a', clock));
      late.start();
      await until(() => late.status.healthState === 'held-elsewhere');
      expect(late.status.heldBy).toBe('unknown');
      expect(lateState.starts).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives the lease back when it stops, and when a failure needs an operator', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock();
    const { sup } = supervisor(storeLease(store, 'gw-a', clock));
    sup.start();
    await until(() => sup.status.healthState === 'running');
    expect((await store.leases.get(NAME))?.holder).toBe('gw-a');
    await sup.stop();
    expect(await store.leases.get(NAME)).toBeUndefined();
    expect(sup.leaseToken).toBe(0);
    expect(sup.status).toMatchObject({
      healthState: 'stopped',
      running: false,
      connected: false,
      failingSince: null,
    });
    expect(sup.status.lastStopAt).not.toBeNull();

    const { sup: broken } = supervisor(storeLease(store, 'gw-a', clock), {
      onStart: () => {
        throw new NonRetryableChannelError('BAD_TOKEN', 'token rejected (401)', 'fix the token');
      },
    });
    broken.start();
    await until(() => broken.status.healthState === 'needs-action');
    await until(async () => (await store.leases.get(NAME)) === undefined);
    expect(broken.status).toMatchObject({ running: false, connected: false, action: 'fix the token' });
  });
});
