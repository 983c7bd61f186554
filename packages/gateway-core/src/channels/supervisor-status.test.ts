// What an account's status says, as the supervisor keeps it: before start, while starting, what
// the adapter reports (linked or waiting for a login), failures of receiving and of sending, and
// which adapter is allowed to speak.
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { type Script, scriptedProvider } from '../testing/scripted-provider.ts';
import { ManualClock } from '../util/clock.ts';
import type { CoreAccountConfig, ResolvedAccount } from './account-config.ts';
import type { AdapterContext, InboundEnvelope, WebhookRegistrar } from './sdk/types.ts';
import { AccountSupervisor, type LeaseHandle, type SupervisorOptions } from './supervisor.ts';

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

async function until<T>(fn: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function lease(): LeaseHandle {
  const store = createMemoryStore();
  return {
    ttlMs: 60_000,
    async acquire() {
      const r = await store.leases.acquire('l', 'gw-a', 60_000, Date.now());
      return { acquired: r.acquired, holder: r.lease.holder, token: r.lease.token };
    },
    async release() {
      await store.leases.release('l', 'gw-a');
    },
  };
}

const open: AccountSupervisor[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop();
});

function supervisor(
  script: Script = {},
  account: Partial<ResolvedAccount> = {},
  extra: Partial<SupervisorOptions> = {},
) {
  const { provider, state } = scriptedProvider(script);
  const clock = new ManualClock(1_000_000);
  const sup = new AccountSupervisor({
    provider,
    account: { channel: 'scripted', core, provider: {}, configured: true, ...account },
    stateDir: tmpdir(),
    log: createSilentLogger(),
    clock,
    lease: lease(),
    backoff: { baseMs: 20, maxMs: 40, circuitAfter: 10, circuitOpenMs: 100 },
    emit: async () => {},
    onAdapter: () => {},
    onStatus: () => {},
    ...extra,
  });
  open.push(sup);
  return { sup, state, clock };
}

const ctxOf = (state: { ctx: AdapterContext | undefined }) => state.ctx!;

describe('account status', () => {
  it('starts as stopped, disabled or not configured, and does not start without credentials', async () => {
    expect(supervisor().sup.status).toMatchObject({
      healthState: 'stopped',
      running: false,
      connected: false,
    });
    expect(supervisor({}, { core: { ...core, enabled: false } }).sup.status.healthState).toBe('disabled');
    const { sup, state, clock } = supervisor({}, { configured: false });
    expect(sup.status.healthState).toBe('not-configured');
    sup.start();
    expect(sup.status).toMatchObject({
      healthState: 'not-configured',
      running: false,
      lastError: 'missing credentials in config',
      lastErrorAt: clock.now(),
    });
    await sup.settled(1000);
    expect(state.starts).toBe(0);
  });

  it('runs one adapter however often start is called', async () => {
    const { sup, state } = supervisor();
    sup.start();
    sup.start();
    await until(() => sup.status.healthState === 'running');
    sup.start();
    await sup.restart();
    await until(() => sup.status.healthState === 'running');
    expect(state.starts).toBe(2);
    expect(state.stops).toBe(1);
  });

  it('settled() waits for the end of starting, answers at once otherwise, and gives up after its timeout', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const { sup } = supervisor({ onStart: () => held });
    const before = Date.now();
    await sup.settled(10_000);
    expect(Date.now() - before).toBeLessThan(1000);
    sup.start();
    expect(sup.status.healthState).toBe('starting');
    const t0 = Date.now();
    await sup.settled(50);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(sup.status.healthState).toBe('starting');
    const waiting = sup.settled(10_000);
    release();
    await waiting;
    expect(sup.status.healthState).toBe('running');
  });

  it('takes what the adapter says while starting: a linked-device account waits for its login, then runs', async () => {
    const { sup, state, clock } = supervisor({
      onStart: (_n, ctx) => {
        ctx.status({ connected: false, mode: 'awaiting-login', self: { id: 'me', name: 'Me' } });
      },
    });
    sup.start();
    await until(() => sup.status.healthState !== 'starting' && sup.status.healthState);
    expect(sup.status).toMatchObject({
      healthState: 'awaiting-login',
      connected: false,
      mode: 'awaiting-login',
      self: { id: 'me', name: 'Me' },
      lastConnectedAt: null,
    });
    // A send failing while it waits for its login does not turn it into an outage.
    sup.noteFailure('send', new Error('not linked'));
    expect(sup.status).toMatchObject({ healthState: 'awaiting-login', lastError: 'not linked' });
    sup.noteSuccess('send');
    // A send going through is not a login: it still waits for one.
    expect(sup.status.healthState).toBe('awaiting-login');
    clock.advance(5);
    ctxOf(state).status({ connected: true, mode: 'linked' });
    expect(sup.status).toMatchObject({
      healthState: 'running',
      connected: true,
      mode: 'linked',
      lastConnectedAt: clock.now(),
      lastError: null,
    });
    ctxOf(state).status({ connected: false, mode: 'awaiting-login' });
    expect(sup.status).toMatchObject({ healthState: 'awaiting-login', connected: false });
  });

  it('a link that goes down says why, or that it was disconnected; an adapter error is shown with its time', async () => {
    const { sup, state, clock } = supervisor();
    sup.start();
    await until(() => sup.status.healthState === 'running');
    const ctx = ctxOf(state);
    clock.advance(10);
    ctx.status({ lastError: 'token about to expire' });
    expect(sup.status).toMatchObject({
      healthState: 'running',
      lastError: 'token about to expire',
      lastErrorAt: clock.now(),
    });
    ctx.status({ connected: false });
    expect(sup.status).toMatchObject({
      healthState: 'degraded',
      connected: false,
      lastError: 'disconnected from the platform',
      lastDisconnect: { at: clock.now(), reason: 'disconnected from the platform' },
    });
    ctx.status({ connected: true });
    ctx.status({ connected: false, lastError: 'kicked by the server' });
    expect(sup.status.lastError).toBe('kicked by the server');
  });

  it('a failing send degrades a running account but keeps it connected, and records no disconnect', async () => {
    const { sup, clock } = supervisor();
    sup.start();
    await until(() => sup.status.healthState === 'running');
    clock.advance(7);
    sup.noteFailure('send', new Error('ECONNREFUSED'));
    expect(sup.status).toMatchObject({
      healthState: 'degraded',
      connected: true,
      lastError: 'ECONNREFUSED',
      lastErrorAt: clock.now(),
      failingSince: clock.now(),
    });
    expect(sup.status.lastDisconnect).toBeUndefined();
    sup.noteSuccess('send');
    expect(sup.status).toMatchObject({ healthState: 'running', lastError: null, failingSince: null });
  });

  it('stays degraded while one side still fails, showing that side’s error; a repeated receive failure is one disconnect', async () => {
    const { sup, clock } = supervisor();
    sup.start();
    await until(() => sup.status.healthState === 'running');
    sup.noteFailure('receive', new Error('poll failed'));
    const first = sup.status.lastDisconnect;
    expect(first).toEqual({ at: clock.now(), reason: 'poll failed' });
    clock.advance(100);
    sup.noteFailure('receive', new Error('poll failed again'));
    expect(sup.status.lastDisconnect).toEqual(first);
    sup.noteFailure('send', new Error('send refused'));
    sup.noteSuccess('send');
    expect(sup.status).toMatchObject({
      healthState: 'degraded',
      lastError: 'poll failed again',
      connected: false,
    });
    clock.advance(5);
    sup.noteSuccess('receive');
    expect(sup.status).toMatchObject({
      healthState: 'running',
      connected: true,
      lastConnectedAt: clock.now(),
      lastError: null,
    });
    // Success of a side that was not failing changes nothing.
    clock.advance(5);
    sup.noteSuccess('receive');
    expect(sup.status.lastConnectedAt).toBe(clock.now() - 5);
  });

  it('ignores failures reported while the account is still starting', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const { sup } = supervisor({ onStart: () => held });
    sup.start();
    sup.noteFailure('send', new Error('early'));
    expect(sup.status).toMatchObject({ healthState: 'starting', lastError: null });
    release();
    await until(() => sup.status.healthState === 'running');
    expect(sup.status.lastError).toBeNull();
  });

  it('after a restart, reports from the adapter it replaced change nothing', async () => {
    const { sup, state } = supervisor();
    sup.start();
    await until(() => sup.status.healthState === 'running');
    const old = ctxOf(state);
    await sup.restart();
    await until(() => sup.status.healthState === 'running' && state.starts === 2);
    old.status({ connected: false, lastError: 'old socket closed' });
    old.degraded(new Error('old poll failed'));
    expect(sup.status).toMatchObject({ healthState: 'running', connected: true, lastError: null });
    ctxOf(state).degraded(new Error('new poll failed'));
    old.healthy();
    expect(sup.status).toMatchObject({ healthState: 'degraded', lastError: 'new poll failed' });
  });

  it('notes inbound and outbound times, passes inbound messages on, and hands the adapter the webhook registrar', async () => {
    const got: InboundEnvelope[] = [];
    const webhooks = { register: () => () => {} } as unknown as WebhookRegistrar;
    const { sup, state } = supervisor({}, {}, { emit: async (e) => void got.push(e), webhooks });
    sup.start();
    await until(() => sup.status.healthState === 'running');
    const ctx = ctxOf(state);
    expect(ctx.webhooks).toBe(webhooks);
    const env = { id: 'm1' } as InboundEnvelope;
    await ctx.emit(env);
    expect(got).toEqual([env]);
    sup.noteInbound(123);
    sup.noteOutbound(456);
    expect(sup.status).toMatchObject({ lastInboundAt: 123, lastOutboundAt: 456 });
  });
});
