import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import type { CronJobRecord } from '../store/types.ts';
import { queuedOutboxRecord } from '../testing/outbox-record.ts';
import { testCronService } from '../testing/test-cron-service.ts';
import { ManualClock } from '../util/clock.ts';
import type { CronService, JobInput } from './cron-service.ts';
import { runRow } from './run-rows.ts';

// A run whose send went to the outbox: its completion (recovery, a delivery-failure alert, what
// becomes of a one-shot job) waits for the outbox record to settle, then follows the reference:
// a failed required delivery is an incident of its own that alerts at once, on an alternate
// destination only; best effort means it completes anyway.
function rig(runAgent?: ConstructorParameters<typeof CronService>[0]['runAgent']) {
  const store = createMemoryStore();
  const clock = new ManualClock(1_000_000);
  const sent: string[] = [];
  let n = 0;
  const cron = testCronService({
    store,
    clock,
    deliveryPollMs: 5,
    runAgent:
      runAgent ??
      (async () => {
        throw new Error('not used');
      }),
    // Each send is queued in the outbox; the test settles it.
    send: async () => {
      const id = `out_${++n}`;
      await store.outbox.enqueue(queuedOutboxRecord({ id, dedupeKey: id }));
      return { outboxId: id };
    },
    alerts: {
      config: () => undefined,
      send: async (_job, notice) => {
        const r = notice.route;
        sent.push(
          `${notice.kind} -> ${r.mode === 'webhook' ? r.to : `${r.channel}:${r.to}`}: ${notice.text}`,
        );
      },
    },
  });
  /** Run the job now; its send is settled as told once it is queued; resolves with the run's row. */
  /** Fired by the scheduler instead when `scheduled` (the clock moved to its time). */
  const run = async (jobId: string, outcome: 'delivered' | 'failed', scheduled = false) => {
    const outboxId = `out_${n + 1}`;
    const runId = scheduled ? await fireAtItsTime(jobId) : await cron.runNow(jobId);
    await vi.waitFor(async () => expect(await store.outbox.get(outboxId)).toBeDefined());
    await store.outbox.update(
      outboxId,
      outcome === 'delivered' ? { status: 'delivered' } : { status: 'failed', lastError: 'chat not found' },
    );
    await cron.settled();
    const [r] = await store.cron.runs({ runId, limit: 1 });
    return runRow(r!, false, false);
  };
  const fireAtItsTime = async (jobId: string) => {
    const at = (await store.cron.get(jobId))?.nextRunAtMs as number;
    clock.advance(at - clock.now());
    const [runId] = await cron.tick();
    return runId as string;
  };
  return { store, clock, cron, sent, run };
}

const announce = (extra: Partial<JobInput> = {}): JobInput => ({
  name: 'digest',
  schedule: { kind: 'every', everyMs: 3_600_000 },
  action: { kind: 'send', channel: 'telegram', to: '42', message: 'hi' },
  ...extra,
});

describe('delivery failures and failure alerts', () => {
  it('a failed delivery alerts an alternate destination at once, once per incident; a delivered run recovers', async () => {
    const { store, cron, sent, run } = rig();
    await cron.start();
    const job = await cron.add(announce({ failureDestination: { channel: 'telegram', to: 'ops' } }));

    const first = await run(job.id, 'failed');
    expect(first).toMatchObject({
      status: 'ok',
      deliveryStatus: 'not-delivered',
      delivered: false,
      deliveryError: 'chat not found',
      completionStatus: 'failed',
    });
    // Not after two: the first delivery failure alerts, on the alternate route.
    expect(sent).toEqual([
      'failure -> telegram:ops: Automation "digest" delivery failed\nCheck automation history for details.',
    ]);
    // Execution succeeded: no execution-failure streak.
    expect((await store.cron.get(job.id))?.alerts).toMatchObject({
      consecutiveErrors: 0,
      lastFailureAlertAtMs: expect.any(Number),
    });

    // The job's state shows the last delivery as the reference's does.
    expect((await cron.get(job.id)).state).toMatchObject({
      lastDeliveryStatus: 'not-delivered',
      lastDelivered: false,
      lastDeliveryError: 'chat not found',
    });

    await run(job.id, 'failed');
    expect(sent).toHaveLength(1);

    expect(await run(job.id, 'delivered')).toMatchObject({ completionStatus: 'succeeded' });
    expect(sent[1]).toBe(
      'recovery -> telegram:ops: Automation "digest" recovered\nThe latest run completed successfully.',
    );
    expect((await store.cron.get(job.id))?.alerts).toEqual({ consecutiveErrors: 0 });
    const { state } = await cron.get(job.id);
    expect(state).toMatchObject({ lastDeliveryStatus: 'delivered', lastDelivered: true });
    expect(state).not.toHaveProperty('lastDeliveryError');
    await cron.close();
  });

  it('with no alternate destination a failed delivery sends nothing, and the run is not a recovery', async () => {
    const { store, cron, sent, run } = rig();
    await cron.start();
    const job = await cron.add(announce());
    await store.cron.put({
      ...((await store.cron.get(job.id)) as CronJobRecord),
      alerts: { consecutiveErrors: 2, incident: { signature: 'x' }, lastFailureAlertAtMs: 5 },
    });
    expect(await run(job.id, 'failed')).toMatchObject({ completionStatus: 'failed' });
    expect(sent).toEqual([]);
    // The incident stays open (no recovery notice), the execution streak ends.
    expect((await store.cron.get(job.id))?.alerts).toEqual({
      consecutiveErrors: 0,
      incident: { signature: 'x' },
      lastFailureAlertAtMs: 5,
    });
    await cron.close();
  });

  it('best effort: a failed delivery completes the run, alerts nobody, and recovers an open incident', async () => {
    const { store, cron, sent, run } = rig();
    await cron.start();
    const job = await cron.add(
      announce({
        bestEffort: true,
        failureAlert: { after: 1 },
        failureDestination: { channel: 'telegram', to: 'ops' },
      }),
    );
    await store.cron.put({
      ...((await store.cron.get(job.id)) as CronJobRecord),
      alerts: { consecutiveErrors: 1, incident: { signature: 'x' } },
    });
    expect(await run(job.id, 'failed')).toMatchObject({
      deliveryStatus: 'not-delivered',
      completionStatus: 'succeeded',
    });
    expect(sent).toEqual([
      'recovery -> telegram:ops: Automation "digest" recovered\nThe latest run completed successfully.',
    ]);
    await cron.close();
  });
});

describe('one-shot jobs and their delivery', () => {
  // Fired at their time: a run by hand before then leaves a one-shot job for that time.
  const oneShot = (now: number): JobInput =>
    announce({
      schedule: { kind: 'at', at: new Date(now + 60_000).toISOString() },
      deleteAfterRun: true,
    });

  it('a one-shot job whose delivery failed is kept, disabled; one delivered is removed', async () => {
    const { store, clock, cron, run } = rig();
    await cron.start();
    const failed = await cron.add(oneShot(clock.now()));
    expect(await run(failed.id, 'failed', true)).toMatchObject({ completionStatus: 'failed' });
    expect(await store.cron.get(failed.id)).toMatchObject({
      enabled: false,
      nextRunAtMs: null,
      lastStatus: 'ok',
    });

    const delivered = await cron.add(oneShot(clock.now()));
    await run(delivered.id, 'delivered', true);
    expect(await store.cron.get(delivered.id)).toBeUndefined();
    await cron.close();
  });

  it('with best effort, a one-shot job whose delivery failed is removed', async () => {
    const { store, clock, cron, run } = rig();
    await cron.start();
    const job = await cron.add({ ...oneShot(clock.now()), bestEffort: true });
    await run(job.id, 'failed', true);
    expect(await store.cron.get(job.id)).toBeUndefined();
    await cron.close();
  });
});

describe('a reply that could not be queued', () => {
  it('is not delivered: the run did not complete, and an alternate destination is told', async () => {
    const { store, cron, sent } = rig(async () => ({
      runId: 'run_1',
      // The turn answered, but its reply never reached the outbox (no such channel).
      outcome: Promise.resolve({ ok: true, output: 'the digest' }),
    }));
    await cron.start();
    const job = await cron.add({
      name: 'digest',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'm', deliver: true, channel: 'nochannel', to: '42' },
      failureDestination: { channel: 'telegram', to: 'ops' },
    });
    const runId = await cron.runNow(job.id);
    await cron.settled();
    const [r] = await store.cron.runs({ runId, limit: 1 });
    expect(runRow(r!, false, false)).toMatchObject({
      status: 'ok',
      deliveryStatus: 'not-delivered',
      deliveryError: 'the reply could not be queued for delivery',
      completionStatus: 'failed',
    });
    expect(sent).toHaveLength(1);
    await cron.close();
  });
});

describe('a delivery still pending when the scheduler stopped', () => {
  it('is watched again by the next scheduler on the store, which decides the run’s completion', async () => {
    const first = rig();
    await first.cron.start();
    const job = await first.cron.add({
      ...announce({ failureDestination: { channel: 'telegram', to: 'ops' } }),
      schedule: { kind: 'at', at: new Date(1_060_000).toISOString() },
      deleteAfterRun: true,
    });
    // Fired at its time: a run by hand before then would keep the job for that time.
    first.clock.advance(60_000);
    expect(await first.cron.tick()).toHaveLength(1);
    await vi.waitFor(async () => expect((await first.store.cron.get(job.id))?.lastStatus).toBe('ok'));
    // Stopped with the send still queued: no completion yet.
    await first.cron.close();
    expect(first.sent).toEqual([]);
    expect(await first.store.cron.get(job.id)).toMatchObject({ enabled: true });

    const sent: string[] = [];
    const next = testCronService({
      store: first.store,
      clock: new ManualClock(1_000_000),
      deliveryPollMs: 5,
      runAgent: async () => {
        throw new Error('not used');
      },
      alerts: { config: () => undefined, send: async (_job, notice) => void sent.push(notice.text) },
    });
    await next.start();
    await first.store.outbox.update('out_1', { status: 'failed', lastError: 'chat not found' });
    await next.settled();
    expect(sent).toEqual(['Automation "digest" delivery failed\nCheck automation history for details.']);
    expect(await first.store.cron.get(job.id)).toMatchObject({ enabled: false });
    await next.close();
  });
});
