import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replyOutboxId } from '../sessions/reply-sink.ts';
import { createSqliteStore, type SqliteStore } from '../store/sqlite-store.ts';
import type { CronJobRecord } from '../store/types.ts';
import { queuedOutboxRecord } from '../testing/outbox-record.ts';
import { testCronService } from '../testing/test-cron-service.ts';
import { ManualClock } from '../util/clock.ts';
import type { CronServiceOptions } from './cron-service.ts';
import { runRow } from './run-rows.ts';

// What becomes of a job after its runs, as the reference's scheduler decides it, on a real SQLite
// store: one-shot jobs are turned off once they ran, recurring ones after ten failed runs in a
// row, an empty reply is a delivery suppressed on purpose, and every run whose delivery was still
// pending when a scheduler stopped is watched again by the next one.
const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

describe('a job after its runs', () => {
  const stores: SqliteStore[] = [];
  let dir = '';
  afterEach(async () => {
    for (const s of stores.splice(0)) s.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });
  const open = async () => {
    dir ||= await mkdtemp(join(tmpdir(), 'oc-cron-lifecycle-'));
    const s = createSqliteStore({ path: join(dir, 'gateway.db') });
    stores.push(s);
    return s;
  };
  const scheduler = (
    store: SqliteStore,
    clock: ManualClock,
    o: Partial<CronServiceOptions> & Pick<CronServiceOptions, 'runAgent'>,
  ) =>
    testCronService({
      store,
      clock,
      deliveryPollMs: 5,
      ...o,
    });
  const stored = async (store: SqliteStore, id: string) => (await store.cron.get(id)) as CronJobRecord;

  it('a one-shot job without deleteAfterRun is disabled once it ran: succeeded, failed or skipped', async () => {
    const store = await open();
    const clock = new ManualClock(T0);
    const cron = scheduler(store, clock, {
      runAgent: async (action) => {
        const ok = action.kind === 'agent' && action.message === 'fine';
        return { runId: undefined, outcome: Promise.resolve(ok ? { ok } : { ok, error: 'model down' }) };
      },
    });
    await cron.start();
    const at = { kind: 'at' as const, at: new Date(T0 + 60_000).toISOString() };
    const ok = await cron.add({ name: 'ok', schedule: at, action: { kind: 'agent', message: 'fine' } });
    const bad = await cron.add({ name: 'bad', schedule: at, action: { kind: 'agent', message: 'fails' } });
    clock.advance(60_000);
    expect(await cron.tick()).toHaveLength(2);
    await cron.settled();
    for (const [id, lastStatus] of [
      [ok.id, 'ok'],
      [bad.id, 'error'],
    ] as const)
      expect(await stored(store, id)).toMatchObject({ enabled: false, nextRunAtMs: null, lastStatus });
    expect((await cron.get(ok.id)).enabled).toBe(false);

    // Missed while no scheduler ran (missedPolicy skip): the skipped run turns it off too.
    const missed = await cron.add({
      name: 'missed',
      schedule: { kind: 'at', at: new Date(T0 + 120_000).toISOString() },
      action: { kind: 'agent', message: 'fine' },
    });
    await cron.close();
    clock.advance(HOUR);
    const next = scheduler(store, clock, { runAgent: async () => Promise.reject(new Error('not run')) });
    await next.start();
    await next.settled();
    expect(await stored(store, missed.id)).toMatchObject({
      enabled: false,
      nextRunAtMs: null,
      lastStatus: 'skipped',
    });
    await next.close();
  });

  it('a recurring job is turned off after 10 failed runs in a row, its agent told instead of an alert; enabling it resets the streak', async () => {
    const store = await open();
    const clock = new ManualClock(T0);
    const alerts: string[] = [];
    const told: { text: string; route?: string | undefined; key: string }[] = [];
    let n = 0;
    const cron = scheduler(store, clock, {
      runAgent: async (action, _job, key) => {
        if (action.kind === 'systemEvent') {
          told.push({ text: action.text, route: action.routeSessionKey, key });
          return { runId: undefined, outcome: Promise.resolve({ ok: true }) };
        }
        // Each failure has a cause of its own, so each past the threshold is an alert of its own.
        return { runId: undefined, outcome: Promise.resolve({ ok: false, error: `boom ${++n}` }) };
      },
      alerts: { config: () => undefined, send: async (_job, notice) => void alerts.push(notice.text) },
    });
    await cron.start();
    const job = await cron.add({
      name: 'hourly',
      schedule: { kind: 'every', everyMs: HOUR },
      action: {
        kind: 'agent',
        message: 'm',
        deliver: true,
        channel: 'telegram',
        to: '42',
        routeSessionKey: 'agent:main:telegram:dm:42',
      },
    });
    // Run by hand, failures count but never turn the job off.
    for (let i = 0; i < 3; i++) {
      await cron.runNow(job.id);
      await cron.settled();
    }
    for (let i = 0; i < 6; i++) {
      clock.advance(HOUR);
      await cron.tick();
      await cron.settled();
    }
    expect(await stored(store, job.id)).toMatchObject({ enabled: true, alerts: { consecutiveErrors: 9 } });
    expect(told).toEqual([]);
    // From the second failure on, one per new cause outside the hour's cooldown (the hand-run ones
    // came at once): the second and the six scheduled ones.
    expect(alerts).toHaveLength(7);

    clock.advance(HOUR);
    await cron.tick();
    await cron.settled();
    const off = await stored(store, job.id);
    expect(off).toMatchObject({
      enabled: false,
      nextRunAtMs: null,
      autoDisabled: { reason: 'consecutive-failures', atMs: clock.now(), consecutiveErrors: 10 },
    });
    expect((await cron.get(job.id)).state).toMatchObject({
      consecutiveErrors: 10,
      autoDisabled: { reason: 'consecutive-failures', atMs: clock.now(), consecutiveErrors: 10 },
    });
    // The notice stands for this run's failure alert.
    expect(alerts).toHaveLength(7);
    expect(told).toEqual([
      {
        text: `Automation "hourly" was turned off after 10 failed runs in a row. Once the cause is fixed, turn it on again: openclaw cron enable ${job.id}`,
        route: 'agent:main:telegram:dm:42',
        key: `cron|${job.id}|auto-disabled|${clock.now()}`,
      },
    ]);
    clock.advance(HOUR);
    expect(await cron.tick()).toEqual([]);

    const again = await cron.update(job.id, { enabled: true });
    expect(again.enabled).toBe(true);
    expect(again.state.autoDisabled).toBeUndefined();
    expect(again.state.consecutiveErrors).toBe(0);
    expect(again.state.nextRunAtMs).toBeGreaterThan(clock.now());
    await cron.close();
  });

  it('a turn that answered nothing: its delivery is suppressed (silent), the run completed, a one-shot job is removed', async () => {
    const store = await open();
    const clock = new ManualClock(T0);
    const alerts: string[] = [];
    let n = 0;
    const cron = scheduler(store, clock, {
      // The turn answers nothing, so nothing is queued in the outbox for its reply.
      runAgent: async () => ({ runId: `run_${++n}`, outcome: Promise.resolve({ ok: true, output: '  ' }) }),
      alerts: { config: () => undefined, send: async (_job, notice) => void alerts.push(notice.text) },
    });
    await cron.start();
    const action = { kind: 'agent' as const, message: 'm', deliver: true, channel: 'telegram', to: '42' };
    const failureDestination = { channel: 'telegram', to: 'ops' };
    const job = await cron.add({
      name: 'quiet',
      schedule: { kind: 'every', everyMs: HOUR },
      action,
      failureDestination,
    });
    const runId = await cron.runNow(job.id);
    await cron.settled();
    const [run] = await store.cron.runs({ runId, limit: 1 });
    expect(runRow(run!, false, false)).toMatchObject({
      status: 'ok',
      deliveryStatus: 'not-delivered',
      delivered: false,
      deliverySuppressionReason: 'silent',
      completionStatus: 'succeeded',
    });
    expect((await cron.get(job.id)).state).toMatchObject({
      lastDeliveryStatus: 'not-delivered',
      lastDelivered: false,
      deliverySuppressionReason: 'silent',
    });
    expect(alerts).toEqual([]);

    const once = await cron.add({
      name: 'once',
      schedule: { kind: 'at', at: new Date(T0 + HOUR).toISOString() },
      deleteAfterRun: true,
      action,
    });
    // Fired at its time (a run by hand before then would keep it for that time).
    clock.advance(HOUR);
    await cron.tick();
    await cron.settled();
    expect(await store.cron.get(once.id)).toBeUndefined();
    await cron.close();
  });

  it('every run whose delivery was pending when its scheduler stopped is watched again, not only the last', async () => {
    const store = await open();
    const clock = new ManualClock(T0);
    let n = 0;
    // Each turn's reply is queued in the outbox, where it stays until the test settles it.
    const runAgent: CronServiceOptions['runAgent'] = async () => {
      const runId = `run_${++n}`;
      await store.outbox.enqueue(queuedOutboxRecord({ id: replyOutboxId(runId), dedupeKey: runId }));
      return { runId, outcome: Promise.resolve({ ok: true, output: 'the digest' }) };
    };
    const first = scheduler(store, clock, { runAgent });
    await first.start();
    const job = await first.add({
      name: 'digest',
      schedule: { kind: 'every', everyMs: HOUR },
      action: { kind: 'agent', message: 'm', deliver: true, channel: 'telegram', to: '42' },
    });
    const runIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(HOUR);
      runIds.push(...(await first.tick()));
      // Its outcome is on the job; its completion waits for the outbox (settled() would wait too).
      await vi.waitFor(async () =>
        expect(await store.cron.get(job.id)).toMatchObject({ lastRunAtMs: clock.now(), lastStatus: 'ok' }),
      );
    }
    await first.close();
    const rows = async () =>
      Promise.all(
        runIds.map(async (runId) => {
          const [r] = await store.cron.runs({ runId, limit: 1 });
          return runRow(r!, false, false);
        }),
      );
    expect((await rows()).map((r) => r.deliveryStatus)).toEqual([undefined, undefined, undefined]);

    // Another gateway's scheduler on the same database, while the outbox settles each reply.
    const other = await open();
    const next = scheduler(other, clock, { runAgent });
    await next.start();
    await other.outbox.update(replyOutboxId('run_1'), { status: 'delivered', deliveredAtMs: clock.now() });
    await other.outbox.update(replyOutboxId('run_2'), { status: 'failed', lastError: 'chat not found' });
    await other.outbox.update(replyOutboxId('run_3'), { status: 'delivered', deliveredAtMs: clock.now() });
    await next.settled();
    expect((await rows()).map((r) => [r.deliveryStatus, r.completionStatus])).toEqual([
      ['delivered', 'succeeded'],
      ['not-delivered', 'failed'],
      ['delivered', 'succeeded'],
    ]);
    expect((await other.cron.get(job.id))?.lastDelivery).toEqual({ status: 'delivered' });
    await next.close();
  });
});
