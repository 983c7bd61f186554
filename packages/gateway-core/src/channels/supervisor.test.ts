import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { echoResponder } from '../sessions/responder.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { type Script, scriptedProvider } from '../testing/scripted-provider.ts';
import { systemClock } from '../util/clock.ts';
import { type Channels, type ChannelsDeps, createChannels } from './create-channels.ts';
import { NonRetryableChannelError, RateLimitedError } from './sdk/errors.ts';

const log = createSilentLogger();
const BACKOFF = { baseMs: 20, maxMs: 80, circuitAfter: 4, circuitOpenMs: 400 };

async function until<T>(fn: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('account supervision', () => {
  const open: Channels[] = [];
  afterEach(async () => {
    for (const m of open.splice(0)) await m.close();
  });

  function manager(script: Script, extra: Partial<ChannelsDeps> = {}, store: Store = createMemoryStore()) {
    const { provider, state } = scriptedProvider(script);
    const m = createChannels({
      store,
      bus: new EventBus(),
      clock: systemClock,
      log,
      responder: () => echoResponder,
      providers: [provider],
      config: () => ({ scripted: { dmPolicy: 'open' } }),
      stateDir: tmpdir(),
      gatewayId: 'gw-a',
      backoff: BACKOFF,
      ...extra,
    });
    open.push(m);
    return { m, state, store };
  }

  it('reconnects with growing backoff, then opens the circuit and waits longer', async () => {
    const times: number[] = [];
    const { m, state } = manager({
      onStart: () => {
        times.push(Date.now());
        throw new Error('connection refused');
      },
    });
    await m.start();
    await until(() => state.starts >= 5, 3000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 20, 40, 80 ms (±20% jitter), then the circuit: 400 ms. A timer never fires early but may
    // fire late on a busy machine, so only lower bounds are asserted: each wait is at least its
    // step's least (a millisecond spared for the clock), which is more than the step before can
    // be at most — so the waits grow whatever the lateness.
    expect(gaps[0]).toBeGreaterThanOrEqual(15);
    expect(gaps[1]).toBeGreaterThanOrEqual(31);
    expect(gaps[2]).toBeGreaterThanOrEqual(63);
    expect(gaps[3]).toBeGreaterThanOrEqual(390);
    const st = m.summary().accounts[0]!;
    expect(st).toMatchObject({
      healthState: 'backoff',
      connected: false,
      running: true,
      lastError: 'connection refused',
    });
    expect(st.reconnectAttempts).toBeGreaterThanOrEqual(4);
  });

  it('a non-retryable failure becomes an actionable status and is not retried', async () => {
    const { m, state } = manager({
      onStart: () => {
        throw new NonRetryableChannelError(
          'BAD_TOKEN',
          'token rejected (401)',
          'fix the token, then start the channel',
        );
      },
    });
    await m.start();
    await until(() => m.summary().accounts[0]!.healthState === 'needs-action');
    // No marker can show a retry that never comes. A retry would follow the backoff (at most
    // maxMs, +20 % jitter): watch for twice that.
    await new Promise((r) => setTimeout(r, 2 * 1.2 * BACKOFF.maxMs));
    expect(state.starts).toBe(1);
    const [a] = (await m.status.report()).channelAccounts.scripted!;
    expect(a).toMatchObject({
      running: false,
      lastError: 'token rejected (401)',
      action: 'fix the token, then start the channel',
    });
    // Operators restart it once fixed.
    await m.accounts.startAccounts('scripted');
    await until(() => state.starts === 2);
  });

  it('a receive loop that dies after start is restarted; an adapter that throws never takes the process down', async () => {
    const { m, state } = manager({
      onStart: (n, ctx) => {
        if (n === 1) setTimeout(() => ctx.fail(new Error('socket closed')), 10);
      },
    });
    await m.start();
    await until(() => state.starts === 2 && m.summary().accounts[0]!.connected);
    expect(state.stops).toBeGreaterThanOrEqual(1);
    expect(m.summary().accounts[0]!.lastDisconnect?.reason).toBe('socket closed');
  });

  it('a message cut short by a crash (noted, not processed) is finished on redelivery, exactly once', async () => {
    const { m, state, store } = manager({});
    await m.start();
    await until(() => m.summary().accounts[0]!.connected);
    const env = {
      channel: 'scripted',
      accountId: 'default',
      id: 'm-1',
      at: 1,
      chat: { kind: 'direct' as const, id: 'c1' },
      sender: { id: 'u1', isBot: false, isSelf: false, name: 'Ann' },
      text: 'are you there?',
      mentions: { bot: false, userIds: [] },
      media: [],
    };
    // What a process killed right after noting the message leaves behind.
    await store.channelAccess.markInboundSeen('scripted|default|c1|m-1', Date.now());
    await m.inbound.handle(env);
    await until(() => state.sent.some((x) => x.text === 'echo: are you there?'));
    // A platform retry of the same message changes nothing. The next message in the chat is the
    // marker: a second answer to the retry would be queued before its answer.
    await m.inbound.handle(env);
    await m.inbound.handle({ ...env, id: 'm-2', at: 2, text: 'marker' });
    await until(() => state.sent.some((x) => x.text === 'echo: marker'));
    expect(state.sent.map((x) => x.text)).toEqual(['echo: are you there?', 'echo: marker']);
    const history = await store.sessions.history('scripted:default:c1', { limit: 10 });
    expect(history.map((h) => h.text)).toEqual([
      'are you there?',
      'echo: are you there?',
      'marker',
      'echo: marker',
    ]);
  });

  it('a running account whose receive loop reports failures is degraded with the error and since when; healthy again, it runs clean', async () => {
    const { m, state } = manager({});
    await m.start();
    await until(() => m.summary().accounts[0]!.connected);
    const ctx = state.ctx!;
    const t0 = Date.now();
    ctx.degraded(new Error('request to http://api/getUpdates failed, reason: connect ECONNREFUSED'));
    const a = m.summary().accounts[0]!;
    expect(a).toMatchObject({ healthState: 'degraded', connected: false, running: true });
    expect(a.lastError).toContain('ECONNREFUSED');
    expect(a.failingSince).toBeGreaterThanOrEqual(t0);
    const since = a.failingSince;
    // A later failure updates the error, not since when.
    ctx.degraded(new Error('socket hang up'));
    expect(m.summary().accounts[0]).toMatchObject({ lastError: 'socket hang up', failingSince: since });
    const [shown] = (await m.status.report()).channelAccounts.scripted!;
    expect(shown).toMatchObject({
      healthState: 'degraded',
      lastError: 'socket hang up',
      failingSince: since,
    });
    ctx.healthy();
    expect(m.summary().accounts[0]).toMatchObject({
      healthState: 'running',
      connected: true,
      lastError: null,
      lastErrorAt: null,
      failingSince: null,
    });
    // An adapter that reports its link down through status() counts the same way.
    ctx.status({ connected: false });
    expect(m.summary().accounts[0]!.healthState).toBe('degraded');
    ctx.status({ connected: true });
    expect(m.summary().accounts[0]!.healthState).toBe('running');
  });

  it('an outage of a running account is degraded (not backoff) through every failed restart, until it runs again', async () => {
    let down = false;
    const { m, state } = manager({
      onStart: (n) => {
        if (down) throw new Error(`connect ECONNREFUSED (attempt ${n})`);
      },
    });
    down = true;
    // First start fails too: that is a start that never worked, so backoff.
    await m.start();
    await until(() => m.summary().accounts[0]!.healthState === 'backoff');
    down = false;
    await until(() => state.starts >= 2 && m.summary().accounts[0]!.connected);
    expect(m.summary().accounts[0]!.failingSince).toBeNull();
    // Now it ran: the loop dies and restarts fail while the platform is down.
    down = true;
    state.ctx!.fail(new Error('socket closed'));
    await until(() => m.summary().accounts[0]!.healthState === 'degraded');
    const seen = new Set<string>();
    await until(() => {
      const st = m.summary().accounts[0]!;
      seen.add(st.healthState);
      return st.reconnectAttempts >= 3 ? st : undefined;
    });
    expect([...seen]).toEqual(['degraded']);
    const st = m.summary().accounts[0]!;
    expect(st.lastError).toMatch(/ECONNREFUSED/);
    expect(st.failingSince).toBeGreaterThan(0);
    down = false;
    await until(() => m.summary().accounts[0]!.healthState === 'running');
    expect(m.summary().accounts[0]).toMatchObject({ lastError: null, failingSince: null, connected: true });
  });

  it('failing sends degrade a running account; a rate limit does not; a send that goes through recovers it', async () => {
    let mode: 'fail' | 'limit' | 'ok' = 'fail';
    const { m, state } = manager(
      {
        onSend: () => {
          if (mode === 'fail') throw new Error('fetch failed', { cause: new Error('connect ECONNREFUSED') });
          if (mode === 'limit') {
            mode = 'ok';
            throw new RateLimitedError(10, 'slow down');
          }
          return { ids: ['p1'], at: Date.now() };
        },
      },
      { outboxRetry: { baseMs: 20, maxMs: 40 } },
    );
    await m.start();
    await until(() => m.summary().accounts[0]!.connected);
    await m.send({ to: 'c1', message: 'hello', channel: 'scripted', idempotencyKey: 'k1' }, 'test');
    const down = await until(() => {
      const a = m.summary().accounts[0]!;
      return a.healthState === 'degraded' ? a : undefined;
    });
    // The receive side still works: connected; the error says why sends fail.
    expect(down.connected).toBe(true);
    expect(down.lastError).toBe('fetch failed: connect ECONNREFUSED');
    mode = 'limit';
    await until(() => state.sent.length >= 3 && m.summary().accounts[0]!.healthState === 'running');
    expect(m.summary().accounts[0]).toMatchObject({ lastError: null, failingSince: null });
  });

  it("errors never show the account's secrets", async () => {
    const { provider, state } = scriptedProvider({
      onStart: (n) => {
        if (n === 1)
          throw new Error('GET https://u:hunter2hunter2@host/x?token=abc123def failed for 123:SECRETtoken');
      },
    });
    const store = createMemoryStore();
    const m = createChannels({
      store,
      bus: new EventBus(),
      clock: systemClock,
      log,
      responder: () => echoResponder,
      providers: [provider],
      config: () => ({ scripted: { botToken: '123:SECRETtoken' } }),
      stateDir: tmpdir(),
      gatewayId: 'gw-a',
      backoff: { baseMs: 1000, maxMs: 1000 },
    });
    open.push(m);
    await m.start();
    const a = await until(() => m.summary().accounts[0]!.lastError ?? undefined);
    expect(state.starts).toBe(1);
    expect(a).not.toContain('SECRETtoken');
    expect(a).not.toContain('hunter2');
    expect(a).not.toContain('abc123def');
    expect(a).toContain('[redacted]');
  });

  it('channels.start answers with the state after starting, not before', async () => {
    let fail = false;
    const { m } = manager(
      {
        onStart: async () => {
          // A platform that takes a moment to answer.
          await new Promise((r) => setTimeout(r, 150));
          if (fail) throw new Error('connect ECONNREFUSED');
        },
      },
      { config: () => ({ scripted: { dmPolicy: 'open', enabled: false } }) },
    );
    await m.start();
    const [up] = await m.accounts.startAccounts('scripted');
    expect(up).toMatchObject({ healthState: 'running', connected: true });
    fail = true;
    const [restarted] = await m.accounts.startAccounts('scripted');
    expect(restarted).toMatchObject({ healthState: 'backoff', connected: false });
    expect(restarted!.lastError).toContain('ECONNREFUSED');
    // A bound: an account still starting when it runs out is reported as starting.
    fail = false;
    const [slow] = await m.accounts.startAccounts('scripted', 'default', 20);
    expect(slow!.healthState).toBe('starting');
  });

  it('channels.status with probe calls each account probe, running or not, and reports it per account', async () => {
    const { m, state } = manager({
      onProbe: async () => ({ ok: true, self: { id: 'bot-1', name: 'Bot' } }),
    });
    await m.start();
    await until(() => m.summary().accounts[0]!.connected);
    const plain = await m.status.report();
    expect(state.probes).toBe(0);
    expect(plain.channelAccounts.scripted![0]!.probe).toBeUndefined();
    const probed = await m.status.report(undefined, { probe: true });
    expect(state.probes).toBe(1);
    expect(probed.channelAccounts.scripted![0]).toMatchObject({
      probe: { ok: true, self: { id: 'bot-1', name: 'Bot' } },
      lastProbeAt: expect.any(Number),
    });
    await m.accounts.stopAccounts('scripted');
    const stopped = await m.status.report(undefined, { probe: true });
    expect(state.probes).toBe(2);
    expect(stopped.channelAccounts.scripted![0]).toMatchObject({
      healthState: 'stopped',
      probe: { ok: true },
    });
  });

  it('a probe that fails or hangs is reported, within its budget', async () => {
    let n = 0;
    const { m } = manager({
      onProbe: () => {
        n++;
        if (n === 1) return { ok: false, error: 'getMe: connect ECONNREFUSED' };
        return new Promise(() => {});
      },
    });
    await m.start();
    await until(() => m.summary().accounts[0]!.connected);
    const failed = await m.status.report(undefined, { probe: true, timeoutMs: 100 });
    expect(failed.channelAccounts.scripted![0]!.probe).toMatchObject({
      ok: false,
      error: 'getMe: connect ECONNREFUSED',
    });
    const t0 = Date.now();
    const hung = await m.status.report(undefined, { probe: true, timeoutMs: 100 });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(hung.channelAccounts.scripted![0]!.probe).toMatchObject({ ok: false });
    expect(hung.channelAccounts.scripted![0]!.probe!.error).toMatch(/did not answer/);
  });

  it('single owner: a second gateway on the same store does not start the account and names the holder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-lease-'));
    const path = join(dir, 'gateway.db');
    try {
      const a = manager({}, { gatewayId: 'gw-a', leaseTtlMs: 300 }, createSqliteStore({ path }));
      const b = manager({}, { gatewayId: 'gw-b', leaseTtlMs: 300 }, createSqliteStore({ path }));
      await a.m.start();
      await until(() => a.m.summary().accounts[0]!.connected);
      await b.m.start();
      const held = await until(() => {
        const s = b.m.summary().accounts[0]!;
        return s.healthState === 'held-elsewhere' ? s : undefined;
      });
      expect(held.heldBy).toBe('gw-a');
      expect(b.state.starts).toBe(0);
      const status = await b.m.status.report();
      expect(status.channelAccounts.scripted![0]).toMatchObject({
        healthState: 'held-elsewhere',
        heldBy: 'gw-a',
      });
      // The holder stops (or dies): the other takes over within the lease time.
      const t0 = Date.now();
      await a.m.close();
      await until(() => b.m.summary().accounts[0]!.connected, 2000);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(b.state.starts).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
