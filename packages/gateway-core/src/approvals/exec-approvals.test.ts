import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecApproval } from '@openclaw/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { type Clock, ManualClock, systemClock } from '../util/clock.ts';
import { ExecApprovals, type RunRequest } from './exec-approvals.ts';

// Two gateways (or one before and after a restart) on one database file: each its own store
// connection, event bus and ExecApprovals, as in a cluster or across a crash.
describe('exec approvals kept in the store', () => {
  let dir: string;
  const stores: Store[] = [];
  const services: ExecApprovals[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-approvals-'));
  });
  afterEach(async () => {
    for (const s of services.splice(0)) s.close();
    for (const s of stores.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  function gateway(clock: Clock = systemClock, pollMs = 60_000) {
    const store = createSqliteStore({ path: join(dir, 'gateway.db') });
    stores.push(store);
    const bus = new EventBus();
    const events: { event: string; payload: unknown }[] = [];
    bus.tap((event, payload) => events.push({ event, payload }));
    const approvals = new ExecApprovals({
      kv: store.kv,
      approvals: store.approvals,
      bus,
      clock,
      log: createSilentLogger(),
      pollMs,
    });
    services.push(approvals);
    return {
      approvals,
      bus,
      events,
      requested: () => events.filter((e) => e.event === 'exec.approval.requested'),
    };
  }

  const RUN: RunRequest = {
    argv: ['true'],
    nodeId: 'node-1',
    sessionKey: 'web:1',
    requestedBy: 'agent:run-1',
  };
  const KEY = 'agent:run-1:call_run';

  async function askAlways(g: ReturnType<typeof gateway>, askFallback: 'deny' | 'full' = 'deny') {
    const snap = await g.approvals.snapshot();
    await g.approvals.set(
      { version: 1, defaults: { security: 'full', ask: 'always', askFallback } },
      snap.hash,
    );
  }

  it('asked again under the same key, the gate waits on the first request: same id, same expiry, announced once', async () => {
    const a = gateway();
    const b = gateway();
    await askAlways(a);
    // The cluster bridge wakes a gateway's waiters when another one announces a decision.
    b.bus.tap((event, payload) => {
      if (event === 'exec.approval.resolved') a.approvals.wake((payload as { id: string }).id);
    });
    const seenByA: ExecApproval[] = [];
    const onA = a.approvals.gate(RUN, (x) => seenByA.push(x), { key: KEY });
    onA.catch(() => {});
    await expect.poll(() => seenByA.length).toBe(1);
    const first = seenByA[0]!;

    const seenByB: ExecApproval[] = [];
    const onB = b.approvals.gate(RUN, (x) => seenByB.push(x), { key: KEY });
    onB.catch(() => {});
    await expect.poll(() => seenByB.length).toBe(1);
    expect(seenByB[0]).toEqual(first);
    expect(seenByB[0]).not.toHaveProperty('key');
    expect(a.requested()).toHaveLength(1);
    expect(b.requested()).toHaveLength(0);
    expect(await a.approvals.list()).toEqual([first]);
    expect(await b.approvals.list()).toEqual([first]);

    // Decided on B: both waits end with it (A's poll is a minute: the announcement woke it).
    const t0 = Date.now();
    await b.approvals.resolve(first.id, 'deny', 'operator-b');
    await expect(onA).rejects.toMatchObject({
      detailCode: 'SYSTEM_RUN_DENIED',
      details: { approvalId: first.id },
    });
    await expect(onB).rejects.toMatchObject({
      detailCode: 'SYSTEM_RUN_DENIED',
      details: { approvalId: first.id },
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(a.approvals.resolve(first.id, 'allow-once', 'operator-a')).rejects.toMatchObject({
      detailCode: 'APPROVAL_UNKNOWN',
    });
    expect(await a.approvals.get(first.id)).toMatchObject({
      status: 'resolved',
      decision: 'deny',
      resolvedBy: 'operator-b',
    });
  });

  it('a decision made while no gateway waited reaches the run that asks again, without a new request', async () => {
    const a = gateway();
    await askAlways(a);
    let asked: ExecApproval | undefined;
    const gone = new AbortController();
    const onA = a.approvals.gate(RUN, (x) => (asked = x), { key: KEY, signal: gone.signal });
    await expect.poll(() => asked).toBeDefined();
    // A dies with the run waiting: the wait ends, nothing is decided, the request stays.
    gone.abort(new Error('killed'));
    await expect(onA).rejects.toThrow('killed');
    a.approvals.close();
    const b = gateway();
    expect(await b.approvals.list()).toEqual([asked]);
    await b.approvals.resolve(asked!.id, 'allow-once', 'operator-b');

    const c = gateway();
    const pending: ExecApproval[] = [];
    const passed = await c.approvals.gate(RUN, (x) => pending.push(x), { key: KEY });
    expect(passed).toEqual({ approval: { id: asked!.id, decision: 'allow-once' } });
    expect(pending).toEqual([]);
    expect(c.requested()).toEqual([]);
    // A run that did not ask before gets a request of its own.
    const other = c.approvals.gate(RUN, () => {}, { key: 'agent:run-2:call_run' });
    other.catch(() => {});
    await expect.poll(() => c.requested().length).toBe(1);
    expect((await c.approvals.list()).map((x) => x.id)).not.toContain(asked!.id);
  });

  it('a decision on another gateway reaches a waiting run by polling the store when no announcement comes', async () => {
    const a = gateway(systemClock, 50);
    const b = gateway();
    await askAlways(a);
    let asked: ExecApproval | undefined;
    const onA = a.approvals.gate(RUN, (x) => (asked = x), { key: KEY });
    await expect.poll(() => asked).toBeDefined();
    await b.approvals.resolve(asked!.id, 'allow-once', 'operator-b');
    await expect(onA).resolves.toEqual({ approval: { id: asked!.id, decision: 'allow-once' } });
  });

  it('an approval that expired while no gateway watched it is expired once, and the ask fallback decides', async () => {
    const clock = new ManualClock();
    for (const [fallback, outcome] of [
      ['deny', 'denied'],
      ['full', 'runs'],
    ] as const) {
      const a = gateway(clock);
      await askAlways(a, fallback);
      const key = `${KEY}:${fallback}`;
      let asked: ExecApproval | undefined;
      const gone = new AbortController();
      const onA = a.approvals.gate(RUN, (x) => (asked = x), { key, signal: gone.signal });
      await expect.poll(() => asked).toBeDefined();
      gone.abort(new Error('killed'));
      await expect(onA).rejects.toThrow('killed');
      a.approvals.close();

      clock.set(asked!.expiresAtMs);
      const b = gateway(clock);
      const pending: ExecApproval[] = [];
      const gate = b.approvals.gate(RUN, (x) => pending.push(x), { key });
      if (outcome === 'denied')
        await expect(gate).rejects.toMatchObject({
          detailCode: 'SYSTEM_RUN_DENIED',
          message: 'nobody approved this run in time (ask fallback: deny)',
          details: { approvalId: asked!.id },
        });
      else await expect(gate).resolves.toEqual({});
      expect(pending).toEqual([]);
      expect(b.requested()).toEqual([]);
      expect(b.events.filter((e) => e.event === 'exec.approval.resolved')).toEqual([
        {
          event: 'exec.approval.resolved',
          payload: { id: asked!.id, status: 'expired', decision: null, ts: clock.now() },
        },
      ]);
      expect(await b.approvals.get(asked!.id)).toMatchObject({
        status: 'expired',
        expiresAtMs: asked!.expiresAtMs,
      });
      expect(await b.approvals.list()).toEqual([]);
    }
  });
  it('a store out of reach for a moment (a Redis blip) does not end the wait', async () => {
    const store = createMemoryStore();
    stores.push(store);
    let down = false;
    let failed = 0;
    const get = store.approvals.get.bind(store.approvals);
    const approvals = new ExecApprovals({
      kv: store.kv,
      approvals: {
        ...store.approvals,
        get: (id) => {
          if (!down) return get(id);
          failed++;
          return Promise.reject(new Error('redis is unreachable'));
        },
      },
      bus: new EventBus(),
      clock: systemClock,
      log: createSilentLogger(),
      pollMs: 20,
    });
    services.push(approvals);
    const snap = await approvals.snapshot();
    await approvals.set({ version: 1, defaults: { security: 'full', ask: 'always' } }, snap.hash);
    let asked: ExecApproval | undefined;
    const gate = approvals.gate(RUN, (x) => (asked = x), { key: KEY });
    await expect.poll(() => asked).toBeDefined();
    down = true;
    // A few reads fail while the store is down; the wait goes on.
    await expect.poll(() => failed).toBeGreaterThan(3);
    down = false;
    await store.approvals.settle(asked!.id, { status: 'resolved', decision: 'allow-once', resolvedAtMs: 1 });
    await expect(gate).resolves.toEqual({ approval: { id: asked!.id, decision: 'allow-once' } });
  });
});
